/* Configuration: load, validate, built-in default, pane pattern matching. */
#include "opsdeck/config.h"

#include <errno.h>
#include <stdarg.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opsdeck/model.h"
#include "opsdeck/strbuf.h"
#include "opsdeck/text.h"
#include "opsdeck/tz.h"
#include "opsdeck/xalloc.h"

#define CONFIG_MAX_FILE   (1u << 20)
#define CONFIG_MAX_TEXT   200           /* bytes kept of a title or name */
#define PATH_MAX_LEN      256

/* The built-in default: the reference deployment against a local opsdeckd. */
static const char default_config_json[] =
    "{\n"
    "  \"title\": \"MaxMail\",\n"
    "  \"timezones\": [\"America/Los_Angeles\", \"Europe/London\"],\n"
    "  \"theme\": \"default\",\n"
    "  \"feeds\": [ { \"id\": \"maxmail\", \"kind\": \"statuspage\", \"name\": \"MaxMail\",\n"
    "                 \"url\": \"" CONFIG_DEFAULT_URL "\", \"interval\": 30 } ],\n"
    "  \"panes\": [\n"
    "    { \"title\": \"Amsterdam\",          \"components\": [\"maxmail:Amsterdam*\"] },\n"
    "    { \"title\": \"California\",         \"components\": [\"maxmail:California*\"] },\n"
    "    { \"title\": \"I-3 hosted email\",   \"components\": [\"maxmail:I-3*\"] },\n"
    "    { \"title\": \"MaxMail filtering\",  \"components\": [\"maxmail:MaxMail filtering*\"] },\n"
    "    { \"title\": \"Archive journaling\", \"components\": [\"maxmail:Archive*\"] }\n"
    "  ],\n"
    "  \"alerts\": { \"bell\": true }\n"
    "}\n";

/* ------------------------------------------------------------------------
 * Positions: jansson reports positions only for syntax errors, so a small
 * scanner walks the (already valid) text once and records where each value and
 * each key of the document starts, by path ("feeds[0].interval").
 */

struct pos_entry {
    char *path;
    int kline, kcol;    /* the key (0 for array elements and the root) */
    int vline, vcol;    /* the value */
};

struct pos_table {
    struct pos_entry *e;
    size_t n, alloc;
};

struct pos_scan {
    const char *p, *end;
    int line, col;
    struct pos_table *t;
};

static void pos_add(struct pos_table *t, const char *path, int kl, int kc, int vl, int vc)
{
    if (t->n == t->alloc) {
        t->alloc = t->alloc ? t->alloc * 2 : 32;
        t->e = xreallocarray(t->e, t->alloc, sizeof(*t->e));
    }
    t->e[t->n++] = (struct pos_entry){xstrdup(path), kl, kc, vl, vc};
}

static void pos_free(struct pos_table *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->e[i].path);
    free(t->e);
}

static const struct pos_entry *pos_find(const struct pos_table *t, const char *path)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->e[i].path, path) == 0)
            return &t->e[i];
    return NULL;
}

static void scan_advance(struct pos_scan *s)
{
    unsigned char c = (unsigned char)*s->p++;
    if (c == '\n') {
        s->line++;
        s->col = 1;
    } else if ((c & 0xC0) != 0x80) {    /* columns count characters, like jansson */
        s->col++;
    }
}

static void scan_ws(struct pos_scan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        scan_advance(s);
}

/* A string; its (simply) decoded content into out when out is non-NULL. */
static void scan_string(struct pos_scan *s, struct strbuf *out)
{
    if (s->p < s->end && *s->p == '"')
        scan_advance(s);
    while (s->p < s->end && *s->p != '"') {
        if (*s->p == '\\' && s->p + 1 < s->end) {
            scan_advance(s);
            char c = *s->p;
            const char *rep = NULL;
            switch (c) {
            case 'n': rep = "\n"; break;
            case 't': rep = "\t"; break;
            case 'r': rep = "\r"; break;
            case 'b': rep = "\b"; break;
            case 'f': rep = "\f"; break;
            case 'u': rep = NULL; break;
            default: {
                char one[2] = {c, 0};
                if (out)
                    strbuf_puts(out, one);
                scan_advance(s);
                continue;
            }
            }
            if (rep) {
                if (out)
                    strbuf_puts(out, rep);
                scan_advance(s);
                continue;
            }
            /* \uXXXX: ASCII decoded, the rest kept as written (lookups then fall
             * back to the enclosing object's position) */
            unsigned v = 0;
            int k = 0;
            scan_advance(s);
            for (; k < 4 && s->p < s->end; k++) {
                char h = *s->p;
                v = v * 16 + (unsigned)(h >= 'a' ? h - 'a' + 10 : h >= 'A' ? h - 'A' + 10 : h - '0');
                scan_advance(s);
            }
            if (out) {
                if (v > 0 && v < 0x80) {
                    char one[2] = {(char)v, 0};
                    strbuf_puts(out, one);
                } else {
                    strbuf_puts(out, "\\u?");
                }
            }
            continue;
        }
        if (out)
            strbuf_append(out, s->p, 1);
        scan_advance(s);
    }
    if (s->p < s->end)
        scan_advance(s);
}

