/* codec_bench FILE [N]: read a Statuspage v2 document N times (default 200),
 * write the snapshot back N times, and print time per operation, throughput,
 * the snapshot's arena size and the peak RSS. Figures only; no assertions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "opsdeck/arena.h"
#include "opsdeck/sp_codec.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: codec_bench FILE [N]\n");
        return 2;
    }
    int n = argc > 2 ? atoi(argv[2]) : 200;
    if (n < 1)
        n = 1;
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (size < 0) {
        fclose(f);
        return 1;
    }
    char *body = malloc((size_t)size + 1);
    size_t len = fread(body, 1, (size_t)size, f);
    fclose(f);

    struct od_error err;
    struct snapshot *s = NULL;
    double t0 = now_ms();
    for (int i = 0; i < n; i++) {
        snapshot_free(s);
        s = sp_read(body, len, SP_DOC_AUTO, argv[1], &err);
        if (!s) {
            fprintf(stderr, "%s\n", err.text);
            return 1;
        }
    }
    double t_read = (now_ms() - t0) / n;
    size_t out_len = 0;
    t0 = now_ms();
    for (int i = 0; i < n; i++)
        free(sp_write(s, SP_DOC_AUTO, &out_len));
    double t_write = (now_ms() - t0) / n;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    const char *base = strrchr(argv[1], '/');
    printf("%s: %zu bytes, %zu incidents\n", base ? base + 1 : argv[1], len, s->n_incidents);
    printf("  read   %8.3f ms/op  %7.1f MB/s\n", t_read, (double)len / 1e3 / t_read);
    printf("  write  %8.3f ms/op  %7.1f MB/s  (%zu bytes out)\n", t_write,
           (double)out_len / 1e3 / t_write, out_len);
    printf("  snapshot arena %zu bytes (%.2fx input); peak RSS %ld KiB\n",
           arena_used(s->arena), (double)arena_used(s->arena) / (double)len, ru.ru_maxrss);
    snapshot_free(s);
    free(body);
    return 0;
}
