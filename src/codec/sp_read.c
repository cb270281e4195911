/* Statuspage v2 reader: summary, status, components, incidents and scheduled
 * maintenance documents → struct snapshot. Hostile-input safe (sp_codec.h). */
#include "opsdeck/sp_codec.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "opsdeck/arena.h"
#include "opsdeck/json_util.h"
#include "opsdeck/text.h"
#include "opsdeck/tz.h"

struct reader {
    struct arena *a;
    const char *zone;           /* page.time_zone for zone-less times, or NULL */
    const char *source;
    struct od_error *err;
    struct ju_path path;
};

static const char *const doc_names[] = {
    [SP_DOC_AUTO] = "auto",
    [SP_DOC_SUMMARY] = "summary",
    [SP_DOC_STATUS] = "status",
    [SP_DOC_COMPONENTS] = "components",
    [SP_DOC_INCIDENTS] = "incidents",
    [SP_DOC_MAINTENANCES] = "maintenances",
};

const char *sp_doc_name(enum sp_doc doc)
{
    return (size_t)doc < ARRAY_SIZE(doc_names) ? doc_names[doc] : "unknown";
}

enum sp_doc sp_doc_for_parts(unsigned parts)
{
    switch (parts & ~(unsigned)SNAP_PAGE) {
    case SNAP_STATUS: return SP_DOC_STATUS;
    case SNAP_COMPONENTS: return SP_DOC_COMPONENTS;
    case SNAP_INCIDENTS: return SP_DOC_INCIDENTS;
    case SNAP_MAINTENANCES: return SP_DOC_MAINTENANCES;
    default: return SP_DOC_SUMMARY;
    }
}

/* ---- fields ----------------------------------------------------------- */

/* RFC 3339 in any of its dialects, or a zone-less local time in the page's zone. */
static struct od_time read_time(const struct reader *r, const json_t *obj, const char *key)
{
    struct od_time t;
    if (ju_time(obj, key, &t))
        return t;
    size_t len = 0;
    const char *s = ju_string(obj, key, &len);
    int y, mo, d, h, mi, sec;
    if (s && len < 64 && strlen(s) == len && time_parse_naive(s, &y, &mo, &d, &h, &mi, &sec) &&
        !tz_from_local(r->zone, y, mo, d, h, mi, sec, &t))
        memset(&t, 0, sizeof(t));
    return t;
}

/* "YYYY-MM-DD" with a real calendar date, else NULL. */
static const char *read_date(const struct reader *r, const json_t *obj, const char *key)
{
    size_t len = 0;
    const char *s = ju_string(obj, key, &len);
    if (!s || len != 10 || s[4] != '-' || s[7] != '-')
        return NULL;
    char buf[32];
    snprintf(buf, sizeof(buf), "%.10sT00:00:00Z", s);
    struct od_time t;
    if (!time_parse_rfc3339(buf, &t))
        return NULL;
    return arena_strndup(r->a, s, 10);
}

static int read_position(const json_t *obj)
{
    int64_t v = 0;
    if (!ju_int(obj, "position", &v))
        return 0;
    if (v > INT_MAX)
        return INT_MAX;
    if (v < INT_MIN)
        return INT_MIN;
    return (int)v;
}

static enum component_status read_component_status(const json_t *obj, const char *key)
{
    return component_status_from_name(ju_string(obj, key, NULL));
}

/* ---- components ------------------------------------------------------- */

static void read_component(struct reader *r, const json_t *obj, struct component *c)
{
    struct arena *a = r->a;
    c->id = ju_text_id(a, obj, "id");
    c->name = ju_text(a, obj, "name", JU_MAX_LINE);
    c->description = ju_text(a, obj, "description", JU_MAX_LINE);
    c->status = read_component_status(obj, "status");
    c->created_at = read_time(r, obj, "created_at");
    c->updated_at = read_time(r, obj, "updated_at");
    c->position = read_position(obj);
    c->showcase = ju_bool(obj, "showcase", false);
    c->start_date = read_date(r, obj, "start_date");
    c->group_id = ju_text_id(a, obj, "group_id");
    c->page_id = ju_text_id(a, obj, "page_id");
    c->group = ju_bool(obj, "group", false);
    c->only_show_if_degraded = ju_bool(obj, "only_show_if_degraded", false);

    const json_t *kids = ju_array(obj, "components");
    size_t n = kids ? json_array_size(kids) : 0;
    if (n) {
        c->children = arena_calloc(a, n, sizeof(*c->children));
        for (size_t i = 0; i < n; i++) {
            const char *id = ju_text_id_value(a, json_array_get(kids, i));
            if (id)
                c->children[c->n_children++] = id;
        }
    }
}

