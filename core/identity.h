/*
 * core/identity.h - users, groups, roles, API keys, web sessions and the
 * first admin (CONTRACTS §7; docs/identities.md is the operator's page).
 *
 * Roles: admin, designer, operator, approver, viewer, metrics, granted to
 * users directly or to groups (every member holds a group's roles). A
 * user's roles are the union of both. ADMIN holds every permission: callers
 * ask ordo_principal_has(), which says so.
 *
 * Credentials:
 *   - API keys: "ordo_" and 40 characters of lower-case base32 (200 random
 *     bits), shown once at creation, stored as the SHA-256 of the whole
 *     token with a display prefix (its first 9 characters). A key carries
 *     scopes, a subset of its owner's roles when it was made; what a request
 *     with the key may do is scopes ∩ the owner's roles at that moment (an
 *     owner who holds ADMIN counts as holding every role). Revoked and
 *     expired keys and keys of disabled users authenticate nobody.
 *   - The configured admin_key (any string of ORDO_IDENTITY_ADMIN_KEY_MIN
 *     characters or more) is stored the same way, as a key of the user
 *     "admin" with the admin scope (ordo_identity_bootstrap).
 *   - Web sessions: a password login (argon2id, libsodium crypto_pwhash_str,
 *     interactive limits) yields a session token and a CSRF token; the
 *     session ends ORDO_IDENTITY_SESSION_SECONDS after the login, at logout,
 *     or when the user is disabled or their password changes.
 * Every authentication failure is ORDO_E_UNAUTHENTICATED with one generic
 * message that never repeats the token, and does not tell an unknown login
 * from a wrong password.
 *
 * Changes (users, groups, memberships, grants, keys, logins) run in a
 * transaction of their own on the given connection, which must not be in
 * one, and write one audit row each in that transaction (actor: the
 * 'actor' argument, NULL meaning "system"; payloads never hold a secret).
 * A change that would leave no enabled admin, where there was one, is
 * refused with ORDO_E_CONFLICT.
 *
 * Common codes: a duplicate login, email, Slack id or group name is
 * ORDO_E_CONFLICT; an unknown user, group or key ORDO_E_NOTFOUND; a bad
 * role name, login (1-64 characters of [A-Za-z0-9._@-]), email, password or
 * key name ORDO_E_UNPROCESSABLE; PostgreSQL failures ORDO_E_INTERNAL or
 * ORDO_E_AGAIN (base/pg.h).
 *
 * Lists are jansson arrays, new references: keys as decimal strings, times
 * as RFC 3339 UTC with milliseconds, null when unset (CONTRACTS §1).
 *
 * Threads: a PGconn is used by one thread at a time (base/pg.h); every
 * function here is thread-safe for distinct connections, and the cache is
 * thread-safe. ordo_crypto_init() must have run.
 */
#ifndef ORDO_CORE_IDENTITY_H
#define ORDO_CORE_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "base/arena.h"
#include "base/err.h"

/* ---- roles ---------------------------------------------------------------------------------- */

enum ordo_role {
    ORDO_ROLE_ADMIN = 1u << 0,
    ORDO_ROLE_DESIGNER = 1u << 1,
    ORDO_ROLE_OPERATOR = 1u << 2,
    ORDO_ROLE_APPROVER = 1u << 3,
    ORDO_ROLE_VIEWER = 1u << 4,
    ORDO_ROLE_METRICS = 1u << 5,
};
#define ORDO_ROLE_ALL 0x3fu

/* "operator" -> ORDO_ROLE_OPERATOR (names are lower case, exactly). An
 * unknown name: ORDO_E_UNPROCESSABLE naming it. */
enum ordo_code ordo_role_parse(const char *name, unsigned *bit, struct ordo_err *err);

/* The name of one role bit; NULL for anything that is not exactly one role. */
const char *ordo_role_name(unsigned bit);

/* A JSON array of role names (["viewer","metrics"]) -> a role set. Not an
 * array, not strings or an unknown name: ORDO_E_UNPROCESSABLE. */
enum ordo_code ordo_roles_from_json(const json_t *array, unsigned *roles, struct ordo_err *err);

/* A role set -> a new JSON array of names, in the order of enum ordo_role. */
json_t *ordo_roles_to_json(unsigned roles);

/* ---- principals ----------------------------------------------------------------------------- */

/* Who a request is. Strings and arrays live in the arena the
 * authenticating call was given. */
struct ordo_principal {
    int64_t user_key;
    const char *login;
    const char *email;
    /* Effective roles: for an API key its scopes ∩ the user's roles (direct
     * and through groups; a user holding ADMIN counts as holding all), for
     * a session the user's roles. ADMIN is returned as it is: callers use
     * ordo_principal_has(), which treats it as every role. */
    unsigned roles;
    const char **groups; /* the user's group names, sorted */
    size_t ngroups;
    int64_t api_key;  /* the key's key; 0 for a session */
    bool session;     /* authenticated by a web session */
    const char *csrf; /* a session's CSRF token, NULL for a key */
};

