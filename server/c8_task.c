/*
 * server/c8_task.c - Camunda 8 user tasks on Ordo's (server/api_task.c,
 * CONTRACTS §7):
 *
 *   POST /v2/user-tasks/search   filter by assignee, state (CREATED,
 *       COMPLETED, CANCELED; all when absent), processInstanceKey and
 *       candidateGroup; page by limit and after (the endCursor before);
 *       newest first, or oldest first with a sort on creationDate or
 *       userTaskKey asc (what SDKs send by default). Approvers find the
 *       tasks they may act on, operators and viewers all of them, as
 *       GET /api/tasks. Other filters and sorts are refused with a 400
 *       naming them.
 *   POST /v2/user-tasks/{key}/completion   the §7 rule and the task's
 *       ordo:form, as POST /api/tasks/{key}/complete; 204.
 *   POST /v2/user-tasks/{key}/assignment   assign to oneself (admins: to
 *       anyone); allowOverride false keeps another holder's task; 204.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
    if (rc == ORDO_OK && (v = json_object_get(filter, "processInstanceKey")) != NULL &&
        !json_is_null(v)) {
        int64_t k = 0; /* a key as text or as a JSON integer, as in bodies */

        rc = ordo_c8_key(v, "filter.processInstanceKey", &k, err);
        q->instance_key =
            rc == ORDO_OK ? ordo_arena_printf(ordo_http_arena(req), "%lld", (long long)k) : NULL;
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

/* page: limit and after (the endCursor of the page before). */
static enum ordo_code parse_page(const json_t *page, json_int_t *limit, const char **after,
                                 struct ordo_err *err)
{
    json_int_t from = 0;
    enum ordo_code rc = ORDO_OK;

    *limit = C8_DEFAULT_LIMIT;
    *after = NULL;
    if (!page || json_is_null(page)) {
        return ORDO_OK;
    }
    rc = json_is_object(page) ? ORDO_OK : ordo_err_set(err, ORDO_E_INVAL, "page must be an object");
    if (rc == ORDO_OK) {
        rc = ordo_c8_opt_int(page, "limit", 1, ORDO_QUERY_MAX_LIMIT, limit, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_c8_opt_int(page, "from", 0, 0, &from, err);
    }
    if (rc == ORDO_OK && json_object_get(page, "before")) {
        rc = ordo_err_set(err, ORDO_E_INVAL,
                          "page.before is not supported (page forward with after)");
    }
    if (rc == ORDO_OK) {
        rc = ordo_c8_invalid(ordo_json_opt_string(page, "after", after, err), err);
    }
    return rc;
}

/* sort: none, or one {field, order} on creationDate or userTaskKey (the
 * same order: keys grow with creation); '*asc' for order asc (SDKs send
 * that by default), else newest first. */
static enum ordo_code parse_sort(const json_t *sort, bool *asc, struct ordo_err *err)
{
    const char *field = NULL, *order = "desc";
    const json_t *by = json_array_get(sort, 0);
    enum ordo_code rc;

    *asc = false;
    if (!sort || json_is_null(sort) || (json_is_array(sort) && json_array_size(sort) == 0)) {
        return ORDO_OK;
    }
    if (!json_is_array(sort) || json_array_size(sort) != 1 || !json_is_object(by)) {
        return ordo_err_set(err, ORDO_E_INVAL,
                            "sort must be one {field, order}, by creationDate or userTaskKey");
    }
    rc = ordo_c8_invalid(ordo_json_get_string(by, "field", &field, err), err);
    if (rc == ORDO_OK) {
        rc = ordo_c8_invalid(ordo_json_opt_string(by, "order", &order, err), err);
    }
    if (rc == ORDO_OK && strcmp(field, "creationDate") != 0 && strcmp(field, "userTaskKey") != 0) {
        rc = ordo_err_set(err, ORDO_E_INVAL,
                          "sort by \"%.40s\" is not supported (creationDate, userTaskKey)", field);
    }
    if (rc == ORDO_OK && strcasecmp(order, "asc") != 0 && strcasecmp(order, "desc") != 0) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "sort order must be asc or desc");
    }
    *asc = rc == ORDO_OK && strcasecmp(order, "asc") == 0;
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

