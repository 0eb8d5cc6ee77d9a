/*
 * core/identity_user.c - users: create, list, find, disable, password.
 */
#include <inttypes.h>
#include <string.h>

#include "base/crypto.h"
#include "base/pg.h"
#include "core/audit.h"
#include "core/identity.h"
#include "core/identity_internal.h"

/* clang-format off */

/* A user's direct roles, effective roles and groups as JSON arrays, over a
 * row 'u' of app_user. */
#define USER_ROLES_JSON \
    "(SELECT coalesce(json_agg(role ORDER BY " ID_ROLE_ORDER("role") "), '[]') " \
    "FROM role_grant WHERE user_key = u.key)"
#define USER_EFFECTIVE_JSON \
    "(SELECT coalesce(json_agg(role ORDER BY " ID_ROLE_ORDER("role") "), '[]') " \
    "FROM (" ID_USER_ROLES("u.key") ") er)"
#define USER_GROUPS_JSON \
    "(SELECT coalesce(json_agg(g.name ORDER BY g.name), '[]') FROM app_group g " \
    "JOIN group_member m ON m.group_key = g.key WHERE m.user_key = u.key)"

/* One user as JSON. */
#define USER_JSON \
    "json_build_object('key', u.key::text, 'login', u.login, 'email', u.email, " \
    "'slackUserId', u.slack_user_id, 'disabled', u.disabled, " \
    "'hasPassword', u.password_hash IS NOT NULL, " \
    "'createdAt', " ID_RFC3339("u.created_at") ", " \
    "'roles', " USER_ROLES_JSON ", " \
    "'effectiveRoles', " USER_EFFECTIVE_JSON ", " \
    "'groups', " USER_GROUPS_JSON ")"

/* clang-format on */

static enum ordo_code check_email(const char *s, struct ordo_err *err)
{
    size_t n = s ? strlen(s) : 0;
    const char *at = s ? strchr(s, '@') : NULL;

    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f) {
            at = NULL;
        }
    }
    if (n < 3 || n > 254 || !at || at == s || at[1] == '\0') {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "an email is name@domain, 3 to 254 bytes without spaces");
    }
    return ORDO_OK;
}

static enum ordo_code check_slack(const char *s, struct ordo_err *err)
{
    size_t n = s ? strlen(s) : 0;

