/*
 * server/c8_instance.c - POST /v2/process-instances (start by
 * processDefinitionId with processDefinitionVersion, -1 or absent for the
 * newest, or by processDefinitionKey) and
 * POST /v2/process-instances/{key}/cancellation.
 *
 * A start answers as soon as the instance waits (awaitCompletion is
 * refused: wait with GET /api/instances/{key}/wait); start and runtime
 * instructions and tags are refused with a 400 that says so, so a client
 * never believes they were applied. The Idempotency-Key header works as on
 * POST /api/instances.
 */
#include <string.h>

#include "base/json.h"
#include "core/query.h"
#include "core/store.h"
#include "server/api.h"
#include "server/c8.h"

/* A member that must be absent, null, false or an empty array: what this
 * dialect does not do. */
static enum ordo_code unsupported(const json_t *body, const char *name, const char *why,
                                  struct ordo_err *err)
{
    const json_t *v = json_object_get(body, name);

    if (!v || json_is_null(v) || json_is_false(v) || (json_is_array(v) && !json_array_size(v))) {
        return ORDO_OK;
    }
    return ordo_err_set(err, ORDO_E_INVAL, "%s is not supported: %s", name, why);
}

static enum ordo_code refuse_unsupported(const json_t *body, struct ordo_err *err)
{
    enum ordo_code rc = unsupported(
        body, "awaitCompletion",
        "start, then wait with GET /api/instances/{key}/wait (docs/camunda8-rest.md)", err);

    if (rc == ORDO_OK) {
        rc = unsupported(body, "startInstructions", "instances start at their start event", err);
    }
    if (rc == ORDO_OK) {
        rc = unsupported(body, "runtimeInstructions", "Ordo has no runtime instructions", err);
    }
    if (rc == ORDO_OK) {
        rc = unsupported(body, "tags", "Ordo instances carry no tags", err);
    }
    return rc;
}

/* processDefinitionKey: the process id and version of that definition. */
static enum ordo_code by_key(struct ordo_http_req *req, struct ordo_store *st, const json_t *value,
                             struct ordo_start *s, struct ordo_err *err)
{
    int64_t key = 0;
    json_t *def = NULL;
    enum ordo_code rc = ordo_c8_key(value, "processDefinitionKey", &key, err);

    if (rc == ORDO_OK) {
        rc = ordo_query_get_definition(st, key, &def, err);
    }
    if (rc == ORDO_OK) {
        s->process_id = ordo_arena_strdup(ordo_http_arena(req),
                                          json_string_value(json_object_get(def, "processId")));
        s->version = (int)json_integer_value(json_object_get(def, "version"));
        json_decref(def);
    }
    return rc;
}

static enum ordo_code start_request(struct ordo_http_req *req, struct ordo_store *st,
                                    struct ordo_start *s, struct ordo_err *err)
{
    static const char *const fields[] = {"processDefinitionId",
                                         "processDefinitionKey",
                                         "processDefinitionVersion",
                                         "variables",
                                         "tenantId",
                                         "operationReference",
                                         "startInstructions",
                                         "runtimeInstructions",
                                         "awaitCompletion",
                                         "fetchVariables",
                                         "requestTimeout",
                                         "tags",
                                         NULL};
    json_t *body = NULL;
    const json_t *key;
    json_int_t version = -1;
    enum ordo_code rc = ordo_c8_body(req, fields, &body, err);

    memset(s, 0, sizeof *s);
    s->actor = ordo_api_actor(req);
    if (rc != ORDO_OK) {
        return rc;
    }
    rc = refuse_unsupported(body, err);
    if (rc == ORDO_OK) {
        rc = ordo_c8_variables(body, &s->variables, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_c8_opt_int(body, "processDefinitionVersion", -1, INT32_MAX, &version, err);
    }
    if (rc == ORDO_OK && version == 0) {
        rc = ordo_err_set(err, ORDO_E_INVAL,
                          "processDefinitionVersion must be -1 (the newest) or a version");
    }
    if (rc == ORDO_OK) {
        rc = ordo_c8_invalid(ordo_json_opt_string(body, "processDefinitionId", &s->process_id, err),
                             err);
    }
    key = json_object_get(body, "processDefinitionKey");
    if (json_is_null(key)) {
        key = NULL;
    }
    if (rc == ORDO_OK && (s->process_id != NULL) == (key != NULL)) {
        rc = ordo_err_set(err, ORDO_E_INVAL,
                          "give either processDefinitionId or processDefinitionKey");
    }
    if (rc == ORDO_OK && key && version != -1) {
        rc = ordo_err_set(err, ORDO_E_INVAL,
                          "processDefinitionVersion goes with processDefinitionId only");
    }
    if (rc == ORDO_OK && key) {
        rc = by_key(req, st, key, s, err);
    } else {
        s->version = version < 0 ? 0 : (int)version;
    }
    return rc;
}

enum ordo_code ordo_c8_instance_create(struct ordo_http_req *req, struct ordo_err *err)
{
    struct ordo_start s;
    struct ordo_store *st = NULL;
    int64_t key = 0;
    bool replayed = false;
    json_t *inst = NULL;
    enum ordo_code rc = ordo_api_store(req, &st, err);

    if (rc == ORDO_OK) {
        rc = start_request(req, st, &s, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_api_idempotency_key(req, &s.idempotency_key, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_store_start_once(st, &s, &key, &replayed, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_query_get_instance(st, key, &inst, err);
    }
    if (rc != ORDO_OK) {
        return ordo_c8_invalid(rc, err);
    }
    ordo_http_reply_json(req, 200,
                         json_pack("{s:O, s:O, s:s, s:{}, s:O, s:o}", "processDefinitionId",
                                   json_object_get(inst, "processId"), "processDefinitionVersion",
                                   json_object_get(inst, "version"), "tenantId", ORDO_C8_TENANT,
                                   "variables", "processDefinitionKey",
                                   json_object_get(inst, "definitionKey"), "processInstanceKey",
                                   ordo_api_key_json(key)));
    json_decref(inst);
    return ORDO_OK;
}

enum ordo_code ordo_c8_instance_cancel(struct ordo_http_req *req, struct ordo_err *err)
{
    static const char *const fields[] = {"operationReference", NULL};
    struct ordo_store *st;
    json_t *body = NULL;
    int64_t key;
    enum ordo_code rc = ordo_http_param_key(req, 0, &key, err);

    if (rc == ORDO_OK) {
        rc = ordo_c8_body(req, fields, &body, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_api_store(req, &st, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_store_cancel(st, key, ordo_api_actor(req), err);
    }
    return rc;
}
