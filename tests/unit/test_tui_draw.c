/* Headless screens: the demo feed drawn into a newterm on /dev/null at fixed
 * sizes with a pinned clock, compared with golden text in tests/screen/.
 * OPSDECK_UPDATE_GOLDEN=1 rewrites the golden files (then review the diff). */
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

#include "opsdeck/clock.h"
#include "opsdeck/config.h"
#include "opsdeck/curses.h"
#include "opsdeck/events.h"
#include "opsdeck/fetch_simple.h"
#include "opsdeck/state.h"
#include "opsdeck/text.h"
#include "opsdeck/tui_dash.h"
#include "opsdeck/tui_draw.h"
#include "opsdeck/tui_screen.h"

/* 2016-05-23 08:22 PDT: twelve minutes after the demo's last update */
#define DEMO_NOW 1464016920

struct fx {
    struct config *cfg;
    struct state *st;
    struct dash d;
};

static struct config *demo_config(const char *extra_feed)
{
    const char *src = getenv("OPSDECK_SRC");
    char doc[4096];
    snprintf(doc, sizeof(doc),
             "{ \"title\": \"MaxMail (demo)\",\n"
             "  \"timezones\": [\"America/Los_Angeles\", \"Europe/London\"],\n"
             "  \"feeds\": [ { \"id\": \"maxmail\", \"name\": \"MaxMail\",\n"
             "                 \"url\": \"file://%s/demo/maxmail\" }%s ],\n"
             "  \"panes\": [\n"
             "    { \"title\": \"Amsterdam\", \"components\": [\"maxmail:Amsterdam*\"] },\n"
             "    { \"title\": \"California\", \"components\": [\"maxmail:California*\"] },\n"
             "    { \"title\": \"I-3 hosted email\", \"components\": [\"maxmail:I-3*\"] },\n"
             "    { \"title\": \"MaxMail filtering\", \"components\": [\"maxmail:MaxMail filtering*\"] },\n"
             "    { \"title\": \"Archive journaling\", \"components\": [\"maxmail:Archive*\"] } ] }\n",
             src ? src : ".", extra_feed);
    struct od_error err;
    struct config *cfg = config_parse(doc, strlen(doc), "demo.json", &err);
    if (!cfg)
        fail_msg("config: %s", err.text);
    return cfg;
}

static void fx_open(struct fx *f, int rows, int cols)
{
    clock_pin_wall(DEMO_NOW);
    f->cfg = demo_config("");
    f->st = state_new(f->cfg);
    struct od_error err;
    struct snapshot *snap = fetch_feed(&f->cfg->feeds[0], &err);
    if (!snap)
        fail_msg("demo: %s", err.text);
    state_feed_take(f->st, 0, snap, DEMO_NOW - 5);
    state_recompute(f->st, DEMO_NOW);
    dash_init(&f->d, f->cfg, f->st);
    f->d.now = DEMO_NOW;
    setenv("LANG", "C.UTF-8", 1);
    unsetenv("OPSDECK_ASCII");
    unsetenv("NO_COLOR");
    assert_true(tui_screen_start(&f->d, true, rows, cols));
    f->d.ascii = false;
}

static void fx_close(struct fx *f)
{
    tui_screen_stop();
    dash_fini(&f->d);
    state_free(f->st);
    config_free(f->cfg);
    clock_pin_wall(0);
}

/* The screen as text. */
static char *screen_text(struct fx *f)
{
    tui_screen_render(&f->d, false, NULL, NULL);
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    tui_dump_window(stdscr, m);
    fclose(m);
    return buf;
}

static void golden(struct fx *f, const char *name)
{
    char *got = screen_text(f);
    const char *src = getenv("OPSDECK_SRC");
    char path[4096];
    snprintf(path, sizeof(path), "%s/tests/screen/%s.screen", src ? src : ".", name);
    const char *upd = getenv("OPSDECK_UPDATE_GOLDEN");
    if (upd && upd[0] == '1') {
        FILE *out = fopen(path, "w");
        assert_non_null(out);
        fputs(got, out);
        fclose(out);
    }
    FILE *in = fopen(path, "r");
    if (!in)
        fail_msg("no golden screen %s (OPSDECK_UPDATE_GOLDEN=1 writes it)", path);
    static char want[1 << 16];
    size_t n = fread(want, 1, sizeof(want) - 1, in);
    want[n] = '\0';
    fclose(in);
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "screen %s differs; got:\n%s\n", name, got);
        free(got);
        fail_msg("screen %s differs from %s", name, path);
    }
    free(got);
}

