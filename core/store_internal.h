/*
 * core/store_internal.h - what the store's files share: the connection,
 * the definition cache, and the step (one instance, one event, inside a
 * transaction).
 */
#ifndef ORDO_CORE_STORE_INTERNAL_H
#define ORDO_CORE_STORE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "base/buf.h"
#include "base/pg.h"
#include "bpmn/model.h"
#include "core/store.h"

/* Steps retried after a serialization failure, deadlock or lost connection. */
#define STORE_RETRIES 8

/* The lock owner prefix of jobs an external worker holds (core/extjob.h):
 * "ext:<worker id>". */
#define ORDO_STORE_EXT_OWNER "ext:"

struct ordo_store {
    PGconn *db;
    struct ordo_pg_stmts *stmts; /* the connection's prepared statements */
    char *conninfo;
    char *owner;
    struct ordo_defcache *cache;
    struct ordo_arena *arena; /* reset at the start of every public call */
    /* The transaction's writes, sent with its COMMIT in one round trip. A
     * statement that needs its answer is sent at once instead; it must not
     * depend on a queued write (none does: a step reads before it writes). */
    struct ordo_pg_batch *batch;
    bool begin_pending; /* BEGIN goes out with the transaction's first query */
    /* Instances stepped in this transaction: stepping one again must first
     * send the queued writes, or it would read its old state. */
    int64_t *stepped;
    size_t nstepped, stepped_cap;
    bool notify;  /* this transaction made a job due now: NOTIFY after commit */
    bool changed; /* an instance ended or a user task came or went: NOTIFY the change channel */
    /* Writes sent at once (not queued) in this transaction: a step that made
     * one cannot be skipped by dropping its queued writes alone. */
    unsigned sync_writes;
};

/* A statement of the current transaction that needs its answer (the
 * first one also carries the BEGIN). The result is in st->arena; 'out'
 * may be NULL. */
enum ordo_code ordo_st_query(struct ordo_store *st, const char *what, const char *sql, int nparams,
                             const char *const *params, PGresult **out, struct ordo_err *err);

/* A deployed definition, compiled once per process and shared read-only. */
struct store_def {
    int64_t key;
    const char *process_id;
    int version;
    uint32_t process; /* the process node in 'graph' */
    const struct ordo_graph *graph;
};

/* The compiled definition 'key', loaded on first use. */
enum ordo_code ordo_st_def_get(struct ordo_store *st, int64_t key, const struct store_def **out,
                               struct ordo_err *err);
/* The runtime options every instance of this process runs with. */
const struct ordo_runtime_options *ordo_st_def_runtime(const struct ordo_store *st);

/* A message subscription a step opened. */
struct st_sub {
    const char *name, *correlation_key;
};

/* A call activity that could not start its child, and why. */
struct st_call_fail {
    uint32_t elem;
    const char *why;
};

/* One instance inside the current transaction. */
struct store_step {
    struct ordo_store *st;
    int64_t instance_key;
    int64_t parent_key, parent_elem; /* a called instance's caller, 0 when none */
    const struct store_def *def;
    struct ordo_instance *inst;
    int64_t now_ms; /* the database's clock at the lock */
    const char *actor;
    const char *business_key;    /* a new instance's */
    int64_t retry_in_ms;         /* JOB_FAIL: when the next attempt is due (< 0: backoff) */
    int attempt;                 /* JOB_FAIL: the attempt that failed */
    bool refund;                 /* JOB_FAIL: give the attempt back (it only waited) */
    const char *fail_message;    /* JOB_FAIL: why */
    bool created;                /* the instance row does not exist yet */
    bool suspended;              /* an operator suspended the instance (core/query.h) */
    struct ordo_pg_batch *batch; /* the transaction's (st->batch) */
    size_t batch_mark;           /* its length when the step began */
    struct ordo_buf actions, elements, payloads; /* audit rows as array literals */
    size_t naudit;
    /* Subscriptions opened in this step: buffered messages may wait. */
    struct st_sub *subs;
    size_t nsubs, subs_cap;
    /* Call activities whose process is not deployed: each becomes an
     * ORDO_EVENT_CALL_FAIL (an incident) once the effects are written. */
    struct st_call_fail *fails;
    size_t nfails, fails_cap;
};

