/*
 * bpmn/feel_compare.c - equality and ordering of FEEL values (DMN 1.3,
 * 10.3.2.2 and table 54).
 *
 * '=' compares by value: numbers as decimals (1 = 1.0), strings by their
 * bytes, lists item by item, contexts by their set of entries, date-times by
 * the instant they denote. null = null is true and null = anything else is
 * false; values of two different types are not comparable, and the answer is
 * null. Ordering (< <= > >=) is defined for numbers, strings (by code
 * point, which is UTF-8 byte order), dates, times, date-times and each kind
 * of duration; anything else, and null, is not comparable (null).
 *
 * Comparing two strings, or looking up a context key, scans their bytes:
 * that work is counted (ordo_feel_charge_scan), so comparing long strings
 * in a loop meets max_steps instead of running for seconds.
 */
#include <string.h>

#include "bpmn/feel_internal.h"

static enum ordo_feel_tri tri(bool b)
{
    return b ? ORDO_FEEL_TRUE : ORDO_FEEL_FALSE;
}

static int sign3(int64_t a, int64_t b)
{
    return (a > b) - (a < b);
}

static int cmp_instant(struct ordo_feel_duration a, struct ordo_feel_duration b)
{
    int c = sign3(a.sec, b.sec);

    return c ? c : sign3(a.nano, b.nano);
}

static bool cmp_temporal(struct ordo_feel_ev *ev, const struct ordo_feel_value *a,
                         const struct ordo_feel_value *b, int *out)
{
    struct ordo_feel_duration x;
    struct ordo_feel_duration y;

    if (!a->u.t.has_offset && !b->u.t.has_offset) {
        int c = sign3(a->u.t.day, b->u.t.day);

        *out = c ? c : sign3(a->u.t.nanos, b->u.t.nanos);
        return true;
    }
    if (!ordo_feel_instant(ev, a, &x) || !ordo_feel_instant(ev, b, &y)) {
        return false;
    }
    *out = cmp_instant(x, y);
    return true;
}

/* Order two strings (false past max_steps). */
static bool cmp_strings(struct ordo_feel_ev *ev, struct ordo_feel_str a, struct ordo_feel_str b,
                        int *out)
{
    size_t common = a.len < b.len ? a.len : b.len;
    int c;

    if (!ordo_feel_charge_scan(ev, common)) {
        return false;
    }
    c = memcmp(a.p, b.p, common);
    *out = c ? (c < 0 ? -1 : 1) : sign3((int64_t)a.len, (int64_t)b.len);
    return true;
}

/* Equal strings; the bytes are compared (and counted) only when the
 * lengths match. */
static enum ordo_feel_tri eq_strings(struct ordo_feel_ev *ev, struct ordo_feel_str a,
                                     struct ordo_feel_str b)
{
    if (a.len != b.len) {
        return ORDO_FEEL_FALSE;
    }
    if (!ordo_feel_charge_scan(ev, a.len)) {
        return ORDO_FEEL_UNKNOWN;
    }
    return tri(memcmp(a.p, b.p, a.len) == 0);
}

bool ordo_feel_cmp(struct ordo_feel_ev *ev, const struct ordo_feel_value *a,
                   const struct ordo_feel_value *b, int *out)
{
    if (a->type != b->type) {
        return false;
    }
    switch (a->type) {
    case ORDO_FV_NUMBER:
        *out = ordo_decimal_cmp(a->u.num, b->u.num);
        return true;
    case ORDO_FV_STRING:
        return cmp_strings(ev, a->u.str, b->u.str, out);
    case ORDO_FV_DATE:
        *out = sign3(a->u.t.day, b->u.t.day);
        return true;
    case ORDO_FV_TIME:
    case ORDO_FV_DATETIME:
        return cmp_temporal(ev, a, b, out);
    case ORDO_FV_DT_DURATION:
        *out = cmp_instant(a->u.dur, b->u.dur);
        return true;
    case ORDO_FV_YM_DURATION:
        *out = sign3(a->u.months, b->u.months);
        return true;
    default:
        return false;
    }
}

