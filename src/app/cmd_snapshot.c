/* `opsdeck snapshot`: fetch every feed once and print the state as text or JSON. */
#include "opsdeck/cli.h"
#include "opsdeck/cmd_snapshot.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "opsdeck/clock.h"
#include "opsdeck/config.h"
#include "opsdeck/error.h"
#include "opsdeck/fetch_simple.h"
#include "opsdeck/state.h"
#include "opsdeck/text.h"
#include "opsdeck/tz.h"
#include "opsdeck/xalloc.h"

#define TEXT_TIMELINE_ROWS 20
#define MIN_COLS 60
#define MAX_COLS 200
#define DEFAULT_COLS 100

/* ---- safe output: every string is sanitised again on its way out ---- */

static void put(FILE *out, const char *s)
{
    if (!s)
        return;
    char *safe = text_sanitize(s, strlen(s), TEXT_SINGLE_LINE, 0);
    fputs(safe, out);
    free(safe);
}

/* s clipped or padded to exactly cols columns */
static void put_fit(FILE *out, const char *s, int cols)
{
    char *safe = text_sanitize(s ? s : "", s ? strlen(s) : 0, TEXT_SINGLE_LINE, 0);
    size_t size = strlen(safe) + (size_t)cols * 4 + 8;
    char *buf = xmalloc(size);
    text_fit(buf, size, safe, cols);
    fputs(buf, out);
    free(buf);
    free(safe);
}

static void put_clip(FILE *out, const char *s, size_t len, int cols)
{
    char *safe = text_sanitize(s ? s : "", s ? len : 0, TEXT_SINGLE_LINE, 0);
    size_t size = strlen(safe) + 8;
    char *buf = xmalloc(size);
    text_clip(buf, size, safe, cols < 1 ? 1 : cols);
    fputs(buf, out);
    free(buf);
    free(safe);
}

struct wrap_ctx {
    FILE *out;
    const char *indent;
};

static void emit_line(const char *line, size_t len, void *ud)
{
    struct wrap_ctx *w = ud;
    if (len > 0)
        fputs(w->indent, w->out);
    char *safe = text_sanitize(line, len, TEXT_SINGLE_LINE, 0);
    fputs(safe, w->out);
    free(safe);
    fputc('\n', w->out);
}

static void put_wrapped(FILE *out, const char *body, const char *indent, int cols)
{
    if (!body || !body[0])
        return;
    char *safe = text_sanitize(body, strlen(body), TEXT_KEEP_NEWLINES, 0);
    struct wrap_ctx w = {out, indent};
    int width = cols - (int)strlen(indent);
    text_wrap(safe, width < 20 ? 20 : width, emit_line, &w);
    free(safe);
}

/* "2016-05-23 0810 PDT / 1610 BST": the date in the first zone, then every zone. */
static int format_when(char *buf, size_t size, const struct config *cfg, const struct od_time *t)
{
    if (!t || !t->valid)
        return snprintf(buf, size, "--");
    struct tz_local l;
    const char *z0 = cfg->n_timezones ? cfg->timezones[0] : "UTC";
    tz_localtime(z0, t->sec, &l);
    char zones[160];
    tz_format_multi(zones, sizeof(zones), t, (const char *const *)cfg->timezones,
                    cfg->n_timezones, TZ_STYLE_HHMM);
    return snprintf(buf, size, "%04d-%02d-%02d %s", l.year, l.mon, l.day, zones);
}

static int terminal_cols(void)
{
    const char *env = getenv("COLUMNS");
    int cols = 0;
    if (env && *env)
        cols = atoi(env);
    if (cols <= 0 && isatty(STDOUT_FILENO)) {
        struct winsize ws;
        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
            cols = ws.ws_col;
    }
    if (cols <= 0)
        cols = DEFAULT_COLS;
    return cols < MIN_COLS ? MIN_COLS : cols > MAX_COLS ? MAX_COLS : cols;
}

/* ---- text ---- */

static void print_panes_of(FILE *out, const struct state *st, const struct state_incident *si)
{
    bool first = true;
    for (size_t p = 0; p < st->n_panes; p++) {
        if (!si->in_pane[p])
            continue;
        fputs(first ? "" : ", ", out);
        put(out, st->panes[p].cfg->title);
        first = false;
    }
    if (first)
        fputs("(none)", out);
    if (si->feed_wide)
        fputs(" (feed-wide)", out);
}

