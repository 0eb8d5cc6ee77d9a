/*
 * generator/llm: one structured-output call per wire format, against ordo-fake-llm over
 * loopback (tests/fakes/llm), which refuses requests of the wrong shape as the real APIs do.
 * Most tests loop over the three providers (_i is enum ordo_llm_format).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "base/clock.h"
#include "base/httpc.h"
#include "generator/llm.h"
#include "tests/fakes/llm/fakellm_test.h"
#include "tests/unit/check_main.h"

#define KEY "sk-test-SECRET-0123456789"

extern const unsigned char ordo_ir_schema_text[];

static struct ordo_fakellm fake;
static json_t *schema;
static struct ordo_llm *llm;
static struct ordo_llm_answer ans;
static struct ordo_err err;

static const struct ordo_llm_message msgs[] = {
    {"system", "You write processes."},
    {"user", "Open a Jira ticket."},
};

static void start_fake(void)
{
    ordo_fakellm_start(&fake, KEY);
    schema = json_loads((const char *)ordo_ir_schema_text, 0, NULL);
    ck_assert_ptr_nonnull(schema);
}

static void stop_fake(void)
{
    ordo_fakellm_stop(&fake);
    json_decref(schema);
}

static void reset(void)
{
    ordo_fakellm_reset(&fake);
    memset(&err, 0, sizeof err);
    memset(&ans, 0, sizeof ans);
    llm = NULL;
}

static void teardown(void)
{
    ordo_llm_answer_cleanup(&ans);
    ordo_llm_free(llm);
    llm = NULL;
}

static const char *provider(int i)
{
    return ordo_llm_format_name((enum ordo_llm_format)i);
}

static void make_llm(int i, int64_t timeout_ms, int retries)
{
    struct ordo_llm_config cfg = {.provider = provider(i),
                                  .url = fake.url,
                                  .model = "test-model",
                                  .api_key = KEY,
                                  .timeout_ms = timeout_ms,
                                  .retries = retries,
                                  .allow_loopback = true};

    ck_assert_msg(ordo_llm_new(&cfg, &llm, &err) == ORDO_OK, "%s", err.msg);
}

static enum ordo_code call(void)
{
    return ordo_llm_call(llm, msgs, 2, schema, &ans, &err);
}

/* The one request the fake received, borrowed from 'reqs'. */
static const json_t *only_request(const json_t *reqs)
{
    ck_assert_uint_eq(json_array_size(reqs), 1);
    return json_object_get(json_array_get(reqs, 0), "body");
}

START_TEST(valid_answer_is_the_object_and_its_usage)
{
    json_t *reqs;

    make_llm(_i, 10000, 0);
    ordo_fakellm_script(&fake, "{\"ir\": {\"ir_version\": 1, \"x\": [1, 2]}, "
                               "\"usage\": {\"prompt\": 120, \"completion\": 30}}");
    ck_assert_msg(call() == ORDO_OK, "%s", err.msg);
    ck_assert_int_eq(json_integer_value(json_object_get(ans.ir, "ir_version")), 1);
    ck_assert_uint_eq(json_array_size(json_object_get(ans.ir, "x")), 2);
    ck_assert_int_eq(ans.prompt_tokens, 120);
    ck_assert_int_eq(ans.completion_tokens, 30);
    ck_assert_int_eq(ans.attempts, 1);
    ck_assert_ptr_nonnull(strstr(ans.text, "\"ir_version\""));
    reqs = ordo_fakellm_requests(&fake);
    ck_assert_str_eq(json_string_value(json_object_get(only_request(reqs), "model")), "test-model");
    json_decref(reqs);
}
END_TEST

