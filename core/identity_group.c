/*
 * core/identity_group.c - groups, their members, and role grants.
 */
#include <inttypes.h>
#include <string.h>

#include "base/pg.h"
#include "core/audit.h"
#include "core/identity.h"
#include "core/identity_internal.h"

/* clang-format off */

#define GROUP_ROLES_JSON \
    "(SELECT coalesce(json_agg(role ORDER BY " ID_ROLE_ORDER("role") "), '[]') " \
    "FROM role_grant WHERE group_key = g.key)"
#define GROUP_MEMBERS_JSON \
    "(SELECT coalesce(json_agg(json_build_object('key', u.key::text, 'login', u.login) " \
    "ORDER BY lower(u.login)), '[]') FROM group_member m JOIN app_user u ON u.key = m.user_key " \
    "WHERE m.group_key = g.key)"
#define GROUP_JSON \
    "json_build_object('key', g.key::text, 'name', g.name, " \
    "'createdAt', " ID_RFC3339("g.created_at") ", " \
    "'roles', " GROUP_ROLES_JSON ", 'members', " GROUP_MEMBERS_JSON ")"

/* clang-format on */

static enum ordo_code group_check(PGconn *db, struct ordo_arena *arena, int64_t key,
                                  struct ordo_err *err)
{
    const char *params[1] = {ordo_id_i64(arena, key)};
    PGresult *res = NULL;
    enum ordo_code rc =
        ordo_pg_exec(db, arena, "could not read a group", "SELECT 1 FROM app_group WHERE key = $1",
                     1, params, &res, err);

    if (rc == ORDO_OK && PQntuples(res) == 0) {
        rc = ordo_err_set(err, ORDO_E_NOTFOUND, "group %" PRId64 " not found", key);
    }
    return rc;
}

static enum ordo_code group_insert(PGconn *db, struct ordo_arena *arena, const char *name,
                                   const char *actor, int64_t *key, struct ordo_err *err)
{
    const char *params[1] = {name};
    PGresult *res = NULL;
    enum ordo_code rc = ordo_pg_exec(
        db, arena, "could not create a group",
        "INSERT INTO app_group (name) VALUES ($1) ON CONFLICT DO NOTHING RETURNING key", 1, params,
        &res, err);

    if (rc == ORDO_OK && PQntuples(res) == 0) {
        return ordo_err_set(err, ORDO_E_CONFLICT, "a group named \"%s\" already exists", name);
    }
    if (rc == ORDO_OK) {
        *key = ordo_pg_int(res, 0, 0);
        rc = ordo_audit_admin(
            db, actor, "group.created",
            json_pack("{s:s, s:s}", "group", ordo_id_i64(arena, *key), "name", name), err);
    }
    return rc;
}

enum ordo_code ordo_identity_group_create(PGconn *db, const char *name, const char *actor,
                                          int64_t *key, struct ordo_err *err)
{
    struct ordo_arena *arena = ordo_arena_new();
    int64_t k = 0;
    enum ordo_code rc = ordo_id_check_name("group name", name, err);

    rc = rc == ORDO_OK ? ordo_id_begin(db, false, err) : rc;
    if (rc == ORDO_OK) {
        rc = ordo_pg_end(db, group_insert(db, arena, name, actor, &k, err), err);
    }
    if (rc == ORDO_OK && key) {
        *key = k;
    }
    ordo_arena_free(arena);
    return rc;
}

enum ordo_code ordo_identity_group_list(PGconn *db, json_t **out, struct ordo_err *err)
{
    return ordo_id_query_json(db, "could not list groups",
                              "SELECT coalesce(json_agg(" GROUP_JSON
                              " ORDER BY lower(g.name)), '[]')::text FROM app_group g",
                              0, NULL, out, err);
}

enum ordo_code ordo_identity_group_find(PGconn *db, const char *name, int64_t *key,
                                        struct ordo_err *err)
{
    struct ordo_arena *arena = ordo_arena_new();
    const char *params[1] = {name ? name : ""};
    PGresult *res = NULL;
    enum ordo_code rc = ordo_pg_exec(db, arena, "could not look up a group",
                                     "SELECT key FROM app_group WHERE lower(name) = lower($1)", 1,
                                     params, &res, err);

    if (rc == ORDO_OK && PQntuples(res) == 0) {
        rc = ordo_err_set(err, ORDO_E_NOTFOUND, "group \"%.64s\" not found", params[0]);
    }
    if (rc == ORDO_OK) {
        *key = ordo_pg_int(res, 0, 0);
    }
    ordo_arena_free(arena);
    return rc;
}

