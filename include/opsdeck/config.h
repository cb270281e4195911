/* The configuration: feeds, panes, zones, theme, alerts.
 *
 * Loaded from JSON with jansson and validated completely before use: every error
 * names file:line:column, the key path and what was expected, e.g.
 *   "config.json:12:7: feeds[0].interval: expected a positive integer".
 * Unknown keys are errors (a typo never silently does nothing).
 *
 * Lookup order (config_load): the --config FILE given, else
 * $XDG_CONFIG_HOME/opsdeck/config.json (XDG_CONFIG_HOME defaults to ~/.config),
 * else the built-in default (config_default): one Statuspage feed "maxmail" at
 * http://127.0.0.1:8931 and the five panes of the reference deployment.
 *
 * Ownership: a struct config owns every string and array reachable from it;
 * config_free() frees all of it. A loaded config is never modified by the library,
 * so borrowed pointers into it stay valid until config_free().
 *
 * Pane patterns: a pane lists component patterns "FEED:GLOB" or "GLOB". When the
 * text before the first ':' is the id of a configured feed, the pattern applies to
 * that feed only; otherwise the whole string is a GLOB for any feed (so a name
 * that itself contains ':' still works; write ":GLOB" to force any-feed). GLOB is
 * fnmatch(3)-style (*, ?, [...]; backslash escapes), matched case-insensitively
 * against a component's name or its id. A pattern matching a group (by name or
 * id) matches the group and all of the group's children.
 */
#ifndef OPSDECK_CONFIG_H
#define OPSDECK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include "opsdeck/attrs.h"
#include "opsdeck/error.h"

struct component;

enum feed_kind {
    FEED_STATUSPAGE,        /* "statuspage": Statuspage v2 public API (and opsdeckd) */
    FEED_CACHET,            /* "cachet": Cachet v1 */
};

/* Defaults and bounds for feed settings. */
#define CONFIG_DEFAULT_INTERVAL   30            /* seconds between fetches */
#define CONFIG_DEFAULT_TIMEOUT    10            /* seconds, whole transfer */
#define CONFIG_DEFAULT_MAX_BODY   (8u << 20)    /* bytes per document */
#define CONFIG_MAX_INTERVAL       86400
#define CONFIG_MAX_TIMEOUT        600
#define CONFIG_MAX_MAX_BODY       (256u << 20)
#define CONFIG_MAX_FEEDS          1024          /* feeds in one config */
#define CONFIG_DEFAULT_URL        "http://127.0.0.1:8931"

struct config_feed {
    char *id;               /* unique, [A-Za-z0-9_.-]{1,32} */
    enum feed_kind kind;
    char *url;              /* base URL: http://, https:// or file://; no trailing '/' */
    int interval;           /* seconds, >= 1 */
    int timeout;            /* seconds, >= 1 (connect timeout is min(timeout, 10)) */
    size_t max_body;        /* bytes per document, >= 1024 */
    char *ca_file;          /* PEM bundle for TLS, or NULL for the system store */
    char *time_zone;        /* Cachet: IANA zone its naive times are in; NULL = UTC */
    char *page_id;          /* Statuspage management API page id, or NULL */
    char *token_env;        /* name of the environment variable holding the token */
    char *token_file;       /* file (owner-only) holding the token */
    char *manage_url;       /* management API root for posting; NULL = url */
    char *name;             /* display name; NULL = use the page's name, then id */
    bool summary_only;      /* statuspage: read summary.json only (not incidents.json
                               and scheduled-maintenances.json); default false */
    int line, column;       /* where the feed's object starts (0 for built-in) */
};

struct config_pattern {
    char *feed;             /* feed id, or NULL for any feed */
    char *glob;             /* never NULL */
    char *text;             /* the pattern as written, for messages */
};

struct config_pane {
    char *title;
    struct config_pattern *patterns;
    size_t n_patterns;
};

struct config {
    char *source;           /* file name, or "<built-in>" */
    char **timezones;       /* IANA names; never empty ("UTC" when omitted) */
    size_t n_timezones;
    char *theme;            /* theme name; "default" when omitted */
    struct config_feed *feeds;
    size_t n_feeds;
    struct config_pane *panes;
    size_t n_panes;
    bool alert_bell;        /* alerts.bell; default true */
    bool readonly;          /* no posting from this deployment; default false */
    char *title;            /* deployment name shown in the title bar; NULL = "opsdeck" */
};

/* The built-in default (see above). Never NULL. */
OD_NODISCARD struct config *config_default(void);

/* Parse and validate a config document. `source` names it in errors (a file
 * name or "<string>"). NULL with err filled (code OD_CONFIG, line, column). */
OD_NODISCARD struct config *config_parse(const char *text, size_t len, const char *source,
                                         struct od_error *err);

/* Read and parse a file (at most 1 MiB). */
OD_NODISCARD struct config *config_load_file(const char *path, struct od_error *err);

/* Where the config comes from, by the lookup order above: the path written into
 * buf and true, or false (buf = "") when the built-in default applies. An
 * explicit path is returned even if it does not exist (loading it then fails). */
bool config_locate(const char *explicit_path, char *buf, size_t size);

/* config_locate + config_load_file, or config_default when there is no file. */
OD_NODISCARD struct config *config_load(const char *explicit_path, struct od_error *err);

void config_free(struct config *c);     /* NULL is fine */

/* Borrowed; NULL when no feed has that id. */
const struct config_feed *config_find_feed(const struct config *c, const char *id);
/* The name to show for a feed: its configured name, else its id. */
const char *config_feed_label(const struct config_feed *f);

const char *feed_kind_name(enum feed_kind k);

/* fnmatch-style glob, case-insensitive (ASCII). */
bool config_glob_match(const char *glob, const char *s);

/* Does pattern p select component c of feed `feed_id`? `group` is c's parent
 * group (NULL when c has none or it is unknown). Pure: no state, no I/O. */
bool config_pattern_match(const struct config_pattern *p, const char *feed_id,
                          const struct component *c, const struct component *group);

/* Does any of the pane's patterns select c? */
bool config_pane_match(const struct config_pane *pane, const char *feed_id,
                       const struct component *c, const struct component *group);

#endif
