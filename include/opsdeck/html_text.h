/* Incident update bodies: HTML to plain text, bounded.
 *
 * <br>, <br/>, <br />, </p>, </div>, </li>, </h1..6> become line breaks; <li>
 * becomes "• "; other tags are dropped; <a href="URL">text</a> becomes
 * "text (URL)" unless text already equals URL; <script>/<style> content is
 * dropped; entities (named common ones, &#NNN;, &#xHH;) decoded; "\r\n" → "\n";
 * runs of blank lines collapsed to one; leading/trailing whitespace trimmed.
 * Input is treated as bytes; the caller sanitises the result (text.h).
 */
#ifndef OPSDECK_HTML_TEXT_H
#define OPSDECK_HTML_TEXT_H

#include <stddef.h>
#include "opsdeck/attrs.h"

/* New malloc'd string, never NULL. */
OD_NODISCARD char *html_to_text(const char *html, size_t len);

#endif
