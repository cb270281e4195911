/* opsdeckd request bodies: form and JSON parsing, and the 422 messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/srv_input.h"

static char *dump(const json_t *v)
{
    return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
}

static void assert_form(const char *form, const char *want_json)
{
    char msg[256] = "";
    json_t *v = srv_form_parse(form, strlen(form), msg, sizeof(msg));
    if (!v)
        fail_msg("%s: %s", form, msg);
    char *got = dump(v);
    assert_string_equal(got, want_json);
    free(got);
    json_decref(v);
}

static void assert_form_error(const char *form, const char *want)
{
    char msg[256] = "";
    json_t *v = srv_form_parse(form, strlen(form), msg, sizeof(msg));
    assert_null(v);
    if (!strstr(msg, want))
        fail_msg("[%s] not in [%s]", want, msg);
}

static void test_form_nesting(void **state)
{
    (void)state;
    assert_form("incident[name]=Mail+delays&incident[status]=investigating",
                "{\"incident\":{\"name\":\"Mail delays\",\"status\":\"investigating\"}}");
    assert_form("incident[components][abc]=major_outage&incident[components][def]=operational",
                "{\"incident\":{\"components\":{\"abc\":\"major_outage\",\"def\":\"operational\"}}}");
    assert_form("incident[component_ids][]=a&incident[component_ids][]=b",
                "{\"incident\":{\"component_ids\":[\"a\",\"b\"]}}");
    assert_form("incident%5Bbody%5D=a%26b%3Dc%0Aline", "{\"incident\":{\"body\":\"a&b=c\\nline\"}}");
    assert_form("a=1&&b=", "{\"a\":\"1\",\"b\":\"\"}");
    assert_form("", "{}");
}

static void test_form_errors(void **state)
{
    (void)state;
    assert_form_error("incident[name=x", "unbalanced brackets");
    assert_form_error("a=%zz", "bad percent-escape");
    assert_form_error("a=%4", "bad percent-escape");
    assert_form_error("a=1&a[b]=2", "conflicts with another field");
    assert_form_error("a=1&a[b][c]=2", "conflicts with another field");    /* was a use after free */
    assert_form_error("a[]=1&a[b]=2", "conflicts with another field");
    assert_form_error("a[b]=1&a[]=2", "conflicts with another field");
    assert_form_error("a[b]=1&a[b][c]=2", "conflicts with another field");
    assert_form_error("a[b][c][d][e][f]=1", "nests too deep");
    assert_form_error("=1", "has no usable name");
    assert_form_error("a%00b=1", "bad percent-escape");
    /* a bounded number of fields */
    size_t n = (SRV_MAX_FORM_PAIRS + 1) * 4;
    char *big = malloc(n + 1);
    for (size_t i = 0; i < SRV_MAX_FORM_PAIRS + 1; i++)
        memcpy(big + i * 4, "a=1&", 4);
    big[n] = '\0';
    assert_form_error(big, "more than 256 fields");
    free(big);
}

static void test_body_types(void **state)
{
    (void)state;
    int http = 0;
    char msg[256];
    json_t *v = srv_body_parse("application/json; charset=utf-8", "{\"a\":1}", 7, &http, msg,
                               sizeof(msg));
    assert_non_null(v);
    json_decref(v);
    v = srv_body_parse(NULL, "{\"a\":1}", 7, &http, msg, sizeof(msg));
    assert_non_null(v);     /* no Content-Type, looks like JSON */
    json_decref(v);
    v = srv_body_parse("application/x-www-form-urlencoded", "a=b", 3, &http, msg, sizeof(msg));
    assert_string_equal(json_string_value(json_object_get(v, "a")), "b");
    json_decref(v);
    v = srv_body_parse("text/plain", "hello", 5, &http, msg, sizeof(msg));
    assert_null(v);
    assert_int_equal(http, 415);
    assert_non_null(strstr(msg, "not 'text/plain'"));
    v = srv_body_parse("application/json", "{\"a\":", 5, &http, msg, sizeof(msg));
    assert_null(v);
    assert_int_equal(http, 400);
    assert_non_null(strstr(msg, "body is not valid JSON"));
    v = srv_body_parse("application/json", "[1]", 3, &http, msg, sizeof(msg));
    assert_null(v);
    assert_non_null(strstr(msg, "must be a JSON object"));
    v = srv_body_parse("application/json", " \n", 2, &http, msg, sizeof(msg));
    assert_true(json_is_object(v) && json_object_size(v) == 0);
    json_decref(v);
}

