/* Statuspage v2 writer: round trip on the real captures, field names and
 * order as the real service sends them, escaping, nulls, offsets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <string.h>

#include "opsdeck/arena.h"
#include "opsdeck/sp_codec.h"
#include "snap_check.h"

#define FX_ACTIVE "statuspage-github-summary-active-incident-2022-11-25.json"
#define FX_QUIET "statuspage-github-summary-operational-2026-07-31.json"
#define FX_INCIDENTS "statuspage-github-incidents-2026-07-31.json"

static struct snapshot *read_or_fail(const char *body, size_t len, const char *what)
{
    struct od_error err;
    struct snapshot *s = sp_read(body, len, SP_DOC_AUTO, what, &err);
    if (!s)
        fail_msg("%s: %s (line %d col %d)", what, err.text, err.line, err.column);
    return s;
}

/* read(fixture) → write → read again: equal field by field; and writing the
 * second snapshot gives the same bytes (the writer is deterministic). */
static void round_trip(const char *name)
{
    size_t len;
    char *body = test_read_file("OPSDECK_FIXTURES", name, &len);
    struct snapshot *a = read_or_fail(body, len, name);
    size_t out_len = 0;
    char *out = sp_write(a, SP_DOC_AUTO, &out_len);
    assert_int_equal(out_len, strlen(out));
    struct snapshot *b = read_or_fail(out, out_len, "written");
    assert_snapshot_equal(a, b);
    char *again = sp_write(b, SP_DOC_AUTO, NULL);
    assert_string_equal(out, again);
    free(again);
    free(out);
    free(body);
    snapshot_free(a);
    snapshot_free(b);
}

static void test_round_trip_active(void **state)
{
    (void)state;
    round_trip(FX_ACTIVE);
}

static void test_round_trip_quiet(void **state)
{
    (void)state;
    round_trip(FX_QUIET);
}

/* The 2026 summary was captured minified: the writer gives it back byte for byte. */
static void test_quiet_summary_byte_for_byte(void **state)
{
    (void)state;
    size_t len;
    char *body = test_read_file("OPSDECK_FIXTURES", FX_QUIET, &len);
    while (len && (body[len - 1] == '\n' || body[len - 1] == '\r'))
        body[--len] = '\0';
    struct snapshot *s = read_or_fail(body, len, FX_QUIET);
    size_t out_len;
    char *out = sp_write(s, SP_DOC_SUMMARY, &out_len);
    assert_int_equal(out_len, len);
    assert_string_equal(out, body);
    free(out);
    free(body);
    snapshot_free(s);
}

static void test_round_trip_incidents(void **state)
{
    (void)state;
    round_trip(FX_INCIDENTS);
}

/* ---- field names and order --------------------------------------------- */

/* The keys of two objects in order; `ours` may add reminder_intervals at the
 * end (2026 shape) where the capture (2022) has none. Recurses into the
 * arrays and objects the Statuspage shape has. */
static void same_keys(const json_t *theirs, const json_t *ours, const char *at)
{
    const char *k1, *k2;
    void *i1 = json_object_iter((json_t *)theirs), *i2 = json_object_iter((json_t *)ours);
    for (; i1; i1 = json_object_iter_next((json_t *)theirs, i1),
               i2 = json_object_iter_next((json_t *)ours, i2)) {
        k1 = json_object_iter_key(i1);
        if (!i2)
            fail_msg("%s: writer lacks \"%s\"", at, k1);
        k2 = json_object_iter_key(i2);
        if (strcmp(k1, k2) != 0)
            fail_msg("%s: key \"%s\" where the service sends \"%s\"", at, k2, k1);
        const json_t *v1 = json_object_iter_value(i1), *v2 = json_object_iter_value(i2);
        char sub[256];
        if (json_is_object(v1) && json_is_object(v2)) {
            snprintf(sub, sizeof(sub), "%s.%s", at, k1);
            same_keys(v1, v2, sub);
        } else if (json_is_array(v1) && json_is_array(v2)) {
            assert_int_equal(json_array_size(v1), json_array_size(v2));
            for (size_t i = 0; i < json_array_size(v1); i++) {
                snprintf(sub, sizeof(sub), "%s.%s[%zu]", at, k1, i);
                if (json_is_object(json_array_get(v1, i)))
                    same_keys(json_array_get(v1, i), json_array_get(v2, i), sub);
            }
        } else if (json_is_null(v1) != json_is_null(v2)) {
            fail_msg("%s.%s: null in one and not the other", at, k1);
        }
    }
    if (i2) {
        k2 = json_object_iter_key(i2);
        if (strcmp(k2, "reminder_intervals") != 0)
            fail_msg("%s: writer adds \"%s\"", at, k2);
    }
}

