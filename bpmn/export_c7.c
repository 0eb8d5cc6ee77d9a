/*
 * bpmn/export_c7.c - the Camunda 7 rules of the export (bpmn/export.h).
 *
 * Jobs become external tasks (camunda:type="external", camunda:topic = the
 * job type, CONTRACTS §1) whose workers use Camunda 7's external-task API;
 * zeebe:ioMapping becomes camunda:inputOutput and Zeebe's assignment,
 * schedule, headers, multi-instance and called element their camunda:
 * attributes; FEEL becomes JUEL through ordo_feel_to_juel(), and what it
 * cannot write is kept as written and reported as lost. Executable
 * processes get camunda:historyTimeToLive, which Camunda 7.20+ requires.
 * Every zeebe: extension left after that is reported and left out.
 */
#include <string.h>

#include "base/text.h"
#include "bpmn/export_internal.h"
#include "bpmn/feel.h"

#define ZB ORDO_BPMN_NS_ZEEBE
#define CA ORDO_BPMN_NS_CAMUNDA

/* An expression in Camunda 7's form. 'condition': a condition, whose text
 * with neither "=" nor "${" is FEEL, rather than a value (a mapping source,
 * an assignee), where such text is a string constant. The text as written
 * when the FEEL cannot be written in JUEL (reported). Where the JUEL
 * means something else for null (JUEL reads null as false), a note says
 * so: refusing would lose every not(), and for values that are set the
 * two agree. */
static const char *as_juel(struct ordo_export_state *x, const struct ordo_bpmn_node *el,
                           const char *what, const char *text, bool condition)
{
    struct ordo_err err = {0};
    const char *t = ordo_export_skip_space(text);
    const char *juel;
    const char *null_note = NULL;

    if (ordo_export_is_juel(t)) {
        return text;
    }
    if (t[0] != '=' && !condition) {
        return text;
    }
    if (ordo_feel_to_juel(x->arena, t[0] == '=' ? t + 1 : t, condition, &juel, &null_note, &err) !=
        ORDO_OK) {
        ordo_export_report(x, ORDO_EXPORT_LOST, el, what, "%s kept as written: %s", t, err.msg);
        return text;
    }
    ordo_export_report(x, ORDO_EXPORT_MAPPED, el, what, "FEEL %s written as JUEL %s", t, juel);
    if (null_note) {
        ordo_export_report(x, ORDO_EXPORT_NOTE, el, what,
                           "JUEL %s differs from FEEL %s for null: %s", juel, t, null_note);
    }
    return juel;
}

static void drop_ext(struct ordo_bpmn_node *el, const char *ns, const char *tag)
{
    struct ordo_bpmn_node *n = ordo_export_ext_get(el, ns, tag);

    if (n) {
        ordo_export_unlink(n);
    }
}

static void put_property(struct ordo_export_state *x, struct ordo_bpmn_node *el, const char *name,
                         const char *value)
{
    struct ordo_bpmn_node *ps = ordo_export_ext_need(x, el, CA, "camunda", "properties");
    struct ordo_bpmn_node *p = ordo_export_element(x, ps, CA, "camunda", "property");

    ordo_export_attr_set(x, p, NULL, NULL, "name", name);
    ordo_export_attr_set(x, p, NULL, NULL, "value", value ? value : "");
}

/* Camunda 7 puts a message throw event's implementation on its
 * messageEventDefinition, a task's on the task. */
static struct ordo_bpmn_node *implementation_of(struct ordo_bpmn_node *el)
{
    if (ordo_bpmn_is(el, ORDO_BPMN_C_EVENT)) {
        return ordo_export_child(el, ORDO_BPMN_NS_MODEL, "messageEventDefinition");
    }
    return el;
}

