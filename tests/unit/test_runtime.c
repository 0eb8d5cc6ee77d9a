/*
 * The runtime (core/runtime.h) driven directly, event by event, without
 * core/sim.c: refused events leave everything as it was; job failures,
 * incidents and their resolution; cancellation; message correlation by key;
 * keys, times and sequence numbers of effects; the waits a host reads; the
 * JSON record of effects; the bound on activations in one step.
 *
 * Each test parses and compiles a small inline document (process P), makes
 * an instance and applies events to it. Every step's effects are kept until
 * the next apply, so a test reads what the last event did.
 */
#include <stdio.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "bpmn/parse.h"
#include "core/graph.h"
#include "core/runtime.h"
#include "tests/unit/check_main.h"

#define T0      1773570600000LL /* 2026-03-15T10:30:00Z */
#define MINUTE  60000LL
#define HOUR    (60 * MINUTE)
#define NO_NODE ORDO_GRAPH_NONE

/* clang-format off */

#define HEAD                                                                                       \
    "<?xml version='1.0' encoding='UTF-8'?>\n"                                                     \
    "<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL' "                  \
    "xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance' "                                       \
    "xmlns:zeebe='http://camunda.org/schema/zeebe/1.0' "                                           \
    "targetNamespace='urn:ordo:test' id='defs'>\n"
#define TAIL        "</bpmn:definitions>\n"
#define PROCESS     "<bpmn:process id='P' isExecutable='true'>\n"
#define END_PROCESS "</bpmn:process>\n"
#define FLOW(id, src, dst)                                                                         \
    "<bpmn:sequenceFlow id='" id "' sourceRef='" src "' targetRef='" dst "'/>\n"
#define CFLOW(id, src, dst, expr)                                                                  \
    "<bpmn:sequenceFlow id='" id "' sourceRef='" src "' targetRef='" dst "'>"                      \
    "<bpmn:conditionExpression>" expr "</bpmn:conditionExpression></bpmn:sequenceFlow>\n"
#define JOB_TASK(id, type, extra)                                                                  \
    "<bpmn:serviceTask id='" id "'><bpmn:extensionElements>"                                       \
    "<zeebe:taskDefinition type='" type "'" extra "/>"                                             \
    "</bpmn:extensionElements></bpmn:serviceTask>\n"

/* A job, a user task, a timer and a message, all waiting at once. Keys:
 * 1 P, 2 S, 3 fork, 4 job, 5 ask, 6 tick, 7 tick's timer, 8 hear,
 * 9 hear's subscription. */
static const char *const WAITS =
    HEAD "<bpmn:message id='m' name='ping'/>\n" PROCESS
    "<bpmn:startEvent id='S'/>\n" FLOW("f0", "S", "fork")
    "<bpmn:parallelGateway id='fork'/>\n"
    FLOW("f1", "fork", "job") FLOW("f2", "fork", "ask") FLOW("f3", "fork", "tick")
    FLOW("f4", "fork", "hear")
    JOB_TASK("job", "t.job", "")
    "<bpmn:userTask id='ask'/>\n"
    "<bpmn:intermediateCatchEvent id='tick'><bpmn:timerEventDefinition>"
    "<bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>"
    "</bpmn:intermediateCatchEvent>\n"
    "<bpmn:intermediateCatchEvent id='hear'><bpmn:messageEventDefinition messageRef='m'/>"
    "</bpmn:intermediateCatchEvent>\n"
    FLOW("f5", "job", "E1") FLOW("f6", "ask", "E2") FLOW("f7", "tick", "E3")
    FLOW("f8", "hear", "E4")
    "<bpmn:endEvent id='E1'/><bpmn:endEvent id='E2'/><bpmn:endEvent id='E3'/>"
    "<bpmn:endEvent id='E4'/>\n"
    END_PROCESS TAIL;

/* S -> work (a job with 4 retries) -> E. Keys: 1 P, 2 S, 3 work. */
static const char *const ONE_JOB =
    HEAD PROCESS "<bpmn:startEvent id='S'/>\n" FLOW("f1", "S", "work")
    JOB_TASK("work", "t.work", " retries='4'") FLOW("f2", "work", "E")
    "<bpmn:endEvent id='E'/>\n" END_PROCESS TAIL;

/* An exclusive gateway without a default flow. Keys: 1 P, 2 S, 3 gw. */
static const char *const GATEWAY =
    HEAD PROCESS "<bpmn:startEvent id='S'/>\n" FLOW("f1", "S", "gw")
    "<bpmn:exclusiveGateway id='gw'/>\n"
    CFLOW("yes", "gw", "Yes", "=approved = true") CFLOW("no", "gw", "No", "=approved = false")
    "<bpmn:endEvent id='Yes'/><bpmn:endEvent id='No'/>\n" END_PROCESS TAIL;

/* A message catch correlated by orderId. Keys: 1 P, 2 S, 3 paid, 4 its
 * subscription. */
static const char *const BY_KEY =
    HEAD "<bpmn:message id='m' name='paid'><bpmn:extensionElements>"
    "<zeebe:subscription correlationKey='=orderId'/></bpmn:extensionElements></bpmn:message>\n"
    PROCESS "<bpmn:startEvent id='S'/>\n" FLOW("f1", "S", "paid")
    "<bpmn:intermediateCatchEvent id='paid'><bpmn:messageEventDefinition messageRef='m'/>"
    "</bpmn:intermediateCatchEvent>\n" FLOW("f2", "paid", "E") "<bpmn:endEvent id='E'/>\n"
    END_PROCESS TAIL;

/* Three timers in parallel: a (2h), b (30m), c (30m). */
static const char *const TIMERS =
    HEAD PROCESS "<bpmn:startEvent id='S'/>\n" FLOW("f0", "S", "fork")
    "<bpmn:parallelGateway id='fork'/>\n"
    FLOW("f1", "fork", "a") FLOW("f2", "fork", "b") FLOW("f3", "fork", "c")
    "<bpmn:intermediateCatchEvent id='a'><bpmn:timerEventDefinition>"
    "<bpmn:timeDuration>PT2H</bpmn:timeDuration></bpmn:timerEventDefinition>"
    "</bpmn:intermediateCatchEvent>\n"
    "<bpmn:intermediateCatchEvent id='b'><bpmn:timerEventDefinition>"
    "<bpmn:timeDuration>PT30M</bpmn:timeDuration></bpmn:timerEventDefinition>"
    "</bpmn:intermediateCatchEvent>\n"
    "<bpmn:intermediateCatchEvent id='c'><bpmn:timerEventDefinition>"
    "<bpmn:timeDuration>PT30M</bpmn:timeDuration></bpmn:timerEventDefinition>"
    "</bpmn:intermediateCatchEvent>\n"
    FLOW("f4", "a", "E1") FLOW("f5", "b", "E2") FLOW("f6", "c", "E3")
    "<bpmn:endEvent id='E1'/><bpmn:endEvent id='E2'/><bpmn:endEvent id='E3'/>\n"
    END_PROCESS TAIL;

/* spin -> again -> spin: never waits. */
static const char *const SPIN =
    HEAD PROCESS "<bpmn:startEvent id='S'/>\n" FLOW("f1", "S", "spin") "<bpmn:task id='spin'/>\n"
    FLOW("f2", "spin", "again") "<bpmn:exclusiveGateway id='again' default='back'/>\n"
    FLOW("back", "again", "spin") END_PROCESS TAIL;

/* A job whose BPMN error a boundary event catches. Keys: 1 P, 2 S, 3 pay. */
static const char *const CAUGHT =
    HEAD "<bpmn:error id='err' errorCode='DECLINED'/>\n" PROCESS
    "<bpmn:startEvent id='S'/>\n" FLOW("f1", "S", "pay") JOB_TASK("pay", "t.pay", "")
    FLOW("f2", "pay", "E") "<bpmn:endEvent id='E'/>\n"
    "<bpmn:boundaryEvent id='declined' attachedToRef='pay'>"
    "<bpmn:errorEventDefinition errorRef='err'/></bpmn:boundaryEvent>\n"
    FLOW("f3", "declined", "Lost") "<bpmn:endEvent id='Lost'/>\n" END_PROCESS TAIL;

/* A terminate end event next to a waiting user task. */
static const char *const TERMINATE =
    HEAD PROCESS "<bpmn:startEvent id='S'/>\n" FLOW("f0", "S", "fork")
    "<bpmn:parallelGateway id='fork'/>\n" FLOW("f1", "fork", "ask") FLOW("f2", "fork", "stop")
    "<bpmn:userTask id='ask'/>\n" FLOW("f3", "ask", "E") "<bpmn:endEvent id='E'/>\n"
    "<bpmn:endEvent id='stop'><bpmn:terminateEventDefinition/></bpmn:endEvent>\n"
    END_PROCESS TAIL;

/* A call activity. Keys: 1 P, 2 S, 3 call. */
static const char *const CALL =
    HEAD PROCESS "<bpmn:startEvent id='S'/>\n" FLOW("f1", "S", "call")
    "<bpmn:callActivity id='call' calledElement='Child'/>\n" FLOW("f2", "call", "E")
    "<bpmn:endEvent id='E'/>\n" END_PROCESS
    "<bpmn:process id='Child' isExecutable='false'><bpmn:startEvent id='CS'/>"
    FLOW("c1", "CS", "CE") "<bpmn:endEvent id='CE'/></bpmn:process>\n" TAIL;

/* clang-format on */

