/*
 * bpmn/model.h - the in-memory BPMN 2.0 model.
 *
 * A model is the document as a tree of nodes that keeps what the file
 * said: every element in document order with its namespace, every attribute
 * (vendor and extension ones included, verbatim), text, CDATA and comments,
 * and the namespace declarations as written. Writing a model back
 * (bpmn/write.h) loses no extension element of zeebe:, camunda:, ordo: or
 * any vendor. Not kept: layout whitespace (see bpmn/parse.c), processing
 * instructions, anything outside the root element, and the source encoding
 * (text is UTF-8).
 *
 * On top of the tree, ordo_bpmn_model_index() resolves what the engine and
 * the lint rules need: each node's kind and kind classes (the BPMN type
 * hierarchy), the id table, the source and target of flows, the incoming and
 * outgoing sequence flows of every flow node, boundary hosts, default flows,
 * and the link between semantic elements and their BPMN DI shapes and edges
 * with parsed bounds.
 *
 * Incoming and outgoing flows are derived from the sequence flows'
 * sourceRef/targetRef, which is what executes; the optional <incoming> and
 * <outgoing> child elements are kept in the tree but not trusted.
 *
 * A model owns an arena; every string and node lives until
 * ordo_bpmn_model_free(). Models are immutable after indexing and may be
 * read from several threads.
 */
#ifndef ORDO_BPMN_MODEL_H
#define ORDO_BPMN_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

#define ORDO_BPMN_NS_MODEL   "http://www.omg.org/spec/BPMN/20100524/MODEL"
#define ORDO_BPMN_NS_BPMNDI  "http://www.omg.org/spec/BPMN/20100524/DI"
#define ORDO_BPMN_NS_DC      "http://www.omg.org/spec/DD/20100524/DC"
#define ORDO_BPMN_NS_DI      "http://www.omg.org/spec/DD/20100524/DI"
#define ORDO_BPMN_NS_XSI     "http://www.w3.org/2001/XMLSchema-instance"
#define ORDO_BPMN_NS_XML     "http://www.w3.org/XML/1998/namespace"
#define ORDO_BPMN_NS_ORDO    "urn:ordo:schema:bpmn:1.0"
#define ORDO_BPMN_NS_ZEEBE   "http://camunda.org/schema/zeebe/1.0"
#define ORDO_BPMN_NS_CAMUNDA "http://camunda.org/schema/1.0/bpmn"

/* Kind classes: the parts of the BPMN type hierarchy that code asks about
 * ("is this an Activity?"), one bit each, as bpmn-moddle's is() answers. */
enum ordo_bpmn_class {
    ORDO_BPMN_C_FLOW_ELEMENT = 1u << 0,
    ORDO_BPMN_C_FLOW_NODE = 1u << 1,
    ORDO_BPMN_C_ACTIVITY = 1u << 2,
    ORDO_BPMN_C_TASK = 1u << 3,
    ORDO_BPMN_C_SUB_PROCESS = 1u << 4, /* subProcess, transaction, adHocSubProcess */
    ORDO_BPMN_C_EVENT = 1u << 5,
    ORDO_BPMN_C_CATCH_EVENT = 1u << 6,
    ORDO_BPMN_C_THROW_EVENT = 1u << 7,
    ORDO_BPMN_C_GATEWAY = 1u << 8,
    ORDO_BPMN_C_EVENT_DEFINITION = 1u << 9,
    ORDO_BPMN_C_CONTAINER = 1u << 10, /* FlowElementsContainer: process and sub-processes */
    ORDO_BPMN_C_ROOT_ELEMENT = 1u << 11,
    ORDO_BPMN_C_ARTIFACT = 1u << 12,
    ORDO_BPMN_C_DI = 1u << 13, /* BPMN DI and DD elements */
};

