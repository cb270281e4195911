/* opsdeckd's store: schema and migrations, tokens, writes, the served model,
 * idempotency records; and SHA-256 (token hashes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <sqlite3.h>

#include "opsdeck/srv_sha256.h"
#include "server_fixture.h"

#define NOW_MS ((int64_t)1780000000 * 1000)

static void test_sha256_vectors(void **state)
{
    (void)state;
    uint8_t h[SHA256_LEN];
    char hex[2 * SHA256_LEN + 1];
    sha256("", 0, h);
    hex_encode(h, SHA256_LEN, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256("abc", 3, h);
    hex_encode(h, SHA256_LEN, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";  /* 56 bytes */
    sha256(two, strlen(two), h);
    hex_encode(h, SHA256_LEN, hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    uint8_t a[4] = {1, 2, 3, 4}, b[4] = {1, 2, 3, 5};
    assert_true(equal_const_time(a, a, 4));
    assert_false(equal_const_time(a, b, 4));
}

static void test_schema_and_reopen(void **state)
{
    (void)state;
    struct fixture *f = fixture_new();
    assert_int_equal(store_schema_version(f->st), STORE_SCHEMA_VERSION);
    struct store_page p;
    store_page(f->st, &p);
    assert_int_equal(strlen(p.id), STORE_ID_LEN);
    assert_true(store_is_empty(f->st));
    store_close(f->st);
    /* reopening keeps the page id and migrates nothing */
    struct od_error err;
    f->st = store_open(f->db, &err);
    assert_non_null(f->st);
    struct store_page again;
    store_page(f->st, &again);
    assert_string_equal(p.id, again.id);
    store_close(f->st);
    /* a database from a newer opsdeckd is refused, by name */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version=99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    f->st = store_open(f->db, &err);
    assert_null(f->st);
    assert_non_null(strstr(err.text, "schema version 99 is newer than this opsdeckd knows"));
    f->st = NULL;
    fixture_free(f);
}

static void test_migration_from_v1(void **state)
{
    (void)state;
    /* a version-1 database (no idempotency table) gets migrated in place */
    struct fixture *f = fixture_new();
    store_close(f->st);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "DROP TABLE idempotency; PRAGMA user_version=1", NULL,
                                  NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    struct od_error err;
    f->st = store_open(f->db, &err);
    assert_non_null(f->st);
    assert_int_equal(store_schema_version(f->st), 2);
    assert_int_equal(store_count(f->st, "idempotency"), 0);
    fixture_free(f);
}

static void count_token(void *ud, const char *name, const char *created_at)
{
    (void)created_at;
    if (!strcmp(name, "ci"))
        (*(int *)ud)++;
}

static void test_tokens(void **state)
{
    (void)state;
    struct fixture *f = fixture_new();
    struct od_error err;
    char tok[64], name[80];
    assert_int_equal(store_token_add(f->st, "ci", tok, sizeof(tok), &err), OD_OK);
    assert_int_equal(strncmp(tok, "odk_", 4), 0);
    assert_int_equal(strlen(tok), 44);
    assert_true(store_token_check(f->st, tok, name, sizeof(name)));
    assert_string_equal(name, "ci");
    tok[10] ^= 1;
    assert_false(store_token_check(f->st, tok, name, sizeof(name)));
    assert_false(store_token_check(f->st, "", name, sizeof(name)));
    tok[10] ^= 1;
    char tok2[64];
    assert_int_equal(store_token_add(f->st, "ci", tok2, sizeof(tok2), &err), OD_INVALID);
    assert_non_null(strstr(err.text, "exists already"));
    assert_int_equal(store_token_add(f->st, "bad name", tok2, sizeof(tok2), &err), OD_INVALID);
    int seen = 0;
    assert_int_equal(store_token_list(f->st, count_token, &seen), 1);
    assert_int_equal(seen, 1);
    assert_int_equal(store_token_revoke(f->st, "ci", &err), OD_OK);
    assert_false(store_token_check(f->st, tok, name, sizeof(name)));
    assert_int_equal(store_token_revoke(f->st, "ci", &err), OD_NOTFOUND);
    fixture_free(f);
}

