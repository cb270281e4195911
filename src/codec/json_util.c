/* json_util: bounded jansson parsing and typed, path-aware getters. */
#include "opsdeck/json_util.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/arena.h"
#include "opsdeck/html_text.h"
#include "opsdeck/text.h"
#include "opsdeck/xalloc.h"

/* ---- bounded parse --------------------------------------------------- */

/* One pass over the bytes before jansson sees them: reject nesting deeper than
 * max_depth (jansson's own limit is 2048 and recursive). Strings are skipped
 * so brackets inside them do not count. Fills line/column of the first bracket
 * past the limit. */
static bool depth_ok(const char *s, size_t len, int max_depth, int *line, int *col)
{
    int depth = 0;
    bool in_str = false, esc = false;
    int ln = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '\n') {
            ln++;
            line_start = i + 1;
        }
        if (in_str) {
            if (esc)
                esc = false;
            else if (c == '\\')
                esc = true;
            else if (c == '"')
                in_str = false;
            continue;
        }
        switch (c) {
        case '"':
            in_str = true;
            break;
        case '[':
        case '{':
            if (++depth > max_depth) {
                *line = ln;
                *col = (int)(i - line_start) + 1;
                return false;
            }
            break;
        case ']':
        case '}':
            if (depth > 0)
                depth--;
            break;
        default:
            break;
        }
    }
    return true;
}

json_t *ju_load(const char *body, size_t len, const struct ju_limits *limits,
                const char *source, struct od_error *err)
{
    size_t max_bytes = limits && limits->max_bytes ? limits->max_bytes : JU_DEFAULT_MAX_BYTES;
    int max_depth = limits && limits->max_depth > 0 ? limits->max_depth : JU_DEFAULT_MAX_DEPTH;

    if (!body) {
        od_error_set(err, OD_PARSE, source, 0, 0, "empty document");
        return NULL;
    }
    if (len > max_bytes) {
        od_error_set(err, OD_TOOBIG, source, 0, 0,
                     "document is %zu bytes, over the limit of %zu bytes", len, max_bytes);
        return NULL;
    }
    int line = 0, col = 0;
    if (!depth_ok(body, len, max_depth, &line, &col)) {
        od_error_set(err, OD_PARSE, source, line, col,
                     "nesting deeper than %d levels", max_depth);
        return NULL;
    }
    json_error_t je;
    json_t *root = json_loadb(body, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
    if (!root) {
        /* jansson's text quotes the input near the error: keep it printable. */
        char text[sizeof(je.text)];
        size_t n = 0;
        for (const char *p = je.text; *p && n + 1 < sizeof(text); p++) {
            unsigned char c = (unsigned char)*p;
            text[n++] = (c < 0x20 || c == 0x7f || c >= 0x80) ? '?' : (char)c;
        }
        text[n] = '\0';
        od_error_set(err, OD_PARSE, source, je.line > 0 ? je.line : 0,
                     je.column > 0 ? je.column : 0, "invalid JSON: %s", text);
        return NULL;
    }
    return root;
}

const char *ju_type_name(const json_t *v)
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
    return "an unknown value";
}

/* ---- paths ----------------------------------------------------------- */

void ju_path_init(struct ju_path *p)
{
    p->buf[0] = '\0';
    p->len = 0;
}

/* Append text (already formatted) to the path, cut to fit. */
static size_t path_append(struct ju_path *p, const char *text)
{
    size_t mark = p->len;
    size_t room = sizeof(p->buf) - 1 - p->len;
    size_t n = strlen(text);
    if (n > room)
        n = room;
    memcpy(p->buf + p->len, text, n);
    p->len += n;
    p->buf[p->len] = '\0';
    return mark;
}

size_t ju_path_key(struct ju_path *p, const char *key)
{
    size_t mark = p->len;
    if (p->len)
        path_append(p, ".");
    path_append(p, key);
    return mark;
}

