/* The help overlay: every key of the current view, from the key table. */
#include <stdio.h>
#include <string.h>

#include "opsdeck/text.h"
#include "opsdeck/tui_draw.h"
#include "opsdeck/tui_keys.h"

static const char *const view_names[] = {"main view", "incident detail", "maintenances", "feeds"};

void view_help_draw(WINDOW *w, struct dash *d)
{
    unsigned mask = 1u << d->view;
    int n = 0, keys_w = 0;
    for (int a = 0; a < ACT__COUNT; a++) {
        const struct dash_action_info *ai = dash_action_info((enum dash_action)a);
        if (!(ai->views & mask))
            continue;
        n++;
        int kw = text_width(ai->keys);
        if (kw > keys_w)
            keys_w = kw;
    }
    struct rect box = layout_center(d->layout.body, n + 4, 76);
    draw_clear_rect(w, box);
    for (int y = 0; y < box.h; y++)
        draw_fill(w, box.y + y, box.x, box.w, ROLE_HELP);
    char title[96];
    snprintf(title, sizeof(title), "Keys: %s (any key closes)", view_names[d->view]);
    draw_text(w, box.y, box.x + 2, box.w - 4, ROLE_PANE_TITLE, title);
    int y = box.y + 2;
    for (int a = 0; a < ACT__COUNT && y < box.y + box.h - 1; a++) {
        const struct dash_action_info *ai = dash_action_info((enum dash_action)a);
        if (!(ai->views & mask))
            continue;
        draw_text(w, y, box.x + 2, keys_w, ROLE_INPUT, ai->keys);
        draw_text(w, y, box.x + 4 + keys_w, box.w - keys_w - 6, ROLE_HELP, ai->help);
        y++;
    }
}
