/* Simple blocking fetch: libcurl easy for http(s), direct bounded reads for file://. */
#include "opsdeck/fetch_simple.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "opsdeck/cachet_codec.h"
#include "opsdeck/config.h"
#include "opsdeck/model.h"
#include "opsdeck/sp_codec.h"
#include "opsdeck/strbuf.h"
#include "opsdeck/text.h"
#include "opsdeck/xalloc.h"

#define DEFAULT_CONNECT_S 10
#define DEFAULT_TIMEOUT_S 30
#define DEFAULT_MAX_BODY  ((size_t)4 << 20)

/* URLs and system messages are made printable before they go into an error. */
static void set_error(struct od_error *err, enum od_status code, const char *url,
                      const char *what, const char *detail)
{
    char *src = text_sanitize(url ? url : "", url ? strlen(url) : 0, TEXT_SINGLE_LINE, 150);
    char *d = detail ? text_sanitize(detail, strlen(detail), TEXT_SINGLE_LINE, 200) : NULL;
    od_error_set(err, code, src, 0, 0, "%s%s%s", what, d && d[0] ? ": " : "", d ? d : "");
    free(src);
    free(d);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool fetch_file_url_path(const char *url, char *buf, size_t size)
{
    if (strncmp(url, "file://", 7) != 0 || size == 0)
        return false;
    const char *p = url + 7;
    if (strncmp(p, "localhost/", 10) == 0)
        p += 9;
    if (*p != '/')
        return false;       /* another host, or a relative path */
    size_t n = 0;
    for (; *p && *p != '?' && *p != '#'; p++) {
        char c = *p;
        if (c == '%') {
            int hi = hexval(p[1]), lo = hi >= 0 ? hexval(p[2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return false;
            c = (char)(hi * 16 + lo);
            p += 2;
        }
        if (n + 1 >= size)
            return false;
        buf[n++] = c;
    }
    buf[n] = '\0';
    return true;
}

enum od_status fetch_file(const char *path, size_t max_body, char **body, size_t *len,
                          struct od_error *err)
{
    *body = NULL;
    *len = 0;
    if (max_body == 0)
        max_body = DEFAULT_MAX_BODY;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        enum od_status code = errno == ENOENT ? OD_NOTFOUND : OD_IO;
        set_error(err, code, path, "cannot open", strerror(errno));
        return code;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        set_error(err, OD_IO, path, "not a regular file", NULL);
        return OD_IO;
    }
    if ((unsigned long long)st.st_size > max_body) {
        close(fd);
        char msg[96];
        snprintf(msg, sizeof(msg), "body larger than %zu bytes", max_body);
        set_error(err, OD_TOOBIG, path, msg, NULL);
        return OD_TOOBIG;
    }
    struct strbuf sb;
    strbuf_init(&sb, max_body);
    char chunk[16384];
    for (;;) {
        ssize_t r = read(fd, chunk, sizeof(chunk));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            close(fd);
            strbuf_free(&sb);
            set_error(err, OD_IO, path, "cannot read", strerror(e));
            return OD_IO;
        }
        if (r == 0)
            break;
        if (!strbuf_append(&sb, chunk, (size_t)r)) {   /* it grew while we read */
            close(fd);
            strbuf_free(&sb);
            char msg[96];
            snprintf(msg, sizeof(msg), "body larger than %zu bytes", max_body);
            set_error(err, OD_TOOBIG, path, msg, NULL);
            return OD_TOOBIG;
        }
    }
    close(fd);
    *body = strbuf_steal(&sb, len);
    od_error_clear(err);
    return OD_OK;
}

static size_t write_capped(char *data, size_t size, size_t nmemb, void *ud)
{
    struct strbuf *sb = ud;
    size_t n = size * nmemb;
    if (!strbuf_append(sb, data, n))
        return 0;   /* CURLE_WRITE_ERROR; sb->toobig says why */
    return n;
}

static enum od_status fetch_http(const char *url, const struct fetch_options *opt, char **body,
                                 size_t *len, struct od_error *err)
{
    size_t cap = opt && opt->max_body ? opt->max_body : DEFAULT_MAX_BODY;
    long connect_s = opt && opt->connect_timeout_s > 0 ? opt->connect_timeout_s : DEFAULT_CONNECT_S;
    long total_s = opt && opt->timeout_s > 0 ? opt->timeout_s : DEFAULT_TIMEOUT_S;
    if (connect_s > total_s)
        connect_s = total_s;
    CURL *h = curl_easy_init();
    if (!h) {
        set_error(err, OD_NET, url, "cannot start a transfer", NULL);
        return OD_NET;
    }
    struct strbuf sb;
    strbuf_init(&sb, cap);
    char errbuf[CURL_ERROR_SIZE] = "";
    char ua[64];
    snprintf(ua, sizeof(ua), "opsdeck/%s", OPSDECK_VERSION);
    struct curl_slist *hdr = curl_slist_append(NULL, "Accept: application/json");

    curl_easy_setopt(h, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, connect_s);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, total_s);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (opt && opt->ca_file)
        curl_easy_setopt(h, CURLOPT_CAINFO, opt->ca_file);
    curl_easy_setopt(h, CURLOPT_USERAGENT, opt && opt->user_agent ? opt->user_agent : ua);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");   /* the cap counts decoded bytes */
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_capped);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &sb);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);

    CURLcode rc = curl_easy_perform(h);
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(h);
    curl_slist_free_all(hdr);

    enum od_status st = OD_OK;
    if (rc == CURLE_WRITE_ERROR && sb.toobig) {
        char msg[96];
        snprintf(msg, sizeof(msg), "body larger than %zu bytes", cap);
        set_error(err, st = OD_TOOBIG, url, msg, NULL);
    } else if (rc == CURLE_OPERATION_TIMEDOUT) {
        char msg[64];
        snprintf(msg, sizeof(msg), "timed out after %ld s", total_s);
        set_error(err, st = OD_NET, url, msg, errbuf[0] ? errbuf : NULL);
    } else if (rc != CURLE_OK) {
        set_error(err, st = OD_NET, url, curl_easy_strerror(rc), errbuf[0] ? errbuf : NULL);
    } else if (code >= 400 || code < 100) {
        char msg[32];
        snprintf(msg, sizeof(msg), "HTTP %ld", code);
        set_error(err, st = code == 404 || code == 410 ? OD_NOTFOUND : OD_HTTP, url, msg, NULL);
    }
    if (st != OD_OK) {
        strbuf_free(&sb);
        *body = NULL;
        *len = 0;
        return st;
    }
    *body = strbuf_steal(&sb, len);
    od_error_clear(err);
    return OD_OK;
}