static void scan_value(struct pos_scan *s, char *path, size_t plen, int kl, int kc, int depth);

static void scan_value(struct pos_scan *s, char *path, size_t plen, int kl, int kc, int depth)
{
    scan_ws(s);
    if (s->p >= s->end)
        return;
    pos_add(s->t, path, kl, kc, s->line, s->col);
    char c = *s->p;
    if (c == '{' || c == '[') {
        bool obj = c == '{';
        char close = obj ? '}' : ']';
        size_t index = 0;
        scan_advance(s);
        for (;;) {
            scan_ws(s);
            if (s->p >= s->end)
                return;
            if (*s->p == close) {
                scan_advance(s);
                return;
            }
            if (*s->p == ',') {
                scan_advance(s);
                continue;
            }
            int nkl = 0, nkc = 0;
            size_t nlen = plen;
            if (obj) {
                struct strbuf key;
                strbuf_init(&key, 1024);
                nkl = s->line;
                nkc = s->col;
                scan_string(s, &key);
                scan_ws(s);
                if (s->p < s->end && *s->p == ':')
                    scan_advance(s);
                int w = snprintf(path + plen, PATH_MAX_LEN - plen, "%s%s",
                                 plen ? "." : "", strbuf_str(&key));
                strbuf_free(&key);
                if (w < 0 || (size_t)w >= PATH_MAX_LEN - plen)
                    w = 0;      /* too deep to name: skip recording its children */
                nlen = plen + (size_t)w;
            } else {
                int w = snprintf(path + plen, PATH_MAX_LEN - plen, "[%zu]", index++);
                if (w < 0 || (size_t)w >= PATH_MAX_LEN - plen)
                    w = 0;
                nlen = plen + (size_t)w;
            }
            if (depth < 64) {
                scan_value(s, path, nlen, nkl, nkc, depth + 1);
            } else {
                /* deeper than any valid config: skip by brackets */
                int d = 0;
                while (s->p < s->end) {
                    if (*s->p == '"') {
                        scan_string(s, NULL);
                        continue;
                    }
                    if (*s->p == '{' || *s->p == '[')
                        d++;
                    else if (*s->p == '}' || *s->p == ']') {
                        if (d == 0)
                            break;
                        d--;
                    } else if (*s->p == ',' && d == 0)
                        break;
                    scan_advance(s);
                }
            }
            path[plen] = '\0';
        }
    } else if (c == '"') {
        scan_string(s, NULL);
    } else {
        while (s->p < s->end && !strchr(",]} \t\r\n", *s->p))
            scan_advance(s);
    }
}

static void pos_scan_text(struct pos_table *t, const char *text, size_t len)
{
    struct pos_scan s = {text, text + len, 1, 1, t};
    char path[PATH_MAX_LEN] = "";
    scan_value(&s, path, 0, 0, 0, 0);
}

/* ------------------------------------------------------------------------ */

/* path + "." + key, or path + "[i]", cut to PATH_MAX_LEN - 1 bytes. */
static void path_key(char *out, const char *path, const char *key)
{
    size_t n = 0;
    for (const char *q = path; *q && n < PATH_MAX_LEN - 1; q++)
        out[n++] = *q;
    if (path[0] && n < PATH_MAX_LEN - 1)
        out[n++] = '.';
    for (const char *q = key; *q && n < PATH_MAX_LEN - 1; q++)
        out[n++] = *q;
    out[n] = '\0';
}

static void path_index(char *out, const char *path, size_t i)
{
    char num[32];
    size_t n = 0;
    for (const char *q = path; *q && n < PATH_MAX_LEN - 24; q++)
        out[n++] = *q;
    size_t k = 0;
    do {
        num[k++] = (char)('0' + i % 10);
        i /= 10;
    } while (i);
    out[n++] = '[';
    while (k)
        out[n++] = num[--k];
    out[n++] = ']';
    out[n] = '\0';
}

struct loader {
    const char *source;
    struct pos_table pos;
    struct od_error *err;
    struct config *cfg;
};

/* Report at the value (at_key false) or the key (at_key true) of `path`, falling
 * back to the nearest enclosing path that has a position. */
