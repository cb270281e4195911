/* Private to src/server/store*.c: the store struct and statement helpers. */
#ifndef OPSDECK_STORE_PRIV_H
#define OPSDECK_STORE_PRIV_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include "opsdeck/srv_store.h"

struct store {
    sqlite3 *db;
    pthread_mutex_t lock;       /* recursive: store_load may run inside a write */
    char path[1024];
};

/* Prepare `sql` and bind the arguments given by `types`: 't' text (const char *,
 * NULL binds NULL), 'i' int64_t, 'n' int. NULL (err filled) on failure. */
sqlite3_stmt *st_prepare(struct store *st, struct od_error *err, const char *sql,
                         const char *types, ...);
/* Run a statement that returns no rows; OD_OK or OD_IO with err filled. */
int st_exec(struct store *st, struct od_error *err, const char *sql, const char *types, ...);
/* Column text or NULL. */
const char *st_text(sqlite3_stmt *s, int col);

/* RFC 3339 with its own offset, or NULL for an invalid time (buf >= 40 bytes). */
const char *st_time_text(const struct od_time *t, char *buf);
struct od_time st_time_parse(const char *s);
/* 12 random characters of [0-9a-z] and a NUL. */
void st_random_id(char *out);
/* Fill n bytes from the kernel's random source. */
void st_random_bytes(uint8_t *out, size_t n);

#endif
