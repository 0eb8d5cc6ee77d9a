/*
 * server/c7_runtime.c - the Camunda 7 runtime routes: process instances
 * and their variables, user tasks (the CONTRACTS §7 rule of
 * server/api_task.c), and message correlation.
 *
 * GET /process-instance lists running instances, as Camunda's runtime
 * does; GET /process-instance/{id} still answers an ended one (with
 * "ended": true) where Camunda would answer 404, since Ordo keeps it.
 */
#include <string.h>
#include <strings.h>

#include "base/json.h"
#include "core/identity.h"
#include "core/query.h"
#include "core/store.h"
#include "server/api.h"
#include "server/c7.h"

/* ---- process instances ------------------------------------------------------------------------
 */

static enum ordo_code fetch_instances(struct ordo_store *st, void *query, const char *after,
                                      json_t **page, struct ordo_err *err)
{
    struct ordo_instance_query *q = query;

    q->limit = "500";
    q->after = after;
    return ordo_query_list_instances(st, q, page, err);
}

enum ordo_code ordo_c7_instance_list(struct ordo_http_req *req, struct ordo_err *err)
{
    struct ordo_instance_query q = {
        .process_id = ordo_http_query(req, "processDefinitionKey"),
        .definition_key = ordo_http_query(req, "processDefinitionId"),
        .business_key = ordo_http_query(req, "businessKey"),
        .state = "active",
    };
    static const char *const filters[] = {"processDefinitionKey", "processDefinitionId",
                                          "businessKey", NULL};
    struct ordo_c7_walk w = {fetch_instances, &q, NULL, NULL, 0, -1};

    return ordo_c7_list(req, filters, &w, ordo_c7_instance_dto, err);
}

static enum ordo_code instance_get(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                                   struct ordo_err *err)
{
    json_t *inst = NULL;
    enum ordo_code rc = ordo_query_get_instance(st, key, &inst, err);

    if (rc == ORDO_OK) {
        ordo_http_reply_json(req, 200, ordo_c7_instance_dto(inst));
        json_decref(inst);
    }
    return rc;
}

enum ordo_code ordo_c7_instance_get(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, instance_get, err);
}

static enum ordo_code instance_variables(struct ordo_http_req *req, struct ordo_store *st,
                                         int64_t key, struct ordo_err *err)
{
    json_t *inst = NULL;
    enum ordo_code rc = ordo_query_get_instance(st, key, &inst, err);

    if (rc == ORDO_OK) {
        ordo_http_reply_json(req, 200, ordo_c7_vars_typed(json_object_get(inst, "variables")));
        json_decref(inst);
    }
    return rc;
}

enum ordo_code ordo_c7_instance_variables(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, instance_variables, err);
}

/* ---- tasks ------------------------------------------------------------------------------------
 */

static json_t *task_dto(const json_t *t)
{
    json_t *inst = ordo_c7_member(t, "instanceKey");

    return json_pack("{s:O, s:O, s:O, s:n, s:o, s:n, s:o, s:n, s:n, s:n, s:O, s:n, s:i, s:O, "
                     "s:O, s:O, s:n, s:n, s:n, s:b, s:n, s:n, s:n}",
                     "id", ordo_c7_member(t, "key"), "name", ordo_c7_member(t, "name"), "assignee",
                     ordo_c7_member(t, "assignee"), "owner", "created",
                     ordo_c7_time(json_object_get(t, "createdAt")), "lastUpdated", "due",
                     ordo_c7_time(json_object_get(t, "dueAt")), "followUp", "delegationState",
                     "description", "executionId", inst, "parentTaskId", "priority", 50,
                     "processDefinitionId", ordo_c7_member(t, "definitionKey"), "processInstanceId",
                     inst, "taskDefinitionKey", ordo_c7_member(t, "elementId"), "caseExecutionId",
                     "caseInstanceId", "caseDefinitionId", "suspended", 0, "formKey",
                     "camundaFormRef", "tenantId");
}

/* The walk's query: the first page goes through ordo_api_task_search,
 * which decides whose tasks the caller sees (q.for_user), the rest reuse
 * that decision. */
struct task_walk {
    struct ordo_http_req *req;
    struct ordo_task_query q;
    bool first_done;
};

static enum ordo_code fetch_tasks(struct ordo_store *st, void *query, const char *after,
                                  json_t **page, struct ordo_err *err)
{
    struct task_walk *t = query;

    t->q.limit = "500";
    t->q.after = after;
    if (!t->first_done) {
        t->first_done = true;
        return ordo_api_task_search(t->req, &t->q, false, page, err);
    }
    return ordo_query_list_tasks(st, &t->q, page, err);
}

static bool keep_task(const json_t *item, void *ctx)
{
    const char *want = ctx;
    const char *el = json_string_value(json_object_get(item, "elementId"));

    return !want || (el && strcmp(el, want) == 0);
}

/* The query parameters GET /task and /task/count apply. */
static const char *const task_filters[] = {"processInstanceId", "assignee", "candidateGroup",
                                           "taskDefinitionKey", NULL};

