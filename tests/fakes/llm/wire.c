/*
 * tests/fakes/llm/wire.c - what the real LLM APIs demand of a request, and how they answer.
 *
 * The checks are the ones a client of these APIs gets wrong in practice (the reference page
 * on LLM APIs, §2-4): OpenAI refuses unknown parameters and, under strict json_schema, any
 * object without "additionalProperties": false or with a property missing from "required",
 * a "default", an "anyOf" at the root, and more than 5 levels of nested objects; Anthropic
 * needs max_tokens, the anthropic-version header, only user and assistant roles (the system
 * prompt is a top-level field), a first user message, and a tool_choice naming a tool;
 * Ollama needs a model and a format that is "json" or a schema. The messages are the real
 * APIs' own words where they are known.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fakes/llm/fake_llm.h"

#define STRICT_MAX_DEPTH 5

static const char *const provider_names[] = {"openai", "anthropic", "ollama"};
static const char *const provider_paths[] = {"/v1/chat/completions", "/v1/messages", "/api/chat"};

const char *ordo_fakellm_provider_name(enum fake_llm_provider p)
{
    return provider_names[p];
}

bool ordo_fakellm_route(const char *path, enum fake_llm_provider *out)
{
    for (int i = 0; i < 3; i++) {
        if (strcmp(path, provider_paths[i]) == 0) {
            *out = (enum fake_llm_provider)i;
            return true;
        }
    }
    return false;
}

static void refuse(struct fake_llm_check *chk, unsigned status, const char *msg)
{
    if (!chk->status) {
        chk->status = status;
        (void)snprintf(chk->msg, sizeof chk->msg, "%s", msg);
    }
}

static bool is_one_of(const char *s, const char *const *list)
{
    for (; s && *list; list++) {
        if (strcmp(s, *list) == 0) {
            return true;
        }
    }
    return false;
}

static bool name_ok(const char *name)
{
    size_t len = name ? strlen(name) : 0;

    if (len == 0 || len > 64) {
        return false;
    }
    return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == len;
}

void ordo_fakellm_check_auth(enum fake_llm_provider p, const char *authorization,
                             const char *x_api_key, const char *want, struct fake_llm_check *chk)
{
    const char *key = NULL;

    if (p == FAKE_LLM_OPENAI) {
        key = authorization && strncmp(authorization, "Bearer ", 7) == 0 ? authorization + 7 : NULL;
        if (!key || !*key) {
            refuse(chk, 401,
                   "You didn't provide an API key. You need to provide your API key in an "
                   "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).");
            return;
        }
    } else if (p == FAKE_LLM_ANTHROPIC) {
        key = x_api_key;
        if (!key || !*key) {
            refuse(chk, 401, "x-api-key header is required");
            return;
        }
    } else {
        key = authorization && strncmp(authorization, "Bearer ", 7) == 0 ? authorization + 7 : NULL;
        if (!want) {
            return;
        }
    }
    if (want && (!key || strcmp(key, want) != 0)) {
        refuse(chk, 401, "invalid x-api-key or API key");
    }
}

/* Every member of 'obj' must be in 'allowed'; the first that is not is refused. */
static void known_keys(const json_t *obj, const char *const *allowed, const char *before,
                       const char *after, struct fake_llm_check *chk)
{
    const char *key;
    const json_t *v;
    char msg[200];

    json_object_foreach((json_t *)obj, key, v)
    {
        if (!is_one_of(key, allowed)) {
            (void)snprintf(msg, sizeof msg, "%s%s%s", before, key, after);
            refuse(chk, 400, msg);
            return;
        }
    }
}

/* Messages: a non-empty array of {role, content} with roles from 'roles'; a wrong role is
 * refused with the message 'before' ROLE 'after'. */