/* True when 'p' holds 'role' (one bit or several: all of them), or ADMIN.
 * NULL 'p': false. */
bool ordo_principal_has(const struct ordo_principal *p, unsigned role);

/* ---- authentication ------------------------------------------------------------------------- */

/* "Authorization: Bearer <token>" with an API key. Unknown, revoked or
 * expired key, or a disabled user: ORDO_E_UNAUTHENTICATED. last_used_at is
 * written when it is a minute old or more (so at most once a minute per
 * key, whatever the request rate). */
enum ordo_code ordo_identity_authenticate_key(PGconn *db, const char *token,
                                              struct ordo_arena *arena, struct ordo_principal *out,
                                              struct ordo_err *err);

/* HTTP Basic for the Camunda dialects (CONTRACTS §7): 'login' is the key
 * owner's login or email (any case), the password an API key of theirs.
 * Anything else: ORDO_E_UNAUTHENTICATED. */
enum ordo_code ordo_identity_authenticate_basic(PGconn *db, const char *login, const char *key,
                                                struct ordo_arena *arena,
                                                struct ordo_principal *out, struct ordo_err *err);

#define ORDO_IDENTITY_SESSION_SECONDS 43200 /* 12 h */

/* Password login by login or email (any case; a login wins over another
 * user's equal email). The password is checked against an argon2id hash in
 * every case, a dummy one when the user is unknown, has no password or is
 * disabled, so the answer takes as long either way. Success creates a
 * session: '*session_token' and '*csrf' (in 'arena') go to the browser,
 * the first in an HttpOnly cookie, and 'out' is the principal. Failure:
 * ORDO_E_UNAUTHENTICATED. Takes about 0.1 s of CPU and 64 MiB of memory
 * (argon2id's interactive limits): throttle logins. */
enum ordo_code ordo_identity_login(PGconn *db, const char *login, const char *password,
                                   struct ordo_arena *arena, struct ordo_principal *out,
                                   char **session_token, char **csrf, struct ordo_err *err);

/* The session cookie's token. Unknown or expired session, or a disabled
 * user: ORDO_E_UNAUTHENTICATED. 'out->csrf' is the token that state
 * changes must carry (the caller compares with ordo_crypto_equal). */
enum ordo_code ordo_identity_authenticate_session(PGconn *db, const char *token,
                                                  struct ordo_arena *arena,
                                                  struct ordo_principal *out, struct ordo_err *err);

/* End a session. An unknown token is no error (nothing to end). */
enum ordo_code ordo_identity_logout(PGconn *db, const char *token, struct ordo_err *err);

/* ---- the cache ------------------------------------------------------------------------------ */

/* Principals by token for ORDO_IDENTITY_CACHE_TTL_MS (by default), so that
 * a busy server does not ask PostgreSQL on every request. Thread-safe.
 * Tokens are kept only as hashes. A change made on this node (revoke,
 * disable, role change, logout) should be followed by
 * ordo_identity_cache_invalidate(); a change made on another node takes
 * effect here when the entry's TTL ends, so within the TTL. Holds at most
 * ORDO_IDENTITY_CACHE_MAX entries (more: it starts again empty). */
#define ORDO_IDENTITY_CACHE_TTL_MS 5000
#define ORDO_IDENTITY_CACHE_MAX    4096

struct ordo_identity_cache;

/* 'ttl_ms' <= 0: ORDO_IDENTITY_CACHE_TTL_MS. */
struct ordo_identity_cache *ordo_identity_cache_new(int64_t ttl_ms);
void ordo_identity_cache_free(struct ordo_identity_cache *cache); /* NULL is a no-op */

/* Forget every entry. */
void ordo_identity_cache_invalidate(struct ordo_identity_cache *cache);

/* A copy (in 'arena') of the principal cached for the API key 'token', or
 * false. */
bool ordo_identity_cache_get(struct ordo_identity_cache *cache, const char *token,
                             struct ordo_arena *arena, struct ordo_principal *out);

/* Remember 'p' for 'token' for the TTL (a deep copy). */
void ordo_identity_cache_put(struct ordo_identity_cache *cache, const char *token,
                             const struct ordo_principal *p);

/* ordo_identity_authenticate_key() through the cache: a hit asks nothing
 * of PostgreSQL ('db' may then be unused); a failure is not cached. */
