/*
 * bpmn/feel_builtin_list.c - FEEL's list functions.
 *
 * min, max, sum, mean, product, all and any take one list or any number of
 * arguments (min([1, 2]) = min(1, 2)). Of an empty list, min, max, sum,
 * mean and product are null; all is true and any false. Items of a type the
 * function does not handle make the result null.
 *
 * Positions count from 1, negative ones from the end (-1 is the last item).
 * Items are compared with FEEL's '=' (1 = 1.0), so distinct values, union,
 * index of and list contains compare every pair they need to: each
 * comparison is a step, and long lists of distinct values meet max_steps.
 */
#include <string.h>

#include "bpmn/feel_internal.h"

/* The items of a call that takes a list or the items themselves. */
static struct ordo_feel_value items_of(const struct ordo_feel_value *args, size_t n)
{
    return n == 1 && args[0].type == ORDO_FV_LIST ? args[0] : ordo_feel_list(args, n);
}

/* Each pass over a list costs a step per item. */
static bool walk(struct ordo_feel_ev *ev, const struct ordo_feel_value *list)
{
    return ordo_feel_step(ev, ordo_feel_list_len(list));
}

struct ordo_feel_value ordo_feel_bi_list_contains(struct ordo_feel_ev *ev,
                                                  const struct ordo_feel_value *args, size_t n)
{
    (void)n;
    if (args[0].type != ORDO_FV_LIST) {
        return ordo_feel_null();
    }
    return ordo_feel_bool(ordo_feel_list_has(ev, &args[0], &args[1]));
}

struct ordo_feel_value ordo_feel_bi_count(struct ordo_feel_ev *ev,
                                          const struct ordo_feel_value *args, size_t n)
{
    (void)ev;
    (void)n;
    if (args[0].type != ORDO_FV_LIST) {
        return ordo_feel_null();
    }
    return ordo_feel_int((int64_t)ordo_feel_list_len(&args[0]));
}

/* min (want -1) or max (want 1). */
static struct ordo_feel_value extreme(struct ordo_feel_ev *ev, const struct ordo_feel_value *args,
                                      size_t n, int want)
{
    struct ordo_feel_value list = items_of(args, n);
    size_t len = ordo_feel_list_len(&list);
    struct ordo_feel_value best;

    if (len == 0 || !walk(ev, &list)) {
        return ordo_feel_null();
    }
    best = ordo_feel_list_at(&list, 0);
    for (size_t i = 1; i < len; i++) {
        struct ordo_feel_value item = ordo_feel_list_at(&list, i);
        int c;

        if (!ordo_feel_cmp(ev, &item, &best, &c)) {
            return ordo_feel_null();
        }
        if (c == want) {
            best = item;
        }
    }
    return best;
}

struct ordo_feel_value ordo_feel_bi_min(struct ordo_feel_ev *ev, const struct ordo_feel_value *args,
                                        size_t n)
{
    return extreme(ev, args, n, -1);
}

struct ordo_feel_value ordo_feel_bi_max(struct ordo_feel_ev *ev, const struct ordo_feel_value *args,
                                        size_t n)
{
    return extreme(ev, args, n, 1);
}

/* Sum (or product) of a list of numbers into '*out'; false for an empty
 * list, another type, or overflow. */
static bool fold_numbers(struct ordo_feel_ev *ev, const struct ordo_feel_value *list, bool product,
                         struct ordo_decimal *out)
{
    size_t len = ordo_feel_list_len(list);

    if (len == 0 || !walk(ev, list)) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        struct ordo_feel_value item = ordo_feel_list_at(list, i);
        enum ordo_code rc;

        if (item.type != ORDO_FV_NUMBER) {
            return false;
        }
        if (i == 0) {
            *out = item.u.num;
            continue;
        }
        rc = product ? ordo_decimal_mul(*out, item.u.num, out, NULL)
                     : ordo_decimal_add(*out, item.u.num, out, NULL);
        if (rc != ORDO_OK) {
            return false;
        }
    }
    return true;
}

