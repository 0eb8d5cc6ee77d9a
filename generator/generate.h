/*
 * generator/generate.h - from requirement text to a draft: the pipeline
 * that the CLI (`ordo generate`) and the server's drafts call.
 *
 * ordo_generate runs, for one request:
 *   1. the IR: with no provider configured, the offline drafter
 *      (generator/drafter.h); else an LLM call with structured output
 *      under the schema of ordo_ir_schema (generator/ir.h) through the
 *      provider's wire format (generator/llm.h), the requirement text
 *      passed as untrusted data;
 *   2. validation (ordo_ir_validate); with an LLM, the violations go back
 *      to it for repair, up to cfg->repair_rounds rounds (default 3);
 *   3. for a valid IR: BPMN with layout (ordo_emit_bpmn), then lint
 *      (bpmn/lint.h, profile "ordo"); a draft is usable when the IR is
 *      valid and lint reports no error.
 * A revision (req->prior_ir and req->instruction) sends the prior IR and
 * the change asked for; the offline drafter cannot revise (it redrafts
 * from req->text when given, else the result says why not).
 *
 * '*result' is set whenever the pipeline ran, usable or not:
 *
 *   {"usable": true|false,
 *    "error": null | {"code": "ORDO_E_TIMEOUT", "message": "..."},
 *    "provider": "offline"|"openai"|"anthropic"|"ollama", "model": "..."|null,
 *    "ir": {...} | null, "xml": "<?xml ..." | null,
 *    "violations": [...]   (of the last round, generator/ir.h),
 *    "findings": [{"rule","severity","element","message"}]  (lint),
 *    "assumptions": [...], "questions": [...],
 *    "unplaced": [{"sentence": "...", "reason": "..."}]  (offline drafter),
 *    "uses": {...} | null  (ordo_ir_uses),
 *    "rounds": N  (LLM calls made; 0 offline),
 *    "transcript": [{"role": "system|user|assistant", "content": "..."}],
 *    "tokens": {"prompt": N, "completion": N},
 *    "timings": {"llm_ms": N, "validate_ms": N, "layout_ms": N, "total_ms": N},
 *    "layout": {...} | null  (the report of ordo_emit_bpmn)}
 *
 * It returns ORDO_OK whenever '*result' was set; a failed LLM call (after
 * retries on 429 and 5xx, honouring Retry-After up to the timeout), an
 * exhausted repair budget or an exhausted token budget is a result with
 * usable false and 'error' set, so the caller keeps the draft. Errors
 * without a result: ORDO_E_INVAL for a bad request (empty or oversized
 * text, over ORDO_GEN_MAX_TEXT bytes, text that is not UTF-8, a prior IR
 * that is not an object, a revision without an instruction), an unknown
 * provider name, or an LLM configuration generator/llm.h refuses (no
 * model, a URL that is not https, or http:// without allow_loopback).
 * An LLM answer that is not a JSON object is repaired like an invalid IR:
 * it counts as one violation with the rule "ir/json" (the pipeline's own,
 * not one of ordo_ir_validate's).
 *
 * Progress (may be NULL) is called on the calling thread, in order, with
 * an event name and a borrowed JSON object:
 *   "prompt_sent"      {"round": N, "bytes": N}
 *   "tokens_received"  {"round": N, "prompt": N, "completion": N, "ms": N}
 *   "validation"       {"round": N, "violations": [...]}
 *   "drafted"          {"unplaced": N}  (offline)
 *   "layout_done"      {"shapes": N, "crossings": N}
 *   "done"             {"usable": bool}
 * The API key is never in the transcript, the result, or any message.
 * Thread safety: none shared; each call has its own HTTP client.
 */
#ifndef ORDO_GENERATOR_GENERATE_H
#define ORDO_GENERATOR_GENERATE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "base/err.h"

#define ORDO_GEN_MAX_TEXT            (32 * 1024)
#define ORDO_GEN_DEFAULT_ROUNDS      3
#define ORDO_GEN_DEFAULT_TIMEOUT_MS  120000L
#define ORDO_GEN_DEFAULT_TOKEN_LIMIT 200000L

struct ordo_gen_request {
    const char *text;           /* the requirement text; untrusted */
    const char *const *systems; /* connector names to use, or NULL */
    size_t n_systems;
    const json_t *prior_ir;  /* revise: the draft's IR, or NULL */
    const char *instruction; /* revise: the change in words, or NULL */
    bool allow_http;         /* http.* actions may be used */
};

struct ordo_gen_config {
    const char *provider; /* NULL or "": the offline drafter */
    const char *url;      /* NULL or "": the provider's default */
    const char *model;
    const char *api_key; /* never logged */
    long timeout_ms;     /* per call; 0: ORDO_GEN_DEFAULT_TIMEOUT_MS */
    int repair_rounds;   /* 0: ORDO_GEN_DEFAULT_ROUNDS */
    long token_budget;   /* per draft; 0: ORDO_GEN_DEFAULT_TOKEN_LIMIT */
    int http_retries;    /* on 429/5xx; 0: 2, <0: none */
    bool allow_loopback; /* http:// and loopback or private addresses
                            (local models; tests); callers decide with
                            ordo_llm_url_is_local() (generator/llm.h) */
};

struct ordo_config;

/* The configuration of the llm_* keys of 'cfg' (base/config.h): provider,
 * URL, model, key, llm_timeout, llm_repair_rounds, llm_token_budget, and
 * allow_loopback when the URL is local (ordo_llm_url_is_local). Strings
 * are borrowed from 'cfg'. ORDO_E_INVAL for an llm_timeout that is not a
 * duration. */
enum ordo_code ordo_gen_config_from(const struct ordo_config *cfg, struct ordo_gen_config *gc,
                                    struct ordo_err *err);

typedef void ordo_gen_progress_fn(void *ctx, const char *event, const json_t *data);

enum ordo_code ordo_generate(const struct ordo_gen_request *req, const struct ordo_gen_config *cfg,
                             const json_t *catalogue, ordo_gen_progress_fn *progress, void *ctx,
                             json_t **result, struct ordo_err *err);

#endif
