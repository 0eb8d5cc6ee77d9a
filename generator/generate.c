/*
 * generator/generate.c - the pipeline of generator/generate.h: text -> IR
 * (offline drafter or LLM with repair rounds) -> validation -> BPMN with
 * layout -> lint, collected into one result object.
 *
 * The result is built from the start, so every way out (a provider error, a
 * spent budget, an IR that stays invalid, a lint error) leaves a complete
 * object with what was reached. The LLM sees, per round: the system prompt,
 * the first user message, and for a repair only its last answer and the
 * repair message about it, not every earlier round: the violations refer
 * to that answer, and the conversation would otherwise grow with each round
 * (the transcript keeps everything).
 *
 * An answer that is not a JSON object counts as one violation with the rule
 * "ir/json" (not an ordo_ir_validate rule: the pipeline's own), so the
 * result and the progress events say why the round failed.
 */
#include "generator/generate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/duration.h"
#include "base/text.h"
#include "bpmn/lint.h"
#include "bpmn/parse.h"
#include "generator/drafter.h"
#include "generator/emit.h"
#include "generator/ir.h"
#include "generator/llm.h"
#include "generator/prompt.h"

struct gen {
    const struct ordo_gen_request *req;
    const struct ordo_gen_config *cfg;
    const json_t *catalogue;
    ordo_gen_progress_fn *progress;
    void *ctx;
    struct ordo_ir_opts iropts;
    json_t *result;     /* the object handed out */
    json_t *transcript; /* borrowed from 'result' */
    json_t *ir;         /* the newest IR, owned */
    json_t *violations; /* of the last round, owned */
    int64_t t0;
    int64_t llm_ms, validate_ms, layout_ms;
    int64_t prompt_tokens, completion_tokens;
    int rounds;
};

/* ---- the result ------------------------------------------------------------------------------ */

static void emit_event(struct gen *g, const char *event, json_t *data)
{
    if (g->progress) {
        g->progress(g->ctx, event, data);
    }
    json_decref(data);
}

static void set_error(struct gen *g, enum ordo_code code, const char *msg)
{
    if (json_is_null(json_object_get(g->result, "error"))) {
        (void)json_object_set_new(
            g->result, "error",
            json_pack("{s:s, s:s}", "code", ordo_code_name(code), "message", msg));
    }
}

static void add_transcript(struct gen *g, const char *role, const char *content)
{
    (void)json_array_append_new(g->transcript,
                                json_pack("{s:s, s:s}", "role", role, "content", content));
}

static json_t *new_result(const struct gen *g, bool offline)
{
    const char *model = !offline && g->cfg->model && g->cfg->model[0] ? g->cfg->model : NULL;

    return json_pack("{s:b, s:n, s:s, s:s?, s:n, s:n, s:[], s:[], s:[], s:[], s:[], s:n, s:i, "
                     "s:[], s:{s:i, s:i}, s:{}, s:n}",
                     "usable", 0, "error", "provider", offline ? "offline" : g->cfg->provider,
                     "model", model, "ir", "xml", "violations", "findings", "assumptions",
                     "questions", "unplaced", "uses", "rounds", 0, "transcript", "tokens", "prompt",
                     0, "completion", 0, "timings", "layout");
}

/* Copy the IR's assumptions and questions (when they are lists) into the result. */
static void copy_notes(struct gen *g)
{
    static const char *const keys[] = {"assumptions", "questions"};

    for (size_t k = 0; k < 2; k++) {
        const json_t *list = json_object_get(g->ir, keys[k]);
        size_t i;
        const json_t *v;

        json_array_foreach(list, i, v)
        {
            if (json_is_string(v)) {
                (void)json_array_append(json_object_get(g->result, keys[k]), (json_t *)v);
            }
        }
    }
}

static void close_result(struct gen *g)
{
    json_t *r = g->result;

    if (g->ir) {
        (void)json_object_set(r, "ir", g->ir);
        copy_notes(g);
    }
    if (g->violations) {
        (void)json_object_set(r, "violations", g->violations);
    }
    (void)json_object_set_new(r, "rounds", json_integer(g->rounds));
    (void)json_object_set_new(r, "tokens",
                              json_pack("{s:I, s:I}", "prompt", (json_int_t)g->prompt_tokens,
                                        "completion", (json_int_t)g->completion_tokens));
    (void)json_object_set_new(r, "timings",
                              json_pack("{s:I, s:I, s:I, s:I}", "llm_ms", (json_int_t)g->llm_ms,
                                        "validate_ms", (json_int_t)g->validate_ms, "layout_ms",
                                        (json_int_t)g->layout_ms, "total_ms",
                                        (json_int_t)(ordo_clock_mono_ms() - g->t0)));
    emit_event(g, "done", json_pack("{s:O}", "usable", json_object_get(r, "usable")));
}