size_t ju_path_index(struct ju_path *p, size_t i)
{
    char tmp[32];
    snprintf(tmp, sizeof(tmp), "[%zu]", i);
    return path_append(p, tmp);
}

void ju_path_pop(struct ju_path *p, size_t mark)
{
    if (mark < p->len) {
        p->len = mark;
        p->buf[mark] = '\0';
    }
}

const char *ju_path_str(const struct ju_path *p)
{
    return p->len ? p->buf : "(document)";
}

enum od_status ju_error_type(struct od_error *err, const char *source,
                             const struct ju_path *path, const char *what, const json_t *v)
{
    return od_error_set(err, OD_SHAPE, source, 0, 0, "%s: expected %s, got %s",
                        ju_path_str(path), what, ju_type_name(v));
}

/* ---- getters --------------------------------------------------------- */

const json_t *ju_get(const json_t *obj, const char *key)
{
    if (!obj || !json_is_object(obj))
        return NULL;
    return json_object_get(obj, key);
}

bool ju_has(const json_t *obj, const char *key)
{
    const json_t *v = ju_get(obj, key);
    return v && !json_is_null(v);
}

const char *ju_string(const json_t *obj, const char *key, size_t *len)
{
    const json_t *v = ju_get(obj, key);
    if (!v || !json_is_string(v)) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = json_string_length(v);
    return json_string_value(v);
}

const json_t *ju_object(const json_t *obj, const char *key)
{
    const json_t *v = ju_get(obj, key);
    return v && json_is_object(v) ? v : NULL;
}

const json_t *ju_array(const json_t *obj, const char *key)
{
    const json_t *v = ju_get(obj, key);
    return v && json_is_array(v) ? v : NULL;
}

bool ju_bool(const json_t *obj, const char *key, bool dflt)
{
    const json_t *v = ju_get(obj, key);
    if (!v || !json_is_boolean(v))
        return dflt;
    return json_is_true(v);
}

static bool parse_decimal(const char *s, size_t len, int64_t *out)
{
    if (len == 0 || len > 20)
        return false;
    char tmp[24];
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    size_t i = (tmp[0] == '-' || tmp[0] == '+') ? 1 : 0;
    if (tmp[i] == '\0')
        return false;
    for (size_t k = i; tmp[k]; k++)
        if (tmp[k] < '0' || tmp[k] > '9')
            return false;
    errno = 0;
    char *end = NULL;
    long long v = strtoll(tmp, &end, 10);
    if (errno || !end || *end)
        return false;
    *out = (int64_t)v;
    return true;
}

bool ju_int_value(const json_t *v, int64_t *out)
{
    if (!v)
        return false;
    if (json_is_integer(v)) {
        *out = (int64_t)json_integer_value(v);
        return true;
    }
    if (json_is_real(v)) {
        double d = json_real_value(v);
        if (!isfinite(d) || d != floor(d) || d < -9.0e18 || d > 9.0e18)
            return false;
        *out = (int64_t)d;
        return true;
    }
    if (json_is_string(v))
        return parse_decimal(json_string_value(v), json_string_length(v), out);
    return false;
}

bool ju_int(const json_t *obj, const char *key, int64_t *out)
{
    return ju_int_value(ju_get(obj, key), out);
}

int ju_id_value(const json_t *v, char *buf, size_t size)
{
    if (!v || size == 0)
        return -1;
    if (json_is_string(v)) {
        size_t n = json_string_length(v);
        if (n >= size)
            n = size - 1;
        memcpy(buf, json_string_value(v), n);
        buf[n] = '\0';
        return (int)n;
    }
    if (json_is_integer(v)) {
        int n = snprintf(buf, size, "%" PRId64, (int64_t)json_integer_value(v));
        if (n < 0)
            return -1;
        return (size_t)n >= size ? (int)size - 1 : n;
    }
    return -1;
}

