#include "server/http.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/log.h"
#include "base/text.h"
#include "server/route.h"

#define STATUS_MIN   100
#define STATUS_COUNT 500 /* 100..599 */
#define MAX_HEADERS  8
#define IP_SIZE      INET6_ADDRSTRLEN

struct ordo_http {
    struct MHD_Daemon *daemon;
    struct ordo_http_options opts;
    int port;
    atomic_int inflight;
    atomic_ullong seq;     /* request ids */
    atomic_ullong sampled; /* the access log's sampling */
    char id_prefix[9];     /* random per process, so ids of two nodes differ */
    atomic_ullong *counts; /* (nroutes + 1) x STATUS_COUNT; the last row: no route */
    atomic_bool stopping;
    /* Suspended requests and streams, waiting for ordo_http_wake(). */
    pthread_mutex_t wait_mu;
    struct ordo_http_req **waiting;
    size_t nwaiting, wait_cap;
};

struct stream {
    struct ordo_http_req *req;
    ordo_http_stream_fn *fn;
    void *ctx;
    void (*done)(void *ctx);
};

struct header {
    const char *name;
    const char *value;
};

struct ordo_http_req {
    struct ordo_http *http;
    struct MHD_Connection *conn;
    struct ordo_arena *arena;
    const char *method;
    const char *path;
    char request_id[48];
    char client_ip[IP_SIZE];
    bool tls;
    int64_t t0_ns;
    const struct ordo_route *route;
    const char *params[ORDO_ROUTE_MAX_PARAMS];
    size_t nparams;
    const struct ordo_principal *who;
    char *body;      /* malloc'ed, at most max_body + 1 */
    size_t max_body; /* the route's, or less (the preflight) */
    size_t body_len;
    size_t body_cap;
    /* the response */
    bool replied;
    bool queued;
    int status;
    char *resp;
    size_t resp_len;
    const char *content_type;
    struct header headers[MAX_HEADERS];
    size_t nheaders;
    /* waiting */
    bool deferred; /* the handler asked to wait */
    bool waiting;  /* in http->waiting, suspended */
    int64_t deadline_ns;
    void *ctx; /* ordo_http_set_ctx() */
    struct stream *stream;
};

/* ---- accessors ------------------------------------------------------------------------------- */

struct ordo_arena *ordo_http_arena(struct ordo_http_req *req)
{
    return req->arena;
}

void *ordo_http_app(struct ordo_http_req *req)
{
    return req->http->opts.app;
}

const struct ordo_principal *ordo_http_who(const struct ordo_http_req *req)
{
    return req->who;
}

const char *ordo_http_request_id(const struct ordo_http_req *req)
{
    return req->request_id;
}

const char *ordo_http_client_ip(const struct ordo_http_req *req)
{
    return req->client_ip;
}

const char *ordo_http_method(const struct ordo_http_req *req)
{
    return req->method;
}

const char *ordo_http_path(const struct ordo_http_req *req)
{
    return req->path;
}

bool ordo_http_is_tls(const struct ordo_http_req *req)
{
    return req->tls;
}

const char *ordo_http_param(const struct ordo_http_req *req, size_t i)
{
    return i < req->nparams ? req->params[i] : NULL;
}

enum ordo_code ordo_http_param_key(const struct ordo_http_req *req, size_t i, int64_t *key,
                                   struct ordo_err *err)
{
    const char *s = ordo_http_param(req, i);
    char *end = NULL;
    long long v;

    if (!s || !ordo_is_digit(s[0])) {
        return ordo_err_set(err, ORDO_E_NOTFOUND, "no resource with key \"%.40s\"", s ? s : "");
    }
    v = strtoll(s, &end, 10);
    if (*end != '\0' || v <= 0) {
        return ordo_err_set(err, ORDO_E_NOTFOUND, "no resource with key \"%.40s\"", s);
    }
    *key = v;
    return ORDO_OK;
}

const char *ordo_http_query(const struct ordo_http_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

struct query_scan {
    const char *const *known;
    const char *unknown; /* the first name not known */
};

static enum MHD_Result scan_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value)
{
    struct query_scan *q = cls;

    (void)kind, (void)value;
    for (size_t i = 0; q->known[i]; i++) {
        if (strcmp(q->known[i], key) == 0) {
            return MHD_YES;
        }
    }
    q->unknown = key;
    return MHD_NO;
}

enum ordo_code ordo_http_query_known(const struct ordo_http_req *req, const char *const *known,
                                     struct ordo_err *err)
{
    struct query_scan q = {known, NULL};

