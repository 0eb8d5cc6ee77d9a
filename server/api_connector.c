/*
 * server/api_connector.c - the installed connectors and their credentials
 * (docs/api.md "Connectors and credentials"):
 *
 *   GET    /api/connectors                      the catalogue, and refused plugins
 *   GET    /api/connectors/{name}               one connector's catalogue entry
 *   GET    /api/element-templates               Camunda 8 element templates
 *   GET    /api/credentials[?connector=]        credentials, never their secrets
 *   PUT    /api/credentials/{connector}/{name}  set: {"config":{...},"secret":{...},
 *                                                     "ratePerMinute":N}
 *   DELETE /api/credentials/{connector}/{name}
 *   POST   /api/credentials/{connector}/{name}/test
 *
 * A credential is checked against its connector's schemas before it is
 * stored (CONTRACTS §11 subset): the connector must be installed, the
 * configuration must fit its configuration schema and the secret its
 * credential schema, so a typo is a 422 now and not an incident later.
 * Secrets are write-only: no answer, audit row or log line holds them.
 *
 * A PUT replaces the whole credential: a member left out is empty (config,
 * secret) or no budget (ratePerMinute 0), as the list shows it after.
 */
#include <string.h>

#include <jansson.h>

#include "base/json.h"
#include "base/schema.h"
#include "core/credential.h"
#include "plugins/catalogue.h"
#include "plugins/host.h"
#include "plugins/registry.h"
#include "server/api.h"
#include "server/http.h"

/* The largest ratePerMinute, as the table's CHECK says (migration 0006). */
#define RATE_MAX 1000000

static const struct ordo_registry *registry(struct ordo_http_req *req)
{
    const struct ordo_api *api = ordo_http_app(req);

    return api->registry;
}

/* The refused plugins: an operator's first question when an action is missing. */
static json_t *refused_json(const struct ordo_registry *reg)
{
    json_t *out = json_array();

    for (size_t i = 0; reg && i < ordo_registry_refused_count(reg); i++) {
        const struct ordo_registry_refusal *r = ordo_registry_refused(reg, i);

        (void)json_array_append_new(out,
                                    json_pack("{s:s, s:s}", "file", r->file, "reason", r->message));
    }
    return out;
}

enum ordo_code ordo_api_connector_list(struct ordo_http_req *req, struct ordo_err *err)
{
    const struct ordo_registry *reg = registry(req);
    size_t n = 0;
    const struct ordo_connector *const *descs = reg ? ordo_registry_descriptors(reg, &n) : NULL;
    json_t *doc = NULL;
    enum ordo_code rc = ordo_catalogue_json(descs, n, &doc, err);

    if (rc == ORDO_OK) {
        (void)json_object_set_new(doc, "refused", refused_json(reg));
    }
    return ordo_api_reply(req, rc, doc);
}

enum ordo_code ordo_api_connector_get(struct ordo_http_req *req, struct ordo_err *err)
{
    const struct ordo_registry *reg = registry(req);
    const char *name = ordo_http_param(req, 0);
    const struct ordo_plugin *p = reg ? ordo_registry_find(reg, name) : NULL;
    const struct ordo_connector *one;
    json_t *doc = NULL;
    json_t *entry = NULL;
    enum ordo_code rc;

    if (!p) {
        return ordo_err_set(err, ORDO_E_NOTFOUND, "connector \"%s\" is not installed", name);
    }
    one = p->desc;
    rc = ordo_catalogue_json(&one, 1, &doc, err);
    if (rc == ORDO_OK) {
        entry = json_incref(json_array_get(json_object_get(doc, "connectors"), 0));
    }
    json_decref(doc);
    return ordo_api_reply(req, rc, entry);
}

enum ordo_code ordo_api_element_templates(struct ordo_http_req *req, struct ordo_err *err)
{
    const struct ordo_registry *reg = registry(req);
    size_t n = 0;
    const struct ordo_connector *const *descs = reg ? ordo_registry_descriptors(reg, &n) : NULL;
    json_t *doc = NULL;
    enum ordo_code rc = ordo_catalogue_element_templates(descs, n, &doc, err);

    return ordo_api_reply(req, rc, doc);
}

enum ordo_code ordo_api_credential_list(struct ordo_http_req *req, struct ordo_err *err)
{
    PGconn *db = ordo_api_pg(req, err);
    json_t *items = NULL;
    enum ordo_code rc =
        db ? ordo_credential_list(db, ordo_http_query(req, "connector"), &items, err) : err->code;

    return ordo_api_reply(req, rc,
                          rc == ORDO_OK ? json_pack("{s:o, s:n}", "items", items, "next") : NULL);
}

