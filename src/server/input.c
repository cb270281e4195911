/* Write request bodies: JSON or form → one JSON tree → checked values. */
#include "opsdeck/srv_input.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "opsdeck/json_util.h"
#include "opsdeck/text.h"
#include "opsdeck/time_parse.h"
#include "opsdeck/xalloc.h"

OD_PRINTF(3, 4) static int fail(char *msg, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, size, fmt, ap);
    va_end(ap);
    return -1;
}

long srv_utf8_chars(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    long n = 0;
    size_t i = 0;
    while (i < len) {
        unsigned c = p[i];
        size_t more;
        unsigned min;
        if (c < 0x80) { more = 0; min = 0; }
        else if ((c & 0xe0) == 0xc0) { more = 1; min = 0x80; c &= 0x1f; }
        else if ((c & 0xf0) == 0xe0) { more = 2; min = 0x800; c &= 0x0f; }
        else if ((c & 0xf8) == 0xf0) { more = 3; min = 0x10000; c &= 0x07; }
        else return -1;
        if (c == 0 && more == 0 && p[i] == 0)
            return -1;                  /* NUL has no place in a name or body */
        for (size_t k = 1; k <= more; k++) {
            if (i + k >= len || (p[i + k] & 0xc0) != 0x80)
                return -1;
            c = c << 6 | (p[i + k] & 0x3f);
        }
        if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
            return -1;
        i += more + 1;
        n++;
    }
    return n;
}

/* ---- form encoding ----------------------------------------------------- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decoding with '+' as space; NULL on a bad escape. *out_len gets the length. */
static char *url_decode(const char *s, size_t len, size_t *out_len)
{
    char *out = xmalloc(len + 1);
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '+') {
            out[o++] = ' ';
        } else if (s[i] == '%') {
            if (i + 2 >= len) {
                free(out);
                return NULL;
            }
            int a = hexval((unsigned char)s[i + 1]), b = hexval((unsigned char)s[i + 2]);
            if (a < 0 || b < 0) {
                free(out);
                return NULL;
            }
            out[o++] = (char)(a << 4 | b);
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

/* Put `value` at the bracket path of `key` ("a[b][c]", "a[b][]") into root. */
static int form_put(json_t *root, const char *key, json_t *value, char *msg, size_t size)
{
    char seg[256];
    const char *p = key;
    size_t n = strcspn(p, "[");
    json_t *cur = root;
    int depth = 0;
    if (n == 0 || n >= sizeof(seg))
        return fail(msg, size, "form field '%.64s' has no usable name", key);
    memcpy(seg, p, n);
    seg[n] = '\0';
    p += n;
    for (;;) {
        bool last = *p == '\0';
        bool append = false;
        char next[256] = "";
        if (!last) {
            const char *close = strchr(p, ']');
            if (*p != '[' || !close || (size_t)(close - p - 1) >= sizeof(next))
                return fail(msg, size, "form field '%.64s' has unbalanced brackets", key);
            memcpy(next, p + 1, (size_t)(close - p - 1));
            next[close - p - 1] = '\0';
            p = close + 1;
            if (++depth > 4)
                return fail(msg, size, "form field '%.64s' nests too deep", key);
        }
        if (last) {
            if (json_is_array(cur)) {
                json_array_append(cur, value);
            } else if (json_is_object(cur)) {
                json_object_set(cur, seg, value);
            } else {
                return fail(msg, size, "form field '%.64s' conflicts with another field", key);
            }
            return 0;
        }
        append = next[0] == '\0';
        /* cur is always an object here: arrays only take "[]" appends, which end the key */
        if (!json_is_object(cur))
            return fail(msg, size, "form field '%.64s' conflicts with another field", key);
        json_t *child = json_object_get(cur, seg);
        if (!child) {
            child = append ? json_array() : json_object();
            json_object_set_new(cur, seg, child);
        } else if (append ? !json_is_array(child) : !json_is_object(child)) {
            /* "a=1&a[b]=2": a plain value cannot also hold fields */
            return fail(msg, size, "form field '%.64s' conflicts with another field", key);
        }
        cur = child;
        snprintf(seg, sizeof(seg), "%s", next);
        if (append) {
            if (*p != '\0')
                return fail(msg, size, "form field '%.64s': '[]' must come last", key);
            json_array_append(cur, value);
            return 0;
        }
    }
}

json_t *srv_form_parse(const char *body, size_t len, char *msg, size_t size)
{
    json_t *root = json_object();
    size_t pairs = 0;
    size_t i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && body[end] != '&')
            end++;
        if (end > i) {
            if (++pairs > SRV_MAX_FORM_PAIRS) {
                fail(msg, size, "form has more than %d fields", SRV_MAX_FORM_PAIRS);
                goto bad;
            }
            const char *eq = memchr(body + i, '=', end - i);
            size_t klen = eq ? (size_t)(eq - (body + i)) : end - i;
            size_t kdec, vdec = 0;
            char *key = url_decode(body + i, klen, &kdec);
            char *val = eq ? url_decode(eq + 1, (size_t)(body + end - eq - 1), &vdec) : xstrdup("");
            if (!key || !val || strlen(key) != kdec) {
                free(key);
                free(val);
                fail(msg, size, "form field %zu has a bad percent-escape", pairs);
                goto bad;
            }
            json_t *v = json_stringn_nocheck(val, vdec);
            int rc = form_put(root, key, v, msg, size);
            json_decref(v);
            free(key);
            free(val);
            if (rc < 0)
                goto bad;
        }
        i = end + 1;
    }
    return root;
