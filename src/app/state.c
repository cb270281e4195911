/* Application state: feeds' snapshots and health, and the views built from them. */
#include "opsdeck/state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/config.h"
#include "opsdeck/text.h"
#include "opsdeck/xalloc.h"

/* ---- small helpers ---- */

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static bool ci_prefix(const char *s, const char *prefix)
{
    if (!s)
        return false;
    for (; *prefix; s++, prefix++)
        if (lower((unsigned char)*s) != lower((unsigned char)*prefix))
            return false;
    return true;
}

static bool ci_contains_n(const char *hay, size_t n, const char *needle)
{
    if (!hay)
        return false;
    size_t m = strlen(needle);
    if (m == 0)
        return true;
    for (size_t i = 0; i + m <= n; i++) {
        size_t k = 0;
        while (k < m && lower((unsigned char)hay[i + k]) == lower((unsigned char)needle[k]))
            k++;
        if (k == m)
            return true;
    }
    return false;
}

static bool ci_contains(const char *hay, const char *needle)
{
    return hay && ci_contains_n(hay, strlen(hay), needle);
}

static bool is_active_maintenance_status(enum incident_status s)
{
    return s == INC_SCHEDULED || s == INC_IN_PROGRESS || s == INC_VERIFYING;
}

bool state_maintenance_in_progress(const struct incident *m)
{
    return m && (m->status == INC_IN_PROGRESS || m->status == INC_VERIFYING);
}

/* The time an incident sorts by: its latest update's shown time, else updated_at,
 * else created_at. */
static struct od_time incident_time(const struct incident *inc)
{
    const struct incident_update *u = incident_latest_update(inc);
    if (u) {
        struct od_time t = update_shown_time(u);
        if (t.valid)
            return t;
    }
    return inc->updated_at.valid ? inc->updated_at : inc->created_at;
}

/* ---- lifecycle ---- */

static void views_free(struct state *st)
{
    for (size_t i = 0; i < st->n_panes; i++) {
        struct state_pane *p = &st->panes[i];
        free(p->components);
        free(p->incidents);
        free(p->maintenances);
        p->components = NULL;
        p->incidents = p->maintenances = NULL;
        p->n_components = p->n_incidents = p->n_maintenances = 0;
    }
    for (size_t i = 0; i < st->n_incidents; i++)
        free(st->incidents[i].in_pane);
    free(st->incidents);
    st->incidents = NULL;
    st->n_incidents = 0;
    free(st->timeline);
    st->timeline = NULL;
    st->n_timeline = 0;
}

struct state *state_new(const struct config *cfg)
{
    struct state *st = xcalloc(1, sizeof(*st));
    st->cfg = cfg;
    st->n_feeds = cfg->n_feeds;
    st->feeds = xcalloc(st->n_feeds ? st->n_feeds : 1, sizeof(*st->feeds));
    for (size_t i = 0; i < st->n_feeds; i++)
        st->feeds[i].cfg = &cfg->feeds[i];
    st->n_panes = cfg->n_panes;
    st->panes = xcalloc(st->n_panes ? st->n_panes : 1, sizeof(*st->panes));
    for (size_t i = 0; i < st->n_panes; i++) {
        st->panes[i].cfg = &cfg->panes[i];
        st->panes[i].status = COMP_UNKNOWN;
    }
    st->overall = COMP_UNKNOWN;
    st->indicator = IMPACT_UNKNOWN;
    return st;
}

void state_free(struct state *st)
{
    if (!st)
        return;
    views_free(st);
    for (size_t i = 0; i < st->n_feeds; i++)
        snapshot_free(st->feeds[i].snap);
    free(st->feeds);
    free(st->panes);
    free(st);
}

int state_feed_index(const struct state *st, const char *id)
{
    for (size_t i = 0; id && i < st->n_feeds; i++)
        if (strcmp(st->feeds[i].cfg->id, id) == 0)
            return (int)i;
    return -1;
}

const char *state_feed_label(const struct state *st, size_t feed)
{
    const struct state_feed *f = &st->feeds[feed];
    if (f->cfg->name && f->cfg->name[0])
        return f->cfg->name;
    if (f->snap && f->snap->page.name && f->snap->page.name[0])
        return f->snap->page.name;
    return f->cfg->id;
}

/* ---- building the views ---- */

static const struct component *find_group(const struct snapshot *s, const struct component *c)
{
    if (!c->group_id)
        return NULL;
    const struct component *g = snapshot_find_component(s, c->group_id);
    return g && g != c ? g : NULL;
}

