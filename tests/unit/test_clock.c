/* Clock: OPSDECK_TEST_NOW parsing, pinning, monotonic time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <time.h>

#include "opsdeck/clock.h"

static void test_real_clock(void **state)
{
    (void)state;
    unsetenv("OPSDECK_TEST_NOW");
    clock_pin_wall(0);
    int64_t now = (int64_t)time(NULL);
    int64_t w = clock_wall_sec();
    assert_true(w >= now && w <= now + 2);
    int64_t ms = clock_wall_ms();
    assert_true(ms / 1000 >= now && ms / 1000 <= now + 2);
}

static void test_env_epoch_seconds(void **state)
{
    (void)state;
    clock_pin_wall(0);
    setenv("OPSDECK_TEST_NOW", "1464016200", 1);
    assert_int_equal(clock_wall_sec(), 1464016200);
    assert_int_equal(clock_wall_ms(), 1464016200000LL);
    setenv("OPSDECK_TEST_NOW", "-5", 1);
    assert_int_equal(clock_wall_sec(), -5);
    unsetenv("OPSDECK_TEST_NOW");
}

static void test_env_rfc3339(void **state)
{
    (void)state;
    clock_pin_wall(0);
    setenv("OPSDECK_TEST_NOW", "2016-05-23T08:10:00-07:00", 1);
    assert_int_equal(clock_wall_sec(), 1464016200);
    setenv("OPSDECK_TEST_NOW", "2022-11-25T15:50:04.967Z", 1);
    assert_int_equal(clock_wall_ms(), 1669391404967LL);
    assert_int_equal(clock_wall_sec(), 1669391404);
    /* before the epoch, seconds round down */
    setenv("OPSDECK_TEST_NOW", "1969-12-31T23:59:59.500Z", 1);
    assert_int_equal(clock_wall_ms(), -500);
    assert_int_equal(clock_wall_sec(), -1);
    unsetenv("OPSDECK_TEST_NOW");
}

static void test_env_garbage_ignored(void **state)
{
    (void)state;
    clock_pin_wall(0);
    int64_t now = (int64_t)time(NULL);
    const char *bad[] = {"", "yesterday", "12abc", "2016-13-01T00:00:00Z", "-",
                         "99999999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        setenv("OPSDECK_TEST_NOW", bad[i], 1);
        int64_t w = clock_wall_sec();
        assert_true(w >= now && w <= now + 2);
    }
    unsetenv("OPSDECK_TEST_NOW");
}

static void test_pin_wins_and_unpins(void **state)
{
    (void)state;
    setenv("OPSDECK_TEST_NOW", "1464016200", 1);
    clock_pin_wall(1700000000);
    assert_int_equal(clock_wall_sec(), 1700000000);
    assert_int_equal(clock_wall_ms(), 1700000000000LL);
    clock_pin_wall(0);
    assert_int_equal(clock_wall_sec(), 1464016200);
    unsetenv("OPSDECK_TEST_NOW");
}

static void test_monotonic_runs_while_pinned(void **state)
{
    (void)state;
    clock_pin_wall(1464016200);
    int64_t a = clock_mono_ms();
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
    int64_t b = clock_mono_ms();
    assert_true(b >= a + 15);
    assert_int_equal(clock_wall_sec(), 1464016200);
    clock_pin_wall(0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_clock),
        cmocka_unit_test(test_env_epoch_seconds),
        cmocka_unit_test(test_env_rfc3339),
        cmocka_unit_test(test_env_garbage_ignored),
        cmocka_unit_test(test_pin_wins_and_unpins),
        cmocka_unit_test(test_monotonic_runs_while_pinned),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
