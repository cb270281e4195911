/* engine_probe: runs the fetch engine without a UI, for tests and benchmarks.
 *
 *   engine_probe --config F [--cache DIR] --status FILE [--duration S]
 *       After every fetch, rewrites FILE (atomically) with every feed's state:
 *       {"feeds":{"ID":{"n":fetches,"ok":bool,"error":"...","comps":N,
 *        "name":"page name","failures":k,"status":http,"not_modified":n,
 *        "parsed":n,"max_gap_ms":m,"from_cache":bool}}}
 *       max_gap_ms is the longest time between two fetch completions of the
 *       feed. Runs for S seconds (default 60) or until SIGTERM/SIGINT.
 *
 *   engine_probe --config F --bench [--cycles N] [--cache DIR]
 *       Fetches every feed once (cold: every body parsed), then again N-1
 *       times (default 1; every answer 304), printing per cycle wall and CPU milliseconds, and the
 *       peak RSS, as "key value" lines.
 *
 *   engine_probe --time CMD [ARG...]
 *       Runs CMD and prints its wall and CPU (user + system) milliseconds as
 *       "wall_ms X" and "cpu_ms Y" (the benchmark's anchor is timed this way).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "opsdeck/clock.h"
#include "opsdeck/config.h"
#include "opsdeck/engine.h"
#include "opsdeck/state.h"
#include "opsdeck/xalloc.h"

struct probe {
    const struct config *cfg;
    struct state *st;
    struct engine *e;
    const char *status_path;
    int64_t *last_done;
    int64_t *max_gap;
    bool bench;
    int cycle, cycles;
    unsigned long target;
    size_t n_done;
    double wall0, cpu0;
};

static double wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static void write_status(struct probe *p)
{
    json_t *feeds = json_object();
    for (size_t i = 0; i < p->cfg->n_feeds; i++) {
        const struct engine_feed_stats *s = engine_stats(p->e, i);
        const struct state_feed *sf = &p->st->feeds[i];
        json_t *o = json_pack("{s:I,s:b,s:s,s:I,s:s,s:I,s:I,s:I,s:I,s:I,s:b}", "n",
                              (json_int_t)s->n_fetches, "ok", sf->ok, "error", sf->error, "comps",
                              (json_int_t)(sf->snap ? sf->snap->n_components : 0), "name",
                              sf->snap && sf->snap->page.name ? sf->snap->page.name : "",
                              "failures", (json_int_t)s->consecutive_failures, "status",
                              (json_int_t)s->http_status, "not_modified",
                              (json_int_t)s->n_not_modified, "parsed", (json_int_t)s->n_parsed,
                              "max_gap_ms", (json_int_t)p->max_gap[i], "from_cache",
                              s->from_cache);
        if (o)
            json_object_set_new(feeds, p->cfg->feeds[i].id, o);
    }
    json_t *root = json_pack("{s:o}", "feeds", feeds);
    char tmp[4200];
    snprintf(tmp, sizeof(tmp), "%s.tmp", p->status_path);
    if (json_dump_file(root, tmp, JSON_COMPACT) == 0)
        rename(tmp, p->status_path);
    json_decref(root);
}

static void bench_cycle_done(struct probe *p)
{
    double wall = wall_ms() - p->wall0, cpu = cpu_ms() - p->cpu0;
    unsigned long parsed = 0, nm = 0, fails = 0;
    for (size_t i = 0; i < p->cfg->n_feeds; i++) {
        parsed += engine_stats(p->e, i)->n_parsed;
        nm += engine_stats(p->e, i)->n_not_modified;
        fails += engine_stats(p->e, i)->n_failures;
    }
    printf("cycle%d_wall_ms %.1f\ncycle%d_cpu_ms %.1f\n", p->cycle, wall, p->cycle, cpu);
    printf("cycle%d_parsed %lu\ncycle%d_not_modified %lu\ncycle%d_failures %lu\n", p->cycle, parsed,
           p->cycle, nm, p->cycle, fails);
    fflush(stdout);
    if (p->cycle >= p->cycles) {
        engine_stop(p->e);
        return;
    }
    p->cycle++;
    p->target++;
    p->n_done = 0;
    p->wall0 = wall_ms();
    p->cpu0 = cpu_ms();
    engine_refresh(p->e, -1);
}

static void on_changed(void *ud, size_t feed, const struct event *ev, size_t n_ev)
{
    struct probe *p = ud;
    (void)ev;
    (void)n_ev;
    const struct engine_feed_stats *s = engine_stats(p->e, feed);
    if (p->bench) {
        if (s->n_fetches == p->target && ++p->n_done == p->cfg->n_feeds)
            bench_cycle_done(p);
        return;
    }
    if (s->from_cache) {
        write_status(p);
        return;
    }
    int64_t now = clock_mono_ms();
    if (p->last_done[feed] && now - p->last_done[feed] > p->max_gap[feed])
        p->max_gap[feed] = now - p->last_done[feed];
    p->last_done[feed] = now;
    write_status(p);
}

static void on_signal(void *ud, int signo)
{
    (void)signo;
    engine_stop(((struct probe *)ud)->e);
}

static void on_deadline(void *ud)
{
    engine_stop(((struct probe *)ud)->e);
}

static int time_command(char **argv)
{
    double w0 = wall_ms();
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        execvp(argv[0], argv);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0)
        return 1;
    double w = wall_ms() - w0;
    double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
                 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
    printf("wall_ms %.1f\ncpu_ms %.1f\n", w, cpu);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "--time") == 0)
        return time_command(argv + 2);
    const char *config_path = NULL, *cache = NULL;
    struct probe p;
    memset(&p, 0, sizeof(p));
    int duration = 60;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--bench") == 0)
            p.bench = true;
        else if (i + 1 < argc && strcmp(argv[i], "--config") == 0)
            config_path = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--cache") == 0)
            cache = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--status") == 0)
            p.status_path = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--cycles") == 0)
            p.cycles = atoi(argv[++i]);
        else if (i + 1 < argc && strcmp(argv[i], "--duration") == 0)
            duration = atoi(argv[++i]);
    }
    if (!config_path || (!p.bench && !p.status_path)) {
        fputs("usage: engine_probe --config F (--status FILE [--duration S] | --bench) "
              "[--cache DIR]\n",
              stderr);
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    struct od_error err;
    struct config *cfg = config_load(config_path, &err);
    if (!cfg) {
        char msg[640];
        od_error_format(msg, sizeof(msg), &err);
        fprintf(stderr, "engine_probe: %s\n", msg);
        return 2;
    }
    p.cfg = cfg;
    p.st = state_new(cfg);
    p.last_done = xcalloc(cfg->n_feeds, sizeof(int64_t));
    p.max_gap = xcalloc(cfg->n_feeds, sizeof(int64_t));
    struct engine_hooks hooks = {.feed_changed = on_changed};
    p.e = engine_new(cfg, p.st, &hooks, &p, &err);
    if (!p.e) {
        fprintf(stderr, "engine_probe: %s\n", err.text);
        return 1;
    }
    engine_set_cache_dir(p.e, cache);
    engine_set_seed(p.e, 42);
    if (cache && !p.bench)
        engine_load_cache(p.e);
    loop_on_signal(engine_loop(p.e), SIGTERM, on_signal, &p);
    loop_on_signal(engine_loop(p.e), SIGINT, on_signal, &p);
    if (p.bench) {
        p.cycle = 1;
        p.target = 1;
        if (p.cycles < 2)
            p.cycles = 2;
        p.wall0 = wall_ms();
        p.cpu0 = cpu_ms();
    } else {
        engine_timer(p.e, (int64_t)duration * 1000, on_deadline, &p);
    }
    int rc = engine_run(p.e) == 0 ? 0 : 1;
    if (p.bench) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        printf("peak_rss_kb %ld\n", ru.ru_maxrss);
    }
    engine_free(p.e);
    state_free(p.st);
    free(p.last_done);
    free(p.max_gap);
    config_free(cfg);
    curl_global_cleanup();
    return rc;
}
