/* Posting from the dashboard: opening forms on the keys, the external editor,
 * and sending through the outbox on the engine's loop. */
#include "opsdeck/tui_post.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "opsdeck/clock.h"
#include "opsdeck/config.h"
#include "opsdeck/engine.h"
#include "opsdeck/outbox.h"
#include "opsdeck/post_files.h"
#include "opsdeck/post_form.h"
#include "opsdeck/post_http.h"
#include "opsdeck/post_pending.h"
#include "opsdeck/state.h"
#include "opsdeck/token.h"
#include "opsdeck/tui_dash.h"
#include "opsdeck/tui_draw.h"
#include "opsdeck/tui_form.h"
#include "opsdeck/tui_screen.h"
#include "opsdeck/tz.h"
#include "opsdeck/xalloc.h"

struct dash_post {
    struct dash *d;
    struct engine *eng;
    const struct config *cfg;
    struct post_form *form;

    /* the one post being delivered */
    bool busy;
    bool from_form;                 /* the form waits for this one */
    struct outbox_entry entry;
    const struct config_feed *feed;
    CURL *easy;
    struct post_http *http;
    bool is_check;
    char token[TOKEN_MAX];
    unsigned timer;                 /* next outbox round */

    /* accepted, not yet shown by the feed: marked pending on the timeline */
    struct post_pending pending[8];
    size_t n_pending;
    unsigned redraw_timer;

    /* what waits in the outbox, as of the last round: shown on the timeline */
    size_t waiting;
    char waiting_error[320];
    int64_t waiting_next;
};

static void pump(void *ud);

static void schedule(struct dash_post *p, int64_t delay_ms)
{
    if (p->timer)
        engine_timer_cancel(p->eng, p->timer);
    p->timer = engine_timer(p->eng, delay_ms < 0 ? 0 : delay_ms, pump, p);
}

struct dash_post *dash_post_new(struct dash *d, struct engine *eng, const struct config *cfg)
{
    struct dash_post *p = xcalloc(1, sizeof(*p));
    p->d = d;
    p->eng = eng;
    p->cfg = cfg;
    if (!cfg->readonly)
        schedule(p, 1000);      /* posts left from an earlier run */
    return p;
}

static void finish_delivery(struct dash_post *p)
{
    token_wipe(p->token, sizeof(p->token));
    outbox_entry_free(&p->entry);
    memset(&p->entry, 0, sizeof(p->entry));
    p->busy = false;
    p->from_form = false;
}

void dash_post_free(struct dash_post *p)
{
    if (!p)
        return;
    if (p->easy) {
        engine_http_cancel(p->eng, p->easy);
        post_http_free(p->http);
    }
    if (p->timer)
        engine_timer_cancel(p->eng, p->timer);
    if (p->redraw_timer)
        engine_timer_cancel(p->eng, p->redraw_timer);
    finish_delivery(p);
    post_form_free(p->form);
    free(p);
}

bool dash_post_active(const struct dash_post *p)
{
    return p && p->form;
}

static void redraw(void *ud)
{
    struct dash_post *p = ud;
    p->redraw_timer = 0;
    tui_screen_render(p->d, false, dash_post_overlay, p);
}

/* Drop pending posts the feed now shows (or that waited too long). */
static bool confirm_pending(struct dash_post *p)
{
    bool changed = false;
    int64_t now = clock_wall_sec();
    for (size_t i = 0; i < p->n_pending;) {
        const struct post_pending *pp = &p->pending[i];
        int fi = state_feed_index(p->d->st, pp->feed);
        bool gone = now - pp->at > PENDING_EXPIRE ||
                    (fi >= 0 && post_pending_confirmed(pp, p->d->st->feeds[fi].snap));
        if (gone) {
            memmove(&p->pending[i], &p->pending[i + 1],
                    (p->n_pending - i - 1) * sizeof(p->pending[0]));
            p->n_pending--;
            changed = true;
        } else {
            i++;
        }
    }
    return changed;
}

