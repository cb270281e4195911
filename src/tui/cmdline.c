/* The input line: `/` filter and `:` commands. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "opsdeck/config.h"
#include "opsdeck/curses.h"
#include "opsdeck/text.h"
#include "opsdeck/tui_dash.h"
#include "opsdeck/tz.h"
#include "opsdeck/xalloc.h"

unsigned dash_cmdline_key(struct dash *d, int ch, bool is_key);

static bool ci_contains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; hay && *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return false;
}

static unsigned cmd_pane(struct dash *d, const char *arg)
{
    for (size_t i = 0; i < d->st->n_panes; i++)
        if (ci_contains(d->st->panes[i].cfg->title, arg)) {
            d->view = VIEW_MAIN;
            d->focus = (int)i;
            d->pane_sel = 0;
            d->dirty |= DIRTY_ALL;
            return 0;
        }
    dash_message(d, true, "no pane matches \"%s\"", arg);
    return 0;
}

static unsigned cmd_feed(struct dash *d, const char *arg)
{
    for (size_t i = 0; i < d->st->n_feeds; i++)
        if (strcasecmp(d->st->feeds[i].cfg->id, arg) == 0 ||
            ci_contains(state_feed_label(d->st, i), arg)) {
            d->view = VIEW_FEEDS;
            d->list_sel = i;
            d->body_scroll = 0;
            d->dirty |= DIRTY_ALL;
            return 0;
        }
    dash_message(d, true, "no feed matches \"%s\"", arg);
    return 0;
}

static unsigned cmd_theme(struct dash *d, const char *arg)
{
    struct theme t;
    struct od_error err;
    if (theme_load(&t, arg, &err) != OD_OK) {
        if (err.line)
            dash_message(d, true, "%s:%d:%d: %s", err.source, err.line, err.column, err.text);
        else
            dash_message(d, true, "%s", err.text);
        return 0;
    }
    d->theme = t;
    d->dirty |= DIRTY_ALL;
    dash_message(d, false, "theme %s", t.name);
    return DASH_THEME;
}

static unsigned cmd_tz(struct dash *d, char *args)
{
    char *zones[DASH_MAX_ZONES];
    size_t n = 0;
    for (char *save = NULL, *z = strtok_r(args, " ", &save); z; z = strtok_r(NULL, " ", &save)) {
        if (n == DASH_MAX_ZONES) {
            dash_message(d, true, "at most %d zones", DASH_MAX_ZONES);
            return 0;
        }
        if (strcmp(z, "UTC") != 0 && !tz_valid(z)) {
            dash_message(d, true, "unknown time zone \"%s\"", z);
            return 0;
        }
        zones[n++] = z;
    }
    for (size_t i = 0; i < d->n_zones; i++)
        free(d->zones[i]);
    d->n_zones = 0;
    if (n == 0)     /* back to the configured zones */
        for (size_t i = 0; i < d->cfg->n_timezones && d->n_zones < DASH_MAX_ZONES; i++)
            d->zones[d->n_zones++] = xstrdup(d->cfg->timezones[i]);
    for (size_t i = 0; i < n; i++)
        d->zones[d->n_zones++] = xstrdup(zones[i]);
    d->dirty |= DIRTY_ALL;
    return 0;
}

