/* `opsdeck snapshot [--config FILE] [--json]`: fetch every feed once, print the state.
 *
 * Exit status: 0 when every feed was read, 1 when some feed failed (what was read
 * is still printed, and what failed is named on stdout and stderr), 2 for a usage
 * or config error. The JSON form's field names are fixed (doc/opsdeck.1).
 */
#ifndef OPSDECK_CMD_SNAPSHOT_H
#define OPSDECK_CMD_SNAPSHOT_H

#include <stdio.h>

struct state;

/* argv[0] is "snapshot". Writes to stdout/stderr; returns the exit status. */
int cmd_snapshot(int argc, char **argv);

/* The printers, for tests: the state as text (cols: line width) or as JSON.
 * `now` is the time written in the header. */
void snapshot_print_text(FILE *out, const struct state *st, int cols, long long now);
void snapshot_print_json(FILE *out, const struct state *st, long long now);

#endif
