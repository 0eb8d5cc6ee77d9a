/*
 * generator/llm.h - one structured-output call to a language model: chat
 * messages and a JSON Schema in, the JSON object the model wrote out.
 *
 * Three wire formats (docs/generator.md; facts in the reference page on LLM
 * APIs, §2-4), all through base/httpc.h:
 *
 *   "openai"     POST {url}/v1/chat/completions, "Authorization: Bearer KEY"
 *                when a key is set; response_format json_schema, strict,
 *                named "process_ir"; the answer is choices[0].message.content,
 *                a JSON text. Also vLLM, llama.cpp, LM Studio, OpenRouter.
 *                Default url https://api.openai.com.
 *   "anthropic"  POST {url}/v1/messages, x-api-key, anthropic-version
 *                2023-06-01, max_tokens, the system messages as the
 *                top-level "system"; the tool "emit_process" with the schema
 *                as input_schema, forced by tool_choice; the answer is that
 *                tool_use block's input object. Default url
 *                https://api.anthropic.com.
 *   "ollama"     POST {url}/api/chat, stream false, format = the schema; the
 *                answer is message.content, a JSON text. Bearer key when set
 *                (proxies, hosted Ollama). Default url http://localhost:11434.
 *
 * The schema is sent without its "$schema" and "$id" keywords, which strict
 * modes do not take. Temperature is 0 everywhere.
 *
 * Retries: a 429, a 5xx (and Anthropic's 529) or a transport failure (reset,
 * refused) is tried again, at most cfg->retries more times, after the
 * server's Retry-After when it sent one, else 1 s, 2 s, 4 s ...; every wait
 * and request fits in cfg->timeout_ms, the budget of the whole call: a
 * Retry-After past it ends the call at once (RATE_LIMITED or AGAIN, the
 * message says when the provider asked to come back). A 4xx is never retried.
 *
 * Network: https only, under the SSRF guard of base/httpc.h, unless
 * cfg->allow_loopback, which admits http:// and the loopback and private
 * ranges (127.0.0.0/8, ::1, 10/8, 172.16/12, 192.168/16, fc00::/7) for local
 * models; link-local and metadata addresses stay refused.
 *
 * Results of ordo_llm_call:
 *   ORDO_OK              ans->ir is the object the model wrote;
 *   ORDO_E_UNPROCESSABLE the model answered but not with a JSON object
 *                        (invalid JSON, another JSON value, no tool call):
 *                        ans->text holds what it wrote and the message says
 *                        what is wrong ('invalid JSON at line 1, column 5:
 *                        ...'): a repair round can send it back. No other
 *                        failure uses this code;
 *   ORDO_E_TOOBIG        the answer was cut off at the token limit
 *                        (finish_reason length, stop_reason max_tokens,
 *                        done_reason length);
 *   ORDO_E_FORBIDDEN     the model refused (a refusal, a content filter), or
 *                        HTTP 403, or the guard refused the address;
 *   ORDO_E_TIMEOUT       no answer within cfg->timeout_ms;
 *   ORDO_E_RATE_LIMITED  still 429 after the retries;
 *   ORDO_E_AGAIN         still 5xx, or the connection kept failing;
 *   ORDO_E_UNAUTHENTICATED 401; ORDO_E_NOTFOUND 404 (a model or URL that
 *                        does not exist); ORDO_E_INVAL another 4xx, or a bad
 *                        request (no message, a schema that is not an
 *                        object); ORDO_E_INTERNAL an answer that is not the
 *                        provider's format.
 * Messages name the provider and the HTTP status and quote the provider's
 * own error message (cut to 200 bytes). The API key is never in a message,
 * a log line or ans->text: base/httpc.h redacts it, and provider messages
 * are redacted here before they are quoted.
 *
 * Tokens and attempts are set in '*ans' whatever the result, as far as the
 * answers told them.
 *
 * Ownership and threads: an ordo_llm holds a copy of its configuration and
 * one HTTP client; use it from one thread at a time. ans->ir is a new
 * reference and ans->text malloc'd: ordo_llm_answer_cleanup() frees both.
 */
