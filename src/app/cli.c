/* Command-line pieces shared by the subcommands (see cli.h). */
#include "opsdeck/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/config.h"
#include "opsdeck/error.h"
#include "opsdeck/text.h"

static void say(const char *prog, const char *what, const char *s, size_t max)
{
    char *safe = text_sanitize(s, strlen(s), TEXT_SINGLE_LINE, max);
    fprintf(stderr, "%s: %s%s\n", prog, what, safe);
    free(safe);
}

enum cli_arg cli_config_arg(const char *prog, int argc, char **argv, int *i, const char **path)
{
    const char *a = argv[*i];
    if (strncmp(a, "--config=", 9) == 0) {
        *path = a + 9;
        return CLI_ARG_TAKEN;
    }
    if (strcmp(a, "--config") != 0 && strcmp(a, "-c") != 0)
        return CLI_ARG_OTHER;
    if (*i + 1 >= argc) {
        fprintf(stderr, "%s: %s needs a FILE\n", prog, a);
        return CLI_ARG_ERROR;
    }
    *path = argv[++*i];
    return CLI_ARG_TAKEN;
}

void cli_unknown_arg(const char *prog, const char *arg)
{
    say(prog, "unknown argument: ", arg, 64);
}

struct config *cli_load_config(const char *prog, const char *path)
{
    struct od_error err;
    struct config *cfg = config_load(path, &err);
    if (!cfg) {
        char msg[640];
        od_error_format(msg, sizeof(msg), &err);
        say(prog, "", msg, 0);
    }
    return cfg;
}