static void assert_incident_error(const char *json, bool create, const char *want)
{
    json_error_t jerr;
    json_t *root = json_loads(json, 0, &jerr);
    assert_non_null(root);
    struct srv_incident_input in;
    char msg[512] = "";
    int rc = srv_incident_input_parse(root, create, &in, msg, sizeof(msg));
    json_decref(root);
    if (rc == 0)
        srv_incident_input_free(&in);
    assert_int_equal(rc, -1);
    if (strcmp(msg, want) != 0)
        fail_msg("want [%s]\n got [%s]", want, msg);
}

static void test_incident_messages(void **state)
{
    (void)state;
    assert_incident_error("{}", true, "the body needs an 'incident' object (incident[...] "
                                      "fields in a form)");
    assert_incident_error("{\"incident\":[]}", true, "'incident' must be an object, not an array");
    assert_incident_error("{\"incident\":{}}", true, "incident.name is required");
    assert_incident_error("{\"incident\":{\"name\":\"\"}}", false, "incident.name must not be empty");
    assert_incident_error("{\"incident\":{\"name\":5}}", true,
                          "incident.name must be a string, not an integer");
    assert_incident_error("{\"incident\":{\"name\":\"x\",\"status\":\"on_fire\"}}", true,
                          "incident.status 'on_fire' is not one of investigating, identified, "
                          "monitoring, resolved, postmortem, scheduled, in_progress, verifying, "
                          "completed");
    assert_incident_error("{\"incident\":{\"name\":\"x\",\"impact_override\":\"huge\"}}", true,
                          "incident.impact_override 'huge' is not one of none, maintenance, "
                          "minor, major, critical");
    assert_incident_error("{\"incident\":{\"name\":\"m\",\"status\":\"scheduled\"}}", true,
                          "incident.scheduled_for is required when status is scheduled");
    assert_incident_error("{\"incident\":{\"name\":\"m\",\"scheduled_for\":\"2026-13-01T00:00:00Z\"}}",
                          true, "incident.scheduled_for '2026-13-01T00:00:00Z' is not an RFC "
                                "3339 time (like 2026-05-23T08:00:00Z)");
    assert_incident_error("{\"incident\":{\"name\":\"m\",\"scheduled_for\":\"2026-01-02T00:00:00Z\","
                          "\"scheduled_until\":\"2026-01-01T00:00:00Z\"}}", true,
                          "incident.scheduled_until is before incident.scheduled_for");
    assert_incident_error("{\"incident\":{\"name\":\"x\",\"components\":{\"abc\":\"sad\"}}}", true,
                          "incident.components[abc] 'sad' is not one of operational, "
                          "degraded_performance, partial_outage, major_outage, under_maintenance");
    assert_incident_error("{\"incident\":{\"name\":\"x\",\"components\":[\"abc\"]}}", true,
                          "incident.components must be an object of component id to status, "
                          "not an array");
    assert_incident_error("{\"incident\":{\"name\":\"x\",\"components\":{\"a b\":\"operational\"}}}",
                          true, "incident.components: 'a b' is not a component id");
    assert_incident_error("{\"incident\":{\"name\":\"x\",\"component_ids\":[1]}}", true,
                          "incident.component_ids[0] is not a component id");
    assert_incident_error("{\"incident\":{\"name\":\"x\",\"deliver_notifications\":\"maybe\"}}",
                          true, "incident.deliver_notifications must be true or false");
}

static void test_incident_limits_count_characters(void **state)
{
    (void)state;
    /* 255 two-byte characters are fine (510 bytes); 256 are not */
    char name[2 * 256 + 1];
    for (int i = 0; i < 256; i++)
        memcpy(name + 2 * i, "\xc3\xa9", 2);
    name[2 * 255] = '\0';
    json_t *root = json_pack("{s:{s:s}}", "incident", "name", name);
    struct srv_incident_input in;
    char msg[256];
    if (srv_incident_input_parse(root, true, &in, msg, sizeof(msg)) != 0)
        fail_msg("%s", msg);
    assert_int_equal(strlen(in.name), 510);
    srv_incident_input_free(&in);
    json_decref(root);
    name[2 * 255] = '\xc3';
    name[2 * 256] = '\0';
    root = json_pack("{s:{s:s}}", "incident", "name", name);
    assert_int_equal(srv_incident_input_parse(root, true, &in, msg, sizeof(msg)), -1);
    assert_string_equal(msg, "incident.name is 256 characters; the limit is 255");
    json_decref(root);

    char *body = malloc(SRV_MAX_BODY_CHARS + 2);
    memset(body, 'a', SRV_MAX_BODY_CHARS + 1);
    body[SRV_MAX_BODY_CHARS + 1] = '\0';
    root = json_pack("{s:{s:s,s:s}}", "incident", "name", "x", "body", body);
    assert_int_equal(srv_incident_input_parse(root, true, &in, msg, sizeof(msg)), -1);
    assert_string_equal(msg, "incident.body is 25001 characters; the limit is 25000");
    json_decref(root);
    free(body);
}