    (void)MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, scan_query, &q);
    if (q.unknown) {
        return ordo_err_set(err, ORDO_E_INVAL,
                            "query parameter \"%.80s\" is not supported here; Ordo would not "
                            "apply it",
                            q.unknown);
    }
    return ORDO_OK;
}

const char *ordo_http_header(const struct ordo_http_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *ordo_http_body(const struct ordo_http_req *req, size_t *len)
{
    *len = req->body_len;
    return req->body ? req->body : "";
}

static bool is_json_type(const char *type)
{
    size_t n = strlen("application/json");

    return type && strncasecmp(type, "application/json", n) == 0 &&
           (type[n] == '\0' || type[n] == ';' || type[n] == ' ');
}

static enum ordo_code check_members(const json_t *obj, const char *const *allowed,
                                    struct ordo_err *err)
{
    const char *name;
    json_t *value;

    json_object_foreach((json_t *)obj, name, value)
    {
        bool known = false;

        for (size_t i = 0; allowed && allowed[i] && !known; i++) {
            known = strcmp(allowed[i], name) == 0;
        }
        if (!known) {
            return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "unknown field \"%.60s\"", name);
        }
    }
    return ORDO_OK;
}

enum ordo_code ordo_http_body_object(struct ordo_http_req *req, const char *const *allowed,
                                     json_t **out, struct ordo_err *err)
{
    struct ordo_json_limits lim = {req->route ? req->max_body : 0, 0};
    json_t *json = NULL;
    enum ordo_code rc;

    if (req->body_len == 0) {
        *out = ordo_json_defer(req->arena, json_object());
        return ORDO_OK;
    }
    if (!is_json_type(ordo_http_header(req, "Content-Type"))) {
        return ordo_err_set(err, ORDO_E_MEDIA, "the body must be application/json");
    }
    rc = ordo_json_parse(req->body, req->body_len, &lim, &json, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    ordo_json_defer(req->arena, json);
    if (!json_is_object(json)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "the body must be a JSON object, not %s",
                            ordo_json_type_name(json));
    }
    rc = check_members(json, allowed, err);
    if (rc == ORDO_OK) {
        *out = json;
    }
    return rc;
}

/* ---- waiting --------------------------------------------------------------------------------- */

void ordo_http_defer(struct ordo_http_req *req, int64_t timeout_ms)
{
    if (!req->deferred && req->deadline_ns == 0) {
        req->deadline_ns = ordo_clock_mono_ns() + timeout_ms * 1000000;
    }
    req->deferred = true;
}

bool ordo_http_stopping(const struct ordo_http_req *req)
{
    return atomic_load(&req->http->stopping);
}

bool ordo_http_timed_out(const struct ordo_http_req *req)
{
    return ordo_http_stopping(req) ||
           (req->deadline_ns && ordo_clock_mono_ns() >= req->deadline_ns);
}

void ordo_http_set_ctx(struct ordo_http_req *req, void *ctx)
{
    req->ctx = ctx;
}

void *ordo_http_ctx(const struct ordo_http_req *req)
{
    return req->ctx;
}

/* Suspend the connection and put it on the waiting list, under the lock
 * that ordo_http_wake() resumes under, so no wake is lost. False, and
 * nothing suspended, once the server stops: MHD must not find a suspended
 * connection when it stops (it aborts). */
static bool wait_for_wake(struct ordo_http_req *req)
{
    struct ordo_http *http = req->http;

    (void)pthread_mutex_lock(&http->wait_mu);
    if (atomic_load(&http->stopping)) {
        (void)pthread_mutex_unlock(&http->wait_mu);
        return false;
    }
    MHD_suspend_connection(req->conn);
    if (http->nwaiting == http->wait_cap) {
        size_t cap = http->wait_cap ? http->wait_cap * 2 : 64;
        struct ordo_http_req **w = realloc(http->waiting, cap * sizeof(struct ordo_http_req *));

        if (!w) {
            ordo_oom(cap * sizeof(struct ordo_http_req *));
        }
        http->waiting = w;
        http->wait_cap = cap;
    }
    http->waiting[http->nwaiting++] = req;
    req->waiting = true;
    (void)pthread_mutex_unlock(&http->wait_mu);
    return true;
}

