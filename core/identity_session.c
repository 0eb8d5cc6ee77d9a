/*
 * core/identity_session.c - passwords (argon2id) and web sessions.
 *
 * A session token and its CSRF token are 256 random bits each, as hex. The
 * session row keeps the SHA-256 of the token, like API keys; the CSRF
 * token is kept as it is (it is no credential on its own: it only proves
 * that a request came from a page that read it).
 */
#include <sodium.h>
#include <string.h>

#include "base/pg.h"
#include "core/audit.h"
#include "core/identity.h"
#include "core/identity_internal.h"

/* An argon2id hash of a password nobody knows, with the interactive
 * limits (m=64 MiB, t=2): verified when there is no real hash to verify
 * against, so that an unknown login costs as much as a wrong password. */
static const char dummy_hash[crypto_pwhash_STRBYTES] =
    "$argon2id$v=19$m=65536,t=2,p=1$4XAhdSgq7BHZbnYB/Wygkg$"
    "Y31iGEPzEy7Ns/r2hOUevkO0JJVVm6j8ldwNSul2sMQ";

enum ordo_code ordo_id_check_password(const char *password, struct ordo_err *err)
{
    size_t n = strlen(password);

    if (n < ORDO_IDENTITY_PASSWORD_MIN || n > ORDO_IDENTITY_PASSWORD_MAX) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "a password is %d to %d bytes long",
                            ORDO_IDENTITY_PASSWORD_MIN, ORDO_IDENTITY_PASSWORD_MAX);
    }
    return ORDO_OK;
}

enum ordo_code ordo_id_password_hash(struct ordo_arena *arena, const char *password,
                                     const char **out, struct ordo_err *err)
{
    char *hash = ordo_arena_alloc(arena, crypto_pwhash_STRBYTES);

    if (crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        return ordo_err_set(err, ORDO_E_INTERNAL, "could not hash a password: out of memory");
    }
    *out = hash;
    return ORDO_OK;
}

/* Whether 'password' is that of the user 'login' names; '*user' gets the
 * user's key. The hash is verified in every case (a dummy one when there
 * is nothing to verify against). */
static enum ordo_code check_login(PGconn *db, struct ordo_arena *arena, const char *login,
                                  const char *password, int64_t *user, struct ordo_err *err)
{
    const char *params[1] = {login};
    const char *hash = dummy_hash;
    PGresult *res = NULL;
    enum ordo_code rc = ordo_pg_exec(db, arena, "could not look up a user",
                                     "SELECT key, password_hash, disabled FROM app_user "
                                     "WHERE lower(login) = lower($1) OR lower(email) = lower($1) "
                                     "ORDER BY lower(login) = lower($1) DESC LIMIT 1",
                                     1, params, &res, err);
    bool usable;

    if (rc != ORDO_OK) {
        return rc;
    }
    usable =
        PQntuples(res) == 1 && !PQgetisnull(res, 0, 1) && strcmp(PQgetvalue(res, 0, 2), "f") == 0;
    if (usable) {
        hash = PQgetvalue(res, 0, 1);
        *user = ordo_pg_int(res, 0, 0);
    }
    if (crypto_pwhash_str_verify(hash, password, strlen(password)) != 0 || !usable) {
        return ordo_id_unauthenticated(err);
    }
    return ORDO_OK;
}

/* Inside the login's transaction: the session row, the principal, the
 * audit row. */
static enum ordo_code open_session(PGconn *db, struct ordo_arena *arena, int64_t user,
                                   const char *token, const char *csrf, struct ordo_principal *out,
                                   struct ordo_err *err)
{
    const char *params[4] = {ordo_id_token_hash(arena, token), ordo_id_i64(arena, user), csrf,
                             ordo_id_i64(arena, ORDO_IDENTITY_SESSION_SECONDS)};
    PGresult *res = NULL;
    enum ordo_code rc =
        ordo_pg_run(db, "could not remove expired sessions",
                    "DELETE FROM web_session WHERE expires_at < now()", 0, NULL, err);

    rc = rc == ORDO_OK ? ordo_pg_run(db, "could not create a session",
                                     "INSERT INTO web_session (token_hash, user_key, csrf_token, "
                                     "expires_at) VALUES ($1, $2, $3, now() + "
                                     "make_interval(secs => $4::bigint))",
                                     4, params, err)
                       : rc;
    rc = rc == ORDO_OK ? ordo_pg_exec(db, arena, "could not read a user",
                                      "SELECT " ID_PRINCIPAL_COLS
                                      " FROM app_user u WHERE u.key = $1 AND NOT u.disabled",
                                      1, params + 1, &res, err)
                       : rc;
    if (rc == ORDO_OK && PQntuples(res) == 0) {
        return ordo_id_unauthenticated(err); /* disabled meanwhile */
    }
    rc = rc == ORDO_OK ? ordo_id_principal_fill(res, arena, out, err) : rc;
    if (rc == ORDO_OK) {
        rc =
            ordo_audit_admin(db, ordo_arena_printf(arena, "user:%s", out->login), "session.created",
                             json_pack("{s:s, s:s}", "user", params[1], "login", out->login), err);
    }
    return rc;
}

