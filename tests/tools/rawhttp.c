/* rawhttp: speak (or half-speak) HTTP to a server on loopback, for abuse tests.
 *
 *   rawhttp send [--src ADDR] [--delay-ms N] [--timeout S] PORT < request
 *       Send stdin's bytes as they are (one byte every N ms with --delay-ms),
 *       then read until the server closes or S seconds (default 10) pass, and
 *       print what came back. Exit 0 when connected, 3 when the connect failed.
 *   rawhttp hold [--src ADDR] [--send TEXT] [--trickle] PORT N SECONDS
 *       Open N connections at once (from ADDR, e.g. 127.0.0.2, so a per-address
 *       limit does not shut out other clients), send TEXT on each (\r and \n
 *       escapes understood), with --trickle one more header line per second on
 *       each, and hold them for SECONDS. Prints "hold: N connected, N refused,
 *       N answered, N closed by the server, N still open".
 * Everything is bounded by the timeouts; SIGPIPE is ignored. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *src_addr;

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* A socket to 127.0.0.1:port (from src_addr when set); non-blocking when asked.
 * -1 on failure; for a non-blocking one the connect may still be in progress. */
static int open_conn(int port, bool nonblock)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    if (src_addr) {
        struct sockaddr_in s = {.sin_family = AF_INET};
        if (inet_pton(AF_INET, src_addr, &s.sin_addr) != 1 ||
            bind(fd, (struct sockaddr *)&s, sizeof(s)) != 0) {
            close(fd);
            return -1;
        }
    }
    if (nonblock)
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0 && !(nonblock && errno == EINPROGRESS)) {
        close(fd);
        return -1;
    }
    return fd;
}

static int cmd_send(int port, long delay_ms, int timeout_s)
{
    size_t cap = 1 << 16, len = 0, got;
    char *req = malloc(cap);
    while (req && (got = fread(req + len, 1, cap - len, stdin)) > 0) {
        len += got;
        if (len == cap) {
            char *n = realloc(req, cap *= 2);
            if (!n)
                free(req);
            req = n;
        }
    }
    if (!req) {
        fprintf(stderr, "rawhttp: out of memory\n");
        return 2;
    }
    int fd = open_conn(port, false);
    if (fd < 0) {
        fprintf(stderr, "rawhttp: connect: %s\n", strerror(errno));
        free(req);
        return 3;
    }
    long long deadline = now_ms() + (long long)timeout_s * 1000;
    for (size_t i = 0; i < len && now_ms() < deadline;) {
        size_t chunk = delay_ms > 0 ? 1 : len - i;
        ssize_t w = write(fd, req + i, chunk);
        if (w <= 0)
            break;          /* the server closed on us: read what it said */
        i += (size_t)w;
        if (delay_ms > 0)
            sleep_ms(delay_ms);
    }
    free(req);
    shutdown(fd, SHUT_WR);
    char buf[8192];
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0)
            break;
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, (int)left) <= 0)
            break;
        ssize_t r = read(fd, buf, sizeof(buf));
        if (r <= 0)
            break;
        fwrite(buf, 1, (size_t)r, stdout);
    }
    close(fd);
    return 0;
}

static char *unescape(const char *s)
{
    char *out = malloc(strlen(s) + 1), *o = out;
    for (; out && *s; s++) {
        if (s[0] == '\\' && (s[1] == 'r' || s[1] == 'n')) {
            *o++ = s[1] == 'r' ? '\r' : '\n';
            s++;
        } else {
            *o++ = *s;
        }
    }
    if (out)
        *o = '\0';
    return out;
}