static enum ordo_feel_tri eq_at(struct ordo_feel_ev *ev, const struct ordo_feel_value *a,
                                const struct ordo_feel_value *b, unsigned depth);

/* Combine item results: any false is false, else any unknown is unknown. */
static enum ordo_feel_tri all_of(enum ordo_feel_tri acc, enum ordo_feel_tri t)
{
    if (acc == ORDO_FEEL_FALSE || t == ORDO_FEEL_FALSE) {
        return ORDO_FEEL_FALSE;
    }
    return acc == ORDO_FEEL_UNKNOWN || t == ORDO_FEEL_UNKNOWN ? ORDO_FEEL_UNKNOWN : ORDO_FEEL_TRUE;
}

static enum ordo_feel_tri eq_lists(struct ordo_feel_ev *ev, const struct ordo_feel_value *a,
                                   const struct ordo_feel_value *b, unsigned depth)
{
    size_t n = ordo_feel_list_len(a);
    enum ordo_feel_tri acc = ORDO_FEEL_TRUE;

    if (n != ordo_feel_list_len(b)) {
        return ORDO_FEEL_FALSE;
    }
    for (size_t i = 0; i < n && acc != ORDO_FEEL_FALSE; i++) {
        struct ordo_feel_value x = ordo_feel_list_at(a, i);
        struct ordo_feel_value y = ordo_feel_list_at(b, i);

        if (!ordo_feel_step(ev, 1)) {
            return ORDO_FEEL_UNKNOWN;
        }
        acc = all_of(acc, eq_at(ev, &x, &y, depth + 1));
    }
    return acc;
}

static enum ordo_feel_tri eq_contexts(struct ordo_feel_ev *ev, const struct ordo_feel_value *a,
                                      const struct ordo_feel_value *b, unsigned depth)
{
    const struct ordo_feel_ctx *x = ordo_feel_ctx_entries(ev, a);
    const struct ordo_feel_ctx *y = ordo_feel_ctx_entries(ev, b);
    enum ordo_feel_tri acc = ORDO_FEEL_TRUE;

    if (!x || !y) {
        return ORDO_FEEL_UNKNOWN;
    }
    if (x->n != y->n) {
        return ORDO_FEEL_FALSE;
    }
    for (size_t i = 0; i < x->n && acc != ORDO_FEEL_FALSE; i++) {
        bool found;
        struct ordo_feel_value m;

        /* The lookup hashes or compares the whole key. */
        if (!ordo_feel_step(ev, 1) || !ordo_feel_charge_scan(ev, x->keys[i].len)) {
            return ORDO_FEEL_UNKNOWN;
        }
        m = ordo_feel_ctx_get(b, x->keys[i].p, x->keys[i].len, &found);
        acc = found ? all_of(acc, eq_at(ev, &x->vals[i], &m, depth + 1)) : ORDO_FEEL_FALSE;
    }
    return acc;
}

static enum ordo_feel_tri eq_ranges(struct ordo_feel_ev *ev, const struct ordo_feel_range *a,
                                    const struct ordo_feel_range *b, unsigned depth)
{
    enum ordo_feel_tri acc = ORDO_FEEL_TRUE;

    if (a->has_lo != b->has_lo || a->has_hi != b->has_hi || a->lo_closed != b->lo_closed ||
        a->hi_closed != b->hi_closed) {
        return ORDO_FEEL_FALSE;
    }
    if (a->has_lo) {
        acc = eq_at(ev, &a->lo, &b->lo, depth + 1);
    }
    if (a->has_hi) {
        acc = all_of(acc, eq_at(ev, &a->hi, &b->hi, depth + 1));
    }
    return acc;
}

