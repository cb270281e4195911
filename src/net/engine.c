/* The fetch engine: feeds on one curl multi handle, on the poll loop.
 *
 * Why curl_multi_socket_action and not curl_multi_poll: the loop must also
 * serve the terminal, timers and signals, and with 500 feeds in flight
 * curl_multi_perform would walk every transfer on every wake-up;
 * socket_action tells curl exactly which socket is ready, and curl tells us
 * (socket and timer callbacks) what to wait for, so one poll(2) waits for
 * everything and an idle engine sleeps until the next feed is due.
 *
 * A fetch of a feed is a set of document requests (xfer); when the last one
 * ends, finish_fetch() decides: failed (keep everything old), unchanged (no
 * parse, only the times), or changed (parse the bodies, diff, hand the new
 * snapshot to the state, and mark the cache dirty).
 */
#include "opsdeck/engine.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opsdeck/cache.h"
#include "opsdeck/cachet_codec.h"
#include "opsdeck/clock.h"
#include "opsdeck/config.h"
#include "opsdeck/fetch_simple.h"
#include "opsdeck/model.h"
#include "opsdeck/schedule.h"
#include "opsdeck/sp_codec.h"
#include "opsdeck/state.h"
#include "opsdeck/strbuf.h"
#include "opsdeck/text.h"
#include "opsdeck/tz.h"
#include "opsdeck/xalloc.h"

#define DOC_HAS_NEXT        1u      /* cache_doc flag: a Cachet page with a next page */
#define HANDLE_POOL_MAX     1024     /* idle easy handles kept for reuse */
#define LOW_SPEED_BYTES     64L     /* bytes/s below which a transfer is too slow */
#define OPTIONAL_EVERY      10      /* fetch optional documents at least every Nth time */
#define CACHE_FLUSH_DELAY   1000    /* ms after a change before the cache is written */
#define CACHE_FLUSH_BATCH   32      /* files written per loop round */

enum sp_slot { SP_SUMMARY, SP_INCIDENTS, SP_MAINTENANCES, SP__COUNT };

static const struct {
    const char *name;       /* document name in the cache */
    const char *path;       /* after /api/v2 */
    enum sp_doc doc;
} sp_docs[SP__COUNT] = {
    {"summary", "/summary.json", SP_DOC_SUMMARY},
    {"incidents", "/incidents.json", SP_DOC_INCIDENTS},
    {"maintenances", "/scheduled-maintenances.json", SP_DOC_MAINTENANCES},
};

static const enum cachet_doc cachet_docs[] = {CACHET_DOC_COMPONENTS, CACHET_DOC_GROUPS,
                                              CACHET_DOC_INCIDENTS, CACHET_DOC_SCHEDULES};

/* What one document request came to. */
enum outcome { OUT_NEW, OUT_SAME, OUT_ABSENT, OUT_ERROR };

struct result {
    char *name;
    enum outcome out;
    struct cache_doc doc;       /* OUT_NEW: the new body and validators */
    char *etag, *last_modified; /* OUT_SAME after a 200: validators to keep */
};

struct feed;

struct xfer {
    struct engine *e;
    struct feed *f;             /* NULL for an engine_http transfer */
    CURL *h;
    struct curl_slist *hdrs;
    char *name;
    char *url;
    int cachet;                 /* index into cachet_docs, -1 for Statuspage */
    int page;
    bool required;
    struct strbuf body;
    char etag[CACHE_MAX_HEADER + 1];
    char last_modified[CACHE_MAX_HEADER + 1];
    char retry_after[64];
    char errbuf[CURL_ERROR_SIZE];
    void (*done)(void *ud, CURL *easy, CURLcode rc);
    void *ud;
    struct xfer *prev, *next;   /* the engine's list of transfers in flight */
};

struct feed {
    struct engine *e;
    size_t idx;
    const struct config_feed *cfg;
    struct engine_feed_stats st;
    unsigned timer;
    struct cache_doc *docs;     /* last good bodies + validators */
    size_t n_docs;
    bool cache_dirty;
    unsigned long n_started;
    /* the fetch in flight */
    bool busy;
    size_t pending;
    struct result *res;
    size_t n_res;
    struct od_error err;        /* first failure of this fetch */
    bool fatal;                 /* the required document failed */
    bool any_200;
    long status;
    int64_t retry_after;
    int64_t started_ms;
    struct cachet_reader *reader;   /* Cachet: changed pages, read as they arrive */
    /* a result waiting for apply_staged() */
    bool staged, staged_ok, staged_cache;
    struct snapshot *staged_snap;
    int64_t staged_at;
    char staged_error[STATE_ERROR_MAX];
};

struct engine {
    const struct config *cfg;
    struct state *state;
    struct engine_hooks hooks;
    void *ud;
    struct loop *loop;
    CURLM *multi;
    unsigned curl_timer;
    struct feed *feeds;
    size_t n_feeds;
    size_t n_xfers;             /* in flight, feeds and http */
    struct xfer *xfers;         /* in flight: feed documents and engine_http */
    CURL *pool[HANDLE_POOL_MAX];
    size_t n_pool;
    char *cache_dir;
    unsigned flush_timer;
    unsigned apply_timer;
    size_t *staged;             /* feeds with a staged result, in finishing order */
    size_t n_staged;
    uint64_t rng;
    bool started;
    char user_agent[64];
};

static void start_fetch(struct feed *f);
static void schedule_feed(struct feed *f, int64_t delay_ms);

/* ---- errors ---- */

/* "what: detail" about url into f->err. The first error is kept, except that a
 * failure of the required document replaces an optional one's. */