static struct ordo_arena *arena;      /* compile findings */
static struct ordo_arena *step_arena; /* the last step's effects */
static struct ordo_arena *wait_arena;
static struct ordo_bpmn_model *model;
static struct ordo_graph *graph;
static struct ordo_instance *inst;
static struct ordo_step step;
static struct ordo_err err;
static uint32_t max_activations; /* for the next steps; 0: the default */

static void setup(void)
{
    arena = ordo_arena_new();
    step_arena = ordo_arena_new();
    wait_arena = ordo_arena_new();
    max_activations = 0;
}

static void teardown(void)
{
    ordo_instance_free(inst);
    inst = NULL;
    ordo_graph_free(graph);
    graph = NULL;
    ordo_bpmn_model_free(model);
    model = NULL;
    ordo_arena_free(wait_arena);
    ordo_arena_free(step_arena);
    ordo_arena_free(arena);
}

/* Compile 'xml' and make a new instance of process P (not started). */
static void load(const char *xml)
{
    const struct ordo_graph_finding *findings = NULL;
    size_t nfindings = 0;
    const struct ordo_graph_node *p;

    memset(&err, 0, sizeof(err));
    ck_assert_msg(ordo_bpmn_parse(xml, strlen(xml), NULL, &model, &err) == ORDO_OK, "%s", err.msg);
    ck_assert_msg(ordo_graph_compile(model, NULL, arena, &graph, &findings, &nfindings, &err) ==
                      ORDO_OK,
                  "refused: %s", err.msg);
    p = ordo_graph_process(graph, "P");
    ck_assert_ptr_nonnull(p);
    inst = ordo_instance_new(graph, p->index, NULL);
    ck_assert_ptr_nonnull(inst);
}

/* Apply 'ev'; the step's effects replace the previous step's. */
static enum ordo_code apply(const struct ordo_event *ev)
{
    ordo_arena_reset(step_arena);
    memset(&step, 0, sizeof(step));
    step.arena = step_arena;
    step.max_activations = max_activations;
    memset(&err, 0, sizeof(err));
    return ordo_runtime_apply(inst, ev, &step, &err);
}

static json_t *parse_json(const char *text)
{
    json_error_t jerr;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &jerr);

    ck_assert_msg(v != NULL, "bad JSON in the test: %s", jerr.text);
    return v;
}

/* Start the instance at 'time' with variables 'vars' (JSON text or NULL). */
static void start_at(int64_t time, const char *vars)
{
    json_t *v = vars ? parse_json(vars) : NULL;
    struct ordo_event ev = {
        .kind = ORDO_EVENT_START, .time_ms = time, .start_node = NO_NODE, .variables = v};
    enum ordo_code rc = apply(&ev);

    json_decref(v);
    ck_assert_msg(rc == ORDO_OK, "start: %s", err.msg);
}

static enum ordo_code deliver(enum ordo_event_kind kind, int64_t time, uint32_t key,
                              const char *vars)
{
    json_t *v = vars ? parse_json(vars) : NULL;
    struct ordo_event ev = {
        .kind = kind, .time_ms = time, .key = key, .start_node = NO_NODE, .variables = v};
    enum ordo_code rc = apply(&ev);

    json_decref(v);
    return rc;
}

static enum ordo_code fail_job(uint32_t key, uint32_t retries, const char *message)
{
    struct ordo_event ev = {.kind = ORDO_EVENT_JOB_FAIL,
                            .time_ms = T0,
                            .key = key,
                            .start_node = NO_NODE,
                            .retries = retries,
                            .message = message};

    return apply(&ev);
}

static enum ordo_code message(const char *name, const char *corr, const char *vars)
{
    json_t *v = vars ? parse_json(vars) : NULL;
    struct ordo_event ev = {.kind = ORDO_EVENT_MESSAGE,
                            .time_ms = T0,
                            .start_node = NO_NODE,
                            .name = name,
                            .correlation_key = corr,
                            .variables = v};
    enum ordo_code rc = apply(&ev);

    json_decref(v);
    return rc;
}

static uint32_t node_of(const char *id)
{
    const struct ordo_graph_node *n = ordo_graph_find(graph, id);

    ck_assert_msg(n != NULL, "no node %s", id);
    return n->index;
}

/* The first effect of the last step of 'kind' and 'op' on element 'id'
 * (NULL: any element), or NULL. */
static const struct ordo_effect *find(enum ordo_effect_kind kind, enum ordo_effect_op op,
                                      const char *id)
{
    uint32_t node = id ? node_of(id) : NO_NODE;

    for (size_t i = 0; i < step.neffects; i++) {
        const struct ordo_effect *e = &step.effects[i];

        if (e->kind == kind && e->op == op && (!id || e->node == node)) {
            return e;
        }
    }
    return NULL;
}

static const struct ordo_effect *must_find(enum ordo_effect_kind kind, enum ordo_effect_op op,
                                           const char *id)
{
    const struct ordo_effect *e = find(kind, op, id);

    ck_assert_msg(e != NULL, "no %s %s effect on %s", ordo_effect_kind_name(kind),
                  op == ORDO_OP_NONE ? "" : ordo_effect_op_name(op), id ? id : "(any)");
    return e;
}

static size_t count(enum ordo_effect_kind kind, enum ordo_effect_op op)
{
    size_t n = 0;

    for (size_t i = 0; i < step.neffects; i++) {
        n += step.effects[i].kind == kind && step.effects[i].op == op;
    }
    return n;
}

static size_t waits(const struct ordo_wait **out)
{
    ordo_arena_reset(wait_arena);
    return ordo_instance_waits(inst, wait_arena, out);
}

/* The key of the one wait of 'kind' on element 'id'. */
static uint32_t wait_key(enum ordo_wait_kind kind, const char *id)
{
    const struct ordo_wait *w;
    size_t n = waits(&w);
    uint32_t node = node_of(id);

    for (size_t i = 0; i < n; i++) {
        if (w[i].kind == kind && w[i].node == node) {
            return w[i].key;
        }
    }
    ck_abort_msg("nothing of kind %d waits on %s", (int)kind, id);
    return 0;
}

/* The waits as text, "job:4:t.job task:5 ...", to compare before and after. */
static char *waits_text(void)
{
    const struct ordo_wait *w;
    size_t n = waits(&w);
    struct ordo_buf b;

    ordo_buf_init(&b);
    for (size_t i = 0; i < n; i++) {
        ordo_buf_printf(&b, "%d:%u:%u:%u:%lld:%s:%s ", (int)w[i].kind, w[i].key, w[i].node,
                        w[i].element_key, (long long)w[i].due_ms, w[i].text ? w[i].text : "-",
                        w[i].text2 ? w[i].text2 : "-");
    }
    return ordo_buf_take(&b, NULL);
}

static char *vars_text(void)
{
    return json_dumps(ordo_instance_variables(inst), JSON_COMPACT | JSON_SORT_KEYS);
}

/* One effect as its JSON record. */
static char *effect_text(const struct ordo_effect *e)
{
    struct ordo_buf b;

    ordo_buf_init(&b);
    ordo_effect_json(graph, e, &b);
    return ordo_buf_take(&b, NULL);
}

static void assert_effect_json(const struct ordo_effect *e, const char *want)
{
    char *got = effect_text(e);

    ck_assert_str_eq(got, want);
    free(got);
}

/* ---- refused events ---- */

/* A refused event returns its code, appends no effect and leaves waits,
 * variables and status as they were. */
static void refused(enum ordo_code want, const char *before_waits, const char *before_vars,
                    enum ordo_code got)
{
    char *w = waits_text();
    char *v = vars_text();

    ck_assert_msg(got == want, "code %d, expected %d (%s)", (int)got, (int)want, err.msg);
    ck_assert_uint_eq(step.neffects, 0);
    ck_assert_str_eq(w, before_waits);
    ck_assert_str_eq(v, before_vars);
    ck_assert_int_eq(ordo_instance_status(inst), ORDO_INSTANCE_ACTIVE);
    free(w);
    free(v);
}

START_TEST(refused_events_change_nothing)
{
    char *w;
    char *v;
    json_t *list = json_array();
    struct ordo_event ev = {.kind = ORDO_EVENT_JOB_COMPLETE,
                            .time_ms = T0,
                            .key = 4,
                            .start_node = NO_NODE,
                            .variables = list};

    load(WAITS);
    start_at(T0, "{\"a\":1}");
    ck_assert_uint_eq(wait_key(ORDO_WAIT_JOB, "job"), 4);
    w = waits_text();
    v = vars_text();
    ck_assert_str_eq(v, "{\"a\":1}");

    refused(ORDO_E_NOTFOUND, w, v, deliver(ORDO_EVENT_JOB_COMPLETE, T0, 999, "{}"));
    refused(ORDO_E_NOTFOUND, w, v, deliver(ORDO_EVENT_JOB_COMPLETE, T0, 5, "{}")); /* a user task */
    refused(ORDO_E_NOTFOUND, w, v, fail_job(5, 0, "no"));
    refused(ORDO_E_NOTFOUND, w, v, deliver(ORDO_EVENT_TASK_COMPLETE, T0, 4, "{}")); /* a job */
    refused(ORDO_E_NOTFOUND, w, v, deliver(ORDO_EVENT_TIMER, T0, 9, NULL)); /* a subscription */
    refused(ORDO_E_NOTFOUND, w, v, deliver(ORDO_EVENT_TIMER, T0, 6, NULL)); /* an element */
    refused(ORDO_E_NOTFOUND, w, v, deliver(ORDO_EVENT_CALL_COMPLETE, T0, 4, "{}"));
    refused(ORDO_E_NOTFOUND, w, v, deliver(ORDO_EVENT_RESOLVE, T0, 4, NULL));
    refused(ORDO_E_NOTFOUND, w, v, message("pong", NULL, "{\"x\":1}"));
    refused(ORDO_E_INVAL, w, v, message(NULL, NULL, NULL));
    refused(ORDO_E_CONFLICT, w, v, deliver(ORDO_EVENT_START, T0, 0, "{\"b\":2}"));
    refused(ORDO_E_INVAL, w, v, apply(&ev)); /* variables that are not an object */
    ev.kind = ORDO_EVENT_TASK_COMPLETE;
    ev.key = 5;
    refused(ORDO_E_INVAL, w, v, apply(&ev));

    /* The job still completes afterwards. */
    ck_assert_int_eq(deliver(ORDO_EVENT_JOB_COMPLETE, T0, 4, "{\"c\":3}"), ORDO_OK);
    must_find(ORDO_EFFECT_JOB, ORDO_OP_COMPLETED, "job");
    json_decref(list);
    free(w);
    free(v);
}
END_TEST