enum ordo_code ordo_identity_cache_authenticate_key(struct ordo_identity_cache *cache, PGconn *db,
                                                    const char *token, struct ordo_arena *arena,
                                                    struct ordo_principal *out,
                                                    struct ordo_err *err);

/* ---- users ---------------------------------------------------------------------------------- */

#define ORDO_IDENTITY_PASSWORD_MIN 8    /* characters (bytes) at least */
#define ORDO_IDENTITY_PASSWORD_MAX 1024 /* bytes at most */

struct ordo_user_new {
    const char *login;         /* 1-64 characters of [A-Za-z0-9._@-] */
    const char *email;         /* something@something, 3-254 bytes, no spaces */
    const char *password;      /* NULL: none (API keys only) */
    const char *slack_user_id; /* NULL: none; 1-32 characters of [A-Za-z0-9] */
};

/* Audit: user.created. '*key' (may be NULL) is the new user's. */
enum ordo_code ordo_identity_user_create(PGconn *db, const struct ordo_user_new *req,
                                         const char *actor, int64_t *key, struct ordo_err *err);

/* Every user, by key: [{"key","login","email","slackUserId","disabled",
 * "hasPassword","createdAt","roles" (direct grants),"effectiveRoles"
 * (with the groups'),"groups"}]. */
enum ordo_code ordo_identity_user_list(PGconn *db, json_t **out, struct ordo_err *err);

/* One user, as in the list. */
enum ordo_code ordo_identity_user_get(PGconn *db, int64_t key, json_t **out, struct ordo_err *err);

/* The key of the user whose login, else email, is 'login_or_email' (any case). */
enum ordo_code ordo_identity_user_find(PGconn *db, const char *login_or_email, int64_t *key,
                                       struct ordo_err *err);

/* The key of the user whose linked Slack user id is 'slack_user_id'
 * (exactly); none: ORDO_E_NOTFOUND. */
enum ordo_code ordo_identity_user_find_slack(PGconn *db, const char *slack_user_id, int64_t *key,
                                             struct ordo_err *err);

/* Link Slack user id 'slack_user_id' to user 'key' (Slack approvals found
 * them by email). A user already linked to another Slack id keeps it
 * (ORDO_E_CONFLICT); linked to this one: ORDO_OK, no change. An id linked
 * to another user: ORDO_E_CONFLICT. Audit: user.slack_linked. */
enum ordo_code ordo_identity_user_link_slack(PGconn *db, int64_t key, const char *slack_user_id,
                                             const char *actor, struct ordo_err *err);

/* Audit: user.disabled or user.enabled (nothing when it already was).
 * Disabling ends the user's sessions; their keys stop working until the
 * user is enabled again. */
enum ordo_code ordo_identity_user_set_disabled(PGconn *db, int64_t key, bool disabled,
                                               const char *actor, struct ordo_err *err);

/* Set or (NULL) remove the password; ends the user's sessions. Audit:
 * user.password_set or user.password_removed. */
enum ordo_code ordo_identity_user_set_password(PGconn *db, int64_t key, const char *password,
                                               const char *actor, struct ordo_err *err);

/* The user's roles: direct grants and their groups'. */
enum ordo_code ordo_identity_user_roles(PGconn *db, int64_t key, unsigned *roles,
                                        struct ordo_err *err);

/* ---- groups and grants ---------------------------------------------------------------------- */

/* A group name follows the login rule; unique whatever its case. Audit:
 * group.created. */
enum ordo_code ordo_identity_group_create(PGconn *db, const char *name, const char *actor,
                                          int64_t *key, struct ordo_err *err);

/* Every group, by name: [{"key","name","createdAt","roles","members":
 * [{"key","login"}]}]. */
enum ordo_code ordo_identity_group_list(PGconn *db, json_t **out, struct ordo_err *err);

/* The key of the group named 'name' (any case). */
enum ordo_code ordo_identity_group_find(PGconn *db, const char *name, int64_t *key,
                                        struct ordo_err *err);

/* Audit: group.member_added (nothing when already a member: ORDO_OK). */
enum ordo_code ordo_identity_group_add_member(PGconn *db, int64_t group_key, int64_t user_key,
                                              const char *actor, struct ordo_err *err);

/* Audit: group.member_removed. Not a member: ORDO_E_NOTFOUND. */
enum ordo_code ordo_identity_group_remove_member(PGconn *db, int64_t group_key, int64_t user_key,
                                                 const char *actor, struct ordo_err *err);

enum ordo_grantee {
    ORDO_GRANTEE_USER,
    ORDO_GRANTEE_GROUP,
};

/* Grant the roles 'roles' (one bit or several, not 0) to a user or a
 * group. Roles already held are no change; audit: one role.granted row
 * naming the roles granted now, none when there are none. */
