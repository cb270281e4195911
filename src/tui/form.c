/* The post form on screen: fields, wrapped message with cursor, preview. */
#include "opsdeck/tui_form.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "opsdeck/config.h"
#include "opsdeck/strbuf.h"
#include "opsdeck/text.h"
#include "opsdeck/tui_draw.h"
#include "opsdeck/xalloc.h"

#define LABEL_W 12

struct box {
    int y, x, h, w;
};

static struct box box_for(WINDOW *w)
{
    int rows = getmaxy(w), cols = getmaxx(w);
    struct box b;
    b.w = cols - 4 > 100 ? 100 : cols - 4;
    if (b.w < 30)
        b.w = cols;
    b.h = rows - 2 > 3 ? rows - 2 : rows;
    b.y = (rows - b.h) / 2;
    b.x = (cols - b.w) / 2;
    return b;
}

static void frame(WINDOW *w, const struct box *b, const char *title)
{
    for (int y = b->y; y < b->y + b->h; y++)
        draw_fill(w, y, b->x, b->w, ROLE_NORMAL);
    draw_fill(w, b->y, b->x, b->w, ROLE_HEADER);
    draw_text(w, b->y, b->x + 1, b->w - 2, ROLE_HEADER, title);
}

/* Lines of the wrapped message, each remembered by its byte range so the
 * cursor can be placed. */
struct wrapped {
    const char *base;
    size_t *start, *len;
    size_t n, cap;
};

static void collect(const char *line, size_t len, void *ud)
{
    struct wrapped *wr = ud;
    if (wr->n == wr->cap) {
        wr->cap = wr->cap ? wr->cap * 2 : 16;
        wr->start = xreallocarray(wr->start, wr->cap, sizeof(size_t));
        wr->len = xreallocarray(wr->len, wr->cap, sizeof(size_t));
    }
    wr->start[wr->n] = (size_t)(line - wr->base);
    wr->len[wr->n++] = len;
}

/* Draw the message in rows [y, y+h); returns the rows used. The cursor's row
 * is kept on screen by scrolling. */
static int draw_message(WINDOW *w, int y, int x, int width, int h, const struct form_text *t,
                        bool focused)
{
    struct wrapped wr = {.base = t->s};
    text_wrap(t->s, width - 1, collect, &wr);
    /* an empty message, or a cursor after a final newline, needs a row of its own */
    if (wr.n == 0 || (t->len && t->s[t->len - 1] == '\n'))
        collect(t->s + t->len, 0, &wr);
    size_t cur_row = 0;
    for (size_t i = 0; i < wr.n; i++)
        if (t->cursor >= wr.start[i])
            cur_row = i;
    size_t top = cur_row >= (size_t)h ? cur_row - (size_t)h + 1 : 0;
    int rows = 0;
    for (size_t i = top; i < wr.n && rows < h; i++, rows++) {
        draw_text_n(w, y + rows, x, width, ROLE_INPUT, t->s + wr.start[i], wr.len[i]);
        if (focused && i == cur_row) {
            size_t off = t->cursor - wr.start[i];
            if (off > wr.len[i])
                off = wr.len[i];
            int col = text_width_n(t->s + wr.start[i], off);
            if (col < width)
                draw_text(w, y + rows, x + col, 1, ROLE_SELECTED, " ");
        }
    }
    free(wr.start);
    free(wr.len);
    return rows ? rows : 1;
}

static void draw_line_field(WINDOW *w, int y, int x, int width, const struct form_text *t,
                            bool focused)
{
    /* show the end of a long line, where the cursor usually is */
    const char *s = t->s;
    int total = text_width(s);
    while (total > width - 1 && *s) {
        s++;
        while (*s && ((unsigned char)*s & 0xC0) == 0x80)
            s++;
        total = text_width(s);
    }
    int used = draw_text(w, y, x, width, ROLE_INPUT, s);
    if (focused && used < width)
        draw_text(w, y, x + used, 1, ROLE_SELECTED, " ");
}

static const char *comp_label(enum component_status s)
{
    return s == COMP_UNKNOWN ? "(unchanged)" : component_status_label(s);
}

