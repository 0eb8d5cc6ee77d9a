/*
 * core/query_instance.c - instances: the list, the instance view (its
 * variables and active elements from the snapshot, its history from the
 * audit, its incidents, tasks and jobs from their rows), suspend and
 * resume, variables set by an operator, and cancelling many at once.
 */
#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "core/query_internal.h"

static const struct qry_field fields[] = {
    {"key", QRY_KEY},        {"processId", QRY_TEXT},   {"definitionKey", QRY_KEY},
    {"version", QRY_INT},    {"businessKey", QRY_TEXT}, {"state", QRY_TEXT},
    {"suspended", QRY_BOOL}, {"parentKey", QRY_KEY},    {"createdAt", QRY_TIME},
    {"endedAt", QRY_TIME},
};

#define COLUMNS                                                                                 \
    "i.key, i.process_id, i.definition_key, d.version, i.business_key, i.status, i.suspended, " \
    "i.parent_key, " QRY_MS("i.created_at") ", " QRY_MS("i.ended_at")

static const struct qry_field history_fields[] = {
    {"seq", QRY_KEY},     {"time", QRY_TIME},      {"actor", QRY_TEXT},
    {"action", QRY_TEXT}, {"elementId", QRY_TEXT}, {"payload", QRY_JSON},
};

static const char *const states[] = {"active",   "completed", "terminated",
                                     "canceled", "error",     NULL};

