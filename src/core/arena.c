#include "opsdeck/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/xalloc.h"

/* Blocks grow geometrically; a request larger than a block gets its own. */
#define ARENA_FIRST_BLOCK 4096u
#define ARENA_MAX_BLOCK   (1u << 20)

struct arena_block {
    struct arena_block *next;
    size_t size;
    size_t used;
    alignas(max_align_t) unsigned char data[];
};

struct arena {
    struct arena_block *head;
    size_t next_size;
    size_t total;
};

struct arena *arena_new(void)
{
    struct arena *a = xcalloc(1, sizeof(*a));
    a->next_size = ARENA_FIRST_BLOCK;
    return a;
}

void arena_free(struct arena *a)
{
    if (!a)
        return;
    struct arena_block *b = a->head;
    while (b) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

static struct arena_block *arena_grow(struct arena *a, size_t need)
{
    size_t size = a->next_size;
    if (size < need)
        size = need;
    if (size > SIZE_MAX - sizeof(struct arena_block))
        size = need;
    struct arena_block *b = xmalloc(sizeof(*b) + size);
    b->size = size;
    b->used = 0;
    b->next = a->head;
    a->head = b;
    if (a->next_size < ARENA_MAX_BLOCK)
        a->next_size *= 2;
    return b;
}

void *arena_alloc(struct arena *a, size_t size)
{
    const size_t align = alignof(max_align_t);
    size_t rounded = (size + align - 1) & ~(align - 1);
    if (rounded < size)
        rounded = SIZE_MAX & ~(align - 1);
    if (rounded == 0)
        rounded = align;
    struct arena_block *b = a->head;
    if (!b || b->size - b->used < rounded)
        b = arena_grow(a, rounded);
    void *p = b->data + b->used;
    b->used += rounded;
    a->total += rounded;
    memset(p, 0, rounded);
    return p;
}

void *arena_calloc(struct arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return xmalloc(SIZE_MAX); /* aborts with a message */
    return arena_alloc(a, n * size);
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    if (!s)
        return NULL;
    size_t len = strnlen(s, n);
    char *p = arena_alloc(a, len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

size_t arena_used(const struct arena *a)
{
    return a->total;
}
