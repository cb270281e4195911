/* The post form's model: editing, templates, drafts on every change, preview. */
#include "opsdeck/post_form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/cachet_write.h"
#include "opsdeck/config.h"
#include "opsdeck/drafts.h"
#include "opsdeck/post_files.h"
#include "opsdeck/post_time.h"
#include "opsdeck/sp_manage.h"
#include "opsdeck/strbuf.h"
#include "opsdeck/templates.h"
#include "opsdeck/tz.h"
#include "opsdeck/xalloc.h"

static const char *const field_labels[FF__COUNT] = {
    [FF_TITLE] = "Title", [FF_STATUS] = "Status", [FF_IMPACT] = "Impact",
    [FF_START] = "Start", [FF_END] = "End", [FF_COMPONENTS] = "Components",
    [FF_MESSAGE] = "Message", [FF_ETA] = "ETA", [FF_TEMPLATE] = "Template",
    [FF_NOTIFY] = "Notify subscribers",
};

const char *post_form_field_label(enum form_field ff)
{
    return (unsigned)ff < FF__COUNT ? field_labels[ff] : "";
}

/* ---- text fields -------------------------------------------------------- */

static void ft_init(struct form_text *t, size_t max)
{
    t->cap = 64;
    t->s = xcalloc(1, t->cap);
    t->len = t->cursor = 0;
    t->max = max;
}

static void ft_free(struct form_text *t)
{
    free(t->s);
    t->s = NULL;
}

static bool ft_insert(struct form_text *t, const char *s, size_t n, bool multi_line)
{
    bool changed = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\0' || (!multi_line && (s[i] == '\n' || s[i] == '\r')))
            continue;
        if (t->len + 1 > t->max)
            break;
        if (t->len + 2 > t->cap) {
            t->cap *= 2;
            t->s = xrealloc(t->s, t->cap);
        }
        memmove(t->s + t->cursor + 1, t->s + t->cursor, t->len - t->cursor + 1);
        t->s[t->cursor++] = s[i];
        t->len++;
        changed = true;
    }
    return changed;
}

static void ft_set(struct form_text *t, const char *s)
{
    t->len = t->cursor = 0;
    t->s[0] = '\0';
    ft_insert(t, s ? s : "", s ? strlen(s) : 0, true);
}

static bool cont(char c)
{
    return ((unsigned char)c & 0xC0) == 0x80;
}

static void ft_left(struct form_text *t)
{
    while (t->cursor > 0) {
        t->cursor--;
        if (!cont(t->s[t->cursor]))
            break;
    }
}

static void ft_right(struct form_text *t)
{
    if (t->cursor < t->len)
        t->cursor++;
    while (t->cursor < t->len && cont(t->s[t->cursor]))
        t->cursor++;
}

static bool ft_backspace(struct form_text *t)
{
    size_t end = t->cursor;
    ft_left(t);
    if (end == t->cursor)
        return false;
    memmove(t->s + t->cursor, t->s + end, t->len - end + 1);
    t->len -= end - t->cursor;
    return true;
}

static bool ft_delete(struct form_text *t)
{
    if (t->cursor >= t->len)
        return false;
    size_t at = t->cursor;
    ft_right(t);
    size_t end = t->cursor;
    t->cursor = at;
    memmove(t->s + at, t->s + end, t->len - end + 1);
    t->len -= end - at;
    return true;
}

static size_t line_start(const struct form_text *t, size_t pos)
{
    while (pos > 0 && t->s[pos - 1] != '\n')
        pos--;
    return pos;
}

static size_t line_end(const struct form_text *t, size_t pos)
{
    while (pos < t->len && t->s[pos] != '\n')
        pos++;
    return pos;
}

/* Up or down one logical line, keeping the byte column where it fits. false
 * at the first or last line. */
