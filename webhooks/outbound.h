/*
 * webhooks/outbound.h - delivering outbound webhook events: the sender
 * threads (CONTRACTS §14; docs/webhooks-outbound.md).
 *
 * The engine writes events into the outbox in the transaction of the
 * state change (core/store_outbox.c), one row per (subscription, event).
 * Each sender thread has its own PostgreSQL connection, LISTENs on
 * 'ordo_outbox' and also wakes when the next row is due. It claims one
 * due row at a time with FOR UPDATE SKIP LOCKED, FIFO per (subscription,
 * instance): a row is eligible only when no earlier row of its
 * subscription and instance is still pending. A claimed row stays
 * 'pending' under a lease (lock_owner, and due_at moved to the end of the
 * lease), its attempt counted, and the claim commits before the POST, so
 * the call happens outside any transaction; a node that dies mid-delivery
 * leaves a row that is sent again, with the same webhook-id, once the
 * lease ends (at least once).
 *
 * The POST goes through base/httpc (the SSRF guard, no redirects, the
 * timeout), with the Standard Webhooks headers webhook-id (the row's
 * msg_id), webhook-timestamp (this attempt) and webhook-signature (signed
 * with the subscription's secret, opened with the vault under the
 * associated data "webhook_subscription:<key>"), and the stored payload
 * bytes as the body. Every attempt is a webhook_attempt row. Then:
 *   2xx       -> 'delivered'; the subscription's failing_since is cleared;
 *   410       -> the subscription is disabled; its rows stay pending (the
 *                attempt is given back) until it is enabled again;
 *   otherwise -> (3xx, other 4xx, 5xx, timeout, refused by the guard)
 *                retried after schedule[attempt - 1] with +-10% jitter, or
 *                at least Retry-After on 429 and 503 (capped at a day);
 *                after the last entry of the schedule, 'dead' (a dead
 *                letter: the next rows of that subscription and instance
 *                may go). A subscription failing continuously for longer
 *                than 'disable_after_ms' is disabled.
 */
#ifndef ORDO_WEBHOOKS_OUTBOUND_H
#define ORDO_WEBHOOKS_OUTBOUND_H

#include <stddef.h>
#include <stdint.h>

#include "base/duration.h"
#include "base/err.h"

struct ordo_vault;
struct ordo_httpc_policy;
struct ordo_config;

/* The channel the outbox NOTIFYs when it gets rows. */
#define ORDO_WH_CHANNEL "ordo_outbox"
/* Retry-After is honoured up to this many milliseconds. */
#define ORDO_WH_RETRY_AFTER_MAX ((int64_t)24 * 3600 * 1000)

struct ordo_wh_sender_options {
    const char *conninfo;
    const char *node;                     /* this node's name, for lock_owner */
    int threads;                          /* 0: start nothing */
    const struct ordo_vault *vault;       /* opens subscription secrets */
    const struct ordo_httpc_policy *http; /* http_allow, http_scheme; copied */
    int64_t timeout_ms;                   /* one delivery; the lease is 2x + 1 s */
    int64_t schedule[ORDO_DURATION_LIST_MAX];
    size_t nschedule;
    int64_t disable_after_ms;
    int64_t retention_ms; /* delivered events older go; 0: kept */
};

/* The options of config keys webhook_senders, webhook_timeout,
 * webhook_retry_schedule, webhook_disable_after and webhook_retention (ORDO_E_INVAL naming
 * the key for a malformed value); conninfo, node, vault and http are left
 * to the caller. */
enum ordo_code ordo_wh_sender_config(const struct ordo_config *cfg,
                                     struct ordo_wh_sender_options *opts, struct ordo_err *err);

/* The wait before attempt 'attempt' + 1 after attempt 'attempt' (1-based)
 * failed, before jitter: schedule[attempt - 1], or -1 when that was the
 * last attempt (a dead letter). Retry-After ('retry_after_ms' >= 0, from a
 * 429, 502, 503 or 504) raises it, capped at ORDO_WH_RETRY_AFTER_MAX. */
int64_t ordo_wh_retry_delay(const struct ordo_wh_sender_options *opts, int attempt,
                            int64_t retry_after_ms);

struct ordo_wh_sender;

/* Start the threads ('*out' set only on ORDO_OK; with 0 threads, a sender
 * that does nothing). ORDO_E_INVAL for bad options, ORDO_E_INTERNAL when a
 * thread or an HTTP client cannot start. Connections are made by the
 * threads, which retry while the database is away. */
enum ordo_code ordo_wh_sender_start(const struct ordo_wh_sender_options *opts,
                                    struct ordo_wh_sender **out, struct ordo_err *err);

/* Stop and free: a delivery in flight finishes first (at most the
 * timeout). NULL is a no-op. */
void ordo_wh_sender_stop(struct ordo_wh_sender *sender);

#endif
