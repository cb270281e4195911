/* Statuspage v2 reader: the three real captures (read from $OPSDECK_FIXTURES),
 * plus crafted documents for ordering, nulls, dialects and limits. The
 * directory of broken/hostile cases is driven by test_sp_cases.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "opsdeck/json_util.h"
#include "opsdeck/sp_codec.h"
#include "snap_check.h"

#define FX_ACTIVE "statuspage-github-summary-active-incident-2022-11-25.json"
#define FX_QUIET "statuspage-github-summary-operational-2026-07-31.json"
#define FX_INCIDENTS "statuspage-github-incidents-2026-07-31.json"

static struct snapshot *read_fixture(const char *name, enum sp_doc doc)
{
    size_t len;
    char *body = test_read_file("OPSDECK_FIXTURES", name, &len);
    struct od_error err;
    struct snapshot *s = sp_read(body, len, doc, name, &err);
    free(body);
    if (!s)
        fail_msg("%s: %s", name, err.text);
    return s;
}

static struct snapshot *read_str(const char *json, enum sp_doc doc, struct od_error *err)
{
    return sp_read(json, strlen(json), doc, "test", err);
}

static struct od_time at(const char *s)
{
    struct od_time t;
    assert_true(time_parse_rfc3339(s, &t));
    return t;
}

static void assert_time_is(const struct od_time *t, const char *want)
{
    struct od_time w = at(want);
    assert_true(t->valid);
    assert_int_equal(t->sec, w.sec);
    assert_int_equal(t->nsec, w.nsec);
}

static const struct incident_update *find_update(const struct snapshot *s, const char *id)
{
    for (size_t i = 0; i < s->n_incidents; i++)
        for (size_t j = 0; j < s->incidents[i].n_updates; j++)
            if (strcmp(s->incidents[i].updates[j].id, id) == 0)
                return &s->incidents[i].updates[j];
    return NULL;
}

/* ---- real captures ------------------------------------------------------ */

