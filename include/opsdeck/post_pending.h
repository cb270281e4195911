/* Posts the server accepted but the feed does not show yet: the dashboard
 * marks them "pending" in the timeline until a fetch confirms them.
 *
 * Confirmation, per kind, against the feed's latest snapshot:
 *   incident, maintenance  an incident or maintenance with the id the server returned
 *   update, resolve        the incident's newest update carries the posted status and
 *                          its text starts like the posted message (or, without a
 *                          message, the incident changed after the post)
 *   component              every posted component shows its new status
 * Pure: no I/O, no clock (times passed in).
 */
#ifndef OPSDECK_POST_PENDING_H
#define OPSDECK_POST_PENDING_H

#include <stdbool.h>
#include <stdint.h>
#include "opsdeck/post.h"

struct snapshot;

#define PENDING_HEAD 64         /* bytes of the message compared */
#define PENDING_EXPIRE 600      /* seconds before an unconfirmed post stops being shown */

struct post_pending {
    enum post_kind kind;
    char feed[64];
    char id[POST_MAX_ID + 1];           /* incident (or maintenance) id; "" for component */
    enum incident_status status;
    char head[PENDING_HEAD + 1];        /* start of the message, "" when none */
    char label[160];                    /* what to show: title or incident, status */
    char comp_id[8][POST_MAX_ID + 1];
    enum component_status comp_status[8];
    size_t n_comps;                     /* at most 8 components are checked */
    int64_t at;                         /* wall seconds when accepted */
};

/* Fill *out from an accepted post and the id the server returned (may be ""). */
void post_pending_init(struct post_pending *out, const struct post *p, const char *result_id,
                       int64_t now);

/* Does the snapshot show it? */
bool post_pending_confirmed(const struct post_pending *pp, const struct snapshot *snap);

#endif
