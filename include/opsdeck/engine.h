/* The fetch engine: every feed in flight at once on one libcurl multi handle,
 * driven by the poll(2) loop of loop.h, which also serves the caller's
 * descriptors, timers and signals. No thread per feed; nothing spins when idle.
 *
 * Per feed (config.h): fetch every `interval` seconds with +-10% jitter;
 * conditional requests (If-None-Match / If-Modified-Since from the last good
 * answer) so a 304 costs no parse, and a 200 whose body hashes the same as the
 * last good one is not parsed either; compressed transfers (Accept-Encoding:
 * whatever libcurl supports); HTTP/2 over TLS when offered; connections reused
 * across fetches; connect timeout min(timeout, 10) s, total timeout `timeout`,
 * a low-speed limit (under 64 B/s for min(timeout, 10) s is a failure); each
 * document capped at `max_body` bytes, with or without Content-Length; TLS
 * verification always on (`ca_file` replaces the system CA store for the feed); proxies
 * from the environment as curl reads them; at most 5 redirects, http/https only.
 *
 * What a feed fetches (the same documents as fetch_simple.h's fetch_feed):
 *  - statuspage: BASE/api/v2/summary.json (required), then incidents.json and
 *    scheduled-maintenances.json (optional: 404 skips them), merged with
 *    snapshot_merge. A failed optional document keeps the snapshot and marks
 *    the feed failed, like fetch_feed.
 *  - cachet: BASE/api/v1/components (required), components/groups, incidents,
 *    schedules, each followed page by page (?page=N built from BASE, at most
 *    ENGINE_CACHET_MAX_PAGES each), read with cachet_codec.h in the feed's
 *    time_zone.
 *  - file:// bases are read directly (no curl) from the timer, as fetch_simple.
 *
 * Failures: an HTTP status >= 400, a curl error (refused, timeout, TLS, too
 * slow), a body over the cap, or a body the reader rejects is a failed fetch:
 * state_feed_fail() with the error in words ("HTTP 503 for .../summary.json",
 * "summary.json:1:17: ...parse error..."); the last good snapshot stays. After
 * k consecutive failures the next fetch waits interval * 2^(k-1) (at most
 * ENGINE_MAX_BACKOFF_S) with jitter; a 429 or 503 with Retry-After waits at
 * least that long (capped at ENGINE_MAX_RETRY_AFTER_S).
 *
 * Cache: each feed's last good bodies and validators are kept in
 * $XDG_STATE_HOME/opsdeck/cache/ (default ~/.local/state/opsdeck/cache), one
 * file per feed, written atomically (temp file, fsync, rename).
 * engine_load_cache() puts them into the state before the first fetch, marked
 * stale (state_feed_take then state_feed_fail "cached data from <time>").
 *
 * Ownership: the engine borrows the config and the state (both must outlive
 * it) and is the only writer of the state's feed data while it runs (callers
 * read the state between callbacks). One thread.
 */
#ifndef OPSDECK_ENGINE_H
#define OPSDECK_ENGINE_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "opsdeck/attrs.h"
#include "opsdeck/error.h"
#include "opsdeck/events.h"
#include "opsdeck/loop.h"

struct config;
struct state;

#define ENGINE_ERROR_MAX          320   /* == STATE_ERROR_MAX */
#define ENGINE_CACHET_MAX_PAGES   20    /* pages followed per Cachet document */
#define ENGINE_MAX_BACKOFF_S      3600  /* longest wait after failures */
#define ENGINE_MAX_RETRY_AFTER_S  3600  /* longest Retry-After honoured */
#define ENGINE_JITTER_PERCENT     10    /* +- of the interval */

struct engine;

/* Every field may be NULL. Called from inside the loop. */
struct engine_hooks {
    /* A feed's state changed: a fetch finished (new data, unchanged data, a
     * 304, or a failure) or cached data was loaded. The state has been updated
     * (state_feed_take / state_feed_fail, then state_recompute) before the call.
     * ev[0..n_ev) are the change events vs the previous snapshot (none on
     * cache load, on the first snapshot without cache, and when nothing
     * changed); they are valid only during the call. */
    void (*feed_changed)(void *ud, size_t feed, const struct event *ev, size_t n_ev);
    /* A fetch of the feed began (for a "fetching" mark). */
    void (*feed_started)(void *ud, size_t feed);
};

/* What the dashboard shows about a feed's fetching. Times are epoch seconds
 * (clock_wall_sec), 0 = never. */
