/* Change events: what changed in one feed between two snapshots.
 *
 * events_diff(old, new) compares by id and yields, in a fixed order (so the
 * same inputs always give the same list):
 *   1. components, in the new snapshot's order:
 *        EV_COMPONENT_WORSE / EV_COMPONENT_BETTER when the status severity
 *        (model.h) rose / fell (groups skipped; a component new in `new` is not
 *        an event: there is nothing to compare it with);
 *   2. incidents (not maintenances), in the new snapshot's order (newest first):
 *        EV_INCIDENT_NEW for an id not in `old` (one event, carrying its latest
 *        update; its older updates are not reported separately);
 *        otherwise, for each update id not in old's copy, oldest first,
 *        EV_UPDATE_NEW; then EV_INCIDENT_RESOLVED when the status became
 *        resolved/postmortem from an open one, else EV_INCIDENT_STATUS when the
 *        status changed;
 *   3. maintenances (from both lists: anything with maintenance = true), by
 *      the new snapshot's order:
 *        EV_MAINT_STARTED when the status became in_progress/verifying from
 *        scheduled/unknown or the maintenance is new and already in progress;
 *        EV_MAINT_ENDED when it became completed from in progress/verifying;
 *        EV_UPDATE_NEW for other new updates of a known maintenance, and
 *        EV_INCIDENT_NEW for a new scheduled one.
 * Something that disappears from `new` is not an event (Statuspage's summary
 * drops resolved incidents; only a status we saw counts). old == NULL (the first
 * snapshot of a feed with no cache) gives no events; identical snapshots give
 * none. Pure: no clock, no I/O.
 *
 * An event_list owns its strings (copied, already sanitised by the readers, and
 * bounded), so events outlive both snapshots.
 */
#ifndef OPSDECK_EVENTS_H
#define OPSDECK_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include "opsdeck/attrs.h"
#include "opsdeck/error.h"
#include "opsdeck/model.h"
#include "opsdeck/time_parse.h"

/* name (JSON "kind"), label for people */
#define EVENT_KIND_INFO(_) \
    _(INCIDENT_NEW,      "incident_new",      "New incident") \
    _(UPDATE_NEW,        "update_new",        "Update") \
    _(INCIDENT_STATUS,   "incident_status",   "Status changed") \
    _(INCIDENT_RESOLVED, "incident_resolved", "Resolved") \
    _(COMPONENT_WORSE,   "component_worse",   "Component worse") \
    _(COMPONENT_BETTER,  "component_better",  "Component better") \
    _(MAINT_STARTED,     "maint_started",     "Maintenance started") \
    _(MAINT_ENDED,       "maint_ended",       "Maintenance ended")

enum event_kind {
#define EVENT_KIND_ENUM(id, name, label) EV_##id,
    EVENT_KIND_INFO(EVENT_KIND_ENUM)
#undef EVENT_KIND_ENUM
    EV__COUNT
};

#define EVENT_LINE_MAX 200      /* bytes of an update's first body line kept */

struct event {
    enum event_kind kind;
    size_t feed;                        /* index into the config's feeds */
    bool maintenance;                   /* the incident is a maintenance */
    /* incident events (NULL for component events) */
    const char *incident_id;
    const char *incident_name;
    const char *shortlink;              /* may be NULL */
    enum incident_status inc_old, inc_new;  /* inc_old UNKNOWN for a new one */
    enum impact impact;
    const char *update_id;              /* the update reported, or NULL */
    const char *line;                   /* its first non-empty body line, or NULL */
    /* component events (NULL for incident events) */
    const char *component_id;
    const char *component_name;
    enum component_status comp_old, comp_new;
    /* when: the update's shown time; for status-only and component events the
     * incident's / component's updated_at; may be invalid (od_time.valid). */
    struct od_time at;
};

struct event_list {
    struct event *v;
    size_t n;
    struct arena *arena;                /* owns v and every string; NULL when empty */
};

const char *event_kind_name(enum event_kind k);
const char *event_kind_label(enum event_kind k);

/* Fill out (zeroed first) with the events from old to new of feed `feed`.
 * OD_OK or OD_NOMEM. Free with events_free(). */
enum od_status events_diff(const struct snapshot *old_snap, const struct snapshot *new_snap,
                           size_t feed, struct event_list *out);
void events_free(struct event_list *list);     /* leaves it empty; NULL is fine */

/* One line for people, no newline:
 *   "0810 PDT / 1610 BST  maxmail  New incident  Email delays [investigating] — We are ..."
 * feed_label is the feed's shown name; zones/n as tz_format_multi. Every
 * remote string is sanitised again (single line). snprintf-style result. */
int event_format_text(char *buf, size_t size, const struct event *ev, const char *feed_label,
                      const char *const *zones, size_t n_zones);
/* One JSON object, no newline: {"kind","feed","feed_name","at","at_local",
 * "incident_id","incident","status_old","status","component_id","component",
 * "update_id","line","maintenance","shortlink"} (absent values null).
 * Returns a malloc'd string (caller frees), or NULL when out of memory. */
OD_NODISCARD char *event_format_json(const struct event *ev, const char *feed_id,
                                     const char *feed_label, const char *const *zones,
                                     size_t n_zones);

#endif
