/*
 * core/runtime.c - ordo_runtime_apply(): check an event against the state,
 * then let it move tokens until the instance is quiet again.
 *
 * Every check that can refuse an event runs before anything changes, so a
 * refused event leaves the state and the step exactly as they were.
 */
#include <string.h>

#include "core/runtime_internal.h"

#define DEFAULT_MAX_ACTIVATIONS 100000u

static uint32_t none_start(const struct ordo_graph *g, const struct ordo_graph_node *p)
{
    for (uint32_t i = 0; i < p->nstarts; i++) {
        if (g->nodes[p->starts[i]].trigger == ORDO_GRAPH_TRIGGER_NONE) {
            return p->starts[i];
        }
    }
    return ORDO_GRAPH_NONE;
}

static enum ordo_code check_start(const struct ordo_instance *inst, const struct ordo_event *ev,
                                  uint32_t *start, struct ordo_err *err)
{
    const struct ordo_graph *g = inst->graph;
    const struct ordo_graph_node *p = &g->nodes[inst->process];

    if (ev->variables && !json_is_object(ev->variables)) {
        return ordo_err_set(err, ORDO_E_INVAL, "start variables must be a JSON object");
    }
    *start = ev->start_node != ORDO_GRAPH_NONE ? ev->start_node : none_start(g, p);
    if (*start == ORDO_GRAPH_NONE) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "process \"%s\" has no none start event: name the start event", p->id);
    }
    if (*start >= g->nnodes || g->nodes[*start].kind != ORDO_GRAPH_START_EVENT ||
        g->nodes[*start].scope != inst->process) {
        return ordo_err_set(err, ORDO_E_INVAL, "node %u is not a start event of process \"%s\"",
                            *start, p->id);
    }
    return ORDO_OK;
}

static void start(struct rt_ctx *ctx, uint32_t start_node, const json_t *vars)
{
    struct ordo_instance *inst = ctx->inst;
    uint32_t root = ordo_rt_enter(ctx, inst->process, 0, RT_ROLE_PLAIN);
    struct rt_elem *e = ordo_rt_elem(inst, root);
    const char *name;
    json_t *v;

    e->vars = json_object();
    inst->started = true;
    json_object_foreach((json_t *)vars, name, v)
    {
        ordo_rt_var_set_local(ctx, root, name, json_incref(v));
    }
    inst->start_node = start_node;
    ordo_rt_scope_enter(ctx, root);
    if (ordo_rt_elem(inst, root)->wait != RT_W_INCIDENT) {
        ordo_rt_enqueue(ctx, start_node, root, ORDO_GRAPH_NONE, true, NULL);
    }
}

/* The element instance 'key', which must wait in state 'want'. */
static enum ordo_code waiting(struct ordo_instance *inst, uint32_t key, enum rt_wait want,
                              const char *what, struct ordo_err *err)
{
    const struct rt_elem *e = ordo_rt_elem(inst, key);

    if (!e || e->wait != want) {
        return ordo_err_set(err, ORDO_E_NOTFOUND, "no open %s with key %u", what, key);
    }
    return ORDO_OK;
}

static enum ordo_code find_message(struct ordo_instance *inst, const struct ordo_event *ev,
                                   uint32_t *sub, struct ordo_err *err)
{
    if (!ev->name) {
        return ordo_err_set(err, ORDO_E_INVAL, "a message needs a name");
    }
    for (uint32_t i = 0; i < inst->subs.n; i++) {
        const struct rt_sub *s = &inst->subs.v[i];

        if (s->kind == RT_SUB_MESSAGE && strcmp(s->name, ev->name) == 0 &&
            (!ev->correlation_key || !s->corr || strcmp(s->corr, ev->correlation_key) == 0)) {
            *sub = s->key;
            return ORDO_OK;
        }
    }
    return ordo_err_set(err, ORDO_E_NOTFOUND, "no subscription waits for message \"%s\"", ev->name);
}

/* Everything that can refuse the event, before anything changes. */
static enum ordo_code check(struct ordo_instance *inst, const struct ordo_event *ev, uint32_t *arg,
                            struct ordo_err *err)
{
    const struct rt_sub *s;

