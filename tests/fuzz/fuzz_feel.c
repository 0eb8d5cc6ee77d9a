/*
 * tests/fuzz/fuzz_feel.c - FEEL (bpmn/feel.h): compile, evaluate as a value
 * and as a condition against the variables of tests/oracle/feel-cases.json,
 * and translate to and from JUEL. Input: the expression text.
 *
 * The clock is fixed and the zone is UTC so runs are deterministic; the
 * limits are smaller than the defaults so a run stays fast while the limit
 * checks themselves are exercised.
 */
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "bpmn/feel.h"
#include "fuzz.h"

/* The context of tests/oracle/feel-cases.json, shortened. */
static const char context_json[] =
    "{\"n\": 7, \"m\": -3, \"x\": 2.5, \"zero\": 0, \"big\": 1000000, \"s\": \"hello\","
    " \"name\": \"World\", \"blank\": \"\", \"t\": true, \"f\": false, \"nothing\": null,"
    " \"nums\": [3, 1, 4, 1, 5], \"empty\": [], \"words\": [\"b\", \"a\", \"c\"],"
    " \"order\": {\"id\": \"A-1\", \"total\": 150.5, \"items\": [{\"sku\": \"x\", \"price\": 10,"
    " \"qty\": 2}, {\"sku\": \"y\", \"price\": 25.5, \"qty\": 1}]},"
    " \"employee\": {\"name\": \"Ada\", \"manager\": {\"email\": \"boss@example.com\"}},"
    " \"d\": \"2026-03-15\", \"dt\": \"2026-03-15T10:30:00Z\"}";

static json_t *context;

static const json_t *lookup(void *ctx, const char *name, size_t len)
{
    (void)ctx;
    char key[256];
    if (len >= sizeof key) {
        return NULL;
    }
    memcpy(key, name, len);
    key[len] = '\0';
    return json_object_get(context, key);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct ordo_feel_limits limits = {.max_source = 4096,
                                                   .max_depth = 32,
                                                   .max_steps = 20000,
                                                   .max_items = 1000,
                                                   .max_string = (size_t)64 * 1024};
    struct ordo_feel_env env = {.lookup = lookup,
                                .now_ms = 1773570600000LL, /* feel-cases' now */
                                .timezone = "UTC",
                                .limits = &limits};
    struct ordo_arena *arena;
    const struct ordo_feel_expr *expr = NULL;
    struct ordo_err err = {0};
    char *text;

    if (!context && ordo_json_parse(context_json, sizeof context_json - 1, NULL, &context, NULL)) {
        abort(); /* the fixed context is ours: it must parse */
    }
    arena = ordo_arena_new();
    if (ordo_feel_compile(arena, (const char *)data, size, &limits, &expr, &err) == ORDO_OK) {
        json_t *out = NULL;
        bool b;
        bool was_null;
        if (ordo_feel_eval(expr, &env, &out, &err) == ORDO_OK) {
            json_decref(out);
        }
        (void)ordo_feel_eval_bool(expr, &env, &b, &was_null, &err);
    }
    /* The JUEL translations take NUL-terminated text. */
    text = malloc(size + 1);
    if (text && size <= limits.max_source) {
        const char *feel = NULL;
        const char *juel = NULL;
        const char *note = NULL;
        memcpy(text, data, size);
        text[size] = '\0';
        (void)ordo_feel_from_juel(arena, text, &feel, &err);
        (void)ordo_feel_to_juel(arena, text, true, &juel, &note, &err);
        (void)ordo_feel_to_juel(arena, text, false, &juel, NULL, &err);
    }
    free(text);
    ordo_arena_free(arena);
    return 0;
}
