/* opsdeckd's SQLite store: schema and migrations, tokens, idempotency records,
 * incident and component writes, and the model snapshot the read API serves.
 *
 * One connection, guarded by the store's mutex: writes run one at a time
 * between store_begin() and store_commit()/store_rollback() (BEGIN IMMEDIATE,
 * WAL, synchronous=FULL, so a committed write is on disk before the reply).
 * Every statement binds its parameters. Times are stored as RFC 3339 text with
 * the offset they were written with, plus integer milliseconds for ordering.
 */
#ifndef OPSDECK_SRV_STORE_H
#define OPSDECK_SRV_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "opsdeck/attrs.h"
#include "opsdeck/error.h"
#include "opsdeck/model.h"
#include "opsdeck/srv_input.h"

#define STORE_SCHEMA_VERSION 2
#define STORE_ID_LEN 12             /* ids are 12 characters of [0-9a-z], like Statuspage's */
#define STORE_TOKEN_NAME_MAX 64
#define STORE_IDEM_KEY_MAX 255

struct store;

/* Open (creating the file and its directory) and migrate to STORE_SCHEMA_VERSION.
 * A database from a newer opsdeckd is refused. */
OD_NODISCARD struct store *store_open(const char *path, struct od_error *err);
void store_close(struct store *st);
int store_schema_version(struct store *st);

/* The page this database serves (id made at creation; the demo sets its own). */
struct store_page {
    char id[64];
    char name[256];
    char url[256];
    char time_zone[64];
};
void store_page(struct store *st, struct store_page *out);
int store_set_page(struct store *st, const struct page_info *p, struct od_error *err);
/* No components and no incidents yet. */
bool store_is_empty(struct store *st);

/* ---- tokens: only SHA-256 hashes are stored ---------------------------- */
/* A new random token for NAME (letters, digits, '.', '_', '-'; at most 64) into
 * token (>= 48 bytes). OD_INVALID for a bad or taken name. */
int store_token_add(struct store *st, const char *name, char *token, size_t size,
                    struct od_error *err);
int store_token_revoke(struct store *st, const char *name, struct od_error *err);
/* Calls cb for each token, by name. Returns the count. */
int store_token_list(struct store *st,
                     void (*cb)(void *ud, const char *name, const char *created_at), void *ud);
/* The name of the token `token` matches (compared in constant time per hash). */
bool store_token_check(struct store *st, const char *token, char *name, size_t size);

/* ---- one write transaction (holds the store's mutex until commit/rollback) */
int store_begin(struct store *st, struct od_error *err);
int store_commit(struct store *st, struct od_error *err);
void store_rollback(struct store *st);

/* Idempotency records, inside a transaction. get: 1 found (status, *body
 * malloc'd, *request malloc'd), 0 not found. */
int store_idem_get(struct store *st, const char *token_name, const char *key, int *status,
                   char **body, char **request);
int store_idem_put(struct store *st, const char *token_name, const char *key,
                   const char *request, int status, const char *body, int64_t now_ms);

/* Writes, inside a transaction. `actor` is the token name recorded with the
 * write. OD_NOTFOUND for an unknown id; OD_INVALID (422) for an unknown
 * component or a status that does not fit the incident kind, err->text says
 * which. id_out gets STORE_ID_LEN + 1 bytes. */
int store_incident_create(struct store *st, const struct srv_incident_input *in,
                          const char *actor, int64_t now_ms, char *id_out, struct od_error *err);
int store_incident_update(struct store *st, const char *id, const struct srv_incident_input *in,
                          const char *actor, int64_t now_ms, struct od_error *err);
int store_incident_delete(struct store *st, const char *id, struct od_error *err);
int store_component_create(struct store *st, const struct srv_component_input *in,
                           const char *actor, int64_t now_ms, char *id_out,
                           struct od_error *err);
int store_component_update(struct store *st, const char *id,
                           const struct srv_component_input *in, const char *actor,
                           int64_t now_ms, struct od_error *err);

/* Bring in a whole snapshot (the demo), ids and times as they are; inside a
 * transaction. */
int store_import(struct store *st, const struct snapshot *s, const char *actor,
                 struct od_error *err);

/* The model to serve: page, every component, open incidents and maintenances
 * plus the 60 most recent of each kind, updates newest first. parts has PAGE,
 * STATUS (indicator computed), COMPONENTS, INCIDENTS, MAINTENANCES. Call inside
 * a transaction or on its own (it then takes the mutex itself). */
OD_NODISCARD struct snapshot *store_load(struct store *st, struct od_error *err);

/* Count rows (tests): "incidents", "incident_updates", "components", "tokens". */
long store_count(struct store *st, const char *table);

#endif
