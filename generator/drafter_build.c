/*
 * generator/drafter_build.c - the tree of steps to IR nodes, flows and
 * lanes (docs/ir.md).
 *
 * Building walks the tree in order with a set of open ends (node, and the
 * name, condition and default mark of the flow that will leave it). A node
 * joins the open ends; several are merged first by an exclusive join
 * gateway, so that no task has two incoming flows. In detail:
 *   - an APPROVAL is a user task with a boolean form field (the decision
 *     variable); unless an "if" about it follows, an exclusive split
 *     continues on "yes" and ends on "no" ("Declined");
 *   - an IF is an exclusive split: the condition on one branch, the other
 *     branch (or the way on) as the default flow; a condition on a
 *     variable nobody set becomes a form field of the user task just before
 *     it, if there is one;
 *   - a PARALLEL is a parallel split and join; an end inside a parallel
 *     branch is a terminate end, so the join never waits for ever;
 *   - an ESCALATE is a boundary timer on the last user task: a reminder
 *     (non-interrupting) ends after its steps; a takeover (interrupting)
 *     with a person's task joins the path again after the task it replaced;
 *   - a LOOP goes back, through an exclusive join placed before the target,
 *     to the step it names (by step number or by words of its name); only
 *     inside a condition, so that the process can end;
 *   - whatever is left open at the end gets an end event.
 * Lanes: one per role when the process has user tasks for two or more
 * roles, or for one role besides system steps; system steps (service
 * tasks, waits, the trigger) go to a lane "System". With a single actor
 * there are no lanes.
 */
#include <string.h>
#include <strings.h>

#include "base/text.h"
#include "generator/drafter_internal.h"
#include "generator/ir.h"

#define LOW(s, i) ((s)->c->w[(i)].low)

struct open_end {
    const char *node;
    const char *name;
    const char *cond;
    bool is_default;
};

struct ends {
    struct open_end *v;
    size_t n, cap;
};

struct bnode {
    const char *id;
    json_t *json;     /* borrowed from 'nodes' */
    const char *role; /* the lane of a user task, or NULL */
    bool system;      /* a service task, wait or trigger */
    int step_no;
    const struct dr_clause *cl;
    int scope;
    const char *loop_join; /* the join placed before it for a loop */
    const char *var;       /* an approval's decision variable */
    bool dead;             /* taken out of the process again */
};

struct builder {
    struct dr_ctx *ctx;
    json_t *nodes, *flows, *ids, *vars;
    struct bnode *bn;
    size_t nbn, cap;
    int nflow;
    int *scope_parent;
    size_t nscopes, scope_cap;
    int scope;
    int cond_depth, par_depth;
    const char *loop_home; /* the node before the innermost split, for "check again" */
    size_t loop_limit;     /* loops go back to nodes made before this index */
    size_t last_user;      /* index in 'bn' + 1 of the last user task, or 0 */
    const char *override_var;
    bool in_takeover;
    int users_made;
    int tasks;
};

static void build_block(struct builder *b, const struct dr_block *blk, struct ends *ends);

/* ---- nodes and flows ------------------------------------------------------------------ */

static void push_end(struct builder *b, struct ends *e, const char *node, const char *name,
                     const char *cond, bool is_default)
{
    e->v = ordo_arena_grow(b->ctx->arena, e->v, e->n, &e->cap, sizeof *e->v);
    e->v[e->n++] = (struct open_end){node, name, cond, is_default};
}

static const char *unique_id(struct builder *b, const char *prefix, const char *name)
{
    const char *slug = ordo_drafter_slug(b->ctx->arena, name ? name : "", '_', 40);
    const char *id = slug[0] ? ordo_arena_printf(b->ctx->arena, "%s_%s", prefix, slug)
                             : ordo_arena_printf(b->ctx->arena, "%s_1", prefix);

    for (int k = 2; json_object_get(b->ids, id); k++) {
        id = ordo_arena_printf(b->ctx->arena, "%s_%s_%d", prefix, slug[0] ? slug : "n", k);
    }
    json_object_set_new(b->ids, id, json_true());
    return id;
}

static struct bnode *new_node(struct builder *b, const char *kind, const char *prefix,
                              const char *name, const struct dr_clause *cl)
{
    json_t *n = json_object();
    const char *label = ordo_drafter_plain(b->ctx->arena, name ? name : "", DR_NAME_MAX);
    struct bnode *bn;

    json_object_set_new(n, "id", json_string(unique_id(b, prefix, label)));
    json_object_set_new(n, "kind", json_string(kind));
    json_object_set_new(n, "name", json_string(label));
    ordo_ir_node_complete(n);
    json_object_set_new(n, "documentation",
                        cl ? json_string(ordo_drafter_plain(
                                 b->ctx->arena, b->ctx->doc.sent[cl->sent].text, DR_DOC_MAX))
                           : json_null());
    json_array_append_new(b->nodes, n);
    b->bn = ordo_arena_grow(b->ctx->arena, b->bn, b->nbn, &b->cap, sizeof *b->bn);
    bn = &b->bn[b->nbn++];
    *bn = (struct bnode){.id = json_string_value(json_object_get(n, "id")),
                         .json = n,
                         .cl = cl,
                         .scope = b->scope,
                         .step_no = cl ? b->ctx->doc.sent[cl->sent].step_no : 0};
    return bn;
}