static void job(struct ordo_export_state *x, struct ordo_bpmn_node *el)
{
    const char *type = ordo_export_job_type(el);
    const char *credential = ordo_bpmn_attr_get(el, ORDO_BPMN_NS_ORDO, "credential");
    struct ordo_bpmn_node *td = ordo_export_ext_get(el, ZB, "taskDefinition");
    struct ordo_bpmn_node *impl = implementation_of(el);
    const char *retries = td ? ordo_bpmn_attr_get(td, NULL, "retries") : NULL;

    if (!type || !impl) {
        if (el->kind == ORDO_BPMN_SERVICE_TASK || el->kind == ORDO_BPMN_SEND_TASK) {
            ordo_export_report(x, ORDO_EXPORT_LOST, el, "camunda:type",
                               "the task has no job type: Camunda 7 needs an implementation");
        }
        return;
    }
    ordo_export_attr_set(x, impl, CA, "camunda", "type", "external");
    ordo_export_attr_set(x, impl, CA, "camunda", "topic", type);
    ordo_export_report(x, ORDO_EXPORT_MAPPED, el, "camunda:topic",
                       "job type \"%s\" as an external task topic", type);
    (void)ordo_export_attr_drop(el, ORDO_BPMN_NS_ORDO, "action");
    if (td) {
        ordo_export_unlink(td);
    }
    if (retries) {
        ordo_export_report(x, ORDO_EXPORT_NOTE, el, "zeebe:taskDefinition",
                           "retries=\"%s\" left out: an external task's worker sets its retries "
                           "when it reports a failure",
                           retries);
    }
    if (credential) {
        put_property(x, el, "ordo:credential", credential);
        (void)ordo_export_attr_drop(el, ORDO_BPMN_NS_ORDO, "credential");
        ordo_export_report(x, ORDO_EXPORT_MAPPED, el, "ordo:credential",
                           "credential \"%s\" as the extension property \"ordo:credential\"",
                           credential);
    }
}

static void headers(struct ordo_export_state *x, struct ordo_bpmn_node *el)
{
    struct ordo_bpmn_node *th = ordo_export_ext_get(el, ZB, "taskHeaders");

    if (!th) {
        return;
    }
    for (struct ordo_bpmn_node *h = th->first; h; h = h->next) {
        if (ordo_bpmn_is_element(h) && strcmp(h->tag, "header") == 0) {
            put_property(x, el, ordo_bpmn_attr_get(h, NULL, "key"),
                         ordo_bpmn_attr_get(h, NULL, "value"));
        }
    }
    ordo_export_unlink(th);
    ordo_export_report(x, ORDO_EXPORT_MAPPED, el, "zeebe:taskHeaders",
                       "task headers as camunda:properties (external tasks' extension "
                       "properties)");
}

static void io_mapping(struct ordo_export_state *x, struct ordo_bpmn_node *el)
{
    struct ordo_bpmn_node *io = ordo_export_ext_get(el, ZB, "ioMapping");
    struct ordo_bpmn_node *cio;
    bool outputs = false;

    if (!io) {
        return;
    }
    cio = ordo_export_ext_need(x, el, CA, "camunda", "inputOutput");
    for (struct ordo_bpmn_node *m = io->first; m; m = m->next) {
        bool input = ordo_bpmn_is_element(m) && strcmp(m->tag, "input") == 0;
        const char *source = ordo_bpmn_attr_get(m, NULL, "source");
        const char *target = ordo_bpmn_attr_get(m, NULL, "target");
        struct ordo_bpmn_node *p;

        if (!ordo_bpmn_is_element(m) || !target) {
            continue;
        }
        if (strchr(target, '.')) {
            ordo_export_report(x, ORDO_EXPORT_LOST, el, "zeebe:ioMapping",
                               "the mapping to \"%s\" left out: a Camunda 7 parameter names a "
                               "variable, not a path",
                               target);
            continue;
        }
        outputs = outputs || !input;
        p = ordo_export_element(x, cio, CA, "camunda",
                                input ? "inputParameter" : "outputParameter");
        ordo_export_attr_set(x, p, NULL, NULL, "name", target);
        if (source && *source) {
            ordo_export_set_text(x, p, as_juel(x, el, "zeebe:ioMapping", source, false));
        }
    }
    if (outputs) {
        /* Zeebe and Ordo keep only the mapped outputs of a result; Camunda 7
         * sets a worker's variables on the execution, so others may reach
         * the process too. */
        ordo_export_report(x, ORDO_EXPORT_NOTE, el, "zeebe:ioMapping",
                           "outputs as camunda:outputParameter; Camunda 7 may also set the other "
                           "variables the worker completes with in the process, where Ordo keeps "
                           "only the mapped outputs");
    }
    ordo_export_unlink(io);
}

