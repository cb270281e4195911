/* Cachet API v1 (Cachet 2.x) reader: JSON pages in, one snapshot out.
 *
 * Cachet answers each list endpoint a page at a time, in the envelope
 *   {"data": [...], "meta": {"pagination": {"total", "count", "per_page",
 *    "current_page", "total_pages", "links": {"next_page", "previous_page"}}}}
 * so a feed is read as several bodies: the caller (the fetch engine) feeds each
 * body to one struct cachet_reader, follows the next-page information it gets
 * back up to its own bound, and asks for the snapshot at the end.
 *
 *   struct cachet_reader *r = cachet_reader_new("Europe/London");
 *   cachet_reader_add(r, CACHET_DOC_COMPONENTS, body, len, url, &page, &err);
 *   ... more pages / documents ...
 *   struct snapshot *s = cachet_reader_snapshot(r);   (caller frees)
 *   cachet_reader_free(r);
 *
 * Mapping onto the model (status-apis.md §3):
 * - component status 0 unknown, 1 operational, 2 degraded_performance,
 *   3 partial_outage, 4 major_outage; anything else unknown. Component ids are
 *   the decimal Cachet id ("12"); `order` is the position; group_id points at
 *   the group component "group-<id>" (0 or null: no group).
 * - a component group becomes a component with group = true, id "group-<id>",
 *   position its `order`, and children = the ids of components naming it.
 * - incident / update status 0 scheduled, 1 investigating, 2 identified,
 *   3 watching → monitoring, 4 fixed → resolved. Cachet moves an incident's
 *   `status` along with every update, so it is the current status (else
 *   `latest_status`, else the newest update's). The incident's own `message`
 *   becomes its first (oldest) update, id "<incident id>-0", shown at
 *   occurred_at (else created_at), with the incident's status when it has no
 *   other updates and unknown otherwise (Cachet does not keep the status the
 *   first message was posted with). Updates come from an embedded `updates`
 *   array or from /incidents/{id}/updates bodies.
 *   impact: maintenance for status 0; for an open incident whose component is
 *   degraded / partial / major: minor / major / critical; otherwise unknown
 *   (Cachet has no impact). visible: 0 incidents are left out.
 * - a schedule becomes a maintenance (maintenance = true, impact maintenance):
 *   status 0 upcoming → scheduled, 1 in progress → in_progress,
 *   2 complete → completed; scheduled_at → scheduled_for, completed_at →
 *   scheduled_until; its message is its one update; `components` (ids, or
 *   objects with component_id) list the affected components.
 * - timestamps: "YYYY-MM-DD HH:MM[:SS]" without a zone are local times in the
 *   reader's IANA zone (tz_from_local: DST gaps resolve forward, overlaps to
 *   the earlier instant); RFC 3339 times with an offset are read as such.
 * - the status indicator is computed from the components
 *   (indicator_from_components); page.time_zone is the reader's zone.
 * Text is sanitised like the Statuspage reader's (names single-line, messages
 * through html_to_text keeping line breaks).
 *
 * Hostile input: each body is bounded (CACHET_MAX_BODY, nesting depth), and
 * each reader holds at most CACHET_MAX_ITEMS items of each kind; past that,
 * OD_TOOBIG. An error leaves what earlier bodies added in place.
 */
#ifndef OPSDECK_CACHET_CODEC_H
#define OPSDECK_CACHET_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "opsdeck/attrs.h"
#include "opsdeck/error.h"
#include "opsdeck/model.h"

#define CACHET_MAX_BODY  ((size_t)32 << 20)
#define CACHET_MAX_ITEMS 20000

enum cachet_doc {
    CACHET_DOC_COMPONENTS,          /* GET /api/v1/components */
    CACHET_DOC_GROUPS,              /* GET /api/v1/components/groups */
    CACHET_DOC_INCIDENTS,           /* GET /api/v1/incidents */
    CACHET_DOC_INCIDENT_UPDATES,    /* GET /api/v1/incidents/{id}/updates */
    CACHET_DOC_SCHEDULES,           /* GET /api/v1/schedules */
};

/* "components", "groups", "incidents", "incident_updates", "schedules". */
const char *cachet_doc_name(enum cachet_doc doc);
/* The API path for a document, without host and query: "/api/v1/components".
 * For CACHET_DOC_INCIDENT_UPDATES the path has "{id}" in it. */
const char *cachet_doc_path(enum cachet_doc doc);

/* meta.pagination of one body. */
struct cachet_pagination {
    bool present;               /* the body had meta.pagination */
    int64_t total, count, per_page, current_page, total_pages;
    char next_page[512];        /* links.next_page as sent (sanitised, single line),
                                   "" when null/absent or too long */
};

/* Is there a page after this one? (current_page < total_pages, or a
 * next_page link when the numbers are missing). The engine should build the
 * next URL itself from its own base URL + "?page=N" (N = current_page + 1)
 * rather than follow next_page to another host, and stop at its own bound. */
bool cachet_pagination_has_next(const struct cachet_pagination *p);

struct cachet_reader;

/* zone: the feed's IANA time zone for zone-less times; NULL or unknown → UTC. */
OD_NODISCARD struct cachet_reader *cachet_reader_new(const char *zone);
void cachet_reader_free(struct cachet_reader *r);   /* NULL is fine */

/* Read one body of kind `doc` into the reader. `page` (may be NULL) gets the
 * body's pagination. `source` names the body in errors (URL); may be NULL.
 * The body's "data" must be an array (a single object is accepted too, as
 * from /components/{id}); elements that are not objects are skipped. Returns
 * OD_OK, or the error code with err filled. Adding the same item twice (by id)
 * keeps the later copy, so re-reading a page is harmless. */
enum od_status cachet_reader_add(struct cachet_reader *r, enum cachet_doc doc,
                                 const char *body, size_t len, const char *source,
                                 struct cachet_pagination *page, struct od_error *err);

/* The same for /api/v1/incidents/{incident_id}/updates, where an update that
 * lacks incident_id belongs to `incident_id`. */
enum od_status cachet_reader_add_updates(struct cachet_reader *r, const char *incident_id,
                                         const char *body, size_t len, const char *source,
                                         struct cachet_pagination *page,
                                         struct od_error *err);

/* A new snapshot (caller frees) combining everything added so far, in
 * snapshot_sort() order. parts: SNAP_PAGE | SNAP_STATUS always, plus
 * SNAP_COMPONENTS once a components or groups body was added, SNAP_INCIDENTS
 * once an incidents body was, SNAP_MAINTENANCES once a schedules body was.
 * Can be called again after more bodies. */
OD_NODISCARD struct snapshot *cachet_reader_snapshot(const struct cachet_reader *r);

/* One call for the simple case of one body per endpoint (any may be NULL,
 * len 0 with NULL): returns the combined snapshot, or NULL with err filled
 * (naming the endpoint) if any given body is bad. */
struct cachet_bodies {
    const char *components;
    size_t components_len;
    const char *groups;
    size_t groups_len;
    const char *incidents;
    size_t incidents_len;
    const char *schedules;
    size_t schedules_len;
};
OD_NODISCARD struct snapshot *cachet_read(const struct cachet_bodies *b, const char *zone,
                                          struct od_error *err);

#endif
