/*
 * base/arena.h - region allocation with deferred cleanups.
 *
 * An arena hands out memory that lives until the arena is reset or freed:
 * one per HTTP request, one per engine step, one per parsed model. Foreign
 * resources (xmlDoc, json_t, PGresult, CURL) are tied to an arena with
 * ordo_arena_defer() and released with it, newest first, so a function can
 * return early anywhere without leaking.
 *
 * Allocation never returns NULL: on exhaustion the process logs one line and
 * aborts. Sizes that come from outside (bodies, documents, JSON depth,
 * variable counts) must be bounded before they reach an arena.
 *
 * An arena is not thread-safe; each thread owns its arenas.
 */
#ifndef ORDO_BASE_ARENA_H
#define ORDO_BASE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct ordo_arena; /* opaque */

struct ordo_arena *ordo_arena_new(void);
void ordo_arena_free(struct ordo_arena *arena); /* NULL is a no-op */

/* Run the deferred cleanups (newest first) and release all allocations, but
 * keep the first block for reuse. */
void ordo_arena_reset(struct ordo_arena *arena);

/* 'size' zeroed bytes, aligned for any object type. */
void *ordo_arena_alloc(struct ordo_arena *arena, size_t size);

/* 'n' zeroed elements of 'size' bytes; aborts on multiplication overflow. */
void *ordo_arena_calloc(struct ordo_arena *arena, size_t n, size_t size);

/* Like ordo_arena_alloc() without zeroing, for memory that is written at once. */
void *ordo_arena_alloc_raw(struct ordo_arena *arena, size_t size);

/* Copies, NUL-terminated. ordo_arena_strndup() copies at most 'len' bytes
 * (it may contain NUL bytes only if the caller wants them). NULL in, NULL out. */
char *ordo_arena_strdup(struct ordo_arena *arena, const char *s);
char *ordo_arena_strndup(struct ordo_arena *arena, const char *s, size_t len);
void *ordo_arena_memdup(struct ordo_arena *arena, const void *p, size_t len);

char *ordo_arena_printf(struct ordo_arena *arena, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *ordo_arena_vprintf(struct ordo_arena *arena, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Make room for one more element in an arena array of 'count' elements of
 * 'size' bytes with capacity '*cap': returns 'array' itself while there is
 * room, else a copy with double the capacity (at least 16), updating '*cap'.
 * The old copy stays in the arena until it is reset. Usage:
 *   v = ordo_arena_grow(arena, v, n, &cap, sizeof(*v)); v[n++] = x; */
void *ordo_arena_grow(struct ordo_arena *arena, void *array, size_t count, size_t *cap,
                      size_t size);

/* Tie a foreign resource to the arena: 'fn(ptr)' runs when the arena is
 * reset or freed, newest first. A NULL 'ptr' is still passed to 'fn'. */
void ordo_arena_defer(struct ordo_arena *arena, void (*fn)(void *), void *ptr);

/* Bytes handed out since the last reset (for tests and metrics). */
size_t ordo_arena_used(const struct ordo_arena *arena);

/* Log "out of memory" with the requested size and abort. For callers that
 * use malloc() directly (growable buffers), so there is one policy. */
_Noreturn void ordo_oom(size_t size);

#endif
