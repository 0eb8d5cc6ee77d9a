/*
 * core/query_task.c - user tasks: the list (with the CONTRACTS §7 rule as
 * a filter), one task with its form, claim and unclaim, and the rule
 * itself.
 *
 * The rule is written twice, once in SQL for the "for" filter and once in
 * C (ordo_task_permits) for the caller that holds one task: both compare
 * logins and emails with ASCII case folding (lower() of the database's
 * collation folds more, but logins and emails are ASCII in practice) and
 * group names exactly.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/json.h"
#include "core/query_internal.h"

const struct qry_field ordo_qry_task_fields[] = {
    {"key", QRY_KEY},
    {"instanceKey", QRY_KEY},
    {"processId", QRY_TEXT},
    {"elementId", QRY_TEXT},
    {"name", QRY_TEXT},
    {"assignee", QRY_TEXT},
    {"candidateUsers", QRY_LIST},
    {"candidateGroups", QRY_LIST},
    {"state", QRY_TEXT},
    {"dueAt", QRY_TIME},
    {"createdAt", QRY_TIME},
    {"endedAt", QRY_TIME},
    {"completedBy", QRY_TEXT},
    {"definitionKey", QRY_KEY},
};
const size_t ordo_qry_task_nfields = QRY_NFIELDS(ordo_qry_task_fields);

static const char *const states[] = {"open", "created", "completed", "canceled", "all", NULL};

/* The groups as a PostgreSQL array literal in 'arena'. */
static const char *groups_array(struct ordo_arena *arena, const struct ordo_task_person *who)
{
    struct ordo_buf list = ORDO_BUF_INIT;
    const char *text;

    ordo_buf_putc(&list, '{');
    for (size_t i = 0; i < who->ngroups; i++) {
        ordo_pg_array_add(&list, who->groups[i]);
    }
    ordo_buf_putc(&list, '}');
    text = ordo_arena_strdup(arena, ordo_buf_cstr(&list));
    ordo_buf_cleanup(&list);
    return text;
}

/* The "for" filter ($5: on; $6 login, $7 email, $8 groups): CONTRACTS §7. */
#define SQL_PERMITS                                                                              \
    "(NOT $5::bool OR lower(t.assignee) IN (lower($6), lower($7)) OR EXISTS (SELECT 1 FROM "     \
    "jsonb_array_elements_text(coalesce(t.candidate_users, '[]')::jsonb) u(v) WHERE lower(u.v) " \
    "IN (lower($6), lower($7))) OR coalesce(t.candidate_groups, '[]')::jsonb ?| $8::text[] OR "  \
    "(coalesce(t.assignee, '') = '' AND jsonb_array_length(coalesce(t.candidate_users, "         \
    "'[]')::jsonb) = 0 AND jsonb_array_length(coalesce(t.candidate_groups, '[]')::jsonb) = 0))"

