/*
 * tests/fakes/sandbox.h - the inside of ordo-sandbox: stand-ins for Slack, Jira Cloud, GitHub
 * and BambooHR on one loopback port (docs/sandbox.md).
 *
 * One request goes like this (sandbox.c): libmicrohttpd hands over the raw URI, the headers and
 * the body (at most ORDO_SANDBOX_MAX_BODY bytes, else 413); the path prefix names the service;
 * under the one state mutex the service checks the credential (auth_fn), an injected fault may
 * answer instead (fault_fn), else the service answers (handle_fn), and the call is recorded.
 * Services never call libmicrohttpd: they read the request and fill the reply through the
 * functions below, with memory from the request's arena.
 *
 * The state is one jansson document (the seed of state.c, merged with --state FILE.json);
 * handlers read and change their service's part of it in place. Everything a handler touches
 * is guarded by the mutex of sandbox.c, so handlers need no locks of their own.
 *
 * Input from clients is untrusted, and so is the state file's content: handlers must not assume
 * a member exists or has a type (jansson's getters take NULL; ordo_streq() compares NULLs).
 */
#ifndef ORDO_TESTS_FAKES_SANDBOX_H
#define ORDO_TESTS_FAKES_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/arena.h"

#define ORDO_SANDBOX_MAX_BODY    ((size_t)1024 * 1024) /* larger request bodies: 413 */
#define ORDO_SANDBOX_RECORD_BODY ((size_t)64 * 1024)   /* recorded bodies are cut here */
#define ORDO_SANDBOX_MAX_CALLS   1000                  /* oldest recorded calls are dropped */
#define ORDO_SANDBOX_MAX_HEADERS 12
#define ORDO_SANDBOX_MAX_PARAMS  4

struct MHD_Connection;
struct ordo_sandbox_service;

struct ordo_sandbox_header {
    const char *name;
    const char *value;
};

/* An injected fault that fires on a call, as the service should render it. */
struct ordo_sandbox_fault {
    int64_t id;
    int status;      /* 0: no fault answer, only the delay */
    int retry_after; /* seconds; 0: no Retry-After header */
    int delay_ms;
    json_t *body; /* owned by the request; NULL: the service's own body for 'status' */
};

struct ordo_sandbox_req {
    struct ordo_arena *arena;
    struct MHD_Connection *conn;
    const char *base_url; /* "http://127.0.0.1:PORT", for self links */
    const char *method;
    const char *path;  /* decoded, without the query */
    const char *query; /* the raw query text after '?', or "" */
    const char *rel;   /* the path below the service's prefix: "/api/chat.postMessage" */
    const char *body;  /* NUL-terminated (may hold NULs), never NULL */
    size_t body_len;
    const char *params[ORDO_SANDBOX_MAX_PARAMS]; /* {} parts of the matched route */
    size_t nparams;
    const struct ordo_sandbox_service *svc; /* NULL: the control API or no service */
    bool too_big;                           /* the body is over ORDO_SANDBOX_MAX_BODY: 413 */
    bool faulted;                           /* 'fault' fired on this call */
    struct ordo_sandbox_fault fault;
    bool auth_ok;
    json_t *notes; /* protocol slips worth recording ("no Accept header"), strings */
    /* the reply */
    int status;
    const char *content_type; /* NULL: no Content-Type header */
    const char *resp;
    size_t resp_len;
    struct ordo_sandbox_header headers[ORDO_SANDBOX_MAX_HEADERS];
    size_t nheaders;
};

/* A service: 'prefix' is "/slack", 'state' the whole state document (credentials included).
 * 'auth' only decides whether the credential is right; 'handle' answers every call, refusals
 * included, in the service's own shapes and order of checks; 'fault' renders an injected
 * 'status' that came without a body of its own; 'finish' (may be NULL) adds what every answer
 * carries, such as GitHub's rate-limit headers. */
