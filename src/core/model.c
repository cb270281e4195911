#include "opsdeck/model.h"

#include <stdlib.h>
#include <string.h>

#include "opsdeck/arena.h"
#include "opsdeck/xalloc.h"

/* ---- enum tables ------------------------------------------------------ */

struct enum_row {
    const char *wire;
    const char *label;
    int severity;
    bool open;
    bool maintenance;
};

static const struct enum_row component_rows[] = {
#define ROW(id, wire, label, sev) [COMP_##id] = {wire, label, sev, false, false},
    COMPONENT_STATUS_INFO(ROW)
#undef ROW
};

static const struct enum_row incident_rows[] = {
#define ROW(id, wire, label, open, maint) [INC_##id] = {wire, label, 0, open, maint},
    INCIDENT_STATUS_INFO(ROW)
#undef ROW
};

static const struct enum_row impact_rows[] = {
#define ROW(id, wire, label, sev) [IMPACT_##id] = {wire, label, sev, false, false},
    IMPACT_INFO(ROW)
#undef ROW
};

static const struct enum_row *row(const struct enum_row *rows, size_t n, int v)
{
    return v >= 0 && (size_t)v < n ? &rows[v] : &rows[0];
}

static int from_name(const struct enum_row *rows, size_t n, const char *name)
{
    if (!name)
        return 0;
    for (size_t i = 1; i < n; i++)
        if (strcmp(rows[i].wire, name) == 0)
            return (int)i;
    return 0;
}

#define COMP_ROW(s) row(component_rows, ARRAY_SIZE(component_rows), (int)(s))
#define INC_ROW(s) row(incident_rows, ARRAY_SIZE(incident_rows), (int)(s))
#define IMPACT_ROW(s) row(impact_rows, ARRAY_SIZE(impact_rows), (int)(s))

const char *component_status_name(enum component_status s) { return COMP_ROW(s)->wire; }
const char *component_status_label(enum component_status s) { return COMP_ROW(s)->label; }
int component_status_severity(enum component_status s) { return COMP_ROW(s)->severity; }

enum component_status component_status_from_name(const char *name)
{
    return (enum component_status)from_name(component_rows, ARRAY_SIZE(component_rows), name);
}

enum component_status component_status_worse(enum component_status a, enum component_status b)
{
    return component_status_severity(b) > component_status_severity(a) ? b : a;
}

const char *incident_status_name(enum incident_status s) { return INC_ROW(s)->wire; }
const char *incident_status_label(enum incident_status s) { return INC_ROW(s)->label; }
bool incident_status_is_open(enum incident_status s) { return INC_ROW(s)->open; }
bool incident_status_is_maintenance(enum incident_status s) { return INC_ROW(s)->maintenance; }

enum incident_status incident_status_from_name(const char *name)
{
    return (enum incident_status)from_name(incident_rows, ARRAY_SIZE(incident_rows), name);
}

const char *impact_name(enum impact i) { return IMPACT_ROW(i)->wire; }
const char *impact_label(enum impact i) { return IMPACT_ROW(i)->label; }
int impact_severity(enum impact i) { return IMPACT_ROW(i)->severity; }

enum impact impact_from_name(const char *name)
{
    return (enum impact)from_name(impact_rows, ARRAY_SIZE(impact_rows), name);
}

/* ---- snapshot lifetime ------------------------------------------------ */

struct snapshot *snapshot_new(void)
{
    struct snapshot *s = xcalloc(1, sizeof(*s));
    s->arena = arena_new();
    return s;
}

void snapshot_free(struct snapshot *s)
{
    if (!s)
        return;
    arena_free(s->arena);
    free(s);
}

static const char **strv_copy(struct arena *a, const char *const *src, size_t n)
{
    if (!n)
        return NULL;
    const char **dst = arena_calloc(a, n, sizeof(*dst));
    for (size_t i = 0; i < n; i++)
        dst[i] = arena_strdup(a, src[i]);
    return dst;
}

