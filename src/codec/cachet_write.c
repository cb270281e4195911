/* Cachet v1 request builder and the "is it already there?" check for retries. */
#include "opsdeck/cachet_write.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/json_util.h"
#include "opsdeck/tz.h"
#include "opsdeck/xalloc.h"

int cachet_incident_status(enum incident_status s)
{
    switch (s) {
    case INC_INVESTIGATING: return 1;
    case INC_IDENTIFIED:    return 2;
    case INC_MONITORING:    return 3;
    case INC_RESOLVED:      return 4;
    default:                return -1;
    }
}

int cachet_schedule_status(enum incident_status s)
{
    switch (s) {
    case INC_SCHEDULED:   return 0;
    case INC_IN_PROGRESS:
    case INC_VERIFYING:   return 1;
    case INC_COMPLETED:   return 2;
    default:              return -1;
    }
}

int cachet_component_status(enum component_status s)
{
    switch (s) {
    case COMP_OPERATIONAL:          return 1;
    case COMP_DEGRADED_PERFORMANCE: return 2;
    case COMP_PARTIAL_OUTAGE:       return 3;
    case COMP_MAJOR_OUTAGE:         return 4;
    default:                        return -1;
    }
}

/* Components beyond the first ride in their own step (incident, update). */
size_t cachet_write_steps(const struct post *p)
{
    switch (p->kind) {
    case POST_COMPONENT:
        return p->n_components;
    case POST_MAINTENANCE:
        return 1;
    default:
        return p->n_components > 1 ? p->n_components : 1;
    }
}

static bool decimal(const char *s)
{
    if (!s || !*s || strlen(s) > 18)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

static void put_local(json_t *o, const char *key, const struct od_time *t, const char *zone)
{
    struct tz_local l;
    tz_localtime(zone, t->sec, &l);
    char buf[32];
    snprintf(buf, sizeof(buf), "%04d-%02d-%02d %02d:%02d", l.year, l.mon, l.day, l.hour, l.min);
    json_object_set_new(o, key, json_string(buf));
}

static void put_component(json_t *o, const struct post_component *c)
{
    json_object_set_new(o, "component_id", json_integer(strtoll(c->id, NULL, 10)));
    json_object_set_new(o, "component_status",
                        json_integer(cachet_component_status(c->status)));
}

static enum od_status check(const struct post *p, struct od_error *err)
{
    const char *feed = p->feed ? p->feed : "?";
    if (p->kind == POST_UPDATE || p->kind == POST_RESOLVE) {
        if (!decimal(p->incident_id))
            return od_error_set(err, OD_INVALID, feed, 0, 0,
                                "Cachet incident ids are numbers, not \"%s\"", p->incident_id);
    }
    if ((p->kind == POST_INCIDENT || p->kind == POST_UPDATE || p->kind == POST_MAINTENANCE) &&
        (!p->message || !*p->message))
        return od_error_set(err, OD_INVALID, feed, 0, 0, "Cachet requires a message");
    if (p->kind == POST_MAINTENANCE && p->n_components)
        return od_error_set(err, OD_INVALID, feed, 0, 0,
                            "Cachet schedules take no component statuses; "
                            "post a component change separately");
    if (p->kind == POST_MAINTENANCE &&
        cachet_schedule_status(post_effective_status(p)) < 0)
        return od_error_set(err, OD_INVALID, feed, 0, 0, "no Cachet schedule status for %s",
                            incident_status_name(post_effective_status(p)));
    if (p->kind != POST_MAINTENANCE && p->kind != POST_COMPONENT &&
        cachet_incident_status(post_effective_status(p)) < 0)
        return od_error_set(err, OD_INVALID, feed, 0, 0, "no Cachet incident status for %s",
                            incident_status_name(post_effective_status(p)));
    for (size_t i = 0; i < p->n_components; i++) {
        if (!decimal(p->components[i].id))
            return od_error_set(err, OD_INVALID, feed, 0, 0,
                                "Cachet component ids are numbers, not \"%s\"",
                                p->components[i].id);
        if (cachet_component_status(p->components[i].status) < 0)
            return od_error_set(err, OD_INVALID, feed, 0, 0,
                                "Cachet has no component status \"%s\" (use operational, "
                                "degraded_performance, partial_outage or major_outage)",
                                component_status_name(p->components[i].status));
    }
    return OD_OK;
}

static char *base_url(const char *base, const char *fmt_path)
{
    size_t blen = strlen(base);
    while (blen > 0 && base[blen - 1] == '/')
        blen--;
    return xasprintf("%.*s/api/v1/%s", (int)blen, base, fmt_path);
}

enum od_status cachet_write_build(const struct post *p, size_t step, const char *base,
                                  const char *time_zone, struct post_request *out,
                                  struct od_error *err)
{
    memset(out, 0, sizeof(*out));
    enum od_status st = check(p, err);
    if (st != OD_OK)
        return st;
    if (!base || !*base)
        return od_error_set(err, OD_INVALID, p->feed, 0, 0, "no URL for feed %s", p->feed);
    if (step >= cachet_write_steps(p))
        return od_error_set(err, OD_INVALID, p->feed, 0, 0, "no step %zu in this post", step);
    json_t *o = json_object();
    char *path;
    enum incident_status ist = post_effective_status(p);
    bool component_step = p->kind == POST_COMPONENT || step > 0;
    if (component_step) {
        const struct post_component *c = &p->components[step];
        strcpy(out->method, "PUT");
        path = xasprintf("components/%s", c->id);
        json_object_set_new(o, "status", json_integer(cachet_component_status(c->status)));
    } else if (p->kind == POST_MAINTENANCE) {
        strcpy(out->method, "POST");
        path = xstrdup("schedules");
        json_object_set_new(o, "name", json_string(p->title));
        json_object_set_new(o, "message", json_string(p->message));
        json_object_set_new(o, "status", json_integer(cachet_schedule_status(ist)));
        put_local(o, "scheduled_at", &p->start, time_zone);
        put_local(o, "completed_at", &p->end, time_zone);
        json_object_set_new(o, "notify", json_boolean(p->notify));
    } else if (p->kind == POST_INCIDENT) {
        strcpy(out->method, "POST");
        path = xstrdup("incidents");
        json_object_set_new(o, "name", json_string(p->title));
        json_object_set_new(o, "message", json_string(p->message));
        json_object_set_new(o, "status", json_integer(cachet_incident_status(ist)));
        json_object_set_new(o, "visible", json_integer(1));
        json_object_set_new(o, "notify", json_boolean(p->notify));
        if (p->n_components)
            put_component(o, &p->components[0]);
    } else {
        strcpy(out->method, "POST");
        path = xasprintf("incidents/%s/updates", p->incident_id);
        json_object_set_new(o, "status", json_integer(cachet_incident_status(ist)));
        json_object_set_new(o, "message",
                            json_string(p->message && *p->message ? p->message : "Resolved."));
        if (p->n_components)
            put_component(o, &p->components[0]);
    }
    out->url = base_url(base, path);
    free(path);
    out->body = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!out->body) {
        post_request_free(out);
        return od_error_set(err, OD_NOMEM, NULL, 0, 0, "cannot encode the request");
    }
    out->body_len = strlen(out->body);
    out->content_type = "application/json";
    out->auth_header = "X-Cachet-Token";
    out->auth_scheme = "";
    out->creates = !component_step;
    return OD_OK;
}

