/* The fetch engine's insides, shared by src/net/engine*.c only.
 *
 * Why curl_multi_socket_action and not curl_multi_poll: the loop must also
 * serve the terminal, timers and signals, and with 500 feeds in flight
 * curl_multi_perform would walk every transfer on every wake-up;
 * socket_action tells curl exactly which socket is ready, and curl tells us
 * (socket and timer callbacks) what to wait for, so one poll(2) waits for
 * everything and an idle engine sleeps until the next feed is due.
 *
 * A fetch of a feed is a set of document requests (struct xfer); when the
 * last one ends, eng_finish_fetch() decides: failed (keep everything old),
 * unchanged (no parse, only the times), or changed (parse the bodies, hand
 * the new snapshot to the state, mark the cache dirty).
 *
 *   engine.c          life cycle and the public API
 *   engine_curl.c     the multi handle: sockets, timers, easy handles, requests
 *   engine_docs.c     per-kind documents: outcomes, follow-ups, parsing, errors
 *   engine_results.c  finishing a fetch, staging into the state, schedule, cache
 */
#ifndef OPSDECK_ENGINE_INT_H
#define OPSDECK_ENGINE_INT_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opsdeck/cache.h"
#include "opsdeck/cachet_codec.h"
#include "opsdeck/engine.h"
#include "opsdeck/sp_codec.h"
#include "opsdeck/state.h"
#include "opsdeck/strbuf.h"

#define DOC_HAS_NEXT        1u      /* cache_doc flag: a Cachet page with a next page */
#define HANDLE_POOL_MAX     1024     /* idle easy handles kept for reuse */
#define LOW_SPEED_BYTES     64L     /* bytes/s below which a transfer is too slow */
#define OPTIONAL_EVERY      10      /* fetch optional documents at least every Nth time */
#define CACHE_FLUSH_DELAY   1000    /* ms after a change before the cache is written */
#define CACHE_FLUSH_BATCH   32      /* files written per loop round */

enum sp_slot { SP_SUMMARY, SP_INCIDENTS, SP_MAINTENANCES, SP__COUNT };

struct eng_sp_doc {
    const char *name;       /* document name in the cache */
    const char *path;       /* after /api/v2 */
    enum sp_doc doc;
};
extern const struct eng_sp_doc eng_sp_docs[SP__COUNT];
#define ENG_CACHET_NDOCS 4
extern const enum cachet_doc eng_cachet_docs[ENG_CACHET_NDOCS];

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
    int cachet;                 /* index into eng_cachet_docs, -1 for Statuspage */
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
    /* a result waiting for eng_apply_staged() */
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

/* The documents a snapshot is built from, in order. */
struct docview {
    const struct cache_doc *d[CACHE_MAX_DOCS];
    size_t n;
};

/* ---- shared between the engine's files ---- */

/* engine_curl.c: transfers on the multi handle */
int eng_socket_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp);
int eng_timer_cb(CURLM *multi, long timeout_ms, void *userp);
CURL *eng_get_handle(struct engine *e);
void eng_put_handle(struct engine *e, CURL *h);
void eng_xfer_link(struct engine *e, struct xfer *x);
void eng_xfer_unlink(struct engine *e, struct xfer *x);
void eng_xfer_free(struct xfer *x);
void eng_request_doc(struct feed *f, const char *name, const char *url, int cachet, int page,
                     bool required);
void eng_check_done(struct engine *e);

/* engine_docs.c: what a feed's documents mean */
void eng_feed_error(struct feed *f, enum od_status code, const char *url, const char *what,
                    const char *detail, bool fatal);
void eng_error_words(const struct od_error *err, char *buf, size_t size);
struct cache_doc *eng_find_doc(struct feed *f, const char *name);
struct result *eng_add_result(struct feed *f, const char *name, enum outcome out);
void eng_free_results(struct feed *f);
void eng_free_docs(struct cache_doc *docs, size_t n);
void eng_request_sp(struct feed *f, enum sp_slot s);
void eng_request_cachet(struct feed *f, int which, int page);
void eng_xfer_done(struct xfer *x, CURLcode rc);
struct snapshot *eng_parse_docs(const struct feed *f, const struct docview *v,
                                struct cachet_reader *reader, struct od_error *err, bool *soft);

/* engine_results.c: finishing fetches, the state, the schedule, the cache */
void eng_finish_fetch(struct feed *f);
void eng_start_fetch(struct feed *f);
void eng_schedule_feed(struct feed *f, int64_t delay_ms);
void eng_stage(struct feed *f, struct snapshot *snap, const char *error, int64_t at,
               bool from_cache);
void eng_apply_staged(void *ud);
void eng_mark_dirty(struct feed *f);
void eng_write_cache(struct engine *e, struct feed *f);

#endif
