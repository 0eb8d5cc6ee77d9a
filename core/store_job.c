/*
 * core/store_job.c - jobs: taking them, and recording what came of them.
 *
 * A job is taken in one statement that raises its attempt counter, names
 * this node as its owner and pushes its due time to the end of the lease,
 * committed before the handler runs (CONTRACTS §10). Its outcome is
 * recorded in a step that first checks, under a row lock, that this node
 * still holds that attempt: a node whose lease ran out while it worked
 * finds another owner (or a higher attempt) and records nothing.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "core/store_internal.h"

#define BACKOFF_BASE_MS 10000LL
#define BACKOFF_MAX_MS  600000LL /* 10 min */

/* A job that a suspended instance holds back: its work, its timers and
 * its called instances' results wait; cancellations and thrown messages
 * do not. The suspended instances' keys are read once per statement
 * (an InitPlan over the partial index instance_suspended, usually empty). */
#define SQL_NOT_HELD                                                                    \
    "(kind NOT IN ('work', 'timer', 'call_done') OR instance_key <> ALL (ARRAY(SELECT " \
    "key FROM instance WHERE suspended)))"

int64_t ordo_store_backoff_ms(int attempt)
{
    int64_t ms = BACKOFF_BASE_MS;

    for (int i = 1; i < attempt && ms < BACKOFF_MAX_MS; i++) {
        ms *= 2;
    }
    if (ms > BACKOFF_MAX_MS) {
        ms = BACKOFF_MAX_MS;
    }
    /* Up to 10 % of jitter, so that jobs that failed together (an outage)
     * do not all come back in the same second. */
    return ms + (int64_t)randombytes_uniform((uint32_t)(ms / 10 + 1));
}

static enum ordo_job_kind kind_of(const char *s)
{
    static const char *const names[] = {"work",   "timer",   "start_timer", "call_done",
                                        "cancel", "publish", "notify"};

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(s, names[i]) == 0) {
            return (enum ordo_job_kind)i;
        }
    }
    return ORDO_JOB_WORK;
}

static void read_job(PGresult *res, int row, struct ordo_arena *arena, int64_t lease_ms,
                     struct ordo_job *j)
{
    const char *payload = ordo_pg_text(res, row, 5);
    json_t *vars = NULL;

    j->key = ordo_pg_int(res, row, 0);
    j->instance_key = ordo_pg_int(res, row, 1);
    j->kind = kind_of(PQgetvalue(res, row, 2));
    j->type = ordo_arena_strdup(arena, PQgetvalue(res, row, 3));
    j->element_id = ordo_arena_strdup(arena, PQgetvalue(res, row, 4));
    j->attempt = (int)ordo_pg_int(res, row, 6);
    j->retries = (int)ordo_pg_int(res, row, 7);
    j->credential = ordo_arena_strdup(arena, PQgetvalue(res, row, 8));
    j->lease_ms = lease_ms;
    if (payload && ordo_json_parse(payload, strlen(payload), NULL, &vars, NULL) == ORDO_OK) {
        j->variables = ordo_json_defer(arena, vars);
    }
    if (!j->variables || !json_is_object(j->variables)) {
        j->variables = ordo_json_defer(arena, json_object());
    }
}

/* The text form of a PostgreSQL array of the job types. */
static const char *types_array(struct ordo_store *st, const char *const *types, size_t ntypes)
{
    struct ordo_buf list = ORDO_BUF_INIT;
    const char *text;

    ordo_buf_putc(&list, '{');
    for (size_t i = 0; i < ntypes; i++) {
        ordo_pg_array_add(&list, types[i]);
    }
    ordo_buf_putc(&list, '}');
    text = ordo_arena_strdup(st->arena, ordo_buf_cstr(&list));
    ordo_buf_cleanup(&list);
    return text;
}

enum ordo_code ordo_store_take_jobs(struct ordo_store *st, const char *const *types, size_t ntypes,
                                    int max, int64_t lease_ms, struct ordo_arena *arena,
                                    struct ordo_job **jobs, size_t *njobs, struct ordo_err *err)
{
    PGresult *res;
    enum ordo_code rc;

    *njobs = 0;
    ordo_arena_reset(st->arena);
    const char *p[4] = {st->owner, ordo_st_i64(st->arena, lease_ms), types_array(st, types, ntypes),
                        ordo_st_i64(st->arena, max)};

