/*
 * generator/llm.c - the three wire formats of generator/llm.h over base/httpc.
 *
 * A call is: build the provider's request body (jansson), post it with
 * retries inside one deadline, then read the provider's answer envelope and
 * take the JSON object out of it. Every text that comes back from the
 * provider is untrusted: bodies are capped (ORDO_LLM_MAX_ANSWER), parsed
 * with base/json limits, and quoted in messages only after redaction.
 */
#include "generator/llm.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/httpc.h"
#include "base/json.h"
#include "base/log.h"
#include "base/text.h"

#define BACKOFF_FIRST_MS 1000
#define QUOTE_MAX        200 /* bytes of a provider message quoted in ours */

/* An answer (and the IR text inside it) may be as large as the body cap. */
static const struct ordo_json_limits answer_limits = {ORDO_LLM_MAX_ANSWER,
                                                      ORDO_JSON_DEFAULT_MAX_DEPTH};

struct format_row {
    const char *name;
    const char *path;
    const char *default_url;
};

static const struct format_row formats[] = {
    [ORDO_LLM_OPENAI] = {"openai", "/v1/chat/completions", "https://api.openai.com"},
    [ORDO_LLM_ANTHROPIC] = {"anthropic", "/v1/messages", "https://api.anthropic.com"},
    [ORDO_LLM_OLLAMA] = {"ollama", "/api/chat", "http://localhost:11434"},
};

/* What a local model may live on: loopback and the private ranges. */
static const char *const local_ranges[] = {"127.0.0.0/8",   "::1/128",        "10.0.0.0/8",
                                           "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"};

struct ordo_llm {
    enum ordo_llm_format fmt;
    char *endpoint;
    char *model;
    char *api_key; /* "" when none */
    char *bearer;  /* "Bearer KEY", or NULL */
    int64_t timeout_ms;
    int64_t max_tokens;
    int retries;
    struct ordo_httpc *http;
};

enum ordo_code ordo_llm_format_parse(const char *name, enum ordo_llm_format *out,
                                     struct ordo_err *err)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        if (ordo_streq(name, formats[i].name)) {
            *out = (enum ordo_llm_format)i;
            return ORDO_OK;
        }
    }
    (void)ordo_err_set(err, ORDO_E_INVAL,
                       "unknown LLM provider \"%s\": use openai, anthropic or ollama",
                       name ? name : "");
    return ORDO_E_INVAL;
}

const char *ordo_llm_format_name(enum ordo_llm_format fmt)
{
    return formats[fmt].name;
}

const char *ordo_llm_default_url(enum ordo_llm_format fmt)
{
    return formats[fmt].default_url;
}

const char *ordo_llm_endpoint(const struct ordo_llm *llm)
{
    return llm->endpoint;
}

static char *dup_or_die(const char *s)
{
    size_t len = strlen(s) + 1;
    char *p = malloc(len);

    if (!p) {
        ordo_oom(len);
    }
    memcpy(p, s, len);
    return p;
}

static bool private_ip(const char *host)
{
    unsigned char a[16];

    if (inet_pton(AF_INET, host, a) == 1) {
        return a[0] == 127 || a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) ||
               (a[0] == 192 && a[1] == 168);
    }
    if (inet_pton(AF_INET6, host, a) == 1) {
        static const unsigned char loop6[16] = {[15] = 1};

        return memcmp(a, loop6, 16) == 0 || (a[0] & 0xfe) == 0xfc;
    }
    return false;
}

