/* Theme files: parse, find, and resolve to a colour depth (see tui_theme.h). */
#include "opsdeck/tui_theme.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "opsdeck/xalloc.h"

#define THEME_MAX_FILE (64 * 1024)

extern const char theme_default_text[];   /* generated from themes/default.theme */

static const char *const role_keys[ROLE__COUNT] = {
#define THEME_ROLE_KEY(id, key, mono) key,
    THEME_ROLES(THEME_ROLE_KEY)
#undef THEME_ROLE_KEY
};

static const unsigned role_mono[ROLE__COUNT] = {
#define THEME_ROLE_MONO(id, key, mono) mono,
    THEME_ROLES(THEME_ROLE_MONO)
#undef THEME_ROLE_MONO
};

static const char *const color_names[8] = {"black", "red",     "green", "yellow",
                                           "blue",  "magenta", "cyan",  "white"};

static const struct {
    const char *name;
    unsigned bit;
} attr_names[] = {
    {"bold", THEME_ATTR_BOLD},           {"dim", THEME_ATTR_DIM},
    {"underline", THEME_ATTR_UNDERLINE}, {"reverse", THEME_ATTR_REVERSE},
    {"italic", THEME_ATTR_ITALIC},       {"standout", THEME_ATTR_STANDOUT},
};

const char *theme_role_key(enum theme_role r)
{
    return (unsigned)r < ROLE__COUNT ? role_keys[r] : "?";
}

/* ---- parsing ---- */

static bool parse_color(const char *w, struct theme_color *c)
{
    if (strcasecmp(w, "default") == 0) {
        *c = (struct theme_color){TC_DEFAULT, 0};
        return true;
    }
    bool bright = strncasecmp(w, "bright-", 7) == 0;
    const char *base = bright ? w + 7 : w;
    for (unsigned i = 0; i < 8; i++)
        if (strcasecmp(base, color_names[i]) == 0) {
            *c = (struct theme_color){TC_INDEX, i + (bright ? 8 : 0)};
            return true;
        }
    if (w[0] == '#') {
        if (strlen(w) != 7)
            return false;
        for (int i = 1; i < 7; i++)
            if (!isxdigit((unsigned char)w[i]))
                return false;
        *c = (struct theme_color){TC_RGB, (uint32_t)strtoul(w + 1, NULL, 16)};
        return true;
    }
    if (!isdigit((unsigned char)w[0]) || strlen(w) > 3)
        return false;
    for (const char *p = w; *p; p++)
        if (!isdigit((unsigned char)*p))
            return false;
    unsigned long v = strtoul(w, NULL, 10);
    if (v > 255)
        return false;
    *c = (struct theme_color){TC_INDEX, (uint32_t)v};
    return true;
}

static bool parse_attr(const char *w, unsigned *bits)
{
    for (size_t i = 0; i < ARRAY_SIZE(attr_names); i++)
        if (strcasecmp(w, attr_names[i].name) == 0) {
            *bits |= attr_names[i].bit;
            return true;
        }
    return false;
}

static int find_role(const char *key)
{
    for (int i = 0; i < ROLE__COUNT; i++)
        if (strcmp(role_keys[i], key) == 0)
            return i;
    return -1;
}

/* Split the next whitespace-separated word of [*p, end) into buf; column of its start. */
static bool next_word(const char **p, const char *end, char *buf, size_t size, int *col,
                      const char *line_start)
{
    while (*p < end && (**p == ' ' || **p == '\t'))
        (*p)++;
    if (*p >= end)
        return false;
    *col = (int)(*p - line_start) + 1;
    size_t n = 0;
    while (*p < end && **p != ' ' && **p != '\t') {
        if (n + 1 < size)
            buf[n++] = **p;
        (*p)++;
    }
    buf[n] = '\0';
    return true;
}

