/*
 * webhooks/endpoint.c - inbound endpoints: lookup, API changes, stored
 * deliveries.
 */
#include "webhooks/endpoint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/crypto.h"
#include "base/json.h"
#include "base/pg.h"
#include "base/vault.h"
#include "bpmn/feel.h"
#include "core/audit.h"

#define COLS                                                                              \
    "e.name, e.scheme, e.options, e.action, e.process_id, e.element_id, e.message_name, " \
    "e.correlation_key, e.variables, coalesce(e.definition_key, 0), e.enabled, "          \
    "coalesce(d.suspended, false), e.secret IS NOT NULL, e.secret, e.secret_key_id, "     \
    "e.created_by, e.created_at, e.updated_at"
#define FROM " FROM webhook_endpoint e LEFT JOIN definition d ON d.key = e.definition_key "

bool ordo_hook_name_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;

    return n > 0 && n <= 64 && s[0] != '-' && s[0] != '_' &&
           strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-_") == n;
}

static const char *ad_of(struct ordo_arena *a, const char *name)
{
    return ordo_arena_printf(a, "webhook_endpoint:%s", name);
}

/* ---- secrets -------------------------------------------------------------------------------- */

/* Open the sealed secrets of a row into ep->secrets. */
static enum ordo_code open_secrets(struct ordo_arena *a, const struct ordo_vault *vault,
                                   const char *cell, const char *key_id,
                                   struct ordo_hook_endpoint *ep, struct ordo_err *err)
{
    uint8_t *raw = NULL, *plain;
    size_t len = 0, n;
    const char *ad = ad_of(a, ep->name);
    json_t *arr = NULL;
    enum ordo_code rc;

    if (!ordo_pg_bytea_decode(a, cell, &raw, &len) ||
        len < ORDO_VAULT_NONCE_SIZE + ORDO_VAULT_TAG_SIZE) {
        return ordo_err_set(err, ORDO_E_INTERNAL, "webhook endpoint \"%s\": damaged secret",
                            ep->name);
    }
    n = len - ORDO_VAULT_NONCE_SIZE - ORDO_VAULT_TAG_SIZE;
    plain = ordo_arena_alloc_raw(a, n + 1);
    rc = ordo_vault_open_box(
        vault, key_id, raw, raw + ORDO_VAULT_NONCE_SIZE, len - ORDO_VAULT_NONCE_SIZE, ad,
        strlen(ad), ordo_arena_printf(a, "the secret of webhook endpoint \"%s\"", ep->name), plain,
        err);
    if (rc != ORDO_OK) {
        return rc;
    }
    (void)ordo_json_parse((const char *)plain, n, NULL, &arr, NULL);
    ordo_crypto_wipe(plain, n);
    for (size_t i = 0; i < json_array_size(arr) && ep->nsecrets < ORDO_HOOK_MAX_SECRETS; i++) {
        const char *s = json_string_value(json_array_get(arr, i));

        if (s && *s) {
            ep->secrets[ep->nsecrets++] = ordo_arena_strdup(a, s);
        }
    }
    json_decref(arr); /* jansson does not wipe: the strings were short-lived */
    return ORDO_OK;
}

void ordo_hook_endpoint_wipe(struct ordo_hook_endpoint *ep)
{
    for (size_t i = 0; i < ep->nsecrets; i++) {
        ordo_crypto_wipe((void *)ep->secrets[i], strlen(ep->secrets[i]));
    }
    ep->nsecrets = 0;
}

/* ---- reading -------------------------------------------------------------------------------- */

static const char *opt_text(struct ordo_arena *a, const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? NULL : ordo_arena_strdup(a, PQgetvalue(res, row, col));
}

