/*
 * generator/generate: the pipeline, with ordo-fake-llm over loopback standing in for each
 * provider (tests/fakes/llm), on the catalogue of the real connectors of the build. The IRs
 * the "model" writes are tests/fixtures/ir/onboarding.json and broken copies of it. Loop
 * tests run once per wire format (_i is enum ordo_llm_format).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "base/clock.h"
#include "generator/generate.h"
#include "generator/ir.h"
#include "generator/llm.h"
#include "generator/prompt.h"
#include "plugins/catalogue.h"
#include "plugins/host.h"
#include "plugins/registry.h"
#include "tests/fakes/llm/fakellm_test.h"
#include "tests/unit/check_main.h"

#define KEY "sk-generate-SECRET-777"

static struct ordo_fakellm fake;
static struct ordo_plugin_host *phost;
static struct ordo_registry *reg;
static json_t *catalogue;
static json_t *onboarding;

static json_t *result;
static json_t *events;
static struct ordo_err err;
static struct ordo_gen_config cfg;
static struct ordo_gen_request req;

static void start_all(void)
{
    struct ordo_plugin_host_options hopts = {0};
    const struct ordo_connector *const *descs;
    char path[1024];
    size_t n;

    ck_assert_msg(ordo_plugin_host_new(&hopts, &phost, &err) == ORDO_OK, "%s", err.msg);
    ck_assert_msg(ordo_registry_open(getenv("ORDOTEST_CONNECTOR_DIR"),
                                     ordo_plugin_host_table(phost), &reg, &err) == ORDO_OK,
                  "%s", err.msg);
    descs = ordo_registry_descriptors(reg, &n);
    ck_assert_msg(ordo_catalogue_json(descs, n, &catalogue, &err) == ORDO_OK, "%s", err.msg);
    (void)snprintf(path, sizeof path, "%s/tests/fixtures/ir/onboarding.json",
                   getenv("ORDOTEST_SOURCE_DIR"));
    onboarding = json_load_file(path, JSON_REJECT_DUPLICATES, NULL);
    ck_assert_msg(onboarding != NULL, "cannot read %s", path);
    ordo_fakellm_start(&fake, KEY);
}

static void stop_all(void)
{
    ordo_fakellm_stop(&fake);
    json_decref(onboarding);
    json_decref(catalogue);
    ordo_registry_free(reg);
    ordo_plugin_host_free(phost);
}

static void setup(void)
{
    ordo_fakellm_reset(&fake);
    memset(&err, 0, sizeof err);
    result = NULL;
    events = json_array();
    cfg = (struct ordo_gen_config){.url = fake.url,
                                   .model = "fake-model",
                                   .api_key = KEY,
                                   .timeout_ms = 20000,
                                   .allow_loopback = true};
    req = (struct ordo_gen_request){.text = "When BambooHR adds an employee, open a Jira "
                                            "ticket and welcome them in Slack."};
}

static void teardown(void)
{
    json_decref(result);
    json_decref(events);
}

static void progress_cb(void *ctx, const char *event, const json_t *data)
{
    (void)ctx;
    (void)json_array_append_new(events, json_pack("{s:s, s:O}", "event", event, "data", data));
}

/* Run the pipeline with provider _i; asserts a result came back. */
static void run(int i)
{
    cfg.provider = ordo_llm_format_name((enum ordo_llm_format)i);
    ck_assert_msg(ordo_generate(&req, &cfg, catalogue, progress_cb, NULL, &result, &err) == ORDO_OK,
                  "%s", err.msg);
    ck_assert_ptr_nonnull(result);
}

static bool usable(void)
{
    return json_is_true(json_object_get(result, "usable"));
}

static const char *error_code(void)
{
    return json_string_value(json_object_get(json_object_get(result, "error"), "code"));
}

static json_int_t num(const json_t *obj, const char *key)
{
    return json_integer_value(json_object_get(obj, key));
}