#define ORDO_BPMN_FN   (ORDO_BPMN_C_FLOW_ELEMENT | ORDO_BPMN_C_FLOW_NODE)
#define ORDO_BPMN_ACT  (ORDO_BPMN_FN | ORDO_BPMN_C_ACTIVITY)
#define ORDO_BPMN_TSK  (ORDO_BPMN_ACT | ORDO_BPMN_C_TASK)
#define ORDO_BPMN_SUB  (ORDO_BPMN_ACT | ORDO_BPMN_C_SUB_PROCESS | ORDO_BPMN_C_CONTAINER)
#define ORDO_BPMN_CEV  (ORDO_BPMN_FN | ORDO_BPMN_C_EVENT | ORDO_BPMN_C_CATCH_EVENT)
#define ORDO_BPMN_TEV  (ORDO_BPMN_FN | ORDO_BPMN_C_EVENT | ORDO_BPMN_C_THROW_EVENT)
#define ORDO_BPMN_GW   (ORDO_BPMN_FN | ORDO_BPMN_C_GATEWAY)
#define ORDO_BPMN_EVD  ORDO_BPMN_C_EVENT_DEFINITION
#define ORDO_BPMN_ROOT ORDO_BPMN_C_ROOT_ELEMENT
#define ORDO_BPMN_ART  ORDO_BPMN_C_ARTIFACT

/* Namespace of a kind in the table below. */
enum ordo_bpmn_nsid {
    ORDO_BPMN_NSID_OTHER = 0, /* any other namespace, or none */
    ORDO_BPMN_NSID_MODEL,
    ORDO_BPMN_NSID_BPMNDI,
    ORDO_BPMN_NSID_DC,
    ORDO_BPMN_NSID_DI,
};

/* Every element of the BPMN 2.0 and BPMN DI schemas: enum suffix, local
 * name, namespace, classes. Elements of other namespaces are EXTENSION;
 * unknown names in the BPMN namespace are UNKNOWN. */
