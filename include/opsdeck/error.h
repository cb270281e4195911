/* Errors are values: a code from one X-macro list, plus where and what.
 *
 * Parsers fill a caller-provided struct od_error; only main() decides to exit.
 */
#ifndef OPSDECK_ERROR_H
#define OPSDECK_ERROR_H

#include <stddef.h>
#include "opsdeck/attrs.h"

#define OD_STATUS_INFO(_) \
    _(OK,       "ok") \
    _(NOMEM,    "out of memory") \
    _(PARSE,    "malformed input") \
    _(SHAPE,    "unexpected document shape") \
    _(TOOBIG,   "input too large") \
    _(IO,       "input/output error") \
    _(NET,      "network error") \
    _(HTTP,     "HTTP error") \
    _(CONFIG,   "configuration error") \
    _(USAGE,    "usage error") \
    _(NOTFOUND, "not found") \
    _(AUTH,     "not authorised") \
    _(INVALID,  "invalid value")

enum od_status {
#define OD_STATUS_ENUM(name, msg) OD_##name,
    OD_STATUS_INFO(OD_STATUS_ENUM)
#undef OD_STATUS_ENUM
};

struct od_error {
    enum od_status code;
    char source[160];   /* file name, URL or document name; "" when none */
    int line;           /* 1-based; 0 when not applicable */
    int column;         /* 1-based; 0 when not applicable */
    char text[320];     /* human sentence, already safe to print */
};

const char *od_status_message(enum od_status code);

/* Reset to OD_OK with empty fields. */
void od_error_clear(struct od_error *e);

/* Fill e (if non-NULL). source may be NULL. Returns code, so callers can
 * `return od_error_set(...)`. */
OD_PRINTF(6, 7)
enum od_status od_error_set(struct od_error *e, enum od_status code, const char *source,
                            int line, int column, const char *fmt, ...);

/* "source:line:column: text" (parts omitted when empty) into buf; snprintf-style. */
int od_error_format(char *buf, size_t size, const struct od_error *e);

#endif
