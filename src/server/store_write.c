/* Store: incident and component writes, and the demo import. All run inside
 * store_begin()/store_commit(); a failure leaves the caller to roll back. */
#include "store_priv.h"

#include <stdio.h>
#include <string.h>

static enum impact impact_of_component(enum component_status s)
{
    switch (s) {
    case COMP_MAJOR_OUTAGE:         return IMPACT_CRITICAL;
    case COMP_PARTIAL_OUTAGE:       return IMPACT_MAJOR;
    case COMP_DEGRADED_PERFORMANCE: return IMPACT_MINOR;
    case COMP_UNDER_MAINTENANCE:    return IMPACT_MAINTENANCE;
    default:                        return IMPACT_NONE;
    }
}

static enum impact impact_worse(enum impact a, enum impact b)
{
    return impact_severity(b) > impact_severity(a) ? b : a;
}

/* 1 found (status and name filled), 0 not found, -1 on a database error. */
static int component_get(struct store *st, const char *id, enum component_status *status,
                         char *name, size_t size, bool *is_group, struct od_error *err)
{
    sqlite3_stmt *s = st_prepare(st, err, "SELECT status, name, is_group FROM components "
                                          "WHERE id = ?1", "t", id);
    if (!s)
        return -1;
    int found = 0;
    if (sqlite3_step(s) == SQLITE_ROW) {
        if (status)
            *status = component_status_from_name(st_text(s, 0));
        if (name)
            snprintf(name, size, "%s", st_text(s, 1) ? st_text(s, 1) : "");
        if (is_group)
            *is_group = sqlite3_column_int(s, 2) != 0;
        found = 1;
    }
    sqlite3_finalize(s);
    return found;
}

static int link_component(struct store *st, const char *incident_id, const char *component_id,
                          struct od_error *err)
{
    return st_exec(st, err, "INSERT OR IGNORE INTO incident_components(incident_id, "
                            "component_id, position) VALUES (?1, ?2, (SELECT coalesce(max("
                            "position) + 1, 0) FROM incident_components WHERE incident_id = ?1))",
                   "tt", incident_id, component_id);
}

static int unknown_component(struct od_error *err, const char *where, const char *id)
{
    return od_error_set(err, OD_INVALID, NULL, 0, 0, "%s: unknown component '%.64s'", where, id);
}

/* Every id in the input must exist before anything is written. */
static int check_components(struct store *st, const struct srv_incident_input *in,
                            struct od_error *err)
{
    for (size_t i = 0; i < in->n_components; i++) {
        int f = component_get(st, in->components[i].id, NULL, NULL, 0, NULL, err);
        if (f < 0)
            return OD_IO;
        if (f == 0)
            return unknown_component(err, "incident.components", in->components[i].id);
    }
    for (size_t i = 0; i < in->n_component_ids; i++) {
        int f = component_get(st, in->component_ids[i], NULL, NULL, 0, NULL, err);
        if (f < 0)
            return OD_IO;
        if (f == 0)
            return unknown_component(err, "incident.component_ids", in->component_ids[i]);
    }
    return OD_OK;
}

/* The components map: set each status, record old → new on the update, and
 * attach the component to the incident. Also attaches component_ids. */
static int apply_components(struct store *st, const char *incident_id, const char *update_id,
                            const struct srv_incident_input *in, const char *now,
                            const char *actor, struct od_error *err)
{
    for (size_t i = 0; i < in->n_components; i++) {
        const struct srv_comp_status *c = &in->components[i];
        enum component_status old = COMP_UNKNOWN;
        char name[256];
        if (component_get(st, c->id, &old, name, sizeof(name), NULL, err) != 1)
            return unknown_component(err, "incident.components", c->id);
        int rc = st_exec(st, err, "INSERT INTO update_changes(update_id, position, component_id,"
                                  " name, old_status, new_status) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                         "tnttt" "t", update_id, (int)i, c->id, name, component_status_name(old),
                         component_status_name(c->status));
        if (rc == OD_OK)
            rc = st_exec(st, err, "UPDATE components SET status = ?2, updated_at = ?3, "
                                  "updated_by = ?4 WHERE id = ?1", "tttt", c->id,
                         component_status_name(c->status), now, actor);
        if (rc == OD_OK)
            rc = link_component(st, incident_id, c->id, err);
        if (rc != OD_OK)
            return rc;
    }
    for (size_t i = 0; i < in->n_component_ids; i++) {
        int rc = link_component(st, incident_id, in->component_ids[i], err);
        if (rc != OD_OK)
            return rc;
    }
    return OD_OK;
}

