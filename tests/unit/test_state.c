/* App state: panes, placement, timeline, staleness with a fake clock, filter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/config.h"
#include "opsdeck/fetch_simple.h"
#include "opsdeck/model.h"
#include "opsdeck/sp_codec.h"
#include "opsdeck/state.h"

static struct snapshot *read_doc(const char *json)
{
    struct od_error err;
    struct snapshot *s = sp_read(json, strlen(json), SP_DOC_AUTO, "test", &err);
    if (!s)
        fail_msg("sp_read: %s", err.text);
    return s;
}

/* The demo feed, read the way `opsdeck snapshot` reads it. */
static struct snapshot *read_demo(void)
{
    const char *src = getenv("OPSDECK_SRC");
    char url[4096];
    snprintf(url, sizeof(url), "file://%s/demo/maxmail", src ? src : ".");
    char id[] = "maxmail";
    struct config_feed feed = {.id = id, .kind = FEED_STATUSPAGE, .url = url,
                               .interval = 30, .timeout = 10, .max_body = 1 << 20};
    struct od_error err;
    struct snapshot *s = fetch_feed(&feed, &err);
    if (!s || err.code != OD_OK)
        fail_msg("demo feed: %s", err.text);
    return s;
}

static const struct state_incident *find_si(const struct state *st, const char *id)
{
    for (size_t i = 0; i < st->n_incidents; i++)
        if (strcmp(st->incidents[i].inc->id, id) == 0)
            return &st->incidents[i];
    fail_msg("no incident %s", id);
    return &st->incidents[0];
}

static void test_demo_panes_and_timeline(void **state)
{
    (void)state;
    struct config *cfg = config_default();
    struct state *st = state_new(cfg);
    assert_int_equal(st->overall, COMP_UNKNOWN);
    assert_int_equal(st->panes[0].status, COMP_UNKNOWN);
    state_feed_take(st, 0, read_demo(), 1000);

    assert_int_equal(st->n_failed, 0);
    assert_true(st->feeds[0].ok);
    assert_false(st->feeds[0].stale);
    assert_int_equal(st->feeds[0].fetched_at, 1000);
    assert_string_equal(state_feed_label(st, 0), "MaxMail");
    assert_int_equal(st->indicator, IMPACT_MAJOR);
    assert_int_equal(st->overall, COMP_MAJOR_OUTAGE);

    const enum component_status want[] = {COMP_OPERATIONAL, COMP_OPERATIONAL, COMP_MAJOR_OUTAGE,
                                          COMP_OPERATIONAL, COMP_OPERATIONAL};
    const size_t n_comps[] = {3, 3, 3, 4, 1};
    for (size_t p = 0; p < 5; p++) {
        assert_int_equal(st->panes[p].status, want[p]);
        assert_int_equal(st->panes[p].n_components, n_comps[p]);
        assert_false(st->panes[p].stale);
    }
    /* groups first, then their children */
    const struct state_pane *i3 = &st->panes[2];
    assert_string_equal(i3->components[0].comp->name, "I-3 hosted email");
    assert_true(i3->components[0].comp->group);
    assert_string_equal(i3->components[1].comp->name, "I-3 mail server");
    assert_string_equal(i3->components[2].comp->name, "I-3 control panel");
    assert_int_equal(i3->n_incidents, 1);
    assert_string_equal(i3->incidents[0]->inc->id, "i3disk052316");
    assert_int_equal(i3->n_maintenances, 1);
    assert_string_equal(i3->maintenances[0]->inc->name, "I-3 service maintenance");
    for (size_t p = 0; p < 5; p++)
        if (p != 2) {
            assert_int_equal(st->panes[p].n_incidents, 0);
            assert_int_equal(st->panes[p].n_maintenances, 0);
        }

    /* placement of the resolved ones, through affected components and groups */
    const struct state_incident *ams = find_si(st, "amsnet051016");
    assert_non_null(ams);
    assert_false(ams->active);
    assert_false(ams->feed_wide);
    assert_true(ams->in_pane[0]);
    assert_false(ams->in_pane[1]);
    assert_int_equal(ams->first_pane, 0);
    const struct state_incident *mp = find_si(st, "msgproc04191");
    assert_true(mp->in_pane[0] && mp->in_pane[1] && mp->in_pane[4]);
    assert_false(mp->in_pane[2] || mp->in_pane[3]);
    const struct state_incident *mw = find_si(st, "i3maint05231");
    assert_true(mw->maintenance);
    assert_true(mw->active);
    assert_true(state_maintenance_in_progress(mw->inc));

    /* incidents newest first */
    assert_int_equal(st->n_incidents, 4);
    assert_string_equal(st->incidents[0].inc->id, "i3disk052316");
    assert_string_equal(st->incidents[3].inc->id, "msgproc04191");

    /* the merged timeline: 9 updates, newest first */
    assert_int_equal(st->n_timeline, 9);
    char buf[64];
    const struct state_row *r = &st->timeline[0];
    time_format_rfc3339_utc(buf, sizeof(buf), &r->at);
    assert_string_equal(buf, "2016-05-23T15:10:31.204Z");
    assert_int_equal(r->status, INC_IDENTIFIED);
    assert_int_equal(r->pane, 2);
    assert_memory_equal(r->line, "Our engineers have confirmed", 28);
    r = &st->timeline[8];
    time_format_rfc3339_utc(buf, sizeof(buf), &r->at);
    assert_string_equal(buf, "2016-04-20T02:45:40.310Z");
    assert_int_equal(r->status, INC_MONITORING);
    for (size_t i = 1; i < st->n_timeline; i++)
        assert_true(time_cmp(&st->timeline[i - 1].at, &st->timeline[i].at) >= 0);
    /* the scheduled notice's first line stops at its first line break */
    for (size_t i = 0; i < st->n_timeline; i++)
        if (st->timeline[i].status == INC_SCHEDULED)
            assert_null(memchr(st->timeline[i].line, '\n', st->timeline[i].line_len));

    unsigned long gen = st->generation;
    state_recompute(st, 1001);
    assert_true(st->generation > gen);
    state_free(st);
    config_free(cfg);
}

