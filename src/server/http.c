/* opsdeckd over libmicrohttpd.
 *
 * Why the thread-pool mode: a few workers, each with its own epoll loop over
 * its share of the connections. Reads (the hot path) are answered from
 * pre-built MHD responses of the pre-rendered documents under a read lock, so
 * they never touch SQLite and never wait for each other; a write blocks only
 * its own worker while SQLite fsyncs, and the other workers keep serving
 * reads. An external select loop would have serialised the fsync with every read.
 */
#include "opsdeck/srv_http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opsdeck/srv_api.h"
#include "opsdeck/srv_docs.h"
#include "opsdeck/strbuf.h"
#include "opsdeck/xalloc.h"

struct doc_responses {
    struct MHD_Response *plain, *gz, *not_modified, *not_modified_gz;
    size_t plain_len, gz_len;   /* for the log */
    char etag[48], etag_gz[48];
};

struct srv_http {
    struct MHD_Daemon *daemon;
    struct srv_app *app;
    struct srv_http_opts opts;
    pthread_rwlock_t docs_lock;     /* readers share; a publish swaps under the write lock */
    struct doc_responses docs[SRV_DOC__COUNT];
    unsigned long generation;       /* of the documents being served */
    unsigned port;
};

struct conn_ctx {
    struct strbuf body;
};

void srv_http_opts_default(struct srv_http_opts *o)
{
    o->listen = SRV_DEFAULT_LISTEN;
    /* one worker per CPU, 2 to 8: reads are CPU-bound lookups, writes wait on fsync */
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    o->threads = cpus < 2 ? 2 : cpus > 8 ? 8 : (unsigned)cpus;
    o->max_conn = 1000;
    o->max_conn_per_ip = 256;
    o->timeout_sec = 15;
    o->max_body = 256 * 1024;       /* 25,000 characters of UTF-8, form-encoded, fit */
    o->max_header = 32 * 1024;
}

int srv_parse_listen(const char *s, struct sockaddr_storage *out, socklen_t *len)
{
    char host[128];
    const char *colon;
    memset(out, 0, sizeof(*out));
    if (!s)
        return -1;
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close || close[1] != ':' || (size_t)(close - s - 1) >= sizeof(host))
            return -1;
        memcpy(host, s + 1, (size_t)(close - s - 1));
        host[close - s - 1] = '\0';
        colon = close + 1;
    } else {
        colon = strrchr(s, ':');
        if (!colon || (size_t)(colon - s) >= sizeof(host))
            return -1;
        memcpy(host, s, (size_t)(colon - s));
        host[colon - s] = '\0';
    }
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (colon[1] == '\0' || *end || port < 0 || port > 65535)
        return -1;
    struct sockaddr_in *v4 = (struct sockaddr_in *)out;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)out;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        *len = sizeof(*v4);
        return 0;
    }
    if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        *len = sizeof(*v6);
        return 0;
    }
    return -1;
}

/* ---- responses ---------------------------------------------------------- */

static void common_headers(struct MHD_Response *r)
{
    MHD_add_response_header(r, "Access-Control-Allow-Origin", "*");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
}

static struct MHD_Response *doc_response(const char *body, size_t len, const char *etag,
                                         bool gz)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body,
                                                             MHD_RESPMEM_MUST_COPY);
    if (!r)
        return NULL;
    MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
    MHD_add_response_header(r, "ETag", etag);
    MHD_add_response_header(r, "Vary", "Accept-Encoding");
    MHD_add_response_header(r, "Cache-Control", "no-cache");
    if (gz)
        MHD_add_response_header(r, "Content-Encoding", "gzip");
    common_headers(r);
    return r;
}

static struct MHD_Response *not_modified(const char *etag)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"",
                                                             MHD_RESPMEM_PERSISTENT);
    if (r) {
        MHD_add_response_header(r, "ETag", etag);
        MHD_add_response_header(r, "Vary", "Accept-Encoding");
        common_headers(r);
    }
    return r;
}

static void destroy_set(struct doc_responses *set)
{
    for (int i = 0; i < SRV_DOC__COUNT; i++) {
        struct MHD_Response **all[] = {&set[i].plain, &set[i].gz, &set[i].not_modified,
                                       &set[i].not_modified_gz};
        for (size_t k = 0; k < 4; k++)
            if (*all[k]) {
                MHD_destroy_response(*all[k]);  /* in-flight replies keep their reference */
                *all[k] = NULL;
            }
    }
}

