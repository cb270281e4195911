/* Simple, blocking fetch: one document at a time, one feed after another.
 * (The concurrent engine is engine.h; `opsdeck snapshot` uses this.)
 *
 * http:// and https:// go through libcurl's easy interface with a connect and a
 * total timeout, protocols (and redirects) restricted to http/https, at most 5
 * redirects, TLS peer and host verification on, and the body cap enforced in the
 * write callback (CURLOPT_MAXFILESIZE does nothing when the size is unknown).
 * file:// URLs are read directly with the same cap (libcurl's file:// blocks
 * inside the multi interface, so the engine reads them the same way).
 * Any other scheme is an error.
 *
 * curl_global_init() is the caller's job (main), once, before the first fetch.
 */
#ifndef OPSDECK_FETCH_SIMPLE_H
#define OPSDECK_FETCH_SIMPLE_H

#include <stdbool.h>
#include <stddef.h>
#include "opsdeck/attrs.h"
#include "opsdeck/error.h"

struct config_feed;
struct snapshot;

struct fetch_options {
    long connect_timeout_s;     /* <= 0: 10 */
    long timeout_s;             /* whole transfer; <= 0: 30 */
    size_t max_body;            /* bytes; 0: 4 MiB */
    const char *ca_file;        /* PEM bundle or NULL for the system store */
    const char *user_agent;     /* NULL: "opsdeck/VERSION" */
};

/* Fetch one document. On success OD_OK, *body is a new malloc'd NUL-terminated
 * buffer of *len bytes (caller frees). On failure *body is NULL and err says why:
 * OD_NET (connect, timeout, TLS, DNS), OD_HTTP (other status >= 400, "HTTP 503"),
 * OD_NOTFOUND (HTTP 404/410, or a file:// path that does not exist),
 * OD_TOOBIG (over max_body), OD_IO (file://), OD_INVALID (bad URL/scheme).
 * err->source is the URL. */
OD_NODISCARD enum od_status fetch_document(const char *url, const struct fetch_options *opt,
                                           char **body, size_t *len, struct od_error *err);

/* Read a local file with a cap (what file:// URLs do). */
OD_NODISCARD enum od_status fetch_file(const char *path, size_t max_body, char **body,
                                       size_t *len, struct od_error *err);

/* Decode a file:// URL into a local path ("file:///x/y" or "file://localhost/x"),
 * percent-decoding; false for other hosts or a bad escape. */
bool fetch_file_url_path(const char *url, char *buf, size_t size);

/* BASE + api + doc ("/api/v2" + "/summary.json"), without doubling api when
 * BASE already ends in it and without a doubled '/'. New string (caller frees). */
OD_NODISCARD char *fetch_doc_url(const char *base, const char *api, const char *doc);

/* A whole feed, per its kind: for Statuspage BASE/api/v2/summary.json, then
 * incidents.json and scheduled-maintenances.json, each read with sp_read and
 * merged with snapshot_merge (newer documents win for their parts).
 * summary.json is required: if it fails, NULL and err. A later document that
 * does not exist (OD_NOTFOUND: HTTP 404, or a missing file in a file:// directory
 * of captures) is skipped. If a later document fails otherwise,
 * the snapshot of what was read is returned AND err is set (code != OD_OK), so the
 * caller shows the data but reports the feed as failed. With no failure, err is
 * cleared (OD_OK).
 * For Cachet: BASE/api/v1/components (required), components/groups, incidents
 * and schedules, each followed through its pages over http(s) (at most 20; the
 * next URL is built from BASE, never taken from the server), read with
 * cachet_codec.h in the feed's time_zone. A file:// Cachet feed reads one page
 * of each from BASE/api/v1/components.json, components/groups.json,
 * incidents.json and schedules.json ("components" is both a document and a
 * directory, so the files carry .json). */
OD_NODISCARD struct snapshot *fetch_feed(const struct config_feed *feed, struct od_error *err);

#endif