int ju_id(const json_t *obj, const char *key, char *buf, size_t size)
{
    return ju_id_value(ju_get(obj, key), buf, size);
}

bool ju_time(const json_t *obj, const char *key, struct od_time *out)
{
    memset(out, 0, sizeof(*out));
    size_t len = 0;
    const char *s = ju_string(obj, key, &len);
    if (!s || len > 64 || strlen(s) != len)
        return false;
    if (!time_parse_rfc3339(s, out))
        memset(out, 0, sizeof(*out));
    return out->valid;
}

/* ---- safe text --------------------------------------------------------- */

const char *ju_text(struct arena *a, const json_t *obj, const char *key, size_t max)
{
    size_t len = 0;
    const char *s = ju_string(obj, key, &len);
    if (!s)
        return NULL;
    return text_sanitize_arena(a, s, len, TEXT_SINGLE_LINE, max);
}

const char *ju_text_id_value(struct arena *a, const json_t *v)
{
    char buf[JU_MAX_ID * 2];
    int n = ju_id_value(v, buf, sizeof(buf));
    if (n < 0)
        return NULL;
    return text_sanitize_arena(a, buf, (size_t)n, TEXT_SINGLE_LINE, JU_MAX_ID);
}

const char *ju_text_id(struct arena *a, const json_t *obj, const char *key)
{
    return ju_text_id_value(a, ju_get(obj, key));
}

char *ju_html_escape(const char *s, size_t len, size_t *out_len)
{
    size_t extra = 0;
    for (size_t i = 0; i < len; i++)
        extra += s[i] == '&' ? 4 : (s[i] == '<' || s[i] == '>') ? 3 : 0;
    char *out = xmalloc(len + extra + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        const char *rep = s[i] == '&' ? "&amp;" : s[i] == '<' ? "&lt;" : s[i] == '>' ? "&gt;" : NULL;
        if (rep) {
            size_t rl = strlen(rep);
            memcpy(out + n, rep, rl);
            n += rl;
        } else {
            out[n++] = s[i];
        }
    }
    out[n] = '\0';
    if (out_len)
        *out_len = n;
    return out;
}

/* html_to_text then sanitise; a new malloc'd string. */
static char *body_pass(const char *raw, size_t len, size_t max)
{
    char *plain = html_to_text(raw, len);
    char *safe = text_sanitize(plain, strlen(plain), TEXT_KEEP_NEWLINES, max);
    free(plain);
    return safe;
}

const char *ju_body_text(struct arena *a, const char *raw, size_t len, size_t max)
{
    if (!raw)
        return NULL;
    /* JSON strings may hold "\u0000"; html_to_text works on C strings, so drop
     * NUL bytes first rather than lose the rest of the body. */
    char *nul_free = NULL;
    if (memchr(raw, '\0', len)) {
        nul_free = xmalloc(len + 1);
        size_t n = 0;
        for (size_t i = 0; i < len; i++)
            if (raw[i])
                nul_free[n++] = raw[i];
        nul_free[n] = '\0';
        raw = nul_free;
        len = n;
    }
    char *first = body_pass(raw, len, max);
    free(nul_free);
    /* Sanitising after html_to_text can leave what html_to_text would have
     * tidied (a control character that was the only thing on a line, or at the
     * start). One more pass over the escaped text reaches the fixed point the
     * writer's output reads back as, so read(write(x)) == x holds. */
    size_t elen = 0;
    char *escaped = ju_html_escape(first, strlen(first), &elen);
    char *second = body_pass(escaped, elen, max);
    const char *out = arena_strdup(a, second);
    free(first);
    free(escaped);
    free(second);
    return out;
}

const char *ju_body(struct arena *a, const json_t *obj, const char *key, size_t max)
{
    size_t len = 0;
    const char *s = ju_string(obj, key, &len);
    return s ? ju_body_text(a, s, len, max) : NULL;
}
