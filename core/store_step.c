/*
 * core/store_step.c - one step: lock, restore, apply, write, save.
 *
 * The instance's state is the runtime's snapshot in the instance row. A
 * step restores it, applies the event, and writes the snapshot back with
 * every row the effects ask for, all in the caller's transaction. The
 * writes go to the database in one pipelined round trip (base/pg.h
 * batches); foreign keys to the instance are checked at commit, so their
 * order does not matter.
 */
#include <string.h>

#include "base/json.h"
#include "core/store_internal.h"

/* Nested starts in one transaction (a call activity whose child calls
 * another at once...): beyond this, a process that calls itself without
 * waiting is refused instead of exhausting the stack. */
#define MAX_CALL_DEPTH 32
/* Buffered messages delivered in one step, one after another. */
#define MAX_DELIVERIES 64

static const char *status_name(enum ordo_instance_status s)
{
    switch (s) {
    case ORDO_INSTANCE_ACTIVE:
        return "active";
    case ORDO_INSTANCE_COMPLETED:
        return "completed";
    case ORDO_INSTANCE_TERMINATED:
        return "terminated";
    case ORDO_INSTANCE_CANCELED:
        return "canceled";
    case ORDO_INSTANCE_ERROR:
        return "error";
    }
    return "active";
}

void ordo_st_audit_one(struct ordo_store *st, struct ordo_pg_batch *batch, int64_t time_ms,
                       const char *actor, const char *action, int64_t instance_key,
                       const char *element_id, const char *payload)
{
    const char *p[6] = {ordo_st_i64(st->arena, time_ms),
                        actor,
                        action,
                        instance_key ? ordo_st_i64(st->arena, instance_key) : NULL,
                        element_id,
                        payload};

    ordo_pg_batch_add(batch, "could not write the audit log",
                      "INSERT INTO audit (time_ms, actor, action, instance_key, element_id, "
                      "payload) VALUES ($1, $2, $3, $4, $5, $6)",
                      6, p);
}

static void step_init(struct store_step *s, struct ordo_store *st, const char *actor)
{
    memset(s, 0, sizeof *s);
    s->st = st;
    s->actor = actor ? actor : "engine";
    s->retry_in_ms = -1;
    s->batch = st->batch;
    s->batch_mark = ordo_pg_batch_count(st->batch);
    ordo_buf_puts(&s->actions, "{");
    ordo_buf_puts(&s->elements, "{");
    ordo_buf_puts(&s->payloads, "{");
}

/* A step that failed takes back the writes it queued. */
static void step_cleanup(struct store_step *s, enum ordo_code rc)
{
    if (rc != ORDO_OK) {
        ordo_pg_batch_truncate(s->batch, s->batch_mark);
    }
    ordo_instance_free(s->inst);
    ordo_buf_cleanup(&s->actions);
    ordo_buf_cleanup(&s->elements);
    ordo_buf_cleanup(&s->payloads);
}

/* The audit's name for what happened: the event. */
static const char *event_action(enum ordo_event_kind kind)
{
    switch (kind) {
    case ORDO_EVENT_START:
        return "instance.started";
    case ORDO_EVENT_JOB_COMPLETE:
        return "job.completed";
    case ORDO_EVENT_JOB_FAIL:
        return "job.failed";
    case ORDO_EVENT_JOB_ERROR:
        return "job.error";
    case ORDO_EVENT_TASK_COMPLETE:
        return "task.completed";
    case ORDO_EVENT_MESSAGE:
        return "message.correlated";
    case ORDO_EVENT_TIMER:
        return "timer.fired";
    case ORDO_EVENT_CALL_COMPLETE:
        return "call.completed";
    case ORDO_EVENT_CALL_ERROR:
        return "call.error";
    case ORDO_EVENT_CALL_FAIL:
        return "call.failed";
    case ORDO_EVENT_RESOLVE:
        return "incident.resolved";
    case ORDO_EVENT_CANCEL:
        return "instance.canceled";
    case ORDO_EVENT_SET_VARIABLES:
        return "variables.set";
    }
    return "event";
}

