/*
 * server/draft_worker.h - the threads that make and revise drafts
 * (issue 8, docs/drafts.md): they take queued drafts from the database
 * (core/draft.h), run the pipeline of generator/generate.h on them, record
 * its progress as events and its result in the row.
 *
 * Each thread owns a connection and a listening connection (LISTEN
 * ORDO_DRAFT_CHANNEL, and a poll every second), and its own copy of the
 * catalogue, built from the plugin registry at start. A draft's work:
 *   draft   ordo_generate() on the text, the systems and the opt-in to
 *           http.* actions, with the llm_* configuration;
 *   revise  the same with the draft's IR and the instruction;
 *   edit    a manual edit from the modeler: the XML is parsed and lifted
 *           into the IR (ordo_emit_lift); a lifted IR is validated
 *           against the catalogue and the draft stays revisable; XML that
 *           cannot be lifted is kept as it is, with what it uses read from
 *           the compiled model, and revising in words is turned off with
 *           the reason. Either way it is linted (profile "ordo"), and
 *           usable means: no violation, no lint error, and it compiles.
 * Progress events go to the draft's event table as they come; the "done"
 * event is written in the transaction that records the result, so a
 * client that saw it reads the finished draft.
 *
 * Crash safety: a worker holds an advisory lock on the draft it works
 * (core/draft.h). ordo_draft_workers_start() first fails every running
 * draft whose lock is free (its node died), before any thread starts; the
 * first thread does the same every ORDO_DRAFT_REAP_MS, and deletes
 * undeployed drafts past the retention every ORDO_DRAFT_PURGE_MS (or the
 * retention, when shorter).
 */
#ifndef ORDO_SERVER_DRAFT_WORKER_H
#define ORDO_SERVER_DRAFT_WORKER_H

#include <stdint.h>

#include "base/err.h"
#include "generator/generate.h"

struct ordo_config;
struct ordo_registry;
struct ordo_draft_workers;

#define ORDO_DRAFT_REAP_MS  30000L
#define ORDO_DRAFT_PURGE_MS (10L * 60 * 1000)

struct ordo_draft_workers_options {
    const char *conninfo;
    const char *node;                     /* this node, in lock_owner */
    int threads;                          /* config draft_workers; 0: none start */
    const struct ordo_registry *registry; /* the installed connectors; NULL: none */
    struct ordo_gen_config gen;           /* from the llm_* keys; strings borrowed */
    int64_t retention_ms;                 /* config draft_retention; 0: kept */
};

/* The options from the configuration (draft_workers, draft_retention,
 * llm_*): ORDO_E_INVAL naming a key whose value is refused. conninfo,
 * node and registry are the caller's to set. */
enum ordo_code ordo_draft_workers_config(const struct ordo_config *cfg,
                                         struct ordo_draft_workers_options *opts,
                                         struct ordo_err *err);

/* Fail the abandoned drafts, then start the threads. */
enum ordo_code ordo_draft_workers_start(const struct ordo_draft_workers_options *opts,
                                        struct ordo_draft_workers **out, struct ordo_err *err);

/* Stop them: each finishes the draft it is on (an LLM call ends by its
 * timeout). NULL is a no-op. */
void ordo_draft_workers_stop(struct ordo_draft_workers *w);

#endif
