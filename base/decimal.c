/*
 * base/decimal.c - 34-digit decimal arithmetic, rounded half even (see decimal.h).
 *
 * Every operation computes an exact intermediate (or an exact prefix plus a
 * "sticky" flag that says non-zero digits were cut off below it) in a small
 * fixed-width integer of eight 64-bit limbs, then rounds it once with
 * finish(). So add, sub, mul, div and mod are correctly rounded, as in
 * Python's decimal and Java's BigDecimal with MathContext.DECIMAL128:
 *
 *   add  aligns the exponents exactly when they are at most 70 digits apart;
 *        further apart, the smaller operand lies wholly below the 36 digits
 *        kept of the larger one and only makes the result sticky (or one less
 *        and sticky, when it is subtracted).
 *   mul  multiplies the coefficients into at most 68 digits.
 *   div  long division (Knuth's algorithm D on 64-bit limbs) of a
 *        coefficient scaled so that the quotient has 36 or 37 digits; the
 *        remainder makes it sticky.
 *   mod  is exact: the truncated remainder is computed with 10^k mod b by
 *        binary exponentiation, so 1E+6000 modulo 7 needs no 6000-digit
 *        number; a sign change then adds b once, with one rounding.
 *   pow  follows libmpdec (CPython's decimal) step for step: binary
 *        exponentiation from the top bit at a working precision of
 *        34 + digits(n) + 2 (one more, and a first 1/a, for negative n), then
 *        one rounding to 34 digits. Java rounds a little differently (see
 *        ordo_decimal_pow), so a power can differ from Java's in the last digit.
 *
 * Results whose adjusted exponent exceeds ORDO_DECIMAL_EMAX fail with
 * ORDO_E_UNPROCESSABLE. Tiny results do not fail: like an IEEE context they
 * lose digits below the exponent -6176 (EMIN - 33, "subnormal") and round to
 * zero below half of 1E-6176, exactly as Python's decimal does.
 *
 * No allocation and no state: every function is reentrant.
 */
#include "base/decimal.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"

__extension__ typedef unsigned __int128 u128;

#define LIMBS        8           /* 512 bits: 154 digits, twice what any operation needs */
#define ADD_KEEP     36          /* digits of the larger addend kept when the other is far below */
#define ADD_NEAR     70          /* exponent gap up to which add aligns exactly (ADD_KEEP + 34) */
#define PLAIN_MAX    40          /* longest plain form ordo_decimal_format() prints, sign aside */
#define POW_MAX      999999999LL /* largest |n| for ordo_decimal_pow(), as Java's BigDecimal */
#define EXP_SATURATE 1000000000000LL /* parsed exponents beyond this are all the same */

/* An unsigned integer of up to LIMBS 64-bit limbs, least significant first.
 * Invariant: w[n - 1] != 0 (n == 0 for zero) and every limb from n on is 0. */
struct big {
    uint64_t w[LIMBS];
    int n;
};

/* An exact intermediate value (-1)^neg * c * 10^exp, not yet rounded. */
struct wide {
    struct big c;
    int64_t exp;
    bool neg;
};

/* What the digits dropped by a rounding were, relative to half a unit of the
 * last digit kept. */
enum tail { TAIL_ZERO, TAIL_BELOW, TAIL_HALF, TAIL_ABOVE };

static const uint64_t pow10_u64[20] = {1u,
                                       10u,
                                       100u,
                                       1000u,
                                       10000u,
                                       100000u,
                                       1000000u,
                                       10000000u,
                                       100000000u,
                                       1000000000u,
                                       10000000000u,
                                       100000000000u,
                                       1000000000000u,
                                       10000000000000u,
                                       100000000000000u,
                                       1000000000000000u,
                                       10000000000000000u,
                                       100000000000000000u,
                                       1000000000000000000u,
                                       10000000000000000000u};

/* 10^(19 * i) for i = 0..6, least significant limb first. */
static const uint64_t pow10_19[7][6] = {
    {0x0000000000000001u},
    {0x8ac7230489e80000u},
    {0x098a224000000000u, 0x4b3b4ca85a86c47au},
    {0x4a00000000000000u, 0xebfdcb54864ada83u, 0x28c87cb5c89a2571u},
    {0x0000000000000000u, 0x7775a5f171951000u, 0x0764b4abe8652979u, 0x161bcca7119915b5u},
    {0x0000000000000000u, 0x301bf4a680000000u, 0xe93a4802b0727839u, 0x89e3fedd8c321a67u,
     0x0bfc2ef456ae276eu},
    {0x0000000000000000u, 0xd164000000000000u, 0x637a54290fe2a55cu, 0x1db2332b93f1e94fu,
     0xb7309320c32b3cd3u, 0x067f43fbe77a37f8u},
};

/* ---- 128-bit helpers ---------------------------------------------------- */

/* 10^k for 0 <= k <= 38. */
static u128 pow10_128(int k)
{
    assert(k >= 0 && k <= 38);
    if (k <= 19) {
        return pow10_u64[k];
    }
    return (u128)pow10_u64[19] * pow10_u64[k - 19];
}

