/* Screen layout arithmetic (see tui_layout.h). */
#include "opsdeck/tui_layout.h"

#include <stdio.h>
#include <string.h>

static int clamp_int(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static void set_too_small(struct layout *out, int need_rows, int need_cols)
{
    out->too_small = true;
    snprintf(out->message, sizeof(out->message), "terminal %dx%d is too small: need %dx%d",
             out->cols, out->rows, need_cols, need_rows);
}

/* Grid columns: every pane in one row on a wall, else panes about
 * LAYOUT_GRID_PANE_COLS wide; then rebalanced so rows are as full as possible
 * (5 panes in 4 columns would leave 3 empty cells: 3 columns instead). */
static int grid_columns(int cols, int n, bool *wall)
{
    int gc;
    *wall = cols >= LAYOUT_WALL_COLS && cols >= n * (LAYOUT_MIN_PANE_COLS + 1) - 1;
    if (*wall)
        return n;
    gc = clamp_int((cols + 1) / (LAYOUT_GRID_PANE_COLS + 1), 1, n);
    int grid_rows = (n + gc - 1) / gc;
    return (n + grid_rows - 1) / grid_rows;
}

void layout_compute(struct layout *out, int rows, int cols, size_t n_panes)
{
    memset(out, 0, sizeof(*out));
    out->rows = rows;
    out->cols = cols;
    out->n_panes = n_panes > LAYOUT_MAX_PANES ? LAYOUT_MAX_PANES : n_panes;
    if (rows >= 2 && cols >= 1) {
        out->header = (struct rect){0, 0, 1, cols};
        out->footer = (struct rect){rows - 1, 0, 1, cols};
        out->body = (struct rect){1, 0, rows - 2, cols};
    }
    if (cols < LAYOUT_MIN_COLS || rows < LAYOUT_MIN_ROWS) {
        set_too_small(out, LAYOUT_MIN_ROWS, LAYOUT_MIN_COLS);
        return;
    }
    int n = (int)out->n_panes;
    int body_h = rows - 2;
    if (n == 0) {
        out->timeline = out->body;
        return;
    }
    int gc = grid_columns(cols, n, &out->wall);
    int gr = (n + gc - 1) / gc;
    int avail = body_h - LAYOUT_MIN_TIMELINE_ROWS;
    if (gr * LAYOUT_MIN_PANE_ROWS > avail) {
        set_too_small(out, gr * LAYOUT_MIN_PANE_ROWS + LAYOUT_MIN_TIMELINE_ROWS + 2, cols);
        return;
    }
    /* the grid takes about 3/5 of the body (half on a wall, where panes are
     * wide and the timeline is what people read from across the room) */
    int target = out->wall ? body_h / 2 : body_h * 3 / 5;
    int pane_h = clamp_int(target / gr, LAYOUT_MIN_PANE_ROWS, avail / gr);
    out->grid_cols = gc;
    out->grid_rows = gr;
    for (int i = 0; i < n; i++) {
        int r = i / gc, c = i % gc;
        int x = c * cols / gc;
        int next = (c + 1) * cols / gc;
        int w = c == gc - 1 ? cols - x : next - x - 1;   /* one blank column between */
        out->panes[i] = (struct rect){1 + r * pane_h, x, pane_h, w};
    }
    out->timeline = (struct rect){1 + gr * pane_h, 0, body_h - gr * pane_h, cols};
}

struct rect layout_center(struct rect r, int h, int w)
{
    if (h > r.h)
        h = r.h;
    if (w > r.w)
        w = r.w;
    return (struct rect){r.y + (r.h - h) / 2, r.x + (r.w - w) / 2, h, w};
}