void component_copy(struct arena *a, struct component *dst, const struct component *src)
{
    *dst = *src;
    dst->id = arena_strdup(a, src->id);
    dst->name = arena_strdup(a, src->name);
    dst->description = arena_strdup(a, src->description);
    dst->group_id = arena_strdup(a, src->group_id);
    dst->page_id = arena_strdup(a, src->page_id);
    dst->start_date = arena_strdup(a, src->start_date);
    dst->children = strv_copy(a, src->children, src->n_children);
}

static void update_copy(struct arena *a, struct incident_update *dst,
                        const struct incident_update *src)
{
    *dst = *src;
    dst->id = arena_strdup(a, src->id);
    dst->incident_id = arena_strdup(a, src->incident_id);
    dst->body = arena_strdup(a, src->body);
    dst->changes = NULL;
    if (src->n_changes) {
        dst->changes = arena_calloc(a, src->n_changes, sizeof(*dst->changes));
        for (size_t i = 0; i < src->n_changes; i++) {
            dst->changes[i] = src->changes[i];
            dst->changes[i].id = arena_strdup(a, src->changes[i].id);
            dst->changes[i].name = arena_strdup(a, src->changes[i].name);
        }
    }
}

void incident_copy(struct arena *a, struct incident *dst, const struct incident *src)
{
    *dst = *src;
    dst->id = arena_strdup(a, src->id);
    dst->name = arena_strdup(a, src->name);
    dst->shortlink = arena_strdup(a, src->shortlink);
    dst->page_id = arena_strdup(a, src->page_id);
    dst->updates = NULL;
    if (src->n_updates) {
        dst->updates = arena_calloc(a, src->n_updates, sizeof(*dst->updates));
        for (size_t i = 0; i < src->n_updates; i++)
            update_copy(a, &dst->updates[i], &src->updates[i]);
    }
    dst->components = NULL;
    if (src->n_components) {
        dst->components = arena_calloc(a, src->n_components, sizeof(*dst->components));
        for (size_t i = 0; i < src->n_components; i++)
            component_copy(a, &dst->components[i], &src->components[i]);
    }
}

static void page_copy(struct arena *a, struct page_info *dst, const struct page_info *src)
{
    *dst = *src;
    dst->id = arena_strdup(a, src->id);
    dst->name = arena_strdup(a, src->name);
    dst->url = arena_strdup(a, src->url);
    dst->time_zone = arena_strdup(a, src->time_zone);
}

static struct component *components_copy(struct arena *a, const struct component *src, size_t n)
{
    if (!n)
        return NULL;
    struct component *dst = arena_calloc(a, n, sizeof(*dst));
    for (size_t i = 0; i < n; i++)
        component_copy(a, &dst[i], &src[i]);
    return dst;
}

static struct incident *incidents_copy(struct arena *a, const struct incident *src, size_t n)
{
    if (!n)
        return NULL;
    struct incident *dst = arena_calloc(a, n, sizeof(*dst));
    for (size_t i = 0; i < n; i++)
        incident_copy(a, &dst[i], &src[i]);
    return dst;
}

struct snapshot *snapshot_clone(const struct snapshot *s)
{
    struct snapshot *c = snapshot_new();
    struct arena *a = c->arena;
    c->parts = s->parts;
    page_copy(a, &c->page, &s->page);
    c->indicator = s->indicator;
    c->indicator_description = arena_strdup(a, s->indicator_description);
    c->components = components_copy(a, s->components, s->n_components);
    c->n_components = s->n_components;
    c->incidents = incidents_copy(a, s->incidents, s->n_incidents);
    c->n_incidents = s->n_incidents;
    c->maintenances = incidents_copy(a, s->maintenances, s->n_maintenances);
    c->n_maintenances = s->n_maintenances;
    return c;
}

/* ---- merge ------------------------------------------------------------ */

static const struct incident *find_in(const struct incident *list, size_t n, const char *id)
{
    if (!id)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (list[i].id && strcmp(list[i].id, id) == 0)
            return &list[i];
    return NULL;
}

/* Union by id of two incident lists; on a clash the later updated_at wins
 * (ties go to `b`, the newer document). */
