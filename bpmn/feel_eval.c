/*
 * bpmn/feel_eval.c - evaluate a compiled tree: ordo_feel_eval() and
 * ordo_feel_eval_bool().
 *
 * The tree is never written to, so one compiled expression serves any number
 * of threads at once; everything an evaluation changes lives in its struct
 * ordo_feel_ev on the caller's stack and in an arena made on first need
 * (conditions such as `approved` or `amount > 1000` never make one).
 *
 * Names resolve innermost first: variables of for/some/every, then `item`
 * and the item's members inside a filter, then the entries before them in a
 * context literal, and last env->lookup. Recursion follows the tree, whose
 * depth the compiler bounded by max_depth; each node costs one step.
 */
#include <string.h>

#include "bpmn/feel_internal.h"

static const struct ordo_feel_env default_env;

/* Evaluate 'n' with the extra scope 's' (its 'up' already set). */
static struct ordo_feel_value eval_in_scope(struct ordo_feel_ev *ev, const struct ordo_feel_node *n,
                                            const struct ordo_feel_scope *s)
{
    const struct ordo_feel_scope *saved = ev->scope;
    struct ordo_feel_value v;

    ev->scope = s;
    v = ordo_feel_eval_node(ev, n);
    ev->scope = saved;
    return v;
}

/* ---- names and paths ---- */

static struct ordo_feel_value lookup(const struct ordo_feel_ev *ev, const char *name, size_t len,
                                     bool *found)
{
    const json_t *j;

    for (const struct ordo_feel_scope *s = ev->scope; s; s = s->up) {
        if (s->members) {
            struct ordo_feel_value v = ordo_feel_ctx_get(&s->value, name, len, found);

            if (*found) {
                return v;
            }
        } else if (s->len == len && memcmp(s->name, name, len) == 0) {
            *found = true;
            return s->value;
        }
    }
    j = ev->env->lookup ? ev->env->lookup(ev->env->lookup_ctx, name, len) : NULL;
    *found = j != NULL;
    return ordo_feel_from_json(j);
}

/* base.name for one value that is not a list. */
static struct ordo_feel_value member(const struct ordo_feel_value *base, const char *name,
                                     size_t len, bool *found)
{
    if (base->type == ORDO_FV_CONTEXT) {
        return ordo_feel_ctx_get(base, name, len, found);
    }
    return ordo_feel_time_property(base, name, len, found);
}

static struct ordo_feel_value eval_path(struct ordo_feel_ev *ev, const struct ordo_feel_node *n)
{
    struct ordo_feel_value base = ordo_feel_eval_node(ev, n->a);
    size_t count;
    struct ordo_feel_value *items;
    bool found;

    if (base.type != ORDO_FV_LIST) {
        return member(&base, n->name, n->name_len, &found);
    }
    /* A path on a list maps over it: orders.id is the list of the ids. */
    count = ordo_feel_list_len(&base);
    if (!ordo_feel_step(ev, count) || !(items = ordo_feel_items(ev, count))) {
        return ordo_feel_null();
    }
    for (size_t i = 0; i < count; i++) {
        struct ordo_feel_value item = ordo_feel_list_at(&base, i);

        items[i] = member(&item, n->name, n->name_len, &found);
    }
    return ordo_feel_list(items, count);
}

/* is defined(x): false for a name or member that does not exist, true for
 * anything else (including null values). */
static bool is_defined(struct ordo_feel_ev *ev, const struct ordo_feel_node *n)
{
    bool found = true;
    struct ordo_feel_value base;

    if (n->kind == ORDO_FK_NAME) {
        lookup(ev, n->name, n->name_len, &found);
        return found;
    }
    if (n->kind != ORDO_FK_PATH) {
        return true;
    }
    if (!is_defined(ev, n->a)) {
        return false;
    }
    base = ordo_feel_eval_node(ev, n->a);
    if (base.type == ORDO_FV_LIST) {
        return true;
    }
    member(&base, n->name, n->name_len, &found);
    return found;
}

/* ---- filters ---- */

/* The filter expression for one item: `item` and, for a context, its
 * members are in scope. */
