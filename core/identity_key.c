/*
 * core/identity_key.c - API keys: create, list, revoke, authenticate.
 */
#include <inttypes.h>
#include <string.h>
#include <strings.h>

#include "base/crypto.h"
#include "base/pg.h"
#include "base/text.h"
#include "core/audit.h"
#include "core/identity.h"
#include "core/identity_internal.h"

/* clang-format off */

/* A key's scopes as a JSON array, over a row 'k' of api_key. */
#define KEY_SCOPES_JSON \
    "(SELECT coalesce(json_agg(s ORDER BY " ID_ROLE_ORDER("s") "), '[]') FROM unnest(k.scopes) s)"

#define KEY_JSON \
    "json_build_object('key', k.key::text, 'user', k.user_key::text, 'login', u.login, " \
    "'name', k.name, 'prefix', k.prefix, 'scopes', " KEY_SCOPES_JSON ", " \
    "'expiresAt', " ID_RFC3339("k.expires_at") ", " \
    "'lastUsedAt', " ID_RFC3339("k.last_used_at") ", " \
    "'revoked', k.revoked_at IS NOT NULL, " \
    "'revokedAt', " ID_RFC3339("k.revoked_at") ", " \
    "'createdAt', " ID_RFC3339("k.created_at") ")"

/* clang-format on */

/* What a listing shows of a token: generated tokens start with the fixed
 * "ordo_", so 9 characters show 4 random ones; a configured admin_key
 * shows only its first 4. */
static const char *token_prefix(struct ordo_arena *arena, const char *token)
{
    size_t n = strncmp(token, "ordo_", 5) == 0 ? ORDO_IDENTITY_PREFIX_SIZE - 1 : 4;

    return ordo_arena_strndup(arena, token, ordo_utf8_trim_partial(token, n));
}

enum ordo_code ordo_id_key_insert(PGconn *db, struct ordo_arena *arena, const struct id_key_row *k,
                                  const char *actor, int64_t *key, struct ordo_err *err)
{
    const char *params[6] = {ordo_id_i64(arena, k->user_key),
                             k->name,
                             ordo_id_token_hash(arena, k->token),
                             token_prefix(arena, k->token),
                             ordo_id_roles_array(arena, k->scopes),
                             k->expires_ms ? ordo_id_i64(arena, k->expires_ms) : NULL};
    PGresult *res = NULL;
    json_t *payload;
    enum ordo_code rc = ordo_pg_exec(
        db, arena, "could not create an API key",
        "INSERT INTO api_key (user_key, name, token_hash, prefix, scopes, expires_at) "
        "VALUES ($1, $2, $3, $4, $5, timestamptz 'epoch' + $6::bigint * interval '1 millisecond') "
        "RETURNING key, " ID_RFC3339("expires_at"),
        6, params, &res, err);

    if (rc != ORDO_OK) {
        return rc;
    }
    *key = ordo_pg_int(res, 0, 0);
    payload = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s?}", "key", ordo_id_i64(arena, *key), "user",
                        params[0], "name", k->name, "prefix", params[3], "scopes",
                        ordo_roles_to_json(k->scopes), "expires_at", ordo_pg_text(res, 0, 1));
    return ordo_audit_admin(db, actor, "key.created", payload, err);
}

static enum ordo_code check_key_request(struct ordo_arena *arena, const struct ordo_key_new *req,
                                        struct ordo_err *err)
{
    size_t n = req->name ? strlen(req->name) : 0;

    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)req->name[i] < ' ' || req->name[i] == 0x7f) {
            n = 0;
        }
    }
    if (n == 0 || n > 128 || ordo_utf8_repair(arena, req->name) != req->name) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "a key's name is 1 to 128 bytes of UTF-8 without control characters");
    }
    if (req->scopes == 0 || (req->scopes & ~ORDO_ROLE_ALL) != 0) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "a key needs one or more scopes (roles)");
    }
    return ORDO_OK;
}

/* clang-format off */
/* $1 a user: their roles, and whether $2 (Unix ms) is ahead. */
#define OWNER_SQL \
    "SELECT (SELECT string_agg(role, ',') FROM (" ID_USER_ROLES("$1::bigint") ") r), " \
    "$2::bigint > (extract(epoch FROM now()) * 1000)::bigint"
/* clang-format on */

