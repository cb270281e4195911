/* Request building for both APIs: every field escaped, hostile text in,
 * valid JSON or form data out (parsed back with jansson / a form decoder). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/cachet_write.h"
#include "opsdeck/post.h"
#include "opsdeck/sp_manage.h"
#include "opsdeck/text.h"
#include "opsdeck/xalloc.h"

/* quotes, backslashes, controls, an escape sequence, invalid UTF-8, a NUL-free
 * overlong encoding, JSON and form metacharacters */
static const char hostile[] =
    "He said \"down\" \\ back\\slash\t tab\x01\x1f\x7f \x1b[31mred\x1b[0m "
    "bad \xff\xfe \xc0\xaf & = + % [x]=1&y \xe2\x80\xae rtl {\"a\":1}\nline two\r\nthree";

static json_t *parse_body(const struct post_request *r)
{
    json_error_t je;
    json_t *j = json_loadb(r->body, r->body_len, 0, &je);
    if (!j)
        fail_msg("not JSON: %s in %s", je.text, r->body);
    return j;
}

static void make_post(struct post *p, enum post_kind kind, const char *text)
{
    post_init(p, kind);
    post_set(&p->feed, "maxmail");
    if (kind == POST_INCIDENT || kind == POST_MAINTENANCE)
        post_set(&p->title, text);
    if (kind == POST_UPDATE || kind == POST_RESOLVE)
        post_set(&p->incident_id, "abc%1?#&");
    if (kind != POST_COMPONENT)
        post_set(&p->message, text);
    if (kind == POST_MAINTENANCE) {
        assert_true(time_parse_rfc3339("2026-12-01T22:00:00Z", &p->start));
        assert_true(time_parse_rfc3339("2026-12-02T02:00:00Z", &p->end));
    }
    strcpy(p->key, "k0123456789abcdef");
}

/* The cleaned text every field must carry: valid UTF-8, no controls or escapes. */
static void assert_clean(const char *s)
{
    assert_non_null(s);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        assert_true(*c >= 0x20 || *c == '\n');
        assert_true(*c != 0x7f);
    }
    char *again = text_sanitize(s, strlen(s), TEXT_KEEP_NEWLINES, 0);
    assert_string_equal(again, s);
    free(again);
}

static void test_sp_incident_json(void **state)
{
    (void)state;
    struct post p;
    struct od_error err;
    make_post(&p, POST_INCIDENT, hostile);
    p.impact = IMPACT_MAJOR;
    p.notify = false;
    post_add_component(&p, "cmp\"1", "Amsterdam \"DC\"", COMP_MAJOR_OUTAGE);
    post_add_component(&p, "cmp2", NULL, COMP_DEGRADED_PERFORMANCE);
    assert_int_equal(post_validate(&p, &err), OD_OK);
    struct post_request r;
    assert_int_equal(sp_manage_build(&p, 0, "https://api.statuspage.io/", "pg 1", POST_ENC_JSON,
                                     &r, &err), OD_OK);
    assert_string_equal(r.method, "POST");
    assert_string_equal(r.url, "https://api.statuspage.io/v1/pages/pg%201/incidents");
    assert_string_equal(r.idempotency_key, "k0123456789abcdef");
    assert_true(r.creates);
    json_t *j = parse_body(&r);
    json_t *inc = json_object_get(j, "incident");
    const char *name = json_string_value(json_object_get(inc, "name"));
    const char *body = json_string_value(json_object_get(inc, "body"));
    assert_clean(name);
    assert_clean(body);
    assert_null(strchr(name, '\n'));
    assert_non_null(strstr(body, "\"down\" \\ back\\slash"));
    assert_non_null(strstr(body, "line two\nthree"));
    assert_non_null(strstr(body, "\xef\xbf\xbd"));      /* U+FFFD for bad bytes */
    assert_null(strstr(body, "[31m"));
    assert_string_equal(json_string_value(json_object_get(inc, "status")), "investigating");
    assert_string_equal(json_string_value(json_object_get(inc, "impact_override")), "major");
    assert_true(json_is_false(json_object_get(inc, "deliver_notifications")));
    json_t *comps = json_object_get(inc, "components");
    assert_string_equal(json_string_value(json_object_get(comps, "cmp\"1")), "major_outage");
    assert_string_equal(json_string_value(json_object_get(comps, "cmp2")),
                        "degraded_performance");
    assert_int_equal(json_array_size(json_object_get(inc, "component_ids")), 2);
    json_decref(j);
    post_request_free(&r);
    post_free(&p);
}

