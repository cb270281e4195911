/* Config limits the fetch engine relies on: 500 feeds load (the benchmark),
 * the cap is named when passed, summary_only is read, max_body defaults to
 * 8 MiB. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/config.h"
#include "opsdeck/strbuf.h"

static char *many_feeds(size_t n, const char *extra)
{
    struct strbuf sb;
    strbuf_init(&sb, 0);
    strbuf_puts(&sb, "{\"feeds\":[");
    for (size_t i = 0; i < n; i++)
        strbuf_printf(&sb, "%s{\"id\":\"f%zu\",\"url\":\"http://127.0.0.1:9/f%zu\"%s}",
                      i ? "," : "", i, i, extra);
    strbuf_puts(&sb, "],\"panes\":[{\"title\":\"All\",\"components\":[\"*\"]}]}");
    size_t len;
    return strbuf_steal(&sb, &len);
}

static void test_500_feeds(void **unused)
{
    (void)unused;
    char *text = many_feeds(500, ",\"summary_only\":true");
    struct od_error err;
    struct config *c = config_parse(text, strlen(text), "many.json", &err);
    if (!c)
        fail_msg("%s", err.text);
    assert_int_equal(c->n_feeds, 500);
    assert_true(c->feeds[499].summary_only);
    assert_int_equal(c->feeds[0].max_body, (size_t)8 << 20);
    config_free(c);
    free(text);
}

static void test_feed_cap(void **unused)
{
    (void)unused;
    char *text = many_feeds(CONFIG_MAX_FEEDS, "");
    struct od_error err;
    struct config *c = config_parse(text, strlen(text), "many.json", &err);
    assert_non_null(c);
    assert_false(c->feeds[0].summary_only);
    config_free(c);
    free(text);
    text = many_feeds(CONFIG_MAX_FEEDS + 1, "");
    c = config_parse(text, strlen(text), "many.json", &err);
    assert_null(c);
    assert_non_null(strstr(err.text, "at most 1024 feeds"));
    free(text);
}

static void test_summary_only_type(void **unused)
{
    (void)unused;
    char *text = many_feeds(1, ",\"summary_only\":\"yes\"");
    struct od_error err;
    struct config *c = config_parse(text, strlen(text), "one.json", &err);
    assert_null(c);
    assert_non_null(strstr(err.text, "summary_only"));
    assert_non_null(strstr(err.text, "true or false"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_500_feeds),
        cmocka_unit_test(test_feed_cap),
        cmocka_unit_test(test_summary_only_type),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