START_TEST(events_before_start_and_after_the_end_conflict)
{
    json_t *list = json_array();
    struct ordo_event bad_start = {
        .kind = ORDO_EVENT_START, .time_ms = T0, .start_node = NO_NODE, .variables = list};

    load(ONE_JOB);
    ck_assert_int_eq(deliver(ORDO_EVENT_JOB_COMPLETE, T0, 3, "{}"), ORDO_E_CONFLICT);
    ck_assert_uint_eq(step.neffects, 0);
    ck_assert_int_eq(apply(&bad_start), ORDO_E_INVAL);
    ck_assert_uint_eq(step.neffects, 0);
    ck_assert_int_eq(ordo_instance_status(inst), ORDO_INSTANCE_ACTIVE);

    start_at(T0, NULL); /* a refused start did not start it */
    ck_assert_int_eq(deliver(ORDO_EVENT_START, T0, 0, NULL), ORDO_E_CONFLICT);
    ck_assert_uint_eq(step.neffects, 0);
    ck_assert_int_eq(deliver(ORDO_EVENT_JOB_COMPLETE, T0, 3, "{\"done\":true}"), ORDO_OK);
    ck_assert_int_eq(ordo_instance_status(inst), ORDO_INSTANCE_COMPLETED);
    must_find(ORDO_EFFECT_END, ORDO_OP_NONE, "P");

    ck_assert_int_eq(deliver(ORDO_EVENT_JOB_COMPLETE, T0, 3, "{}"), ORDO_E_CONFLICT);
    ck_assert_uint_eq(step.neffects, 0);
    ck_assert_int_eq(deliver(ORDO_EVENT_CANCEL, T0, 0, NULL), ORDO_E_CONFLICT);
    ck_assert_uint_eq(step.neffects, 0);
    ck_assert_int_eq(deliver(ORDO_EVENT_START, T0, 0, NULL), ORDO_E_CONFLICT);
    ck_assert_int_eq(ordo_instance_status(inst), ORDO_INSTANCE_COMPLETED);
    {
        char *v = vars_text();

        ck_assert_str_eq(v, "{\"done\":true}");
        free(v);
    }
    json_decref(list);
}
END_TEST

/* ---- jobs and incidents ---- */

START_TEST(job_fail_with_retries_left_keeps_the_job)
{
    const struct ordo_effect *e;
    const struct ordo_wait *w;
    size_t n;

    load(ONE_JOB);
    start_at(T0, NULL);
    e = must_find(ORDO_EFFECT_JOB, ORDO_OP_CREATED, "work");
    ck_assert_uint_eq(e->key, 3);
    ck_assert_uint_eq(e->retries, 4);

    ck_assert_int_eq(fail_job(3, 2, "flaky"), ORDO_OK);
    e = must_find(ORDO_EFFECT_JOB, ORDO_OP_FAILED, "work");
    ck_assert_uint_eq(e->key, 3);
    ck_assert_uint_eq(e->retries, 2);
    ck_assert_ptr_null(find(ORDO_EFFECT_INCIDENT, ORDO_OP_RAISED, NULL));
    n = waits(&w);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(w[0].kind, ORDO_WAIT_JOB);
    ck_assert_uint_eq(w[0].key, 3);
    ck_assert_str_eq(w[0].text, "t.work");

    ck_assert_int_eq(fail_job(3, 1, "flaky again"), ORDO_OK);
    ck_assert_ptr_null(find(ORDO_EFFECT_INCIDENT, ORDO_OP_RAISED, NULL));
    ck_assert_int_eq(deliver(ORDO_EVENT_JOB_COMPLETE, T0, 3, "{\"ok\":true}"), ORDO_OK);
    ck_assert_int_eq(ordo_instance_status(inst), ORDO_INSTANCE_COMPLETED);
}
END_TEST

START_TEST(job_fail_without_retries_raises_an_incident)
{
    const struct ordo_effect *e;
    const struct ordo_wait *w;
    size_t n;

    load(ONE_JOB);
    start_at(T0, NULL);
    ck_assert_int_eq(fail_job(3, 0, "disk full"), ORDO_OK);
    e = must_find(ORDO_EFFECT_JOB, ORDO_OP_FAILED, "work");
    ck_assert_uint_eq(e->retries, 0);
    e = must_find(ORDO_EFFECT_INCIDENT, ORDO_OP_RAISED, "work");
    ck_assert_str_eq(e->text, "job failed: disk full");
    ck_assert_uint_eq(e->element_key, 3);
    ck_assert_uint_eq(e->key, 4);

    n = waits(&w);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(w[0].kind, ORDO_WAIT_INCIDENT);
    ck_assert_uint_eq(w[0].key, 4);
    ck_assert_uint_eq(w[0].element_key, 3);
    ck_assert_uint_eq(w[0].node, node_of("work"));
    ck_assert_str_eq(w[0].text, "job failed: disk full");
    ck_assert_int_eq(ordo_instance_status(inst), ORDO_INSTANCE_ACTIVE);

    /* The job is no longer open. */
    ck_assert_int_eq(deliver(ORDO_EVENT_JOB_COMPLETE, T0, 3, "{}"), ORDO_E_NOTFOUND);
    ck_assert_uint_eq(step.neffects, 0);
}
END_TEST

START_TEST(set_variables_merges_into_the_process_scope_and_moves_no_token)
{
    const struct ordo_active_element *el;
    const struct ordo_effect *e;
    size_t n;

    load(ONE_JOB);
    start_at(T0, "{\"a\":1,\"keep\":true}");
    ck_assert_int_eq(deliver(ORDO_EVENT_SET_VARIABLES, T0 + MINUTE, 0, "{\"a\":2,\"b\":\"x\"}"),
                     ORDO_OK);
    ck_assert_uint_eq(count(ORDO_EFFECT_VAR, ORDO_OP_SET), 2);
    e = must_find(ORDO_EFFECT_VAR, ORDO_OP_SET, "P");
    ck_assert_str_eq(e->text, "a");
    ck_assert_uint_eq(e->scope_key, 1);
    ck_assert_uint_eq(step.neffects, 2); /* nothing else happened */
    ck_assert_int_eq(json_integer_value(json_object_get(ordo_instance_variables(inst), "a")), 2);
    ck_assert(json_is_true(json_object_get(ordo_instance_variables(inst), "keep")));
    ck_assert_uint_eq(wait_key(ORDO_WAIT_JOB, "work"), 3);
    /* The active element instances: the process, then the job task. */
    n = ordo_instance_elements(inst, wait_arena, &el);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(el[0].key, 1);
    ck_assert_uint_eq(el[0].parent, 0);
    ck_assert_uint_eq(el[1].node, node_of("work"));
    ck_assert_uint_eq(el[1].parent, 1);
    /* Not an object: refused; an ended instance: a conflict. */
    ck_assert_int_eq(deliver(ORDO_EVENT_SET_VARIABLES, T0, 0, "[1]"), ORDO_E_INVAL);
    ck_assert_int_eq(deliver(ORDO_EVENT_JOB_COMPLETE, T0, 3, "{}"), ORDO_OK);
    ck_assert_int_eq(deliver(ORDO_EVENT_SET_VARIABLES, T0, 0, "{\"a\":3}"), ORDO_E_CONFLICT);
    ck_assert_uint_eq(ordo_instance_elements(inst, wait_arena, &el), 0);
}
END_TEST

START_TEST(resolving_a_job_incident_creates_the_job_again)
{
    const struct ordo_effect *e;

    load(ONE_JOB);
    start_at(T0, NULL);
    ck_assert_int_eq(fail_job(3, 0, "down"), ORDO_OK);
    ck_assert_uint_eq(wait_key(ORDO_WAIT_INCIDENT, "work"), 4);

    ck_assert_int_eq(deliver(ORDO_EVENT_RESOLVE, T0 + MINUTE, 4, "{\"fixed\":true}"), ORDO_OK);
    e = must_find(ORDO_EFFECT_INCIDENT, ORDO_OP_RESOLVED, "work");
    ck_assert_uint_eq(e->key, 4);
    e = must_find(ORDO_EFFECT_VAR, ORDO_OP_SET, "P");
    ck_assert_str_eq(e->text, "fixed");
    e = must_find(ORDO_EFFECT_JOB, ORDO_OP_CREATED, "work");
    ck_assert_uint_eq(e->key, 3); /* the same job key: the idempotency key */
    ck_assert_uint_eq(e->element_key, 3);
    ck_assert_uint_eq(e->retries, 4); /* the task's retries, not what was left */
    ck_assert_str_eq(e->text, "t.work");
    ck_assert_ptr_null(find(ORDO_EFFECT_ENTER, ORDO_OP_NONE, "work"));
    ck_assert_uint_eq(wait_key(ORDO_WAIT_JOB, "work"), 3);

    /* Resolved once is gone. */
    ck_assert_int_eq(deliver(ORDO_EVENT_RESOLVE, T0, 4, NULL), ORDO_E_NOTFOUND);
    ck_assert_int_eq(deliver(ORDO_EVENT_JOB_COMPLETE, T0, 3, "{}"), ORDO_OK);
    ck_assert_int_eq(ordo_instance_status(inst), ORDO_INSTANCE_COMPLETED);
    {
        char *v = vars_text();

        ck_assert_str_eq(v, "{\"fixed\":true}");
        free(v);
    }
}
END_TEST