static struct ordo_feel_value filter_item(struct ordo_feel_ev *ev, const struct ordo_feel_node *f,
                                          const struct ordo_feel_value *item)
{
    struct ordo_feel_scope members = {ev->scope, NULL, 0, true, *item};
    struct ordo_feel_scope self = {item->type == ORDO_FV_CONTEXT ? &members : ev->scope, "item", 4,
                                   false, *item};

    return eval_in_scope(ev, f, &self);
}

static struct ordo_feel_value index_list(const struct ordo_feel_value *list,
                                         const struct ordo_feel_value *index)
{
    size_t count = ordo_feel_list_len(list);
    int64_t i;

    if (!ordo_feel_arg_int(index, &i) || i == 0 || (i > 0 && (uint64_t)i > count) ||
        (i < 0 && (uint64_t)(-(i + 1)) >= count)) {
        return ordo_feel_null();
    }
    return ordo_feel_list_at(list, i > 0 ? (size_t)(i - 1) : count - (size_t)(-(i + 1)) - 1);
}

/* list[condition] or list[index]: the filter's value on the first item
 * decides which (FEEL: a number indexes, from 1, negative from the end). */
static struct ordo_feel_value eval_filter(struct ordo_feel_ev *ev, const struct ordo_feel_node *n)
{
    struct ordo_feel_value base = ordo_feel_eval_node(ev, n->a);
    struct ordo_feel_value list = base.type == ORDO_FV_LIST ? base : ordo_feel_list(&base, 1);
    size_t count = ordo_feel_list_len(&list);
    size_t kept = 0;
    struct ordo_feel_value *items;
    struct ordo_feel_value first;

    if (base.type == ORDO_FV_NULL) {
        return base;
    }
    if (count == 0) {
        first = ordo_feel_eval_node(ev, n->b);
        return first.type == ORDO_FV_NUMBER ? ordo_feel_null() : ordo_feel_list(NULL, 0);
    }
    first = ordo_feel_list_at(&list, 0);
    first = filter_item(ev, n->b, &first);
    if (first.type == ORDO_FV_NUMBER) {
        return index_list(&list, &first);
    }
    if (!(items = ordo_feel_items(ev, count))) {
        return ordo_feel_null();
    }
    for (size_t i = 0; i < count && ev->rc == ORDO_OK; i++) {
        struct ordo_feel_value item = ordo_feel_list_at(&list, i);
        struct ordo_feel_value keep = i == 0 ? first : filter_item(ev, n->b, &item);

        if (keep.type == ORDO_FV_BOOL && keep.u.b) {
            items[kept++] = item;
        }
    }
    return ordo_feel_list(items, kept);
}

/* ---- calls ---- */

static struct ordo_feel_value eval_call(struct ordo_feel_ev *ev, const struct ordo_feel_node *n)
{
    struct ordo_feel_value stack[8];
    struct ordo_feel_value *args = n->n <= 8 ? stack : ordo_feel_items(ev, n->n);

    if (!args) {
        return ordo_feel_null();
    }
    for (size_t i = 0; i < n->n; i++) {
        args[i] = ordo_feel_eval_node(ev, n->kids[i]);
    }
    if (ev->rc != ORDO_OK) {
        return ordo_feel_null();
    }
    return n->fn->fn(ev, args, n->n);
}

/* ---- logic and tests ---- */

static bool is_bool(const struct ordo_feel_value *v, bool b)
{
    return v->type == ORDO_FV_BOOL && v->u.b == b;
}

/* and/or in three-valued logic; 'dominant' is false for and, true for or. */
static struct ordo_feel_value eval_logic(struct ordo_feel_ev *ev, const struct ordo_feel_node *n,
                                         bool dominant)
{
    struct ordo_feel_value a = ordo_feel_eval_node(ev, n->a);
    struct ordo_feel_value b;

    if (is_bool(&a, dominant)) {
        return a;
    }
    b = ordo_feel_eval_node(ev, n->b);
    if (is_bool(&b, dominant)) {
        return b;
    }
    return is_bool(&a, !dominant) && is_bool(&b, !dominant) ? a : ordo_feel_null();
}

static enum ordo_feel_tri and3(enum ordo_feel_tri a, enum ordo_feel_tri b)
{
    if (a == ORDO_FEEL_FALSE || b == ORDO_FEEL_FALSE) {
        return ORDO_FEEL_FALSE;
    }
    return a == ORDO_FEEL_TRUE && b == ORDO_FEEL_TRUE ? ORDO_FEEL_TRUE : ORDO_FEEL_UNKNOWN;
}