#define ORDO_BPMN_KIND_MAP(X)                                                                     \
    X(DEFINITIONS, "definitions", MODEL, 0)                                                       \
    X(IMPORT, "import", MODEL, 0)                                                                 \
    X(EXTENSION_DEF, "extension", MODEL, 0)                                                       \
    X(EXTENSION_ELEMENTS, "extensionElements", MODEL, 0)                                          \
    X(DOCUMENTATION, "documentation", MODEL, 0)                                                   \
    X(RELATIONSHIP, "relationship", MODEL, 0)                                                     \
    X(PROCESS, "process", MODEL, ORDO_BPMN_ROOT | ORDO_BPMN_C_CONTAINER)                          \
    X(COLLABORATION, "collaboration", MODEL, ORDO_BPMN_ROOT)                                      \
    X(CHOREOGRAPHY, "choreography", MODEL, ORDO_BPMN_ROOT)                                        \
    X(GLOBAL_CONVERSATION, "globalConversation", MODEL, ORDO_BPMN_ROOT)                           \
    X(MESSAGE, "message", MODEL, ORDO_BPMN_ROOT)                                                  \
    X(ERROR, "error", MODEL, ORDO_BPMN_ROOT)                                                      \
    X(ESCALATION, "escalation", MODEL, ORDO_BPMN_ROOT)                                            \
    X(SIGNAL, "signal", MODEL, ORDO_BPMN_ROOT)                                                    \
    X(ITEM_DEFINITION, "itemDefinition", MODEL, ORDO_BPMN_ROOT)                                   \
    X(DATA_STORE, "dataStore", MODEL, ORDO_BPMN_ROOT)                                             \
    X(INTERFACE, "interface", MODEL, ORDO_BPMN_ROOT)                                              \
    X(OPERATION, "operation", MODEL, 0)                                                           \
    X(END_POINT, "endPoint", MODEL, ORDO_BPMN_ROOT)                                               \
    X(PARTNER_ENTITY, "partnerEntity", MODEL, ORDO_BPMN_ROOT)                                     \
    X(PARTNER_ROLE, "partnerRole", MODEL, ORDO_BPMN_ROOT)                                         \
    X(RESOURCE, "resource", MODEL, ORDO_BPMN_ROOT)                                                \
    X(RESOURCE_PARAMETER, "resourceParameter", MODEL, 0)                                          \
    X(CORRELATION_PROPERTY, "correlationProperty", MODEL, ORDO_BPMN_ROOT)                         \
    X(CORRELATION_PROPERTY_RETRIEVAL_EXPRESSION, "correlationPropertyRetrievalExpression", MODEL, \
      0)                                                                                          \
    X(MESSAGE_PATH, "messagePath", MODEL, 0)                                                      \
    X(DATA_PATH, "dataPath", MODEL, 0)                                                            \
    X(CATEGORY, "category", MODEL, ORDO_BPMN_ROOT)                                                \
    X(CATEGORY_VALUE, "categoryValue", MODEL, 0)                                                  \
    X(GLOBAL_TASK, "globalTask", MODEL, ORDO_BPMN_ROOT)                                           \
    X(GLOBAL_USER_TASK, "globalUserTask", MODEL, ORDO_BPMN_ROOT)                                  \
    X(GLOBAL_MANUAL_TASK, "globalManualTask", MODEL, ORDO_BPMN_ROOT)                              \
    X(GLOBAL_SCRIPT_TASK, "globalScriptTask", MODEL, ORDO_BPMN_ROOT)                              \
    X(GLOBAL_BUSINESS_RULE_TASK, "globalBusinessRuleTask", MODEL, ORDO_BPMN_ROOT)                 \
    X(START_EVENT, "startEvent", MODEL, ORDO_BPMN_CEV)                                            \
    X(END_EVENT, "endEvent", MODEL, ORDO_BPMN_TEV)                                                \
    X(INTERMEDIATE_CATCH_EVENT, "intermediateCatchEvent", MODEL, ORDO_BPMN_CEV)                   \
    X(INTERMEDIATE_THROW_EVENT, "intermediateThrowEvent", MODEL, ORDO_BPMN_TEV)                   \
    X(BOUNDARY_EVENT, "boundaryEvent", MODEL, ORDO_BPMN_CEV)                                      \
    X(IMPLICIT_THROW_EVENT, "implicitThrowEvent", MODEL, ORDO_BPMN_TEV)                           \
    X(TASK, "task", MODEL, ORDO_BPMN_TSK)                                                         \
    X(SERVICE_TASK, "serviceTask", MODEL, ORDO_BPMN_TSK)                                          \
    X(SEND_TASK, "sendTask", MODEL, ORDO_BPMN_TSK)                                                \
    X(RECEIVE_TASK, "receiveTask", MODEL, ORDO_BPMN_TSK)                                          \
    X(USER_TASK, "userTask", MODEL, ORDO_BPMN_TSK)                                                \
    X(MANUAL_TASK, "manualTask", MODEL, ORDO_BPMN_TSK)                                            \
    X(BUSINESS_RULE_TASK, "businessRuleTask", MODEL, ORDO_BPMN_TSK)                               \
    X(SCRIPT_TASK, "scriptTask", MODEL, ORDO_BPMN_TSK)                                            \
    X(CALL_ACTIVITY, "callActivity", MODEL, ORDO_BPMN_ACT)                                        \
    X(SUB_PROCESS, "subProcess", MODEL, ORDO_BPMN_SUB)                                            \
    X(TRANSACTION, "transaction", MODEL, ORDO_BPMN_SUB)                                           \
    X(AD_HOC_SUB_PROCESS, "adHocSubProcess", MODEL, ORDO_BPMN_SUB)                                \
    X(EXCLUSIVE_GATEWAY, "exclusiveGateway", MODEL, ORDO_BPMN_GW)                                 \
    X(INCLUSIVE_GATEWAY, "inclusiveGateway", MODEL, ORDO_BPMN_GW)                                 \
    X(PARALLEL_GATEWAY, "parallelGateway", MODEL, ORDO_BPMN_GW)                                   \
    X(COMPLEX_GATEWAY, "complexGateway", MODEL, ORDO_BPMN_GW)                                     \
    X(EVENT_BASED_GATEWAY, "eventBasedGateway", MODEL, ORDO_BPMN_GW)                              \
    X(CALL_CHOREOGRAPHY, "callChoreography", MODEL, ORDO_BPMN_FN)                                 \
    X(CHOREOGRAPHY_TASK, "choreographyTask", MODEL, ORDO_BPMN_FN)                                 \
    X(SUB_CHOREOGRAPHY, "subChoreography", MODEL, ORDO_BPMN_FN)                                   \
    X(SEQUENCE_FLOW, "sequenceFlow", MODEL, ORDO_BPMN_C_FLOW_ELEMENT)                             \
    X(DATA_OBJECT, "dataObject", MODEL, ORDO_BPMN_C_FLOW_ELEMENT)                                 \
    X(DATA_OBJECT_REFERENCE, "dataObjectReference", MODEL, ORDO_BPMN_C_FLOW_ELEMENT)              \
    X(DATA_STORE_REFERENCE, "dataStoreReference", MODEL, ORDO_BPMN_C_FLOW_ELEMENT)                \
    X(MESSAGE_EVENT_DEFINITION, "messageEventDefinition", MODEL, ORDO_BPMN_EVD)                   \
    X(TIMER_EVENT_DEFINITION, "timerEventDefinition", MODEL, ORDO_BPMN_EVD)                       \
    X(ERROR_EVENT_DEFINITION, "errorEventDefinition", MODEL, ORDO_BPMN_EVD)                       \
    X(ESCALATION_EVENT_DEFINITION, "escalationEventDefinition", MODEL, ORDO_BPMN_EVD)             \
    X(SIGNAL_EVENT_DEFINITION, "signalEventDefinition", MODEL, ORDO_BPMN_EVD)                     \
    X(COMPENSATE_EVENT_DEFINITION, "compensateEventDefinition", MODEL, ORDO_BPMN_EVD)             \
    X(CONDITIONAL_EVENT_DEFINITION, "conditionalEventDefinition", MODEL, ORDO_BPMN_EVD)           \
    X(LINK_EVENT_DEFINITION, "linkEventDefinition", MODEL, ORDO_BPMN_EVD)                         \
    X(TERMINATE_EVENT_DEFINITION, "terminateEventDefinition", MODEL, ORDO_BPMN_EVD)               \
    X(CANCEL_EVENT_DEFINITION, "cancelEventDefinition", MODEL, ORDO_BPMN_EVD)                     \
    X(EVENT_DEFINITION_REF, "eventDefinitionRef", MODEL, 0)                                       \
    X(TIME_DATE, "timeDate", MODEL, 0)                                                            \
    X(TIME_DURATION, "timeDuration", MODEL, 0)                                                    \
    X(TIME_CYCLE, "timeCycle", MODEL, 0)                                                          \
    X(CONDITION, "condition", MODEL, 0)                                                           \
    X(CONDITION_EXPRESSION, "conditionExpression", MODEL, 0)                                      \
    X(INCOMING, "incoming", MODEL, 0)                                                             \
    X(OUTGOING, "outgoing", MODEL, 0)                                                             \
    X(STANDARD_LOOP_CHARACTERISTICS, "standardLoopCharacteristics", MODEL, 0)                     \
    X(MULTI_INSTANCE_LOOP_CHARACTERISTICS, "multiInstanceLoopCharacteristics", MODEL, 0)          \
    X(LOOP_CARDINALITY, "loopCardinality", MODEL, 0)                                              \
    X(COMPLETION_CONDITION, "completionCondition", MODEL, 0)                                      \
    X(LOOP_CONDITION, "loopCondition", MODEL, 0)                                                  \
    X(LOOP_DATA_INPUT_REF, "loopDataInputRef", MODEL, 0)                                          \
    X(LOOP_DATA_OUTPUT_REF, "loopDataOutputRef", MODEL, 0)                                        \
    X(INPUT_DATA_ITEM, "inputDataItem", MODEL, 0)                                                 \
    X(OUTPUT_DATA_ITEM, "outputDataItem", MODEL, 0)                                               \
    X(COMPLEX_BEHAVIOR_DEFINITION, "complexBehaviorDefinition", MODEL, 0)                         \
    X(IO_SPECIFICATION, "ioSpecification", MODEL, 0)                                              \
    X(IO_BINDING, "ioBinding", MODEL, 0)                                                          \
    X(DATA_INPUT, "dataInput", MODEL, 0)                                                          \
    X(DATA_OUTPUT, "dataOutput", MODEL, 0)                                                        \
    X(INPUT_SET, "inputSet", MODEL, 0)                                                            \
    X(OUTPUT_SET, "outputSet", MODEL, 0)                                                          \
    X(DATA_INPUT_REFS, "dataInputRefs", MODEL, 0)                                                 \
    X(DATA_OUTPUT_REFS, "dataOutputRefs", MODEL, 0)                                               \
    X(OPTIONAL_INPUT_REFS, "optionalInputRefs", MODEL, 0)                                         \
    X(OPTIONAL_OUTPUT_REFS, "optionalOutputRefs", MODEL, 0)                                       \
    X(WHILE_EXECUTING_INPUT_REFS, "whileExecutingInputRefs", MODEL, 0)                            \
    X(WHILE_EXECUTING_OUTPUT_REFS, "whileExecutingOutputRefs", MODEL, 0)                          \
    X(INPUT_SET_REFS, "inputSetRefs", MODEL, 0)                                                   \
    X(OUTPUT_SET_REFS, "outputSetRefs", MODEL, 0)                                                 \
    X(DATA_INPUT_ASSOCIATION, "dataInputAssociation", MODEL, 0)                                   \
    X(DATA_OUTPUT_ASSOCIATION, "dataOutputAssociation", MODEL, 0)                                 \
    X(SOURCE_REF, "sourceRef", MODEL, 0)                                                          \
    X(TARGET_REF, "targetRef", MODEL, 0)                                                          \
    X(ASSIGNMENT, "assignment", MODEL, 0)                                                         \
    X(FROM, "from", MODEL, 0)                                                                     \
    X(TO, "to", MODEL, 0)                                                                         \
    X(TRANSFORMATION, "transformation", MODEL, 0)                                                 \
    X(DATA_STATE, "dataState", MODEL, 0)                                                          \
    X(PROPERTY, "property", MODEL, 0)                                                             \
    X(PERFORMER, "performer", MODEL, 0)                                                           \
    X(HUMAN_PERFORMER, "humanPerformer", MODEL, 0)                                                \
    X(POTENTIAL_OWNER, "potentialOwner", MODEL, 0)                                                \
    X(RESOURCE_ROLE, "resourceRole", MODEL, 0)                                                    \
    X(RESOURCE_REF, "resourceRef", MODEL, 0)                                                      \
    X(RESOURCE_ASSIGNMENT_EXPRESSION, "resourceAssignmentExpression", MODEL, 0)                   \
    X(RESOURCE_PARAMETER_BINDING, "resourceParameterBinding", MODEL, 0)                           \
    X(EXPRESSION, "expression", MODEL, 0)                                                         \
    X(FORMAL_EXPRESSION, "formalExpression", MODEL, 0)                                            \
    X(SCRIPT, "script", MODEL, 0)                                                                 \
    X(RENDERING, "rendering", MODEL, 0)                                                           \
    X(MESSAGE_FLOW, "messageFlow", MODEL, 0)                                                      \
    X(MESSAGE_FLOW_REF, "messageFlowRef", MODEL, 0)                                               \
    X(MESSAGE_FLOW_ASSOCIATION, "messageFlowAssociation", MODEL, 0)                               \
    X(PARTICIPANT, "participant", MODEL, 0)                                                       \
    X(PARTICIPANT_MULTIPLICITY, "participantMultiplicity", MODEL, 0)                              \
    X(PARTICIPANT_ASSOCIATION, "participantAssociation", MODEL, 0)                                \
    X(PARTICIPANT_REF, "participantRef", MODEL, 0)                                                \
    X(INTERFACE_REF, "interfaceRef", MODEL, 0)                                                    \
    X(END_POINT_REF, "endPointRef", MODEL, 0)                                                     \
    X(CONVERSATION, "conversation", MODEL, 0)                                                     \
    X(SUB_CONVERSATION, "subConversation", MODEL, 0)                                              \
    X(CALL_CONVERSATION, "callConversation", MODEL, 0)                                            \
    X(CONVERSATION_LINK, "conversationLink", MODEL, 0)                                            \
    X(CONVERSATION_ASSOCIATION, "conversationAssociation", MODEL, 0)                              \
    X(CORRELATION_KEY, "correlationKey", MODEL, 0)                                                \
    X(CORRELATION_PROPERTY_REF, "correlationPropertyRef", MODEL, 0)                               \
    X(CORRELATION_SUBSCRIPTION, "correlationSubscription", MODEL, 0)                              \
    X(CORRELATION_PROPERTY_BINDING, "correlationPropertyBinding", MODEL, 0)                       \
    X(TEXT_ANNOTATION, "textAnnotation", MODEL, ORDO_BPMN_ART)                                    \
    X(TEXT, "text", MODEL, 0)                                                                     \
    X(ASSOCIATION, "association", MODEL, ORDO_BPMN_ART)                                           \
    X(GROUP, "group", MODEL, ORDO_BPMN_ART)                                                       \
    X(LANE_SET, "laneSet", MODEL, 0)                                                              \
    X(LANE, "lane", MODEL, 0)                                                                     \
    X(CHILD_LANE_SET, "childLaneSet", MODEL, 0)                                                   \
    X(FLOW_NODE_REF, "flowNodeRef", MODEL, 0)                                                     \
    X(PARTITION_ELEMENT, "partitionElement", MODEL, 0)                                            \
    X(SUPPORTS, "supports", MODEL, 0)                                                             \
    X(IN_MESSAGE_REF, "inMessageRef", MODEL, 0)                                                   \
    X(OUT_MESSAGE_REF, "outMessageRef", MODEL, 0)                                                 \
    X(ERROR_REF, "errorRef", MODEL, 0)                                                            \
    X(AUDITING, "auditing", MODEL, 0)                                                             \
    X(MONITORING, "monitoring", MODEL, 0)                                                         \
    X(BPMN_DIAGRAM, "BPMNDiagram", BPMNDI, ORDO_BPMN_C_DI)                                        \
    X(BPMN_PLANE, "BPMNPlane", BPMNDI, ORDO_BPMN_C_DI)                                            \
    X(BPMN_SHAPE, "BPMNShape", BPMNDI, ORDO_BPMN_C_DI)                                            \
    X(BPMN_EDGE, "BPMNEdge", BPMNDI, ORDO_BPMN_C_DI)                                              \
    X(BPMN_LABEL, "BPMNLabel", BPMNDI, ORDO_BPMN_C_DI)                                            \
    X(BPMN_LABEL_STYLE, "BPMNLabelStyle", BPMNDI, ORDO_BPMN_C_DI)                                 \
    X(BOUNDS, "Bounds", DC, ORDO_BPMN_C_DI)                                                       \
    X(FONT, "Font", DC, ORDO_BPMN_C_DI)                                                           \
    X(WAYPOINT, "waypoint", DI, ORDO_BPMN_C_DI)

