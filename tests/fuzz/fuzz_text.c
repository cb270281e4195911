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
#include "../tools/term_bytes.h"

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
        uint32_t cp;
        size_t l = term_utf8_next(p + i, n - i, &cp);
        if (!l)
            return "invalid UTF-8";
        if (cp < 0x20 && !(cp == '\n' && keep_newlines))
            return "C0 control";
        const char *why = term_unsafe_cp(cp);
        if (why)
            return why;
        i += l;
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
