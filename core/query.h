/*
 * core/query.h - what the operator API reads, and the small writes it
 * makes beside the engine's steps: definitions, instances, user tasks,
 * incidents, jobs and the audit log, as JSON documents shaped for the REST
 * API (CONTRACTS §1, §6, §7), which renders them as response bodies.
 *
 * Documents: keys (int64) are decimal strings; times are RFC 3339 UTC
 * with milliseconds ("2026-11-26T06:40:07.123Z"), null when unset; field
 * names are camelCase (definitionKey, processId, businessKey, elementId,
 * createdAt, endedAt ...). Every function that answers JSON sets '*out'
 * to a new reference, which the caller owns, and only on ORDO_OK.
 *
 * Lists (CONTRACTS §6): {"items":[...],"next":"<cursor>"|null}, newest
 * first (by key; the audit by seq). 'limit' and 'after' are the query
 * parameters as text, NULL when absent: limit defaults to 50 and must be
 * 1..500 (else ORDO_E_UNPROCESSABLE; not a number: ORDO_E_INVAL); 'after'
 * is the "next" of the page before (the last item's key), and a cursor
 * that is not one is ORDO_E_INVAL. "next" is null on the last page. Key
 * filters are decimal text too (malformed: ORDO_E_INVAL); a filter value
 * outside its field's values (a state) is ORDO_E_UNPROCESSABLE. Filters
 * are named after the fields they match.
 *
 * Writes are transactions of their own, each with an audit row naming the
 * actor ("user:alice"): definition.suspended/.resumed,
 * instance.suspended/.resumed, variables.set, task.claimed/.unclaimed.
 * Suspending or resuming what already is so, claiming a task one already
 * holds and unclaiming an unassigned task change nothing and write no
 * audit row. Permissions (CONTRACTS §7 roles) are the caller's business;
 * ordo_task_permits() is the task rule that goes with them.
 *
 * Codes: ORDO_E_NOTFOUND for an unknown key, ORDO_E_CONFLICT for a write
 * the state refuses (an ended instance, a task no longer open, a task of
 * a suspended instance, a task held by someone else), database failures
 * as the store's (ORDO_E_INTERNAL, ORDO_E_AGAIN after its retries).
 *
 * Threads: as the store's: one struct ordo_store per thread.
 */
#ifndef ORDO_CORE_QUERY_H
#define ORDO_CORE_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "core/store.h"

#define ORDO_QUERY_DEFAULT_LIMIT 50
#define ORDO_QUERY_MAX_LIMIT     500

/* The 'limit' query parameter of a list (CONTRACTS §6): NULL is the
 * default; else decimal digits (ORDO_E_INVAL) within 1 and
 * ORDO_QUERY_MAX_LIMIT (ORDO_E_UNPROCESSABLE). */
enum ordo_code ordo_query_limit(const char *text, int *out, struct ordo_err *err);
/* Keys one ordo_query_cancel_instances() call takes at most. */
#define ORDO_QUERY_MAX_BULK 500

/* A key as decimal text ("42"): '*key' > 0, or ORDO_E_INVAL naming 'what'
 * ("instance key"). For path parameters. */
enum ordo_code ordo_query_parse_key(const char *text, const char *what, int64_t *key,
                                    struct ordo_err *err);

/* ---- definitions ---------------------------------------------------------------------------- */

struct ordo_definition_query {
    const char *process_id; /* NULL: every process */
    bool latest;            /* only the newest version of each process */
    const char *limit, *after;
};

/* Items: {key, processId, version, name, resource, deployedBy, deployedAt,
 * suspended}. */
enum ordo_code ordo_query_list_definitions(struct ordo_store *st,
                                           const struct ordo_definition_query *q, json_t **out,
                                           struct ordo_err *err);

/* Every version of 'process_id', newest first, as a list (paged like the
 * others); a process never deployed is ORDO_E_NOTFOUND. */
enum ordo_code ordo_query_list_versions(struct ordo_store *st, const char *process_id,
                                        const char *limit, const char *after, json_t **out,
                                        struct ordo_err *err);

/* One definition: the list's fields and findings (the deploy's findings,
 * an array). */
enum ordo_code ordo_query_get_definition(struct ordo_store *st, int64_t key, json_t **out,
                                         struct ordo_err *err);

