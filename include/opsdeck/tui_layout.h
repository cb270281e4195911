/* Screen layout: terminal size + number of panes → rectangles. Pure arithmetic,
 * no curses, so it is unit-tested directly.
 *
 * Rows, top to bottom: a one-row header, the pane grid, the timeline (its own
 * title row plus entries), a one-row footer. Panes are laid out as a grid of
 * `grid_cols` columns; on a wall terminal (LAYOUT_WALL_COLS and wider) every
 * pane sits side by side in one row as long as each gets LAYOUT_MIN_PANE_COLS.
 * Neighbouring panes are separated by one blank column. Each pane is at least
 * LAYOUT_MIN_PANE_ROWS rows (a title row and content), the timeline at least
 * LAYOUT_MIN_TIMELINE_ROWS. Below LAYOUT_MIN_COLS x LAYOUT_MIN_ROWS, or when the
 * grid cannot fit, `too_small` is set and `message` says what size is needed.
 */
#ifndef OPSDECK_TUI_LAYOUT_H
#define OPSDECK_TUI_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#define LAYOUT_MIN_COLS 60
#define LAYOUT_MIN_ROWS 16
#define LAYOUT_WALL_COLS 160
#define LAYOUT_MIN_PANE_COLS 26     /* narrowest pane on a wall */
#define LAYOUT_GRID_PANE_COLS 36    /* target width of a pane below wall width */
#define LAYOUT_MIN_PANE_ROWS 3
#define LAYOUT_MIN_TIMELINE_ROWS 4
#define LAYOUT_MAX_PANES 64

struct rect {
    int y, x, h, w;
};

struct layout {
    int rows, cols;
    bool too_small;
    char message[96];               /* when too_small: "terminal 50x12 is too small: need 60x16" */
    struct rect header, footer;
    struct rect body;               /* everything between header and footer (other views) */
    struct rect timeline;           /* includes its title row */
    struct rect panes[LAYOUT_MAX_PANES];
    size_t n_panes;                 /* panes laid out (min(n, LAYOUT_MAX_PANES)) */
    int grid_cols, grid_rows;
    bool wall;                      /* all panes side by side */
};

/* Compute the layout for a rows x cols terminal with n panes. Always fills
 * header/footer/body when rows >= 2, even when too_small. */
void layout_compute(struct layout *out, int rows, int cols, size_t n_panes);

/* A centred box of at most h x w inside r (the help overlay). */
struct rect layout_center(struct rect r, int h, int w);

#endif