OD_PRINTF(4, 5)
static enum od_status fail_at(struct loader *ld, const char *path, bool at_key, const char *fmt,
                              ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    char probe[PATH_MAX_LEN];
    snprintf(probe, sizeof(probe), "%s", path);
    int line = 0, col = 0;
    for (;;) {
        const struct pos_entry *e = pos_find(&ld->pos, probe);
        if (e) {
            if (at_key && e->kline) {
                line = e->kline;
                col = e->kcol;
            } else {
                line = e->vline;
                col = e->vcol;
            }
            break;
        }
        if (!probe[0])
            break;
        char *dot = strrchr(probe, '.');
        char *br = strrchr(probe, '[');
        char *cut = dot > br ? dot : br;
        if (cut)
            *cut = '\0';
        else
            probe[0] = '\0';
        at_key = false;
    }
    char *safe_path = text_sanitize(path, strlen(path), TEXT_SINGLE_LINE, 120);
    char *safe_msg = text_sanitize(msg, strlen(msg), TEXT_SINGLE_LINE, 0);
    od_error_set(ld->err, OD_CONFIG, ld->source, line, col, "%s%s%s",
                 safe_path[0] ? safe_path : "", safe_path[0] ? ": " : "", safe_msg);
    free(safe_path);
    free(safe_msg);
    return OD_CONFIG;
}

static const char *jtype(const json_t *v)
{
    if (!v)
        return "nothing";
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "something else";
}

/* Check that obj has only keys from `allowed` (NULL-terminated). */
static enum od_status check_keys(struct loader *ld, const json_t *obj, const char *path,
                                 const char *const *allowed, const char *hint)
{
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        bool ok = false;
        for (size_t i = 0; allowed[i]; i++)
            if (strcmp(key, allowed[i]) == 0)
                ok = true;
        if (!ok) {
            char p[PATH_MAX_LEN];
            path_key(p, path, key);
            return fail_at(ld, p, true, "unknown key (expected one of: %s)", hint);
        }
    }
    return OD_OK;
}

static bool valid_word(const char *s, size_t max, bool allow_slash)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return false;
    for (const char *p = s; *p; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-' || c == '.' || c == '+' || (allow_slash && c == '/');
        if (!ok)
            return false;
    }
    return true;
}

/* A string member (untouched *out when absent). Display text (titles, names) is
 * sanitised; anything else (ids, URLs, paths, zone names) must not hold control
 * characters or other text the sanitiser would change, and is kept verbatim. */
enum str_flags {
    STR_OPTIONAL = 0,
    STR_REQUIRED = 1u << 0,
    STR_DISPLAY = 1u << 1,
};

static enum od_status get_string(struct loader *ld, const json_t *obj, const char *key,
                                 const char *path, unsigned flags, size_t max_bytes, char **out)
{
    char p[PATH_MAX_LEN];
    path_key(p, path, key);
    const json_t *v = json_object_get(obj, key);
    if (!v) {
        if (flags & STR_REQUIRED)
            return fail_at(ld, path, false, "missing \"%s\" (expected a string)", key);
        return OD_OK;
    }
    if (!json_is_string(v))
        return fail_at(ld, p, false, "expected a string, got %s", jtype(v));
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    if (len == 0)
        return fail_at(ld, p, false, "expected a non-empty string");
    if (strlen(s) != len)
        return fail_at(ld, p, false, "expected a string without NUL characters");
    char *safe = text_sanitize(s, len, TEXT_SINGLE_LINE, (flags & STR_DISPLAY) ? max_bytes : 0);
    if (!(flags & STR_DISPLAY)) {
        bool same = strcmp(safe, s) == 0;
        free(safe);
        if (!same)
            return fail_at(ld, p, false, "expected text without control or format characters");
        if (len > max_bytes)
            return fail_at(ld, p, false, "expected at most %zu bytes", max_bytes);
        safe = xstrdup(s);
    }
    free(*out);
    *out = safe;
    return OD_OK;
}

static enum od_status get_int(struct loader *ld, const json_t *obj, const char *key,
                              const char *path, long long min, long long max, long long *out)
{
    char p[PATH_MAX_LEN];
    path_key(p, path, key);
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return OD_OK;
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        if (min == 1)
            return fail_at(ld, p, false, "expected a positive integer (at most %lld)", max);
        return fail_at(ld, p, false, "expected an integer from %lld to %lld", min, max);
    }
    *out = json_integer_value(v);
    return OD_OK;
}

static enum od_status get_bool(struct loader *ld, const json_t *obj, const char *key,
                               const char *path, bool *out)
{
    char p[PATH_MAX_LEN];
    path_key(p, path, key);
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return OD_OK;
    if (!json_is_boolean(v))
        return fail_at(ld, p, false, "expected true or false, got %s", jtype(v));
    *out = json_is_true(v);
    return OD_OK;
}

static bool url_scheme_ok(const char *url)
{
    return strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0 ||
           strncmp(url, "file://", 7) == 0;
}