static void task_walk_of(struct ordo_http_req *req, struct task_walk *t, struct ordo_c7_walk *w)
{
    memset(t, 0, sizeof *t);
    t->req = req;
    t->q.instance_key = ordo_http_query(req, "processInstanceId");
    t->q.assignee = ordo_http_query(req, "assignee");
    t->q.candidate_group = ordo_http_query(req, "candidateGroup");
    *w = (struct ordo_c7_walk){
        fetch_tasks, t, keep_task, (void *)ordo_http_query(req, "taskDefinitionKey"), 0, -1};
}

enum ordo_code ordo_c7_task_list(struct ordo_http_req *req, struct ordo_err *err)
{
    struct task_walk t;
    struct ordo_c7_walk w;

    task_walk_of(req, &t, &w);
    return ordo_c7_list(req, task_filters, &w, task_dto, err);
}

enum ordo_code ordo_c7_task_count(struct ordo_http_req *req, struct ordo_err *err)
{
    const char *known[8];
    struct task_walk t;
    struct ordo_c7_walk w;
    struct ordo_store *st = NULL;
    int64_t count = 0;
    size_t n = 0;
    enum ordo_code rc;

    while (task_filters[n]) {
        known[n] = task_filters[n];
        n++;
    }
    known[n++] = "tenantIdIn";
    known[n] = NULL;
    task_walk_of(req, &t, &w);
    rc = ordo_http_query_known(req, known, err);
    if (rc == ORDO_OK) {
        rc = ordo_c7_tenant(ordo_http_query(req, "tenantIdIn"), "tenantIdIn", err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_api_store(req, &st, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_c7_walk(st, &w, NULL, &count, err);
    }

    if (rc == ORDO_OK) {
        ordo_http_reply_json(req, 200, json_pack("{s:I}", "count", (json_int_t)count));
    }
    return rc;
}

static enum ordo_code task_get(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                               struct ordo_err *err)
{
    json_t *task = NULL;
    bool may_act = false;
    /* Seen as GET /api/tasks/{key} sees it: approvers only their own tasks. */
    enum ordo_code rc = ordo_api_task_load(req, st, key, &task, &may_act, err);

    if (rc == ORDO_OK) {
        ordo_http_reply_json(req, 200, task_dto(task));
    }
    json_decref(task);
    return rc;
}

enum ordo_code ordo_c7_task_get(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, task_get, err);
}

static enum ordo_code task_claim(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                                 struct ordo_err *err)
{
    static const char *const fields[] = {"userId", NULL};
    const char *user = NULL;
    json_t *body;
    enum ordo_code rc = ordo_http_body_object(req, fields, &body, err);

    if (rc == ORDO_OK) {
        rc = ordo_json_get_string(body, "userId", &user, err);
    }
    return rc == ORDO_OK ? ordo_api_task_assign(req, st, key, user, false, err) : rc;
}

enum ordo_code ordo_c7_task_claim(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, task_claim, err);
}

/* POST /api/tasks/{key}/unclaim, with an empty JSON body allowed as
 * Camunda clients may send one. */
enum ordo_code ordo_c7_task_unclaim(struct ordo_http_req *req, struct ordo_err *err)
{
    json_t *body;
    enum ordo_code rc = ordo_http_body_object(req, NULL, &body, err);

    return rc == ORDO_OK ? ordo_api_task_unclaim(req, err) : rc;
}

static enum ordo_code task_complete(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                                    struct ordo_err *err)
{
    static const char *const fields[] = {"variables", "withVariablesInReturn", NULL};
    json_t *body, *vars = NULL, *task = NULL, *inst = NULL;
    bool with_vars = false;
    int64_t inst_key = 0;
    enum ordo_code rc = ordo_http_body_object(req, fields, &body, err);

    if (rc == ORDO_OK) {
        rc = ordo_json_opt_bool(body, "withVariablesInReturn", &with_vars, err);
    }
    /* The instance's variables are for those who may read instances; an
     * approver sees a task, not the process's data. */
    if (rc == ORDO_OK && with_vars && !ordo_principal_has(ordo_http_who(req), ORDO_ROLE_OPERATOR) &&
        !ordo_principal_has(ordo_http_who(req), ORDO_ROLE_VIEWER)) {
        rc = ordo_err_set(err, ORDO_E_FORBIDDEN,
                          "withVariablesInReturn needs the operator or viewer role (the "
                          "instance's variables); complete without it");
    }
    if (rc == ORDO_OK) {
        rc = ordo_c7_vars_plain(json_object_get(body, "variables"), "variables", &vars, err);
    }
    ordo_json_defer(ordo_http_arena(req), vars);
    if (rc == ORDO_OK && with_vars) {
        rc = ordo_query_get_task(st, key, &task, err);
        ordo_json_defer(ordo_http_arena(req), task);
    }
    if (rc == ORDO_OK) {
        rc = ordo_api_task_finish(req, st, key, vars, err);
    }
    if (rc != ORDO_OK || !with_vars) {
        return rc;
    }
    rc = ordo_query_parse_key(json_string_value(json_object_get(task, "instanceKey")),
                              "instance key", &inst_key, err);
    if (rc == ORDO_OK) {
        rc = ordo_query_get_instance(st, inst_key, &inst, err);
    }
    if (rc == ORDO_OK) {
        ordo_http_reply_json(req, 200, ordo_c7_vars_typed(json_object_get(inst, "variables")));
        json_decref(inst);
    }
    return rc;
}

