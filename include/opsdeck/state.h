/* Application state: every feed's latest snapshot and health, and what the views
 * show from them — per pane (worst status, components, incidents, maintenances),
 * the merged timeline, the overall indicator — plus the text filter.
 *
 * No curses, no I/O, no clock: every call that depends on time takes `now`
 * (seconds since the epoch) so tests drive it with a fake clock.
 *
 * Ownership and lifetimes:
 *  - The state borrows its struct config: the config must outlive the state.
 *  - The state OWNS one snapshot per feed. state_feed_take() takes ownership of
 *    the snapshot passed in; state_feed_update() clones it (the caller keeps
 *    its own). A failed fetch (state_feed_fail) keeps the last good snapshot.
 *  - Every view pointer (struct state_pane, struct state_incident,
 *    struct state_row, and the component/incident/update pointers inside them)
 *    points into the state or its snapshots and is valid until the next call that
 *    changes the state (state_feed_take/update/fail, state_recompute) or
 *    state_free(). Views are rebuilt by each of those calls.
 *
 * Placement rules (how incidents reach panes):
 *  - An incident or maintenance belongs to a pane when any component it lists
 *    (its `components`, or any update's affected_components) is selected by one
 *    of the pane's patterns for that feed. Components are looked up by id in the
 *    feed's snapshot so group membership counts; unknown ones are matched by
 *    their own name/id.
 *  - An incident that lists no component, or whose components match no pane at
 *    all, is feed-wide: it goes to every pane that shows at least one component
 *    of that feed (so nothing open is ever invisible in the grid), and is marked
 *    `feed_wide`. It is in state->incidents either way.
 *
 * Statuses:
 *  - A pane's status is the worst (model.h severity) of its non-group components'
 *    statuses; a group counts only when it has no child in the pane. A pane with
 *    no components is COMP_UNKNOWN.
 *  - A feed is stale when it has a snapshot and either its last fetch failed or
 *    the last success is older than 2 * interval + timeout seconds.
 */
#ifndef OPSDECK_STATE_H
#define OPSDECK_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "opsdeck/attrs.h"
#include "opsdeck/model.h"

struct config;
struct config_feed;
struct config_pane;

#define STATE_ERROR_MAX 320

struct state_feed {
    const struct config_feed *cfg;      /* borrowed from the config */
    struct snapshot *snap;              /* owned; NULL until the first success */
    bool ok;                            /* the last fetch succeeded */
    bool stale;                         /* see above; recomputed with `now` */
    char error[STATE_ERROR_MAX];        /* last failure ("" when ok), safe to print */
    int64_t fetched_at;                 /* last success (epoch s), 0 = never */
    int64_t attempted_at;               /* last attempt (epoch s), 0 = never */
};

/* One component shown in a pane. */
struct state_component {
    size_t feed;                        /* index into state->feeds */
    const struct component *comp;       /* in that feed's snapshot */
};

/* One incident or maintenance of one feed, with where it is shown. */
struct state_incident {
    size_t feed;
    const struct incident *inc;         /* in that feed's snapshot */
    bool maintenance;
    bool active;                        /* open incident, or maintenance in progress/upcoming */
    bool feed_wide;                     /* matched no pane by component (see above) */
    bool *in_pane;                      /* n_panes flags */
    int first_pane;                     /* lowest pane index it is in, -1 for none */
};

struct state_pane {
    const struct config_pane *cfg;      /* borrowed from the config */
    enum component_status status;       /* worst */
    bool stale;                         /* some feed with a component here is stale or failed */
    struct state_component *components; /* feed order; groups followed by their children */
    size_t n_components;
    const struct state_incident **incidents;     /* active incidents, newest first */
    size_t n_incidents;
    const struct state_incident **maintenances;  /* in progress first, then upcoming by start */
    size_t n_maintenances;
};

/* One update in the merged timeline. */
struct state_row {
    struct od_time at;                  /* the update's shown time (display_at) */
    size_t feed;
    const struct state_incident *si;    /* the incident or maintenance */
    const struct incident_update *upd;
    enum incident_status status;        /* the update's status */
    const char *line;                   /* first non-empty line of the body (not NUL-ended) */
    size_t line_len;
    int pane;                           /* si->first_pane */
};

struct state {
    const struct config *cfg;           /* borrowed */
    struct state_feed *feeds;           /* one per config feed, same order */
    size_t n_feeds;
    struct state_pane *panes;           /* one per config pane, same order */
    size_t n_panes;
    struct state_incident *incidents;   /* every incident and maintenance, newest first
                                           (one in both lists of a feed, same id and
                                           name: once) */
    size_t n_incidents;
    struct state_row *timeline;         /* every update, newest first */
    size_t n_timeline;
    enum component_status overall;      /* worst over all panes */
    enum impact indicator;              /* worst status.indicator over feeds with data */
    size_t n_failed;                    /* feeds whose last fetch failed */
    unsigned long generation;           /* bumped by every rebuild */
};

/* A state for `cfg` (borrowed) with no data yet. */
OD_NODISCARD struct state *state_new(const struct config *cfg);
void state_free(struct state *st);      /* NULL is fine */

/* Index of the feed with that id, or -1. */
int state_feed_index(const struct state *st, const char *id);

/* A successful fetch of feed `feed` at `now`: the state takes ownership of snap
 * (frees the previous one). */
void state_feed_take(struct state *st, size_t feed, struct snapshot *snap, int64_t now);
/* The same, cloning snap (the caller keeps ownership). */
void state_feed_update(struct state *st, size_t feed, const struct snapshot *snap, int64_t now);
/* A failed fetch: keeps the last snapshot, records the error (sanitised here). */
void state_feed_fail(struct state *st, size_t feed, const char *error, int64_t now);
/* Recompute staleness (time passed) and rebuild the views. */
void state_recompute(struct state *st, int64_t now);

/* The name to show for a feed: config name, else the page's name, else the id. */
const char *state_feed_label(const struct state *st, size_t feed);

/* Is the maintenance in progress (status in_progress/verifying)? */
bool state_maintenance_in_progress(const struct incident *m);

/* ---- filter ----
 * A filter is words separated by spaces; every word must match (AND):
 *   feed:ID       the row/incident's feed id (prefix, case-insensitive)
 *   pane:TEXT     in a pane whose title contains TEXT
 *   status:NAME   the row's (or incident's) status name, prefix: status:inv
 *   anything else a case-insensitive substring of the incident name or the body
 * An empty filter matches everything. */
#define STATE_FILTER_MAX_TERMS 16

enum state_filter_kind { FILTER_TEXT, FILTER_FEED, FILTER_PANE, FILTER_STATUS };

struct state_filter {
    size_t n;
    struct {
        enum state_filter_kind kind;
        char *value;                    /* owned, lower-cased */
    } terms[STATE_FILTER_MAX_TERMS];
};

/* Parse text (extra terms past the maximum are ignored). Free with
 * state_filter_clear(). A zeroed struct is the empty filter. */
void state_filter_parse(struct state_filter *f, const char *text);
void state_filter_clear(struct state_filter *f);
bool state_filter_match_row(const struct state *st, const struct state_filter *f,
                            const struct state_row *row);
bool state_filter_match_incident(const struct state *st, const struct state_filter *f,
                                 const struct state_incident *si);

#endif
