/*
 * bpmn/feel_internal.h - what the FEEL files share: values, the compiled
 * tree, the evaluation state, and the functions one file offers another.
 *
 * The files, one noun each:
 *   feel_lex.c      source text -> tokens; name characters, reserved words;
 *                   compile-time error messages
 *   feel_parse.c    tokens -> the immutable tree; ordo_feel_compile()
 *   feel_eval.c     the tree -> a value; ordo_feel_eval(), ordo_feel_eval_bool()
 *   feel_value.c    values: JSON in and out, lists, contexts, strings, memory
 *   feel_compare.c  equality and ordering of values
 *   feel_arith.c    + - * / ** and negation
 *   feel_time.c     dates, times, durations: parsing, printing, arithmetic, zones
 *   feel_builtin*.c the built-in function table and its functions
 *
 * Values are small structs passed by value. Strings, lists and contexts
 * either point into the variables' JSON (borrowed: a name resolves without
 * copying) or into the evaluation's arena (built). An evaluation creates its
 * arena only when it first needs memory, so a condition such as
 * `amount > 1000` runs without a single allocation.
 *
 * Errors during evaluation are limits breached (and unknown time zones): the
 * first one is recorded in the evaluation state, and from then on every node
 * evaluates to null at once, so the evaluator unwinds without checking codes
 * at every call. FEEL's own "errors" (1 + "a") are simply null.
 */
#ifndef ORDO_BPMN_FEEL_INTERNAL_H
#define ORDO_BPMN_FEEL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/decimal.h"
#include "base/err.h"
#include "bpmn/feel.h"

#define ORDO_FEEL_MAX_SOURCE_DEFAULT ((size_t)16 * 1024)
#define ORDO_FEEL_MAX_DEPTH_DEFAULT  64u
#define ORDO_FEEL_MAX_STEPS_DEFAULT  100000u
#define ORDO_FEEL_MAX_ITEMS_DEFAULT  10000u
#define ORDO_FEEL_MAX_STRING_DEFAULT ((size_t)1024 * 1024)
/* All memory one evaluation builds (strings, lists, contexts, and the JSON
 * result) is bounded by this many times max_string. Each value is bounded by
 * its own limit, but values can be repeated by reference ([s, s, s, ...]),
 * so only a total keeps an evaluation's memory bounded. */
#define ORDO_FEEL_MEMORY_FACTOR 16u

#define ORDO_FEEL_NANOS_PER_SEC 1000000000
#define ORDO_FEEL_SECS_PER_DAY  86400
#define ORDO_FEEL_NANOS_PER_DAY ((int64_t)ORDO_FEEL_SECS_PER_DAY * ORDO_FEEL_NANOS_PER_SEC)
/* Years FEEL can hold (DMN: -999,999,999 to 999,999,999), and the longest
 * duration, in seconds (about 31 million years); beyond them a result is null. */
#define ORDO_FEEL_MAX_YEAR       999999999
#define ORDO_FEEL_MAX_DUR_SEC    ((int64_t)1000000000000000)
#define ORDO_FEEL_MAX_DUR_MONTHS ((int64_t)999999999 * 12)

/* ---- values ---- */

enum ordo_feel_type {
    ORDO_FV_NULL,
    ORDO_FV_BOOL,
    ORDO_FV_NUMBER,
    ORDO_FV_STRING,
    ORDO_FV_LIST,
    ORDO_FV_CONTEXT,
    ORDO_FV_DATE,
    ORDO_FV_TIME,
    ORDO_FV_DATETIME,
    ORDO_FV_DT_DURATION, /* days and time duration */
    ORDO_FV_YM_DURATION, /* years and months duration */
    ORDO_FV_RANGE,
};

struct ordo_feel_str {
    const char *p; /* UTF-8, not NUL-terminated */
    size_t len;
};

/* Dates, times and date-times. 'day' counts days from 1970-01-01 (dates and
 * date-times); 'nanos' counts nanoseconds from midnight, local wall time
 * (times and date-times). 'offset' is seconds east of UTC when 'has_offset';
 * a value without one is local (interpreted in the env's time zone when it
 * meets a value with an offset). */