static void print_incident_text(FILE *out, const struct state *st, const struct state_incident *si,
                                int cols)
{
    const struct incident *inc = si->inc;
    char when[256];
    fputs("  ", out);
    put(out, inc->name ? inc->name : "(unnamed)");
    fputs("  [", out);
    put(out, state_feed_label(st, si->feed));
    if (!si->maintenance) {
        fputs(", impact ", out);
        put(out, impact_name(inc->impact));
    }
    fputs(", ", out);
    put(out, incident_status_label(inc->status));
    fputs("]\n    panes: ", out);
    print_panes_of(out, st, si);
    fputc('\n', out);
    if (si->maintenance && (inc->scheduled_for.valid || inc->scheduled_until.valid)) {
        char until[256];
        format_when(when, sizeof(when), st->cfg, &inc->scheduled_for);
        format_when(until, sizeof(until), st->cfg, &inc->scheduled_until);
        fprintf(out, "    window: %s  to  %s\n", when, until);
    }
    const struct incident_update *u = incident_latest_update(inc);
    if (u) {
        struct od_time t = update_shown_time(u);
        format_when(when, sizeof(when), st->cfg, &t);
        fprintf(out, "    latest: %s  ", when);
        put(out, incident_status_label(u->status));
        fputc('\n', out);
        put_wrapped(out, u->body, "      ", cols);
    }
}

