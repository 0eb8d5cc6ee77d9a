/*
 * core/runtime_flow.c - tokens through elements: the step's queue,
 * activating an element, what each kind of element does, and completing it
 * along the flows it chooses.
 *
 * A step is breadth-first: taking a flow queues a token for its target, and
 * tokens are activated in the order they were queued, as Zeebe does. An
 * element that can finish at once (a none task, a gateway, an event whose
 * trigger has happened) completes within its activation, so a trace reads
 * enter a, leave a, enter b, leave b.
 */
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "core/runtime_internal.h"

void ordo_rt_enqueue(struct rt_ctx *ctx, uint32_t node, uint32_t scope, uint32_t flow,
                     bool triggered, const json_t *vars)
{
    struct rt_elem *s = ordo_rt_elem(ctx->inst, scope);
    struct rt_token *t;

    if (!s) {
        return;
    }
    s->children++; /* a token in flight keeps its scope open */
    if (ctx->qlen == ctx->qcap) {
        ctx->queue = ordo_arena_grow(ctx->step->arena, ctx->queue, ctx->qlen, &ctx->qcap,
                                     sizeof(*ctx->queue));
    }
    t = &ctx->queue[ctx->qlen++];
    t->node = node;
    t->scope = scope;
    t->flow = flow;
    t->triggered = triggered;
    t->dead = false;
    t->vars = vars;
    t->iteration = 0;
}

void ordo_rt_enqueue_iteration(struct rt_ctx *ctx, uint32_t body, uint32_t i)
{
    ordo_rt_enqueue(ctx, ordo_rt_elem(ctx->inst, body)->node, body, ORDO_GRAPH_NONE, false, NULL);
    ctx->queue[ctx->qlen - 1].iteration = i + 1;
}

uint32_t ordo_rt_enter(struct rt_ctx *ctx, uint32_t node, uint32_t scope, enum rt_role role)
{
    static const char *const roles[] = {[RT_ROLE_BODY] = "body", [RT_ROLE_ITER] = "iteration"};
    uint32_t key = ordo_rt_elem_add(ctx->inst, node, scope, role);
    struct ordo_effect *ef = ordo_rt_emit(ctx, ORDO_EFFECT_ENTER, ORDO_OP_NONE, node, key);

    ef->scope_key = scope;
    ef->text2 = roles[role];
    return key;
}

bool ordo_rt_count_activation(struct rt_ctx *ctx, uint32_t key)
{
    if (++ctx->activations <= ctx->max_activations) {
        return true;
    }
    ordo_rt_incident_raise(ctx, key, RT_INC_ACTIVATE,
                           ordo_arena_printf(ctx->step->arena,
                                             "more than %u elements activated in one step "
                                             "(a loop without a wait state?)",
                                             ctx->max_activations));
    return false;
}

static void activate(struct rt_ctx *ctx, const struct rt_token *tok)
{
    const struct ordo_graph_node *n = &ctx->graph->nodes[tok->node];
    struct rt_elem *s = ordo_rt_elem(ctx->inst, tok->scope);
    uint32_t key;

    if (!s) {
        return; /* its scope ended while it was queued */
    }
    s->children--; /* the token becomes an element (or a parked join token) below */
    if (tok->iteration) {
        if (s->wait == RT_W_SCOPE) {
            ordo_rt_iteration_start(ctx, tok->scope, tok->iteration - 1, true);
        }
        return;
    }
    if ((n->kind == ORDO_GRAPH_PARALLEL_GATEWAY || n->kind == ORDO_GRAPH_INCLUSIVE_GATEWAY) &&
        n->nincoming > 1 && tok->flow != ORDO_GRAPH_NONE) {
        ordo_rt_join_arrive(ctx, tok->node, tok->scope, tok->flow);
        return;
    }
    key = ordo_rt_enter(ctx, tok->node, tok->scope, n->loop ? RT_ROLE_BODY : RT_ROLE_PLAIN);
    if (!ordo_rt_count_activation(ctx, key)) {
        return;
    }
    if (n->loop) {
        ordo_rt_body_enter(ctx, key);
    } else if (tok->triggered) {
        ordo_rt_complete(ctx, key, tok->vars, ORDO_GRAPH_NONE);
    } else {
        ordo_rt_run_element(ctx, key);
    }
}