/* clang-format cannot lay out X-macro expansions. */
/* clang-format off */
enum ordo_bpmn_kind {
    ORDO_BPMN_UNKNOWN = 0, /* an element of a BPMN namespace that the schema does not have */
    ORDO_BPMN_EXTENSION,   /* an element of any other namespace: kept verbatim */
    ORDO_BPMN_CHARDATA,    /* character data (node->text); CDATA when node->cdata */
    ORDO_BPMN_COMMENT,     /* <!-- node->text --> */
#define X(e, local, ns, classes) ORDO_BPMN_##e,
    ORDO_BPMN_KIND_MAP(X)
#undef X
    ORDO_BPMN_KIND__COUNT
};
/* clang-format on */

struct ordo_bpmn_attr {
    const char *ns;     /* namespace URI; NULL for an unqualified attribute */
    const char *prefix; /* prefix as written (a hint for the writer); NULL if none */
    const char *name;   /* local name */
    const char *value;  /* decoded value; for a resolved QName value, its local part */
    /* Set for xsi:type, whose value is a QName: the namespace its prefix
     * meant where it was written, so a writer that changes prefixes keeps
     * the meaning. NULL when the value is not a resolved QName. */
    const char *value_ns;
};

struct ordo_bpmn_nsdecl {
    const char *prefix; /* NULL for a default namespace declaration */
    const char *uri;
};

