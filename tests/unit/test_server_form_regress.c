/* Regression tests for opsdeckd's form parser, from inputs fuzz_server_body
 * found (tests/fuzz/regress/server_body/): each once freed a JSON node and
 * then wrote into it. Run under ASan (make check) and valgrind they would
 * report the use after free; here they must be refused with a message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "opsdeck/srv_input.h"

static void refused(const char *body, const char *why)
{
    char msg[256] = "";
    json_t *j = srv_form_parse(body, strlen(body), msg, sizeof(msg));
    assert_null(j);
    assert_non_null(strstr(msg, why));
}

/* "i" is a string; "i[n][n]" must not descend into it as if it were an object */
static void test_field_then_subfield(void **state)
{
    (void)state;
    refused("i&i[n][n]", "conflicts with another field");
    refused("incident[name]=x&incident[name][a]=1", "conflicts with another field");
    refused("a[]=1&a[b][c]=2", "conflicts with another field");
}

/* a field name that is not UTF-8: jansson refuses the key and frees the node */
static void test_field_name_not_utf8(void **state)
{
    (void)state;
    refused("compone\xd2t[name]=MX", "not valid UTF-8");
    refused("a%FF[b]=1", "not valid UTF-8");
}

/* the same forms without the conflict still parse */
static void test_good_forms_still_parse(void **state)
{
    (void)state;
    char msg[256] = "";
    const char *body = "incident[name]=x&incident[components][c1]=major_outage&incident[component_ids][]=c1";
    json_t *j = srv_form_parse(body, strlen(body), msg, sizeof(msg));
    assert_non_null(j);
    json_t *inc = json_object_get(j, "incident");
    assert_string_equal(json_string_value(json_object_get(inc, "name")), "x");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(inc, "components"), "c1")),
        "major_outage");
    assert_int_equal(json_array_size(json_object_get(inc, "component_ids")), 1);
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_field_then_subfield),
        cmocka_unit_test(test_field_name_not_utf8),
        cmocka_unit_test(test_good_forms_still_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
