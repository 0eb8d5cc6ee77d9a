/*
 * tests/integration/test_identity: users, groups, roles, API keys, sessions
 * and the first admin (core/identity.h) in a real PostgreSQL, through a
 * connection as the application role, so that the grants of migration
 * 0003 are tested too. Checks of rows are made as the schema owner.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "base/crypto.h"
#include "base/pg.h"
#include "core/identity.h"
#include "tests/integration/pgtest.h"

static char *dbname;
static PGconn *db; /* as the application role */
static struct ordo_arena *arena;
static char data_dir[64];

static void setup(void)
{
    struct ordo_err err = {0};

    ck_assert_int_eq(ordo_crypto_init(&err), ORDO_OK);
    dbname = pgtest_db_create("identity");
    ck_assert_msg(ordo_pg_connect(pgtest_conninfo(dbname, PGTEST_APP), &db, &err) == ORDO_OK, "%s",
                  err.msg);
    arena = ordo_arena_new();
    (void)snprintf(data_dir, sizeof data_dir, "/tmp/ordo-identity.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(data_dir));
}

static void teardown(void)
{
    char path[128];

    (void)snprintf(path, sizeof path, "%s/%s", data_dir, ORDO_IDENTITY_KEY_FILE);
    (void)unlink(path);
    (void)rmdir(data_dir);
    ordo_arena_free(arena);
    PQfinish(db);
    pgtest_db_drop(dbname);
    free(dbname);
}

/* ---- helpers -------------------------------------------------------------------------------- */

/* The first column of the first row of 'sql' (one optional parameter) as
 * the owner: "" for no row, "NULL" for SQL NULL. A static buffer. */
static const char *sql1(const char *sql, const char *param)
{
    static char value[4096];
    PGconn *owner = pgtest_connect(dbname, PGTEST_OWNER);
    PGresult *res =
        PQexecParams(owner, sql, param ? 1 : 0, NULL, param ? &param : NULL, NULL, NULL, 0);

    ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK || PQresultStatus(res) == PGRES_COMMAND_OK,
                  "%s: %s", sql, PQresultErrorMessage(res));
    (void)snprintf(value, sizeof value, "%s",
                   PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) == 0 ? ""
                   : PQgetisnull(res, 0, 0)                                      ? "NULL"
                                            : PQgetvalue(res, 0, 0));
    PQclear(res);
    PQfinish(owner);
    return value;
}

static const char *key_text(int64_t key)
{
    static char buf[4][24];
    static int next;
    char *b = buf[next++ % 4];

    (void)snprintf(b, sizeof buf[0], "%lld", (long long)key);
    return b;
}

static int64_t user(const char *login, const char *password)
{
    struct ordo_err err = {0};
    char email[128];
    struct ordo_user_new req = {.login = login, .email = email, .password = password};
    int64_t key = 0;

    (void)snprintf(email, sizeof email, "%s@example.com", login);
    ck_assert_msg(ordo_identity_user_create(db, &req, "user:test", &key, &err) == ORDO_OK, "%s",
                  err.msg);
    ck_assert_int_gt(key, 0);
    return key;
}

static void grant(int64_t user_key, unsigned roles)
{
    struct ordo_err err = {0};

    ck_assert_msg(ordo_identity_role_grant(db, ORDO_GRANTEE_USER, user_key, roles, "user:test",
                                           &err) == ORDO_OK,
                  "%s", err.msg);
}

static struct ordo_key_created make_key(int64_t user_key, unsigned scopes)
{
    struct ordo_err err = {0};
    struct ordo_key_new req = {.user_key = user_key, .name = "ci", .scopes = scopes};
    struct ordo_key_created k;

    ck_assert_msg(ordo_identity_key_create(db, &req, "user:test", &k, &err) == ORDO_OK, "%s",
                  err.msg);
    return k;
}

static struct ordo_principal auth_ok(const char *token)
{
    struct ordo_err err = {0};
    struct ordo_principal p;

    ck_assert_msg(ordo_identity_authenticate_key(db, token, arena, &p, &err) == ORDO_OK, "%s",
                  err.msg);
    return p;
}

/* The key is refused with the generic message, which does not repeat it. */
static void auth_refused(const char *token)
{
    struct ordo_err err = {0};
    struct ordo_principal p;

    ck_assert_int_eq(ordo_identity_authenticate_key(db, token, arena, &p, &err),
                     ORDO_E_UNAUTHENTICATED);
    ck_assert(!*token || strstr(err.msg, token) == NULL);
}

static int64_t audit_count(const char *action)
{
    return strtoll(sql1("SELECT count(*) FROM audit WHERE action = $1", action), NULL, 10);
}

/* "2026-11-25T10:30:00.000Z": digits where the pattern has 9. */
static bool is_rfc3339_ms(const char *s)
{
    const char *pattern = "9999-99-99T99:99:99.999Z";

    if (!s || strlen(s) != strlen(pattern)) {
        return false;
    }
    for (size_t i = 0; pattern[i]; i++) {
        if (pattern[i] == '9' ? (s[i] < '0' || s[i] > '9') : s[i] != pattern[i]) {
            return false;
        }
    }
    return true;
}

/* ---- users and groups ----------------------------------------------------------------------- */