void ordo_http_wake(struct ordo_http *http)
{
    struct ordo_http_req **woken;
    size_t n;

    (void)pthread_mutex_lock(&http->wait_mu);
    n = http->nwaiting;
    woken = n ? malloc(n * sizeof(struct ordo_http_req *)) : NULL;
    if (n && !woken) {
        ordo_oom(n * sizeof(struct ordo_http_req *));
    }
    for (size_t i = 0; i < n; i++) {
        woken[i] = http->waiting[i];
        woken[i]->waiting = false;
    }
    http->nwaiting = 0;
    /* Resumed under the lock, so that a request cannot complete (and be
     * freed) between leaving the list and being resumed. */
    for (size_t i = 0; i < n; i++) {
        MHD_resume_connection(woken[i]->conn);
    }
    (void)pthread_mutex_unlock(&http->wait_mu);
    free(woken);
}

static void stop_waiting(struct ordo_http_req *req)
{
    struct ordo_http *http = req->http;

    (void)pthread_mutex_lock(&http->wait_mu);
    for (size_t i = 0; req->waiting && i < http->nwaiting; i++) {
        if (http->waiting[i] == req) {
            http->waiting[i] = http->waiting[--http->nwaiting];
            req->waiting = false;
        }
    }
    (void)pthread_mutex_unlock(&http->wait_mu);
}

static ssize_t stream_read_cb(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct stream *s = cls;
    long n;

    (void)pos;
    if (atomic_load(&s->req->http->stopping)) {
        return MHD_CONTENT_READER_END_OF_STREAM;
    }
    n = s->fn(s->ctx, buf, max);
    if (n < 0) {
        return MHD_CONTENT_READER_END_OF_STREAM;
    }
    if (n == 0 && !wait_for_wake(s->req)) { /* MHD asks again once resumed */
        return MHD_CONTENT_READER_END_OF_STREAM;
    }
    return (ssize_t)n;
}

static void stream_free_cb(void *cls)
{
    struct stream *s = cls;

    if (s->done) {
        s->done(s->ctx);
    }
    free(s);
}

void ordo_http_stream(struct ordo_http_req *req, ordo_http_stream_fn *fn, void *ctx,
                      void (*done)(void *ctx))
{
    struct stream *s = calloc(1, sizeof *s);

    if (!s) {
        ordo_oom(sizeof *s);
    }
    s->req = req;
    s->fn = fn;
    s->ctx = ctx;
    s->done = done;
    req->stream = s;
    req->replied = true;
    req->status = 200;
    req->content_type = "text/event-stream";
}

/* ---- responses ------------------------------------------------------------------------------- */

void ordo_http_reply_bytes(struct ordo_http_req *req, int status, const char *content_type,
                           const char *body, size_t len)
{
    req->replied = true;
    req->status = status;
    req->content_type = content_type ? ordo_arena_strdup(req->arena, content_type) : NULL;
    req->resp = ordo_arena_memdup(req->arena, body ? body : "", len);
    req->resp_len = len;
}

void ordo_http_reply_json(struct ordo_http_req *req, int status, json_t *json)
{
    char *text;

    if (!json) {
        ordo_http_reply_bytes(req, status, NULL, "", 0);
        return;
    }
    text = ordo_json_dump(req->arena, json, JSON_COMPACT);
    json_decref(json);
    req->replied = true;
    req->status = status;
    req->content_type = "application/json";
    req->resp = text;
    req->resp_len = strlen(text);
}

void ordo_http_reply_header(struct ordo_http_req *req, const char *name, const char *value)
{
    if (req->nheaders < MAX_HEADERS) {
        req->headers[req->nheaders].name = ordo_arena_strdup(req->arena, name);
        req->headers[req->nheaders].value = ordo_arena_strdup(req->arena, value);
        req->nheaders++;
    }
}

/* Camunda 7's exception names by status (docs/api.md). */
static const char *camunda7_type(int status)
{
    switch (status) {
    case 401:
        return "AuthenticationException";
    case 403:
        return "AuthorizationException";
    case 404:
        return "InvalidRequestException";
    case 500:
    case 503:
    case 504:
        return "ProcessEngineException";
    default:
        return "InvalidRequestException";
    }
}

