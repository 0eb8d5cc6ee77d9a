/*
 * base/decimal: 34-digit decimal arithmetic as FEEL computes it.
 *
 * The expected values were computed with Python 3.11's decimal module
 * (libmpdec 2.5.1) and are committed here as literals:
 *
 *   ctx = Context(prec=34, rounding=ROUND_HALF_EVEN, Emax=6144, Emin=-6143)
 *   x, y = ctx.create_decimal(a), ctx.create_decimal(b)      (inputs rounded as parsed)
 *   add/sub/mul/div: ctx.add(x, y), ctx.subtract, ctx.multiply, ctx.divide
 *   pow:   ctx.power(x, n) with n a Python int (0 ** 0 excepted: Java's 1)
 *   mod:   exact in big = Context(prec=100000, Emax=MAX_EMAX, Emin=MIN_EMIN):
 *          r = big.remainder(x, y); r = big.add(r, y) if r and sign(r) != sign(y);
 *          then ctx.plus(r)
 *   round: Context(prec=100000, rounding=MODE, Emax=MAX_EMAX, Emin=MIN_EMIN)
 *          .quantize(x, Decimal((0, (1,), -scale))) when it drops digits, else x
 *   from_double: ctx.create_decimal(repr(v)); to_double: float(x)
 *   cmp: x.compare(y); to_int64: int(x) when x == x.to_integral_value()
 *
 * and printed in the shortest plain form: normalised, plain when that takes at
 * most 40 characters (sign aside), otherwise d.dddE+n.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "base/decimal.h"
#include "tests/unit/check_main.h"

typedef enum ordo_code op_fn(struct ordo_decimal, struct ordo_decimal, struct ordo_decimal *,
                             struct ordo_err *);

struct parse_case {
    const char *text;
    const char *want;
};

struct op_case {
    const char *a;
    const char *b;
    const char *want;
};

struct cmp_case {
    const char *a;
    const char *b;
    int want;
};

struct int_case {
    const char *text;
    bool is_integer;
    bool fits;
    int64_t value;
};

struct double_case {
    double v;
    const char *want;
};

struct to_double_case {
    const char *text;
    double want;
};

struct round_case {
    const char *text;
    int32_t scale;
    const char *want[7]; /* by enum ordo_decimal_rounding: HALF_EVEN ... CEILING */
};

struct err_case {
    op_fn *fn;
    const char *a;
    const char *b;
    const char *msg;
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Negative n divides; the exponent travels through the second operand. */
static enum ordo_code pow_op(struct ordo_decimal a, struct ordo_decimal b, struct ordo_decimal *out,
                             struct ordo_err *err)
{
    int64_t n = 0;