/* The content of the last message of request 'n' the fake received. */
static char *last_message(int n)
{
    json_t *reqs = ordo_fakellm_requests(&fake);
    const json_t *msgs =
        json_object_get(json_object_get(json_array_get(reqs, (size_t)n), "body"), "messages");
    const char *content = json_string_value(
        json_object_get(json_array_get(msgs, json_array_size(msgs) - 1), "content"));
    char *copy;

    ck_assert_msg(content != NULL, "request %d has no messages", n);
    copy = strdup(content);
    json_decref(reqs);
    return copy;
}

/* A copy of the onboarding IR with node 'id' changed by 'key' = 'value' (a reference taken). */
static json_t *onboarding_with(const char *id, const char *key, json_t *value)
{
    json_t *ir = json_deep_copy(onboarding);
    size_t i;
    json_t *node;

    json_array_foreach(json_object_get(ir, "nodes"), i, node)
    {
        if (strcmp(json_string_value(json_object_get(node, "id")), id) == 0) {
            (void)json_object_set(node, key, value);
        }
    }
    json_decref(value);
    return ir;
}

/* The onboarding IR without flow 'id': its target can no longer be reached. */
static json_t *onboarding_without_flow(const char *id)
{
    json_t *ir = json_deep_copy(onboarding);
    json_t *flows = json_object_get(ir, "flows");

    for (size_t i = 0; i < json_array_size(flows); i++) {
        if (strcmp(json_string_value(json_object_get(json_array_get(flows, i), "id")), id) == 0) {
            (void)json_array_remove(flows, i);
            break;
        }
    }
    return ir;
}

static void script_ir(json_t *ir)
{
    ordo_fakellm_script_ir(&fake, ir);
    json_decref(ir);
}

static const char *event_name(size_t i)
{
    return json_string_value(json_object_get(json_array_get(events, i), "event"));
}

START_TEST(valid_answer_is_a_usable_draft)
{
    const json_t *tokens, *transcript, *findings;
    const char *xml;
    size_t i;
    const json_t *f;
    json_t *item = json_pack("{s:O, s:{s:i, s:i}}", "ir", onboarding, "usage", "prompt", 3000,
                             "completion", 900);
    char *text = json_dumps(item, JSON_COMPACT);

    ordo_fakellm_script(&fake, text);
    free(text);
    json_decref(item);
    run(_i);
    ck_assert_msg(usable(), "not usable: %s", error_code());
    ck_assert(json_is_null(json_object_get(result, "error")));
    ck_assert_str_eq(json_string_value(json_object_get(result, "provider")),
                     ordo_llm_format_name((enum ordo_llm_format)_i));
    ck_assert_str_eq(json_string_value(json_object_get(result, "model")), "fake-model");
    ck_assert_int_eq(num(result, "rounds"), 1);
    ck_assert_uint_eq(json_array_size(json_object_get(result, "violations")), 0);
    xml = json_string_value(json_object_get(result, "xml"));
    ck_assert_ptr_nonnull(xml);
    ck_assert_ptr_nonnull(strstr(xml, "Task_open_ticket"));
    findings = json_object_get(result, "findings");
    json_array_foreach(findings, i, f)
    {
        ck_assert_str_ne(json_string_value(json_object_get(f, "severity")), "error");
    }
    ck_assert(json_equal(json_object_get(result, "ir"), onboarding));
    tokens = json_object_get(result, "tokens");
    ck_assert_int_eq(num(tokens, "prompt"), 3000);
    ck_assert_int_eq(num(tokens, "completion"), 900);
    transcript = json_object_get(result, "transcript");
    ck_assert_uint_eq(json_array_size(transcript), 3);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(transcript, 2), "role")),
                     "assistant");
    ck_assert_uint_eq(json_array_size(json_object_get(result, "questions")), 1);
    ck_assert_ptr_nonnull(json_object_get(json_object_get(result, "uses"), "actions"));
    ck_assert(json_is_object(json_object_get(result, "layout")));
    ck_assert_uint_eq(json_array_size(events), 5);
    ck_assert_str_eq(event_name(0), "prompt_sent");
    ck_assert_str_eq(event_name(1), "tokens_received");
    ck_assert_str_eq(event_name(2), "validation");
    ck_assert_str_eq(event_name(3), "layout_done");
    ck_assert_str_eq(event_name(4), "done");
}
END_TEST