START_TEST(resolving_a_gateway_incident_takes_the_flow_now_true)
{
    const struct ordo_effect *e;

    load(GATEWAY);
    start_at(T0, NULL);
    e = must_find(ORDO_EFFECT_INCIDENT, ORDO_OP_RAISED, "gw");
    ck_assert_str_eq(e->text, "bpmn:exclusiveGateway \"gw\": no outgoing flow's condition is true "
                              "and there is no default flow");
    ck_assert_uint_eq(e->key, 4);
    ck_assert_ptr_null(find(ORDO_EFFECT_LEAVE, ORDO_OP_COMPLETED, "gw"));

    /* Resolving without a change fails the same way again. */
    ck_assert_int_eq(deliver(ORDO_EVENT_RESOLVE, T0, 4, NULL), ORDO_OK);
    must_find(ORDO_EFFECT_INCIDENT, ORDO_OP_RESOLVED, "gw");
    e = must_find(ORDO_EFFECT_INCIDENT, ORDO_OP_RAISED, "gw");
    ck_assert_uint_eq(e->key, 5);

    ck_assert_int_eq(deliver(ORDO_EVENT_RESOLVE, T0, 5, "{\"approved\":true}"), ORDO_OK);
    must_find(ORDO_EFFECT_INCIDENT, ORDO_OP_RESOLVED, "gw");
    must_find(ORDO_EFFECT_LEAVE, ORDO_OP_COMPLETED, "gw");
    must_find(ORDO_EFFECT_ENTER, ORDO_OP_NONE, "Yes");
    ck_assert_ptr_null(find(ORDO_EFFECT_ENTER, ORDO_OP_NONE, "No"));
    ck_assert_int_eq(ordo_instance_status(inst), ORDO_INSTANCE_COMPLETED);
}
END_TEST

START_TEST(job_error_variables_reach_the_catching_path)
{
    json_t *vars = parse_json("{\"reason\":\"expired\"}");
    struct ordo_event ev = {.kind = ORDO_EVENT_JOB_ERROR,
                            .time_ms = T0,
                            .key = 3,
                            .start_node = NO_NODE,
                            .error_code = "DECLINED",
                            .message = "card expired",
                            .variables = vars};
    const struct ordo_effect *e;

    load(CAUGHT);
    start_at(T0, NULL);
    ck_assert_int_eq(apply(&ev), ORDO_OK);
    e = must_find(ORDO_EFFECT_JOB, ORDO_OP_ERROR, "pay");
    ck_assert_str_eq(e->text2, "DECLINED");
    must_find(ORDO_EFFECT_LEAVE, ORDO_OP_TERMINATED, "pay");
    must_find(ORDO_EFFECT_ENTER, ORDO_OP_NONE, "declined");
    must_find(ORDO_EFFECT_ENTER, ORDO_OP_NONE, "Lost");
    ck_assert_int_eq(ordo_instance_status(inst), ORDO_INSTANCE_COMPLETED);
    {
        char *v = vars_text();

        ck_assert_str_eq(v, "{\"reason\":\"expired\"}");
        free(v);
    }
    json_decref(vars);
}
END_TEST

/* ---- cancellation and termination ---- */

START_TEST(cancel_terminates_everything)
{
    const struct ordo_effect *e;
    const struct ordo_wait *w;

    load(WAITS);
    start_at(T0, "{\"a\":1}");
    ck_assert_int_eq(deliver(ORDO_EVENT_CANCEL, T0 + MINUTE, 0, NULL), ORDO_OK);

    e = must_find(ORDO_EFFECT_JOB, ORDO_OP_CANCELED, "job");
    ck_assert_uint_eq(e->key, 4);
    e = must_find(ORDO_EFFECT_TASK, ORDO_OP_CANCELED, "ask");
    ck_assert_uint_eq(e->key, 5);
    e = must_find(ORDO_EFFECT_TIMER, ORDO_OP_CANCELED, "tick");
    ck_assert_uint_eq(e->key, 7);
    e = must_find(ORDO_EFFECT_MESSAGE, ORDO_OP_CLOSED, "hear");
    ck_assert_uint_eq(e->key, 9);
    ck_assert_str_eq(e->text, "ping");
    ck_assert_uint_eq(count(ORDO_EFFECT_LEAVE, ORDO_OP_TERMINATED), 5); /* 4 elements and P */
    ck_assert_uint_eq(count(ORDO_EFFECT_LEAVE, ORDO_OP_COMPLETED), 0);
    must_find(ORDO_EFFECT_LEAVE, ORDO_OP_TERMINATED, "P");
    e = must_find(ORDO_EFFECT_END, ORDO_OP_NONE, "P");
    ck_assert_str_eq(e->text, "canceled");
    ck_assert_ptr_nonnull(e->value);
    ck_assert_int_eq(json_integer_value(json_object_get(e->value, "a")), 1);
    ck_assert_ptr_eq(&step.effects[step.neffects - 1], e); /* the end is the last effect */

    ck_assert_int_eq(ordo_instance_status(inst), ORDO_INSTANCE_CANCELED);
    ck_assert_uint_eq(waits(&w), 0);
    {
        struct ordo_wait t;
        char *v = vars_text();

        ck_assert(!ordo_instance_next_timer(inst, &t));
        ck_assert_str_eq(v, "{\"a\":1}");
        free(v);
    }
    ck_assert_int_eq(deliver(ORDO_EVENT_TIMER, T0 + HOUR, 7, NULL), ORDO_E_CONFLICT);
}
END_TEST

START_TEST(terminate_end_in_the_process_terminates_the_instance)
{
    const struct ordo_effect *e;

    load(TERMINATE);
    start_at(T0, NULL);
    must_find(ORDO_EFFECT_TASK, ORDO_OP_CANCELED, "ask");
    e = must_find(ORDO_EFFECT_END, ORDO_OP_NONE, "P");
    ck_assert_str_eq(e->text, "terminated");
    ck_assert_int_eq(ordo_instance_status(inst), ORDO_INSTANCE_TERMINATED);
}
END_TEST

/* ---- messages ---- */

START_TEST(messages_correlate_by_name_and_key)
{
    const struct ordo_effect *e;
    const struct ordo_wait *w;
    size_t n;

    load(BY_KEY);
    start_at(T0, "{\"orderId\":\"o-1\"}");
    e = must_find(ORDO_EFFECT_MESSAGE, ORDO_OP_SUBSCRIBED, "paid");
    ck_assert_uint_eq(e->key, 4);
    ck_assert_str_eq(e->text, "paid");
    ck_assert_str_eq(e->text2, "o-1");
    n = waits(&w);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(w[0].kind, ORDO_WAIT_MESSAGE);
    ck_assert_uint_eq(w[0].key, 4);
    ck_assert_uint_eq(w[0].element_key, 3);
    ck_assert_str_eq(w[0].text, "paid");
    ck_assert_str_eq(w[0].text2, "o-1");

    ck_assert_int_eq(message("paid", "o-2", NULL), ORDO_E_NOTFOUND);
    ck_assert_uint_eq(step.neffects, 0);
    ck_assert_int_eq(message("refunded", "o-1", NULL), ORDO_E_NOTFOUND);
    ck_assert_uint_eq(step.neffects, 0);

    ck_assert_int_eq(message("paid", "o-1", "{\"amount\":5}"), ORDO_OK);
    e = must_find(ORDO_EFFECT_MESSAGE, ORDO_OP_CORRELATED, "paid");
    ck_assert_uint_eq(e->key, 4);
    ck_assert_uint_eq(e->element_key, 3);
    ck_assert_str_eq(e->text2, "o-1");
    ck_assert_ptr_nonnull(e->value);
    ck_assert_int_eq(ordo_instance_status(inst), ORDO_INSTANCE_COMPLETED);
    {
        char *v = vars_text();

        ck_assert_str_eq(v, "{\"amount\":5,\"orderId\":\"o-1\"}");
        free(v);
    }
}
END_TEST

START_TEST(a_message_without_a_key_correlates_by_name)
{
    load(BY_KEY);
    start_at(T0, "{\"orderId\":\"o-9\"}");
    ck_assert_int_eq(message("paid", NULL, NULL), ORDO_OK);
    must_find(ORDO_EFFECT_MESSAGE, ORDO_OP_CORRELATED, "paid");
    ck_assert_int_eq(ordo_instance_status(inst), ORDO_INSTANCE_COMPLETED);
}
END_TEST

/* ---- keys, times and order ---- */