static int add_update(struct store *st, const char *incident_id, enum incident_status status,
                      const char *body, const char *now, int64_t now_ms, bool deliver,
                      bool has_changes, const char *actor, char *update_id, struct od_error *err)
{
    st_random_id(update_id);
    return st_exec(st, err, "INSERT INTO incident_updates(id, incident_id, seq, status, body, "
                            "created_at, updated_at, display_at, display_ms, "
                            "deliver_notifications, has_changes, created_by) VALUES (?1, ?2, "
                            "(SELECT coalesce(max(seq) + 1, 0) FROM incident_updates WHERE "
                            "incident_id = ?2), ?3, ?4, ?5, ?5, ?5, ?6, ?7, ?8, ?9)",
                   "tttttinnt", update_id, incident_id, incident_status_name(status),
                   body ? body : "", now, now_ms, (int)deliver, (int)has_changes, actor);
}

static enum impact impact_from_map(const struct srv_incident_input *in, enum impact start)
{
    enum impact im = start;
    for (size_t i = 0; i < in->n_components; i++)
        im = impact_worse(im, impact_of_component(in->components[i].status));
    return im;
}

int store_incident_create(struct store *st, const struct srv_incident_input *in,
                          const char *actor, int64_t now_ms, char *id_out, struct od_error *err)
{
    int rc = check_components(st, in, err);
    if (rc != OD_OK)
        return rc;
    char now[40], sf[40], su[40], update_id[STORE_ID_LEN + 1];
    struct od_time t = time_from_ms(now_ms);
    st_time_text(&t, now);
    bool maint = incident_status_is_maintenance(in->status);
    enum impact im = in->has_impact ? in->impact_override
                     : maint ? IMPACT_MAINTENANCE : impact_from_map(in, IMPACT_NONE);
    bool closed = !incident_status_is_open(in->status);
    st_random_id(id_out);
    rc = st_exec(st, err, "INSERT INTO incidents(id, name, status, impact, impact_override, "
                          "maintenance, created_at, created_ms, updated_at, started_at, "
                          "monitoring_at, resolved_at, scheduled_for, scheduled_until, created_by)"
                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?7, ?9, ?10, ?11, ?12, ?13)",
                 "ttttt" "nti" "ttttt", id_out, in->name, incident_status_name(in->status),
                 impact_name(im), in->has_impact ? impact_name(in->impact_override) : NULL,
                 (int)maint, now, now_ms, in->status == INC_MONITORING ? now : NULL,
                 closed ? now : NULL, st_time_text(&in->scheduled_for, sf),
                 st_time_text(&in->scheduled_until, su), actor);
    if (rc == OD_OK)
        rc = add_update(st, id_out, in->status, in->body, now, now_ms, in->deliver_notifications,
                        in->n_components > 0, actor, update_id, err);
    if (rc == OD_OK)
        rc = apply_components(st, id_out, update_id, in, now, actor, err);
    return rc;
}