typedef bool ordo_sandbox_auth_fn(struct ordo_sandbox_req *req, json_t *state);
typedef void ordo_sandbox_handle_fn(struct ordo_sandbox_req *req, json_t *state);
typedef void ordo_sandbox_fault_fn(struct ordo_sandbox_req *req, int status);

struct ordo_sandbox_service {
    const char *name;   /* "slack" */
    const char *prefix; /* "/slack" */
    ordo_sandbox_auth_fn *auth;
    ordo_sandbox_handle_fn *handle;
    ordo_sandbox_fault_fn *fault;
    ordo_sandbox_handle_fn *finish;
};

extern const struct ordo_sandbox_service ordo_sandbox_slack;
extern const struct ordo_sandbox_service ordo_sandbox_jira;
extern const struct ordo_sandbox_service ordo_sandbox_github;
extern const struct ordo_sandbox_service ordo_sandbox_bamboohr;

/* ---- request and reply (sandbox.c) ----------------------------------------------------------- */

const char *ordo_sandbox_header(const struct ordo_sandbox_req *req, const char *name);
const char *ordo_sandbox_query(const struct ordo_sandbox_req *req, const char *name);

/* Every query parameter as an object of strings (the first of repeated names wins; names or
 * values that are not UTF-8 are left out), owned by the request. */
json_t *ordo_sandbox_query_object(struct ordo_sandbox_req *req);

/* The body parsed as JSON (any value), owned by the request; NULL when it is empty or not JSON
 * (at most 1 MiB and 64 levels deep). */
json_t *ordo_sandbox_body_json(struct ordo_sandbox_req *req);

/* True when Content-Type names 'type' ("application/json"), parameters aside. */
bool ordo_sandbox_content_type_is(const struct ordo_sandbox_req *req, const char *type);

/* Answer 'status' with 'json' (a reference is taken over; NULL: no body). */
void ordo_sandbox_reply_json(struct ordo_sandbox_req *req, int status, json_t *json);
/* Answer with 'text' (copied) of 'content_type' (NULL: none). */
void ordo_sandbox_reply_text(struct ordo_sandbox_req *req, int status, const char *content_type,
                             const char *text);
/* Add a response header (both copied); more than ORDO_SANDBOX_MAX_HEADERS are dropped. */
void ordo_sandbox_reply_header(struct ordo_sandbox_req *req, const char *name, const char *value);
void ordo_sandbox_note(struct ordo_sandbox_req *req, const char *note);

/* ---- routing within a service ---------------------------------------------------------------- */

struct ordo_sandbox_route {
    const char *method;  /* "GET" */
    const char *pattern; /* "/rest/api/3/issue/{}/transitions": {} is one path segment */
    ordo_sandbox_handle_fn *fn;
};

/* The row for 'path' and the request's method, with the {} segments in req->params; NULL when
 * none matches, and then '*wrong_method' tells whether the path matched with another method. */
const struct ordo_sandbox_route *ordo_sandbox_route(struct ordo_sandbox_req *req,
                                                    const struct ordo_sandbox_route *routes,
                                                    size_t nroutes, const char *path,
                                                    bool *wrong_method);

/* ---- helpers (util.c) ------------------------------------------------------------------------ */

/* The element of the array 'array' whose string member 'key' equals 'value', or NULL. */
json_t *ordo_sandbox_find(const json_t *array, const char *key, const char *value);

/* A string member, or NULL when missing or not a string. */
const char *ordo_sandbox_str(const json_t *obj, const char *key);

/* The integer member 'key' plus one, stored back; it starts at 'first' when missing. */
json_int_t ordo_sandbox_next(json_t *obj, const char *key, json_int_t first);

/* Standard base64 (RFC 4648 with padding), in 'arena'. Decoding answers NULL for anything that
 * is not base64; the result is NUL-terminated and '*len' (may be NULL) is its length. */
