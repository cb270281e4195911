/* The event loop: one poll(2) over caller descriptors, plus one-shot timers.
 *
 * The fetch engine (engine.h) runs its curl multi handle on one of these, the
 * dashboard adds its terminal and its redraw timers, `opsdeck tail` its signal
 * pipe. One thread; callbacks run from loop_run() and may add or remove watches
 * and timers (also their own) freely.
 *
 * Nothing spins: the poll timeout is the time to the earliest timer, or infinite
 * when there is none. A timer due "now" runs on the next round without a poll of
 * timeout 0 in between unless descriptors are also ready.
 *
 * Time is the monotonic clock (clock_mono_ms), so a wall-clock jump neither
 * fires nor stalls timers.
 */
#ifndef OPSDECK_LOOP_H
#define OPSDECK_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include "opsdeck/attrs.h"

struct loop;

typedef void (*loop_fd_cb)(void *ud, int fd, short revents);
typedef void (*loop_timer_cb)(void *ud);
typedef void (*loop_signal_cb)(void *ud, int signo);

OD_NODISCARD struct loop *loop_new(void);
/* Restores signal handlers installed with loop_on_signal. NULL is fine. */
void loop_free(struct loop *lp);

/* Watch fd for `events` (POLLIN/POLLOUT bits). Watching an fd again replaces
 * its events, callback and ud. revents passed to cb may include POLLERR/POLLHUP/
 * POLLNVAL. 0, or -1 (out of memory, fd < 0). */
int loop_watch_fd(struct loop *lp, int fd, short events, loop_fd_cb cb, void *ud);
/* Stop watching fd (no-op when it is not watched). Safe inside any callback. */
void loop_unwatch_fd(struct loop *lp, int fd);

/* A one-shot timer `delay_ms` from now (negative = 0). Returns its id (never 0),
 * or 0 on error. Ids are not reused within a loop's life. */
unsigned loop_timer(struct loop *lp, int64_t delay_ms, loop_timer_cb cb, void *ud);
/* Cancel a pending timer (no-op for a fired, cancelled or 0 id). */
void loop_timer_cancel(struct loop *lp, unsigned id);

/* Deliver signo (SIGINT, SIGTERM, SIGWINCH, ...) as a callback from the loop,
 * through a self-pipe written by an async-signal-safe handler (no signal mask
 * changes, so children such as $EDITOR inherit normal signals). One callback
 * per signal; calling again replaces it. 0 or -1. */
int loop_on_signal(struct loop *lp, int signo, loop_signal_cb cb, void *ud);

/* Run until loop_stop(): 0, or -1 when poll fails with something other than
 * EINTR (errno kept). Returns at once, 0, when there is nothing left to wait
 * for (no fds and no timers). */
int loop_run(struct loop *lp);
/* One round: wait at most max_wait_ms (-1 = until the next timer/fd), run
 * what is ready. 1 if anything ran, 0 if the wait ended with nothing, -1 on
 * error. For tests and for callers with their own outer loop. */
int loop_run_once(struct loop *lp, int64_t max_wait_ms);
/* Make loop_run return after the current callback. Safe from callbacks. */
void loop_stop(struct loop *lp);
bool loop_stopped(const struct loop *lp);

/* Now, in the loop's clock (monotonic ms). */
int64_t loop_now_ms(const struct loop *lp);

#endif
