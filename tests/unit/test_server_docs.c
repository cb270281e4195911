/* opsdeckd's read documents: what each one holds, ETags, gzip, and the
 * Accept-Encoding / If-None-Match rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <zlib.h>

#include "opsdeck/sp_codec.h"
#include "opsdeck/srv_docs.h"
#include "server_fixture.h"

#define NOW ((int64_t)1780000000)

static struct snapshot *served_model(void)
{
    struct fixture *f = fixture_new();
    fixture_import_demo(f, NOW);
    struct od_error err;
    struct snapshot *s = store_load(f->st, &err);
    assert_non_null(s);
    fixture_free(f);
    return s;
}

static json_t *render(const struct snapshot *m, enum srv_doc_id id)
{
    size_t len;
    char *doc = srv_doc_render(m, id, &len);
    json_error_t jerr;
    json_t *v = json_loadb(doc, len, 0, &jerr);
    if (!v)
        fail_msg("%s: %s", srv_doc_path(id), jerr.text);
    free(doc);
    return v;
}

static size_t count(const json_t *doc, const char *key)
{
    return json_array_size(json_object_get(doc, key));
}

static void test_paths(void **state)
{
    (void)state;
    for (int i = 0; i < SRV_DOC__COUNT; i++)
        assert_int_equal(srv_doc_from_path(srv_doc_path((enum srv_doc_id)i)), i);
    assert_int_equal(srv_doc_from_path("/api/v2/incidents/unresolved.json"), SRV_DOC_UNRESOLVED);
    assert_int_equal(srv_doc_from_path("/api/v2/summary"), -1);
    assert_int_equal(srv_doc_from_path("/api/v2/summary.json/"), -1);
}

static void test_documents_hold_what_the_service_sends(void **state)
{
    (void)state;
    struct snapshot *m = served_model();
    json_t *d = render(m, SRV_DOC_SUMMARY);
    assert_int_equal(json_object_size(d), 5);
    assert_int_equal(count(d, "components"), 14);
    assert_int_equal(count(d, "incidents"), 1);                 /* unresolved only */
    assert_int_equal(count(d, "scheduled_maintenances"), 1);    /* in progress */
    assert_string_equal(json_string_value(json_object_get(json_object_get(d, "status"),
                                                          "indicator")), "major");
    json_decref(d);

    d = render(m, SRV_DOC_STATUS);
    assert_int_equal(json_object_size(d), 2);
    assert_non_null(json_object_get(d, "status"));
    json_decref(d);
    d = render(m, SRV_DOC_COMPONENTS);
    assert_int_equal(json_object_size(d), 2);
    assert_int_equal(count(d, "components"), 14);
    json_decref(d);
    d = render(m, SRV_DOC_INCIDENTS);
    assert_int_equal(count(d, "incidents"), 3);                 /* resolved ones too */
    assert_null(json_object_get(d, "scheduled_maintenances"));
    json_decref(d);
    d = render(m, SRV_DOC_UNRESOLVED);
    assert_int_equal(count(d, "incidents"), 1);
    json_decref(d);
    d = render(m, SRV_DOC_MAINTENANCES);
    assert_int_equal(count(d, "scheduled_maintenances"), 1);
    json_decref(d);
    d = render(m, SRV_DOC_ACTIVE);
    assert_int_equal(count(d, "scheduled_maintenances"), 1);
    json_decref(d);
    d = render(m, SRV_DOC_UPCOMING);
    assert_int_equal(count(d, "scheduled_maintenances"), 0);
    json_decref(d);
    snapshot_free(m);
}

static void test_reader_reads_what_we_serve(void **state)
{
    (void)state;
    struct snapshot *m = served_model();
    size_t len;
    char *doc = srv_doc_render(m, SRV_DOC_INCIDENTS, &len);
    struct od_error err;
    struct snapshot *back = sp_read(doc, len, SP_DOC_INCIDENTS, "served", &err);
    assert_non_null(back);
    assert_int_equal(back->n_incidents, 3);
    const struct incident *a = snapshot_find_incident(m, "i3disk052316");
    const struct incident *b = snapshot_find_incident(back, "i3disk052316");
    assert_string_equal(a->updates[0].body, b->updates[0].body);
    assert_int_equal(time_to_ms(&a->updates[0].display_at), time_to_ms(&b->updates[0].display_at));
    snapshot_free(back);
    free(doc);
    snapshot_free(m);
}

