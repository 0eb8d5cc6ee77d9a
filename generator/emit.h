/*
 * generator/emit.h - a valid IR to BPMN 2.0 XML with a laid-out diagram,
 * and a BPMN model lifted back into the IR.
 *
 * ordo_emit_bpmn: the IR should have passed ordo_ir_validate (generator/ir.h)
 * with no violation. Emission needs no catalogue and checks only what it
 * relies on (known kinds, references that resolve, one start); anything
 * else is ORDO_E_INVAL naming the element. The document:
 *   - one executable bpmn:process (id and name from "process"), with a
 *     bpmn:laneSet when the IR has lanes; a bpmn:collaboration with one
 *     participant when it has lanes, so modelers draw the pool;
 *   - element ids are the IR ids; every flow node has <incoming> and
 *     <outgoing> children;
 *   - service tasks: ordo:action, zeebe:taskDefinition (type = action id,
 *     retries 3), zeebe:ioMapping from inputs and outputs, ordo:credential;
 *     user tasks: zeebe:userTask, zeebe:assignmentDefinition (assignee,
 *     candidateGroups), ordo:form (the form fields as the CONTRACTS §11
 *     schema), ordo:notify; messages as bpmn:message with a
 *     zeebe:subscription correlation key; webhook starts as a message start
 *     with ordo:webhook (CONTRACTS §14); error ends with a bpmn:error;
 *     conditions as bpmn:tFormalExpression starting with '='; the default
 *     flow on the gateway's default attribute;
 *   - modeler:executionPlatform "Camunda Cloud", so Camunda Modeler opens
 *     it as a Camunda 8 diagram;
 *   - DI for every flow node, flow, lane and participant: layered layout,
 *     integer coordinates, orthogonal edges, no overlapping shapes and no
 *     edge through a shape, branches stacked around the main path,
 *     back edges routed around below, one horizontal strip per lane; the
 *     same IR gives byte-identical XML.
 *   - labels that bpmnlint's label-required wants: a flow node with an
 *     empty name is labelled with its id, a conditional flow without a
 *     name with its condition ('=' included); a node without a lane in a
 *     process with lanes is drawn in the first lane;
 *   - the layout is generator/layout.h's (guarantees listed there); its
 *     limits are above the IR's (ORDO_IR_MAX_NODES, ORDO_IR_MAX_FLOWS).
 * '*report' (may be NULL) gets {"shapes": N, "edges": N, "crossings": N,
 * "width": W, "height": H}: crossings counts pairs of edges that cross;
 * shapes count the participant and lanes too.
 *
 * ordo_emit_lift: the IR of a model that uses only what the IR can say
 * (a single process, the node kinds of the IR, zeebe:/ordo: extensions as
 * written above); otherwise ORDO_E_UNPROCESSABLE with the reason naming the
 * first element that cannot be lifted ("element 'Sub_1' is a bpmn:subProcess,
 * which drafts cannot revise"). Used to revise a draft after a manual edit.
 * emit then lift gives the IR back, except: assumptions and questions are
 * empty (BPMN does not hold them), empty outputs and options lists come
 * back as null, an empty node name as the id emission wrote for it, and a
 * flow named exactly as its condition as unnamed (generator/lift.c).
 *
 * Codes: ORDO_E_INVAL for NULL arguments or an invalid IR; outputs set only
 * on ORDO_OK. Thread safety: pure.
 */
#ifndef ORDO_GENERATOR_EMIT_H
#define ORDO_GENERATOR_EMIT_H

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "bpmn/model.h"

enum ordo_code ordo_emit_bpmn(const json_t *ir, struct ordo_buf *xml, json_t **report,
                              struct ordo_err *err);

enum ordo_code ordo_emit_lift(const struct ordo_bpmn_model *model, json_t **ir,
                              struct ordo_err *err);

#endif
