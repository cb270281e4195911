/* Statuspage v2 wire format: bytes in, snapshot out, and back.
 *
 * Readers accept hostile input: no crash, memory bounded by a small multiple of
 * the input, a clear error with the JSON position or the path of the bad field
 * ("incidents[3].incident_updates[0].status: expected a string"). Every null,
 * missing key, wrong type and unknown enum value is handled as status-apis.md §5
 * lists: unknown enums → UNKNOWN, nulls → NULL/invalid time, wrong types of
 * optional fields ignored; only a top-level document that is not an object or a
 * required array that is not an array is an error. Strings are sanitised
 * (text.h); bodies go through html_to_text first.
 *
 * Reading, in detail:
 * - A document may carry any of the top-level keys page, status, components,
 *   incidents, scheduled_maintenances; each one present sets its bit in the
 *   snapshot's `parts` (a key whose value is null counts as absent). A known
 *   top-level key holding the wrong type is an OD_SHAPE error naming it. A
 *   fixed `doc` kind also requires its own key (SP_DOC_COMPONENTS needs
 *   "components", SUMMARY "components", STATUS "status", INCIDENTS
 *   "incidents", MAINTENANCES "scheduled_maintenances"); AUTO needs at least
 *   one of the five.
 * - Elements of those arrays that are not objects are skipped; fields of the
 *   wrong type are treated as absent.
 * - Timestamps in any RFC 3339 form; a zone-less "YYYY-MM-DD HH:MM:SS" is read
 *   in page.time_zone (UTC when the page has none or an unknown one).
 *   start_date must be "YYYY-MM-DD" (else NULL).
 * - Everything under scheduled_maintenances gets maintenance = true, and so does
 *   an incident whose status is a maintenance status.
 * - The result is in snapshot_sort() order (updates newest first by display_at).
 * - Bounds: bodies over SP_MAX_BODY bytes are OD_TOOBIG; nesting deeper than
 *   SP_MAX_DEPTH is OD_PARSE, both before any parsing; syntax errors are OD_PARSE
 *   with line and column.
 */
#ifndef OPSDECK_SP_CODEC_H
#define OPSDECK_SP_CODEC_H

#include <stddef.h>
#include "opsdeck/attrs.h"
#include "opsdeck/error.h"
#include "opsdeck/model.h"

/* Which document a body is. SP_DOC_AUTO looks at the top-level keys. */
enum sp_doc {
    SP_DOC_AUTO,
    SP_DOC_SUMMARY,          /* /api/v2/summary.json */
    SP_DOC_STATUS,           /* /api/v2/status.json */
    SP_DOC_COMPONENTS,       /* /api/v2/components.json */
    SP_DOC_INCIDENTS,        /* /api/v2/incidents.json, incidents/unresolved.json */
    SP_DOC_MAINTENANCES,     /* /api/v2/scheduled-maintenances{,/upcoming,/active}.json */
};

#define SP_MAX_BODY  ((size_t)32 << 20)  /* 32 MiB */
#define SP_MAX_DEPTH 32                  /* real documents nest 5 deep */

/* "auto", "summary", "status", "components", "incidents", "maintenances". */
const char *sp_doc_name(enum sp_doc doc);

/* The document kind that carries exactly these parts: PAGE|STATUS → status,
 * PAGE|COMPONENTS → components, PAGE|INCIDENTS → incidents,
 * PAGE|MAINTENANCES → maintenances (SNAP_PAGE optional in each), anything
 * else → summary. */
enum sp_doc sp_doc_for_parts(unsigned parts);

/* Parse one document. On success returns a new snapshot (caller frees) whose
 * `parts` say what it held; on failure NULL and err filled. `source` names the
 * document in errors (URL or file); may be NULL. */
OD_NODISCARD struct snapshot *sp_read(const char *body, size_t len, enum sp_doc doc,
                                      const char *source, struct od_error *err);

/* Serialise the parts of a snapshot as a Statuspage v2 document of kind `doc`
 * (AUTO: sp_doc_for_parts(s->parts)). Times with their stored offsets and
 * milliseconds (more digits only when the time has them), nulls where the model
 * has none, field order as the real service. Returns a new malloc'd string
 * (compact JSON, valid UTF-8), never NULL; *len (if non-NULL) gets its length.
 * sp_read(sp_write(x, AUTO)) == x for any x the reader produced.
 *
 * What goes in: `page` when s->parts has SNAP_PAGE, `status` (indicator and
 * description) when it has SNAP_STATUS, and each of components / incidents /
 * scheduled_maintenances when it has that part, and only keys the kind carries;
 * an explicit kind (not AUTO) always carries its own key (an empty array or a
 * null status when the snapshot lacks that part).
 * The writer does not filter: a summary lists every incident and maintenance
 * the snapshot holds, so a server builds the snapshot it means to serve (open
 * incidents only, upcoming/active maintenances only) and, to have a computed
 * status, sets s->indicator from indicator_from_components() and SNAP_STATUS.
 * Bodies are plain text in the model; they go out with '&', '<', '>' escaped
 * as HTML entities, which the reader (and any Statuspage client) decodes. */
OD_NODISCARD char *sp_write(const struct snapshot *s, enum sp_doc doc, size_t *len);

#endif