int store_incident_update(struct store *st, const char *id, const struct srv_incident_input *in,
                          const char *actor, int64_t now_ms, struct od_error *err)
{
    sqlite3_stmt *s = st_prepare(st, err, "SELECT status, maintenance, impact, impact_override "
                                          "FROM incidents WHERE id = ?1", "t", id);
    if (!s)
        return OD_IO;
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_finalize(s);
        return od_error_set(err, OD_NOTFOUND, NULL, 0, 0, "no incident '%.64s'", id);
    }
    enum incident_status cur = incident_status_from_name(st_text(s, 0));
    bool maint = sqlite3_column_int(s, 1) != 0;
    enum impact impact = impact_from_name(st_text(s, 2));
    bool overridden = st_text(s, 3) != NULL;
    sqlite3_finalize(s);

    enum incident_status next = in->has_status ? in->status : cur;
    if (in->has_status && incident_status_is_maintenance(next) != maint)
        return od_error_set(err, OD_INVALID, NULL, 0, 0,
                            maint ? "incident.status '%s' does not fit a maintenance (use "
                                    "scheduled, in_progress, verifying or completed)"
                                  : "incident.status '%s' does not fit an incident (use "
                                    "investigating, identified, monitoring, resolved or "
                                    "postmortem)", incident_status_name(next));
    int rc = check_components(st, in, err);
    if (rc != OD_OK)
        return rc;
    char now[40], tbuf[40];
    struct od_time t = time_from_ms(now_ms);
    st_time_text(&t, now);
    if (in->name)
        rc = st_exec(st, err, "UPDATE incidents SET name = ?2 WHERE id = ?1", "tt", id, in->name);
    if (rc == OD_OK && in->has_impact) {
        impact = in->impact_override;
        rc = st_exec(st, err, "UPDATE incidents SET impact = ?2, impact_override = ?2 "
                              "WHERE id = ?1", "tt", id, impact_name(impact));
    } else if (rc == OD_OK && !overridden && !maint && in->n_components > 0) {
        rc = st_exec(st, err, "UPDATE incidents SET impact = ?2 WHERE id = ?1", "tt", id,
                     impact_name(impact_from_map(in, impact)));
    }
    if (rc == OD_OK && in->scheduled_for.valid)
        rc = st_exec(st, err, "UPDATE incidents SET scheduled_for = ?2 WHERE id = ?1", "tt", id,
                     st_time_text(&in->scheduled_for, tbuf));
    if (rc == OD_OK && in->scheduled_until.valid)
        rc = st_exec(st, err, "UPDATE incidents SET scheduled_until = ?2 WHERE id = ?1", "tt",
                     id, st_time_text(&in->scheduled_until, tbuf));
    if (rc == OD_OK && next != cur) {
        if (next == INC_MONITORING)
            rc = st_exec(st, err, "UPDATE incidents SET monitoring_at = coalesce(monitoring_at,"
                                  " ?2) WHERE id = ?1", "tt", id, now);
        if (rc == OD_OK)
            rc = st_exec(st, err, "UPDATE incidents SET resolved_at = ?2 WHERE id = ?1", "tt",
                         id, incident_status_is_open(next) ? NULL : now);
    }
    bool new_update = in->body || next != cur || in->n_components > 0;
    if (rc == OD_OK && new_update) {
        char update_id[STORE_ID_LEN + 1];
        rc = add_update(st, id, next, in->body, now, now_ms, in->deliver_notifications,
                        in->n_components > 0, actor, update_id, err);
        if (rc == OD_OK)
            rc = apply_components(st, id, update_id, in, now, actor, err);
    } else if (rc == OD_OK) {
        rc = apply_components(st, id, NULL, in, now, actor, err);
    }
    if (rc == OD_OK)
        rc = st_exec(st, err, "UPDATE incidents SET status = ?2, updated_at = ?3 WHERE id = ?1",
                     "ttt", id, incident_status_name(next), now);
    return rc;
}

int store_incident_delete(struct store *st, const char *id, struct od_error *err)
{
    int rc = st_exec(st, err, "DELETE FROM incidents WHERE id = ?1", "t", id);
    if (rc == OD_OK && sqlite3_changes(st->db) == 0)
        return od_error_set(err, OD_NOTFOUND, NULL, 0, 0, "no incident '%.64s'", id);
    return rc;
}

