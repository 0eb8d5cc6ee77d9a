/*
 * tests/integration/test_http_credentials.c - the connector catalogue and
 * the credential routes (server/api_connector.c, docs/api.md "Connectors
 * and credentials") against a real `ordo serve` with the plugins of the
 * build (bin/../lib/ordo/connectors: bamboohr, github, http, jira, noop,
 * slack).
 *
 * The promise under test is that a secret is write-only: once PUT, no
 * answer of any route, no audit row, no column of the credential table in
 * clear, and no line of the server's log holds it. To look at the log,
 * the server's stderr (inherited from this process: httptest_start passes
 * it on) goes to a file while the server runs; the file is copied to our
 * stderr afterwards so that nothing it says is lost. httptest starts the
 * server with log_level warn, so the lines looked at are the warnings and
 * errors: among them "request failed" with the precise reason of a 503.
 *
 * A credential test that cannot reach its service uses a loopback port
 * nothing listens on, allowed by http_allow and http_scheme; a service
 * that answers is the sandbox's business (tests/integration/test_sandbox.c).
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <check.h>

#include "tests/integration/httptest.h"
#include "tests/integration/pgtest.h"

#define ADMIN_KEY   HTTPTEST_ADMIN_KEY
#define SECRET_ACME "SECRET-acme-123"
#define SECRET_BETA "SECRET-beta-456"
/* What both secrets start with: found anywhere, one of them leaked. */
#define SECRET_MARK "SECRET-"

static struct httptest srv;

/* ---- the server's log ------------------------------------------------------------------------ */

static char log_path[64];
static int saved_stderr = -1;

/* Start the server with its stderr in a file of ours. */
static void start_logged(const char *prefix, const char *const *env)
{
    int fd;

    (void)snprintf(log_path, sizeof log_path, "/tmp/ordo-credlog.XXXXXX");
    fd = mkstemp(log_path);
    ck_assert_int_ge(fd, 0);
    (void)fflush(stderr);
    saved_stderr = dup(STDERR_FILENO);
    ck_assert_int_ge(saved_stderr, 0);
    ck_assert_int_ge(dup2(fd, STDERR_FILENO), 0);
    (void)close(fd);
    httptest_start(&srv, prefix, env);
}

/* Stop the server and give our stderr back; the log, malloc'ed, also
 * copied to stderr. */
static char *stop_logged(void)
{
    FILE *f;
    char *text;
    long size;

    httptest_stop(&srv);
    (void)fflush(stderr);
    ck_assert_int_ge(dup2(saved_stderr, STDERR_FILENO), 0);
    (void)close(saved_stderr);
    saved_stderr = -1;
    f = fopen(log_path, "rb");
    ck_assert_ptr_nonnull(f);
    (void)fseek(f, 0, SEEK_END);
    size = ftell(f);
    (void)fseek(f, 0, SEEK_SET);
    text = calloc((size_t)size + 1, 1);
    ck_assert_ptr_nonnull(text);
    ck_assert_uint_eq(fread(text, 1, (size_t)size, f), (size_t)size);
    (void)fclose(f);
    (void)unlink(log_path);
    (void)fprintf(stderr, "---- the server's log ----\n%s---- end of the server's log ----\n",
                  text);
    return text;
}

/* ---- requests, all of them kept ----------------------------------------------------------------
 */

/* Every answer of the test, headers and body, to look for secrets in. */
static char *transcript;
static size_t transcript_len;

static void keep(const struct httptest_resp *r)
{
    size_t hl = strlen(r->headers);
    char *grown = realloc(transcript, transcript_len + hl + r->len + 2);

    ck_assert_ptr_nonnull(grown);
    transcript = grown;
    memcpy(transcript + transcript_len, r->headers, hl);
    transcript_len += hl;
    memcpy(transcript + transcript_len, r->body, r->len);
    transcript_len += r->len;
    transcript[transcript_len++] = '\n';
    transcript[transcript_len] = '\0';
}

/* 'method' 'path' as 'key' with a JSON body (or none), answered with
 * 'status'. Returns the answer's JSON (a new reference, or NULL). */