void ordo_rt_run(struct rt_ctx *ctx)
{
    for (;;) {
        while (ctx->qhead < ctx->qlen) {
            struct rt_token tok =
                ctx->queue[ctx->qhead++]; /* a copy: activating may grow the queue */

            if (!tok.dead) {
                activate(ctx, &tok);
            }
        }
        if (!ordo_rt_joins_settle(ctx) && ctx->qhead >= ctx->qlen) {
            break;
        }
    }
    ctx->qhead = ctx->qlen = 0;
}

void ordo_rt_incident_raise(struct rt_ctx *ctx, uint32_t elem, enum rt_incident_kind kind,
                            const char *reason)
{
    struct rt_elem *e = ordo_rt_elem(ctx->inst, elem);
    struct rt_incident *x;
    struct ordo_effect *ef;

    if (!e) {
        return;
    }
    e->wait = RT_W_INCIDENT;
    x = ordo_rt_incident_add(ctx->inst, elem, kind, reason);
    ef = ordo_rt_emit(ctx, ORDO_EFFECT_INCIDENT, ORDO_OP_RAISED, e->node, elem);
    ef->key = x->key;
    ef->text = ordo_arena_strdup(ctx->step->arena, reason);
}

static void raise_err(struct rt_ctx *ctx, uint32_t elem, enum rt_incident_kind kind,
                      const struct ordo_err *err)
{
    ordo_rt_incident_raise(ctx, elem, kind, err->msg);
}

void ordo_rt_create_job(struct rt_ctx *ctx, uint32_t key)
{
    struct rt_elem *e = ordo_rt_elem(ctx->inst, key);
    const struct ordo_graph_node *n = &ctx->graph->nodes[e->node];
    struct ordo_effect *ef;

    e->wait = RT_W_JOB;
    e->retries = n->retries;
    ef = ordo_rt_emit(ctx, ORDO_EFFECT_JOB, ORDO_OP_CREATED, e->node, key);
    ef->key = key;
    ef->text = n->job_type;
    ef->retries = n->retries;
    ef->value = e->vars ? ordo_rt_keep(ctx, e->vars) : NULL;
}

/* ---- timers and message subscriptions ---- */

static enum ordo_code sub_timer(struct rt_ctx *ctx, const struct rt_sub *s,
                                const struct ordo_timer **out, struct ordo_err *err)
{
    const struct ordo_graph_node *n = &ctx->graph->nodes[s->node];

    if (n->timer.parsed) {
        *out = n->timer.parsed;
        return ORDO_OK;
    }
    return ordo_timer_parse(ctx->step->arena, n->timer.kind, s->timer_text ? s->timer_text : "",
                            out, err);
}

static enum ordo_code arm_timer(struct rt_ctx *ctx, uint32_t owner, uint32_t node,
                                uint32_t eval_scope, struct ordo_err *err)
{
    const struct ordo_graph_node *n = &ctx->graph->nodes[node];
    const char *text = NULL;
    const struct ordo_timer *t;
    struct rt_sub *s;
    int64_t due;

    if (!n->timer.parsed) {
        struct ordo_graph_value v = {.expr = n->timer.expr};

        if (ordo_rt_value_text(ctx, &v, eval_scope, &text, err) != ORDO_OK) {
            return err->code;
        }
        if (ordo_timer_parse(ctx->step->arena, n->timer.kind, text ? text : "", &t, err) !=
            ORDO_OK) {
            return err->code;
        }
    } else {
        t = n->timer.parsed;
    }
    if (!ordo_timer_due(t, ctx->now, 0, ctx->now, ctx->inst->opts.zone, &due)) {
        return ORDO_OK; /* never due: nothing to arm */
    }
    s = ordo_rt_sub_add(ctx->inst, node, owner, RT_SUB_TIMER);
    s->armed_ms = ctx->now;
    s->due_ms = due;
    s->timer_text = text ? ordo_rt_strdup(text) : NULL;
    ordo_rt_emit_sub(ctx, ORDO_EFFECT_TIMER, ORDO_OP_SCHEDULED, s);
    return ORDO_OK;
}

