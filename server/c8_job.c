/*
 * server/c8_job.c - Camunda 8 job workers over REST (core/extjob.h):
 *
 *   POST /v2/jobs/activation        lock up to maxJobsToActivate jobs of
 *       one type for 'timeout' ms. With requestTimeout > 0 (0: 10 s) the
 *       request waits until a job appears or that time passes (a deferred
 *       route holding neither a thread nor a connection, woken by the job
 *       and change notifications, server/waker.h); absent or < 0 answers
 *       at once, as Zeebe does for a negative value.
 *   POST /v2/jobs/{jobKey}/completion, /failure, /error   the outcomes,
 *       204. Camunda 8 names no worker in them, so any external worker's
 *       lock is accepted; a job nobody activated is 409 (core/extjob.h).
 *
 * Ordo has no element instance keys on jobs: elementInstanceKey is the job
 * key (docs/camunda8-rest.md).
 */
#include <string.h>

#include "base/json.h"
#include "core/extjob.h"
#include "server/api.h"
#include "server/c8.h"

#define MAX_JOBS        1000
#define DEFAULT_WAIT_MS 10000                 /* requestTimeout 0: Zeebe's gateway default */
#define MAX_WAIT_MS     ((json_int_t)1800000) /* 30 min, as Camunda 7's long poll */
#define MAX_BACKOFF_MS  ((json_int_t)ORDO_EXTJOB_MAX_LOCK_MS)

/* An activation request, parsed once and kept while it waits. */
struct activation {
    struct ordo_extjob_topic topic;
    const char *worker;
    int max;
    const json_t *fetch; /* fetchVariable: an array of names, or NULL: every variable */
    int64_t wait_ms;     /* 0: answer at once */
};

static enum ordo_code check_tenants(const json_t *body, struct ordo_err *err)
{
    const json_t *ids = json_object_get(body, "tenantIds"), *id;
    size_t i;
    enum ordo_code rc = ORDO_OK;

    if (ids && !json_is_null(ids) && !json_is_array(ids)) {
        return ordo_err_set(err, ORDO_E_INVAL, "tenantIds must be an array of strings");
    }
    json_array_foreach(ids, i, id)
    {
        rc = ordo_c8_tenant(id, "tenantIds[]", err);
        if (rc != ORDO_OK) {
            break;
        }
    }
    return rc;
}

static enum ordo_code check_fetch(const json_t *fetch, struct ordo_err *err)
{
    const json_t *name;
    size_t i;

    if (!fetch || json_is_null(fetch)) {
        return ORDO_OK;
    }
    if (!json_is_array(fetch)) {
        return ordo_err_set(err, ORDO_E_INVAL, "fetchVariable must be an array of names");
    }
    json_array_foreach(fetch, i, name)
    {
        if (!json_is_string(name)) {
            return ordo_err_set(err, ORDO_E_INVAL, "fetchVariable must be an array of names");
        }
    }
    return ORDO_OK;
}

static enum ordo_code parse_activation(struct ordo_http_req *req, struct activation *a,
                                       struct ordo_err *err)
{
    static const char *const fields[] = {"type",
                                         "worker",
                                         "timeout",
                                         "maxJobsToActivate",
                                         "fetchVariable",
                                         "requestTimeout",
                                         "tenantIds",
                                         "tenantFilter",
                                         NULL};
    json_int_t timeout = 0, max = 0, wait = -1;
    json_t *body = NULL;
    enum ordo_code rc = ordo_c8_body(req, fields, &body, err);

