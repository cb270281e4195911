/* Statuspage v2 writer: snapshot → JSON shaped like the real service's
 * (field names and order as api.statuspage.io pages send them, nulls where the
 * model has nothing, updates newest first). opsdeckd serves with it. */
#include "opsdeck/sp_codec.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/strbuf.h"
#include "opsdeck/xalloc.h"

struct writer {
    struct strbuf sb;
};

/* ---- JSON scalars ------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s (max n bytes), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

/* A JSON string. Control characters are \u-escaped, invalid UTF-8 becomes
 * U+FFFD (the output is always valid JSON); with `html`, '&', '<', '>' go out
 * as entities (bodies are HTML on the wire). */
static void put_str_html(struct writer *w, const char *str, bool html)
{
    if (!str) {
        strbuf_puts(&w->sb, "null");
        return;
    }
    const unsigned char *s = (const unsigned char *)str;
    size_t n = strlen(str);
    strbuf_append(&w->sb, "\"", 1);
    size_t run = 0;     /* start of the pending run of bytes copied verbatim */
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        const char *rep = NULL;
        char esc[8];
        size_t adv = 1;
        if (c == '"')
            rep = "\\\"";
        else if (c == '\\')
            rep = "\\\\";
        else if (c == '\n')
            rep = "\\n";
        else if (c == '\r')
            rep = "\\r";
        else if (c == '\t')
            rep = "\\t";
        else if (c < 0x20 || c == 0x7f) {
            snprintf(esc, sizeof(esc), "\\u%04x", c);
            rep = esc;
        } else if (html && c == '&')
            rep = "&amp;";
        else if (html && c == '<')
            rep = "&lt;";
        else if (html && c == '>')
            rep = "&gt;";
        else if (c >= 0x80) {
            adv = utf8_seq(s + i, n - i);
            if (!adv) {
                rep = "\xef\xbf\xbd";
                adv = 1;
            }
        }
        if (rep) {
            strbuf_append(&w->sb, s + run, i - run);
            strbuf_puts(&w->sb, rep);
            run = i + adv;
        }
        i += adv;
    }
    strbuf_append(&w->sb, s + run, n - run);
    strbuf_append(&w->sb, "\"", 1);
}

static void put_str(struct writer *w, const char *s)
{
    put_str_html(w, s, false);
}

static void put_key(struct writer *w, const char *key, bool first)
{
    if (!first)
        strbuf_append(&w->sb, ",", 1);
    strbuf_append(&w->sb, "\"", 1);
    strbuf_puts(&w->sb, key);
    strbuf_append(&w->sb, "\":", 2);
}

static void kv_str(struct writer *w, const char *key, const char *v)
{
    put_key(w, key, false);
    put_str(w, v);
}

static void kv_raw(struct writer *w, const char *key, const char *raw)
{
    put_key(w, key, false);
    strbuf_puts(&w->sb, raw);
}

static void kv_bool(struct writer *w, const char *key, bool v)
{
    kv_raw(w, key, v ? "true" : "false");
}

/* Time with its own offset and milliseconds, as Statuspage writes it
 * ("2022-11-25T15:50:04.967Z", "2022-02-15T13:37:37.407-08:00"); more fraction
 * digits only when the time carries them, so nothing read is lost. */
static void put_time(struct writer *w, const struct od_time *t)
{
    if (!t->valid) {
        strbuf_puts(&w->sb, "null");
        return;
    }
    char buf[64];
    int n = time_format_rfc3339_local(buf, sizeof(buf), t);
    if (n <= 0 || (size_t)n >= sizeof(buf)) {
        strbuf_puts(&w->sb, "null");
        return;
    }
    int32_t sub = t->nsec % 1000000;
    if (sub) {
        /* buf is "...SS.mmm" + zone; splice in the extra digits after mmm. */
        char *dot = strchr(buf, '.');
        char extra[8];
        if (sub % 1000 == 0)
            snprintf(extra, sizeof(extra), "%03d", (int)(sub / 1000));
        else
            snprintf(extra, sizeof(extra), "%06d", (int)sub);
        char out[80];
        snprintf(out, sizeof(out), "%.*s%s%s", (int)(dot + 4 - buf), buf, extra, dot + 4);
        strbuf_append(&w->sb, "\"", 1);
        strbuf_puts(&w->sb, out);
        strbuf_append(&w->sb, "\"", 1);
        return;
    }
    strbuf_append(&w->sb, "\"", 1);
    strbuf_append(&w->sb, buf, (size_t)n);
    strbuf_append(&w->sb, "\"", 1);
}

static void kv_time(struct writer *w, const char *key, const struct od_time *t)
{
    put_key(w, key, false);
    put_time(w, t);
}