static bool screen_has(struct fx *f, const char *text)
{
    char *got = screen_text(f);
    bool has = strstr(got, text) != NULL;
    if (!has)
        fprintf(stderr, "[%s] not on screen:\n%s\n", text, got);
    free(got);
    return has;
}

static bool screen_lacks(struct fx *f, const char *text)
{
    char *got = screen_text(f);
    bool has = strstr(got, text) != NULL;
    if (has)
        fprintf(stderr, "[%s] on screen:\n%s\n", text, got);
    free(got);
    return !has;
}

static void keys(struct fx *f, const char *s)
{
    for (; *s; s++)
        dash_key(&f->d, (unsigned char)*s, false);
}

static void test_main_80x24(void **s)
{
    (void)s;
    struct fx f;
    fx_open(&f, 24, 80);
    golden(&f, "main-80x24");
    fx_close(&f);
}

static void test_main_wall(void **s)
{
    (void)s;
    struct fx f;
    fx_open(&f, 48, 160);
    golden(&f, "main-160x48");
    fx_close(&f);
}


static void test_detail_from_pane(void **s)
{
    (void)s;
    struct fx f;
    fx_open(&f, 40, 100);
    keys(&f, "\t\t");           /* Amsterdam → California → I-3 hosted email */
    assert_int_equal(f.d.focus, 2);
    keys(&f, "\r");
    assert_int_equal(f.d.view, VIEW_DETAIL);
    golden(&f, "detail-100x40");
    keys(&f, "\x1b");
    assert_int_equal(f.d.view, VIEW_MAIN);
    fx_close(&f);
}

static void test_timeline_select_and_open(void **s)
{
    (void)s;
    struct fx f;
    fx_open(&f, 24, 80);
    dash_key(&f.d, KEY_BTAB, true);     /* from the first pane back to the timeline */
    assert_int_equal(f.d.focus, 5);
    keys(&f, "jjjjG");
    assert_int_equal(f.d.tl_sel, 8);
    keys(&f, "\r");
    assert_true(screen_has(&f, "Message Processing"));
    keys(&f, "G");
    assert_true(screen_has(&f, "Message processing is operating normally"));
    keys(&f, "g");
    assert_true(screen_has(&f, "Updates (3, newest first)"));
    keys(&f, "q");                      /* q goes back from a view */
    assert_int_equal(f.d.view, VIEW_MAIN);
    assert_int_equal(dash_key(&f.d, 'q', false), DASH_QUIT);
    fx_close(&f);
}

static void test_filter(void **s)
{
    (void)s;
    struct fx f;
    fx_open(&f, 24, 80);
    keys(&f, "/status:resol\r");
    assert_true(screen_has(&f, "Timeline · 2 of 9 updates · filter: status:resol"));
    assert_int_equal(f.d.n_rows, 2);
    keys(&f, "/");
    for (int i = 0; i < 20; i++)
        dash_key(&f.d, KEY_BACKSPACE, true);
    keys(&f, "feed:nosuch\r");
    assert_true(screen_has(&f, "no update matches the filter"));
    keys(&f, "\x1b");                   /* Esc on the main view clears the filter */
    assert_true(screen_has(&f, "Timeline · 9 updates"));
    keys(&f, "/pane:amster disk\r");
    assert_int_equal(f.d.n_rows, 0);
    keys(&f, "/\x15pane:I-3 disk\r");
    assert_int_equal(f.d.n_rows, 2);
    keys(&f, "/\x15restoration\r");
    assert_int_equal(f.d.n_rows, 1);
    /* typed text: wide characters kept, controls and bidi overrides dropped */
    keys(&f, "/\x15");
    dash_key(&f.d, 0x8def, false);     /* 路 */
    dash_key(&f.d, 0x202e, false);     /* RIGHT-TO-LEFT OVERRIDE */
    dash_key(&f.d, 0x9b, false);       /* C1 CSI */
    dash_key(&f.d, 'x', false);
    assert_string_equal(f.d.input_buf, "路x");
    dash_key(&f.d, KEY_BACKSPACE, true);
    dash_key(&f.d, KEY_BACKSPACE, true);
    assert_string_equal(f.d.input_buf, "");
    keys(&f, "\x1b");
    assert_int_equal(f.d.input, INPUT_NONE);
    fx_close(&f);
}