static void test_demo_import_and_load(void **state)
{
    (void)state;
    struct fixture *f = fixture_new();
    fixture_import_demo(f, NOW_MS / 1000);
    assert_false(store_is_empty(f->st));
    struct od_error err;
    struct snapshot *s = store_load(f->st, &err);
    assert_non_null(s);
    struct store_page p;
    store_page(f->st, &p);
    assert_string_equal(p.id, "mx2016demo01");
    assert_int_equal(s->n_components, 14);
    assert_int_equal(s->n_incidents, 3);
    assert_int_equal(s->n_maintenances, 1);
    assert_int_equal(s->indicator, IMPACT_MAJOR);
    const struct incident *i3 = snapshot_find_incident(s, "i3disk052316");
    assert_non_null(i3);
    assert_int_equal(i3->n_updates, 2);
    assert_int_equal(i3->updates[0].status, INC_IDENTIFIED);
    struct od_time shown = update_shown_time(&i3->updates[0]);
    assert_int_equal(shown.sec, NOW_MS / 1000 - SRV_DEMO_AGE_SEC);
    const struct component *grp = snapshot_find_component(s, "i3mailgroup1");
    assert_true(grp->group);
    assert_int_equal(grp->n_children, 2);
    snapshot_free(s);
    fixture_free(f);
}

static struct srv_incident_input incident(const char *json)
{
    json_error_t jerr;
    json_t *root = json_loads(json, 0, &jerr);
    struct srv_incident_input in;
    char msg[256];
    if (!root || srv_incident_input_parse(root, strstr(json, "\"name\"") != NULL, &in, msg,
                                          sizeof(msg)) != 0)
        fail_msg("input %s: %s", json, msg);
    json_decref(root);
    return in;
}

static void test_incident_writes(void **state)
{
    (void)state;
    struct fixture *f = fixture_new();
    fixture_import_demo(f, NOW_MS / 1000);
    struct od_error err;
    char id[STORE_ID_LEN + 1];
    struct srv_incident_input in = incident(
        "{\"incident\":{\"name\":\"Filtering slow\",\"body\":\"Looking\","
        "\"components\":{\"mmfilter0001\":\"partial_outage\"}}}");
    assert_int_equal(store_begin(f->st, &err), OD_OK);
    assert_int_equal(store_incident_create(f->st, &in, "ci", NOW_MS, id, &err), OD_OK);
    assert_int_equal(store_commit(f->st, &err), OD_OK);
    srv_incident_input_free(&in);

    in = incident("{\"incident\":{\"status\":\"resolved\",\"body\":\"Fixed\","
                  "\"components\":{\"mmfilter0001\":\"operational\"}}}");
    assert_int_equal(store_begin(f->st, &err), OD_OK);
    assert_int_equal(store_incident_update(f->st, id, &in, "ci", NOW_MS + 60000, &err), OD_OK);
    assert_int_equal(store_incident_update(f->st, "nosuchincid1", &in, "ci", NOW_MS, &err),
                     OD_NOTFOUND);
    assert_int_equal(store_commit(f->st, &err), OD_OK);
    srv_incident_input_free(&in);

    struct snapshot *s = store_load(f->st, &err);
    const struct incident *inc = snapshot_find_incident(s, id);
    assert_non_null(inc);
    assert_int_equal(inc->status, INC_RESOLVED);
    assert_int_equal(inc->impact, IMPACT_MAJOR);        /* from the partial outage */
    assert_true(inc->resolved_at.valid);
    assert_int_equal(time_to_ms(&inc->resolved_at), NOW_MS + 60000);
    assert_int_equal(inc->n_updates, 2);
    assert_string_equal(inc->updates[0].body, "Fixed");
    assert_int_equal(inc->updates[0].n_changes, 1);
    assert_int_equal(inc->updates[0].changes[0].old_status, COMP_PARTIAL_OUTAGE);
    assert_int_equal(inc->updates[0].changes[0].new_status, COMP_OPERATIONAL);
    assert_int_equal(inc->n_components, 1);
    assert_int_equal(snapshot_find_component(s, "mmfilter0001")->status, COMP_OPERATIONAL);
    snapshot_free(s);

    /* an unknown component is a 422 and writes nothing */
    long before = store_count(f->st, "incident_updates");
    in = incident("{\"incident\":{\"body\":\"x\",\"components\":{\"nope\":\"major_outage\"}}}");
    assert_int_equal(store_begin(f->st, &err), OD_OK);
    assert_int_equal(store_incident_update(f->st, id, &in, "ci", NOW_MS, &err), OD_INVALID);
    assert_string_equal(err.text, "incident.components: unknown component 'nope'");
    store_rollback(f->st);
    srv_incident_input_free(&in);
    assert_int_equal(store_count(f->st, "incident_updates"), before);

    /* a maintenance status on an incident is refused */
    in = incident("{\"incident\":{\"status\":\"in_progress\"}}");
    assert_int_equal(store_begin(f->st, &err), OD_OK);
    assert_int_equal(store_incident_update(f->st, id, &in, "ci", NOW_MS, &err), OD_INVALID);
    store_rollback(f->st);
    srv_incident_input_free(&in);

    assert_int_equal(store_begin(f->st, &err), OD_OK);
    assert_int_equal(store_incident_delete(f->st, id, &err), OD_OK);
    assert_int_equal(store_incident_delete(f->st, id, &err), OD_NOTFOUND);
    assert_int_equal(store_commit(f->st, &err), OD_OK);
    assert_int_equal(store_count(f->st, "incident_updates"), before - 2);  /* cascade */
    fixture_free(f);
}