static void from_row(struct ordo_arena *a, const PGresult *res, int row,
                     struct ordo_hook_endpoint *ep)
{
    memset(ep, 0, sizeof *ep);
    ep->name = opt_text(a, res, row, 0);
    (void)ordo_hook_scheme_parse(PQgetvalue(res, row, 1), &ep->scheme);
    ep->options = opt_text(a, res, row, 2);
    ep->action = opt_text(a, res, row, 3);
    ep->process_id = opt_text(a, res, row, 4);
    ep->element_id = opt_text(a, res, row, 5);
    ep->message_name = opt_text(a, res, row, 6);
    ep->correlation_key = opt_text(a, res, row, 7);
    ep->variables = opt_text(a, res, row, 8);
    ep->definition_key = ordo_pg_int(res, row, 9);
    ep->enabled = strcmp(PQgetvalue(res, row, 10), "t") == 0;
    ep->suspended = strcmp(PQgetvalue(res, row, 11), "t") == 0;
    ep->has_secret = strcmp(PQgetvalue(res, row, 12), "t") == 0;
}

enum ordo_code ordo_hook_endpoint_get(PGconn *db, struct ordo_arena *arena,
                                      const struct ordo_vault *vault, const char *name,
                                      bool open_secret, struct ordo_hook_endpoint *out,
                                      struct ordo_err *err)
{
    const char *p[1] = {name};
    PGresult *res;
    enum ordo_code rc;

    memset(out, 0, sizeof *out);
    rc = ordo_pg_exec(db, arena, "could not read a webhook endpoint",
                      "SELECT " COLS FROM "WHERE e.name = $1", 1, p, &res, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    if (PQntuples(res) == 0) {
        return ordo_err_set(err, ORDO_E_NOTFOUND, "no webhook endpoint \"%s\"", name);
    }
    from_row(arena, res, 0, out);
    if (open_secret && out->has_secret) {
        if (!vault) {
            return ordo_err_set(err, ORDO_E_INTERNAL, "no vault to open webhook secrets");
        }
        rc = open_secrets(arena, vault, PQgetvalue(res, 0, 13), PQgetvalue(res, 0, 14), out, err);
    }
    return rc;
}

json_t *ordo_hook_endpoint_json(const struct ordo_hook_endpoint *ep)
{
    json_t *o =
        json_pack("{s:s, s:s, s:s, s:b, s:b, s:s}", "name", ep->name, "scheme",
                  ordo_hook_scheme_name(ep->scheme), "action", ep->action, "enabled", ep->enabled,
                  "secret_set", ep->has_secret, "source", ep->definition_key ? "bpmn" : "api");
    json_t *opts = NULL;

    (void)ordo_json_parse(ep->options ? ep->options : "{}",
                          strlen(ep->options ? ep->options : "{}"), NULL, &opts, NULL);
    json_object_set_new(o, "options", opts ? opts : json_object());
    if (ep->definition_key) {
        char key[24];

        (void)snprintf(key, sizeof key, "%lld", (long long)ep->definition_key);
        json_object_set_new(o, "definition_key", json_string(key));
        json_object_set_new(o, "suspended", json_boolean(ep->suspended));
    }
    const char *names[] = {"process_id", "element_id", "message_name", "correlation_key",
                           "variables"};
    const char *values[] = {ep->process_id, ep->element_id, ep->message_name, ep->correlation_key,
                            ep->variables};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (values[i]) {
            json_object_set_new(o, names[i], json_string(values[i]));
        }
    }
    return o;
}

enum ordo_code ordo_hook_endpoint_list(PGconn *db, struct ordo_arena *arena, int limit,
                                       const char *after, json_t **items, const char **next,
                                       struct ordo_err *err)
{
    const char *p[2] = {after ? after : "", ordo_arena_printf(arena, "%d", limit + 1)};
    PGresult *res;
    enum ordo_code rc = ordo_pg_exec(db, arena, "could not list webhook endpoints",
                                     "SELECT " COLS FROM "WHERE e.name > $1 ORDER BY e.name "
                                     "LIMIT $2::int",
                                     2, p, &res, err);
    int n;

