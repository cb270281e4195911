/* Outbox and drafts against a fake server: a post is on disk before it is
 * sent; lost responses, outages, 5xx and 429 are retried without creating a
 * second item (Idempotency-Key for Statuspage/opsdeckd, a check for Cachet);
 * a 4xx leaves the outbox with the server's message; drafts survive. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "opsdeck/config.h"
#include "opsdeck/drafts.h"
#include "opsdeck/outbox.h"
#include "opsdeck/post_files.h"
#include "opsdeck/xalloc.h"

static char dir[256];

static int setup(void **state)
{
    (void)state;
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/od-outbox-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(dir))
        return -1;
    setenv("XDG_STATE_HOME", dir, 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* The fake server: what it committed, and how it misbehaves next. */
enum fault { F_NONE, F_DOWN, F_LOST, F_503, F_429, F_422 };

struct fake {
    enum fault faults[8];
    size_t n_faults, next_fault;
    int n_requests, n_checks;
    int created;                    /* items created */
    char keys[8][80];               /* idempotency keys seen with their item */
    size_t n_keys;
    char bodies[8][4096];           /* Cachet: created items for the check */
    size_t n_bodies;
    char last_token[64];
};

static long fake_perform(void *ud, const struct post_request *req, const char *token,
                         char **body, size_t *len, long *retry_after, char *net_error,
                         size_t net_error_size)
{
    struct fake *f = ud;
    f->n_requests++;
    snprintf(f->last_token, sizeof(f->last_token), "%s", token ? token : "");
    enum fault fault = f->next_fault < f->n_faults ? f->faults[f->next_fault++] : F_NONE;
    if (fault == F_DOWN) {
        snprintf(net_error, net_error_size, "Couldn't connect to server");
        return 0;
    }
    if (fault == F_503)
        return 503;
    if (fault == F_429) {
        *retry_after = 60;
        return 429;
    }
    if (fault == F_422) {
        *body = xstrdup("{\"message\":\"Title is too long\"}");
        *len = strlen(*body);
        return 422;
    }
    if (strcmp(req->method, "GET") == 0) {     /* Cachet check: list what exists */
        f->n_checks++;
        json_t *data = json_array();
        for (size_t i = 0; i < f->n_bodies; i++)
            json_array_append_new(data, json_loads(f->bodies[i], 0, NULL));
        json_t *o = json_pack("{s:o}", "data", data);
        *body = json_dumps(o, 0);
        *len = strlen(*body);
        json_decref(o);
        return 200;
    }
    bool replay = false;
    if (req->idempotency_key[0]) {
        for (size_t i = 0; i < f->n_keys; i++)
            replay |= strcmp(f->keys[i], req->idempotency_key) == 0;
        if (!replay && f->n_keys < 8)
            snprintf(f->keys[f->n_keys++], 80, "%s", req->idempotency_key);
    }
    if (req->creates && !replay) {
        f->created++;
        if (req->body && f->n_bodies < 8)
            snprintf(f->bodies[f->n_bodies++], 4096, "%s", req->body);
    }
    if (fault == F_LOST) {     /* committed, but the answer never arrives */
        snprintf(net_error, net_error_size, "Operation timed out");
        return 0;
    }
    *body = xstrdup("{\"id\":\"inc1\"}");
    *len = strlen(*body);
    return strcmp(req->method, "POST") == 0 ? 201 : 200;
}

static char feed_id[] = "mx", feed_url[] = "http://127.0.0.1:1", page[] = "pg";

static struct config_feed sp_feed(void)
{
    struct config_feed f = {.id = feed_id, .kind = FEED_STATUSPAGE, .url = feed_url,
                            .page_id = page};
    return f;
}

static void incident(struct post *p, const char *title)
{
    post_init(p, POST_INCIDENT);
    post_set(&p->feed, "mx");
    post_set(&p->title, title);
    post_set(&p->message, "We are investigating.");
    struct od_error err;
    assert_int_equal(post_validate(p, &err), OD_OK);
}

static size_t outbox_count(void)
{
    struct outbox_entry *v;
    size_t n = outbox_list(&v, NULL);
    outbox_list_free(v, n);
    return n;
}

