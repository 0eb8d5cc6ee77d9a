/*
 * core/store.h - the engine, persisted in PostgreSQL.
 *
 * Every change to an instance is one step: one transaction that locks the
 * instance row (SELECT ... FOR UPDATE), restores its state from the stored
 * snapshot, applies one event with the runtime (core/runtime.h), writes
 * the effects as rows (jobs, user tasks, message subscriptions,
 * incidents, audit rows) together with the new snapshot, and commits.
 * Row locks serialize events of one instance, so two jobs finishing at the
 * same moment on two nodes are applied one after the other: a parallel
 * join never loses or doubles a token. Serialization failures, deadlocks
 * and lost connections are retried (a fresh connection, the whole step
 * again), a bounded number of times.
 *
 * Times are the database's clock (the lock statement's time), so that
 * every node agrees on what is due.
 *
 * Keys: definitions, instances, jobs, user tasks, incidents and messages
 * get int64 keys from one sequence (CONTRACTS §1). A job's key stays the
 * same across its attempts and is the connector's idempotency key
 * (CONTRACTS §10).
 *
 * Threads: a struct ordo_store (one connection) is used by one thread at a
 * time; the definition cache is shared by all of them.
 */
#ifndef ORDO_CORE_STORE_H
#define ORDO_CORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "base/arena.h"
#include "base/err.h"
#include "core/graph.h"
#include "core/runtime.h"

struct ordo_store;    /* one connection and its scratch arena */
struct ordo_defcache; /* compiled definitions, shared by the stores of a process */

/* The advisory lock that serializes migrations (any 64-bit constant that
 * no other application on the database uses). */
#define ORDO_STORE_MIGRATION_LOCK 0x6f72646f6d696772LL /* "ordomigr" */

/* Apply the schema migrations (core/migrations/NNNN_*.sql) through
 * 'owner_conninfo' (migrate_database_url, or database_url when empty).
 * When 'app_conninfo' is given and logs in as another role, that role is
 * granted what the application needs and no more: audit rows and seals
 * may only be inserted and read. '*applied' (may be NULL) counts the
 * migrations applied now. A database newer than this build: ORDO_E_CONFLICT. */
enum ordo_code ordo_store_migrate(const char *owner_conninfo, const char *app_conninfo,
                                  int *applied, struct ordo_err *err);

/* The newest schema version this build knows. */
int ordo_store_schema_version(void);

struct ordo_defcache *ordo_defcache_new(const struct ordo_runtime_options *runtime);
void ordo_defcache_free(struct ordo_defcache *cache); /* NULL is a no-op */

/* Connect. The schema must be migrated and not newer than this build
 * (ORDO_E_CONFLICT otherwise, with the versions in the message). 'owner'
 * names this node in job locks and in the audit ("node-1"). */
enum ordo_code ordo_store_open(const char *conninfo, struct ordo_defcache *cache, const char *owner,
                               struct ordo_store **out, struct ordo_err *err);
void ordo_store_close(struct ordo_store *st); /* NULL is a no-op */

/* The store's connection, for modules that keep their own tables on it
 * (identities): reconnected first when it was lost. Not inside a store
 * call, and not to be closed. NULL when reconnecting failed ('err'). */
PGconn *ordo_store_pg(struct ordo_store *st, struct ordo_err *err);

/* ---- definitions ---------------------------------------------------------------------------- */

struct ordo_deployed {
    int64_t key;
    const char *process_id;
    int version;
    bool created; /* false: the same XML was already the newest version */
};

struct ordo_deploy_req {
    const char *resource; /* the file's name */
    const char *xml;
    size_t len;
    const char *actor;
    /* What the deploy reports without refusing (issue 5 deploy policy):
     * job types outside 'installed' wait for external workers; constant
     * candidate groups outside 'groups' match nobody yet. NULL lists are
     * not checked. */
    const char *const *installed;
    size_t ninstalled;
    const char *const *groups;
    size_t ngroups;
};

/* Deploy one BPMN file: every executable process in it becomes a new
 * version of its definition, unless the newest version already has the
 * same XML. Malformed XML: ORDO_E_INVAL. A model that cannot run:
 * ORDO_E_UNPROCESSABLE with every finding in '*findings'. A model that
 * runs is stored with its modelling findings (lint, job types not
 * installed, unknown groups: a JSON array, ordo_query_get_definition's
 * "findings"). Timer and message start events of the new version replace
 * those of the previous one (CONTRACTS §12). Results live in 'arena'. */