START_TEST(users_are_created_listed_and_found)
{
    struct ordo_err err = {0};
    struct ordo_user_new carol = {
        .login = "carol", .email = "Carol@Example.com", .slack_user_id = "U012AB3CD"};
    int64_t alice = user("alice", "correct horse"), bob = user("bob", NULL), c = 0, found = 0;
    json_t *list = NULL, *one = NULL, *a;
    char *text;

    ck_assert_int_eq(ordo_identity_user_create(db, &carol, NULL, &c, &err), ORDO_OK);
    grant(alice, ORDO_ROLE_DESIGNER | ORDO_ROLE_VIEWER);
    ck_assert_int_eq(ordo_identity_user_list(db, &list, &err), ORDO_OK);
    ck_assert_int_eq(json_array_size(list), 3);
    a = json_array_get(list, 0);
    ck_assert_str_eq(json_string_value(json_object_get(a, "key")), key_text(alice));
    ck_assert_str_eq(json_string_value(json_object_get(a, "login")), "alice");
    ck_assert_str_eq(json_string_value(json_object_get(a, "email")), "alice@example.com");
    ck_assert(json_is_true(json_object_get(a, "hasPassword")));
    ck_assert(json_is_false(json_object_get(a, "disabled")));
    ck_assert(is_rfc3339_ms(json_string_value(json_object_get(a, "createdAt"))));
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(a, "roles"), 0)), "designer");
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(a, "roles"), 1)), "viewer");
    ck_assert(json_is_false(json_object_get(json_array_get(list, 1), "hasPassword")));
    text = json_dumps(list, 0);
    ck_assert_ptr_null(strstr(text, "argon2"));
    free(text);

    ck_assert_int_eq(ordo_identity_user_get(db, c, &one, &err), ORDO_OK);
    ck_assert_str_eq(json_string_value(json_object_get(one, "slackUserId")), "U012AB3CD");
    ck_assert_int_eq(ordo_identity_user_get(db, 999999, &one, &err), ORDO_E_NOTFOUND);
    ck_assert_int_eq(ordo_identity_user_find(db, "carol@example.COM", &found, &err), ORDO_OK);
    ck_assert_int_eq(found, c);
    ck_assert_int_eq(ordo_identity_user_find(db, "BOB", &found, &err), ORDO_OK);
    ck_assert_int_eq(found, bob);
    json_decref(list);
    json_decref(one);
}
END_TEST

START_TEST(duplicates_are_conflicts_whatever_their_case)
{
    struct ordo_err err = {0};
    struct ordo_user_new same_login = {.login = "ALICE", .email = "other@example.com"};
    struct ordo_user_new same_email = {.login = "alice2", .email = "Alice@Example.com"};
    int64_t g = 0;

    (void)user("alice", NULL);
    ck_assert_int_eq(ordo_identity_user_create(db, &same_login, NULL, NULL, &err), ORDO_E_CONFLICT);
    ck_assert_int_eq(ordo_code_http_status(err.code), 409);
    ck_assert_ptr_nonnull(strstr(err.msg, "login"));
    ordo_err_clear(&err);
    ck_assert_int_eq(ordo_identity_user_create(db, &same_email, NULL, NULL, &err), ORDO_E_CONFLICT);
    ck_assert_ptr_nonnull(strstr(err.msg, "email"));
    ck_assert_int_eq(ordo_identity_group_create(db, "ops", NULL, &g, &err), ORDO_OK);
    ck_assert_int_eq(ordo_identity_group_create(db, "OPS", NULL, &g, &err), ORDO_E_CONFLICT);
    ck_assert_str_eq(sql1("SELECT count(*) FROM app_user", NULL), "1");
}
END_TEST

START_TEST(bad_logins_emails_passwords_and_roles_are_unprocessable)
{
    struct ordo_err err = {0};
    const char *logins[] = {"", "bad login", "semi;colon", "é",
                            "a123456789b123456789c123456789d123456789e123456789f123456789g1234"};
    struct ordo_user_new req = {.email = "x@example.com"};
    unsigned bit = 0, roles = 0;
    json_t *bad = json_pack("[s, s]", "viewer", "root");

    for (size_t i = 0; i < sizeof logins / sizeof logins[0]; i++) {
        req.login = logins[i];
        ck_assert_int_eq(ordo_identity_user_create(db, &req, NULL, NULL, &err),
                         ORDO_E_UNPROCESSABLE);
    }
    req.login = "ok.login-1_@x";
    req.email = "no-at-sign";
    ck_assert_int_eq(ordo_identity_user_create(db, &req, NULL, NULL, &err), ORDO_E_UNPROCESSABLE);
    req.email = "x@example.com";
    req.password = "short";
    ck_assert_int_eq(ordo_identity_user_create(db, &req, NULL, NULL, &err), ORDO_E_UNPROCESSABLE);
    req.password = NULL;
    ck_assert_int_eq(ordo_identity_user_create(db, &req, NULL, NULL, &err), ORDO_OK);

    ck_assert_int_eq(ordo_role_parse("root", &bit, &err), ORDO_E_UNPROCESSABLE);
    ck_assert_int_eq(ordo_role_parse("metrics", &bit, &err), ORDO_OK);
    ck_assert_uint_eq(bit, ORDO_ROLE_METRICS);
    ck_assert_str_eq(ordo_role_name(ORDO_ROLE_APPROVER), "approver");
    ck_assert_ptr_null(ordo_role_name(ORDO_ROLE_APPROVER | ORDO_ROLE_VIEWER));
    ck_assert_int_eq(ordo_roles_from_json(bad, &roles, &err), ORDO_E_UNPROCESSABLE);
    ck_assert_int_eq(ordo_identity_role_grant(db, ORDO_GRANTEE_USER, 1, 0, NULL, &err),
                     ORDO_E_UNPROCESSABLE);
    json_decref(bad);
}
END_TEST

