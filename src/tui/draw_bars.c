/* The header (title, indicator, counts, flags, clock) and the footer (input
 * line or message or key hints, and feed health). */
#include <stdio.h>
#include <string.h>

#include "opsdeck/config.h"
#include "opsdeck/text.h"
#include "opsdeck/tui_draw.h"

static size_t count_stale(const struct state *st)
{
    size_t n = 0;
    for (size_t i = 0; i < st->n_feeds; i++)
        n += st->feeds[i].stale || (!st->feeds[i].snap && st->feeds[i].attempted_at);
    return n;
}

void draw_header(WINDOW *w, struct dash *d)
{
    const struct rect r = d->layout.header;
    const struct state *st = d->st;
    enum theme_role role = d->flash ? ROLE_HEADER_ALERT : ROLE_HEADER;
    draw_fill(w, r.y, r.x, r.w, role);

    char clock[128];
    struct od_time now = {.sec = d->now, .valid = true};
    draw_format_time(d, clock, sizeof(clock), &now);
    int clock_x = draw_text_right(w, r.y, r.x, r.w - 1, role, clock);

    size_t n_inc = 0, n_maint = 0;
    for (size_t i = 0; i < st->n_incidents; i++)
        if (st->incidents[i].active) {
            if (st->incidents[i].maintenance)
                n_maint++;
            else
                n_inc++;
        }
    bool any_data = false;
    for (size_t i = 0; i < st->n_feeds; i++)
        any_data |= st->feeds[i].snap != NULL;

    /* title, then what needs attention (alerts, pause, staleness), then the
     * indicator and counts: at 80 columns the tail is what gets clipped */
    char left[512];
    int x = r.x + 1;
    int limit = clock_x - 1;
    x += draw_text(w, r.y, x, limit - x, role, d->cfg->title ? d->cfg->title : "opsdeck") + 2;
    int n = 0;
    left[0] = '\0';
    if (d->n_alerts)
        n += snprintf(left + n, sizeof(left) - (size_t)n, "ALERT %zu  ", d->n_alerts);
    if (d->paused)
        n += snprintf(left + n, sizeof(left) - (size_t)n, "PAUSED%s  ",
                      d->paused_changes ? " (updates waiting)" : "");
    size_t stale = count_stale(st);
    if (stale)
        n += snprintf(left + n, sizeof(left) - (size_t)n, "STALE %zu  ", stale);
    if (any_data)
        n += snprintf(left + n, sizeof(left) - (size_t)n, "%s %s  ",
                      theme_glyph_component(st->overall, d->ascii), impact_label(st->indicator));
    else
        n += snprintf(left + n, sizeof(left) - (size_t)n, "? no data yet  ");
    if (r.w >= 100)
        snprintf(left + n, sizeof(left) - (size_t)n, "%zu incident%s · %zu maintenance%s", n_inc,
                 n_inc == 1 ? "" : "s", n_maint, n_maint == 1 ? "" : "s");
    else
        snprintf(left + n, sizeof(left) - (size_t)n, "%zu inc · %zu maint", n_inc, n_maint);
    if (x < limit)
        draw_text(w, r.y, x, limit - x, role, left);
}

static const char *const hints_main =
    "? help  / filter  : cmd  Tab pane  Enter open  m maint  f feeds  a ack  R refresh  q quit";
static const char *const hints_view = "? help  Esc back  j/k scroll  : cmd  a ack  R refresh  q back";
static const char *const hints_short = "? help  / filter  Tab pane  Enter open  a ack  q quit";

void draw_footer(WINDOW *w, struct dash *d)
{
    const struct rect r = d->layout.footer;
    if (d->input != INPUT_NONE) {
        draw_fill(w, r.y, r.x, r.w, ROLE_INPUT);
        char line[DASH_INPUT_MAX + 8];
        snprintf(line, sizeof(line), "%c%s", d->input == INPUT_FILTER ? '/' : ':', d->input_buf);
        /* keep the end of a long line in view */
        int tw = text_width(line);
        const char *s = line;
        while (tw > r.w - 3 && *s) {
            s++;
            while ((*s & 0xc0) == 0x80)
                s++;
            tw = text_width(s);
        }
        int used = draw_text(w, r.y, r.x, r.w - 2, ROLE_INPUT, s);
        draw_text(w, r.y, r.x + used, 1, ROLE_SELECTED, " ");     /* the cursor */
        return;
    }
    draw_fill(w, r.y, r.x, r.w, ROLE_FOOTER);
    char health[160];
    dash_feed_health(d, health, sizeof(health));
    int hx = draw_text_right(w, r.y, r.x, r.w - 1, ROLE_FOOTER, health);
    if (d->message[0])
        draw_text(w, r.y, r.x + 1, hx - r.x - 2, d->message_error ? ROLE_ERROR : ROLE_FOOTER,
                  d->message);
    else
        draw_text(w, r.y, r.x + 1, hx - r.x - 2, ROLE_FOOTER,
                  d->view != VIEW_MAIN ? hints_view : r.w >= 120 ? hints_main : hints_short);
}