static void test_incident_values(void **state)
{
    (void)state;
    json_error_t jerr;
    json_t *root = json_loads("{\"incident\":{\"name\":\"A\\u0007b\",\"body\":\"l1\\nl2\","
                              "\"components\":{\"c1\":\"major_outage\"},\"component_ids\":[\"c2\"],"
                              "\"deliver_notifications\":\"false\",\"impact_override\":\"minor\"}}",
                              0, &jerr);
    struct srv_incident_input in;
    char msg[256];
    assert_int_equal(srv_incident_input_parse(root, true, &in, msg, sizeof(msg)), 0);
    assert_null(strchr(in.name, '\a'));         /* control characters do not get stored */
    assert_string_equal(in.body, "l1\nl2");
    assert_true(in.has_status);
    assert_int_equal(in.status, INC_INVESTIGATING);   /* the default on create */
    assert_int_equal(in.n_components, 1);
    assert_string_equal(in.components[0].id, "c1");
    assert_int_equal(in.components[0].status, COMP_MAJOR_OUTAGE);
    assert_int_equal(in.n_component_ids, 1);
    assert_false(in.deliver_notifications);
    assert_true(in.has_impact);
    assert_int_equal(in.impact_override, IMPACT_MINOR);
    srv_incident_input_free(&in);
    json_decref(root);
    /* an update may leave everything out */
    root = json_loads("{\"incident\":{}}", 0, &jerr);
    assert_int_equal(srv_incident_input_parse(root, false, &in, msg, sizeof(msg)), 0);
    assert_false(in.has_status);
    assert_null(in.name);
    assert_null(in.body);
    srv_incident_input_free(&in);
    json_decref(root);
}

static void test_component_input(void **state)
{
    (void)state;
    json_error_t jerr;
    json_t *root = json_loads("{\"component\":{\"name\":\"Web\",\"description\":null,"
                              "\"showcase\":\"0\",\"group_id\":\"g1\"}}", 0, &jerr);
    struct srv_component_input in;
    char msg[256];
    assert_int_equal(srv_component_input_parse(root, true, &in, msg, sizeof(msg)), 0);
    assert_string_equal(in.name, "Web");
    assert_true(in.has_description);
    assert_null(in.description);
    assert_int_equal(in.status, COMP_OPERATIONAL);
    assert_int_equal(in.showcase, 0);
    assert_int_equal(in.only_show_if_degraded, -1);
    assert_string_equal(in.group_id, "g1");
    srv_component_input_free(&in);
    json_decref(root);
    root = json_loads("{\"component\":{\"status\":\"fine\"}}", 0, &jerr);
    assert_int_equal(srv_component_input_parse(root, false, &in, msg, sizeof(msg)), -1);
    assert_string_equal(msg, "component.status 'fine' is not one of operational, "
                             "degraded_performance, partial_outage, major_outage, "
                             "under_maintenance");
    json_decref(root);
    root = json_loads("{\"component\":{}}", 0, &jerr);
    assert_int_equal(srv_component_input_parse(root, true, &in, msg, sizeof(msg)), -1);
    assert_string_equal(msg, "component.name is required");
    json_decref(root);
}

static void test_utf8_chars(void **state)
{
    (void)state;
    assert_int_equal(srv_utf8_chars("abc", 3), 3);
    assert_int_equal(srv_utf8_chars("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9), 3);
    assert_int_equal(srv_utf8_chars("\xc3", 1), -1);            /* cut short */
    assert_int_equal(srv_utf8_chars("\xc0\xaf", 2), -1);        /* overlong */
    assert_int_equal(srv_utf8_chars("\xed\xa0\x80", 3), -1);    /* surrogate */
    assert_int_equal(srv_utf8_chars("\xff", 1), -1);
    assert_int_equal(srv_utf8_chars("a\0b", 3), -1);            /* NUL */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_form_nesting),
        cmocka_unit_test(test_form_errors),
        cmocka_unit_test(test_body_types),
        cmocka_unit_test(test_incident_messages),
        cmocka_unit_test(test_incident_limits_count_characters),
        cmocka_unit_test(test_incident_values),
        cmocka_unit_test(test_component_input),
        cmocka_unit_test(test_utf8_chars),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
