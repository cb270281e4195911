/* Time zones: the reference history's pairs, DST changes in both zones, gaps
 * and overlaps, unknown zones, ages and durations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/time_parse.h"
#include "opsdeck/tz.h"

static const char *const pair[] = {"America/Los_Angeles", "Europe/London"};

static struct od_time at(const char *rfc3339)
{
    struct od_time t;
    assert_true(time_parse_rfc3339(rfc3339, &t));
    return t;
}

/* Format an RFC 3339 instant in LA and London in the history's style. */
static void check_pair(const char *rfc3339, const char *want)
{
    char buf[128];
    struct od_time t = at(rfc3339);
    int n = tz_format_multi(buf, sizeof buf, &t, pair, 2, TZ_STYLE_HHMM);
    assert_string_equal(buf, want);
    assert_int_equal(n, (int)strlen(want));
}

static void test_reference_history_pairs(void **state)
{
    (void)state;
    /* 23/05/2016: "0810 PDT / 1610 BST" and "0510 PDT / 1310 BST" */
    check_pair("2016-05-23T15:10:00Z", "0810 PDT / 1610 BST");
    check_pair("2016-05-23T12:10:00Z", "0510 PDT / 1310 BST");
    check_pair("2016-05-23T08:10:00-07:00", "0810 PDT / 1610 BST");
    /* the estimate "1300 PDT / 2100 BST" */
    check_pair("2016-05-23T20:00:00Z", "1300 PDT / 2100 BST");
    /* the maintenance window in EDT and BST */
    const char *const ny_lon[] = {"America/New_York", "Europe/London"};
    char buf[128];
    struct od_time t = at("2016-05-23T12:00:00Z");
    tz_format_multi(buf, sizeof buf, &t, ny_lon, 2, TZ_STYLE_HHMM);
    assert_string_equal(buf, "0800 EDT / 1300 BST");
    t = at("2016-05-23T16:00:00Z");
    tz_format_multi(buf, sizeof buf, &t, ny_lon, 2, TZ_STYLE_HHMM);
    assert_string_equal(buf, "1200 EDT / 1700 BST");
    /* winter: "10:00am Pacific / 6:00pm GMT", "10:30am Pacific / 6:30pm GMT" */
    check_pair("2016-01-14T18:00:00Z", "1000 PST / 1800 GMT");
    check_pair("2016-01-14T18:30:00Z", "1030 PST / 1830 GMT");
    /* summer, eight hours apart: "1:00 PM Pacific / 9:00 PM BST" and across
     * midnight "7:45pm Pacific / 3:45 AM BST" */
    check_pair("2016-07-12T20:00:00Z", "1300 PDT / 2100 BST");
    check_pair("2016-07-13T02:45:00Z", "1945 PDT / 0345 BST");
}

static void test_seven_hour_weeks(void **state)
{
    (void)state;
    /* US DST starts the second Sunday of March, the UK's the last Sunday */
    check_pair("2016-03-12T16:00:00Z", "0800 PST / 1600 GMT");  /* 8 h */
    check_pair("2016-03-14T15:00:00Z", "0800 PDT / 1500 GMT");  /* 7 h */
    check_pair("2016-03-26T15:00:00Z", "0800 PDT / 1500 GMT");  /* 7 h */
    check_pair("2016-03-28T15:00:00Z", "0800 PDT / 1600 BST");  /* 8 h */
    /* the UK ends the last Sunday of October, the US the first Sunday of November */
    check_pair("2016-10-29T15:00:00Z", "0800 PDT / 1600 BST");  /* 8 h */
    check_pair("2016-10-31T15:00:00Z", "0800 PDT / 1500 GMT");  /* 7 h */
    check_pair("2016-11-05T15:00:00Z", "0800 PDT / 1500 GMT");  /* 7 h */
    check_pair("2016-11-07T16:00:00Z", "0800 PST / 1600 GMT");  /* 8 h */
    /* 2026 as well: 8 March and 29 March; 25 October and 1 November */
    check_pair("2026-03-10T15:00:00Z", "0800 PDT / 1500 GMT");
    check_pair("2026-10-27T15:00:00Z", "0800 PDT / 1500 GMT");
}

static void check_local(const char *zone, const char *rfc3339, int hour, int min, int sec,
                        const char *abbr, bool dst, int gmtoff)
{
    struct tz_local l;
    struct od_time t = at(rfc3339);
    assert_true(tz_localtime(zone, t.sec, &l));
    assert_int_equal(l.hour, hour);
    assert_int_equal(l.min, min);
    assert_int_equal(l.sec, sec);
    assert_string_equal(l.abbr, abbr);
    assert_int_equal(l.dst, dst);
    assert_int_equal(l.gmtoff, gmtoff);
}

