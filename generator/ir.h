/*
 * generator/ir.h - the process IR: its JSON Schema for a catalogue, its
 * validation, and what a process uses.
 *
 * The IR is the flat graph the LLM (or the offline drafter) writes and
 * Ordo compiles to BPMN: generator/ir.schema.json is its shape and
 * docs/ir.md its meaning, with every validation rule listed below.
 *
 * ordo_ir_schema: the schema of generator/ir.schema.json (compiled in),
 * with "$defs.action_id.enum" replaced by the action ids of 'catalogue'
 * (the JSON of ordo_catalogue_json, plugins/catalogue.h), in catalogue
 * order. Actions of the connector "http" are left out unless
 * opts->allow_http (generated drafts opt in explicitly, issue 8). With no
 * action left the enum holds the one id ORDO_IR_NO_ACTION, so the schema
 * stays valid for strict structured output and every service task is
 * then refused by the validator.
 *
 * ordo_ir_validate: '*violations' is a new array, empty when the IR is
 * valid, else one object per violation:
 *
 *   {"rule": "ir/unreachable", "path": "nodes[3]", "element": "Task_x",
 *    "message": "node 'Task_x' cannot be reached from a start event"}
 *
 * 'element' is the id of the node, flow or lane concerned (null when there
 * is none); 'path' the JSON path into the IR; 'message' a sentence a person
 * or an LLM can act on, naming ids and, for a refused action, the allowed
 * ones. Rules, in the order they are checked (docs/ir.md has examples):
 *
 *   ir/schema            shape: types, required and unknown keys, enums,
 *                        patterns, ir_version, the size bounds below
 *                        (every node, flow and lane is checked; with any
 *                        ir/schema violation the checks stop there)
 *   ir/duplicate-id      an id used twice among process, nodes, flows, lanes
 *   ir/unknown-ref       flow from/to, node lane, attached_to naming nothing;
 *                        a node without a lane when the IR has lanes (or
 *                        with one when it has none)
 *   ir/kind-fields       a field set that this kind does not use, or an
 *                        event value wrong for the kind
 *   ir/start             no start node, a start with incoming flows
 *   ir/end               no end node, an end with outgoing flows
 *   ir/flow-count        a task or catch without exactly one outgoing and at
 *                        least one incoming flow; a task with several
 *                        incoming flows (use a join gateway); a gateway
 *                        that neither splits nor joins, or has no way in or
 *                        out; a start or boundary timer without exactly one
 *                        outgoing flow; an end without an incoming one
 *   ir/unreachable       a node not reachable from a start (skipped when a
 *                        reference is broken or there is no start)
 *   ir/dead-end          a node from which no end can be reached (skipped
 *                        likewise, or when there is no end)
 *   ir/gateway-pairing   a parallel join reached by the branches of an
 *                        exclusive or inclusive split, of a task and its
 *                        boundary timer, or of two starts (it would wait
 *                        for ever); a parallel gateway on a loop; an
 *                        exclusive join after a parallel or inclusive split
 *                        (the split is the join's immediate dominator)
 *   ir/condition         a flow out of an exclusive or inclusive split
 *                        without a condition (other than the default), a
 *                        condition on any other flow or on the default, a
 *                        default flow not leaving a split, more than one
 *                        default
 *   ir/default           an exclusive split without a default flow
 *   ir/feel              an expression that does not parse as FEEL
 *                        (conditions, correlation keys and webhook
 *                        variables, with or without a leading '='; input
 *                        and output sources, assignees and "slack:="
 *                        notify targets that start with '=')
 *   ir/action            a service task without an action, or with one that
 *                        is not installed (or an http.* one not allowed)
 *   ir/input             a required input of the action not mapped, an
 *                        input the action does not declare, or one mapped
 *                        twice
 *   ir/performer         a user task without assignee and candidate group;
 *                        a notify that is not "slack:<target>"
 *   ir/form              a form field named twice, options on a non-string
 *   ir/boundary          a boundary timer not attached to a user task, with
 *                        incoming flows, or with interrupting null
 *   ir/timer             a timer that is not an ISO 8601 date, repeating
 *                        interval or cron (start) or duration (timer catch,
 *                        boundary timer) (bpmn/timer.h)
 *   ir/message           a message start or catch without a message name
 *   ir/webhook           a webhook start without its endpoint
 *   ir/error-code        an error end without an error code
 *
 * Within a rule, violations follow the order of the nodes (flows). At most
 * ORDO_IR_MAX_VIOLATIONS are listed; the last listed then says how many
 * more there are.
 *
 * ordo_ir_uses: what a valid IR would make Ordo do, for the person who
 * deploys it (the deploy response and screen list it):
 *
 *   {"actions": ["jira.create_issue", ...],          sorted, unique
 *    "credentials": ["jira-main", ...],              named ones, sorted, unique
 *    "targets": [{"element": "Task_x", "action": "slack.post_message",
 *                 "input": "channel", "source": "#general"}, ...],
 *    "webhooks": ["bamboohr-new-hire"], "notify": ["slack:#general"]}
 *
 * 'targets' are the input mappings of every service task, in node order.
 *
 * Codes: ORDO_E_INVAL for NULL arguments or a catalogue that is not the
 * catalogue's JSON; a bad IR is not an error but violations. Outputs are
 * new references the caller owns, set only on ORDO_OK. Thread safety: pure
 * functions over their arguments.
 */
#ifndef ORDO_GENERATOR_IR_H
#define ORDO_GENERATOR_IR_H

#include <stdbool.h>

#include <jansson.h>

#include "base/err.h"

#define ORDO_IR_VERSION   1
#define ORDO_IR_NO_ACTION "none.none"

/* Bounds (ir/schema), so that hostile or runaway output stays cheap to
 * check, and the cap on the violations listed: beyond it the last one
 * listed says how many more there are. */
#define ORDO_IR_MAX_NODES      500
#define ORDO_IR_MAX_FLOWS      1000
#define ORDO_IR_MAX_LANES      50
#define ORDO_IR_MAX_MAPPINGS   200  /* inputs, outputs of one task */
#define ORDO_IR_MAX_FORM       100  /* fields of one form, options of one field */
#define ORDO_IR_MAX_NOTES      100  /* assumptions, questions */
#define ORDO_IR_MAX_STRING     4096 /* bytes of any string */
#define ORDO_IR_MAX_VIOLATIONS 50

struct ordo_ir_opts {
    bool allow_http; /* http.* actions may be used */
};

enum ordo_code ordo_ir_schema(const json_t *catalogue, const struct ordo_ir_opts *opts,
                              json_t **out, struct ordo_err *err);

enum ordo_code ordo_ir_validate(const json_t *ir, const json_t *catalogue,
                                const struct ordo_ir_opts *opts, json_t **violations,
                                struct ordo_err *err);

/* The fields of an IR node in the schema's order, NULL-terminated: every
 * node has all of them (null where its kind does not use one). */
extern const char *const ordo_ir_node_fields[];

/* Give 'node' (a JSON object) every node field it lacks, as null, in the
 * schema's order; fields it has keep their value. */
void ordo_ir_node_complete(json_t *node);

enum ordo_code ordo_ir_uses(const json_t *ir, json_t **out, struct ordo_err *err);

#endif