char *cachet_write_check_url(const struct post *p, size_t step, const char *base)
{
    if (p->kind == POST_COMPONENT || step > 0)
        return NULL;
    char *url = NULL, *path = NULL;
    if (p->kind == POST_INCIDENT || p->kind == POST_MAINTENANCE) {
        char *name = post_url_escape(p->title, true);
        path = xasprintf("%s?name=%s&sort=id&order=desc&per_page=50",
                         p->kind == POST_INCIDENT ? "incidents" : "schedules", name);
        free(name);
    } else {
        path = xasprintf("incidents/%s/updates?sort=id&order=desc&per_page=50", p->incident_id);
    }
    url = base_url(base, path);
    free(path);
    return url;
}

/* Compare texts ignoring surrounding blanks and \r (servers trim and may
 * normalise line ends). */
static bool same_text(const char *a, const char *b)
{
    if (!a || !b)
        return (!a || !*a) && (!b || !*b);
    while (*a == ' ' || *a == '\n' || *a == '\r' || *a == '\t')
        a++;
    while (*b == ' ' || *b == '\n' || *b == '\r' || *b == '\t')
        b++;
    for (;;) {
        while (*a == '\r')
            a++;
        while (*b == '\r')
            b++;
        if (!*a || !*b)
            break;
        if (*a != *b)
            return false;
        a++;
        b++;
    }
    for (; *a; a++)
        if (!strchr(" \n\r\t", *a))
            return false;
    for (; *b; b++)
        if (!strchr(" \n\r\t", *b))
            return false;
    return true;
}

bool cachet_write_check_match(const struct post *p, size_t step, const char *body, size_t len)
{
    if (p->kind == POST_COMPONENT || step > 0 || !body || len > (64u << 20))
        return false;
    json_t *root = json_loadb(body, len, 0, NULL);
    const json_t *data = json_object_get(root, "data");
    bool found = false;
    size_t i;
    const json_t *it;
    json_array_foreach(data, i, it) {
        const char *msg = json_string_value(json_object_get(it, "message"));
        if (p->kind == POST_UPDATE || p->kind == POST_RESOLVE) {
            int64_t st = -1;
            ju_int(it, "status", &st);  /* Cachet sends numbers or strings of digits */
            const char *want = p->message && *p->message ? p->message : "Resolved.";
            found = st == cachet_incident_status(post_effective_status(p)) &&
                    same_text(msg, want);
        } else {
            const char *name = json_string_value(json_object_get(it, "name"));
            found = name && p->title && strcmp(name, p->title) == 0 && same_text(msg, p->message);
        }
        if (found)
            break;
    }
    json_decref(root);
    return found;
}