enum od_status fetch_document(const char *url, const struct fetch_options *opt, char **body,
                              size_t *len, struct od_error *err)
{
    *body = NULL;
    *len = 0;
    if (strncmp(url, "file://", 7) == 0) {
        char path[4096];
        if (!fetch_file_url_path(url, path, sizeof(path))) {
            set_error(err, OD_INVALID, url, "not a local file:// URL", NULL);
            return OD_INVALID;
        }
        enum od_status st = fetch_file(path, opt ? opt->max_body : 0, body, len, err);
        if (st != OD_OK) {      /* name the URL, as for http */
            char *src = text_sanitize(url, strlen(url), TEXT_SINGLE_LINE, 150);
            snprintf(err->source, sizeof(err->source), "%s", src);
            free(src);
        }
        return st;
    }
    if (strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0)
        return fetch_http(url, opt, body, len, err);
    set_error(err, OD_INVALID, url, "unsupported URL scheme (expected http, https or file)",
              NULL);
    return OD_INVALID;
}

/* BASE + "/api/vN/" + doc, unless BASE already ends in /api/vN. */
char *fetch_doc_url(const char *base, const char *api, const char *doc)
{
    size_t n = strlen(base);
    while (n > 0 && base[n - 1] == '/')
        n--;
    size_t tl = strlen(api);
    bool has = n >= tl && strncmp(base + n - tl, api, tl) == 0;
    return xasprintf("%.*s%s%s", (int)n, base, has ? "" : api, doc);
}

#define CACHET_MAX_PAGES 20