static struct ordo_feel_value eval_between(struct ordo_feel_ev *ev, const struct ordo_feel_node *n)
{
    struct ordo_feel_value x = ordo_feel_eval_node(ev, n->a);
    struct ordo_feel_value lo = ordo_feel_eval_node(ev, n->b);
    struct ordo_feel_value hi = ordo_feel_eval_node(ev, n->c);

    return ordo_feel_tri_value(and3(ordo_feel_compare_op(ev, ORDO_FOP_GE, &x, &lo),
                                    ordo_feel_compare_op(ev, ORDO_FOP_LE, &x, &hi)));
}

static void range_of(struct ordo_feel_ev *ev, const struct ordo_feel_node *n,
                     struct ordo_feel_range *r)
{
    r->has_lo = n->a != NULL;
    r->has_hi = n->b != NULL;
    r->lo_closed = (n->op & ORDO_FEEL_LO_CLOSED) != 0;
    r->hi_closed = (n->op & ORDO_FEEL_HI_CLOSED) != 0;
    r->lo = n->a ? ordo_feel_eval_node(ev, n->a) : ordo_feel_null();
    r->hi = n->b ? ordo_feel_eval_node(ev, n->b) : ordo_feel_null();
}

static struct ordo_feel_value eval_range(struct ordo_feel_ev *ev, const struct ordo_feel_node *n)
{
    struct ordo_feel_range *r = ordo_feel_alloc(ev, sizeof(*r));
    struct ordo_feel_value v = {.type = ORDO_FV_RANGE};

    if (!r) {
        return ordo_feel_null();
    }
    range_of(ev, n, r);
    v.u.range = r;
    return v;
}

/* One positive unary test of "x in ...": a comparison ("< 5"), a range, a
 * list (membership), or a value (equality). Literal ranges and lists are
 * tested without being built. */
static enum ordo_feel_tri unary_test(struct ordo_feel_ev *ev, const struct ordo_feel_value *x,
                                     const struct ordo_feel_node *t)
{
    struct ordo_feel_range r;
    struct ordo_feel_value v;

    switch (t->kind) {
    case ORDO_FK_TEST:
        v = ordo_feel_eval_node(ev, t->a);
        return ordo_feel_compare_op(ev, t->op, x, &v);
    case ORDO_FK_RANGE:
        range_of(ev, t, &r);
        return ordo_feel_in_range(ev, x, &r);
    case ORDO_FK_LIST:
        for (size_t i = 0; i < t->n; i++) {
            v = ordo_feel_eval_node(ev, t->kids[i]);
            if (ordo_feel_eq(ev, x, &v) == ORDO_FEEL_TRUE) {
                return ORDO_FEEL_TRUE;
            }
        }
        return ORDO_FEEL_FALSE;
    default:
        v = ordo_feel_eval_node(ev, t);
        if (v.type == ORDO_FV_RANGE) {
            return ordo_feel_in_range(ev, x, v.u.range);
        }
        if (v.type == ORDO_FV_LIST) {
            return ordo_feel_list_has(ev, &v, x) ? ORDO_FEEL_TRUE : ORDO_FEEL_FALSE;
        }
        return ordo_feel_eq(ev, x, &v);
    }
}

static struct ordo_feel_value eval_in(struct ordo_feel_ev *ev, const struct ordo_feel_node *n)
{
    struct ordo_feel_value x = ordo_feel_eval_node(ev, n->a);
    enum ordo_feel_tri acc = ORDO_FEEL_FALSE;

    for (size_t i = 0; i < n->n && ev->rc == ORDO_OK; i++) {
        enum ordo_feel_tri t = unary_test(ev, &x, n->kids[i]);

        if (t == ORDO_FEEL_TRUE) {
            return ordo_feel_bool(true);
        }
        if (t == ORDO_FEEL_UNKNOWN) {
            acc = t;
        }
    }
    return ordo_feel_tri_value(acc);
}