struct ordo_feel_temporal {
    int64_t day;
    int64_t nanos;
    int32_t offset;
    bool has_offset;
};

/* A days-and-time duration, or an instant on the UTC time line: sec + nano
 * / 1e9, with 0 <= nano < 1e9 (so -0.5 s is sec -1, nano 500000000). */
struct ordo_feel_duration {
    int64_t sec;
    int32_t nano;
};

struct ordo_feel_ctx;
struct ordo_feel_range;

struct ordo_feel_value {
    enum ordo_feel_type type;
    union {
        bool b;
        struct ordo_decimal num;
        struct ordo_feel_str str;
        struct {
            const json_t *json;                  /* a JSON array, or NULL: */
            const struct ordo_feel_value *items; /* built */
            size_t n;
        } list;
        struct {
            const json_t *json;              /* a JSON object, or NULL: */
            const struct ordo_feel_ctx *ctx; /* built */
        } ctx;
        struct ordo_feel_temporal t;
        struct ordo_feel_duration dur;
        int64_t months;
        const struct ordo_feel_range *range;
    } u;
};

/* A built context: keys in order of insertion, unique. */
struct ordo_feel_ctx {
    const struct ordo_feel_str *keys;
    const struct ordo_feel_value *vals;
    size_t n;
};

/* [lo..hi], (lo..hi), > lo (no hi), ... */
struct ordo_feel_range {
    struct ordo_feel_value lo, hi;
    bool has_lo, has_hi;
    bool lo_closed, hi_closed;
};

/* Three-valued logic. */
enum ordo_feel_tri {
    ORDO_FEEL_FALSE,
    ORDO_FEEL_TRUE,
    ORDO_FEEL_UNKNOWN,
};

/* ---- the compiled tree ---- */

enum ordo_feel_kind {
    ORDO_FK_CONST,   /* value */
    ORDO_FK_NAME,    /* name */
    ORDO_FK_PATH,    /* a.name */
    ORDO_FK_FILTER,  /* a[b] */
    ORDO_FK_CALL,    /* fn(kids) */
    ORDO_FK_DEFINED, /* is defined(a) */
    ORDO_FK_NEG,     /* -a */
    ORDO_FK_ARITH,   /* a op b, op: ADD..POW */
    ORDO_FK_CMP,     /* a op b, op: EQ..GE */
    ORDO_FK_AND,     /* a and b */
    ORDO_FK_OR,      /* a or b */
    ORDO_FK_BETWEEN, /* a between b and c */
    ORDO_FK_IN,      /* a in (kids): any test holds */
    ORDO_FK_TEST,    /* a unary test "op a" (only as a kid of IN) */
    ORDO_FK_RANGE, /* a..b with op = ORDO_FEEL_LO_CLOSED | ORDO_FEEL_HI_CLOSED; NULL a or b: open */
    ORDO_FK_LIST,  /* [kids] */
    ORDO_FK_CONTEXT,  /* {kids}, each an ENTRY */
    ORDO_FK_ENTRY,    /* name: a */
    ORDO_FK_IF,       /* if a then b else c */
    ORDO_FK_FOR,      /* for kids return a; kids are BINDs */
    ORDO_FK_SOME,     /* some kids satisfies a */
    ORDO_FK_EVERY,    /* every kids satisfies a */
    ORDO_FK_BIND,     /* name in a, or name in a..b when b */
    ORDO_FK_INSTANCE, /* a instance of type op */
};

enum ordo_feel_op {
    ORDO_FOP_ADD,
    ORDO_FOP_SUB,
    ORDO_FOP_MUL,
    ORDO_FOP_DIV,
    ORDO_FOP_POW,
    ORDO_FOP_EQ,
    ORDO_FOP_NE,
    ORDO_FOP_LT,
    ORDO_FOP_LE,
    ORDO_FOP_GT,
    ORDO_FOP_GE,
};

