/*
 * bpmn/export_c8.c - the Camunda 8 rules of the export (bpmn/export.h).
 *
 * Ordo writes zeebe: extensions itself (CONTRACTS §2), so most of a model
 * passes as it is. What changes: ordo: attributes become their Zeebe
 * equivalents or are reported; user tasks become Camunda user tasks
 * (zeebe:userTask, which is what zeebe:assignmentDefinition and
 * zeebe:formDefinition formId need in 8.5+); conditions become FEEL with
 * "="; cron becomes Zeebe's six-field form; a model read from Camunda 7
 * keeps its external topics and assignments as Zeebe's, and its other
 * camunda: extensions are reported and left out.
 */
#include <string.h>

#include "base/text.h"
#include "bpmn/export_internal.h"
#include "bpmn/feel.h"

#define ZB ORDO_BPMN_NS_ZEEBE

/* An expression in Camunda 8's form: "=FEEL". JUEL is translated; text
 * without either is FEEL as Ordo reads it (CONTRACTS §2). NULL when JUEL
 * cannot be translated (reported). */
static const char *as_feel(struct ordo_export_state *x, const struct ordo_bpmn_node *el,
                           const char *what, const char *text)
{
    struct ordo_err err = {0};
    const char *t = ordo_export_skip_space(text);
    const char *feel;

    if (t[0] == '=') {
        return text;
    }
    if (ordo_export_is_juel(t)) {
        if (ordo_feel_from_juel(x->arena, t, &feel, &err) != ORDO_OK) {
            ordo_export_report(x, ORDO_EXPORT_LOST, el, what, "kept as written: %s", err.msg);
            return NULL;
        }
        ordo_export_report(x, ORDO_EXPORT_MAPPED, el, what, "JUEL %s written as FEEL =%s", t, feel);
        return ordo_arena_printf(x->arena, "=%s", feel);
    }
    ordo_export_report(x, ORDO_EXPORT_MAPPED, el, what, "FEEL %s written with \"=\"", t);
    return ordo_arena_printf(x->arena, "=%s", t);
}

static void put_header(struct ordo_export_state *x, struct ordo_bpmn_node *el, const char *key,
                       const char *value)
{
    struct ordo_bpmn_node *th = ordo_export_ext_need(x, el, ZB, "zeebe", "taskHeaders");
    struct ordo_bpmn_node *h = ordo_export_element(x, th, ZB, "zeebe", "header");

    ordo_export_attr_set(x, h, NULL, NULL, "key", key);
    ordo_export_attr_set(x, h, NULL, NULL, "value", value);
}

static bool needs_job(const struct ordo_bpmn_node *el)
{
    return el->kind == ORDO_BPMN_SERVICE_TASK || el->kind == ORDO_BPMN_SEND_TASK;
}

static void job(struct ordo_export_state *x, struct ordo_bpmn_node *el)
{
    const char *type = ordo_export_job_type(el);
    const char *credential = ordo_bpmn_attr_get(el, ORDO_BPMN_NS_ORDO, "credential");
    struct ordo_bpmn_node *td = ordo_export_ext_get(el, ZB, "taskDefinition");
    const char *had = td ? ordo_bpmn_attr_get(td, NULL, "type") : NULL;

    if (!type) {
        if (needs_job(el)) {
            ordo_export_report(x, ORDO_EXPORT_LOST, el, "zeebe:taskDefinition",
                               "the task has no job type: Camunda 8 needs one for every %s",
                               el->tag);
        }
        return;
    }
    if (!ordo_streq(had, type)) {
        td = ordo_export_ext_need(x, el, ZB, "zeebe", "taskDefinition");
        ordo_export_attr_set(x, td, NULL, NULL, "type", type);
        ordo_export_report(x, ORDO_EXPORT_MAPPED, el, "zeebe:taskDefinition",
                           "job type \"%s\" as zeebe:taskDefinition type", type);
    }
    (void)ordo_export_attr_drop(el, ORDO_BPMN_NS_ORDO, "action");
    if (credential) {
        put_header(x, el, "ordo:credential", credential);
        (void)ordo_export_attr_drop(el, ORDO_BPMN_NS_ORDO, "credential");
        ordo_export_report(x, ORDO_EXPORT_MAPPED, el, "ordo:credential",
                           "credential \"%s\" as the task header \"ordo:credential\"", credential);
    }
    if (ordo_export_attr_drop(el, ORDO_BPMN_NS_CAMUNDA, "type")) {
        (void)ordo_export_attr_drop(el, ORDO_BPMN_NS_CAMUNDA, "topic");
    }
}

/* camunda:assignee, candidateUsers, candidateGroups of a Camunda 7 model. */
static void camunda_assignment(struct ordo_export_state *x, struct ordo_bpmn_node *el)
{
    static const char *const names[] = {"assignee", "candidateUsers", "candidateGroups"};

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const char *v = ordo_bpmn_attr_get(el, ORDO_BPMN_NS_CAMUNDA, names[i]);
        struct ordo_bpmn_node *ad;
        const char *t;

        if (!v) {
            continue;
        }
        ad = ordo_export_ext_need(x, el, ZB, "zeebe", "assignmentDefinition");
        t = v;
        if (strstr(v, "${") || strstr(v, "#{")) {
            /* Only a value that is one JUEL expression has a FEEL form;
             * "sales,${dept}" mixes a list and an expression (and
             * "${dept},sales" is refused by the JUEL reader). */
            if (ordo_export_is_juel(v)) {
                t = as_feel(x, el, names[i], v);
            } else {
                ordo_export_report(x, ORDO_EXPORT_LOST, el, names[i],
                                   "kept as written: \"%s\" mixes text and a JUEL expression; "
                                   "write it as one FEEL expression",
                                   v);
            }
        }
        ordo_export_attr_set(x, ad, NULL, NULL, names[i], t ? t : v);
        (void)ordo_export_attr_drop(el, ORDO_BPMN_NS_CAMUNDA, names[i]);
    }
}

