/*
 * tests/integration/test_credential: connector credentials encrypted at
 * rest (core/credential.h, base/vault.h) in a real PostgreSQL, through a
 * connection as the application role, so that the grants of migration
 * 0006 are tested too. Checks of rows are made as the schema owner.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "base/crypto.h"
#include "base/pg.h"
#include "base/vault.h"
#include "core/credential.h"
#include "tests/integration/pgtest.h"

#define KEY1 "8f3a1c5e7b9d2f4061a3c5e7092b4d6f8a1c3e5f7092b4d6f81a3c5e7092b4d6"
#define KEY2 "00112233445566778899aabbccddeeff0123456789abcdef0011223344556677"

#define ACME_TOKEN "tok-ACME-7f1d2c9b44e0"
#define BETA_TOKEN "tok-BETA-3a8e6b1c90d2"

static char *dbname;
static PGconn *db; /* as the application role */
static struct ordo_vault *vault;
static struct ordo_err err;

static void setup(void)
{
    ordo_err_clear(&err);
    ck_assert_int_eq(ordo_crypto_init(&err), ORDO_OK);
    dbname = pgtest_db_create("credential");
    ck_assert_msg(ordo_pg_connect(pgtest_conninfo(dbname, PGTEST_APP), &db, &err) == ORDO_OK, "%s",
                  err.msg);
    ck_assert_int_eq(ordo_vault_open(KEY1, "", false, &vault, &err), ORDO_OK);
}

static void teardown(void)
{
    ordo_vault_free(vault);
    PQfinish(db);
    pgtest_db_drop(dbname);
    free(dbname);
}

/* ---- helpers -------------------------------------------------------------------------------- */

/* The first column of the first row of 'sql' (one optional parameter) as
 * the owner: "" for no row, "NULL" for SQL NULL. A static buffer. */