    ck_assert(ordo_decimal_to_int64(b, &n));
    return ordo_decimal_pow(a, n, out, err);
}

/* Text in, shortest plain form out; 35 and more digits round half even. */
static const struct parse_case parse_cases[] = {
    {"0", "0"},
    {"-0", "0"},
    {"0.1", "0.1"},
    {"-0.1", "-0.1"},
    {"1e-7", "0.0000001"},
    {"1E+100", "1E+100"},
    {"1.50", "1.5"},
    {"100", "100"},
    {"+5", "5"},
    {".5", "0.5"},
    {"5.", "5"},
    {"-.5e-3", "-0.0005"},
    {"00012.3400", "12.34"},
    {"123.456e2", "12345.6"},
    {"1e39", "1000000000000000000000000000000000000000"},
    {"1e40", "1E+40"},
    {"-1e40", "-1E+40"},
    {"1e-38", "0.00000000000000000000000000000000000001"},
    {"1e-39", "1E-39"},
    {"1234567890123456789012345678901234", "1234567890123456789012345678901234"},
    {"123456789012345678901234567890.1234", "123456789012345678901234567890.1234"},
    /* 35 digits ending in 5: a tie; the 34th digit decides (4 stays, 3 goes up). */
    {"12345678901234567890123456789012345", "12345678901234567890123456789012340"},
    {"12345678901234567890123456789012335", "12345678901234567890123456789012340"},
    {"12345678901234567890123456789012345000001", "1.234567890123456789012345678901235E+40"},
    {"99999999999999999999999999999999995", "100000000000000000000000000000000000"},
    {"0.1234567890123456789012345678901234567", "0.1234567890123456789012345678901235"},
    {"1e6144", "1E+6144"},
    {"9.999999999999999999999999999999999e6144", "9.999999999999999999999999999999999E+6144"},
    {"1e-6143", "1E-6143"},
    /* Subnormal: below 1E-6176 half rounds to zero. */
    {"1e-6176", "1E-6176"},
    {"1e-6177", "0"},
    {"5e-6177", "0"},
    {"6e-6177", "1E-6176"},
    {"1.5e-6176", "2E-6176"},
    {"0e999999999999", "0"},
    {"0.000", "0"},
    {"-0.000e5", "0"},
    {"1e-99999999999999999999", "0"},
    {"0.000001234567890123456789012345678901234", "1.234567890123456789012345678901234E-6"},
};
/* Additions by the gap between the exponents of the operands' last digits. */
static const struct op_case add_cases[] = {
    {"0.1", "0.2", "0.3"},
    {"1", "1", "2"},
    {"-0.1", "0.1", "0"},
    {"1.50", "-1.5", "0"},
    /* gap 0 */
    {"1234567890123456789012345678901234", "1234567890123456789012345678901234",
     "2469135780246913578024691357802468"},
    /* gap 1: a tie in the 35th digit */
    {"1000000000000000000000000000000000", "0.5", "1000000000000000000000000000000000"},
    {"1000000000000000000000000000000001", "0.5", "1000000000000000000000000000000002"},
    {"9999999999999999999999999999999999", "0.5", "10000000000000000000000000000000000"},
    /* gaps 33, 34 and 35 behind a one-digit 1 */
    {"1", "1e-33", "1.000000000000000000000000000000001"},
    {"1", "1e-34", "1"},
    {"1", "5e-34", "1"},
    {"1", "5.000000000000000000000000000000001e-34", "1.000000000000000000000000000000001"},
    {"1.000000000000000000000000000000001", "5e-34", "1.000000000000000000000000000000002"},
    {"1", "5e-35", "1"},
    {"1", "6e-35", "1"},
    /* gap 100: only a sticky digit */
    {"1", "1e-100", "1"},
    {"-1", "1e-100", "-1"},
    {"1e100", "1", "1E+100"},
    {"1e35", "-5", "100000000000000000000000000000000000"},
    {"1e35", "-6", "99999999999999999999999999999999990"},
    /* gaps of 70 (exact alignment) and 71 (sticky only) */
    {"1234567890123456789012345678901234e37", "5", "1.234567890123456789012345678901234E+70"},
    {"1234567890123456789012345678901234e36", "-5e1", "1.234567890123456789012345678901234E+69"},
    {"9.999999999999999999999999999999999e6144", "-9.999999999999999999999999999999999e6144", "0"},
    {"1e-6176", "1e-6176", "2E-6176"},
    {"-0", "0", "0"},
};
/* Subtractions, including catastrophic cancellation. */
static const struct op_case sub_cases[] = {
    {"1", "1e-100", "1"},
    {"1e100", "1", "1E+100"},
    {"1.000000000000000000000000000000001", "1", "0.000000000000000000000000000000001"},
    {"123456789.0123456789012345678901234", "123456789.0123456789012345678901233",
     "0.0000000000000000000000001"},
    {"0.3", "0.1", "0.2"},
    {"-0", "0", "0"},
    {"1.10", "1.1", "0"},
    {"1", "0.9999999999999999999999999999999999", "0.0000000000000000000000000000000001"},
    {"10000000000000000000000000000000000", "0.5", "10000000000000000000000000000000000"},
    {"-5", "-7.25", "2.25"},
};
/* Products: up to 68 digits rounded to 34, with ties and sticky digits. */
static const struct op_case mul_cases[] = {
    {"1.5", "2", "3"},
    {"0.1", "0.1", "0.01"},
    {"-2", "0", "0"},
    {"-0", "-5", "0"},
    {"-3", "-4", "12"},
    {"0.1", "3", "0.3"},
    {"1234567890123456789012345678901234", "1234567890123456789012345678901234",
     "1.524157875323883675049535156256667E+66"},
    {"1.000000000000000000000000000000001", "1.000000000000000000000000000000001",
     "1.000000000000000000000000000000002"},
    {"3333333333333333333333333333333335", "3", "10000000000000000000000000000000000"},
    {"3333333333333333333333333333333335", "3.000000000000000000000000000000001",
     "10000000000000000000000000000000010"},
    {"9999999999999999999999999999999999", "9999999999999999999999999999999999",
     "9.999999999999999999999999999999998E+67"},
    /* underflow to subnormals and to zero, and the largest exponent */
    {"1e-6000", "1e-200", "0"},
    {"1e-6100", "1e-70", "1E-6170"},
    {"1.234567e-6170", "1e-5", "1.2E-6175"},
    {"5e-6100", "1e-77", "0"},
    {"1e3000", "1e3144", "1E+6144"},
};
/* Quotients: 1/3, 2/3 rounding up at the 34th digit, ties. */
static const struct op_case div_cases[] = {
    {"1", "3", "0.3333333333333333333333333333333333"},
    {"2", "3", "0.6666666666666666666666666666666667"},
    {"-1", "3", "-0.3333333333333333333333333333333333"},
    {"1", "-3", "-0.3333333333333333333333333333333333"},
    {"1", "7", "0.1428571428571428571428571428571429"},
    {"22", "7", "3.142857142857142857142857142857143"},
    {"10", "4", "2.5"},
    {"1", "8", "0.125"},
    {"6", "2", "3"},
    {"0", "5", "0"},
    {"-0", "5", "0"},
    {"1", "9999999999999999999999999999999999", "0.0000000000000000000000000000000001"},
    {"2.000000000000000000000000000000001", "2", "1"},
    {"2.000000000000000000000000000000003", "2", "1.000000000000000000000000000000002"},
    {"1e-6143", "1e10", "1E-6153"},
    {"1", "1e-6144", "1E+6144"},
    {"1e6144", "1e-0", "1E+6144"},
    {"1", "1e40", "1E-40"},
    {"123.456", "0.001", "123456"},
    /* digits 35 to 37 are 500, then the remainder is non-zero: above half */
    {"30800", "629080", "0.04896038659629935779233165893050169"},
    {"627984", "815863", "0.7697174648194611105050725428166249"},
};
/* FEEL modulo: a - b * floor(a / b), exact before one rounding (DMN 1.3 examples first). */
static const struct op_case mod_cases[] = {
    {"12", "5", "2"},
    {"-12", "5", "3"},
    {"12", "-5", "-3"},
    {"-12", "-5", "-2"},
    {"10.1", "4.5", "1.1"},
    {"-10.1", "4.5", "3.4"},
    {"10.1", "-4.5", "-3.4"},
    {"-10.1", "-4.5", "-1.1"},
    {"5.5", "2", "1.5"},
    {"-5.5", "2", "0.5"},
    {"0", "5", "0"},
    {"6", "3", "0"},
    {"-6", "3", "0"},
    {"0.3", "0.1", "0"},
    /* exponents far apart: no 6000-digit intermediate */
    {"1e6000", "7", "1"},
    {"-1e6000", "7", "6"},
    {"1", "1e-6000", "0"},
    {"1e-30", "3", "0.000000000000000000000000000001"},
    {"-1e-30", "3", "2.999999999999999999999999999999"},
    {"-1e-40", "3", "3"},
    {"1e-30", "-3", "-2.999999999999999999999999999999"},
    {"7", "1e40", "7"},
    {"-7", "1e40", "1E+40"},
    {"1234567890123456789012345678901234", "0.000000000000000000000000000000007",
     "0.000000000000000000000000000000005"},
};
/* Integer powers; 0 ** 0 is 1 as in Java (Python raises InvalidOperation). */
static const struct op_case pow_cases[] = {
    {"2", "10", "1024"},
    {"2", "-1", "0.5"},
    {"2", "0", "1"},
    {"0", "0", "1"},
    {"0", "5", "0"},
    {"-2", "3", "-8"},
    {"-2", "2", "4"},
    {"1.1", "100", "13780.61233982227018411833717208964"},
    {"2", "-3", "0.125"},
    {"3", "-1", "0.3333333333333333333333333333333333"},
    {"7", "50", "1.798465042647412146620280340569649E+42"},
    {"1.0001", "10000", "2.718145926825224864037664674913147"},
    {"0.9", "1000", "1.747871251722651609659974619164661E-46"},
    {"10", "6144", "1E+6144"},
    {"2", "1000", "1.071508607186267320948425049060002E+301"},
    {"-1.5", "-3", "-0.2962962962962962962962962962962963"},
    {"0.5", "999999999", "0"},
    {"1", "-999999999", "1"},
    {"-1", "999999999", "-1"},
    {"1.000000000000000000000000000000001", "1000000", "1.000000000000000000000000001"},
    {"1.5", "-1000", "8.10477465652756667048426586328573E-177"},
    {"-0.9", "-7", "-2.09075158128768971741192552157457"},
    /* Python's (libmpdec's) results, one unit in the last digit from the correctly
     * rounded ...403 and ...714: binary exponentiation at raised precision. */
    {"7.404752232554383880985643415710771", "5", "22261.40940475007154594439245461402"},
    {"7.971408864055929988020881594304553", "-29", "7.169395321824805701659465537247713E-27"},
};
/* a, b, cmp(a, b) */
static const struct cmp_case cmp_cases[] = {
    {"1.0", "1.00", 0},
    {"-0", "0", 0},
    {"1", "1.000000000000000000000000000000001", -1},
    {"-1", "-2", 1},
    {"1e10", "9999999999", 1},
    {"1E+2", "100", 0},
    {"-5", "3", -1},
    {"0", "-1e-6176", 1},
    {"123.45", "123.4500000", 0},
    {"1e-6176", "0", 1},
    {"9.999999999999999999999999999999999e6144", "1e6144", 1},
    {"-1e-5", "-1e-6", -1},
};
/* text, is_integer, fits int64_t, value */
static const struct int_case int_cases[] = {
    {"1.0", true, true, INT64_C(1)},
    {"1.5", false, false, 0},
    {"1e3", true, true, INT64_C(1000)},
    {"0", true, true, INT64_C(0)},
    {"-0.000", true, true, INT64_C(0)},
    {"1.000000000000000000000000000000001", false, false, 0},
    {"1E-40", false, false, 0},
    {"100e-2", true, true, INT64_C(1)},
    {"12345678901234567890123456789012.00", true, false, 0},
    {"-7", true, true, INT64_C(-7)},
    {"9223372036854775807", true, true, INT64_C(9223372036854775807)},
    {"9223372036854775808", true, false, 0},
    {"-9223372036854775808", true, true, INT64_MIN},
    {"-9223372036854775809", true, false, 0},
    {"1e18", true, true, INT64_C(1000000000000000000)},
    {"1e19", true, false, 0},
    {"92233720368547758.07e2", true, true, INT64_C(9223372036854775807)},
    {"-0", true, true, INT64_C(0)},
    {"1e-40", false, false, 0},
    {"-42", true, true, INT64_C(-42)},
};
/* Python's repr() is the shortest text that reads back, subnormals included. */
static const struct double_case from_double_cases[] = {
    {0.1, "0.1"},
    {1e300, "1E+300"},
    {5e-324, "5E-324"},
    {-2.5, "-2.5"},
    {0.0, "0"},
    {-0.0, "0"},
    {1e23, "100000000000000000000000"},
    {0.30000000000000004, "0.30000000000000004"},
    {123456789.123, "123456789.123"},
    {2.2250738585072014e-308, "2.2250738585072014E-308"},
    {1.7976931348623157e308, "1.7976931348623157E+308"},
    {4.9406564584124654e-320, "4.9407E-320"},
};
static const struct to_double_case to_double_cases[] = {
    {"0.1", 0.1},
    {"-2.5", -2.5},
    {"1E+400", HUGE_VAL},
    {"1e-400", 0.0},
    {"123456789012345678901234567890.1234", 1.2345678901234568e+29},
    {"5E-324", 5e-324},
    {"0", 0.0},
};
/* Value, scale, then the result in each of the seven modes: HALF_EVEN, HALF_UP,
 * HALF_DOWN, UP, DOWN, FLOOR, CEILING. */
static const struct round_case round_cases[] = {
    {"2.5", 0, {"2", "3", "2", "3", "2", "2", "3"}},
    {"-2.5", 0, {"-2", "-3", "-2", "-3", "-2", "-3", "-2"}},
    {"3.5", 0, {"4", "4", "3", "4", "3", "3", "4"}},
    {"-3.5", 0, {"-4", "-4", "-3", "-4", "-3", "-4", "-3"}},
    {"2.51", 0, {"3", "3", "3", "3", "2", "2", "3"}},
    {"-2.49", 0, {"-2", "-2", "-2", "-3", "-2", "-3", "-2"}},
    {"1.05", 1, {"1", "1.1", "1", "1.1", "1", "1", "1.1"}},
    {"-1.15", 1, {"-1.2", "-1.2", "-1.1", "-1.2", "-1.1", "-1.2", "-1.1"}},
    {"125", -1, {"120", "130", "120", "130", "120", "120", "130"}},
    {"-135", -1, {"-140", "-140", "-130", "-140", "-130", "-140", "-130"}},
    {"1234.5678", 2, {"1234.57", "1234.57", "1234.57", "1234.57", "1234.56", "1234.56", "1234.57"}},
    {"-1234.5678", -2, {"-1200", "-1200", "-1200", "-1300", "-1200", "-1300", "-1200"}},
    {"0.0001", 2, {"0", "0", "0", "0.01", "0", "0", "0.01"}},
    {"-0.0001", 2, {"0", "0", "0", "-0.01", "0", "-0.01", "0"}},
    {"5", -1, {"0", "10", "0", "10", "0", "0", "10"}},
    {"1.5", 3, {"1.5", "1.5", "1.5", "1.5", "1.5", "1.5", "1.5"}},
    {"999.5", 0, {"1000", "1000", "999", "1000", "999", "999", "1000"}},
    {"7", -6144, {"0", "0", "0", "1E+6144", "0", "0", "1E+6144"}},
};
/* Bad text: every one is ORDO_E_INVAL with the message not a number: "<text>". */
static const char *const bad_text[] = {
    "",         "-",     "+",    ".",     "1e",
    "e5",       "1.2.3", " 1",   "1 ",    "NaN",
    "Infinity", "inf",   "0x10", "1e+",   "--1",
    "1,5",      "1_000", "+-1",  "1e5.0", "\xd9\xa1" /* ARABIC-INDIC DIGIT ONE */,
};

/* Failing operations: all ORDO_E_UNPROCESSABLE (Python: Overflow or DivisionByZero). */
static const struct err_case err_cases[] = {
    {ordo_decimal_add, "9.999999999999999999999999999999999e6144",
     "9.999999999999999999999999999999999e6144",
     "number too large: 9.999999999999999999999999999999999E+6144 + "
     "9.999999999999999999999999999999999E+6144"},
    {ordo_decimal_sub, "-9e6144", "9e6144", "number too large: -9E+6144 - 9E+6144"},
    {ordo_decimal_mul, "1e6144", "10", "number too large: 1E+6144 * 10"},
    {ordo_decimal_div, "1e6144", "0.1", "number too large: 1E+6144 / 0.1"},
    {ordo_decimal_div, "1", "0", "division by zero: 1 / 0"},
    {ordo_decimal_div, "0", "-0", "division by zero: 0 / 0"},
    {ordo_decimal_mod, "1.5", "0", "division by zero: 1.5 modulo 0"},
    {pow_op, "10", "6145", "number too large: 10 ** 6145"},
    {pow_op, "1e-6176", "-1", "number too large: 1E-6176 ** -1"},
    {pow_op, "9.999999999999999999999999999999999", "999999999",
     "number too large: 9.999999999999999999999999999999999 ** 999999999"},
    {pow_op, "0", "-1", "division by zero: 0 ** -1"},
    {pow_op, "2", "1000000000", "exponent out of range: 2 ** 1000000000"},
    {pow_op, "2", "-1000000000", "exponent out of range: 2 ** -1000000000"},
};

static struct ordo_decimal num(const char *text)
{
    struct ordo_decimal d = {0, 0, 0, false};
    struct ordo_err err = {ORDO_OK, ""};