static void test_dst_changes_both_zones(void **state)
{
    (void)state;
    const char *la = "America/Los_Angeles", *lon = "Europe/London";
    /* LA spring forward, 2016-03-13 02:00 PST -> 03:00 PDT (10:00Z) */
    check_local(la, "2016-03-13T09:59:59Z", 1, 59, 59, "PST", false, -8 * 3600);
    check_local(la, "2016-03-13T10:00:00Z", 3, 0, 0, "PDT", true, -7 * 3600);
    /* LA fall back, 2016-11-06 02:00 PDT -> 01:00 PST (09:00Z) */
    check_local(la, "2016-11-06T08:59:59Z", 1, 59, 59, "PDT", true, -7 * 3600);
    check_local(la, "2016-11-06T09:00:00Z", 1, 0, 0, "PST", false, -8 * 3600);
    /* London spring forward, 2016-03-27 01:00 GMT -> 02:00 BST (01:00Z) */
    check_local(lon, "2016-03-27T00:59:59Z", 0, 59, 59, "GMT", false, 0);
    check_local(lon, "2016-03-27T01:00:00Z", 2, 0, 0, "BST", true, 3600);
    /* London fall back, 2016-10-30 02:00 BST -> 01:00 GMT (01:00Z) */
    check_local(lon, "2016-10-30T00:59:59Z", 1, 59, 59, "BST", true, 3600);
    check_local(lon, "2016-10-30T01:00:00Z", 1, 0, 0, "GMT", false, 0);
    /* the date fields */
    struct tz_local l;
    assert_true(tz_localtime(la, at("2016-05-24T02:45:00Z").sec, &l));
    assert_int_equal(l.year, 2016);
    assert_int_equal(l.mon, 5);
    assert_int_equal(l.day, 23);
    assert_int_equal(l.wday, 1);    /* Monday */
}

static void test_utc_and_numeric_abbreviations(void **state)
{
    (void)state;
    struct tz_local l;
    assert_true(tz_localtime(NULL, 0, &l));
    assert_string_equal(l.abbr, "UTC");
    assert_int_equal(l.year, 1970);
    assert_true(tz_localtime("UTC", 1464016200, &l));
    assert_int_equal(l.hour, 15);
    assert_int_equal(l.min, 10);
    /* a zone whose database entry has no letters: "+04" */
    assert_true(tz_localtime("Asia/Dubai", 1464016200, &l));
    assert_int_equal(l.gmtoff, 4 * 3600);
    assert_int_equal(l.abbr[0], '+');
    /* half-hour zone */
    assert_true(tz_localtime("Asia/Kolkata", 1464016200, &l));
    assert_int_equal(l.gmtoff, 5 * 3600 + 1800);
    assert_string_equal(l.abbr, "IST");
    assert_int_equal(l.hour, 20);
    assert_int_equal(l.min, 40);
}

static void test_unknown_and_hostile_zones(void **state)
{
    (void)state;
    assert_true(tz_valid("Europe/London"));
    assert_true(tz_valid("America/Los_Angeles"));
    assert_true(tz_valid("UTC"));
    assert_true(tz_valid("Etc/GMT+5"));
    assert_false(tz_valid("Mars/Olympus_Mons"));
    assert_false(tz_valid(""));
    assert_false(tz_valid(NULL));
    assert_false(tz_valid("America"));              /* a directory */
    assert_false(tz_valid("../../../etc/passwd"));
    assert_false(tz_valid("America/../Europe/London"));
    assert_false(tz_valid("/usr/share/zoneinfo/Europe/London"));
    assert_false(tz_valid("./Europe/London"));
    assert_false(tz_valid("Europe//London"));
    assert_false(tz_valid("Europe/London/"));
    assert_false(tz_valid("Europe/Lon don"));
    assert_false(tz_valid("PST8PDT,M3.2.0,M11.1.0")); /* POSIX strings are not names */
    assert_false(tz_valid(":Europe/London"));
    assert_false(tz_valid("zone.tab"));             /* not a TZif file */
    /* an unknown zone falls back to UTC and says so */
    struct tz_local l;
    assert_false(tz_localtime("Mars/Olympus_Mons", 1464016200, &l));
    assert_string_equal(l.abbr, "UTC");
    assert_int_equal(l.hour, 15);
    char buf[64];
    struct od_time t = at("2016-05-23T15:10:00Z");
    const char *const z[] = {"Mars/Olympus_Mons", "Europe/London"};
    tz_format_multi(buf, sizeof buf, &t, z, 2, TZ_STYLE_HHMM);
    assert_string_equal(buf, "1510 UTC / 1610 BST");
}

