/* Times typed by an engineer for a post (a maintenance start and end, an ETA),
 * in any configured zone:
 *
 *   2026-12-01T22:00:00Z, 2026-12-01T23:00+01:00   RFC 3339
 *   2026-12-01 22:00 Europe/London                  a local time in an IANA zone
 *   2026-12-01 22:00 PDT                            ... or in an abbreviation that one
 *                                                   of the configured zones uses (its offset)
 *   2026-12-01 22:00                                ... in the first configured zone
 *   22:00 PDT, 1300 BST, 22:00                      today (in that zone) at that time
 *
 * UTC, GMT and Z are always known. DST gaps and overlaps resolve as
 * tz_from_local() does.
 */
#ifndef OPSDECK_POST_TIME_H
#define OPSDECK_POST_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "opsdeck/attrs.h"
#include "opsdeck/error.h"
#include "opsdeck/time_parse.h"

/* zones: the configured zones (first = default); now: wall seconds (for
 * "today" and for finding abbreviations). OD_INVALID with a sentence listing
 * the accepted forms on failure. */
OD_NODISCARD enum od_status post_time_parse(const char *text, const char *const *zones,
                                            size_t n_zones, int64_t now, struct od_time *out,
                                            struct od_error *err);

#endif