static struct incident *incidents_union(struct arena *arena, const struct incident *a,
                                        size_t na, const struct incident *b, size_t nb,
                                        size_t *out_n)
{
    size_t cap = na + nb;
    if (!cap) {
        *out_n = 0;
        return NULL;
    }
    struct incident *out = arena_calloc(arena, cap, sizeof(*out));
    size_t n = 0;
    for (size_t i = 0; i < nb; i++) {
        const struct incident *other = find_in(a, na, b[i].id);
        const struct incident *pick = &b[i];
        if (other && time_cmp(&other->updated_at, &b[i].updated_at) > 0)
            pick = other;
        incident_copy(arena, &out[n++], pick);
    }
    for (size_t i = 0; i < na; i++)
        if (!find_in(b, nb, a[i].id))
            incident_copy(arena, &out[n++], &a[i]);
    *out_n = n;
    return out;
}

struct snapshot *snapshot_merge(const struct snapshot *older, const struct snapshot *newer)
{
    if (!older && !newer)
        return snapshot_new();
    if (!older || !newer) {
        struct snapshot *c = snapshot_clone(older ? older : newer);
        snapshot_sort(c);
        return c;
    }
    struct snapshot *m = snapshot_new();
    struct arena *a = m->arena;
    m->parts = older->parts | newer->parts;
    page_copy(a, &m->page, (newer->parts & SNAP_PAGE) ? &newer->page : &older->page);
    const struct snapshot *st = (newer->parts & SNAP_STATUS) ? newer : older;
    m->indicator = st->indicator;
    m->indicator_description = arena_strdup(a, st->indicator_description);
    const struct snapshot *cs = (newer->parts & SNAP_COMPONENTS) ? newer : older;
    m->components = components_copy(a, cs->components, cs->n_components);
    m->n_components = cs->n_components;
    m->incidents = incidents_union(a, older->incidents, older->n_incidents, newer->incidents,
                                   newer->n_incidents, &m->n_incidents);
    m->maintenances = incidents_union(a, older->maintenances, older->n_maintenances,
                                      newer->maintenances, newer->n_maintenances,
                                      &m->n_maintenances);
    snapshot_sort(m);
    return m;
}

/* ---- ordering --------------------------------------------------------- */

