/* Finishing a fetch: staging results into the state once per loop round,
 * scheduling the next fetch, and the on-disk cache. */
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

/* ---- handing results to the state ----
 *
 * state_feed_take/fail rebuild every view, which is O(feeds) each: with 500
 * feeds finishing in one cycle that is quadratic. So a finished fetch is
 * staged here, and once per loop round every staged feed is written into
 * its struct state_feed (the same fields take/fail set), the views are
 * rebuilt once (state_recompute), and only then are the old snapshots freed
 * (the views pointed into them until the rebuild) and the hooks called. */

/* snap: a new snapshot (owned) or NULL to keep the old one; error: NULL for a
 * success; at: the time of the data (now, or the cache's). */
void eng_stage(struct feed *f, struct snapshot *snap, const char *error, int64_t at,
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
        e->apply_timer = loop_timer(e->loop, 0, eng_apply_staged, e);
}

void eng_apply_staged(void *ud)
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
    eng_schedule_feed(f, schedule_next_ms(f->cfg->interval, f->st.consecutive_failures, retry_after,
                                      &f->e->rng));
}

void eng_finish_fetch(struct feed *f)
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
        eng_error_words(&f->err, words, sizeof(words));
        count_failure(f, words);
        f->st.retry_after_s = f->retry_after;
        eng_free_results(f);
        eng_stage(f, NULL, words, now, false);
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
        const struct cache_doc *old = eng_find_doc(f, r->name);
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
        eng_error_words(&f->err, words, sizeof(words));

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
        snap = eng_parse_docs(f, &rest, f->reader, &perr, &soft);
        f->st.n_parsed++;
        if (!snap) {
            eng_error_words(&perr, words, sizeof(words));
            count_failure(f, words);
            eng_free_results(f);
            eng_stage(f, NULL, words, now, false);
            next_fetch(f, 0);
            return;
        }
        if (soft && !soft_error) {
            soft_error = true;
            eng_error_words(&perr, words, sizeof(words));
        }
        /* commit the documents: move what is kept, take what is new */
        struct cache_doc *docs = xcalloc(v.n ? v.n : 1, sizeof(*docs));
        for (size_t i = 0; i < v.n; i++) {
            struct cache_doc *src = (struct cache_doc *)v.d[i];
            docs[i] = *src;
            memset(src, 0, sizeof(*src));
        }
        eng_free_docs(f->docs, f->n_docs);
        f->docs = docs;
        f->n_docs = v.n;
        if (changed) {
            f->st.last_change = now;
            eng_mark_dirty(f);
        }
    } else {
        /* nothing changed: no parse; fresher validators from a 200 are kept */
        for (size_t i = 0; i < f->n_res; i++) {
            struct result *r = &f->res[i];
            struct cache_doc *old = eng_find_doc(f, r->name);
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
    eng_free_results(f);
    count_success(f, now);
    if (soft_error)
        count_failure(f, words);
    eng_stage(f, snap, soft_error ? words : NULL, now, false);
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
    eng_error_words(&err, words, sizeof(words));
    if (snap) {
        f->st.n_parsed++;
        count_success(f, now);
    }
    if (err.code != OD_OK)
        count_failure(f, words);
    eng_stage(f, snap, err.code != OD_OK ? words : NULL, now, false);
    next_fetch(f, 0);
}

void eng_start_fetch(struct feed *f)
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
        for (size_t i = 0; i < ARRAY_SIZE(eng_cachet_docs); i++)
            eng_request_cachet(f, (int)i, 1);
    } else {
        eng_request_sp(f, SP_SUMMARY);
    }
    f->pending--;
    if (f->pending == 0)
        eng_finish_fetch(f);
}

static void on_feed_timer(void *ud)
{
    struct feed *f = ud;
    f->timer = 0;
    eng_start_fetch(f);
}

void eng_schedule_feed(struct feed *f, int64_t delay_ms)
{
    struct engine *e = f->e;
    loop_timer_cancel(e->loop, f->timer);
    f->timer = loop_timer(e->loop, delay_ms, on_feed_timer, f);
    f->st.next_fetch_at = clock_wall_sec() + (delay_ms + 999) / 1000;
}

/* ---- cache ---- */

static void flush_some(void *ud);

void eng_mark_dirty(struct feed *f)
{
    struct engine *e = f->e;
    if (!e->cache_dir)
        return;
    f->cache_dirty = true;
    if (!e->flush_timer)
        e->flush_timer = loop_timer(e->loop, CACHE_FLUSH_DELAY, flush_some, e);
}

void eng_write_cache(struct engine *e, struct feed *f)
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
        eng_write_cache(e, &e->feeds[i]);
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
        struct snapshot *snap = eng_parse_docs(f, &v, NULL, &err, &soft);
        if (!snap) {
            cache_entry_free(&ce);
            cache_remove(e->cache_dir, f->cfg->id);
            continue;
        }
        eng_free_docs(f->docs, f->n_docs);
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
        eng_stage(f, snap, words, ce.fetched_at, true);
        snprintf(f->st.last_error, sizeof(f->st.last_error), "%s", words);
        f->st.from_cache = true;
        f->st.last_success = ce.fetched_at;
        cache_entry_free(&ce);
        loaded++;
    }
    eng_apply_staged(e);    /* into the state now, before the first fetch */
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
