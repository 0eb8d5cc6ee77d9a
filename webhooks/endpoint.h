/*
 * webhooks/endpoint.h - inbound webhook endpoints and their stored
 * deliveries (tables webhook_endpoint, webhook_delivery; CONTRACTS §14).
 *
 * An endpoint answers at /hooks/{name}. BPMN endpoints come from
 * ordo:webhook at deploy (core/store_deploy.c) and belong to their process:
 * through the API only their secret, previous_secret, enabled and options
 * change, and they cannot be deleted (the next version without the
 * attribute drops them). API endpoints are made, replaced and deleted by
 * an admin with PUT/DELETE /api/webhooks/endpoints/{name}.
 *
 * Secrets: the plaintext is a JSON array of one or two strings (the current
 * secret and, while senders rotate, the previous one), sealed by the vault
 * (base/vault.h) with the associated data "webhook_endpoint:<name>" and
 * stored as nonce‖ciphertext in webhook_endpoint.secret, the key id in
 * secret_key_id. Secrets leave this module only in struct
 * ordo_hook_endpoint, for verification; lists, audit rows and messages
 * never hold them (they say whether one is set).
 *
 * Changes run in a transaction of their own on the given connection (which
 * must not be in one) and write one audit row in it:
 *   webhook.endpoint.set     {name, scheme, action, process, secret_set,
 *                             previous_secret_set, enabled, unsigned, created}
 *   webhook.endpoint.delete  {name}
 *
 * Threads: a PGconn is used by one thread at a time; a vault may be shared.
 */
#ifndef ORDO_WEBHOOKS_ENDPOINT_H
#define ORDO_WEBHOOKS_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "base/arena.h"
#include "base/err.h"
#include "webhooks/verify.h"

struct ordo_vault;

#define ORDO_HOOK_CHANNEL     "ordo_hooks" /* NOTIFY'd when a delivery is stored */
#define ORDO_HOOK_MAX_SECRETS 2

struct ordo_hook_endpoint {
    const char *name;
    enum ordo_hook_scheme scheme;
    const char *options;                                /* JSON object text */
    const char *action;                                 /* start | message | slack_approval */
    const char *process_id, *element_id, *message_name; /* NULL when not set */
    const char *correlation_key, *variables;            /* FEEL text, or NULL */
    int64_t definition_key;                             /* 0: an API endpoint */
    bool enabled;
    bool suspended; /* the definition is suspended: the endpoint is off */
    bool has_secret;
    /* With 'open_secret': the secrets, current first (in the arena; the
     * caller wipes them with ordo_hook_endpoint_wipe). */
    const char *secrets[ORDO_HOOK_MAX_SECRETS];
    size_t nsecrets;
};

/* The endpoint 'name' (ORDO_E_NOTFOUND when none); its secrets opened
 * when 'open_secret'. Everything lives in 'arena'. */
enum ordo_code ordo_hook_endpoint_get(PGconn *db, struct ordo_arena *arena,
                                      const struct ordo_vault *vault, const char *name,
                                      bool open_secret, struct ordo_hook_endpoint *out,
                                      struct ordo_err *err);

/* Overwrite the opened secrets with zeros. */
void ordo_hook_endpoint_wipe(struct ordo_hook_endpoint *ep);

/* The API's view: never a secret, "secret_set" instead. A new reference. */
json_t *ordo_hook_endpoint_json(const struct ordo_hook_endpoint *ep);

/* A page of endpoints by name (CONTRACTS §6): '*items' a new array,
 * '*next' the cursor or NULL. */
enum ordo_code ordo_hook_endpoint_list(PGconn *db, struct ordo_arena *arena, int limit,
                                       const char *after, json_t **items, const char **next,
                                       struct ordo_err *err);

/* PUT /api/webhooks/endpoints/{name}: create or replace an API endpoint,
 * or change the secret, enabled and options of a BPMN one, from 'body'
 * (see docs/webhooks.md). 'loopback': the server listens on loopback only
 * (scheme 'unsigned' is refused otherwise). '*out' gets the endpoint's
 * view (a new reference), '*created' whether it is new. Codes:
 * ORDO_E_UNPROCESSABLE for a bad member (named), ORDO_E_CONFLICT for a
 * member a BPMN endpoint does not let change. */
enum ordo_code ordo_hook_endpoint_put(PGconn *db, struct ordo_arena *arena,
                                      const struct ordo_vault *vault, const char *name,
                                      const json_t *body, bool loopback, const char *actor,
                                      json_t **out, bool *created, struct ordo_err *err);

/* DELETE: an API endpoint (its deliveries stay, for the record). A BPMN
 * one: ORDO_E_CONFLICT; none: ORDO_E_NOTFOUND. */
enum ordo_code ordo_hook_endpoint_delete(PGconn *db, struct ordo_arena *arena, const char *name,
                                         const char *actor, struct ordo_err *err);

/* The newest 'limit' deliveries of an endpoint (no bodies): '*items' a new
 * array of {key, delivery_id, state, attempts, received_at, done_at,
 * instance_key, error}. */
enum ordo_code ordo_hook_deliveries(PGconn *db, struct ordo_arena *arena, const char *name,
                                    int limit, json_t **items, struct ordo_err *err);

/* Store a verified delivery once per (endpoint, delivery_id) and NOTIFY
 * ORDO_HOOK_CHANNEL, in one transaction. '*duplicate': it was stored
 * before (nothing changed); else '*key' is the new row's key. 'headers' is
 * a JSON object text. */
enum ordo_code ordo_hook_delivery_insert(PGconn *db, struct ordo_arena *arena, const char *endpoint,
                                         const char *delivery_id, const char *headers,
                                         const uint8_t *body, size_t len, int64_t *key,
                                         bool *duplicate, struct ordo_err *err);

/* Is 'name' a valid endpoint name: 1-64 of [a-z0-9_-], not starting with
 * '-' or '_'. */
bool ordo_hook_name_ok(const char *name);

#endif
