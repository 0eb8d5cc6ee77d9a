/*
 * tests/fuzz/fuzz_bpmn.c - the BPMN parser (bpmn/parse.h) and, on what it
 * accepts, every lint rule (bpmn/lint.h), which walks the model, resolves
 * references and compiles the FEEL in it. Input: the XML document.
 */
#include "bpmn/lint.h"
#include "bpmn/parse.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A smaller cap than the server's, so the size check is reachable too. */
    struct ordo_bpmn_parse_opts opts = {.max_bytes = (size_t)256 * 1024, .name = "fuzz.bpmn"};
    struct ordo_bpmn_model *model = NULL;
    struct ordo_err err = {0};

    if (ordo_bpmn_parse((const char *)data, size, &opts, &model, &err) != ORDO_OK) {
        return 0;
    }
    for (int p = ORDO_LINT_PROFILE_ORDO; p <= ORDO_LINT_PROFILE_BPMNLINT; p++) {
        struct ordo_lint_config cfg;
        struct ordo_lint_report report = {0};
        struct ordo_arena *arena = ordo_arena_new();
        ordo_lint_config_init(&cfg, (enum ordo_lint_profile)p);
        ordo_lint_run(model, &cfg, arena, &report);
        ordo_arena_free(arena);
    }
    ordo_bpmn_model_free(model);
    return 0;
}
