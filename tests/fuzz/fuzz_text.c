/* libFuzzer target: the text sanitiser and the column functions on arbitrary
 * bytes. Invariants checked on every input:
 *  - text_sanitize: valid UTF-8 with no C0 (but '\n' under TEXT_KEEP_NEWLINES),
 *    no DEL, no C1 (raw or encoded), no bidi controls; never longer than max_bytes;
 *  - text_clip: a prefix of its input (plus "…"), width = its return ≤ cols;
 *  - text_fit: exactly cols columns when the buffer is large enough;
 *  - text_wrap: every line fits cols (a single character wider than cols may
 *    stand alone), and the lines hold every non-space byte of the input in order.
 * Input layout: byte 0 flags, byte 1 max_bytes (0 = none), byte 2 cols, rest text.
 * Build and run: sh tests/fuzz/run.sh text [seconds] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *s)
{
    fprintf(stderr, "fuzz_text: %s: [%s]\n", what, s);
    abort();
}

/* Valid UTF-8 with nothing a terminal would act on; returns a reason or NULL. */
static const char *unsafe_reason(const char *s, size_t n, int keep_newlines)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        if (c < 0x80) {
            if (c == '\n' && keep_newlines) {
                i++;
                continue;
            }
            if (c < 0x20 || c == 0x7F)
                return "C0 control or DEL";
            i++;
            continue;
        }
        size_t need;
        uint32_t cp;
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
            return "invalid UTF-8 lead byte";
        }
        if (i + need >= n)
            return "truncated UTF-8";
        for (size_t k = 1; k <= need; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return "invalid UTF-8 continuation";
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if ((need == 1 && cp < 0x80) || (need == 2 && cp < 0x800) ||
            (need == 3 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return "overlong or invalid code point";
        if (cp >= 0x80 && cp <= 0x9F)
            return "C1 control";
        if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
            return "bidi control";
        if (cp == 0x2028 || cp == 0x2029)
            return "Unicode line separator";
        i += need + 1;
    }
    return NULL;
}

static size_t utf8_len(unsigned char lead)
{
    return lead < 0x80 ? 1 : (lead & 0xE0) == 0xC0 ? 2 : (lead & 0xF0) == 0xE0 ? 3 : 4;
}

struct wrap_check {
    int cols;
    const char *rest;  /* where the next non-space byte of the text is searched */
};

static void wrap_line(const char *line, size_t len, void *ud)
{
    struct wrap_check *w = ud;
    if (len && (line[len - 1] == ' ' || memchr(line, '\n', len)))
        fail("wrapped line ends in a space or holds a newline", line);
    int width = text_width_n(line, len);
    if (width > w->cols && utf8_len((unsigned char)line[0]) != len)
        fail("wrapped line wider than cols", line);
    for (size_t i = 0; i < len; i++) {
        if (line[i] == ' ')
            continue;
        while (*w->rest == ' ' || *w->rest == '\n')
            w->rest++;
        if (*w->rest != line[i])
            fail("wrap lost or reordered a byte", line);
        w->rest++;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    unsigned flags = data[0] & 1u;
    size_t max_bytes = data[1];
    int cols = data[2] % 120;
    const char *in = (const char *)data + 3;
    size_t len = size - 3;

    char *s = text_sanitize(in, len, flags, max_bytes);
    size_t n = strlen(s);
    if (max_bytes && n > max_bytes)
        fail("sanitised text longer than max_bytes", s);
    const char *why = unsafe_reason(s, n, flags & TEXT_KEEP_NEWLINES);
    if (why)
        fail(why, s);
    if (text_width(s) < 0)
        fail("negative width", s);

    /* clip into a buffer that is sometimes too small in bytes */
    size_t bsize = (size_t)(data[1] % 64) + 1;
    char *buf = malloc(bsize);
    int used = text_clip(buf, bsize, s, cols);
    size_t bl = strlen(buf);
    if (bl >= bsize || used < 0 || used > (cols > 0 ? cols : 0) || text_width(buf) != used)
        fail("clip width or size wrong", buf);
    if (unsafe_reason(buf, bl, 1))
        fail("clip split a character", buf);
    if (strncmp(buf, s, bl) != 0 &&
        (bl < 3 || memcmp(buf + bl - 3, "\xE2\x80\xA6", 3) != 0 || strncmp(buf, s, bl - 3) != 0))
        fail("clip is not a prefix (plus an ellipsis)", buf);
    free(buf);

    /* fit into a buffer large enough for any cols columns */
    char fitbuf[4 * 120 + 8];
    int fl = text_fit(fitbuf, sizeof(fitbuf), s, cols);
    if ((size_t)fl != strlen(fitbuf))
        fail("fit returned the wrong length", fitbuf);
    /* a clip full of zero-width characters may fill the buffer before cols */
    if ((size_t)fl + 4 < sizeof(fitbuf) && text_width(fitbuf) != cols)
        fail("fit is not exactly cols wide", fitbuf);

    struct wrap_check w = {cols < 1 ? 1 : cols, s};
    (void)text_wrap(s, cols, wrap_line, &w);
    while (*w.rest == ' ' || *w.rest == '\n')
        w.rest++;
    if (*w.rest != '\0')
        fail("wrap dropped text", w.rest);
    free(s);
    return 0;
}
