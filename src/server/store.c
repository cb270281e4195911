/* Store: open, migrate, tokens, idempotency records, transactions. */
#include "store_priv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "opsdeck/clock.h"
#include "opsdeck/srv_sha256.h"
#include "opsdeck/xalloc.h"

/* Each step moves the schema from version i to i+1; never edit a released step. */
static const char *const migrations[STORE_SCHEMA_VERSION] = {
    /* 0 → 1: the model and tokens */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE tokens(name TEXT PRIMARY KEY, hash BLOB NOT NULL, created_at TEXT NOT NULL);"
    "CREATE TABLE components(id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT,"
    "  status TEXT NOT NULL, position INTEGER NOT NULL,"
    "  group_id TEXT REFERENCES components(id) ON DELETE SET NULL,"
    "  is_group INTEGER NOT NULL DEFAULT 0, showcase INTEGER NOT NULL DEFAULT 1,"
    "  only_show_if_degraded INTEGER NOT NULL DEFAULT 0, start_date TEXT,"
    "  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, updated_by TEXT);"
    "CREATE TABLE incidents(id TEXT PRIMARY KEY, name TEXT NOT NULL, status TEXT NOT NULL,"
    "  impact TEXT NOT NULL, impact_override TEXT, maintenance INTEGER NOT NULL,"
    "  shortlink TEXT, created_at TEXT NOT NULL, created_ms INTEGER NOT NULL,"
    "  updated_at TEXT NOT NULL, started_at TEXT, monitoring_at TEXT, resolved_at TEXT,"
    "  scheduled_for TEXT, scheduled_until TEXT, created_by TEXT);"
    "CREATE INDEX incidents_recent ON incidents(maintenance, created_ms);"
    "CREATE TABLE incident_components("
    "  incident_id TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,"
    "  component_id TEXT NOT NULL REFERENCES components(id) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL, PRIMARY KEY(incident_id, component_id));"
    "CREATE TABLE incident_updates(id TEXT PRIMARY KEY,"
    "  incident_id TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,"
    "  seq INTEGER NOT NULL, status TEXT NOT NULL, body TEXT NOT NULL,"
    "  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, display_at TEXT,"
    "  display_ms INTEGER NOT NULL, deliver_notifications INTEGER NOT NULL,"
    "  has_changes INTEGER NOT NULL, created_by TEXT);"
    "CREATE INDEX incident_updates_by_incident ON incident_updates(incident_id, seq);"
    "CREATE TABLE update_changes("
    "  update_id TEXT NOT NULL REFERENCES incident_updates(id) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL, component_id TEXT NOT NULL, name TEXT,"
    "  old_status TEXT NOT NULL, new_status TEXT NOT NULL, PRIMARY KEY(update_id, position));",
    /* 1 → 2: Idempotency-Key records */
    "CREATE TABLE idempotency(token_name TEXT NOT NULL, key TEXT NOT NULL,"
    "  request TEXT NOT NULL, status INTEGER NOT NULL, body TEXT NOT NULL,"
    "  created_ms INTEGER NOT NULL, PRIMARY KEY(token_name, key));",
};

static sqlite3_stmt *vprepare(struct store *st, struct od_error *err, const char *sql,
                              const char *types, va_list ap)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
        od_error_set(err, OD_IO, st->path, 0, 0, "SQL prepare failed: %s", sqlite3_errmsg(st->db));
        return NULL;
    }
    int i = 1;
    for (const char *t = types; t && *t; t++, i++) {
        int rc;
        if (*t == 't') {
            const char *v = va_arg(ap, const char *);
            rc = v ? sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(s, i);
        } else if (*t == 'i') {
            rc = sqlite3_bind_int64(s, i, va_arg(ap, int64_t));
        } else {
            rc = sqlite3_bind_int(s, i, va_arg(ap, int));
        }
        if (rc != SQLITE_OK) {
            od_error_set(err, OD_IO, st->path, 0, 0, "SQL bind failed: %s", sqlite3_errmsg(st->db));
            sqlite3_finalize(s);
            return NULL;
        }
    }
    return s;
}

sqlite3_stmt *st_prepare(struct store *st, struct od_error *err, const char *sql,
                         const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    sqlite3_stmt *s = vprepare(st, err, sql, types, ap);
    va_end(ap);
    return s;
}