    if (s && (n == 0 || n > 32 ||
              strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") != n)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "a Slack user id is 1 to 32 letters and digits (U012AB3CD)");
    }
    return ORDO_OK;
}

/* After ON CONFLICT DO NOTHING inserted nothing: say which value is taken. */
static enum ordo_code user_conflict(PGconn *db, struct ordo_arena *arena,
                                    const struct ordo_user_new *req, struct ordo_err *err)
{
    const char *params[3] = {req->login, req->email, req->slack_user_id};
    PGresult *res = NULL;
    enum ordo_code rc =
        ordo_pg_exec(db, arena, "could not create a user",
                     "SELECT bool_or(lower(login) = lower($1)), bool_or(lower(email) = lower($2)) "
                     "FROM app_user WHERE lower(login) = lower($1) OR lower(email) = lower($2) "
                     "OR slack_user_id = $3",
                     3, params, &res, err);

    if (rc != ORDO_OK) {
        return rc;
    }
    if (strcmp(PQgetvalue(res, 0, 0), "t") == 0) {
        return ordo_err_set(err, ORDO_E_CONFLICT, "a user with login \"%s\" already exists",
                            req->login);
    }
    if (strcmp(PQgetvalue(res, 0, 1), "t") == 0) {
        return ordo_err_set(err, ORDO_E_CONFLICT, "a user with that email already exists");
    }
    return ordo_err_set(err, ORDO_E_CONFLICT, "a user with that Slack user id already exists");
}

enum ordo_code ordo_id_user_insert(PGconn *db, struct ordo_arena *arena,
                                   const struct ordo_user_new *req, const char *password_hash,
                                   const char *actor, int64_t *key, struct ordo_err *err)
{
    const char *params[4] = {req->login, req->email, password_hash, req->slack_user_id};
    PGresult *res = NULL;
    json_t *payload;
    enum ordo_code rc =
        ordo_pg_exec(db, arena, "could not create a user",
                     "INSERT INTO app_user (login, email, password_hash, slack_user_id) "
                     "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING key",
                     4, params, &res, err);

    if (rc != ORDO_OK) {
        return rc;
    }
    if (PQntuples(res) == 0) {
        return user_conflict(db, arena, req, err);
    }
    *key = ordo_pg_int(res, 0, 0);
    payload = json_pack("{s:s, s:s, s:s, s:s?, s:b}", "user", ordo_id_i64(arena, *key), "login",
                        req->login, "email", req->email, "slack_user_id", req->slack_user_id,
                        "password", password_hash != NULL);
    return ordo_audit_admin(db, actor, "user.created", payload, err);
}

enum ordo_code ordo_identity_user_create(PGconn *db, const struct ordo_user_new *req,
                                         const char *actor, int64_t *key, struct ordo_err *err)
{
    struct ordo_arena *arena = ordo_arena_new();
    const char *hash = NULL;
    int64_t k = 0;
    enum ordo_code rc = ordo_id_check_name("login", req->login, err);

    rc = rc == ORDO_OK ? check_email(req->email, err) : rc;
    rc = rc == ORDO_OK ? check_slack(req->slack_user_id, err) : rc;
    if (rc == ORDO_OK && req->password) {
        rc = ordo_id_check_password(req->password, err);
        /* argon2id costs ~0.1 s: outside the transaction. */
        rc = rc == ORDO_OK ? ordo_id_password_hash(arena, req->password, &hash, err) : rc;
    }
    if (rc == ORDO_OK) {
        rc = ordo_id_begin(db, false, err);
        if (rc == ORDO_OK) {
            rc = ordo_pg_end(db, ordo_id_user_insert(db, arena, req, hash, actor, &k, err), err);
        }
    }
    if (rc == ORDO_OK && key) {
        *key = k;
    }
    ordo_arena_free(arena);
    return rc;
}

enum ordo_code ordo_identity_user_list(PGconn *db, json_t **out, struct ordo_err *err)
{
    return ordo_id_query_json(db, "could not list users",
                              "SELECT coalesce(json_agg(" USER_JSON " ORDER BY u.key), '[]')::text "
                              "FROM app_user u",
                              0, NULL, out, err);
}

enum ordo_code ordo_identity_user_get(PGconn *db, int64_t key, json_t **out, struct ordo_err *err)
{
    struct ordo_arena *arena = ordo_arena_new();
    const char *params[1] = {ordo_id_i64(arena, key)};
    json_t *list = NULL;
    enum ordo_code rc = ordo_id_query_json(db, "could not read a user",
                                           "SELECT coalesce(json_agg(" USER_JSON
                                           "), '[]')::text FROM app_user u WHERE u.key = $1",
                                           1, params, &list, err);

    if (rc == ORDO_OK && json_array_size(list) == 0) {
        rc = ordo_err_set(err, ORDO_E_NOTFOUND, "user %" PRId64 " not found", key);
    }
    if (rc == ORDO_OK) {
        *out = json_incref(json_array_get(list, 0));
    }
    json_decref(list);
    ordo_arena_free(arena);
    return rc;
}

enum ordo_code ordo_identity_user_find(PGconn *db, const char *login_or_email, int64_t *key,
                                       struct ordo_err *err)
{
    struct ordo_arena *arena = ordo_arena_new();
    const char *params[1] = {login_or_email ? login_or_email : ""};
    PGresult *res = NULL;
    enum ordo_code rc = ordo_pg_exec(
        db, arena, "could not look up a user",
        "SELECT key FROM app_user WHERE lower(login) = lower($1) OR lower(email) = lower($1) "
        "ORDER BY lower(login) = lower($1) DESC LIMIT 1",
        1, params, &res, err);