static json_t *error_body(struct ordo_http_req *req, enum ordo_code code, const char *message,
                          json_t *details)
{
    int status = ordo_code_http_status(code);
    json_t *body;

    switch (ordo_route_dialect(req->path)) {
    case ORDO_DIALECT_CAMUNDA7:
        body = json_pack("{s:s, s:s, s:i}", "type", camunda7_type(status), "message", message,
                         "code", 0);
        break;
    case ORDO_DIALECT_CAMUNDA8:
        body = json_pack("{s:s, s:s, s:i, s:s, s:s}", "type", "about:blank", "title",
                         ordo_code_name(code), "status", status, "detail", message, "instance",
                         req->path);
        break;
    default:
        body =
            json_pack("{s:{s:s, s:s}}", "error", "code", ordo_code_name(code), "message", message);
        if (details) {
            json_object_set(json_object_get(body, "error"), "details", details);
        }
        break;
    }
    json_decref(details);
    return body;
}

void ordo_http_reply_error(struct ordo_http_req *req, enum ordo_code code, const char *message,
                           json_t *details)
{
    int status = ordo_code_http_status(code);

    if (code == ORDO_E_INTERNAL || code == ORDO_E_AGAIN || code == ORDO_E_TIMEOUT) {
        /* The precise reason (a database message) goes to the log, not to the client. */
        ordo_log(ORDO_LOG_ERROR, "http", "request failed", ORDO_STR("request_id", req->request_id),
                 ORDO_STR("code", ordo_code_name(code)), ORDO_STR("reason", message));
        message = ordo_arena_printf(req->arena, "%s (request id %s)", ordo_code_text(code),
                                    req->request_id);
    }
    ordo_http_reply_json(req, status, error_body(req, code, message, details));
    if (ordo_route_dialect(req->path) == ORDO_DIALECT_CAMUNDA8) {
        req->content_type = "application/problem+json";
    }
    if (code == ORDO_E_UNAUTHENTICATED) {
        ordo_http_reply_header(req, "WWW-Authenticate", "Bearer realm=\"ordo\"");
    }
}

static void reply_err(struct ordo_http_req *req, const struct ordo_err *err)
{
    enum ordo_code code = err->code == ORDO_OK ? ORDO_E_INTERNAL : err->code;

    ordo_http_reply_error(req, code, ordo_err_message(err), NULL);
}

/* Whether a handler set response header 'name' itself. */
static bool has_reply_header(const struct ordo_http_req *req, const char *name)
{
    for (size_t i = 0; i < req->nheaders; i++) {
        if (strcasecmp(req->headers[i].name, name) == 0) {
            return true;
        }
    }
    return false;
}

/* Answers other than the web UI's files (api_ui.c sets its own policy) are
 * data, never a page: a browser that opens one (a deployed BPMN file with an
 * XHTML script in it, say) runs nothing and loads nothing on this origin. */
#define DATA_CSP "default-src 'none'; frame-ancestors 'none'; sandbox"

static enum MHD_Result queue(struct ordo_http_req *req)
{
    struct MHD_Response *r;
    enum MHD_Result ok;

    if (req->stream) {
        r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read_cb, req->stream,
                                              stream_free_cb);
        if (r) {
            req->stream = NULL; /* the response owns it now; else on_completed frees it */
        }
    } else {
        r = MHD_create_response_from_buffer(req->resp_len, req->resp, MHD_RESPMEM_MUST_COPY);
    }
    if (!r) {
        return MHD_NO;
    }
    if (req->content_type) {
        (void)MHD_add_response_header(r, "Content-Type", req->content_type);
    }
    (void)MHD_add_response_header(r, "X-Request-Id", req->request_id);
    (void)MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    (void)MHD_add_response_header(r, "Cache-Control", "no-store");
    if (!has_reply_header(req, "Content-Security-Policy")) {
        (void)MHD_add_response_header(r, "Content-Security-Policy", DATA_CSP);
    }
    if (req->status == 503 && !has_reply_header(req, "Retry-After")) {
        /* The database is away, the server is stopping or not ready, for a moment; a client
         * that honours Retry-After (RFC 9110 §10.2.3) comes back instead of hammering. */
        (void)MHD_add_response_header(r, "Retry-After", "1");
    }
    for (size_t i = 0; i < req->nheaders; i++) {
        (void)MHD_add_response_header(r, req->headers[i].name, req->headers[i].value);
    }
    ok = MHD_queue_response(req->conn, (unsigned)req->status, r);
    MHD_destroy_response(r);
    req->queued = true;
    return ok;
}

/* ---- the request's way through the gates ----------------------------------------------------- */

static void client_address(struct ordo_http_req *req)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;

    (void)snprintf(req->client_ip, sizeof req->client_ip, "unknown");
    if (sa && sa->sa_family == AF_INET) {
        (void)inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
                        req->client_ip, sizeof req->client_ip);
    } else if (sa && sa->sa_family == AF_INET6) {
        (void)inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
                        req->client_ip, sizeof req->client_ip);
    }
}