/* The timeline's last rows (main view only): what waits in the outbox, and
 * above it the newest accepted post not yet in the feed. */
static void draw_marks(struct dash_post *p)
{
    struct dash *d = p->d;
    struct rect r = d->layout.timeline;
    if (d->view != VIEW_MAIN || d->help || d->layout.too_small || r.h < 4)
        return;
    int y = r.y + r.h - 1;
    char line[480];
    if (p->waiting) {
        char in[48] = "now";
        if (p->waiting_next > clock_wall_sec())
            tz_format_age(in, sizeof(in), p->waiting_next, clock_wall_sec());
        snprintf(line, sizeof(line), "outbox: %zu post%s not sent yet%s%s; next try %s",
                 p->waiting, p->waiting == 1 ? "" : "s", p->waiting_error[0] ? ": " : "",
                 p->waiting_error, in);
        draw_fill(stdscr, y, r.x, r.w, ROLE_ERROR);
        draw_text(stdscr, y--, r.x + 1, r.w - 2, ROLE_ERROR, line);
    }
    if (p->n_pending) {
        const struct post_pending *pp = &p->pending[p->n_pending - 1];
        char when[64];
        struct od_time t = {.sec = pp->at, .valid = true};
        draw_format_time(d, when, sizeof(when), &t);
        snprintf(line, sizeof(line), "%s  pending  %s (posted, waiting for the feed to show it)",
                 when, pp->label);
        draw_fill(stdscr, y, r.x, r.w, ROLE_STALE);
        draw_text(stdscr, y, r.x + 1, r.w - 2, ROLE_STALE, line);
    }
}

/* The marks went away or changed: the timeline rows under them are redrawn. */
static void marks_changed(struct dash_post *p)
{
    p->d->dirty |= DIRTY_TIMELINE;
    if (!p->redraw_timer)
        p->redraw_timer = engine_timer(p->eng, 0, redraw, p);
}

void dash_post_overlay(void *ud)
{
    struct dash_post *p = ud;
    if (!p)
        return;
    if (p->form) {
        post_form_flush_draft(p->form);     /* what the frame shows is on disk */
        form_draw(stdscr, p->form);
        return;
    }
    if (confirm_pending(p))
        marks_changed(p);
    if (p->n_pending || p->waiting)
        draw_marks(p);
}

static void close_form(struct dash_post *p)
{
    post_form_free(p->form);
    p->form = NULL;
    p->d->dirty = DIRTY_ALL;
}

/* ---- delivery on the engine's loop -------------------------------------- */

static void step(struct dash_post *p);
static void redraw(void *ud);
static void marks_changed(struct dash_post *p);

static void outcome(struct dash_post *p, enum outbox_progress pr, const struct post_result *res)
{
    const char *what = p->entry.post.title ? p->entry.post.title
                     : p->entry.post.incident_id ? p->entry.post.incident_id : "post";
    size_t fi = (size_t)state_feed_index(p->d->st, p->feed->id);
    switch (pr) {
    case OUTBOX_CONTINUE:
        step(p);
        return;
    case OUTBOX_FINISHED:
        if (p->from_form && p->form) {
            post_form_discard_draft(p->form);
            close_form(p);
        }
        dash_message(p->d, false, "Posted %s to %s: pending until the next fetch shows it",
                     what, config_feed_label(p->feed));
        if (p->n_pending == ARRAY_SIZE(p->pending)) {
            memmove(&p->pending[0], &p->pending[1], sizeof(p->pending) - sizeof(p->pending[0]));
            p->n_pending--;
        }
        post_pending_init(&p->pending[p->n_pending++], &p->entry.post, res->id,
                          clock_wall_sec());
        engine_refresh(p->eng, (long)fi);
        break;
    case OUTBOX_REJECTED:
        if (p->from_form && p->form) {
            post_form_rejected(p->form, res->message);
        } else {
            dash_message(p->d, true, "Outbox: %s rejected by %s: %s", what,
                         config_feed_label(p->feed), res->message);
        }
        break;
    case OUTBOX_RETRY:
        if (!p->waiting)
            p->waiting = 1;
        snprintf(p->waiting_error, sizeof(p->waiting_error), "%s", res->message);
        p->waiting_next = p->entry.next_attempt;
        marks_changed(p);
        if (p->from_form && p->form) {
            /* safe in the outbox; the draft is no longer needed */
            post_form_discard_draft(p->form);
            close_form(p);
        }
        dash_message(p->d, true, "Outbox: %s not sent yet (%s); retrying in %llds", what,
                     res->message, (long long)(p->entry.next_attempt - clock_wall_sec()));
        break;
    }
    p->d->dirty |= DIRTY_FOOTER;
    if (!p->redraw_timer)       /* show the outcome now, not at the next frame */
        p->redraw_timer = engine_timer(p->eng, 0, redraw, p);
    finish_delivery(p);
    schedule(p, pr == OUTBOX_RETRY ? 1000 : 0);
}

