/* opsdeckd write requests: a body (JSON or form-encoded, as the Statuspage
 * management API v1 takes them) turned into checked values.
 *
 * Both encodings become one JSON tree first, so a single validator sees them:
 * `incident[name]=x&incident[components][ID]=major_outage&incident[component_ids][]=ID`
 * is {"incident":{"name":"x","components":{"ID":"major_outage"},"component_ids":["ID"]}}.
 * Validation failures give the message a 422 carries, naming the field and what
 * is wrong with it ("incident.name is 300 characters; the limit is 255").
 */
#ifndef OPSDECK_SRV_INPUT_H
#define OPSDECK_SRV_INPUT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include "opsdeck/attrs.h"
#include "opsdeck/model.h"

#define SRV_MAX_NAME_CHARS  255
#define SRV_MAX_BODY_CHARS  25000
#define SRV_MAX_FORM_PAIRS  256
#define SRV_MAX_IDS         256

struct srv_comp_status {
    char *id;
    enum component_status status;
};

struct srv_incident_input {
    char *name;                         /* NULL: not given */
    bool has_status;
    enum incident_status status;
    bool has_impact;
    enum impact impact_override;
    char *body;                         /* NULL: not given */
    struct srv_comp_status *components; /* the `components` map, in body order */
    size_t n_components;
    char **component_ids;
    size_t n_component_ids;
    struct od_time scheduled_for, scheduled_until;  /* .valid false: not given */
    bool deliver_notifications;         /* default true */
};

struct srv_component_input {
    char *name;                         /* NULL: not given */
    char *description;
    bool has_description;               /* given, possibly null */
    bool has_status;
    enum component_status status;
    char *group_id;
    bool has_group_id;
    int showcase;                       /* -1 not given, else 0/1 */
    int only_show_if_degraded;
};

/* The request body as a JSON object. content_type "application/json" (or
 * absent with a body starting with '{') is JSON; "application/x-www-form-urlencoded"
 * is a form. An empty body is {}. NULL on failure with *http_status 400
 * (malformed) or 415 (other media type) and msg filled. */
OD_NODISCARD json_t *srv_body_parse(const char *content_type, const char *body, size_t len,
                                    int *http_status, char *msg, size_t msg_size);

/* Form-encoded text to a JSON object (exposed for tests); NULL and msg on error. */
OD_NODISCARD json_t *srv_form_parse(const char *body, size_t len, char *msg, size_t msg_size);

/* Check root.incident. `create`: name required, status defaults to investigating
 * (scheduled needs scheduled_for). 0 on success; -1 with msg on a 422. */
int srv_incident_input_parse(const json_t *root, bool create, struct srv_incident_input *in,
                             char *msg, size_t msg_size);
void srv_incident_input_free(struct srv_incident_input *in);

/* Check root.component (create: name required, status defaults to operational). */
int srv_component_input_parse(const json_t *root, bool create, struct srv_component_input *in,
                              char *msg, size_t msg_size);
void srv_component_input_free(struct srv_component_input *in);

/* Code points in valid UTF-8, or -1 when it is not valid UTF-8. */
long srv_utf8_chars(const char *s, size_t len);

#endif
