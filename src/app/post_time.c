/* Typed times in any configured zone → instants. */
#include "opsdeck/post_time.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "opsdeck/tz.h"

/* The offset (seconds east) an abbreviation stands for in one of the zones,
 * looking at several times of year so both PST and PDT are found. */
static bool abbr_offset(const char *abbr, const char *const *zones, size_t n, int64_t now,
                        int *offset)
{
    if (strcasecmp(abbr, "UTC") == 0 || strcasecmp(abbr, "GMT") == 0 ||
        strcasecmp(abbr, "Z") == 0) {
        *offset = 0;
        return true;
    }
    static const int64_t day = 86400;
    const int64_t probes[] = {0, 91 * day, 182 * day, 273 * day, -91 * day, -182 * day};
    for (size_t z = 0; z < n; z++)
        for (size_t i = 0; i < ARRAY_SIZE(probes); i++) {
            struct tz_local l;
            if (tz_localtime(zones[z], now + probes[i], &l) && strcasecmp(l.abbr, abbr) == 0) {
                *offset = l.gmtoff;
                return true;
            }
        }
    return false;
}

static enum od_status fail(struct od_error *err, const char *text, const char *why)
{
    return od_error_set(err, OD_INVALID, NULL, 0, 0,
                        "cannot read the time \"%.60s\": %s (write 2026-12-01 22:00 "
                        "Europe/London, 22:00 PDT, 1300 BST or 2026-12-01T22:00:00Z)",
                        text, why);
}

enum od_status post_time_parse(const char *text, const char *const *zones, size_t n_zones,
                               int64_t now, struct od_time *out, struct od_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!text || strlen(text) > 100)
        return fail(err, text ? text : "", "too long");
    while (*text == ' ')
        text++;
    if (time_parse_rfc3339(text, out))
        return OD_OK;

    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, used = 0;
    bool has_date = false;
    const char *rest;
    if (sscanf(text, "%4d-%2d-%2d %2d:%2d%n", &y, &mo, &d, &h, &mi, &used) == 5) {
        has_date = true;
        rest = text + used;
        if (sscanf(rest, ":%2d%n", &s, &used) == 1)
            rest += used;
    } else if (sscanf(text, "%2d:%2d%n", &h, &mi, &used) == 2) {
        rest = text + used;
    } else if (isdigit((unsigned char)text[0]) && isdigit((unsigned char)text[1]) &&
               isdigit((unsigned char)text[2]) && isdigit((unsigned char)text[3]) &&
               (text[4] == ' ' || text[4] == '\0')) {
        h = (text[0] - '0') * 10 + (text[1] - '0');
        mi = (text[2] - '0') * 10 + (text[3] - '0');
        rest = text + 4;
    } else {
        return fail(err, text, "not a date and time");
    }
    if (h > 23 || mi > 59 || s > 59)
        return fail(err, text, "hour or minute out of range");
    while (*rest == ' ')
        rest++;
    char zone[72] = "";
    if (*rest) {
        if (strlen(rest) >= sizeof(zone) || strchr(rest, ' '))
            return fail(err, text, "unexpected text after the time");
        strcpy(zone, rest);
    }
    const char *iana = NULL;
    int offset = 0;
    bool fixed = false;
    if (!zone[0]) {
        iana = n_zones ? zones[0] : "UTC";
    } else if (strchr(zone, '/') || strcmp(zone, "UTC") == 0) {
        if (!tz_valid(zone) && strcmp(zone, "UTC") != 0)
            return fail(err, text, "unknown time zone");
        iana = zone;
    } else if (abbr_offset(zone, zones, n_zones, now, &offset)) {
        fixed = true;
    } else if (tz_valid(zone)) {
        iana = zone;
    } else {
        return fail(err, text, "unknown zone or abbreviation (abbreviations must be used "
                               "by one of the configured timezones)");
    }
    if (!has_date) {
        /* today, in that zone */
        struct tz_local l;
        if (fixed) {
            int64_t days = (now + offset) / 86400;
            if ((now + offset) % 86400 < 0)
                days--;
            int64_t yy;
            unsigned mm, dd;
            time_civil_from_days(days, &yy, &mm, &dd);
            y = (int)yy;
            mo = (int)mm;
            d = (int)dd;
        } else {
            tz_localtime(iana, now, &l);
            y = l.year;
            mo = l.mon;
            d = l.day;
        }
    }
    char check[40];
    snprintf(check, sizeof(check), "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, s);
    struct od_time naive;
    if (!time_parse_rfc3339(check, &naive))
        return fail(err, text, "no such date");
    if (fixed) {
        *out = naive;
        out->sec -= offset;
        out->offset_min = (int16_t)(offset / 60);
        return OD_OK;
    }
    if (!tz_from_local(iana, y, mo, d, h, mi, s, out))
        return fail(err, text, "unknown time zone");
    return OD_OK;
}
