/* One post request over libcurl, with the token kept out of everything we print. */
#include "opsdeck/post_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/config.h"
#include "opsdeck/strbuf.h"
#include "opsdeck/token.h"
#include "opsdeck/xalloc.h"

struct post_http {
    CURL *easy;
    struct curl_slist *headers;
    char *body;                 /* our copy of the request body */
    struct strbuf response;
    char errbuf[CURL_ERROR_SIZE];
};

static size_t on_data(char *data, size_t size, size_t n, void *ud)
{
    struct post_http *h = ud;
    size_t len = size * n;
    /* past the cap the transfer fails (CURLE_WRITE_ERROR) instead of growing */
    return strbuf_append(&h->response, data, len) ? len : 0;
}

static void add_header(struct post_http *h, const char *name, const char *value)
{
    char *line = xasprintf("%s: %s", name, value);
    h->headers = curl_slist_append(h->headers, line);
    token_wipe(line, strlen(line));
    free(line);
}

struct post_http *post_http_new(const struct post_request *req, const char *token,
                                const struct config_feed *feed, CURL **easy)
{
    CURL *c = curl_easy_init();
    *easy = c;
    if (!c)
        return NULL;
    struct post_http *h = xcalloc(1, sizeof(*h));
    h->easy = c;
    strbuf_init(&h->response, POST_HTTP_MAX_RESPONSE);
    curl_easy_setopt(c, CURLOPT_URL, req->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    long timeout = feed && feed->timeout > 0 ? feed->timeout : 30;
    curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, timeout < 10 ? timeout : 10L);
    if (feed && feed->ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, feed->ca_file);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "opsdeck/" OPSDECK_VERSION);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, h);

    add_header(h, "Accept", "application/json");
    add_header(h, "Expect", "");
    if (req->content_type)
        add_header(h, "Content-Type", req->content_type);
    if (req->idempotency_key[0])
        add_header(h, "Idempotency-Key", req->idempotency_key);
    if (req->auth_header && token && *token) {
        char *value = xasprintf("%s%s", req->auth_scheme ? req->auth_scheme : "", token);
        add_header(h, req->auth_header, value);
        token_wipe(value, strlen(value));
        free(value);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h->headers);

    if (strcmp(req->method, "GET") == 0) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else {
        h->body = xmalloc(req->body_len + 1);
        if (req->body_len)
            memcpy(h->body, req->body, req->body_len);
        h->body[req->body_len] = '\0';
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, h->body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
        if (strcmp(req->method, "POST") != 0)
            curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
    }
    return h;
}

long post_http_finish(struct post_http *h, CURLcode rc, char **body, size_t *len,
                      long *retry_after, char *net_error, size_t net_error_size)
{
    *body = NULL;
    *len = 0;
    *retry_after = 0;
    if (net_error_size)
        net_error[0] = '\0';
    if (rc != CURLE_OK) {
        if (rc == CURLE_WRITE_ERROR && h->response.toobig)
            snprintf(net_error, net_error_size, "response larger than %u bytes",
                     POST_HTTP_MAX_RESPONSE);
        else
            snprintf(net_error, net_error_size, "%s",
                     h->errbuf[0] ? h->errbuf : curl_easy_strerror(rc));
        return 0;
    }
    long status = 0;
    curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &status);
    curl_off_t ra = 0;
    if (curl_easy_getinfo(h->easy, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
        *retry_after = ra > 86400 ? 86400 : (long)ra;
    *body = strbuf_steal(&h->response, len);
    return status;
}

void post_http_free(struct post_http *h)
{
    if (!h)
        return;
    curl_easy_cleanup(h->easy);
    for (struct curl_slist *s = h->headers; s; s = s->next)
        token_wipe(s->data, strlen(s->data));
    curl_slist_free_all(h->headers);
    free(h->body);
    strbuf_free(&h->response);
    free(h);
}

long post_http_perform(void *ud, const struct post_request *req, const char *token, char **body,
                       size_t *len, long *retry_after, char *net_error, size_t net_error_size)
{
    CURL *easy;
    struct post_http *h = post_http_new(req, token, ud, &easy);
    if (!h) {
        *body = NULL;
        *len = 0;
        snprintf(net_error, net_error_size, "cannot create a libcurl handle");
        return 0;
    }
    CURLcode rc = curl_easy_perform(easy);
    long status = post_http_finish(h, rc, body, len, retry_after, net_error, net_error_size);
    post_http_free(h);
    return status;
}