static const char two_pane_cfg[] =
    "{\"feeds\":[{\"id\":\"a\",\"url\":\"http://a\",\"interval\":30,\"timeout\":10},"
    "{\"id\":\"b\",\"url\":\"http://b\"}],"
    "\"panes\":[{\"title\":\"Web\",\"components\":[\"a:Web*\"]},"
    "{\"title\":\"Mail\",\"components\":[\"a:Mail\"]},"
    "{\"title\":\"Other feed\",\"components\":[\"b:*\"]}]}";

static const char feed_a[] =
    "{\"page\":{\"id\":\"p\",\"name\":\"Page A\"},"
    "\"status\":{\"indicator\":\"minor\",\"description\":\"x\"},"
    "\"components\":["
    "{\"id\":\"w\",\"name\":\"Web\",\"status\":\"major_outage\",\"group\":true,"
    "\"components\":[\"w1\",\"w2\"],\"position\":1},"
    "{\"id\":\"w1\",\"name\":\"Frontend\",\"status\":\"operational\",\"group_id\":\"w\","
    "\"position\":2},"
    "{\"id\":\"w2\",\"name\":\"Backend\",\"status\":\"degraded_performance\",\"group_id\":\"w\","
    "\"position\":1},"
    "{\"id\":\"m\",\"name\":\"Mail\",\"status\":\"partial_outage\",\"group\":true,"
    "\"components\":[],\"position\":2}],"
    "\"incidents\":["
    "{\"id\":\"i1\",\"name\":\"Everything slow\",\"status\":\"investigating\",\"impact\":\"minor\","
    "\"components\":[],\"incident_updates\":[{\"id\":\"u1\",\"status\":\"investigating\","
    "\"body\":\"\\n  \\nWe are looking.\\nMore later\",\"display_at\":\"2026-01-01T10:00:00Z\","
    "\"affected_components\":null}]},"
    "{\"id\":\"i2\",\"name\":\"Backend errors\",\"status\":\"identified\",\"impact\":\"major\","
    "\"components\":[{\"id\":\"w2\",\"name\":\"Backend\"}],"
    "\"incident_updates\":[{\"id\":\"u2\",\"status\":\"identified\",\"body\":\"Found it\","
    "\"display_at\":\"2026-01-01T11:00:00Z\"}]}],"
    "\"scheduled_maintenances\":["
    "{\"id\":\"m1\",\"name\":\"Later\",\"status\":\"scheduled\",\"impact\":\"maintenance\","
    "\"scheduled_for\":\"2026-01-03T00:00:00Z\",\"scheduled_until\":\"2026-01-03T01:00:00Z\","
    "\"components\":[{\"id\":\"m\",\"name\":\"Mail\"}],\"incident_updates\":[]},"
    "{\"id\":\"m2\",\"name\":\"Sooner\",\"status\":\"scheduled\",\"impact\":\"maintenance\","
    "\"scheduled_for\":\"2026-01-02T00:00:00Z\",\"scheduled_until\":\"2026-01-02T01:00:00Z\","
    "\"components\":[{\"id\":\"m\",\"name\":\"Mail\"}],\"incident_updates\":[]},"
    "{\"id\":\"m3\",\"name\":\"Now\",\"status\":\"in_progress\",\"impact\":\"maintenance\","
    "\"scheduled_for\":\"2026-01-05T00:00:00Z\",\"scheduled_until\":\"2026-01-05T01:00:00Z\","
    "\"components\":[{\"id\":\"m\",\"name\":\"Mail\"}],\"incident_updates\":[]},"
    "{\"id\":\"m4\",\"name\":\"Done\",\"status\":\"completed\",\"impact\":\"maintenance\","
    "\"components\":[{\"id\":\"m\",\"name\":\"Mail\"}],\"incident_updates\":[]}]}";