/* Objects of an array, skipping elements that are not objects. */
static size_t count_objects(const json_t *arr)
{
    size_t n = 0;
    for (size_t i = 0; i < json_array_size(arr); i++)
        n += json_is_object(json_array_get(arr, i)) ? 1 : 0;
    return n;
}

static struct component *read_components(struct reader *r, const json_t *arr, size_t *out_n)
{
    size_t n = count_objects(arr);
    *out_n = 0;
    if (!n)
        return NULL;
    struct component *list = arena_calloc(r->a, n, sizeof(*list));
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *obj = json_array_get(arr, i);
        if (json_is_object(obj))
            read_component(r, obj, &list[(*out_n)++]);
    }
    return list;
}

/* ---- incidents and their updates --------------------------------------- */

static void read_changes(struct reader *r, const json_t *obj, struct incident_update *u)
{
    const json_t *arr = ju_get(obj, "affected_components");
    if (!arr || !json_is_array(arr))
        return;                 /* null (or junk): no list, as opposed to [] */
    u->has_changes = true;
    size_t n = count_objects(arr);
    if (!n)
        return;
    u->changes = arena_calloc(r->a, n, sizeof(*u->changes));
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *c = json_array_get(arr, i);
        if (!json_is_object(c))
            continue;
        struct component_change *ch = &u->changes[u->n_changes++];
        ch->id = ju_text_id(r->a, c, "code");
        ch->name = ju_text(r->a, c, "name", JU_MAX_LINE);
        ch->old_status = read_component_status(c, "old_status");
        ch->new_status = read_component_status(c, "new_status");
    }
}

static void read_update(struct reader *r, const json_t *obj, struct incident_update *u)
{
    struct arena *a = r->a;
    u->id = ju_text_id(a, obj, "id");
    u->status = incident_status_from_name(ju_string(obj, "status", NULL));
    u->body = ju_body(a, obj, "body", JU_MAX_BODY);
    u->incident_id = ju_text_id(a, obj, "incident_id");
    u->created_at = read_time(r, obj, "created_at");
    u->updated_at = read_time(r, obj, "updated_at");
    u->display_at = read_time(r, obj, "display_at");
    read_changes(r, obj, u);
    u->deliver_notifications = ju_bool(obj, "deliver_notifications", false);
}

static void read_incident(struct reader *r, const json_t *obj, struct incident *inc,
                          bool from_maintenances)
{
    struct arena *a = r->a;
    inc->id = ju_text_id(a, obj, "id");
    inc->name = ju_text(a, obj, "name", JU_MAX_LINE);
    inc->status = incident_status_from_name(ju_string(obj, "status", NULL));
    inc->created_at = read_time(r, obj, "created_at");
    inc->updated_at = read_time(r, obj, "updated_at");
    inc->monitoring_at = read_time(r, obj, "monitoring_at");
    inc->resolved_at = read_time(r, obj, "resolved_at");
    inc->impact = impact_from_name(ju_string(obj, "impact", NULL));
    inc->shortlink = ju_text(a, obj, "shortlink", JU_MAX_LINE);
    inc->started_at = read_time(r, obj, "started_at");
    inc->page_id = ju_text_id(a, obj, "page_id");
    inc->scheduled_for = read_time(r, obj, "scheduled_for");
    inc->scheduled_until = read_time(r, obj, "scheduled_until");
    inc->maintenance = from_maintenances || incident_status_is_maintenance(inc->status);

    const json_t *ups = ju_array(obj, "incident_updates");
    size_t n = ups ? count_objects(ups) : 0;
    if (n) {
        inc->updates = arena_calloc(a, n, sizeof(*inc->updates));
        for (size_t i = 0; i < json_array_size(ups); i++) {
            const json_t *u = json_array_get(ups, i);
            if (json_is_object(u))
                read_update(r, u, &inc->updates[inc->n_updates++]);
        }
    }
    const json_t *comps = ju_array(obj, "components");
    if (comps)
        inc->components = read_components(r, comps, &inc->n_components);
}

static struct incident *read_incidents(struct reader *r, const json_t *arr, bool maint,
                                       size_t *out_n)
{
    size_t n = count_objects(arr);
    *out_n = 0;
    if (!n)
        return NULL;
    struct incident *list = arena_calloc(r->a, n, sizeof(*list));
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *obj = json_array_get(arr, i);
        if (json_is_object(obj))
            read_incident(r, obj, &list[(*out_n)++], maint);
    }
    return list;
}

/* ---- page and status --------------------------------------------------- */