static json_t *call(const char *method, const char *path, const char *key, const char *json,
                    long status)
{
    struct httptest_resp r;
    json_t *out;

    httptest_json(&srv, method, path, key, json, &r);
    keep(&r);
    ck_assert_msg(r.status == status, "%s %s %s: %ld, not %ld (%s)", method, path, json ? json : "",
                  r.status, status, r.body);
    out = json_incref(r.json);
    httptest_resp_free(&r);
    return out;
}

/* A refusal: 'status' with the error code 'code' and a message that
 * contains 'names' (unless NULL). */
static void refused(const char *method, const char *path, const char *key, const char *json,
                    long status, const char *code, const char *names)
{
    json_t *doc = call(method, path, key, json, status);
    json_t *error = json_object_get(doc, "error");
    const char *message = json_string_value(json_object_get(error, "message"));

    ck_assert_msg(message != NULL, "%s %s: no error message", method, path);
    ck_assert_str_eq(json_string_value(json_object_get(error, "code")), code);
    if (names) {
        ck_assert_msg(strstr(message, names) != NULL, "%s %s: the message does not name %s: %s",
                      method, path, names, message);
    }
    json_decref(doc);
}

/* ---- the database, as its owner ------------------------------------------------------------- */

/* The one value of 'sql' with one parameter (may be NULL), malloc'ed. */
static char *db_text(const char *sql, const char *param)
{
    PGconn *db = httptest_db(&srv);
    const char *params[1] = {param};
    PGresult *res = PQexecParams(db, sql, param ? 1 : 0, NULL, params, NULL, NULL, 0);
    char *out;

    ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(db));
    ck_assert_int_eq(PQntuples(res), 1);
    out = strdup(PQgetisnull(res, 0, 0) ? "" : PQgetvalue(res, 0, 0));
    PQclear(res);
    PQfinish(db);
    return out;
}

static long credential_rows(void)
{
    return httptest_count(&srv, "SELECT count(*) FROM credential");
}

/* ---- helpers of the tests ------------------------------------------------------------------- */

/* A user with only the designer role and an API key scoped to it; the key, malloc'ed. */
static char *designer_key(void)
{
    json_t *doc;
    char *token;

    json_decref(call("POST", "/api/users", ADMIN_KEY,
                     "{\"login\":\"dora\",\"email\":\"dora@example.com\",\"roles\":[\"designer\"]}",
                     201));
    doc = call("POST", "/api/keys", ADMIN_KEY,
               "{\"user\":\"dora\",\"name\":\"t\",\"scopes\":[\"designer\"]}", 201);
    token = strdup(json_string_value(json_object_get(doc, "token")));
    json_decref(doc);
    return token;
}

/* A loopback port nothing listens on: bound and closed again. */
static int dead_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t len = sizeof a;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int port;

    ck_assert_int_ge(s, 0);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(getsockname(s, (struct sockaddr *)&a, &len), 0);
    port = ntohs(a.sin_port);
    (void)close(s);
    return port;
}

/* The Jira credential body: config with 'base_url', the secret, and a budget when 'rate' > 0. */
static char *jira_body(int port, const char *email, const char *token, int rate)
{
    size_t size = 160 + strlen(email) + strlen(token);
    char *body = malloc(size);
    char budget[40] = "";

    ck_assert_ptr_nonnull(body);
    if (rate > 0) {
        (void)snprintf(budget, sizeof budget, ",\"ratePerMinute\":%d", rate);
    }
    (void)snprintf(body, size,
                   "{\"config\":{\"base_url\":\"http://127.0.0.1:%d\",\"email\":\"%s\"},"
                   "\"secret\":{\"api_token\":\"%s\"}%s}",
                   port, email, token, budget);
    return body;
}

/* The member 'name' of the item of 'items' whose "name" is 'item', or NULL. */
static json_t *item_named(const json_t *items, const char *item)
{
    size_t i;
    json_t *it;

    json_array_foreach(items, i, it)
    {
        const char *n = json_string_value(json_object_get(it, "name"));

        if (n && strcmp(n, item) == 0) {
            return it;
        }
    }
    return NULL;
}

/* ---- the catalogue --------------------------------------------------------------------------- */

static const char *const installed[] = {"bamboohr", "github", "http", "jira", "noop", "slack"};
#define NINSTALLED (sizeof installed / sizeof installed[0])

