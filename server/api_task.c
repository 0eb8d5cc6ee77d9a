/*
 * server/api_task.c - /api/tasks: the inbox, claiming, and completing a
 * user task with the variables its ordo:form asks for (CONTRACTS §7, §11).
 *
 * Who may act on a task: the approver role (or admin) AND the task's rule
 * (assignee, candidate user, candidate group, or none of these named).
 * Admins may act on any task. People with only the approver role see only
 * the tasks they may act on; operators and viewers see all of them.
 */
#include <string.h>
#include <strings.h>

#include "base/json.h"
#include "base/schema.h"
#include "core/identity.h"
#include "core/query.h"
#include "core/store.h"
#include "server/api.h"

static struct ordo_task_person *person(struct ordo_http_req *req)
{
    const struct ordo_principal *who = ordo_http_who(req);
    struct ordo_task_person *p = ordo_arena_alloc(ordo_http_arena(req), sizeof *p);

    p->login = who->login;
    p->email = who->email;
    p->groups = who->groups;
    p->ngroups = who->ngroups;
    return p;
}

enum ordo_code ordo_api_task_search(struct ordo_http_req *req, struct ordo_task_query *q, bool mine,
                                    json_t **out, struct ordo_err *err)
{
    const struct ordo_principal *who = ordo_http_who(req);
    bool sees_all =
        ordo_principal_has(who, ORDO_ROLE_OPERATOR) || ordo_principal_has(who, ORDO_ROLE_VIEWER);
    struct ordo_store *st;
    enum ordo_code rc;

    if (!sees_all || mine) {
        q->for_user = person(req);
    }
    rc = ordo_api_store(req, &st, err);
    return rc == ORDO_OK ? ordo_query_list_tasks(st, q, out, err) : rc;
}

enum ordo_code ordo_api_task_list(struct ordo_http_req *req, struct ordo_err *err)
{
    const char *mine = ordo_http_query(req, "mine");
    struct ordo_task_query q = {
        .state = ordo_http_query(req, "state"),
        .instance_key = ordo_http_query(req, "instanceKey"),
        .assignee = ordo_http_query(req, "assignee"),
        .candidate_group = ordo_http_query(req, "candidateGroup"),
        .limit = ordo_http_query(req, "limit"),
        .after = ordo_http_query(req, "after"),
    };
    json_t *out = NULL;
    enum ordo_code rc;

    if (mine && strcmp(mine, "true") != 0 && strcmp(mine, "false") != 0) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "mine must be true or false");
    }
    rc = ordo_api_task_search(req, &q, mine && strcmp(mine, "true") == 0, &out, err);
    return ordo_api_reply(req, rc, out);
}

enum ordo_code ordo_api_task_load(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                                  json_t **task, bool *may_act, struct ordo_err *err)
{
    const struct ordo_principal *w = ordo_http_who(req);
    enum ordo_code rc = ordo_query_get_task(st, key, task, err);
    bool sees_all =
        ordo_principal_has(w, ORDO_ROLE_OPERATOR) || ordo_principal_has(w, ORDO_ROLE_VIEWER);

    if (rc != ORDO_OK) {
        return rc;
    }
    *may_act = ordo_principal_has(w, ORDO_ROLE_ADMIN) ||
               (ordo_principal_has(w, ORDO_ROLE_APPROVER) &&
                ordo_task_permits(*task, w->login, w->email, w->groups, w->ngroups));
    if (!*may_act && !sees_all) {
        json_decref(*task);
        *task = NULL; /* callers release '*task' whatever the answer */
        return ordo_err_set(err, ORDO_E_NOTFOUND, "no task %lld", (long long)key);
    }
    return ORDO_OK;
}

static enum ordo_code get_one(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                              struct ordo_err *err)
{
    json_t *task = NULL;
    bool may_act = false;
    enum ordo_code rc = ordo_api_task_load(req, st, key, &task, &may_act, err);

    if (rc == ORDO_OK) {
        json_object_set_new(task, "mayComplete", json_boolean(may_act));
    }
    return ordo_api_reply(req, rc, task);
}

enum ordo_code ordo_api_task_get(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, get_one, err);
}

static enum ordo_code must_act(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                               json_t **task, struct ordo_err *err)
{
    bool may_act = false;
    enum ordo_code rc = ordo_api_task_load(req, st, key, task, &may_act, err);

    if (rc == ORDO_OK && !may_act) {
        json_decref(*task);
        *task = NULL;
        return ordo_err_set(err, ORDO_E_FORBIDDEN,
                            "you are not an approver of this task (assignee, candidate user or "
                            "candidate group)");
    }
    return rc;
}