static int check_group(struct store *st, const struct srv_component_input *in,
                       struct od_error *err)
{
    if (!in->group_id)
        return OD_OK;
    bool is_group = false;
    int f = component_get(st, in->group_id, NULL, NULL, 0, &is_group, err);
    if (f < 0)
        return OD_IO;
    if (f == 0 || !is_group)
        return od_error_set(err, OD_INVALID, NULL, 0, 0,
                            "component.group_id '%.64s' is not a component group", in->group_id);
    return OD_OK;
}

int store_component_create(struct store *st, const struct srv_component_input *in,
                           const char *actor, int64_t now_ms, char *id_out,
                           struct od_error *err)
{
    int rc = check_group(st, in, err);
    if (rc != OD_OK)
        return rc;
    char now[40];
    struct od_time t = time_from_ms(now_ms);
    st_time_text(&t, now);
    st_random_id(id_out);
    return st_exec(st, err, "INSERT INTO components(id, name, description, status, position, "
                            "group_id, showcase, only_show_if_degraded, created_at, updated_at,"
                            " updated_by) VALUES (?1, ?2, ?3, ?4, (SELECT coalesce(max(position)"
                            " + 1, 1) FROM components WHERE group_id IS ?5), ?5, ?6, ?7, ?8, ?8,"
                            " ?9)",
                   "tttt" "tnntt", id_out, in->name, in->description,
                   component_status_name(in->status), in->group_id,
                   in->showcase < 0 ? 1 : in->showcase,
                   in->only_show_if_degraded < 0 ? 0 : in->only_show_if_degraded, now, actor);
}

int store_component_update(struct store *st, const char *id,
                           const struct srv_component_input *in, const char *actor,
                           int64_t now_ms, struct od_error *err)
{
    int f = component_get(st, id, NULL, NULL, 0, NULL, err);
    if (f < 0)
        return OD_IO;
    if (f == 0)
        return od_error_set(err, OD_NOTFOUND, NULL, 0, 0, "no component '%.64s'", id);
    int rc = check_group(st, in, err);
    if (rc == OD_OK && in->group_id && !strcmp(in->group_id, id))
        rc = od_error_set(err, OD_INVALID, NULL, 0, 0, "component.group_id is the component");
    char now[40];
    struct od_time t = time_from_ms(now_ms);
    st_time_text(&t, now);
    if (rc == OD_OK && in->name)
        rc = st_exec(st, err, "UPDATE components SET name = ?2 WHERE id = ?1", "tt", id, in->name);
    if (rc == OD_OK && in->has_description)
        rc = st_exec(st, err, "UPDATE components SET description = ?2 WHERE id = ?1", "tt", id,
                     in->description);
    if (rc == OD_OK && in->has_status)
        rc = st_exec(st, err, "UPDATE components SET status = ?2 WHERE id = ?1", "tt", id,
                     component_status_name(in->status));
    if (rc == OD_OK && in->has_group_id)
        rc = st_exec(st, err, "UPDATE components SET group_id = ?2 WHERE id = ?1", "tt", id,
                     in->group_id);
    if (rc == OD_OK && in->showcase >= 0)
        rc = st_exec(st, err, "UPDATE components SET showcase = ?2 WHERE id = ?1", "tn", id,
                     in->showcase);
    if (rc == OD_OK && in->only_show_if_degraded >= 0)
        rc = st_exec(st, err, "UPDATE components SET only_show_if_degraded = ?2 WHERE id = ?1",
                     "tn", id, in->only_show_if_degraded);
    if (rc == OD_OK)
        rc = st_exec(st, err, "UPDATE components SET updated_at = ?2, updated_by = ?3 "
                              "WHERE id = ?1", "ttt", id, now, actor);
    return rc;
}

/* ---- import ------------------------------------------------------------- */

static int import_component(struct store *st, const struct component *c, struct od_error *err)
{
    char ca[40], ua[40];
    return st_exec(st, err, "INSERT INTO components(id, name, description, status, position, "
                            "is_group, showcase, only_show_if_degraded, start_date, created_at, "
                            "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                   "ttttnnnnttt", c->id, c->name ? c->name : c->id, c->description,
                   component_status_name(c->status), c->position, (int)c->group,
                   (int)c->showcase, (int)c->only_show_if_degraded, c->start_date,
                   st_time_text(&c->created_at, ca) ? ca : "1970-01-01T00:00:00Z",
                   st_time_text(&c->updated_at, ua) ? ua : "1970-01-01T00:00:00Z");
}