static enum ordo_feel_tri eq_at(struct ordo_feel_ev *ev, const struct ordo_feel_value *a,
                                const struct ordo_feel_value *b, unsigned depth)
{
    int c;

    if (a->type == ORDO_FV_NULL || b->type == ORDO_FV_NULL) {
        return tri(a->type == b->type);
    }
    if (a->type != b->type) {
        return ORDO_FEEL_UNKNOWN;
    }
    if (depth > ev->max_depth) {
        ordo_feel_too_deep(ev);
        return ORDO_FEEL_UNKNOWN;
    }
    switch (a->type) {
    case ORDO_FV_BOOL:
        return tri(a->u.b == b->u.b);
    case ORDO_FV_NUMBER:
        return tri(ordo_decimal_eq(a->u.num, b->u.num));
    case ORDO_FV_STRING:
        return eq_strings(ev, a->u.str, b->u.str);
    case ORDO_FV_LIST:
        return eq_lists(ev, a, b, depth);
    case ORDO_FV_CONTEXT:
        return eq_contexts(ev, a, b, depth);
    case ORDO_FV_RANGE:
        return eq_ranges(ev, a->u.range, b->u.range, depth);
    default:
        return ordo_feel_cmp(ev, a, b, &c) ? tri(c == 0) : ORDO_FEEL_UNKNOWN;
    }
}

enum ordo_feel_tri ordo_feel_eq(struct ordo_feel_ev *ev, const struct ordo_feel_value *a,
                                const struct ordo_feel_value *b)
{
    return eq_at(ev, a, b, 1);
}

enum ordo_feel_tri ordo_feel_compare_op(struct ordo_feel_ev *ev, int op,
                                        const struct ordo_feel_value *a,
                                        const struct ordo_feel_value *b)
{
    enum ordo_feel_tri t;
    int c;

    if (op == ORDO_FOP_EQ || op == ORDO_FOP_NE) {
        t = ordo_feel_eq(ev, a, b);
        if (op == ORDO_FOP_NE && t != ORDO_FEEL_UNKNOWN) {
            t = t == ORDO_FEEL_TRUE ? ORDO_FEEL_FALSE : ORDO_FEEL_TRUE;
        }
        return t;
    }
    if (!ordo_feel_cmp(ev, a, b, &c)) {
        return ORDO_FEEL_UNKNOWN;
    }
    switch (op) {
    case ORDO_FOP_LT:
        return tri(c < 0);
    case ORDO_FOP_LE:
        return tri(c <= 0);
    case ORDO_FOP_GT:
        return tri(c > 0);
    default:
        return tri(c >= 0);
    }
}

enum ordo_feel_tri ordo_feel_in_range(struct ordo_feel_ev *ev, const struct ordo_feel_value *x,
                                      const struct ordo_feel_range *r)
{
    int c;

    if (r->has_lo) {
        if (!ordo_feel_cmp(ev, x, &r->lo, &c)) {
            return ORDO_FEEL_UNKNOWN;
        }
        if (c < 0 || (c == 0 && !r->lo_closed)) {
            return ORDO_FEEL_FALSE;
        }
    }
    if (r->has_hi) {
        if (!ordo_feel_cmp(ev, x, &r->hi, &c)) {
            return ORDO_FEEL_UNKNOWN;
        }
        if (c > 0 || (c == 0 && !r->hi_closed)) {
            return ORDO_FEEL_FALSE;
        }
    }
    return ORDO_FEEL_TRUE;
}

bool ordo_feel_list_has(struct ordo_feel_ev *ev, const struct ordo_feel_value *l,
                        const struct ordo_feel_value *x)
{
    size_t n = ordo_feel_list_len(l);

    for (size_t i = 0; i < n; i++) {
        struct ordo_feel_value item = ordo_feel_list_at(l, i);

        if (!ordo_feel_step(ev, 1)) {
            return false;
        }
        if (ordo_feel_eq(ev, &item, x) == ORDO_FEEL_TRUE) {
            return true;
        }
    }
    return false;
}
