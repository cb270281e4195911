/* Drawing helpers: colours per role, clipped text, scrolled line lists, the frame. */
#include "opsdeck/tui_draw.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/text.h"
#include "opsdeck/tz.h"
#include "opsdeck/xalloc.h"

static attr_t role_attr[ROLE__COUNT];
static int role_pair[ROLE__COUNT];

static attr_t curses_attrs(unsigned bits)
{
    attr_t a = A_NORMAL;
    if (bits & THEME_ATTR_BOLD)
        a |= A_BOLD;
    if (bits & THEME_ATTR_DIM)
        a |= A_DIM;
    if (bits & THEME_ATTR_UNDERLINE)
        a |= A_UNDERLINE;
    if (bits & THEME_ATTR_REVERSE)
        a |= A_REVERSE;
    if (bits & THEME_ATTR_ITALIC)
        a |= A_ITALIC;
    if (bits & THEME_ATTR_STANDOUT)
        a |= A_STANDOUT;
    return a;
}

void tui_colors_init(const struct theme *t, const char *no_color_env)
{
    enum theme_depth depth = theme_depth_for(COLORS, has_colors(), no_color_env);
    struct theme_resolved_style rs[ROLE__COUNT];
    theme_resolve(t, depth, rs);
    int pairs_fg[ROLE__COUNT], pairs_bg[ROLE__COUNT];
    int n_pairs = 0;
    for (int r = 0; r < ROLE__COUNT; r++) {
        role_attr[r] = curses_attrs(rs[r].attrs);
        role_pair[r] = 0;
        if (depth == DEPTH_MONO || (rs[r].fg == -1 && rs[r].bg == -1))
            continue;
        int found = -1;
        for (int k = 0; k < n_pairs; k++)    /* one pair per distinct (fg, bg) */
            if (pairs_fg[k] == rs[r].fg && pairs_bg[k] == rs[r].bg)
                found = k;
        if (found < 0 && n_pairs + 1 < COLOR_PAIRS) {
            found = n_pairs;
            pairs_fg[n_pairs] = rs[r].fg;
            pairs_bg[n_pairs] = rs[r].bg;
            n_pairs++;
            init_extended_pair(found + 1, rs[r].fg, rs[r].bg);
        }
        role_pair[r] = found < 0 ? 0 : found + 1;
    }
}

void draw_role(WINDOW *w, enum theme_role r)
{
    int pair = role_pair[r];
    wattr_set(w, role_attr[r], (short)pair, &pair);
}

int draw_text(WINDOW *w, int y, int x, int width, enum theme_role r, const char *s)
{
    if (width <= 0 || !s)
        return 0;
    if (width > 1000)
        width = 1000;
    char stackbuf[2048];
    size_t need = strlen(s) + 8;
    char *buf = need <= sizeof(stackbuf) ? stackbuf : xmalloc(need);
    int used = text_clip(buf, need <= sizeof(stackbuf) ? sizeof(stackbuf) : need, s, width);
    draw_role(w, r);
    mvwaddstr(w, y, x, buf);
    if (buf != stackbuf)
        free(buf);
    return used;
}

int draw_text_n(WINDOW *w, int y, int x, int width, enum theme_role r, const char *s, size_t n)
{
    char *tmp = xstrndup(s ? s : "", s ? n : 0);
    int used = draw_text(w, y, x, width, r, tmp);
    free(tmp);
    return used;
}

int draw_text_right(WINDOW *w, int y, int x, int width, enum theme_role r, const char *s)
{
    int tw = text_width(s);
    if (tw > width)
        tw = width;
    draw_text(w, y, x + width - tw, tw, r, s);
    return x + width - tw;
}

void draw_fill(WINDOW *w, int y, int x, int width, enum theme_role r)
{
    if (width <= 0)
        return;
    draw_role(w, r);
    wmove(w, y, x);
    for (int i = 0; i < width; i++)
        waddch(w, ' ');
}

void draw_clear_rect(WINDOW *w, struct rect r)
{
    for (int y = 0; y < r.h; y++)
        draw_fill(w, r.y + y, r.x, r.w, ROLE_NORMAL);
}

int draw_format_time(const struct dash *d, char *buf, size_t size, const struct od_time *t)
{
    return tz_format_multi(buf, size, t, (const char *const *)d->zones, d->n_zones, TZ_STYLE_HHMM);
}

/* ---- line lists ---- */

void vlines_init(struct vlines *vl, int width)
{
    memset(vl, 0, sizeof(*vl));
    vl->width = width < 10 ? 10 : width;
}

