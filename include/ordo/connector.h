/*
 * include/ordo/connector.h - the Ordo connector SDK (CONTRACTS.md §8).
 *
 * The only header a connector plugin includes. It is self-contained: plain
 * C17 with <stddef.h> and <stdint.h>, no Ordo internals and no third-party
 * types. JSON crosses the boundary as UTF-8 text, so a plugin may use any
 * JSON library (the bundled connectors use jansson) and the host's library
 * never leaks into the ABI.
 *
 * A connector is a shared object that exports one symbol,
 * ORDO_CONNECTOR_SYMBOL, a 'struct ordo_connector' made with
 * ORDO_CONNECTOR_DEFINE. The host (plugins/ in the server) checks it when
 * it loads the file and refuses, with a message, a wrong magic or ABI, a
 * short struct, a missing name, action or function, an action id that is
 * not "<name>.<action>" (CONTRACTS §1) and a schema outside Ordo's JSON
 * Schema subset (CONTRACTS §11, plus opaque "object" and "array" values
 * for connector inputs). Loaded connectors are never unloaded while the
 * server runs.
 *
 * Calls. For each job of a service task bound to one of its actions the
 * host resolves the task's credential (ordo:credential), checks the input
 * against the action's input schema (a bad input never reaches the
 * plugin), and calls the action's 'invoke' on an executor thread. 'invoke'
 * runs concurrently for different jobs unless 'max_concurrency' is 1; it
 * must not sleep (the host turns a 429 into a RETRY with the server's
 * delay, and the job is rescheduled), and must finish by the call's
 * deadline. Calls are at least once: a retry after a timeout may repeat an
 * effect, so an action that creates something should use the idempotency
 * key (the job key, the same on every attempt) where the service offers
 * one, or treat "already exists" as success.
 *
 * All network I/O goes through the host's 'http' function: one client per
 * executor thread with the SSRF guard, timeouts, size caps, per-credential
 * rate limits and secret redaction in one place. A plugin opens no sockets.
 * The host's function table comes once, to 'init'; a plugin keeps it in its
 * state (call->state) and passes call->host, the calling worker's side, to
 * each function.
 *
 * Memory. Everything the host hands over (call fields, responses) is
 * borrowed and valid until 'invoke' returns (a response: until the next
 * 'http' call on the same call). The outcome's 'output' is the one thing
 * a plugin allocates for the host: malloc()ed JSON text, which the host
 * frees with free().
 *
 * ABI. Structs grow only at the end; each carries its size at build time,
 * so a newer host reads an older plugin. Removing or reordering a field
 * bumps ORDO_CONNECTOR_ABI, and a host refuses any other ABI.
 */
#ifndef ORDO_CONNECTOR_H
#define ORDO_CONNECTOR_H

#include <stddef.h>
#include <stdint.h>

#define ORDO_CONNECTOR_MAGIC  0x4f52444fu /* "ORDO" */
#define ORDO_CONNECTOR_ABI    1u
#define ORDO_CONNECTOR_SYMBOL "ordo_connector_entry"

enum ordo_connector_result {
    /* Done: 'output' (NULL: no variables) becomes the job's result. */
    ORDO_CONNECTOR_OK = 0,
    /* Transient (timeout, 429, 5xx): try again after 'retry_after_ms'
     * (0: the engine's backoff, CONTRACTS §10) while attempts last, then
     * an incident with 'message'. */
    ORDO_CONNECTOR_RETRY = 1,
    /* Cannot succeed as it is (bad credential, refused input, not
     * found): an incident with 'message' at once, no more attempts. */
    ORDO_CONNECTOR_FAIL = 2,
    /* A business outcome the process may catch: 'error_code' (one of the
     * action's 'bpmn_errors') and 'message'; uncaught it is an incident. */
    ORDO_CONNECTOR_BPMN_ERROR = 3,
};

#define ORDO_CONNECTOR_CODE_SIZE    64
#define ORDO_CONNECTOR_MESSAGE_SIZE 256

/* Filled by 'invoke' (and by the host's 'http' when it fails). Zeroed by
 * the host before each call. */
struct ordo_connector_outcome {
    char *output;           /* OK: a JSON object as text, malloc()ed; the host frees it */
    int64_t retry_after_ms; /* RETRY: the service's delay; 0: the default backoff */
    char error_code[ORDO_CONNECTOR_CODE_SIZE]; /* BPMN_ERROR */
    char message[ORDO_CONNECTOR_MESSAGE_SIZE]; /* a sentence, no secrets */
};

struct ordo_connector_host_ctx; /* the calling worker's side of the host: opaque */

/* One call of an action (or of 'test_credentials', with 'action' ""). */
struct ordo_connector_call {
    uint32_t size;               /* sizeof(struct ordo_connector_call) in the host */
    const char *action;          /* the action id, "slack.post_message" */
    const char *input;           /* a JSON object, valid against the input schema */
    const char *credential_name; /* "" when the task names none */
    const char *config;          /* the credential's configuration: JSON object ("{}": none) */
    const char *secret;          /* the credential's secret fields: JSON object ("{}": none) */
    const char *idempotency_key; /* the job key as decimal text, stable across attempts */
    uint32_t attempt;            /* 1 for the first */
    int64_t deadline_ms;         /* wall clock, ms since the epoch: be done by then */
    struct ordo_connector_host_ctx *host; /* pass to the host's functions */
    void *state;                          /* what 'init' stored */
};

