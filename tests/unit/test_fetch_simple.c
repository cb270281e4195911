/* The simple fetch without a network: file:// URLs, the size cap, errors, and a
 * whole feed read from a directory. (http is covered by
 * tests/integration/fetch_http.sh against a loopback server.) */
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
#include "opsdeck/fetch_simple.h"
#include "opsdeck/model.h"

static char dir[256];

static void put_file(const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static int setup(void **state)
{
    (void)state;
    const char *tmpdir = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/odfetchXXXXXX", tmpdir && tmpdir[0] ? tmpdir : "/tmp");
    if (!mkdtemp(dir))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_file_url_path(void **state)
{
    (void)state;
    char buf[64];
    assert_true(fetch_file_url_path("file:///srv/feed/x.json", buf, sizeof(buf)));
    assert_string_equal(buf, "/srv/feed/x.json");
    assert_true(fetch_file_url_path("file://localhost/srv/a%20b.json?x#y", buf, sizeof(buf)));
    assert_string_equal(buf, "/srv/a b.json");
    assert_false(fetch_file_url_path("file://otherhost/srv/x", buf, sizeof(buf)));
    assert_false(fetch_file_url_path("file://relative", buf, sizeof(buf)));
    assert_false(fetch_file_url_path("file:///a%00b", buf, sizeof(buf)));   /* NUL */
    assert_false(fetch_file_url_path("file:///a%zz", buf, sizeof(buf)));
    assert_false(fetch_file_url_path("http://x/y", buf, sizeof(buf)));
    char small[4];
    assert_false(fetch_file_url_path("file:///toolong", small, sizeof(small)));
}

static void test_file_cap_and_errors(void **state)
{
    (void)state;
    char url[600], *body;
    size_t len;
    struct od_error err;
    put_file("doc.json", "{\"page\":{}}");
    snprintf(url, sizeof(url), "file://%s/doc.json", dir);

    struct fetch_options opt = {.max_body = 1024};
    assert_int_equal(fetch_document(url, &opt, &body, &len, &err), OD_OK);
    assert_int_equal(len, 11);
    assert_string_equal(body, "{\"page\":{}}");
    free(body);

    opt.max_body = 10;          /* one byte short */
    assert_int_equal(fetch_document(url, &opt, &body, &len, &err), OD_TOOBIG);
    assert_null(body);
    assert_string_equal(err.text, "body larger than 10 bytes");
    assert_string_equal(err.source, url);

    snprintf(url, sizeof(url), "file://%s/none.json", dir);
    assert_int_equal(fetch_document(url, &opt, &body, &len, &err), OD_NOTFOUND);
    assert_string_equal(err.text, "cannot open: No such file or directory");

    snprintf(url, sizeof(url), "file://%s", dir);   /* a directory */
    assert_int_equal(fetch_document(url, &opt, &body, &len, &err), OD_IO);
    assert_string_equal(err.text, "not a regular file");

    assert_int_equal(fetch_document("gopher://x/", &opt, &body, &len, &err), OD_INVALID);
    assert_int_equal(fetch_document("file://elsewhere/x", &opt, &body, &len, &err), OD_INVALID);
    /* a hostile URL is named safely */
    assert_int_equal(fetch_document("ftp://x/\x1b[2J\x9b", &opt, &body, &len, &err), OD_INVALID);
    assert_null(strchr(err.source, 0x1b));
}

static void test_feed_from_directory(void **state)
{
    (void)state;
    char path[600], url[600];
    snprintf(path, sizeof(path), "%s/api", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/api/v2", dir);
    mkdir(path, 0700);
    put_file("api/v2/summary.json",
             "{\"page\":{\"id\":\"p\",\"name\":\"P\"},\"status\":{\"indicator\":\"none\"},"
             "\"components\":[{\"id\":\"c\",\"name\":\"C\",\"status\":\"operational\"}],"
             "\"incidents\":[],\"scheduled_maintenances\":[]}");
    snprintf(url, sizeof(url), "file://%s", dir);
    char id[] = "t";
    struct config_feed feed = {.id = id, .kind = FEED_STATUSPAGE, .url = url, .interval = 30,
                               .timeout = 5, .max_body = 1 << 20};
    struct od_error err;

    /* summary only: the other two documents are missing, which is fine */
    struct snapshot *s = fetch_feed(&feed, &err);
    assert_non_null(s);
    assert_int_equal(err.code, OD_OK);
    assert_int_equal(s->n_components, 1);
    snapshot_free(s);

    /* incidents.json is merged in */
    put_file("api/v2/incidents.json",
             "{\"page\":{\"id\":\"p\"},\"incidents\":[{\"id\":\"i\",\"name\":\"Old\","
             "\"status\":\"resolved\",\"impact\":\"minor\",\"incident_updates\":[]}]}");
    s = fetch_feed(&feed, &err);
    assert_non_null(s);
    assert_int_equal(s->n_incidents, 1);
    assert_int_equal(s->n_components, 1);       /* kept from the summary */
    snapshot_free(s);

    /* a base that already ends in /api/v2 works too */
    snprintf(url, sizeof(url), "file://%s/api/v2/", dir);
    s = fetch_feed(&feed, &err);
    assert_non_null(s);
    snapshot_free(s);
    snprintf(url, sizeof(url), "file://%s", dir);

    /* a broken later document: data returned AND the error set */
    put_file("api/v2/scheduled-maintenances.json", "{\"page\": [");
    s = fetch_feed(&feed, &err);
    assert_non_null(s);
    assert_int_not_equal(err.code, OD_OK);
    assert_non_null(strstr(err.source, "scheduled-maintenances.json"));
    snapshot_free(s);

    /* a broken summary: nothing */
    put_file("api/v2/summary.json", "[]");
    s = fetch_feed(&feed, &err);
    assert_null(s);
    assert_int_not_equal(err.code, OD_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file_url_path),
        cmocka_unit_test(test_file_cap_and_errors),
        cmocka_unit_test(test_feed_from_directory),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
