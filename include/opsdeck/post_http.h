/* Sending a post's request over HTTP with libcurl's easy interface.
 *
 * post_http_new() prepares an easy handle for one request: method and body,
 * Content-Type, Accept, Idempotency-Key, the token header (the token is copied
 * into curl's header list and wiped from every buffer of ours when the request
 * is freed), http/https only, no redirects (a write is never replayed
 * elsewhere), the feed's timeout and CA file, a 1 MiB cap on the response.
 * The dashboard hands the handle to engine_http(); the CLI calls
 * post_http_perform(), the blocking transport for outbox_deliver().
 * curl_global_init() is main's job.
 */
#ifndef OPSDECK_POST_HTTP_H
#define OPSDECK_POST_HTTP_H

#include <curl/curl.h>
#include <stddef.h>
#include "opsdeck/attrs.h"
#include "opsdeck/post.h"

struct config_feed;
struct post_http;

#define POST_HTTP_MAX_RESPONSE (1u << 20)

/* A request ready to run: *easy is owned by the returned context (freed by
 * post_http_free). NULL only when libcurl cannot make a handle. */
OD_NODISCARD struct post_http *post_http_new(const struct post_request *req, const char *token,
                                             const struct config_feed *feed, CURL **easy);

/* After the transfer ended with rc: the HTTP status (0 when there was no
 * response, with net_error filled), the response body (*body malloc'd, the
 * caller's), and Retry-After in seconds (0 when none). */
long post_http_finish(struct post_http *h, CURLcode rc, char **body, size_t *len,
                      long *retry_after, char *net_error, size_t net_error_size);

void post_http_free(struct post_http *h);      /* NULL is fine */

/* The blocking transport (struct post_transport.perform); ud is the
 * const struct config_feed * the request is for. */
long post_http_perform(void *ud, const struct post_request *req, const char *token, char **body,
                       size_t *len, long *retry_after, char *net_error, size_t net_error_size);

#endif