/* Fills the event once the instance is locked (it may look up rows, and
 * refuse with an error code, which rolls the transaction back). */
typedef enum ordo_code store_event_fn(struct store_step *s, struct ordo_event *ev, void *ctx,
                                      struct ordo_err *err);

/* Lock instance 'key', apply the event 'fn' makes, write everything, in
 * the current transaction (no BEGIN or COMMIT here). */
enum ordo_code ordo_st_step_locked(struct ordo_store *st, int64_t key, const char *actor,
                                   store_event_fn *fn, void *ctx, struct ordo_err *err);

/* Create and start an instance of 'def' at 'start_node' (ORDO_GRAPH_NONE:
 * the none start) in the current transaction. 'key' comes from the key
 * sequence. */
struct store_new {
    const struct store_def *def;
    int64_t key;
    uint32_t start_node;
    const json_t *variables;
    const char *business_key;
    const char *actor;
    int64_t parent_key, parent_elem;
    int64_t now_ms; /* the database's clock, read by the caller's lookup */
};
enum ordo_code ordo_st_start_locked(struct ordo_store *st, const struct store_new *req,
                                    struct ordo_err *err);

/* Run 'fn' in a transaction of its own: BEGIN, fn, COMMIT, NOTIFY when a
 * job became due, with retries (and a new connection when it broke) on
 * ORDO_E_AGAIN. */
typedef enum ordo_code store_tx_fn(struct ordo_store *st, void *ctx, struct ordo_err *err);
enum ordo_code ordo_st_tx(struct ordo_store *st, store_tx_fn *fn, void *ctx, struct ordo_err *err);

/* Effects -> rows (store_effect.c): everything one applied step wrote. */
enum ordo_code ordo_st_write_effects(struct store_step *s, const struct ordo_step *step,
                                     struct ordo_err *err);

/* A user task with ordo:notify was created (effect 'e', its instance and
 * elem as text): mint its approval token and queue its Slack approval
 * request, in the step's transaction (store_notify.c). No-op without
 * ordo:notify. */
void ordo_st_notify_task(struct store_step *s, const struct ordo_effect *e, const char *instance,
                         const char *elem);

/* Queue a notify job in the current transaction (store_notify.c). */
void ordo_st_notify_queue(struct ordo_store *st, const struct ordo_notify_job *job);

/* Outbound webhook events (store_outbox.c), queued in the step's batch:
 * the instance started, and what an effect means to subscribers (a user
 * task created or completed, an incident opened or resolved, the end);
 * other effects are ignored. */
void ordo_st_outbox_started(struct store_step *s);
void ordo_st_outbox_effect(struct store_step *s, const struct ordo_effect *e);

/* The audit rows of a step that changes no instance ("definition.deployed"). */
void ordo_st_audit_one(struct ordo_store *st, struct ordo_pg_batch *batch, int64_t time_ms,
                       const char *actor, const char *action, int64_t instance_key,
                       const char *element_id, const char *payload);

/* Messages that waited for a subscription this step opened (store_message.c). */
enum ordo_code ordo_st_deliver_buffered(struct store_step *s, struct ordo_err *err);

/* A message thrown by a process, from its engine job's payload. */
enum ordo_code ordo_st_publish_payload(struct ordo_store *st, const json_t *payload,
                                       struct ordo_err *err);

/* Does the instance wait for message (name, correlation key) now? */
bool ordo_st_waits_for(const struct store_step *s, const char *name, const char *corr);

/* Apply a buffered message (its variables as JSON text) to the step's instance. */
enum ordo_code ordo_st_apply_message(struct store_step *s, const char *name, const char *corr,
                                     const char *payload, struct ordo_err *err);

/* Decimal text of an int64 in 'arena'. */
const char *ordo_st_i64(struct ordo_arena *arena, int64_t v);

#endif