static struct ordo_feel_value eval_instance(struct ordo_feel_ev *ev, const struct ordo_feel_node *n)
{
    static const enum ordo_feel_type types[] = {
        [ORDO_FTN_NULL] = ORDO_FV_NULL,
        [ORDO_FTN_BOOLEAN] = ORDO_FV_BOOL,
        [ORDO_FTN_NUMBER] = ORDO_FV_NUMBER,
        [ORDO_FTN_STRING] = ORDO_FV_STRING,
        [ORDO_FTN_LIST] = ORDO_FV_LIST,
        [ORDO_FTN_CONTEXT] = ORDO_FV_CONTEXT,
        [ORDO_FTN_DATE] = ORDO_FV_DATE,
        [ORDO_FTN_TIME] = ORDO_FV_TIME,
        [ORDO_FTN_DATETIME] = ORDO_FV_DATETIME,
        [ORDO_FTN_DT_DURATION] = ORDO_FV_DT_DURATION,
        [ORDO_FTN_YM_DURATION] = ORDO_FV_YM_DURATION,
        [ORDO_FTN_RANGE] = ORDO_FV_RANGE,
    };
    struct ordo_feel_value v = ordo_feel_eval_node(ev, n->a);

    if (n->op == ORDO_FTN_ANY) {
        return ordo_feel_bool(v.type != ORDO_FV_NULL);
    }
    return ordo_feel_bool(v.type == types[n->op]);
}

/* ---- literals ---- */

static struct ordo_feel_value eval_list(struct ordo_feel_ev *ev, const struct ordo_feel_node *n)
{
    struct ordo_feel_value *items;

    if (n->n == 0) {
        return ordo_feel_list(NULL, 0);
    }
    if (!(items = ordo_feel_items(ev, n->n))) {
        return ordo_feel_null();
    }
    for (size_t i = 0; i < n->n; i++) {
        items[i] = ordo_feel_eval_node(ev, n->kids[i]);
    }
    return ordo_feel_list(items, n->n);
}

/* {a: 1, b: a + 1}: each entry sees the ones before it. */
static struct ordo_feel_value eval_context(struct ordo_feel_ev *ev, const struct ordo_feel_node *n)
{
    struct ordo_feel_ctx *c = ordo_feel_alloc(ev, sizeof(*c));
    struct ordo_feel_str *keys = ordo_feel_alloc(ev, (n->n + 1) * sizeof(*keys));
    struct ordo_feel_value *vals = ordo_feel_items(ev, n->n);
    struct ordo_feel_value v = {.type = ORDO_FV_CONTEXT};
    struct ordo_feel_scope scope = {ev->scope, NULL, 0, true, {.type = ORDO_FV_CONTEXT}};

    if (!c || !keys || !vals) {
        return ordo_feel_null();
    }
    c->keys = keys;
    c->vals = vals;
    v.u.ctx.ctx = c;
    scope.value = v;
    for (size_t i = 0; i < n->n; i++) {
        struct ordo_feel_value m = eval_in_scope(ev, n->kids[i]->a, &scope);

        keys[i].p = n->kids[i]->name;
        keys[i].len = n->kids[i]->name_len;
        vals[i] = m;
        c->n = i + 1;
    }
    return v;
}

static struct ordo_feel_value eval_if(struct ordo_feel_ev *ev, const struct ordo_feel_node *n)
{
    struct ordo_feel_value c = ordo_feel_eval_node(ev, n->a);

    return ordo_feel_eval_node(ev, is_bool(&c, true) ? n->b : n->c);
}

/* ---- for, some, every ---- */

struct iteration {
    const struct ordo_feel_node *n;
    struct ordo_feel_value *out; /* for: the results */
    size_t count, cap;
    bool stop;    /* some found a true, every a non-true */
    bool invalid; /* a domain that cannot be iterated: the result is null */
};

static void iterate(struct ordo_feel_ev *ev, struct iteration *it, size_t k);

static void visit(struct ordo_feel_ev *ev, struct iteration *it)
{
    struct ordo_feel_value v = ordo_feel_eval_node(ev, it->n->a);

    if (it->n->kind == ORDO_FK_SOME) {
        it->stop = is_bool(&v, true);
        return;
    }
    if (it->n->kind == ORDO_FK_EVERY) {
        it->stop = !is_bool(&v, true);
        return;
    }
    if (!ordo_feel_push(ev, &it->out, &it->count, &it->cap, &v)) {
        it->stop = true;
    }
}

