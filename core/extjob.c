/*
 * core/extjob.c - work jobs done by external workers (see core/extjob.h).
 *
 * Locks are plain updates of the job row, outcomes go through the
 * executor's path (ordo_store_record_outcomes) with the lock owner as the
 * holder the row must still have, so an outcome from a worker whose lock
 * was taken over changes nothing.
 */
#include "core/extjob.h"

#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/pg.h"
#include "core/query.h"
#include "core/store_internal.h"

#define OWNER_PREFIX "ext:"

/* The lock owner of 'worker': "ext:<worker>". */
static enum ordo_code owner_of(struct ordo_arena *a, const char *worker, const char **out,
                               struct ordo_err *err)
{
    size_t len = worker ? strlen(worker) : 0;

    if (len == 0 || len > ORDO_EXTJOB_MAX_WORKER) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "the worker id must be 1 to %d bytes",
                            ORDO_EXTJOB_MAX_WORKER);
    }
    *out = ordo_arena_printf(a, OWNER_PREFIX "%s", worker);
    return ORDO_OK;
}

static enum ordo_code check_lock_ms(int64_t ms, struct ordo_err *err)
{
    if (ms < 1 || ms > ORDO_EXTJOB_MAX_LOCK_MS) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "a lock lasts 1 ms to %lld ms (7 days), not %lld ms",
                            (long long)ORDO_EXTJOB_MAX_LOCK_MS, (long long)ms);
    }
    return ORDO_OK;
}

/* The PostgreSQL array text of the topics' member picked by 'which'. */
static const char *topic_array(struct ordo_arena *a, const struct ordo_extjob_topic *topics,
                               size_t n, char which)
{
    struct ordo_buf list = ORDO_BUF_INIT;
    const char *text;

    ordo_buf_putc(&list, '{');
    for (size_t i = 0; i < n; i++) {
        const char *v = which == 't'   ? topics[i].type
                        : which == 'p' ? topics[i].process_id
                                       : topics[i].business_key;

        if (which == 'l') {
            ordo_buf_printf(&list, "%s%lld", i ? "," : "", (long long)topics[i].lock_ms);
        } else {
            ordo_pg_array_add(&list, v); /* NULL: a NULL element */
        }
    }
    ordo_buf_putc(&list, '}');
    text = ordo_arena_strdup(a, ordo_buf_cstr(&list));
    ordo_buf_cleanup(&list);
    return text;
}

static enum ordo_code check_topics(const struct ordo_extjob_topic *topics, size_t n,
                                   struct ordo_err *err)
{
    if (n == 0) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "name at least one topic (job type)");
    }
    for (size_t i = 0; i < n; i++) {
        if (!topics[i].type || !*topics[i].type) {
            return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "a topic (job type) must not be empty");
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(topics[i].type, topics[j].type) == 0) {
                return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "topic \"%s\" is named twice",
                                    topics[i].type);
            }
        }
        if (check_lock_ms(topics[i].lock_ms, err) != ORDO_OK) {
            return ORDO_E_UNPROCESSABLE;
        }
    }
    return ORDO_OK;
}

/* zeebe:taskHeaders of the job's element, from the compiled definition. */
static const json_t *headers_of(struct ordo_store *st, struct ordo_arena *a, int64_t def_key,
                                const char *element_id)
{
    json_t *h = json_object();
    const struct store_def *def = NULL;
    struct ordo_err ignored = {0};

    ordo_json_defer(a, h);
    if (ordo_st_def_get(st, def_key, &def, &ignored) != ORDO_OK) {
        return h; /* the definition cannot be read: the job still runs */
    }
    for (uint32_t i = 0; i < def->graph->nnodes; i++) {
        const struct ordo_graph_node *node = &def->graph->nodes[i];

        if (strcmp(node->id, element_id) != 0) {
            continue;
        }
        for (uint32_t k = 0; k < node->nheaders; k++) {
            json_object_set_new(h, node->headers[k].key, json_string(node->headers[k].value));
        }
        break;
    }
    return h;
}

static void read_locked(struct ordo_store *st, PGresult *res, int row, struct ordo_arena *a,
                        struct ordo_extjob *j)
{
    const char *payload = ordo_pg_text(res, row, 5);
    json_t *vars = NULL;