/* XDG_CONFIG_HOME/opsdeck/themes pointing at the source tree's themes. */
static char xdg_dir[4096];
static void themes_in_xdg(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(xdg_dir, sizeof(xdg_dir), "%s/od-draw-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    assert_non_null(mkdtemp(xdg_dir));
    char path[4200], target[4096];
    snprintf(path, sizeof(path), "%s/opsdeck", xdg_dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof(path), "%s/opsdeck/themes", xdg_dir);
    const char *src = getenv("OPSDECK_SRC");
    snprintf(target, sizeof(target), "%s/themes", src && src[0] == '/' ? src : ".");
    assert_int_equal(symlink(target, path), 0);
    setenv("XDG_CONFIG_HOME", xdg_dir, 1);
}
static void themes_in_xdg_done(void)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/opsdeck/themes", xdg_dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/opsdeck", xdg_dir);
    rmdir(path);
    rmdir(xdg_dir);
}

static void test_help_and_commands(void **s)
{
    (void)s;
    themes_in_xdg();
    struct fx f;
    fx_open(&f, 30, 100);
    keys(&f, "?");
    golden(&f, "help-100x30");
    keys(&f, "x");                      /* any key closes */
    assert_false(f.d.help);
    keys(&f, ":tz UTC\r");
    assert_true(screen_has(&f, "1522 UTC"));
    keys(&f, ":tz Mars/Olympus\r");
    assert_true(screen_has(&f, "unknown time zone \"Mars/Olympus\""));
    keys(&f, ":tz\r");
    assert_true(screen_has(&f, "0822 PDT / 1622 BST"));
    keys(&f, ":pane filtering\r");
    assert_int_equal(f.d.focus, 3);
    keys(&f, ":theme nosuch\r");
    assert_true(screen_has(&f, "theme \"nosuch\" not found"));
    assert_int_equal(dash_command(&f.d, "theme light"), DASH_THEME);
    assert_string_equal(f.d.theme.name, "light");
    keys(&f, ":bogus\r");
    assert_true(screen_has(&f, "unknown command \"bogus\""));
    keys(&f, ":feed maxmail\r");
    assert_int_equal(f.d.view, VIEW_FEEDS);
    assert_true(screen_has(&f, "url           file://"));
    assert_true(screen_has(&f, "MaxMail (maxmail, statuspage)"));
    keys(&f, "m");
    assert_int_equal(f.d.view, VIEW_MAINT);
    assert_true(screen_has(&f, "I-3 service maintenance · MaxMail"));
    assert_true(screen_has(&f, "left"));
    keys(&f, "\r");
    assert_int_equal(f.d.view, VIEW_DETAIL);
    assert_true(screen_has(&f, "starts"));
    keys(&f, "\x1b");
    assert_int_equal(f.d.view, VIEW_MAINT);
    fx_close(&f);
    themes_in_xdg_done();
}

static void test_alert_and_ack(void **s)
{
    (void)s;
    struct fx f;
    fx_open(&f, 24, 80);
    struct event ev = {.kind = EV_UPDATE_NEW, .feed = 0, .incident_id = "i3disk052316"};
    struct event better = {.kind = EV_COMPONENT_BETTER, .feed = 0, .component_id = "x"};
    assert_false(dash_events(&f.d, &better, 1));
    assert_false(f.d.flash);
    assert_true(dash_events(&f.d, &ev, 1));
    assert_true(f.d.flash);
    assert_true(f.d.bell);
    assert_true(dash_pane_alerted(&f.d, 2));
    assert_false(dash_pane_alerted(&f.d, 0));
    assert_true(screen_has(&f, "ALERT 1"));
    assert_false(f.d.bell);             /* rung once, at that frame */
    dash_events(&f.d, &ev, 1);          /* the same incident again: still one alert */
    assert_int_equal(f.d.n_alerts, 1);
    keys(&f, "a");
    assert_int_equal(f.d.n_alerts, 0);
    assert_false(f.d.flash);
    assert_true(screen_lacks(&f, "ALERT"));
    fx_close(&f);
}

