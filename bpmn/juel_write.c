/*
 * bpmn/juel_write.c - FEEL written as JUEL for the Camunda 7 export:
 * ordo_feel_to_juel() of bpmn/feel.h, the way back of bpmn/juel.c.
 *
 * The FEEL text is compiled (bpmn/feel_parse.c) and its tree printed as one
 * JUEL "${...}". The subset, each with the same meaning in both languages
 * for the values a condition meets:
 *   literals      null true false, numbers (plain decimals), strings
 *                 ('...' with \' and \\ escaped)
 *   names, paths  a, a.b.c (each part a Java identifier that JUEL does not
 *                 reserve: "and", "empty", "div", ... are refused)
 *   filters       a[n] with a positive whole number n -> a[n - 1] (FEEL
 *                 counts from 1, JUEL from 0)
 *   comparison    = != < <= > >= -> == != < <= > >=
 *   logic         and -> &&, or -> ||, not(x) -> !x
 *   negation      -x
 * Every operand that is itself an operation is parenthesised, so JUEL's
 * precedence never regroups it. Anything else (arithmetic, whose + joins
 * strings in FEEL but not in JUEL; functions; ranges; contexts; "if";
 * "for"; "in"; "between"; temporal literals) is ORDO_E_UNPROCESSABLE with a
 * message naming the construct, and the caller reports it.
 *
 * Where the two languages differ even inside the subset: FEEL compares
 * values of different kinds as null, JUEL coerces ("1" == 1 is true); and
 * null. FEEL propagates null (null and true, not(null), null < 1 are null;
 * only = and != compare it), where JUEL reads null as false (!, &&, ||)
 * or 0 (-), and null < 1 is false but null <= null true. Taken as a
 * condition (true or not), "a and b", "a or b", "a < 1" and "a = null"
 * come out the same in both; what does not is reported, since the caller
 * cannot see it in the text (null_note() below): not() and negation of a
 * value that may be null, a comparison of such a condition, <= and >=
 * between two values that may be null, a condition that is one value (a
 * null fails the condition in Camunda 7, "condition expression returns
 * null", where FEEL does not take the flow), and outside conditions (a
 * mapping's value) any operator that gives false for null where FEEL
 * gives null. A variable that is not set at all fails any JUEL expression
 * in Camunda 7 ("Cannot resolve identifier"); FEEL reads it as null: that
 * is said once in docs/camunda-export.md, not per expression.
 * bpmn/juel.c reads every translation back to the FEEL it came from (up
 * to parentheses).
 */
#include <stdbool.h>
#include <string.h>

#include "base/buf.h"
#include "base/decimal.h"
#include "base/text.h"
#include "bpmn/feel.h"
#include "bpmn/feel_internal.h"

struct writer {
    struct ordo_buf out;
    struct ordo_err *err;
    const char *src;
};

static enum ordo_code refuse(struct writer *w, const struct ordo_feel_node *n, const char *what)
{
    return ordo_err_set(w->err, ORDO_E_UNPROCESSABLE,
                        "%s (column %zu of \"%s\") cannot be written in JUEL", what, n->pos + 1,
                        w->src);
}

static bool juel_reserved(const char *s, size_t len)
{
    static const char *const words[] = {"and",        "or",    "not", "eq",   "ne",    "lt",
                                        "gt",         "le",    "ge",  "true", "false", "null",
                                        "instanceof", "empty", "div", "mod"};

    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (ordo_text_eq(s, len, words[i])) {
            return true;
        }
    }
    return false;
}

static bool java_identifier(const char *s, size_t len)
{
    if (len == 0 || ordo_is_digit((unsigned char)s[0])) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || ordo_is_digit(c) || c == '_' ||
              c == '$')) {
            return false;
        }
    }
    return !juel_reserved(s, len);
}

static enum ordo_code put_name(struct writer *w, const struct ordo_feel_node *n)
{
    if (!java_identifier(n->name, n->name_len)) {
        return ordo_err_set(w->err, ORDO_E_UNPROCESSABLE,
                            "the name \"%.*s\" (column %zu of \"%s\") is no JUEL identifier",
                            (int)n->name_len, n->name, n->pos + 1, w->src);
    }
    ordo_buf_append(&w->out, n->name, n->name_len);
    return ORDO_OK;
}

