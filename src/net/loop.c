/* poll(2) loop with one-shot timers in a min-heap and signals through a
 * self-pipe. See loop.h. */
#include "opsdeck/loop.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opsdeck/clock.h"
#include "opsdeck/xalloc.h"

struct watch {
    bool active;
    short events;
    unsigned serial;        /* changes when the fd is re-watched after removal */
    loop_fd_cb cb;
    void *ud;
};

struct timer {
    int64_t due;
    uint64_t seq;           /* ties broken by creation order */
    unsigned id;
    loop_timer_cb cb;       /* NULL: cancelled, dropped when it reaches the top */
    void *ud;
};

#define LOOP_NSIG 65

struct loop {
    struct watch *watches;  /* indexed by fd */
    size_t n_watches;       /* allocated entries */
    size_t n_active;
    struct pollfd *pfd;
    unsigned *pfd_serial;
    size_t n_pfd, pfd_alloc;
    bool pfd_dirty;
    unsigned next_serial;

    struct timer *heap;
    size_t n_heap, heap_alloc;
    size_t n_live_timers;
    unsigned next_id;
    uint64_t next_seq;

    bool stop;
    int sig_pipe[2];
    struct {
        loop_signal_cb cb;
        void *ud;
        bool installed;
        struct sigaction old;
    } sig[LOOP_NSIG];
};

/* The self-pipe's write end for the async handler (one loop receives signals). */
static volatile sig_atomic_t sig_write_fd = -1;

static void on_signal(int signo)
{
    int saved = errno;
    unsigned char b = (unsigned char)signo;
    if (sig_write_fd >= 0) {
        ssize_t r = write(sig_write_fd, &b, 1);     /* full pipe: the signal is pending anyway */
        (void)r;
    }
    errno = saved;
}

struct loop *loop_new(void)
{
    struct loop *lp = xcalloc(1, sizeof(*lp));
    lp->sig_pipe[0] = lp->sig_pipe[1] = -1;
    lp->next_id = 1;
    lp->next_serial = 1;
    return lp;
}

void loop_free(struct loop *lp)
{
    if (!lp)
        return;
    for (int s = 0; s < LOOP_NSIG; s++)
        if (lp->sig[s].installed)
            sigaction(s, &lp->sig[s].old, NULL);
    if (lp->sig_pipe[1] >= 0 && sig_write_fd == lp->sig_pipe[1])
        sig_write_fd = -1;
    for (int i = 0; i < 2; i++)
        if (lp->sig_pipe[i] >= 0)
            close(lp->sig_pipe[i]);
    free(lp->watches);
    free(lp->pfd);
    free(lp->pfd_serial);
    free(lp->heap);
    free(lp);
}

int64_t loop_now_ms(const struct loop *lp)
{
    (void)lp;
    return clock_mono_ms();
}

int loop_watch_fd(struct loop *lp, int fd, short events, loop_fd_cb cb, void *ud)
{
    if (fd < 0 || !cb)
        return -1;
    if ((size_t)fd >= lp->n_watches) {
        size_t n = lp->n_watches ? lp->n_watches : 16;
        while (n <= (size_t)fd)
            n *= 2;
        lp->watches = xreallocarray(lp->watches, n, sizeof(*lp->watches));
        memset(lp->watches + lp->n_watches, 0, (n - lp->n_watches) * sizeof(*lp->watches));
        lp->n_watches = n;
    }
    struct watch *w = &lp->watches[fd];
    if (!w->active) {
        w->active = true;
        w->serial = lp->next_serial++;
        lp->n_active++;
    }
    w->events = events;
    w->cb = cb;
    w->ud = ud;
    lp->pfd_dirty = true;
    return 0;
}

void loop_unwatch_fd(struct loop *lp, int fd)
{
    if (fd < 0 || (size_t)fd >= lp->n_watches || !lp->watches[fd].active)
        return;
    lp->watches[fd].active = false;
    lp->n_active--;
    lp->pfd_dirty = true;
}

/* ---- timers: a binary min-heap on (due, seq) ---- */

static bool timer_before(const struct timer *a, const struct timer *b)
{
    return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void heap_up(struct loop *lp, size_t i)
{
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!timer_before(&lp->heap[i], &lp->heap[p]))
            break;
        struct timer t = lp->heap[i];
        lp->heap[i] = lp->heap[p];
        lp->heap[p] = t;
        i = p;
    }
}

static void heap_down(struct loop *lp, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < lp->n_heap && timer_before(&lp->heap[l], &lp->heap[m]))
            m = l;
        if (r < lp->n_heap && timer_before(&lp->heap[r], &lp->heap[m]))
            m = r;
        if (m == i)
            return;
        struct timer t = lp->heap[i];
        lp->heap[i] = lp->heap[m];
        lp->heap[m] = t;
        i = m;
    }
}

static void heap_pop(struct loop *lp)
{
    lp->heap[0] = lp->heap[--lp->n_heap];
    if (lp->n_heap)
        heap_down(lp, 0);
}

unsigned loop_timer(struct loop *lp, int64_t delay_ms, loop_timer_cb cb, void *ud)
{
    if (!cb || lp->next_id == 0)
        return 0;
    if (delay_ms < 0)
        delay_ms = 0;
    if (lp->n_heap == lp->heap_alloc) {
        lp->heap_alloc = lp->heap_alloc ? lp->heap_alloc * 2 : 32;
        lp->heap = xreallocarray(lp->heap, lp->heap_alloc, sizeof(*lp->heap));
    }
    struct timer *t = &lp->heap[lp->n_heap++];
    t->due = loop_now_ms(lp) + delay_ms;
    t->seq = lp->next_seq++;
    t->id = lp->next_id++;
    t->cb = cb;
    t->ud = ud;
    lp->n_live_timers++;
    unsigned id = t->id;
    heap_up(lp, lp->n_heap - 1);
    return id;
}

