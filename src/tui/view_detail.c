/* Incident detail: every update (newest first, as status pages show them) with
 * its full body wrapped, the affected components and their transitions, times
 * in every zone, and the shortlink. */
#include <stdio.h>
#include <string.h>

#include "opsdeck/config.h"
#include "opsdeck/tui_draw.h"
#include "opsdeck/tz.h"

static void add_time(struct vlines *vl, const struct dash *d, const char *label,
                     const struct od_time *t)
{
    if (!t->valid)
        return;
    char zones[160], age[32];
    draw_format_time(d, zones, sizeof(zones), t);
    tz_format_age(age, sizeof(age), t->sec, d->now);
    struct tz_local lt;
    tz_localtime(d->n_zones ? d->zones[0] : NULL, t->sec, &lt);
    vlines_addf(vl, ROLE_NORMAL, 0, "%-10s %04d-%02d-%02d %s (%s)", label, lt.year, lt.mon,
                lt.day, zones, age);
}

static void add_transitions(struct vlines *vl, const struct dash *d, const struct incident *inc)
{
    bool any = false;
    /* oldest first reads as a story: operational → major outage → operational */
    for (size_t k = inc->n_updates; k-- > 0;) {
        const struct incident_update *u = &inc->updates[k];
        for (size_t c = 0; c < u->n_changes; c++) {
            const struct component_change *ch = &u->changes[c];
            if (!any)
                vlines_add(vl, ROLE_PANE_TITLE, 0, NULL, ROLE_NORMAL, "Component transitions");
            any = true;
            char when[160], line[512];
            struct od_time t = update_shown_time(u);
            draw_format_time(d, when, sizeof(when), &t);
            snprintf(line, sizeof(line), "%s: %s → %s", ch->name ? ch->name : ch->id,
                     theme_word_component(ch->old_status), theme_word_component(ch->new_status));
            char lead[200];
            snprintf(lead, sizeof(lead), "%s %s", theme_glyph_component(ch->new_status, d->ascii),
                     when);
            vlines_add(vl, ROLE_NORMAL, 1, lead, theme_role_for_component(ch->new_status), line);
        }
    }
    if (any)
        vlines_add(vl, ROLE_NORMAL, 0, NULL, ROLE_NORMAL, "");
}

static void build(struct vlines *vl, const struct dash *d, const struct state_incident *si)
{
    const struct incident *inc = si->inc;
    vlines_add(vl, ROLE_PANE_TITLE, 0, NULL, ROLE_NORMAL, inc->name ? inc->name : "(untitled)");
    char lead[64];
    snprintf(lead, sizeof(lead), "%s %s", theme_glyph_incident(inc->status, d->ascii),
             theme_word_incident(inc->status));
    char info[512];
    snprintf(info, sizeof(info), "· %s · impact %s · feed %s%s", si->maintenance ? "maintenance"
                                                                                 : "incident",
             impact_name(inc->impact), state_feed_label(d->st, si->feed),
             si->feed_wide ? " (feed-wide)" : "");
    vlines_add(vl, ROLE_NORMAL, 0, lead, theme_role_for_incident(inc->status), info);
    if (inc->shortlink)
        vlines_addf(vl, ROLE_NORMAL, 0, "link       %s", inc->shortlink);
    add_time(vl, d, "created", &inc->created_at);
    if (si->maintenance) {
        add_time(vl, d, "starts", &inc->scheduled_for);
        add_time(vl, d, "ends", &inc->scheduled_until);
    }
    add_time(vl, d, "resolved", &inc->resolved_at);
    if (inc->n_components) {
        char line[1024];
        size_t n = 0;
        line[0] = '\0';
        for (size_t c = 0; c < inc->n_components && n + 2 < sizeof(line); c++)
            n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%s (%s)", c ? ", " : "",
                                  inc->components[c].name ? inc->components[c].name : "?",
                                  theme_word_component(inc->components[c].status));
        vlines_add(vl, ROLE_NORMAL, 0, "affects   ", ROLE_NORMAL, line);
    }
    vlines_add(vl, ROLE_NORMAL, 0, NULL, ROLE_NORMAL, "");
    add_transitions(vl, d, inc);
    char title[64];
    snprintf(title, sizeof(title), "Updates (%zu, newest first)", inc->n_updates);
    vlines_add(vl, ROLE_PANE_TITLE, 0, NULL, ROLE_NORMAL, title);
    for (size_t k = 0; k < inc->n_updates; k++) {
        const struct incident_update *u = &inc->updates[k];
        struct od_time t = update_shown_time(u);
        char when[160], age[32] = "", head[256];
        draw_format_time(d, when, sizeof(when), &t);
        if (t.valid)
            tz_format_age(age, sizeof(age), t.sec, d->now);
        snprintf(lead, sizeof(lead), "%s %s", theme_glyph_incident(u->status, d->ascii),
                 theme_word_incident(u->status));
        snprintf(head, sizeof(head), "— %s%s%s%s", when, age[0] ? " (" : "", age, age[0] ? ")" : "");
        bool al = dash_incident_alerted(d, si->feed, inc->id) && k == 0;
        vlines_add(vl, al ? ROLE_ALERT_ROW : ROLE_TIME, 0, lead, theme_role_for_incident(u->status),
                   head);
        vlines_wrap(vl, ROLE_NORMAL, 2, u->body);
        vlines_add(vl, ROLE_NORMAL, 0, NULL, ROLE_NORMAL, "");
    }
}

void view_detail_draw(WINDOW *w, struct dash *d)
{
    const struct rect r = d->layout.body;
    struct vlines vl;
    vlines_init(&vl, r.w - 2);
    const struct state_incident *si = dash_detail_incident(d);
    if (si)
        build(&vl, d, si);
    else
        vlines_add(&vl, ROLE_DIM, 0, NULL, ROLE_NORMAL,
                   "this incident is no longer in the feed (Esc goes back)");
    draw_vlines(w, r, &vl, &d->body_scroll);
    vlines_free(&vl);
}
