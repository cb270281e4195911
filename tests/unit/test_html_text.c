/* HTML update bodies to plain text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/html_text.h"

static void check(const char *in, const char *want)
{
    char *got = html_to_text(in, strlen(in));
    assert_string_equal(got, want);
    free(got);
}

static void test_plain_text_unchanged(void **state)
{
    (void)state;
    check("We are investigating reports of degraded performance.",
          "We are investigating reports of degraded performance.");
    check("", "");
    check("   padded   ", "padded");
    char *s = html_to_text(NULL, 5);
    assert_string_equal(s, "");
    free(s);
}

static void test_br_bodies_like_the_fixtures(void **state)
{
    (void)state;
    /* the shape of the real Statuspage bodies: sentences joined by <br /><br /> */
    check("The issues with our upstream model provider have been resolved.<br /><br />"
          "We will continue monitoring to ensure stability, but mitigation is complete.",
          "The issues with our upstream model provider have been resolved.\n\n"
          "We will continue monitoring to ensure stability, but mitigation is complete.");
    /* a space before the break is trimmed */
    check("gateway timeout errors. <br /><br />We mitigated the issue.",
          "gateway timeout errors.\n\nWe mitigated the issue.");
    /* a list written with <br /> and dashes */
    check("Impact: <br />- 4% of git push operations<br />- 2% of fetches",
          "Impact:\n- 4% of git push operations\n- 2% of fetches");
    /* all forms of br, any case */
    check("a<br>b<br/>c<BR />d<br\n/>e", "a\nb\nc\nd\ne");
    /* many breaks collapse to one blank line */
    check("a<br><br><br><br>b", "a\n\nb");
    /* leading and trailing breaks are trimmed */
    check("<br /><br />a<br /><br />", "a");
}

static void test_newlines_in_source(void **state)
{
    (void)state;
    check("one\r\ntwo", "one\ntwo");
    check("one\n\n\n\ntwo", "one\n\ntwo");
    /* <br> followed by a source newline is one break */
    check("one<br />\ntwo", "one\ntwo");
    check("one<br />\r\n\r\ntwo", "one\n\ntwo");
}