START_TEST(roles_round_trip_through_json)
{
    struct ordo_err err = {0};
    json_t *j = ordo_roles_to_json(ORDO_ROLE_METRICS | ORDO_ROLE_ADMIN);
    char *text = json_dumps(j, JSON_COMPACT);
    unsigned roles = 0;
    struct ordo_principal admin = {.roles = ORDO_ROLE_ADMIN}, viewer = {.roles = ORDO_ROLE_VIEWER};

    ck_assert_str_eq(text, "[\"admin\",\"metrics\"]");
    ck_assert_int_eq(ordo_roles_from_json(j, &roles, &err), ORDO_OK);
    ck_assert_uint_eq(roles, ORDO_ROLE_METRICS | ORDO_ROLE_ADMIN);
    ck_assert(ordo_principal_has(&admin, ORDO_ROLE_METRICS));
    ck_assert(ordo_principal_has(&viewer, ORDO_ROLE_VIEWER));
    ck_assert(!ordo_principal_has(&viewer, ORDO_ROLE_OPERATOR));
    ck_assert(!ordo_principal_has(NULL, ORDO_ROLE_VIEWER));
    free(text);
    json_decref(j);
}
END_TEST

START_TEST(group_roles_count_for_members_and_their_keys)
{
    struct ordo_err err = {0};
    int64_t alice = user("alice", NULL), ops = 0, found = 0;
    unsigned roles = 0;
    struct ordo_key_created k;
    struct ordo_principal p;
    json_t *groups = NULL, *members;

    grant(alice, ORDO_ROLE_VIEWER);
    ck_assert_int_eq(ordo_identity_group_create(db, "ops", "user:test", &ops, &err), ORDO_OK);
    ck_assert_int_eq(ordo_identity_role_grant(db, ORDO_GRANTEE_GROUP, ops, ORDO_ROLE_OPERATOR,
                                              "user:test", &err),
                     ORDO_OK);
    ck_assert_int_eq(ordo_identity_group_add_member(db, ops, alice, "user:test", &err), ORDO_OK);
    ck_assert_int_eq(ordo_identity_group_add_member(db, ops, alice, "user:test", &err), ORDO_OK);
    ck_assert_int_eq(ordo_identity_user_roles(db, alice, &roles, &err), ORDO_OK);
    ck_assert_uint_eq(roles, ORDO_ROLE_VIEWER | ORDO_ROLE_OPERATOR);
    ck_assert_int_eq(ordo_identity_group_find(db, "OPS", &found, &err), ORDO_OK);
    ck_assert_int_eq(found, ops);

    k = make_key(alice, ORDO_ROLE_OPERATOR | ORDO_ROLE_VIEWER);
    p = auth_ok(k.token);
    ck_assert_uint_eq(p.roles, ORDO_ROLE_OPERATOR | ORDO_ROLE_VIEWER);
    ck_assert_uint_eq(p.ngroups, 1);
    ck_assert_str_eq(p.groups[0], "ops");

    ck_assert_int_eq(ordo_identity_group_list(db, &groups, &err), ORDO_OK);
    members = json_object_get(json_array_get(groups, 0), "members");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(members, 0), "login")),
                     "alice");
    ck_assert_str_eq(
        json_string_value(json_array_get(json_object_get(json_array_get(groups, 0), "roles"), 0)),
        "operator");

    ck_assert_int_eq(ordo_identity_group_remove_member(db, ops, alice, "user:test", &err), ORDO_OK);
    ck_assert_int_eq(ordo_identity_group_remove_member(db, ops, alice, "user:test", &err),
                     ORDO_E_NOTFOUND);
    p = auth_ok(k.token);
    ck_assert_uint_eq(p.roles, ORDO_ROLE_VIEWER); /* scopes ∩ roles shrank at once */
    ck_assert_uint_eq(p.ngroups, 0);
    ck_assert_int_eq(ordo_identity_group_add_member(db, 424242, alice, NULL, &err),
                     ORDO_E_NOTFOUND);
    json_decref(groups);
}
END_TEST

/* ---- API keys ------------------------------------------------------------------------------- */

