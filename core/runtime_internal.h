/*
 * core/runtime_internal.h - the state of an instance and the step context,
 * shared by the files of the runtime (runtime.c: events; runtime_flow.c:
 * tokens through elements; runtime_scope.c: scopes, loops, errors,
 * cancellation; instance.c: the state's tables; effect.c: effects).
 *
 * The state is a handful of small arrays, kept sorted by key (keys only
 * grow, so appending keeps the order and lookups are binary searches):
 *   elems      element instances: the process itself (the root scope),
 *              sub-processes, loop bodies and iterations, and every element
 *              waiting for something (job, user task, message, timer, child);
 *   subs       armed timers and message subscriptions, owned by an element
 *              instance (a catch event, a receive task, an event-based
 *              gateway, an activity's boundary events, a scope's event
 *              sub-process starts);
 *   joins      tokens parked at parallel and inclusive joins, per scope;
 *   incidents  what stops an element, with the reason.
 * Every scope counts its live children (element instances, parked joins and
 * tokens queued for activation in this step) in 'children'; a container
 * whose count falls to zero completes.
 */
#ifndef ORDO_CORE_RUNTIME_INTERNAL_H
#define ORDO_CORE_RUNTIME_INTERNAL_H

#include "core/runtime.h"

/* What an element instance waits for. */
enum rt_wait {
    RT_W_NONE,     /* being processed in this step */
    RT_W_JOB,      /* its job */
    RT_W_TASK,     /* its user task */
    RT_W_EVENT,    /* a message or timer (catch event, receive task, event-based gateway) */
    RT_W_CALL,     /* its child instance */
    RT_W_SCOPE,    /* its children (process, sub-process, event sub-process, loop body) */
    RT_W_INCIDENT, /* an incident */
};

enum rt_role {
    RT_ROLE_PLAIN,
    RT_ROLE_BODY, /* a loop or multi-instance body: the scope of its iterations */
    RT_ROLE_ITER, /* one iteration */
};

struct rt_elem {
    uint32_t key;
    uint32_t node;
    uint32_t parent;   /* the scope's key; 0 for the process */
    uint32_t children; /* live children, see the top */
    uint8_t wait;      /* enum rt_wait */
    uint8_t role;      /* enum rt_role */
    uint32_t loop;     /* body: iterations started; iteration: its loopCounter (from 1) */
    uint32_t done;     /* body: iterations completed */
    uint32_t total;    /* multi-instance body: iterations in all */
    uint32_t retries;  /* job: retries left */
    json_t *vars;      /* local variables (an object), NULL when none */
    json_t *items;     /* multi-instance body: the input collection */
};

enum rt_sub_kind {
    RT_SUB_TIMER,
    RT_SUB_MESSAGE,
};

struct rt_sub {
    uint32_t key;
    uint32_t node;  /* the event node that triggers */
    uint32_t owner; /* the element instance it belongs to */
    uint8_t kind;   /* enum rt_sub_kind */
    uint32_t fired; /* timer: times fired so far */
    int64_t armed_ms;
    int64_t due_ms;
    char *timer_text; /* a timer from an expression: its value, parsed again when needed */
    char *name;       /* message name */
    char *corr;       /* correlation key, NULL: by name */
};

struct rt_join {
    uint32_t scope;
    uint32_t node;
    uint32_t *counts; /* tokens per incoming flow, in the node's incoming order */
};

enum rt_incident_kind {
    RT_INC_ACTIVATE, /* running the element failed: run it again */
    RT_INC_COMPLETE, /* completing it failed (output mappings, flows): complete it again */
    RT_INC_JOB,      /* the job ran out of retries: create it again */
    RT_INC_ERROR,    /* a BPMN error nobody catches: run the element again */
    RT_INC_DECIDE,   /* a loop body's condition failed: decide again */
};

struct rt_incident {
    uint32_t key;
    uint32_t elem;
    uint8_t kind; /* enum rt_incident_kind */
    char *reason;
    json_t *result; /* RT_INC_COMPLETE: the variables the completion carried */
};

#define RT_ARRAY(type)   \
    struct {             \
        type *v;         \
        uint32_t n, cap; \
    }

struct ordo_instance {
    const struct ordo_graph *graph;
    uint32_t process;
    struct ordo_runtime_options opts;
    const char *zone_name;
    enum ordo_instance_status status;
    bool started;
    uint32_t start_node; /* the start event the instance started from */
    uint32_t next_key;
    uint64_t seq;
    json_t *no_vars;    /* {} for an instance not started */
    json_t *final_vars; /* the process variables once the instance has ended */
    RT_ARRAY(struct rt_elem) elems;
    RT_ARRAY(struct rt_sub) subs;
    RT_ARRAY(struct rt_join) joins;
    RT_ARRAY(struct rt_incident) incidents;
};

