/* Change events: each kind from hand-written snapshot pairs, silence when
 * nothing changed, order, and the two line formats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/events.h"
#include "opsdeck/sp_codec.h"

static struct snapshot *doc(const char *json)
{
    struct od_error err;
    struct snapshot *s = sp_read(json, strlen(json), SP_DOC_AUTO, "test", &err);
    if (!s)
        fail_msg("sp_read: %s (%s)", err.text, json);
    return s;
}

#define COMP(id, name, st) \
    "{\"id\":\"" id "\",\"name\":\"" name "\",\"status\":\"" st \
    "\",\"updated_at\":\"2016-05-23T15:00:00Z\"}"
#define UPD(id, st, at, body) \
    "{\"id\":\"" id "\",\"status\":\"" st "\",\"body\":\"" body "\",\"created_at\":\"" at \
    "\",\"display_at\":\"" at "\"}"
#define INC(id, name, st, updates) \
    "{\"id\":\"" id "\",\"name\":\"" name "\",\"status\":\"" st \
    "\",\"impact\":\"major\",\"created_at\":\"2016-05-23T15:10:00Z\"," \
    "\"updated_at\":\"2016-05-23T16:00:00Z\",\"shortlink\":\"https://stspg.io/x\"," \
    "\"incident_updates\":[" updates "]}"

static struct event_list diff(const char *a, const char *b)
{
    struct snapshot *sa = doc(a), *sb = doc(b);
    struct event_list l;
    assert_int_equal(events_diff(sa, sb, 3, &l), OD_OK);
    snapshot_free(sa);
    snapshot_free(sb);      /* events own their strings */
    return l;
}

static const char base[] =
    "{\"components\":[" COMP("c1", "SMTP", "operational") "," COMP("c2", "IMAP", "degraded_performance")
    "],\"incidents\":[" INC("i1", "Mail delays", "investigating",
                            UPD("u1", "investigating", "2016-05-23T15:10:00Z", "Looking into it"))
    "],\"scheduled_maintenances\":[]}";

static void test_silent(void **unused)
{
    (void)unused;
    struct event_list l = diff(base, base);
    assert_int_equal(l.n, 0);
    events_free(&l);
    struct snapshot *s = doc(base);
    assert_int_equal(events_diff(NULL, s, 0, &l), OD_OK);
    assert_int_equal(l.n, 0);
    assert_int_equal(events_diff(s, NULL, 0, &l), OD_OK);
    assert_int_equal(l.n, 0);
    snapshot_free(s);
    events_free(NULL);
}

static void test_components(void **unused)
{
    (void)unused;
    static const char after[] =
        "{\"components\":[" COMP("c1", "SMTP", "major_outage") "," COMP("c2", "IMAP", "operational")
        "," COMP("c3", "New one", "major_outage")
        "],\"incidents\":[" INC("i1", "Mail delays", "investigating",
                                UPD("u1", "investigating", "2016-05-23T15:10:00Z", "Looking into it"))
        "],\"scheduled_maintenances\":[]}";
    struct event_list l = diff(base, after);
    assert_int_equal(l.n, 2);   /* c3 is new: nothing to compare with */
    /* in the snapshot's component order (position, then name): IMAP, SMTP */
    assert_int_equal(l.v[0].kind, EV_COMPONENT_BETTER);
    assert_string_equal(l.v[0].component_id, "c2");
    assert_int_equal(l.v[0].comp_old, COMP_DEGRADED_PERFORMANCE);
    assert_int_equal(l.v[0].comp_new, COMP_OPERATIONAL);
    assert_int_equal(l.v[1].kind, EV_COMPONENT_WORSE);
    assert_string_equal(l.v[1].component_id, "c1");
    assert_string_equal(l.v[1].component_name, "SMTP");
    assert_int_equal(l.v[1].comp_old, COMP_OPERATIONAL);
    assert_int_equal(l.v[1].comp_new, COMP_MAJOR_OUTAGE);
    assert_int_equal(l.v[1].feed, 3);
    assert_null(l.v[1].incident_id);
    events_free(&l);
    assert_null(l.v);
}