START_TEST(a_key_authenticates_with_its_scopes_within_the_users_roles)
{
    struct ordo_err err = {0};
    int64_t alice = user("alice", NULL);
    struct ordo_key_created k;
    struct ordo_principal p;
    json_t *keys = NULL, *row;
    char *text;

    grant(alice, ORDO_ROLE_DESIGNER | ORDO_ROLE_VIEWER);
    k = make_key(alice, ORDO_ROLE_VIEWER);
    ck_assert_uint_eq(strlen(k.token), 45);
    ck_assert_int_eq(strncmp(k.token, "ordo_", 5), 0);
    ck_assert_uint_eq(strspn(k.token + 5, "abcdefghijklmnopqrstuvwxyz234567"), 40);
    ck_assert_int_eq(strncmp(k.prefix, k.token, 9), 0);
    ck_assert_str_eq(
        sql1("SELECT last_used_at IS NULL FROM api_key WHERE key = $1", key_text(k.key)), "t");

    p = auth_ok(k.token);
    ck_assert_int_eq(p.user_key, alice);
    ck_assert_str_eq(p.login, "alice");
    ck_assert_str_eq(p.email, "alice@example.com");
    ck_assert_uint_eq(p.roles, ORDO_ROLE_VIEWER); /* not designer: the key was not given it */
    ck_assert_int_eq(p.api_key, k.key);
    ck_assert(!p.session);
    ck_assert_ptr_null(p.csrf);
    ck_assert_str_eq(
        sql1("SELECT last_used_at IS NOT NULL FROM api_key WHERE key = $1", key_text(k.key)), "t");

    /* Only the hash is stored; the list shows the prefix and no secret. */
    ck_assert_str_eq(sql1("SELECT count(*) FROM api_key WHERE token_hash = "
                          "sha256(convert_to($1, 'UTF8'))",
                          k.token),
                     "1");
    ck_assert_int_eq(ordo_identity_key_list(db, alice, &keys, &err), ORDO_OK);
    row = json_array_get(keys, 0);
    ck_assert_str_eq(json_string_value(json_object_get(row, "prefix")), k.prefix);
    ck_assert_str_eq(json_string_value(json_object_get(row, "name")), "ci");
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(row, "scopes"), 0)),
                     "viewer");
    ck_assert(json_is_null(json_object_get(row, "expiresAt")));
    ck_assert(is_rfc3339_ms(json_string_value(json_object_get(row, "lastUsedAt"))));
    ck_assert(json_is_false(json_object_get(row, "revoked")));
    text = json_dumps(keys, 0);
    ck_assert_ptr_null(strstr(text, k.token + 9));
    free(text);
    json_decref(keys);

    /* The owner loses the role: the key loses it with them. */
    ck_assert_int_eq(
        ordo_identity_role_revoke(db, ORDO_GRANTEE_USER, alice, ORDO_ROLE_VIEWER, NULL, &err),
        ORDO_OK);
    ck_assert_uint_eq(auth_ok(k.token).roles, 0);
    auth_refused("ordo_notarealkeynotarealkeynotarealkeynotareal");
    auth_refused("");
}
END_TEST

START_TEST(revoked_expired_and_disabled_users_keys_are_refused)
{
    struct ordo_err err = {0};
    int64_t alice = user("alice", NULL), bob = user("bob", NULL);
    struct ordo_key_created revoked, expired, disabled, ok;
    struct ordo_key_new past = {
        .user_key = alice, .name = "old", .scopes = ORDO_ROLE_VIEWER, .expires_ms = 1000};

    grant(alice, ORDO_ROLE_VIEWER);
    grant(bob, ORDO_ROLE_VIEWER);
    revoked = make_key(alice, ORDO_ROLE_VIEWER);
    expired = make_key(alice, ORDO_ROLE_VIEWER);
    disabled = make_key(bob, ORDO_ROLE_VIEWER);
    ok = make_key(alice, ORDO_ROLE_VIEWER);

    ck_assert_int_eq(ordo_identity_key_revoke(db, revoked.key, "user:test", &err), ORDO_OK);
    ck_assert_int_eq(ordo_identity_key_revoke(db, revoked.key, "user:test", &err), ORDO_OK);
    ck_assert_int_eq(ordo_identity_key_revoke(db, 31337, "user:test", &err), ORDO_E_NOTFOUND);
    auth_refused(revoked.token);

    (void)sql1("UPDATE api_key SET expires_at = now() - interval '1 second' WHERE key = $1",
               key_text(expired.key));
    auth_refused(expired.token);
    ck_assert_int_eq(ordo_identity_key_create(db, &past, NULL, &expired, &err),
                     ORDO_E_UNPROCESSABLE);

    ck_assert_int_eq(ordo_identity_user_set_disabled(db, bob, true, "user:test", &err), ORDO_OK);
    auth_refused(disabled.token);
    ck_assert_int_eq(ordo_identity_user_set_disabled(db, bob, false, "user:test", &err), ORDO_OK);
    ck_assert_int_eq(auth_ok(disabled.token).user_key, bob);

    ck_assert_int_eq(auth_ok(ok.token).user_key, alice);
    ck_assert_str_eq(
        sql1("SELECT revoked_at IS NOT NULL FROM api_key WHERE key = $1", key_text(revoked.key)),
        "t");
}
END_TEST

START_TEST(scopes_beyond_the_users_roles_are_refused_unless_admin)
{
    struct ordo_err err = {0};
    int64_t alice = user("alice", NULL), root = user("root", NULL);
    struct ordo_key_new req = {
        .user_key = alice, .name = "too much", .scopes = ORDO_ROLE_VIEWER | ORDO_ROLE_OPERATOR};
    struct ordo_key_created k;
    struct ordo_principal p;

    grant(alice, ORDO_ROLE_VIEWER);
    ck_assert_int_eq(ordo_identity_key_create(db, &req, NULL, &k, &err), ORDO_E_UNPROCESSABLE);
    ck_assert_ptr_nonnull(strstr(err.msg, "operator"));
    ck_assert_str_eq(k.token, "");
    req.scopes = 0;
    ck_assert_int_eq(ordo_identity_key_create(db, &req, NULL, &k, &err), ORDO_E_UNPROCESSABLE);
    req.user_key = 987654;
    req.scopes = ORDO_ROLE_VIEWER;
    ck_assert_int_eq(ordo_identity_key_create(db, &req, NULL, &k, &err), ORDO_E_NOTFOUND);
    ck_assert_str_eq(sql1("SELECT count(*) FROM api_key", NULL), "0");

    /* An admin may hand out any role; the key then holds exactly its scopes. */
    grant(root, ORDO_ROLE_ADMIN);
    k = make_key(root, ORDO_ROLE_METRICS);
    ck_assert_uint_eq(auth_ok(k.token).roles, ORDO_ROLE_METRICS);
    k = make_key(root, ORDO_ROLE_ADMIN);
    p = auth_ok(k.token);
    ck_assert_uint_eq(p.roles, ORDO_ROLE_ADMIN);
    ck_assert(ordo_principal_has(&p, ORDO_ROLE_DESIGNER | ORDO_ROLE_METRICS));
}
END_TEST