#define ORDO_FEEL_LO_CLOSED 1
#define ORDO_FEEL_HI_CLOSED 2

/* The type names of "instance of". */
enum ordo_feel_typename {
    ORDO_FTN_ANY,
    ORDO_FTN_NULL,
    ORDO_FTN_BOOLEAN,
    ORDO_FTN_NUMBER,
    ORDO_FTN_STRING,
    ORDO_FTN_LIST,
    ORDO_FTN_CONTEXT,
    ORDO_FTN_DATE,
    ORDO_FTN_TIME,
    ORDO_FTN_DATETIME,
    ORDO_FTN_DT_DURATION,
    ORDO_FTN_YM_DURATION,
    ORDO_FTN_RANGE,
};

struct ordo_feel_ev;
struct ordo_feel_builtin;

struct ordo_feel_node {
    enum ordo_feel_kind kind;
    int op;
    unsigned depth; /* 1 + the deepest operand: bounds the evaluator's recursion */
    size_t pos;     /* byte offset in the source */
    const char *name;
    size_t name_len;
    struct ordo_feel_value value;
    const struct ordo_feel_builtin *fn;
    const struct ordo_feel_node *a, *b, *c;
    const struct ordo_feel_node *const *kids;
    size_t n;
};

struct ordo_feel_expr {
    const char *src; /* NUL-terminated copy */
    size_t len;
    const struct ordo_feel_node *root;
};

/* ---- evaluation ---- */

/* A name in scope: one binding (for, some, every, item), or every member of
 * a context (the item of a filter, the entries of a context literal). */
struct ordo_feel_scope {
    const struct ordo_feel_scope *up;
    const char *name;
    size_t len;
    bool members;
    struct ordo_feel_value value;
};

struct ordo_feel_ev {
    const struct ordo_feel_env *env;
    struct ordo_arena *arena; /* NULL until the first allocation */
    struct ordo_err *err;
    enum ordo_code rc; /* the first limit breached; then everything is null */
    uint64_t steps, max_steps;
    size_t max_items, max_string;
    size_t memory_left;
    unsigned max_depth;
    const struct ordo_feel_scope *scope;
    const char *src; /* the expression, for messages */
    size_t src_len;
};

typedef struct ordo_feel_value ordo_feel_builtin_fn(struct ordo_feel_ev *ev,
                                                    const struct ordo_feel_value *args, size_t n);

/* A built-in function. 'arity' has bit i set when i arguments are accepted
 * (i < 31); bit 31 means "and any number more than 30". */
struct ordo_feel_builtin {
    const char *name;
    uint32_t arity;
    ordo_feel_builtin_fn *fn;
};

#define ORDO_FEEL_ARITY(n)      ((uint32_t)1 << (n))
#define ORDO_FEEL_ARITY_FROM(n) (~(uint32_t)0 << (n))

/* Constructors. */
struct ordo_feel_value ordo_feel_null(void);
struct ordo_feel_value ordo_feel_bool(bool b);
struct ordo_feel_value ordo_feel_tri_value(enum ordo_feel_tri t);
struct ordo_feel_value ordo_feel_number(struct ordo_decimal d);
struct ordo_feel_value ordo_feel_int(int64_t i);
struct ordo_feel_value ordo_feel_string(const char *p, size_t len);
struct ordo_feel_value ordo_feel_list(const struct ordo_feel_value *items, size_t n);

/* ---- feel_lex.c ---- */

enum ordo_feel_tok_kind {
    ORDO_FT_EOF,
    ORDO_FT_NUMBER,
    ORDO_FT_STRING,
    ORDO_FT_TEMPORAL, /* @"..." */
    ORDO_FT_NAME,     /* identifiers, keywords, and multi-word built-in names */
    ORDO_FT_LPAREN,
    ORDO_FT_RPAREN,
    ORDO_FT_LBRACKET,
    ORDO_FT_RBRACKET,
    ORDO_FT_LBRACE,
    ORDO_FT_RBRACE,
    ORDO_FT_COMMA,
    ORDO_FT_DOT,
    ORDO_FT_DOTDOT,
    ORDO_FT_COLON,
    ORDO_FT_PLUS,
    ORDO_FT_MINUS,
    ORDO_FT_STAR,
    ORDO_FT_SLASH,
    ORDO_FT_POW,
    ORDO_FT_EQ,
    ORDO_FT_NE,
    ORDO_FT_LT,
    ORDO_FT_LE,
    ORDO_FT_GT,
    ORDO_FT_GE,
};

