/*
 * core/credential.h - named connector credentials, encrypted at rest
 * (CONTRACTS §13; the table `credential` of migration 0006).
 *
 * A credential is one connector's account: (connector, name), named in
 * BPMN by ordo:credential, holds
 *   config  a JSON object of what is not secret (a base URL, a site name):
 *           stored as jsonb, listed and audited as it is;
 *   secret  a JSON object whose members are all strings (API tokens,
 *           passwords): serialised (compact, sorted keys), sealed with the
 *           vault's current master key (base/vault.h) and the associated
 *           data "credential:<id>", and stored as key_id, nonce and
 *           ciphertext. Only the names of its fields are kept in clear
 *           (secret_fields), for display.
 * Secret values leave this module only through ordo_credential_get(), for
 * the plugin host; lists, audit rows, messages and logs never hold them.
 * Because the associated data binds a ciphertext to its row's id, a
 * ciphertext copied into another row does not decrypt.
 *
 * Names: connector 1-63 characters of [a-z0-9_] starting with a letter
 * (the connector part of an action id, CONTRACTS §1); name 1-63 characters
 * of [a-z0-9_.-] starting with a letter or digit; secret field names 1-64
 * characters of [A-Za-z0-9_.-]. The table's CHECKs say the same.
 *
 * Limits: config and secret at most ORDO_CREDENTIAL_JSON_MAX bytes each as
 * compact JSON (ORDO_E_TOOBIG), a secret of at most
 * ORDO_CREDENTIAL_MAX_FIELDS fields; a field may not be in both config and
 * secret (ORDO_E_UNPROCESSABLE: which one would the connector use?).
 *
 * Changes run in a transaction of their own on the given connection, which
 * must not be in one, and write one audit row each in it (actor: the
 * 'actor' argument, NULL meaning "system"):
 *   credential.set     {id, connector, name, config, secret_fields, created}
 *   credential.delete  {id, connector, name}
 *   credential.rotate  {count, key_id, from: [old key ids]}; a rotation
 *                      that finds nothing to re-encrypt changes nothing and
 *                      writes no row.
 *
 * Codes: ORDO_E_UNPROCESSABLE for a malformed connector, name, config or
 * secret (messages never repeat secret values, nor a name that fails its
 * pattern); ORDO_E_TOOBIG as above; ORDO_E_NOTFOUND for an unknown
 * credential ('no credential "jira/acme"'); ORDO_E_INTERNAL for a
 * credential the vault cannot decrypt (its key is not configured, or the
 * stored bytes were changed: see base/vault.h); PostgreSQL failures
 * ORDO_E_INTERNAL or ORDO_E_AGAIN (base/pg.h).
 *
 * Threads: a PGconn is used by one thread at a time (base/pg.h); every
 * function here is thread-safe for distinct connections, and a vault may
 * be shared.
 */
#ifndef ORDO_CORE_CREDENTIAL_H
#define ORDO_CORE_CREDENTIAL_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "base/err.h"
#include "base/vault.h"

#define ORDO_CREDENTIAL_JSON_MAX   ((size_t)64 * 1024)
#define ORDO_CREDENTIAL_MAX_FIELDS 64

struct ordo_credential_input {
    const char *connector;
    const char *name;
    const json_t *config; /* an object; NULL: {} */
    const json_t *secret; /* an object of strings; NULL: {} */
    int rate_per_minute;  /* calls per minute from all nodes; 0: no budget (plugins/throttle.h) */
};

/* Create credential (connector, name), or replace its config and secret
 * when it exists (its id, and so its throttle row, stay). '*id' and
 * '*created' (either may be NULL) tell which row and whether it is new. */
enum ordo_code ordo_credential_set(PGconn *db, const struct ordo_vault *vault,
                                   const struct ordo_credential_input *in, const char *actor,
                                   int64_t *id, bool *created, struct ordo_err *err);

/* A credential for use. 'config' and 'secret' are new references owned by
 * the holder: release them with ordo_credential_cleanup(). */
struct ordo_credential {
    int64_t id;
    int rate_per_minute;
    json_t *config;
    json_t *secret;
};

/* Credential (connector, name) with its secret decrypted. '*out' is set
 * only on ORDO_OK. */
enum ordo_code ordo_credential_get(PGconn *db, const struct ordo_vault *vault,
                                   const char *connector, const char *name,
                                   struct ordo_credential *out, struct ordo_err *err);

/* Overwrite the secret's string values with zeros when nothing else holds
 * them (jansson's reference counts are 1), then drop both references and
 * zero '*cred'. A zeroed struct is a no-op. Copies jansson made while
 * parsing are beyond its reach: see the note in core/credential.c. */
void ordo_credential_cleanup(struct ordo_credential *cred);

/* Every credential, or those of 'connector' (NULL: all), by connector and
 * name, as a new JSON array of {id, connector, name, config, secretFields,
 * keyId, ratePerMinute, createdAt, updatedAt, updatedBy}: ids as decimal strings, times
 * as RFC 3339 UTC with milliseconds (CONTRACTS §1). No secret values. */
enum ordo_code ordo_credential_list(PGconn *db, const char *connector, json_t **out,
                                    struct ordo_err *err);

/* Delete credential (connector, name) and its throttle row. */
enum ordo_code ordo_credential_delete(PGconn *db, const char *connector, const char *name,
                                      const char *actor, struct ordo_err *err);

/* Re-encrypt, in one transaction, every credential whose key id is not the
 * vault's current one; '*count' (may be NULL) gets how many. The old keys
 * must be in the vault (master_key_old): one credential that does not
 * decrypt fails the whole rotation, naming it, and changes nothing. Rows
 * are locked while rotating, so a concurrent set waits, and is kept. */
enum ordo_code ordo_credential_rotate(PGconn *db, const struct ordo_vault *vault, const char *actor,
                                      int64_t *count, struct ordo_err *err);

#endif
