/*
 * generator/emit_internal.h - what emit.c, emit_xml.c, emit_di.c and
 * lift.c share: the IR kinds, a checked view of an IR, and the rules by
 * which emission fills in labels that lint requires (so that lifting can
 * take them back out).
 */
#ifndef ORDO_GENERATOR_EMIT_INTERNAL_H
#define ORDO_GENERATOR_EMIT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"

#define ORDO_EMIT_NONE UINT32_MAX

/* The longest label emission makes from a condition, in bytes. */
#define ORDO_EMIT_LABEL_MAX 60

/* IR node kinds, in the order of ir.schema.json. */
#define ORDO_IR_KIND_MAP(X)                                     \
    X(START, "start", "startEvent")                             \
    X(END, "end", "endEvent")                                   \
    X(SERVICE_TASK, "service_task", "serviceTask")              \
    X(USER_TASK, "user_task", "userTask")                       \
    X(EXCLUSIVE, "exclusive_gateway", "exclusiveGateway")       \
    X(PARALLEL, "parallel_gateway", "parallelGateway")          \
    X(INCLUSIVE, "inclusive_gateway", "inclusiveGateway")       \
    X(TIMER_CATCH, "timer_catch", "intermediateCatchEvent")     \
    X(MESSAGE_CATCH, "message_catch", "intermediateCatchEvent") \
    X(BOUNDARY_TIMER, "boundary_timer", "boundaryEvent")

enum ordo_ir_kind {
#define X(e, name, tag) ORDO_IR_##e,
    ORDO_IR_KIND_MAP(X)
#undef X
        ORDO_IR_KIND__COUNT
};

/* "service_task" -> ORDO_IR_SERVICE_TASK; ORDO_IR_KIND__COUNT if unknown. */
enum ordo_ir_kind ordo_ir_kind_parse(const char *name);
const char *ordo_ir_kind_name(enum ordo_ir_kind kind);
const char *ordo_ir_kind_tag(enum ordo_ir_kind kind); /* the BPMN element, no prefix */

struct ordo_emit_node {
    const json_t *j;
    const char *id;
    enum ordo_ir_kind kind;
    uint32_t lane;            /* lane index; ORDO_EMIT_NONE without lanes */
    uint32_t host;            /* boundary timer: its task's index */
    const char *default_flow; /* the id of the default flow leaving it, or NULL */
    const char *message_id;   /* bpmn:message it refers to, or NULL */
    const char *error_id;     /* bpmn:error it refers to, or NULL */
    const char *di_id;
    uint32_t *in, *out; /* flow indexes, in flow order */
    uint32_t nin, nout;
};

struct ordo_emit_flow {
    const json_t *j;
    const char *id;
    uint32_t from, to;
    const char *di_id;
};

struct ordo_emit_lane {
    const char *id;
    const char *name;
    const char *di_id;
};

/* A bpmn:message (one per distinct name and correlation key) or a
 * bpmn:error (one per distinct code). */
struct ordo_emit_root {
    const char *id;
    const char *name;
    const char *key; /* message: correlation key or NULL; error: the code */
};

struct ordo_emit_doc {
    struct ordo_arena *arena;
    const char *pid, *pname, *pdoc;
    struct ordo_emit_node *nodes;
    uint32_t nnodes;
    struct ordo_emit_flow *flows;
    uint32_t nflows;
    struct ordo_emit_lane *lanes;
    uint32_t nlanes;
    struct ordo_emit_root *messages, *errors;
    size_t nmessages, nerrors, capmessages, caperrors;
    json_t *ids; /* every id in the document, as object keys */
    const char *definitions_id, *collaboration_id, *participant_id, *laneset_id;
    const char *diagram_id, *plane_id, *participant_di_id;
};

/* A string member, or NULL when absent, null or not a string. */
static inline const char *ordo_emit_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* Read and check 'ir' (generator/emit.h says what is checked) into 'doc',
 * whose strings and arrays live in 'arena'. ORDO_E_INVAL naming the element. */
enum ordo_code ordo_emit_doc_load(struct ordo_emit_doc *doc, const json_t *ir,
                                  struct ordo_arena *arena, struct ordo_err *err);

/* The BPMN elements: roots (collaboration, messages, errors) and the
 * process (emit_xml.c); the diagram, laid out (emit_di.c). */
void ordo_emit_write_roots(struct ordo_buf *out, const struct ordo_emit_doc *doc);
enum ordo_code ordo_emit_write_process(struct ordo_buf *out, const struct ordo_emit_doc *doc,
                                       struct ordo_err *err);
enum ordo_code ordo_emit_write_diagram(struct ordo_buf *out, const struct ordo_emit_doc *doc,
                                       json_t **report, struct ordo_err *err);

/* XML character data ('attr': for an attribute value in double quotes). */
void ordo_emit_escape(struct ordo_buf *out, const char *s, bool attr);
/* ' name="value"', nothing when 'value' is NULL. */
void ordo_emit_attr(struct ordo_buf *out, const char *name, const char *value);

/* The label emission writes on a conditional flow that has no name (lint
 * requires one): the condition itself, '=' included (so that it cannot be
 * mistaken for a name a person gave, such as "approved" for "=approved"),
 * without white space around it, cut to ORDO_EMIT_LABEL_MAX bytes between
 * characters. In 'arena'. */
const char *ordo_emit_condition_label(struct ordo_arena *arena, const char *condition);

/* Does lint require a label on this node (bpmnlint label-required)? */
bool ordo_emit_label_required(enum ordo_ir_kind kind, uint32_t nout);

/* The ordo:form JSON Schema of an IR form (CONTRACTS §11); a new reference. */
json_t *ordo_emit_form_schema(const json_t *fields);

#endif
