/*
 * core/store_instance.c - what people and programs do to instances:
 * start, cancel, complete a user task, resolve an incident.
 */
#include <string.h>

#include "core/store_internal.h"

/* ---- start ---------------------------------------------------------------------------------- */

struct start_ctx {
    const struct ordo_start *req;
    int64_t key;
    bool replayed;
};

/* The start event an API start uses (CONTRACTS §6): the none start event,
 * else the first of the message, timer or webhook starts, "as if it had
 * fired". ORDO_GRAPH_NONE lets the runtime pick (and explain) otherwise. */
static uint32_t api_start_node(const struct store_def *def)
{
    const struct ordo_graph *g = def->graph;
    const struct ordo_graph_node *p = &g->nodes[def->process];

    for (uint32_t i = 0; i < p->nstarts; i++) {
        if (g->nodes[p->starts[i]].trigger == ORDO_GRAPH_TRIGGER_NONE) {
            return ORDO_GRAPH_NONE;
        }
    }
    return p->nstarts ? p->starts[0] : ORDO_GRAPH_NONE;
}

/* The start event 'id' of the process: a start event directly in it. */
static enum ordo_code named_start_node(const struct store_def *def, const char *id, uint32_t *out,
                                       struct ordo_err *err)
{
    const struct ordo_graph *g = def->graph;
    const struct ordo_graph_node *p = &g->nodes[def->process];

    for (uint32_t i = 0; i < p->nstarts; i++) {
        if (strcmp(g->nodes[p->starts[i]].id, id) == 0) {
            *out = p->starts[i];
            return ORDO_OK;
        }
    }
    return ordo_err_set(err, ORDO_E_NOTFOUND, "process \"%s\" has no start event \"%s\"",
                        def->process_id, id);
}

/* An idempotency key this actor used within a day: its instance. */
static enum ordo_code seen_key(struct ordo_store *st, struct start_ctx *c, struct ordo_err *err)
{
    const char *params[2] = {c->req->actor, c->req->idempotency_key};
    PGresult *res;
    enum ordo_code rc = ordo_st_query(st, "could not look up the idempotency key",
                                      "SELECT instance_key FROM idempotency WHERE scope = $1 AND "
                                      "key = $2 AND created_at >= now() - interval '1 day'",
                                      2, params, &res, err);

    if (rc == ORDO_OK && PQntuples(res) == 1) {
        c->key = ordo_pg_int(res, 0, 0);
        c->replayed = true;
    }
    return rc;
}

/* Remember the key with the new instance, in the start's transaction. A
 * concurrent start with the same key fails on the primary key, and its
 * retry finds this one. */
static void remember_key(struct ordo_store *st, const struct start_ctx *c)
{
    const char *params[3] = {c->req->actor, c->req->idempotency_key,
                             ordo_st_i64(st->arena, c->key)};

    /* Only a day-old row goes: a fresh one (a concurrent start that
     * committed first) makes the INSERT fail, and the retry replays it. */
    ordo_pg_batch_add(st->batch, "could not forget a day-old idempotency key",
                      "DELETE FROM idempotency WHERE scope = $1 AND key = $2 AND created_at < "
                      "now() - interval '1 day'",
                      2, params);
    ordo_pg_batch_add(st->batch, "could not remember the idempotency key",
                      "INSERT INTO idempotency (scope, key, instance_key) VALUES ($1, $2, $3)", 3,
                      params);
}

static enum ordo_code start_tx(struct ordo_store *st, void *ctx, struct ordo_err *err)
{
    struct start_ctx *c = ctx;
    const char *params[2] = {c->req->process_id, ordo_st_i64(st->arena, c->req->version)};
    struct store_new req = {.start_node = ORDO_GRAPH_NONE,
                            .variables = c->req->variables,
                            .business_key = c->req->business_key,
                            .actor = c->req->actor};
    PGresult *res;
    enum ordo_code rc;

