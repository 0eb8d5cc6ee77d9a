/*
 * bpmn/lint.c - rule table, profiles, and the runner.
 */
#include "bpmn/lint.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "bpmn/lint_internal.h"

_Static_assert(ORDO_LINT_RULE__COUNT <= ORDO_LINT_MAX_RULES, "raise ORDO_LINT_MAX_RULES");

struct rule_row {
    const char *id;
    enum ordo_lint_severity bpmnlint;
    enum ordo_lint_severity ordo;
    ordo_lint_check_fn *check;
    const char *summary;
};

static const struct rule_row rule_rows[ORDO_LINT_RULE__COUNT] = {
#define X(e, id, bl, ordo, fn, summary) \
    [ORDO_LINT_RULE_##e] = {id, ORDO_LINT_##bl, ORDO_LINT_##ordo, fn, summary},
    ORDO_LINT_RULE_MAP(X)
#undef X
};

struct ordo_lint_ctx {
    const struct ordo_bpmn_model *model;
    struct ordo_arena *arena;
    const struct ordo_lint_config *cfg;
    size_t rule; /* the rule being run */
    struct ordo_lint_finding *findings;
    size_t count, cap;
    const struct ordo_bpmn_node **di; /* by node order */
    bool *association_source;         /* by node order; built when first asked */
};

size_t ordo_lint_rule_count(void)
{
    return ORDO_LINT_RULE__COUNT;
}

const char *ordo_lint_rule_id(size_t index)
{
    return index < ORDO_LINT_RULE__COUNT ? rule_rows[index].id : NULL;
}

const char *ordo_lint_rule_summary(size_t index)
{
    return index < ORDO_LINT_RULE__COUNT ? rule_rows[index].summary : NULL;
}

enum ordo_lint_severity ordo_lint_rule_default(size_t index, enum ordo_lint_profile profile)
{
    if (index >= ORDO_LINT_RULE__COUNT) {
        return ORDO_LINT_OFF;
    }
    return profile == ORDO_LINT_PROFILE_BPMNLINT ? rule_rows[index].bpmnlint
                                                 : rule_rows[index].ordo;
}

const char *ordo_lint_severity_name(enum ordo_lint_severity s)
{
    switch (s) {
    case ORDO_LINT_WARN:
        return "warn";
    case ORDO_LINT_ERROR:
        return "error";
    default:
        return "off";
    }
}

enum ordo_code ordo_lint_profile_parse(const char *name, enum ordo_lint_profile *out,
                                       struct ordo_err *err)
{
    if (strcmp(name, "ordo") == 0) {
        *out = ORDO_LINT_PROFILE_ORDO;
    } else if (strcmp(name, "bpmnlint") == 0) {
        *out = ORDO_LINT_PROFILE_BPMNLINT;
    } else {
        return ordo_err_set(err, ORDO_E_INVAL,
                            "unknown lint profile \"%s\" (expected \"ordo\" or \"bpmnlint\")",
                            name);
    }
    return ORDO_OK;
}

void ordo_lint_config_init(struct ordo_lint_config *cfg, enum ordo_lint_profile profile)
{
    memset(cfg, 0, sizeof(*cfg));
    for (size_t i = 0; i < ORDO_LINT_RULE__COUNT; i++) {
        cfg->severity[i] = ordo_lint_rule_default(i, profile);
    }
}

static bool parse_severity(const char *s, enum ordo_lint_severity *out)
{
    static const char *const names[] = {"off", "warn", "error"};

    for (int i = 0; i < 3; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = (enum ordo_lint_severity)i;
            return true;
        }
    }
    return false;
}

enum ordo_code ordo_lint_config_set(struct ordo_lint_config *cfg, const char *assignment,
                                    struct ordo_err *err)
{
    const char *eq = strchr(assignment, '=');
    enum ordo_lint_severity sev;
    size_t len;

