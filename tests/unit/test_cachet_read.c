/* Cachet v1 reader on documents written from status-apis.md §3
 * (the files under tests/cachet/): pagination, numeric statuses, groups, updates,
 * schedules, zone-less times in Europe/London across both DST changes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "opsdeck/cachet_codec.h"
#include "opsdeck/sp_codec.h"
#include "opsdeck/strbuf.h"
#include "snap_check.h"

static void add_file(struct cachet_reader *r, enum cachet_doc doc, const char *file,
                     struct cachet_pagination *page)
{
    char name[256];
    snprintf(name, sizeof(name), "tests/cachet/%s", file);
    size_t len;
    char *body = test_read_file("OPSDECK_SRC", name, &len);
    struct od_error err;
    if (cachet_reader_add(r, doc, body, len, file, page, &err) != OD_OK)
        fail_msg("%s: %s", file, err.text);
    free(body);
}

static struct snapshot *read_all(void)
{
    struct cachet_reader *r = cachet_reader_new("Europe/London");
    struct cachet_pagination pg;
    add_file(r, CACHET_DOC_COMPONENTS, "components-p1.json", &pg);
    assert_true(cachet_pagination_has_next(&pg));
    add_file(r, CACHET_DOC_COMPONENTS, "components-p2.json", &pg);
    assert_false(cachet_pagination_has_next(&pg));
    add_file(r, CACHET_DOC_GROUPS, "groups.json", NULL);
    add_file(r, CACHET_DOC_INCIDENTS, "incidents.json", NULL);
    char *body = test_read_file("OPSDECK_SRC", "tests/cachet/incident-2-updates.json", NULL);
    struct od_error err;
    assert_int_equal(cachet_reader_add_updates(r, "2", body, strlen(body), "updates", NULL, &err),
                     OD_OK);
    free(body);
    add_file(r, CACHET_DOC_SCHEDULES, "schedules.json", NULL);
    struct snapshot *s = cachet_reader_snapshot(r);
    cachet_reader_free(r);
    return s;
}

static void assert_time_is(const struct od_time *t, const char *want, int offset_min)
{
    struct od_time w;
    assert_true(time_parse_rfc3339(want, &w));
    if (!t->valid || t->sec != w.sec || t->nsec != w.nsec || t->offset_min != offset_min) {
        char got[64];
        time_format_rfc3339_local(got, sizeof(got), t);
        fail_msg("time %s (offset %d), wanted %s (offset %d)", t->valid ? got : "invalid",
                 (int)t->offset_min, want, offset_min);
    }
}

static void test_pagination(void **state)
{
    (void)state;
    struct cachet_reader *r = cachet_reader_new("Europe/London");
    struct cachet_pagination pg;
    add_file(r, CACHET_DOC_COMPONENTS, "components-p1.json", &pg);
    assert_true(pg.present);
    assert_int_equal(pg.total, 6);
    assert_int_equal(pg.count, 3);
    assert_int_equal(pg.per_page, 3);
    assert_int_equal(pg.current_page, 1);
    assert_int_equal(pg.total_pages, 2);
    assert_string_equal(pg.next_page, "https://status.example.net/api/v1/components?page=2");
    assert_true(cachet_pagination_has_next(&pg));
    add_file(r, CACHET_DOC_COMPONENTS, "components-p2.json", &pg);
    assert_int_equal(pg.current_page, 2);
    assert_string_equal(pg.next_page, "");
    assert_false(cachet_pagination_has_next(&pg));
    /* reading page 1 again (a retry) does not duplicate anything */
    add_file(r, CACHET_DOC_COMPONENTS, "components-p1.json", &pg);
    struct snapshot *s = cachet_reader_snapshot(r);
    assert_int_equal(s->n_components, 5);   /* 6 listed, one disabled */
    assert_int_equal(s->parts, SNAP_PAGE | SNAP_STATUS | SNAP_COMPONENTS);
    snapshot_free(s);

    /* no meta at all: one page */
    struct od_error err;
    const char *bare = "{\"data\":[{\"id\":9,\"name\":\"Solo\",\"status\":1}]}";
    assert_int_equal(cachet_reader_add(r, CACHET_DOC_COMPONENTS, bare, strlen(bare), NULL, &pg,
                                       &err),
                     OD_OK);
    assert_false(pg.present);
    assert_false(cachet_pagination_has_next(&pg));
    /* a next link with no page numbers */
    const char *linked = "{\"data\":[],\"meta\":{\"pagination\":{\"links\":{\"next_page\":"
                         "\"https://x/api/v1/components?page=3\"}}}}";
    assert_int_equal(cachet_reader_add(r, CACHET_DOC_COMPONENTS, linked, strlen(linked), NULL,
                                       &pg, &err),
                     OD_OK);
    assert_true(cachet_pagination_has_next(&pg));
    cachet_reader_free(r);
    assert_string_equal(cachet_doc_path(CACHET_DOC_GROUPS), "/api/v1/components/groups");
    assert_string_equal(cachet_doc_name(CACHET_DOC_SCHEDULES), "schedules");
}

