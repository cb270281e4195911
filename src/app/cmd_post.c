/* `opsdeck post`: posts from scripts and shells, through the outbox. */
#include "opsdeck/cli.h"
#include "opsdeck/cmd_post.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "opsdeck/clock.h"
#include "opsdeck/config.h"
#include "opsdeck/fetch_simple.h"
#include "opsdeck/outbox.h"
#include "opsdeck/post.h"
#include "opsdeck/post_files.h"
#include "opsdeck/post_http.h"
#include "opsdeck/post_time.h"
#include "opsdeck/templates.h"
#include "opsdeck/text.h"
#include "opsdeck/token.h"
#include "opsdeck/tz.h"
#include "opsdeck/xalloc.h"

#define MESSAGE_MAX_BYTES (1u << 20)

struct post_args {
    const char *config, *feed, *title, *incident, *status, *impact;
    const char *message, *message_file, *template_name, *eta, *start, *end;
    const char **components;            /* NAME=STATUS */
    size_t n_components;
    bool from_stdin, no_notify, dry_run, readonly, form, all;
};

static void usage(FILE *out)
{
    fputs("usage: opsdeck post incident    --feed F --title T [--status S] [--impact I]\n"
          "                                [--component NAME=STATUS]... [MESSAGE]\n"
          "       opsdeck post update      --feed F --incident ID [--status S] MESSAGE\n"
          "       opsdeck post resolve     --feed F --incident ID [MESSAGE]\n"
          "       opsdeck post maintenance --feed F --title T --start TIME --end TIME [MESSAGE]\n"
          "       opsdeck post component   --feed F --component NAME=STATUS...\n"
          "       opsdeck post outbox | flush [--all]\n"
          "MESSAGE: --message TEXT | --message-file FILE | - (stdin) | --template NAME [--eta TIME]\n"
          "options: --no-notify --form --dry-run --readonly --config FILE\n"
          "statuses: investigating identified monitoring resolved (incidents);\n"
          "          scheduled in_progress verifying completed (maintenance);\n"
          "          operational degraded_performance partial_outage major_outage\n"
          "          under_maintenance (components). Impact: none minor major critical maintenance.\n"
          "TIME: 2026-12-01 22:00 Europe/London, 22:00 PDT, 1300 BST or RFC 3339.\n"
          "exit: 0 posted, 1 failure, 2 usage, 3 read-only, 4 rejected, 75 queued for retry.\n",
          out);
}

/* Print text that came from a server or a file: one safe line. */
static void say(FILE *out, const char *prefix, const char *s)
{
    char *safe = text_sanitize(s ? s : "", s ? strlen(s) : 0, TEXT_SINGLE_LINE, 0);
    fprintf(out, "%s%s\n", prefix, safe);
    free(safe);
}