static void draw_edit(WINDOW *w, const struct box *b, struct post_form *f)
{
    int x = b->x + 1, vx = x + LABEL_W + 1, vw = b->w - LABEL_W - 3;
    int y = b->y + 2, bottom = b->y + b->h - 3;
    enum form_field focus = post_form_focus(f);
    if (f->restored) {
        draw_text(w, b->y + 1, x, b->w - 2, ROLE_DIM,
                  "Restored your draft. Esc keeps it for later; Ctrl-D throws it away.");
    }
    for (size_t i = 0; i < f->n_fields && y < bottom; i++) {
        enum form_field ff = f->fields[i];
        bool on = ff == focus;
        draw_text(w, y, x, LABEL_W, on ? ROLE_SELECTED : ROLE_PANE_TITLE,
                  post_form_field_label(ff));
        switch (ff) {
        case FF_TITLE:
            draw_line_field(w, y, vx, vw, &f->title, on);
            y++;
            break;
        case FF_START:
        case FF_END:
        case FF_ETA:
            draw_line_field(w, y, vx, vw / 2,
                            ff == FF_START ? &f->start : ff == FF_END ? &f->end : &f->eta, on);
            draw_text(w, y, vx + vw / 2 + 1, vw - vw / 2 - 1, ROLE_DIM,
                      ff == FF_ETA ? "fills {eta}: 1300 PDT, 2026-12-01 22:00 Europe/London"
                                   : "e.g. 2026-12-01 22:00 Europe/London, 22:00 PDT");
            y++;
            break;
        case FF_MESSAGE: {
            /* the message takes what the fields below leave */
            int below = (int)(f->n_fields - i - 1);
            int h = bottom - y - below;
            y += draw_message(w, y, vx, vw, h < 1 ? 1 : h, &f->message, on);
            break;
        }
        case FF_COMPONENTS: {
            if (!f->n_comps) {
                draw_text(w, y++, vx, vw, ROLE_DIM, "(the feed lists no components yet)");
                break;
            }
            int room = bottom - y - (int)(f->n_fields - i - 1) - 3;
            if (room < 1)
                room = 1;
            size_t top = f->comp_sel >= (size_t)room ? f->comp_sel - (size_t)room + 1 : 0;
            for (size_t c = top; c < f->n_comps && (int)(c - top) < room; c++) {
                const struct form_comp *fc = &f->comps[c];
                bool sel = on && c == f->comp_sel;
                int nw = vw / 2;
                draw_text(w, y, vx, nw, sel ? ROLE_SELECTED : ROLE_NORMAL, fc->name);
                int cx = vx + nw + 1;
                cx += draw_text(w, y, cx, vw - nw - 1, theme_role_for_component(fc->current),
                                component_status_label(fc->current));
                if (fc->next != COMP_UNKNOWN) {
                    cx += draw_text(w, y, cx, 4, ROLE_NORMAL, " -> ");
                    draw_text(w, y, cx, vx + vw - cx, theme_role_for_component(fc->next), comp_label(fc->next));
                }
                y++;
            }
            break;
        }
        default: {
            char val[128];
            snprintf(val, sizeof(val), "< %s >", post_form_choice(f, ff));
            int used = draw_text(w, y, vx, vw, on ? ROLE_INPUT : ROLE_NORMAL, val);
            if (ff == FF_TEMPLATE && on)
                draw_text(w, y, vx + used + 1, vw - used - 1, ROLE_DIM, "Enter fills the message");
            y++;
            break;
        }
        }
    }
    if (f->error[0])
        draw_text(w, b->y + b->h - 2, x, b->w - 2, ROLE_ERROR, f->error);
    draw_text(w, b->y + b->h - 1, x, b->w - 2, ROLE_FOOTER,
              "Tab/Up/Down field  Left/Right change  Ctrl-E editor  Ctrl-P preview  "
              "Esc close (draft kept)");
}

struct pv_ctx {
    WINDOW *w;
    int y, x, width, bottom;
};

