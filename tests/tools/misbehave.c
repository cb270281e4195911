/* misbehave: a loopback HTTP/1.1 server that fails on purpose, for the fetch
 * engine's fault tests and its benchmark.
 *
 *   misbehave --summary FILE [--alt FILE] [--control FILE] [--lifetime S]
 *
 * Listens on 127.0.0.1:<free port>, prints the port on stdout, and exits after
 * --lifetime seconds (default 120) or on SIGTERM/SIGINT. One process, one
 * poll(2) loop, keep-alive connections (so it can serve 500 feeds at once).
 *
 * URL: /FEED/api/v2/summary.json (any FEED name). Other documents are 404.
 * What FEED gets is its mode, read from the control file (lines "FEED MODE";
 * re-read when the file changes; "* MODE" sets the default):
 *   ok         200, the --summary body with the page name replaced by FEED,
 *              an ETag, and 304 to a matching If-None-Match
 *   alt        the same from the --alt body (to make a change)
 *   500        HTTP 500
 *   429        HTTP 429 with Retry-After: 2
 *   hang       read the request, never answer
 *   drip       headers, then one body byte every 500 ms
 *   truncated  Content-Length 5000, 100 bytes, close
 *   badjson    200 with invalid JSON
 *   wrongshape 200 with valid JSON that is not a summary
 *   huge       200, 50 MiB, no Content-Length (ends with the connection)
 *   redirect   302 to itself
 *   nonutf8    200 with a summary whose strings hold invalid UTF-8 and escapes
 * Requests are counted per feed; "GET /_count/FEED" answers the count.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONN   2048
#define MAX_FEEDS  2048
#define HUGE_BYTES ((size_t)50 << 20)

struct conn {
    int fd;
    char in[8192];
    size_t in_len;
    char *out;              /* owned */
    size_t out_len, out_off;
    bool close_after;
    bool hang;
    bool drip;              /* one byte per tick from a never-ending body */
    size_t huge_left;       /* bytes of 'x' still to send */
    int64_t next_drip;
};

struct feedmode {
    char name[64];
    char mode[16];
    unsigned long count;
};

static struct conn conns[MAX_CONN];
static struct feedmode feeds[MAX_FEEDS];
static size_t n_feeds;
static char default_mode[16] = "ok";
static const char *control_path;
static struct timespec control_mtime;
static char *summary, *alt;
static size_t summary_len, alt_len;
static volatile sig_atomic_t stop;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (!b || fread(b, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        free(b);
        return NULL;
    }
    fclose(f);
    b[n] = '\0';
    *len = (size_t)n;
    return b;
}

static struct feedmode *feed(const char *name)
{
    for (size_t i = 0; i < n_feeds; i++)
        if (strcmp(feeds[i].name, name) == 0)
            return &feeds[i];
    if (n_feeds == MAX_FEEDS)
        return &feeds[0];
    struct feedmode *f = &feeds[n_feeds++];
    snprintf(f->name, sizeof(f->name), "%s", name);
    f->mode[0] = '\0';
    return f;
}

static void read_control(void)
{
    struct stat st;
    if (!control_path || stat(control_path, &st) != 0)
        return;
    if (st.st_mtim.tv_sec == control_mtime.tv_sec && st.st_mtim.tv_nsec == control_mtime.tv_nsec)
        return;
    control_mtime = st.st_mtim;
    FILE *f = fopen(control_path, "r");
    if (!f)
        return;
    for (size_t i = 0; i < n_feeds; i++)
        feeds[i].mode[0] = '\0';
    snprintf(default_mode, sizeof(default_mode), "ok");
    char name[64], mode[16];
    while (fscanf(f, "%63s %15s", name, mode) == 2) {
        if (strcmp(name, "*") == 0)
            snprintf(default_mode, sizeof(default_mode), "%s", mode);
        else
            snprintf(feed(name)->mode, sizeof(feed(name)->mode), "%s", mode);
    }
    fclose(f);
}

static void set_out(struct conn *c, char *buf, size_t len)
{
    free(c->out);
    c->out = buf;
    c->out_len = len;
    c->out_off = 0;
}

