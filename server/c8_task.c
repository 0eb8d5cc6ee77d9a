/*
 * server/c8_task.c - Camunda 8 user tasks on Ordo's (server/api_task.c,
 * CONTRACTS §7):
 *
 *   POST /v2/user-tasks/search   filter by assignee, state (CREATED,
 *       COMPLETED, CANCELED; all when absent), processInstanceKey and
 *       candidateGroup; page by limit and after (the endCursor before);
 *       newest first. Approvers find the tasks they may act on,
 *       operators and viewers all of them, as GET /api/tasks. Other
 *       filters and sorting are refused with a 400 naming them.
 *   POST /v2/user-tasks/{key}/completion   the §7 rule and the task's
 *       ordo:form, as POST /api/tasks/{key}/complete; 204.
 *   POST /v2/user-tasks/{key}/assignment   assign to oneself (admins: to
 *       anyone); allowOverride false keeps another holder's task; 204.
 */
#include <ctype.h>
#include <string.h>

#include "base/json.h"
#include "core/query.h"
#include "server/api.h"
#include "server/c8.h"

#define C8_DEFAULT_LIMIT 100 /* Camunda's default page size */

/* A string filter value, or an error naming what is not supported. */
static enum ordo_code filter_text(const json_t *filter, const char *name, const char **out,
                                  struct ordo_err *err)
{
    const json_t *v = json_object_get(filter, name);

    if (!v || json_is_null(v)) {
        return ORDO_OK;
    }
    if (!json_is_string(v)) {
        return ordo_err_set(err, ORDO_E_INVAL,
                            "filter.%s must be a string (advanced filters are not supported)",
                            name);
    }
    *out = json_string_value(v);
    return ORDO_OK;
}

static enum ordo_code parse_filter(struct ordo_http_req *req, const json_t *filter,
                                   struct ordo_task_query *q, struct ordo_err *err)
{
    static const char *const known[] = {"assignee", "state", "processInstanceKey", "candidateGroup",
                                        NULL};
    const char *state = NULL, *key;
    char *lower;
    const json_t *v;
    enum ordo_code rc = ORDO_OK;

    if (filter && !json_is_null(filter) && !json_is_object(filter)) {
        return ordo_err_set(err, ORDO_E_INVAL, "filter must be an object");
    }
    json_object_foreach((json_t *)filter, key, v)
    {
        size_t i = 0;

        while (known[i] && strcmp(known[i], key) != 0) {
            i++;
        }
        if (!known[i]) {
            return ordo_err_set(err, ORDO_E_INVAL,
                                "filter.%.60s is not supported (assignee, state, "
                                "processInstanceKey, candidateGroup)",
                                key);
        }
    }
    rc = filter_text(filter, "assignee", &q->assignee, err);
    if (rc == ORDO_OK) {
        rc = filter_text(filter, "candidateGroup", &q->candidate_group, err);
    }
    if (rc == ORDO_OK) {
        rc = filter_text(filter, "processInstanceKey", &q->instance_key, err);
    }
    if (rc == ORDO_OK) {
        rc = filter_text(filter, "state", &state, err);
    }
    if (rc == ORDO_OK && state) {
        if (strcmp(state, "CREATED") != 0 && strcmp(state, "COMPLETED") != 0 &&
            strcmp(state, "CANCELED") != 0) {
            return ordo_err_set(err, ORDO_E_INVAL,
                                "filter.state must be CREATED, COMPLETED or CANCELED");
        }
        lower = ordo_arena_strdup(ordo_http_arena(req), state);
        for (char *c = lower; *c; c++) {
            *c = (char)tolower((unsigned char)*c);
        }
        q->state = lower;
    }
    return rc;
}

static enum ordo_code parse_page(struct ordo_http_req *req, const json_t *page,
                                 struct ordo_task_query *q, struct ordo_err *err)
{
    json_int_t limit = C8_DEFAULT_LIMIT, from = 0;
    enum ordo_code rc = ORDO_OK;

    if (page && !json_is_null(page)) {
        rc = json_is_object(page) ? ORDO_OK
                                  : ordo_err_set(err, ORDO_E_INVAL, "page must be an object");
        if (rc == ORDO_OK) {
            rc = ordo_c8_opt_int(page, "limit", 1, ORDO_QUERY_MAX_LIMIT, &limit, err);
        }
        if (rc == ORDO_OK) {
            rc = ordo_c8_opt_int(page, "from", 0, 0, &from, err);
        }
        if (rc == ORDO_OK && json_object_get(page, "before")) {
            rc = ordo_err_set(err, ORDO_E_INVAL,
                              "page.before is not supported (page forward with after)");
        }
        if (rc == ORDO_OK) {
            rc = ordo_c8_invalid(ordo_json_opt_string(page, "after", &q->after, err), err);
        }
    }
    q->limit = ordo_arena_printf(ordo_http_arena(req), "%lld", (long long)limit);
    return rc;
}