/* Does the component with this id/name (as an incident listed it) fall in pane p? */
static bool listed_in_pane(const struct state *st, size_t feed, const struct config_pane *pane,
                           const char *id, const char *name)
{
    const struct snapshot *s = st->feeds[feed].snap;
    const char *fid = st->feeds[feed].cfg->id;
    const struct component *c = id ? snapshot_find_component(s, id) : NULL;
    if (!c && name)
        c = snapshot_find_component_by_name(s, name);
    if (c)
        return config_pane_match(pane, fid, c, find_group(s, c));
    struct component tmp = {.id = id, .name = name};
    return config_pane_match(pane, fid, &tmp, NULL);
}

static bool incident_in_pane(const struct state *st, size_t feed, const struct incident *inc,
                             const struct config_pane *pane)
{
    for (size_t k = 0; k < inc->n_components; k++)
        if (listed_in_pane(st, feed, pane, inc->components[k].id, inc->components[k].name))
            return true;
    for (size_t u = 0; u < inc->n_updates; u++) {
        const struct incident_update *up = &inc->updates[u];
        for (size_t k = 0; k < up->n_changes; k++)
            if (listed_in_pane(st, feed, pane, up->changes[k].id, up->changes[k].name))
                return true;
    }
    return false;
}

static bool pane_has_feed_component(const struct state_pane *p, size_t feed)
{
    for (size_t i = 0; i < p->n_components; i++)
        if (p->components[i].feed == feed)
            return true;
    return false;
}

static bool pane_references_feed(const struct config_pane *p, const char *feed_id)
{
    for (size_t i = 0; i < p->n_patterns; i++)
        if (!p->patterns[i].feed || strcmp(p->patterns[i].feed, feed_id) == 0)
            return true;
    return false;
}

static int cmp_position(const struct component *a, const struct component *b)
{
    if (a->position != b->position)
        return a->position < b->position ? -1 : 1;
    return strcmp(a->name ? a->name : "", b->name ? b->name : "");
}

static int cmp_sc(const void *a, const void *b)
{
    const struct state_component *x = a, *y = b;
    if (x->feed != y->feed)
        return x->feed < y->feed ? -1 : 1;
    return cmp_position(x->comp, y->comp);
}

/* Index of c's group among the pane's components, or -1. */
static long parent_in_pane(const struct state_pane *p, size_t i)
{
    const struct component *c = p->components[i].comp;
    if (!c->group_id)
        return -1;
    for (size_t k = 0; k < p->n_components; k++)
        if (k != i && p->components[k].feed == p->components[i].feed &&
            p->components[k].comp->id && strcmp(p->components[k].comp->id, c->group_id) == 0)
            return (long)k;
    return -1;
}

/* Feed order; within a feed, top-level components by position then name, each
 * group directly followed by its children (by position then name). */
static void order_components(struct state_pane *p)
{
    size_t n = p->n_components;
    if (n < 2)
        return;
    struct state_component *top = xcalloc(n, sizeof(*top)), *kids = xcalloc(n, sizeof(*kids));
    size_t nt = 0, nk = 0;
    for (size_t i = 0; i < n; i++) {
        if (parent_in_pane(p, i) >= 0)
            kids[nk++] = p->components[i];
        else
            top[nt++] = p->components[i];
    }
    qsort(top, nt, sizeof(*top), cmp_sc);
    qsort(kids, nk, sizeof(*kids), cmp_sc);
    size_t out = 0;
    for (size_t i = 0; i < nt; i++) {
        p->components[out++] = top[i];
        if (!top[i].comp->group || !top[i].comp->id)
            continue;
        for (size_t k = 0; k < nk; k++)
            if (kids[k].feed == top[i].feed && strcmp(kids[k].comp->group_id, top[i].comp->id) == 0)
                p->components[out++] = kids[k];
    }
    /* children whose group is itself a child (nested groups are not Statuspage's
     * model, but keep every component) */
    for (size_t k = 0; k < nk && out < n; k++) {
        bool placed = false;
        for (size_t i = 0; i < out && !placed; i++)
            placed = p->components[i].comp == kids[k].comp;
        if (!placed)
            p->components[out++] = kids[k];
    }
    free(top);
    free(kids);
}