static void test_components_and_groups(void **state)
{
    (void)state;
    struct snapshot *s = read_all();
    assert_int_equal(s->parts, SNAP_PAGE | SNAP_STATUS | SNAP_COMPONENTS | SNAP_INCIDENTS |
                                   SNAP_MAINTENANCES);
    assert_string_equal(s->page.time_zone, "Europe/London");
    assert_int_equal(s->n_components, 7);   /* 2 groups + 5 enabled components */

    const struct component *c = snapshot_find_component(s, "1");
    assert_string_equal(c->name, "Amsterdam mail");
    assert_int_equal(c->status, COMP_OPERATIONAL);
    assert_string_equal(c->group_id, "group-1");
    assert_int_equal(c->position, 1);
    assert_string_equal(c->description, "Amsterdam mail service");
    /* zone-less, winter: GMT; summer: BST */
    assert_time_is(&c->created_at, "2016-01-04T10:00:00Z", 0);
    assert_time_is(&c->updated_at, "2016-05-23T07:10:00Z", 60);
    assert_int_equal(snapshot_find_component(s, "2")->status, COMP_DEGRADED_PERFORMANCE);
    assert_int_equal(snapshot_find_component(s, "3")->status, COMP_PARTIAL_OUTAGE);
    c = snapshot_find_component(s, "4");
    assert_int_equal(c->status, COMP_OPERATIONAL);
    assert_null(c->group_id);                       /* group_id 0 */
    assert_time_is(&c->updated_at, "2016-05-23T08:00:00Z", 60);    /* had an offset */
    assert_null(snapshot_find_component(s, "5"));   /* enabled: false */
    c = snapshot_find_component(s, "6");
    assert_string_equal(c->name, "Weird status");   /* escape sequences removed */
    assert_int_equal(c->status, COMP_UNKNOWN);      /* status 7 */
    assert_int_equal(c->position, 2);               /* order "2" */
    assert_null(c->group_id);                       /* group_id "0" */

    const struct component *g = snapshot_find_component(s, "group-2");
    assert_non_null(g);
    assert_true(g->group);
    assert_string_equal(g->name, "California");
    assert_int_equal(g->position, 2);
    assert_int_equal(g->n_children, 2);
    assert_string_equal(g->children[0], "2");
    assert_string_equal(g->children[1], "3");
    assert_int_equal(g->status, COMP_PARTIAL_OUTAGE);   /* the worst member */
    g = snapshot_find_component(s, "group-1");
    assert_int_equal(g->n_children, 1);
    assert_int_equal(g->status, COMP_OPERATIONAL);

    /* computed from the members: a partial outage → minor */
    assert_int_equal(s->indicator, IMPACT_MINOR);
    assert_string_equal(s->indicator_description, "Minor Service Outage");
    snapshot_free(s);
}

