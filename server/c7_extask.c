/*
 * server/c7_extask.c - the Camunda 7 external-task API under
 * /engine-rest/external-task, what camunda-external-task-client-js calls
 * (lib/__internal/EngineService.js), on Ordo's external jobs
 * (core/extjob.h): a topic is a job type, an external task id a job key.
 *
 * fetchAndLock long-polls (asyncResponseTimeout, at most 30 minutes as
 * in Camunda): with nothing to lock it defers the request, holding
 * neither a thread nor a database connection, and looks again whenever
 * the waker wakes it (a NOTIFY on the job channel, or the one-second
 * tick), answering [] when the time is up.
 *
 * Outcomes come from the worker that holds the lock: another worker's
 * call is refused (409, core/extjob.h). Local variables have no scope of
 * their own here: they are set like 'variables' (docs/camunda7-rest.md).
 */
#include <string.h>

#include "base/json.h"
#include "core/extjob.h"
#include "core/store.h"
#include "server/api.h"
#include "server/c7.h"

#define MAX_TASKS        100
#define MAX_TOPICS       32
#define MAX_ASYNC_MS     1800000 /* Camunda's own bound on asyncResponseTimeout */
#define MAX_ERROR_DETAIL 4000

/* One topic of a fetchAndLock body, with the variables it asks for. */
struct topic {
    struct ordo_extjob_topic t;
    const json_t *variables; /* an array of names, or NULL: all */
};

struct fetch {
    const char *worker;
    json_int_t max_tasks;
    json_int_t async_ms;
    struct topic topics[MAX_TOPICS];
    size_t ntopics;
};

/* processDefinitionKey, or a processDefinitionKeyIn of one key: the one
 * process filter Ordo's lock takes. */
static enum ordo_code topic_process(const json_t *t, const char **out, struct ordo_err *err)
{
    const json_t *in = json_object_get(t, "processDefinitionKeyIn");
    enum ordo_code rc = ordo_json_opt_string(t, "processDefinitionKey", out, err);

    if (rc != ORDO_OK || !in || json_is_null(in)) {
        return rc;
    }
    if (!json_is_array(in) || json_array_size(in) != 1 || !json_is_string(json_array_get(in, 0))) {
        return ordo_err_set(err, ORDO_E_INVAL,
                            "processDefinitionKeyIn: Ordo takes one process key per topic "
                            "(subscribe once per process)");
    }
    *out = json_string_value(json_array_get(in, 0));
    return ORDO_OK;
}

static bool names_only(const json_t *list)
{
    const json_t *v;
    size_t i;

    if (!json_is_array(list)) {
        return false;
    }
    json_array_foreach(list, i, v)
    {
        if (!json_is_string(v)) {
            return false;
        }
    }
    return true;
}

static enum ordo_code read_topic(const json_t *t, struct topic *out, struct ordo_err *err)
{
    static const char *const unsupported[] = {"processDefinitionId", "processDefinitionIdIn",
                                              "processDefinitionVersionTag", "processVariables",
                                              NULL};
    json_int_t lock = 0;
    enum ordo_code rc = ordo_json_get_string(t, "topicName", &out->t.type, err);

    if (rc == ORDO_OK) {
        rc = ordo_json_get_int(t, "lockDuration", &lock, err);
    }
    if (rc == ORDO_OK && (lock < 1 || lock > ORDO_EXTJOB_MAX_LOCK_MS)) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "lockDuration must be 1..%lld milliseconds",
                          (long long)ORDO_EXTJOB_MAX_LOCK_MS);
    }
    if (rc == ORDO_OK) {
        rc = ordo_json_opt_string(t, "businessKey", &out->t.business_key, err);
    }
    if (rc == ORDO_OK) {
        rc = topic_process(t, &out->t.process_id, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_c7_tenant_json(json_object_get(t, "tenantIdIn"), "tenantIdIn", err);
    }
    for (size_t i = 0; rc == ORDO_OK && unsupported[i]; i++) {
        const json_t *v = json_object_get(t, unsupported[i]);

        if (v && !json_is_null(v)) {
            rc = ordo_err_set(err, ORDO_E_INVAL, "the topic filter %s is not supported",
                              unsupported[i]);
        }
    }
    out->t.lock_ms = lock;
    out->variables = json_object_get(t, "variables");
    if (rc == ORDO_OK && out->variables && !json_is_null(out->variables) &&
        !names_only(out->variables)) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "variables of a topic must be an array of names");
    }
    return rc;
}

