#include "base/strmap.h"

#include <assert.h>
#include <string.h>

#include "base/arena.h"

struct slot {
    const char *key;
    void *value;
};

struct ordo_strmap {
    struct ordo_arena *arena;
    struct slot *slots;
    size_t cap; /* a power of two */
    size_t count;
};

uint32_t ordo_str_hash(const char *s, uint32_t seed)
{
    uint32_t h = 2166136261u ^ seed;

    for (; *s; s++) {
        h = (h ^ (unsigned char)*s) * 16777619u;
    }
    return h;
}

struct ordo_strmap *ordo_strmap_new(struct ordo_arena *arena, size_t expected)
{
    struct ordo_strmap *m = ordo_arena_alloc(arena, sizeof(*m));

    m->arena = arena;
    m->cap = 16;
    while (m->cap < expected * 2) {
        m->cap *= 2;
    }
    m->slots = ordo_arena_calloc(arena, m->cap, sizeof(*m->slots));
    return m;
}

static struct slot *find(const struct ordo_strmap *m, const char *key)
{
    size_t i = ordo_str_hash(key, 0) & (m->cap - 1);

    while (m->slots[i].key && strcmp(m->slots[i].key, key) != 0) {
        i = (i + 1) & (m->cap - 1);
    }
    return &m->slots[i];
}

static void grow(struct ordo_strmap *m)
{
    struct slot *old = m->slots;
    size_t old_cap = m->cap;

    m->cap *= 2;
    m->slots = ordo_arena_calloc(m->arena, m->cap, sizeof(*m->slots));
    for (size_t i = 0; i < old_cap; i++) {
        if (old[i].key) {
            *find(m, old[i].key) = old[i];
        }
    }
}

void *ordo_strmap_get(const struct ordo_strmap *map, const char *key)
{
    return find(map, key)->value;
}

void *ordo_strmap_add(struct ordo_strmap *map, const char *key, void *value)
{
    struct slot *s;

    assert(value != NULL);
    if ((map->count + 1) * 2 > map->cap) {
        grow(map);
    }
    s = find(map, key);
    if (s->key) {
        return s->value;
    }
    s->key = key;
    s->value = value;
    map->count++;
    return NULL;
}

void ordo_strmap_set(struct ordo_strmap *map, const char *key, void *value)
{
    if (ordo_strmap_add(map, key, value)) {
        find(map, key)->value = value;
    }
}

size_t ordo_strmap_count(const struct ordo_strmap *map)
{
    return map->count;
}