struct ordo_bpmn_bounds {
    double x, y, width, height;
};

struct ordo_bpmn_node {
    enum ordo_bpmn_kind kind;
    uint32_t classes; /* enum ordo_bpmn_class bits of 'kind' */
    uint32_t line;    /* source line, 0 when built in memory */
    uint32_t order;   /* position in document order, from 0 */

    /* The element as written. For CHARDATA and COMMENT nodes only 'text' is set. */
    const char *ns;     /* namespace URI, NULL for none */
    const char *prefix; /* prefix as written, NULL for none/default */
    const char *tag;    /* local name */
    const char *id;     /* the unqualified "id" attribute, or NULL */
    const char *name;   /* the unqualified "name" attribute, or NULL */
    const struct ordo_bpmn_attr *attrs;
    uint32_t nattrs;
    uint32_t nnsdecls;
    const struct ordo_bpmn_nsdecl *nsdecls; /* declarations written on this element */
    /* CHARDATA/COMMENT: their content. An element whose children are only text:
     * the whole text content. Otherwise NULL. */
    const char *text;
    bool cdata;        /* CHARDATA written as a CDATA section */
    bool in_extension; /* inside extensionElements or a foreign element */

    struct ordo_bpmn_node *parent, *first, *last, *next;

    /* Resolved by ordo_bpmn_model_index(); NULL/0 when absent or unresolved. */
    struct ordo_bpmn_node *source, *target;       /* flows, associations, conversation links */
    struct ordo_bpmn_node *attached_to;           /* boundary event: its host activity */
    struct ordo_bpmn_node *default_flow;          /* gateways and activities */
    struct ordo_bpmn_node *bpmn_element;          /* DI shape/edge/plane: the element shown */
    struct ordo_bpmn_node *di;                    /* semantic element: its first shape or edge */
    const struct ordo_bpmn_bounds *bounds;        /* BPMNShape: its dc:Bounds, if all numeric */
    struct ordo_bpmn_node **incoming, **outgoing; /* sequence flows, document order */
    uint32_t nincoming, noutgoing;
    uint32_t nevent_definitions; /* event: its event definition children */
};

