/*
 * core/runtime.h - the engine: one process instance as a pure state machine.
 *
 *     (graph, state, event) -> (state', effects)
 *
 * ordo_runtime_apply() takes an instance's state and one event (start, job
 * completed/failed/errored, user task completed, message, timer fired,
 * child completed, incident resolved, cancel), moves tokens until nothing
 * more can happen without another outside event (quiescence), and reports
 * what happened as effects: elements entered and left, jobs, user tasks,
 * timers and message subscriptions opened and closed, variables set,
 * incidents raised, the end. It does no I/O, takes no locks, reads no
 * clock (the time is in the event) and calls nothing outside bpmn/ and
 * base/. The same code runs `ordo run`, the tests, the benchmarks and,
 * persisted, the server, which writes each step's effects in one
 * transaction.
 *
 * Semantics are token-based, per BPMN 2.0, with Camunda 8's choices where
 * BPMN leaves room (see docs/engine.md): FIFO order of activations within
 * a step; a parallel join fires when every incoming flow has a token; an
 * inclusive join fires when no token that can still reach it remains in
 * its scope; an exclusive gateway with no true condition and no default is
 * an incident; a BPMN error is caught by the nearest matching error
 * boundary or error event sub-process (an exact code before a catch-all),
 * else it is an incident; variables set by jobs, tasks and messages merge
 * into the innermost scope that has them, else the process scope, unless
 * output mappings say otherwise.
 *
 * Errors: a bad event (unknown key, a job that is not waiting, a finished
 * instance) returns ORDO_E_NOTFOUND or ORDO_E_CONFLICT and changes nothing.
 * Problems of the process itself (an expression that fails, no flow to
 * take, an unhandled error, a job out of retries) are not errors of the
 * call: they become incidents, which are effects and part of the state.
 *
 * Keys: every element instance, job, user task, timer, message subscription
 * and incident of an instance gets a key from one counter, unique within the
 * instance and never reused (the server pairs it with the instance key).
 * A job's key is its element instance's key and stays the same across
 * retries, so it serves as the idempotency key (CONTRACTS §10).
 *
 * Threads: an instance is used by one thread at a time; graphs are shared.
 */
#ifndef ORDO_CORE_RUNTIME_H
#define ORDO_CORE_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/tz.h"
#include "core/graph.h"

struct ordo_instance; /* opaque: the state of one instance */

enum ordo_instance_status {
    ORDO_INSTANCE_ACTIVE,     /* waiting for an outside event (or stuck on an incident) */
    ORDO_INSTANCE_COMPLETED,  /* the process scope completed */
    ORDO_INSTANCE_TERMINATED, /* a terminate end event in the process scope */
    ORDO_INSTANCE_CANCELED,   /* cancelled from outside */
    ORDO_INSTANCE_ERROR,      /* called instance: a BPMN error it did not catch, for its caller */
};

/* The outside world's events. Fields not named for a kind are ignored. */
enum ordo_event_kind {
    ORDO_EVENT_START,         /* start_node (ORDO_GRAPH_NONE: the none start), variables */
    ORDO_EVENT_JOB_COMPLETE,  /* key: the job; variables: its result */
    ORDO_EVENT_JOB_FAIL,      /* key; retries: what is left (0: incident); message */
    ORDO_EVENT_JOB_ERROR,     /* key; error_code, message, variables: a BPMN error */
    ORDO_EVENT_TASK_COMPLETE, /* key: the user task; variables */
    ORDO_EVENT_MESSAGE,       /* name, correlation_key (NULL: by name only), variables */
    ORDO_EVENT_TIMER,         /* key: the timer (its due time has come) */
    ORDO_EVENT_CALL_COMPLETE, /* key: the call activity's element; variables: the child's */
    ORDO_EVENT_CALL_ERROR,    /* key: the call activity's element; error_code, message */
    ORDO_EVENT_CALL_FAIL,     /* key: the call activity's element; message: the child could
                                 not start (its process is not deployed): an incident */
    ORDO_EVENT_RESOLVE,       /* key: an incident; variables set before the retry */
    ORDO_EVENT_CANCEL,
    ORDO_EVENT_SET_VARIABLES, /* variables: merged into the process scope, as a resolve sets
                                 them (an operator's edit); no token moves */
};

struct ordo_event {
    enum ordo_event_kind kind;
    int64_t time_ms; /* the event's time: the runtime's only clock */
    uint32_t key;
    uint32_t start_node;
    uint32_t retries;
    const json_t *variables; /* an object or NULL; borrowed */
    const char *name;
    const char *correlation_key;
    const char *error_code;
    const char *message;
};