bool ordo_llm_url_is_local(const char *provider, const char *url)
{
    enum ordo_llm_format fmt;
    const char *p;
    const char *at;
    char host[256];
    size_t len;

    if (!url || !url[0]) {
        if (ordo_llm_format_parse(provider, &fmt, NULL) != ORDO_OK) {
            return false;
        }
        url = formats[fmt].default_url;
    }
    p = strstr(url, "://");
    if (!p) {
        return false;
    }
    p += 3;
    at = memchr(p, '@', strcspn(p, "/?#")); /* user:password@host */
    p = at ? at + 1 : p;
    len = *p == '[' ? strcspn(++p, "]") : strcspn(p, ":/?#");
    if (len == 0 || len >= sizeof host) {
        return false;
    }
    memcpy(host, p, len);
    host[len] = '\0';
    if (strcasecmp(host, "localhost") == 0) {
        return true;
    }
    return (len > 10 && strcasecmp(host + len - 10, ".localhost") == 0) || private_ip(host);
}

void ordo_llm_free(struct ordo_llm *llm)
{
    if (!llm) {
        return;
    }
    ordo_httpc_free(llm->http);
    free(llm->endpoint);
    free(llm->model);
    if (llm->api_key) {
        memset(llm->api_key, 0, strlen(llm->api_key));
    }
    if (llm->bearer) {
        memset(llm->bearer, 0, strlen(llm->bearer));
    }
    free(llm->api_key);
    free(llm->bearer);
    free(llm);
}

/* The endpoint: the base URL without trailing slashes, and the format's path. */
static enum ordo_code make_endpoint(struct ordo_llm *llm, const struct ordo_llm_config *cfg,
                                    struct ordo_err *err)
{
    const char *base = cfg->url && cfg->url[0] ? cfg->url : formats[llm->fmt].default_url;
    size_t len = strlen(base);
    struct ordo_buf b = ORDO_BUF_INIT;

    if (strncmp(base, "https://", 8) != 0 && strncmp(base, "http://", 7) != 0) {
        return ordo_err_set(err, ORDO_E_INVAL, "LLM url must start with https:// or http://");
    }
    if (strncmp(base, "http://", 7) == 0 && !cfg->allow_loopback) {
        return ordo_err_set(err, ORDO_E_INVAL,
                            "LLM url must use https:// (http:// only for a local model on a "
                            "loopback or private address)");
    }
    while (len > 0 && base[len - 1] == '/') {
        len--;
    }
    ordo_buf_append(&b, base, len);
    ordo_buf_puts(&b, formats[llm->fmt].path);
    llm->endpoint = ordo_buf_take(&b, NULL);
    return ORDO_OK;
}

enum ordo_code ordo_llm_new(const struct ordo_llm_config *cfg, struct ordo_llm **out,
                            struct ordo_err *err)
{
    struct ordo_httpc_policy pol = {0};
    struct ordo_llm *llm;
    enum ordo_llm_format fmt;
    enum ordo_code rc;

