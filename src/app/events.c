/* Change events between two snapshots of one feed. See events.h. */
#include "opsdeck/events.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/arena.h"
#include "opsdeck/text.h"
#include "opsdeck/tz.h"
#include "opsdeck/xalloc.h"

static const char *const kind_names[] = {
#define EVENT_KIND_NAME(id, name, label) name,
    EVENT_KIND_INFO(EVENT_KIND_NAME)
#undef EVENT_KIND_NAME
};
static const char *const kind_labels[] = {
#define EVENT_KIND_LABEL(id, name, label) label,
    EVENT_KIND_INFO(EVENT_KIND_LABEL)
#undef EVENT_KIND_LABEL
};

const char *event_kind_name(enum event_kind k)
{
    return (unsigned)k < EV__COUNT ? kind_names[k] : "unknown";
}

const char *event_kind_label(enum event_kind k)
{
    return (unsigned)k < EV__COUNT ? kind_labels[k] : "Unknown";
}

struct diff {
    struct event_list *out;
    size_t alloc;
    size_t feed;
};

static struct event *push(struct diff *d, enum event_kind kind)
{
    struct event_list *l = d->out;
    if (!l->arena)
        l->arena = arena_new();
    if (l->n == d->alloc) {
        size_t na = d->alloc ? d->alloc * 2 : 8;
        struct event *v = arena_calloc(l->arena, na, sizeof(*v));
        if (l->n)
            memcpy(v, l->v, l->n * sizeof(*v));
        l->v = v;
        d->alloc = na;
    }
    struct event *ev = &l->v[l->n++];
    memset(ev, 0, sizeof(*ev));
    ev->kind = kind;
    ev->feed = d->feed;
    return ev;
}

static bool is_maint(const struct incident *i)
{
    return i->maintenance || incident_status_is_maintenance(i->status);
}

static bool maint_running(enum incident_status s)
{
    return s == INC_IN_PROGRESS || s == INC_VERIFYING;
}

static bool inc_closed(enum incident_status s)
{
    return s == INC_RESOLVED || s == INC_POSTMORTEM || s == INC_COMPLETED;
}

static const struct incident *find_any(const struct snapshot *s, const char *id)
{
    if (!id)
        return NULL;
    for (size_t i = 0; i < s->n_incidents; i++)
        if (s->incidents[i].id && strcmp(s->incidents[i].id, id) == 0)
            return &s->incidents[i];
    for (size_t i = 0; i < s->n_maintenances; i++)
        if (s->maintenances[i].id && strcmp(s->maintenances[i].id, id) == 0)
            return &s->maintenances[i];
    return NULL;
}

static bool has_update(const struct incident *inc, const char *id)
{
    if (!id)
        return true;    /* an update without id cannot be told apart: not new */
    for (size_t i = 0; i < inc->n_updates; i++)
        if (inc->updates[i].id && strcmp(inc->updates[i].id, id) == 0)
            return true;
    return false;
}

/* First non-empty line of a body, bounded and single-line. */
static const char *first_line(struct arena *a, const char *body)
{
    if (!body)
        return NULL;
    const char *p = body;
    for (;;) {
        while (*p == ' ' || *p == '\n')
            p++;
        if (!*p)
            return NULL;
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n)
            return text_sanitize_arena(a, p, n, TEXT_SINGLE_LINE, EVENT_LINE_MAX);
        p = nl ? nl + 1 : p + n;
    }
}

static void fill_incident(struct diff *d, struct event *ev, const struct incident *inc,
                          enum incident_status old_status)
{
    struct arena *a = d->out->arena;
    ev->maintenance = is_maint(inc);
    ev->incident_id = arena_strdup(a, inc->id);
    ev->incident_name = arena_strdup(a, inc->name);
    ev->shortlink = arena_strdup(a, inc->shortlink);
    ev->inc_old = old_status;
    ev->inc_new = inc->status;
    ev->impact = inc->impact;
    ev->at = inc->updated_at.valid ? inc->updated_at : inc->created_at;
}

static void fill_update(struct diff *d, struct event *ev, const struct incident_update *u)
{
    if (!u)
        return;
    ev->update_id = arena_strdup(d->out->arena, u->id);
    ev->line = first_line(d->out->arena, u->body);
    struct od_time t = update_shown_time(u);
    if (t.valid)
        ev->at = t;
}

/* New updates of a known incident, oldest first; the newest one is left to a
 * status event when `hold_newest` (so one change makes one line). */
