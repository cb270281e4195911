/* termscan: check the raw bytes a program wrote to a terminal (stdin) and fail
 * (exit 1, naming the first offence and its offset) on anything that could act
 * on the terminal beyond the program's own drawing.
 *
 *   termscan          plain output (snapshot, tail): no ESC at all, no C0 but
 *                     '\n' and '\t', plus the common rules below
 *   termscan --pty    plain output read back from a pty (tmux pipe-pane): the
 *                     same, but each '\n' may come as "\r\n"
 *   termscan --tty    a curses program's output: its own CSI sequences, charset
 *                     designations and keypad/cursor-save escapes are allowed,
 *                     as are '\r' '\b' BEL SO SI; OSC (titles, clipboard), DCS,
 *                     SOS/PM/APC and any other escape are not
 *
 * Common rules: valid UTF-8; no C1 control, raw or encoded (8-bit CSI/OSC/DCS);
 * no DEL; no bidi control, line separator or zero-width/format character.
 * On success prints "termscan: N bytes, N escape sequences, N characters ok". */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "term_bytes.h"

static int offence(size_t off, const char *what, unsigned v)
{
    fprintf(stderr, "termscan: offset %zu: %s (0x%x)\n", off, what, v);
    return 1;
}

static unsigned char *read_all(size_t *len)
{
    size_t cap = 1 << 16, n = 0, got;
    unsigned char *b = malloc(cap);
    while (b && (got = fread(b + n, 1, cap - n, stdin)) > 0) {
        n += got;
        if (n == cap) {
            unsigned char *nb = realloc(b, cap *= 2);
            if (!nb)
                free(b);
            b = nb;
        }
    }
    *len = n;
    return b;
}

/* Length of the escape sequence at p[0] == ESC that a curses program may send,
 * or 0 with *why set. */
static size_t own_escape(const unsigned char *p, size_t n, const char **why)
{
    if (n < 2) {
        *why = "ESC at end of output";
        return 0;
    }
    unsigned c = p[1];
    if (c == '[') {             /* CSI: parameters, intermediates, one final byte */
        size_t i = 2;
        while (i < n && p[i] >= 0x30 && p[i] <= 0x3F)
            i++;
        while (i < n && p[i] >= 0x20 && p[i] <= 0x2F)
            i++;
        if (i < n && p[i] >= 0x40 && p[i] <= 0x7E)
            return i + 1;
        *why = "malformed CSI";
        return 0;
    }
    if (c == '(' || c == ')' || c == '*' || c == '+') {
        if (n >= 3 && p[2] >= 0x30 && p[2] <= 0x7E)
            return 3;
        *why = "malformed charset designation";
        return 0;
    }
    if (strchr("=>78MDEc", (int)c) && c != 0)
        return 2;
    switch (c) {
    case ']': *why = "OSC (title, clipboard, colours)"; break;
    case 'P': *why = "DCS"; break;
    case 'X': case '^': case '_': *why = "SOS/PM/APC string"; break;
    default: *why = "unexpected escape"; break;
    }
    return 0;
}

int main(int argc, char **argv)
{
    bool tty = argc > 1 && strcmp(argv[1], "--tty") == 0;
    bool pty = argc > 1 && strcmp(argv[1], "--pty") == 0;
    if (argc > 2 || (argc == 2 && !tty && !pty)) {
        fprintf(stderr, "usage: termscan [--pty|--tty] < bytes\n");
        return 2;
    }
    size_t len;
    unsigned char *b = read_all(&len);
    if (!b) {
        fprintf(stderr, "termscan: out of memory\n");
        return 2;
    }
    size_t i = 0, escapes = 0, chars = 0;
    int rc = 0;
    while (i < len && rc == 0) {
        unsigned c = b[i];
        if (c == 0x1B) {
            const char *why = "ESC in plain output";
            size_t l = tty ? own_escape(b + i, len - i, &why) : 0;
            if (!l) {
                rc = offence(i, why, c);
                break;
            }
            escapes++;
            i += l;
            continue;
        }
        if (c < 0x20) {
            bool ok = c == '\n' || c == '\t' || (pty && c == '\r' && i + 1 < len && b[i + 1] == '\n') ||
                      (tty && (c == '\r' || c == '\b' || c == 0x07 || c == 0x0E || c == 0x0F));
            if (!ok)
                rc = offence(i, "C0 control", c);
            i++;
            continue;
        }
        uint32_t cp;
        size_t l = term_utf8_next(b + i, len - i, &cp);
        if (!l) {
            rc = offence(i, c >= 0x80 && c <= 0x9F ? "raw C1 byte" : "invalid UTF-8", c);
            break;
        }
        const char *why = term_unsafe_cp(cp);
        if (why)
            rc = offence(i, why, cp);
        chars++;
        i += l;
    }
    if (rc == 0)
        printf("termscan: %zu bytes, %zu escape sequences, %zu characters ok\n", len, escapes,
               chars);
    free(b);
    return rc;
}
