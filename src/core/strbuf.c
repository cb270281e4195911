#include "opsdeck/strbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/xalloc.h"

void strbuf_init(struct strbuf *sb, size_t cap)
{
    memset(sb, 0, sizeof(*sb));
    sb->cap = cap ? cap : SIZE_MAX - 1;
}

void strbuf_free(struct strbuf *sb)
{
    free(sb->data);
    size_t cap = sb->cap;
    memset(sb, 0, sizeof(*sb));
    sb->cap = cap;
}

void strbuf_reset(struct strbuf *sb)
{
    sb->len = 0;
    sb->toobig = false;
    if (sb->data)
        sb->data[0] = '\0';
}

bool strbuf_append(struct strbuf *sb, const void *data, size_t len)
{
    if (len > sb->cap || sb->len > sb->cap - len) {
        sb->toobig = true;
        return false;
    }
    size_t need = sb->len + len + 1;
    if (need > sb->alloc) {
        size_t alloc = sb->alloc ? sb->alloc : 256;
        while (alloc < need)
            alloc = alloc > SIZE_MAX / 2 ? need : alloc * 2;
        sb->data = xrealloc(sb->data, alloc);
        sb->alloc = alloc;
    }
    if (len)
        memcpy(sb->data + sb->len, data, len);
    sb->len += len;
    sb->data[sb->len] = '\0';
    return true;
}

bool strbuf_puts(struct strbuf *sb, const char *s)
{
    return strbuf_append(sb, s, strlen(s));
}

bool strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return false;
    if ((size_t)n < sizeof(small))
        return strbuf_append(sb, small, (size_t)n);
    char *big = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    bool ok = strbuf_append(sb, big, (size_t)n);
    free(big);
    return ok;
}

char *strbuf_steal(struct strbuf *sb, size_t *len)
{
    char *p = sb->data ? sb->data : xstrdup("");
    if (len)
        *len = sb->len;
    size_t cap = sb->cap;
    memset(sb, 0, sizeof(*sb));
    sb->cap = cap;
    return p;
}

const char *strbuf_str(const struct strbuf *sb)
{
    return sb->data ? sb->data : "";
}