/* application/x-www-form-urlencoded → list of (name, value) */
static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static char *form_decode(const char *s, size_t n)
{
    char *out = xmalloc(n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            *o++ = ' ';
        } else if (s[i] == '%') {
            assert_true(i + 2 < n + 1);
            int a = hexval(s[i + 1]), b = hexval(s[i + 2]);
            assert_true(a >= 0 && b >= 0);
            *o++ = (char)(a * 16 + b);
            i += 2;
        } else {
            /* only unreserved characters may appear raw */
            assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                   "0123456789-._~", s[i]));
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

/* Value of `name` in the form body, or NULL. */
static char *form_get(const char *body, const char *name)
{
    const char *p = body;
    while (*p) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        assert_non_null(eq);
        char *k = form_decode(p, (size_t)(eq - p));
        if (strcmp(k, name) == 0) {
            free(k);
            return form_decode(eq + 1, len - (size_t)(eq - p) - 1);
        }
        free(k);
        p += len + (amp ? 1 : 0);
    }
    return NULL;
}

static void test_sp_incident_form(void **state)
{
    (void)state;
    struct post p;
    struct od_error err;
    make_post(&p, POST_INCIDENT, hostile);
    post_add_component(&p, "c&1=", NULL, COMP_PARTIAL_OUTAGE);
    assert_int_equal(post_validate(&p, &err), OD_OK);
    struct post_request r;
    assert_int_equal(sp_manage_build(&p, 0, "http://h", "pg", POST_ENC_FORM, &r, &err), OD_OK);
    assert_string_equal(r.content_type, "application/x-www-form-urlencoded");
    assert_int_equal(strlen(r.body), r.body_len);
    char *name = form_get(r.body, "incident[name]");
    char *body = form_get(r.body, "incident[body]");
    char *comp = form_get(r.body, "incident[components][c&1=]");
    char *ids = form_get(r.body, "incident[component_ids][]");
    char *notify = form_get(r.body, "incident[deliver_notifications]");
    assert_string_equal(name, p.title);
    assert_string_equal(body, p.message);
    assert_string_equal(comp, "partial_outage");
    assert_string_equal(ids, "c&1=");
    assert_string_equal(notify, "true");
    free(name);
    free(body);
    free(comp);
    free(ids);
    free(notify);
    post_request_free(&r);
    post_free(&p);
}

