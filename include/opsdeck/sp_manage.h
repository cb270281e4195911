/* Statuspage management API v1 requests (Atlassian Statuspage and opsdeckd).
 *
 * base is the management API's root without /v1 ("https://api.statuspage.io",
 * or an opsdeckd URL "http://127.0.0.1:8931"); paths are
 * /v1/pages/{page_id}/incidents[/{incident_id}] and
 * /v1/pages/{page_id}/components/{component_id}, ids percent-encoded.
 *
 *   incident     POST  incidents   {"incident":{name, status, impact_override,
 *                                   body, component_ids, components, deliver_notifications}}
 *   update       PATCH incidents/ID {"incident":{status, body, components, deliver_notifications}}
 *   resolve      PATCH incidents/ID  the same with status "resolved"
 *   maintenance  POST  incidents   {"incident":{name, status "scheduled", scheduled_for,
 *                                   scheduled_until, scheduled_auto_in_progress,
 *                                   scheduled_auto_completed, auto_transition_*, …}}
 *   component    PATCH components/ID {"component":{"status":…}}, one step per component
 *
 * Every request carries Authorization: OAuth <token> (added by the sender) and
 * an Idempotency-Key (the post's key; "-N" appended for step N > 0).
 */
#ifndef OPSDECK_SP_MANAGE_H
#define OPSDECK_SP_MANAGE_H

#include <stddef.h>
#include "opsdeck/attrs.h"
#include "opsdeck/error.h"
#include "opsdeck/post.h"

enum post_encoding {
    POST_ENC_JSON,      /* application/json */
    POST_ENC_FORM,      /* application/x-www-form-urlencoded, incident[name]=… */
};

/* How many requests the post needs (1, or one per component for POST_COMPONENT). */
size_t sp_manage_steps(const struct post *p);

/* Build request `step` of a post that passed post_validate(). OD_INVALID when
 * page_id or base is missing, or step is out of range. out is zeroed first and
 * owned by the caller on success. */
OD_NODISCARD enum od_status sp_manage_build(const struct post *p, size_t step, const char *base,
                                            const char *page_id, enum post_encoding enc,
                                            struct post_request *out, struct od_error *err);

#endif
