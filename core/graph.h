/*
 * core/graph.h - BPMN processes compiled for execution.
 *
 * ordo_graph_compile() turns an indexed model (bpmn/model.h) into a graph:
 * flat arrays of nodes and flows, indexed by uint32_t, with every
 * expression compiled (FEEL, or JUEL translated to FEEL), every timer
 * definition parsed where it is constant, and every extension the engine
 * needs (zeebe:, camunda:, ordo:, CONTRACTS.md §2) resolved into plain
 * fields. The runtime (core/runtime.h) reads nothing else: no XML, no
 * attribute lookups, no string compares on the hot path.
 *
 * One graph holds every process of one file, so a call activity can start
 * a process of the same file. Containers (processes, sub-processes, event
 * sub-processes) are nodes too; every flow node names its container in
 * 'scope'.
 *
 * What compiles is what Ordo can run. Anything else is refused with
 * ORDO_E_UNPROCESSABLE and one finding per problem, each naming the
 * element (its id, or its kind and line when it has none) and the reason:
 * unsupported elements (business-rule and script tasks, complex gateways,
 * transactions, ad-hoc sub-processes, signal/escalation/compensation/
 * conditional/link/cancel events, choreographies), Java delegates and
 * expressions (camunda:class, delegateExpression, expression), script
 * listeners, DMN, expressions that do not compile, duplicate ids, flows
 * that do not resolve. Modelling style (labels, DI, layout) is never a
 * reason: that is lint's business (bpmn/lint.h).
 *
 * A graph is immutable once compiled and may be shared by threads; it owns
 * an arena and lives until ordo_graph_free().
 */
#ifndef ORDO_CORE_GRAPH_H
#define ORDO_CORE_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "bpmn/feel.h"
#include "bpmn/model.h"
#include "bpmn/timer.h"

#define ORDO_GRAPH_NONE UINT32_MAX /* "no node", "no flow" */

/* What a node does when a token reaches it. */
enum ordo_graph_kind {
    ORDO_GRAPH_PROCESS,           /* a process: the root container */
    ORDO_GRAPH_START_EVENT,       /* none, message or timer start */
    ORDO_GRAPH_END_EVENT,         /* none, message, error or terminate */
    ORDO_GRAPH_CATCH_EVENT,       /* intermediate catch: timer or message */
    ORDO_GRAPH_THROW_EVENT,       /* intermediate throw: none or message */
    ORDO_GRAPH_BOUNDARY_EVENT,    /* timer, message or error on an activity */
    ORDO_GRAPH_TASK,              /* none-type and manual tasks: pass through */
    ORDO_GRAPH_JOB_TASK,          /* service and send tasks: a job */
    ORDO_GRAPH_USER_TASK,         /* waits for a person */
    ORDO_GRAPH_RECEIVE_TASK,      /* waits for a message */
    ORDO_GRAPH_EXCLUSIVE_GATEWAY, /* first true condition, else default */
    ORDO_GRAPH_PARALLEL_GATEWAY,  /* fork all; join waits for every incoming flow */
    ORDO_GRAPH_INCLUSIVE_GATEWAY, /* fork on conditions; join waits for what can still come */
    ORDO_GRAPH_EVENT_GATEWAY,     /* the first of its events wins */
    ORDO_GRAPH_SUB_PROCESS,       /* embedded sub-process: its own scope */
    ORDO_GRAPH_EVENT_SUB_PROCESS, /* started by its start event while its scope runs */
    ORDO_GRAPH_CALL_ACTIVITY,     /* a child instance of another process */
};

/* The event definition of an event node (start, end, catch, throw,
 * boundary). */
enum ordo_graph_trigger {
    ORDO_GRAPH_TRIGGER_NONE,
    ORDO_GRAPH_TRIGGER_MESSAGE,
    ORDO_GRAPH_TRIGGER_TIMER,
    ORDO_GRAPH_TRIGGER_ERROR,
    ORDO_GRAPH_TRIGGER_TERMINATE,
};

/* A FEEL expression with the text it came from (for messages). */
struct ordo_graph_expr {
    const struct ordo_feel_expr *feel; /* NULL: absent */
    const char *text;                  /* as written in the file */
};

/* A value that is either constant text or an expression ("=..." or JUEL):
 * assignees, candidate lists, message names, due dates, called elements. */
struct ordo_graph_value {
    const char *constant;        /* set when the value is constant text */
    struct ordo_graph_expr expr; /* set when it is an expression */
};

/* Input or output mapping: evaluate 'source', store as 'target' (a name,
 * or a dotted path that builds nested objects). */
struct ordo_graph_mapping {
    const char *target;
    struct ordo_graph_expr source;
};