    rc = ordo_pg_exec_cached(
        st->db, st->stmts, st->arena, "could not take jobs",
        "WITH t AS (UPDATE job j SET attempts = j.attempts + 1, lock_owner = $1, "
        "locked_at = now(), due_at = now() + $2::bigint * interval '1 millisecond' FROM "
        "(SELECT key FROM job WHERE due_at <= now() AND (kind NOT IN ('work', "
        "'notify') OR type = ANY($3::text[])) AND " SQL_NOT_HELD
        " ORDER BY due_at LIMIT $4 FOR UPDATE SKIP LOCKED) "
        "k WHERE j.key = k.key "
        "RETURNING j.key, coalesce(j.instance_key, 0) AS instance_key, j.kind, j.type, "
        "j.element_id, j.payload, j.attempts, j.retries, coalesce(j.credential, '') AS "
        "credential), "
        /* Each attempt of a work job, with the node that runs it, goes into the audit. */
        "a AS (INSERT INTO audit (time_ms, actor, action, instance_key, element_id, payload) "
        "SELECT (extract(epoch FROM now()) * 1000)::bigint, $1, 'job.attempt', t.instance_key, "
        "t.element_id, json_build_object('job_key', t.key::text, 'type', t.type, 'attempt', "
        "t.attempts)::text FROM t WHERE t.kind = 'work' ORDER BY t.key) "
        "SELECT * FROM t",
        4, p, &res, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    *jobs = ordo_arena_calloc(arena, (size_t)PQntuples(res) + 1, sizeof **jobs);
    for (int i = 0; i < PQntuples(res); i++) {
        read_job(res, i, arena, lease_ms, &(*jobs)[i]);
    }
    *njobs = (size_t)PQntuples(res);
    return ORDO_OK;
}

enum ordo_code ordo_store_next_due(struct ordo_store *st, const char *const *types, size_t ntypes,
                                   int64_t *in_ms, struct ordo_err *err)
{
    const char *p[1];
    PGresult *res;
    enum ordo_code rc;

    ordo_arena_reset(st->arena);
    p[0] = types_array(st, types, ntypes);
    rc = ordo_pg_exec_cached(
        st->db, st->stmts, st->arena, "could not read the next due time",
        /* Not coalesce(greatest(0, x), -1): GREATEST ignores a NULL x and
         * would answer 0 (due now) when nothing is due at all. */
        "SELECT CASE WHEN min(due_at) IS NULL THEN -1 ELSE greatest(0, (extract(epoch FROM "
        "min(due_at) - now()) * 1000)::bigint) END FROM job WHERE due_at < 'infinity' AND "
        "(kind NOT IN ('work', 'notify') OR type = ANY($1::text[])) AND " SQL_NOT_HELD,
        1, p, &res, err);
    if (rc == ORDO_OK) {
        *in_ms = ordo_pg_int(res, 0, 0);
    }
    return rc;
}

enum ordo_code ordo_store_renew_leases(struct ordo_store *st, const int64_t *keys,
                                       const int *attempts, size_t n, int64_t lease_ms,
                                       struct ordo_err *err)
{
    struct ordo_buf k = ORDO_BUF_INIT, a = ORDO_BUF_INIT;
    enum ordo_code rc;

    ordo_arena_reset(st->arena);
    ordo_buf_putc(&k, '{');
    ordo_buf_putc(&a, '{');
    for (size_t i = 0; i < n; i++) {
        ordo_buf_printf(&k, "%s%lld", i ? "," : "", (long long)keys[i]);
        ordo_buf_printf(&a, "%s%d", i ? "," : "", attempts[i]);
    }
    ordo_buf_putc(&k, '}');
    ordo_buf_putc(&a, '}');
    const char *p[4] = {st->owner, ordo_st_i64(st->arena, lease_ms), ordo_buf_cstr(&k),
                        ordo_buf_cstr(&a)};