static void test_incidents(void **state)
{
    (void)state;
    struct snapshot *s = read_all();
    assert_int_equal(s->n_incidents, 6);    /* 7 listed, one not visible */
    assert_null(snapshot_find_incident(s, "3"));
    /* newest first by latest update */
    static const char *const order[] = {"2", "6", "7", "4", "1", "5"};
    for (size_t i = 0; i < ARRAY_SIZE(order); i++)
        assert_string_equal(s->incidents[i].id, order[i]);

    const struct incident *inc = snapshot_find_incident(s, "1");
    assert_string_equal(inc->name, "I-3 disk subsystem");
    assert_int_equal(inc->status, INC_RESOLVED);            /* 4 fixed */
    assert_int_equal(inc->impact, IMPACT_UNKNOWN);          /* Cachet has none; resolved */
    assert_false(inc->maintenance);
    assert_string_equal(inc->shortlink, "https://status.example.net/incidents/1");
    assert_time_is(&inc->started_at, "2016-05-23T07:10:00Z", 60);
    assert_time_is(&inc->resolved_at, "2016-05-23T09:30:00Z", 60);
    assert_false(inc->monitoring_at.valid);
    assert_int_equal(inc->n_components, 1);
    assert_string_equal(inc->components[0].id, "2");
    assert_int_equal(inc->n_updates, 3);
    assert_string_equal(inc->updates[0].id, "12");
    assert_int_equal(inc->updates[0].status, INC_RESOLVED);
    assert_string_equal(inc->updates[0].body, "Resolved: disks replaced & mail flowing.");
    assert_string_equal(inc->updates[0].incident_id, "1");
    assert_time_is(&inc->updates[0].created_at, "2016-05-23T09:30:00Z", 60);
    assert_string_equal(inc->updates[1].id, "11");
    assert_int_equal(inc->updates[1].status, INC_IDENTIFIED);
    /* the incident's own message is the oldest update */
    assert_string_equal(inc->updates[2].id, "1-0");
    assert_int_equal(inc->updates[2].status, INC_UNKNOWN);
    assert_string_equal(inc->updates[2].body,
                        "We are investigating slow mail delivery on **I-3**.\nEngineers are on it.");
    struct od_time shown = update_shown_time(&inc->updates[2]);
    assert_time_is(&shown, "2016-05-23T07:10:00Z", 60);

    /* updates from /incidents/2/updates, without incident_id in them */
    inc = snapshot_find_incident(s, "2");
    assert_int_equal(inc->status, INC_MONITORING);          /* 3 watching */
    assert_int_equal(inc->impact, IMPACT_MAJOR);            /* open, component partial */
    assert_int_equal(inc->n_updates, 3);
    assert_string_equal(inc->updates[0].id, "21");
    assert_string_equal(inc->updates[0].incident_id, "2");
    assert_int_equal(inc->updates[0].status, INC_MONITORING);
    assert_string_equal(inc->updates[1].id, "20");
    assert_int_equal(inc->updates[1].status, INC_IDENTIFIED);
    assert_string_equal(inc->updates[2].id, "2-0");
    assert_time_is(&inc->monitoring_at, "2016-12-01T13:15:00Z", 0);
    assert_false(inc->resolved_at.valid);
    assert_string_equal(inc->components[0].name, "MaxMail filtering");

    /* Cachet 2.3 scheduled incident */
    inc = snapshot_find_incident(s, "4");
    assert_int_equal(inc->status, INC_SCHEDULED);
    assert_true(inc->maintenance);
    assert_int_equal(inc->impact, IMPACT_MAINTENANCE);
    assert_time_is(&inc->started_at, "2016-06-01T21:00:00Z", 60);
    assert_int_equal(inc->updates[0].status, INC_SCHEDULED);   /* the only update */

    /* DST gap: 01:30 does not exist on 2016-03-27 in London → 02:30 BST */
    inc = snapshot_find_incident(s, "5");
    assert_int_equal(inc->status, INC_MONITORING);          /* "3" as a string */
    assert_int_equal(inc->n_components, 0);                 /* component_id 0 */
    assert_int_equal(inc->impact, IMPACT_UNKNOWN);
    assert_time_is(&inc->started_at, "2016-03-27T01:30:00Z", 60);
    /* DST overlap: 01:30 happens twice on 2016-10-30 → the earlier, BST */
    inc = snapshot_find_incident(s, "6");
    assert_int_equal(inc->status, INC_IDENTIFIED);
    assert_time_is(&inc->started_at, "2016-10-30T00:30:00Z", 60);
    /* status 9, a component that does not exist, a time with an offset */
    inc = snapshot_find_incident(s, "7");
    assert_int_equal(inc->status, INC_UNKNOWN);
    assert_int_equal(inc->n_components, 0);
    assert_time_is(&inc->started_at, "2016-07-01T10:00:00Z", 120);
    snapshot_free(s);
}