/* ---- validation, emission, lint -------------------------------------------------------------- */

/* Validate g->ir into g->violations; false when that could not run (the
 * error is in the result). */
static bool validate(struct gen *g, int round)
{
    struct ordo_err err = {0};
    int64_t t = ordo_clock_mono_ms();
    json_t *v = NULL;

    if (ordo_ir_validate(g->ir, g->catalogue, &g->iropts, &v, &err) != ORDO_OK) {
        set_error(g, err.code, err.msg);
        return false;
    }
    g->validate_ms += ordo_clock_mono_ms() - t;
    json_decref(g->violations);
    g->violations = v;
    emit_event(g, "validation", json_pack("{s:i, s:O}", "round", round, "violations", v));
    return true;
}

static json_t *findings_json(const struct ordo_lint_report *rep)
{
    json_t *arr = json_array();

    for (size_t i = 0; i < rep->count; i++) {
        const struct ordo_lint_finding *f = &rep->findings[i];

        (void)json_array_append_new(arr, json_pack("{s:s, s:s, s:s?, s:s}", "rule", f->rule,
                                                   "severity", ordo_lint_severity_name(f->severity),
                                                   "element", f->element, "message", f->message));
    }
    return arr;
}

/* Lint the XML (profile ordo); the number of errors, or -1 when it does
 * not even parse (the error is in the result). */
static long lint(struct gen *g, const struct ordo_buf *xml)
{
    struct ordo_bpmn_model *model = NULL;
    struct ordo_lint_config lc;
    struct ordo_lint_report rep;
    struct ordo_arena *arena;
    struct ordo_err err = {0};
    long errors;

    if (ordo_bpmn_parse(xml->data, xml->len, NULL, &model, &err) != ORDO_OK) {
        set_error(g, ORDO_E_INTERNAL, err.msg);
        return -1;
    }
    arena = ordo_arena_new();
    ordo_lint_config_init(&lc, ORDO_LINT_PROFILE_ORDO);
    ordo_lint_run(model, &lc, arena, &rep);
    (void)json_object_set_new(g->result, "findings", findings_json(&rep));
    errors = (long)rep.errors;
    ordo_arena_free(arena);
    ordo_bpmn_model_free(model);
    return errors;
}

/* A valid IR to BPMN: uses, XML with layout, lint; usable when lint finds
 * no error. */
static void finish(struct gen *g)
{
    struct ordo_buf xml = ORDO_BUF_INIT;
    struct ordo_err err = {0};
    json_t *uses = NULL, *report = NULL;
    int64_t t = ordo_clock_mono_ms();
    long errors;

    if (ordo_ir_uses(g->ir, &uses, &err) == ORDO_OK) {
        (void)json_object_set_new(g->result, "uses", uses);
    }
    if (ordo_emit_bpmn(g->ir, &xml, &report, &err) != ORDO_OK) {
        set_error(g, err.code ? err.code : ORDO_E_INTERNAL, err.msg);
        ordo_buf_cleanup(&xml);
        return;
    }
    (void)json_object_set_new(g->result, "layout", report);
    (void)json_object_set_new(g->result, "xml", json_stringn(xml.data, xml.len));
    emit_event(g, "layout_done",
               json_pack("{s:O?, s:O?}", "shapes", json_object_get(report, "shapes"), "crossings",
                         json_object_get(report, "crossings")));
    errors = lint(g, &xml);
    g->layout_ms += ordo_clock_mono_ms() - t;
    ordo_buf_cleanup(&xml);
    if (errors == 0) {
        (void)json_object_set_new(g->result, "usable", json_true());
    } else if (errors > 0) {
        char msg[128];

        (void)snprintf(msg, sizeof msg, "lint found %ld error(s) in the generated BPMN", errors);
        set_error(g, ORDO_E_UNPROCESSABLE, msg);
    }
}

/* ---- the offline drafter --------------------------------------------------------------------- */

static enum ordo_code run_offline(struct gen *g, struct ordo_err *err)
{
    struct ordo_err derr = {0};
    json_t *unplaced = NULL;
    enum ordo_code rc;

