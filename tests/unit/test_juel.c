/*
 * bpmn/juel.c: simple JUEL translated to FEEL (ordo_feel_from_juel).
 *
 * Three tables. 'translations' pins the FEEL text for every supported
 * construct, precedence, grouping, quoting and number forms. 'refusals'
 * gives every refused construct and malformed input with a fragment of
 * the message it must produce. 'evaluations' compiles a translation with
 * the FEEL evaluator and checks that it yields what JUEL gives for the
 * same variables (cases where JUEL and FEEL semantics differ on purpose
 * are documented in bpmn/juel.c and left out).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <check.h>
#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "bpmn/feel.h"
#include "tests/unit/check_main.h"

static struct ordo_arena *arena;

static void setup(void)
{
    arena = ordo_arena_new();
}

static void teardown(void)
{
    ordo_arena_free(arena);
}

/* clang-format off */
static const struct {
    const char *juel, *feel;
} translations[] = {
    /* names, paths, literals */
    {"${approved}", "approved"},
    {"#{approved}", "approved"},
    {"  ${approved}\n", "approved"},
    {"${ order.customer.name }", "order.customer.name"},
    {"${_x1}", "_x1"},
    {"${gr\xc3\xb6\xc3\x9f" "e}", "gr\xc3\xb6\xc3\x9f" "e"},
    {"${true}", "true"},
    {"${false}", "false"},
    {"${null}", "null"},
    {"${items[0]}", "items[1]"},
    {"${items[2].price}", "items[3].price"},
    {"${order['total']}", "order.total"},
    {"${order[\"total\"].net}", "order.total.net"},
    {"${m['a'][0]['b']}", "m.a[1].b"},
    {"${$x}", "$x"},
    {"${a.$b_1}", "a.$b_1"},
    {"${external}", "external"},
    /* numbers */
    {"${42}", "42"},
    {"${1.5}", "1.5"},
    {"${.5}", "0.5"},
    {"${5.}", "5"},
    {"${007}", "7"},
    {"${1.50}", "1.5"},
    {"${0.0}", "0"},
    {"${1.5e3}", "1500"},
    {"${2.5E-3}", "0.0025"},
    {"${1E+2}", "100"},
    {"${12e-1}", "1.2"},
    /* strings */
    {"${'abc'}", "\"abc\""},
    {"${\"abc\"}", "\"abc\""},
    {"${'it\\'s'}", "\"it's\""},
    {"${\"say \\\"hi\\\"\"}", "\"say \\\"hi\\\"\""},
    {"${'say \"hi\"'}", "\"say \\\"hi\\\"\""},
    {"${'a\\\\b'}", "\"a\\\\b\""},
    {"${'tab\there'}", "\"tab\\there\""},
    {"${'two\nlines'}", "\"two\\nlines\""},
    {"${'}'}", "\"}\""},
    {"${''}", "\"\""},
    {"${'a\x01'}", "\"a\\u0001\""},
    /* logic */
    {"${a && b}", "a and b"},
    {"${a and b}", "a and b"},
    {"${a || b}", "a or b"},
    {"${a or b}", "a or b"},
    {"${!x}", "not(x)"},
    {"${not x}", "not(x)"},
    {"${!!x}", "not(not(x))"},
    {"${!(a == b)}", "not(a = b)"},
    {"${!a == b}", "not(a) = b"},
    /* comparison */
    {"${a == b}", "a = b"},
    {"${a eq 'x'}", "a = \"x\""},
    {"${a != b}", "a != b"},
    {"${a ne b}", "a != b"},
    {"${amount > 1000}", "amount > 1000"},
    {"${a gt b}", "a > b"},
    {"${a >= b}", "a >= b"},
    {"${a ge b}", "a >= b"},
    {"${a < b}", "a < b"},
    {"${a lt b}", "a < b"},
    {"${a <= b}", "a <= b"},
    {"${a le b}", "a <= b"},
    {"${x == null}", "x = null"},
    /* arithmetic */
    {"${a + b - c}", "a + b - c"},
    {"${a * b / c}", "a * b / c"},
    {"${a div b}", "a / b"},
    {"${a % b}", "modulo(a, b)"},
    {"${a mod b}", "modulo(a, b)"},
    {"${(a + b) % c}", "modulo(a + b, c)"},
    {"${-a}", "-a"},
    {"${- -a}", "-(-a)"},
    {"${-(a + b)}", "-(a + b)"},
    {"${a - -b}", "a - -b"},
    {"${-5 * 3}", "-5 * 3"},
    /* empty */
    {"${empty x}", "(if x = null or x = \"\" or x = [] or x = {} then true else false)"},
    {"${!empty order.items}", "not(if order.items = null or order.items = \"\" or "
                              "order.items = [] or order.items = {} then true else false)"},
    {"${not empty a && b}", "not(if a = null or a = \"\" or a = [] or a = {} then true else "
                            "false) and b"},
    /* precedence and grouping */
    {"${a || b && c}", "a or b and c"},
    {"${(a || b) && c}", "(a or b) and c"},
    {"${a && b || c && d}", "a and b or c and d"},
    {"${a + b * c}", "a + b * c"},
    {"${(a + b) * c}", "(a + b) * c"},
    {"${a - (b - c)}", "a - (b - c)"},
    {"${((a))}", "((a))"},
    {"${a < b == c < d}", "(a < b) = (c < d)"},
    {"${a == b == c}", "(a = b) = c"},
    {"${a == (b == c)}", "a = (b = c)"},
    {"${a == b < c}", "a = (b < c)"},
    {"${a + 1 > b * 2 && !done}", "a + 1 > b * 2 and not(done)"},
    {"${x.y>=1&&x.z!='n'}", "x.y >= 1 and x.z != \"n\""},
};

