/* Config: defaults, every error path with its file:line:column, unknown keys,
 * lookup order, globs and pane pattern matching. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "opsdeck/config.h"
#include "opsdeck/model.h"

static struct config *parse(const char *text, struct od_error *err)
{
    return config_parse(text, strlen(text), "config.json", err);
}

/* Parse text, expect failure, return "config.json:L:C: message". */
static const char *fails(const char *text)
{
    static char buf[512];   /* test helper only */
    struct od_error err;
    struct config *c = parse(text, &err);
    if (c) {
        config_free(c);
        return "(parsed)";
    }
    assert_int_equal(err.code, OD_CONFIG);
    od_error_format(buf, sizeof(buf), &err);
    return buf;
}

static void test_default(void **state)
{
    (void)state;
    struct config *c = config_default();
    assert_string_equal(c->source, "<built-in>");
    assert_int_equal(c->n_feeds, 1);
    assert_string_equal(c->feeds[0].id, "maxmail");
    assert_int_equal(c->feeds[0].kind, FEED_STATUSPAGE);
    assert_string_equal(c->feeds[0].url, "http://127.0.0.1:8931");
    assert_int_equal(c->feeds[0].interval, 30);
    assert_int_equal(c->feeds[0].timeout, CONFIG_DEFAULT_TIMEOUT);
    assert_int_equal(c->n_panes, 5);
    const char *titles[] = {"Amsterdam", "California", "I-3 hosted email", "MaxMail filtering",
                            "Archive journaling"};
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(c->panes[i].title, titles[i]);
        assert_int_equal(c->panes[i].n_patterns, 1);
        assert_string_equal(c->panes[i].patterns[0].feed, "maxmail");
    }
    assert_string_equal(c->panes[0].patterns[0].glob, "Amsterdam*");
    assert_int_equal(c->n_timezones, 2);
    assert_string_equal(c->timezones[0], "America/Los_Angeles");
    assert_string_equal(c->timezones[1], "Europe/London");
    assert_string_equal(c->theme, "default");
    assert_true(c->alert_bell);
    assert_false(c->readonly);
    assert_string_equal(c->title, "MaxMail");
    assert_ptr_equal(config_find_feed(c, "maxmail"), &c->feeds[0]);
    assert_null(config_find_feed(c, "nope"));
    assert_string_equal(config_feed_label(&c->feeds[0]), "MaxMail");
    config_free(c);
}

static void test_issue_example_and_defaults(void **state)
{
    (void)state;
    struct od_error err;
    struct config *c = parse(
        "{ \"timezones\": [\"America/Los_Angeles\", \"Europe/London\"],\n"
        "  \"theme\": \"default\",\n"
        "  \"feeds\": [ { \"id\": \"maxmail\", \"kind\": \"statuspage\",\n"
        "               \"url\": \"http://127.0.0.1:8931/\", \"interval\": 30 } ],\n"
        "  \"panes\": [ { \"title\": \"Amsterdam\", \"components\": [\"maxmail:Amsterdam*\"] } ] }\n",
        &err);
    assert_non_null(c);
    assert_int_equal(err.code, OD_OK);
    assert_string_equal(c->feeds[0].url, "http://127.0.0.1:8931");   /* trailing / cut */
    assert_int_equal(c->feeds[0].max_body, CONFIG_DEFAULT_MAX_BODY);
    assert_null(c->feeds[0].ca_file);
    assert_null(c->feeds[0].name);
    assert_int_equal(c->feeds[0].line, 3);
    assert_int_equal(c->feeds[0].column, 14);
    assert_null(c->title);
    config_free(c);

    /* minimal: zones default to UTC, one pane per feed */
    c = parse("{\"feeds\":[{\"id\":\"gh\",\"url\":\"https://www.githubstatus.com\"},"
              "{\"id\":\"cq\",\"kind\":\"cachet\",\"url\":\"file:///srv/x\",\"name\":\"Cachet\","
              "\"time_zone\":\"Europe/Amsterdam\",\"timeout\":5,\"max_body\":2048,"
              "\"token_env\":\"CQ_TOKEN\",\"page_id\":\"abc123\",\"ca_file\":\"ca.pem\"}],"
              "\"alerts\":{\"bell\":false},\"readonly\":true,\"title\":\"NOC\"}",
              &err);
    assert_non_null(c);
    assert_int_equal(c->n_timezones, 1);
    assert_string_equal(c->timezones[0], "UTC");
    assert_int_equal(c->n_panes, 2);
    assert_string_equal(c->panes[0].title, "gh");
    assert_string_equal(c->panes[0].patterns[0].feed, "gh");
    assert_string_equal(c->panes[0].patterns[0].glob, "*");
    assert_string_equal(c->panes[1].title, "Cachet");
    assert_int_equal(c->feeds[1].kind, FEED_CACHET);
    assert_int_equal(c->feeds[1].timeout, 5);
    assert_int_equal(c->feeds[1].max_body, 2048);
    assert_string_equal(c->feeds[1].time_zone, "Europe/Amsterdam");
    assert_string_equal(c->feeds[1].token_env, "CQ_TOKEN");
    assert_string_equal(c->feeds[1].page_id, "abc123");
    assert_string_equal(c->feeds[1].ca_file, "ca.pem");
    assert_false(c->alert_bell);
    assert_true(c->readonly);
    assert_string_equal(c->title, "NOC");
    assert_string_equal(feed_kind_name(c->feeds[1].kind), "cachet");
    config_free(c);
}

