/*
 * server/api_auth.c - who is asking (CONTRACTS §7): API keys as Bearer
 * tokens (and as the password of HTTP Basic on the Camunda dialects), and
 * the web UI's session cookie with its CSRF token; login and logout.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "core/identity.h"
#include "core/store.h"
#include "server/api.h"
#include "server/ratelimit.h"

#define SESSION_COOKIE "ordo_session"
#define TOKEN_MAX      512

static enum ordo_code denied(struct ordo_err *err)
{
    /* One message for every way of failing: nothing tells a guesser which part was wrong. */
    return ordo_err_set(err, ORDO_E_UNAUTHENTICATED, "missing, unknown or expired credentials");
}

/* "Basic base64(login:key)" -> the key; only on /engine-rest and /v2. */
static const char *basic_key(struct ordo_arena *arena, const char *value, const char **login)
{
    size_t n = strlen(value);
    unsigned char *bin = ordo_arena_alloc(arena, n + 1);
    size_t len = 0;
    char *colon;

    if (n > TOKEN_MAX || sodium_base642bin(bin, n, value, n, NULL, &len, NULL,
                                           sodium_base64_VARIANT_ORIGINAL) != 0) {
        return NULL;
    }
    bin[len] = '\0';
    colon = strchr((char *)bin, ':');
    if (!colon || strlen((char *)bin) != len) {
        return NULL;
    }
    *colon = '\0';
    *login = (const char *)bin;
    return colon + 1;
}

/* The value of cookie 'name' in a Cookie header, or NULL. */
static const char *cookie_value(struct ordo_arena *arena, const char *header, const char *name)
{
    size_t nlen = strlen(name);

    while (header && *header) {
        size_t len;

        while (*header == ' ' || *header == ';') {
            header++;
        }
        len = strcspn(header, ";");
        if (len > nlen && strncmp(header, name, nlen) == 0 && header[nlen] == '=') {
            return ordo_arena_strndup(arena, header + nlen + 1, len - nlen - 1);
        }
        header += len;
    }
    return NULL;
}

static bool safe_method(const char *m)
{
    return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 || strcmp(m, "OPTIONS") == 0;
}

/* A state-changing request riding on a cookie must carry the session's CSRF
 * token and come from our own origin (CONTRACTS §7). */
static enum ordo_code check_csrf(struct ordo_http_req *req, const struct ordo_principal *who,
                                 struct ordo_err *err)
{
    const char *token = ordo_http_header(req, "X-CSRF-Token");
    const char *origin = ordo_http_header(req, "Origin");
    const char *host = ordo_http_header(req, "Host");
    const char *scheme_end = origin ? strstr(origin, "://") : NULL;

    if (safe_method(ordo_http_method(req))) {
        return ORDO_OK;
    }
    if (!token || !who->csrf || strlen(token) != strlen(who->csrf) ||
        sodium_memcmp(token, who->csrf, strlen(token)) != 0) {
        return ordo_err_set(err, ORDO_E_FORBIDDEN, "missing or wrong X-CSRF-Token");
    }
    if (!scheme_end || !host || strcasecmp(scheme_end + 3, host) != 0) {
        return ordo_err_set(err, ORDO_E_FORBIDDEN, "the Origin header must be this server");
    }
    return ORDO_OK;
}