static void put_string(struct writer *w, const struct ordo_feel_str *s)
{
    ordo_buf_putc(&w->out, '\'');
    for (size_t i = 0; i < s->len; i++) {
        if (s->p[i] == '\'' || s->p[i] == '\\') {
            ordo_buf_putc(&w->out, '\\');
        }
        ordo_buf_putc(&w->out, s->p[i]);
    }
    ordo_buf_putc(&w->out, '\'');
}

static enum ordo_code put_const(struct writer *w, const struct ordo_feel_node *n)
{
    char num[ORDO_DECIMAL_STR_MAX];

    switch (n->value.type) {
    case ORDO_FV_NULL:
        ordo_buf_puts(&w->out, "null");
        return ORDO_OK;
    case ORDO_FV_BOOL:
        ordo_buf_puts(&w->out, n->value.u.b ? "true" : "false");
        return ORDO_OK;
    case ORDO_FV_NUMBER:
        ordo_decimal_format(n->value.u.num, num);
        ordo_buf_puts(&w->out, num);
        return ORDO_OK;
    case ORDO_FV_STRING:
        put_string(w, &n->value.u.str);
        return ORDO_OK;
    default:
        return refuse(w, n, "a date, time or duration literal");
    }
}

static enum ordo_code put_node(struct writer *w, const struct ordo_feel_node *n);

static bool is_operation(const struct ordo_feel_node *n)
{
    return n->kind == ORDO_FK_CMP || n->kind == ORDO_FK_AND || n->kind == ORDO_FK_OR ||
           n->kind == ORDO_FK_NEG ||
           (n->kind == ORDO_FK_CALL && n->fn && strcmp(n->fn->name, "not") == 0);
}

static enum ordo_code put_operand(struct writer *w, const struct ordo_feel_node *n)
{
    enum ordo_code rc;

    if (!is_operation(n)) {
        return put_node(w, n);
    }
    ordo_buf_putc(&w->out, '(');
    rc = put_node(w, n);
    ordo_buf_putc(&w->out, ')');
    return rc;
}

static enum ordo_code put_binary(struct writer *w, const struct ordo_feel_node *n, const char *op)
{
    enum ordo_code rc = put_operand(w, n->a);

    if (rc != ORDO_OK) {
        return rc;
    }
    ordo_buf_puts(&w->out, op);
    return put_operand(w, n->b);
}

static const char *cmp_op(int op)
{
    switch (op) {
    case ORDO_FOP_EQ:
        return " == ";
    case ORDO_FOP_NE:
        return " != ";
    case ORDO_FOP_LT:
        return " < ";
    case ORDO_FOP_LE:
        return " <= ";
    case ORDO_FOP_GT:
        return " > ";
    default:
        return " >= ";
    }
}

/* a[n] with a constant positive whole n: JUEL counts from 0. */
static enum ordo_code put_filter(struct writer *w, const struct ordo_feel_node *n)
{
    int64_t index;
    enum ordo_code rc;

    if (n->b->kind != ORDO_FK_CONST || n->b->value.type != ORDO_FV_NUMBER ||
        !ordo_decimal_to_int64(n->b->value.u.num, &index) || index < 1) {
        return refuse(w, n, "a filter other than a positive list index");
    }
    rc = put_operand(w, n->a);
    ordo_buf_printf(&w->out, "[%lld]", (long long)(index - 1));
    return rc;
}

static enum ordo_code put_node(struct writer *w, const struct ordo_feel_node *n)
{
    enum ordo_code rc;

    switch (n->kind) {
    case ORDO_FK_CONST:
        return put_const(w, n);
    case ORDO_FK_NAME:
        return put_name(w, n);
    case ORDO_FK_PATH:
        rc = put_operand(w, n->a);
        ordo_buf_putc(&w->out, '.');
        return rc != ORDO_OK ? rc : put_name(w, n);
    case ORDO_FK_FILTER:
        return put_filter(w, n);
    case ORDO_FK_CMP:
        return put_binary(w, n, cmp_op(n->op));
    case ORDO_FK_AND:
        return put_binary(w, n, " && ");
    case ORDO_FK_OR:
        return put_binary(w, n, " || ");
    case ORDO_FK_NEG:
        ordo_buf_putc(&w->out, '-');
        return put_operand(w, n->a);
    case ORDO_FK_CALL:
        if (n->fn && strcmp(n->fn->name, "not") == 0 && n->n == 1) {
            ordo_buf_putc(&w->out, '!');
            return put_operand(w, n->kids[0]);
        }
        return refuse(w, n, "a function call");
    case ORDO_FK_ARITH:
        return refuse(w, n, "arithmetic (FEEL's + also joins strings, JUEL's does not)");
    default:
        return refuse(w, n, "this construct");
    }
}

