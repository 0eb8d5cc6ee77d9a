/*
 * core/draft.h - the stored drafts of processes made from requirement
 * text (issue 8): rows of the tables 'draft' and 'draft_event'
 * (core/migrations/0008_drafts.sql), what the REST API reads and writes
 * (server/api_draft.c) and what the draft workers take and finish
 * (server/draft_worker.h). The generator itself stores nothing.
 *
 * Life of a draft:
 *   queued   ordo_draft_create(), or a revision (ordo_draft_revise());
 *   running  a worker took it (ordo_draft_claim()) and holds a session
 *            advisory lock on it on its own connection;
 *   ready    the work left a usable draft; failed: it did not (an error,
 *            violations left after repair, lint errors) or the worker
 *            died (ordo_draft_reap()).
 * 'status' says how the last piece of work ended; 'usable' whether the
 * content there now (IR, XML) can be deployed. Work that produced no IR
 * (a failed LLM call) leaves the content as it was and sets 'error'.
 *
 * Documents (camelCase, keys as decimal strings, RFC 3339 times):
 *   {"key","status","revision","usable","text","systems","allowHttp",
 *    "createdBy" (the actor, "user:alice"),"createdAt","updatedAt",
 *    "provider","model","ir","xml","violations","findings","assumptions",
 *    "questions","unplaced","uses","tokens","timings","layout","rounds",
 *    "error","revisable","revisableReason","history",
 *    "deployment": null | {"definitionKey","hash","revision","deployedBy",
 *                          "deployedAt"},
 *    "transcript" (only when asked for)}
 * List items carry key, status, revision, usable, text, createdBy,
 * createdAt, updatedAt and deployment.
 *
 * 'owner' arguments: 0 reads every draft (admins, viewers); a user key
 * reads only that user's drafts, and another user's draft is
 * ORDO_E_NOTFOUND, as if it did not exist.
 *
 * Codes: ORDO_E_NOTFOUND for an unknown key; ORDO_E_CONFLICT for a change
 * the draft's state refuses (it is queued or running); ORDO_E_UNPROCESSABLE
 * for a revision the draft cannot take (revising in words is off, or there
 * is no IR to revise); database failures as base/pg.h. Outputs are set
 * only on ORDO_OK and are new references the caller owns (JSON) or live
 * in the given arena.
 *
 * Threads: a PGconn per thread, as everywhere.
 */
#ifndef ORDO_CORE_DRAFT_H
#define ORDO_CORE_DRAFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "base/arena.h"
#include "base/err.h"

/* NOTIFY'd when a draft is queued: the draft workers LISTEN to it. */
#define ORDO_DRAFT_CHANNEL "ordo_drafts"

/* ---- the API's side -------------------------------------------------------------------------- */

struct ordo_draft_new {
    int64_t user_key;  /* who asks (the owner) */
    const char *actor; /* "user:alice" */
    const char *text;
    const char *const *systems; /* connector names, or NULL */
    size_t nsystems;
    bool allow_http;
};

/* A new queued draft, revision 1; NOTIFY ORDO_DRAFT_CHANNEL. The caller
 * has checked the text (generator/generate.h limits). */
enum ordo_code ordo_draft_create(PGconn *db, const struct ordo_draft_new *d, int64_t *key,
                                 struct ordo_err *err);

/* One draft's document; with 'transcript' also the LLM transcript. */
enum ordo_code ordo_draft_get(PGconn *db, int64_t key, int64_t owner, bool transcript, json_t **out,
                              struct ordo_err *err);

/* A page of drafts, newest first (CONTRACTS §6): 'limit' and 'after' as
 * core/query.h reads them, 'status' (NULL: all) one of the four states
 * (else ORDO_E_UNPROCESSABLE). */
enum ordo_code ordo_draft_list(PGconn *db, int64_t owner, const char *status, const char *limit,
                               const char *after, json_t **out, struct ordo_err *err);

/* Queue a revision: exactly one of 'instruction' (revise in words: needs
 * an IR and a revisable draft) and 'xml' (a manual edit from the modeler,
 * which the caller has checked is well-formed BPMN). Bumps the revision,
 * which '*revision' gets, and NOTIFYs the workers. */
enum ordo_code ordo_draft_revise(PGconn *db, int64_t key, int64_t owner, const char *instruction,
                                 const char *xml, int *revision, struct ordo_err *err);

