/* Tokens: from the environment or an owner-only file; refused otherwise with a
 * message naming the file but never the token. Also the manage_url key. */
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

#include "opsdeck/config.h"
#include "opsdeck/token.h"

static char dir[256];

static int setup(void **state)
{
    (void)state;
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/od-token-XXXXXX", t && *t ? t : "/tmp");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static char *write_token(const char *name, const char *text, mode_t mode)
{
    static char path[320];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(path, mode), 0);
    return path;
}

static void test_env(void **state)
{
    (void)state;
    static char id[] = "mx", env[] = "OD_TEST_TOKEN";
    struct config_feed f = {.id = id, .token_env = env};
    char buf[TOKEN_MAX];
    struct od_error err;
    unsetenv("OD_TEST_TOKEN");
    assert_int_equal(token_load(&f, buf, sizeof(buf), &err), OD_AUTH);
    assert_non_null(strstr(err.text, "OD_TEST_TOKEN"));
    setenv("OD_TEST_TOKEN", "  s3cret-value\n", 1);
    assert_int_equal(token_load(&f, buf, sizeof(buf), &err), OD_OK);
    assert_string_equal(buf, "s3cret-value");
    setenv("OD_TEST_TOKEN", "a\r\nX-Evil: 1", 1);
    assert_int_equal(token_load(&f, buf, sizeof(buf), &err), OD_AUTH);
    assert_null(strstr(err.text, "Evil"));
    assert_string_equal(buf, "");
    unsetenv("OD_TEST_TOKEN");
}

static void test_file_modes(void **state)
{
    (void)state;
    char buf[TOKEN_MAX];
    struct od_error err;
    static char id[] = "mx";
    struct config_feed f = {.id = id};
    f.token_file = write_token("ok", "filetoken123\n", 0600);
    assert_int_equal(token_load(&f, buf, sizeof(buf), &err), OD_OK);
    assert_string_equal(buf, "filetoken123");
    f.token_file = write_token("ro", "filetoken123\n", 0400);
    assert_int_equal(token_load(&f, buf, sizeof(buf), &err), OD_OK);

    f.token_file = write_token("group", "supersecret\n", 0640);
    assert_int_equal(token_load(&f, buf, sizeof(buf), &err), OD_AUTH);
    assert_non_null(strstr(err.text, "chmod 600"));
    assert_non_null(strstr(err.text, "0640"));
    assert_null(strstr(err.text, "supersecret"));
    assert_string_equal(buf, "");
    f.token_file = write_token("world", "supersecret\n", 0604);
    assert_int_equal(token_load(&f, buf, sizeof(buf), &err), OD_AUTH);
    f.token_file = write_token("gw", "supersecret\n", 0620);
    assert_int_equal(token_load(&f, buf, sizeof(buf), &err), OD_AUTH);

    f.token_file = write_token("empty", "\n\n", 0600);
    assert_int_equal(token_load(&f, buf, sizeof(buf), &err), OD_AUTH);
    assert_non_null(strstr(err.text, "empty"));

    char big[TOKEN_MAX + 10];
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    f.token_file = write_token("big", big, 0600);
    assert_int_equal(token_load(&f, buf, sizeof(buf), &err), OD_AUTH);
    assert_non_null(strstr(err.text, "longer"));

    char link[340];
    snprintf(link, sizeof(link), "%s/link", dir);
    char target[330];
    snprintf(target, sizeof(target), "%s/ok", dir);
    assert_int_equal(symlink(target, link), 0);
    f.token_file = link;
    assert_int_equal(token_load(&f, buf, sizeof(buf), &err), OD_AUTH);
    assert_non_null(strstr(err.text, "symbolic link"));

    f.token_file = dir;
    assert_int_not_equal(token_load(&f, buf, sizeof(buf), &err), OD_OK);
    char missing[300];
    snprintf(missing, sizeof(missing), "%s/none", dir);
    f.token_file = missing;
    assert_int_equal(token_load(&f, buf, sizeof(buf), &err), OD_IO);
    assert_non_null(strstr(err.text, "none"));

    struct config_feed none = {.id = id};
    assert_int_equal(token_load(&none, buf, sizeof(buf), &err), OD_AUTH);
    assert_non_null(strstr(err.text, "token_env"));
}

static void test_manage_url_config(void **state)
{
    (void)state;
    struct od_error err;
    const char *ok = "{\"feeds\":[{\"id\":\"a\",\"url\":\"http://x\",\"page_id\":\"p\","
                     "\"manage_url\":\"https://api.statuspage.io//\"}]}";
    struct config *c = config_parse(ok, strlen(ok), "<t>", &err);
    assert_non_null(c);
    assert_string_equal(c->feeds[0].manage_url, "https://api.statuspage.io");
    config_free(c);
    const char *bad = "{\"feeds\":[{\"id\":\"a\",\"url\":\"http://x\","
                      "\"manage_url\":\"file:///etc\"}]}";
    assert_null(config_parse(bad, strlen(bad), "<t>", &err));
    assert_non_null(strstr(err.text, "manage_url"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_env),
        cmocka_unit_test_setup_teardown(test_file_modes, setup, teardown),
        cmocka_unit_test(test_manage_url_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