static void publish(void *ud, struct srv_docs *docs)
{
    struct srv_http *h = ud;
    struct doc_responses fresh[SRV_DOC__COUNT], old[SRV_DOC__COUNT];
    memset(fresh, 0, sizeof(fresh));
    for (int i = 0; i < SRV_DOC__COUNT; i++) {
        const struct srv_doc *d = &docs->doc[i];
        snprintf(fresh[i].etag, sizeof(fresh[i].etag), "%s", d->etag);
        snprintf(fresh[i].etag_gz, sizeof(fresh[i].etag_gz), "%s", d->etag_gz);
        fresh[i].plain = doc_response(d->plain, d->plain_len, d->etag, false);
        fresh[i].plain_len = d->plain_len;
        fresh[i].gz_len = d->gz_len;
        if (d->gz)
            fresh[i].gz = doc_response(d->gz, d->gz_len, d->etag_gz, true);
        fresh[i].not_modified = not_modified(d->etag);
        fresh[i].not_modified_gz = not_modified(d->etag_gz);
    }
    unsigned long generation = docs->generation;
    srv_docs_free(docs);
    pthread_rwlock_wrlock(&h->docs_lock);
    bool newer = generation >= h->generation;   /* a later commit may have published first */
    if (newer) {
        memcpy(old, h->docs, sizeof(old));
        memcpy(h->docs, fresh, sizeof(fresh));
        h->generation = generation;
    }
    pthread_rwlock_unlock(&h->docs_lock);
    destroy_set(newer ? old : fresh);
}

/* ---- logging ------------------------------------------------------------ */

static void client_ip(struct MHD_Connection *c, char *buf, size_t size)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
                                                                 MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(buf, size, "-");
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf,
                  (socklen_t)size);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, buf,
                  (socklen_t)size);
}

/* Request text is hostile: printable ASCII only, bounded. */
static void safe_copy(char *out, size_t size, const char *in)
{
    size_t o = 0;
    for (; in && *in && o + 1 < size; in++)
        out[o++] = (*in > 0x20 && *in < 0x7f) ? *in : '?';
    out[o] = '\0';
}

static void log_request(struct MHD_Connection *c, const char *method, const char *url,
                        unsigned status, size_t bytes, const char *note)
{
    char ip[INET6_ADDRSTRLEN + 1], m[24], u[256];
    client_ip(c, ip, sizeof(ip));
    safe_copy(m, sizeof(m), method);
    safe_copy(u, sizeof(u), url);
    srv_log("%s \"%s %s\" %u %zu %s", ip, m, u, status, bytes, note && *note ? note : "-");
}

/* ---- handlers ----------------------------------------------------------- */

static enum MHD_Result queue_json(struct MHD_Connection *c, unsigned status, char *body,
                                  size_t len, const char *allow)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    if (allow)
        MHD_add_response_header(r, "Allow", allow);
    common_headers(r);
    enum MHD_Result rc = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result queue_error(struct MHD_Connection *c, const char *method, const char *url,
                                   unsigned status, const char *text, const char *allow)
{
    struct srv_reply reply;
    memset(&reply, 0, sizeof(reply));
    srv_reply_error(&reply, (int)status, "message", text);
    log_request(c, method, url, status, reply.len, NULL);
    return queue_json(c, status, reply.body, reply.len, allow);
}

static enum MHD_Result serve_doc(struct srv_http *h, struct MHD_Connection *c,
                                 const char *method, const char *url, int doc)
{
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return queue_error(c, method, url, 405, "the read API takes GET and HEAD", "GET, HEAD");
    const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
    const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Encoding");
    bool gz = srv_accepts_gzip(ae);
    pthread_rwlock_rdlock(&h->docs_lock);
    const struct doc_responses *d = &h->docs[doc];
    struct MHD_Response *r;
    unsigned status = 200;
    size_t bytes = 0;
    if (srv_etag_matches(inm, d->etag, d->etag_gz)) {
        status = 304;
        r = gz ? d->not_modified_gz : d->not_modified;
    } else {
        r = gz && d->gz ? d->gz : d->plain;
        gz = r == d->gz;
        bytes = gz ? d->gz_len : d->plain_len;
    }
    /* queued while the lock is held, so a publish cannot free it in between */
    enum MHD_Result rc = r ? MHD_queue_response(c, status, r) : MHD_NO;
    pthread_rwlock_unlock(&h->docs_lock);
    log_request(c, method, url, status, bytes, status == 200 && gz ? "gzip" : NULL);
    return rc;
}