static bool ft_vertical(struct form_text *t, bool up)
{
    size_t ls = line_start(t, t->cursor), col = t->cursor - ls;
    size_t target;
    if (up) {
        if (ls == 0)
            return false;
        target = line_start(t, ls - 1);
    } else {
        size_t le = line_end(t, t->cursor);
        if (le >= t->len)
            return false;
        target = le + 1;
    }
    size_t tend = line_end(t, target);
    t->cursor = target + col < tend ? target + col : tend;
    while (t->cursor > target && cont(t->s[t->cursor]))
        t->cursor--;
    return true;
}

/* ---- building ----------------------------------------------------------- */

static void add_field(struct post_form *f, enum form_field ff)
{
    f->fields[f->n_fields++] = ff;
}

static bool has_field(const struct post_form *f, enum form_field ff)
{
    for (size_t i = 0; i < f->n_fields; i++)
        if (f->fields[i] == ff)
            return true;
    return false;
}

static void set_fields(struct post_form *f)
{
    switch (f->kind) {
    case POST_INCIDENT:
        add_field(f, FF_TITLE);
        add_field(f, FF_STATUS);
        add_field(f, FF_IMPACT);
        break;
    case POST_UPDATE:
        add_field(f, FF_STATUS);
        break;
    case POST_MAINTENANCE:
        add_field(f, FF_TITLE);
        add_field(f, FF_STATUS);
        add_field(f, FF_START);
        add_field(f, FF_END);
        break;
    default:
        break;
    }
    add_field(f, FF_COMPONENTS);
    if (f->kind != POST_COMPONENT) {
        add_field(f, FF_MESSAGE);
        if (f->kind == POST_INCIDENT || f->kind == POST_UPDATE)
            add_field(f, FF_ETA);
        add_field(f, FF_TEMPLATE);
        add_field(f, FF_NOTIFY);
    }
}

static const char *const *zones_of(const struct post_form *f, size_t *n)
{
    *n = f->cfg ? f->cfg->n_timezones : 0;
    return f->cfg ? (const char *const *)f->cfg->timezones : NULL;
}

/* The form as a post, without validation (drafts, previews). */
static void form_to_post(const struct post_form *f, struct post *p, json_t **extra)
{
    post_init(p, f->kind);
    post_set(&p->feed, f->feed->id);
    post_set(&p->incident_id, f->incident_id);
    if (has_field(f, FF_TITLE))
        post_set(&p->title, f->title.s);
    if (has_field(f, FF_STATUS))
        p->status = f->status;
    if (has_field(f, FF_IMPACT))
        p->impact = f->impact;
    if (has_field(f, FF_MESSAGE) && f->message.len)
        post_set(&p->message, f->message.s);
    p->notify = f->notify;
    for (size_t i = 0; i < f->n_comps; i++)
        if (f->comps[i].next != COMP_UNKNOWN)
            post_add_component(p, f->comps[i].id, f->comps[i].name, f->comps[i].next);
    snprintf(p->key, sizeof(p->key), "%s", f->key);
    if (extra) {
        *extra = json_object();
        json_object_set_new(*extra, "start", json_string(f->start.s));
        json_object_set_new(*extra, "end", json_string(f->end.s));
        json_object_set_new(*extra, "eta", json_string(f->eta.s));
        /* typed bytes that are not UTF-8 are not kept (json_string refuses them) */
        if (f->template_sel)
            json_object_set_new(*extra, "template",
                                json_string(f->templates[f->template_sel - 1].name));
    }
}

void post_form_save_draft(struct post_form *f)
{
    struct post p;
    json_t *extra;
    form_to_post(f, &p, &extra);
    struct od_error err;
    enum od_status st = drafts_save_extra(&p, extra, &err);
    json_decref(extra);
    post_free(&p);
    f->draft_error = st != OD_OK;
    f->unsaved = false;
    if (f->draft_error)
        snprintf(f->error, sizeof(f->error), "draft not saved: %s", err.text);
}

void post_form_flush_draft(struct post_form *f)
{
    if (f->unsaved)
        post_form_save_draft(f);
}

