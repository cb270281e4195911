/* The post form's model: fields per kind, editing, components, templates,
 * drafts saved on every change and restored, preview, validation, rejection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/config.h"
#include "opsdeck/drafts.h"
#include "opsdeck/post_form.h"
#include "opsdeck/post_pending.h"
#include "opsdeck/sp_codec.h"

static char dir[256];
static struct config *cfg;
static struct snapshot *snap;

static const char summary[] =
    "{\"page\":{\"id\":\"pg\",\"name\":\"MaxMail\"},"
    "\"components\":["
    "{\"id\":\"ams1\",\"name\":\"Amsterdam inbound\",\"status\":\"operational\",\"position\":1},"
    "{\"id\":\"grp1\",\"name\":\"Group\",\"status\":\"operational\",\"group\":true,\"position\":2,"
    " \"components\":[\"i3\"]},"
    "{\"id\":\"i3\",\"name\":\"I-3 hosted email\",\"status\":\"major_outage\",\"group_id\":\"grp1\","
    " \"position\":1}],"
    "\"incidents\":[{\"id\":\"inc9\",\"name\":\"I-3 hosted email\",\"status\":\"identified\","
    " \"impact\":\"major\",\"components\":[{\"id\":\"i3\",\"name\":\"I-3 hosted email\","
    " \"status\":\"major_outage\"}],\"incident_updates\":[]}]}";

static int setup(void **state)
{
    (void)state;
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/od-form-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(dir))
        return -1;
    setenv("XDG_STATE_HOME", dir, 1);
    const char *c = "{\"timezones\":[\"America/Los_Angeles\",\"Europe/London\"],"
                    "\"feeds\":[{\"id\":\"mx\",\"url\":\"http://127.0.0.1:8931\","
                    "\"page_id\":\"pg\",\"token_env\":\"T\"}]}";
    struct od_error err;
    cfg = config_parse(c, strlen(c), "<t>", &err);
    snap = sp_read(summary, strlen(summary), SP_DOC_AUTO, "summary", &err);
    return cfg && snap ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    config_free(cfg);
    snapshot_free(snap);
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void type(struct post_form *f, const char *s)
{
    post_form_text(f, s, strlen(s));
}

static void focus(struct post_form *f, enum form_field ff)
{
    for (size_t i = 0; i < FF__COUNT && post_form_focus(f) != ff; i++)
        post_form_key(f, FK_TAB);
    assert_int_equal(post_form_focus(f), ff);
}

static void test_incident_draft_survives(void **state)
{
    (void)state;
    int64_t now = 1464004800;
    struct post_form *f = post_form_new(POST_INCIDENT, cfg, &cfg->feeds[0], snap, NULL, now);
    assert_false(f->restored);
    assert_int_equal(f->n_comps, 2);                 /* the group is left out */
    assert_int_equal(post_form_focus(f), FF_TITLE);
    type(f, "Amsterdam \"inbound\" delays");
    focus(f, FF_STATUS);
    assert_int_equal(post_form_key(f, FK_RIGHT), FORM_CHANGED);
    assert_string_equal(post_form_choice(f, FF_STATUS), "Identified");
    focus(f, FF_COMPONENTS);
    post_form_key(f, FK_RIGHT);                      /* unchanged → operational */
    post_form_key(f, FK_RIGHT);                      /* → degraded performance */
    post_form_key(f, FK_RIGHT);                      /* → partial outage */
    focus(f, FF_MESSAGE);
    type(f, "first line");
    post_form_key(f, FK_ENTER);
    type(f, "second \xc3\xa9");
    post_form_key(f, FK_BACKSPACE);                  /* removes the whole é */
    assert_string_equal(f->message.s, "first line\nsecond ");
    post_form_key(f, FK_UP);
    type(f, "X");
    assert_string_equal(f->message.s, "first lXine\nsecond ");
    const char *key = f->key;
    char saved_key[48];
    snprintf(saved_key, sizeof(saved_key), "%s", key);
    /* a frame is drawn (the draft written), then "kill -9": the form is simply
     * gone; the draft on disk has every change */
    assert_true(f->unsaved);
    post_form_flush_draft(f);
    assert_false(f->unsaved);
    post_form_free(f);
    f = post_form_new(POST_INCIDENT, cfg, &cfg->feeds[0], snap, NULL, now);
    assert_true(f->restored);
    assert_string_equal(f->title.s, "Amsterdam \"inbound\" delays");
    assert_string_equal(f->message.s, "first lXine\nsecond ");
    assert_int_equal(f->status, INC_IDENTIFIED);
    assert_int_equal(f->comps[0].next, COMP_PARTIAL_OUTAGE);
    assert_string_equal(f->key, saved_key);        /* same post, same key */

    char *pv = post_form_preview(f);
    assert_non_null(strstr(pv, "POST http://127.0.0.1:8931/v1/pages/pg/incidents"));
    assert_non_null(strstr(pv, "Amsterdam inbound: Operational -> Partial outage"));
    assert_non_null(strstr(pv, "Identified"));
    assert_non_null(strstr(pv, "first lXine\nsecond"));
    free(pv);
    /* preview, confirm */
    assert_int_equal(post_form_key(f, FK_PREVIEW), FORM_CHANGED);
    assert_int_equal(f->stage, STAGE_PREVIEW);
    assert_int_equal(post_form_key(f, FK_ESC), FORM_CHANGED);
    assert_int_equal(f->stage, STAGE_EDIT);
    post_form_key(f, FK_PREVIEW);
    assert_true(post_form_key(f, FK_ENTER) & FORM_SEND);
    struct post p;
    struct od_error err;
    assert_int_equal(post_form_post(f, &p, &err), OD_OK);
    assert_int_equal(p.n_components, 1);
    assert_string_equal(p.components[0].id, "ams1");
    post_free(&p);
    /* the server says no: back to the form with its words, draft intact */
    post_form_rejected(f, "HTTP 422: name is too long");
    assert_int_equal(f->stage, STAGE_EDIT);
    assert_string_equal(f->error, "HTTP 422: name is too long");
    assert_true(post_form_key(f, FK_DISCARD) & FORM_RESTART);
    post_form_free(f);
    f = post_form_new(POST_INCIDENT, cfg, &cfg->feeds[0], snap, NULL, now);
    assert_false(f->restored);
    assert_string_equal(f->title.s, "");
    post_form_free(f);
}