static void build_pane(struct state *st, struct state_pane *p)
{
    size_t alloc = 0;
    for (size_t f = 0; f < st->n_feeds; f++) {
        const struct snapshot *s = st->feeds[f].snap;
        if (pane_references_feed(p->cfg, st->feeds[f].cfg->id) &&
            (st->feeds[f].stale || (!st->feeds[f].ok && st->feeds[f].attempted_at)))
            p->stale = true;
        if (!s)
            continue;
        for (size_t i = 0; i < s->n_components; i++) {
            const struct component *c = &s->components[i];
            if (!config_pane_match(p->cfg, st->feeds[f].cfg->id, c, find_group(s, c)))
                continue;
            if (p->n_components == alloc) {
                alloc = alloc ? alloc * 2 : 8;
                p->components = xreallocarray(p->components, alloc, sizeof(*p->components));
            }
            p->components[p->n_components++] = (struct state_component){f, c};
        }
    }
    order_components(p);
    /* worst status: non-group components, and groups with no child shown here */
    bool any = false;
    enum component_status worst = COMP_OPERATIONAL;
    for (size_t i = 0; i < p->n_components; i++) {
        const struct component *c = p->components[i].comp;
        if (c->group) {
            bool child_shown = false;
            for (size_t k = 0; k < p->n_components && !child_shown; k++) {
                const struct component *o = p->components[k].comp;
                child_shown = p->components[k].feed == p->components[i].feed && o->group_id &&
                              c->id && strcmp(o->group_id, c->id) == 0;
            }
            if (child_shown)
                continue;
        }
        worst = any ? component_status_worse(worst, c->status) : c->status;
        any = true;
    }
    p->status = any ? worst : COMP_UNKNOWN;
}

static int cmp_incident(const void *a, const void *b)
{
    const struct state_incident *x = a, *y = b;
    struct od_time tx = incident_time(x->inc), ty = incident_time(y->inc);
    int c = time_cmp(&ty, &tx);     /* newest first */
    if (c)
        return c;
    if (x->feed != y->feed)
        return x->feed < y->feed ? -1 : 1;
    return strcmp(x->inc->id ? x->inc->id : "", y->inc->id ? y->inc->id : "");
}

static int cmp_row(const void *a, const void *b)
{
    const struct state_row *x = a, *y = b;
    int c = time_cmp(&y->at, &x->at);
    if (c)
        return c;
    /* same instant: keep incident order, then the update order (newest first) */
    if (x->si != y->si)
        return x->si < y->si ? -1 : 1;
    return x->upd < y->upd ? -1 : x->upd > y->upd;
}

static int cmp_maint(const void *a, const void *b)
{
    const struct state_incident *x = *(const struct state_incident *const *)a;
    const struct state_incident *y = *(const struct state_incident *const *)b;
    bool px = state_maintenance_in_progress(x->inc), py = state_maintenance_in_progress(y->inc);
    if (px != py)
        return px ? -1 : 1;
    int c = time_cmp(&x->inc->scheduled_for, &y->inc->scheduled_for);
    if (c)
        return c;
    return x < y ? -1 : x > y;
}

static void add_incident(struct state *st, size_t *alloc, size_t feed, const struct incident *inc,
                         bool maint)
{
    if (st->n_incidents == *alloc) {
        *alloc = *alloc ? *alloc * 2 : 16;
        st->incidents = xreallocarray(st->incidents, *alloc, sizeof(*st->incidents));
    }
    struct state_incident *si = &st->incidents[st->n_incidents++];
    memset(si, 0, sizeof(*si));
    si->feed = feed;
    si->inc = inc;
    si->maintenance = maint || inc->maintenance || incident_status_is_maintenance(inc->status);
    si->active = si->maintenance ? is_active_maintenance_status(inc->status)
                                 : incident_status_is_open(inc->status);
    si->in_pane = xcalloc(st->n_panes ? st->n_panes : 1, sizeof(bool));
    si->first_pane = -1;
    bool placed = false;
    for (size_t p = 0; p < st->n_panes; p++) {
        si->in_pane[p] = incident_in_pane(st, feed, inc, st->panes[p].cfg);
        placed = placed || si->in_pane[p];
    }
    if (!placed) {
        si->feed_wide = true;
        for (size_t p = 0; p < st->n_panes; p++)
            si->in_pane[p] = pane_has_feed_component(&st->panes[p], feed);
    }
    for (size_t p = 0; p < st->n_panes; p++)
        if (si->in_pane[p]) {
            si->first_pane = (int)p;
            break;
        }
}

