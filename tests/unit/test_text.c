/* Safe text: hostile strings, widths, clipping, wrapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/arena.h"
#include "opsdeck/text.h"

/* Sanitise a C string and compare with the expected result. */
static void check(const char *in, unsigned flags, const char *want)
{
    char *got = text_sanitize(in, strlen(in), flags, 0);
    assert_string_equal(got, want);
    free(got);
}

static void check_n(const char *in, size_t len, unsigned flags, const char *want)
{
    char *got = text_sanitize(in, len, flags, 0);
    assert_string_equal(got, want);
    free(got);
}

/* No byte that a terminal would treat as a control may survive. */
static void assert_terminal_safe(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; p[i]; i++) {
        assert_false(p[i] < 0x20 && p[i] != '\n');
        assert_int_not_equal(p[i], 0x7F);
        /* U+0080..U+009F are C2 80..C2 9F in UTF-8 */
        if (p[i] == 0xC2 && p[i + 1])
            assert_false(p[i + 1] >= 0x80 && p[i + 1] <= 0x9F);
    }
}

static void test_plain_and_unicode_kept(void **state)
{
    (void)state;
    check("Amsterdam datacenter", 0, "Amsterdam datacenter");
    check("caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80", 0,
          "caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80");
    check("", 0, "");
    check("a\tb", 0, "a b");
    check("no\xC2\xA0" "break", 0, "no\xC2\xA0" "break");  /* NBSP is visible text */
}

static void test_newlines(void **state)
{
    (void)state;
    check("one\ntwo\r\nthree\rfour", 0, "one two three four");
    check("one\ntwo\r\nthree\rfour", TEXT_KEEP_NEWLINES, "one\ntwo\nthree\nfour");
    check("a\r\n\r\nb", TEXT_KEEP_NEWLINES, "a\n\nb");
    check("line\xE2\x80\xA8sep", TEXT_KEEP_NEWLINES, "line\nsep");
}

static void test_osc_title_and_clipboard(void **state)
{
    (void)state;
    /* OSC 0 title change, BEL terminated */
    check("before\x1B]0;pwned title\x07" "after", 0, "beforeafter");
    /* OSC 52 clipboard write, ST terminated */
    check("x\x1B]52;c;ZWNobyBwd25lZA==\x1B\\y", 0, "xy");
    /* OSC 8 hyperlink around text */
    check("\x1B]8;;http://evil.example/\x1B\\click\x1B]8;;\x1B\\", 0, "click");
    /* OSC ended by an 8-bit ST (U+009C) */
    check("a\x1B]2;t\xC2\x9C" "b", 0, "ab");
}

static void test_csi_sequences(void **state)
{
    (void)state;
    check("\x1B[2J\x1B[Hcleared", 0, "cleared");
    check("up\x1B[5Adown\x1B[10;20Hmoved", 0, "updownmoved");
    check("\x1B[1;31mred\x1B[0m", 0, "red");
    check("\x1B[?1049h\x1B[?25lalt", 0, "alt");
    check("\x1B[>0;1c", 0, "");
    /* a CSI broken by a control ends early; the control is stripped too */
    check("\x1B[12\x07text", 0, "text");
}

static void test_other_escapes(void **state)
{
    (void)state;
    check("\x1B" "7save\x1B" "8", 0, "save");
    check("\x1B" "creset", 0, "reset");
    check("\x1B(Bcharset\x1B#8", 0, "charset");
    /* DCS (DECRQSS / tmux passthrough) */
    check("a\x1BPtmux;\x1B\x1B]0;x\x07\x1B\\b", 0, "ab");
    check("a\x1BP$q\"p\x1B\\b", 0, "ab");
    /* SOS, PM, APC */
    check("1\x1BXsos\x1B\\2\x1B^pm\x1B\\3\x1B_apc\x1B\\4", 0, "1234");
    /* ESC followed by a non-ASCII char: only the ESC goes */
    check("\x1B\xC3\xA9", 0, "\xC3\xA9");
}

