/*
 * bpmn/feel.h - a safe subset of FEEL (DMN 1.3, chapter 10), the expression
 * language of conditions and input/output mappings (CONTRACTS.md §2).
 *
 * An expression is compiled once, when a model is deployed or run, into an
 * immutable tree, and evaluated many times, from any number of threads.
 * Evaluation has no side effects and does no I/O: variables come from a
 * lookup callback, and the clock (now(), today()) from the caller, because
 * the engine's time is the event's time, never the machine's. (One
 * exception: the first use of a time zone name in the process reads its
 * zoneinfo file, which base/tz.h then keeps.)
 *
 * The subset: null, booleans, numbers (decimal: base/decimal.h), strings,
 * lists, contexts ({a: 1, "b c": 2}), dates, times, date-times and both
 * kinds of duration; names and paths (employee.manager.email), filters
 * (items[price > 10], list[1], list[-1]), arithmetic (+ - * / **, with
 * FEEL's null propagation), comparison (= != < <= > >=), and/or/not() with
 * FEEL's three-valued logic, "between ... and ...", "in" with ranges
 * ([1..10], (1..10], > 5) and lists, "if then else", "for ... in ...
 * return", "some/every ... in ... satisfies", "instance of", string
 * concatenation with +, and the built-ins a business user needs (listed in
 * docs/feel.md). No user-defined functions, no external calls.
 *
 * Errors at compile time (syntax, unknown function, wrong arity) return
 * ORDO_E_UNPROCESSABLE with a message naming the expression and the column.
 * At run time FEEL yields null for type errors (1 + "a"), as the spec says;
 * a limit breached (steps, depth, size) is ORDO_E_UNPROCESSABLE, so a
 * hostile expression cannot hang or exhaust a worker.
 */
#ifndef ORDO_BPMN_FEEL_H
#define ORDO_BPMN_FEEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"

struct ordo_feel_expr; /* compiled; immutable; lives in the compile arena */

/* Bounds on one compilation and one evaluation; zero fields take the
 * defaults in brackets. */
struct ordo_feel_limits {
    size_t max_source;  /* bytes of expression text [16 KiB] */
    unsigned max_depth; /* nesting of the expression tree, and of values compared,
                           flattened or converted to JSON [64] */
    uint64_t max_steps; /* evaluation steps; each comparison counts, and each 256
                           bytes of text compared, looked up or scanned [100,000] */
    size_t max_items;   /* elements of one list or context built [10,000] */
    size_t max_string;  /* bytes of one string built [1 MiB]; one evaluation may use
                           16 times this in all, result included */
};

/* Returns the variable 'name' ('len' bytes, not NUL-terminated) as a
 * borrowed JSON value, or NULL when it is not defined (FEEL: null). */
typedef const json_t *ordo_feel_lookup_fn(void *ctx, const char *name, size_t len);

struct ordo_feel_env {
    ordo_feel_lookup_fn *lookup; /* NULL: no variables */
    void *lookup_ctx;
    int64_t now_ms; /* the event's time, Unix milliseconds, for now() and today() */
    /* Zone of now(), today() and local date-times: NULL or "UTC", a fixed
     * offset such as "+02:00", or an IANA name such as "Europe/Berlin"
     * (base/tz.h: daylight saving time included). A name base/tz.h cannot
     * load makes whatever needs the zone fail with ORDO_E_UNPROCESSABLE. */
    const char *timezone;
    const struct ordo_feel_limits *limits; /* NULL: defaults */
};

/* Compile 'src' ('len' bytes; the leading '=' of a BPMN expression already
 * removed). The tree lives in 'arena'. */
enum ordo_code ordo_feel_compile(struct ordo_arena *arena, const char *src, size_t len,
                                 const struct ordo_feel_limits *limits,
                                 const struct ordo_feel_expr **out, struct ordo_err *err);

/* The source text an expression was compiled from (for messages). */
const char *ordo_feel_source(const struct ordo_feel_expr *expr);

/* Evaluate to JSON: a new reference in '*out' (json_null() for FEEL null).
 * Numbers become JSON integers when integral and within int64, else reals
 * (a number beyond the range of a double fails with ORDO_E_UNPROCESSABLE);
 * dates, times and durations become their ISO 8601 strings
 * ("2026-11-25", "10:30:00", "2026-11-25T10:30:00Z", "P1DT2H", "P1Y2M");
 * contexts become objects, lists arrays. */
enum ordo_code ordo_feel_eval(const struct ordo_feel_expr *expr, const struct ordo_feel_env *env,
                              json_t **out, struct ordo_err *err);

/* Evaluate a condition: '*out' is true only for boolean true. '*was_null'
 * (may be NULL) tells a null or non-boolean result apart from false, for
 * the lint warning "condition evaluated to null". */
enum ordo_code ordo_feel_eval_bool(const struct ordo_feel_expr *expr,
                                   const struct ordo_feel_env *env, bool *out, bool *was_null,
                                   struct ordo_err *err);

/* Translate simple JUEL ("${approved}", "${amount > 1000}", "${a && b}",
 * "#{...}") into FEEL source in 'arena'. Supported: names and paths,
 * literals, == != < <= > >= (and eq ne lt le gt ge), && || ! (and, or,
 * not), + - * / % and empty. Anything else (method calls, ternaries,
 * assignments, lambdas) is ORDO_E_UNPROCESSABLE with a message naming it. */
enum ordo_code ordo_feel_from_juel(struct ordo_arena *arena, const char *juel,
                                   const char **feel_out, struct ordo_err *err);

/* The way back, for the Camunda 7 export (bpmn/juel_write.c): FEEL source
 * (without its leading '=') as one JUEL "${...}" in 'arena'. Supported:
 * literals, names and paths that are Java identifiers, a[n] with a constant
 * n, comparisons, and, or, not() and negation. Anything else (arithmetic,
 * functions, ranges, if, for, ...) is ORDO_E_UNPROCESSABLE with a message
 * naming it; FEEL that does not compile too. Unless 'null_note_out' is
 * NULL, '*null_note_out' says why the JUEL means something else than the
 * FEEL when a value is null, or is NULL when it does not; 'condition': the
 * expression is a condition (only true matters) rather than a value. */
enum ordo_code ordo_feel_to_juel(struct ordo_arena *arena, const char *feel, bool condition,
                                 const char **juel_out, const char **null_note_out,
                                 struct ordo_err *err);

#endif