static enum ordo_code arm_message(struct rt_ctx *ctx, uint32_t owner, uint32_t node,
                                  uint32_t eval_scope, struct ordo_err *err)
{
    const struct ordo_graph_node *n = &ctx->graph->nodes[node];
    const char *name = NULL;
    const char *corr = NULL;
    struct rt_sub *s;

    if (ordo_rt_value_text(ctx, &n->message.name, eval_scope, &name, err) != ORDO_OK) {
        return err->code;
    }
    if (!name) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "%s \"%s\": the message name is null",
                            n->type, n->id);
    }
    if (n->message.correlation.feel) {
        struct ordo_graph_value v = {.expr = n->message.correlation};

        if (ordo_rt_value_text(ctx, &v, eval_scope, &corr, err) != ORDO_OK) {
            return err->code;
        }
    }
    s = ordo_rt_sub_add(ctx->inst, node, owner, RT_SUB_MESSAGE);
    s->armed_ms = ctx->now;
    s->name = ordo_rt_strdup(name);
    s->corr = corr ? ordo_rt_strdup(corr) : NULL;
    ordo_rt_emit_sub(ctx, ORDO_EFFECT_MESSAGE, ORDO_OP_SUBSCRIBED, s);
    return ORDO_OK;
}

bool ordo_rt_arm(struct rt_ctx *ctx, uint32_t owner, uint32_t node, uint32_t eval_scope)
{
    struct ordo_err err = {0};
    enum ordo_code rc = ORDO_OK;

    /* A receive task waits for its message like a message catch event. */
    switch (ctx->graph->nodes[node].kind == ORDO_GRAPH_RECEIVE_TASK
                ? ORDO_GRAPH_TRIGGER_MESSAGE
                : ctx->graph->nodes[node].trigger) {
    case ORDO_GRAPH_TRIGGER_TIMER:
        rc = arm_timer(ctx, owner, node, eval_scope, &err);
        break;
    case ORDO_GRAPH_TRIGGER_MESSAGE:
        rc = arm_message(ctx, owner, node, eval_scope, &err);
        break;
    default:
        break;
    }
    if (rc != ORDO_OK) {
        /* All or nothing: what the owner armed before closes again, so that
         * nothing triggers an element that is stuck on an incident. */
        ordo_rt_close_subs(ctx, owner);
        raise_err(ctx, owner, RT_INC_ACTIVATE, &err);
        return false;
    }
    return true;
}

void ordo_rt_close_subs(struct rt_ctx *ctx, uint32_t owner)
{
    struct ordo_instance *inst = ctx->inst;

    for (uint32_t i = inst->subs.n; i-- > 0;) {
        struct rt_sub *s = &inst->subs.v[i];

        if (s->owner != owner) {
            continue;
        }
        if (s->kind == RT_SUB_TIMER) {
            ordo_rt_emit_sub(ctx, ORDO_EFFECT_TIMER, ORDO_OP_CANCELED, s);
        } else {
            ordo_rt_emit_sub(ctx, ORDO_EFFECT_MESSAGE, ORDO_OP_CLOSED, s);
        }
        ordo_rt_sub_remove(inst, s->key);
    }
}

