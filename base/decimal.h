/*
 * base/decimal.h - decimal numbers as FEEL computes them.
 *
 * FEEL numbers are decimal, not binary: 0.1 + 0.2 = 0.3. FEEL engines use
 * Java's BigDecimal with MathContext.DECIMAL128: 34 significant digits,
 * rounding half to even. This module computes the same, with IEEE 754
 * decimal128's exponent range as Python's decimal does (Java has none): a
 * result whose leading digit would sit above 10^6144 is an overflow error
 * (FEEL turns it into null); results below 10^-6143 lose digits gradually
 * down to 10^-6176 and then become zero, never an error. Every operation is
 * correctly rounded, except integer powers, which round like Python's
 * decimal (rarely one unit off in the 34th digit). Values are small plain
 * structs, passed and returned by value; no allocation anywhere.
 *
 * A value is (-1)^neg * coef * 10^exp with coef < 10^34. Equal values may
 * have different representations (1.0 and 1.00); ordo_decimal_cmp() and
 * ordo_decimal_eq() compare values, not representations, and
 * ordo_decimal_format() prints the shortest plain form ("1", "0.1",
 * "-12.5"; an exponent only when a plain form would need more than 40
 * characters: "1E+100").
 *
 * Functions that can fail return enum ordo_code: ORDO_E_INVAL for bad
 * input text, ORDO_E_UNPROCESSABLE for division by zero and for overflow
 * (also of well-formed text such as "1e7000").
 * Thread-safe (no state).
 */
#ifndef ORDO_BASE_DECIMAL_H
#define ORDO_BASE_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define ORDO_DECIMAL_DIGITS 34
#define ORDO_DECIMAL_EMAX   6144
#define ORDO_DECIMAL_EMIN   (-6143)
/* Enough for any ordo_decimal_format() output, with its NUL. */
#define ORDO_DECIMAL_STR_MAX 64

struct ordo_decimal {
    uint64_t hi, lo; /* the coefficient, hi * 2^64 + lo, below 10^34 */
    int32_t exp;
    bool neg; /* never set for zero */
};

struct ordo_decimal ordo_decimal_from_int(int64_t v);

/* Parse a number: optional sign, digits with an optional fraction ("12",
 * "-0.5", ".5", "5."), optional exponent ("1e3", "2.5E-7"). No spaces, no
 * hex, no "NaN"/"Infinity". Rounded to 34 digits. */
enum ordo_code ordo_decimal_parse(const char *s, struct ordo_decimal *out, struct ordo_err *err);

/* The decimal that prints like the shortest text that reads back as 'v'
 * (0.1 -> 0.1, not 0.1000000000000000055...); for JSON numbers, which
 * jansson holds as doubles. ORDO_E_INVAL for NaN and infinities. */
enum ordo_code ordo_decimal_from_double(double v, struct ordo_decimal *out, struct ordo_err *err);

/* The nearest double. */
double ordo_decimal_to_double(struct ordo_decimal d);

/* True with '*out' set if 'd' is an integer that fits int64_t. */
bool ordo_decimal_to_int64(struct ordo_decimal d, int64_t *out);

/* Write the shortest plain form into 'buf' (ORDO_DECIMAL_STR_MAX bytes). */
void ordo_decimal_format(struct ordo_decimal d, char *buf);

enum ordo_code ordo_decimal_add(struct ordo_decimal a, struct ordo_decimal b,
                                struct ordo_decimal *out, struct ordo_err *err);
enum ordo_code ordo_decimal_sub(struct ordo_decimal a, struct ordo_decimal b,
                                struct ordo_decimal *out, struct ordo_err *err);
enum ordo_code ordo_decimal_mul(struct ordo_decimal a, struct ordo_decimal b,
                                struct ordo_decimal *out, struct ordo_err *err);
/* Rounded to 34 digits; ORDO_E_UNPROCESSABLE for b == 0. */
enum ordo_code ordo_decimal_div(struct ordo_decimal a, struct ordo_decimal b,
                                struct ordo_decimal *out, struct ordo_err *err);
/* FEEL's modulo: a - b * floor(a / b), so the result has the sign of b. */
enum ordo_code ordo_decimal_mod(struct ordo_decimal a, struct ordo_decimal b,
                                struct ordo_decimal *out, struct ordo_err *err);
/* a ** n for an integer n (negative n divides); 0 ** 0 is 1, as in Java.
 * ORDO_E_UNPROCESSABLE for 0 ** negative and for |n| > 999999999. */
enum ordo_code ordo_decimal_pow(struct ordo_decimal a, int64_t n, struct ordo_decimal *out,
                                struct ordo_err *err);

/* -1, 0 or 1 by value (1.0 == 1.00). */
int ordo_decimal_cmp(struct ordo_decimal a, struct ordo_decimal b);
bool ordo_decimal_eq(struct ordo_decimal a, struct ordo_decimal b);
bool ordo_decimal_is_zero(struct ordo_decimal d);
bool ordo_decimal_is_integer(struct ordo_decimal d);
struct ordo_decimal ordo_decimal_neg(struct ordo_decimal d);
struct ordo_decimal ordo_decimal_abs(struct ordo_decimal d);

enum ordo_decimal_rounding {
    ORDO_DECIMAL_HALF_EVEN, /* FEEL decimal(), round half even() */
    ORDO_DECIMAL_HALF_UP,   /* round half up(): away from zero on ties */
    ORDO_DECIMAL_HALF_DOWN, /* round half down(): toward zero on ties */
    ORDO_DECIMAL_UP,        /* round up(): away from zero */
    ORDO_DECIMAL_DOWN,      /* round down(): toward zero */
    ORDO_DECIMAL_FLOOR,     /* floor(): toward negative infinity */
    ORDO_DECIMAL_CEILING,   /* ceiling(): toward positive infinity */
};

/* Round to 'scale' digits after the point (negative: before it), as FEEL's
 * decimal(n, scale), floor(n, scale), round up(n, scale) ... do. */
enum ordo_code ordo_decimal_round(struct ordo_decimal d, int32_t scale,
                                  enum ordo_decimal_rounding mode, struct ordo_decimal *out,
                                  struct ordo_err *err);

#endif