static json_t *add_flow(struct builder *b, const char *from, const char *to, const char *name,
                        const char *cond, bool is_default)
{
    json_t *f = json_object();

    json_object_set_new(f, "id",
                        json_string(ordo_arena_printf(b->ctx->arena, "Flow_%d", ++b->nflow)));
    json_object_set_new(f, "from", json_string(from));
    json_object_set_new(f, "to", json_string(to));
    json_object_set_new(f, "name", name ? json_string(name) : json_null());
    json_object_set_new(f, "condition", cond ? json_string(cond) : json_null());
    json_object_set_new(f, "is_default", json_boolean(is_default));
    json_array_append_new(b->flows, f);
    return f;
}

static struct bnode *find_node(struct builder *b, const char *id)
{
    for (size_t i = 0; i < b->nbn; i++) {
        if (!b->bn[i].dead && strcmp(b->bn[i].id, id) == 0) {
            return &b->bn[i];
        }
    }
    return NULL;
}

static const char *gateway(struct builder *b, const char *kind, const char *name)
{
    return new_node(b, kind, "Gateway", name, NULL)->id;
}

/* Flows from every open end to 'to' (through an exclusive join when there
 * are several); the ends are then empty. */
static void connect(struct builder *b, struct ends *e, const char *to)
{
    const char *target = to;

    if (e->n > 1) {
        target = gateway(b, "exclusive_gateway", "");
        add_flow(b, target, to, NULL, NULL, false);
    }
    for (size_t i = 0; i < e->n; i++) {
        add_flow(b, e->v[i].node, target, e->v[i].name, e->v[i].cond, e->v[i].is_default);
    }
    e->n = 0;
}

/* One open end from several alternatives (exclusive join), in place. */
static void merge_ends(struct builder *b, struct ends *e)
{
    const char *j;

    if (e->n < 2) {
        return;
    }
    j = gateway(b, "exclusive_gateway", "");
    for (size_t i = 0; i < e->n; i++) {
        add_flow(b, e->v[i].node, j, e->v[i].name, e->v[i].cond, e->v[i].is_default);
    }
    e->n = 0;
    push_end(b, e, j, NULL, NULL, false);
}

/* Is there anything to continue from? Otherwise the step is unplaced. */
static bool reachable(const struct ends *e, const struct dr_item *it)
{
    if (e->n == 0) {
        ordo_drafter_unplace(it->cl, "it comes after every path of the process has ended");
        return false;
    }
    return true;
}

static void set_str(json_t *node, const char *field, const char *value)
{
    json_object_set_new(node, field, value ? json_string(value) : json_null());
}

/* ---- steps ------------------------------------------------------------------------------------
 */

static void build_action(struct builder *b, const struct dr_item *it, struct ends *e)
{
    struct bnode *n;
    const char *id;
    json_t *in, *out;
    size_t i;
    const json_t *m;

    if (!reachable(e, it)) {
        return;
    }
    n = new_node(b, "service_task", "Task", it->name, it->cl);
    n->system = true;
    id = n->id;
    set_str(n->json, "action", json_string_value(json_object_get(it->action, "id")));
    ordo_drafter_inputs(b->ctx, it, b->vars, &in, &out);
    json_object_set_new(n->json, "inputs", in);
    json_object_set_new(n->json, "outputs", out);
    json_array_foreach(out, i, m)
    {
        json_object_set_new(b->vars, json_string_value(json_object_get(m, "target")), json_true());
    }
    connect(b, e, id);
    push_end(b, e, id, NULL, NULL, false);
    b->tasks++;
}

static void set_performer(struct builder *b, json_t *node, const struct dr_role *role)
{
    set_str(node, "assignee", role->assignee);
    set_str(node, "candidate_group", role->assignee ? NULL : (role->group ? role->group : "users"));
    if (role->assignee) {
        const char *var = role->assignee + 1;

        if (!json_object_get(b->vars, var)) {
            ordo_drafter_assume(b->ctx,
                                "The variable %s holds the e-mail of the %s; it is set "
                                "when the process starts.",
                                var, role->name ? role->name : "person");
        }
    }
}

static struct bnode *user_node(struct builder *b, const struct dr_item *it, const char *name)
{
    struct bnode *n = new_node(b, "user_task", "Task", name, it->cl);