static const char *sql1(const char *sql, const char *param)
{
    static char value[16384];
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

static int64_t sql_int(const char *sql, const char *param)
{
    return strtoll(sql1(sql, param), NULL, 10);
}

static json_t *parse(const char *text)
{
    json_error_t jerr;
    json_t *v = json_loads(text, JSON_ALLOW_NUL, &jerr);

    ck_assert_msg(v != NULL, "%s: %s", text, jerr.text);
    return v;
}

/* Set connector/name with config and secret given as JSON text; the id. */
static int64_t set_as(const struct ordo_vault *v, const char *connector, const char *name,
                      const char *config, const char *secret, bool *created)
{
    json_t *c = parse(config), *s = parse(secret);
    struct ordo_credential_input in = {connector, name, c, s, 0};
    int64_t id = 0;

    ordo_err_clear(&err);
    ck_assert_msg(ordo_credential_set(db, v, &in, "user:alice", &id, created, &err) == ORDO_OK,
                  "%s", err.msg);
    ck_assert_int_gt(id, 0);
    json_decref(c);
    json_decref(s);
    return id;
}

static int64_t set(const char *connector, const char *name, const char *config, const char *secret)
{
    return set_as(vault, connector, name, config, secret, NULL);
}

/* The refusal of a set with these JSON texts (NULL: none). */
static enum ordo_code set_refused(const char *connector, const char *name, const char *config,
                                  const char *secret)
{
    json_t *c = config ? parse(config) : NULL, *s = secret ? parse(secret) : NULL;
    struct ordo_credential_input in = {connector, name, c, s, 0};
    enum ordo_code rc;

    ordo_err_clear(&err);
    rc = ordo_credential_set(db, vault, &in, NULL, NULL, NULL, &err);
    ck_assert_int_ne(rc, ORDO_OK);
    json_decref(c);
    json_decref(s);
    return rc;
}

/* The secret field 'field' of connector/name as decrypted with 'v'. */
static const char *secret_of(const struct ordo_vault *v, const char *connector, const char *name,
                             const char *field)
{
    static char value[256];
    struct ordo_credential cred = {0};

    ordo_err_clear(&err);
    ck_assert_msg(ordo_credential_get(db, v, connector, name, &cred, &err) == ORDO_OK, "%s",
                  err.msg);
    (void)snprintf(value, sizeof value, "%s",
                   json_string_value(json_object_get(cred.secret, field)));
    ordo_credential_cleanup(&cred);
    return value;
}

static char *list_text(const char *connector)
{
    json_t *list = NULL;
    char *text;

    ck_assert_msg(ordo_credential_list(db, connector, &list, &err) == ORDO_OK, "%s", err.msg);
    text = json_dumps(list, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(list);
    return text;
}

/* ---- tests ---------------------------------------------------------------------------------- */

START_TEST(a_credential_round_trips_through_the_database)
{
    struct ordo_credential cred = {0};
    bool created = false;
    int64_t id =
        set_as(vault, "jira", "acme", "{\"url\":\"https://acme.atlassian.net\"}",
               "{\"api_token\":\"" ACME_TOKEN "\",\"email\":\"bot@acme.example\"}", &created);

    ck_assert(created);
    ck_assert_int_eq(ordo_credential_get(db, vault, "jira", "acme", &cred, &err), ORDO_OK);
    ck_assert_int_eq(cred.id, id);
    ck_assert_str_eq(json_string_value(json_object_get(cred.config, "url")),
                     "https://acme.atlassian.net");
    ck_assert_uint_eq(json_object_size(cred.secret), 2);
    ck_assert_str_eq(json_string_value(json_object_get(cred.secret, "api_token")), ACME_TOKEN);
    ck_assert_str_eq(json_string_value(json_object_get(cred.secret, "email")), "bot@acme.example");
    ordo_credential_cleanup(&cred);
    ck_assert_ptr_null(cred.secret);
    ordo_credential_cleanup(&cred); /* a zeroed struct is a no-op */

    /* Stored as the migration says: the vault's key id, a 24-byte nonce, field names in clear. */
    ck_assert_str_eq(sql1("SELECT key_id FROM credential", NULL), ordo_vault_current_id(vault));
    ck_assert_int_eq(sql_int("SELECT length(nonce) FROM credential", NULL), ORDO_VAULT_NONCE_SIZE);
    ck_assert_str_eq(sql1("SELECT secret_fields::text FROM credential", NULL), "{api_token,email}");
    ck_assert_str_eq(sql1("SELECT updated_by FROM credential", NULL), "user:alice");
}
END_TEST

START_TEST(setting_again_replaces_and_keeps_the_id)
{
    struct ordo_credential cred = {0};
    bool created = true;
    int64_t id = set("jira", "acme", "{\"url\":\"https://old.example\"}",
                     "{\"api_token\":\"" ACME_TOKEN "\"}");
    int64_t again = set_as(vault, "jira", "acme", "{\"url\":\"https://new.example\"}",
                           "{\"password\":\"hunter2-new\"}", &created);

    ck_assert_int_eq(again, id);
    ck_assert(!created);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM credential", NULL), 1);
    ck_assert_int_eq(ordo_credential_get(db, vault, "jira", "acme", &cred, &err), ORDO_OK);
    ck_assert_str_eq(json_string_value(json_object_get(cred.config, "url")), "https://new.example");
    ck_assert_ptr_null(json_object_get(cred.secret, "api_token"));
    ck_assert_str_eq(json_string_value(json_object_get(cred.secret, "password")), "hunter2-new");
    ordo_credential_cleanup(&cred);
    ck_assert_str_eq(sql1("SELECT secret_fields::text FROM credential", NULL), "{password}");
}
END_TEST

START_TEST(two_credentials_of_one_connector_live_side_by_side)
{
    int64_t acme = set("jira", "acme", "{\"url\":\"https://acme.atlassian.net\"}",
                       "{\"api_token\":\"" ACME_TOKEN "\"}");
    int64_t beta = set("jira", "beta", "{\"url\":\"https://beta.atlassian.net\"}",
                       "{\"api_token\":\"" BETA_TOKEN "\"}");
    int64_t slack = set("slack", "acme", "{}", "{\"bot_token\":\"xoxb-1\"}");

    ck_assert_int_ne(acme, beta);
    ck_assert_int_ne(acme, slack);
    ck_assert_str_eq(secret_of(vault, "jira", "acme", "api_token"), ACME_TOKEN);
    ck_assert_str_eq(secret_of(vault, "jira", "beta", "api_token"), BETA_TOKEN);
    ck_assert_str_eq(secret_of(vault, "slack", "acme", "bot_token"), "xoxb-1");
}
END_TEST

START_TEST(lists_and_stored_rows_never_hold_a_secret_value)
{
    json_t *list = NULL, *item;
    char *text;

    set("jira", "acme", "{\"url\":\"https://acme.atlassian.net\"}",
        "{\"api_token\":\"" ACME_TOKEN "\"}");
    set("jira", "beta", "{}", "{\"api_token\":\"" BETA_TOKEN "\"}");
    set("slack", "ops", "{}", "{\"bot_token\":\"xoxb-secret-ops\"}");

    text = list_text(NULL);
    ck_assert_ptr_null(strstr(text, ACME_TOKEN));
    ck_assert_ptr_null(strstr(text, BETA_TOKEN));
    ck_assert_ptr_null(strstr(text, "xoxb-secret-ops"));
    free(text);

    ck_assert_int_eq(ordo_credential_list(db, "jira", &list, &err), ORDO_OK);
    ck_assert_uint_eq(json_array_size(list), 2);
    item = json_array_get(list, 0);
    ck_assert_str_eq(json_string_value(json_object_get(item, "connector")), "jira");
    ck_assert_str_eq(json_string_value(json_object_get(item, "name")), "acme");
    ck_assert(json_is_string(json_object_get(item, "id")));
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(item, "config"), "url")),
                     "https://acme.atlassian.net");
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(item, "secretFields"), 0)),
                     "api_token");
    ck_assert_str_eq(json_string_value(json_object_get(item, "keyId")),
                     ordo_vault_current_id(vault));
    ck_assert_str_eq(json_string_value(json_object_get(item, "updatedBy")), "user:alice");
    ck_assert_uint_eq(strlen(json_string_value(json_object_get(item, "updatedAt"))), 24);
    json_decref(list);
    ck_assert_int_eq(ordo_credential_list(db, "none", &list, &err), ORDO_OK);
    ck_assert_uint_eq(json_array_size(list), 0);
    json_decref(list);

    /* The stored bytes hold no plaintext, in any column. */
    ck_assert_str_eq(sql1("SELECT count(*) FROM credential WHERE position(convert_to($1, 'UTF8') "
                          "IN secret) > 0",
                          ACME_TOKEN),
                     "0");
    ck_assert_str_eq(
        sql1("SELECT count(*) FROM credential c WHERE strpos(c::text, $1) > 0", ACME_TOKEN), "0");
    ck_assert_ptr_null(
        strstr(sql1("SELECT string_agg(encode(secret, 'escape'), ' ') FROM credential", NULL),
               ACME_TOKEN));
}
END_TEST