static void test_summary_active_2022(void **state)
{
    (void)state;
    struct snapshot *s = read_fixture(FX_ACTIVE, SP_DOC_AUTO);
    assert_int_equal(s->parts, SNAP_PAGE | SNAP_STATUS | SNAP_COMPONENTS | SNAP_INCIDENTS |
                                   SNAP_MAINTENANCES);
    assert_string_equal(s->page.id, "kctbh9vrtdwd");
    assert_string_equal(s->page.name, "GitHub");
    assert_string_equal(s->page.url, "https://www.githubstatus.com");
    assert_string_equal(s->page.time_zone, "Etc/UTC");
    assert_time_is(&s->page.updated_at, "2022-11-25T15:50:05.892Z");
    /* the indicator is minor although the incident's impact is major */
    assert_int_equal(s->indicator, IMPACT_MINOR);
    assert_string_equal(s->indicator_description, "Minor Service Outage");

    assert_int_equal(s->n_components, 11);
    assert_string_equal(s->components[0].name, "Git Operations");   /* position 1 */
    assert_string_equal(s->components[0].id, "8l4ygp009s5s");
    assert_string_equal(s->components[0].description,
                        "Performance of git clones, pulls, pushes, and associated operations");
    assert_null(s->components[0].start_date);
    assert_null(s->components[0].group_id);
    assert_false(s->components[0].group);
    const struct component *pk = snapshot_find_component_by_name(s, "Packages");
    assert_non_null(pk);
    assert_int_equal(pk->status, COMP_PARTIAL_OUTAGE);
    const struct component *cp = snapshot_find_component(s, "pjmpxvq2cmr2");
    assert_non_null(cp);
    assert_string_equal(cp->name, "Copilot");
    assert_null(cp->description);
    assert_string_equal(cp->start_date, "2022-06-21");
    assert_int_equal(cp->position, 11);
    size_t partial = 0;
    for (size_t i = 0; i < s->n_components; i++)
        partial += s->components[i].status != COMP_OPERATIONAL;
    assert_int_equal(partial, 1);

    assert_int_equal(s->n_maintenances, 0);
    assert_int_equal(s->n_incidents, 1);
    const struct incident *inc = &s->incidents[0];
    assert_string_equal(inc->id, "ljwdk6qml8z8");
    assert_string_equal(inc->name, "Incident with Packages and Pages");
    assert_int_equal(inc->status, INC_INVESTIGATING);
    assert_int_equal(inc->impact, IMPACT_MAJOR);
    assert_false(inc->maintenance);
    assert_string_equal(inc->shortlink, "https://stspg.io/33vh8r7z43kh");
    assert_time_is(&inc->started_at, "2022-11-25T14:39:09.542Z");
    assert_false(inc->monitoring_at.valid);
    assert_false(inc->resolved_at.valid);
    assert_int_equal(inc->n_components, 2);

    /* seven updates, newest first */
    static const char *const ids[] = {"k0x2s8g2plxb", "8fnd7wsp5v36", "8bccy289xckg",
                                      "3956pfljsss1", "5r7154l5bkg7", "y0x9rc7hvp1s",
                                      "n1dr3fb22655"};
    assert_int_equal(inc->n_updates, 7);
    for (size_t i = 0; i < 7; i++) {
        assert_string_equal(inc->updates[i].id, ids[i]);
        assert_string_equal(inc->updates[i].incident_id, "ljwdk6qml8z8");
        assert_int_equal(inc->updates[i].status, INC_INVESTIGATING);
        if (i)
            assert_true(time_cmp(&inc->updates[i - 1].display_at,
                                 &inc->updates[i].display_at) > 0);
    }
    assert_time_is(&inc->updates[0].display_at, "2022-11-25T15:50:04.967Z");
    assert_string_equal(inc->updates[0].body,
                        "Packages is now experiencing degraded performance. We are still "
                        "investigating and will provide an update when we have one.");
    /* affected_components array, with old == new entries kept as sent */
    assert_true(inc->updates[0].has_changes);
    assert_int_equal(inc->updates[0].n_changes, 2);
    assert_string_equal(inc->updates[0].changes[1].id, "st3j38cctv9l");
    assert_string_equal(inc->updates[0].changes[1].name, "Packages");
    assert_int_equal(inc->updates[0].changes[1].old_status, COMP_MAJOR_OUTAGE);
    assert_int_equal(inc->updates[0].changes[1].new_status, COMP_MAJOR_OUTAGE);
    /* affected_components: null */
    assert_false(inc->updates[1].has_changes);
    assert_int_equal(inc->updates[1].n_changes, 0);
    assert_null(inc->updates[1].changes);
    snapshot_free(s);
}

static void test_summary_quiet_2026(void **state)
{
    (void)state;
    struct snapshot *s = read_fixture(FX_QUIET, SP_DOC_SUMMARY);
    assert_int_equal(s->n_components, 12);
    assert_int_equal(s->n_incidents, 0);
    assert_int_equal(s->n_maintenances, 0);
    assert_int_equal(s->indicator, IMPACT_NONE);
    assert_string_equal(s->indicator_description, "All Systems Operational");
    assert_time_is(&s->page.updated_at, "2026-07-31T03:29:01.470Z");
    assert_string_equal(s->components[0].name, "Git Operations");
    assert_true(s->components[0].showcase);
    assert_string_equal(s->components[2].name,
                        "Visit www.githubstatus.com for more information");
    assert_false(s->components[2].showcase);
    assert_string_equal(s->components[11].name, "Copilot AI Model Providers");
    assert_string_equal(s->components[11].start_date, "2026-04-17");
    assert_string_equal(s->components[9].start_date, "2022-06-21");
    for (size_t i = 0; i < s->n_components; i++) {
        assert_int_equal(s->components[i].status, COMP_OPERATIONAL);
        assert_int_equal(s->components[i].position, (int)i + 1);
        assert_string_equal(s->components[i].page_id, "kctbh9vrtdwd");
    }
    snapshot_free(s);
}

