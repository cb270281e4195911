/* Cachet API v1 requests (Cachet 2.x). Statuses are numbers on this API.
 *
 *   incident     POST /api/v1/incidents {name, message, status 1-4, visible, notify,
 *                                        component_id, component_status}
 *   update       POST /api/v1/incidents/ID/updates {status, message,
 *                                                   component_id, component_status}
 *   resolve      the same with status 4 (fixed)
 *   maintenance  POST /api/v1/schedules {name, message, status 0-2, scheduled_at,
 *                                        completed_at ("Y-m-d H:i" in the feed's zone), notify}
 *   component    PUT  /api/v1/components/ID {status 1-4}
 *
 * Cachet takes one component per incident call, so every further component
 * is a step of its own (PUT components/ID). Ids must be decimal. There is no
 * "under maintenance" component status and schedules take no component
 * statuses: both are OD_INVALID with a sentence saying so. The token goes in
 * X-Cachet-Token (added by the sender).
 *
 * Cachet has no idempotency keys, so before resending a step that creates
 * something, the sender asks the server whether it is already there:
 * cachet_write_check_url() gives the list to read and cachet_write_check_match()
 * looks in it for this post (same name and message, or same status and message
 * for an update).
 */
#ifndef OPSDECK_CACHET_WRITE_H
#define OPSDECK_CACHET_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include "opsdeck/attrs.h"
#include "opsdeck/error.h"
#include "opsdeck/post.h"

size_t cachet_write_steps(const struct post *p);

/* Cachet's number for a status; -1 when Cachet has none. */
int cachet_incident_status(enum incident_status s);
int cachet_schedule_status(enum incident_status s);
int cachet_component_status(enum component_status s);

/* base: the feed's URL (the Cachet site); time_zone: the zone Cachet writes
 * naive times in (NULL = UTC). */
OD_NODISCARD enum od_status cachet_write_build(const struct post *p, size_t step,
                                               const char *base, const char *time_zone,
                                               struct post_request *out,
                                               struct od_error *err);

/* A new URL (GET) listing where step's item would be, or NULL when the step
 * cannot duplicate anything (a component PUT). */
OD_NODISCARD char *cachet_write_check_url(const struct post *p, size_t step, const char *base);

/* Does the list body (Cachet's {"data":[…]}) hold this step's item? */
bool cachet_write_check_match(const struct post *p, size_t step, const char *body, size_t len);

#endif
