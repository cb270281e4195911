/* RFC 3339 parsing: the five dialects of status-apis.md §5, and rejections. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "opsdeck/time_parse.h"

static void test_dialects(void **state)
{
    (void)state;
    struct od_time t;
    char buf[64];
    assert_true(time_parse_rfc3339("2022-11-25T15:50:04.967Z", &t));
    assert_int_equal(t.sec, 1669391404);
    assert_int_equal(t.nsec, 967000000);
    time_format_rfc3339_utc(buf, sizeof(buf), &t);
    assert_string_equal(buf, "2022-11-25T15:50:04.967Z");

    assert_true(time_parse_rfc3339("2022-02-15T13:37:37.407-08:00", &t));
    assert_int_equal(t.offset_min, -480);
    time_format_rfc3339_utc(buf, sizeof(buf), &t);
    assert_string_equal(buf, "2022-02-15T21:37:37.407Z");
    time_format_rfc3339_local(buf, sizeof(buf), &t);
    assert_string_equal(buf, "2022-02-15T13:37:37.407-08:00");

    assert_true(time_parse_rfc3339("2019-02-20T12:00:19-06:00", &t));
    assert_int_equal(t.nsec, 0);
    assert_true(time_parse_rfc3339("2016-05-23T12:00:00Z", &t));
    assert_int_equal(t.sec, 1464004800);
    assert_true(time_parse_rfc3339("2016-05-23t12:00:00+0100", &t));
    assert_int_equal(t.sec, 1464004800 - 3600);

    int y, mo, d, h, mi, s;
    assert_true(time_parse_naive("2016-05-23 08:10:00", &y, &mo, &d, &h, &mi, &s));
    assert_int_equal(h, 8);
    assert_true(time_parse_naive("2016-05-23 08:10", &y, &mo, &d, &h, &mi, &s));
    assert_false(time_parse_naive("2016-05-23", &y, &mo, &d, &h, &mi, &s));
}

static void test_rejects(void **state)
{
    (void)state;
    struct od_time t = {0};
    const char *bad[] = {"", "2022", "2022-13-01T00:00:00Z", "2022-02-30T00:00:00Z",
                         "2022-01-01T24:00:00Z", "2022-01-01T00:00:00", "2022-01-01T00:00:00Zjunk",
                         "2022-01-01T00:00:00+24:00", "0000-01-01T00:00:00Z",
                         "2022-01-01T00:00:00.Z", "２０２２-01-01T00:00:00Z", "2021-02-29T00:00:00Z"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(time_parse_rfc3339(bad[i], &t));
    assert_false(time_parse_rfc3339(NULL, &t));
    assert_true(time_parse_rfc3339("2024-02-29T00:00:00Z", &t));
}

static void test_order_and_ms(void **state)
{
    (void)state;
    struct od_time a, b, none = {0};
    assert_true(time_parse_rfc3339("2026-07-30T10:00:00.001Z", &a));
    assert_true(time_parse_rfc3339("2026-07-30T11:00:00.001+01:00", &b));
    assert_int_equal(time_cmp(&a, &b), 0);
    assert_true(time_cmp(&none, &a) < 0);
    struct od_time c = time_from_ms(time_to_ms(&a));
    assert_int_equal(time_cmp(&a, &c), 0);
    struct od_time neg = time_from_ms(-1);
    assert_int_equal(neg.sec, -1);
    assert_int_equal(neg.nsec, 999000000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dialects),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_order_and_ms),
    };
    return cmocka_run_group_tests_name("time_parse", tests, NULL, NULL);
}