struct ordo_feel_tok {
    enum ordo_feel_tok_kind kind;
    size_t pos;       /* byte offset of the token in the source */
    const char *text; /* names and numbers: in the source; strings: decoded */
    size_t len;
};

/* The length of the character at 's' ('len' > 0 bytes) when it may begin a
 * name ('start') or continue one, else 0 (also for ill-formed UTF-8). The
 * characters are DMN 1.3's NameStartChar ("?", A-Z, "_", a-z and the
 * letter-like ranges of Unicode) and NamePartChar (those, digits, U+00B7,
 * U+0300-U+036F, U+203F-U+2040), and '$'. Shared by the lexer, the
 * built-in name matcher and the JUEL translator. */
size_t ordo_feel_name_char(const char *s, size_t len, bool start);

/* For a character that cannot stand outside a string literal: its code
 * point, or -1 when the bytes at 's' ('len' > 0) are not UTF-8; and in
 * '*hint' a hint for characters typed by mistake ("(use straight quotes
 * \")", "(a no-break space)", "(use >=)"), or "". */
long ordo_feel_stray_char(const char *s, size_t len, const char **hint);

/* True for the words that end an operand in FEEL ("and", "then", "in",
 * "for", ...), which therefore cannot be variable names. */
bool ordo_feel_is_reserved(const char *s, size_t len);

/* Split 'src' into tokens, ending with one ORDO_FT_EOF. */
enum ordo_code ordo_feel_lex(struct ordo_arena *arena, const char *src, size_t len,
                             struct ordo_feel_tok **toks_out, size_t *count_out,
                             struct ordo_err *err);

