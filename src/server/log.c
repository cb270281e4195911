/* opsdeckd's log: one line per request and per error, to stderr or syslog. */
#include "opsdeck/srv_http.h"

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>

static bool use_syslog;
static bool quiet;

void srv_log_use_syslog(bool on)
{
    use_syslog = on;
    if (on)
        openlog("opsdeckd", LOG_PID, LOG_DAEMON);
}

void srv_log_quiet(bool on)
{
    quiet = on;
}

void srv_log(const char *fmt, ...)
{
    if (quiet)
        return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (use_syslog) {
        syslog(LOG_INFO, "%s", line);
        return;
    }
    struct timespec ts;
    struct tm tm;
    char stamp[32];
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
    /* one fprintf: stdio locks the stream, so lines from workers never mix */
    fprintf(stderr, "%s %s\n", stamp, line);
}