START_TEST(basic_auth_needs_the_keys_owner)
{
    struct ordo_err err = {0};
    struct ordo_principal p;
    int64_t alice = user("alice", NULL);
    struct ordo_key_created k;

    grant(alice, ORDO_ROLE_OPERATOR);
    k = make_key(alice, ORDO_ROLE_OPERATOR);
    ck_assert_int_eq(ordo_identity_authenticate_basic(db, "ALICE", k.token, arena, &p, &err),
                     ORDO_OK);
    ck_assert_int_eq(p.user_key, alice);
    ck_assert_int_eq(
        ordo_identity_authenticate_basic(db, "alice@example.com", k.token, arena, &p, &err),
        ORDO_OK);
    ck_assert_int_eq(ordo_identity_authenticate_basic(db, "bob", k.token, arena, &p, &err),
                     ORDO_E_UNAUTHENTICATED);
}
END_TEST

/* ---- passwords and sessions ----------------------------------------------------------------- */

START_TEST(password_login_accepts_the_password_and_nothing_else)
{
    struct ordo_err err = {0};
    struct ordo_principal p;
    char *token = NULL, *csrf = NULL;
    int64_t alice = user("alice", "correct horse");

    (void)user("nopass", NULL);
    grant(alice, ORDO_ROLE_APPROVER);
    ck_assert_int_eq(
        ordo_identity_login(db, "Alice", "correct horse", arena, &p, &token, &csrf, &err), ORDO_OK);
    ck_assert_int_eq(p.user_key, alice);
    ck_assert_uint_eq(p.roles, ORDO_ROLE_APPROVER);
    ck_assert(p.session);
    ck_assert_uint_eq(strlen(token), 64);
    ck_assert_uint_eq(strlen(csrf), 64);
    ck_assert_str_eq(p.csrf, csrf);
    ck_assert_int_eq(ordo_identity_login(db, "alice@example.com", "correct horse", arena, &p,
                                         &token, &csrf, &err),
                     ORDO_OK);

    ck_assert_int_eq(
        ordo_identity_login(db, "alice", "wrong horse", arena, &p, &token, &csrf, &err),
        ORDO_E_UNAUTHENTICATED);
    ordo_err_clear(&err);
    ck_assert_int_eq(
        ordo_identity_login(db, "mallory", "correct horse", arena, &p, &token, &csrf, &err),
        ORDO_E_UNAUTHENTICATED);
    ck_assert_ptr_null(strstr(err.msg, "mallory"));
    ck_assert_int_eq(ordo_identity_login(db, "nopass", "", arena, &p, &token, &csrf, &err),
                     ORDO_E_UNAUTHENTICATED);
    ck_assert_int_eq(ordo_identity_user_set_disabled(db, alice, true, NULL, &err), ORDO_OK);
    ck_assert_int_eq(
        ordo_identity_login(db, "alice", "correct horse", arena, &p, &token, &csrf, &err),
        ORDO_E_UNAUTHENTICATED);
    ck_assert_str_eq(sql1("SELECT count(*) FROM web_session", NULL), "0");
}
END_TEST

START_TEST(a_session_authenticates_until_logout_or_a_new_password)
{
    struct ordo_err err = {0};
    struct ordo_principal p;
    char *token = NULL, *csrf = NULL, *token2 = NULL;
    int64_t alice = user("alice", "correct horse");

    ck_assert_int_eq(
        ordo_identity_login(db, "alice", "correct horse", arena, &p, &token, &csrf, &err), ORDO_OK);
    memset(&p, 0, sizeof p);
    ck_assert_int_eq(ordo_identity_authenticate_session(db, token, arena, &p, &err), ORDO_OK);
    ck_assert_int_eq(p.user_key, alice);
    ck_assert(p.session);
    ck_assert_int_eq(p.api_key, 0);
    ck_assert_str_eq(p.csrf, csrf);
    auth_refused(token); /* a session token is no API key */
    ck_assert_str_eq(sql1("SELECT count(*) FROM web_session WHERE token_hash = "
                          "sha256(convert_to($1, 'UTF8'))",
                          token),
                     "1");

    ck_assert_int_eq(ordo_identity_logout(db, token, &err), ORDO_OK);
    ck_assert_int_eq(ordo_identity_authenticate_session(db, token, arena, &p, &err),
                     ORDO_E_UNAUTHENTICATED);
    ck_assert_int_eq(ordo_identity_logout(db, token, &err), ORDO_OK);

    ck_assert_int_eq(
        ordo_identity_login(db, "alice", "correct horse", arena, &p, &token2, &csrf, &err),
        ORDO_OK);
    ck_assert_int_eq(ordo_identity_user_set_password(db, alice, "battery staple", NULL, &err),
                     ORDO_OK);
    ck_assert_int_eq(ordo_identity_authenticate_session(db, token2, arena, &p, &err),
                     ORDO_E_UNAUTHENTICATED);
    ck_assert_int_eq(
        ordo_identity_login(db, "alice", "battery staple", arena, &p, &token2, &csrf, &err),
        ORDO_OK);
    (void)sql1("UPDATE web_session SET expires_at = now() - interval '1 second'", NULL);
    ck_assert_int_eq(ordo_identity_authenticate_session(db, token2, arena, &p, &err),
                     ORDO_E_UNAUTHENTICATED);
}
END_TEST