static enum ordo_code lookup(struct ordo_http_req *req, const char *token, bool session,
                             const struct ordo_principal **out, struct ordo_err *err)
{
    struct ordo_api *api = ordo_http_app(req);
    struct ordo_arena *arena = ordo_http_arena(req);
    struct ordo_principal *p = ordo_arena_alloc(arena, sizeof *p);
    /* One cache for both kinds, keyed apart: a session token presented as a
     * Bearer key must not find the session (and skip the CSRF check). */
    const char *cache_key = ordo_arena_printf(arena, "%c:%s", session ? 's' : 'k', token);
    struct ordo_store *st = NULL;
    PGconn *db;
    enum ordo_code rc;

    if (ordo_identity_cache_get(api->identities, cache_key, arena, p)) {
        *out = p;
        return ORDO_OK;
    }
    /* Borrowed for the lookup only: a long poll or a stream must not hold
     * a connection for its whole life. */
    rc = ordo_api_borrow(api, &st, err);
    db = rc == ORDO_OK ? ordo_store_pg(st, err) : NULL;
    if (!db) {
        ordo_api_return(api, st);
        return ordo_err_set(err, ORDO_E_AGAIN, "the database is not reachable");
    }
    rc = session ? ordo_identity_authenticate_session(db, token, arena, p, err)
                 : ordo_identity_authenticate_key(db, token, arena, p, err);
    ordo_api_return(api, st); /* a broken connection is repaired on its next use */
    if (rc == ORDO_OK) {
        ordo_identity_cache_put(api->identities, cache_key, p);
        *out = p;
    }
    return rc;
}

enum ordo_code ordo_api_authenticate(void *ctx, struct ordo_http_req *req,
                                     const char *authorization, const char *cookie,
                                     const struct ordo_principal **out, struct ordo_err *err)
{
    struct ordo_arena *arena = ordo_http_arena(req);
    const char *path = ordo_http_path(req);
    const char *session = cookie_value(arena, cookie, SESSION_COOKIE);
    const char *login = NULL;
    const char *token = NULL;
    enum ordo_code rc;

    (void)ctx;
    if (authorization && strncasecmp(authorization, "Bearer ", 7) == 0) {
        token = authorization + 7;
    } else if (authorization && strncasecmp(authorization, "Basic ", 6) == 0 &&
               ordo_route_dialect(path) != ORDO_DIALECT_NATIVE) {
        token = basic_key(arena, authorization + 6, &login);
    } else if (!authorization && session) {
        rc = lookup(req, session, true, out, err);
        return rc == ORDO_OK ? check_csrf(req, *out, err) : rc;
    }
    if (!token || !*token || strlen(token) > TOKEN_MAX) {
        return denied(err);
    }
    rc = lookup(req, token, false, out, err);
    if (rc == ORDO_OK && login && strcasecmp(login, (*out)->login) != 0 &&
        strcasecmp(login, (*out)->email) != 0) {
        return denied(err); /* Basic: the key must be the named user's */
    }
    return rc == ORDO_E_UNAUTHENTICATED ? denied(err) : rc;
}

/* ---- POST /api/auth/login, /api/auth/logout, GET /api/me ------------------------------------- */

static json_t *principal_json(const struct ordo_principal *p)
{
    json_t *groups = json_array();

    for (size_t i = 0; i < p->ngroups; i++) {
        json_array_append_new(groups, json_string(p->groups[i]));
    }
    return json_pack("{s:o, s:s, s:s?, s:o, s:o}", "userKey", ordo_api_key_json(p->user_key),
                     "login", p->login, "email", p->email, "roles", ordo_roles_to_json(p->roles),
                     "groups", groups);
}

static bool throttled(struct ordo_http_req *req, const char *login)
{
    struct ordo_api *api = ordo_http_app(req);
    char by_ip[80], by_login[80];
    int wait = 60;
    char secs[16];

    (void)snprintf(by_ip, sizeof by_ip, "ip:%s", ordo_http_client_ip(req));
    (void)snprintf(by_login, sizeof by_login, "login:%.64s", login);
    if (ordo_ratelimit_check(api->logins, by_ip, 1.0, ordo_clock_wall_ms(), &wait) &&
        ordo_ratelimit_check(api->logins, by_login, 1.0, ordo_clock_wall_ms(), &wait)) {
        return false;
    }
    ordo_http_reply_error(req, ORDO_E_RATE_LIMITED, "too many failed logins; try again later",
                          NULL);
    (void)snprintf(secs, sizeof secs, "%d", wait);
    ordo_http_reply_header(req, "Retry-After", secs);
    return true;
}