struct ordo_graph_header {
    const char *key, *value;
};

struct ordo_graph_timer {
    enum ordo_timer_kind kind;
    const struct ordo_timer *parsed; /* constant definitions: parsed at compile */
    struct ordo_graph_expr expr;     /* "=..." definitions: evaluated when armed */
};

struct ordo_graph_message {
    struct ordo_graph_value name;       /* bpmn:message@name (may be "=...", Zeebe style) */
    struct ordo_graph_expr correlation; /* zeebe:subscription correlationKey; absent: by name */
};

/* ordo:webhook (CONTRACTS §14): an inbound endpoint /hooks/{name} that
 * starts the process at this start event, or publishes this catch event's
 * message. Checked at compile; the server registers it at deploy. */
struct ordo_graph_webhook {
    const char *name;        /* [a-z0-9][a-z0-9_-]{0,63} */
    const char *scheme;      /* github slack jira bamboohr standard hmac unsigned */
    const char *options;     /* JSON object text ("{}" when absent) */
    const char *variables;   /* FEEL over {body, headers}; NULL: {body: body} */
    const char *correlation; /* message catch: FEEL over {body, headers}; NULL: none */
};

/* Multi-instance and standard loops. */
struct ordo_graph_loop {
    bool multi;                            /* multiInstanceLoopCharacteristics */
    bool sequential;                       /* isSequential */
    struct ordo_graph_expr collection;     /* inputCollection / camunda:collection */
    const char *element;                   /* inputElement / camunda:elementVariable */
    struct ordo_graph_expr cardinality;    /* loopCardinality */
    const char *output_collection;         /* zeebe outputCollection */
    struct ordo_graph_expr output_element; /* zeebe outputElement */
    struct ordo_graph_expr completion;     /* completionCondition */
    /* Standard loop: */
    struct ordo_graph_expr loop_condition; /* repeat while true */
    bool test_before;                      /* check before the first iteration */
    uint32_t loop_maximum;                 /* 0: no maximum */
};

struct ordo_graph_node {
    const char *id;   /* the element id (never NULL: compile refuses elements without) */
    const char *name; /* NULL when unnamed */
    const char *type; /* "bpmn:serviceTask": the element's BPMN type, for traces */
    enum ordo_graph_kind kind;
    uint32_t index;   /* position in graph->nodes */
    uint32_t scope;   /* the container node; ORDO_GRAPH_NONE for a process */
    uint32_t process; /* the process node it belongs to (itself for a process) */
    uint32_t line;    /* source line, for messages */

    const uint32_t *incoming, *outgoing; /* flow indexes, document order */
    uint32_t nincoming, noutgoing;
    uint32_t default_flow; /* ORDO_GRAPH_NONE when none */

    /* Events. */
    enum ordo_graph_trigger trigger;
    struct ordo_graph_timer timer;
    struct ordo_graph_message message;
    const char *error_code; /* error events: errorRef's errorCode; NULL catches any error */
    struct ordo_graph_expr error_message; /* error end: zeebe errorMessage, optional */
    uint32_t attached_to;                 /* boundary: the host activity node */
    bool interrupting;       /* boundary cancelActivity, event sub-process start isInterrupting */
    bool propagate_all;      /* call activity: copy all child variables back (Zeebe default) */
    bool executable;         /* process: isExecutable is not "false" */
    uint32_t retention_days; /* process: camunda:historyTimeToLive; 0: keep forever */

    /* Activities. */
    const uint32_t *boundaries; /* boundary events attached here, document order */
    const struct ordo_graph_mapping *inputs, *outputs;
    const struct ordo_graph_loop *loop; /* NULL: runs once */
    uint32_t nboundaries;
    uint32_t ninputs, noutputs;

    /* Job tasks. */
    uint32_t retries;       /* zeebe:taskDefinition retries, default 3 */
    const char *job_type;   /* CONTRACTS §1; NULL when unbound */
    const char *action;     /* ordo:action when set (== job_type) */
    const char *credential; /* ordo:credential */
    const struct ordo_graph_header *headers;
    uint32_t nheaders;

    /* Containers (process, sub-process, event sub-process). */
    uint32_t nstarts;
    const uint32_t *starts;     /* start events directly inside, document order */
    const uint32_t *event_subs; /* event sub-processes directly inside */
    uint32_t nevent_subs;