    if (!cfg || !out) {
        return ordo_err_set(err, ORDO_E_INVAL, "no LLM configuration");
    }
    rc = ordo_llm_format_parse(cfg->provider, &fmt, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    if (!cfg->model || !cfg->model[0]) {
        return ordo_err_set(err, ORDO_E_INVAL, "no model named for LLM provider %s (llm_model)",
                            formats[fmt].name);
    }
    llm = calloc(1, sizeof *llm);
    if (!llm) {
        ordo_oom(sizeof *llm);
    }
    llm->fmt = fmt;
    llm->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : ORDO_LLM_DEFAULT_TIMEOUT_MS;
    llm->retries = cfg->retries == 0  ? ORDO_LLM_DEFAULT_RETRIES
                   : cfg->retries < 0 ? 0
                                      : cfg->retries;
    llm->max_tokens = cfg->max_tokens > 0 ? cfg->max_tokens : ORDO_LLM_DEFAULT_MAX_TOKENS;
    llm->model = dup_or_die(cfg->model);
    llm->api_key = dup_or_die(cfg->api_key ? cfg->api_key : "");
    rc = make_endpoint(llm, cfg, err);
    if (rc == ORDO_OK) {
        pol.https_only = !cfg->allow_loopback;
        pol.allow = cfg->allow_loopback ? local_ranges : NULL;
        pol.nallow = cfg->allow_loopback ? sizeof local_ranges / sizeof local_ranges[0] : 0;
        pol.max_body = ORDO_LLM_MAX_ANSWER;
        pol.timeout_ms = llm->timeout_ms;
        rc = ordo_httpc_new(&pol, &llm->http, err);
    }
    if (rc != ORDO_OK) {
        ordo_llm_free(llm);
        return rc;
    }
    if (llm->api_key[0]) {
        struct ordo_buf b = ORDO_BUF_INIT;

        ordo_buf_printf(&b, "Bearer %s", llm->api_key);
        llm->bearer = ordo_buf_take(&b, NULL);
    }
    *out = llm;
    return ORDO_OK;
}

void ordo_llm_answer_cleanup(struct ordo_llm_answer *ans)
{
    if (!ans) {
        return;
    }
    json_decref(ans->ir);
    free(ans->text);
    memset(ans, 0, sizeof *ans);
}

/* ---- requests -------------------------------------------------------------------------------- */

/* The schema as sent: a copy without the keywords strict modes refuse. */
static json_t *wire_schema(const json_t *schema)
{
    json_t *copy = json_deep_copy(schema);

    (void)json_object_del(copy, "$schema");
    (void)json_object_del(copy, "$id");
    return copy;
}

/* The messages as [{"role","content"}], without the system ones when
 * 'skip_system' (Anthropic takes those apart); '*system' gets them joined. */
static json_t *messages_json(const struct ordo_llm_message *msgs, size_t n, bool skip_system,
                             struct ordo_buf *system)
{
    json_t *arr = json_array();

    for (size_t i = 0; i < n; i++) {
        if (skip_system && ordo_streq(msgs[i].role, "system")) {
            if (system->len) {
                ordo_buf_puts(system, "\n\n");
            }
            ordo_buf_puts(system, msgs[i].content);
            continue;
        }
        (void)json_array_append_new(
            arr, json_pack("{s:s, s:s}", "role", msgs[i].role, "content", msgs[i].content));
    }
    return arr;
}

static json_t *openai_body(const struct ordo_llm *llm, const struct ordo_llm_message *msgs,
                           size_t n, const json_t *schema)
{
    return json_pack("{s:s, s:o, s:{s:s, s:{s:s, s:b, s:o}}, s:i}", "model", llm->model, "messages",
                     messages_json(msgs, n, false, NULL), "response_format", "type", "json_schema",
                     "json_schema", "name", ORDO_LLM_SCHEMA_NAME, "strict", 1, "schema",
                     wire_schema(schema), "temperature", 0);
}

static json_t *anthropic_body(const struct ordo_llm *llm, const struct ordo_llm_message *msgs,
                              size_t n, const json_t *schema)
{
    struct ordo_buf system = ORDO_BUF_INIT;
    json_t *messages = messages_json(msgs, n, true, &system);
    json_t *body =
        json_pack("{s:s, s:I, s:o, s:[{s:s, s:s, s:o}], s:{s:s, s:s}, s:i}", "model", llm->model,
                  "max_tokens", (json_int_t)llm->max_tokens, "messages", messages, "tools", "name",
                  ORDO_LLM_TOOL_NAME, "description",
                  "Emit the process as Ordo's process IR. Always answer by calling this tool.",
                  "input_schema", wire_schema(schema), "tool_choice", "type", "tool", "name",
                  ORDO_LLM_TOOL_NAME, "temperature", 0);

    if (system.len) {
        (void)json_object_set_new(body, "system", json_string(ordo_buf_cstr(&system)));
    }
    ordo_buf_cleanup(&system);
    return body;
}

static json_t *ollama_body(const struct ordo_llm *llm, const struct ordo_llm_message *msgs,
                           size_t n, const json_t *schema)
{
    return json_pack("{s:s, s:o, s:b, s:o, s:{s:i}}", "model", llm->model, "messages",
                     messages_json(msgs, n, false, NULL), "stream", 0, "format",
                     wire_schema(schema), "options", "temperature", 0);
}

static char *request_body(const struct ordo_llm *llm, const struct ordo_llm_message *msgs, size_t n,
                          const json_t *schema)
{
    json_t *body = llm->fmt == ORDO_LLM_OPENAI      ? openai_body(llm, msgs, n, schema)
                   : llm->fmt == ORDO_LLM_ANTHROPIC ? anthropic_body(llm, msgs, n, schema)
                                                    : ollama_body(llm, msgs, n, schema);
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;

    json_decref(body);
    if (!text) {
        ordo_oom(0);
    }
    return text;
}

/* ---- sending, with retries ------------------------------------------------------------------- */

static void sleep_ms(int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) != 0) {
    }
}