void post_form_discard_draft(struct post_form *f)
{
    f->unsaved = false;
    drafts_discard(f->kind, f->feed->id, f->incident_id);
}

static void restore(struct post_form *f, const struct post *p, const json_t *extra)
{
    if (p->title)
        ft_set(&f->title, p->title);
    if (p->message)
        ft_set(&f->message, p->message);
    if (p->status != INC_UNKNOWN)
        f->status = p->status;
    f->impact = p->impact;
    f->notify = p->notify;
    if (p->key[0])
        snprintf(f->key, sizeof(f->key), "%s", p->key);
    for (size_t i = 0; i < p->n_components; i++)
        for (size_t c = 0; c < f->n_comps; c++)
            if (strcmp(f->comps[c].id, p->components[i].id) == 0)
                f->comps[c].next = p->components[i].status;
    const char *s = json_string_value(json_object_get(extra, "start"));
    if (s)
        ft_set(&f->start, s);
    s = json_string_value(json_object_get(extra, "end"));
    if (s)
        ft_set(&f->end, s);
    s = json_string_value(json_object_get(extra, "eta"));
    if (s)
        ft_set(&f->eta, s);
    s = json_string_value(json_object_get(extra, "template"));
    for (size_t i = 0; s && i < f->n_templates; i++)
        if (strcmp(f->templates[i].name, s) == 0)
            f->template_sel = i + 1;
}

struct post_form *post_form_new(enum post_kind kind, const struct config *cfg,
                                const struct config_feed *feed, const struct snapshot *snap,
                                const char *incident_id, int64_t now)
{
    struct post_form *f = xcalloc(1, sizeof(*f));
    f->kind = kind;
    f->cfg = cfg;
    f->feed = feed;
    f->now = now;
    f->notify = true;
    f->impact = IMPACT_UNKNOWN;
    ft_init(&f->title, POST_MAX_TITLE_CHARS * 4);
    ft_init(&f->message, POST_MAX_MESSAGE_CHARS * 4);
    ft_init(&f->start, 80);
    ft_init(&f->end, 80);
    ft_init(&f->eta, 80);
    f->incident_id = incident_id ? xstrdup(incident_id) : NULL;
    f->status = kind == POST_MAINTENANCE ? INC_SCHEDULED
              : kind == POST_RESOLVE     ? INC_RESOLVED
                                         : INC_INVESTIGATING;
    const struct incident *inc = snap && incident_id ? snapshot_find_incident(snap, incident_id)
                                                     : NULL;
    if (inc) {
        f->incident_name = inc->name ? xstrdup(inc->name) : NULL;
        if (kind == POST_UPDATE && post_status_allowed(POST_UPDATE, inc->status))
            f->status = inc->status;
    }
    for (size_t i = 0; snap && i < snap->n_components; i++) {
        const struct component *c = &snap->components[i];
        if (c->group || !c->id)
            continue;
        f->comps = xreallocarray(f->comps, f->n_comps + 1, sizeof(*f->comps));
        struct form_comp *fc = &f->comps[f->n_comps++];
        fc->id = xstrdup(c->id);
        fc->name = xstrdup(c->name ? c->name : c->id);
        fc->current = c->status;
        fc->next = COMP_UNKNOWN;
        /* resolving: the incident's components back to operational */
        for (size_t k = 0; kind == POST_RESOLVE && inc && k < inc->n_components; k++)
            if (inc->components[k].id && strcmp(inc->components[k].id, c->id) == 0 &&
                c->status != COMP_OPERATIONAL)
                fc->next = COMP_OPERATIONAL;
    }
    f->n_templates = templates_load(&f->templates, NULL);
    set_fields(f);
    struct post p;
    json_t *extra = NULL;
    struct od_error err;
    if (drafts_load_extra(kind, feed->id, incident_id, &p, &extra, &err) == OD_OK) {
        restore(f, &p, extra);
        f->restored = true;
    }
    post_free(&p);
    json_decref(extra);
    if (!f->key[0]) {
        struct post k;
        post_init(&k, kind);
        post_new_key(&k);
        snprintf(f->key, sizeof(f->key), "%s", k.key);
    }
    return f;
}

