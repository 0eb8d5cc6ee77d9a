/*
 * plugins/catalogue.h - the catalogue of installed actions: as JSON for the
 * generator and people, and as Camunda 8 element templates for Camunda
 * Modeler (docs/connectors-catalogue.md).
 *
 * Input is an array of connector descriptors the loader has accepted
 * (plugins/loader.h; ordo_registry_descriptors() gives those of the
 * registry): magic, ABI and sizes checked, action ids valid, schemas
 * parsed. Actions are read only through
 * ordo_descriptor_action() (plugins/descriptor.h), so a plugin built with a
 * larger action struct than the host's is read at its own stride.
 *
 * The catalogue (ordo_catalogue_json), sorted by connector name and then
 * action id, with every schema parsed from the descriptor's text:
 *
 *   {"catalogue_version": 1,
 *    "connectors": [{"name": "slack", "title": "Slack", "version": "1.2.0",
 *       "description": "...", "keywords": ["chat"],
 *       "config_schema": {...} | null,
 *       "credential_schema": {...} | null,
 *       "actions": [{"id": "slack.post_message", "title": "...", "description": "...",
 *          "keywords": [], "input_schema": {...}, "output_schema": {...},
 *          "bpmn_errors": ["channel_not_found"], "timeout_ms": 30000}]}]}
 *
 *   - A NULL title falls back to the name (the id for an action), a NULL
 *     version or description to "", a NULL keyword or error list to [].
 *   - 'credential_schema' is reduced to what a form needs to ask for the
 *     secret: type, and per field type, title, description and format, and
 *     'required'. Anything else, a 'default' in particular (which could be a
 *     real token), is left out. 'config_schema' is passed on whole: it
 *     holds no secrets.
 *   - A NULL input or output schema is written as the empty object schema
 *     {"type": "object", "properties": {}}.
 *   - 'timeout_ms' is the effective budget of one attempt: 0 in the
 *     descriptor means ORDO_PLUGIN_DEFAULT_TIMEOUT_MS (30000).
 *
 * Element templates (ordo_catalogue_element_template): one per action,
 * valid against @camunda/zeebe-element-templates-json-schema (checked by
 * tests/oracle/element-templates.js). The task is a bpmn:ServiceTask whose
 * zeebe:taskDefinition type is the action id (CONTRACTS §1) and whose
 * inputs are zeebe:input mappings named after the input schema's fields.
 * The credential is the task header ORDO_CATALOGUE_CREDENTIAL_HEADER: an
 * element template can only write zeebe: extensions reliably, not the
 * ordo:credential attribute (the reasons are in
 * docs/connectors-catalogue.md), so the engine reads that header when the
 * attribute is absent.
 *
 * Codes: ORDO_E_UNPROCESSABLE when a schema text is not a JSON object (the
 * loader should have refused the descriptor; the message names the
 * connector, the action and the schema), ORDO_E_INVAL for NULL arguments.
 * '*out' is set only on ORDO_OK, a new reference the caller owns.
 *
 * Thread safety: none needed; descriptors are read-only and every call
 * builds new values.
 */
#ifndef ORDO_PLUGINS_CATALOGUE_H
#define ORDO_PLUGINS_CATALOGUE_H

#include <stddef.h>

#include <jansson.h>

#include "base/err.h"
#include "ordo/connector.h"

#define ORDO_CATALOGUE_VERSION 1

/* The element templates' "$schema", "version" and id prefix. */
#define ORDO_CATALOGUE_TEMPLATE_SCHEMA \
    "https://unpkg.com/@camunda/zeebe-element-templates-json-schema/resources/schema.json"
#define ORDO_CATALOGUE_TEMPLATE_VERSION   1
#define ORDO_CATALOGUE_TEMPLATE_ID_PREFIX "io.ordo."

/* The zeebe:taskHeaders key an element template binds the credential name
 * to (the attribute ordo:credential means the same, CONTRACTS §2). */
#define ORDO_CATALOGUE_CREDENTIAL_HEADER "ordo:credential"

/* The catalogue of the 'n' connectors in 'connectors' (NULL allowed when
 * 'n' is 0). */
enum ordo_code ordo_catalogue_json(const struct ordo_connector *const *connectors, size_t n,
                                   json_t **out, struct ordo_err *err);

/* The element template of action 'a' of connector 'c' ('a' as returned by
 * ordo_descriptor_action(c, i)). */
enum ordo_code ordo_catalogue_element_template(const struct ordo_connector *c,
                                               const struct ordo_connector_action *a, json_t **out,
                                               struct ordo_err *err);

/* An array of the element templates of every action, in catalogue order;
 * a file with this array is what Camunda Modeler loads. */
enum ordo_code ordo_catalogue_element_templates(const struct ordo_connector *const *connectors,
                                                size_t n, json_t **out, struct ordo_err *err);

#endif
