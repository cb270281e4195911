/* Templates (shipped, user, placeholders) and times typed in configured zones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "opsdeck/post_time.h"
#include "opsdeck/templates.h"

static char dir[256];

static int setup(void **state)
{
    (void)state;
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/od-tpl-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(dir))
        return -1;
    setenv("XDG_CONFIG_HOME", dir, 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    unsetenv("XDG_CONFIG_HOME");
    return system(cmd) == 0 ? 0 : -1;
}

static void test_shipped(void **state)
{
    (void)state;
    struct template *v;
    size_t n = templates_load(&v, NULL);
    assert_true(n >= 5);
    static const char *const names[] = {"investigating", "identified", "monitoring",
                                        "resolved", "maintenance"};
    static const enum incident_status st[] = {INC_INVESTIGATING, INC_IDENTIFIED,
                                              INC_MONITORING, INC_RESOLVED, INC_SCHEDULED};
    for (size_t i = 0; i < 5; i++) {
        const struct template *t = templates_find(v, n, names[i]);
        assert_non_null(t);
        assert_int_equal(t->status, st[i]);
        assert_false(t->user);
        assert_non_null(strstr(t->text, "{component}"));
        assert_null(strstr(t->text, "status:"));
    }
    assert_non_null(strstr(templates_find(v, n, "identified")->text, "{eta}"));
    assert_non_null(strstr(templates_find(v, n, "maintenance")->text, "{start}"));
    templates_free(v, n);
}

static void test_fill(void **state)
{
    (void)state;
    struct template_vars vars = {.component = "I-3 hosted email",
                                 .eta = "1300 PDT / 2100 BST", .title = NULL};
    char *s = template_fill("{component} back by {eta}; {title} {unknown} {", &vars);
    assert_string_equal(s, "I-3 hosted email back by 1300 PDT / 2100 BST; {title} {unknown} {");
    free(s);
    /* a value is inserted as is, never re-expanded */
    struct template_vars loop = {.component = "{component}{eta}", .eta = "x"};
    s = template_fill("{component}", &loop);
    assert_string_equal(s, "{component}{eta}");
    free(s);
}

static void test_user(void **state)
{
    (void)state;
    char path[400];
    snprintf(path, sizeof(path), "%s/opsdeck", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/opsdeck/templates", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/opsdeck/templates/resolved.txt", dir);
    FILE *f = fopen(path, "w");
    fputs("status: resolved\n\nAll clear for {component}.\x1b[31m\n", f);
    fclose(f);
    snprintf(path, sizeof(path), "%s/opsdeck/templates/handover.txt", dir);
    f = fopen(path, "w");
    fputs("Handing over to the {eta} shift.\n", f);
    fclose(f);
    snprintf(path, sizeof(path), "%s/opsdeck/templates/bad.txt", dir);
    f = fopen(path, "w");
    fputs("status: exploded\n\nx\n", f);
    fclose(f);
    struct template *v;
    struct od_error err;
    size_t n = templates_load(&v, &err);
    const struct template *r = templates_find(v, n, "resolved");
    assert_true(r->user);
    assert_string_equal(r->text, "All clear for {component}.");
    const struct template *h = templates_find(v, n, "handover");
    assert_non_null(h);
    assert_int_equal(h->status, INC_UNKNOWN);
    assert_null(templates_find(v, n, "bad"));
    assert_non_null(strstr(err.text, "exploded"));
    templates_free(v, n);
}

static const char *const zones[] = {"America/Los_Angeles", "Europe/London"};

static int64_t parse_ok(const char *s, int64_t now)
{
    struct od_time t;
    struct od_error err;
    if (post_time_parse(s, zones, 2, now, &t, &err) != OD_OK)
        fail_msg("%s: %s", s, err.text);
    return t.sec;
}

static void test_times(void **state)
{
    (void)state;
    struct od_time t;
    struct od_error err;
    /* 2016-05-23 12:00 UTC: PDT and BST in force */
    int64_t now = 1464004800;
    assert_true(time_parse_rfc3339("2016-05-23T15:00:00Z", &t));
    int64_t want = t.sec;
    assert_int_equal(parse_ok("2016-05-23T15:00:00Z", now), want);
    assert_int_equal(parse_ok("2016-05-23 16:00 Europe/London", now), want);
    assert_int_equal(parse_ok("2016-05-23 08:00 PDT", now), want);
    assert_int_equal(parse_ok("2016-05-23 08:00", now), want);     /* first zone */
    assert_int_equal(parse_ok("08:00 PDT", now), want);
    assert_int_equal(parse_ok("1600 BST", now), want);
    assert_int_equal(parse_ok("15:00 UTC", now), want);
    assert_int_equal(parse_ok("2016-05-23 11:00 America/New_York", now), want);
    /* PST is found although it is summer (the zone uses it in winter) */
    assert_int_equal(parse_ok("2016-05-23 07:00 PST", now), want);
    /* winter: GMT for London */
    assert_true(time_parse_rfc3339("2026-12-01T22:00:00Z", &t));
    assert_int_equal(parse_ok("2026-12-01 22:00 Europe/London", now), t.sec);
    assert_int_equal(post_time_parse("2016-05-23 08:00 XYZ", zones, 2, now, &t, &err),
                     OD_INVALID);
    assert_non_null(strstr(err.text, "configured"));
    assert_int_equal(post_time_parse("25:00", zones, 2, now, &t, &err), OD_INVALID);
    assert_int_equal(post_time_parse("2016-02-30 10:00", zones, 2, now, &t, &err), OD_INVALID);
    assert_int_equal(post_time_parse("tomorrow", zones, 2, now, &t, &err), OD_INVALID);
    assert_non_null(strstr(err.text, "Europe/London"));
    assert_int_equal(post_time_parse("10:00 ../../etc/passwd", zones, 2, now, &t, &err),
                     OD_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped),
        cmocka_unit_test(test_fill),
        cmocka_unit_test_setup_teardown(test_user, setup, teardown),
        cmocka_unit_test(test_times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