void post_form_free(struct post_form *f)
{
    if (!f)
        return;
    ft_free(&f->title);
    ft_free(&f->message);
    ft_free(&f->start);
    ft_free(&f->end);
    ft_free(&f->eta);
    for (size_t i = 0; i < f->n_comps; i++) {
        free(f->comps[i].id);
        free(f->comps[i].name);
    }
    free(f->comps);
    templates_free(f->templates, f->n_templates);
    free(f->incident_id);
    free(f->incident_name);
    free(f);
}

enum form_field post_form_focus(const struct post_form *f)
{
    return f->fields[f->focus];
}

static struct form_text *focused_text(struct post_form *f)
{
    switch (post_form_focus(f)) {
    case FF_TITLE: return &f->title;
    case FF_MESSAGE: return &f->message;
    case FF_START: return &f->start;
    case FF_END: return &f->end;
    case FF_ETA: return &f->eta;
    default: return NULL;
    }
}

/* ---- choices ------------------------------------------------------------ */

static const enum incident_status incident_statuses[] = {INC_INVESTIGATING, INC_IDENTIFIED,
                                                         INC_MONITORING, INC_RESOLVED};
static const enum incident_status maint_statuses[] = {INC_SCHEDULED, INC_IN_PROGRESS,
                                                      INC_VERIFYING, INC_COMPLETED};
static const enum impact impacts[] = {IMPACT_UNKNOWN, IMPACT_NONE, IMPACT_MINOR, IMPACT_MAJOR,
                                      IMPACT_CRITICAL, IMPACT_MAINTENANCE};
static const enum component_status comp_choices[] = {
    COMP_UNKNOWN, COMP_OPERATIONAL, COMP_DEGRADED_PERFORMANCE, COMP_PARTIAL_OUTAGE,
    COMP_MAJOR_OUTAGE, COMP_UNDER_MAINTENANCE};

static size_t cycle(size_t i, size_t n, int dir)
{
    return dir > 0 ? (i + 1) % n : (i + n - 1) % n;
}

static bool choose(struct post_form *f, int dir)
{
    size_t i;
    switch (post_form_focus(f)) {
    case FF_STATUS: {
        const enum incident_status *v = f->kind == POST_MAINTENANCE ? maint_statuses
                                                                    : incident_statuses;
        for (i = 0; i < 4 && v[i] != f->status; i++)
            ;
        f->status = v[cycle(i % 4, 4, dir)];
        return true;
    }
    case FF_IMPACT:
        for (i = 0; i < ARRAY_SIZE(impacts) && impacts[i] != f->impact; i++)
            ;
        f->impact = impacts[cycle(i % ARRAY_SIZE(impacts), ARRAY_SIZE(impacts), dir)];
        return true;
    case FF_COMPONENTS: {
        if (!f->n_comps)
            return false;
        struct form_comp *c = &f->comps[f->comp_sel];
        for (i = 0; i < ARRAY_SIZE(comp_choices) && comp_choices[i] != c->next; i++)
            ;
        c->next = comp_choices[cycle(i % ARRAY_SIZE(comp_choices), ARRAY_SIZE(comp_choices), dir)];
        return true;
    }
    case FF_TEMPLATE:
        f->template_sel = cycle(f->template_sel, f->n_templates + 1, dir);
        return true;
    case FF_NOTIFY:
        f->notify = !f->notify;
        return true;
    default:
        return false;
    }
}

