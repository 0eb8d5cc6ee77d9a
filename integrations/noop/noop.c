/*
 * integrations/noop/noop.c - the "noop" connector: an action that does
 * nothing and succeeds.
 *
 * noop.complete finishes a service task at once with no output variables.
 * It stands in for the engine's former built-in no-op handler, so that a
 * process whose tasks are not bound to real services yet (a draft from the
 * generator, a demo) runs end to end. It takes any input and ignores it,
 * needs no credential and makes no calls.
 */
#include <stddef.h>

#include "ordo/connector.h"

static enum ordo_connector_result complete_cb(const struct ordo_connector_call *call,
                                              struct ordo_connector_outcome *out)
{
    (void)call;
    out->output = NULL; /* no variables */
    return ORDO_CONNECTOR_OK;
}

static const char *const noop_keywords[] = {"noop", "placeholder", "skip", "nothing", NULL};
static const char *const complete_keywords[] = {"complete", "continue", "placeholder", "no-op",
                                                NULL};

static const struct ordo_connector_action noop_actions[] = {
    {
        .id = "noop.complete",
        .title = "Complete without doing anything",
        .description = "Completes the task at once and sets no variables. Use it as a "
                       "placeholder for a step that is not automated yet.",
        .keywords = complete_keywords,
        /* Any input is accepted and ignored: a placeholder may be bound to a
         * task whose input mappings were written for the real action. */
        .input_schema = "{\"type\":\"object\",\"properties\":{}}",
        .output_schema = "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}",
        .bpmn_errors = NULL,
        .timeout_ms = 1000,
        .invoke = complete_cb,
    },
};

ORDO_CONNECTOR_DEFINE(.name = "noop", .version = "1.0.0", .title = "No operation",
                      .description = "An action that does nothing and succeeds, for placeholder "
                                     "tasks and demos.",
                      .keywords = noop_keywords, .config_schema = NULL, .credential_schema = NULL,
                      .test_credentials = NULL, .actions = noop_actions,
                      .nactions = sizeof(noop_actions) / sizeof(noop_actions[0]),
                      .max_concurrency = 0, .init = NULL, .fini = NULL);