static const struct {
    const char *juel, *message; /* 'message' must occur in the error */
} refusals[] = {
    /* constructs JUEL has and Ordo refuses */
    {"${order.getTotal()}",
     "JUEL: method calls are not supported (\"order.getTotal()\" at column 9)"},
    {"${a.b.size() > 0}", "method calls are not supported (\"a.b.size()\" at column 7)"},
    {"${execution.getVariable('x')}", "method calls are not supported"},
    {"${f(x)}", "function calls are not supported (\"f(x)\" at column 3)"},
    {"${fn:length(x) > 2}", "function calls are not supported (\"fn:length(x)\" at column 3)"},
    {"${a ? b : c}", "the conditional operator ?: is not supported (\"a ? b : c\" at column 5)"},
    {"${(x > 1 ? 'a' : 'b')}", "the conditional operator ?: is not supported"},
    {"${a = 5}", "assignments are not supported (\"a = 5\" at column 5)"},
    {"${a += 'x'}", "string concatenation with += is not supported"},
    {"${a; b}", "several expressions separated by ';' are not supported"},
    {"${x -> x + 1}", "lambda expressions are not supported (\"x -> x + 1\" at column 5)"},
    {"${((a, b) -> a + b)(1, 2)}", "lambda expressions are not supported (\"(a, b) -> a + b)(1, 2)\""},
    {"${a instanceof java.lang.String}", "instanceof is not supported"},
    {"${[1, 2, 3]}", "collection literals are not supported (\"[1, 2, 3]\" at column 3)"},
    {"${{'a': 1}}", "collection literals are not supported"},
    {"${a[i]}", "computed indexes such as a[i] are not supported (\"a[i]\" at column 5)"},
    {"${a[i + 1]}", "computed indexes such as a[i] are not supported"},
    {"${a[-1]}", "computed indexes such as a[i] are not supported"},
    {"${a[1.5]}", "list indexes must be whole numbers"},
    {"${a['first name']}", "keys that are not plain names are not supported"},
    {"${if}", "names that are FEEL keywords cannot be translated (\"if\" at column 3)"},
    {"${a.for}", "names that are FEEL keywords cannot be translated (\"for\" at column 5)"},
    {"${a.some}", "names that are FEEL keywords cannot be translated (\"some\" at column 5)"},
    {"${1e999}", "numbers with an exponent beyond 100 are not supported"},
    /* templates and shape */
    {"Hello ${name}", "JUEL templates with text around ${...} are not supported"},
    {"${a} ${b}", "JUEL templates with text around ${...} are not supported"},
    {"${a}!", "JUEL templates with text around ${...} are not supported"},
    {"approved", "JUEL: the expression must be written as ${...} or #{...}"},
    {"$ {a}", "JUEL: the expression must be written as ${...} or #{...}"},
    {"${}", "JUEL: the expression is empty"},
    {"${  }", "JUEL: the expression is empty"},
    /* malformed */
    {"${a", "JUEL: missing '}' at the end of \"${a\""},
    {"${(a}", "JUEL: missing ')' for the '(' at column 3"},
    {"${a)}", "JUEL: unexpected \")\" at column 4"},
    {"${'abc}", "JUEL: unterminated string literal at column 3"},
    {"${\"abc'}", "JUEL: unterminated string literal at column 3"},
    {"${'a\\nb'}", "JUEL: invalid escape sequence in a string literal at column 5"},
    {"${a +}", "JUEL: the expression ends too early (\"a +\" at column 6)"},
    {"${a b}", "JUEL: unexpected \"b\" at column 5"},
    {"${a & b}", "JUEL: unexpected character '&' at column 5"},
    {"${status == \u201capproved\u201d}",
     "JUEL: unexpected character U+201C at column 13 (use straight quotes \")"},
    {"${status == \u2018approved\u2019}", "JUEL: unexpected character U+2018 at column 13"},
    {"${a\u00a0> 1}", "JUEL: unexpected character U+00A0 at column 4 (a no-break space)"},
    {"${a \u2265 1}", "JUEL: unexpected character U+2265 at column 5 (use >=)"},
    {"${a \xff}", "JUEL: unexpected byte 0xFF (not UTF-8) at column 5"},
    {"${a ==}", "the expression ends too early"},
    {"${a.}", "the expression ends too early"},
    {"${\n a &&\n b c}", "JUEL: unexpected \"c\" at line 3, column 4"},
};
/* clang-format on */

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

