/* opsdeckd's HTTP side: libmicrohttpd, limits, the read path, request logging. */
#ifndef OPSDECK_SRV_HTTP_H
#define OPSDECK_SRV_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include "opsdeck/attrs.h"
#include "opsdeck/error.h"
#include "opsdeck/srv_store.h"

#define SRV_DEFAULT_LISTEN "127.0.0.1:8931"

struct srv_http_opts {
    const char *listen;         /* "ADDR:PORT", "[v6]:PORT"; port 0 picks a free one */
    unsigned threads;           /* worker threads (thread pool) */
    unsigned max_conn;          /* connections in total */
    unsigned max_conn_per_ip;
    unsigned timeout_sec;       /* idle connection timeout */
    size_t max_body;            /* request body cap (413 past it) */
    size_t max_header;          /* per-connection memory for headers (431 past it) */
};
void srv_http_opts_default(struct srv_http_opts *o);

/* "127.0.0.1:8931", "[::1]:0" → socket address; -1 on a bad form. */
int srv_parse_listen(const char *s, struct sockaddr_storage *out, socklen_t *len);

struct srv_http;

/* Open the store's app, bind and start serving. NULL with err on failure. */
OD_NODISCARD struct srv_http *srv_http_start(struct store *st, const struct srv_http_opts *o,
                                             struct od_error *err);
unsigned srv_http_port(const struct srv_http *h);
void srv_http_stop(struct srv_http *h);

/* One line per request and per error: stderr, or syslog after srv_log_use_syslog(). */
void srv_log_use_syslog(bool on);
void srv_log_quiet(bool on);
OD_PRINTF(1, 2) void srv_log(const char *fmt, ...);

#endif
