/* The dashboard's wiring: config, state, engine, terminal; the loop callbacks
 * (keys, resize, clock, flash, frames). Everything else is in the dash model
 * and the draw code. */
#include "opsdeck/cli.h"
#include "opsdeck/tui_dashboard.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "opsdeck/clock.h"
#include "opsdeck/config.h"
#include "opsdeck/engine.h"
#include "opsdeck/state.h"
#include "opsdeck/text.h"
#include "opsdeck/tui_dash.h"
#include "opsdeck/tui_draw.h"
#include "opsdeck/tui_post.h"
#include "opsdeck/tui_screen.h"
#include "opsdeck/xalloc.h"

#define FLASH_MS 2000           /* how long the header flashes after an alert */
#define FRAME_DELAY_MS 15       /* coalesce bursts of feed changes into one frame */
#define RESIZE_DELAY_MS 30      /* coalesce resize storms */

struct dashboard {
    struct config *cfg;
    struct state *live;         /* the engine writes here */
    struct state *frozen;       /* shown while paused */
    struct engine *eng;
    struct dash d;
    struct dash_post *post;     /* post forms and the outbox (tui_post.h) */
    unsigned clock_timer, flash_timer, frame_timer, feeds_timer;
    bool resize_pending, clear_pending, first_frame_done;
    bool *seen_live;            /* per feed: a live fetch since start (alerts allowed after) */
    FILE *timing;
    double start_ms;            /* mono_ms_precise() at start */
};