bad:
    json_decref(root);
    return NULL;
}

json_t *srv_body_parse(const char *content_type, const char *body, size_t len,
                       int *http_status, char *msg, size_t size)
{
    *http_status = 400;
    size_t ws = 0;
    while (ws < len && strchr(" \t\r\n", body[ws]))
        ws++;
    if (ws == len)
        return json_object();
    bool is_form = content_type &&
                   strncasecmp(content_type, "application/x-www-form-urlencoded", 33) == 0;
    bool is_json = content_type ? strncasecmp(content_type, "application/json", 16) == 0
                                : body[ws] == '{';
    if (!is_form && !is_json) {
        *http_status = 415;
        fail(msg, size, "Content-Type must be application/json or "
                        "application/x-www-form-urlencoded, not '%.64s'",
             content_type ? content_type : "(none)");
        return NULL;
    }
    if (is_form)
        return srv_form_parse(body, len, msg, size);
    struct od_error err;
    struct ju_limits lim = { .max_bytes = len + 1, .max_depth = 16 };
    json_t *root = ju_load(body, len, &lim, "body", &err);
    if (!root) {
        char text[400];
        od_error_format(text, sizeof(text), &err);
        fail(msg, size, "body is not valid JSON: %s", text);
        return NULL;
    }
    if (!json_is_object(root)) {
        json_decref(root);
        fail(msg, size, "body must be a JSON object");
        return NULL;
    }
    return root;
}

/* ---- values ------------------------------------------------------------ */

/* A string field: -1 on error, 0 absent, 1 present (*out malloc'd, sanitised). */
static int text_field(const json_t *obj, const char *obj_name, const char *key, size_t max_chars,
                      bool multi_line, bool allow_null, char **out, char *msg, size_t size)
{
    const json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v)
        return 0;
    if (json_is_null(v)) {
        if (allow_null)
            return 1;
        return fail(msg, size, "%s.%s must be a string, not null", obj_name, key);
    }
    if (!json_is_string(v))
        return fail(msg, size, "%s.%s must be a string, not %s", obj_name, key, ju_type_name(v));
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    long chars = srv_utf8_chars(s, len);
    if (chars < 0)
        return fail(msg, size, "%s.%s is not valid UTF-8 text", obj_name, key);
    if ((size_t)chars > max_chars)
        return fail(msg, size, "%s.%s is %ld characters; the limit is %zu", obj_name, key,
                    chars, max_chars);
    *out = text_sanitize(s, len, multi_line ? TEXT_KEEP_NEWLINES : TEXT_SINGLE_LINE, 0);
    return 1;
}

/* A boolean given as JSON true/false or a form's "true"/"false"/"1"/"0". */
static int bool_field(const json_t *obj, const char *obj_name, const char *key, int *out,
                      char *msg, size_t size)
{
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return 0;
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return 1;
    }
    const char *s = json_string_value(v);
    if (s && (!strcmp(s, "true") || !strcmp(s, "1"))) { *out = 1; return 1; }
    if (s && (!strcmp(s, "false") || !strcmp(s, "0"))) { *out = 0; return 1; }
    return fail(msg, size, "%s.%s must be true or false", obj_name, key);
}