static enum ordo_code read_fetch(struct ordo_http_req *req, struct fetch *f, struct ordo_err *err)
{
    static const char *const fields[] = {
        "workerId", "maxTasks", "usePriority", "asyncResponseTimeout", "topics", "sorting", NULL};
    json_t *body, *topics = NULL, *t;
    size_t i;
    enum ordo_code rc = ordo_http_body_object(req, fields, &body, err);

    memset(f, 0, sizeof *f);
    if (rc == ORDO_OK) {
        rc = ordo_json_get_string(body, "workerId", &f->worker, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_json_get_int(body, "maxTasks", &f->max_tasks, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_json_opt_int(body, "asyncResponseTimeout", &f->async_ms, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_json_get_array(body, "topics", &topics, err);
    }
    if (rc != ORDO_OK) {
        return rc;
    }
    if (!*f->worker || strlen(f->worker) > ORDO_EXTJOB_MAX_WORKER) {
        return ordo_err_set(err, ORDO_E_INVAL, "workerId must be 1..%d bytes",
                            ORDO_EXTJOB_MAX_WORKER);
    }
    if (f->max_tasks < 0 || f->max_tasks > MAX_TASKS) {
        return ordo_err_set(err, ORDO_E_INVAL, "maxTasks must be 0..%d", MAX_TASKS);
    }
    if (f->async_ms < 0 || f->async_ms > MAX_ASYNC_MS) {
        return ordo_err_set(err, ORDO_E_INVAL, "asyncResponseTimeout must be 0..%d milliseconds",
                            MAX_ASYNC_MS);
    }
    if (json_array_size(topics) > MAX_TOPICS) {
        return ordo_err_set(err, ORDO_E_INVAL, "at most %d topics", MAX_TOPICS);
    }
    json_array_foreach(topics, i, t)
    {
        rc = read_topic(t, &f->topics[f->ntopics++], err);
        if (rc != ORDO_OK) {
            return rc;
        }
    }
    return ORDO_OK;
}

/* The variables a topic asks for, typed. */
static json_t *task_variables(const struct fetch *f, const struct ordo_extjob *j)
{
    const json_t *names = NULL, *n;
    json_t *picked, *typed;
    size_t i;

    for (size_t k = 0; k < f->ntopics && !names; k++) {
        if (strcmp(f->topics[k].t.type, j->type) == 0) {
            names = f->topics[k].variables;
        }
    }
    if (!json_is_array(names)) {
        return ordo_c7_vars_typed(j->variables);
    }
    picked = json_object();
    json_array_foreach(names, i, n)
    {
        const json_t *v = json_object_get(j->variables, json_string_value(n));

        if (v) {
            json_object_set(picked, json_string_value(n), (json_t *)v);
        }
    }
    typed = ordo_c7_vars_typed(picked);
    json_decref(picked);
    return typed;
}

/* A locked job as Camunda 7's LockedExternalTaskDto. */
static json_t *task_json(const struct fetch *f, const struct ordo_extjob *j)
{
    json_t *id = ordo_api_key_json(j->key);
    json_t *inst = ordo_api_key_json(j->instance_key);

    return json_pack("{s:s, s:n, s:s?, s:n, s:O, s:o, s:o, s:o, s:s, s:n, s:o, s:i, s:b, "
                     "s:s, s:s, s:n, s:o, s:i, s:s?, s:o}",
                     "activityId", j->element_id, "activityInstanceId", "errorMessage",
                     j->last_error, "errorDetails", "executionId", inst, "id", id,
                     "lockExpirationTime", ordo_c7_time_ms(j->deadline_ms), "processDefinitionId",
                     ordo_api_key_json(j->definition_key), "processDefinitionKey", j->process_id,
                     "processDefinitionVersionTag", "processInstanceId", inst, "retries",
                     j->retries, "suspended", 0, "workerId", f->worker, "topicName", j->type,
                     "tenantId", "variables", task_variables(f, j), "priority", 0, "businessKey",
                     j->business_key, "extensionProperties",
                     j->headers ? json_deep_copy(j->headers) : json_object());
}

static enum ordo_code lock_jobs(struct ordo_http_req *req, const struct fetch *f,
                                struct ordo_extjob **jobs, size_t *n, struct ordo_err *err)
{
    struct ordo_api *api = ordo_http_app(req);
    struct ordo_extjob_topic topics[MAX_TOPICS];
    struct ordo_store *st = NULL;
    enum ordo_code rc;

    *n = 0;
    if (f->max_tasks == 0 || f->ntopics == 0) {
        return ORDO_OK;
    }
    for (size_t i = 0; i < f->ntopics; i++) {
        topics[i] = f->topics[i].t;
        if (ordo_api_external_type(req, topics[i].type, err) != ORDO_OK) {
            return ORDO_E_UNPROCESSABLE;
        }
    }
    rc = ordo_api_borrow(api, &st, err);
    if (rc == ORDO_OK) {
        rc = ordo_extjob_lock(st, f->worker, topics, f->ntopics, (int)f->max_tasks,
                              ordo_http_arena(req), jobs, n, err);
    }
    ordo_api_return(api, st); /* never held while the request waits */
    return rc;
}

enum ordo_code ordo_c7_fetch_and_lock(struct ordo_http_req *req, struct ordo_err *err)
{
    struct ordo_extjob *jobs = NULL;
    struct fetch *f = ordo_http_ctx(req);
    json_t *out;
    size_t n = 0;
    enum ordo_code rc = ORDO_OK;

    if (!f) { /* the first run: parse once, keep it for the runs after a wake */
        f = ordo_arena_alloc(ordo_http_arena(req), sizeof *f);
        rc = read_fetch(req, f, err);
        if (rc != ORDO_OK) {
            return rc;
        }
        ordo_http_set_ctx(req, f);
    }
    rc = lock_jobs(req, f, &jobs, &n, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    if (n == 0 && f->async_ms > 0 && f->max_tasks > 0 && !ordo_http_timed_out(req)) {
        ordo_http_defer(req, f->async_ms);
        return ORDO_OK;
    }
    out = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(out, task_json(f, &jobs[i]));
    }
    ordo_http_reply_json(req, 200, out);
    return ORDO_OK;
}

/* ---- outcomes ---------------------------------------------------------------------------------
 */

/* The body of an outcome: the worker and its variables (typed, merged with
 * the local ones). */
struct outcome {
    json_t *body;
    const char *worker;
    json_t *vars; /* plain; belongs to the request */
};

static enum ordo_code read_outcome(struct ordo_http_req *req, const char *const *fields,
                                   struct outcome *o, struct ordo_err *err)
{
    json_t *local = NULL;
    enum ordo_code rc = ordo_http_body_object(req, fields, &o->body, err);

    o->worker = NULL;
    o->vars = NULL;
    if (rc == ORDO_OK) {
        rc = ordo_json_get_string(o->body, "workerId", &o->worker, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_c7_vars_plain(json_object_get(o->body, "variables"), "variables", &o->vars, err);
    }
    if (rc == ORDO_OK) {
        ordo_json_defer(ordo_http_arena(req), o->vars);
        rc = ordo_c7_vars_plain(json_object_get(o->body, "localVariables"), "localVariables",
                                &local, err);
    }
    if (rc == ORDO_OK) {
        json_object_update(o->vars, local);
        json_decref(local);
    }
    return rc;
}

static enum ordo_code done(struct ordo_http_req *req, enum ordo_code rc)
{
    if (rc == ORDO_OK) {
        ordo_c7_no_content(req);
    }
    return rc;
}

static enum ordo_code complete(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                               struct ordo_err *err)
{
    static const char *const fields[] = {"workerId", "variables", "localVariables", NULL};
    struct outcome o;
    enum ordo_code rc = read_outcome(req, fields, &o, err);

    if (rc == ORDO_OK) {
        rc = ordo_extjob_complete(st, key, o.worker, o.vars, ordo_api_actor(req), err);
    }
    return done(req, rc);
}

enum ordo_code ordo_c7_extask_complete(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, complete, err);
}

/* The incident's message: errorMessage, with errorDetails after it. */
static const char *failure_message(struct ordo_http_req *req, const json_t *body)
{
    const char *msg = json_string_value(json_object_get(body, "errorMessage"));
    const char *details = json_string_value(json_object_get(body, "errorDetails"));

    if (!msg) {
        msg = "the external worker reported a failure";
    }
    if (details && *details) {
        return ordo_arena_printf(ordo_http_arena(req), "%s: %.*s", msg, MAX_ERROR_DETAIL, details);
    }
    return msg;
}

static enum ordo_code failure(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                              struct ordo_err *err)
{
    static const char *const fields[] = {
        "workerId",     "errorMessage", "errorDetails",   "retries",
        "retryTimeout", "variables",    "localVariables", NULL};
    struct outcome o;
    json_int_t retries = 0, timeout = 0;
    enum ordo_code rc = read_outcome(req, fields, &o, err);

    /* Absent (or null) retries are 0, as Camunda's DTO reads them: the
     * failure raises the incident. */
    if (rc == ORDO_OK) {
        rc = ordo_json_opt_int(o.body, "retries", &retries, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_json_opt_int(o.body, "retryTimeout", &timeout, err);
    }
    if (rc == ORDO_OK && (retries < 0 || retries > ORDO_EXTJOB_MAX_RETRIES)) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "retries must be 0 to %d", ORDO_EXTJOB_MAX_RETRIES);
    }
    if (rc == ORDO_OK && (timeout < 0 || timeout > ORDO_EXTJOB_MAX_LOCK_MS)) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "retryTimeout must be 0..%lld milliseconds",
                          (long long)ORDO_EXTJOB_MAX_LOCK_MS);
    }
    if (rc == ORDO_OK) {
        rc =
            ordo_extjob_fail(st, key, o.worker, failure_message(req, o.body), (int)retries, timeout,
                             json_object_size(o.vars) ? o.vars : NULL, ordo_api_actor(req), err);
    }
    return done(req, rc);
}