static enum od_status load_timezones(struct loader *ld, const json_t *root)
{
    const json_t *tz = json_object_get(root, "timezones");
    struct config *c = ld->cfg;
    if (!tz) {
        c->n_timezones = 1;
        c->timezones = xcalloc(1, sizeof(char *));
        c->timezones[0] = xstrdup("UTC");
        return OD_OK;
    }
    if (!json_is_array(tz))
        return fail_at(ld, "timezones", false, "expected an array of zone names, got %s",
                       jtype(tz));
    size_t n = json_array_size(tz);
    if (n == 0)
        return fail_at(ld, "timezones", false, "expected at least one zone name");
    if (n > 8)
        return fail_at(ld, "timezones", false, "expected at most 8 zone names");
    c->timezones = xcalloc(n, sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        char p[PATH_MAX_LEN];
        path_index(p, "timezones", i);
        const json_t *v = json_array_get(tz, i);
        if (!json_is_string(v))
            return fail_at(ld, p, false, "expected a zone name string, got %s", jtype(v));
        const char *s = json_string_value(v);
        if (!valid_word(s, 64, true) || s[0] == '/' || strstr(s, "..") || !tz_valid(s))
            return fail_at(ld, p, false,
                           "expected an IANA time zone name known to the system "
                           "(like \"Europe/London\" or \"UTC\")");
        c->timezones[i] = xstrdup(s);
        c->n_timezones = i + 1;
    }
    return OD_OK;
}

static const char *const feed_keys[] = {
    "id", "kind", "url", "interval", "timeout", "max_body", "ca_file", "time_zone",
    "page_id", "token_env", "token_file", "name", "summary_only", "manage_url", NULL};
#define FEED_KEYS_HINT "id, kind, url, interval, timeout, max_body, ca_file, time_zone, " \
                       "page_id, token_env, token_file, name, summary_only, manage_url"

static enum od_status load_feed(struct loader *ld, const json_t *o, size_t i,
                                struct config_feed *f)
{
    char path[PATH_MAX_LEN];
    path_index(path, "feeds", i);
    const struct pos_entry *pe = pos_find(&ld->pos, path);
    f->line = pe ? pe->vline : 0;
    f->column = pe ? pe->vcol : 0;
    f->interval = CONFIG_DEFAULT_INTERVAL;
    f->timeout = CONFIG_DEFAULT_TIMEOUT;
    f->max_body = CONFIG_DEFAULT_MAX_BODY;
    if (!json_is_object(o))
        return fail_at(ld, path, false, "expected a feed object, got %s", jtype(o));
    enum od_status st;
    if ((st = check_keys(ld, o, path, feed_keys, FEED_KEYS_HINT)) != OD_OK)
        return st;

    if ((st = get_string(ld, o, "id", path, STR_REQUIRED, 64, &f->id)) != OD_OK)
        return st;
    char p[PATH_MAX_LEN];
    path_key(p, path, "id");
    if (!valid_word(f->id, 32, false))
        return fail_at(ld, p, false, "expected 1 to 32 of A-Z a-z 0-9 _ . - + in a feed id");
    for (size_t k = 0; k < i; k++)
        if (strcmp(ld->cfg->feeds[k].id, f->id) == 0)
            return fail_at(ld, p, false, "duplicate feed id \"%s\" (also feeds[%zu])", f->id, k);

    char *kind = NULL;
    if ((st = get_string(ld, o, "kind", path, STR_OPTIONAL, 32, &kind)) != OD_OK)
        return st;
    f->kind = FEED_STATUSPAGE;
    if (kind) {
        if (strcmp(kind, "statuspage") == 0) {
            f->kind = FEED_STATUSPAGE;
        } else if (strcmp(kind, "cachet") == 0) {
            f->kind = FEED_CACHET;
        } else {
            free(kind);
            path_key(p, path, "kind");
            return fail_at(ld, p, false, "expected \"statuspage\" or \"cachet\"");
        }
        free(kind);
    }

    if ((st = get_string(ld, o, "url", path, STR_REQUIRED, 1024, &f->url)) != OD_OK)
        return st;
    path_key(p, path, "url");
    if (!url_scheme_ok(f->url) || strchr(f->url, ' '))
        return fail_at(ld, p, false,
                       "expected an http://, https:// or file:// base URL without spaces");
    size_t ul = strlen(f->url);
    while (ul > 8 && f->url[ul - 1] == '/')
        f->url[--ul] = '\0';

    long long n = f->interval;
    if ((st = get_int(ld, o, "interval", path, 1, CONFIG_MAX_INTERVAL, &n)) != OD_OK)
        return st;
    f->interval = (int)n;
    n = f->timeout;
    if ((st = get_int(ld, o, "timeout", path, 1, CONFIG_MAX_TIMEOUT, &n)) != OD_OK)
        return st;
    f->timeout = (int)n;
    n = (long long)f->max_body;
    if ((st = get_int(ld, o, "max_body", path, 1024, CONFIG_MAX_MAX_BODY, &n)) != OD_OK)
        return st;
    f->max_body = (size_t)n;
    if ((st = get_bool(ld, o, "summary_only", path, &f->summary_only)) != OD_OK)
        return st;

