/* Key table and the action dispatcher of the dashboard. */
#include "opsdeck/tui_keys.h"

#include <stdio.h>
#include <string.h>

#include "opsdeck/curses.h"
#include "opsdeck/tui_dash.h"

static const struct dash_action_info actions[ACT__COUNT] = {
#define DASH_ACTION_INFO(id, keys, help, views) {keys, help, views},
    DASH_ACTIONS(DASH_ACTION_INFO)
#undef DASH_ACTION_INFO
};

const struct dash_action_info *dash_action_info(enum dash_action a)
{
    return a >= 0 && a < ACT__COUNT ? &actions[a] : NULL;
}

#define CTRL(c) ((c) & 0x1f)

enum dash_action dash_action_for_key(int ch, bool is_key)
{
    if (is_key) {
        switch (ch) {
        case KEY_UP: return ACT_UP;
        case KEY_DOWN: return ACT_DOWN;
        case KEY_PPAGE: return ACT_PAGE_UP;
        case KEY_NPAGE: return ACT_PAGE_DOWN;
        case KEY_HOME: return ACT_TOP;
        case KEY_END: return ACT_BOTTOM;
        case KEY_RIGHT: return ACT_NEXT_PANE;
        case KEY_LEFT: case KEY_BTAB: return ACT_PREV_PANE;
        case KEY_ENTER: return ACT_OPEN;
        default: return ACT_NONE;
        }
    }
    switch (ch) {
    case 'k': return ACT_UP;
    case 'j': return ACT_DOWN;
    case CTRL('b'): return ACT_PAGE_UP;
    case CTRL('f'): case ' ': return ACT_PAGE_DOWN;
    case 'g': return ACT_TOP;
    case 'G': return ACT_BOTTOM;
    case '\t': case 'l': return ACT_NEXT_PANE;
    case 'h': return ACT_PREV_PANE;
    case '\r': case '\n': return ACT_OPEN;
    case 27: return ACT_BACK;
    case '/': return ACT_FILTER;
    case ':': return ACT_COMMAND;
    case 'm': return ACT_MAINT;
    case 'f': return ACT_FEEDS;
    case 'n': return ACT_POST_NEW;
    case 'u': return ACT_POST_UPDATE;
    case 'r': return ACT_POST_RESOLVE;
    case 'M': return ACT_POST_MAINT;
    case 'c': return ACT_POST_COMPONENT;
    case 'R': return ACT_REFRESH;
    case 'a': return ACT_ACK;
    case 'z': return ACT_PAUSE;
    case CTRL('l'): return ACT_REDRAW;
    case '?': return ACT_HELP;
    case 'q': return ACT_QUIT;
    default: return ACT_NONE;
    }
}

/* ---- moving ---- */

/* Rows of content the current list shows (for paging). */
static int page_rows(const struct dash *d)
{
    const struct layout *l = &d->layout;
    if (d->view != VIEW_MAIN)
        return l->body.h > 2 ? l->body.h - 2 : 1;
    if (d->focus >= (int)d->st->n_panes)
        return l->timeline.h > 2 ? l->timeline.h - 1 : 1;
    return l->n_panes && l->panes[0].h > 1 ? l->panes[0].h - 1 : 1;
}

static size_t list_len(const struct dash *d)
{
    if (d->view == VIEW_MAINT) {
        size_t n = 0;
        for (size_t i = 0; i < d->st->n_incidents; i++)
            n += d->st->incidents[i].maintenance;
        return n;
    }
    if (d->view == VIEW_FEEDS)
        return d->st->n_feeds;
    if (d->focus >= (int)d->st->n_panes)
        return d->n_rows;
    return dash_pane_items(d, (size_t)d->focus, NULL, 0);
}

static size_t *current_sel(struct dash *d)
{
    if (d->view == VIEW_MAINT || d->view == VIEW_FEEDS)
        return &d->list_sel;
    return d->focus >= (int)d->st->n_panes ? &d->tl_sel : &d->pane_sel;
}

static void move_sel(struct dash *d, long delta, bool absolute)
{
    if (d->view == VIEW_DETAIL) {
        long s = absolute ? (delta < 0 ? 0 : 1L << 20) : d->body_scroll + delta;
        d->body_scroll = s < 0 ? 0 : s > (1L << 20) ? 1 << 20 : (int)s;  /* drawing clamps */
        d->dirty |= DIRTY_BODY;
        return;
    }
    size_t n = list_len(d);
    size_t *sel = current_sel(d);
    long v = absolute ? (delta < 0 ? 0 : (long)n - 1) : (long)*sel + delta;
    if (v >= (long)n)
        v = (long)n - 1;
    if (v < 0)
        v = 0;
    *sel = (size_t)v;
    d->dirty |= d->view == VIEW_MAIN ? (DIRTY_PANES | DIRTY_TIMELINE) : DIRTY_BODY;
}