struct ordo_bpmn_model; /* opaque: owns the arena, the root and the indexes */

/* An empty model with its own arena (for builders and the parser). */
struct ordo_bpmn_model *ordo_bpmn_model_new(void);
void ordo_bpmn_model_free(struct ordo_bpmn_model *model); /* NULL is a no-op */

struct ordo_arena *ordo_bpmn_model_arena(struct ordo_bpmn_model *model);
const struct ordo_bpmn_node *ordo_bpmn_model_root(const struct ordo_bpmn_model *model);
void ordo_bpmn_model_set_root(struct ordo_bpmn_model *model, struct ordo_bpmn_node *root);

/* Resolve references and build the indexes described at the top. Run once,
 * after the tree is complete; the parser does it. */
void ordo_bpmn_model_index(struct ordo_bpmn_model *model);

/* The element with that id (BPMN, DI and DC namespaces only; extension
 * elements' ids are theirs). A "prefix:" before the id is tried without the
 * prefix if the whole string is no id, since BPMN writes some references as
 * QNames. NULL if none. With duplicate ids the first in document order wins. */
const struct ordo_bpmn_node *ordo_bpmn_model_find(const struct ordo_bpmn_model *model,
                                                  const char *id);

/* Elements whose id repeats an earlier element's id, in document order. */
struct ordo_bpmn_duplicate {
    const struct ordo_bpmn_node *first;
    const struct ordo_bpmn_node *again;
};
const struct ordo_bpmn_duplicate *ordo_bpmn_model_duplicates(const struct ordo_bpmn_model *model,
                                                             size_t *count);