static void test_incidents_2026(void **state)
{
    (void)state;
    struct snapshot *s = read_fixture(FX_INCIDENTS, SP_DOC_INCIDENTS);
    assert_int_equal(s->parts, SNAP_PAGE | SNAP_INCIDENTS);
    assert_int_equal(s->n_incidents, 50);
    size_t updates = 0, null_changes = 0, backdated = 0, no_components = 0;
    size_t impacts[IMPACT__COUNT] = {0};
    for (size_t i = 0; i < s->n_incidents; i++) {
        const struct incident *inc = &s->incidents[i];
        assert_int_equal(inc->status, INC_RESOLVED);
        assert_true(inc->resolved_at.valid);
        assert_false(inc->maintenance);
        assert_non_null(inc->shortlink);
        impacts[inc->impact]++;
        no_components += inc->n_components == 0;
        assert_true(inc->n_updates >= 1 && inc->n_updates <= 18);
        updates += inc->n_updates;
        for (size_t j = 0; j < inc->n_updates; j++) {
            const struct incident_update *u = &inc->updates[j];
            assert_string_equal(u->incident_id, inc->id);
            null_changes += !u->has_changes;
            backdated += time_cmp(&u->display_at, &u->created_at) < 0;
            if (j) {
                struct od_time a = update_shown_time(&inc->updates[j - 1]);
                struct od_time b = update_shown_time(u);
                assert_true(time_cmp(&a, &b) >= 0);
            }
        }
        /* incidents newest first by their latest update */
        if (i) {
            struct od_time a = update_shown_time(&s->incidents[i - 1].updates[0]);
            struct od_time b = update_shown_time(&inc->updates[0]);
            assert_true(time_cmp(&a, &b) >= 0);
        }
    }
    assert_int_equal(updates, 287);
    assert_int_equal(null_changes, 95);
    assert_int_equal(backdated, 3);
    assert_int_equal(no_components, 18);
    assert_int_equal(impacts[IMPACT_MINOR], 26);
    assert_int_equal(impacts[IMPACT_CRITICAL], 11);
    assert_int_equal(impacts[IMPACT_MAJOR], 10);
    assert_int_equal(impacts[IMPACT_NONE], 3);

    /* a backdated update keeps its display_at */
    const struct incident_update *u = find_update(s, "4vz29my0d0gw");
    assert_non_null(u);
    assert_time_is(&u->display_at, "2026-07-24T11:00:00.000Z");
    assert_time_is(&u->created_at, "2026-07-24T15:56:48.881Z");
    struct od_time shown = update_shown_time(u);
    assert_time_is(&shown, "2026-07-24T11:00:00.000Z");

    /* "<br /><br />" becomes a blank line */
    u = find_update(s, "037n83zvm9h2");
    assert_non_null(u);
    assert_string_equal(u->body, "The issues with our upstream model provider have been "
                                 "resolved, and Claude Fable 5 is once again available in "
                                 "Copilot products and IDE surfaces.\n\nWe will continue "
                                 "monitoring to ensure stability, but mitigation is complete.");
    /* a bare '&' in a body stays as it is */
    u = find_update(s, "ld4ts1c86bp9");
    assert_non_null(u);
    assert_non_null(strstr(u->body, "chat & agent models"));

    const struct incident *inc = snapshot_find_incident(s, "9tpgqq1h4bs7");
    assert_non_null(inc);
    assert_string_equal(inc->shortlink, "https://stspg.io/45g8r57kv3n9");
    assert_int_equal(inc->n_components, 1);
    assert_string_equal(inc->components[0].name, "Copilot AI Model Providers");
    assert_true(inc->components[0].showcase);
    assert_false(inc->monitoring_at.valid);
    assert_time_is(&inc->resolved_at, "2026-07-30T10:12:15.489Z");
    assert_int_equal(inc->updates[0].n_changes, 1);
    assert_int_equal(inc->updates[0].changes[0].old_status, COMP_DEGRADED_PERFORMANCE);
    assert_int_equal(inc->updates[0].changes[0].new_status, COMP_OPERATIONAL);
    snapshot_free(s);
}

