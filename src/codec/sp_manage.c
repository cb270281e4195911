/* Statuspage management API v1 request builder: one JSON tree per request,
 * sent as JSON or as Rails-style form data. */
#include "opsdeck/sp_manage.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/xalloc.h"

size_t sp_manage_steps(const struct post *p)
{
    return p->kind == POST_COMPONENT ? p->n_components : 1;
}

static void put_time(json_t *o, const char *key, const struct od_time *t)
{
    char buf[48];
    time_format_rfc3339_utc(buf, sizeof(buf), t);
    json_object_set_new(o, key, json_string(buf));
}

static void put_components(json_t *inc, const struct post *p, bool with_ids)
{
    if (p->n_components == 0)
        return;
    json_t *map = json_object();
    json_t *ids = json_array();
    for (size_t i = 0; i < p->n_components; i++) {
        json_object_set_new(map, p->components[i].id,
                            json_string(component_status_name(p->components[i].status)));
        json_array_append_new(ids, json_string(p->components[i].id));
    }
    if (with_ids)
        json_object_set_new(inc, "component_ids", ids);
    else
        json_decref(ids);
    json_object_set_new(inc, "components", map);
}

/* The JSON payload of a step; *path gets the path below /v1/pages/{page}. */
static json_t *payload(const struct post *p, size_t step, char **path, char *method)
{
    json_t *root = json_object();
    json_t *inc = json_object();
    enum incident_status st = post_effective_status(p);
    char *id = NULL;
    switch (p->kind) {
    case POST_INCIDENT:
    case POST_MAINTENANCE:
        strcpy(method, "POST");
        *path = xstrdup("incidents");
        json_object_set_new(inc, "name", json_string(p->title));
        json_object_set_new(inc, "status", json_string(incident_status_name(st)));
        if (p->impact != IMPACT_UNKNOWN)
            json_object_set_new(inc, "impact_override", json_string(impact_name(p->impact)));
        if (p->message && *p->message)
            json_object_set_new(inc, "body", json_string(p->message));
        if (p->kind == POST_MAINTENANCE) {
            put_time(inc, "scheduled_for", &p->start);
            put_time(inc, "scheduled_until", &p->end);
            json_object_set_new(inc, "scheduled_remind_prior", json_false());
            json_object_set_new(inc, "scheduled_auto_in_progress", json_true());
            json_object_set_new(inc, "scheduled_auto_completed", json_true());
            bool comps = p->n_components > 0;
            json_object_set_new(inc, "auto_transition_to_maintenance_state", json_boolean(comps));
            json_object_set_new(inc, "auto_transition_to_operational_state", json_boolean(comps));
            json_object_set_new(inc, "auto_transition_deliver_notifications_at_start",
                                json_boolean(p->notify));
            json_object_set_new(inc, "auto_transition_deliver_notifications_at_end",
                                json_boolean(p->notify));
        }
        put_components(inc, p, true);
        json_object_set_new(inc, "deliver_notifications", json_boolean(p->notify));
        json_object_set_new(root, "incident", inc);
        break;
    case POST_UPDATE:
    case POST_RESOLVE:
        strcpy(method, "PATCH");
        id = post_url_escape(p->incident_id, false);
        *path = xasprintf("incidents/%s", id);
        json_object_set_new(inc, "status", json_string(incident_status_name(st)));
        if (p->message && *p->message)
            json_object_set_new(inc, "body", json_string(p->message));
        put_components(inc, p, false);
        json_object_set_new(inc, "deliver_notifications", json_boolean(p->notify));
        json_object_set_new(root, "incident", inc);
        break;
    case POST_COMPONENT:
    case POST__COUNT:
        json_decref(inc);
        strcpy(method, "PATCH");
        id = post_url_escape(p->components[step].id, false);
        *path = xasprintf("components/%s", id);
        json_t *comp = json_object();
        json_object_set_new(comp, "status",
                            json_string(component_status_name(p->components[step].status)));
        json_object_set_new(root, "component", comp);
        break;
    }
    free(id);
    return root;
}

enum od_status sp_manage_build(const struct post *p, size_t step, const char *base,
                               const char *page_id, enum post_encoding enc,
                               struct post_request *out, struct od_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!base || !*base)
        return od_error_set(err, OD_INVALID, p->feed, 0, 0,
                            "no management URL for feed %s", p->feed ? p->feed : "?");
    if (!page_id || !*page_id)
        return od_error_set(err, OD_INVALID, p->feed, 0, 0,
                            "feed %s has no page_id: the Statuspage management API needs "
                            "one (add \"page_id\" to the feed in the config)",
                            p->feed ? p->feed : "?");
    if (step >= sp_manage_steps(p))
        return od_error_set(err, OD_INVALID, p->feed, 0, 0, "no step %zu in this post", step);
    char *path = NULL;
    json_t *root = payload(p, step, &path, out->method);
    size_t blen = strlen(base);
    while (blen > 0 && base[blen - 1] == '/')
        blen--;
    char *page = post_url_escape(page_id, false);
    out->url = xasprintf("%.*s/v1/pages/%s/%s", (int)blen, base, page, path);
    free(page);
    free(path);
    if (enc == POST_ENC_FORM) {
        out->body = post_form_encode(root, &out->body_len);
        out->content_type = "application/x-www-form-urlencoded";
    } else {
        out->body = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
        out->body_len = out->body ? strlen(out->body) : 0;
        out->content_type = "application/json";
    }
    json_decref(root);
    if (!out->body) {
        post_request_free(out);
        return od_error_set(err, OD_NOMEM, NULL, 0, 0, "cannot encode the request");
    }
    out->auth_header = "Authorization";
    out->auth_scheme = "OAuth ";
    if (p->key[0]) {
        if (step == 0)
            snprintf(out->idempotency_key, sizeof(out->idempotency_key), "%s", p->key);
        else
            snprintf(out->idempotency_key, sizeof(out->idempotency_key), "%.47s-%zu", p->key, step);
    }
    out->creates = p->kind == POST_INCIDENT || p->kind == POST_MAINTENANCE ||
                   p->kind == POST_UPDATE || p->kind == POST_RESOLVE;
    return OD_OK;
}