/* Is 'ip' one of the comma-separated 'list'? */
static bool in_list(const char *list, const char *ip, size_t iplen)
{
    while (list && *list) {
        size_t n = strcspn(list, ",");
        const char *item = list;
        size_t len = n;

        while (len && *item == ' ') {
            item++;
            len--;
        }
        while (len && item[len - 1] == ' ') {
            len--;
        }
        if (len == iplen && memcmp(item, ip, len) == 0) {
            return true;
        }
        list += n + (list[n] == ',');
    }
    return false;
}

/* The last of the X-Forwarded-For header lines: a proxy may add a line of
 * its own rather than append to the client's, and the first line is the
 * client's to write. */
static enum MHD_Result last_xff_cb(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    const char **last = cls;

    (void)kind;
    if (key && value && strcasecmp(key, "X-Forwarded-For") == 0) {
        *last = value;
    }
    return MHD_YES;
}

/* Behind a trusted proxy the client is the last X-Forwarded-For hop that
 * is not itself a trusted proxy. */
static void forwarded_for(struct ordo_http_req *req)
{
    const char *proxies = req->http->opts.trusted_proxies;
    const char *xff = NULL, *proto;

    if (!proxies || !*proxies || !in_list(proxies, req->client_ip, strlen(req->client_ip))) {
        return;
    }
    proto = ordo_http_header(req, "X-Forwarded-Proto");
    if (proto && strcasecmp(proto, "https") == 0) {
        req->tls = true;
    }
    (void)MHD_get_connection_values(req->conn, MHD_HEADER_KIND, last_xff_cb, (void *)&xff);
    while (xff && *xff) {
        const char *comma = strrchr(xff, ',');
        const char *hop = comma ? comma + 1 : xff;
        size_t len = strlen(hop);

        while (*hop == ' ') {
            hop++;
            len--;
        }
        while (len && hop[len - 1] == ' ') {
            len--;
        }
        if (len == 0 || len >= sizeof req->client_ip) {
            return;
        }
        if (!in_list(proxies, hop, len) || !comma) {
            memcpy(req->client_ip, hop, len);
            req->client_ip[len] = '\0';
            return;
        }
        xff = ordo_arena_strndup(req->arena, xff, (size_t)(comma - xff));
    }
}

/* A client's X-Request-Id is kept when it is short and plain. */
static void request_id(struct ordo_http_req *req)
{
    const char *given = ordo_http_header(req, "X-Request-Id");
    size_t n = given ? strlen(given) : 0;
    bool plain = n > 0 && n < 40;

    for (size_t i = 0; plain && i < n; i++) {
        char c = given[i];

        plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || ordo_is_digit(c) || c == '-' ||
                c == '_' || c == '.';
    }
    if (plain) {
        memcpy(req->request_id, given, n + 1);
    } else {
        (void)snprintf(req->request_id, sizeof req->request_id, "%s-%llu", req->http->id_prefix,
                       (unsigned long long)atomic_fetch_add(&req->http->seq, 1) + 1);
    }
}

static struct ordo_http_req *begin(struct ordo_http *http, struct MHD_Connection *conn,
                                   const char *url, const char *method)
{
    struct ordo_http_req *req = calloc(1, sizeof *req);

    if (!req) {
        ordo_oom(sizeof *req);
    }
    req->http = http;
    req->conn = conn;
    req->arena = ordo_arena_new();
    req->method = method;
    req->path = url;
    req->t0_ns = ordo_clock_mono_ns();
    req->tls = http->opts.tls_cert_pem != NULL;
    atomic_fetch_add(&http->inflight, 1);
    client_address(req);
    forwarded_for(req);
    request_id(req);
    return req;
}

static bool authenticate(struct ordo_http_req *req)
{
    struct ordo_http_options *o = &req->http->opts;
    struct ordo_err err = {0};
    int retry_after = 1;

    if (!o->auth || o->auth(o->app, req, ordo_http_header(req, "Authorization"),
                            ordo_http_header(req, "Cookie"), &req->who, &err) != ORDO_OK) {
        /* A database failure while looking the caller up is the server's
         * (500/503, logged), not a verdict on the credentials. */
        if (err.code == ORDO_OK) {
            ordo_err_set(&err, ORDO_E_UNAUTHENTICATED, "authentication required");
        }
        reply_err(req, &err);
        return false;
    }
    if (o->limit && !o->limit(o->app, req->who, &retry_after)) {
        char secs[16];

        ordo_http_reply_error(req, ORDO_E_RATE_LIMITED, "too many requests: slow down", NULL);
        (void)snprintf(secs, sizeof secs, "%d", retry_after);
        ordo_http_reply_header(req, "Retry-After", secs);
        return false;
    }
    return true;
}

