/* Safe text: non-fatal UTF-8 decoding, stripping of controls and escape
 * sequences, display width, clipping and wrapping by columns.
 *
 * Widths come from a built-in table (text_width.inc, generated from the Unicode
 * database by mk/gen-width.py) rather than wcwidth(3): wcwidth answers -1 for
 * everything non-ASCII unless the process has a UTF-8 LC_CTYPE, so results
 * would change with the user's locale and with whether setlocale() ran yet,
 * and tests would differ between machines. The table is the same East Asian
 * Width / combining data that glibc's and terminals' tables are built from.
 */
#include "opsdeck/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/arena.h"
#include "opsdeck/xalloc.h"

struct width_range {
    uint32_t first, last;
};

#include "text_width.inc"

#define REPLACEMENT 0xFFFDu
#define MAX_MARKS 8         /* combining characters kept after one base */

/* ---- UTF-8 ---------------------------------------------------------------- */

/* Decode one code point from s[0..len). Strict: overlong forms, surrogates and
 * values above U+10FFFF are invalid. An invalid or truncated sequence yields
 * U+FFFD and consumes exactly one byte, so each bad byte becomes one U+FFFD. */
static uint32_t utf8_next(const unsigned char *s, size_t len, size_t *adv)
{
    unsigned char c = s[0];
    *adv = 1;
    if (c < 0x80)
        return c;
    size_t need;
    uint32_t cp;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
        cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        cp = c & 0x0Fu;
        if (c == 0xE0)
            lo = 0xA0;          /* overlong */
        else if (c == 0xED)
            hi = 0x9F;          /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        cp = c & 0x07u;
        if (c == 0xF0)
            lo = 0x90;          /* overlong */
        else if (c == 0xF4)
            hi = 0x8F;          /* above U+10FFFF */
    } else {
        return REPLACEMENT;     /* 0x80..0xC1 (continuation, overlong), 0xF5..0xFF */
    }
    if (len < need + 1)
        return REPLACEMENT;
    for (size_t i = 1; i <= need; i++) {
        unsigned char b = s[i];
        if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF))
            return REPLACEMENT;
        cp = (cp << 6) | (b & 0x3Fu);
    }
    *adv = need + 1;
    return cp;
}

static size_t utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* ---- widths --------------------------------------------------------------- */

static bool in_table(uint32_t cp, const struct width_range *t, size_t n)
{
    if (n == 0 || cp < t[0].first || cp > t[n - 1].last)
        return false;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp > t[mid].last)
            lo = mid + 1;
        else if (cp < t[mid].first)
            hi = mid;
        else
            return true;
    }
    return false;
}

/* Columns of one code point: 0 for controls and combining/format characters,
 * 2 for wide and fullwidth ones, 1 otherwise. */
static int cp_width(uint32_t cp)
{
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
        return 0;
    if (cp < 0x300)
        return 1;
    if (in_table(cp, width_zero, ARRAY_SIZE(width_zero)))
        return 0;
    if (in_table(cp, width_wide, ARRAY_SIZE(width_wide)))
        return 2;
    return 1;
}

int text_width_n(const char *s, size_t n)
{
    if (!s)
        return 0;
    const unsigned char *p = (const unsigned char *)s;
    int w = 0;
    size_t i = 0;
    while (i < n && p[i]) {
        size_t adv;
        uint32_t cp = utf8_next(p + i, n - i, &adv);
        w += cp_width(cp);
        i += adv;
    }
    return w;
}

int text_width(const char *s)
{
    return s ? text_width_n(s, strlen(s)) : 0;
}

/* ---- sanitising ----------------------------------------------------------- */

/* Characters that are dropped because they are invisible and can reorder or
 * hide text: bidi embeddings/overrides/isolates and marks, zero-width
 * characters, word joiner and invisible operators, BOM, interlinear annotation
 * controls, deprecated format controls and the invisible tag characters. */