static enum od_status parse_line(struct theme *t, const char *line, const char *end,
                                 const char *source, int lineno, struct od_error *err)
{
    const char *p = line;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (p == end || *p == '#')
        return OD_OK;
    const char *eq = memchr(p, '=', (size_t)(end - p));
    if (!eq)
        return od_error_set(err, OD_CONFIG, source, lineno, (int)(p - line) + 1,
                            "expected `role = FG BG [ATTR...]`");
    const char *kend = eq;
    while (kend > p && (kend[-1] == ' ' || kend[-1] == '\t'))
        kend--;
    char key[48];
    size_t klen = (size_t)(kend - p);
    if (klen == 0 || klen >= sizeof(key))
        return od_error_set(err, OD_CONFIG, source, lineno, (int)(p - line) + 1,
                            "expected a role name before '='");
    memcpy(key, p, klen);
    key[klen] = '\0';
    int role = find_role(key);
    if (role < 0) {
        char *safe = xstrdup(key);
        for (char *s = safe; *s; s++)
            if (!isprint((unsigned char)*s))
                *s = '?';
        od_error_set(err, OD_CONFIG, source, lineno, (int)(p - line) + 1,
                     "unknown role \"%s\" (see opsdeck-theme(5))", safe);
        free(safe);
        return OD_CONFIG;
    }
    struct theme_style st = {{TC_DEFAULT, 0}, {TC_DEFAULT, 0}, 0};
    const char *q = eq + 1;
    char word[32];
    int col = 0, n = 0;
    while (next_word(&q, end, word, sizeof(word), &col, line)) {
        bool ok;
        if (n == 0)
            ok = parse_color(word, &st.fg);
        else if (n == 1 && parse_color(word, &st.bg))
            ok = true;
        else
            ok = parse_attr(word, &st.attrs);
        if (!ok) {
            for (char *s = word; *s; s++)
                if (!isprint((unsigned char)*s))
                    *s = '?';
            return od_error_set(err, OD_CONFIG, source, lineno, col,
                                "%s: \"%s\" is not a %s", key, word,
                                n == 0 ? "colour (a name, 0-255 or #rrggbb)"
                                       : "colour or attribute (bold, dim, underline, "
                                         "reverse, italic, standout)");
        }
        n++;
    }
    if (n == 0)
        return od_error_set(err, OD_CONFIG, source, lineno, (int)(eq - line) + 2,
                            "%s: expected a foreground colour", key);
    t->roles[role] = st;
    return OD_OK;
}

enum od_status theme_parse(struct theme *t, const char *text, size_t len, const char *source,
                           struct od_error *err)
{
    od_error_clear(err);
    if (len > THEME_MAX_FILE)
        return od_error_set(err, OD_TOOBIG, source, 0, 0, "theme file larger than %d bytes",
                            THEME_MAX_FILE);
    const char *p = text, *end = text + len;
    int lineno = 1;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        if (le > p && le[-1] == '\r')
            le--;
        size_t n = le > p ? (size_t)(le - p) : 0;
        if (n > 0 && memchr(p, '\0', n))
            return od_error_set(err, OD_CONFIG, source, lineno, 1, "NUL byte in theme file");
        enum od_status st = parse_line(t, p, le, source, lineno, err);
        if (st != OD_OK)
            return st;
        p = nl ? nl + 1 : end;
        lineno++;
    }
    return OD_OK;
}

void theme_builtin_default(struct theme *t)
{
    memset(t, 0, sizeof(*t));
    snprintf(t->name, sizeof(t->name), "default");
    struct od_error err;
    /* compiled in from a file under test: a failure is a build bug, not user input */
    if (theme_parse(t, theme_default_text, strlen(theme_default_text), "<built-in>", &err) !=
        OD_OK) {
        fprintf(stderr, "opsdeck: built-in theme: %d:%d: %s\n", err.line, err.column, err.text);
        abort();
    }
}

/* ---- finding theme files ---- */

static bool valid_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 64 || name[0] == '.')
        return false;
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' && *p != '-')
            return false;
    return true;
}

static bool read_small_file(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char *buf = xmalloc(THEME_MAX_FILE + 1);
    size_t n = fread(buf, 1, THEME_MAX_FILE + 1, f);
    fclose(f);
    buf[n > THEME_MAX_FILE ? THEME_MAX_FILE : n] = '\0';
    *out = buf;
    *len = n;       /* > THEME_MAX_FILE: theme_parse says too big */
    return true;
}

/* The directories searched, in order; returns how many were filled. */
static int theme_dirs(char dirs[3][PATH_MAX])
{
    int n = 0;
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    if (xdg && xdg[0])
        snprintf(dirs[n++], PATH_MAX, "%s/opsdeck/themes", xdg);
    else if (home && home[0])
        snprintf(dirs[n++], PATH_MAX, "%s/.config/opsdeck/themes", home);
    snprintf(dirs[n++], PATH_MAX, "%s/themes", OPSDECK_DATADIR);
    char exe[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (k > 0) {
        exe[k] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(dirs[n++], PATH_MAX, "%.*s/../themes", PATH_MAX - 16, exe);
        }
    }
    return n;
}