static void test_c1_forms(void **state)
{
    (void)state;
    /* 8-bit CSI (U+009B), OSC (U+009D), DCS (U+0090) as UTF-8 */
    check("a\xC2\x9B" "2Jb", 0, "ab");
    check("a\xC2\x9D" "0;title\x07" "b", 0, "ab");
    check("a\xC2\x9D" "52;c;Zm9v\xC2\x9C" "b", 0, "ab");
    check("a\xC2\x90" "qdata\xC2\x9C" "b", 0, "ab");
    check("a\xC2\x9F" "apc\x1B\\b", 0, "ab");
    /* lone C1 controls (NEL becomes a line break, the others go) */
    check("x\xC2\x85y", TEXT_KEEP_NEWLINES, "x\ny");
    check("x\xC2\x84\xC2\x8E\xC2\x9Cy", 0, "xy");
    /* raw 8-bit bytes are invalid UTF-8, shown as U+FFFD, never passed on */
    check("a\x9B" "2Jb", 0, "a\xEF\xBF\xBD" "2Jb");
}

static void test_controls_and_del(void **state)
{
    (void)state;
    check("a\x01\x02\x08\x0B\x0C\x7F" "b", 0, "ab");
    check_n("a\0b", 3, 0, "ab");
}

static void test_bidi_and_invisible(void **state)
{
    (void)state;
    /* U+202E RIGHT-TO-LEFT OVERRIDE: "exe.txt" spoof */
    check("invoice\xE2\x80\xAEtxt.exe", 0, "invoicetxt.exe");
    /* embeddings, isolates, marks */
    check("\xE2\x80\xAA" "a\xE2\x80\xAB" "b\xE2\x80\xAC" "c\xE2\x80\xAD" "d", 0, "abcd");
    check("\xE2\x81\xA6" "a\xE2\x81\xA7" "b\xE2\x81\xA8" "c\xE2\x81\xA9", 0, "abc");
    check("l\xE2\x80\x8Er\xE2\x80\x8Fx\xD8\x9C", 0, "lrx");
    /* zero-width space / joiners, word joiner, BOM */
    check("pay\xE2\x80\x8Bpal\xE2\x80\x8C\xE2\x80\x8D\xE2\x81\xA0\xEF\xBB\xBF", 0, "paypal");
    /* tag characters (invisible ASCII smuggling) */
    check("ok\xF3\xA0\x81\x81\xF3\xA0\x81\x82", 0, "ok");
}

static void test_combining_runs_capped(void **state)
{
    (void)state;
    /* two marks are kept; a run of 40 is cut to 8 */
    check("e\xCC\x81\xCC\xA3x", 0, "e\xCC\x81\xCC\xA3x");
    char in[128] = "a", want[64] = "a";
    for (int i = 0; i < 40; i++)
        strcat(in, "\xCC\x81");
    for (int i = 0; i < 8; i++)
        strcat(want, "\xCC\x81");
    strcat(in, "b\xCC\x81");
    strcat(want, "b\xCC\x81");
    check(in, 0, want);
    assert_int_equal(text_width(want), 2);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    const char *R = "\xEF\xBF\xBD";
    char want[64];
    /* stray continuation and bad lead bytes */
    snprintf(want, sizeof want, "a%sb%sc", R, R);
    check("a\x80" "b\xFF" "c", 0, want);
    /* overlong '/' (C0 AF) and overlong 3-byte form: one U+FFFD per byte */
    snprintf(want, sizeof want, "%s%s", R, R);
    check("\xC0\xAF", 0, want);
    snprintf(want, sizeof want, "%s%s%s", R, R, R);
    check("\xE0\x80\xAF", 0, want);
    /* surrogate U+D800 encoded */
    check("\xED\xA0\x80", 0, want);
    /* above U+10FFFF */
    snprintf(want, sizeof want, "%s%s%s%s", R, R, R, R);
    check("\xF4\x90\x80\x80", 0, want);
    /* truncated sequence at the end of input */
    snprintf(want, sizeof want, "ok%s%s", R, R);
    check("ok\xE6\x97", 0, want);
    snprintf(want, sizeof want, "ok%s", R);
    check_n("ok\xF0\x9F\x98\x80", 3, 0, want);
    /* noncharacter */
    check("\xEF\xBF\xBE", 0, R);
    /* the highest valid code point survives */
    check("\xF4\x8F\xBF\xBD", 0, "\xF4\x8F\xBF\xBD");
}