START_TEST(keys_are_unique_and_a_job_key_is_its_element_key)
{
    uint32_t seen[64] = {0};
    size_t nseen = 0;
    const struct ordo_effect *job;

    load(WAITS);
    start_at(T0, NULL);
    for (size_t i = 0; i < step.neffects; i++) {
        const struct ordo_effect *e = &step.effects[i];
        uint32_t k = e->kind == ORDO_EFFECT_ENTER ? e->element_key
                     : (e->kind == ORDO_EFFECT_TIMER || e->kind == ORDO_EFFECT_MESSAGE) &&
                             (e->op == ORDO_OP_SCHEDULED || e->op == ORDO_OP_SUBSCRIBED)
                         ? e->key
                         : 0;

        if (!k) {
            continue;
        }
        for (size_t j = 0; j < nseen; j++) {
            ck_assert_msg(seen[j] != k, "key %u given twice", k);
        }
        ck_assert_msg(nseen == 0 || k > seen[nseen - 1], "key %u after %u", k, seen[nseen - 1]);
        seen[nseen++] = k;
    }
    ck_assert_uint_eq(nseen, 9); /* P S fork job ask tick +timer hear +subscription */

    job = must_find(ORDO_EFFECT_JOB, ORDO_OP_CREATED, "job");
    ck_assert_uint_eq(job->key, job->element_key);
    ck_assert_uint_eq(must_find(ORDO_EFFECT_ENTER, ORDO_OP_NONE, "job")->element_key, job->key);
    ck_assert_uint_eq(must_find(ORDO_EFFECT_TASK, ORDO_OP_CREATED, "ask")->key,
                      must_find(ORDO_EFFECT_ENTER, ORDO_OP_NONE, "ask")->element_key);

    /* The job keeps its key across a failure; keys never come back. */
    ck_assert_int_eq(fail_job(4, 1, "again"), ORDO_OK);
    ck_assert_int_eq(deliver(ORDO_EVENT_JOB_COMPLETE, T0, 4, "{}"), ORDO_OK);
    ck_assert_uint_eq(must_find(ORDO_EFFECT_JOB, ORDO_OP_COMPLETED, "job")->key, 4);
    ck_assert_uint_eq(must_find(ORDO_EFFECT_ENTER, ORDO_OP_NONE, "E1")->element_key, 10);
}
END_TEST

START_TEST(effects_carry_the_event_time_and_count_on)
{
    uint64_t last;

    load(WAITS);
    start_at(T0, NULL);
    ck_assert_uint_gt(step.neffects, 0);
    for (size_t i = 0; i < step.neffects; i++) {
        ck_assert_int_eq(step.effects[i].time_ms, T0);
        ck_assert_uint_eq(step.effects[i].seq, i + 1);
    }
    last = step.effects[step.neffects - 1].seq;

    ck_assert_int_eq(deliver(ORDO_EVENT_JOB_COMPLETE, T0 + 5 * MINUTE, 4, "{}"), ORDO_OK);
    ck_assert_uint_gt(step.neffects, 0);
    for (size_t i = 0; i < step.neffects; i++) {
        ck_assert_int_eq(step.effects[i].time_ms, T0 + 5 * MINUTE);
        ck_assert_uint_eq(step.effects[i].seq, last + i + 1);
    }
    last = step.effects[step.neffects - 1].seq;

    /* A refused event does not use a number. */
    ck_assert_int_eq(deliver(ORDO_EVENT_JOB_COMPLETE, T0, 4, "{}"), ORDO_E_NOTFOUND);

    ck_assert_int_eq(deliver(ORDO_EVENT_TIMER, T0 + HOUR, 7, NULL), ORDO_OK);
    ck_assert_uint_gt(step.neffects, 0);
    for (size_t i = 0; i < step.neffects; i++) {
        ck_assert_int_eq(step.effects[i].time_ms, T0 + HOUR);
        ck_assert_uint_eq(step.effects[i].seq, last + i + 1);
    }
    ck_assert_int_eq(must_find(ORDO_EFFECT_TIMER, ORDO_OP_FIRED, "tick")->time_ms, T0 + HOUR);
}
END_TEST

START_TEST(waits_are_listed_in_key_order)
{
    const struct ordo_wait *w;
    size_t n;

    load(WAITS);
    start_at(T0, NULL);
    n = waits(&w);
    ck_assert_uint_eq(n, 4);

    ck_assert_int_eq(w[0].kind, ORDO_WAIT_JOB);
    ck_assert_uint_eq(w[0].key, 4);
    ck_assert_uint_eq(w[0].element_key, 4);
    ck_assert_uint_eq(w[0].node, node_of("job"));
    ck_assert_str_eq(w[0].text, "t.job");

    ck_assert_int_eq(w[1].kind, ORDO_WAIT_TASK);
    ck_assert_uint_eq(w[1].key, 5);
    ck_assert_uint_eq(w[1].node, node_of("ask"));

    ck_assert_int_eq(w[2].kind, ORDO_WAIT_TIMER);
    ck_assert_uint_eq(w[2].key, 7);
    ck_assert_uint_eq(w[2].element_key, 6);
    ck_assert_uint_eq(w[2].node, node_of("tick"));
    ck_assert_int_eq(w[2].due_ms, T0 + HOUR);

    ck_assert_int_eq(w[3].kind, ORDO_WAIT_MESSAGE);
    ck_assert_uint_eq(w[3].key, 9);
    ck_assert_uint_eq(w[3].element_key, 8);
    ck_assert_uint_eq(w[3].node, node_of("hear"));
    ck_assert_str_eq(w[3].text, "ping");
    ck_assert_ptr_null(w[3].text2);

    /* What completes leaves the list; the rest keep their order. */
    ck_assert_int_eq(deliver(ORDO_EVENT_TASK_COMPLETE, T0, 5, "{}"), ORDO_OK);
    n = waits(&w);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(w[0].key, 4);
    ck_assert_uint_eq(w[1].key, 7);
    ck_assert_uint_eq(w[2].key, 9);
}
END_TEST

START_TEST(next_timer_is_the_earliest_due_then_the_lower_key)
{
    struct ordo_wait t;
    uint32_t a;
    uint32_t b;
    uint32_t c;

    load(TIMERS);
    ck_assert(!ordo_instance_next_timer(inst, &t)); /* not started: no timer */
    start_at(T0, NULL);
    a = wait_key(ORDO_WAIT_TIMER, "a");
    b = wait_key(ORDO_WAIT_TIMER, "b");
    c = wait_key(ORDO_WAIT_TIMER, "c");
    ck_assert_uint_lt(a, b);
    ck_assert_uint_lt(b, c);

    ck_assert(ordo_instance_next_timer(inst, &t));
    ck_assert_int_eq(t.kind, ORDO_WAIT_TIMER);
    ck_assert_uint_eq(t.key, b); /* b and c are due together: the lower key */
    ck_assert_int_eq(t.due_ms, T0 + 30 * MINUTE);
    ck_assert_uint_eq(t.node, node_of("b"));

    ck_assert_int_eq(deliver(ORDO_EVENT_TIMER, T0 + 30 * MINUTE, b, NULL), ORDO_OK);
    ck_assert(ordo_instance_next_timer(inst, &t));
    ck_assert_uint_eq(t.key, c);
    ck_assert_int_eq(deliver(ORDO_EVENT_TIMER, T0 + 30 * MINUTE, c, NULL), ORDO_OK);
    ck_assert(ordo_instance_next_timer(inst, &t));
    ck_assert_uint_eq(t.key, a);
    ck_assert_int_eq(t.due_ms, T0 + 2 * HOUR);
    ck_assert_int_eq(deliver(ORDO_EVENT_TIMER, T0 + 2 * HOUR, a, NULL), ORDO_OK);
    ck_assert(!ordo_instance_next_timer(inst, &t));
    ck_assert_int_eq(ordo_instance_status(inst), ORDO_INSTANCE_COMPLETED);
}
END_TEST

START_TEST(a_call_completes_with_the_child_variables)
{
    const struct ordo_effect *e;
    const struct ordo_wait *w;

    load(CALL);
    start_at(T0, "{\"x\":1}");
    e = must_find(ORDO_EFFECT_CALL, ORDO_OP_CREATED, "call");
    ck_assert_uint_eq(e->key, 3);
    ck_assert_str_eq(e->text, "Child");
    ck_assert_int_eq(json_integer_value(json_object_get(e->value, "x")), 1);
    ck_assert_uint_eq(waits(&w), 1);
    ck_assert_int_eq(w[0].kind, ORDO_WAIT_CALL);
    ck_assert_str_eq(w[0].text, "Child");

    ck_assert_int_eq(deliver(ORDO_EVENT_JOB_COMPLETE, T0, 3, "{}"), ORDO_E_NOTFOUND);
    ck_assert_int_eq(deliver(ORDO_EVENT_CALL_COMPLETE, T0, 3, "{\"x\":1,\"y\":2}"), ORDO_OK);
    must_find(ORDO_EFFECT_CALL, ORDO_OP_COMPLETED, "call");
    ck_assert_int_eq(ordo_instance_status(inst), ORDO_INSTANCE_COMPLETED);
    {
        char *v = vars_text();

        ck_assert_str_eq(v, "{\"x\":1,\"y\":2}");
        free(v);
    }
}
END_TEST

START_TEST(a_call_that_cannot_start_is_an_incident_and_runs_again_when_resolved)
{
    struct ordo_event ev = {.kind = ORDO_EVENT_CALL_FAIL,
                            .time_ms = T0,
                            .key = 3,
                            .message = "process \"Child\" is not deployed"};
    const struct ordo_effect *e;
    const struct ordo_wait *w;

    load(CALL);
    start_at(T0, NULL);
    ck_assert_int_eq(apply(&ev), ORDO_OK);
    e = must_find(ORDO_EFFECT_INCIDENT, ORDO_OP_RAISED, "call");
    ck_assert_str_eq(e->text, "process \"Child\" is not deployed");
    ck_assert_int_eq(ordo_instance_status(inst), ORDO_INSTANCE_ACTIVE);
    ck_assert_uint_eq(waits(&w), 1);
    ck_assert_int_eq(w[0].kind, ORDO_WAIT_INCIDENT);
    /* Not waiting for the child any more: a late result is refused. */
    ck_assert_int_eq(deliver(ORDO_EVENT_CALL_COMPLETE, T0, 3, "{}"), ORDO_E_NOTFOUND);
    ck_assert_int_eq(deliver(ORDO_EVENT_RESOLVE, T0, w[0].key, NULL), ORDO_OK);
    e = must_find(ORDO_EFFECT_CALL, ORDO_OP_CREATED, "call");
    ck_assert_str_eq(e->text, "Child");
    ck_assert_int_eq(deliver(ORDO_EVENT_CALL_COMPLETE, T0, 3, "{}"), ORDO_OK);
    ck_assert_int_eq(ordo_instance_status(inst), ORDO_INSTANCE_COMPLETED);
}
END_TEST

