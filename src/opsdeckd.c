/* opsdeckd: argument parsing and wiring (the server itself is src/server/). */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/clock.h"
#include "opsdeck/srv_demo.h"
#include "opsdeck/srv_http.h"
#include "opsdeck/srv_store.h"

enum { EXIT_USAGE = 2 };

static void usage(FILE *f)
{
    fprintf(f,
            "usage: opsdeckd [--listen ADDR:PORT] [--db FILE] [--demo] [--syslog] [options]\n"
            "       opsdeckd token add NAME | token list | token revoke NAME  [--db FILE]\n"
            "options: --page-id ID  --demo-dir DIR  --demo-token-file FILE  --port-file FILE\n"
            "         --quiet  --threads N  --max-conn N  --max-conn-per-ip N  --timeout SEC\n"
            "         --max-body BYTES  --version  --help\n"
            "default: --listen %s --db $XDG_DATA_HOME/opsdeck/opsdeckd.db\n",
            SRV_DEFAULT_LISTEN);
}

static void default_db(char *buf, size_t size)
{
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    if (xdg && *xdg)
        snprintf(buf, size, "%s/opsdeck/opsdeckd.db", xdg);
    else
        snprintf(buf, size, "%s/.local/share/opsdeck/opsdeckd.db", home && *home ? home : ".");
}

/* Written whole or not at all: tests poll for the file. */
static int write_file(const char *path, const char *text)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "opsdeckd: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    return rename(tmp, path);
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s ? s : "", &end, 10);
    if (!s || !*s || *end || errno || v > max || s[0] == '-')
        return false;
    *out = v;
    return true;
}

static void print_token(void *ud, const char *name, const char *created_at)
{
    printf("%-24s created %s\n", name, created_at ? created_at : "?");
}

static int token_command(int argc, char **argv, const char *db)
{
    if (argc < 1)
        return usage(stderr), EXIT_USAGE;
    const char *verb = argv[0];
    bool needs_name = !strcmp(verb, "add") || !strcmp(verb, "revoke");
    if ((needs_name && argc != 2) || (!needs_name && (strcmp(verb, "list") != 0 || argc != 1))) {
        usage(stderr);
        return EXIT_USAGE;
    }
    struct od_error err;
    struct store *st = store_open(db, &err);
    if (!st) {
        char text[600];
        od_error_format(text, sizeof(text), &err);
        fprintf(stderr, "opsdeckd: %s\n", text);
        return 1;
    }
    int rc = 0;
    if (!strcmp(verb, "add")) {
        char token[64];
        struct store_page page;
        if (store_token_add(st, argv[1], token, sizeof(token), &err) != OD_OK) {
            fprintf(stderr, "opsdeckd: %s\n", err.text);
            rc = 1;
        } else {
            store_page(st, &page);
            printf("%s\n", token);
            fprintf(stderr, "opsdeckd: token '%s' for page %s; it is shown only once\n",
                    argv[1], page.id);
        }
    } else if (!strcmp(verb, "revoke")) {
        if (store_token_revoke(st, argv[1], &err) != OD_OK) {
            fprintf(stderr, "opsdeckd: %s\n", err.text);
            rc = 1;
        }
    } else {
        store_token_list(st, print_token, NULL);
    }
    store_close(st);
    return rc;
}

/* --page-id: the id in /v1/pages/{id}/ and in every document, kept in the database. */
static int set_page_id(struct store *st, const char *id)
{
    size_t n = strlen(id);
    bool ok = n > 0 && n <= 32;
    for (size_t i = 0; i < n; i++)
        ok = ok && strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", id[i]);
    struct od_error err;
    struct page_info p = {.id = id};
    if (!ok) {
        fprintf(stderr, "opsdeckd: --page-id '%.64s' must be 1 to 32 letters, digits, '_' or '-'\n",
                id);
        return -1;
    }
    if (store_set_page(st, &p, &err) != OD_OK) {
        fprintf(stderr, "opsdeckd: --page-id: %s\n", err.text);
        return -1;
    }
    return 0;
}

/* Fill an empty database with the demo history; (re)issue the "demo" token. */
static int set_page_id(struct store *st, const char *id);

static int setup_demo(struct store *st, const char *demo_dir, const char *token_file,
                      const char *page_id)
{
    struct od_error err;
    char dirbuf[PATH_MAX], text[600];
    if (store_is_empty(st)) {
        const char *dir = srv_demo_dir(demo_dir, dirbuf, sizeof(dirbuf));
        if (!dir) {
            fprintf(stderr, "opsdeckd: demo data not found (give --demo-dir "
                            "DIR/demo/maxmail/api/v2)\n");
            return -1;
        }
        struct snapshot *demo = srv_demo_load(dir, clock_wall_sec(), SRV_DEMO_AGE_SEC, &err);
        int rc = demo ? store_begin(st, &err) : OD_IO;
        if (rc == OD_OK) {
            rc = store_import(st, demo, "demo", &err);
            if (rc == OD_OK)
                rc = store_commit(st, &err);
            else
                store_rollback(st);
        }
        snapshot_free(demo);
        if (rc == OD_OK && page_id && set_page_id(st, page_id) < 0)   /* --page-id wins */
            return -1;
        if (rc != OD_OK) {
            od_error_format(text, sizeof(text), &err);
            fprintf(stderr, "opsdeckd: demo: %s\n", text);
            return -1;
        }
    }
    char token[64];
    store_token_revoke(st, "demo", NULL);
    if (store_token_add(st, "demo", token, sizeof(token), &err) != OD_OK) {
        fprintf(stderr, "opsdeckd: demo token: %s\n", err.text);
        return -1;
    }
    struct store_page page;
    store_page(st, &page);
    printf("opsdeckd demo: page id %s, token %s\n", page.id, token);
    fflush(stdout);
    if (token_file) {
        char line[80];
        snprintf(line, sizeof(line), "%s\n", token);
        if (write_file(token_file, line) < 0)
            return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct srv_http_opts opts;
    srv_http_opts_default(&opts);
    char db[PATH_MAX];
    default_db(db, sizeof(db));
    bool demo = false, use_syslog = false, quiet = false;
    const char *demo_dir = NULL, *token_file = NULL, *port_file = NULL, *page_id = NULL;
    int first_positional = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        unsigned long n;
#define NEED_VALUE() do { if (!v) { fprintf(stderr, "opsdeckd: %s needs a value\n", a); \
                                      return EXIT_USAGE; } i++; } while (0)