enum ordo_code ordo_store_deploy(struct ordo_store *st, const struct ordo_deploy_req *req,
                                 struct ordo_arena *arena, const struct ordo_deployed **out,
                                 size_t *nout, const struct ordo_graph_finding **findings,
                                 size_t *nfindings, struct ordo_err *err);

/* ---- instances ------------------------------------------------------------------------------ */

struct ordo_start {
    const char *process_id;
    int version;             /* 0: the newest */
    const json_t *variables; /* an object, or NULL */
    const char *business_key;
    const char *actor; /* who asked ("user:alice", "engine") */
    /* Idempotency-Key (CONTRACTS §6), or NULL: a key this actor used in the
     * last 24 hours starts nothing and answers that instance again. */
    const char *idempotency_key;
    /* The start event to start at (a webhook's, CONTRACTS §14), or NULL:
     * the none start event, else as if the first start event had fired.
     * One that is no start event of the process: ORDO_E_NOTFOUND. */
    const char *start_element;
};

/* Start an instance (its none start event; a process that has only
 * message, timer or webhook starts behaves as if the first of them had
 * fired, CONTRACTS §6) and run it to its first wait, in one transaction. Unknown process or
 * version: ORDO_E_NOTFOUND; a suspended definition: ORDO_E_CONFLICT. */
enum ordo_code ordo_store_start(struct ordo_store *st, const struct ordo_start *req,
                                int64_t *instance_key, struct ordo_err *err);

/* ordo_store_start() that also says whether the idempotency key answered
 * an earlier start ('*replayed'): then nothing was started now. */
enum ordo_code ordo_store_start_once(struct ordo_store *st, const struct ordo_start *req,
                                     int64_t *instance_key, bool *replayed, struct ordo_err *err);

enum ordo_code ordo_store_cancel(struct ordo_store *st, int64_t instance_key, const char *actor,
                                 struct ordo_err *err);

/* Complete user task 'task_key' once: a task that is not open (completed,
 * canceled, unknown) is ORDO_E_NOTFOUND or ORDO_E_CONFLICT and changes
 * nothing; so is a task of a suspended instance (ORDO_E_CONFLICT). */
enum ordo_code ordo_store_complete_task(struct ordo_store *st, int64_t task_key,
                                        const json_t *variables, const char *actor,
                                        struct ordo_err *err);

/* Resolve an open incident, with variables set first: the failed part runs
 * again (a job gets its retries back). */
enum ordo_code ordo_store_resolve_incident(struct ordo_store *st, int64_t incident_key,
                                           const json_t *variables, const char *actor,
                                           struct ordo_err *err);

/* ---- messages ------------------------------------------------------------------------------- */

struct ordo_message {
    const char *name;
    const char *correlation_key; /* NULL: "" */
    const char *message_id;      /* NULL: none */
    int64_t ttl_ms;              /* publish: how long it waits for a subscription */
    const json_t *variables;
    const char *actor;
};

/* Publish: delivered to every instance waiting for it now, else buffered
 * until a subscription appears or the TTL ends; a message whose id was
 * seen within the TTL is ignored ('*duplicate' set). Message start events
 * of the newest definitions start instances. '*delivered' counts the
 * instances it reached now. */
enum ordo_code ordo_store_publish(struct ordo_store *st, const struct ordo_message *msg,
                                  int *delivered, bool *duplicate, struct ordo_err *err);

/* Correlate: deliver now or fail; nothing is buffered. Nothing waiting
 * and no message start event: ORDO_E_NOTFOUND. */
enum ordo_code ordo_store_correlate(struct ordo_store *st, const struct ordo_message *msg,
                                    int *delivered, struct ordo_err *err);

/* ---- jobs: the executor's side -------------------------------------------------------------- */

enum ordo_job_kind {
    ORDO_JOB_WORK,        /* a service task's job: run by a handler (CONTRACTS §1 routing) */
    ORDO_JOB_TIMER,       /* an instance's timer is due */
    ORDO_JOB_START_TIMER, /* a timer start event is due: start an instance */
    ORDO_JOB_CALL_DONE,   /* a called instance ended: tell its caller */
    ORDO_JOB_CANCEL,      /* cancel a called instance whose caller went away */
    ORDO_JOB_PUBLISH,     /* publish a message thrown by the process */
    ORDO_JOB_NOTIFY, /* a connector call whose result goes to no instance (core/store_notify.c) */
};

