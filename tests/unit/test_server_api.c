/* opsdeckd's management API without HTTP: auth, routing, 404/405/415/422,
 * Idempotency-Key, and that a write publishes new read documents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>

#include "opsdeck/srv_api.h"
#include "opsdeck/srv_http.h"
#include <netinet/in.h>
#include "server_fixture.h"

struct world {
    struct fixture *f;
    struct srv_app *app;
    struct srv_docs *docs;      /* the latest published */
    int published;
    char token[64];
};

static void on_publish(void *ud, struct srv_docs *docs)
{
    struct world *w = ud;
    srv_docs_free(w->docs);
    w->docs = docs;
    w->published++;
}

static int setup(void **state)
{
    struct world *w = calloc(1, sizeof(*w));
    w->f = fixture_new();
    fixture_import_demo(w->f, 1780000000);
    struct od_error err;
    assert_int_equal(store_token_add(w->f->st, "ci", w->token, sizeof(w->token), &err), OD_OK);
    w->app = srv_app_new(w->f->st, on_publish, w, &err);
    assert_non_null(w->app);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    struct world *w = *state;
    srv_app_free(w->app);
    srv_docs_free(w->docs);
    fixture_free(w->f);
    free(w);
    return 0;
}

static int call(struct world *w, const char *method, const char *path, const char *body,
                const char *key, struct srv_reply *r)
{
    char auth[96];
    snprintf(auth, sizeof(auth), "OAuth %s", w->token);
    struct srv_request req = {
        .method = method, .path = path, .authorization = auth,
        .content_type = "application/json", .idempotency_key = key,
        .body = body ? body : "", .body_len = body ? strlen(body) : 0,
    };
    srv_app_handle(w->app, &req, r);
    return r->status;
}

static const char *field(const struct srv_reply *r, const char *key, char *buf, size_t size)
{
    json_t *v = json_loadb(r->body, r->len, 0, NULL);
    const json_t *f = json_object_get(v, key);
    snprintf(buf, size, "%s", json_is_string(f) ? json_string_value(f) : "");
    json_decref(v);
    return buf;
}

#define P "/v1/pages/mx2016demo01"

static void test_auth(void **state)
{
    struct world *w = *state;
    struct srv_reply r;
    struct srv_request req = {.method = "GET", .path = P "/incidents"};
    srv_app_handle(w->app, &req, &r);
    assert_int_equal(r.status, 401);
    assert_string_equal(r.body, "{\"error\":\"Could not authenticate\"}");
    srv_reply_free(&r);
    req.authorization = "OAuth odk_0000";
    srv_app_handle(w->app, &req, &r);
    assert_int_equal(r.status, 401);
    srv_reply_free(&r);
    char auth[96];
    snprintf(auth, sizeof(auth), "Bearer   %s", w->token);
    req.authorization = auth;
    srv_app_handle(w->app, &req, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.actor, "ci");
    srv_reply_free(&r);
    req.authorization = NULL;
    req.api_key = w->token;
    srv_app_handle(w->app, &req, &r);
    assert_int_equal(r.status, 200);
    srv_reply_free(&r);
    /* a header with another scheme does not fall back to api_key */
    req.authorization = "Basic abc";
    srv_app_handle(w->app, &req, &r);
    assert_int_equal(r.status, 401);
    srv_reply_free(&r);
}

static void test_routes(void **state)
{
    struct world *w = *state;
    struct srv_reply r;
    char buf[256];
    assert_int_equal(call(w, "GET", "/v1/pages/other/incidents", NULL, NULL, &r), 404);
    assert_non_null(strstr(field(&r, "message", buf, sizeof(buf)),
                           "this server's page id is mx2016demo01"));
    srv_reply_free(&r);
    assert_int_equal(call(w, "GET", P "/pages", NULL, NULL, &r), 404);
    srv_reply_free(&r);
    assert_int_equal(call(w, "GET", P "/incidents/a/b", NULL, NULL, &r), 404);
    srv_reply_free(&r);
    assert_int_equal(call(w, "DELETE", P "/components", NULL, NULL, &r), 405);
    assert_string_equal(r.allow, "GET, HEAD, POST");
    srv_reply_free(&r);
    assert_int_equal(call(w, "POST", P "/incidents/unresolved", "{}", NULL, &r), 405);
    srv_reply_free(&r);
    assert_int_equal(call(w, "GET", P "/incidents/i3disk052316.json", NULL, NULL, &r), 200);
    assert_string_equal(field(&r, "name", buf, sizeof(buf)), "I-3 hosted email");
    srv_reply_free(&r);
    assert_int_equal(call(w, "GET", P "/components/i3mailsrv001", NULL, NULL, &r), 200);
    assert_string_equal(field(&r, "status", buf, sizeof(buf)), "major_outage");
    srv_reply_free(&r);
    assert_int_equal(call(w, "GET", P "/incidents/nosuchincid1", NULL, NULL, &r), 404);
    srv_reply_free(&r);
}

