/*
 * core/identity_internal.h - what the identity files share: transactions
 * with their audit row, tokens and their hashes, the SQL that reads a
 * principal, and the checks of names.
 */
#ifndef ORDO_CORE_IDENTITY_INTERNAL_H
#define ORDO_CORE_IDENTITY_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "base/arena.h"
#include "base/err.h"
#include "core/identity.h"

/* clang-format would tear these string macros apart. */
/* clang-format off */

/* A timestamptz column as RFC 3339 UTC with milliseconds (CONTRACTS §1). */
#define ID_RFC3339(col) \
    "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

/* Roles in the order of enum ordo_role, for ORDER BY. */
#define ID_ROLE_ORDER(col) \
    "array_position(ARRAY['admin', 'designer', 'operator', 'approver', 'viewer', " \
    "'metrics']::text[], " col ")"

/* The roles of the user whose key is the SQL expression 'u': direct and
 * through groups (a subquery's body). */
#define ID_USER_ROLES(u) \
    "SELECT role FROM role_grant WHERE user_key = " u " " \
    "UNION SELECT gr.role FROM role_grant gr " \
    "JOIN group_member gm ON gm.group_key = gr.group_key WHERE gm.user_key = " u

/* The columns ordo_id_principal_fill() reads, over a user row 'u'. */
#define ID_PRINCIPAL_COLS \
    "u.key, u.login, u.email, " \
    "(SELECT string_agg(role, ',') FROM (" ID_USER_ROLES("u.key") ") ur), " \
    "(SELECT coalesce(json_agg(g.name ORDER BY g.name), '[]')::text " \
    "FROM app_group g JOIN group_member m ON m.group_key = g.key WHERE m.user_key = u.key)"
#define ID_PRINCIPAL_NCOLS 5

/* clang-format on */

const char *ordo_id_actor(const char *actor); /* NULL -> "system" */
const char *ordo_id_i64(struct ordo_arena *arena, int64_t v);

/* The SHA-256 of the whole token as a bytea parameter. */
const char *ordo_id_token_hash(struct ordo_arena *arena, const char *token);

/* A new API key token: "ordo_" and 40 characters of base32. */
void ordo_id_token_new(char out[ORDO_IDENTITY_TOKEN_SIZE]);

/* Lower-case hex of 'nbytes' random bytes, in 'arena'. */
char *ordo_id_random_hex(struct ordo_arena *arena, size_t nbytes);

/* BEGIN, and with 'lock' the transaction's ORDO_IDENTITY_LOCK. The
 * transaction ends with ordo_pg_end() (base/pg.h). */
enum ordo_code ordo_id_begin(PGconn *db, bool lock, struct ordo_err *err);

/* The first cell of 'sql' parsed as JSON (a new reference). */
enum ordo_code ordo_id_query_json(PGconn *db, const char *what, const char *sql, int nparams,
                                  const char *const *params, json_t **out, struct ordo_err *err);

/* "admin,viewer" (role names, any order, NULL for none) -> a role set. */
unsigned ordo_id_roles_from_csv(const char *csv);

/* A role set as a PostgreSQL array literal: "{admin,viewer}". */
const char *ordo_id_roles_array(struct ordo_arena *arena, unsigned roles);

/* A role set as "designer,operator", for messages. */
const char *ordo_id_roles_text(struct ordo_arena *arena, unsigned roles);

/* Whether an enabled user holds ADMIN, directly or through a group. */
enum ordo_code ordo_id_admin_exists(PGconn *db, struct ordo_arena *arena, bool *out,
                                    struct ordo_err *err);

/* After a change made under ORDO_IDENTITY_LOCK: when an admin existed
 * before it ('had'), one must still exist (ORDO_E_CONFLICT otherwise). */
enum ordo_code ordo_id_keep_admin(PGconn *db, struct ordo_arena *arena, bool had,
                                  struct ordo_err *err);

/* User 'key' exists (ORDO_E_NOTFOUND otherwise); '*disabled' may be NULL. */
enum ordo_code ordo_id_user_check(PGconn *db, struct ordo_arena *arena, int64_t key, bool *disabled,
                                  struct ordo_err *err);

/* 'what' ("login", "group name") is 1-64 characters of [A-Za-z0-9._@-]. */
enum ordo_code ordo_id_check_name(const char *what, const char *s, struct ordo_err *err);

/* Fill 'out' from row 0 of 'res', whose first ID_PRINCIPAL_NCOLS columns
 * are ID_PRINCIPAL_COLS; 'out->roles' is the user's roles. */
enum ordo_code ordo_id_principal_fill(const PGresult *res, struct ordo_arena *arena,
                                      struct ordo_principal *out, struct ordo_err *err);

/* The generic refusal of every failed authentication (inline, so that
 * the analyzer sees the constant code). */
static inline enum ordo_code ordo_id_unauthenticated(struct ordo_err *err)
{
    (void)ordo_err_set(err, ORDO_E_UNAUTHENTICATED, "invalid or expired credentials");
    return ORDO_E_UNAUTHENTICATED;
}

/* Inside a transaction: insert a key of 'user_key' for 'token' and write
 * its key.created row. */
struct id_key_row {
    int64_t user_key;
    const char *name;
    const char *token;
    unsigned scopes;
    int64_t expires_ms; /* 0: never */
};
enum ordo_code ordo_id_key_insert(PGconn *db, struct ordo_arena *arena, const struct id_key_row *k,
                                  const char *actor, int64_t *key, struct ordo_err *err);

/* Inside a transaction: grant 'roles' and write role.granted when any was
 * new; '*granted' (may be NULL) gets the new ones. */
enum ordo_code ordo_id_grant_locked(PGconn *db, struct ordo_arena *arena, enum ordo_grantee kind,
                                    int64_t key, unsigned roles, const char *actor,
                                    unsigned *granted, struct ordo_err *err);

/* Inside a transaction: insert a user and write user.created. */
enum ordo_code ordo_id_user_insert(PGconn *db, struct ordo_arena *arena,
                                   const struct ordo_user_new *req, const char *password_hash,
                                   const char *actor, int64_t *key, struct ordo_err *err);

/* argon2id of 'password' (crypto_pwhash_str, interactive limits), in 'arena'. */
enum ordo_code ordo_id_password_hash(struct ordo_arena *arena, const char *password,
                                     const char **out, struct ordo_err *err);

/* The password's length is within the limits. */
enum ordo_code ordo_id_check_password(const char *password, struct ordo_err *err);

#endif
