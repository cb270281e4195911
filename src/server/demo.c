/* The demo history: read the static demo documents, shift them to now. */
#include "opsdeck/srv_demo.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opsdeck/sp_codec.h"
#include "opsdeck/xalloc.h"

#define DEMO_MAX_FILE ((size_t)4 << 20)

static bool has_components(const char *dir)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/components.json", dir);
    return access(path, R_OK) == 0;
}

const char *srv_demo_dir(const char *explicit_dir, char *buf, size_t size)
{
    if (explicit_dir) {
        snprintf(buf, size, "%s", explicit_dir);
        return has_components(buf) ? buf : NULL;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(buf, size, "%s/../demo/maxmail/api/v2", exe);
            if (has_components(buf))
                return buf;
        }
    }
    snprintf(buf, size, "%s/demo/maxmail/api/v2", OPSDECK_DATADIR);
    return has_components(buf) ? buf : NULL;
}

static struct snapshot *read_doc(const char *dir, const char *name, enum sp_doc kind,
                                 struct od_error *err)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        od_error_set(err, OD_IO, path, 0, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    char *buf = xmalloc(DEMO_MAX_FILE + 1);
    size_t len = fread(buf, 1, DEMO_MAX_FILE + 1, f);
    fclose(f);
    struct snapshot *s = NULL;
    if (len > DEMO_MAX_FILE)
        od_error_set(err, OD_TOOBIG, path, 0, 0, "larger than %zu bytes", DEMO_MAX_FILE);
    else
        s = sp_read(buf, len, kind, path, err);
    free(buf);
    return s;
}

static void shift(struct od_time *t, int64_t delta)
{
    if (t->valid)
        t->sec += delta;
}

static void shift_incident(struct incident *inc, int64_t d)
{
    shift(&inc->created_at, d);
    shift(&inc->updated_at, d);
    shift(&inc->started_at, d);
    shift(&inc->monitoring_at, d);
    shift(&inc->resolved_at, d);
    shift(&inc->scheduled_for, d);
    shift(&inc->scheduled_until, d);
    for (size_t i = 0; i < inc->n_updates; i++) {
        shift(&inc->updates[i].created_at, d);
        shift(&inc->updates[i].updated_at, d);
        shift(&inc->updates[i].display_at, d);
    }
    for (size_t i = 0; i < inc->n_components; i++) {
        shift(&inc->components[i].created_at, d);
        shift(&inc->components[i].updated_at, d);
    }
}

void srv_snapshot_shift(struct snapshot *s, int64_t d)
{
    shift(&s->page.updated_at, d);
    for (size_t i = 0; i < s->n_components; i++) {
        shift(&s->components[i].created_at, d);
        shift(&s->components[i].updated_at, d);
    }
    for (size_t i = 0; i < s->n_incidents; i++)
        shift_incident(&s->incidents[i], d);
    for (size_t i = 0; i < s->n_maintenances; i++)
        shift_incident(&s->maintenances[i], d);
}

static void newest_update(const struct incident *list, size_t n, struct od_time *latest)
{
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < list[i].n_updates; k++) {
            struct od_time t = update_shown_time(&list[i].updates[k]);
            if (time_cmp(&t, latest) > 0)
                *latest = t;
        }
}

struct snapshot *srv_demo_load(const char *dir, int64_t now_sec, int age_sec,
                               struct od_error *err)
{
    struct snapshot *comp = read_doc(dir, "components.json", SP_DOC_COMPONENTS, err);
    struct snapshot *inc = comp ? read_doc(dir, "incidents.json", SP_DOC_INCIDENTS, err) : NULL;
    struct snapshot *mnt = inc ? read_doc(dir, "scheduled-maintenances.json",
                                          SP_DOC_MAINTENANCES, err) : NULL;
    struct snapshot *out = NULL;
    if (mnt) {
        struct snapshot *a = snapshot_merge(comp, inc);
        out = snapshot_merge(a, mnt);
        snapshot_free(a);
        struct od_time latest = {0};
        newest_update(out->incidents, out->n_incidents, &latest);
        newest_update(out->maintenances, out->n_maintenances, &latest);
        if (latest.valid)
            srv_snapshot_shift(out, now_sec - age_sec - latest.sec);
    }
    snapshot_free(comp);
    snapshot_free(inc);
    snapshot_free(mnt);
    return out;
}
