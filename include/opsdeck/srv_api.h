/* opsdeckd's management API (Statuspage v1 subset under /v1/pages/{page_id}/),
 * independent of the HTTP library: a request in, a status and JSON body out.
 *
 * Writes run one at a time: the transaction, the reply and the Idempotency-Key
 * record happen under one lock, so a retried key never writes twice. The read
 * documents are rendered after the lock is released (the next write's fsync
 * overlaps this one's rendering) and carry the commit's generation, so a
 * publisher keeps them in commit order; they are published before the reply.
 */
#ifndef OPSDECK_SRV_API_H
#define OPSDECK_SRV_API_H

#include <stdbool.h>
#include <stddef.h>
#include "opsdeck/attrs.h"
#include "opsdeck/error.h"
#include "opsdeck/srv_docs.h"
#include "opsdeck/srv_store.h"

struct srv_request {
    const char *method;
    const char *path;               /* without the query */
    const char *api_key;            /* ?api_key=, or NULL */
    const char *authorization;      /* header, or NULL */
    const char *content_type;
    const char *idempotency_key;
    const char *body;
    size_t body_len;
};

struct srv_reply {
    int status;
    char *body;                     /* malloc'd JSON */
    size_t len;
    const char *allow;              /* for 405: the methods the path takes */
    bool replayed;                  /* an Idempotency-Key answer from the record */
    char actor[STORE_TOKEN_NAME_MAX + 1];   /* the token's name, "" when none */
};

/* Receives each new set of documents (ownership passes to it). Sets may arrive
 * out of order from concurrent writes: keep the highest docs->generation. */
typedef void (*srv_publish_fn)(void *ud, struct srv_docs *docs);

struct srv_app;

/* Loads the model and publishes the first documents before returning. */
OD_NODISCARD struct srv_app *srv_app_new(struct store *st, srv_publish_fn publish, void *ud,
                                         struct od_error *err);
void srv_app_free(struct srv_app *app);

/* A request under /v1/. Always fills reply (free it with srv_reply_free). */
void srv_app_handle(struct srv_app *app, const struct srv_request *req, struct srv_reply *reply);
void srv_reply_free(struct srv_reply *reply);

/* A JSON error body: {"message": text} (or {"error": ...} when key is "error"). */
void srv_reply_error(struct srv_reply *reply, int status, const char *key, const char *text);

/* The token of a request: "OAuth <t>" (or "Bearer <t>") from Authorization,
 * else api_key. NULL when neither. Borrowed from req. */
const char *srv_request_token(const struct srv_request *req, size_t *len);

#endif