static void feed_error(struct feed *f, enum od_status code, const char *url, const char *what,
                       const char *detail, bool fatal)
{
    bool had_fatal = f->fatal;
    if (fatal)
        f->fatal = true;
    if (f->err.code != OD_OK && (!fatal || had_fatal))
        return;
    char *src = text_sanitize(url ? url : "", url ? strlen(url) : 0, TEXT_SINGLE_LINE, 150);
    char *d = detail ? text_sanitize(detail, strlen(detail), TEXT_SINGLE_LINE, 200) : NULL;
    od_error_set(&f->err, code, src, 0, 0, "%s%s%s", what, d && d[0] ? ": " : "", d ? d : "");
    free(src);
    free(d);
}

static void error_words(const struct od_error *err, char *buf, size_t size)
{
    od_error_format(buf, size, err);
}

/* ---- documents ---- */

static struct cache_doc *find_doc(struct feed *f, const char *name)
{
    for (size_t i = 0; i < f->n_docs; i++)
        if (strcmp(f->docs[i].name, name) == 0)
            return &f->docs[i];
    return NULL;
}

static struct result *add_result(struct feed *f, const char *name, enum outcome out)
{
    f->res = xreallocarray(f->res, f->n_res + 1, sizeof(*f->res));
    struct result *r = &f->res[f->n_res++];
    memset(r, 0, sizeof(*r));
    r->name = xstrdup(name);
    r->out = out;
    return r;
}

static void free_results(struct feed *f)
{
    for (size_t i = 0; i < f->n_res; i++) {
        free(f->res[i].name);
        free(f->res[i].etag);
        free(f->res[i].last_modified);
        cache_doc_clear(&f->res[i].doc);
    }
    free(f->res);
    f->res = NULL;
    f->n_res = 0;
    cachet_reader_free(f->reader);
    f->reader = NULL;
}

static void free_docs(struct cache_doc *docs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cache_doc_clear(&docs[i]);
    free(docs);
}

/* ---- curl plumbing ---- */

static void check_done(struct engine *e);

static void on_socket_ready(void *ud, int fd, short revents)
{
    struct engine *e = ud;
    int flags = 0;
    if (revents & (POLLIN | POLLHUP))
        flags |= CURL_CSELECT_IN;
    if (revents & POLLOUT)
        flags |= CURL_CSELECT_OUT;
    if (revents & (POLLERR | POLLNVAL))
        flags |= CURL_CSELECT_ERR;
    int running;
    curl_multi_socket_action(e->multi, fd, flags, &running);
    check_done(e);
}

static int socket_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
    struct engine *e = userp;
    (void)easy;
    (void)socketp;
    if (what == CURL_POLL_REMOVE) {
        loop_unwatch_fd(e->loop, s);
        return 0;
    }
    short ev = 0;
    if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
        ev |= POLLIN;
    if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
        ev |= POLLOUT;
    return loop_watch_fd(e->loop, s, ev, on_socket_ready, e) == 0 ? 0 : -1;
}

static void on_curl_timer(void *ud)
{
    struct engine *e = ud;
    e->curl_timer = 0;
    int running;
    curl_multi_socket_action(e->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_done(e);
}

static int timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
    struct engine *e = userp;
    (void)multi;
    loop_timer_cancel(e->loop, e->curl_timer);
    e->curl_timer = 0;
    if (timeout_ms >= 0) {
        e->curl_timer = loop_timer(e->loop, timeout_ms, on_curl_timer, e);
        if (!e->curl_timer)
            return -1;
    }
    return 0;
}

static CURL *get_handle(struct engine *e)
{
    if (e->n_pool) {
        CURL *h = e->pool[--e->n_pool];
        curl_easy_reset(h);
        return h;
    }
    return curl_easy_init();
}

static void put_handle(struct engine *e, CURL *h)
{
    if (e->n_pool < HANDLE_POOL_MAX)
        e->pool[e->n_pool++] = h;
    else
        curl_easy_cleanup(h);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    struct xfer *x = ud;
    size_t n = size * nmemb;
    return strbuf_append(&x->body, data, n) ? n : 0;   /* 0: abort; toobig says why */
}

/* Copy a header value (trimmed, bounded) when the line is "name: value". */
static bool header_value(const char *line, size_t n, const char *name, char *out, size_t size)
{
    size_t nl = strlen(name);
    if (n <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
        return false;
    const char *v = line + nl + 1, *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    size_t len = (size_t)(end - v);
    if (len >= size)
        len = 0;        /* too long to be a real validator: ignore it */
    memcpy(out, v, len);
    out[len] = '\0';
    return true;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
    struct xfer *x = ud;
    size_t n = size * nmemb;
    if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        /* a new response (after a redirect or 100): forget the last one's */
        x->etag[0] = x->last_modified[0] = x->retry_after[0] = '\0';
        return n;
    }
    if (!header_value(data, n, "etag", x->etag, sizeof(x->etag)) &&
        !header_value(data, n, "last-modified", x->last_modified, sizeof(x->last_modified)))
        header_value(data, n, "retry-after", x->retry_after, sizeof(x->retry_after));
    return n;
}

static void xfer_link(struct engine *e, struct xfer *x)
{
    x->prev = NULL;
    x->next = e->xfers;
    if (e->xfers)
        e->xfers->prev = x;
    e->xfers = x;
    e->n_xfers++;
}

static void xfer_unlink(struct engine *e, struct xfer *x)
{
    if (x->prev)
        x->prev->next = x->next;
    else
        e->xfers = x->next;
    if (x->next)
        x->next->prev = x->prev;
    x->prev = x->next = NULL;
    e->n_xfers--;
}

