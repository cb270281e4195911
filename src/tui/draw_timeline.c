/* The merged timeline: newest first; time in every zone, pane or feed, status
 * (glyph and word), incident, first line of the body. */
#include <stdio.h>
#include <string.h>

#include "opsdeck/config.h"
#include "opsdeck/text.h"
#include "opsdeck/tui_draw.h"
#include "opsdeck/tz.h"

static const char *row_place(const struct dash *d, const struct state_row *row)
{
    if (row->pane >= 0 && (size_t)row->pane < d->st->n_panes)
        return d->st->panes[row->pane].cfg->title;
    return state_feed_label(d->st, row->feed);
}

void draw_timeline(WINDOW *w, struct dash *d)
{
    const struct rect r = d->layout.timeline;
    if (r.h < 1)
        return;
    bool focused = d->focus >= (int)d->st->n_panes;
    enum theme_role trole = focused ? ROLE_PANE_FOCUS : ROLE_PANE_TITLE;
    draw_fill(w, r.y, r.x, r.w, trole);
    char title[DASH_INPUT_MAX + 96];
    if (d->filter_text[0])
        snprintf(title, sizeof(title), "Timeline · %zu of %zu updates · filter: %s", d->n_rows,
                 d->st->n_timeline, d->filter_text);
    else
        snprintf(title, sizeof(title), "Timeline · %zu update%s", d->n_rows,
                 d->n_rows == 1 ? "" : "s");
    draw_text(w, r.y, r.x + 1, r.w - 2, trole, title);

    int visible = r.h - 1;
    if (visible <= 0)
        return;
    if (d->tl_sel < d->tl_top)
        d->tl_top = d->tl_sel;
    if (d->tl_sel >= d->tl_top + (size_t)visible)
        d->tl_top = d->tl_sel - (size_t)visible + 1;

    /* columns: time | place | status | incident — line */
    bool wide = r.w >= 120;
    int place_w = wide ? 20 : r.w >= 100 ? 16 : 12;
    int status_w = 15;          /* glyph, space, "investigating" */
    for (int k = 0; k < visible; k++) {
        int y = r.y + 1 + k;
        size_t i = d->tl_top + (size_t)k;
        draw_fill(w, y, r.x, r.w, ROLE_NORMAL);
        if (i >= d->n_rows) {
            if (k == 0 && d->n_rows == 0)
                draw_text(w, y, r.x + 1, r.w - 2, ROLE_DIM,
                          d->filter_text[0] ? "no update matches the filter (Esc clears it)"
                                            : "no updates yet");
            continue;
        }
        const struct state_row *row = &d->st->timeline[d->rows[i]];
        bool sel = focused && i == d->tl_sel;
        bool alerted = dash_incident_alerted(d, row->feed, row->si->inc->id);
        enum theme_role base = sel ? ROLE_SELECTED : ROLE_NORMAL;
        if (sel)
            draw_fill(w, y, r.x, r.w, ROLE_SELECTED);
        int x = r.x + 1, end = r.x + r.w - 1;
        char t[160];
        draw_format_time(d, t, sizeof(t), &row->at);
        if (wide && row->at.valid) {    /* the date too, where there is room */
            char date[16];
            struct tz_local lt;
            tz_localtime(d->n_zones ? d->zones[0] : NULL, row->at.sec, &lt);
            snprintf(date, sizeof(date), "%04d-%02d-%02d", lt.year, lt.mon, lt.day);
            x += draw_text(w, y, x, end - x, sel ? base : ROLE_DIM, date) + 1;
        }
        x += draw_text(w, y, x, end - x, sel ? base : ROLE_TIME, t) + 2;
        if (x >= end)
            continue;
        int pw = place_w < end - x ? place_w : end - x;
        draw_text(w, y, x, pw, sel ? base : ROLE_DIM, row_place(d, row));
        x += pw + 1;
        if (x >= end)
            continue;
        char st[48];
        snprintf(st, sizeof(st), "%s %s", theme_glyph_incident(row->status, d->ascii),
                 theme_word_incident(row->status));
        int sw = status_w < end - x ? status_w : end - x;
        draw_text(w, y, x, sw, sel ? base : theme_role_for_incident(row->status), st);
        x += sw + 1;
        if (x >= end)
            continue;
        enum theme_role nrole = sel ? base : alerted ? ROLE_ALERT_ROW : ROLE_NORMAL;
        const char *name = row->si->inc->name ? row->si->inc->name : "(untitled)";
        x += draw_text(w, y, x, end - x, nrole, name);
        if (row->line_len && x + 4 < end) {
            x += draw_text(w, y, x, end - x, sel ? base : ROLE_DIM, " — ");
            draw_text_n(w, y, x, end - x, sel ? base : alerted ? ROLE_ALERT_ROW : ROLE_NORMAL,
                        row->line, row->line_len);
        }
    }
}