bool ordo_rt_rearm_timer(struct rt_ctx *ctx, uint32_t sub_key)
{
    struct rt_sub *s = ordo_rt_sub(ctx->inst, sub_key);
    const struct ordo_timer *t;
    struct ordo_err err = {0};
    int64_t due;

    s->fired++;
    if (sub_timer(ctx, s, &t, &err) != ORDO_OK ||
        !ordo_timer_due(t, s->armed_ms, s->fired, ctx->now, ctx->inst->opts.zone, &due)) {
        ordo_rt_sub_remove(ctx->inst, sub_key);
        return false;
    }
    s->due_ms = due;
    ordo_rt_emit_sub(ctx, ORDO_EFFECT_TIMER, ORDO_OP_SCHEDULED, s);
    return true;
}

bool ordo_rt_arm_boundaries(struct rt_ctx *ctx, uint32_t key)
{
    const struct ordo_graph_node *n = &ctx->graph->nodes[ordo_rt_elem(ctx->inst, key)->node];

    for (uint32_t i = 0; i < n->nboundaries; i++) {
        if (!ordo_rt_arm(ctx, key, n->boundaries[i], key)) {
            return false;
        }
    }
    return true;
}

/* ---- what elements do ---- */

static bool apply_inputs(struct rt_ctx *ctx, uint32_t key, const struct ordo_graph_node *n)
{
    for (uint32_t i = 0; i < n->ninputs; i++) {
        struct ordo_err err = {0};
        json_t *v;

        if (ordo_rt_eval(ctx, &n->inputs[i].source, key, NULL, &v, &err) != ORDO_OK) {
            raise_err(ctx, key, RT_INC_ACTIVATE, &err);
            return false;
        }
        ordo_rt_var_set_local(ctx, key, n->inputs[i].target, v);
    }
    return true;
}

/* Append the names in 'text' ("ann, bob") to 'arr'. */
static void split_names(json_t *arr, const char *text)
{
    while (*text) {
        size_t len = strcspn(text, ",");
        size_t a = 0;
        size_t b = len;

        while (a < b && (text[a] == ' ' || text[a] == '\t')) {
            a++;
        }
        while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t')) {
            b--;
        }
        if (b > a) {
            json_array_append_new(arr, json_stringn(text + a, b - a));
        }
        text += len + (text[len] == ',');
    }
}

/* Candidate users or groups as a JSON array: a comma-separated constant, or
 * an expression giving a list or a comma-separated string. NULL: none. */
static enum ordo_code candidates(struct rt_ctx *ctx, const struct ordo_graph_value *value,
                                 uint32_t scope, json_t **out, struct ordo_err *err)
{
    json_t *v = NULL;
    size_t i;
    json_t *item;

    *out = NULL;
    if (ordo_rt_value_json(ctx, value, scope, &v, err) != ORDO_OK) {
        return err->code;
    }
    if (json_is_string(v)) {
        *out = json_array();
        split_names(*out, json_string_value(v));
    } else if (json_is_array(v)) {
        *out = json_array();
        json_array_foreach(v, i, item)
        {
            if (json_is_string(item)) {
                json_array_append(*out, item);
            }
        }
    }
    json_decref(v);
    return ORDO_OK;
}

static void create_task(struct rt_ctx *ctx, uint32_t key, const struct ordo_graph_node *n)
{
    struct ordo_err err = {0};
    const char *assignee = NULL;
    json_t *users = NULL;
    json_t *groups = NULL;
    const char *due = NULL;
    int64_t due_ms = 0;
    const struct ordo_timer *t;
    struct ordo_effect *ef;

    if (ordo_rt_value_text(ctx, &n->assignee, key, &assignee, &err) != ORDO_OK ||
        candidates(ctx, &n->candidate_users, key, &users, &err) != ORDO_OK ||
        candidates(ctx, &n->candidate_groups, key, &groups, &err) != ORDO_OK ||
        ordo_rt_value_text(ctx, &n->due_date, key, &due, &err) != ORDO_OK ||
        (due && ordo_timer_parse(ctx->step->arena, ORDO_TIMER_DATE, due, &t, &err) != ORDO_OK)) {
        json_decref(users);
        json_decref(groups);
        raise_err(ctx, key, RT_INC_ACTIVATE, &err);
        return;
    }
    if (due) {
        (void)ordo_timer_due(t, ctx->now, 0, ctx->now, ctx->inst->opts.zone, &due_ms);
    }
    ordo_rt_elem(ctx->inst, key)->wait = RT_W_TASK;
    ef = ordo_rt_emit(ctx, ORDO_EFFECT_TASK, ORDO_OP_CREATED, n->index, key);
    ef->key = key;
    ef->text = assignee;
    ef->due_ms = due_ms;
    if (users || groups) {
        json_t *c = json_pack("{s:o?,s:o?}", "users", users, "groups", groups);

        ef->text2 = ordo_json_dump(ctx->step->arena, c, JSON_COMPACT);
        json_decref(c);
    }
}