/* What a step did. One record per fact, in the order it happened. */
#define ORDO_EFFECT_KIND_MAP(X)                                                          \
    X(ENTER, "enter")       /* an element instance was activated */                      \
    X(LEAVE, "leave")       /* ... completed, or terminated (op) */                      \
    X(JOB, "job")           /* created, completed, failed, error, canceled */            \
    X(TASK, "task")         /* user task created, completed, canceled */                 \
    X(MESSAGE, "message")   /* subscribed, correlated, closed, published */              \
    X(TIMER, "timer")       /* scheduled, fired, canceled */                             \
    X(CALL, "call")         /* a child to start (created), completed, error, canceled */ \
    X(VAR, "var")           /* a variable set (text: name, value) */                     \
    X(INCIDENT, "incident") /* raised (text: reason), resolved */                        \
    X(END, "end")           /* the instance completed, terminated or was canceled */

#define ORDO_EFFECT_OP_MAP(X)   \
    X(NONE, NULL)               \
    X(CREATED, "created")       \
    X(COMPLETED, "completed")   \
    X(TERMINATED, "terminated") \
    X(CANCELED, "canceled")     \
    X(FAILED, "failed")         \
    X(ERROR, "error")           \
    X(SUBSCRIBED, "subscribed") \
    X(CORRELATED, "correlated") \
    X(CLOSED, "closed")         \
    X(PUBLISHED, "published")   \
    X(SCHEDULED, "scheduled")   \
    X(FIRED, "fired")           \
    X(SET, "set")               \
    X(RAISED, "raised")         \
    X(RESOLVED, "resolved")

/* clang-format off */
enum ordo_effect_kind {
#define X(e, s) ORDO_EFFECT_##e,
    ORDO_EFFECT_KIND_MAP(X)
#undef X
};

enum ordo_effect_op {
#define X(e, s) ORDO_OP_##e,
    ORDO_EFFECT_OP_MAP(X)
#undef X
};
/* clang-format on */

struct ordo_effect {
    uint64_t seq; /* per instance, from 1, never reused */
    int64_t time_ms;
    enum ordo_effect_kind kind;
    enum ordo_effect_op op;
    /* The graph node of the element instance concerned, ORDO_GRAPH_NONE
     * when none. Only elements that were entered appear here (CONTRACTS
     * §3): a timer or message armed for a boundary event, an event after an
     * event-based gateway or an event sub-process's start names the element
     * that armed it (the host activity, the gateway, the scope), and the
     * event itself goes in 'trigger'. */
    uint32_t node;
    uint32_t trigger;     /* TIMER, MESSAGE: the event node when not 'node'; else NONE */
    uint32_t element_key; /* the element instance concerned, 0 when none */
    uint32_t key;         /* job, task, timer, subscription, incident or call key; 0 */
    uint32_t scope_key;   /* VAR: the scope set; ENTER: the parent scope */
    uint32_t retries;     /* JOB created/failed: retries left */
    int64_t due_ms;       /* TIMER scheduled: due time; TASK: due date (0: none) */
    /* JOB: job type; TASK: assignee; MESSAGE: name; VAR: variable name;
     * INCIDENT: reason; CALL: the process id to start; END: status. */
    const char *text;
    /* MESSAGE: correlation key; JOB error: error code; TASK created: the
     * candidates as JSON object text {"users":[...],"groups":[...]} (either
     * member absent when the element names none; NULL when it names
     * neither); LEAVE/ENTER: loop role ("body") */
    const char *text2;
    /* VAR: the value; JOB created: input variables (NULL: the worker sees
     * the scope's); JOB completed, TASK completed, MESSAGE correlated:
     * the variables delivered; CALL created: the child's variables;
     * END: the process variables. Borrowed, valid until the step's arena
     * is reset. */
    const json_t *value;
};

/* Effects of one step, in the step's arena. */
struct ordo_step {
    struct ordo_arena *arena; /* the caller's; reset between steps */
    struct ordo_effect *effects;
    size_t neffects;
    size_t cap;
    /* Bound on activations in one step, so that a loop without a wait
     * state becomes an incident, not a hang. 0: 100,000. */
    uint32_t max_activations;
    /* Warnings for the person running the process, not facts for the
     * audit: a condition that evaluated to null (counted as false, as FEEL
     * says). Strings in the arena. */
    const char **warnings;
    size_t nwarnings, warnings_cap;
};