enum ordo_code ordo_c7_task_complete(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, task_complete, err);
}

/* ---- POST /message ----------------------------------------------------------------------------
 */

/* Ordo correlates a message by its name and one correlation key (the
 * value of the catch event's zeebe:subscription correlationKey): the one
 * value of correlationKeys, else the businessKey, else the
 * processInstanceId, else "" (a catch event without a key). */
static enum ordo_code correlation_key(struct ordo_http_req *req, const json_t *body,
                                      const char **out, struct ordo_err *err)
{
    static const char *const ways[] = {"correlationKeys", "businessKey", "processInstanceId"};
    const json_t *keys = json_object_get(body, "correlationKeys");
    json_t *plain = NULL;
    const char *bk = json_string_value(json_object_get(body, "businessKey"));
    const char *pi = json_string_value(json_object_get(body, "processInstanceId"));
    int given = 0;
    enum ordo_code rc;

    /* One way only, and of the right type: a key dropped or mistyped would
     * reach instances the caller did not name. */
    for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++) {
        const json_t *v = json_object_get(body, ways[i]);

        if (!v || json_is_null(v)) {
            continue;
        }
        given++;
        if (i > 0 && !json_is_string(v)) {
            return ordo_err_set(err, ORDO_E_INVAL, "%s must be a string", ways[i]);
        }
    }
    if (given > 1) {
        return ordo_err_set(err, ORDO_E_INVAL,
                            "give one of correlationKeys, businessKey or processInstanceId: Ordo "
                            "correlates a message by one key");
    }
    *out = bk ? bk : pi ? pi : "";
    if (!keys || json_is_null(keys)) {
        return ORDO_OK;
    }
    rc = ordo_c7_vars_plain(keys, "correlationKeys", &plain, err);
    if (rc == ORDO_OK && json_object_size(plain) != 1) {
        rc = ordo_err_set(err, ORDO_E_INVAL,
                          "correlationKeys: Ordo correlates by one key (the catch event's "
                          "correlationKey), not %zu",
                          json_object_size(plain));
    }
    if (rc == ORDO_OK) {
        json_t *v = json_object_iter_value(json_object_iter(plain));

        *out = json_is_string(v) ? ordo_arena_strdup(ordo_http_arena(req), json_string_value(v))
                                 : ordo_json_dump(ordo_http_arena(req), v, JSON_COMPACT);
    }
    json_decref(plain);
    return rc;
}

static enum ordo_code read_message(struct ordo_http_req *req, struct ordo_message *m, bool *result,
                                   struct ordo_err *err)
{
    static const char *const fields[] = {"messageName",
                                         "businessKey",
                                         "tenantId",
                                         "withoutTenantId",
                                         "processInstanceId",
                                         "correlationKeys",
                                         "processVariables",
                                         "resultEnabled",
                                         "variablesInResultEnabled",
                                         NULL};
    json_t *body, *vars = NULL;
    enum ordo_code rc = ordo_http_body_object(req, fields, &body, err);

    memset(m, 0, sizeof *m);
    *result = false;
    if (rc == ORDO_OK) {
        rc = ordo_json_get_string(body, "messageName", &m->name, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_json_opt_bool(body, "resultEnabled", result, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_c7_tenant_json(json_object_get(body, "tenantId"), "tenantId", err);
    }
    if (rc == ORDO_OK) {
        rc = correlation_key(req, body, &m->correlation_key, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_c7_vars_plain(json_object_get(body, "processVariables"), "processVariables",
                                &vars, err);
    }
    m->variables = ordo_json_defer(ordo_http_arena(req), vars);
    m->actor = ordo_api_actor(req);
    return rc;
}

enum ordo_code ordo_c7_message(struct ordo_http_req *req, struct ordo_err *err)
{
    struct ordo_message m;
    struct ordo_store *st;
    bool result = false;
    int delivered = 0;
    json_t *out;
    enum ordo_code rc = read_message(req, &m, &result, err);

    if (rc == ORDO_OK) {
        rc = ordo_api_store(req, &st, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_store_correlate(st, &m, &delivered, err);
    }
    if (rc != ORDO_OK || !result) {
        return rc; /* 204 */
    }
    /* Ordo counts the instances reached without naming them. */
    out = json_array();
    for (int i = 0; i < delivered; i++) {
        json_array_append_new(out, json_pack("{s:s, s:n, s:n, s:n}", "resultType", "Execution",
                                             "execution", "processInstance", "variables"));
    }
    ordo_http_reply_json(req, 200, out);
    return ORDO_OK;
}