START_TEST(translates_supported_juel)
{
    struct ordo_err err = {0};
    const char *feel = NULL;
    enum ordo_code rc = ordo_feel_from_juel(arena, translations[_i].juel, &feel, &err);

    ck_assert_msg(rc == ORDO_OK, "%s: %s", translations[_i].juel, err.msg);
    ck_assert_str_eq(feel, translations[_i].feel);
}
END_TEST

START_TEST(refuses_with_a_message_naming_the_construct)
{
    struct ordo_err err = {0};
    const char *feel = NULL;
    enum ordo_code rc = ordo_feel_from_juel(arena, refusals[_i].juel, &feel, &err);

    ck_assert_msg(rc == ORDO_E_UNPROCESSABLE, "%s translated to %s", refusals[_i].juel,
                  feel ? feel : "(nothing)");
    ck_assert_ptr_null(feel);
    ck_assert_msg(strstr(err.msg, refusals[_i].message), "%s: message \"%s\" lacks \"%s\"",
                  refusals[_i].juel, err.msg, refusals[_i].message);
}
END_TEST

/* "${((...(a)...))}" with 'n' pairs of parentheses. */
static const char *nest_parens(size_t n)
{
    char *buf = ordo_arena_alloc(arena, 2 * n + 8); /* zeroed: terminated */
    size_t o = 0, i;

    buf[o++] = '$';
    buf[o++] = '{';
    for (i = 0; i < n; i++) {
        buf[o++] = '(';
    }
    buf[o++] = 'a';
    for (i = 0; i < n; i++) {
        buf[o++] = ')';
    }
    buf[o] = '}';
    return buf;
}

/* "${<op><op>...a}" with 'n' prefix operators 'op'. */
static const char *nest_prefix(const char *op, size_t n)
{
    const char *s = "${a}";
    size_t i;

    for (i = 0; i < n; i++) {
        s = ordo_arena_printf(arena, "${%s%s", op, s + 2);
    }
    return s;
}