static void xfer_free(struct xfer *x)
{
    if (!x)
        return;
    curl_slist_free_all(x->hdrs);
    strbuf_free(&x->body);
    free(x->name);
    free(x->url);
    free(x);
}

/* Start one document request of feed f. */
static void request_doc(struct feed *f, const char *name, const char *url, int cachet, int page,
                        bool required)
{
    struct engine *e = f->e;
    const struct config_feed *c = f->cfg;
    struct xfer *x = xcalloc(1, sizeof(*x));
    x->e = e;
    x->f = f;
    x->name = xstrdup(name);
    x->url = xstrdup(url);
    x->cachet = cachet;
    x->page = page;
    x->required = required;
    strbuf_init(&x->body, c->max_body);
    x->h = get_handle(e);
    if (!x->h) {
        feed_error(f, OD_NET, url, "cannot start a transfer", NULL, required);
        xfer_free(x);
        return;
    }
    const struct cache_doc *old = find_doc(f, name);
    x->hdrs = curl_slist_append(NULL, "Accept: application/json");
    if (old && old->etag) {
        char *h = xasprintf("If-None-Match: %s", old->etag);
        x->hdrs = curl_slist_append(x->hdrs, h);
        free(h);
    }
    if (old && old->last_modified) {
        char *h = xasprintf("If-Modified-Since: %s", old->last_modified);
        x->hdrs = curl_slist_append(x->hdrs, h);
        free(h);
    }
    long timeout = c->timeout > 0 ? c->timeout : CONFIG_DEFAULT_TIMEOUT;
    long connect = timeout < 10 ? timeout : 10;
    CURL *h = x->h;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, connect);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, LOW_SPEED_BYTES);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, connect);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (c->ca_file)
        curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
    curl_easy_setopt(h, CURLOPT_USERAGENT, e->user_agent);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");      /* the cap counts decoded bytes */
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    curl_easy_setopt(h, CURLOPT_PIPEWAIT, 1L);              /* prefer one multiplexed connection */
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->max_body);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, x->hdrs);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->errbuf);
    curl_easy_setopt(h, CURLOPT_PRIVATE, x);
    if (curl_multi_add_handle(e->multi, h) != CURLM_OK) {
        feed_error(f, OD_NET, url, "cannot start a transfer", NULL, required);
        put_handle(e, h);
        xfer_free(x);
        return;
    }
    f->pending++;
    xfer_link(e, x);
}

/* ---- per-kind document logic ---- */

static void request_sp(struct feed *f, enum sp_slot s)
{
    char *url = fetch_doc_url(f->cfg->url, "/api/v2", sp_docs[s].path);
    request_doc(f, sp_docs[s].name, url, -1, 1, s == SP_SUMMARY);
    free(url);
}

static void request_cachet(struct feed *f, int which, int page)
{
    /* cachet_doc_path is "/api/v1/components": the part after /api/v1 */
    const char *path = cachet_doc_path(cachet_docs[which]) + strlen("/api/v1");
    char *base = fetch_doc_url(f->cfg->url, "/api/v1", path);
    char *url = xasprintf("%s?page=%d", base, page);
    char *name = xasprintf("%s?page=%d", cachet_doc_name(cachet_docs[which]), page);
    request_doc(f, name, url, which, page, which == 0);
    free(name);
    free(url);
    free(base);
}

/* A body arrived or was confirmed: what it means for the feed's documents. */
static void record_ok(struct feed *f, struct xfer *x, long code)
{
    struct cache_doc *old = find_doc(f, x->name);
    bool same = code == 304 ||
                (old && old->len == x->body.len && memcmp(old->body, strbuf_str(&x->body),
                                                          x->body.len) == 0);
    struct result *r = add_result(f, x->name, same ? OUT_SAME : OUT_NEW);
    if (code != 304)
        f->any_200 = true;
    if (same && code != 304) {  /* keep the newer validators */
        r->etag = x->etag[0] ? xstrdup(x->etag) : NULL;
        r->last_modified = x->last_modified[0] ? xstrdup(x->last_modified) : NULL;
    }
    if (!same) {
        r->doc.name = xstrdup(x->name);
        r->doc.etag = x->etag[0] ? xstrdup(x->etag) : NULL;
        r->doc.last_modified = x->last_modified[0] ? xstrdup(x->last_modified) : NULL;
        r->doc.body = strbuf_steal(&x->body, &r->doc.len);
    }
    f->st.bytes += same ? 0 : r->doc.len;

    if (x->cachet >= 0) {
        /* the page's pagination decides whether to ask for the next page */
        bool has_next = false;
        if (same) {
            has_next = old && (old->flags & DOC_HAS_NEXT);
        } else {
            if (!f->reader)
                f->reader = cachet_reader_new(f->cfg->time_zone);
            struct cachet_pagination pg;
            memset(&pg, 0, sizeof(pg));
            struct od_error perr;
            od_error_clear(&perr);
            char *src = text_sanitize(x->url, strlen(x->url), TEXT_SINGLE_LINE, 150);
            enum od_status st = cachet_reader_add(f->reader, cachet_docs[x->cachet], r->doc.body,
                                                  r->doc.len, src, &pg, &perr);
            free(src);
            if (st != OD_OK) {
                r->out = OUT_ERROR;
                if (!f->err.code || x->required) {
                    f->err = perr;
                    f->fatal = f->fatal || x->required;
                }
                return;
            }
            has_next = cachet_pagination_has_next(&pg);
            r->doc.flags = has_next ? DOC_HAS_NEXT : 0;
        }
        if (has_next && x->page < ENGINE_CACHET_MAX_PAGES)
            request_cachet(f, x->cachet, x->page + 1);
        return;
    }
    /* Statuspage: after summary.json, the optional documents only when the
     * summary changed, when there is no snapshot yet, or every Nth fetch. */
    if (strcmp(x->name, sp_docs[SP_SUMMARY].name) == 0) {
        bool need = !same || !f->e->state->feeds[f->idx].snap ||
                    f->n_started % OPTIONAL_EVERY == 1 || OPTIONAL_EVERY == 1;
        if (need && !f->cfg->summary_only) {
            request_sp(f, SP_INCIDENTS);
            request_sp(f, SP_MAINTENANCES);
        }
    }
}

