/*
 * core/store_engine.c - the engine's own jobs: timers that are due,
 * timer start events, results of called instances, cancellations of
 * called instances, and messages thrown by processes.
 *
 * Each runs in one transaction that first claims the job row (deletes it,
 * or for a start timer moves it to its next due time) under a row lock,
 * so that of two nodes only the one holding the current attempt acts. A
 * job whose target has moved on (the instance ended, the timer is no
 * longer armed) is dropped with a log line instead of being retried
 * forever.
 */
#include <stdbool.h>
#include <string.h>

#include "base/json.h"
#include "base/log.h"
#include "core/store_internal.h"

struct engine_ctx {
    const struct ordo_job *job;
    int64_t elem;
    const json_t *payload;
    bool refused; /* the instance or the runtime said no: the job can never succeed */
};

/* Delete the job if this node holds this attempt; its row's elem and payload. */
static enum ordo_code claim(struct ordo_store *st, struct engine_ctx *c, struct ordo_err *err)
{
    const struct ordo_job *job = c->job;
    const char *p[3] = {ordo_st_i64(st->arena, job->key), st->owner,
                        ordo_st_i64(st->arena, job->attempt)};
    PGresult *res;
    json_t *payload = NULL;
    enum ordo_code rc;

    rc = ordo_st_query(st, "could not claim the job",
                       "DELETE FROM job WHERE key = $1 AND lock_owner = $2 AND attempts = $3 "
                       "RETURNING elem, payload",
                       3, p, &res, err);
    if (rc == ORDO_OK && PQntuples(res) == 0) {
        rc = ordo_err_set(err, ORDO_E_CONFLICT, "job %lld is no longer held by this node",
                          (long long)job->key);
    }
    if (rc != ORDO_OK) {
        return rc;
    }
    c->elem = ordo_pg_int(res, 0, 0);
    if (!PQgetisnull(res, 0, 1)) {
        const char *text = PQgetvalue(res, 0, 1);

        rc = ordo_json_parse(text, strlen(text), NULL, &payload, err);
        c->payload = ordo_json_defer(st->arena, payload);
    }
    return rc;
}

static enum ordo_code engine_fill(struct store_step *s, struct ordo_event *ev, void *ctx,
                                  struct ordo_err *err)
{
    struct engine_ctx *c = ctx;
    const char *status = NULL;

    (void)s;
    switch (c->job->kind) {
    case ORDO_JOB_TIMER:
        ev->kind = ORDO_EVENT_TIMER;
        ev->key = (uint32_t)c->elem;
        return ORDO_OK;
    case ORDO_JOB_CANCEL:
        ev->kind = ORDO_EVENT_CANCEL;
        return ORDO_OK;
    default: /* call_done */
        break;
    }
    json_int_t elem = 0;

    if (json_unpack_ex((json_t *)c->payload, NULL, 0, "{s:I, s:s, s?s, s?o}", "elem", &elem,
                       "status", &status, "error_code", &ev->error_code, "variables",
                       &ev->variables) != 0) {
        return ordo_err_set(err, ORDO_E_INTERNAL, "job %lld: a malformed call result",
                            (long long)c->job->key);
    }
    ev->kind = strcmp(status, "error") == 0 ? ORDO_EVENT_CALL_ERROR : ORDO_EVENT_CALL_COMPLETE;
    ev->key = (uint32_t)elem;
    if (ev->kind == ORDO_EVENT_CALL_ERROR) {
        ev->variables = NULL;
        ev->error_code = ev->error_code ? ev->error_code : "";
    }
    return ORDO_OK;
}

/* Advance a start timer: start an instance, schedule the next occurrence. */
static enum ordo_code start_timer(struct ordo_store *st, struct engine_ctx *c,
                                  struct ordo_err *err);

static enum ordo_code engine_tx(struct ordo_store *st, void *ctx, struct ordo_err *err)
{
    struct engine_ctx *c = ctx;
    enum ordo_code rc;

    if (c->job->kind == ORDO_JOB_START_TIMER) {
        return start_timer(st, c, err);
    }
    rc = claim(st, c, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    if (c->job->kind == ORDO_JOB_PUBLISH) {
        return ordo_st_publish_payload(st, c->payload, err);
    }
    rc = ordo_st_step_locked(st, c->job->instance_key, "engine", engine_fill, c, err);
    c->refused = rc == ORDO_E_NOTFOUND || rc == ORDO_E_CONFLICT;
    return rc;
}

static enum ordo_code drop_tx(struct ordo_store *st, void *ctx, struct ordo_err *err)
{
    struct engine_ctx *c = ctx;

