/* Cachet API v1 reader: paginated components, groups, incidents, updates and
 * schedules → one snapshot (cachet_codec.h has the mapping). */
#include "opsdeck/cachet_codec.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/arena.h"
#include "opsdeck/json_util.h"
#include "opsdeck/text.h"
#include "opsdeck/tz.h"
#include "opsdeck/xalloc.h"

/* ---- names and enum maps ----------------------------------------------- */

static const char *const doc_names[] = {
    [CACHET_DOC_COMPONENTS] = "components",
    [CACHET_DOC_GROUPS] = "groups",
    [CACHET_DOC_INCIDENTS] = "incidents",
    [CACHET_DOC_INCIDENT_UPDATES] = "incident_updates",
    [CACHET_DOC_SCHEDULES] = "schedules",
};

static const char *const doc_paths[] = {
    [CACHET_DOC_COMPONENTS] = "/api/v1/components",
    [CACHET_DOC_GROUPS] = "/api/v1/components/groups",
    [CACHET_DOC_INCIDENTS] = "/api/v1/incidents",
    [CACHET_DOC_INCIDENT_UPDATES] = "/api/v1/incidents/{id}/updates",
    [CACHET_DOC_SCHEDULES] = "/api/v1/schedules",
};

const char *cachet_doc_name(enum cachet_doc doc)
{
    return (size_t)doc < ARRAY_SIZE(doc_names) ? doc_names[doc] : "unknown";
}

const char *cachet_doc_path(enum cachet_doc doc)
{
    return (size_t)doc < ARRAY_SIZE(doc_paths) ? doc_paths[doc] : "";
}

static enum component_status map_component_status(const json_t *obj, const char *key)
{
    static const enum component_status map[] = {
        COMP_UNKNOWN, COMP_OPERATIONAL, COMP_DEGRADED_PERFORMANCE, COMP_PARTIAL_OUTAGE,
        COMP_MAJOR_OUTAGE,
    };
    int64_t v;
    if (!ju_int(obj, key, &v) || v < 0 || v >= (int64_t)ARRAY_SIZE(map))
        return COMP_UNKNOWN;
    return map[v];
}

static bool map_incident_status(const json_t *obj, const char *key, enum incident_status *out)
{
    static const enum incident_status map[] = {
        INC_SCHEDULED, INC_INVESTIGATING, INC_IDENTIFIED, INC_MONITORING, INC_RESOLVED,
    };
    int64_t v;
    if (!ju_int(obj, key, &v) || v < 0 || v >= (int64_t)ARRAY_SIZE(map)) {
        *out = INC_UNKNOWN;
        return false;
    }
    *out = map[v];
    return true;
}

static enum incident_status map_schedule_status(const json_t *obj)
{
    static const enum incident_status map[] = {INC_SCHEDULED, INC_IN_PROGRESS, INC_COMPLETED};
    int64_t v;
    if (!ju_int(obj, "status", &v) || v < 0 || v >= (int64_t)ARRAY_SIZE(map))
        return INC_UNKNOWN;
    return map[v];
}

/* ---- pagination -------------------------------------------------------- */

bool cachet_pagination_has_next(const struct cachet_pagination *p)
{
    if (!p || !p->present)
        return false;
    if (p->current_page > 0 && p->total_pages > 0)
        return p->current_page < p->total_pages;
    return p->next_page[0] != '\0';
}

/* ---- the reader's store ------------------------------------------------ */

struct cc_incident {
    struct incident inc;        /* updates/components filled at snapshot time */
    const char *component_id;
    const char *message;
    struct od_time occurred_at;
    enum incident_status own_status;
    bool has_own;
    bool has_latest;
    enum incident_status latest_status;
};

struct cc_schedule {
    struct incident m;          /* components filled at snapshot time */
    const char *message;
    const char **component_ids;
    size_t n_component_ids;
};

#define VEC(type) struct { type *v; size_t n, cap; }

