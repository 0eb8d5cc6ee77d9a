/*
 * tests/tools/feel_eval.c - evaluate FEEL expressions from JSON Lines, for
 * the differential oracle (tests/oracle/feel-differential.js) and by hand.
 *
 * Each input line is an object
 *   {"expr": "a + 1", "vars": {"a": 1}, "now": "2026-01-01T00:00:00Z",
 *    "timezone": "Europe/Berlin"}
 * ("vars", "now" and "timezone" are optional; "now" defaults to
 * 2000-01-01T00:00:00Z like `ordo run`). Each is compiled and evaluated
 * with bpmn/feel.h, and one line is written per input line:
 *   {"ok": <result as JSON>}  or  {"error": "ORDO_E_...", "message": "..."}
 * Blank input lines are skipped. One process serves every case, so a run of
 * thousands of expressions costs one start-up.
 *
 * Messages are repaired to well-formed UTF-8 (U+FFFD for a bad byte) before
 * they go into JSON, so that a message that quotes bad input cannot make
 * the answer unwritable.
 *
 * Exit status: 0 when every line was read (whatever the expressions gave),
 * 2 when a line is not such an object or its answer cannot be built (the
 * message on stderr names the line).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/calendar.h"
#include "base/err.h"
#include "base/text.h"
#include "bpmn/feel.h"

#define DEFAULT_NOW_MS 946684800000LL /* 2000-01-01T00:00:00Z */

static const json_t *lookup_cb(void *ctx, const char *name, size_t len)
{
    return ctx ? json_object_getn(ctx, name, len) : NULL;
}

/* Read 'n' digits at '*s' into '*out'; advances '*s'. */
static bool read_digits(const char **s, int n, int *out)
{
    int v = 0, i;

    for (i = 0; i < n; i++) {
        if ((*s)[i] < '0' || (*s)[i] > '9') {
            return false;
        }
        v = v * 10 + ((*s)[i] - '0');
    }
    *s += n;
    *out = v;
    return true;
}

/* RFC 3339 date-time ("2026-01-01T10:00:00Z", "...00.250+01:00") to Unix
 * milliseconds. */
static bool parse_rfc3339(const char *s, int64_t *ms)
{
    int y, mo, d, h, mi, sec, frac = 0, digits = 0, oh = 0, om = 0;
    int64_t offset = 0;
    int64_t day;

    if (!read_digits(&s, 4, &y) || *s++ != '-' || !read_digits(&s, 2, &mo) || *s++ != '-' ||
        !read_digits(&s, 2, &d) || (*s != 'T' && *s != 't' && *s != ' ') || !*s++ ||
        !read_digits(&s, 2, &h) || *s++ != ':' || !read_digits(&s, 2, &mi) || *s++ != ':' ||
        !read_digits(&s, 2, &sec)) {
        return false;
    }
    if (*s == '.') {
        for (s++; *s >= '0' && *s <= '9'; s++, digits++) {
            frac = digits < 3 ? frac * 10 + (*s - '0') : frac;
        }
        for (; digits < 3; digits++) {
            frac *= 10;
        }
    }
    if (*s == '+' || *s == '-') {
        int sign = *s++ == '-' ? -1 : 1;

        if (!read_digits(&s, 2, &oh) || *s++ != ':' || !read_digits(&s, 2, &om)) {
            return false;
        }
        offset = sign * ((int64_t)oh * 3600 + (int64_t)om * 60);
    } else if (*s == 'Z' || *s == 'z') {
        s++;
    } else {
        return false;
    }
    if (*s || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) {
        return false;
    }
    day = ordo_days_from_civil(y, mo, d);
    *ms = (day * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + sec - offset) * 1000 + frac;
    return true;
}

/* Compile and evaluate one case; the answer object is a new reference, or
 * NULL with a message on stderr. */
static json_t *evaluate(struct ordo_arena *arena, const char *expr, size_t len,
                        const struct ordo_feel_env *env, unsigned long lineno)
{
    struct ordo_err err = {0};
    const struct ordo_feel_expr *compiled = NULL;
    json_t *result = NULL;
    json_t *answer;
    json_error_t jerr;
    enum ordo_code rc;

    rc = ordo_feel_compile(arena, expr, len, NULL, &compiled, &err);
    if (rc == ORDO_OK) {
        rc = ordo_feel_eval(compiled, env, &result, &err);
    }
    if (rc != ORDO_OK) {
        answer = json_pack_ex(&jerr, 0, "{s:s, s:s}", "error", ordo_code_name(rc), "message",
                              ordo_utf8_repair(arena, err.msg));
    } else {
        answer = json_pack_ex(&jerr, 0, "{s:o}", "ok", result);
    }
    if (!answer) {
        (void)fprintf(stderr, "feel_eval: line %lu: could not build the answer: %s\n", lineno,
                      jerr.text);
    }
    return answer;
}

/* One input line: the answer, or NULL with a message on stderr. */
static json_t *answer_line(struct ordo_arena *arena, const char *line, size_t len,
                           unsigned long lineno)
{
    struct ordo_feel_env env = {0};
    json_error_t jerr;
    json_t *in, *vars = NULL, *out = NULL;
    const char *expr, *now = NULL, *zone = NULL;
    size_t expr_len;

    in = json_loadb(line, len, 0, &jerr);
    if (!in) {
        (void)fprintf(stderr, "feel_eval: line %lu: %s\n", lineno, jerr.text);
        return NULL;
    }
    if (json_unpack_ex(in, &jerr, JSON_STRICT, "{s:s%, s?o, s?s, s?s}", "expr", &expr, &expr_len,
                       "vars", &vars, "now", &now, "timezone", &zone) != 0 ||
        (vars && !json_is_object(vars))) {
        (void)fprintf(stderr,
                      "feel_eval: line %lu: want {\"expr\": string, \"vars\": object, "
                      "\"now\": RFC 3339, \"timezone\": IANA name}: %s\n",
                      lineno, vars && !json_is_object(vars) ? "vars is not an object" : jerr.text);
        goto out;
    }
    env.now_ms = DEFAULT_NOW_MS;
    if (now && !parse_rfc3339(now, &env.now_ms)) {
        (void)fprintf(stderr, "feel_eval: line %lu: \"now\" is not an RFC 3339 date-time: %s\n",
                      lineno, now);
        goto out;
    }
    env.lookup = lookup_cb;
    env.lookup_ctx = vars;
    env.timezone = zone;
    out = evaluate(arena, expr, expr_len, &env, lineno);
out:
    json_decref(in);
    return out;
}

int main(void)
{
    struct ordo_arena *arena = ordo_arena_new();
    unsigned long lineno = 0;
    size_t cap = 0;
    char *line = NULL;
    ssize_t n;
    int status = 0;

    while ((n = getline(&line, &cap, stdin)) >= 0) {
        json_t *answer;

        lineno++;
        if (strspn(line, " \t\r\n") == (size_t)n) {
            continue;
        }
        answer = answer_line(arena, line, (size_t)n, lineno);
        ordo_arena_reset(arena);
        if (!answer) {
            status = 2;
            break;
        }
        if (json_dumpf(answer, stdout, JSON_COMPACT | JSON_ENCODE_ANY) != 0 ||
            fputc('\n', stdout) == EOF) {
            json_decref(answer);
            status = 1;
            break;
        }
        json_decref(answer);
    }
    free(line);
    ordo_arena_free(arena);
    if (fflush(stdout) != 0) {
        status = 1;
    }
    return status;
}