char *ordo_sandbox_base64(struct ordo_arena *arena, const char *data, size_t len);
char *ordo_sandbox_unbase64(struct ordo_arena *arena, const char *text, size_t *len);

/* application/x-www-form-urlencoded text as an object of strings (the first of repeated names
 * wins); NULL when a name or value is not UTF-8 after decoding. */
json_t *ordo_sandbox_form_parse(const char *text, size_t len);

/* A string of decimal digits that fits an int64 and is at least 'min': its value; else -1. */
int64_t ordo_sandbox_parse_count(const char *s, int64_t min);

/* Wall-clock times: "2026-11-25T10:30:00.000Z" (github: "2026-11-25T10:30:00Z"),
 * Jira's "2026-11-25T10:30:00.000+0000", BambooHR's "2026-11-25T10:30:00+00:00". */
enum ordo_sandbox_time {
    ORDO_SANDBOX_TIME_ISO,
    ORDO_SANDBOX_TIME_GITHUB,
    ORDO_SANDBOX_TIME_JIRA,
    ORDO_SANDBOX_TIME_BAMBOO,
};
char *ordo_sandbox_time(struct ordo_arena *arena, int64_t unix_ms, enum ordo_sandbox_time style);

/* An ISO 8601 date ("2026-11-25") or date-time ("2026-11-25T10:30:00Z", fractions and a
 * "+HH:MM"/"+HHMM" offset allowed) as milliseconds since 1970; false when it is neither. */
bool ordo_sandbox_parse_time(const char *text, int64_t *unix_ms);

/* ---- the sandbox: state, recorded calls, faults and the control API (control.c) ----------- */

struct ordo_sandbox;

/* Takes over the reference 'seed'; reset goes back to it. */
struct ordo_sandbox *ordo_sandbox_new(json_t *seed);
void ordo_sandbox_free(struct ordo_sandbox *sb); /* NULL is a no-op */

/* Once per request, when its headers (and body) are in: find the service, check the
 * credential and fire a matching fault. Returns the milliseconds to wait before
 * ordo_sandbox_answer() (a fault's delay_ms), else 0. Thread-safe. */
int ordo_sandbox_begin(struct ordo_sandbox *sb, struct ordo_sandbox_req *req);

/* Fill the reply: the control API, a service, a fault or a refusal; record service calls.
 * Thread-safe. */
void ordo_sandbox_answer(struct ordo_sandbox *sb, struct ordo_sandbox_req *req);

/* Run 'fn(state, arg)' under the sandbox's mutex: for a control route that must not hold it
 * throughout, such as one that waits on a request of its own. */
void ordo_sandbox_with_state(struct ordo_sandbox *sb, void (*fn)(json_t *state, void *arg),
                             void *arg);

/* ---- the BambooHR webhook sender (bamboohr_webhook.c) ---------------------------------------- */

#define ORDO_SANDBOX_BAMBOOHR_WEBHOOK "/_sandbox/bamboohr/webhook"

/* POST /_sandbox/bamboohr/webhook: POST a signed BambooHR webhook about one employee to a
 * loopback URL and answer with the receiver's status (docs/sandbox.md). Called WITHOUT the
 * mutex, which it takes only to copy the employee: it waits up to 10 s on the receiver, and a
 * receiver may call the sandbox meanwhile. Needs curl_global_init() done. */
void ordo_sandbox_bamboohr_webhook(struct ordo_sandbox *sb, struct ordo_sandbox_req *req);

/* ---- state (state.c) ------------------------------------------------------------------------- */

/* The built-in seed (time-relative values from 'now_ms'), merged with the JSON object in 'file'
 * when it is not NULL: objects merge member by member, anything else replaces. NULL, with the
 * reason in 'why' ('size' bytes), when the file cannot be read or its content does not have the
 * shape the services rely on. A new reference. */
json_t *ordo_sandbox_seed(const char *file, int64_t now_ms, char *why, size_t size);

#endif