static int time_field(const json_t *obj, const char *key, struct od_time *out, char *msg,
                      size_t size)
{
    const json_t *v = json_object_get(obj, key);
    out->valid = false;
    if (!v || json_is_null(v))
        return 0;
    const char *s = json_string_value(v);
    if (!s || !time_parse_rfc3339(s, out))
        return fail(msg, size, "incident.%s '%.40s' is not an RFC 3339 time "
                               "(like 2026-05-23T08:00:00Z)", key, s ? s : ju_type_name(v));
    return 1;
}

static const char *component_status_list(void)
{
    return "operational, degraded_performance, partial_outage, major_outage, "
           "under_maintenance";
}

static bool id_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", s[i]))
            return false;
    return true;
}

static int component_status_value(const json_t *v, const char *where, enum component_status *out,
                                  char *msg, size_t size)
{
    const char *s = json_string_value(v);
    enum component_status st = s ? component_status_from_name(s) : COMP_UNKNOWN;
    if (st == COMP_UNKNOWN)
        return fail(msg, size, "%s '%.40s' is not one of %s", where,
                    s ? s : ju_type_name(v), component_status_list());
    *out = st;
    return 0;
}

static const json_t *wrapped(const json_t *root, const char *key, char *msg, size_t size)
{
    const json_t *o = json_object_get(root, key);
    if (!o) {
        fail(msg, size, "the body needs an '%s' object (%s[...] fields in a form)", key, key);
        return NULL;
    }
    if (!json_is_object(o)) {
        fail(msg, size, "'%s' must be an object, not %s", key, ju_type_name(o));
        return NULL;
    }
    return o;
}

int srv_incident_input_parse(const json_t *root, bool create, struct srv_incident_input *in,
                             char *msg, size_t size)
{
    memset(in, 0, sizeof(*in));
    in->deliver_notifications = true;
    const json_t *o = wrapped(root, "incident", msg, size);
    if (!o)
        return -1;
    if (text_field(o, "incident", "name", SRV_MAX_NAME_CHARS, false, false, &in->name, msg,
                   size) < 0)
        goto bad;
    if (create && (!in->name || !in->name[0])) {
        fail(msg, size, "incident.name is required");
        goto bad;
    }
    if (in->name && !in->name[0]) {
        fail(msg, size, "incident.name must not be empty");
        goto bad;
    }
    if (text_field(o, "incident", "body", SRV_MAX_BODY_CHARS, true, true, &in->body, msg,
                   size) < 0)
        goto bad;
    const json_t *v = json_object_get(o, "status");
    if (v && !json_is_null(v)) {
        const char *s = json_string_value(v);
        enum incident_status st = s ? incident_status_from_name(s) : INC_UNKNOWN;
        if (st == INC_UNKNOWN) {
            fail(msg, size, "incident.status '%.40s' is not one of investigating, identified, "
                 "monitoring, resolved, postmortem, scheduled, in_progress, verifying, completed",
                 s ? s : ju_type_name(v));
            goto bad;
        }
        in->has_status = true;
        in->status = st;
    } else if (create) {
        in->has_status = true;
        in->status = INC_INVESTIGATING;
    }
    v = json_object_get(o, "impact_override");
    if (v && !json_is_null(v)) {
        const char *s = json_string_value(v);
        enum impact im = s ? impact_from_name(s) : IMPACT_UNKNOWN;
        if (im == IMPACT_UNKNOWN) {
            fail(msg, size, "incident.impact_override '%.40s' is not one of none, maintenance, "
                 "minor, major, critical", s ? s : ju_type_name(v));
            goto bad;
        }
        in->has_impact = true;
        in->impact_override = im;
    }
    int dn = 1;
    if (bool_field(o, "incident", "deliver_notifications", &dn, msg, size) < 0)
        goto bad;
    in->deliver_notifications = dn;
    if (time_field(o, "scheduled_for", &in->scheduled_for, msg, size) < 0 ||
        time_field(o, "scheduled_until", &in->scheduled_until, msg, size) < 0)
        goto bad;
    if (in->scheduled_for.valid && in->scheduled_until.valid &&
        time_cmp(&in->scheduled_until, &in->scheduled_for) < 0) {
        fail(msg, size, "incident.scheduled_until is before incident.scheduled_for");
        goto bad;
    }
    if (create && in->status == INC_SCHEDULED && !in->scheduled_for.valid) {
        fail(msg, size, "incident.scheduled_for is required when status is scheduled");
        goto bad;
    }
    v = json_object_get(o, "components");
    if (v && !json_is_null(v)) {
        if (!json_is_object(v)) {
            fail(msg, size, "incident.components must be an object of component id to "
                            "status, not %s", ju_type_name(v));
            goto bad;
        }
        if (json_object_size(v) > SRV_MAX_IDS) {
            fail(msg, size, "incident.components lists more than %d components", SRV_MAX_IDS);
            goto bad;
        }
        in->components = xcalloc(json_object_size(v) + 1, sizeof(*in->components));
        const char *key;
        const json_t *val;
        json_object_foreach((json_t *)v, key, val) {
            char where[128];
            if (!id_ok(key)) {
                fail(msg, size, "incident.components: '%.40s' is not a component id", key);
                goto bad;
            }
            snprintf(where, sizeof(where), "incident.components[%s]", key);
            struct srv_comp_status *cs = &in->components[in->n_components];
            if (component_status_value(val, where, &cs->status, msg, size) < 0)
                goto bad;
            cs->id = xstrdup(key);
            in->n_components++;
        }
    }
    v = json_object_get(o, "component_ids");
    if (v && !json_is_null(v)) {
        if (!json_is_array(v) || json_array_size(v) > SRV_MAX_IDS) {
            fail(msg, size, "incident.component_ids must be an array of at most %d ids",
                 SRV_MAX_IDS);
            goto bad;
        }
        in->component_ids = xcalloc(json_array_size(v) + 1, sizeof(char *));
        size_t i;
        const json_t *e;
        json_array_foreach((json_t *)v, i, e) {
            const char *s = json_string_value(e);
            if (!s || !id_ok(s)) {
                fail(msg, size, "incident.component_ids[%zu] is not a component id", i);
                goto bad;
            }
            in->component_ids[in->n_component_ids++] = xstrdup(s);
        }
    }
    return 0;
bad:
    srv_incident_input_free(in);
    return -1;
}

