/*
 * server/ratelimit.h - token buckets by name: requests per principal, and
 * failed logins per client address and per login.
 *
 * A bucket holds up to 'burst' tokens and gains 'rate' tokens a second.
 * Memory is bounded: buckets live in a fixed table; a name that finds its
 * slots taken evicts a bucket that has refilled completely (it remembers
 * nothing worth keeping), else shares the slot of the fullest one. Thread-safe.
 */
#ifndef ORDO_SERVER_RATELIMIT_H
#define ORDO_SERVER_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct ordo_ratelimit;

struct ordo_ratelimit *ordo_ratelimit_new(double rate, double burst);
void ordo_ratelimit_free(struct ordo_ratelimit *rl); /* NULL is a no-op */

/* Take 'cost' tokens from the bucket of 'name' at time 'now_ms'. False when
 * there are fewer; then '*retry_after_s' (may be NULL) says how many whole
 * seconds until there are enough, and nothing is taken. */
bool ordo_ratelimit_take(struct ordo_ratelimit *rl, const char *name, double cost, int64_t now_ms,
                         int *retry_after_s);

/* Would 'cost' tokens be there? Takes nothing. */
bool ordo_ratelimit_check(struct ordo_ratelimit *rl, const char *name, double cost, int64_t now_ms,
                          int *retry_after_s);

#endif