static int bit_length_128(u128 v)
{
    uint64_t hi = (uint64_t)(v >> 64);
    uint64_t lo = (uint64_t)v;

    if (hi) {
        return 128 - __builtin_clzll(hi);
    }
    return lo ? 64 - __builtin_clzll(lo) : 0;
}

/* floor(log10(2^(bits - 1))) + 1 for 1 <= bits <= 600 (checked exhaustively:
 * 1233 / 4096 is close enough to log10(2)): the number of decimal digits of a
 * number of that bit length, or one less. */
static int digits_estimate(int bits)
{
    return ((bits - 1) * 1233 >> 12) + 1;
}

/* Decimal digits of 'v' (0 for 0). */
static int digits_128(u128 v)
{
    int bits = bit_length_128(v);
    int d;

    if (bits == 0) {
        return 0;
    }
    d = digits_estimate(bits);
    return d < 39 && v >= pow10_128(d) ? d + 1 : d;
}

static u128 coef_of(struct ordo_decimal d)
{
    return ((u128)d.hi << 64) | d.lo;
}

/* ---- fixed-width unsigned integers --------------------------------------- */

static void big_trim(struct big *a)
{
    while (a->n > 0 && a->w[a->n - 1] == 0) {
        a->n--;
    }
}

static inline struct big big_from_128(u128 v)
{
    struct big r = {{(uint64_t)v, (uint64_t)(v >> 64)}, 0};

    r.n = r.w[1] ? 2 : r.w[0] ? 1 : 0;
    return r;
}

/* The value of 'a', which must be below 2^128. */
static u128 big_to_128(const struct big *a)
{
    assert(a->n <= 2);
    return ((u128)a->w[1] << 64) | a->w[0];
}

static int big_cmp(const struct big *a, const struct big *b)
{
    if (a->n != b->n) {
        return a->n < b->n ? -1 : 1;
    }
    for (int i = a->n - 1; i >= 0; i--) {
        if (a->w[i] != b->w[i]) {
            return a->w[i] < b->w[i] ? -1 : 1;
        }
    }
    return 0;
}

static struct big big_add(const struct big *a, const struct big *b)
{
    struct big r = {{0}, 0};
    int n = a->n > b->n ? a->n : b->n;
    uint64_t carry = 0;

    for (int i = 0; i < n; i++) {
        u128 t = (u128)a->w[i] + b->w[i] + carry;

        r.w[i] = (uint64_t)t;
        carry = (uint64_t)(t >> 64);
    }
    assert(n < LIMBS || carry == 0);
    if (n < LIMBS) {
        r.w[n] = carry;
    }
    r.n = n < LIMBS ? n + 1 : n;
    big_trim(&r);
    return r;
}

/* a - b for a >= b. */
static struct big big_sub(const struct big *a, const struct big *b)
{
    struct big r = {{0}, 0};
    uint64_t borrow = 0;

    assert(big_cmp(a, b) >= 0);
    for (int i = 0; i < a->n; i++) {
        u128 t = (u128)a->w[i] - b->w[i] - borrow;

        r.w[i] = (uint64_t)t;
        borrow = (uint64_t)(t >> 127);
    }
    r.n = a->n;
    big_trim(&r);
    return r;
}

static struct big big_mul(const struct big *a, const struct big *b)
{
    struct big r = {{0}, 0};

    assert(a->n + b->n <= LIMBS);
    for (int i = 0; i < a->n; i++) {
        uint64_t carry = 0;

        for (int j = 0; j < b->n; j++) {
            u128 t = (u128)a->w[i] * b->w[j] + r.w[i + j] + carry;

            r.w[i + j] = (uint64_t)t;
            carry = (uint64_t)(t >> 64);
        }
        r.w[i + b->n] = carry;
    }
    r.n = a->n + b->n;
    big_trim(&r);
    return r;
}

static struct big big_mul_u64(const struct big *a, uint64_t m)
{
    struct big r = {{0}, 0};
    uint64_t carry = 0;

    assert(a->n < LIMBS);
    for (int i = 0; i < a->n; i++) {
        u128 t = (u128)a->w[i] * m + carry;

        r.w[i] = (uint64_t)t;
        carry = (uint64_t)(t >> 64);
    }
    r.w[a->n] = carry;
    r.n = a->n + 1;
    big_trim(&r);
    return r;
}

/* 10^k for 0 <= k <= 132. */
static struct big big_pow10(int k)
{
    struct big r = {{0}, 0};

    assert(k >= 0 && k < 7 * 19);
    if (k <= 38) {
        return big_from_128(pow10_128(k));
    }
    memcpy(r.w, pow10_19[k / 19], sizeof(pow10_19[0]));
    r.n = 6;
    big_trim(&r);
    return k % 19 ? big_mul_u64(&r, pow10_u64[k % 19]) : r;
}

