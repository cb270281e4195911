/* The pane grid: per pane a title row with its worst status (glyph and word)
 * and staleness, then its active incidents, maintenances and components. */
#include <stdio.h>
#include <string.h>

#include "opsdeck/config.h"
#include "opsdeck/text.h"
#include "opsdeck/tui_draw.h"
#include "opsdeck/tz.h"

#define PANE_MAX_ITEMS 256

/* "identified · 12m ago" */
static void incident_tail(const struct dash *d, const struct state_incident *si, char *buf,
                          size_t size)
{
    const struct incident *inc = si->inc;
    const struct incident_update *u = incident_latest_update(inc);
    struct od_time t = u ? update_shown_time(u) : inc->updated_at;
    char age[32] = "";
    if (t.valid)
        tz_format_age(age, sizeof(age), t.sec, d->now);
    if (si->maintenance) {
        /* time to start, or time remaining */
        bool running = state_maintenance_in_progress(inc);
        char dur[32] = "";
        if (running && inc->scheduled_until.valid)
            tz_format_duration(dur, sizeof(dur), inc->scheduled_until.sec - d->now);
        else if (!running && inc->scheduled_for.valid)
            tz_format_duration(dur, sizeof(dur), inc->scheduled_for.sec - d->now);
        if (running && dur[0] == '-')     /* past its end and still open */
            snprintf(buf, size, "in progress · overran %s", dur + 1);
        else if (running)
            snprintf(buf, size, "in progress%s%s%s", dur[0] ? " · " : "", dur,
                     dur[0] ? " left" : "");
        else
            snprintf(buf, size, "scheduled%s%s", dur[0] ? " · in " : "", dur);
        return;
    }
    snprintf(buf, size, "%s%s%s", theme_word_incident(inc->status), age[0] ? " · " : "", age);
}

static void draw_item_line(WINDOW *w, int y, struct rect r, const char *glyph,
                           enum theme_role glyph_role, const char *name, enum theme_role name_role,
                           const char *tail, const char *short_tail, enum theme_role tail_role,
                           int indent, bool selected)
{
    if (selected) {
        draw_fill(w, y, r.x, r.w, ROLE_SELECTED);
        glyph_role = name_role = tail_role = ROLE_SELECTED;
    }
    int x = r.x + 1 + indent;
    int end = r.x + r.w;
    x += draw_text(w, y, x, end - x, glyph_role, glyph) + 1;
    int tw = tail ? text_width(tail) : 0;
    int name_w = end - x - (tw ? tw + 2 : 0);
    if (short_tail && name && text_width(name) > name_w) {   /* the name comes first */
        tail = short_tail;
        tw = text_width(tail);
        name_w = end - x - tw - 2;
    }
    if (name_w < 8 && tw) {     /* too narrow for both: the tail gives way */
        tw = 0;
        name_w = end - x;
    }
    draw_text(w, y, x, name_w, name_role, name);
    if (tw)
        draw_text_right(w, y, x, end - x, tail_role, tail);
}