static void test_title_sanitised(void **state)
{
    (void)state;
    struct od_error err;
    struct config *c = parse("{\"title\":\"NOC\\u001b]0;pwned\\u0007 wall\","
                             "\"feeds\":[{\"id\":\"a\",\"url\":\"http://x\"}]}",
                             &err);
    assert_non_null(c);
    assert_null(strchr(c->title, 0x1b));
    assert_null(strchr(c->title, 0x07));
    assert_non_null(strstr(c->title, "wall"));
    config_free(c);
}

static void test_syntax_errors(void **state)
{
    (void)state;
    /* jansson's own position */
    assert_string_equal(fails("{\n  \"feeds\": [\n    {\"id\": \"a\",, }\n"),
                        "config.json:3:16: invalid JSON: string or '}' expected near ','");
    assert_string_equal(fails(""),
                        "config.json:1: invalid JSON: unexpected token near end of file");
    assert_string_equal(fails("{\"feeds\": [], \"feeds\": []}"),
                        "config.json:1:21: invalid JSON: duplicate object key near '\"feeds\"'");
    assert_string_equal(fails("[1]"),
                        "config.json:1:1: expected a JSON object at the top, got an array");
}

static const char *feed_doc(const char *inner)
{
    static char buf[1024];  /* test helper only */
    snprintf(buf, sizeof(buf),
             "{\n"
             "  \"feeds\": [\n"
             "    {\n"
             "      \"id\": \"maxmail\",\n"
             "      \"url\": \"http://127.0.0.1:8931\"%s%s\n"
             "    }\n"
             "  ]\n"
             "}\n",
             inner[0] ? ",\n      " : "", inner);
    return buf;
}