/* Inside a membership change's transaction: both exist. */
static enum ordo_code member_check(PGconn *db, struct ordo_arena *arena, const char **params,
                                   int64_t group_key, int64_t user_key, struct ordo_err *err)
{
    enum ordo_code rc = group_check(db, arena, group_key, err);

    params[0] = ordo_id_i64(arena, group_key);
    params[1] = ordo_id_i64(arena, user_key);
    return rc == ORDO_OK ? ordo_id_user_check(db, arena, user_key, NULL, err) : rc;
}

static enum ordo_code add_member_locked(PGconn *db, struct ordo_arena *arena, int64_t group_key,
                                        int64_t user_key, const char *actor, struct ordo_err *err)
{
    const char *params[2];
    PGresult *res = NULL;
    enum ordo_code rc = member_check(db, arena, params, group_key, user_key, err);

    rc = rc == ORDO_OK ? ordo_pg_exec(db, arena, "could not add a group member",
                                      "INSERT INTO group_member (group_key, user_key) "
                                      "VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1",
                                      2, params, &res, err)
                       : rc;
    if (rc == ORDO_OK && PQntuples(res) == 1) {
        rc = ordo_audit_admin(db, actor, "group.member_added",
                              json_pack("{s:s, s:s}", "group", params[0], "user", params[1]), err);
    }
    return rc;
}

enum ordo_code ordo_identity_group_add_member(PGconn *db, int64_t group_key, int64_t user_key,
                                              const char *actor, struct ordo_err *err)
{
    struct ordo_arena *arena = ordo_arena_new();
    enum ordo_code rc = ordo_id_begin(db, false, err);

    if (rc == ORDO_OK) {
        rc = ordo_pg_end(db, add_member_locked(db, arena, group_key, user_key, actor, err), err);
    }
    ordo_arena_free(arena);
    return rc;
}

static enum ordo_code remove_member_locked(PGconn *db, struct ordo_arena *arena, int64_t group_key,
                                           int64_t user_key, const char *actor,
                                           struct ordo_err *err)
{
    const char *params[2];
    PGresult *res = NULL;
    bool had = false;
    enum ordo_code rc = member_check(db, arena, params, group_key, user_key, err);

    rc = rc == ORDO_OK ? ordo_id_admin_exists(db, arena, &had, err) : rc;
    rc = rc == ORDO_OK ? ordo_pg_exec(db, arena, "could not remove a group member",
                                      "DELETE FROM group_member WHERE group_key = $1 "
                                      "AND user_key = $2 RETURNING 1",
                                      2, params, &res, err)
                       : rc;
    if (rc == ORDO_OK && PQntuples(res) == 0) {
        return ordo_err_set(err, ORDO_E_NOTFOUND,
                            "user %" PRId64 " is not a member of group %" PRId64, user_key,
                            group_key);
    }
    rc = rc == ORDO_OK ? ordo_id_keep_admin(db, arena, had, err) : rc;
    if (rc == ORDO_OK) {
        rc = ordo_audit_admin(db, actor, "group.member_removed",
                              json_pack("{s:s, s:s}", "group", params[0], "user", params[1]), err);
    }
    return rc;
}

enum ordo_code ordo_identity_group_remove_member(PGconn *db, int64_t group_key, int64_t user_key,
                                                 const char *actor, struct ordo_err *err)
{
    struct ordo_arena *arena = ordo_arena_new();
    enum ordo_code rc = ordo_id_begin(db, true, err);

    if (rc == ORDO_OK) {
        rc = ordo_pg_end(db, remove_member_locked(db, arena, group_key, user_key, actor, err), err);
    }
    ordo_arena_free(arena);
    return rc;
}

/* ---- grants --------------------------------------------------------------------------------- */

/* The parameters of a grant statement: $1 the roles, $2 the user, $3 the
 * group (one of the two NULL); and the grantee exists. */
static enum ordo_code grantee_params(PGconn *db, struct ordo_arena *arena, enum ordo_grantee kind,
                                     int64_t key, unsigned roles, const char **params,
                                     struct ordo_err *err)
{
    if (roles == 0 || (roles & ~ORDO_ROLE_ALL) != 0) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "name one or more roles");
    }
    params[0] = ordo_id_roles_array(arena, roles);
    params[1] = kind == ORDO_GRANTEE_USER ? ordo_id_i64(arena, key) : NULL;
    params[2] = kind == ORDO_GRANTEE_GROUP ? ordo_id_i64(arena, key) : NULL;
    return kind == ORDO_GRANTEE_USER ? ordo_id_user_check(db, arena, key, NULL, err)
                                     : group_check(db, arena, key, err);
}