    n->role = it->role.name ? it->role.name : "Approver";
    set_performer(b, n->json, &it->role);
    b->last_user = b->nbn;
    b->users_made++;
    b->tasks++;
    return n;
}

static json_t *bool_field(const char *var, const char *title)
{
    json_t *f = json_object();

    json_object_set_new(f, "name", json_string(var));
    json_object_set_new(f, "type", json_string("boolean"));
    json_object_set_new(f, "title", json_string(title));
    json_object_set_new(f, "required", json_true());
    json_object_set_new(f, "options", json_null());
    return f;
}

static void build_user(struct builder *b, const struct dr_item *it, struct ends *e)
{
    struct bnode *n;
    const char *id;
    const struct bnode *host = b->last_user ? &b->bn[b->last_user - 1] : NULL;

    if (!reachable(e, it)) {
        return;
    }
    if (it->takeover && host) {
        /* The role takes over the task the timer interrupted: same form. */
        const char *name = ordo_arena_printf(b->ctx->arena, "%s (%s)",
                                             json_string_value(json_object_get(host->json, "name")),
                                             it->role.name ? it->role.name : "escalated");
        json_t *form = json_deep_copy(json_object_get(host->json, "form"));

        const char *var = host->var;

        n = user_node(b, it, name);
        json_object_set_new(n->json, "form", form);
        n->var = var;
    } else {
        n = user_node(b, it, it->name);
    }
    id = n->id;
    connect(b, e, id);
    push_end(b, e, id, NULL, NULL, false);
}

/* A name made of words of the text: plain, first letter upper case. */
static const char *end_name(struct builder *b, const char *what)
{
    char *n = (char *)ordo_drafter_plain(b->ctx->arena, what, DR_NAME_MAX);

    if (n[0] >= 'a' && n[0] <= 'z') {
        n[0] = (char)(n[0] - 'a' + 'A');
    }
    return n;
}

static void build_approval(struct builder *b, const struct dr_item *it, struct ends *e)
{
    const char *var = b->override_var ? b->override_var : it->var;
    struct bnode *n;
    json_t *form;
    const char *g, *end, *id, *what;
    struct bnode *en;

    if (!reachable(e, it)) {
        return;
    }
    form = json_array();
    n = user_node(b, it, it->name);
    n->var = var;
    id = n->id;
    json_array_append_new(form, bool_field(var, ordo_arena_printf(b->ctx->arena, "%s?", it->name)));
    json_object_set_new(n->json, "form", form);
    json_object_set_new(b->vars, var, json_true());
    if (b->ctx->channel && ordo_drafter_action(b->ctx, "slack.post_approval")) {
        set_str(n->json, "notify", ordo_arena_printf(b->ctx->arena, "slack:%s", b->ctx->channel));
    }
    connect(b, e, id);
    if (!it->implicit_split || b->in_takeover) {
        push_end(b, e, id, NULL, NULL, false);
        return;
    }
    what = strncmp(it->name, "Approve ", 8) == 0 ? it->name + 8 : it->name;
    g = gateway(b, "exclusive_gateway",
                end_name(b, ordo_arena_printf(b->ctx->arena, "%s approved?", what)));
    add_flow(b, id, g, NULL, NULL, false);
    en = new_node(b, "end", "End",
                  end_name(b, ordo_arena_printf(b->ctx->arena, "%s declined", what)), NULL);
    end = en->id;
    set_str(en->json, "event", b->par_depth > 0 ? "terminate" : "none");
    add_flow(b, g, end, "no", NULL, true);
    push_end(b, e, g, "yes", ordo_arena_printf(b->ctx->arena, "=%s", var), false);
    ordo_drafter_ask(b->ctx, "What should happen when \"%s\" is declined (the process ends)?",
                     it->name);
}

static void build_wait(struct builder *b, const struct dr_item *it, struct ends *e)
{
    struct bnode *n;
    const char *id;

    if (!reachable(e, it)) {
        return;
    }
    if (it->kind == DR_TIMER) {
        n = new_node(b, "timer_catch", "Timer", it->name, it->cl);
        set_str(n->json, "timer", it->timer);
    } else {
        n = new_node(b, "message_catch", "Wait", it->name, it->cl);
        set_str(n->json, "message", it->message);
    }
    n->system = true;
    id = n->id;
    connect(b, e, id);
    push_end(b, e, id, NULL, NULL, false);
}

static void build_end(struct builder *b, const struct dr_item *it, struct ends *e)
{
    struct bnode *n;
    const char *id;

    if (!reachable(e, it)) {
        return;
    }
    n = new_node(b, "end", "End", it->name, it->cl);
    if (it->error) {
        set_str(n->json, "event", "error");
        set_str(n->json, "error_code", "process_failed");
    } else {
        set_str(n->json, "event", b->par_depth > 0 ? "terminate" : "none");
    }
    id = n->id;
    connect(b, e, id);
}