static void test_feed_errors(void **state)
{
    (void)state;
    /* values: line 6, the value's column */
    assert_string_equal(fails(feed_doc("\"interval\": \"30\"")),
                        "config.json:6:19: feeds[0].interval: expected a positive integer "
                        "(at most 86400)");
    assert_string_equal(fails(feed_doc("\"interval\": 0")),
                        "config.json:6:19: feeds[0].interval: expected a positive integer "
                        "(at most 86400)");
    assert_string_equal(fails(feed_doc("\"interval\": 1.5")),
                        "config.json:6:19: feeds[0].interval: expected a positive integer "
                        "(at most 86400)");
    assert_string_equal(fails(feed_doc("\"timeout\": -3")),
                        "config.json:6:18: feeds[0].timeout: expected a positive integer "
                        "(at most 600)");
    assert_string_equal(fails(feed_doc("\"max_body\": 10")),
                        "config.json:6:19: feeds[0].max_body: expected an integer from 1024 "
                        "to 268435456");
    assert_string_equal(fails(feed_doc("\"kind\": \"rss\"")),
                        "config.json:6:15: feeds[0].kind: expected \"statuspage\" or \"cachet\"");
    assert_string_equal(fails(feed_doc("\"name\": 7")),
                        "config.json:6:15: feeds[0].name: expected a string, got an integer");
    assert_string_equal(fails(feed_doc("\"time_zone\": \"Mars/Olympus\"")),
                        "config.json:6:20: feeds[0].time_zone: expected an IANA time zone "
                        "name known to the system");
    assert_string_equal(fails(feed_doc("\"token_env\": \"MY-TOKEN\"")),
                        "config.json:6:20: feeds[0].token_env: expected an environment "
                        "variable name (letters, digits, _)");
    assert_string_equal(fails(feed_doc("\"token_env\": \"T\", \"token_file\": \"/t\"")),
                        "config.json:6:25: feeds[0].token_file: token_env and token_file "
                        "are exclusive: give one");
    assert_string_equal(fails(feed_doc("\"page_id\": \"a b\"")),
                        "config.json:6:18: feeds[0].page_id: expected a page id of A-Z a-z "
                        "0-9 _ . -");
    assert_string_equal(fails(feed_doc("\"ca_file\": \"\"")),
                        "config.json:6:18: feeds[0].ca_file: expected a non-empty string");
    /* ids, URLs and paths are kept verbatim, so control characters are errors */
    assert_string_equal(fails(feed_doc("\"ca_file\": \"ca\\u001b[2J.pem\"")),
                        "config.json:6:18: feeds[0].ca_file: expected text without control "
                        "or format characters");
    assert_string_equal(fails("{\"feeds\":[{\"id\":\"a\",\"url\":\"http://x/\\u202e\"}]}"),
                        "config.json:1:27: feeds[0].url: expected text without control or "
                        "format characters");
    /* unknown key: the key's position */
    assert_string_equal(fails(feed_doc("\"intervall\": 30")),
                        "config.json:6:7: feeds[0].intervall: unknown key (expected one of: "
                        "id, kind, url, interval, timeout, max_body, ca_file, time_zone, "
                        "page_id, token_env, token_file, name, summary_only, manage_url)");

    /* url */
    assert_string_equal(
        fails("{\"feeds\":[{\"id\":\"a\",\"url\":\"ftp://x\"}]}"),
        "config.json:1:27: feeds[0].url: expected an http://, https:// or file:// base URL "
        "without spaces");
    /* missing required keys: the object's position */
    assert_string_equal(fails("{\"feeds\":[{\"id\":\"a\"}]}"),
                        "config.json:1:11: feeds[0]: missing \"url\" (expected a string)");
    assert_string_equal(fails("{\"feeds\":[\n {\"url\":\"http://x\"}]}"),
                        "config.json:2:2: feeds[0]: missing \"id\" (expected a string)");
    assert_string_equal(fails("{\"feeds\":[{\"id\":\"a b\",\"url\":\"http://x\"}]}"),
                        "config.json:1:17: feeds[0].id: expected 1 to 32 of A-Z a-z 0-9 _ . "
                        "- + in a feed id");
    assert_string_equal(fails("{\"feeds\":[{\"id\":\"a\",\"url\":\"http://x\"},\n"
                              "           {\"id\":\"a\",\"url\":\"http://y\"}]}"),
                        "config.json:2:18: feeds[1].id: duplicate feed id \"a\" (also feeds[0])");
    assert_string_equal(fails("{\"feeds\":[]}"),
                        "config.json:1:10: feeds: expected at least one feed");
    assert_string_equal(fails("{\"feeds\":{}}"),
                        "config.json:1:10: feeds: expected an array of feed objects, got an "
                        "object");
    assert_string_equal(fails("{\"feeds\":[\"http://x\"]}"),
                        "config.json:1:11: feeds[0]: expected a feed object, got a string");
    assert_string_equal(fails("{\"theme\":\"default\"}"),
                        "config.json:1:1: missing \"feeds\" (expected an array of feed objects)");
}

