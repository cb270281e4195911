/* Time zones: one instant shown in several IANA zones at once, in the style of
 * the reference history: "0810 PDT / 1610 BST".
 *
 * Uses the system tz database (abbreviations and DST from it). There is no POSIX
 * call that converts in a named zone without changing TZ for the whole process,
 * so the switch of TZ + tzset() + localtime_r lives in one function here, and
 * the caller's TZ is restored; safe because opsdeck has one thread. Results are
 * cached per (zone, second) in static state, so this module is not thread-safe.
 * Zone names are checked against the zoneinfo tree ($TZDIR or
 * /usr/share/zoneinfo): relative names of [A-Za-z0-9_+-] components only, no
 * "..", no absolute paths, no POSIX TZ strings; the file must be TZif.
 * Formatters write into caller buffers and return the length like snprintf.
 */
#ifndef OPSDECK_TZ_H
#define OPSDECK_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "opsdeck/time_parse.h"

/* Broken-down local time of `sec` in `zone` (IANA name, "UTC" or NULL for UTC). */
struct tz_local {
    int year, mon, day, hour, min, sec, wday;  /* mon 1..12, wday 0 = Sunday */
    int gmtoff;         /* seconds east of UTC */
    char abbr[16];      /* "PDT", "BST", "UTC", or "+0530" when the db has none */
    bool dst;
};

/* false when the zone is unknown to the tz database (then out is UTC, abbr
 * "UTC"). NULL, "" and "UTC" are UTC without touching TZ. */
bool tz_localtime(const char *zone, int64_t sec, struct tz_local *out);

/* Is `zone` a name the system tz database knows? false for NULL and "". */
bool tz_valid(const char *zone);

/* Styles for one zone's part. */
enum tz_style {
    TZ_STYLE_HHMM,        /* "0810 PDT" (the reference history's style) */
    TZ_STYLE_CLOCK,       /* "08:10 PDT" */
    TZ_STYLE_DATE_HHMM,   /* "2016-05-23 0810 PDT" */
};

/* The instant in every zone, joined by " / ": "0810 PDT / 1610 BST".
 * n == 0 formats in UTC; an unknown zone is shown in UTC ("1510 UTC"); an
 * invalid (absent) time is "--". */
int tz_format_multi(char *buf, size_t size, const struct od_time *t,
                    const char *const *zones, size_t n, enum tz_style style);

/* The instant for a zone-less local time in `zone` ("YYYY-MM-DD HH:MM[:SS]"
 * fields): resolves DST gaps forward (02:30 in a 02:00→03:00 gap is 03:30
 * daylight time) and overlaps to the earlier instant (still daylight time).
 * out->offset_min is the zone's offset at that instant. false (out invalid)
 * for an unknown zone or out-of-range fields. */
bool tz_from_local(const char *zone, int year, int mon, int day, int hour, int min, int sec,
                   struct od_time *out);

/* "now" (under 10 s either way), "45s ago", "12m ago", "3h 5m ago", "3h ago",
 * "2d ago" (whole days only); for a future instant "in 12m". now_sec is
 * injected for tests. */
int tz_format_age(char *buf, size_t size, int64_t then_sec, int64_t now_sec);
/* A duration in the same compact style: "45s", "12m", "3h 5m", "2d 4h", "2d";
 * negative ones get a leading '-'. */
int tz_format_duration(char *buf, size_t size, int64_t seconds);

#endif