static void test_write_publishes(void **state)
{
    struct world *w = *state;
    struct srv_reply r;
    char id[64], buf[64];
    int before = w->published;
    unsigned long gen = w->docs->generation;
    char etag[48];
    snprintf(etag, sizeof(etag), "%s", w->docs->doc[SRV_DOC_SUMMARY].etag);
    assert_int_equal(call(w, "POST", P "/incidents",
                          "{\"incident\":{\"name\":\"New\",\"body\":\"b\","
                          "\"components\":{\"arcjournal01\":\"major_outage\"}}}", NULL, &r), 201);
    field(&r, "id", id, sizeof(id));
    assert_int_equal(strlen(id), STORE_ID_LEN);
    assert_string_equal(field(&r, "impact", buf, sizeof(buf)), "critical");
    srv_reply_free(&r);
    assert_int_equal(w->published, before + 1);
    assert_int_equal(w->docs->generation, gen + 1);     /* commit order for the publisher */
    assert_string_not_equal(etag, w->docs->doc[SRV_DOC_SUMMARY].etag);
    assert_non_null(snapshot_find_incident(w->docs->model, id));
    /* a failed write publishes nothing */
    assert_int_equal(call(w, "PATCH", P "/incidents/nosuchincid1", "{\"incident\":{\"body\":\"x\"}}",
                          NULL, &r), 404);
    srv_reply_free(&r);
    assert_int_equal(call(w, "POST", P "/incidents", "{\"incident\":{\"name\":\"x\","
                          "\"status\":\"nope\"}}", NULL, &r), 422);
    srv_reply_free(&r);
    struct srv_request req = {.method = "POST", .path = P "/incidents", .api_key = w->token,
                              .content_type = "text/csv", .body = "a,b", .body_len = 3};
    srv_app_handle(w->app, &req, &r);
    assert_int_equal(r.status, 415);
    srv_reply_free(&r);
    assert_int_equal(w->published, before + 1);
    char path[128];
    snprintf(path, sizeof(path), P "/incidents/%s", id);
    assert_int_equal(call(w, "DELETE", path, NULL, NULL, &r), 200);
    assert_string_equal(field(&r, "id", buf, sizeof(buf)), id);
    srv_reply_free(&r);
    assert_null(snapshot_find_incident(w->docs->model, id));
}

static void test_idempotency(void **state)
{
    struct world *w = *state;
    struct srv_reply r1, r2, r3;
    const char *body = "{\"incident\":{\"body\":\"once only\"}}";
    long before = store_count(w->f->st, "incident_updates");
    assert_int_equal(call(w, "PATCH", P "/incidents/i3disk052316", body, "key-1", &r1), 200);
    assert_false(r1.replayed);
    assert_int_equal(call(w, "PATCH", P "/incidents/i3disk052316", body, "key-1", &r2), 200);
    assert_true(r2.replayed);
    assert_string_equal(r1.body, r2.body);
    assert_int_equal(store_count(w->f->st, "incident_updates"), before + 1);
    assert_int_equal(call(w, "PATCH", P "/incidents/i3disk052316",
                          "{\"incident\":{\"body\":\"other\"}}", "key-1", &r3), 422);
    srv_reply_free(&r3);
    char longkey[300];
    memset(longkey, 'k', sizeof(longkey) - 1);
    longkey[sizeof(longkey) - 1] = '\0';
    assert_int_equal(call(w, "PATCH", P "/incidents/i3disk052316", body, longkey, &r3), 422);
    srv_reply_free(&r3);
    /* a failed write stores no key: the retry is tried afresh */
    assert_int_equal(call(w, "PATCH", P "/incidents/nosuchincid1", body, "key-2", &r3), 404);
    srv_reply_free(&r3);
    assert_int_equal(call(w, "PATCH", P "/incidents/i3disk052316", body, "key-2", &r3), 200);
    assert_false(r3.replayed);
    srv_reply_free(&r1);
    srv_reply_free(&r2);
    srv_reply_free(&r3);
}

static void test_token_of_request(void **state)
{
    (void)state;
    size_t len = 0;
    struct srv_request req = {.authorization = "oauth  abc def"};
    const char *t = srv_request_token(&req, &len);
    assert_non_null(t);
    assert_int_equal(len, 3);
    assert_memory_equal(t, "abc", 3);
    req.authorization = "OAuth";
    assert_null(srv_request_token(&req, &len));
    req.authorization = NULL;
    req.api_key = "";
    assert_null(srv_request_token(&req, &len));
}

static void test_parse_listen(void **state)
{
    (void)state;
    struct sockaddr_storage ss;
    socklen_t len;
    assert_int_equal(srv_parse_listen("127.0.0.1:8931", &ss, &len), 0);
    assert_int_equal(ss.ss_family, AF_INET);
    assert_int_equal(ntohs(((struct sockaddr_in *)&ss)->sin_port), 8931);
    assert_int_equal(srv_parse_listen("0.0.0.0:0", &ss, &len), 0);
    assert_int_equal(srv_parse_listen("[::1]:80", &ss, &len), 0);
    assert_int_equal(ss.ss_family, AF_INET6);
    assert_int_equal(len, sizeof(struct sockaddr_in6));
    assert_int_equal(srv_parse_listen("localhost:80", &ss, &len), -1);
    assert_int_equal(srv_parse_listen("127.0.0.1", &ss, &len), -1);
    assert_int_equal(srv_parse_listen("127.0.0.1:", &ss, &len), -1);
    assert_int_equal(srv_parse_listen("127.0.0.1:65536", &ss, &len), -1);
    assert_int_equal(srv_parse_listen("127.0.0.1:-1", &ss, &len), -1);
    assert_int_equal(srv_parse_listen("127.0.0.1:80x", &ss, &len), -1);
    assert_int_equal(srv_parse_listen("[::1]80", &ss, &len), -1);
    assert_int_equal(srv_parse_listen(NULL, &ss, &len), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_auth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_routes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_publishes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idempotency, setup, teardown),
        cmocka_unit_test(test_token_of_request),
        cmocka_unit_test(test_parse_listen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