void srv_incident_input_free(struct srv_incident_input *in)
{
    free(in->name);
    free(in->body);
    for (size_t i = 0; i < in->n_components; i++)
        free(in->components[i].id);
    free(in->components);
    for (size_t i = 0; i < in->n_component_ids; i++)
        free(in->component_ids[i]);
    free(in->component_ids);
    memset(in, 0, sizeof(*in));
}

int srv_component_input_parse(const json_t *root, bool create, struct srv_component_input *in,
                              char *msg, size_t size)
{
    memset(in, 0, sizeof(*in));
    in->showcase = -1;
    in->only_show_if_degraded = -1;
    const json_t *o = wrapped(root, "component", msg, size);
    if (!o)
        return -1;
    if (text_field(o, "component", "name", SRV_MAX_NAME_CHARS, false, false, &in->name, msg,
                   size) < 0)
        goto bad;
    if ((create && !in->name) || (in->name && !in->name[0])) {
        fail(msg, size, in->name ? "component.name must not be empty"
                                 : "component.name is required");
        goto bad;
    }
    int has = text_field(o, "component", "description", SRV_MAX_NAME_CHARS, false, true,
                         &in->description, msg, size);
    if (has < 0)
        goto bad;
    in->has_description = has > 0;
    const json_t *v = json_object_get(o, "status");
    if (v && !json_is_null(v)) {
        if (component_status_value(v, "component.status", &in->status, msg, size) < 0)
            goto bad;
        in->has_status = true;
    } else if (create) {
        in->has_status = true;
        in->status = COMP_OPERATIONAL;
    }
    v = json_object_get(o, "group_id");
    if (v) {
        in->has_group_id = true;
        if (!json_is_null(v)) {
            const char *s = json_string_value(v);
            if (!s || !id_ok(s)) {
                fail(msg, size, "component.group_id is not a component id");
                goto bad;
            }
            in->group_id = xstrdup(s);
        }
    }
    if (bool_field(o, "component", "showcase", &in->showcase, msg, size) < 0 ||
        bool_field(o, "component", "only_show_if_degraded", &in->only_show_if_degraded, msg,
                   size) < 0)
        goto bad;
    return 0;
bad:
    srv_component_input_free(in);
    return -1;
}

void srv_component_input_free(struct srv_component_input *in)
{
    free(in->name);
    free(in->description);
    free(in->group_id);
    memset(in, 0, sizeof(*in));
}