/* Whether 'actions' (of the catalogue) holds action 'id'. */
static bool has_action(const json_t *actions, const char *id)
{
    size_t i;
    json_t *a;

    json_array_foreach(actions, i, a)
    {
        if (strcmp(json_string_value(json_object_get(a, "id")), id) == 0) {
            return true;
        }
    }
    return false;
}

/* The catalogue's connectors are the installed ones, in name order, each with actions named
 * after it; returns how many actions there are in all. */
static size_t check_connectors(const json_t *connectors)
{
    size_t total = 0;

    ck_assert_uint_eq(json_array_size(connectors), NINSTALLED);
    for (size_t i = 0; i < NINSTALLED; i++) {
        const json_t *c = json_array_get(connectors, i);
        const json_t *actions = json_object_get(c, "actions");
        size_t j;
        json_t *a;

        ck_assert_str_eq(json_string_value(json_object_get(c, "name")), installed[i]);
        ck_assert_msg(json_array_size(actions) > 0, "connector %s has no actions", installed[i]);
        json_array_foreach(actions, j, a)
        {
            const char *id = json_string_value(json_object_get(a, "id"));

            ck_assert_msg(id && strncmp(id, installed[i], strlen(installed[i])) == 0 &&
                              id[strlen(installed[i])] == '.',
                          "action %s of connector %s", id ? id : "(none)", installed[i]);
            ck_assert_ptr_nonnull(json_object_get(a, "input_schema"));
        }
        total += json_array_size(actions);
    }
    return total;
}

/* The value of the template property bound to zeebe:taskDefinition "type", or NULL. */
static const char *template_type(const json_t *t)
{
    size_t i;
    json_t *p;

    json_array_foreach(json_object_get(t, "properties"), i, p)
    {
        const json_t *b = json_object_get(p, "binding");
        const char *type = json_string_value(json_object_get(b, "type"));
        const char *prop = json_string_value(json_object_get(b, "property"));

        if (type && prop && strcmp(type, "zeebe:taskDefinition") == 0 &&
            strcmp(prop, "type") == 0) {
            return json_string_value(json_object_get(p, "value"));
        }
    }
    return NULL;
}

START_TEST(the_catalogue_lists_the_installed_connectors_and_their_templates)
{
    json_t *cat, *one, *templates;
    const json_t *connectors;
    size_t nactions, i;
    json_t *t;

    httptest_start(&srv, "http_catalogue", NULL);
    cat = call("GET", "/api/connectors", ADMIN_KEY, NULL, 200);
    connectors = json_object_get(cat, "connectors");
    nactions = check_connectors(connectors);
    ck_assert(has_action(json_object_get(item_named(connectors, "slack"), "actions"),
                         "slack.post_message"));
    ck_assert_msg(json_is_array(json_object_get(cat, "refused")) &&
                      json_array_size(json_object_get(cat, "refused")) == 0,
                  "the server refused plugins of the build");
    ck_assert_int_eq(json_integer_value(json_object_get(cat, "catalogue_version")), 1);

    one = call("GET", "/api/connectors/slack", ADMIN_KEY, NULL, 200);
    ck_assert(json_equal(one, item_named(connectors, "slack")));
    ck_assert(json_is_object(json_object_get(one, "credential_schema")));
    json_decref(one);
    one = call("GET", "/api/connectors/noop", ADMIN_KEY, NULL, 200);
    ck_assert(json_is_null(json_object_get(one, "credential_schema")));
    json_decref(one);
    refused("GET", "/api/connectors/nosuch", ADMIN_KEY, NULL, 404, "ORDO_E_NOTFOUND", "nosuch");

    /* One template per action, in catalogue order, typed with the action id (CONTRACTS §1). */
    templates = call("GET", "/api/element-templates", ADMIN_KEY, NULL, 200);
    ck_assert(json_is_array(templates));
    ck_assert_uint_eq(json_array_size(templates), nactions);
    json_array_foreach(templates, i, t)
    {
        const char *type = template_type(t);
        const char *dot;
        char connector[64];

        ck_assert_msg(type != NULL, "template %zu has no zeebe:taskDefinition type", i);
        dot = strchr(type, '.');
        ck_assert_ptr_nonnull(dot);
        (void)snprintf(connector, sizeof connector, "%.*s", (int)(dot - type), type);
        ck_assert_msg(
            has_action(json_object_get(item_named(connectors, connector), "actions"), type),
            "template of %s, which the catalogue does not list", type);
        ck_assert_str_eq(
            json_string_value(json_object_get(json_object_get(t, "elementType"), "value")),
            "bpmn:ServiceTask");
    }
    json_decref(templates);
    json_decref(cat);
    httptest_stop(&srv);
}
END_TEST

