/* Incident update bodies: HTML to plain text in one forward pass.
 *
 * Work is linear in the input: every look-ahead (tag end, entity, comment end,
 * </script>) either consumes what it scanned or is bounded by a small constant,
 * and once a tag is found to have no closing '>' the rest of the input is
 * taken as text, so "<a<a<a..." cannot make the scan quadratic.
 */
#include "opsdeck/html_text.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/strbuf.h"
#include "opsdeck/xalloc.h"

#define HREF_MAX 2048
#define ENTITY_MAX 32

struct html_out {
    struct strbuf sb;
    size_t pending_sp;      /* spaces not yet written (dropped before a newline) */
    int pending_nl;         /* newlines not yet written (capped at two) */
    bool absorb_nl;         /* a tag just broke the line: eat one source '\n' */
    /* the open <a>: */
    bool in_link;
    size_t link_start;      /* sb.len when the link text began */
    char href[HREF_MAX + 1];
    size_t href_len;
};

static void out_bytes(struct html_out *o, const char *s, size_t n)
{
    /* flush pending whitespace first; leading whitespace is dropped */
    if (o->sb.len > 0) {
        if (o->pending_nl > 0) {
            strbuf_append(&o->sb, "\n\n", o->pending_nl > 1 ? 2 : 1);
        } else {
            while (o->pending_sp > 0) {
                strbuf_append(&o->sb, " ", 1);
                o->pending_sp--;
            }
        }
    }
    o->pending_nl = 0;
    o->pending_sp = 0;
    o->absorb_nl = false;
    strbuf_append(&o->sb, s, n);
}

static void out_space(struct html_out *o)
{
    if (o->pending_nl == 0)
        o->pending_sp++;
}

static void out_newline(struct html_out *o)
{
    o->pending_sp = 0;
    if (o->pending_nl < 2)
        o->pending_nl++;
}

/* A tag that starts a block: make sure the next text starts a new line. */
static void out_line_start(struct html_out *o)
{
    if (o->sb.len > 0 && o->pending_nl == 0)
        out_newline(o);
}

static void out_codepoint(struct html_out *o, uint32_t cp)
{
    char b[4];
    size_t n;
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        cp = 0xFFFD;
    if (cp == '\n') {
        out_newline(o);
        return;
    }
    if (cp == ' ' || cp == '\t' || cp == 0xA0) {
        out_space(o);
        return;
    }
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    out_bytes(o, b, n);
}

/* ---- entities ------------------------------------------------------------- */

struct entity {
    const char *name;
    uint32_t cp;
};

static const struct entity entities[] = {
    {"amp", '&'},      {"lt", '<'},        {"gt", '>'},        {"quot", '"'},
    {"apos", '\''},    {"nbsp", 0xA0},     {"ndash", 0x2013},  {"mdash", 0x2014},
    {"hellip", 0x2026}, {"lsquo", 0x2018}, {"rsquo", 0x2019},  {"ldquo", 0x201C},
    {"rdquo", 0x201D}, {"bull", 0x2022},   {"middot", 0xB7},   {"copy", 0xA9},
    {"reg", 0xAE},     {"trade", 0x2122},  {"times", 0xD7},    {"deg", 0xB0},
    {"euro", 0x20AC},  {"pound", 0xA3},    {"laquo", 0xAB},    {"raquo", 0xBB},
    {"larr", 0x2190},  {"rarr", 0x2192},   {"shy", 0},         {"ensp", ' '},
    {"emsp", ' '},     {"thinsp", ' '},
};

/* Decode the entity at s[0] == '&'. Returns bytes consumed (0: not an entity,
 * take the '&' literally) and the code point (0 for one that expands to
 * nothing). Looks at most ENTITY_MAX bytes ahead. */
static size_t entity_decode(const char *s, size_t len, uint32_t *cp)
{
    size_t lim = len < ENTITY_MAX ? len : ENTITY_MAX;
    size_t semi = 1;
    while (semi < lim && s[semi] != ';')
        semi++;
    if (semi >= lim || semi < 2)
        return 0;
    if (s[1] == '#') {
        bool hex = semi > 2 && (s[2] == 'x' || s[2] == 'X');
        size_t i = hex ? 3 : 2;
        if (i >= semi)
            return 0;
        uint32_t v = 0;
        for (; i < semi; i++) {
            unsigned c = (unsigned char)s[i], d;
            if (c >= '0' && c <= '9')
                d = c - '0';
            else if (hex && c >= 'a' && c <= 'f')
                d = c - 'a' + 10;
            else if (hex && c >= 'A' && c <= 'F')
                d = c - 'A' + 10;
            else
                return 0;
            if (v <= 0x10FFFF)
                v = v * (hex ? 16 : 10) + d;
        }
        /* controls from an entity are never wanted in a body */
        if (v > 0x10FFFF || (v < 0x20 && v != '\n' && v != '\t') || (v >= 0x7F && v < 0xA0))
            v = 0xFFFD;
        *cp = v;
        return semi + 1;
    }
    for (size_t k = 0; k < sizeof entities / sizeof entities[0]; k++) {
        size_t n = strlen(entities[k].name);
        if (n == semi - 1 && memcmp(s + 1, entities[k].name, n) == 0) {
            *cp = entities[k].cp;
            return semi + 1;
        }
    }
    return 0;
}