static const char *top_doc(const char *extra)
{
    static char buf[1024];  /* test helper only */
    snprintf(buf, sizeof(buf),
             "{\"feeds\": [{\"id\": \"mx\", \"url\": \"http://x\"}],\n  %s\n}", extra);
    return buf;
}

static void test_top_and_pane_errors(void **state)
{
    (void)state;
    assert_string_equal(fails(top_doc("\"colour\": 1")),
                        "config.json:2:3: colour: unknown key (expected one of: timezones, "
                        "theme, feeds, panes, alerts, readonly, title)");
    assert_string_equal(fails(top_doc("\"timezones\": \"UTC\"")),
                        "config.json:2:16: timezones: expected an array of zone names, got a "
                        "string");
    assert_string_equal(fails(top_doc("\"timezones\": []")),
                        "config.json:2:16: timezones: expected at least one zone name");
    assert_string_equal(fails(top_doc("\"timezones\": [\"UTC\", \"Europe/Lundon\"]")),
                        "config.json:2:24: timezones[1]: expected an IANA time zone name known "
                        "to the system (like \"Europe/London\" or \"UTC\")");
    assert_string_equal(fails(top_doc("\"timezones\": [\"../../etc/passwd\"]")),
                        "config.json:2:17: timezones[0]: expected an IANA time zone name known "
                        "to the system (like \"Europe/London\" or \"UTC\")");
    assert_string_equal(fails(top_doc("\"timezones\": [3]")),
                        "config.json:2:17: timezones[0]: expected a zone name string, got an "
                        "integer");
    assert_string_equal(fails(top_doc("\"theme\": \"../x\"")),
                        "config.json:2:12: theme: expected a theme name of A-Z a-z 0-9 _ . -");
    assert_string_equal(fails(top_doc("\"readonly\": \"yes\"")),
                        "config.json:2:15: readonly: expected true or false, got a string");
    assert_string_equal(fails(top_doc("\"alerts\": []")),
                        "config.json:2:13: alerts: expected an object, got an array");
    assert_string_equal(fails(top_doc("\"alerts\": {\"bel\": true}")),
                        "config.json:2:14: alerts.bel: unknown key (expected one of: bell)");
    assert_string_equal(fails(top_doc("\"alerts\": {\"bell\": 1}")),
                        "config.json:2:22: alerts.bell: expected true or false, got an integer");
    assert_string_equal(fails(top_doc("\"title\": null")),
                        "config.json:2:12: title: expected a string, got null");
    assert_string_equal(fails(top_doc("\"panes\": {}")),
                        "config.json:2:12: panes: expected an array of pane objects, got an "
                        "object");
    assert_string_equal(fails(top_doc("\"panes\": [7]")),
                        "config.json:2:13: panes[0]: expected a pane object, got an integer");
    assert_string_equal(fails(top_doc("\"panes\": [{\"components\": [\"*\"]}]")),
                        "config.json:2:13: panes[0]: missing \"title\" (expected a string)");
    assert_string_equal(fails(top_doc("\"panes\": [{\"title\": \"A\"}]")),
                        "config.json:2:13: panes[0]: missing \"components\" (expected an "
                        "array of patterns)");
    assert_string_equal(fails(top_doc("\"panes\": [{\"title\": \"A\", \"components\": \"*\"}]")),
                        "config.json:2:42: panes[0].components: expected an array of "
                        "patterns, got a string");
    assert_string_equal(fails(top_doc("\"panes\": [{\"title\": \"A\", \"components\": []}]")),
                        "config.json:2:42: panes[0].components: expected at least one pattern");
    assert_string_equal(
        fails(top_doc("\"panes\": [{\"title\": \"A\", \"components\": [\"x\", 2]}]")),
        "config.json:2:48: panes[0].components[1]: expected a pattern string \"FEED:GLOB\" or "
        "\"GLOB\", got an integer");
    assert_string_equal(fails(top_doc("\"panes\": [{\"title\": \"A\", \"components\": [\"\"]}]")),
                        "config.json:2:43: panes[0].components[0]: expected a non-empty "
                        "pattern \"FEED:GLOB\" or \"GLOB\"");
    assert_string_equal(fails(top_doc("\"panes\": [{\"title\": \"A\", \"components\": [\"mx:\"]}]")),
                        "config.json:2:43: panes[0].components[0]: expected a glob after "
                        "\"mx:\"");
    assert_string_equal(
        fails(top_doc("\"panes\": [{\"title\": \"A\", \"components\": [\"*\"], \"x\": 1}]")),
        "config.json:2:49: panes[0].x: unknown key (expected one of: title, components)");
    assert_string_equal(
        fails(top_doc("\"panes\": [{\"title\": \"A\", \"components\": [\"x\\u0007\"]}]")),
        "config.json:2:43: panes[0].components[0]: expected a pattern without control or "
        "format characters");
    /* an unknown key with an escape and a control character is named safely */
    const char *m = fails(top_doc("\"b\\u001b[2Jad\": 1"));
    assert_null(strchr(m, 0x1b));
    assert_non_null(strstr(m, "config.json:2:3: "));
}