    if (c->req->idempotency_key) {
        rc = seen_key(st, c, err);
        if (rc != ORDO_OK || c->replayed) {
            return rc;
        }
    }
    rc = ordo_st_query(st, "could not find the definition",
                       "SELECT key, suspended, nextval('ordo_key_seq'), "
                       "(extract(epoch FROM statement_timestamp()) * 1000)::bigint "
                       "FROM definition WHERE process_id = $1 AND ($2::int = 0 OR version = $2) "
                       "ORDER BY version DESC LIMIT 1",
                       2, params, &res, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    if (PQntuples(res) == 0) {
        return c->req->version
                   ? ordo_err_set(err, ORDO_E_NOTFOUND, "process \"%s\" has no version %d",
                                  c->req->process_id, c->req->version)
                   : ordo_err_set(err, ORDO_E_NOTFOUND, "process \"%s\" is not deployed",
                                  c->req->process_id);
    }
    if (strcmp(PQgetvalue(res, 0, 1), "t") == 0) {
        return ordo_err_set(err, ORDO_E_CONFLICT, "process \"%s\" is suspended",
                            c->req->process_id);
    }
    req.key = ordo_pg_int(res, 0, 2);
    req.now_ms = ordo_pg_int(res, 0, 3);
    rc = ordo_st_def_get(st, ordo_pg_int(res, 0, 0), &req.def, err);
    if (rc == ORDO_OK) {
        req.start_node = api_start_node(req.def);
        if (c->req->start_element) {
            rc = named_start_node(req.def, c->req->start_element, &req.start_node, err);
        }
    }
    if (rc == ORDO_OK) {
        rc = ordo_st_start_locked(st, &req, err);
    }
    c->key = req.key;
    if (rc == ORDO_OK && c->req->idempotency_key) {
        remember_key(st, c);
    }
    return rc;
}

enum ordo_code ordo_store_start_once(struct ordo_store *st, const struct ordo_start *req,
                                     int64_t *instance_key, bool *replayed, struct ordo_err *err)
{
    struct start_ctx c = {.req = req};
    struct ordo_err first = {0};
    enum ordo_code rc;

    if (req->variables && !json_is_object(req->variables)) {
        return ordo_err_set(err, ORDO_E_INVAL, "variables must be a JSON object");
    }
    ordo_arena_reset(st->arena);
    rc = ordo_st_tx(st, start_tx, &c, &first);
    if (rc == ORDO_E_CONFLICT && req->idempotency_key) {
        /* Lost a race for the key: the winner's instance is the answer. */
        memset(&c, 0, sizeof c);
        c.req = req;
        ordo_err_clear(&first);
        rc = ordo_st_tx(st, start_tx, &c, &first);
    }
    if (rc != ORDO_OK) {
        return ordo_err_set(err, rc, "%s", ordo_err_message(&first));
    }
    if (instance_key) {
        *instance_key = c.key;
    }
    if (replayed) {
        *replayed = c.replayed;
    }
    return ORDO_OK;
}

enum ordo_code ordo_store_start(struct ordo_store *st, const struct ordo_start *req,
                                int64_t *instance_key, struct ordo_err *err)
{
    return ordo_store_start_once(st, req, instance_key, NULL, err);
}

/* ---- events on one instance ----------------------------------------------------------------- */

/* An event for the instance that owns row 'key' of 'table' (a user task or
 * an incident), found before the lock and checked after it. */
struct row_event {
    enum ordo_event_kind kind;
    const char *table, *noun; /* "user_task", "user task" */
    const char *open_state;   /* the state the row must be in */
    int64_t key;
    const json_t *variables;
    const char *actor;
    const struct ordo_notify_job *notify; /* queued with the event, or NULL */
    int64_t instance_key, elem;
};

static enum ordo_code row_event_fill(struct store_step *s, struct ordo_event *ev, void *ctx,
                                     struct ordo_err *err)
{
    struct row_event *c = ctx;

    /* Checked under the instance's lock, which suspending takes too. */
    if (c->kind == ORDO_EVENT_TASK_COMPLETE && s->suspended) {
        return ordo_err_set(err, ORDO_E_CONFLICT, "user task %lld: instance %lld is suspended",
                            (long long)c->key, (long long)c->instance_key);
    }
    ev->kind = c->kind;
    ev->key = (uint32_t)c->elem;
    ev->variables = c->variables;
    return ORDO_OK;
}

static enum ordo_code row_event_tx(struct ordo_store *st, void *ctx, struct ordo_err *err)
{
    struct row_event *c = ctx;
    const char *params[1] = {ordo_st_i64(st->arena, c->key)};
    PGresult *res;
    enum ordo_code rc;
    /* The table name is one of two constants, never input. */
    const char *sql = strcmp(c->table, "user_task") == 0
                          ? "SELECT instance_key, elem, state FROM user_task WHERE key = $1"
                          : "SELECT instance_key, elem, state FROM incident WHERE key = $1";

