/*
 * core/store_effect.c - a step's effects as rows.
 *
 * The runtime's state (the snapshot) is the truth; these rows are what
 * the outside needs to find an instance by: jobs to run, timers to fire,
 * user tasks to show, subscriptions to match messages against, incidents
 * to list. Every row carries the runtime's own key ('elem') so an event
 * can name it back. (The audit row of the step is written by store_step.c.)
 */
#include <string.h>

#include "base/json.h"
#include "core/store_internal.h"

#define SQL_JOB_UPSERT                                                                            \
    "INSERT INTO job (kind, instance_key, elem, element_id, type, due_at, retries, payload, "     \
    "credential) VALUES ($1, $2, $3, $4, $5, to_timestamp($6::bigint / 1000.0), $7, $8, $9) "     \
    "ON CONFLICT (instance_key, kind, elem) WHERE instance_key IS NOT NULL AND kind IN ('work', " \
    "'timer') DO UPDATE SET due_at = EXCLUDED.due_at, retries = EXCLUDED.retries, attempts = 0, " \
    "lock_owner = NULL, locked_at = NULL, payload = EXCLUDED.payload, last_error = NULL, "        \
    "credential = EXCLUDED.credential"

struct row_ctx {
    struct store_step *s;
    struct ordo_arena *a;
    const struct ordo_effect *e;
    const char *instance; /* the instance key as text */
    const char *elem;     /* the effect's key as text */
};

static const char *node_id(const struct store_step *s, uint32_t node)
{
    return node == ORDO_GRAPH_NONE ? NULL : s->def->graph->nodes[node].id;
}

/* The task's ordo:credential (CONTRACTS §2), NULL when it names none. */
static const char *credential_of(const struct store_step *s, uint32_t node)
{
    return node == ORDO_GRAPH_NONE ? NULL : s->def->graph->nodes[node].credential;
}