START_TEST(openai_request_is_strict_json_schema)
{
    json_t *reqs;
    const json_t *body, *rf, *headers;

    make_llm(ORDO_LLM_OPENAI, 10000, 0);
    ordo_fakellm_script(&fake, "{\"ir\": {}}");
    ck_assert_msg(call() == ORDO_OK, "%s", err.msg);
    reqs = ordo_fakellm_requests(&fake);
    body = only_request(reqs);
    headers = json_object_get(json_array_get(reqs, 0), "headers");
    ck_assert_str_eq(json_string_value(json_object_get(headers, "Authorization")), "Bearer " KEY);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(reqs, 0), "path")),
                     "/v1/chat/completions");
    rf = json_object_get(body, "response_format");
    ck_assert_str_eq(json_string_value(json_object_get(rf, "type")), "json_schema");
    rf = json_object_get(rf, "json_schema");
    ck_assert_str_eq(json_string_value(json_object_get(rf, "name")), "process_ir");
    ck_assert(json_is_true(json_object_get(rf, "strict")));
    ck_assert_ptr_null(json_object_get(json_object_get(rf, "schema"), "$schema"));
    ck_assert_ptr_nonnull(json_object_get(json_object_get(rf, "schema"), "$defs"));
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(body, "messages"), 0), "role")),
                     "system");
    json_decref(reqs);
}
END_TEST

START_TEST(anthropic_request_forces_the_tool)
{
    json_t *reqs;
    const json_t *body, *headers, *msgsj;

    make_llm(ORDO_LLM_ANTHROPIC, 10000, 0);
    ordo_fakellm_script(&fake, "{\"ir\": {\"ok\": true}}");
    ck_assert_msg(call() == ORDO_OK, "%s", err.msg);
    ck_assert(json_is_true(json_object_get(ans.ir, "ok")));
    reqs = ordo_fakellm_requests(&fake);
    body = only_request(reqs);
    headers = json_object_get(json_array_get(reqs, 0), "headers");
    ck_assert_str_eq(json_string_value(json_object_get(headers, "x-api-key")), KEY);
    ck_assert_str_eq(json_string_value(json_object_get(headers, "anthropic-version")),
                     "2023-06-01");
    ck_assert_ptr_null(json_object_get(headers, "Authorization"));
    ck_assert_int_eq(json_integer_value(json_object_get(body, "max_tokens")),
                     ORDO_LLM_DEFAULT_MAX_TOKENS);
    ck_assert_str_eq(json_string_value(json_object_get(body, "system")), "You write processes.");
    msgsj = json_object_get(body, "messages");
    ck_assert_uint_eq(json_array_size(msgsj), 1);
    ck_assert_str_eq(
        json_string_value(json_object_get(json_object_get(body, "tool_choice"), "name")),
        "emit_process");
    ck_assert_ptr_nonnull(
        json_object_get(json_array_get(json_object_get(body, "tools"), 0), "input_schema"));
    json_decref(reqs);
}
END_TEST

START_TEST(ollama_request_does_not_stream)
{
    json_t *reqs;
    const json_t *body;

    make_llm(ORDO_LLM_OLLAMA, 10000, 0);
    ordo_fakellm_script(&fake, "{\"ir\": {}, \"usage\": {\"prompt\": 7, \"completion\": 9}}");
    ck_assert_msg(call() == ORDO_OK, "%s", err.msg);
    ck_assert_int_eq(ans.prompt_tokens, 7);
    ck_assert_int_eq(ans.completion_tokens, 9);
    reqs = ordo_fakellm_requests(&fake);
    body = only_request(reqs);
    ck_assert(json_is_false(json_object_get(body, "stream")));
    ck_assert(json_is_object(json_object_get(body, "format")));
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(reqs, 0), "path")),
                     "/api/chat");
    json_decref(reqs);
}
END_TEST

START_TEST(invalid_json_is_unprocessable_with_the_text)
{
    make_llm(_i, 10000, 0);
    ordo_fakellm_script(&fake, "{\"raw\": \"here is your process: {nodes\"}");
    ck_assert_int_eq(call(), ORDO_E_UNPROCESSABLE);
    ck_assert_ptr_null(ans.ir);
    ck_assert_str_eq(ans.text, "here is your process: {nodes");
    ck_assert_msg(strstr(err.msg, "not valid JSON") != NULL, "%s", err.msg);
    ck_assert_int_gt(ans.completion_tokens, 0);
}
END_TEST

