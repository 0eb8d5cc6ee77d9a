/*
 * tests/plugins/fixture.c - test connectors for the loader and the host,
 * one source built into several plugins that differ by one define each
 * (tests/plugins/plugins.cmake):
 *
 *   FIXTURE_GOOD        "echo": echo.reply returns its input; echo.raise
 *                       raises the BPMN error "boom"; echo.slow asks to
 *                       retry after 'retry_after_ms'; echo.get calls
 *                       'url' through the host and returns status and body
 *   FIXTURE_WRONG_ABI   the same, built as if for ABI 99
 *   FIXTURE_BAD_SCHEMA  an input schema with "pattern" (outside the subset)
 *   FIXTURE_BAD_ID      an action id that does not start with the name
 *   FIXTURE_ABORT       "crash": crash.now calls abort() in invoke
 *   FIXTURE_NO_SYMBOL   a shared object without the entry symbol
 *   FIXTURE_INIT_FAILS  init returns an error
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ordo/connector.h"

#ifdef FIXTURE_NO_SYMBOL
__attribute__((visibility("default"))) int not_a_connector = 1;
#else

#ifndef FIXTURE_ABORT
static enum ordo_connector_result reply(const struct ordo_connector_call *call,
                                        struct ordo_connector_outcome *out)
{
    char *text = malloc(strlen(call->input) + strlen(call->idempotency_key) + 64);

    if (!text) {
        return ORDO_CONNECTOR_RETRY;
    }
    /* The input, plus what the host said about the call. */
    (void)snprintf(text, strlen(call->input) + strlen(call->idempotency_key) + 64,
                   "{\"input\":%s,\"key\":\"%s\",\"attempt\":%u}", call->input,
                   call->idempotency_key, (unsigned)call->attempt);
    out->output = text;
    return ORDO_CONNECTOR_OK;
}

static enum ordo_connector_result raise_error(const struct ordo_connector_call *call,
                                              struct ordo_connector_outcome *out)
{
    (void)call;
    (void)snprintf(out->error_code, sizeof out->error_code, "boom");
    (void)snprintf(out->message, sizeof out->message, "it went boom");
    return ORDO_CONNECTOR_BPMN_ERROR;
}

static enum ordo_connector_result slow(const struct ordo_connector_call *call,
                                       struct ordo_connector_outcome *out)
{
    const char *p = strstr(call->input, "\"retry_after_ms\":");

    out->retry_after_ms = p ? strtoll(p + 17, NULL, 10) : 0;
    (void)snprintf(out->message, sizeof out->message, "not yet (secret %s)", call->secret);
    return ORDO_CONNECTOR_RETRY;
}

/* GET 'url' (the input's only field) through the host. */
static enum ordo_connector_result get(const struct ordo_connector_call *call,
                                      struct ordo_connector_outcome *out)
{
    const struct ordo_connector_host *host = call->state;
    struct ordo_connector_http_response resp;
    struct ordo_connector_http_request req = {.method = "GET"};
    const char *u = strstr(call->input, "\"url\":\"");
    char url[512];
    char *end;
    enum ordo_connector_result r;

    if (!u) {
        return ORDO_CONNECTOR_FAIL;
    }
    (void)snprintf(url, sizeof url, "%s", u + 7);
    end = strchr(url, '"');
    if (end) {
        *end = '\0';
    }
    req.url = url;
    r = host->http(call->host, &req, &resp, out);
    if (r != ORDO_CONNECTOR_OK) {
        return r;
    }
    out->output = malloc(64);
    if (out->output) {
        (void)snprintf(out->output, 64, "{\"status\":%ld,\"length\":%zu}", resp.status,
                       resp.body_len);
    }
    return ORDO_CONNECTOR_OK;
}

#else
static enum ordo_connector_result crash(const struct ordo_connector_call *call,
                                        struct ordo_connector_outcome *out)
{
    (void)call;
    (void)out;
    abort();
}
#endif