static void test_sp_update_resolve_component(void **state)
{
    (void)state;
    struct post p;
    struct od_error err;
    struct post_request r;
    make_post(&p, POST_UPDATE, "Identified: disk subsystem");
    p.status = INC_IDENTIFIED;
    post_add_component(&p, "c1", NULL, COMP_OPERATIONAL);
    assert_int_equal(post_validate(&p, &err), OD_OK);
    assert_int_equal(sp_manage_build(&p, 0, "http://h:1", "pg", POST_ENC_JSON, &r, &err), OD_OK);
    assert_string_equal(r.method, "PATCH");
    assert_string_equal(r.url, "http://h:1/v1/pages/pg/incidents/abc%251%3F%23%26");
    json_t *j = parse_body(&r);
    json_t *inc = json_object_get(j, "incident");
    assert_string_equal(json_string_value(json_object_get(inc, "status")), "identified");
    assert_string_equal(json_string_value(json_object_get(inc, "body")),
                        "Identified: disk subsystem");
    assert_null(json_object_get(inc, "component_ids"));
    assert_string_equal(json_string_value(json_object_get(json_object_get(inc, "components"),
                                                          "c1")), "operational");
    json_decref(j);
    post_request_free(&r);
    post_free(&p);

    make_post(&p, POST_RESOLVE, "Fixed.");
    assert_int_equal(post_validate(&p, &err), OD_OK);
    assert_int_equal(sp_manage_build(&p, 0, "http://h", "pg", POST_ENC_JSON, &r, &err), OD_OK);
    j = parse_body(&r);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "incident"),
                                                          "status")), "resolved");
    json_decref(j);
    post_request_free(&r);
    post_free(&p);

    make_post(&p, POST_COMPONENT, NULL);
    post_add_component(&p, "a", NULL, COMP_MAJOR_OUTAGE);
    post_add_component(&p, "b", NULL, COMP_UNDER_MAINTENANCE);
    assert_int_equal(post_validate(&p, &err), OD_OK);
    assert_int_equal(sp_manage_steps(&p), 2);
    assert_int_equal(sp_manage_build(&p, 1, "http://h", "pg", POST_ENC_JSON, &r, &err), OD_OK);
    assert_string_equal(r.url, "http://h/v1/pages/pg/components/b");
    assert_string_equal(r.body, "{\"component\":{\"status\":\"under_maintenance\"}}");
    assert_string_equal(r.idempotency_key, "k0123456789abcdef-1");
    assert_false(r.creates);
    post_request_free(&r);
    assert_int_equal(sp_manage_build(&p, 2, "http://h", "pg", POST_ENC_JSON, &r, &err),
                     OD_INVALID);
    assert_int_equal(sp_manage_build(&p, 0, "http://h", NULL, POST_ENC_JSON, &r, &err),
                     OD_INVALID);
    assert_non_null(strstr(err.text, "page_id"));
    post_free(&p);
}

static void test_sp_maintenance(void **state)
{
    (void)state;
    struct post p;
    struct od_error err;
    struct post_request r;
    make_post(&p, POST_MAINTENANCE, "I-3 service maintenance");
    post_add_component(&p, "i3", "I-3 hosted email", COMP_UNDER_MAINTENANCE);
    assert_int_equal(post_validate(&p, &err), OD_OK);
    assert_int_equal(sp_manage_build(&p, 0, "http://h", "pg", POST_ENC_JSON, &r, &err), OD_OK);
    json_t *j = parse_body(&r);
    json_t *inc = json_object_get(j, "incident");
    assert_string_equal(json_string_value(json_object_get(inc, "status")), "scheduled");
    assert_string_equal(json_string_value(json_object_get(inc, "scheduled_for")),
                        "2026-12-01T22:00:00.000Z");
    assert_string_equal(json_string_value(json_object_get(inc, "scheduled_until")),
                        "2026-12-02T02:00:00.000Z");
    assert_true(json_is_true(json_object_get(inc, "scheduled_auto_in_progress")));
    assert_true(json_is_true(json_object_get(inc, "scheduled_auto_completed")));
    assert_true(json_is_true(json_object_get(inc, "auto_transition_to_maintenance_state")));
    json_decref(j);
    post_request_free(&r);
    post_free(&p);
}

/* 25,000 characters pass (multi-byte ones counted as one); one more is refused. */
static void test_long_bodies(void **state)
{
    (void)state;
    struct post p;
    struct od_error err;
    size_t n = POST_MAX_MESSAGE_CHARS;
    char *big = xmalloc(n * 2 + 3);
    for (size_t i = 0; i < n; i++)
        memcpy(big + 2 * i, "\xc3\xa9", 2);     /* é */
    big[2 * n] = '\0';
    make_post(&p, POST_INCIDENT, "t");
    post_set(&p.message, big);
    assert_int_equal(post_validate(&p, &err), OD_OK);
    struct post_request r;
    assert_int_equal(sp_manage_build(&p, 0, "http://h", "pg", POST_ENC_JSON, &r, &err), OD_OK);
    json_t *j = parse_body(&r);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "incident"),
                                                          "body")), big);
    json_decref(j);
    post_request_free(&r);
    strcpy(big + 2 * n, "x");
    post_set(&p.message, big);
    assert_int_equal(post_validate(&p, &err), OD_INVALID);
    assert_non_null(strstr(err.text, "25000"));
    post_free(&p);
    free(big);
}