static void test_truncated_sequences_at_end(void **state)
{
    (void)state;
    check("text\x1B", 0, "text");
    check("text\x1B[", 0, "text");
    check("text\x1B[1;3", 0, "text");
    check("text\x1B]0;never ends", 0, "text");
    check("text\x1B]52;c;abc\x1B", 0, "text");
    check("text\x1BP", 0, "text");
    check("text\xC2\x9B", 0, "text");
    check("text\xC2", 0, "text\xEF\xBF\xBD");
}

static void test_max_bytes_cut_with_ellipsis(void **state)
{
    (void)state;
    char *s = text_sanitize("abcdefghij", 10, 0, 10);
    assert_string_equal(s, "abcdefghij");
    free(s);
    s = text_sanitize("abcdefghijk", 11, 0, 10);
    assert_string_equal(s, "abcdefg\xE2\x80\xA6");
    assert_int_equal(strlen(s), 10);
    free(s);
    /* never cut inside a character: five 3-byte chars into 10 bytes */
    const char *jp = "\xE6\x97\xA5\xE6\x97\xA5\xE6\x97\xA5\xE6\x97\xA5\xE6\x97\xA5";
    s = text_sanitize(jp, strlen(jp), 0, 10);
    assert_string_equal(s, "\xE6\x97\xA5\xE6\x97\xA5\xE2\x80\xA6");
    free(s);
    /* stripped bytes do not count against the limit */
    s = text_sanitize("\x1B[2Jabc\x1B[0m", 12, 0, 3);
    assert_string_equal(s, "abc");
    free(s);
}

static void test_one_megabyte(void **state)
{
    (void)state;
    size_t n = 1u << 20;
    char *big = malloc(n);
    assert_non_null(big);
    /* a mix of text, escapes, C1, bidi and invalid bytes */
    static const char pat[] = "ok \x1B[31m\x1B]0;t\x07\xC2\x9B" "1m\xE2\x80\xAE\xFF\xE6\x97\xA5 ";
    for (size_t i = 0; i < n; i++)
        big[i] = pat[i % (sizeof pat - 1)];
    char *s = text_sanitize(big, n, TEXT_KEEP_NEWLINES, 0);
    assert_terminal_safe(s);
    assert_non_null(strstr(s, "ok \xEF\xBF\xBD\xE6\x97\xA5 ok"));
    free(s);
    s = text_sanitize(big, n, 0, 4096);
    assert_true(strlen(s) <= 4096);
    assert_terminal_safe(s);
    assert_non_null(strstr(s, "\xE2\x80\xA6"));
    free(s);
    /* one OSC that never ends eats the rest, quickly */
    memset(big, 'A', n);
    memcpy(big, "hi\x1B]0;", 6);
    s = text_sanitize(big, n, 0, 0);
    assert_string_equal(s, "hi");
    free(s);
    /* every byte 0..255 in order */
    for (size_t i = 0; i < n; i++)
        big[i] = (char)(i & 0xFF);
    s = text_sanitize(big, n, TEXT_KEEP_NEWLINES, 0);
    assert_terminal_safe(s);
    free(s);
    free(big);
}

static void test_arena_variant(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    assert_null(text_sanitize_arena(a, NULL, 0, 0, 0));
    char *s = text_sanitize_arena(a, "x\x1B[2Jy", 6, 0, 0);
    assert_string_equal(s, "xy");
    arena_free(a);
}

