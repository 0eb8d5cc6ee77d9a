/*
 * server/api_identity.c - users, groups, role grants and API keys (admin
 * only, CONTRACTS §7). Every change empties this node's principal cache,
 * so it applies here at once (elsewhere within the cache's TTL).
 */
#include <string.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "base/json.h"
#include "core/identity.h"
#include "core/query.h"
#include "core/store.h"
#include "server/api.h"

static enum ordo_code changed(struct ordo_http_req *req, enum ordo_code rc)
{
    struct ordo_api *api = ordo_http_app(req);

    if (rc == ORDO_OK) {
        ordo_identity_cache_invalidate(api->identities);
    }
    return rc;
}

static enum ordo_code reply_list(struct ordo_http_req *req, enum ordo_code rc, json_t *items)
{
    return ordo_api_reply(req, rc,
                          rc == ORDO_OK ? json_pack("{s:o, s:n}", "items", items, "next") : NULL);
}

/* ---- users ----------------------------------------------------------------------------------- */

enum ordo_code ordo_api_user_list(struct ordo_http_req *req, struct ordo_err *err)
{
    PGconn *db = ordo_api_pg(req, err);
    json_t *items = NULL;

    enum ordo_code rc = db ? ordo_identity_user_list(db, &items, err) : err->code;

    return reply_list(req, rc, items);
}

static enum ordo_code roles_member(const json_t *body, const char *name, unsigned *roles,
                                   struct ordo_err *err)
{
    const json_t *v = json_object_get(body, name);

    *roles = 0;
    return v ? ordo_roles_from_json(v, roles, err) : ORDO_OK;
}

enum ordo_code ordo_api_user_create(struct ordo_http_req *req, struct ordo_err *err)
{
    static const char *const fields[] = {"login",       "email", "password",
                                         "slackUserId", "roles", NULL};
    struct ordo_user_new u = {0};
    unsigned roles = 0;
    int64_t key = 0;
    json_t *body;
    PGconn *db;
    enum ordo_code rc = ordo_http_body_object(req, fields, &body, err);

    if (rc == ORDO_OK) {
        rc = ordo_json_get_string(body, "login", &u.login, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_json_get_string(body, "email", &u.email, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_json_opt_string(body, "password", &u.password, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_json_opt_string(body, "slackUserId", &u.slack_user_id, err);
    }
    if (rc == ORDO_OK) {
        rc = roles_member(body, "roles", &roles, err);
    }
    if (rc != ORDO_OK || !(db = ordo_api_pg(req, err))) {
        return rc != ORDO_OK ? rc : err->code;
    }
    rc = ordo_identity_user_create(db, &u, ordo_api_actor(req), &key, err);
    if (rc == ORDO_OK && roles) {
        rc = ordo_identity_role_grant(db, ORDO_GRANTEE_USER, key, roles, ordo_api_actor(req), err);
    }
    if (rc == ORDO_OK) {
        json_t *user = NULL;

        rc = ordo_identity_user_get(db, key, &user, err);
        if (rc == ORDO_OK) {
            ordo_http_reply_json(req, 201, user);
        }
    }
    return changed(req, rc);
}

static enum ordo_code user_get(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                               struct ordo_err *err)
{
    PGconn *db = ordo_store_pg(st, err);
    json_t *out = NULL;

    enum ordo_code rc = db ? ordo_identity_user_get(db, key, &out, err) : err->code;

    return ordo_api_reply(req, rc, out);
}

enum ordo_code ordo_api_user_get(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, user_get, err);
}

static enum ordo_code user_update(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                                  struct ordo_err *err)
{
    static const char *const fields[] = {"disabled", "password", NULL};
    PGconn *db = ordo_store_pg(st, err);
    const char *password = NULL;
    bool disabled = false;
    json_t *body = NULL, *pw;
    enum ordo_code rc = db ? ordo_http_body_object(req, fields, &body, err) : err->code;

    if (rc == ORDO_OK && json_object_get(body, "disabled")) {
        rc = ordo_json_get_bool(body, "disabled", &disabled, err);
    }
    pw = rc == ORDO_OK ? json_object_get(body, "password") : NULL;
    if (pw && !json_is_null(pw)) {
        rc = ordo_json_get_string(body, "password", &password, err);
    }
    if (rc == ORDO_OK && json_object_get(body, "disabled")) {
        rc = ordo_identity_user_set_disabled(db, key, disabled, ordo_api_actor(req), err);
    }
    if (rc == ORDO_OK && pw) {
        rc = ordo_identity_user_set_password(db, key, password, ordo_api_actor(req), err);
    }
    return changed(req, rc == ORDO_OK ? user_get(req, st, key, err) : rc);
}

enum ordo_code ordo_api_user_update(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, user_update, err);
}

/* POST .../grant and .../revoke: {"roles":["operator",...]}. */
static enum ordo_code roles_change(struct ordo_http_req *req, struct ordo_store *st,
                                   enum ordo_grantee kind, int64_t key, bool grant,
                                   struct ordo_err *err)
{
    static const char *const fields[] = {"roles", NULL};
    PGconn *db = ordo_store_pg(st, err);
    unsigned roles = 0;
    json_t *body = NULL;
    enum ordo_code rc = db ? ordo_http_body_object(req, fields, &body, err) : err->code;