/* ---- effects as JSON ---- */

START_TEST(effects_as_json_records)
{
    json_t *vars = parse_json("{\"say \\\"hi\\\"\":\"Zürich ✓\",\"tab\\there\":[1,{\"b\":true}]}");
    struct ordo_event ev = {
        .kind = ORDO_EVENT_START, .time_ms = T0, .start_node = NO_NODE, .variables = vars};
    struct ordo_effect made = {0};

    load(ONE_JOB);
    ck_assert_int_eq(apply(&ev), ORDO_OK);
    json_decref(vars);

    assert_effect_json(&step.effects[0], "{\"seq\":1,\"time\":\"2026-03-15T10:30:00.000Z\","
                                         "\"event\":\"enter\",\"element\":\"P\","
                                         "\"type\":\"bpmn:process\",\"element_key\":\"1\"}");
    assert_effect_json(&step.effects[1],
                       "{\"seq\":2,\"time\":\"2026-03-15T10:30:00.000Z\",\"event\":\"var\","
                       "\"element\":\"P\",\"type\":\"bpmn:process\",\"op\":\"set\","
                       "\"element_key\":\"1\",\"name\":\"say \\\"hi\\\"\",\"scope\":\"1\","
                       "\"value\":\"Zürich ✓\"}");
    assert_effect_json(&step.effects[2],
                       "{\"seq\":3,\"time\":\"2026-03-15T10:30:00.000Z\",\"event\":\"var\","
                       "\"element\":\"P\",\"type\":\"bpmn:process\",\"op\":\"set\","
                       "\"element_key\":\"1\",\"name\":\"tab\\there\",\"scope\":\"1\","
                       "\"value\":[1,{\"b\":true}]}");
    assert_effect_json(must_find(ORDO_EFFECT_ENTER, ORDO_OP_NONE, "S"),
                       "{\"seq\":4,\"time\":\"2026-03-15T10:30:00.000Z\",\"event\":\"enter\","
                       "\"element\":\"S\",\"type\":\"bpmn:startEvent\",\"element_key\":\"2\","
                       "\"scope\":\"1\"}");
    assert_effect_json(must_find(ORDO_EFFECT_JOB, ORDO_OP_CREATED, "work"),
                       "{\"seq\":7,\"time\":\"2026-03-15T10:30:00.000Z\",\"event\":\"job\","
                       "\"element\":\"work\",\"type\":\"bpmn:serviceTask\",\"op\":\"created\","
                       "\"element_key\":\"3\",\"job_type\":\"t.work\",\"retries\":4}");

    ck_assert_int_eq(fail_job(3, 0, "no \"disk\""), ORDO_OK);
    assert_effect_json(must_find(ORDO_EFFECT_INCIDENT, ORDO_OP_RAISED, "work"),
                       "{\"seq\":9,\"time\":\"2026-03-15T10:30:00.000Z\",\"event\":\"incident\","
                       "\"element\":\"work\",\"type\":\"bpmn:serviceTask\",\"op\":\"raised\","
                       "\"element_key\":\"3\",\"key\":\"4\","
                       "\"reason\":\"job failed: no \\\"disk\\\"\"}");

    /* Made by hand: the epoch as the time, a due time with milliseconds,
     * and an end record with the variables. */
    made.seq = 42;
    made.time_ms = 0;
    made.kind = ORDO_EFFECT_TIMER;
    made.op = ORDO_OP_SCHEDULED;
    made.node = node_of("work");
    made.trigger = ORDO_GRAPH_NONE; /* 0 would name node 0 */
    made.element_key = 3;
    made.key = 7;
    made.due_ms = T0 + 1234;
    assert_effect_json(&made, "{\"seq\":42,\"time\":\"1970-01-01T00:00:00.000Z\",\"event\":"
                              "\"timer\",\"element\":\"work\",\"type\":\"bpmn:serviceTask\","
                              "\"op\":\"scheduled\",\"element_key\":\"3\",\"key\":\"7\","
                              "\"due\":\"2026-03-15T10:30:01.234Z\"}");
    memset(&made, 0, sizeof(made));
    made.seq = 43;
    made.time_ms = T0;
    made.kind = ORDO_EFFECT_END;
    made.node = node_of("P");
    made.trigger = ORDO_GRAPH_NONE;
    made.text = "completed";
    made.value = ordo_instance_variables(inst);
    assert_effect_json(&made, "{\"seq\":43,\"time\":\"2026-03-15T10:30:00.000Z\","
                              "\"event\":\"end\",\"element\":\"P\",\"type\":\"bpmn:process\","
                              "\"status\":\"completed\",\"variables\":{\"say \\\"hi\\\"\":"
                              "\"Zürich ✓\",\"tab\\there\":[1,{\"b\":true}]}}");
}
END_TEST

START_TEST(effect_names_are_the_trace_words)
{
    ck_assert_str_eq(ordo_effect_kind_name(ORDO_EFFECT_ENTER), "enter");
    ck_assert_str_eq(ordo_effect_kind_name(ORDO_EFFECT_INCIDENT), "incident");
    ck_assert_str_eq(ordo_effect_kind_name(ORDO_EFFECT_END), "end");
    ck_assert_ptr_null(ordo_effect_op_name(ORDO_OP_NONE));
    ck_assert_str_eq(ordo_effect_op_name(ORDO_OP_CANCELED), "canceled");
    ck_assert_str_eq(ordo_effect_op_name(ORDO_OP_RESOLVED), "resolved");
}
END_TEST

/* ---- the activation bound ---- */

START_TEST(a_loop_without_wait_state_becomes_an_incident)
{
    const struct ordo_effect *e;
    const struct ordo_wait *w;
    size_t n;

    load(SPIN);
    max_activations = 50;
    start_at(T0, NULL);
    /* Activations 1 (S), 2 (spin), 3 (again), ...: the 51st is "again",
     * element key 52 (P is 1). */
    ck_assert_uint_eq(count(ORDO_EFFECT_ENTER, ORDO_OP_NONE), 52);
    e = must_find(ORDO_EFFECT_INCIDENT, ORDO_OP_RAISED, "again");
    ck_assert_str_eq(e->text, "more than 50 elements activated in one step (a loop without a "
                              "wait state?)");
    ck_assert_uint_eq(e->element_key, 52);
    ck_assert_ptr_eq(&step.effects[step.neffects - 1], e);
    ck_assert_int_eq(ordo_instance_status(inst), ORDO_INSTANCE_ACTIVE);
    n = waits(&w);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(w[0].kind, ORDO_WAIT_INCIDENT);
    ck_assert_uint_eq(w[0].element_key, 52);

    /* Resolving runs the element again, with a fresh bound per step. */
    ck_assert_int_eq(deliver(ORDO_EVENT_RESOLVE, T0, w[0].key, NULL), ORDO_OK);
    must_find(ORDO_EFFECT_INCIDENT, ORDO_OP_RESOLVED, "again");
    e = must_find(ORDO_EFFECT_INCIDENT, ORDO_OP_RAISED, NULL);
    ck_assert_str_eq(e->text, "more than 50 elements activated in one step (a loop without a "
                              "wait state?)");
}
END_TEST

START_TEST(the_bound_does_not_stop_a_short_run)
{
    load(ONE_JOB);
    max_activations = 3; /* S, work, then E in the next step */
    start_at(T0, NULL);
    ck_assert_ptr_null(find(ORDO_EFFECT_INCIDENT, ORDO_OP_RAISED, NULL));
    ck_assert_int_eq(deliver(ORDO_EVENT_JOB_COMPLETE, T0, 3, "{}"), ORDO_OK);
    ck_assert_int_eq(ordo_instance_status(inst), ORDO_INSTANCE_COMPLETED);
}
/* ---- review: incidents on scopes, bodies and gateways ---- */

/* clang-format off */

/* A process whose event sub-process timer comes from a variable. Keys:
 * 1 P, then 2 the incident. */
static const char *const ROOT_ESP =
    HEAD PROCESS "<bpmn:startEvent id='S'/>\n" FLOW("f1", "S", "ask")
    "<bpmn:userTask id='ask'/>\n" FLOW("f2", "ask", "E") "<bpmn:endEvent id='E'/>\n"
    "<bpmn:subProcess id='esp' triggeredByEvent='true'>"
    "<bpmn:startEvent id='tick' isInterrupting='false'><bpmn:timerEventDefinition>"
    "<bpmn:timeDuration>=reminder</bpmn:timeDuration></bpmn:timerEventDefinition>"
    "</bpmn:startEvent>" FLOW("g1", "tick", "tickEnd") "<bpmn:endEvent id='tickEnd'/>"
    "</bpmn:subProcess>\n" END_PROCESS TAIL;

/* A parallel multi-instance job over [1,2] with a boundary timer from a
 * variable. Keys: 1 P, 2 S, 3 each (the body), then 4 the incident. */
