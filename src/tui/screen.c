/* Curses set-up, rendering, and text dumps (tui_screen.h). */
#include "opsdeck/tui_screen.h"

#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "opsdeck/tui_dash.h"
#include "opsdeck/tui_draw.h"

static SCREEN *screen;
static FILE *null_out, *null_in;

static bool locale_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

bool tui_screen_start(struct dash *d, bool headless, int rows, int cols)
{
    setlocale(LC_ALL, "");
    bool utf8 = locale_utf8();
    if (!utf8 && setlocale(LC_CTYPE, "C.UTF-8"))    /* remote text is UTF-8 */
        utf8 = locale_utf8();
    const char *term = getenv("TERM");
    const char *ascii_env = getenv("OPSDECK_ASCII");
    d->ascii = !utf8 || (term && strncmp(term, "linux", 5) == 0) || (ascii_env && ascii_env[0]);
    if (headless) {
        null_out = fopen("/dev/null", "w");
        null_in = fopen("/dev/null", "r");
        if (!null_out || !null_in)
            return false;
        screen = newterm("xterm-256color", null_out, null_in);
    } else {
        screen = newterm(NULL, stdout, stdin);
    }
    if (!screen)
        return false;
    set_term(screen);
    if (headless)
        resizeterm(rows, cols);
    cbreak();
    noecho();
    nonl();
    intrflush(stdscr, FALSE);
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    leaveok(stdscr, TRUE);
    if (has_colors()) {
        start_color();
        use_default_colors();
    }
    tui_colors_init(&d->theme, getenv("NO_COLOR"));
    dash_resize(d, LINES, COLS);
    return true;
}

void tui_screen_stop(void)
{
    if (!screen)
        return;
    endwin();
    delscreen(screen);
    screen = NULL;
    if (null_out)
        fclose(null_out);
    if (null_in)
        fclose(null_in);
    null_out = null_in = NULL;
}

void tui_screen_resized(struct dash *d)
{
    dash_resize(d, LINES, COLS);
}

void tui_screen_render(struct dash *d, bool clear, tui_overlay_fn *overlay, void *ud)
{
    bool all = clear || d->dirty == DIRTY_ALL;
    if (!clear && !d->dirty && !d->bell)
        return;
    if (all)
        werase(stdscr);
    draw_frame(stdscr, d, all);
    if (overlay)
        overlay(ud);
    if (clear)
        clearok(curscr, TRUE);
    wnoutrefresh(stdscr);
    if (d->bell) {
        beep();
        d->bell = false;
    }
    doupdate();
}

void tui_dump_window(WINDOW *w, FILE *out)
{
    int rows = getmaxy(w), cols = getmaxx(w);
    for (int y = 0; y < rows; y++) {
        char line[4096];
        size_t n = 0, keep = 0;
        for (int x = 0; x < cols && n + 16 < sizeof(line); x++) {
            cchar_t cc;
            wchar_t wch[CCHARW_MAX + 1];
            attr_t attrs;
            short pair;
            if (mvwin_wch(w, y, x, &cc) == ERR)
                break;
            if (getcchar(&cc, wch, &attrs, &pair, NULL) == ERR)
                continue;
            int cw = wcwidth(wch[0]);
            for (int k = 0; wch[k] && k < CCHARW_MAX; k++) {
                mbstate_t ps;
                memset(&ps, 0, sizeof(ps));
                size_t m = wcrtomb(line + n, wch[k], &ps);
                if (m != (size_t)-1)
                    n += m;
            }
            if (wch[0] != L' ')
                keep = n;
            if (cw == 2)
                x++;        /* the next cell is the right half of this character */
        }
        line[keep] = '\0';
        fprintf(out, "%s\n", line);
    }
}