static void first_line(const char *body, const char **line, size_t *len)
{
    *line = "";
    *len = 0;
    if (!body)
        return;
    const char *p = body;
    for (;;) {
        while (*p == ' ' || *p == '\n')
            p++;
        if (!*p)
            return;
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        while (n > 0 && p[n - 1] == ' ')
            n--;
        if (n > 0) {
            *line = p;
            *len = n;
            return;
        }
        p += n;
    }
}

static void rebuild(struct state *st, int64_t now)
{
    views_free(st);
    st->n_failed = 0;
    st->indicator = IMPACT_UNKNOWN;
    bool have_indicator = false;
    for (size_t f = 0; f < st->n_feeds; f++) {
        struct state_feed *fd = &st->feeds[f];
        int64_t limit = 2 * (int64_t)fd->cfg->interval + fd->cfg->timeout;
        fd->stale = fd->snap && (!fd->ok || now - fd->fetched_at > limit);
        if (!fd->ok && fd->attempted_at)
            st->n_failed++;
        if (fd->snap && (fd->snap->parts & SNAP_STATUS)) {
            enum impact ind = fd->snap->indicator;
            if (!have_indicator || impact_severity(ind) > impact_severity(st->indicator))
                st->indicator = ind;
            have_indicator = true;
        }
    }

    bool any = false;
    st->overall = COMP_UNKNOWN;
    for (size_t p = 0; p < st->n_panes; p++) {
        struct state_pane *pn = &st->panes[p];
        pn->stale = false;
        build_pane(st, pn);
        st->overall = any ? component_status_worse(st->overall, pn->status) : pn->status;
        any = true;
    }

    size_t alloc = 0;
    for (size_t f = 0; f < st->n_feeds; f++) {
        const struct snapshot *s = st->feeds[f].snap;
        if (!s)
            continue;
        for (size_t i = 0; i < s->n_incidents; i++)
            add_incident(st, &alloc, f, &s->incidents[i], false);
        for (size_t i = 0; i < s->n_maintenances; i++) {
            /* listed as an incident too (a feed may put both in one list): once.
             * Same id and name, so Cachet's separate id spaces do not collide. */
            const struct incident *m = &s->maintenances[i];
            bool dup = false;
            for (size_t k = 0; m->id && m->name && k < s->n_incidents && !dup; k++) {
                const struct incident *o = &s->incidents[k];
                dup = o->id && o->name && strcmp(o->id, m->id) == 0 &&
                      strcmp(o->name, m->name) == 0;
            }
            if (!dup)
                add_incident(st, &alloc, f, m, true);
        }
    }
    if (st->n_incidents > 1)
        qsort(st->incidents, st->n_incidents, sizeof(*st->incidents), cmp_incident);

    for (size_t p = 0; p < st->n_panes; p++) {
        struct state_pane *pn = &st->panes[p];
        for (size_t i = 0; i < st->n_incidents; i++) {
            const struct state_incident *si = &st->incidents[i];
            if (!si->active || !si->in_pane[p])
                continue;
            if (si->maintenance) {
                pn->maintenances = xreallocarray(pn->maintenances, pn->n_maintenances + 1,
                                                 sizeof(*pn->maintenances));
                pn->maintenances[pn->n_maintenances++] = si;
            } else {
                pn->incidents = xreallocarray(pn->incidents, pn->n_incidents + 1,
                                              sizeof(*pn->incidents));
                pn->incidents[pn->n_incidents++] = si;
            }
        }
        if (pn->n_maintenances > 1)
            qsort(pn->maintenances, pn->n_maintenances, sizeof(*pn->maintenances), cmp_maint);
    }

    size_t n_rows = 0;
    for (size_t i = 0; i < st->n_incidents; i++)
        n_rows += st->incidents[i].inc->n_updates;
    st->timeline = xcalloc(n_rows ? n_rows : 1, sizeof(*st->timeline));
    for (size_t i = 0; i < st->n_incidents; i++) {
        const struct state_incident *si = &st->incidents[i];
        for (size_t u = 0; u < si->inc->n_updates; u++) {
            const struct incident_update *up = &si->inc->updates[u];
            struct state_row *r = &st->timeline[st->n_timeline++];
            r->at = update_shown_time(up);
            r->feed = si->feed;
            r->si = si;
            r->upd = up;
            r->status = up->status;
            first_line(up->body, &r->line, &r->line_len);
            r->pane = si->first_pane;
        }
    }
    if (st->n_timeline > 1)
        qsort(st->timeline, st->n_timeline, sizeof(*st->timeline), cmp_row);
    st->generation++;
}