START_TEST(json_that_is_not_an_object_is_unprocessable)
{
    make_llm(_i, 10000, 0);
    ordo_fakellm_script(&fake, "{\"raw\": \"[1, 2]\"}");
    ck_assert_int_eq(call(), ORDO_E_UNPROCESSABLE);
    ck_assert_msg(strstr(err.msg, "an array, not a JSON object") != NULL, "%s", err.msg);
}
END_TEST

START_TEST(rate_limit_is_retried_after_retry_after)
{
    int64_t t0 = ordo_clock_mono_ms();

    make_llm(_i, 20000, 2);
    ordo_fakellm_script(&fake, "[{\"status\": 429, \"retry_after\": 1}, {\"ir\": {\"n\": 1}}]");
    ck_assert_msg(call() == ORDO_OK, "%s", err.msg);
    ck_assert_int_eq(ans.attempts, 2);
    ck_assert_int_ge(ordo_clock_mono_ms() - t0, 1000);
    ck_assert_int_eq(json_integer_value(json_object_get(ans.ir, "n")), 1);
}
END_TEST

START_TEST(server_error_is_retried)
{
    json_t *reqs;

    make_llm(_i, 20000, 2);
    ordo_fakellm_script(&fake, "[{\"status\": 500}, {\"status\": 503, \"retry_after\": 0}, "
                               "{\"ir\": {}}]");
    ck_assert_msg(call() == ORDO_OK, "%s", err.msg);
    ck_assert_int_eq(ans.attempts, 3);
    reqs = ordo_fakellm_requests(&fake);
    ck_assert_uint_eq(json_array_size(reqs), 3);
    json_decref(reqs);
}
END_TEST

START_TEST(retries_run_out)
{
    make_llm(_i, 20000, 1);
    ordo_fakellm_script(&fake,
                        "[{\"status\": 429, \"retry_after\": 0}, "
                        "{\"status\": 429, \"retry_after\": 0, \"message\": \"slow down\"}]");
    ck_assert_int_eq(call(), ORDO_E_RATE_LIMITED);
    ck_assert_int_eq(ans.attempts, 2);
    ck_assert_msg(strstr(err.msg, "HTTP 429") && strstr(err.msg, "slow down"), "%s", err.msg);
}
END_TEST

START_TEST(client_error_is_not_retried)
{
    make_llm(_i, 20000, 2);
    ordo_fakellm_script(&fake, "[{\"status\": 400, \"message\": \"bad model\"}, {\"ir\": {}}]");
    ck_assert_int_eq(call(), ORDO_E_INVAL);
    ck_assert_int_eq(ans.attempts, 1);
    ck_assert_msg(strstr(err.msg, "bad model") != NULL, "%s", err.msg);
}
END_TEST

START_TEST(retry_after_past_the_timeout_ends_at_once)
{
    int64_t t0 = ordo_clock_mono_ms();

    make_llm(_i, 3000, 2);
    ordo_fakellm_script(&fake, "[{\"status\": 429, \"retry_after\": 60}, {\"ir\": {}}]");
    ck_assert_int_eq(call(), ORDO_E_RATE_LIMITED);
    ck_assert_int_lt(ordo_clock_mono_ms() - t0, 2000);
    ck_assert_msg(strstr(err.msg, "Retry-After") != NULL, "%s", err.msg);
}
END_TEST

START_TEST(slow_answer_times_out)
{
    int64_t t0 = ordo_clock_mono_ms();

    make_llm(_i, 1000, 2);
    ordo_fakellm_script(&fake, "{\"delay_ms\": 4000, \"ir\": {}}");
    ck_assert_int_eq(call(), ORDO_E_TIMEOUT);
    ck_assert_int_lt(ordo_clock_mono_ms() - t0, 3000);
    ck_assert_int_eq(ans.attempts, 1);
}
END_TEST