/* The user may hand the key these scopes, and the expiry is ahead. */
static enum ordo_code check_key_owner(PGconn *db, struct ordo_arena *arena,
                                      const struct ordo_key_new *req, struct ordo_err *err)
{
    const char *params[2] = {ordo_id_i64(arena, req->user_key),
                             ordo_id_i64(arena, req->expires_ms)};
    bool disabled = false;
    PGresult *res = NULL;
    unsigned roles, beyond;
    enum ordo_code rc = ordo_id_user_check(db, arena, req->user_key, &disabled, err);

    if (rc == ORDO_OK && disabled) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "user %" PRId64 " is disabled",
                            req->user_key);
    }
    rc = rc == ORDO_OK ? ordo_pg_exec(db, arena, "could not read a user's roles", OWNER_SQL, 2,
                                      params, &res, err)
                       : rc;
    if (rc != ORDO_OK) {
        return rc;
    }
    roles = ordo_id_roles_from_csv(ordo_pg_text(res, 0, 0));
    beyond = (roles & ORDO_ROLE_ADMIN) ? 0 : req->scopes & ~roles;
    if (beyond) {
        const char *names = ordo_id_roles_text(arena, beyond);

        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "user %" PRId64 " does not hold the roles %s, so a key of theirs "
                            "cannot have them",
                            req->user_key, names);
    }
    if (req->expires_ms != 0 && strcmp(PQgetvalue(res, 0, 1), "t") != 0) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "a key's expiry must be in the future");
    }
    return ORDO_OK;
}

enum ordo_code ordo_identity_key_create(PGconn *db, const struct ordo_key_new *req,
                                        const char *actor, struct ordo_key_created *out,
                                        struct ordo_err *err)
{
    struct ordo_arena *arena = ordo_arena_new();
    struct id_key_row row = {.user_key = req->user_key,
                             .name = req->name,
                             .token = out->token,
                             .scopes = req->scopes,
                             .expires_ms = req->expires_ms};
    enum ordo_code rc = check_key_request(arena, req, err);

    memset(out, 0, sizeof *out);
    rc = rc == ORDO_OK ? ordo_id_begin(db, false, err) : rc;
    if (rc == ORDO_OK) {
        ordo_id_token_new(out->token);
        rc = check_key_owner(db, arena, req, err);
        rc = rc == ORDO_OK ? ordo_id_key_insert(db, arena, &row, actor, &out->key, err) : rc;
        rc = ordo_pg_end(db, rc, err);
    }
    if (rc == ORDO_OK) {
        memcpy(out->prefix, out->token, ORDO_IDENTITY_PREFIX_SIZE - 1);
    } else {
        ordo_crypto_wipe(out, sizeof *out);
    }
    ordo_arena_free(arena);
    return rc;
}

enum ordo_code ordo_identity_key_list(PGconn *db, int64_t user_key, json_t **out,
                                      struct ordo_err *err)
{
    struct ordo_arena *arena = ordo_arena_new();
    const char *params[1] = {ordo_id_i64(arena, user_key)};
    enum ordo_code rc = user_key ? ordo_id_user_check(db, arena, user_key, NULL, err) : ORDO_OK;

    rc = rc == ORDO_OK ? ordo_id_query_json(db, "could not list API keys",
                                            "SELECT coalesce(json_agg(" KEY_JSON
                                            " ORDER BY k.key), '[]')::text FROM api_key k "
                                            "JOIN app_user u ON u.key = k.user_key "
                                            "WHERE $1::bigint = 0 OR k.user_key = $1::bigint",
                                            1, params, out, err)
                       : rc;
    ordo_arena_free(arena);
    return rc;
}

enum ordo_code ordo_identity_key_owner(PGconn *db, int64_t key, int64_t *user_key,
                                       struct ordo_err *err)
{
    struct ordo_arena *arena = ordo_arena_new();
    const char *params[1] = {ordo_id_i64(arena, key)};
    PGresult *res = NULL;
    enum ordo_code rc =
        ordo_pg_exec(db, arena, "could not read an API key",
                     "SELECT user_key FROM api_key WHERE key = $1", 1, params, &res, err);

    if (rc == ORDO_OK && PQntuples(res) == 0) {
        rc = ordo_err_set(err, ORDO_E_NOTFOUND, "API key %" PRId64 " not found", key);
    }
    if (rc == ORDO_OK) {
        *user_key = ordo_pg_int(res, 0, 0);
    }
    ordo_arena_free(arena);
    return rc;
}