START_TEST(invalid_json_is_repaired)
{
    char *repair;

    ordo_fakellm_script(&fake, "{\"raw\": \"Sure! Here is the process: {\\\"nodes\\\": [\"}");
    ordo_fakellm_script_ir(&fake, onboarding);
    run(_i);
    ck_assert_msg(usable(), "not usable: %s", error_code());
    ck_assert_int_eq(num(result, "rounds"), 2);
    repair = last_message(1);
    ck_assert_msg(strstr(repair, "Your answer was not valid JSON: ") != NULL, "%s", repair);
    free(repair);
    ck_assert_uint_eq(json_array_size(json_object_get(result, "transcript")), 5);
}
END_TEST

START_TEST(graph_errors_are_fixed_in_the_repair_round)
{
    char *repair;

    script_ir(onboarding_without_flow("Flow_2"));
    ordo_fakellm_script_ir(&fake, onboarding);
    run(_i);
    ck_assert_msg(usable(), "not usable: %s", error_code());
    ck_assert_int_eq(num(result, "rounds"), 2);
    repair = last_message(1);
    ck_assert_msg(strstr(repair, "\"rule\":\"ir/unreachable\"") != NULL, "%s", repair);
    ck_assert_msg(strstr(repair, "Task_open_ticket") != NULL, "%s", repair);
    ck_assert_msg(strstr(repair, "Fix only these problems") != NULL, "%s", repair);
    free(repair);
}
END_TEST

START_TEST(action_outside_the_catalogue_is_refused_and_repaired)
{
    char *repair;

    script_ir(onboarding_with("Task_open_ticket", "action", json_string("salesforce.create_lead")));
    ordo_fakellm_script_ir(&fake, onboarding);
    run(_i);
    ck_assert_msg(usable(), "not usable: %s", error_code());
    ck_assert_int_eq(num(result, "rounds"), 2);
    repair = last_message(1);
    ck_assert_msg(strstr(repair, "salesforce.create_lead") != NULL, "%s", repair);
    ck_assert_msg(strstr(repair, "Task_open_ticket") != NULL, "%s", repair);
    free(repair);
}
END_TEST

START_TEST(rate_limit_then_success)
{
    ordo_fakellm_script(&fake, "{\"status\": 429, \"retry_after\": 1}");
    ordo_fakellm_script_ir(&fake, onboarding);
    run(_i);
    ck_assert_msg(usable(), "not usable: %s", error_code());
    ck_assert_int_eq(num(result, "rounds"), 1);
}
END_TEST

START_TEST(timeout_is_a_result_with_the_error)
{
    int64_t t0 = ordo_clock_mono_ms();

    cfg.timeout_ms = 1000;
    ordo_fakellm_script(&fake, "{\"delay_ms\": 4000, \"ir\": {}}");
    run(_i);
    ck_assert(!usable());
    ck_assert_str_eq(error_code(), "ORDO_E_TIMEOUT");
    ck_assert(json_is_null(json_object_get(result, "ir")));
    ck_assert(json_is_null(json_object_get(result, "xml")));
    ck_assert_int_lt(ordo_clock_mono_ms() - t0, 3000);
}
END_TEST

START_TEST(exhausted_repair_budget_keeps_the_draft_and_its_violations)
{
    const json_t *v;

    cfg.repair_rounds = 1;
    script_ir(onboarding_without_flow("Flow_2"));
    script_ir(onboarding_without_flow("Flow_2"));
    ordo_fakellm_script_ir(&fake, onboarding); /* never asked for */
    run(_i);
    ck_assert(!usable());
    ck_assert_str_eq(error_code(), "ORDO_E_UNPROCESSABLE");
    ck_assert_ptr_nonnull(
        strstr(json_string_value(json_object_get(json_object_get(result, "error"), "message")),
               "after 1 repair round"));
    ck_assert_int_eq(num(result, "rounds"), 2);
    v = json_object_get(result, "violations");
    ck_assert_uint_gt(json_array_size(v), 0);
    ck_assert(json_is_object(json_object_get(result, "ir")));
    ck_assert(json_is_null(json_object_get(result, "xml")));
}
END_TEST