static void respond(struct conn *c, int code, const char *reason, const char *extra,
                    const char *body, size_t len, bool with_length)
{
    size_t cap = len + 512 + (extra ? strlen(extra) : 0);
    char *b = malloc(cap);
    int n = snprintf(b, cap, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n%s", code,
                     reason, extra ? extra : "");
    if (with_length)
        n += snprintf(b + n, cap - (size_t)n, "Content-Length: %zu\r\n", len);
    n += snprintf(b + n, cap - (size_t)n, "%s\r\n", c->close_after ? "Connection: close\r\n" : "");
    memcpy(b + n, body, len);
    set_out(c, b, (size_t)n + len);
}

/* The summary body with the page's name set to the feed's name. */
static char *feed_body(const char *base, size_t base_len, const char *name, size_t *len)
{
    const char *key = strstr(base, "\"name\":\"");
    if (!key) {
        *len = base_len;
        char *b = malloc(base_len + 1);
        memcpy(b, base, base_len + 1);
        return b;
    }
    const char *v = key + 8, *end = strchr(v, '"');
    size_t nl = strlen(name);
    *len = base_len - (size_t)(end - v) + nl;
    char *b = malloc(*len + 1);
    size_t pre = (size_t)(v - base);
    memcpy(b, base, pre);
    memcpy(b + pre, name, nl);
    memcpy(b + pre + nl, end, base_len - (size_t)(end - base) + 1);
    return b;
}

static uint64_t fnv(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
    return h;
}

static void handle_request(struct conn *c, const char *req, size_t req_len)
{
    char method[8], path[512];
    if (sscanf(req, "%7s %511s", method, path) != 2) {
        c->close_after = true;
        respond(c, 400, "Bad Request", NULL, "{}", 2, true);
        return;
    }
    const char *inm = NULL;
    char inm_buf[128] = "";
    for (const char *p = req; p && p < req + req_len; p = strchr(p, '\n')) {
        if (*p == '\n')
            p++;
        if (strncasecmp(p, "If-None-Match:", 14) == 0) {
            sscanf(p + 14, " %127[^\r\n]", inm_buf);
            inm = inm_buf;
        }
        if (strncasecmp(p, "Connection: close", 17) == 0)
            c->close_after = true;
    }
    read_control();
    if (strncmp(path, "/_count/", 8) == 0) {
        char b[64];
        int n = snprintf(b, sizeof(b), "%lu\n", feed(path + 8)->count);
        respond(c, 200, "OK", NULL, b, (size_t)n, true);
        return;
    }
    char name[64];
    const char *slash = strchr(path + 1, '/');
    size_t nl = slash ? (size_t)(slash - path - 1) : 0;
    if (!slash || nl == 0 || nl >= sizeof(name) || strcmp(slash, "/api/v2/summary.json") != 0) {
        respond(c, 404, "Not Found", NULL, "{\"error\":\"not found\"}", 21, true);
        return;
    }
    memcpy(name, path + 1, nl);
    name[nl] = '\0';
    struct feedmode *f = feed(name);
    f->count++;
    const char *mode = f->mode[0] ? f->mode : default_mode;

    if (strcmp(mode, "ok") == 0 || strcmp(mode, "alt") == 0) {
        bool is_alt = strcmp(mode, "alt") == 0 && alt;
        size_t len;
        char *body = feed_body(is_alt ? alt : summary, is_alt ? alt_len : summary_len, name, &len);
        char etag[64], extra[128];
        snprintf(etag, sizeof(etag), "\"%016llx\"", (unsigned long long)fnv(body, len));
        snprintf(extra, sizeof(extra), "ETag: %s\r\nCache-Control: max-age=0\r\n", etag);
        if (inm && strcmp(inm, etag) == 0)
            respond(c, 304, "Not Modified", extra, "", 0, false);
        else
            respond(c, 200, "OK", extra, body, len, true);
        free(body);
    } else if (strcmp(mode, "500") == 0) {
        respond(c, 500, "Internal Server Error", NULL, "oops", 4, true);
    } else if (strcmp(mode, "429") == 0) {
        respond(c, 429, "Too Many Requests", "Retry-After: 2\r\n", "slow down", 9, true);
    } else if (strcmp(mode, "hang") == 0) {
        c->hang = true;
    } else if (strcmp(mode, "drip") == 0) {
        c->close_after = true;
        respond(c, 200, "OK", NULL, "", 0, false);
        c->out_len -= 2;    /* keep the header block open: Content-Length follows */
        static const char more[] = "Content-Length: 100000\r\n\r\n";
        char *b = malloc(c->out_len + sizeof(more));
        memcpy(b, c->out, c->out_len);
        memcpy(b + c->out_len, more, sizeof(more) - 1);
        set_out(c, b, c->out_len + sizeof(more) - 1);
        c->drip = true;
        c->next_drip = now_ms() + 500;
    } else if (strcmp(mode, "truncated") == 0) {
        c->close_after = true;
        char part[100];
        memset(part, ' ', sizeof(part));
        memcpy(part, "{\"page\":{\"id\":\"x\"", 17);
        respond(c, 200, "OK", "Content-Length: 5000\r\n", part, sizeof(part), false);
    } else if (strcmp(mode, "badjson") == 0) {
        static const char b[] = "{\"page\": {\"id\": \"x\", \"name\": [1, 2,,]}";
        respond(c, 200, "OK", NULL, b, sizeof(b) - 1, true);
    } else if (strcmp(mode, "wrongshape") == 0) {
        static const char b[] = "{\"page\": 42, \"components\": \"none\"}";
        respond(c, 200, "OK", NULL, b, sizeof(b) - 1, true);
    } else if (strcmp(mode, "huge") == 0) {
        c->close_after = true;
        respond(c, 200, "OK", NULL, "", 0, false);
        c->huge_left = HUGE_BYTES;
    } else if (strcmp(mode, "redirect") == 0) {
        char extra[600];
        snprintf(extra, sizeof(extra), "Location: %s\r\n", path);
        respond(c, 302, "Found", extra, "", 0, true);
    } else if (strcmp(mode, "nonutf8") == 0) {
        static const char b[] =
            "{\"page\":{\"id\":\"x\",\"name\":\"bad \xff\xfe\xc3 name \x1b[31m\"},"
            "\"status\":{\"indicator\":\"minor\",\"description\":\"\xed\xa0\x80\"},"
            "\"components\":[{\"id\":\"c1\",\"name\":\"Mail \xc0\xaf\",\"status\":\"major_outage\"}],"
            "\"incidents\":[],\"scheduled_maintenances\":[]}";
        respond(c, 200, "OK", NULL, b, sizeof(b) - 1, true);
    } else {
        respond(c, 400, "Bad Request", NULL, "unknown mode", 12, true);
    }
}

