/* Per-feed response cache on disk, replaced atomically. See cache.h. */
#include "opsdeck/cache.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "opsdeck/fetch_simple.h"
#include "opsdeck/strbuf.h"
#include "opsdeck/xalloc.h"

void cache_doc_clear(struct cache_doc *d)
{
    free(d->name);
    free(d->etag);
    free(d->last_modified);
    free(d->body);
    memset(d, 0, sizeof(*d));
}

void cache_entry_free(struct cache_entry *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->n_docs; i++)
        cache_doc_clear(&e->docs[i]);
    free(e->docs);
    free(e->url);
    memset(e, 0, sizeof(*e));
}

char *cache_default_dir(void)
{
    const char *x = getenv("XDG_STATE_HOME");
    if (x && x[0] == '/')
        return xasprintf("%s/opsdeck/cache", x);
    const char *home = getenv("HOME");
    if (home && home[0] == '/')
        return xasprintf("%s/.local/state/opsdeck/cache", home);
    return NULL;
}

/* mkdir -p with mode 0700 for the parts we create. */
static int make_dirs(const char *dir)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
        return -1;
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

static size_t slen(const char *s)
{
    return s ? strlen(s) : 0;
}

static bool write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

static bool put(int fd, const char *s, size_t n)
{
    return n == 0 || write_all(fd, s, n);
}

static bool put_header(int fd, const char *fmt_name, size_t a, size_t b, size_t c, size_t d,
                       unsigned flags)
{
    char line[160];
    int n = snprintf(line, sizeof(line), "%s %zu %zu %zu %zu %u\n", fmt_name, a, b, c, d, flags);
    return write_all(fd, line, (size_t)n);
}

enum od_status cache_write(const char *dir, const char *feed_id, const struct cache_entry *e,
                           struct od_error *err)
{
    char path[PATH_MAX], tmp[PATH_MAX];
    if (snprintf(path, sizeof(path), "%s/%s.cache", dir, feed_id) >= (int)sizeof(path) ||
        snprintf(tmp, sizeof(tmp), "%s/.%s.cache.XXXXXX", dir, feed_id) >= (int)sizeof(tmp))
        return od_error_set(err, OD_IO, NULL, 0, 0, "cache path too long");
    if (make_dirs(dir) != 0)
        return od_error_set(err, OD_IO, NULL, 0, 0, "cannot create the cache directory: %s",
                            strerror(errno));
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return od_error_set(err, OD_IO, NULL, 0, 0, "cannot create a cache file: %s",
                            strerror(errno));
    char line[64];
    int n = snprintf(line, sizeof(line), "opsdeck-cache 1\nurl %zu\n", slen(e->url));
    bool ok = write_all(fd, line, (size_t)n) && put(fd, e->url, slen(e->url)) &&
              write_all(fd, "\n", 1);
    n = snprintf(line, sizeof(line), "fetched %lld\n", (long long)e->fetched_at);
    ok = ok && write_all(fd, line, (size_t)n);
    for (size_t i = 0; ok && i < e->n_docs; i++) {
        const struct cache_doc *d = &e->docs[i];
        ok = put_header(fd, "doc", slen(d->name), slen(d->etag), slen(d->last_modified), d->len,
                        d->flags) &&
             put(fd, d->name, slen(d->name)) && put(fd, d->etag, slen(d->etag)) &&
             put(fd, d->last_modified, slen(d->last_modified)) && put(fd, d->body, d->len) &&
             write_all(fd, "\n", 1);
    }
    ok = ok && write_all(fd, "end\n", 4) && fsync(fd) == 0;
    int saved = errno;
    if (close(fd) != 0)
        ok = false;
    if (ok && rename(tmp, path) != 0) {
        saved = errno;
        ok = false;
    }
    if (!ok) {
        unlink(tmp);
        return od_error_set(err, OD_IO, NULL, 0, 0, "cannot write the cache file: %s",
                            strerror(saved));
    }
    /* the rename itself must survive a crash */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    return OD_OK;
}

/* A cursor over the file's bytes. */
struct rd {
    const char *p, *end;
};

static bool read_line(struct rd *r, char *buf, size_t size)
{
    const char *nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
    if (!nl || (size_t)(nl - r->p) >= size)
        return false;
    memcpy(buf, r->p, (size_t)(nl - r->p));
    buf[nl - r->p] = '\0';
    r->p = nl + 1;
    return true;
}

/* n bytes as a new string (NULL when n == 0 and !always). */
static bool take(struct rd *r, size_t n, bool always, char **out)
{
    if ((size_t)(r->end - r->p) < n)
        return false;
    *out = n || always ? xstrndup(r->p, n) : NULL;
    r->p += n;
    return true;
}

static bool parse_entry(struct rd *r, struct cache_entry *e)
{
    char line[160];
    size_t ulen;
    long long fetched;
    char extra;
    if (!read_line(r, line, sizeof(line)) || strcmp(line, "opsdeck-cache 1") != 0)
        return false;
    if (!read_line(r, line, sizeof(line)) || sscanf(line, "url %zu%c", &ulen, &extra) != 1 ||
        !take(r, ulen, true, &e->url) || r->p >= r->end || *r->p++ != '\n')
        return false;
    if (!read_line(r, line, sizeof(line)) || sscanf(line, "fetched %lld%c", &fetched, &extra) != 1)
        return false;
    e->fetched_at = fetched;
    for (;;) {
        if (!read_line(r, line, sizeof(line)))
            return false;
        if (strcmp(line, "end") == 0)
            return r->p == r->end;
        size_t nl, el, ll, bl;
        unsigned flags;
        if (sscanf(line, "doc %zu %zu %zu %zu %u%c", &nl, &el, &ll, &bl, &flags, &extra) != 5 ||
            nl == 0 || nl > CACHE_MAX_NAME || el > CACHE_MAX_HEADER || ll > CACHE_MAX_HEADER ||
            e->n_docs >= CACHE_MAX_DOCS)
            return false;
        e->docs = xreallocarray(e->docs, e->n_docs + 1, sizeof(*e->docs));
        struct cache_doc *d = &e->docs[e->n_docs++];
        memset(d, 0, sizeof(*d));
        d->flags = flags;
        d->len = bl;
        if (!take(r, nl, true, &d->name) || !take(r, el, false, &d->etag) ||
            !take(r, ll, false, &d->last_modified) || !take(r, bl, true, &d->body) ||
            r->p >= r->end || *r->p++ != '\n')
            return false;
    }
}

enum od_status cache_read(const char *dir, const char *feed_id, struct cache_entry *out,
                          struct od_error *err)
{
    memset(out, 0, sizeof(*out));
    char path[PATH_MAX];
    if (snprintf(path, sizeof(path), "%s/%s.cache", dir, feed_id) >= (int)sizeof(path))
        return od_error_set(err, OD_IO, NULL, 0, 0, "cache path too long");
    char *body = NULL;
    size_t len = 0;
    enum od_status st = fetch_file(path, CACHE_MAX_FILE, &body, &len, err);
    if (st != OD_OK)
        return st;
    struct rd r = {body, body + len};
    bool ok = parse_entry(&r, out);
    free(body);
    if (!ok) {
        cache_entry_free(out);
        return od_error_set(err, OD_PARSE, NULL, 0, 0, "cache file %s.cache is damaged",
                            feed_id);
    }
    return OD_OK;
}

void cache_remove(const char *dir, const char *feed_id)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof(path), "%s/%s.cache", dir, feed_id) < (int)sizeof(path))
        (void)unlink(path);
}
