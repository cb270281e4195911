/* Drafts: one JSON file per action, rewritten atomically on every change. */
#include "opsdeck/drafts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opsdeck/post_files.h"

void drafts_name(char *buf, size_t size, enum post_kind kind, const char *feed,
                 const char *incident_id)
{
    char f[80], i[80];
    post_file_component(f, sizeof(f), feed ? feed : "");
    post_file_component(i, sizeof(i), incident_id ? incident_id : "");
    if (kind == POST_UPDATE || kind == POST_RESOLVE)
        snprintf(buf, size, "%s.%s.%s.json", post_kind_name(kind), f, i);
    else
        snprintf(buf, size, "%s.%s.json", post_kind_name(kind), f);
}

static enum od_status draft_path(char *buf, size_t size, enum post_kind kind, const char *feed,
                                 const char *incident_id, struct od_error *err)
{
    char dir[512], name[200];
    enum od_status st = post_state_dir("drafts", dir, sizeof(dir), err);
    if (st != OD_OK)
        return st;
    drafts_name(name, sizeof(name), kind, feed, incident_id);
    snprintf(buf, size, "%s/%s", dir, name);
    return OD_OK;
}

enum od_status drafts_save(const struct post *p, struct od_error *err)
{
    return drafts_save_extra(p, NULL, err);
}

enum od_status drafts_save_extra(const struct post *p, const json_t *extra,
                                 struct od_error *err)
{
    char path[768];
    enum od_status st = draft_path(path, sizeof(path), p->kind, p->feed, p->incident_id, err);
    if (st != OD_OK)
        return st;
    json_t *j = post_to_json(p);
    if (extra)
        json_object_set(j, "form", (json_t *)extra);
    st = post_write_json(path, j, err);
    json_decref(j);
    return st;
}

enum od_status drafts_load(enum post_kind kind, const char *feed, const char *incident_id,
                           struct post *out, struct od_error *err)
{
    return drafts_load_extra(kind, feed, incident_id, out, NULL, err);
}

enum od_status drafts_load_extra(enum post_kind kind, const char *feed,
                                 const char *incident_id, struct post *out, json_t **extra,
                                 struct od_error *err)
{
    if (extra)
        *extra = NULL;
    char path[768];
    post_init(out, kind);
    enum od_status st = draft_path(path, sizeof(path), kind, feed, incident_id, err);
    if (st != OD_OK)
        return st;
    json_t *j;
    if ((st = post_read_json(path, DRAFTS_MAX_BYTES, "draft", &j, err)) != OD_OK)
        return st;
    st = post_from_json(j, out, err);
    if (st == OD_OK && extra && json_is_object(json_object_get(j, "form")))
        *extra = json_incref(json_object_get(j, "form"));
    json_decref(j);
    if (st == OD_OK && out->kind != kind) {
        post_free(out);
        post_init(out, kind);
        st = od_error_set(err, OD_SHAPE, path, 0, 0, "draft is of another kind");
    }
    if (st != OD_OK && extra && *extra) {
        json_decref(*extra);
        *extra = NULL;
    }
    return st;
}

void drafts_discard(enum post_kind kind, const char *feed, const char *incident_id)
{
    char path[768];
    struct od_error err;
    if (draft_path(path, sizeof(path), kind, feed, incident_id, &err) == OD_OK)
        unlink(path);
}