START_TEST(bounds_input_size_nesting_and_output)
{
    size_t size = (size_t)16 * 1024 + 1;
    char *big = ordo_arena_alloc(arena, size + 1);
    struct ordo_err err = {0};
    const char *feel = NULL;

    /* More than 16 KiB of text is refused before anything is read. */
    memset(big, ' ', size);
    big[0] = '$';
    big[1] = '{';
    big[2] = 'a';
    big[3] = '}';
    ck_assert_int_eq(ordo_feel_from_juel(arena, big, &feel, &err), ORDO_E_UNPROCESSABLE);
    ck_assert_ptr_nonnull(strstr(err.msg, "longer than 16384 bytes"));
    big[size - 1] = '\0'; /* exactly 16 KiB is fine */
    ck_assert_int_eq(ordo_feel_from_juel(arena, big, &feel, NULL), ORDO_OK);

    /* The whole expression and 63 parentheses are 64 levels; one more is refused. */
    memset(&err, 0, sizeof(err));
    ck_assert_int_eq(ordo_feel_from_juel(arena, nest_parens(63), &feel, &err), ORDO_OK);
    ck_assert_int_eq(ordo_feel_from_juel(arena, nest_parens(64), &feel, &err),
                     ORDO_E_UNPROCESSABLE);
    ck_assert_ptr_nonnull(strstr(err.msg, "nested deeper than 64 levels"));

    /* 'empty' repeats its operand: nested, the translation would explode. */
    memset(&err, 0, sizeof(err));
    ck_assert_int_eq(ordo_feel_from_juel(arena, nest_prefix("empty ", 4), &feel, &err), ORDO_OK);
    ck_assert_int_eq(ordo_feel_from_juel(arena, nest_prefix("empty ", 20), &feel, &err),
                     ORDO_E_UNPROCESSABLE);
    ck_assert_ptr_nonnull(strstr(err.msg, "FEEL translation would be longer than 16384 bytes"));
}
END_TEST

START_TEST(unary_chains_count_toward_the_nesting_bound)
{
    struct ordo_err err = {0};
    const char *feel = NULL;

    ck_assert_int_eq(ordo_feel_from_juel(arena, nest_prefix("!", 63), &feel, &err), ORDO_OK);
    ck_assert_int_eq(ordo_feel_from_juel(arena, nest_prefix("-", 70), &feel, &err),
                     ORDO_E_UNPROCESSABLE);
    ck_assert_ptr_nonnull(strstr(err.msg, "nested deeper than 64 levels"));
}
END_TEST

START_TEST(output_lives_in_the_callers_arena_and_errors_keep_the_first_message)
{
    struct ordo_err err = {0};
    const char *feel = NULL;
    char juel[] = "${a && b}";

    ck_assert_int_eq(ordo_feel_from_juel(arena, juel, &feel, &err), ORDO_OK);
    memset(juel, 'x', sizeof(juel) - 1); /* the result does not point into the input */
    ck_assert_str_eq(feel, "a and b");

    ck_assert_int_eq(ordo_feel_from_juel(arena, "${a ? b : c}", &feel, &err), ORDO_E_UNPROCESSABLE);
    ck_assert_int_eq(ordo_feel_from_juel(arena, "${f(x)}", &feel, &err), ORDO_E_UNPROCESSABLE);
    ck_assert_ptr_nonnull(strstr(err.msg, "conditional operator"));
    ck_assert_int_eq(ordo_feel_from_juel(arena, "${f(x)}", &feel, NULL), ORDO_E_UNPROCESSABLE);
}
END_TEST

/* The peak memory of this process, in KiB. */
static long peak_kib(void)
{
    struct rusage u;

    ck_assert_int_eq(getrusage(RUSAGE_SELF, &u), 0);
    return u.ru_maxrss;
}

/* The translation is printed once, not rebuilt at every operator: a sum of
 * 4000 terms (8 KB) once took 35 MB, since each '+' copied all the text
 * before it. The scratch arena is freed inside the call, so the peak memory
 * of the process is what shows it. */
