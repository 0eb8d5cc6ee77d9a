/*
 * webhooks/subscription.c - subscriptions, deliveries and replays
 * (webhooks/subscription.h).
 *
 * Creating needs the key before sealing (the associated data names it),
 * so the key is taken from the sequence first and the row inserted with
 * its sealed secret, in one transaction with its audit row.
 */
#include "webhooks/subscription.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/crypto.h"
#include "base/httpc.h"
#include "base/json.h"
#include "base/pg.h"
#include "base/vault.h"
#include "bpmn/timer.h"
#include "core/audit.h"
#include "core/query.h"
#include "webhooks/outbound.h"
#include "webhooks/standard.h"

#define URL_MAX         2048
#define DESCRIPTION_MAX 500
#define EVENTS_MAX      16
#define AD_SIZE         48

/* clang-format off */
#define RFC3339(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

#define SUB_JSON \
    "json_build_object('key', s.key::text, 'url', s.url, 'events', to_json(s.events), " \
    "'description', s.description, 'enabled', s.enabled, 'disabledReason', s.disabled_reason, " \
    "'disabledAt', " RFC3339("s.disabled_at") ", 'failingSince', " RFC3339("s.failing_since") \
    ", 'createdBy', s.created_by, 'createdAt', " RFC3339("s.created_at") ")::text"

#define DELIVERY_JSON \
    "json_build_object('seq', o.seq::text, 'msgId', o.msg_id, 'event', o.event, " \
    "'instanceKey', o.instance_key::text, 'state', o.state, 'attemptCount', o.attempts, " \
    "'dueAt', " RFC3339("o.due_at") ", 'lastStatus', o.last_status, 'lastError', o.last_error, " \
    "'createdAt', " RFC3339("o.created_at") ", 'deliveredAt', " RFC3339("o.delivered_at") ", " \
    "'payload', o.payload::json, 'attempts', coalesce((SELECT json_agg(json_build_object(" \
    "'attempt', a.attempt, 'status', a.status, 'error', a.error, 'latencyMs', a.latency_ms, " \
    "'at', " RFC3339("a.at") ") ORDER BY a.attempt) FROM webhook_attempt a " \
    "WHERE a.outbox_seq = o.seq), '[]'::json))::text"
/* clang-format on */

const char *const ordo_wh_event_types[] = {
    "instance.started",  "instance.completed", "instance.failed",
    "instance.canceled", "task.created",       "task.completed",
    "incident.opened",   "incident.resolved",  NULL};

/* ---- helpers -------------------------------------------------------------------------------- */

static const char *i64_text(struct ordo_arena *a, int64_t v)
{
    return ordo_arena_printf(a, "%" PRId64, v);
}

/* A document made by SQL (one text column) as JSON, owned by the caller. */
static enum ordo_code parse_doc(const PGresult *res, int row, json_t **out, struct ordo_err *err)
{
    const char *text = PQgetvalue(res, row, 0);

    return ordo_json_parse(text, strlen(text), NULL, out, err);
}

static enum ordo_code notify(PGconn *db, struct ordo_err *err)
{
    return ordo_pg_run(db, "could not wake the webhook senders", "NOTIFY " ORDO_WH_CHANNEL, 0, NULL,
                       err);
}

/* ---- validation ----------------------------------------------------------------------------- */