static enum MHD_Result serve_api(struct srv_http *h, struct MHD_Connection *c,
                                 const char *method, const char *url, struct conn_ctx *ctx)
{
    struct srv_request req = {
        .method = method,
        .path = url,
        .api_key = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "api_key"),
        .authorization = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization"),
        .content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type"),
        .idempotency_key = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Idempotency-Key"),
        .body = strbuf_str(&ctx->body),
        .body_len = ctx->body.len,
    };
    struct srv_reply reply;
    srv_app_handle(h->app, &req, &reply);
    char note[STORE_TOKEN_NAME_MAX + 32];
    snprintf(note, sizeof(note), "token=%s%s", reply.actor[0] ? reply.actor : "-",
             reply.replayed ? " replayed" : "");
    log_request(c, method, url, (unsigned)reply.status, reply.len, note);
    if (reply.status >= 500)
        srv_log("error: %s %.300s", note, reply.body ? reply.body : "");
    char *body = reply.body;
    reply.body = NULL;
    return queue_json(c, (unsigned)reply.status, body, reply.len, reply.allow);
}

/* Marks a connection whose request is a read document (no allocation). */
static const int doc_marks[SRV_DOC__COUNT];

static bool is_doc_mark(const void *p)
{
    return p >= (const void *)doc_marks && p < (const void *)(doc_marks + SRV_DOC__COUNT);
}

/* MHD calls this once when the headers are in, again for each piece of body,
 * and once more at the end. Replies are queued only on the final call: a
 * reply queued on the first call makes MHD close the connection (no keep-alive). */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **con_cls)
{
    struct srv_http *h = cls;
    if (!*con_cls) {
        int doc = srv_doc_from_path(url);
        if (doc >= 0) {
            *con_cls = (void *)(uintptr_t)&doc_marks[doc];
            return MHD_YES;
        }
        if (strncmp(url, "/v1/", 4) != 0)
            return queue_error(c, method, url, 404, "no such endpoint (see opsdeckd(8) for the "
                                                    "API)", NULL);
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > h->opts.max_body)
            return queue_error(c, method, url, 413, "request body too large", NULL);
        struct conn_ctx *ctx = xcalloc(1, sizeof(*ctx));
        strbuf_init(&ctx->body, h->opts.max_body);
        *con_cls = ctx;
        return MHD_YES;
    }
    if (is_doc_mark(*con_cls)) {
        if (*upload_size) {
            *upload_size = 0;       /* a body on a read is ignored */
            return MHD_YES;
        }
        return serve_doc(h, c, method, url, (int)((const int *)*con_cls - doc_marks));
    }
    struct conn_ctx *ctx = *con_cls;
    if (*upload_size) {
        strbuf_append(&ctx->body, upload_data, *upload_size);  /* sets toobig past the cap */
        *upload_size = 0;
        return MHD_YES;
    }
    if (ctx->body.toobig)
        return queue_error(c, method, url, 413, "request body too large", NULL);
    return serve_api(h, c, method, url, ctx);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct conn_ctx *ctx = *con_cls;
    if (ctx && !is_doc_mark(ctx)) {
        strbuf_free(&ctx->body);
        free(ctx);
        *con_cls = NULL;
    }
}

static void mhd_logger(void *cls, const char *fmt, va_list ap)
{
    char line[512];
    vsnprintf(line, sizeof(line), fmt, ap);
    line[strcspn(line, "\n")] = '\0';
    srv_log("error: %s", line);
}

struct srv_http *srv_http_start(struct store *st, const struct srv_http_opts *o,
                                struct od_error *err)
{
    struct sockaddr_storage addr;
    socklen_t addr_len;
    if (srv_parse_listen(o->listen, &addr, &addr_len) < 0) {
        od_error_set(err, OD_USAGE, NULL, 0, 0, "--listen '%.80s' is not ADDR:PORT "
                                               "(like 127.0.0.1:8931 or [::1]:8931)", o->listen);
        return NULL;
    }
    struct srv_http *h = xcalloc(1, sizeof(*h));
    h->opts = *o;
    /* writer-preferring: under a steady stream of reads a publish must not starve */
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&h->docs_lock, &attr);
    pthread_rwlockattr_destroy(&attr);
    h->app = srv_app_new(st, publish, h, err);
    if (!h->app) {
        srv_http_stop(h);
        return NULL;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
    if (addr.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    h->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, h,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, h,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(o->threads ? o->threads : 1),
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)o->max_conn,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)o->max_conn_per_ip,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)o->timeout_sec,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)o->max_header,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)511,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
        MHD_OPTION_END);
    if (!h->daemon) {
        od_error_set(err, OD_NET, o->listen, 0, 0, "cannot listen (address in use, or not "
                                                   "allowed?)");
        srv_http_stop(h);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
    h->port = info ? info->port : 0;
    return h;
}

unsigned srv_http_port(const struct srv_http *h)
{
    return h->port;
}

void srv_http_stop(struct srv_http *h)
{
    if (!h)
        return;
    if (h->daemon)
        MHD_stop_daemon(h->daemon);
    srv_app_free(h->app);
    destroy_set(h->docs);
    pthread_rwlock_destroy(&h->docs_lock);
    free(h);
}