static void test_entities(void **state)
{
    (void)state;
    check("AT&amp;T &lt;b&gt; &quot;q&quot; &apos;s&#39;", "AT&T <b> \"q\" 's'");
    check("5&nbsp;min", "5 min");
    check("&mdash;&ndash;&hellip;&rsquo;&bull;", "\xE2\x80\x94\xE2\x80\x93\xE2\x80\xA6\xE2\x80\x99\xE2\x80\xA2");
    check("&#8212; &#x2014; &#X1F600;", "\xE2\x80\x94 \xE2\x80\x94 \xF0\x9F\x98\x80");
    /* not entities: stay literal */
    check("AT&T & co &unknown; &amp", "AT&T & co &unknown; &amp");
    check("&#;&#x;&#12a;", "&#;&#x;&#12a;");
    /* dangerous or invalid code points become U+FFFD */
    check("&#27;[2J", "\xEF\xBF\xBD[2J");
    check("&#xD800;&#1114112;&#0;&#x9B;", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    check("&#99999999999999999999;", "\xEF\xBF\xBD");
    /* soft hyphen expands to nothing */
    check("co&shy;operate", "cooperate");
}

static void test_links(void **state)
{
    (void)state;
    check("See <a href=\"https://www.githubstatus.com/\">the status page</a> now.",
          "See the status page (https://www.githubstatus.com/) now.");
    check("<a href=\"http://mail.i-3.com\">http://mail.i-3.com</a>", "http://mail.i-3.com");
    check("<a href='http://x.example/?a=1&amp;b=2'>here</a>", "here (http://x.example/?a=1&b=2)");
    check("<a href=http://x.example/>x</a>", "x (http://x.example/)");
    check("mail <a href=\"mailto:ops@example.com\">ops@example.com</a>", "mail ops@example.com");
    check("<A HREF=\"http://x.example\" target=\"_blank\">X</A>", "X (http://x.example)");
    /* empty text shows the URL; no href shows the text; fragments are dropped */
    check("<a href=\"http://x.example\"></a>", "http://x.example");
    check("<a name=\"top\">anchor</a>", "anchor");
    check("<a href=\"#top\">back</a>", "back");
    /* an unclosed <a> is closed at the end of input */
    check("<a href=\"http://x.example\">open", "open (http://x.example)");
    /* a '>' inside a quoted attribute does not end the tag */
    check("<a href=\"http://x.example/?q=a>b\">q</a>", "q (http://x.example/?q=a>b)");
}

static void test_lists_and_blocks(void **state)
{
    (void)state;
    check("<p>First paragraph.</p><p>Second.</p>", "First paragraph.\nSecond.");
    check("Affected:<ul><li>Amsterdam</li><li>California</li></ul>Done",
          "Affected:\n\xE2\x80\xA2 Amsterdam\n\xE2\x80\xA2 California\nDone");
    check("<h2>Title</h2>body", "Title\nbody");
    check("<div><div>nested <b>bold <i>italic</i></b></div></div>", "nested bold italic");
    check("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc");
}

static void test_dropped_content(void **state)
{
    (void)state;
    check("a<script>alert('<b>x</b>')</script>b", "ab");
    check("a<STYLE type=\"text/css\">p { color: red }</StyLe >b", "ab");
    check("a<!-- hidden <b> -->b", "ab");
    check("<!DOCTYPE html><?xml version=\"1.0\"?>ok", "ok");
    /* unterminated script/comment drop the rest */
    check("a<script>while(1);", "a");
    check("a<!-- never closed", "a");
}

static void test_unterminated_and_odd_tags(void **state)
{
    (void)state;
    /* a tag with no '>' leaves the rest as text */
    check("Latency < 5ms and <b", "Latency < 5ms and <b");
    check("x <a href=\"never closed>y", "x <a href=\"never closed>y");
    /* '<' not followed by a tag name is text */
    check("1 <2 and 3> 2", "1 <2 and 3> 2");
    check("<>", "<>");
    check("a</>b", "ab");
    check("<unknown attr=1>text</unknown>", "text");
}

static void test_hostile_linear(void **state)
{
    (void)state;
    /* "<a<a<a..." without any '>' must stay linear and keep the text */
    size_t n = 1u << 20;
    char *big = malloc(n + 1);
    assert_non_null(big);
    for (size_t i = 0; i < n; i += 2) {
        big[i] = '<';
        big[i + 1] = 'a';
    }
    big[n] = '\0';
    char *s = html_to_text(big, n);
    assert_int_equal(strlen(s), n);
    free(s);
    /* many unterminated entities and quotes */
    for (size_t i = 0; i < n; i++)
        big[i] = (i % 3 == 0) ? '&' : (i % 3 == 1 ? '#' : '"');
    s = html_to_text(big, n);
    assert_int_equal(strlen(s), n);
    free(s);
    /* many links with a long href */
    static const char link[] = "<a href=\"http://example.com/xxxxxxxxxxxxxxxx\">t</a>";
    size_t ll = sizeof link - 1, k = 0;
    while (k + ll <= n) {
        memcpy(big + k, link, ll);
        k += ll;
    }
    s = html_to_text(big, k);
    assert_true(strlen(s) < k);
    assert_non_null(strstr(s, "t (http://example.com/xxxxxxxxxxxxxxxx)t (http"));
    free(s);
    /* many "<!--" openers inside one comment */
    for (size_t i = 0; i + 4 <= n; i += 4)
        memcpy(big + i, "<!--", 4);
    s = html_to_text(big, n);
    assert_string_equal(s, "");
    free(s);
    /* NUL bytes inside the input are kept as bytes up to the caller */
    s = html_to_text("a\0b", 3);
    assert_int_equal(s[0], 'a');
    free(s);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_text_unchanged),
        cmocka_unit_test(test_br_bodies_like_the_fixtures),
        cmocka_unit_test(test_newlines_in_source),
        cmocka_unit_test(test_entities),
        cmocka_unit_test(test_links),
        cmocka_unit_test(test_lists_and_blocks),
        cmocka_unit_test(test_dropped_content),
        cmocka_unit_test(test_unterminated_and_odd_tags),
        cmocka_unit_test(test_hostile_linear),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