static void test_file_and_lookup(void **state)
{
    (void)state;
    char dir[256];
    const char *tmpdir = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/odcfgXXXXXX", tmpdir && tmpdir[0] ? tmpdir : "/tmp");
    assert_non_null(mkdtemp(dir));
    char path[512], sub[512], buf[1024];
    struct od_error err;

    /* missing explicit file */
    snprintf(path, sizeof(path), "%s/nope.json", dir);
    assert_null(config_load(path, &err));
    assert_int_equal(err.code, OD_CONFIG);
    od_error_format(buf, sizeof(buf), &err);
    assert_non_null(strstr(buf, "nope.json: cannot open: No such file or directory"));

    /* XDG_CONFIG_HOME without a file: the built-in default */
    setenv("XDG_CONFIG_HOME", dir, 1);
    assert_false(config_locate(NULL, buf, sizeof(buf)));
    assert_string_equal(buf, "");
    struct config *c = config_load(NULL, &err);
    assert_non_null(c);
    assert_string_equal(c->source, "<built-in>");
    config_free(c);

    /* with a file */
    snprintf(sub, sizeof(sub), "%s/opsdeck", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(path, sizeof(path), "%s/opsdeck/config.json", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("{\"feeds\":[{\"id\":\"x\",\"url\":\"file:///tmp\"}],\n\"bogus\":1}\n", fp);
    fclose(fp);
    assert_true(config_locate(NULL, buf, sizeof(buf)));
    assert_string_equal(buf, path);
    assert_null(config_load(NULL, &err));
    od_error_format(buf, sizeof(buf), &err);
    char want[1024];
    snprintf(want, sizeof(want), "%s:2:1: bogus: unknown key", path);
    assert_memory_equal(buf, want, strlen(want));

    /* --config wins over XDG */
    snprintf(sub, sizeof(sub), "%s/other.json", dir);
    fp = fopen(sub, "w");
    assert_non_null(fp);
    fputs("{\"feeds\":[{\"id\":\"y\",\"url\":\"file:///tmp\"}]}", fp);
    fclose(fp);
    c = config_load(sub, &err);
    assert_non_null(c);
    assert_string_equal(c->feeds[0].id, "y");
    assert_string_equal(c->feeds[0].url, "file:///tmp");
    config_free(c);

    /* a relative XDG_CONFIG_HOME is ignored; HOME/.config is used */
    setenv("XDG_CONFIG_HOME", "relative", 1);
    setenv("HOME", dir, 1);
    assert_false(config_locate(NULL, buf, sizeof(buf)));
    snprintf(sub, sizeof(sub), "%s/.config", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(sub, sizeof(sub), "%s/.config/opsdeck", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(sub, sizeof(sub), "%s/.config/opsdeck/config.json", dir);
    fp = fopen(sub, "w");
    assert_non_null(fp);
    fputs("{}", fp);
    fclose(fp);
    assert_true(config_locate(NULL, buf, sizeof(buf)));
    assert_string_equal(buf, sub);

    unlink(sub);
    snprintf(sub, sizeof(sub), "%s/.config/opsdeck", dir);
    rmdir(sub);
    snprintf(sub, sizeof(sub), "%s/.config", dir);
    rmdir(sub);
    unlink(path);
    snprintf(sub, sizeof(sub), "%s/opsdeck", dir);
    rmdir(sub);
    snprintf(sub, sizeof(sub), "%s/other.json", dir);
    unlink(sub);
    rmdir(dir);
}

static void test_glob(void **state)
{
    (void)state;
    assert_true(config_glob_match("*", ""));
    assert_true(config_glob_match("*", "anything"));
    assert_true(config_glob_match("Amsterdam*", "Amsterdam datacenter"));
    assert_true(config_glob_match("amsterdam*", "AMSTERDAM datacenter"));   /* case */
    assert_false(config_glob_match("Amsterdam*", "New Amsterdam"));
    assert_true(config_glob_match("*dam*", "New Amsterdam"));
    assert_true(config_glob_match("I-3 ?osted*", "I-3 hosted email"));
    assert_false(config_glob_match("I-3", "I-3 hosted email"));
    assert_true(config_glob_match("[CA]*", "California"));
    assert_true(config_glob_match("[a-c]*", "California"));
    assert_false(config_glob_match("[!a-c]*", "California"));
    assert_true(config_glob_match("[^x]x", "yx"));
    assert_true(config_glob_match("a\\*b", "a*b"));
    assert_false(config_glob_match("a\\*b", "axb"));
    assert_true(config_glob_match("caf?", "caf\xc3\xa9"));      /* ? is one character */
    assert_false(config_glob_match("caf??", "caf\xc3\xa9"));
    assert_true(config_glob_match("*a*a*a*b", "aaaaaaaaaaaaaaaaaaab"));
    assert_false(config_glob_match("*a*a*a*b", "aaaaaaaaaaaaaaaaaaaa"));
    assert_true(config_glob_match("[", "["));                   /* unclosed: literal */
    assert_true(config_glob_match("*.json", "x.json"));
}

static void test_pattern_match(void **state)
{
    (void)state;
    struct od_error err;
    struct config *c = parse(
        "{\"feeds\":[{\"id\":\"maxmail\",\"url\":\"http://x\"},{\"id\":\"gh\",\"url\":\"http://y\"}],"
        "\"panes\":[{\"title\":\"AMS\",\"components\":[\"maxmail:Amsterdam datacenter\"]},"
        "{\"title\":\"Any\",\"components\":[\"API*\"]},"
        "{\"title\":\"Colon\",\"components\":[\"API: v2\", \":gh:x\"]},"
        "{\"title\":\"Id\",\"components\":[\"gh:brv1bkgrwx7q\"]}]}",
        &err);
    assert_non_null(c);
    const struct config_pane *ams = &c->panes[0], *any = &c->panes[1], *colon = &c->panes[2],
                             *byid = &c->panes[3];
    assert_string_equal(colon->patterns[0].glob, "API: v2");   /* "API" is no feed */
    assert_null(colon->patterns[0].feed);
    assert_string_equal(colon->patterns[1].glob, "gh:x");      /* ":" forces any feed */
    assert_null(colon->patterns[1].feed);

    struct component group = {.id = "g1", .name = "Amsterdam datacenter", .group = true};
    struct component child = {.id = "c1", .name = "Inbound MX", .group_id = "g1"};
    struct component other = {.id = "c2", .name = "Outbound"};
    struct component api = {.id = "brv1bkgrwx7q", .name = "API Requests"};
    struct component apiv2 = {.id = "zz", .name = "API: v2"};

    /* a group's name matches the group and all of its children */
    assert_true(config_pane_match(ams, "maxmail", &group, NULL));
    assert_true(config_pane_match(ams, "maxmail", &child, &group));
    assert_false(config_pane_match(ams, "maxmail", &child, NULL));
    assert_false(config_pane_match(ams, "maxmail", &other, NULL));
    /* FEED: limits to that feed */
    assert_false(config_pane_match(ams, "gh", &group, NULL));
    assert_false(config_pane_match(ams, "gh", &child, &group));
    /* GLOB alone: any feed */
    assert_true(config_pane_match(any, "gh", &api, NULL));
    assert_true(config_pane_match(any, "maxmail", &api, NULL));
    assert_true(config_pane_match(colon, "gh", &apiv2, NULL));
    /* by id */
    assert_true(config_pane_match(byid, "gh", &api, NULL));
    assert_false(config_pane_match(byid, "maxmail", &api, NULL));
    assert_false(config_pattern_match(&byid->patterns[0], "gh", NULL, NULL));
    config_free(c);
}

static char *slurp(const char *rel)
{
    const char *src = getenv("OPSDECK_SRC");
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", src ? src : ".", rel);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        fail_msg("cannot open %s", path);
    static char buf[1 << 16];   /* test helper only */
    size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    return buf;
}

/* doc/config.example.json loads, and the man page example too; every key is
 * documented in doc/opsdeck.json.5. */
static void test_docs(void **state)
{
    (void)state;
    struct od_error err;
    const char *src = getenv("OPSDECK_SRC");
    char path[4096];
    snprintf(path, sizeof(path), "%s/doc/config.example.json", src ? src : ".");
    struct config *c = config_load_file(path, &err);
    if (!c)
        fail_msg("%s:%d:%d: %s", err.source, err.line, err.column, err.text);
    assert_int_equal(c->n_feeds, 3);
    assert_int_equal(c->feeds[2].kind, FEED_CACHET);
    assert_int_equal(c->n_panes, 6);
    assert_string_equal(c->panes[3].patterns[1].feed, "partner");
    config_free(c);

    char *man = slurp("doc/opsdeck.json.5");
    const char *ex = strstr(man, ".SH EXAMPLE\n.nf\n");
    assert_non_null(ex);
    ex += strlen(".SH EXAMPLE\n.nf\n");
    const char *end = strstr(ex, ".fi\n");
    assert_non_null(end);
    char json[8192];
    size_t n = 0;
    for (const char *p = ex; p < end && n + 1 < sizeof(json); p++) {
        if (p[0] == '\\' && p[1] == '-')      /* roff's \- is a plain '-' */
            p++;
        json[n++] = *p;
    }
    json[n] = '\0';
    c = config_parse(json, n, "opsdeck.json.5", &err);
    if (!c)
        fail_msg("%s:%d:%d: %s", err.source, err.line, err.column, err.text);
    assert_string_equal(c->panes[2].title, "I-3 hosted email");
    config_free(c);

    const char *keys[] = {"feeds", "panes", "timezones", "theme", "title", "alerts", "bell",
                          "readonly", "id", "kind", "url", "interval", "timeout", "max_body",
                          "ca_file", "time_zone", "page_id", "token_env", "token_file", "name",
                          "components"};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        char want[64];
        snprintf(want, sizeof(want), ".BR %s \"", keys[i]);
        if (!strstr(man, want))
            fail_msg("doc/opsdeck.json.5 does not document \"%s\"", keys[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default),
        cmocka_unit_test(test_issue_example_and_defaults),
        cmocka_unit_test(test_title_sanitised),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_feed_errors),
        cmocka_unit_test(test_top_and_pane_errors),
        cmocka_unit_test(test_file_and_lookup),
        cmocka_unit_test(test_glob),
        cmocka_unit_test(test_pattern_match),
        cmocka_unit_test(test_docs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
