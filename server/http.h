/*
 * server/http.h - the HTTP front door: libmicrohttpd with an internal
 * thread pool, a static routing table (server/route.h), request arenas,
 * limits, request ids, access logging and a graceful stop.
 *
 * A request goes through these gates, in this order, and the first that
 * refuses answers (CONTRACTS §4, §6):
 *   1. open routes (GET /livez, /readyz, POST /api/auth/login, ...) skip 2-3;
 *   2. authentication (ordo_http_auth_fn): 401, before any route parameter
 *      or body is looked at;
 *   3. the rate limit of the principal: 429 with Retry-After;
 *   4. the route: 404 unknown path, 405 known path with another method;
 *   5. the role table: 403;
 *   6. the body: 413 over the route's limit (from Content-Length before
 *      reading it, else while reading);
 *   7. the handler.
 * Handlers never call libmicrohttpd: they read the request and fill the
 * response through the functions below. A handler's memory comes from the
 * request's arena, freed when the response has been sent.
 *
 * Threads: handlers run on the pool's threads; the server object itself
 * is started and stopped by one thread.
 */
#ifndef ORDO_SERVER_HTTP_H
#define ORDO_SERVER_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"

struct ordo_http;
struct ordo_http_req;
struct ordo_route;
struct ordo_principal;

/* Who is asking: fills '*out' (in the request's arena) or returns
 * ORDO_E_UNAUTHENTICATED. 'authorization' and 'cookie' are the headers (or
 * NULL). */
typedef enum ordo_code ordo_http_auth_fn(void *ctx, struct ordo_http_req *req,
                                         const char *authorization, const char *cookie,
                                         const struct ordo_principal **out, struct ordo_err *err);

/* May 'who' call 'route'? */
typedef bool ordo_http_allow_fn(void *ctx, const struct ordo_principal *who,
                                const struct ordo_route *route);

/* Take one request of the principal's budget; false: over the limit, with
 * the seconds to wait in '*retry_after'. */
typedef bool ordo_http_limit_fn(void *ctx, const struct ordo_principal *who, int *retry_after);

/* Called once a request's headers are in and it passed authentication,
 * before any of its body is read: it may answer (an unknown webhook
 * endpoint: 404) or lower the body's limit with ordo_http_set_max_body (an
 * endpoint's own limit), so that an anonymous caller cannot make the server
 * hold the route's whole limit for a request that is refused anyway. */
typedef enum ordo_code ordo_http_preflight_fn(void *ctx, struct ordo_http_req *req,
                                              struct ordo_err *err);

struct ordo_http_options {
    const char *listen_addr; /* "127.0.0.1", "::1", "0.0.0.0" */
    int port;                /* 0: any free port (see ordo_http_port) */
    int threads;
    int max_connections;
    int max_per_ip;
    int timeout_s;
    int access_log_every;        /* log 1 in N successful requests; 0: none */
    const char *trusted_proxies; /* comma-separated addresses, or "" */
    const char *tls_cert_pem;    /* both or neither: HTTPS */
    const char *tls_key_pem;
    const struct ordo_route *routes;
    size_t nroutes;
    void *app; /* handed to handlers (ordo_http_app) and the hooks below */
    ordo_http_auth_fn *auth;
    ordo_http_allow_fn *allow;
    ordo_http_limit_fn *limit;
    ordo_http_preflight_fn *preflight; /* NULL: none */
};

enum ordo_code ordo_http_start(const struct ordo_http_options *opts, struct ordo_http **out,
                               struct ordo_err *err);

/* The port it listens on (useful with port 0). */
int ordo_http_port(const struct ordo_http *http);

/* Stop accepting, let requests in flight finish (at most 'grace_ms'), then
 * stop the threads and free everything. NULL is a no-op. */
void ordo_http_stop(struct ordo_http *http, int grace_ms);

/* Requests answered so far, by route index and status class (for /metrics):
 * calls 'fn' once per non-zero counter. */
typedef void ordo_http_count_fn(void *ctx, const struct ordo_route *route, int status,
                                uint64_t count);
void ordo_http_counts(const struct ordo_http *http, ordo_http_count_fn *fn, void *ctx);

/* ---- for handlers ---------------------------------------------------------------------------- */

struct ordo_arena *ordo_http_arena(struct ordo_http_req *req);
void *ordo_http_app(struct ordo_http_req *req);
const struct ordo_principal *ordo_http_who(const struct ordo_http_req *req);
const char *ordo_http_request_id(const struct ordo_http_req *req);
const char *ordo_http_client_ip(const struct ordo_http_req *req); /* after trusted proxies */
const char *ordo_http_method(const struct ordo_http_req *req);
const char *ordo_http_path(const struct ordo_http_req *req);
bool ordo_http_is_tls(const struct ordo_http_req *req); /* also X-Forwarded-Proto by a proxy */