/* The connector named by the path, installed. */
static const struct ordo_plugin *path_connector(struct ordo_http_req *req, struct ordo_err *err)
{
    const struct ordo_registry *reg = registry(req);
    const char *name = ordo_http_param(req, 0);
    const struct ordo_plugin *p = reg ? ordo_registry_find(reg, name) : NULL;

    if (!p) {
        (void)ordo_err_set(err, ORDO_E_NOTFOUND, "connector \"%s\" is not installed", name);
    }
    return p;
}

/* 'part' of the body (an object or absent) against 'schema' ("config" or
 * "secret"); a connector without the schema takes nothing there. */
static enum ordo_code check_part(const struct ordo_plugin *p, const char *part,
                                 const struct ordo_schema *schema, const json_t *value,
                                 struct ordo_err *err)
{
    struct ordo_err verr = {0};

    if (value && !json_is_object(value)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "\"%s\" must be an object", part);
    }
    if (!schema) {
        return value && json_object_size(value) > 0
                   ? ordo_err_set(err, ORDO_E_UNPROCESSABLE, "connector %s takes no %s",
                                  p->desc->name, part)
                   : ORDO_OK;
    }
    if (ordo_schema_validate(schema, value, NULL, &verr) != ORDO_OK) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "%s of connector %s: %s", part,
                            p->desc->name, verr.msg);
    }
    return ORDO_OK;
}

/* "ratePerMinute": calls a minute from all nodes (plugins/throttle.h); absent: 0, no budget. */
static enum ordo_code rate_member(const json_t *body, int *out, struct ordo_err *err)
{
    json_int_t rate = 0;
    enum ordo_code rc = ordo_json_opt_int(body, "ratePerMinute", &rate, err);

    if (rc == ORDO_OK && (rate < 0 || rate > RATE_MAX)) {
        rc = ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                          "field \"ratePerMinute\" must be 0 (no budget) to %d", RATE_MAX);
    }
    *out = rc == ORDO_OK ? (int)rate : 0;
    return rc;
}

enum ordo_code ordo_api_credential_set(struct ordo_http_req *req, struct ordo_err *err)
{
    static const char *const allowed[] = {"config", "secret", "ratePerMinute", NULL};
    const struct ordo_plugin *p = path_connector(req, err);
    json_t *body = NULL;
    json_t *empty = json_object();
    struct ordo_credential_input in = {0};
    bool created = false;
    int64_t id = 0;
    PGconn *db;
    enum ordo_code rc = p ? ordo_http_body_object(req, allowed, &body, err) : err->code;

    if (rc == ORDO_OK) {
        in.connector = p->desc->name;
        in.name = ordo_http_param(req, 1);
        in.config = json_object_get(body, "config") ? json_object_get(body, "config") : empty;
        in.secret = json_object_get(body, "secret") ? json_object_get(body, "secret") : empty;
        rc = rate_member(body, &in.rate_per_minute, err);
    }
    if (rc == ORDO_OK) {
        rc = check_part(p, "config", p->config, in.config, err);
    }
    if (rc == ORDO_OK) {
        rc = check_part(p, "secret", p->credential, in.secret, err);
    }
    if (rc == ORDO_OK) {
        const struct ordo_api *api = ordo_http_app(req);

        db = ordo_api_pg(req, err);
        rc = db ? ordo_credential_set(db, api->vault, &in, ordo_api_actor(req), &id, &created, err)
                : err->code;
    }
    json_decref(empty);
    if (rc == ORDO_OK) {
        ordo_http_reply_json(req, created ? 201 : 200,
                             json_pack("{s:o, s:s, s:s, s:b}", "id", ordo_api_key_json(id),
                                       "connector", in.connector, "name", in.name, "created",
                                       created));
    }
    return rc;
}

enum ordo_code ordo_api_credential_delete(struct ordo_http_req *req, struct ordo_err *err)
{
    PGconn *db = ordo_api_pg(req, err);
    enum ordo_code rc =
        db ? ordo_credential_delete(db, ordo_http_param(req, 0), ordo_http_param(req, 1),
                                    ordo_api_actor(req), err)
           : err->code;

    if (rc == ORDO_OK) {
        ordo_http_reply_json(req, 204, NULL);
    }
    return rc;
}

enum ordo_code ordo_api_credential_test(struct ordo_http_req *req, struct ordo_err *err)
{
    const struct ordo_api *api = ordo_http_app(req);
    const struct ordo_plugin *p = path_connector(req, err);
    enum ordo_code rc = p ? ordo_plugin_host_test_credential(api->plugins, p->desc->name,
                                                             ordo_http_param(req, 1), err)
                          : err->code;

    return ordo_api_reply(req, rc, rc == ORDO_OK ? json_pack("{s:b}", "ok", 1) : NULL);
}