static void publish(struct rt_ctx *ctx, uint32_t key, const struct ordo_graph_node *n)
{
    struct ordo_err err = {0};
    const char *name = NULL;
    const char *corr = NULL;
    struct ordo_effect *ef;

    if (ordo_rt_value_text(ctx, &n->message.name, key, &name, &err) != ORDO_OK ||
        (!name && ordo_err_set(&err, ORDO_E_UNPROCESSABLE, "%s \"%s\": the message name is null",
                               n->type, n->id))) {
        raise_err(ctx, key, RT_INC_ACTIVATE, &err);
        return;
    }
    if (n->message.correlation.feel) {
        struct ordo_graph_value v = {.expr = n->message.correlation};

        if (ordo_rt_value_text(ctx, &v, key, &corr, &err) != ORDO_OK) {
            raise_err(ctx, key, RT_INC_ACTIVATE, &err);
            return;
        }
    }
    ef = ordo_rt_emit(ctx, ORDO_EFFECT_MESSAGE, ORDO_OP_PUBLISHED, n->index, key);
    ef->text = name;
    ef->text2 = corr;
    ordo_rt_complete(ctx, key, NULL, ORDO_GRAPH_NONE);
}

static void end_terminate(struct rt_ctx *ctx, uint32_t key)
{
    struct rt_elem *e = ordo_rt_elem(ctx->inst, key);
    uint32_t scope = e->parent;
    uint32_t node = e->node;
    struct rt_elem *s;

    ordo_rt_emit(ctx, ORDO_EFFECT_LEAVE, ORDO_OP_COMPLETED, node, key);
    ordo_rt_elem_remove(ctx->inst, key);
    s = ordo_rt_elem(ctx->inst, scope);
    s->children--;
    ordo_rt_terminate_children(ctx, scope);
    ordo_rt_scope_terminated(ctx, scope);
}

static void run_event(struct rt_ctx *ctx, uint32_t key, const struct ordo_graph_node *n)
{
    if (n->kind == ORDO_GRAPH_CATCH_EVENT) {
        if (ordo_rt_arm(ctx, key, n->index, key)) {
            ordo_rt_elem(ctx->inst, key)->wait = RT_W_EVENT;
        }
        return;
    }
    if (n->job_type) { /* a message throw or end event implemented by a job (Zeebe) */
        ordo_rt_create_job(ctx, key);
        return;
    }
    switch (n->trigger) {
    case ORDO_GRAPH_TRIGGER_MESSAGE:
        publish(ctx, key, n);
        return;
    case ORDO_GRAPH_TRIGGER_ERROR:
        ordo_rt_throw_error(ctx, key, n->error_code, NULL, NULL);
        return;
    case ORDO_GRAPH_TRIGGER_TERMINATE:
        end_terminate(ctx, key);
        return;
    default:
        ordo_rt_complete(ctx, key, NULL, ORDO_GRAPH_NONE);
        return;
    }
}

