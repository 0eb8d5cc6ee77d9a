/*
 * bpmn/feel_builtin.c - the table of built-in functions, and the built-ins
 * for booleans, conversion, numbers and contexts.
 *
 * Parameters are positional only (named parameters are refused when an
 * expression is compiled). Each function checks its own argument types and
 * answers null for anything else, as FEEL does; the number of arguments was
 * checked by the compiler against the table's arity.
 *
 * The string functions live in feel_builtin_text.c, the list functions in
 * feel_builtin_list.c, the temporal ones in feel_builtin_time.c.
 */
#include <string.h>

#include "base/text.h"
#include "bpmn/feel_internal.h"

bool ordo_feel_arg_int(const struct ordo_feel_value *v, int64_t *out)
{
    return v->type == ORDO_FV_NUMBER && ordo_decimal_to_int64(v->u.num, out);
}

static struct ordo_feel_value bi_not(struct ordo_feel_ev *ev, const struct ordo_feel_value *args,
                                     size_t n)
{
    (void)ev;
    (void)n;
    return args[0].type == ORDO_FV_BOOL ? ordo_feel_bool(!args[0].u.b) : ordo_feel_null();
}

static struct ordo_feel_value bi_string(struct ordo_feel_ev *ev, const struct ordo_feel_value *args,
                                        size_t n)
{
    (void)n;
    return ordo_feel_to_string(ev, &args[0]);
}

/* Copy 'from' into 'buf' without the grouping separator and with '.' as the
 * decimal separator; false when it does not fit. */
static bool normalise_number(struct ordo_feel_str from, const struct ordo_feel_value *group,
                             const struct ordo_feel_value *dec, char *buf, size_t size)
{
    char g = '\0';
    char d = '.';
    size_t n = 0;

    if (group->type == ORDO_FV_STRING) {
        g = group->u.str.p[0];
    }
    if (dec->type == ORDO_FV_STRING) {
        d = dec->u.str.p[0];
    }
    for (size_t i = 0; i < from.len; i++) {
        char c = from.p[i];

        if (g && c == g) {
            continue;
        }
        if (n + 1 >= size) {
            return false;
        }
        if (c == d) {
            c = '.';
        } else if (c == '.') {
            return false; /* a '.' that is not the decimal separator */
        }
        buf[n++] = c;
    }
    buf[n] = '\0';
    return true;
}

static bool separator_ok(const struct ordo_feel_value *v, bool grouping)
{
    if (v->type == ORDO_FV_NULL) {
        return true;
    }
    if (v->type != ORDO_FV_STRING || v->u.str.len != 1) {
        return false;
    }
    return strchr(grouping ? " ,." : ",.", v->u.str.p[0]) != NULL && v->u.str.p[0] != '\0';
}

/* number(from) and number(from, grouping separator, decimal separator). */
static struct ordo_feel_value bi_number(struct ordo_feel_ev *ev, const struct ordo_feel_value *args,
                                        size_t n)
{
    static const struct ordo_feel_value none = {.type = ORDO_FV_NULL};
    const struct ordo_feel_value *group = n == 3 ? &args[1] : &none;
    const struct ordo_feel_value *dec = n == 3 ? &args[2] : &none;
    char buf[128];
    struct ordo_decimal d;

    if (args[0].type != ORDO_FV_STRING || !ordo_feel_charge_scan(ev, args[0].u.str.len) ||
        !separator_ok(group, true) || !separator_ok(dec, false) ||
        (group->type == ORDO_FV_STRING && dec->type == ORDO_FV_STRING &&
         group->u.str.p[0] == dec->u.str.p[0]) ||
        memchr(args[0].u.str.p, '\0', args[0].u.str.len) ||
        !normalise_number(args[0].u.str, group, dec, buf, sizeof(buf)) ||
        ordo_decimal_parse(buf, &d, NULL) != ORDO_OK) {
        return ordo_feel_null();
    }
    return ordo_feel_number(d);
}