/* A token on its way into a node, queued within a step. */
struct rt_token {
    uint32_t node;
    uint32_t scope;
    uint32_t flow;      /* the flow it came along, ORDO_GRAPH_NONE when none */
    bool triggered;     /* an event whose trigger has already happened */
    bool dead;          /* its scope was terminated before it arrived */
    const json_t *vars; /* variables the trigger delivered (borrowed from the step) */
    uint32_t iteration; /* not 0: start iteration number 'iteration' of loop body 'scope' */
};

struct rt_ctx {
    struct ordo_instance *inst;
    const struct ordo_graph *graph;
    struct ordo_step *step;
    int64_t now;
    struct ordo_err *err;
    struct rt_token *queue;
    size_t qhead, qlen;
    size_t qcap;
    uint32_t activations;
    uint32_t max_activations;
    /* Set just before completing an event-based gateway: the token it
     * sends to the winning event carries the trigger's variables. */
    bool trigger_next;
    const json_t *trigger_vars;
    /* Scopes that lost a child or a parked token in this step: only their
     * inclusive joins can have become ready (ordo_rt_joins_settle). */
    uint32_t *touched;
    size_t ntouched, touched_cap;
};

/* Note that 'scope' lost a child (see rt_ctx.touched). */
void ordo_rt_touch(struct rt_ctx *ctx, uint32_t scope);

/* instance.c: the tables. Pointers into them are invalidated by any
 * insertion; code holds keys and looks elements up again. */
struct rt_elem *ordo_rt_elem(struct ordo_instance *inst, uint32_t key);
uint32_t ordo_rt_elem_add(struct ordo_instance *inst, uint32_t node, uint32_t parent,
                          enum rt_role role);
void ordo_rt_elem_remove(struct ordo_instance *inst, uint32_t key);
struct rt_sub *ordo_rt_sub(struct ordo_instance *inst, uint32_t key);
struct rt_sub *ordo_rt_sub_add(struct ordo_instance *inst, uint32_t node, uint32_t owner,
                               enum rt_sub_kind kind);
void ordo_rt_sub_remove(struct ordo_instance *inst, uint32_t key);
struct rt_join *ordo_rt_join(struct ordo_instance *inst, uint32_t scope, uint32_t node, bool create,
                             bool *created);
void ordo_rt_join_remove(struct ordo_instance *inst, uint32_t scope, uint32_t node);
struct rt_incident *ordo_rt_incident(struct ordo_instance *inst, uint32_t key);
struct rt_incident *ordo_rt_incident_of(struct ordo_instance *inst, uint32_t elem);
struct rt_incident *ordo_rt_incident_add(struct ordo_instance *inst, uint32_t elem,
                                         enum rt_incident_kind kind, const char *reason);
void ordo_rt_incident_remove(struct ordo_instance *inst, uint32_t key);
/* A malloc'd copy (aborts when out of memory); NULL stays NULL. */
char *ordo_rt_strdup(const char *s);

/* effect.c */
struct ordo_effect *ordo_rt_emit(struct rt_ctx *ctx, enum ordo_effect_kind kind,
                                 enum ordo_effect_op op, uint32_t node, uint32_t elem);
/* A timer or message effect of subscription 's' (see ordo_effect.node). */
struct ordo_effect *ordo_rt_emit_sub(struct rt_ctx *ctx, enum ordo_effect_kind kind,
                                     enum ordo_effect_op op, const struct rt_sub *s);
/* A reference the step's arena holds until it is reset, for effect values. */
const json_t *ordo_rt_keep(struct rt_ctx *ctx, json_t *value);

/* Variables (runtime_scope.c). */
const json_t *ordo_rt_var_lookup(struct ordo_instance *inst, uint32_t scope, const char *name,
                                 size_t len);
void ordo_rt_var_set_local(struct rt_ctx *ctx, uint32_t elem, const char *name, json_t *value);
void ordo_rt_var_merge(struct rt_ctx *ctx, uint32_t scope, const char *name, json_t *value);
void ordo_rt_vars_merge(struct rt_ctx *ctx, uint32_t scope, const json_t *vars);
enum ordo_code ordo_rt_eval(struct rt_ctx *ctx, const struct ordo_graph_expr *expr, uint32_t scope,
                            const json_t *extra, json_t **out, struct ordo_err *err);
/* A condition: true only for boolean true; a null (or non-boolean) result
 * counts as false and adds a warning naming 'what' "id" (sequence flow "f2"). */
enum ordo_code ordo_rt_eval_bool(struct rt_ctx *ctx, const struct ordo_graph_expr *expr,
                                 const char *what, const char *id, uint32_t scope, bool *out,
                                 struct ordo_err *err);