    rc = ordo_pg_exec_cached(
        st->db, st->stmts, NULL, "could not renew leases",
        "UPDATE job SET due_at = now() + $2::bigint * interval '1 millisecond' "
        "FROM unnest($3::bigint[], $4::int[]) AS h(key, attempt) WHERE job.key = "
        "h.key AND job.attempts = h.attempt AND job.lock_owner = $1",
        4, p, NULL, err);
    ordo_buf_cleanup(&k);
    ordo_buf_cleanup(&a);
    return rc;
}

/* ---- outcomes of work jobs ------------------------------------------------------------------ */

/* Under the instance's lock: does this node still hold this attempt (an
 * external worker's outcome: is the job still locked as it was)? */
static enum ordo_code held_elem(struct store_step *s, const struct ordo_job *job, int64_t *elem,
                                struct ordo_err *err)
{
    struct ordo_arena *a = s->st->arena;
    const char *p[3] = {ordo_st_i64(a, job->key), s->st->owner, ordo_st_i64(a, job->attempt)};
    PGresult *res;
    enum ordo_code rc;

    if (job->holder) {
        p[1] = job->holder;
        rc = ordo_st_query(s->st, "could not check the job",
                           "SELECT elem FROM job WHERE key = $1 AND kind = 'work' AND "
                           "coalesce(lock_owner, '') = $2 FOR UPDATE",
                           2, p, &res, err);
        if (rc == ORDO_OK && PQntuples(res) == 0) {
            rc = ordo_err_set(err, ORDO_E_CONFLICT,
                              "job %lld is no longer locked by this worker (the lock expired and "
                              "it was taken again, or the instance moved on)",
                              (long long)job->key);
        }
        if (rc == ORDO_OK) {
            *elem = ordo_pg_int(res, 0, 0);
        }
        return rc;
    }
    rc = ordo_st_query(s->st, "could not check the job",
                       "SELECT elem FROM job WHERE key = $1 AND lock_owner = $2 AND attempts = $3 "
                       "FOR UPDATE",
                       3, p, &res, err);
    if (rc == ORDO_OK && PQntuples(res) == 0) {
        rc = ordo_err_set(err, ORDO_E_CONFLICT,
                          "job %lld: this node no longer holds attempt %d (the lease ran out, or "
                          "the instance moved on)",
                          (long long)job->key, job->attempt);
    }
    if (rc == ORDO_OK) {
        *elem = ordo_pg_int(res, 0, 0);
    }
    return rc;
}

static enum ordo_code outcome_fill(struct store_step *s, struct ordo_event *ev, void *ctx,
                                   struct ordo_err *err)
{
    struct ordo_job_outcome *o = ctx;
    int64_t elem = 0;
    enum ordo_code rc = held_elem(s, o->job, &elem, err);

    ev->kind = o->kind;
    ev->key = (uint32_t)elem;
    ev->variables = o->variables;
    ev->error_code = o->error_code;
    ev->message = o->message;
    if (o->kind == ORDO_EVENT_JOB_FAIL) {
        ev->retries = !o->final && o->job->attempt < o->job->retries
                          ? (uint32_t)(o->job->retries - o->job->attempt)
                          : 0;
        if (o->refund && !o->final) { /* the attempt is given back: one more is left */
            ev->retries++;
        }
        s->refund = o->refund && !o->final;
        s->attempt = o->job->attempt;
        s->retry_in_ms = o->retry_in_ms;
        s->fail_message = o->message;
    }
    return rc;
}

/* Runtime-level refusals (the job moved on) skip one outcome; anything
 * else is the database failing, which fails the transaction. */
static bool skippable(enum ordo_code rc)
{
    return rc == ORDO_E_CONFLICT || rc == ORDO_E_NOTFOUND || rc == ORDO_E_INVAL ||
           rc == ORDO_E_UNPROCESSABLE;
}

/* An outcome's place in a batch (a struct, so qsort sorts whole slots),
 * with its own error record. */
struct slot {
    struct ordo_job_outcome *o;
    struct ordo_err err;
};

struct batch {
    struct slot *v; /* in instance key order */
    size_t n;
};

static enum ordo_code batch_tx(struct ordo_store *st, void *ctx, struct ordo_err *err)
{
    struct batch *b = ctx;