#ifndef ORDO_GENERATOR_LLM_H
#define ORDO_GENERATOR_LLM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"

#define ORDO_LLM_DEFAULT_TIMEOUT_MS 120000
#define ORDO_LLM_DEFAULT_RETRIES    2
#define ORDO_LLM_DEFAULT_MAX_TOKENS 8192
#define ORDO_LLM_MAX_ANSWER         ((size_t)4 * 1024 * 1024) /* bytes of one HTTP answer */
#define ORDO_LLM_TOOL_NAME          "emit_process"
#define ORDO_LLM_SCHEMA_NAME        "process_ir"

enum ordo_llm_format {
    ORDO_LLM_OPENAI,
    ORDO_LLM_ANTHROPIC,
    ORDO_LLM_OLLAMA,
};

/* "openai", "anthropic" or "ollama"; ORDO_E_INVAL naming the three
 * otherwise (NULL included). */
enum ordo_code ordo_llm_format_parse(const char *name, enum ordo_llm_format *out,
                                     struct ordo_err *err);
const char *ordo_llm_format_name(enum ordo_llm_format fmt);
const char *ordo_llm_default_url(enum ordo_llm_format fmt);

/* True when the base URL 'url' (NULL or "": the default of 'provider') names
 * "localhost", a name under .localhost, or a loopback or private IP literal
 * (127.0.0.0/8, 10/8, 172.16/12, 192.168/16, ::1, fc00::/7): a local model
 * that a person configured, for which callers may set allow_loopback.
 * Names are not resolved: a name of a private host is not local here. */
bool ordo_llm_url_is_local(const char *provider, const char *url);

struct ordo_llm_config {
    const char *provider; /* "openai", "anthropic" or "ollama" */
    const char *url;      /* base URL; NULL or "": the provider's default */
    const char *model;    /* required */
    const char *api_key;  /* NULL or "": none sent */
    int64_t timeout_ms;   /* one call, retries and waits included; 0: default */
    int retries;          /* more attempts on 429/5xx/transport; 0: default, <0: none */
    int64_t max_tokens;   /* completion tokens asked for (anthropic); 0: default */
    bool allow_loopback;  /* http:// and private addresses (local models) */
};

struct ordo_llm; /* opaque */

/* A client for 'cfg' (copied) in '*out', set only on ORDO_OK. ORDO_E_INVAL
 * for an unknown provider, a missing model, a URL that is not http(s) (or
 * http:// without allow_loopback). A missing key is the provider's to
 * refuse (401): local servers need none. */
enum ordo_code ordo_llm_new(const struct ordo_llm_config *cfg, struct ordo_llm **out,
                            struct ordo_err *err);
void ordo_llm_free(struct ordo_llm *llm); /* NULL is a no-op */

/* The endpoint the client posts to ("https://api.openai.com/v1/chat/completions"). */
const char *ordo_llm_endpoint(const struct ordo_llm *llm);

struct ordo_llm_message {
    const char *role; /* "system", "user" or "assistant" */
    const char *content;
};

struct ordo_llm_answer {
    json_t *ir;            /* the object, on ORDO_OK */
    char *text;            /* what the model wrote, when it answered */
    int64_t prompt_tokens; /* as the provider counted them; 0 if not told */
    int64_t completion_tokens;
    int attempts;         /* HTTP requests made */
    size_t request_bytes; /* size of the request body */
};

/* One call: 'msgs' ('n' >= 1, at least one not "system") and 'schema' (the
 * JSON Schema the answer must follow). '*ans' is zeroed first. See above for
 * the codes. */
enum ordo_code ordo_llm_call(struct ordo_llm *llm, const struct ordo_llm_message *msgs, size_t n,
                             const json_t *schema, struct ordo_llm_answer *ans,
                             struct ordo_err *err);

void ordo_llm_answer_cleanup(struct ordo_llm_answer *ans); /* zeroes it */

#endif
