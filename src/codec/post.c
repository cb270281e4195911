/* The post model: kinds, validation, cleaning, JSON for drafts and the outbox. */
#include "opsdeck/post.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "opsdeck/text.h"
#include "opsdeck/xalloc.h"

static const struct {
    const char *name, *label;
} kinds[] = {
#define POST_KIND_ROW(id, name, label) {name, label},
    POST_KIND_INFO(POST_KIND_ROW)
#undef POST_KIND_ROW
};

const char *post_kind_name(enum post_kind k)
{
    return (unsigned)k < POST__COUNT ? kinds[k].name : "unknown";
}

const char *post_kind_label(enum post_kind k)
{
    return (unsigned)k < POST__COUNT ? kinds[k].label : "Unknown";
}

bool post_kind_from_name(const char *name, enum post_kind *out)
{
    for (unsigned k = 0; name && k < POST__COUNT; k++)
        if (strcmp(kinds[k].name, name) == 0) {
            *out = (enum post_kind)k;
            return true;
        }
    return false;
}

void post_init(struct post *p, enum post_kind kind)
{
    memset(p, 0, sizeof(*p));
    p->kind = kind;
    p->status = INC_UNKNOWN;
    p->impact = IMPACT_UNKNOWN;
    p->notify = true;
}

void post_free(struct post *p)
{
    if (!p)
        return;
    free(p->feed);
    free(p->incident_id);
    free(p->title);
    free(p->message);
    for (size_t i = 0; i < p->n_components; i++) {
        free(p->components[i].id);
        free(p->components[i].name);
    }
    free(p->components);
    p->feed = p->incident_id = p->title = p->message = NULL;
    p->components = NULL;
    p->n_components = 0;
}

void post_set(char **field, const char *value)
{
    char *old = *field;
    *field = value ? xstrdup(value) : NULL;
    free(old);
}

void post_add_component(struct post *p, const char *id, const char *name,
                        enum component_status status)
{
    for (size_t i = 0; i < p->n_components; i++)
        if (strcmp(p->components[i].id, id) == 0) {
            p->components[i].status = status;
            if (name)
                post_set(&p->components[i].name, name);
            return;
        }
    p->components = xreallocarray(p->components, p->n_components + 1, sizeof(*p->components));
    struct post_component *c = &p->components[p->n_components++];
    c->id = xstrdup(id);
    c->name = name ? xstrdup(name) : NULL;
    c->status = status;
}

void post_new_key(struct post *p)
{
    unsigned char raw[16];
    bool ok = false;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ok = read(fd, raw, sizeof(raw)) == (ssize_t)sizeof(raw);
        close(fd);
    }
    if (!ok) {
        /* no urandom: time, pid and a counter still make keys unique per host */
        static unsigned counter;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        unsigned long long v[2] = {(unsigned long long)ts.tv_sec * 1000000000ull +
                                       (unsigned long long)ts.tv_nsec,
                                   ((unsigned long long)getpid() << 32) | ++counter};
        memcpy(raw, v, sizeof(raw));
    }
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof(raw); i++) {
        p->key[2 * i] = hex[raw[i] >> 4];
        p->key[2 * i + 1] = hex[raw[i] & 15];
    }
    p->key[2 * sizeof(raw)] = '\0';
}

enum incident_status post_effective_status(const struct post *p)
{
    if (p->kind == POST_RESOLVE)
        return INC_RESOLVED;
    if (p->status != INC_UNKNOWN)
        return p->status;
    if (p->kind == POST_MAINTENANCE)
        return INC_SCHEDULED;
    return INC_INVESTIGATING;
}

bool post_status_allowed(enum post_kind kind, enum incident_status s)
{
    switch (kind) {
    case POST_INCIDENT:
    case POST_UPDATE:
        return s == INC_INVESTIGATING || s == INC_IDENTIFIED || s == INC_MONITORING ||
               s == INC_RESOLVED;
    case POST_RESOLVE:
        return s == INC_RESOLVED;
    case POST_MAINTENANCE:
        return s == INC_SCHEDULED || s == INC_IN_PROGRESS || s == INC_VERIFYING ||
               s == INC_COMPLETED;
    case POST_COMPONENT:
    case POST__COUNT:
        break;
    }
    return false;
}

static void clean_field(char **f, unsigned flags)
{
    if (!*f)
        return;
    char *c = text_sanitize(*f, strlen(*f), flags, 0);
    /* trim surrounding blanks and blank lines */
    size_t len = strlen(c);
    while (len > 0 && (c[len - 1] == ' ' || c[len - 1] == '\n'))
        c[--len] = '\0';
    size_t start = 0;
    while (c[start] == ' ' || c[start] == '\n')
        start++;
    memmove(c, c + start, len - start + 1);
    free(*f);
    *f = c;
}