unsigned dash_command(struct dash *d, const char *line)
{
    char buf[DASH_INPUT_MAX + 1];
    snprintf(buf, sizeof(buf), "%s", line);
    char *p = buf;
    while (*p == ' ' || *p == ':')
        p++;
    char *arg = p;
    while (*arg && *arg != ' ')
        arg++;
    if (*arg)
        *arg++ = '\0';
    while (*arg == ' ')
        arg++;
    for (char *e = arg + strlen(arg); e > arg && e[-1] == ' ';)
        *--e = '\0';
    const char *cmd = p;
    if (!cmd[0])
        return 0;
    bool need_arg = !strcmp(cmd, "pane") || !strcmp(cmd, "feed") || !strcmp(cmd, "theme");
    if (need_arg && !arg[0]) {
        dash_message(d, true, ":%s needs an argument", cmd);
        return 0;
    }
    if (!strcmp(cmd, "pane"))
        return cmd_pane(d, arg);
    if (!strcmp(cmd, "feed"))
        return cmd_feed(d, arg);
    if (!strcmp(cmd, "theme"))
        return cmd_theme(d, arg);
    if (!strcmp(cmd, "tz"))
        return cmd_tz(d, arg);
    if (!strcmp(cmd, "filter")) {
        dash_set_filter(d, arg);
        return 0;
    }
    if (!strcmp(cmd, "maint") || !strcmp(cmd, "feeds") || !strcmp(cmd, "main")) {
        d->view = !strcmp(cmd, "maint") ? VIEW_MAINT : !strcmp(cmd, "feeds") ? VIEW_FEEDS : VIEW_MAIN;
        d->list_sel = 0;
        d->body_scroll = 0;
        d->dirty |= DIRTY_ALL;
        return 0;
    }
    if (!strcmp(cmd, "refresh"))
        return DASH_REFRESH;
    if (!strcmp(cmd, "ack")) {
        dash_acknowledge(d);
        return 0;
    }
    if (!strcmp(cmd, "help")) {
        d->help = true;
        d->dirty |= DIRTY_ALL;
        return 0;
    }
    if (!strcmp(cmd, "q") || !strcmp(cmd, "quit"))
        return DASH_QUIT;
    char *safe = text_sanitize(cmd, strlen(cmd), TEXT_SINGLE_LINE, 40);
    dash_message(d, true, "unknown command \"%s\" (pane, feed, theme, tz, filter, maint, feeds, "
                          "refresh, ack, q)", safe);
    free(safe);
    return 0;
}

/* Append code point c as UTF-8 when it fits. */
static void input_put(struct dash *d, int c)
{
    char u[4];
    size_t n;
    if (c < 0x80) {
        u[0] = (char)c;
        n = 1;
    } else if (c < 0x800) {
        u[0] = (char)(0xc0 | c >> 6);
        u[1] = (char)(0x80 | (c & 0x3f));
        n = 2;
    } else if (c < 0x10000) {
        u[0] = (char)(0xe0 | c >> 12);
        u[1] = (char)(0x80 | (c >> 6 & 0x3f));
        u[2] = (char)(0x80 | (c & 0x3f));
        n = 3;
    } else {
        u[0] = (char)(0xf0 | c >> 18);
        u[1] = (char)(0x80 | (c >> 12 & 0x3f));
        u[2] = (char)(0x80 | (c >> 6 & 0x3f));
        u[3] = (char)(0x80 | (c & 0x3f));
        n = 4;
    }
    if (d->input_len + n > DASH_INPUT_MAX)
        return;
    memcpy(d->input_buf + d->input_len, u, n);
    d->input_len += n;
    d->input_buf[d->input_len] = '\0';
}

unsigned dash_cmdline_key(struct dash *d, int ch, bool is_key)
{
    d->dirty |= DIRTY_FOOTER;
    if ((is_key && ch == KEY_BACKSPACE) || (!is_key && (ch == 127 || ch == 8))) {
        while (d->input_len > 0 && ((unsigned char)d->input_buf[--d->input_len] & 0xc0) == 0x80)
            ;
        d->input_buf[d->input_len] = '\0';
        return 0;
    }
    if (!is_key && ch == 27) {          /* cancel */
        d->input = INPUT_NONE;
        return 0;
    }
    if (!is_key && ch == 21) {          /* Ctrl-U */
        d->input_len = 0;
        d->input_buf[0] = '\0';
        return 0;
    }
    if ((!is_key && (ch == '\r' || ch == '\n')) || (is_key && ch == KEY_ENTER)) {
        enum dash_input kind = d->input;
        d->input = INPUT_NONE;
        if (kind == INPUT_FILTER) {
            dash_set_filter(d, d->input_buf);
            return 0;
        }
        return dash_command(d, d->input_buf);
    }
    if (!is_key && ch >= 0x20 && ch != 0x7f && !(ch >= 0x80 && ch < 0xa0) && ch <= 0x10ffff)
        input_put(d, ch);
    return 0;
}