/* The host of a URL as an address, when it is one: '*len' 0 otherwise. */
static void literal_address(const char *host, struct sockaddr_storage *ss, socklen_t *len)
{
    char bare[64];
    size_t n = strlen(host);

    *len = 0;
    if (n >= 2 && host[0] == '[' && host[n - 1] == ']' && n - 2 < sizeof bare) {
        memcpy(bare, host + 1, n - 2);
        bare[n - 2] = '\0';
        if (inet_pton(AF_INET6, bare, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
            ss->ss_family = AF_INET6;
            *len = sizeof(struct sockaddr_in6);
        }
    } else if (inet_pton(AF_INET, host, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
        ss->ss_family = AF_INET;
        *len = sizeof(struct sockaddr_in);
    }
}

static enum ordo_code check_host(const char *host, const struct ordo_httpc_policy *policy,
                                 struct ordo_err *err)
{
    struct sockaddr_storage ss;
    socklen_t len;
    char why[ORDO_HTTPC_WHY_SIZE] = "";

    memset(&ss, 0, sizeof ss);
    literal_address(host, &ss, &len);
    if (len > 0 && ordo_httpc_blocked((const struct sockaddr *)&ss, len, policy, why, sizeof why)) {
        return ordo_err_set(err, ORDO_E_INVAL,
                            "url: address %s is not allowed (%s); add it to http_allow to "
                            "permit it",
                            host, why);
    }
    return ORDO_OK;
}

enum ordo_code ordo_wh_check_url(const char *url, const struct ordo_httpc_policy *policy,
                                 struct ordo_err *err)
{
    CURLU *u;
    char *scheme = NULL, *host = NULL;
    enum ordo_code rc = ORDO_OK;

    if (strlen(url) > URL_MAX) {
        return ordo_err_set(err, ORDO_E_INVAL, "url is longer than %d bytes", URL_MAX);
    }
    u = curl_url();
    if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "url \"%.200s\" is not a valid URL", url);
    } else if (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "url: scheme \"%s\" is not http or https", scheme);
    } else if (strcmp(scheme, "http") == 0 && policy->https_only) {
        rc = ordo_err_set(err, ORDO_E_INVAL,
                          "url: http:// is not allowed (config key http_scheme is https)");
    } else {
        rc = check_host(host, policy, err);
    }
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return rc;
}

static bool known_event(const char *type)
{
    if (strcmp(type, "*") == 0) {
        return true;
    }
    for (size_t i = 0; ordo_wh_event_types[i]; i++) {
        if (strcmp(ordo_wh_event_types[i], type) == 0) {
            return true;
        }
    }
    return false;
}

/* The event list as a PostgreSQL array literal. */
static enum ordo_code events_param(struct ordo_arena *a, const json_t *events, const char **out,
                                   struct ordo_err *err)
{
    struct ordo_buf b = ORDO_BUF_INIT;
    size_t i;
    const json_t *v;

    if (!json_is_array(events) || json_array_size(events) == 0 ||
        json_array_size(events) > EVENTS_MAX) {
        return ordo_err_set(err, ORDO_E_INVAL, "events must be an array of 1 to %d event types",
                            EVENTS_MAX);
    }
    json_array_foreach(events, i, v)
    {
        if (!json_is_string(v) || !known_event(json_string_value(v))) {
            ordo_buf_cleanup(&b);
            return ordo_err_set(err, ORDO_E_INVAL,
                                "events: \"%.64s\" is not an event type (instance.started, "
                                "instance.completed, instance.failed, instance.canceled, "
                                "task.created, task.completed, incident.opened, "
                                "incident.resolved, or * for all)",
                                json_is_string(v) ? json_string_value(v) : "(not a string)");
        }
    }
    ordo_buf_putc(&b, '{');
    json_array_foreach(events, i, v)
    {
        ordo_pg_array_add(&b, json_string_value(v));
    }
    ordo_buf_putc(&b, '}');
    *out = ordo_arena_strdup(a, ordo_buf_cstr(&b));
    ordo_buf_cleanup(&b);
    return ORDO_OK;
}

/* A string member as 400 rather than 422: every field here is checked
 * the same way. */
static enum ordo_code opt_string(const json_t *body, const char *name, const char **out,
                                 struct ordo_err *err)
{
    const json_t *v = json_object_get(body, name);

    if (v && !json_is_null(v) && !json_is_string(v)) {
        return ordo_err_set(err, ORDO_E_INVAL, "%s must be a string, not %s", name,
                            ordo_json_type_name(v));
    }
    if (json_is_string(v)) {
        *out = json_string_value(v);
    }
    return ORDO_OK;
}

/* url, events and description, each when present. */
struct fields {
    const char *url, *events, *description;
};

static enum ordo_code read_fields(struct ordo_arena *a, const json_t *body,
                                  const struct ordo_httpc_policy *policy, struct fields *f,
                                  struct ordo_err *err)
{
    enum ordo_code rc = opt_string(body, "url", &f->url, err);

