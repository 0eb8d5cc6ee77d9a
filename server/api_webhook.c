/*
 * server/api_webhook.c - inbound webhooks: POST /hooks/{name} and the
 * endpoints API (docs/webhooks.md; CONTRACTS §6, §14).
 *
 * POST /hooks/{name} is open (the signature is the credential). Its order:
 * the endpoint (404 unknown, disabled, or its definition suspended), the
 * body's size (413 over webhook_max_body; GitHub endpoints 25 MiB, the
 * route's own cap; the HTTP layer has read the body by then), the
 * signature (bare 401, nothing stored: no secret set, unsigned refused on
 * a non-loopback listener, missing, stale or bad), the body (400: not JSON
 * or not the scheme's form), then one transaction that stores the delivery
 * once and NOTIFYs the workers (webhooks/inbox.h). Nothing slow happens
 * before the answer, so Slack's 3 seconds hold.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "base/json.h"
#include "core/query.h"
#include "server/api.h"
#include "webhooks/endpoint.h"
#include "webhooks/verify.h"

#define GITHUB_MAX_BODY ((size_t)25 * 1024 * 1024)

static struct ordo_api *api_of(struct ordo_http_req *req)
{
    return ordo_http_app(req);
}

/* Does the server listen on loopback only? */
static bool loopback(const struct ordo_api *api)
{
    const char *a = api->cfg ? api->cfg->listen_addr : "127.0.0.1";

    return strncmp(a, "127.", 4) == 0 || strcmp(a, "::1") == 0 || strcmp(a, "localhost") == 0;
}

static const char *header_cb(void *ctx, const char *name)
{
    return ordo_http_header(ctx, name);
}

/* The headers a delivery keeps, by lower-case name: what mappings may use
 * and what identifies it; never Authorization or Cookie. */
static const char *const kept_headers[] = {"content-type",
                                           "user-agent",
                                           "x-github-event",
                                           "x-github-delivery",
                                           "x-github-hook-id",
                                           "x-atlassian-webhook-identifier",
                                           "x-atlassian-webhook-retry",
                                           "x-slack-request-timestamp",
                                           "x-slack-retry-num",
                                           "x-slack-retry-reason",
                                           "x-bamboohr-timestamp",
                                           "webhook-id",
                                           "webhook-timestamp",
                                           "idempotency-key",
                                           NULL};

static const char *headers_json(struct ordo_http_req *req, const struct ordo_hook_options *o)
{
    json_t *h = json_object();
    const char *text;

    for (size_t i = 0; kept_headers[i]; i++) {
        const char *v = ordo_http_header(req, kept_headers[i]);

        if (v) {
            json_object_set_new(h, kept_headers[i], json_string(v));
        }
    }
    if (o->delivery_header[0] && ordo_http_header(req, o->delivery_header)) {
        char lower[ORDO_HOOK_NAME_MAX + 1];
        size_t i = 0;

        for (; o->delivery_header[i]; i++) {
            lower[i] =
                (char)(o->delivery_header[i] |
                       (o->delivery_header[i] >= 'A' && o->delivery_header[i] <= 'Z' ? 0x20 : 0));
        }
        lower[i] = '\0';
        json_object_set_new(h, lower, json_string(ordo_http_header(req, o->delivery_header)));
    }
    text = ordo_json_dump(ordo_http_arena(req), h, JSON_COMPACT);
    json_decref(h);
    return text;
}

static enum ordo_code unauthorized(struct ordo_http_req *req)
{
    ordo_http_reply_bytes(req, 401, "text/plain", "", 0); /* bare: no detail (saas-apis §6) */
    return ORDO_OK;
}

/* The endpoint of the path, on: 404 otherwise. */
/* The endpoint of the path, if it takes deliveries now (else 404); its
 * secrets opened when 'open_secret'. */
static enum ordo_code live_endpoint(struct ordo_http_req *req, PGconn *db, bool open_secret,
                                    struct ordo_hook_endpoint *ep, struct ordo_err *err)
{
    const char *name = ordo_http_param(req, 0);
    struct ordo_err e = {0};
    enum ordo_code rc = ordo_hook_name_ok(name)
                            ? ordo_hook_endpoint_get(db, ordo_http_arena(req), api_of(req)->vault,
                                                     name, open_secret, ep, &e)
                            : ORDO_E_NOTFOUND;

    if (rc == ORDO_E_NOTFOUND || (rc == ORDO_OK && (!ep->enabled || ep->suspended))) {
        ordo_hook_endpoint_wipe(ep);
        return ordo_err_set(err, ORDO_E_NOTFOUND, "no webhook endpoint \"%s\"", name);
    }
    return rc == ORDO_OK ? ORDO_OK : ordo_err_set(err, rc, "%s", e.msg);
}

