/*
 * server/cli_run.c - `ordo run`: run a BPMN file in memory, no server
 * (CONTRACTS.md §3). Parses the flags into a core/sim.h input, prints the
 * effects as they happen, and exits with the final status.
 */
#include <string.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/tz.h"
#include "bpmn/parse.h"
#include "bpmn/timer.h"
#include "core/graph.h"
#include "core/sim.h"
#include "server/cli_internal.h"

#define EXIT_INCIDENT 1
#define EXIT_WAITING  3

enum trace { TRACE_NONE, TRACE_TEXT, TRACE_JSON };

struct run_cmd {
    struct ordo_cli *cli;
    const char *process;
    const char *now;
    const char *vars;
    enum trace trace;
    struct ordo_sim_answer *answers;
    size_t nanswers;
    struct ordo_sim_stimulus *stimuli;
    size_t nstimuli;
    const struct ordo_graph *graph;
    struct ordo_buf line;
};

enum {
    OPT_PROCESS,
    OPT_NOW,
    OPT_VARS,
    OPT_ANSWER,
    OPT_JOB,
    OPT_JOB_ERROR,
    OPT_JOB_FAIL,
    OPT_MESSAGE,
    OPT_ADVANCE,
    OPT_TRACE,
};

static const struct ordo_cli_opt run_opts[] = {
    [OPT_PROCESS] = {"--process", NULL, true},   [OPT_NOW] = {"--now", NULL, true},
    [OPT_VARS] = {"--vars", NULL, true},         [OPT_ANSWER] = {"--answer", NULL, true},
    [OPT_JOB] = {"--job", NULL, true},           [OPT_JOB_ERROR] = {"--job-error", NULL, true},
    [OPT_JOB_FAIL] = {"--job-fail", NULL, true}, [OPT_MESSAGE] = {"--message", NULL, true},
    [OPT_ADVANCE] = {"--advance", NULL, true},   [OPT_TRACE] = {"--trace", NULL, true},
};

#define NOPTS (sizeof(run_opts) / sizeof(run_opts[0]))

/* A JSON object from a flag's value, owned by the command's arena. */
static int parse_object(struct run_cmd *c, const char *flag, const char *text, const json_t **out)
{
    struct ordo_err err = {0};
    json_t *v = NULL;

    if (!text) {
        return ordo_cli_fail(c->cli, ORDO_CLI_USAGE, "%s: expected a JSON object", flag);
    }
    if (ordo_json_parse(text, strlen(text), NULL, &v, &err) != ORDO_OK) {
        return ordo_cli_fail(c->cli, ORDO_CLI_USAGE, "%s: %s", flag, err.msg);
    }
    if (!json_is_object(v)) {
        json_decref(v);
        return ordo_cli_fail(c->cli, ORDO_CLI_USAGE, "%s: expected a JSON object", flag);
    }
    *out = ordo_json_defer(c->cli->arena, v);
    return ORDO_CLI_OK;
}

/* "NAME=REST": NAME in the arena, REST (or NULL without '='). */
static int split(struct run_cmd *c, const char *flag, const char *value, bool need_rest,
                 const char **name, const char **rest)
{
    const char *eq = strchr(value, '=');

    *name = NULL;
    *rest = NULL;
    if (eq == value || (!eq && need_rest)) {
        return ordo_cli_fail(c->cli, ORDO_CLI_USAGE, "%s %s: expected NAME=VALUE", flag, value);
    }
    *name = eq ? ordo_arena_strndup(c->cli->arena, value, (size_t)(eq - value)) : value;
    *rest = eq ? eq + 1 : NULL;
    return ORDO_CLI_OK;
}