    rc = rc == ORDO_OK ? opt_string(body, "description", &f->description, err) : rc;
    if (rc == ORDO_OK && f->url) {
        rc = ordo_wh_check_url(f->url, policy, err);
    }
    if (rc == ORDO_OK && json_object_get(body, "events")) {
        rc = events_param(a, json_object_get(body, "events"), &f->events, err);
    }
    if (rc == ORDO_OK && f->description && strlen(f->description) > DESCRIPTION_MAX) {
        rc =
            ordo_err_set(err, ORDO_E_INVAL, "description is longer than %d bytes", DESCRIPTION_MAX);
    }
    return rc;
}

/* The host of 'url' for the audit (the path may hold a token). */
static json_t *url_host(const char *url)
{
    CURLU *u = curl_url();
    char *host = NULL;
    json_t *out = NULL;

    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
        out = json_string(host);
    }
    curl_free(host);
    curl_url_cleanup(u);
    return out ? out : json_null();
}

/* ---- create --------------------------------------------------------------------------------- */

/* The secret as "whsec_<base64>": the caller's (checked) or a new one. */
static enum ordo_code make_secret(const json_t *body, char out[ORDO_WHSEC_TEXT],
                                  struct ordo_err *err)
{
    const char *given = NULL;
    uint8_t key[ORDO_WHSEC_MAX];
    size_t keylen = 0;
    enum ordo_code rc = opt_string(body, "secret", &given, err);

    if (rc != ORDO_OK) {
        return rc;
    }
    if (!given) {
        ordo_whsec_new(out);
        return ORDO_OK;
    }
    if (!ordo_whsec_parse(given, key, &keylen)) {
        return ordo_err_set(err, ORDO_E_INVAL,
                            "secret must be \"whsec_\" and the base64 of %d to %d bytes",
                            ORDO_WHSEC_MIN, ORDO_WHSEC_MAX);
    }
    memcpy(out, "whsec_", 7);
    ordo_base64(key, keylen, out + 6);
    ordo_crypto_wipe(key, sizeof key);
    return ORDO_OK;
}

/* The sealed secret as a bytea parameter: nonce, then ciphertext. */
static enum ordo_code seal(struct ordo_arena *a, const struct ordo_vault *vault, int64_t key,
                           const char *secret, const char **box_out,
                           char key_id[ORDO_VAULT_KEY_ID_SIZE], struct ordo_err *err)
{
    size_t len = strlen(secret);
    uint8_t *box = ordo_arena_alloc(a, ORDO_VAULT_NONCE_SIZE + len + ORDO_VAULT_TAG_SIZE);
    char ad[AD_SIZE];
    enum ordo_code rc;

    (void)snprintf(ad, sizeof ad, "webhook_subscription:%" PRId64, key);
    rc = ordo_vault_seal(vault, secret, len, ad, strlen(ad), box, box + ORDO_VAULT_NONCE_SIZE,
                         key_id, err);
    if (rc == ORDO_OK) {
        *box_out = ordo_pg_bytea_param(a, box, ORDO_VAULT_NONCE_SIZE + len + ORDO_VAULT_TAG_SIZE);
    }
    return rc;
}