static void test_component_writes(void **state)
{
    (void)state;
    struct fixture *f = fixture_new();
    struct od_error err;
    json_error_t jerr;
    char msg[256], cid[STORE_ID_LEN + 1];
    struct srv_component_input in;
    json_t *root = json_loads("{\"component\":{\"name\":\"Web\",\"status\":\"degraded_performance\"}}",
                              0, &jerr);
    assert_int_equal(srv_component_input_parse(root, true, &in, msg, sizeof(msg)), 0);
    json_decref(root);
    assert_int_equal(store_begin(f->st, &err), OD_OK);
    assert_int_equal(store_component_create(f->st, &in, "ci", NOW_MS, cid, &err), OD_OK);
    srv_component_input_free(&in);
    /* a group id must name a group */
    root = json_pack("{s:{s:s}}", "component", "group_id", cid);
    assert_int_equal(srv_component_input_parse(root, false, &in, msg, sizeof(msg)), 0);
    json_decref(root);
    assert_int_equal(store_component_update(f->st, cid, &in, "ci", NOW_MS, &err), OD_INVALID);
    assert_non_null(strstr(err.text, "is not a component group"));
    assert_int_equal(store_component_update(f->st, "nosuchcomp01", &in, "ci", NOW_MS, &err),
                     OD_NOTFOUND);
    srv_component_input_free(&in);
    assert_int_equal(store_commit(f->st, &err), OD_OK);
    struct snapshot *s = store_load(f->st, &err);
    assert_int_equal(s->n_components, 1);
    assert_int_equal(s->components[0].status, COMP_DEGRADED_PERFORMANCE);
    assert_int_equal(s->indicator, IMPACT_MINOR);
    snapshot_free(s);
    fixture_free(f);
}

static void test_idempotency_records(void **state)
{
    (void)state;
    struct fixture *f = fixture_new();
    struct od_error err;
    int status = 0;
    char *body = NULL, *sig = NULL;
    assert_int_equal(store_begin(f->st, &err), OD_OK);
    assert_int_equal(store_idem_get(f->st, "ci", "k1", &status, &body, &sig), 0);
    assert_int_equal(store_idem_put(f->st, "ci", "k1", "PATCH /x abc", 200, "{\"id\":1}", NOW_MS),
                     OD_OK);
    assert_int_equal(store_idem_get(f->st, "ci", "k1", &status, &body, &sig), 1);
    assert_int_equal(status, 200);
    assert_string_equal(body, "{\"id\":1}");
    assert_string_equal(sig, "PATCH /x abc");
    free(body);
    free(sig);
    /* keys belong to a token */
    assert_int_equal(store_idem_get(f->st, "other", "k1", &status, &body, &sig), 0);
    /* a day later the record is gone (pruned on the next put) */
    assert_int_equal(store_idem_put(f->st, "ci", "k2", "x", 201, "{}", NOW_MS + 86401000),
                     OD_OK);
    assert_int_equal(store_idem_get(f->st, "ci", "k1", &status, &body, &sig), 0);
    assert_int_equal(store_commit(f->st, &err), OD_OK);
    fixture_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_vectors),
        cmocka_unit_test(test_schema_and_reopen),
        cmocka_unit_test(test_migration_from_v1),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_demo_import_and_load),
        cmocka_unit_test(test_incident_writes),
        cmocka_unit_test(test_component_writes),
        cmocka_unit_test(test_idempotency_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