static void test_schedules(void **state)
{
    (void)state;
    struct snapshot *s = read_all();
    assert_int_equal(s->n_maintenances, 2);
    const struct incident *m = &s->maintenances[0];       /* soonest first */
    assert_string_equal(m->id, "2");
    assert_int_equal(m->status, INC_COMPLETED);
    assert_true(m->maintenance);
    assert_int_equal(m->impact, IMPACT_MAINTENANCE);
    assert_time_is(&m->scheduled_for, "2016-01-10T02:00:00Z", 0);
    assert_time_is(&m->scheduled_until, "2016-01-10T03:30:00Z", 0);
    assert_time_is(&m->resolved_at, "2016-01-10T03:30:00Z", 0);
    assert_int_equal(m->n_components, 1);                   /* 4; 99 does not exist */
    assert_string_equal(m->components[0].name, "Archive journaling");

    m = &s->maintenances[1];
    assert_string_equal(m->id, "1");
    assert_string_equal(m->name, "I-3 maintenance window");
    assert_int_equal(m->status, INC_SCHEDULED);
    assert_time_is(&m->scheduled_for, "2016-05-24T13:00:00Z", 60);
    assert_time_is(&m->scheduled_until, "2016-05-24T15:00:00Z", 60);
    assert_false(m->started_at.valid);
    assert_int_equal(m->n_components, 1);
    assert_string_equal(m->components[0].id, "2");
    assert_int_equal(m->n_updates, 1);
    assert_string_equal(m->updates[0].body, "Disk firmware upgrade.\n\nNo downtime expected.");
    assert_int_equal(m->updates[0].status, INC_SCHEDULED);
    snapshot_free(s);
}

/* A Cachet feed's snapshot goes through the Statuspage writer and back
 * unchanged (opsdeck can cache or re-serve it in one format). */
static void test_through_statuspage_writer(void **state)
{
    (void)state;
    struct snapshot *s = read_all();
    size_t len;
    char *out = sp_write(s, SP_DOC_AUTO, &len);
    struct od_error err;
    struct snapshot *b = sp_read(out, len, SP_DOC_AUTO, "written", &err);
    assert_non_null(b);
    assert_snapshot_equal(s, b);
    free(out);
    snapshot_free(b);
    snapshot_free(s);
}

static void test_cachet_read_in_one_call(void **state)
{
    (void)state;
    struct cachet_bodies b = {0};
    char *comps = test_read_file("OPSDECK_SRC", "tests/cachet/components-p1.json",
                                 &b.components_len);
    char *groups = test_read_file("OPSDECK_SRC", "tests/cachet/groups.json", &b.groups_len);
    b.components = comps;
    b.groups = groups;
    struct od_error err;
    struct snapshot *s = cachet_read(&b, "Europe/London", &err);
    assert_non_null(s);
    assert_int_equal(s->n_components, 5);
    assert_int_equal(s->parts, SNAP_PAGE | SNAP_STATUS | SNAP_COMPONENTS);
    snapshot_free(s);

    b.incidents = "{\"data\": 42}";
    b.incidents_len = strlen(b.incidents);
    assert_null(cachet_read(&b, "Europe/London", &err));
    assert_int_equal(err.code, OD_SHAPE);
    assert_string_equal(err.source, "/api/v1/incidents");
    assert_string_equal(err.text, "data: expected an array, got an integer");
    free(comps);
    free(groups);
}

