/*
 * integrations/common/conn.h - the toolkit of the bundled connectors: one
 * call's parsed input, credential and HTTP plumbing on top of the SDK
 * (include/ordo/connector.h).
 *
 * A connector stores the host's function table as its state with
 * ordo_conn_init() (the SDK hands it only to 'init'), and writes each
 * action as a step run by ordo_conn_run():
 *
 *   static enum ordo_connector_result get_user(struct ordo_conn *c)
 *   {
 *       const char *url = ordo_conn_printf(c, "%s/users/%s", c->base,
 *                                          ordo_conn_enc(c, ordo_conn_str(c->input, "user")));
 *       enum ordo_connector_result rc = ordo_conn_send(c, "GET", url, NULL);
 *       ...
 *       return ordo_conn_ok(c->out, output);
 *   }
 *   static enum ordo_connector_result get_user_cb(const struct ordo_connector_call *call,
 *                                                 struct ordo_connector_outcome *out)
 *   {
 *       return ordo_conn_run(call, out, setup, get_user);
 *   }
 *
 * Every request carries the connector's fixed headers (credential, Accept,
 * User-Agent) and "X-Ordo-Idempotency-Key: <job key>" (CONTRACTS §10):
 * providers ignore it, and the sandbox's fakes record it so tests can see
 * that a retry repeats the key.
 *
 * Results follow the SDK: a non-OK result of the host's 'http' has filled
 * the outcome already and is returned as it is. Messages are one lower-case
 * sentence without secrets: "could not create the Jira issue: HTTP 400:
 * summary: Field is required".
 *
 * Memory: strings made for a call (ordo_conn_printf, ordo_conn_enc,
 * ordo_conn_keep) live until ordo_conn_end(); the JSON of input, config and
 * secret belongs to the conn; the last response is borrowed from the host
 * and valid until the next request.
 *
 * Thread safety: a conn belongs to one call; the functions keep no state.
 */
#ifndef ORDO_INTEGRATIONS_COMMON_CONN_H
#define ORDO_INTEGRATIONS_COMMON_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "ordo/connector.h"

#define ORDO_CONN_MAX_HEADERS 16u

/* JSON written as it reads, for schemas: ORDO_CONN_JSON({"type": "object"})
 * is the string "{\"type\": \"object\"}". The operand of '#' is not
 * macro-expanded, so true and false stay words even with <stdbool.h> (and
 * a macro used inside stays its name: write the JSON out). Whitespace
 * between tokens becomes one space; avoid backslashes in the strings. */
#define ORDO_CONN_JSON(...) #__VA_ARGS__

struct ordo_conn {
    const struct ordo_connector_call *call;
    const struct ordo_connector_host *host; /* from the plugin's state (ordo_conn_init) */
    struct ordo_connector_outcome *out;
    json_t *input;    /* the call's input object, owned; never NULL once begun */
    json_t *config;   /* the credential's configuration, owned; {} when none */
    json_t *secret;   /* the credential's secret fields, owned; {} when none */
    const char *base; /* the service's base URL without a trailing '/', set by a setup step */
    struct ordo_connector_http_header headers[ORDO_CONN_MAX_HEADERS];
    size_t nheaders;
    struct ordo_connector_http_response resp; /* the last answer (borrowed from the host) */
    void **kept;                              /* freed by ordo_conn_end() */
    size_t nkept;
    size_t capkept;
};

typedef enum ordo_connector_result ordo_conn_step_fn(struct ordo_conn *c);

/* Define 'static ... STEP_cb(call, out)', the SDK's invoke function that
 * runs SETUP then STEP with ordo_conn_run(). */
#define ORDO_CONN_INVOKE(setup, step)                                                   \
    static enum ordo_connector_result step##_cb(const struct ordo_connector_call *call, \
                                                struct ordo_connector_outcome *out)     \
    {                                                                                   \
        return ordo_conn_run(call, out, setup, step);                                   \
    }

/* The 'init' of every bundled connector: checks the host's ABI and size
 * and stores the host's function table as the plugin state. */
int ordo_conn_init(const struct ordo_connector_host *host, void **state, char *error,
                   size_t error_size);

/* Parse the call (FAIL when input, config or secret is not a JSON object),
 * then run 'setup' (credential, base URL; may be NULL) and 'step', and
 * release everything. The usual body of an action's 'invoke'. */
enum ordo_connector_result ordo_conn_run(const struct ordo_connector_call *call,
                                         struct ordo_connector_outcome *out,
                                         ordo_conn_step_fn *setup, ordo_conn_step_fn *step);

/* The two halves of ordo_conn_run() for callers that need them apart.
 * ordo_conn_end() is safe after a failed begin. */
enum ordo_connector_result ordo_conn_begin(struct ordo_conn *c,
                                           const struct ordo_connector_call *call,
                                           struct ordo_connector_outcome *out);
void ordo_conn_end(struct ordo_conn *c);

/* Outcomes. ordo_conn_ok() takes 'output' (a JSON object, or NULL for no
 * variables) and turns it into the outcome's malloc()ed text; the others
 * write the message and return their result. */