    if (rc == ORDO_OK) {
        rc = roles_member(body, "roles", &roles, err);
    }
    if (rc == ORDO_OK && !roles) {
        rc = ordo_err_set(err, ORDO_E_UNPROCESSABLE, "roles must name at least one role");
    }
    if (rc == ORDO_OK) {
        rc = grant ? ordo_identity_role_grant(db, kind, key, roles, ordo_api_actor(req), err)
                   : ordo_identity_role_revoke(db, kind, key, roles, ordo_api_actor(req), err);
    }
    return changed(req, rc);
}

static enum ordo_code user_grant(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                                 struct ordo_err *err)
{
    return roles_change(req, st, ORDO_GRANTEE_USER, key, true, err);
}

static enum ordo_code user_revoke(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                                  struct ordo_err *err)
{
    return roles_change(req, st, ORDO_GRANTEE_USER, key, false, err);
}

enum ordo_code ordo_api_user_grant(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, user_grant, err);
}

enum ordo_code ordo_api_user_revoke(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, user_revoke, err);
}

/* ---- groups ---------------------------------------------------------------------------------- */

enum ordo_code ordo_api_group_list(struct ordo_http_req *req, struct ordo_err *err)
{
    PGconn *db = ordo_api_pg(req, err);
    json_t *items = NULL;

    enum ordo_code rc = db ? ordo_identity_group_list(db, &items, err) : err->code;

    return reply_list(req, rc, items);
}

enum ordo_code ordo_api_group_create(struct ordo_http_req *req, struct ordo_err *err)
{
    static const char *const fields[] = {"name", "roles", NULL};
    const char *name = NULL;
    unsigned roles = 0;
    int64_t key = 0;
    json_t *body;
    PGconn *db;
    enum ordo_code rc = ordo_http_body_object(req, fields, &body, err);

    if (rc == ORDO_OK) {
        rc = ordo_json_get_string(body, "name", &name, err);
    }
    if (rc == ORDO_OK) {
        rc = roles_member(body, "roles", &roles, err);
    }
    if (rc != ORDO_OK || !(db = ordo_api_pg(req, err))) {
        return rc != ORDO_OK ? rc : err->code;
    }
    rc = ordo_identity_group_create(db, name, ordo_api_actor(req), &key, err);
    if (rc == ORDO_OK && roles) {
        rc = ordo_identity_role_grant(db, ORDO_GRANTEE_GROUP, key, roles, ordo_api_actor(req), err);
    }
    if (rc == ORDO_OK) {
        ordo_http_reply_json(req, 201,
                             json_pack("{s:o, s:s}", "key", ordo_api_key_json(key), "name", name));
    }
    return changed(req, rc);
}

/* {"user":"alice"} (a login or email) or {"userKey":"42"}. */
static enum ordo_code member_of(struct ordo_http_req *req, PGconn *db, int64_t *user,
                                struct ordo_err *err)
{
    static const char *const fields[] = {"user", "userKey", NULL};
    const char *login = NULL, *key = NULL;
    json_t *body;
    enum ordo_code rc = ordo_http_body_object(req, fields, &body, err);

    if (rc == ORDO_OK) {
        rc = ordo_json_opt_string(body, "user", &login, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_json_opt_string(body, "userKey", &key, err);
    }
    if (rc == ORDO_OK && !login == !key) {
        rc = ordo_err_set(err, ORDO_E_UNPROCESSABLE, "give either user or userKey");
    }
    if (rc == ORDO_OK && key) {
        rc = ordo_query_parse_key(key, "userKey", user, err);
        return rc == ORDO_E_INVAL ? ordo_err_set(err, ORDO_E_UNPROCESSABLE, "bad userKey") : rc;
    }
    return rc == ORDO_OK ? ordo_identity_user_find(db, login, user, err) : rc;
}

static enum ordo_code group_add(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                                struct ordo_err *err)
{
    PGconn *db = ordo_store_pg(st, err);
    int64_t user = 0;
    enum ordo_code rc = db ? member_of(req, db, &user, err) : err->code;

