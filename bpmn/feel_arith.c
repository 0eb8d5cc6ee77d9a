/*
 * bpmn/feel_arith.c - FEEL's + - * / ** and negation (DMN 1.3, 10.3.2.3).
 *
 * Numbers are decimals (base/decimal.h: 34 digits, half-even), so
 * 0.1 + 0.2 = 0.3 and 1 / 3 = 0.3333333333333333333333333333333333. null
 * in, null out; a type FEEL does not define the operator for, division by
 * zero and overflow are null too. + also joins two strings; dates, times and
 * durations go to feel_time.c.
 */
#include <math.h>
#include <string.h>

#include "bpmn/feel_internal.h"

static struct ordo_feel_value checked(enum ordo_code rc, struct ordo_decimal d)
{
    return rc == ORDO_OK ? ordo_feel_number(d) : ordo_feel_null();
}

/* a ** b: exact for an integer b, through doubles otherwise (as FEEL
 * engines do: DMN leaves non-integer exponents to the implementation). */
static struct ordo_feel_value power(struct ordo_decimal a, struct ordo_decimal b)
{
    struct ordo_decimal d;
    int64_t n;
    double x;

    if (ordo_decimal_to_int64(b, &n)) {
        return checked(ordo_decimal_pow(a, n, &d, NULL), d);
    }
    x = pow(ordo_decimal_to_double(a), ordo_decimal_to_double(b));
    if (!isfinite(x)) {
        return ordo_feel_null();
    }
    return checked(ordo_decimal_from_double(x, &d, NULL), d);
}

static struct ordo_feel_value number_arith(int op, struct ordo_decimal a, struct ordo_decimal b)
{
    struct ordo_decimal d;

    switch (op) {
    case ORDO_FOP_ADD:
        return checked(ordo_decimal_add(a, b, &d, NULL), d);
    case ORDO_FOP_SUB:
        return checked(ordo_decimal_sub(a, b, &d, NULL), d);
    case ORDO_FOP_MUL:
        return checked(ordo_decimal_mul(a, b, &d, NULL), d);
    case ORDO_FOP_DIV:
        return checked(ordo_decimal_div(a, b, &d, NULL), d);
    default:
        return power(a, b);
    }
}

static struct ordo_feel_value concat(struct ordo_feel_ev *ev, const struct ordo_feel_value *a,
                                     const struct ordo_feel_value *b)
{
    size_t len = a->u.str.len + b->u.str.len;
    char *p;

    if (b->u.str.len == 0 || a->u.str.len == 0) {
        return b->u.str.len == 0 ? *a : *b;
    }
    if (!(p = ordo_feel_chars(ev, len))) {
        return ordo_feel_null();
    }
    memcpy(p, a->u.str.p, a->u.str.len);
    memcpy(p + a->u.str.len, b->u.str.p, b->u.str.len);
    return ordo_feel_string(p, len);
}

struct ordo_feel_value ordo_feel_arith(struct ordo_feel_ev *ev, int op,
                                       const struct ordo_feel_value *a,
                                       const struct ordo_feel_value *b)
{
    if (a->type == ORDO_FV_NULL || b->type == ORDO_FV_NULL) {
        return ordo_feel_null();
    }
    if (a->type == ORDO_FV_NUMBER && b->type == ORDO_FV_NUMBER) {
        return number_arith(op, a->u.num, b->u.num);
    }
    if (op == ORDO_FOP_ADD && a->type == ORDO_FV_STRING && b->type == ORDO_FV_STRING) {
        return concat(ev, a, b);
    }
    if (op == ORDO_FOP_ADD || op == ORDO_FOP_SUB) {
        return ordo_feel_time_arith(ev, op, a, b);
    }
    if (op == ORDO_FOP_MUL || op == ORDO_FOP_DIV) {
        return ordo_feel_duration_scale(a, b, op);
    }
    return ordo_feel_null();
}

struct ordo_feel_value ordo_feel_negate(const struct ordo_feel_value *a)
{
    struct ordo_feel_value v = *a;

    switch (a->type) {
    case ORDO_FV_NUMBER:
        v.u.num = ordo_decimal_neg(a->u.num);
        return v;
    case ORDO_FV_DT_DURATION:
        v.u.dur.sec = -a->u.dur.sec - (a->u.dur.nano > 0);
        v.u.dur.nano = a->u.dur.nano > 0 ? ORDO_FEEL_NANOS_PER_SEC - a->u.dur.nano : 0;
        return v;
    case ORDO_FV_YM_DURATION:
        v.u.months = -a->u.months;
        return v;
    default:
        return ordo_feel_null();
    }
}