static double mono_ms_precise(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void render(struct dashboard *db);

/* The feeds view counts down to the next fetch: redraw it every second while
 * it is open (the main view needs no such tick). */
static void on_feeds_tick(void *ud)
{
    struct dashboard *db = ud;
    db->feeds_timer = 0;
    if (db->d.view == VIEW_FEEDS) {
        db->d.dirty |= DIRTY_BODY;
        render(db);
    }
}

static void render(struct dashboard *db)
{
    db->d.now = clock_wall_sec();
    if (db->resize_pending) {
        struct winsize ws;
        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
            resize_term(ws.ws_row, ws.ws_col);
        tui_screen_resized(&db->d);
        db->resize_pending = false;
        db->clear_pending = true;
    }
    tui_screen_render(&db->d, db->clear_pending, dash_post_overlay, db->post);
    db->clear_pending = false;
    if (db->d.view == VIEW_FEEDS && !db->feeds_timer)
        db->feeds_timer = engine_timer(db->eng, 1000, on_feeds_tick, db);
    if (!db->first_frame_done) {
        db->first_frame_done = true;
        if (db->timing) {
            fprintf(db->timing, "first_frame_ms %.2f\n", mono_ms_precise() - db->start_ms);
            fflush(db->timing);
        }
    }
}

static void on_frame(void *ud)
{
    struct dashboard *db = ud;
    db->frame_timer = 0;
    render(db);
}

static void schedule_frame(struct dashboard *db, int64_t delay)
{
    if (!db->frame_timer)
        db->frame_timer = engine_timer(db->eng, delay, on_frame, db);
}

static void on_flash_end(void *ud)
{
    struct dashboard *db = ud;
    db->flash_timer = 0;
    db->d.flash = false;
    db->d.dirty |= DIRTY_HEADER;
    schedule_frame(db, 0);
}

/* Once a minute, on the minute: the clock, ages and staleness move on. */
static void on_clock(void *ud)
{
    struct dashboard *db = ud;
    int64_t now = clock_wall_sec();
    state_recompute(db->d.st, now);
    dash_state_changed(&db->d);
    render(db);
    db->clock_timer = engine_timer(db->eng, (60 - now % 60) * 1000 + 50, on_clock, db);
}

static void feed_changed(void *ud, size_t feed, const struct event *ev, size_t n_ev)
{
    struct dashboard *db = ud;
    /* nothing alerts from cached data or the first fetch after start */
    bool live_before = feed < db->cfg->n_feeds && db->seen_live[feed];
    const struct engine_feed_stats *s = engine_stats(db->eng, feed);
    if (feed < db->cfg->n_feeds && s && s->n_fetches > 0)
        db->seen_live[feed] = true;
    if (live_before && n_ev && dash_events(&db->d, ev, n_ev)) {
        if (db->flash_timer)
            engine_timer_cancel(db->eng, db->flash_timer);
        db->flash_timer = engine_timer(db->eng, FLASH_MS, on_flash_end, db);
    }
    if (db->d.paused) {
        db->d.paused_changes++;
        db->d.dirty |= DIRTY_HEADER;
    } else {
        dash_state_changed(&db->d);
    }
    schedule_frame(db, FRAME_DELAY_MS);
}

static void feed_started(void *ud, size_t feed)
{
    struct dashboard *db = ud;
    (void)feed;
    if (db->d.view == VIEW_FEEDS) {
        db->d.dirty |= DIRTY_BODY;
        schedule_frame(db, FRAME_DELAY_MS);
    }
}

static const struct engine_feed_stats *stats_cb(void *ud, size_t feed)
{
    struct dashboard *db = ud;
    return engine_stats(db->eng, feed);
}

/* A copy of the live state to show while paused. */
static struct state *freeze(const struct config *cfg, const struct state *live)
{
    struct state *fz = state_new(cfg);
    for (size_t i = 0; i < live->n_feeds; i++) {
        const struct state_feed *src = &live->feeds[i];
        if (src->snap)
            state_feed_update(fz, i, src->snap, src->fetched_at);
        struct state_feed *dst = &fz->feeds[i];
        dst->ok = src->ok;
        dst->fetched_at = src->fetched_at;
        dst->attempted_at = src->attempted_at;
        memcpy(dst->error, src->error, sizeof(dst->error));
    }
    state_recompute(fz, clock_wall_sec());
    return fz;
}

static void apply(struct dashboard *db, unsigned act)
{
    if (act & DASH_QUIT)
        engine_stop(db->eng);
    if (act & DASH_REFRESH)
        engine_refresh(db->eng, -1);
    if (act & DASH_CLEAR)
        db->clear_pending = true;
    if (act & DASH_THEME) {
        tui_colors_init(&db->d.theme, getenv("NO_COLOR"));
        db->clear_pending = true;
    }
    if (act & DASH_PAUSE) {
        if (db->d.paused) {
            db->frozen = freeze(db->cfg, db->live);
            dash_set_state(&db->d, db->frozen);
        } else {
            dash_set_state(&db->d, db->live);
            state_free(db->frozen);
            db->frozen = NULL;
        }
    }
}

static void on_stdin(void *ud, int fd, short revents)
{
    struct dashboard *db = ud;
    (void)fd;
    if (revents & (POLLHUP | POLLERR | POLLNVAL)) {
        engine_stop(db->eng);       /* the terminal went away */
        return;
    }
    double t0 = mono_ms_precise();
    bool any = false;
    wint_t wch;
    int rc;
    while ((rc = wget_wch(stdscr, &wch)) != ERR) {
        any = true;
        if (rc == KEY_CODE_YES && wch == KEY_RESIZE) {
            db->resize_pending = true;
            continue;
        }
        if (dash_post_key(db->post, (int)wch, rc == KEY_CODE_YES))
            continue;
        apply(db, dash_key(&db->d, (int)wch, rc == KEY_CODE_YES));
    }
    if (!any)
        return;
    render(db);
    if (db->timing) {
        struct timespec wall;    /* for pairing with the sender's clock in the bench */
        clock_gettime(CLOCK_REALTIME, &wall);
        fprintf(db->timing, "key_ms %.3f done_ms %.3f\n", mono_ms_precise() - t0,
                (double)wall.tv_sec * 1000.0 + (double)wall.tv_nsec / 1e6);
        fflush(db->timing);
    }
}

static void on_signal(void *ud, int signo)
{
    struct dashboard *db = ud;
    if (signo == SIGWINCH) {
        db->resize_pending = true;
        if (db->frame_timer)
            engine_timer_cancel(db->eng, db->frame_timer);
        db->frame_timer = engine_timer(db->eng, RESIZE_DELAY_MS, on_frame, db);
        return;
    }
    engine_stop(db->eng);
}

static void fatal_hook(void)
{
    tui_screen_stop();
}

static void usage(FILE *out)
{
    fputs("usage: opsdeck [dashboard] [--config FILE] [--theme NAME] [--no-cache]\n"
          "Keys: ? in the dashboard, or opsdeck(1).\n",
          out);
}

static int run(struct dashboard *db, const char *theme_name, bool no_cache)
{
    struct od_error err;
    db->live = state_new(db->cfg);
    db->seen_live = xcalloc(db->cfg->n_feeds ? db->cfg->n_feeds : 1, sizeof(bool));
    struct engine_hooks hooks = {.feed_changed = feed_changed, .feed_started = feed_started};
    db->eng = engine_new(db->cfg, db->live, &hooks, db, &err);
    if (!db->eng) {
        fprintf(stderr, "opsdeck: %s\n", err.text);
        return 1;
    }
    if (no_cache && engine_set_cache_dir(db->eng, NULL) != 0)
        return 1;
    dash_init(&db->d, db->cfg, db->live);
    db->d.stats = stats_cb;
    db->d.stats_ud = db;
    db->post = dash_post_new(&db->d, db->eng, db->cfg);
    const char *tn = theme_name ? theme_name : db->cfg->theme;
    if (theme_load(&db->d.theme, tn, &err) != OD_OK)
        dash_message(&db->d, true, "theme %s: %s", tn, err.text);

    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fputs("opsdeck: the dashboard needs a terminal (try `opsdeck snapshot`)\n", stderr);
        return 1;
    }
    if (!tui_screen_start(&db->d, false, 0, 0)) {
        const char *term = getenv("TERM");
        char *safe = text_sanitize(term ? term : "", term ? strlen(term) : 0, 0, 64);
        fprintf(stderr, "opsdeck: cannot start the terminal (TERM=%s)\n", safe);
        free(safe);
        return 1;
    }
    xalloc_set_fatal_hook(fatal_hook);
    engine_load_cache(db->eng);
    state_recompute(db->live, clock_wall_sec());
    dash_state_changed(&db->d);
    render(db);                 /* the first frame: cached data, or the empty grid */

    struct loop *lp = engine_loop(db->eng);
    if (engine_watch_fd(db->eng, STDIN_FILENO, POLLIN, on_stdin, db) != 0 ||
        loop_on_signal(lp, SIGWINCH, on_signal, db) != 0 ||
        loop_on_signal(lp, SIGINT, on_signal, db) != 0 ||
        loop_on_signal(lp, SIGTERM, on_signal, db) != 0 ||
        loop_on_signal(lp, SIGHUP, on_signal, db) != 0) {
        tui_screen_stop();
        fputs("opsdeck: cannot watch the terminal\n", stderr);
        return 1;
    }
    int64_t now = clock_wall_sec();
    db->clock_timer = engine_timer(db->eng, (60 - now % 60) * 1000 + 50, on_clock, db);
    int rc = engine_run(db->eng);
    tui_screen_stop();
    xalloc_set_fatal_hook(NULL);
    if (rc != 0) {
        fprintf(stderr, "opsdeck: event loop failed: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}

int cmd_dashboard(int argc, char **argv)
{
    const char *config_path = NULL, *theme = NULL;
    bool no_cache = false;
    for (int i = 1; i < argc; i++) {
        enum cli_arg c = cli_config_arg("opsdeck", argc, argv, &i, &config_path);
        if (c == CLI_ARG_ERROR) {
            usage(stderr);
            return 2;
        }
        if (c == CLI_ARG_TAKEN)
            continue;
        if (!strcmp(argv[i], "--theme") && i + 1 < argc)
            theme = argv[++i];
        else if (!strcmp(argv[i], "--no-cache"))
            no_cache = true;
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else {
            cli_unknown_arg("opsdeck", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    struct dashboard db;
    memset(&db, 0, sizeof(db));
    db.start_ms = mono_ms_precise();
    const char *tl = getenv("OPSDECK_TIMING_LOG");
    if (tl && tl[0])
        db.timing = fopen(tl, "a");
    db.cfg = cli_load_config("opsdeck", config_path);
    if (!db.cfg) {
        if (db.timing)
            fclose(db.timing);
        return 2;
    }
    int rc = run(&db, theme, no_cache);
    dash_post_free(db.post);
    dash_fini(&db.d);
    engine_free(db.eng);
    state_free(db.frozen);
    state_free(db.live);
    free(db.seen_live);
    config_free(db.cfg);
    if (db.timing)
        fclose(db.timing);
    return rc;
}