    *items = NULL;
    *next = NULL;
    if (rc != ORDO_OK) {
        return rc;
    }
    n = PQntuples(res);
    *items = json_array();
    for (int i = 0; i < n && i < limit; i++) {
        struct ordo_hook_endpoint ep = {0};

        from_row(arena, res, i, &ep);
        json_array_append_new(*items, ordo_hook_endpoint_json(&ep));
    }
    if (n > limit) {
        *next = ordo_arena_strdup(arena, PQgetvalue(res, limit - 1, 0));
    }
    return ORDO_OK;
}

/* ---- changes -------------------------------------------------------------------------------- */

/* What a PUT asks for, read from its body. */
struct put_req {
    const char *name;
    const char *scheme, *action, *process_id, *message_name, *correlation_key, *variables;
    const char *options;             /* JSON text or NULL */
    const json_t *secret, *previous; /* strings, JSON null (clear), or absent */
    int enabled;                     /* -1: not given */
    bool unsigned_flag;
};

static const char *const put_members[] = {
    "scheme",         "secret",    "previous_secret", "action",   "processId", "messageName",
    "correlationKey", "variables", "options",         "unsigned", "enabled",   NULL};

/* Members a BPMN endpoint lets change. */
static bool bpmn_member(const char *key)
{
    return strcmp(key, "secret") == 0 || strcmp(key, "previous_secret") == 0 ||
           strcmp(key, "enabled") == 0 || strcmp(key, "options") == 0;
}

static enum ordo_code check_members(const json_t *body, bool bpmn, const char *name,
                                    struct ordo_err *err)
{
    const char *key;
    json_t *v;

    json_object_foreach((json_t *)body, key, v)
    {
        bool known = false;

        for (size_t i = 0; put_members[i]; i++) {
            known |= strcmp(key, put_members[i]) == 0;
        }
        if (!known) {
            return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "unknown member \"%s\"", key);
        }
        if (bpmn && !bpmn_member(key)) {
            return ordo_err_set(err, ORDO_E_CONFLICT,
                                "webhook endpoint \"%s\" is defined by a BPMN process: only "
                                "secret, previous_secret, enabled and options can change, not "
                                "\"%s\"",
                                name, key);
        }
    }
    return ORDO_OK;
}

static enum ordo_code text_member(const json_t *body, const char *key, const char **out,
                                  struct ordo_err *err)
{
    const json_t *v = json_object_get(body, key);

    *out = NULL;
    if (v && !json_is_null(v) && !json_is_string(v)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "\"%s\" must be a string", key);
    }
    *out = json_string_value(v);
    return ORDO_OK;
}

static enum ordo_code feel_member(struct ordo_arena *a, const char *key, const char *text,
                                  struct ordo_err *err)
{
    const struct ordo_feel_expr *e;
    struct ordo_err ferr = {0};
    const char *src = text;

    if (!text) {
        return ORDO_OK;
    }
    src += strspn(src, " \t\r\n");
    src += *src == '=';
    if (ordo_feel_compile(a, src, strlen(src), NULL, &e, &ferr) != ORDO_OK) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "\"%s\": %s", key, ferr.msg);
    }
    return ORDO_OK;
}

static enum ordo_code read_options(struct ordo_arena *a, const json_t *body, struct put_req *r,
                                   struct ordo_err *err)
{
    const json_t *v = json_object_get(body, "options");
    struct ordo_hook_options o;

    if (!v || json_is_null(v)) {
        return ORDO_OK;
    }
    if (!json_is_object(v)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "\"options\" must be an object");
    }
    r->options = ordo_json_dump(a, v, JSON_COMPACT | JSON_SORT_KEYS);
    return ordo_hook_options_parse(r->options, &o, err);
}

static enum ordo_code read_secret(const json_t *body, const char *key, const json_t **out,
                                  struct ordo_err *err)
{
    const json_t *v = json_object_get(body, key);
    const char *s = json_string_value(v);