static void test_validation_in_form(void **state)
{
    (void)state;
    struct post_form *f = post_form_new(POST_INCIDENT, cfg, &cfg->feeds[0], snap, NULL, 0);
    post_form_key(f, FK_PREVIEW);
    assert_false(f->restored);
    assert_int_equal(f->stage, STAGE_EDIT);
    assert_non_null(strstr(f->error, "title is required"));
    type(f, "x");
    assert_string_equal(f->error, "");              /* a change clears it */
    post_form_discard_draft(f);
    post_form_free(f);
}

static void test_update_resolve(void **state)
{
    (void)state;
    struct post_form *f = post_form_new(POST_UPDATE, cfg, &cfg->feeds[0], snap, "inc9",
                                        1464004800);
    assert_int_equal(f->status, INC_IDENTIFIED);    /* the incident's current status */
    assert_int_equal(post_form_focus(f), FF_STATUS);
    /* {eta} from the form, in every zone */
    focus(f, FF_ETA);
    type(f, "1300 PDT");
    focus(f, FF_TEMPLATE);
    while (strcmp(post_form_choice(f, FF_TEMPLATE), "identified") != 0)
        post_form_key(f, FK_RIGHT);
    post_form_key(f, FK_ENTER);
    assert_non_null(strstr(f->message.s, "restoration of service is 1300 PDT / 2100 BST."));
    focus(f, FF_TEMPLATE);
    while (strcmp(post_form_choice(f, FF_TEMPLATE), "monitoring") != 0)
        post_form_key(f, FK_RIGHT);
    post_form_key(f, FK_ENTER);
    assert_int_equal(f->status, INC_MONITORING);
    assert_non_null(strstr(f->message.s, "A fix has been implemented"));
    char *pv = post_form_preview(f);
    assert_non_null(strstr(pv, "PATCH http://127.0.0.1:8931/v1/pages/pg/incidents/inc9"));
    assert_non_null(strstr(pv, "I-3 hosted email (inc9)"));
    assert_non_null(strstr(pv, "Posted at    2016-05-23 0500 PDT / 2016-05-23 1300 BST"));
    free(pv);
    post_form_discard_draft(f);
    post_form_free(f);

    f = post_form_new(POST_RESOLVE, cfg, &cfg->feeds[0], snap, "inc9", 0);
    assert_int_equal(f->comps[1].next, COMP_OPERATIONAL);   /* I-3 back to operational */
    assert_int_equal(f->comps[0].next, COMP_UNKNOWN);
    pv = post_form_preview(f);
    assert_non_null(strstr(pv, "I-3 hosted email: Major outage -> Operational"));
    assert_non_null(strstr(pv, "Resolved"));
    free(pv);
    post_form_free(f);
}