START_TEST(long_chains_take_memory_in_proportion_to_their_length)
{
    size_t terms = 4000;
    char *juel = ordo_arena_alloc(arena, 2 * terms + 3); /* "${a+a+...+a}" */
    struct ordo_err err = {0};
    const char *feel = NULL;
    size_t o;
    long before;

    o = (size_t)snprintf(juel, 2 * terms + 3, "${a");
    while (o < 2 * terms + 1) {
        o += (size_t)snprintf(juel + o, 2 * terms + 3 - o, "+a");
    }
    o += (size_t)snprintf(juel + o, 2 * terms + 3 - o, "}");
    before = peak_kib();
    ck_assert_int_eq(ordo_feel_from_juel(arena, juel, &feel, &err), ORDO_OK);
    ck_assert_msg(peak_kib() - before < 4096, "translating %zu bytes raised the peak by %ld KiB", o,
                  peak_kib() - before);
    ck_assert_uint_eq(strlen(feel), 4 * (terms - 1) + 1);
    ck_assert(strncmp(feel, "a + a + a", 9) == 0);
}
END_TEST

/* ---- translated FEEL runs as JUEL would ----
 * 'vars' is a JSON object of variables; 'want' the JSON the FEEL result
 * must equal (an integral number is a JSON integer). */

/* clang-format off */
static const struct {
    const char *juel, *vars, *want;
} evaluations[] = {
    {"${approved}", "{\"approved\": true}", "true"},
    {"${approved}", "{\"approved\": false}", "false"},
    {"${amount > 1000}", "{\"amount\": 1500}", "true"},
    {"${amount > 1000}", "{\"amount\": 999.5}", "false"},
    {"${a && b}", "{\"a\": true, \"b\": false}", "false"},
    {"${a || b && c}", "{\"a\": true, \"b\": false, \"c\": false}", "true"},
    {"${(a || b) && c}", "{\"a\": true, \"b\": false, \"c\": false}", "false"},
    {"${!approved}", "{\"approved\": false}", "true"},
    {"${not approved}", "{\"approved\": true}", "false"},
    {"${a == b}", "{\"a\": \"x\", \"b\": \"x\"}", "true"},
    {"${a != 'x'}", "{\"a\": \"y\"}", "true"},
    {"${a eq 2}", "{\"a\": 2.0}", "true"},
    {"${x == null}", "{}", "true"},
    {"${x != null}", "{\"x\": 0}", "true"},
    {"${a + b * c}", "{\"a\": 1, \"b\": 2, \"c\": 3}", "7"},
    {"${(a + b) * c}", "{\"a\": 1, \"b\": 2, \"c\": 3}", "9"},
    {"${a - b - c}", "{\"a\": 10, \"b\": 2, \"c\": 3}", "5"},
    {"${a - (b - c)}", "{\"a\": 10, \"b\": 2, \"c\": 3}", "11"},
    {"${a / b}", "{\"a\": 10, \"b\": 4}", "2.5"},
    {"${a div b}", "{\"a\": 9, \"b\": 3}", "3"},
    {"${a % b}", "{\"a\": 7, \"b\": 3}", "1"},
    {"${a mod b == 0}", "{\"a\": 12, \"b\": 4}", "true"},
    {"${-a * 2}", "{\"a\": 3}", "-6"},
    {"${a - -b}", "{\"a\": 3, \"b\": 4}", "7"},
    {"${- -a}", "{\"a\": 3}", "3"},
    {"${1.5e3 / 3}", "{}", "500"},
    {"${.5 + 5.}", "{}", "5.5"},
    {"${a < b == c < d}", "{\"a\": 1, \"b\": 2, \"c\": 4, \"d\": 3}", "false"},
    {"${a == b < c}", "{\"a\": true, \"b\": 1, \"c\": 2}", "true"},
    {"${empty x}", "{}", "true"},
    {"${empty x}", "{\"x\": null}", "true"},
    {"${empty x}", "{\"x\": \"\"}", "true"},
    {"${empty x}", "{\"x\": []}", "true"},
    {"${empty x}", "{\"x\": {}}", "true"},
    {"${empty x}", "{\"x\": \"a\"}", "false"},
    {"${empty x}", "{\"x\": 0}", "false"},
    {"${empty x}", "{\"x\": false}", "false"},
    {"${empty x}", "{\"x\": [1]}", "false"},
    {"${empty x}", "{\"x\": {\"a\": 1}}", "false"},
    {"${!empty x && x > 1}", "{\"x\": 2}", "true"},
    {"${order.customer.tier == 'gold'}",
     "{\"order\": {\"customer\": {\"tier\": \"gold\"}}}", "true"},
    {"${items[0].price > 10}", "{\"items\": [{\"price\": 12}, {\"price\": 3}]}", "true"},
    {"${items[1].price}", "{\"items\": [{\"price\": 12}, {\"price\": 3}]}", "3"},
    {"${items[5]}", "{\"items\": [1, 2]}", "null"},
    {"${order['total'] >= 100}", "{\"order\": {\"total\": 100}}", "true"},
    {"${s == 'it\\'s'}", "{\"s\": \"it's\"}", "true"},
    {"${s == \"say \\\"hi\\\"\"}", "{\"s\": \"say \\\"hi\\\"\"}", "true"},
    {"${s == 'a\\\\b'}", "{\"s\": \"a\\\\b\"}", "true"},
    {"${s == 'two\nlines'}", "{\"s\": \"two\\nlines\"}", "true"},
    {"${a < b}", "{\"a\": \"apple\", \"b\": \"banana\"}", "true"},
    {"${true && false || null == null}", "{}", "true"},
    {"${gr\xc3\xb6\xc3\x9f" "e + 1}", "{\"gr\xc3\xb6\xc3\x9f" "e\": 1}", "2"},
    {"${date && time}", "{\"date\": true, \"time\": false}", "false"},
    {"${$x + 1}", "{\"$x\": 1}", "2"},
    {"${external}", "{\"external\": \"yes\"}", "\"yes\""},
    {"${s == 'a\x01'}", "{\"s\": \"a\\u0001\"}", "true"},
};
/* clang-format on */

