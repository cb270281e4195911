/* What a feed's documents mean: the Statuspage and Cachet requests, each
 * response's outcome and follow-ups, errors in words, and parsing. */
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

const struct eng_sp_doc eng_sp_docs[SP__COUNT] = {
    {"summary", "/summary.json", SP_DOC_SUMMARY},
    {"incidents", "/incidents.json", SP_DOC_INCIDENTS},
    {"maintenances", "/scheduled-maintenances.json", SP_DOC_MAINTENANCES},
};

const enum cachet_doc eng_cachet_docs[ENG_CACHET_NDOCS] = {CACHET_DOC_COMPONENTS, CACHET_DOC_GROUPS,
                                              CACHET_DOC_INCIDENTS, CACHET_DOC_SCHEDULES};

/* ---- errors ---- */

/* "what: detail" about url into f->err. The first error is kept, except that a
 * failure of the required document replaces an optional one's. */
void eng_feed_error(struct feed *f, enum od_status code, const char *url, const char *what,
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

void eng_error_words(const struct od_error *err, char *buf, size_t size)
{
    od_error_format(buf, size, err);
}

/* ---- documents ---- */

struct cache_doc *eng_find_doc(struct feed *f, const char *name)
{
    for (size_t i = 0; i < f->n_docs; i++)
        if (strcmp(f->docs[i].name, name) == 0)
            return &f->docs[i];
    return NULL;
}

struct result *eng_add_result(struct feed *f, const char *name, enum outcome out)
{
    f->res = xreallocarray(f->res, f->n_res + 1, sizeof(*f->res));
    struct result *r = &f->res[f->n_res++];
    memset(r, 0, sizeof(*r));
    r->name = xstrdup(name);
    r->out = out;
    return r;
}

void eng_free_results(struct feed *f)
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

void eng_free_docs(struct cache_doc *docs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cache_doc_clear(&docs[i]);
    free(docs);
}

/* ---- per-kind document logic ---- */

void eng_request_sp(struct feed *f, enum sp_slot s)
{
    char *url = fetch_doc_url(f->cfg->url, "/api/v2", eng_sp_docs[s].path);
    eng_request_doc(f, eng_sp_docs[s].name, url, -1, 1, s == SP_SUMMARY);
    free(url);
}

void eng_request_cachet(struct feed *f, int which, int page)
{
    /* cachet_doc_path is "/api/v1/components": the part after /api/v1 */
    const char *path = cachet_doc_path(eng_cachet_docs[which]) + strlen("/api/v1");
    char *base = fetch_doc_url(f->cfg->url, "/api/v1", path);
    char *url = xasprintf("%s?page=%d", base, page);
    char *name = xasprintf("%s?page=%d", cachet_doc_name(eng_cachet_docs[which]), page);
    eng_request_doc(f, name, url, which, page, which == 0);
    free(name);
    free(url);
    free(base);
}

/* A body arrived or was confirmed: what it means for the feed's documents. */
static void record_ok(struct feed *f, struct xfer *x, long code)
{
    struct cache_doc *old = eng_find_doc(f, x->name);
    bool same = code == 304 ||
                (old && old->len == x->body.len && memcmp(old->body, strbuf_str(&x->body),
                                                          x->body.len) == 0);
    struct result *r = eng_add_result(f, x->name, same ? OUT_SAME : OUT_NEW);
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
            enum od_status st = cachet_reader_add(f->reader, eng_cachet_docs[x->cachet], r->doc.body,
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
            eng_request_cachet(f, x->cachet, x->page + 1);
        return;
    }
    /* Statuspage: after summary.json, the optional documents only when the
     * summary changed, when there is no snapshot yet, or every Nth fetch. */
    if (strcmp(x->name, eng_sp_docs[SP_SUMMARY].name) == 0) {
        bool need = !same || !f->e->state->feeds[f->idx].snap ||
                    f->n_started % OPTIONAL_EVERY == 1 || OPTIONAL_EVERY == 1;
        if (need && !f->cfg->summary_only) {
            eng_request_sp(f, SP_INCIDENTS);
            eng_request_sp(f, SP_MAINTENANCES);
        }
    }
}

/* One document request ended. */
void eng_xfer_done(struct xfer *x, CURLcode rc)
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
        eng_feed_error(f, OD_TOOBIG, x->url, msg, NULL, x->required);
        eng_add_result(f, x->name, OUT_ERROR);
    } else if (rc == CURLE_OPERATION_TIMEDOUT) {
        char msg[64];
        snprintf(msg, sizeof(msg), "timed out (limit %ld s)", timeout);
        eng_feed_error(f, OD_NET, x->url, msg, x->errbuf[0] ? x->errbuf : NULL, x->required);
        eng_add_result(f, x->name, OUT_ERROR);
    } else if (rc != CURLE_OK) {
        eng_feed_error(f, OD_NET, x->url, curl_easy_strerror(rc), x->errbuf[0] ? x->errbuf : NULL,
                   x->required);
        eng_add_result(f, x->name, OUT_ERROR);
    } else if ((code == 404 || code == 410) && !x->required && x->page == 1) {
        eng_add_result(f, x->name, OUT_ABSENT);     /* an optional document this feed lacks */
        f->any_200 = true;
    } else if (code == 304 && !eng_find_doc(f, x->name)) {
        eng_feed_error(f, OD_HTTP, x->url, "HTTP 304 for a document never fetched", NULL,
                   x->required);
        eng_add_result(f, x->name, OUT_ERROR);
    } else if (code == 200 || code == 203 || code == 304) {
        record_ok(f, x, code);
    } else {
        char msg[48];
        snprintf(msg, sizeof(msg), "HTTP %ld", code);
        eng_feed_error(f, code == 404 || code == 410 ? OD_NOTFOUND : OD_HTTP, x->url, msg, NULL,
                   x->required);
        eng_add_result(f, x->name, OUT_ERROR);
        if ((code == 429 || code == 503) && x->retry_after[0]) {
            int64_t ra = schedule_parse_retry_after(x->retry_after, clock_wall_sec());
            if (ra > f->retry_after)
                f->retry_after = ra;
        }
    }
    f->pending--;
    if (f->pending == 0)
        eng_finish_fetch(f);
}

/* ---- parsing a feed's documents ---- */


/* Which Cachet document a cache name ("incidents?page=2") is; -1 for none. */
static int cachet_which(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(eng_cachet_docs); i++) {
        const char *dn = cachet_doc_name(eng_cachet_docs[i]);
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
        if (cachet_reader_add(r, eng_cachet_docs[which], v->d[i]->body, v->d[i]->len, v->d[i]->name,
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
struct snapshot *eng_parse_docs(const struct feed *f, const struct docview *v,
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
            if (strcmp(v->d[i]->name, eng_sp_docs[slot].name) == 0)
                d = v->d[i];
        if (!d) {
            if (slot == SP_SUMMARY) {
                od_error_set(err, OD_SHAPE, c->url, 0, 0, "no summary.json");
                return NULL;
            }
            continue;
        }
        char src[64];
        snprintf(src, sizeof(src), "%s", eng_sp_docs[slot].path + 1);
        struct od_error e;
        od_error_clear(&e);
        struct snapshot *s = sp_read(d->body, d->len, eng_sp_docs[slot].doc, src, &e);
        if (!s) {
            *err = e;
            if (slot == SP_SUMMARY)
                return NULL;
            *soft = true;
            continue;
        }
        acc = fetch_merge_docs(acc, s);
    }
    return acc;
}