static void read_page(struct reader *r, const json_t *obj, struct page_info *p)
{
    struct arena *a = r->a;
    p->id = ju_text_id(a, obj, "id");
    p->name = ju_text(a, obj, "name", JU_MAX_LINE);
    p->url = ju_text(a, obj, "url", JU_MAX_LINE);
    p->time_zone = ju_text(a, obj, "time_zone", JU_MAX_ID);
    /* Zone-less times in this document are local to the page's zone. */
    r->zone = p->time_zone && tz_valid(p->time_zone) ? p->time_zone : NULL;
    p->updated_at = read_time(r, obj, "updated_at");
}

/* ---- the document ----------------------------------------------------- */

struct top_key {
    const char *key;
    unsigned part;
    bool is_array;
};

static const struct top_key top_keys[] = {
    {"page", SNAP_PAGE, false},
    {"status", SNAP_STATUS, false},
    {"components", SNAP_COMPONENTS, true},
    {"incidents", SNAP_INCIDENTS, true},
    {"scheduled_maintenances", SNAP_MAINTENANCES, true},
};

static unsigned required_part(enum sp_doc doc)
{
    switch (doc) {
    case SP_DOC_SUMMARY:
    case SP_DOC_COMPONENTS: return SNAP_COMPONENTS;
    case SP_DOC_STATUS: return SNAP_STATUS;
    case SP_DOC_INCIDENTS: return SNAP_INCIDENTS;
    case SP_DOC_MAINTENANCES: return SNAP_MAINTENANCES;
    case SP_DOC_AUTO:
    default: return 0;
    }
}

static const char *part_key(unsigned part)
{
    for (size_t i = 0; i < ARRAY_SIZE(top_keys); i++)
        if (top_keys[i].part == part)
            return top_keys[i].key;
    return "?";
}

/* Which known keys the document has (non-null, right type); an error for a
 * known key of the wrong type. */
static bool check_shape(struct reader *r, const json_t *root, enum sp_doc doc, unsigned *parts)
{
    *parts = 0;
    for (size_t i = 0; i < ARRAY_SIZE(top_keys); i++) {
        const json_t *v = ju_get(root, top_keys[i].key);
        if (!v || json_is_null(v))
            continue;
        bool ok = top_keys[i].is_array ? json_is_array(v) : json_is_object(v);
        if (!ok) {
            size_t mark = ju_path_key(&r->path, top_keys[i].key);
            ju_error_type(r->err, r->source, &r->path,
                          top_keys[i].is_array ? "an array" : "an object", v);
            ju_path_pop(&r->path, mark);
            return false;
        }
        *parts |= top_keys[i].part;
    }
    unsigned need = required_part(doc);
    if (need && !(*parts & need)) {
        od_error_set(r->err, OD_SHAPE, r->source, 0, 0,
                     "not a Statuspage %s document: no \"%s\" array", sp_doc_name(doc),
                     part_key(need));
        return false;
    }
    if (!(*parts & ~(unsigned)SNAP_PAGE)) {
        od_error_set(r->err, OD_SHAPE, r->source, 0, 0,
                     "not a Statuspage v2 document: none of status, components, incidents, "
                     "scheduled_maintenances");
        return false;
    }
    return true;
}

struct snapshot *sp_read(const char *body, size_t len, enum sp_doc doc, const char *source,
                         struct od_error *err)
{
    od_error_clear(err);
    struct ju_limits lim = {SP_MAX_BODY, SP_MAX_DEPTH};
    json_t *root = ju_load(body, len, &lim, source, err);
    if (!root)
        return NULL;

    struct reader r = {.source = source, .err = err};
    ju_path_init(&r.path);
    if (!json_is_object(root)) {
        ju_error_type(err, source, &r.path, "an object", root);
        json_decref(root);
        return NULL;
    }
    unsigned parts;
    if (!check_shape(&r, root, doc, &parts)) {
        json_decref(root);
        return NULL;
    }

    struct snapshot *s = snapshot_new();
    r.a = s->arena;
    s->parts = parts;
    if (parts & SNAP_PAGE)
        read_page(&r, ju_object(root, "page"), &s->page);
    if (parts & SNAP_STATUS) {
        const json_t *st = ju_object(root, "status");
        s->indicator = impact_from_name(ju_string(st, "indicator", NULL));
        s->indicator_description = ju_text(r.a, st, "description", JU_MAX_LINE);
    }
    if (parts & SNAP_COMPONENTS)
        s->components = read_components(&r, ju_array(root, "components"), &s->n_components);
    if (parts & SNAP_INCIDENTS)
        s->incidents = read_incidents(&r, ju_array(root, "incidents"), false, &s->n_incidents);
    if (parts & SNAP_MAINTENANCES)
        s->maintenances = read_incidents(&r, ju_array(root, "scheduled_maintenances"), true,
                                         &s->n_maintenances);
    json_decref(root);
    snapshot_sort(s);
    return s;
}