/* One audit row per applied event: who, what, on which element, and every
 * effect it had (elements entered and left, variables set, jobs, tasks,
 * the end), as the runtime's JSON records. */
static void audit_step(struct store_step *s, const struct ordo_event *ev,
                       const struct ordo_step *step)
{
    const struct ordo_graph *g = s->def->graph;
    struct ordo_buf json = ORDO_BUF_INIT;
    const char *element = NULL;

    ordo_buf_puts(&json, "{\"effects\":[");
    for (size_t i = 0; i < step->neffects; i++) {
        const struct ordo_effect *e = &step->effects[i];

        if (!element && e->node != ORDO_GRAPH_NONE) {
            element = g->nodes[e->node].id;
        }
        if (i > 0) {
            ordo_buf_putc(&json, ',');
        }
        ordo_effect_json(g, e, &json);
    }
    ordo_buf_puts(&json, "]}");
    ordo_pg_array_add(&s->actions, event_action(ev->kind));
    ordo_pg_array_add(&s->elements, element);
    ordo_pg_array_add(&s->payloads, ordo_buf_cstr(&json));
    ordo_buf_cleanup(&json);
    s->naudit++;
}

/* Apply one event and queue what it did. */
static enum ordo_code apply(struct store_step *s, const struct ordo_event *ev, struct ordo_err *err)
{
    struct ordo_step step = {.arena = s->st->arena};
    enum ordo_code rc = ordo_runtime_apply(s->inst, ev, &step, err);

    if (rc == ORDO_OK) {
        audit_step(s, ev, &step);
        rc = ordo_st_write_effects(s, &step, err);
    }
    return rc;
}

bool ordo_st_waits_for(const struct store_step *s, const char *name, const char *corr)
{
    const struct ordo_wait *w;
    size_t n = ordo_instance_waits(s->inst, s->st->arena, &w);

    for (size_t i = 0; i < n; i++) {
        if (w[i].kind == ORDO_WAIT_MESSAGE && strcmp(w[i].text, name) == 0 &&
            strcmp(w[i].text2 ? w[i].text2 : "", corr) == 0) {
            return true;
        }
    }
    return false;
}

enum ordo_code ordo_st_apply_message(struct store_step *s, const char *name, const char *corr,
                                     const char *payload, struct ordo_err *err)
{
    struct ordo_event ev = {.kind = ORDO_EVENT_MESSAGE,
                            .time_ms = s->now_ms,
                            .start_node = ORDO_GRAPH_NONE,
                            .name = name,
                            .correlation_key = corr};
    json_t *vars = NULL;
    enum ordo_code rc = ordo_json_parse(payload, strlen(payload), NULL, &vars, err);

    if (rc == ORDO_OK) {
        ev.variables = ordo_json_defer(s->st->arena, vars);
        rc = apply(s, &ev, err);
    }
    return rc;
}

/* Call activities whose child could not start wait on an incident. */
static enum ordo_code fail_calls(struct store_step *s, struct ordo_err *err)
{
    enum ordo_code rc = ORDO_OK;

    while (rc == ORDO_OK && s->nfails > 0) {
        struct st_call_fail f = s->fails[--s->nfails];
        struct ordo_event ev = {.kind = ORDO_EVENT_CALL_FAIL,
                                .time_ms = s->now_ms,
                                .start_node = ORDO_GRAPH_NONE,
                                .key = f.elem,
                                .message = f.why};

        rc = apply(s, &ev, err);
    }
    return rc;
}

static enum ordo_code apply_all(struct store_step *s, const struct ordo_event *ev,
                                struct ordo_err *err)
{
    enum ordo_code rc = apply(s, ev, err);

    rc = rc == ORDO_OK ? fail_calls(s, err) : rc;

