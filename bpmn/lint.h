/*
 * bpmn/lint.h - modelling and executability checks on a BPMN model.
 *
 * Rules have stable ids. The modelling rules are bpmnlint's `recommended`
 * set under the same ids and with the same default severities, so a finding
 * means the same thing in Ordo, bpmn-js and Camunda Modeler. Where Ordo
 * deliberately differs (it derives incoming/outgoing flows from sourceRef and
 * targetRef, and resolves QName references), docs/lint.md says so. Ordo's own
 * rules ("ordo/...") cover what the engine needs to execute a model.
 *
 * Profiles: "ordo" (the default) is bpmnlint's recommended set with
 * no-inclusive-gateway off (Ordo executes inclusive gateways) plus Ordo's
 * rules; "bpmnlint" is exactly bpmnlint's recommended set.
 *
 * Lint never fails on a model: problems are findings. Thread-safe.
 */
#ifndef ORDO_BPMN_LINT_H
#define ORDO_BPMN_LINT_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "bpmn/model.h"

enum ordo_lint_severity {
    ORDO_LINT_OFF = 0,
    ORDO_LINT_WARN,
    ORDO_LINT_ERROR,
};

enum ordo_lint_profile {
    ORDO_LINT_PROFILE_ORDO = 0,
    ORDO_LINT_PROFILE_BPMNLINT,
};

struct ordo_lint_finding {
    const char *rule;    /* "label-required", "ordo/duplicate-id" */
    const char *element; /* id of the element concerned; NULL if it has none */
    enum ordo_lint_severity severity;
    const char *message;
    uint32_t line; /* source line of the element, 0 if unknown */
};

struct ordo_lint_report {
    const struct ordo_lint_finding *findings; /* by line, then rule, element, message */
    size_t count;
    size_t errors;
    size_t warnings;
};

#define ORDO_LINT_MAX_RULES 64

struct ordo_lint_config {
    enum ordo_lint_severity severity[ORDO_LINT_MAX_RULES]; /* by rule index */
};

/* The rules, in a stable order, with their default severity in a profile. */
size_t ordo_lint_rule_count(void);
const char *ordo_lint_rule_id(size_t index);
const char *ordo_lint_rule_summary(size_t index);
enum ordo_lint_severity ordo_lint_rule_default(size_t index, enum ordo_lint_profile profile);

const char *ordo_lint_severity_name(enum ordo_lint_severity s); /* "off", "warn", "error" */

/* "ordo" or "bpmnlint"; ORDO_E_INVAL otherwise. */
enum ordo_code ordo_lint_profile_parse(const char *name, enum ordo_lint_profile *out,
                                       struct ordo_err *err);

void ordo_lint_config_init(struct ordo_lint_config *cfg, enum ordo_lint_profile profile);

/* Set one rule from "RULE=off|warn|error"; ORDO_E_INVAL for an unknown rule
 * or severity, naming it. */
enum ordo_code ordo_lint_config_set(struct ordo_lint_config *cfg, const char *assignment,
                                    struct ordo_err *err);

/* Run the enabled rules. The report and its strings live in 'arena'. */
void ordo_lint_run(const struct ordo_bpmn_model *model, const struct ordo_lint_config *cfg,
                   struct ordo_arena *arena, struct ordo_lint_report *out);

#endif