void vlines_free(struct vlines *vl)
{
    for (size_t i = 0; i < vl->n; i++) {
        free(vl->v[i].lead);
        free(vl->v[i].text);
    }
    free(vl->v);
    memset(vl, 0, sizeof(*vl));
}

void vlines_add(struct vlines *vl, enum theme_role r, int indent, const char *lead,
                enum theme_role lead_role, const char *text)
{
    if (vl->n == vl->alloc) {
        vl->alloc = vl->alloc ? vl->alloc * 2 : 32;
        vl->v = xreallocarray(vl->v, vl->alloc, sizeof(*vl->v));
    }
    vl->v[vl->n++] = (struct vline){r, lead_role, indent, lead ? xstrdup(lead) : NULL,
                                    xstrdup(text ? text : "")};
}

void vlines_addf(struct vlines *vl, enum theme_role r, int indent, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    vlines_add(vl, r, indent, NULL, r, buf);
}

struct wrap_ud {
    struct vlines *vl;
    enum theme_role role;
    int indent;
};

static void wrap_emit(const char *line, size_t len, void *ud)
{
    struct wrap_ud *u = ud;
    char *s = xstrndup(line, len);
    vlines_add(u->vl, u->role, u->indent, NULL, u->role, s);
    free(s);
}

void vlines_wrap(struct vlines *vl, enum theme_role r, int indent, const char *text)
{
    if (!text || !text[0])
        return;
    struct wrap_ud u = {vl, r, indent};
    text_wrap(text, vl->width - indent, wrap_emit, &u);
}

void draw_vlines(WINDOW *w, struct rect r, const struct vlines *vl, int *scroll)
{
    int max_scroll = (int)vl->n - r.h;
    if (max_scroll < 0)
        max_scroll = 0;
    if (*scroll > max_scroll)
        *scroll = max_scroll;
    if (*scroll < 0)
        *scroll = 0;
    for (int y = 0; y < r.h; y++) {
        size_t i = (size_t)(*scroll + y);
        draw_fill(w, r.y + y, r.x, r.w, ROLE_NORMAL);
        if (i >= vl->n)
            continue;
        const struct vline *ln = &vl->v[i];
        if (ln->role == ROLE_SELECTED)
            draw_fill(w, r.y + y, r.x, r.w, ROLE_SELECTED);
        int x = r.x + 1 + ln->indent;
        int end = r.x + r.w - 1;
        if (ln->lead && x < end) {
            x += draw_text(w, r.y + y, x, end - x, ln->role == ROLE_SELECTED ? ROLE_SELECTED
                                                                              : ln->lead_role,
                           ln->lead);
            if (x < end)
                x++;
        }
        if (x < end)
            draw_text(w, r.y + y, x, end - x, ln->role, ln->text);
    }
}

/* ---- the frame ---- */

static void draw_too_small(WINDOW *w, struct dash *d)
{
    const struct layout *l = &d->layout;
    werase(w);
    if (l->rows < 1 || l->cols < 1)
        return;
    int y = l->rows / 2;
    char msg[160];
    snprintf(msg, sizeof(msg), "opsdeck: %s", l->message);
    int tw = text_width(msg);
    int x = tw < l->cols ? (l->cols - tw) / 2 : 0;
    draw_text(w, y, x, l->cols - x, ROLE_ERROR, msg);
    if (y + 1 < l->rows)
        draw_text(w, y + 1, x, l->cols - x, ROLE_DIM, "enlarge the window, or q to quit");
}

void draw_frame(WINDOW *w, struct dash *d, bool all)
{
    unsigned dirty = all ? DIRTY_ALL : d->dirty;
    d->dirty = 0;
    if (!dirty)
        return;
    if (d->layout.too_small) {
        draw_too_small(w, d);
        return;
    }
    if (d->help)                /* the overlay sits on top of whatever is below */
        dirty = DIRTY_ALL;
    if (dirty & DIRTY_HEADER)
        draw_header(w, d);
    if (d->view == VIEW_MAIN) {
        if (dirty & (DIRTY_PANES | DIRTY_BODY))
            draw_panes(w, d);
        if (dirty & (DIRTY_TIMELINE | DIRTY_BODY))
            draw_timeline(w, d);
    } else if (dirty & (DIRTY_BODY | DIRTY_PANES | DIRTY_TIMELINE)) {
        if (d->view == VIEW_DETAIL)
            view_detail_draw(w, d);
        else if (d->view == VIEW_MAINT)
            view_maint_draw(w, d);
        else
            view_feeds_draw(w, d);
    }
    if (dirty & DIRTY_FOOTER)
        draw_footer(w, d);
    if (d->help)
        view_help_draw(w, d);
}