/* ---- conditions -------------------------------------------------------------------------- */

static json_t *field_for(const struct dr_cond *c)
{
    json_t *f = bool_field(c->var, c->title);

    if (c->type == DR_COND_NUMBER) {
        json_object_set_new(f, "type", json_string("number"));
    } else if (c->type == DR_COND_STRING) {
        json_object_set_new(f, "type", json_string("string"));
    }
    return f;
}

/* A condition on a variable nobody set: asked in the user task just
 * before, or assumed to be a start variable. */
/* A variable set before whose name ends in "_<var>": "status" is what a
 * step before kept as "issue_status". */
static const char *known_suffix(struct builder *b, const char *var)
{
    const char *key;
    json_t *v;
    size_t n = strlen(var);

    json_object_foreach(b->vars, key, v)
    {
        size_t k = strlen(key);

        (void)v;
        if (k > n + 1 && key[k - n - 1] == '_' && strcmp(key + k - n, var) == 0) {
            return key;
        }
    }
    return NULL;
}

static void provide_var(struct builder *b, const struct dr_item *it, const struct ends *e)
{
    struct dr_cond *c = (struct dr_cond *)&it->cond; /* the tree is the builder's to finish */
    struct bnode *prev = e->n == 1 ? find_node(b, e->v[0].node) : NULL;
    const char *known = known_suffix(b, c->var);

    if (json_object_get(b->vars, c->var)) {
        return;
    }
    if (known) {
        ordo_drafter_cond_rename(b->ctx, c, known);
        return;
    }
    json_object_set_new(b->vars, c->var, json_true());
    if (prev && strcmp(json_string_value(json_object_get(prev->json, "kind")), "user_task") == 0) {
        json_t *form = json_object_get(prev->json, "form");

        if (!json_is_array(form)) {
            form = json_array();
            json_object_set_new(prev->json, "form", form);
        }
        json_array_append_new(form, field_for(c));
        return;
    }
    ordo_drafter_assume(b->ctx,
                        "The condition \"%s\" reads the variable %s, which must be set "
                        "before it (for example when the process starts).",
                        c->question, c->var);
}

static void build_if(struct builder *b, const struct dr_item *it, struct ends *e)
{
    struct dr_block then = it->then, other = it->otherwise;
    const char *cond, *g, *home = b->loop_home;
    struct ends te = {0}, oe = {0};
    size_t limit;

    if (then.n == 0 && other.n == 0) {
        ordo_drafter_unplace(it->cl, "no step depends on this condition");
        return;
    }
    if (!reachable(e, it)) {
        return;
    }
    provide_var(b, it, e);
    limit = b->loop_limit;
    b->loop_limit = b->nbn; /* a loop in a branch goes back to a step before the split */
    cond = it->cond.feel;
    if (then.n == 0) {
        then = other;
        other = (struct dr_block){0};
        cond = it->cond.neg;
    }

    b->loop_home = e->n == 1 ? e->v[0].node : NULL;
    g = gateway(b, "exclusive_gateway", it->name);
    connect(b, e, g);
    b->cond_depth++;
    push_end(b, &te, g, "yes", cond, false);
    build_block(b, &then, &te);
    push_end(b, &oe, g, "no", NULL, true);
    build_block(b, &other, &oe);
    b->cond_depth--;
    b->loop_home = home;
    b->loop_limit = limit;
    for (size_t i = 0; i < te.n; i++) {
        push_end(b, e, te.v[i].node, te.v[i].name, te.v[i].cond, te.v[i].is_default);
    }
    for (size_t i = 0; i < oe.n; i++) {
        push_end(b, e, oe.v[i].node, oe.v[i].name, oe.v[i].cond, oe.v[i].is_default);
    }
}

/* ---- parallel ---------------------------------------------------------------------------- */

static int new_scope(struct builder *b)
{
    b->scope_parent = ordo_arena_grow(b->ctx->arena, b->scope_parent, b->nscopes, &b->scope_cap,
                                      sizeof *b->scope_parent);
    b->scope_parent[b->nscopes] = b->scope;
    return (int)b->nscopes++;
}

static bool scope_visible(const struct builder *b, int target)
{
    for (int s = b->scope; s >= 0; s = b->scope_parent[s]) {
        if (s == target) {
            return true;
        }
        if (s == 0) {
            break;
        }
    }
    return false;
}

/* The flow leaving node 'id', or NULL. */
static json_t *flow_from(struct builder *b, const char *id)
{
    size_t i;
    json_t *f;

    json_array_foreach(b->flows, i, f)
    {
        if (strcmp(json_string_value(json_object_get(f, "from")), id) == 0) {
            return f;
        }
    }
    return NULL;
}