    if (inst->status != ORDO_INSTANCE_ACTIVE) {
        return ordo_err_set(err, ORDO_E_CONFLICT, "the instance has ended");
    }
    if ((ev->kind == ORDO_EVENT_START) == inst->started) {
        return ordo_err_set(err, ORDO_E_CONFLICT,
                            inst->started ? "the instance has started"
                                          : "the instance has not started");
    }
    if (ev->variables && !json_is_object(ev->variables)) {
        return ordo_err_set(err, ORDO_E_INVAL, "variables must be a JSON object");
    }
    switch (ev->kind) {
    case ORDO_EVENT_START:
        return check_start(inst, ev, arg, err);
    case ORDO_EVENT_JOB_COMPLETE:
    case ORDO_EVENT_JOB_FAIL:
    case ORDO_EVENT_JOB_ERROR:
        return waiting(inst, ev->key, RT_W_JOB, "job", err);
    case ORDO_EVENT_TASK_COMPLETE:
        return waiting(inst, ev->key, RT_W_TASK, "user task", err);
    case ORDO_EVENT_CALL_COMPLETE:
    case ORDO_EVENT_CALL_ERROR:
    case ORDO_EVENT_CALL_FAIL:
        return waiting(inst, ev->key, RT_W_CALL, "call", err);
    case ORDO_EVENT_MESSAGE:
        return find_message(inst, ev, arg, err);
    case ORDO_EVENT_TIMER:
        s = ordo_rt_sub(inst, ev->key);
        if (!s || s->kind != RT_SUB_TIMER) {
            return ordo_err_set(err, ORDO_E_NOTFOUND, "no timer with key %u", ev->key);
        }
        return ORDO_OK;
    case ORDO_EVENT_RESOLVE:
        if (!ordo_rt_incident(inst, ev->key) ||
            !ordo_rt_elem(inst, ordo_rt_incident(inst, ev->key)->elem)) {
            return ordo_err_set(err, ORDO_E_NOTFOUND, "no incident with key %u", ev->key);
        }
        return ORDO_OK;
    case ORDO_EVENT_CANCEL:
    case ORDO_EVENT_SET_VARIABLES:
        return ORDO_OK;
    }
    return ordo_err_set(err, ORDO_E_INVAL, "unknown event kind %d", (int)ev->kind);
}

static struct ordo_effect *emit_on(struct rt_ctx *ctx, enum ordo_effect_kind kind,
                                   enum ordo_effect_op op, uint32_t key)
{
    struct ordo_effect *ef = ordo_rt_emit(ctx, kind, op, ordo_rt_elem(ctx->inst, key)->node, key);

    ef->key = key;
    return ef;
}

static void job_event(struct rt_ctx *ctx, const struct ordo_event *ev)
{
    struct rt_elem *e = ordo_rt_elem(ctx->inst, ev->key);
    const char *type = ctx->graph->nodes[e->node].job_type;
    const json_t *vars = ev->variables ? ordo_rt_keep(ctx, (json_t *)ev->variables) : NULL;
    struct ordo_effect *ef;

    switch (ev->kind) {
    case ORDO_EVENT_JOB_COMPLETE:
        ef = emit_on(ctx, ORDO_EFFECT_JOB, ORDO_OP_COMPLETED, ev->key);
        ef->text = type;
        ef->value = vars;
        ordo_rt_complete(ctx, ev->key, vars, ORDO_GRAPH_NONE);
        return;
    case ORDO_EVENT_JOB_FAIL:
        /* An external worker may set variables with its failure (Camunda
         * 7): they merge as a result's do, in the same step. */
        ordo_rt_vars_merge(ctx, e->parent, vars);
        e->retries = ev->retries;
        ef = emit_on(ctx, ORDO_EFFECT_JOB, ORDO_OP_FAILED, ev->key);
        ef->text = type;
        ef->retries = ev->retries;
        if (ev->retries == 0) {
            ordo_rt_incident_raise(ctx, ev->key, RT_INC_JOB,
                                   ordo_arena_printf(ctx->step->arena, "job failed: %s",
                                                     ev->message ? ev->message : "no message"));
        }
        return;
    default:
        ef = emit_on(ctx, ORDO_EFFECT_JOB, ORDO_OP_ERROR, ev->key);
        ef->text = type;
        ef->text2 = ev->error_code ? ordo_arena_strdup(ctx->step->arena, ev->error_code) : NULL;
        e->wait = RT_W_NONE; /* the job is over: a catcher must not cancel it again */
        ordo_rt_throw_error(ctx, ev->key, ev->error_code, ev->message, vars);
        return;
    }
}