static void test_widths(void **state)
{
    (void)state;
    assert_int_equal(text_width("hello"), 5);
    assert_int_equal(text_width(""), 0);
    assert_int_equal(text_width(NULL), 0);
    /* CJK */
    assert_int_equal(text_width("\xE6\x97\xA5\xE6\x9C\xAC"), 4);
    assert_int_equal(text_width("\xED\x95\x9C"), 2);              /* Hangul 한 */
    assert_int_equal(text_width("\xEF\xBC\xA1"), 2);              /* fullwidth A */
    /* emoji */
    assert_int_equal(text_width("\xF0\x9F\x98\x80"), 2);          /* U+1F600 */
    assert_int_equal(text_width("\xF0\x9F\x94\xA5"), 2);          /* U+1F525 */
    /* combining marks: e + U+0301, Devanagari virama */
    assert_int_equal(text_width("e\xCC\x81"), 1);
    assert_int_equal(text_width("\xE0\xA4\x95\xE0\xA5\x8D"), 1);
    /* Hangul jamo medial vowel is zero width */
    assert_int_equal(text_width("\xE1\x84\x80\xE1\x85\xA1"), 2);
    /* ellipsis, box drawing, accented Latin are one column */
    assert_int_equal(text_width("\xE2\x80\xA6\xE2\x94\x80\xC3\xA9"), 3);
    /* prefix width */
    assert_int_equal(text_width_n("\xE6\x97\xA5" "ab", 4), 3);
    assert_int_equal(text_width_n("abc", 2), 2);
}

static void test_clip(void **state)
{
    (void)state;
    char buf[64];
    assert_int_equal(text_clip(buf, sizeof buf, "status", 10), 6);
    assert_string_equal(buf, "status");
    assert_int_equal(text_clip(buf, sizeof buf, "status", 6), 6);
    assert_string_equal(buf, "status");
    assert_int_equal(text_clip(buf, sizeof buf, "statuspage", 6), 6);
    assert_string_equal(buf, "statu\xE2\x80\xA6");
    /* never half a wide char: 日本語 in 4 columns → 日 + … (3 cols) */
    assert_int_equal(text_clip(buf, sizeof buf, "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", 4), 3);
    assert_string_equal(buf, "\xE6\x97\xA5\xE2\x80\xA6");
    assert_int_equal(text_clip(buf, sizeof buf, "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", 5), 5);
    assert_string_equal(buf, "\xE6\x97\xA5\xE6\x9C\xAC\xE2\x80\xA6");
    /* combining marks stay with their base */
    assert_int_equal(text_clip(buf, sizeof buf, "e\xCC\x81" "e\xCC\x81" "e\xCC\x81", 3), 3);
    assert_string_equal(buf, "e\xCC\x81" "e\xCC\x81" "e\xCC\x81");
    assert_int_equal(text_clip(buf, sizeof buf, "e\xCC\x81" "e\xCC\x81" "e\xCC\x81", 2), 2);
    assert_string_equal(buf, "e\xCC\x81\xE2\x80\xA6");
    /* one column: only the ellipsis */
    assert_int_equal(text_clip(buf, sizeof buf, "abc", 1), 1);
    assert_string_equal(buf, "\xE2\x80\xA6");
    assert_int_equal(text_clip(buf, sizeof buf, "abc", 0), 0);
    assert_string_equal(buf, "");
    /* a small buffer limits bytes, still at a boundary */
    char small[6];
    assert_int_equal(text_clip(small, sizeof small, "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", 80), 2);
    assert_string_equal(small, "\xE6\x97\xA5");
}