int st_exec(struct store *st, struct od_error *err, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    sqlite3_stmt *s = vprepare(st, err, sql, types, ap);
    va_end(ap);
    if (!s)
        return OD_IO;
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        if (rc == SQLITE_CONSTRAINT)
            return od_error_set(err, OD_INVALID, NULL, 0, 0, "%s", sqlite3_errmsg(st->db));
        return od_error_set(err, OD_IO, st->path, 0, 0, "SQL failed: %s", sqlite3_errmsg(st->db));
    }
    return OD_OK;
}

const char *st_text(sqlite3_stmt *s, int col)
{
    return (const char *)sqlite3_column_text(s, col);
}

const char *st_time_text(const struct od_time *t, char *buf)
{
    if (!t || !t->valid)
        return NULL;
    time_format_rfc3339_local(buf, 40, t);
    return buf;
}

struct od_time st_time_parse(const char *s)
{
    struct od_time t = {0};
    if (!s || !time_parse_rfc3339(s, &t))
        t.valid = false;
    return t;
}

void st_random_bytes(uint8_t *out, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = getrandom(out + got, n - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            fprintf(stderr, "opsdeckd: getrandom failed\n");
            abort();
        }
        got += (size_t)r;
    }
}

void st_random_id(char *out)
{
    static const char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    uint8_t raw[STORE_ID_LEN * 2];
    size_t o = 0;
    while (o < STORE_ID_LEN) {
        st_random_bytes(raw, sizeof(raw));
        for (size_t i = 0; i < sizeof(raw) && o < STORE_ID_LEN; i++)
            if (raw[i] < 252)               /* 252 = 7 * 36: no modulo bias */
                out[o++] = alphabet[raw[i] % 36];
    }
    out[o] = '\0';
}