static enum ordo_code insert(PGconn *db, struct ordo_arena *a, const struct ordo_vault *vault,
                             const struct fields *f, const char *secret, const char *actor,
                             json_t **out, struct ordo_err *err)
{
    char key_id[ORDO_VAULT_KEY_ID_SIZE];
    PGresult *res = NULL;
    const char *box = NULL;
    int64_t key;
    enum ordo_code rc = ordo_pg_exec(db, a, "could not create a webhook subscription",
                                     "SELECT nextval('ordo_key_seq')", 0, NULL, &res, err);

    if (rc != ORDO_OK) {
        return rc;
    }
    key = ordo_pg_int(res, 0, 0);
    rc = seal(a, vault, key, secret, &box, key_id, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    const char *p[7] = {i64_text(a, key),
                        f->url,
                        f->events,
                        f->description,
                        box,
                        key_id,
                        actor && *actor ? actor : "system"};

    rc = ordo_pg_exec(db, a, "could not create a webhook subscription",
                      "WITH s AS (INSERT INTO webhook_subscription (key, url, events, description, "
                      "secret, secret_key_id, created_by) VALUES ($1, $2, $3::text[], $4, $5, $6, "
                      "$7) RETURNING *) SELECT " SUB_JSON " FROM s",
                      7, p, &res, err);
    rc = rc == ORDO_OK ? parse_doc(res, 0, out, err) : rc;
    if (rc == ORDO_OK) {
        rc = ordo_audit_admin(db, actor, "webhook_subscription.created",
                              json_pack("{s:s, s:o, s:O}", "key", p[0], "host", url_host(f->url),
                                        "events", json_object_get(*out, "events")),
                              err);
    }
    return rc;
}

enum ordo_code ordo_wh_sub_create(PGconn *db, const struct ordo_vault *vault,
                                  const struct ordo_httpc_policy *policy, const json_t *body,
                                  const char *actor, json_t **out, struct ordo_err *err)
{
    struct ordo_arena *a = ordo_arena_new();
    struct fields f = {0};
    char secret[ORDO_WHSEC_TEXT] = "";
    json_t *doc = NULL;
    enum ordo_code rc = read_fields(a, body, policy, &f, err);

    if (rc == ORDO_OK && (!f.url || !f.events)) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "%s is required", f.url ? "events" : "url");
    }
    rc = rc == ORDO_OK ? make_secret(body, secret, err) : rc;
    rc = rc == ORDO_OK ? ordo_pg_begin(db, err) : rc;
    if (rc == ORDO_OK) {
        rc = ordo_pg_end(db, insert(db, a, vault, &f, secret, actor, &doc, err), err);
    }
    if (rc == ORDO_OK) {
        (void)json_object_set_new(doc, "secret", json_string(secret));
        *out = doc;
    } else {
        json_decref(doc);
    }
    ordo_crypto_wipe(secret, sizeof secret);
    ordo_arena_free(a);
    return rc;
}

/* ---- read, change, delete ------------------------------------------------------------------- */

static enum ordo_code one_doc(PGconn *db, struct ordo_arena *a, const char *what, const char *sql,
                              int n, const char *const *p, json_t **out, struct ordo_err *err)
{
    PGresult *res = NULL;
    enum ordo_code rc = ordo_pg_exec(db, a, what, sql, n, p, &res, err);

    if (rc == ORDO_OK && PQntuples(res) == 0) {
        rc = ordo_err_set(err, ORDO_E_NOTFOUND, "webhook subscription %s not found", p[0]);
    }
    return rc == ORDO_OK ? parse_doc(res, 0, out, err) : rc;
}

enum ordo_code ordo_wh_sub_get(PGconn *db, int64_t key, json_t **out, struct ordo_err *err)
{
    struct ordo_arena *a = ordo_arena_new();
    const char *p[1] = {i64_text(a, key)};
    enum ordo_code rc =
        one_doc(db, a, "could not read a webhook subscription",
                "SELECT " SUB_JSON " FROM webhook_subscription s WHERE key = $1", 1, p, out, err);

    ordo_arena_free(a);
    return rc;
}

/* 'limit' and 'after' as SQL parameters (CONTRACTS §6). */
static enum ordo_code page_params(struct ordo_arena *a, const char *limit, const char *after,
                                  const char **fetch, const char **cursor, int *n,
                                  struct ordo_err *err)
{
    char *end = NULL;
    enum ordo_code rc = ordo_query_limit(limit, n, err);

    if (rc != ORDO_OK) {
        return rc;
    }
    *fetch = ordo_arena_printf(a, "%d", *n + 1);
    *cursor = NULL;
    if (after) {
        long long c = strtoll(after, &end, 10);

        if (!*after || *end || c <= 0) {
            return ordo_err_set(err, ORDO_E_INVAL, "after \"%.32s\" is not a cursor", after);
        }
        *cursor = after;
    }
    return ORDO_OK;
}

/* Rows of (cursor text, document text) -> {"items", "next"}. */
static enum ordo_code page_json(const PGresult *res, int limit, json_t **out, struct ordo_err *err)
{
    int rows = PQntuples(res), keep = rows > limit ? limit : rows;
    json_t *items = json_array();