static int add_answer(struct run_cmd *c, size_t which, const char *value)
{
    struct ordo_sim_answer *a = &c->answers[c->nanswers];
    const char *flag = run_opts[which].name;
    const char *rest = NULL;
    int rc = split(c, flag, value, true, &a->type, &rest);

    if (rc != ORDO_CLI_OK || !rest) {
        return rc != ORDO_CLI_OK ? rc : ORDO_CLI_USAGE;
    }
    if (which == OPT_JOB) {
        a->kind = ORDO_SIM_JOB_COMPLETE;
        rc = parse_object(c, flag, rest, &a->variables);
    } else if (which == OPT_JOB_ERROR) {
        const char *colon = strchr(rest, ':');

        a->kind = ORDO_SIM_JOB_ERROR;
        a->code = colon ? ordo_arena_strndup(c->cli->arena, rest, (size_t)(colon - rest)) : rest;
        a->message = colon ? colon + 1 : NULL;
        if (!*a->code) {
            return ordo_cli_fail(c->cli, ORDO_CLI_USAGE, "%s %s: the error code is empty", flag,
                                 value);
        }
    } else {
        a->kind = ORDO_SIM_JOB_FAIL;
        a->message = rest;
    }
    c->nanswers++;
    return rc;
}

static int add_stimulus(struct run_cmd *c, size_t which, const char *value)
{
    struct ordo_sim_stimulus *s = &c->stimuli[c->nstimuli];
    const char *flag = run_opts[which].name;
    const char *rest = NULL;
    struct ordo_err err = {0};
    int rc = ORDO_CLI_OK;

    s->text = value;
    if (which == OPT_ADVANCE) {
        s->kind = ORDO_SIM_ADVANCE;
        if (ordo_timer_parse(c->cli->arena, ORDO_TIMER_DURATION, value, &s->duration, &err) !=
            ORDO_OK) {
            return ordo_cli_fail(c->cli, ORDO_CLI_USAGE, "%s: %s", flag, err.msg);
        }
    } else if (which == OPT_ANSWER) {
        s->kind = ORDO_SIM_ANSWER;
        rc = split(c, flag, value, true, &s->element, &rest);
        if (rc == ORDO_CLI_OK) {
            rc = parse_object(c, flag, rest, &s->variables);
        }
    } else {
        s->kind = ORDO_SIM_MESSAGE;
        rc = split(c, flag, value, false, &s->name, &rest);
        if (rc == ORDO_CLI_OK && rest) {
            rc = parse_object(c, flag, rest, &s->variables);
        }
    }
    c->nstimuli++;
    return rc;
}

static int run_opt_cb(void *ctx, size_t which, const char *value)
{
    struct run_cmd *c = ctx;

    switch (which) {
    case OPT_PROCESS:
        c->process = value;
        return ORDO_CLI_OK;
    case OPT_NOW:
        c->now = value;
        return ORDO_CLI_OK;
    case OPT_VARS:
        c->vars = value;
        return ORDO_CLI_OK;
    case OPT_TRACE:
        if (strcmp(value, "text") == 0) {
            c->trace = TRACE_TEXT;
        } else if (strcmp(value, "json") == 0) {
            c->trace = TRACE_JSON;
        } else {
            return ordo_cli_fail(c->cli, ORDO_CLI_USAGE,
                                 "--trace %s: expected \"text\" or \"json\"", value);
        }
        return ORDO_CLI_OK;
    case OPT_JOB:
    case OPT_JOB_ERROR:
    case OPT_JOB_FAIL:
        return add_answer(c, which, value);
    default:
        return add_stimulus(c, which, value);
    }
}

/* ---- output ---- */

