/* Files of the posting code under $XDG_STATE_HOME/opsdeck/ (drafts/, outbox/):
 * directories made owner-only, every write atomic (temporary file in the same
 * directory, fsync, rename, fsync of the directory), so a crash or kill -9 at
 * any moment leaves either the old or the new file, never half of one.
 */
#ifndef OPSDECK_POST_FILES_H
#define OPSDECK_POST_FILES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include "opsdeck/attrs.h"
#include "opsdeck/error.h"

/* $XDG_STATE_HOME/opsdeck/SUB (XDG_STATE_HOME defaults to ~/.local/state),
 * created with mode 0700 as needed. */
OD_NODISCARD enum od_status post_state_dir(const char *sub, char *buf, size_t size,
                                           struct od_error *err);

/* Replace `path` with `len` bytes, atomically and durably; mode 0600. */
OD_NODISCARD enum od_status post_write_atomic(const char *path, const char *data, size_t len,
                                              struct od_error *err);

/* Read a whole file of at most max bytes (new NUL-terminated buffer).
 * OD_NOTFOUND when it does not exist, OD_TOOBIG when longer. */
OD_NODISCARD enum od_status post_read_file(const char *path, size_t max, char **out,
                                           size_t *len, struct od_error *err);

/* A JSON document to or from a file: written indented and atomically; read
 * with post_read_file's cap, a syntax error is OD_PARSE naming `what` ("damaged
 * draft: ..."). *out is a new reference. */
OD_NODISCARD enum od_status post_write_json(const char *path, const json_t *j,
                                            struct od_error *err);
OD_NODISCARD enum od_status post_read_json(const char *path, size_t max, const char *what,
                                           json_t **out, struct od_error *err);

/* s as one safe path component: [A-Za-z0-9_.-] kept (no leading dot), others become _. */
void post_file_component(char *buf, size_t size, const char *s);

#endif