static void test_fit(void **state)
{
    (void)state;
    char buf[64];
    assert_int_equal(text_fit(buf, sizeof buf, "ab", 5), 5);
    assert_string_equal(buf, "ab   ");
    text_fit(buf, sizeof buf, "abcdef", 4);
    assert_string_equal(buf, "abc\xE2\x80\xA6");
    /* a wide char that does not fit leaves a padded column */
    text_fit(buf, sizeof buf, "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", 4);
    assert_string_equal(buf, "\xE6\x97\xA5\xE2\x80\xA6 ");
    assert_int_equal(text_width(buf), 4);
}

struct lines {
    char line[16][64];
    int n;
};

static void collect(const char *line, size_t len, void *ud)
{
    struct lines *l = ud;
    assert_true(l->n < 16);
    assert_true(len < 64);
    memcpy(l->line[l->n], line, len);
    l->line[l->n][len] = '\0';
    l->n++;
}

static void test_wrap(void **state)
{
    (void)state;
    struct lines l = {0};
    int n = text_wrap("Our engineers are currently troubleshooting", 12, collect, &l);
    assert_int_equal(n, 6);
    assert_int_equal(l.n, 6);
    assert_string_equal(l.line[0], "Our");
    assert_string_equal(l.line[1], "engineers");
    assert_string_equal(l.line[2], "are");
    assert_string_equal(l.line[3], "currently");
    assert_string_equal(l.line[4], "troubleshoot");
    assert_string_equal(l.line[5], "ing");
    memset(&l, 0, sizeof l);
    n = text_wrap("the quick brown fox jumps", 10, collect, &l);
    assert_int_equal(n, 3);
    assert_string_equal(l.line[0], "the quick");
    assert_string_equal(l.line[1], "brown fox");
    assert_string_equal(l.line[2], "jumps");
    /* hard breaks and a blank line */
    memset(&l, 0, sizeof l);
    n = text_wrap("a\n\nb c", 10, collect, &l);
    assert_int_equal(n, 3);
    assert_string_equal(l.line[0], "a");
    assert_string_equal(l.line[1], "");
    assert_string_equal(l.line[2], "b c");
    /* a word longer than the line is broken by columns */
    memset(&l, 0, sizeof l);
    n = text_wrap("abcdefghij xy", 4, collect, &l);
    assert_int_equal(n, 4);
    assert_string_equal(l.line[0], "abcd");
    assert_string_equal(l.line[1], "efgh");
    assert_string_equal(l.line[2], "ij");
    assert_string_equal(l.line[3], "xy");
    /* wide characters wrap by columns, never split */
    memset(&l, 0, sizeof l);
    n = text_wrap("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE6\x97\xA5", 5, collect, &l);
    assert_int_equal(n, 2);
    assert_string_equal(l.line[0], "\xE6\x97\xA5\xE6\x9C\xAC");
    assert_string_equal(l.line[1], "\xE8\xAA\x9E\xE6\x97\xA5");
    /* empty input is no lines; a trailing newline adds none */
    memset(&l, 0, sizeof l);
    assert_int_equal(text_wrap("", 10, collect, &l), 0);
    assert_int_equal(text_wrap("x\n", 10, collect, &l), 1);
    assert_string_equal(l.line[0], "x");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_and_unicode_kept),
        cmocka_unit_test(test_newlines),
        cmocka_unit_test(test_osc_title_and_clipboard),
        cmocka_unit_test(test_csi_sequences),
        cmocka_unit_test(test_other_escapes),
        cmocka_unit_test(test_c1_forms),
        cmocka_unit_test(test_controls_and_del),
        cmocka_unit_test(test_bidi_and_invisible),
        cmocka_unit_test(test_combining_runs_capped),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_truncated_sequences_at_end),
        cmocka_unit_test(test_max_bytes_cut_with_ellipsis),
        cmocka_unit_test(test_one_megabyte),
        cmocka_unit_test(test_arena_variant),
        cmocka_unit_test(test_widths),
        cmocka_unit_test(test_clip),
        cmocka_unit_test(test_fit),
        cmocka_unit_test(test_wrap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
