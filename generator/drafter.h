/*
 * generator/drafter.h - the offline drafter: structured plain language to
 * the IR, deterministically, with no LLM (docs/writing-requirements.md is
 * the style it understands).
 *
 * It reads the text as steps (numbered or bulleted lines, else sentences)
 * and recognises: triggers ("when BambooHR reports a new hire", "every
 * Monday at 9:00"); "if ... otherwise ..."; "at the same time" / "in
 * parallel"; "X approves ..." (a user task for the role X); "wait for ...";
 * "if nobody answers within 2 days, ..." (a boundary timer); loops back
 * ("goes back to ... and checks again"); and actions matched from verbs and
 * nouns through each action's id, title, description and keywords in
 * 'catalogue' (ordo_catalogue_json), preferring the connectors named in
 * 'systems' (may be NULL).
 *
 * '*ir' is the IR (generator/ir.h), which the caller validates; its
 * "assumptions" say what was filled in (a role, a channel, a variable) and
 * "questions" what a person must decide. '*unplaced' is an array of
 * {"sentence": "...", "reason": "..."}: every piece of the text that is
 * not in the process, in text order (hostile or out-of-scope text ends up
 * here, never in an expression). Same input, same output.
 *
 * Codes: ORDO_E_INVAL for NULL arguments, empty (or white-space) text, a
 * text over ORDO_GEN_MAX_TEXT (generator/generate.h) or a catalogue without
 * a "connectors" list, with both outputs left alone; ORDO_E_UNPROCESSABLE
 * when not one task could be placed - a trigger or a wait alone is no
 * process - with '*ir' NULL and '*unplaced' set (every sentence in it).
 * Outputs are new references the caller owns. Thread safety: pure.

 */
#ifndef ORDO_GENERATOR_DRAFTER_H
#define ORDO_GENERATOR_DRAFTER_H

#include <stddef.h>

#include <jansson.h>

#include "base/err.h"

enum ordo_code ordo_drafter_run(const char *text, const json_t *catalogue,
                                const char *const *systems, size_t n_systems, json_t **ir,
                                json_t **unplaced, struct ordo_err *err);

#endif
