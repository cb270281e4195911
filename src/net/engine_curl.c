/* The engine's multi handle: sockets and timers on the loop, pooled easy
 * handles, one document request, and collecting finished transfers. */
#include "engine_int.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opsdeck/clock.h"
#include "opsdeck/config.h"
#include "opsdeck/fetch_simple.h"
#include "opsdeck/model.h"
#include "opsdeck/schedule.h"
#include "opsdeck/text.h"
#include "opsdeck/tz.h"
#include "opsdeck/xalloc.h"

/* ---- curl plumbing ---- */

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
    eng_check_done(e);
}

int eng_socket_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
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
    eng_check_done(e);
}

int eng_timer_cb(CURLM *multi, long timeout_ms, void *userp)
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

CURL *eng_get_handle(struct engine *e)
{
    if (e->n_pool) {
        CURL *h = e->pool[--e->n_pool];
        curl_easy_reset(h);
        return h;
    }
    return curl_easy_init();
}

void eng_put_handle(struct engine *e, CURL *h)
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

void eng_xfer_link(struct engine *e, struct xfer *x)
{
    x->prev = NULL;
    x->next = e->xfers;
    if (e->xfers)
        e->xfers->prev = x;
    e->xfers = x;
    e->n_xfers++;
}

void eng_xfer_unlink(struct engine *e, struct xfer *x)
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

void eng_xfer_free(struct xfer *x)
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
void eng_request_doc(struct feed *f, const char *name, const char *url, int cachet, int page,
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
    x->h = eng_get_handle(e);
    if (!x->h) {
        eng_feed_error(f, OD_NET, url, "cannot start a transfer", NULL, required);
        eng_xfer_free(x);
        return;
    }
    const struct cache_doc *old = eng_find_doc(f, name);
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
        eng_feed_error(f, OD_NET, url, "cannot start a transfer", NULL, required);
        eng_put_handle(e, h);
        eng_xfer_free(x);
        return;
    }
    f->pending++;
    eng_xfer_link(e, x);
}

void eng_check_done(struct engine *e)
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
        eng_xfer_unlink(e, x);
        if (!x->f) {
            void (*done)(void *, CURL *, CURLcode) = x->done;
            void *ud = x->ud;
            eng_xfer_free(x);
            if (done)
                done(ud, h, rc);
            continue;
        }
        eng_xfer_done(x, rc);
        eng_put_handle(e, x->h);
        eng_xfer_free(x);
    }
}
