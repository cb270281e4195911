/* Drafts of posts, saved on every change under $XDG_STATE_HOME/opsdeck/drafts/
 * (post_files.h: atomic and fsync'd), so Esc, quit, a crash or kill -9 never
 * lose what was typed. One draft per action: the kind, the feed and, for an
 * update or a resolution, the incident ("update.maxmail.abc123.json");
 * opening the same action again offers it.
 */
#ifndef OPSDECK_DRAFTS_H
#define OPSDECK_DRAFTS_H

#include <stdbool.h>
#include <stddef.h>
#include "opsdeck/attrs.h"
#include "opsdeck/error.h"
#include "opsdeck/post.h"

#define DRAFTS_MAX_BYTES (256u << 10)

/* The draft's file name for an action (no directory). */
void drafts_name(char *buf, size_t size, enum post_kind kind, const char *feed,
                 const char *incident_id);

/* Save p as the draft of its action (replacing any earlier one). extra (may
 * be NULL) is stored beside it: what a form needs that a post does not hold,
 * such as times still being typed. */
OD_NODISCARD enum od_status drafts_save(const struct post *p, struct od_error *err);
OD_NODISCARD enum od_status drafts_save_extra(const struct post *p, const json_t *extra,
                                              struct od_error *err);

/* The draft of an action into out (OD_NOTFOUND when there is none; a
 * damaged file is OD_PARSE/OD_SHAPE and stays for the engineer to look at). */
OD_NODISCARD enum od_status drafts_load(enum post_kind kind, const char *feed,
                                        const char *incident_id, struct post *out,
                                        struct od_error *err);
/* The same, also returning the extra object (a new reference, or NULL). */
OD_NODISCARD enum od_status drafts_load_extra(enum post_kind kind, const char *feed,
                                              const char *incident_id, struct post *out,
                                              json_t **extra, struct od_error *err);

/* Forget the draft (after a post is accepted into the outbox, or on request). */
void drafts_discard(enum post_kind kind, const char *feed, const char *incident_id);

#endif