    for (int i = 0; i < keep; i++) {
        const char *text = PQgetvalue(res, i, 1);
        json_t *doc = NULL;

        if (ordo_json_parse(text, strlen(text), NULL, &doc, err) != ORDO_OK) {
            json_decref(items);
            return ORDO_E_INTERNAL;
        }
        (void)json_array_append_new(items, doc);
    }
    *out = json_pack("{s:o, s:o}", "items", items, "next",
                     rows > limit ? json_string(PQgetvalue(res, keep - 1, 0)) : json_null());
    return ORDO_OK;
}

enum ordo_code ordo_wh_sub_list(PGconn *db, const char *limit, const char *after, json_t **out,
                                struct ordo_err *err)
{
    struct ordo_arena *a = ordo_arena_new();
    const char *p[2];
    PGresult *res = NULL;
    int n = 0;
    enum ordo_code rc = page_params(a, limit, after, &p[1], &p[0], &n, err);

    if (rc == ORDO_OK) {
        rc = ordo_pg_exec(db, a, "could not list webhook subscriptions",
                          "SELECT s.key::text, " SUB_JSON " FROM webhook_subscription s WHERE "
                          "($1::bigint IS NULL OR s.key < $1) ORDER BY s.key DESC LIMIT $2",
                          2, p, &res, err);
    }
    rc = rc == ORDO_OK ? page_json(res, n, out, err) : rc;
    ordo_arena_free(a);
    return rc;
}

static enum ordo_code update_in_tx(PGconn *db, struct ordo_arena *a, const char *const *p,
                                   const char *actor, json_t **out, struct ordo_err *err)
{
    enum ordo_code rc = one_doc(
        db, a, "could not change a webhook subscription",
        "WITH s AS (UPDATE webhook_subscription SET url = coalesce($2, url), "
        "events = coalesce($3::text[], events), description = coalesce($4, description), "
        "enabled = coalesce($5::boolean, enabled), "
        "disabled_reason = CASE WHEN $5::boolean THEN NULL WHEN $5::boolean = false AND enabled "
        "THEN 'disabled by ' || $6 ELSE disabled_reason END, "
        "disabled_at = CASE WHEN $5::boolean THEN NULL WHEN $5::boolean = false AND enabled "
        "THEN now() ELSE disabled_at END, "
        "failing_since = CASE WHEN $5::boolean THEN NULL ELSE failing_since END "
        "WHERE key = $1 RETURNING *) SELECT " SUB_JSON " FROM s",
        6, p, out, err);

    if (rc == ORDO_OK) {
        json_t *what =
            json_pack("{s:s, s:O, s:O}", "key", p[0], "events", json_object_get(*out, "events"),
                      "enabled", json_object_get(*out, "enabled"));

        if (p[1]) {
            (void)json_object_set_new(what, "host", url_host(p[1]));
        }
        rc = ordo_audit_admin(db, actor, "webhook_subscription.updated", what, err);
    }
    if (rc == ORDO_OK && p[4] && strcmp(p[4], "true") == 0) {
        rc = notify(db, err); /* its pending rows may go now */
    }
    return rc;
}

enum ordo_code ordo_wh_sub_update(PGconn *db, const struct ordo_httpc_policy *policy, int64_t key,
                                  const json_t *body, const char *actor, json_t **out,
                                  struct ordo_err *err)
{
    struct ordo_arena *a = ordo_arena_new();
    struct fields f = {0};
    const json_t *enabled = json_object_get(body, "enabled");
    json_t *doc = NULL;
    enum ordo_code rc = read_fields(a, body, policy, &f, err);

    if (rc == ORDO_OK && enabled && !json_is_boolean(enabled)) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "enabled must be a boolean, not %s",
                          ordo_json_type_name(enabled));
    }
    const char *p[6] = {i64_text(a, key),
                        f.url,
                        f.events,
                        f.description,
                        enabled ? (json_is_true(enabled) ? "true" : "false") : NULL,
                        actor && *actor ? actor : "system"};

    rc = rc == ORDO_OK ? ordo_pg_begin(db, err) : rc;
    if (rc == ORDO_OK) {
        rc = ordo_pg_end(db, update_in_tx(db, a, p, actor, &doc, err), err);
    }
    if (rc == ORDO_OK) {
        *out = doc;
    } else {
        json_decref(doc);
    }
    ordo_arena_free(a);
    return rc;
}

