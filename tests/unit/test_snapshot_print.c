/* The snapshot printers on a state built by hand: raw control characters that
 * never went through a reader still cannot reach the output; the JSON has the
 * fixed field names; a failed feed without data prints sensibly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/arena.h"
#include "opsdeck/cmd_snapshot.h"
#include "opsdeck/config.h"
#include "opsdeck/model.h"
#include "opsdeck/state.h"

static const char cfg_text[] =
    "{\"title\":\"NOC\",\"timezones\":[\"America/Los_Angeles\",\"Europe/London\"],"
    "\"feeds\":[{\"id\":\"a\",\"url\":\"http://a\"},{\"id\":\"b\",\"url\":\"http://b\"}],"
    "\"panes\":[{\"title\":\"All\",\"components\":[\"*\"]}]}";

/* A snapshot with hostile bytes that bypassed every reader. */
static struct snapshot *raw_snapshot(void)
{
    struct snapshot *s = snapshot_new();
    struct arena *a = s->arena;
    s->parts = SNAP_PAGE | SNAP_STATUS | SNAP_COMPONENTS | SNAP_INCIDENTS;
    s->page.name = arena_strdup(a, "Page\x1b]0;owned\x07");
    s->indicator = IMPACT_MAJOR;
    s->n_components = 1;
    s->components = arena_calloc(a, 1, sizeof(struct component));
    s->components[0].id = arena_strdup(a, "c1");
    s->components[0].name = arena_strdup(a, "Web\x1b[2J\xc2\x9b""31m");
    s->components[0].status = COMP_PARTIAL_OUTAGE;
    s->n_incidents = 1;
    s->incidents = arena_calloc(a, 1, sizeof(struct incident));
    struct incident *inc = &s->incidents[0];
    inc->id = arena_strdup(a, "i1");
    inc->name = arena_strdup(a, "Down\x9b\x7f\xe2\x80\xae");
    inc->status = INC_IDENTIFIED;
    inc->impact = IMPACT_MAJOR;
    inc->n_components = 1;
    inc->components = arena_calloc(a, 1, sizeof(struct component));
    inc->components[0].id = arena_strdup(a, "c1");
    inc->n_updates = 1;
    inc->updates = arena_calloc(a, 1, sizeof(struct incident_update));
    inc->updates[0].status = INC_IDENTIFIED;
    inc->updates[0].body = arena_strdup(a, "First\x1bP1$r\x1b\\ line\nSecond\x08 line");
    assert_true(time_parse_rfc3339("2016-05-23T15:10:31.204Z", &inc->updates[0].display_at));
    return s;
}

static char *print(const struct state *st, bool json)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    assert_non_null(fp);
    if (json)
        snapshot_print_json(fp, st, 1464017580LL);
    else
        snapshot_print_text(fp, st, 80, 1464017580LL);
    fclose(fp);
    return buf;
}

static void assert_clean(const char *out)
{
    for (const unsigned char *p = (const unsigned char *)out; *p; p++) {
        assert_true(*p >= 0x20 || *p == '\n');
        assert_true(*p != 0x7f);
        if (p[0] == 0xc2)
            assert_false(p[1] >= 0x80 && p[1] <= 0x9f);        /* C1 as UTF-8 */
        if (p[0] == 0xe2 && p[1] == 0x80)
            assert_false(p[2] >= 0xaa && p[2] <= 0xae);        /* bidi overrides */
    }
}

static void test_text_and_json(void **state)
{
    (void)state;
    struct od_error err;
    struct config *cfg = config_parse(cfg_text, strlen(cfg_text), "t", &err);
    assert_non_null(cfg);
    struct state *st = state_new(cfg);
    state_feed_take(st, 0, raw_snapshot(), 1464017580LL);
    state_feed_fail(st, 1, "http://b/api/v2/summary.json: HTTP 503\x1b[31m", 1464017580LL);

    char *text = print(st, false);
    assert_clean(text);
    assert_non_null(strstr(text, "NOC snapshot, 2016-05-23 0833 PDT / 1633 BST\n"));
    assert_non_null(strstr(text, "Overall: Partial outage (Partial System Outage); "
                                 "1 of 2 feeds failed\n"));
    assert_non_null(strstr(text, "  b             FAILED  http://b/api/v2/summary.json: "
                                 "HTTP 503\n"));
    assert_non_null(strstr(text, "    latest: 2016-05-23 0810 PDT / 1610 BST  Identified\n"));
    assert_non_null(strstr(text, "      Second line\n"));
    assert_non_null(strstr(text, "TIMELINE (newest first, 1 of 1 updates)\n"));
    free(text);

    char *js = print(st, true);
    assert_clean(js);
    json_error_t jerr;
    json_t *root = json_loads(js, 0, &jerr);
    assert_non_null(root);
    json_t *f1 = json_array_get(json_object_get(root, "feeds"), 1);
    assert_string_equal(json_string_value(json_object_get(f1, "id")), "b");
    assert_true(json_is_false(json_object_get(f1, "ok")));
    assert_true(json_is_null(json_object_get(f1, "fetched_at")));
    json_t *pane = json_array_get(json_object_get(root, "panes"), 0);
    assert_string_equal(json_string_value(json_object_get(pane, "status")), "partial_outage");
    json_t *inc = json_array_get(json_object_get(root, "incidents"), 0);
    assert_string_equal(json_string_value(json_object_get(inc, "impact")), "major");
    json_t *up = json_array_get(json_object_get(inc, "updates"), 0);
    assert_string_equal(json_string_value(json_object_get(up, "at")), "2016-05-23T15:10:31.204Z");
    /* decoded strings are clean too (JSON escapes would not show in the bytes) */
    assert_clean(json_string_value(json_object_get(up, "body")));
    assert_clean(json_string_value(json_object_get(inc, "name")));
    json_t *row = json_array_get(json_object_get(root, "timeline"), 0);
    assert_string_equal(json_string_value(json_object_get(row, "at_zones")),
                        "2016-05-23 0810 PDT / 1610 BST");
    assert_string_equal(json_string_value(json_object_get(row, "incident_id")), "i1");
    assert_string_equal(json_string_value(json_object_get(row, "pane")), "All");
    json_decref(root);
    free(js);

    state_free(st);
    config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_and_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
