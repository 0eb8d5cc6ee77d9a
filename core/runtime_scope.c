/*
 * core/runtime_scope.c - scopes and what crosses them: variables and
 * expressions, entering and completing containers, loops and
 * multi-instance bodies, joins, triggers of timers and messages, BPMN
 * errors looking for a catcher, and cancellation.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "core/runtime_internal.h"

/* ---- variables and expressions ---- */

const json_t *ordo_rt_var_lookup(struct ordo_instance *inst, uint32_t scope, const char *name,
                                 size_t len)
{
    for (uint32_t k = scope; k;) {
        const struct rt_elem *e = ordo_rt_elem(inst, k);
        const json_t *v;

        if (!e) {
            break;
        }
        if (e->vars && (v = json_object_getn(e->vars, name, len)) != NULL) {
            return v;
        }
        k = e->parent;
    }
    return NULL;
}

void ordo_rt_var_set_local(struct rt_ctx *ctx, uint32_t elem, const char *name, json_t *value)
{
    struct rt_elem *e = ordo_rt_elem(ctx->inst, elem);
    struct ordo_effect *ef;

    if (!e) {
        json_decref(value);
        return;
    }
    if (!e->vars) {
        e->vars = json_object();
        if (!e->vars) {
            ordo_oom(sizeof(json_t));
        }
    }
    ef = ordo_rt_emit(ctx, ORDO_EFFECT_VAR, ORDO_OP_SET, e->node, elem);
    ef->scope_key = elem;
    ef->text = ordo_arena_strdup(ctx->step->arena, name);
    ef->value = ordo_rt_keep(ctx, value);
    json_object_set_new(e->vars, name, value);
}

/* 'base' with 'path' (after its first segment) set to 'value': a new
 * object; 'base' is not changed (an effect may still hold it). */
static json_t *with_path(const json_t *base, const char *path, json_t *value)
{
    const char *dot = strchr(path, '.');
    json_t *obj = json_is_object(base) ? json_copy((json_t *)base) : json_object();

    if (!dot) {
        json_object_set_new(obj, path, value);
        return obj;
    }
    {
        size_t len = (size_t)(dot - path);
        char *head = malloc(len + 1);

        if (!head) {
            ordo_oom(len + 1);
        }
        memcpy(head, path, len);
        head[len] = '\0';
        json_object_set_new(obj, head, with_path(json_object_get(obj, head), dot + 1, value));
        free(head);
    }
    return obj;
}

void ordo_rt_var_merge(struct rt_ctx *ctx, uint32_t scope, const char *name, json_t *value)
{
    const char *dot = strchr(name, '.');
    size_t len = dot ? (size_t)(dot - name) : strlen(name);
    uint32_t target = 0;
    const char *top = dot ? ordo_arena_strndup(ctx->step->arena, name, len) : name;

    /* The innermost scope that has the variable, else the process. */
    for (uint32_t k = scope; k;) {
        const struct rt_elem *e = ordo_rt_elem(ctx->inst, k);

        if (!e) {
            break;
        }
        target = k;
        if (e->vars && json_object_getn(e->vars, name, len)) {
            break;
        }
        k = e->parent;
    }
    if (!target) {
        json_decref(value);
        return;
    }
    if (dot) {
        const struct rt_elem *e = ordo_rt_elem(ctx->inst, target);
        const json_t *cur = e->vars ? json_object_get(e->vars, top) : NULL;

        value = with_path(cur, dot + 1, value);
    }
    ordo_rt_var_set_local(ctx, target, top, value);
}

void ordo_rt_vars_merge(struct rt_ctx *ctx, uint32_t scope, const json_t *vars)
{
    const char *name;
    json_t *v;

    if (!json_is_object(vars)) {
        return;
    }
    json_object_foreach((json_t *)vars, name, v)
    {
        ordo_rt_var_merge(ctx, scope, name, json_incref(v));
    }
}

struct lookup_ctx {
    struct ordo_instance *inst;
    uint32_t scope;
    const json_t *extra;
};

static const json_t *lookup_cb(void *p, const char *name, size_t len)
{
    const struct lookup_ctx *lc = p;
    const json_t *v;

    if (lc->extra && (v = json_object_getn(lc->extra, name, len)) != NULL) {
        return v;
    }
    return ordo_rt_var_lookup(lc->inst, lc->scope, name, len);
}

static void make_env(struct rt_ctx *ctx, struct lookup_ctx *lc, struct ordo_feel_env *env)
{
    memset(env, 0, sizeof(*env));
    env->lookup = lookup_cb;
    env->lookup_ctx = lc;
    env->now_ms = ctx->now;
    env->timezone = ctx->inst->zone_name;
    env->limits = ctx->inst->opts.limits;
}