START_TEST(api_key_is_never_in_an_error)
{
    make_llm(_i, 10000, 0);
    ordo_fakellm_script(&fake, "{\"status\": 401, \"message\": \"Incorrect API key provided: "
                               "" KEY "\"}");
    ck_assert_int_eq(call(), ORDO_E_UNAUTHENTICATED);
    ck_assert_msg(strstr(err.msg, "Incorrect API key") != NULL, "%s", err.msg);
    ck_assert_msg(strstr(err.msg, KEY) == NULL, "%s", err.msg);
    ck_assert_msg(strstr(err.msg, "0123456789") == NULL, "%s", err.msg);
}
END_TEST

START_TEST(wrong_key_is_refused_by_the_fake)
{
    struct ordo_llm_config cfg = {.provider = provider(_i),
                                  .url = fake.url,
                                  .model = "m",
                                  .api_key = "not-the-key",
                                  .allow_loopback = true};

    ck_assert_int_eq(ordo_llm_new(&cfg, &llm, &err), ORDO_OK);
    ordo_fakellm_script(&fake, "{\"ir\": {}}");
    ck_assert_int_eq(call(), ORDO_E_UNAUTHENTICATED);
    ck_assert_msg(strstr(err.msg, "not-the-key") == NULL, "%s", err.msg);
}
END_TEST

START_TEST(refusal_is_forbidden)
{
    make_llm(_i, 10000, 0);
    ordo_fakellm_script(&fake, "{\"refusal\": \"I cannot help with that\"}");
    if (_i == ORDO_LLM_OLLAMA) {
        /* Ollama has no refusal field: the refusal is text, and not JSON. */
        ck_assert_int_eq(call(), ORDO_E_UNPROCESSABLE);
        return;
    }
    ck_assert_int_eq(call(), ORDO_E_FORBIDDEN);
    ck_assert_msg(strstr(err.msg, "I cannot help with that") != NULL, "%s", err.msg);
}
END_TEST

START_TEST(truncated_answer_is_too_big)
{
    make_llm(_i, 10000, 0);
    ordo_fakellm_script(&fake, "{\"truncated\": true, \"raw\": \"{\\\"nodes\\\": [\"}");
    ck_assert_int_eq(call(), ORDO_E_TOOBIG);
    ck_assert_msg(strstr(err.msg, "cut off") != NULL, "%s", err.msg);
}
END_TEST

START_TEST(loopback_needs_allow_loopback)
{
    struct ordo_llm_config cfg = {.provider = provider(_i), .url = fake.url, .model = "m"};
    char url[128];

    ck_assert_int_eq(ordo_llm_new(&cfg, &llm, &err), ORDO_E_INVAL); /* http:// */
    ck_assert_msg(strstr(err.msg, "https://") != NULL, "%s", err.msg);
    memset(&err, 0, sizeof err);
    (void)snprintf(url, sizeof url, "https://127.0.0.1:%s", strrchr(fake.url, ':') + 1);
    cfg.url = url;
    ck_assert_msg(ordo_llm_new(&cfg, &llm, &err) == ORDO_OK, "%s", err.msg);
    ck_assert_int_eq(call(), ORDO_E_FORBIDDEN);
    ck_assert_msg(strstr(err.msg, "loopback") != NULL, "%s", err.msg);
}
END_TEST

START_TEST(default_urls_and_bad_config)
{
    struct ordo_llm_config cfg = {.provider = "openai", .model = "m"};

    ck_assert_int_eq(ordo_llm_new(&cfg, &llm, &err), ORDO_OK);
    ck_assert_str_eq(ordo_llm_endpoint(llm), "https://api.openai.com/v1/chat/completions");
    ordo_llm_free(llm);
    cfg.provider = "anthropic";
    cfg.url = "https://llm.example.com/";
    ck_assert_int_eq(ordo_llm_new(&cfg, &llm, &err), ORDO_OK);
    ck_assert_str_eq(ordo_llm_endpoint(llm), "https://llm.example.com/v1/messages");
    ordo_llm_free(llm);
    llm = NULL;
    cfg.provider = "gemini";
    ck_assert_int_eq(ordo_llm_new(&cfg, &llm, &err), ORDO_E_INVAL);
    ck_assert_msg(strstr(err.msg, "openai, anthropic or ollama") != NULL, "%s", err.msg);
    memset(&err, 0, sizeof err);
    cfg.provider = "ollama";
    cfg.model = "";
    ck_assert_int_eq(ordo_llm_new(&cfg, &llm, &err), ORDO_E_INVAL);
    ck_assert_str_eq(ordo_llm_default_url(ORDO_LLM_OLLAMA), "http://localhost:11434");
}
END_TEST

