/* Fetch schedule arithmetic: jitter bounds, exponential back-off with its cap,
 * Retry-After (seconds and HTTP dates), and the random source. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "opsdeck/engine.h"
#include "opsdeck/schedule.h"

static void test_jitter_bounds(void **unused)
{
    (void)unused;
    uint64_t rng = 7;
    int64_t lo = INT64_MAX, hi = 0;
    for (int i = 0; i < 10000; i++) {
        int64_t v = schedule_jitter(30000, 10, &rng);
        assert_true(v >= 27000 && v <= 33000);
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    /* it really spreads: both ends of the window are reached closely */
    assert_true(lo < 27300);
    assert_true(hi > 32700);
    assert_int_equal(schedule_jitter(0, 10, &rng), 0);
    assert_int_equal(schedule_jitter(-5, 10, &rng), 0);
    assert_int_equal(schedule_jitter(5, 10, &rng), 5);     /* span rounds to 0 */
    assert_int_equal(schedule_jitter(1000, 0, &rng), 1000);
}

static void test_backoff(void **unused)
{
    (void)unused;
    uint64_t rng = 99;
    /* failures 0 and 1: the interval; then doubling */
    static const struct {
        unsigned failures;
        int64_t base_s;
    } cases[] = {{0, 30}, {1, 30}, {2, 60}, {3, 120}, {4, 240}, {7, 1920}, {8, 3600},
                 {30, 3600}, {1000, 3600}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (int k = 0; k < 200; k++) {
            int64_t v = schedule_next_ms(30, cases[i].failures, 0, &rng);
            int64_t base = cases[i].base_s * 1000;
            assert_true(v >= base - base / 10);
            assert_true(v <= base + base / 10);
        }
    }
    /* an interval longer than the cap is never shortened by the cap */
    int64_t v = schedule_next_ms(7200, 5, 0, &rng);
    assert_true(v >= 7200000 - 720000 && v <= 7200000 + 720000);
    /* a nonsense interval acts as 1 s */
    v = schedule_next_ms(0, 0, 0, &rng);
    assert_true(v >= 900 && v <= 1100);
}

static void test_retry_after_wins(void **unused)
{
    (void)unused;
    uint64_t rng = 3;
    for (int k = 0; k < 200; k++) {
        /* Retry-After longer than the back-off: at least what was asked, a
         * little more at most */
        int64_t v = schedule_next_ms(5, 1, 120, &rng);
        assert_true(v >= 120000 && v <= 132000);
        /* shorter than the back-off: the back-off stands */
        v = schedule_next_ms(60, 3, 10, &rng);
        assert_true(v >= 216000 && v <= 264000);
    }
    /* capped */
    int64_t v = schedule_next_ms(5, 1, 999999, &rng);
    assert_true(v >= (int64_t)ENGINE_MAX_RETRY_AFTER_S * 1000);
    assert_true(v <= (int64_t)ENGINE_MAX_RETRY_AFTER_S * 1100);
}

static void test_parse_retry_after(void **unused)
{
    (void)unused;
    assert_int_equal(schedule_parse_retry_after("120", 0), 120);
    assert_int_equal(schedule_parse_retry_after("  0", 0), 0);
    assert_int_equal(schedule_parse_retry_after("7\r\n", 0), 7);
    assert_int_equal(schedule_parse_retry_after("", 0), -1);
    assert_int_equal(schedule_parse_retry_after("12abc", 0), -1);
    assert_int_equal(schedule_parse_retry_after("-5", 0), -1);
    assert_int_equal(schedule_parse_retry_after("99999999999999", 0), -1);
    assert_int_equal(schedule_parse_retry_after(NULL, 0), -1);
    /* Sun, 06 Nov 1994 08:49:37 GMT = 784111777 */
    assert_int_equal(schedule_parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 - 90),
                     90);
    assert_int_equal(schedule_parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 + 5),
                     0);
    /* 2026-12-01 19:00:00 = 1796151600 */
    assert_int_equal(schedule_parse_retry_after("Tue, 01 Dec 2026 19:00:00 GMT", 1796151600 - 3),
                     3);
    assert_int_equal(schedule_parse_retry_after("Tue, 01 Foo 2026 19:00:00 GMT", 0), -1);
    assert_int_equal(schedule_parse_retry_after("Tue, 01 Dec 2026 19:00:00 PST", 0), -1);
    assert_int_equal(schedule_parse_retry_after("Tue, 01 Dec 2026 25:00:00 GMT", 0), -1);
}

static void test_rand(void **unused)
{
    (void)unused;
    uint64_t a = 0, b = 0;
    /* a zero state still produces numbers, the same sequence from the same seed */
    uint64_t x1 = schedule_rand(&a), x2 = schedule_rand(&b);
    assert_true(x1 == x2);
    assert_true(x1 != 0);
    assert_true(schedule_rand(&a) != x1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jitter_bounds),
        cmocka_unit_test(test_backoff),
        cmocka_unit_test(test_retry_after_wins),
        cmocka_unit_test(test_parse_retry_after),
        cmocka_unit_test(test_rand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