static int cmd_hold(int port, int n, int seconds, const char *text, bool trickle)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)n + 64) {
        rl.rlim_cur = rl.rlim_max < (rlim_t)n + 64 ? rl.rlim_max : (rlim_t)n + 64;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    struct pollfd *p = calloc((size_t)n, sizeof(*p));
    bool *answered = calloc((size_t)n, 1);
    char *send = unescape(text ? text : "");
    if (!p || !answered || !send) {
        fprintf(stderr, "rawhttp: out of memory\n");
        return 2;
    }
    int refused = 0, connected = 0, closed = 0, answers = 0;
    for (int i = 0; i < n; i++) {
        p[i].fd = open_conn(port, true);
        p[i].events = POLLOUT;
        if (p[i].fd < 0)
            refused++;
    }
    /* wait (up to 5 s) for every connect to finish */
    long long until = now_ms() + 5000;
    int pending = n - refused;
    while (pending > 0 && now_ms() < until) {
        if (poll(p, (nfds_t)n, 200) <= 0)
            continue;
        for (int i = 0; i < n; i++) {
            if (p[i].fd < 0 || p[i].events != POLLOUT || !p[i].revents)
                continue;
            int err = 0;
            socklen_t el = sizeof(err);
            getsockopt(p[i].fd, SOL_SOCKET, SO_ERROR, &err, &el);
            pending--;
            if (err) {
                close(p[i].fd);
                p[i].fd = -1;
                refused++;
                continue;
            }
            connected++;
            p[i].events = POLLIN;
            if (*send && write(p[i].fd, send, strlen(send)) < 0) {
                close(p[i].fd);
                p[i].fd = -1;
                closed++;
            }
        }
    }
    long long end = now_ms() + (long long)seconds * 1000, next_trickle = now_ms() + 1000;
    char buf[4096];
    while (now_ms() < end) {
        int wait = (int)(end - now_ms());
        if (poll(p, (nfds_t)n, wait < 200 ? wait : 200) > 0) {
            for (int i = 0; i < n; i++) {
                if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
                    continue;
                ssize_t r = read(p[i].fd, buf, sizeof(buf));
                if (r > 0) {
                    if (!answered[i])
                        answers++;
                    answered[i] = true;
                    continue;
                }
                close(p[i].fd);
                p[i].fd = -1;
                closed++;
            }
        }
        if (trickle && now_ms() >= next_trickle) {
            next_trickle += 1000;
            for (int i = 0; i < n; i++) {
                if (p[i].fd >= 0 && p[i].events == POLLIN &&
                    write(p[i].fd, "X-Slow: 1\r\n", 11) < 0) {
                    close(p[i].fd);
                    p[i].fd = -1;
                    closed++;
                }
            }
        }
    }
    int still = 0;
    for (int i = 0; i < n; i++) {
        if (p[i].fd >= 0) {
            still++;
            close(p[i].fd);
        }
    }
    printf("hold: %d connected, %d refused, %d answered, %d closed by the server, %d still open\n",
           connected, refused, answers, closed, still);
    free(p);
    free(answered);
    free(send);
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: rawhttp send [--src ADDR] [--delay-ms N] [--timeout S] PORT < request\n"
                    "       rawhttp hold [--src ADDR] [--send TEXT] [--trickle] PORT N SECONDS\n");
    return 2;
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2)
        return usage();
    const char *cmd = argv[1];
    long delay_ms = 0;
    int timeout_s = 10;
    const char *text = NULL;
    bool trickle = false;
    int i = 2;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (!strcmp(argv[i], "--trickle")) {
            trickle = true;
        } else if (i + 1 < argc && !strcmp(argv[i], "--src")) {
            src_addr = argv[++i];
        } else if (i + 1 < argc && !strcmp(argv[i], "--delay-ms")) {
            delay_ms = atol(argv[++i]);
        } else if (i + 1 < argc && !strcmp(argv[i], "--timeout")) {
            timeout_s = atoi(argv[++i]);
        } else if (i + 1 < argc && !strcmp(argv[i], "--send")) {
            text = argv[++i];
        } else {
            return usage();
        }
    }
    int left = argc - i;
    if (!strcmp(cmd, "send") && left == 1)
        return cmd_send(atoi(argv[i]), delay_ms, timeout_s > 0 ? timeout_s : 10);
    if (!strcmp(cmd, "hold") && left == 3) {
        int n = atoi(argv[i + 1]), secs = atoi(argv[i + 2]);
        if (n < 1 || n > 5000 || secs < 0 || secs > 120)
            return usage();
        return cmd_hold(atoi(argv[i]), n, secs, text, trickle);
    }
    return usage();
}