/* round(n, scale) in 'mode'; a missing scale is 0. */
static struct ordo_feel_value rounded(const struct ordo_feel_value *args, size_t n,
                                      enum ordo_decimal_rounding mode)
{
    struct ordo_decimal d;
    int64_t scale = 0;

    if (args[0].type != ORDO_FV_NUMBER || (n > 1 && !ordo_feel_arg_int(&args[1], &scale)) ||
        scale < -6111 || scale > 6176 ||
        ordo_decimal_round(args[0].u.num, (int32_t)scale, mode, &d, NULL) != ORDO_OK) {
        return ordo_feel_null();
    }
    return ordo_feel_number(d);
}

#define ROUNDING(fn, mode)                                                                        \
    static struct ordo_feel_value fn(struct ordo_feel_ev *ev, const struct ordo_feel_value *args, \
                                     size_t n)                                                    \
    {                                                                                             \
        (void)ev;                                                                                 \
        return rounded(args, n, mode);                                                            \
    }

ROUNDING(bi_decimal, ORDO_DECIMAL_HALF_EVEN)
ROUNDING(bi_floor, ORDO_DECIMAL_FLOOR)
ROUNDING(bi_ceiling, ORDO_DECIMAL_CEILING)
ROUNDING(bi_round_half_up, ORDO_DECIMAL_HALF_UP)
ROUNDING(bi_round_half_down, ORDO_DECIMAL_HALF_DOWN)
ROUNDING(bi_round_up, ORDO_DECIMAL_UP)
ROUNDING(bi_round_down, ORDO_DECIMAL_DOWN)

static struct ordo_feel_value bi_abs(struct ordo_feel_ev *ev, const struct ordo_feel_value *args,
                                     size_t n)
{
    (void)ev;
    (void)n;
    switch (args[0].type) {
    case ORDO_FV_NUMBER:
        return ordo_feel_number(ordo_decimal_abs(args[0].u.num));
    case ORDO_FV_DT_DURATION:
        return args[0].u.dur.sec < 0 ? ordo_feel_negate(&args[0]) : args[0];
    case ORDO_FV_YM_DURATION:
        return args[0].u.months < 0 ? ordo_feel_negate(&args[0]) : args[0];
    default:
        return ordo_feel_null();
    }
}

static struct ordo_feel_value bi_modulo(struct ordo_feel_ev *ev, const struct ordo_feel_value *args,
                                        size_t n)
{
    struct ordo_decimal d;

    (void)ev;
    (void)n;
    if (args[0].type != ORDO_FV_NUMBER || args[1].type != ORDO_FV_NUMBER ||
        ordo_decimal_mod(args[0].u.num, args[1].u.num, &d, NULL) != ORDO_OK) {
        return ordo_feel_null();
    }
    return ordo_feel_number(d);
}

/* odd() and even(): null for a number that is not an integer. */
static struct ordo_feel_value parity(const struct ordo_feel_value *v, bool odd)
{
    struct ordo_decimal r;

    if (v->type != ORDO_FV_NUMBER || !ordo_decimal_is_integer(v->u.num) ||
        ordo_decimal_mod(v->u.num, ordo_decimal_from_int(2), &r, NULL) != ORDO_OK) {
        return ordo_feel_null();
    }
    return ordo_feel_bool(ordo_decimal_is_zero(r) != odd);
}

static struct ordo_feel_value bi_odd(struct ordo_feel_ev *ev, const struct ordo_feel_value *args,
                                     size_t n)
{
    (void)ev;
    (void)n;
    return parity(&args[0], true);
}

static struct ordo_feel_value bi_even(struct ordo_feel_ev *ev, const struct ordo_feel_value *args,
                                      size_t n)
{
    (void)ev;
    (void)n;
    return parity(&args[0], false);
}

