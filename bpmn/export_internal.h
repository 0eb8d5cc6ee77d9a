/*
 * bpmn/export_internal.h - what the export files share.
 *
 *   export.c        the copy of the model, editing it, the report, the entry
 *   export_c8.c     the Camunda 8 rules
 *   export_c7.c     the Camunda 7 rules
 *   export_form.c   ordo:form as a Camunda Form or as camunda:formData
 *   export_timer.c  cron in each target's own form
 *
 * The exported model is a copy whose nodes the exporter owns, so it edits
 * them in place and indexes the model once at the end.
 */
#ifndef ORDO_BPMN_EXPORT_INTERNAL_H
#define ORDO_BPMN_EXPORT_INTERNAL_H

#include "base/arena.h"
#include "bpmn/export.h"
#include "bpmn/model.h"

#define ORDO_EXPORT_NS_MODELER "http://camunda.org/schema/modeler/1.0"

struct ordo_export_state {
    struct ordo_arena *arena;      /* the result, its findings and forms */
    struct ordo_arena *model_mem;  /* the exported model's arena: its strings and nodes */
    struct ordo_bpmn_model *model; /* the copy being edited */
    struct ordo_bpmn_node *root;
    enum ordo_export_target target;
    struct ordo_export_finding *findings;
    size_t nfindings, cap_findings, lost;
    struct ordo_export_form *forms;
    size_t nforms, cap_forms;
};

void ordo_export_report(struct ordo_export_state *x, enum ordo_export_level level,
                        const struct ordo_bpmn_node *el, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* The nearest node with an id ('n' itself or an ancestor): the element a
 * finding about 'n' (a condition's text, an extension) names. */
const struct ordo_bpmn_node *ordo_export_owner(const struct ordo_bpmn_node *n);

/* 't' past its leading white space. */
const char *ordo_export_skip_space(const char *t);
/* Is 'text' (after white space) JUEL, "${" or "#{"? Whether it is one
 * expression and nothing else is for the JUEL reader to say. */
bool ordo_export_is_juel(const char *text);

/* A copy of 's' in the model's arena. */
const char *ordo_export_str(struct ordo_export_state *x, const char *s);

/* Set (replace or append) attribute ns:name; 'ns' NULL: unqualified. */
void ordo_export_attr_set(struct ordo_export_state *x, struct ordo_bpmn_node *n, const char *ns,
                          const char *prefix, const char *name, const char *value);
/* Remove attribute ns:name; true if it was there. */
bool ordo_export_attr_drop(struct ordo_bpmn_node *n, const char *ns, const char *name);

/* A new element, the last child of 'parent'. */
struct ordo_bpmn_node *ordo_export_element(struct ordo_export_state *x,
                                           struct ordo_bpmn_node *parent, const char *ns,
                                           const char *prefix, const char *tag);
void ordo_export_unlink(struct ordo_bpmn_node *n);
/* Replace the children of 'el' by one text node. */
void ordo_export_set_text(struct ordo_export_state *x, struct ordo_bpmn_node *el, const char *text);

/* The element's bpmn:extensionElements; created (where BPMN wants it: after
 * documentation) when 'create', else NULL when there is none. */
struct ordo_bpmn_node *ordo_export_extensions(struct ordo_export_state *x,
                                              struct ordo_bpmn_node *el, bool create);
/* The first ns:tag child element of 'parent', or NULL. */
struct ordo_bpmn_node *ordo_export_child(struct ordo_bpmn_node *parent, const char *ns,
                                         const char *tag);
/* The first ns:tag element in the element's extensionElements, or NULL. */
struct ordo_bpmn_node *ordo_export_ext_get(struct ordo_bpmn_node *el, const char *ns,
                                           const char *tag);
/* The same, created when missing. */
struct ordo_bpmn_node *ordo_export_ext_need(struct ordo_export_state *x, struct ordo_bpmn_node *el,
                                            const char *ns, const char *prefix, const char *tag);

/* The job type Ordo runs the element with: ordo:action, else
 * zeebe:taskDefinition type, else camunda:topic of camunda:type="external". */
const char *ordo_export_job_type(struct ordo_bpmn_node *el);

/* Does a message catch of this kind need zeebe:subscription in Camunda 8
 * (everything but a start event of a process)? */
bool ordo_export_is_message_catch(const struct ordo_bpmn_node *el);

/* The bpmn:message an event definition or receive task refers to, or NULL. */
struct ordo_bpmn_node *ordo_export_message_of(struct ordo_export_state *x,
                                              const struct ordo_bpmn_node *el);

/* Call 'fn' on every element of the copy in document order (BPMN
 * namespace, not inside extensions), listed before any edit so that edits
 * cannot upset the walk. */
typedef void ordo_export_element_fn(struct ordo_export_state *x, struct ordo_bpmn_node *el);
void ordo_export_each(struct ordo_export_state *x, ordo_export_element_fn *fn);

/* Drop every ordo: attribute of 'el' (mapping the ones the target has an
 * equivalent for is the caller's business before this), reporting each. */
void ordo_export_drop_ordo(struct ordo_export_state *x, struct ordo_bpmn_node *el);
/* Drop the other dialect's extensions from 'el': every attribute in namespace
 * 'ns' and every 'ns' element in its extensionElements, each reported as lost
 * ("prefix:name", "left out: <why>"), or as a note when 'harmless' (may be
 * NULL) says Ordo ignores that attribute too. Returns the extensionElements
 * (NULL when there are none), which may now be empty. */
struct ordo_bpmn_node *ordo_export_drop_dialect(struct ordo_export_state *x,
                                                struct ordo_bpmn_node *el, const char *ns,
                                                const char *prefix, const char *why,
                                                bool (*harmless)(const char *name));

void ordo_export_c8(struct ordo_export_state *x);
void ordo_export_c7(struct ordo_export_state *x);

/* Add a form document to the result, which takes the reference 'doc'. */
void ordo_export_form_add(struct ordo_export_state *x, const char *id,
                          const struct ordo_bpmn_node *el, json_t *doc);
/* ordo:form of 'el' as a Camunda Form added to the result; returns its id,
 * or NULL (reported) when the form is not a JSON object. */
const char *ordo_export_form_c8(struct ordo_export_state *x, struct ordo_bpmn_node *el,
                                const char *schema_text);
/* ordo:form of 'el' as camunda:formData in its extensionElements. */
void ordo_export_form_c7(struct ordo_export_state *x, struct ordo_bpmn_node *el,
                         const char *schema_text);

/* A timer's text in the target's form: cron is rewritten (six fields for
 * Camunda 8, Quartz with "?" for Camunda 7), everything else is returned as
 * it is. NULL with '*why' set when the cron expression has no equivalent. */
const char *ordo_export_timer(struct ordo_export_state *x, const char *text, const char **why);

#endif