    *out = v;
    if (v && !json_is_null(v) && (!s || !*s || strlen(s) > 1024)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "\"%s\" must be a string of 1 to 1024 characters (or null to clear it)",
                            key);
    }
    return ORDO_OK;
}

static enum ordo_code read_put(struct ordo_arena *a, const json_t *body, struct put_req *r,
                               struct ordo_err *err)
{
    const json_t *en = json_object_get(body, "enabled");
    const json_t *un = json_object_get(body, "unsigned");
    enum ordo_code rc = ORDO_OK;

    rc = text_member(body, "scheme", &r->scheme, err);
    rc = rc == ORDO_OK ? text_member(body, "action", &r->action, err) : rc;
    rc = rc == ORDO_OK ? text_member(body, "processId", &r->process_id, err) : rc;
    rc = rc == ORDO_OK ? text_member(body, "messageName", &r->message_name, err) : rc;
    rc = rc == ORDO_OK ? text_member(body, "correlationKey", &r->correlation_key, err) : rc;
    rc = rc == ORDO_OK ? text_member(body, "variables", &r->variables, err) : rc;
    rc = rc == ORDO_OK ? feel_member(a, "variables", r->variables, err) : rc;
    rc = rc == ORDO_OK ? feel_member(a, "correlationKey", r->correlation_key, err) : rc;
    rc = rc == ORDO_OK ? read_options(a, body, r, err) : rc;
    rc = rc == ORDO_OK ? read_secret(body, "secret", &r->secret, err) : rc;
    rc = rc == ORDO_OK ? read_secret(body, "previous_secret", &r->previous, err) : rc;
    if (rc == ORDO_OK && ((en && !json_is_boolean(en)) || (un && !json_is_boolean(un)))) {
        rc = ordo_err_set(err, ORDO_E_UNPROCESSABLE, "\"enabled\" and \"unsigned\" are booleans");
    }
    r->enabled = en ? json_is_true(en) : -1;
    r->unsigned_flag = json_is_true(un);
    return rc;
}

/* An API endpoint's definition: scheme and action make sense together. */
static enum ordo_code check_api_endpoint(const struct put_req *r, bool loopback,
                                         struct ordo_err *err)
{
    enum ordo_hook_scheme s;

    if (!r->scheme || !ordo_hook_scheme_parse(r->scheme, &s)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "\"scheme\" must be one of github, slack, jira, bamboohr, standard, "
                            "hmac, unsigned");
    }
    if (s == ORDO_HOOK_UNSIGNED && !r->unsigned_flag) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "scheme \"unsigned\" needs \"unsigned\": true (anyone who can reach "
                            "the server can post to it)");
    }
    if (s == ORDO_HOOK_UNSIGNED && !loopback) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "scheme \"unsigned\" is refused: the server listens on a non-loopback "
                            "address");
    }
    if (!r->action) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "\"action\" must be start, message or slack_approval");
    }
    if (strcmp(r->action, "start") == 0) {
        return r->process_id ? ORDO_OK
                             : ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                                            "action \"start\" needs \"processId\"");
    }
    if (strcmp(r->action, "message") == 0) {
        return r->message_name ? ORDO_OK
                               : ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                                              "action \"message\" needs \"messageName\"");
    }
    if (strcmp(r->action, "slack_approval") != 0) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "\"action\" must be start, message or slack_approval");
    }
    /* The click's Slack user decides who approves: only Slack's signature
     * may vouch for it. */
    return s == ORDO_HOOK_SLACK ? ORDO_OK
                                : ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                                               "action \"slack_approval\" needs scheme \"slack\"");
}

/* The new secrets' plaintext (JSON array), from the request and what the
 * row holds; NULL when the request does not touch them. */