    if (!g->req->text || !g->req->text[0]) {
        set_error(g, ORDO_E_UNPROCESSABLE,
                  "the offline drafter cannot revise a draft: configure an LLM provider "
                  "(llm_provider), or draft again from the text");
        return ORDO_OK;
    }
    rc = ordo_drafter_run(g->req->text, g->catalogue, g->req->systems, g->req->n_systems, &g->ir,
                          &unplaced, &derr);
    if (unplaced) {
        (void)json_object_set_new(g->result, "unplaced", unplaced);
    }
    if (rc == ORDO_E_INVAL) {
        return ordo_err_set(err, rc, "%s", derr.msg);
    }
    if (rc != ORDO_OK) {
        set_error(g, rc, derr.msg);
        return ORDO_OK;
    }
    emit_event(g, "drafted",
               json_pack("{s:i}", "unplaced",
                         (int)json_array_size(json_object_get(g->result, "unplaced"))));
    if (!validate(g, 0)) {
        return ORDO_OK;
    }
    if (json_array_size(g->violations)) {
        char msg[128];

        (void)snprintf(msg, sizeof msg, "the offline draft has %zu violation(s)",
                       json_array_size(g->violations));
        set_error(g, ORDO_E_UNPROCESSABLE, msg);
        return ORDO_OK;
    }
    finish(g);
    return ORDO_OK;
}

/* ---- the LLM --------------------------------------------------------------------------------- */

struct conversation {
    struct ordo_llm *llm;
    json_t *schema;
    struct ordo_buf system, first, repair;
    char *last_answer; /* the model's last text, for the repair turn */
};

static void conversation_cleanup(struct conversation *c)
{
    ordo_llm_free(c->llm);
    json_decref(c->schema);
    ordo_buf_cleanup(&c->system);
    ordo_buf_cleanup(&c->first);
    ordo_buf_cleanup(&c->repair);
    free(c->last_answer);
}

/* The schema, the system prompt and the first user message. */
static enum ordo_code prepare(struct gen *g, struct conversation *c, struct ordo_err *err)
{
    const struct ordo_gen_request *req = g->req;
    struct ordo_prompt_opts popts = {
        .allow_http = req->allow_http, .systems = req->systems, .n_systems = req->n_systems};
    enum ordo_code rc = ordo_ir_schema(g->catalogue, &g->iropts, &c->schema, err);

    if (rc == ORDO_OK) {
        rc = ordo_prompt_system(g->catalogue, c->schema, &popts, &c->system, err);
    }
    if (rc != ORDO_OK) {
        return rc;
    }
    if (req->prior_ir) {
        ordo_prompt_revise(req->prior_ir, req->instruction, req->text, &c->first);
    } else {
        ordo_prompt_user(req->text, req->systems, req->n_systems, &c->first);
    }
    add_transcript(g, "system", ordo_buf_cstr(&c->system));
    add_transcript(g, "user", ordo_buf_cstr(&c->first));
    return ORDO_OK;
}

/* One LLM call of round 'round'; its answer's tokens counted and its text
 * kept in the transcript. */
static enum ordo_code ask(struct gen *g, struct conversation *c, int round,
                          struct ordo_llm_answer *ans, struct ordo_err *err)
{
    struct ordo_llm_message msgs[4] = {{"system", ordo_buf_cstr(&c->system)},
                                       {"user", ordo_buf_cstr(&c->first)},
                                       {"assistant", c->last_answer},
                                       {"user", ordo_buf_cstr(&c->repair)}};
    size_t n = c->last_answer ? 4 : 2;
    size_t bytes = 0;
    int64_t t = ordo_clock_mono_ms();
    enum ordo_code rc;

    for (size_t i = 0; i < n; i++) {
        bytes += strlen(msgs[i].content);
    }
    emit_event(g, "prompt_sent",
               json_pack("{s:i, s:I}", "round", round, "bytes", (json_int_t)bytes));
    rc = ordo_llm_call(c->llm, msgs, n, c->schema, ans, err);
    t = ordo_clock_mono_ms() - t;
    g->llm_ms += t;
    g->rounds++;
    g->prompt_tokens += ans->prompt_tokens;
    g->completion_tokens += ans->completion_tokens;
    emit_event(g, "tokens_received",
               json_pack("{s:i, s:I, s:I, s:I}", "round", round, "prompt",
                         (json_int_t)ans->prompt_tokens, "completion",
                         (json_int_t)ans->completion_tokens, "ms", (json_int_t)t));
    if (ans->text) {
        add_transcript(g, "assistant", ans->text);
    }
    return rc;
}

/* Judge the answer of one round: ORDO_OK and an empty g->violations when
 * the IR is valid; ORDO_E_UNPROCESSABLE with the repair message written
 * when it can be repaired; any other code ends the conversation (the error
 * is in the result). */
