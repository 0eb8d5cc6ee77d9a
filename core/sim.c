/*
 * core/sim.c - the in-memory driver behind `ordo run` (see core/sim.h).
 *
 * A driver is a host like the server, minus storage: it applies one event
 * at a time to one instance, reads the step's effects, and turns those
 * that ask for the outside world (a job, a child instance, a child's end)
 * into the next events, until none is left.
 */
#include "core/sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"

#define MAX_INSTANCES   1000u   /* call activities that call themselves stop here */
#define MAX_TIMER_FIRES 100000u /* per --advance: R/PT1S over a year is a mistake */

/* A pending event for one instance. */
struct work {
    uint32_t instance; /* index into sim.insts */
    struct ordo_event ev;
    json_t *vars; /* owned */
    char *code;   /* owned: CALL_ERROR's error code */
    bool dead;    /* its job was cancelled before it was answered */
};

struct child {
    struct ordo_instance *inst;
    struct ordo_runtime_options opts; /* as created, for restoring it */
    uint32_t parent;                  /* index of the parent instance; UINT32_MAX for the root */
    uint32_t parent_key;              /* the call activity's element key */
};

struct sim {
    const struct ordo_sim_input *in;
    ordo_sim_effect_fn *fn;
    void *ctx;
    struct ordo_arena *arena; /* steps' effects; reset after each step */
    struct child *insts;
    uint32_t ninsts, cap;
    struct work *queue;
    size_t qhead, qlen, qcap;
    bool *used; /* answers used */
    uint64_t seq;
    int64_t now;
};

static void push(struct sim *s, uint32_t instance, const struct ordo_event *ev, json_t *vars)
{
    struct work *w;

    if (s->qlen == s->qcap) {
        size_t ncap = s->qcap ? s->qcap * 2 : 16;
        struct work *q = realloc(s->queue, ncap * sizeof(*q));

        if (!q) {
            ordo_oom(ncap * sizeof(*q));
        }
        s->queue = q;
        s->qcap = ncap;
    }
    w = &s->queue[s->qlen++];
    w->instance = instance;
    w->ev = *ev;
    w->vars = vars;
    w->ev.variables = vars;
    w->code = NULL;
    w->dead = false;
}

/* A job or call was cancelled: its queued answer has nobody to go to. */
/* Cancel child instance 'child': not started yet, it never starts; else
 * it gets ORDO_EVENT_CANCEL, and its queued work is dropped. */
static void cancel_child(struct sim *s, uint32_t child)
{
    struct ordo_event ev = {
        .kind = ORDO_EVENT_CANCEL, .time_ms = s->now, .start_node = ORDO_GRAPH_NONE};
    bool queued_start = false;

    for (size_t j = s->qhead; j < s->qlen; j++) {
        if (s->queue[j].instance == child) {
            queued_start = queued_start || s->queue[j].ev.kind == ORDO_EVENT_START;
            s->queue[j].dead = true;
        }
    }
    if (!queued_start) {
        push(s, child, &ev, NULL);
    }
}

static void drop(struct sim *s, uint32_t instance, uint32_t key)
{
    for (size_t i = s->qhead; i < s->qlen; i++) {
        struct work *w = &s->queue[i];

        if (w->instance == instance && w->ev.key == key && w->ev.kind != ORDO_EVENT_START) {
            w->dead = true;
        }
    }
    /* A cancelled call cancels its child (whose own calls follow in turn). */
    for (uint32_t i = 0; i < s->ninsts; i++) {
        if (s->insts[i].parent == instance && s->insts[i].parent_key == key &&
            ordo_instance_status(s->insts[i].inst) == ORDO_INSTANCE_ACTIVE) {
            cancel_child(s, i);
        }
    }
}

static const struct ordo_sim_answer *next_answer(struct sim *s, const char *type)
{
    for (size_t i = 0; i < s->in->nanswers; i++) {
        if (!s->used[i] && type && strcmp(s->in->answers[i].type, type) == 0) {
            s->used[i] = true;
            return &s->in->answers[i];
        }
    }
    return NULL;
}