/* ---- credentials ------------------------------------------------------------------------------
 */

/* PUT jira/acme and jira/beta: 201, then 200 when replaced, with the same id; a replacement
 * replaces the budget too. */
static void set_two(int port)
{
    char *acme = jira_body(port, "ops@acme.example", SECRET_ACME, 0);
    char *acme_budget = jira_body(port, "ops@acme.example", SECRET_ACME, 600);
    char *beta = jira_body(port, "ops@beta.example", SECRET_BETA, 30);
    json_t *first, *again;
    char *rate;

    first = call("PUT", "/api/credentials/jira/acme", ADMIN_KEY, acme_budget, 201);
    rate = db_text("SELECT rate_per_minute::text FROM credential WHERE name = $1", "acme");
    ck_assert_str_eq(rate, "600");
    free(rate);
    ck_assert(json_is_true(json_object_get(first, "created")));
    ck_assert_str_eq(json_string_value(json_object_get(first, "connector")), "jira");
    ck_assert_str_eq(json_string_value(json_object_get(first, "name")), "acme");
    again = call("PUT", "/api/credentials/jira/acme", ADMIN_KEY, acme, 200);
    ck_assert(json_is_false(json_object_get(again, "created")));
    ck_assert(json_equal(json_object_get(first, "id"), json_object_get(again, "id")));
    json_decref(first);
    json_decref(again);
    json_decref(call("PUT", "/api/credentials/jira/beta", ADMIN_KEY, beta, 201));
    free(acme);
    free(acme_budget);
    free(beta);
    ck_assert_int_eq(credential_rows(), 2);
}

/* Bodies that do not fit Jira's schemas: 422 naming the field, nothing stored or changed. */
static void refuse_misfits(void)
{
    static const struct {
        const char *body, *names;
    } misfits[] = {
        {"{\"config\":{\"base_url\":\"http://x\"},\"secret\":{\"api_token\":\"" SECRET_ACME "\"}}",
         "email"},
        {"{\"config\":{\"email\":\"not an address\"},\"secret\":{\"api_token\":\"" SECRET_ACME
         "\"}}",
         "email"},
        {"{\"config\":{\"email\":\"a@b.example\",\"colour\":\"red\"},\"secret\":{\"api_token\":"
         "\"" SECRET_ACME "\"}}",
         "colour"},
        {"{\"config\":{\"email\":\"a@b.example\"},\"secret\":{}}", "api_token"},
        {"{\"config\":{\"email\":\"a@b.example\"},\"secret\":{\"api_token\":42}}", "api_token"},
        {"{\"config\":{\"email\":\"a@b.example\"},\"secret\":{\"api_token\":\"" SECRET_ACME
         "\",\"password\":\"" SECRET_ACME "\"}}",
         "password"},
        {"{\"config\":{\"email\":\"a@b.example\"},\"secret\":\"" SECRET_ACME "\"}", "secret"},
        {"{\"config\":{\"email\":\"a@b.example\"},\"secret\":{\"api_token\":\"" SECRET_ACME
         "\"},\"ratePerMinute\":-1}",
         "ratePerMinute"},
        {"{\"config\":{\"email\":\"a@b.example\"},\"secret\":{\"api_token\":\"" SECRET_ACME
         "\"},\"ratePerMinute\":\"fast\"}",
         "ratePerMinute"},
        {"{\"config\":{\"email\":\"a@b.example\"},\"secret\":{\"api_token\":\"" SECRET_ACME
         "\"},\"owner\":\"ops\"}",
         "owner"},
    };
    char *before = db_text("SELECT string_agg(c::text, '|' ORDER BY id) FROM credential c", NULL);
    char *after;

    for (size_t i = 0; i < sizeof misfits / sizeof misfits[0]; i++) {
        refused("PUT", "/api/credentials/jira/gamma", ADMIN_KEY, misfits[i].body, 422,
                "ORDO_E_UNPROCESSABLE", misfits[i].names);
        /* Replacing with a misfit keeps what was there. */
        refused("PUT", "/api/credentials/jira/acme", ADMIN_KEY, misfits[i].body, 422,
                "ORDO_E_UNPROCESSABLE", misfits[i].names);
    }
    after = db_text("SELECT string_agg(c::text, '|' ORDER BY id) FROM credential c", NULL);
    ck_assert_str_eq(after, before);
    ck_assert_int_eq(credential_rows(), 2);
    free(before);
    free(after);
}