enum ordo_code ordo_query_list_tasks(struct ordo_store *st, const struct ordo_task_query *q,
                                     json_t **out, struct ordo_err *err)
{
    struct qry_page page;
    struct qry_list l = {.what = "could not list user tasks",
                         .fields = ordo_qry_task_fields,
                         .nfields = ordo_qry_task_nfields,
                         .nparams = 10,
                         .page = &page};
    const struct ordo_task_person *who = q->for_user;
    const char *instance = NULL, *state = NULL;
    enum ordo_code rc;

    ordo_arena_reset(st->arena);
    rc = ordo_qry_page(st->arena, q->limit, q->after, &page, err);
    if (rc == ORDO_OK) {
        rc = ordo_qry_key_param(st->arena, q->instance_key, "instance key", &instance, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_qry_choice(q->state, states, "open", "state", &state, err);
    }
    if (rc != ORDO_OK) {
        return rc;
    }
    l.params = (const char *[]){strcmp(state, "open") == 0 ? "created" : state,
                                instance,
                                q->assignee,
                                q->candidate_group,
                                who ? "t" : "f",
                                who ? who->login : NULL,
                                who ? who->email : NULL,
                                who ? groups_array(st->arena, who) : "{}",
                                page.after,
                                page.fetch};
    l.sql = "SELECT " QRY_TASK_COLUMNS " FROM user_task t JOIN instance i ON i.key = "
            "t.instance_key WHERE ($1::text = 'all' OR t.state = $1) "
            "AND ($2::bigint IS NULL OR t.instance_key = $2) "
            "AND ($3::text IS NULL OR lower(t.assignee) = lower($3)) "
            "AND ($4::text IS NULL OR coalesce(t.candidate_groups, '[]')::jsonb ? $4) "
            "AND " SQL_PERMITS " AND ($9::bigint IS NULL OR t.key < $9) "
            "ORDER BY t.key DESC LIMIT $10";
    return ordo_qry_run_list(st, &l, out, err);
}

/* ---- one task ------------------------------------------------------------------------------- */

struct one_ctx {
    int64_t key;
    json_t *out;
};

/* The element's ordo:form, parsed (null when it has none). */
static enum ordo_code add_form(struct ordo_store *st, json_t *task, int64_t definition,
                               const char *element_id, struct ordo_err *err)
{
    const struct store_def *def;
    const struct ordo_graph_node *n;
    json_t *form = NULL;
    enum ordo_code rc = ordo_st_def_get(st, definition, &def, err);

    if (rc != ORDO_OK) {
        return rc;
    }
    n = ordo_graph_find(def->graph, element_id);
    if (n && n->form && ordo_json_parse(n->form, strlen(n->form), NULL, &form, NULL) != ORDO_OK) {
        form = NULL; /* compile checked it is an object: cannot happen */
    }
    json_object_set_new(task, "form", form ? form : json_null());
    return ORDO_OK;
}

static enum ordo_code one_tx(struct ordo_store *st, void *ctx, struct ordo_err *err)
{
    struct one_ctx *c = ctx;
    const char *p[1] = {ordo_st_i64(st->arena, c->key)};
    PGresult *res;
    enum ordo_code rc;

    json_decref(c->out);
    c->out = NULL;
    rc = ordo_st_query(st, "could not read the user task",
                       "SELECT " QRY_TASK_COLUMNS " FROM user_task t JOIN "
                       "instance i ON i.key = t.instance_key WHERE t.key = $1",
                       1, p, &res, err);
    if (rc == ORDO_OK && PQntuples(res) == 0) {
        rc = ordo_err_set(err, ORDO_E_NOTFOUND, "user task %lld not found", (long long)c->key);
    }
    if (rc != ORDO_OK) {
        return rc;
    }
    c->out = ordo_qry_row(res, 0, ordo_qry_task_fields, ordo_qry_task_nfields);
    return add_form(st, c->out, ordo_pg_int(res, 0, (int)ordo_qry_task_nfields - 1),
                    PQgetvalue(res, 0, 3), err);
}

enum ordo_code ordo_query_get_task(struct ordo_store *st, int64_t key, json_t **out,
                                   struct ordo_err *err)
{
    struct one_ctx c = {.key = key};
    enum ordo_code rc;

    ordo_arena_reset(st->arena);
    rc = ordo_st_tx(st, one_tx, &c, err);
    if (rc != ORDO_OK) {
        json_decref(c.out);
        return rc;
    }
    *out = c.out;
    return ORDO_OK;
}

/* ---- claim and unclaim ---------------------------------------------------------------------- */

struct claim_ctx {
    int64_t key;
    const char *login; /* NULL: unclaim */
    bool force;
    const char *actor;
};

/* Lock the task's instance (as a step does: its row first), then read
 * the task in a statement of its own, which sees what a step that held
 * the lock wrote. Columns: instance key, task state, assignee, element id,
 * now, suspended. */
static enum ordo_code lock_task(struct ordo_store *st, const struct claim_ctx *c, PGresult **res,
                                struct ordo_err *err)
{
    const char *p[1] = {ordo_st_i64(st->arena, c->key)};
    enum ordo_code rc;

    rc = ordo_st_query(st, "could not lock the user task's instance",
                       "SELECT key FROM instance WHERE key = (SELECT instance_key FROM user_task "
                       "WHERE key = $1) FOR UPDATE",
                       1, p, NULL, err);
    rc = rc == ORDO_OK ? ordo_st_query(st, "could not read the user task",
                                       "SELECT t.instance_key, t.state, t.assignee, t.element_id, "
                                       "(extract(epoch FROM statement_timestamp()) * 1000)::"
                                       "bigint, i.suspended FROM user_task t JOIN instance i ON "
                                       "i.key = t.instance_key WHERE t.key = $1",
                                       1, p, res, err)
                       : rc;
    if (rc == ORDO_OK && PQntuples(*res) == 0) {
        return ordo_err_set(err, ORDO_E_NOTFOUND, "user task %lld not found", (long long)c->key);
    }
    if (rc == ORDO_OK && strcmp(PQgetvalue(*res, 0, 1), "created") != 0) {
        return ordo_err_set(err, ORDO_E_CONFLICT, "user task %lld is %s", (long long)c->key,
                            PQgetvalue(*res, 0, 1));
    }
    if (rc == ORDO_OK && strcmp(PQgetvalue(*res, 0, 5), "t") == 0) {
        return ordo_err_set(err, ORDO_E_CONFLICT, "user task %lld: instance %s is suspended",
                            (long long)c->key, PQgetvalue(*res, 0, 0));
    }
    return rc;
}

static enum ordo_code claim_tx(struct ordo_store *st, void *ctx, struct ordo_err *err)
{
    struct claim_ctx *c = ctx;
    const char *held;
    PGresult *res;
    enum ordo_code rc = lock_task(st, c, &res, err);

    if (rc != ORDO_OK) {
        return rc;
    }
    held = ordo_pg_text(res, 0, 2);
    if (held && !*held) {
        held = NULL;
    }
    if (c->login && held && strcasecmp(held, c->login) != 0 && !c->force) {
        return ordo_err_set(err, ORDO_E_CONFLICT, "user task %lld is assigned to \"%s\"",
                            (long long)c->key, held);
    }
    if (c->login ? held && strcasecmp(held, c->login) == 0 : !held) {
        return ORDO_OK; /* already so */
    }
    const char *p[2] = {ordo_st_i64(st->arena, c->key), c->login};

    ordo_pg_batch_add(st->batch, "could not assign the user task",
                      "UPDATE user_task SET assignee = $2 WHERE key = $1", 2, p);
    ordo_st_audit_one(
        st, st->batch, ordo_pg_int(res, 0, 4), c->actor,
        c->login ? "task.claimed" : "task.unclaimed", ordo_pg_int(res, 0, 0), PQgetvalue(res, 0, 3),
        ordo_qry_payload(st->arena, json_pack("{s:s, s:s?, s:s?}", "task_key", p[0], "assignee",
                                              c->login, "previous", held)));
    return ORDO_OK;
}

enum ordo_code ordo_query_claim_task(struct ordo_store *st, int64_t key, const char *login,
                                     bool force, const char *actor, struct ordo_err *err)
{
    struct claim_ctx c = {
        .key = key, .login = login, .force = force, .actor = actor ? actor : "engine"};

    if (!login || !*login) {
        return ordo_err_set(err, ORDO_E_INVAL, "a claim needs the claimer's login");
    }
    ordo_arena_reset(st->arena);
    return ordo_st_tx(st, claim_tx, &c, err);
}

enum ordo_code ordo_query_unclaim_task(struct ordo_store *st, int64_t key, const char *actor,
                                       struct ordo_err *err)
{
    struct claim_ctx c = {.key = key, .actor = actor ? actor : "engine"};

    ordo_arena_reset(st->arena);
    return ordo_st_tx(st, claim_tx, &c, err);
}

/* ---- the rule ------------------------------------------------------------------------------- */

static bool is_person(const char *name, const char *login, const char *email)
{
    return name &&
           ((login && strcasecmp(name, login) == 0) || (email && strcasecmp(name, email) == 0));
}

static bool in_groups(const char *name, const char *const *groups, size_t ngroups)
{
    for (size_t i = 0; name && i < ngroups; i++) {
        if (groups[i] && strcmp(name, groups[i]) == 0) {
            return true;
        }
    }
    return false;
}

bool ordo_task_permits(const json_t *task, const char *login, const char *email,
                       const char *const *groups, size_t ngroups)
{
    const char *assignee = json_string_value(json_object_get(task, "assignee"));
    const json_t *users = json_object_get(task, "candidateUsers");
    const json_t *cgroups = json_object_get(task, "candidateGroups");
    size_t i;
    const json_t *v;

    if (assignee && !*assignee) {
        assignee = NULL;
    }
    if (!assignee && json_array_size(users) == 0 && json_array_size(cgroups) == 0) {
        return true; /* open to every approver */
    }
    if (is_person(assignee, login, email)) {
        return true;
    }
    json_array_foreach(users, i, v)
    {
        if (is_person(json_string_value(v), login, email)) {
            return true;
        }
    }
    json_array_foreach(cgroups, i, v)
    {
        if (in_groups(json_string_value(v), groups, ngroups)) {
            return true;
        }
    }
    return false;
}
