/* opsdeckd: server wiring only. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("opsdeckd %s\n", OPSDECK_VERSION);
        return 0;
    }
    fprintf(stderr, "usage: opsdeckd [--version]\n");
    return 2;
}
