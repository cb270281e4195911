/* Drawing the dashboard into a curses window: every region from the dash
 * model, clipped by display columns (wide characters stay aligned). Only
 * regions marked dirty are drawn; the caller does wnoutrefresh + doupdate.
 *
 * Colours: tui_colors_init() turns the dash's theme into curses pairs once
 * per theme change; draw code only asks for a role.
 */
#ifndef OPSDECK_TUI_DRAW_H
#define OPSDECK_TUI_DRAW_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include "opsdeck/curses.h"
#include "opsdeck/tui_dash.h"
#include "opsdeck/tui_layout.h"
#include "opsdeck/tui_theme.h"

/* Colours for the theme at the terminal's depth (after start_color when the
 * terminal has colours). NO_COLOR is read by the caller and passed in. */
void tui_colors_init(const struct theme *t, const char *no_color_env);
void draw_role(WINDOW *w, enum theme_role r);

/* Text at (y, x) clipped to `width` columns in role r; returns columns used. */
int draw_text(WINDOW *w, int y, int x, int width, enum theme_role r, const char *s);
/* The same for the first n bytes of s. */
int draw_text_n(WINDOW *w, int y, int x, int width, enum theme_role r, const char *s, size_t n);
/* Right-aligned inside [x, x+width); returns the column where it starts. */
int draw_text_right(WINDOW *w, int y, int x, int width, enum theme_role r, const char *s);
void draw_fill(WINDOW *w, int y, int x, int width, enum theme_role r);
void draw_clear_rect(WINDOW *w, struct rect r);

/* Lines of a scrolled view (detail, lists, help): an optional lead in its own
 * role (a status glyph and word) then text. */
struct vline {
    enum theme_role role, lead_role;
    int indent;
    char *lead;     /* may be NULL */
    char *text;
};
struct vlines {
    struct vline *v;
    size_t n, alloc;
    int width;      /* for wrapping */
};
void vlines_init(struct vlines *vl, int width);
void vlines_free(struct vlines *vl);
void vlines_add(struct vlines *vl, enum theme_role r, int indent, const char *lead,
                enum theme_role lead_role, const char *text);
void vlines_addf(struct vlines *vl, enum theme_role r, int indent, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Word-wrapped body text (keeps paragraph breaks). */
void vlines_wrap(struct vlines *vl, enum theme_role r, int indent, const char *text);
/* Draw from *scroll (clamped in place) into rect. */
void draw_vlines(WINDOW *w, struct rect r, const struct vlines *vl, int *scroll);

/* Regions. */
void draw_header(WINDOW *w, struct dash *d);
void draw_panes(WINDOW *w, struct dash *d);
void draw_timeline(WINDOW *w, struct dash *d);
void draw_footer(WINDOW *w, struct dash *d);
void view_detail_draw(WINDOW *w, struct dash *d);
void view_maint_draw(WINDOW *w, struct dash *d);
void view_feeds_draw(WINDOW *w, struct dash *d);
void view_help_draw(WINDOW *w, struct dash *d);

/* Everything dirty (or everything when `all`), then clears d->dirty. Does not
 * refresh. */
void draw_frame(WINDOW *w, struct dash *d, bool all);

/* Times in the dash's zones ("0810 PDT / 1610 BST"). */
int draw_format_time(const struct dash *d, char *buf, size_t size, const struct od_time *t);

#endif