static void check_messages(const json_t *msgs, const char *const *roles, const char *before,
                           const char *after, struct fake_llm_check *chk)
{
    size_t i;
    const json_t *m;
    char msg[240];

    if (!json_is_array(msgs) || json_array_size(msgs) == 0) {
        refuse(chk, 400, "messages: at least one message is required");
        return;
    }
    json_array_foreach(msgs, i, m)
    {
        const char *role = json_string_value(json_object_get(m, "role"));
        const json_t *content = json_object_get(m, "content");

        if (!is_one_of(role, roles)) {
            (void)snprintf(msg, sizeof msg, "%s%s%s", before, role ? role : "(none)", after);
            refuse(chk, 400, msg);
            return;
        }
        if (!json_is_string(content) && !json_is_array(content)) {
            (void)snprintf(msg, sizeof msg, "messages.%zu.content: Input should be a string", i);
            refuse(chk, 400, msg);
            return;
        }
    }
}

/* ---- OpenAI strict schemas ------------------------------------------------------------------- */

static void strict_node(const json_t *s, int depth, const char *path, struct fake_llm_check *chk);

static bool has_type(const json_t *s, const char *type)
{
    const json_t *t = json_object_get(s, "type");
    size_t i;
    const json_t *v;

    if (json_is_string(t)) {
        return strcmp(json_string_value(t), type) == 0;
    }
    json_array_foreach(t, i, v)
    {
        if (json_is_string(v) && strcmp(json_string_value(v), type) == 0) {
            return true;
        }
    }
    return false;
}

static void strict_children(const json_t *s, int depth, const char *path,
                            struct fake_llm_check *chk)
{
    const char *key;
    const json_t *v;
    size_t i;
    char sub[512];

    json_object_foreach((json_t *)json_object_get(s, "properties"), key, v)
    {
        (void)snprintf(sub, sizeof sub, "%s.properties.%s", path, key);
        strict_node(v, depth, sub, chk);
    }
    json_object_foreach((json_t *)json_object_get(s, "$defs"), key, v)
    {
        (void)snprintf(sub, sizeof sub, "%s.$defs.%s", path, key);
        strict_node(v, 0, sub, chk);
    }
    json_array_foreach(json_object_get(s, "anyOf"), i, v)
    {
        (void)snprintf(sub, sizeof sub, "%s.anyOf.%zu", path, i);
        strict_node(v, depth, sub, chk);
    }
    if (json_object_get(s, "items")) {
        (void)snprintf(sub, sizeof sub, "%s.items", path);
        strict_node(json_object_get(s, "items"), depth, sub, chk);
    }
}

/* Every property listed in "required". */
static void strict_required(const json_t *s, const char *path, struct fake_llm_check *chk)
{
    const json_t *req = json_object_get(s, "required");
    const char *key;
    const json_t *v;
    char msg[240];

    json_object_foreach((json_t *)json_object_get(s, "properties"), key, v)
    {
        bool found = false;
        size_t i;
        const json_t *r;

        json_array_foreach(req, i, r)
        {
            found = found || (json_is_string(r) && strcmp(json_string_value(r), key) == 0);
        }
        if (!found) {
            (void)snprintf(msg, sizeof msg,
                           "Invalid schema for response_format 'process_ir': In context=%s, "
                           "'required' is required to be supplied and to be an array including "
                           "every key in properties. Missing '%s'.",
                           path, key);
            refuse(chk, 400, msg);
            return;
        }
    }
}

static void strict_node(const json_t *s, int depth, const char *path, struct fake_llm_check *chk)
{
    char msg[240];

    if (chk->status || !json_is_object(s)) {
        return;
    }
    if (json_object_get(s, "default")) {
        (void)snprintf(msg, sizeof msg,
                       "Invalid schema for response_format 'process_ir': In context=%s, "
                       "'default' is not permitted.",
                       path);
        refuse(chk, 400, msg);
        return;
    }
    if (has_type(s, "object") || json_object_get(s, "properties")) {
        if (++depth > STRICT_MAX_DEPTH) {
            (void)snprintf(msg, sizeof msg,
                           "Invalid schema for response_format 'process_ir': %s: %d levels of "
                           "nesting exceeds limit of %d",
                           path, depth, STRICT_MAX_DEPTH);
            refuse(chk, 400, msg);
            return;
        }
        if (!json_is_false(json_object_get(s, "additionalProperties"))) {
            (void)snprintf(msg, sizeof msg,
                           "Invalid schema for response_format 'process_ir': In context=%s, "
                           "'additionalProperties' is required to be supplied and to be false.",
                           path);
            refuse(chk, 400, msg);
            return;
        }
        strict_required(s, path, chk);
    }
    strict_children(s, depth, path, chk);
}

