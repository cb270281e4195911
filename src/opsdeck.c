/* opsdeck: argument parsing and wiring only.
 *
 * Subcommands live in one table {name, function, one-line help}; the first
 * argument picks one. With no subcommand, the default entry (the dashboard) runs.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/cmd_post.h"
#include "opsdeck/cmd_snapshot.h"
#include "opsdeck/cmd_tail.h"
#include "opsdeck/text.h"
#include "opsdeck/tui_dashboard.h"

struct subcommand {
    const char *name;
    int (*run)(int argc, char **argv);  /* argv[0] is the subcommand's name */
    const char *help;
};

static const struct subcommand subcommands[] = {
    {"dashboard", cmd_dashboard, "the full-screen dashboard (the default; keys: ? or opsdeck(1))"},
    {"snapshot", cmd_snapshot, "fetch every feed once and print the state (--json for scripts)"},
    {"tail", cmd_tail, "follow every feed and print one line per change (--json for logs)"},
    {"post", cmd_post, "post an incident, update, resolution, maintenance or component status"},
};

/* The subcommand run when none is named. */
static const char *const default_subcommand = "dashboard";

static void usage(FILE *out)
{
    fputs("usage: opsdeck [--help] [--version] [SUBCOMMAND] [OPTIONS]\n\nsubcommands:\n", out);
    for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
        fprintf(out, "  %-10s %s\n", subcommands[i].name, subcommands[i].help);
    fprintf(out,
            "\nWith no subcommand: %s. `opsdeck SUBCOMMAND --help` for its options.\n"
            "Config: --config FILE, else $XDG_CONFIG_HOME/opsdeck/config.json, else built in.\n"
            "See opsdeck(1) and opsdeck.json(5).\n",
            default_subcommand);
}

static const struct subcommand *find(const char *name)
{
    for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
        if (strcmp(subcommands[i].name, name) == 0)
            return &subcommands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)) {
        printf("opsdeck %s\n", OPSDECK_VERSION);
        return 0;
    }
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
                     strcmp(argv[1], "help") == 0)) {
        usage(stdout);
        return 0;
    }
    const struct subcommand *cmd = NULL;
    int sub_argc = argc - 1;
    char **sub_argv = argv + 1;
    if (argc > 1 && argv[1][0] != '-') {
        cmd = find(argv[1]);
        if (!cmd) {
            char *safe = text_sanitize(argv[1], strlen(argv[1]), TEXT_SINGLE_LINE, 64);
            fprintf(stderr, "opsdeck: unknown subcommand: %s\n", safe);
            free(safe);
            usage(stderr);
            return 2;
        }
    } else {
        /* options only: they belong to the default subcommand; argv[0] stands in
         * for its name */
        cmd = find(default_subcommand);
        sub_argc = argc;
        sub_argv = argv;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fputs("opsdeck: cannot initialise libcurl\n", stderr);
        return 1;
    }
    int rc = cmd->run(sub_argc, sub_argv);
    curl_global_cleanup();
    return rc;
}