    /* User tasks. */
    struct ordo_graph_value assignee;
    struct ordo_graph_value candidate_users;  /* comma-separated, or a FEEL list */
    struct ordo_graph_value candidate_groups; /* comma-separated, or a FEEL list */
    struct ordo_graph_value due_date;
    const char *form;   /* ordo:form JSON text (CONTRACTS §11), or camunda:formData as such */
    const char *notify; /* ordo:notify as written (CONTRACTS §14) */
    /* ordo:notify="slack:<target>": the Slack channel or user to ask, a
     * constant (C0123, #approvals, U0123) or FEEL over the process
     * variables, evaluated when the task is created. Empty when none. */
    struct ordo_graph_value notify_target;

    /* Start events, message catch events, receive tasks. */
    const struct ordo_graph_webhook *webhook; /* ordo:webhook, or NULL */

    /* Call activities. */
    struct ordo_graph_value called_element; /* a process id */

    /* Inclusive gateways with more than one incoming flow: bitset over all
     * node indexes of the nodes in the same scope from which a token can
     * reach this gateway (without passing through it). */
    const uint64_t *reach;
};

struct ordo_graph_flow {
    const char *id;
    uint32_t index;
    uint32_t source, target; /* node indexes */
    struct ordo_graph_expr condition;
    bool is_default;
};

/* A reason compile refused something. */
struct ordo_graph_finding {
    const char *element; /* id, or NULL when the element has none */
    uint32_t line;
    const char *rule;    /* stable id: "unsupported-element", "java-delegate", "expression", ... */
    const char *message; /* "scriptTask \"Task_1\": script tasks are not supported ..." */
};

struct ordo_graph {
    const struct ordo_graph_node *nodes;
    uint32_t nnodes;
    const struct ordo_graph_flow *flows;
    uint32_t nflows;
    const uint32_t *processes; /* process nodes, document order */
    uint32_t nprocesses;
    size_t reach_words; /* uint64_t words of each 'reach' bitset */
};

/* A Camunda construct that compile read in Ordo's own terms instead of as
 * written: it runs, but not quite as Camunda would run it. Told to
 * ordo_graph_options.on_note, for `ordo bpmn check --for ordo`
 * (server/cli_bpmn.c) and docs/migrating-from-camunda-7.md. Rule ids:
 *   juel                a JUEL expression, translated to FEEL
 *   external-task       camunda:type="external": camunda:topic is the job type
 *   form-data           camunda:formData, read as a user task's form
 *                       (§11); elsewhere (a start event) ignored
 *   async               camunda:asyncBefore, asyncAfter, exclusive,
 *                       jobPriority, taskPriority: ignored (every wait
 *                       state is a transaction boundary already)
 *   form-key            camunda:formKey: ignored (the form is formData's)
 *   initiator           camunda:initiator: ignored (no variable is set)
 *   retry-time-cycle    camunda:failedJobRetryTimeCycle: ignored (retries
 *                       back off as CONTRACTS §10 says)
 *   history-time-to-live  camunda:historyTimeToLive: the retention of
 *                       finished instances (docs/audit.md)
 * The note and its strings live in the caller's arena, like findings;
 * notes change nothing about what compiles. */
typedef void ordo_graph_note_fn(void *ctx, const struct ordo_graph_finding *note);

struct ordo_graph_options {
    /* Compile only this process; NULL: every process of the file,
     * executable or not (a non-executable pool can still be run with
     * `ordo run --process`, and a call activity may call it). An id that
     * is no process of the file is ORDO_E_NOTFOUND. */
    const char *process;
    const struct ordo_feel_limits *feel_limits; /* NULL: defaults */
    ordo_graph_note_fn *on_note;                /* NULL: notes are not made */
    void *note_ctx;
};

/* Compile 'model'. On ORDO_OK '*out' is a new graph. On
 * ORDO_E_UNPROCESSABLE '*findings' (in 'arena', which the caller owns)
 * lists every reason and 'err' carries the first; nothing else is
 * allocated. 'opts' may be NULL. */
enum ordo_code ordo_graph_compile(const struct ordo_bpmn_model *model,
                                  const struct ordo_graph_options *opts, struct ordo_arena *arena,
                                  struct ordo_graph **out,
                                  const struct ordo_graph_finding **findings, size_t *nfindings,
                                  struct ordo_err *err);

void ordo_graph_free(struct ordo_graph *graph); /* NULL is a no-op */

/* The node with that id, or NULL. */
const struct ordo_graph_node *ordo_graph_find(const struct ordo_graph *graph, const char *id);

/* The process node with that id, or NULL. */
const struct ordo_graph_node *ordo_graph_process(const struct ordo_graph *graph, const char *id);

static inline bool ordo_graph_reaches(const struct ordo_graph_node *join, uint32_t node)
{
    return join->reach && (join->reach[node / 64] >> (node % 64) & 1u) != 0;
}

#endif