static void test_rules_and_feed_wide(void **state)
{
    (void)state;
    struct od_error err;
    struct config *cfg = config_parse(two_pane_cfg, strlen(two_pane_cfg), "t", &err);
    assert_non_null(cfg);
    struct state *st = state_new(cfg);
    struct snapshot *a = read_doc(feed_a);
    state_feed_update(st, 0, a, 100);       /* cloned: ours to free */
    snapshot_free(a);

    /* Web: group w (major) has children here, so only w1/w2 count: degraded */
    assert_int_equal(st->panes[0].n_components, 3);
    assert_string_equal(st->panes[0].components[0].comp->id, "w");
    assert_string_equal(st->panes[0].components[1].comp->id, "w2");     /* position 1 */
    assert_string_equal(st->panes[0].components[2].comp->id, "w1");
    assert_int_equal(st->panes[0].status, COMP_DEGRADED_PERFORMANCE);
    /* Mail: a group without children counts itself */
    assert_int_equal(st->panes[1].status, COMP_PARTIAL_OUTAGE);
    /* feed b has no data: no components, unknown */
    assert_int_equal(st->panes[2].n_components, 0);
    assert_int_equal(st->panes[2].status, COMP_UNKNOWN);
    assert_int_equal(st->overall, COMP_PARTIAL_OUTAGE);     /* worse than unknown */
    assert_int_equal(st->indicator, IMPACT_MINOR);

    /* i1 lists no component: feed-wide, in every pane with a component of feed a */
    const struct state_incident *i1 = find_si(st, "i1");
    assert_true(i1->feed_wide);
    assert_true(i1->in_pane[0] && i1->in_pane[1]);
    assert_false(i1->in_pane[2]);
    /* i2 is placed by component (w2's group Web) */
    const struct state_incident *i2 = find_si(st, "i2");
    assert_false(i2->feed_wide);
    assert_true(i2->in_pane[0]);
    assert_false(i2->in_pane[1]);
    assert_int_equal(st->panes[0].n_incidents, 2);
    assert_string_equal(st->panes[0].incidents[0]->inc->id, "i2");     /* newest first */
    assert_int_equal(st->panes[1].n_incidents, 1);

    /* maintenances: in progress first, then upcoming by start; completed ones out */
    assert_int_equal(st->panes[1].n_maintenances, 3);
    assert_string_equal(st->panes[1].maintenances[0]->inc->id, "m3");
    assert_string_equal(st->panes[1].maintenances[1]->inc->id, "m2");
    assert_string_equal(st->panes[1].maintenances[2]->inc->id, "m1");
    assert_false(find_si(st, "m4")->active);

    /* a maintenance also listed among the incidents is counted once */
    struct snapshot *dup = read_doc(
        "{\"page\":{\"id\":\"p\"},\"incidents\":[{\"id\":\"mx\",\"name\":\"Both\","
        "\"status\":\"in_progress\",\"incident_updates\":[{\"id\":\"u\",\"status\":"
        "\"in_progress\",\"body\":\"b\",\"display_at\":\"2026-01-01T00:00:00Z\"}]}],"
        "\"scheduled_maintenances\":[{\"id\":\"mx\",\"name\":\"Both\",\"status\":"
        "\"in_progress\",\"incident_updates\":[{\"id\":\"u\",\"status\":\"in_progress\","
        "\"body\":\"b\",\"display_at\":\"2026-01-01T00:00:00Z\"}]}]}");
    state_feed_take(st, 1, dup, 100);
    size_t both = 0;
    for (size_t i = 0; i < st->n_incidents; i++)
        both += st->incidents[i].feed == 1;
    assert_int_equal(both, 1);
    assert_true(find_si(st, "mx")->maintenance);
    assert_int_equal(st->n_timeline, 3);

    /* first non-empty line of a body */
    const struct state_row *looking = &st->timeline[0];
    for (size_t i = 0; i < st->n_timeline; i++)
        if (strcmp(st->timeline[i].si->inc->id, "i1") == 0)
            looking = &st->timeline[i];
    assert_string_equal(looking->si->inc->id, "i1");
    assert_int_equal(looking->line_len, strlen("We are looking."));
    assert_memory_equal(looking->line, "We are looking.", 15);

    state_free(st);
    config_free(cfg);
}