struct ordo_job {
    int64_t key;
    int64_t instance_key; /* 0 for start timers */
    enum ordo_job_kind kind;
    const char *type;        /* work: the job type */
    const char *element_id;  /* the element the job belongs to */
    const char *credential;  /* work: the task's ordo:credential, "" when it names none */
    const json_t *variables; /* work: the input variables (an object) */
    int attempt;             /* 1 for the first attempt */
    int retries;             /* attempts allowed in all */
    int64_t lease_ms;        /* how long this node holds it */
    /* NULL: this node holds it, at 'attempt'. Set for an external worker's
     * outcome (core/extjob.h): the lock owner the row must still have ("":
     * none), at any attempt. */
    const char *holder;
};

/* Take up to 'max' due jobs: engine jobs always, work and notify jobs only of the
 * given types (the installed actions; other types wait for external
 * workers). Work jobs, timers and called instances' results of a
 * suspended instance (core/query.h) wait until it is resumed. Each taken job's attempt counter is
 * raised and committed before this returns, and its lease (due time) pushed 'lease_ms' ahead: if
 * this node dies, another takes it over when the lease ends, and that counts as an attempt
 * (CONTRACTS §10). Jobs are in 'arena'. */
enum ordo_code ordo_store_take_jobs(struct ordo_store *st, const char *const *types, size_t ntypes,
                                    int max, int64_t lease_ms, struct ordo_arena *arena,
                                    struct ordo_job **jobs, size_t *njobs, struct ordo_err *err);

/* A work job's outcome. A job this node no longer holds (its lease ended
 * and another node took it, or the instance moved on) is ORDO_E_CONFLICT
 * and changes nothing. 'retry_in_ms' < 0: the default backoff. */
enum ordo_code ordo_store_job_complete(struct ordo_store *st, const struct ordo_job *job,
                                       const json_t *variables, struct ordo_err *err);
enum ordo_code ordo_store_job_fail(struct ordo_store *st, const struct ordo_job *job,
                                   const char *message, int64_t retry_in_ms, struct ordo_err *err);
enum ordo_code ordo_store_job_error(struct ordo_store *st, const struct ordo_job *job,
                                    const char *error_code, const char *message,
                                    const json_t *variables, struct ordo_err *err);

/* How long until the next job that ordo_store_take_jobs() would take with
 * these types (so not those of suspended instances) is due: '*in_ms' >= 0, or -1 when there is
 * none. */
enum ordo_code ordo_store_next_due(struct ordo_store *st, const char *const *types, size_t ntypes,
                                   int64_t *in_ms, struct ordo_err *err);

/* Push the leases of jobs this node is running 'lease_ms' ahead (CONTRACTS
 * §10: renewed every lease/3 while running). Jobs whose attempt this node
 * no longer holds are left alone. */
enum ordo_code ordo_store_renew_leases(struct ordo_store *st, const int64_t *keys,
                                       const int *attempts, size_t n, int64_t lease_ms,
                                       struct ordo_err *err);

/* Delete buffered messages and remembered message ids a minute after
 * their TTL ended, and idempotency keys after a day (the executor's
 * housekeeping). */
enum ordo_code ordo_store_expire_messages(struct ordo_store *st, struct ordo_err *err);

/* One work job's outcome, for ordo_store_record_outcomes(). */
struct ordo_job_outcome {
    const struct ordo_job *job;
    enum ordo_event_kind kind; /* ORDO_EVENT_JOB_COMPLETE, _JOB_FAIL or _JOB_ERROR */
    const json_t *variables;   /* an object or NULL */
    const char *error_code;    /* JOB_ERROR */
    const char *message;       /* JOB_FAIL, JOB_ERROR */
    int64_t retry_in_ms;       /* JOB_FAIL: < 0 for the default backoff */
    bool final;                /* JOB_FAIL: no more attempts, whatever retries are left */
    bool refund;               /* JOB_FAIL: the attempt did not happen (a wait): not spent */
    enum ordo_code rc;         /* set: ORDO_OK, or why this one was not recorded */
    const char *actor;         /* who reports it in the audit; NULL: this node */
};

/* Record the outcomes of a batch of jobs in one transaction, so a batch
 * costs one commit: instances are locked in key order; an outcome that
 * cannot be recorded (this node no longer holds the attempt: CONFLICT) is
 * skipped with its 'rc' set, and the others are recorded. When the
 * transaction itself fails, each outcome is tried in a transaction of its
 * own, so one bad instance does not lose the others' work. Returns the
 * first 'rc' that is not ORDO_OK, or ORDO_OK. */