static void on_job(struct sim *s, uint32_t instance, const struct ordo_effect *e)
{
    const struct ordo_sim_answer *a = next_answer(s, e->text);
    struct ordo_event ev = {.key = e->key, .time_ms = s->now, .start_node = ORDO_GRAPH_NONE};
    json_t *vars = NULL;

    if (!a) {
        ev.kind = ORDO_EVENT_JOB_COMPLETE;
        vars = json_object();
    } else if (a->kind == ORDO_SIM_JOB_COMPLETE) {
        ev.kind = ORDO_EVENT_JOB_COMPLETE;
        vars = a->variables ? json_deep_copy(a->variables) : json_object();
    } else if (a->kind == ORDO_SIM_JOB_ERROR) {
        ev.kind = ORDO_EVENT_JOB_ERROR;
        ev.error_code = a->code;
        ev.message = a->message;
        vars = a->variables ? json_deep_copy(a->variables) : NULL;
    } else {
        ev.kind = ORDO_EVENT_JOB_FAIL;
        ev.retries = 0;
        ev.message = a->message;
    }
    push(s, instance, &ev, vars);
}

static enum ordo_code on_call(struct sim *s, uint32_t instance, const struct ordo_effect *e,
                              struct ordo_err *err)
{
    const struct ordo_graph_node *p = ordo_graph_process(s->in->graph, e->text);
    struct ordo_event ev = {
        .kind = ORDO_EVENT_START, .time_ms = s->now, .start_node = ORDO_GRAPH_NONE};
    struct ordo_runtime_options opts;
    struct child *c;

    if (!p) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "call activity \"%s\": process \"%s\" is not in this file",
                            s->in->graph->nodes[e->node].id, e->text);
    }
    if (s->ninsts >= MAX_INSTANCES) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "more than %u instances: does a process call itself?", MAX_INSTANCES);
    }
    if (s->ninsts == s->cap) {
        uint32_t ncap = s->cap * 2;
        struct child *v = realloc(s->insts, ncap * sizeof(*v));

        if (!v) {
            ordo_oom(ncap * sizeof(*v));
        }
        s->insts = v;
        s->cap = ncap;
    }
    c = &s->insts[s->ninsts];
    opts = s->in->runtime;
    opts.called = true;
    c->opts = opts;
    c->inst = ordo_instance_new(s->in->graph, p->index, &opts);
    c->parent = instance;
    c->parent_key = e->key;
    push(s, s->ninsts++, &ev, e->value ? json_deep_copy(e->value) : NULL);
    return ORDO_OK;
}

static char *dup(const char *text)
{
    size_t len = strlen(text) + 1;
    char *d = malloc(len);

    if (!d) {
        ordo_oom(len);
    }
    memcpy(d, text, len);
    return d;
}

/* A child ended: its call activity completes, or throws the child's
 * uncaught BPMN error on. */
static void on_child_end(struct sim *s, uint32_t instance, const struct ordo_effect *e)
{
    struct ordo_event ev = {.kind = ORDO_EVENT_CALL_COMPLETE,
                            .key = s->insts[instance].parent_key,
                            .time_ms = s->now,
                            .start_node = ORDO_GRAPH_NONE};
    char *code = NULL;

    if (strcmp(e->text, "error") == 0) {
        ev.kind = ORDO_EVENT_CALL_ERROR;
        code = dup(e->text2 ? e->text2 : "");
    }
    push(s, s->insts[instance].parent, &ev,
         ev.kind == ORDO_EVENT_CALL_COMPLETE ? json_deep_copy(e->value) : NULL);
    s->queue[s->qlen - 1].code = code;
    s->queue[s->qlen - 1].ev.error_code = code;
}