/* Oldest first: the native list comes newest first, so the whole match
 * (at most ORDO_QUERY_MAX_LIMIT tasks, else 400) is read and turned round,
 * then paged here by 'after' (a key) and 'limit'. */
static enum ordo_code ascending(struct ordo_http_req *req, struct ordo_task_query *q,
                                json_int_t limit, const char *after, json_t **items,
                                const char **next, struct ordo_err *err)
{
    json_t *list = NULL, *all;
    int64_t from = 0;
    size_t n;
    enum ordo_code rc = after ? ordo_query_parse_key(after, "page.after", &from, err) : ORDO_OK;

    q->limit = ordo_arena_printf(ordo_http_arena(req), "%d", ORDO_QUERY_MAX_LIMIT);
    if (rc == ORDO_OK) {
        rc = ordo_api_task_search(req, q, false, &list, err);
    }
    if (rc == ORDO_OK && json_is_string(json_object_get(list, "next"))) {
        rc = ordo_err_set(err, ORDO_E_INVAL,
                          "ascending order needs a filter that matches at most %d tasks "
                          "(or sort desc)",
                          ORDO_QUERY_MAX_LIMIT);
    }
    if (rc != ORDO_OK) {
        json_decref(list);
        return rc;
    }
    all = json_object_get(list, "items");
    *items = json_array();
    *next = NULL;
    for (n = json_array_size(all); n > 0; n--) {
        const json_t *t = json_array_get(all, n - 1);
        const char *key = json_string_value(json_object_get(t, "key"));

        if (strtoll(key, NULL, 10) <= from) {
            continue;
        }
        if ((json_int_t)json_array_size(*items) == limit) {
            *next = json_string_value(
                json_object_get(json_array_get(*items, (size_t)limit - 1), "userTaskKey"));
            *next = ordo_arena_strdup(ordo_http_arena(req), *next);
            break;
        }
        json_array_append_new(*items, task_json(t));
    }
    json_decref(list);
    return ORDO_OK;
}

/* Newest first, paged by the native list. */
static enum ordo_code descending(struct ordo_http_req *req, struct ordo_task_query *q,
                                 json_int_t limit, const char *after, json_t **items,
                                 const char **next, struct ordo_err *err)
{
    json_t *list = NULL, *item;
    size_t i;
    enum ordo_code rc;

    q->limit = ordo_arena_printf(ordo_http_arena(req), "%lld", (long long)limit);
    q->after = after;
    rc = ordo_api_task_search(req, q, false, &list, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    *items = json_array();
    json_array_foreach(json_object_get(list, "items"), i, item)
    {
        json_array_append_new(*items, task_json(item));
    }
    *next = json_string_value(json_object_get(list, "next"));
    *next = *next ? ordo_arena_strdup(ordo_http_arena(req), *next) : NULL;
    json_decref(list);
    return ORDO_OK;
}

enum ordo_code ordo_c8_task_search(struct ordo_http_req *req, struct ordo_err *err)
{
    static const char *const fields[] = {"filter", "sort", "page", NULL};
    struct ordo_task_query q = {.state = "all"};
    json_t *body = NULL, *items = NULL;
    json_int_t limit = C8_DEFAULT_LIMIT;
    const char *after = NULL, *next = NULL;
    bool asc = false;
    enum ordo_code rc = ordo_c8_body(req, fields, &body, err);

    if (rc == ORDO_OK) {
        rc = parse_filter(req, json_object_get(body, "filter"), &q, err);
    }
    if (rc == ORDO_OK) {
        rc = parse_sort(json_object_get(body, "sort"), &asc, err);
    }
    if (rc == ORDO_OK) {
        rc = parse_page(json_object_get(body, "page"), &limit, &after, err);
    }
    if (rc == ORDO_OK) {
        rc = asc ? ascending(req, &q, limit, after, &items, &next, err)
                 : descending(req, &q, limit, after, &items, &next, err);
    }
    if (rc != ORDO_OK) {
        return ordo_c8_invalid(rc, err);
    }
    ordo_http_reply_json(req, 200,
                         json_pack("{s:o, s:{s:I, s:b, s:s?, s:s?}}", "items", items, "page",
                                   "totalItems", (json_int_t)json_array_size(items),
                                   "hasMoreTotalItems", next != NULL, "startCursor", NULL,
                                   "endCursor", next));
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