    return claim(st, c, err);
}

enum ordo_code ordo_store_run_engine_job(struct ordo_store *st, const struct ordo_job *job,
                                         struct ordo_err *err)
{
    struct engine_ctx c = {.job = job};
    struct ordo_err why = {0};
    enum ordo_code rc;

    ordo_arena_reset(st->arena);
    rc = ordo_st_tx(st, engine_tx, &c, &why);
    if (rc == ORDO_OK || !c.refused) {
        /* Any other failure (the database, a called process not deployed)
         * leaves the job: it is taken again when its lease ends. */
        if (rc != ORDO_OK) {
            ordo_err_set(err, rc, "%s", why.msg);
        }
        return rc;
    }
    /* The target moved on (the instance ended, the timer was cancelled):
     * this job can never succeed. */
    ordo_log(ORDO_LOG_WARN, "store", "engine job dropped", ORDO_INT("job", job->key),
             ORDO_INT("instance", job->instance_key), ORDO_STR("reason", why.msg));
    return ordo_st_tx(st, drop_tx, &c, err);
}

static enum ordo_code start_timer(struct ordo_store *st, struct engine_ctx *c, struct ordo_err *err)
{
    const char *p[3] = {ordo_st_i64(st->arena, c->job->key), st->owner,
                        ordo_st_i64(st->arena, c->job->attempt)};
    struct store_new req = {.actor = "engine", .variables = NULL};
    json_int_t armed = 0, fired = 0;
    const struct ordo_graph_node *n;
    json_t *payload = NULL;
    PGresult *res;
    int64_t due;
    enum ordo_code rc;

    rc = ordo_st_query(st, "could not claim the start timer",
                       "SELECT j.definition_key, j.payload, d.suspended, nextval('ordo_key_seq'), "
                       "(extract(epoch FROM statement_timestamp()) * 1000)::bigint FROM job j "
                       "JOIN definition d ON d.key = j.definition_key WHERE j.key = $1 AND "
                       "j.lock_owner = $2 AND j.attempts = $3 FOR UPDATE OF j",
                       3, p, &res, err);
    if (rc == ORDO_OK && PQntuples(res) == 0) {
        rc = ordo_err_set(err, ORDO_E_CONFLICT, "job %lld is no longer held by this node",
                          (long long)c->job->key);
    }
    if (rc == ORDO_OK) {
        rc = ordo_st_def_get(st, ordo_pg_int(res, 0, 0), &req.def, err);
    }
    if (rc != ORDO_OK) {
        return rc;
    }
    const char *text = PQgetvalue(res, 0, 1);

    if (ordo_json_parse(text, strlen(text), NULL, &payload, NULL) == ORDO_OK) {
        (void)json_unpack(ordo_json_defer(st->arena, payload), "{s:I, s:I}", "armed", &armed,
                          "fired", &fired);
    }
    n = ordo_graph_find(req.def->graph, c->job->element_id);
    req.key = ordo_pg_int(res, 0, 3);
    req.now_ms = ordo_pg_int(res, 0, 4);
    req.start_node = n ? n->index : ORDO_GRAPH_NONE;
    if (n && strcmp(PQgetvalue(res, 0, 2), "t") != 0) {
        rc = ordo_st_start_locked(st, &req, err);
    }
    if (rc != ORDO_OK) {
        return rc;
    }
    /* The next occurrence after now: after downtime a missed timer fires
     * once, not once per missed period (CONTRACTS §12). */
    if (n && n->timer.parsed &&
        ordo_timer_due(n->timer.parsed, armed, (uint32_t)fired + 1, req.now_ms,
                       ordo_st_def_runtime(st)->zone, &due)) {
        const char *q[3] = {p[0], ordo_st_i64(st->arena, due),
                            ordo_arena_printf(st->arena, "{\"armed\":%lld,\"fired\":%lld}",
                                              (long long)armed, (long long)fired + 1)};

        return ordo_st_query(
            st, "could not schedule the next start",
            "UPDATE job SET due_at = to_timestamp($2::bigint / 1000.0), payload = $3, "
            "attempts = 0, lock_owner = NULL, locked_at = NULL WHERE key = $1",
            3, q, NULL, err);
    }
    return ordo_st_query(st, "could not remove the start timer", "DELETE FROM job WHERE key = $1",
                         1, p, NULL, err);
}