/* Decimal digits of 'a' (0 for 0). */
static int big_digits(const struct big *a)
{
    struct big p;
    int bits;
    int d;

    if (a->n <= 2) {
        return digits_128(big_to_128(a));
    }
    bits = 64 * a->n - __builtin_clzll(a->w[a->n - 1]);
    d = digits_estimate(bits);
    p = big_pow10(d);
    return big_cmp(a, &p) >= 0 ? d + 1 : d;
}

/* q = u / d, returning u % d; 'q' may be 'u'. */
static uint64_t big_divmod_u64(const struct big *u, uint64_t d, struct big *q)
{
    struct big quot = {{0}, 0};
    u128 rem = 0;

    for (int i = u->n - 1; i >= 0; i--) {
        u128 cur = (rem << 64) | u->w[i];

        quot.w[i] = (uint64_t)(cur / d);
        rem = cur % d;
    }
    quot.n = u->n;
    big_trim(&quot);
    *q = quot;
    return (uint64_t)rem;
}

/* Shift the n limbs of 'src' left by s < 64 bits into 'dst'; return the bits shifted out. */
static uint64_t shift_left(uint64_t *dst, const uint64_t *src, int n, int s)
{
    uint64_t out = s ? src[n - 1] >> (64 - s) : 0;

    for (int i = n - 1; i > 0; i--) {
        dst[i] = (src[i] << s) | (s ? src[i - 1] >> (64 - s) : 0);
    }
    dst[0] = src[0] << s;
    return out;
}

/* One step of algorithm D: divide the n + 1 limbs at 'u' by the n >= 2 limbs of
 * the normalised divisor 'v', leave the remainder in 'u' and return the
 * quotient limb. */
static uint64_t divide_step(uint64_t *u, const uint64_t *v, int n)
{
    u128 num = ((u128)u[n] << 64) | u[n - 1];
    u128 qhat = num / v[n - 1];
    u128 rhat = num % v[n - 1];
    uint64_t borrow = 0;
    uint64_t carry = 0;
    uint64_t back = 0;
    u128 t;

    while ((qhat >> 64) || qhat * v[n - 2] > ((rhat << 64) | u[n - 2])) {
        qhat--;
        rhat += v[n - 1];
        if (rhat >> 64) {
            break;
        }
    }
    for (int i = 0; i < n; i++) {
        u128 p = qhat * v[i] + carry;

        carry = (uint64_t)(p >> 64);
        t = (u128)u[i] - (uint64_t)p - borrow;
        u[i] = (uint64_t)t;
        borrow = (uint64_t)(t >> 127);
    }
    t = (u128)u[n] - carry - borrow;
    u[n] = (uint64_t)t;
    if (!(t >> 127)) {
        return (uint64_t)qhat;
    }
    for (int i = 0; i < n; i++) { /* qhat was one too large: add the divisor back */
        t = (u128)u[i] + v[i] + back;
        u[i] = (uint64_t)t;
        back = (uint64_t)(t >> 64);
    }
    u[n] += back;
    return (uint64_t)(qhat - 1);
}

/* q = u / v and r = u % v for v != 0 (Knuth, TAOCP vol. 2, 4.3.1, algorithm D).
 * 'q' and 'r' are written last, so they may be 'u' or 'v'. */
static void big_divmod(const struct big *u, const struct big *v, struct big *q, struct big *r)
{
    uint64_t un[LIMBS + 1] = {0};
    uint64_t vn[LIMBS] = {0};
    struct big quot = {{0}, 0};
    struct big rem = {{0}, 0};
    int m = u->n;
    int n = v->n;
    int s;

    assert(n > 0);
    if (m < n) {
        rem = *u;
    } else if (n == 1) {
        rem.w[0] = big_divmod_u64(u, v->w[0], &quot);
        rem.n = rem.w[0] != 0;
    } else {
        s = __builtin_clzll(v->w[n - 1]);
        (void)shift_left(vn, v->w, n, s);
        un[m] = shift_left(un, u->w, m, s);
        for (int j = m - n; j >= 0; j--) {
            quot.w[j] = divide_step(un + j, vn, n);
        }
        quot.n = m - n + 1;
        big_trim(&quot);
        for (int i = 0; i < n; i++) { /* undo the normalisation of the remainder */
            rem.w[i] = (un[i] >> s) | (s ? un[i + 1] << (64 - s) : 0);
        }
        rem.n = n;
        big_trim(&rem);
    }
    *q = quot;
    *r = rem;
}

/* ---- rounding ------------------------------------------------------------ */

static bool rounds_away(enum ordo_decimal_rounding mode, enum tail tail, bool neg, bool odd)
{
    switch (mode) {
    case ORDO_DECIMAL_HALF_EVEN:
        return tail == TAIL_ABOVE || (tail == TAIL_HALF && odd);
    case ORDO_DECIMAL_HALF_UP:
        return tail >= TAIL_HALF;
    case ORDO_DECIMAL_HALF_DOWN:
        return tail == TAIL_ABOVE;
    case ORDO_DECIMAL_UP:
        return tail != TAIL_ZERO;
    case ORDO_DECIMAL_DOWN:
        return false;
    case ORDO_DECIMAL_FLOOR:
        return tail != TAIL_ZERO && neg;
    case ORDO_DECIMAL_CEILING:
        return tail != TAIL_ZERO && !neg;
    }
    return false;
}

