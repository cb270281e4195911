/* The outbox: durable posts, sent step by step, retried without duplicates. */
#include "opsdeck/outbox.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opsdeck/cachet_write.h"
#include "opsdeck/config.h"
#include "opsdeck/post_files.h"
#include "opsdeck/text.h"
#include "opsdeck/xalloc.h"

static json_t *entry_json(const struct outbox_entry *e)
{
    json_t *o = json_object();
    json_object_set_new(o, "post", post_to_json(&e->post));
    json_object_set_new(o, "step", json_integer((json_int_t)e->step));
    json_object_set_new(o, "verify", json_boolean(e->verify));
    json_object_set_new(o, "attempts", json_integer(e->attempts));
    json_object_set_new(o, "created", json_integer(e->created));
    json_object_set_new(o, "next_attempt", json_integer(e->next_attempt));
    json_object_set_new(o, "last_error", json_string(e->last_error));
    json_object_set_new(o, "result_id", json_string(e->result_id));
    return o;
}

enum od_status outbox_save(const struct outbox_entry *e, struct od_error *err)
{
    json_t *j = entry_json(e);
    enum od_status st = post_write_json(e->path, j, err);
    json_decref(j);
    return st;
}

enum od_status outbox_add(const struct post *p, int64_t now, struct outbox_entry *out,
                          struct od_error *err)
{
    memset(out, 0, sizeof(*out));
    char dir[512];
    enum od_status st = post_state_dir("outbox", dir, sizeof(dir), err);
    if (st != OD_OK)
        return st;
    json_t *copy = post_to_json(p);
    st = post_from_json(copy, &out->post, err);
    json_decref(copy);
    if (st != OD_OK)
        return st;
    if (!out->post.key[0])
        post_new_key(&out->post);
    out->created = now;
    char name[64];
    post_file_component(name, sizeof(name), out->post.key);
    snprintf(out->path, sizeof(out->path), "%s/%s.json", dir, name);
    st = outbox_save(out, err);
    if (st != OD_OK)
        post_free(&out->post);
    return st;
}

void outbox_remove(const struct outbox_entry *e)
{
    unlink(e->path);
}

void outbox_entry_free(struct outbox_entry *e)
{
    if (e)
        post_free(&e->post);
}

static enum od_status entry_load(const char *path, struct outbox_entry *e, struct od_error *err)
{
    memset(e, 0, sizeof(*e));
    snprintf(e->path, sizeof(e->path), "%s", path);
    json_t *j;
    enum od_status st = post_read_json(path, OUTBOX_MAX_BYTES, "outbox entry", &j, err);
    if (st != OD_OK)
        return st;
    st = post_from_json(json_object_get(j, "post"), &e->post, err);
    if (st == OD_OK) {
        e->step = (size_t)json_integer_value(json_object_get(j, "step"));
        e->verify = json_is_true(json_object_get(j, "verify"));
        e->attempts = (int)json_integer_value(json_object_get(j, "attempts"));
        e->created = json_integer_value(json_object_get(j, "created"));
        e->next_attempt = json_integer_value(json_object_get(j, "next_attempt"));
        const char *s = json_string_value(json_object_get(j, "last_error"));
        snprintf(e->last_error, sizeof(e->last_error), "%s", s ? s : "");
        s = json_string_value(json_object_get(j, "result_id"));
        snprintf(e->result_id, sizeof(e->result_id), "%s", s ? s : "");
        if (!e->post.key[0])
            st = od_error_set(err, OD_SHAPE, path, 0, 0, "outbox entry without a key");
    }
    json_decref(j);
    if (st != OD_OK)
        post_free(&e->post);
    return st;
}

static int by_created(const void *a, const void *b)
{
    const struct outbox_entry *x = a, *y = b;
    if (x->created != y->created)
        return x->created < y->created ? -1 : 1;
    return strcmp(x->path, y->path);
}

size_t outbox_list(struct outbox_entry **out, struct od_error *err)
{
    *out = NULL;
    char dir[512];
    struct od_error local;
    if (!err)
        err = &local;
    od_error_clear(err);
    if (post_state_dir("outbox", dir, sizeof(dir), err) != OD_OK)
        return 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (de->d_name[0] == '.' || len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            *out = xreallocarray(*out, cap, sizeof(**out));
        }
        char path[800];
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        struct od_error e2;
        if (entry_load(path, &(*out)[n], &e2) == OD_OK)
            n++;
        else
            *err = e2;
    }
    closedir(d);
    if (n > 1)
        qsort(*out, n, sizeof(**out), by_created);
    return n;
}

void outbox_list_free(struct outbox_entry *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        outbox_entry_free(&v[i]);
    free(v);
}

int64_t outbox_backoff(int attempts, long retry_after)
{
    int64_t d = OUTBOX_BACKOFF_MIN;
    for (int i = 1; i < attempts && d < OUTBOX_BACKOFF_MAX; i++)
        d *= 2;
    if (d > OUTBOX_BACKOFF_MAX)
        d = OUTBOX_BACKOFF_MAX;
    if (retry_after > d)
        d = retry_after > 3600 ? 3600 : retry_after;
    return d;
}