static void finish_fetch(struct feed *f);

/* One document request ended. */
static void xfer_done(struct xfer *x, CURLcode rc)
{
    struct feed *f = x->f;
    long code = 0;
    curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &code);
    if (x->required)
        f->status = code;
    long timeout = f->cfg->timeout;
    if ((rc == CURLE_WRITE_ERROR && x->body.toobig) || rc == CURLE_FILESIZE_EXCEEDED) {
        char msg[96];
        snprintf(msg, sizeof(msg), "body larger than %zu bytes", f->cfg->max_body);
        feed_error(f, OD_TOOBIG, x->url, msg, NULL, x->required);
        add_result(f, x->name, OUT_ERROR);
    } else if (rc == CURLE_OPERATION_TIMEDOUT) {
        char msg[64];
        snprintf(msg, sizeof(msg), "timed out (limit %ld s)", timeout);
        feed_error(f, OD_NET, x->url, msg, x->errbuf[0] ? x->errbuf : NULL, x->required);
        add_result(f, x->name, OUT_ERROR);
    } else if (rc != CURLE_OK) {
        feed_error(f, OD_NET, x->url, curl_easy_strerror(rc), x->errbuf[0] ? x->errbuf : NULL,
                   x->required);
        add_result(f, x->name, OUT_ERROR);
    } else if ((code == 404 || code == 410) && !x->required && x->page == 1) {
        add_result(f, x->name, OUT_ABSENT);     /* an optional document this feed lacks */
        f->any_200 = true;
    } else if (code == 304 && !find_doc(f, x->name)) {
        feed_error(f, OD_HTTP, x->url, "HTTP 304 for a document never fetched", NULL,
                   x->required);
        add_result(f, x->name, OUT_ERROR);
    } else if (code == 200 || code == 203 || code == 304) {
        record_ok(f, x, code);
    } else {
        char msg[48];
        snprintf(msg, sizeof(msg), "HTTP %ld", code);
        feed_error(f, code == 404 || code == 410 ? OD_NOTFOUND : OD_HTTP, x->url, msg, NULL,
                   x->required);
        add_result(f, x->name, OUT_ERROR);
        if ((code == 429 || code == 503) && x->retry_after[0]) {
            int64_t ra = schedule_parse_retry_after(x->retry_after, clock_wall_sec());
            if (ra > f->retry_after)
                f->retry_after = ra;
        }
    }
    f->pending--;
    if (f->pending == 0)
        finish_fetch(f);
}

static void check_done(struct engine *e)
{
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(e->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        CURL *h = m->easy_handle;
        CURLcode rc = m->data.result;
        struct xfer *x = NULL;
        curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&x);
        curl_multi_remove_handle(e->multi, h);
        if (!x)
            continue;
        xfer_unlink(e, x);
        if (!x->f) {
            void (*done)(void *, CURL *, CURLcode) = x->done;
            void *ud = x->ud;
            xfer_free(x);
            if (done)
                done(ud, h, rc);
            continue;
        }
        xfer_done(x, rc);
        put_handle(e, x->h);
        xfer_free(x);
    }
}

/* ---- parsing a feed's documents ---- */

/* The documents a snapshot is built from, in order. */
struct docview {
    const struct cache_doc *d[CACHE_MAX_DOCS];
    size_t n;
};

/* Which Cachet document a cache name ("incidents?page=2") is; -1 for none. */
static int cachet_which(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(cachet_docs); i++) {
        const char *dn = cachet_doc_name(cachet_docs[i]);
        size_t n = strlen(dn);
        if (strncmp(name, dn, n) == 0 && name[n] == '?')
            return (int)i;
    }
    return -1;
}

/* Add the Cachet documents of v to reader r. OD_OK, or the first error (in err);
 * *components says whether a components page was among them. */
static enum od_status cachet_add_docs(struct cachet_reader *r, const struct docview *v,
                                      struct od_error *err, bool *components, bool *required_bad)
{
    enum od_status rc = OD_OK;
    for (size_t i = 0; i < v->n; i++) {
        int which = cachet_which(v->d[i]->name);
        if (which < 0)
            continue;
        if (which == 0)
            *components = true;
        struct od_error e;
        od_error_clear(&e);
        if (cachet_reader_add(r, cachet_docs[which], v->d[i]->body, v->d[i]->len, v->d[i]->name,
                              NULL, &e) != OD_OK) {
            if (rc == OD_OK || which == 0)
                *err = e;
            if (which == 0)
                *required_bad = true;
            rc = e.code;
        }
    }
    return rc;
}

/* A snapshot from bodies, or NULL with err (a required document is bad).
 * A bad optional document sets *soft (the snapshot is still returned).
 * Cachet: `reader` (may be NULL) already holds some pages; it is used up. */
