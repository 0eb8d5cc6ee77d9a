/*
 * core/extjob.h - work jobs done by external workers (CONTRACTS §1: a job
 * whose type no installed action runs waits for one), for the Camunda 7
 * external-task API and Camunda 8 job activation of the REST dialects.
 *
 * A worker locks jobs by type (a Camunda 7 topic, a Camunda 8 job type)
 * for a time it chooses; the lock is the job row's lock_owner
 * ("ext:<worker id>") with its due time pushed to the lock's end, so an
 * expired lock makes the job due again for any worker. Locking spends no
 * attempt: an external job's retries change only when its worker reports
 * a failure and says how many are left (Camunda semantics; 0 raises the
 * incident). Outcomes go through the same step as the built-in executor's
 * (core/store.h), so an external completion moves the token, writes the
 * audit and wakes whatever waits for the instance exactly like a
 * connector's. A job of a suspended instance is not handed out.
 *
 * 'worker' names the holder an outcome must come from: the Camunda 7 API
 * checks it (a job locked by another worker is ORDO_E_CONFLICT); NULL
 * accepts any external worker's lock (Camunda 8, which knows only the job
 * key) but not a job nobody locked or a node's executor runs
 * (ORDO_E_CONFLICT). An outcome for a suspended instance is
 * ORDO_E_CONFLICT too. Jobs a node's executor holds are never handed out;
 * the dialects refuse topics that an installed action runs (CONTRACTS §1
 * routing).
 * Unknown keys, and jobs that are no work job or already over:
 * ORDO_E_NOTFOUND.
 */
#ifndef ORDO_CORE_EXTJOB_H
#define ORDO_CORE_EXTJOB_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "core/store.h"

/* The longest lock (and retry timeout) a worker may ask for, the longest
 * worker id, the most jobs locked at once and the most retries left. */
#define ORDO_EXTJOB_MAX_LOCK_MS (7LL * 24 * 3600 * 1000)
#define ORDO_EXTJOB_MAX_WORKER  255
#define ORDO_EXTJOB_MAX_JOBS    1000
#define ORDO_EXTJOB_MAX_RETRIES 1000000

struct ordo_extjob_topic {
    const char *type; /* the job type (topic) */
    int64_t lock_ms;  /* 1 .. ORDO_EXTJOB_MAX_LOCK_MS */
    /* Optional filters (NULL: any): only jobs of this process id or of
     * instances with this business key. */
    const char *process_id;
    const char *business_key;
};

/* A locked job, everything the dialects answer with. */
struct ordo_extjob {
    int64_t key;
    int64_t instance_key;
    int64_t definition_key;
    const char *type;
    const char *element_id;
    const char *process_id;   /* the definition's process id */
    int version;              /* the definition's version */
    const char *business_key; /* NULL when the instance has none */
    int retries;              /* retries left */
    int64_t deadline_ms;      /* the lock's end, epoch ms */
    const char *last_error;   /* the last failure's message, NULL when none */
    const json_t *variables;  /* the job's input variables: an object */
    const json_t *headers;    /* zeebe:taskHeaders: an object of strings (maybe empty) */
};

/* Lock up to 'max' due jobs of the topics' types for 'worker' (1 ..
 * ORDO_EXTJOB_MAX_WORKER bytes), oldest due first. Each job is audited
 * ("job.lock", with the worker). Zero jobs is ORDO_OK with '*n' 0; the
 * caller long-polls by waiting for a NOTIFY on ORDO_STORE_JOB_CHANNEL and
 * calling again. Results live in 'arena'. */
enum ordo_code ordo_extjob_lock(struct ordo_store *st, const char *worker,
                                const struct ordo_extjob_topic *topics, size_t ntopics, int max,
                                struct ordo_arena *arena, struct ordo_extjob **out, size_t *n,
                                struct ordo_err *err);

/* Complete: 'variables' (an object or NULL) merge into the instance as a
 * connector's result does. */
enum ordo_code ordo_extjob_complete(struct ordo_store *st, int64_t key, const char *worker,
                                    const json_t *variables, const char *actor,
                                    struct ordo_err *err);

/* Fail: 'retries_left' > 0 makes the job due again after 'retry_in_ms'
 * (>= 0); 0 raises an incident with 'message'. 'variables' (an object or
 * NULL) merge in the same step, as a result's do. */
enum ordo_code ordo_extjob_fail(struct ordo_store *st, int64_t key, const char *worker,
                                const char *message, int retries_left, int64_t retry_in_ms,
                                const json_t *variables, const char *actor, struct ordo_err *err);

/* Throw BPMN error 'code': caught by a boundary or event sub-process, an
 * incident when nothing catches it. */
enum ordo_code ordo_extjob_error(struct ordo_store *st, int64_t key, const char *worker,
                                 const char *code, const char *message, const json_t *variables,
                                 const char *actor, struct ordo_err *err);

/* Move the lock's end to now + 'lock_ms'. A job 'worker' does not hold
 * (or whose lock has expired and was taken again): ORDO_E_CONFLICT. */
enum ordo_code ordo_extjob_extend(struct ordo_store *st, int64_t key, const char *worker,
                                  int64_t lock_ms, struct ordo_err *err);

/* Release the lock (any holder, or none): the job is due again now. */
enum ordo_code ordo_extjob_unlock(struct ordo_store *st, int64_t key, struct ordo_err *err);

#endif