static void test_lost_response_posts_once(void **state)
{
    (void)state;
    struct config_feed feed = sp_feed();
    struct fake fk = {.faults = {F_LOST}, .n_faults = 1};
    struct post_transport t = {fake_perform, &fk};
    struct post p;
    struct outbox_entry e;
    struct od_error err;
    struct post_result res;
    incident(&p, "Mail delayed");
    assert_int_equal(outbox_add(&p, 1000, &e, &err), OD_OK);
    assert_int_equal(strlen(e.post.key), 32);
    /* on disk before sending */
    struct stat st;
    assert_int_equal(stat(e.path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(outbox_count(), 1);

    assert_int_equal(outbox_deliver(&e, &feed, "tok", POST_ENC_JSON, &t, 1000, &res),
                     OUTBOX_RETRY);
    assert_int_equal(e.attempts, 1);
    assert_int_equal(e.next_attempt, 1000 + OUTBOX_BACKOFF_MIN);
    assert_string_equal(e.last_error, "Operation timed out");
    assert_int_equal(outbox_count(), 1);

    /* the retry comes from disk, as after a restart */
    struct outbox_entry *v;
    assert_int_equal(outbox_list(&v, NULL), 1);
    assert_string_equal(v[0].post.key, e.post.key);
    assert_string_equal(v[0].last_error, "Operation timed out");
    assert_int_equal(outbox_deliver(&v[0], &feed, "tok", POST_ENC_JSON, &t, 1010, &res),
                     OUTBOX_FINISHED);
    assert_string_equal(res.id, "inc1");
    assert_int_equal(fk.created, 1);         /* one incident, two requests */
    assert_int_equal(fk.n_requests, 2);
    assert_string_equal(fk.last_token, "tok");
    assert_int_equal(outbox_count(), 0);
    outbox_list_free(v, 1);
    outbox_entry_free(&e);
    post_free(&p);
}

static void test_outage_then_up(void **state)
{
    (void)state;
    struct config_feed feed = sp_feed();
    struct fake fk = {.faults = {F_DOWN, F_503, F_429}, .n_faults = 3};
    struct post_transport t = {fake_perform, &fk};
    struct post p;
    struct outbox_entry e;
    struct od_error err;
    struct post_result res;
    incident(&p, "Outage");
    assert_int_equal(outbox_add(&p, 0, &e, &err), OD_OK);
    assert_int_equal(outbox_deliver(&e, &feed, "t", POST_ENC_JSON, &t, 100, &res), OUTBOX_RETRY);
    assert_string_equal(res.message, "Couldn't connect to server");
    assert_int_equal(e.next_attempt, 105);
    assert_int_equal(outbox_deliver(&e, &feed, "t", POST_ENC_JSON, &t, 105, &res), OUTBOX_RETRY);
    assert_string_equal(e.last_error, "HTTP 503");
    assert_int_equal(e.next_attempt, 115);
    assert_int_equal(outbox_deliver(&e, &feed, "t", POST_ENC_JSON, &t, 115, &res), OUTBOX_RETRY);
    assert_int_equal(e.next_attempt, 175);   /* Retry-After 60 beats the 20 s back-off */
    assert_int_equal(outbox_deliver(&e, &feed, "t", POST_ENC_JSON, &t, 175, &res),
                     OUTBOX_FINISHED);
    assert_int_equal(fk.created, 1);
    assert_int_equal(outbox_count(), 0);
    assert_int_equal(outbox_backoff(1, 0), 5);
    assert_int_equal(outbox_backoff(3, 0), 20);
    assert_int_equal(outbox_backoff(40, 0), OUTBOX_BACKOFF_MAX);
    outbox_entry_free(&e);
    post_free(&p);
}

static void test_rejected(void **state)
{
    (void)state;
    struct config_feed feed = sp_feed();
    struct fake fk = {.faults = {F_422}, .n_faults = 1};
    struct post_transport t = {fake_perform, &fk};
    struct post p;
    struct outbox_entry e;
    struct od_error err;
    struct post_result res;
    incident(&p, "Bad");
    assert_int_equal(drafts_save(&p, &err), OD_OK);
    assert_int_equal(outbox_add(&p, 0, &e, &err), OD_OK);
    assert_int_equal(outbox_deliver(&e, &feed, "t", POST_ENC_JSON, &t, 0, &res),
                     OUTBOX_REJECTED);
    assert_string_equal(res.message, "HTTP 422: Title is too long");
    assert_int_equal(outbox_count(), 0);
    /* the draft is intact for the author to fix */
    struct post d;
    assert_int_equal(drafts_load(POST_INCIDENT, "mx", NULL, &d, &err), OD_OK);
    assert_string_equal(d.title, "Bad");
    post_free(&d);
    outbox_entry_free(&e);
    post_free(&p);

    /* no page_id: the request cannot be built, said plainly */
    struct config_feed nopage = sp_feed();
    nopage.page_id = NULL;
    incident(&p, "x");
    assert_int_equal(outbox_add(&p, 0, &e, &err), OD_OK);
    assert_int_equal(outbox_deliver(&e, &nopage, "t", POST_ENC_JSON, &t, 0, &res),
                     OUTBOX_REJECTED);
    assert_non_null(strstr(res.message, "page_id"));
    assert_int_equal(outbox_count(), 0);
    outbox_entry_free(&e);
    post_free(&p);
}

static void test_cachet_checks_before_resending(void **state)
{
    (void)state;
    static char curl_[] = "http://127.0.0.1:1";
    struct config_feed feed = {.id = feed_id, .kind = FEED_CACHET, .url = curl_};
    struct fake fk = {.faults = {F_LOST}, .n_faults = 1};
    struct post_transport t = {fake_perform, &fk};
    struct post p;
    struct outbox_entry e;
    struct od_error err;
    struct post_result res;
    incident(&p, "Queue");
    post_add_component(&p, "3", NULL, COMP_MAJOR_OUTAGE);
    post_add_component(&p, "4", NULL, COMP_PARTIAL_OUTAGE);
    assert_int_equal(post_validate(&p, &err), OD_OK);
    assert_int_equal(outbox_add(&p, 0, &e, &err), OD_OK);
    assert_int_equal(outbox_deliver(&e, &feed, "t", POST_ENC_JSON, &t, 0, &res), OUTBOX_RETRY);
    assert_true(e.verify);
    assert_int_equal(fk.created, 1);
    assert_int_equal(outbox_deliver(&e, &feed, "t", POST_ENC_JSON, &t, 10, &res),
                     OUTBOX_FINISHED);
    assert_int_equal(fk.n_checks, 1);        /* looked first … */
    assert_int_equal(fk.created, 1);         /* … and did not create it again */
    assert_int_equal(fk.n_requests, 3);      /* lost POST, GET check, PUT component 4 */
    outbox_entry_free(&e);

    /* a check that finds nothing sends the step again */
    struct fake fk2 = {.faults = {F_DOWN}, .n_faults = 1};
    t.ud = &fk2;
    assert_int_equal(outbox_add(&p, 0, &e, &err), OD_OK);
    assert_int_equal(outbox_deliver(&e, &feed, "t", POST_ENC_JSON, &t, 0, &res), OUTBOX_RETRY);
    assert_int_equal(outbox_deliver(&e, &feed, "t", POST_ENC_JSON, &t, 10, &res),
                     OUTBOX_FINISHED);
    assert_int_equal(fk2.n_checks, 1);
    assert_int_equal(fk2.created, 1);
    outbox_entry_free(&e);
    post_free(&p);
}

static void test_drafts(void **state)
{
    (void)state;
    struct post p, d;
    struct od_error err;
    post_init(&p, POST_UPDATE);
    post_set(&p.feed, "mx");
    post_set(&p.incident_id, "../../etc");
    post_set(&p.message, "half-typed \xff text");
    p.status = INC_IDENTIFIED;
    assert_int_equal(drafts_load(POST_UPDATE, "mx", "../../etc", &d, &err), OD_NOTFOUND);
    post_free(&d);
    assert_int_equal(drafts_save(&p, &err), OD_OK);
    char name[200];
    drafts_name(name, sizeof(name), POST_UPDATE, "mx", "../../etc");
    assert_string_equal(name, "update.mx._._.._etc.json");
    post_set(&p.message, "more typed");
    assert_int_equal(drafts_save(&p, &err), OD_OK);
    assert_int_equal(drafts_load(POST_UPDATE, "mx", "../../etc", &d, &err), OD_OK);
    assert_string_equal(d.message, "more typed");
    assert_int_equal(d.status, INC_IDENTIFIED);
    post_free(&d);
    /* another incident's draft is another file */
    assert_int_equal(drafts_load(POST_UPDATE, "mx", "other", &d, &err), OD_NOTFOUND);
    post_free(&d);
    drafts_discard(POST_UPDATE, "mx", "../../etc");
    assert_int_equal(drafts_load(POST_UPDATE, "mx", "../../etc", &d, &err), OD_NOTFOUND);
    post_free(&d);

    /* a damaged file is reported, not trusted */
    char path[600];
    drafts_name(name, sizeof(name), POST_INCIDENT, "mx", NULL);
    snprintf(path, sizeof(path), "%s/opsdeck/drafts/%s", dir, name);
    assert_int_equal(post_write_atomic(path, "{\"kind\":", 8, &err), OD_OK);
    assert_int_equal(drafts_load(POST_INCIDENT, "mx", NULL, &d, &err), OD_PARSE);
    assert_non_null(strstr(err.text, "damaged"));
    post_free(&d);
    post_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lost_response_posts_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outage_then_up, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cachet_checks_before_resending, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drafts, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
