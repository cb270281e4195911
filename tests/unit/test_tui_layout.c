/* Layout arithmetic: wall, 80x24, minimum size, no overlap, everything inside. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "opsdeck/tui_layout.h"

static bool inside(struct rect r, int rows, int cols)
{
    return r.y >= 0 && r.x >= 0 && r.h >= 0 && r.w >= 0 && r.y + r.h <= rows && r.x + r.w <= cols;
}

static bool overlap(struct rect a, struct rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/* Every rectangle inside the screen, none overlapping, rows fully used. */
static void check_sane(const struct layout *l)
{
    assert_false(l->too_small);
    assert_true(inside(l->timeline, l->rows, l->cols));
    assert_true(l->timeline.h >= LAYOUT_MIN_TIMELINE_ROWS);
    assert_int_equal(l->timeline.y + l->timeline.h, l->rows - 1);
    for (size_t i = 0; i < l->n_panes; i++) {
        assert_true(inside(l->panes[i], l->rows, l->cols));
        assert_true(l->panes[i].h >= LAYOUT_MIN_PANE_ROWS);
        assert_true(l->panes[i].w >= 10);
        assert_false(overlap(l->panes[i], l->timeline));
        assert_false(overlap(l->panes[i], l->header));
        for (size_t j = 0; j < i; j++)
            assert_false(overlap(l->panes[i], l->panes[j]));
    }
}

static void test_wall_side_by_side(void **s)
{
    (void)s;
    struct layout l;
    layout_compute(&l, 50, 160, 5);
    check_sane(&l);
    assert_true(l.wall);
    assert_int_equal(l.grid_cols, 5);
    assert_int_equal(l.grid_rows, 1);
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(l.panes[i].y, 1);
    /* equal widths (within one column), one blank column between, last to the edge */
    assert_int_equal(l.panes[0].x, 0);
    assert_int_equal(l.panes[0].w, 31);
    assert_int_equal(l.panes[1].x, 32);
    assert_int_equal(l.panes[4].x + l.panes[4].w, 160);
    layout_compute(&l, 60, 200, 5);
    check_sane(&l);
    assert_true(l.wall);
    assert_int_equal(l.panes[4].x + l.panes[4].w, 200);
}

static void test_80x24(void **s)
{
    (void)s;
    struct layout l;
    layout_compute(&l, 24, 80, 5);
    check_sane(&l);
    assert_false(l.wall);
    assert_int_equal(l.grid_cols, 2);
    assert_int_equal(l.grid_rows, 3);
    assert_int_equal(l.panes[0].w, 39);
    assert_int_equal(l.panes[1].x, 40);
    assert_int_equal(l.panes[1].w, 40);
    assert_int_equal(l.panes[0].h, 4);
    assert_int_equal(l.timeline.y, 13);
    assert_int_equal(l.timeline.h, 10);
    assert_int_equal(l.header.y, 0);
    assert_int_equal(l.footer.y, 23);
}

static void test_rebalanced_grid(void **s)
{
    (void)s;
    struct layout l;
    /* 150 columns would fit 4 panes of 36; 5 panes then take 3 + 2 */
    layout_compute(&l, 40, 150, 5);
    check_sane(&l);
    assert_int_equal(l.grid_cols, 3);
    assert_int_equal(l.grid_rows, 2);
    /* too many panes for one wall row: a grid */
    layout_compute(&l, 60, 170, 12);
    check_sane(&l);
    assert_false(l.wall);
}

static void test_too_small(void **s)
{
    (void)s;
    struct layout l;
    layout_compute(&l, 12, 50, 5);
    assert_true(l.too_small);
    assert_string_equal(l.message, "terminal 50x12 is too small: need 60x16");
    assert_int_equal(l.footer.y, 11);
    /* wide enough but the grid does not fit: names the rows it needs */
    layout_compute(&l, 16, 60, 12);
    assert_true(l.too_small);
    assert_string_equal(l.message, "terminal 60x16 is too small: need 60x42");
    layout_compute(&l, 1, 1, 5);
    assert_true(l.too_small);
    layout_compute(&l, 0, 0, 0);
    assert_true(l.too_small);
}

static void test_many_sizes(void **s)
{
    (void)s;
    struct layout l;
    for (int rows = LAYOUT_MIN_ROWS; rows <= 80; rows += 3)
        for (int cols = LAYOUT_MIN_COLS; cols <= 300; cols += 7)
            for (size_t n = 0; n <= 8; n++) {
                layout_compute(&l, rows, cols, n);
                if (!l.too_small)
                    check_sane(&l);
                else
                    assert_true(n > 0);
            }
}

static void test_center(void **s)
{
    (void)s;
    struct rect r = layout_center((struct rect){1, 0, 22, 80}, 10, 40);
    assert_int_equal(r.y, 7);
    assert_int_equal(r.x, 20);
    r = layout_center((struct rect){1, 0, 5, 30}, 10, 40);
    assert_int_equal(r.h, 5);
    assert_int_equal(r.w, 30);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wall_side_by_side), cmocka_unit_test(test_80x24),
        cmocka_unit_test(test_rebalanced_grid),   cmocka_unit_test(test_too_small),
        cmocka_unit_test(test_many_sizes),        cmocka_unit_test(test_center),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