static enum ordo_code revoke_locked(PGconn *db, struct ordo_arena *arena, int64_t key,
                                    const char *actor, struct ordo_err *err)
{
    const char *params[1] = {ordo_id_i64(arena, key)};
    PGresult *res = NULL;
    int64_t owner = 0;
    enum ordo_code rc = ordo_pg_exec(db, arena, "could not revoke an API key",
                                     "UPDATE api_key SET revoked_at = now() "
                                     "WHERE key = $1 AND revoked_at IS NULL "
                                     "RETURNING user_key::text, prefix",
                                     1, params, &res, err);

    if (rc == ORDO_OK && PQntuples(res) == 0) {
        return ordo_identity_key_owner(db, key, &owner, err); /* revoked already, or unknown */
    }
    if (rc == ORDO_OK) {
        rc = ordo_audit_admin(db, actor, "key.revoked",
                              json_pack("{s:s, s:s, s:s}", "key", params[0], "user",
                                        PQgetvalue(res, 0, 0), "prefix", PQgetvalue(res, 0, 1)),
                              err);
    }
    return rc;
}

enum ordo_code ordo_identity_key_revoke(PGconn *db, int64_t key, const char *actor,
                                        struct ordo_err *err)
{
    struct ordo_arena *arena = ordo_arena_new();
    enum ordo_code rc = ordo_id_begin(db, false, err);

    if (rc == ORDO_OK) {
        rc = ordo_pg_end(db, revoke_locked(db, arena, key, actor, err), err);
    }
    ordo_arena_free(arena);
    return rc;
}

/* ---- authentication ------------------------------------------------------------------------- */

enum ordo_code ordo_identity_authenticate_key(PGconn *db, const char *token,
                                              struct ordo_arena *arena, struct ordo_principal *out,
                                              struct ordo_err *err)
{
    const char *params[1];
    PGresult *res = NULL;
    unsigned held;
    enum ordo_code rc;

    if (!token || !*token || strlen(token) > ORDO_IDENTITY_KEY_MAX_LENGTH) {
        return ordo_id_unauthenticated(err);
    }
    params[0] = ordo_id_token_hash(arena, token);
    rc = ordo_pg_exec(db, arena, "could not read an API key",
                      "SELECT " ID_PRINCIPAL_COLS ", k.key, array_to_string(k.scopes, ','), "
                      "k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute' "
                      "FROM api_key k JOIN app_user u ON u.key = k.user_key "
                      "WHERE k.token_hash = $1 AND k.revoked_at IS NULL "
                      "AND (k.expires_at IS NULL OR k.expires_at > now()) AND NOT u.disabled",
                      1, params, &res, err);
    if (rc == ORDO_OK && PQntuples(res) == 0) {
        return ordo_id_unauthenticated(err);
    }
    rc = rc == ORDO_OK ? ordo_id_principal_fill(res, arena, out, err) : rc;
    if (rc != ORDO_OK) {
        return rc;
    }
    held = (out->roles & ORDO_ROLE_ADMIN) ? ORDO_ROLE_ALL : out->roles;
    out->roles = held & ordo_id_roles_from_csv(PQgetvalue(res, 0, ID_PRINCIPAL_NCOLS + 1));
    out->api_key = ordo_pg_int(res, 0, ID_PRINCIPAL_NCOLS);
    if (strcmp(PQgetvalue(res, 0, ID_PRINCIPAL_NCOLS + 2), "t") == 0) {
        const char *key[1] = {ordo_id_i64(arena, out->api_key)};

        /* A hint for operators, not part of authenticating: a failure here
         * does not refuse the request. */
        (void)ordo_pg_run(db, "could not note the use of an API key",
                          "UPDATE api_key SET last_used_at = now() WHERE key = $1 AND "
                          "(last_used_at IS NULL OR last_used_at < now() - interval '1 minute')",
                          1, key, NULL);
    }
    return ORDO_OK;
}

enum ordo_code ordo_identity_authenticate_basic(PGconn *db, const char *login, const char *key,
                                                struct ordo_arena *arena,
                                                struct ordo_principal *out, struct ordo_err *err)
{
    struct ordo_principal p;
    enum ordo_code rc = ordo_identity_authenticate_key(db, key, arena, &p, err);

    if (rc != ORDO_OK) {
        return rc;
    }
    if (!login || (strcasecmp(login, p.login) != 0 && strcasecmp(login, p.email) != 0)) {
        return ordo_id_unauthenticated(err);
    }
    *out = p;
    return ORDO_OK;
}