void snapshot_print_text(FILE *out, const struct state *st, int cols, long long now)
{
    const struct config *cfg = st->cfg;
    char when[256];
    struct od_time tnow = {.sec = now, .valid = true};
    format_when(when, sizeof(when), cfg, &tnow);

    put(out, cfg->title ? cfg->title : "opsdeck");
    fprintf(out, " snapshot, %s\n", when);
    fputs("Overall: ", out);
    put(out, component_status_label(st->overall));
    if (st->indicator != IMPACT_UNKNOWN) {
        fputs(" (", out);
        put(out, impact_label(st->indicator));
        fputc(')', out);
    }
    if (st->n_failed)
        fprintf(out, "; %zu of %zu feeds failed", st->n_failed, st->n_feeds);
    fputs("\n\nFEEDS\n", out);
    for (size_t f = 0; f < st->n_feeds; f++) {
        const struct state_feed *fd = &st->feeds[f];
        fputs("  ", out);
        put_fit(out, fd->cfg->id, 12);
        fputs(fd->ok ? "  ok      " : "  FAILED  ", out);
        if (fd->ok) {
            /* the page's own address when it gives one (the config's URL may
             * be a local file:// path), else the configured URL */
            put(out, state_feed_label(st, f));
            fputs("  ", out);
            const char *page_url = fd->snap ? fd->snap->page.url : NULL;
            put(out, page_url && page_url[0] ? page_url : fd->cfg->url);
        } else {
            put(out, fd->error);
            if (fd->snap)
                fputs(" (showing what was read)", out);
        }
        fputc('\n', out);
    }

    fputs("\nPANES\n", out);
    for (size_t p = 0; p < st->n_panes; p++) {
        const struct state_pane *pn = &st->panes[p];
        fputs("  ", out);
        put_fit(out, pn->cfg->title, 28);
        fputs("  ", out);
        put(out, pn->n_components ? component_status_label(pn->status) : "No components");
        if (pn->stale)
            fputs("  (stale)", out);
        fputc('\n', out);
        for (size_t i = 0; i < pn->n_components; i++) {
            const struct state_component *sc = &pn->components[i];
            const struct component *c = sc->comp;
            bool child = false;
            for (size_t k = 0; c->group_id && k < pn->n_components && !child; k++)
                child = pn->components[k].feed == sc->feed && pn->components[k].comp->id &&
                        strcmp(pn->components[k].comp->id, c->group_id) == 0;
            fputs(child ? "      " : "    ", out);
            put_fit(out, c->name ? c->name : c->id, child ? 36 : 38);
            fputs("  ", out);
            put(out, component_status_label(c->status));
            if (st->n_feeds > 1) {
                fputs("  (", out);
                put(out, st->feeds[sc->feed].cfg->id);
                fputc(')', out);
            }
            fputc('\n', out);
        }
        for (size_t i = 0; i < pn->n_incidents; i++) {
            fputs("    incident: ", out);
            put(out, pn->incidents[i]->inc->name);
            fputs(" (", out);
            put(out, incident_status_label(pn->incidents[i]->inc->status));
            fputs(")\n", out);
        }
        for (size_t i = 0; i < pn->n_maintenances; i++) {
            fputs("    maintenance: ", out);
            put(out, pn->maintenances[i]->inc->name);
            fputs(" (", out);
            put(out, incident_status_label(pn->maintenances[i]->inc->status));
            fputs(")\n", out);
        }
    }

    size_t n_active = 0, n_maint = 0;
    for (size_t i = 0; i < st->n_incidents; i++) {
        if (st->incidents[i].active && !st->incidents[i].maintenance)
            n_active++;
        if (st->incidents[i].active && st->incidents[i].maintenance)
            n_maint++;
    }
    fprintf(out, "\nACTIVE INCIDENTS (%zu)\n", n_active);
    if (!n_active)
        fputs("  none\n", out);
    for (size_t i = 0; i < st->n_incidents; i++)
        if (st->incidents[i].active && !st->incidents[i].maintenance)
            print_incident_text(out, st, &st->incidents[i], cols);

    fprintf(out, "\nMAINTENANCES IN PROGRESS OR UPCOMING (%zu)\n", n_maint);
    if (!n_maint)
        fputs("  none\n", out);
    for (int pass = 0; pass < 2; pass++)    /* in progress first */
        for (size_t i = 0; i < st->n_incidents; i++) {
            const struct state_incident *si = &st->incidents[i];
            if (si->active && si->maintenance &&
                state_maintenance_in_progress(si->inc) == (pass == 0))
                print_incident_text(out, st, si, cols);
        }

    size_t shown = st->n_timeline < TEXT_TIMELINE_ROWS ? st->n_timeline : TEXT_TIMELINE_ROWS;
    fprintf(out, "\nTIMELINE (newest first, %zu of %zu updates)\n", shown, st->n_timeline);
    int when_cols = 0;
    for (size_t i = 0; i < shown; i++) {
        format_when(when, sizeof(when), cfg, &st->timeline[i].at);
        int w = text_width(when);
        when_cols = w > when_cols ? w : when_cols;
    }
    for (size_t i = 0; i < shown; i++) {
        const struct state_row *r = &st->timeline[i];
        format_when(when, sizeof(when), cfg, &r->at);
        fputs("  ", out);
        put_fit(out, when, when_cols);
        fputs("  ", out);
        put_fit(out, incident_status_name(r->status), 13);
        fputc(' ', out);
        int used = 2 + when_cols + 2 + 13 + 1;
        if (st->n_feeds > 1) {
            put_fit(out, st->feeds[r->feed].cfg->id, 10);
            fputc(' ', out);
            used += 11;
        }
        /* "Incident name: first line of the body", clipped to the line */
        const char *name = r->si->inc->name ? r->si->inc->name : "(unnamed)";
        size_t n = strlen(name) + 2 + r->line_len + 1;
        char *text = xmalloc(n);
        snprintf(text, n, "%s: %.*s", name, (int)r->line_len, r->line);
        put_clip(out, text, strlen(text), cols - used);
        free(text);
        fputc('\n', out);
    }
    if (shown < st->n_timeline)
        fprintf(out, "  ... %zu older updates (opsdeck snapshot --json has them all)\n",
                st->n_timeline - shown);
}

/* ---- JSON ---- */

static json_t *jstr(const char *s)
{
    if (!s)
        return json_null();
    char *safe = text_sanitize(s, strlen(s), TEXT_KEEP_NEWLINES, 0);
    json_t *v = json_string(safe);
    free(safe);
    return v ? v : json_null();
}

static json_t *jtime(const struct od_time *t)
{
    if (!t || !t->valid)
        return json_null();
    char buf[48];
    time_format_rfc3339_utc(buf, sizeof(buf), t);
    return json_string(buf);
}