    rc = ordo_st_query(st, "could not read the row", sql, 1, params, &res, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    if (PQntuples(res) == 0) {
        return ordo_err_set(err, ORDO_E_NOTFOUND, "%s %lld not found", c->noun, (long long)c->key);
    }
    if (strcmp(PQgetvalue(res, 0, 2), c->open_state) != 0) {
        return ordo_err_set(err, ORDO_E_CONFLICT, "%s %lld is %s", c->noun, (long long)c->key,
                            PQgetvalue(res, 0, 2));
    }
    c->instance_key = ordo_pg_int(res, 0, 0);
    c->elem = ordo_pg_int(res, 0, 1);
    /* The runtime checks again under the instance's lock: of two
     * completions racing past the check above, the second finds the task
     * no longer waiting and changes nothing. */
    rc = ordo_st_step_locked(st, c->instance_key, c->actor, row_event_fill, c, err);
    if (rc == ORDO_OK && c->notify) {
        ordo_st_notify_queue(st, c->notify);
    }
    return rc;
}

static enum ordo_code row_event(struct ordo_store *st, struct row_event *c, struct ordo_err *err)
{
    if (c->variables && !json_is_object(c->variables)) {
        return ordo_err_set(err, ORDO_E_INVAL, "variables must be a JSON object");
    }
    ordo_arena_reset(st->arena);
    return ordo_st_tx(st, row_event_tx, c, err);
}

enum ordo_code ordo_store_complete_task(struct ordo_store *st, int64_t task_key,
                                        const json_t *variables, const char *actor,
                                        struct ordo_err *err)
{
    return ordo_store_complete_task_notify(st, task_key, variables, actor, NULL, err);
}

enum ordo_code ordo_store_complete_task_notify(struct ordo_store *st, int64_t task_key,
                                               const json_t *variables, const char *actor,
                                               const struct ordo_notify_job *job,
                                               struct ordo_err *err)
{
    struct row_event c = {.kind = ORDO_EVENT_TASK_COMPLETE,
                          .table = "user_task",
                          .noun = "user task",
                          .open_state = "created",
                          .key = task_key,
                          .variables = variables,
                          .actor = actor,
                          .notify = job};

    return row_event(st, &c, err);
}

enum ordo_code ordo_store_resolve_incident(struct ordo_store *st, int64_t incident_key,
                                           const json_t *variables, const char *actor,
                                           struct ordo_err *err)
{
    struct row_event c = {.kind = ORDO_EVENT_RESOLVE,
                          .table = "incident",
                          .noun = "incident",
                          .open_state = "open",
                          .key = incident_key,
                          .variables = variables,
                          .actor = actor};

    return row_event(st, &c, err);
}

/* ---- cancel --------------------------------------------------------------------------------- */

static enum ordo_code cancel_fill(struct store_step *s, struct ordo_event *ev, void *ctx,
                                  struct ordo_err *err)
{
    (void)s;
    (void)ctx;
    (void)err;
    ev->kind = ORDO_EVENT_CANCEL;
    return ORDO_OK;
}

struct cancel_ctx {
    int64_t key;
    const char *actor;
};

static enum ordo_code cancel_tx(struct ordo_store *st, void *ctx, struct ordo_err *err)
{
    struct cancel_ctx *c = ctx;

    return ordo_st_step_locked(st, c->key, c->actor, cancel_fill, NULL, err);
}

enum ordo_code ordo_store_cancel(struct ordo_store *st, int64_t instance_key, const char *actor,
                                 struct ordo_err *err)
{
    struct cancel_ctx c = {.key = instance_key, .actor = actor};

    ordo_arena_reset(st->arena);
    return ordo_st_tx(st, cancel_tx, &c, err);
}
