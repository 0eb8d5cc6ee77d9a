#include "server/ratelimit.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"

#define SLOTS     4096 /* a power of two */
#define PROBES    8
#define NAME_SIZE 64

struct bucket {
    char name[NAME_SIZE]; /* "" : free */
    double tokens;
    int64_t at_ms;
};

struct ordo_ratelimit {
    pthread_mutex_t lock;
    double rate;
    double burst;
    struct bucket slots[SLOTS];
};

struct ordo_ratelimit *ordo_ratelimit_new(double rate, double burst)
{
    struct ordo_ratelimit *rl = calloc(1, sizeof *rl);

    if (!rl) {
        ordo_oom(sizeof *rl);
    }
    (void)pthread_mutex_init(&rl->lock, NULL);
    rl->rate = rate > 0 ? rate : 1;
    rl->burst = burst >= 1 ? burst : 1;
    return rl;
}

void ordo_ratelimit_free(struct ordo_ratelimit *rl)
{
    if (rl) {
        (void)pthread_mutex_destroy(&rl->lock);
        free(rl);
    }
}

static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */

    for (; *s; s++) {
        h = (h ^ (unsigned char)*s) * 16777619u;
    }
    return h;
}

static double level(const struct ordo_ratelimit *rl, const struct bucket *b, int64_t now_ms)
{
    double t = b->tokens + (double)(now_ms - b->at_ms) / 1000.0 * rl->rate;

    return t > rl->burst ? rl->burst : t;
}

/* The bucket of 'name': its own, a free or refilled slot, else the fullest. */
static struct bucket *find(struct ordo_ratelimit *rl, const char *name, int64_t now_ms)
{
    uint32_t h = hash(name);
    struct bucket *best = NULL;

    /* Its own bucket first, wherever it is among the probes: taking over a
     * refilled slot before looking further would let a name that lands in
     * front of another's bucket hand it a full one. */
    for (uint32_t i = 0; i < PROBES; i++) {
        struct bucket *b = &rl->slots[(h + i) & (SLOTS - 1)];

        if (strncmp(b->name, name, NAME_SIZE - 1) == 0) {
            return b;
        }
    }
    for (uint32_t i = 0; i < PROBES; i++) {
        struct bucket *b = &rl->slots[(h + i) & (SLOTS - 1)];

        if (!b->name[0] || level(rl, b, now_ms) >= rl->burst) {
            (void)snprintf(b->name, sizeof b->name, "%s", name);
            b->tokens = rl->burst;
            b->at_ms = now_ms;
            return b;
        }
        if (!best || level(rl, b, now_ms) > level(rl, best, now_ms)) {
            best = b;
        }
    }
    return best;
}

static bool use(struct ordo_ratelimit *rl, const char *name, double cost, int64_t now_ms,
                int *retry_after_s, bool take)
{
    struct bucket *b;
    double have;
    bool ok;

    (void)pthread_mutex_lock(&rl->lock);
    b = find(rl, name, now_ms);
    have = level(rl, b, now_ms);
    ok = have >= cost;
    if (ok && take) {
        b->tokens = have - cost;
        b->at_ms = now_ms;
    }
    (void)pthread_mutex_unlock(&rl->lock);
    if (!ok && retry_after_s) {
        *retry_after_s = (int)ceil((cost - have) / rl->rate);
        if (*retry_after_s < 1) {
            *retry_after_s = 1;
        }
    }
    return ok;
}

bool ordo_ratelimit_take(struct ordo_ratelimit *rl, const char *name, double cost, int64_t now_ms,
                         int *retry_after_s)
{
    return use(rl, name, cost, now_ms, retry_after_s, true);
}

bool ordo_ratelimit_check(struct ordo_ratelimit *rl, const char *name, double cost, int64_t now_ms,
                          int *retry_after_s)
{
    return use(rl, name, cost, now_ms, retry_after_s, false);
}