static void draw_pane(WINDOW *w, struct dash *d, size_t i)
{
    const struct rect r = d->layout.panes[i];
    const struct state_pane *p = &d->st->panes[i];
    bool focused = d->view == VIEW_MAIN && d->focus == (int)i;
    bool alerted = dash_pane_alerted(d, i);
    enum theme_role trole = focused ? ROLE_PANE_FOCUS : alerted ? ROLE_PANE_ALERT : ROLE_PANE_TITLE;
    draw_fill(w, r.y, r.x, r.w, trole);

    /* the title comes first; the status keeps its glyph and a word, the short
     * word when the full one does not fit beside the title */
    char status[64];
    const char *glyph = theme_glyph_component(p->status, d->ascii);
    const char *stale = p->stale ? " · stale" : "";
    int title_tw = text_width(p->cfg->title ? p->cfg->title : "");
    snprintf(status, sizeof(status), "%s %s%s", glyph, theme_word_component(p->status), stale);
    if (title_tw + text_width(status) + 3 > r.w)
        snprintf(status, sizeof(status), "%s %s%s", glyph, theme_word_component_short(p->status),
                 p->stale ? " stale" : "");
    enum theme_role srole = focused || alerted ? trole : theme_role_for_component(p->status);
    if (p->stale && !focused && !alerted)
        srole = ROLE_STALE;
    int sw = text_width(status);
    int title_w = r.w - 2 - sw - 1;
    draw_text(w, r.y, r.x + 1, title_w, trole, p->cfg->title);
    draw_text_right(w, r.y, r.x, r.w - 1, srole, status);

    const struct state_incident *items[PANE_MAX_ITEMS];
    size_t n_items = dash_pane_items(d, i, items, PANE_MAX_ITEMS);
    if (n_items > PANE_MAX_ITEMS)
        n_items = PANE_MAX_ITEMS;
    int rows = r.h - 1;
    size_t total = n_items + p->n_components;
    /* a narrow pane with room to spare gives each incident a second line for
     * its status and age instead of dropping them */
    if (r.w < 48 && (size_t)rows >= 2 * n_items + p->n_components) {
        int y = r.y + 1;
        for (size_t k = 0; k < (size_t)rows; k++)
            draw_fill(w, r.y + 1 + (int)k, r.x, r.w, ROLE_NORMAL);
        for (size_t k = 0; k < n_items; k++, y += 2) {
            const struct state_incident *si = items[k];
            char tail[96];
            incident_tail(d, si, tail, sizeof(tail));
            bool al = dash_incident_alerted(d, si->feed, si->inc->id);
            bool sel = focused && d->pane_sel == k;
            draw_item_line(w, y, r, theme_glyph_incident(si->inc->status, d->ascii),
                           theme_role_for_incident(si->inc->status), si->inc->name,
                           al ? ROLE_ALERT_ROW : ROLE_NORMAL, NULL, NULL, ROLE_DIM, 0, sel);
            if (sel)
                draw_fill(w, y + 1, r.x, r.w, ROLE_SELECTED);
            draw_text(w, y + 1, r.x + 3, r.w - 3, sel ? ROLE_SELECTED : ROLE_DIM, tail);
        }
        for (size_t c = 0; c < p->n_components; c++, y++) {
            const struct component *comp = p->components[c].comp;
            enum theme_role role = theme_role_for_component(comp->status);
            draw_item_line(w, y, r, theme_glyph_component(comp->status, d->ascii), role,
                           comp->name ? comp->name : comp->id,
                           comp->group ? ROLE_PANE_TITLE : ROLE_NORMAL,
                           theme_word_component(comp->status),
                           theme_word_component_short(comp->status), role, comp->group_id ? 1 : 0,
                           false);
        }
        return;
    }
    /* keep the selected item visible */
    size_t first = 0;
    if (focused && d->pane_sel >= (size_t)rows && rows > 0)
        first = d->pane_sel - (size_t)rows + 1;
    for (int k = 0; k < rows; k++) {
        int y = r.y + 1 + k;
        size_t idx = first + (size_t)k;
        draw_fill(w, y, r.x, r.w, ROLE_NORMAL);
        if (idx >= total)
            continue;
        if (k == rows - 1 && idx + 1 < total) {
            char more[32];
            snprintf(more, sizeof(more), "+%zu more", total - idx);
            draw_text(w, y, r.x + 1, r.w - 1, ROLE_DIM, more);
            continue;
        }
        if (idx < n_items) {
            const struct state_incident *si = items[idx];
            char tail[96];
            incident_tail(d, si, tail, sizeof(tail));
            bool al = dash_incident_alerted(d, si->feed, si->inc->id);
            draw_item_line(w, y, r, theme_glyph_incident(si->inc->status, d->ascii),
                           theme_role_for_incident(si->inc->status), si->inc->name,
                           al ? ROLE_ALERT_ROW : ROLE_NORMAL, tail, NULL, ROLE_DIM, 0,
                           focused && d->pane_sel == idx);
        } else {
            const struct state_component *sc = &p->components[idx - n_items];
            const struct component *c = sc->comp;
            enum theme_role role = theme_role_for_component(c->status);
            draw_item_line(w, y, r, theme_glyph_component(c->status, d->ascii), role,
                           c->name ? c->name : c->id, c->group ? ROLE_PANE_TITLE : ROLE_NORMAL,
                           theme_word_component(c->status), theme_word_component_short(c->status),
                           role, c->group_id ? 1 : 0, false);
        }
    }
}

void draw_panes(WINDOW *w, struct dash *d)
{
    const struct layout *l = &d->layout;
    if (l->n_panes == 0)
        return;
    /* blank the gaps between panes too */
    struct rect grid = {l->panes[0].y, 0, l->timeline.y - l->panes[0].y, l->cols};
    draw_clear_rect(w, grid);
    for (size_t i = 0; i < l->n_panes && i < d->st->n_panes; i++)
        draw_pane(w, d, i);
}
