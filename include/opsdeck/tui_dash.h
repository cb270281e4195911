/* The dashboard's model: what is on screen (view, focus, selection, filter,
 * input line, alerts, pause) over a struct state, and the key handling that
 * changes it. No loop and no network here: dashboard.c wires it to the engine;
 * tests drive it with keys and a state built from fixtures.
 *
 * Ownership: the dash borrows the config and the state it is given
 * (dash_set_state); it owns its zones, filter, alerts, theme and strings.
 * Pointers into the state are never kept across calls: the selected incident
 * is remembered by feed and id, so a rebuilt state does not leave it dangling.
 *
 * Drawing (tui_draw.h) reads the dash; `dirty` says which regions to redraw.
 */
#ifndef OPSDECK_TUI_DASH_H
#define OPSDECK_TUI_DASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "opsdeck/state.h"
#include "opsdeck/tui_layout.h"
#include "opsdeck/tui_theme.h"

struct config;
struct event;
struct engine_feed_stats;

enum dash_view { VIEW_MAIN, VIEW_DETAIL, VIEW_MAINT, VIEW_FEEDS };
enum dash_input { INPUT_NONE, INPUT_FILTER, INPUT_COMMAND };

/* Regions to redraw. */
enum dash_dirty {
    DIRTY_HEADER = 1u << 0,
    DIRTY_PANES = 1u << 1,
    DIRTY_TIMELINE = 1u << 2,
    DIRTY_FOOTER = 1u << 3,
    DIRTY_BODY = 1u << 4,           /* the current non-main view */
    DIRTY_ALL = 0x1fu,
};

/* What the loop must do after a key (bits). */
enum dash_action_bits {
    DASH_QUIT = 1u << 0,
    DASH_REFRESH = 1u << 1,         /* fetch every feed now */
    DASH_CLEAR = 1u << 2,           /* repaint the terminal from scratch (Ctrl-L) */
    DASH_THEME = 1u << 3,           /* the theme changed: re-initialise colours */
    DASH_PAUSE = 1u << 4,           /* `paused` flipped */
};

#define DASH_MAX_ALERTS 256
#define DASH_INPUT_MAX 200
#define DASH_MAX_ZONES 8

struct dash_alert {
    size_t feed;
    char *incident_id;              /* or NULL */
    char *component_id;             /* or NULL */
};

/* The feeds view's numbers come from the engine; NULL = not known. */
typedef const struct engine_feed_stats *(*dash_stats_fn)(void *ud, size_t feed);

struct dash {
    const struct config *cfg;
    struct state *st;               /* shown (borrowed) */
    int64_t now;                    /* wall clock, set before drawing */

    char *zones[DASH_MAX_ZONES];    /* shown zones (`:tz`), owned */
    size_t n_zones;
    struct theme theme;
    bool ascii;                     /* ASCII status glyphs (TERM=linux, non-UTF-8) */

    enum dash_view view;
    bool help;                      /* help overlay on top of the view */
    int focus;                      /* 0..n_panes-1 a pane, n_panes the timeline */
    size_t pane_sel;                /* selected item in the focused pane */
    size_t tl_sel, tl_top;          /* timeline selection and first shown row */
    size_t list_sel;                /* maintenances / feeds views */
    int body_scroll;                /* detail, maintenances, feeds: first line shown */
    size_t detail_feed;             /* the incident in the detail view */
    char *detail_id;
    enum dash_view detail_from;     /* where Esc goes back to */

    char filter_text[DASH_INPUT_MAX + 1];
    struct state_filter filter;
    size_t *rows;                   /* timeline rows passing the filter (indices) */
    size_t n_rows;
    unsigned long rows_generation;  /* state generation rows were built for */

    enum dash_input input;
    char input_buf[DASH_INPUT_MAX + 1];
    size_t input_len;
    char message[256];              /* one-line notice in the footer until the next key */
    bool message_error;

    struct dash_alert alerts[DASH_MAX_ALERTS];
    size_t n_alerts;
    bool flash;                     /* header drawn in the alert colour */
    bool bell;                      /* ring once at the next draw */
    bool paused;
    unsigned long paused_changes;   /* feed changes held back while paused */

    unsigned dirty;                 /* enum dash_dirty */
    struct layout layout;

    dash_stats_fn stats;
    void *stats_ud;
};

void dash_init(struct dash *d, const struct config *cfg, struct state *st);
void dash_fini(struct dash *d);
/* Show another state (pause/resume); keeps selection by feed and id. */
void dash_set_state(struct dash *d, struct state *st);
/* The state changed (a feed was fetched or recomputed): rebuild what depends on it. */
void dash_state_changed(struct dash *d);
/* Screen size changed. */
void dash_resize(struct dash *d, int rows, int cols);

/* Feed change events from the engine: new incidents, new updates (and status
 * changes, which the engine reports for an update that changed the status) and
 * components that got worse become alerts (highlight, flash, bell). Returns
 * true when something alerted. */
bool dash_events(struct dash *d, const struct event *ev, size_t n);
void dash_acknowledge(struct dash *d);
bool dash_incident_alerted(const struct dash *d, size_t feed, const char *incident_id);
bool dash_pane_alerted(const struct dash *d, size_t pane);

/* One key: a character (is_key false) or a curses KEY_* code. Returns
 * enum dash_action_bits for the loop. */
unsigned dash_key(struct dash *d, int ch, bool is_key);

/* `:` commands (also used by tests): "pane NAME", "feed ID", "theme NAME",
 * "tz ZONE...", "filter TEXT", "maint", "feeds", "refresh", "ack", "q". */
unsigned dash_command(struct dash *d, const char *line);
void dash_set_filter(struct dash *d, const char *text);
void dash_message(struct dash *d, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The focused pane's selectable items: incidents then maintenances. */
size_t dash_pane_items(const struct dash *d, size_t pane, const struct state_incident **out,
                       size_t max);
/* Open the detail view of an incident. */
void dash_open_detail(struct dash *d, const struct state_incident *si);
/* The incident shown in the detail view, looked up again in the state; NULL when gone. */
const struct state_incident *dash_detail_incident(const struct dash *d);

/* Feed health for the footer: "3 feeds ok · 1 stale 4m · 1 down". */
int dash_feed_health(const struct dash *d, char *buf, size_t size);

#endif