static struct snapshot *parse_docs(const struct feed *f, const struct docview *v,
                                   struct cachet_reader *reader, struct od_error *err,
                                   bool *soft)
{
    const struct config_feed *c = f->cfg;
    *soft = false;
    if (c->kind == FEED_CACHET) {
        struct cachet_reader *r = reader ? reader : cachet_reader_new(c->time_zone);
        bool components = reader != NULL, required_bad = false;
        if (cachet_add_docs(r, v, err, &components, &required_bad) != OD_OK)
            *soft = true;
        struct snapshot *s = NULL;
        if (!required_bad && components)
            s = cachet_reader_snapshot(r);
        else if (!required_bad)
            od_error_set(err, OD_SHAPE, c->url, 0, 0, "no components document");
        if (!reader)
            cachet_reader_free(r);
        return s;
    }
    struct snapshot *acc = NULL;
    for (size_t slot = 0; slot < SP__COUNT; slot++) {
        const struct cache_doc *d = NULL;
        for (size_t i = 0; i < v->n && !d; i++)
            if (strcmp(v->d[i]->name, sp_docs[slot].name) == 0)
                d = v->d[i];
        if (!d) {
            if (slot == SP_SUMMARY) {
                od_error_set(err, OD_SHAPE, c->url, 0, 0, "no summary.json");
                return NULL;
            }
            continue;
        }
        char src[64];
        snprintf(src, sizeof(src), "%s", sp_docs[slot].path + 1);
        struct od_error e;
        od_error_clear(&e);
        struct snapshot *s = sp_read(d->body, d->len, sp_docs[slot].doc, src, &e);
        if (!s) {
            *err = e;
            if (slot == SP_SUMMARY)
                return NULL;
            *soft = true;
            continue;
        }
        if (!acc) {
            acc = s;
        } else {
            struct snapshot *m = snapshot_merge(acc, s);
            snapshot_free(acc);
            snapshot_free(s);
            acc = m;
        }
    }
    return acc;
}

/* ---- handing results to the state ----
 *
 * state_feed_take/fail rebuild every view, which is O(feeds) each: with 500
 * feeds finishing in one cycle that is quadratic. So a finished fetch is
 * staged here, and once per loop round every staged feed is written into
 * its struct state_feed (the same fields take/fail set), the views are
 * rebuilt once (state_recompute), and only then are the old snapshots freed
 * (the views pointed into them until the rebuild) and the hooks called. */

static void apply_staged(void *ud);

/* snap: a new snapshot (owned) or NULL to keep the old one; error: NULL for a
 * success; at: the time of the data (now, or the cache's). */
static void stage(struct feed *f, struct snapshot *snap, const char *error, int64_t at,
                  bool from_cache)
{
    struct engine *e = f->e;
    if (f->staged) {   /* two results in one round (a refresh): the later wins */
        if (snap) {
            snapshot_free(f->staged_snap);
            f->staged_snap = snap;
        }
    } else {
        f->staged = true;
        f->staged_snap = snap;
        e->staged = xreallocarray(e->staged, e->n_staged + 1, sizeof(*e->staged));
        e->staged[e->n_staged++] = f->idx;
    }
    f->staged_ok = error == NULL;
    f->staged_at = at;
    f->staged_cache = from_cache;
    f->staged_error[0] = '\0';
    if (error) {
        char *safe = text_sanitize(error, strlen(error), TEXT_SINGLE_LINE, STATE_ERROR_MAX - 1);
        snprintf(f->staged_error, sizeof(f->staged_error), "%s", safe[0] ? safe : "fetch failed");
        free(safe);
    }
    if (!e->apply_timer)
        e->apply_timer = loop_timer(e->loop, 0, apply_staged, e);
}

static void apply_staged(void *ud)
{
    struct engine *e = ud;
    loop_timer_cancel(e->loop, e->apply_timer);
    e->apply_timer = 0;
    size_t n = e->n_staged;
    if (n == 0)
        return;
    size_t *idx = e->staged;
    e->staged = NULL;
    e->n_staged = 0;
    struct state *st = e->state;
    struct snapshot **old = xcalloc(n, sizeof(*old));
    struct event_list *ev = xcalloc(n, sizeof(*ev));
    int64_t now = clock_wall_sec();
    bool rebuild = false;   /* a fetch that changed nothing leaves the views alone */
    for (size_t i = 0; i < n; i++) {
        struct feed *f = &e->feeds[idx[i]];
        struct state_feed *sf = &st->feeds[f->idx];
        f->staged = false;
        rebuild = rebuild || f->staged_snap || !f->staged_ok || !sf->ok || sf->stale ||
                  !sf->attempted_at;
        if (f->staged_snap) {
            if (!f->staged_cache && events_diff(sf->snap, f->staged_snap, f->idx, &ev[i]) != OD_OK)
                events_free(&ev[i]);
            old[i] = sf->snap;
            sf->snap = f->staged_snap;
            f->staged_snap = NULL;
            sf->fetched_at = f->staged_at;
        } else if (f->staged_ok) {
            sf->fetched_at = f->staged_at;
        }
        sf->ok = f->staged_ok;
        sf->attempted_at = f->staged_at;
        snprintf(sf->error, sizeof(sf->error), "%s", f->staged_error);
    }
    if (rebuild)
        state_recompute(st, now);
    for (size_t i = 0; i < n; i++)
        snapshot_free(old[i]);
    for (size_t i = 0; i < n; i++) {
        struct feed *f = &e->feeds[idx[i]];
        if (e->hooks.feed_changed)
            e->hooks.feed_changed(e->ud, f->idx, ev[i].v, ev[i].n);
        events_free(&ev[i]);
    }
    free(old);
    free(ev);
    free(idx);
}

/* ---- finishing a fetch ---- */

static void mark_dirty(struct feed *f);

static void count_failure(struct feed *f, const char *words)
{
    f->st.consecutive_failures++;
    f->st.n_failures++;
    snprintf(f->st.last_error, sizeof(f->st.last_error), "%s", words);
}