/* An open route is matched before authentication; anything else after it. */
static const struct ordo_route *open_route(struct ordo_http_req *req, char *buf, size_t size)
{
    const struct ordo_route *r = NULL;
    const struct ordo_http_options *o = &req->http->opts;

    if (ordo_route_find(o->routes, o->nroutes, req->method, req->path, buf, size, &r, req->params,
                        &req->nparams) == ORDO_ROUTE_FOUND &&
        ordo_route_is_open(r)) {
        return r;
    }
    return NULL;
}

static bool content_length_fits(struct ordo_http_req *req)
{
    const char *cl = ordo_http_header(req, "Content-Length");
    unsigned long long n;
    char *end = NULL;

    if (!cl) {
        return true;
    }
    n = strtoull(cl, &end, 10);
    if (*end != '\0' || n > req->max_body) {
        ordo_http_reply_error(
            req, ORDO_E_TOOBIG,
            ordo_arena_printf(req->arena, "the body is larger than the %zu bytes this route takes",
                              req->max_body),
            NULL);
        return false;
    }
    return true;
}

const struct ordo_route *ordo_http_route(const struct ordo_http_req *req)
{
    return req->route;
}

void ordo_http_set_max_body(struct ordo_http_req *req, size_t max)
{
    if (max < req->max_body) {
        req->max_body = max;
    }
}

/* The route's limit on the body, then the preflight (http.h), then the
 * Content-Length against the limit. */
static void before_body(struct ordo_http_req *req)
{
    const struct ordo_http_options *o = &req->http->opts;
    struct ordo_err err = {0};

    req->max_body = req->route->max_body;
    if (o->preflight && o->preflight(o->app, req, &err) != ORDO_OK) {
        if (!req->replied) {
            reply_err(req, &err);
        }
        return;
    }
    if (!req->replied) {
        content_length_fits(req);
    }
}

/* Gates 1-6 of server/http.h, on the request's first call (headers only). */
static void gate(struct ordo_http_req *req)
{
    const struct ordo_http_options *o = &req->http->opts;
    size_t size = strlen(req->path) + 1;
    char *buf = ordo_arena_alloc(req->arena, size);
    enum ordo_route_match m;

    req->route = open_route(req, buf, size);
    if (req->route) {
        before_body(req);
        return;
    }
    if (!authenticate(req)) {
        return;
    }
    m = ordo_route_find(o->routes, o->nroutes, req->method, req->path, buf, size, &req->route,
                        req->params, &req->nparams);
    if (m != ORDO_ROUTE_FOUND) {
        req->route = NULL;
        ordo_http_reply_error(req, m == ORDO_ROUTE_NO_PATH ? ORDO_E_NOTFOUND : ORDO_E_METHOD,
                              m == ORDO_ROUTE_NO_PATH ? "no such route" : "method not allowed",
                              NULL);
        return;
    }
    if (o->allow && !o->allow(o->app, req->who, req->route)) {
        ordo_http_reply_error(req, ORDO_E_FORBIDDEN, "your role does not allow this", NULL);
        return;
    }
    before_body(req);
}

static void take_body(struct ordo_http_req *req, const char *data, size_t len)
{
    size_t max = req->max_body;

    if (req->body_len + len > max) {
        ordo_http_reply_error(
            req, ORDO_E_TOOBIG,
            ordo_arena_printf(req->arena, "the body is larger than the %zu bytes this route takes",
                              max),
            NULL);
        return;
    }
    if (req->body_len + len + 1 > req->body_cap) {
        size_t cap = req->body_cap ? req->body_cap : 4096;
        char *p;

        while (cap < req->body_len + len + 1) {
            cap *= 2;
        }
        cap = cap > max + 1 ? max + 1 : cap;
        p = realloc(req->body, cap);
        if (!p) {
            ordo_oom(cap);
        }
        req->body = p;
        req->body_cap = cap;
    }
    memcpy(req->body + req->body_len, data, len);
    req->body_len += len;
    req->body[req->body_len] = '\0';
}