/* GET /api/credentials as 'key': jira/acme and jira/beta, with config and field names only. */
static void check_list(const char *key)
{
    json_t *doc = call("GET", "/api/credentials", key, NULL, 200);
    const json_t *items = json_object_get(doc, "items");
    size_t i;
    json_t *it;

    ck_assert_uint_eq(json_array_size(items), 2);
    ck_assert(json_is_null(json_object_get(doc, "next")));
    json_array_foreach(items, i, it)
    {
        const json_t *fields = json_object_get(it, "secretFields");

        ck_assert_str_eq(json_string_value(json_object_get(it, "connector")), "jira");
        ck_assert_str_eq(json_string_value(json_object_get(it, "name")), i == 0 ? "acme" : "beta");
        ck_assert_uint_eq(json_array_size(fields), 1);
        ck_assert_str_eq(json_string_value(json_array_get(fields, 0)), "api_token");
        ck_assert_ptr_nonnull(json_object_get(json_object_get(it, "config"), "email"));
        ck_assert_ptr_null(json_object_get(it, "secret"));
        ck_assert_ptr_nonnull(json_string_value(json_object_get(it, "keyId")));
        /* acme's budget went with its replacement; beta keeps its own. */
        ck_assert_int_eq(json_integer_value(json_object_get(it, "ratePerMinute")), i == 0 ? 0 : 30);
    }
    json_decref(doc);
}

static void check_filters(void)
{
    json_t *doc = call("GET", "/api/credentials?connector=jira", ADMIN_KEY, NULL, 200);

    ck_assert_uint_eq(json_array_size(json_object_get(doc, "items")), 2);
    json_decref(doc);
    doc = call("GET", "/api/credentials?connector=slack", ADMIN_KEY, NULL, 200);
    ck_assert_uint_eq(json_array_size(json_object_get(doc, "items")), 0);
    json_decref(doc);
    refused("GET", "/api/credentials?connector=Jira!", ADMIN_KEY, NULL, 422, "ORDO_E_UNPROCESSABLE",
            "connector name");
}

/* A designer lists credentials but changes none. */
static void designer_may_only_read(void)
{
    char *dora = designer_key();
    char *body = jira_body(1, "d@example.com", "SECRET-dora-789", 0);

    check_list(dora);
    refused("PUT", "/api/credentials/jira/acme", dora, body, 403, "ORDO_E_FORBIDDEN", NULL);
    refused("PUT", "/api/credentials/jira/dora", dora, body, 403, "ORDO_E_FORBIDDEN", NULL);
    refused("DELETE", "/api/credentials/jira/acme", dora, NULL, 403, "ORDO_E_FORBIDDEN", NULL);
    refused("POST", "/api/credentials/jira/acme/test", dora, NULL, 403, "ORDO_E_FORBIDDEN", NULL);
    ck_assert_int_eq(credential_rows(), 2);
    free(body);
    free(dora);
}

/* The test of a credential whose service does not answer: 503 (or 422 with the connector's
 * reason), never with the secret. */
static void test_unreachable(void)
{
    struct httptest_resp r;

    httptest_json(&srv, "POST", "/api/credentials/jira/acme/test", ADMIN_KEY, NULL, &r);
    keep(&r);
    ck_assert_msg(r.status == 503 || r.status == 422, "test of an unreachable service: %ld %s",
                  r.status, r.body);
    ck_assert_str_eq(httptest_error_code(&r),
                     r.status == 503 ? "ORDO_E_AGAIN" : "ORDO_E_UNPROCESSABLE");
    httptest_resp_free(&r);
}

