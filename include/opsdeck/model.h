/* The status model: one feed's page, components, incidents and maintenances.
 *
 * Ownership: a struct snapshot owns one arena; every string and array reachable
 * from it lives in that arena, so snapshot_free() frees everything at once and
 * nothing inside may be freed on its own. Strings are NULL when the feed had
 * null or nothing; strings from a feed have been sanitised by the reader (no
 * control characters or escape sequences; bodies keep '\n').
 *
 * Enums come from X-macros with an explicit UNKNOWN first: an unknown wire value
 * maps to UNKNOWN, never to an error.
 */
#ifndef OPSDECK_MODEL_H
#define OPSDECK_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include "opsdeck/attrs.h"
#include "opsdeck/time_parse.h"

struct arena;

/* name on the wire, label for people, severity (higher is worse) */
#define COMPONENT_STATUS_INFO(_) \
    _(UNKNOWN,              "unknown",              "Unknown",              1) \
    _(OPERATIONAL,          "operational",          "Operational",          0) \
    _(UNDER_MAINTENANCE,    "under_maintenance",    "Under maintenance",    2) \
    _(DEGRADED_PERFORMANCE, "degraded_performance", "Degraded performance", 3) \
    _(PARTIAL_OUTAGE,       "partial_outage",       "Partial outage",       4) \
    _(MAJOR_OUTAGE,         "major_outage",         "Major outage",         5)

enum component_status {
#define MODEL_ENUM(id, wire, label, sev) COMP_##id,
    COMPONENT_STATUS_INFO(MODEL_ENUM)
    COMP__COUNT
};

/* name on the wire, label, open (an incident still needing attention), maintenance */
#define INCIDENT_STATUS_INFO(_) \
    _(UNKNOWN,       "unknown",       "Unknown",       false, false) \
    _(INVESTIGATING, "investigating", "Investigating", true,  false) \
    _(IDENTIFIED,    "identified",    "Identified",    true,  false) \
    _(MONITORING,    "monitoring",    "Monitoring",    true,  false) \
    _(RESOLVED,      "resolved",      "Resolved",      false, false) \
    _(POSTMORTEM,    "postmortem",    "Postmortem",    false, false) \
    _(SCHEDULED,     "scheduled",     "Scheduled",     true,  true)  \
    _(IN_PROGRESS,   "in_progress",   "In progress",   true,  true)  \
    _(VERIFYING,     "verifying",     "Verifying",     true,  true)  \
    _(COMPLETED,     "completed",     "Completed",     false, true)

enum incident_status {
#define MODEL_ENUM5(id, wire, label, open, maint) INC_##id,
    INCIDENT_STATUS_INFO(MODEL_ENUM5)
    INC__COUNT
};

/* Used both for an incident's impact and for the page's status.indicator.
 * name on the wire, label (indicator description when computed), severity */
#define IMPACT_INFO(_) \
    _(UNKNOWN,     "unknown",     "Unknown",                    1) \
    _(NONE,        "none",        "All Systems Operational",    0) \
    _(MAINTENANCE, "maintenance", "Service Under Maintenance",  2) \
    _(MINOR,       "minor",       "Minor Service Outage",       3) \
    _(MAJOR,       "major",       "Partial System Outage",      4) \
    _(CRITICAL,    "critical",    "Major System Outage",        5)

enum impact {
#define MODEL_ENUM_IMPACT(id, wire, label, sev) IMPACT_##id,
    IMPACT_INFO(MODEL_ENUM_IMPACT)
#undef MODEL_ENUM_IMPACT
    IMPACT__COUNT
};
#undef MODEL_ENUM
#undef MODEL_ENUM5

const char *component_status_name(enum component_status s);   /* wire name */
const char *component_status_label(enum component_status s);  /* for people */
int component_status_severity(enum component_status s);
enum component_status component_status_from_name(const char *name); /* NULL/unknown → UNKNOWN */
/* The worse of two (by severity). */
enum component_status component_status_worse(enum component_status a, enum component_status b);

const char *incident_status_name(enum incident_status s);
const char *incident_status_label(enum incident_status s);
enum incident_status incident_status_from_name(const char *name);
bool incident_status_is_open(enum incident_status s);
bool incident_status_is_maintenance(enum incident_status s);

const char *impact_name(enum impact i);
const char *impact_label(enum impact i);
int impact_severity(enum impact i);
enum impact impact_from_name(const char *name);