    j->key = ordo_pg_int(res, row, 0);
    j->instance_key = ordo_pg_int(res, row, 1);
    j->type = ordo_arena_strdup(a, PQgetvalue(res, row, 2));
    j->element_id = ordo_arena_strdup(a, PQgetvalue(res, row, 3));
    j->retries = (int)ordo_pg_int(res, row, 4);
    j->deadline_ms = ordo_pg_int(res, row, 6);
    j->last_error =
        ordo_pg_text(res, row, 7) ? ordo_arena_strdup(a, PQgetvalue(res, row, 7)) : NULL;
    j->business_key =
        ordo_pg_text(res, row, 8) ? ordo_arena_strdup(a, PQgetvalue(res, row, 8)) : NULL;
    j->definition_key = ordo_pg_int(res, row, 9);
    j->process_id = ordo_arena_strdup(a, PQgetvalue(res, row, 10));
    j->version = (int)ordo_pg_int(res, row, 11);
    if (payload && ordo_json_parse(payload, strlen(payload), NULL, &vars, NULL) == ORDO_OK) {
        j->variables = ordo_json_defer(a, vars);
    }
    if (!j->variables || !json_is_object(j->variables)) {
        j->variables = ordo_json_defer(a, json_object());
    }
    j->headers = headers_of(st, a, j->definition_key, j->element_id);
}

enum ordo_code ordo_extjob_lock(struct ordo_store *st, const char *worker,
                                const struct ordo_extjob_topic *topics, size_t ntopics, int max,
                                struct ordo_arena *arena, struct ordo_extjob **out, size_t *n,
                                struct ordo_err *err)
{
    const char *owner = NULL;
    PGresult *res;
    enum ordo_code rc;

    *out = NULL;
    *n = 0;
    ordo_arena_reset(st->arena);
    if (max < 1) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "ask for at least one job, not %d", max);
    }
    rc = owner_of(st->arena, worker, &owner, err);
    if (rc == ORDO_OK) {
        rc = check_topics(topics, ntopics, err);
    }
    if (rc != ORDO_OK) {
        return rc;
    }
    const char *p[6] = {owner,
                        topic_array(st->arena, topics, ntopics, 't'),
                        topic_array(st->arena, topics, ntopics, 'l'),
                        topic_array(st->arena, topics, ntopics, 'p'),
                        topic_array(st->arena, topics, ntopics, 'b'),
                        ordo_st_i64(st->arena, max)};

    rc = ordo_pg_exec_cached(
        st->db, st->stmts, st->arena, "could not lock jobs",
        "WITH c AS (SELECT j.key, tp.lock_ms FROM job j "
        "JOIN unnest($2::text[], $3::bigint[], $4::text[], $5::text[]) AS tp(type, lock_ms, "
        "process_id, business_key) ON j.type = tp.type "
        "JOIN instance i ON i.key = j.instance_key "
        "WHERE j.kind = 'work' AND j.due_at <= now() AND NOT i.suspended "
        "AND (tp.process_id IS NULL OR i.process_id = tp.process_id) "
        "AND (tp.business_key IS NULL OR i.business_key = tp.business_key) "
        "ORDER BY j.due_at, j.key LIMIT $6 FOR UPDATE OF j SKIP LOCKED), "
        "t AS (UPDATE job j SET lock_owner = $1, locked_at = now(), due_at = now() + c.lock_ms * "
        "interval '1 millisecond' FROM c WHERE j.key = c.key RETURNING j.key, j.instance_key, "
        "j.type, j.element_id, greatest(0, j.retries - j.attempts) AS left, j.payload, "
        "(extract(epoch FROM j.due_at) * 1000)::bigint AS deadline, j.last_error), "
        /* Who locked which job goes into the audit, as an executor's attempt does. */
        "a AS (INSERT INTO audit (time_ms, actor, action, instance_key, element_id, payload) "
        "SELECT (extract(epoch FROM now()) * 1000)::bigint, $1, 'job.lock', t.instance_key, "
        "t.element_id, json_build_object('job_key', t.key::text, 'type', t.type, 'worker', "
        "substr($1, 5))::text FROM t ORDER BY t.key) "
        "SELECT t.key, t.instance_key, t.type, t.element_id, t.left, t.payload, t.deadline, "
        "t.last_error, i.business_key, i.definition_key, d.process_id, d.version FROM t "
        "JOIN instance i ON i.key = t.instance_key JOIN definition d ON d.key = i.definition_key "
        "ORDER BY t.key",
        6, p, &res, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    *out = ordo_arena_calloc(arena, (size_t)PQntuples(res) + 1, sizeof **out);
    for (int i = 0; i < PQntuples(res); i++) {
        read_locked(st, res, i, arena, &(*out)[i]);
    }
    *n = (size_t)PQntuples(res);
    return ORDO_OK;
}