static void test_incidents(void **unused)
{
    (void)unused;
    /* a new incident, and two new updates of i1 without a status change */
    static const char after[] =
        "{\"components\":[" COMP("c1", "SMTP", "operational") "," COMP("c2", "IMAP", "degraded_performance")
        "],\"incidents\":["
        INC("i2", "Archive slow", "identified",
            UPD("v2", "identified", "2016-05-23T16:20:00Z", "\\n\\nFound it.\\nMore text")
            "," UPD("v1", "investigating", "2016-05-23T16:00:00Z", "Checking"))
        "," INC("i1", "Mail delays", "investigating",
                UPD("u3", "investigating", "2016-05-23T15:50:00Z", "Still looking")
                "," UPD("u2", "investigating", "2016-05-23T15:30:00Z", "Looking harder")
                "," UPD("u1", "investigating", "2016-05-23T15:10:00Z", "Looking into it"))
        "],\"scheduled_maintenances\":[]}";
    struct event_list l = diff(base, after);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.v[0].kind, EV_INCIDENT_NEW);
    assert_string_equal(l.v[0].incident_id, "i2");
    assert_string_equal(l.v[0].update_id, "v2");     /* its latest update */
    assert_string_equal(l.v[0].line, "Found it.");   /* first non-empty line */
    assert_int_equal(l.v[0].inc_new, INC_IDENTIFIED);
    assert_int_equal(l.v[0].at.sec, 1464020400);     /* 2016-05-23T16:20:00Z */
    assert_int_equal(l.v[1].kind, EV_UPDATE_NEW);    /* oldest new update first */
    assert_string_equal(l.v[1].update_id, "u2");
    assert_string_equal(l.v[1].line, "Looking harder");
    assert_int_equal(l.v[2].kind, EV_UPDATE_NEW);
    assert_string_equal(l.v[2].update_id, "u3");
    events_free(&l);

    /* the same pair again gives the same list (deterministic) */
    struct event_list l2 = diff(base, after);
    assert_int_equal(l2.n, 3);
    assert_string_equal(l2.v[2].update_id, "u3");
    events_free(&l2);
}

static void test_status_and_resolved(void **unused)
{
    (void)unused;
    static const char identified[] =
        "{\"components\":[" COMP("c1", "SMTP", "operational") "," COMP("c2", "IMAP", "degraded_performance")
        "],\"incidents\":[" INC("i1", "Mail delays", "identified",
                                UPD("u2", "identified", "2016-05-23T15:40:00Z", "Cause found")
                                "," UPD("u1", "investigating", "2016-05-23T15:10:00Z", "Looking into it"))
        "],\"scheduled_maintenances\":[]}";
    static const char resolved[] =
        "{\"components\":[" COMP("c1", "SMTP", "operational") "," COMP("c2", "IMAP", "degraded_performance")
        "],\"incidents\":[" INC("i1", "Mail delays", "resolved",
                                UPD("u3", "resolved", "2016-05-23T16:40:00Z", "All good")
                                "," UPD("u2", "identified", "2016-05-23T15:40:00Z", "Cause found")
                                "," UPD("u1", "investigating", "2016-05-23T15:10:00Z", "Looking into it"))
        "],\"scheduled_maintenances\":[]}";
    struct event_list l = diff(base, identified);
    assert_int_equal(l.n, 1);   /* the update rides on the status event */
    assert_int_equal(l.v[0].kind, EV_INCIDENT_STATUS);
    assert_int_equal(l.v[0].inc_old, INC_INVESTIGATING);
    assert_int_equal(l.v[0].inc_new, INC_IDENTIFIED);
    assert_string_equal(l.v[0].update_id, "u2");
    assert_string_equal(l.v[0].line, "Cause found");
    events_free(&l);

    l = diff(identified, resolved);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.v[0].kind, EV_INCIDENT_RESOLVED);
    assert_string_equal(l.v[0].line, "All good");
    events_free(&l);

    /* two updates at once, ending resolved: the earlier as an update */
    l = diff(base, resolved);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.v[0].kind, EV_UPDATE_NEW);
    assert_string_equal(l.v[0].update_id, "u2");
    assert_int_equal(l.v[1].kind, EV_INCIDENT_RESOLVED);
    assert_string_equal(l.v[1].update_id, "u3");
    events_free(&l);

    /* an incident that disappears (summary drops resolved ones) is silent */
    static const char gone[] =
        "{\"components\":[" COMP("c1", "SMTP", "operational") "," COMP("c2", "IMAP", "degraded_performance")
        "],\"incidents\":[],\"scheduled_maintenances\":[]}";
    l = diff(base, gone);
    assert_int_equal(l.n, 0);
    events_free(&l);
}