static enum ordo_code store_and_answer(struct ordo_http_req *req, PGconn *db,
                                       const struct ordo_hook_endpoint *ep,
                                       const struct ordo_hook_options *o,
                                       struct ordo_hook_verified *v, struct ordo_err *err)
{
    size_t len = 0;
    const char *body = ordo_http_body(req, &len);
    int64_t key = 0;
    bool dup = false;
    enum ordo_code rc;

    if (!v->delivery_id[0]) { /* unsigned without Idempotency-Key: no dedupe */
        uint8_t rnd[16];

        ordo_random_bytes(rnd, sizeof rnd);
        memcpy(v->delivery_id, "gen-", 5);
        ordo_hex(rnd, sizeof rnd, v->delivery_id + 4);
    }
    rc = ordo_hook_delivery_insert(db, ordo_http_arena(req), ep->name, v->delivery_id,
                                   headers_json(req, o), (const uint8_t *)body, len, &key, &dup,
                                   err);
    if (rc != ORDO_OK) {
        return rc;
    }
    ordo_http_reply_json(
        req, 200,
        dup ? json_pack("{s:s}", "status", "duplicate")
            : json_pack("{s:s, s:o}", "status", "accepted", "delivery", ordo_api_key_json(key)));
    return ORDO_OK;
}

/* The body limit of an endpoint: GitHub's own, else webhook_max_body. */
static size_t max_body_of(const struct ordo_api *api, const struct ordo_hook_endpoint *ep)
{
    return ep->scheme == ORDO_HOOK_GITHUB ? GITHUB_MAX_BODY : (size_t)api->cfg->webhook_max_body;
}

static enum ordo_code receive(struct ordo_http_req *req, PGconn *db,
                              const struct ordo_hook_endpoint *ep, struct ordo_err *err)
{
    struct ordo_api *api = api_of(req);
    size_t len = 0;
    const char *body = ordo_http_body(req, &len); /* within max_body_of(): the preflight */
    struct ordo_hook_options o;
    struct ordo_hook_verified v;
    struct ordo_hook_input in = {ep->scheme,
                                 &o,
                                 ep->secrets,
                                 ep->nsecrets,
                                 header_cb,
                                 req,
                                 (const uint8_t *)body,
                                 len,
                                 ordo_clock_wall_ms() / 1000};
    enum ordo_code rc;

    if (ordo_hook_options_parse(ep->scheme == ORDO_HOOK_HMAC ? ep->options : NULL, &o, err) !=
        ORDO_OK) {
        return ordo_err_set(err, ORDO_E_INTERNAL, "webhook endpoint \"%s\" has bad options",
                            ep->name);
    }
    if ((ep->scheme == ORDO_HOOK_UNSIGNED && !loopback(api)) ||
        (ep->scheme != ORDO_HOOK_UNSIGNED && ep->nsecrets == 0)) {
        return unauthorized(req); /* fail closed */
    }
    ordo_hook_verify(&in, &v);
    if (v.verdict == ORDO_HOOK_MALFORMED) {
        return ordo_err_set(err, ORDO_E_INVAL,
                            "the body is not what a %s webhook carries (JSON, or its form)",
                            ordo_hook_scheme_name(ep->scheme));
    }
    if (v.verdict != ORDO_HOOK_VALID) {
        return unauthorized(req);
    }
    if (v.challenge) { /* Slack url_verification: answered, not stored */
        ordo_http_reply_json(req, 200, json_pack("{s:s}", "challenge", v.challenge));
        json_decref(v.body);
        return ORDO_OK;
    }
    json_decref(v.body);
    rc = store_and_answer(req, db, ep, &o, &v, err);
    return rc;
}

/* Before the body is read: an unknown, disabled or suspended endpoint is
 * 404 at once, and the body's limit becomes the endpoint's (route.h). */
enum ordo_code ordo_api_hook_preflight(struct ordo_http_req *req, struct ordo_err *err)
{
    PGconn *db = ordo_api_pg(req, err);
    struct ordo_hook_endpoint ep;
    enum ordo_code rc;

    if (!db) {
        return err->code;
    }
    memset(&ep, 0, sizeof ep);
    rc = live_endpoint(req, db, false, &ep, err);
    if (rc == ORDO_OK) {
        ordo_http_set_max_body(req, max_body_of(api_of(req), &ep));
    }
    return rc;
}