START_TEST(audit_rows_name_the_secret_fields_never_their_values)
{
    const char *payloads;

    set("jira", "acme", "{\"url\":\"https://acme.atlassian.net\"}",
        "{\"api_token\":\"" ACME_TOKEN "\"}");
    set("jira", "acme", "{}", "{\"api_token\":\"" BETA_TOKEN "\"}");
    ck_assert_int_eq(ordo_credential_delete(db, "jira", "acme", "user:bob", &err), ORDO_OK);

    ck_assert_str_eq(
        sql1("SELECT string_agg(action || ' ' || actor, ',' ORDER BY seq) FROM audit", NULL),
        "credential.set user:alice,credential.set user:alice,credential.delete "
        "user:bob");
    payloads = sql1("SELECT string_agg(payload, E'\\n' ORDER BY seq) FROM audit", NULL);
    ck_assert_ptr_null(strstr(payloads, ACME_TOKEN));
    ck_assert_ptr_null(strstr(payloads, BETA_TOKEN));
    ck_assert_ptr_nonnull(strstr(payloads, "\"secret_fields\":[\"api_token\"]"));
    ck_assert_ptr_nonnull(strstr(payloads, "\"config\":{\"url\":\"https://acme.atlassian.net\"}"));
    ck_assert_ptr_nonnull(strstr(payloads, "\"created\":true"));
    ck_assert_ptr_nonnull(strstr(payloads, "\"created\":false"));
    ck_assert_str_eq(sql1("SELECT payload::json->>'name' FROM audit WHERE action = "
                          "'credential.delete'",
                          NULL),
                     "acme");
}
END_TEST