static void test_caller_tz_restored(void **state)
{
    (void)state;
    struct tz_local l;
    setenv("TZ", "Asia/Tokyo", 1);
    assert_true(tz_localtime("Europe/London", 1464016200, &l));
    assert_true(tz_localtime("America/Los_Angeles", 1464016201, &l));
    assert_string_equal(getenv("TZ"), "Asia/Tokyo");
    unsetenv("TZ");
    assert_true(tz_localtime("Europe/London", 1464016202, &l));
    assert_null(getenv("TZ"));
    setenv("TZ", "UTC", 1);
}

static void test_styles_and_truncation(void **state)
{
    (void)state;
    char buf[64];
    struct od_time t = at("2016-05-23T15:10:00Z");
    tz_format_multi(buf, sizeof buf, &t, pair, 2, TZ_STYLE_CLOCK);
    assert_string_equal(buf, "08:10 PDT / 16:10 BST");
    tz_format_multi(buf, sizeof buf, &t, pair, 1, TZ_STYLE_DATE_HHMM);
    assert_string_equal(buf, "2016-05-23 0810 PDT");
    tz_format_multi(buf, sizeof buf, &t, NULL, 0, TZ_STYLE_HHMM);
    assert_string_equal(buf, "1510 UTC");
    /* snprintf-style: the full length comes back, the buffer ends in NUL */
    char small[8];
    int n = tz_format_multi(small, sizeof small, &t, pair, 2, TZ_STYLE_HHMM);
    assert_int_equal(n, (int)strlen("0810 PDT / 1610 BST"));
    assert_string_equal(small, "0810 PD");
    assert_int_equal(tz_format_multi(NULL, 0, &t, pair, 2, TZ_STYLE_HHMM), n);
    /* an absent time */
    struct od_time none = {0};
    tz_format_multi(buf, sizeof buf, &none, pair, 2, TZ_STYLE_HHMM);
    assert_string_equal(buf, "--");
    /* repeated calls hit the cache and agree */
    for (int i = 0; i < 3; i++) {
        tz_format_multi(buf, sizeof buf, &t, pair, 2, TZ_STYLE_HHMM);
        assert_string_equal(buf, "0810 PDT / 1610 BST");
    }
}

static void check_from_local(const char *zone, int y, int mo, int d, int h, int mi,
                             const char *want_utc, int want_off_min)
{
    struct od_time t;
    assert_true(tz_from_local(zone, y, mo, d, h, mi, 0, &t));
    struct od_time want = at(want_utc);
    assert_true(t.valid);
    assert_int_equal(t.sec, want.sec);
    assert_int_equal(t.offset_min, want_off_min);
}

static void test_from_local_gaps_and_overlaps(void **state)
{
    (void)state;
    const char *la = "America/Los_Angeles", *lon = "Europe/London";
    /* ordinary times */
    check_from_local(la, 2016, 5, 23, 8, 10, "2016-05-23T15:10:00Z", -420);
    check_from_local(lon, 2016, 5, 23, 16, 10, "2016-05-23T15:10:00Z", 60);
    check_from_local(lon, 2016, 1, 14, 18, 0, "2016-01-14T18:00:00Z", 0);
    check_from_local(NULL, 2016, 1, 14, 18, 0, "2016-01-14T18:00:00Z", 0);
    /* gaps resolve forward: 02:30 does not exist, 03:30 PDT / 02:30 BST do */
    check_from_local(la, 2016, 3, 13, 2, 30, "2016-03-13T10:30:00Z", -420);
    check_from_local(lon, 2016, 3, 27, 1, 30, "2016-03-27T01:30:00Z", 60);
    /* overlaps take the earlier instant (still daylight time) */
    check_from_local(la, 2016, 11, 6, 1, 30, "2016-11-06T08:30:00Z", -420);
    check_from_local(lon, 2016, 10, 30, 1, 30, "2016-10-30T00:30:00Z", 60);
    /* just outside them */
    check_from_local(la, 2016, 11, 6, 2, 0, "2016-11-06T10:00:00Z", -480);
    check_from_local(lon, 2016, 10, 30, 2, 0, "2016-10-30T02:00:00Z", 0);
    check_from_local(la, 2016, 3, 13, 1, 59, "2016-03-13T09:59:00Z", -480);
    /* errors */
    struct od_time t;
    assert_false(tz_from_local("Mars/Olympus_Mons", 2016, 5, 23, 8, 10, 0, &t));
    assert_false(t.valid);
    assert_false(tz_from_local(la, 2016, 2, 30, 8, 10, 0, &t));
    assert_false(tz_from_local(la, 2016, 13, 1, 8, 10, 0, &t));
    assert_false(tz_from_local(la, 2016, 5, 23, 24, 0, 0, &t));
    assert_true(tz_from_local(la, 2016, 2, 29, 0, 0, 0, &t));
}