/* Classify a dropped remainder r from whether it is non-zero, how it compares
 * with unit - r (equal: exactly half a unit) and the sticky digits below it. */
static enum tail classify(bool nonzero, int cmp, bool sticky)
{
    if (!nonzero && !sticky) {
        return TAIL_ZERO;
    }
    if (cmp == 0) {
        return sticky ? TAIL_ABOVE : TAIL_HALF;
    }
    return cmp < 0 ? TAIL_BELOW : TAIL_ABOVE;
}

/* Drop the last k >= 1 of the 'digits' digits of 'c', rounding by 'mode' for a
 * number of sign 'neg'. 'sticky' says the exact value has non-zero digits
 * below 'c'. */
static struct big drop_digits(const struct big *c, int digits, int64_t k, bool sticky,
                              enum ordo_decimal_rounding mode, bool neg)
{
    struct big q = {{0}, 0};
    struct big r;
    struct big p;
    struct big rest;
    enum tail tail;

    assert(k >= 1);
    if (k > digits) { /* c < 10^(k-1): below half a unit */
        tail = c->n || sticky ? TAIL_BELOW : TAIL_ZERO;
    } else if (c->n <= 2) { /* the common case, in 128 bits */
        u128 v = big_to_128(c);
        u128 pv = pow10_128((int)k);
        u128 rv = v % pv;

        q = big_from_128(v / pv);
        tail = classify(rv != 0, rv < pv - rv ? -1 : rv > pv - rv, sticky);
    } else {
        p = big_pow10((int)k);
        big_divmod(c, &p, &q, &r);
        rest = big_sub(&p, &r);
        tail = classify(r.n != 0, big_cmp(&r, &rest), sticky);
    }
    if (rounds_away(mode, tail, neg, q.w[0] & 1)) {
        struct big one = big_from_128(1);

        q = big_add(&q, &one);
    }
    return q;
}

/* Round 'x' half even to 'prec' digits as a decimal context of that precision
 * does, with subnormal results (exponent below EMIN - prec + 1) losing digits.
 * 'sticky' says the exact value has non-zero digits below x->c, which then
 * must have more than 'prec' digits. Zero comes out as +0E0. Returns false
 * when the rounded value is above the largest finite number. */
static bool finish(struct wide *x, int prec, bool sticky)
{
    int64_t etiny = ORDO_DECIMAL_EMIN - prec + 1;
    int d = big_digits(&x->c);
    int64_t k = d > prec ? d - prec : 0;

    assert(!sticky || d > prec);
    if (x->exp + k < etiny) {
        k = etiny - x->exp;
    }
    if (k > 0) {
        x->c = drop_digits(&x->c, d, k, sticky, ORDO_DECIMAL_HALF_EVEN, x->neg);
        x->exp += k;
        d = big_digits(&x->c);
        if (d > prec) { /* 99...9 rounded up to 10^prec: drop the zero */
            (void)big_divmod_u64(&x->c, 10, &x->c);
            x->exp++;
            d--;
        }
    }
    if (d == 0) {
        x->exp = 0;
        x->neg = false;
        return true;
    }
    return x->exp + d - 1 <= ORDO_DECIMAL_EMAX;
}

/* ---- conversions between the public struct and intermediates ------------- */

static struct wide unpack(struct ordo_decimal d)
{
    struct wide w;

    assert(coef_of(d) < pow10_128(ORDO_DECIMAL_DIGITS));
    w.c = big_from_128(coef_of(d));
    w.exp = d.exp;
    w.neg = d.neg && w.c.n > 0;
    return w;
}

/* 'w' must be the result of finish() at ORDO_DECIMAL_DIGITS. */
static struct ordo_decimal pack(const struct wide *w)
{
    struct ordo_decimal d;

    d.hi = w->c.w[1];
    d.lo = w->c.w[0];
    d.exp = (int32_t)w->exp;
    d.neg = w->neg && w->c.n > 0;
    return d;
}

static struct ordo_decimal zero(void)
{
    struct ordo_decimal d = {0, 0, 0, false};

    return d;
}

/* Record "what: a op b" with both operands printed. */
static enum ordo_code fail(struct ordo_err *err, const char *what, struct ordo_decimal a,
                           const char *op, struct ordo_decimal b)
{
    char sa[ORDO_DECIMAL_STR_MAX];
    char sb[ORDO_DECIMAL_STR_MAX];

    ordo_decimal_format(a, sa);
    ordo_decimal_format(b, sb);
    return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "%s: %s %s %s", what, sa, op, sb);
}

/* ---- operations on intermediates ------------------------------------------ */

/* The larger addend 'a' with 'b' far below its last digit: a plus or minus a tiny amount. */
static bool add_far(const struct wide *a, bool b_neg, struct wide *out)
{
    int pad = ADD_KEEP - big_digits(&a->c);
    struct big p = big_pow10(pad);

    out->c = big_mul(&a->c, &p);
    out->exp = a->exp - pad;
    out->neg = a->neg;
    if (b_neg != a->neg) { /* a - tiny = (a - 1 unit) + (1 unit - tiny) */
        struct big one = big_from_128(1);

        out->c = big_sub(&out->c, &one);
    }
    return finish(out, ORDO_DECIMAL_DIGITS, true);
}