START_TEST(local_urls_are_loopback_and_private_literals)
{
    ck_assert(ordo_llm_url_is_local("ollama", NULL));
    ck_assert(ordo_llm_url_is_local("ollama", ""));
    ck_assert(!ordo_llm_url_is_local("openai", ""));
    ck_assert(!ordo_llm_url_is_local("nope", ""));
    ck_assert(ordo_llm_url_is_local("openai", "http://localhost:8080"));
    ck_assert(ordo_llm_url_is_local("openai", "http://LOCALHOST"));
    ck_assert(ordo_llm_url_is_local("openai", "http://llm.localhost/v1"));
    ck_assert(ordo_llm_url_is_local("openai", "http://127.0.0.1:1234"));
    ck_assert(ordo_llm_url_is_local("openai", "http://[::1]:11434"));
    ck_assert(ordo_llm_url_is_local("openai", "http://10.1.2.3:8000"));
    ck_assert(ordo_llm_url_is_local("openai", "http://172.20.0.5"));
    ck_assert(ordo_llm_url_is_local("openai", "http://192.168.1.9:8000/"));
    ck_assert(ordo_llm_url_is_local("openai", "http://[fd00::5]:8000"));
    ck_assert(ordo_llm_url_is_local("openai", "http://user:pw@127.0.0.1/"));
    ck_assert(!ordo_llm_url_is_local("openai", "http://172.32.0.1"));
    ck_assert(!ordo_llm_url_is_local("openai", "http://169.254.169.254"));
    ck_assert(!ordo_llm_url_is_local("openai", "https://api.openai.com"));
    ck_assert(!ordo_llm_url_is_local("openai", "http://127.0.0.1.example.com"));
    ck_assert(!ordo_llm_url_is_local("openai", "http://localhost@evil.example.com/"));
    ck_assert(!ordo_llm_url_is_local("openai", "not a url"));
}
END_TEST

/* The fake answers requests of the wrong shape as the real API does; posted directly. */
static long post_raw(const char *path, const char *const *hdr, size_t nh, const char *body,
                     char *msg, size_t size)
{
    static const char *const allow[] = {"127.0.0.1"};
    struct ordo_httpc_policy pol = {.allow = allow, .nallow = 1};
    struct ordo_httpc_header h[4];
    struct ordo_httpc *c = NULL;
    struct ordo_httpc_response r;
    char url[128];
    long status;

    for (size_t i = 0; i < nh; i++) {
        h[i] = (struct ordo_httpc_header){hdr[2 * i], hdr[2 * i + 1]};
    }
    (void)snprintf(url, sizeof url, "%s%s", fake.url, path);
    ck_assert_int_eq(ordo_httpc_new(&pol, &c, &err), ORDO_OK);
    ck_assert_int_eq(ordo_httpc_do(c,
                                   &(struct ordo_httpc_request){.method = "POST",
                                                                .url = url,
                                                                .headers = h,
                                                                .nheaders = nh,
                                                                .body = body,
                                                                .body_len = strlen(body)},
                                   &r, &err),
                     ORDO_OK);
    status = r.status;
    (void)snprintf(msg, size, "%s", r.body);
    ordo_httpc_free(c);
    return status;
}