enum ordo_code ordo_store_record_outcomes(struct ordo_store *st, struct ordo_job_outcome *outs,
                                          size_t n, struct ordo_err *err);

/* Run an engine job (every kind but ORDO_JOB_WORK). A work job taken with
 * 'attempt' > 'retries' had its last lease expire on a dead node: fail it
 * with ordo_store_job_fail(), which raises the incident, without running
 * it. */
enum ordo_code ordo_store_run_engine_job(struct ordo_store *st, const struct ordo_job *job,
                                         struct ordo_err *err);

/* The default backoff before attempt 'attempt' + 1: 10 s x 2^(attempt-1),
 * capped at 10 min, with up to 10 % jitter (CONTRACTS §10). */
int64_t ordo_store_backoff_ms(int attempt);

/* ---- notify jobs (core/store_notify.c) ------------------------------------------------------ */

/* A 'notify' job is a connector call made for people, not for a process:
 * the Slack approval request of a user task with ordo:notify, its update
 * once decided, an ephemeral refusal (CONTRACTS §14). The executor runs it
 * with the work jobs of the installed types, through the same handlers;
 * its result is never delivered to an instance. Done: the row is deleted
 * (a slack.post_approval's {channel, ts} is kept on its user task,
 * user_task.approval_message). Retry or wait: rescheduled like a work job.
 * Failed, or out of attempts: the row stays with due_at 'infinity' and
 * last_error, and a warning is logged; never an incident. A job that
 * belongs to a user task (elem set) is dropped unrun once the task is no
 * longer open. */
#define ORDO_NOTIFY_RETRIES 5 /* attempts of a notify job: about 2.5 min of backoff in all */

struct ordo_notify_job {
    const char *type;       /* the action id: "slack.post_ephemeral" */
    int64_t instance_key;   /* the instance it concerns (0: none) */
    int64_t elem;           /* the user task's elem it belongs to (0: none) */
    const char *element_id; /* NULL: "" */
    const json_t *input;    /* the action's input, an object */
    const char *credential; /* NULL: the connector's "default" */
};

/* Queue one notify job, in a transaction of its own. */
enum ordo_code ordo_store_notify(struct ordo_store *st, const struct ordo_notify_job *job,
                                 struct ordo_err *err);

/* ordo_store_complete_task() that queues 'job' (may be NULL) in the same
 * transaction: the approval's message update exists exactly when the
 * decision does. */
enum ordo_code ordo_store_complete_task_notify(struct ordo_store *st, int64_t task_key,
                                               const json_t *variables, const char *actor,
                                               const struct ordo_notify_job *job,
                                               struct ordo_err *err);

/* The user task whose approval token hashes to 'hash' (SHA-256 of the
 * token's text). */
struct ordo_approval_task {
    int64_t key, instance_key;
    bool open;              /* state 'created': it still waits for a decision */
    const char *element_id; /* in 'arena' */
    const char *credential; /* its element's ordo:credential, NULL when none; in 'arena' */
};

/* No task has that token: ORDO_E_NOTFOUND. */
enum ordo_code ordo_store_find_approval(struct ordo_store *st, const uint8_t hash[32],
                                        struct ordo_arena *arena, struct ordo_approval_task *out,
                                        struct ordo_err *err);

/* A notify job's outcome ('o->job' a notify job this node took): see above.
 * A job this node no longer holds is ORDO_E_CONFLICT and changes nothing. */
enum ordo_code ordo_store_notify_outcome(struct ordo_store *st, const struct ordo_job_outcome *o,
                                         struct ordo_err *err);

/* Before running a notify job: false (and the row deleted) when it
 * belongs to a user task that is no longer open. */
enum ordo_code ordo_store_notify_live(struct ordo_store *st, const struct ordo_job *job, bool *live,
                                      struct ordo_err *err);

/* The LISTEN/NOTIFY channel told about new due jobs (a hint only). */
#define ORDO_STORE_JOB_CHANNEL "ordo_job"

/* The channel told that something people wait for happened (an instance
 * ended, a user task was created or ended): long polls and streams of the
 * HTTP server look again. A hint only, sent with the commit. */
#define ORDO_STORE_CHANGE_CHANNEL "ordo_change"

#endif