static void test_validation(void **state)
{
    (void)state;
    struct post p;
    struct od_error err;
    make_post(&p, POST_INCIDENT, "x");
    p.status = INC_SCHEDULED;
    assert_int_equal(post_validate(&p, &err), OD_INVALID);
    assert_non_null(strstr(err.text, "scheduled"));
    post_free(&p);

    make_post(&p, POST_MAINTENANCE, "x");
    p.status = INC_MONITORING;
    assert_int_equal(post_validate(&p, &err), OD_INVALID);
    p.status = INC_IN_PROGRESS;
    assert_int_equal(post_validate(&p, &err), OD_OK);
    p.end = p.start;
    assert_int_equal(post_validate(&p, &err), OD_INVALID);
    assert_non_null(strstr(err.text, "after the start"));
    post_free(&p);

    make_post(&p, POST_INCIDENT, "\x1b[2J\x01 \n ");     /* nothing left after cleaning */
    assert_int_equal(post_validate(&p, &err), OD_INVALID);
    assert_non_null(strstr(err.text, "title"));
    post_free(&p);

    make_post(&p, POST_UPDATE, "m");
    post_set(&p.incident_id, "a/b");
    assert_int_equal(post_validate(&p, &err), OD_INVALID);
    post_free(&p);

    make_post(&p, POST_COMPONENT, NULL);
    assert_int_equal(post_validate(&p, &err), OD_INVALID);
    post_add_component(&p, "c", NULL, COMP_UNKNOWN);
    assert_int_equal(post_validate(&p, &err), OD_INVALID);
    post_free(&p);
}

static void test_cachet(void **state)
{
    (void)state;
    struct post p;
    struct od_error err;
    struct post_request r;
    make_post(&p, POST_INCIDENT, hostile);
    p.status = INC_IDENTIFIED;
    post_add_component(&p, "7", NULL, COMP_PARTIAL_OUTAGE);
    post_add_component(&p, "9", NULL, COMP_DEGRADED_PERFORMANCE);
    assert_int_equal(post_validate(&p, &err), OD_OK);
    assert_int_equal(cachet_write_steps(&p), 2);
    assert_int_equal(cachet_write_build(&p, 0, "https://c.example/", NULL, &r, &err), OD_OK);
    assert_string_equal(r.url, "https://c.example/api/v1/incidents");
    assert_string_equal(r.auth_header, "X-Cachet-Token");
    assert_true(r.creates);
    json_t *j = parse_body(&r);
    assert_clean(json_string_value(json_object_get(j, "name")));
    assert_string_equal(json_string_value(json_object_get(j, "message")), p.message);
    assert_int_equal(json_integer_value(json_object_get(j, "status")), 2);
    assert_int_equal(json_integer_value(json_object_get(j, "component_id")), 7);
    assert_int_equal(json_integer_value(json_object_get(j, "component_status")), 3);
    json_decref(j);
    post_request_free(&r);
    assert_int_equal(cachet_write_build(&p, 1, "https://c.example", NULL, &r, &err), OD_OK);
    assert_string_equal(r.method, "PUT");
    assert_string_equal(r.url, "https://c.example/api/v1/components/9");
    assert_string_equal(r.body, "{\"status\":2}");
    assert_false(r.creates);
    post_request_free(&r);
    post_free(&p);

    make_post(&p, POST_UPDATE, "Watching");
    post_set(&p.incident_id, "42");
    p.status = INC_MONITORING;
    assert_int_equal(post_validate(&p, &err), OD_OK);
    assert_int_equal(cachet_write_build(&p, 0, "http://c", NULL, &r, &err), OD_OK);
    assert_string_equal(r.url, "http://c/api/v1/incidents/42/updates");
    assert_string_equal(r.body, "{\"status\":3,\"message\":\"Watching\"}");
    post_request_free(&r);
    post_set(&p.incident_id, "4x");
    assert_int_equal(cachet_write_build(&p, 0, "http://c", NULL, &r, &err), OD_INVALID);
    assert_non_null(strstr(err.text, "numbers"));
    post_free(&p);

    /* schedules: local times in the Cachet zone */
    make_post(&p, POST_MAINTENANCE, "Disk work");
    assert_int_equal(post_validate(&p, &err), OD_OK);
    assert_int_equal(cachet_write_build(&p, 0, "http://c", "Europe/London", &r, &err), OD_OK);
    assert_string_equal(r.url, "http://c/api/v1/schedules");
    j = parse_body(&r);
    assert_string_equal(json_string_value(json_object_get(j, "scheduled_at")), "2026-12-01 22:00");
    assert_string_equal(json_string_value(json_object_get(j, "completed_at")), "2026-12-02 02:00");
    assert_int_equal(json_integer_value(json_object_get(j, "status")), 0);
    json_decref(j);
    post_request_free(&r);
    post_free(&p);

    make_post(&p, POST_COMPONENT, NULL);
    post_add_component(&p, "3", NULL, COMP_UNDER_MAINTENANCE);
    assert_int_equal(post_validate(&p, &err), OD_OK);
    assert_int_equal(cachet_write_build(&p, 0, "http://c", NULL, &r, &err), OD_INVALID);
    assert_non_null(strstr(err.text, "under_maintenance"));
    post_free(&p);
}