/* Cachet: components (required), groups, incidents, schedules; each followed
 * through its pages (http only: a file:// capture is one page, read from
 * PATH.json since "components" is both a document and a directory) up to
 * CACHET_MAX_PAGES, building the next URL from our own base. */
static struct snapshot *fetch_cachet(const struct config_feed *feed,
                                     const struct fetch_options *opt, struct od_error *err)
{
    static const enum cachet_doc docs[] = {CACHET_DOC_COMPONENTS, CACHET_DOC_GROUPS,
                                           CACHET_DOC_INCIDENTS, CACHET_DOC_SCHEDULES};
    bool local = strncmp(feed->url, "file://", 7) == 0;
    struct cachet_reader *r = cachet_reader_new(feed->time_zone);
    bool failed = false, have_components = false;
    for (size_t i = 0; i < ARRAY_SIZE(docs) && !failed; i++) {
        /* cachet_doc_path is "/api/v1/components": strip the /api/v1 for doc_url */
        const char *path = cachet_doc_path(docs[i]) + strlen("/api/v1");
        for (int page = 1; page <= CACHET_MAX_PAGES; page++) {
            char *base = fetch_doc_url(feed->url, "/api/v1", path);
            char *url = local ? xasprintf("%s.json", base) : xasprintf("%s?page=%d", base, page);
            free(base);
            char *body = NULL;
            size_t len = 0;
            struct od_error e;
            od_error_clear(&e);
            struct cachet_pagination pg = {0};
            enum od_status st = fetch_document(url, opt, &body, &len, &e);
            if (st == OD_OK) {
                char *src = text_sanitize(url, strlen(url), TEXT_SINGLE_LINE, 150);
                st = cachet_reader_add(r, docs[i], body, len, src, &pg, &e);
                free(src);
            }
            free(body);
            free(url);
            if (st == OD_NOTFOUND && i > 0 && page == 1)
                break;      /* an optional endpoint this server does not have */
            if (st != OD_OK) {
                *err = e;
                failed = true;
                break;
            }
            if (i == 0)
                have_components = true;
            if (local || !cachet_pagination_has_next(&pg))
                break;
        }
    }
    struct snapshot *s = have_components ? cachet_reader_snapshot(r) : NULL;
    cachet_reader_free(r);
    return s;
}

struct snapshot *fetch_feed(const struct config_feed *feed, struct od_error *err)
{
    od_error_clear(err);
    struct fetch_options opt = {
        .connect_timeout_s = feed->timeout < 10 ? feed->timeout : 10,
        .timeout_s = feed->timeout,
        .max_body = feed->max_body,
        .ca_file = feed->ca_file,
    };
    if (feed->kind == FEED_CACHET)
        return fetch_cachet(feed, &opt, err);
    static const struct {
        const char *name;
        enum sp_doc doc;
    } docs[] = {
        {"/summary.json", SP_DOC_SUMMARY},
        {"/incidents.json", SP_DOC_INCIDENTS},
        {"/scheduled-maintenances.json", SP_DOC_MAINTENANCES},
    };
    struct snapshot *acc = NULL;
    for (size_t i = 0; i < ARRAY_SIZE(docs); i++) {
        if (i > 0 && feed->summary_only)
            break;
        char *url = fetch_doc_url(feed->url, "/api/v2", docs[i].name);
        char *body = NULL;
        size_t len = 0;
        struct od_error e;
        od_error_clear(&e);
        struct snapshot *s = NULL;
        if (fetch_document(url, &opt, &body, &len, &e) == OD_OK) {
            char *src = text_sanitize(url, strlen(url), TEXT_SINGLE_LINE, 150);
            s = sp_read(body, len, docs[i].doc, src, &e);
            free(src);
        }
        free(body);
        free(url);
        if (!s && i > 0 && e.code == OD_NOTFOUND)
            continue;       /* an optional document this feed does not have */
        if (!s) {
            *err = e;
            return acc;     /* NULL when summary.json failed */
        }
        if (!acc) {
            acc = s;
        } else {
            struct snapshot *m = snapshot_merge(acc, s);
            snapshot_free(acc);
            snapshot_free(s);
            acc = m;
        }
    }
    return acc;
}
