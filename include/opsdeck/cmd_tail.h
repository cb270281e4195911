/* `opsdeck tail [--json] [--config FILE] [--no-cache]`: the fetch engine with
 * no UI, one line per change event on stdout as it happens (event_format_text
 * or event_format_json), plus a line when a feed starts failing, fails
 * differently, or recovers (kinds "feed_failed", "feed_recovered"). Ends
 * cleanly on SIGINT and SIGTERM (exit 0). */
#ifndef OPSDECK_CMD_TAIL_H
#define OPSDECK_CMD_TAIL_H

/* argv[0] is "tail". Returns the exit status (0, 1 on a runtime error, 2 on
 * usage or config errors). */
int cmd_tail(int argc, char **argv);

#endif
