/*
 * core/executor.c - executor threads and the LISTEN thread that wakes them.
 */
#include "core/executor.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/crashpoint.h"
#include "base/log.h"
#include "base/pg.h"

#define MAX_THREADS 64

struct ordo_executor {
    struct ordo_executor_options opts;
    atomic_bool stop;
    atomic_bool keeper_stop; /* set after the workers have finished their jobs */
    pthread_mutex_t mu;
    pthread_cond_t wake;
    pthread_cond_t keeper_wake; /* only for stopping: hints must not go to the keeper */
    unsigned long hints;        /* NOTIFYs seen, under 'mu' */
    pthread_t threads[MAX_THREADS];
    int nthreads;
    pthread_t listener;
    bool listening;
    /* Work jobs being run now, under 'mu': the keeper renews their leases. */
    int64_t *held_keys;
    int *held_attempts;
    size_t nheld, held_cap;
    pthread_t keeper;
    bool keeping;
    /* ordo_executor_stats() */
    atomic_ullong done, failed, errors, count, sum_us;
    atomic_ullong buckets[ORDO_EXECUTOR_NBUCKETS];
};

const double ORDO_EXECUTOR_BUCKETS_MS[ORDO_EXECUTOR_NBUCKETS] = {1,   5,    10,   50,    100,
                                                                 500, 1000, 5000, 10000, 30000};

static void count_job(struct ordo_executor *ex, const struct ordo_job_result *r, int64_t us)
{
    atomic_ullong *outcome = r->outcome == ORDO_JOB_DONE         ? &ex->done
                             : r->outcome == ORDO_JOB_BPMN_ERROR ? &ex->errors
                                                                 : &ex->failed;

    atomic_fetch_add(outcome, 1);
    atomic_fetch_add(&ex->count, 1);
    atomic_fetch_add(&ex->sum_us, (unsigned long long)us);
    for (size_t i = 0; i < ORDO_EXECUTOR_NBUCKETS; i++) {
        if ((double)us <= ORDO_EXECUTOR_BUCKETS_MS[i] * 1000.0) {
            atomic_fetch_add(&ex->buckets[i], 1);
        }
    }
}

void ordo_executor_stats(const struct ordo_executor *ex, struct ordo_executor_stats *out)
{
    struct ordo_executor *e = (struct ordo_executor *)ex; /* atomics are read, not changed */

    memset(out, 0, sizeof *out);
    if (!e) {
        return;
    }
    out->done = atomic_load(&e->done);
    out->failed = atomic_load(&e->failed);
    out->errors = atomic_load(&e->errors);
    out->count = atomic_load(&e->count);
    out->sum_ms = (double)atomic_load(&e->sum_us) / 1000.0;
    for (size_t i = 0; i < ORDO_EXECUTOR_NBUCKETS; i++) {
        out->buckets[i] = atomic_load(&e->buckets[i]);
    }
}

/* ---- the built-in handlers ------------------------------------------------------------------ */

static void noop_run(void *ctx, const struct ordo_job *job, struct ordo_job_result *out)
{
    (void)ctx;
    (void)job;
    out->outcome = ORDO_JOB_DONE;
}

static const char *const builtin_types[] = {"noop.complete"};
static const struct ordo_job_handlers builtin = {
    .types = builtin_types, .ntypes = 1, .run = noop_run};

const struct ordo_job_handlers *ordo_builtin_handlers(void)
{
    return &builtin;
}

/* ---- waiting -------------------------------------------------------------------------------- */