static const char *const MI_BOUNDARY =
    HEAD PROCESS "<bpmn:startEvent id='S'/>\n" FLOW("f1", "S", "each")
    "<bpmn:serviceTask id='each'><bpmn:extensionElements>"
    "<zeebe:taskDefinition type='t.each'/></bpmn:extensionElements>"
    "<bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements>"
    "<zeebe:loopCharacteristics inputCollection='=[1,2]' inputElement='item'/>"
    "</bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics></bpmn:serviceTask>\n"
    "<bpmn:boundaryEvent id='late' attachedToRef='each'><bpmn:timerEventDefinition>"
    "<bpmn:timeDuration>=limit</bpmn:timeDuration></bpmn:timerEventDefinition>"
    "</bpmn:boundaryEvent>\n" FLOW("f3", "late", "Late") "<bpmn:endEvent id='Late'/>\n"
    FLOW("f2", "each", "E") "<bpmn:endEvent id='E'/>\n" END_PROCESS TAIL;

/* A parallel multi-instance job over [1,2,3] whose completion condition
 * fails until 'stop' is set. Keys: 1 P, 2 S, 3 each (the body), 4, 5, 6 the
 * iterations (and their jobs). */
static const char *const MI_CONDITION =
    HEAD PROCESS "<bpmn:startEvent id='S'/>\n" FLOW("f1", "S", "each")
    "<bpmn:serviceTask id='each'><bpmn:extensionElements>"
    "<zeebe:taskDefinition type='t.each'/></bpmn:extensionElements>"
    "<bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements>"
    "<zeebe:loopCharacteristics inputCollection='=[1,2,3]' inputElement='item'/>"
    "</bpmn:extensionElements><bpmn:completionCondition>"
    "=if is defined(stop) then stop else [1..2]</bpmn:completionCondition>"
    "</bpmn:multiInstanceLoopCharacteristics></bpmn:serviceTask>\n"
    FLOW("f2", "each", "after") "<bpmn:userTask id='after'/>\n" FLOW("f3", "after", "E")
    "<bpmn:endEvent id='E'/>\n" END_PROCESS TAIL;

/* An event-based gateway whose timer comes from a variable. Keys: 1 P,
 * 2 S, 3 race, 4 the subscription of paid, 5 the incident. */
static const char *const RACE =
    HEAD "<bpmn:message id='m' name='paid'/>\n" PROCESS
    "<bpmn:startEvent id='S'/>\n" FLOW("f1", "S", "race")
    "<bpmn:eventBasedGateway id='race'/>\n"
    FLOW("f2", "race", "paid") FLOW("f3", "race", "timeout")
    "<bpmn:intermediateCatchEvent id='paid'><bpmn:messageEventDefinition messageRef='m'/>"
    "</bpmn:intermediateCatchEvent>\n"
    "<bpmn:intermediateCatchEvent id='timeout'><bpmn:timerEventDefinition>"
    "<bpmn:timeDuration>=limit</bpmn:timeDuration></bpmn:timerEventDefinition>"
    "</bpmn:intermediateCatchEvent>\n"
    FLOW("f4", "paid", "ship") "<bpmn:userTask id='ship'/>\n" FLOW("f5", "ship", "E1")
    "<bpmn:endEvent id='E1'/>\n" FLOW("f6", "timeout", "E2") "<bpmn:endEvent id='E2'/>\n"
    END_PROCESS TAIL;

/* A parallel multi-instance none task collecting an output per item. */
static const char *const MI_COLLECT =
    HEAD PROCESS "<bpmn:startEvent id='S'/>\n" FLOW("f1", "S", "each")
    "<bpmn:task id='each'><bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements>"
    "<zeebe:loopCharacteristics inputCollection='=items' inputElement='item' "
    "outputCollection='results' outputElement='=item'/>"
    "</bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics></bpmn:task>\n"
    FLOW("f2", "each", "E") "<bpmn:endEvent id='E'/>\n" END_PROCESS TAIL;

/* clang-format on */

/* An incident on the process scope itself (an event sub-process start
 * that cannot be armed): resolving it starts the process at its start
 * event, as the first try would have. */
START_TEST(resolving_an_incident_of_the_process_scope_starts_it)
{
    const struct ordo_wait *w;
    uint32_t key;

    load(ROOT_ESP);
    start_at(T0, NULL);
    must_find(ORDO_EFFECT_INCIDENT, ORDO_OP_RAISED, "P");
    ck_assert_ptr_null(find(ORDO_EFFECT_ENTER, ORDO_OP_NONE, "S"));
    ck_assert_uint_eq(waits(&w), 1);
    ck_assert_int_eq(w[0].kind, ORDO_WAIT_INCIDENT);
    key = w[0].key;

    ck_assert_int_eq(deliver(ORDO_EVENT_RESOLVE, T0, key, "{\"reminder\":\"PT1H\"}"), ORDO_OK);
    ck_assert_uint_eq(must_find(ORDO_EFFECT_TIMER, ORDO_OP_SCHEDULED, NULL)->trigger,
                      node_of("tick"));
    must_find(ORDO_EFFECT_ENTER, ORDO_OP_NONE, "S");
    must_find(ORDO_EFFECT_TASK, ORDO_OP_CREATED, "ask");
}
END_TEST

/* Cancelling an instance whose process scope has an incident leaves
 * nothing to wait for, the incident included. */
START_TEST(cancel_clears_an_incident_of_the_process_scope)
{
    const struct ordo_wait *w;

    load(ROOT_ESP);
    start_at(T0, NULL);
    must_find(ORDO_EFFECT_INCIDENT, ORDO_OP_RAISED, "P");
    ck_assert_int_eq(deliver(ORDO_EVENT_CANCEL, T0, 0, NULL), ORDO_OK);
    ck_assert_int_eq(ordo_instance_status(inst), ORDO_INSTANCE_CANCELED);
    ck_assert_uint_eq(waits(&w), 0);
}
END_TEST

/* A multi-instance body whose boundary timer cannot be armed stops there
 * with an incident: no iteration starts. Resolving it starts each
 * iteration once. */
START_TEST(a_body_whose_boundary_cannot_be_armed_starts_no_iteration)
{
    uint32_t key;

    load(MI_BOUNDARY);
    start_at(T0, NULL);
    must_find(ORDO_EFFECT_INCIDENT, ORDO_OP_RAISED, "each");
    ck_assert_uint_eq(count(ORDO_EFFECT_JOB, ORDO_OP_CREATED), 0);

    key = wait_key(ORDO_WAIT_INCIDENT, "each");
    ck_assert_int_eq(deliver(ORDO_EVENT_RESOLVE, T0, key, "{\"limit\":\"PT1H\"}"), ORDO_OK);
    ck_assert_uint_eq(count(ORDO_EFFECT_JOB, ORDO_OP_CREATED), 2);
    ck_assert_uint_eq(count(ORDO_EFFECT_TIMER, ORDO_OP_SCHEDULED), 1);
}
END_TEST

/* A completion condition that fails is an incident on the body; resolving
 * it decides again, and a body with iterations still running waits for
 * them instead of completing under them. */
START_TEST(resolving_a_completion_condition_incident_waits_for_open_iterations)
{
    const struct ordo_effect *e;
    uint32_t key;

    load(MI_CONDITION);
    start_at(T0, NULL);
    ck_assert_uint_eq(count(ORDO_EFFECT_JOB, ORDO_OP_CREATED), 3);
    ck_assert_int_eq(deliver(ORDO_EVENT_JOB_COMPLETE, T0, 4, "{}"), ORDO_OK);
    e = must_find(ORDO_EFFECT_INCIDENT, ORDO_OP_RAISED, "each");
    key = e->key;

    ck_assert_int_eq(deliver(ORDO_EVENT_RESOLVE, T0, key, "{\"stop\":false}"), ORDO_OK);
    ck_assert_ptr_null(find(ORDO_EFFECT_LEAVE, ORDO_OP_COMPLETED, "each"));
    ck_assert_ptr_null(find(ORDO_EFFECT_ENTER, ORDO_OP_NONE, "after"));
    /* The other two jobs are still open, and finish the body. */
    ck_assert_int_eq(deliver(ORDO_EVENT_JOB_COMPLETE, T0, 5, "{}"), ORDO_OK);
    ck_assert_int_eq(deliver(ORDO_EVENT_JOB_COMPLETE, T0, 6, "{}"), ORDO_OK);
    must_find(ORDO_EFFECT_LEAVE, ORDO_OP_COMPLETED, "each");
    must_find(ORDO_EFFECT_TASK, ORDO_OP_CREATED, "after");
}
END_TEST

/* Every incident a failing completion condition leaves can be resolved,
 * whichever iterations completed meanwhile: none is left pointing at a
 * body that is gone, and the body then completes once. */
START_TEST(every_incident_of_a_failing_completion_condition_resolves)
{
    const struct ordo_wait *w;
    size_t n;

    load(MI_CONDITION);
    start_at(T0, NULL);
    ck_assert_int_eq(deliver(ORDO_EVENT_JOB_COMPLETE, T0, 4, "{}"), ORDO_OK);
    ck_assert_int_eq(deliver(ORDO_EVENT_JOB_COMPLETE, T0, 5, "{}"), ORDO_OK);
    ck_assert_int_eq(deliver(ORDO_EVENT_JOB_COMPLETE, T0, 6, "{}"), ORDO_OK);
    for (int round = 0; round < 5; round++) {
        uint32_t key = 0;

        n = waits(&w);
        for (size_t i = 0; i < n && !key; i++) {
            key = w[i].kind == ORDO_WAIT_INCIDENT ? w[i].key : 0;
        }
        if (!key) {
            break;
        }
        ck_assert_int_eq(deliver(ORDO_EVENT_RESOLVE, T0, key, "{\"stop\":false}"), ORDO_OK);
    }
    n = waits(&w);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(w[0].kind, ORDO_WAIT_TASK);
    ck_assert_uint_eq(w[0].node, node_of("after"));
}
END_TEST