static json_t *state_json(const char *state)
{
    char up[16];
    size_t i = 0;

    for (; state && state[i] && i + 1 < sizeof up; i++) {
        up[i] = (char)toupper((unsigned char)state[i]);
    }
    up[i] = '\0';
    return json_string(up);
}

/* A native task item as Camunda 8's UserTaskResult. */
static json_t *task_json(const json_t *t)
{
    return json_pack(
        "{s:O, s:O, s:o, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:s, s:i, s:{}}",
        "userTaskKey", json_object_get(t, "key"), "name", json_object_get(t, "name"), "state",
        state_json(json_string_value(json_object_get(t, "state"))), "assignee",
        json_object_get(t, "assignee"), "elementId", json_object_get(t, "elementId"),
        "candidateGroups", json_object_get(t, "candidateGroups"), "candidateUsers",
        json_object_get(t, "candidateUsers"), "processDefinitionId",
        json_object_get(t, "processId"), "processInstanceKey", json_object_get(t, "instanceKey"),
        "creationDate", json_object_get(t, "createdAt"), "completionDate",
        json_object_get(t, "endedAt"), "dueDate", json_object_get(t, "dueAt"), "tenantId",
        ORDO_C8_TENANT, "priority", 50, "customHeaders");
}

enum ordo_code ordo_c8_task_search(struct ordo_http_req *req, struct ordo_err *err)
{
    static const char *const fields[] = {"filter", "sort", "page", NULL};
    struct ordo_task_query q = {.state = "all"};
    json_t *body = NULL, *list = NULL, *items, *item;
    const json_t *sort;
    const char *next;
    size_t i;
    enum ordo_code rc = ordo_c8_body(req, fields, &body, err);

    if (rc == ORDO_OK) {
        rc = parse_filter(req, json_object_get(body, "filter"), &q, err);
    }
    sort = json_object_get(body, "sort");
    if (rc == ORDO_OK && sort && !json_is_null(sort) &&
        !(json_is_array(sort) && json_array_size(sort) == 0)) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "sort is not supported: tasks come newest first");
    }
    if (rc == ORDO_OK) {
        rc = parse_page(req, json_object_get(body, "page"), &q, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_api_task_search(req, &q, false, &list, err);
    }
    if (rc != ORDO_OK) {
        return ordo_c8_invalid(rc, err);
    }
    items = json_array();
    json_array_foreach(json_object_get(list, "items"), i, item)
    {
        json_array_append_new(items, task_json(item));
    }
    next = json_string_value(json_object_get(list, "next"));
    ordo_http_reply_json(req, 200,
                         json_pack("{s:o, s:{s:I, s:b, s:s?, s:s?}}", "items", items, "page",
                                   "totalItems", (json_int_t)json_array_size(items),
                                   "hasMoreTotalItems", next != NULL, "startCursor", NULL,
                                   "endCursor", next));
    json_decref(list);
    return ORDO_OK;
}

static enum ordo_code complete(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                               struct ordo_err *err)
{
    static const char *const fields[] = {"variables", "action", NULL};
    const json_t *vars = NULL;
    json_t *body = NULL;
    enum ordo_code rc = ordo_c8_body(req, fields, &body, err);

    if (rc == ORDO_OK) {
        rc = ordo_c8_variables(body, &vars, err);
    }
    return rc == ORDO_OK ? ordo_api_task_finish(req, st, key, vars, err) : rc;
}

static enum ordo_code assign(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                             struct ordo_err *err)
{
    static const char *const fields[] = {"assignee", "allowOverride", "action", NULL};
    const char *assignee = NULL;
    bool override = true;
    json_t *body = NULL;
    enum ordo_code rc = ordo_c8_body(req, fields, &body, err);

    if (rc == ORDO_OK) {
        rc = ordo_c8_invalid(ordo_json_get_string(body, "assignee", &assignee, err), err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_c8_invalid(ordo_json_opt_bool(body, "allowOverride", &override, err), err);
    }
    if (rc == ORDO_OK && !*assignee) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "assignee must not be empty");
    }
    return rc == ORDO_OK ? ordo_api_task_assign(req, st, key, assignee, override, err) : rc;
}

enum ordo_code ordo_c8_task_complete(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, complete, err);
}

enum ordo_code ordo_c8_task_assign(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, assign, err);
}