    if (rc == ORDO_OK && PQntuples(res) == 0) {
        rc = ordo_err_set(err, ORDO_E_NOTFOUND, "user \"%.64s\" not found", params[0]);
    }
    if (rc == ORDO_OK) {
        *key = ordo_pg_int(res, 0, 0);
    }
    ordo_arena_free(arena);
    return rc;
}

enum ordo_code ordo_identity_user_find_slack(PGconn *db, const char *slack_user_id, int64_t *key,
                                             struct ordo_err *err)
{
    struct ordo_arena *arena = ordo_arena_new();
    const char *params[1] = {slack_user_id ? slack_user_id : ""};
    PGresult *res = NULL;
    enum ordo_code rc =
        ordo_pg_exec(db, arena, "could not look up a user",
                     "SELECT key FROM app_user WHERE slack_user_id = $1", 1, params, &res, err);

    if (rc == ORDO_OK && PQntuples(res) == 0) {
        rc = ordo_err_set(err, ORDO_E_NOTFOUND, "no user is linked to Slack user %.32s", params[0]);
    }
    if (rc == ORDO_OK) {
        *key = ordo_pg_int(res, 0, 0);
    }
    ordo_arena_free(arena);
    return rc;
}

/* Inside the transaction of link_slack. */
static enum ordo_code link_slack_locked(PGconn *db, struct ordo_arena *arena, int64_t key,
                                        const char *slack_user_id, const char *actor,
                                        struct ordo_err *err)
{
    const char *params[2] = {ordo_id_i64(arena, key), slack_user_id};
    PGresult *res = NULL;
    enum ordo_code rc = ordo_pg_exec(
        db, arena, "could not link a Slack user",
        "UPDATE app_user SET slack_user_id = $2 WHERE key = $1 AND slack_user_id IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM app_user WHERE slack_user_id = $2) RETURNING key",
        2, params, &res, err);