/* The job as an outcome needs it: its instance, attempts and retries, and
 * the holder the row must still have when the outcome is recorded. */
static enum ordo_code find(struct ordo_store *st, int64_t key, const char *worker,
                           struct ordo_job *job, struct ordo_err *err)
{
    const char *p[1] = {ordo_st_i64(st->arena, key)};
    const char *owner = NULL;
    const char *held;
    PGresult *res;
    enum ordo_code rc;

    if (worker && owner_of(st->arena, worker, &owner, err) != ORDO_OK) {
        return ORDO_E_UNPROCESSABLE;
    }
    rc = ordo_pg_exec_cached(st->db, st->stmts, st->arena, "could not read the job",
                             "SELECT instance_key, attempts, retries, coalesce(lock_owner, ''), "
                             "type, element_id FROM job WHERE key = $1 AND kind = 'work' AND "
                             "due_at < 'infinity'",
                             1, p, &res, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    if (PQntuples(res) == 0) {
        return ordo_err_set(err, ORDO_E_NOTFOUND,
                            "job %lld does not exist, is over, or waits in an incident",
                            (long long)key);
    }
    held = PQgetvalue(res, 0, 3);
    if (owner ? strcmp(held, owner) != 0
              : *held && strncmp(held, OWNER_PREFIX, strlen(OWNER_PREFIX)) != 0) {
        return ordo_err_set(err, ORDO_E_CONFLICT,
                            *held && strncmp(held, OWNER_PREFIX, strlen(OWNER_PREFIX)) == 0
                                ? "job %lld is locked by worker \"%s\""
                            : *held ? "job %lld is being run by node \"%s\""
                                    : "job %lld is not locked by this worker%s",
                            (long long)key,
                            strncmp(held, OWNER_PREFIX, strlen(OWNER_PREFIX)) == 0
                                ? held + strlen(OWNER_PREFIX)
                                : held);
    }
    memset(job, 0, sizeof *job);
    job->key = key;
    job->instance_key = ordo_pg_int(res, 0, 0);
    job->kind = ORDO_JOB_WORK;
    job->attempt = (int)ordo_pg_int(res, 0, 1);
    job->retries = (int)ordo_pg_int(res, 0, 2);
    job->type = ordo_arena_strdup(st->arena, PQgetvalue(res, 0, 4));
    job->element_id = ordo_arena_strdup(st->arena, PQgetvalue(res, 0, 5));
    job->holder = ordo_arena_strdup(st->arena, held);
    return ORDO_OK;
}

/* Record outcome 'o' of job 'key': 'retries_left' >= 0 (a failure) sets
 * the retries the runtime sees (it counts retries - attempt); 'set_first'
 * (may be NULL) are variables set before, once the job is known to be the
 * worker's own (a failure carries none in the runtime). */
static enum ordo_code record(struct ordo_store *st, int64_t key, const char *worker,
                             int retries_left, const json_t *set_first, struct ordo_job_outcome *o,
                             struct ordo_err *err)
{
    struct ordo_job job = {0};
    struct ordo_arena *keep = ordo_arena_new();
    enum ordo_code rc;

    ordo_arena_reset(st->arena);
    rc = find(st, key, worker, &job, err);
    if (rc == ORDO_OK) {
        /* The store's arena is reset by every call below: keep the job's strings. */
        job.type = ordo_arena_strdup(keep, job.type);
        job.element_id = ordo_arena_strdup(keep, job.element_id);
        job.holder = ordo_arena_strdup(keep, job.holder);
        if (retries_left >= 0) {
            job.retries = job.attempt + retries_left;
        }
        o->job = &job;
    }
    if (rc == ORDO_OK && set_first && json_object_size(set_first) > 0) {
        rc = ordo_query_set_variables(st, job.instance_key, set_first, o->actor, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_store_record_outcomes(st, o, 1, err);
    }
    o->job = NULL; /* 'job' ends here */
    ordo_arena_free(keep);
    return rc;
}

static enum ordo_code check_vars(const json_t *variables, struct ordo_err *err)
{
    if (variables && !json_is_object(variables)) {
        return ordo_err_set(err, ORDO_E_INVAL, "variables must be a JSON object");
    }
    return ORDO_OK;
}

enum ordo_code ordo_extjob_complete(struct ordo_store *st, int64_t key, const char *worker,
                                    const json_t *variables, const char *actor,
                                    struct ordo_err *err)
{
    struct ordo_job_outcome o = {
        .kind = ORDO_EVENT_JOB_COMPLETE, .variables = variables, .actor = actor};