START_TEST(token_budget_stops_the_repairs)
{
    json_t *item = json_pack("{s:o, s:{s:i, s:i}}", "ir", onboarding_without_flow("Flow_2"),
                             "usage", "prompt", 900, "completion", 200);
    char *text = json_dumps(item, JSON_COMPACT);

    cfg.token_budget = 1000;
    ordo_fakellm_script(&fake, text);
    ordo_fakellm_script_ir(&fake, onboarding); /* never asked for */
    free(text);
    json_decref(item);
    run(_i);
    ck_assert(!usable());
    ck_assert_str_eq(error_code(), "ORDO_E_TOOBIG");
    ck_assert_int_eq(num(result, "rounds"), 1);
    ck_assert_uint_gt(json_array_size(json_object_get(result, "violations")), 0);
    ck_assert_int_eq(num(json_object_get(result, "tokens"), "prompt"), 900);
}
END_TEST

START_TEST(api_key_is_never_in_the_result)
{
    char *dump;

    ordo_fakellm_script(&fake, "{\"status\": 401, \"message\": \"Incorrect API key provided: "
                               "" KEY "\"}");
    run(_i);
    ck_assert_str_eq(error_code(), "ORDO_E_UNAUTHENTICATED");
    dump = json_dumps(result, 0);
    ck_assert_ptr_null(strstr(dump, KEY));
    ck_assert_ptr_null(strstr(dump, "SECRET"));
    free(dump);
    json_decref(result);
    result = NULL;
    ordo_fakellm_script_ir(&fake, onboarding);
    run(_i);
    dump = json_dumps(result, 0);
    ck_assert_ptr_null(strstr(dump, "SECRET"));
    free(dump);
    dump = json_dumps(events, 0);
    ck_assert_ptr_null(strstr(dump, "SECRET"));
    free(dump);
}
END_TEST

START_TEST(revision_sends_the_prior_ir_and_the_change)
{
    char *msg;

    req.prior_ir = onboarding;
    req.instruction = "Also post the ticket to #it.";
    req.text = NULL;
    ordo_fakellm_script_ir(&fake, onboarding);
    run(_i);
    ck_assert(usable());
    msg = last_message(0);
    ck_assert_ptr_nonnull(strstr(msg, "Revise this process."));
    ck_assert_ptr_nonnull(strstr(msg, "\"Task_open_ticket\""));
    ck_assert_ptr_nonnull(strstr(msg, "<<<CHANGE\nAlso post the ticket to #it.\nCHANGE>>>"));
    free(msg);
}
END_TEST

START_TEST(bad_requests_have_no_result)
{
    char *big = malloc(ORDO_GEN_MAX_TEXT + 2);

    cfg.provider = "openai";
    req.text = "";
    ck_assert_int_eq(ordo_generate(&req, &cfg, catalogue, NULL, NULL, &result, &err), ORDO_E_INVAL);
    ck_assert_ptr_null(result);
    memset(big, 'a', ORDO_GEN_MAX_TEXT + 1);
    big[ORDO_GEN_MAX_TEXT + 1] = '\0';
    req.text = big;
    ck_assert_int_eq(ordo_generate(&req, &cfg, catalogue, NULL, NULL, &result, &err), ORDO_E_INVAL);
    free(big);
    req.text = "\xff\xfe not UTF-8";
    ck_assert_int_eq(ordo_generate(&req, &cfg, catalogue, NULL, NULL, &result, &err), ORDO_E_INVAL);
    req.text = "Open a ticket.";
    cfg.provider = "gemini";
    memset(&err, 0, sizeof err);
    ck_assert_int_eq(ordo_generate(&req, &cfg, catalogue, NULL, NULL, &result, &err), ORDO_E_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "gemini"));
    cfg.provider = "openai";
    req.prior_ir = json_array();
    ck_assert_int_eq(ordo_generate(&req, &cfg, catalogue, NULL, NULL, &result, &err), ORDO_E_INVAL);
    json_decref((json_t *)req.prior_ir);
    req.prior_ir = NULL;
    cfg.model = "";
    ck_assert_int_eq(ordo_generate(&req, &cfg, catalogue, NULL, NULL, &result, &err), ORDO_E_INVAL);
    ck_assert_ptr_null(result);
}
END_TEST