static char *secret_plain(const struct put_req *r, const struct ordo_hook_endpoint *old)
{
    json_t *arr;
    const char *cur = old && old->nsecrets > 0 ? old->secrets[0] : NULL;
    const char *prev = old && old->nsecrets > 1 ? old->secrets[1] : NULL;
    char *text;

    if (!r->secret && !r->previous) {
        return NULL;
    }
    if (r->secret) {
        cur = json_string_value(r->secret);
    }
    if (r->previous) {
        prev = json_string_value(r->previous);
    }
    arr = json_array();
    if (cur) {
        json_array_append_new(arr, json_string(cur));
    }
    if (prev) {
        json_array_append_new(arr, json_string(prev));
    }
    text = json_array_size(arr) ? json_dumps(arr, JSON_COMPACT) : strdup("");
    json_decref(arr);
    return text;
}

/* Seal 'plain' ("" clears) and store it in the row. */
static enum ordo_code store_secret(PGconn *db, struct ordo_arena *a, const struct ordo_vault *vault,
                                   const char *name, const char *plain, struct ordo_err *err)
{
    size_t len = strlen(plain);
    uint8_t *raw = ordo_arena_alloc_raw(a, ORDO_VAULT_NONCE_SIZE + len + ORDO_VAULT_TAG_SIZE);
    char key_id[ORDO_VAULT_KEY_ID_SIZE];
    const char *ad = ad_of(a, name);
    const char *p[3] = {name, NULL, NULL};
    enum ordo_code rc;

    if (len) {
        if (!vault) {
            return ordo_err_set(err, ORDO_E_INTERNAL, "no vault to seal webhook secrets");
        }
        rc = ordo_vault_seal(vault, plain, len, ad, strlen(ad), raw, raw + ORDO_VAULT_NONCE_SIZE,
                             key_id, err);
        if (rc != ORDO_OK) {
            return rc;
        }
        p[1] = ordo_pg_bytea_param(a, raw, ORDO_VAULT_NONCE_SIZE + len + ORDO_VAULT_TAG_SIZE);
        p[2] = key_id;
    }
    return ordo_pg_run(db, "could not store a webhook secret",
                       "UPDATE webhook_endpoint SET secret = $2::bytea, secret_key_id = $3, "
                       "updated_at = now() WHERE name = $1",
                       3, p, err);
}

static enum ordo_code upsert_api(PGconn *db, const struct put_req *r, const char *actor,
                                 struct ordo_err *err)
{
    const char *p[10] = {r->name,
                         r->scheme,
                         r->options ? r->options : "{}",
                         r->action,
                         r->process_id,
                         r->message_name,
                         r->correlation_key,
                         r->variables,
                         r->enabled == 0 ? "false" : "true",
                         actor ? actor : "system"};

    return ordo_pg_run(db, "could not store a webhook endpoint",
                       "INSERT INTO webhook_endpoint (name, scheme, options, action, process_id, "
                       "message_name, correlation_key, variables, enabled, created_by) VALUES "
                       "($1, $2, $3, $4, $5, $6, $7, $8, $9::boolean, $10) ON CONFLICT (name) DO "
                       "UPDATE SET scheme = EXCLUDED.scheme, options = EXCLUDED.options, action = "
                       "EXCLUDED.action, process_id = EXCLUDED.process_id, message_name = "
                       "EXCLUDED.message_name, correlation_key = EXCLUDED.correlation_key, "
                       "variables = EXCLUDED.variables, enabled = EXCLUDED.enabled, updated_at = "
                       "now()",
                       10, p, err);
}

static enum ordo_code update_bpmn(PGconn *db, const struct put_req *r, struct ordo_err *err)
{
    const char *p[3] = {r->name, r->enabled < 0 ? NULL : (r->enabled ? "true" : "false"),
                        r->options};

    return ordo_pg_run(db, "could not change a webhook endpoint",
                       "UPDATE webhook_endpoint SET enabled = coalesce($2::boolean, enabled), "
                       "options = coalesce($3, options), updated_at = now() WHERE name = $1",
                       3, p, err);
}

