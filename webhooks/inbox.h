/*
 * webhooks/inbox.h - the work of stored inbound deliveries (CONTRACTS §14).
 *
 * The HTTP side stores a verified delivery and answers at once; these
 * workers do the work after, from the row. Each worker thread has its own
 * store connection and a listening connection (LISTEN ordo_hooks, and a
 * poll every second). It takes due pending rows with FOR UPDATE SKIP
 * LOCKED in a statement of its own that raises 'attempts' and leases the
 * row (lock_owner, due_at = now + lease), so a node that dies mid-work
 * leaves the row to be taken again when the lease ends. Then per the
 * endpoint's action:
 *   start           evaluate 'variables' (FEEL, default {body: body}) over
 *                   {body, headers} and ordo_store_start_once() at the
 *                   endpoint's start event, with idempotency key
 *                   "hook:<delivery key>" and actor "webhook:<name>": a
 *                   crash between the start and marking the row done does
 *                   not start twice;
 *   message         also the correlation key, and ordo_store_publish() with
 *                   message id "hook:<endpoint>:<delivery id>" (buffered for
 *                   ORDO_INBOX_MESSAGE_TTL_MS when nothing waits yet);
 *   slack_approval  the 'approval' callback of the options (the Slack
 *                   approval module); without one the delivery fails.
 * Done: state 'done' with result and instance_key. A FEEL error, a
 * mapping that is not a context, an endpoint or definition that is gone,
 * not deployed or suspended fail the delivery at once ('failed', with the
 * message); other errors (the database) retry with the engine's backoff
 * and fail after ORDO_INBOX_MAX_ATTEMPTS.
 *
 * 'body' in the context is the body as ordo_hook_parse_body() reads it;
 * 'headers' an object of the kept headers by lower-case name.
 */
#ifndef ORDO_WEBHOOKS_INBOX_H
#define ORDO_WEBHOOKS_INBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"

struct ordo_store;
struct ordo_defcache;
struct ordo_inbox;

#define ORDO_INBOX_MAX_ATTEMPTS   5
#define ORDO_INBOX_LEASE_MS       60000
#define ORDO_INBOX_BATCH          16
#define ORDO_INBOX_MESSAGE_TTL_MS 3600000 /* an hour */

/* Slack approvals (webhooks/approval.h), handed in by the server. */
typedef enum ordo_code ordo_inbox_approval_fn(void *ctx, struct ordo_store *st, const uint8_t *body,
                                              size_t len, json_t **result, int64_t *instance_key,
                                              struct ordo_err *err);

struct ordo_inbox_options {
    const char *conninfo;
    const char *owner; /* this node, in lock_owner */
    int threads;       /* config webhook_workers; 0: none start */
    struct ordo_defcache *cache;
    const char *timezone; /* of FEEL now()/today(); NULL: UTC */
    ordo_inbox_approval_fn *approval;
    void *approval_ctx;
    int64_t retention_ms; /* config webhook_retention: worked deliveries older go; 0: kept */
};

/* Start the workers. */
enum ordo_code ordo_inbox_start(const struct ordo_inbox_options *opts, struct ordo_inbox **out,
                                struct ordo_err *err);

/* Stop them: each finishes the delivery it is on. NULL is a no-op. */
void ordo_inbox_stop(struct ordo_inbox *inbox);

/* One pass on 'st': take up to ORDO_INBOX_BATCH due deliveries and work
 * them. '*taken' counts them (0: nothing was due). */
enum ordo_code ordo_inbox_run_once(struct ordo_store *st, const struct ordo_inbox_options *opts,
                                   int *taken, struct ordo_err *err);

#endif