static bool retryable_status(long status)
{
    return status == 429 || status >= 500;
}

/* The provider's own error message in an error body, redacted and cut, in 'out'. */
static void provider_message(const struct ordo_llm *llm, const char *body, size_t len,
                             struct ordo_buf *out)
{
    json_t *doc = NULL;
    const json_t *e;
    const char *msg = NULL;
    const char *secrets[] = {llm->api_key};
    char quoted[QUOTE_MAX * 3 + 8];

    if (ordo_json_parse(body, len, &answer_limits, &doc, NULL) == ORDO_OK) {
        e = json_object_get(doc, "error");
        msg = json_is_string(e) ? json_string_value(e)
                                : json_string_value(json_object_get(e, "message"));
    }
    if (msg) {
        struct ordo_buf red = ORDO_BUF_INIT;

        (void)ordo_text_redact(&red, msg, strlen(msg), secrets, 1, false);
        (void)ordo_utf8_quote(quoted, sizeof quoted, red.data ? red.data : "", red.len, QUOTE_MAX);
        ordo_buf_printf(out, ": %s", quoted);
        ordo_buf_cleanup(&red);
    }
    json_decref(doc);
}

static enum ordo_code status_code(long status)
{
    switch (status) {
    case 401:
        return ORDO_E_UNAUTHENTICATED;
    case 403:
        return ORDO_E_FORBIDDEN;
    case 404:
        return ORDO_E_NOTFOUND;
    case 413:
        return ORDO_E_TOOBIG;
    case 429:
        return ORDO_E_RATE_LIMITED;
    default:
        break;
    }
    if (status >= 500) {
        return ORDO_E_AGAIN;
    }
    return status >= 400 ? ORDO_E_INVAL : ORDO_E_INTERNAL;
}

/* A final HTTP error: the code for its status and the provider's message. */
static enum ordo_code status_error(const struct ordo_llm *llm,
                                   const struct ordo_httpc_response *resp, const char *why,
                                   struct ordo_err *err)
{
    struct ordo_buf m = ORDO_BUF_INIT;
    enum ordo_code rc = status_code(resp->status);

    ordo_buf_printf(&m, "LLM provider %s answered HTTP %ld", formats[llm->fmt].name, resp->status);
    provider_message(llm, resp->body, resp->body_len, &m);
    if (why) {
        ordo_buf_printf(&m, " (%s)", why);
    }
    (void)ordo_err_set(err, rc, "%s", ordo_buf_cstr(&m));
    ordo_buf_cleanup(&m);
    return rc;
}

/* How long to wait before the next attempt, or -1 to give up now because
 * that would pass the deadline. */
static int64_t next_wait(int64_t retry_after_ms, int attempt, int64_t deadline)
{
    int64_t wait = retry_after_ms >= 0 ? retry_after_ms : (int64_t)BACKOFF_FIRST_MS << attempt;
    int64_t left = deadline - ordo_clock_mono_ms();

    return wait < left ? wait : -1;
}

static void log_retry(const struct ordo_llm *llm, long status, int64_t wait)
{
    ordo_log(ORDO_LOG_INFO, "generator", "llm call retried",
             ORDO_STR("provider", formats[llm->fmt].name), ORDO_INT("status", status),
             ORDO_INT("wait_ms", wait));
}