    return check_vars(variables, err) != ORDO_OK ? ORDO_E_INVAL
                                                 : record(st, key, worker, -1, NULL, &o, err);
}

enum ordo_code ordo_extjob_fail(struct ordo_store *st, int64_t key, const char *worker,
                                const char *message, int retries_left, int64_t retry_in_ms,
                                const json_t *variables, const char *actor, struct ordo_err *err)
{
    struct ordo_job_outcome o = {.kind = ORDO_EVENT_JOB_FAIL,
                                 .message = message && *message ? message : "failed (no message)",
                                 .retry_in_ms = retry_in_ms < 0 ? 0 : retry_in_ms,
                                 .final = retries_left == 0,
                                 .actor = actor};

    if (retries_left < 0) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "retries must be 0 or more, not %d",
                            retries_left);
    }
    return check_vars(variables, err) != ORDO_OK
               ? ORDO_E_INVAL
               : record(st, key, worker, retries_left, variables, &o, err);
}

enum ordo_code ordo_extjob_error(struct ordo_store *st, int64_t key, const char *worker,
                                 const char *code, const char *message, const json_t *variables,
                                 const char *actor, struct ordo_err *err)
{
    struct ordo_job_outcome o = {.kind = ORDO_EVENT_JOB_ERROR,
                                 .variables = variables,
                                 .error_code = code,
                                 .message = message,
                                 .actor = actor};

    if (!code || !*code) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "a BPMN error needs an error code");
    }
    return check_vars(variables, err) != ORDO_OK ? ORDO_E_INVAL
                                                 : record(st, key, worker, -1, NULL, &o, err);
}

enum ordo_code ordo_extjob_extend(struct ordo_store *st, int64_t key, const char *worker,
                                  int64_t lock_ms, struct ordo_err *err)
{
    const char *owner = NULL;
    PGresult *res;
    enum ordo_code rc;

    ordo_arena_reset(st->arena);
    rc = owner_of(st->arena, worker, &owner, err);
    if (rc == ORDO_OK) {
        rc = check_lock_ms(lock_ms, err);
    }
    if (rc != ORDO_OK) {
        return rc;
    }
    const char *p[3] = {ordo_st_i64(st->arena, key), owner, ordo_st_i64(st->arena, lock_ms)};

    /* An expired lock that nobody took again may still be extended, as in
     * Camunda 7: the row's owner is what counts. */
    rc = ordo_pg_exec_cached(st->db, st->stmts, st->arena, "could not extend the lock",
                             "UPDATE job SET due_at = now() + $3::bigint * interval '1 "
                             "millisecond' WHERE key = $1 AND kind = 'work' AND lock_owner = $2 "
                             "AND due_at < 'infinity' RETURNING key",
                             3, p, &res, err);
    if (rc == ORDO_OK && PQntuples(res) == 0) {
        struct ordo_job job = {0};

        /* Why not: unknown or over (NOTFOUND), or another holder (CONFLICT). */
        rc = find(st, key, worker, &job, err);
        if (rc == ORDO_OK) {
            rc = ordo_err_set(err, ORDO_E_CONFLICT, "job %lld is not locked", (long long)key);
        }
    }
    return rc;
}

enum ordo_code ordo_extjob_unlock(struct ordo_store *st, int64_t key, struct ordo_err *err)
{
    PGresult *res;
    enum ordo_code rc;

    ordo_arena_reset(st->arena);
    const char *p[1] = {ordo_st_i64(st->arena, key)};

    /* Due now, and the waiting workers told (the job channel). A job a
     * node's executor runs is left alone. */
    rc = ordo_pg_exec_cached(st->db, st->stmts, st->arena, "could not unlock the job",
                             "WITH u AS (UPDATE job SET lock_owner = NULL, locked_at = NULL, "
                             "due_at = now() WHERE key = $1 AND kind = 'work' AND due_at < "
                             "'infinity' AND (lock_owner IS NULL OR lock_owner LIKE '" OWNER_PREFIX
                             "%') RETURNING key) SELECT pg_notify('" ORDO_STORE_JOB_CHANNEL
                             "', ''), key FROM u",
                             1, p, &res, err);
    if (rc == ORDO_OK && PQntuples(res) == 0) {
        struct ordo_job job = {0};

        rc = find(st, key, NULL, &job, err);
        if (rc == ORDO_OK) { /* raced with another lock: it is locked again */
            rc = ordo_err_set(err, ORDO_E_CONFLICT, "job %lld was locked again meanwhile",
                              (long long)key);
        }
    }
    return rc;
}
