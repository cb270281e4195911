/* Requests for posts: printing (token redacted), URL and form encoding, and
 * what a response means (done, retry later, rejected with the server's words). */
#include "opsdeck/post.h"

#include <stdlib.h>
#include <string.h>

#include "opsdeck/strbuf.h"
#include "opsdeck/text.h"
#include "opsdeck/xalloc.h"

void post_request_free(struct post_request *r)
{
    if (!r)
        return;
    free(r->url);
    free(r->body);
    r->url = r->body = NULL;
}

void post_request_print(FILE *out, const struct post_request *r)
{
    fprintf(out, "%s %s\n", r->method, r->url);
    if (r->auth_header)
        fprintf(out, "%s: %s<redacted>\n", r->auth_header, r->auth_scheme ? r->auth_scheme : "");
    if (r->idempotency_key[0])
        fprintf(out, "Idempotency-Key: %s\n", r->idempotency_key);
    if (r->content_type)
        fprintf(out, "Content-Type: %s\n", r->content_type);
    if (r->body) {
        fputc('\n', out);
        fwrite(r->body, 1, r->body_len, out);
        fputc('\n', out);
    }
}

static bool unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

static void escape_into(struct strbuf *sb, const char *s, bool form_plus)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (unreserved(*p)) {
            strbuf_append(sb, p, 1);
        } else if (*p == ' ' && form_plus) {
            strbuf_append(sb, "+", 1);
        } else {
            char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            strbuf_append(sb, e, 3);
        }
    }
}

char *post_url_escape(const char *s, bool form_plus)
{
    struct strbuf sb;
    strbuf_init(&sb, 0);
    strbuf_puts(&sb, "");
    escape_into(&sb, s ? s : "", form_plus);
    return strbuf_steal(&sb, NULL);
}

static void form_value(struct strbuf *sb, const char *name, const json_t *v)
{
    size_t i;
    const char *k;
    const json_t *m;
    if (json_is_object(v)) {
        json_object_foreach((json_t *)v, k, m) {
            char *sub = xasprintf("%s[%s]", name, k);
            form_value(sb, sub, m);
            free(sub);
        }
        return;
    }
    if (json_is_array(v)) {
        char *sub = xasprintf("%s[]", name);
        json_array_foreach(v, i, m)
            form_value(sb, sub, m);
        free(sub);
        return;
    }
    if (sb->len)
        strbuf_append(sb, "&", 1);
    escape_into(sb, name, true);
    strbuf_append(sb, "=", 1);
    if (json_is_string(v)) {
        escape_into(sb, json_string_value(v), true);
    } else if (json_is_true(v)) {
        strbuf_puts(sb, "true");
    } else if (json_is_false(v)) {
        strbuf_puts(sb, "false");
    } else if (json_is_integer(v)) {
        strbuf_printf(sb, "%lld", (long long)json_integer_value(v));
    } else if (json_is_real(v)) {
        strbuf_printf(sb, "%.17g", json_real_value(v));
    }
}

char *post_form_encode(const json_t *o, size_t *len)
{
    struct strbuf sb;
    strbuf_init(&sb, 0);
    strbuf_puts(&sb, "");
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)o, k, v)
        form_value(&sb, k, v);
    return strbuf_steal(&sb, len);
}

/* ---- responses ---------------------------------------------------------- */

static bool set_text(char *buf, size_t size, const char *s)
{
    if (!s || !*s)
        return false;
    char *clean = text_sanitize(s, strlen(s), TEXT_SINGLE_LINE, size - 1);
    snprintf(buf, size, "%s", clean);
    free(clean);
    return buf[0] != '\0';
}

/* {"errors":{"name":["can't be blank"], …}}: "name can't be blank; …" */
static bool field_errors(const json_t *errs, char *buf, size_t size)
{
    struct strbuf sb;
    strbuf_init(&sb, 4096);
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)errs, k, v) {
        const json_t *first = json_is_array(v) ? json_array_get(v, 0) : v;
        if (!json_is_string(first))
            continue;
        if (sb.len)
            strbuf_puts(&sb, "; ");
        strbuf_printf(&sb, "%s %s", k, json_string_value(first));
    }
    bool ok = set_text(buf, size, strbuf_str(&sb));
    strbuf_free(&sb);
    return ok;
}

bool post_error_text(const char *body, size_t len, char *buf, size_t size)
{
    if (size == 0)
        return false;
    buf[0] = '\0';
    if (!body || len == 0 || len > (1u << 20))
        return false;
    json_t *root = json_loadb(body, len, JSON_DECODE_ANY, NULL);
    bool ok = false;
    if (!json_is_object(root))
        goto out;
    const json_t *m = json_object_get(root, "message");
    const json_t *e = json_object_get(root, "error");
    const json_t *es = json_object_get(root, "errors");
    if (json_is_string(m)) {
        ok = set_text(buf, size, json_string_value(m));
    } else if (json_is_string(e)) {
        ok = set_text(buf, size, json_string_value(e));
    } else if (json_is_object(e) && json_is_string(json_object_get(e, "message"))) {
        ok = set_text(buf, size, json_string_value(json_object_get(e, "message")));
    } else if (json_is_array(es)) {
        /* Cachet: the validation details say what is wrong; detail is generic */
        const json_t *first = json_array_get(es, 0);
        const json_t *details = json_object_get(json_object_get(first, "meta"), "details");
        if (json_is_array(details) && json_is_string(json_array_get(details, 0)))
            ok = set_text(buf, size, json_string_value(json_array_get(details, 0)));
        else if (json_is_string(json_object_get(first, "detail")))
            ok = set_text(buf, size, json_string_value(json_object_get(first, "detail")));
        else if (json_is_string(json_object_get(first, "title")))
            ok = set_text(buf, size, json_string_value(json_object_get(first, "title")));
        else if (json_is_string(first))
            ok = set_text(buf, size, json_string_value(first));
    } else if (json_is_object(es)) {
        ok = field_errors(es, buf, size);
    }
out:
    json_decref(root);
    return ok;
}

static void result_id(const char *body, size_t len, char *buf, size_t size)
{
    buf[0] = '\0';
    if (!body || len == 0 || len > (64u << 20))
        return;
    json_t *root = json_loadb(body, len, JSON_DECODE_ANY, NULL);
    const json_t *o = json_is_object(json_object_get(root, "data"))
                          ? json_object_get(root, "data") : root;
    const json_t *id = json_object_get(o, "id");
    char tmp[32];
    const char *s = NULL;
    if (json_is_string(id)) {
        s = json_string_value(id);
    } else if (json_is_integer(id)) {
        snprintf(tmp, sizeof(tmp), "%lld", (long long)json_integer_value(id));
        s = tmp;
    }
    if (s && strlen(s) < size && strlen(s) <= POST_MAX_ID)
        set_text(buf, size, s);
    json_decref(root);
}

void post_result_from_response(long http_status, const char *body, size_t len,
                               struct post_result *out)
{
    memset(out, 0, sizeof(*out));
    out->http_status = http_status;
    if (http_status >= 200 && http_status < 300) {
        out->outcome = POST_DONE;
        result_id(body, len, out->id, sizeof(out->id));
        return;
    }
    bool retry = http_status <= 0 || http_status >= 500 || http_status == 408 ||
                 http_status == 420 || http_status == 429;
    out->outcome = retry ? POST_RETRY : POST_REJECTED;
    char text[256];
    if (post_error_text(body, len, text, sizeof(text)))
        snprintf(out->message, sizeof(out->message), "HTTP %ld: %s", http_status, text);
    else
        snprintf(out->message, sizeof(out->message), "HTTP %ld", http_status);
}