enum ordo_code ordo_rt_eval(struct rt_ctx *ctx, const struct ordo_graph_expr *expr, uint32_t scope,
                            const json_t *extra, json_t **out, struct ordo_err *err)
{
    struct lookup_ctx lc = {ctx->inst, scope, extra};
    struct ordo_feel_env env;

    make_env(ctx, &lc, &env);
    return ordo_feel_eval(expr->feel, &env, out, err);
}

enum ordo_code ordo_rt_eval_bool(struct rt_ctx *ctx, const struct ordo_graph_expr *expr,
                                 const char *what, const char *id, uint32_t scope, bool *out,
                                 struct ordo_err *err)
{
    struct lookup_ctx lc = {ctx->inst, scope, NULL};
    struct ordo_feel_env env;
    bool was_null = false;
    enum ordo_code rc;

    make_env(ctx, &lc, &env);
    rc = ordo_feel_eval_bool(expr->feel, &env, out, &was_null, err);
    if (rc == ORDO_OK && was_null) {
        ordo_rt_warn(ctx,
                     "%s \"%s\": condition \"%s\" is null, not true or false; it counts as false",
                     what, id, expr->text ? expr->text : "");
    }
    return rc;
}

void ordo_rt_warn(struct rt_ctx *ctx, const char *fmt, ...)
{
    struct ordo_step *st = ctx->step;
    va_list ap;

    if (st->nwarnings == st->warnings_cap) {
        st->warnings = ordo_arena_grow(st->arena, (void *)st->warnings, st->nwarnings,
                                       &st->warnings_cap, sizeof(*st->warnings));
    }
    va_start(ap, fmt);
    st->warnings[st->nwarnings++] = ordo_arena_vprintf(st->arena, fmt, ap);
    va_end(ap);
}

enum ordo_code ordo_rt_value_json(struct rt_ctx *ctx, const struct ordo_graph_value *value,
                                  uint32_t scope, json_t **out, struct ordo_err *err)
{
    *out = NULL;
    if (value->constant) {
        *out = json_string(value->constant);
        return ORDO_OK;
    }
    if (!value->expr.feel) {
        return ORDO_OK;
    }
    return ordo_rt_eval(ctx, &value->expr, scope, NULL, out, err);
}

enum ordo_code ordo_rt_value_text(struct rt_ctx *ctx, const struct ordo_graph_value *value,
                                  uint32_t scope, const char **out, struct ordo_err *err)
{
    json_t *v;

    *out = NULL;
    if (value->constant) {
        *out = value->constant; /* no copy: the graph outlives the step */
        return ORDO_OK;
    }
    if (ordo_rt_value_json(ctx, value, scope, &v, err) != ORDO_OK) {
        return err->code;
    }
    if (json_is_string(v)) {
        *out = ordo_arena_strdup(ctx->step->arena, json_string_value(v));
    } else if (v && !json_is_null(v)) {
        *out = ordo_json_dump(ctx->step->arena, v, JSON_COMPACT);
    }
    json_decref(v);
    return ORDO_OK;
}

/* ---- scopes ---- */

/* An element that goes away takes its incidents with it. */
static void resolve_all(struct rt_ctx *ctx, uint32_t key, uint32_t node)
{
    struct rt_incident *x;

    while ((x = ordo_rt_incident_of(ctx->inst, key)) != NULL) {
        ordo_rt_emit(ctx, ORDO_EFFECT_INCIDENT, ORDO_OP_RESOLVED, node, key)->key = x->key;
        ordo_rt_incident_remove(ctx->inst, x->key);
    }
}

/* The process instance ended: the root scope leaves and the END effect
 * carries the final variables. */
struct ordo_effect *ordo_rt_finish(struct rt_ctx *ctx, uint32_t root,
                                   enum ordo_instance_status status, enum ordo_effect_op op)
{
    static const char *const names[] = {
        [ORDO_INSTANCE_ACTIVE] = "active",         [ORDO_INSTANCE_COMPLETED] = "completed",
        [ORDO_INSTANCE_TERMINATED] = "terminated", [ORDO_INSTANCE_CANCELED] = "canceled",
        [ORDO_INSTANCE_ERROR] = "error",
    };
    struct ordo_instance *inst = ctx->inst;
    struct rt_elem *e;
    struct ordo_effect *ef;