static size_t steps_of(const struct outbox_entry *e, const struct config_feed *feed)
{
    return feed->kind == FEED_CACHET ? cachet_write_steps(&e->post) : sp_manage_steps(&e->post);
}

bool outbox_next(const struct outbox_entry *e, const struct config_feed *feed,
                 enum post_encoding enc, struct post_request *req, bool *is_check,
                 struct od_error *err)
{
    od_error_clear(err);
    memset(req, 0, sizeof(*req));
    *is_check = false;
    if (e->step >= steps_of(e, feed))
        return false;
    const char *base = feed->manage_url ? feed->manage_url : feed->url;
    if (feed->kind == FEED_CACHET && e->verify) {
        char *url = cachet_write_check_url(&e->post, e->step, base);
        if (url) {
            strcpy(req->method, "GET");
            req->url = url;
            req->auth_header = "X-Cachet-Token";
            req->auth_scheme = "";
            *is_check = true;
            return true;
        }
    }
    enum od_status st = feed->kind == FEED_CACHET
        ? cachet_write_build(&e->post, e->step, base, feed->time_zone, req, err)
        : sp_manage_build(&e->post, e->step, base, feed->page_id, enc, req, err);
    return st == OD_OK;
}

/* Progress that cannot be written is not lost for good: the entry on disk is
 * older, and resending from it is safe (same key, or the Cachet check). */
static void save_progress(const struct outbox_entry *e)
{
    struct od_error err;
    if (outbox_save(e, &err) != OD_OK)
        return;
}

static void remember_error(struct outbox_entry *e, const char *msg)
{
    char *clean = text_sanitize(msg, strlen(msg), TEXT_SINGLE_LINE, sizeof(e->last_error) - 1);
    snprintf(e->last_error, sizeof(e->last_error), "%s", clean);
    free(clean);
}

enum outbox_progress outbox_on_response(struct outbox_entry *e, const struct config_feed *feed,
                                        bool is_check, long http_status, const char *body,
                                        size_t len, long retry_after, const char *net_error,
                                        int64_t now, struct post_result *res)
{
    post_result_from_response(http_status, body, len, res);
    res->retry_after = retry_after;
    if (http_status == 0) {
        res->outcome = POST_RETRY;
        snprintf(res->message, sizeof(res->message), "%s",
                 net_error && *net_error ? net_error : "no response");
    }
    if (is_check && res->outcome == POST_DONE) {
        e->verify = false;
        if (cachet_write_check_match(&e->post, e->step, body, len))
            e->step++;      /* the earlier attempt got there: do not send it again */
        save_progress(e);
        return OUTBOX_CONTINUE;
    }
    if (res->outcome == POST_DONE) {
        if (e->step == 0 && res->id[0])
            snprintf(e->result_id, sizeof(e->result_id), "%s", res->id);
        e->step++;
        e->verify = false;
        if (e->step >= steps_of(e, feed)) {
            snprintf(res->id, sizeof(res->id), "%s", e->result_id);
            outbox_remove(e);
            return OUTBOX_FINISHED;
        }
        save_progress(e);
        return OUTBOX_CONTINUE;
    }
    if (res->outcome == POST_REJECTED && !is_check) {
        outbox_remove(e);
        return OUTBOX_REJECTED;
    }
    /* retry later; the request may have reached the server, so a Cachet step
     * that creates something is checked before it is sent again */
    e->attempts++;
    e->verify = feed->kind == FEED_CACHET;
    e->next_attempt = now + outbox_backoff(e->attempts, retry_after);
    remember_error(e, res->message);
    res->outcome = POST_RETRY;
    save_progress(e);
    return OUTBOX_RETRY;
}

enum outbox_progress outbox_deliver(struct outbox_entry *e, const struct config_feed *feed,
                                    const char *token, enum post_encoding enc,
                                    const struct post_transport *t, int64_t now,
                                    struct post_result *res)
{
    memset(res, 0, sizeof(*res));
    /* bounded: each round finishes a step or returns; a check adds one round */
    for (size_t guard = 0; guard < 2 * POST_MAX_COMPONENTS + 4; guard++) {
        struct post_request req;
        bool is_check;
        struct od_error err;
        if (!outbox_next(e, feed, enc, &req, &is_check, &err)) {
            if (err.code != OD_OK) {
                res->outcome = POST_REJECTED;
                snprintf(res->message, sizeof(res->message), "%s", err.text);
                outbox_remove(e);
                return OUTBOX_REJECTED;
            }
            outbox_remove(e);
            res->outcome = POST_DONE;
            return OUTBOX_FINISHED;
        }
        char *body = NULL;
        size_t len = 0;
        long retry_after = 0;
        char net_error[256] = "";
        long status = t->perform(t->ud, &req, token, &body, &len, &retry_after, net_error,
                                 sizeof(net_error));
        post_request_free(&req);
        enum outbox_progress pr = outbox_on_response(e, feed, is_check, status, body, len,
                                                     retry_after, net_error, now, res);
        free(body);
        if (pr != OUTBOX_CONTINUE)
            return pr;
    }
    res->outcome = POST_RETRY;
    snprintf(res->message, sizeof(res->message), "too many steps");
    return OUTBOX_RETRY;
}
