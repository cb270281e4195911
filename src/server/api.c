/* The management API: routing, auth, write transactions, idempotency. */
#include "opsdeck/srv_api.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "opsdeck/clock.h"
#include "opsdeck/sp_codec.h"
#include "opsdeck/srv_input.h"
#include "opsdeck/srv_sha256.h"
#include "opsdeck/xalloc.h"

struct srv_app {
    struct store *st;
    srv_publish_fn publish;
    void *ud;
    pthread_mutex_t write_lock;     /* one write at a time */
    unsigned long generation;       /* commits so far (under write_lock) */
};

void srv_reply_free(struct srv_reply *reply)
{
    free(reply->body);
    reply->body = NULL;
    reply->len = 0;
}

static void reply_json(struct srv_reply *reply, int status, json_t *v)
{
    free(reply->body);
    reply->status = status;
    reply->body = json_dumps(v, JSON_COMPACT);
    if (!reply->body)
        reply->body = xstrdup("{}");
    reply->len = strlen(reply->body);
}

void srv_reply_error(struct srv_reply *reply, int status, const char *key, const char *text)
{
    json_t *o = json_pack("{s:s}", key ? key : "message", text);
    reply_json(reply, status, o);
    json_decref(o);
}

static void publish_from(struct srv_app *app, struct snapshot *model, unsigned long generation)
{
    struct srv_docs *docs = srv_docs_build(model);
    docs->generation = generation;
    app->publish(app->ud, docs);
}

struct srv_app *srv_app_new(struct store *st, srv_publish_fn publish, void *ud,
                            struct od_error *err)
{
    struct snapshot *model = store_load(st, err);
    if (!model)
        return NULL;
    struct srv_app *app = xcalloc(1, sizeof(*app));
    app->st = st;
    app->publish = publish;
    app->ud = ud;
    pthread_mutex_init(&app->write_lock, NULL);
    publish_from(app, model, 0);
    return app;
}

void srv_app_free(struct srv_app *app)
{
    if (!app)
        return;
    pthread_mutex_destroy(&app->write_lock);
    free(app);
}

const char *srv_request_token(const struct srv_request *req, size_t *len)
{
    const char *a = req->authorization;
    if (a) {
        while (*a == ' ')
            a++;
        size_t scheme = strcspn(a, " ");
        if ((scheme == 5 && !strncasecmp(a, "OAuth", 5)) ||
            (scheme == 6 && !strncasecmp(a, "Bearer", 6))) {
            a += scheme;
            while (*a == ' ')
                a++;
            *len = strcspn(a, " \t");
            return *len ? a : NULL;
        }
        return NULL;
    }
    if (req->api_key && req->api_key[0]) {
        *len = strlen(req->api_key);
        return req->api_key;
    }
    return NULL;
}

static bool authenticate(struct srv_app *app, const struct srv_request *req, char *name,
                         size_t size)
{
    size_t len = 0;
    const char *tok = srv_request_token(req, &len);
    char buf[128];
    if (!tok || len >= sizeof(buf))
        return false;
    memcpy(buf, tok, len);
    buf[len] = '\0';
    return store_token_check(app->st, buf, name, size);
}

/* ---- JSON objects in the v1 shape (the v2 writer's objects) ------------- */

static json_t *first_of(const char *doc, size_t len, const char *key)
{
    json_t *root = json_loadb(doc, len, 0, NULL);
    json_t *v = json_incref(json_array_get(json_object_get(root, key), 0));
    json_decref(root);
    return v;
}

static json_t *incident_json(const struct snapshot *model, const struct incident *inc)
{
    struct snapshot view = *model;
    view.parts = SNAP_INCIDENTS;
    view.incidents = (struct incident *)inc;
    view.n_incidents = 1;
    size_t len;
    char *doc = sp_write(&view, SP_DOC_INCIDENTS, &len);
    json_t *v = first_of(doc, len, "incidents");
    free(doc);
    return v ? v : json_object();
}

static json_t *component_json(const struct snapshot *model, const struct component *c)
{
    struct snapshot view = *model;
    view.parts = SNAP_COMPONENTS;
    view.components = (struct component *)c;
    view.n_components = 1;
    size_t len;
    char *doc = sp_write(&view, SP_DOC_COMPONENTS, &len);
    json_t *v = first_of(doc, len, "components");
    free(doc);
    return v ? v : json_object();
}