static void run_call(struct rt_ctx *ctx, uint32_t key, const struct ordo_graph_node *n)
{
    struct ordo_err err = {0};
    const char *process = NULL;
    struct ordo_effect *ef;
    json_t *vars;

    if (ordo_rt_value_text(ctx, &n->called_element, key, &process, &err) != ORDO_OK) {
        raise_err(ctx, key, RT_INC_ACTIVATE, &err);
        return;
    }
    if (!process) {
        ordo_rt_incident_raise(ctx, key, RT_INC_ACTIVATE, "the called process id is null");
        return;
    }
    /* The child sees every variable visible here (Zeebe's default), the
     * innermost scope winning. */
    vars = json_object();
    for (uint32_t k = key; k;) {
        struct rt_elem *s = ordo_rt_elem(ctx->inst, k);
        const char *name;
        json_t *v;

        if (!s) {
            break;
        }
        json_object_foreach(s->vars, name, v)
        {
            if (!json_object_get(vars, name)) {
                json_object_set(vars, name, v);
            }
        }
        k = s->parent;
    }
    ordo_rt_elem(ctx->inst, key)->wait = RT_W_CALL;
    ef = ordo_rt_emit(ctx, ORDO_EFFECT_CALL, ORDO_OP_CREATED, n->index, key);
    ef->key = key;
    ef->text = process;
    ef->value = ordo_rt_keep(ctx, vars);
    json_decref(vars);
}

void ordo_rt_run_element(struct rt_ctx *ctx, uint32_t key)
{
    struct rt_elem *e = ordo_rt_elem(ctx->inst, key);
    const struct ordo_graph_node *n = &ctx->graph->nodes[e->node];

    e->wait = RT_W_NONE;
    if (n->ninputs && !apply_inputs(ctx, key, n)) {
        return;
    }
    if (n->nboundaries && ordo_rt_elem(ctx->inst, key)->role != RT_ROLE_ITER &&
        !ordo_rt_arm_boundaries(ctx, key)) {
        return;
    }
    switch (n->kind) {
    case ORDO_GRAPH_PROCESS:
    case ORDO_GRAPH_SUB_PROCESS:
    case ORDO_GRAPH_EVENT_SUB_PROCESS:
        ordo_rt_scope_enter(ctx, key);
        return;
    case ORDO_GRAPH_END_EVENT:
    case ORDO_GRAPH_THROW_EVENT:
    case ORDO_GRAPH_CATCH_EVENT:
        run_event(ctx, key, n);
        return;
    case ORDO_GRAPH_JOB_TASK:
        ordo_rt_create_job(ctx, key);
        return;
    case ORDO_GRAPH_USER_TASK:
        create_task(ctx, key, n);
        return;
    case ORDO_GRAPH_RECEIVE_TASK:
        if (ordo_rt_arm(ctx, key, n->index, key)) {
            ordo_rt_elem(ctx->inst, key)->wait = RT_W_EVENT;
        }
        return;
    case ORDO_GRAPH_EVENT_GATEWAY:
        for (uint32_t i = 0; i < n->noutgoing; i++) {
            if (!ordo_rt_arm(ctx, key, ctx->graph->flows[n->outgoing[i]].target, key)) {
                return;
            }
        }
        ordo_rt_elem(ctx->inst, key)->wait = RT_W_EVENT;
        return;
    case ORDO_GRAPH_CALL_ACTIVITY:
        run_call(ctx, key, n);
        return;
    default: /* start and boundary events, none tasks, gateways: straight through */
        ordo_rt_complete(ctx, key, NULL, ORDO_GRAPH_NONE);
        return;
    }
}

/* ---- completing ---- */

/* The flows a completing element takes: for an exclusive gateway the first
 * whose condition holds; otherwise every unconditional flow and every
 * conditional one that holds; the default flow when nothing else was taken.
 * Gateways that find nothing to take are an error (an incident). */
static enum ordo_code select_flows(struct rt_ctx *ctx, const struct ordo_graph_node *n,
                                   uint32_t scope, uint32_t **out, uint32_t *nout,
                                   struct ordo_err *err)
{
    bool exclusive = n->kind == ORDO_GRAPH_EXCLUSIVE_GATEWAY;
    uint32_t *sel = ordo_arena_alloc_raw(ctx->step->arena, (n->noutgoing + 1) * sizeof(*sel));
    uint32_t count = 0;