    if (rc == ORDO_OK) {
        rc = ordo_identity_group_add_member(db, key, user, ordo_api_actor(req), err);
    }
    return changed(req, rc);
}

static enum ordo_code group_remove(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                                   struct ordo_err *err)
{
    PGconn *db = ordo_store_pg(st, err);
    int64_t user = 0;
    enum ordo_code rc = db ? member_of(req, db, &user, err) : err->code;

    if (rc == ORDO_OK) {
        rc = ordo_identity_group_remove_member(db, key, user, ordo_api_actor(req), err);
    }
    return changed(req, rc);
}

enum ordo_code ordo_api_group_add(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, group_add, err);
}

enum ordo_code ordo_api_group_remove(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, group_remove, err);
}

static enum ordo_code group_grant(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                                  struct ordo_err *err)
{
    return roles_change(req, st, ORDO_GRANTEE_GROUP, key, true, err);
}

static enum ordo_code group_revoke(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                                   struct ordo_err *err)
{
    return roles_change(req, st, ORDO_GRANTEE_GROUP, key, false, err);
}

enum ordo_code ordo_api_group_grant(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, group_grant, err);
}

enum ordo_code ordo_api_group_revoke(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, group_revoke, err);
}

/* ---- API keys -------------------------------------------------------------------------------- */

enum ordo_code ordo_api_key_list(struct ordo_http_req *req, struct ordo_err *err)
{
    const char *user = ordo_http_query(req, "userKey");
    PGconn *db = ordo_api_pg(req, err);
    int64_t user_key = 0;
    json_t *items = NULL;
    enum ordo_code rc = db ? ORDO_OK : err->code;

    if (rc == ORDO_OK && user) {
        rc = ordo_query_parse_key(user, "userKey", &user_key, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_identity_key_list(db, user_key, &items, err);
    }
    return reply_list(req, rc, items);
}

static enum ordo_code key_request(struct ordo_http_req *req, PGconn *db, struct ordo_key_new *k,
                                  struct ordo_err *err)
{
    static const char *const fields[] = {"user", "name", "scopes", "expiresInDays", NULL};
    const char *user = NULL;
    json_int_t days = 0;
    json_t *body;
    enum ordo_code rc = ordo_http_body_object(req, fields, &body, err);

    memset(k, 0, sizeof *k);
    k->user_key = ordo_http_who(req)->user_key;
    if (rc == ORDO_OK) {
        rc = ordo_json_get_string(body, "name", &k->name, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_json_opt_string(body, "user", &user, err);
    }
    if (rc == ORDO_OK) {
        rc = roles_member(body, "scopes", &k->scopes, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_json_opt_int(body, "expiresInDays", &days, err);
    }
    if (rc == ORDO_OK && (days < 0 || days > 3650)) {
        rc = ordo_err_set(err, ORDO_E_UNPROCESSABLE, "expiresInDays must be 0..3650");
    }
    if (rc == ORDO_OK && user) {
        rc = ordo_identity_user_find(db, user, &k->user_key, err);
    }
    if (rc == ORDO_OK && days) {
        k->expires_ms = ordo_clock_wall_ms() + (int64_t)days * 24 * 3600 * 1000;
    }
    return rc;
}

enum ordo_code ordo_api_key_create(struct ordo_http_req *req, struct ordo_err *err)
{
    struct ordo_key_created made = {0};
    struct ordo_key_new k = {0};
    PGconn *db = ordo_api_pg(req, err);
    enum ordo_code rc = db ? key_request(req, db, &k, err) : err->code;

    if (rc == ORDO_OK) {
        rc = ordo_identity_key_create(db, &k, ordo_api_actor(req), &made, err);
    }
    if (rc == ORDO_OK) {
        ordo_http_reply_json(req, 201,
                             json_pack("{s:o, s:s, s:s, s:o}", "key", ordo_api_key_json(made.key),
                                       "token", made.token, "prefix", made.prefix, "scopes",
                                       ordo_roles_to_json(k.scopes)));
        ordo_crypto_wipe(made.token, sizeof made.token);
    }
    return changed(req, rc);
}

static enum ordo_code key_revoke(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                                 struct ordo_err *err)
{
    PGconn *db = ordo_store_pg(st, err);

    return changed(req,
                   db ? ordo_identity_key_revoke(db, key, ordo_api_actor(req), err) : err->code);
}

enum ordo_code ordo_api_key_revoke(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, key_revoke, err);
}