enum ordo_code ordo_c7_extask_failure(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, failure, err);
}

static enum ordo_code bpmn_error(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                                 struct ordo_err *err)
{
    static const char *const fields[] = {"workerId", "errorCode", "errorMessage", "variables",
                                         NULL};
    struct outcome o;
    const char *code = NULL, *message = NULL;
    enum ordo_code rc = read_outcome(req, fields, &o, err);

    if (rc == ORDO_OK) {
        rc = ordo_json_get_string(o.body, "errorCode", &code, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_json_opt_string(o.body, "errorMessage", &message, err);
    }
    if (rc == ORDO_OK && !*code) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "errorCode must not be empty");
    }
    if (rc == ORDO_OK) {
        rc = ordo_extjob_error(st, key, o.worker, code, message,
                               json_object_size(o.vars) ? o.vars : NULL, ordo_api_actor(req), err);
    }
    return done(req, rc);
}

enum ordo_code ordo_c7_extask_bpmn_error(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, bpmn_error, err);
}

static enum ordo_code extend(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                             struct ordo_err *err)
{
    static const char *const fields[] = {"workerId", "newDuration", NULL};
    const char *worker = NULL;
    json_int_t ms = 0;
    json_t *body;
    enum ordo_code rc = ordo_http_body_object(req, fields, &body, err);

    if (rc == ORDO_OK) {
        rc = ordo_json_get_string(body, "workerId", &worker, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_json_get_int(body, "newDuration", &ms, err);
    }
    if (rc == ORDO_OK && (ms < 1 || ms > ORDO_EXTJOB_MAX_LOCK_MS)) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "newDuration must be 1..%lld milliseconds",
                          (long long)ORDO_EXTJOB_MAX_LOCK_MS);
    }
    if (rc == ORDO_OK) {
        rc = ordo_extjob_extend(st, key, worker, ms, err);
    }
    return done(req, rc);
}

enum ordo_code ordo_c7_extask_extend_lock(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, extend, err);
}

static enum ordo_code unlock(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                             struct ordo_err *err)
{
    json_t *body;
    enum ordo_code rc = ordo_http_body_object(req, NULL, &body, err); /* none, or {} */

    if (rc == ORDO_OK) {
        rc = ordo_extjob_unlock(st, key, err);
    }
    return done(req, rc);
}

enum ordo_code ordo_c7_extask_unlock(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, unlock, err);
}