static bool add_wide(struct wide a, struct wide b, struct wide *out)
{
    struct big p;
    int gap;

    if (b.c.n == 0 || a.c.n == 0) {
        *out = b.c.n == 0 ? a : b;
        return finish(out, ORDO_DECIMAL_DIGITS, false);
    }
    if (a.exp < b.exp) {
        struct wide t = a;

        a = b;
        b = t;
    }
    if (a.exp - b.exp > ADD_NEAR) {
        return add_far(&a, b.neg, out);
    }
    gap = (int)(a.exp - b.exp);
    if (a.c.n <= 2 && digits_128(big_to_128(&a.c)) + gap <= 37) { /* fits in 128 bits */
        a.c = big_from_128(big_to_128(&a.c) * pow10_128(gap));
    } else {
        p = big_pow10(gap);
        a.c = big_mul(&a.c, &p);
    }
    out->exp = b.exp;
    if (a.neg == b.neg) {
        out->c = big_add(&a.c, &b.c);
        out->neg = a.neg;
    } else if (big_cmp(&a.c, &b.c) >= 0) {
        out->c = big_sub(&a.c, &b.c);
        out->neg = a.neg;
    } else {
        out->c = big_sub(&b.c, &a.c);
        out->neg = b.neg;
    }
    return finish(out, ORDO_DECIMAL_DIGITS, false);
}

static bool mul_wide(const struct wide *a, const struct wide *b, int prec, struct wide *out)
{
    out->c = big_mul(&a->c, &b->c);
    out->exp = a->exp + b->exp;
    out->neg = a->neg != b->neg;
    return finish(out, prec, false);
}

/* a / b for b != 0, rounded to 'prec' digits. */
static bool div_wide(const struct wide *a, const struct wide *b, int prec, struct wide *out)
{
    int da = big_digits(&a->c);
    int db = big_digits(&b->c);
    int s = prec + 2 + db - da; /* makes the quotient at least prec + 2 digits long */
    struct wide q = {.exp = a->exp - b->exp - s, .neg = a->neg != b->neg};
    struct big p;
    struct big num;
    struct big rem;

    if (a->c.n == 0) {
        *out = *a;
        return finish(out, prec, false);
    }
    assert(s >= 0);
    p = big_pow10(s);
    num = big_mul(&a->c, &p);
    big_divmod(&num, &b->c, &q.c, &rem);
    *out = q; /* 'out' may be 'a' or 'b' */
    return finish(out, prec, rem.n != 0);
}

/* (a * b) mod m. */
static struct big mulmod(const struct big *a, const struct big *b, const struct big *m)
{
    struct big prod = big_mul(a, b);
    struct big q;
    struct big r;

    big_divmod(&prod, m, &q, &r);
    return r;
}

/* 10^k mod m by binary exponentiation. */
static struct big pow10_mod(int64_t k, const struct big *m)
{
    struct big one = big_from_128(1);
    struct big ten = big_from_128(10);
    struct big result = mulmod(&one, &one, m);
    struct big base = mulmod(&ten, &one, m);

    for (; k > 0; k >>= 1) {
        if (k & 1) {
            result = mulmod(&result, &base, m);
        }
        base = mulmod(&base, &base, m);
    }
    return result;
}

/* The exact remainder of a / b truncated toward zero (sign of a), b != 0. It
 * has at most 34 digits: it is below b's coefficient, or is a's. */
static struct wide trunc_rem(const struct wide *a, const struct wide *b)
{
    struct wide r = {.exp = a->exp < b->exp ? a->exp : b->exp, .neg = a->neg};
    int64_t gap = a->exp - b->exp;
    struct big q;

    if (gap >= 0) { /* (ca * 10^gap) mod cb */
        struct big t = pow10_mod(gap, &b->c);

        r.c = mulmod(&a->c, &t, &b->c);
    } else if (big_digits(&b->c) - gap > big_digits(&a->c)) {
        r.c = a->c; /* |b| > |a| */
    } else {
        struct big p = big_pow10((int)-gap);
        struct big m = big_mul(&b->c, &p);

        big_divmod(&a->c, &m, &q, &r.c);
    }
    return r;
}

/* ---- public functions ----------------------------------------------------- */

struct ordo_decimal ordo_decimal_from_int(int64_t v)
{
    struct ordo_decimal d = zero();
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

    d.lo = mag;
    d.neg = v < 0;
    return d;
}

/* Digits read so far: the first 35 significant ones exactly, the rest as a
 * sticky flag, with 'exp' the exponent of the last digit kept. */
struct scan {
    u128 coef;
    int kept;
    int64_t exp;
    bool sticky;
};

