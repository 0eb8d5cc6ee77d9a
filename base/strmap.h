/*
 * base/strmap.h - a map from strings to pointers, in an arena.
 *
 * Open addressing with linear probing, kept at most half full, so lookups
 * stay O(1) whatever an input document holds. Keys are not copied: they
 * must live as long as the map (in the same arena, or longer). Values are
 * non-NULL pointers. There is no removal; overwrite a value instead.
 */
#ifndef ORDO_BASE_STRMAP_H
#define ORDO_BASE_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct ordo_arena;
struct ordo_strmap; /* opaque */

/* FNV-1a of 's', mixed with 'seed'. */
uint32_t ordo_str_hash(const char *s, uint32_t seed);

/* A map sized for about 'expected' keys (it grows beyond that). */
struct ordo_strmap *ordo_strmap_new(struct ordo_arena *arena, size_t expected);

/* The value of 'key', or NULL. */
void *ordo_strmap_get(const struct ordo_strmap *map, const char *key);

/* Insert 'key' -> 'value' unless 'key' is there: returns the value already
 * there, or NULL after inserting. */
void *ordo_strmap_add(struct ordo_strmap *map, const char *key, void *value);

/* Insert or overwrite. */
void ordo_strmap_set(struct ordo_strmap *map, const char *key, void *value);

size_t ordo_strmap_count(const struct ordo_strmap *map);

#endif
