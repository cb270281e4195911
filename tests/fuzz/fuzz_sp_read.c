/* libFuzzer target: the Statuspage v2 reader on arbitrary bytes, plus the
 * round-trip property: whatever the reader accepts, the writer's output reads
 * back to a snapshot that writes out to the very same bytes.
 * Build and run: sh tests/fuzz/run.sh sp_read [seconds] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/sp_codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the first byte picks the document kind, the rest is the body */
    enum sp_doc doc = SP_DOC_AUTO;
    if (size > 0) {
        doc = (enum sp_doc)(data[0] % (SP_DOC_MAINTENANCES + 1));
        data++;
        size--;
    }
    struct od_error err;
    struct snapshot *a = sp_read((const char *)data, size, doc, "fuzz", &err);
    if (!a) {
        if (err.code == 0 || err.text[0] == '\0')
            abort();            /* an error must say what */
        return 0;
    }
    size_t len1, len2;
    char *w1 = sp_write(a, SP_DOC_AUTO, &len1);
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
    snapshot_free(a);
    snapshot_free(b);
    return 0;
}