void post_clean(struct post *p)
{
    clean_field(&p->title, TEXT_SINGLE_LINE);
    clean_field(&p->message, TEXT_KEEP_NEWLINES);
    for (size_t i = 0; i < p->n_components; i++)
        clean_field(&p->components[i].name, TEXT_SINGLE_LINE);
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static bool id_ok(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    if (n == 0 || n > POST_MAX_ID)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)id[i] <= 0x20 || (unsigned char)id[i] >= 0x7f || id[i] == '/')
            return false;
    return true;
}

static bool empty(const char *s)
{
    return !s || !*s;
}

enum od_status post_validate(struct post *p, struct od_error *err)
{
    if ((unsigned)p->kind >= POST__COUNT)
        return od_error_set(err, OD_INVALID, NULL, 0, 0, "unknown kind of post");
    post_clean(p);
    const char *kind = post_kind_name(p->kind);
    if (empty(p->feed))
        return od_error_set(err, OD_INVALID, NULL, 0, 0, "%s: no feed given", kind);
    bool needs_title = p->kind == POST_INCIDENT || p->kind == POST_MAINTENANCE;
    bool needs_incident = p->kind == POST_UPDATE || p->kind == POST_RESOLVE;
    if (needs_title && empty(p->title))
        return od_error_set(err, OD_INVALID, NULL, 0, 0, "%s: a title is required", kind);
    if (!needs_title && !empty(p->title))
        return od_error_set(err, OD_INVALID, NULL, 0, 0, "%s: takes no title", kind);
    if (p->title && utf8_chars(p->title) > POST_MAX_TITLE_CHARS)
        return od_error_set(err, OD_INVALID, NULL, 0, 0,
                            "%s: the title has %zu characters; the limit is %d", kind,
                            utf8_chars(p->title), POST_MAX_TITLE_CHARS);
    if (needs_incident && !id_ok(p->incident_id))
        return od_error_set(err, OD_INVALID, NULL, 0, 0,
                            "%s: an incident id is required (1 to %d printable characters, "
                            "no '/' or spaces)", kind, POST_MAX_ID);
    if (!needs_incident && p->incident_id)
        return od_error_set(err, OD_INVALID, NULL, 0, 0, "%s: takes no incident id", kind);
    if (p->message && utf8_chars(p->message) > POST_MAX_MESSAGE_CHARS)
        return od_error_set(err, OD_INVALID, NULL, 0, 0,
                            "%s: the message has %zu characters; the limit is %d", kind,
                            utf8_chars(p->message), POST_MAX_MESSAGE_CHARS);
    if (p->kind == POST_UPDATE && empty(p->message))
        return od_error_set(err, OD_INVALID, NULL, 0, 0, "update: a message is required");
    if (p->kind == POST_COMPONENT) {
        if (p->n_components == 0)
            return od_error_set(err, OD_INVALID, NULL, 0, 0,
                                "component: give at least one component and its new status");
        if (p->status != INC_UNKNOWN || !empty(p->message))
            return od_error_set(err, OD_INVALID, NULL, 0, 0,
                                "component: takes no status or message, only components");
    } else if (p->status != INC_UNKNOWN && !post_status_allowed(p->kind, p->status)) {
        return od_error_set(err, OD_INVALID, NULL, 0, 0,
                            "%s: status \"%s\" is not valid here (%s)", kind,
                            incident_status_name(p->status),
                            p->kind == POST_MAINTENANCE
                                ? "scheduled, in_progress, verifying or completed"
                            : p->kind == POST_RESOLVE
                                ? "resolve always sets resolved"
                                : "investigating, identified, monitoring or resolved");
    }
    if (p->n_components > POST_MAX_COMPONENTS)
        return od_error_set(err, OD_INVALID, NULL, 0, 0, "%s: more than %d components", kind,
                            POST_MAX_COMPONENTS);
    for (size_t i = 0; i < p->n_components; i++) {
        if (!id_ok(p->components[i].id))
            return od_error_set(err, OD_INVALID, NULL, 0, 0,
                                "%s: component %zu has no usable id", kind, i + 1);
        if (p->components[i].status == COMP_UNKNOWN)
            return od_error_set(err, OD_INVALID, NULL, 0, 0,
                                "%s: component %s needs a new status (operational, "
                                "degraded_performance, partial_outage, major_outage, "
                                "under_maintenance)", kind, p->components[i].id);
    }
    if (p->kind == POST_MAINTENANCE) {
        if (!p->start.valid || !p->end.valid)
            return od_error_set(err, OD_INVALID, NULL, 0, 0,
                                "maintenance: a start and an end are required");
        if (time_cmp(&p->start, &p->end) >= 0)
            return od_error_set(err, OD_INVALID, NULL, 0, 0,
                                "maintenance: the end must be after the start");
    } else if (p->start.valid || p->end.valid) {
        return od_error_set(err, OD_INVALID, NULL, 0, 0,
                            "%s: start and end are for maintenance only", kind);
    }
    if (p->impact == IMPACT_UNKNOWN)
        return OD_OK;
    if (p->kind == POST_COMPONENT)
        return od_error_set(err, OD_INVALID, NULL, 0, 0, "component: takes no impact");
    return OD_OK;
}

