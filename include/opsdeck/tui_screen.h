/* The terminal side of the dashboard: curses set-up and teardown (real or
 * headless), colours for the theme, and dumping a window as text for tests
 * and the README capture. */
#ifndef OPSDECK_TUI_SCREEN_H
#define OPSDECK_TUI_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "opsdeck/curses.h"

struct dash;

/* Start curses on the terminal (stdin/stdout), or headless (rows x cols,
 * output to /dev/null, no input) when headless is true. Sets the locale for
 * UTF-8, cbreak, noecho, nonl, keypad, nodelay input, ESC delay 25 ms, hidden
 * cursor, default colours. Picks ASCII glyphs on TERM=linux or a non-UTF-8
 * locale (d->ascii) and initialises the theme's colours. false on failure
 * (not a terminal, unknown TERM). */
bool tui_screen_start(struct dash *d, bool headless, int rows, int cols);
void tui_screen_stop(void);
/* Re-read the size after SIGWINCH / KEY_RESIZE and relayout. */
void tui_screen_resized(struct dash *d);
/* Drawn over the frame before it is sent (the post form, pending marks). */
typedef void tui_overlay_fn(void *ud);

/* Draw what is dirty, then the overlay (may be NULL), and update the terminal
 * with one doupdate, so an overlay never costs a second write of the frame
 * beneath it. clear: repaint everything from scratch (Ctrl-L). Rings the bell
 * when the dash asks. */
void tui_screen_render(struct dash *d, bool clear, tui_overlay_fn *overlay, void *ud);

/* Write the window's text, one line per row, trailing spaces cut (UTF-8). */
void tui_dump_window(WINDOW *w, FILE *out);

#endif