    ordo_rt_close_subs(ctx, root);
    e = ordo_rt_elem(inst, root);
    resolve_all(ctx, root, e->node);
    ordo_rt_emit(ctx, ORDO_EFFECT_LEAVE, op, e->node, root);
    json_decref(inst->final_vars);
    inst->final_vars = e->vars ? json_incref(e->vars) : json_object();
    ef = ordo_rt_emit(ctx, ORDO_EFFECT_END, ORDO_OP_NONE, e->node, 0);
    ef->text = names[status];
    ef->value = ordo_rt_keep(ctx, inst->final_vars);
    ordo_rt_elem_remove(inst, root);
    inst->status = status;
    return ef;
}

/* Arm the timer and message starts of the event sub-processes of scope
 * 'key'; false when one failed (the scope has an incident). */
static bool arm_event_subs(struct rt_ctx *ctx, uint32_t key, const struct ordo_graph_node *n)
{
    for (uint32_t i = 0; i < n->nevent_subs; i++) {
        const struct ordo_graph_node *es = &ctx->graph->nodes[n->event_subs[i]];

        if (es->nstarts > 0 && !ordo_rt_arm(ctx, key, es->starts[0], key)) {
            return false;
        }
    }
    return true;
}

void ordo_rt_scope_enter(struct rt_ctx *ctx, uint32_t key)
{
    struct rt_elem *e = ordo_rt_elem(ctx->inst, key);
    const struct ordo_graph_node *n = &ctx->graph->nodes[e->node];

    e->wait = RT_W_SCOPE;
    if (!arm_event_subs(ctx, key, n) || n->kind != ORDO_GRAPH_SUB_PROCESS) {
        return;
    }
    if (n->nstarts > 0) {
        ordo_rt_enqueue(ctx, n->starts[0], key, ORDO_GRAPH_NONE, false, NULL);
    } else {
        ordo_rt_complete(ctx, key, NULL, ORDO_GRAPH_NONE);
    }
}

void ordo_rt_scope_terminated(struct rt_ctx *ctx, uint32_t scope)
{
    struct rt_elem *s = ordo_rt_elem(ctx->inst, scope);

    if (s->parent == 0) {
        ordo_rt_finish(ctx, scope, ORDO_INSTANCE_TERMINATED, ORDO_OP_COMPLETED);
    } else {
        ordo_rt_complete(ctx, scope, NULL, ORDO_GRAPH_NONE);
    }
}

void ordo_rt_touch(struct rt_ctx *ctx, uint32_t scope)
{
    if (ctx->inst->joins.n == 0 ||
        (ctx->ntouched > 0 && ctx->touched[ctx->ntouched - 1] == scope)) {
        return; /* no parked tokens at all, or noted just now */
    }
    if (ctx->ntouched == ctx->touched_cap) {
        ctx->touched = ordo_arena_grow(ctx->step->arena, ctx->touched, ctx->ntouched,
                                       &ctx->touched_cap, sizeof(*ctx->touched));
    }
    ctx->touched[ctx->ntouched++] = scope;
}

void ordo_rt_child_gone(struct rt_ctx *ctx, uint32_t scope)
{
    struct rt_elem *s = ordo_rt_elem(ctx->inst, scope);

    if (!s) {
        return;
    }
    ordo_rt_touch(ctx, scope);
    if (s->children > 0) {
        s->children--;
    }
    if (s->children > 0 || s->wait != RT_W_SCOPE || s->role == RT_ROLE_BODY) {
        return;
    }
    if (s->parent == 0) {
        ordo_rt_finish(ctx, scope, ORDO_INSTANCE_COMPLETED, ORDO_OP_COMPLETED);
    } else {
        ordo_rt_complete(ctx, scope, NULL, ORDO_GRAPH_NONE);
    }
}

void ordo_rt_terminate(struct rt_ctx *ctx, uint32_t key)
{
    struct rt_elem *e = ordo_rt_elem(ctx->inst, key);
    const struct ordo_graph_node *n;
    struct ordo_effect *ef;
    enum rt_wait wait;
    uint32_t parent;

    if (!e) {
        return;
    }
    n = &ctx->graph->nodes[e->node];
    ordo_rt_terminate_children(ctx, key);
    ordo_rt_close_subs(ctx, key);
    e = ordo_rt_elem(ctx->inst, key);
    wait = (enum rt_wait)e->wait;
    parent = e->parent;
    if (wait == RT_W_JOB) {
        ef = ordo_rt_emit(ctx, ORDO_EFFECT_JOB, ORDO_OP_CANCELED, n->index, key);
        ef->key = key;
        ef->text = n->job_type;
    } else if (wait == RT_W_TASK) {
        ordo_rt_emit(ctx, ORDO_EFFECT_TASK, ORDO_OP_CANCELED, n->index, key)->key = key;
    } else if (wait == RT_W_CALL) {
        ordo_rt_emit(ctx, ORDO_EFFECT_CALL, ORDO_OP_CANCELED, n->index, key)->key = key;
    }
    resolve_all(ctx, key, n->index);
    ordo_rt_emit(ctx, ORDO_EFFECT_LEAVE, ORDO_OP_TERMINATED, n->index, key)->text2 =
        e->role == RT_ROLE_BODY ? "body" : NULL;
    ordo_rt_elem_remove(ctx->inst, key);
    e = ordo_rt_elem(ctx->inst, parent);
    if (e && e->children > 0) {
        e->children--;
    }
    ordo_rt_touch(ctx, parent);
}