enum od_status theme_load(struct theme *t, const char *name, struct od_error *err)
{
    theme_builtin_default(t);
    od_error_clear(err);
    if (!name || !valid_name(name))
        return od_error_set(err, OD_INVALID, NULL, 0, 0,
                            "theme name must be 1-64 of A-Z a-z 0-9 _ . -");
    char dirs[3][PATH_MAX];
    int nd = theme_dirs(dirs);
    for (int i = 0; i < nd; i++) {
        char path[PATH_MAX + 80];
        snprintf(path, sizeof(path), "%.*s/%s.theme", PATH_MAX - 1, dirs[i], name);
        char *text;
        size_t len;
        if (!read_small_file(path, &text, &len))
            continue;
        struct theme parsed = *t;
        enum od_status st = theme_parse(&parsed, text, len, path, err);
        free(text);
        if (st != OD_OK)
            return st;
        *t = parsed;
        snprintf(t->name, sizeof(t->name), "%s", name);
        return OD_OK;
    }
    if (strcmp(name, "default") == 0)
        return OD_OK;
    return od_error_set(err, OD_NOTFOUND, NULL, 0, 0, "theme \"%s\" not found (looked in %s%s%s)",
                        name, dirs[0], nd > 1 ? " and " : "", nd > 1 ? dirs[1] : "");
}

/* ---- depth ---- */

enum theme_depth theme_depth_for(int colors, bool has_colors, const char *no_color_env)
{
    if ((no_color_env && no_color_env[0]) || !has_colors || colors < 8)
        return DEPTH_MONO;
    if (colors >= 0x1000000)
        return DEPTH_TRUECOLOR;
    if (colors >= 256)
        return DEPTH_256;
    if (colors >= 16)
        return DEPTH_16;
    return DEPTH_8;
}

/* xterm's default RGB for the 16 ANSI colours */
static const uint32_t ansi_rgb[16] = {
    0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
    0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
};
static const int cube_level[6] = {0, 95, 135, 175, 215, 255};

static uint32_t index_rgb(unsigned i)
{
    if (i < 16)
        return ansi_rgb[i];
    if (i < 232) {
        i -= 16;
        return (uint32_t)(cube_level[i / 36] << 16 | cube_level[i / 6 % 6] << 8 | cube_level[i % 6]);
    }
    unsigned g = 8 + (i - 232) * 10;
    return g << 16 | g << 8 | g;
}

static long dist2(uint32_t a, uint32_t b)
{
    long dr = (long)(a >> 16 & 255) - (long)(b >> 16 & 255);
    long dg = (long)(a >> 8 & 255) - (long)(b >> 8 & 255);
    long db = (long)(a & 255) - (long)(b & 255);
    return dr * dr * 3 + dg * dg * 4 + db * db * 2;    /* rough perceptual weights */
}

static int nearest_of(uint32_t rgb, unsigned first, unsigned last)
{
    int best = (int)first;
    long bd = -1;
    for (unsigned i = first; i <= last; i++) {
        long d = dist2(rgb, index_rgb(i));
        if (bd < 0 || d < bd) {
            bd = d;
            best = (int)i;
        }
    }
    return best;
}

int theme_color_at(struct theme_color c, enum theme_depth d, bool *needs_bold)
{
    if (needs_bold)
        *needs_bold = false;
    if (c.kind == TC_DEFAULT || d == DEPTH_MONO)
        return -1;
    uint32_t rgb = c.kind == TC_RGB ? c.value : index_rgb(c.value);
    int idx;
    switch (d) {
    case DEPTH_TRUECOLOR:
        if (c.kind == TC_INDEX && c.value < 8)
            return (int)c.value;
        return rgb < 8 ? 8 : (int)rgb;   /* values below 8 mean ANSI colours there */
    case DEPTH_256:
        return c.kind == TC_INDEX ? (int)c.value : nearest_of(rgb, 16, 255);
    case DEPTH_16:
        return c.kind == TC_INDEX && c.value < 16 ? (int)c.value : nearest_of(rgb, 0, 15);
    default:
        idx = c.kind == TC_INDEX && c.value < 16 ? (int)c.value : nearest_of(rgb, 0, 15);
        if (idx >= 8) {
            if (needs_bold)
                *needs_bold = true;
            idx -= 8;
        }
        return idx;
    }
}