enum ordo_code ordo_api_hook_receive(struct ordo_http_req *req, struct ordo_err *err)
{
    PGconn *db = ordo_api_pg(req, err);
    struct ordo_hook_endpoint ep = {0};
    enum ordo_code rc;

    if (!db) {
        return err->code;
    }
    memset(&ep, 0, sizeof ep);
    rc = live_endpoint(req, db, true, &ep, err);
    if (rc == ORDO_OK) {
        rc = receive(req, db, &ep, err);
    }
    ordo_hook_endpoint_wipe(&ep);
    return rc;
}

/* ---- the endpoints API ---------------------------------------------------------------------- */

static enum ordo_code read_limit(struct ordo_http_req *req, int *out, struct ordo_err *err)
{
    return ordo_query_limit(ordo_http_query(req, "limit"), out, err);
}

enum ordo_code ordo_api_webhook_list(struct ordo_http_req *req, struct ordo_err *err)
{
    int limit = 50;
    json_t *items = NULL;
    const char *next = NULL;
    PGconn *db = NULL;
    enum ordo_code rc = read_limit(req, &limit, err);

    if (rc == ORDO_OK) {
        db = ordo_api_pg(req, err);
        rc = db ? ORDO_OK : err->code;
    }
    rc = rc == ORDO_OK ? ordo_hook_endpoint_list(db, ordo_http_arena(req), limit,
                                                 ordo_http_query(req, "after"), &items, &next, err)
                       : rc;
    return ordo_api_reply(
        req, rc, rc == ORDO_OK ? json_pack("{s:o, s:s?}", "items", items, "next", next) : NULL);
}

enum ordo_code ordo_api_webhook_get(struct ordo_http_req *req, struct ordo_err *err)
{
    PGconn *db = ordo_api_pg(req, err);
    struct ordo_hook_endpoint ep = {0};
    enum ordo_code rc = db ? ordo_hook_endpoint_get(db, ordo_http_arena(req), NULL,
                                                    ordo_http_param(req, 0), false, &ep, err)
                           : err->code;

    return ordo_api_reply(req, rc, rc == ORDO_OK ? ordo_hook_endpoint_json(&ep) : NULL);
}

enum ordo_code ordo_api_webhook_put(struct ordo_http_req *req, struct ordo_err *err)
{
    json_t *body = NULL, *out = NULL;
    bool created = false;
    PGconn *db = NULL;
    static const char *const members[] = {
        "scheme",         "secret",    "previous_secret", "action",   "processId", "messageName",
        "correlationKey", "variables", "options",         "unsigned", "enabled",   NULL};
    enum ordo_code rc = ordo_http_body_object(req, members, &body, err);

    if (rc == ORDO_OK) {
        db = ordo_api_pg(req, err);
        rc = db ? ORDO_OK : err->code;
    }
    rc = rc == ORDO_OK
             ? ordo_hook_endpoint_put(db, ordo_http_arena(req), api_of(req)->vault,
                                      ordo_http_param(req, 0), body, loopback(api_of(req)),
                                      ordo_api_actor(req), &out, &created, err)
             : rc;
    if (rc == ORDO_OK) {
        ordo_http_reply_json(req, created ? 201 : 200, out);
    }
    return rc;
}

enum ordo_code ordo_api_webhook_delete(struct ordo_http_req *req, struct ordo_err *err)
{
    PGconn *db = ordo_api_pg(req, err);
    enum ordo_code rc =
        db ? ordo_hook_endpoint_delete(db, ordo_http_arena(req), ordo_http_param(req, 0),
                                       ordo_api_actor(req), err)
           : err->code;

    if (rc == ORDO_OK) {
        ordo_http_reply_json(req, 204, NULL);
    }
    return rc;
}

enum ordo_code ordo_api_webhook_deliveries(struct ordo_http_req *req, struct ordo_err *err)
{
    int limit = 50;
    json_t *items = NULL;
    struct ordo_hook_endpoint ep = {0};
    PGconn *db = NULL;
    enum ordo_code rc = read_limit(req, &limit, err);

    if (rc == ORDO_OK) {
        db = ordo_api_pg(req, err);
        rc = db ? ORDO_OK : err->code;
    }
    rc = rc == ORDO_OK ? ordo_hook_endpoint_get(db, ordo_http_arena(req), NULL,
                                                ordo_http_param(req, 0), false, &ep, err)
                       : rc;
    rc = rc == ORDO_OK ? ordo_hook_deliveries(db, ordo_http_arena(req), ep.name, limit, &items, err)
                       : rc;
    return ordo_api_reply(req, rc,
                          rc == ORDO_OK ? json_pack("{s:o, s:n}", "items", items, "next") : NULL);
}