static const json_t *lookup_cb(void *ctx, const char *name, size_t len)
{
    return json_object_getn(ctx, name, len);
}

START_TEST(translations_evaluate_as_juel_would)
{
    struct ordo_err err = {0};
    const struct ordo_feel_expr *expr = NULL;
    struct ordo_feel_env env = {0};
    const char *feel = NULL;
    json_t *vars, *want, *got = NULL;
    char *shown;

    vars = json_loads(evaluations[_i].vars, 0, NULL);
    want = json_loads(evaluations[_i].want, JSON_DECODE_ANY, NULL);
    ck_assert_ptr_nonnull(vars);
    ck_assert_ptr_nonnull(want);
    ck_assert_msg(ordo_feel_from_juel(arena, evaluations[_i].juel, &feel, &err) == ORDO_OK,
                  "%s: %s", evaluations[_i].juel, err.msg);
    ck_assert_msg(ordo_feel_compile(arena, feel, strlen(feel), NULL, &expr, &err) == ORDO_OK,
                  "%s -> %s: %s", evaluations[_i].juel, feel, err.msg);
    env.lookup = lookup_cb;
    env.lookup_ctx = vars;
    ck_assert_msg(ordo_feel_eval(expr, &env, &got, &err) == ORDO_OK, "%s: %s", feel, err.msg);
    shown = json_dumps(got, JSON_ENCODE_ANY);
    ck_assert_msg(json_equal(got, want), "%s -> %s with %s gave %s, JUEL gives %s",
                  evaluations[_i].juel, feel, evaluations[_i].vars, shown, evaluations[_i].want);
    free(shown);
    json_decref(got);
    json_decref(want);
    json_decref(vars);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("juel");
    TCase *tc = tcase_create("translate");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, translates_supported_juel, 0, (int)COUNT(translations));
    tcase_add_loop_test(tc, refuses_with_a_message_naming_the_construct, 0, (int)COUNT(refusals));
    tcase_add_test(tc, bounds_input_size_nesting_and_output);
    tcase_add_test(tc, unary_chains_count_toward_the_nesting_bound);
    tcase_add_test(tc, output_lives_in_the_callers_arena_and_errors_keep_the_first_message);
    tcase_add_test(tc, long_chains_take_memory_in_proportion_to_their_length);
    suite_add_tcase(s, tc);
    tc = tcase_create("evaluate");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, translations_evaluate_as_juel_would, 0, (int)COUNT(evaluations));
    suite_add_tcase(s, tc);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