/* Report the step's effects and queue what they ask for. */
static enum ordo_code on_effects(struct sim *s, uint32_t instance, const struct ordo_step *st,
                                 struct ordo_err *err)
{
    for (size_t i = 0; i < st->neffects; i++) {
        struct ordo_effect e = st->effects[i];

        e.seq = ++s->seq;
        s->fn(s->ctx, instance + 1, &e);
        if (e.kind == ORDO_EFFECT_JOB && e.op == ORDO_OP_CREATED) {
            on_job(s, instance, &e);
        } else if ((e.kind == ORDO_EFFECT_JOB || e.kind == ORDO_EFFECT_CALL) &&
                   e.op == ORDO_OP_CANCELED) {
            drop(s, instance, e.key);
        } else if (e.kind == ORDO_EFFECT_CALL && e.op == ORDO_OP_CREATED) {
            if (on_call(s, instance, &e, err) != ORDO_OK) {
                return err->code;
            }
        } else if (e.kind == ORDO_EFFECT_END && s->insts[instance].parent != UINT32_MAX &&
                   strcmp(e.text, "canceled") != 0) {
            on_child_end(s, instance, &e);
        }
    }
    return ORDO_OK;
}

/* Replace instance 'i' by its restored snapshot; the restored instance
 * must snapshot to the same document. */
static enum ordo_code reload(struct sim *s, uint32_t i, struct ordo_err *err)
{
    json_t *snap = ordo_instance_snapshot(s->insts[i].inst);
    struct ordo_instance *again = NULL;
    enum ordo_code rc = ordo_instance_restore(s->in->graph, snap, &s->insts[i].opts, &again, err);

    if (rc == ORDO_OK) {
        json_t *check = ordo_instance_snapshot(again);

        if (!json_equal(check, snap)) {
            rc = ordo_err_set(err, ORDO_E_INTERNAL, "a restored snapshot differs from the state");
        }
        json_decref(check);
    }
    if (rc == ORDO_OK) {
        ordo_instance_free(s->insts[i].inst);
        s->insts[i].inst = again;
    } else {
        ordo_instance_free(again);
    }
    json_decref(snap);
    return rc;
}

static enum ordo_code apply(struct sim *s, uint32_t instance, const struct ordo_event *ev,
                            struct ordo_err *err)
{
    struct ordo_step st = {.arena = s->arena};
    enum ordo_code rc;

    rc = ordo_runtime_apply(s->insts[instance].inst, ev, &st, err);
    for (size_t i = 0; rc == ORDO_OK && s->in->warn && i < st.nwarnings; i++) {
        s->in->warn(s->ctx, instance + 1, st.warnings[i]);
    }
    if (rc == ORDO_OK) {
        rc = on_effects(s, instance, &st, err);
    }
    ordo_arena_reset(s->arena);
    if (rc == ORDO_OK && s->in->snapshot_steps) {
        rc = reload(s, instance, err);
    }
    return rc;
}

/* Apply queued work until none is left. */
static enum ordo_code quiesce(struct sim *s, struct ordo_err *err)
{
    while (s->qhead < s->qlen) {
        struct work w = s->queue[s->qhead++];
        enum ordo_code rc;

        w.ev.time_ms = s->now;
        rc = w.dead ? ORDO_OK : apply(s, w.instance, &w.ev, err);
        json_decref(w.vars);
        free(w.code);
        if (rc != ORDO_OK) {
            return rc;
        }
    }
    s->qhead = s->qlen = 0;
    return ORDO_OK;
}

/* The first open wait of 'kind' on 'element' / named 'name', over all
 * instances in start order. */
static bool find_wait(struct sim *s, enum ordo_wait_kind kind, const char *element,
                      const char *name, uint32_t *instance, uint32_t *key)
{
    for (uint32_t i = 0; i < s->ninsts; i++) {
        const struct ordo_wait *w;
        size_t n = ordo_instance_waits(s->insts[i].inst, s->arena, &w);

        for (size_t j = 0; j < n; j++) {
            if (w[j].kind != kind) {
                continue;
            }
            if ((element && strcmp(s->in->graph->nodes[w[j].node].id, element) == 0) ||
                (name && w[j].text && strcmp(w[j].text, name) == 0)) {
                *instance = i;
                *key = w[j].key;
                return true;
            }
        }
    }
    return false;
}

