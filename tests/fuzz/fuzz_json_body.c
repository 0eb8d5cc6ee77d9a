/*
 * tests/fuzz/fuzz_json_body.c - request bodies as the routes read them,
 * without a server: ordo_json_parse() with a route's limits (what
 * ordo_http_body_object() calls), the member getters, the Camunda 7 typed
 * variables of start and complete bodies (server/c7_vars.c) both ways, and
 * the multipart/form-data splitter of deployments (server/multipart.c).
 * Input: the body.
 *
 * One property is checked, not only the absence of crashes: a parsed
 * document dumped compactly parses back to an equal document.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/json.h"
#include "fuzz.h"
#include "server/c7.h"
#include "server/multipart.h"

/* The getters the routes use on fields of every type. */
static void read_members(const json_t *body)
{
    static const char *const names[] = {"variables",   "businessKey",           "name", "tenantId",
                                        "messageName", "withVariablesInReturn", "key",  NULL};
    for (size_t i = 0; names[i]; i++) {
        const char *s;
        json_int_t n;
        bool b;
        json_t *o;
        (void)ordo_json_opt_string(body, names[i], &s, NULL);
        (void)ordo_json_opt_int(body, names[i], &n, NULL);
        (void)ordo_json_opt_bool(body, names[i], &b, NULL);
        (void)ordo_json_get_object(body, names[i], &o, NULL);
        (void)ordo_json_get_array(body, names[i], &o, NULL);
    }
}

static void c7_variables(const json_t *body)
{
    json_t *plain = NULL;

    if (ordo_c7_vars_plain(json_object_get(body, "variables"), "variables", &plain, NULL) ==
        ORDO_OK) {
        json_t *typed = ordo_c7_vars_typed(plain);
        json_t *again = NULL;
        if (ordo_c7_vars_plain(typed, "variables", &again, NULL) == ORDO_OK) {
            json_decref(again);
        }
        json_decref(typed);
        json_decref(plain);
    }
}

static void round_trip(struct ordo_arena *arena, const json_t *json)
{
    const char *text = ordo_json_dump(arena, json, JSON_COMPACT);
    json_t *back = NULL;
    struct ordo_err err = {0};

    if (ordo_json_parse(text, strlen(text), NULL, &back, &err) != ORDO_OK) {
        (void)fprintf(stderr, "dumped JSON does not parse back: %s\n", err.msg);
        abort();
    }
    if (!json_equal(json, back)) {
        (void)fprintf(stderr, "dumped JSON parses back to another value\n");
        abort();
    }
    json_decref(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A route's body cap is configurable; 64 KiB keeps runs fast. */
    struct ordo_json_limits lim = {.max_bytes = (size_t)64 * 1024, .max_depth = 0};
    struct ordo_arena *arena = ordo_arena_new();
    const struct ordo_multipart_part *parts = NULL;
    size_t nparts = 0;
    json_t *json = NULL;
    struct ordo_err err = {0};

    if (ordo_json_parse((const char *)data, size, &lim, &json, &err) == ORDO_OK) {
        round_trip(arena, json);
        if (json_is_object(json)) {
            read_members(json);
            c7_variables(json);
        }
        json_decref(json);
    }
    (void)ordo_multipart_parse("multipart/form-data; boundary=ordo", (const char *)data, size,
                               arena, &parts, &nparts, NULL);
    ordo_arena_free(arena);
    return 0;
}