/* ---- first start ---------------------------------------------------------------------------- */

/* The key written to the key file, without its newline. */
static const char *read_key_file(const char *path)
{
    static char key[128];
    FILE *f = fopen(path, "r");
    size_t n;

    ck_assert_ptr_nonnull(f);
    n = fread(key, 1, sizeof key - 1, f);
    (void)fclose(f);
    key[n] = '\0';
    ck_assert_uint_gt(n, 1);
    ck_assert_int_eq(key[n - 1], '\n');
    key[n - 1] = '\0';
    return key;
}

START_TEST(bootstrap_without_admin_key_writes_a_private_key_file_once)
{
    struct ordo_err err = {0};
    struct ordo_identity_bootstrap b;
    struct stat st;
    struct ordo_principal p;
    char path[128];
    const char *key;

    (void)snprintf(path, sizeof path, "%s/%s", data_dir, ORDO_IDENTITY_KEY_FILE);
    ck_assert_msg(ordo_identity_bootstrap(db, NULL, data_dir, &b, &err) == ORDO_OK, "%s", err.msg);
    ck_assert(b.created);
    ck_assert_str_eq(b.key_file, path);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    key = read_key_file(path);
    ck_assert_int_eq(strncmp(key, "ordo_", 5), 0);
    p = auth_ok(key);
    ck_assert_str_eq(p.login, "admin");
    ck_assert_str_eq(p.email, "admin@localhost");
    ck_assert_uint_eq(p.roles, ORDO_ROLE_ADMIN);
    ck_assert_int_eq(p.user_key, b.user_key);

    /* The second start finds the admin and makes nothing. */
    (void)unlink(path);
    ck_assert_int_eq(ordo_identity_bootstrap(db, NULL, data_dir, &b, &err), ORDO_OK);
    ck_assert(!b.created);
    ck_assert(!b.key_added);
    ck_assert_str_eq(b.key_file, "");
    ck_assert_int_eq(access(path, F_OK), -1);
    ck_assert_str_eq(sql1("SELECT count(*) FROM app_user", NULL), "1");
    ck_assert_str_eq(sql1("SELECT count(*) FROM api_key", NULL), "1");
    ck_assert_str_eq(sql1("SELECT count(*) FROM audit WHERE payload LIKE '%' || $1 || '%'", key),
                     "0");

    /* The last admin stays: disabling or demoting them is refused. */
    ck_assert_int_eq(ordo_identity_user_set_disabled(db, p.user_key, true, NULL, &err),
                     ORDO_E_CONFLICT);
    ck_assert_int_eq(
        ordo_identity_role_revoke(db, ORDO_GRANTEE_USER, p.user_key, ORDO_ROLE_ADMIN, NULL, &err),
        ORDO_E_CONFLICT);
    ck_assert_uint_eq(auth_ok(key).roles, ORDO_ROLE_ADMIN);
}
END_TEST

START_TEST(bootstrap_replaces_a_stale_key_file_with_mode_0600)
{
    struct ordo_err err = {0};
    struct ordo_identity_bootstrap b;
    struct stat st;
    char path[128];
    FILE *f;

    (void)snprintf(path, sizeof path, "%s/%s", data_dir, ORDO_IDENTITY_KEY_FILE);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    (void)fputs("an old key that is much longer than the new one will be\n", f);
    (void)fclose(f);
    ck_assert_int_eq(chmod(path, 0644), 0);
    ck_assert_int_eq(ordo_identity_bootstrap(db, NULL, data_dir, &b, &err), ORDO_OK);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert_str_eq(auth_ok(read_key_file(path)).login, "admin");
}
END_TEST

START_TEST(bootstrap_with_admin_key_stores_it_as_the_admins_key)
{
    struct ordo_err err = {0};
    struct ordo_identity_bootstrap b;
    const char *configured = "a configured admin key of 40 characters";
    const char *second = "another configured admin key, 24+ chars";
    char path[128];
    struct ordo_principal p;
    int64_t keys = 0;

    (void)snprintf(path, sizeof path, "%s/%s", data_dir, ORDO_IDENTITY_KEY_FILE);
    ck_assert_msg(ordo_identity_bootstrap(db, configured, data_dir, &b, &err) == ORDO_OK, "%s",
                  err.msg);
    ck_assert(b.created);
    ck_assert_str_eq(b.key_file, "");
    ck_assert_int_eq(access(path, F_OK), -1);
    p = auth_ok(configured);
    ck_assert_str_eq(p.login, "admin");
    ck_assert_uint_eq(p.roles, ORDO_ROLE_ADMIN);
    ck_assert_str_eq(sql1("SELECT prefix FROM api_key", NULL), "a co");

    ck_assert_int_eq(ordo_identity_bootstrap(db, configured, data_dir, &b, &err), ORDO_OK);
    ck_assert(!b.created && !b.key_added);

    /* An admin exists: a new admin_key is added to the user admin, once. */
    ck_assert_int_eq(ordo_identity_bootstrap(db, second, data_dir, &b, &err), ORDO_OK);
    ck_assert(!b.created);
    ck_assert(b.key_added);
    ck_assert_str_eq(auth_ok(second).login, "admin");
    ck_assert_int_eq(ordo_identity_bootstrap(db, second, data_dir, &b, &err), ORDO_OK);
    ck_assert(!b.key_added);

    /* A revoked admin_key is not brought back while an admin exists. */
    keys = strtoll(sql1("SELECT max(key) FROM api_key", NULL), NULL, 10);
    ck_assert_int_eq(ordo_identity_key_revoke(db, keys, NULL, &err), ORDO_OK);
    ck_assert_int_eq(ordo_identity_bootstrap(db, second, data_dir, &b, &err), ORDO_OK);
    ck_assert(!b.key_added);
    auth_refused(second);
    ck_assert_str_eq(sql1("SELECT count(*) FROM api_key", NULL), "2");
}
END_TEST