static const struct incident *find_any(const struct snapshot *s, const char *id)
{
    for (size_t i = 0; i < s->n_incidents; i++)
        if (!strcmp(s->incidents[i].id, id))
            return &s->incidents[i];
    for (size_t i = 0; i < s->n_maintenances; i++)
        if (!strcmp(s->maintenances[i].id, id))
            return &s->maintenances[i];
    return NULL;
}

/* ---- routes ------------------------------------------------------------- */

enum route { R_NONE, R_INCIDENTS, R_UNRESOLVED, R_INCIDENT, R_COMPONENTS, R_COMPONENT };

struct target {
    enum route route;
    char id[80];
};

static void reply_od_error(struct srv_reply *reply, const struct od_error *err)
{
    int status = err->code == OD_NOTFOUND ? 404 : err->code == OD_INVALID ? 422 : 500;
    srv_reply_error(reply, status, "message", err->text[0] ? err->text : od_status_message(err->code));
}

static void list_incidents(struct srv_app *app, bool unresolved, struct srv_reply *reply)
{
    struct od_error err;
    struct snapshot *m = store_load(app->st, &err);
    if (!m) {
        reply_od_error(reply, &err);
        return;
    }
    json_t *arr = json_array();
    for (int kind = 0; kind < 2; kind++) {
        const struct incident *list = kind ? m->maintenances : m->incidents;
        size_t n = kind ? m->n_maintenances : m->n_incidents;
        for (size_t i = 0; i < n && json_array_size(arr) < 100; i++) {
            if (unresolved && (kind || !incident_status_is_open(list[i].status)))
                continue;
            json_array_append_new(arr, incident_json(m, &list[i]));
        }
    }
    reply_json(reply, 200, arr);
    json_decref(arr);
    snapshot_free(m);
}

static void get_one(struct srv_app *app, const struct target *t, struct srv_reply *reply)
{
    struct od_error err;
    struct snapshot *m = store_load(app->st, &err);
    if (!m) {
        reply_od_error(reply, &err);
        return;
    }
    json_t *v = NULL;
    if (t->route == R_COMPONENTS) {
        v = json_array();
        for (size_t i = 0; i < m->n_components; i++)
            json_array_append_new(v, component_json(m, &m->components[i]));
    } else if (t->route == R_COMPONENT) {
        const struct component *c = snapshot_find_component(m, t->id);
        v = c ? component_json(m, c) : NULL;
    } else {
        const struct incident *inc = find_any(m, t->id);
        v = inc ? incident_json(m, inc) : NULL;
    }
    if (v)
        reply_json(reply, 200, v);
    else
        srv_reply_error(reply, 404, "message", t->route == R_COMPONENT ? "no such component"
                                                                       : "no such incident");
    json_decref(v);
    snapshot_free(m);
}

/* A fingerprint of the request, so a key reused for another request is refused. */
static char *request_signature(const struct srv_request *req)
{
    uint8_t h[SHA256_LEN];
    char hex[2 * SHA256_LEN + 1];
    sha256(req->body ? req->body : "", req->body ? req->body_len : 0, h);
    hex_encode(h, SHA256_LEN, hex);
    return xasprintf("%s %s %s", req->method, req->path, hex);
}

enum write_op { W_INCIDENT_CREATE, W_INCIDENT_UPDATE, W_INCIDENT_DELETE,
                W_COMPONENT_CREATE, W_COMPONENT_UPDATE };

struct write_input {
    struct srv_incident_input inc;
    struct srv_component_input comp;
};