static json_t *json_incident(const struct state *st, const struct state_incident *si)
{
    const struct incident *inc = si->inc;
    json_t *o = json_object();
    json_object_set_new(o, "feed", jstr(st->feeds[si->feed].cfg->id));
    json_object_set_new(o, "id", jstr(inc->id));
    json_object_set_new(o, "name", jstr(inc->name));
    json_object_set_new(o, "status", json_string(incident_status_name(inc->status)));
    json_object_set_new(o, "impact", json_string(impact_name(inc->impact)));
    if (si->maintenance) {
        json_object_set_new(o, "scheduled_for", jtime(&inc->scheduled_for));
        json_object_set_new(o, "scheduled_until", jtime(&inc->scheduled_until));
    }
    json_t *panes = json_array();
    for (size_t p = 0; p < st->n_panes; p++)
        if (si->in_pane[p])
            json_array_append_new(panes, jstr(st->panes[p].cfg->title));
    json_object_set_new(o, "panes", panes);
    json_t *ups = json_array();
    for (size_t u = 0; u < inc->n_updates; u++) {
        const struct incident_update *up = &inc->updates[u];
        json_t *uo = json_object();
        struct od_time t = update_shown_time(up);
        json_object_set_new(uo, "status", json_string(incident_status_name(up->status)));
        json_object_set_new(uo, "body", jstr(up->body ? up->body : ""));
        json_object_set_new(uo, "at", jtime(&t));
        json_array_append_new(ups, uo);
    }
    json_object_set_new(o, "updates", ups);
    return o;
}

void snapshot_print_json(FILE *out, const struct state *st, long long now)
{
    const struct config *cfg = st->cfg;
    json_t *root = json_object();
    struct od_time tnow = {.sec = now, .valid = true};
    json_object_set_new(root, "generated_at", jtime(&tnow));
    json_object_set_new(root, "title", jstr(cfg->title ? cfg->title : "opsdeck"));
    json_t *zones = json_array();
    for (size_t i = 0; i < cfg->n_timezones; i++)
        json_array_append_new(zones, jstr(cfg->timezones[i]));
    json_object_set_new(root, "timezones", zones);
    json_object_set_new(root, "overall", json_string(component_status_name(st->overall)));

    json_t *feeds = json_array();
    for (size_t f = 0; f < st->n_feeds; f++) {
        const struct state_feed *fd = &st->feeds[f];
        json_t *o = json_object();
        json_object_set_new(o, "id", jstr(fd->cfg->id));
        json_object_set_new(o, "name", jstr(state_feed_label(st, f)));
        json_object_set_new(o, "url", jstr(fd->cfg->url));
        json_object_set_new(o, "ok", json_boolean(fd->ok));
        json_object_set_new(o, "error", fd->ok ? json_null() : jstr(fd->error));
        struct od_time ft = {.sec = fd->fetched_at, .valid = fd->fetched_at != 0};
        json_object_set_new(o, "fetched_at", jtime(&ft));
        json_object_set_new(o, "indicator", fd->snap && (fd->snap->parts & SNAP_STATUS)
                                                ? json_string(impact_name(fd->snap->indicator))
                                                : json_null());
        json_array_append_new(feeds, o);
    }
    json_object_set_new(root, "feeds", feeds);

    json_t *panes = json_array();
    for (size_t p = 0; p < st->n_panes; p++) {
        const struct state_pane *pn = &st->panes[p];
        json_t *o = json_object();
        json_object_set_new(o, "title", jstr(pn->cfg->title));
        json_object_set_new(o, "status", json_string(component_status_name(pn->status)));
        json_object_set_new(o, "stale", json_boolean(pn->stale));
        json_t *comps = json_array();
        for (size_t i = 0; i < pn->n_components; i++) {
            const struct component *c = pn->components[i].comp;
            json_t *co = json_object();
            json_object_set_new(co, "feed", jstr(st->feeds[pn->components[i].feed].cfg->id));
            json_object_set_new(co, "id", jstr(c->id));
            json_object_set_new(co, "name", jstr(c->name));
            json_object_set_new(co, "status", json_string(component_status_name(c->status)));
            json_object_set_new(co, "group", json_boolean(c->group));
            json_array_append_new(comps, co);
        }
        json_object_set_new(o, "components", comps);
        json_t *incs = json_array();
        for (size_t i = 0; i < pn->n_incidents; i++)
            json_array_append_new(incs, jstr(pn->incidents[i]->inc->id));
        for (size_t i = 0; i < pn->n_maintenances; i++)
            json_array_append_new(incs, jstr(pn->maintenances[i]->inc->id));
        json_object_set_new(o, "incident_ids", incs);
        json_array_append_new(panes, o);
    }
    json_object_set_new(root, "panes", panes);

    json_t *incs = json_array(), *maints = json_array();
    for (size_t i = 0; i < st->n_incidents; i++) {
        const struct state_incident *si = &st->incidents[i];
        if (!si->active)
            continue;
        json_array_append_new(si->maintenance ? maints : incs, json_incident(st, si));
    }
    json_object_set_new(root, "incidents", incs);
    json_object_set_new(root, "maintenances", maints);

    json_t *tl = json_array();
    for (size_t i = 0; i < st->n_timeline; i++) {
        const struct state_row *r = &st->timeline[i];
        char when[256];
        format_when(when, sizeof(when), cfg, &r->at);
        json_t *o = json_object();
        json_object_set_new(o, "at", jtime(&r->at));
        json_object_set_new(o, "at_zones", jstr(when));
        json_object_set_new(o, "feed", jstr(st->feeds[r->feed].cfg->id));
        json_object_set_new(o, "incident_id", jstr(r->si->inc->id));
        json_object_set_new(o, "incident", jstr(r->si->inc->name));
        json_object_set_new(o, "maintenance", json_boolean(r->si->maintenance));
        json_object_set_new(o, "status", json_string(incident_status_name(r->status)));
        json_object_set_new(o, "body", jstr(r->upd->body ? r->upd->body : ""));
        json_object_set_new(o, "pane", r->pane >= 0 ? jstr(st->panes[r->pane].cfg->title)
                                                    : json_null());
        json_array_append_new(tl, o);
    }
    json_object_set_new(root, "timeline", tl);

    json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', out);
    json_decref(root);
}