static void print_text(struct run_cmd *c, uint32_t instance, const struct ordo_effect *e)
{
    const struct ordo_graph_node *n = e->node != ORDO_GRAPH_NONE ? &c->graph->nodes[e->node] : NULL;
    const char *op = ordo_effect_op_name(e->op);
    FILE *f = c->cli->out;

    (void)fprintf(f, "%4llu %-8s %-10s", (unsigned long long)e->seq, ordo_effect_kind_name(e->kind),
                  op ? op : "");
    if (instance > 1) {
        (void)fprintf(f, " [%u]", instance);
    }
    if (n) {
        (void)fprintf(f, " %s (%s)", n->id, n->type);
    }
    if (e->kind == ORDO_EFFECT_VAR || e->kind == ORDO_EFFECT_END) {
        char *v =
            e->value ? json_dumps(e->value, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS) : NULL;

        (void)fprintf(f, " %s%s%s", e->text ? e->text : "",
                      e->kind == ORDO_EFFECT_VAR ? " = " : " ", v ? v : "null");
        free(v);
    } else if (e->text) {
        (void)fprintf(f, " %s", e->text);
    }
    if (e->text2 && e->kind != ORDO_EFFECT_ENTER && e->kind != ORDO_EFFECT_LEAVE) {
        (void)fprintf(f, " %s", e->text2);
    }
    (void)fputc('\n', f);
}

static void on_effect(void *ctx, uint32_t instance, const struct ordo_effect *e)
{
    struct run_cmd *c = ctx;

    if (c->trace == TRACE_TEXT) {
        print_text(c, instance, e);
        return;
    }
    if (c->trace != TRACE_JSON) {
        return;
    }
    ordo_buf_reset(&c->line);
    ordo_effect_json(c->graph, e, &c->line);
    if (instance > 1) {
        c->line.len--; /* reopen the object for the instance number */
        ordo_buf_printf(&c->line, ",\"instance\":%u}", instance);
    }
    ordo_buf_putc(&c->line, '\n');
    (void)fwrite(c->line.data, 1, c->line.len, c->cli->out);
}

static void on_warning(void *ctx, uint32_t instance, const char *message)
{
    struct run_cmd *c = ctx;

    (void)instance;
    (void)fprintf(c->cli->err, "ordo run: warning: %s\n", message);
}

static int finish(struct run_cmd *c, const struct ordo_sim_result *r)
{
    static const char *const names[] = {
        [ORDO_SIM_COMPLETED] = "completed",
        [ORDO_SIM_WAITING] = "waiting",
        [ORDO_SIM_INCIDENT] = "incident",
    };
    char *vars = json_dumps(r->variables, JSON_COMPACT | JSON_SORT_KEYS);

    if (c->trace == TRACE_JSON) {
        (void)fprintf(c->cli->out, "{\"event\":\"final\",\"status\":\"%s\",\"variables\":%s}\n",
                      names[r->status], vars ? vars : "{}");
    } else {
        (void)fprintf(c->cli->out, "%s %s\n", names[r->status], vars ? vars : "{}");
    }
    free(vars);
    return r->status == ORDO_SIM_COMPLETED  ? ORDO_CLI_OK
           : r->status == ORDO_SIM_INCIDENT ? EXIT_INCIDENT
                                            : EXIT_WAITING;
}

/* ---- the command ---- */

static int compile(struct run_cmd *c, const char *path, const struct ordo_config *cfg,
                   struct ordo_bpmn_model **model, struct ordo_graph **graph)
{
    struct ordo_bpmn_parse_opts popts = {.max_bytes = (size_t)cfg->bpmn_max_bytes};
    const struct ordo_graph_finding *findings = NULL;
    size_t nfindings = 0;
    struct ordo_err err = {0};

    if (ordo_bpmn_parse_file(path, &popts, model, &err) != ORDO_OK) {
        return ordo_cli_fail(c->cli, ordo_cli_exit_for(err.code), "%s", err.msg);
    }
    if (ordo_graph_compile(*model, NULL, c->cli->arena, graph, &findings, &nfindings, &err) ==
        ORDO_OK) {
        return ORDO_CLI_OK;
    }
    if (nfindings == 0) {
        return ordo_cli_fail(c->cli, ordo_cli_exit_for(err.code), "%s", err.msg);
    }
    for (size_t i = 0; i < nfindings; i++) {
        (void)fprintf(c->cli->err, "%s:%u: error: %s [%s]\n", path, findings[i].line,
                      findings[i].message, findings[i].rule);
    }
    return ordo_cli_fail(c->cli, ORDO_CLI_USAGE, "%s cannot run: %zu problem%s", path, nfindings,
                         nfindings == 1 ? "" : "s");
}