static void count_failure(struct ordo_http_req *req, const char *login)
{
    struct ordo_api *api = ordo_http_app(req);
    char by_ip[80], by_login[80];

    (void)snprintf(by_ip, sizeof by_ip, "ip:%s", ordo_http_client_ip(req));
    (void)snprintf(by_login, sizeof by_login, "login:%.64s", login);
    (void)ordo_ratelimit_take(api->logins, by_ip, 1.0, ordo_clock_wall_ms(), NULL);
    (void)ordo_ratelimit_take(api->logins, by_login, 1.0, ordo_clock_wall_ms(), NULL);
}

static void set_cookie(struct ordo_http_req *req, const char *token, int max_age)
{
    char *c = ordo_arena_printf(ordo_http_arena(req),
                                SESSION_COOKIE "=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d%s",
                                token, max_age, ordo_http_is_tls(req) ? "; Secure" : "");

    ordo_http_reply_header(req, "Set-Cookie", c);
}

enum ordo_code ordo_api_login(struct ordo_http_req *req, struct ordo_err *err)
{
    static const char *const fields[] = {"login", "password", NULL};
    struct ordo_arena *arena = ordo_http_arena(req);
    struct ordo_principal *p = ordo_arena_alloc(arena, sizeof *p);
    const char *login = NULL, *password = NULL;
    char *token = NULL, *csrf = NULL;
    struct ordo_store *st;
    json_t *body;
    PGconn *db;
    enum ordo_code rc = ordo_http_body_object(req, fields, &body, err);

    if (rc == ORDO_OK && (ordo_json_get_string(body, "login", &login, err) != ORDO_OK ||
                          ordo_json_get_string(body, "password", &password, err) != ORDO_OK)) {
        rc = ordo_err_set(err, ORDO_E_UNPROCESSABLE, "login and password are required strings");
    }
    if (rc != ORDO_OK || throttled(req, login)) {
        return rc;
    }
    rc = ordo_api_store(req, &st, err);
    db = rc == ORDO_OK ? ordo_store_pg(st, err) : NULL;
    if (!db) {
        return ordo_err_set(err, ORDO_E_AGAIN, "the database is not reachable");
    }
    rc = ordo_identity_login(db, login, password, arena, p, &token, &csrf, err);
    if (rc == ORDO_E_UNAUTHENTICATED) {
        count_failure(req, login);
        ordo_log(ORDO_LOG_INFO, "auth", "login failed", ORDO_STR("login", login),
                 ORDO_STR("client", ordo_http_client_ip(req)));
    }
    if (rc != ORDO_OK) {
        return rc;
    }
    set_cookie(req, token, ORDO_IDENTITY_SESSION_SECONDS);
    ordo_http_reply_json(req, 200,
                         json_pack("{s:o, s:s}", "user", principal_json(p), "csrfToken", csrf));
    return ORDO_OK;
}

enum ordo_code ordo_api_logout(struct ordo_http_req *req, struct ordo_err *err)
{
    struct ordo_api *api = ordo_http_app(req);
    const char *session =
        cookie_value(ordo_http_arena(req), ordo_http_header(req, "Cookie"), SESSION_COOKIE);
    struct ordo_store *st;
    PGconn *db;
    enum ordo_code rc;

    if (session) {
        rc = ordo_api_store(req, &st, err);
        db = rc == ORDO_OK ? ordo_store_pg(st, err) : NULL;
        if (!db) {
            return ordo_err_set(err, ORDO_E_AGAIN, "the database is not reachable");
        }
        rc = ordo_identity_logout(db, session, err);
        if (rc != ORDO_OK) {
            return rc;
        }
        ordo_identity_cache_invalidate(api->identities);
    }
    set_cookie(req, "", 0);
    return ORDO_OK;
}

enum ordo_code ordo_api_me(struct ordo_http_req *req, struct ordo_err *err)
{
    (void)err;
    ordo_http_reply_json(req, 200, principal_json(ordo_http_who(req)));
    return ORDO_OK;
}