static const char *json_text(struct ordo_arena *a, const json_t *v)
{
    return v ? ordo_json_dump(a, v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
}

static void add(const struct row_ctx *r, const char *what, const char *sql, int n,
                const char *const *params)
{
    ordo_pg_batch_add(r->s->batch, what, sql, n, params);
}

static void job_row(const struct row_ctx *r)
{
    const struct ordo_effect *e = r->e;
    int64_t due = r->s->now_ms;

    switch (e->op) {
    case ORDO_OP_CREATED: {
        const json_t *input = e->value ? e->value : ordo_instance_variables(r->s->inst);
        const char *p[9] = {"work",
                            r->instance,
                            r->elem,
                            node_id(r->s, e->node),
                            e->text,
                            ordo_st_i64(r->a, due),
                            ordo_st_i64(r->a, e->retries),
                            json_text(r->a, input),
                            credential_of(r->s, e->node)};

        add(r, "could not create a job", SQL_JOB_UPSERT, 9, p);
        r->s->st->notify = true;
        return;
    }
    case ORDO_OP_FAILED: {
        int64_t wait =
            r->s->retry_in_ms >= 0 ? r->s->retry_in_ms : ordo_store_backoff_ms(r->s->attempt);
        const char *p[6] = {r->instance,
                            r->elem,
                            ordo_st_i64(r->a, e->retries),
                            ordo_st_i64(r->a, due + wait),
                            r->s->fail_message,
                            r->s->refund ? "1" : "0"};

        /* retries = the attempts begun + those left: unchanged for the
         * executor's jobs, what an external worker said for its own
         * (core/extjob.h). */
        add(r, "could not record a failed job",
            "UPDATE job SET due_at = CASE WHEN $3::int > 0 THEN to_timestamp($4::bigint / 1000.0) "
            "ELSE 'infinity' END, lock_owner = NULL, locked_at = NULL, last_error = $5, "
            "attempts = greatest(0, attempts - $6::int), "
            "retries = greatest(0, attempts - $6::int) + $3::int "
            "WHERE instance_key = $1 AND kind = 'work' AND elem = $2",
            6, p);
        if (wait == 0 && e->retries > 0) {
            r->s->st->notify = true;
        }
        return;
    }
    default: { /* completed, error, canceled: the job is over */
        const char *p[2] = {r->instance, r->elem};

        add(r, "could not remove a job",
            "DELETE FROM job WHERE instance_key = $1 AND kind = 'work' AND elem = $2", 2, p);
        return;
    }
    }
}

/* One member of the runtime's candidates object ({"users":[...],
 * "groups":[...]}) as JSON array text, NULL when absent. */
static const char *candidates(struct ordo_arena *a, const char *text, const char *member)
{
    json_t *all = NULL;

    if (!text || ordo_json_parse(text, strlen(text), NULL, &all, NULL) != ORDO_OK) {
        return NULL;
    }
    ordo_json_defer(a, all);
    return json_is_array(json_object_get(all, member)) ? json_text(a, json_object_get(all, member))
                                                       : NULL;
}

static void task_row(const struct row_ctx *r)
{
    const struct ordo_effect *e = r->e;

    r->s->st->changed = true;
    if (e->op == ORDO_OP_CREATED) {
        const struct ordo_graph_node *n = &r->s->def->graph->nodes[e->node];
        const char *p[8] = {r->instance,
                            r->elem,
                            n->id,
                            n->name,
                            e->text,
                            candidates(r->a, e->text2, "groups"),
                            ordo_st_i64(r->a, e->due_ms),
                            candidates(r->a, e->text2, "users")};

        add(r, "could not create a user task",
            "INSERT INTO user_task (instance_key, elem, element_id, name, assignee, "
            "candidate_groups, due_at, state, candidate_users) VALUES ($1, $2, $3, $4, $5, $6, "
            "CASE WHEN $7::bigint > 0 THEN to_timestamp($7::bigint / 1000.0) END, 'created', $8)",
            8, p);
        ordo_st_notify_task(r->s, e, r->instance, r->elem);
    } else if (e->op == ORDO_OP_COMPLETED) {
        const char *p[4] = {r->instance, r->elem, r->s->actor, json_text(r->a, e->value)};

        add(r, "could not complete a user task",
            "UPDATE user_task SET state = 'completed', completed_by = $3, result = $4, "
            "ended_at = now() WHERE instance_key = $1 AND elem = $2",
            4, p);
    } else {
        const char *p[2] = {r->instance, r->elem};

        add(r, "could not cancel a user task",
            "UPDATE user_task SET state = 'canceled', ended_at = now() "
            "WHERE instance_key = $1 AND elem = $2",
            2, p);
    }
}

static void timer_row(const struct row_ctx *r)
{
    const struct ordo_effect *e = r->e;

    if (e->op == ORDO_OP_SCHEDULED) {
        const char *p[9] = {
            "timer", r->instance,
            r->elem, node_id(r->s, e->trigger != ORDO_GRAPH_NONE ? e->trigger : e->node),
            "",      ordo_st_i64(r->a, e->due_ms),
            "0",     NULL,
            NULL};

        add(r, "could not schedule a timer", SQL_JOB_UPSERT, 9, p);
        if (e->due_ms <= r->s->now_ms) {
            r->s->st->notify = true;
        }
    } else {
        const char *p[2] = {r->instance, r->elem};

        add(r, "could not remove a timer",
            "DELETE FROM job WHERE instance_key = $1 AND kind = 'timer' AND elem = $2", 2, p);
    }
}

static void message_row(const struct row_ctx *r)
{
    const struct ordo_effect *e = r->e;
    struct store_step *s = r->s;

    if (e->op == ORDO_OP_SUBSCRIBED) {
        const char *p[5] = {r->instance, r->elem,
                            node_id(s, e->trigger != ORDO_GRAPH_NONE ? e->trigger : e->node),
                            e->text, e->text2 ? e->text2 : ""};

        add(r, "could not open a message subscription",
            "INSERT INTO message_subscription (instance_key, elem, element_id, name, "
            "correlation_key) VALUES ($1, $2, $3, $4, $5)",
            5, p);
        s->subs = ordo_arena_grow(s->st->arena, s->subs, s->nsubs, &s->subs_cap, sizeof *s->subs);
        s->subs[s->nsubs].name = e->text;
        s->subs[s->nsubs++].correlation_key = p[4];
    } else if (e->op == ORDO_OP_PUBLISHED) {
        json_t *msg = json_pack("{s:s, s:s, s:O*}", "name", e->text, "correlation_key",
                                e->text2 ? e->text2 : "", "variables", e->value);
        const char *p[3] = {"publish", r->instance, json_text(r->a, ordo_json_defer(r->a, msg))};

        add(r, "could not queue a message",
            "INSERT INTO job (kind, instance_key, due_at, payload) VALUES ($1, $2, now(), $3)", 3,
            p);
        s->st->notify = true;
    } else { /* correlated, closed */
        const char *p[2] = {r->instance, r->elem};

        add(r, "could not close a message subscription",
            "DELETE FROM message_subscription WHERE instance_key = $1 AND elem = $2", 2, p);
    }
}

static void incident_row(const struct row_ctx *r)
{
    const struct ordo_effect *e = r->e;

    if (e->op == ORDO_OP_RAISED) {
        const char *p[5] = {r->instance, r->elem, node_id(r->s, e->node), e->text,
                            ordo_st_i64(r->a, e->element_key)};

        add(r, "could not record an incident",
            "INSERT INTO incident (instance_key, elem, element_id, reason, job_key, state) "
            "VALUES ($1, $2, $3, $4, (SELECT key FROM job WHERE instance_key = $1 AND kind = "
            "'work' AND elem = $5), 'open')",
            5, p);
    } else {
        const char *p[2] = {r->instance, r->elem};

        add(r, "could not resolve an incident",
            "UPDATE incident SET state = 'resolved', resolved_at = now() "
            "WHERE instance_key = $1 AND elem = $2",
            2, p);
    }
}

/* A child to start now, or one to cancel because its caller moved on. */
static enum ordo_code call_row(const struct row_ctx *r, struct ordo_err *err)
{
    const struct ordo_effect *e = r->e;

    if (e->op == ORDO_OP_CANCELED) {
        const char *p[2] = {r->instance, r->elem};

        add(r, "could not cancel a called instance",
            "INSERT INTO job (kind, instance_key, due_at) SELECT 'cancel', key, now() "
            "FROM instance WHERE parent_key = $1 AND parent_elem = $2 AND status = 'active'",
            2, p);
        r->s->st->notify = true;
        return ORDO_OK;
    }
    if (e->op != ORDO_OP_CREATED) {
        return ORDO_OK;
    }
    const char *p[1] = {e->text};
    struct store_new child = {.start_node = ORDO_GRAPH_NONE,
                              .variables = e->value,
                              .actor = r->s->actor,
                              .parent_key = r->s->instance_key,
                              .parent_elem = e->key,
                              .now_ms = r->s->now_ms};
    PGresult *res;
    enum ordo_code rc;

    rc = ordo_st_query(r->s->st, "could not find the called process",
                       "SELECT key, nextval('ordo_key_seq') FROM definition WHERE process_id = $1 "
                       "ORDER BY version DESC LIMIT 1",
                       1, p, &res, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    if (PQntuples(res) == 0) { /* an incident on the call activity, once the effects are in */
        struct store_step *s = r->s;

        s->fails =
            ordo_arena_grow(s->st->arena, s->fails, s->nfails, &s->fails_cap, sizeof *s->fails);
        s->fails[s->nfails].elem = e->key;
        s->fails[s->nfails++].why =
            ordo_arena_printf(r->a, "process \"%s\" is not deployed", e->text);
        return ORDO_OK;
    }
    child.key = ordo_pg_int(res, 0, 1);
    rc = ordo_st_def_get(r->s->st, ordo_pg_int(res, 0, 0), &child.def, err);
    return rc == ORDO_OK ? ordo_st_start_locked(r->s->st, &child, err) : rc;
}

/* A called instance ended: its caller hears of it through a job. */
static void end_row(const struct row_ctx *r)
{
    const struct ordo_effect *e = r->e;
    struct store_step *s = r->s;
    json_t *done;

    if (!s->parent_key || strcmp(e->text, "canceled") == 0) {
        return;
    }
    done = json_pack("{s:I, s:s, s:s*, s:O*}", "elem", (json_int_t)s->parent_elem, "status",
                     e->text, "error_code", e->text2, "variables", e->value);
    const char *p[2] = {ordo_st_i64(r->a, s->parent_key),
                        json_text(r->a, ordo_json_defer(r->a, done))};

    add(r, "could not tell the caller",
        "INSERT INTO job (kind, instance_key, due_at, payload) VALUES ('call_done', $1, now(), $2)",
        2, p);
    s->st->notify = true;
}

enum ordo_code ordo_st_write_effects(struct store_step *s, const struct ordo_step *step,
                                     struct ordo_err *err)
{
    struct row_ctx r = {.s = s, .a = s->st->arena};
    enum ordo_code rc = ORDO_OK;

    r.instance = ordo_st_i64(r.a, s->instance_key);
    for (size_t i = 0; i < step->neffects && rc == ORDO_OK; i++) {
        r.e = &step->effects[i];
        r.elem = ordo_st_i64(r.a, r.e->key);
        switch (r.e->kind) {
        case ORDO_EFFECT_JOB:
            job_row(&r);
            break;
        case ORDO_EFFECT_TASK:
            task_row(&r);
            break;
        case ORDO_EFFECT_TIMER:
            timer_row(&r);
            break;
        case ORDO_EFFECT_MESSAGE:
            message_row(&r);
            break;
        case ORDO_EFFECT_INCIDENT:
            incident_row(&r);
            break;
        case ORDO_EFFECT_CALL:
            rc = call_row(&r, err);
            break;
        case ORDO_EFFECT_END:
            end_row(&r);
            s->st->changed = true;
            break;
        default: /* enter, leave, var: the audit row says it all */
            break;
        }
        ordo_st_outbox_effect(s, r.e);
    }
    return rc;
}