static bool is_spoofing_format(uint32_t cp)
{
    return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2060 && cp <= 0x206F) || cp == 0xFEFF || cp == 0x061C ||
           (cp >= 0xFFF9 && cp <= 0xFFFB) || (cp >= 0xE0000 && cp <= 0xE007F) ||
           cp == 0x180E;
}

struct out {
    char *buf;
    size_t len;
    size_t max;     /* bytes of content allowed before the cut; SIZE_MAX: none */
    bool cut;       /* more content arrived after the buffer was full */
};

static void out_put(struct out *o, uint32_t cp)
{
    if (o->cut)
        return;
    char tmp[4];
    size_t n = utf8_encode(cp, tmp);
    if (o->len + n > o->max) {
        o->cut = true;
        return;
    }
    memcpy(o->buf + o->len, tmp, n);
    o->len += n;
}

/* ESC-introduced and 8-bit C1 introducers of control strings, which run to
 * their terminator (ST: ESC '\' or U+009C; BEL also ends them, as xterm
 * accepts for OSC). */
enum seq_kind { SEQ_NONE, SEQ_CSI, SEQ_STRING };

static enum seq_kind c1_kind(uint32_t cp)
{
    switch (cp) {
    case 0x9B:
        return SEQ_CSI;
    case 0x90:  /* DCS */
    case 0x98:  /* SOS */
    case 0x9D:  /* OSC */
    case 0x9E:  /* PM */
    case 0x9F:  /* APC */
        return SEQ_STRING;
    default:
        return SEQ_NONE;
    }
}

struct cursor {
    const unsigned char *p;
    size_t len;
    size_t i;
};

static bool cur_peek(const struct cursor *c, uint32_t *cp, size_t *adv)
{
    if (c->i >= c->len)
        return false;
    *cp = utf8_next(c->p + c->i, c->len - c->i, adv);
    return true;
}

/* Skip a CSI body: parameters 0x30..0x3F, intermediates 0x20..0x2F, then a
 * final byte 0x40..0x7E. Anything else ends the sequence early and is left
 * for the caller (it is itself stripped if it is a control). */
static void skip_csi(struct cursor *c)
{
    uint32_t cp;
    size_t adv;
    while (cur_peek(c, &cp, &adv)) {
        if (cp >= 0x20 && cp <= 0x3F) {
            c->i += adv;
            continue;
        }
        if (cp >= 0x40 && cp <= 0x7E)
            c->i += adv;
        return;
    }
}

/* Skip a control string body up to and including its terminator. An ESC that
 * is not ST ends the string and is left for the caller, as terminals do; CAN
 * and SUB cancel it. Unterminated strings run to the end of the input. */
static void skip_string(struct cursor *c)
{
    uint32_t cp;
    size_t adv;
    while (cur_peek(c, &cp, &adv)) {
        if (cp == 0x07 || cp == 0x9C || cp == 0x18 || cp == 0x1A) {
            c->i += adv;
            return;
        }
        if (cp == 0x1B) {
            if (c->i + 1 < c->len && c->p[c->i + 1] == '\\')
                c->i += 2;
            return;
        }
        c->i += adv;
    }
}

/* After ESC: consume the rest of the sequence. */
static void skip_escape(struct cursor *c)
{
    uint32_t cp;
    size_t adv;
    if (!cur_peek(c, &cp, &adv))
        return;
    if (cp == '[') {
        c->i += adv;
        skip_csi(c);
    } else if (cp == ']' || cp == 'P' || cp == 'X' || cp == '^' || cp == '_') {
        c->i += adv;
        skip_string(c);
    } else if (cp >= 0x20 && cp <= 0x2F) {
        /* nF: intermediates then one final byte, e.g. ESC ( B, ESC # 8 */
        while (cur_peek(c, &cp, &adv) && cp >= 0x20 && cp <= 0x2F)
            c->i += adv;
        if (cur_peek(c, &cp, &adv) && cp >= 0x30 && cp <= 0x7E)
            c->i += adv;
    } else if (cp >= 0x30 && cp <= 0x7E) {
        c->i += adv;    /* two-character sequence: ESC 7, ESC c, ESC = ... */
    }
    /* anything else: only the ESC is dropped */
}