/* ---- objects ----------------------------------------------------------- */

static void put_page(struct writer *w, const struct page_info *p)
{
    strbuf_puts(&w->sb, "{\"id\":");
    put_str(w, p->id);
    kv_str(w, "name", p->name);
    kv_str(w, "url", p->url);
    kv_str(w, "time_zone", p->time_zone);
    kv_time(w, "updated_at", &p->updated_at);
    strbuf_puts(&w->sb, "}");
}

static void put_component(struct writer *w, const struct component *c)
{
    strbuf_puts(&w->sb, "{\"id\":");
    put_str(w, c->id);
    kv_str(w, "name", c->name);
    kv_str(w, "status", component_status_name(c->status));
    kv_time(w, "created_at", &c->created_at);
    kv_time(w, "updated_at", &c->updated_at);
    put_key(w, "position", false);
    strbuf_printf(&w->sb, "%d", c->position);
    kv_str(w, "description", c->description);
    kv_bool(w, "showcase", c->showcase);
    kv_str(w, "start_date", c->start_date);
    kv_str(w, "group_id", c->group_id);
    kv_str(w, "page_id", c->page_id);
    kv_bool(w, "group", c->group);
    kv_bool(w, "only_show_if_degraded", c->only_show_if_degraded);
    if (c->group || c->n_children) {
        put_key(w, "components", false);
        strbuf_puts(&w->sb, "[");
        for (size_t i = 0; i < c->n_children; i++) {
            if (i)
                strbuf_puts(&w->sb, ",");
            put_str(w, c->children[i]);
        }
        strbuf_puts(&w->sb, "]");
    }
    strbuf_puts(&w->sb, "}");
}

static void put_components(struct writer *w, const struct component *list, size_t n)
{
    strbuf_puts(&w->sb, "[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            strbuf_puts(&w->sb, ",");
        put_component(w, &list[i]);
    }
    strbuf_puts(&w->sb, "]");
}

static void put_update(struct writer *w, const struct incident_update *u)
{
    strbuf_puts(&w->sb, "{\"id\":");
    put_str(w, u->id);
    kv_str(w, "status", incident_status_name(u->status));
    put_key(w, "body", false);
    put_str_html(w, u->body, true);
    kv_str(w, "incident_id", u->incident_id);
    kv_time(w, "created_at", &u->created_at);
    kv_time(w, "updated_at", &u->updated_at);
    kv_time(w, "display_at", &u->display_at);
    put_key(w, "affected_components", false);
    if (!u->has_changes) {
        strbuf_puts(&w->sb, "null");
    } else {
        strbuf_puts(&w->sb, "[");
        for (size_t i = 0; i < u->n_changes; i++) {
            const struct component_change *ch = &u->changes[i];
            strbuf_puts(&w->sb, i ? ",{\"code\":" : "{\"code\":");
            put_str(w, ch->id);
            kv_str(w, "name", ch->name);
            kv_str(w, "old_status", component_status_name(ch->old_status));
            kv_str(w, "new_status", component_status_name(ch->new_status));
            strbuf_puts(&w->sb, "}");
        }
        strbuf_puts(&w->sb, "]");
    }
    kv_bool(w, "deliver_notifications", u->deliver_notifications);
    kv_raw(w, "custom_tweet", "null");
    kv_raw(w, "tweet_id", "null");
    strbuf_puts(&w->sb, "}");
}

/* Indices of an incident's updates newest first by shown time, whatever order
 * the snapshot holds them in (the reader's snapshots are sorted already). */
static int by_shown_time_desc(const void *pa, const void *pb, const struct incident *inc)
{
    const struct incident_update *a = &inc->updates[*(const size_t *)pa];
    const struct incident_update *b = &inc->updates[*(const size_t *)pb];
    struct od_time ta = update_shown_time(a), tb = update_shown_time(b);
    int c = time_cmp(&tb, &ta);
    if (c)
        return c;
    c = time_cmp(&b->created_at, &a->created_at);
    if (c)
        return c;
    size_t ia = *(const size_t *)pa, ib = *(const size_t *)pb;
    return ia < ib ? -1 : ia > ib;
}

static void put_updates(struct writer *w, const struct incident *inc)
{
    size_t n = inc->n_updates;
    size_t *idx = n ? xreallocarray(NULL, n, sizeof(*idx)) : NULL;
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    /* Insertion sort: stable, and the input is nearly always sorted already. */
    for (size_t i = 1; i < n; i++) {
        size_t v = idx[i], j = i;
        while (j > 0 && by_shown_time_desc(&idx[j - 1], &v, inc) > 0) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = v;
    }
    strbuf_puts(&w->sb, "[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            strbuf_puts(&w->sb, ",");
        put_update(w, &inc->updates[idx[i]]);
    }
    strbuf_puts(&w->sb, "]");
    free(idx);
}