enum ordo_connector_result ordo_conn_ok(struct ordo_connector_outcome *out, json_t *output);
enum ordo_connector_result ordo_conn_fail(struct ordo_connector_outcome *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
enum ordo_connector_result ordo_conn_retry(struct ordo_connector_outcome *out,
                                           int64_t retry_after_ms, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
enum ordo_connector_result ordo_conn_bpmn_error(struct ordo_connector_outcome *out,
                                                const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* 'v' (any JSON value) as compact text in a malloc()ed string and its
 * length in '*len'; aborts when it cannot be encoded (only an invalid
 * value, such as a NaN real, cannot). */
char *ordo_conn_dump(const json_t *v, size_t *len);

/* Reading input, config and secret. ordo_conn_str() answers NULL for an
 * absent, null, empty or non-string member; the others answer 'def' when
 * the member is absent or null. */
const char *ordo_conn_str(const json_t *obj, const char *key);
const char *ordo_conn_str_or(const json_t *obj, const char *key, const char *def);
bool ordo_conn_bool(const json_t *obj, const char *key, bool def);
int64_t ordo_conn_int(const json_t *obj, const char *key, int64_t def);

/* Building JSON. ordo_conn_opt_str() adds 'value' only when it is not NULL
 * (request bodies leave absent fields out); ordo_conn_out_str() adds it or
 * null, and ordo_conn_out_member() adds src[skey] (a shared reference) or
 * null (outputs keep every documented variable, so a process can test
 * it). */
void ordo_conn_opt_str(json_t *obj, const char *key, const char *value);
void ordo_conn_out_str(json_t *obj, const char *key, const char *value);
void ordo_conn_out_member(json_t *dst, const char *key, const json_t *src, const char *skey);

/* Strings that live until ordo_conn_end(). */
const char *ordo_conn_keep(struct ordo_conn *c, char *s); /* takes 's' (malloc()ed) */
const char *ordo_conn_printf(struct ordo_conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
const char *ordo_conn_enc(struct ordo_conn *c, const char *s); /* percent-encoded */
/* A comma-separated list ("a, b") as "a,b" with each item percent-encoded
 * and the commas kept, for query values such as fields=...; "" when empty. */
const char *ordo_conn_enc_list(struct ordo_conn *c, const char *list);

/* The configuration's "base_url" when set, else 'def' (NULL: none); the
 * trailing '/' is dropped. Sets and returns c->base. */
const char *ordo_conn_base_url(struct ordo_conn *c, const char *def);

/* Add a header to every request of the call ('name' and 'value' must live
 * until ordo_conn_end(): literals or kept strings). */
void ordo_conn_header(struct ordo_conn *c, const char *name, const char *value);
void ordo_conn_bearer(struct ordo_conn *c, const char *token);
void ordo_conn_basic(struct ordo_conn *c, const char *user, const char *password);

/* One request with the call's headers. 'body' (NULL: none) is sent as
 * compact JSON with "Content-Type: application/json; charset=utf-8". The
 * answer is in c->resp (any status) when the result is OK. */
enum ordo_connector_result ordo_conn_send(struct ordo_conn *c, const char *method, const char *url,
                                          const json_t *body);

/* One request as it is (no headers added): for callers that build their
 * own header list. The answer is in c->resp when the result is OK. */
enum ordo_connector_result ordo_conn_request(struct ordo_conn *c,
                                             const struct ordo_connector_http_request *req);

/* A header of the last answer, or NULL. */
const char *ordo_conn_resp_header(struct ordo_conn *c, const char *name);

/* Map the last answer's status: 2xx OK; 401/403 FAIL "could not <what>:
 * authentication failed (HTTP 401): check the credential"; 404 FAIL "could
 * not <what>: not found (HTTP 404)"; another 4xx FAIL with the provider's
 * message (ordo_conn_error_text); 5xx RETRY (with Retry-After when given);
 * anything else FAIL. 'what' is a verb phrase: "create the GitHub issue". */
enum ordo_connector_result ordo_conn_check(struct ordo_conn *c, const char *what);

/* The last answer as a new JSON object in '*doc', or FAIL "could not
 * <what>: the answer is not a JSON object (...)". */
enum ordo_connector_result ordo_conn_parse(struct ordo_conn *c, const char *what, json_t **doc);

/* Milliseconds to Retry-After of the last answer (seconds or an HTTP
 * date is not parsed: 0 then), for answers the host let through. */
int64_t ordo_conn_retry_after_ms(struct ordo_conn *c);

/* True while at least 'margin_ms' remain before the call's deadline (a
 * deadline of 0 means none). Pagination loops stop when it turns false. */
bool ordo_conn_time_left(const struct ordo_conn *c, int64_t margin_ms);

/* The first object of 'array' whose string member 'member' equals 'name',
 * ignoring ASCII case (a Slack channel, a Jira transition), or NULL. */
const json_t *ordo_conn_find_named(const json_t *array, const char *member, const char *name);

#endif