static int str_cmp_null(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

struct od_time update_shown_time(const struct incident_update *u)
{
    return u->display_at.valid ? u->display_at : u->created_at;
}

static int update_newest_first(const void *pa, const void *pb)
{
    const struct incident_update *a = pa, *b = pb;
    struct od_time ta = update_shown_time(a), tb = update_shown_time(b);
    int c = time_cmp(&tb, &ta);
    if (c)
        return c;
    c = time_cmp(&b->created_at, &a->created_at);
    return c ? c : str_cmp_null(a->id, b->id);
}

static struct od_time incident_sort_time(const struct incident *inc)
{
    if (inc->n_updates)
        return update_shown_time(&inc->updates[0]);
    return inc->created_at;
}

static int incident_newest_first(const void *pa, const void *pb)
{
    const struct incident *a = pa, *b = pb;
    struct od_time ta = incident_sort_time(a), tb = incident_sort_time(b);
    int c = time_cmp(&tb, &ta);
    if (c)
        return c;
    c = time_cmp(&b->created_at, &a->created_at);
    return c ? c : str_cmp_null(a->id, b->id);
}

static int maintenance_soonest_first(const void *pa, const void *pb)
{
    const struct incident *a = pa, *b = pb;
    int c = time_cmp(&a->scheduled_for, &b->scheduled_for);
    return c ? c : str_cmp_null(a->id, b->id);
}

/* Components sort as a tree flattened: top-level items (groups and ungrouped
 * components) by position then name, each group followed by its children by
 * their own position. Positions are per level on Statuspage, so children of
 * different groups must not be compared with each other or with groups. */
struct component_key {
    struct component comp;
    int top_position;
    const char *top_name;
    const char *top_id;
    bool child;
};

static int component_key_order(const void *pa, const void *pb)
{
    const struct component_key *a = pa, *b = pb;
    if (a->top_position != b->top_position)
        return a->top_position < b->top_position ? -1 : 1;
    int c = str_cmp_null(a->top_name, b->top_name);
    if (c)
        return c;
    c = str_cmp_null(a->top_id, b->top_id);
    if (c)
        return c;
    if (a->child != b->child)
        return a->child ? 1 : -1;
    if (a->comp.position != b->comp.position)
        return a->comp.position < b->comp.position ? -1 : 1;
    c = str_cmp_null(a->comp.name, b->comp.name);
    return c ? c : str_cmp_null(a->comp.id, b->comp.id);
}

static void components_sort(struct component *list, size_t n)
{
    struct component_key *keys = xcalloc(n, sizeof(*keys));
    for (size_t i = 0; i < n; i++) {
        const struct component *parent = NULL;
        if (list[i].group_id)
            for (size_t j = 0; j < n && !parent; j++)
                if (j != i && list[j].group && list[j].id &&
                    strcmp(list[j].id, list[i].group_id) == 0)
                    parent = &list[j];
        const struct component *top = parent ? parent : &list[i];
        keys[i] = (struct component_key){list[i], top->position, top->name, top->id,
                                         parent != NULL};
    }
    qsort(keys, n, sizeof(*keys), component_key_order);
    for (size_t i = 0; i < n; i++)
        list[i] = keys[i].comp;
    free(keys);
}

static void incidents_sort(struct incident *list, size_t n,
                           int (*cmp)(const void *, const void *))
{
    for (size_t i = 0; i < n; i++)
        if (list[i].n_updates > 1)
            qsort(list[i].updates, list[i].n_updates, sizeof(*list[i].updates),
                  update_newest_first);
    if (n > 1)
        qsort(list, n, sizeof(*list), cmp);
}

void snapshot_sort(struct snapshot *s)
{
    if (s->n_components > 1)
        components_sort(s->components, s->n_components);
    incidents_sort(s->incidents, s->n_incidents, incident_newest_first);
    incidents_sort(s->maintenances, s->n_maintenances, maintenance_soonest_first);
}

/* ---- lookups ---------------------------------------------------------- */

const struct component *snapshot_find_component(const struct snapshot *s, const char *id)
{
    if (!s || !id)
        return NULL;
    for (size_t i = 0; i < s->n_components; i++)
        if (s->components[i].id && strcmp(s->components[i].id, id) == 0)
            return &s->components[i];
    return NULL;
}

const struct component *snapshot_find_component_by_name(const struct snapshot *s,
                                                        const char *name)
{
    if (!s || !name)
        return NULL;
    for (size_t i = 0; i < s->n_components; i++)
        if (s->components[i].name && strcmp(s->components[i].name, name) == 0)
            return &s->components[i];
    return NULL;
}

const struct incident *snapshot_find_incident(const struct snapshot *s, const char *id)
{
    if (!s)
        return NULL;
    const struct incident *inc = find_in(s->incidents, s->n_incidents, id);
    return inc ? inc : find_in(s->maintenances, s->n_maintenances, id);
}

const struct incident_update *incident_latest_update(const struct incident *inc)
{
    return inc && inc->n_updates ? &inc->updates[0] : NULL;
}

/* ---- indicator -------------------------------------------------------- */

enum impact indicator_from_components(const struct component *c, size_t n,
                                      const char **description)
{
    size_t counted = 0, major = 0, partial = 0, degraded = 0, maint = 0;
    for (size_t i = 0; i < n; i++) {
        if (c[i].group)
            continue;
        counted++;
        switch (c[i].status) {
        case COMP_MAJOR_OUTAGE: major++; break;
        case COMP_PARTIAL_OUTAGE: partial++; break;
        case COMP_DEGRADED_PERFORMANCE: degraded++; break;
        case COMP_UNDER_MAINTENANCE: maint++; break;
        default: break;
        }
    }
    enum impact ind = IMPACT_NONE;
    const char *desc = impact_label(IMPACT_NONE);
    if (major && major == counted) {
        ind = IMPACT_CRITICAL;
        desc = impact_label(ind);
    } else if (major) {
        ind = IMPACT_MAJOR;
        desc = impact_label(ind);
    } else if (partial) {
        ind = IMPACT_MINOR;
        desc = impact_label(ind);
    } else if (degraded) {
        ind = IMPACT_MINOR;
        desc = "Partially Degraded Service";
    } else if (maint) {
        ind = IMPACT_MAINTENANCE;
        desc = impact_label(ind);
    }
    if (description)
        *description = desc;
    return ind;
}