    if (!eq) {
        return ordo_err_set(err, ORDO_E_INVAL, "expected RULE=off|warn|error, got \"%s\"",
                            assignment);
    }
    len = (size_t)(eq - assignment);
    if (!parse_severity(eq + 1, &sev)) {
        return ordo_err_set(err, ORDO_E_INVAL,
                            "unknown severity \"%s\" (expected off, warn or error)", eq + 1);
    }
    for (size_t i = 0; i < ORDO_LINT_RULE__COUNT; i++) {
        if (strlen(rule_rows[i].id) == len && strncmp(rule_rows[i].id, assignment, len) == 0) {
            cfg->severity[i] = sev;
            return ORDO_OK;
        }
    }
    return ordo_err_set(err, ORDO_E_INVAL,
                        "unknown lint rule \"%.*s\" (`ordo bpmn lint --list-rules` lists them)",
                        (int)len, assignment);
}

void ordo_lint_report(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n, const char *fmt,
                      ...)
{
    struct ordo_lint_finding *f;
    va_list ap;

    ctx->findings =
        ordo_arena_grow(ctx->arena, ctx->findings, ctx->count, &ctx->cap, sizeof(*ctx->findings));
    f = &ctx->findings[ctx->count++];
    va_start(ap, fmt);
    f->message = ordo_arena_vprintf(ctx->arena, fmt, ap); /* no cap: ids can be long */
    va_end(ap);
    f->rule = rule_rows[ctx->rule].id;
    f->element = n ? n->id : NULL;
    f->severity = ctx->cfg->severity[ctx->rule];
    f->line = n ? n->line : 0;
}

const struct ordo_bpmn_model *ordo_lint_model(const struct ordo_lint_ctx *ctx)
{
    return ctx->model;
}

struct ordo_arena *ordo_lint_arena(const struct ordo_lint_ctx *ctx)
{
    return ctx->arena;
}

const struct ordo_bpmn_node *ordo_lint_di_of(const struct ordo_lint_ctx *ctx,
                                             const struct ordo_bpmn_node *n)
{
    return n ? ctx->di[n->order] : NULL;
}

/* The nearest enclosing process (bpmnlint's findParent). */
static const struct ordo_bpmn_node *process_of(const struct ordo_bpmn_node *n)
{
    while (n->parent && n->parent->kind != ORDO_BPMN_PROCESS) {
        n = n->parent;
    }
    return n->parent ? n->parent : n;
}

/* One walk marks every association source, so the rule asking stays linear
 * however many compensation events a process has. */
bool ordo_lint_association_source(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n)
{
    const struct ordo_bpmn_node *root = ordo_bpmn_model_root(ctx->model);

    if (!ctx->association_source) {
        ctx->association_source =
            ordo_arena_calloc(ctx->arena, ordo_bpmn_model_node_count(ctx->model), sizeof(bool));
        for (const struct ordo_bpmn_node *a = root; a; a = ordo_bpmn_next(root, a)) {
            if (a->kind == ORDO_BPMN_ASSOCIATION && a->source && a->parent &&
                a->parent->kind == ORDO_BPMN_PROCESS && process_of(a->source) == a->parent) {
                ctx->association_source[a->source->order] = true;
            }
        }
    }
    return ctx->association_source[n->order];
}

/* bpmnlint maps each element to the last plane element of any diagram that
 * names it; the rules that look at shapes use the same map. */
static void map_diagrams(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *root)
{
    ctx->di = ordo_arena_calloc(ctx->arena, ordo_bpmn_model_node_count(ctx->model) + 1,
                                sizeof(const struct ordo_bpmn_node *));
    for (const struct ordo_bpmn_node *d = root->first; d; d = d->next) {
        const struct ordo_bpmn_node *plane = ordo_bpmn_child(d, ORDO_BPMN_BPMN_PLANE);

        if (d->kind != ORDO_BPMN_BPMN_DIAGRAM || !plane) {
            continue;
        }
        for (const struct ordo_bpmn_node *e = plane->first; e; e = e->next) {
            if (e->bpmn_element &&
                (e->kind == ORDO_BPMN_BPMN_SHAPE || e->kind == ORDO_BPMN_BPMN_EDGE)) {
                ctx->di[e->bpmn_element->order] = e;
            }
        }
    }
}

/* The elements rules look at: the BPMN model proper, not vendor data. */
static bool is_checked(const struct ordo_bpmn_node *n)
{
    return ordo_bpmn_is_element(n) && !n->in_extension && n->kind != ORDO_BPMN_EXTENSION &&
           n->kind != ORDO_BPMN_UNKNOWN;
}

