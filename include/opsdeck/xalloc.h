/* Abort-on-OOM allocation for application code.
 *
 * Memory whose size comes from the network is bounded by the caller (strbuf caps,
 * reader limits) before it gets here, so running out is a real exhaustion: the
 * registered fatal hook restores the terminal, a message goes to stderr, and the
 * process aborts. Tests can make the Nth allocation fail (xalloc_fail_after).
 */
#ifndef OPSDECK_XALLOC_H
#define OPSDECK_XALLOC_H

#include <stddef.h>
#include "opsdeck/attrs.h"

OD_MALLOC OD_NODISCARD void *xmalloc(size_t size);
OD_MALLOC OD_NODISCARD void *xcalloc(size_t n, size_t size);
OD_NODISCARD void *xrealloc(void *p, size_t size);
/* Array growth with overflow check: xreallocarray(p, n, size). */
OD_NODISCARD void *xreallocarray(void *p, size_t n, size_t size);
OD_MALLOC OD_NODISCARD char *xstrdup(const char *s);
OD_MALLOC OD_NODISCARD char *xstrndup(const char *s, size_t n);
/* printf into a new string. */
OD_MALLOC OD_PRINTF(1, 2) char *xasprintf(const char *fmt, ...);

/* Called once before abort on OOM (e.g. endwin). May be NULL. */
void xalloc_set_fatal_hook(void (*hook)(void));

/* Test seam: the allocation after `n` more successful ones fails (-1 disables). */
void xalloc_fail_after(long n);

#endif