static void count_success(struct feed *f, int64_t now)
{
    f->st.last_success = now;
    f->st.from_cache = false;
    f->st.consecutive_failures = 0;
    f->st.last_error[0] = '\0';
}

static void next_fetch(struct feed *f, int64_t retry_after)
{
    schedule_feed(f, schedule_next_ms(f->cfg->interval, f->st.consecutive_failures, retry_after,
                                      &f->e->rng));
}

static void finish_fetch(struct feed *f)
{
    struct engine *e = f->e;
    struct state_feed *sf = &e->state->feeds[f->idx];
    int64_t now = clock_wall_sec();
    f->busy = false;
    f->st.in_flight = false;
    f->st.n_fetches++;
    f->st.last_duration_ms = loop_now_ms(e->loop) - f->started_ms;
    f->st.http_status = f->status;
    f->st.retry_after_s = 0;
    char words[ENGINE_ERROR_MAX];
    words[0] = '\0';

    if (f->fatal) {
        error_words(&f->err, words, sizeof(words));
        count_failure(f, words);
        f->st.retry_after_s = f->retry_after;
        free_results(f);
        stage(f, NULL, words, now, false);
        next_fetch(f, f->retry_after);
        return;
    }

    /* The documents after this fetch: results in order, then (Statuspage) the
     * old documents this fetch did not ask for. An optional document that
     * failed keeps its old body. */
    struct docview v;
    v.n = 0;
    bool changed = false;
    for (size_t i = 0; i < f->n_res && v.n < CACHE_MAX_DOCS; i++) {
        struct result *r = &f->res[i];
        const struct cache_doc *old = find_doc(f, r->name);
        if (r->out == OUT_NEW) {
            v.d[v.n++] = &r->doc;
            changed = true;
        } else if (r->out == OUT_ABSENT) {
            changed = changed || old;
        } else if (old) {
            v.d[v.n++] = old;
        }
    }
    for (size_t i = 0; i < f->n_docs && v.n < CACHE_MAX_DOCS; i++) {
        bool seen = false;
        for (size_t j = 0; j < f->n_res && !seen; j++)
            seen = strcmp(f->res[j].name, f->docs[i].name) == 0;
        if (seen)
            continue;
        if (f->cfg->kind == FEED_CACHET)
            changed = true;         /* a page that no longer exists */
        else
            v.d[v.n++] = &f->docs[i];
    }

    bool soft_error = f->err.code != OD_OK;
    if (soft_error)
        error_words(&f->err, words, sizeof(words));

    struct snapshot *snap = NULL;
    if (changed || !sf->snap || f->staged_snap) {
        struct od_error perr;
        od_error_clear(&perr);
        bool soft = false;
        /* Cachet: changed pages are already in f->reader; the rest are added */
        struct docview rest;
        rest.n = 0;
        for (size_t i = 0; i < v.n; i++) {
            bool is_new = false;
            for (size_t j = 0; j < f->n_res && !is_new; j++)
                is_new = f->res[j].out == OUT_NEW && v.d[i] == &f->res[j].doc;
            if (!is_new || !f->reader)
                rest.d[rest.n++] = v.d[i];
        }
        snap = parse_docs(f, &rest, f->reader, &perr, &soft);
        f->st.n_parsed++;
        if (!snap) {
            error_words(&perr, words, sizeof(words));
            count_failure(f, words);
            free_results(f);
            stage(f, NULL, words, now, false);
            next_fetch(f, 0);
            return;
        }
        if (soft && !soft_error) {
            soft_error = true;
            error_words(&perr, words, sizeof(words));
        }
        /* commit the documents: move what is kept, take what is new */
        struct cache_doc *docs = xcalloc(v.n ? v.n : 1, sizeof(*docs));
        for (size_t i = 0; i < v.n; i++) {
            struct cache_doc *src = (struct cache_doc *)v.d[i];
            docs[i] = *src;
            memset(src, 0, sizeof(*src));
        }
        free_docs(f->docs, f->n_docs);
        f->docs = docs;
        f->n_docs = v.n;
        if (changed) {
            f->st.last_change = now;
            mark_dirty(f);
        }
    } else {
        /* nothing changed: no parse; fresher validators from a 200 are kept */
        for (size_t i = 0; i < f->n_res; i++) {
            struct result *r = &f->res[i];
            struct cache_doc *old = find_doc(f, r->name);
            if (r->out != OUT_SAME || !old || (!r->etag && !r->last_modified))
                continue;
            free(old->etag);
            free(old->last_modified);
            old->etag = r->etag;
            old->last_modified = r->last_modified;
            r->etag = r->last_modified = NULL;
        }
        if (f->any_200)
            f->st.n_unchanged++;
        else
            f->st.n_not_modified++;
    }
    free_results(f);
    count_success(f, now);
    if (soft_error)
        count_failure(f, words);
    stage(f, snap, soft_error ? words : NULL, now, false);
    next_fetch(f, 0);
}

/* file:// feeds: read and parse directly (local, so blocking is brief). */
static void fetch_local(struct feed *f)
{
    struct od_error err;
    od_error_clear(&err);
    int64_t now = clock_wall_sec();
    f->st.last_attempt = now;
    f->st.n_fetches++;
    struct snapshot *snap = fetch_feed(f->cfg, &err);
    char words[ENGINE_ERROR_MAX];
    error_words(&err, words, sizeof(words));
    if (snap) {
        f->st.n_parsed++;
        count_success(f, now);
    }
    if (err.code != OD_OK)
        count_failure(f, words);
    stage(f, snap, err.code != OD_OK ? words : NULL, now, false);
    next_fetch(f, 0);
}

