/*
 * core/executor.h - the job executor: threads that take due jobs from the
 * store and run them.
 *
 * Work jobs (service tasks) and notify jobs (store.h: connector calls whose
 * result goes to no instance) go to a job handler, a function table the host
 * implements (the plugin host of plugins/host.h in servers and workers);
 * engine jobs (timers, start timers, call results, messages
 * thrown) are run by the store itself. Any number of executors, in any
 * number of processes, may share one database: jobs are taken with
 * FOR UPDATE SKIP LOCKED, so each attempt runs on one node.
 *
 * Executor threads sleep until a NOTIFY on ORDO_STORE_JOB_CHANNEL (a hint
 * sent after commit), the next due time, or the poll interval, whichever
 * comes first: a lost hint only delays.
 */
#ifndef ORDO_CORE_EXECUTOR_H
#define ORDO_CORE_EXECUTOR_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "core/store.h"

enum ordo_job_verdict {
    ORDO_JOB_DONE,       /* completed; 'variables' are its result */
    ORDO_JOB_RETRY,      /* failed; try again (after 'retry_in_ms' if >= 0) while attempts last */
    ORDO_JOB_BPMN_ERROR, /* a business error: 'error_code', caught by the process or an incident */
    ORDO_JOB_FAIL,       /* cannot succeed as it is: an incident now, whatever attempts are left */
    ORDO_JOB_WAIT, /* not attempted (a rate limit): again after 'retry_in_ms', no attempt spent */
};

struct ordo_job_result {
    enum ordo_job_verdict outcome;
    json_t *variables;      /* owned: the executor releases it */
    const char *error_code; /* static, or 'code' below */
    char code[64];          /* room for a BPMN error code the handler copies */
    char message[256];
    int64_t retry_in_ms; /* < 0: the default backoff (CONTRACTS §10) */
};

/* What the host implements. 'run' is called from executor threads, at the
 * same time for different jobs; it must not block for longer than the
 * lease (the executor holds the job that long). */
struct ordo_job_handlers {
    void *ctx;
    /* The job types this host runs (the installed action ids). */
    const char *const *types;
    size_t ntypes;
    void (*run)(void *ctx, const struct ordo_job *job, struct ordo_job_result *out);
};

/* The engine's own handler of "noop.complete" (completes at once, with no
 * variables), for the engine's tests and benchmarks, which run without
 * plugins. Servers and workers run the plugin host's handlers
 * (plugins/host.h), where noop.complete is the noop connector. */
const struct ordo_job_handlers *ordo_builtin_handlers(void);

struct ordo_executor_options {
    const char *conninfo;
    const char *owner; /* this node's name in job locks and the audit */
    struct ordo_defcache *cache;
    const struct ordo_job_handlers *handlers;
    int threads;      /* 0: 2 */
    int batch;        /* jobs taken at once per thread; 0: 8 */
    int64_t lease_ms; /* 0: 60 s (action timeout 30 s + 30 s, CONTRACTS §10) */
    int64_t poll_ms;  /* 0: 1 s */
};

struct ordo_executor;

/* Connect and start the threads. */
enum ordo_code ordo_executor_start(const struct ordo_executor_options *opts,
                                   struct ordo_executor **out, struct ordo_err *err);

/* What this executor did since it started, for /metrics. Work jobs only:
 * 'done' completed, 'failed' failed an attempt (to be retried or an
 * incident), 'errors' threw a BPMN error; the handler's time per job in
 * 'buckets' (cumulative, Prometheus style: bucket i counts jobs that took
 * at most ORDO_EXECUTOR_BUCKETS_MS[i] ms) with 'sum_ms' and 'count'. */
#define ORDO_EXECUTOR_NBUCKETS 10
extern const double ORDO_EXECUTOR_BUCKETS_MS[ORDO_EXECUTOR_NBUCKETS];

struct ordo_executor_stats {
    uint64_t done, failed, errors;
    uint64_t buckets[ORDO_EXECUTOR_NBUCKETS];
    uint64_t count;
    double sum_ms;
};

/* A consistent enough copy (each counter is read atomically). NULL
 * 'ex': all zero. */
void ordo_executor_stats(const struct ordo_executor *ex, struct ordo_executor_stats *out);

/* Stop taking jobs, let the threads finish the jobs they hold, join them
 * and free everything. NULL is a no-op. */
void ordo_executor_stop(struct ordo_executor *ex);

#endif