/* Post 'body' until an answer that is not worth retrying, the retries or
 * the deadline run out. ORDO_OK means an HTTP answer in '*resp' with a
 * status below 400. */
static enum ordo_code post(struct ordo_llm *llm, const char *body, struct ordo_llm_answer *ans,
                           struct ordo_httpc_response *resp, struct ordo_err *err)
{
    struct ordo_httpc_header headers[4] = {{"Content-Type", "application/json"}};
    const char *secrets[] = {llm->api_key, llm->bearer};
    struct ordo_httpc_request req = {.method = "POST",
                                     .url = llm->endpoint,
                                     .headers = headers,
                                     .body = body,
                                     .body_len = strlen(body),
                                     .secrets = secrets,
                                     .nsecrets = llm->bearer ? 2 : 1};
    int64_t deadline = ordo_clock_mono_ms() + llm->timeout_ms;

    req.nheaders = 1;
    if (llm->fmt == ORDO_LLM_ANTHROPIC) {
        headers[req.nheaders++] = (struct ordo_httpc_header){"anthropic-version", "2023-06-01"};
        if (llm->api_key[0]) {
            headers[req.nheaders++] = (struct ordo_httpc_header){"x-api-key", llm->api_key};
        }
    } else if (llm->bearer) {
        headers[req.nheaders++] = (struct ordo_httpc_header){"Authorization", llm->bearer};
    }
    for (int attempt = 0;; attempt++) {
        struct ordo_err local = {0};
        int64_t left = deadline - ordo_clock_mono_ms();
        int64_t wait;
        enum ordo_code rc;

        if (left <= 0) {
            return ordo_err_set(err, ORDO_E_TIMEOUT,
                                "LLM provider %s did not answer within %lld ms",
                                formats[llm->fmt].name, (long long)llm->timeout_ms);
        }
        req.timeout_ms = left;
        ans->attempts++;
        rc = ordo_httpc_do(llm->http, &req, resp, &local);
        if (rc == ORDO_E_TIMEOUT) {
            return ordo_err_set(err, ORDO_E_TIMEOUT,
                                "LLM provider %s did not answer within %lld ms",
                                formats[llm->fmt].name, (long long)llm->timeout_ms);
        }
        if (rc != ORDO_OK && rc != ORDO_E_AGAIN) {
            return ordo_err_set(err, rc, "%s", local.msg);
        }
        if (rc == ORDO_OK && !retryable_status(resp->status)) {
            return resp->status >= 400 ? status_error(llm, resp, NULL, err) : ORDO_OK;
        }
        wait = attempt < llm->retries
                   ? next_wait(rc == ORDO_OK ? resp->retry_after_ms : -1, attempt, deadline)
                   : -1;
        if (wait < 0) {
            if (rc != ORDO_OK) {
                return ordo_err_set(err, rc, "%s", local.msg);
            }
            return status_error(llm, resp,
                                attempt < llm->retries && resp->retry_after_ms >= 0
                                    ? "its Retry-After is past the timeout"
                                    : NULL,
                                err);
        }
        log_retry(llm, rc == ORDO_OK ? resp->status : 0, wait);
        sleep_ms(wait);
    }
}

/* ---- answers --------------------------------------------------------------------------------- */

static enum ordo_code envelope_error(const struct ordo_llm *llm, const char *what,
                                     struct ordo_err *err)
{
    return ordo_err_set(err, ORDO_E_INTERNAL, "LLM provider %s sent an answer without %s",
                        formats[llm->fmt].name, what);
}

/* The model's text as the IR object, or ORDO_E_UNPROCESSABLE saying why not. */
static enum ordo_code take_json_text(const char *text, struct ordo_llm_answer *ans,
                                     struct ordo_err *err)
{
    struct ordo_err perr = {0};
    json_t *doc = NULL;

