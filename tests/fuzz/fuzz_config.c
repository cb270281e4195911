/* libFuzzer target: the config loader (parse, validate, position scan) on
 * arbitrary bytes; whatever it accepts must be usable and free cleanly, and an
 * error must carry a position inside the input.
 * Build and run: sh tests/fuzz/run.sh config [seconds] */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/config.h"
#include "opsdeck/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct od_error err;
    struct config *c = config_parse((const char *)data, size, "fuzz.json", &err);
    if (!c) {
        if (err.code != OD_CONFIG || err.line < 0 || err.column < 0 || (size_t)err.line > size + 1)
            abort();
        return 0;
    }
    struct component comp = {.id = "x", .name = "Amsterdam datacenter"};
    for (size_t p = 0; p < c->n_panes; p++)
        for (size_t f = 0; f < c->n_feeds; f++)
            (void)config_pane_match(&c->panes[p], c->feeds[f].id, &comp, NULL);
    if (c->n_feeds == 0 || c->n_timezones == 0 || !c->theme)
        abort();
    config_free(c);
    return 0;
}
