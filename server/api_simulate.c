/*
 * server/api_simulate.c - POST /api/simulate: `ordo run` (CONTRACTS §3) as
 * JSON, in memory, touching no instance. The body:
 *
 *   {"bpmn": "<definitions ...>" | "definitionKey": "42",
 *    "process": "id", "now": "RFC 3339", "variables": {...},
 *    "jobs": [{"type": "t", "variables": {...}}            (--job)
 *             {"type": "t", "error": "CODE", "message": ".."} (--job-error)
 *             {"type": "t", "fail": "message"}],            (--job-fail)
 *    "stimuli": [{"answer": "ELEMENT", "variables": {...}}, (--answer)
 *                {"message": "NAME", "variables": {...}},   (--message)
 *                {"advance": "PT1H"}]}                      (--advance)
 *
 * The answer: {"status": "completed|waiting|incident", "variables": {...},
 * "records": [the --trace json records, without the final one]}.
 */
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/tz.h"
#include "bpmn/parse.h"
#include "bpmn/timer.h"
#include "core/graph.h"
#include "core/query.h"
#include "core/sim.h"
#include "server/api.h"

#define MAX_ITEMS 1000 /* jobs and stimuli each */

struct sim {
    struct ordo_http_req *req;
    struct ordo_arena *arena;
    struct ordo_sim_input in;
    const struct ordo_graph *graph;
    json_t *records;
    struct ordo_buf line;
};

static enum ordo_code bad(struct ordo_err *err, const char *what, size_t i, const char *why)
{
    return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "%s[%zu]: %s", what, i, why);
}

static enum ordo_code optional_object(const json_t *item, const json_t **out, const char *what,
                                      size_t i, struct ordo_err *err)
{
    const json_t *v = json_object_get(item, "variables");

    *out = NULL;
    if (v && !json_is_object(v)) {
        return bad(err, what, i, "variables must be an object");
    }
    *out = v;
    return ORDO_OK;
}

static enum ordo_code one_job(const json_t *j, size_t i, struct ordo_sim_answer *a,
                              struct ordo_err *err)
{
    const char *error = json_string_value(json_object_get(j, "error"));
    const char *fail = json_string_value(json_object_get(j, "fail"));

    a->type = json_string_value(json_object_get(j, "type"));
    if (!json_is_object(j) || !a->type) {
        return bad(err, "jobs", i, "each job needs a \"type\"");
    }
    if (error && *error) {
        a->kind = ORDO_SIM_JOB_ERROR;
        a->code = error;
        a->message = json_string_value(json_object_get(j, "message"));
    } else if (fail) {
        a->kind = ORDO_SIM_JOB_FAIL;
        a->message = fail;
    } else {
        a->kind = ORDO_SIM_JOB_COMPLETE;
    }
    return optional_object(j, &a->variables, "jobs", i, err);
}

static enum ordo_code one_stimulus(struct sim *s, const json_t *j, size_t i,
                                   struct ordo_sim_stimulus *st, struct ordo_err *err)
{
    const char *answer = json_string_value(json_object_get(j, "answer"));
    const char *message = json_string_value(json_object_get(j, "message"));
    const char *advance = json_string_value(json_object_get(j, "advance"));

    if (!!answer + !!message + !!advance != 1) {
        return bad(err, "stimuli", i, "give exactly one of answer, message or advance");
    }
    if (advance) {
        st->kind = ORDO_SIM_ADVANCE;
        st->text = advance;
        return ordo_timer_parse(s->arena, ORDO_TIMER_DURATION, advance, &st->duration, err) ==
                       ORDO_OK
                   ? ORDO_OK
                   : bad(err, "stimuli", i, "advance must be an ISO 8601 duration");
    }
    st->kind = answer ? ORDO_SIM_ANSWER : ORDO_SIM_MESSAGE;
    st->element = answer;
    st->name = message;
    st->text = answer ? answer : message;
    return optional_object(j, &st->variables, "stimuli", i, err);
}