static void user_task(struct ordo_export_state *x, struct ordo_bpmn_node *el)
{
    const char *form = ordo_bpmn_attr_get(el, ORDO_BPMN_NS_ORDO, "form");

    if (!ordo_export_ext_get(el, ZB, "userTask")) {
        (void)ordo_export_ext_need(x, el, ZB, "zeebe", "userTask");
        ordo_export_report(x, ORDO_EXPORT_MAPPED, el, "zeebe:userTask",
                           "a Camunda user task (zeebe:userTask)");
    }
    camunda_assignment(x, el);
    if (form) {
        const char *id = ordo_export_form_c8(x, el, form);

        if (id) {
            struct ordo_bpmn_node *fd = ordo_export_ext_need(x, el, ZB, "zeebe", "formDefinition");

            ordo_export_attr_set(x, fd, NULL, NULL, "formId", id);
        }
        (void)ordo_export_attr_drop(el, ORDO_BPMN_NS_ORDO, "form");
    }
}

static void expression_text(struct ordo_export_state *x, struct ordo_bpmn_node *n, const char *what)
{
    const char *t;

    if (!n->text || !*n->text) {
        return;
    }
    t = as_feel(x, ordo_export_owner(n), what, n->text);
    if (t && t != n->text) {
        ordo_export_set_text(x, n, t);
    }
}

static void timer_text(struct ordo_export_state *x, struct ordo_bpmn_node *n)
{
    const char *why = NULL;
    const char *t;

    if (!n->text || ordo_export_skip_space(n->text)[0] == '=') {
        return;
    }
    if (ordo_export_is_juel(n->text)) { /* JUEL: FEEL for Zeebe, or lost */
        t = as_feel(x, ordo_export_owner(n), "timer", n->text);
        if (t) {
            ordo_export_set_text(x, n, t);
        }
        return;
    }
    t = ordo_export_timer(x, n->text, &why);
    if (!t) {
        ordo_export_report(x, ORDO_EXPORT_LOST, ordo_export_owner(n), "timer",
                           "\"%s\" kept as written: %s", n->text, why);
    } else if (strcmp(t, n->text) != 0) {
        ordo_export_report(x, ORDO_EXPORT_MAPPED, ordo_export_owner(n), "timer",
                           "cron \"%s\" in Camunda 8's form \"%s\"", n->text, t);
        ordo_export_set_text(x, n, t);
    }
}

/* A message catch needs a correlation key in Camunda 8 (CONTRACTS §2). */
static void message_catch(struct ordo_export_state *x, struct ordo_bpmn_node *def)
{
    const struct ordo_bpmn_node *el = def->kind == ORDO_BPMN_RECEIVE_TASK ? def : def->parent;
    struct ordo_bpmn_node *msg;
    struct ordo_bpmn_node *sub;

    if (!el || !ordo_export_is_message_catch(el)) {
        return;
    }
    msg = ordo_export_message_of(x, def);
    sub = msg ? ordo_export_ext_get(msg, ZB, "subscription") : NULL;
    if (!sub || !ordo_bpmn_attr_get(sub, NULL, "correlationKey")) {
        ordo_export_report(x, ORDO_EXPORT_LOST, el, "zeebe:subscription",
                           "the message %s has no correlation key: Ordo correlates it within "
                           "the instance, Camunda 8 needs zeebe:subscription correlationKey",
                           msg && msg->name ? msg->name : "(none)");
    }
}

/* Camunda 7 attributes about the engine's bookkeeping, which Ordo ignores
 * as well: leaving them out changes nothing that runs. */
static bool harmless(const char *name)
{
    static const char *const names[] = {"historyTimeToLive", "isStartableInTasklist",
                                        "versionTag",        "asyncBefore",
                                        "asyncAfter",        "exclusive"};

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(name, names[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* Whatever camunda: is left on an element of a Camunda 7 model. */
static void drop_camunda(struct ordo_export_state *x, struct ordo_bpmn_node *el)
{
    (void)ordo_export_drop_dialect(x, el, ORDO_BPMN_NS_CAMUNDA, "camunda",
                                   "a Camunda 7 extension that Camunda 8 does not have", harmless);
}

static void element(struct ordo_export_state *x, struct ordo_bpmn_node *el)
{
    switch (el->kind) {
    case ORDO_BPMN_USER_TASK:
        user_task(x, el);
        break;
    case ORDO_BPMN_CONDITION_EXPRESSION:
    case ORDO_BPMN_COMPLETION_CONDITION:
    case ORDO_BPMN_CONDITION:
        expression_text(x, el, "condition");
        break;
    case ORDO_BPMN_TIME_CYCLE:
    case ORDO_BPMN_TIME_DATE:
    case ORDO_BPMN_TIME_DURATION:
        timer_text(x, el);
        break;
    case ORDO_BPMN_MESSAGE_EVENT_DEFINITION:
    case ORDO_BPMN_RECEIVE_TASK:
        message_catch(x, el);
        break;
    default:
        break;
    }
    if (ordo_bpmn_is(el, ORDO_BPMN_C_TASK) || ordo_bpmn_is(el, ORDO_BPMN_C_THROW_EVENT)) {
        job(x, el);
    }
    ordo_export_drop_ordo(x, el);
    drop_camunda(x, el);
}

void ordo_export_c8(struct ordo_export_state *x)
{
    ordo_export_each(x, element);
}
