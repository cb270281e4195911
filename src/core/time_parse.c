#include "opsdeck/time_parse.h"

#include <stdio.h>
#include <stdlib.h>

/* Howard Hinnant's civil-from-days algorithms: exact for the proleptic
 * Gregorian calendar, no libc time zone state involved. */
int64_t time_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void time_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t yy = (int64_t)yoe + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yy + (*m <= 2);
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Read exactly n digits; false if any is not a digit. */
static bool digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return true;
}

static bool expect(const char **p, char c)
{
    if (**p != c)
        return false;
    (*p)++;
    return true;
}

static bool valid_fields(int y, int mo, int d, int h, int mi, int s)
{
    return y >= 1 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 &&
           d <= days_in_month(y, mo) && h <= 23 && mi <= 59 && s <= 60;
}

/* Date and time part shared by both forms; leaves *p after the seconds. */
static bool parse_date_time(const char **p, int *y, int *mo, int *d, int *h, int *mi,
                            int *s, bool seconds_optional)
{
    if (!digits(p, 4, y) || !expect(p, '-') || !digits(p, 2, mo) || !expect(p, '-') ||
        !digits(p, 2, d))
        return false;
    char sep = **p;
    if (sep != 'T' && sep != 't' && sep != ' ')
        return false;
    (*p)++;
    if (!digits(p, 2, h) || !expect(p, ':') || !digits(p, 2, mi))
        return false;
    *s = 0;
    if (**p == ':') {
        (*p)++;
        if (!digits(p, 2, s))
            return false;
    } else if (!seconds_optional) {
        return false;
    }
    return valid_fields(*y, *mo, *d, *h, *mi, *s);
}

bool time_parse_naive(const char *str, int *year, int *mon, int *day, int *hour,
                      int *min, int *sec)
{
    if (!str)
        return false;
    const char *p = str;
    if (!parse_date_time(&p, year, mon, day, hour, min, sec, true))
        return false;
    return *p == '\0';
}

bool time_parse_rfc3339(const char *str, struct od_time *out)
{
    if (!str || !out)
        return false;
    const char *p = str;
    int y, mo, d, h, mi, s;
    if (!parse_date_time(&p, &y, &mo, &d, &h, &mi, &s, false))
        return false;

    int32_t nsec = 0;
    if (*p == '.' || *p == ',') {
        p++;
        int n = 0;
        int32_t scale = 100000000;
        while (*p >= '0' && *p <= '9') {
            if (n < 9) {
                nsec += (*p - '0') * scale;
                scale /= 10;
            }
            n++;
            p++;
        }
        if (n == 0)
            return false;
    }

    int offset = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1;
        p++;
        int oh, om;
        if (!digits(&p, 2, &oh))
            return false;
        if (*p == ':')
            p++;
        if (!digits(&p, 2, &om) || oh > 23 || om > 59)
            return false;
        offset = sign * (oh * 60 + om);
    } else {
        return false;
    }
    if (*p != '\0')
        return false;

    if (s == 60) /* leap second: the instant is the next second's start */
        s = 59, nsec = 999999999;
    int64_t days = time_days_from_civil(y, (unsigned)mo, (unsigned)d);
    out->sec = days * 86400 + h * 3600 + mi * 60 + s - (int64_t)offset * 60;
    out->nsec = nsec;
    out->offset_min = (int16_t)offset;
    out->valid = true;
    return true;
}

static void split(int64_t sec, int64_t *y, unsigned *mo, unsigned *d, int *h, int *mi,
                  int *s)
{
    int64_t days = sec / 86400;
    int64_t rem = sec % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    time_civil_from_days(days, y, mo, d);
    *h = (int)(rem / 3600);
    *mi = (int)(rem / 60 % 60);
    *s = (int)(rem % 60);
}

int time_format_rfc3339_utc(char *buf, size_t size, const struct od_time *t)
{
    if (!t->valid)
        return snprintf(buf, size, "%s", "");
    int64_t y;
    unsigned mo, d;
    int h, mi, s;
    split(t->sec, &y, &mo, &d, &h, &mi, &s);
    return snprintf(buf, size, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ", (long long)y, mo, d,
                    h, mi, s, (int)(t->nsec / 1000000));
}

int time_format_rfc3339_local(char *buf, size_t size, const struct od_time *t)
{
    if (!t->valid)
        return snprintf(buf, size, "%s", "");
    if (t->offset_min == 0)
        return time_format_rfc3339_utc(buf, size, t);
    int64_t y;
    unsigned mo, d;
    int h, mi, s;
    split(t->sec + (int64_t)t->offset_min * 60, &y, &mo, &d, &h, &mi, &s);
    int off = abs(t->offset_min);
    return snprintf(buf, size, "%04lld-%02u-%02uT%02d:%02d:%02d.%03d%c%02d:%02d", (long long)y,
                    mo, d, h, mi, s, (int)(t->nsec / 1000000), t->offset_min < 0 ? '-' : '+',
                    off / 60, off % 60);
}

int time_cmp(const struct od_time *a, const struct od_time *b)
{
    if (a->valid != b->valid)
        return a->valid ? 1 : -1;
    if (!a->valid)
        return 0;
    if (a->sec != b->sec)
        return a->sec < b->sec ? -1 : 1;
    if (a->nsec != b->nsec)
        return a->nsec < b->nsec ? -1 : 1;
    return 0;
}

int64_t time_to_ms(const struct od_time *t)
{
    return t->valid ? t->sec * 1000 + t->nsec / 1000000 : 0;
}

struct od_time time_from_ms(int64_t ms)
{
    struct od_time t = {0};
    int64_t sec = ms / 1000;
    int64_t rem = ms % 1000;
    if (rem < 0) {
        rem += 1000;
        sec--;
    }
    t.sec = sec;
    t.nsec = (int32_t)(rem * 1000000);
    t.valid = true;
    return t;
}
