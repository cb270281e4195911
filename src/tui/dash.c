/* The dashboard model: state view, selection, filter rows, alerts (tui_dash.h). */
#include "opsdeck/tui_dash.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/config.h"
#include "opsdeck/events.h"
#include "opsdeck/tz.h"
#include "opsdeck/xalloc.h"

void dash_init(struct dash *d, const struct config *cfg, struct state *st)
{
    memset(d, 0, sizeof(*d));
    d->cfg = cfg;
    d->st = st;
    for (size_t i = 0; i < cfg->n_timezones && d->n_zones < DASH_MAX_ZONES; i++)
        d->zones[d->n_zones++] = xstrdup(cfg->timezones[i]);
    theme_builtin_default(&d->theme);
    d->dirty = DIRTY_ALL;
    d->rows_generation = (unsigned long)-1;
    dash_state_changed(d);
}

static void alerts_clear(struct dash *d)
{
    for (size_t i = 0; i < d->n_alerts; i++) {
        free(d->alerts[i].incident_id);
        free(d->alerts[i].component_id);
    }
    d->n_alerts = 0;
}

void dash_fini(struct dash *d)
{
    for (size_t i = 0; i < d->n_zones; i++)
        free(d->zones[i]);
    alerts_clear(d);
    state_filter_clear(&d->filter);
    free(d->rows);
    free(d->detail_id);
    memset(d, 0, sizeof(*d));
}

void dash_message(struct dash *d, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->message, sizeof(d->message), fmt, ap);
    va_end(ap);
    d->message_error = error;
    d->dirty |= DIRTY_FOOTER;
}

/* ---- rows passing the filter; selections kept in range ---- */

static void rebuild_rows(struct dash *d)
{
    free(d->rows);
    d->rows = xcalloc(d->st->n_timeline ? d->st->n_timeline : 1, sizeof(*d->rows));
    d->n_rows = 0;
    for (size_t i = 0; i < d->st->n_timeline; i++)
        if (state_filter_match_row(d->st, &d->filter, &d->st->timeline[i]))
            d->rows[d->n_rows++] = i;
    d->rows_generation = d->st->generation;
}

static void clamp_selections(struct dash *d)
{
    if (d->focus > (int)d->st->n_panes || d->focus < 0)
        d->focus = 0;
    if (d->tl_sel >= d->n_rows)
        d->tl_sel = d->n_rows ? d->n_rows - 1 : 0;
    if (d->tl_top > d->tl_sel)
        d->tl_top = d->tl_sel;
    if (d->focus < (int)d->st->n_panes) {
        size_t n = dash_pane_items(d, (size_t)d->focus, NULL, 0);
        if (d->pane_sel >= n)
            d->pane_sel = n ? n - 1 : 0;
    }
}

void dash_state_changed(struct dash *d)
{
    if (d->rows_generation != d->st->generation)
        rebuild_rows(d);
    clamp_selections(d);
    d->dirty |= DIRTY_ALL;
}

void dash_set_state(struct dash *d, struct state *st)
{
    d->st = st;
    d->rows_generation = (unsigned long)-1;
    dash_state_changed(d);
}

void dash_set_filter(struct dash *d, const char *text)
{
    snprintf(d->filter_text, sizeof(d->filter_text), "%s", text ? text : "");
    state_filter_clear(&d->filter);
    state_filter_parse(&d->filter, d->filter_text);
    d->rows_generation = (unsigned long)-1;
    d->tl_sel = d->tl_top = 0;
    d->pane_sel = 0;
    dash_state_changed(d);
}

void dash_resize(struct dash *d, int rows, int cols)
{
    layout_compute(&d->layout, rows, cols, d->st->n_panes);
    d->dirty = DIRTY_ALL;
}

size_t dash_pane_items(const struct dash *d, size_t pane, const struct state_incident **out,
                       size_t max)
{
    if (pane >= d->st->n_panes)
        return 0;
    const struct state_pane *p = &d->st->panes[pane];
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++) {
        const struct state_incident *const *v = pass ? p->maintenances : p->incidents;
        size_t nv = pass ? p->n_maintenances : p->n_incidents;
        for (size_t i = 0; i < nv; i++) {
            if (!state_filter_match_incident(d->st, &d->filter, v[i]))
                continue;
            if (out && n < max)
                out[n] = v[i];
            n++;
        }
    }
    return n;
}

/* ---- detail ---- */

void dash_open_detail(struct dash *d, const struct state_incident *si)
{
    if (!si || !si->inc->id)
        return;
    free(d->detail_id);
    d->detail_id = xstrdup(si->inc->id);
    d->detail_feed = si->feed;
    if (d->view != VIEW_DETAIL)
        d->detail_from = d->view;
    d->view = VIEW_DETAIL;
    d->body_scroll = 0;
    d->dirty |= DIRTY_ALL;
}

