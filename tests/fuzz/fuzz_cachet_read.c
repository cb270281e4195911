/* libFuzzer target: the Cachet v1 reader on arbitrary bytes, each input fed as
 * every document kind into one reader, then combined; the combined snapshot
 * must also survive the Statuspage writer: written, read back and written
 * again, the bytes are the same.
 * Build and run: sh tests/fuzz/run.sh cachet_read [seconds] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/cachet_codec.h"
#include "opsdeck/sp_codec.h"

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
    cachet_reader_free(r);

    size_t len1, len2;
    char *w1 = sp_write(s, SP_DOC_AUTO, &len1);
    struct snapshot *b = sp_read(w1, len1, SP_DOC_AUTO, "written", &err);
    if (!b) {
        fprintf(stderr, "written document does not read back: %s\n", err.text);
        abort();
    }
    char *w2 = sp_write(b, SP_DOC_AUTO, &len2);
    if (len1 != len2 || memcmp(w1, w2, len1) != 0) {
        fprintf(stderr, "round trip differs:\n%s\n%s\n", w1, w2);
        abort();
    }
    free(w1);
    free(w2);
    snapshot_free(b);
    snapshot_free(s);
    return 0;
}