    ans->text = dup_or_die(text);
    if (ordo_json_parse(text, strlen(text), &answer_limits, &doc, &perr) != ORDO_OK) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "the answer is not valid JSON: %s",
                            perr.msg);
    }
    if (!json_is_object(doc)) {
        (void)ordo_err_set(err, ORDO_E_UNPROCESSABLE, "the answer is %s, not a JSON object",
                           ordo_json_type_name(doc));
        json_decref(doc);
        return ORDO_E_UNPROCESSABLE;
    }
    ans->ir = doc;
    return ORDO_OK;
}

static void take_usage(const json_t *obj, const char *prompt, const char *completion,
                       struct ordo_llm_answer *ans)
{
    json_t *p = json_object_get(obj, prompt);
    json_t *c = json_object_get(obj, completion);

    ans->prompt_tokens += json_is_integer(p) ? json_integer_value(p) : 0;
    ans->completion_tokens += json_is_integer(c) ? json_integer_value(c) : 0;
}

static enum ordo_code truncated(const struct ordo_llm *llm, struct ordo_err *err)
{
    return ordo_err_set(err, ORDO_E_TOOBIG,
                        "the answer of LLM provider %s was cut off at its token limit",
                        formats[llm->fmt].name);
}

static enum ordo_code refused(const struct ordo_llm *llm, const char *why, struct ordo_err *err)
{
    char quoted[QUOTE_MAX * 3 + 8];

    (void)ordo_utf8_quote(quoted, sizeof quoted, why, strlen(why), QUOTE_MAX);
    return ordo_err_set(err, ORDO_E_FORBIDDEN, "the model of LLM provider %s refused: %s",
                        formats[llm->fmt].name, quoted);
}

static enum ordo_code read_openai(const struct ordo_llm *llm, const json_t *doc,
                                  struct ordo_llm_answer *ans, struct ordo_err *err)
{
    const json_t *choice = json_array_get(json_object_get(doc, "choices"), 0);
    const json_t *msg = json_object_get(choice, "message");
    const char *finish = json_string_value(json_object_get(choice, "finish_reason"));
    const char *refusal = json_string_value(json_object_get(msg, "refusal"));
    const char *content = json_string_value(json_object_get(msg, "content"));

    take_usage(json_object_get(doc, "usage"), "prompt_tokens", "completion_tokens", ans);
    if (refusal) {
        return refused(llm, refusal, err);
    }
    if (ordo_streq(finish, "length")) {
        return truncated(llm, err);
    }
    if (ordo_streq(finish, "content_filter")) {
        return refused(llm, "content filter", err);
    }
    if (!content) {
        return envelope_error(llm, "choices[0].message.content", err);
    }
    return take_json_text(content, ans, err);
}

/* Anthropic: the forced tool's input; text blocks only when the model did
 * not call it (then they should hold the JSON). */
static enum ordo_code read_anthropic(const struct ordo_llm *llm, const json_t *doc,
                                     struct ordo_llm_answer *ans, struct ordo_err *err)
{
    const char *stop = json_string_value(json_object_get(doc, "stop_reason"));
    const json_t *content = json_object_get(doc, "content");
    struct ordo_buf text = ORDO_BUF_INIT;
    enum ordo_code rc;
    size_t i;
    const json_t *block;

    take_usage(json_object_get(doc, "usage"), "input_tokens", "output_tokens", ans);
    if (ordo_streq(stop, "max_tokens")) {
        return truncated(llm, err);
    }
    if (!json_is_array(content)) {
        return envelope_error(llm, "content", err);
    }
    json_array_foreach(content, i, block)
    {
        const char *type = json_string_value(json_object_get(block, "type"));
        const json_t *input = json_object_get(block, "input");

        if (ordo_streq(type, "tool_use") && json_is_object(input)) {
            ans->text = json_dumps(input, JSON_COMPACT);
            if (!ans->text) {
                ordo_oom(0);
            }
            ans->ir = json_incref((json_t *)input);
            ordo_buf_cleanup(&text);
            return ORDO_OK;
        }
        if (ordo_streq(type, "text")) {
            ordo_buf_puts(&text, json_string_value(json_object_get(block, "text")));
        }
    }
    rc = ordo_streq(stop, "refusal") ? refused(llm, ordo_buf_cstr(&text), err)
                                     : take_json_text(ordo_buf_cstr(&text), ans, err);
    ordo_buf_cleanup(&text);
    return rc;
}