enum ordo_code ordo_identity_role_grant(PGconn *db, enum ordo_grantee kind, int64_t key,
                                        unsigned roles, const char *actor, struct ordo_err *err);

/* Take the roles back. None of them held: ORDO_E_NOTFOUND. Audit:
 * role.revoked. Keys keep their scopes, but scopes ∩ roles shrinks at
 * once. */
enum ordo_code ordo_identity_role_revoke(PGconn *db, enum ordo_grantee kind, int64_t key,
                                         unsigned roles, const char *actor, struct ordo_err *err);

/* ---- API keys ------------------------------------------------------------------------------- */

#define ORDO_IDENTITY_TOKEN_SIZE     46 /* "ordo_", 40 characters and the NUL */
#define ORDO_IDENTITY_PREFIX_SIZE    10 /* the first 9 characters and the NUL */
#define ORDO_IDENTITY_ADMIN_KEY_MIN  24 /* characters of a configured admin_key, at least */
#define ORDO_IDENTITY_KEY_MAX_LENGTH 512

struct ordo_key_new {
    int64_t user_key;
    const char *name;   /* 1-128 bytes, no control characters */
    unsigned scopes;    /* not 0; a subset of the user's roles unless the user is an admin */
    int64_t expires_ms; /* Unix time in ms, in the future; 0: never */
};

struct ordo_key_created {
    int64_t key;
    char token[ORDO_IDENTITY_TOKEN_SIZE]; /* shown once: it is not stored */
    char prefix[ORDO_IDENTITY_PREFIX_SIZE];
};

/* Scopes beyond the user's roles, 0 scopes, an expiry in the past or a
 * disabled user: ORDO_E_UNPROCESSABLE. Audit: key.created (prefix, no
 * token). Wipe 'out->token' once it is shown. */
enum ordo_code ordo_identity_key_create(PGconn *db, const struct ordo_key_new *req,
                                        const char *actor, struct ordo_key_created *out,
                                        struct ordo_err *err);

/* The keys of user 'user_key' (0: of everyone), by key: [{"key","user",
 * "login","name","prefix","scopes","expiresAt","lastUsedAt","revoked",
 * "revokedAt","createdAt"}]. Never a token or a hash. */
enum ordo_code ordo_identity_key_list(PGconn *db, int64_t user_key, json_t **out,
                                      struct ordo_err *err);

/* The user a key belongs to (for "users may revoke their own keys"). */
enum ordo_code ordo_identity_key_owner(PGconn *db, int64_t key, int64_t *user_key,
                                       struct ordo_err *err);

/* Audit: key.revoked. Already revoked: ORDO_OK, no change. */
enum ordo_code ordo_identity_key_revoke(PGconn *db, int64_t key, const char *actor,
                                        struct ordo_err *err);

/* ---- first start ---------------------------------------------------------------------------- */

/* The transaction-level advisory lock of bootstrap and of changes that
 * could remove the last admin. */
#define ORDO_IDENTITY_LOCK 0x6f72646f6964656eLL /* "ordoiden" */

#define ORDO_IDENTITY_KEY_FILE "initial-admin-key"

struct ordo_identity_bootstrap {
    bool created;        /* an admin was made now (or the user "admin" restored) */
    bool key_added;      /* 'admin_key' was added as a key of the user "admin" */
    int64_t user_key;    /* the user "admin" when either happened, else 0 */
    char key_file[1024]; /* "$data_dir/initial-admin-key" when written, else "" */
};

/* CONTRACTS §7 first start, under ORDO_IDENTITY_LOCK so that nodes starting
 * together make one admin. When no enabled user holds ADMIN (directly or
 * through a group): the user "admin" (email admin@localhost) is created,
 * or enabled if it exists, is granted ADMIN and gets an admin-scoped key:
 * 'admin_key' when given, else a new random key written to
 * "$data_dir/initial-admin-key" (mode 0600, replaced if present) before
 * the transaction commits. When an admin exists and 'admin_key' is given
 * but its hash is nowhere in the key table (not even revoked), it is added
 * as a key of the user "admin" if that user exists. The key itself is
 * never logged nor returned; 'out' names the file.
 * 'admin_key' shorter than ORDO_IDENTITY_ADMIN_KEY_MIN (or longer than
 * ORDO_IDENTITY_KEY_MAX_LENGTH): ORDO_E_UNPROCESSABLE. 'admin_key' NULL or
 * "" means not configured. A configured key that was revoked or belongs to
 * another user, while there is no admin: ORDO_E_CONFLICT. The file cannot
 * be written: ORDO_E_INTERNAL, and nothing is created. */
enum ordo_code ordo_identity_bootstrap(PGconn *db, const char *admin_key, const char *data_dir,
                                       struct ordo_identity_bootstrap *out, struct ordo_err *err);

#endif