struct put_ctx {
    PGconn *db;
    struct ordo_arena *a;
    const struct ordo_vault *vault;
    const struct put_req *r;
    const char *actor;
    bool loopback;
    bool created;
};

static enum ordo_code put_in_tx(struct put_ctx *c, struct ordo_err *err)
{
    struct ordo_hook_endpoint old = {0};
    struct ordo_err nf = {0};
    const struct put_req *r = c->r;
    enum ordo_code rc = ordo_hook_endpoint_get(c->db, c->a, c->vault, r->name, true, &old, &nf);
    char *plain;

    if (rc != ORDO_OK && rc != ORDO_E_NOTFOUND) {
        return ordo_err_set(err, rc, "%s", nf.msg);
    }
    c->created = rc == ORDO_E_NOTFOUND;
    if (c->created) {
        memset(&old, 0, sizeof old);
    }
    if (!c->created && old.definition_key) {
        rc = update_bpmn(c->db, r, err);
    } else {
        rc = check_api_endpoint(r, c->loopback, err);
        rc = rc == ORDO_OK ? upsert_api(c->db, r, c->actor, err) : rc;
    }
    plain = rc == ORDO_OK ? secret_plain(r, &old) : NULL;
    if (plain) {
        rc = store_secret(c->db, c->a, c->vault, r->name, plain, err);
        ordo_crypto_wipe(plain, strlen(plain));
        free(plain);
    }
    ordo_hook_endpoint_wipe(&old);
    return rc;
}

enum ordo_code ordo_hook_endpoint_put(PGconn *db, struct ordo_arena *arena,
                                      const struct ordo_vault *vault, const char *name,
                                      const json_t *body, bool loopback, const char *actor,
                                      json_t **out, bool *created, struct ordo_err *err)
{
    struct put_req r = {.name = name};
    struct put_ctx c = {db, arena, vault, &r, actor, loopback, false};
    struct ordo_hook_endpoint now = {0};
    struct ordo_hook_endpoint probe = {0};
    enum ordo_code rc;

    *out = NULL;
    if (!ordo_hook_name_ok(name)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "an endpoint name is 1 to 64 lower-case letters, digits, '-' or '_'");
    }
    rc = read_put(arena, body, &r, err);
    if (rc == ORDO_OK &&
        ordo_hook_endpoint_get(db, arena, NULL, name, false, &probe, NULL) == ORDO_OK) {
        rc = check_members(body, probe.definition_key != 0, name, err);
    } else if (rc == ORDO_OK) {
        rc = check_members(body, false, name, err);
    }
    rc = rc == ORDO_OK ? ordo_pg_begin(db, err) : rc;
    if (rc != ORDO_OK) {
        return rc;
    }
    rc = put_in_tx(&c, err);
    rc = rc == ORDO_OK ? ordo_hook_endpoint_get(db, arena, NULL, name, false, &now, err) : rc;
    if (rc == ORDO_OK) {
        json_t *payload = ordo_hook_endpoint_json(&now);

        json_object_del(payload, "options");
        json_object_set_new(payload, "created", json_boolean(c.created));
        json_object_set_new(payload, "unsigned", json_boolean(now.scheme == ORDO_HOOK_UNSIGNED));
        rc = ordo_audit_admin(db, actor, "webhook.endpoint.set", payload, err);
    }
    rc = ordo_pg_end(db, rc, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    *out = ordo_hook_endpoint_json(&now);
    *created = c.created;
    return ORDO_OK;
}