const struct state_incident *dash_detail_incident(const struct dash *d)
{
    if (!d->detail_id)
        return NULL;
    for (size_t i = 0; i < d->st->n_incidents; i++) {
        const struct state_incident *si = &d->st->incidents[i];
        if (si->feed == d->detail_feed && si->inc->id && strcmp(si->inc->id, d->detail_id) == 0)
            return si;
    }
    return NULL;
}

/* ---- alerts ---- */

static bool same(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static bool add_alert(struct dash *d, size_t feed, const char *incident, const char *component)
{
    for (size_t i = 0; i < d->n_alerts; i++) {
        const struct dash_alert *a = &d->alerts[i];
        if (a->feed == feed && (same(a->incident_id, incident) || same(a->component_id, component)))
            return true;
    }
    if (d->n_alerts == DASH_MAX_ALERTS)
        return true;     /* full: still flash and ring, highlights already abound */
    struct dash_alert *a = &d->alerts[d->n_alerts++];
    a->feed = feed;
    a->incident_id = incident ? xstrdup(incident) : NULL;
    a->component_id = component ? xstrdup(component) : NULL;
    return true;
}

bool dash_events(struct dash *d, const struct event *ev, size_t n)
{
    bool alerted = false;
    for (size_t i = 0; i < n; i++) {
        const struct event *e = &ev[i];
        switch (e->kind) {
        case EV_INCIDENT_NEW:
        case EV_UPDATE_NEW:
        case EV_INCIDENT_STATUS:        /* a status change comes with its update */
        case EV_INCIDENT_RESOLVED:
            if (e->incident_id)
                alerted |= add_alert(d, e->feed, e->incident_id, NULL);
            break;
        case EV_COMPONENT_WORSE:
            if (e->component_id)
                alerted |= add_alert(d, e->feed, NULL, e->component_id);
            break;
        default:
            break;
        }
    }
    if (alerted) {
        d->flash = true;
        d->bell = d->cfg->alert_bell;
        d->dirty |= DIRTY_ALL;
    }
    return alerted;
}

void dash_acknowledge(struct dash *d)
{
    if (d->n_alerts == 0 && !d->flash)
        return;
    alerts_clear(d);
    d->flash = false;
    d->bell = false;
    d->dirty |= DIRTY_ALL;
}

bool dash_incident_alerted(const struct dash *d, size_t feed, const char *incident_id)
{
    for (size_t i = 0; i < d->n_alerts; i++)
        if (d->alerts[i].feed == feed && same(d->alerts[i].incident_id, incident_id))
            return true;
    return false;
}

bool dash_pane_alerted(const struct dash *d, size_t pane)
{
    if (pane >= d->st->n_panes)
        return false;
    const struct state_pane *p = &d->st->panes[pane];
    for (size_t i = 0; i < d->n_alerts; i++) {
        const struct dash_alert *a = &d->alerts[i];
        if (a->component_id) {
            for (size_t c = 0; c < p->n_components; c++)
                if (p->components[c].feed == a->feed &&
                    same(p->components[c].comp->id, a->component_id))
                    return true;
        } else {
            for (size_t k = 0; k < d->st->n_incidents; k++) {
                const struct state_incident *si = &d->st->incidents[k];
                if (si->feed == a->feed && same(si->inc->id, a->incident_id) && si->in_pane[pane])
                    return true;
            }
        }
    }
    return false;
}

/* ---- footer health ---- */

int dash_feed_health(const struct dash *d, char *buf, size_t size)
{
    size_t ok = 0, stale = 0, down = 0, waiting = 0;
    int64_t oldest = 0;
    for (size_t i = 0; i < d->st->n_feeds; i++) {
        const struct state_feed *f = &d->st->feeds[i];
        if (!f->snap && !f->attempted_at)
            waiting++;
        else if (!f->snap)
            down++;
        else if (f->stale) {
            stale++;
            int64_t age = d->now - f->fetched_at;
            if (age > oldest)
                oldest = age;
        } else
            ok++;
    }
    int n = snprintf(buf, size, "%zu feed%s ok", ok, ok == 1 ? "" : "s");
    if (stale) {
        char age[32];
        tz_format_duration(age, sizeof(age), oldest);
        n += snprintf(buf + n, size > (size_t)n ? size - (size_t)n : 0, " · %zu stale %s", stale,
                      age);
    }
    if (down)
        n += snprintf(buf + n, size > (size_t)n ? size - (size_t)n : 0, " · %zu down", down);
    if (waiting)
        n += snprintf(buf + n, size > (size_t)n ? size - (size_t)n : 0, " · %zu waiting", waiting);
    return n;
}
