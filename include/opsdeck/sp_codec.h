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

/* Parse one document. On success returns a new snapshot (caller frees) whose
 * `parts` say what it held; on failure NULL and err filled. `source` names the
 * document in errors (URL or file); may be NULL. */
OD_NODISCARD struct snapshot *sp_read(const char *body, size_t len, enum sp_doc doc,
                                      const char *source, struct od_error *err);

/* Serialise the parts of a snapshot as a Statuspage v2 document of kind `doc`
 * (AUTO: summary). Times with their stored offsets and milliseconds, nulls where
 * the model has none, field order as the real service. Returns a new malloc'd
 * string (compact JSON), never NULL. reader(writer(x)) == x for any x the reader
 * produced. */
OD_NODISCARD char *sp_write(const struct snapshot *s, enum sp_doc doc, size_t *len);

#endif
