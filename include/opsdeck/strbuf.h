/* A growable byte buffer with a hard cap: appends past the cap fail and set
 * `toobig`, so data from the network can never grow memory without bound.
 * The content is always NUL-terminated (the NUL is not counted in len).
 */
#ifndef OPSDECK_STRBUF_H
#define OPSDECK_STRBUF_H

#include <stdbool.h>
#include <stddef.h>
#include "opsdeck/attrs.h"

struct strbuf {
    char *data;     /* NULL until the first append */
    size_t len;
    size_t alloc;
    size_t cap;     /* maximum len; 0 means SIZE_MAX */
    bool toobig;
};

void strbuf_init(struct strbuf *sb, size_t cap);
void strbuf_free(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
/* false (and toobig set) when it would pass the cap; nothing is appended then. */
bool strbuf_append(struct strbuf *sb, const void *data, size_t len);
bool strbuf_puts(struct strbuf *sb, const char *s);
OD_PRINTF(2, 3) bool strbuf_printf(struct strbuf *sb, const char *fmt, ...);
/* Hand the buffer to the caller (free() it); sb is reset. Never NULL. */
OD_NODISCARD char *strbuf_steal(struct strbuf *sb, size_t *len);
/* Content as a C string, "" when empty. Borrowed. */
const char *strbuf_str(const struct strbuf *sb);

#endif
