/* libFuzzer target: the theme parser on arbitrary bytes, on top of the built-in
 * default. An error must carry OD_CONFIG, a line inside the input and a safe
 * message; whatever is accepted must resolve at every depth to colours the
 * terminal can take (-1 or 0..7, 0..15, 0..255, 0xRRGGBB) and known attributes.
 * Build and run: sh tests/fuzz/run.sh theme [seconds] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/tui_theme.h"
#include "../tools/term_bytes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, long v)
{
    fprintf(stderr, "fuzz_theme: %s (%ld)\n", what, v);
    abort();
}

static long newlines(const uint8_t *d, size_t n)
{
    long k = 0;
    for (size_t i = 0; i < n; i++)
        k += d[i] == '\n';
    return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct theme t;
    struct od_error err;
    theme_builtin_default(&t);
    if (theme_parse(&t, (const char *)data, size, "fuzz.theme", &err) != OD_OK) {
        if (err.code != OD_CONFIG)
            fail("error code is not OD_CONFIG", err.code);
        if (err.line < 1 || err.line > newlines(data, size) + 1)
            fail("error line outside the input", err.line);
        const unsigned char *m = (const unsigned char *)err.text;
        size_t n = strlen(err.text);
        if (n == 0)
            fail("empty error text", 0);
        for (size_t i = 0; i < n;) {
            uint32_t cp;
            size_t l = term_utf8_next(m + i, n - i, &cp);
            if (!l || cp < 0x20 || term_unsafe_cp(cp))
                fail("error text is not safe to print", (long)i);
            i += l;
        }
        return 0;
    }
    static const long max_color[] = {[DEPTH_MONO] = -1, [DEPTH_8] = 7, [DEPTH_16] = 15,
                                     [DEPTH_256] = 255, [DEPTH_TRUECOLOR] = 0xFFFFFF};
    const unsigned all_attrs = THEME_ATTR_BOLD | THEME_ATTR_DIM | THEME_ATTR_UNDERLINE |
                               THEME_ATTR_REVERSE | THEME_ATTR_ITALIC | THEME_ATTR_STANDOUT;
    for (int d = DEPTH_MONO; d <= DEPTH_TRUECOLOR; d++) {
        struct theme_resolved_style out[ROLE__COUNT];
        theme_resolve(&t, (enum theme_depth)d, out);
        for (int r = 0; r < ROLE__COUNT; r++) {
            if (out[r].fg < -1 || out[r].fg > max_color[d] || out[r].bg < -1 ||
                out[r].bg > max_color[d])
                fail("resolved colour out of range for the depth", d);
            if (out[r].attrs & ~all_attrs)
                fail("unknown attribute bits", (long)out[r].attrs);
        }
    }
    return 0;
}