static void test_cachet_check(void **state)
{
    (void)state;
    struct post p;
    struct od_error err;
    make_post(&p, POST_UPDATE, "We are watching.");
    post_set(&p.incident_id, "42");
    p.status = INC_MONITORING;
    assert_int_equal(post_validate(&p, &err), OD_OK);
    char *url = cachet_write_check_url(&p, 0, "http://c");
    assert_string_equal(url, "http://c/api/v1/incidents/42/updates?sort=id&order=desc&per_page=50");
    free(url);
    const char *none = "{\"data\":[{\"id\":1,\"status\":2,\"message\":\"We are watching.\"}]}";
    const char *there = "{\"data\":[{\"id\":1,\"status\":\"3\",\"message\":\"We are watching.\\r\\n\"}]}";
    assert_false(cachet_write_check_match(&p, 0, none, strlen(none)));
    assert_true(cachet_write_check_match(&p, 0, there, strlen(there)));
    assert_false(cachet_write_check_match(&p, 0, "nonsense", 8));
    post_free(&p);

    make_post(&p, POST_INCIDENT, "Mail & queue");
    assert_int_equal(post_validate(&p, &err), OD_OK);
    url = cachet_write_check_url(&p, 0, "http://c");
    assert_string_equal(url, "http://c/api/v1/incidents?name=Mail+%26+queue&sort=id&order=desc&per_page=50");
    free(url);
    const char *inc = "{\"data\":[{\"id\":5,\"name\":\"Mail & queue\",\"message\":\"Mail & queue\"}]}";
    assert_true(cachet_write_check_match(&p, 0, inc, strlen(inc)));
    post_free(&p);
}