static size_t count_from(struct builder *b, const char *id)
{
    size_t i, n = 0;
    json_t *f;

    json_array_foreach(b->flows, i, f)
    {
        n += strcmp(json_string_value(json_object_get(f, "from")), id) == 0;
    }
    return n;
}

static json_t *flow_to(struct builder *b, const char *id)
{
    size_t i;
    json_t *f;

    json_array_foreach(b->flows, i, f)
    {
        if (strcmp(json_string_value(json_object_get(f, "to")), id) == 0) {
            return f;
        }
    }
    return NULL;
}

static void remove_from(json_t *array, const json_t *item)
{
    size_t i;
    json_t *v;

    json_array_foreach(array, i, v)
    {
        if (v == item) {
            json_array_remove(array, i);
            return;
        }
    }
}

static const char *copy_of(struct builder *b, const json_t *f, const char *key)
{
    return ordo_arena_strdup(b->ctx->arena, json_string_value(json_object_get(f, key)));
}

/* A parallel split whose branches built fewer than two paths (their steps
 * were unplaced) is taken out again: its one way in goes to its one way
 * out, or, with none, back to the open ends. */
static void dissolve(struct builder *b, const char *p, struct ends *e)
{
    json_t *in = flow_to(b, p), *out = flow_from(b, p);
    struct bnode *n = find_node(b, p);

    if (in && out) {
        json_object_set_new(in, "to", json_string(copy_of(b, out, "to")));
        remove_from(b->flows, out);
    } else if (in) {
        push_end(b, e, copy_of(b, in, "from"), copy_of(b, in, "name"), copy_of(b, in, "condition"),
                 json_is_true(json_object_get(in, "is_default")));
        remove_from(b->flows, in);
    }
    remove_from(b->nodes, n->json);
    n->dead = true;
}

static void build_parallel(struct builder *b, const struct dr_item *it, struct ends *e)
{
    struct ends all = {0};
    const char *p, *j;
    int scope = b->scope;
    size_t nonempty = 0;

    for (size_t k = 0; k < it->nbranches; k++) {
        nonempty += it->branches[k].n > 0;
    }
    if (nonempty < 2) {
        for (size_t k = 0; k < it->nbranches; k++) {
            build_block(b, &it->branches[k], e);
        }
        return;
    }
    if (!reachable(e, it)) {
        return;
    }
    p = gateway(b, "parallel_gateway", "");
    connect(b, e, p);
    b->par_depth++;
    for (size_t k = 0; k < it->nbranches; k++) {
        struct ends be = {0};

        b->scope = new_scope(b);
        push_end(b, &be, p, NULL, NULL, false);
        build_block(b, &it->branches[k], &be);
        merge_ends(b, &be);
        if (be.n == 1 && strcmp(be.v[0].node, p) != 0) { /* not a branch that built nothing */
            push_end(b, &all, be.v[0].node, be.v[0].name, be.v[0].cond, be.v[0].is_default);
        }
        b->scope = scope;
    }
    b->par_depth--;
    if (count_from(b, p) < 2) {
        dissolve(b, p, e);
    }
    if (all.n < 2) {
        for (size_t i = 0; i < all.n; i++) {
            push_end(b, e, all.v[i].node, all.v[i].name, all.v[i].cond, all.v[i].is_default);
        }
        return;
    }
    j = gateway(b, "parallel_gateway", "");
    for (size_t i = 0; i < all.n; i++) {
        add_flow(b, all.v[i].node, j, all.v[i].name, all.v[i].cond, all.v[i].is_default);
    }

    push_end(b, e, j, NULL, NULL, false);
}

/* ---- escalation ------------------------------------------------------------------------ */

/* The takeover branch joins the path again right after 'host'. */
static void merge_back(struct builder *b, const char *host, struct ends *body, struct ends *e)
{
    json_t *f = flow_from(b, host);
    const char *j, *to;

    for (size_t i = 0; !f && i < e->n; i++) {
        if (strcmp(e->v[i].node, host) == 0) {
            for (size_t k = 0; k < body->n; k++) {
                push_end(b, e, body->v[k].node, NULL, NULL, false);
            }
            return;
        }
    }
    if (!f) {
        return;
    }
    to = ordo_arena_strdup(b->ctx->arena, json_string_value(json_object_get(f, "to")));

    j = gateway(b, "exclusive_gateway", "");
    json_object_set_new(f, "to", json_string(j));
    add_flow(b, j, to, NULL, NULL, false);
    connect(b, body, j);
}

