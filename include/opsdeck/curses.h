/* The only place that includes curses: the wide-character build of ncurses,
 * with its wide API enabled once for every file of src/tui/. */
#ifndef OPSDECK_CURSES_H
#define OPSDECK_CURSES_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <ncursesw/curses.h>

#endif