static struct ordo_feel_value bi_get_value(struct ordo_feel_ev *ev,
                                           const struct ordo_feel_value *args, size_t n)
{
    (void)n;
    /* The lookup hashes or compares the whole key. */
    if (args[0].type != ORDO_FV_CONTEXT || args[1].type != ORDO_FV_STRING ||
        !ordo_feel_charge_scan(ev, args[1].u.str.len)) {
        return ordo_feel_null();
    }
    return ordo_feel_ctx_get(&args[0], args[1].u.str.p, args[1].u.str.len, NULL);
}

/* get entries(m): [{key: "a", value: 1}, ...] */
static struct ordo_feel_value bi_get_entries(struct ordo_feel_ev *ev,
                                             const struct ordo_feel_value *args, size_t n)
{
    static const struct ordo_feel_str names[2] = {{"key", 3}, {"value", 5}};
    const struct ordo_feel_ctx *c;
    struct ordo_feel_ctx *entries;
    struct ordo_feel_value *items;
    struct ordo_feel_value *pairs;

    (void)n;
    if (args[0].type != ORDO_FV_CONTEXT || !(c = ordo_feel_ctx_entries(ev, &args[0])) ||
        !ordo_feel_step(ev, c->n) || !(items = ordo_feel_items(ev, c->n)) ||
        !(entries = ordo_feel_alloc(ev, (c->n + 1) * sizeof(*entries))) ||
        !(pairs = ordo_feel_alloc(ev, (2 * c->n + 1) * sizeof(*pairs)))) {
        return ordo_feel_null();
    }
    for (size_t i = 0; i < c->n; i++) {
        pairs[2 * i] = ordo_feel_string(c->keys[i].p, c->keys[i].len);
        pairs[2 * i + 1] = c->vals[i];
        entries[i].keys = names;
        entries[i].vals = &pairs[2 * i];
        entries[i].n = 2;
        items[i].type = ORDO_FV_CONTEXT;
        items[i].u.ctx.ctx = &entries[i];
    }
    return ordo_feel_list(items, c->n);
}

#define ONE        ORDO_FEEL_ARITY(1)
#define TWO        ORDO_FEEL_ARITY(2)
#define THREE      ORDO_FEEL_ARITY(3)
#define ONE_OR_TWO (ORDO_FEEL_ARITY(1) | ORDO_FEEL_ARITY(2))

/* The one table: name, accepted argument counts, function. "is defined"
 * has no function: it looks at its argument unevaluated (feel_eval.c). */