void ordo_rt_terminate_children(struct rt_ctx *ctx, uint32_t scope)
{
    struct ordo_instance *inst = ctx->inst;
    struct rt_elem *s = ordo_rt_elem(inst, scope);

    if (!s) {
        return;
    }
    for (size_t i = ctx->qhead; i < ctx->qlen; i++) {
        if (ctx->queue[i].scope == scope && !ctx->queue[i].dead) {
            ctx->queue[i].dead = true;
            s->children--;
        }
    }
    for (uint32_t i = inst->joins.n; i-- > 0;) {
        if (inst->joins.v[i].scope == scope) {
            ordo_rt_join_remove(inst, scope, inst->joins.v[i].node);
            s = ordo_rt_elem(inst, scope);
            s->children--;
        }
    }
    for (;;) {
        uint32_t child = 0;

        for (uint32_t i = inst->elems.n; i-- > 0;) {
            if (inst->elems.v[i].parent == scope) {
                child = inst->elems.v[i].key;
                break;
            }
        }
        if (!child) {
            break;
        }
        ordo_rt_terminate(ctx, child);
    }
}

/* ---- loops and multi-instance ---- */

/* When outputElement names a variable ("=receipt", "=result.id"), each
 * iteration holds that variable locally, null at first, as Camunda 8 does:
 * a job's result then lands in the iteration and is collected from there,
 * instead of leaking into the process and into later iterations. */
static void output_element_local(struct rt_ctx *ctx, uint32_t key,
                                 const struct ordo_graph_loop *loop)
{
    const char *t = loop->output_element.text;
    size_t len = 0;

    if (!t || !loop->output_collection) {
        return;
    }
    t += *t == '=';
    while (*t == ' ' || *t == '\t') {
        t++;
    }
    while ((t[len] >= 'a' && t[len] <= 'z') || (t[len] >= 'A' && t[len] <= 'Z') || t[len] == '_' ||
           (len > 0 && t[len] >= '0' && t[len] <= '9')) {
        len++;
    }
    if (len == 0 || (t[len] != '\0' && t[len] != '.' && t[len] != ' ')) {
        return; /* an expression, not a variable: nothing to hold */
    }
    if (loop->element && strlen(loop->element) == len && strncmp(loop->element, t, len) == 0) {
        return; /* the input element itself: keep its value */
    }
    ordo_rt_var_set_local(ctx, key, ordo_arena_strndup(ctx->step->arena, t, len), json_null());
}

void ordo_rt_iteration_start(struct rt_ctx *ctx, uint32_t body, uint32_t i, bool counted)
{
    struct rt_elem *b = ordo_rt_elem(ctx->inst, body);
    const struct ordo_graph_node *n = &ctx->graph->nodes[b->node];
    const struct ordo_graph_loop *loop = n->loop;
    json_t *item = b->items ? json_array_get(b->items, i) : NULL;
    uint32_t key;

    b->loop = i + 1;
    key = ordo_rt_enter(ctx, n->index, body, RT_ROLE_ITER);
    ordo_rt_elem(ctx->inst, key)->loop = i + 1;
    /* Iterations of a loop count against the step's bound like any
     * activation; the fan-out of a parallel multi-instance does not: its
     * size is the collection's, which is finite. */
    if (counted && !ordo_rt_count_activation(ctx, key)) {
        return;
    }
    if (loop->multi && loop->element) {
        ordo_rt_var_set_local(ctx, key, loop->element, item ? json_incref(item) : json_null());
    }
    output_element_local(ctx, key, loop);
    ordo_rt_var_set_local(ctx, key, "loopCounter", json_integer((json_int_t)i + 1));
    ordo_rt_run_element(ctx, key);
}

static enum ordo_code count_items(struct rt_ctx *ctx, uint32_t body,
                                  const struct ordo_graph_loop *loop, uint32_t *total,
                                  struct ordo_err *err)
{
    json_t *v;