static enum ordo_code advance(struct sim *s, const struct ordo_sim_stimulus *st,
                              struct ordo_err *err)
{
    int64_t until;
    uint32_t fires = 0;

    if (!ordo_timer_due(st->duration, s->now, 0, s->now, s->in->runtime.zone, &until)) {
        return ordo_err_set(err, ORDO_E_INVAL, "--advance %s: not a duration", st->text);
    }
    for (;;) {
        struct ordo_wait best = {0};
        uint32_t best_inst = UINT32_MAX;
        struct ordo_event ev = {.kind = ORDO_EVENT_TIMER, .start_node = ORDO_GRAPH_NONE};
        enum ordo_code rc;

        for (uint32_t i = 0; i < s->ninsts; i++) {
            struct ordo_wait w;

            if (ordo_instance_next_timer(s->insts[i].inst, &w) && w.due_ms <= until &&
                (best_inst == UINT32_MAX || w.due_ms < best.due_ms)) {
                best = w;
                best_inst = i;
            }
        }
        if (best_inst == UINT32_MAX) {
            break;
        }
        if (++fires > MAX_TIMER_FIRES) {
            return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                                "--advance %s: more than %u timers fired", st->text,
                                MAX_TIMER_FIRES);
        }
        if (best.due_ms > s->now) {
            s->now = best.due_ms;
        }
        ev.key = best.key;
        ev.time_ms = s->now;
        rc = apply(s, best_inst, &ev, err);
        if (rc == ORDO_OK) {
            rc = quiesce(s, err);
        }
        if (rc != ORDO_OK) {
            return rc;
        }
    }
    s->now = until > s->now ? until : s->now;
    return ORDO_OK;
}

static enum ordo_code stimulate(struct sim *s, const struct ordo_sim_stimulus *st,
                                struct ordo_err *err)
{
    struct ordo_event ev = {.time_ms = s->now, .start_node = ORDO_GRAPH_NONE};
    uint32_t instance;
    enum ordo_code rc;

    if (st->kind == ORDO_SIM_ADVANCE) {
        return advance(s, st, err);
    }
    if (st->kind == ORDO_SIM_ANSWER) {
        if (!find_wait(s, ORDO_WAIT_TASK, st->element, NULL, &instance, &ev.key)) {
            return ordo_err_set(err, ORDO_E_INVAL, "--answer %s: no open user task \"%s\"",
                                st->text, st->element);
        }
        ev.kind = ORDO_EVENT_TASK_COMPLETE;
    } else {
        if (!find_wait(s, ORDO_WAIT_MESSAGE, NULL, st->name, &instance, &ev.key)) {
            return ordo_err_set(err, ORDO_E_INVAL, "--message %s: nothing waits for message \"%s\"",
                                st->text, st->name);
        }
        ev.kind = ORDO_EVENT_MESSAGE;
        ev.name = st->name;
    }
    ordo_arena_reset(s->arena);
    ev.variables = st->variables;
    rc = apply(s, instance, &ev, err);
    return rc == ORDO_OK ? quiesce(s, err) : rc;
}

/* The start event: the none start, else (a process started only by
 * messages or timers) the first start event, as if it had occurred. */
static uint32_t pick_start(const struct ordo_graph *g, const struct ordo_graph_node *p)
{
    for (uint32_t i = 0; i < p->nstarts; i++) {
        if (g->nodes[p->starts[i]].trigger == ORDO_GRAPH_TRIGGER_NONE) {
            return p->starts[i];
        }
    }
    return p->nstarts ? p->starts[0] : ORDO_GRAPH_NONE;
}

static enum ordo_sim_status status_of(const struct sim *s)
{
    struct ordo_arena *a = s->arena;
    bool waiting = ordo_instance_status(s->insts[0].inst) == ORDO_INSTANCE_ACTIVE;