/* The events of 'revision' after 'after_seq', in order, at most 'limit':
 * {"items": [{"seq", "event", "data"}], "revision": N, "status": "..."};
 * 'revision' 0 means the draft's current one. */
enum ordo_code ordo_draft_events(PGconn *db, int64_t key, int64_t owner, int revision,
                                 int after_seq, int limit, json_t **out, struct ordo_err *err);

/* What a deploy needs of a draft, in 'arena'. */
struct ordo_draft_deployable {
    int64_t key;
    int revision;
    const char *status;
    bool usable;
    bool allow_http;
    const char *xml;        /* NULL: none yet */
    json_t *uses;           /* owned by the caller; NULL when none */
    const char *process_id; /* of the IR, or NULL */
    /* The last deploy's Idempotency-Key, who sent it, and its answer
     * (owned by the caller), while younger than a day; else NULL. */
    const char *idempotency_key;
    const char *deployed_by;
    json_t *answer;
};
enum ordo_code ordo_draft_deployable(PGconn *db, struct ordo_arena *arena, int64_t key,
                                     int64_t owner, struct ordo_draft_deployable *out,
                                     struct ordo_err *err);

/* After a deploy of 'revision': remember the definition, the hash and the
 * answer (for 'idempotency_key', may be NULL), and write the audit row
 * "draft.deploy" with 'audit' (taken over), in one transaction. */
struct ordo_draft_deployed {
    int64_t key;
    int revision;
    int64_t definition_key;
    const char *hash;
    const char *actor;
    const char *idempotency_key;
    const json_t *answer;
};
enum ordo_code ordo_draft_mark_deployed(PGconn *db, const struct ordo_draft_deployed *d,
                                        json_t *audit, struct ordo_err *err);

/* ---- the workers' side ----------------------------------------------------------------------- */

enum ordo_draft_kind {
    ORDO_DRAFT_KIND_DRAFT,  /* from the text */
    ORDO_DRAFT_KIND_REVISE, /* the IR and an instruction */
    ORDO_DRAFT_KIND_EDIT,   /* a manual edit: XML to lift */
};

/* A taken draft, in the claim's arena. */
struct ordo_draft_job {
    int64_t key;
    int revision;
    enum ordo_draft_kind kind;
    const char *text;
    const char **systems;
    size_t nsystems;
    bool allow_http;
    const char *instruction; /* REVISE */
    const char *xml;         /* EDIT */
    json_t *ir;              /* the IR now (owned by the caller), or NULL */
};

/* Take the oldest queued draft: status 'running', lock_owner 'node', and
 * this session's advisory lock on it, in one transaction. '*found' false:
 * none was queued. The lock stays until ordo_draft_finish() (or the
 * connection ends). */
enum ordo_code ordo_draft_claim(PGconn *db, struct ordo_arena *arena, const char *node,
                                struct ordo_draft_job *job, bool *found, struct ordo_err *err);

/* Record one progress event of the job's revision (seq from 1, the
 * caller's count) and NOTIFY the HTTP servers' waker. */
enum ordo_code ordo_draft_event(PGconn *db, const struct ordo_draft_job *job, int seq,
                                const char *event, const json_t *data, struct ordo_err *err);

/* The end of the job, in one transaction: the outcome (the result object
 * of generator/generate.h, plus "revisable" and "revisableReason" when
 * they change, and "keep": true to leave the content as it was), status
 * 'ready' when "usable" else 'failed', a history entry, the "done" event
 * numbered 'seq' with {"usable","status","error"}, a NOTIFY; then the
 * advisory lock goes. Nothing is written when the draft is no longer this
 * node's job (reaped, revised again): '*kept' false. */
enum ordo_code ordo_draft_finish(PGconn *db, const struct ordo_draft_job *job, const char *node,
                                 int seq, const json_t *outcome, bool *kept, struct ordo_err *err);

/* Fail every running draft whose worker is gone (its advisory lock is
 * free), with the error "the server stopped while drafting" and a "done"
 * event. Must run on a connection that holds no draft lock. '*failed'
 * counts them. */
enum ordo_code ordo_draft_reap(PGconn *db, int *failed, struct ordo_err *err);

/* Delete drafts never deployed whose last change is older than
 * 'retention_ms' (and not queued or running). '*deleted' counts them. */
enum ordo_code ordo_draft_purge(PGconn *db, int64_t retention_ms, int *deleted,
                                struct ordo_err *err);

#endif
