/*
 * tests/fuzz/fuzz_ir.c - the IR validator (generator/ir.h): validate an IR
 * against the catalogue of the connectors built in (tests/fuzz/catalogue.json,
 * from `ordo connector catalogue`), with and without http.* actions, and
 * list what a valid one uses. Input: the IR as JSON.
 */
#include <stdio.h>
#include <stdlib.h>

#include "base/json.h"
#include "fuzz.h"
#include "generator/ir.h"

#ifndef ORDO_FUZZ_CATALOGUE
#error "ORDO_FUZZ_CATALOGUE must name tests/fuzz/catalogue.json"
#endif

static json_t *catalogue;

static void load_catalogue(void)
{
    json_error_t jerr;

    catalogue = json_load_file(ORDO_FUZZ_CATALOGUE, 0, &jerr);
    if (!catalogue) {
        (void)fprintf(stderr, "could not read %s: %s\n", ORDO_FUZZ_CATALOGUE, jerr.text);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *ir = NULL;

    if (!catalogue) {
        load_catalogue();
    }
    if (ordo_json_parse((const char *)data, size, NULL, &ir, NULL) != ORDO_OK) {
        return 0;
    }
    for (int http = 0; http <= 1; http++) {
        struct ordo_ir_opts opts = {.allow_http = http != 0};
        json_t *violations = NULL;
        if (ordo_ir_validate(ir, catalogue, &opts, &violations, NULL) != ORDO_OK) {
            continue;
        }
        if (json_array_size(violations) == 0) {
            json_t *uses = NULL;
            if (ordo_ir_uses(ir, &uses, NULL) == ORDO_OK) {
                json_decref(uses);
            }
        }
        json_decref(violations);
    }
    json_decref(ir);
    return 0;
}
