/*
 * server/api_subscription.c - outbound webhook subscriptions, their
 * deliveries and the replay of dead letters (docs/webhooks-outbound.md);
 * the work is in webhooks/subscription.c. Admin only (api_routes.c).
 */
#include <string.h>

#include "base/httpc.h"
#include "server/api.h"
#include "webhooks/subscription.h"

/* The outbound policy a subscription's URL is checked against: the one
 * the senders deliver under (http_scheme, http_allow). */
static enum ordo_code policy_of(struct ordo_http_req *req, struct ordo_httpc_policy *pol,
                                struct ordo_err *err)
{
    const struct ordo_api *api = ordo_http_app(req);

    memset(pol, 0, sizeof *pol);
    pol->https_only = strcmp(api->cfg->http_scheme, "any") != 0;
    return ordo_httpc_parse_allow(api->cfg->http_allow, ordo_http_arena(req), &pol->allow,
                                  &pol->nallow, err);
}

enum ordo_code ordo_api_subscription_create(struct ordo_http_req *req, struct ordo_err *err)
{
    static const char *const fields[] = {"url", "events", "description", "secret", NULL};
    const struct ordo_api *api = ordo_http_app(req);
    struct ordo_httpc_policy pol;
    json_t *body = NULL, *out = NULL;
    PGconn *db;
    enum ordo_code rc = ordo_http_body_object(req, fields, &body, err);

    rc = rc == ORDO_OK ? policy_of(req, &pol, err) : rc;
    db = rc == ORDO_OK ? ordo_api_pg(req, err) : NULL;
    rc = rc == ORDO_OK && !db ? err->code : rc;
    if (rc == ORDO_OK) {
        rc = ordo_wh_sub_create(db, api->vault, &pol, body, ordo_api_actor(req), &out, err);
    }
    if (rc == ORDO_OK) {
        ordo_http_reply_json(req, 201, out);
    }
    return rc;
}

enum ordo_code ordo_api_subscription_list(struct ordo_http_req *req, struct ordo_err *err)
{
    PGconn *db = ordo_api_pg(req, err);
    json_t *out = NULL;
    enum ordo_code rc = db ? ordo_wh_sub_list(db, ordo_http_query(req, "limit"),
                                              ordo_http_query(req, "after"), &out, err)
                           : err->code;

    return ordo_api_reply(req, rc, out);
}

/* The {key} of the path and a connection. */
static PGconn *keyed(struct ordo_http_req *req, int64_t *key, struct ordo_err *err)
{
    return ordo_http_param_key(req, 0, key, err) == ORDO_OK ? ordo_api_pg(req, err) : NULL;
}

enum ordo_code ordo_api_subscription_get(struct ordo_http_req *req, struct ordo_err *err)
{
    int64_t key = 0;
    PGconn *db = keyed(req, &key, err);
    json_t *out = NULL;
    enum ordo_code rc = db ? ordo_wh_sub_get(db, key, &out, err) : err->code;

    return ordo_api_reply(req, rc, out);
}

enum ordo_code ordo_api_subscription_update(struct ordo_http_req *req, struct ordo_err *err)
{
    static const char *const fields[] = {"url", "events", "description", "enabled", NULL};
    struct ordo_httpc_policy pol;
    int64_t key = 0;
    json_t *body = NULL, *out = NULL;
    PGconn *db = keyed(req, &key, err);
    enum ordo_code rc = db ? ordo_http_body_object(req, fields, &body, err) : err->code;

    rc = rc == ORDO_OK ? policy_of(req, &pol, err) : rc;
    if (rc == ORDO_OK) {
        rc = ordo_wh_sub_update(db, &pol, key, body, ordo_api_actor(req), &out, err);
    }
    return ordo_api_reply(req, rc, out);
}

enum ordo_code ordo_api_subscription_delete(struct ordo_http_req *req, struct ordo_err *err)
{
    int64_t key = 0;
    PGconn *db = keyed(req, &key, err);
    enum ordo_code rc = db ? ordo_wh_sub_delete(db, key, ordo_api_actor(req), err) : err->code;

    if (rc == ORDO_OK) {
        ordo_http_reply_json(req, 204, NULL);
    }
    return rc;
}

enum ordo_code ordo_api_subscription_deliveries(struct ordo_http_req *req, struct ordo_err *err)
{
    int64_t key = 0;
    PGconn *db = keyed(req, &key, err);
    json_t *out = NULL;
    enum ordo_code rc = db ? ordo_wh_sub_deliveries(db, key, ordo_http_query(req, "state"),
                                                    ordo_http_query(req, "limit"),
                                                    ordo_http_query(req, "after"), &out, err)
                           : err->code;

    return ordo_api_reply(req, rc, out);
}

enum ordo_code ordo_api_outbox_replay(struct ordo_http_req *req, struct ordo_err *err)
{
    int64_t seq = 0;
    PGconn *db = keyed(req, &seq, err);
    json_t *out = NULL;
    enum ordo_code rc =
        db ? ordo_wh_replay_one(db, seq, ordo_api_actor(req), &out, err) : err->code;

    return ordo_api_reply(req, rc, out);
}

enum ordo_code ordo_api_subscription_replay(struct ordo_http_req *req, struct ordo_err *err)
{
    static const char *const fields[] = {"since", NULL};
    int64_t key = 0;
    const char *since = NULL;
    json_t *body = NULL, *out = NULL;
    PGconn *db = keyed(req, &key, err);
    enum ordo_code rc = db ? ordo_http_body_object(req, fields, &body, err) : err->code;

    if (rc == ORDO_OK && json_object_get(body, "since") &&
        !json_is_string(json_object_get(body, "since"))) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "since must be an RFC 3339 time as a string");
    }
    if (rc == ORDO_OK) {
        since = json_string_value(json_object_get(body, "since"));
        rc = ordo_wh_replay_since(db, key, since, ordo_api_actor(req), &out, err);
    }
    return ordo_api_reply(req, rc, out);
}