START_TEST(a_ciphertext_moved_to_another_row_does_not_decrypt)
{
    struct ordo_credential cred = {0};

    set("jira", "acme", "{}", "{\"api_token\":\"" ACME_TOKEN "\"}");
    set("jira", "beta", "{}", "{\"api_token\":\"" BETA_TOKEN "\"}");
    /* Someone with write access to the database swaps the two boxes. */
    sql1("UPDATE credential a SET nonce = b.nonce, secret = b.secret FROM credential b "
         "WHERE a.id <> b.id",
         NULL);
    ck_assert_int_eq(ordo_credential_get(db, vault, "jira", "acme", &cred, &err), ORDO_E_INTERNAL);
    ck_assert_str_eq(err.msg, "could not decrypt credential \"jira/acme\": wrong master key or "
                              "damaged data");
    ck_assert_ptr_null(cred.secret);
    ordo_err_clear(&err);
    ck_assert_int_eq(ordo_credential_get(db, vault, "jira", "beta", &cred, &err), ORDO_E_INTERNAL);

    /* So does a changed byte. */
    set("jira", "gamma", "{}", "{\"api_token\":\"x\"}");
    sql1("UPDATE credential SET secret = overlay(secret PLACING '\\x00'::bytea FROM 3) "
         "WHERE name = 'gamma'",
         NULL);
    ordo_err_clear(&err);
    ck_assert_int_eq(ordo_credential_get(db, vault, "jira", "gamma", &cred, &err), ORDO_E_INTERNAL);
}
END_TEST

START_TEST(rotation_moves_every_row_to_the_new_key)
{
    struct ordo_vault *next = NULL, *only_new = NULL;
    int64_t count = -1;
    char key1_id[ORDO_VAULT_KEY_ID_SIZE];

    (void)snprintf(key1_id, sizeof key1_id, "%s", ordo_vault_current_id(vault));
    set("jira", "acme", "{}", "{\"api_token\":\"" ACME_TOKEN "\"}");
    set("jira", "beta", "{}", "{\"api_token\":\"" BETA_TOKEN "\"}");
    set("slack", "ops", "{}", "{\"bot_token\":\"xoxb-1\"}");

    /* The new key without the old one cannot rotate: nothing changes. */
    ck_assert_int_eq(ordo_vault_open(KEY2, "", false, &only_new, &err), ORDO_OK);
    ck_assert_int_eq(ordo_credential_rotate(db, only_new, NULL, &count, &err), ORDO_E_INTERNAL);
    ck_assert_int_eq(count, 0);
    ck_assert_ptr_nonnull(strstr(err.msg, "neither master_key"));
    ck_assert_str_eq(sql1("SELECT count(*) FROM credential WHERE key_id = $1", key1_id), "3");

    /* master_key is the new key, master_key_old the old one. */
    ordo_err_clear(&err);
    ck_assert_int_eq(ordo_vault_open(KEY2, "", false, &next, &err), ORDO_OK);
    ck_assert_int_eq(ordo_vault_add_old(next, KEY1, &err), ORDO_OK);
    set_as(next, "jira", "new", "{}", "{\"api_token\":\"fresh\"}", NULL); /* on the new key */
    ck_assert_int_eq(ordo_credential_rotate(db, next, "user:admin", &count, &err), ORDO_OK);
    ck_assert_int_eq(count, 3);
    ck_assert_str_eq(
        sql1("SELECT count(*) FROM credential WHERE key_id = $1", ordo_vault_current_id(next)),
        "4");
    ck_assert_str_eq(sql1("SELECT payload::json->>'key_id' FROM audit WHERE action = "
                          "'credential.rotate'",
                          NULL),
                     ordo_vault_current_id(next));
    ck_assert_str_eq(sql1("SELECT payload::json->>'count' FROM audit WHERE action = "
                          "'credential.rotate'",
                          NULL),
                     "3");
    ck_assert_str_eq(sql1("SELECT payload::json->'from'->>0 FROM audit WHERE action = "
                          "'credential.rotate'",
                          NULL),
                     key1_id);

    /* They still decrypt, now with the new key alone. */
    ck_assert_str_eq(secret_of(only_new, "jira", "acme", "api_token"), ACME_TOKEN);
    ck_assert_str_eq(secret_of(only_new, "jira", "beta", "api_token"), BETA_TOKEN);
    ck_assert_str_eq(secret_of(only_new, "slack", "ops", "bot_token"), "xoxb-1");
    ck_assert_str_eq(secret_of(only_new, "jira", "new", "api_token"), "fresh");

    /* Nothing left to do: no change, no audit row. */
    ck_assert_int_eq(ordo_credential_rotate(db, next, "user:admin", &count, &err), ORDO_OK);
    ck_assert_int_eq(count, 0);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM audit WHERE action = 'credential.rotate'", NULL),
                     1);
    ordo_vault_free(only_new);
    ordo_vault_free(next);
}
END_TEST

