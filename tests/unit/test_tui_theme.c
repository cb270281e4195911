/* Themes: the shipped files parse and name every role, errors name line and
 * column, user themes are found, colours degrade per depth, statuses carry a
 * glyph and a word. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "opsdeck/text.h"
#include "opsdeck/tui_theme.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    static char buf[65536];
    *len = fread(buf, 1, sizeof(buf) - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

static void test_shipped_themes_name_every_role(void **s)
{
    (void)s;
    const char *src = getenv("OPSDECK_SRC");
    const char *names[] = {"default", "light", "high-contrast", "colourblind", "mono"};
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/themes/%s.theme", src ? src : ".", names[i]);
        size_t len;
        const char *text = slurp(path, &len);
        struct od_error err;
        struct theme t;
        memset(&t, 0, sizeof(t));
        assert_int_equal(theme_parse(&t, text, len, path, &err), OD_OK);
        for (int r = 0; r < ROLE__COUNT; r++) {
            char key[64];
            snprintf(key, sizeof(key), "\n%s ", theme_role_key((enum theme_role)r));
            if (!strstr(text, key))
                fail_msg("%s does not set %s", names[i], theme_role_key((enum theme_role)r));
        }
    }
}

static void test_parse_values(void **s)
{
    (void)s;
    struct theme t;
    theme_builtin_default(&t);
    const char *doc = "# c\n\n  status.major = #ff0000 bright-black bold underline\r\n"
                      "time = 33\nnormal=default\n";
    struct od_error err;
    assert_int_equal(theme_parse(&t, doc, strlen(doc), "x.theme", &err), OD_OK);
    assert_int_equal(t.roles[ROLE_MAJOR].fg.kind, TC_RGB);
    assert_int_equal(t.roles[ROLE_MAJOR].fg.value, 0xff0000);
    assert_int_equal(t.roles[ROLE_MAJOR].bg.kind, TC_INDEX);
    assert_int_equal(t.roles[ROLE_MAJOR].bg.value, 8);
    assert_int_equal(t.roles[ROLE_MAJOR].attrs, THEME_ATTR_BOLD | THEME_ATTR_UNDERLINE);
    assert_int_equal(t.roles[ROLE_TIME].fg.value, 33);
    assert_int_equal(t.roles[ROLE_TIME].bg.kind, TC_DEFAULT);
    assert_int_equal(t.roles[ROLE_NORMAL].fg.kind, TC_DEFAULT);
    /* roles not named keep the default's value */
    struct theme d;
    theme_builtin_default(&d);
    assert_memory_equal(&t.roles[ROLE_OK], &d.roles[ROLE_OK], sizeof(d.roles[ROLE_OK]));
}

static void expect_error(const char *doc, int line, int col, const char *text)
{
    struct theme t;
    theme_builtin_default(&t);
    struct od_error err;
    assert_int_equal(theme_parse(&t, doc, strlen(doc), "bad.theme", &err), OD_CONFIG);
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, col);
    if (!strstr(err.text, text))
        fail_msg("error \"%s\" lacks \"%s\"", err.text, text);
}

static void test_parse_errors(void **s)
{
    (void)s;
    expect_error("normal = default\nstatus.mjaor = red\n", 2, 1, "unknown role \"status.mjaor\"");
    expect_error("time = 256\n", 1, 8, "\"256\" is not a colour");
    expect_error("time = red blue blinking\n", 1, 17, "\"blinking\" is not a colour or attribute");
    expect_error("time = #12345\n", 1, 8, "not a colour");
    expect_error("time =\n", 1, 7, "expected a foreground colour");
    expect_error("just words\n", 1, 1, "expected `role = FG BG");
    expect_error("time = red\x1b[2J\n", 1, 8, "not a colour");
    char nul[] = "time = red\0\n";
    struct theme t;
    struct od_error err;
    theme_builtin_default(&t);
    assert_int_equal(theme_parse(&t, nul, sizeof(nul) - 1, "nul", &err), OD_CONFIG);
    /* escape bytes are never echoed back */
    theme_builtin_default(&t);
    const char *esc = "\x1b]0;x\x07 = red\n";
    assert_int_equal(theme_parse(&t, esc, strlen(esc), "e", &err), OD_CONFIG);
    assert_null(strchr(err.text, '\x1b'));
}

static void test_user_theme_dir(void **s)
{
    (void)s;
    char dir[] = "/tmp/od-theme-XXXXXX";
    const char *tmpdir = getenv("TMPDIR");
    char base[4096];
    snprintf(base, sizeof(base), "%s/od-theme-XXXXXX", tmpdir && tmpdir[0] ? tmpdir : "/tmp");
    assert_non_null(mkdtemp(base));
    (void)dir;
    char path[4200];
    snprintf(path, sizeof(path), "%s/opsdeck", base);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof(path), "%s/opsdeck/themes", base);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof(path), "%s/opsdeck/themes/mine.theme", base);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("status.ok = magenta default bold\n", f);
    fclose(f);
    setenv("XDG_CONFIG_HOME", base, 1);

    struct theme t;
    struct od_error err;
    assert_int_equal(theme_load(&t, "mine", &err), OD_OK);
    assert_string_equal(t.name, "mine");
    assert_int_equal(t.roles[ROLE_OK].fg.value, 5);
    assert_int_equal(theme_load(&t, "nosuch", &err), OD_NOTFOUND);
    assert_non_null(strstr(err.text, "theme \"nosuch\" not found"));
    assert_string_equal(t.name, "default");
    assert_int_equal(theme_load(&t, "../etc/passwd", &err), OD_INVALID);
    assert_int_equal(theme_load(&t, "default", &err), OD_OK);

    f = fopen(path, "w");
    fputs("status.ok = purple\n", f);
    fclose(f);
    assert_int_equal(theme_load(&t, "mine", &err), OD_CONFIG);
    assert_non_null(strstr(err.source, "mine.theme"));
    assert_int_equal(err.line, 1);
    unlink(path);
    snprintf(path, sizeof(path), "%s/opsdeck/themes", base);
    rmdir(path);
    snprintf(path, sizeof(path), "%s/opsdeck", base);
    rmdir(path);
    rmdir(base);
}

