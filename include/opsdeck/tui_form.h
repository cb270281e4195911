/* Drawing the post form (post_form.h) as a box over the dashboard: the fields
 * of its kind with the focused one marked, the message wrapped by the box's
 * width with the cursor shown, the components with their new status, the
 * error line, key hints; in the preview stage the exact text that will be
 * posted and where. Everything drawn goes through draw_text (clipped,
 * sanitised). Keys from curses are turned into form keys here too.
 */
#ifndef OPSDECK_TUI_FORM_H
#define OPSDECK_TUI_FORM_H

#include <stdbool.h>
#include "opsdeck/curses.h"
#include "opsdeck/post_form.h"

/* Draw into w (the whole screen); does not refresh. */
void form_draw(WINDOW *w, struct post_form *f);

/* A curses key (is_key: a KEY_* code) → what the form returns (enum
 * form_result), text typed included. */
unsigned form_handle_key(struct post_form *f, int ch, bool is_key);

#endif