static int parse_args(int argc, char **argv, struct post_args *a)
{
    enum { O_FEED = 256, O_TITLE, O_INCIDENT, O_STATUS, O_IMPACT, O_COMPONENT, O_MESSAGE,
           O_MESSAGE_FILE, O_TEMPLATE, O_ETA, O_START, O_END, O_NO_NOTIFY, O_DRY_RUN,
           O_READONLY, O_FORM, O_CONFIG, O_ALL, O_HELP };
    static const struct option opts[] = {
        {"feed", required_argument, NULL, O_FEED},
        {"title", required_argument, NULL, O_TITLE},
        {"incident", required_argument, NULL, O_INCIDENT},
        {"status", required_argument, NULL, O_STATUS},
        {"impact", required_argument, NULL, O_IMPACT},
        {"component", required_argument, NULL, O_COMPONENT},
        {"message", required_argument, NULL, O_MESSAGE},
        {"message-file", required_argument, NULL, O_MESSAGE_FILE},
        {"template", required_argument, NULL, O_TEMPLATE},
        {"eta", required_argument, NULL, O_ETA},
        {"start", required_argument, NULL, O_START},
        {"end", required_argument, NULL, O_END},
        {"no-notify", no_argument, NULL, O_NO_NOTIFY},
        {"dry-run", no_argument, NULL, O_DRY_RUN},
        {"readonly", no_argument, NULL, O_READONLY},
        {"form", no_argument, NULL, O_FORM},
        {"config", required_argument, NULL, O_CONFIG},
        {"all", no_argument, NULL, O_ALL},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    optind = 1;
    opterr = 1;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case O_FEED: a->feed = optarg; break;
        case O_TITLE: a->title = optarg; break;
        case O_INCIDENT: a->incident = optarg; break;
        case O_STATUS: a->status = optarg; break;
        case O_IMPACT: a->impact = optarg; break;
        case O_COMPONENT:
            if (a->n_components >= POST_MAX_COMPONENTS) {
                fprintf(stderr, "opsdeck post: more than %d --component options\n",
                        POST_MAX_COMPONENTS);
                return POST_EXIT_USAGE;
            }
            a->components[a->n_components++] = optarg;
            break;
        case O_MESSAGE: a->message = optarg; break;
        case O_MESSAGE_FILE: a->message_file = optarg; break;
        case O_TEMPLATE: a->template_name = optarg; break;
        case O_ETA: a->eta = optarg; break;
        case O_START: a->start = optarg; break;
        case O_END: a->end = optarg; break;
        case O_NO_NOTIFY: a->no_notify = true; break;
        case O_DRY_RUN: a->dry_run = true; break;
        case O_READONLY: a->readonly = true; break;
        case O_FORM: a->form = true; break;
        case O_CONFIG: a->config = optarg; break;
        case O_ALL: a->all = true; break;
        case 'h':
        case O_HELP:
            usage(stdout);
            return -1;
        default:
            usage(stderr);
            return POST_EXIT_USAGE;
        }
    }
    for (int i = optind; i < argc; i++) {
        if (strcmp(argv[i], "-") == 0 && !a->from_stdin) {
            a->from_stdin = true;
            continue;
        }
        say(stderr, "opsdeck post: unexpected argument: ", argv[i]);
        return POST_EXIT_USAGE;
    }
    int sources = (a->message != NULL) + (a->message_file != NULL) + a->from_stdin +
                  (a->template_name != NULL);
    if (sources > 1) {
        fputs("opsdeck post: give one of --message, --message-file, - and --template\n", stderr);
        return POST_EXIT_USAGE;
    }
    return 0;
}