    if ((st = get_string(ld, o, "ca_file", path, STR_OPTIONAL, 1024, &f->ca_file)) != OD_OK ||
        (st = get_string(ld, o, "time_zone", path, STR_OPTIONAL, 64, &f->time_zone)) != OD_OK ||
        (st = get_string(ld, o, "page_id", path, STR_OPTIONAL, 64, &f->page_id)) != OD_OK ||
        (st = get_string(ld, o, "token_env", path, STR_OPTIONAL, 64, &f->token_env)) != OD_OK ||
        (st = get_string(ld, o, "token_file", path, STR_OPTIONAL, 1024, &f->token_file)) != OD_OK ||
        (st = get_string(ld, o, "manage_url", path, STR_OPTIONAL, 1024, &f->manage_url)) != OD_OK ||
        (st = get_string(ld, o, "name", path, STR_OPTIONAL | STR_DISPLAY, CONFIG_MAX_TEXT, &f->name)) != OD_OK)
        return st;
    if (f->time_zone && (!valid_word(f->time_zone, 64, true) || f->time_zone[0] == '/' ||
                         strstr(f->time_zone, "..") || !tz_valid(f->time_zone))) {
        path_key(p, path, "time_zone");
        return fail_at(ld, p, false, "expected an IANA time zone name known to the system");
    }
    if (f->page_id && !valid_word(f->page_id, 64, false)) {
        path_key(p, path, "page_id");
        return fail_at(ld, p, false, "expected a page id of A-Z a-z 0-9 _ . -");
    }
    if (f->token_env) {
        bool ok = !(f->token_env[0] >= '0' && f->token_env[0] <= '9');
        for (const char *q = f->token_env; *q; q++)
            if (!((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') ||
                  (*q >= '0' && *q <= '9') || *q == '_'))
                ok = false;
        if (!ok) {
            path_key(p, path, "token_env");
            return fail_at(ld, p, false,
                           "expected an environment variable name (letters, digits, _)");
        }
    }
    if (f->manage_url) {
        /* posting goes over the network only; a management API is never file:// */
        path_key(p, path, "manage_url");
        if (!(strncmp(f->manage_url, "http://", 7) == 0 ||
              strncmp(f->manage_url, "https://", 8) == 0) || strchr(f->manage_url, ' '))
            return fail_at(ld, p, false, "expected an http:// or https:// URL without spaces");
        size_t ml = strlen(f->manage_url);
        while (ml > 8 && f->manage_url[ml - 1] == '/')
            f->manage_url[--ml] = '\0';
    }
    if (f->token_env && f->token_file) {
        path_key(p, path, "token_file");
        return fail_at(ld, p, true, "token_env and token_file are exclusive: give one");
    }
    return OD_OK;
}

static enum od_status load_feeds(struct loader *ld, const json_t *root)
{
    const json_t *a = json_object_get(root, "feeds");
    struct config *c = ld->cfg;
    if (!a)
        return fail_at(ld, "", false, "missing \"feeds\" (expected an array of feed objects)");
    if (!json_is_array(a))
        return fail_at(ld, "feeds", false, "expected an array of feed objects, got %s",
                       jtype(a));
    size_t n = json_array_size(a);
    if (n == 0)
        return fail_at(ld, "feeds", false, "expected at least one feed");
    if (n > CONFIG_MAX_FEEDS)
        return fail_at(ld, "feeds", false, "expected at most %d feeds", CONFIG_MAX_FEEDS);
    c->feeds = xcalloc(n, sizeof(*c->feeds));
    for (size_t i = 0; i < n; i++) {
        c->n_feeds = i + 1;
        enum od_status st = load_feed(ld, json_array_get(a, i), i, &c->feeds[i]);
        if (st != OD_OK)
            return st;
    }
    return OD_OK;
}

/* Split "FEED:GLOB" when FEED is a configured feed id; ":GLOB" is any feed. */
static void pattern_init(const struct config *c, struct config_pattern *p, const char *text)
{
    p->text = xstrdup(text);
    const char *colon = strchr(text, ':');
    if (colon == text) {
        p->glob = xstrdup(text + 1);
        return;
    }
    if (colon) {
        for (size_t i = 0; i < c->n_feeds; i++) {
            if (strlen(c->feeds[i].id) == (size_t)(colon - text) &&
                strncmp(c->feeds[i].id, text, (size_t)(colon - text)) == 0) {
                p->feed = xstrdup(c->feeds[i].id);
                p->glob = xstrdup(colon + 1);
                return;
            }
        }
    }
    p->glob = xstrdup(text);
}

static const char *const pane_keys[] = {"title", "components", NULL};

static enum od_status load_panes(struct loader *ld, const json_t *root)
{
    const json_t *a = json_object_get(root, "panes");
    struct config *c = ld->cfg;
    if (!a) {
        /* one pane per feed, showing all of it */
        c->panes = xcalloc(c->n_feeds, sizeof(*c->panes));
        for (size_t i = 0; i < c->n_feeds; i++) {
            struct config_pane *pn = &c->panes[i];
            pn->title = xstrdup(config_feed_label(&c->feeds[i]));
            pn->n_patterns = 1;
            pn->patterns = xcalloc(1, sizeof(*pn->patterns));
            char *t = xasprintf("%s:*", c->feeds[i].id);
            pattern_init(c, &pn->patterns[0], t);
            free(t);
            c->n_panes = i + 1;
        }
        return OD_OK;
    }
    if (!json_is_array(a))
        return fail_at(ld, "panes", false, "expected an array of pane objects, got %s",
                       jtype(a));
    size_t n = json_array_size(a);
    if (n > 64)
        return fail_at(ld, "panes", false, "expected at most 64 panes");
    c->panes = xcalloc(n ? n : 1, sizeof(*c->panes));
    for (size_t i = 0; i < n; i++) {
        char path[PATH_MAX_LEN], p[PATH_MAX_LEN];
        path_index(path, "panes", i);
        const json_t *o = json_array_get(a, i);
        struct config_pane *pn = &c->panes[i];
        c->n_panes = i + 1;
        if (!json_is_object(o))
            return fail_at(ld, path, false, "expected a pane object, got %s", jtype(o));
        enum od_status st = check_keys(ld, o, path, pane_keys, "title, components");
        if (st != OD_OK)
            return st;
        if ((st = get_string(ld, o, "title", path, STR_REQUIRED | STR_DISPLAY, CONFIG_MAX_TEXT, &pn->title)) !=
            OD_OK)
            return st;
        const json_t *comps = json_object_get(o, "components");
        path_key(p, path, "components");
        if (!comps)
            return fail_at(ld, path, false,
                           "missing \"components\" (expected an array of patterns)");
        if (!json_is_array(comps))
            return fail_at(ld, p, false, "expected an array of patterns, got %s",
                           jtype(comps));
        size_t m = json_array_size(comps);
        if (m == 0)
            return fail_at(ld, p, false, "expected at least one pattern");
        if (m > 256)
            return fail_at(ld, p, false, "expected at most 256 patterns");
        pn->patterns = xcalloc(m, sizeof(*pn->patterns));
        for (size_t k = 0; k < m; k++) {
            const json_t *v = json_array_get(comps, k);
            char pk[PATH_MAX_LEN];
            path_index(pk, p, k);
            if (!json_is_string(v))
                return fail_at(ld, pk, false,
                               "expected a pattern string \"FEED:GLOB\" or \"GLOB\", got %s",
                               jtype(v));
            const char *s = json_string_value(v);
            if (strlen(s) != json_string_length(v) || s[0] == '\0' ||
                strcmp(s, ":") == 0 || strlen(s) > 256)
                return fail_at(ld, pk, false,
                               "expected a non-empty pattern \"FEED:GLOB\" or \"GLOB\"");
            char *clean = text_sanitize(s, strlen(s), TEXT_SINGLE_LINE, 0);
            bool same = strcmp(clean, s) == 0;
            free(clean);
            if (!same)
                return fail_at(ld, pk, false,
                               "expected a pattern without control or format characters");
            pattern_init(c, &pn->patterns[k], s);
            pn->n_patterns = k + 1;
            if (pn->patterns[k].glob[0] == '\0')
                return fail_at(ld, pk, false, "expected a glob after \"%s:\"",
                               pn->patterns[k].feed);
        }
    }
    return OD_OK;
}

static const char *const top_keys[] = {"timezones", "theme",    "feeds", "panes",
                                       "alerts",    "readonly", "title", NULL};
static const char *const alert_keys[] = {"bell", NULL};

static enum od_status load_root(struct loader *ld, const json_t *root)
{
    struct config *c = ld->cfg;
    enum od_status st;
    if (!json_is_object(root))
        return fail_at(ld, "", false, "expected a JSON object at the top, got %s",
                       jtype(root));
    if ((st = check_keys(ld, root, "", top_keys,
                         "timezones, theme, feeds, panes, alerts, readonly, title")) != OD_OK)
        return st;
    if ((st = load_timezones(ld, root)) != OD_OK)
        return st;
    if ((st = get_string(ld, root, "theme", "", STR_OPTIONAL, 64, &c->theme)) != OD_OK)
        return st;
    if (!c->theme)
        c->theme = xstrdup("default");
    else if (!valid_word(c->theme, 64, false))
        return fail_at(ld, "theme", false, "expected a theme name of A-Z a-z 0-9 _ . -");
    if ((st = load_feeds(ld, root)) != OD_OK)
        return st;
    if ((st = load_panes(ld, root)) != OD_OK)
        return st;
    c->alert_bell = true;
    const json_t *al = json_object_get(root, "alerts");
    if (al) {
        if (!json_is_object(al))
            return fail_at(ld, "alerts", false, "expected an object, got %s", jtype(al));
        if ((st = check_keys(ld, al, "alerts", alert_keys, "bell")) != OD_OK)
            return st;
        if ((st = get_bool(ld, al, "bell", "alerts", &c->alert_bell)) != OD_OK)
            return st;
    }
    if ((st = get_bool(ld, root, "readonly", "", &c->readonly)) != OD_OK)
        return st;
    if ((st = get_string(ld, root, "title", "", STR_OPTIONAL | STR_DISPLAY, CONFIG_MAX_TEXT, &c->title)) !=
        OD_OK)
        return st;
    return OD_OK;
}

struct config *config_parse(const char *text, size_t len, const char *source,
                            struct od_error *err)
{
    od_error_clear(err);
    if (!source)
        source = "<string>";
    char *safe_source = text_sanitize(source, strlen(source), TEXT_SINGLE_LINE, 150);
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (!root) {
        char *msg = text_sanitize(jerr.text, strlen(jerr.text), TEXT_SINGLE_LINE, 0);
        od_error_set(err, OD_CONFIG, safe_source, jerr.line > 0 ? jerr.line : 0,
                     jerr.column > 0 ? jerr.column : 0, "invalid JSON: %s", msg);
        free(msg);
        free(safe_source);
        return NULL;
    }
    struct loader ld = {.source = safe_source, .err = err};
    ld.cfg = xcalloc(1, sizeof(*ld.cfg));
    ld.cfg->source = xstrdup(safe_source);
    pos_scan_text(&ld.pos, text, len);
    enum od_status st = load_root(&ld, root);
    json_decref(root);
    pos_free(&ld.pos);
    free(safe_source);
    if (st != OD_OK) {
        config_free(ld.cfg);
        return NULL;
    }
    return ld.cfg;
}

struct config *config_load_file(const char *path, struct od_error *err)
{
    od_error_clear(err);
    FILE *fp = fopen(path, "rb");
    char *safe = text_sanitize(path, strlen(path), TEXT_SINGLE_LINE, 150);
    if (!fp) {
        od_error_set(err, OD_CONFIG, safe, 0, 0, "cannot open: %s", strerror(errno));
        free(safe);
        return NULL;
    }
    struct strbuf sb;
    strbuf_init(&sb, CONFIG_MAX_FILE);
    char chunk[8192];
    size_t n;
    bool ok = true;
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        if (!strbuf_append(&sb, chunk, n)) {
            ok = false;
            break;
        }
    bool rerr = ferror(fp);
    int saved = errno;
    fclose(fp);
    struct config *c = NULL;
    if (!ok)
        od_error_set(err, OD_CONFIG, safe, 0, 0, "file larger than %u bytes", CONFIG_MAX_FILE);
    else if (rerr)
        od_error_set(err, OD_CONFIG, safe, 0, 0, "cannot read: %s", strerror(saved));
    else
        c = config_parse(strbuf_str(&sb), sb.len, path, err);
    strbuf_free(&sb);
    free(safe);
    return c;
}

struct config *config_default(void)
{
    struct od_error err;
    struct config *c =
        config_parse(default_config_json, sizeof(default_config_json) - 1, "<built-in>", &err);
    if (!c) {       /* a bug in the text above; tests catch it */
        fprintf(stderr, "opsdeck: built-in config: %s\n", err.text);
        abort();
    }
    return c;
}

bool config_locate(const char *explicit_path, char *buf, size_t size)
{
    if (size)
        buf[0] = '\0';
    if (explicit_path) {
        snprintf(buf, size, "%s", explicit_path);
        return true;
    }
    const char *xdg = getenv("XDG_CONFIG_HOME");
    int w;
    if (xdg && xdg[0] == '/') {         /* relative values are ignored (XDG spec) */
        w = snprintf(buf, size, "%s/opsdeck/config.json", xdg);
    } else {
        const char *home = getenv("HOME");
        if (!home || home[0] != '/') {
            if (size)
                buf[0] = '\0';
            return false;
        }
        w = snprintf(buf, size, "%s/.config/opsdeck/config.json", home);
    }
    if (w < 0 || (size_t)w >= size || access(buf, F_OK) != 0) {
        if (size)
            buf[0] = '\0';
        return false;
    }
    return true;
}

struct config *config_load(const char *explicit_path, struct od_error *err)
{
    char path[4096];
    od_error_clear(err);
    if (config_locate(explicit_path, path, sizeof(path)))
        return config_load_file(path, err);
    return config_default();
}

void config_free(struct config *c)
{
    if (!c)
        return;
    free(c->source);
    for (size_t i = 0; i < c->n_timezones; i++)
        free(c->timezones[i]);
    free(c->timezones);
    free(c->theme);
    for (size_t i = 0; i < c->n_feeds; i++) {
        struct config_feed *f = &c->feeds[i];
        free(f->id);
        free(f->url);
        free(f->ca_file);
        free(f->time_zone);
        free(f->page_id);
        free(f->token_env);
        free(f->token_file);
        free(f->manage_url);
        free(f->name);
    }
    free(c->feeds);
    for (size_t i = 0; i < c->n_panes; i++) {
        struct config_pane *p = &c->panes[i];
        free(p->title);
        for (size_t k = 0; k < p->n_patterns; k++) {
            free(p->patterns[k].feed);
            free(p->patterns[k].glob);
            free(p->patterns[k].text);
        }
        free(p->patterns);
    }
    free(c->panes);
    free(c->title);
    free(c);
}

const struct config_feed *config_find_feed(const struct config *c, const char *id)
{
    if (!c || !id)
        return NULL;
    for (size_t i = 0; i < c->n_feeds; i++)
        if (strcmp(c->feeds[i].id, id) == 0)
            return &c->feeds[i];
    return NULL;
}

const char *config_feed_label(const struct config_feed *f)
{
    return f->name && f->name[0] ? f->name : f->id;
}

const char *feed_kind_name(enum feed_kind k)
{
    return k == FEED_CACHET ? "cachet" : "statuspage";
}

/* ------------------------------------------------------------------------
 * Globs: *, ?, [set] with ranges and ! or ^ negation, backslash escapes;
 * ASCII case-insensitive; '?' and sets consume one UTF-8 character.
 */

static int fold(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static size_t utf8_len(const char *s)
{
    unsigned char c = (unsigned char)*s;
    size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 :
               (c & 0xF8) == 0xF0 ? 4 : 1;
    for (size_t i = 1; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            return i;
    return n;
}

/* Match one set at g ('[' already consumed); *end = after ']'. -1: not a set. */
static int set_match(const char *g, const char **end, unsigned char c)
{
    bool neg = false;
    if (*g == '!' || *g == '^') {
        neg = true;
        g++;
    }
    bool hit = false;
    bool first = true;
    while (*g && (*g != ']' || first)) {
        first = false;
        unsigned char lo = (unsigned char)*g;
        if (lo == '\\' && g[1])
            lo = (unsigned char)*++g;
        g++;
        unsigned char hi = lo;
        if (*g == '-' && g[1] && g[1] != ']') {
            hi = (unsigned char)g[1];
            if (hi == '\\' && g[2]) {
                hi = (unsigned char)g[2];
                g++;
            }
            g += 2;
        }
        int fc = fold(c);
        if ((c >= lo && c <= hi) || (fc >= fold(lo) && fc <= fold(hi)))
            hit = true;
    }
    if (*g != ']')
        return -1;
    *end = g + 1;
    return hit != neg;
}

bool config_glob_match(const char *glob, const char *s)
{
    const char *g = glob, *star_g = NULL, *star_s = NULL;
    while (*s) {
        if (*g == '*') {
            while (*g == '*')
                g++;
            if (!*g)
                return true;
            star_g = g;
            star_s = s;
            continue;
        }
        bool ok = false;
        const char *ng = g + 1;
        size_t adv = 1;
        if (*g == '?') {
            ok = true;
            adv = utf8_len(s);
        } else if (*g == '[') {
            const char *end;
            int r = set_match(g + 1, &end, (unsigned char)*s);
            if (r < 0) {
                ok = *s == '[';
            } else {
                ok = r == 1;
                ng = end;
                adv = utf8_len(s);
            }
        } else if (*g == '\\' && g[1]) {
            ok = g[1] == *s;
            ng = g + 2;
        } else if (*g) {
            ok = fold((unsigned char)*g) == fold((unsigned char)*s);
        }
        if (ok) {
            g = ng;
            s += adv;
        } else if (star_g) {
            star_s += utf8_len(star_s);
            s = star_s;
            g = star_g;
        } else {
            return false;
        }
    }
    while (*g == '*')
        g++;
    return *g == '\0';
}

static bool comp_match(const char *glob, const struct component *c)
{
    return (c->name && config_glob_match(glob, c->name)) ||
           (c->id && config_glob_match(glob, c->id));
}

bool config_pattern_match(const struct config_pattern *p, const char *feed_id,
                          const struct component *c, const struct component *group)
{
    if (!p || !c)
        return false;
    if (p->feed && (!feed_id || strcmp(p->feed, feed_id) != 0))
        return false;
    if (comp_match(p->glob, c))
        return true;
    return group && group != c && comp_match(p->glob, group);
}

bool config_pane_match(const struct config_pane *pane, const char *feed_id,
                       const struct component *c, const struct component *group)
{
    for (size_t i = 0; pane && i < pane->n_patterns; i++)
        if (config_pattern_match(&pane->patterns[i], feed_id, c, group))
            return true;
    return false;
}