/* Run element 'elem' again from its activation, as after a fresh arrival. */
static void rerun(struct rt_ctx *ctx, uint32_t elem)
{
    const struct rt_elem *e = ordo_rt_elem(ctx->inst, elem);

    ordo_rt_close_subs(ctx, elem);
    if (e->role == RT_ROLE_BODY) {
        ordo_rt_body_enter(ctx, elem);
    } else if (e->parent == 0) {
        /* The process scope failed to arm its event sub-processes: arm
         * them and start from the start event this time. */
        ordo_rt_scope_enter(ctx, elem);
        if (ordo_rt_elem(ctx->inst, elem)->wait != RT_W_INCIDENT) {
            ordo_rt_enqueue(ctx, ctx->inst->start_node, elem, ORDO_GRAPH_NONE, true, NULL);
        }
    } else {
        ordo_rt_run_element(ctx, elem);
    }
}

static void resolve(struct rt_ctx *ctx, const struct ordo_event *ev)
{
    struct rt_incident *x = ordo_rt_incident(ctx->inst, ev->key);
    uint32_t elem = x->elem;
    enum rt_incident_kind kind = (enum rt_incident_kind)x->kind;
    json_t *result = x->result ? json_incref(x->result) : NULL;
    struct rt_elem *e;

    ordo_rt_emit(ctx, ORDO_EFFECT_INCIDENT, ORDO_OP_RESOLVED, ordo_rt_elem(ctx->inst, elem)->node,
                 elem)
        ->key = ev->key;
    ordo_rt_incident_remove(ctx->inst, ev->key);
    e = ordo_rt_elem(ctx->inst, elem);
    if (ev->variables) {
        ordo_rt_vars_merge(ctx, e->parent ? e->parent : elem, ev->variables);
    }
    switch (kind) {
    case RT_INC_JOB:
        ordo_rt_create_job(ctx, elem);
        break;
    case RT_INC_COMPLETE:
        ordo_rt_elem(ctx->inst, elem)->wait = RT_W_NONE;
        ordo_rt_complete(ctx, elem, ordo_rt_keep(ctx, result), ORDO_GRAPH_NONE);
        break;
    case RT_INC_DECIDE:
        ordo_rt_elem(ctx->inst, elem)->wait = RT_W_SCOPE;
        ordo_rt_body_decide(ctx, elem);
        break;
    default:
        rerun(ctx, elem);
        break;
    }
    json_decref(result);
}

/* A user task or a called instance completed. */
static void complete_wait(struct rt_ctx *ctx, const struct ordo_event *ev)
{
    bool task = ev->kind == ORDO_EVENT_TASK_COMPLETE;
    const struct ordo_graph_node *n =
        &ctx->inst->graph->nodes[ordo_rt_elem(ctx->inst, ev->key)->node];
    const json_t *vars = ev->variables ? ordo_rt_keep(ctx, (json_t *)ev->variables) : NULL;
    struct ordo_effect *ef =
        emit_on(ctx, task ? ORDO_EFFECT_TASK : ORDO_EFFECT_CALL, ORDO_OP_COMPLETED, ev->key);

    ef->value = vars;
    ef->text = task ? NULL : n->called_element.constant;
    ordo_rt_complete(ctx, ev->key, task || n->propagate_all ? vars : NULL, ORDO_GRAPH_NONE);
}

/* An operator's variables: the same merge a resolve does before its
 * retry, at the process scope. */
