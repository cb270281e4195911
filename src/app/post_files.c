/* Atomic, durable little files for drafts and the outbox. */
#include "opsdeck/post_files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "opsdeck/xalloc.h"

static enum od_status mkdir_one(const char *path, struct od_error *err)
{
    if (mkdir(path, 0700) == 0 || errno == EEXIST)
        return OD_OK;
    return od_error_set(err, OD_IO, path, 0, 0, "cannot create directory %s: %s", path,
                        strerror(errno));
}

/* mkdir -p with 0700 for every directory made. */
static enum od_status mkdir_p(char *path, struct od_error *err)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        enum od_status st = mkdir_one(path, err);
        *p = '/';
        if (st != OD_OK)
            return st;
    }
    return mkdir_one(path, err);
}

enum od_status post_state_dir(const char *sub, char *buf, size_t size, struct od_error *err)
{
    const char *xdg = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    int n;
    if (xdg && xdg[0] == '/')
        n = snprintf(buf, size, "%s/opsdeck/%s", xdg, sub);
    else if (home && home[0] == '/')
        n = snprintf(buf, size, "%s/.local/state/opsdeck/%s", home, sub);
    else
        return od_error_set(err, OD_IO, NULL, 0, 0,
                            "neither XDG_STATE_HOME nor HOME is set to an absolute path: "
                            "nowhere to keep drafts and the outbox");
    if (n < 0 || (size_t)n >= size)
        return od_error_set(err, OD_IO, NULL, 0, 0, "state directory path too long");
    return mkdir_p(buf, err);
}

static enum od_status fsync_dir_of(const char *path, struct od_error *err)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    int fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    enum od_status st = OD_OK;
    if (fd < 0 || fsync(fd) != 0)
        st = od_error_set(err, OD_IO, path, 0, 0, "cannot sync directory of %s: %s", path,
                          strerror(errno));
    if (fd >= 0)
        close(fd);
    free(dir);
    return st;
}

enum od_status post_write_atomic(const char *path, const char *data, size_t len,
                                 struct od_error *err)
{
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    enum od_status st = OD_OK;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        st = od_error_set(err, OD_IO, path, 0, 0, "cannot write %s: %s", tmp, strerror(errno));
        goto out;
    }
    for (size_t off = 0; off < len;) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            st = od_error_set(err, OD_IO, path, 0, 0, "cannot write %s: %s", tmp,
                              strerror(errno));
            break;
        }
        off += (size_t)n;
    }
    if (st == OD_OK && fsync(fd) != 0)
        st = od_error_set(err, OD_IO, path, 0, 0, "cannot sync %s: %s", tmp, strerror(errno));
    if (close(fd) != 0 && st == OD_OK)
        st = od_error_set(err, OD_IO, path, 0, 0, "cannot close %s: %s", tmp, strerror(errno));
    if (st == OD_OK && rename(tmp, path) != 0)
        st = od_error_set(err, OD_IO, path, 0, 0, "cannot rename %s to %s: %s", tmp, path,
                          strerror(errno));
    if (st != OD_OK)
        unlink(tmp);
    else
        st = fsync_dir_of(path, err);
out:
    free(tmp);
    return st;
}

enum od_status post_read_file(const char *path, size_t max, char **out, size_t *len,
                              struct od_error *err)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return od_error_set(err, errno == ENOENT ? OD_NOTFOUND : OD_IO, path, 0, 0,
                            "cannot read %s: %s", path, strerror(errno));
    char *buf = xmalloc(max + 1);
    size_t n = 0;
    enum od_status st = OD_OK;
    for (;;) {
        ssize_t r = read(fd, buf + n, max + 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            st = od_error_set(err, OD_IO, path, 0, 0, "cannot read %s: %s", path,
                              strerror(errno));
            break;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n > max) {
            st = od_error_set(err, OD_TOOBIG, path, 0, 0, "%s is larger than %zu bytes", path,
                              max);
            break;
        }
    }
    close(fd);
    if (st != OD_OK) {
        free(buf);
        return st;
    }
    buf[n] = '\0';
    *out = buf;
    if (len)
        *len = n;
    return OD_OK;
}

void post_file_component(char *buf, size_t size, const char *s)
{
    size_t o = 0;
    for (; s && *s && o + 1 < size; s++) {
        char c = *s;
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-' || (c == '.' && o > 0);
        buf[o++] = ok ? c : '_';
    }
    if (size)
        buf[o] = '\0';
}

enum od_status post_write_json(const char *path, const json_t *j, struct od_error *err)
{
    char *text = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    if (!text)
        return od_error_set(err, OD_NOMEM, path, 0, 0, "cannot encode %s", path);
    enum od_status st = post_write_atomic(path, text, strlen(text), err);
    free(text);
    return st;
}

enum od_status post_read_json(const char *path, size_t max, const char *what, json_t **out,
                              struct od_error *err)
{
    char *text;
    size_t len;
    *out = NULL;
    enum od_status st = post_read_file(path, max, &text, &len, err);
    if (st != OD_OK)
        return st;
    json_error_t je;
    *out = json_loadb(text, len, 0, &je);
    free(text);
    if (!*out)
        return od_error_set(err, OD_PARSE, path, je.line, je.column, "damaged %s: %s", what,
                            je.text);
    return OD_OK;
}