static void test_age_and_duration(void **state)
{
    (void)state;
    char buf[32];
    int64_t now = 1464016200;
    tz_format_age(buf, sizeof buf, now, now);
    assert_string_equal(buf, "now");
    tz_format_age(buf, sizeof buf, now - 5, now);
    assert_string_equal(buf, "now");
    tz_format_age(buf, sizeof buf, now - 45, now);
    assert_string_equal(buf, "45s ago");
    tz_format_age(buf, sizeof buf, now - 12 * 60 - 30, now);
    assert_string_equal(buf, "12m ago");
    tz_format_age(buf, sizeof buf, now - 3 * 3600 - 5 * 60, now);
    assert_string_equal(buf, "3h 5m ago");
    tz_format_age(buf, sizeof buf, now - 3 * 3600, now);
    assert_string_equal(buf, "3h ago");
    tz_format_age(buf, sizeof buf, now - 2 * 86400 - 4 * 3600, now);
    assert_string_equal(buf, "2d ago");
    tz_format_age(buf, sizeof buf, now + 12 * 60, now);
    assert_string_equal(buf, "in 12m");
    int n = tz_format_age(buf, 4, now - 3 * 3600 - 5 * 60, now);
    assert_int_equal(n, 9);
    assert_string_equal(buf, "3h ");
    tz_format_age(buf, sizeof buf, INT64_MIN, INT64_MAX);
    assert_non_null(strstr(buf, "d ago"));

    tz_format_duration(buf, sizeof buf, 45);
    assert_string_equal(buf, "45s");
    tz_format_duration(buf, sizeof buf, 12 * 60);
    assert_string_equal(buf, "12m");
    tz_format_duration(buf, sizeof buf, 3 * 3600 + 5 * 60 + 59);
    assert_string_equal(buf, "3h 5m");
    tz_format_duration(buf, sizeof buf, 2 * 86400 + 4 * 3600);
    assert_string_equal(buf, "2d 4h");
    tz_format_duration(buf, sizeof buf, 2 * 86400);
    assert_string_equal(buf, "2d");
    tz_format_duration(buf, sizeof buf, -90);
    assert_string_equal(buf, "-1m");
    tz_format_duration(buf, sizeof buf, INT64_MIN);
    assert_int_equal(buf[0], '-');
}

static void test_many_zones_recycle_cache(void **state)
{
    (void)state;
    /* more zones than the interned table holds: entries are recycled and the
     * answers stay right */
    static const struct { const char *zone; int gmtoff; } z[] = {
        {"Europe/London", 3600},        {"America/Los_Angeles", -25200},
        {"America/New_York", -14400},   {"Europe/Amsterdam", 7200},
        {"Europe/Paris", 7200},         {"Europe/Berlin", 7200},
        {"Asia/Tokyo", 32400},          {"Asia/Kolkata", 19800},
        {"Australia/Sydney", 36000},    {"America/Chicago", -18000},
        {"America/Denver", -21600},     {"America/Phoenix", -25200},
        {"Pacific/Auckland", 43200},    {"Asia/Singapore", 28800},
        {"Africa/Johannesburg", 7200},  {"America/Sao_Paulo", -10800},
        {"Europe/Moscow", 10800},       {"Asia/Shanghai", 28800},
        {"Pacific/Honolulu", -36000},   {"Atlantic/Reykjavik", 0},
    };
    struct tz_local l;
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < sizeof z / sizeof z[0]; i++) {
            assert_true(tz_localtime(z[i].zone, 1464016200, &l));
            assert_int_equal(l.gmtoff, z[i].gmtoff);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_history_pairs),
        cmocka_unit_test(test_seven_hour_weeks),
        cmocka_unit_test(test_dst_changes_both_zones),
        cmocka_unit_test(test_utc_and_numeric_abbreviations),
        cmocka_unit_test(test_unknown_and_hostile_zones),
        cmocka_unit_test(test_caller_tz_restored),
        cmocka_unit_test(test_styles_and_truncation),
        cmocka_unit_test(test_from_local_gaps_and_overlaps),
        cmocka_unit_test(test_age_and_duration),
        cmocka_unit_test(test_many_zones_recycle_cache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
