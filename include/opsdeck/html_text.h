/* Incident update bodies: HTML to plain text, bounded.
 *
 * <br>, <br/>, <br /> become line breaks (a source newline right after one is
 * absorbed); block tags (p, div, h1..6, ul, ol, li, tr, table, blockquote, pre),
 * opening or closing, start a new line; <li> becomes "• "; </td> a space; other
 * tags are dropped; <a href="URL">text</a> becomes "text (URL)" unless text
 * already equals URL (or its mailto: address); no text gives "URL"; "#frag"
 * hrefs are not shown; <script>/<style> content and comments are dropped;
 * entities (named common ones, &#NNN;, &#xHH;) decoded, numeric ones naming
 * controls, surrogates or > U+10FFFF give U+FFFD; &nbsp; is a space; "\r\n" →
 * "\n"; spaces before a line break dropped; runs of blank lines collapsed to
 * one; leading/trailing whitespace trimmed. A tag without a closing '>' turns
 * off tag parsing: the rest is text. Linear time and output size.
 * Input is treated as bytes; the caller sanitises the result (text.h).
 */
#ifndef OPSDECK_HTML_TEXT_H
#define OPSDECK_HTML_TEXT_H

#include <stddef.h>
#include "opsdeck/attrs.h"

/* New malloc'd string, never NULL. */
OD_NODISCARD char *html_to_text(const char *html, size_t len);

#endif
