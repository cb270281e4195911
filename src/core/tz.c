/* Time zones through the system tz database.
 *
 * POSIX has no "localtime in zone X" call, so zone_convert() is the one place
 * that sets TZ, calls tzset() and localtime_r(), and puts the caller's TZ back.
 * That is safe because opsdeck is single-threaded. Each switch makes glibc
 * re-read a zone file, so results are kept in a small direct-mapped cache keyed
 * by (zone, second): a redraw of the same timeline costs no file reads.
 * Zone names are checked against the zoneinfo tree (TZDIR or
 * /usr/share/zoneinfo) before TZ is ever set, because glibc silently treats an
 * unknown name as UTC with a made-up abbreviation.
 */
#include "opsdeck/tz.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "opsdeck/xalloc.h"

#define ZONE_NAME_MAX 64

static bool is_utc_name(const char *zone)
{
    return !zone || !*zone || strcmp(zone, "UTC") == 0 || strcmp(zone, "Etc/UTC") == 0;
}

/* ---- validation ----------------------------------------------------------- */

/* Shape of an IANA name: relative, components of [A-Za-z0-9_+-] that do not
 * start with '.', '-' or '+' (no "..", no absolute path, no options). */
static bool zone_name_ok(const char *zone)
{
    size_t n = strlen(zone);
    if (n == 0 || n >= ZONE_NAME_MAX || zone[0] == '/' || zone[n - 1] == '/')
        return false;
    bool comp_start = true;
    for (size_t i = 0; i < n; i++) {
        char c = zone[i];
        if (c == '/') {
            if (comp_start)
                return false;   /* "//" */
            comp_start = true;
            continue;
        }
        bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (comp_start && !alnum)
            return false;       /* ".", "..", "-x", "+x" components */
        if (!alnum && c != '_' && c != '-' && c != '+')
            return false;
        comp_start = false;
    }
    return true;
}

static const char *tz_dir(void)
{
    const char *d = getenv("TZDIR");
    return (d && d[0] == '/') ? d : "/usr/share/zoneinfo";
}

/* Does the zoneinfo tree hold a TZif file by this name? */
static bool zone_file_ok(const char *zone)
{
    char path[512];
    int n = snprintf(path, sizeof path, "%s/%s", tz_dir(), zone);
    if (n < 0 || (size_t)n >= sizeof path)
        return false;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return false;
    struct stat st;
    char magic[4];
    bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
              read(fd, magic, sizeof magic) == (ssize_t)sizeof magic &&
              memcmp(magic, "TZif", 4) == 0;
    close(fd);
    return ok;
}

/* Names already found valid, interned: their index is the zone's id in the
 * conversion cache. A short table: configs name a few zones. */
static char known_zones[16][ZONE_NAME_MAX];
static unsigned known_next;

static void conv_forget_zone(int id);

/* Index of a valid non-UTC zone in known_zones, or -1 when it is not valid. */
static int zone_id(const char *zone)
{
    if (!zone_name_ok(zone))
        return -1;
    for (size_t i = 0; i < ARRAY_SIZE(known_zones); i++)
        if (strcmp(known_zones[i], zone) == 0)
            return (int)i;
    if (!zone_file_ok(zone))
        return -1;
    int id = (int)(known_next++ % ARRAY_SIZE(known_zones));
    if (known_zones[id][0])
        conv_forget_zone(id);
    snprintf(known_zones[id], ZONE_NAME_MAX, "%s", zone);
    return id;
}

bool tz_valid(const char *zone)
{
    if (is_utc_name(zone))
        return zone != NULL && *zone != '\0';
    return zone_id(zone) >= 0;
}

/* ---- conversion ----------------------------------------------------------- */

static void fill_from_tm(struct tz_local *out, const struct tm *tm)
{
    out->year = tm->tm_year + 1900;
    out->mon = tm->tm_mon + 1;
    out->day = tm->tm_mday;
    out->hour = tm->tm_hour;
    out->min = tm->tm_min;
    out->sec = tm->tm_sec;
    out->wday = tm->tm_wday;
    out->gmtoff = (int)tm->tm_gmtoff;
    out->dst = tm->tm_isdst > 0;
    const char *z = tm->tm_zone;
    if (z && *z) {
        snprintf(out->abbr, sizeof out->abbr, "%s", z);
    } else {
        int off = out->gmtoff < 0 ? -out->gmtoff : out->gmtoff;
        snprintf(out->abbr, sizeof out->abbr, "%c%02d%02d", out->gmtoff < 0 ? '-' : '+',
                 off / 3600 % 100, off / 60 % 60);
    }
}

