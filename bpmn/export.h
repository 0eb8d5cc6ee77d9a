/*
 * bpmn/export.h - a model exported for Camunda 8 or Camunda 7 (issue 9).
 *
 * The export is a new model: a copy of the input with Ordo's own
 * extensions turned into the target's (or left out), the target's
 * execution platform on <definitions>, and BPMN DI untouched, so Camunda
 * Modeler shows the same diagram. Nothing is dropped silently: every
 * change that matters is a finding in the report, with the element id.
 *
 * Camunda 8 (docs/camunda-export.md has the table):
 *   ordo:action            zeebe:taskDefinition type (the action id, CONTRACTS §1)
 *   ordo:credential        zeebe:taskHeaders header "ordo:credential"
 *   ordo:form              a Camunda Form (JSON) with zeebe:formDefinition formId;
 *                          the form documents are in the result
 *   user tasks             zeebe:userTask (a Camunda user task, 8.5+)
 *   conditions             FEEL with "=", JUEL translated to FEEL
 *   timers                 cron in the six-field form (seconds first)
 *   message catches        zeebe:subscription correlationKey; one without is reported
 *   ordo:notify, ordo:webhook   no equivalent: left out, reported
 * Camunda 7:
 *   job types              camunda:type="external" camunda:topic
 *   zeebe:ioMapping        camunda:inputOutput, FEEL sources as JUEL
 *   assignment             camunda:assignee, candidateGroups, candidateUsers
 *   ordo:form              camunda:formData
 *   conditions             JUEL ${...} translated from FEEL (ordo_feel_to_juel)
 *   timers                 cron in Quartz form (with "?")
 *   processes              camunda:historyTimeToLive when executable
 *   every other zeebe: extension is left out and reported.
 * An expression outside the translatable subset is kept as written and
 * reported as lost, so the user sees exactly what to rewrite; the export
 * still reads back into Ordo unchanged in behaviour.
 *
 * Thread-safe: no state outside the call.
 */
#ifndef ORDO_BPMN_EXPORT_H
#define ORDO_BPMN_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "base/err.h"
#include "bpmn/model.h"

#define ORDO_EXPORT_C8_VERSION "8.6.0"
#define ORDO_EXPORT_C7_VERSION "7.21.0"
#define ORDO_EXPORT_C7_HTTL    "180" /* camunda:historyTimeToLive, in days */

enum ordo_export_target {
    ORDO_EXPORT_CAMUNDA8,
    ORDO_EXPORT_CAMUNDA7,
};

/* What became of one thing of the model. */
enum ordo_export_level {
    ORDO_EXPORT_MAPPED, /* turned into the target's equivalent */
    ORDO_EXPORT_NOTE,   /* kept or left out on purpose: worth knowing, nothing lost */
    ORDO_EXPORT_LOST,   /* could not be translated: the target runs it differently */
};

struct ordo_export_finding {
    enum ordo_export_level level;
    const char *element; /* the element's id, or NULL for the document */
    const char *what;    /* "ordo:action", "condition", "timer", ... */
    const char *message; /* what was done and why */
};

/* A Camunda Form (Camunda 8) made from an ordo:form. */
struct ordo_export_form {
    const char *id;      /* the formId the user task names; the file is "<id>.form" */
    const char *element; /* the user task or start event */
    json_t *doc;         /* owned by the result */
};

struct ordo_export_result {
    struct ordo_bpmn_model *model; /* the exported model (bpmn/write.h writes it) */
    const struct ordo_export_finding *findings;
    size_t nfindings;
    size_t lost; /* findings at ORDO_EXPORT_LOST */
    const struct ordo_export_form *forms;
    size_t nforms;
    struct ordo_export_state *state; /* private */
};

/* "camunda8" or "camunda7"; ORDO_E_INVAL naming the choices otherwise. */
enum ordo_code ordo_export_target_parse(const char *name, enum ordo_export_target *out,
                                        struct ordo_err *err);
const char *ordo_export_target_name(enum ordo_export_target target);
const char *ordo_export_level_name(enum ordo_export_level level); /* "mapped", "note", "lost" */

/* Export 'in' (indexed, as bpmn/parse.h returns it). On success '*out' is a
 * new result (free it with ordo_export_result_free()). ORDO_E_INVAL for a
 * model without a root. 'in' is not changed and may be freed before the
 * result. */
enum ordo_code ordo_bpmn_export(const struct ordo_bpmn_model *in, enum ordo_export_target target,
                                struct ordo_export_result **out, struct ordo_err *err);

void ordo_export_result_free(struct ordo_export_result *r); /* NULL is a no-op */

/* For a caller that hands out the BPMN alone: a note for each form that
 * it leaves out (CONTRACTS §11), naming the user task and 'how' to get it. */
void ordo_export_note_forms_left_out(struct ordo_export_result *r, const char *how);

/* The findings as a JSON array of {"element","what","level","message"}
 * (a new reference). */
json_t *ordo_export_report_json(const struct ordo_export_result *r);

/* The document the CLI's --json and the API's JSON answer give:
 * {"target":"camunda8","bpmn":"<xml>","forms":{"<formId>":{...}},
 *  "report":[...],"lost":N} (a new reference). */
json_t *ordo_export_json(const struct ordo_export_result *r, enum ordo_export_target target,
                         const char *bpmn);

#endif