    for (uint32_t i = 0; i < n->noutgoing; i++) {
        const struct ordo_graph_flow *f = &ctx->graph->flows[n->outgoing[i]];
        bool take = true;

        if (f->index == n->default_flow) {
            continue;
        }
        if (f->condition.feel && ordo_rt_eval_bool(ctx, &f->condition, "sequence flow", f->id,
                                                   scope, &take, err) != ORDO_OK) {
            return err->code;
        }
        if (take) {
            sel[count++] = f->index;
            if (exclusive) {
                break;
            }
        }
    }
    if (count == 0 && n->default_flow != ORDO_GRAPH_NONE) {
        sel[count++] = n->default_flow;
    }
    if (count == 0 && n->noutgoing > 0 && (exclusive || n->kind == ORDO_GRAPH_INCLUSIVE_GATEWAY)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "%s \"%s\": no outgoing flow's condition is true and there is no "
                            "default flow",
                            n->type, n->id);
    }
    *out = sel;
    *nout = count;
    return ORDO_OK;
}

/* Output mappings, evaluated before anything changes so that a failure
 * leaves the element as it was. */
static enum ordo_code eval_outputs(struct rt_ctx *ctx, uint32_t key,
                                   const struct ordo_graph_node *n, const json_t *result,
                                   json_t ***out, struct ordo_err *err)
{
    json_t **vals = ordo_arena_calloc(ctx->step->arena, n->noutputs, sizeof(json_t *));

    for (uint32_t i = 0; i < n->noutputs; i++) {
        if (ordo_rt_eval(ctx, &n->outputs[i].source, key, result, &vals[i], err) != ORDO_OK) {
            for (uint32_t j = 0; j < i; j++) {
                json_decref(vals[j]);
            }
            return err->code;
        }
    }
    *out = vals;
    return ORDO_OK;
}

/* An iteration's outputElement, into its body's output collection. The
 * body holds the array alone (output_collection_init gave the effect its
 * own copy), so the slot is set in place: a copy per iteration would make a
 * large collection quadratic. */
static void collect_output(struct rt_ctx *ctx, uint32_t key, const struct rt_elem *e,
                           const json_t *result)
{
    const struct ordo_graph_loop *loop = ctx->graph->nodes[e->node].loop;
    struct rt_elem *body = ordo_rt_elem(ctx->inst, e->parent);
    struct ordo_err err = {0};
    json_t *arr;
    json_t *v;

    if (!loop || !loop->output_collection || !loop->output_element.feel || !body) {
        return;
    }
    if (ordo_rt_eval(ctx, &loop->output_element, key, result, &v, &err) != ORDO_OK) {
        v = json_null(); /* Zeebe writes null for an element that cannot be computed */
    }
    arr = body->vars ? json_object_get(body->vars, loop->output_collection) : NULL;
    if (!json_is_array(arr) || arr->refcount > 1) {
        /* Replaced by a job result, or shared: this slot goes into a copy. */
        arr = json_is_array(arr) ? json_copy(arr) : json_array();
        if (!body->vars) {
            body->vars = json_object();
        }
        json_object_set_new(body->vars, loop->output_collection, arr);
    }
    while (json_array_size(arr) < e->loop) {
        json_array_append_new(arr, json_null());
    }
    json_array_set_new(arr, e->loop - 1, v);
}

static void commit_variables(struct rt_ctx *ctx, uint32_t key, const struct ordo_graph_node *n,
                             json_t **outputs, const json_t *result)
{
    struct rt_elem *e = ordo_rt_elem(ctx->inst, key);
    uint32_t scope = e->parent;

    if (e->role == RT_ROLE_BODY && n->loop && n->loop->output_collection && e->vars) {
        json_t *c = json_object_get(e->vars, n->loop->output_collection);

        if (c) {
            ordo_rt_var_merge(ctx, scope, n->loop->output_collection, json_incref(c));
        }
    }
    if (outputs) {
        for (uint32_t i = 0; i < n->noutputs; i++) {
            ordo_rt_var_merge(ctx, scope, n->outputs[i].target, outputs[i]);
        }
    } else if (result && e->role != RT_ROLE_BODY) {
        /* From the element itself, as Zeebe propagates: a variable it holds
         * locally (an input mapping, a multi-instance element) takes the
         * value and goes no further. */
        ordo_rt_vars_merge(ctx, key, result);
    }
}

