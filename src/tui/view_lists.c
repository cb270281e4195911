/* The maintenances view (every window, time to start or time left) and the
 * feeds view (URL, health, last success, last error, next fetch, 304s). */
#include <stdio.h>
#include <string.h>

#include "opsdeck/config.h"
#include "opsdeck/engine.h"
#include "opsdeck/tui_draw.h"
#include "opsdeck/tz.h"

/* Scroll so the selected entry's first line (sel_line) is in view. */
static void follow(struct dash *d, int sel_line, int rows)
{
    if (sel_line < d->body_scroll)
        d->body_scroll = sel_line;
    if (sel_line >= d->body_scroll + rows - 2)
        d->body_scroll = sel_line - rows + 3;
}

void view_maint_draw(WINDOW *w, struct dash *d)
{
    const struct rect r = d->layout.body;
    struct vlines vl;
    vlines_init(&vl, r.w - 2);
    vlines_add(&vl, ROLE_PANE_TITLE, 0, NULL, ROLE_NORMAL,
               "Maintenances (Enter opens, Esc goes back)");
    size_t k = 0;
    int sel_line = 0;
    for (size_t i = 0; i < d->st->n_incidents; i++) {
        const struct state_incident *si = &d->st->incidents[i];
        if (!si->maintenance)
            continue;
        const struct incident *m = si->inc;
        bool sel = k == d->list_sel;
        if (sel)
            sel_line = (int)vl.n;
        char lead[64], line[512], from[160] = "--", to[160] = "--", left[48] = "";
        snprintf(lead, sizeof(lead), "%s %s", theme_glyph_incident(m->status, d->ascii),
                 theme_word_incident(m->status));
        snprintf(line, sizeof(line), "%s · %s", m->name ? m->name : "(untitled)",
                 state_feed_label(d->st, si->feed));
        vlines_add(&vl, sel ? ROLE_SELECTED : ROLE_NORMAL, 0, lead,
                   theme_role_for_incident(m->status), line);
        draw_format_time(d, from, sizeof(from), &m->scheduled_for);
        draw_format_time(d, to, sizeof(to), &m->scheduled_until);
        bool running = state_maintenance_in_progress(m);
        char dur[32];
        if (running && m->scheduled_until.valid) {
            tz_format_duration(dur, sizeof(dur), m->scheduled_until.sec - d->now);
            snprintf(left, sizeof(left), dur[0] == '-' ? " · overran %s" : " · %s left",
                     dur[0] == '-' ? dur + 1 : dur);
        } else if (si->active && m->scheduled_for.valid && m->scheduled_for.sec > d->now) {
            tz_format_duration(dur, sizeof(dur), m->scheduled_for.sec - d->now);
            snprintf(left, sizeof(left), " · starts in %s", dur);
        }
        struct tz_local lt;
        tz_localtime(d->n_zones ? d->zones[0] : NULL, m->scheduled_for.sec, &lt);
        vlines_addf(&vl, ROLE_DIM, 2, "%04d-%02d-%02d %s → %s%s", lt.year, lt.mon, lt.day, from,
                    to, left);
        k++;
    }
    if (k == 0)
        vlines_add(&vl, ROLE_DIM, 0, NULL, ROLE_NORMAL, "no maintenance windows");
    follow(d, sel_line, r.h);
    draw_vlines(w, r, &vl, &d->body_scroll);
    vlines_free(&vl);
}

static void when_line(struct vlines *vl, const struct dash *d, const char *label, int64_t sec,
                      bool future)
{
    if (!sec) {
        vlines_addf(vl, ROLE_NORMAL, 2, "%-13s never", label);
        return;
    }
    char zones[160], age[32];
    struct od_time t = {.sec = sec, .valid = true};
    draw_format_time(d, zones, sizeof(zones), &t);
    tz_format_age(age, sizeof(age), sec, d->now);
    (void)future;
    vlines_addf(vl, ROLE_NORMAL, 2, "%-13s %s (%s)", label, zones, age);
}

void view_feeds_draw(WINDOW *w, struct dash *d)
{
    const struct rect r = d->layout.body;
    struct vlines vl;
    vlines_init(&vl, r.w - 2);
    vlines_add(&vl, ROLE_PANE_TITLE, 0, NULL, ROLE_NORMAL, "Feeds (R fetches all now, Esc goes back)");
    int sel_line = 0;
    for (size_t i = 0; i < d->st->n_feeds; i++) {
        const struct state_feed *f = &d->st->feeds[i];
        const struct engine_feed_stats *s = d->stats ? d->stats(d->stats_ud, i) : NULL;
        bool sel = i == d->list_sel;
        if (sel)
            sel_line = (int)vl.n;
        const char *health = !f->snap && !f->attempted_at ? "waiting"
                             : !f->snap                   ? "down"
                             : !f->ok                     ? "failing"
                             : f->stale                   ? "stale"
                                                          : "ok";
        enum theme_role hrole = !strcmp(health, "ok") ? ROLE_OK
                                : !strcmp(health, "waiting") ? ROLE_UNKNOWN
                                : !strcmp(health, "stale") ? ROLE_STALE
                                                           : ROLE_MAJOR;
        char lead[48], line[512];
        snprintf(lead, sizeof(lead), "%s %s", !strcmp(health, "ok") ? (d->ascii ? "o" : "●")
                                              : !strcmp(health, "waiting") ? "?"
                                                                          : (d->ascii ? "X" : "■"),
                 health);
        snprintf(line, sizeof(line), "%s (%s, %s)%s", state_feed_label(d->st, i), f->cfg->id,
                 feed_kind_name(f->cfg->kind), s && s->in_flight ? " · fetching" : "");
        vlines_add(&vl, sel ? ROLE_SELECTED : ROLE_NORMAL, 0, lead, hrole, line);
        vlines_addf(&vl, ROLE_DIM, 2, "%-13s %s", "url", f->cfg->url);
        when_line(&vl, d, "last success", s ? s->last_success : f->fetched_at, false);
        const char *err = s && s->last_error[0] ? s->last_error : f->error;
        if (err[0])
            vlines_addf(&vl, ROLE_ERROR, 2, "%-13s %s", "last error", err);
        else
            vlines_addf(&vl, ROLE_NORMAL, 2, "%-13s none", "last error");
        if (s) {
            if (s->next_fetch_at)
                when_line(&vl, d, "next fetch", s->next_fetch_at, true);
            else
                vlines_addf(&vl, ROLE_NORMAL, 2, "%-13s %s", "next fetch",
                            s->in_flight ? "fetching now" : "not scheduled");
            vlines_addf(&vl, ROLE_NORMAL, 2,
                        "%-13s %lu (%lu not modified/304, %lu unchanged, %lu failed), "
                        "%llu bytes, last took %lld ms",
                        "fetches", s->n_fetches, s->n_not_modified, s->n_unchanged, s->n_failures,
                        (unsigned long long)s->bytes, (long long)s->last_duration_ms);
        }
        vlines_addf(&vl, ROLE_DIM, 2, "%-13s every %d s, timeout %d s", "interval",
                    f->cfg->interval, f->cfg->timeout);
    }
    follow(d, sel_line, r.h);
    draw_vlines(w, r, &vl, &d->body_scroll);
    vlines_free(&vl);
}
