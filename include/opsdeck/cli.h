/* Pieces shared by the subcommands' command lines (snapshot, tail, the
 * dashboard, post): the --config option, unknown arguments, loading the config.
 * Everything printed is made safe first: an argument or a config path may hold
 * control bytes. */
#ifndef OPSDECK_CLI_H
#define OPSDECK_CLI_H

#include "opsdeck/attrs.h"

struct config;

enum cli_arg {
    CLI_ARG_OTHER,          /* not --config: the caller looks at it */
    CLI_ARG_TAKEN,          /* --config FILE, -c FILE or --config=FILE: *path set */
    CLI_ARG_ERROR,          /* --config without a FILE: said on stderr */
};

/* Look at argv[*i]; when it is --config/-c with its value in the next
 * argument, *i is moved past the value. `prog` prefixes messages. */
enum cli_arg cli_config_arg(const char *prog, int argc, char **argv, int *i, const char **path);

/* "PROG: unknown argument: ARG" on stderr. */
void cli_unknown_arg(const char *prog, const char *arg);

/* config_load(path), or NULL after "PROG: file:line:column: what" on stderr. */
OD_NODISCARD struct config *cli_load_config(const char *prog, const char *path);

#endif