void state_recompute(struct state *st, int64_t now)
{
    rebuild(st, now);
}

void state_feed_take(struct state *st, size_t feed, struct snapshot *snap, int64_t now)
{
    if (feed >= st->n_feeds) {
        snapshot_free(snap);
        return;
    }
    struct state_feed *f = &st->feeds[feed];
    views_free(st);     /* views point into the old snapshot */
    snapshot_free(f->snap);
    f->snap = snap;
    f->ok = true;
    f->error[0] = '\0';
    f->fetched_at = now;
    f->attempted_at = now;
    rebuild(st, now);
}

void state_feed_update(struct state *st, size_t feed, const struct snapshot *snap, int64_t now)
{
    state_feed_take(st, feed, snap ? snapshot_clone(snap) : NULL, now);
}

void state_feed_fail(struct state *st, size_t feed, const char *error, int64_t now)
{
    if (feed >= st->n_feeds)
        return;
    struct state_feed *f = &st->feeds[feed];
    f->ok = false;
    f->attempted_at = now;
    const char *e = error && error[0] ? error : "fetch failed";
    char *safe = text_sanitize(e, strlen(e), TEXT_SINGLE_LINE, STATE_ERROR_MAX - 1);
    snprintf(f->error, sizeof(f->error), "%s", safe);
    free(safe);
    rebuild(st, now);
}

/* ---- filter ---- */

void state_filter_clear(struct state_filter *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->terms[i].value);
    memset(f, 0, sizeof(*f));
}

void state_filter_parse(struct state_filter *f, const char *text)
{
    memset(f, 0, sizeof(*f));
    const char *p = text ? text : "";
    while (*p && f->n < STATE_FILTER_MAX_TERMS) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        const char *e = p;
        while (*e && *e != ' ' && *e != '\t')
            e++;
        enum state_filter_kind kind = FILTER_TEXT;
        const char *v = p;
        static const struct {
            const char *prefix;
            enum state_filter_kind kind;
        } kinds[] = {{"feed:", FILTER_FEED}, {"pane:", FILTER_PANE}, {"status:", FILTER_STATUS}};
        for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
            size_t n = strlen(kinds[k].prefix);
            if ((size_t)(e - p) >= n && ci_prefix(p, kinds[k].prefix)) {
                kind = kinds[k].kind;
                v = p + n;
                break;
            }
        }
        char *val = xstrndup(v, (size_t)(e - v));
        for (char *q = val; *q; q++)
            *q = (char)lower((unsigned char)*q);
        f->terms[f->n].kind = kind;
        f->terms[f->n].value = val;
        f->n++;
        p = e;
    }
}

static bool term_match(const struct state *st, enum state_filter_kind kind, const char *value,
                       const struct state_incident *si, const struct state_row *row)
{
    switch (kind) {
    case FILTER_FEED:
        return ci_prefix(st->feeds[si->feed].cfg->id, value);
    case FILTER_PANE:
        for (size_t p = 0; p < st->n_panes; p++)
            if (si->in_pane[p] && ci_contains(st->panes[p].cfg->title, value))
                return true;
        return false;
    case FILTER_STATUS:
        if (row)
            return ci_prefix(incident_status_name(row->status), value);
        return ci_prefix(incident_status_name(si->inc->status), value) ||
               ci_prefix(impact_name(si->inc->impact), value);
    case FILTER_TEXT:
        if (ci_contains(si->inc->name, value))
            return true;
        if (row)
            return ci_contains(row->upd->body, value);
        for (size_t u = 0; u < si->inc->n_updates; u++)
            if (ci_contains(si->inc->updates[u].body, value))
                return true;
        return false;
    }
    return false;
}

bool state_filter_match_row(const struct state *st, const struct state_filter *f,
                            const struct state_row *row)
{
    for (size_t i = 0; f && i < f->n; i++)
        if (!term_match(st, f->terms[i].kind, f->terms[i].value, row->si, row))
            return false;
    return true;
}

bool state_filter_match_incident(const struct state *st, const struct state_filter *f,
                                 const struct state_incident *si)
{
    for (size_t i = 0; f && i < f->n; i++)
        if (!term_match(st, f->terms[i].kind, f->terms[i].value, si, NULL))
            return false;
    return true;
}
