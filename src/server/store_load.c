/* Store: the model snapshot the read API serves, built from the tables. */
#include "store_priv.h"

#include <stdlib.h>
#include <string.h>

#include "opsdeck/arena.h"
#include "opsdeck/xalloc.h"

static const char *adup(struct arena *a, sqlite3_stmt *s, int col)
{
    return arena_strdup(a, st_text(s, col));
}

static struct od_time atime(sqlite3_stmt *s, int col)
{
    return st_time_parse(st_text(s, col));
}

/* Room for element n of an arena array: doubles *cap when it is full. */
static void *grow(struct arena *a, void *arr, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return arr;
    void *grown = arena_calloc(a, *cap * 2, size);
    memcpy(grown, arr, *cap * size);
    *cap *= 2;
    return grown;
}

static int load_components(struct store *st, struct snapshot *snap, const char *page_id,
                           struct od_error *err)
{
    sqlite3_stmt *s = st_prepare(st, err, "SELECT id, name, description, status, position, "
                                          "group_id, is_group, showcase, only_show_if_degraded, "
                                          "start_date, created_at, updated_at FROM components "
                                          "ORDER BY position, name", "");
    if (!s)
        return OD_IO;
    size_t cap = 16;
    snap->components = arena_calloc(snap->arena, cap, sizeof(struct component));
    while (sqlite3_step(s) == SQLITE_ROW) {
        snap->components = grow(snap->arena, snap->components, snap->n_components, &cap,
                                sizeof(struct component));
        struct component *c = &snap->components[snap->n_components++];
        c->id = adup(snap->arena, s, 0);
        c->name = adup(snap->arena, s, 1);
        c->description = adup(snap->arena, s, 2);
        c->status = component_status_from_name(st_text(s, 3));
        c->position = sqlite3_column_int(s, 4);
        c->group_id = adup(snap->arena, s, 5);
        c->group = sqlite3_column_int(s, 6) != 0;
        c->showcase = sqlite3_column_int(s, 7) != 0;
        c->only_show_if_degraded = sqlite3_column_int(s, 8) != 0;
        c->start_date = adup(snap->arena, s, 9);
        c->created_at = atime(s, 10);
        c->updated_at = atime(s, 11);
        c->page_id = page_id;
    }
    sqlite3_finalize(s);
    /* groups list their members, by position */
    for (size_t g = 0; g < snap->n_components; g++) {
        struct component *grp = &snap->components[g];
        if (!grp->group)
            continue;
        grp->children = arena_calloc(snap->arena, snap->n_components, sizeof(char *));
        for (size_t i = 0; i < snap->n_components; i++)
            if (snap->components[i].group_id && !strcmp(snap->components[i].group_id, grp->id))
                grp->children[grp->n_children++] = snap->components[i].id;
    }
    return OD_OK;
}

static int load_updates(struct store *st, struct snapshot *snap, struct incident *inc,
                        struct od_error *err)
{
    sqlite3_stmt *s = st_prepare(st, err, "SELECT id, status, body, created_at, updated_at, "
                                          "display_at, deliver_notifications, has_changes "
                                          "FROM incident_updates WHERE incident_id = ?1 "
                                          "ORDER BY seq DESC", "t", inc->id);
    if (!s)
        return OD_IO;
    size_t cap = 4;
    inc->updates = arena_calloc(snap->arena, cap, sizeof(struct incident_update));
    while (sqlite3_step(s) == SQLITE_ROW) {
        inc->updates = grow(snap->arena, inc->updates, inc->n_updates, &cap,
                            sizeof(struct incident_update));
        struct incident_update *u = &inc->updates[inc->n_updates++];
        u->id = adup(snap->arena, s, 0);
        u->incident_id = inc->id;
        u->status = incident_status_from_name(st_text(s, 1));
        u->body = adup(snap->arena, s, 2);
        u->created_at = atime(s, 3);
        u->updated_at = atime(s, 4);
        u->display_at = atime(s, 5);
        u->deliver_notifications = sqlite3_column_int(s, 6) != 0;
        u->has_changes = sqlite3_column_int(s, 7) != 0;
    }
    sqlite3_finalize(s);
    for (size_t k = 0; k < inc->n_updates; k++) {
        struct incident_update *u = &inc->updates[k];
        if (!u->has_changes)
            continue;
        sqlite3_stmt *c = st_prepare(st, err, "SELECT component_id, name, old_status, new_status"
                                              " FROM update_changes WHERE update_id = ?1 "
                                              "ORDER BY position", "t", u->id);
        if (!c)
            return OD_IO;
        size_t n = 0, ccap = 4;
        u->changes = arena_calloc(snap->arena, ccap, sizeof(struct component_change));
        while (sqlite3_step(c) == SQLITE_ROW) {
            u->changes = grow(snap->arena, u->changes, n, &ccap, sizeof(struct component_change));
            u->changes[n].id = adup(snap->arena, c, 0);
            u->changes[n].name = adup(snap->arena, c, 1);
            u->changes[n].old_status = component_status_from_name(st_text(c, 2));
            u->changes[n].new_status = component_status_from_name(st_text(c, 3));
            n++;
        }
        u->n_changes = n;
        sqlite3_finalize(c);
    }
    return OD_OK;
}