static json_t *grant_payload(enum ordo_grantee kind, const char *key, unsigned roles)
{
    return json_pack("{s:s, s:o}", kind == ORDO_GRANTEE_USER ? "user" : "group", key, "roles",
                     ordo_roles_to_json(roles));
}

enum ordo_code ordo_id_grant_locked(PGconn *db, struct ordo_arena *arena, enum ordo_grantee kind,
                                    int64_t key, unsigned roles, const char *actor,
                                    unsigned *granted, struct ordo_err *err)
{
    const char *params[3];
    PGresult *res = NULL;
    unsigned now = 0;
    enum ordo_code rc = grantee_params(db, arena, kind, key, roles, params, err);

    rc = rc == ORDO_OK ? ordo_pg_exec(db, arena, "could not grant a role",
                                      "WITH ins AS (INSERT INTO role_grant (role, user_key, "
                                      "group_key) SELECT r, $2::bigint, $3::bigint FROM "
                                      "unnest($1::text[]) r ON CONFLICT DO NOTHING RETURNING role) "
                                      "SELECT string_agg(role, ',') FROM ins",
                                      3, params, &res, err)
                       : rc;
    if (rc == ORDO_OK) {
        now = ordo_id_roles_from_csv(ordo_pg_text(res, 0, 0));
    }
    if (rc == ORDO_OK && now) {
        rc = ordo_audit_admin(db, actor, "role.granted",
                              grant_payload(kind, params[1] ? params[1] : params[2], now), err);
    }
    if (granted) {
        *granted = now;
    }
    return rc;
}

enum ordo_code ordo_identity_role_grant(PGconn *db, enum ordo_grantee kind, int64_t key,
                                        unsigned roles, const char *actor, struct ordo_err *err)
{
    struct ordo_arena *arena = ordo_arena_new();
    enum ordo_code rc = ordo_id_begin(db, false, err);

    if (rc == ORDO_OK) {
        rc = ordo_pg_end(db, ordo_id_grant_locked(db, arena, kind, key, roles, actor, NULL, err),
                         err);
    }
    ordo_arena_free(arena);
    return rc;
}

static enum ordo_code revoke_locked(PGconn *db, struct ordo_arena *arena, enum ordo_grantee kind,
                                    int64_t key, unsigned roles, const char *actor,
                                    struct ordo_err *err)
{
    const char *params[3];
    PGresult *res = NULL;
    unsigned gone = 0;
    bool had = false;
    enum ordo_code rc = grantee_params(db, arena, kind, key, roles, params, err);

    rc = rc == ORDO_OK ? ordo_id_admin_exists(db, arena, &had, err) : rc;
    rc = rc == ORDO_OK
             ? ordo_pg_exec(db, arena, "could not revoke a role",
                            "WITH del AS (DELETE FROM role_grant WHERE role = "
                            "ANY($1::text[]) AND user_key IS NOT DISTINCT FROM $2::bigint "
                            "AND group_key IS NOT DISTINCT FROM $3::bigint RETURNING "
                            "role) SELECT string_agg(role, ',') FROM del",
                            3, params, &res, err)
             : rc;
    if (rc != ORDO_OK) {
        return rc;
    }
    gone = ordo_id_roles_from_csv(ordo_pg_text(res, 0, 0));
    if (gone == 0) {
        return ordo_err_set(err, ORDO_E_NOTFOUND, "%s %" PRId64 " holds none of the roles %s",
                            kind == ORDO_GRANTEE_USER ? "user" : "group", key,
                            ordo_id_roles_text(arena, roles));
    }
    rc = ordo_id_keep_admin(db, arena, had, err);
    if (rc == ORDO_OK) {
        rc = ordo_audit_admin(db, actor, "role.revoked",
                              grant_payload(kind, params[1] ? params[1] : params[2], gone), err);
    }
    return rc;
}

enum ordo_code ordo_identity_role_revoke(PGconn *db, enum ordo_grantee kind, int64_t key,
                                         unsigned roles, const char *actor, struct ordo_err *err)
{
    struct ordo_arena *arena = ordo_arena_new();
    enum ordo_code rc = ordo_id_begin(db, true, err);

    if (rc == ORDO_OK) {
        rc = ordo_pg_end(db, revoke_locked(db, arena, kind, key, roles, actor, err), err);
    }
    ordo_arena_free(arena);
    return rc;
}