static int import_incident(struct store *st, const struct incident *inc, const char *actor,
                           struct od_error *err)
{
    char b[8][40];
    const char *created = st_time_text(&inc->created_at, b[7]);
    int rc = st_exec(st, err, "INSERT INTO incidents(id, name, status, impact, maintenance, "
                              "shortlink, created_at, created_ms, updated_at, started_at, "
                              "monitoring_at, resolved_at, scheduled_for, scheduled_until, "
                              "created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
                              " ?12, ?13, ?14, ?15)",
                     "ttttnttittttttt", inc->id, inc->name ? inc->name : inc->id,
                     incident_status_name(inc->status), impact_name(inc->impact),
                     (int)(inc->maintenance || incident_status_is_maintenance(inc->status)),
                     inc->shortlink, created ? created : "1970-01-01T00:00:00Z",
                     time_to_ms(&inc->created_at),
                     st_time_text(&inc->updated_at, b[1]) ? b[1] : created,
                     st_time_text(&inc->started_at, b[2]), st_time_text(&inc->monitoring_at, b[3]),
                     st_time_text(&inc->resolved_at, b[4]),
                     st_time_text(&inc->scheduled_for, b[5]),
                     st_time_text(&inc->scheduled_until, b[6]), actor);
    for (size_t i = 0; rc == OD_OK && i < inc->n_components; i++)
        rc = link_component(st, inc->id, inc->components[i].id, err);
    /* updates are newest first in the model; seq counts from the oldest */
    for (size_t k = inc->n_updates; rc == OD_OK && k-- > 0;) {
        const struct incident_update *u = &inc->updates[k];
        struct od_time shown = update_shown_time(u);
        rc = st_exec(st, err, "INSERT INTO incident_updates(id, incident_id, seq, status, body, "
                              "created_at, updated_at, display_at, display_ms, "
                              "deliver_notifications, has_changes, created_by) VALUES (?1, ?2, "
                              "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                     "ttntttttinnt", u->id, inc->id, (int)(inc->n_updates - 1 - k),
                     incident_status_name(u->status), u->body ? u->body : "",
                     st_time_text(&u->created_at, b[0]) ? b[0] : created,
                     st_time_text(&u->updated_at, b[1]) ? b[1] : created,
                     st_time_text(&u->display_at, b[2]), time_to_ms(&shown),
                     (int)u->deliver_notifications, (int)u->has_changes, actor);
        for (size_t j = 0; rc == OD_OK && j < u->n_changes; j++) {
            const struct component_change *c = &u->changes[j];
            rc = st_exec(st, err, "INSERT INTO update_changes(update_id, position, component_id,"
                                  " name, old_status, new_status) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                         "tntttt", u->id, (int)j, c->id ? c->id : "", c->name,
                         component_status_name(c->old_status),
                         component_status_name(c->new_status));
        }
    }
    return rc;
}

int store_import(struct store *st, const struct snapshot *s, const char *actor,
                 struct od_error *err)
{
    int rc = OD_OK;
    if (s->page.id)
        rc = store_set_page(st, &s->page, err);
    for (size_t i = 0; rc == OD_OK && i < s->n_components; i++)
        rc = import_component(st, &s->components[i], err);
    for (size_t i = 0; rc == OD_OK && i < s->n_components; i++)
        if (s->components[i].group_id)
            rc = st_exec(st, err, "UPDATE components SET group_id = ?2 WHERE id = ?1", "tt",
                         s->components[i].id, s->components[i].group_id);
    for (size_t i = 0; rc == OD_OK && i < s->n_incidents; i++)
        rc = import_incident(st, &s->incidents[i], actor, err);
    for (size_t i = 0; rc == OD_OK && i < s->n_maintenances; i++)
        rc = import_incident(st, &s->maintenances[i], actor, err);
    return rc;
}