static void keys_as_captured(const char *name)
{
    size_t len;
    char *body = test_read_file("OPSDECK_FIXTURES", name, &len);
    struct snapshot *s = read_or_fail(body, len, name);
    char *out = sp_write(s, SP_DOC_AUTO, NULL);
    json_t *theirs = json_loads(body, 0, NULL);
    json_t *ours = json_loads(out, 0, NULL);
    assert_non_null(theirs);
    assert_non_null(ours);
    same_keys(theirs, ours, name);
    json_decref(theirs);
    json_decref(ours);
    free(out);
    free(body);
    snapshot_free(s);
}

static void test_keys_as_captured(void **state)
{
    (void)state;
    keys_as_captured(FX_ACTIVE);
    keys_as_captured(FX_QUIET);
    keys_as_captured(FX_INCIDENTS);
}

static void test_values_as_captured(void **state)
{
    (void)state;
    size_t len;
    char *body = test_read_file("OPSDECK_FIXTURES", FX_ACTIVE, &len);
    struct snapshot *s = read_or_fail(body, len, FX_ACTIVE);
    char *out = sp_write(s, SP_DOC_SUMMARY, NULL);
    assert_non_null(strstr(out, "\"status\":{\"indicator\":\"minor\","
                                "\"description\":\"Minor Service Outage\"}}"));
    assert_non_null(strstr(out, "{\"page\":{\"id\":\"kctbh9vrtdwd\",\"name\":\"GitHub\","
                                "\"url\":\"https://www.githubstatus.com\","
                                "\"time_zone\":\"Etc/UTC\","
                                "\"updated_at\":\"2022-11-25T15:50:05.892Z\"}"));
    assert_non_null(strstr(out, "\"display_at\":\"2022-11-25T15:50:04.967Z\""));
    assert_non_null(strstr(out, "\"affected_components\":null,"));
    assert_non_null(strstr(out, "\"scheduled_maintenances\":[]"));
    assert_non_null(strstr(out, "\"start_date\":\"2022-06-21\""));
    /* newest update first */
    assert_true(strstr(out, "k0x2s8g2plxb") < strstr(out, "n1dr3fb22655"));
    free(out);

    /* the other kinds carry only their own keys */
    out = sp_write(s, SP_DOC_STATUS, NULL);
    assert_int_equal(strncmp(out, "{\"page\":{", 9), 0);
    assert_non_null(strstr(out, "},\"status\":{\"indicator\":\"minor\""));
    assert_null(strstr(out, "components"));
    free(out);
    out = sp_write(s, SP_DOC_COMPONENTS, NULL);
    assert_null(strstr(out, "\"incidents\""));
    assert_null(strstr(out, "\"indicator\""));
    free(out);
    out = sp_write(s, SP_DOC_INCIDENTS, NULL);
    assert_non_null(strstr(out, "\"incidents\":[{\"id\":\"ljwdk6qml8z8\""));
    assert_null(strstr(out, "\"scheduled_maintenances\""));
    free(out);
    out = sp_write(s, SP_DOC_MAINTENANCES, NULL);
    assert_string_equal(strstr(out, "\"scheduled_maintenances\""), "\"scheduled_maintenances\":[]}");
    free(out);
    free(body);
    snapshot_free(s);
}

/* ---- a snapshot built by hand, as the server builds one ----------------- */

static struct od_time at(const char *s)
{
    struct od_time t;
    assert_true(time_parse_rfc3339(s, &t));
    return t;
}