enum ordo_code ordo_identity_login(PGconn *db, const char *login, const char *password,
                                   struct ordo_arena *arena, struct ordo_principal *out,
                                   char **session_token, char **csrf, struct ordo_err *err)
{
    struct ordo_arena *scratch = ordo_arena_new();
    char *token = NULL, *check = NULL;
    int64_t user = 0;
    enum ordo_code rc;

    if (!login || !password || strlen(login) > 254 ||
        strlen(password) > ORDO_IDENTITY_PASSWORD_MAX) {
        ordo_arena_free(scratch);
        return ordo_id_unauthenticated(err);
    }
    rc = check_login(db, scratch, login, password, &user, err);
    if (rc == ORDO_OK) {
        token = ordo_id_random_hex(arena, 32);
        check = ordo_id_random_hex(arena, 32);
        rc = ordo_id_begin(db, false, err);
        if (rc == ORDO_OK) {
            rc = ordo_pg_end(db, open_session(db, arena, user, token, check, out, err), err);
        }
    }
    if (rc == ORDO_OK) {
        out->session = true;
        out->csrf = check;
        *session_token = token;
        *csrf = check;
    }
    ordo_arena_free(scratch);
    return rc;
}

enum ordo_code ordo_identity_authenticate_session(PGconn *db, const char *token,
                                                  struct ordo_arena *arena,
                                                  struct ordo_principal *out, struct ordo_err *err)
{
    const char *params[1];
    PGresult *res = NULL;
    enum ordo_code rc;

    if (!token || !*token || strlen(token) > ORDO_IDENTITY_KEY_MAX_LENGTH) {
        return ordo_id_unauthenticated(err);
    }
    params[0] = ordo_id_token_hash(arena, token);
    rc = ordo_pg_exec(db, arena, "could not read a session",
                      "SELECT " ID_PRINCIPAL_COLS ", s.csrf_token FROM web_session s "
                      "JOIN app_user u ON u.key = s.user_key "
                      "WHERE s.token_hash = $1 AND s.expires_at > now() AND NOT u.disabled",
                      1, params, &res, err);
    if (rc == ORDO_OK && PQntuples(res) == 0) {
        return ordo_id_unauthenticated(err);
    }
    rc = rc == ORDO_OK ? ordo_id_principal_fill(res, arena, out, err) : rc;
    if (rc == ORDO_OK) {
        out->session = true;
        out->csrf = PQgetvalue(res, 0, ID_PRINCIPAL_NCOLS);
    }
    return rc;
}

static enum ordo_code close_session(PGconn *db, struct ordo_arena *arena, const char *token,
                                    struct ordo_err *err)
{
    const char *params[1] = {ordo_id_token_hash(arena, token)};
    PGresult *res = NULL;
    enum ordo_code rc = ordo_pg_exec(
        db, arena, "could not end a session",
        "WITH gone AS (DELETE FROM web_session WHERE token_hash = $1 RETURNING user_key) "
        "SELECT u.key, u.login FROM gone JOIN app_user u ON u.key = gone.user_key",
        1, params, &res, err);

    if (rc == ORDO_OK && PQntuples(res) == 1) {
        rc = ordo_audit_admin(
            db, ordo_arena_printf(arena, "user:%s", PQgetvalue(res, 0, 1)), "session.ended",
            json_pack("{s:s, s:s}", "user", PQgetvalue(res, 0, 0), "login", PQgetvalue(res, 0, 1)),
            err);
    }
    return rc;
}

enum ordo_code ordo_identity_logout(PGconn *db, const char *token, struct ordo_err *err)
{
    struct ordo_arena *arena;
    enum ordo_code rc;

    if (!token || !*token || strlen(token) > ORDO_IDENTITY_KEY_MAX_LENGTH) {
        return ORDO_OK;
    }
    arena = ordo_arena_new();
    rc = ordo_id_begin(db, false, err);
    if (rc == ORDO_OK) {
        rc = ordo_pg_end(db, close_session(db, arena, token, err), err);
    }
    ordo_arena_free(arena);
    return rc;
}
