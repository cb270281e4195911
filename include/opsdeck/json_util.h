/* json_util: small typed getters over jansson for the codec readers (prefix ju_).
 *
 * Private to the codec layer (src/codec/); not a public API for the app or UI.
 *
 * Ownership: every const json_t * and const char * returned here is BORROWED
 * from the tree that ju_load() returned; it lives until that root is released
 * with json_decref() and must not be freed or decref'd on its own.
 *
 * Getters never fail loudly: a missing key, a JSON null and a value of the wrong
 * type all give the "absent" answer (NULL, false, the default). Readers decide
 * which absences are errors and report them with ju_error_type(), which names
 * the path of the bad value ("incidents[3].incident_updates[0]: expected an
 * object, got a string").
 */
#ifndef OPSDECK_JSON_UTIL_H
#define OPSDECK_JSON_UTIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "opsdeck/attrs.h"
#include "opsdeck/error.h"
#include "opsdeck/time_parse.h"

/* Bounds for one document. */
struct ju_limits {
    size_t max_bytes;   /* longer bodies are rejected with OD_TOOBIG before parsing */
    int max_depth;      /* deeper nesting of [ and { is rejected with OD_PARSE */
};

#define JU_DEFAULT_MAX_BYTES ((size_t)32 << 20)   /* 32 MiB */
#define JU_DEFAULT_MAX_DEPTH 32

/* Parse `len` bytes (NUL bytes inside strings allowed; any top-level value
 * accepted, the caller checks its type). limits NULL means the defaults.
 * Returns a new reference (caller json_decref()s) or NULL with err filled:
 * OD_TOOBIG for size, OD_PARSE for syntax or depth, with the line and column
 * of the problem and `source` as the error's source. */
OD_NODISCARD json_t *ju_load(const char *body, size_t len, const struct ju_limits *limits,
                             const char *source, struct od_error *err);

/* "an object", "an array", "a string", "an integer", "a number", "a boolean",
 * "null" or "nothing" (NULL). */
const char *ju_type_name(const json_t *v);

/* A JSON path being walked, for error messages: "incidents[3].name".
 * Fixed size; an over-long path is cut (still NUL-terminated). */
struct ju_path {
    char buf[192];
    size_t len;
};

void ju_path_init(struct ju_path *p);
/* Append ".key" (or "key" at the root) or "[i]"; return a mark for ju_path_pop. */
size_t ju_path_key(struct ju_path *p, const char *key);
size_t ju_path_index(struct ju_path *p, size_t i);
void ju_path_pop(struct ju_path *p, size_t mark);
/* The path so far, or "(document)" at the root. Borrowed from p. */
const char *ju_path_str(const struct ju_path *p);

/* Fill err with OD_SHAPE: "<path>: expected <what>, got <type of v>".
 * Returns OD_SHAPE. */
enum od_status ju_error_type(struct od_error *err, const char *source,
                             const struct ju_path *path, const char *what, const json_t *v);

/* ---- typed getters (obj may be NULL or not an object: then "absent") ---- */

/* The member `key` whatever its type; NULL if absent or obj is not an object. */
const json_t *ju_get(const json_t *obj, const char *key);
/* true when the member exists and is not null. */
bool ju_has(const json_t *obj, const char *key);

/* String value and its length in bytes (may hold NUL bytes); NULL unless a string. */
const char *ju_string(const json_t *obj, const char *key, size_t *len);
const json_t *ju_object(const json_t *obj, const char *key);
const json_t *ju_array(const json_t *obj, const char *key);
/* true/false; dflt when absent or not a boolean. */
bool ju_bool(const json_t *obj, const char *key, bool dflt);
/* An integer: a JSON integer, a real with an integral value in range, or a
 * string of decimal digits with an optional sign (Cachet sends both). false
 * when absent or not such a value. */
bool ju_int(const json_t *obj, const char *key, int64_t *out);
/* The same for a value that is not a member (array element). */
bool ju_int_value(const json_t *v, int64_t *out);

/* An id: a string (copied as is) or an integer (in decimal). Writes into
 * buf (NUL-terminated, cut to fit); returns the length written, or -1 when the
 * value is absent, null or neither a string nor an integer. */
int ju_id(const json_t *obj, const char *key, char *buf, size_t size);
int ju_id_value(const json_t *v, char *buf, size_t size);

/* RFC 3339 timestamp member: out->valid is false when absent, null, not a
 * string or not a valid timestamp. Returns out->valid. */
bool ju_time(const json_t *obj, const char *key, struct od_time *out);

/* ---- remote text made safe (text.h), copied into an arena --------------- */

struct arena;

/* Caps on what one string may hold after sanitising (longer is cut with "…"). */
#define JU_MAX_ID    128
#define JU_MAX_LINE  2048
#define JU_MAX_BODY  (128 * 1024)

/* A string member as one sanitised line (TEXT_SINGLE_LINE), at most max bytes;
 * NULL when absent, null or not a string. */
const char *ju_text(struct arena *a, const json_t *obj, const char *key, size_t max);
/* An id member (string or integer) as a sanitised line; NULL when absent. */
const char *ju_text_id(struct arena *a, const json_t *obj, const char *key);
/* The same for a value that is not a member. */
const char *ju_text_id_value(struct arena *a, const json_t *v);

/* A body member (HTML or plain text) as sanitised plain text that keeps its
 * line breaks: html_to_text, then text_sanitize(TEXT_KEEP_NEWLINES), then
 * normalised so that writing it back HTML-escaped (ju_html_escape) and
 * reading it again gives the same text. NULL when absent or not a string. */
const char *ju_body(struct arena *a, const json_t *obj, const char *key, size_t max);
/* The same pipeline for raw bytes. */
const char *ju_body_text(struct arena *a, const char *raw, size_t len, size_t max);

/* Plain text → HTML text: '&', '<', '>' become entities, nothing else changes.
 * New malloc'd string (never NULL); *out_len gets its length if non-NULL. */
OD_NODISCARD char *ju_html_escape(const char *s, size_t len, size_t *out_len);

#endif
