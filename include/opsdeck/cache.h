/* The fetch engine's on-disk cache: each feed's last good response bodies
 * and their validators, so a restart shows the last known state at once.
 *
 * One file per feed, DIR/<feed id>.cache, replaced atomically (a temp file in
 * DIR, fsync, rename, fsync of DIR), mode 0600 in a 0700 directory. Format
 * (binary-safe; lengths in decimal):
 *   opsdeck-cache 1\n
 *   url <len>\n<url bytes>\n
 *   fetched <epoch seconds>\n
 *   doc <name len> <etag len> <last-modified len> <body len> <flags>\n
 *   <name><etag><last-modified><body>\n          (repeated)
 *   end\n
 * A file that does not parse exactly, or whose url differs from the feed's,
 * is not used.
 */
#ifndef OPSDECK_CACHE_H
#define OPSDECK_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "opsdeck/attrs.h"
#include "opsdeck/error.h"

#define CACHE_MAX_DOCS    128
#define CACHE_MAX_NAME    256
#define CACHE_MAX_HEADER  512           /* etag / last-modified bytes kept */
#define CACHE_MAX_FILE    ((size_t)256 << 20)

/* One document of a feed: what was fetched, and how to ask again. */
struct cache_doc {
    char *name;                 /* "summary", "components?page=2", ... */
    char *etag;                 /* NULL when the server sent none */
    char *last_modified;        /* NULL when none */
    char *body;                 /* NUL-terminated, len bytes */
    size_t len;
    unsigned flags;             /* engine's own bits (e.g. "has a next page") */
};

struct cache_entry {
    char *url;                  /* the feed's base URL when written */
    int64_t fetched_at;         /* epoch seconds of the last good fetch */
    struct cache_doc *docs;
    size_t n_docs;
};

void cache_doc_clear(struct cache_doc *d);          /* frees fields, zeroes */
void cache_entry_free(struct cache_entry *e);       /* frees fields, zeroes */

/* $XDG_STATE_HOME/opsdeck/cache, else $HOME/.local/state/opsdeck/cache
 * (malloc'd), or NULL when neither variable is set (or not absolute). */
OD_NODISCARD char *cache_default_dir(void);

/* Write a feed's entry atomically (creating dir and its parents, 0700).
 * OD_OK or OD_IO with err naming the file. */
enum od_status cache_write(const char *dir, const char *feed_id, const struct cache_entry *e,
                           struct od_error *err);
/* Read it back: OD_OK (out filled), OD_NOTFOUND (no file), OD_PARSE (bad file),
 * OD_IO. out is zeroed first and empty on failure. */
enum od_status cache_read(const char *dir, const char *feed_id, struct cache_entry *out,
                          struct od_error *err);
/* Remove a feed's cache file (no error when absent). */
void cache_remove(const char *dir, const char *feed_id);

#endif