START_TEST(offline_drafter_makes_a_draft_without_an_llm)
{
    json_t *reqs;

    cfg.provider = NULL;
    req.text = "When BambooHR adds an employee, open a Jira ticket, then welcome them in Slack.";
    ck_assert_int_eq(ordo_generate(&req, &cfg, catalogue, progress_cb, NULL, &result, &err),
                     ORDO_OK);
    ck_assert_str_eq(json_string_value(json_object_get(result, "provider")), "offline");
    ck_assert(json_is_null(json_object_get(result, "model")));
    ck_assert_int_eq(num(result, "rounds"), 0);
    ck_assert_uint_eq(json_array_size(json_object_get(result, "transcript")), 0);
    ck_assert(json_is_array(json_object_get(result, "unplaced")));
    ck_assert_str_eq(event_name(0), "drafted");
    reqs = ordo_fakellm_requests(&fake);
    ck_assert_uint_eq(json_array_size(reqs), 0);
    json_decref(reqs);
}
END_TEST

START_TEST(offline_drafter_cannot_revise_without_text)
{
    cfg.provider = "";
    req.prior_ir = onboarding;
    req.instruction = "Add a step.";
    req.text = NULL;
    ck_assert_int_eq(ordo_generate(&req, &cfg, catalogue, NULL, NULL, &result, &err), ORDO_OK);
    ck_assert(!usable());
    ck_assert_str_eq(error_code(), "ORDO_E_UNPROCESSABLE");
    ck_assert_ptr_nonnull(
        strstr(json_string_value(json_object_get(json_object_get(result, "error"), "message")),
               "cannot revise"));
}
END_TEST

/* The worked examples of the system prompt are valid IRs on the shipped connectors. */
START_TEST(prompt_examples_are_valid)
{
    struct ordo_ir_opts opts = {.allow_http = false};

    for (size_t i = 0; i < ordo_prompt_example_count(); i++) {
        json_t *ir = ordo_prompt_example(i, NULL);
        json_t *v = NULL;
        char *dump;

        ck_assert_int_eq(ordo_ir_validate(ir, catalogue, &opts, &v, &err), ORDO_OK);
        dump = json_dumps(v, 0);
        ck_assert_msg(json_array_size(v) == 0, "example %zu: %s", i, dump);
        free(dump);
        json_decref(v);
        json_decref(ir);
    }
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("generate");
    TCase *tc = tcase_create("pipeline");

    tcase_add_unchecked_fixture(tc, start_all, stop_all);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, valid_answer_is_a_usable_draft, 0, 3);
    tcase_add_loop_test(tc, invalid_json_is_repaired, 0, 3);
    tcase_add_loop_test(tc, graph_errors_are_fixed_in_the_repair_round, 0, 3);
    tcase_add_loop_test(tc, action_outside_the_catalogue_is_refused_and_repaired, 0, 3);
    tcase_add_loop_test(tc, rate_limit_then_success, 0, 3);
    tcase_add_loop_test(tc, timeout_is_a_result_with_the_error, 0, 3);
    tcase_add_loop_test(tc, exhausted_repair_budget_keeps_the_draft_and_its_violations, 0, 3);
    tcase_add_loop_test(tc, token_budget_stops_the_repairs, 0, 3);
    tcase_add_loop_test(tc, api_key_is_never_in_the_result, 0, 3);
    tcase_add_loop_test(tc, revision_sends_the_prior_ir_and_the_change, 0, 3);
    tcase_add_test(tc, bad_requests_have_no_result);
    tcase_add_test(tc, offline_drafter_makes_a_draft_without_an_llm);
    tcase_add_test(tc, offline_drafter_cannot_revise_without_text);
    tcase_add_test(tc, prompt_examples_are_valid);
    suite_add_tcase(s, tc);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