static void new_updates(struct diff *d, const struct incident *inc, const struct incident *old,
                        bool hold_newest)
{
    for (size_t k = inc->n_updates; k-- > 0;) {
        const struct incident_update *u = &inc->updates[k];
        if (has_update(old, u->id) || (hold_newest && k == 0))
            continue;
        struct event *ev = push(d, EV_UPDATE_NEW);
        fill_incident(d, ev, inc, old->status);
        ev->inc_new = u->status != INC_UNKNOWN ? u->status : inc->status;
        fill_update(d, ev, u);
    }
}

static const struct incident_update *newest_new_update(const struct incident *inc,
                                                       const struct incident *old)
{
    if (inc->n_updates && (!old || !has_update(old, inc->updates[0].id)))
        return &inc->updates[0];
    return NULL;
}

static void diff_incident(struct diff *d, const struct incident *inc, const struct snapshot *old)
{
    const struct incident *o = find_any(old, inc->id);
    if (!o) {
        struct event *ev = push(d, EV_INCIDENT_NEW);
        fill_incident(d, ev, inc, INC_UNKNOWN);
        fill_update(d, ev, incident_latest_update(inc));
        return;
    }
    enum event_kind kind = EV__COUNT;
    if (inc->status != o->status)
        kind = inc_closed(inc->status) && !inc_closed(o->status) ? EV_INCIDENT_RESOLVED
                                                                  : EV_INCIDENT_STATUS;
    const struct incident_update *carried = kind != EV__COUNT ? newest_new_update(inc, o) : NULL;
    new_updates(d, inc, o, carried != NULL);
    if (kind != EV__COUNT) {
        struct event *ev = push(d, kind);
        fill_incident(d, ev, inc, o->status);
        fill_update(d, ev, carried);
    }
}

static void diff_maintenance(struct diff *d, const struct incident *m, const struct snapshot *old)
{
    const struct incident *o = find_any(old, m->id);
    if (!o) {
        if (inc_closed(m->status))
            return;     /* history we had not seen: nothing happened now */
        struct event *ev = push(d, maint_running(m->status) ? EV_MAINT_STARTED : EV_INCIDENT_NEW);
        fill_incident(d, ev, m, INC_UNKNOWN);
        fill_update(d, ev, incident_latest_update(m));
        return;
    }
    enum event_kind kind = EV__COUNT;
    if (m->status != o->status) {
        if (maint_running(m->status) && !maint_running(o->status) && !inc_closed(o->status))
            kind = EV_MAINT_STARTED;
        else if (m->status == INC_COMPLETED && !inc_closed(o->status))
            kind = EV_MAINT_ENDED;
        else
            kind = EV_INCIDENT_STATUS;
    }
    const struct incident_update *carried = kind != EV__COUNT ? newest_new_update(m, o) : NULL;
    new_updates(d, m, o, carried != NULL);
    if (kind != EV__COUNT) {
        struct event *ev = push(d, kind);
        fill_incident(d, ev, m, o->status);
        fill_update(d, ev, carried);
    }
}

/* Was this maintenance id already handled (earlier in the maintenances list)? */
static bool listed_before(const struct incident *list, size_t n, const char *id)
{
    for (size_t i = 0; i < n && id; i++)
        if (list[i].id && strcmp(list[i].id, id) == 0)
            return true;
    return false;
}

enum od_status events_diff(const struct snapshot *old_snap, const struct snapshot *new_snap,
                           size_t feed, struct event_list *out)
{
    memset(out, 0, sizeof(*out));
    if (!old_snap || !new_snap)
        return OD_OK;
    struct diff d = {.out = out, .feed = feed};

    for (size_t i = 0; i < new_snap->n_components; i++) {
        const struct component *c = &new_snap->components[i];
        if (c->group || !c->id)
            continue;
        const struct component *oc = snapshot_find_component(old_snap, c->id);
        if (!oc)
            continue;
        int ns = component_status_severity(c->status), os = component_status_severity(oc->status);
        if (ns == os)
            continue;
        struct event *ev = push(&d, ns > os ? EV_COMPONENT_WORSE : EV_COMPONENT_BETTER);
        ev->component_id = arena_strdup(out->arena, c->id);
        ev->component_name = arena_strdup(out->arena, c->name);
        ev->comp_old = oc->status;
        ev->comp_new = c->status;
        ev->at = c->updated_at;
    }
    for (size_t i = 0; i < new_snap->n_incidents; i++)
        if (!is_maint(&new_snap->incidents[i]))
            diff_incident(&d, &new_snap->incidents[i], old_snap);
    for (size_t i = 0; i < new_snap->n_maintenances; i++)
        if (!listed_before(new_snap->maintenances, i, new_snap->maintenances[i].id))
            diff_maintenance(&d, &new_snap->maintenances[i], old_snap);
    for (size_t i = 0; i < new_snap->n_incidents; i++) {
        const struct incident *m = &new_snap->incidents[i];
        if (is_maint(m) &&
            !listed_before(new_snap->maintenances, new_snap->n_maintenances, m->id) &&
            !listed_before(new_snap->incidents, i, m->id))
            diff_maintenance(&d, m, old_snap);
    }
    return OD_OK;
}