static enum ordo_code judge(struct gen *g, struct conversation *c, int round,
                            struct ordo_llm_answer *ans, enum ordo_code rc,
                            const struct ordo_err *cerr)
{
    ordo_buf_reset(&c->repair);
    if (rc == ORDO_E_UNPROCESSABLE) {
        json_decref(g->violations);
        g->violations = json_pack("[{s:s, s:s, s:n, s:s}]", "rule", "ir/json", "path", "",
                                  "element", "message", cerr->msg);
        emit_event(g, "validation",
                   json_pack("{s:i, s:O}", "round", round, "violations", g->violations));
        ordo_prompt_repair_json(cerr->msg, &c->repair);
    } else if (rc != ORDO_OK) {
        set_error(g, rc, cerr->msg);
        return rc;
    } else {
        json_decref(g->ir);
        g->ir = ans->ir;
        ans->ir = NULL;
        if (!validate(g, round)) {
            return ORDO_E_INTERNAL;
        }
        if (json_array_size(g->violations) == 0) {
            return ORDO_OK;
        }
        ordo_prompt_repair(g->violations, &c->repair);
    }
    free(c->last_answer);
    c->last_answer = ans->text;
    ans->text = NULL;
    return ORDO_E_UNPROCESSABLE;
}

static void budget_spent(struct gen *g, long budget, int round)
{
    char msg[200];

    (void)snprintf(msg, sizeof msg,
                   "the token budget of %ld tokens per draft is used up (%lld used) after %d "
                   "round(s)",
                   budget, (long long)g->prompt_tokens + (long long)g->completion_tokens,
                   round - 1);
    set_error(g, ORDO_E_TOOBIG, msg);
}

static void converse(struct gen *g, struct conversation *c)
{
    int rounds = 1 + (g->cfg->repair_rounds > 0 ? g->cfg->repair_rounds : ORDO_GEN_DEFAULT_ROUNDS);
    long budget = g->cfg->token_budget > 0 ? g->cfg->token_budget : ORDO_GEN_DEFAULT_TOKEN_LIMIT;

    for (int round = 1; round <= rounds; round++) {
        struct ordo_llm_answer ans;
        struct ordo_err cerr = {0};
        enum ordo_code rc;

        if (round > 1 && g->prompt_tokens + g->completion_tokens >= budget) {
            budget_spent(g, budget, round);
            return;
        }
        rc = ask(g, c, round, &ans, &cerr);
        rc = judge(g, c, round, &ans, rc, &cerr);
        ordo_llm_answer_cleanup(&ans);
        if (rc == ORDO_OK) {
            finish(g);
            return;
        }
        if (rc != ORDO_E_UNPROCESSABLE) {
            return;
        }
        if (round < rounds) {
            add_transcript(g, "user", ordo_buf_cstr(&c->repair));
        }
    }
    {
        char msg[200];

        (void)snprintf(msg, sizeof msg,
                       "the draft still has %zu violation(s) after %d repair round(s)",
                       json_array_size(g->violations), rounds - 1);
        set_error(g, ORDO_E_UNPROCESSABLE, msg);
    }
}

static enum ordo_code run_llm(struct gen *g, struct ordo_err *err)
{
    const struct ordo_gen_config *cfg = g->cfg;
    struct ordo_llm_config lc = {.provider = cfg->provider,
                                 .url = cfg->url,
                                 .model = cfg->model,
                                 .api_key = cfg->api_key,
                                 .timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms
                                                                   : ORDO_GEN_DEFAULT_TIMEOUT_MS,
                                 .retries = cfg->http_retries,
                                 .allow_loopback = cfg->allow_loopback};
    struct conversation c = {0};
    enum ordo_code rc = ordo_llm_new(&lc, &c.llm, err);

    if (rc == ORDO_OK) {
        rc = prepare(g, &c, err);
    }
    if (rc == ORDO_OK) {
        converse(g, &c);
    }
    conversation_cleanup(&c);
    return rc;
}

/* ---- the request ----------------------------------------------------------------------------- */

/* A text of the request: NULL or "" is absent; else at most
 * ORDO_GEN_MAX_TEXT bytes of UTF-8. */
static enum ordo_code check_text(const char *text, const char *what, bool required,
                                 struct ordo_err *err)
{
    json_t *probe;