static enum ordo_code delete_in_tx(PGconn *db, struct ordo_arena *a, const char *key,
                                   const char *actor, struct ordo_err *err)
{
    const char *p[1] = {key};
    PGresult *res = NULL;
    enum ordo_code rc = ordo_pg_exec(
        db, a, "could not delete a webhook subscription",
        "DELETE FROM webhook_subscription WHERE key = $1 RETURNING url", 1, p, &res, err);

    if (rc == ORDO_OK && PQntuples(res) == 0) {
        return ordo_err_set(err, ORDO_E_NOTFOUND, "webhook subscription %s not found", key);
    }
    return rc == ORDO_OK ? ordo_audit_admin(db, actor, "webhook_subscription.deleted",
                                            json_pack("{s:s, s:o}", "key", key, "host",
                                                      url_host(PQgetvalue(res, 0, 0))),
                                            err)
                         : rc;
}

enum ordo_code ordo_wh_sub_delete(PGconn *db, int64_t key, const char *actor, struct ordo_err *err)
{
    struct ordo_arena *a = ordo_arena_new();
    enum ordo_code rc = ordo_pg_begin(db, err);

    if (rc == ORDO_OK) {
        rc = ordo_pg_end(db, delete_in_tx(db, a, i64_text(a, key), actor, err), err);
    }
    ordo_arena_free(a);
    return rc;
}

/* ---- deliveries and replay ------------------------------------------------------------------ */

static enum ordo_code exists(PGconn *db, struct ordo_arena *a, const char *key,
                             struct ordo_err *err)
{
    const char *p[1] = {key};
    PGresult *res = NULL;
    enum ordo_code rc =
        ordo_pg_exec(db, a, "could not read a webhook subscription",
                     "SELECT 1 FROM webhook_subscription WHERE key = $1", 1, p, &res, err);

    if (rc == ORDO_OK && PQntuples(res) == 0) {
        rc = ordo_err_set(err, ORDO_E_NOTFOUND, "webhook subscription %s not found", key);
    }
    return rc;
}

enum ordo_code ordo_wh_sub_deliveries(PGconn *db, int64_t key, const char *state, const char *limit,
                                      const char *after, json_t **out, struct ordo_err *err)
{
    struct ordo_arena *a = ordo_arena_new();
    const char *p[4] = {i64_text(a, key), state};
    PGresult *res = NULL;
    int n = 0;
    enum ordo_code rc = page_params(a, limit, after, &p[3], &p[2], &n, err);

    if (rc == ORDO_OK && state && strcmp(state, "pending") != 0 &&
        strcmp(state, "delivered") != 0 && strcmp(state, "dead") != 0) {
        rc = ordo_err_set(err, ORDO_E_INVAL,
                          "state \"%.32s\" is not one of pending, delivered, dead", state);
    }
    rc = rc == ORDO_OK ? exists(db, a, p[0], err) : rc;
    if (rc == ORDO_OK) {
        rc = ordo_pg_exec(db, a, "could not list webhook deliveries",
                          "SELECT o.seq::text, " DELIVERY_JSON " FROM outbox o WHERE "
                          "o.subscription_key = $1 AND ($2::text IS NULL OR o.state = $2) AND "
                          "($3::bigint IS NULL OR o.seq < $3) ORDER BY o.seq DESC LIMIT $4",
                          4, p, &res, err);
    }
    rc = rc == ORDO_OK ? page_json(res, n, out, err) : rc;
    ordo_arena_free(a);
    return rc;
}