static enum ordo_connector_result test_credentials(const struct ordo_connector_call *call,
                                                   struct ordo_connector_outcome *out)
{
    if (strstr(call->secret, "\"token\":\"good\"")) {
        return ORDO_CONNECTOR_OK;
    }
    (void)snprintf(out->message, sizeof out->message, "token %s refused", call->secret);
    return ORDO_CONNECTOR_FAIL;
}

/* The SDK's init signature: 'error' is written only when init fails. */
static int init(const struct ordo_connector_host *host, void **state,
                char *error, // NOLINT(readability-non-const-parameter)
                size_t size)
{
#ifdef FIXTURE_INIT_FAILS
    (void)host;
    (void)state;
    (void)snprintf(error, size, "the fixture refuses to start");
    return 1;
#else
    (void)error;
    (void)size;
    *state = (void *)host;
    return 0;
#endif
}

static const char *const keywords[] = {"test", NULL};

#ifdef FIXTURE_ABORT
#define NAME        "crash"
#define CRED_SCHEMA NULL /* runs without a credential */
static const struct ordo_connector_action actions[] = {
    {.id = "crash.now", .title = "Crash", .input_schema = "{}", .invoke = crash},
};
#else
#define NAME        "echo"
#define CRED_SCHEMA "{\"properties\":{\"token\":{\"type\":\"string\"}},\"required\":[\"token\"]}"
static const char *const echo_errors[] = {"boom", NULL};
#if defined(FIXTURE_BAD_SCHEMA)
#define REPLY_SCHEMA "{\"properties\":{\"text\":{\"type\":\"string\",\"pattern\":\"^a\"}}}"
#else
#define REPLY_SCHEMA                                                                      \
    "{\"properties\":{\"text\":{\"type\":\"string\",\"title\":\"Text\"},\"n\":{\"type\":" \
    "\"integer\"},\"extra\":{\"type\":\"object\"}},\"required\":[\"text\"]}"
#endif
static const struct ordo_connector_action actions[] = {
#ifdef FIXTURE_BAD_ID
    {.id = "other.reply", .title = "Reply", .input_schema = REPLY_SCHEMA, .invoke = reply},
#else
    {.id = "echo.reply",
     .title = "Reply",
     .description = "Returns its input.",
     .keywords = keywords,
     .input_schema = REPLY_SCHEMA,
     .output_schema = "{\"type\":\"object\"}",
     .invoke = reply},
#endif
    {.id = "echo.raise",
     .title = "Raise",
     .input_schema = "{}",
     .bpmn_errors = echo_errors,
     .invoke = raise_error},
    {.id = "echo.slow",
     .title = "Slow",
     .input_schema = "{\"properties\":{\"retry_after_ms\":{\"type\":\"integer\"}}}",
     .invoke = slow},
    {.id = "echo.get",
     .title = "Get",
     .input_schema = "{\"properties\":{\"url\":{\"type\":\"string\"}},\"required\":[\"url\"]}",
     .timeout_ms = 5000,
     .invoke = get},
};
#endif

#ifdef FIXTURE_WRONG_ABI
/* Hand-made: the SDK macro always stamps the current ABI. */
__attribute__((visibility("default"))) const struct ordo_connector ordo_connector_entry = {
    .magic = ORDO_CONNECTOR_MAGIC,
    .abi = 99,
    .size = sizeof(struct ordo_connector),
    .action_size = sizeof(struct ordo_connector_action),
    .name = NAME,
    .version = "1.0.0",
    .test_credentials = test_credentials,
    .actions = actions,
    .nactions = sizeof actions / sizeof actions[0],
    .init = init};
#else
ORDO_CONNECTOR_DEFINE(.name = NAME, .version = "1.0.0", .title = "Echo",
                      .description = "A test connector.", .keywords = keywords,
                      .credential_schema = CRED_SCHEMA, .test_credentials = test_credentials,
                      .actions = actions, .nactions = sizeof actions / sizeof actions[0],
                      .init = init);
#endif
#endif