static void delete_beta(void)
{
    json_t *doc;

    json_decref(call("DELETE", "/api/credentials/jira/beta", ADMIN_KEY, NULL, 204));
    refused("DELETE", "/api/credentials/jira/beta", ADMIN_KEY, NULL, 404, "ORDO_E_NOTFOUND",
            "jira/beta");
    refused("POST", "/api/credentials/jira/beta/test", ADMIN_KEY, NULL, 404, "ORDO_E_NOTFOUND",
            "jira/beta");
    doc = call("GET", "/api/credentials", ADMIN_KEY, NULL, 200);
    ck_assert_uint_eq(json_array_size(json_object_get(doc, "items")), 1);
    json_decref(doc);
    ck_assert_int_eq(credential_rows(), 1);
}

/* The audit has the changes, without their secrets. */
static void check_audit(void)
{
    json_t *doc = call("GET", "/api/audit?limit=500", ADMIN_KEY, NULL, 200);
    size_t i, sets = 0, deletes = 0;
    json_t *row;
    char *rows;

    json_array_foreach(json_object_get(doc, "items"), i, row)
    {
        const char *action = json_string_value(json_object_get(row, "action"));

        sets += strcmp(action, "credential.set") == 0;
        deletes += strcmp(action, "credential.delete") == 0;
    }
    ck_assert_uint_eq(sets, 3); /* acme, acme replaced, beta */
    ck_assert_uint_eq(deletes, 1);
    json_decref(doc);
    rows = db_text("SELECT string_agg(a::text, '|') FROM audit a", NULL);
    ck_assert_ptr_nonnull(strstr(rows, "credential.set"));
    ck_assert_msg(strstr(rows, SECRET_MARK) == NULL, "a secret in the audit table: %s", rows);
    free(rows);
}

/* Neither the credential table's columns as text nor its ciphertext bytes hold a secret. */
static void check_table(void)
{
    char *rows = db_text("SELECT string_agg(c::text, '|') FROM credential c", NULL);
    char *found;

    ck_assert_ptr_nonnull(strstr(rows, "api_token")); /* the field names are in clear */
    ck_assert_msg(strstr(rows, SECRET_MARK) == NULL, "a secret in the credential table: %s", rows);
    free(rows);
    found = db_text("SELECT count(*) FROM credential WHERE position(convert_to($1, 'UTF8') IN "
                    "secret) > 0 OR position(convert_to($1, 'UTF8') IN nonce) > 0 "
                    "OR config::text LIKE '%' || $1 || '%' "
                    "OR array_to_string(secret_fields, ',') LIKE '%' || $1 || '%'",
                    SECRET_MARK);
    ck_assert_str_eq(found, "0");
    free(found);
}

START_TEST(credentials_are_set_listed_tested_and_deleted_and_their_secrets_never_leave)
{
    char env_allow[] = "ORDO_HTTP_ALLOW=127.0.0.1/32";
    char env_scheme[] = "ORDO_HTTP_SCHEME=any";
    const char *const env[] = {env_allow, env_scheme, NULL};
    int port = dead_port();
    char *log;

    start_logged("http_credentials", env);
    set_two(port);
    refuse_misfits();
    check_list(ADMIN_KEY);
    check_filters();
    designer_may_only_read();
    test_unreachable();
    delete_beta();
    check_audit();
    check_table();

    ck_assert_ptr_nonnull(strstr(transcript, "\"secretFields\"")); /* the lists are in it */
    ck_assert_msg(strstr(transcript, SECRET_MARK) == NULL, "a secret in an answer: %.200s",
                  strstr(transcript, SECRET_MARK) ? strstr(transcript, SECRET_MARK) : "");
    log = stop_logged();
    /* The capture worked: the server's first-start warning is there. */
    ck_assert_ptr_nonnull(strstr(log, "created the first admin user"));
    ck_assert_msg(strstr(log, SECRET_MARK) == NULL, "a secret in the server's log: %.200s",
                  strstr(log, SECRET_MARK) ? strstr(log, SECRET_MARK) : "");
    free(log);
    free(transcript);
    transcript = NULL;
    transcript_len = 0;
}
END_TEST

static Suite *credentials_suite(void)
{
    Suite *s = suite_create("http_credentials");
    TCase *tc = tcase_create("connectors");

    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, the_catalogue_lists_the_installed_connectors_and_their_templates);
    tcase_add_test(tc, credentials_are_set_listed_tested_and_deleted_and_their_secrets_never_leave);
    suite_add_tcase(s, tc);
    return s;
}

PGTEST_CHECK_MAIN(credentials_suite)
