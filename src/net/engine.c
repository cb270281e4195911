/* The fetch engine's life cycle and public API (engine.h); how it works is
 * described in engine_int.h. */
#include "engine_int.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "opsdeck/clock.h"
#include "opsdeck/config.h"
#include "opsdeck/fetch_simple.h"
#include "opsdeck/model.h"
#include "opsdeck/schedule.h"
#include "opsdeck/text.h"
#include "opsdeck/tz.h"
#include "opsdeck/xalloc.h"

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
    curl_multi_setopt(e->multi, CURLMOPT_SOCKETFUNCTION, eng_socket_cb);
    curl_multi_setopt(e->multi, CURLMOPT_SOCKETDATA, e);
    curl_multi_setopt(e->multi, CURLMOPT_TIMERFUNCTION, eng_timer_cb);
    curl_multi_setopt(e->multi, CURLMOPT_TIMERDATA, e);
    curl_multi_setopt(e->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
    /* Keep one idle connection per feed between cycles (the default shrinks
     * the cache as transfers end, so every cycle would connect afresh), but
     * never more sockets than the descriptor limit allows: past it, transfers
     * wait for a connection instead of failing. */
    long conns = (long)(cfg->n_feeds < 16 ? 16 : cfg->n_feeds);
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        (rlim_t)conns + 64 > rl.rlim_cur)
        conns = rl.rlim_cur > 80 ? (long)rl.rlim_cur - 64 : 16;
    curl_multi_setopt(e->multi, CURLMOPT_MAXCONNECTS, conns);
    curl_multi_setopt(e->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, conns);
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
            eng_write_cache(e, &e->feeds[i]);
    /* abort what is in flight; engine_http handles go back to their owners */
    while (e->xfers) {
        struct xfer *x = e->xfers;
        eng_xfer_unlink(e, x);
        curl_multi_remove_handle(e->multi, x->h);
        if (x->f)
            curl_easy_cleanup(x->h);
        eng_xfer_free(x);
    }
    for (size_t i = 0; i < e->n_feeds; i++) {
        eng_free_results(&e->feeds[i]);
        snapshot_free(e->feeds[i].staged_snap);
        eng_free_docs(e->feeds[i].docs, e->feeds[i].n_docs);
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
        eng_schedule_feed(&e->feeds[i], 0);
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
            eng_start_fetch(&e->feeds[i]);
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
    eng_xfer_link(e, x);
    return 0;
}

void engine_http_cancel(struct engine *e, CURL *easy)
{
    for (struct xfer *x = e->xfers; x; x = x->next) {
        if (x->f || x->h != easy)
            continue;
        eng_xfer_unlink(e, x);
        curl_multi_remove_handle(e->multi, easy);
        eng_xfer_free(x);
        return;
    }
}
