/* libFuzzer target: the Cachet v1 reader on arbitrary bytes, each input fed as
 * every document kind into one reader, then combined.
 * Build and run: sh tests/fuzz/run.sh cachet_read [seconds] */
#include <stdint.h>
#include <stdlib.h>

#include "opsdeck/cachet_codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cachet_reader *r = cachet_reader_new("Europe/London");
    struct cachet_pagination pg;
    struct od_error err;
    for (int doc = CACHET_DOC_COMPONENTS; doc <= CACHET_DOC_SCHEDULES; doc++)
        (void)cachet_reader_add(r, (enum cachet_doc)doc, (const char *)data, size, "fuzz", &pg,
                                &err);
    (void)cachet_reader_add_updates(r, "1", (const char *)data, size, "fuzz", &pg, &err);
    (void)cachet_pagination_has_next(&pg);
    struct snapshot *s = cachet_reader_snapshot(r);
    snapshot_free(s);
    cachet_reader_free(r);
    return 0;
}
