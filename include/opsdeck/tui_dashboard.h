/* `opsdeck` with no subcommand (or `opsdeck dashboard`): the full-screen
 * dashboard on the fetch engine's loop.
 *
 * Options: --config FILE, --theme NAME (overrides the config), --no-cache.
 * Test seams: OPSDECK_TEST_NOW pins the clock; OPSDECK_TIMING_LOG=FILE appends
 * "first_frame_ms N" (process start to the first doupdate) and "key_ms N
 * done_ms T" (a key read to its doupdate; T = wall-clock ms at the doupdate)
 * lines for tests/bench/idle.sh.
 * Exit status: 0 on q, 1 when the terminal cannot be used, 2 for a usage or
 * config error. */
#ifndef OPSDECK_TUI_DASHBOARD_H
#define OPSDECK_TUI_DASHBOARD_H

int cmd_dashboard(int argc, char **argv);

#endif