static void assignment(struct ordo_export_state *x, struct ordo_bpmn_node *el)
{
    static const char *const names[] = {"assignee", "candidateUsers", "candidateGroups"};
    struct ordo_bpmn_node *ad = ordo_export_ext_get(el, ZB, "assignmentDefinition");
    struct ordo_bpmn_node *ts = ordo_export_ext_get(el, ZB, "taskSchedule");

    for (size_t i = 0; ad && i < sizeof(names) / sizeof(names[0]); i++) {
        const char *v = ordo_bpmn_attr_get(ad, NULL, names[i]);

        if (v) {
            ordo_export_attr_set(x, el, CA, "camunda", names[i],
                                 as_juel(x, el, names[i], v, false));
        }
    }
    for (size_t i = 0; ts && i < 2; i++) {
        const char *name = i ? "followUpDate" : "dueDate";
        const char *v = ordo_bpmn_attr_get(ts, NULL, name);

        if (v) {
            ordo_export_attr_set(x, el, CA, "camunda", name, as_juel(x, el, name, v, false));
        }
    }
    if (ad) {
        ordo_export_unlink(ad);
    }
    if (ts) {
        ordo_export_unlink(ts);
    }
    drop_ext(el, ZB, "userTask"); /* every Camunda 7 user task is one */
}

static void user_task(struct ordo_export_state *x, struct ordo_bpmn_node *el)
{
    const char *form = ordo_bpmn_attr_get(el, ORDO_BPMN_NS_ORDO, "form");

    assignment(x, el);
    if (form) {
        ordo_export_form_c7(x, el, form);
        (void)ordo_export_attr_drop(el, ORDO_BPMN_NS_ORDO, "form");
    }
}

static void multi_instance(struct ordo_export_state *x, struct ordo_bpmn_node *mi)
{
    struct ordo_bpmn_node *zl = ordo_export_ext_get(mi, ZB, "loopCharacteristics");
    const char *collection = zl ? ordo_bpmn_attr_get(zl, NULL, "inputCollection") : NULL;
    const char *element = zl ? ordo_bpmn_attr_get(zl, NULL, "inputElement") : NULL;
    const char *output = zl ? ordo_bpmn_attr_get(zl, NULL, "outputCollection") : NULL;

    if (!zl) {
        return;
    }
    if (collection) {
        ordo_export_attr_set(
            x, mi, CA, "camunda", "collection",
            as_juel(x, ordo_export_owner(mi), "inputCollection", collection, false));
    }
    if (element) {
        ordo_export_attr_set(x, mi, CA, "camunda", "elementVariable", element);
    }
    if (output) {
        ordo_export_report(x, ORDO_EXPORT_LOST, ordo_export_owner(mi), "outputCollection",
                           "the output collection \"%s\" left out: Camunda 7 multi-instance "
                           "collects no output",
                           output);
    }
    ordo_export_unlink(zl);
}

static void call_activity(struct ordo_export_state *x, struct ordo_bpmn_node *el)
{
    struct ordo_bpmn_node *ce = ordo_export_ext_get(el, ZB, "calledElement");
    const char *id = ce ? ordo_bpmn_attr_get(ce, NULL, "processId") : NULL;
    bool all_out =
        !ce || !ordo_streq(ordo_bpmn_attr_get(ce, NULL, "propagateAllChildVariables"), "false");
    bool all_in =
        !ce || !ordo_streq(ordo_bpmn_attr_get(ce, NULL, "propagateAllParentVariables"), "false");
    struct ordo_bpmn_node *ext;

    /* A FEEL process id: JUEL, or kept and reported. */
    if (id && ordo_export_skip_space(id)[0] == '=') {
        const char *juel = as_juel(x, el, "calledElement", id, false);

        id = juel ? juel : id;
    }
    if (id) {
        ordo_export_attr_set(x, el, NULL, NULL, "calledElement", id);
        ordo_export_unlink(ce);
    }
    if (ordo_export_ext_get(el, CA, "in") || ordo_export_ext_get(el, CA, "out")) {
        return; /* a Camunda 7 model's own mappings */
    }
    /* Zeebe copies every variable into the child, and back unless told not to. */
    ext = ordo_export_extensions(x, el, true);
    if (all_in) {
        ordo_export_attr_set(x, ordo_export_element(x, ext, CA, "camunda", "in"), NULL, NULL,
                             "variables", "all");
    } else {
        ordo_export_report(x, ORDO_EXPORT_LOST, el, "zeebe:calledElement",
                           "propagateAllParentVariables=\"false\": Zeebe passes only the "
                           "mapped inputs into the child; Camunda 7 passes what camunda:in "
                           "names, so add camunda:in for each input");
    }
    if (all_out) {
        ordo_export_attr_set(x, ordo_export_element(x, ext, CA, "camunda", "out"), NULL, NULL,
                             "variables", "all");
    }
    ordo_export_report(x, ORDO_EXPORT_MAPPED, el, "camunda:in",
                       "variables passed as Camunda 8 does: camunda:in variables=\"all\"%s",
                       all_out ? " and camunda:out variables=\"all\"" : "");
}