/* Record ORDO_E_UNPROCESSABLE "FEEL: <message> at column C in "<src>"". */
enum ordo_code ordo_feel_syntax_error(struct ordo_err *err, const char *src, size_t len, size_t pos,
                                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* ---- feel_builtin.c ---- */

/* The built-in called 'name' ('len' bytes), or NULL. */
const struct ordo_feel_builtin *ordo_feel_builtin_find(const char *name, size_t len);

/* If a multi-word built-in name ("string length") starts at 's' and is
 * followed by "(", its length in 's' (words may be separated by any
 * whitespace), with '*canonical' set to its name; else 0. The longest wins. */
size_t ordo_feel_builtin_prefix(const char *s, size_t len, const char **canonical);

/* The built-ins of each file, for the table in feel_builtin.c. */
ordo_feel_builtin_fn ordo_feel_bi_substring, ordo_feel_bi_string_length, ordo_feel_bi_upper_case,
    ordo_feel_bi_lower_case, ordo_feel_bi_substring_before, ordo_feel_bi_substring_after,
    ordo_feel_bi_contains, ordo_feel_bi_starts_with, ordo_feel_bi_ends_with,
    ordo_feel_bi_string_join;
ordo_feel_builtin_fn ordo_feel_bi_list_contains, ordo_feel_bi_count, ordo_feel_bi_min,
    ordo_feel_bi_max, ordo_feel_bi_sum, ordo_feel_bi_mean, ordo_feel_bi_product, ordo_feel_bi_all,
    ordo_feel_bi_any, ordo_feel_bi_sublist, ordo_feel_bi_append, ordo_feel_bi_concatenate,
    ordo_feel_bi_insert_before, ordo_feel_bi_remove, ordo_feel_bi_reverse, ordo_feel_bi_index_of,
    ordo_feel_bi_union, ordo_feel_bi_distinct_values, ordo_feel_bi_flatten;
ordo_feel_builtin_fn ordo_feel_bi_date, ordo_feel_bi_time, ordo_feel_bi_date_and_time,
    ordo_feel_bi_duration, ordo_feel_bi_ym_duration, ordo_feel_bi_now, ordo_feel_bi_today,
    ordo_feel_bi_day_of_week, ordo_feel_bi_month_of_year;

/* Integer argument helpers shared by the built-in files: true with '*out'
 * set when 'v' is an integral number that fits. */
bool ordo_feel_arg_int(const struct ordo_feel_value *v, int64_t *out);

/* ---- feel_value.c ---- */

/* Count 'n' steps; false (and the error recorded) past max_steps. */
bool ordo_feel_step(struct ordo_feel_ev *ev, uint64_t n);

/* Count the work of scanning 'bytes' bytes of text (comparing, hashing,
 * searching, parsing a string): a step per 256 bytes, on top of the step
 * of the operation itself. False past max_steps. */
bool ordo_feel_charge_scan(struct ordo_feel_ev *ev, size_t bytes);

/* Record a limit breach (ORDO_E_UNPROCESSABLE, "FEEL: <message>") and
 * return null; the first error wins. */
struct ordo_feel_value ordo_feel_fail(struct ordo_feel_ev *ev, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Record "a value nested more than N levels deep (max_depth)": null. */
struct ordo_feel_value ordo_feel_too_deep(struct ordo_feel_ev *ev);

/* 'size' zeroed bytes from the evaluation's arena (created on first use),
 * or NULL when the memory budget is spent (the error is recorded). */
void *ordo_feel_alloc(struct ordo_feel_ev *ev, size_t size);

/* Room for a list of 'n' items, or NULL past max_items (error recorded). */
struct ordo_feel_value *ordo_feel_items(struct ordo_feel_ev *ev, size_t n);

/* Append 'v' to a list being built ('*items', '*n' used of '*cap'); false
 * past max_items or the memory budget (the error is recorded). */
bool ordo_feel_push(struct ordo_feel_ev *ev, struct ordo_feel_value **items, size_t *n, size_t *cap,
                    const struct ordo_feel_value *v);

/* Room for a string of 'len' bytes (plus a NUL), or NULL past max_string. */
char *ordo_feel_chars(struct ordo_feel_ev *ev, size_t len);

/* A value for a borrowed JSON value (NULL: null). */
struct ordo_feel_value ordo_feel_from_json(const json_t *j);

/* A new JSON value for 'v', or NULL with the error recorded (a range, a
 * number too large for JSON, too deep, or over the memory budget). */
json_t *ordo_feel_to_json(struct ordo_feel_ev *ev, const struct ordo_feel_value *v);

size_t ordo_feel_list_len(const struct ordo_feel_value *v);
struct ordo_feel_value ordo_feel_list_at(const struct ordo_feel_value *v, size_t i);

/* The member 'name' of context 'v'; '*found' (may be NULL) says whether it exists. */
struct ordo_feel_value ordo_feel_ctx_get(const struct ordo_feel_value *v, const char *name,
                                         size_t len, bool *found);
/* The entries of context 'v', built from JSON when needed; NULL on error. */
const struct ordo_feel_ctx *ordo_feel_ctx_entries(struct ordo_feel_ev *ev,
                                                  const struct ordo_feel_value *v);

/* FEEL's string(v): null stays null. */
struct ordo_feel_value ordo_feel_to_string(struct ordo_feel_ev *ev,
                                           const struct ordo_feel_value *v);

/* ---- feel_compare.c ---- */

/* FEEL '=': null = null is true, null = x is false, other types that do not
 * match are UNKNOWN (null). */
enum ordo_feel_tri ordo_feel_eq(struct ordo_feel_ev *ev, const struct ordo_feel_value *a,
                                const struct ordo_feel_value *b);

/* Order 'a' and 'b' (-1, 0, 1 in '*out'); false when they are not comparable. */
bool ordo_feel_cmp(struct ordo_feel_ev *ev, const struct ordo_feel_value *a,
                   const struct ordo_feel_value *b, int *out);

/* a op b for op EQ..GE. */
enum ordo_feel_tri ordo_feel_compare_op(struct ordo_feel_ev *ev, int op,
                                        const struct ordo_feel_value *a,
                                        const struct ordo_feel_value *b);

/* x in range r. */
enum ordo_feel_tri ordo_feel_in_range(struct ordo_feel_ev *ev, const struct ordo_feel_value *x,
                                      const struct ordo_feel_range *r);

/* True if list 'l' holds an item equal to 'x' (counting steps). */
bool ordo_feel_list_has(struct ordo_feel_ev *ev, const struct ordo_feel_value *l,
                        const struct ordo_feel_value *x);

/* ---- feel_arith.c ---- */

struct ordo_feel_value ordo_feel_arith(struct ordo_feel_ev *ev, int op,
                                       const struct ordo_feel_value *a,
                                       const struct ordo_feel_value *b);
struct ordo_feel_value ordo_feel_negate(const struct ordo_feel_value *a);

/* ---- feel_time.c ---- */

/* The offset of 'zone' (NULL, "UTC", "Z", "+02:00", "Europe/Paris") at the
 * UTC instant 'utc_sec', in seconds east of UTC. A zone name that base/tz.h
 * cannot load is ORDO_E_UNPROCESSABLE, with its message. */
enum ordo_code ordo_feel_zone_offset(const char *zone, int64_t utc_sec, int32_t *offset,
                                     struct ordo_err *err);

/* The same for the wall-clock time 'wall_sec' in 'zone': the offset that
 * makes it an instant, as base/tz.h resolves gaps and overlaps. */
enum ordo_code ordo_feel_zone_offset_local(const char *zone, int64_t wall_sec, int32_t *offset,
                                           struct ordo_err *err);

/* Parse a date, time, date-time or duration literal (as in date("..."),
 * @"..."). 'want' is the type to read, or ORDO_FV_NULL for "whatever the
 * text is". '*out' is null when the text is not valid; the result is an
 * error only for time zone names. */
enum ordo_code ordo_feel_parse_temporal(const char *s, size_t len, enum ordo_feel_type want,
                                        struct ordo_feel_value *out, struct ordo_err *err);

/* ISO 8601 text of a temporal value into 'buf' (at least 64 bytes); its length. */
size_t ordo_feel_format_temporal(const struct ordo_feel_value *v, char *buf, size_t size);

/* The instant of a time or date-time (a local one in the env's zone), false
 * with the error recorded when the zone cannot be used. */
bool ordo_feel_instant(struct ordo_feel_ev *ev, const struct ordo_feel_value *v,
                       struct ordo_feel_duration *out);

/* Temporal + - (op ADD or SUB) with null for combinations FEEL does not define. */
struct ordo_feel_value ordo_feel_time_arith(struct ordo_feel_ev *ev, int op,
                                            const struct ordo_feel_value *a,
                                            const struct ordo_feel_value *b);
/* Duration * number, duration / number, duration / duration. */
struct ordo_feel_value ordo_feel_duration_scale(const struct ordo_feel_value *a,
                                                const struct ordo_feel_value *b, int op);

/* A date, date-time or duration property (year, month, ..., seconds);
 * '*found' false when the value has no such property. */
struct ordo_feel_value ordo_feel_time_property(const struct ordo_feel_value *v, const char *name,
                                               size_t len, bool *found);

/* Seconds of a duration as a decimal, and a duration from decimal seconds
 * (false when out of range). */
struct ordo_decimal ordo_feel_duration_seconds(struct ordo_feel_duration d);
bool ordo_feel_duration_from_seconds(struct ordo_decimal s, struct ordo_feel_duration *out);

/* ---- feel_eval.c ---- */

struct ordo_feel_value ordo_feel_eval_node(struct ordo_feel_ev *ev, const struct ordo_feel_node *n);

#endif