static void test_hand_built(void **state)
{
    (void)state;
    struct snapshot *s = snapshot_new();
    struct arena *a = s->arena;
    s->parts = SNAP_PAGE | SNAP_INCIDENTS | SNAP_MAINTENANCES;
    s->page.id = "demo";
    s->page.time_zone = "America/Los_Angeles";
    s->page.updated_at = at("2016-05-23T08:10:00.5-07:00");
    s->n_incidents = 1;
    s->incidents = arena_calloc(a, 1, sizeof(struct incident));
    struct incident *inc = &s->incidents[0];
    inc->id = "i3";
    inc->name = "I-3 \"disk\" subsystem\x1b[31m";
    inc->status = INC_RESOLVED;
    inc->impact = IMPACT_MAJOR;
    inc->created_at = at("2016-05-23T08:10:00.123456-07:00");
    inc->n_updates = 2;
    inc->updates = arena_calloc(a, 2, sizeof(struct incident_update));
    /* oldest first on purpose: the writer sends newest first */
    inc->updates[0].id = "u1";
    inc->updates[0].status = INC_INVESTIGATING;
    inc->updates[0].body = "Disks <slow> & \"noisy\"\nline two\t\xff";
    inc->updates[0].display_at = at("2016-05-23T08:10:00Z");
    inc->updates[1].id = "u2";
    inc->updates[1].status = INC_RESOLVED;
    inc->updates[1].body = "Fixed.";
    inc->updates[1].display_at = at("2016-05-23T09:00:00Z");
    inc->updates[1].has_changes = true;
    s->n_maintenances = 1;
    s->maintenances = arena_calloc(a, 1, sizeof(struct incident));
    s->maintenances[0].id = "m1";
    s->maintenances[0].maintenance = true;
    s->maintenances[0].status = INC_SCHEDULED;
    s->maintenances[0].impact = IMPACT_MAINTENANCE;
    s->maintenances[0].scheduled_for = at("2016-05-24T06:00:00-07:00");

    size_t len;
    char *out = sp_write(s, SP_DOC_AUTO, &len);
    json_error_t je;
    json_t *root = json_loadb(out, len, 0, &je);
    if (!root)
        fail_msg("writer output does not parse: %s at %d:%d", je.text, je.line, je.column);
    /* top-level keys of a summary, in order, without status (not in parts) */
    const char *const top[] = {"page", "incidents", "scheduled_maintenances"};
    void *it = json_object_iter(root);
    for (size_t i = 0; i < ARRAY_SIZE(top); i++, it = json_object_iter_next(root, it))
        assert_string_equal(json_object_iter_key(it), top[i]);
    assert_null(it);
    json_t *jinc = json_array_get(json_object_get(root, "incidents"), 0);
    json_t *ups = json_object_get(jinc, "incident_updates");
    assert_string_equal(json_string_value(json_object_get(json_array_get(ups, 0), "id")), "u2");
    assert_true(json_is_array(json_object_get(json_array_get(ups, 0), "affected_components")));
    assert_true(json_is_null(json_object_get(json_array_get(ups, 1), "affected_components")));
    assert_string_equal(json_string_value(json_object_get(json_array_get(ups, 1), "body")),
                        "Disks &lt;slow&gt; &amp; \"noisy\"\nline two\t\xef\xbf\xbd");
    assert_string_equal(json_string_value(json_object_get(jinc, "created_at")),
                        "2016-05-23T08:10:00.123456-07:00");
    assert_true(json_is_null(json_object_get(jinc, "resolved_at")));
    assert_true(json_is_null(json_object_get(jinc, "shortlink")));
    json_t *jm = json_array_get(json_object_get(root, "scheduled_maintenances"), 0);
    assert_string_equal(json_string_value(json_object_get(jm, "scheduled_for")),
                        "2016-05-24T06:00:00.000-07:00");
    assert_true(json_is_null(json_object_get(jm, "scheduled_until")));
    assert_string_equal(json_string_value(json_object_get(json_object_get(root, "page"),
                                                          "updated_at")),
                        "2016-05-23T08:10:00.500-07:00");
    json_decref(root);
    assert_non_null(strstr(out, "\"name\":\"I-3 \\\"disk\\\" subsystem\\u001b[31m\""));

    /* read back: the text is sanitised and the body decoded */
    struct od_error err;
    struct snapshot *b = sp_read(out, len, SP_DOC_AUTO, "hand", &err);
    assert_non_null(b);
    assert_string_equal(b->incidents[0].name, "I-3 \"disk\" subsystem");
    assert_string_equal(b->incidents[0].updates[1].body,
                        "Disks <slow> & \"noisy\"\nline two \xef\xbf\xbd");
    assert_int_equal(b->incidents[0].created_at.nsec, 123456000);
    assert_int_equal(b->incidents[0].created_at.offset_min, -420);
    free(out);
    /* ...and from there the round trip is exact */
    out = sp_write(b, SP_DOC_AUTO, &len);
    struct snapshot *c = sp_read(out, len, SP_DOC_AUTO, "again", &err);
    assert_non_null(c);
    assert_snapshot_equal(b, c);
    free(out);
    snapshot_free(c);
    snapshot_free(b);
    snapshot_free(s);
}

static void test_empty_snapshot(void **state)
{
    (void)state;
    struct snapshot *s = snapshot_new();
    char *out = sp_write(s, SP_DOC_AUTO, NULL);
    assert_string_equal(out, "{}");
    free(out);
    out = sp_write(s, SP_DOC_SUMMARY, NULL);
    assert_string_equal(out, "{\"components\":[]}");
    free(out);
    out = sp_write(s, SP_DOC_STATUS, NULL);
    assert_string_equal(out, "{\"status\":{\"indicator\":\"unknown\",\"description\":null}}");
    free(out);
    snapshot_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_active),
        cmocka_unit_test(test_round_trip_quiet),
        cmocka_unit_test(test_round_trip_incidents),
        cmocka_unit_test(test_quiet_summary_byte_for_byte),
        cmocka_unit_test(test_keys_as_captured),
        cmocka_unit_test(test_values_as_captured),
        cmocka_unit_test(test_hand_built),
        cmocka_unit_test(test_empty_snapshot),
    };
    return cmocka_run_group_tests_name("sp_write", tests, NULL, NULL);
}
