/* od_httpfix: a small HTTP/1.1 server on 127.0.0.1 for fetch tests.
 *
 *   od_httpfix DIR      listens on 127.0.0.1:<free port>, prints the port on
 *                       stdout, serves until killed (one child per connection)
 *
 * Paths: /huge/...      200 with no Content-Length and an endless body
 *        /slow/...      waits 30 s before answering
 *        /redirect/...  302 to file:///etc/passwd (must not be followed)
 *        /e503/...      503
 *        anything else  the file DIR/<path> (404 when missing; ".." refused)
 * Every response closes the connection. The server leads its own process group;
 * SIGTERM to it ends every child too.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static void send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            _exit(0);
        p += w;
        n -= (size_t)w;
    }
}

static void respond(int fd, const char *status, const char *extra, const char *body, size_t len)
{
    char head[512];
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                     "%sConnection: close\r\n\r\n",
                     status, len, extra ? extra : "");
    send_all(fd, head, (size_t)n);
    send_all(fd, body, len);
}

static void serve(int fd, const char *dir)
{
    char req[8192];
    size_t got = 0;
    while (got < sizeof(req) - 1) {
        ssize_t r = read(fd, req + got, sizeof(req) - 1 - got);
        if (r <= 0)
            return;
        got += (size_t)r;
        req[got] = '\0';
        if (strstr(req, "\r\n\r\n"))
            break;
    }
    char path[4096];
    if (sscanf(req, "GET %4095s HTTP/1.", path) != 1) {
        respond(fd, "400 Bad Request", NULL, "{}", 2);
        return;
    }
    char *q = strchr(path, '?');
    if (q)
        *q = '\0';
    if (strncmp(path, "/huge", 5) == 0) {
        const char *head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                           "Connection: close\r\n\r\n";
        send_all(fd, head, strlen(head));
        static char chunk[65536];
        memset(chunk, ' ', sizeof(chunk));
        chunk[0] = '[';
        for (;;)
            send_all(fd, chunk, sizeof(chunk));
    }
    if (strncmp(path, "/slow", 5) == 0) {
        sleep(30);
        respond(fd, "200 OK", NULL, "{}", 2);
        return;
    }
    if (strncmp(path, "/redirect", 9) == 0) {
        respond(fd, "302 Found", "Location: file:///etc/passwd\r\n", "", 0);
        return;
    }
    if (strncmp(path, "/e503", 5) == 0) {
        respond(fd, "503 Service Unavailable", NULL, "{}", 2);
        return;
    }
    if (strstr(path, "..")) {
        respond(fd, "403 Forbidden", NULL, "{}", 2);
        return;
    }
    char file[8192];
    snprintf(file, sizeof(file), "%s%s", dir, path);
    int ff = open(file, O_RDONLY);
    struct stat st;
    if (ff < 0 || fstat(ff, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (ff >= 0)
            close(ff);
        respond(fd, "404 Not Found", NULL, "{\"error\":\"not found\"}", 21);
        return;
    }
    char *body = malloc((size_t)st.st_size + 1);
    size_t n = 0;
    ssize_t r;
    while (body && n < (size_t)st.st_size && (r = read(ff, body + n, (size_t)st.st_size - n)) > 0)
        n += (size_t)r;
    close(ff);
    respond(fd, "200 OK", NULL, body ? body : "", body ? n : 0);
    free(body);
}

static void on_term(int sig)
{
    signal(sig, SIG_DFL);
    kill(0, sig);       /* the whole group: this server and its children */
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: od_httpfix DIR\n");
        return 2;
    }
    setpgid(0, 0);
    signal(SIGTERM, on_term);
    signal(SIGCHLD, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(s, 16) != 0) {
        perror("od_httpfix");
        return 1;
    }
    socklen_t al = sizeof(a);
    getsockname(s, (struct sockaddr *)&a, &al);
    printf("%d\n", ntohs(a.sin_port));
    fflush(stdout);
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0) {
            if (errno == EINTR)
                continue;
            return 1;
        }
        pid_t pid = fork();
        if (pid == 0) {
            close(s);
            serve(c, argv[1]);
            close(c);
            _exit(0);
        }
        close(c);
    }
}