START_TEST(a_deleted_credential_is_not_found)
{
    struct ordo_credential cred = {0};
    int64_t id = set("jira", "acme", "{}", "{\"api_token\":\"" ACME_TOKEN "\"}");
    char id_text[24];

    /* Its throttle row goes with it. */
    (void)snprintf(id_text, sizeof id_text, "%lld", (long long)id);
    ck_assert_int_eq(ordo_pg_run(db, "throttle",
                                 "INSERT INTO connector_throttle (credential_id, tokens, "
                                 "refilled_at) VALUES ($1, 10, now())",
                                 1, (const char *[]){id_text}, &err),
                     ORDO_OK);
    ck_assert_int_eq(ordo_credential_delete(db, "jira", "acme", NULL, &err), ORDO_OK);
    ck_assert_str_eq(sql1("SELECT count(*) FROM connector_throttle", NULL), "0");
    ck_assert_str_eq(sql1("SELECT actor FROM audit WHERE action = 'credential.delete'", NULL),
                     "system");

    ck_assert_int_eq(ordo_credential_get(db, vault, "jira", "acme", &cred, &err), ORDO_E_NOTFOUND);
    ck_assert_str_eq(err.msg, "no credential \"jira/acme\"");
    ordo_err_clear(&err);
    ck_assert_int_eq(ordo_credential_delete(db, "jira", "acme", NULL, &err), ORDO_E_NOTFOUND);
    ck_assert_str_eq(err.msg, "no credential \"jira/acme\"");
    ck_assert_int_eq(sql_int("SELECT count(*) FROM audit WHERE action = 'credential.delete'", NULL),
                     1);
}
END_TEST