struct ordo_feel_value ordo_feel_bi_sum(struct ordo_feel_ev *ev, const struct ordo_feel_value *args,
                                        size_t n)
{
    struct ordo_feel_value list = items_of(args, n);
    struct ordo_decimal d;

    return fold_numbers(ev, &list, false, &d) ? ordo_feel_number(d) : ordo_feel_null();
}

struct ordo_feel_value ordo_feel_bi_product(struct ordo_feel_ev *ev,
                                            const struct ordo_feel_value *args, size_t n)
{
    struct ordo_feel_value list = items_of(args, n);
    struct ordo_decimal d;

    return fold_numbers(ev, &list, true, &d) ? ordo_feel_number(d) : ordo_feel_null();
}

struct ordo_feel_value ordo_feel_bi_mean(struct ordo_feel_ev *ev,
                                         const struct ordo_feel_value *args, size_t n)
{
    struct ordo_feel_value list = items_of(args, n);
    struct ordo_decimal d;

    if (!fold_numbers(ev, &list, false, &d) ||
        ordo_decimal_div(d, ordo_decimal_from_int((int64_t)ordo_feel_list_len(&list)), &d, NULL) !=
            ORDO_OK) {
        return ordo_feel_null();
    }
    return ordo_feel_number(d);
}

/* all (dominant false) and any (dominant true): the dominant value wins,
 * then a non-boolean makes null, else the other value. */
static struct ordo_feel_value
all_or_any(struct ordo_feel_ev *ev, const struct ordo_feel_value *args, size_t n, bool dominant)
{
    struct ordo_feel_value list = items_of(args, n);
    size_t len = ordo_feel_list_len(&list);
    bool unknown = false;

    if (!walk(ev, &list)) {
        return ordo_feel_null();
    }
    for (size_t i = 0; i < len; i++) {
        struct ordo_feel_value item = ordo_feel_list_at(&list, i);

        if (item.type != ORDO_FV_BOOL) {
            unknown = true;
        } else if (item.u.b == dominant) {
            return item;
        }
    }
    return unknown ? ordo_feel_null() : ordo_feel_bool(!dominant);
}

struct ordo_feel_value ordo_feel_bi_all(struct ordo_feel_ev *ev, const struct ordo_feel_value *args,
                                        size_t n)
{
    return all_or_any(ev, args, n, false);
}

struct ordo_feel_value ordo_feel_bi_any(struct ordo_feel_ev *ev, const struct ordo_feel_value *args,
                                        size_t n)
{
    return all_or_any(ev, args, n, true);
}

/* Items [from, to) of 'list' as a new list. */
static struct ordo_feel_value slice(struct ordo_feel_ev *ev, const struct ordo_feel_value *list,
                                    size_t from, size_t to)
{
    struct ordo_feel_value *items;

    if (from >= to) {
        return ordo_feel_list(NULL, 0);
    }
    if (!ordo_feel_step(ev, to - from) || !(items = ordo_feel_items(ev, to - from))) {
        return ordo_feel_null();
    }
    for (size_t i = from; i < to; i++) {
        items[i - from] = ordo_feel_list_at(list, i);
    }
    return ordo_feel_list(items, to - from);
}

struct ordo_feel_value ordo_feel_bi_sublist(struct ordo_feel_ev *ev,
                                            const struct ordo_feel_value *args, size_t n)
{
    int64_t start;
    int64_t count = INT64_MAX;
    int64_t len;

    if (args[0].type != ORDO_FV_LIST || !ordo_feel_arg_int(&args[1], &start) || start == 0 ||
        (n == 3 && (!ordo_feel_arg_int(&args[2], &count) || count < 0))) {
        return ordo_feel_null();
    }
    len = (int64_t)ordo_feel_list_len(&args[0]);
    start = start > 0 ? start - 1 : len + start;
    start = start < 0 ? 0 : start > len ? len : start;
    count = count > len - start ? len - start : count;
    return slice(ev, &args[0], (size_t)start, (size_t)(start + count));
}