    ck_assert_msg(ordo_decimal_parse(text, &d, &err) == ORDO_OK, "\"%s\": %s", text, err.msg);
    return d;
}

/* Format 'd' into 'buf', checking that no negative zero ever comes out. */
static const char *show(struct ordo_decimal d, char *buf)
{
    ck_assert(!(d.neg && ordo_decimal_is_zero(d)));
    ordo_decimal_format(d, buf);
    return buf;
}

static void check_ops(const struct op_case *cases, size_t n, op_fn *fn, const char *op)
{
    for (size_t i = 0; i < n; i++) {
        const struct op_case *c = &cases[i];
        struct ordo_decimal r = {0, 0, 0, false};
        struct ordo_err err = {ORDO_OK, ""};
        char buf[ORDO_DECIMAL_STR_MAX];

        ck_assert_msg(fn(num(c->a), num(c->b), &r, &err) == ORDO_OK, "%s %s %s: %s", c->a, op, c->b,
                      err.msg);
        ck_assert_msg(strcmp(show(r, buf), c->want) == 0, "%s %s %s = %s, want %s", c->a, op, c->b,
                      buf, c->want);
    }
}

START_TEST(parse_and_format_give_the_shortest_plain_form)
{
    for (size_t i = 0; i < COUNT(parse_cases); i++) {
        char buf[ORDO_DECIMAL_STR_MAX];

        ck_assert_msg(strcmp(show(num(parse_cases[i].text), buf), parse_cases[i].want) == 0,
                      "\"%s\" printed %s, want %s", parse_cases[i].text, buf, parse_cases[i].want);
        /* The printed form reads back as the same value. */
        ck_assert(ordo_decimal_eq(num(buf), num(parse_cases[i].text)));
    }
}
END_TEST

START_TEST(parse_rejects_text_outside_the_grammar)
{
    for (size_t i = 0; i < COUNT(bad_text); i++) {
        struct ordo_decimal d = ordo_decimal_from_int(7);
        struct ordo_err err = {ORDO_OK, ""};
        char want[ORDO_ERR_MSG_SIZE];

        (void)snprintf(want, sizeof(want), "not a number: \"%s\"", bad_text[i]);
        ck_assert_int_eq(ordo_decimal_parse(bad_text[i], &d, &err), ORDO_E_INVAL);
        ck_assert_int_eq(err.code, ORDO_E_INVAL);
        ck_assert_str_eq(err.msg, want);
        ck_assert(ordo_decimal_eq(d, ordo_decimal_from_int(7))); /* left untouched */
    }
}
END_TEST

START_TEST(parse_fails_on_exponents_beyond_emax)
{
    const char *texts[] = {"1e7000", "9.9999999999999999999999999999999999e6144", "-1e6145",
                           "1e999999999999999999999999"};

    for (size_t i = 0; i < COUNT(texts); i++) {
        struct ordo_decimal d;
        struct ordo_err err = {ORDO_OK, ""};
        char want[ORDO_ERR_MSG_SIZE];

        (void)snprintf(want, sizeof(want), "number too large: \"%s\"", texts[i]);
        ck_assert_int_eq(ordo_decimal_parse(texts[i], &d, &err), ORDO_E_UNPROCESSABLE);
        ck_assert_str_eq(err.msg, want);
    }
}
END_TEST

START_TEST(add_rounds_half_even_across_exponent_gaps)
{
    check_ops(add_cases, COUNT(add_cases), ordo_decimal_add, "+");
}
END_TEST

START_TEST(sub_cancels_to_zero_and_keeps_the_small_difference)
{
    check_ops(sub_cases, COUNT(sub_cases), ordo_decimal_sub, "-");
}
END_TEST

START_TEST(mul_rounds_with_sticky_digits)
{
    check_ops(mul_cases, COUNT(mul_cases), ordo_decimal_mul, "*");
}
END_TEST

START_TEST(div_rounds_to_34_digits)
{
    check_ops(div_cases, COUNT(div_cases), ordo_decimal_div, "/");
}
END_TEST

START_TEST(mod_takes_the_sign_of_the_divisor)
{
    check_ops(mod_cases, COUNT(mod_cases), ordo_decimal_mod, "modulo");
}
END_TEST

START_TEST(pow_matches_python_binary_exponentiation)
{
    check_ops(pow_cases, COUNT(pow_cases), pow_op, "**");
}
END_TEST

START_TEST(errors_name_the_operands)
{
    for (size_t i = 0; i < COUNT(err_cases); i++) {
        const struct err_case *c = &err_cases[i];
        struct ordo_decimal r = ordo_decimal_from_int(7);
        struct ordo_err err = {ORDO_OK, ""};

        ck_assert_int_eq(c->fn(num(c->a), num(c->b), &r, &err), ORDO_E_UNPROCESSABLE);
        ck_assert_int_eq(err.code, ORDO_E_UNPROCESSABLE);
        ck_assert_str_eq(err.msg, c->msg);
        ck_assert(ordo_decimal_eq(r, ordo_decimal_from_int(7))); /* left untouched */
    }
}
END_TEST

START_TEST(errors_accept_a_null_record)
{
    struct ordo_decimal r;

    ck_assert_int_eq(ordo_decimal_div(num("1"), num("0"), &r, NULL), ORDO_E_UNPROCESSABLE);
    ck_assert_int_eq(ordo_decimal_parse("x", &r, NULL), ORDO_E_INVAL);
}
END_TEST

START_TEST(cmp_and_eq_compare_values_not_representations)
{
    for (size_t i = 0; i < COUNT(cmp_cases); i++) {
        const struct cmp_case *c = &cmp_cases[i];

        ck_assert_msg(ordo_decimal_cmp(num(c->a), num(c->b)) == c->want, "cmp(%s, %s)", c->a, c->b);
        ck_assert_msg(ordo_decimal_cmp(num(c->b), num(c->a)) == -c->want, "cmp(%s, %s)", c->b,
                      c->a);
        ck_assert(ordo_decimal_eq(num(c->a), num(c->b)) == (c->want == 0));
    }
}
END_TEST

START_TEST(is_integer_and_to_int64_respect_the_limits)
{
    for (size_t i = 0; i < COUNT(int_cases); i++) {
        const struct int_case *c = &int_cases[i];
        int64_t v = 12345;

        ck_assert_msg(ordo_decimal_is_integer(num(c->text)) == c->is_integer, "%s", c->text);
        ck_assert_msg(ordo_decimal_to_int64(num(c->text), &v) == c->fits, "%s", c->text);
        if (c->fits) {
            ck_assert_msg(v == c->value, "%s", c->text);
        }
    }
}
END_TEST

START_TEST(from_int_covers_the_whole_range)
{
    int64_t values[] = {0, 1, -1, 42, INT64_MAX, INT64_MIN};
    const char *want[] = {"0", "1", "-1", "42", "9223372036854775807", "-9223372036854775808"};

    for (size_t i = 0; i < COUNT(values); i++) {
        char buf[ORDO_DECIMAL_STR_MAX];
        int64_t back = 0;

        ck_assert_str_eq(show(ordo_decimal_from_int(values[i]), buf), want[i]);
        ck_assert(ordo_decimal_to_int64(ordo_decimal_from_int(values[i]), &back));
        ck_assert(back == values[i]);
    }
}
END_TEST

START_TEST(from_double_takes_the_shortest_text_that_reads_back)
{
    for (size_t i = 0; i < COUNT(from_double_cases); i++) {
        struct ordo_decimal d = {0, 0, 0, false};
        struct ordo_err err = {ORDO_OK, ""};
        char buf[ORDO_DECIMAL_STR_MAX];

        ck_assert_int_eq(ordo_decimal_from_double(from_double_cases[i].v, &d, &err), ORDO_OK);
        ck_assert_str_eq(show(d, buf), from_double_cases[i].want);
    }
}
END_TEST

START_TEST(from_double_rejects_nan_and_infinities)
{
    double values[] = {NAN, HUGE_VAL, -HUGE_VAL};
    const char *want[] = {"not a finite number: nan", "not a finite number: inf",
                          "not a finite number: -inf"};

    for (size_t i = 0; i < COUNT(values); i++) {
        struct ordo_decimal d;
        struct ordo_err err = {ORDO_OK, ""};

        ck_assert_int_eq(ordo_decimal_from_double(values[i], &d, &err), ORDO_E_INVAL);
        ck_assert_str_eq(err.msg, want[i]);
    }
}
END_TEST

START_TEST(to_double_gives_the_nearest_double)
{
    for (size_t i = 0; i < COUNT(to_double_cases); i++) {
        double got = ordo_decimal_to_double(num(to_double_cases[i].text));

        ck_assert_msg(got == to_double_cases[i].want, "%s gave %.17g", to_double_cases[i].text,
                      got);
    }
    ck_assert(ordo_decimal_to_double(num("-1e-400")) == 0.0);
}
END_TEST

START_TEST(round_applies_every_mode_at_any_scale)
{
    for (size_t i = 0; i < COUNT(round_cases); i++) {
        const struct round_case *c = &round_cases[i];

        for (int mode = ORDO_DECIMAL_HALF_EVEN; mode <= ORDO_DECIMAL_CEILING; mode++) {
            struct ordo_decimal r = {0, 0, 0, false};
            struct ordo_err err = {ORDO_OK, ""};
            char buf[ORDO_DECIMAL_STR_MAX];

            ck_assert_int_eq(ordo_decimal_round(num(c->text), c->scale,
                                                (enum ordo_decimal_rounding)mode, &r, &err),
                             ORDO_OK);
            ck_assert_msg(strcmp(show(r, buf), c->want[mode]) == 0,
                          "round %s to scale %d in mode %d: %s, want %s", c->text, (int)c->scale,
                          mode, buf, c->want[mode]);
        }
    }
}
END_TEST

START_TEST(round_fails_beyond_emax)
{
    struct ordo_decimal r;
    struct ordo_err err = {ORDO_OK, ""};

    ck_assert_int_eq(ordo_decimal_round(num("5"), -6145, ORDO_DECIMAL_UP, &r, &err),
                     ORDO_E_UNPROCESSABLE);
    ck_assert_str_eq(err.msg, "number too large: 5 rounded to scale -6145");
    ordo_err_clear(&err);
    ck_assert_int_eq(ordo_decimal_round(num("9.999999999999999999999999999999999e6144"), -6144,
                                        ORDO_DECIMAL_HALF_EVEN, &r, &err),
                     ORDO_E_UNPROCESSABLE);
    ck_assert_str_eq(err.msg, "number too large: 9.999999999999999999999999999999999E+6144 "
                              "rounded to scale -6144");
}
END_TEST

START_TEST(neg_abs_and_is_zero_never_make_negative_zero)
{
    char buf[ORDO_DECIMAL_STR_MAX];

    ck_assert_str_eq(show(ordo_decimal_neg(num("0")), buf), "0");
    ck_assert_str_eq(show(ordo_decimal_neg(num("1.5")), buf), "-1.5");
    ck_assert_str_eq(show(ordo_decimal_neg(num("-1.5")), buf), "1.5");
    ck_assert_str_eq(show(ordo_decimal_abs(num("-2e-7")), buf), "0.0000002");
    ck_assert(ordo_decimal_is_zero(num("-0.000")));
    ck_assert(!ordo_decimal_is_zero(num("1e-6176")));
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("decimal");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, parse_and_format_give_the_shortest_plain_form);
    tcase_add_test(tc, parse_rejects_text_outside_the_grammar);
    tcase_add_test(tc, parse_fails_on_exponents_beyond_emax);
    tcase_add_test(tc, add_rounds_half_even_across_exponent_gaps);
    tcase_add_test(tc, sub_cancels_to_zero_and_keeps_the_small_difference);
    tcase_add_test(tc, mul_rounds_with_sticky_digits);
    tcase_add_test(tc, div_rounds_to_34_digits);
    tcase_add_test(tc, mod_takes_the_sign_of_the_divisor);
    tcase_add_test(tc, pow_matches_python_binary_exponentiation);
    tcase_add_test(tc, errors_name_the_operands);
    tcase_add_test(tc, errors_accept_a_null_record);
    tcase_add_test(tc, cmp_and_eq_compare_values_not_representations);
    tcase_add_test(tc, is_integer_and_to_int64_respect_the_limits);
    tcase_add_test(tc, from_int_covers_the_whole_range);
    tcase_add_test(tc, from_double_takes_the_shortest_text_that_reads_back);
    tcase_add_test(tc, from_double_rejects_nan_and_infinities);
    tcase_add_test(tc, to_double_gives_the_nearest_double);
    tcase_add_test(tc, round_applies_every_mode_at_any_scale);
    tcase_add_test(tc, round_fails_beyond_emax);
    tcase_add_test(tc, neg_abs_and_is_zero_never_make_negative_zero);
    suite_add_tcase(s, tc);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
