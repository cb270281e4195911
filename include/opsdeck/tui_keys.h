/* Keys → actions. One X-macro list drives the dispatch, the help overlay and
 * (checked by test_tui_dash) the KEYS section of opsdeck(1).
 * action id, keys as shown, what it does, views where it applies.
 * The POST_* keys are taken by the post forms (tui_post.h) before dispatch; they
 * are listed here so help and the man page show them. */
#ifndef OPSDECK_TUI_KEYS_H
#define OPSDECK_TUI_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#define KV_MAIN (1u << 0)
#define KV_DETAIL (1u << 1)
#define KV_MAINT (1u << 2)
#define KV_FEEDS (1u << 3)
#define KV_ALL (KV_MAIN | KV_DETAIL | KV_MAINT | KV_FEEDS)

#define DASH_ACTIONS(_) \
    _(UP,        "k, Up",              "move up (scroll in the detail view)",                KV_ALL) \
    _(DOWN,      "j, Down",            "move down",                                          KV_ALL) \
    _(PAGE_UP,   "PgUp, Ctrl-B",       "one page up",                                        KV_ALL) \
    _(PAGE_DOWN, "PgDn, Ctrl-F, Space", "one page down",                                     KV_ALL) \
    _(TOP,       "g, Home",            "to the first item",                                  KV_ALL) \
    _(BOTTOM,    "G, End",             "to the last item",                                   KV_ALL) \
    _(NEXT_PANE, "Tab, l, Right",      "next pane, then the timeline",                       KV_MAIN) \
    _(PREV_PANE, "Shift-Tab, h, Left", "previous pane",                                      KV_MAIN) \
    _(OPEN,      "Enter",              "open the selected incident",                         KV_MAIN | KV_MAINT) \
    _(BACK,      "Esc",                "back; on the main view, clear the filter",           KV_ALL) \
    _(FILTER,    "/",                  "filter: text, feed:ID, pane:TEXT, status:NAME",      KV_MAIN) \
    _(COMMAND,   ":",                  "command: pane X, feed X, theme X, tz ZONE..., q",    KV_ALL) \
    _(MAINT,     "m",                  "maintenances view",                                  KV_ALL) \
    _(FEEDS,     "f",                  "feeds view (URL, errors, next fetch, 304s)",         KV_ALL) \
    _(POST_NEW,  "n",                  "post: new incident (maintenance in that view)", KV_MAIN | KV_DETAIL | KV_MAINT) \
    _(POST_UPDATE, "u",                "post: update the selected incident",                 KV_MAIN | KV_DETAIL | KV_MAINT) \
    _(POST_RESOLVE, "r",               "post: resolve the selected incident",                KV_MAIN | KV_DETAIL) \
    _(POST_MAINT, "M",                 "post: schedule a maintenance",                       KV_MAIN | KV_DETAIL | KV_MAINT) \
    _(POST_COMPONENT, "c",             "post: change a component's status",                  KV_MAIN | KV_DETAIL | KV_MAINT) \
    _(REFRESH,   "R",                  "fetch every feed now",                               KV_ALL) \
    _(ACK,       "a",                  "acknowledge alerts",                                 KV_ALL) \
    _(PAUSE,     "z",                  "pause or resume updates on screen",                  KV_ALL) \
    _(REDRAW,    "Ctrl-L",             "redraw the screen",                                  KV_ALL) \
    _(HELP,      "?",                  "this help (any key closes it)",                      KV_ALL) \
    _(QUIT,      "q",                  "quit from the main view; elsewhere go back",         KV_ALL)

enum dash_action {
#define DASH_ACTION_ENUM(id, keys, help, views) ACT_##id,
    DASH_ACTIONS(DASH_ACTION_ENUM)
#undef DASH_ACTION_ENUM
    ACT__COUNT,
    ACT_NONE = -1
};

struct dash_action_info {
    const char *keys;
    const char *help;
    unsigned views;
};

const struct dash_action_info *dash_action_info(enum dash_action a);
/* A key (character, or curses KEY_* when is_key) → action, or ACT_NONE. */
enum dash_action dash_action_for_key(int ch, bool is_key);

#endif
