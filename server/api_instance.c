/*
 * server/api_instance.c - /api/instances: start, cancel, and the
 * operator's other verbs on running instances.
 */
#include <string.h>

#include "base/json.h"
#include "core/query.h"
#include "core/store.h"
#include "server/api.h"

#define BUSINESS_KEY_MAX 256

static enum ordo_code start_request(struct ordo_http_req *req, struct ordo_start *s,
                                    struct ordo_err *err)
{
    static const char *const fields[] = {"processId", "version", "variables", "businessKey", NULL};
    json_t *body;
    json_int_t version = 0;
    enum ordo_code rc = ordo_http_body_object(req, fields, &body, err);

    memset(s, 0, sizeof *s);
    if (rc == ORDO_OK) {
        rc = ordo_json_get_string(body, "processId", &s->process_id, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_json_opt_int(body, "version", &version, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_json_opt_string(body, "businessKey", &s->business_key, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_api_variables(body, &s->variables, err);
    }
    if (rc == ORDO_OK && (version < 0 || version > INT32_MAX)) {
        rc = ordo_err_set(err, ORDO_E_UNPROCESSABLE, "version must be a positive integer");
    }
    if (rc == ORDO_OK && s->business_key && strlen(s->business_key) > BUSINESS_KEY_MAX) {
        rc = ordo_err_set(err, ORDO_E_UNPROCESSABLE, "businessKey is longer than %d bytes",
                          BUSINESS_KEY_MAX);
    }
    s->version = (int)version;
    s->actor = ordo_api_actor(req);
    return rc;
}

enum ordo_code ordo_api_instance_start(struct ordo_http_req *req, struct ordo_err *err)
{
    struct ordo_start s;
    struct ordo_store *st;
    int64_t key = 0;
    bool replayed = false;
    enum ordo_code rc = start_request(req, &s, err);

    if (rc == ORDO_OK) {
        rc = ordo_api_idempotency_key(req, &s.idempotency_key, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_api_store(req, &st, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_store_start_once(st, &s, &key, &replayed, err);
    }
    if (rc == ORDO_OK) {
        ordo_http_reply_json(req, replayed ? 200 : 201,
                             json_pack("{s:o, s:s, s:s?}", "key", ordo_api_key_json(key),
                                       "processId", s.process_id, "businessKey", s.business_key));
    }
    return rc;
}

enum ordo_code ordo_api_instance_cancel(struct ordo_http_req *req, struct ordo_err *err)
{
    struct ordo_store *st;
    int64_t key;
    enum ordo_code rc = ordo_http_param_key(req, 0, &key, err);

    if (rc == ORDO_OK) {
        rc = ordo_api_store(req, &st, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_store_cancel(st, key, ordo_api_actor(req), err);
    }
    return rc;
}

enum ordo_code ordo_api_instance_list(struct ordo_http_req *req, struct ordo_err *err)
{
    struct ordo_instance_query q = {
        .process_id = ordo_http_query(req, "processId"),
        .definition_key = ordo_http_query(req, "definitionKey"),
        .state = ordo_http_query(req, "state"),
        .business_key = ordo_http_query(req, "businessKey"),
        .limit = ordo_http_query(req, "limit"),
        .after = ordo_http_query(req, "after"),
    };
    struct ordo_store *st;
    json_t *out = NULL;
    enum ordo_code rc = ordo_api_store(req, &st, err);

    if (rc == ORDO_OK) {
        rc = ordo_query_list_instances(st, &q, &out, err);
    }
    return ordo_api_reply(req, rc, out);
}

static enum ordo_code get_one(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                              struct ordo_err *err)
{
    json_t *out = NULL;

    enum ordo_code rc = ordo_query_get_instance(st, key, &out, err);

    return ordo_api_reply(req, rc, out);
}

enum ordo_code ordo_api_instance_get(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, get_one, err);
}

static enum ordo_code suspend(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                              struct ordo_err *err)
{
    return ordo_query_suspend_instance(st, key, true, ordo_api_actor(req), err);
}

static enum ordo_code resume(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                             struct ordo_err *err)
{
    return ordo_query_suspend_instance(st, key, false, ordo_api_actor(req), err);
}

enum ordo_code ordo_api_instance_suspend(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, suspend, err);
}

enum ordo_code ordo_api_instance_resume(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, resume, err);
}

static enum ordo_code set_variables(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                                    struct ordo_err *err)
{
    static const char *const fields[] = {"variables", NULL};
    const json_t *vars = NULL;
    json_t *body;
    enum ordo_code rc = ordo_http_body_object(req, fields, &body, err);

    if (rc == ORDO_OK) {
        rc = ordo_api_variables(body, &vars, err);
    }
    if (rc == ORDO_OK && !vars) {
        rc = ordo_err_set(err, ORDO_E_UNPROCESSABLE, "variables (an object) is required");
    }
    return rc == ORDO_OK ? ordo_query_set_variables(st, key, vars, ordo_api_actor(req), err) : rc;
}

enum ordo_code ordo_api_instance_variables(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, set_variables, err);
}

enum ordo_code ordo_api_instance_bulk_cancel(struct ordo_http_req *req, struct ordo_err *err)
{
    struct ordo_store *st;
    int64_t *keys;
    size_t n = 0;
    json_t *out = NULL;
    enum ordo_code rc = ordo_api_keys(req, &keys, &n, err);

    if (rc == ORDO_OK) {
        rc = ordo_api_store(req, &st, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_query_cancel_instances(st, keys, n, ordo_api_actor(req), &out, err);
    }
    return ordo_api_reply(req, rc, out);
}

static enum ordo_code jobs(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                           struct ordo_err *err)
{
    struct ordo_job_query q = {
        .instance_key = ordo_http_param(req, 0),
        .type = ordo_http_query(req, "type"),
        .limit = ordo_http_query(req, "limit"),
        .after = ordo_http_query(req, "after"),
    };
    json_t *out = NULL, *inst = NULL;
    enum ordo_code rc = ordo_query_get_instance(st, key, &inst, err); /* 404 when unknown */

    json_decref(inst);
    if (rc == ORDO_OK) {
        rc = ordo_query_list_jobs(st, &q, &out, err);
    }
    return ordo_api_reply(req, rc, out);
}

enum ordo_code ordo_api_instance_jobs(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, jobs, err);
}