/* ---- null ---- */

/* Can 'n' be null in FEEL when a variable it reads is null or not set?
 * Only = and != always give a boolean. */
static bool may_be_null(const struct ordo_feel_node *n)
{
    switch (n->kind) {
    case ORDO_FK_CONST:
        return n->value.type == ORDO_FV_NULL;
    case ORDO_FK_CMP:
        return n->op != ORDO_FOP_EQ && n->op != ORDO_FOP_NE;
    case ORDO_FK_AND:
    case ORDO_FK_OR:
        return may_be_null(n->a) || may_be_null(n->b);
    case ORDO_FK_CALL: /* not(x), the only call written */
        return may_be_null(n->kids[0]);
    case ORDO_FK_NEG:
        return may_be_null(n->a);
    default: /* names, paths, list indexes */
        return true;
    }
}

/* Is 'n' a condition, whose null JUEL reads as false? */
static bool is_logic(const struct ordo_feel_node *n)
{
    return is_operation(n) && n->kind != ORDO_FK_NEG;
}

/* Where the JUEL written for 'n' means something else than the FEEL when a
 * value is null (the header comment's list), or NULL. 'value': 'n' is
 * used as a value (a mapping), not only tested for true. */
static const char *null_differs(const struct ordo_feel_node *n, bool value)
{
    const struct ordo_feel_node *a = n->kind == ORDO_FK_CALL ? n->kids[0] : n->a;
    const struct ordo_feel_node *b = n->kind == ORDO_FK_CALL ? NULL : n->b;
    const char *why;

    if (n->kind == ORDO_FK_CALL && may_be_null(a)) {
        return "not() of null is null in FEEL, true in JUEL (which reads null as false)";
    }
    if (n->kind == ORDO_FK_NEG && may_be_null(a)) {
        return "negating null gives null in FEEL, 0 in JUEL (which reads null as 0)";
    }
    if (n->kind == ORDO_FK_CMP &&
        ((is_logic(a) && may_be_null(a)) || (is_logic(b) && may_be_null(b)))) {
        return "a comparison of a condition that is null compares null in FEEL, false in JUEL "
               "(which reads null as false)";
    }
    if (n->kind == ORDO_FK_CMP && (n->op == ORDO_FOP_LE || n->op == ORDO_FOP_GE) &&
        may_be_null(a) && may_be_null(b)) {
        return "<= and >= of two nulls are null in FEEL, true in JUEL";
    }
    if (value && is_logic(n) && may_be_null(n)) {
        return "with a null operand this is null in FEEL, false in JUEL (which reads null as "
               "false)";
    }
    why = a ? null_differs(a, value) : NULL;
    return (why || !b) ? why : null_differs(b, value);
}

static const char *null_note(const struct ordo_feel_node *root, bool condition)
{
    if (condition && !is_logic(root) && may_be_null(root)) {
        return "a null value fails the condition in Camunda 7 (\"condition expression returns "
               "null\"), where FEEL does not take the flow";
    }
    return null_differs(root, !condition);
}

/* ---- the entry ---- */

enum ordo_code ordo_feel_to_juel(struct ordo_arena *arena, const char *feel, bool condition,
                                 const char **juel_out, const char **null_note_out,
                                 struct ordo_err *err)
{
    struct ordo_arena *scratch = ordo_arena_new();
    const struct ordo_feel_expr *expr;
    struct writer w = {.err = err, .src = feel};
    enum ordo_code rc;

    ordo_buf_init(&w.out);
    rc = ordo_feel_compile(scratch, feel, strlen(feel), NULL, &expr, err);
    if (rc == ORDO_OK) {
        ordo_buf_puts(&w.out, "${");
        rc = put_node(&w, expr->root);
        ordo_buf_putc(&w.out, '}');
    }
    if (rc == ORDO_OK) {
        *juel_out = ordo_arena_strdup(arena, ordo_buf_cstr(&w.out));
        if (null_note_out) {
            *null_note_out = null_note(expr->root, condition);
        }
    }
    ordo_buf_cleanup(&w.out);
    ordo_arena_free(scratch);
    return rc;
}
