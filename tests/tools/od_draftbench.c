/* od_draftbench: how long saving a draft takes (what every keystroke in the
 * post form costs: JSON, write, fsync, rename, fsync of the directory).
 *   od_draftbench N MESSAGE_BYTES   (uses $XDG_STATE_HOME)
 * Prints "draft_save_ms median p90 max" over N saves. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "opsdeck/drafts.h"
#include "opsdeck/xalloc.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 100;
    long bytes = argc > 2 ? atol(argv[2]) : 1000;
    if (n < 1 || n > 100000 || bytes < 0 || bytes > 100000) {
        fputs("usage: od_draftbench N MESSAGE_BYTES\n", stderr);
        return 2;
    }
    struct post p;
    post_init(&p, POST_UPDATE);
    post_set(&p.feed, "bench");
    post_set(&p.incident_id, "inc1");
    char *msg = xmalloc((size_t)bytes + 1);
    memset(msg, 'x', (size_t)bytes);
    msg[bytes] = '\0';
    post_set(&p.message, msg);
    double *t = xcalloc((size_t)n, sizeof(double));
    struct od_error err;
    for (int i = 0; i < n; i++) {
        p.message[i % (bytes ? bytes : 1)] = (char)('a' + i % 26);   /* a keystroke's change */
        double t0 = now_ms();
        if (drafts_save(&p, &err) != OD_OK) {
            fprintf(stderr, "od_draftbench: %s\n", err.text);
            return 1;
        }
        t[i] = now_ms() - t0;
    }
    drafts_discard(POST_UPDATE, "bench", "inc1");
    qsort(t, (size_t)n, sizeof(double), cmp);
    printf("draft_save_ms message=%ld bytes n=%d median %.3f p90 %.3f max %.3f\n", bytes, n,
           t[n / 2], t[(n * 9) / 10], t[n - 1]);
    free(t);
    free(msg);
    post_free(&p);
    return 0;
}