static void check_response_format(const json_t *rf, struct fake_llm_check *chk)
{
    static const char *const types[] = {"text", "json_object", "json_schema", NULL};
    const char *type = json_string_value(json_object_get(rf, "type"));
    const json_t *js = json_object_get(rf, "json_schema");
    const json_t *schema = json_object_get(js, "schema");

    if (!rf || chk->status) {
        return;
    }
    if (!is_one_of(type, types)) {
        refuse(chk, 400,
               "Invalid value for 'response_format.type': expected one of 'text', "
               "'json_object' or 'json_schema'.");
        return;
    }
    if (strcmp(type, "json_schema") != 0) {
        return;
    }
    if (!name_ok(json_string_value(json_object_get(js, "name")))) {
        refuse(chk, 400, "Missing or invalid 'response_format.json_schema.name'.");
        return;
    }
    if (!json_is_object(schema)) {
        refuse(chk, 400,
               "Invalid type for 'response_format.json_schema.schema': expected an "
               "object.");
        return;
    }
    if (json_is_true(json_object_get(js, "strict"))) {
        if (!has_type(schema, "object") || json_object_get(schema, "anyOf")) {
            refuse(chk, 400,
                   "Invalid schema for response_format 'process_ir': schema must be a "
                   "JSON Schema of 'type: \"object\"', got 'type: \"None\"'.");
            return;
        }
        strict_node(schema, 0, "(root)", chk);
    }
}

static void check_openai(const json_t *body, struct fake_llm_check *chk)
{
    static const char *const keys[] = {"model",
                                       "messages",
                                       "response_format",
                                       "temperature",
                                       "max_tokens",
                                       "max_completion_tokens",
                                       "top_p",
                                       "n",
                                       "stream",
                                       "stop",
                                       "seed",
                                       "tools",
                                       "tool_choice",
                                       "parallel_tool_calls",
                                       "user",
                                       "frequency_penalty",
                                       "presence_penalty",
                                       "logprobs",
                                       NULL};
    static const char *const roles[] = {"system", "developer", "user", "assistant", "tool", NULL};
    const char *model = json_string_value(json_object_get(body, "model"));

    known_keys(body, keys, "Unrecognized request argument supplied: ", "", chk);
    if (!model || !*model) {
        refuse(chk, 400, "you must provide a model parameter");
    }
    check_messages(json_object_get(body, "messages"), roles, "Invalid value: '",
                   "'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', "
                   "and 'developer'.",
                   chk);
    check_response_format(json_object_get(body, "response_format"), chk);
}

/* ---- Anthropic ------------------------------------------------------------------------------- */

static void check_tools(const json_t *tools, const json_t *choice, struct fake_llm_check *chk)
{
    const char *ctype = json_string_value(json_object_get(choice, "type"));
    const char *cname = json_string_value(json_object_get(choice, "name"));
    static const char *const ctypes[] = {"auto", "any", "tool", "none", NULL};
    bool named = false;
    size_t i;
    const json_t *t;

    json_array_foreach(tools, i, t)
    {
        const json_t *schema = json_object_get(t, "input_schema");
        const char *name = json_string_value(json_object_get(t, "name"));

        if (!name_ok(name)) {
            refuse(chk, 400,
                   "tools.0.custom.name: String should match pattern "
                   "'^[a-zA-Z0-9_-]{1,64}$'");
        }
        if (!json_is_object(schema) || !has_type(schema, "object")) {
            refuse(chk, 400, "tools.0.custom.input_schema.type: Field required");
        }
        named = named || (name && cname && strcmp(name, cname) == 0);
    }
    if (choice && !is_one_of(ctype, ctypes)) {
        refuse(chk, 400, "tool_choice.type: Input tag does not match any of the expected tags");
    }
    if (ctype && strcmp(ctype, "tool") == 0 && !named) {
        refuse(chk, 400, "tool_choice: the named tool is not in tools");
    }
}