static void handle(struct ordo_http_req *req)
{
    struct ordo_err err = {0};
    bool was_late = ordo_http_timed_out(req);

    req->deferred = false;
    if (req->route->handler(req, &err) != ORDO_OK && !req->replied) {
        reply_err(req, &err);
    } else if (!req->replied && req->deferred && was_late) {
        ordo_http_reply_error(req, ORDO_E_TIMEOUT, "gave up waiting", NULL);
    } else if (!req->replied && !req->deferred) {
        ordo_http_reply_bytes(req, 204, NULL, "", 0);
    }
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    struct ordo_http_req *req = *con_cls;

    (void)version;
    if (!req) {
        req = begin(cls, conn, url, method);
        *con_cls = req;
        gate(req);
        return req->replied ? queue(req) : MHD_YES;
    }
    if (*upload_size) {
        if (!req->replied) {
            take_body(req, upload, *upload_size);
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (req->queued) {
        return MHD_YES;
    }
    if (!req->replied) {
        handle(req);
    }
    if (!req->replied && wait_for_wake(req)) { /* deferred: run again when woken */
        return MHD_YES;
    }
    if (!req->replied) {
        ordo_http_reply_error(req, ORDO_E_AGAIN, "the server is stopping", NULL);
    }
    return queue(req);
}

/* ---- completion: counters, the access log, freeing ------------------------------------------- */

static void count(struct ordo_http_req *req)
{
    struct ordo_http *http = req->http;
    size_t row = req->route ? (size_t)(req->route - http->opts.routes) : http->opts.nroutes;
    int status = req->status;

    if (status >= STATUS_MIN && status < STATUS_MIN + STATUS_COUNT) {
        atomic_fetch_add(&http->counts[row * STATUS_COUNT + (size_t)(status - STATUS_MIN)], 1);
    }
}

static void access_log(struct ordo_http_req *req, uint64_t n)
{
    int every = req->http->opts.access_log_every;
    bool failed = req->status >= 400 || !req->queued;

    if (!failed && (every <= 0 || n % (uint64_t)every != 0)) {
        return;
    }
    ordo_log(failed && req->status >= 500 ? ORDO_LOG_WARN : ORDO_LOG_INFO, "http", "request",
             ORDO_STR("request_id", req->request_id), ORDO_STR("method", req->method),
             ORDO_STR("path", req->path),
             ORDO_STR("route", req->route ? req->route->pattern : NULL),
             ORDO_INT("status", req->status), ORDO_STR("client", req->client_ip),
             ORDO_INT("duration_us", (ordo_clock_mono_ns() - req->t0_ns) / 1000));
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct ordo_http *http = cls;
    struct ordo_http_req *req = *con_cls;

    (void)conn;
    (void)toe;
    if (!req) {
        return;
    }
    stop_waiting(req);
    count(req);
    access_log(req, atomic_fetch_add(&http->sampled, 1));
    if (req->stream) { /* never queued */
        stream_free_cb(req->stream);
    }
    free(req->body);
    ordo_arena_free(req->arena);
    free(req);
    *con_cls = NULL;
    atomic_fetch_sub(&http->inflight, 1);
}

/* ---- start and stop -------------------------------------------------------------------------- */

static enum ordo_code bind_address(const struct ordo_http_options *opts,
                                   struct sockaddr_storage *addr, bool *ipv6, struct ordo_err *err)
{
    struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_PASSIVE, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    char port[8];

    (void)snprintf(port, sizeof port, "%d", opts->port);
    if (getaddrinfo(opts->listen_addr, port, &hints, &res) != 0 || !res) {
        return ordo_err_set(err, ORDO_E_INVAL, "listen_addr \"%s\" is not an IPv4 or IPv6 address",
                            opts->listen_addr);
    }
    memset(addr, 0, sizeof *addr);
    memcpy(addr, res->ai_addr, res->ai_addrlen);
    *ipv6 = res->ai_family == AF_INET6;
    freeaddrinfo(res);
    return ORDO_OK;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[256];

    (void)cls;
    (void)vsnprintf(msg, sizeof msg, fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    ordo_log(ORDO_LOG_WARN, "http", "libmicrohttpd reports a problem", ORDO_STR("detail", msg));
}

static struct MHD_Daemon *start_daemon(struct ordo_http *http, const struct sockaddr *addr,
                                       unsigned flags)
{
    const struct ordo_http_options *o = &http->opts;

    if (o->tls_cert_pem) {
        return MHD_start_daemon(
            flags | MHD_USE_TLS, 0, NULL, NULL, on_request, http, MHD_OPTION_EXTERNAL_LOGGER,
            mhd_log, NULL, MHD_OPTION_SOCK_ADDR, addr, MHD_OPTION_THREAD_POOL_SIZE,
            (unsigned)o->threads, MHD_OPTION_CONNECTION_LIMIT, (unsigned)o->max_connections,
            MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)o->max_per_ip,
            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)o->timeout_s, MHD_OPTION_NOTIFY_COMPLETED,
            on_completed, http, MHD_OPTION_HTTPS_MEM_KEY, o->tls_key_pem, MHD_OPTION_HTTPS_MEM_CERT,
            o->tls_cert_pem, MHD_OPTION_END);
    }
    return MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, http, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, addr, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)o->threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)o->max_connections,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)o->max_per_ip, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)o->timeout_s, MHD_OPTION_NOTIFY_COMPLETED, on_completed, http, MHD_OPTION_END);
}