/* ---- crafted documents -------------------------------------------------- */

static void test_updates_sorted_whatever_the_order(void **state)
{
    (void)state;
    const char *doc =
        "{\"incidents\":[{\"id\":\"i1\",\"status\":\"monitoring\",\"incident_updates\":["
        "{\"id\":\"u1\",\"status\":\"investigating\",\"display_at\":\"2026-01-01T10:00:00Z\"},"
        "{\"id\":\"u3\",\"status\":\"monitoring\",\"display_at\":\"2026-01-01T12:00:00Z\"},"
        "{\"id\":\"u2\",\"status\":\"identified\",\"display_at\":\"2026-01-01T11:00:00Z\"}]}]}";
    struct od_error err;
    struct snapshot *s = read_str(doc, SP_DOC_AUTO, &err);
    assert_non_null(s);
    assert_int_equal(s->parts, SNAP_INCIDENTS);
    const struct incident *inc = &s->incidents[0];
    assert_string_equal(inc->updates[0].id, "u3");
    assert_string_equal(inc->updates[1].id, "u2");
    assert_string_equal(inc->updates[2].id, "u1");
    assert_int_equal(incident_latest_update(inc)->status, INC_MONITORING);
    snapshot_free(s);
}

static void test_timestamp_dialects(void **state)
{
    (void)state;
    const char *doc =
        "{\"page\":{\"id\":\"p\",\"time_zone\":\"America/Los_Angeles\"},\"components\":["
        "{\"id\":\"a\",\"created_at\":\"2022-11-25T15:50:04.967Z\"},"
        "{\"id\":\"b\",\"created_at\":\"2022-02-15T13:37:37.407-08:00\"},"
        "{\"id\":\"c\",\"created_at\":\"2022-02-15T13:37:37-08:00\"},"
        "{\"id\":\"d\",\"created_at\":\"2022-11-25T15:50:04Z\"},"
        "{\"id\":\"e\",\"created_at\":\"2022-07-01 08:10:00\"},"
        "{\"id\":\"f\",\"created_at\":\"yesterday\"},"
        "{\"id\":\"g\",\"created_at\":\"2022-02-30T00:00:00Z\"}]}";
    struct od_error err;
    struct snapshot *s = read_str(doc, SP_DOC_COMPONENTS, &err);
    assert_non_null(s);
    assert_int_equal(s->n_components, 7);
    const struct component *c;
    c = snapshot_find_component(s, "a");
    assert_time_is(&c->created_at, "2022-11-25T15:50:04.967Z");
    assert_int_equal(c->created_at.offset_min, 0);
    c = snapshot_find_component(s, "b");
    assert_time_is(&c->created_at, "2022-02-15T21:37:37.407Z");
    assert_int_equal(c->created_at.offset_min, -480);
    c = snapshot_find_component(s, "c");
    assert_time_is(&c->created_at, "2022-02-15T21:37:37Z");
    c = snapshot_find_component(s, "d");
    assert_time_is(&c->created_at, "2022-11-25T15:50:04Z");
    /* zone-less: local to the page's zone (PDT in July) */
    c = snapshot_find_component(s, "e");
    assert_time_is(&c->created_at, "2022-07-01T15:10:00Z");
    assert_int_equal(c->created_at.offset_min, -420);
    assert_false(snapshot_find_component(s, "f")->created_at.valid);
    assert_false(snapshot_find_component(s, "g")->created_at.valid);
    snapshot_free(s);
}

