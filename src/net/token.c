/* Tokens from the environment or an owner-only file; never echoed anywhere. */
#include "opsdeck/token.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "opsdeck/config.h"

void token_wipe(char *buf, size_t size)
{
    volatile char *v = buf;
    for (size_t i = 0; i < size; i++)
        v[i] = 0;
}

/* Trim blanks and line ends, then refuse what cannot go into a header. */
static enum od_status finish(const char *feed, const char *from, char *buf, size_t size,
                             size_t len, struct od_error *err)
{
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' ' ||
                       buf[len - 1] == '\t'))
        buf[--len] = '\0';
    size_t start = 0;
    while (start < len && (buf[start] == ' ' || buf[start] == '\t'))
        start++;
    memmove(buf, buf + start, len - start + 1);
    len -= start;
    if (len == 0) {
        token_wipe(buf, size);
        return od_error_set(err, OD_AUTH, feed, 0, 0, "feed %s: the token in %s is empty", feed,
                            from);
    }
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)buf[i] <= 0x20 || buf[i] == 0x7f) {
            token_wipe(buf, size);
            return od_error_set(err, OD_AUTH, feed, 0, 0,
                                "feed %s: the token in %s holds a space or control "
                                "character (it must be one line)", feed, from);
        }
    return OD_OK;
}

static enum od_status from_env(const struct config_feed *f, char *buf, size_t size,
                               struct od_error *err)
{
    const char *v = getenv(f->token_env);
    if (!v || !*v)
        return od_error_set(err, OD_AUTH, f->id, 0, 0,
                            "feed %s: environment variable %s (token_env) is not set", f->id,
                            f->token_env);
    size_t len = strlen(v);
    if (len >= size)
        return od_error_set(err, OD_AUTH, f->id, 0, 0,
                            "feed %s: the token in %s is longer than %zu bytes", f->id,
                            f->token_env, size - 1);
    memcpy(buf, v, len + 1);
    char from[96];
    snprintf(from, sizeof(from), "$%s", f->token_env);
    return finish(f->id, from, buf, size, len, err);
}

static enum od_status from_file(const struct config_feed *f, char *buf, size_t size,
                                struct od_error *err)
{
    const char *path = f->token_file;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return od_error_set(err, errno == ELOOP ? OD_AUTH : OD_IO, f->id, 0, 0,
                            "feed %s: cannot open token file %s: %s", f->id, path,
                            errno == ELOOP ? "it is a symbolic link" : strerror(errno));
    struct stat st;
    enum od_status rc = OD_OK;
    if (fstat(fd, &st) != 0) {
        rc = od_error_set(err, OD_IO, f->id, 0, 0, "feed %s: cannot stat token file %s: %s",
                          f->id, path, strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        rc = od_error_set(err, OD_AUTH, f->id, 0, 0,
                          "feed %s: token file %s is not a regular file", f->id, path);
    } else if (st.st_uid != geteuid()) {
        rc = od_error_set(err, OD_AUTH, f->id, 0, 0,
                          "feed %s: token file %s is not owned by you; refusing it", f->id,
                          path);
    } else if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        rc = od_error_set(err, OD_AUTH, f->id, 0, 0,
                          "feed %s: token file %s can be read or written by others "
                          "(mode %04o); refusing it: run chmod 600 %s", f->id, path,
                          (unsigned)(st.st_mode & 07777), path);
    }
    size_t len = 0;
    if (rc == OD_OK) {
        for (;;) {
            ssize_t n = read(fd, buf + len, size - 1 - len);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                rc = od_error_set(err, OD_IO, f->id, 0, 0, "feed %s: cannot read %s: %s",
                                  f->id, path, strerror(errno));
                break;
            }
            len += (size_t)n;
            if (n == 0)
                break;
            if (len == size - 1) {
                char extra;
                if (read(fd, &extra, 1) == 1)
                    rc = od_error_set(err, OD_AUTH, f->id, 0, 0,
                                      "feed %s: token file %s is longer than %zu bytes",
                                      f->id, path, size - 1);
                break;
            }
        }
    }
    close(fd);
    if (rc != OD_OK) {
        token_wipe(buf, size);
        return rc;
    }
    buf[len] = '\0';
    if (memchr(buf, '\0', len)) {
        token_wipe(buf, size);
        return od_error_set(err, OD_AUTH, f->id, 0, 0, "feed %s: token file %s holds a NUL byte",
                            f->id, path);
    }
    return finish(f->id, path, buf, size, len, err);
}

enum od_status token_load(const struct config_feed *feed, char *buf, size_t size,
                          struct od_error *err)
{
    if (size < 2)
        return od_error_set(err, OD_INVALID, NULL, 0, 0, "token buffer too small");
    buf[0] = '\0';
    if (feed->token_env)
        return from_env(feed, buf, size, err);
    if (feed->token_file)
        return from_file(feed, buf, size, err);
    return od_error_set(err, OD_AUTH, feed->id, 0, 0,
                        "feed %s has no token for posting: add \"token_env\" or \"token_file\" "
                        "to the feed in the config", feed->id);
}
