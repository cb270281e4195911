/* Statuspage reader on crafted broken and hostile documents, in the style of
 * jansson's test suites: every directory tests/codec/<case>/ holds input.json
 * and either expected.txt (a dump of the snapshot, below) or error.txt (the
 * formatted error, "input.json:LINE:COL: text"). An optional file `doc` names
 * the document kind ("summary", "components", ...; default auto).
 * Every case that reads also has to survive the writer round trip.
 *
 * OPSDECK_UPDATE_GOLDEN=1 rewrites expected.txt / error.txt from the actual
 * output (review the diff before committing). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "opsdeck/sp_codec.h"
#include "opsdeck/strbuf.h"
#include "snap_check.h"

/* ---- the dump ------------------------------------------------------------ */

static void dump_str(struct strbuf *sb, const char *s)
{
    if (!s) {
        strbuf_puts(sb, "null");
        return;
    }
    strbuf_puts(sb, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\n')
            strbuf_puts(sb, "\\n");
        else if (*p == '"' || *p == '\\')
            strbuf_printf(sb, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            strbuf_printf(sb, "\\x%02x", *p);   /* must never appear: sanitised */
        else
            strbuf_append(sb, p, 1);
    }
    strbuf_puts(sb, "\"");
}

static void dump_time(struct strbuf *sb, const char *key, const struct od_time *t)
{
    char buf[64];
    if (!t->valid) {
        strbuf_printf(sb, " %s=null", key);
        return;
    }
    time_format_rfc3339_local(buf, sizeof(buf), t);
    strbuf_printf(sb, " %s=%s", key, buf);
    if (t->nsec % 1000000)
        strbuf_printf(sb, "+%dns", (int)(t->nsec % 1000000));
}

static void dump_component(struct strbuf *sb, const char *indent, const struct component *c)
{
    strbuf_printf(sb, "%scomponent id=", indent);
    dump_str(sb, c->id);
    strbuf_puts(sb, " name=");
    dump_str(sb, c->name);
    strbuf_printf(sb, " status=%s position=%d group=%d showcase=%d only_if_degraded=%d",
                  component_status_name(c->status), c->position, c->group, c->showcase,
                  c->only_show_if_degraded);
    strbuf_puts(sb, " group_id=");
    dump_str(sb, c->group_id);
    strbuf_puts(sb, " page_id=");
    dump_str(sb, c->page_id);
    strbuf_puts(sb, " start_date=");
    dump_str(sb, c->start_date);
    dump_time(sb, "created", &c->created_at);
    dump_time(sb, "updated", &c->updated_at);
    strbuf_puts(sb, " description=");
    dump_str(sb, c->description);
    strbuf_puts(sb, " children=[");
    for (size_t i = 0; i < c->n_children; i++) {
        if (i)
            strbuf_puts(sb, ",");
        dump_str(sb, c->children[i]);
    }
    strbuf_puts(sb, "]\n");
}

static void dump_incident(struct strbuf *sb, const char *what, const struct incident *inc)
{
    strbuf_printf(sb, "%s id=", what);
    dump_str(sb, inc->id);
    strbuf_puts(sb, " name=");
    dump_str(sb, inc->name);
    strbuf_printf(sb, " status=%s impact=%s maintenance=%d", incident_status_name(inc->status),
                  impact_name(inc->impact), inc->maintenance);
    strbuf_puts(sb, " shortlink=");
    dump_str(sb, inc->shortlink);
    strbuf_puts(sb, " page_id=");
    dump_str(sb, inc->page_id);
    strbuf_puts(sb, "\n ");
    dump_time(sb, "created", &inc->created_at);
    dump_time(sb, "updated", &inc->updated_at);
    dump_time(sb, "started", &inc->started_at);
    dump_time(sb, "monitoring", &inc->monitoring_at);
    dump_time(sb, "resolved", &inc->resolved_at);
    dump_time(sb, "scheduled_for", &inc->scheduled_for);
    dump_time(sb, "scheduled_until", &inc->scheduled_until);
    strbuf_puts(sb, "\n");
    for (size_t i = 0; i < inc->n_updates; i++) {
        const struct incident_update *u = &inc->updates[i];
        strbuf_puts(sb, "  update id=");
        dump_str(sb, u->id);
        strbuf_printf(sb, " status=%s notify=%d incident_id=", incident_status_name(u->status),
                      u->deliver_notifications);
        dump_str(sb, u->incident_id);
        dump_time(sb, "display", &u->display_at);
        dump_time(sb, "created", &u->created_at);
        dump_time(sb, "updated", &u->updated_at);
        if (!u->has_changes) {
            strbuf_puts(sb, " changes=null");
        } else {
            strbuf_puts(sb, " changes=[");
            for (size_t j = 0; j < u->n_changes; j++) {
                if (j)
                    strbuf_puts(sb, ",");
                dump_str(sb, u->changes[j].id);
                strbuf_puts(sb, ":");
                dump_str(sb, u->changes[j].name);
                strbuf_printf(sb, ":%s>%s", component_status_name(u->changes[j].old_status),
                              component_status_name(u->changes[j].new_status));
            }
            strbuf_puts(sb, "]");
        }
        strbuf_puts(sb, "\n    body=");
        dump_str(sb, u->body);
        strbuf_puts(sb, "\n");
    }
    for (size_t i = 0; i < inc->n_components; i++)
        dump_component(sb, "  ", &inc->components[i]);
}

static char *dump_snapshot(const struct snapshot *s)
{
    struct strbuf sb;
    strbuf_init(&sb, 0);
    static const char *const part_names[] = {"page", "status", "components", "incidents",
                                             "maintenances"};
    strbuf_puts(&sb, "parts");
    for (size_t i = 0; i < ARRAY_SIZE(part_names); i++)
        if (s->parts & (1u << i))
            strbuf_printf(&sb, " %s", part_names[i]);
    strbuf_puts(&sb, "\n");
    if (s->parts & SNAP_PAGE) {
        strbuf_puts(&sb, "page id=");
        dump_str(&sb, s->page.id);
        strbuf_puts(&sb, " name=");
        dump_str(&sb, s->page.name);
        strbuf_puts(&sb, " url=");
        dump_str(&sb, s->page.url);
        strbuf_puts(&sb, " time_zone=");
        dump_str(&sb, s->page.time_zone);
        dump_time(&sb, "updated", &s->page.updated_at);
        strbuf_puts(&sb, "\n");
    }
    if (s->parts & SNAP_STATUS) {
        strbuf_printf(&sb, "status indicator=%s description=", impact_name(s->indicator));
        dump_str(&sb, s->indicator_description);
        strbuf_puts(&sb, "\n");
    }
    for (size_t i = 0; i < s->n_components; i++)
        dump_component(&sb, "", &s->components[i]);
    for (size_t i = 0; i < s->n_incidents; i++)
        dump_incident(&sb, "incident", &s->incidents[i]);
    for (size_t i = 0; i < s->n_maintenances; i++)
        dump_incident(&sb, "maintenance", &s->maintenances[i]);
    return strbuf_steal(&sb, NULL);
}

/* ---- the walk ------------------------------------------------------------ */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct strbuf sb;
    strbuf_init(&sb, 0);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_append(&sb, buf, n);
    fclose(f);
    return strbuf_steal(&sb, len);
}