START_TEST(a_short_admin_key_is_refused)
{
    struct ordo_err err = {0};
    struct ordo_identity_bootstrap b;

    ck_assert_int_eq(ordo_identity_bootstrap(db, "only 23 characters long", data_dir, &b, &err),
                     ORDO_E_UNPROCESSABLE);
    ck_assert_ptr_null(strstr(err.msg, "only 23"));
    ck_assert_str_eq(sql1("SELECT count(*) FROM app_user", NULL), "0");
}
END_TEST

struct race {
    const char *conninfo;
    const char *dir;
    enum ordo_code rc;
    bool created;
};

static void *bootstrap_thread(void *arg)
{
    struct race *r = arg;
    struct ordo_err err = {0};
    struct ordo_identity_bootstrap b;
    PGconn *conn = NULL;

    r->rc = ordo_pg_connect(r->conninfo, &conn, &err);
    if (r->rc == ORDO_OK) {
        r->rc = ordo_identity_bootstrap(conn, NULL, r->dir, &b, &err);
        r->created = b.created;
    }
    PQfinish(conn);
    return NULL;
}

START_TEST(nodes_starting_together_make_one_admin)
{
    struct race r[4];
    pthread_t t[4];
    int created = 0;

    for (int i = 0; i < 4; i++) {
        r[i] = (struct race){.conninfo = pgtest_conninfo(dbname, PGTEST_APP), .dir = data_dir};
        ck_assert_int_eq(pthread_create(&t[i], NULL, bootstrap_thread, &r[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(pthread_join(t[i], NULL), 0);
        ck_assert_int_eq(r[i].rc, ORDO_OK);
        created += r[i].created;
    }
    ck_assert_int_eq(created, 1);
    ck_assert_str_eq(sql1("SELECT count(*) FROM app_user", NULL), "1");
    ck_assert_str_eq(sql1("SELECT count(*) FROM api_key", NULL), "1");
}
END_TEST

/* ---- audit ---------------------------------------------------------------------------------- */

START_TEST(every_change_writes_one_audit_row_without_secrets)
{
    struct ordo_err err = {0};
    int64_t alice = user("alice", "correct horse"), ops = 0;
    struct ordo_key_created k;
    char *token = NULL, *csrf = NULL;
    struct ordo_principal p;
    char want[128];

    ck_assert_int_eq(audit_count("user.created"), 1);
    grant(alice, ORDO_ROLE_VIEWER | ORDO_ROLE_DESIGNER);
    grant(alice, ORDO_ROLE_VIEWER); /* held already: no change, no row */
    ck_assert_int_eq(audit_count("role.granted"), 1);
    (void)snprintf(want, sizeof want, "{\"roles\":[\"designer\",\"viewer\"],\"user\":\"%s\"}",
                   key_text(alice));
    ck_assert_str_eq(sql1("SELECT payload FROM audit WHERE action = 'role.granted'", NULL), want);
    k = make_key(alice, ORDO_ROLE_VIEWER);
    ck_assert_int_eq(audit_count("key.created"), 1);
    ck_assert_str_eq(
        sql1("SELECT payload::json->>'prefix' FROM audit WHERE action = 'key.created'", NULL),
        k.prefix);
    ck_assert_int_eq(ordo_identity_key_revoke(db, k.key, "user:alice", &err), ORDO_OK);
    ck_assert_int_eq(audit_count("key.revoked"), 1);
    ck_assert_str_eq(sql1("SELECT actor FROM audit WHERE action = 'key.revoked'", NULL),
                     "user:alice");
    ck_assert_int_eq(ordo_identity_group_create(db, "ops", NULL, &ops, &err), ORDO_OK);
    ck_assert_int_eq(ordo_identity_group_add_member(db, ops, alice, NULL, &err), ORDO_OK);
    ck_assert_int_eq(
        ordo_identity_role_revoke(db, ORDO_GRANTEE_USER, alice, ORDO_ROLE_DESIGNER, NULL, &err),
        ORDO_OK);
    ck_assert_int_eq(ordo_identity_user_set_password(db, alice, "battery staple", NULL, &err),
                     ORDO_OK);
    ck_assert_int_eq(ordo_identity_user_set_disabled(db, alice, true, NULL, &err), ORDO_OK);
    ck_assert_int_eq(audit_count("group.created"), 1);
    ck_assert_int_eq(audit_count("group.member_added"), 1);
    ck_assert_int_eq(audit_count("role.revoked"), 1);
    ck_assert_int_eq(audit_count("user.password_set"), 1);
    ck_assert_int_eq(audit_count("user.disabled"), 1);
    ck_assert_str_eq(sql1("SELECT actor FROM audit WHERE action = 'user.disabled'", NULL),
                     "system");
    ck_assert_int_eq(ordo_identity_user_set_disabled(db, alice, false, NULL, &err), ORDO_OK);
    ck_assert_int_eq(
        ordo_identity_login(db, "alice", "battery staple", arena, &p, &token, &csrf, &err),
        ORDO_OK);
    ck_assert_int_eq(audit_count("session.created"), 1);

    /* A failed change writes nothing. */
    ck_assert_int_eq(ordo_identity_group_create(db, "ops", NULL, &ops, &err), ORDO_E_CONFLICT);
    ck_assert_int_eq(audit_count("group.created"), 1);

    /* No secret reaches the audit. */
    ck_assert_str_eq(
        sql1("SELECT count(*) FROM audit WHERE payload LIKE '%' || $1 || '%'", k.token), "0");
    ck_assert_str_eq(sql1("SELECT count(*) FROM audit WHERE payload LIKE '%horse%' "
                          "OR payload LIKE '%staple%' OR payload LIKE '%argon2%'",
                          NULL),
                     "0");
    ck_assert_str_eq(sql1("SELECT count(*) FROM audit WHERE payload LIKE '%' || $1 || '%'", token),
                     "0");
    ck_assert_str_eq(sql1("SELECT bool_and(time_ms > 0) FROM audit", NULL), "t");
}
END_TEST

/* ---- the cache ------------------------------------------------------------------------------ */

START_TEST(the_cache_serves_the_principal_until_invalidated_or_expired)
{
    struct ordo_err err = {0};
    struct ordo_identity_cache *cache = ordo_identity_cache_new(0);
    struct ordo_identity_cache *brief = ordo_identity_cache_new(100);
    int64_t alice = user("alice", NULL), ops = 0;
    struct ordo_key_created k;
    struct ordo_principal p, q;
    struct timespec pause = {.tv_nsec = 150 * 1000000L};

    grant(alice, ORDO_ROLE_OPERATOR);
    ck_assert_int_eq(ordo_identity_group_create(db, "ops", NULL, &ops, &err), ORDO_OK);
    ck_assert_int_eq(ordo_identity_group_add_member(db, ops, alice, NULL, &err), ORDO_OK);
    k = make_key(alice, ORDO_ROLE_OPERATOR);
    ck_assert(!ordo_identity_cache_get(cache, k.token, arena, &p));
    ck_assert_int_eq(ordo_identity_cache_authenticate_key(cache, db, k.token, arena, &p, &err),
                     ORDO_OK);
    ck_assert(ordo_identity_cache_get(cache, k.token, arena, &q));
    ck_assert_int_eq(q.user_key, p.user_key);
    ck_assert_int_eq(q.api_key, k.key);
    ck_assert_uint_eq(q.roles, ORDO_ROLE_OPERATOR);
    ck_assert_str_eq(q.login, "alice");
    ck_assert_str_eq(q.email, "alice@example.com");
    ck_assert_uint_eq(q.ngroups, 1);
    ck_assert_str_eq(q.groups[0], "ops");
    ck_assert_ptr_ne(q.login, p.login); /* a copy */

    /* Revoked: the cache still answers within its TTL (another node's
     * view), until this node invalidates it. */
    ck_assert_int_eq(ordo_identity_key_revoke(db, k.key, NULL, &err), ORDO_OK);
    ck_assert_int_eq(ordo_identity_cache_authenticate_key(cache, db, k.token, arena, &q, &err),
                     ORDO_OK);
    ordo_identity_cache_invalidate(cache);
    ck_assert_int_eq(ordo_identity_cache_authenticate_key(cache, db, k.token, arena, &q, &err),
                     ORDO_E_UNAUTHENTICATED);
    ck_assert(!ordo_identity_cache_get(cache, k.token, arena, &q)); /* failures are not cached */

    /* A short TTL: the entry ends by itself. */
    ordo_identity_cache_put(brief, k.token, &p);
    ck_assert(ordo_identity_cache_get(brief, k.token, arena, &q));
    nanosleep(&pause, NULL);
    ck_assert(!ordo_identity_cache_get(brief, k.token, arena, &q));
    ordo_identity_cache_free(brief);
    ordo_identity_cache_free(cache);
    ordo_identity_cache_free(NULL);
}
END_TEST

static Suite *identity_suite(void)
{
    Suite *s = suite_create("identity");
    TCase *tc = tcase_create("pg");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, users_are_created_listed_and_found);
    tcase_add_test(tc, duplicates_are_conflicts_whatever_their_case);
    tcase_add_test(tc, bad_logins_emails_passwords_and_roles_are_unprocessable);
    tcase_add_test(tc, roles_round_trip_through_json);
    tcase_add_test(tc, group_roles_count_for_members_and_their_keys);
    tcase_add_test(tc, a_key_authenticates_with_its_scopes_within_the_users_roles);
    tcase_add_test(tc, revoked_expired_and_disabled_users_keys_are_refused);
    tcase_add_test(tc, scopes_beyond_the_users_roles_are_refused_unless_admin);
    tcase_add_test(tc, basic_auth_needs_the_keys_owner);
    tcase_add_test(tc, password_login_accepts_the_password_and_nothing_else);
    tcase_add_test(tc, a_session_authenticates_until_logout_or_a_new_password);
    tcase_add_test(tc, bootstrap_without_admin_key_writes_a_private_key_file_once);
    tcase_add_test(tc, bootstrap_replaces_a_stale_key_file_with_mode_0600);
    tcase_add_test(tc, bootstrap_with_admin_key_stores_it_as_the_admins_key);
    tcase_add_test(tc, a_short_admin_key_is_refused);
    tcase_add_test(tc, nodes_starting_together_make_one_admin);
    tcase_add_test(tc, every_change_writes_one_audit_row_without_secrets);
    tcase_add_test(tc, the_cache_serves_the_principal_until_invalidated_or_expired);
    suite_add_tcase(s, tc);
    return s;
}

PGTEST_CHECK_MAIN(identity_suite)