    for (uint32_t i = 0; i < s->ninsts; i++) {
        const struct ordo_wait *w;
        size_t n = ordo_instance_waits(s->insts[i].inst, a, &w);

        for (size_t j = 0; j < n; j++) {
            if (w[j].kind == ORDO_WAIT_INCIDENT) {
                return ORDO_SIM_INCIDENT;
            }
        }
    }
    return waiting ? ORDO_SIM_WAITING : ORDO_SIM_COMPLETED;
}

enum ordo_code ordo_sim_run(const struct ordo_sim_input *in, ordo_sim_effect_fn *fn, void *ctx,
                            struct ordo_sim_result *out, struct ordo_err *err)
{
    struct sim s = {.in = in, .fn = fn, .ctx = ctx, .now = in->now_ms};
    struct ordo_event ev = {.kind = ORDO_EVENT_START, .time_ms = in->now_ms};
    enum ordo_code rc;

    ev.start_node = pick_start(in->graph, &in->graph->nodes[in->process]);
    if (ev.start_node == ORDO_GRAPH_NONE) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "process \"%s\" has no start event",
                            in->graph->nodes[in->process].id);
    }
    s.arena = ordo_arena_new();
    s.used = calloc(in->nanswers + 1, sizeof(*s.used));
    s.cap = 4;
    s.insts = calloc(s.cap, sizeof(*s.insts));
    if (!s.used || !s.insts) {
        ordo_oom(sizeof(*s.insts));
    }
    s.insts[0].opts = in->runtime;
    s.insts[0].inst = ordo_instance_new(in->graph, in->process, &in->runtime);
    s.insts[0].parent = UINT32_MAX;
    s.ninsts = 1;
    push(&s, 0, &ev, in->variables ? json_deep_copy(in->variables) : NULL);
    rc = quiesce(&s, err);
    for (size_t i = 0; rc == ORDO_OK && i < in->nstimuli; i++) {
        rc = stimulate(&s, &in->stimuli[i], err);
    }
    if (rc == ORDO_OK) {
        out->status = status_of(&s);
        out->variables = json_deep_copy(ordo_instance_variables(s.insts[0].inst));
    }
    for (size_t i = s.qhead; i < s.qlen; i++) {
        json_decref(s.queue[i].vars);
        free(s.queue[i].code);
    }
    for (uint32_t i = 0; i < s.ninsts; i++) {
        ordo_instance_free(s.insts[i].inst);
    }
    free(s.queue);
    free(s.insts);
    free(s.used);
    ordo_arena_free(s.arena);
    return rc;
}

enum ordo_code ordo_sim_pick_process(const struct ordo_graph *graph, const char *id, uint32_t *out,
                                     struct ordo_err *err)
{
    uint32_t found = ORDO_GRAPH_NONE;
    uint32_t executable = 0;
    char list[160] = "";
    size_t used = 0;

    if (id) {
        const struct ordo_graph_node *p = ordo_graph_process(graph, id);

        if (!p) {
            return ordo_err_set(err, ORDO_E_NOTFOUND, "no process \"%s\" in this file", id);
        }
        *out = p->index;
        return ORDO_OK;
    }
    for (uint32_t i = 0; i < graph->nprocesses; i++) {
        const struct ordo_graph_node *p = &graph->nodes[graph->processes[i]];
        int n = snprintf(list + used, sizeof(list) - used, "%s\"%s\"%s", used ? ", " : "", p->id,
                         p->executable ? "" : " (not executable)");

        if (n > 0 && used + (size_t)n < sizeof(list)) {
            used += (size_t)n;
        }
        if (p->executable) {
            executable++;
            found = p->index;
        }
    }
    if (executable == 1) {
        *out = found;
        return ORDO_OK;
    }
    return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                        "%s executable process in this file; choose one with --process: %s",
                        executable ? "more than one" : "no", used ? list : "(no processes)");
}