static void build_escalate(struct builder *b, const struct dr_item *it, struct ends *e)
{
    struct bnode *host = b->last_user ? &b->bn[b->last_user - 1] : NULL, *t;
    struct ends body = {0};
    const char *host_id, *save_var = b->override_var;
    bool save_take = b->in_takeover;
    int users = b->users_made;
    size_t limit;

    if (!host) {
        ordo_drafter_unplace(it->cl, "there is no task before it for a person to answer");
        return;
    }
    host_id = host->id;
    t = new_node(b, "boundary_timer", "Timer", it->name, it->cl);
    set_str(t->json, "attached_to", host_id);
    set_str(t->json, "timer", it->timer);
    json_object_set_new(t->json, "interrupting", json_boolean(it->interrupting));
    push_end(b, &body, t->id, NULL, NULL, false);
    if (it->interrupting) {
        b->override_var = find_node(b, host_id)->var;
        b->in_takeover = true;
    }
    b->cond_depth++;
    limit = b->loop_limit;
    b->loop_limit = b->nbn;
    build_block(b, &it->then, &body);
    b->loop_limit = limit;
    b->cond_depth--;
    b->override_var = save_var;
    b->in_takeover = save_take;
    if (it->interrupting && b->users_made > users) {
        merge_back(b, host_id, &body, e);
        return;
    }
    if (body.n > 0) {
        struct bnode *end =
            new_node(b, "end", "End", it->interrupting ? "Escalated" : "Reminder sent", NULL);
        const char *id = end->id;

        set_str(end->json, "event", "none");
        connect(b, &body, id);
    }
}

/* ---- loops ------------------------------------------------------------------------------ */

static int overlap(struct dr_ctx *ctx, const struct dr_span *ref, const struct bnode *n)
{
    const char *name = json_string_value(json_object_get(n->json, "name"));
    const char *doc = n->cl ? n->cl->text : "";
    int score = 0;

    (void)ctx;
    for (size_t i = ref->from; i < ref->to; i++) {
        const char *w = LOW(ref, i);
        size_t len = strlen(w);

        if (ordo_drafter_is_stopword(w) || len < 3 || strcmp(w, "again") == 0 ||
            strcmp(w, "step") == 0) {
            continue;
        }
        /* compare on a stem: "checking" finds "Check" */
        len = len > 5 ? len - 2 : len;
        for (const char *p = name; *p; p++) {
            if (strncasecmp(p, w, len) == 0) {
                score += 2;
                break;
            }
        }
        for (const char *p = doc; *p; p++) {
            if (strncasecmp(p, w, len) == 0) {
                score++;
                break;
            }
        }
        if (n->role && strncasecmp(n->role, w, len) == 0) {
            score += 2;
        }
    }
    return score;
}

static bool loop_target_kind(const struct bnode *n)
{
    const char *k = json_string_value(json_object_get(n->json, "kind"));

    return strcmp(k, "service_task") == 0 || strcmp(k, "user_task") == 0 ||
           strcmp(k, "timer_catch") == 0 || strcmp(k, "message_catch") == 0;
}

static struct bnode *loop_target(struct builder *b, const struct dr_item *it)
{
    struct bnode *best = NULL;
    int best_score = 0;

    for (size_t i = 0; i < b->nbn && i < b->loop_limit; i++) {
        struct bnode *n = &b->bn[i];
        int sc;

        if (n->dead) {
            continue;
        }

        if (!loop_target_kind(n) || !scope_visible(b, n->scope)) {
            continue;
        }
        if (it->loop_step > 0) {
            if (n->step_no == it->loop_step) {
                return n;
            }
            continue;
        }
        sc = overlap(b->ctx, &it->loop_ref, n);
        if (sc > best_score) {
            best = n;
            best_score = sc;
        }
    }
    if (!best && b->loop_home && it->loop_step == 0) {
        best = find_node(b, b->loop_home);
        best = best && loop_target_kind(best) && scope_visible(b, best->scope) ? best : NULL;
    }
    return best;
}

static void build_loop(struct builder *b, const struct dr_item *it, struct ends *e)
{
    struct bnode *t;
    size_t i;
    json_t *f;

    if (!reachable(e, it)) {
        return;
    }
    if (b->cond_depth == 0) {
        ordo_drafter_unplace(it->cl, "it goes back without a condition, so the process would "
                                     "never end");
        return;
    }
    t = loop_target(b, it);
    if (!t) {
        ordo_drafter_unplace(it->cl, "the step to go back to was not found");
        return;
    }
    if (!t->loop_join) {
        const char *tid = t->id; /* 't' moves when the node list grows */
        const char *j = gateway(b, "exclusive_gateway", "");

        t = find_node(b, tid);
        json_array_foreach(b->flows, i, f)
        {
            if (strcmp(json_string_value(json_object_get(f, "to")), tid) == 0) {
                json_object_set_new(f, "to", json_string(j));
            }
        }
        add_flow(b, j, tid, NULL, NULL, false);
        t->loop_join = j;
    }
    for (size_t k = 0; k < e->n; k++) {
        add_flow(b, e->v[k].node, t->loop_join, e->v[k].name, e->v[k].cond, e->v[k].is_default);
    }
    e->n = 0;
}