/* A path parameter ({key} in the route's pattern), by its position. */
const char *ordo_http_param(const struct ordo_http_req *req, size_t i);
/* The same as a key (CONTRACTS §1: a decimal int64): ORDO_E_NOTFOUND when it
 * is not one, since no such resource can exist. */
enum ordo_code ordo_http_param_key(const struct ordo_http_req *req, size_t i, int64_t *key,
                                   struct ordo_err *err);

const char *ordo_http_query(const struct ordo_http_req *req, const char *name); /* or NULL */
/* ORDO_E_INVAL naming the first query parameter not in 'known' (NULL-terminated): a filter the
 * route does not apply must not pass unnoticed, or a list would answer more than was asked. */
enum ordo_code ordo_http_query_known(const struct ordo_http_req *req, const char *const *known,
                                     struct ordo_err *err);
const char *ordo_http_header(const struct ordo_http_req *req, const char *name); /* or NULL */

/* The raw body (NUL-terminated for convenience; may contain NULs). */
const char *ordo_http_body(const struct ordo_http_req *req, size_t *len);

/* The route the request matched. */
const struct ordo_route *ordo_http_route(const struct ordo_http_req *req);

/* Lower the limit on this request's body below its route's (only from the
 * preflight, before the body is read; a higher 'max' is ignored). */
void ordo_http_set_max_body(struct ordo_http_req *req, size_t max);

/* The body as a JSON object: a Content-Type other than application/json is
 * ORDO_E_MEDIA, malformed JSON ORDO_E_INVAL, another type than an object
 * ORDO_E_UNPROCESSABLE, and a member not in 'allowed' (NULL-terminated)
 * ORDO_E_UNPROCESSABLE naming it. An empty body is an empty object. The
 * object belongs to the request. */
enum ordo_code ordo_http_body_object(struct ordo_http_req *req, const char *const *allowed,
                                     json_t **out, struct ordo_err *err);

/* ---- waiting: deferred handlers and streams -------------------------------------------------- */

/* A deferred handler (ORDO_ROUTE_DEFERRED) that cannot answer yet calls
 * this and returns ORDO_OK without replying: the request then waits,
 * holding no thread, until ordo_http_wake() or 'timeout_ms', and the
 * handler runs again (its arena and ordo_http_set_ctx() state are kept).
 * Once ordo_http_timed_out() is true the handler must answer. */
void ordo_http_defer(struct ordo_http_req *req, int64_t timeout_ms);
bool ordo_http_timed_out(const struct ordo_http_req *req); /* also when the server stops */
void ordo_http_set_ctx(struct ordo_http_req *req, void *ctx);
void *ordo_http_ctx(const struct ordo_http_req *req);

/* A stream (ORDO_ROUTE_STREAM): text/event-stream written by 'fn', which
 * copies up to 'max' bytes into 'buf' and returns how many; 0 when there
 * is nothing now (the stream waits for ordo_http_wake()); -1 to end. It
 * runs on the pool's threads, one call at a time. 'fn' answers -1 by
 * itself once the server stops. 'done' (may be NULL) frees 'ctx' when the
 * stream ends. */
typedef long ordo_http_stream_fn(void *ctx, char *buf, size_t max);
void ordo_http_stream(struct ordo_http_req *req, ordo_http_stream_fn *fn, void *ctx,
                      void (*done)(void *ctx));

/* Something may have changed (a NOTIFY), or time passed: every waiting
 * request and stream gets another look. Thread-safe; the server's waker
 * calls it on notifications and once a second. */
void ordo_http_wake(struct ordo_http *http);

/* True once ordo_http_stop() has begun. */
bool ordo_http_stopping(const struct ordo_http_req *req);

/* ---- the response ---------------------------------------------------------------------------- */

/* Answer 'status' with 'json' (a reference is taken over; NULL: no body). */
void ordo_http_reply_json(struct ordo_http_req *req, int status, json_t *json);
/* Answer with bytes of 'content_type' (copied). */
void ordo_http_reply_bytes(struct ordo_http_req *req, int status, const char *content_type,
                           const char *body, size_t len);
/* Add a response header (both copied). */
void ordo_http_reply_header(struct ordo_http_req *req, const char *name, const char *value);

/* A handler that returns an error code gets the error body of the route's
 * dialect (CONTRACTS §4) with the status of the code: this renders it
 * now, e.g. for a 422 with details ('details' is taken over; may be NULL). */
void ordo_http_reply_error(struct ordo_http_req *req, enum ordo_code code, const char *message,
                           json_t *details);

#endif