enum ordo_code ordo_http_start(const struct ordo_http_options *opts, struct ordo_http **out,
                               struct ordo_err *err)
{
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_USE_ERROR_LOG;
    struct sockaddr_storage addr;
    const union MHD_DaemonInfo *info;
    struct ordo_http *http;
    unsigned char rnd[4];
    bool ipv6 = false;
    enum ordo_code rc = bind_address(opts, &addr, &ipv6, err);

    if (rc != ORDO_OK) {
        return rc;
    }
    http = calloc(1, sizeof *http);
    if (!http) {
        ordo_oom(sizeof *http);
    }
    http->opts = *opts;
    (void)pthread_mutex_init(&http->wait_mu, NULL);
    http->counts = calloc((opts->nroutes + 1) * STATUS_COUNT, sizeof *http->counts);
    if (!http->counts) {
        ordo_oom((opts->nroutes + 1) * STATUS_COUNT * sizeof *http->counts);
    }
    ordo_random_bytes(rnd, sizeof rnd);
    ordo_hex(rnd, sizeof rnd, http->id_prefix);
    http->daemon =
        start_daemon(http, (const struct sockaddr *)&addr, flags | (ipv6 ? MHD_USE_IPv6 : 0));
    if (!http->daemon) {
        (void)pthread_mutex_destroy(&http->wait_mu);
        free(http->counts);
        free(http);
        return ordo_err_set(err, ORDO_E_INTERNAL,
                            "could not listen on %s port %d (in use, or not allowed)",
                            opts->listen_addr, opts->port);
    }
    info = MHD_get_daemon_info(http->daemon, MHD_DAEMON_INFO_BIND_PORT);
    http->port = info ? info->port : opts->port;
    *out = http;
    return ORDO_OK;
}

int ordo_http_port(const struct ordo_http *http)
{
    return http->port;
}

void ordo_http_stop(struct ordo_http *http, int grace_ms)
{
    int64_t deadline;
    MHD_socket fd;

    if (!http) {
        return;
    }
    fd = MHD_quiesce_daemon(http->daemon); /* no new connections from here on */
    if (fd != MHD_INVALID_SOCKET) {
        (void)close(fd);
    }
    (void)pthread_mutex_lock(&http->wait_mu); /* no request suspends after this */
    atomic_store(&http->stopping, true);      /* long polls answer, streams end */
    (void)pthread_mutex_unlock(&http->wait_mu);
    deadline = ordo_clock_mono_ns() + (int64_t)grace_ms * 1000000;
    while (atomic_load(&http->inflight) > 0 && ordo_clock_mono_ns() < deadline) {
        struct timespec ts = {0, 10L * 1000000};

        ordo_http_wake(http);
        (void)nanosleep(&ts, NULL);
    }
    ordo_http_wake(http); /* MHD stops only with every connection resumed */
    MHD_stop_daemon(http->daemon);
    (void)pthread_mutex_destroy(&http->wait_mu);
    free(http->waiting);
    free(http->counts);
    free(http);
}

void ordo_http_counts(const struct ordo_http *http, ordo_http_count_fn *fn, void *ctx)
{
    for (size_t row = 0; row <= http->opts.nroutes; row++) {
        const struct ordo_route *route = row < http->opts.nroutes ? &http->opts.routes[row] : NULL;

        for (size_t s = 0; s < STATUS_COUNT; s++) {
            uint64_t n = atomic_load(&http->counts[row * STATUS_COUNT + s]);

            if (n) {
                fn(ctx, route, (int)s + STATUS_MIN, n);
            }
        }
    }
}
