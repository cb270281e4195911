/* The engine against an HTTP server in this process, on the engine's own loop:
 * first fetch, a 304 that parses nothing, a change that makes events, a
 * failure that keeps the last good snapshot, the cache across engines,
 * engine_http on the same multi handle, and the loop's timers and fds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "opsdeck/clock.h"
#include "opsdeck/config.h"
#include "opsdeck/engine.h"
#include "opsdeck/state.h"
#include "opsdeck/xalloc.h"

/* ---- a one-connection-at-a-time HTTP server on the engine's loop ---- */

struct server {
    struct loop *lp;
    int fd;
    int port;
    int code;               /* 200 (with ETag and 304 support) or an error status */
    const char *body;
    unsigned long requests;
    bool cachet;            /* serve tests/cachet/ documents by API path instead */
};

/* The file behind a Cachet API path, or NULL (404). */
static const char *cachet_file(const char *req)
{
    static const struct {
        const char *path, *file;
    } routes[] = {
        {"GET /api/v1/components?page=1 ", "components-p1.json"},
        {"GET /api/v1/components?page=2 ", "components-p2.json"},
        {"GET /api/v1/components/groups?page=1 ", "groups.json"},
        {"GET /api/v1/incidents?page=1 ", "incidents.json"},
        {"GET /api/v1/schedules?page=1 ", "schedules.json"},
    };
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
        if (strncmp(req, routes[i].path, strlen(routes[i].path)) == 0)
            return routes[i].file;
    return NULL;
}