/* An event-based gateway that could not arm all its events has an
 * incident and waits for nothing else: a message for the event armed
 * before the failure is not correlated. After the resolve the race runs,
 * and no incident is left behind. */
START_TEST(a_gateway_in_incident_takes_no_message)
{
    const struct ordo_wait *w;
    uint32_t key;
    size_t n;

    load(RACE);
    start_at(T0, NULL);
    must_find(ORDO_EFFECT_INCIDENT, ORDO_OP_RAISED, "race");
    key = wait_key(ORDO_WAIT_INCIDENT, "race");
    ck_assert_int_eq(message("paid", NULL, NULL), ORDO_E_NOTFOUND);
    ck_assert_uint_eq(step.neffects, 0);

    ck_assert_int_eq(deliver(ORDO_EVENT_RESOLVE, T0, key, "{\"limit\":\"PT1H\"}"), ORDO_OK);
    ck_assert_int_eq(message("paid", NULL, NULL), ORDO_OK);
    must_find(ORDO_EFFECT_TASK, ORDO_OP_CREATED, "ship");
    n = waits(&w);
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_ne(w[i].kind, ORDO_WAIT_INCIDENT);
    }
}
END_TEST

/* Collecting outputs costs linear work and memory: the step's variable
 * effects do not hold a fresh copy of the whole output collection per
 * iteration (2,000 items must not mean 4,000,000 collection slots). */
START_TEST(collecting_outputs_is_linear_in_the_items)
{
    enum { N = 2000 };
    json_t *items = json_array();
    json_t *vars = json_object();
    char *text;
    size_t slots = 0;

    for (int i = 0; i < N; i++) {
        json_array_append_new(items, json_integer(i));
    }
    json_object_set_new(vars, "items", items);
    text = json_dumps(vars, JSON_COMPACT);
    json_decref(vars);
    load(MI_COLLECT);
    start_at(T0, text);
    free(text);
    ck_assert_int_eq(ordo_instance_status(inst), ORDO_INSTANCE_COMPLETED);
    for (size_t i = 0; i < step.neffects; i++) {
        const struct ordo_effect *e = &step.effects[i];

        if (e->kind == ORDO_EFFECT_VAR && json_is_array(e->value)) {
            slots += json_array_size(e->value);
        }
    }
    ck_assert_msg(slots <= (size_t)8 * N, "%zu collection slots in the step's effects for %d items",
                  slots, N);
}
END_TEST

END_TEST

/* Every effect of the last step as JSON lines. */
static char *step_text(void)
{
    struct ordo_buf b;

    ordo_buf_init(&b);
    for (size_t i = 0; i < step.neffects; i++) {
        ordo_effect_json(graph, &step.effects[i], &b);
        ordo_buf_putc(&b, '\n');
    }
    return ordo_buf_take(&b, NULL);
}

START_TEST(a_restored_snapshot_is_the_same_instance)
{
    json_t *snap;
    json_t *again;
    struct ordo_instance *restored = NULL;
    struct ordo_instance *original;
    char *want;
    char *got;

    load(WAITS);
    start_at(T0, "{\"who\":\"ann\"}");
    snap = ordo_instance_snapshot(inst);
    ck_assert_int_eq(ordo_instance_restore(graph, snap, NULL, &restored, &err), ORDO_OK);
    again = ordo_instance_snapshot(restored);
    ck_assert_msg(json_equal(snap, again), "the restored instance snapshots differently");
    /* Both go on alike: the job completes, the same effects come out. */
    ck_assert_int_eq(deliver(ORDO_EVENT_JOB_COMPLETE, T0 + 5, 4, "{\"n\":1}"), ORDO_OK);
    want = step_text();
    original = inst;
    inst = restored;
    ck_assert_int_eq(deliver(ORDO_EVENT_JOB_COMPLETE, T0 + 5, 4, "{\"n\":1}"), ORDO_OK);
    got = step_text();
    ck_assert_str_eq(got, want);
    ck_assert_int_eq(step.neffects > 0, 1);
    ordo_instance_free(original);
    free(want);
    free(got);
    json_decref(again);
    json_decref(snap);
}
END_TEST

/* 'snap' with 'path' (an object member, or "elements" row 'row' field
 * 'field') replaced by 'value'; restoring it must fail with INVAL. */
static void assert_refused(json_t *snap, const char *what)
{
    struct ordo_instance *restored = NULL;

    memset(&err, 0, sizeof(err));
    ck_assert_msg(ordo_instance_restore(graph, snap, NULL, &restored, &err) == ORDO_E_INVAL,
                  "%s was accepted", what);
    ck_assert_ptr_null(restored);
    ck_assert_msg(strstr(err.msg, "instance snapshot: ") != NULL, "%s: %s", what, err.msg);
    json_decref(snap);
}

START_TEST(restore_refuses_a_malformed_snapshot)
{
    json_t *snap;
    json_t *elems;

    load(WAITS);
    start_at(T0, NULL);
    snap = ordo_instance_snapshot(inst);

    assert_refused(json_string("x"), "a string");
    json_object_set_new(snap, "v", json_integer(2));
    assert_refused(json_deep_copy(snap), "version 2");
    json_object_set_new(snap, "v", json_integer(1));
    {
        json_t *c = json_deep_copy(snap);

        json_array_set_new(json_array_get(json_object_get(c, "elements"), 1), 1,
                           json_string("nope"));
        assert_refused(c, "an unknown element id");
    }
    {
        json_t *c = json_deep_copy(snap);

        elems = json_object_get(c, "elements");
        json_array_insert(elems, 0, json_array_get(elems, 2)); /* keys out of order */
        assert_refused(c, "keys out of order");
    }
    {
        json_t *c = json_deep_copy(snap);

        json_array_set_new(json_array_get(json_object_get(c, "elements"), 0), 4, json_integer(99));
        assert_refused(c, "an unknown wait state");
    }
    {
        json_t *c = json_deep_copy(snap);

        json_object_del(c, "subscriptions");
        assert_refused(c, "no subscriptions table");
    }
    {
        json_t *c = json_deep_copy(snap);

        json_object_set_new(c, "next_key", json_integer(1));
        assert_refused(c, "a next key behind the keys in use");
    }
    {
        json_t *c = json_deep_copy(snap);

        json_array_set_new(json_array_get(json_object_get(c, "elements"), 1), 2, json_integer(77));
        assert_refused(c, "a parent that is no element");
    }
    {
        json_t *c = json_deep_copy(snap);

        json_array_set_new(json_array_get(json_object_get(c, "subscriptions"), 0), 2,
                           json_integer(77));
        assert_refused(c, "an owner that is no element");
    }
    json_decref(snap);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("runtime");
    TCase *tc = tcase_create("events");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, refused_events_change_nothing);
    tcase_add_test(tc, events_before_start_and_after_the_end_conflict);
    tcase_add_test(tc, job_fail_with_retries_left_keeps_the_job);
    tcase_add_test(tc, job_fail_without_retries_raises_an_incident);
    tcase_add_test(tc, resolving_a_job_incident_creates_the_job_again);
    tcase_add_test(tc, set_variables_merges_into_the_process_scope_and_moves_no_token);
    tcase_add_test(tc, resolving_a_gateway_incident_takes_the_flow_now_true);
    tcase_add_test(tc, job_error_variables_reach_the_catching_path);
    tcase_add_test(tc, cancel_terminates_everything);
    tcase_add_test(tc, terminate_end_in_the_process_terminates_the_instance);
    tcase_add_test(tc, messages_correlate_by_name_and_key);
    tcase_add_test(tc, a_message_without_a_key_correlates_by_name);
    tcase_add_test(tc, keys_are_unique_and_a_job_key_is_its_element_key);
    tcase_add_test(tc, effects_carry_the_event_time_and_count_on);
    tcase_add_test(tc, waits_are_listed_in_key_order);
    tcase_add_test(tc, next_timer_is_the_earliest_due_then_the_lower_key);
    tcase_add_test(tc, a_call_completes_with_the_child_variables);
    tcase_add_test(tc, a_call_that_cannot_start_is_an_incident_and_runs_again_when_resolved);
    tcase_add_test(tc, effects_as_json_records);
    tcase_add_test(tc, effect_names_are_the_trace_words);
    tcase_add_test(tc, resolving_an_incident_of_the_process_scope_starts_it);
    tcase_add_test(tc, cancel_clears_an_incident_of_the_process_scope);
    tcase_add_test(tc, a_body_whose_boundary_cannot_be_armed_starts_no_iteration);
    tcase_add_test(tc, resolving_a_completion_condition_incident_waits_for_open_iterations);
    tcase_add_test(tc, every_incident_of_a_failing_completion_condition_resolves);
    tcase_add_test(tc, a_gateway_in_incident_takes_no_message);
    tcase_add_test(tc, collecting_outputs_is_linear_in_the_items);
    tcase_add_test(tc, a_loop_without_wait_state_becomes_an_incident);
    tcase_add_test(tc, the_bound_does_not_stop_a_short_run);
    tcase_add_test(tc, a_restored_snapshot_is_the_same_instance);
    tcase_add_test(tc, restore_refuses_a_malformed_snapshot);
    suite_add_tcase(s, tc);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
