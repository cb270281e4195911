/* A bump allocator that frees as one. Snapshots keep every string and array they
 * hold in one arena, so a snapshot has a single owner and a single free.
 * Allocation aborts on OOM (xalloc); memory is zeroed.
 */
#ifndef OPSDECK_ARENA_H
#define OPSDECK_ARENA_H

#include <stddef.h>
#include "opsdeck/attrs.h"

struct arena;

OD_NODISCARD struct arena *arena_new(void);
void arena_free(struct arena *a);

/* Zeroed, aligned for any type. size 0 returns a valid unique pointer. */
OD_NODISCARD void *arena_alloc(struct arena *a, size_t size);
OD_NODISCARD void *arena_calloc(struct arena *a, size_t n, size_t size);
/* NULL in gives NULL out. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* Total bytes handed out (for tests and memory figures). */
size_t arena_used(const struct arena *a);

#endif