static void test_maintenance_times(void **state)
{
    (void)state;
    int64_t now = 1464004800;
    struct post_form *f = post_form_new(POST_MAINTENANCE, cfg, &cfg->feeds[0], snap, NULL, now);
    type(f, "I-3 service maintenance");
    focus(f, FF_START);
    type(f, "2016-05-23 08:00 EDT");
    focus(f, FF_END);
    type(f, "2016-05-23 17:00 Europe/London");
    post_form_key(f, FK_PREVIEW);
    assert_int_equal(f->stage, STAGE_EDIT);         /* EDT is not a configured zone's */
    assert_non_null(strstr(f->error, "EDT"));
    focus(f, FF_START);
    for (int i = 0; i < 3; i++)
        post_form_key(f, FK_BACKSPACE);
    type(f, "PDT");
    char *pv = post_form_preview(f);
    assert_non_null(strstr(pv, "2016-05-23 0800 PDT / 2016-05-23 1600 BST"));
    assert_non_null(strstr(pv, "2016-05-23 0900 PDT / 2016-05-23 1700 BST"));
    assert_non_null(strstr(pv, "Scheduled"));
    free(pv);
    /* the typed times come back with the draft */
    post_form_flush_draft(f);
    post_form_free(f);
    f = post_form_new(POST_MAINTENANCE, cfg, &cfg->feeds[0], snap, NULL, now);
    assert_string_equal(f->start.s, "2016-05-23 08:00 PDT");
    assert_string_equal(f->end.s, "2016-05-23 17:00 Europe/London");
    post_form_discard_draft(f);
    post_form_free(f);
}

static void test_component_form(void **state)
{
    (void)state;
    struct post_form *f = post_form_new(POST_COMPONENT, cfg, &cfg->feeds[0], snap, NULL, 0);
    assert_int_equal(f->n_fields, 1);
    assert_int_equal(post_form_key(f, FK_EDITOR), 0);
    post_form_key(f, FK_DOWN);
    assert_int_equal(f->comp_sel, 1);
    post_form_key(f, FK_LEFT);                      /* unchanged → under maintenance */
    assert_int_equal(f->comps[1].next, COMP_UNDER_MAINTENANCE);
    post_form_key(f, FK_PREVIEW);
    assert_int_equal(f->stage, STAGE_PREVIEW);
    char *pv = post_form_preview(f);
    assert_non_null(strstr(pv, "PATCH http://127.0.0.1:8931/v1/pages/pg/components/i3"));
    free(pv);
    post_form_discard_draft(f);
    post_form_free(f);
}

/* Accepted posts stay "pending" until the feed shows them. */
static void test_pending(void **state)
{
    (void)state;
    struct post p;
    struct post_pending pp;
    post_init(&p, POST_INCIDENT);
    post_set(&p.feed, "mx");
    post_set(&p.title, "I-3 hosted email");
    post_pending_init(&pp, &p, "inc9", 100);
    assert_true(post_pending_confirmed(&pp, snap));
    assert_string_equal(pp.label, "I-3 hosted email: Investigating");
    post_pending_init(&pp, &p, "nope", 100);
    assert_false(post_pending_confirmed(&pp, snap));
    assert_false(post_pending_confirmed(&pp, NULL));
    post_free(&p);

    /* an update: the newest update must carry it (inc9 has none yet) */
    post_init(&p, POST_UPDATE);
    post_set(&p.feed, "mx");
    post_set(&p.incident_id, "inc9");
    post_set(&p.message, "Disk resync continues.");
    p.status = INC_IDENTIFIED;
    post_pending_init(&pp, &p, "", 100);
    assert_string_equal(pp.id, "inc9");
    assert_false(post_pending_confirmed(&pp, snap));
    const char *later =
        "{\"incidents\":[{\"id\":\"inc9\",\"name\":\"I-3\",\"status\":\"identified\","
        "\"incident_updates\":[{\"id\":\"u1\",\"status\":\"identified\","
        "\"body\":\"Disk resync continues.\",\"created_at\":\"2016-05-23T15:10:00Z\"}]}]}";
    struct od_error err;
    struct snapshot *s2 = sp_read(later, strlen(later), SP_DOC_AUTO, "later", &err);
    assert_non_null(s2);
    assert_true(post_pending_confirmed(&pp, s2));
    p.status = INC_MONITORING;                       /* another status: not this one */
    post_pending_init(&pp, &p, "", 100);
    assert_false(post_pending_confirmed(&pp, s2));
    snapshot_free(s2);
    post_free(&p);

    post_init(&p, POST_COMPONENT);
    post_set(&p.feed, "mx");
    post_add_component(&p, "i3", "I-3 hosted email", COMP_MAJOR_OUTAGE);
    post_pending_init(&pp, &p, "", 100);
    assert_true(post_pending_confirmed(&pp, snap));
    post_add_component(&p, "ams1", NULL, COMP_MAJOR_OUTAGE);
    post_pending_init(&pp, &p, "", 100);
    assert_false(post_pending_confirmed(&pp, snap));
    post_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_incident_draft_survives),
        cmocka_unit_test(test_validation_in_form),
        cmocka_unit_test(test_update_resolve),
        cmocka_unit_test(test_maintenance_times),
        cmocka_unit_test(test_component_form),
        cmocka_unit_test(test_pending),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
