/* A post: what an engineer asks to publish (a new incident, an update, a
 * resolution, a scheduled maintenance or a component status), independent of
 * the API it goes to, and the HTTP requests that carry it.
 *
 * The writers (sp_manage.h for the Statuspage management API v1 and opsdeckd,
 * cachet_write.h for Cachet v1) turn a validated post into one or more
 * requests ("steps"): Statuspage changes several components in one incident
 * call but needs one call per component for a component-only post; Cachet takes
 * one component per incident call, so further components are extra steps.
 *
 * Ownership: a struct post owns every string in it (post_free). A
 * struct post_request owns its url, body and auth value (post_request_free).
 * Text typed by people is cleaned by post_clean() before it is encoded: invalid
 * UTF-8 becomes U+FFFD, control characters and escape sequences go (the
 * message keeps its line breaks), so a request is always valid JSON and never
 * carries terminal escapes to readers of the status page.
 */
#ifndef OPSDECK_POST_H
#define OPSDECK_POST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "opsdeck/attrs.h"
#include "opsdeck/error.h"
#include "opsdeck/model.h"
#include "opsdeck/time_parse.h"

/* name on the command line, label for people */
#define POST_KIND_INFO(_) \
    _(INCIDENT,    "incident",    "New incident") \
    _(UPDATE,      "update",      "Update") \
    _(RESOLVE,     "resolve",     "Resolve") \
    _(MAINTENANCE, "maintenance", "Scheduled maintenance") \
    _(COMPONENT,   "component",   "Component status")

enum post_kind {
#define POST_KIND_ENUM(id, name, label) POST_##id,
    POST_KIND_INFO(POST_KIND_ENUM)
#undef POST_KIND_ENUM
    POST__COUNT
};

/* Limits of the Statuspage management API (the stricter of the two). */
#define POST_MAX_TITLE_CHARS    255
#define POST_MAX_MESSAGE_CHARS  25000
#define POST_MAX_COMPONENTS     64
#define POST_MAX_ID             64

struct post_component {
    char *id;                       /* the feed's component id */
    char *name;                     /* for people (preview, {component}); may be NULL */
    enum component_status status;   /* the new status */
};

struct post {
    enum post_kind kind;
    char *feed;                     /* feed id from the config */
    char *incident_id;              /* update, resolve */
    char *title;                    /* incident, maintenance */
    enum incident_status status;    /* INC_UNKNOWN: the kind's default */
    enum impact impact;             /* IMPACT_UNKNOWN: not given (server decides) */
    char *message;                  /* the update text; NULL or "" for none */
    struct post_component *components;
    size_t n_components;
    bool notify;                    /* deliver notifications to subscribers */
    struct od_time start, end;      /* maintenance window */
    char key[48];                   /* idempotency key; "" until post_new_key() */
};

const char *post_kind_name(enum post_kind k);
const char *post_kind_label(enum post_kind k);
/* false when `name` is not a kind. */
bool post_kind_from_name(const char *name, enum post_kind *out);

/* A zeroed post of that kind: notify true, status and impact unknown. */
void post_init(struct post *p, enum post_kind kind);
void post_free(struct post *p);         /* frees the strings; p itself is the caller's */
/* Set a string field (frees the old value; NULL clears). */
void post_set(char **field, const char *value);
/* Add a component change (or replace the status of one with that id). */
void post_add_component(struct post *p, const char *id, const char *name,
                        enum component_status status);
/* A fresh random idempotency key (32 hex digits from /dev/urandom, with a time
 * and counter fallback) into p->key. */
void post_new_key(struct post *p);

/* The status the post will carry: p->status, or the kind's default
 * (investigating, resolved for resolve, scheduled for maintenance). */
enum incident_status post_effective_status(const struct post *p);
/* Is `s` a status a post of this kind may carry? */
bool post_status_allowed(enum post_kind kind, enum incident_status s);

/* Clean the text fields in place (see above): the title becomes one line. */
void post_clean(struct post *p);

/* Complete check before anything is built or stored: required fields per kind,
 * statuses valid for the kind, lengths (in characters), ids of printable
 * ASCII, maintenance start before end, at most POST_MAX_COMPONENTS. OD_INVALID
 * with a sentence naming the field on failure. Runs post_clean first. */
OD_NODISCARD enum od_status post_validate(struct post *p, struct od_error *err);

/* The post as a JSON object (drafts, the outbox) and back. post_from_json
 * accepts what post_to_json wrote; unknown keys are ignored, wrong types are
 * errors. Times are RFC 3339. */
OD_NODISCARD json_t *post_to_json(const struct post *p);
OD_NODISCARD enum od_status post_from_json(const json_t *o, struct post *out,
                                           struct od_error *err);

/* ---- requests ------------------------------------------------------------ */

struct post_request {
    char method[8];             /* "POST", "PATCH", "PUT", "GET" */
    char *url;
    const char *content_type;   /* static string; NULL for no body */
    char *body;                 /* NULL for none */
    size_t body_len;
    const char *auth_header;    /* "Authorization" or "X-Cachet-Token" */
    const char *auth_scheme;    /* "OAuth " or "" (prefix of the token) */
    char idempotency_key[80];   /* sent as Idempotency-Key when not "" */
    bool creates;               /* a retry could duplicate it (POST of a new item) */
};

void post_request_free(struct post_request *r);

/* Print the request as a reader would check it: method and URL, headers with
 * the token shown as <redacted>, a blank line and the body. */
void post_request_print(FILE *out, const struct post_request *r);

/* Percent-encode a path segment or form value (RFC 3986 unreserved kept;
 * form_plus: space as '+'). New string. */
OD_NODISCARD char *post_url_escape(const char *s, bool form_plus);

/* Encode a JSON object as application/x-www-form-urlencoded with Rails-style
 * nesting: {"incident":{"name":"x","ids":["a"],"m":{"k":"v"}}} →
 * incident[name]=x&incident[ids][]=a&incident[m][k]=v (true/false, numbers in
 * decimal, null as empty). New string. */
OD_NODISCARD char *post_form_encode(const json_t *o, size_t *len);

/* What a response means for a post. */
enum post_outcome {
    POST_DONE,          /* 2xx: the step is done */
    POST_RETRY,         /* network error, 5xx, 408, 420, 429: keep and retry later */
    POST_REJECTED,      /* another 4xx: the server's message goes back to the author */
};

struct post_result {
    enum post_outcome outcome;
    long http_status;           /* 0 when no response */
    char id[POST_MAX_ID + 1];   /* the id of the item created or changed, when the body had one */
    char message[320];          /* the server's message, sanitised, or a description */
    long retry_after;           /* seconds from Retry-After, 0 when none */
};

/* Classify a response. The message comes from the error body: {"message":…},
 * {"error":…} (string or object with "message"), {"errors":[{"detail":…,
 * "meta":{"details":[…]}}]} (Cachet) or {"errors":{"field":["…"]}}; else
 * "HTTP <status>". The id comes from {"id":…} or {"data":{"id":…}}. */
void post_result_from_response(long http_status, const char *body, size_t len,
                               struct post_result *out);

/* The error text of a 4xx body as above, sanitised into buf; false when the
 * body has none of those shapes. */
bool post_error_text(const char *body, size_t len, char *buf, size_t size);

#endif