    for (size_t i = 0; i < b->n; i++) {
        struct slot *sl = &b->v[i];
        unsigned writes = st->sync_writes;

        memset(&sl->err, 0, sizeof sl->err);
        sl->o->rc = ordo_st_step_locked(st, sl->o->job->instance_key,
                                        sl->o->actor ? sl->o->actor : st->owner, outcome_fill,
                                        sl->o, &sl->err);
        /* A refused outcome is skipped, unless the step had already written
         * something that only a rollback takes back. */
        if (sl->o->rc != ORDO_OK && (!skippable(sl->o->rc) || st->sync_writes != writes)) {
            return ordo_err_set(err, sl->o->rc == ORDO_E_AGAIN ? ORDO_E_AGAIN : ORDO_E_INTERNAL,
                                "%s", sl->err.msg);
        }
    }
    return ORDO_OK;
}

static int by_instance(const void *a, const void *b)
{
    int64_t x = ((const struct slot *)a)->o->job->instance_key;
    int64_t y = ((const struct slot *)b)->o->job->instance_key;

    return (x > y) - (x < y);
}

/* The batch failed as a whole: each outcome in a transaction of its own. */
static void one_by_one(struct ordo_store *st, struct batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        struct batch one = {.v = &b->v[i], .n = 1};
        struct ordo_err why = {0};

        if (ordo_st_tx(st, batch_tx, &one, &why) != ORDO_OK) {
            b->v[i].o->rc = why.code;
            b->v[i].err = why;
        }
    }
}

enum ordo_code ordo_store_record_outcomes(struct ordo_store *st, struct ordo_job_outcome *outs,
                                          size_t n, struct ordo_err *err)
{
    struct batch b = {.n = 0};
    struct ordo_err why = {0};
    enum ordo_code rc = ORDO_OK;

    ordo_arena_reset(st->arena);
    b.v = ordo_arena_calloc(st->arena, n + 1, sizeof *b.v);
    for (size_t i = 0; i < n; i++) {
        if (outs[i].variables && !json_is_object(outs[i].variables)) {
            outs[i].rc =
                ordo_err_set(err, ORDO_E_INVAL, "job %lld: variables must be a JSON object",
                             (long long)outs[i].job->key);
            rc = rc == ORDO_OK ? ORDO_E_INVAL : rc;
            continue;
        }
        b.v[b.n++].o = &outs[i];
    }
    /* Lock in key order: two batches sharing instances cannot deadlock. */
    qsort(b.v, b.n, sizeof *b.v, by_instance);
    if (b.n > 0 && ordo_st_tx(st, batch_tx, &b, &why) != ORDO_OK) {
        if (why.code == ORDO_E_AGAIN) { /* the database is away: one at a time would be too */
            for (size_t i = 0; i < b.n; i++) {
                b.v[i].o->rc = ORDO_E_AGAIN;
                b.v[i].err = why;
            }
        } else {
            one_by_one(st, &b);
        }
    }
    for (size_t i = 0; i < b.n; i++) {
        if (b.v[i].o->rc != ORDO_OK && rc == ORDO_OK) {
            rc = ordo_err_set(err, b.v[i].o->rc, "%s", b.v[i].err.msg);
        }
    }
    return rc;
}

static enum ordo_code one_outcome(struct ordo_store *st, struct ordo_job_outcome *o,
                                  struct ordo_err *err)
{
    return ordo_store_record_outcomes(st, o, 1, err);
}

enum ordo_code ordo_store_job_complete(struct ordo_store *st, const struct ordo_job *job,
                                       const json_t *variables, struct ordo_err *err)
{
    struct ordo_job_outcome o = {
        .job = job, .kind = ORDO_EVENT_JOB_COMPLETE, .variables = variables};

    return one_outcome(st, &o, err);
}

enum ordo_code ordo_store_job_fail(struct ordo_store *st, const struct ordo_job *job,
                                   const char *message, int64_t retry_in_ms, struct ordo_err *err)
{
    struct ordo_job_outcome o = {
        .job = job, .kind = ORDO_EVENT_JOB_FAIL, .message = message, .retry_in_ms = retry_in_ms};

    return one_outcome(st, &o, err);
}

enum ordo_code ordo_store_job_error(struct ordo_store *st, const struct ordo_job *job,
                                    const char *error_code, const char *message,
                                    const json_t *variables, struct ordo_err *err)
{
    struct ordo_job_outcome o = {.job = job,
                                 .kind = ORDO_EVENT_JOB_ERROR,
                                 .variables = variables,
                                 .error_code = error_code,
                                 .message = message};

    return one_outcome(st, &o, err);
}