/* The BPMN XML as deployed, in 'arena' (NUL-terminated; '*len' bytes). */
enum ordo_code ordo_query_get_definition_xml(struct ordo_store *st, int64_t key,
                                             struct ordo_arena *arena, const char **xml,
                                             size_t *len, struct ordo_err *err);

/* Suspend ('suspend' true) or resume a definition: a suspended one starts
 * no instance (ordo_store_start answers ORDO_E_CONFLICT; its timer and
 * message start events start nothing); running instances go on. */
enum ordo_code ordo_query_suspend_definition(struct ordo_store *st, int64_t key, bool suspend,
                                             const char *actor, struct ordo_err *err);

/* ---- instances ------------------------------------------------------------------------------ */

struct ordo_instance_query {
    const char *process_id;
    const char *definition_key;
    const char *state; /* active, completed, terminated, canceled, error */
    const char *business_key;
    const char *limit, *after;
};

/* Items: {key, processId, definitionKey, version, businessKey, state,
 * suspended, parentKey, createdAt, endedAt}. */
enum ordo_code ordo_query_list_instances(struct ordo_store *st, const struct ordo_instance_query *q,
                                         json_t **out, struct ordo_err *err);

/* One instance: the list's fields and
 *   variables       the process scope's (the final ones once it ended);
 *   activeElements  [{elementId, type, elementKey}]: the element instances
 *                   active now, the process itself left out;
 *   history         its audit rows, oldest first: [{seq, time, actor,
 *                   action, elementId, payload}], the newest
 *                   ORDO_QUERY_MAX_HISTORY of them, and historyTruncated
 *                   (true when older rows were left out);
 *   incidents       the open ones (items as ordo_query_list_incidents);
 *   tasks           the open user tasks (items as ordo_query_list_tasks);
 *   jobs            its pending jobs (items as ordo_query_list_jobs), work
 *                   jobs of types no handler runs included: they wait for
 *                   external workers (CONTRACTS §1). */
#define ORDO_QUERY_MAX_HISTORY 500
enum ordo_code ordo_query_get_instance(struct ordo_store *st, int64_t key, json_t **out,
                                       struct ordo_err *err);

/* Suspend or resume an active instance (ended: ORDO_E_CONFLICT). While it
 * is suspended executors take none of its work jobs, timers and called
 * instances' results (they wait, and are due when it is resumed), and its
 * user tasks can be neither completed nor claimed (ORDO_E_CONFLICT). It
 * can still be cancelled; messages still reach it. */
enum ordo_code ordo_query_suspend_instance(struct ordo_store *st, int64_t key, bool suspend,
                                           const char *actor, struct ordo_err *err);

/* Set variables (an object) in the process scope of an active instance:
 * one step like any other (the instance row locked, the snapshot saved, a
 * "variables.set" audit row with the values). A name with dots sets a
 * path inside an object variable, as output mappings do. Not an object:
 * ORDO_E_INVAL. */
enum ordo_code ordo_query_set_variables(struct ordo_store *st, int64_t key, const json_t *variables,
                                        const char *actor, struct ordo_err *err);

/* Cancel up to ORDO_QUERY_MAX_BULK instances, each in a transaction of its
 * own: '*out' is {"items":[{"key":"42","result":"ok"|"notfound"|
 * "conflict","message":"..."|null}]}, in the order given. A failure of
 * the database stops the run and is the call's error. More keys than
 * allowed: ORDO_E_UNPROCESSABLE. */
enum ordo_code ordo_query_cancel_instances(struct ordo_store *st, const int64_t *keys, size_t n,
                                           const char *actor, json_t **out, struct ordo_err *err);

/* ---- user tasks ----------------------------------------------------------------------------- */

/* Who asks (CONTRACTS §7): a user's login, email and group names. */
struct ordo_task_person {
    const char *login; /* may be NULL */
    const char *email; /* may be NULL */
    const char *const *groups;
    size_t ngroups;
};

struct ordo_task_query {
    const char *state; /* NULL or "open": created (open) tasks; "created", "completed",
                          "canceled", "all" */
    const char *instance_key;
    const char *assignee;        /* login or email, case-insensitive */
    const char *candidate_group; /* a group name */
    /* Only the tasks this person may act on (ordo_task_permits). NULL:
     * everyone's. */
    const struct ordo_task_person *for_user;
    const char *limit, *after;
};