static int load_incident_components(struct store *st, struct snapshot *snap,
                                    struct incident *inc, struct od_error *err)
{
    sqlite3_stmt *s = st_prepare(st, err, "SELECT component_id FROM incident_components WHERE "
                                          "incident_id = ?1 ORDER BY position", "t", inc->id);
    if (!s)
        return OD_IO;
    size_t n = 0;
    while (sqlite3_step(s) == SQLITE_ROW)
        n++;
    sqlite3_reset(s);
    inc->components = arena_calloc(snap->arena, n + 1, sizeof(struct component));
    while (sqlite3_step(s) == SQLITE_ROW && inc->n_components < n) {
        const struct component *c = snapshot_find_component(snap, st_text(s, 0));
        if (c)
            component_copy(snap->arena, &inc->components[inc->n_components++], c);
    }
    sqlite3_finalize(s);
    return OD_OK;
}

/* Open ones of both kinds plus the 60 most recent of each kind. */
static const char incidents_sql[] =
    "SELECT id, name, status, impact, maintenance, shortlink, created_at, updated_at, "
    "started_at, monitoring_at, resolved_at, scheduled_for, scheduled_until FROM incidents "
    "WHERE status IN ('investigating', 'identified', 'monitoring', 'scheduled', 'in_progress', "
    "'verifying') "
    "OR id IN (SELECT id FROM incidents WHERE maintenance = 0 ORDER BY created_ms DESC LIMIT 60) "
    "OR id IN (SELECT id FROM incidents WHERE maintenance = 1 ORDER BY created_ms DESC LIMIT 60)";

static int load_incidents(struct store *st, struct snapshot *snap, const char *page_id,
                          struct od_error *err)
{
    sqlite3_stmt *s = st_prepare(st, err, incidents_sql, "");
    if (!s)
        return OD_IO;
    size_t n = 0;
    while (sqlite3_step(s) == SQLITE_ROW)
        n++;
    sqlite3_reset(s);
    snap->incidents = arena_calloc(snap->arena, n + 1, sizeof(struct incident));
    snap->maintenances = arena_calloc(snap->arena, n + 1, sizeof(struct incident));
    int rc = OD_OK;
    while (rc == OD_OK && sqlite3_step(s) == SQLITE_ROW) {
        bool maint = sqlite3_column_int(s, 4) != 0;
        if (snap->n_incidents + snap->n_maintenances >= n)
            break;
        struct incident *inc = maint ? &snap->maintenances[snap->n_maintenances++]
                                     : &snap->incidents[snap->n_incidents++];
        inc->id = adup(snap->arena, s, 0);
        inc->name = adup(snap->arena, s, 1);
        inc->status = incident_status_from_name(st_text(s, 2));
        inc->impact = impact_from_name(st_text(s, 3));
        inc->maintenance = maint;
        inc->shortlink = adup(snap->arena, s, 5);
        inc->page_id = page_id;
        inc->created_at = atime(s, 6);
        inc->updated_at = atime(s, 7);
        inc->started_at = atime(s, 8);
        inc->monitoring_at = atime(s, 9);
        inc->resolved_at = atime(s, 10);
        inc->scheduled_for = atime(s, 11);
        inc->scheduled_until = atime(s, 12);
        rc = load_updates(st, snap, inc, err);
        if (rc == OD_OK)
            rc = load_incident_components(st, snap, inc, err);
    }
    sqlite3_finalize(s);
    return rc;
}

struct snapshot *store_load(struct store *st, struct od_error *err)
{
    struct store_page page;
    store_page(st, &page);
    struct snapshot *snap = snapshot_new();
    snap->parts = SNAP_PAGE | SNAP_STATUS | SNAP_COMPONENTS | SNAP_INCIDENTS | SNAP_MAINTENANCES;
    snap->page.id = arena_strdup(snap->arena, page.id);
    snap->page.name = arena_strdup(snap->arena, page.name);
    snap->page.url = arena_strdup(snap->arena, page.url);
    snap->page.time_zone = arena_strdup(snap->arena, page.time_zone);
    pthread_mutex_lock(&st->lock);
    int rc = load_components(st, snap, snap->page.id, err);
    if (rc == OD_OK)
        rc = load_incidents(st, snap, snap->page.id, err);
    pthread_mutex_unlock(&st->lock);
    if (rc != OD_OK) {
        snapshot_free(snap);
        return NULL;
    }
    snapshot_sort(snap);
    /* the page changed when anything in it last changed */
    struct od_time latest = {0};
    for (size_t i = 0; i < snap->n_components; i++)
        if (time_cmp(&snap->components[i].updated_at, &latest) > 0)
            latest = snap->components[i].updated_at;
    for (size_t i = 0; i < snap->n_incidents; i++)
        if (time_cmp(&snap->incidents[i].updated_at, &latest) > 0)
            latest = snap->incidents[i].updated_at;
    for (size_t i = 0; i < snap->n_maintenances; i++)
        if (time_cmp(&snap->maintenances[i].updated_at, &latest) > 0)
            latest = snap->maintenances[i].updated_at;
    snap->page.updated_at = latest;
    snap->indicator = indicator_from_components(snap->components, snap->n_components,
                                                &snap->indicator_description);
    return snap;
}
