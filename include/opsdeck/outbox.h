/* The outbox: every post is written to $XDG_STATE_HOME/opsdeck/outbox/KEY.json
 * (atomically, fsync'd) before it is sent, and leaves it only when the server
 * accepted every step, or rejected it (a 4xx: the message goes back to the
 * author, whose draft is still there).
 *
 * A network error, a 5xx, 408, 420 or 429 keeps the entry with its error and a
 * time for the next attempt (back-off 5 s, 10 s, 20 s … up to 5 min, or the
 * server's Retry-After when longer). A retry never creates a second item:
 * Statuspage and opsdeckd requests carry the post's Idempotency-Key; for Cachet,
 * which has none, a step that may have reached the server is first checked
 * with a GET (cachet_write.h) and skipped when its item is already there.
 *
 * Driving an entry is a small state machine so that the blocking CLI and the
 * dashboard's event loop share it: outbox_next() gives the next request (or
 * says the entry is finished), the caller performs it however it likes, and
 * outbox_on_response() records what came back (saving the entry each time).
 * outbox_deliver() is the blocking loop over a transport.
 */
#ifndef OPSDECK_OUTBOX_H
#define OPSDECK_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "opsdeck/attrs.h"
#include "opsdeck/error.h"
#include "opsdeck/post.h"
#include "opsdeck/sp_manage.h"

struct config;
struct config_feed;

#define OUTBOX_MAX_BYTES    (256u << 10)
#define OUTBOX_BACKOFF_MIN  5       /* seconds */
#define OUTBOX_BACKOFF_MAX  300

struct outbox_entry {
    char path[800];
    struct post post;               /* validated; has its key */
    size_t step;                    /* steps done */
    bool verify;                    /* check the server before resending (Cachet) */
    int attempts;                   /* failed attempts so far */
    int64_t created;                /* wall seconds */
    int64_t next_attempt;           /* wall seconds; 0 = now */
    char last_error[320];           /* "" when none */
    char result_id[POST_MAX_ID + 1];/* the id step 0 created or changed */
};

/* Put a validated post into the outbox (gives it a key when it has none).
 * The entry is written to disk before this returns OD_OK. */
OD_NODISCARD enum od_status outbox_add(const struct post *p, int64_t now,
                                       struct outbox_entry *out, struct od_error *err);
OD_NODISCARD enum od_status outbox_save(const struct outbox_entry *e, struct od_error *err);
void outbox_remove(const struct outbox_entry *e);
void outbox_entry_free(struct outbox_entry *e);

/* Every entry, oldest first (damaged files are skipped and named in err when
 * err is non-NULL, without failing the list). *out is a new array. */
size_t outbox_list(struct outbox_entry **out, struct od_error *err);
void outbox_list_free(struct outbox_entry *v, size_t n);

/* Seconds to wait after the n-th failure (n >= 1), at least retry_after. */
int64_t outbox_backoff(int attempts, long retry_after);

/* The next request of the entry for `feed` (the post's feed), encoded `enc`
 * for Statuspage: true with *req filled and *is_check telling whether it is a
 * duplicate check; false when there is nothing left to send, or with err set
 * when a request cannot be built (then the entry is unusable). */
bool outbox_next(const struct outbox_entry *e, const struct config_feed *feed,
                 enum post_encoding enc, struct post_request *req, bool *is_check,
                 struct od_error *err);

enum outbox_progress {
    OUTBOX_CONTINUE,    /* a step is done (or the check said it was); call outbox_next again */
    OUTBOX_FINISHED,    /* all steps done: the entry has left the outbox */
    OUTBOX_RETRY,       /* kept with its error and next_attempt */
    OUTBOX_REJECTED,    /* a 4xx: the entry has left the outbox; res->message says why */
};

/* Record a response: http_status 0 means no response (net_error says why). */
enum outbox_progress outbox_on_response(struct outbox_entry *e, const struct config_feed *feed,
                                        bool is_check, long http_status, const char *body,
                                        size_t len, long retry_after, const char *net_error,
                                        int64_t now, struct post_result *res);

/* How requests are performed (the real one is post_http.h; tests use fakes).
 * Returns the HTTP status, or 0 with net_error filled when there was no
 * response; *body (malloc'd, may be NULL) is the caller's to free. */
struct post_transport {
    long (*perform)(void *ud, const struct post_request *req, const char *token, char **body,
                    size_t *len, long *retry_after, char *net_error, size_t net_error_size);
    void *ud;
};

/* Send the entry's remaining steps now, one after another: OUTBOX_FINISHED,
 * OUTBOX_RETRY or OUTBOX_REJECTED (never CONTINUE). A request that cannot be
 * built counts as REJECTED with the reason in res->message. */
enum outbox_progress outbox_deliver(struct outbox_entry *e, const struct config_feed *feed,
                                    const char *token, enum post_encoding enc,
                                    const struct post_transport *t, int64_t now,
                                    struct post_result *res);

#endif