static void scan_digit(struct scan *sc, int digit, bool fraction)
{
    if (sc->kept == 0 && digit == 0) { /* a leading zero */
        sc->exp -= fraction;
    } else if (sc->kept < ORDO_DECIMAL_DIGITS + 1) {
        sc->coef = sc->coef * 10 + (unsigned)digit;
        sc->kept++;
        sc->exp -= fraction;
    } else {
        sc->sticky |= digit != 0;
        sc->exp += !fraction;
    }
}

/* Read the optional exponent at '*p' into '*exp'; false if malformed. */
static bool scan_exponent(const char **p, int64_t *exp)
{
    const char *s = *p;
    bool neg = false;
    int64_t v = 0;

    *exp = 0;
    if (*s != 'e' && *s != 'E') {
        return true;
    }
    s++;
    if (*s == '+' || *s == '-') {
        neg = *s++ == '-';
    }
    if (!ordo_is_digit(*s)) {
        return false;
    }
    for (; ordo_is_digit(*s); s++) {
        v = v < EXP_SATURATE ? v * 10 + (*s - '0') : v;
    }
    *exp = neg ? -v : v;
    *p = s;
    return true;
}

enum ordo_code ordo_decimal_parse(const char *s, struct ordo_decimal *out, struct ordo_err *err)
{
    struct scan sc = {0, 0, 0, false};
    const char *p = s;
    struct wide w;
    int64_t exp;
    bool any_digit = false;

    w.neg = *p == '-';
    p += *p == '-' || *p == '+';
    for (; ordo_is_digit(*p); p++, any_digit = true) {
        scan_digit(&sc, *p - '0', false);
    }
    if (*p == '.') {
        for (p++; ordo_is_digit(*p); p++, any_digit = true) {
            scan_digit(&sc, *p - '0', true);
        }
    }
    if (!any_digit || !scan_exponent(&p, &exp) || *p != '\0') {
        return ordo_err_set(err, ORDO_E_INVAL, "not a number: \"%s\"", s);
    }
    w.c = big_from_128(sc.coef);
    w.exp = sc.exp + exp;
    if (!finish(&w, ORDO_DECIMAL_DIGITS, sc.sticky)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "number too large: \"%s\"", s);
    }
    *out = pack(&w);
    return ORDO_OK;
}

enum ordo_code ordo_decimal_from_double(double v, struct ordo_decimal *out, struct ordo_err *err)
{
    char buf[40];
    int prec = 15;

    if (!isfinite(v)) {
        return ordo_err_set(err, ORDO_E_INVAL, "not a finite number: %g", v);
    }
    /* %g drops trailing zeros, so for a normal double the first of 15, 16 and
     * 17 digits that reads back is the shortest such text (Python's repr()).
     * Subnormals carry fewer digits: 5e-324 needs one, so start there. The
     * radix character is '.': Ordo never calls setlocale(). */
    if (v != 0 && fabs(v) < DBL_MIN) {
        prec = 1;
    }
    do {
        (void)snprintf(buf, sizeof(buf), "%.*g", prec, v);
    } while (prec++ < 17 && strtod(buf, NULL) != v);
    return ordo_decimal_parse(buf, out, err);
}

/* The coefficient's digits, most significant first, with a NUL; returns their count. */
static int coef_digits(u128 c, char *buf)
{
    char tmp[40];
    uint64_t v;
    int n = 0;

    while (c >> 64) { /* 19 digits at a time, so that the rest is plain 64-bit */
        v = (uint64_t)(c % pow10_u64[19]);
        c /= pow10_u64[19];
        for (int i = 0; i < 19; i++, v /= 10) {
            tmp[n++] = (char)('0' + v % 10);
        }
    }
    v = (uint64_t)c;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (int i = 0; i < n; i++) {
        buf[i] = tmp[n - 1 - i];
    }
    buf[n] = '\0';
    return n;
}

double ordo_decimal_to_double(struct ordo_decimal d)
{
    char buf[ORDO_DECIMAL_STR_MAX];
    char digits[40];

    (void)coef_digits(coef_of(d), digits);
    /* No decimal point, so the locale's radix character does not matter. */
    (void)snprintf(buf, sizeof(buf), "%s%se%d", d.neg ? "-" : "", digits, (int)d.exp);
    return strtod(buf, NULL);
}

bool ordo_decimal_to_int64(struct ordo_decimal d, int64_t *out)
{
    u128 c = coef_of(d);
    u128 limit = d.neg ? (u128)INT64_MAX + 1 : (u128)INT64_MAX;

    if (c == 0) {
        *out = 0;
        return true;
    }
    if (d.exp > 0) {
        if (digits_128(c) + d.exp > 19) {
            return false;
        }
        c *= pow10_128(d.exp);
    } else if (d.exp < 0) {
        if (d.exp < -ORDO_DECIMAL_DIGITS || c % pow10_128(-d.exp) != 0) {
            return false;
        }
        c /= pow10_128(-d.exp);
    }
    if (c > limit) {
        return false;
    }
    *out = d.neg ? (int64_t)(0 - (uint64_t)c) : (int64_t)c;
    return true;
}