/* Inside the transaction: the write, then the reply built from the new model. */
static int do_write(struct srv_app *app, enum write_op op, const struct target *t,
                    const struct write_input *in, const char *actor, struct snapshot **model,
                    struct srv_reply *reply, struct od_error *err)
{
    int64_t now = clock_wall_ms();
    char id[sizeof(t->id)];
    json_t *deleted = NULL;
    int rc;
    switch (op) {
    case W_INCIDENT_CREATE:
        rc = store_incident_create(app->st, &in->inc, actor, now, id, err);
        break;
    case W_INCIDENT_UPDATE:
        rc = store_incident_update(app->st, t->id, &in->inc, actor, now, err);
        snprintf(id, sizeof(id), "%s", t->id);
        break;
    case W_COMPONENT_CREATE:
        rc = store_component_create(app->st, &in->comp, actor, now, id, err);
        break;
    case W_COMPONENT_UPDATE:
        rc = store_component_update(app->st, t->id, &in->comp, actor, now, err);
        snprintf(id, sizeof(id), "%s", t->id);
        break;
    default: {
        struct snapshot *before = store_load(app->st, err);
        const struct incident *inc = before ? find_any(before, t->id) : NULL;
        deleted = inc ? incident_json(before, inc) : NULL;
        snapshot_free(before);
        rc = store_incident_delete(app->st, t->id, err);
        break;
    }
    }
    if (rc != OD_OK) {
        json_decref(deleted);
        return rc;
    }
    *model = store_load(app->st, err);
    if (!*model) {
        json_decref(deleted);
        return OD_IO;
    }
    json_t *v = deleted;
    if (op == W_COMPONENT_CREATE || op == W_COMPONENT_UPDATE) {
        v = component_json(*model, snapshot_find_component(*model, id));
    } else if (!v) {
        const struct incident *inc = find_any(*model, id);
        v = inc ? incident_json(*model, inc) : json_object();
    }
    reply_json(reply, op == W_INCIDENT_CREATE || op == W_COMPONENT_CREATE ? 201 : 200, v);
    json_decref(v);
    return OD_OK;
}

static void write_request(struct srv_app *app, const struct srv_request *req, enum write_op op,
                          const struct target *t, struct srv_reply *reply)
{
    char msg[512];
    struct write_input in;
    memset(&in, 0, sizeof(in));
    const char *key = req->idempotency_key;
    if (key && (strlen(key) == 0 || strlen(key) > STORE_IDEM_KEY_MAX)) {
        srv_reply_error(reply, 422, "message", "Idempotency-Key must be 1 to 255 characters");
        return;
    }
    if (op != W_INCIDENT_DELETE) {
        int http = 400;
        json_t *root = srv_body_parse(req->content_type, req->body, req->body_len, &http, msg,
                                      sizeof(msg));
        if (!root) {
            srv_reply_error(reply, http, "message", msg);
            return;
        }
        int rc = op == W_COMPONENT_CREATE || op == W_COMPONENT_UPDATE
                     ? srv_component_input_parse(root, op == W_COMPONENT_CREATE, &in.comp, msg,
                                                 sizeof(msg))
                     : srv_incident_input_parse(root, op == W_INCIDENT_CREATE, &in.inc, msg,
                                                sizeof(msg));
        json_decref(root);
        if (rc < 0) {
            srv_reply_error(reply, 422, "message", msg);
            return;
        }
    }
    char *sig = key ? request_signature(req) : NULL;
    struct od_error err;
    od_error_clear(&err);
    struct snapshot *model = NULL;
    unsigned long generation;
    pthread_mutex_lock(&app->write_lock);
    if (store_begin(app->st, &err) != OD_OK) {
        reply_od_error(reply, &err);
        goto out;
    }
    if (key) {
        int status;
        char *body = NULL, *stored_sig = NULL;
        if (store_idem_get(app->st, reply->actor, key, &status, &body, &stored_sig) == 1) {
            store_rollback(app->st);
            if (strcmp(stored_sig, sig) != 0) {
                srv_reply_error(reply, 422, "message", "Idempotency-Key was already used for a "
                                                       "different request");
                free(body);
            } else {
                free(reply->body);
                reply->status = status;
                reply->body = body;
                reply->len = strlen(body);
                reply->replayed = true;
            }
            free(stored_sig);
            goto out;
        }
    }
    if (do_write(app, op, t, &in, reply->actor, &model, reply, &err) != OD_OK ||
        (key && store_idem_put(app->st, reply->actor, key, sig, reply->status, reply->body,
                               clock_wall_ms()) != OD_OK)) {
        store_rollback(app->st);
        if (err.code == OD_OK)
            od_error_set(&err, OD_IO, NULL, 0, 0, "could not record the Idempotency-Key");
        reply_od_error(reply, &err);
        snapshot_free(model);
        model = NULL;
        goto out;
    }
    if (store_commit(app->st, &err) != OD_OK) {
        reply_od_error(reply, &err);
        snapshot_free(model);
        goto out;
    }
    generation = ++app->generation;
    pthread_mutex_unlock(&app->write_lock);
    publish_from(app, model, generation);
    goto done;
out:
    pthread_mutex_unlock(&app->write_lock);
done:
    free(sig);
    srv_incident_input_free(&in.inc);
    srv_component_input_free(&in.comp);
}

