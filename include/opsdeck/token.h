/* API tokens for posting: from the feed's token_env (an environment variable)
 * or token_file (a file only its owner may read). Never from the command
 * line; the token is never printed, drawn or logged — callers keep it in a
 * buffer they wipe with token_wipe() when done.
 */
#ifndef OPSDECK_TOKEN_H
#define OPSDECK_TOKEN_H

#include <stddef.h>
#include "opsdeck/attrs.h"
#include "opsdeck/error.h"

struct config_feed;

#define TOKEN_MAX 1024

/* Load the feed's token into buf (NUL-terminated; surrounding blanks and a
 * final newline dropped). Errors (OD_AUTH unless said otherwise), each naming
 * the feed and the variable or file but never the token:
 *   - the feed names neither token_env nor token_file;
 *   - the variable is unset or empty;
 *   - the file cannot be opened (OD_IO), is not a regular file, is not owned by
 *     this user, or is readable or writable by group or others ("chmod 600 FILE");
 *   - the token is empty, longer than TOKEN_MAX - 1 bytes, or holds a control
 *     character or a space (it goes into an HTTP header).
 * buf is wiped on failure. */
OD_NODISCARD enum od_status token_load(const struct config_feed *feed, char *buf, size_t size,
                                       struct od_error *err);

/* Overwrite a token buffer in a way the compiler keeps. */
void token_wipe(char *buf, size_t size);

#endif