static void sanitize_into(struct out *o, const char *in, size_t len, unsigned flags)
{
    struct cursor c = {(const unsigned char *)in, len, 0};
    bool keep_nl = flags & TEXT_KEEP_NEWLINES;
    int marks = 0;          /* zero-width characters since the last base */
    uint32_t cp;
    size_t adv;
    while (!o->cut && cur_peek(&c, &cp, &adv)) {
        c.i += adv;
        if (cp == 0x1B) {
            skip_escape(&c);
            continue;
        }
        enum seq_kind k = c1_kind(cp);
        if (k == SEQ_CSI) {
            skip_csi(&c);
            continue;
        }
        if (k == SEQ_STRING) {
            skip_string(&c);
            continue;
        }
        if (cp == '\t') {
            out_put(o, ' ');
        } else if (cp == '\r' || cp == '\n' || cp == 0x2028 || cp == 0x2029 || cp == 0x85) {
            if (cp == '\r' && c.i < c.len && c.p[c.i] == '\n')
                c.i++;
            out_put(o, keep_nl ? '\n' : ' ');
        } else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) {
            /* C0, DEL, C1: dropped */
        } else if (is_spoofing_format(cp)) {
            /* invisible formatting: dropped */
        } else if ((cp & 0xFFFE) == 0xFFFE || (cp >= 0xFDD0 && cp <= 0xFDEF)) {
            out_put(o, REPLACEMENT);  /* noncharacters */
        } else if (cp_width(cp) == 0) {
            /* combining marks: a few per base is real text, hundreds is
             * "zalgo" that smears over neighbouring rows */
            if (++marks <= MAX_MARKS)
                out_put(o, cp);
            continue;
        } else {
            out_put(o, cp);
        }
        marks = 0;
    }
    if (!o->cut && c.i < c.len)
        o->cut = true;
}

/* Cut a full buffer so that "…" fits within limit bytes, at a character
 * boundary (the content is valid UTF-8 we wrote ourselves). */
static void out_finish_cut(struct out *o, size_t limit)
{
    static const char ellipsis[] = "\xE2\x80\xA6";
    if (limit < 3) {
        while (o->len > limit)
            o->len--;
    } else {
        while (o->len + 3 > limit)
            o->len--;
    }
    while (o->len > 0 && ((unsigned char)o->buf[o->len] & 0xC0) == 0x80)
        o->len--;
    if (limit >= 3) {
        memcpy(o->buf + o->len, ellipsis, 3);
        o->len += 3;
    }
}

char *text_sanitize(const char *in, size_t len, unsigned flags, size_t max_bytes)
{
    if (!in)
        len = 0;
    /* Worst case every input byte becomes a 3-byte U+FFFD. */
    size_t cap = len > (SIZE_MAX - 8) / 3 ? SIZE_MAX - 8 : len * 3;
    size_t limit = max_bytes ? max_bytes : SIZE_MAX;
    if (max_bytes && cap > max_bytes)
        cap = max_bytes;
    struct out o = {xmalloc(cap + 4), 0, cap, false};
    if (len)
        sanitize_into(&o, in, len, flags);
    if (o.cut && max_bytes) {
        /* the buffer holds at most `limit` bytes; make room for the ellipsis */
        out_finish_cut(&o, limit);
    }
    o.buf[o.len] = '\0';
    if (cap > 64 && o.len < cap / 2)
        o.buf = xrealloc(o.buf, o.len + 1);
    return o.buf;
}

char *text_sanitize_arena(struct arena *a, const char *in, size_t len, unsigned flags,
                          size_t max_bytes)
{
    if (!in)
        return NULL;
    char *tmp = text_sanitize(in, len, flags, max_bytes);
    char *r = arena_strdup(a, tmp);
    free(tmp);
    return r;
}