static const struct ordo_feel_builtin builtins[] = {
    /* booleans and conversion */
    {"not", ONE, bi_not},
    {"is defined", ONE, NULL},
    {"string", ONE, bi_string},
    {"number", ONE | THREE, bi_number},
    /* temporal */
    {"date", ONE | THREE, ordo_feel_bi_date},
    {"time", ONE | THREE | ORDO_FEEL_ARITY(4), ordo_feel_bi_time},
    {"date and time", ONE_OR_TWO, ordo_feel_bi_date_and_time},
    {"duration", ONE, ordo_feel_bi_duration},
    {"years and months duration", TWO, ordo_feel_bi_ym_duration},
    {"now", ORDO_FEEL_ARITY(0), ordo_feel_bi_now},
    {"today", ORDO_FEEL_ARITY(0), ordo_feel_bi_today},
    {"day of week", ONE, ordo_feel_bi_day_of_week},
    {"month of year", ONE, ordo_feel_bi_month_of_year},
    /* strings */
    {"substring", TWO | THREE, ordo_feel_bi_substring},
    {"string length", ONE, ordo_feel_bi_string_length},
    {"upper case", ONE, ordo_feel_bi_upper_case},
    {"lower case", ONE, ordo_feel_bi_lower_case},
    {"substring before", TWO, ordo_feel_bi_substring_before},
    {"substring after", TWO, ordo_feel_bi_substring_after},
    {"contains", TWO, ordo_feel_bi_contains},
    {"starts with", TWO, ordo_feel_bi_starts_with},
    {"ends with", TWO, ordo_feel_bi_ends_with},
    {"string join", ONE_OR_TWO, ordo_feel_bi_string_join},
    /* lists */
    {"list contains", TWO, ordo_feel_bi_list_contains},
    {"count", ONE, ordo_feel_bi_count},
    {"min", ORDO_FEEL_ARITY_FROM(1), ordo_feel_bi_min},
    {"max", ORDO_FEEL_ARITY_FROM(1), ordo_feel_bi_max},
    {"sum", ORDO_FEEL_ARITY_FROM(1), ordo_feel_bi_sum},
    {"mean", ORDO_FEEL_ARITY_FROM(1), ordo_feel_bi_mean},
    {"product", ORDO_FEEL_ARITY_FROM(1), ordo_feel_bi_product},
    {"all", ORDO_FEEL_ARITY_FROM(1), ordo_feel_bi_all},
    {"any", ORDO_FEEL_ARITY_FROM(1), ordo_feel_bi_any},
    {"sublist", TWO | THREE, ordo_feel_bi_sublist},
    {"append", ORDO_FEEL_ARITY_FROM(1), ordo_feel_bi_append},
    {"concatenate", ORDO_FEEL_ARITY_FROM(0), ordo_feel_bi_concatenate},
    {"insert before", THREE, ordo_feel_bi_insert_before},
    {"remove", TWO, ordo_feel_bi_remove},
    {"reverse", ONE, ordo_feel_bi_reverse},
    {"index of", TWO, ordo_feel_bi_index_of},
    {"union", ORDO_FEEL_ARITY_FROM(0), ordo_feel_bi_union},
    {"distinct values", ONE, ordo_feel_bi_distinct_values},
    {"flatten", ONE, ordo_feel_bi_flatten},
    /* numbers */
    {"decimal", TWO, bi_decimal},
    {"floor", ONE_OR_TWO, bi_floor},
    {"ceiling", ONE_OR_TWO, bi_ceiling},
    {"round half up", ONE_OR_TWO, bi_round_half_up},
    {"round half down", ONE_OR_TWO, bi_round_half_down},
    {"round up", ONE_OR_TWO, bi_round_up},
    {"round down", ONE_OR_TWO, bi_round_down},
    {"abs", ONE, bi_abs},
    {"modulo", TWO, bi_modulo},
    {"odd", ONE, bi_odd},
    {"even", ONE, bi_even},
    /* contexts */
    {"get value", TWO, bi_get_value},
    {"get entries", ONE, bi_get_entries},
};

const struct ordo_feel_builtin *ordo_feel_builtin_find(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
        if (ordo_text_eq(name, len, builtins[i].name)) {
            return &builtins[i];
        }
    }
    return NULL;
}

/* The length of 'name' at 's' when its words are separated by blanks there
 * and it is followed by "(" (after blanks), else 0. */
static size_t match_call(const char *s, size_t len, const char *name)
{
    size_t i = 0;
    size_t j;

    for (const char *w = name; *w; w++) {
        if (*w != ' ') {
            if (i >= len || s[i] != *w) {
                return 0;
            }
            i++;
            continue;
        }
        if (i >= len || !ordo_is_space((unsigned char)s[i])) {
            return 0;
        }
        while (i < len && ordo_is_space((unsigned char)s[i])) {
            i++;
        }
    }
    if (i < len && ordo_feel_name_char(s + i, len - i, false)) {
        return 0;
    }
    for (j = i; j < len && ordo_is_space((unsigned char)s[j]); j++) {
    }
    return j < len && s[j] == '(' ? i : 0;
}

size_t ordo_feel_builtin_prefix(const char *s, size_t len, const char **canonical)
{
    size_t best = 0;

    for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
        size_t n;

        if (!strchr(builtins[i].name, ' ')) {
            continue;
        }
        n = match_call(s, len, builtins[i].name);
        if (n > best) {
            best = n;
            *canonical = builtins[i].name;
        }
    }
    return best;
}