struct cachet_reader {
    struct arena *a;
    char *zone;                 /* valid IANA zone or NULL (UTC) */
    unsigned parts;
    VEC(struct component) components;
    VEC(struct component) groups;
    VEC(struct cc_incident) incidents;
    VEC(struct incident_update) updates;
    VEC(struct cc_schedule) schedules;
};

/* Make room for one more zeroed element at v[*n] and count it; returns the
 * (possibly moved) array. */
static void *vec_grow(void *v, size_t *n, size_t *cap, size_t size)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        v = xreallocarray(v, *cap, size);
    }
    memset((char *)v + *n * size, 0, size);
    (*n)++;
    return v;
}

#define VEC_PUSH(vec) \
    ((vec).v = vec_grow((vec).v, &(vec).n, &(vec).cap, sizeof(*(vec).v)), \
     &(vec).v[(vec).n - 1])

struct cachet_reader *cachet_reader_new(const char *zone)
{
    struct cachet_reader *r = xcalloc(1, sizeof(*r));
    r->a = arena_new();
    r->zone = zone && tz_valid(zone) ? xstrdup(zone) : NULL;
    return r;
}

void cachet_reader_free(struct cachet_reader *r)
{
    if (!r)
        return;
    free(r->components.v);
    free(r->groups.v);
    free(r->incidents.v);
    free(r->updates.v);
    free(r->schedules.v);
    free(r->zone);
    arena_free(r->a);
    free(r);
}

/* ---- fields ------------------------------------------------------------ */

static struct od_time read_time(const struct cachet_reader *r, const json_t *obj,
                                const char *key)
{
    struct od_time t;
    if (ju_time(obj, key, &t))
        return t;
    size_t len = 0;
    const char *s = ju_string(obj, key, &len);
    int y, mo, d, h, mi, sec;
    if (s && len < 64 && strlen(s) == len && time_parse_naive(s, &y, &mo, &d, &h, &mi, &sec) &&
        tz_from_local(r->zone, y, mo, d, h, mi, sec, &t))
        return t;
    memset(&t, 0, sizeof(t));
    return t;
}

/* A Cachet id (integer or string); NULL for absent, null, 0 or "0". */
static const char *read_ref(struct arena *a, const json_t *obj, const char *key)
{
    const char *id = ju_text_id(a, obj, key);
    return id && *id && strcmp(id, "0") != 0 ? id : NULL;
}

/* prefix + id + suffix as an id of the model, cut like every other id so that
 * the Statuspage writer and reader carry it unchanged. */