static void on_done(void *ud, CURL *easy, CURLcode rc)
{
    struct dash_post *p = ud;
    (void)easy;
    char *body = NULL;
    size_t len = 0;
    long retry_after = 0;
    char net_error[256];
    long status = post_http_finish(p->http, rc, &body, &len, &retry_after, net_error,
                                   sizeof(net_error));
    post_http_free(p->http);
    p->http = NULL;
    p->easy = NULL;
    struct post_result res;
    enum outbox_progress pr = outbox_on_response(&p->entry, p->feed, p->is_check, status, body,
                                                 len, retry_after, net_error, clock_wall_sec(),
                                                 &res);
    free(body);
    outcome(p, pr, &res);
}

static void step(struct dash_post *p)
{
    struct post_request req;
    struct od_error err;
    struct post_result res;
    memset(&res, 0, sizeof(res));
    if (!outbox_next(&p->entry, p->feed, POST_ENC_JSON, &req, &p->is_check, &err)) {
        if (err.code != OD_OK) {
            snprintf(res.message, sizeof(res.message), "%s", err.text);
            outbox_remove(&p->entry);
            outcome(p, OUTBOX_REJECTED, &res);
        } else {
            outbox_remove(&p->entry);
            outcome(p, OUTBOX_FINISHED, &res);
        }
        return;
    }
    p->http = post_http_new(&req, p->token, p->feed, &p->easy);
    post_request_free(&req);
    if (!p->http || engine_http(p->eng, p->easy, on_done, p) != 0) {
        post_http_free(p->http);
        p->http = NULL;
        p->easy = NULL;
        /* as if the network failed: kept, retried later */
        enum outbox_progress pr = outbox_on_response(&p->entry, p->feed, p->is_check, 0, NULL,
                                                     0, 0, "cannot start the request",
                                                     clock_wall_sec(), &res);
        outcome(p, pr, &res);
    }
}

/* Start delivering e (taken over). false when it cannot start (no feed, no token). */
static bool deliver(struct dash_post *p, struct outbox_entry *e, bool from_form)
{
    const struct config_feed *feed = config_find_feed(p->cfg, e->post.feed);
    struct od_error err;
    if (!feed) {
        dash_message(p->d, true, "Outbox: post for unknown feed %s kept", e->post.feed);
        outbox_entry_free(e);
        return false;
    }
    if (token_load(feed, p->token, sizeof(p->token), &err) != OD_OK) {
        if (from_form && p->form)
            post_form_rejected(p->form, err.text);
        else
            dash_message(p->d, true, "Outbox: %s", err.text);
        outbox_entry_free(e);
        return false;
    }
    p->busy = true;
    p->from_form = from_form;
    p->entry = *e;
    p->feed = feed;
    step(p);
    return true;
}