    if (rc != ORDO_OK) {
        return rc;
    }
    if (PQntuples(res) == 0) {
        return ordo_err_set(err, ORDO_E_CONFLICT,
                            "user %lld has another Slack user id, or Slack user %s is linked to "
                            "another user",
                            (long long)key, slack_user_id);
    }
    return ordo_audit_admin(
        db, actor, "user.slack_linked",
        json_pack("{s:s, s:s}", "user", params[0], "slack_user_id", slack_user_id), err);
}

enum ordo_code ordo_identity_user_link_slack(PGconn *db, int64_t key, const char *slack_user_id,
                                             const char *actor, struct ordo_err *err)
{
    struct ordo_arena *arena = ordo_arena_new();
    int64_t linked = 0;
    enum ordo_code rc = check_slack(slack_user_id ? slack_user_id : "", err);

    if (rc == ORDO_OK &&
        ordo_identity_user_find_slack(db, slack_user_id, &linked, NULL) == ORDO_OK &&
        linked == key) {
        ordo_arena_free(arena);
        return ORDO_OK; /* already so */
    }
    if (rc == ORDO_OK) {
        rc = ordo_id_begin(db, false, err);
        if (rc == ORDO_OK) {
            rc = ordo_pg_end(db, link_slack_locked(db, arena, key, slack_user_id, actor, err), err);
        }
    }
    ordo_arena_free(arena);
    return rc;
}

/* Inside the transaction of set_disabled. */
static enum ordo_code set_disabled_locked(PGconn *db, struct ordo_arena *arena, int64_t key,
                                          bool disabled, const char *actor, struct ordo_err *err)
{
    const char *params[2] = {ordo_id_i64(arena, key), disabled ? "t" : "f"};
    bool was = false, had = false;
    enum ordo_code rc = ordo_id_user_check(db, arena, key, &was, err);

    if (rc != ORDO_OK || was == disabled) {
        return rc;
    }
    rc = ordo_id_admin_exists(db, arena, &had, err);
    rc = rc == ORDO_OK
             ? ordo_pg_run(db, "could not change a user",
                           "UPDATE app_user SET disabled = $2 WHERE key = $1", 2, params, err)
             : rc;
    if (rc == ORDO_OK && disabled) {
        rc = ordo_pg_run(db, "could not end a user's sessions",
                         "DELETE FROM web_session WHERE user_key = $1", 1, params, err);
        rc = rc == ORDO_OK ? ordo_id_keep_admin(db, arena, had, err) : rc;
    }
    if (rc == ORDO_OK) {
        rc = ordo_audit_admin(db, actor, disabled ? "user.disabled" : "user.enabled",
                              json_pack("{s:s}", "user", params[0]), err);
    }
    return rc;
}

enum ordo_code ordo_identity_user_set_disabled(PGconn *db, int64_t key, bool disabled,
                                               const char *actor, struct ordo_err *err)
{
    struct ordo_arena *arena = ordo_arena_new();
    enum ordo_code rc = ordo_id_begin(db, true, err);

    if (rc == ORDO_OK) {
        rc = ordo_pg_end(db, set_disabled_locked(db, arena, key, disabled, actor, err), err);
    }
    ordo_arena_free(arena);
    return rc;
}

static enum ordo_code set_password_locked(PGconn *db, struct ordo_arena *arena, int64_t key,
                                          const char *hash, const char *actor, struct ordo_err *err)
{
    const char *params[2] = {ordo_id_i64(arena, key), hash};
    enum ordo_code rc = ordo_id_user_check(db, arena, key, NULL, err);

    rc = rc == ORDO_OK
             ? ordo_pg_run(db, "could not change a password",
                           "UPDATE app_user SET password_hash = $2 WHERE key = $1", 2, params, err)
             : rc;
    rc = rc == ORDO_OK ? ordo_pg_run(db, "could not end a user's sessions",
                                     "DELETE FROM web_session WHERE user_key = $1", 1, params, err)
                       : rc;
    if (rc == ORDO_OK) {
        rc = ordo_audit_admin(db, actor, hash ? "user.password_set" : "user.password_removed",
                              json_pack("{s:s}", "user", params[0]), err);
    }
    return rc;
}

enum ordo_code ordo_identity_user_set_password(PGconn *db, int64_t key, const char *password,
                                               const char *actor, struct ordo_err *err)
{
    struct ordo_arena *arena = ordo_arena_new();
    const char *hash = NULL;
    enum ordo_code rc = ORDO_OK;

    if (password) {
        rc = ordo_id_check_password(password, err);
        rc = rc == ORDO_OK ? ordo_id_password_hash(arena, password, &hash, err) : rc;
    }
    rc = rc == ORDO_OK ? ordo_id_begin(db, false, err) : rc;
    if (rc == ORDO_OK) {
        rc = ordo_pg_end(db, set_password_locked(db, arena, key, hash, actor, err), err);
    }
    ordo_arena_free(arena);
    return rc;
}

enum ordo_code ordo_identity_user_roles(PGconn *db, int64_t key, unsigned *roles,
                                        struct ordo_err *err)
{
    struct ordo_arena *arena = ordo_arena_new();
    const char *params[1] = {ordo_id_i64(arena, key)};
    PGresult *res = NULL;
    enum ordo_code rc = ordo_id_user_check(db, arena, key, NULL, err);

    rc = rc == ORDO_OK
             ? ordo_pg_exec(db, arena, "could not read a user's roles",
                            "SELECT string_agg(role, ',') FROM (" ID_USER_ROLES("$1") ") r", 1,
                            params, &res, err)
             : rc;
    if (rc == ORDO_OK) {
        *roles = ordo_id_roles_from_csv(ordo_pg_text(res, 0, 0));
    }
    ordo_arena_free(arena);
    return rc;
}