static void test_hostile(void **state)
{
    (void)state;
    struct cachet_reader *r = cachet_reader_new("Not/AZone");   /* unknown → UTC */
    struct od_error err;
    struct cachet_pagination pg;
#define ADD(doc, s) cachet_reader_add(r, (doc), (s), strlen(s), "t", &pg, &err)
    char *body = test_read_file("OPSDECK_SRC", "tests/cachet/error.json", NULL);
    assert_int_equal(ADD(CACHET_DOC_INCIDENTS, body), OD_SHAPE);
    assert_string_equal(err.text, "Cachet answered with an error: Bad Request: The request "
                                  "cannot be fulfilled due to bad syntax.");
    free(body);
    assert_int_equal(ADD(CACHET_DOC_COMPONENTS, "<html>502</html>"), OD_PARSE);
    assert_int_equal(err.line, 1);
    assert_int_equal(ADD(CACHET_DOC_COMPONENTS, "[1,2]"), OD_SHAPE);
    assert_int_equal(ADD(CACHET_DOC_COMPONENTS, "{\"data\":null}"), OD_SHAPE);
    assert_int_equal(ADD(CACHET_DOC_COMPONENTS, "{\"data\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                                                "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}"),
                     OD_PARSE);
    /* junk elements skipped, junk fields ignored; a single object is fine */
    assert_int_equal(ADD(CACHET_DOC_COMPONENTS,
                         "{\"data\":[null,1,\"x\",{\"id\":{\"a\":1},\"name\":[1],"
                         "\"status\":\"4\",\"created_at\":\"2016-05-23 08:10:00\","
                         "\"order\":1e99,\"group_id\":-1}]}"),
                     OD_OK);
    assert_int_equal(ADD(CACHET_DOC_INCIDENTS,
                         "{\"data\":{\"id\":5,\"name\":\"one\",\"status\":2,\"updates\":"
                         "[{\"id\":1,\"status\":-4,\"message\":null},7]}}"),
                     OD_OK);
    assert_int_equal(ADD(CACHET_DOC_SCHEDULES,
                         "{\"data\":[{\"id\":1,\"status\":\"2\",\"components\":{\"a\":1},"
                         "\"scheduled_at\":\"2016-13-01 00:00:00\"}]}"),
                     OD_OK);
    struct snapshot *s = cachet_reader_snapshot(r);
    assert_string_equal(s->page.time_zone, "Etc/UTC");
    assert_int_equal(s->n_components, 1);
    const struct component *c = &s->components[0];
    assert_null(c->id);
    assert_null(c->name);
    assert_int_equal(c->status, COMP_MAJOR_OUTAGE);
    assert_int_equal(c->position, 0);
    assert_string_equal(c->group_id, "group--1");   /* a group that does not exist */
    assert_time_is(&c->created_at, "2016-05-23T08:10:00Z", 0);
    assert_int_equal(s->n_incidents, 1);
    assert_int_equal(s->incidents[0].status, INC_IDENTIFIED);
    assert_int_equal(s->incidents[0].n_updates, 1);
    assert_int_equal(s->incidents[0].updates[0].status, INC_UNKNOWN);
    assert_null(s->incidents[0].updates[0].body);
    assert_int_equal(s->n_maintenances, 1);
    assert_int_equal(s->maintenances[0].status, INC_COMPLETED);
    assert_false(s->maintenances[0].scheduled_for.valid);
    snapshot_free(s);
    cachet_reader_free(r);
}

static void test_item_cap(void **state)
{
    (void)state;
    struct strbuf sb;
    strbuf_init(&sb, 0);
    strbuf_puts(&sb, "{\"data\":[");
    for (int i = 0; i <= CACHET_MAX_ITEMS; i++)
        strbuf_puts(&sb, i ? ",{}" : "{}");
    strbuf_puts(&sb, "]}");
    struct cachet_reader *r = cachet_reader_new(NULL);
    struct od_error err;
    assert_int_equal(cachet_reader_add(r, CACHET_DOC_COMPONENTS, sb.data, sb.len, "big", NULL,
                                       &err),
                     OD_TOOBIG);
    struct snapshot *s = cachet_reader_snapshot(r);
    /* what fitted is kept (all without ids, so all distinct) */
    assert_int_equal(s->n_components, CACHET_MAX_ITEMS);
    snapshot_free(s);
    cachet_reader_free(r);
    strbuf_free(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pagination),
        cmocka_unit_test(test_components_and_groups),
        cmocka_unit_test(test_incidents),
        cmocka_unit_test(test_schedules),
        cmocka_unit_test(test_through_statuspage_writer),
        cmocka_unit_test(test_cachet_read_in_one_call),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_item_cap),
    };
    return cmocka_run_group_tests_name("cachet_read", tests, NULL, NULL);
}
