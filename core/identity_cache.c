/*
 * core/identity_cache.c - principals by token for a few seconds.
 *
 * A hash table of SHA-256(token) -> a copy of the principal in one malloc
 * block, behind one mutex: lookups are a few hundred nanoseconds, far below
 * the round trip to PostgreSQL they replace, so one lock does not limit a
 * server. The table never grows past ORDO_IDENTITY_CACHE_MAX entries: when
 * it is full it is emptied (expired entries are dropped when met).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "core/identity.h"

#define NBUCKETS 1024 /* a power of two */

struct entry {
    struct entry *next;
    uint8_t hash[ORDO_SHA256_SIZE];
    int64_t expires_ms;      /* CLOCK_MONOTONIC */
    struct ordo_principal p; /* strings point into the rest of the block */
};

struct ordo_identity_cache {
    pthread_mutex_t lock;
    int64_t ttl_ms;
    size_t count;
    struct entry *buckets[NBUCKETS];
};

static size_t bucket_of(const uint8_t hash[ORDO_SHA256_SIZE])
{
    return ((size_t)hash[0] | (size_t)hash[1] << 8) & (NBUCKETS - 1);
}

struct ordo_identity_cache *ordo_identity_cache_new(int64_t ttl_ms)
{
    struct ordo_identity_cache *c = calloc(1, sizeof *c);

    if (!c) {
        ordo_oom(sizeof *c);
    }
    pthread_mutex_init(&c->lock, NULL);
    c->ttl_ms = ttl_ms > 0 ? ttl_ms : ORDO_IDENTITY_CACHE_TTL_MS;
    return c;
}

/* With the lock held. */
static void clear_locked(struct ordo_identity_cache *c)
{
    for (size_t i = 0; i < NBUCKETS; i++) {
        while (c->buckets[i]) {
            struct entry *e = c->buckets[i];

            c->buckets[i] = e->next;
            free(e);
        }
    }
    c->count = 0;
}

void ordo_identity_cache_free(struct ordo_identity_cache *cache)
{
    if (!cache) {
        return;
    }
    clear_locked(cache);
    pthread_mutex_destroy(&cache->lock);
    free(cache);
}

void ordo_identity_cache_invalidate(struct ordo_identity_cache *cache)
{
    pthread_mutex_lock(&cache->lock);
    clear_locked(cache);
    pthread_mutex_unlock(&cache->lock);
}

/* A copy of 'src' in one block: the entry, the group pointers, the text. */
static struct entry *entry_new(const struct ordo_principal *src)
{
    size_t text =
        strlen(src->login) + strlen(src->email) + 2 + (src->csrf ? strlen(src->csrf) + 1 : 0);
    size_t ptrs = (src->ngroups + 1) * sizeof(char *);
    struct entry *e;
    char **groups, *s;

    for (size_t i = 0; i < src->ngroups; i++) {
        text += strlen(src->groups[i]) + 1;
    }
    e = calloc(1, sizeof *e + ptrs + text);
    if (!e) {
        ordo_oom(sizeof *e + ptrs + text);
    }
    e->p = *src;
    groups = (char **)(e + 1);
    s = (char *)groups + ptrs;
#define COPY(dst, str)               \
    do {                             \
        size_t n_ = strlen(str) + 1; \
        memcpy(s, (str), n_);        \
        (dst) = s;                   \
        s += n_;                     \
    } while (0)
    COPY(e->p.login, src->login);
    COPY(e->p.email, src->email);
    if (src->csrf) {
        COPY(e->p.csrf, src->csrf);
    }
    for (size_t i = 0; i < src->ngroups; i++) {
        COPY(groups[i], src->groups[i]);
    }
#undef COPY
    e->p.groups = (const char **)groups;
    return e;
}

static void copy_out(const struct ordo_principal *src, struct ordo_arena *arena,
                     struct ordo_principal *out)
{
    *out = *src;
    out->login = ordo_arena_strdup(arena, src->login);
    out->email = ordo_arena_strdup(arena, src->email);
    out->csrf = ordo_arena_strdup(arena, src->csrf);
    out->groups = ordo_arena_calloc(arena, src->ngroups + 1, sizeof *out->groups);
    for (size_t i = 0; i < src->ngroups; i++) {
        out->groups[i] = ordo_arena_strdup(arena, src->groups[i]);
    }
}

/* With the lock held: the live entry for 'hash', dropping it if it expired. */
static struct entry *find_locked(struct ordo_identity_cache *c, const uint8_t *hash, int64_t now)
{
    struct entry **pp = &c->buckets[bucket_of(hash)];

    for (; *pp; pp = &(*pp)->next) {
        struct entry *e = *pp;

        if (memcmp(e->hash, hash, sizeof e->hash) != 0) {
            continue;
        }
        if (e->expires_ms > now) {
            return e;
        }
        *pp = e->next;
        free(e);
        c->count--;
        return NULL;
    }
    return NULL;
}

bool ordo_identity_cache_get(struct ordo_identity_cache *cache, const char *token,
                             struct ordo_arena *arena, struct ordo_principal *out)
{
    uint8_t hash[ORDO_SHA256_SIZE];
    struct entry *e;

    if (!token) {
        return false;
    }
    ordo_sha256(token, strlen(token), hash);
    pthread_mutex_lock(&cache->lock);
    e = find_locked(cache, hash, ordo_clock_mono_ms());
    if (e) {
        copy_out(&e->p, arena, out);
    }
    pthread_mutex_unlock(&cache->lock);
    return e != NULL;
}

void ordo_identity_cache_put(struct ordo_identity_cache *cache, const char *token,
                             const struct ordo_principal *p)
{
    struct entry *e = entry_new(p), *old;
    int64_t now = ordo_clock_mono_ms();
    size_t b;

    ordo_sha256(token, strlen(token), e->hash);
    e->expires_ms = now + cache->ttl_ms;
    b = bucket_of(e->hash);
    pthread_mutex_lock(&cache->lock);
    old = find_locked(cache, e->hash, now);
    if (old) { /* replaced: expire it, so find_locked() drops it */
        old->expires_ms = 0;
        (void)find_locked(cache, e->hash, now);
    }
    if (cache->count >= ORDO_IDENTITY_CACHE_MAX) {
        clear_locked(cache);
    }
    e->next = cache->buckets[b];
    cache->buckets[b] = e;
    cache->count++;
    pthread_mutex_unlock(&cache->lock);
}

enum ordo_code ordo_identity_cache_authenticate_key(struct ordo_identity_cache *cache, PGconn *db,
                                                    const char *token, struct ordo_arena *arena,
                                                    struct ordo_principal *out,
                                                    struct ordo_err *err)
{
    enum ordo_code rc;

    if (ordo_identity_cache_get(cache, token, arena, out)) {
        return ORDO_OK;
    }
    rc = ordo_identity_authenticate_key(db, token, arena, out, err);
    if (rc == ORDO_OK) {
        ordo_identity_cache_put(cache, token, out);
    }
    return rc;
}