/* ---- JSON --------------------------------------------------------------- */

static void put_str(json_t *o, const char *key, const char *v)
{
    if (v)
        json_object_set_new(o, key, json_string(v));
}

static void put_time(json_t *o, const char *key, const struct od_time *t)
{
    if (!t->valid)
        return;
    char buf[48];
    time_format_rfc3339_utc(buf, sizeof(buf), t);
    json_object_set_new(o, key, json_string(buf));
}

json_t *post_to_json(const struct post *p)
{
    json_t *o = json_object();
    json_object_set_new(o, "kind", json_string(post_kind_name(p->kind)));
    put_str(o, "feed", p->feed);
    put_str(o, "incident_id", p->incident_id);
    put_str(o, "title", p->title);
    if (p->status != INC_UNKNOWN)
        json_object_set_new(o, "status", json_string(incident_status_name(p->status)));
    if (p->impact != IMPACT_UNKNOWN)
        json_object_set_new(o, "impact", json_string(impact_name(p->impact)));
    put_str(o, "message", p->message);
    json_t *a = json_array();
    for (size_t i = 0; i < p->n_components; i++) {
        json_t *c = json_object();
        put_str(c, "id", p->components[i].id);
        put_str(c, "name", p->components[i].name);
        json_object_set_new(c, "status",
                            json_string(component_status_name(p->components[i].status)));
        json_array_append_new(a, c);
    }
    json_object_set_new(o, "components", a);
    json_object_set_new(o, "notify", json_boolean(p->notify));
    put_time(o, "start", &p->start);
    put_time(o, "end", &p->end);
    if (p->key[0])
        json_object_set_new(o, "key", json_string(p->key));
    return o;
}

/* A string member or NULL; a present non-string is an error. */
static bool get_str(const json_t *o, const char *key, const char **out, struct od_error *err)
{
    const json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return true;
    if (!json_is_string(v)) {
        od_error_set(err, OD_SHAPE, NULL, 0, 0, "post.%s: expected a string", key);
        return false;
    }
    *out = json_string_value(v);
    return true;
}

enum od_status post_from_json(const json_t *o, struct post *out, struct od_error *err)
{
    const char *s;
    enum post_kind kind;
    post_init(out, POST_INCIDENT);
    if (!json_is_object(o))
        return od_error_set(err, OD_SHAPE, NULL, 0, 0, "post: expected an object");
    if (!get_str(o, "kind", &s, err))
        return OD_SHAPE;
    if (!post_kind_from_name(s, &kind))
        return od_error_set(err, OD_SHAPE, NULL, 0, 0, "post.kind: unknown kind");
    out->kind = kind;
    const char *sv;
    static const char *const keys[] = {"feed", "incident_id", "title", "message"};
    char **fields[] = {&out->feed, &out->incident_id, &out->title, &out->message};
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        if (!get_str(o, keys[i], &sv, err))
            goto fail;
        post_set(fields[i], sv);
    }
    if (!get_str(o, "status", &sv, err))
        goto fail;
    if (sv)
        out->status = incident_status_from_name(sv);
    if (!get_str(o, "impact", &sv, err))
        goto fail;
    if (sv)
        out->impact = impact_from_name(sv);
    const json_t *a = json_object_get(o, "components");
    if (a && !json_is_array(a)) {
        od_error_set(err, OD_SHAPE, NULL, 0, 0, "post.components: expected an array");
        goto fail;
    }
    size_t i;
    const json_t *c;
    json_array_foreach(a, i, c) {
        const char *id, *name, *st;
        if (!json_is_object(c) || !get_str(c, "id", &id, err) || !id ||
            !get_str(c, "name", &name, err) || !get_str(c, "status", &st, err)) {
            od_error_set(err, OD_SHAPE, NULL, 0, 0,
                         "post.components[%zu]: expected {id, name, status}", i);
            goto fail;
        }
        post_add_component(out, id, name, component_status_from_name(st));
    }
    const json_t *n = json_object_get(o, "notify");
    out->notify = n ? json_is_true(n) : true;
    if (!get_str(o, "start", &sv, err))
        goto fail;
    if (sv && !time_parse_rfc3339(sv, &out->start)) {
        od_error_set(err, OD_SHAPE, NULL, 0, 0, "post.start: expected an RFC 3339 time");
        goto fail;
    }
    if (!get_str(o, "end", &sv, err))
        goto fail;
    if (sv && !time_parse_rfc3339(sv, &out->end)) {
        od_error_set(err, OD_SHAPE, NULL, 0, 0, "post.end: expected an RFC 3339 time");
        goto fail;
    }
    if (!get_str(o, "key", &sv, err))
        goto fail;
    if (sv) {
        if (strlen(sv) >= sizeof(out->key)) {
            od_error_set(err, OD_SHAPE, NULL, 0, 0, "post.key: too long");
            goto fail;
        }
        strcpy(out->key, sv);
    }
    return OD_OK;
fail:
    post_free(out);
    return err ? err->code : OD_SHAPE;
}
