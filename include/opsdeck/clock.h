/* Wall and monotonic clocks behind one injectable source.
 *
 * OPSDECK_TEST_NOW=<RFC 3339 or epoch seconds> pins the wall clock (tests, golden
 * screens); the monotonic clock keeps running so timers still fire. The
 * variable is read on every call; an unparsable value is ignored (real clock).
 * clock_pin_wall() wins over the variable. Not thread-safe (static pin).
 */
#ifndef OPSDECK_CLOCK_H
#define OPSDECK_CLOCK_H

#include <stdint.h>

/* Seconds since the epoch (pinned when OPSDECK_TEST_NOW is set). */
int64_t clock_wall_sec(void);
/* Milliseconds since the epoch. */
int64_t clock_wall_ms(void);
/* Monotonic milliseconds (arbitrary origin). */
int64_t clock_mono_ms(void);
/* Tests: pin the wall clock to `sec` (0 to unpin). */
void clock_pin_wall(int64_t sec);

#endif