/* Bind 'name' to each integer from 'lo' to 'hi' (downwards when hi < lo). */
static void iterate_range(struct ordo_feel_ev *ev, struct iteration *it, size_t k,
                          const struct ordo_feel_value *lo, const struct ordo_feel_value *hi)
{
    const struct ordo_feel_node *b = it->n->kids[k];
    struct ordo_feel_scope s = {ev->scope, b->name, b->name_len, false, {.type = ORDO_FV_NULL}};
    const struct ordo_feel_scope *saved = ev->scope;
    int64_t from;
    int64_t to;

    if (!ordo_feel_arg_int(lo, &from) || !ordo_feel_arg_int(hi, &to)) {
        it->invalid = true;
        return;
    }
    if (it->n->kind == ORDO_FK_FOR && k + 1 == it->n->n &&
        (from < to ? (uint64_t)to - (uint64_t)from : (uint64_t)from - (uint64_t)to) >=
            ev->max_items) {
        ordo_feel_fail(ev, "a list or context of more than %zu items (max_items)", ev->max_items);
        return;
    }
    /* The scope lives on this frame and is popped (saved) before it returns. */
    ev->scope = &s; /* cppcheck-suppress autoVariables */
    for (int64_t i = from;; i += from <= to ? 1 : -1) {
        s.value = ordo_feel_int(i);
        iterate(ev, it, k + 1);
        if (i == to || it->stop || it->invalid || ev->rc != ORDO_OK) {
            break;
        }
    }
    ev->scope = saved;
}

static void iterate_list(struct ordo_feel_ev *ev, struct iteration *it, size_t k,
                         struct ordo_feel_value dom)
{
    const struct ordo_feel_node *b = it->n->kids[k];
    struct ordo_feel_scope s = {ev->scope, b->name, b->name_len, false, {.type = ORDO_FV_NULL}};
    const struct ordo_feel_scope *saved = ev->scope;
    size_t count = ordo_feel_list_len(&dom);

    ev->scope = &s;
    for (size_t i = 0; i < count && !it->stop && !it->invalid && ev->rc == ORDO_OK; i++) {
        s.value = ordo_feel_list_at(&dom, i);
        iterate(ev, it, k + 1);
    }
    ev->scope = saved;
}

static void iterate(struct ordo_feel_ev *ev, struct iteration *it, size_t k)
{
    const struct ordo_feel_node *b;
    struct ordo_feel_value dom;
    struct ordo_feel_value hi;

    if (k == it->n->n) {
        visit(ev, it);
        return;
    }
    b = it->n->kids[k];
    dom = ordo_feel_eval_node(ev, b->a);
    if (b->b) {
        hi = ordo_feel_eval_node(ev, b->b);
        iterate_range(ev, it, k, &dom, &hi);
    } else if (dom.type != ORDO_FV_LIST) {
        it->invalid = true; /* FEEL iterates lists and integer ranges only */
    } else {
        iterate_list(ev, it, k, dom);
    }
}

static struct ordo_feel_value eval_iteration(struct ordo_feel_ev *ev,
                                             const struct ordo_feel_node *n)
{
    struct iteration it = {.n = n};

    iterate(ev, &it, 0);
    if (it.invalid || ev->rc != ORDO_OK) {
        return ordo_feel_null();
    }
    if (n->kind == ORDO_FK_FOR) {
        return ordo_feel_list(it.out, it.count);
    }
    /* some: true when one was found; every: true when none failed */
    return ordo_feel_bool(n->kind == ORDO_FK_SOME ? it.stop : !it.stop);
}

/* ---- the dispatcher ---- */

static struct ordo_feel_value eval_binary(struct ordo_feel_ev *ev, const struct ordo_feel_node *n)
{
    struct ordo_feel_value a = ordo_feel_eval_node(ev, n->a);
    struct ordo_feel_value b = ordo_feel_eval_node(ev, n->b);

    if (n->kind == ORDO_FK_CMP) {
        return ordo_feel_tri_value(ordo_feel_compare_op(ev, n->op, &a, &b));
    }
    return ordo_feel_arith(ev, n->op, &a, &b);
}

struct ordo_feel_value ordo_feel_eval_node(struct ordo_feel_ev *ev, const struct ordo_feel_node *n)
{
    struct ordo_feel_value v;