/* UTC by arithmetic; false when out of range. */
static bool utc_convert(int64_t sec, struct tz_local *out)
{
    time_t t = (time_t)sec;
    struct tm tm;
    if ((int64_t)t != sec || !gmtime_r(&t, &tm))
        return false;
    fill_from_tm(out, &tm);
    out->gmtoff = 0;
    out->dst = false;
    snprintf(out->abbr, sizeof out->abbr, "UTC");
    return true;
}

/* Convert n instants in one TZ switch. zone must have passed tz_valid(). */
static bool zone_convert(const char *zone, const int64_t *secs, size_t n, struct tz_local *outs)
{
    const char *old = getenv("TZ");
    char *saved = old ? xstrdup(old) : NULL;
    char spec[ZONE_NAME_MAX + 2];
    snprintf(spec, sizeof spec, ":%s", zone);
    bool ok = setenv("TZ", spec, 1) == 0;
    if (ok) {
        tzset();
        for (size_t i = 0; i < n && ok; i++) {
            time_t t = (time_t)secs[i];
            struct tm tm;
            ok = (int64_t)t == secs[i] && localtime_r(&t, &tm) != NULL;
            if (ok)
                fill_from_tm(&outs[i], &tm);
        }
    }
    if (saved)
        setenv("TZ", saved, 1);
    else
        unsetenv("TZ");
    tzset();
    free(saved);
    return ok;
}

/* Direct-mapped cache of conversions keyed by (zone id, second); 64 KiB. */
struct conv_slot {
    int64_t sec;
    int zone;           /* index into known_zones; -1 empty */
    struct tz_local val;
};

static struct conv_slot conv_cache[1024];
static bool conv_ready;

static void conv_forget_zone(int id)
{
    for (size_t i = 0; i < ARRAY_SIZE(conv_cache); i++)
        if (conv_cache[i].zone == id)
            conv_cache[i].zone = -1;
}

static struct conv_slot *conv_slot_for(int zone, int64_t sec)
{
    if (!conv_ready) {
        for (size_t i = 0; i < ARRAY_SIZE(conv_cache); i++)
            conv_cache[i].zone = -1;
        conv_ready = true;
    }
    uint64_t h = ((uint64_t)sec ^ ((uint64_t)zone << 40)) * 0x9E3779B97F4A7C15u;
    return &conv_cache[(h >> 32) % ARRAY_SIZE(conv_cache)];
}

bool tz_localtime(const char *zone, int64_t sec, struct tz_local *out)
{
    memset(out, 0, sizeof *out);
    if (is_utc_name(zone))
        return utc_convert(sec, out);
    int id = zone_id(zone);
    if (id < 0) {
        utc_convert(sec, out);
        return false;
    }
    struct conv_slot *slot = conv_slot_for(id, sec);
    if (slot->zone == id && slot->sec == sec) {
        *out = slot->val;
        return true;
    }
    if (!zone_convert(zone, &sec, 1, out)) {
        utc_convert(sec, out);
        return false;
    }
    slot->zone = id;
    slot->sec = sec;
    slot->val = *out;
    return true;
}

/* ---- formatting ----------------------------------------------------------- */

/* snprintf-style appender: counts everything, writes what fits. */
struct fmt {
    char *buf;
    size_t size;
    size_t len;
};

OD_PRINTF(2, 3) static void fmt_add(struct fmt *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = f->len < f->size ? f->size - f->len : 0;
    int n = vsnprintf(room ? f->buf + f->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        f->len += (size_t)n;
}

static int fmt_done(struct fmt *f)
{
    if (f->size > 0 && f->len >= f->size)
        f->buf[f->size - 1] = '\0';
    else if (f->size > 0)
        f->buf[f->len] = '\0';
    return f->len > (size_t)INT32_MAX ? INT32_MAX : (int)f->len;
}

static void format_one(struct fmt *f, const struct tz_local *l, enum tz_style style)
{
    switch (style) {
    case TZ_STYLE_CLOCK:
        fmt_add(f, "%02d:%02d %s", l->hour, l->min, l->abbr);
        break;
    case TZ_STYLE_DATE_HHMM:
        fmt_add(f, "%04d-%02d-%02d %02d%02d %s", l->year, l->mon, l->day, l->hour, l->min,
                l->abbr);
        break;
    case TZ_STYLE_HHMM:
    default:
        fmt_add(f, "%02d%02d %s", l->hour, l->min, l->abbr);
        break;
    }
}

int tz_format_multi(char *buf, size_t size, const struct od_time *t,
                    const char *const *zones, size_t n, enum tz_style style)
{
    struct fmt f = {buf, size, 0};
    if (size > 0)
        buf[0] = '\0';
    if (!t || !t->valid) {
        fmt_add(&f, "--");
        return fmt_done(&f);
    }
    struct tz_local l;
    if (n == 0 || !zones) {
        if (!utc_convert(t->sec, &l)) {
            fmt_add(&f, "--");
            return fmt_done(&f);
        }
        format_one(&f, &l, style);
        return fmt_done(&f);
    }
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            fmt_add(&f, " / ");
        if (!tz_localtime(zones[i], t->sec, &l) && l.year == 0) {
            fmt_add(&f, "--");
            continue;
        }
        format_one(&f, &l, style);
    }
    return fmt_done(&f);
}