    if (loop->collection.feel) {
        if (ordo_rt_eval(ctx, &loop->collection, body, NULL, &v, err) != ORDO_OK) {
            return err->code;
        }
        if (!json_is_array(v)) {
            json_decref(v);
            return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                                "the input collection \"%s\" is not a list", loop->collection.text);
        }
        ordo_rt_elem(ctx->inst, body)->items = v;
        *total = (uint32_t)json_array_size(v);
        return ORDO_OK;
    }
    if (ordo_rt_eval(ctx, &loop->cardinality, body, NULL, &v, err) != ORDO_OK) {
        return err->code;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1000000) {
        json_decref(v);
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "the loop cardinality \"%s\" is not a whole number from 0 to 1000000",
                            loop->cardinality.text);
    }
    *total = (uint32_t)json_integer_value(v);
    json_decref(v);
    return ORDO_OK;
}

/* The body's output collection, [null, ...], held by the body and filled
 * in place as iterations complete (see collect_output in runtime_flow.c).
 * The VAR effect gets its own copy, since the held array changes later in
 * the step. */
static void output_collection_init(struct rt_ctx *ctx, uint32_t key,
                                   const struct ordo_graph_loop *loop, uint32_t total)
{
    json_t *arr = json_array();

    for (uint32_t i = 0; i < total; i++) {
        json_array_append_new(arr, json_null());
    }
    ordo_rt_var_set_local(ctx, key, loop->output_collection, json_copy(arr));
    json_object_set_new(ordo_rt_elem(ctx->inst, key)->vars, loop->output_collection, arr);
}

void ordo_rt_body_enter(struct rt_ctx *ctx, uint32_t key)
{
    struct rt_elem *b = ordo_rt_elem(ctx->inst, key);
    const struct ordo_graph_node *n = &ctx->graph->nodes[b->node];
    const struct ordo_graph_loop *loop = n->loop;
    struct ordo_err err = {0};
    uint32_t total = 0;
    bool again = true;

    /* Entered again after an incident: start from nothing. */
    json_decref(b->items);
    b->items = NULL;
    b->loop = b->done = b->total = 0;
    b->wait = RT_W_SCOPE;
    if (!ordo_rt_arm_boundaries(ctx, key)) {
        return;
    }
    if (!loop->multi) {
        if (loop->test_before && loop->loop_condition.feel &&
            ordo_rt_eval_bool(ctx, &loop->loop_condition, "loop of", n->id, key, &again, &err) !=
                ORDO_OK) {
            ordo_rt_incident_raise(ctx, key, RT_INC_ACTIVATE, err.msg);
            return;
        }
        if (again) {
            ordo_rt_iteration_start(ctx, key, 0, true);
        } else {
            ordo_rt_complete(ctx, key, NULL, ORDO_GRAPH_NONE);
        }
        return;
    }
    if (count_items(ctx, key, loop, &total, &err) != ORDO_OK) {
        ordo_rt_incident_raise(ctx, key, RT_INC_ACTIVATE, err.msg);
        return;
    }
    ordo_rt_elem(ctx->inst, key)->total = total;
    if (loop->output_collection) {
        output_collection_init(ctx, key, loop, total);
    }
    if (total == 0) {
        ordo_rt_complete(ctx, key, NULL, ORDO_GRAPH_NONE);
        return;
    }
    for (uint32_t i = 0; i < (loop->sequential ? 1 : total); i++) {
        const struct rt_elem *now = ordo_rt_elem(ctx->inst, key);

        if (!now || now->wait != RT_W_SCOPE) {
            break; /* a completion condition ended the body, or it has an incident */
        }
        ordo_rt_iteration_start(ctx, key, i, loop->sequential);
    }
}

static enum ordo_code completion_reached(struct rt_ctx *ctx, uint32_t body, const struct rt_elem *b,
                                         const struct ordo_graph_loop *loop, bool *out,
                                         struct ordo_err *err)
{
    json_t *extra;
    json_t *v;
    enum ordo_code rc;

    *out = false;
    if (!loop->completion.feel) {
        return ORDO_OK;
    }
    extra = json_pack("{s:I,s:I,s:I}", "numberOfInstances", (json_int_t)b->total,
                      "numberOfCompletedInstances", (json_int_t)b->done, "numberOfActiveInstances",
                      (json_int_t)(b->loop - b->done));
    rc = ordo_rt_eval(ctx, &loop->completion, body, extra, &v, err);
    json_decref(extra);
    if (rc == ORDO_OK) {
        *out = json_is_true(v);
        json_decref(v);
    }
    return rc;
}

/* Does a standard loop go round again after iteration 'counter'? The
 * condition sees that iteration's loopCounter (BPMN 2.0 10.2.8); without a
 * condition, only loopMaximum ends the loop. */