static int mkdir_parents(const char *path)
{
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return 0;
    *slash = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(dir, 0700) < 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    }
    return mkdir(dir, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

int store_schema_version(struct store *st)
{
    sqlite3_stmt *s = st_prepare(st, NULL, "PRAGMA user_version", "");
    int v = -1;
    if (s && sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return v;
}

static int migrate(struct store *st, struct od_error *err)
{
    int v = store_schema_version(st);
    if (v < 0)
        return od_error_set(err, OD_IO, st->path, 0, 0, "cannot read the schema version");
    if (v > STORE_SCHEMA_VERSION)
        return od_error_set(err, OD_CONFIG, st->path, 0, 0,
                            "schema version %d is newer than this opsdeckd knows (%d)", v,
                            STORE_SCHEMA_VERSION);
    for (; v < STORE_SCHEMA_VERSION; v++) {
        char *msg = NULL;
        char bump[64];
        snprintf(bump, sizeof(bump), "PRAGMA user_version=%d;", v + 1);
        /* One transaction per step: the DDL and the version move together. */
        if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK ||
            sqlite3_exec(st->db, migrations[v], NULL, NULL, &msg) != SQLITE_OK ||
            sqlite3_exec(st->db, bump, NULL, NULL, &msg) != SQLITE_OK ||
            sqlite3_exec(st->db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
            od_error_set(err, OD_IO, st->path, 0, 0, "migration to schema %d failed: %s", v + 1,
                         msg ? msg : "?");
            sqlite3_free(msg);
            sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
            return OD_IO;
        }
    }
    return OD_OK;
}

static int ensure_page(struct store *st, struct od_error *err)
{
    struct store_page p;
    store_page(st, &p);
    if (p.id[0])
        return OD_OK;
    char id[STORE_ID_LEN + 1];
    st_random_id(id);
    return st_exec(st, err, "INSERT INTO meta(key, value) VALUES ('page_id', ?1), "
                            "('page_name', 'opsdeckd'), ('page_url', 'http://localhost'), "
                            "('page_time_zone', 'Etc/UTC')", "t", id);
}

struct store *store_open(const char *path, struct od_error *err)
{
    if (mkdir_parents(path) < 0) {
        od_error_set(err, OD_IO, path, 0, 0, "cannot create its directory: %s", strerror(errno));
        return NULL;
    }
    struct store *st = xcalloc(1, sizeof(*st));
    snprintf(st->path, sizeof(st->path), "%s", path);
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&st->lock, &attr);
    pthread_mutexattr_destroy(&attr);
    int rc = sqlite3_open_v2(path, &st->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                             NULL);
    if (rc != SQLITE_OK) {
        od_error_set(err, OD_IO, path, 0, 0, "cannot open: %s",
                     st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
        store_close(st);
        return NULL;
    }
    sqlite3_busy_timeout(st->db, 5000);
    /* WAL: readers never block the writer; FULL: a commit is fsync'd before we
     * acknowledge it, so an acknowledged write survives kill -9 and power loss. */
    char *msg = NULL;
    if (sqlite3_exec(st->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                             "PRAGMA foreign_keys=ON;", NULL, NULL, &msg) != SQLITE_OK ||
        migrate(st, err) != OD_OK || ensure_page(st, err) != OD_OK) {
        if (msg) {
            od_error_set(err, OD_IO, path, 0, 0, "%s", msg);
            sqlite3_free(msg);
        }
        store_close(st);
        return NULL;
    }
    return st;
}

void store_close(struct store *st)
{
    if (!st)
        return;
    sqlite3_close(st->db);
    pthread_mutex_destroy(&st->lock);
    free(st);
}

static void meta_get(struct store *st, const char *key, char *out, size_t size)
{
    out[0] = '\0';
    sqlite3_stmt *s = st_prepare(st, NULL, "SELECT value FROM meta WHERE key = ?1", "t", key);
    if (s && sqlite3_step(s) == SQLITE_ROW && st_text(s, 0))
        snprintf(out, size, "%s", st_text(s, 0));
    sqlite3_finalize(s);
}

void store_page(struct store *st, struct store_page *out)
{
    pthread_mutex_lock(&st->lock);
    meta_get(st, "page_id", out->id, sizeof(out->id));
    meta_get(st, "page_name", out->name, sizeof(out->name));
    meta_get(st, "page_url", out->url, sizeof(out->url));
    meta_get(st, "page_time_zone", out->time_zone, sizeof(out->time_zone));
    pthread_mutex_unlock(&st->lock);
}

int store_set_page(struct store *st, const struct page_info *p, struct od_error *err)
{
    static const char sql[] = "INSERT INTO meta(key, value) VALUES (?1, ?2) "
                              "ON CONFLICT(key) DO UPDATE SET value = excluded.value";
    int rc = OD_OK;
    pthread_mutex_lock(&st->lock);
    if (p->id)
        rc = st_exec(st, err, sql, "tt", "page_id", p->id);
    if (rc == OD_OK && p->name)
        rc = st_exec(st, err, sql, "tt", "page_name", p->name);
    if (rc == OD_OK && p->url)
        rc = st_exec(st, err, sql, "tt", "page_url", p->url);
    if (rc == OD_OK && p->time_zone)
        rc = st_exec(st, err, sql, "tt", "page_time_zone", p->time_zone);
    pthread_mutex_unlock(&st->lock);
    return rc;
}

long store_count(struct store *st, const char *table)
{
    static const char *const allowed[] = {"incidents", "incident_updates", "components",
                                          "tokens", "idempotency", "update_changes"};
    char sql[96];
    sql[0] = '\0';
    for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
        if (!strcmp(table, allowed[i]))
            snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", allowed[i]);
    if (!sql[0])
        return -1;
    pthread_mutex_lock(&st->lock);
    sqlite3_stmt *s = st_prepare(st, NULL, sql, "");
    long n = s && sqlite3_step(s) == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : -1;
    sqlite3_finalize(s);
    pthread_mutex_unlock(&st->lock);
    return n;
}

bool store_is_empty(struct store *st)
{
    return store_count(st, "components") == 0 && store_count(st, "incidents") == 0;
}

/* ---- tokens ------------------------------------------------------------ */

static bool token_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > STORE_TOKEN_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", name[i]))
            return false;
    return true;
}

int store_token_add(struct store *st, const char *name, char *token, size_t size,
                    struct od_error *err)
{
    if (!token_name_ok(name))
        return od_error_set(err, OD_INVALID, NULL, 0, 0,
                            "token name '%.80s' must be 1 to %d letters, digits, '.', '_' or '-'",
                            name, STORE_TOKEN_NAME_MAX);
    if (size < 48)
        return od_error_set(err, OD_INVALID, NULL, 0, 0, "token buffer too small");
    uint8_t raw[20], hash[SHA256_LEN];
    st_random_bytes(raw, sizeof(raw));
    memcpy(token, "odk_", 4);
    hex_encode(raw, sizeof(raw), token + 4);
    sha256(token, strlen(token), hash);
    char now[40];
    struct od_time t = time_from_ms(clock_wall_ms());
    pthread_mutex_lock(&st->lock);
    sqlite3_stmt *s = st_prepare(st, err, "INSERT INTO tokens(name, hash, created_at) "
                                          "VALUES (?1, ?2, ?3)", "t", name);
    int rc = OD_IO;
    if (s) {
        sqlite3_bind_blob(s, 2, hash, sizeof(hash), SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 3, st_time_text(&t, now), -1, SQLITE_TRANSIENT);
        int step = sqlite3_step(s);
        if (step == SQLITE_DONE)
            rc = OD_OK;
        else if (step == SQLITE_CONSTRAINT)
            rc = od_error_set(err, OD_INVALID, NULL, 0, 0, "a token named '%s' exists already "
                              "(revoke it first)", name);
        else
            rc = od_error_set(err, OD_IO, st->path, 0, 0, "%s", sqlite3_errmsg(st->db));
        sqlite3_finalize(s);
    }
    pthread_mutex_unlock(&st->lock);
    if (rc != OD_OK)
        token[0] = '\0';
    return rc;
}

int store_token_revoke(struct store *st, const char *name, struct od_error *err)
{
    pthread_mutex_lock(&st->lock);
    int rc = st_exec(st, err, "DELETE FROM tokens WHERE name = ?1", "t", name);
    if (rc == OD_OK && sqlite3_changes(st->db) == 0)
        rc = od_error_set(err, OD_NOTFOUND, NULL, 0, 0, "no token named '%.80s'", name);
    pthread_mutex_unlock(&st->lock);
    return rc;
}

int store_token_list(struct store *st,
                     void (*cb)(void *ud, const char *name, const char *created_at), void *ud)
{
    int n = 0;
    pthread_mutex_lock(&st->lock);
    sqlite3_stmt *s = st_prepare(st, NULL, "SELECT name, created_at FROM tokens ORDER BY name", "");
    while (s && sqlite3_step(s) == SQLITE_ROW) {
        cb(ud, st_text(s, 0), st_text(s, 1));
        n++;
    }
    sqlite3_finalize(s);
    pthread_mutex_unlock(&st->lock);
    return n;
}

bool store_token_check(struct store *st, const char *token, char *name, size_t size)
{
    uint8_t hash[SHA256_LEN];
    bool found = false;
    sha256(token, strlen(token), hash);
    pthread_mutex_lock(&st->lock);
    sqlite3_stmt *s = st_prepare(st, NULL, "SELECT name, hash FROM tokens", "");
    /* Compare with every stored hash, without stopping early. */
    while (s && sqlite3_step(s) == SQLITE_ROW) {
        const uint8_t *h = sqlite3_column_blob(s, 1);
        if (h && sqlite3_column_bytes(s, 1) == SHA256_LEN &&
            equal_const_time(h, hash, SHA256_LEN) && !found) {
            snprintf(name, size, "%s", st_text(s, 0));
            found = true;
        }
    }
    sqlite3_finalize(s);
    pthread_mutex_unlock(&st->lock);
    return found;
}

/* ---- transactions and idempotency ------------------------------------- */

int store_begin(struct store *st, struct od_error *err)
{
    pthread_mutex_lock(&st->lock);
    int rc = st_exec(st, err, "BEGIN IMMEDIATE", "");
    if (rc != OD_OK)
        pthread_mutex_unlock(&st->lock);
    return rc;
}

int store_commit(struct store *st, struct od_error *err)
{
    int rc = st_exec(st, err, "COMMIT", "");
    if (rc != OD_OK)
        st_exec(st, NULL, "ROLLBACK", "");
    pthread_mutex_unlock(&st->lock);
    return rc;
}

void store_rollback(struct store *st)
{
    st_exec(st, NULL, "ROLLBACK", "");
    pthread_mutex_unlock(&st->lock);
}

int store_idem_get(struct store *st, const char *token_name, const char *key, int *status,
                   char **body, char **request)
{
    sqlite3_stmt *s = st_prepare(st, NULL, "SELECT status, body, request FROM idempotency "
                                           "WHERE token_name = ?1 AND key = ?2", "tt",
                                 token_name, key);
    int found = 0;
    if (s && sqlite3_step(s) == SQLITE_ROW) {
        *status = sqlite3_column_int(s, 0);
        *body = xstrdup(st_text(s, 1) ? st_text(s, 1) : "");
        *request = xstrdup(st_text(s, 2) ? st_text(s, 2) : "");
        found = 1;
    }
    sqlite3_finalize(s);
    return found;
}

int store_idem_put(struct store *st, const char *token_name, const char *key,
                   const char *request, int status, const char *body, int64_t now_ms)
{
    /* Keys are kept for a day, like the services that honour Idempotency-Key. */
    st_exec(st, NULL, "DELETE FROM idempotency WHERE created_ms < ?1", "i",
            now_ms - (int64_t)86400 * 1000);
    return st_exec(st, NULL, "INSERT OR REPLACE INTO idempotency(token_name, key, request, "
                             "status, body, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                   "tttnti", token_name, key, request, status, body, now_ms);
}
