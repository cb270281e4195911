/* Wall and monotonic clocks behind one injectable source.
 *
 * The pin set by clock_pin_wall() wins over OPSDECK_TEST_NOW, which wins over
 * the real clock. The variable is read on every call (a getenv and a short
 * parse), so a test can change it between calls; an unparsable value is
 * ignored and the real clock is used.
 */
#include "opsdeck/clock.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "opsdeck/time_parse.h"

static int64_t pinned_ms;
static bool pinned;

/* "1464016200", "-5" or an RFC 3339 date-time, in milliseconds. */
static bool parse_test_now(const char *s, int64_t *ms)
{
    if (!s || !*s)
        return false;
    const char *p = s;
    if (*p == '-')
        p++;
    if (*p >= '0' && *p <= '9') {
        const char *q = p;
        while (*q >= '0' && *q <= '9')
            q++;
        if (*q == '\0') {
            if (q - p > 12)
                return false;   /* beyond year 9999 */
            int64_t v = 0;
            for (const char *d = p; d < q; d++)
                v = v * 10 + (*d - '0');
            *ms = (s[0] == '-' ? -v : v) * 1000;
            return true;
        }
    }
    struct od_time t;
    if (!time_parse_rfc3339(s, &t))
        return false;
    *ms = time_to_ms(&t);
    return true;
}

static int64_t real_wall_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return (int64_t)time(NULL) * 1000;
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_wall_ms(void)
{
    if (pinned)
        return pinned_ms;
    int64_t ms;
    if (parse_test_now(getenv("OPSDECK_TEST_NOW"), &ms))
        return ms;
    return real_wall_ms();
}

int64_t clock_wall_sec(void)
{
    int64_t ms = clock_wall_ms();
    /* floor, also for instants before the epoch */
    return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

int64_t clock_mono_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void clock_pin_wall(int64_t sec)
{
    const int64_t lim = INT64_MAX / 1000;
    pinned = sec != 0;
    pinned_ms = (sec > lim ? lim : sec < -lim ? -lim : sec) * 1000;
}