static char *read_stream(FILE *f, const char *what)
{
    char *buf = xmalloc(MESSAGE_MAX_BYTES + 1);
    size_t n = fread(buf, 1, MESSAGE_MAX_BYTES + 1, f);
    if (ferror(f) || n > MESSAGE_MAX_BYTES) {
        fprintf(stderr, "opsdeck post: cannot read the message from %s%s\n", what,
                n > MESSAGE_MAX_BYTES ? ": longer than 1 MiB" : "");
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

/* Component NAME (an id or a name of the feed's components) → id and name. */
static bool resolve_component(const struct snapshot *snap, const char *spec, struct post *p)
{
    const char *eq = strrchr(spec, '=');
    if (!eq || eq == spec || !eq[1]) {
        say(stderr, "opsdeck post: --component takes NAME=STATUS, not ", spec);
        return false;
    }
    enum component_status st = component_status_from_name(eq + 1);
    if (st == COMP_UNKNOWN) {
        say(stderr, "opsdeck post: unknown component status (operational, degraded_performance, "
                    "partial_outage, major_outage, under_maintenance): ", eq + 1);
        return false;
    }
    char *name = xstrndup(spec, (size_t)(eq - spec));
    const struct component *c = NULL;
    if (snap) {
        c = snapshot_find_component(snap, name);
        if (!c)
            c = snapshot_find_component_by_name(snap, name);
        for (size_t i = 0; !c && i < snap->n_components; i++)
            if (snap->components[i].name && strcasecmp(snap->components[i].name, name) == 0)
                c = &snap->components[i];
        if (!c) {
            say(stderr, "opsdeck post: the feed has no component with that id or name: ", name);
            free(name);
            return false;
        }
    }
    post_add_component(p, c ? c->id : name, c ? c->name : NULL, st);
    free(name);
    return true;
}

static void join_names(const struct post *p, char *buf, size_t size)
{
    buf[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < p->n_components && used + 1 < size; i++) {
        const char *n = p->components[i].name ? p->components[i].name : p->components[i].id;
        int w = snprintf(buf + used, size - used, "%s%s",
                         i == 0 ? "" : i + 1 == p->n_components ? " and " : ", ", n);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

/* Build the post from the arguments; the exit status on failure. */
static int build_post(const struct post_args *a, enum post_kind kind, const struct config *cfg,
                      const struct config_feed *feed, struct post *p)
{
    struct od_error err;
    int64_t now = clock_wall_sec();
    const char *const *zones = (const char *const *)cfg->timezones;
    post_init(p, kind);
    post_set(&p->feed, feed->id);
    post_set(&p->title, a->title);
    post_set(&p->incident_id, a->incident);
    p->notify = !a->no_notify;
    if (a->status) {
        p->status = incident_status_from_name(a->status);
        if (p->status == INC_UNKNOWN) {
            say(stderr, "opsdeck post: unknown status: ", a->status);
            return POST_EXIT_USAGE;
        }
    }
    if (a->impact) {
        p->impact = impact_from_name(a->impact);
        if (p->impact == IMPACT_UNKNOWN) {
            say(stderr, "opsdeck post: unknown impact (none, minor, major, critical, "
                        "maintenance): ", a->impact);
            return POST_EXIT_USAGE;
        }
    }
    if (a->start &&
        post_time_parse(a->start, zones, cfg->n_timezones, now, &p->start, &err) != OD_OK) {
        say(stderr, "opsdeck post: --start: ", err.text);
        return POST_EXIT_USAGE;
    }
    if (a->end &&
        post_time_parse(a->end, zones, cfg->n_timezones, now, &p->end, &err) != OD_OK) {
        say(stderr, "opsdeck post: --end: ", err.text);
        return POST_EXIT_USAGE;
    }

    /* the feed's components and incidents, to resolve names and the current status */
    struct snapshot *snap = NULL;
    bool need_status = kind == POST_UPDATE && !a->status;
    if (a->n_components || need_status) {
        snap = fetch_feed(feed, &err);
        if (!snap) {
            say(stderr, "opsdeck post: cannot read the feed to look up components and "
                        "incidents: ", err.text);
            if (need_status)
                return POST_EXIT_FAIL;
            fputs("opsdeck post: using the --component names as ids\n", stderr);
        }
    }
    int rc = 0;
    for (size_t i = 0; i < a->n_components && rc == 0; i++)
        if (!resolve_component(snap, a->components[i], p))
            rc = POST_EXIT_USAGE;
    if (rc == 0 && need_status) {
        const struct incident *inc = snap ? snapshot_find_incident(snap, a->incident) : NULL;
        if (!inc || !post_status_allowed(POST_UPDATE, inc->status)) {
            fputs("opsdeck post: update: the incident's current status is unknown; "
                  "give --status\n", stderr);
            rc = POST_EXIT_USAGE;
        } else {
            p->status = inc->status;
        }
    }
    snapshot_free(snap);
    if (rc)
        return rc;

    char *message = NULL;
    if (a->message) {
        message = xstrdup(a->message);
    } else if (a->from_stdin) {
        message = read_stream(stdin, "stdin");
    } else if (a->message_file) {
        FILE *f = fopen(a->message_file, "r");
        if (!f) {
            say(stderr, "opsdeck post: cannot open --message-file ", a->message_file);
            return POST_EXIT_FAIL;
        }
        message = read_stream(f, a->message_file);
        fclose(f);
    } else if (a->template_name) {
        struct template *tv;
        size_t n = templates_load(&tv, NULL);
        const struct template *t = templates_find(tv, n, a->template_name);
        if (!t) {
            say(stderr, "opsdeck post: no template named ", a->template_name);
            templates_free(tv, n);
            return POST_EXIT_USAGE;
        }
        char comps[512], eta[160] = "", start[160] = "", end[160] = "";
        join_names(p, comps, sizeof(comps));
        if (a->eta) {
            struct od_time et;
            if (post_time_parse(a->eta, zones, cfg->n_timezones, now, &et, &err) != OD_OK) {
                say(stderr, "opsdeck post: --eta: ", err.text);
                templates_free(tv, n);
                return POST_EXIT_USAGE;
            }
            tz_format_multi(eta, sizeof(eta), &et, zones, cfg->n_timezones, TZ_STYLE_HHMM);
        }
        if (p->start.valid)
            tz_format_multi(start, sizeof(start), &p->start, zones, cfg->n_timezones,
                            TZ_STYLE_DATE_HHMM);
        if (p->end.valid)
            tz_format_multi(end, sizeof(end), &p->end, zones, cfg->n_timezones,
                            TZ_STYLE_DATE_HHMM);
        struct template_vars vars = {comps[0] ? comps : NULL, eta, start, end, p->title};
        message = template_fill(t->text, &vars);
        if (!a->status && t->status != INC_UNKNOWN && post_status_allowed(kind, t->status))
            p->status = t->status;
        templates_free(tv, n);
    }
    if ((a->from_stdin || a->message_file) && !message)
        return POST_EXIT_FAIL;
    post_set(&p->message, message);
    free(message);
    if (post_validate(p, &err) != OD_OK) {
        say(stderr, "opsdeck post: ", err.text);
        return POST_EXIT_USAGE;
    }
    return 0;
}

static size_t steps_of(const struct post *p, const struct config_feed *feed)
{
    (void)feed;
    struct outbox_entry e = {.post = *p};
    struct post_request req;
    bool check;
    struct od_error err;
    size_t n = 0;
    /* count by walking the steps the outbox will send */
    for (e.step = 0; n < 2 * POST_MAX_COMPONENTS; e.step++, n++) {
        if (!outbox_next(&e, feed, POST_ENC_JSON, &req, &check, &err))
            break;
        post_request_free(&req);
    }
    return n;
}

static int dry_run(const struct post *p, const struct config_feed *feed, enum post_encoding enc)
{
    struct outbox_entry e = {.post = *p};
    size_t n = steps_of(p, feed);
    for (e.step = 0; e.step < n; e.step++) {
        struct post_request req;
        bool check;
        struct od_error err;
        if (!outbox_next(&e, feed, enc, &req, &check, &err)) {
            say(stderr, "opsdeck post: ", err.text);
            return POST_EXIT_USAGE;
        }
        if (e.step)
            fputc('\n', stdout);
        post_request_print(stdout, &req);
        post_request_free(&req);
    }
    return POST_EXIT_OK;
}

static int report(enum outbox_progress pr, const struct post_result *res,
                  const struct outbox_entry *e)
{
    switch (pr) {
    case OUTBOX_FINISHED:
        printf("%s\n", res->id[0] ? res->id : e->post.incident_id ? e->post.incident_id : "ok");
        return POST_EXIT_OK;
    case OUTBOX_REJECTED:
        say(stderr, "opsdeck post: rejected: ", res->message);
        return POST_EXIT_REJECTED;
    case OUTBOX_RETRY:
    case OUTBOX_CONTINUE:
        break;
    }
    char msg[512];
    snprintf(msg, sizeof(msg), "%s; kept in the outbox (%s), `opsdeck post flush` sends it",
             res->message, e->post.key);
    say(stderr, "opsdeck post: not sent yet: ", msg);
    return POST_EXIT_QUEUED;
}

static int deliver(struct outbox_entry *e, const struct config_feed *feed, enum post_encoding enc,
                   struct post_result *res)
{
    char token[TOKEN_MAX];
    struct od_error err;
    if (token_load(feed, token, sizeof(token), &err) != OD_OK) {
        say(stderr, "opsdeck post: ", err.text);
        return -1;
    }
    struct post_transport t = {post_http_perform, (void *)feed};
    enum outbox_progress pr = outbox_deliver(e, feed, token, enc, &t, clock_wall_sec(), res);
    token_wipe(token, sizeof(token));
    return (int)pr;
}

static bool is_readonly(const struct post_args *a, const struct config *cfg)
{
    if (!a->readonly && !cfg->readonly)
        return false;
    fprintf(stderr, "opsdeck post: read-only (%s): nothing was posted\n",
            a->readonly ? "--readonly" : "\"readonly\": true in the config");
    return true;
}

static int cmd_outbox(const struct config *cfg)
{
    (void)cfg;
    struct outbox_entry *v;
    struct od_error err;
    size_t n = outbox_list(&v, &err);
    if (err.code != OD_OK)
        say(stderr, "opsdeck post: ", err.text);
    int64_t now = clock_wall_sec();
    for (size_t i = 0; i < n; i++) {
        const struct post *p = &v[i].post;
        char when[48] = "now";
        if (v[i].next_attempt > now)
            tz_format_age(when, sizeof(when), v[i].next_attempt, now);
        char line[1024];
        snprintf(line, sizeof(line), "%s  %s  %s  %s  attempts %d  next %s  %s", p->key,
                 post_kind_name(p->kind), p->feed, p->title ? p->title : p->incident_id ?
                 p->incident_id : "-", v[i].attempts, when,
                 v[i].last_error[0] ? v[i].last_error : "");
        say(stdout, "", line);
    }
    outbox_list_free(v, n);
    return POST_EXIT_OK;
}

static int cmd_flush(const struct post_args *a, const struct config *cfg)
{
    struct outbox_entry *v;
    size_t n = outbox_list(&v, NULL);
    int rc = POST_EXIT_OK;
    int64_t now = clock_wall_sec();
    for (size_t i = 0; i < n; i++) {
        struct outbox_entry *e = &v[i];
        if (!a->all && e->next_attempt > now) {
            rc = rc ? rc : POST_EXIT_QUEUED;
            continue;
        }
        const struct config_feed *feed = config_find_feed(cfg, e->post.feed);
        if (!feed) {
            say(stderr, "opsdeck post: outbox entry for a feed no longer configured: ",
                e->post.feed);
            rc = POST_EXIT_FAIL;
            continue;
        }
        struct post_result res;
        int pr = deliver(e, feed, a->form ? POST_ENC_FORM : POST_ENC_JSON, &res);
        int r = pr < 0 ? POST_EXIT_FAIL : report((enum outbox_progress)pr, &res, e);
        if (r != POST_EXIT_OK && (rc == POST_EXIT_OK || rc == POST_EXIT_QUEUED))
            rc = r;
    }
    outbox_list_free(v, n);
    return rc;
}

int cmd_post(int argc, char **argv)
{
    if (argc < 2 || argv[1][0] == '-') {
        if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
            usage(stdout);
            return POST_EXIT_OK;
        }
        usage(stderr);
        return POST_EXIT_USAGE;
    }
    const char *what = argv[1];
    enum post_kind kind = POST_INCIDENT;
    bool is_kind = post_kind_from_name(what, &kind);
    if (!is_kind && strcmp(what, "outbox") != 0 && strcmp(what, "flush") != 0) {
        say(stderr, "opsdeck post: unknown action: ", what);
        usage(stderr);
        return POST_EXIT_USAGE;
    }
    struct post_args a = {0};
    const char *comps[POST_MAX_COMPONENTS];
    a.components = comps;
    int rc = parse_args(argc - 1, argv + 1, &a);
    if (rc)
        return rc < 0 ? POST_EXIT_OK : rc;

    struct config *cfg = cli_load_config("opsdeck post", a.config);
    if (!cfg)
        return POST_EXIT_FAIL;
    struct od_error err;
    if (strcmp(what, "outbox") == 0) {
        rc = cmd_outbox(cfg);
        config_free(cfg);
        return rc;
    }
    if (is_readonly(&a, cfg) && !(is_kind && a.dry_run)) {
        config_free(cfg);
        return POST_EXIT_READONLY;
    }
    if (!is_kind) {
        rc = cmd_flush(&a, cfg);
        config_free(cfg);
        return rc;
    }
    const struct config_feed *feed = a.feed ? config_find_feed(cfg, a.feed)
                                   : cfg->n_feeds == 1 ? &cfg->feeds[0] : NULL;
    if (!feed) {
        if (a.feed)
            say(stderr, "opsdeck post: no feed with that id in the config: ", a.feed);
        else
            fputs("opsdeck post: give --feed (the config has several feeds)\n", stderr);
        config_free(cfg);
        return POST_EXIT_USAGE;
    }
    enum post_encoding enc = a.form ? POST_ENC_FORM : POST_ENC_JSON;
    struct post p;
    rc = build_post(&a, kind, cfg, feed, &p);
    if (rc == 0) {
        post_new_key(&p);
        /* a request that cannot be built fails here, before the outbox */
        struct outbox_entry probe = {.post = p};
        struct post_request req;
        bool check;
        if (!outbox_next(&probe, feed, enc, &req, &check, &err)) {
            say(stderr, "opsdeck post: ", err.text);
            rc = POST_EXIT_USAGE;
        }
        post_request_free(&req);
    }
    if (rc == 0 && a.dry_run)
        rc = dry_run(&p, feed, enc);
    else if (rc == 0) {
        struct outbox_entry e;
        if (outbox_add(&p, clock_wall_sec(), &e, &err) != OD_OK) {
            say(stderr, "opsdeck post: cannot write the outbox: ", err.text);
            rc = POST_EXIT_FAIL;
        } else {
            struct post_result res;
            int pr = deliver(&e, feed, enc, &res);
            if (pr < 0) {
                outbox_remove(&e);
                rc = POST_EXIT_FAIL;
            } else {
                rc = report((enum outbox_progress)pr, &res, &e);
            }
            outbox_entry_free(&e);
        }
    }
    post_free(&p);
    config_free(cfg);
    return rc;
}