static void condition(struct ordo_export_state *x, struct ordo_bpmn_node *n)
{
    const char *t;

    if (!n->text || !*n->text) {
        return;
    }
    t = as_juel(x, ordo_export_owner(n), "condition", n->text, true);
    if (t != n->text) {
        ordo_export_set_text(x, n, t);
    }
}

static void timer_text(struct ordo_export_state *x, struct ordo_bpmn_node *n)
{
    const char *why = NULL;
    const char *t;

    if (!n->text) {
        return;
    }
    if (ordo_export_skip_space(n->text)[0] == '=') {
        t = as_juel(x, ordo_export_owner(n), "timer", n->text, false);
    } else if (!(t = ordo_export_timer(x, n->text, &why))) {
        ordo_export_report(x, ORDO_EXPORT_LOST, ordo_export_owner(n), "timer",
                           "\"%s\" kept as written: %s", n->text, why);
        return;
    } else if (strcmp(t, n->text) != 0) {
        ordo_export_report(x, ORDO_EXPORT_MAPPED, ordo_export_owner(n), "timer",
                           "cron \"%s\" in Quartz form \"%s\"", n->text, t);
    }
    if (t != n->text) {
        ordo_export_set_text(x, n, t);
    }
}

static void message(struct ordo_export_state *x, struct ordo_bpmn_node *msg)
{
    struct ordo_bpmn_node *sub = ordo_export_ext_get(msg, ZB, "subscription");
    const char *key = sub ? ordo_bpmn_attr_get(sub, NULL, "correlationKey") : NULL;

    if (!sub) {
        return;
    }
    ordo_export_unlink(sub);
    if (key) {
        ordo_export_report(x, ORDO_EXPORT_NOTE, msg, "zeebe:subscription",
                           "correlation key %s left out: Camunda 7 correlates by the message "
                           "request (POST /message with correlationKeys or a business key)",
                           key);
    }
}

static void process(struct ordo_export_state *x, struct ordo_bpmn_node *p)
{
    if (!ordo_streq(ordo_bpmn_attr_get(p, NULL, "isExecutable"), "true") ||
        ordo_bpmn_attr_get(p, CA, "historyTimeToLive")) {
        return;
    }
    ordo_export_attr_set(x, p, CA, "camunda", "historyTimeToLive", ORDO_EXPORT_C7_HTTL);
    ordo_export_report(x, ORDO_EXPORT_NOTE, p, "camunda:historyTimeToLive",
                       "history kept %s days (Camunda 7.20+ requires a time to live)",
                       ORDO_EXPORT_C7_HTTL);
}

/* Whatever zeebe: is left: Camunda 7 has no equivalent. */
static void drop_zeebe(struct ordo_export_state *x, struct ordo_bpmn_node *el)
{
    struct ordo_bpmn_node *ext =
        ordo_export_drop_dialect(x, el, ZB, "zeebe", "Camunda 7 has no equivalent", NULL);

    if (ext && !ext->first) {
        ordo_export_unlink(ext); /* an empty extensionElements is noise */
    }
}

static void element(struct ordo_export_state *x, struct ordo_bpmn_node *el)
{
    switch (el->kind) {
    case ORDO_BPMN_PROCESS:
        process(x, el);
        break;
    case ORDO_BPMN_MESSAGE:
        message(x, el);
        break;
    case ORDO_BPMN_USER_TASK:
        user_task(x, el);
        break;
    case ORDO_BPMN_CALL_ACTIVITY:
        call_activity(x, el);
        break;
    case ORDO_BPMN_MULTI_INSTANCE_LOOP_CHARACTERISTICS:
        multi_instance(x, el);
        break;
    case ORDO_BPMN_CONDITION_EXPRESSION:
    case ORDO_BPMN_COMPLETION_CONDITION:
    case ORDO_BPMN_CONDITION:
        condition(x, el);
        break;
    case ORDO_BPMN_TIME_CYCLE:
    case ORDO_BPMN_TIME_DATE:
    case ORDO_BPMN_TIME_DURATION:
        timer_text(x, el);
        break;
    default:
        break;
    }
    if (ordo_bpmn_is(el, ORDO_BPMN_C_TASK) || ordo_bpmn_is(el, ORDO_BPMN_C_THROW_EVENT)) {
        job(x, el);
    }
    headers(x, el);
    io_mapping(x, el);
    ordo_export_drop_ordo(x, el);
    drop_zeebe(x, el);
}

void ordo_export_c7(struct ordo_export_state *x)
{
    ordo_export_each(x, element);
}