static void check_anthropic(const json_t *body, const char *version, struct fake_llm_check *chk)
{
    static const char *const keys[] = {
        "model", "max_tokens", "messages",       "system", "tools",    "tool_choice", "temperature",
        "top_p", "top_k",      "stop_sequences", "stream", "metadata", "thinking",    NULL};
    static const char *const roles[] = {"user", "assistant", NULL};
    const json_t *max = json_object_get(body, "max_tokens");
    const json_t *msgs = json_object_get(body, "messages");
    const json_t *system = json_object_get(body, "system");

    if (!version) {
        refuse(chk, 400, "anthropic-version: header is required");
    }
    known_keys(body, keys, "", ": Extra inputs are not permitted", chk);
    if (!json_is_string(json_object_get(body, "model"))) {
        refuse(chk, 400, "model: Field required");
    }
    if (!json_is_integer(max) || json_integer_value(max) < 1) {
        refuse(chk, 400, "max_tokens: Field required");
    }
    if (system && !json_is_string(system) && !json_is_array(system)) {
        refuse(chk, 400, "system: Input should be a valid string");
    }
    check_messages(msgs, roles, "messages: Unexpected role \"",
                   "\". The Messages API accepts a top-level `system` parameter, not \"system\" "
                   "as an input message role.",
                   chk);
    if (!chk->status &&
        strcmp(json_string_value(json_object_get(json_array_get(msgs, 0), "role")), "user") != 0) {
        refuse(chk, 400, "messages: first message must use the \"user\" role");
    }
    check_tools(json_object_get(body, "tools"), json_object_get(body, "tool_choice"), chk);
}

/* ---- Ollama ---------------------------------------------------------------------------------- */

static void check_ollama(const json_t *body, struct fake_llm_check *chk)
{
    static const char *const roles[] = {"system", "user", "assistant", "tool", NULL};
    const json_t *format = json_object_get(body, "format");
    const char *model = json_string_value(json_object_get(body, "model"));

    if (!model || !*model) {
        refuse(chk, 400, "model is required");
    }
    check_messages(json_object_get(body, "messages"), roles, "invalid role: ", "", chk);
    if (format && !json_is_object(format) &&
        !(json_is_string(format) && strcmp(json_string_value(format), "json") == 0)) {
        refuse(chk, 400, "invalid format: expected \"json\" or a JSON schema");
    }
}

void ordo_fakellm_check_body(enum fake_llm_provider p, const json_t *body,
                             const char *anthropic_version, struct fake_llm_check *chk)
{
    if (p == FAKE_LLM_OPENAI) {
        check_openai(body, chk);
    } else if (p == FAKE_LLM_ANTHROPIC) {
        check_anthropic(body, anthropic_version, chk);
    } else {
        check_ollama(body, chk);
    }
}

/* ---- answers --------------------------------------------------------------------------------- */

static json_t *wrap_openai(const struct fake_llm_reply *r)
{
    const char *refusal = json_string_value(json_object_get(r->item, "refusal"));
    bool cut = json_is_true(json_object_get(r->item, "truncated"));
    json_t *msg = json_pack("{s:s, s:s?, s:s?}", "role", "assistant", "content",
                            refusal ? NULL : r->text, "refusal", refusal);
    char id[64];

    (void)snprintf(id, sizeof id, "chatcmpl-fake-%ld", r->seq);
    return json_pack("{s:s, s:s, s:i, s:O, s:[{s:i, s:o, s:s}], s:{s:I, s:I, s:I}}", "id", id,
                     "object", "chat.completion", "created", 1700000000, "model",
                     json_object_get(r->request, "model"), "choices", "index", 0, "message", msg,
                     "finish_reason", cut ? "length" : "stop", "usage", "prompt_tokens",
                     r->usage.prompt, "completion_tokens", r->usage.completion, "total_tokens",
                     r->usage.prompt + r->usage.completion);
}