/* ---- local time to instant ------------------------------------------------ */

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

bool tz_from_local(const char *zone, int year, int mon, int day, int hour, int min, int sec,
                   struct od_time *out)
{
    if (out)
        *out = (struct od_time){0};
    if (!out || year < 1 || year > 9999 || mon < 1 || mon > 12 || day < 1 ||
        day > days_in_month(year, mon) || hour < 0 || hour > 23 || min < 0 || min > 59 ||
        sec < 0 || sec > 59)
        return false;
    /* the wall-clock fields read as if they were UTC */
    int64_t wall = time_days_from_civil(year, (unsigned)mon, (unsigned)day) * 86400 +
                   hour * 3600 + min * 60 + sec;
    if (is_utc_name(zone)) {
        *out = (struct od_time){.sec = wall, .valid = true};
        return true;
    }
    if (!tz_valid(zone))
        return false;
    /* Offsets a day either side bracket any one transition. The instant is
     * wall - offset for an offset that holds at that instant: two such
     * instants mean an overlap (take the earlier), none means a gap (resolve
     * forward: use the offset from before the gap, which lands after it). */
    int64_t probe[2] = {wall - 86400, wall + 86400};
    struct tz_local lp[2];
    if (!zone_convert(zone, probe, 2, lp))
        return false;
    int64_t cand[2] = {wall - lp[0].gmtoff, wall - lp[1].gmtoff};
    struct tz_local lc[2];
    if (!zone_convert(zone, cand, 2, lc))
        return false;
    bool ok0 = lc[0].gmtoff == lp[0].gmtoff;
    bool ok1 = lc[1].gmtoff == lp[1].gmtoff;
    int64_t best;
    int off;
    if (ok0 && ok1) {
        best = cand[0] < cand[1] ? cand[0] : cand[1];
        off = cand[0] < cand[1] ? lc[0].gmtoff : lc[1].gmtoff;
    } else if (ok0) {
        best = cand[0];
        off = lc[0].gmtoff;
    } else if (ok1) {
        best = cand[1];
        off = lc[1].gmtoff;
    } else {
        best = cand[0];     /* gap */
        off = lc[0].gmtoff;
    }
    *out = (struct od_time){.sec = best, .offset_min = (int16_t)(off / 60), .valid = true};
    return true;
}

/* ---- ages and durations --------------------------------------------------- */

static void duration_parts(struct fmt *f, int64_t s, bool coarse_days)
{
    if (s < 60) {
        fmt_add(f, "%llds", (long long)s);
    } else if (s < 3600) {
        fmt_add(f, "%lldm", (long long)(s / 60));
    } else if (s < 86400) {
        long long h = s / 3600, m = s % 3600 / 60;
        if (m)
            fmt_add(f, "%lldh %lldm", h, m);
        else
            fmt_add(f, "%lldh", h);
    } else {
        long long d = s / 86400, h = s % 86400 / 3600;
        if (h && !coarse_days)
            fmt_add(f, "%lldd %lldh", d, h);
        else
            fmt_add(f, "%lldd", d);
    }
}

int tz_format_age(char *buf, size_t size, int64_t then_sec, int64_t now_sec)
{
    struct fmt f = {buf, size, 0};
    if (size > 0)
        buf[0] = '\0';
    bool future = then_sec > now_sec;
    uint64_t ad = future ? (uint64_t)then_sec - (uint64_t)now_sec
                         : (uint64_t)now_sec - (uint64_t)then_sec;
    int64_t d = ad > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)ad;
    if (d < 10) {
        fmt_add(&f, "now");
    } else if (future) {
        fmt_add(&f, "in ");
        duration_parts(&f, d, true);
    } else {
        duration_parts(&f, d, true);
        fmt_add(&f, " ago");
    }
    return fmt_done(&f);
}

int tz_format_duration(char *buf, size_t size, int64_t seconds)
{
    struct fmt f = {buf, size, 0};
    if (size > 0)
        buf[0] = '\0';
    if (seconds < 0) {
        fmt_add(&f, "-");
        seconds = seconds == INT64_MIN ? INT64_MAX : -seconds;
    }
    duration_parts(&f, seconds, false);
    return fmt_done(&f);
}
