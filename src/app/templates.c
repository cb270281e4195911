/* Post templates: shipped and user files, placeholders filled from the form. */
#include "opsdeck/templates.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/post_files.h"
#include "opsdeck/strbuf.h"
#include "opsdeck/text.h"
#include "opsdeck/xalloc.h"

enum od_status template_parse(const char *name, const char *text, size_t len,
                              struct template *out, struct od_error *err)
{
    memset(out, 0, sizeof(*out));
    if (len > TEMPLATE_MAX_BYTES)
        return od_error_set(err, OD_TOOBIG, name, 0, 0, "template %s is larger than %u bytes",
                            name, TEMPLATE_MAX_BYTES);
    char *clean = text_sanitize(text, len, TEXT_KEEP_NEWLINES, 0);
    snprintf(out->name, sizeof(out->name), "%s", name);
    out->status = INC_UNKNOWN;
    const char *body = clean;
    if (strncmp(clean, "status:", 7) == 0) {
        const char *v = clean + 7;
        while (*v == ' ')
            v++;
        size_t n = strcspn(v, "\n ");
        char st[32];
        snprintf(st, sizeof(st), "%.*s", (int)(n < 31 ? n : 31), v);
        out->status = incident_status_from_name(st);
        if (out->status == INC_UNKNOWN) {
            free(clean);
            return od_error_set(err, OD_INVALID, name, 1, 0,
                                "template %s: unknown status \"%s\"", name, st);
        }
        body = strchr(v, '\n');
        body = body ? body + 1 : v + n;
    }
    while (*body == '\n')
        body++;
    out->text = xstrdup(body);
    size_t l = strlen(out->text);
    while (l > 0 && (out->text[l - 1] == '\n' || out->text[l - 1] == ' '))
        out->text[--l] = '\0';
    free(clean);
    return OD_OK;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct template *)a)->name, ((const struct template *)b)->name);
}

static void add_or_replace(struct template **v, size_t *n, struct template *t)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*v)[i].name, t->name) == 0) {
            free((*v)[i].text);
            (*v)[i] = *t;
            return;
        }
    *v = xreallocarray(*v, *n + 1, sizeof(**v));
    (*v)[(*n)++] = *t;
}

static void load_user(struct template **v, size_t *n, struct od_error *err)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    char dir[512];
    if (xdg && xdg[0] == '/')
        snprintf(dir, sizeof(dir), "%s/opsdeck/templates", xdg);
    else if (home && home[0] == '/')
        snprintf(dir, sizeof(dir), "%s/.config/opsdeck/templates", home);
    else
        return;
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    size_t seen = 0;
    while ((de = readdir(d)) != NULL && seen < TEMPLATES_MAX) {
        size_t len = strlen(de->d_name);
        if (de->d_name[0] == '.' || len < 5 || len > 60 ||
            strcmp(de->d_name + len - 4, ".txt") != 0)
            continue;
        seen++;
        char path[800], name[64];
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        snprintf(name, sizeof(name), "%.*s", (int)(len - 4), de->d_name);
        char *text;
        size_t tl;
        struct od_error e2;
        struct template t;
        if (post_read_file(path, TEMPLATE_MAX_BYTES, &text, &tl, &e2) != OD_OK) {
            if (err)
                *err = e2;
            continue;
        }
        char safe[64];
        post_file_component(safe, sizeof(safe), name);
        if (template_parse(safe, text, tl, &t, &e2) == OD_OK) {
            t.user = true;
            add_or_replace(v, n, &t);
        } else if (err) {
            *err = e2;
        }
        free(text);
    }
    closedir(d);
}

size_t templates_load(struct template **out, struct od_error *err)
{
    *out = NULL;
    size_t n = 0;
    if (err)
        od_error_clear(err);
    for (size_t i = 0; i < n_builtin_templates; i++) {
        struct template t;
        if (template_parse(builtin_templates[i].name, builtin_templates[i].text,
                           strlen(builtin_templates[i].text), &t, err) == OD_OK)
            add_or_replace(out, &n, &t);
    }
    load_user(out, &n, err);
    if (n > 1)
        qsort(*out, n, sizeof(**out), by_name);
    return n;
}

void templates_free(struct template *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].text);
    free(v);
}

const struct template *templates_find(const struct template *v, size_t n, const char *name)
{
    for (size_t i = 0; name && i < n; i++)
        if (strcmp(v[i].name, name) == 0)
            return &v[i];
    return NULL;
}

char *template_fill(const char *text, const struct template_vars *vars)
{
    static const char *const names[] = {"component", "eta", "start", "end", "title"};
    const char *values[] = {vars->component, vars->eta, vars->start, vars->end, vars->title};
    struct strbuf sb;
    strbuf_init(&sb, 0);
    strbuf_puts(&sb, "");
    for (const char *p = text; *p;) {
        bool done = false;
        if (*p == '{') {
            for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
                size_t l = strlen(names[i]);
                if (strncmp(p + 1, names[i], l) == 0 && p[1 + l] == '}' && values[i] &&
                    *values[i]) {
                    strbuf_puts(&sb, values[i]);
                    p += l + 2;
                    done = true;
                    break;
                }
            }
        }
        if (!done)
            strbuf_append(&sb, p++, 1);
    }
    return strbuf_steal(&sb, NULL);
}
