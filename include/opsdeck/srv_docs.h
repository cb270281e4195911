/* The read API's eight documents, pre-rendered from one model snapshot.
 *
 * After every write the server renders all eight (plain and gzip) once, so a
 * read is a lookup: no SQLite and no JSON work on the read path. ETags are
 * strong (a hash of the plain bytes; the gzip form gets its own tag).
 */
#ifndef OPSDECK_SRV_DOCS_H
#define OPSDECK_SRV_DOCS_H

#include <stdbool.h>
#include <stddef.h>
#include "opsdeck/attrs.h"
#include "opsdeck/model.h"

enum srv_doc_id {
    SRV_DOC_SUMMARY,
    SRV_DOC_STATUS,
    SRV_DOC_COMPONENTS,
    SRV_DOC_INCIDENTS,
    SRV_DOC_UNRESOLVED,
    SRV_DOC_MAINTENANCES,
    SRV_DOC_UPCOMING,
    SRV_DOC_ACTIVE,
    SRV_DOC__COUNT
};

#define SRV_DOC_LIST_MAX 50     /* incidents.json and scheduled-maintenances.json */

struct srv_doc {
    char *plain;
    size_t plain_len;
    char *gz;
    size_t gz_len;
    char etag[48];      /* "\"<32 hex>\"" */
    char etag_gz[48];   /* "\"<32 hex>-gz\"" */
};

struct srv_docs {
    struct srv_doc doc[SRV_DOC__COUNT];
    struct snapshot *model;     /* owned: what the docs were rendered from */
    unsigned long generation;   /* commit order: a publisher drops older sets */
};

/* "/api/v2/summary.json" … */
const char *srv_doc_path(enum srv_doc_id id);
/* The document for a request path, or -1. */
int srv_doc_from_path(const char *path);

/* One document from the full model (as store_load gives it), filtered the way
 * the real service fills it. New malloc'd string. */
OD_NODISCARD char *srv_doc_render(const struct snapshot *model, enum srv_doc_id id, size_t *len);

/* All eight, taking ownership of `model`. */
OD_NODISCARD struct srv_docs *srv_docs_build(struct snapshot *model);
void srv_docs_free(struct srv_docs *d);

/* gzip (RFC 1952) of a buffer; 0 on success with *out malloc'd. */
int srv_gzip(const char *in, size_t len, char **out, size_t *out_len);

/* Accept-Encoding allows gzip (a gzip or * coding whose q is not 0). */
bool srv_accepts_gzip(const char *accept_encoding);
/* If-None-Match (a list, W/ tags compared weakly, or "*") matches one of the tags. */
bool srv_etag_matches(const char *if_none_match, const char *etag, const char *etag_gz);

#endif
