/* Fetch schedule arithmetic: jitter, back-off, Retry-After. See schedule.h. */
#include "opsdeck/schedule.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "opsdeck/engine.h"

uint64_t schedule_rand(uint64_t *state)
{
    uint64_t x = *state ? *state : 0x9E3779B97F4A7C15ull;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1Dull;
}

int64_t schedule_jitter(int64_t base_ms, int percent, uint64_t *rng)
{
    if (base_ms <= 0 || percent <= 0)
        return base_ms > 0 ? base_ms : 0;
    int64_t span = base_ms * percent / 100;        /* +- span */
    if (span == 0)
        return base_ms;
    int64_t off = (int64_t)(schedule_rand(rng) % (uint64_t)(2 * span + 1)) - span;
    return base_ms + off;
}

int64_t schedule_next_ms(int interval_s, unsigned failures, int64_t retry_after_s,
                         uint64_t *rng)
{
    int64_t interval = interval_s > 0 ? interval_s : 1;
    int64_t cap = interval > ENGINE_MAX_BACKOFF_S ? interval : ENGINE_MAX_BACKOFF_S;
    int64_t base = interval;
    for (unsigned k = 1; k < failures && base < cap; k++)
        base *= 2;
    if (base > cap)
        base = cap;
    int64_t ms = schedule_jitter(base * 1000, ENGINE_JITTER_PERCENT, rng);
    if (retry_after_s > 0) {
        if (retry_after_s > ENGINE_MAX_RETRY_AFTER_S)
            retry_after_s = ENGINE_MAX_RETRY_AFTER_S;
        int64_t ra = retry_after_s * 1000;
        if (ms < ra) {  /* never earlier than asked; spread a little after it */
            int64_t spread = ra * ENGINE_JITTER_PERCENT / 100;
            ms = ra + (spread ? (int64_t)(schedule_rand(rng) % (uint64_t)(spread + 1)) : 0);
        }
    }
    return ms;
}

/* days_from_civil: days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t schedule_parse_retry_after(const char *value, int64_t now_sec)
{
    if (!value)
        return -1;
    while (*value == ' ' || *value == '\t')
        value++;
    if (isdigit((unsigned char)*value)) {
        int64_t n = 0;
        const char *p = value;
        for (; isdigit((unsigned char)*p); p++) {
            if (n > 100000000)
                return -1;
            n = n * 10 + (*p - '0');
        }
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        return *p ? -1 : n;
    }
    /* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    char wd[4], mon[4], zone[4];
    int d, y, hh, mm, ss, used = 0;
    if (sscanf(value, "%3s, %d %3s %d %d:%d:%d %3s%n", wd, &d, mon, &y, &hh, &mm, &ss, zone,
               &used) != 8 ||
        strcmp(zone, "GMT") != 0 || strlen(mon) != 3)
        return -1;
    const char *mp = strstr(months, mon);
    if (!mp || (mp - months) % 3 != 0 || d < 1 || d > 31 || y < 1970 || y > 9999 || hh > 23 ||
        mm > 59 || ss > 60 || hh < 0 || mm < 0 || ss < 0)
        return -1;
    int m = (int)(mp - months) / 3 + 1;
    int64_t t = days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
    return t > now_sec ? t - now_sec : 0;
}