static char *read_cachet(const char *name, size_t *len)
{
    const char *src = getenv("OPSDECK_SRC");
    char path[4096];
    snprintf(path, sizeof(path), "%s/tests/cachet/%s", src ? src : ".", name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    char *b = xmalloc(65536);
    *len = fread(b, 1, 65535, f);
    b[*len] = '\0';
    fclose(f);
    return b;
}

#define BODY_OK \
    "{\"page\":{\"id\":\"p\",\"name\":\"Test\"},\"components\":[" \
    "{\"id\":\"c1\",\"name\":\"SMTP\",\"status\":\"operational\"}],\"incidents\":[]," \
    "\"scheduled_maintenances\":[]}"
#define BODY_WORSE \
    "{\"page\":{\"id\":\"p\",\"name\":\"Test\"},\"components\":[" \
    "{\"id\":\"c1\",\"name\":\"SMTP\",\"status\":\"major_outage\"}],\"incidents\":[]," \
    "\"scheduled_maintenances\":[]}"

static void on_client(void *ud, int fd, short revents)
{
    struct server *s = ud;
    (void)revents;
    char req[4096];
    ssize_t n = recv(fd, req, sizeof(req) - 1, 0);
    loop_unwatch_fd(s->lp, fd);
    if (n <= 0) {
        close(fd);
        return;
    }
    req[n] = '\0';
    s->requests++;
    char etag[32];
    snprintf(etag, sizeof(etag), "\"%zu-%c\"", strlen(s->body), s->body[strlen(s->body) - 40]);
    char out[70000];
    int len;
    if (s->cachet) {
        const char *file = cachet_file(req);
        if (!file) {
            len = snprintf(out, sizeof(out), "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"
                                             "Connection: close\r\n\r\n");
        } else {
            size_t blen;
            char *b = read_cachet(file, &blen);
            char tag[64];
            snprintf(tag, sizeof(tag), "\"%s-%zu\"", file, blen);
            if (strstr(req, tag))
                len = snprintf(out, sizeof(out), "HTTP/1.1 304 Not Modified\r\nETag: %s\r\n"
                                                 "Connection: close\r\n\r\n", tag);
            else
                len = snprintf(out, sizeof(out), "HTTP/1.1 200 OK\r\nETag: %s\r\n"
                                                 "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                               tag, blen, b);
            free(b);
        }
    } else if (!strstr(req, "/api/v2/summary.json")) {
        len = snprintf(out, sizeof(out), "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"
                                         "Connection: close\r\n\r\n");
    } else if (s->code != 200) {
        len = snprintf(out, sizeof(out), "HTTP/1.1 %d Oops\r\nContent-Length: 0\r\n"
                                         "Connection: close\r\n\r\n", s->code);
    } else if (strstr(req, etag)) {
        len = snprintf(out, sizeof(out), "HTTP/1.1 304 Not Modified\r\nETag: %s\r\n"
                                         "Connection: close\r\n\r\n", etag);
    } else {
        len = snprintf(out, sizeof(out), "HTTP/1.1 200 OK\r\nETag: %s\r\nContent-Length: %zu\r\n"
                                         "Connection: close\r\n\r\n%s",
                       etag, strlen(s->body), s->body);
    }
    for (size_t off = 0; off < (size_t)len;) {
        ssize_t w = write(fd, out + off, (size_t)len - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    close(fd);
}

static void on_accept(void *ud, int fd, short revents)
{
    struct server *s = ud;
    (void)revents;
    int c = accept(fd, NULL, NULL);
    if (c >= 0)
        loop_watch_fd(s->lp, c, POLLIN, on_client, s);
}

static void server_start(struct server *s, struct loop *lp)
{
    s->lp = lp;
    s->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof(a);
    assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(s->fd, 16), 0);
    assert_int_equal(getsockname(s->fd, (struct sockaddr *)&a, &al), 0);
    s->port = ntohs(a.sin_port);
    loop_watch_fd(lp, s->fd, POLLIN, on_accept, s);
}

/* ---- the engine under test ---- */

struct probe {
    unsigned long calls;
    size_t events;
    enum event_kind last_kind;
};

static void on_changed(void *ud, size_t feed, const struct event *ev, size_t n)
{
    struct probe *p = ud;
    (void)feed;
    p->calls++;
    p->events += n;
    if (n)
        p->last_kind = ev[n - 1].kind;
}

/* Run the loop until fetches of feed 0 reach `n` (bounded by rounds, not time). */
static void run_until_fetches(struct engine *e, unsigned long n)
{
    for (int i = 0; i < 2000 && engine_stats(e, 0)->n_fetches < n; i++)
        assert_true(loop_run_once(engine_loop(e), 50) >= 0);
    assert_true(engine_stats(e, 0)->n_fetches >= n);
    /* let the staged result reach the state */
    for (int i = 0; i < 5; i++)
        loop_run_once(engine_loop(e), 0);
}

static char cache_dir[512];

static struct config *make_config(int port)
{
    char text[512];
    snprintf(text, sizeof(text),
             "{\"feeds\":[{\"id\":\"t\",\"url\":\"http://127.0.0.1:%d/x\",\"interval\":3600,"
             "\"timeout\":5}],\"panes\":[{\"title\":\"All\",\"components\":[\"*\"]}]}",
             port);
    struct od_error err;
    struct config *c = config_parse(text, strlen(text), "test", &err);
    if (!c)
        fail_msg("config: %s", err.text);
    return c;
}

static void test_fetch_cycle(void **unused)
{
    (void)unused;
    struct server srv = {.code = 200, .body = BODY_OK};
    struct probe p = {0};
    struct od_error err;
    /* the config needs the port, the server needs the loop: start with a
     * placeholder engine's loop, then make the real one */
    struct loop *tmp_lp = loop_new();
    server_start(&srv, tmp_lp);
    loop_unwatch_fd(tmp_lp, srv.fd);
    loop_free(tmp_lp);
    struct config *cfg = make_config(srv.port);
    struct state *st = state_new(cfg);
    struct engine_hooks hooks = {.feed_changed = on_changed};
    struct engine *e = engine_new(cfg, st, &hooks, &p, &err);
    assert_non_null(e);
    srv.lp = engine_loop(e);
    loop_watch_fd(srv.lp, srv.fd, POLLIN, on_accept, &srv);
    engine_set_cache_dir(e, cache_dir);
    engine_set_seed(e, 1);
    assert_int_equal(engine_load_cache(e), 0);
    engine_start(e);

    /* 1: the first fetch parses and fills the state; no events without a past */
    run_until_fetches(e, 1);
    const struct engine_feed_stats *s = engine_stats(e, 0);
    assert_true(st->feeds[0].ok);
    assert_non_null(st->feeds[0].snap);
    assert_int_equal(st->feeds[0].snap->n_components, 1);
    assert_int_equal(s->n_parsed, 1);
    assert_int_equal(s->http_status, 200);
    assert_int_equal(p.events, 0);
    assert_true(p.calls >= 1);
    assert_true(s->next_fetch_at > 0);
    assert_string_equal(s->last_error, "");

    /* 2: a refresh answered 304: no parse, still ok */
    engine_refresh(e, -1);
    run_until_fetches(e, 2);
    assert_int_equal(s->n_not_modified, 1);
    assert_int_equal(s->n_parsed, 1);
    assert_int_equal(s->http_status, 304);
    assert_true(st->feeds[0].ok);

    /* 3: the page changes: parsed, one event */
    srv.body = BODY_WORSE;
    engine_refresh(e, 0);
    run_until_fetches(e, 3);
    assert_int_equal(s->n_parsed, 2);
    assert_int_equal(p.events, 1);
    assert_int_equal(p.last_kind, EV_COMPONENT_WORSE);
    assert_int_equal(st->feeds[0].snap->components[0].status, COMP_MAJOR_OUTAGE);

    /* 4: the server fails: error in words, the last good snapshot stays */
    srv.code = 503;
    engine_refresh(e, 0);
    run_until_fetches(e, 4);
    assert_false(st->feeds[0].ok);
    assert_non_null(strstr(st->feeds[0].error, "HTTP 503"));
    assert_non_null(strstr(s->last_error, "summary.json"));
    assert_int_equal(s->consecutive_failures, 1);
    assert_non_null(st->feeds[0].snap);
    assert_int_equal(st->feeds[0].snap->components[0].status, COMP_MAJOR_OUTAGE);

    /* 5: recovery */
    srv.code = 200;
    engine_refresh(e, 0);
    run_until_fetches(e, 5);
    assert_true(st->feeds[0].ok);
    assert_int_equal(s->consecutive_failures, 0);
    assert_true(engine_idle(e));

    /* 6: the cache written on the way out feeds the next engine at once */
    engine_free(e);
    state_free(st);
    struct probe p2 = {0};
    st = state_new(cfg);
    e = engine_new(cfg, st, &hooks, &p2, &err);
    engine_set_cache_dir(e, cache_dir);
    assert_int_equal(engine_load_cache(e), 1);
    assert_int_equal(p2.calls, 1);
    assert_int_equal(p2.events, 0);
    assert_non_null(st->feeds[0].snap);
    assert_int_equal(st->feeds[0].snap->components[0].status, COMP_MAJOR_OUTAGE);
    assert_false(st->feeds[0].ok);      /* shown as stale until fetched */
    assert_non_null(strstr(st->feeds[0].error, "cached data from"));
    assert_true(engine_stats(e, 0)->from_cache);
    /* the cached validators make the first request conditional */
    srv.lp = engine_loop(e);
    loop_watch_fd(srv.lp, srv.fd, POLLIN, on_accept, &srv);
    engine_start(e);
    run_until_fetches(e, 1);
    /* (a first fetch also asks for the optional documents: 404 here) */
    assert_int_equal(engine_stats(e, 0)->http_status, 304);
    assert_int_equal(engine_stats(e, 0)->n_not_modified + engine_stats(e, 0)->n_unchanged, 1);
    assert_int_equal(engine_stats(e, 0)->n_parsed, 0);
    assert_true(st->feeds[0].ok);
    assert_false(engine_stats(e, 0)->from_cache);

    engine_free(e);
    state_free(st);
    config_free(cfg);
    close(srv.fd);
}

/* A Cachet feed: every document, components over two pages, then all 304. */
static void test_cachet(void **unused)
{
    (void)unused;
    struct server srv = {.cachet = true, .body = BODY_OK};
    struct loop *tmp_lp = loop_new();
    server_start(&srv, tmp_lp);
    loop_unwatch_fd(tmp_lp, srv.fd);
    loop_free(tmp_lp);
    char text[512];
    snprintf(text, sizeof(text),
             "{\"feeds\":[{\"id\":\"c\",\"kind\":\"cachet\",\"url\":\"http://127.0.0.1:%d\","
             "\"interval\":3600,\"timeout\":5,\"time_zone\":\"Europe/London\"}],"
             "\"panes\":[{\"title\":\"All\",\"components\":[\"*\"]}]}",
             srv.port);
    struct od_error err;
    struct config *cfg = config_parse(text, strlen(text), "test", &err);
    assert_non_null(cfg);
    struct state *st = state_new(cfg);
    struct engine *e = engine_new(cfg, st, NULL, NULL, &err);
    engine_set_cache_dir(e, NULL);
    srv.lp = engine_loop(e);
    loop_watch_fd(srv.lp, srv.fd, POLLIN, on_accept, &srv);
    engine_start(e);
    run_until_fetches(e, 1);
    const struct snapshot *snap = st->feeds[0].snap;
    if (!snap)
        fail_msg("no snapshot: %s", st->feeds[0].error);
    assert_true(st->feeds[0].ok);
    assert_non_null(snapshot_find_component(snap, "1"));
    assert_non_null(snapshot_find_component(snap, "4"));    /* from page 2 */
    assert_true(snap->n_incidents > 0);
    assert_true(snap->n_maintenances > 0);
    assert_string_equal(snap->page.time_zone, "Europe/London");
    assert_int_equal(srv.requests, 5);
    assert_int_equal(engine_stats(e, 0)->n_parsed, 1);

    engine_refresh(e, 0);
    run_until_fetches(e, 2);
    assert_int_equal(srv.requests, 10);     /* page 2 asked again: known from page 1 */
    assert_int_equal(engine_stats(e, 0)->n_not_modified, 1);
    assert_int_equal(engine_stats(e, 0)->n_parsed, 1);
    assert_true(st->feeds[0].ok);
    engine_free(e);
    state_free(st);
    config_free(cfg);
    close(srv.fd);
}

/* ---- engine_http ---- */

struct http_done {
    int calls;
    CURLcode rc;
    long code;
};

static void on_http_done(void *ud, CURL *easy, CURLcode rc)
{
    struct http_done *d = ud;
    d->calls++;
    d->rc = rc;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &d->code);
}

static size_t discard(char *p, size_t s, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return s * n;
}

static void test_http(void **unused)
{
    (void)unused;
    struct server srv = {.code = 200, .body = BODY_OK};
    struct config *cfg = make_config(1);
    struct state *st = state_new(cfg);
    struct od_error err;
    struct engine *e = engine_new(cfg, st, NULL, NULL, &err);
    engine_set_cache_dir(e, NULL);
    server_start(&srv, engine_loop(e));
    CURL *h = curl_easy_init();
    char url[128];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/a/api/v2/summary.json", srv.port);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    struct http_done d = {0};
    assert_int_equal(engine_http(e, h, on_http_done, &d), 0);
    assert_false(engine_idle(e));
    for (int i = 0; i < 2000 && d.calls == 0; i++)
        loop_run_once(engine_loop(e), 50);
    assert_int_equal(d.calls, 1);
    assert_int_equal(d.rc, CURLE_OK);
    assert_int_equal(d.code, 200);
    assert_true(engine_idle(e));
    /* cancelled before it runs: done is never called, the handle is ours */
    assert_int_equal(engine_http(e, h, on_http_done, &d), 0);
    engine_http_cancel(e, h);
    assert_true(engine_idle(e));
    for (int i = 0; i < 20; i++)
        loop_run_once(engine_loop(e), 5);
    assert_int_equal(d.calls, 1);
    curl_easy_cleanup(h);
    engine_free(e);
    state_free(st);
    config_free(cfg);
    close(srv.fd);
}

/* ---- the loop ---- */

static int fired[8];
static int order_pos;
static void tick(void *ud)
{
    fired[order_pos++] = (int)(intptr_t)ud;
}

static void on_pipe(void *ud, int fd, short revents)
{
    int *got = ud;
    char c;
    if ((revents & POLLIN) && read(fd, &c, 1) == 1)
        *got = c;
}

static void test_loop(void **unused)
{
    (void)unused;
    struct loop *lp = loop_new();
    order_pos = 0;
    unsigned a = loop_timer(lp, 30, tick, (void *)(intptr_t)3);
    unsigned b = loop_timer(lp, 0, tick, (void *)(intptr_t)1);
    unsigned c = loop_timer(lp, 10, tick, (void *)(intptr_t)2);
    unsigned d = loop_timer(lp, 10, tick, (void *)(intptr_t)9);
    assert_true(a && b && c && d && a != b && b != c);
    loop_timer_cancel(lp, d);
    loop_timer_cancel(lp, d);   /* twice: no-op */
    loop_timer_cancel(lp, 0);
    assert_int_equal(loop_run(lp), 0);  /* returns when nothing is left */
    assert_int_equal(order_pos, 3);
    assert_int_equal(fired[0], 1);
    assert_int_equal(fired[1], 2);
    assert_int_equal(fired[2], 3);

    int p[2];
    assert_int_equal(pipe(p), 0);
    int got = 0;
    assert_int_equal(loop_watch_fd(lp, p[0], POLLIN, on_pipe, &got), 0);
    assert_int_equal(loop_watch_fd(lp, -1, POLLIN, on_pipe, &got), -1);
    assert_int_equal(loop_run_once(lp, 0), 0);      /* nothing ready */
    assert_int_equal(write(p[1], "x", 1), 1);
    assert_int_equal(loop_run_once(lp, 1000), 1);
    assert_int_equal(got, 'x');
    loop_unwatch_fd(lp, p[0]);
    loop_unwatch_fd(lp, p[0]);
    assert_int_equal(write(p[1], "y", 1), 1);
    assert_int_equal(loop_run_once(lp, 0), 0);      /* unwatched: not served */
    close(p[0]);
    close(p[1]);
    assert_false(loop_stopped(lp));
    loop_stop(lp);
    assert_true(loop_stopped(lp));
    loop_free(lp);
}

static int setup(void **unused)
{
    (void)unused;
    const char *t = getenv("TMPDIR");
    snprintf(cache_dir, sizeof(cache_dir), "%s/odengXXXXXX", t && t[0] ? t : "/tmp");
    curl_global_init(CURL_GLOBAL_DEFAULT);
    unsetenv("http_proxy");
    unsetenv("HTTP_PROXY");
    unsetenv("all_proxy");
    unsetenv("ALL_PROXY");
    return mkdtemp(cache_dir) ? 0 : -1;
}

static int teardown(void **unused)
{
    (void)unused;
    curl_global_cleanup();
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", cache_dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fetch_cycle),
        cmocka_unit_test(test_cachet),
        cmocka_unit_test(test_http),
        cmocka_unit_test(test_loop),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