static void deadline_in(struct timespec *ts, int64_t ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += (time_t)(ms / 1000);
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

/* Sleep until a hint newer than 'seen' arrives, or 'ms' pass. */
static void wait_for_work(struct ordo_executor *ex, unsigned long seen, int64_t ms)
{
    struct timespec until;

    deadline_in(&until, ms);
    pthread_mutex_lock(&ex->mu);
    while (ex->hints == seen && !atomic_load(&ex->stop)) {
        if (pthread_cond_timedwait(&ex->wake, &ex->mu, &until) == ETIMEDOUT) {
            break;
        }
    }
    pthread_mutex_unlock(&ex->mu);
}

/* Sleep 'ms', or until '*stop' is set (job hints do not wake it). */
static void sleep_unless(struct ordo_executor *ex, atomic_bool *stop, int64_t ms)
{
    struct timespec until;

    deadline_in(&until, ms);
    pthread_mutex_lock(&ex->mu);
    while (!atomic_load(stop)) {
        if (pthread_cond_timedwait(&ex->keeper_wake, &ex->mu, &until) == ETIMEDOUT) {
            break;
        }
    }
    pthread_mutex_unlock(&ex->mu);
}

/* Wake one waiting thread ('all': every one, to stop or after lost hints).
 * One is enough for one hint: a thread that finds a full batch wakes the
 * next, so a burst of jobs fans out while a trickle costs one query. */
static void hint(struct ordo_executor *ex, bool all)
{
    pthread_mutex_lock(&ex->mu);
    ex->hints++;
    if (all) {
        pthread_cond_broadcast(&ex->wake);
        pthread_cond_broadcast(&ex->keeper_wake);
    } else {
        pthread_cond_signal(&ex->wake);
    }
    pthread_mutex_unlock(&ex->mu);
}

/* ---- running jobs --------------------------------------------------------------------------- */

static void warn(const char *msg, const struct ordo_err *err)
{
    ordo_log(ORDO_LOG_WARN, "executor", msg, ORDO_STR("reason", err->msg));
}

/* The handler's answer as the store's outcome record. */
static void to_outcome(const struct ordo_job *job, const struct ordo_job_result *r,
                       struct ordo_job_outcome *o)
{
    o->job = job;
    o->variables = r->variables;
    o->retry_in_ms = r->retry_in_ms;
    switch (r->outcome) {
    case ORDO_JOB_DONE:
        o->kind = ORDO_EVENT_JOB_COMPLETE;
        break;
    case ORDO_JOB_BPMN_ERROR:
        o->kind = ORDO_EVENT_JOB_ERROR;
        o->error_code = r->error_code ? r->error_code : "";
        o->message = r->message;
        break;
    default:
        o->kind = ORDO_EVENT_JOB_FAIL;
        o->variables = NULL; /* a failed call's output is no result */
        o->final = r->outcome == ORDO_JOB_FAIL;
        o->refund = r->outcome == ORDO_JOB_WAIT;
        o->message = r->message[0] ? r->message : "the job failed";
        break;
    }
}

static void log_outcome(const struct ordo_job_outcome *o)
{
    if (o->rc == ORDO_E_CONFLICT) {
        ordo_log(ORDO_LOG_INFO, "executor", "job result discarded", ORDO_INT("job", o->job->key),
                 ORDO_STR("reason", ordo_code_name(o->rc)));
    } else if (o->rc != ORDO_OK) {
        ordo_log(ORDO_LOG_WARN, "executor", "job result not recorded", ORDO_INT("job", o->job->key),
                 ORDO_STR("reason", ordo_code_name(o->rc)));
    }
}

static void run_engine_job(struct ordo_store *st, const struct ordo_job *job)
{
    struct ordo_err err = {0};

    if (ordo_store_run_engine_job(st, job, &err) != ORDO_OK) {
        ordo_log(ORDO_LOG_WARN, "executor", "engine job failed", ORDO_INT("job", job->key),
                 ORDO_STR("reason", err.msg));
    }
}

/* Run one work job's handler into 'r'. */
static void run_work(struct ordo_executor *ex, const struct ordo_job *job,
                     struct ordo_job_result *r)
{
    int64_t t0;

    r->retry_in_ms = -1;
    if (job->attempt > job->retries) {
        /* The previous holder's lease ran out on the last attempt it had. */
        r->outcome = ORDO_JOB_RETRY;
        (void)snprintf(r->message, sizeof r->message,
                       "no attempts left: the lease of attempt %d ran out", job->attempt - 1);
        return;
    }
    t0 = ordo_clock_mono_us();
    ex->opts.handlers->run(ex->opts.handlers->ctx, job, r);
    count_job(ex, r, ordo_clock_mono_us() - t0);
}

static void hold(struct ordo_executor *ex, const struct ordo_job *job)
{
    pthread_mutex_lock(&ex->mu);
    if (ex->nheld == ex->held_cap) {
        size_t cap = ex->held_cap ? ex->held_cap * 2 : 64;
        int64_t *k = realloc(ex->held_keys, cap * sizeof *k);
        int *a = k ? realloc(ex->held_attempts, cap * sizeof *a) : NULL;

        if (!k || !a) {
            ordo_oom(cap * sizeof *k);
        }
        ex->held_keys = k;
        ex->held_attempts = a;
        ex->held_cap = cap;
    }
    ex->held_keys[ex->nheld] = job->key;
    ex->held_attempts[ex->nheld++] = job->attempt;
    pthread_mutex_unlock(&ex->mu);
}

static void release(struct ordo_executor *ex, const struct ordo_job *job)
{
    pthread_mutex_lock(&ex->mu);
    for (size_t i = 0; i < ex->nheld; i++) {
        if (ex->held_keys[i] == job->key) {
            ex->held_keys[i] = ex->held_keys[--ex->nheld];
            ex->held_attempts[i] = ex->held_attempts[ex->nheld];
            break;
        }
    }
    pthread_mutex_unlock(&ex->mu);
}

/* A notify job (store.h): its task may have ended meanwhile (then it is
 * dropped unrun); else the handler runs it, and its outcome goes to the
 * job row alone, never to an instance. */
static void run_notify(struct ordo_executor *ex, struct ordo_store *st, const struct ordo_job *job)
{
    struct ordo_job_result r = {.retry_in_ms = -1};
    struct ordo_job_outcome o = {0};
    struct ordo_err err = {0};
    bool live = true;

    if (ordo_store_notify_live(st, job, &live, &err) != ORDO_OK) {
        warn("could not check a notification", &err);
        return; /* its lease ends and it is taken again */
    }
    if (!live) {
        ordo_log(ORDO_LOG_INFO, "executor", "notification dropped: its task has ended",
                 ORDO_INT("job", job->key));
        return;
    }
    if (job->attempt > job->retries) {
        r.outcome = ORDO_JOB_FAIL;
        (void)snprintf(r.message, sizeof r.message,
                       "no attempts left: the lease of attempt %d ran out", job->attempt - 1);
    } else {
        ex->opts.handlers->run(ex->opts.handlers->ctx, job, &r);
    }
    to_outcome(job, &r, &o);
    o.rc = ordo_store_notify_outcome(st, &o, &err);
    log_outcome(&o);
    json_decref(r.variables);
}

/* Run the handlers of a batch's work jobs, then record every outcome in
 * one transaction (one commit for the batch); engine jobs and
 * notifications run alone. */
static void run_jobs(struct ordo_executor *ex, struct ordo_store *st, struct ordo_job *jobs,
                     size_t n, struct ordo_arena *arena)
{
    struct ordo_job_result *r = ordo_arena_calloc(arena, n + 1, sizeof *r);
    struct ordo_job_outcome *o = ordo_arena_calloc(arena, n + 1, sizeof *o);
    struct ordo_err err = {0};
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        if (jobs[i].kind == ORDO_JOB_WORK || jobs[i].kind == ORDO_JOB_NOTIFY) {
            hold(ex, &jobs[i]);
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (jobs[i].kind == ORDO_JOB_NOTIFY) {
            run_notify(ex, st, &jobs[i]);
            release(ex, &jobs[i]);
            continue;
        }
        if (jobs[i].kind != ORDO_JOB_WORK) {
            run_engine_job(st, &jobs[i]);
            continue;
        }
        run_work(ex, &jobs[i], &r[k]);
        to_outcome(&jobs[i], &r[k], &o[k]);
        k++;
    }
    if (k == 0) {
        return;
    }
    ordo_crashpoint("after_call");
    (void)ordo_store_record_outcomes(st, o, k, &err);
    for (size_t i = 0; i < k; i++) {
        release(ex, o[i].job);
        log_outcome(&o[i]);
        json_decref(r[i].variables);
    }
}

static unsigned long hints_seen(struct ordo_executor *ex)
{
    unsigned long seen;

    pthread_mutex_lock(&ex->mu);
    seen = ex->hints;
    pthread_mutex_unlock(&ex->mu);
    return seen;
}

/* Take a batch of jobs and run them; the number taken, or -1 when the
 * store failed (the caller reconnects). */
static long run_batch(struct ordo_executor *ex, struct ordo_store *st, struct ordo_arena *arena)
{
    const struct ordo_executor_options *o = &ex->opts;
    struct ordo_err err = {0};
    struct ordo_job *jobs;
    size_t n = 0;

    ordo_arena_reset(arena);
    if (ordo_store_take_jobs(st, o->handlers->types, o->handlers->ntypes, o->batch, o->lease_ms,
                             arena, &jobs, &n, &err) != ORDO_OK) {
        warn("could not take jobs", &err);
        return -1;
    }
    run_jobs(ex, st, jobs, n, arena);
    return (long)n;
}

/* How long an idle thread sleeps: until the next job is due (a timer),
 * at most the poll interval. */
static int64_t idle_wait(struct ordo_executor *ex, struct ordo_store *st)
{
    const struct ordo_executor_options *o = &ex->opts;
    struct ordo_err err = {0};
    int64_t ms = -1;

    if (!st ||
        ordo_store_next_due(st, o->handlers->types, o->handlers->ntypes, &ms, &err) != ORDO_OK) {
        return o->poll_ms;
    }
    return ms >= 0 && ms < o->poll_ms ? ms : o->poll_ms;
}

static void *worker_main(void *arg)
{
    struct ordo_executor *ex = arg;
    const struct ordo_executor_options *o = &ex->opts;
    struct ordo_arena *arena = ordo_arena_new();
    struct ordo_store *st = NULL;

    while (!atomic_load(&ex->stop)) {
        unsigned long seen = hints_seen(ex);
        struct ordo_err err = {0};
        long n;

        if (!st && ordo_store_open(o->conninfo, o->cache, o->owner, &st, &err) != ORDO_OK) {
            warn("database unreachable", &err);
            wait_for_work(ex, seen, o->poll_ms);
            continue;
        }
        n = run_batch(ex, st, arena);
        if (n < 0) {
            ordo_store_close(st); /* reconnect on the next round */
            st = NULL;
        }
        if (n == o->batch) {
            hint(ex, false); /* more may be due: let another thread look too */
        } else if (n == 0) {
            wait_for_work(ex, seen, idle_wait(ex, st));
        }
    }
    ordo_store_close(st);
    ordo_arena_free(arena);
    return NULL;
}

/* ---- the LISTEN thread ---------------------------------------------------------------------- */

static PGconn *listen_connect(struct ordo_executor *ex)
{
    PGconn *db = NULL;
    struct ordo_err err = {0};

    if (ordo_pg_connect(ex->opts.conninfo, &db, &err) != ORDO_OK ||
        ordo_pg_run(db, "could not listen", "LISTEN " ORDO_STORE_JOB_CHANNEL, 0, NULL, &err) !=
            ORDO_OK) {
        ordo_log(ORDO_LOG_WARN, "executor", "could not listen for job hints",
                 ORDO_STR("reason", err.msg));
        PQfinish(db);
        return NULL;
    }
    return db;
}

static void *listener_main(void *arg)
{
    struct ordo_executor *ex = arg;
    PGconn *db = NULL;

    while (!atomic_load(&ex->stop)) {
        struct pollfd pfd;
        PGnotify *n;
        bool any = false;

        if (!db && !(db = listen_connect(ex))) {
            sleep_unless(ex, &ex->stop, ex->opts.poll_ms);
            continue;
        }
        pfd.fd = PQsocket(db);
        pfd.events = POLLIN;
        if (poll(&pfd, 1, 200) <= 0) {
            continue; /* check 'stop' five times a second */
        }
        if (!PQconsumeInput(db)) {
            PQfinish(db);
            db = NULL;
            hint(ex, true); /* hints may have been lost: look now */
            continue;
        }
        while ((n = PQnotifies(db)) != NULL) {
            any = true;
            PQfreemem(n);
        }
        if (any) {
            hint(ex, false);
        }
    }
    PQfinish(db);
    return NULL;
}

/* ---- the lease keeper ---------------------------------------------------------------------- */

/* Renew the leases of the jobs being run, every lease/3 (CONTRACTS §10),
 * so a handler that takes long keeps its job and a dead node's jobs still
 * come back one lease after its last renewal. */
static bool renew_held(struct ordo_executor *ex, struct ordo_store *st)
{
    struct ordo_err err = {0};
    bool ok = true;
    int64_t *keys;
    int *attempts;
    size_t n;

    pthread_mutex_lock(&ex->mu);
    n = ex->nheld;
    keys = n ? malloc(n * sizeof *keys) : NULL;
    attempts = n ? malloc(n * sizeof *attempts) : NULL;
    if (keys && attempts) {
        memcpy(keys, ex->held_keys, n * sizeof *keys);
        memcpy(attempts, ex->held_attempts, n * sizeof *attempts);
    }
    pthread_mutex_unlock(&ex->mu);
    if (keys && attempts &&
        ordo_store_renew_leases(st, keys, attempts, n, ex->opts.lease_ms, &err) != ORDO_OK) {
        warn("could not renew leases", &err);
        ok = false;
    }
    free(keys);
    free(attempts);
    return ok;
}

/* Forget buffered messages and remembered message ids past their TTL. */
static bool housekeep(struct ordo_store *st)
{
    struct ordo_err err = {0};

    if (ordo_store_expire_messages(st, &err) != ORDO_OK) {
        warn("could not forget expired messages", &err);
        return false;
    }
    return true;
}

static void *keeper_main(void *arg)
{
    struct ordo_executor *ex = arg;
    const struct ordo_executor_options *o = &ex->opts;
    struct ordo_store *st = NULL;

    while (!atomic_load(&ex->keeper_stop)) {
        struct ordo_err err = {0};

        sleep_unless(ex, &ex->keeper_stop, o->lease_ms / 3);
        if (atomic_load(&ex->keeper_stop)) {
            break;
        }
        if (!st && ordo_store_open(o->conninfo, o->cache, o->owner, &st, &err) != ORDO_OK) {
            warn("database unreachable", &err);
            continue;
        }
        if (!renew_held(ex, st) || !housekeep(st)) {
            ordo_store_close(st); /* a new connection next time */
            st = NULL;
        }
    }
    ordo_store_close(st);
    return NULL;
}

/* ---- start and stop ------------------------------------------------------------------------- */

enum ordo_code ordo_executor_start(const struct ordo_executor_options *opts,
                                   struct ordo_executor **out, struct ordo_err *err)
{
    struct ordo_executor *ex = calloc(1, sizeof *ex);
    pthread_condattr_t ca;

    if (!ex) {
        return ordo_err_set(err, ORDO_E_INTERNAL, "out of memory");
    }
    ex->opts = *opts;
    ex->opts.threads = opts->threads > 0 ? opts->threads : 2;
    ex->opts.threads = ex->opts.threads > MAX_THREADS ? MAX_THREADS : ex->opts.threads;
    ex->opts.batch = opts->batch > 0 ? opts->batch : 8;
    ex->opts.lease_ms = opts->lease_ms > 0 ? opts->lease_ms : 60000;
    ex->opts.poll_ms = opts->poll_ms > 0 ? opts->poll_ms : 1000;
    pthread_mutex_init(&ex->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&ex->wake, &ca);
    pthread_cond_init(&ex->keeper_wake, &ca);
    pthread_condattr_destroy(&ca);
    ex->listening = pthread_create(&ex->listener, NULL, listener_main, ex) == 0;
    ex->keeping = pthread_create(&ex->keeper, NULL, keeper_main, ex) == 0;
    for (int i = 0; i < ex->opts.threads; i++) {
        if (pthread_create(&ex->threads[i], NULL, worker_main, ex) != 0) {
            ordo_executor_stop(ex);
            return ordo_err_set(err, ORDO_E_INTERNAL, "could not start executor threads");
        }
        ex->nthreads++;
    }
    *out = ex;
    return ORDO_OK;
}

void ordo_executor_stop(struct ordo_executor *ex)
{
    if (!ex) {
        return;
    }
    atomic_store(&ex->stop, true);
    hint(ex, true);
    for (int i = 0; i < ex->nthreads; i++) {
        pthread_join(ex->threads[i], NULL);
    }
    if (ex->listening) {
        pthread_join(ex->listener, NULL);
    }
    /* Only now: the workers' last jobs kept their leases to the end. */
    atomic_store(&ex->keeper_stop, true);
    hint(ex, true);
    if (ex->keeping) {
        pthread_join(ex->keeper, NULL);
    }
    free(ex->held_keys);
    free(ex->held_attempts);
    pthread_cond_destroy(&ex->wake);
    pthread_cond_destroy(&ex->keeper_wake);
    pthread_mutex_destroy(&ex->mu);
    free(ex);
}