static void test_depths(void **s)
{
    (void)s;
    assert_int_equal(theme_depth_for(256, true, "1"), DEPTH_MONO);
    assert_int_equal(theme_depth_for(256, true, ""), DEPTH_256);   /* empty NO_COLOR: ignored */
    assert_int_equal(theme_depth_for(256, false, NULL), DEPTH_MONO);
    assert_int_equal(theme_depth_for(8, true, NULL), DEPTH_8);      /* TERM=linux */
    assert_int_equal(theme_depth_for(16, true, NULL), DEPTH_16);
    assert_int_equal(theme_depth_for(0x1000000, true, NULL), DEPTH_TRUECOLOR);
    assert_int_equal(theme_depth_for(2, true, NULL), DEPTH_MONO);

    struct theme_color orange = {TC_RGB, 0xff8700};
    bool bold;
    assert_int_equal(theme_color_at(orange, DEPTH_TRUECOLOR, &bold), 0xff8700);
    assert_int_equal(theme_color_at(orange, DEPTH_256, &bold), 208);
    assert_int_equal(theme_color_at(orange, DEPTH_16, &bold), 3);
    assert_int_equal(theme_color_at(orange, DEPTH_MONO, &bold), -1);
    struct theme_color bred = {TC_INDEX, 9};
    assert_int_equal(theme_color_at(bred, DEPTH_16, &bold), 9);
    assert_int_equal(theme_color_at(bred, DEPTH_8, &bold), 1);
    assert_true(bold);
    assert_int_equal(theme_color_at(bred, DEPTH_TRUECOLOR, &bold), 0xff0000);
    struct theme_color grey = {TC_INDEX, 244};
    assert_int_equal(theme_color_at(grey, DEPTH_256, &bold), 244);
    assert_int_equal(theme_color_at(grey, DEPTH_16, &bold), 8);
    struct theme_color def = {TC_DEFAULT, 0};
    assert_int_equal(theme_color_at(def, DEPTH_256, &bold), -1);
    struct theme_color black = {TC_RGB, 0x000000};
    assert_int_equal(theme_color_at(black, DEPTH_TRUECOLOR, &bold), 8);

    /* mono: roles that must stay visible get their attributes */
    struct theme t;
    theme_builtin_default(&t);
    struct theme_resolved_style r[ROLE__COUNT];
    theme_resolve(&t, DEPTH_MONO, r);
    assert_int_equal(r[ROLE_MAJOR].fg, -1);
    assert_true(r[ROLE_SELECTED].attrs & THEME_ATTR_REVERSE);
    assert_true(r[ROLE_PANE_FOCUS].attrs & THEME_ATTR_REVERSE);
    assert_true(r[ROLE_ALERT_ROW].attrs & THEME_ATTR_UNDERLINE);
    theme_resolve(&t, DEPTH_8, r);
    assert_int_equal(r[ROLE_MAJOR].fg, 1);
    assert_true(r[ROLE_MAJOR].attrs & THEME_ATTR_BOLD);
}

static void test_status_glyphs_and_words(void **s)
{
    (void)s;
    for (int c = 0; c < COMP__COUNT; c++) {
        for (int ascii = 0; ascii < 2; ascii++) {
            const char *g = theme_glyph_component((enum component_status)c, ascii);
            assert_int_equal(text_width(g), 1);
            if (ascii)
                assert_true((unsigned char)g[0] < 128);
        }
        assert_true(strlen(theme_word_component((enum component_status)c)) > 3);
    }
    for (int i = 0; i < INC__COUNT; i++)
        assert_int_equal(text_width(theme_glyph_incident((enum incident_status)i, false)), 1);
    /* distinct glyphs for distinct component statuses */
    for (int a = 0; a < COMP__COUNT; a++)
        for (int b = 0; b < a; b++)
            assert_string_not_equal(theme_glyph_component((enum component_status)a, true),
                                    theme_glyph_component((enum component_status)b, true));
    assert_int_equal(theme_role_for_component(COMP_MAJOR_OUTAGE), ROLE_MAJOR);
    assert_int_equal(theme_role_for_incident(INC_RESOLVED), ROLE_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_themes_name_every_role),
        cmocka_unit_test(test_parse_values),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_user_theme_dir),
        cmocka_unit_test(test_depths),
        cmocka_unit_test(test_status_glyphs_and_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