/* The outbox round: deliver the first due entry, or wait for the earliest. */
static void pump(void *ud)
{
    struct dash_post *p = ud;
    p->timer = 0;
    if (p->busy || p->cfg->readonly)
        return;
    struct outbox_entry *v;
    size_t n = outbox_list(&v, NULL);
    int64_t now = clock_wall_sec(), next = 0;
    size_t due = n;
    /* for the timeline: how many wait, and the error of the one to go next */
    size_t was = p->waiting;
    p->waiting = n;
    p->waiting_error[0] = '\0';
    p->waiting_next = 0;
    for (size_t i = 0; i < n; i++)
        if (!p->waiting_next || v[i].next_attempt < p->waiting_next) {
            p->waiting_next = v[i].next_attempt;
            snprintf(p->waiting_error, sizeof(p->waiting_error), "%s", v[i].last_error);
        }
    if (was != p->waiting)
        marks_changed(p);
    for (size_t i = 0; i < n; i++) {
        if (v[i].next_attempt <= now) {
            due = i;
            break;
        }
        if (!next || v[i].next_attempt < next)
            next = v[i].next_attempt;
    }
    if (due < n) {
        struct outbox_entry e = v[due];
        memset(&v[due], 0, sizeof(v[due]));
        if (!deliver(p, &e, false))
            next = now + OUTBOX_BACKOFF_MAX;    /* no token: try again much later */
    }
    outbox_list_free(v, n);
    if (!p->busy && next)
        schedule(p, (next - now) * 1000);
}

static void send_form(struct dash_post *p)
{
    struct post post;
    struct od_error err;
    if (post_form_post(p->form, &post, &err) != OD_OK) {
        post_free(&post);
        p->form->stage = STAGE_EDIT;
        return;
    }
    if (p->busy) {
        post_form_rejected(p->form, "another post is being sent; try again in a moment");
        post_free(&post);
        return;
    }
    struct outbox_entry e;
    if (outbox_add(&post, clock_wall_sec(), &e, &err) != OD_OK) {
        post_form_rejected(p->form, err.text);
        post_free(&post);
        return;
    }
    post_free(&post);
    if (!deliver(p, &e, true))
        outbox_remove(&e);      /* could not even start (token): the draft is still there */
}

/* ---- the external editor ------------------------------------------------ */

static void run_editor(struct dash_post *p)
{
    const char *tmpdir = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof(path), "%s/opsdeck-message-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    int fd = mkstemp(path);
    struct od_error err;
    if (fd < 0) {
        post_form_rejected(p->form, "cannot create a temporary file for the editor");
        return;
    }
    const struct form_text *m = &p->form->message;
    bool ok = write(fd, m->s, m->len) == (ssize_t)m->len;
    close(fd);
    if (!ok) {
        unlink(path);
        post_form_rejected(p->form, "cannot write the temporary file for the editor");
        return;
    }
    const char *ed = getenv("VISUAL");
    if (!ed || !*ed)
        ed = getenv("EDITOR");
    if (!ed || !*ed)
        ed = "vi";
    struct sigaction ign, old_int, old_quit;
    memset(&ign, 0, sizeof(ign));
    ign.sa_handler = SIG_IGN;
    sigaction(SIGINT, &ign, &old_int);      /* Ctrl-C belongs to the editor now */
    sigaction(SIGQUIT, &ign, &old_quit);
    def_prog_mode();
    endwin();
    int status = -1;
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGINT, SIG_DFL);
        signal(SIGQUIT, SIG_DFL);
        setenv("OPSDECK_EDITOR", ed, 1);
        execl("/bin/sh", "sh", "-c", "$OPSDECK_EDITOR \"$1\"", "sh", path, (char *)NULL);
        _exit(127);
    }
    if (pid > 0)
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGQUIT, &old_quit, NULL);
    reset_prog_mode();
    clearok(curscr, TRUE);
    refresh();
    p->d->dirty = DIRTY_ALL;
    if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        post_form_rejected(p->form, "the editor failed; the message is unchanged");
    else if (post_form_load_message(p->form, path, &err) != OD_OK)
        post_form_rejected(p->form, err.text);
    unlink(path);
}