static int finding_cmp(const void *a, const void *b)
{
    const struct ordo_lint_finding *x = a;
    const struct ordo_lint_finding *y = b;
    int c;

    if (x->line != y->line) {
        return x->line < y->line ? -1 : 1;
    }
    c = strcmp(x->rule, y->rule);
    if (c) {
        return c;
    }
    c = strcmp(x->element ? x->element : "", y->element ? y->element : "");
    return c ? c : strcmp(x->message, y->message);
}

void ordo_lint_run(const struct ordo_bpmn_model *model, const struct ordo_lint_config *cfg,
                   struct ordo_arena *arena, struct ordo_lint_report *out)
{
    const struct ordo_bpmn_node *root = ordo_bpmn_model_root(model);
    struct ordo_lint_ctx ctx = {.model = model, .arena = arena, .cfg = cfg};

    memset(out, 0, sizeof(*out));
    if (!root) {
        return;
    }
    map_diagrams(&ctx, root);
    for (const struct ordo_bpmn_node *n = root; n; n = ordo_bpmn_next(root, n)) {
        if (!is_checked(n)) {
            continue;
        }
        for (ctx.rule = 0; ctx.rule < ORDO_LINT_RULE__COUNT; ctx.rule++) {
            if (cfg->severity[ctx.rule] != ORDO_LINT_OFF) {
                rule_rows[ctx.rule].check(&ctx, n);
            }
        }
    }
    if (ctx.count) {
        qsort(ctx.findings, ctx.count, sizeof(*ctx.findings), finding_cmp);
    }
    out->findings = ctx.findings;
    out->count = ctx.count;
    for (size_t i = 0; i < ctx.count; i++) {
        out->errors += ctx.findings[i].severity == ORDO_LINT_ERROR;
        out->warnings += ctx.findings[i].severity == ORDO_LINT_WARN;
    }
}

/* ---- helpers shared by the rule files ---- */

bool ordo_lint_attr_true(const struct ordo_bpmn_node *n, const char *name)
{
    const char *v = ordo_bpmn_attr_get(n, NULL, name);

    return v && strcmp(v, "true") == 0;
}

/* White space as JavaScript's trim() (which bpmnlint uses) sees it. */
static bool is_js_space(uint32_t c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

bool ordo_lint_blank(const char *s)
{
    size_t len;

    if (!s) {
        return true;
    }
    for (; *s; s += len) {
        if (!is_js_space(ordo_utf8_decode(s, &len))) {
            return false;
        }
    }
    return true;
}

bool ordo_lint_has_condition(const struct ordo_bpmn_node *flow)
{
    return ordo_bpmn_child(flow, ORDO_BPMN_CONDITION_EXPRESSION) != NULL;
}

bool ordo_lint_triggered_by_event(const struct ordo_bpmn_node *n)
{
    return ordo_bpmn_is(n, ORDO_BPMN_C_SUB_PROCESS) && ordo_lint_attr_true(n, "triggeredByEvent");
}

bool ordo_lint_parent_is(const struct ordo_bpmn_node *n, enum ordo_bpmn_kind kind)
{
    return n->parent && n->parent->kind == kind;
}

bool ordo_lint_has_definition(const struct ordo_bpmn_node *event, enum ordo_bpmn_kind kind)
{
    return ordo_bpmn_child(event, kind) != NULL;
}

bool ordo_lint_only_definitions_of(const struct ordo_bpmn_node *event, enum ordo_bpmn_kind kind)
{
    if (event->nevent_definitions == 0) {
        return false;
    }
    for (const struct ordo_bpmn_node *c = event->first; c; c = c->next) {
        if (ordo_bpmn_is(c, ORDO_BPMN_C_EVENT_DEFINITION) && c->kind != kind) {
            return false;
        }
    }
    return true;
}

bool ordo_lint_is_flow_element_of(const struct ordo_bpmn_node *child)
{
    return ordo_bpmn_is(child, ORDO_BPMN_C_FLOW_ELEMENT) &&
           ordo_bpmn_is(child->parent, ORDO_BPMN_C_CONTAINER);
}