void events_free(struct event_list *list)
{
    if (!list)
        return;
    arena_free(list->arena);
    memset(list, 0, sizeof(*list));
}

/* ---- formatting ---- */

static char *clean(const char *s, size_t max)
{
    return text_sanitize(s ? s : "", s ? strlen(s) : 0, TEXT_SINGLE_LINE, max);
}

int event_format_text(char *buf, size_t size, const struct event *ev, const char *feed_label,
                      const char *const *zones, size_t n_zones)
{
    char when[160];
    tz_format_multi(when, sizeof(when), &ev->at, zones, n_zones, TZ_STYLE_HHMM);
    char *feed = clean(feed_label, 64);
    int n;
    if (ev->kind == EV_COMPONENT_WORSE || ev->kind == EV_COMPONENT_BETTER) {
        char *name = clean(ev->component_name ? ev->component_name : ev->component_id, 160);
        n = snprintf(buf, size, "%s  %s  %s  %s: %s -> %s", when, feed, event_kind_label(ev->kind),
                     name, component_status_name(ev->comp_old),
                     component_status_name(ev->comp_new));
        free(name);
    } else {
        char *name = clean(ev->incident_name ? ev->incident_name : ev->incident_id, 200);
        char *line = ev->line ? clean(ev->line, EVENT_LINE_MAX) : NULL;
        char status[64];
        if (ev->kind == EV_INCIDENT_NEW || ev->kind == EV_UPDATE_NEW)
            snprintf(status, sizeof(status), "%s", incident_status_name(ev->inc_new));
        else
            snprintf(status, sizeof(status), "%s -> %s", incident_status_name(ev->inc_old),
                     incident_status_name(ev->inc_new));
        n = snprintf(buf, size, "%s  %s  %s%s  %s [%s]%s%s", when, feed,
                     event_kind_label(ev->kind),
                     ev->maintenance && ev->kind != EV_MAINT_STARTED && ev->kind != EV_MAINT_ENDED
                         ? " (maintenance)"
                         : "",
                     name, status, line ? " - " : "", line ? line : "");
        free(name);
        free(line);
    }
    free(feed);
    return n;
}

static void set_str(json_t *o, const char *key, const char *s, size_t max)
{
    if (!s) {
        json_object_set_new(o, key, json_null());
        return;
    }
    char *c = clean(s, max);
    json_t *j = json_string(c);
    json_object_set_new(o, key, j ? j : json_null());
    free(c);
}

char *event_format_json(const struct event *ev, const char *feed_id, const char *feed_label,
                        const char *const *zones, size_t n_zones)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    bool comp = ev->kind == EV_COMPONENT_WORSE || ev->kind == EV_COMPONENT_BETTER;
    set_str(o, "kind", event_kind_name(ev->kind), 64);
    set_str(o, "feed", feed_id, 64);
    set_str(o, "feed_name", feed_label, 160);
    char at[64], local[160];
    if (ev->at.valid) {
        time_format_rfc3339_utc(at, sizeof(at), &ev->at);
        tz_format_multi(local, sizeof(local), &ev->at, zones, n_zones, TZ_STYLE_HHMM);
        set_str(o, "at", at, 64);
        set_str(o, "at_local", local, 160);
    } else {
        set_str(o, "at", NULL, 0);
        set_str(o, "at_local", NULL, 0);
    }
    set_str(o, "incident_id", ev->incident_id, 128);
    set_str(o, "incident", ev->incident_name, 400);
    set_str(o, "status_old",
            comp ? component_status_name(ev->comp_old)
                 : (ev->inc_old != INC_UNKNOWN || ev->kind != EV_INCIDENT_NEW
                        ? incident_status_name(ev->inc_old)
                        : NULL),
            64);
    set_str(o, "status", comp ? component_status_name(ev->comp_new)
                              : incident_status_name(ev->inc_new), 64);
    set_str(o, "component_id", ev->component_id, 128);
    set_str(o, "component", ev->component_name, 400);
    set_str(o, "update_id", ev->update_id, 128);
    set_str(o, "line", ev->line, EVENT_LINE_MAX);
    json_object_set_new(o, "maintenance", json_boolean(!comp && ev->maintenance));
    set_str(o, "shortlink", ev->shortlink, 400);
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return s;
}
