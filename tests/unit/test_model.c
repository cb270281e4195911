/* Model: enum tables, snapshot lifetime, merge, sort, indicator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "opsdeck/arena.h"
#include "opsdeck/model.h"

static void test_enum_round_trip(void **state)
{
    (void)state;
    for (int s = 0; s < COMP__COUNT; s++)
        assert_int_equal(component_status_from_name(component_status_name(s)), s);
    for (int s = 0; s < INC__COUNT; s++)
        assert_int_equal(incident_status_from_name(incident_status_name(s)), s);
    for (int s = 0; s < IMPACT__COUNT; s++)
        assert_int_equal(impact_from_name(impact_name(s)), s);
    assert_int_equal(component_status_from_name(""), COMP_UNKNOWN);
    assert_int_equal(component_status_from_name(NULL), COMP_UNKNOWN);
    assert_int_equal(incident_status_from_name("exploded"), INC_UNKNOWN);
    assert_int_equal(impact_from_name("Major"), IMPACT_UNKNOWN);
    assert_true(incident_status_is_open(INC_IDENTIFIED));
    assert_false(incident_status_is_open(INC_RESOLVED));
    assert_true(incident_status_is_maintenance(INC_IN_PROGRESS));
    assert_int_equal(component_status_worse(COMP_OPERATIONAL, COMP_MAJOR_OUTAGE),
                     COMP_MAJOR_OUTAGE);
    assert_int_equal(component_status_worse(COMP_PARTIAL_OUTAGE, COMP_UNKNOWN),
                     COMP_PARTIAL_OUTAGE);
}

static struct incident make_incident(struct arena *a, const char *id, const char *name,
                                     const char *updated, int n_updates)
{
    struct incident inc = {0};
    inc.id = arena_strdup(a, id);
    inc.name = arena_strdup(a, name);
    assert_true(time_parse_rfc3339(updated, &inc.updated_at));
    inc.created_at = inc.updated_at;
    inc.n_updates = (size_t)n_updates;
    inc.updates = arena_calloc(a, inc.n_updates, sizeof(*inc.updates));
    for (int i = 0; i < n_updates; i++) {
        inc.updates[i].id = arena_strdup(a, id);
        inc.updates[i].body = arena_strdup(a, "body");
        /* oldest first on purpose: sort must reverse them */
        inc.updates[i].display_at = time_from_ms(time_to_ms(&inc.updated_at) - (n_updates - i) * 60000);
    }
    return inc;
}

static void test_merge_union_and_newest_wins(void **state)
{
    (void)state;
    struct snapshot *older = snapshot_new();
    older->parts = SNAP_INCIDENTS | SNAP_COMPONENTS;
    older->n_incidents = 2;
    older->incidents = arena_calloc(older->arena, 2, sizeof(struct incident));
    older->incidents[0] = make_incident(older->arena, "a", "old A", "2026-01-01T10:00:00Z", 1);
    older->incidents[1] = make_incident(older->arena, "b", "B", "2026-01-01T09:00:00Z", 2);
    older->n_components = 1;
    older->components = arena_calloc(older->arena, 1, sizeof(struct component));
    older->components[0].id = arena_strdup(older->arena, "c1");
    older->components[0].name = arena_strdup(older->arena, "Amsterdam");

    struct snapshot *newer = snapshot_new();
    newer->parts = SNAP_INCIDENTS | SNAP_STATUS;
    newer->indicator = IMPACT_MINOR;
    newer->n_incidents = 1;
    newer->incidents = arena_calloc(newer->arena, 1, sizeof(struct incident));
    newer->incidents[0] = make_incident(newer->arena, "a", "new A", "2026-01-01T11:00:00Z", 3);

    struct snapshot *m = snapshot_merge(older, newer);
    snapshot_free(older);
    snapshot_free(newer);
    assert_int_equal(m->n_incidents, 2);
    assert_string_equal(m->incidents[0].name, "new A");
    assert_int_equal(m->incidents[0].n_updates, 3);
    /* updates newest first after the merge's sort */
    assert_true(time_cmp(&m->incidents[0].updates[0].display_at,
                         &m->incidents[0].updates[2].display_at) > 0);
    assert_string_equal(m->incidents[1].id, "b");
    assert_int_equal(m->n_components, 1);
    assert_string_equal(snapshot_find_component(m, "c1")->name, "Amsterdam");
    assert_null(snapshot_find_component(m, "nope"));
    assert_int_equal(m->indicator, IMPACT_MINOR);
    assert_non_null(snapshot_find_incident(m, "b"));

    struct snapshot *c = snapshot_clone(m);
    snapshot_free(m);
    assert_string_equal(c->incidents[0].updates[0].body, "body");
    snapshot_free(c);
    snapshot_free(NULL);
}

static void test_indicator(void **state)
{
    (void)state;
    struct component c[3] = {{.status = COMP_OPERATIONAL}, {.status = COMP_OPERATIONAL},
                             {.status = COMP_MAJOR_OUTAGE, .group = true}};
    const char *desc;
    assert_int_equal(indicator_from_components(c, 3, &desc), IMPACT_NONE);
    assert_string_equal(desc, "All Systems Operational");
    c[1].status = COMP_DEGRADED_PERFORMANCE;
    assert_int_equal(indicator_from_components(c, 3, &desc), IMPACT_MINOR);
    assert_string_equal(desc, "Partially Degraded Service");
    c[1].status = COMP_PARTIAL_OUTAGE;
    assert_int_equal(indicator_from_components(c, 3, &desc), IMPACT_MINOR);
    assert_string_equal(desc, "Minor Service Outage");
    c[0].status = COMP_MAJOR_OUTAGE;
    assert_int_equal(indicator_from_components(c, 3, &desc), IMPACT_MAJOR);
    c[1].status = COMP_MAJOR_OUTAGE;
    assert_int_equal(indicator_from_components(c, 3, &desc), IMPACT_CRITICAL);
    assert_string_equal(desc, "Major System Outage");
}

static void test_component_tree_order(void **state)
{
    (void)state;
    struct snapshot *s = snapshot_new();
    struct arena *a = s->arena;
    struct {
        const char *id, *name, *group_id;
        int position;
        bool group;
    } rows[] = {
        {"c-ca", "Mail", "g-ca", 1, false},   {"g-ca", "California", NULL, 2, true},
        {"c-web", "Web", "g-ams", 2, false},  {"solo", "Archive", NULL, 3, false},
        {"c-mail", "Mail", "g-ams", 1, false}, {"g-ams", "Amsterdam", NULL, 1, true},
    };
    s->n_components = ARRAY_SIZE(rows);
    s->components = arena_calloc(a, s->n_components, sizeof(struct component));
    for (size_t i = 0; i < s->n_components; i++) {
        s->components[i].id = arena_strdup(a, rows[i].id);
        s->components[i].name = arena_strdup(a, rows[i].name);
        s->components[i].group_id = arena_strdup(a, rows[i].group_id);
        s->components[i].position = rows[i].position;
        s->components[i].group = rows[i].group;
    }
    snapshot_sort(s);
    const char *want[] = {"g-ams", "c-mail", "c-web", "g-ca", "c-ca", "solo"};
    for (size_t i = 0; i < ARRAY_SIZE(want); i++)
        assert_string_equal(s->components[i].id, want[i]);
    snapshot_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enum_round_trip),
        cmocka_unit_test(test_merge_union_and_newest_wins),
        cmocka_unit_test(test_indicator),
        cmocka_unit_test(test_component_tree_order),
    };
    return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