static void close_conn(struct conn *c)
{
    close(c->fd);
    free(c->out);
    memset(c, 0, sizeof(*c));
    c->fd = -1;
}

/* Serve what is buffered; false when the connection is done. */
static bool pump(struct conn *c)
{
    while (c->out && c->out_off < c->out_len) {
        ssize_t w = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
        if (w < 0)
            return errno == EAGAIN || errno == EINTR;
        c->out_off += (size_t)w;
    }
    if (c->huge_left) {
        static char chunk[65536];
        if (!chunk[0])
            memset(chunk, 'x', sizeof(chunk));
        while (c->huge_left) {
            size_t n = c->huge_left < sizeof(chunk) ? c->huge_left : sizeof(chunk);
            ssize_t w = send(c->fd, chunk, n, MSG_NOSIGNAL);
            if (w < 0)
                return errno == EAGAIN || errno == EINTR;
            c->huge_left -= (size_t)w;
        }
        return false;
    }
    if (c->drip || c->hang)
        return true;
    if (c->out && c->out_off == c->out_len) {
        free(c->out);
        c->out = NULL;
        if (c->close_after)
            return false;
    }
    return true;
}

static bool on_readable(struct conn *c)
{
    ssize_t r = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len - 1, 0);
    if (r == 0)
        return false;
    if (r < 0)
        return errno == EAGAIN || errno == EINTR;
    c->in_len += (size_t)r;
    c->in[c->in_len] = '\0';
    if (c->hang || c->drip)
        return true;
    char *end;
    while (!c->out && (end = strstr(c->in, "\r\n\r\n"))) {
        size_t req_len = (size_t)(end + 4 - c->in);
        handle_request(c, c->in, req_len);
        memmove(c->in, c->in + req_len, c->in_len - req_len + 1);
        c->in_len -= req_len;
        if (!pump(c))
            return false;
        if (c->hang || c->drip)
            return true;
    }
    if (c->in_len >= sizeof(c->in) - 1)
        return false;
    return true;
}