static void put_incident(struct writer *w, const struct incident *inc)
{
    strbuf_puts(&w->sb, "{\"id\":");
    put_str(w, inc->id);
    kv_str(w, "name", inc->name);
    kv_str(w, "status", incident_status_name(inc->status));
    kv_time(w, "created_at", &inc->created_at);
    kv_time(w, "updated_at", &inc->updated_at);
    kv_time(w, "monitoring_at", &inc->monitoring_at);
    kv_time(w, "resolved_at", &inc->resolved_at);
    kv_str(w, "impact", impact_name(inc->impact));
    kv_str(w, "shortlink", inc->shortlink);
    kv_time(w, "started_at", &inc->started_at);
    kv_str(w, "page_id", inc->page_id);
    put_key(w, "incident_updates", false);
    put_updates(w, inc);
    put_key(w, "components", false);
    put_components(w, inc->components, inc->n_components);
    if (inc->maintenance || inc->scheduled_for.valid || inc->scheduled_until.valid) {
        kv_time(w, "scheduled_for", &inc->scheduled_for);
        kv_time(w, "scheduled_until", &inc->scheduled_until);
    }
    kv_raw(w, "reminder_intervals", "null");
    strbuf_puts(&w->sb, "}");
}

static void put_incidents(struct writer *w, const struct incident *list, size_t n)
{
    strbuf_puts(&w->sb, "[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            strbuf_puts(&w->sb, ",");
        put_incident(w, &list[i]);
    }
    strbuf_puts(&w->sb, "]");
}

/* ---- documents --------------------------------------------------------- */

/* The top-level keys each kind carries, in the real service's order. */
static unsigned doc_parts(enum sp_doc doc)
{
    switch (doc) {
    case SP_DOC_STATUS: return SNAP_PAGE | SNAP_STATUS;
    case SP_DOC_COMPONENTS: return SNAP_PAGE | SNAP_COMPONENTS;
    case SP_DOC_INCIDENTS: return SNAP_PAGE | SNAP_INCIDENTS;
    case SP_DOC_MAINTENANCES: return SNAP_PAGE | SNAP_MAINTENANCES;
    case SP_DOC_SUMMARY:
    case SP_DOC_AUTO:
    default:
        return SNAP_PAGE | SNAP_STATUS | SNAP_COMPONENTS | SNAP_INCIDENTS | SNAP_MAINTENANCES;
    }
}

static unsigned doc_own_part(enum sp_doc doc)
{
    switch (doc) {
    case SP_DOC_STATUS: return SNAP_STATUS;
    case SP_DOC_INCIDENTS: return SNAP_INCIDENTS;
    case SP_DOC_MAINTENANCES: return SNAP_MAINTENANCES;
    default: return SNAP_COMPONENTS;
    }
}

char *sp_write(const struct snapshot *s, enum sp_doc doc, size_t *len)
{
    /* An explicit kind always carries its own key; AUTO writes exactly the
     * parts the snapshot has, so that read(write(x)) == x. */
    unsigned want = s->parts;
    if (doc == SP_DOC_AUTO)
        doc = sp_doc_for_parts(s->parts);
    else
        want |= doc_own_part(doc);
    want &= doc_parts(doc);

    struct writer w;
    strbuf_init(&w.sb, 0);
    strbuf_puts(&w.sb, "{");
    bool first = true;
    if (want & SNAP_PAGE) {
        put_key(&w, "page", first);
        first = false;
        put_page(&w, &s->page);
    }
    if (want & SNAP_COMPONENTS) {
        put_key(&w, "components", first);
        first = false;
        put_components(&w, s->components, s->n_components);
    }
    if (want & SNAP_INCIDENTS) {
        put_key(&w, "incidents", first);
        first = false;
        put_incidents(&w, s->incidents, s->n_incidents);
    }
    if (want & SNAP_MAINTENANCES) {
        put_key(&w, "scheduled_maintenances", first);
        first = false;
        put_incidents(&w, s->maintenances, s->n_maintenances);
    }
    if (want & SNAP_STATUS) {
        put_key(&w, "status", first);
        strbuf_puts(&w.sb, "{\"indicator\":");
        put_str(&w, impact_name(s->indicator));
        kv_str(&w, "description", s->indicator_description);
        strbuf_puts(&w.sb, "}");
    }
    strbuf_puts(&w.sb, "}");
    return strbuf_steal(&w.sb, len);
}
