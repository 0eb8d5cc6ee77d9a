#include "base/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Blocks grow geometrically so a big model needs few mallocs; an allocation
 * larger than a quarter block gets a block of its own. */
#define FIRST_BLOCK_SIZE ((size_t)8 * 1024)
#define MAX_BLOCK_SIZE   ((size_t)1024 * 1024)
#define ALIGN            _Alignof(max_align_t)

struct block {
    struct block *prev;
    size_t size; /* usable bytes after the header */
    size_t used;
    max_align_t data[]; /* aligned start of the usable bytes */
};

struct deferred {
    struct deferred *prev;
    void (*fn)(void *);
    void *ptr;
};

struct ordo_arena {
    struct block *head;  /* the block we allocate from; older ones behind */
    struct block *first; /* kept across resets */
    struct deferred *deferred;
    size_t next_size;
    size_t used;
};

_Noreturn void ordo_oom(size_t size)
{
    /* No allocation here: the log module may itself be out of memory. */
    (void)fprintf(stderr,
                  "{\"level\":\"fatal\",\"component\":\"arena\",\"msg\":\"out of memory\","
                  "\"size\":%zu}\n",
                  size);
    abort();
}

static struct block *block_new(size_t size)
{
    struct block *b;

    if (size > SIZE_MAX - sizeof(*b)) {
        ordo_oom(size);
    }
    b = malloc(sizeof(*b) + size);
    if (!b) {
        ordo_oom(size);
    }
    b->prev = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

struct ordo_arena *ordo_arena_new(void)
{
    struct ordo_arena *a = calloc(1, sizeof(*a));

    if (!a) {
        ordo_oom(sizeof(*a));
    }
    a->first = block_new(FIRST_BLOCK_SIZE);
    a->head = a->first;
    a->next_size = FIRST_BLOCK_SIZE * 2;
    return a;
}

static void run_deferred(struct ordo_arena *a)
{
    while (a->deferred) {
        struct deferred *d = a->deferred;

        a->deferred = d->prev; /* unlink first: 'fn' may touch the arena */
        d->fn(d->ptr);
    }
}

/* Free every block but the first. Big blocks may sit behind the first one in
 * the chain, so walk the whole chain. */
static void free_blocks_after_first(struct ordo_arena *a)
{
    struct block *b = a->head;

    while (b) {
        struct block *prev = b->prev;

        if (b != a->first) {
            free(b);
        }
        b = prev;
    }
}

void ordo_arena_reset(struct ordo_arena *arena)
{
    if (!arena) {
        return;
    }
    run_deferred(arena);
    free_blocks_after_first(arena);
    arena->head = arena->first;
    arena->first->prev = NULL;
    arena->first->used = 0;
    arena->next_size = FIRST_BLOCK_SIZE * 2;
    arena->used = 0;
}

void ordo_arena_free(struct ordo_arena *arena)
{
    if (!arena) {
        return;
    }
    run_deferred(arena);
    free_blocks_after_first(arena);
    free(arena->first);
    free(arena);
}

static size_t align_up(size_t n)
{
    return (n + (ALIGN - 1)) & ~(size_t)(ALIGN - 1);
}

void *ordo_arena_alloc_raw(struct ordo_arena *arena, size_t size)
{
    struct block *b = arena->head;
    size_t need;
    void *p;

    if (size > SIZE_MAX / 2) {
        ordo_oom(size);
    }
    need = align_up(size ? size : 1);
    if (b->size - b->used < need) {
        size_t bs = arena->next_size;

        if (need > bs / 4) {
            /* A big allocation gets its own block, placed behind the head so
             * the rest of the head block stays usable. */
            struct block *big = block_new(need);

            big->used = need;
            big->prev = b->prev;
            b->prev = big;
            arena->used += need;
            return big->data;
        }
        b = block_new(bs);
        b->prev = arena->head;
        arena->head = b;
        if (arena->next_size < MAX_BLOCK_SIZE) {
            arena->next_size *= 2;
        }
    }
    p = (char *)b->data + b->used;
    b->used += need;
    arena->used += need;
    return p;
}

void *ordo_arena_alloc(struct ordo_arena *arena, size_t size)
{
    void *p = ordo_arena_alloc_raw(arena, size);

    memset(p, 0, size);
    return p;
}

void *ordo_arena_calloc(struct ordo_arena *arena, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) {
        ordo_oom(SIZE_MAX);
    }
    return ordo_arena_alloc(arena, n * size);
}

void *ordo_arena_memdup(struct ordo_arena *arena, const void *p, size_t len)
{
    void *q = ordo_arena_alloc_raw(arena, len);

    if (len) {
        memcpy(q, p, len);
    }
    return q;
}

char *ordo_arena_strndup(struct ordo_arena *arena, const char *s, size_t len)
{
    char *q;

    if (!s) {
        return NULL;
    }
    q = ordo_arena_alloc_raw(arena, len + 1);
    memcpy(q, s, len);
    q[len] = '\0';
    return q;
}

char *ordo_arena_strdup(struct ordo_arena *arena, const char *s)
{
    return s ? ordo_arena_strndup(arena, s, strlen(s)) : NULL;
}

char *ordo_arena_vprintf(struct ordo_arena *arena, const char *fmt, va_list ap)
{
    va_list again;
    int n;
    char *q;

    va_copy(again, ap);
    n = vsnprintf(NULL, 0, fmt, ap);
    if (n < 0) {
        va_end(again);
        return ordo_arena_strdup(arena, "");
    }
    q = ordo_arena_alloc_raw(arena, (size_t)n + 1);
    (void)vsnprintf(q, (size_t)n + 1, fmt, again);
    va_end(again);
    return q;
}

char *ordo_arena_printf(struct ordo_arena *arena, const char *fmt, ...)
{
    va_list ap;
    char *q;

    va_start(ap, fmt);
    q = ordo_arena_vprintf(arena, fmt, ap);
    va_end(ap);
    return q;
}

void *ordo_arena_grow(struct ordo_arena *arena, void *array, size_t count, size_t *cap, size_t size)
{
    void *grown;

    if (count < *cap) {
        return array;
    }
    *cap = *cap ? *cap * 2 : 16;
    grown = ordo_arena_calloc(arena, *cap, size);
    if (count) {
        memcpy(grown, array, count * size);
    }
    return grown;
}

void ordo_arena_defer(struct ordo_arena *arena, void (*fn)(void *), void *ptr)
{
    struct deferred *d = ordo_arena_alloc_raw(arena, sizeof(*d));

    d->fn = fn;
    d->ptr = ptr;
    d->prev = arena->deferred;
    arena->deferred = d;
}

size_t ordo_arena_used(const struct ordo_arena *arena)
{
    return arena->used;
}