struct ordo_runtime_options {
    const struct ordo_tz *zone;            /* timers, today(); NULL: UTC */
    const struct ordo_feel_limits *limits; /* NULL: defaults */
    /* The instance was started by a call activity: a BPMN error that
     * nothing in it catches ends it with status ORDO_INSTANCE_ERROR (END
     * effect "error", text2 the code), and the host delivers
     * ORDO_EVENT_CALL_ERROR to the caller, which looks for a catcher from
     * its call activity outwards. */
    bool called;
};

/* A new instance of process node 'process' of 'graph' (which must outlive
 * it), not yet started: apply an ORDO_EVENT_START next. 'opts' may be NULL
 * and is copied. */
struct ordo_instance *ordo_instance_new(const struct ordo_graph *graph, uint32_t process,
                                        const struct ordo_runtime_options *opts);
void ordo_instance_free(struct ordo_instance *inst); /* NULL is a no-op */

/* Apply one event and run to quiescence, appending effects to 'step'. */
enum ordo_code ordo_runtime_apply(struct ordo_instance *inst, const struct ordo_event *ev,
                                  struct ordo_step *step, struct ordo_err *err);

enum ordo_instance_status ordo_instance_status(const struct ordo_instance *inst);

/* The process scope's variables (an object; borrowed, valid until the next
 * apply). */
const json_t *ordo_instance_variables(const struct ordo_instance *inst);

/* What an instance waits for, for hosts that drive it (ordo run, tests,
 * the benchmark) and for views. */
enum ordo_wait_kind {
    ORDO_WAIT_JOB,
    ORDO_WAIT_TASK,
    ORDO_WAIT_TIMER,
    ORDO_WAIT_MESSAGE,
    ORDO_WAIT_CALL,
    ORDO_WAIT_INCIDENT,
};

struct ordo_wait {
    enum ordo_wait_kind kind;
    uint32_t key;         /* what an event names */
    uint32_t node;        /* the element waiting (a timer's or message's event node) */
    uint32_t element_key; /* its element instance, 0 for event sub-process starts */
    int64_t due_ms;       /* timers */
    const char *text;     /* job type, message name, incident reason, called process */
    const char *text2;    /* message correlation key */
};

/* An element instance that is active now. */
struct ordo_active_element {
    uint32_t key;    /* the element instance */
    uint32_t node;   /* its graph node */
    uint32_t parent; /* the scope's element instance; 0 for the process itself */
};

/* Every active element instance in 'arena', in key order: the process
 * itself first, then sub-processes, loop bodies and iterations, and the
 * elements that wait (for a job, a user task, a message or timer, a child,
 * an incident). */
size_t ordo_instance_elements(const struct ordo_instance *inst, struct ordo_arena *arena,
                              const struct ordo_active_element **out);

/* Every wait in 'arena': jobs, tasks, timers, messages and calls in key
 * order (oldest first), then the incidents in key order. */
size_t ordo_instance_waits(const struct ordo_instance *inst, struct ordo_arena *arena,
                           const struct ordo_wait **out);

/* The earliest due timer: true and '*wait' filled, or false when no timer
 * is armed. Ties go to the lower key. */
bool ordo_instance_next_timer(const struct ordo_instance *inst, struct ordo_wait *wait);

/* The instance's state as a JSON document (a new reference): what the
 * store keeps between steps. Nodes are named by element id. */
json_t *ordo_instance_snapshot(const struct ordo_instance *inst);

/* The instance a snapshot describes, against 'graph' (the same definition,
 * compiled again). Everything the runtime relies on is checked: a
 * malformed snapshot, or one that names elements 'graph' lacks, is
 * ORDO_E_INVAL and '*out' is not set. Options are as ordo_instance_new's. */
enum ordo_code ordo_instance_restore(const struct ordo_graph *graph, const json_t *snapshot,
                                     const struct ordo_runtime_options *opts,
                                     struct ordo_instance **out, struct ordo_err *err);

/* Names of effect kinds and ops ("enter", "created"); NULL for ORDO_OP_NONE. */
const char *ordo_effect_kind_name(enum ordo_effect_kind kind);
const char *ordo_effect_op_name(enum ordo_effect_op op);

/* Append the effect as one JSON object (no newline) to 'out': the record of
 * `ordo run --trace json` (CONTRACTS §3) and the audit payload:
 * {"seq":N,"time":"...","event":"enter","element":"ID","type":"bpmn:...",...}.
 * Keys are written as decimal strings. */
void ordo_effect_json(const struct ordo_graph *graph, const struct ordo_effect *effect,
                      struct ordo_buf *out);

#endif