/* ---- the command ---- */

static void usage(FILE *out)
{
    fputs("usage: opsdeck snapshot [--config FILE] [--json]\n"
          "Fetch every configured feed once and print panes, active incidents,\n"
          "maintenances and the timeline. Exit 0: all feeds read; 1: some feed\n"
          "failed; 2: usage or config error.\n",
          out);
}

int cmd_snapshot(int argc, char **argv)
{
    const char *config_path = NULL;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--json") == 0) {
            json = true;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else {
            enum cli_arg c = cli_config_arg("opsdeck snapshot", argc, argv, &i, &config_path);
            if (c == CLI_ARG_TAKEN)
                continue;
            if (c == CLI_ARG_OTHER)
                cli_unknown_arg("opsdeck snapshot", a);
            usage(stderr);
            return 2;
        }
    }

    struct config *cfg = cli_load_config("opsdeck", config_path);
    if (!cfg)
        return 2;
    struct od_error err;

    struct state *st = state_new(cfg);
    for (size_t f = 0; f < cfg->n_feeds; f++) {
        struct snapshot *snap = fetch_feed(&cfg->feeds[f], &err);
        int64_t now = clock_wall_sec();
        if (snap)
            state_feed_take(st, f, snap, now);
        if (!snap || err.code != OD_OK) {
            char msg[640];
            od_error_format(msg, sizeof(msg), &err);
            state_feed_fail(st, f, msg, now);
            fputs("opsdeck: feed ", stderr);
            put(stderr, cfg->feeds[f].id);
            fputs(": ", stderr);
            put(stderr, msg);
            fputc('\n', stderr);
        }
    }
    int64_t now = clock_wall_sec();
    state_recompute(st, now);
    if (json)
        snapshot_print_json(stdout, st, (long long)now);
    else
        snapshot_print_text(stdout, st, terminal_cols(), (long long)now);
    fflush(stdout);
    int rc = st->n_failed ? 1 : 0;
    state_free(st);
    config_free(cfg);
    return rc;
}