struct engine_feed_stats {
    bool in_flight;                 /* a fetch is running now */
    bool from_cache;                /* data came from the cache; no fetch succeeded yet */
    int64_t next_fetch_at;          /* when the next fetch is due (0 while in flight) */
    int64_t last_attempt;           /* last fetch started */
    int64_t last_success;           /* last fetch that ended well (200 or 304) */
    int64_t last_change;            /* last time a body differed from the one before */
    int64_t last_duration_ms;       /* of the last completed fetch */
    long http_status;               /* last HTTP status of the required document, 0 none */
    unsigned consecutive_failures;
    int64_t retry_after_s;          /* Retry-After honoured for the next fetch, 0 none */
    unsigned long n_fetches;        /* completed fetches (all documents of a feed) */
    unsigned long n_failures;
    unsigned long n_not_modified;   /* fetches where every document was 304 */
    unsigned long n_unchanged;      /* fetches with a 200 but the same bodies (no parse) */
    unsigned long n_parsed;         /* fetches whose bodies were parsed */
    uint64_t bytes;                 /* body bytes received, after decoding */
    char last_error[ENGINE_ERROR_MAX];  /* "" after a success; safe to print */
};

/* A new engine with its own loop. Nothing is fetched until engine_start() (or
 * engine_run()). NULL with err filled on failure (curl multi, memory). The
 * caller did curl_global_init(). */
OD_NODISCARD struct engine *engine_new(const struct config *cfg, struct state *st,
                                       const struct engine_hooks *hooks, void *ud,
                                       struct od_error *err);
/* Aborts transfers in flight (their engine_http done callbacks are NOT called),
 * frees the loop. NULL is fine. */
void engine_free(struct engine *e);

/* The cache directory: default from $XDG_STATE_HOME (see above). NULL turns
 * the cache off (nothing read or written). Call before engine_load_cache. The
 * directory is created (0700) on first write. 0, or -1 (out of memory). */
int engine_set_cache_dir(struct engine *e, const char *dir);
const char *engine_cache_dir(const struct engine *e);  /* NULL when off */
/* Seed the jitter (tests); the default seed comes from the clock and pid. */
void engine_set_seed(struct engine *e, uint64_t seed);

/* Load every feed's cached bodies into the state, marked stale; calls
 * feed_changed (no events) for each feed loaded. Returns how many feeds were
 * loaded. A missing or bad cache file is skipped (a bad one is removed). */
int engine_load_cache(struct engine *e);

/* Schedule every feed's first fetch now (file:// feeds at once, others as soon
 * as the loop runs). Idempotent. */
void engine_start(struct engine *e);
/* engine_start, then loop_run on the engine's loop until engine_stop(). 0 or -1. */
int engine_run(struct engine *e);
void engine_stop(struct engine *e);

/* Fetch now: one feed (its index) or every feed (-1). A feed in flight is left
 * alone; a feed waiting out a back-off or Retry-After is fetched anyway (an
 * explicit request from a person). */
void engine_refresh(struct engine *e, long feed);

/* The loop the engine runs on (for loop.h calls such as loop_on_signal). */
struct loop *engine_loop(struct engine *e);
/* Shorthands for loop_watch_fd / loop_unwatch_fd / loop_timer /
 * loop_timer_cancel on engine_loop(e). */
int engine_watch_fd(struct engine *e, int fd, short events,
                    void (*cb)(void *ud, int fd, short revents), void *ud);
void engine_unwatch_fd(struct engine *e, int fd);
unsigned engine_timer(struct engine *e, int64_t delay_ms, void (*cb)(void *ud), void *ud);
void engine_timer_cancel(struct engine *e, unsigned id);

/* The feed's fetch statistics (valid until the next loop round); NULL for a
 * bad index. */
const struct engine_feed_stats *engine_stats(const struct engine *e, size_t feed);
/* No feed fetch and no engine_http transfer is in flight. */
bool engine_idle(const struct engine *e);

/* Run a caller's request (posting) on the same multi handle. The caller
 * prepares the easy handle completely (URL, method, body, headers, timeouts,
 * its own write callback) and keeps owning it; it must not set CURLOPT_PRIVATE
 * (the engine uses it) and must not touch the handle until `done` runs (from
 * the loop) or engine_http_cancel() returns. TLS verification is forced on.
 * 0, or -1 (curl refused the handle, out of memory). */
int engine_http(struct engine *e, CURL *easy,
                void (*done)(void *ud, CURL *easy, CURLcode rc), void *ud);
/* Remove a handle added with engine_http before it completes; done is not
 * called. No-op for an unknown handle. */
void engine_http_cancel(struct engine *e, CURL *easy);

#endif