static int prepare(struct run_cmd *c, const struct ordo_config *cfg, struct ordo_sim_input *in)
{
    struct ordo_err err = {0};

    in->now_ms = 946684800000; /* 2000-01-01T00:00:00Z */
    if (ordo_tz_get(cfg->timezone, &in->runtime.zone, &err) != ORDO_OK) {
        return ordo_cli_fail(c->cli, ORDO_CLI_USAGE, "timezone: %s", err.msg);
    }
    if (c->now) {
        const struct ordo_timer *t;

        if (ordo_timer_parse(c->cli->arena, ORDO_TIMER_DATE, c->now, &t, &err) != ORDO_OK) {
            return ordo_cli_fail(c->cli, ORDO_CLI_USAGE, "--now: %s", err.msg);
        }
        (void)ordo_timer_due(t, 0, 0, 0, in->runtime.zone, &in->now_ms);
    }
    if (c->vars) {
        int rc = parse_object(c, "--vars", c->vars, &in->variables);

        if (rc != ORDO_CLI_OK) {
            return rc;
        }
    }
    if (ordo_sim_pick_process(c->graph, c->process, &in->process, &err) != ORDO_OK) {
        return ordo_cli_fail(c->cli, ORDO_CLI_USAGE, "%s", err.msg);
    }
    in->graph = c->graph;
    in->warn = on_warning;
    in->snapshot_steps = cfg->snapshot_steps[0] == '1';
    in->answers = c->answers;
    in->nanswers = c->nanswers;
    in->stimuli = c->stimuli;
    in->nstimuli = c->nstimuli;
    return ORDO_CLI_OK;
}

int ordo_cli_run(struct ordo_cli *cli, int argc, char **argv)
{
    struct run_cmd c = {.cli = cli};
    struct ordo_bpmn_model *model = NULL;
    struct ordo_graph *graph = NULL;
    struct ordo_sim_input in = {0};
    struct ordo_sim_result res = {0};
    struct ordo_err err = {0};
    struct ordo_config cfg;
    struct ordo_cli_args args;
    int rc;

    /* At most one answer or stimulus per argument. */
    c.answers = ordo_arena_calloc(cli->arena, (size_t)argc + 1, sizeof(*c.answers));
    c.stimuli = ordo_arena_calloc(cli->arena, (size_t)argc + 1, sizeof(*c.stimuli));
    rc = ordo_cli_parse(cli, argc, argv, run_opts, NOPTS, run_opt_cb, &c, &args);
    if (rc != ORDO_CLI_OK) {
        return rc;
    }
    if (!ordo_cli_config(cli, &args, &cfg)) {
        return ORDO_CLI_USAGE;
    }
    if (args.npos != 1) {
        return ordo_cli_fail(cli, ORDO_CLI_USAGE, "expected one FILE; see `ordo help run`");
    }
    rc = compile(&c, args.pos[0], &cfg, &model, &graph);
    if (rc == ORDO_CLI_OK) {
        c.graph = graph;
        rc = prepare(&c, &cfg, &in);
    }
    if (rc == ORDO_CLI_OK) {
        if (ordo_sim_run(&in, on_effect, &c, &res, &err) != ORDO_OK) {
            rc = ordo_cli_fail(cli, ordo_cli_exit_for(err.code), "%s", err.msg);
        } else {
            rc = finish(&c, &res);
            json_decref(res.variables);
        }
    }
    (void)fflush(cli->out);
    ordo_buf_cleanup(&c.line);
    ordo_graph_free(graph);
    ordo_bpmn_model_free(model);
    return rc;
}