static enum ordo_code loop_again(struct rt_ctx *ctx, uint32_t body, uint32_t counter,
                                 const struct ordo_graph_loop *loop, bool *again,
                                 struct ordo_err *err)
{
    json_t *extra;
    json_t *v;
    enum ordo_code rc;

    *again = true;
    if (!loop->loop_condition.feel) {
        return ORDO_OK;
    }
    extra = json_pack("{s:I}", "loopCounter", (json_int_t)counter);
    rc = ordo_rt_eval(ctx, &loop->loop_condition, body, extra, &v, err);
    json_decref(extra);
    if (rc == ORDO_OK) {
        *again = json_is_true(v);
        json_decref(v);
    }
    return rc;
}

void ordo_rt_body_decide(struct rt_ctx *ctx, uint32_t body)
{
    struct rt_elem *b = ordo_rt_elem(ctx->inst, body);
    const struct ordo_graph_loop *loop = ctx->graph->nodes[b->node].loop;
    struct ordo_err err = {0};
    bool stop = false;
    bool again = false;

    if (!loop->multi) {
        if (loop_again(ctx, body, b->loop, loop, &again, &err) != ORDO_OK) {
            ordo_rt_incident_raise(ctx, body, RT_INC_DECIDE, err.msg);
        } else if (again && (loop->loop_maximum == 0 || b->loop < loop->loop_maximum)) {
            ordo_rt_enqueue_iteration(ctx, body, b->loop);
        } else {
            ordo_rt_complete(ctx, body, NULL, ORDO_GRAPH_NONE);
        }
        return;
    }
    if (completion_reached(ctx, body, b, loop, &stop, &err) != ORDO_OK) {
        ordo_rt_incident_raise(ctx, body, RT_INC_DECIDE, err.msg);
        return;
    }
    b = ordo_rt_elem(ctx->inst, body);
    if (stop) {
        ordo_rt_terminate_children(ctx, body);
        ordo_rt_complete(ctx, body, NULL, ORDO_GRAPH_NONE);
    } else if (loop->sequential && b->loop < b->total) {
        ordo_rt_enqueue_iteration(ctx, body, b->loop);
    } else if (b->done >= b->total && b->children == 0) {
        ordo_rt_complete(ctx, body, NULL, ORDO_GRAPH_NONE);
    }
}

void ordo_rt_iteration_done(struct rt_ctx *ctx, uint32_t body)
{
    struct rt_elem *b = ordo_rt_elem(ctx->inst, body);

    if (!b) {
        return;
    }
    if (b->children > 0) {
        b->children--;
    }
    b->done++;
    /* A body stuck on an incident (its completion condition failed) only
     * counts; resolving the incident decides again. */
    if (b->wait == RT_W_SCOPE) {
        ordo_rt_body_decide(ctx, body);
    }
}

/* ---- joins ---- */

static uint32_t incoming_pos(const struct ordo_graph_node *n, uint32_t flow)
{
    for (uint32_t i = 0; i < n->nincoming; i++) {
        if (n->incoming[i] == flow) {
            return i;
        }
    }
    return 0;
}

static bool inclusive_ready(struct rt_ctx *ctx, const struct rt_join *j)
{
    const struct ordo_graph_node *n = &ctx->graph->nodes[j->node];
    struct ordo_instance *inst = ctx->inst;

    for (uint32_t i = 0; i < inst->elems.n; i++) {
        if (inst->elems.v[i].parent == j->scope && ordo_graph_reaches(n, inst->elems.v[i].node)) {
            return false;
        }
    }
    for (size_t i = ctx->qhead; i < ctx->qlen; i++) {
        const struct rt_token *t = &ctx->queue[i];

        if (!t->dead && t->scope == j->scope &&
            (t->node == j->node || ordo_graph_reaches(n, t->node))) {
            return false;
        }
    }
    for (uint32_t i = 0; i < inst->joins.n; i++) {
        const struct rt_join *o = &inst->joins.v[i];

        if (o != j && o->scope == j->scope && ordo_graph_reaches(n, o->node)) {
            return false;
        }
    }
    return true;
}

/* The join fires: one token of each incoming flow that has one is used
 * and the gateway runs (and forks). */
static void join_fire(struct rt_ctx *ctx, uint32_t scope, uint32_t node)
{
    const struct ordo_graph_node *n = &ctx->graph->nodes[node];
    struct rt_join *j = ordo_rt_join(ctx->inst, scope, node, false, NULL);
    bool empty = true;
    uint32_t key;

    for (uint32_t i = 0; i < n->nincoming; i++) {
        if (j->counts[i] > 0) {
            j->counts[i]--;
        }
        empty = empty && j->counts[i] == 0;
    }
    key = ordo_rt_enter(ctx, node, scope, RT_ROLE_PLAIN);
    if (empty) {
        ordo_rt_join_remove(ctx->inst, scope, node);
        ordo_rt_elem(ctx->inst, scope)->children--; /* the parked tokens are gone */
    }
    ctx->activations++;
    ordo_rt_run_element(ctx, key);
}