static const char *derived_id(struct arena *a, const char *prefix, const char *id,
                              const char *suffix)
{
    char buf[JU_MAX_ID * 2];
    int n = snprintf(buf, sizeof(buf), "%s%s%s", prefix, id ? id : "", suffix);
    if (n < 0)
        return NULL;
    size_t len = (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1;
    return text_sanitize_arena(a, buf, len, TEXT_SINGLE_LINE, JU_MAX_ID);
}

static const char *group_ref(struct arena *a, const char *id)
{
    return id ? derived_id(a, "group-", id, "") : NULL;
}

static int read_order(const json_t *obj)
{
    int64_t v = 0;
    if (!ju_int(obj, "order", &v))
        return 0;
    return v > 1000000000 ? 1000000000 : v < -1000000000 ? -1000000000 : (int)v;
}

/* Cachet sends booleans as true/false or 0/1. */
static bool read_flag(const json_t *obj, const char *key, bool dflt)
{
    const json_t *v = ju_get(obj, key);
    int64_t n;
    if (v && json_is_boolean(v))
        return json_is_true(v);
    if (ju_int_value(v, &n))
        return n != 0;
    return dflt;
}

/* ---- items ------------------------------------------------------------- */

static void read_component(struct cachet_reader *r, const json_t *obj)
{
    if (!read_flag(obj, "enabled", true))
        return;                 /* hidden on Cachet's own page too */
    struct component *c = VEC_PUSH(r->components);
    c->id = ju_text_id(r->a, obj, "id");
    c->name = ju_text(r->a, obj, "name", JU_MAX_LINE);
    c->description = ju_text(r->a, obj, "description", JU_MAX_LINE);
    c->status = map_component_status(obj, "status");
    c->position = read_order(obj);
    c->group_id = group_ref(r->a, read_ref(r->a, obj, "group_id"));
    c->created_at = read_time(r, obj, "created_at");
    c->updated_at = read_time(r, obj, "updated_at");
}

static void read_group(struct cachet_reader *r, const json_t *obj)
{
    struct component *g = VEC_PUSH(r->groups);
    g->id = group_ref(r->a, ju_text_id(r->a, obj, "id"));
    g->name = ju_text(r->a, obj, "name", JU_MAX_LINE);
    g->position = read_order(obj);
    g->group = true;
    g->status = COMP_OPERATIONAL;
    g->created_at = read_time(r, obj, "created_at");
    g->updated_at = read_time(r, obj, "updated_at");
}

static void read_update(struct cachet_reader *r, const json_t *obj, const char *incident_id)
{
    struct incident_update *u = VEC_PUSH(r->updates);
    u->id = ju_text_id(r->a, obj, "id");
    u->incident_id = ju_text_id(r->a, obj, "incident_id");
    if (!u->incident_id)
        u->incident_id = incident_id;
    map_incident_status(obj, "status", &u->status);
    u->body = ju_body(r->a, obj, "message", JU_MAX_BODY);
    u->created_at = read_time(r, obj, "created_at");
    u->updated_at = read_time(r, obj, "updated_at");
}

static void read_incident(struct cachet_reader *r, const json_t *obj)
{
    if (!read_flag(obj, "visible", true))
        return;
    struct cc_incident *ci = VEC_PUSH(r->incidents);
    struct incident *inc = &ci->inc;
    inc->id = ju_text_id(r->a, obj, "id");
    inc->name = ju_text(r->a, obj, "name", JU_MAX_LINE);
    inc->shortlink = ju_text(r->a, obj, "permalink", JU_MAX_LINE);
    ci->has_own = map_incident_status(obj, "status", &ci->own_status);
    ci->has_latest = map_incident_status(obj, "latest_status", &ci->latest_status);
    ci->component_id = read_ref(r->a, obj, "component_id");
    ci->message = ju_body(r->a, obj, "message", JU_MAX_BODY);
    ci->occurred_at = read_time(r, obj, "occurred_at");
    if (!ci->occurred_at.valid)
        ci->occurred_at = read_time(r, obj, "scheduled_at");    /* Cachet ≤ 2.3 */
    inc->created_at = read_time(r, obj, "created_at");
    inc->updated_at = read_time(r, obj, "updated_at");
    inc->started_at = ci->occurred_at.valid ? ci->occurred_at : inc->created_at;

    const json_t *ups = ju_array(obj, "updates");
    for (size_t i = 0; ups && i < json_array_size(ups); i++) {
        const json_t *u = json_array_get(ups, i);
        if (json_is_object(u) && r->updates.n < CACHET_MAX_ITEMS)
            read_update(r, u, inc->id);
    }
}

static void read_schedule(struct cachet_reader *r, const json_t *obj)
{
    struct cc_schedule *cs = VEC_PUSH(r->schedules);
    struct incident *m = &cs->m;
    m->id = ju_text_id(r->a, obj, "id");
    m->name = ju_text(r->a, obj, "name", JU_MAX_LINE);
    m->status = map_schedule_status(obj);
    m->impact = IMPACT_MAINTENANCE;
    m->maintenance = true;
    m->scheduled_for = read_time(r, obj, "scheduled_at");
    m->scheduled_until = read_time(r, obj, "completed_at");
    m->created_at = read_time(r, obj, "created_at");
    m->updated_at = read_time(r, obj, "updated_at");
    if (m->status == INC_IN_PROGRESS || m->status == INC_COMPLETED)
        m->started_at = m->scheduled_for;
    if (m->status == INC_COMPLETED)
        m->resolved_at = m->scheduled_until.valid ? m->scheduled_until : m->updated_at;
    cs->message = ju_body(r->a, obj, "message", JU_MAX_BODY);

    const json_t *comps = ju_array(obj, "components");
    size_t n = comps ? json_array_size(comps) : 0;
    if (n > CACHET_MAX_ITEMS)
        n = CACHET_MAX_ITEMS;
    if (n)
        cs->component_ids = arena_calloc(r->a, n, sizeof(*cs->component_ids));
    for (size_t i = 0; i < n; i++) {
        const json_t *c = json_array_get(comps, i);
        const char *id = json_is_object(c) ? read_ref(r->a, c, "component_id")
                                           : ju_text_id_value(r->a, c);
        if (!id && json_is_object(c))
            id = read_ref(r->a, c, "id");
        if (id)
            cs->component_ids[cs->n_component_ids++] = id;
    }
}

/* ---- one body ---------------------------------------------------------- */

static void read_pagination(const json_t *root, struct cachet_pagination *p)
{
    memset(p, 0, sizeof(*p));
    const json_t *pg = ju_object(ju_object(root, "meta"), "pagination");
    if (!pg)
        return;
    p->present = true;
    ju_int(pg, "total", &p->total);
    ju_int(pg, "count", &p->count);
    ju_int(pg, "per_page", &p->per_page);
    ju_int(pg, "current_page", &p->current_page);
    ju_int(pg, "total_pages", &p->total_pages);
    size_t len = 0;
    const char *next = ju_string(ju_object(pg, "links"), "next_page", &len);
    if (next && len < sizeof(p->next_page)) {
        char *safe = text_sanitize(next, len, TEXT_SINGLE_LINE, sizeof(p->next_page) - 1);
        snprintf(p->next_page, sizeof(p->next_page), "%s", safe);
        free(safe);
    }
}

/* {"errors":[{"status":400,"title":"Bad Request","detail":"..."}]} */
static enum od_status api_error(const json_t *root, const char *source, struct od_error *err)
{
    const json_t *first = json_array_get(ju_array(root, "errors"), 0);
    size_t tl = 0, dl = 0;
    const char *title = ju_string(first, "title", &tl);
    const char *detail = ju_string(first, "detail", &dl);
    char *t = text_sanitize(title ? title : "error", title ? tl : 5, TEXT_SINGLE_LINE, 100);
    char *d = text_sanitize(detail ? detail : "", detail ? dl : 0, TEXT_SINGLE_LINE, 200);
    od_error_set(err, OD_SHAPE, source, 0, 0, "Cachet answered with an error: %s%s%s", t,
                 *d ? ": " : "", d);
    free(t);
    free(d);
    return OD_SHAPE;
}

static size_t *count_of(struct cachet_reader *r, enum cachet_doc doc)
{
    switch (doc) {
    case CACHET_DOC_COMPONENTS: return &r->components.n;
    case CACHET_DOC_GROUPS: return &r->groups.n;
    case CACHET_DOC_INCIDENTS: return &r->incidents.n;
    case CACHET_DOC_INCIDENT_UPDATES: return &r->updates.n;
    case CACHET_DOC_SCHEDULES: return &r->schedules.n;
    }
    return NULL;
}

static enum od_status add_body(struct cachet_reader *r, enum cachet_doc doc,
                               const char *incident_id, const char *body, size_t len,
                               const char *source, struct cachet_pagination *page,
                               struct od_error *err)
{
    od_error_clear(err);
    if (page)
        memset(page, 0, sizeof(*page));
    size_t *count = count_of(r, doc);
    if (!count)
        return od_error_set(err, OD_USAGE, source, 0, 0, "unknown Cachet document kind");
    struct ju_limits lim = {CACHET_MAX_BODY, JU_DEFAULT_MAX_DEPTH};
    json_t *root = ju_load(body, len, &lim, source, err);
    if (!root)
        return err ? err->code : OD_PARSE;

    struct ju_path path;
    ju_path_init(&path);
    enum od_status rc = OD_OK;
    const json_t *data = ju_get(root, "data");
    if (!json_is_object(root)) {
        rc = ju_error_type(err, source, &path, "an object", root);
    } else if (!data && ju_array(root, "errors")) {
        rc = api_error(root, source, err);
    } else if (!data || !(json_is_array(data) || json_is_object(data))) {
        ju_path_key(&path, "data");
        rc = ju_error_type(err, source, &path, "an array", data);
    }
    if (rc != OD_OK) {
        json_decref(root);
        return rc;
    }
    if (page)
        read_pagination(root, page);

    size_t n = json_is_array(data) ? json_array_size(data) : 1;
    for (size_t i = 0; i < n; i++) {
        const json_t *obj = json_is_array(data) ? json_array_get(data, i) : data;
        if (!json_is_object(obj))
            continue;
        if (*count >= CACHET_MAX_ITEMS) {
            rc = od_error_set(err, OD_TOOBIG, source, 0, 0,
                              "more than %d Cachet %s", CACHET_MAX_ITEMS, cachet_doc_name(doc));
            break;
        }
        switch (doc) {
        case CACHET_DOC_COMPONENTS: read_component(r, obj); break;
        case CACHET_DOC_GROUPS: read_group(r, obj); break;
        case CACHET_DOC_INCIDENTS: read_incident(r, obj); break;
        case CACHET_DOC_INCIDENT_UPDATES: read_update(r, obj, incident_id); break;
        case CACHET_DOC_SCHEDULES: read_schedule(r, obj); break;
        }
    }
    switch (doc) {
    case CACHET_DOC_COMPONENTS:
    case CACHET_DOC_GROUPS: r->parts |= SNAP_COMPONENTS; break;
    case CACHET_DOC_INCIDENTS: r->parts |= SNAP_INCIDENTS; break;
    case CACHET_DOC_SCHEDULES: r->parts |= SNAP_MAINTENANCES; break;
    case CACHET_DOC_INCIDENT_UPDATES: break;
    }
    json_decref(root);
    return rc;
}

enum od_status cachet_reader_add(struct cachet_reader *r, enum cachet_doc doc,
                                 const char *body, size_t len, const char *source,
                                 struct cachet_pagination *page, struct od_error *err)
{
    return add_body(r, doc, NULL, body, len, source, page, err);
}

enum od_status cachet_reader_add_updates(struct cachet_reader *r, const char *incident_id,
                                         const char *body, size_t len, const char *source,
                                         struct cachet_pagination *page,
                                         struct od_error *err)
{
    const char *id = incident_id ? arena_strdup(r->a, incident_id) : NULL;
    return add_body(r, CACHET_DOC_INCIDENT_UPDATES, id, body, len, source, page, err);
}

/* ---- combining --------------------------------------------------------- */

/* An index sorted by (key, position): the last entry of a run of equal keys is
 * the copy added last, which wins. */
struct keyed {
    const char *key;
    size_t idx;
};

static int str_cmp_null(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

static int keyed_cmp(const void *pa, const void *pb)
{
    const struct keyed *a = pa, *b = pb;
    int c = str_cmp_null(a->key, b->key);
    if (c)
        return c;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Build the sorted index; with `unique`, keep only the last of each key
 * (items without a key are all kept). Returns the count kept. */
static size_t keyed_build(struct keyed *k, size_t n, bool unique)
{
    if (n > 1)
        qsort(k, n, sizeof(*k), keyed_cmp);
    if (!unique)
        return n;
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        if (k[i].key && i + 1 < n && k[i + 1].key && strcmp(k[i].key, k[i + 1].key) == 0)
            continue;
        k[out++] = k[i];
    }
    return out;
}

/* First index in k[0..n) whose key equals key, or n. */
static size_t keyed_find(const struct keyed *k, size_t n, const char *key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (str_cmp_null(k[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && key && k[lo].key && strcmp(k[lo].key, key) == 0 ? lo : n;
}

/* Unique items of a vector, in the order they were added (by idx). */
static int keyed_idx_cmp(const void *pa, const void *pb)
{
    const struct keyed *a = pa, *b = pb;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static struct keyed *unique_index(const void *base, size_t n, size_t stride, size_t key_off,
                                  size_t *out_n)
{
    struct keyed *k = xreallocarray(NULL, n ? n : 1, sizeof(*k));
    for (size_t i = 0; i < n; i++) {
        /* memcpy: the byte offset is a struct member's, but the compiler cannot know
           the pointer is aligned (clang's -Wcast-align) */
        memcpy(&k[i].key, (const char *)base + i * stride + key_off, sizeof(k[i].key));
        k[i].idx = i;
    }
    *out_n = keyed_build(k, n, true);
    return k;
}

static enum impact incident_impact(enum incident_status st, const struct component *c)
{
    if (st == INC_SCHEDULED)
        return IMPACT_MAINTENANCE;
    if (!c || !incident_status_is_open(st))
        return IMPACT_UNKNOWN;
    switch (c->status) {
    case COMP_DEGRADED_PERFORMANCE: return IMPACT_MINOR;
    case COMP_PARTIAL_OUTAGE: return IMPACT_MAJOR;
    case COMP_MAJOR_OUTAGE: return IMPACT_CRITICAL;
    default: return IMPACT_UNKNOWN;
    }
}

static void build_components(const struct cachet_reader *r, struct snapshot *s,
                             struct keyed **by_id, size_t *n_by_id)
{
    struct arena *a = s->arena;
    size_t nc, ng;
    struct keyed *kc = unique_index(r->components.v, r->components.n, sizeof(struct component),
                                    offsetof(struct component, id), &nc);
    struct keyed *kg = unique_index(r->groups.v, r->groups.n, sizeof(struct component),
                                    offsetof(struct component, id), &ng);
    qsort(kc, nc, sizeof(*kc), keyed_idx_cmp);
    qsort(kg, ng, sizeof(*kg), keyed_idx_cmp);
    s->n_components = nc + ng;
    s->components = s->n_components ? arena_calloc(a, s->n_components, sizeof(struct component))
                                    : NULL;
    /* Members of each group: components indexed by group_id. */
    struct keyed *kk = xreallocarray(NULL, nc ? nc : 1, sizeof(*kk));
    for (size_t j = 0; j < nc; j++) {
        kk[j].key = r->components.v[kc[j].idx].group_id;
        kk[j].idx = kc[j].idx;
    }
    size_t nk = keyed_build(kk, nc, false);
    size_t n = 0;
    for (size_t i = 0; i < ng; i++) {
        struct component *g = &s->components[n++];
        component_copy(a, g, &r->groups.v[kg[i].idx]);
        size_t first = keyed_find(kk, nk, g->id), last = first;
        while (last < nk && str_cmp_null(kk[last].key, g->id) == 0)
            last++;
        if (last == first)
            continue;
        g->children = arena_calloc(a, last - first, sizeof(*g->children));
        enum component_status worst = r->components.v[kk[first].idx].status;
        for (size_t j = first; j < last; j++) {
            const struct component *c = &r->components.v[kk[j].idx];
            if (c->id)
                g->children[g->n_children++] = arena_strdup(a, c->id);
            worst = component_status_worse(worst, c->status);
        }
        g->status = worst;
    }
    free(kk);
    for (size_t i = 0; i < nc; i++)
        component_copy(a, &s->components[n++], &r->components.v[kc[i].idx]);
    free(kc);
    free(kg);

    /* An id index of the snapshot's components for the incidents and schedules. */
    struct keyed *k = xreallocarray(NULL, s->n_components ? s->n_components : 1, sizeof(*k));
    for (size_t i = 0; i < s->n_components; i++) {
        k[i].key = s->components[i].id;
        k[i].idx = i;
    }
    *n_by_id = keyed_build(k, s->n_components, false);
    *by_id = k;
}

static const struct component *find_component(const struct snapshot *s,
                                              const struct keyed *by_id, size_t n,
                                              const char *id)
{
    size_t i = keyed_find(by_id, n, id);
    return i < n ? &s->components[by_id[i].idx] : NULL;
}

static void attach_component(struct arena *a, struct incident *inc, const struct component *c)
{
    if (!c)
        return;
    struct component *list = arena_calloc(a, inc->n_components + 1, sizeof(*list));
    if (inc->n_components)
        memcpy(list, inc->components, inc->n_components * sizeof(*list));
    component_copy(a, &list[inc->n_components], c);
    inc->components = list;
    inc->n_components++;
}

static int update_newest_first(const void *pa, const void *pb)
{
    const struct incident_update *a = pa, *b = pb;
    struct od_time ta = update_shown_time(a), tb = update_shown_time(b);
    int c = time_cmp(&tb, &ta);
    return c ? c : str_cmp_null(b->id, a->id);
}

static void build_incidents(const struct cachet_reader *r, struct snapshot *s,
                            const struct keyed *by_id, size_t n_by_id)
{
    struct arena *a = s->arena;
    size_t ni, nu;
    struct keyed *ki = unique_index(r->incidents.v, r->incidents.n, sizeof(struct cc_incident),
                                    offsetof(struct cc_incident, inc.id), &ni);
    qsort(ki, ni, sizeof(*ki), keyed_idx_cmp);
    /* Updates: unique by id, then indexed by incident id. */
    struct keyed *ku = unique_index(r->updates.v, r->updates.n, sizeof(struct incident_update),
                                    offsetof(struct incident_update, id), &nu);
    for (size_t i = 0; i < nu; i++)
        ku[i].key = r->updates.v[ku[i].idx].incident_id;
    nu = keyed_build(ku, nu, false);

    s->n_incidents = ni;
    s->incidents = ni ? arena_calloc(a, ni, sizeof(struct incident)) : NULL;
    for (size_t i = 0; i < ni; i++) {
        const struct cc_incident *ci = &r->incidents.v[ki[i].idx];
        struct incident *inc = &s->incidents[i];
        incident_copy(a, inc, &ci->inc);

        size_t first = keyed_find(ku, nu, inc->id), last = first;
        while (last < nu && str_cmp_null(ku[last].key, inc->id) == 0)
            last++;
        size_t nups = (last - first) + (ci->message ? 1 : 0);
        inc->updates = nups ? arena_calloc(a, nups, sizeof(*inc->updates)) : NULL;
        for (size_t j = first; j < last; j++) {
            struct incident_update *u = &inc->updates[inc->n_updates++];
            *u = r->updates.v[ku[j].idx];
            u->id = arena_strdup(a, u->id);
            u->incident_id = arena_strdup(a, u->incident_id);
            u->body = arena_strdup(a, u->body);
        }
        if (ci->message) {
            struct incident_update *u = &inc->updates[inc->n_updates++];
            u->id = derived_id(a, "", inc->id, "-0");
            u->incident_id = inc->id;
            /* Cachet moves the incident's status along with each update, so
             * the status its first message was posted with is known only
             * while there are no updates. */
            u->status = inc->n_updates > 1 ? INC_UNKNOWN : ci->own_status;
            u->body = arena_strdup(a, ci->message);
            u->created_at = inc->created_at;
            u->updated_at = inc->created_at;
            u->display_at = ci->occurred_at;
        }
        if (inc->n_updates > 1)
            qsort(inc->updates, inc->n_updates, sizeof(*inc->updates), update_newest_first);

        inc->status = ci->has_own ? ci->own_status
                      : ci->has_latest ? ci->latest_status
                      : inc->n_updates ? inc->updates[0].status
                                       : INC_UNKNOWN;
        inc->maintenance = incident_status_is_maintenance(inc->status);
        /* monitoring_at / resolved_at: when the updates first said so. */
        for (size_t j = inc->n_updates; j-- > 0;) {
            const struct incident_update *u = &inc->updates[j];
            struct od_time t = update_shown_time(u);
            if (u->status == INC_MONITORING && !inc->monitoring_at.valid)
                inc->monitoring_at = t;
            if (u->status == INC_RESOLVED && !inc->resolved_at.valid)
                inc->resolved_at = t;
        }
        if (inc->status == INC_RESOLVED && !inc->resolved_at.valid)
            inc->resolved_at = inc->updated_at;
        if (inc->status != INC_RESOLVED)
            inc->resolved_at = (struct od_time){0};
        const struct component *c = find_component(s, by_id, n_by_id, ci->component_id);
        attach_component(a, inc, c);
        inc->impact = incident_impact(inc->status, c);
    }
    free(ki);
    free(ku);
}

static void build_maintenances(const struct cachet_reader *r, struct snapshot *s,
                               const struct keyed *by_id, size_t n_by_id)
{
    struct arena *a = s->arena;
    size_t nm;
    struct keyed *km = unique_index(r->schedules.v, r->schedules.n, sizeof(struct cc_schedule),
                                    offsetof(struct cc_schedule, m.id), &nm);
    qsort(km, nm, sizeof(*km), keyed_idx_cmp);
    s->n_maintenances = nm;
    s->maintenances = nm ? arena_calloc(a, nm, sizeof(struct incident)) : NULL;
    for (size_t i = 0; i < nm; i++) {
        const struct cc_schedule *cs = &r->schedules.v[km[i].idx];
        struct incident *m = &s->maintenances[i];
        incident_copy(a, m, &cs->m);
        if (cs->message) {
            m->updates = arena_calloc(a, 1, sizeof(*m->updates));
            m->n_updates = 1;
            struct incident_update *u = &m->updates[0];
            u->id = derived_id(a, "", m->id, "-0");
            u->incident_id = m->id;
            u->status = m->status;
            u->body = arena_strdup(a, cs->message);
            u->created_at = m->created_at;
            u->updated_at = m->updated_at;
        }
        for (size_t j = 0; j < cs->n_component_ids; j++)
            attach_component(a, m, find_component(s, by_id, n_by_id, cs->component_ids[j]));
    }
    free(km);
}

struct snapshot *cachet_reader_snapshot(const struct cachet_reader *r)
{
    struct snapshot *s = snapshot_new();
    struct arena *a = s->arena;
    s->parts = SNAP_PAGE | SNAP_STATUS | r->parts;
    s->page.time_zone = arena_strdup(a, r->zone ? r->zone : "Etc/UTC");

    struct keyed *by_id = NULL;
    size_t n_by_id = 0;
    build_components(r, s, &by_id, &n_by_id);
    build_incidents(r, s, by_id, n_by_id);
    build_maintenances(r, s, by_id, n_by_id);
    free(by_id);

    const char *desc = NULL;
    s->indicator = indicator_from_components(s->components, s->n_components, &desc);
    s->indicator_description = arena_strdup(a, desc);
    snapshot_sort(s);
    return s;
}

struct snapshot *cachet_read(const struct cachet_bodies *b, const char *zone,
                             struct od_error *err)
{
    struct cachet_reader *r = cachet_reader_new(zone);
    const struct {
        enum cachet_doc doc;
        const char *body;
        size_t len;
    } parts[] = {
        {CACHET_DOC_COMPONENTS, b->components, b->components_len},
        {CACHET_DOC_GROUPS, b->groups, b->groups_len},
        {CACHET_DOC_INCIDENTS, b->incidents, b->incidents_len},
        {CACHET_DOC_SCHEDULES, b->schedules, b->schedules_len},
    };
    for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
        if (!parts[i].body)
            continue;
        if (cachet_reader_add(r, parts[i].doc, parts[i].body, parts[i].len,
                              cachet_doc_path(parts[i].doc), NULL, err) != OD_OK) {
            cachet_reader_free(r);
            return NULL;
        }
    }
    struct snapshot *s = cachet_reader_snapshot(r);
    cachet_reader_free(r);
    return s;
}