static void build_item(struct builder *b, const struct dr_item *it, struct ends *e)
{
    switch (it->kind) {
    case DR_ACTION:
        build_action(b, it, e);
        break;
    case DR_USER:
        build_user(b, it, e);
        break;
    case DR_APPROVAL:
        build_approval(b, it, e);
        break;
    case DR_TIMER:
    case DR_MESSAGE:
        build_wait(b, it, e);
        break;
    case DR_IF:
        build_if(b, it, e);
        break;
    case DR_PARALLEL:
        build_parallel(b, it, e);
        break;
    case DR_ESCALATE:
        build_escalate(b, it, e);
        break;
    case DR_LOOP:
        build_loop(b, it, e);
        break;
    case DR_END:
        build_end(b, it, e);
        break;
    }
}

static void build_block(struct builder *b, const struct dr_block *blk, struct ends *e)
{
    for (size_t k = 0; k < blk->n; k++) {
        build_item(b, blk->v[k], e);
    }
}

/* ---- start, end, lanes ------------------------------------------------------------------ */

static void build_start(struct builder *b, struct ends *e)
{
    const struct dr_trigger *t = &b->ctx->trigger;
    static const char *const events[] = {"none", "timer", "message", "webhook"};
    struct bnode *n = new_node(b, "start", "Start", t->name ? t->name : "Start", t->cl);

    n->system = t->kind != DR_TRIG_NONE;
    set_str(n->json, "event", events[t->kind]);
    if (t->kind == DR_TRIG_TIMER) {
        set_str(n->json, "timer", t->timer);
    } else if (t->kind == DR_TRIG_MESSAGE) {
        set_str(n->json, "message", t->message);
    } else if (t->kind == DR_TRIG_WEBHOOK) {
        json_t *w = json_object();

        json_object_set_new(w, "name", json_string(t->hook));
        json_object_set_new(w, "scheme", json_string(t->scheme));
        json_object_set_new(w, "variables", t->variables ? json_string(t->variables) : json_null());
        json_object_set_new(n->json, "webhook", w);
    }
    for (size_t i = 0; t->vars && t->vars[i]; i++) {
        json_object_set_new(b->vars, t->vars[i], json_true());
    }
    json_object_update(b->vars, b->ctx->start_vars);

    push_end(b, e, n->id, NULL, NULL, false);
}

/* After a BambooHR trigger, read the employee first: later steps need the
 * name, e-mail and manager. */
static void read_employee(struct builder *b, struct ends *e)
{
    const json_t *a = ordo_drafter_action(b->ctx, "bamboohr.get_employee");
    const struct dr_block *m = &b->ctx->main;
    struct dr_item it = {.kind = DR_ACTION, .action = a, .name = "Read the employee from BambooHR"};

    if (!a || !b->ctx->trigger.system || strcmp(b->ctx->trigger.system, "bamboohr") != 0 ||
        (m->n > 0 && m->v[0]->action == a)) {
        return;
    }
    it.span = (struct dr_span){b->ctx->trigger.cl, 0, 0};
    build_action(b, &it, e);
    b->tasks--;
    ordo_drafter_assume(b->ctx, "The employee is read from BambooHR first, for the name, "
                                "e-mail and manager later steps use.");
}

static void finish(struct builder *b, struct ends *e)
{
    for (size_t i = 0; i < e->n; i++) {
        struct bnode *n = new_node(b, "end", "End", "Done", NULL);

        set_str(n->json, "event", "none");
        add_flow(b, e->v[i].node, n->id, e->v[i].name, e->v[i].cond, e->v[i].is_default);
    }
    e->n = 0;
}

static const char *lane_of_flow_end(struct builder *b, const char *id, const char *from_key,
                                    const char *to_key)
{
    size_t i;
    json_t *f;

    json_array_foreach(b->flows, i, f)
    {
        if (strcmp(json_string_value(json_object_get(f, to_key)), id) == 0) {
            struct bnode *o = find_node(b, json_string_value(json_object_get(f, from_key)));
            const char *lane = o ? json_string_value(json_object_get(o->json, "lane")) : NULL;

            if (lane) {
                return lane;
            }
        }
    }
    return NULL;
}

static void add_lane(struct builder *b, json_t *lanes, const char *name)
{
    size_t i;
    json_t *l;
    const char *id;

    json_array_foreach(lanes, i, l)
    {
        if (strcmp(json_string_value(json_object_get(l, "name")), name) == 0) {
            return;
        }
    }
    id = unique_id(b, "Lane", name);
    l = json_object();
    json_object_set_new(l, "id", json_string(id));
    json_object_set_new(l, "name", json_string(name));
    json_array_append_new(lanes, l);
}