void theme_resolve(const struct theme *t, enum theme_depth d,
                   struct theme_resolved_style out[ROLE__COUNT])
{
    for (int r = 0; r < ROLE__COUNT; r++) {
        const struct theme_style *s = &t->roles[r];
        bool bold = false, bg_bold = false;
        out[r].fg = theme_color_at(s->fg, d, &bold);
        out[r].bg = theme_color_at(s->bg, d, &bg_bold);
        out[r].attrs = s->attrs | (bold ? THEME_ATTR_BOLD : 0);
        if (d == DEPTH_MONO)
            out[r].attrs |= role_mono[r];
    }
}

/* ---- statuses: role, glyph, word ---- */

enum theme_role theme_role_for_component(enum component_status s)
{
    switch (s) {
    case COMP_OPERATIONAL: return ROLE_OK;
    case COMP_UNDER_MAINTENANCE: return ROLE_MAINTENANCE;
    case COMP_DEGRADED_PERFORMANCE: return ROLE_DEGRADED;
    case COMP_PARTIAL_OUTAGE: return ROLE_PARTIAL;
    case COMP_MAJOR_OUTAGE: return ROLE_MAJOR;
    default: return ROLE_UNKNOWN;
    }
}

enum theme_role theme_role_for_incident(enum incident_status s)
{
    switch (s) {
    case INC_INVESTIGATING: return ROLE_MAJOR;
    case INC_IDENTIFIED: return ROLE_PARTIAL;
    case INC_MONITORING: return ROLE_DEGRADED;
    case INC_RESOLVED: case INC_POSTMORTEM: case INC_COMPLETED: return ROLE_OK;
    case INC_SCHEDULED: case INC_IN_PROGRESS: case INC_VERIFYING: return ROLE_MAINTENANCE;
    default: return ROLE_UNKNOWN;
    }
}

const char *theme_glyph_component(enum component_status s, bool ascii)
{
    switch (s) {
    case COMP_OPERATIONAL: return ascii ? "o" : "●";
    case COMP_UNDER_MAINTENANCE: return ascii ? "~" : "◆";
    case COMP_DEGRADED_PERFORMANCE: return ascii ? "!" : "▲";
    case COMP_PARTIAL_OUTAGE: return ascii ? "x" : "◐";
    case COMP_MAJOR_OUTAGE: return ascii ? "X" : "■";
    default: return "?";
    }
}

const char *theme_glyph_incident(enum incident_status s, bool ascii)
{
    switch (s) {
    case INC_INVESTIGATING: return ascii ? "X" : "■";
    case INC_IDENTIFIED: return ascii ? "x" : "◐";
    case INC_MONITORING: return ascii ? "!" : "▲";
    case INC_RESOLVED: case INC_POSTMORTEM: case INC_COMPLETED: return ascii ? "o" : "●";
    case INC_SCHEDULED: case INC_IN_PROGRESS: case INC_VERIFYING: return ascii ? "~" : "◆";
    default: return "?";
    }
}

const char *theme_word_component(enum component_status s)
{
    switch (s) {
    case COMP_OPERATIONAL: return "operational";
    case COMP_UNDER_MAINTENANCE: return "maintenance";
    case COMP_DEGRADED_PERFORMANCE: return "degraded";
    case COMP_PARTIAL_OUTAGE: return "partial outage";
    case COMP_MAJOR_OUTAGE: return "major outage";
    default: return "unknown";
    }
}

const char *theme_word_incident(enum incident_status s)
{
    switch (s) {
    case INC_IN_PROGRESS: return "in progress";
    default: return incident_status_name(s);
    }
}

const char *theme_word_component_short(enum component_status s)
{
    switch (s) {
    case COMP_OPERATIONAL: return "ok";
    case COMP_UNDER_MAINTENANCE: return "maint";
    case COMP_DEGRADED_PERFORMANCE: return "degraded";
    case COMP_PARTIAL_OUTAGE: return "partial";
    case COMP_MAJOR_OUTAGE: return "major";
    default: return "unknown";
    }
}