/* Append the items of 'list' to the list being built. */
static bool push_all(struct ordo_feel_ev *ev, struct ordo_feel_value **items, size_t *n,
                     size_t *cap, const struct ordo_feel_value *list)
{
    size_t len = ordo_feel_list_len(list);

    if (!walk(ev, list)) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        struct ordo_feel_value item = ordo_feel_list_at(list, i);

        if (!ordo_feel_push(ev, items, n, cap, &item)) {
            return false;
        }
    }
    return true;
}

struct ordo_feel_value ordo_feel_bi_append(struct ordo_feel_ev *ev,
                                           const struct ordo_feel_value *args, size_t n)
{
    struct ordo_feel_value *items = NULL;
    size_t count = 0;
    size_t cap = 0;
    struct ordo_feel_value rest = ordo_feel_list(args + 1, n - 1);

    if (args[0].type != ORDO_FV_LIST || !push_all(ev, &items, &count, &cap, &args[0]) ||
        !push_all(ev, &items, &count, &cap, &rest)) {
        return ordo_feel_null();
    }
    return ordo_feel_list(items, count);
}

typedef bool push_fn(struct ordo_feel_ev *ev, struct ordo_feel_value **items, size_t *n,
                     size_t *cap, const struct ordo_feel_value *list);

/* Join all list arguments with 'push' (every item, or only new ones); null
 * if any argument is not a list. */
static struct ordo_feel_value
join_lists(struct ordo_feel_ev *ev, const struct ordo_feel_value *args, size_t n, push_fn *push)
{
    struct ordo_feel_value *items = NULL;
    size_t count = 0;
    size_t cap = 0;

    for (size_t i = 0; i < n; i++) {
        if (args[i].type != ORDO_FV_LIST || !push(ev, &items, &count, &cap, &args[i])) {
            return ordo_feel_null();
        }
    }
    return ordo_feel_list(items, count);
}

struct ordo_feel_value ordo_feel_bi_concatenate(struct ordo_feel_ev *ev,
                                                const struct ordo_feel_value *args, size_t n)
{
    return join_lists(ev, args, n, push_all);
}

/* A 1-based or negative position in a list of 'len' items as an index from
 * 0; 'extra' allows the position just past the end. False when out of range. */
static bool position(const struct ordo_feel_value *arg, size_t len, bool extra, size_t *out)
{
    int64_t p;
    int64_t l = (int64_t)len;

    if (!ordo_feel_arg_int(arg, &p) || p == 0 || p > l + extra || p < -l) {
        return false;
    }
    *out = (size_t)(p > 0 ? p - 1 : l + p);
    return true;
}

struct ordo_feel_value ordo_feel_bi_insert_before(struct ordo_feel_ev *ev,
                                                  const struct ordo_feel_value *args, size_t n)
{
    size_t len;
    size_t at;
    struct ordo_feel_value *items;

    (void)n;
    if (args[0].type != ORDO_FV_LIST ||
        !position(&args[1], len = ordo_feel_list_len(&args[0]), true, &at) || !walk(ev, &args[0]) ||
        !(items = ordo_feel_items(ev, len + 1))) {
        return ordo_feel_null();
    }
    for (size_t i = 0; i <= len; i++) {
        items[i] = i < at    ? ordo_feel_list_at(&args[0], i)
                   : i == at ? args[2]
                             : ordo_feel_list_at(&args[0], i - 1);
    }
    return ordo_feel_list(items, len + 1);
}

struct ordo_feel_value ordo_feel_bi_remove(struct ordo_feel_ev *ev,
                                           const struct ordo_feel_value *args, size_t n)
{
    size_t len;
    size_t at;
    struct ordo_feel_value *items;

    (void)n;
    if (args[0].type != ORDO_FV_LIST ||
        !position(&args[1], len = ordo_feel_list_len(&args[0]), false, &at) ||
        !walk(ev, &args[0]) || !(items = ordo_feel_items(ev, len))) {
        return ordo_feel_null();
    }
    for (size_t i = 0; i + 1 < len; i++) {
        items[i] = ordo_feel_list_at(&args[0], i < at ? i : i + 1);
    }
    return ordo_feel_list(items, len - 1);
}