const char *post_form_choice(const struct post_form *f, enum form_field ff)
{
    switch (ff) {
    case FF_STATUS:
        return incident_status_label(f->kind == POST_RESOLVE ? INC_RESOLVED : f->status);
    case FF_IMPACT:
        return f->impact == IMPACT_UNKNOWN ? "(from the components)" : impact_name(f->impact);
    case FF_TEMPLATE:
        return f->template_sel ? f->templates[f->template_sel - 1].name : "(none)";
    case FF_NOTIFY:
        return f->notify ? "yes" : "no";
    default:
        return "";
    }
}

static void join_changed(const struct post_form *f, char *buf, size_t size)
{
    buf[0] = '\0';
    size_t used = 0, n = 0, total = 0;
    for (size_t i = 0; i < f->n_comps; i++)
        total += f->comps[i].next != COMP_UNKNOWN;
    for (size_t i = 0; i < f->n_comps && used + 1 < size; i++) {
        if (f->comps[i].next == COMP_UNKNOWN)
            continue;
        n++;
        int w = snprintf(buf + used, size - used, "%s%s",
                         n == 1 ? "" : n == total ? " and " : ", ", f->comps[i].name);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

static void format_typed(const struct post_form *f, const struct form_text *t,
                         enum tz_style style, char *buf, size_t size)
{
    buf[0] = '\0';
    size_t nz;
    const char *const *z = zones_of(f, &nz);
    struct od_time tm;
    struct od_error err;
    if (t->len && post_time_parse(t->s, z, nz, f->now, &tm, &err) == OD_OK)
        tz_format_multi(buf, size, &tm, z, nz, style);
}

void post_form_apply_template(struct post_form *f)
{
    if (!f->template_sel)
        return;
    const struct template *t = &f->templates[f->template_sel - 1];
    char comps[512], start[160], end[160], eta[160];
    join_changed(f, comps, sizeof(comps));
    format_typed(f, &f->start, TZ_STYLE_DATE_HHMM, start, sizeof(start));
    format_typed(f, &f->end, TZ_STYLE_DATE_HHMM, end, sizeof(end));
    format_typed(f, &f->eta, TZ_STYLE_HHMM, eta, sizeof(eta));
    const char *title = f->title.len ? f->title.s : f->incident_name;
    struct template_vars vars = {comps[0] ? comps : NULL, eta, start, end, title};
    char *text = template_fill(t->text, &vars);
    ft_set(&f->message, text);
    free(text);
    if (t->status != INC_UNKNOWN && f->kind != POST_RESOLVE &&
        post_status_allowed(f->kind, t->status))
        f->status = t->status;
}

/* ---- keys --------------------------------------------------------------- */

static void move_focus(struct post_form *f, int dir)
{
    f->focus = cycle(f->focus, f->n_fields, dir);
}

static unsigned changed(struct post_form *f)
{
    f->error[0] = '\0';
    f->unsaved = true;
    return FORM_CHANGED;
}

unsigned post_form_text(struct post_form *f, const char *utf8, size_t len)
{
    if (f->stage != STAGE_EDIT)
        return 0;
    struct form_text *t = focused_text(f);
    if (!t)
        return 0;
    return ft_insert(t, utf8, len, post_form_focus(f) == FF_MESSAGE) ? changed(f) : 0;
}

static unsigned key_preview(struct post_form *f, enum form_key k)
{
    switch (k) {
    case FK_ENTER:
        f->stage = STAGE_SENDING;
        return FORM_SEND | FORM_CHANGED;
    case FK_ESC:
    case FK_BACKSPACE:
        f->stage = STAGE_EDIT;
        return FORM_CHANGED;
    default:
        return 0;
    }
}

unsigned post_form_key(struct post_form *f, enum form_key k)
{
    if (f->stage == STAGE_PREVIEW)
        return key_preview(f, k);
    if (f->stage == STAGE_SENDING)
        return k == FK_ESC ? FORM_CLOSE : 0;
    enum form_field ff = post_form_focus(f);
    struct form_text *t = focused_text(f);
    bool multi = ff == FF_MESSAGE;
    switch (k) {
    case FK_ESC:
        post_form_save_draft(f);
        return FORM_CLOSE;
    case FK_TAB:
        move_focus(f, 1);
        return FORM_CHANGED;
    case FK_BTAB:
        move_focus(f, -1);
        return FORM_CHANGED;
    case FK_PREVIEW: {
        struct post p;
        struct od_error err;
        if (post_form_post(f, &p, &err) == OD_OK)
            f->stage = STAGE_PREVIEW;
        post_free(&p);
        return FORM_CHANGED;
    }
    case FK_DISCARD:
        post_form_discard_draft(f);
        return FORM_RESTART | FORM_CHANGED;
    case FK_EDITOR:
        return multi || has_field(f, FF_MESSAGE) ? FORM_EDITOR : 0;
    case FK_UP:
    case FK_DOWN:
        if (multi && ft_vertical(t, k == FK_UP))
            return FORM_CHANGED;
        if (ff == FF_COMPONENTS && f->n_comps) {
            if (k == FK_UP && f->comp_sel > 0) {
                f->comp_sel--;
                return FORM_CHANGED;
            }
            if (k == FK_DOWN && f->comp_sel + 1 < f->n_comps) {
                f->comp_sel++;
                return FORM_CHANGED;
            }
        }
        move_focus(f, k == FK_UP ? -1 : 1);
        return FORM_CHANGED;
    case FK_LEFT:
    case FK_RIGHT:
        if (t) {
            if (k == FK_LEFT)
                ft_left(t);
            else
                ft_right(t);
            return FORM_CHANGED;
        }
        return choose(f, k == FK_LEFT ? -1 : 1) ? changed(f) : 0;
    case FK_SPACE:
        if (t)
            return post_form_text(f, " ", 1);
        return choose(f, 1) ? changed(f) : 0;
    case FK_HOME:
    case FK_END:
        if (t) {
            t->cursor = k == FK_HOME ? line_start(t, t->cursor) : line_end(t, t->cursor);
            return FORM_CHANGED;
        }
        return 0;
    case FK_BACKSPACE:
        return t && ft_backspace(t) ? changed(f) : 0;
    case FK_DELETE:
        return t && ft_delete(t) ? changed(f) : 0;
    case FK_ENTER:
        if (multi)
            return post_form_text(f, "\n", 1);
        if (ff == FF_TEMPLATE) {
            post_form_apply_template(f);
            return changed(f);
        }
        move_focus(f, 1);
        return FORM_CHANGED;
    }
    return 0;
}

/* ---- the post, the preview ---------------------------------------------- */

enum od_status post_form_post(struct post_form *f, struct post *out, struct od_error *err)
{
    form_to_post(f, out, NULL);
    size_t nz;
    const char *const *z = zones_of(f, &nz);
    enum od_status st = OD_OK;
    if (f->kind == POST_MAINTENANCE) {
        if (post_time_parse(f->start.s, z, nz, f->now, &out->start, err) != OD_OK ||
            post_time_parse(f->end.s, z, nz, f->now, &out->end, err) != OD_OK)
            st = OD_INVALID;
    }
    if (st == OD_OK)
        st = post_validate(out, err);
    if (st == OD_OK && f->feed->kind == FEED_CACHET) {
        /* Cachet's own limits, before anything is queued */
        struct post_request r;
        st = cachet_write_build(out, 0, f->feed->url, f->feed->time_zone, &r, err);
        post_request_free(&r);
    }
    if (st != OD_OK)
        snprintf(f->error, sizeof(f->error), "%s", err->text);
    return st;
}

static void add_line(struct strbuf *sb, const char *label, const char *value)
{
    strbuf_printf(sb, "%-12s %s\n", label, value ? value : "");
}

char *post_form_preview(struct post_form *f)
{
    struct strbuf sb;
    strbuf_init(&sb, 0);
    strbuf_puts(&sb, "");
    struct post p;
    struct od_error err;
    if (post_form_post(f, &p, &err) != OD_OK) {
        strbuf_printf(&sb, "Cannot post yet: %s\n", err.text);
        post_free(&p);
        return strbuf_steal(&sb, NULL);
    }
    const char *base = f->feed->manage_url ? f->feed->manage_url : f->feed->url;
    size_t steps = f->feed->kind == FEED_CACHET ? cachet_write_steps(&p) : sp_manage_steps(&p);
    for (size_t i = 0; i < steps; i++) {
        struct post_request r;
        enum od_status st = f->feed->kind == FEED_CACHET
            ? cachet_write_build(&p, i, base, f->feed->time_zone, &r, &err)
            : sp_manage_build(&p, i, base, f->feed->page_id, POST_ENC_JSON, &r, &err);
        if (st == OD_OK) {
            char where[1200];
            snprintf(where, sizeof(where), "%s %s", r.method, r.url);
            add_line(&sb, i == 0 ? "Where" : "", where);
        } else {
            add_line(&sb, "Where", err.text);
        }
        post_request_free(&r);
    }
    add_line(&sb, "Feed", config_feed_label(f->feed));
    add_line(&sb, "Post", post_kind_label(p.kind));
    if (p.title)
        add_line(&sb, "Title", p.title);
    if (f->incident_id) {
        char inc[400];
        snprintf(inc, sizeof(inc), "%s (%s)", f->incident_name ? f->incident_name : "?",
                 f->incident_id);
        add_line(&sb, "Incident", inc);
    }
    if (p.kind != POST_COMPONENT) {
        add_line(&sb, "Status", incident_status_label(post_effective_status(&p)));
        if (p.impact != IMPACT_UNKNOWN)
            add_line(&sb, "Impact", impact_name(p.impact));
        add_line(&sb, "Notify", p.notify ? "subscribers are notified" : "no notifications");
    }
    size_t nz;
    const char *const *z = zones_of(f, &nz);
    char when[200];
    struct od_time now = {.sec = f->now, .valid = true};
    tz_format_multi(when, sizeof(when), &now, z, nz, TZ_STYLE_DATE_HHMM);
    add_line(&sb, "Posted at", when);
    if (p.kind == POST_MAINTENANCE) {
        char buf[200];
        tz_format_multi(buf, sizeof(buf), &p.start, z, nz, TZ_STYLE_DATE_HHMM);
        add_line(&sb, "Starts", buf);
        tz_format_multi(buf, sizeof(buf), &p.end, z, nz, TZ_STYLE_DATE_HHMM);
        add_line(&sb, "Ends", buf);
    }
    for (size_t i = 0; i < f->n_comps; i++) {
        if (f->comps[i].next == COMP_UNKNOWN)
            continue;
        char ch[400];
        snprintf(ch, sizeof(ch), "%s: %s -> %s", f->comps[i].name,
                 component_status_label(f->comps[i].current),
                 component_status_label(f->comps[i].next));
        add_line(&sb, "Component", ch);
    }
    if (p.message) {
        strbuf_puts(&sb, "\n");
        strbuf_puts(&sb, p.message);
        strbuf_puts(&sb, "\n");
    }
    post_free(&p);
    return strbuf_steal(&sb, NULL);
}

enum od_status post_form_load_message(struct post_form *f, const char *path,
                                      struct od_error *err)
{
    char *text;
    size_t len;
    enum od_status st = post_read_file(path, f->message.max, &text, &len, err);
    if (st != OD_OK)
        return st;
    while (len > 0 && text[len - 1] == '\n')
        text[--len] = '\0';
    ft_set(&f->message, text);
    free(text);
    changed(f);
    post_form_flush_draft(f);
    return OD_OK;
}

void post_form_rejected(struct post_form *f, const char *message)
{
    f->stage = STAGE_EDIT;
    snprintf(f->error, sizeof(f->error), "%s", message ? message : "rejected");
}
