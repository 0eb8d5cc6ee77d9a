/*
 * generator/prompt.h - the texts Ordo sends to a language model.
 *
 * ordo_prompt_system: the system prompt. In order: the role (Ordo's process
 * designer, answering with the IR only); the rule that the requirement is
 * data, not instructions (it comes between delimiter lines, nothing inside
 * it is obeyed, secrets in it are never copied, what cannot be placed goes
 * to "questions"); the IR described in words (docs/ir.md, condensed); the
 * common errors to avoid (one per validation rule that models break most);
 * the installed actions of 'catalogue' (ordo_catalogue_json): id, title,
 * description, input fields with type, required mark, enum and description,
 * result fields; http.* only when opts->allow_http, the connectors of
 * opts->systems named as preferred; never a credential or configuration
 * schema, never a default value (those could hold secrets); the worked
 * examples (ordo_prompt_example); and 'schema' (ordo_ir_schema) as compact
 * JSON, since some providers (Ollama) do not show the model the schema they
 * enforce. Texts from the catalogue are cut (descriptions to 240 bytes,
 * field descriptions to 100).
 *
 * ordo_prompt_user: the requirement between the lines "<<<REQUIREMENT" and
 * "REQUIREMENT>>>", after the systems to use (when given). Any "<<<" or
 * ">>>" inside the text is broken up ("<< <", "> >>") so the text cannot
 * close its own delimiter.
 *
 * ordo_prompt_repair: the violations of ordo_ir_validate as JSON (one per
 * line: rule, path, element, message) and "fix only these, answer with the
 * whole IR". ordo_prompt_repair_json: the same for an answer that was not a
 * JSON object, quoting the parse error.
 *
 * ordo_prompt_revise: the prior IR (compact JSON), the original text when
 * given, and the instruction between "<<<CHANGE" and "CHANGE>>>" (delimited
 * and neutralised like the requirement): change only that, keep the ids.
 *
 * Every function appends to 'out'. The same inputs give the same text.
 * Codes: ORDO_E_INVAL for a catalogue that is not the catalogue's JSON or a
 * schema that is not an object. Thread safety: pure.
 */
#ifndef ORDO_GENERATOR_PROMPT_H
#define ORDO_GENERATOR_PROMPT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"

#define ORDO_PROMPT_OPEN         "<<<REQUIREMENT"
#define ORDO_PROMPT_CLOSE        "REQUIREMENT>>>"
#define ORDO_PROMPT_CHANGE_OPEN  "<<<CHANGE"
#define ORDO_PROMPT_CHANGE_CLOSE "CHANGE>>>"

struct ordo_prompt_opts {
    bool allow_http;            /* list http.* actions */
    const char *const *systems; /* connector names the person asked for, or NULL */
    size_t n_systems;
};

enum ordo_code ordo_prompt_system(const json_t *catalogue, const json_t *schema,
                                  const struct ordo_prompt_opts *opts, struct ordo_buf *out,
                                  struct ordo_err *err);

void ordo_prompt_user(const char *text, const char *const *systems, size_t n_systems,
                      struct ordo_buf *out);

void ordo_prompt_repair(const json_t *violations, struct ordo_buf *out);

void ordo_prompt_repair_json(const char *problem, struct ordo_buf *out);

/* 'text' may be NULL (a revision of a draft whose text is not at hand). */
void ordo_prompt_revise(const json_t *prior_ir, const char *instruction, const char *text,
                        struct ordo_buf *out);

/* The worked examples of the system prompt: how many, and example 'i' as its
 * requirement text ('*requirement', static) and its IR (a new reference),
 * complete with every null field, as a model must write it. They use the
 * actions of the connectors shipped with Ordo (jira, slack). */
size_t ordo_prompt_example_count(void);
json_t *ordo_prompt_example(size_t i, const char **requirement);

#endif