static void spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        fail_msg("cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

static enum sp_doc doc_kind(const char *dir)
{
    char path[1400];
    snprintf(path, sizeof(path), "%s/doc", dir);
    char *name = slurp(path, NULL);
    if (!name)
        return SP_DOC_AUTO;
    name[strcspn(name, "\r\n")] = '\0';
    enum sp_doc doc = SP_DOC_AUTO;
    for (int d = SP_DOC_AUTO; d <= SP_DOC_MAINTENANCES; d++)
        if (strcmp(name, sp_doc_name((enum sp_doc)d)) == 0)
            doc = (enum sp_doc)d;
    free(name);
    return doc;
}

static int run_case(const char *dir, const char *name, bool update)
{
    char path[1400], want_path[1400];
    size_t len;
    snprintf(path, sizeof(path), "%s/input.json", dir);
    char *input = slurp(path, &len);
    if (!input) {
        print_error("%s: no input.json\n", name);
        return 1;
    }
    struct od_error err;
    struct snapshot *s = sp_read(input, len, doc_kind(dir), "input.json", &err);
    char *got;
    if (s) {
        got = dump_snapshot(s);
        snprintf(want_path, sizeof(want_path), "%s/expected.txt", dir);
        /* and back: write, read, same snapshot */
        char *out = sp_write(s, SP_DOC_AUTO, &len);
        struct od_error err2;
        struct snapshot *b = sp_read(out, len, SP_DOC_AUTO, "written", &err2);
        if (!b)
            fail_msg("%s: written document does not read back: %s", name, err2.text);
        assert_snapshot_equal(s, b);
        snapshot_free(b);
        free(out);
        snapshot_free(s);
    } else {
        char line[600];
        od_error_format(line, sizeof(line), &err);
        size_t n = strlen(line);
        got = malloc(n + 2);
        memcpy(got, line, n);
        memcpy(got + n, "\n", 2);
        snprintf(want_path, sizeof(want_path), "%s/error.txt", dir);
    }
    free(input);

    int rc = 0;
    if (update) {
        spit(want_path, got);
    } else {
        char *want = slurp(want_path, NULL);
        if (!want) {
            print_error("%s: got %s but there is no %s\n%s", name,
                        s ? "a snapshot" : "an error", want_path, got);
            rc = 1;
        } else if (strcmp(want, got) != 0) {
            print_error("%s: output differs from %s; got:\n%s", name, want_path, got);
            rc = 1;
        }
        free(want);
    }
    free(got);
    return rc;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_codec_cases(void **state)
{
    (void)state;
    const char *src = getenv("OPSDECK_SRC");
    if (!src)
        fail_msg("OPSDECK_SRC is not set (run through make test)");
    bool update = getenv("OPSDECK_UPDATE_GOLDEN") && strcmp(getenv("OPSDECK_UPDATE_GOLDEN"), "1") == 0;
    char root[1024];
    snprintf(root, sizeof(root), "%s/tests/codec", src);
    DIR *d = opendir(root);
    if (!d)
        fail_msg("cannot open %s", root);
    char *names[512];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < ARRAY_SIZE(names))
        if (e->d_name[0] != '.')
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof(*names), name_cmp);
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        char dir[1200];
        snprintf(dir, sizeof(dir), "%s/%s", root, names[i]);
        failed += run_case(dir, names[i], update);
        free(names[i]);
    }
    print_message("%zu codec cases, %d failed\n", n, failed);
    assert_true(n >= 10);
    assert_int_equal(failed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codec_cases),
    };
    return cmocka_run_group_tests_name("sp_cases", tests, NULL, NULL);
}