static void set_variables(struct rt_ctx *ctx, const struct ordo_event *ev)
{
    if (ev->variables && ctx->inst->elems.n > 0) {
        ordo_rt_vars_merge(ctx, ctx->inst->elems.v[0].key, ev->variables);
    }
}

static void cancel(struct rt_ctx *ctx)
{
    struct ordo_instance *inst = ctx->inst;
    uint32_t root = inst->elems.n ? inst->elems.v[0].key : 0;

    if (!root) {
        inst->status = ORDO_INSTANCE_CANCELED;
        return;
    }
    ordo_rt_terminate_children(ctx, root);
    ordo_rt_finish(ctx, root, ORDO_INSTANCE_CANCELED, ORDO_OP_TERMINATED);
}

enum ordo_code ordo_runtime_apply(struct ordo_instance *inst, const struct ordo_event *ev,
                                  struct ordo_step *step, struct ordo_err *err)
{
    struct rt_ctx ctx;
    uint32_t arg = 0;
    enum ordo_code rc = check(inst, ev, &arg, err);

    if (rc != ORDO_OK) {
        return rc;
    }
    memset(&ctx, 0, sizeof(ctx));
    ctx.inst = inst;
    ctx.graph = inst->graph;
    ctx.step = step;
    ctx.now = ev->time_ms;
    ctx.err = err;
    ctx.max_activations = step->max_activations ? step->max_activations : DEFAULT_MAX_ACTIVATIONS;

    switch (ev->kind) {
    case ORDO_EVENT_START:
        start(&ctx, arg, ev->variables);
        break;
    case ORDO_EVENT_JOB_COMPLETE:
    case ORDO_EVENT_JOB_FAIL:
    case ORDO_EVENT_JOB_ERROR:
        job_event(&ctx, ev);
        break;
    case ORDO_EVENT_TASK_COMPLETE:
    case ORDO_EVENT_CALL_COMPLETE:
        complete_wait(&ctx, ev);
        break;
    case ORDO_EVENT_MESSAGE: {
        const struct rt_sub *s = ordo_rt_sub(inst, arg);
        struct ordo_effect *ef = ordo_rt_emit_sub(&ctx, ORDO_EFFECT_MESSAGE, ORDO_OP_CORRELATED, s);

        ef->value = ev->variables ? ordo_rt_keep(&ctx, (json_t *)ev->variables) : NULL;
        ordo_rt_trigger(&ctx, arg, ef->value);
        break;
    }
    case ORDO_EVENT_TIMER: {
        const struct rt_sub *s = ordo_rt_sub(inst, ev->key);

        ordo_rt_emit_sub(&ctx, ORDO_EFFECT_TIMER, ORDO_OP_FIRED, s);
        ordo_rt_trigger(&ctx, ev->key, NULL);
        break;
    }
    case ORDO_EVENT_CALL_ERROR: {
        struct ordo_effect *ef = emit_on(&ctx, ORDO_EFFECT_CALL, ORDO_OP_ERROR, ev->key);

        ef->text2 = ev->error_code ? ordo_arena_strdup(step->arena, ev->error_code) : NULL;
        ordo_rt_elem(inst, ev->key)->wait = RT_W_NONE; /* the child has ended */
        ordo_rt_throw_error(&ctx, ev->key, ev->error_code, ev->message, NULL);
        break;
    }
    case ORDO_EVENT_CALL_FAIL: {
        /* No child runs: the call activity waits on an incident, and
         * resolving it runs the call activity (and starts a child) again. */
        ordo_rt_incident_raise(&ctx, ev->key, RT_INC_ACTIVATE,
                               ev->message ? ev->message : "the called process could not start");
        break;
    }
    case ORDO_EVENT_RESOLVE:
        resolve(&ctx, ev);
        break;
    case ORDO_EVENT_CANCEL:
        cancel(&ctx);
        break;
    case ORDO_EVENT_SET_VARIABLES:
        set_variables(&ctx, ev);
        break;
    }
    ordo_rt_run(&ctx);
    return ORDO_OK;
}
