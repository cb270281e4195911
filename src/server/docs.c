/* The read API documents: views of the model, rendered with sp_write, gzip'd. */
#include "opsdeck/srv_docs.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "opsdeck/sp_codec.h"
#include "opsdeck/srv_sha256.h"
#include "opsdeck/xalloc.h"

static const char *const doc_paths[SRV_DOC__COUNT] = {
    [SRV_DOC_SUMMARY] = "/api/v2/summary.json",
    [SRV_DOC_STATUS] = "/api/v2/status.json",
    [SRV_DOC_COMPONENTS] = "/api/v2/components.json",
    [SRV_DOC_INCIDENTS] = "/api/v2/incidents.json",
    [SRV_DOC_UNRESOLVED] = "/api/v2/incidents/unresolved.json",
    [SRV_DOC_MAINTENANCES] = "/api/v2/scheduled-maintenances.json",
    [SRV_DOC_UPCOMING] = "/api/v2/scheduled-maintenances/upcoming.json",
    [SRV_DOC_ACTIVE] = "/api/v2/scheduled-maintenances/active.json",
};

const char *srv_doc_path(enum srv_doc_id id)
{
    return (unsigned)id < SRV_DOC__COUNT ? doc_paths[id] : NULL;
}

int srv_doc_from_path(const char *path)
{
    for (int i = 0; i < SRV_DOC__COUNT; i++)
        if (!strcmp(path, doc_paths[i]))
            return i;
    return -1;
}

enum pick { PICK_ALL, PICK_OPEN, PICK_UPCOMING, PICK_ACTIVE, PICK_RECENT };

static bool picked(const struct incident *inc, enum pick p)
{
    switch (p) {
    case PICK_OPEN:     return incident_status_is_open(inc->status);
    case PICK_UPCOMING: return inc->status == INC_SCHEDULED;
    case PICK_ACTIVE:   return inc->status == INC_IN_PROGRESS || inc->status == INC_VERIFYING;
    default:            return true;
    }
}

/* A shallow list of the incidents to serve (the strings stay in the model). */
static struct incident *select_list(const struct incident *from, size_t n, enum pick p,
                                    bool newest_last, size_t *out_n)
{
    struct incident *out = xcalloc(n + 1, sizeof(*out));
    size_t k = 0;
    if (p == PICK_RECENT) {
        size_t take = n < SRV_DOC_LIST_MAX ? n : SRV_DOC_LIST_MAX;
        size_t start = newest_last ? n - take : 0;
        memcpy(out, from + start, take * sizeof(*out));
        k = take;
    } else {
        for (size_t i = 0; i < n; i++)
            if (picked(&from[i], p))
                out[k++] = from[i];
    }
    *out_n = k;
    return out;
}

char *srv_doc_render(const struct snapshot *model, enum srv_doc_id id, size_t *len)
{
    struct snapshot view = *model;
    struct incident *inc = NULL, *mnt = NULL;
    enum sp_doc kind = SP_DOC_SUMMARY;
    switch (id) {
    case SRV_DOC_SUMMARY:
        inc = select_list(model->incidents, model->n_incidents, PICK_OPEN, false,
                          &view.n_incidents);
        mnt = select_list(model->maintenances, model->n_maintenances, PICK_OPEN, false,
                          &view.n_maintenances);
        break;
    case SRV_DOC_STATUS:
        kind = SP_DOC_STATUS;
        view.parts = SNAP_PAGE | SNAP_STATUS;
        break;
    case SRV_DOC_COMPONENTS:
        kind = SP_DOC_COMPONENTS;
        view.parts = SNAP_PAGE | SNAP_COMPONENTS;
        break;
    case SRV_DOC_INCIDENTS:
    case SRV_DOC_UNRESOLVED:
        kind = SP_DOC_INCIDENTS;
        view.parts = SNAP_PAGE | SNAP_INCIDENTS;
        inc = select_list(model->incidents, model->n_incidents,
                          id == SRV_DOC_INCIDENTS ? PICK_RECENT : PICK_OPEN, false,
                          &view.n_incidents);
        break;
    default:
        kind = SP_DOC_MAINTENANCES;
        view.parts = SNAP_PAGE | SNAP_MAINTENANCES;
        /* the model keeps maintenances by scheduled_for ascending: the recent ones are last */
        mnt = select_list(model->maintenances, model->n_maintenances,
                          id == SRV_DOC_MAINTENANCES ? PICK_RECENT
                          : id == SRV_DOC_UPCOMING  ? PICK_UPCOMING : PICK_ACTIVE,
                          true, &view.n_maintenances);
        break;
    }
    if (inc)
        view.incidents = inc;
    if (mnt)
        view.maintenances = mnt;
    char *out = sp_write(&view, kind, len);
    free(inc);
    free(mnt);
    return out;
}

