/* term_bytes.h: what may reach a terminal, shared by termscan and the text
 * fuzz target. Header-only (static functions): tools are single .c files. */
#ifndef OPSDECK_TEST_TERM_BYTES_H
#define OPSDECK_TEST_TERM_BYTES_H

#include <stddef.h>
#include <stdint.h>

/* Decode one UTF-8 character of p[0..n) into *cp; returns its length, or 0
 * when the bytes are not valid UTF-8 (bad lead, bad continuation, truncated,
 * overlong, surrogate, above U+10FFFF). */
static size_t term_utf8_next(const unsigned char *p, size_t n, uint32_t *cp)
{
    unsigned c = p[0];
    size_t need;
    uint32_t v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if ((c & 0xE0) == 0xC0) {
        need = 1;
        v = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        need = 2;
        v = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        need = 3;
        v = c & 0x07;
    } else {
        return 0;
    }
    if (need >= n)
        return 0;
    for (size_t k = 1; k <= need; k++) {
        if ((p[k] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (p[k] & 0x3F);
    }
    if ((need == 1 && v < 0x80) || (need == 2 && v < 0x800) || (need == 3 && v < 0x10000) ||
        v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return need + 1;
}

/* Why a non-ASCII-control code point must never come from remote text: C1
 * controls, bidi embeddings/overrides/isolates, line separators, invisible
 * format characters. NULL when it is harmless. C0 and DEL are the caller's
 * business (a terminal stream has its own allowed ones). */
static const char *term_unsafe_cp(uint32_t cp)
{
    if (cp == 0x7F)
        return "DEL";
    if (cp >= 0x80 && cp <= 0x9F)
        return "C1 control";
    if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
        return "bidi control";
    if (cp == 0x2028 || cp == 0x2029)
        return "Unicode line separator";
    if ((cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2060 && cp <= 0x2064) || cp == 0xFEFF)
        return "zero-width or format character";
    return NULL;
}

#endif
