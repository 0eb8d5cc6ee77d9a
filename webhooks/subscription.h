/*
 * webhooks/subscription.h - outbound webhook subscriptions, their
 * deliveries and the replay of dead letters (docs/webhooks-outbound.md;
 * the REST API in server/api_subscription.c).
 *
 * A subscription is a URL, the event types it wants and a Standard
 * Webhooks secret ("whsec_...", generated when not given). The secret is
 * sealed by the vault under the associated data
 * "webhook_subscription:<key>" and stored as the nonce followed by the
 * ciphertext; it is shown once, in the answer of create, and never again.
 *
 * Event types: instance.started, instance.completed (completed or
 * terminated), instance.failed, instance.canceled, task.created,
 * task.completed, incident.opened, incident.resolved; "*" stands for
 * every type, present and future.
 *
 * Input errors are ORDO_E_INVAL (400) with a message naming the field and
 * the bad value: a URL that is not http(s), http:// while http_scheme is
 * https, a literal private or loopback address outside http_allow (names
 * resolved later are checked by the sender's guard at every delivery), an
 * unknown event type, an empty event list, a secret that is not 24..64
 * bytes of base64. Unknown keys are ORDO_E_NOTFOUND; replaying a row that
 * is not a dead letter is ORDO_E_CONFLICT.
 *
 * Every change writes an audit row (webhook_subscription.created,
 * .updated, .deleted, webhook.replayed) naming the actor; audit rows and
 * answers never hold the secret, and audit rows name the URL's host only
 * (a URL's path may hold a token).
 *
 * JSON documents (keys as strings, times RFC 3339; CONTRACTS §1):
 *   {"key","url","events":[...],"description","enabled","disabledReason",
 *    "disabledAt","failingSince","createdBy","createdAt"}
 * Lists are {"items":[...],"next":cursor|null} (CONTRACTS §6), newest first.
 */
#ifndef ORDO_WEBHOOKS_SUBSCRIPTION_H
#define ORDO_WEBHOOKS_SUBSCRIPTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "base/err.h"

struct ordo_vault;
struct ordo_httpc_policy;

/* The event types, NULL-terminated. */
extern const char *const ordo_wh_event_types[];

/* A URL a subscription may have under 'policy' (see above). */
enum ordo_code ordo_wh_check_url(const char *url, const struct ordo_httpc_policy *policy,
                                 struct ordo_err *err);

/* Create from 'body' ({url, events, description?, secret?}): '*out' is the
 * document plus "secret". */
enum ordo_code ordo_wh_sub_create(PGconn *db, const struct ordo_vault *vault,
                                  const struct ordo_httpc_policy *policy, const json_t *body,
                                  const char *actor, json_t **out, struct ordo_err *err);

/* Change url, events, description, enabled (any subset) of subscription
 * 'key'; enabling clears disabled_reason, disabled_at and failing_since.
 * '*out' is the new document. */
enum ordo_code ordo_wh_sub_update(PGconn *db, const struct ordo_httpc_policy *policy, int64_t key,
                                  const json_t *body, const char *actor, json_t **out,
                                  struct ordo_err *err);

enum ordo_code ordo_wh_sub_get(PGconn *db, int64_t key, json_t **out, struct ordo_err *err);

/* 'limit' and 'after' are the query parameters (NULL: absent). */
enum ordo_code ordo_wh_sub_list(PGconn *db, const char *limit, const char *after, json_t **out,
                                struct ordo_err *err);

/* Delete the subscription and its outbox rows. */
enum ordo_code ordo_wh_sub_delete(PGconn *db, int64_t key, const char *actor, struct ordo_err *err);

/* The outbox rows of subscription 'key', with their attempts; 'state'
 * (pending, delivered, dead; NULL: all) filters. */
enum ordo_code ordo_wh_sub_deliveries(PGconn *db, int64_t key, const char *state, const char *limit,
                                      const char *after, json_t **out, struct ordo_err *err);

/* Dead letter 'seq' -> pending, attempts 0, due now. '*out' is
 * {"seq","state"}. */
enum ordo_code ordo_wh_replay_one(PGconn *db, int64_t seq, const char *actor, json_t **out,
                                  struct ordo_err *err);

/* Every dead letter of subscription 'key' created at or after 'since'
 * (RFC 3339; NULL: all of them). '*out' is {"replayed": N}. */
enum ordo_code ordo_wh_replay_since(PGconn *db, int64_t key, const char *since, const char *actor,
                                    json_t **out, struct ordo_err *err);

#endif