static void start_fetch(struct feed *f)
{
    struct engine *e = f->e;
    if (f->busy)
        return;
    loop_timer_cancel(e->loop, f->timer);
    f->timer = 0;
    f->st.next_fetch_at = 0;
    f->n_started++;
    if (strncmp(f->cfg->url, "file://", 7) == 0) {
        fetch_local(f);
        return;
    }
    f->busy = true;
    f->st.in_flight = true;
    f->st.last_attempt = clock_wall_sec();
    f->started_ms = loop_now_ms(e->loop);
    f->pending = 0;
    f->fatal = false;
    f->any_200 = false;
    f->status = 0;
    f->retry_after = 0;
    od_error_clear(&f->err);
    if (e->hooks.feed_started)
        e->hooks.feed_started(e->ud, f->idx);
    f->pending++;       /* hold: requests failing at once must not finish early */
    if (f->cfg->kind == FEED_CACHET) {
        for (size_t i = 0; i < ARRAY_SIZE(cachet_docs); i++)
            request_cachet(f, (int)i, 1);
    } else {
        request_sp(f, SP_SUMMARY);
    }
    f->pending--;
    if (f->pending == 0)
        finish_fetch(f);
}

static void on_feed_timer(void *ud)
{
    struct feed *f = ud;
    f->timer = 0;
    start_fetch(f);
}

static void schedule_feed(struct feed *f, int64_t delay_ms)
{
    struct engine *e = f->e;
    loop_timer_cancel(e->loop, f->timer);
    f->timer = loop_timer(e->loop, delay_ms, on_feed_timer, f);
    f->st.next_fetch_at = clock_wall_sec() + (delay_ms + 999) / 1000;
}

/* ---- cache ---- */

static void flush_some(void *ud);

static void mark_dirty(struct feed *f)
{
    struct engine *e = f->e;
    if (!e->cache_dir)
        return;
    f->cache_dirty = true;
    if (!e->flush_timer)
        e->flush_timer = loop_timer(e->loop, CACHE_FLUSH_DELAY, flush_some, e);
}

static void write_cache(struct engine *e, struct feed *f)
{
    f->cache_dirty = false;
    struct cache_entry ce = {
        .url = f->cfg->url,
        .fetched_at = e->state->feeds[f->idx].fetched_at,
        .docs = f->docs,
        .n_docs = f->n_docs,
    };
    struct od_error err;
    od_error_clear(&err);
    (void)cache_write(e->cache_dir, f->cfg->id, &ce, &err);  /* a cache is best effort */
}

/* Write a batch of dirty feeds per loop round so a first run with many feeds
 * does not stall the loop on fsync. */
static void flush_some(void *ud)
{
    struct engine *e = ud;
    e->flush_timer = 0;
    size_t written = 0;
    for (size_t i = 0; i < e->n_feeds; i++) {
        if (!e->feeds[i].cache_dirty)
            continue;
        if (written == CACHE_FLUSH_BATCH) {
            e->flush_timer = loop_timer(e->loop, 10, flush_some, e);
            return;
        }
        write_cache(e, &e->feeds[i]);
        written++;
    }
}

int engine_load_cache(struct engine *e)
{
    if (!e->cache_dir)
        return 0;
    int loaded = 0;
    int64_t now = clock_wall_sec();
    for (size_t i = 0; i < e->n_feeds; i++) {
        struct feed *f = &e->feeds[i];
        if (strncmp(f->cfg->url, "file://", 7) == 0)
            continue;
        struct cache_entry ce;
        struct od_error err;
        od_error_clear(&err);
        enum od_status rc = cache_read(e->cache_dir, f->cfg->id, &ce, &err);
        if (rc == OD_PARSE)
            cache_remove(e->cache_dir, f->cfg->id);
        if (rc != OD_OK)
            continue;
        if (strcmp(ce.url, f->cfg->url) != 0) {     /* the feed moved: not its data */
            cache_entry_free(&ce);
            continue;
        }
        struct docview v;
        v.n = 0;
        for (size_t d = 0; d < ce.n_docs && v.n < CACHE_MAX_DOCS; d++)
            v.d[v.n++] = &ce.docs[d];
        bool soft;
        struct snapshot *snap = parse_docs(f, &v, NULL, &err, &soft);
        if (!snap) {
            cache_entry_free(&ce);
            cache_remove(e->cache_dir, f->cfg->id);
            continue;
        }
        free_docs(f->docs, f->n_docs);
        f->docs = ce.docs;
        f->n_docs = ce.n_docs;
        ce.docs = NULL;
        ce.n_docs = 0;
        char when[96], age[32];
        struct od_time t = {.sec = ce.fetched_at, .valid = true};
        tz_format_multi(when, sizeof(when), &t, (const char *const *)e->cfg->timezones,
                        e->cfg->n_timezones, TZ_STYLE_DATE_HHMM);
        tz_format_age(age, sizeof(age), ce.fetched_at, now);
        char words[ENGINE_ERROR_MAX];
        snprintf(words, sizeof(words), "cached data from %s (%s); not fetched yet", when, age);
        stage(f, snap, words, ce.fetched_at, true);
        snprintf(f->st.last_error, sizeof(f->st.last_error), "%s", words);
        f->st.from_cache = true;
        f->st.last_success = ce.fetched_at;
        cache_entry_free(&ce);
        loaded++;
    }
    apply_staged(e);    /* into the state now, before the first fetch */
    return loaded;
}

int engine_set_cache_dir(struct engine *e, const char *dir)
{
    free(e->cache_dir);
    e->cache_dir = dir ? xstrdup(dir) : NULL;
    return 0;
}