    memset(a, 0, sizeof *a);
    a->worker = "default"; /* Zeebe's name for a worker that gives none */
    if (rc == ORDO_OK) {
        rc = ordo_c8_invalid(ordo_json_get_string(body, "type", &a->topic.type, err), err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_c8_invalid(ordo_json_get_int(body, "timeout", &timeout, err), err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_c8_invalid(ordo_json_get_int(body, "maxJobsToActivate", &max, err), err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_c8_invalid(ordo_json_opt_string(body, "worker", &a->worker, err), err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_c8_opt_int(body, "requestTimeout", INT64_MIN, MAX_WAIT_MS, &wait, err);
    }
    if (rc == ORDO_OK && (!*a->topic.type || strlen(a->topic.type) > 255)) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "type must be 1..255 bytes");
    }
    if (rc == ORDO_OK && (!*a->worker || strlen(a->worker) > ORDO_EXTJOB_MAX_WORKER)) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "worker must be 1..%d bytes", ORDO_EXTJOB_MAX_WORKER);
    }
    if (rc == ORDO_OK && (timeout < 1 || timeout > ORDO_EXTJOB_MAX_LOCK_MS)) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "timeout must be 1..%lld milliseconds",
                          (long long)ORDO_EXTJOB_MAX_LOCK_MS);
    }
    if (rc == ORDO_OK && (max < 1 || max > MAX_JOBS)) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "maxJobsToActivate must be 1..%d", MAX_JOBS);
    }
    if (rc == ORDO_OK) {
        rc = check_fetch(json_object_get(body, "fetchVariable"), err);
    }
    if (rc == ORDO_OK) {
        rc = check_tenants(body, err);
    }
    a->topic.lock_ms = timeout;
    a->max = (int)max;
    a->fetch = json_is_array(json_object_get(body, "fetchVariable"))
                   ? json_object_get(body, "fetchVariable")
                   : NULL;
    a->wait_ms = wait < 0 ? 0 : wait == 0 ? DEFAULT_WAIT_MS : wait;
    return rc;
}

/* The job's variables, only those named in 'fetch' when given. */
static json_t *variables_json(const json_t *vars, const json_t *fetch)
{
    json_t *out, *name;
    size_t i;

    if (!fetch) {
        return json_deep_copy(vars);
    }
    out = json_object();
    json_array_foreach(fetch, i, name)
    {
        json_t *v = json_object_get(vars, json_string_value(name));

        if (v) {
            json_object_set_new(out, json_string_value(name), json_deep_copy(v));
        }
    }
    return out;
}

static json_t *job_json(const struct ordo_extjob *j, const char *worker, const json_t *fetch)
{
    json_t *job = json_pack(
        "{s:s, s:s, s:i, s:s, s:o, s:s, s:i, s:I, s:o, s:s, s:o, s:o, s:o, s:o}", "type", j->type,
        "processDefinitionId", j->process_id, "processDefinitionVersion", j->version, "elementId",
        j->element_id, "customHeaders", json_deep_copy(j->headers), "worker", worker, "retries",
        j->retries, "deadline", (json_int_t)j->deadline_ms, "variables",
        variables_json(j->variables, fetch), "tenantId", ORDO_C8_TENANT, "jobKey",
        ordo_api_key_json(j->key), "processInstanceKey", ordo_api_key_json(j->instance_key),
        "processDefinitionKey", ordo_api_key_json(j->definition_key), "elementInstanceKey",
        ordo_api_key_json(j->key));

    json_object_set_new(job, "kind", json_string("BPMN_ELEMENT"));
    json_object_set_new(job, "listenerEventType", json_string("UNSPECIFIED"));
    json_object_set_new(job, "tags", json_array());
    return job;
}

/* Lock what is due now, without holding a connection afterwards. */
static enum ordo_code lock_now(struct ordo_http_req *req, const struct activation *a,
                               struct ordo_extjob **jobs, size_t *n, struct ordo_err *err)
{
    struct ordo_api *api = ordo_http_app(req);
    struct ordo_store *st = NULL;
    enum ordo_code rc = ordo_api_external_type(req, a->topic.type, err);