/* Items: {key, instanceKey, processId, elementId, name, assignee,
 * candidateUsers, candidateGroups (arrays, [] when none), state
 * (created, completed, canceled), dueAt, createdAt, endedAt,
 * completedBy}. */
enum ordo_code ordo_query_list_tasks(struct ordo_store *st, const struct ordo_task_query *q,
                                     json_t **out, struct ordo_err *err);

/* One task: the list's fields, definitionKey, and form: its element's
 * ordo:form (CONTRACTS §11) parsed, or null. */
enum ordo_code ordo_query_get_task(struct ordo_store *st, int64_t key, json_t **out,
                                   struct ordo_err *err);

/* Claim an open task for 'login' (its assignee becomes 'login'). A task
 * assigned to someone else (login compared case-insensitively) is
 * ORDO_E_CONFLICT unless 'force'. */
enum ordo_code ordo_query_claim_task(struct ordo_store *st, int64_t key, const char *login,
                                     bool force, const char *actor, struct ordo_err *err);

/* Take the assignee off an open task. */
enum ordo_code ordo_query_unclaim_task(struct ordo_store *st, int64_t key, const char *actor,
                                       struct ordo_err *err);

/* CONTRACTS §7 for one task (a document of ordo_query_get_task or a list
 * item): true when the person is its assignee or a candidate user (login
 * or email, case-insensitive), is in one of its candidate groups (names
 * compared exactly), or the task names none of the three. The approver
 * (or admin) role is checked by the caller. Pure; NULL login or email
 * match nothing. */
bool ordo_task_permits(const json_t *task, const char *login, const char *email,
                       const char *const *groups, size_t ngroups);

/* ---- incidents, jobs, audit ----------------------------------------------------------------- */

struct ordo_incident_query {
    const char *state; /* NULL: "open"; "resolved", "all" */
    const char *instance_key;
    const char *limit, *after;
};

/* Items: {key, instanceKey, processId, elementId, reason, jobKey, state,
 * createdAt, resolvedAt}. */
enum ordo_code ordo_query_list_incidents(struct ordo_store *st, const struct ordo_incident_query *q,
                                         json_t **out, struct ordo_err *err);

struct ordo_job_query {
    const char *instance_key;
    const char *type; /* a work job type */
    const char *limit, *after;
};

/* Pending jobs. Items: {key, instanceKey, kind (work, timer, start_timer,
 * call_done, cancel, publish, notify), type, elementId, dueAt (null: it waits for
 * an incident to be resolved), retries, attempts, lockOwner, lastError,
 * createdAt}. */
enum ordo_code ordo_query_list_jobs(struct ordo_store *st, const struct ordo_job_query *q,
                                    json_t **out, struct ordo_err *err);

struct ordo_audit_query {
    const char *instance_key;
    const char *actor;
    const char *from, *to; /* RFC 3339: rows at or after 'from', before 'to' */
    const char *limit, *after;
};

/* Audit rows, newest first, paged by seq. Items: {seq, time, actor,
 * action, instanceKey, elementId, payload (the JSON the row holds)}. A
 * malformed time: ORDO_E_INVAL. */
enum ordo_code ordo_query_list_audit(struct ordo_store *st, const struct ordo_audit_query *q,
                                     json_t **out, struct ordo_err *err);

/* The audit log as a tail (GET /api/events): rows after 'cursor' ("TX.SEQ",
 * as a previous call answered; NULL: only rows that commit from now on)
 * whose transaction has finished, in chain order (tx, seq), at most
 * 'limit' (1..500), optionally of one instance. Rows of a transaction that
 * is still running are held back until it ends, so a tail never skips a
 * row that commits late. '*out': {"items":[audit items as
 * ordo_query_list_audit's], "cursor":"TX.SEQ"}, the cursor to continue
 * from. A malformed cursor: ORDO_E_INVAL. */
enum ordo_code ordo_query_audit_tail(struct ordo_store *st, const char *cursor,
                                     const char *instance_key, int limit, json_t **out,
                                     struct ordo_err *err);

#endif
