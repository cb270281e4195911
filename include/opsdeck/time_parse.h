/* Instants and RFC 3339. Pure arithmetic: no TZ, no libc time zone state.
 *
 * Everything below the UI keeps time as struct od_time in UTC (sec since the epoch)
 * plus the offset the source wrote, so a writer can reproduce it. Zones are applied
 * only when formatting (tz.h).
 */
#ifndef OPSDECK_TIME_PARSE_H
#define OPSDECK_TIME_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "opsdeck/attrs.h"

struct od_time {
    int64_t sec;        /* seconds since 1970-01-01T00:00:00Z */
    int32_t nsec;       /* 0..999999999 */
    int16_t offset_min; /* offset the source wrote, minutes east of UTC */
    bool valid;         /* false: absent or null */
};

/* RFC 3339 / ISO 8601 date-time: YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM|±HHMM).
 * Also accepts a space or lower-case 't' for 'T' and lower-case 'z'. Rejects
 * out-of-range fields (month 13, Feb 30, hour 24, offset over 23:59, year < 1
 * or > 9999). Leading/trailing garbage is an error. */
OD_NODISCARD bool time_parse_rfc3339(const char *s, struct od_time *out);

/* The fields of a zone-less "YYYY-MM-DD HH:MM[:SS]" (Cachet); tz.h turns them
 * into an instant in a named zone. Validates ranges like time_parse_rfc3339. */
OD_NODISCARD bool time_parse_naive(const char *s, int *year, int *mon, int *day,
                                   int *hour, int *min, int *sec);

/* Days since the epoch for a proleptic Gregorian date, and back. */
int64_t time_days_from_civil(int64_t y, unsigned m, unsigned d);
void time_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

/* "2022-11-25T15:50:04.967Z" (milliseconds, UTC). snprintf-style return. */
int time_format_rfc3339_utc(char *buf, size_t size, const struct od_time *t);
/* The same instant written with its own offset, "2022-02-15T13:37:37.407-08:00"
 * (Z when the offset is 0). */
int time_format_rfc3339_local(char *buf, size_t size, const struct od_time *t);

/* <0, 0, >0 like strcmp; an invalid time sorts before every valid one. */
int time_cmp(const struct od_time *a, const struct od_time *b);
/* Milliseconds since the epoch (0 for invalid). */
int64_t time_to_ms(const struct od_time *t);
struct od_time time_from_ms(int64_t ms);

#endif
