/* The key table: every action reachable by its keys, every key listed in the
 * man page's KEYS section, and the views each applies to. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/attrs.h"
#include "opsdeck/curses.h"
#include "opsdeck/tui_keys.h"

static void test_every_action_has_a_key(void **s)
{
    (void)s;
    bool reached[ACT__COUNT] = {false};
    for (int ch = 0; ch < 256; ch++)
        for (int k = 0; k < 2; k++) {
            enum dash_action a = dash_action_for_key(ch, k);
            if (a != ACT_NONE)
                reached[a] = true;
        }
    const int keycodes[] = {KEY_UP, KEY_DOWN, KEY_PPAGE, KEY_NPAGE, KEY_HOME, KEY_END,
                            KEY_LEFT, KEY_RIGHT, KEY_BTAB, KEY_ENTER};
    for (size_t i = 0; i < ARRAY_SIZE(keycodes); i++) {
        enum dash_action a = dash_action_for_key(keycodes[i], true);
        assert_int_not_equal(a, ACT_NONE);
        reached[a] = true;
    }
    for (int a = 0; a < ACT__COUNT; a++) {
        if (!reached[a])
            fail_msg("action %d (%s) has no key", a, dash_action_info((enum dash_action)a)->keys);
        assert_true(dash_action_info((enum dash_action)a)->views != 0);
    }
    /* the ones the issue names */
    assert_int_equal(dash_action_for_key('j', false), ACT_DOWN);
    assert_int_equal(dash_action_for_key('k', false), ACT_UP);
    assert_int_equal(dash_action_for_key('\t', false), ACT_NEXT_PANE);
    assert_int_equal(dash_action_for_key(KEY_BTAB, true), ACT_PREV_PANE);
    assert_int_equal(dash_action_for_key('\r', false), ACT_OPEN);
    assert_int_equal(dash_action_for_key(27, false), ACT_BACK);
    assert_int_equal(dash_action_for_key('/', false), ACT_FILTER);
    assert_int_equal(dash_action_for_key(':', false), ACT_COMMAND);
    assert_int_equal(dash_action_for_key('R', false), ACT_REFRESH);
    assert_int_equal(dash_action_for_key('a', false), ACT_ACK);
    assert_int_equal(dash_action_for_key('z', false), ACT_PAUSE);
    assert_int_equal(dash_action_for_key(12, false), ACT_REDRAW);
    assert_int_equal(dash_action_for_key('?', false), ACT_HELP);
    assert_int_equal(dash_action_for_key('q', false), ACT_QUIT);
    assert_int_equal(dash_action_for_key('x', false), ACT_NONE);
}

static void test_man_page_lists_every_key(void **s)
{
    (void)s;
    const char *src = getenv("OPSDECK_SRC");
    char path[4096];
    snprintf(path, sizeof(path), "%s/doc/opsdeck.1", src ? src : ".");
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char man[1 << 17];
    size_t n = fread(man, 1, sizeof(man) - 1, f);
    man[n] = '\0';
    fclose(f);
    const char *keys = strstr(man, "\n.SH KEYS");
    assert_non_null(keys);
    for (int a = 0; a < ACT__COUNT; a++) {
        const struct dash_action_info *ai = dash_action_info((enum dash_action)a);
        char want[128];
        snprintf(want, sizeof(want), ".B \"%s\"", ai->keys);
        if (!strstr(keys, want))
            fail_msg("opsdeck.1 KEYS lacks %s", want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_action_has_a_key),
        cmocka_unit_test(test_man_page_lists_every_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