/* Write the digits 'dig' (n of them, no trailing zero) times 10^exp in plain notation. */
static void format_plain(char *p, const char *dig, int n, int64_t exp)
{
    if (exp >= 0) {
        memcpy(p, dig, (size_t)n);
        memset(p + n, '0', (size_t)exp);
        p[n + exp] = '\0';
    } else if (-exp < n) {
        int point = n + (int)exp;

        memcpy(p, dig, (size_t)point);
        p[point] = '.';
        memcpy(p + point + 1, dig + point, (size_t)(n - point) + 1);
    } else {
        int zeros = (int)-exp - n;

        p[0] = '0';
        p[1] = '.';
        memset(p + 2, '0', (size_t)zeros);
        memcpy(p + 2 + zeros, dig, (size_t)n + 1);
    }
}

void ordo_decimal_format(struct ordo_decimal d, char *buf)
{
    char dig[40];
    int n = coef_digits(coef_of(d), dig);
    int64_t exp = d.exp;
    int64_t plain_len;
    char *p = buf;

    if (coef_of(d) == 0) {
        memcpy(buf, "0", 2);
        return;
    }
    while (n > 1 && dig[n - 1] == '0') {
        dig[--n] = '\0';
        exp++;
    }
    if (d.neg) {
        *p++ = '-';
    }
    plain_len = exp >= 0 ? n + exp : -exp < n ? n + 1 : 2 - exp;
    if (plain_len <= PLAIN_MAX) {
        format_plain(p, dig, n, exp);
        return;
    }
    *p++ = dig[0];
    if (n > 1) {
        *p++ = '.';
        memcpy(p, dig + 1, (size_t)n - 1);
        p += n - 1;
    }
    (void)snprintf(p, (size_t)(ORDO_DECIMAL_STR_MAX - (p - buf)), "E%+d", (int)(exp + n - 1));
}

enum ordo_code ordo_decimal_add(struct ordo_decimal a, struct ordo_decimal b,
                                struct ordo_decimal *out, struct ordo_err *err)
{
    struct wide r;

    if (!add_wide(unpack(a), unpack(b), &r)) {
        return fail(err, "number too large", a, "+", b);
    }
    *out = pack(&r);
    return ORDO_OK;
}

enum ordo_code ordo_decimal_sub(struct ordo_decimal a, struct ordo_decimal b,
                                struct ordo_decimal *out, struct ordo_err *err)
{
    struct wide r;

    if (!add_wide(unpack(a), unpack(ordo_decimal_neg(b)), &r)) {
        return fail(err, "number too large", a, "-", b);
    }
    *out = pack(&r);
    return ORDO_OK;
}

enum ordo_code ordo_decimal_mul(struct ordo_decimal a, struct ordo_decimal b,
                                struct ordo_decimal *out, struct ordo_err *err)
{
    struct wide wa = unpack(a);
    struct wide wb = unpack(b);
    struct wide r;

    if (!mul_wide(&wa, &wb, ORDO_DECIMAL_DIGITS, &r)) {
        return fail(err, "number too large", a, "*", b);
    }
    *out = pack(&r);
    return ORDO_OK;
}

enum ordo_code ordo_decimal_div(struct ordo_decimal a, struct ordo_decimal b,
                                struct ordo_decimal *out, struct ordo_err *err)
{
    struct wide wa = unpack(a);
    struct wide wb = unpack(b);
    struct wide r;

    if (wb.c.n == 0) {
        return fail(err, "division by zero", a, "/", b);
    }
    if (!div_wide(&wa, &wb, ORDO_DECIMAL_DIGITS, &r)) {
        return fail(err, "number too large", a, "/", b);
    }
    *out = pack(&r);
    return ORDO_OK;
}

enum ordo_code ordo_decimal_mod(struct ordo_decimal a, struct ordo_decimal b,
                                struct ordo_decimal *out, struct ordo_err *err)
{
    struct wide wa = unpack(a);
    struct wide wb = unpack(b);
    struct wide r;
    bool ok;

    if (wb.c.n == 0) {
        return fail(err, "division by zero", a, "modulo", b);
    }
    r = trunc_rem(&wa, &wb);
    if (r.c.n != 0 && r.neg != wb.neg) { /* floor, not truncation: one more b */
        ok = add_wide(r, wb, &r);
    } else {
        ok = finish(&r, ORDO_DECIMAL_DIGITS, false);
    }
    if (!ok) {
        return fail(err, "number too large", a, "modulo", b);
    }
    *out = pack(&r);
    return ORDO_OK;
}

/* |a| ** n for n >= 1 at working precision 'prec', as libmpdec's
 * _mpd_qpow_uint(): square, then multiply when the next bit is set. */
static bool pow_wide(const struct wide *a, uint64_t n, int prec, struct wide *out)
{
    int bit = 63 - __builtin_clzll(n);

    *out = *a;
    out->neg = false;
    while (bit-- > 0 && out->c.n != 0) {
        if (!mul_wide(out, out, prec, out)) {
            return false;
        }
        if (((n >> bit) & 1) && !mul_wide(out, a, prec, out)) {
            return false;
        }
    }
    return true;
}