static enum ordo_code read_lists(struct sim *s, const json_t *body, struct ordo_err *err)
{
    const json_t *jobs = json_object_get(body, "jobs");
    const json_t *stimuli = json_object_get(body, "stimuli");
    struct ordo_sim_answer *a;
    struct ordo_sim_stimulus *st;
    enum ordo_code rc = ORDO_OK;

    if ((jobs && !json_is_array(jobs)) || (stimuli && !json_is_array(stimuli)) ||
        json_array_size(jobs) > MAX_ITEMS || json_array_size(stimuli) > MAX_ITEMS) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "jobs and stimuli must be arrays of at most %d items", MAX_ITEMS);
    }
    a = ordo_arena_calloc(s->arena, json_array_size(jobs) + 1, sizeof *a);
    st = ordo_arena_calloc(s->arena, json_array_size(stimuli) + 1, sizeof *st);
    for (size_t i = 0; rc == ORDO_OK && i < json_array_size(jobs); i++) {
        rc = one_job(json_array_get(jobs, i), i, &a[i], err);
    }
    for (size_t i = 0; rc == ORDO_OK && i < json_array_size(stimuli); i++) {
        rc = one_stimulus(s, json_array_get(stimuli, i), i, &st[i], err);
    }
    s->in.answers = a;
    s->in.nanswers = json_array_size(jobs);
    s->in.stimuli = st;
    s->in.nstimuli = json_array_size(stimuli);
    return rc;
}

/* The XML to run: given, or a deployed definition's. */
static enum ordo_code source(struct sim *s, const json_t *body, const char **xml, size_t *len,
                             struct ordo_err *err)
{
    const char *bpmn = json_string_value(json_object_get(body, "bpmn"));
    const char *def = json_string_value(json_object_get(body, "definitionKey"));
    struct ordo_store *st;
    int64_t key = 0;
    enum ordo_code rc;

    if (!bpmn == !def) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "give either bpmn or definitionKey");
    }
    if (bpmn) {
        *xml = bpmn;
        *len = strlen(bpmn);
        return ORDO_OK;
    }
    rc = ordo_query_parse_key(def, "definitionKey", &key, err);
    if (rc == ORDO_OK) {
        rc = ordo_api_store(s->req, &st, err);
    }
    return rc == ORDO_OK ? ordo_query_get_definition_xml(st, key, s->arena, xml, len, err) : rc;
}

static void findings_reply(struct sim *s, const struct ordo_graph_finding *f, size_t n,
                           struct ordo_err *err)
{
    json_t *list = json_array();

    for (size_t i = 0; i < n; i++) {
        json_array_append_new(list, json_pack("{s:s?, s:i, s:s, s:s}", "element", f[i].element,
                                              "line", (int)f[i].line, "rule", f[i].rule, "message",
                                              f[i].message));
    }
    ordo_http_reply_error(s->req, ORDO_E_UNPROCESSABLE, ordo_err_message(err), list);
}

static enum ordo_code compile(struct sim *s, const char *xml, size_t len,
                              struct ordo_bpmn_model **model, struct ordo_graph **graph,
                              struct ordo_err *err)
{
    const struct ordo_graph_finding *findings = NULL;
    size_t nfindings = 0;
    struct ordo_bpmn_parse_opts popts = {
        .name = "simulate",
        .max_bytes = (size_t)((struct ordo_api *)ordo_http_app(s->req))->cfg->bpmn_max_bytes};
    enum ordo_code rc = ordo_bpmn_parse(xml, len, &popts, model, err);

    if (rc == ORDO_OK) {
        rc = ordo_graph_compile(*model, NULL, s->arena, graph, &findings, &nfindings, err);
    }
    if (rc == ORDO_E_UNPROCESSABLE && nfindings) {
        findings_reply(s, findings, nfindings, err);
    }
    return rc;
}

static enum ordo_code settings(struct sim *s, const json_t *body, struct ordo_err *err)
{
    const struct ordo_api *api = ordo_http_app(s->req);
    const char *now = json_string_value(json_object_get(body, "now"));
    const json_t *vars = json_object_get(body, "variables");
    const struct ordo_timer *t;
    enum ordo_code rc = ordo_tz_get(api->cfg->timezone, &s->in.runtime.zone, err);