static enum ordo_code read_ollama(const struct ordo_llm *llm, const json_t *doc,
                                  struct ordo_llm_answer *ans, struct ordo_err *err)
{
    const char *content =
        json_string_value(json_object_get(json_object_get(doc, "message"), "content"));

    take_usage(doc, "prompt_eval_count", "eval_count", ans);
    if (ordo_streq(json_string_value(json_object_get(doc, "done_reason")), "length")) {
        return truncated(llm, err);
    }
    if (!content) {
        return envelope_error(llm, "message.content", err);
    }
    return take_json_text(content, ans, err);
}

static enum ordo_code read_answer(const struct ordo_llm *llm,
                                  const struct ordo_httpc_response *resp,
                                  struct ordo_llm_answer *ans, struct ordo_err *err)
{
    json_t *doc = NULL;
    enum ordo_code rc;

    if (ordo_json_parse(resp->body, resp->body_len, &answer_limits, &doc, NULL) != ORDO_OK ||
        !json_is_object(doc)) {
        json_decref(doc);
        return ordo_err_set(err, ORDO_E_INTERNAL,
                            "LLM provider %s answered HTTP %ld with a body that is not a JSON "
                            "object (is the url right?)",
                            formats[llm->fmt].name, resp->status);
    }
    rc = llm->fmt == ORDO_LLM_OPENAI      ? read_openai(llm, doc, ans, err)
         : llm->fmt == ORDO_LLM_ANTHROPIC ? read_anthropic(llm, doc, ans, err)
                                          : read_ollama(llm, doc, ans, err);
    json_decref(doc);
    return rc;
}

static bool messages_ok(const struct ordo_llm_message *msgs, size_t n)
{
    bool other = false;

    for (size_t i = 0; i < n; i++) {
        if (!msgs[i].content ||
            !(ordo_streq(msgs[i].role, "system") || ordo_streq(msgs[i].role, "user") ||
              ordo_streq(msgs[i].role, "assistant"))) {
            return false;
        }
        other = other || !ordo_streq(msgs[i].role, "system");
    }
    return other;
}

enum ordo_code ordo_llm_call(struct ordo_llm *llm, const struct ordo_llm_message *msgs, size_t n,
                             const json_t *schema, struct ordo_llm_answer *ans,
                             struct ordo_err *err)
{
    struct ordo_httpc_response resp;
    char *body;
    enum ordo_code rc;

    if (ans) {
        memset(ans, 0, sizeof *ans);
    }
    if (!llm || !ans || !msgs || !messages_ok(msgs, n) || !json_is_object(schema)) {
        return ordo_err_set(err, ORDO_E_INVAL,
                            "an LLM call needs a user message and an object schema");
    }
    body = request_body(llm, msgs, n, schema);
    ans->request_bytes = strlen(body);
    rc = post(llm, body, ans, &resp, err);
    free(body);
    if (rc == ORDO_OK) {
        rc = read_answer(llm, &resp, ans, err);
    }
    ordo_log(ORDO_LOG_DEBUG, "generator", "llm call done",
             ORDO_STR("provider", formats[llm->fmt].name), ORDO_STR("model", llm->model),
             ORDO_STR("code", ordo_code_name(rc)), ORDO_INT("attempts", ans->attempts),
             ORDO_INT("usage_prompt", ans->prompt_tokens),
             ORDO_INT("usage_completion", ans->completion_tokens));
    return rc;
}