void loop_timer_cancel(struct loop *lp, unsigned id)
{
    if (id == 0)
        return;
    for (size_t i = 0; i < lp->n_heap; i++)
        if (lp->heap[i].id == id && lp->heap[i].cb) {
            lp->heap[i].cb = NULL;
            lp->n_live_timers--;
            return;
        }
}

/* Drop cancelled timers at the top so the next due time is a live one. */
static void heap_trim(struct loop *lp)
{
    while (lp->n_heap && !lp->heap[0].cb)
        heap_pop(lp);
}

/* Run every timer due by now (not ones added meanwhile for later). */
static int run_timers(struct loop *lp)
{
    int ran = 0;
    int64_t now = loop_now_ms(lp);
    for (heap_trim(lp); lp->n_heap && lp->heap[0].due <= now && !lp->stop; heap_trim(lp)) {
        struct timer t = lp->heap[0];
        heap_pop(lp);
        lp->n_live_timers--;
        t.cb(t.ud);
        ran = 1;
    }
    return ran;
}

/* ---- signals ---- */

static void drain_signals(void *ud, int fd, short revents)
{
    struct loop *lp = ud;
    (void)revents;
    unsigned char buf[64];
    ssize_t r;
    while ((r = read(fd, buf, sizeof(buf))) > 0)
        for (ssize_t i = 0; i < r; i++)
            if (buf[i] < LOOP_NSIG && lp->sig[buf[i]].cb)
                lp->sig[buf[i]].cb(lp->sig[buf[i]].ud, buf[i]);
}

int loop_on_signal(struct loop *lp, int signo, loop_signal_cb cb, void *ud)
{
    if (signo <= 0 || signo >= LOOP_NSIG || !cb)
        return -1;
    if (lp->sig_pipe[0] < 0) {
        if (pipe2(lp->sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
            return -1;
        if (loop_watch_fd(lp, lp->sig_pipe[0], POLLIN, drain_signals, lp) != 0)
            return -1;
        sig_write_fd = lp->sig_pipe[1];
    }
    lp->sig[signo].cb = cb;
    lp->sig[signo].ud = ud;
    if (!lp->sig[signo].installed) {
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        if (sigaction(signo, &sa, &lp->sig[signo].old) != 0)
            return -1;
        lp->sig[signo].installed = true;
    }
    return 0;
}

/* ---- running ---- */

static void rebuild_pfd(struct loop *lp)
{
    if (lp->n_active > lp->pfd_alloc) {
        lp->pfd_alloc = lp->n_active * 2;
        lp->pfd = xreallocarray(lp->pfd, lp->pfd_alloc, sizeof(*lp->pfd));
        lp->pfd_serial = xreallocarray(lp->pfd_serial, lp->pfd_alloc, sizeof(unsigned));
    }
    size_t n = 0;
    for (size_t fd = 0; fd < lp->n_watches && n < lp->n_active; fd++) {
        const struct watch *w = &lp->watches[fd];
        if (!w->active)
            continue;
        lp->pfd[n].fd = (int)fd;
        lp->pfd[n].events = w->events;
        lp->pfd[n].revents = 0;
        lp->pfd_serial[n] = w->serial;
        n++;
    }
    lp->n_pfd = n;
    lp->pfd_dirty = false;
}

int loop_run_once(struct loop *lp, int64_t max_wait_ms)
{
    int ran = run_timers(lp);
    if (lp->stop)
        return ran;
    heap_trim(lp);
    int64_t wait = -1;
    if (lp->n_heap) {
        wait = lp->heap[0].due - loop_now_ms(lp);
        if (wait < 0)
            wait = 0;
    }
    if (max_wait_ms >= 0 && (wait < 0 || wait > max_wait_ms))
        wait = max_wait_ms;
    if (wait > 24 * 3600 * 1000)
        wait = 24 * 3600 * 1000;
    if (lp->pfd_dirty)
        rebuild_pfd(lp);
    int n = poll(lp->pfd, lp->n_pfd, (int)wait);
    if (n < 0)
        return errno == EINTR ? ran : -1;
    for (size_t i = 0; i < lp->n_pfd && n > 0 && !lp->stop; i++) {
        short rev = lp->pfd[i].revents;
        if (!rev)
            continue;
        n--;
        int fd = lp->pfd[i].fd;
        struct watch *w = &lp->watches[fd];
        /* skip an fd unwatched (or replaced) by an earlier callback this round */
        if (!w->active || w->serial != lp->pfd_serial[i])
            continue;
        w->cb(w->ud, fd, rev);
        ran = 1;
    }
    return ran;
}

int loop_run(struct loop *lp)
{
    lp->stop = false;
    while (!lp->stop) {
        if (lp->n_active == 0 && lp->n_live_timers == 0)
            return 0;
        if (loop_run_once(lp, -1) < 0)
            return -1;
    }
    return 0;
}

void loop_stop(struct loop *lp)
{
    lp->stop = true;
}

bool loop_stopped(const struct loop *lp)
{
    return lp->stop;
}
