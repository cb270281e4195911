/* od_safeout: fail (exit 1) when stdin holds anything that could act on a
 * terminal: ESC, other C0 controls but '\n' and '\t', DEL, C1 controls (raw
 * bytes 0x80-0x9f outside UTF-8 sequences, or encoded U+0080-U+009F), invalid
 * UTF-8, or bidi embeddings/overrides/isolates. Prints the first offence. */
#include <stdint.h>
#include <stdio.h>

static int bad(long off, const char *what, unsigned v)
{
    fprintf(stderr, "od_safeout: offset %ld: %s (0x%x)\n", off, what, v);
    return 1;
}

int main(void)
{
    unsigned char buf[1 << 16];
    int need = 0, have = 0;
    uint32_t cp = 0;
    long off = 0;
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) {
        for (size_t i = 0; i < n; i++, off++) {
            unsigned c = buf[i];
            if (need) {
                if ((c & 0xC0) != 0x80)
                    return bad(off, "invalid UTF-8 continuation", c);
                have++;
                cp = (cp << 6) | (c & 0x3F);
                if (--need == 0) {
                    if ((have == 2 && cp < 0x80) || (have == 3 && cp < 0x800) ||
                        (have == 4 && cp < 0x10000) || cp > 0x10FFFF ||
                        (cp >= 0xD800 && cp <= 0xDFFF))
                        return bad(off, "overlong or invalid code point", cp);
                    if (cp >= 0x80 && cp <= 0x9F)
                        return bad(off, "C1 control", cp);
                    if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
                        return bad(off, "bidi control", cp);
                }
                continue;
            }
            if (c == 0x1B)
                return bad(off, "ESC", c);
            if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F)
                return bad(off, "C0 control or DEL", c);
            if (c < 0x80)
                continue;
            have = 1;
            if ((c & 0xE0) == 0xC0) {
                need = 1;
                cp = c & 0x1F;
            } else if ((c & 0xF0) == 0xE0) {
                need = 2;
                cp = c & 0x0F;
            } else if ((c & 0xF8) == 0xF0) {
                need = 3;
                cp = c & 0x07;
            } else {
                return bad(off, "raw C1 byte or invalid UTF-8 lead", c);
            }
        }
    }
    if (need)
        return bad(off, "truncated UTF-8 at end", 0);
    return 0;
}