struct ordo_feel_value ordo_feel_bi_reverse(struct ordo_feel_ev *ev,
                                            const struct ordo_feel_value *args, size_t n)
{
    size_t len;
    struct ordo_feel_value *items;

    (void)n;
    if (args[0].type != ORDO_FV_LIST || !walk(ev, &args[0]) ||
        !(items = ordo_feel_items(ev, len = ordo_feel_list_len(&args[0])))) {
        return ordo_feel_null();
    }
    for (size_t i = 0; i < len; i++) {
        items[i] = ordo_feel_list_at(&args[0], len - 1 - i);
    }
    return ordo_feel_list(items, len);
}

struct ordo_feel_value ordo_feel_bi_index_of(struct ordo_feel_ev *ev,
                                             const struct ordo_feel_value *args, size_t n)
{
    struct ordo_feel_value *items = NULL;
    size_t count = 0;
    size_t cap = 0;
    size_t len;

    (void)n;
    if (args[0].type != ORDO_FV_LIST || !walk(ev, &args[0])) {
        return ordo_feel_null();
    }
    len = ordo_feel_list_len(&args[0]);
    for (size_t i = 0; i < len; i++) {
        struct ordo_feel_value item = ordo_feel_list_at(&args[0], i);
        struct ordo_feel_value pos = ordo_feel_int((int64_t)i + 1);

        if (ordo_feel_eq(ev, &item, &args[1]) == ORDO_FEEL_TRUE &&
            !ordo_feel_push(ev, &items, &count, &cap, &pos)) {
            return ordo_feel_null();
        }
    }
    return ordo_feel_list(items, count);
}

/* Append the items of 'list' not yet in the list being built. */
static bool push_new(struct ordo_feel_ev *ev, struct ordo_feel_value **items, size_t *n,
                     size_t *cap, const struct ordo_feel_value *list)
{
    size_t len = ordo_feel_list_len(list);

    for (size_t i = 0; i < len; i++) {
        struct ordo_feel_value item = ordo_feel_list_at(list, i);
        struct ordo_feel_value built = ordo_feel_list(*items, *n);

        if (!ordo_feel_list_has(ev, &built, &item) &&
            (ev->rc != ORDO_OK || !ordo_feel_push(ev, items, n, cap, &item))) {
            return false;
        }
    }
    return ev->rc == ORDO_OK;
}

struct ordo_feel_value ordo_feel_bi_union(struct ordo_feel_ev *ev,
                                          const struct ordo_feel_value *args, size_t n)
{
    return join_lists(ev, args, n, push_new);
}

struct ordo_feel_value ordo_feel_bi_distinct_values(struct ordo_feel_ev *ev,
                                                    const struct ordo_feel_value *args, size_t n)
{
    return args[0].type == ORDO_FV_LIST ? ordo_feel_bi_union(ev, args, n) : ordo_feel_null();
}

static bool flatten_into(struct ordo_feel_ev *ev, struct ordo_feel_value **items, size_t *n,
                         size_t *cap, const struct ordo_feel_value *list, unsigned depth)
{
    size_t len = ordo_feel_list_len(list);

    if (depth > ev->max_depth) {
        ordo_feel_too_deep(ev);
        return false;
    }
    if (!walk(ev, list)) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        struct ordo_feel_value item = ordo_feel_list_at(list, i);
        bool ok = item.type == ORDO_FV_LIST ? flatten_into(ev, items, n, cap, &item, depth + 1)
                                            : ordo_feel_push(ev, items, n, cap, &item);

        if (!ok) {
            return false;
        }
    }
    return true;
}

struct ordo_feel_value ordo_feel_bi_flatten(struct ordo_feel_ev *ev,
                                            const struct ordo_feel_value *args, size_t n)
{
    struct ordo_feel_value *items = NULL;
    size_t count = 0;
    size_t cap = 0;

    (void)n;
    if (args[0].type != ORDO_FV_LIST || !flatten_into(ev, &items, &count, &cap, &args[0], 1)) {
        return ordo_feel_null();
    }
    return ordo_feel_list(items, count);
}
