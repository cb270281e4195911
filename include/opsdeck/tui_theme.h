/* Themes: semantic colour roles, the theme file format, and how a theme maps to
 * what the terminal can show. Parsing and resolving are pure (no curses), so they
 * are unit-tested; tui_theme_curses() turns a resolved theme into curses attributes.
 *
 * File format (opsdeck-theme(5)): lines of `role = FG BG [ATTR...]`, `#` comments.
 * FG and BG: default, black, red, green, yellow, blue, magenta, cyan, white,
 * bright-black … bright-white, a 256-colour index 0-255, or #rrggbb. ATTRs: bold,
 * dim, underline, reverse, italic, standout. Roles not named keep the built-in
 * default theme's value (every theme is read on top of it).
 *
 * Where themes come from (theme_load): $XDG_CONFIG_HOME/opsdeck/themes/NAME.theme
 * (~/.config when unset), then OPSDECK_DATADIR/themes, then themes/ beside the
 * build directory of the running binary (a source tree); "default" is also built
 * in. Names are [A-Za-z0-9_.-]{1,64}.
 *
 * Depth: truecolor uses #rrggbb as given; 256 colours take the nearest xterm
 * cube/grey entry; 16 and 8 colours the nearest ANSI colour (bright ones become
 * the base colour plus bold on 8). With NO_COLOR set, fewer than 8 colours or no
 * colour support, every role falls back to attributes only (each role has a
 * built-in monochrome attribute so focus, selection and alerts stay visible).
 */
#ifndef OPSDECK_TUI_THEME_H
#define OPSDECK_TUI_THEME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "opsdeck/error.h"
#include "opsdeck/model.h"

/* role id, key in theme files, monochrome attributes */
#define THEME_ROLES(_) \
    _(NORMAL,         "normal",            0) \
    _(DIM,            "dim",               THEME_ATTR_DIM) \
    _(HEADER,         "header",            THEME_ATTR_REVERSE) \
    _(HEADER_ALERT,   "header.alert",      THEME_ATTR_REVERSE | THEME_ATTR_BOLD) \
    _(FOOTER,         "footer",            THEME_ATTR_REVERSE) \
    _(PANE_TITLE,     "pane.title",        THEME_ATTR_BOLD) \
    _(PANE_FOCUS,     "pane.focus",        THEME_ATTR_REVERSE) \
    _(PANE_ALERT,     "pane.alert",        THEME_ATTR_BOLD | THEME_ATTR_UNDERLINE) \
    _(SELECTED,       "selected",          THEME_ATTR_REVERSE) \
    _(ALERT_ROW,      "alert.row",         THEME_ATTR_BOLD | THEME_ATTR_UNDERLINE) \
    _(TIME,           "time",              0) \
    _(STALE,          "stale",             THEME_ATTR_BOLD) \
    _(ERROR,          "error",             THEME_ATTR_BOLD) \
    _(HELP,           "help",              0) \
    _(INPUT,          "input",             THEME_ATTR_BOLD) \
    _(OK,             "status.ok",         0) \
    _(MAINTENANCE,    "status.maintenance", 0) \
    _(DEGRADED,       "status.degraded",   THEME_ATTR_BOLD) \
    _(PARTIAL,        "status.partial",    THEME_ATTR_BOLD) \
    _(MAJOR,          "status.major",      THEME_ATTR_BOLD | THEME_ATTR_STANDOUT) \
    _(UNKNOWN,        "status.unknown",    THEME_ATTR_DIM)

enum theme_attr_bits {
    THEME_ATTR_BOLD = 1u << 0,
    THEME_ATTR_DIM = 1u << 1,
    THEME_ATTR_UNDERLINE = 1u << 2,
    THEME_ATTR_REVERSE = 1u << 3,
    THEME_ATTR_ITALIC = 1u << 4,
    THEME_ATTR_STANDOUT = 1u << 5,
};

enum theme_role {
#define THEME_ROLE_ENUM(id, key, mono) ROLE_##id,
    THEME_ROLES(THEME_ROLE_ENUM)
#undef THEME_ROLE_ENUM
    ROLE__COUNT
};

enum theme_color_kind { TC_DEFAULT, TC_INDEX, TC_RGB };

struct theme_color {
    enum theme_color_kind kind;
    uint32_t value;             /* 0..255 for TC_INDEX, 0xRRGGBB for TC_RGB */
};

struct theme_style {
    struct theme_color fg, bg;
    unsigned attrs;             /* enum theme_attr_bits */
};

struct theme {
    char name[65];
    struct theme_style roles[ROLE__COUNT];
};

/* What the terminal gets for one role: colour numbers for init_pair (-1 =
 * terminal default; for truecolor, 0xRRGGBB values) and attribute bits. */
struct theme_resolved_style {
    int fg, bg;
    unsigned attrs;
};

enum theme_depth { DEPTH_MONO, DEPTH_8, DEPTH_16, DEPTH_256, DEPTH_TRUECOLOR };

const char *theme_role_key(enum theme_role r);

/* The built-in default theme (themes/default.theme compiled in). */
void theme_builtin_default(struct theme *t);

/* Read a theme document on top of *t (roles it names replace t's). OD_OK, or
 * OD_CONFIG with err naming source:line:column and what was expected. */
enum od_status theme_parse(struct theme *t, const char *text, size_t len, const char *source,
                           struct od_error *err);

/* Find and read theme `name` (see above) on top of the built-in default. On
 * failure *t is the built-in default and err says why. */
enum od_status theme_load(struct theme *t, const char *name, struct od_error *err);

/* The depth to use: NO_COLOR (non-empty) or !has_colors → mono; else by colours. */
enum theme_depth theme_depth_for(int colors, bool has_colors, const char *no_color_env);

/* One colour at a depth: -1 for default. */
int theme_color_at(struct theme_color c, enum theme_depth d, bool *needs_bold);

/* Every role at a depth. */
void theme_resolve(const struct theme *t, enum theme_depth d,
                   struct theme_resolved_style out[ROLE__COUNT]);

/* Status → role, glyph and short word. The glyph is one column wide; ascii
 * selects the fallback for terminals without the symbols (TERM=linux, a
 * non-UTF-8 locale). */
enum theme_role theme_role_for_component(enum component_status s);
enum theme_role theme_role_for_incident(enum incident_status s);
const char *theme_glyph_component(enum component_status s, bool ascii);
const char *theme_glyph_incident(enum incident_status s, bool ascii);
const char *theme_word_component(enum component_status s);
const char *theme_word_incident(enum incident_status s);
/* "ok", "maint", "degraded", "partial", "major", "unknown": for narrow pane titles */
const char *theme_word_component_short(enum component_status s);

#endif