/* "/v1/pages/{page}/{rest}" → page id and target; 0 on success, else 404. */
static int parse_path(const char *path, char *page, size_t page_size, struct target *t)
{
    static const char prefix[] = "/v1/pages/";
    memset(t, 0, sizeof(*t));
    if (strncmp(path, prefix, sizeof(prefix) - 1) != 0)
        return -1;
    const char *p = path + sizeof(prefix) - 1;
    size_t n = strcspn(p, "/");
    if (n == 0 || n >= page_size)
        return -1;
    memcpy(page, p, n);
    page[n] = '\0';
    p += n;
    if (*p != '/')
        return -1;
    p++;
    char rest[160];
    size_t len = strlen(p);
    if (len >= sizeof(rest))
        return -1;
    memcpy(rest, p, len + 1);
    if (len > 5 && !strcmp(rest + len - 5, ".json"))      /* both forms are in use */
        rest[len - 5] = '\0';
    char *slash = strchr(rest, '/');
    const char *id = slash ? slash + 1 : NULL;
    if (slash)
        *slash = '\0';
    if (id && (!*id || strchr(id, '/') || strlen(id) >= sizeof(t->id)))
        return -1;
    if (!strcmp(rest, "incidents")) {
        t->route = !id ? R_INCIDENTS : !strcmp(id, "unresolved") ? R_UNRESOLVED : R_INCIDENT;
    } else if (!strcmp(rest, "components")) {
        t->route = id ? R_COMPONENT : R_COMPONENTS;
    } else {
        return -1;
    }
    if (id)
        snprintf(t->id, sizeof(t->id), "%s", id);
    return 0;
}

void srv_app_handle(struct srv_app *app, const struct srv_request *req, struct srv_reply *reply)
{
    memset(reply, 0, sizeof(*reply));
    char page[80];
    struct target t;
    if (!authenticate(app, req, reply->actor, sizeof(reply->actor))) {
        reply->actor[0] = '\0';
        srv_reply_error(reply, 401, "error", "Could not authenticate");
        return;
    }
    struct store_page sp;
    store_page(app->st, &sp);
    if (parse_path(req->path, page, sizeof(page), &t) < 0) {
        srv_reply_error(reply, 404, "message", "no such endpoint (see opsdeckd(8) for the API)");
        return;
    }
    if (strcmp(page, sp.id) != 0) {
        char text[200];
        snprintf(text, sizeof(text), "no page '%.80s' here (this server's page id is %s)", page,
                 sp.id);
        srv_reply_error(reply, 404, "message", text);
        return;
    }
    const char *m = req->method;
    bool get = !strcmp(m, "GET") || !strcmp(m, "HEAD");
    switch (t.route) {
    case R_INCIDENTS:
        if (get)
            {
                list_incidents(app, false, reply);
                return;
            }
        if (!strcmp(m, "POST"))
            {
                write_request(app, req, W_INCIDENT_CREATE, &t, reply);
                return;
            }
        reply->allow = "GET, HEAD, POST";
        break;
    case R_UNRESOLVED:
        if (get)
            {
                list_incidents(app, true, reply);
                return;
            }
        reply->allow = "GET, HEAD";
        break;
    case R_INCIDENT:
        if (get)
            {
                get_one(app, &t, reply);
                return;
            }
        if (!strcmp(m, "PATCH") || !strcmp(m, "PUT"))
            {
                write_request(app, req, W_INCIDENT_UPDATE, &t, reply);
                return;
            }
        if (!strcmp(m, "DELETE"))
            {
                write_request(app, req, W_INCIDENT_DELETE, &t, reply);
                return;
            }
        reply->allow = "GET, HEAD, PATCH, PUT, DELETE";
        break;
    case R_COMPONENTS:
        if (get)
            {
                get_one(app, &t, reply);
                return;
            }
        if (!strcmp(m, "POST"))
            {
                write_request(app, req, W_COMPONENT_CREATE, &t, reply);
                return;
            }
        reply->allow = "GET, HEAD, POST";
        break;
    case R_COMPONENT:
        if (get)
            {
                get_one(app, &t, reply);
                return;
            }
        if (!strcmp(m, "PATCH") || !strcmp(m, "PUT"))
            {
                write_request(app, req, W_COMPONENT_UPDATE, &t, reply);
                return;
            }
        reply->allow = "GET, HEAD, PATCH, PUT";
        break;
    default:
        break;
    }
    char text[128];
    snprintf(text, sizeof(text), "method %.16s not allowed here; allowed: %s", m, reply->allow);
    srv_reply_error(reply, 405, "message", text);
}
