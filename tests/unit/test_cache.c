/* The engine's cache files: round trip (binary bodies, absent validators),
 * atomic replacement, damaged and missing files, the default directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "opsdeck/cache.h"
#include "opsdeck/xalloc.h"

static char dir[512];

static int setup(void **unused)
{
    (void)unused;
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/odcacheXXXXXX", t && t[0] ? t : "/tmp");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **unused)
{
    (void)unused;
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static struct cache_doc doc(const char *name, const char *etag, const char *lm, const char *body,
                            size_t len, unsigned flags)
{
    struct cache_doc d = {
        .name = xstrdup(name),
        .etag = etag ? xstrdup(etag) : NULL,
        .last_modified = lm ? xstrdup(lm) : NULL,
        .body = xmalloc(len + 1),
        .len = len,
        .flags = flags,
    };
    memcpy(d.body, body, len);
    d.body[len] = '\0';
    return d;
}

static int count_files(const char *d)
{
    DIR *dp = opendir(d);
    int n = 0;
    struct dirent *de;
    while (dp && (de = readdir(dp)))
        if (de->d_name[0] != '.' || (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")))
            n++;
    if (dp)
        closedir(dp);
    return n;
}

static void test_round_trip(void **unused)
{
    (void)unused;
    char sub[600];
    snprintf(sub, sizeof(sub), "%s/state/opsdeck/cache", dir);   /* created on write */
    struct cache_entry e = {.url = xstrdup("https://status.example.com"), .fetched_at = 1464016200};
    e.docs = xcalloc(3, sizeof(*e.docs));
    e.docs[0] = doc("summary", "\"abc\"", "Mon, 23 May 2016 15:10:00 GMT", "{\"a\":1}\n", 8, 0);
    e.docs[1] = doc("components?page=2", NULL, NULL, "bin\0ary\nend", 11, 1);
    e.docs[2] = doc("empty", NULL, "x", "", 0, 0);
    e.n_docs = 3;
    struct od_error err;
    assert_int_equal(cache_write(sub, "feed-1", &e, &err), OD_OK);
    struct cache_entry r;
    assert_int_equal(cache_read(sub, "feed-1", &r, &err), OD_OK);
    assert_string_equal(r.url, e.url);
    assert_int_equal(r.fetched_at, 1464016200);
    assert_int_equal(r.n_docs, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(r.docs[i].name, e.docs[i].name);
        assert_int_equal(r.docs[i].len, e.docs[i].len);
        assert_memory_equal(r.docs[i].body, e.docs[i].body, e.docs[i].len);
        assert_int_equal(r.docs[i].body[r.docs[i].len], '\0');
        assert_int_equal(r.docs[i].flags, e.docs[i].flags);
    }
    assert_string_equal(r.docs[0].etag, "\"abc\"");
    assert_string_equal(r.docs[0].last_modified, "Mon, 23 May 2016 15:10:00 GMT");
    assert_null(r.docs[1].etag);
    assert_null(r.docs[1].last_modified);
    cache_entry_free(&r);

    /* owner-only, and no temp file left behind */
    char path[700];
    snprintf(path, sizeof(path), "%s/feed-1.cache", sub);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stat(sub, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(count_files(sub), 1);

    /* replaced as a whole */
    cache_doc_clear(&e.docs[1]);
    cache_doc_clear(&e.docs[2]);
    e.n_docs = 1;
    assert_int_equal(cache_write(sub, "feed-1", &e, &err), OD_OK);
    assert_int_equal(cache_read(sub, "feed-1", &r, &err), OD_OK);
    assert_int_equal(r.n_docs, 1);
    cache_entry_free(&r);
    assert_int_equal(count_files(sub), 1);

    cache_remove(sub, "feed-1");
    assert_int_equal(cache_read(sub, "feed-1", &r, &err), OD_NOTFOUND);
    assert_int_equal(r.n_docs, 0);
    cache_remove(sub, "feed-1");    /* twice is fine */
    cache_entry_free(&e);
    cache_entry_free(NULL);
}

static void test_damaged(void **unused)
{
    (void)unused;
    struct cache_entry e = {.url = xstrdup("http://x"), .fetched_at = 5};
    e.docs = xcalloc(1, sizeof(*e.docs));
    e.docs[0] = doc("summary", "e", NULL, "{\"page\":{}}", 11, 0);
    e.n_docs = 1;
    struct od_error err;
    assert_int_equal(cache_write(dir, "f", &e, &err), OD_OK);
    cache_entry_free(&e);
    char path[600];
    snprintf(path, sizeof(path), "%s/f.cache", dir);
    FILE *fp = fopen(path, "rb");
    char buf[4096];
    size_t n = fread(buf, 1, sizeof(buf), fp);
    fclose(fp);
    /* every truncation of a good file is refused, never half-read */
    for (size_t cut = 0; cut < n; cut++) {
        fp = fopen(path, "wb");
        fwrite(buf, 1, cut, fp);
        fclose(fp);
        struct cache_entry r;
        enum od_status st = cache_read(dir, "f", &r, &err);
        assert_int_equal(st, OD_PARSE);
        assert_int_equal(r.n_docs, 0);
        assert_null(r.url);
    }
    /* a length that points past the end */
    fp = fopen(path, "wb");
    fputs("opsdeck-cache 1\nurl 8\nhttp://x\nfetched 5\ndoc 7 0 0 999999 0\nsummary{}\nend\n", fp);
    fclose(fp);
    struct cache_entry r;
    assert_int_equal(cache_read(dir, "f", &r, &err), OD_PARSE);
    assert_non_null(strstr(err.text, "damaged"));
}

static void test_default_dir(void **unused)
{
    (void)unused;
    char *old_x = getenv("XDG_STATE_HOME") ? xstrdup(getenv("XDG_STATE_HOME")) : NULL;
    char *old_h = getenv("HOME") ? xstrdup(getenv("HOME")) : NULL;
    setenv("XDG_STATE_HOME", "/srv/state", 1);
    char *d = cache_default_dir();
    assert_string_equal(d, "/srv/state/opsdeck/cache");
    free(d);
    setenv("XDG_STATE_HOME", "relative", 1);   /* not absolute: ignored */
    setenv("HOME", "/home/ops", 1);
    d = cache_default_dir();
    assert_string_equal(d, "/home/ops/.local/state/opsdeck/cache");
    free(d);
    unsetenv("XDG_STATE_HOME");
    unsetenv("HOME");
    assert_null(cache_default_dir());
    if (old_x)
        setenv("XDG_STATE_HOME", old_x, 1);
    if (old_h)
        setenv("HOME", old_h, 1);
    free(old_x);
    free(old_h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_damaged),
        cmocka_unit_test(test_default_dir),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