static void test_staleness_and_failure(void **state)
{
    (void)state;
    struct od_error err;
    struct config *cfg = config_parse(two_pane_cfg, strlen(two_pane_cfg), "t", &err);
    struct state *st = state_new(cfg);
    assert_int_equal(state_feed_index(st, "b"), 1);
    assert_int_equal(state_feed_index(st, "zz"), -1);
    state_feed_take(st, 0, read_doc(feed_a), 1000);
    /* interval 30, timeout 10: stale after 2 * 30 + 10 = 70 s */
    state_recompute(st, 1070);
    assert_false(st->feeds[0].stale);
    assert_false(st->panes[0].stale);
    state_recompute(st, 1071);
    assert_true(st->feeds[0].stale);
    assert_true(st->panes[0].stale);
    assert_false(st->panes[2].stale);   /* a pane of feed b only */

    /* a fresh success clears it; a failure keeps the data, marks it, sanitises */
    state_feed_take(st, 0, read_doc(feed_a), 2000);
    assert_false(st->feeds[0].stale);
    state_feed_fail(st, 0, "http://a/api/v2/summary.json: \x1b]0;owned\x07HTTP 503\x9b", 2010);
    assert_false(st->feeds[0].ok);
    assert_true(st->feeds[0].stale);
    assert_non_null(st->feeds[0].snap);
    assert_int_equal(st->feeds[0].fetched_at, 2000);
    assert_int_equal(st->feeds[0].attempted_at, 2010);
    assert_int_equal(st->n_failed, 1);
    assert_null(strchr(st->feeds[0].error, 0x1b));
    assert_null(strchr(st->feeds[0].error, 0x07));
    assert_non_null(strstr(st->feeds[0].error, "HTTP 503"));
    assert_int_equal(st->panes[0].n_components, 3);     /* still shown */
    assert_true(st->panes[0].stale);

    /* feed b failing with no data at all */
    state_feed_fail(st, 1, NULL, 2011);
    assert_string_equal(st->feeds[1].error, "fetch failed");
    assert_int_equal(st->n_failed, 2);
    assert_true(st->panes[2].stale);
    assert_false(st->feeds[1].stale);   /* nothing to be stale */
    state_free(st);
    config_free(cfg);
}

static void test_filter(void **state)
{
    (void)state;
    struct config *cfg = config_default();
    struct state *st = state_new(cfg);
    state_feed_take(st, 0, read_demo(), 1000);

    struct state_filter f;
    size_t n;
#define COUNT(text)                                                       \
    do {                                                                  \
        state_filter_parse(&f, text);                                     \
        n = 0;                                                            \
        for (size_t i = 0; i < st->n_timeline; i++)                       \
            n += state_filter_match_row(st, &f, &st->timeline[i]);        \
        state_filter_clear(&f);                                           \
    } while (0)

    COUNT("");
    assert_int_equal(n, 9);
    COUNT("   ");
    assert_int_equal(n, 9);
    COUNT("feed:max");
    assert_int_equal(n, 9);
    COUNT("feed:other");
    assert_int_equal(n, 0);
    COUNT("pane:amster");           /* Amsterdam incident (2) + message processing (3) */
    assert_int_equal(n, 5);
    COUNT("PANE:archive");
    assert_int_equal(n, 3);
    COUNT("status:inv");
    assert_int_equal(n, 3);
    COUNT("status:resolved pane:amsterdam");
    assert_int_equal(n, 2);
    COUNT("office 365");            /* two words, both must match */
    assert_int_equal(n, 1);
    COUNT("DISK status:investigating");
    assert_int_equal(n, 1);
    COUNT("Networking");            /* incident name matches both of its rows */
    assert_int_equal(n, 2);

    state_filter_parse(&f, "pane:i-3 status:identified");
    assert_int_equal(f.n, 2);
    assert_int_equal(f.terms[0].kind, FILTER_PANE);
    assert_string_equal(f.terms[0].value, "i-3");
    size_t m = 0;
    for (size_t i = 0; i < st->n_incidents; i++)
        m += state_filter_match_incident(st, &f, &st->incidents[i]);
    assert_int_equal(m, 1);
    state_filter_clear(&f);
    state_filter_parse(&f, "status:major");     /* incidents also match by impact */
    m = 0;
    for (size_t i = 0; i < st->n_incidents; i++)
        m += state_filter_match_incident(st, &f, &st->incidents[i]);
    assert_int_equal(m, 1);
    state_filter_clear(&f);
#undef COUNT
    state_free(st);
    config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demo_panes_and_timeline),
        cmocka_unit_test(test_rules_and_feed_wide),
        cmocka_unit_test(test_staleness_and_failure),
        cmocka_unit_test(test_filter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