START_TEST(fake_refuses_what_the_real_apis_refuse)
{
    static const char *const oa[] = {"Content-Type", "application/json", "Authorization",
                                     "Bearer " KEY};
    static const char *const an[] = {"Content-Type",      "application/json", "x-api-key", KEY,
                                     "anthropic-version", "2023-06-01"};
    char msg[1024];

    ck_assert_int_eq(post_raw("/v1/chat/completions", oa, 2,
                              "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":"
                              "\"x\"}],\"response_format\":{\"type\":\"json_schema\","
                              "\"json_schema\":{\"name\":\"process_ir\",\"strict\":true,"
                              "\"schema\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":"
                              "\"string\"}},\"required\":[\"a\"]}}}}",
                              msg, sizeof msg),
                     400);
    ck_assert_msg(strstr(msg, "additionalProperties") != NULL, "%s", msg);
    ck_assert_int_eq(post_raw("/v1/chat/completions", oa, 1,
                              "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":"
                              "\"x\"}]}",
                              msg, sizeof msg),
                     401);
    ck_assert_int_eq(post_raw("/v1/messages", an, 3,
                              "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":"
                              "\"x\"}]}",
                              msg, sizeof msg),
                     400);
    ck_assert_msg(strstr(msg, "max_tokens") != NULL, "%s", msg);
    ck_assert_int_eq(post_raw("/v1/messages", an, 3,
                              "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":"
                              "\"system\",\"content\":\"x\"},{\"role\":\"user\",\"content\":"
                              "\"x\"}]}",
                              msg, sizeof msg),
                     400);
    ck_assert_msg(strstr(msg, "top-level `system`") != NULL, "%s", msg);
    ck_assert_int_eq(post_raw("/v1/messages", an, 2,
                              "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":"
                              "\"user\",\"content\":\"x\"}]}",
                              msg, sizeof msg),
                     400); /* no anthropic-version */
    /* Ollama streams unless told not to, as the real one does: NDJSON, not one object. */
    ordo_fakellm_script(&fake, "{\"ir\": {\"a\": 1}}");
    ck_assert_int_eq(post_raw("/api/chat", oa, 2,
                              "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":"
                              "\"x\"}]}",
                              msg, sizeof msg),
                     200);
    ck_assert_msg(strstr(msg, "\"done\":false") && strstr(msg, "}\n{"), "%s", msg);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("llm");
    TCase *tc = tcase_create("providers");

    tcase_add_unchecked_fixture(tc, start_fake, stop_fake);
    tcase_add_checked_fixture(tc, reset, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, valid_answer_is_the_object_and_its_usage, 0, 3);
    tcase_add_test(tc, openai_request_is_strict_json_schema);
    tcase_add_test(tc, anthropic_request_forces_the_tool);
    tcase_add_test(tc, ollama_request_does_not_stream);
    tcase_add_loop_test(tc, invalid_json_is_unprocessable_with_the_text, 0, 3);
    tcase_add_loop_test(tc, json_that_is_not_an_object_is_unprocessable, 0, 3);
    tcase_add_loop_test(tc, rate_limit_is_retried_after_retry_after, 0, 3);
    tcase_add_loop_test(tc, server_error_is_retried, 0, 3);
    tcase_add_loop_test(tc, retries_run_out, 0, 3);
    tcase_add_loop_test(tc, client_error_is_not_retried, 0, 3);
    tcase_add_loop_test(tc, retry_after_past_the_timeout_ends_at_once, 0, 3);
    tcase_add_loop_test(tc, slow_answer_times_out, 0, 3);
    tcase_add_loop_test(tc, api_key_is_never_in_an_error, 0, 3);
    tcase_add_loop_test(tc, wrong_key_is_refused_by_the_fake, 0, 3);
    tcase_add_loop_test(tc, refusal_is_forbidden, 0, 3);
    tcase_add_loop_test(tc, truncated_answer_is_too_big, 0, 3);
    tcase_add_loop_test(tc, loopback_needs_allow_loopback, 0, 3);
    tcase_add_test(tc, default_urls_and_bad_config);
    tcase_add_test(tc, local_urls_are_loopback_and_private_literals);
    tcase_add_test(tc, fake_refuses_what_the_real_apis_refuse);
    suite_add_tcase(s, tc);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