    for (int i = 0; rc == ORDO_OK && s->nsubs > 0 && i < MAX_DELIVERIES; i++) {
        rc = ordo_st_deliver_buffered(s, err);
        rc = rc == ORDO_OK ? fail_calls(s, err) : rc;
    }
    return rc;
}

/* Queue the audit rows and the instance row; they go out with the commit. */
static void save(struct store_step *s)
{
    struct ordo_arena *a = s->st->arena;
    json_t *snap = ordo_instance_snapshot(s->inst);
    const char *state = ordo_json_dump(a, ordo_json_defer(a, snap), JSON_COMPACT);
    const char *status = status_name(ordo_instance_status(s->inst));
    const char *key = ordo_st_i64(a, s->instance_key);

    if (s->naudit > 0) {
        const char *params[6] = {ordo_st_i64(a, s->now_ms), s->actor, key};

        ordo_buf_putc(&s->actions, '}');
        ordo_buf_putc(&s->elements, '}');
        ordo_buf_putc(&s->payloads, '}');
        params[3] = ordo_buf_cstr(&s->actions);
        params[4] = ordo_buf_cstr(&s->elements);
        params[5] = ordo_buf_cstr(&s->payloads);
        ordo_pg_batch_add(s->batch, "could not write the audit log",
                          "INSERT INTO audit (time_ms, actor, action, instance_key, element_id, "
                          "payload) SELECT $1::bigint, $2, u.a, $3::bigint, u.e, u.p FROM "
                          "unnest($4::text[], $5::text[], $6::text[]) WITH ORDINALITY "
                          "AS u(a, e, p, n) ORDER BY u.n",
                          6, params);
    }
    if (s->created) {
        const char *params[7] = {
            key, ordo_st_i64(a, s->def->key), s->def->process_id, NULL, status, state, NULL};
        const char *parent[2] = {s->parent_key ? ordo_st_i64(a, s->parent_key) : NULL,
                                 s->parent_key ? ordo_st_i64(a, s->parent_elem) : NULL};

        params[3] = s->business_key;
        ordo_pg_batch_add(
            s->batch, "could not create the instance",
            "INSERT INTO instance (key, definition_key, process_id, business_key, status, state, "
            "parent_key, parent_elem, steps, ended_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, "
            "CASE WHEN $5 <> 'active' THEN now() END)",
            8,
            (const char *[]){params[0], params[1], params[2], params[3], params[4], params[5],
                             parent[0], parent[1]});
    } else {
        const char *params[3] = {key, status, state};

        ordo_pg_batch_add(s->batch, "could not save the instance",
                          "UPDATE instance SET state = $3, status = $2, steps = steps + 1, "
                          "updated_at = now(), ended_at = CASE WHEN $2 <> 'active' THEN now() END "
                          "WHERE key = $1",
                          3, params);
    }
}

static enum ordo_code lock_instance(struct store_step *s, int64_t key, const json_t **state,
                                    struct ordo_err *err)
{
    struct ordo_arena *a = s->st->arena;
    const char *params[1] = {ordo_st_i64(a, key)};
    PGresult *res;
    enum ordo_code rc;
    json_t *snap;