enum ordo_code ordo_query_list_instances(struct ordo_store *st, const struct ordo_instance_query *q,
                                         json_t **out, struct ordo_err *err)
{
    struct qry_page page;
    struct qry_list l = {.what = "could not list instances",
                         .fields = fields,
                         .nfields = QRY_NFIELDS(fields),
                         .nparams = 6,
                         .page = &page};
    const char *definition = NULL, *state = NULL;
    enum ordo_code rc;

    ordo_arena_reset(st->arena);
    rc = ordo_qry_page(st->arena, q->limit, q->after, &page, err);
    if (rc == ORDO_OK) {
        rc = ordo_qry_key_param(st->arena, q->definition_key, "definition key", &definition, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_qry_choice(q->state, states, NULL, "state", &state, err);
    }
    if (rc != ORDO_OK) {
        return rc;
    }
    l.params =
        (const char *[]){q->process_id, definition, state, q->business_key, page.after, page.fetch};
    l.sql = "SELECT " COLUMNS " FROM instance i JOIN definition d ON d.key = i.definition_key "
            "WHERE ($1::text IS NULL OR i.process_id = $1) "
            "AND ($2::bigint IS NULL OR i.definition_key = $2) "
            "AND ($3::text IS NULL OR i.status = $3) "
            "AND ($4::text IS NULL OR i.business_key = $4) "
            "AND ($5::bigint IS NULL OR i.key < $5) ORDER BY i.key DESC LIMIT $6";
    return ordo_qry_run_list(st, &l, out, err);
}

/* ---- the instance view ---------------------------------------------------------------------- */

struct view_ctx {
    int64_t key;
    const char *keytext;
    json_t *out;
};

/* Variables and active elements: the snapshot, read with the compiled
 * definition as a step reads it. */
static enum ordo_code add_state(struct ordo_store *st, json_t *view, int64_t definition,
                                const char *state, bool called, struct ordo_err *err)
{
    struct ordo_runtime_options opts = *ordo_st_def_runtime(st);
    const struct ordo_active_element *el;
    const struct store_def *def;
    struct ordo_instance *inst = NULL;
    json_t *snap = NULL, *active;
    size_t n;
    enum ordo_code rc = ordo_st_def_get(st, definition, &def, err);

    rc = rc == ORDO_OK ? ordo_json_parse(state, strlen(state), NULL, &snap, err) : rc;
    opts.called = called;
    rc = rc == ORDO_OK ? ordo_instance_restore(def->graph, snap, &opts, &inst, err) : rc;
    json_decref(snap);
    if (rc != ORDO_OK) {
        return rc;
    }
    json_object_set_new(view, "variables", json_deep_copy(ordo_instance_variables(inst)));
    active = json_array();
    n = ordo_instance_elements(inst, st->arena, &el);
    for (size_t i = 0; i < n; i++) {
        const struct ordo_graph_node *node = &def->graph->nodes[el[i].node];

        if (el[i].parent != 0) { /* the process itself is the instance */
            json_array_append_new(active, json_pack("{s:s, s:s, s:s}", "elementId", node->id,
                                                    "type", node->type, "elementKey",
                                                    ordo_st_i64(st->arena, el[i].key)));
        }
    }
    json_object_set_new(view, "activeElements", active);
    ordo_instance_free(inst);
    return ORDO_OK;
}

/* The newest ORDO_QUERY_MAX_HISTORY audit rows, oldest first. */
static enum ordo_code add_history(struct ordo_store *st, json_t *view, const char *key,
                                  struct ordo_err *err)
{
    const char *p[2] = {key, ordo_st_i64(st->arena, ORDO_QUERY_MAX_HISTORY + 1)};
    json_t *rows;
    PGresult *res;
    size_t n;
    enum ordo_code rc;

    rc = ordo_st_query(st, "could not read the history",
                       "SELECT seq, time_ms, actor, action, element_id, payload FROM audit "
                       "WHERE instance_key = $1 ORDER BY seq DESC LIMIT $2",
                       2, p, &res, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    rows = ordo_qry_rows(res, history_fields, QRY_NFIELDS(history_fields));
    n = json_array_size(rows);
    json_object_set_new(view, "historyTruncated", json_boolean(n > ORDO_QUERY_MAX_HISTORY));
    if (n > ORDO_QUERY_MAX_HISTORY) {
        json_array_remove(rows, --n);
    }
    for (size_t i = 0; i < n / 2; i++) { /* newest first -> oldest first */
        json_t *a = json_incref(json_array_get(rows, i));

        json_array_set(rows, i, json_array_get(rows, n - 1 - i));
        json_array_set_new(rows, n - 1 - i, a);
    }
    json_object_set_new(view, "history", rows);
    return ORDO_OK;
}

/* Open incidents, open tasks and pending jobs, each as its list's items. */
static enum ordo_code add_rows(struct ordo_store *st, json_t *view, const char *key,
                               struct ordo_err *err)
{
    static const struct {
        const char *name, *sql;
        const struct qry_field *fields;
        const size_t *nfields;
    } parts[] = {
        {"incidents",
         "SELECT " QRY_INCIDENT_COLUMNS " FROM incident x JOIN instance i ON i.key = "
         "x.instance_key WHERE x.instance_key = $1 AND x.state = 'open' ORDER BY x.key DESC",
         ordo_qry_incident_fields, &ordo_qry_incident_nfields},
        {"tasks",
         "SELECT " QRY_TASK_COLUMNS " FROM user_task t JOIN instance i ON i.key = "
         "t.instance_key WHERE t.instance_key = $1 AND t.state = 'created' ORDER BY t.key DESC",
         ordo_qry_task_fields, &ordo_qry_task_nfields},
        {"jobs",
         "SELECT " QRY_JOB_COLUMNS " FROM job j WHERE j.instance_key = $1 "
         "ORDER BY j.key DESC",
         ordo_qry_job_fields, &ordo_qry_job_nfields},
    };
    const char *p[1] = {key};
    enum ordo_code rc = ORDO_OK;

    for (size_t i = 0; i < sizeof parts / sizeof parts[0] && rc == ORDO_OK; i++) {
        PGresult *res;

        rc = ordo_st_query(st, "could not read the instance's rows", parts[i].sql, 1, p, &res, err);
        if (rc == ORDO_OK) {
            json_object_set_new(view, parts[i].name,
                                ordo_qry_rows(res, parts[i].fields, *parts[i].nfields));
        }
    }
    return rc;
}

static enum ordo_code view_tx(struct ordo_store *st, void *ctx, struct ordo_err *err)
{
    struct view_ctx *c = ctx;
    const char *p[1] = {c->keytext};
    PGresult *res;
    enum ordo_code rc;

    json_decref(c->out);
    c->out = NULL;
    rc = ordo_st_query(st, "could not read the instance",
                       "SELECT " COLUMNS ", i.state FROM instance i JOIN definition d ON d.key = "
                       "i.definition_key WHERE i.key = $1",
                       1, p, &res, err);
    if (rc == ORDO_OK && PQntuples(res) == 0) {
        rc = ordo_err_set(err, ORDO_E_NOTFOUND, "instance %lld not found", (long long)c->key);
    }
    if (rc != ORDO_OK) {
        return rc;
    }
    c->out = ordo_qry_row(res, 0, fields, QRY_NFIELDS(fields));
    rc = add_state(st, c->out, ordo_pg_int(res, 0, 2), PQgetvalue(res, 0, QRY_NFIELDS(fields)),
                   !PQgetisnull(res, 0, 7), err);
    rc = rc == ORDO_OK ? add_history(st, c->out, c->keytext, err) : rc;
    return rc == ORDO_OK ? add_rows(st, c->out, c->keytext, err) : rc;
}

enum ordo_code ordo_query_get_instance(struct ordo_store *st, int64_t key, json_t **out,
                                       struct ordo_err *err)
{
    struct view_ctx c = {.key = key};
    enum ordo_code rc;

    ordo_arena_reset(st->arena);
    c.keytext = ordo_st_i64(st->arena, key);
    rc = ordo_st_tx(st, view_tx, &c, err);
    if (rc != ORDO_OK) {
        json_decref(c.out);
        return rc;
    }
    *out = c.out;
    return ORDO_OK;
}

/* ---- writes --------------------------------------------------------------------------------- */

struct suspend_ctx {
    int64_t key;
    bool suspend;
    const char *actor;
};

static enum ordo_code suspend_tx(struct ordo_store *st, void *ctx, struct ordo_err *err)
{
    struct suspend_ctx *c = ctx;
    const char *key = ordo_st_i64(st->arena, c->key);
    const char *p[2] = {key, c->suspend ? "t" : "f"};
    PGresult *res;
    enum ordo_code rc;

    /* The lock a step takes: no step of the instance runs meanwhile. */
    rc = ordo_st_query(st, "could not lock the instance",
                       "SELECT status, suspended, "
                       "(extract(epoch FROM statement_timestamp()) * 1000)::bigint, process_id "
                       "FROM instance WHERE key = $1 FOR UPDATE",
                       1, p, &res, err);
    if (rc == ORDO_OK && PQntuples(res) == 0) {
        rc = ordo_err_set(err, ORDO_E_NOTFOUND, "instance %lld not found", (long long)c->key);
    }
    if (rc == ORDO_OK && strcmp(PQgetvalue(res, 0, 0), "active") != 0) {
        rc = ordo_err_set(err, ORDO_E_CONFLICT, "instance %lld has ended (%s)", (long long)c->key,
                          PQgetvalue(res, 0, 0));
    }
    if (rc != ORDO_OK || (strcmp(PQgetvalue(res, 0, 1), "t") == 0) == c->suspend) {
        return rc; /* already so: nothing to write */
    }
    ordo_pg_batch_add(st->batch, "could not suspend the instance",
                      "UPDATE instance SET suspended = $2, updated_at = now() WHERE key = $1", 2,
                      p);
    ordo_st_audit_one(
        st, st->batch, ordo_pg_int(res, 0, 2), c->actor,
        c->suspend ? "instance.suspended" : "instance.resumed", c->key, NULL,
        ordo_qry_payload(st->arena, json_pack("{s:s}", "process", PQgetvalue(res, 0, 3))));
    /* Resumed: what it held back may be due now. */
    st->notify = st->notify || !c->suspend;
    return ORDO_OK;
}

enum ordo_code ordo_query_suspend_instance(struct ordo_store *st, int64_t key, bool suspend,
                                           const char *actor, struct ordo_err *err)
{
    struct suspend_ctx c = {.key = key, .suspend = suspend, .actor = actor ? actor : "engine"};

    ordo_arena_reset(st->arena);
    return ordo_st_tx(st, suspend_tx, &c, err);
}

struct vars_ctx {
    int64_t key;
    const json_t *variables;
    const char *actor;
};

static enum ordo_code vars_fill(struct store_step *s, struct ordo_event *ev, void *ctx,
                                struct ordo_err *err)
{
    const struct vars_ctx *c = ctx;

    (void)s;
    (void)err;
    ev->kind = ORDO_EVENT_SET_VARIABLES;
    ev->variables = c->variables;
    return ORDO_OK;
}

static enum ordo_code vars_tx(struct ordo_store *st, void *ctx, struct ordo_err *err)
{
    struct vars_ctx *c = ctx;

    return ordo_st_step_locked(st, c->key, c->actor, vars_fill, c, err);
}

enum ordo_code ordo_query_set_variables(struct ordo_store *st, int64_t key, const json_t *variables,
                                        const char *actor, struct ordo_err *err)
{
    struct vars_ctx c = {.key = key, .variables = variables, .actor = actor};

    if (!json_is_object(variables)) {
        return ordo_err_set(err, ORDO_E_INVAL, "variables must be a JSON object");
    }
    ordo_arena_reset(st->arena);
    return ordo_st_tx(st, vars_tx, &c, err);
}

enum ordo_code ordo_query_cancel_instances(struct ordo_store *st, const int64_t *keys, size_t n,
                                           const char *actor, json_t **out, struct ordo_err *err)
{
    json_t *items;

    if (n > ORDO_QUERY_MAX_BULK) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "%zu instances to cancel: at most %d at a time", n,
                            ORDO_QUERY_MAX_BULK);
    }
    items = json_array();
    for (size_t i = 0; i < n; i++) {
        struct ordo_err why = {0};
        enum ordo_code rc = ordo_store_cancel(st, keys[i], actor, &why);
        const char *result = rc == ORDO_OK           ? "ok"
                             : rc == ORDO_E_NOTFOUND ? "notfound"
                             : rc == ORDO_E_CONFLICT ? "conflict"
                                                     : NULL;
        char key[24];

        if (!result) { /* the database, not the instance: stop here */
            json_decref(items);
            return ordo_err_set(err, rc, "%s", why.msg);
        }
        (void)snprintf(key, sizeof key, "%lld", (long long)keys[i]);
        json_array_append_new(items, json_pack("{s:s, s:s, s:s?}", "key", key, "result", result,
                                               "message", rc == ORDO_OK ? NULL : why.msg));
    }
    *out = json_pack("{s:o}", "items", items);
    return ORDO_OK;
}