static enum ordo_code replay_one_tx(PGconn *db, struct ordo_arena *a, const char *seq,
                                    const char *actor, struct ordo_err *err)
{
    const char *p[1] = {seq};
    PGresult *res = NULL;
    enum ordo_code rc = ordo_pg_exec(
        db, a, "could not replay a webhook event",
        "WITH r AS (UPDATE outbox SET state = 'pending', attempts = 0, due_at = now(), "
        "lock_owner = NULL, locked_at = NULL WHERE seq = $1 AND state = 'dead' AND "
        "subscription_key IS NOT NULL RETURNING seq) SELECT (SELECT count(*) FROM r), "
        "(SELECT state FROM outbox WHERE seq = $1 AND subscription_key IS NOT NULL)",
        1, p, &res, err);

    if (rc == ORDO_OK && ordo_pg_int(res, 0, 0) == 0) {
        return PQgetisnull(res, 0, 1)
                   ? ordo_err_set(err, ORDO_E_NOTFOUND, "webhook event %s not found", seq)
                   : ordo_err_set(err, ORDO_E_CONFLICT, "webhook event %s is %s, not a dead letter",
                                  seq, PQgetvalue(res, 0, 1));
    }
    rc = rc == ORDO_OK
             ? ordo_audit_admin(db, actor, "webhook.replayed", json_pack("{s:s}", "seq", seq), err)
             : rc;
    return rc == ORDO_OK ? notify(db, err) : rc;
}

enum ordo_code ordo_wh_replay_one(PGconn *db, int64_t seq, const char *actor, json_t **out,
                                  struct ordo_err *err)
{
    struct ordo_arena *a = ordo_arena_new();
    const char *text = i64_text(a, seq);
    enum ordo_code rc = ordo_pg_begin(db, err);

    if (rc == ORDO_OK) {
        rc = ordo_pg_end(db, replay_one_tx(db, a, text, actor, err), err);
    }
    if (rc == ORDO_OK) {
        *out = json_pack("{s:s, s:s}", "seq", text, "state", "pending");
    }
    ordo_arena_free(a);
    return rc;
}

/* RFC 3339 -> Unix ms as text. */
static enum ordo_code since_param(struct ordo_arena *a, const char *since, const char **out,
                                  struct ordo_err *err)
{
    const struct ordo_timer *t = NULL;
    int64_t ms = 0;

    *out = NULL;
    if (!since) {
        return ORDO_OK;
    }
    if (ordo_timer_parse(a, ORDO_TIMER_DATE, since, &t, NULL) != ORDO_OK ||
        !ordo_timer_due(t, 0, 0, 0, NULL, &ms)) {
        return ordo_err_set(err, ORDO_E_INVAL, "since \"%.64s\" is not an RFC 3339 time", since);
    }
    *out = i64_text(a, ms);
    return ORDO_OK;
}

static enum ordo_code replay_since_tx(PGconn *db, struct ordo_arena *a, const char *const *p,
                                      const char *actor, int64_t *n, struct ordo_err *err)
{
    PGresult *res = NULL;
    enum ordo_code rc = exists(db, a, p[0], err);

    rc = rc == ORDO_OK ? ordo_pg_exec(db, a, "could not replay webhook events",
                                      "WITH r AS (UPDATE outbox SET state = 'pending', "
                                      "attempts = 0, due_at = now(), lock_owner = NULL, "
                                      "locked_at = NULL WHERE subscription_key = $1 AND "
                                      "state = 'dead' AND ($2::bigint IS NULL OR created_at >= "
                                      "to_timestamp($2::bigint / 1000.0)) RETURNING seq) "
                                      "SELECT count(*) FROM r",
                                      2, p, &res, err)
                       : rc;
    if (rc != ORDO_OK) {
        return rc;
    }
    *n = ordo_pg_int(res, 0, 0);
    rc = ordo_audit_admin(
        db, actor, "webhook.replayed",
        json_pack("{s:s, s:s?, s:I}", "subscription", p[0], "since", p[1], "count", (json_int_t)*n),
        err);
    return rc == ORDO_OK ? notify(db, err) : rc;
}

enum ordo_code ordo_wh_replay_since(PGconn *db, int64_t key, const char *since, const char *actor,
                                    json_t **out, struct ordo_err *err)
{
    struct ordo_arena *a = ordo_arena_new();
    const char *p[2] = {i64_text(a, key), NULL};
    int64_t n = 0;
    enum ordo_code rc = since_param(a, since, &p[1], err);

    rc = rc == ORDO_OK ? ordo_pg_begin(db, err) : rc;
    if (rc == ORDO_OK) {
        rc = ordo_pg_end(db, replay_since_tx(db, a, p, actor, &n, err), err);
    }
    if (rc == ORDO_OK) {
        *out = json_pack("{s:I}", "replayed", (json_int_t)n);
    }
    ordo_arena_free(a);
    return rc;
}