/* ---- tags ----------------------------------------------------------------- */

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool name_is(const char *name, size_t n, const char *want)
{
    size_t wl = strlen(want);
    if (n != wl)
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower(name[i]) != want[i])
            return false;
    return true;
}

/* Find the '>' that closes a tag starting at s[0] == '<', honouring quoted
 * attribute values. Returns its index or len when there is none. */
static size_t tag_end(const char *s, size_t len)
{
    char quote = 0;
    for (size_t i = 1; i < len; i++) {
        char c = s[i];
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            /* only quotes that open an attribute value count */
            if (s[i - 1] == '=' || (is_space(s[i - 1]) && i >= 2 && s[i - 2] == '='))
                quote = c;
        } else if (c == '>') {
            return i;
        }
    }
    return len;
}

/* Case-insensitive search for needle (lower case) in s[0..len). */
static size_t find_ci(const char *s, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    if (len < n)
        return len;
    for (size_t i = 0; i + n <= len; i++) {
        if (lower(s[i]) != needle[0])
            continue;
        size_t k = 1;
        while (k < n && lower(s[i + k]) == needle[k])
            k++;
        if (k == n)
            return i;
    }
    return len;
}

/* Copy the value of attribute `attr` out of a tag's text, decoding entities. */
static void tag_attr(const char *t, size_t n, const char *attr, char *out, size_t size,
                     size_t *out_len)
{
    size_t al = strlen(attr);
    *out_len = 0;
    size_t i = 0;
    while (i < n && !is_space(t[i]))   /* skip the tag name */
        i++;
    while (i < n) {
        while (i < n && (is_space(t[i]) || t[i] == '/'))
            i++;
        size_t ns = i;
        while (i < n && !is_space(t[i]) && t[i] != '=' && t[i] != '/')
            i++;
        size_t nl = i - ns;
        while (i < n && is_space(t[i]))
            i++;
        size_t vs = i, ve = i;
        if (i < n && t[i] == '=') {
            i++;
            while (i < n && is_space(t[i]))
                i++;
            if (i < n && (t[i] == '"' || t[i] == '\'')) {
                char q = t[i++];
                vs = i;
                while (i < n && t[i] != q)
                    i++;
                ve = i;
                if (i < n)
                    i++;
            } else {
                vs = i;
                while (i < n && !is_space(t[i]))
                    i++;
                ve = i;
            }
        }
        if (nl == 0 && i == ns) {
            i++;    /* stray character: make progress */
            continue;
        }
        if (nl == al && name_is(t + ns, nl, attr)) {
            size_t o = 0;
            for (size_t k = vs; k < ve && o + 4 < size;) {
                uint32_t cp;
                size_t used = t[k] == '&' ? entity_decode(t + k, ve - k, &cp) : 0;
                if (used && cp && cp < 0x80) {
                    out[o++] = (char)cp;
                    k += used;
                } else if (is_space(t[k])) {
                    k++;    /* newlines inside a URL are noise */
                } else {
                    out[o++] = t[k++];
                }
            }
            out[o] = '\0';
            *out_len = o;
            return;
        }
    }
}

static void link_open(struct html_out *o, const char *t, size_t n)
{
    o->in_link = true;
    tag_attr(t, n, "href", o->href, sizeof o->href, &o->href_len);
    /* whitespace written before the link text is trimmed when comparing */
    o->link_start = o->sb.len;
}

static void link_close(struct html_out *o)
{
    if (!o->in_link)
        return;
    o->in_link = false;
    if (o->href_len == 0 || o->href[0] == '#')
        return;
    const char *text = o->sb.data ? o->sb.data : "";
    size_t start = o->link_start <= o->sb.len ? o->link_start : o->sb.len;
    const char *lt = text + start;
    size_t ll = o->sb.len - start;
    while (ll > 0 && is_space(*lt)) {
        lt++;
        ll--;
    }
    while (ll > 0 && is_space(lt[ll - 1]))
        ll--;
    if (ll == o->href_len && memcmp(lt, o->href, ll) == 0)
        return;
    /* "mailto:x" shown as "x" is the same link */
    if (o->href_len > 7 && memcmp(o->href, "mailto:", 7) == 0 && ll == o->href_len - 7 &&
        memcmp(lt, o->href + 7, ll) == 0)
        return;
    if (ll == 0) {
        out_bytes(o, o->href, o->href_len);     /* no text: the URL alone */
        return;
    }
    o->pending_nl = 0;
    o->pending_sp = 1;
    out_bytes(o, "(", 1);
    out_bytes(o, o->href, o->href_len);
    out_bytes(o, ")", 1);
}