    if (rc == ORDO_OK) {
        rc = ordo_api_borrow(api, &st, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_extjob_lock(st, a->worker, &a->topic, 1, a->max, ordo_http_arena(req), jobs, n,
                              err);
    }
    ordo_api_return(api, st);
    return rc;
}

enum ordo_code ordo_c8_job_activate(struct ordo_http_req *req, struct ordo_err *err)
{
    struct activation *a = ordo_http_ctx(req);
    struct ordo_extjob *jobs = NULL;
    size_t n = 0;
    json_t *list;
    enum ordo_code rc;

    if (!a) { /* the first run: parse once, keep it for the runs after a wake */
        a = ordo_arena_alloc(ordo_http_arena(req), sizeof *a);
        rc = parse_activation(req, a, err);
        if (rc != ORDO_OK) {
            return rc;
        }
        ordo_http_set_ctx(req, a);
    }
    rc = lock_now(req, a, &jobs, &n, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    if (n == 0 && a->wait_ms > 0 && !ordo_http_timed_out(req)) {
        ordo_http_defer(req, a->wait_ms);
        return ORDO_OK;
    }
    list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(list, job_json(&jobs[i], a->worker, a->fetch));
    }
    ordo_http_reply_json(req, 200, json_pack("{s:o}", "jobs", list));
    return ORDO_OK;
}

/* ---- outcomes -------------------------------------------------------------------------------- */

static enum ordo_code complete(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                               struct ordo_err *err)
{
    static const char *const fields[] = {"variables", "result", NULL};
    const json_t *vars = NULL, *result;
    json_t *body = NULL;
    enum ordo_code rc = ordo_c8_body(req, fields, &body, err);

    if (rc == ORDO_OK) {
        rc = ordo_c8_variables(body, &vars, err);
    }
    result = json_object_get(body, "result");
    if (rc == ORDO_OK && result && !json_is_null(result)) {
        rc = ordo_err_set(err, ORDO_E_INVAL,
                          "result is not supported: it answers task listeners, which Ordo has not");
    }
    return rc == ORDO_OK ? ordo_extjob_complete(st, key, NULL, vars, ordo_api_actor(req), err) : rc;
}

static enum ordo_code fail(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                           struct ordo_err *err)
{
    static const char *const fields[] = {"retries", "errorMessage", "retryBackOff", "variables",
                                         NULL};
    const json_t *vars = NULL;
    const char *message = "the worker failed the job";
    json_int_t retries = 0, backoff = 0;
    json_t *body = NULL;
    enum ordo_code rc = ordo_c8_body(req, fields, &body, err);

    if (rc == ORDO_OK) {
        rc = ordo_c8_variables(body, &vars, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_c8_opt_int(body, "retries", 0, INT32_MAX, &retries, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_c8_opt_int(body, "retryBackOff", 0, MAX_BACKOFF_MS, &backoff, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_c8_invalid(ordo_json_opt_string(body, "errorMessage", &message, err), err);
    }
    return rc == ORDO_OK ? ordo_extjob_fail(st, key, NULL, message, (int)retries, backoff, vars,
                                            ordo_api_actor(req), err)
                         : rc;
}

static enum ordo_code error(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                            struct ordo_err *err)
{
    static const char *const fields[] = {"errorCode", "errorMessage", "variables", NULL};
    const json_t *vars = NULL;
    const char *code = NULL, *message = NULL;
    json_t *body = NULL;
    enum ordo_code rc = ordo_c8_body(req, fields, &body, err);

    if (rc == ORDO_OK) {
        rc = ordo_c8_variables(body, &vars, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_c8_invalid(ordo_json_get_string(body, "errorCode", &code, err), err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_c8_invalid(ordo_json_opt_string(body, "errorMessage", &message, err), err);
    }
    if (rc == ORDO_OK && !*code) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "errorCode must not be empty");
    }
    return rc == ORDO_OK
               ? ordo_extjob_error(st, key, NULL, code, message, vars, ordo_api_actor(req), err)
               : rc;
}

enum ordo_code ordo_c8_job_complete(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, complete, err);
}

enum ordo_code ordo_c8_job_fail(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, fail, err);
}

enum ordo_code ordo_c8_job_error(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, error, err);
}
