/* Safe text: every string that came from a feed goes through here before it can
 * reach a terminal or stdout.
 *
 * text_sanitize() decodes UTF-8 non-fatally (each invalid byte → U+FFFD), and
 * removes C0 and C1 controls, DEL, whole escape sequences (ESC-prefixed CSI, OSC,
 * DCS, SOS/PM/APC and their 8-bit C1 forms, up to their terminator), bidi
 * embeddings/overrides/isolates (U+202A..U+202E, U+2066..U+2069) and other
 * invisible format characters that can spoof text (U+200B..U+200F, U+2060..U+2064,
 * U+FEFF). TAB becomes a space. '\n' is kept only with TEXT_KEEP_NEWLINES ('\r\n'
 * and lone '\r' become '\n'); otherwise line breaks become a space.
 * More than 8 combining (zero-width) characters in a row are cut to 8 ("zalgo").
 * Noncharacters become U+FFFD; U+2028/U+2029/NEL count as line breaks.
 * Output longer than max_bytes is cut at a character boundary and ends with "…";
 * the result, ellipsis included, is then at most max_bytes bytes.
 *
 * Widths are terminal columns from a built-in Unicode table (East Asian Wide and
 * Fullwidth, emoji = 2; combining, enclosing and format characters = 0), so
 * results never depend on the process locale. Invalid bytes measure as U+FFFD.
 */
#ifndef OPSDECK_TEXT_H
#define OPSDECK_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include "opsdeck/attrs.h"

struct arena;

enum text_flags {
    TEXT_SINGLE_LINE = 0,
    TEXT_KEEP_NEWLINES = 1u << 0,
};

/* Sanitise `len` bytes of `in` into a new malloc'd NUL-terminated string.
 * max_bytes 0 means no limit. Never NULL. */
OD_NODISCARD char *text_sanitize(const char *in, size_t len, unsigned flags, size_t max_bytes);
/* Same, allocated in an arena (NULL in → NULL out). */
char *text_sanitize_arena(struct arena *a, const char *in, size_t len, unsigned flags,
                          size_t max_bytes);

/* Display width in columns of valid UTF-8 text (after sanitising). */
int text_width(const char *s);
/* Width of the first n bytes. */
int text_width_n(const char *s, size_t n);

/* Copy the longest prefix of s that fits in `cols` columns into buf; if s did not
 * fit, end with "…" (which counts as one column). Never splits a character and
 * never leaves half of a wide one. Returns the columns used. */
int text_clip(char *buf, size_t size, const char *s, int cols);

/* Word-wrap s to `cols` columns (cols < 1 acts as 1). Calls emit(line, len, ud)
 * for each line (without the newline; `line` points into s); breaks at spaces,
 * which are dropped at the break and trimmed from line ends; hard breaks at '\n'
 * (an empty paragraph emits an empty line); words longer than a line are broken
 * by columns. "" gives no lines and a trailing '\n' adds none. Returns the number
 * of lines. */
int text_wrap(const char *s, int cols,
              void (*emit)(const char *line, size_t len, void *ud), void *ud);

/* Pad or clip (text_clip) to exactly cols columns (spaces on the right) into buf;
 * fewer when buf is too small. Returns the bytes written, without the NUL. */
int text_fit(char *buf, size_t size, const char *s, int cols);

#endif