static bool is_heading(const char *name, size_t n)
{
    return n == 2 && lower(name[0]) == 'h' && name[1] >= '1' && name[1] <= '6';
}

/* Act on one tag t[0..n) (the text between '<' and '>'). */
static void handle_tag(struct html_out *o, const char *t, size_t n)
{
    bool closing = n > 0 && t[0] == '/';
    const char *name = t + (closing ? 1 : 0);
    size_t nl = 0;
    while (name + nl < t + n && (is_alpha(name[nl]) || (nl > 0 && name[nl] >= '0' && name[nl] <= '9')))
        nl++;
    if (name_is(name, nl, "br")) {
        out_newline(o);
        o->absorb_nl = true;
    } else if (name_is(name, nl, "p") || name_is(name, nl, "div") || is_heading(name, nl) ||
               name_is(name, nl, "ul") || name_is(name, nl, "ol") ||
               name_is(name, nl, "tr") || name_is(name, nl, "table") ||
               name_is(name, nl, "blockquote") || name_is(name, nl, "pre")) {
        out_line_start(o);
        o->absorb_nl = true;
    } else if (name_is(name, nl, "li")) {
        out_line_start(o);
        o->absorb_nl = true;
        if (!closing) {
            out_bytes(o, "\xE2\x80\xA2", 3);
            o->pending_sp = 1;
        }
    } else if (name_is(name, nl, "a")) {
        if (closing) {
            link_close(o);
        } else {
            link_close(o);  /* <a> does not nest */
            link_open(o, t, n);
        }
    } else if (name_is(name, nl, "td") || name_is(name, nl, "th")) {
        if (closing)
            out_space(o);
    }
}

char *html_to_text(const char *html, size_t len)
{
    struct html_out *o = xcalloc(1, sizeof *o);
    strbuf_init(&o->sb, 0);
    const char *s = html ? html : "";
    if (!html)
        len = 0;
    bool tags_off = false;  /* a tag had no '>': the rest is plain text */
    size_t i = 0;
    while (i < len) {
        char c = s[i];
        if (c == '<' && !tags_off && i + 1 < len &&
            (is_alpha(s[i + 1]) || s[i + 1] == '/' || s[i + 1] == '!' || s[i + 1] == '?')) {
            if (s[i + 1] == '!' && i + 3 < len && s[i + 2] == '-' && s[i + 3] == '-') {
                size_t e = find_ci(s + i + 4, len - i - 4, "-->");
                i = e >= len - i - 4 ? len : i + 4 + e + 3;   /* unterminated: to the end */
                continue;
            }
            size_t e = tag_end(s + i, len - i);
            if (e >= len - i) {
                tags_off = true;
                continue;   /* re-read this '<' as text */
            }
            const char *t = s + i + 1;
            size_t tn = e - 1;
            i += e + 1;
            if (t[0] == '!' || t[0] == '?')
                continue;   /* doctype, processing instruction */
            size_t nl = 0;
            while (nl < tn && is_alpha(t[nl]))
                nl++;
            if (name_is(t, nl, "script") || name_is(t, nl, "style")) {
                const char *close = name_is(t, nl, "script") ? "</script" : "</style";
                size_t k = find_ci(s + i, len - i, close);
                if (k >= len - i) {
                    i = len;
                } else {
                    size_t ke = tag_end(s + i + k, len - i - k);
                    i = i + k + ke + 1;
                    if (i > len)
                        i = len;
                }
                continue;
            }
            handle_tag(o, t, tn);
            continue;
        }
        if (c == '&') {
            uint32_t cp;
            size_t used = entity_decode(s + i, len - i, &cp);
            if (used) {
                if (cp)
                    out_codepoint(o, cp);
                i += used;
                continue;
            }
            out_bytes(o, "&", 1);
            i++;
            continue;
        }
        if (c == '\r' || c == '\n') {
            i += (c == '\r' && i + 1 < len && s[i + 1] == '\n') ? 2 : 1;
            if (o->absorb_nl)
                o->absorb_nl = false;
            else
                out_newline(o);
            continue;
        }
        if (c == ' ' || c == '\t') {
            out_space(o);
            i++;
            continue;
        }
        /* a run of ordinary bytes */
        size_t j = i + 1;
        while (j < len && s[j] != '<' && s[j] != '&' && s[j] != '\r' && s[j] != '\n' &&
               s[j] != ' ' && s[j] != '\t')
            j++;
        out_bytes(o, s + i, j - i);
        i = j;
    }
    link_close(o);
    char *r = strbuf_steal(&o->sb, NULL);
    free(o);
    return r;
}