const char *engine_cache_dir(const struct engine *e)
{
    return e->cache_dir;
}

/* ---- life cycle ---- */

struct engine *engine_new(const struct config *cfg, struct state *st,
                          const struct engine_hooks *hooks, void *ud, struct od_error *err)
{
    struct engine *e = xcalloc(1, sizeof(*e));
    e->cfg = cfg;
    e->state = st;
    if (hooks)
        e->hooks = *hooks;
    e->ud = ud;
    e->multi = curl_multi_init();
    if (!e->multi) {
        free(e);
        od_error_set(err, OD_NET, NULL, 0, 0, "cannot create a libcurl multi handle");
        return NULL;
    }
    e->loop = loop_new();
    curl_multi_setopt(e->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
    curl_multi_setopt(e->multi, CURLMOPT_SOCKETDATA, e);
    curl_multi_setopt(e->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
    curl_multi_setopt(e->multi, CURLMOPT_TIMERDATA, e);
    curl_multi_setopt(e->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
    /* keep one idle connection per feed between cycles (the default shrinks
     * the cache as transfers end, so every cycle would connect afresh) */
    curl_multi_setopt(e->multi, CURLMOPT_MAXCONNECTS, (long)(cfg->n_feeds < 16 ? 16 : cfg->n_feeds));
    e->n_feeds = cfg->n_feeds;
    e->feeds = xcalloc(e->n_feeds ? e->n_feeds : 1, sizeof(*e->feeds));
    for (size_t i = 0; i < e->n_feeds; i++) {
        e->feeds[i].e = e;
        e->feeds[i].idx = i;
        e->feeds[i].cfg = &cfg->feeds[i];
    }
    e->cache_dir = cache_default_dir();
    e->rng = (uint64_t)clock_mono_ms() * 0x9E3779B97F4A7C15ull ^ (uint64_t)getpid();
    snprintf(e->user_agent, sizeof(e->user_agent), "opsdeck/%s", OPSDECK_VERSION);
    od_error_clear(err);
    return e;
}

void engine_set_seed(struct engine *e, uint64_t seed)
{
    e->rng = seed ? seed : 1;
}

void engine_free(struct engine *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->n_feeds; i++)
        if (e->feeds[i].cache_dirty && e->cache_dir)
            write_cache(e, &e->feeds[i]);
    /* abort what is in flight; engine_http handles go back to their owners */
    while (e->xfers) {
        struct xfer *x = e->xfers;
        xfer_unlink(e, x);
        curl_multi_remove_handle(e->multi, x->h);
        if (x->f)
            curl_easy_cleanup(x->h);
        xfer_free(x);
    }
    for (size_t i = 0; i < e->n_feeds; i++) {
        free_results(&e->feeds[i]);
        snapshot_free(e->feeds[i].staged_snap);
        free_docs(e->feeds[i].docs, e->feeds[i].n_docs);
    }
    for (size_t i = 0; i < e->n_pool; i++)
        curl_easy_cleanup(e->pool[i]);
    curl_multi_cleanup(e->multi);
    loop_free(e->loop);
    free(e->feeds);
    free(e->staged);
    free(e->cache_dir);
    free(e);
}

void engine_start(struct engine *e)
{
    if (e->started)
        return;
    e->started = true;
    for (size_t i = 0; i < e->n_feeds; i++)
        schedule_feed(&e->feeds[i], 0);
}

int engine_run(struct engine *e)
{
    engine_start(e);
    return loop_run(e->loop);
}

void engine_stop(struct engine *e)
{
    loop_stop(e->loop);
}

void engine_refresh(struct engine *e, long feed)
{
    for (size_t i = 0; i < e->n_feeds; i++)
        if (feed < 0 || (size_t)feed == i)
            start_fetch(&e->feeds[i]);
}

struct loop *engine_loop(struct engine *e)
{
    return e->loop;
}

int engine_watch_fd(struct engine *e, int fd, short events,
                    void (*cb)(void *ud, int fd, short revents), void *ud)
{
    return loop_watch_fd(e->loop, fd, events, cb, ud);
}

void engine_unwatch_fd(struct engine *e, int fd)
{
    loop_unwatch_fd(e->loop, fd);
}

unsigned engine_timer(struct engine *e, int64_t delay_ms, void (*cb)(void *ud), void *ud)
{
    return loop_timer(e->loop, delay_ms, cb, ud);
}

void engine_timer_cancel(struct engine *e, unsigned id)
{
    loop_timer_cancel(e->loop, id);
}

const struct engine_feed_stats *engine_stats(const struct engine *e, size_t feed)
{
    return feed < e->n_feeds ? &e->feeds[feed].st : NULL;
}

bool engine_idle(const struct engine *e)
{
    return e->n_xfers == 0;
}

int engine_http(struct engine *e, CURL *easy, void (*done)(void *ud, CURL *easy, CURLcode rc),
                void *ud)
{
    struct xfer *x = xcalloc(1, sizeof(*x));
    x->e = e;
    x->h = easy;
    x->done = done;
    x->ud = ud;
    curl_easy_setopt(easy, CURLOPT_PRIVATE, x);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    if (curl_multi_add_handle(e->multi, easy) != CURLM_OK) {
        free(x);
        return -1;
    }
    xfer_link(e, x);
    return 0;
}

void engine_http_cancel(struct engine *e, CURL *easy)
{
    for (struct xfer *x = e->xfers; x; x = x->next) {
        if (x->f || x->h != easy)
            continue;
        xfer_unlink(e, x);
        curl_multi_remove_handle(e->multi, easy);
        xfer_free(x);
        return;
    }
}