static void test_groups(void **state)
{
    (void)state;
    const char *doc =
        "{\"components\":["
        "{\"id\":\"g1\",\"name\":\"Amsterdam\",\"group\":true,\"position\":1,"
        "\"components\":[\"c1\",\"c2\"],\"status\":\"partial_outage\"},"
        "{\"id\":\"c1\",\"name\":\"Mail\",\"group_id\":\"g1\",\"position\":1,"
        "\"status\":\"partial_outage\"},"
        "{\"id\":\"c2\",\"name\":\"Web\",\"group_id\":\"g1\",\"position\":2,"
        "\"status\":\"operational\"}]}";
    struct od_error err;
    struct snapshot *s = read_str(doc, SP_DOC_AUTO, &err);
    assert_non_null(s);
    const struct component *g = snapshot_find_component(s, "g1");
    assert_true(g->group);
    assert_int_equal(g->n_children, 2);
    assert_string_equal(g->children[0], "c1");
    assert_string_equal(g->children[1], "c2");
    assert_string_equal(snapshot_find_component(s, "c2")->group_id, "g1");
    assert_null(g->group_id);
    snapshot_free(s);
}

static void test_maintenances(void **state)
{
    (void)state;
    const char *doc =
        "{\"page\":{\"id\":\"p\"},\"scheduled_maintenances\":[{\"id\":\"m1\",\"name\":\"I-3 disks\","
        "\"status\":\"scheduled\",\"impact\":\"maintenance\","
        "\"scheduled_for\":\"2016-05-24T06:00:00.000-07:00\","
        "\"scheduled_until\":\"2016-05-24T08:00:00.000-07:00\",\"incident_updates\":[]},"
        "{\"id\":\"m0\",\"status\":\"verifying\",\"impact\":\"major\","
        "\"scheduled_for\":\"2016-05-20T06:00:00Z\"}]}";
    struct od_error err;
    struct snapshot *s = read_str(doc, SP_DOC_MAINTENANCES, &err);
    assert_non_null(s);
    assert_int_equal(s->parts, SNAP_PAGE | SNAP_MAINTENANCES);
    assert_int_equal(s->n_maintenances, 2);
    /* soonest first */
    assert_string_equal(s->maintenances[0].id, "m0");
    assert_int_equal(s->maintenances[0].status, INC_VERIFYING);
    assert_int_equal(s->maintenances[0].impact, IMPACT_MAJOR);
    assert_true(s->maintenances[0].maintenance);
    assert_true(s->maintenances[1].maintenance);
    assert_time_is(&s->maintenances[1].scheduled_until, "2016-05-24T15:00:00Z");
    assert_int_equal(s->maintenances[1].scheduled_until.offset_min, -420);
    snapshot_free(s);
}

static void test_kinds_and_shape_errors(void **state)
{
    (void)state;
    struct od_error err;
    struct snapshot *s = read_str("{\"page\":{\"id\":\"x\"},\"status\":{\"indicator\":"
                                  "\"maintenance\",\"description\":\"Service Under Maintenance\"}}",
                                  SP_DOC_AUTO, &err);
    assert_non_null(s);
    assert_int_equal(s->parts, SNAP_PAGE | SNAP_STATUS);
    assert_int_equal(s->indicator, IMPACT_MAINTENANCE);
    assert_int_equal(sp_doc_for_parts(s->parts), SP_DOC_STATUS);
    snapshot_free(s);

    /* asking for components, getting a status document */
    assert_null(read_str("{\"status\":{\"indicator\":\"none\"}}", SP_DOC_COMPONENTS, &err));
    assert_int_equal(err.code, OD_SHAPE);
    assert_non_null(strstr(err.text, "\"components\""));

    assert_null(read_str("{\"incidents\":{\"id\":1}}", SP_DOC_AUTO, &err));
    assert_int_equal(err.code, OD_SHAPE);
    assert_string_equal(err.text, "incidents: expected an array, got an object");

    assert_null(read_str("[]", SP_DOC_AUTO, &err));
    assert_string_equal(err.text, "(document): expected an object, got an array");

    assert_null(read_str("{\"hello\":1}", SP_DOC_AUTO, &err));
    assert_int_equal(err.code, OD_SHAPE);

    assert_null(read_str("{\"components\":[{\"id\":\"a\"}", SP_DOC_AUTO, &err));
    assert_int_equal(err.code, OD_PARSE);
    assert_int_equal(err.line, 1);
    assert_string_equal(err.source, "test");

    assert_null(sp_read("", 0, SP_DOC_AUTO, NULL, &err));
    assert_int_equal(err.code, OD_PARSE);
}

