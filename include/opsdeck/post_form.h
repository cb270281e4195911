/* The post form's model: fields, editing, templates, draft saving, preview.
 * No curses: the dashboard (src/tui/form.c) draws it and turns keys into the
 * FK_* codes below; tests drive it directly.
 *
 * Fields per kind:
 *   incident     title, status, impact, components, message, eta, template, notify
 *   update       status, components, message, eta, template, notify
 *   resolve      components, message, template, notify        (status resolved)
 *   maintenance  title, status, start, end, components, message, template, notify
 * The ETA only feeds a template's {eta} (shown in every configured zone).
 *   component    components
 * Components are the feed's (groups left out), each with its current status
 * and a new one ("unchanged" until picked). Times are typed as post_time.h reads
 * them, in any configured zone.
 *
 * Every change marks the form unsaved; post_form_flush_draft() writes the
 * action's draft (drafts.h) then. The dashboard flushes before it draws each
 * frame, so whatever is on screen is on disk, and a pasted paragraph costs one
 * fsync'd write, not one per character. Esc, quit, a crash or kill -9 keep it;
 * post_form_new() offers an existing draft by loading it (form->restored).
 *
 * Ownership: the form copies what it needs from the snapshot and incident; it
 * borrows the config for its lifetime.
 */
#ifndef OPSDECK_POST_FORM_H
#define OPSDECK_POST_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "opsdeck/attrs.h"
#include "opsdeck/error.h"
#include "opsdeck/post.h"

struct config;
struct config_feed;
struct snapshot;
struct incident;
struct template;

enum form_field {
    FF_TITLE, FF_STATUS, FF_IMPACT, FF_START, FF_END, FF_COMPONENTS, FF_MESSAGE,
    FF_ETA, FF_TEMPLATE, FF_NOTIFY, FF__COUNT
};

/* Keys the form understands; printable text comes as UTF-8 through
 * post_form_text(). */
enum form_key {
    FK_UP = 1, FK_DOWN, FK_LEFT, FK_RIGHT, FK_HOME, FK_END, FK_BACKSPACE, FK_DELETE,
    FK_ENTER, FK_TAB, FK_BTAB, FK_ESC, FK_EDITOR /* Ctrl-E */, FK_PREVIEW /* Ctrl-P, F2 */,
    FK_SPACE, FK_DISCARD /* Ctrl-D: throw the draft away, start over */,
};

/* What the caller must do after a key (bits). */
enum form_result {
    FORM_CHANGED = 1u << 0,     /* redraw */
    FORM_CLOSE = 1u << 1,       /* close the form (the draft stays) */
    FORM_EDITOR = 1u << 2,      /* run $VISUAL/$EDITOR on the message (post_form_edit_external) */
    FORM_SEND = 1u << 3,        /* confirmed in the preview: send post_form_post() */
    FORM_RESTART = 1u << 4,     /* the draft is gone: open a fresh form of the same action */
};

enum form_stage { STAGE_EDIT, STAGE_PREVIEW, STAGE_SENDING };

struct form_text {
    char *s;                    /* NUL-terminated */
    size_t len, cap, cursor;    /* cursor: byte offset */
    size_t max;                 /* bytes */
};

struct form_comp {
    char *id, *name;
    enum component_status current;
    enum component_status next;         /* COMP_UNKNOWN: unchanged */
};

struct post_form {
    enum post_kind kind;
    const struct config *cfg;
    const struct config_feed *feed;
    char *incident_id, *incident_name;  /* update, resolve */
    struct form_text title, message, start, end, eta;
    enum incident_status status;
    enum impact impact;                 /* IMPACT_UNKNOWN: leave to the server */
    bool notify;
    struct form_comp *comps;
    size_t n_comps, comp_sel;
    struct template *templates;
    size_t n_templates, template_sel;   /* 0 = none, i = templates[i - 1] */
    enum form_field fields[FF__COUNT];
    size_t n_fields, focus;             /* index into fields */
    enum form_stage stage;
    char key[48];                       /* idempotency key, kept across edits */
    char error[400];                    /* shown under the form; "" when none */
    bool restored;                      /* opened from a saved draft */
    bool draft_error;                   /* the last draft save failed (error says why) */
    bool unsaved;                       /* changed since the draft was last written */
    int64_t now;                        /* wall clock for times typed as "today" */
};

/* A form for `kind` on `feed`; snap is the feed's snapshot (components, the
 * incident) or NULL; incident_id for update/resolve. */
OD_NODISCARD struct post_form *post_form_new(enum post_kind kind, const struct config *cfg,
                                             const struct config_feed *feed,
                                             const struct snapshot *snap,
                                             const char *incident_id, int64_t now);
void post_form_free(struct post_form *f);

enum form_field post_form_focus(const struct post_form *f);
/* Insert typed text (UTF-8) into the focused text field. */
unsigned post_form_text(struct post_form *f, const char *utf8, size_t len);
unsigned post_form_key(struct post_form *f, enum form_key k);

/* The post the form describes (validated: OD_INVALID with the sentence in
 * err, also copied to f->error). */
OD_NODISCARD enum od_status post_form_post(struct post_form *f, struct post *out,
                                           struct od_error *err);

/* What will be posted and where, as lines of plain text separated by '\n'
 * (the caller wraps): destination, title, status, impact, notify, times in
 * every configured zone, component changes, then the message as readers
 * will see it. New string. */
OD_NODISCARD char *post_form_preview(struct post_form *f);

/* Apply the selected template: message filled from the form, status from
 * the template when it fits the kind. */
void post_form_apply_template(struct post_form *f);

/* Replace the message with the text of a file (after the external editor). */
OD_NODISCARD enum od_status post_form_load_message(struct post_form *f, const char *path,
                                                   struct od_error *err);

/* Save the draft now; _flush only when something changed since. */
void post_form_save_draft(struct post_form *f);
void post_form_flush_draft(struct post_form *f);
/* The post went out: forget the draft. */
void post_form_discard_draft(struct post_form *f);

/* A server's answer rejected the post: back to editing with its message. */
void post_form_rejected(struct post_form *f, const char *message);

const char *post_form_field_label(enum form_field ff);
/* The value of a choice field as shown ("Investigating", "major", "yes", the
 * template's name); "" for text fields. */
const char *post_form_choice(const struct post_form *f, enum form_field ff);

#endif