#define NEED_UINT(max, field) do { NEED_VALUE(); if (!parse_uint(v, (max), &n) || n == 0) { \
            fprintf(stderr, "opsdeckd: %s '%s' is not a number from 1 to %lu\n", a, v, \
                    (unsigned long)(max)); return EXIT_USAGE; } (field) = n; } while (0)
        if (!strcmp(a, "--version")) {
            printf("opsdeckd %s\n", OPSDECK_VERSION);
            return 0;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--listen")) {
            NEED_VALUE();
            opts.listen = v;
        } else if (!strcmp(a, "--db")) {
            NEED_VALUE();
            snprintf(db, sizeof(db), "%s", v);
        } else if (!strcmp(a, "--page-id")) {
            NEED_VALUE();
            page_id = v;
        } else if (!strcmp(a, "--demo")) {
            demo = true;
        } else if (!strcmp(a, "--demo-dir")) {
            NEED_VALUE();
            demo_dir = v;
        } else if (!strcmp(a, "--demo-token-file")) {
            NEED_VALUE();
            token_file = v;
        } else if (!strcmp(a, "--port-file")) {
            NEED_VALUE();
            port_file = v;
        } else if (!strcmp(a, "--syslog")) {
            use_syslog = true;
        } else if (!strcmp(a, "--quiet")) {
            quiet = true;
        } else if (!strcmp(a, "--threads")) {
            NEED_UINT(64, opts.threads);
        } else if (!strcmp(a, "--max-conn")) {
            NEED_UINT(100000, opts.max_conn);
        } else if (!strcmp(a, "--max-conn-per-ip")) {
            NEED_UINT(100000, opts.max_conn_per_ip);
        } else if (!strcmp(a, "--timeout")) {
            NEED_UINT(3600, opts.timeout_sec);
        } else if (!strcmp(a, "--max-body")) {
            NEED_UINT(64ul << 20, opts.max_body);
        } else if (a[0] == '-') {
            fprintf(stderr, "opsdeckd: unknown option '%s'\n", a);
            usage(stderr);
            return EXIT_USAGE;
        } else if (!first_positional) {
            first_positional = i;
        }
    }
    if (first_positional) {
        if (strcmp(argv[first_positional], "token") != 0) {
            fprintf(stderr, "opsdeckd: unknown command '%s'\n", argv[first_positional]);
            return EXIT_USAGE;
        }
        /* the words after "token", skipping options already read */
        char *words[3];
        int nw = 0;
        for (int i = first_positional + 1; i < argc && nw < 3; i++) {
            if (argv[i][0] == '-') {
                if (!strcmp(argv[i], "--db"))
                    i++;
                continue;
            }
            words[nw++] = argv[i];
        }
        return token_command(nw, words, db);
    }

    /* Signals are taken by sigwait in this thread; the workers inherit the mask. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    srv_log_use_syslog(use_syslog);
    srv_log_quiet(quiet);

    struct od_error err;
    char text[600];
    struct store *st = store_open(db, &err);
    if (!st) {
        od_error_format(text, sizeof(text), &err);
        fprintf(stderr, "opsdeckd: %s\n", text);
        return 1;
    }
    if (page_id && set_page_id(st, page_id) < 0) {
        store_close(st);
        return EXIT_USAGE;
    }
    if (demo && setup_demo(st, demo_dir, token_file, page_id) < 0) {
        store_close(st);
        return 1;
    }
    struct srv_http *h = srv_http_start(st, &opts, &err);
    if (!h) {
        od_error_format(text, sizeof(text), &err);
        fprintf(stderr, "opsdeckd: %s\n", text);
        store_close(st);
        return err.code == OD_USAGE ? EXIT_USAGE : 1;
    }
    struct store_page page;
    store_page(st, &page);
    srv_log("listening on %s (port %u), database %s, page %s, schema %d", opts.listen,
            srv_http_port(h), db, page.id, store_schema_version(st));
    if (port_file) {
        char line[16];
        snprintf(line, sizeof(line), "%u\n", srv_http_port(h));
        if (write_file(port_file, line) < 0) {
            srv_http_stop(h);
            store_close(st);
            return 1;
        }
    }
    int sig = 0;
    while (sigwait(&stop, &sig) != 0)
        ;
    srv_log("signal %d: shutting down", sig);
    srv_http_stop(h);
    store_close(st);
    return 0;
}
