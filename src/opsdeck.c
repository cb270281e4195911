/* opsdeck: argument parsing and wiring only. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("opsdeck %s\n", OPSDECK_VERSION);
        return 0;
    }
    fprintf(stderr, "usage: opsdeck [--version]\n");
    return 2;
}