static void test_too_small_and_resize(void **s)
{
    (void)s;
    struct fx f;
    fx_open(&f, 24, 80);
    resizeterm(12, 50);
    dash_resize(&f.d, 12, 50);
    assert_true(screen_has(&f, "opsdeck: terminal 50x12 is too small: need 60x16"));
    resizeterm(60, 200);
    dash_resize(&f.d, 60, 200);
    assert_true(screen_has(&f, "Archive journaling"));
    fx_close(&f);
}

/* Every line of the dump fits the screen, and right-aligned status words of
 * panes holding wide names end in the same column. */
static void test_wide_characters_aligned(void **s)
{
    (void)s;
    struct fx f;
    fx_open(&f, 24, 80);
    struct snapshot *snap = snapshot_clone(f.st->feeds[0].snap);
    for (size_t i = 0; i < snap->n_components; i++)
        if (snap->components[i].name && strstr(snap->components[i].name, "Amsterdam inbound"))
            snap->components[i].name = "阿姆斯特丹 入站邮件 📨 Amsterdam";
    state_feed_take(f.st, 0, snap, DEMO_NOW);
    dash_state_changed(&f.d);
    char *text = screen_text(&f);
    int lineno = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"), lineno++) {
        if (text_width(line) > 80)
            fail_msg("line %d is %d columns: %s", lineno, text_width(line), line);
        if (strstr(line, "阿姆斯特丹")) {
            /* left pane: its status word ("ok" beside a long name) ends at column 39 */
            char *op = strstr(line, " ok ");
            assert_non_null(op);
            assert_int_equal(text_width_n(line, (size_t)(op - line)) + 3, 39);
        }
    }
    free(text);
    fx_close(&f);
}

/* Every feed down and nothing cached: still a dashboard, saying so. */
static void test_every_feed_down(void **s)
{
    (void)s;
    clock_pin_wall(DEMO_NOW);
    struct config *cfg = demo_config("");
    struct state *st = state_new(cfg);
    state_feed_fail(st, 0, "HTTP 503 for http://127.0.0.1:1/api/v2/summary.json", DEMO_NOW);
    struct dash d;
    dash_init(&d, cfg, st);
    d.now = DEMO_NOW;
    setenv("LANG", "C.UTF-8", 1);
    assert_true(tui_screen_start(&d, true, 24, 80));
    struct fx f = {cfg, st, d};
    assert_true(screen_has(&f, "? no data yet"));
    assert_true(screen_has(&f, "0 feeds ok · 1 down"));
    assert_true(screen_has(&f, "no updates yet"));
    assert_true(screen_has(&f, "Amsterdam           ? unknown · stale"));
    assert_true(screen_has(&f, "DOWN 1"));
    keys(&f, "f");
    assert_true(screen_has(&f, "■ down MaxMail (maxmail, statuspage)"));
    assert_true(screen_has(&f, "last error    HTTP 503 for"));
    keys(&f, "\x1b\t\r");       /* nothing to open: a message, no crash */
    assert_true(screen_has(&f, "nothing selected to open"));
    fx_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_main_80x24),
        cmocka_unit_test(test_main_wall),
        cmocka_unit_test(test_detail_from_pane),
        cmocka_unit_test(test_timeline_select_and_open),
        cmocka_unit_test(test_filter),
        cmocka_unit_test(test_help_and_commands),
        cmocka_unit_test(test_alert_and_ack),
        cmocka_unit_test(test_too_small_and_resize),
        cmocka_unit_test(test_wide_characters_aligned),
        cmocka_unit_test(test_every_feed_down),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
