/*
 * server/api_incident.c - /api/incidents (list, retry, bulk retry) and
 * /api/messages (publish, correlate).
 */
#include <string.h>

#include "base/json.h"
#include "base/log.h"
#include "core/query.h"
#include "core/store.h"
#include "server/api.h"

#define MESSAGE_TTL_MAX_MS ((int64_t)30 * 24 * 3600 * 1000)

enum ordo_code ordo_api_incident_list(struct ordo_http_req *req, struct ordo_err *err)
{
    struct ordo_incident_query q = {
        .state = ordo_http_query(req, "state"),
        .instance_key = ordo_http_query(req, "instanceKey"),
        .limit = ordo_http_query(req, "limit"),
        .after = ordo_http_query(req, "after"),
    };
    struct ordo_store *st;
    json_t *out = NULL;
    enum ordo_code rc = ordo_api_store(req, &st, err);

    if (rc == ORDO_OK) {
        rc = ordo_query_list_incidents(st, &q, &out, err);
    }
    return ordo_api_reply(req, rc, out);
}

static enum ordo_code retry(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                            struct ordo_err *err)
{
    static const char *const fields[] = {"variables", NULL};
    const json_t *vars = NULL;
    json_t *body;
    enum ordo_code rc = ordo_http_body_object(req, fields, &body, err);

    if (rc == ORDO_OK) {
        rc = ordo_api_variables(body, &vars, err);
    }
    return rc == ORDO_OK ? ordo_store_resolve_incident(st, key, vars, ordo_api_actor(req), err)
                         : rc;
}

enum ordo_code ordo_api_incident_retry(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, retry, err);
}

static const char *result_name(enum ordo_code rc)
{
    return rc == ORDO_OK           ? "ok"
           : rc == ORDO_E_NOTFOUND ? "notfound"
           : rc == ORDO_E_CONFLICT ? "conflict"
                                   : "error";
}

/* Why one key of a bulk call failed: the store's words for what the client
 * can act on, never a database's (those go to the log). */
static const char *item_message(enum ordo_code rc, const struct ordo_err *err)
{
    if (rc == ORDO_OK) {
        return NULL;
    }
    if (rc == ORDO_E_NOTFOUND || rc == ORDO_E_CONFLICT) {
        return ordo_err_message(err);
    }
    ordo_log(ORDO_LOG_ERROR, "http", "bulk retry failed for one incident",
             ORDO_STR("reason", ordo_err_message(err)));
    return ordo_code_text(rc);
}

enum ordo_code ordo_api_incident_bulk_retry(struct ordo_http_req *req, struct ordo_err *err)
{
    struct ordo_store *st;
    int64_t *keys;
    size_t n = 0;
    json_t *items;
    enum ordo_code rc = ordo_api_keys(req, &keys, &n, err);

    if (rc == ORDO_OK && n > ORDO_QUERY_MAX_BULK) {
        rc =
            ordo_err_set(err, ORDO_E_UNPROCESSABLE, "at most %d keys at once", ORDO_QUERY_MAX_BULK);
    }
    if (rc == ORDO_OK) {
        rc = ordo_api_store(req, &st, err);
    }
    if (rc != ORDO_OK) {
        return rc;
    }
    items = json_array();
    for (size_t i = 0; i < n; i++) {
        struct ordo_err one = {0};
        enum ordo_code r =
            ordo_store_resolve_incident(st, keys[i], NULL, ordo_api_actor(req), &one);

        json_array_append_new(items, json_pack("{s:o, s:s, s:s?}", "key",
                                               ordo_api_key_json(keys[i]), "result", result_name(r),
                                               "message", item_message(r, &one)));
    }
    ordo_http_reply_json(req, 200, json_pack("{s:o}", "items", items));
    return ORDO_OK;
}

/* ---- messages -------------------------------------------------------------------------------- */

static enum ordo_code message_request(struct ordo_http_req *req, struct ordo_message *m,
                                      struct ordo_err *err)
{
    static const char *const fields[] = {"name", "correlationKey", "messageId",
                                         "ttl",  "variables",      NULL};
    json_int_t ttl = 0;
    json_t *body;
    enum ordo_code rc = ordo_http_body_object(req, fields, &body, err);

    memset(m, 0, sizeof *m);
    if (rc == ORDO_OK) {
        rc = ordo_json_get_string(body, "name", &m->name, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_json_opt_string(body, "correlationKey", &m->correlation_key, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_json_opt_string(body, "messageId", &m->message_id, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_json_opt_int(body, "ttl", &ttl, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_api_variables(body, &m->variables, err);
    }
    if (rc == ORDO_OK && (ttl < 0 || ttl > MESSAGE_TTL_MAX_MS)) {
        rc = ordo_err_set(err, ORDO_E_UNPROCESSABLE, "ttl must be 0..%lld milliseconds",
                          (long long)MESSAGE_TTL_MAX_MS);
    }
    m->ttl_ms = ttl;
    m->actor = ordo_api_actor(req);
    return rc;
}

enum ordo_code ordo_api_message_publish(struct ordo_http_req *req, struct ordo_err *err)
{
    struct ordo_message m;
    struct ordo_store *st;
    int delivered = 0;
    bool duplicate = false;
    enum ordo_code rc = message_request(req, &m, err);

    if (rc == ORDO_OK) {
        rc = ordo_api_store(req, &st, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_store_publish(st, &m, &delivered, &duplicate, err);
    }
    if (rc == ORDO_OK) {
        ordo_http_reply_json(
            req, duplicate ? 200 : 201,
            json_pack("{s:i, s:b}", "delivered", delivered, "duplicate", duplicate));
    }
    return rc;
}

enum ordo_code ordo_api_message_correlate(struct ordo_http_req *req, struct ordo_err *err)
{
    struct ordo_message m;
    struct ordo_store *st;
    int delivered = 0;
    enum ordo_code rc = message_request(req, &m, err);

    if (rc == ORDO_OK) {
        rc = ordo_api_store(req, &st, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_store_correlate(st, &m, &delivered, err);
    }
    if (rc == ORDO_OK) {
        ordo_http_reply_json(req, 200, json_pack("{s:i}", "delivered", delivered));
    }
    return rc;
}
