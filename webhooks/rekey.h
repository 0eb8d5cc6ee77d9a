/*
 * webhooks/rekey.h - the webhook secrets under a new master key: the
 * inbound endpoints' and the outbound subscriptions' secrets are sealed
 * with the vault (CONTRACTS §13), and a rotation of the master key seals
 * them again with the current key (`ordo secrets rotate`, beside
 * core/credential.h's rotation of connector credentials).
 */
#ifndef ORDO_WEBHOOKS_REKEY_H
#define ORDO_WEBHOOKS_REKEY_H

#include <stdint.h>

#include <libpq-fe.h>

#include "base/err.h"
#include "base/vault.h"

/* Re-seal, in one transaction, every endpoint and subscription secret whose
 * key id is not the vault's current one; '*count' gets how many. The old
 * keys must be in the vault (master_key_old): one secret that does not open
 * fails the whole rotation, naming it, and changes nothing. One audit row
 * (webhook.secrets.rotate) records the count and the keys rotated from. */
enum ordo_code ordo_wh_rekey(PGconn *db, const struct ordo_vault *vault, const char *actor,
                             int64_t *count, struct ordo_err *err);

#endif