/*
 * Python's decimal (libmpdec) and Java's BigDecimal.pow(n, mc) both use
 * binary exponentiation at a raised working precision, but not the same:
 * libmpdec works at 34 + digits(n) + 2 digits and, for n < 0, first forms
 * 1/a (with one digit more) and raises that; Java works at 34 + digits(n) + 1
 * and divides 1 by a**|n| at the end. This follows libmpdec. 0 ** 0 is 1,
 * as in Java (Python raises InvalidOperation).
 */
enum ordo_code ordo_decimal_pow(struct ordo_decimal a, int64_t n, struct ordo_decimal *out,
                                struct ordo_err *err)
{
    struct wide base = unpack(a);
    uint64_t mag = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
    int prec = ORDO_DECIMAL_DIGITS + digits_128(mag) + 2;
    struct wide r;

    if (n > POW_MAX || n < -POW_MAX) {
        return fail(err, "exponent out of range", a, "**", ordo_decimal_from_int(n));
    }
    if (n == 0) {
        *out = ordo_decimal_from_int(1);
        return ORDO_OK;
    }
    if (base.c.n == 0) {
        if (n < 0) {
            return fail(err, "division by zero", a, "**", ordo_decimal_from_int(n));
        }
        *out = zero();
        return ORDO_OK;
    }
    base.neg = false;
    if (n < 0) {
        struct wide one = {big_from_128(1), 0, false};

        prec++;
        if (!div_wide(&one, &base, prec, &base)) {
            return fail(err, "number too large", a, "**", ordo_decimal_from_int(n));
        }
    }
    if (!pow_wide(&base, mag, prec, &r) || !finish(&r, ORDO_DECIMAL_DIGITS, false)) {
        return fail(err, "number too large", a, "**", ordo_decimal_from_int(n));
    }
    r.neg = a.neg && (mag & 1) && r.c.n != 0;
    *out = pack(&r);
    return ORDO_OK;
}

/* Compare |a| and |b|, both non-zero. */
static int cmp_abs(struct ordo_decimal a, struct ordo_decimal b)
{
    u128 ca = coef_of(a);
    u128 cb = coef_of(b);
    int64_t adj_a = (int64_t)a.exp + digits_128(ca);
    int64_t adj_b = (int64_t)b.exp + digits_128(cb);

    if (adj_a != adj_b) {
        return adj_a < adj_b ? -1 : 1;
    }
    /* Same adjusted exponent: the gap is below 34 digits and fits. */
    if (a.exp > b.exp) {
        ca *= pow10_128(a.exp - b.exp);
    } else {
        cb *= pow10_128(b.exp - a.exp);
    }
    return ca < cb ? -1 : ca > cb;
}

int ordo_decimal_cmp(struct ordo_decimal a, struct ordo_decimal b)
{
    int sa = ordo_decimal_is_zero(a) ? 0 : a.neg ? -1 : 1;
    int sb = ordo_decimal_is_zero(b) ? 0 : b.neg ? -1 : 1;

    if (sa != sb) {
        return sa < sb ? -1 : 1;
    }
    if (sa == 0) {
        return 0;
    }
    return sa * cmp_abs(a, b);
}

bool ordo_decimal_eq(struct ordo_decimal a, struct ordo_decimal b)
{
    return ordo_decimal_cmp(a, b) == 0;
}

bool ordo_decimal_is_zero(struct ordo_decimal d)
{
    return d.hi == 0 && d.lo == 0;
}

bool ordo_decimal_is_integer(struct ordo_decimal d)
{
    u128 c = coef_of(d);

    if (c == 0 || d.exp >= 0) {
        return true;
    }
    return d.exp >= -ORDO_DECIMAL_DIGITS && c % pow10_128(-d.exp) == 0;
}

struct ordo_decimal ordo_decimal_neg(struct ordo_decimal d)
{
    d.neg = !d.neg && !ordo_decimal_is_zero(d);
    return d;
}

struct ordo_decimal ordo_decimal_abs(struct ordo_decimal d)
{
    d.neg = false;
    return d;
}

enum ordo_code ordo_decimal_round(struct ordo_decimal d, int32_t scale,
                                  enum ordo_decimal_rounding mode, struct ordo_decimal *out,
                                  struct ordo_err *err)
{
    int64_t target = -(int64_t)scale;
    struct wide w = unpack(d);
    int digits;

    if (w.c.n == 0 || w.exp >= target) { /* nothing to cut: the value stays */
        *out = w.c.n == 0 ? zero() : d;
        return ORDO_OK;
    }
    w.c = drop_digits(&w.c, big_digits(&w.c), target - w.exp, false, mode, w.neg);
    w.exp = target;
    digits = big_digits(&w.c);
    if (digits == 0) {
        *out = zero();
        return ORDO_OK;
    }
    if (w.exp + digits - 1 > ORDO_DECIMAL_EMAX) {
        return fail(err, "number too large", d, "rounded to scale", ordo_decimal_from_int(scale));
    }
    *out = pack(&w);
    return ORDO_OK;
}