/* The name of the tool the request forces, else its first tool's. */
static const char *forced_tool(const json_t *req)
{
    const char *name =
        json_string_value(json_object_get(json_object_get(req, "tool_choice"), "name"));

    return name ? name
                : json_string_value(
                      json_object_get(json_array_get(json_object_get(req, "tools"), 0), "name"));
}

static json_t *wrap_anthropic(const struct fake_llm_reply *r)
{
    const json_t *ir = json_object_get(r->item, "ir");
    const char *refusal = json_string_value(json_object_get(r->item, "refusal"));
    const char *tool = forced_tool(r->request);
    bool cut = json_is_true(json_object_get(r->item, "truncated"));
    const char *stop = refusal      ? "refusal"
                       : cut        ? "max_tokens"
                       : ir && tool ? "tool_use"
                                    : "end_turn";
    json_t *block;
    char id[64];
    char tid[64];

    (void)snprintf(id, sizeof id, "msg_fake_%ld", r->seq);
    (void)snprintf(tid, sizeof tid, "toolu_fake_%ld", r->seq);
    if (ir && tool && !refusal && !cut) {
        block = json_pack("{s:s, s:s, s:s, s:O}", "type", "tool_use", "id", tid, "name", tool,
                          "input", ir);
    } else {
        block = json_pack("{s:s, s:s}", "type", "text", "text", refusal ? refusal : r->text);
    }
    return json_pack("{s:s, s:s, s:s, s:O, s:[o], s:s, s:n, s:{s:I, s:I}}", "id", id, "type",
                     "message", "role", "assistant", "model", json_object_get(r->request, "model"),
                     "content", block, "stop_reason", stop, "stop_sequence", "usage",
                     "input_tokens", r->usage.prompt, "output_tokens", r->usage.completion);
}

static json_t *wrap_ollama(const struct fake_llm_reply *r)
{
    const char *refusal = json_string_value(json_object_get(r->item, "refusal"));
    bool cut = json_is_true(json_object_get(r->item, "truncated"));

    return json_pack("{s:O, s:s, s:{s:s, s:s}, s:b, s:s, s:I, s:I}", "model",
                     json_object_get(r->request, "model"), "created_at",
                     "2026-01-01T00:00:00.000000Z", "message", "role", "assistant", "content",
                     refusal ? refusal : r->text, "done", 1, "done_reason", cut ? "length" : "stop",
                     "prompt_eval_count", r->usage.prompt, "eval_count", r->usage.completion);
}

json_t *ordo_fakellm_wrap(enum fake_llm_provider p, const struct fake_llm_reply *reply)
{
    json_t *out = p == FAKE_LLM_OPENAI      ? wrap_openai(reply)
                  : p == FAKE_LLM_ANTHROPIC ? wrap_anthropic(reply)
                                            : wrap_ollama(reply);

    if (!out) {
        abort(); /* a json_pack format above is wrong: a bug in the fake */
    }
    return out;
}

char *ordo_fakellm_ollama_ndjson(const struct fake_llm_reply *reply)
{
    json_t *first =
        json_pack("{s:O, s:{s:s, s:s}, s:b}", "model", json_object_get(reply->request, "model"),
                  "message", "role", "assistant", "content", reply->text, "done", 0);
    json_t *last = ordo_fakellm_wrap(FAKE_LLM_OLLAMA, reply);
    char *a;
    char *b;
    char *out;
    size_t len;

    (void)json_object_set_new(json_object_get(last, "message"), "content", json_string(""));
    a = json_dumps(first, JSON_COMPACT);
    b = json_dumps(last, JSON_COMPACT);
    len = strlen(a) + strlen(b) + 3;
    out = malloc(len);
    if (!out) {
        abort();
    }
    (void)snprintf(out, len, "%s\n%s\n", a, b);
    free(a);
    free(b);
    json_decref(first);
    json_decref(last);
    return out;
}