static void complete_failed(struct rt_ctx *ctx, uint32_t key, const json_t *result,
                            const struct ordo_err *err)
{
    struct rt_incident *x;

    ordo_rt_incident_raise(ctx, key, RT_INC_COMPLETE, err->msg);
    x = ordo_rt_incident_of(ctx->inst, key);
    if (x && result) {
        x->result = json_deep_copy(result);
    }
}

/* What completing decides before anything changes: output values and the
 * flows to take. Fails (to an incident) with nothing changed. */
static enum ordo_code complete_plan(struct rt_ctx *ctx, uint32_t key, const json_t *result,
                                    uint32_t *flow, json_t ***outputs, uint32_t **flows,
                                    uint32_t *nflows, struct ordo_err *err)
{
    const struct rt_elem *e = ordo_rt_elem(ctx->inst, key);
    const struct ordo_graph_node *n = &ctx->graph->nodes[e->node];

    *outputs = NULL;
    *flows = NULL;
    *nflows = 0;
    if (n->noutputs && e->role != RT_ROLE_BODY &&
        eval_outputs(ctx, key, n, result, outputs, err) != ORDO_OK) {
        return err->code;
    }
    if (e->role == RT_ROLE_ITER) {
        return ORDO_OK; /* iterations take no flows: their body does */
    }
    if (*flow != ORDO_GRAPH_NONE) {
        *flows = flow;
        *nflows = 1;
        return ORDO_OK;
    }
    if (select_flows(ctx, n, e->parent, flows, nflows, err) != ORDO_OK) {
        for (uint32_t i = 0; *outputs && i < n->noutputs; i++) {
            json_decref((*outputs)[i]);
        }
        return err->code;
    }
    return ORDO_OK;
}

void ordo_rt_complete(struct rt_ctx *ctx, uint32_t key, const json_t *result, uint32_t flow)
{
    struct rt_elem *e;
    const struct ordo_graph_node *n;
    uint32_t scope;
    enum rt_role role;
    struct ordo_err err = {0};
    json_t **outputs;
    uint32_t *flows;
    uint32_t nflows;
    bool trig = ctx->trigger_next;
    const json_t *trig_vars = ctx->trigger_vars;

    ctx->trigger_next = false;
    ctx->trigger_vars = NULL;
    if (complete_plan(ctx, key, result, &flow, &outputs, &flows, &nflows, &err) != ORDO_OK) {
        complete_failed(ctx, key, result, &err);
        return;
    }
    e = ordo_rt_elem(ctx->inst, key);
    n = &ctx->graph->nodes[e->node];
    scope = e->parent;
    role = (enum rt_role)e->role;
    if (role == RT_ROLE_ITER) {
        collect_output(ctx, key, e, result);
    }
    commit_variables(ctx, key, n, outputs, result);
    ordo_rt_close_subs(ctx, key);
    ordo_rt_emit(ctx, ORDO_EFFECT_LEAVE, ORDO_OP_COMPLETED, n->index, key)->text2 =
        role == RT_ROLE_BODY   ? "body"
        : role == RT_ROLE_ITER ? "iteration"
                               : NULL;
    ordo_rt_elem_remove(ctx->inst, key);
    for (uint32_t i = 0; i < nflows; i++) {
        ordo_rt_enqueue(ctx, ctx->graph->flows[flows[i]].target, scope, flows[i], trig, trig_vars);
    }
    if (role == RT_ROLE_ITER) {
        ordo_rt_iteration_done(ctx, scope);
    } else {
        ordo_rt_child_gone(ctx, scope);
    }
}