    if (!text || !text[0]) {
        return required ? ordo_err_set(err, ORDO_E_INVAL, "the %s is empty", what) : ORDO_OK;
    }
    if (strlen(text) > (size_t)ORDO_GEN_MAX_TEXT) {
        return ordo_err_set(err, ORDO_E_INVAL, "the %s is longer than %d bytes", what,
                            ORDO_GEN_MAX_TEXT);
    }
    probe = json_string(text); /* jansson refuses what is not UTF-8 */
    if (!probe) {
        return ordo_err_set(err, ORDO_E_INVAL, "the %s is not valid UTF-8", what);
    }
    json_decref(probe);
    return ORDO_OK;
}

/* A system name goes into the system prompt, so it is a connector name
 * (lower case letters, digits, '_' and '-', at most 64), never free text. */
static enum ordo_code check_system(const char *name, struct ordo_err *err)
{
    size_t n = name ? strlen(name) : 0;

    if (n == 0 || n > 64 || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") != n) {
        return ordo_err_set(err, ORDO_E_INVAL,
                            "a system name is a connector name (a-z, 0-9, '_' and '-', at most "
                            "64 characters)");
    }
    return ORDO_OK;
}

static enum ordo_code check_request(const struct ordo_gen_request *req,
                                    const struct ordo_gen_config *cfg, const json_t *catalogue,
                                    struct ordo_err *err)
{
    enum ordo_llm_format fmt;
    enum ordo_code rc;

    if (!req || !cfg || !json_is_object(catalogue)) {
        return ordo_err_set(err, ORDO_E_INVAL, "no request, configuration or catalogue");
    }
    if (req->prior_ir && !json_is_object(req->prior_ir)) {
        return ordo_err_set(err, ORDO_E_INVAL, "the prior IR is not a JSON object");
    }
    rc = check_text(req->text, "requirement text", !req->prior_ir, err);
    if (rc == ORDO_OK) {
        rc = check_text(req->instruction, "change asked for", req->prior_ir != NULL, err);
    }
    for (size_t i = 0; rc == ORDO_OK && i < req->n_systems; i++) {
        rc = check_system(req->systems[i], err);
    }
    if (rc == ORDO_OK && cfg->provider && cfg->provider[0]) {
        rc = ordo_llm_format_parse(cfg->provider, &fmt, err);
    }
    return rc;
}

enum ordo_code ordo_generate(const struct ordo_gen_request *req, const struct ordo_gen_config *cfg,
                             const json_t *catalogue, ordo_gen_progress_fn *progress, void *ctx,
                             json_t **result, struct ordo_err *err)
{
    struct gen g = {.req = req,
                    .cfg = cfg,
                    .catalogue = catalogue,
                    .progress = progress,
                    .ctx = ctx,
                    .t0 = ordo_clock_mono_ms()};
    bool offline;
    enum ordo_code rc;

    if (!result) {
        return ordo_err_set(err, ORDO_E_INVAL, "no place for the result");
    }
    rc = check_request(req, cfg, catalogue, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    offline = !cfg->provider || !cfg->provider[0];
    g.iropts.allow_http = req->allow_http;
    g.result = new_result(&g, offline);
    g.transcript = json_object_get(g.result, "transcript");
    rc = offline ? run_offline(&g, err) : run_llm(&g, err);
    if (rc == ORDO_OK) {
        close_result(&g);
        *result = g.result;
        g.result = NULL;
    }
    json_decref(g.result);
    json_decref(g.ir);
    json_decref(g.violations);
    return rc;
}

enum ordo_code ordo_gen_config_from(const struct ordo_config *cfg, struct ordo_gen_config *gc,
                                    struct ordo_err *err)
{
    struct ordo_err why = {0};
    int64_t timeout_ms = 0;

    memset(gc, 0, sizeof *gc);
    if (ordo_duration_parse(cfg->llm_timeout, &timeout_ms, &why) != ORDO_OK) {
        return ordo_err_set(err, ORDO_E_INVAL, "config key \"llm_timeout\": %s", why.msg);
    }
    gc->provider = cfg->llm_provider;
    gc->url = cfg->llm_url;
    gc->model = cfg->llm_model;
    gc->api_key = cfg->llm_api_key;
    gc->timeout_ms = (long)timeout_ms;
    gc->repair_rounds = (int)cfg->llm_repair_rounds;
    gc->token_budget = (long)cfg->llm_token_budget;
    /* A model on this machine or the LAN that a person configured by its
     * address may be reached over plain HTTP (docs/generator.md). */
    gc->allow_loopback = cfg->llm_provider && cfg->llm_provider[0] &&
                         ordo_llm_url_is_local(cfg->llm_provider, cfg->llm_url);
    return ORDO_OK;
}