START_TEST(malformed_credentials_are_refused_and_change_nothing)
{
    struct ordo_credential cred = {0};
    char *big = malloc(ORDO_CREDENTIAL_JSON_MAX + 64);

    ck_assert_int_eq(set_refused("Jira", "acme", "{}", "{}"), ORDO_E_UNPROCESSABLE);
    ck_assert_int_eq(set_refused("jira", "", "{}", "{}"), ORDO_E_UNPROCESSABLE);
    ck_assert_int_eq(set_refused("jira", "-acme", "{}", "{}"), ORDO_E_UNPROCESSABLE);
    ck_assert_int_eq(set_refused("jira", "ac me", "{}", "{}"), ORDO_E_UNPROCESSABLE);
    ck_assert_ptr_null(strstr(err.msg, "ac me")); /* a bad name is not repeated */
    ck_assert_int_eq(set_refused(NULL, "acme", "{}", "{}"), ORDO_E_UNPROCESSABLE);
    ck_assert_int_eq(set_refused("jira", "acme", "[]", "{}"), ORDO_E_UNPROCESSABLE);
    ck_assert_int_eq(set_refused("jira", "acme", "{}", "[\"tok\"]"), ORDO_E_UNPROCESSABLE);
    ck_assert_int_eq(set_refused("jira", "acme", "{}", "{\"n\":42}"), ORDO_E_UNPROCESSABLE);
    ck_assert_int_eq(set_refused("jira", "acme", "{}", "{\"bad name\":\"v\"}"),
                     ORDO_E_UNPROCESSABLE);
    ck_assert_int_eq(set_refused("jira", "acme", "{}", "{\"t\":\"a\\u0000b\"}"),
                     ORDO_E_UNPROCESSABLE);
    ck_assert_int_eq(set_refused("jira", "acme", "{\"v\":\"a\\u0000b\"}", "{}"),
                     ORDO_E_UNPROCESSABLE);
    ck_assert_int_eq(set_refused("jira", "acme", "{\"token\":\"x\"}", "{\"token\":\"s3cret\"}"),
                     ORDO_E_UNPROCESSABLE);
    ck_assert_str_eq(err.msg, "field \"token\" is in both the config and the secret");

    (void)snprintf(big, ORDO_CREDENTIAL_JSON_MAX + 64, "{\"t\":\"%0*d\"}",
                   (int)ORDO_CREDENTIAL_JSON_MAX, 7);
    ck_assert_int_eq(set_refused("jira", "acme", "{}", big), ORDO_E_TOOBIG);
    ck_assert_int_eq(set_refused("jira", "acme", big, "{}"), ORDO_E_TOOBIG);
    free(big);

    ck_assert_str_eq(sql1("SELECT count(*) FROM credential", NULL), "0");
    ck_assert_str_eq(sql1("SELECT count(*) FROM audit", NULL), "0");

    /* NULL config and secret are empty objects. */
    ck_assert_int_eq(
        ordo_credential_set(db, vault,
                            &(struct ordo_credential_input){"noop", "default", NULL, NULL, 0}, NULL,
                            NULL, NULL, &err),
        ORDO_OK);
    ck_assert_int_eq(ordo_credential_get(db, vault, "noop", "default", &cred, &err), ORDO_OK);
    ck_assert_uint_eq(json_object_size(cred.config), 0);
    ck_assert_uint_eq(json_object_size(cred.secret), 0);
    ordo_credential_cleanup(&cred);
}
END_TEST

START_TEST(a_job_carries_its_credential_name)
{
    ck_assert_int_eq(
        ordo_pg_run(db, "job column", "SELECT credential FROM job LIMIT 0", 0, NULL, &err),
        ORDO_OK);
}
END_TEST

static Suite *credential_suite(void)
{
    Suite *s = suite_create("credential");
    TCase *tc = tcase_create("pg");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, a_credential_round_trips_through_the_database);
    tcase_add_test(tc, setting_again_replaces_and_keeps_the_id);
    tcase_add_test(tc, two_credentials_of_one_connector_live_side_by_side);
    tcase_add_test(tc, lists_and_stored_rows_never_hold_a_secret_value);
    tcase_add_test(tc, audit_rows_name_the_secret_fields_never_their_values);
    tcase_add_test(tc, a_ciphertext_moved_to_another_row_does_not_decrypt);
    tcase_add_test(tc, rotation_moves_every_row_to_the_new_key);
    tcase_add_test(tc, a_deleted_credential_is_not_found);
    tcase_add_test(tc, malformed_credentials_are_refused_and_change_nothing);
    tcase_add_test(tc, a_job_carries_its_credential_name);
    suite_add_tcase(s, tc);
    return s;
}

PGTEST_CHECK_MAIN(credential_suite)