void ordo_rt_join_arrive(struct rt_ctx *ctx, uint32_t node, uint32_t scope, uint32_t flow)
{
    const struct ordo_graph_node *n = &ctx->graph->nodes[node];
    bool created;
    struct rt_join *j = ordo_rt_join(ctx->inst, scope, node, true, &created);
    bool all = true;

    j->counts[incoming_pos(n, flow)]++;
    if (created) {
        ordo_rt_elem(ctx->inst, scope)->children++;
    }
    if (n->kind == ORDO_GRAPH_INCLUSIVE_GATEWAY) {
        if (inclusive_ready(ctx, j)) {
            join_fire(ctx, scope, node);
        }
        return;
    }
    for (uint32_t i = 0; i < n->nincoming; i++) {
        all = all && j->counts[i] > 0;
    }
    if (all) {
        join_fire(ctx, scope, node);
    }
}

bool ordo_rt_joins_settle(struct rt_ctx *ctx)
{
    struct ordo_instance *inst = ctx->inst;

    /* Only the joins of scopes that lost something can have become ready;
     * looking at every join after every step made many parked joins
     * cubic. */
    while (ctx->ntouched > 0) {
        uint32_t scope = ctx->touched[--ctx->ntouched];

        for (uint32_t i = 0; i < inst->joins.n; i++) {
            const struct rt_join *j = &inst->joins.v[i];

            if (j->scope == scope &&
                ctx->graph->nodes[j->node].kind == ORDO_GRAPH_INCLUSIVE_GATEWAY &&
                inclusive_ready(ctx, j)) {
                ctx->touched[ctx->ntouched++] = scope; /* it may hold another ready join */
                join_fire(ctx, j->scope, j->node);
                return true; /* the tables changed: ordo_rt_run() drains and asks again */
            }
        }
    }
    return false;
}

/* ---- triggers ---- */

static void event_sub_fire(struct rt_ctx *ctx, uint32_t scope, uint32_t start, const json_t *vars)
{
    const struct ordo_graph_node *sn = &ctx->graph->nodes[start];
    struct ordo_instance *inst = ctx->inst;
    uint32_t key;

    if (sn->interrupting) {
        ordo_rt_terminate_children(ctx, scope);
        /* The scope's other event sub-process starts close too. */
        for (uint32_t i = inst->subs.n; i-- > 0;) {
            const struct rt_sub *s = &inst->subs.v[i];

            if (s->owner == scope && ctx->graph->nodes[s->node].kind == ORDO_GRAPH_START_EVENT) {
                ordo_rt_emit_sub(ctx,
                                 s->kind == RT_SUB_TIMER ? ORDO_EFFECT_TIMER : ORDO_EFFECT_MESSAGE,
                                 s->kind == RT_SUB_TIMER ? ORDO_OP_CANCELED : ORDO_OP_CLOSED, s);
                ordo_rt_sub_remove(inst, s->key);
            }
        }
    }
    key = ordo_rt_enter(ctx, sn->scope, scope, RT_ROLE_PLAIN);
    ordo_rt_scope_enter(ctx, key);
    ordo_rt_enqueue(ctx, start, key, ORDO_GRAPH_NONE, true, vars);
}

static void boundary_fire(struct rt_ctx *ctx, uint32_t host, uint32_t node, const json_t *vars)
{
    struct rt_elem *h = ordo_rt_elem(ctx->inst, host);
    uint32_t scope = h->parent;

    if (ctx->graph->nodes[node].interrupting) {
        ordo_rt_terminate(ctx, host);
    }
    ordo_rt_enqueue(ctx, node, scope, ORDO_GRAPH_NONE, true, vars);
}