/* Number of nodes (elements, text and comments). */
size_t ordo_bpmn_model_node_count(const struct ordo_bpmn_model *model);

/* The kind of an element from its namespace URI and local name. */
enum ordo_bpmn_kind ordo_bpmn_kind_lookup(const char *ns, const char *local);
enum ordo_bpmn_nsid ordo_bpmn_nsid_of(const char *uri);
enum ordo_bpmn_kind ordo_bpmn_kind_lookup_nsid(enum ordo_bpmn_nsid nsid, const char *local);
/* "startEvent"; "unknown", "extension", "#text", "#comment" for the others. */
const char *ordo_bpmn_kind_name(enum ordo_bpmn_kind kind);
uint32_t ordo_bpmn_kind_classes(enum ordo_bpmn_kind kind);

static inline bool ordo_bpmn_is(const struct ordo_bpmn_node *n, enum ordo_bpmn_class c)
{
    return n && (n->classes & (uint32_t)c) != 0;
}

/* The value of attribute 'name' in namespace 'ns' (NULL: unqualified). */
const char *ordo_bpmn_attr_get(const struct ordo_bpmn_node *n, const char *ns, const char *name);

/* First child element of that kind, or NULL. */
const struct ordo_bpmn_node *ordo_bpmn_child(const struct ordo_bpmn_node *n,
                                             enum ordo_bpmn_kind kind);

/* The node after 'n' in document order (pre-order) within the subtree of
 * 'top', or NULL at its end: for (n = top; n; n = ordo_bpmn_next(top, n)). */
const struct ordo_bpmn_node *ordo_bpmn_next(const struct ordo_bpmn_node *top,
                                            const struct ordo_bpmn_node *n);

/* Can 'n' carry a default flow? Only exclusive, inclusive and complex
 * gateways and activities can (BPMN 2.0); elsewhere the attribute is kept
 * but means nothing. */
bool ordo_bpmn_has_default(const struct ordo_bpmn_node *n);

/* Is 'n' an element (not text or a comment)? */
static inline bool ordo_bpmn_is_element(const struct ordo_bpmn_node *n)
{
    return n->kind != ORDO_BPMN_CHARDATA && n->kind != ORDO_BPMN_COMMENT;
}

#endif