static const char *lane_id(json_t *lanes, const char *name)
{
    size_t i;
    json_t *l;

    json_array_foreach(lanes, i, l)
    {
        if (strcmp(json_string_value(json_object_get(l, "name")), name) == 0) {
            return json_string_value(json_object_get(l, "id"));
        }
    }
    return NULL;
}

/* Gateways, ends and boundary timers: the lane of a neighbour. */
static void place_neutral(struct builder *b, json_t *lanes)
{
    for (int pass = 0; pass < 3; pass++) {
        for (size_t i = 0; i < b->nbn; i++) {
            json_t *n = b->bn[i].dead ? NULL : b->bn[i].json;
            const char *att = json_string_value(json_object_get(n, "attached_to"));
            const char *lane;

            if (!n || json_string_value(json_object_get(n, "lane"))) {
                continue;
            }

            lane = att ? json_string_value(json_object_get(find_node(b, att)->json, "lane"))
                       : lane_of_flow_end(b, b->bn[i].id, "from", "to");
            if (!lane) {
                lane = lane_of_flow_end(b, b->bn[i].id, "to", "from");
            }
            if (!lane && pass == 2) {
                lane = json_string_value(json_object_get(json_array_get(lanes, 0), "id"));
            }
            set_str(n, "lane", lane);
        }
    }
}

static json_t *build_lanes(struct builder *b)
{
    json_t *lanes = json_array();
    size_t roles = 0, system = 0;

    for (size_t i = 0; i < b->nbn; i++) {
        if (b->bn[i].dead) {
            continue;
        }
        if (b->bn[i].role && !lane_id(lanes, b->bn[i].role)) {
            add_lane(b, lanes, b->bn[i].role);
            roles++;
        }
        system += b->bn[i].system;
    }
    if (roles == 0 || roles + (system > 0) < 2) {
        json_array_clear(lanes);
        return lanes;
    }
    if (system) {
        add_lane(b, lanes, "System");
    }
    for (size_t i = 0; i < b->nbn; i++) {
        const char *name = b->bn[i].role ? b->bn[i].role : (b->bn[i].system ? "System" : NULL);

        if (b->bn[i].dead) {
            continue;
        }
        if (name) {
            set_str(b->bn[i].json, "lane", lane_id(lanes, name));
        }
    }
    place_neutral(b, lanes);
    return lanes;
}

static json_t *process_of(struct builder *b, const char *text)
{
    struct dr_ctx *ctx = b->ctx;
    json_t *p = json_object();
    const char *name = ctx->doc.title;
    const char *id;

    if (!name || !name[0]) {
        name = ctx->doc.nsent > 0 ? ctx->doc.sent[0].text : "Drafted process";
        name = ordo_drafter_plain(ctx->arena, name, 48);
    }
    id = ordo_drafter_slug(ctx->arena, name, '_', 48);
    if (!id[0] || ordo_is_digit((unsigned char)id[0])) {
        id = ordo_arena_printf(ctx->arena, "process_%s", id);
    }
    json_object_set_new(b->ids, id, json_true());
    json_object_set_new(p, "id", json_string(id));
    json_object_set_new(p, "name", json_string(name));
    json_object_set_new(p, "documentation",
                        json_string(ordo_drafter_plain(
                            ctx->arena, ordo_utf8_repair(ctx->arena, text), DR_PROC_DOC_MAX)));

    return p;
}

static void release_cb(void *p)
{
    json_decref(p);
}

/* The IR of the tree in ctx->main, or NULL when it has no task. */
json_t *ordo_drafter_build(struct dr_ctx *ctx, const char *text)
{
    struct builder b = {.ctx = ctx,
                        .nodes = json_array(),
                        .flows = json_array(),
                        .ids = json_object(),
                        .vars = json_object()};
    struct ends e = {0};
    json_t *ir, *process;

    ordo_arena_defer(ctx->arena, release_cb, b.ids);
    ordo_arena_defer(ctx->arena, release_cb, b.vars);
    b.scope = new_scope(&b);
    process = process_of(&b, text);
    build_start(&b, &e);
    read_employee(&b, &e);
    build_block(&b, &ctx->main, &e);
    finish(&b, &e);
    ir = json_object();
    json_object_set_new(ir, "ir_version", json_integer(1));
    json_object_set_new(ir, "process", process);
    json_object_set_new(ir, "lanes", build_lanes(&b));
    json_object_set_new(ir, "nodes", b.nodes);
    json_object_set_new(ir, "flows", b.flows);
    json_object_set_new(ir, "assumptions", json_incref(ctx->assumptions));
    json_object_set_new(ir, "questions", json_incref(ctx->questions));
    if (b.tasks == 0) {
        json_decref(ir);
        return NULL;
    }
    return ir;
}