struct component {
    const char *id;
    const char *name;
    const char *description;
    const char *group_id;       /* parent group's id, or NULL */
    const char *page_id;
    const char *start_date;     /* "YYYY-MM-DD" or NULL */
    enum component_status status;
    int position;
    bool group;                 /* a group: children lists member ids */
    bool showcase;
    bool only_show_if_degraded;
    const char **children;
    size_t n_children;
    struct od_time created_at, updated_at;
};

/* One entry of an update's affected_components. */
struct component_change {
    const char *id;             /* the component's id ("code" on the wire) */
    const char *name;
    enum component_status old_status, new_status;
};

struct incident_update {
    const char *id;
    const char *incident_id;
    enum incident_status status;
    const char *body;           /* plain text (HTML already turned to text) */
    struct od_time created_at, updated_at;
    struct od_time display_at;  /* the time to show; falls back to created_at */
    struct component_change *changes;
    size_t n_changes;
    bool has_changes;           /* false: affected_components was null */
    bool deliver_notifications;
};

/* Incidents and scheduled maintenances share one shape. */
struct incident {
    const char *id;
    const char *name;
    const char *shortlink;
    const char *page_id;
    enum incident_status status;
    enum impact impact;
    bool maintenance;           /* came from scheduled_maintenances or has a maintenance status */
    struct od_time created_at, updated_at, started_at, monitoring_at, resolved_at;
    struct od_time scheduled_for, scheduled_until;
    struct incident_update *updates;    /* newest first (by display_at) */
    size_t n_updates;
    struct component *components;       /* affected components as the feed listed them */
    size_t n_components;
};

struct page_info {
    const char *id;
    const char *name;
    const char *url;
    const char *time_zone;
    struct od_time updated_at;
};

/* Which parts of the model a document supplied. */
enum snapshot_part {
    SNAP_PAGE         = 1u << 0,
    SNAP_STATUS       = 1u << 1,
    SNAP_COMPONENTS   = 1u << 2,
    SNAP_INCIDENTS    = 1u << 3,    /* unresolved (summary) or recent (incidents.json) */
    SNAP_MAINTENANCES = 1u << 4,
};

struct snapshot {
    struct arena *arena;        /* owns everything below */
    unsigned parts;             /* enum snapshot_part bits */
    struct page_info page;
    enum impact indicator;      /* status.indicator */
    const char *indicator_description;
    struct component *components;
    size_t n_components;
    struct incident *incidents;
    size_t n_incidents;
    struct incident *maintenances;
    size_t n_maintenances;
};

OD_NODISCARD struct snapshot *snapshot_new(void);
void snapshot_free(struct snapshot *s);     /* NULL is fine */

/* Deep copy into a new arena. */
OD_NODISCARD struct snapshot *snapshot_clone(const struct snapshot *s);

/* A new snapshot combining two documents of one feed (say summary.json and
 * incidents.json): parts present in `newer` win; incidents and maintenances are
 * the union by id, and where both have an id the one updated later wins. Lists
 * come out sorted as snapshot_sort() leaves them. Either argument may be NULL. */
OD_NODISCARD struct snapshot *snapshot_merge(const struct snapshot *older,
                                             const struct snapshot *newer);

/* Canonical order: components as a flattened tree (top level by position and
 * name, each group followed by its children by their position); incidents newest first
 * by the latest update's display time (then created_at); each incident's updates
 * newest first by display_at; maintenances by scheduled_for ascending. */
void snapshot_sort(struct snapshot *s);

/* Borrowed results; NULL when absent. */
const struct component *snapshot_find_component(const struct snapshot *s, const char *id);
const struct component *snapshot_find_component_by_name(const struct snapshot *s,
                                                        const char *name);
const struct incident *snapshot_find_incident(const struct snapshot *s, const char *id);

/* The latest update of an incident (updates[0]) or NULL. */
const struct incident_update *incident_latest_update(const struct incident *inc);
/* The time to show for an update: display_at, else created_at. */
struct od_time update_shown_time(const struct incident_update *u);

/* Statuspage's top-level indicator from component statuses (groups skipped):
 * all operational → none; any major outage on every component → critical; some
 * major outage → major; partial outage → minor; degraded → minor; maintenance
 * only → maintenance. The description is impact_label() except "Partially
 * Degraded Service" for degraded-only. */
enum impact indicator_from_components(const struct component *c, size_t n,
                                      const char **description);

/* Copy helpers for code that builds snapshots (readers, the server). */
void component_copy(struct arena *a, struct component *dst, const struct component *src);
void incident_copy(struct arena *a, struct incident *dst, const struct incident *src);

#endif
