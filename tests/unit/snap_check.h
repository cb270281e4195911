/* Test helpers shared by the codec tests: read a file named by an environment
 * directory, and compare two snapshots field by field (the first difference
 * fails the test with its path, "incidents[3].updates[0].body").
 * Header-only; include after <cmocka.h>. */
#ifndef OPSDECK_TEST_SNAP_CHECK_H
#define OPSDECK_TEST_SNAP_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/model.h"

/* $env/name into a new malloc'd buffer (NUL-terminated); fails the test when
 * the variable is unset or the file cannot be read. */
static inline char *test_read_file(const char *env, const char *name, size_t *len)
{
    const char *dir = getenv(env);
    if (!dir)
        fail_msg("%s is not set (run through make test)", env);
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
        }
    }
    fclose(f);
    if (!buf)
        fail_msg("out of memory reading %s", path);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

static inline void check_str(const char *path, const char *a, const char *b)
{
    if (!a && !b)
        return;
    if (!a || !b || strcmp(a, b) != 0)
        fail_msg("%s: \"%s\" != \"%s\"", path, a ? a : "(null)", b ? b : "(null)");
}

static inline void check_int(const char *path, long long a, long long b)
{
    if (a != b)
        fail_msg("%s: %lld != %lld", path, a, b);
}

static inline void check_time(const char *path, const struct od_time *a, const struct od_time *b)
{
    if (a->valid != b->valid || (a->valid && (a->sec != b->sec || a->nsec != b->nsec ||
                                              a->offset_min != b->offset_min)))
        fail_msg("%s: time %d/%lld.%09d%+d != %d/%lld.%09d%+d", path, a->valid,
                 (long long)a->sec, (int)a->nsec, (int)a->offset_min, b->valid,
                 (long long)b->sec, (int)b->nsec, (int)b->offset_min);
}

#define SUB(buf, fmt, ...) (snprintf((buf), sizeof(buf), fmt, __VA_ARGS__), (buf))

static inline void check_component(const char *at, const struct component *a,
                            const struct component *b)
{
    char p[256];
    check_str(SUB(p, "%s.id", at), a->id, b->id);
    check_str(SUB(p, "%s.name", at), a->name, b->name);
    check_str(SUB(p, "%s.description", at), a->description, b->description);
    check_str(SUB(p, "%s.group_id", at), a->group_id, b->group_id);
    check_str(SUB(p, "%s.page_id", at), a->page_id, b->page_id);
    check_str(SUB(p, "%s.start_date", at), a->start_date, b->start_date);
    check_int(SUB(p, "%s.status", at), a->status, b->status);
    check_int(SUB(p, "%s.position", at), a->position, b->position);
    check_int(SUB(p, "%s.group", at), a->group, b->group);
    check_int(SUB(p, "%s.showcase", at), a->showcase, b->showcase);
    check_int(SUB(p, "%s.only_show_if_degraded", at), a->only_show_if_degraded,
              b->only_show_if_degraded);
    check_int(SUB(p, "%s.n_children", at), (long long)a->n_children, (long long)b->n_children);
    for (size_t i = 0; i < a->n_children; i++)
        check_str(SUB(p, "%s.children[%zu]", at, i), a->children[i], b->children[i]);
    check_time(SUB(p, "%s.created_at", at), &a->created_at, &b->created_at);
    check_time(SUB(p, "%s.updated_at", at), &a->updated_at, &b->updated_at);
}

static inline void check_update(const char *at, const struct incident_update *a,
                         const struct incident_update *b)
{
    char p[256];
    check_str(SUB(p, "%s.id", at), a->id, b->id);
    check_str(SUB(p, "%s.incident_id", at), a->incident_id, b->incident_id);
    check_int(SUB(p, "%s.status", at), a->status, b->status);
    check_str(SUB(p, "%s.body", at), a->body, b->body);
    check_time(SUB(p, "%s.created_at", at), &a->created_at, &b->created_at);
    check_time(SUB(p, "%s.updated_at", at), &a->updated_at, &b->updated_at);
    check_time(SUB(p, "%s.display_at", at), &a->display_at, &b->display_at);
    check_int(SUB(p, "%s.has_changes", at), a->has_changes, b->has_changes);
    check_int(SUB(p, "%s.deliver_notifications", at), a->deliver_notifications,
              b->deliver_notifications);
    check_int(SUB(p, "%s.n_changes", at), (long long)a->n_changes, (long long)b->n_changes);
    for (size_t i = 0; i < a->n_changes; i++) {
        check_str(SUB(p, "%s.changes[%zu].id", at, i), a->changes[i].id, b->changes[i].id);
        check_str(SUB(p, "%s.changes[%zu].name", at, i), a->changes[i].name,
                  b->changes[i].name);
        check_int(SUB(p, "%s.changes[%zu].old", at, i), a->changes[i].old_status,
                  b->changes[i].old_status);
        check_int(SUB(p, "%s.changes[%zu].new", at, i), a->changes[i].new_status,
                  b->changes[i].new_status);
    }
}