static enum ordo_code claim(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                            struct ordo_err *err)
{
    json_t *task = NULL;
    enum ordo_code rc = must_act(req, st, key, &task, err);

    json_decref(task);
    return rc == ORDO_OK ? ordo_query_claim_task(st, key, ordo_http_who(req)->login, false,
                                                 ordo_api_actor(req), err)
                         : rc;
}

static enum ordo_code unclaim(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                              struct ordo_err *err)
{
    json_t *task = NULL;
    enum ordo_code rc = must_act(req, st, key, &task, err);

    json_decref(task);
    return rc == ORDO_OK ? ordo_query_unclaim_task(st, key, ordo_api_actor(req), err) : rc;
}

enum ordo_code ordo_api_task_claim(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, claim, err);
}

enum ordo_code ordo_api_task_unclaim(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, unclaim, err);
}

/* Validate against the task's ordo:form and fill in its defaults; a
 * refusal is a 422 listing every field that failed. */
static enum ordo_code check_form(struct ordo_http_req *req, const json_t *form, json_t *vars,
                                 struct ordo_err *err)
{
    struct ordo_schema_findings f = {0};
    struct ordo_err why = {0};
    struct ordo_schema *schema = NULL;
    json_t *defaults, *details;
    enum ordo_code rc;

    if (!json_is_object(form)) {
        return ORDO_OK;
    }
    if (ordo_schema_load(form, &schema, &why) != ORDO_OK) {
        /* Deploy checks forms: only a definition deployed by an older build gets here. */
        return ordo_err_set(err, ORDO_E_INTERNAL, "the task's ordo:form cannot be used: %s",
                            why.msg);
    }
    rc = ordo_schema_validate(schema, vars, &f, err);
    if (rc == ORDO_E_UNPROCESSABLE) {
        details = json_array();
        for (size_t i = 0; i < f.count; i++) {
            json_array_append_new(details, json_pack("{s:s, s:s}", "field", f.items[i].field,
                                                     "message", f.items[i].message));
        }
        ordo_http_reply_error(req, rc, ordo_err_message(err), details);
    } else if (rc == ORDO_OK) {
        defaults = ordo_schema_defaults(schema);
        json_object_update_missing(vars, defaults);
        json_decref(defaults);
    }
    ordo_schema_free(schema);
    return rc;
}

enum ordo_code ordo_api_task_finish(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                                    const json_t *variables, struct ordo_err *err)
{
    json_t *task = NULL, *vars;
    enum ordo_code rc = must_act(req, st, key, &task, err);

    if (rc != ORDO_OK) {
        return rc;
    }
    vars = variables ? json_deep_copy(variables) : json_object();
    rc = check_form(req, json_object_get(task, "form"), vars, err);
    if (rc == ORDO_OK) {
        rc = ordo_store_complete_task(st, key, vars, ordo_api_actor(req), err);
    }
    json_decref(vars);
    json_decref(task);
    return rc;
}

static enum ordo_code complete(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                               struct ordo_err *err)
{
    static const char *const fields[] = {"variables", NULL};
    const json_t *given = NULL;
    json_t *body;
    enum ordo_code rc = ordo_http_body_object(req, fields, &body, err);

    if (rc == ORDO_OK) {
        rc = ordo_api_variables(body, &given, err);
    }
    return rc == ORDO_OK ? ordo_api_task_finish(req, st, key, given, err) : rc;
}

enum ordo_code ordo_api_task_complete(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, complete, err);
}

enum ordo_code ordo_api_task_assign(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                                    const char *login, bool force, struct ordo_err *err)
{
    const struct ordo_principal *who = ordo_http_who(req);
    json_t *task = NULL;
    enum ordo_code rc = must_act(req, st, key, &task, err);

    json_decref(task);
    if (rc == ORDO_OK && !ordo_principal_has(who, ORDO_ROLE_ADMIN) &&
        (!who->login || strcasecmp(login, who->login) != 0)) {
        rc = ordo_err_set(err, ORDO_E_FORBIDDEN,
                          "approvers assign tasks to themselves only; admins assign to anyone");
    }
    /* Only an admin takes a task from the one who holds it; an approver
     * gets CONFLICT, as with a claim (CONTRACTS §7). */
    force = force && ordo_principal_has(who, ORDO_ROLE_ADMIN);
    return rc == ORDO_OK ? ordo_query_claim_task(st, key, login, force, ordo_api_actor(req), err)
                         : rc;
}