    rc = ordo_st_query(s->st, "could not lock the instance",
                       "SELECT definition_key, state, status, coalesce(parent_key, 0), "
                       "coalesce(parent_elem, 0), "
                       "(extract(epoch FROM statement_timestamp()) * 1000)::bigint, suspended "
                       "FROM instance WHERE key = $1 FOR UPDATE",
                       1, params, &res, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    if (PQntuples(res) == 0) {
        return ordo_err_set(err, ORDO_E_NOTFOUND, "instance %lld not found", (long long)key);
    }
    if (strcmp(PQgetvalue(res, 0, 2), "active") != 0) {
        return ordo_err_set(err, ORDO_E_CONFLICT, "instance %lld has ended (%s)", (long long)key,
                            PQgetvalue(res, 0, 2));
    }
    s->instance_key = key;
    s->parent_key = ordo_pg_int(res, 0, 3);
    s->parent_elem = ordo_pg_int(res, 0, 4);
    s->now_ms = ordo_pg_int(res, 0, 5);
    s->suspended = strcmp(PQgetvalue(res, 0, 6), "t") == 0;
    rc = ordo_st_def_get(s->st, ordo_pg_int(res, 0, 0), &s->def, err);
    if (rc == ORDO_OK) {
        const char *text = PQgetvalue(res, 0, 1);

        rc = ordo_json_parse(text, strlen(text), NULL, &snap, err);
        if (rc == ORDO_OK) {
            *state = ordo_json_defer(a, snap);
        }
    }
    return rc;
}

/* A second step of one instance in one transaction reads what the first
 * wrote: send the queued writes first. */
static enum ordo_code seen_before(struct ordo_store *st, int64_t key, struct ordo_err *err)
{
    for (size_t i = 0; i < st->nstepped; i++) {
        if (st->stepped[i] == key) {
            return ordo_pg_batch_run(st->db, st->batch, err);
        }
    }
    st->stepped = ordo_arena_grow(st->arena, st->stepped, st->nstepped, &st->stepped_cap,
                                  sizeof *st->stepped);
    st->stepped[st->nstepped++] = key;
    return ORDO_OK;
}

enum ordo_code ordo_st_step_locked(struct ordo_store *st, int64_t key, const char *actor,
                                   store_event_fn *fn, void *ctx, struct ordo_err *err)
{
    struct store_step s;
    struct ordo_event ev = {0};
    const json_t *state = NULL;
    enum ordo_code rc;

    step_init(&s, st, actor);
    rc = seen_before(st, key, err);
    s.batch_mark = ordo_pg_batch_count(st->batch); /* seen_before may have sent the batch */
    rc = rc == ORDO_OK ? lock_instance(&s, key, &state, err) : rc;
    if (rc == ORDO_OK) {
        struct ordo_runtime_options opts = *ordo_st_def_runtime(st);

        opts.called = s.parent_key != 0;
        rc = ordo_instance_restore(s.def->graph, state, &opts, &s.inst, err);
    }
    if (rc == ORDO_OK) {
        ev.time_ms = s.now_ms;
        ev.start_node = ORDO_GRAPH_NONE;
        rc = fn(&s, &ev, ctx, err);
    }
    if (rc == ORDO_OK) {
        rc = apply_all(&s, &ev, err);
    }
    if (rc == ORDO_OK) {
        save(&s);
    }
    step_cleanup(&s, rc);
    return rc;
}

enum ordo_code ordo_st_start_locked(struct ordo_store *st, const struct store_new *req,
                                    struct ordo_err *err)
{
    static _Thread_local int depth;
    struct store_step s;
    struct ordo_runtime_options opts = *ordo_st_def_runtime(st);
    struct ordo_event ev = {.kind = ORDO_EVENT_START, .start_node = req->start_node};
    enum ordo_code rc;

    if (depth >= MAX_CALL_DEPTH) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "process \"%s\": call activities nest more than %d levels deep "
                            "without waiting",
                            req->def->process_id, MAX_CALL_DEPTH);
    }
    step_init(&s, st, req->actor);
    s.created = true;
    s.def = req->def;
    s.instance_key = req->key;
    s.parent_key = req->parent_key;
    s.parent_elem = req->parent_elem;
    s.business_key = req->business_key;
    s.now_ms = req->now_ms;
    opts.called = req->parent_key != 0;
    s.inst = ordo_instance_new(req->def->graph, req->def->process, &opts);
    ev.time_ms = req->now_ms;
    ev.variables = req->variables;
    ordo_st_outbox_started(&s);
    depth++;
    rc = apply_all(&s, &ev, err);
    depth--;
    if (rc == ORDO_OK) {
        save(&s);
    }
    step_cleanup(&s, rc);
    return rc;
}