/* ---- clipping and wrapping ------------------------------------------------ */

int text_clip(char *buf, size_t size, const char *s, int cols)
{
    if (!buf || size == 0)
        return 0;
    buf[0] = '\0';
    if (!s || cols <= 0)
        return 0;
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    /* fit: the end of the longest prefix within cols; fit1: within cols - 1 */
    size_t i = 0, end_all = 0, end_1 = 0;
    int w = 0;
    bool fits = true;
    while (i < len) {
        size_t adv;
        uint32_t cp = utf8_next(p + i, len - i, &adv);
        int cw = cp_width(cp);
        if (w + cw > cols) {
            fits = false;
            break;
        }
        w += cw;
        i += adv;
        end_all = i;
        if (w <= cols - 1)
            end_1 = i;
    }
    bool ell = !fits;
    size_t end = fits ? end_all : end_1;
    size_t room = size - 1;
    if (ell && room < 3)
        ell = false;            /* not even room for the ellipsis */
    else if (ell)
        room -= 3;
    if (end > room) {
        end = room;             /* byte-limited: back off to a boundary */
        while (end > 0 && (p[end] & 0xC0) == 0x80)
            end--;
    }
    int used = text_width_n(s, end) + (ell ? 1 : 0);
    memcpy(buf, s, end);
    if (ell) {
        memcpy(buf + end, "\xE2\x80\xA6", 3);
        end += 3;
    }
    buf[end] = '\0';
    return used;
}

int text_fit(char *buf, size_t size, const char *s, int cols)
{
    if (!buf || size == 0)
        return 0;
    int used = text_clip(buf, size, s, cols);
    size_t n = strlen(buf);
    while (used < cols && n + 1 < size) {
        buf[n++] = ' ';
        used++;
    }
    buf[n] = '\0';
    return (int)n;
}

static size_t trim_right(const char *s, size_t n)
{
    while (n > 0 && s[n - 1] == ' ')
        n--;
    return n;
}

/* Wrap one paragraph (no '\n' inside). */
static int wrap_para(const char *s, size_t len, int cols,
                     void (*emit)(const char *, size_t, void *), void *ud)
{
    const unsigned char *p = (const unsigned char *)s;
    int lines = 0;
    size_t pos = 0;
    if (len == 0) {
        emit(s, 0, ud);
        return 1;
    }
    while (pos < len) {
        size_t start = pos, i = pos;
        size_t brk = 0;         /* a space after some content: break here */
        bool have_brk = false, have_word = false;
        int w = 0;
        while (i < len) {
            size_t adv;
            uint32_t cp = utf8_next(p + i, len - i, &adv);
            if (cp == ' ') {
                if (have_word) {
                    brk = i;
                    have_brk = true;
                }
            } else {
                have_word = true;
            }
            int cw = cp_width(cp);
            if (w + cw > cols && i > start)
                break;
            w += cw;
            i += adv;
        }
        size_t stop, next;
        if (i >= len) {
            stop = len;
            next = len;
        } else if (p[i] == ' ') {
            stop = i;
            next = i;
        } else if (have_brk) {
            stop = brk;
            next = brk;
        } else {
            stop = i;           /* a word longer than the line: break by columns */
            next = i;
        }
        emit(s + start, trim_right(s + start, stop - start), ud);
        lines++;
        while (next < len && p[next] == ' ')
            next++;
        pos = next;
    }
    return lines;
}

int text_wrap(const char *s, int cols,
              void (*emit)(const char *line, size_t len, void *ud), void *ud)
{
    if (!s || !emit)
        return 0;
    if (cols < 1)
        cols = 1;
    int lines = 0;
    const char *p = s;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        lines += wrap_para(p, n, cols, emit, ud);
        if (!nl)
            break;
        p = nl + 1;
    }
    return lines;
}