static void on_stop(int sig)
{
    (void)sig;
    stop = 1;
}

int main(int argc, char **argv)
{
    int lifetime = 120;
    const char *summary_path = NULL, *alt_path = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--summary") == 0)
            summary_path = argv[i + 1];
        else if (strcmp(argv[i], "--alt") == 0)
            alt_path = argv[i + 1];
        else if (strcmp(argv[i], "--control") == 0)
            control_path = argv[i + 1];
        else if (strcmp(argv[i], "--lifetime") == 0)
            lifetime = atoi(argv[i + 1]);
    }
    if (!summary_path || !(summary = slurp(summary_path, &summary_len))) {
        fputs("usage: misbehave --summary FILE [--alt FILE] [--control FILE] [--lifetime S]\n",
              stderr);
        return 2;
    }
    if (alt_path && !(alt = slurp(alt_path, &alt_len))) {
        fprintf(stderr, "misbehave: cannot read %s\n", alt_path);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    signal(SIGTERM, on_stop);
    signal(SIGINT, on_stop);
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof(a);
    if (bind(ls, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(ls, 1024) != 0 ||
        getsockname(ls, (struct sockaddr *)&a, &al) != 0) {
        perror("misbehave: listen");
        return 1;
    }
    printf("%d\n", ntohs(a.sin_port));
    fflush(stdout);
    for (int i = 0; i < MAX_CONN; i++)
        conns[i].fd = -1;
    int64_t deadline = now_ms() + (int64_t)lifetime * 1000;
    static struct pollfd pfd[MAX_CONN + 1];
    static int idx[MAX_CONN + 1];
    while (!stop && now_ms() < deadline) {
        size_t n = 0;
        pfd[n].fd = ls;
        pfd[n].events = POLLIN;
        idx[n++] = -1;
        int64_t wait = deadline - now_ms();
        for (int i = 0; i < MAX_CONN; i++) {
            struct conn *c = &conns[i];
            if (c->fd < 0)
                continue;
            pfd[n].fd = c->fd;
            pfd[n].events = POLLIN;
            if ((c->out && c->out_off < c->out_len) || c->huge_left)
                pfd[n].events |= POLLOUT;
            idx[n++] = i;
            if (c->drip && c->next_drip - now_ms() < wait)
                wait = c->next_drip - now_ms();
        }
        if (wait < 0)
            wait = 0;
        int r = poll(pfd, n, (int)wait);
        if (r < 0 && errno != EINTR)
            break;
        int64_t now = now_ms();
        for (int i = 0; i < MAX_CONN; i++) {
            struct conn *c = &conns[i];
            if (c->fd >= 0 && c->drip && now >= c->next_drip) {
                if (send(c->fd, " ", 1, MSG_NOSIGNAL) < 0 && errno != EAGAIN)
                    close_conn(c);
                else
                    c->next_drip = now + 500;
            }
        }
        for (size_t k = 1; k < n && r > 0; k++) {
            struct conn *c = &conns[idx[k]];
            if (!pfd[k].revents || c->fd != pfd[k].fd)
                continue;
            bool keep = true;
            if (pfd[k].revents & (POLLIN | POLLHUP | POLLERR))
                keep = on_readable(c);
            if (keep && (pfd[k].revents & POLLOUT))
                keep = pump(c);
            if (!keep)
                close_conn(c);
        }
        if (pfd[0].revents & POLLIN) {
            for (;;) {
                int fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (fd < 0)
                    break;
                int slot = -1;
                for (int i = 0; i < MAX_CONN && slot < 0; i++)
                    if (conns[i].fd < 0)
                        slot = i;
                if (slot < 0) {
                    close(fd);
                    continue;
                }
                conns[slot].fd = fd;
            }
        }
    }
    for (int i = 0; i < MAX_CONN; i++)
        if (conns[i].fd >= 0)
            close_conn(&conns[i]);
    close(ls);
    free(summary);
    free(alt);
    return 0;
}