static void test_built_docs_etags_and_gzip(void **state)
{
    (void)state;
    struct srv_docs *a = srv_docs_build(served_model());
    struct srv_docs *b = srv_docs_build(served_model());
    for (int i = 0; i < SRV_DOC__COUNT; i++) {
        const struct srv_doc *d = &a->doc[i];
        /* same content, same strong tag; the gzip form has its own */
        assert_string_equal(d->etag, b->doc[i].etag);
        assert_int_equal(strlen(d->etag), 34);
        assert_true(d->etag[0] == '"' && d->etag[33] == '"');
        assert_string_not_equal(d->etag, d->etag_gz);
        assert_non_null(d->gz);
        uLongf out_len = (uLongf)d->plain_len + 16;
        char *out = malloc(out_len);
        z_stream z;
        memset(&z, 0, sizeof(z));
        assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
        z.next_in = (Bytef *)d->gz;
        z.avail_in = (uInt)d->gz_len;
        z.next_out = (Bytef *)out;
        z.avail_out = (uInt)out_len;
        assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
        assert_int_equal(z.total_out, d->plain_len);
        assert_memory_equal(out, d->plain, d->plain_len);
        inflateEnd(&z);
        free(out);
    }
    /* different documents, different tags */
    assert_string_not_equal(a->doc[SRV_DOC_SUMMARY].etag, a->doc[SRV_DOC_STATUS].etag);
    /* a change in the model changes the tag */
    struct snapshot *m = served_model();
    m->components[1].status = COMP_MAJOR_OUTAGE;
    struct srv_docs *c = srv_docs_build(m);
    assert_string_not_equal(a->doc[SRV_DOC_COMPONENTS].etag, c->doc[SRV_DOC_COMPONENTS].etag);
    srv_docs_free(a);
    srv_docs_free(b);
    srv_docs_free(c);
}

static void test_accept_encoding(void **state)
{
    (void)state;
    assert_false(srv_accepts_gzip(NULL));
    assert_false(srv_accepts_gzip(""));
    assert_true(srv_accepts_gzip("gzip"));
    assert_true(srv_accepts_gzip("deflate, GZIP;q=0.5"));
    assert_true(srv_accepts_gzip("br, gzip, deflate"));
    assert_true(srv_accepts_gzip("x-gzip"));
    assert_true(srv_accepts_gzip("*"));
    assert_false(srv_accepts_gzip("gzip;q=0"));
    assert_false(srv_accepts_gzip("gzip; q=0.0, identity"));
    assert_false(srv_accepts_gzip("*, gzip;q=0"));
    assert_false(srv_accepts_gzip("identity"));
    assert_false(srv_accepts_gzip("gzipper"));
    assert_false(srv_accepts_gzip("*;q=0"));
}

static void test_if_none_match(void **state)
{
    (void)state;
    const char *tag = "\"abc\"", *gz = "\"abc-gz\"";
    assert_false(srv_etag_matches(NULL, tag, gz));
    assert_true(srv_etag_matches("\"abc\"", tag, gz));
    assert_true(srv_etag_matches("\"abc-gz\"", tag, gz));
    assert_true(srv_etag_matches("\"x\", \"abc\"", tag, gz));
    assert_true(srv_etag_matches("W/\"abc\"", tag, gz));
    assert_true(srv_etag_matches("*", tag, gz));
    assert_false(srv_etag_matches("\"ab\"", tag, gz));
    assert_false(srv_etag_matches("abc", tag, gz));
    assert_false(srv_etag_matches("\"abc\"x", tag, gz));
    assert_false(srv_etag_matches(",,, ", tag, gz));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_documents_hold_what_the_service_sends),
        cmocka_unit_test(test_reader_reads_what_we_serve),
        cmocka_unit_test(test_built_docs_etags_and_gzip),
        cmocka_unit_test(test_accept_encoding),
        cmocka_unit_test(test_if_none_match),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
