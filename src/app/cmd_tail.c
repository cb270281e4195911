/* opsdeck tail: change events as lines, for logs and chat. See cmd_tail.h. */
#include "opsdeck/cli.h"
#include "opsdeck/cmd_tail.h"

#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/clock.h"
#include "opsdeck/config.h"
#include "opsdeck/engine.h"
#include "opsdeck/state.h"
#include "opsdeck/text.h"
#include "opsdeck/tz.h"
#include "opsdeck/xalloc.h"

struct tail {
    const struct config *cfg;
    struct state *st;
    struct engine *e;
    bool json;
    char **last_error;          /* per feed: the failure last printed, NULL when ok */
};

static void put_line(const char *s)
{
    fputs(s, stdout);
    fputc('\n', stdout);
    fflush(stdout);
}

/* A feed's health changed: one line, so a log shows outages of the feed itself. */
static void health_line(struct tail *t, size_t feed, const char *error)
{
    const char *const *zones = (const char *const *)t->cfg->timezones;
    struct od_time now = {.sec = clock_wall_sec(), .valid = true};
    const char *id = t->cfg->feeds[feed].id;
    const char *label = state_feed_label(t->st, feed);
    if (t->json) {
        json_t *o = json_object();
        char at[64], local[160];
        time_format_rfc3339_utc(at, sizeof(at), &now);
        tz_format_multi(local, sizeof(local), &now, zones, t->cfg->n_timezones, TZ_STYLE_HHMM);
        char *safe_label = text_sanitize(label, strlen(label), TEXT_SINGLE_LINE, 160);
        char *safe_err = error ? text_sanitize(error, strlen(error), TEXT_SINGLE_LINE, 400) : NULL;
        json_object_set_new(o, "kind", json_string(error ? "feed_failed" : "feed_recovered"));
        json_object_set_new(o, "feed", json_string(id));
        json_object_set_new(o, "feed_name", json_string(safe_label));
        json_object_set_new(o, "at", json_string(at));
        json_object_set_new(o, "at_local", json_string(local));
        json_object_set_new(o, "error", safe_err ? json_string(safe_err) : json_null());
        char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (s)
            put_line(s);
        free(s);
        free(safe_label);
        free(safe_err);
        json_decref(o);
        return;
    }
    char when[160], line[1024];
    tz_format_multi(when, sizeof(when), &now, zones, t->cfg->n_timezones, TZ_STYLE_HHMM);
    char *safe_label = text_sanitize(label, strlen(label), TEXT_SINGLE_LINE, 64);
    char *safe_err = error ? text_sanitize(error, strlen(error), TEXT_SINGLE_LINE, 400) : NULL;
    snprintf(line, sizeof(line), "%s  %s  %s%s%s", when, safe_label,
             error ? "Fetch failed" : "Fetch recovered", error ? "  " : "",
             safe_err ? safe_err : "");
    put_line(line);
    free(safe_label);
    free(safe_err);
}

static void on_feed_changed(void *ud, size_t feed, const struct event *ev, size_t n_ev)
{
    struct tail *t = ud;
    const struct engine_feed_stats *s = engine_stats(t->e, feed);
    const char *const *zones = (const char *const *)t->cfg->timezones;
    const char *label = state_feed_label(t->st, feed);
    for (size_t i = 0; i < n_ev; i++) {
        if (t->json) {
            char *j = event_format_json(&ev[i], t->cfg->feeds[feed].id, label, zones,
                                        t->cfg->n_timezones);
            if (j)
                put_line(j);
            free(j);
        } else {
            char line[1024];
            event_format_text(line, sizeof(line), &ev[i], label, zones, t->cfg->n_timezones);
            put_line(line);
        }
    }
    if (s->from_cache)
        return;     /* cached data loaded: not news */
    const char *err = t->st->feeds[feed].ok ? NULL : t->st->feeds[feed].error;
    char **last = &t->last_error[feed];
    if (err && (!*last || strcmp(*last, err) != 0)) {
        health_line(t, feed, err);
        free(*last);
        *last = xstrdup(err);
    } else if (!err && *last) {
        health_line(t, feed, NULL);
        free(*last);
        *last = NULL;
    }
}

static void on_signal(void *ud, int signo)
{
    struct tail *t = ud;
    (void)signo;
    engine_stop(t->e);
}

static void usage(FILE *out)
{
    fputs("usage: opsdeck tail [--config FILE] [--json] [--no-cache]\n"
          "Fetch every feed continuously and print one line per change (new incident,\n"
          "update, status change, resolved, component worse/better, maintenance\n"
          "started/ended) and per change of a feed's health. Times are in the\n"
          "configured zones. --no-cache neither reads nor writes the cache.\n"
          "Stops on SIGINT or SIGTERM.\n",
          out);
}

int cmd_tail(int argc, char **argv)
{
    const char *config_path = NULL;
    bool json = false, no_cache = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--json") == 0) {
            json = true;
        } else if (strcmp(a, "--no-cache") == 0) {
            no_cache = true;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else {
            enum cli_arg c = cli_config_arg("opsdeck tail", argc, argv, &i, &config_path);
            if (c == CLI_ARG_TAKEN)
                continue;
            if (c == CLI_ARG_OTHER)
                cli_unknown_arg("opsdeck tail", a);
            usage(stderr);
            return 2;
        }
    }
    struct config *cfg = cli_load_config("opsdeck", config_path);
    if (!cfg)
        return 2;
    struct od_error err;
    struct tail t = {.cfg = cfg, .json = json};
    t.st = state_new(cfg);
    t.last_error = xcalloc(cfg->n_feeds, sizeof(*t.last_error));
    struct engine_hooks hooks = {.feed_changed = on_feed_changed};
    t.e = engine_new(cfg, t.st, &hooks, &t, &err);
    int rc = 0;
    if (!t.e) {
        char msg[640];
        od_error_format(msg, sizeof(msg), &err);
        fprintf(stderr, "opsdeck: %s\n", msg);
        rc = 1;
    } else {
        if (no_cache)
            engine_set_cache_dir(t.e, NULL);
        engine_load_cache(t.e);
        if (loop_on_signal(engine_loop(t.e), SIGINT, on_signal, &t) != 0 ||
            loop_on_signal(engine_loop(t.e), SIGTERM, on_signal, &t) != 0) {
            fputs("opsdeck tail: cannot install signal handlers\n", stderr);
            rc = 1;
        } else if (engine_run(t.e) != 0) {
            perror("opsdeck tail: poll");
            rc = 1;
        }
    }
    engine_free(t.e);
    for (size_t i = 0; i < cfg->n_feeds; i++)
        free(t.last_error[i]);
    free(t.last_error);
    state_free(t.st);
    config_free(cfg);
    return rc;
}
