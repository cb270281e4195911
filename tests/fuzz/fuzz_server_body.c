/* libFuzzer target: opsdeckd's request-body parsing (JSON and form-encoded, the
 * Statuspage management API v1 shapes) and the incident/component validators
 * on arbitrary bytes. A refusal is a 400 or 415 with a message; whatever
 * parses is an object the validators accept or refuse with a message, and
 * everything they return frees cleanly.
 * Input layout: byte 0 picks the content type and create/update, rest the body.
 * Build and run: sh tests/fuzz/run.sh server_body [seconds] */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/srv_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *msg)
{
    fprintf(stderr, "fuzz_server_body: %s: [%s]\n", what, msg);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const types[] = {
        "application/json", "application/x-www-form-urlencoded", NULL,
        "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded; x=y",
    };
    if (size < 1)
        return 0;
    const char *ctype = types[data[0] % (sizeof(types) / sizeof(types[0]))];
    bool create = (data[0] >> 4) & 1;
    const char *body = (const char *)data + 1;
    size_t len = size - 1;
    char msg[512];

    /* the form parser alone, on every input */
    msg[0] = '\0';
    json_t *form = srv_form_parse(body, len, msg, sizeof(msg));
    if (!form && msg[0] == '\0')
        fail("form refused without a message", "");
    if (form && !json_is_object(form))
        fail("form parsed to a non-object", "");
    json_decref(form);

    int status = 0;
    msg[0] = '\0';
    json_t *root = srv_body_parse(ctype, body, len, &status, msg, sizeof(msg));
    if (!root) {
        if ((status != 400 && status != 415) || msg[0] == '\0')
            fail("refusal is not a 400/415 with a message", msg);
        return 0;
    }
    if (!json_is_object(root))
        fail("body parsed to a non-object", "");

    struct srv_incident_input in;
    memset(&in, 0, sizeof(in));
    msg[0] = '\0';
    if (srv_incident_input_parse(root, create, &in, msg, sizeof(msg)) == 0) {
        if (create && !in.name)
            fail("incident created without a name", "");
        if (in.name && srv_utf8_chars(in.name, strlen(in.name)) > SRV_MAX_NAME_CHARS)
            fail("incident name over the limit accepted", in.name);
        if (in.body && srv_utf8_chars(in.body, strlen(in.body)) > SRV_MAX_BODY_CHARS)
            fail("incident body over the limit accepted", "");
        if (in.n_components > SRV_MAX_IDS || in.n_component_ids > SRV_MAX_IDS)
            fail("too many component ids accepted", "");
    } else if (msg[0] == '\0') {
        fail("incident refused without a message", "");
    }
    srv_incident_input_free(&in);

    struct srv_component_input cin;
    memset(&cin, 0, sizeof(cin));
    msg[0] = '\0';
    if (srv_component_input_parse(root, create, &cin, msg, sizeof(msg)) == 0) {
        if (create && !cin.name)
            fail("component created without a name", "");
        if (cin.name && srv_utf8_chars(cin.name, strlen(cin.name)) > SRV_MAX_NAME_CHARS)
            fail("component name over the limit accepted", cin.name);
    } else if (msg[0] == '\0') {
        fail("component refused without a message", "");
    }
    srv_component_input_free(&cin);
    json_decref(root);
    return 0;
}