#define MAINT(st, updates) \
    "{\"components\":[],\"incidents\":[],\"scheduled_maintenances\":[{\"id\":\"m1\"," \
    "\"name\":\"DB upgrade\",\"status\":\"" st "\",\"impact\":\"maintenance\"," \
    "\"scheduled_for\":\"2016-05-24T02:00:00Z\",\"scheduled_until\":\"2016-05-24T04:00:00Z\"," \
    "\"incident_updates\":[" updates "]}]}"

static void test_maintenance(void **unused)
{
    (void)unused;
    static const char none[] = "{\"components\":[],\"incidents\":[],\"scheduled_maintenances\":[]}";
    static const char sched[] =
        MAINT("scheduled", UPD("a1", "scheduled", "2016-05-23T10:00:00Z", "Planned"));
    static const char running[] =
        MAINT("in_progress", UPD("a2", "in_progress", "2016-05-24T02:00:00Z", "Started")
              "," UPD("a1", "scheduled", "2016-05-23T10:00:00Z", "Planned"));
    static const char done[] =
        MAINT("completed", UPD("a3", "completed", "2016-05-24T03:30:00Z", "Done")
              "," UPD("a2", "in_progress", "2016-05-24T02:00:00Z", "Started")
              "," UPD("a1", "scheduled", "2016-05-23T10:00:00Z", "Planned"));
    struct event_list l = diff(none, sched);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.v[0].kind, EV_INCIDENT_NEW);
    assert_true(l.v[0].maintenance);
    events_free(&l);
    l = diff(sched, running);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.v[0].kind, EV_MAINT_STARTED);
    assert_string_equal(l.v[0].line, "Started");
    events_free(&l);
    l = diff(running, done);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.v[0].kind, EV_MAINT_ENDED);
    assert_string_equal(l.v[0].update_id, "a3");
    events_free(&l);
    l = diff(none, running);    /* first seen already running */
    assert_int_equal(l.n, 1);
    assert_int_equal(l.v[0].kind, EV_MAINT_STARTED);
    events_free(&l);
    l = diff(none, done);       /* history we never saw: silent */
    assert_int_equal(l.n, 0);
    events_free(&l);
}

static void test_format(void **unused)
{
    (void)unused;
    static const char after[] =
        "{\"components\":[" COMP("c1", "SMTP", "operational") "," COMP("c2", "IMAP", "degraded_performance")
        "],\"incidents\":[" INC("i9", "Evil \\u001b[31mred", "investigating",
                                UPD("w1", "investigating", "2016-05-23T15:10:00Z", "Bad \\u0007 bell"))
        "," INC("i1", "Mail delays", "investigating",
                UPD("u1", "investigating", "2016-05-23T15:10:00Z", "Looking into it"))
        "],\"scheduled_maintenances\":[]}";
    struct event_list l = diff(base, after);
    assert_int_equal(l.n, 1);
    static const char *const zones[] = {"America/Los_Angeles", "Europe/London"};
    char buf[512];
    event_format_text(buf, sizeof(buf), &l.v[0], "MaxMail\x1b[2J", zones, 2);
    assert_non_null(strstr(buf, "0810 PDT / 1610 BST"));
    assert_non_null(strstr(buf, "New incident"));
    assert_non_null(strstr(buf, "[investigating]"));
    assert_null(strchr(buf, '\x1b'));
    assert_null(strchr(buf, '\a'));
    char *j = event_format_json(&l.v[0], "maxmail", "MaxMail", zones, 2);
    assert_non_null(j);
    json_error_t je;
    json_t *o = json_loads(j, 0, &je);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "kind")), "incident_new");
    assert_string_equal(json_string_value(json_object_get(o, "feed")), "maxmail");
    assert_string_equal(json_string_value(json_object_get(o, "at")), "2016-05-23T15:10:00.000Z");
    assert_string_equal(json_string_value(json_object_get(o, "at_local")), "0810 PDT / 1610 BST");
    assert_string_equal(json_string_value(json_object_get(o, "status")), "investigating");
    assert_true(json_is_null(json_object_get(o, "status_old")));
    assert_true(json_is_null(json_object_get(o, "component")));
    assert_null(strchr(json_string_value(json_object_get(o, "incident")), '\x1b'));
    json_decref(o);
    free(j);
    events_free(&l);
    assert_string_equal(event_kind_name(EV_MAINT_ENDED), "maint_ended");
    assert_string_equal(event_kind_label(EV_INCIDENT_RESOLVED), "Resolved");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_silent),          cmocka_unit_test(test_components),
        cmocka_unit_test(test_incidents),       cmocka_unit_test(test_status_and_resolved),
        cmocka_unit_test(test_maintenance),     cmocka_unit_test(test_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
