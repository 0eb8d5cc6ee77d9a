/*
 * plugins/throttle.h - per-credential rate limits shared by every node
 * through PostgreSQL (CONTRACTS §8; table connector_throttle).
 *
 * Two limits, both per stored credential:
 *   - a block: when a service answers "slow down" with a delay (429 with
 *     Retry-After, GitHub's exhausted rate limit), the host records
 *     'blocked_until', and until then every node answers calls with that
 *     credential by RETRY without calling (ordo_throttle_block);
 *   - a budget: a credential may carry 'rate_per_minute'; a token bucket
 *     (burst of a tenth of a minute's budget, at least 1) is refilled and
 *     taken in one row-locked statement (ordo_throttle_take).
 * Both answer how long to wait; the job is rescheduled by that much, and
 * no executor thread sleeps. Credential id 0 (a connector without a
 * credential) is never throttled.
 *
 * Thread safety: each caller passes its own connection.
 */
#ifndef ORDO_PLUGINS_THROTTLE_H
#define ORDO_PLUGINS_THROTTLE_H

#include <stdint.h>

#include <libpq-fe.h>

#include "base/err.h"

/* A service's word on how long to wait is taken up to an hour: one answer
 * must not park a job, or block a shared credential, for longer (a hostile
 * or broken server could say a century). */
#define ORDO_THROTTLE_MAX_WAIT_MS (60L * 60 * 1000)

/* Take one call from the credential's budget: '*wait_ms' 0 when the call
 * may go now, else how long to wait (nothing taken). */
enum ordo_code ordo_throttle_take(PGconn *db, int64_t credential_id, int rate_per_minute,
                                  int64_t *wait_ms, struct ordo_err *err);

/* The service asked to wait 'delay_ms': no call with this credential,
 * from any node, before then (a later block wins over an earlier one). */
enum ordo_code ordo_throttle_block(PGconn *db, int64_t credential_id, int64_t delay_ms,
                                   struct ordo_err *err);

#endif