static void test_error_bodies(void **state)
{
    (void)state;
    struct post_result res;
    const char *m = "{\"message\":\"Name can't be blank\"}";
    post_result_from_response(422, m, strlen(m), &res);
    assert_int_equal(res.outcome, POST_REJECTED);
    assert_string_equal(res.message, "HTTP 422: Name can't be blank");
    const char *e = "{\"error\":\"Could not authenticate\"}";
    post_result_from_response(401, e, strlen(e), &res);
    assert_string_equal(res.message, "HTTP 401: Could not authenticate");
    const char *c = "{\"errors\":[{\"id\":\"u\",\"status\":400,\"title\":\"Bad Request\","
                    "\"detail\":\"The request cannot be fulfilled due to bad syntax.\","
                    "\"meta\":{\"details\":[\"The status format is invalid.\"]}}]}";
    post_result_from_response(400, c, strlen(c), &res);
    assert_string_equal(res.message, "HTTP 400: The status format is invalid.");
    const char *f = "{\"errors\":{\"name\":[\"is too long\"]}}";
    post_result_from_response(422, f, strlen(f), &res);
    assert_string_equal(res.message, "HTTP 422: name is too long");
    const char *evil = "{\"message\":\"\\u001b]0;pwned\\u0007 gone\\n\"}";
    post_result_from_response(422, evil, strlen(evil), &res);
    assert_null(strchr(res.message, 0x1b));
    assert_null(strchr(res.message, 0x07));
    post_result_from_response(503, "<html>", 6, &res);
    assert_int_equal(res.outcome, POST_RETRY);
    assert_string_equal(res.message, "HTTP 503");
    post_result_from_response(429, NULL, 0, &res);
    assert_int_equal(res.outcome, POST_RETRY);
    const char *ok = "{\"id\":\"inc123\",\"name\":\"x\"}";
    post_result_from_response(201, ok, strlen(ok), &res);
    assert_int_equal(res.outcome, POST_DONE);
    assert_string_equal(res.id, "inc123");
    const char *cok = "{\"data\":{\"id\":77}}";
    post_result_from_response(200, cok, strlen(cok), &res);
    assert_string_equal(res.id, "77");
}

static void test_post_json_round_trip(void **state)
{
    (void)state;
    struct post p, q;
    struct od_error err;
    make_post(&p, POST_MAINTENANCE, hostile);
    p.impact = IMPACT_MAINTENANCE;
    p.notify = false;
    post_add_component(&p, "c1", "Amsterdam", COMP_UNDER_MAINTENANCE);
    assert_int_equal(post_validate(&p, &err), OD_OK);
    json_t *j = post_to_json(&p);
    char *s = json_dumps(j, 0);
    json_decref(j);
    j = json_loads(s, 0, NULL);
    assert_int_equal(post_from_json(j, &q, &err), OD_OK);
    assert_int_equal(q.kind, POST_MAINTENANCE);
    assert_string_equal(q.title, p.title);
    assert_string_equal(q.message, p.message);
    assert_string_equal(q.key, p.key);
    assert_int_equal(q.impact, IMPACT_MAINTENANCE);
    assert_false(q.notify);
    assert_int_equal(q.n_components, 1);
    assert_string_equal(q.components[0].name, "Amsterdam");
    assert_int_equal(q.start.sec, p.start.sec);
    assert_int_equal(q.end.sec, p.end.sec);
    json_decref(j);
    free(s);
    post_free(&q);
    post_free(&p);
    json_t *bad = json_pack("{s:s, s:i}", "kind", "incident", "title", 3);
    assert_int_not_equal(post_from_json(bad, &q, &err), OD_OK);
    json_decref(bad);
}

static void test_keys_and_print(void **state)
{
    (void)state;
    struct post a, b;
    post_init(&a, POST_INCIDENT);
    post_init(&b, POST_INCIDENT);
    post_new_key(&a);
    post_new_key(&b);
    assert_int_equal(strlen(a.key), 32);
    assert_string_not_equal(a.key, b.key);
    struct post_request r = {.method = "POST", .url = xstrdup("http://h/x"),
                             .content_type = "application/json", .body = xstrdup("{}"),
                             .body_len = 2, .auth_header = "Authorization",
                             .auth_scheme = "OAuth "};
    char buf[512] = "";
    FILE *f = fmemopen(buf, sizeof(buf), "w");
    post_request_print(f, &r);
    fclose(f);
    assert_string_equal(buf, "POST http://h/x\nAuthorization: OAuth <redacted>\n"
                             "Content-Type: application/json\n\n{}\n");
    post_request_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sp_incident_json),
        cmocka_unit_test(test_sp_incident_form),
        cmocka_unit_test(test_sp_update_resolve_component),
        cmocka_unit_test(test_sp_maintenance),
        cmocka_unit_test(test_long_bodies),
        cmocka_unit_test(test_validation),
        cmocka_unit_test(test_cachet),
        cmocka_unit_test(test_cachet_check),
        cmocka_unit_test(test_error_bodies),
        cmocka_unit_test(test_post_json_round_trip),
        cmocka_unit_test(test_keys_and_print),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
