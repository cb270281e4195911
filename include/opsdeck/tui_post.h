/* Posting from the dashboard: keys n (new incident), u (update the selected
 * incident), r (resolve it), M (schedule a maintenance; also n in the
 * maintenances view), c (component status) open the post form (tui_form.h)
 * over the dashboard. Ctrl-E runs $VISUAL or $EDITOR on the message; Ctrl-P
 * previews; Enter in the preview sends.
 *
 * Sending never blocks the UI: the post goes to the outbox first, then each
 * request runs on the engine's multi handle (engine_http). A 4xx brings the
 * form back with the server's message and the draft intact; a network error,
 * 5xx or 429 leaves the post in the outbox, retried with back-off from the
 * engine's timers (posts left from an earlier run are retried too), with the
 * error in the footer. With "readonly" in the config the keys only say so.
 */
#ifndef OPSDECK_TUI_POST_H
#define OPSDECK_TUI_POST_H

#include <stdbool.h>

struct dash;
struct engine;
struct config;
struct dash_post;

/* d and eng are borrowed for the dash_post's life. Schedules the outbox. */
struct dash_post *dash_post_new(struct dash *d, struct engine *eng, const struct config *cfg);
void dash_post_free(struct dash_post *p);      /* NULL is fine; cancels transfers */

/* A key for the dashboard: true when posting used it (the form is open, or
 * the key opened it). */
bool dash_post_key(struct dash_post *p, int ch, bool is_key);

/* Is the form open? */
bool dash_post_active(const struct dash_post *p);
/* The overlay of tui_screen_render (ud is the struct dash_post, NULL is fine):
 * the form, or the outbox row and the newest accepted post marked pending on
 * the timeline's last rows until a fetch shows it (post_pending.h). */
void dash_post_overlay(void *ud);

#endif