    s->in.now_ms = 946684800000; /* 2000-01-01T00:00:00Z, as `ordo run` */
    if (rc == ORDO_OK && now) {
        rc = ordo_timer_parse(s->arena, ORDO_TIMER_DATE, now, &t, err);
        if (rc != ORDO_OK) {
            return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "now must be an RFC 3339 time");
        }
        (void)ordo_timer_due(t, 0, 0, 0, s->in.runtime.zone, &s->in.now_ms);
    }
    if (rc == ORDO_OK && vars && !json_is_object(vars)) {
        rc = ordo_err_set(err, ORDO_E_UNPROCESSABLE, "variables must be an object");
    }
    s->in.variables = vars;
    return rc;
}

static void on_effect(void *ctx, uint32_t instance, const struct ordo_effect *e)
{
    struct sim *s = ctx;
    json_t *rec;

    ordo_buf_reset(&s->line);
    ordo_effect_json(s->graph, e, &s->line);
    rec = json_loadb(s->line.data, s->line.len, 0, NULL);
    if (rec && instance > 1) {
        json_object_set_new(rec, "instance", json_integer(instance));
    }
    if (rec) {
        json_array_append_new(s->records, rec);
    }
}

static enum ordo_code run(struct sim *s, const json_t *body, struct ordo_graph *graph,
                          struct ordo_err *err)
{
    static const char *const names[] = {
        [ORDO_SIM_COMPLETED] = "completed",
        [ORDO_SIM_WAITING] = "waiting",
        [ORDO_SIM_INCIDENT] = "incident",
    };
    struct ordo_sim_result res = {0};
    enum ordo_code rc = ordo_sim_pick_process(
        graph, json_string_value(json_object_get(body, "process")), &s->in.process, err);

    if (rc != ORDO_OK) {
        return rc == ORDO_E_NOTFOUND ? ordo_err_set(err, ORDO_E_UNPROCESSABLE, "%s", err->msg) : rc;
    }
    s->in.graph = s->graph = graph;
    s->records = json_array();
    rc = ordo_sim_run(&s->in, on_effect, s, &res, err);
    if (rc == ORDO_E_INVAL) {
        err->code = ORDO_E_UNPROCESSABLE; /* the body was fine; its answers do not fit */
        rc = ORDO_E_UNPROCESSABLE;
    }
    if (rc == ORDO_OK) {
        ordo_http_reply_json(s->req, 200,
                             json_pack("{s:s, s:o, s:O}", "status", names[res.status], "variables",
                                       res.variables, "records", s->records));
    }
    json_decref(s->records);
    return rc;
}

enum ordo_code ordo_api_simulate(struct ordo_http_req *req, struct ordo_err *err)
{
    static const char *const fields[] = {"bpmn",      "definitionKey", "process", "now",
                                         "variables", "jobs",          "stimuli", NULL};
    struct sim s = {.req = req, .arena = ordo_http_arena(req)};
    struct ordo_bpmn_model *model = NULL;
    struct ordo_graph *graph = NULL;
    const char *xml = NULL;
    size_t len = 0;
    json_t *body;
    enum ordo_code rc = ordo_http_body_object(req, fields, &body, err);

    if (rc == ORDO_OK) {
        rc = settings(&s, body, err);
    }
    if (rc == ORDO_OK) {
        rc = read_lists(&s, body, err);
    }
    if (rc == ORDO_OK) {
        rc = source(&s, body, &xml, &len, err);
    }
    if (rc == ORDO_OK) {
        rc = compile(&s, xml, len, &model, &graph, err);
    }
    if (rc == ORDO_OK) {
        rc = run(&s, body, graph, err);
    }
    ordo_buf_cleanup(&s.line);
    ordo_graph_free(graph);
    ordo_bpmn_model_free(model);
    return rc;
}