void ordo_rt_trigger(struct rt_ctx *ctx, uint32_t sub_key, const json_t *vars)
{
    struct rt_sub *s = ordo_rt_sub(ctx->inst, sub_key);
    const struct ordo_graph_node *n = &ctx->graph->nodes[s->node];
    uint32_t owner = s->owner;
    bool timer = s->kind == RT_SUB_TIMER;
    const struct rt_elem *o = ordo_rt_elem(ctx->inst, owner);
    const struct ordo_graph_node *on = &ctx->graph->nodes[o->node];

    if (on->kind == ORDO_GRAPH_EVENT_GATEWAY) {
        uint32_t flow = ORDO_GRAPH_NONE;

        for (uint32_t i = 0; i < on->noutgoing; i++) {
            if (ctx->graph->flows[on->outgoing[i]].target == n->index) {
                flow = on->outgoing[i];
            }
        }
        ordo_rt_sub_remove(ctx->inst, sub_key);
        ordo_rt_close_subs(ctx, owner); /* the other events lose the race */
        ctx->trigger_next = true;
        ctx->trigger_vars = vars;
        ordo_rt_complete(ctx, owner, NULL, flow);
        return;
    }
    if (o->node == n->index) { /* a catch event or receive task waiting for itself */
        ordo_rt_sub_remove(ctx->inst, sub_key);
        ordo_rt_complete(ctx, owner, vars, ORDO_GRAPH_NONE);
        return;
    }
    /* A boundary event or an event sub-process start: a non-interrupting
     * timer cycle fires again, a non-interrupting message stays open. */
    if (!n->interrupting && timer) {
        (void)ordo_rt_rearm_timer(ctx, sub_key);
    } else if (n->interrupting) {
        ordo_rt_sub_remove(ctx->inst, sub_key);
    }
    if (n->kind == ORDO_GRAPH_BOUNDARY_EVENT) {
        boundary_fire(ctx, owner, n->index, vars);
    } else {
        event_sub_fire(ctx, owner, n->index, vars);
    }
}

/* ---- BPMN errors ---- */

/* Among 'cands' (boundary events or event sub-processes, per 'boundary'),
 * the error catcher for 'code': an exact match before a catch-all. */
static uint32_t match_error(const struct ordo_graph *g, const uint32_t *cands, uint32_t n,
                            bool boundary, const char *code)
{
    uint32_t any = ORDO_GRAPH_NONE;

    for (uint32_t i = 0; i < n; i++) {
        const struct ordo_graph_node *c = &g->nodes[cands[i]];
        const struct ordo_graph_node *ev =
            boundary ? c : (c->nstarts ? &g->nodes[c->starts[0]] : NULL);

        if (!ev || ev->trigger != ORDO_GRAPH_TRIGGER_ERROR) {
            continue;
        }
        if (!ev->error_code) {
            any = any == ORDO_GRAPH_NONE ? cands[i] : any;
        } else if (code && strcmp(ev->error_code, code) == 0) {
            return cands[i];
        }
    }
    return any;
}

void ordo_rt_throw_error(struct rt_ctx *ctx, uint32_t from, const char *code, const char *message,
                         const json_t *vars)
{
    const struct ordo_graph *g = ctx->graph;
    uint32_t cur = from;

    for (;;) {
        const struct rt_elem *e = ordo_rt_elem(ctx->inst, cur);
        const struct ordo_graph_node *n = &g->nodes[e->node];
        uint32_t scope = e->parent;
        uint32_t hit;

        if (e->role != RT_ROLE_ITER && n->nboundaries &&
            (hit = match_error(g, n->boundaries, n->nboundaries, true, code)) != ORDO_GRAPH_NONE) {
            boundary_fire(ctx, cur, hit, vars);
            return;
        }
        if (scope == 0) {
            break;
        }
        {
            const struct rt_elem *s = ordo_rt_elem(ctx->inst, scope);
            const struct ordo_graph_node *sn = &g->nodes[s->node];

            /* An error from inside an event sub-process is not for the
             * event sub-processes of the same scope (Camunda 8): it goes on
             * to the scope's boundary events. */
            if (s->role != RT_ROLE_BODY && n->kind != ORDO_GRAPH_EVENT_SUB_PROCESS &&
                (hit = match_error(g, sn->event_subs, sn->nevent_subs, false, code)) !=
                    ORDO_GRAPH_NONE) {
                event_sub_fire(ctx, scope, g->nodes[hit].starts[0], vars);
                return;
            }
        }
        cur = scope;
    }
    if (ctx->inst->opts.called) {
        /* Nothing here catches it: the caller's call activity throws it on. */
        uint32_t root = ctx->inst->elems.v[0].key;

        ordo_rt_terminate_children(ctx, root);
        ordo_rt_finish(ctx, root, ORDO_INSTANCE_ERROR, ORDO_OP_TERMINATED)->text2 =
            code ? ordo_arena_strdup(ctx->step->arena, code) : NULL;
        return;
    }
    ordo_rt_incident_raise(
        ctx, from,
        ctx->graph->nodes[ordo_rt_elem(ctx->inst, from)->node].kind == ORDO_GRAPH_JOB_TASK
            ? RT_INC_JOB
            : RT_INC_ERROR,
        ordo_arena_printf(ctx->step->arena, "unhandled BPMN error \"%s\"%s%s", code ? code : "",
                          message ? ": " : "", message ? message : ""));
}