int srv_gzip(const char *in, size_t len, char **out, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    /* 15 + 16: a gzip wrapper rather than zlib's; level 6: 9 costs several times the
     * time for a few per cent, and every write re-compresses all eight documents */
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    uLong bound = deflateBound(&z, (uLong)len);
    char *buf = xmalloc(bound + 32);
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)buf;
    z.avail_out = (uInt)(bound + 32);
    int rc = deflate(&z, Z_FINISH);
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(buf);
        return -1;
    }
    *out = buf;
    *out_len = z.total_out;
    return 0;
}

static void make_etag(const char *body, size_t len, struct srv_doc *d)
{
    uint8_t h[SHA256_LEN];
    char hex[2 * 16 + 1];
    sha256(body, len, h);
    hex_encode(h, 16, hex);
    snprintf(d->etag, sizeof(d->etag), "\"%s\"", hex);
    snprintf(d->etag_gz, sizeof(d->etag_gz), "\"%s-gz\"", hex);
}

struct srv_docs *srv_docs_build(struct snapshot *model)
{
    struct srv_docs *d = xcalloc(1, sizeof(*d));
    d->model = model;
    for (int i = 0; i < SRV_DOC__COUNT; i++) {
        struct srv_doc *doc = &d->doc[i];
        doc->plain = srv_doc_render(model, (enum srv_doc_id)i, &doc->plain_len);
        if (srv_gzip(doc->plain, doc->plain_len, &doc->gz, &doc->gz_len) < 0) {
            doc->gz = NULL;         /* served plain only */
            doc->gz_len = 0;
        }
        make_etag(doc->plain, doc->plain_len, doc);
    }
    return d;
}

void srv_docs_free(struct srv_docs *d)
{
    if (!d)
        return;
    for (int i = 0; i < SRV_DOC__COUNT; i++) {
        free(d->doc[i].plain);
        free(d->doc[i].gz);
    }
    snapshot_free(d->model);
    free(d);
}

/* Next comma-separated element of a header: [*start, *end) trimmed. */
static bool next_item(const char **p, const char **start, const char **end)
{
    const char *s = *p;
    while (*s == ' ' || *s == '\t' || *s == ',')
        s++;
    if (!*s)
        return false;
    const char *e = s;
    bool quoted = false;
    while (*e && (quoted || *e != ',')) {
        if (*e == '"')
            quoted = !quoted;
        e++;
    }
    *p = e;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    *start = s;
    *end = e;
    return true;
}

bool srv_accepts_gzip(const char *accept_encoding)
{
    if (!accept_encoding)
        return false;
    const char *p = accept_encoding, *s, *e;
    bool star = false, gzip = false, gzip_seen = false;
    while (next_item(&p, &s, &e)) {
        size_t n = strcspn(s, ";, \t");
        if ((size_t)(e - s) < n)
            n = (size_t)(e - s);
        bool q0 = false;
        const char *q = s + n;
        while (q < e && (*q == ';' || *q == ' ' || *q == '\t'))
            q++;
        if (q + 1 < e && (q[0] == 'q' || q[0] == 'Q') && q[1] == '=') {
            double v = strtod(q + 2, NULL);
            q0 = v <= 0.0;
        }
        if ((n == 4 && !strncasecmp(s, "gzip", 4)) || (n == 6 && !strncasecmp(s, "x-gzip", 6))) {
            gzip_seen = true;
            gzip = !q0;
        } else if (n == 1 && *s == '*') {
            star = !q0;
        }
    }
    return gzip_seen ? gzip : star;
}

bool srv_etag_matches(const char *if_none_match, const char *etag, const char *etag_gz)
{
    if (!if_none_match)
        return false;
    const char *p = if_none_match, *s, *e;
    while (next_item(&p, &s, &e)) {
        if (e - s == 1 && *s == '*')
            return true;
        if (e - s > 2 && s[0] == 'W' && s[1] == '/')
            s += 2;     /* If-None-Match compares weakly */
        size_t n = (size_t)(e - s);
        if ((n == strlen(etag) && !memcmp(s, etag, n)) ||
            (etag_gz && n == strlen(etag_gz) && !memcmp(s, etag_gz, n)))
            return true;
    }
    return false;
}