/* A warning for the step's reader (ordo_step.warnings). */
void ordo_rt_warn(struct rt_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A constant (as a JSON string) or evaluated value: a new reference, NULL
 * when absent. */
enum ordo_code ordo_rt_value_json(struct rt_ctx *ctx, const struct ordo_graph_value *value,
                                  uint32_t scope, json_t **out, struct ordo_err *err);
/* A constant or evaluated value as text in the step arena; NULL when absent
 * or null. Lists come out as JSON text. */
enum ordo_code ordo_rt_value_text(struct rt_ctx *ctx, const struct ordo_graph_value *value,
                                  uint32_t scope, const char **out, struct ordo_err *err);

/* Tokens (runtime_flow.c). */
void ordo_rt_enqueue(struct rt_ctx *ctx, uint32_t node, uint32_t scope, uint32_t flow,
                     bool triggered, const json_t *vars);
void ordo_rt_run(struct rt_ctx *ctx);
/* Count an activation of element 'key' against the step's bound; past it,
 * the element gets an incident and false comes back. */
bool ordo_rt_count_activation(struct rt_ctx *ctx, uint32_t key);
/* A new element instance of 'node' in 'scope' and its ENTER effect. */
uint32_t ordo_rt_enter(struct rt_ctx *ctx, uint32_t node, uint32_t scope, enum rt_role role);
void ordo_rt_run_element(struct rt_ctx *ctx, uint32_t key);
/* Complete element 'key' with the variables its trigger delivered
 * ('result', may be NULL), taking 'flow' (ORDO_GRAPH_NONE: the node's own
 * choice of outgoing flows). */
void ordo_rt_complete(struct rt_ctx *ctx, uint32_t key, const json_t *result, uint32_t flow);
void ordo_rt_take_flows(struct rt_ctx *ctx, uint32_t key, uint32_t node, uint32_t scope);
void ordo_rt_incident_raise(struct rt_ctx *ctx, uint32_t elem, enum rt_incident_kind kind,
                            const char *reason);
void ordo_rt_create_job(struct rt_ctx *ctx, uint32_t key);
/* Arm the timer or message of event 'node' (a receive task: its message)
 * for 'owner'; other events need nothing. All or nothing: on failure what
 * the owner had armed closes again, the owner gets an incident and false
 * comes back. */
bool ordo_rt_arm(struct rt_ctx *ctx, uint32_t owner, uint32_t node, uint32_t eval_scope);
/* Arm the boundary events of activity (or loop body) 'key', the same way. */
bool ordo_rt_arm_boundaries(struct rt_ctx *ctx, uint32_t key);
/* Queue iteration 'i' of loop body 'body' (breadth-first, not recursive). */
void ordo_rt_enqueue_iteration(struct rt_ctx *ctx, uint32_t body, uint32_t i);
void ordo_rt_close_subs(struct rt_ctx *ctx, uint32_t owner);
bool ordo_rt_rearm_timer(struct rt_ctx *ctx, uint32_t sub_key);

/* Scopes, loops, errors, cancellation (runtime_scope.c). */
void ordo_rt_scope_enter(struct rt_ctx *ctx, uint32_t key);
void ordo_rt_child_gone(struct rt_ctx *ctx, uint32_t scope);
/* A terminate end event emptied 'scope': a sub-process completes, the
 * process ends as terminated. */
void ordo_rt_scope_terminated(struct rt_ctx *ctx, uint32_t scope);
/* The process scope 'root' ends: it leaves, and the END effect (returned)
 * carries the status and the final variables. */
struct ordo_effect *ordo_rt_finish(struct rt_ctx *ctx, uint32_t root,
                                   enum ordo_instance_status status, enum ordo_effect_op op);
void ordo_rt_terminate(struct rt_ctx *ctx, uint32_t key);
void ordo_rt_terminate_children(struct rt_ctx *ctx, uint32_t scope);
void ordo_rt_body_enter(struct rt_ctx *ctx, uint32_t key);
void ordo_rt_iteration_start(struct rt_ctx *ctx, uint32_t body, uint32_t i, bool counted);
void ordo_rt_iteration_done(struct rt_ctx *ctx, uint32_t body);
/* After an iteration: start the next, complete the body, or wait. */
void ordo_rt_body_decide(struct rt_ctx *ctx, uint32_t body);
void ordo_rt_throw_error(struct rt_ctx *ctx, uint32_t from, const char *code, const char *message,
                         const json_t *vars);
void ordo_rt_trigger(struct rt_ctx *ctx, uint32_t sub_key, const json_t *vars);
/* Fire one inclusive join that nothing can reach any more; false if none. */
bool ordo_rt_joins_settle(struct rt_ctx *ctx);
void ordo_rt_join_arrive(struct rt_ctx *ctx, uint32_t node, uint32_t scope, uint32_t flow);

#endif
