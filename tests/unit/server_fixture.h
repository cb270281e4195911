/* Shared by test_server_*: a store in a fresh temporary directory, and the demo. */
#ifndef OPSDECK_TEST_SERVER_FIXTURE_H
#define OPSDECK_TEST_SERVER_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opsdeck/srv_demo.h"
#include "opsdeck/srv_store.h"

struct fixture {
    char dir[256];
    char db[300];
    struct store *st;
};

static inline struct fixture *fixture_new(void)
{
    struct fixture *f = calloc(1, sizeof(*f));
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof(f->dir), "%s/od-unit.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(f->dir))
        fail_msg("mkdtemp failed");
    snprintf(f->db, sizeof(f->db), "%s/sub/d.db", f->dir);  /* the directory is created */
    struct od_error err;
    f->st = store_open(f->db, &err);
    if (!f->st)
        fail_msg("store_open: %s", err.text);
    return f;
}

static inline void fixture_free(struct fixture *f)
{
    char cmd[400];
    store_close(f->st);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", f->dir);
    free(f);
}

/* The demo history, shifted so its newest update is 300 s before `now`. */
static inline struct snapshot *fixture_demo(int64_t now)
{
    const char *src = getenv("OPSDECK_SRC");
    char dir[512];
    snprintf(dir, sizeof(dir), "%s/demo/maxmail/api/v2", src && *src ? src : ".");
    struct od_error err;
    struct snapshot *s = srv_demo_load(dir, now, SRV_DEMO_AGE_SEC, &err);
    if (!s)
        fail_msg("demo: %s", err.text);
    return s;
}

static inline void fixture_import_demo(struct fixture *f, int64_t now)
{
    struct od_error err;
    struct snapshot *demo = fixture_demo(now);
    assert_int_equal(store_begin(f->st, &err), OD_OK);
    if (store_import(f->st, demo, "demo", &err) != OD_OK)
        fail_msg("import: %s", err.text);
    assert_int_equal(store_commit(f->st, &err), OD_OK);
    snapshot_free(demo);
}

#endif