/* ---- keys --------------------------------------------------------------- */

static const struct state_incident *selected_incident(const struct dash *d)
{
    if (d->view == VIEW_DETAIL)
        return dash_detail_incident(d);
    if (d->view != VIEW_MAIN)
        return NULL;
    if (d->focus >= 0 && (size_t)d->focus < d->st->n_panes) {
        const struct state_incident *items[512];
        size_t n = dash_pane_items(d, (size_t)d->focus, items, 512);
        return d->pane_sel < n ? items[d->pane_sel] : NULL;
    }
    if (d->tl_sel < d->n_rows && d->rows[d->tl_sel] < d->st->n_timeline)
        return d->st->timeline[d->rows[d->tl_sel]].si;
    return NULL;
}

static const struct config_feed *default_feed(const struct config *cfg)
{
    for (size_t i = 0; i < cfg->n_feeds; i++)
        if (cfg->feeds[i].token_env || cfg->feeds[i].token_file)
            return &cfg->feeds[i];
    return cfg->n_feeds ? &cfg->feeds[0] : NULL;
}

static bool open_form(struct dash_post *p, enum post_kind kind)
{
    struct dash *d = p->d;
    if (p->cfg->readonly) {
        dash_message(d, true, "Read-only: posting is turned off in the config");
        return true;
    }
    const struct state_incident *si = selected_incident(d);
    const struct config_feed *feed = si && si->feed < p->cfg->n_feeds ? &p->cfg->feeds[si->feed]
                                                                      : default_feed(p->cfg);
    if (!feed)
        return false;
    const char *incident_id = NULL;
    if (kind == POST_UPDATE || kind == POST_RESOLVE) {
        if (!si || !si->inc || !si->inc->id) {
            dash_message(d, true, "Select an incident first (in a pane or the timeline)");
            return true;
        }
        if (si->maintenance && kind == POST_RESOLVE) {
            dash_message(d, true, "That is a maintenance; post an update with status completed");
            return true;
        }
        incident_id = si->inc->id;
    }
    int fi = state_feed_index(d->st, feed->id);
    const struct snapshot *snap = fi >= 0 ? d->st->feeds[fi].snap : NULL;
    p->form = post_form_new(kind, p->cfg, feed, snap, incident_id, clock_wall_sec());
    d->dirty = DIRTY_ALL;
    return true;
}

bool dash_post_key(struct dash_post *p, int ch, bool is_key)
{
    if (!p)
        return false;
    struct dash *d = p->d;
    if (p->form) {
        p->form->now = clock_wall_sec();
        unsigned r = form_handle_key(p->form, ch, is_key);
        if (r & FORM_EDITOR)
            run_editor(p);
        if (r & FORM_RESTART) {
            /* a fresh form for the same action (the draft file is gone) */
            struct post_form *old = p->form;
            int fi = state_feed_index(d->st, old->feed->id);
            p->form = post_form_new(old->kind, p->cfg, old->feed,
                                    fi >= 0 ? d->st->feeds[fi].snap : NULL, old->incident_id,
                                    clock_wall_sec());
            post_form_free(old);
            dash_message(d, false, "Draft thrown away");
        }
        if (r & FORM_SEND)
            send_form(p);
        if ((r & FORM_CLOSE) && p->form && !(p->busy && p->from_form)) {
            close_form(p);
            dash_message(d, false, "Draft kept; the same key opens it again");
        }
        d->dirty |= DIRTY_ALL;
        return true;
    }
    if (is_key || d->input != INPUT_NONE || d->help)
        return false;
    switch (ch) {
    case 'n':
        return open_form(p, d->view == VIEW_MAINT ? POST_MAINTENANCE : POST_INCIDENT);
    case 'u':
        return open_form(p, POST_UPDATE);
    case 'r':
        return open_form(p, POST_RESOLVE);
    case 'M':
        return open_form(p, POST_MAINTENANCE);
    case 'c':
        return open_form(p, POST_COMPONENT);
    default:
        return false;
    }
}