struct ordo_connector_http_header {
    const char *name;
    const char *value;
};

struct ordo_connector_http_request {
    const char *method; /* "GET", "POST", "PUT", "PATCH", "DELETE" */
    const char *url;    /* http or https only */
    const struct ordo_connector_http_header *headers;
    size_t nheaders;
    const char *body; /* NULL: none */
    size_t body_len;
    uint32_t timeout_ms;    /* 0: until the call's deadline (never longer) */
    uint32_t max_redirects; /* 0: redirects are not followed; at most 5 */
};

struct ordo_connector_http_response {
    long status;      /* the final HTTP status */
    const char *body; /* NUL-terminated; 'body_len' bytes without the NUL */
    size_t body_len;
};

/* What the host offers a plugin, handed to 'init' and valid for the
 * plugin's lifetime. Functions are thread-safe. */
struct ordo_connector_host {
    uint32_t size; /* sizeof(struct ordo_connector_host) in the host */
    uint32_t abi;  /* ORDO_CONNECTOR_ABI of the host */
    /* Perform one request. OK: 'resp' holds the answer, whatever its
     * status, except that the host itself turns throttling (429, and 403
     * or 503 with Retry-After or an exhausted rate-limit header) into
     * RETRY with the server's delay and 502/504 into RETRY. RETRY also for
     * timeouts and network errors; FAIL for a blocked address (SSRF guard),
     * a bad URL or an oversized answer. On RETRY or FAIL, 'out' is filled
     * (message, retry_after_ms) and 'invoke' can return the result as it
     * is. */
    enum ordo_connector_result (*http)(struct ordo_connector_host_ctx *ctx,
                                       const struct ordo_connector_http_request *req,
                                       struct ordo_connector_http_response *resp,
                                       struct ordo_connector_outcome *out);
    /* A header of the last response (case-insensitive name), or NULL. */
    const char *(*http_header)(struct ordo_connector_host_ctx *ctx, const char *name);
    /* A log line under the plugin's name; secrets of the call are
     * redacted. Levels as in ORDO_CONNECTOR_LOG_*. */
    void (*log)(struct ordo_connector_host_ctx *ctx, int level, const char *message);
};

#define ORDO_CONNECTOR_LOG_DEBUG 0
#define ORDO_CONNECTOR_LOG_INFO  1
#define ORDO_CONNECTOR_LOG_WARN  2
#define ORDO_CONNECTOR_LOG_ERROR 3

typedef enum ordo_connector_result ordo_connector_invoke_fn(const struct ordo_connector_call *call,
                                                            struct ordo_connector_outcome *out);

struct ordo_connector_action {
    const char *id;                 /* "<connector>.<action>", CONTRACTS §1 */
    const char *title;              /* "Post a message" */
    const char *description;        /* one or two sentences, for people and the generator */
    const char *const *keywords;    /* NULL-terminated, or NULL */
    const char *input_schema;       /* JSON Schema (subset) of the input object */
    const char *output_schema;      /* JSON Schema of the output object (documentation) */
    const char *const *bpmn_errors; /* NULL-terminated codes it may raise, or NULL */
    uint32_t timeout_ms;            /* one attempt's budget; 0: 30 s */
    ordo_connector_invoke_fn *invoke;
};

struct ordo_connector {
    uint32_t magic;       /* ORDO_CONNECTOR_MAGIC */
    uint32_t abi;         /* ORDO_CONNECTOR_ABI the plugin was built against */
    uint32_t size;        /* sizeof(struct ordo_connector) at build time */
    uint32_t action_size; /* sizeof(struct ordo_connector_action) at build time */
    const char *name;     /* ^[a-z][a-z0-9_]*$, the part before the dot of its action ids */
    const char *version;  /* the plugin's own version */
    const char *title;    /* "Slack" */
    const char *description;
    const char *const *keywords; /* NULL-terminated, or NULL */
    /* The credential's non-secret configuration (Jira site, GitHub org)
     * and its secret fields (tokens), each a JSON Schema (subset) or NULL
     * when the connector takes none. */
    const char *config_schema;
    const char *credential_schema;
    /* Check a credential with one cheap call (call->action is ""). NULL:
     * the connector cannot test credentials. */
    ordo_connector_invoke_fn *test_credentials;
    const struct ordo_connector_action *actions;
    size_t nactions;
    uint32_t max_concurrency; /* 0: any; 1: calls are serialised */
    /* Once, at load: 0 and '*state' set, or non-zero with a message in
     * 'error'. NULL: no state. */
    int (*init)(const struct ordo_connector_host *host, void **state, char *error,
                size_t error_size);
    void (*fini)(void *state); /* at server exit; NULL: nothing to free */
};

#if defined(__GNUC__)
#define ORDO_CONNECTOR_EXPORT __attribute__((visibility("default")))
#else
#define ORDO_CONNECTOR_EXPORT
#endif

/* The plugin's one export: ORDO_CONNECTOR_DEFINE(.name = "slack", ...); */
#define ORDO_CONNECTOR_DEFINE(...)                                             \
    ORDO_CONNECTOR_EXPORT const struct ordo_connector ordo_connector_entry = { \
        .magic = ORDO_CONNECTOR_MAGIC,                                         \
        .abi = ORDO_CONNECTOR_ABI,                                             \
        .size = (uint32_t)sizeof(struct ordo_connector),                       \
        .action_size = (uint32_t)sizeof(struct ordo_connector_action),         \
        __VA_ARGS__}

#endif