static void pv_line(const char *line, size_t len, void *ud)
{
    struct pv_ctx *c = ud;
    if (c->y < c->bottom)
        draw_text_n(c->w, c->y++, c->x, c->width, ROLE_NORMAL, line, len);
}

static void draw_preview(WINDOW *w, const struct box *b, struct post_form *f)
{
    char *text = post_form_preview(f);
    struct pv_ctx c = {w, b->y + 2, b->x + 1, b->w - 2, b->y + b->h - 2};
    text_wrap(text, c.width, pv_line, &c);
    free(text);
    draw_text(w, b->y + b->h - 1, b->x + 1, b->w - 2, ROLE_FOOTER,
              f->stage == STAGE_SENDING ? "Sending..."
                                        : "Enter: post this   Esc: back to the form");
}

void form_draw(WINDOW *w, struct post_form *f)
{
    struct box b = box_for(w);
    char title[300];
    snprintf(title, sizeof(title), "%s%s - %s", post_kind_label(f->kind),
             f->stage == STAGE_EDIT ? "" : " (preview)", config_feed_label(f->feed));
    frame(w, &b, title);
    if (f->stage == STAGE_EDIT)
        draw_edit(w, &b, f);
    else
        draw_preview(w, &b, f);
}

unsigned form_handle_key(struct post_form *f, int ch, bool is_key)
{
    if (is_key) {
        switch (ch) {
        case KEY_UP: return post_form_key(f, FK_UP);
        case KEY_DOWN: return post_form_key(f, FK_DOWN);
        case KEY_LEFT: return post_form_key(f, FK_LEFT);
        case KEY_RIGHT: return post_form_key(f, FK_RIGHT);
        case KEY_HOME: return post_form_key(f, FK_HOME);
        case KEY_END: return post_form_key(f, FK_END);
        case KEY_BACKSPACE: return post_form_key(f, FK_BACKSPACE);
        case KEY_DC: return post_form_key(f, FK_DELETE);
        case KEY_ENTER: return post_form_key(f, FK_ENTER);
        case KEY_BTAB: return post_form_key(f, FK_BTAB);
        case KEY_F(2): return post_form_key(f, FK_PREVIEW);
        default: return 0;
        }
    }
    switch (ch) {
    case 27: return post_form_key(f, FK_ESC);
    case '\t': return post_form_key(f, FK_TAB);
    case '\r':
    case '\n': return post_form_key(f, FK_ENTER);
    case 127:
    case 8: return post_form_key(f, FK_BACKSPACE);
    case 5: return post_form_key(f, FK_EDITOR);       /* Ctrl-E */
    case 4: return post_form_key(f, FK_DISCARD);      /* Ctrl-D */
    case 16: return post_form_key(f, FK_PREVIEW);     /* Ctrl-P */
    case ' ': return post_form_key(f, FK_SPACE);
    default:
        break;
    }
    if (ch < 32 || ch == 127 || (ch >= 0x80 && ch < 0xA0) || ch > 0x10FFFF)
        return 0;
    /* typed text: one character as UTF-8 */
    char buf[8];
    mbstate_t ps;
    memset(&ps, 0, sizeof(ps));
    size_t n = wcrtomb(buf, (wchar_t)ch, &ps);
    if (n == (size_t)-1) {
        /* no UTF-8 locale: encode it ourselves */
        unsigned c = (unsigned)ch;
        if (c < 0x80) { buf[0] = (char)c; n = 1; }
        else if (c < 0x800) { buf[0] = (char)(0xC0 | c >> 6); buf[1] = (char)(0x80 | (c & 63)); n = 2; }
        else if (c < 0x10000) { buf[0] = (char)(0xE0 | c >> 12); buf[1] = (char)(0x80 | ((c >> 6) & 63)); buf[2] = (char)(0x80 | (c & 63)); n = 3; }
        else { buf[0] = (char)(0xF0 | c >> 18); buf[1] = (char)(0x80 | ((c >> 12) & 63)); buf[2] = (char)(0x80 | ((c >> 6) & 63)); buf[3] = (char)(0x80 | (c & 63)); n = 4; }
    }
    return post_form_text(f, buf, n);
}
