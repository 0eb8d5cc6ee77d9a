/*
 * core/sim.h - run a process in memory from start to quiescence, with
 * scripted answers: what `ordo run` (CONTRACTS.md §3) and, later,
 * `POST /api/simulate` do.
 *
 * The simulation starts one instance of a process at 'now' with the given
 * variables and runs it until nothing more can happen without an outside
 * event. Jobs are completed as they appear, with the next unused answer
 * for their job type (in the order given), else with {}. A call activity
 * starts a child instance of the process it names, from the same graph;
 * the child's end completes the call. Then each stimulus applies in order,
 * each followed by quiescence: completing the open user task of an
 * element, delivering a message by name (correlation keys ignored), or
 * moving the clock forward and firing every timer that falls due on the
 * way, in due order, each at its own due time.
 *
 * Every effect of every instance reaches the caller's callback in the
 * order it happened, numbered from 1 across the whole run.
 */
#ifndef ORDO_CORE_SIM_H
#define ORDO_CORE_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "base/tz.h"
#include "core/graph.h"
#include "core/runtime.h"

enum ordo_sim_answer_kind {
    ORDO_SIM_JOB_COMPLETE, /* --job TYPE=JSON */
    ORDO_SIM_JOB_ERROR,    /* --job-error TYPE=CODE[:MSG]: a BPMN error */
    ORDO_SIM_JOB_FAIL,     /* --job-fail TYPE=MSG: fails with no retries left */
};

struct ordo_sim_answer {
    enum ordo_sim_answer_kind kind;
    const char *type;
    const json_t *variables; /* COMPLETE (and ERROR's variables); NULL: {} */
    const char *code;        /* ERROR */
    const char *message;     /* ERROR, FAIL */
};

enum ordo_sim_stimulus_kind {
    ORDO_SIM_ANSWER,  /* --answer ELEMENT=JSON */
    ORDO_SIM_MESSAGE, /* --message NAME[=JSON] */
    ORDO_SIM_ADVANCE, /* --advance ISO8601-DURATION */
};

struct ordo_sim_stimulus {
    enum ordo_sim_stimulus_kind kind;
    const char *element;               /* ANSWER */
    const char *name;                  /* MESSAGE */
    const json_t *variables;           /* ANSWER, MESSAGE; NULL: none */
    const struct ordo_timer *duration; /* ADVANCE */
    const char *text;                  /* the flag's value, for messages */
};

struct ordo_sim_input {
    const struct ordo_graph *graph;
    uint32_t process; /* process node */
    int64_t now_ms;
    const json_t *variables; /* NULL: none */
    const struct ordo_sim_answer *answers;
    size_t nanswers;
    const struct ordo_sim_stimulus *stimuli;
    size_t nstimuli;
    struct ordo_runtime_options runtime;
    /* Store and restore every instance after each step through
     * ordo_instance_snapshot()/ordo_instance_restore(), as the server will:
     * the run must not change (a test of the snapshot). */
    bool snapshot_steps;
    /* Called with each warning of a step (ordo_step.warnings); NULL: dropped. */
    void (*warn)(void *ctx, uint32_t instance, const char *message);
};

enum ordo_sim_status {
    ORDO_SIM_COMPLETED,
    ORDO_SIM_WAITING,
    ORDO_SIM_INCIDENT,
};

/* One effect of instance 'instance' (1: the process started; 2 and up:
 * children of call activities, in the order they started), renumbered:
 * 'effect->seq' counts across the whole run. */
typedef void ordo_sim_effect_fn(void *ctx, uint32_t instance, const struct ordo_effect *effect);

struct ordo_sim_result {
    enum ordo_sim_status status;
    json_t *variables; /* the started instance's variables: a new reference */
};

/* Run the simulation. Errors (nothing to answer, no such message, an
 * unknown process, too many timer firings in one --advance) are
 * ORDO_E_INVAL or ORDO_E_UNPROCESSABLE; the effects reported until then
 * stand, and '*out' is not set. */
enum ordo_code ordo_sim_run(const struct ordo_sim_input *in, ordo_sim_effect_fn *fn, void *ctx,
                            struct ordo_sim_result *out, struct ordo_err *err);

/* The process `ordo run` picks without --process: 'id' if given (NOTFOUND
 * otherwise), else the only executable process (UNPROCESSABLE listing the
 * processes when there are none or several). */
enum ordo_code ordo_sim_pick_process(const struct ordo_graph *graph, const char *id, uint32_t *out,
                                     struct ordo_err *err);

#endif