enum ordo_code ordo_hook_endpoint_delete(PGconn *db, struct ordo_arena *arena, const char *name,
                                         const char *actor, struct ordo_err *err)
{
    struct ordo_hook_endpoint ep = {0};
    const char *p[1] = {name};
    enum ordo_code rc = ordo_pg_begin(db, err);

    rc = rc == ORDO_OK ? ordo_hook_endpoint_get(db, arena, NULL, name, false, &ep, err) : rc;
    if (rc == ORDO_OK && ep.definition_key) {
        rc = ordo_err_set(err, ORDO_E_CONFLICT,
                          "webhook endpoint \"%s\" is defined by process \"%s\": deploy a version "
                          "without its ordo:webhook, or disable it",
                          name, ep.process_id ? ep.process_id : "?");
    }
    rc = rc == ORDO_OK ? ordo_pg_run(db, "could not delete a webhook endpoint",
                                     "DELETE FROM webhook_endpoint WHERE name = $1", 1, p, err)
                       : rc;
    rc = rc == ORDO_OK ? ordo_audit_admin(db, actor, "webhook.endpoint.delete",
                                          json_pack("{s:s}", "name", name), err)
                       : rc;
    return ordo_pg_end(db, rc, err);
}

/* ---- deliveries ----------------------------------------------------------------------------- */

enum ordo_code ordo_hook_deliveries(PGconn *db, struct ordo_arena *arena, const char *name,
                                    int limit, json_t **items, struct ordo_err *err)
{
    const char *p[2] = {name, ordo_arena_printf(arena, "%d", limit)};
    PGresult *res;
    enum ordo_code rc = ordo_pg_exec(
        db, arena, "could not list webhook deliveries",
        "SELECT key::text, delivery_id, state, attempts, "
        "to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
        "to_char(done_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
        "instance_key::text, error FROM webhook_delivery WHERE endpoint = $1 "
        "ORDER BY received_at DESC, key DESC LIMIT $2::int",
        2, p, &res, err);

    *items = NULL;
    if (rc != ORDO_OK) {
        return rc;
    }
    *items = json_array();
    for (int i = 0; i < PQntuples(res); i++) {
        json_array_append_new(
            *items,
            json_pack("{s:s, s:s, s:s, s:I, s:s, s:s?, s:s?, s:s?}", "key", PQgetvalue(res, i, 0),
                      "delivery_id", PQgetvalue(res, i, 1), "state", PQgetvalue(res, i, 2),
                      "attempts", (json_int_t)ordo_pg_int(res, i, 3), "received_at",
                      PQgetvalue(res, i, 4), "done_at", ordo_pg_text(res, i, 5), "instance_key",
                      ordo_pg_text(res, i, 6), "error", ordo_pg_text(res, i, 7)));
    }
    return ORDO_OK;
}

enum ordo_code ordo_hook_delivery_insert(PGconn *db, struct ordo_arena *arena, const char *endpoint,
                                         const char *delivery_id, const char *headers,
                                         const uint8_t *body, size_t len, int64_t *key,
                                         bool *duplicate, struct ordo_err *err)
{
    const char *p[4] = {endpoint, delivery_id, headers, ordo_pg_bytea_param(arena, body, len)};
    PGresult *res;
    enum ordo_code rc = ordo_pg_begin(db, err);

    *key = 0;
    *duplicate = false;
    rc = rc == ORDO_OK ? ordo_pg_exec(db, arena, "could not store a webhook delivery",
                                      "INSERT INTO webhook_delivery (endpoint, delivery_id, "
                                      "headers, body) VALUES ($1, $2, $3, $4::bytea) ON CONFLICT "
                                      "(endpoint, delivery_id) DO NOTHING RETURNING key",
                                      4, p, &res, err)
                       : rc;
    if (rc == ORDO_OK && PQntuples(res) == 1) {
        *key = ordo_pg_int(res, 0, 0);
        /* NOTIFY is delivered at commit, so workers never see a row that is not there. */
        rc = ordo_pg_run(db, "could not notify webhook workers", "NOTIFY " ORDO_HOOK_CHANNEL, 0,
                         NULL, err);
    } else if (rc == ORDO_OK) {
        *duplicate = true;
    }
    return ordo_pg_end(db, rc, err);
}