static inline void check_incident(const char *at, const struct incident *a, const struct incident *b)
{
    char p[256];
    check_str(SUB(p, "%s.id", at), a->id, b->id);
    check_str(SUB(p, "%s.name", at), a->name, b->name);
    check_str(SUB(p, "%s.shortlink", at), a->shortlink, b->shortlink);
    check_str(SUB(p, "%s.page_id", at), a->page_id, b->page_id);
    check_int(SUB(p, "%s.status", at), a->status, b->status);
    check_int(SUB(p, "%s.impact", at), a->impact, b->impact);
    check_int(SUB(p, "%s.maintenance", at), a->maintenance, b->maintenance);
    check_time(SUB(p, "%s.created_at", at), &a->created_at, &b->created_at);
    check_time(SUB(p, "%s.updated_at", at), &a->updated_at, &b->updated_at);
    check_time(SUB(p, "%s.started_at", at), &a->started_at, &b->started_at);
    check_time(SUB(p, "%s.monitoring_at", at), &a->monitoring_at, &b->monitoring_at);
    check_time(SUB(p, "%s.resolved_at", at), &a->resolved_at, &b->resolved_at);
    check_time(SUB(p, "%s.scheduled_for", at), &a->scheduled_for, &b->scheduled_for);
    check_time(SUB(p, "%s.scheduled_until", at), &a->scheduled_until, &b->scheduled_until);
    check_int(SUB(p, "%s.n_updates", at), (long long)a->n_updates, (long long)b->n_updates);
    for (size_t i = 0; i < a->n_updates; i++) {
        char q[200];
        snprintf(q, sizeof(q), "%s.updates[%zu]", at, i);
        check_update(q, &a->updates[i], &b->updates[i]);
    }
    check_int(SUB(p, "%s.n_components", at), (long long)a->n_components,
              (long long)b->n_components);
    for (size_t i = 0; i < a->n_components; i++) {
        char q[200];
        snprintf(q, sizeof(q), "%s.components[%zu]", at, i);
        check_component(q, &a->components[i], &b->components[i]);
    }
}

/* Every field of the model, in order. */
static inline void assert_snapshot_equal(const struct snapshot *a, const struct snapshot *b)
{
    char p[64];
    check_int("parts", a->parts, b->parts);
    check_str("page.id", a->page.id, b->page.id);
    check_str("page.name", a->page.name, b->page.name);
    check_str("page.url", a->page.url, b->page.url);
    check_str("page.time_zone", a->page.time_zone, b->page.time_zone);
    check_time("page.updated_at", &a->page.updated_at, &b->page.updated_at);
    check_int("indicator", a->indicator, b->indicator);
    check_str("indicator_description", a->indicator_description, b->indicator_description);
    check_int("n_components", (long long)a->n_components, (long long)b->n_components);
    for (size_t i = 0; i < a->n_components; i++)
        check_component(SUB(p, "components[%zu]", i), &a->components[i], &b->components[i]);
    check_int("n_incidents", (long long)a->n_incidents, (long long)b->n_incidents);
    for (size_t i = 0; i < a->n_incidents; i++)
        check_incident(SUB(p, "incidents[%zu]", i), &a->incidents[i], &b->incidents[i]);
    check_int("n_maintenances", (long long)a->n_maintenances, (long long)b->n_maintenances);
    for (size_t i = 0; i < a->n_maintenances; i++)
        check_incident(SUB(p, "maintenances[%zu]", i), &a->maintenances[i],
                       &b->maintenances[i]);
}

#endif
