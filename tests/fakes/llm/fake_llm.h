/*
 * tests/fakes/llm/fake_llm.h - the wire side of ordo-fake-llm (fake_llm.c): which route is
 * which provider, the checks of a request's shape, and the provider's answer envelopes
 * (wire.c). Pure functions over JSON, no HTTP.
 */
#ifndef ORDO_TESTS_FAKE_LLM_H
#define ORDO_TESTS_FAKE_LLM_H

#include <stdbool.h>

#include <jansson.h>

enum fake_llm_provider {
    FAKE_LLM_OPENAI,
    FAKE_LLM_ANTHROPIC,
    FAKE_LLM_OLLAMA,
};

const char *ordo_fakellm_provider_name(enum fake_llm_provider p);

/* The provider whose API 'path' is; false for any other path. */
bool ordo_fakellm_route(const char *path, enum fake_llm_provider *out);

/* A refused request: 'status' 0 while the checks pass, else the status and message the
 * real API would answer. */
struct fake_llm_check {
    unsigned status;
    char msg[256];
};

/* The credentials: OpenAI wants "Authorization: Bearer KEY", Anthropic "x-api-key", Ollama
 * nothing; with 'want' set the key must be that one. */
void ordo_fakellm_check_auth(enum fake_llm_provider p, const char *authorization,
                             const char *x_api_key, const char *want, struct fake_llm_check *chk);

/* The body's shape (fake_llm.c checks it is an object first); 'anthropic_version' is the
 * header's value or NULL. */
void ordo_fakellm_check_body(enum fake_llm_provider p, const json_t *body,
                             const char *anthropic_version, struct fake_llm_check *chk);

struct fake_llm_usage {
    json_int_t prompt;
    json_int_t completion;
};

/* One answer: the script item, the request it answers, its number, the model's text. */
struct fake_llm_reply {
    const json_t *item;
    const json_t *request;
    long seq;
    char *text;
    struct fake_llm_usage usage;
};

/* The provider's 200 answer for 'reply', a new reference. */
json_t *ordo_fakellm_wrap(enum fake_llm_provider p, const struct fake_llm_reply *reply);

/* Ollama's streamed answer (NDJSON, a request without "stream": false), malloc'd. */
char *ordo_fakellm_ollama_ndjson(const struct fake_llm_reply *reply);

#endif