static void focus_step(struct dash *d, int step)
{
    int n = (int)d->st->n_panes + 1;
    d->focus = ((d->focus + step) % n + n) % n;
    d->pane_sel = 0;
    d->dirty |= DIRTY_PANES | DIRTY_TIMELINE;
}

static const struct state_incident *nth_maintenance(const struct dash *d, size_t k)
{
    for (size_t i = 0; i < d->st->n_incidents; i++)
        if (d->st->incidents[i].maintenance && k-- == 0)
            return &d->st->incidents[i];
    return NULL;
}

static void open_selected(struct dash *d)
{
    const struct state_incident *si = NULL;
    if (d->view == VIEW_MAINT) {
        si = nth_maintenance(d, d->list_sel);
    } else if (d->view == VIEW_MAIN && d->focus >= (int)d->st->n_panes) {
        if (d->tl_sel < d->n_rows)
            si = d->st->timeline[d->rows[d->tl_sel]].si;
    } else if (d->view == VIEW_MAIN) {
        const struct state_incident *items[256];
        size_t n = dash_pane_items(d, (size_t)d->focus, items, 256);
        if (d->pane_sel < n && d->pane_sel < 256)
            si = items[d->pane_sel];
    }
    if (si)
        dash_open_detail(d, si);
    else
        dash_message(d, false, "nothing selected to open");
}

static void go_back(struct dash *d)
{
    if (d->view == VIEW_DETAIL)
        d->view = d->detail_from;
    else if (d->view != VIEW_MAIN)
        d->view = VIEW_MAIN;
    else if (d->filter_text[0])
        dash_set_filter(d, "");
    d->body_scroll = 0;
    d->dirty |= DIRTY_ALL;
}

static void switch_view(struct dash *d, enum dash_view v)
{
    d->view = d->view == v ? VIEW_MAIN : v;
    d->list_sel = 0;
    d->body_scroll = 0;
    d->dirty |= DIRTY_ALL;
}

unsigned dash_cmdline_key(struct dash *d, int ch, bool is_key);   /* cmdline.c */

unsigned dash_key(struct dash *d, int ch, bool is_key)
{
    if (d->input != INPUT_NONE)
        return dash_cmdline_key(d, ch, is_key);
    if (d->message[0]) {
        d->message[0] = '\0';
        d->dirty |= DIRTY_FOOTER;
    }
    if (d->help) {          /* any key closes the help */
        d->help = false;
        d->dirty |= DIRTY_ALL;
        return 0;
    }
    enum dash_action a = dash_action_for_key(ch, is_key);
    if (a != ACT_NONE && !(actions[a].views & (1u << d->view)))
        a = ACT_NONE;
    int page = page_rows(d);
    switch (a) {
    case ACT_UP: move_sel(d, -1, false); break;
    case ACT_DOWN: move_sel(d, 1, false); break;
    case ACT_PAGE_UP: move_sel(d, -page, false); break;
    case ACT_PAGE_DOWN: move_sel(d, page, false); break;
    case ACT_TOP: move_sel(d, -1, true); break;
    case ACT_BOTTOM: move_sel(d, 1, true); break;
    case ACT_NEXT_PANE: focus_step(d, 1); break;
    case ACT_PREV_PANE: focus_step(d, -1); break;
    case ACT_OPEN: open_selected(d); break;
    case ACT_BACK: go_back(d); break;
    case ACT_FILTER:
    case ACT_COMMAND:
        d->input = a == ACT_FILTER ? INPUT_FILTER : INPUT_COMMAND;
        d->input_len = 0;
        d->input_buf[0] = '\0';
        if (a == ACT_FILTER) {      /* edit the current filter */
            d->input_len = (size_t)snprintf(d->input_buf, sizeof(d->input_buf), "%s",
                                            d->filter_text);
        }
        d->dirty |= DIRTY_FOOTER;
        break;
    case ACT_MAINT: switch_view(d, VIEW_MAINT); break;
    case ACT_FEEDS: switch_view(d, VIEW_FEEDS); break;
    case ACT_REFRESH:
        dash_message(d, false, "refreshing every feed");
        return DASH_REFRESH;
    case ACT_ACK: dash_acknowledge(d); break;
    case ACT_PAUSE:
        d->paused = !d->paused;
        d->paused_changes = 0;
        d->dirty |= DIRTY_ALL;
        return DASH_PAUSE;
    case ACT_REDRAW: d->dirty |= DIRTY_ALL; return DASH_CLEAR;
    case ACT_HELP: d->help = true; d->dirty |= DIRTY_ALL; break;
    case ACT_QUIT:
        if (d->view == VIEW_MAIN)
            return DASH_QUIT;
        go_back(d);
        break;
    default:
        break;
    }
    return 0;
}