static void test_limits(void **state)
{
    (void)state;
    struct od_error err;
    /* too big: refused before parsing, without reading the bytes */
    assert_null(sp_read("{}", SP_MAX_BODY + 1, SP_DOC_AUTO, "big", &err));
    assert_int_equal(err.code, OD_TOOBIG);

    /* nesting: 40 levels inside a component */
    char doc[256];
    size_t n = 0;
    n += (size_t)snprintf(doc + n, sizeof(doc) - n, "{\"components\":[{\"x\":");
    for (int i = 0; i < 40; i++)
        doc[n++] = '[';
    for (int i = 0; i < 40; i++)
        doc[n++] = ']';
    n += (size_t)snprintf(doc + n, sizeof(doc) - n, "}]}");
    assert_null(sp_read(doc, n, SP_DOC_AUTO, "deep", &err));
    assert_int_equal(err.code, OD_PARSE);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 50); /* the 33rd open bracket */
    assert_non_null(strstr(err.text, "nesting"));
}

/* Over-long text is cut (with a visible ellipsis), never kept whole. */
static void test_long_text_is_cut(void **state)
{
    (void)state;
    size_t body_len = 300 * 1024, name_len = 10000;
    char *doc = malloc(body_len + name_len + 200);
    size_t n = (size_t)sprintf(doc, "{\"incidents\":[{\"id\":\"i\",\"name\":\"");
    memset(doc + n, 'N', name_len);
    n += name_len;
    n += (size_t)sprintf(doc + n, "\",\"incident_updates\":[{\"id\":\"u\",\"body\":\"");
    for (size_t i = 0; i < body_len; i++)
        doc[n + i] = (i % 64 == 63) ? ' ' : (i % 4096 == 4095) ? '\n' : 'b';
    n += body_len;
    n += (size_t)sprintf(doc + n, "\"}]}]}");
    struct od_error err;
    struct snapshot *s = sp_read(doc, n, SP_DOC_AUTO, "long", &err);
    free(doc);
    assert_non_null(s);
    const char *name = s->incidents[0].name;
    const char *body = s->incidents[0].updates[0].body;
    const char *ell = "\xe2\x80\xa6";
    assert_true(strlen(name) <= JU_MAX_LINE && strlen(name) > JU_MAX_LINE - 8);
    assert_string_equal(name + strlen(name) - 3, ell);
    assert_true(strlen(body) <= JU_MAX_BODY && strlen(body) > JU_MAX_BODY - 8);
    assert_string_equal(body + strlen(body) - 3, ell);
    snapshot_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summary_active_2022),
        cmocka_unit_test(test_summary_quiet_2026),
        cmocka_unit_test(test_incidents_2026),
        cmocka_unit_test(test_updates_sorted_whatever_the_order),
        cmocka_unit_test(test_timestamp_dialects),
        cmocka_unit_test(test_groups),
        cmocka_unit_test(test_maintenances),
        cmocka_unit_test(test_kinds_and_shape_errors),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_long_text_is_cut),
    };
    return cmocka_run_group_tests_name("sp_read", tests, NULL, NULL);
}