    if (!ordo_feel_step(ev, 1)) {
        return ordo_feel_null();
    }
    switch (n->kind) {
    case ORDO_FK_CONST:
        return n->value;
    case ORDO_FK_NAME: {
        bool found;

        return lookup(ev, n->name, n->name_len, &found);
    }
    case ORDO_FK_PATH:
        return eval_path(ev, n);
    case ORDO_FK_FILTER:
        return eval_filter(ev, n);
    case ORDO_FK_CALL:
        return eval_call(ev, n);
    case ORDO_FK_DEFINED:
        return ordo_feel_bool(is_defined(ev, n->a));
    case ORDO_FK_NEG:
        v = ordo_feel_eval_node(ev, n->a);
        return ordo_feel_negate(&v);
    case ORDO_FK_ARITH:
    case ORDO_FK_CMP:
        return eval_binary(ev, n);
    case ORDO_FK_AND:
    case ORDO_FK_OR:
        return eval_logic(ev, n, n->kind == ORDO_FK_OR);
    case ORDO_FK_BETWEEN:
        return eval_between(ev, n);
    case ORDO_FK_IN:
        return eval_in(ev, n);
    case ORDO_FK_RANGE:
        return eval_range(ev, n);
    case ORDO_FK_LIST:
        return eval_list(ev, n);
    case ORDO_FK_CONTEXT:
        return eval_context(ev, n);
    case ORDO_FK_IF:
        return eval_if(ev, n);
    case ORDO_FK_FOR:
    case ORDO_FK_SOME:
    case ORDO_FK_EVERY:
        return eval_iteration(ev, n);
    case ORDO_FK_INSTANCE:
        return eval_instance(ev, n);
    default: /* TEST, ENTRY and BIND are evaluated by their parents */
        return ordo_feel_null();
    }
}

/* ---- entry points ---- */

static void start(struct ordo_feel_ev *ev, const struct ordo_feel_expr *expr,
                  const struct ordo_feel_env *env, struct ordo_err *err)
{
    const struct ordo_feel_limits *l;

    memset(ev, 0, sizeof(*ev));
    ev->env = env ? env : &default_env;
    ev->err = err;
    ev->src = expr->src;
    ev->src_len = expr->len;
    l = ev->env->limits;
    ev->max_steps = l && l->max_steps ? l->max_steps : ORDO_FEEL_MAX_STEPS_DEFAULT;
    ev->max_items = l && l->max_items ? l->max_items : ORDO_FEEL_MAX_ITEMS_DEFAULT;
    ev->max_string = l && l->max_string ? l->max_string : ORDO_FEEL_MAX_STRING_DEFAULT;
    ev->max_depth = l && l->max_depth ? l->max_depth : ORDO_FEEL_MAX_DEPTH_DEFAULT;
    ev->memory_left = ev->max_string > SIZE_MAX / ORDO_FEEL_MEMORY_FACTOR
                          ? SIZE_MAX
                          : ev->max_string * ORDO_FEEL_MEMORY_FACTOR;
}

enum ordo_code ordo_feel_eval(const struct ordo_feel_expr *expr, const struct ordo_feel_env *env,
                              json_t **out, struct ordo_err *err)
{
    struct ordo_feel_ev ev;
    struct ordo_feel_value v;
    json_t *j = NULL;

    start(&ev, expr, env, err);
    v = ordo_feel_eval_node(&ev, expr->root);
    if (ev.rc == ORDO_OK) {
        j = ordo_feel_to_json(&ev, &v);
        if (!j && ev.rc == ORDO_OK) {
            ev.rc = ordo_err_set(err, ORDO_E_INTERNAL, "FEEL: could not build the JSON result");
        }
    }
    ordo_arena_free(ev.arena);
    if (ev.rc != ORDO_OK) {
        json_decref(j);
        return ev.rc;
    }
    *out = j;
    return ORDO_OK;
}

enum ordo_code ordo_feel_eval_bool(const struct ordo_feel_expr *expr,
                                   const struct ordo_feel_env *env, bool *out, bool *was_null,
                                   struct ordo_err *err)
{
    struct ordo_feel_ev ev;
    struct ordo_feel_value v;

    start(&ev, expr, env, err);
    v = ordo_feel_eval_node(&ev, expr->root);
    ordo_arena_free(ev.arena);
    if (ev.rc != ORDO_OK) {
        return ev.rc;
    }
    *out = is_bool(&v, true);
    if (was_null) {
        *was_null = v.type != ORDO_FV_BOOL;
    }
    return ORDO_OK;
}
