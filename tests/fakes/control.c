/*
 * tests/fakes/control.c - the sandbox's memory: the state document, the recorded calls and the
 * injected faults, all under one mutex; and the control API under /_sandbox/ that tests and the
 * demo use to read and steer them (docs/sandbox.md).
 *
 * Recorded calls never hold the Authorization header, only whether it was right ("auth_ok").
 * At most ORDO_SANDBOX_MAX_CALLS are kept, the oldest dropped first and counted, so a demo that
 * runs for days stays small.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "base/text.h"
#include "tests/fakes/sandbox.h"

#define CONTROL_PREFIX "/_sandbox"
#define MAX_FAULTS     256
#define MAX_DELAY_MS   600000
#define MAX_TIMES      1000000

struct ordo_sandbox {
    pthread_mutex_t mu;
    json_t *seed;   /* as loaded; never changed */
    json_t *state;  /* what the services change */
    json_t *calls;  /* recorded calls, oldest first */
    json_t *faults; /* armed faults, in the order they were added */
    json_int_t seq; /* the last call's number */
    json_int_t dropped;
    json_int_t fault_id;
};

static const struct ordo_sandbox_service *const services[] = {
    &ordo_sandbox_slack,
    &ordo_sandbox_jira,
    &ordo_sandbox_github,
    &ordo_sandbox_bamboohr,
};
#define NSERVICES (sizeof services / sizeof services[0])

struct ordo_sandbox *ordo_sandbox_new(json_t *seed)
{
    struct ordo_sandbox *sb = calloc(1, sizeof *sb);

    if (!sb) {
        ordo_oom(0);
    }
    (void)pthread_mutex_init(&sb->mu, NULL);
    sb->seed = seed;
    sb->state = json_deep_copy(seed);
    sb->calls = json_array();
    sb->faults = json_array();
    return sb;
}

void ordo_sandbox_free(struct ordo_sandbox *sb)
{
    if (!sb) {
        return;
    }
    json_decref(sb->seed);
    json_decref(sb->state);
    json_decref(sb->calls);
    json_decref(sb->faults);
    (void)pthread_mutex_destroy(&sb->mu);
    free(sb);
}

static bool under(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);

    return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static const struct ordo_sandbox_service *find_service(const char *path)
{
    for (size_t i = 0; i < NSERVICES; i++) {
        if (under(path, services[i]->prefix)) {
            return services[i];
        }
    }
    return NULL;
}

/* The first armed fault for this call, counted down (and disarmed at zero), copied into the
 * request so that it outlives its removal. */
static void fire_fault(struct ordo_sandbox *sb, struct ordo_sandbox_req *req)
{
    size_t i;
    json_t *f;

    json_array_foreach(sb->faults, i, f)
    {
        const char *method = ordo_sandbox_str(f, "method");
        const char *path = ordo_sandbox_str(f, "path");
        json_int_t times = json_integer_value(json_object_get(f, "times"));

        if (!ordo_streq(ordo_sandbox_str(f, "service"), req->svc->name) ||
            (method && strcasecmp(method, req->method) != 0) ||
            strncmp(req->rel, path, strlen(path)) != 0) {
            continue;
        }
        req->faulted = true;
        req->fault.id = json_integer_value(json_object_get(f, "id"));
        req->fault.status = (int)json_integer_value(json_object_get(f, "status"));
        req->fault.retry_after = (int)json_integer_value(json_object_get(f, "retry_after"));
        req->fault.delay_ms = (int)json_integer_value(json_object_get(f, "delay_ms"));
        req->fault.body = ordo_json_defer(req->arena, json_deep_copy(json_object_get(f, "body")));
        if (times <= 1) {
            (void)json_array_remove(sb->faults, i);
        } else {
            (void)json_object_set_new(f, "times", json_integer(times - 1));
        }
        return;
    }
}

/* Is the request addressed to this machine's loopback by name? A page in a browser on the same
 * machine can reach 127.0.0.1 under a name of its own (DNS rebinding); its Host header then
 * still names its own site, and the sandbox does not answer it. No Host (HTTP/1.0) passes. */
static bool host_ok(const struct ordo_sandbox_req *req)
{
    static const char *const names[] = {"127.0.0.1", "localhost", "[::1]"};
    const char *host = ordo_sandbox_header(req, "Host");
    size_t n;

    if (!host) {
        return true;
    }
    n = host[0] == '[' ? strcspn(host, "]") + (host[strcspn(host, "]")] == ']')
                       : strcspn(host, ":");
    if (host[n] != '\0' && host[n] != ':') {
        return false;
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strlen(names[i]) == n && strncasecmp(host, names[i], n) == 0) {
            return true;
        }
    }
    return false;
}

int ordo_sandbox_begin(struct ordo_sandbox *sb, struct ordo_sandbox_req *req)
{
    if (under(req->path, CONTROL_PREFIX) || !host_ok(req)) {
        return 0;
    }
    req->svc = find_service(req->path);
    if (!req->svc) {
        return 0;
    }
    req->rel = req->path + strlen(req->svc->prefix);
    if (req->rel[0] == '\0') {
        req->rel = "/";
    }
    (void)pthread_mutex_lock(&sb->mu);
    req->auth_ok = req->svc->auth(req, sb->state);
    if (!req->too_big) {
        fire_fault(sb, req);
    }
    (void)pthread_mutex_unlock(&sb->mu);
    return req->faulted ? req->fault.delay_ms : 0;
}

/* ---- recording ------------------------------------------------------------------------------- */

/* 's' ('len' bytes) as a JSON string, invalid UTF-8 repaired; NULL 's' gives null. */
static json_t *text_value(struct ordo_sandbox_req *req, const char *s, size_t len)
{
    json_t *v;

    if (!s) {
        return json_null();
    }
    v = json_stringn(s, len);
    if (!v) {
        v = json_string(ordo_utf8_repair(req->arena, ordo_arena_strndup(req->arena, s, len)));
    }
    return v;
}

static json_t *header_value(struct ordo_sandbox_req *req, const char *name)
{
    const char *v = ordo_sandbox_header(req, name);

    return text_value(req, v, v ? strlen(v) : 0);
}

static void record(struct ordo_sandbox *sb, struct ordo_sandbox_req *req)
{
    size_t n = req->body_len;
    bool cut = n > ORDO_SANDBOX_RECORD_BODY;
    json_t *call, *key;

    if (cut) {
        n = ordo_utf8_trim_partial(req->body, ORDO_SANDBOX_RECORD_BODY);
    }
    key = header_value(req, "Idempotency-Key");
    if (json_is_null(key)) {
        json_decref(key);
        key = header_value(req, "X-Ordo-Idempotency-Key");
    }
    call = json_pack(
        "{s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:b, s:b, s:i, s:o, s:o, s:o}", "seq", ++sb->seq,
        "time", ordo_sandbox_time(req->arena, ordo_clock_wall_ms(), ORDO_SANDBOX_TIME_ISO),
        "service", req->svc->name, "method", text_value(req, req->method, strlen(req->method)),
        "path", text_value(req, req->path, strlen(req->path)), "query",
        text_value(req, req->query, strlen(req->query)), "content_type",
        header_value(req, "Content-Type"), "body", text_value(req, req->body, n), "body_truncated",
        cut, "auth_ok", req->auth_ok, "status", req->status, "idempotency_key", key, "notes",
        req->notes ? json_incref(req->notes) : json_array(), "fault",
        req->faulted ? json_integer(req->fault.id) : json_null());
    if (!call) { /* every string above is valid UTF-8: only memory can be missing */
        ordo_oom(0);
    }
    if (json_array_size(sb->calls) >= ORDO_SANDBOX_MAX_CALLS) {
        (void)json_array_remove(sb->calls, 0);
        sb->dropped++;
    }
    (void)json_array_append_new(sb->calls, call);
}

/* ---- answering ------------------------------------------------------------------------------- */

static void answer_fault(struct ordo_sandbox_req *req)
{
    const struct ordo_sandbox_fault *f = &req->fault;
    char secs[16];

    if (json_is_string(f->body)) {
        ordo_sandbox_reply_text(req, f->status, "text/plain; charset=utf-8",
                                json_string_value(f->body));
    } else if (f->body) {
        ordo_sandbox_reply_json(req, f->status, json_incref(f->body));
    } else {
        req->svc->fault(req, f->status);
    }
    if (f->retry_after > 0) {
        (void)snprintf(secs, sizeof secs, "%d", f->retry_after);
        ordo_sandbox_reply_header(req, "Retry-After", secs);
    }
}

static void control(struct ordo_sandbox *sb, struct ordo_sandbox_req *req);

/* The answers that need no state: a Host that is not loopback, the root page, where html_url
 * links lead, and paths no stand-in serves. True when one of them answered. */
static bool answer_outside(struct ordo_sandbox_req *req)
{
    if (!host_ok(req)) {
        ordo_sandbox_reply_text(req, 421, "text/plain; charset=utf-8",
                                "ordo-sandbox answers only requests addressed to 127.0.0.1, "
                                "localhost or [::1]\n");
        return true;
    }
    if (strcmp(req->path, "/") == 0) {
        ordo_sandbox_reply_text(req, 200, "text/plain; charset=utf-8",
                                "Ordo sandbox: stand-ins for Slack (/slack/api), Jira Cloud "
                                "(/jira), GitHub (/github) and BambooHR (/bamboohr).\n"
                                "Nothing here reaches the real services. Control API: "
                                "/_sandbox/health, /_sandbox/calls, /_sandbox/state, "
                                "/_sandbox/bamboohr/webhook.\n");
        return true;
    }
    if (under(req->path, "/github-web")) { /* where html_url links lead */
        ordo_sandbox_reply_text(
            req, 200, "text/plain; charset=utf-8",
            ordo_arena_printf(req->arena,
                              "Ordo sandbox: on GitHub this link would open %s.\nThe sandbox "
                              "has no web pages; GET /_sandbox/state shows what it holds.\n",
                              req->path + strlen("/github-web")));
        return true;
    }
    if (!req->svc && !under(req->path, CONTROL_PREFIX)) {
        ordo_log(ORDO_LOG_WARN, "sandbox", "no stand-in serves this path",
                 ORDO_STR("method", req->method), ORDO_STR("path", req->path));
        ordo_sandbox_reply_json(
            req, 404,
            json_pack("{s:s, s:[s, s, s, s, s]}", "error", "no stand-in serves this path",
                      "prefixes", "/slack/api", "/jira/rest/api/3", "/github",
                      "/bamboohr/api/gateway.php/{companyDomain}/v1", "/_sandbox"));
        return true;
    }
    return false;
}

void ordo_sandbox_with_state(struct ordo_sandbox *sb, void (*fn)(json_t *state, void *arg),
                             void *arg)
{
    (void)pthread_mutex_lock(&sb->mu);
    fn(sb->state, arg);
    (void)pthread_mutex_unlock(&sb->mu);
}

void ordo_sandbox_answer(struct ordo_sandbox *sb, struct ordo_sandbox_req *req)
{
    if (answer_outside(req)) {
        return;
    }
    if (strcmp(req->path, ORDO_SANDBOX_BAMBOOHR_WEBHOOK) == 0 && strcmp(req->method, "POST") == 0) {
        ordo_sandbox_bamboohr_webhook(sb, req); /* takes the mutex only briefly */
        return;
    }
    (void)pthread_mutex_lock(&sb->mu);
    if (!req->svc) {
        control(sb, req);
        (void)pthread_mutex_unlock(&sb->mu);
        return;
    }
    if (req->too_big) {
        ordo_sandbox_reply_text(req, 413, "text/plain; charset=utf-8",
                                "request body larger than the sandbox's 1 MiB limit\n");
    } else if (req->faulted && req->fault.status > 0) {
        answer_fault(req);
    } else {
        req->svc->handle(req, sb->state);
    }
    if (req->svc->finish) {
        req->svc->finish(req, sb->state);
    }
    record(sb, req);
    ordo_log(ORDO_LOG_INFO, "sandbox", "call", ORDO_STR("service", req->svc->name),
             ORDO_STR("method", req->method), ORDO_STR("path", req->path),
             ORDO_INT("status", req->status), ORDO_INT("seq", sb->seq),
             ORDO_BOOL("auth_ok", req->auth_ok), ORDO_BOOL("fault", req->faulted));
    (void)pthread_mutex_unlock(&sb->mu);
}

/* ---- the control API ------------------------------------------------------------------------- */

/* Handlers of the control API find the sandbox here: they run under its mutex, one at a time. */
static struct ordo_sandbox *current;

static void control_error(struct ordo_sandbox_req *req, int status, const char *message)
{
    ordo_sandbox_reply_json(req, status, json_pack("{s:s}", "error", message));
}

static void health_cb(struct ordo_sandbox_req *req, json_t *state)
{
    (void)state;
    ordo_sandbox_reply_json(
        req, 200,
        json_pack("{s:s, s:b, s:s, s:[s, s, s, s]}", "status", "ok", "sandbox", 1, "notice",
                  "Ordo sandbox: stand-ins for Slack, Jira Cloud, GitHub and BambooHR. Nothing "
                  "here reaches the real services.",
                  "services", "slack", "jira", "github", "bamboohr"));
}

static void calls_cb(struct ordo_sandbox_req *req, json_t *state)
{
    const char *service = ordo_sandbox_query(req, "service");
    const char *since_text = ordo_sandbox_query(req, "since");
    int64_t since = since_text ? ordo_sandbox_parse_count(since_text, 0) : 0;
    json_t *out = json_array(), *call;
    size_t i;

    (void)state;
    if (since < 0) {
        json_decref(out);
        control_error(req, 400, "since must be a call's seq number");
        return;
    }
    json_array_foreach(current->calls, i, call)
    {
        if ((!service || ordo_streq(ordo_sandbox_str(call, "service"), service)) &&
            json_integer_value(json_object_get(call, "seq")) > since) {
            (void)json_array_append(out, call);
        }
    }
    ordo_sandbox_reply_json(req, 200,
                            json_pack("{s:o, s:I}", "calls", out, "dropped", current->dropped));
}

static void calls_clear_cb(struct ordo_sandbox_req *req, json_t *state)
{
    (void)state;
    (void)json_array_clear(current->calls);
    current->dropped = 0;
    ordo_sandbox_reply_json(req, 200, json_pack("{s:b}", "ok", 1));
}

static void reset_cb(struct ordo_sandbox_req *req, json_t *state)
{
    (void)state;
    json_decref(current->state);
    current->state = json_deep_copy(current->seed);
    (void)json_array_clear(current->calls);
    (void)json_array_clear(current->faults);
    current->seq = 0;
    current->dropped = 0;
    ordo_log(ORDO_LOG_INFO, "sandbox", "state reset to the seed");
    ordo_sandbox_reply_json(req, 200, json_pack("{s:b}", "ok", 1));
}

static void state_cb(struct ordo_sandbox_req *req, json_t *state)
{
    ordo_sandbox_reply_json(req, 200, json_incref(state));
}

static void faults_cb(struct ordo_sandbox_req *req, json_t *state)
{
    (void)state;
    ordo_sandbox_reply_json(req, 200, json_pack("{s:O}", "faults", current->faults));
}

static void faults_clear_cb(struct ordo_sandbox_req *req, json_t *state)
{
    (void)state;
    (void)json_array_clear(current->faults);
    ordo_sandbox_reply_json(req, 200, json_pack("{s:b}", "ok", 1));
}

/* An optional integer member within [min, max]: its value in '*out'; false, with a reply,
 * when it is there but not such an integer. */
static bool fault_int(struct ordo_sandbox_req *req, const json_t *spec, const char *name, int min,
                      int max, int *out)
{
    json_t *v = json_object_get(spec, name);

    if (!v) {
        return true;
    }
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        control_error(
            req, 400,
            ordo_arena_printf(req->arena, "%s must be an integer from %d to %d", name, min, max));
        return false;
    }
    *out = (int)json_integer_value(v);
    return true;
}

static bool fault_members_known(struct ordo_sandbox_req *req, json_t *spec)
{
    static const char *const known[] = {"service",     "path",  "method",   "status",
                                        "retry_after", "times", "delay_ms", "body"};
    const char *name;
    json_t *v;

    json_object_foreach(spec, name, v)
    {
        bool ok = false;

        for (size_t i = 0; i < sizeof known / sizeof known[0] && !ok; i++) {
            ok = strcmp(known[i], name) == 0;
        }
        if (!ok) {
            control_error(req, 400,
                          ordo_arena_printf(req->arena, "unknown member \"%.60s\"", name));
            return false;
        }
    }
    return true;
}

/* The fault described by the request's body, validated, as the object to arm; NULL after
 * replying 400. */
static json_t *fault_from_body(struct ordo_sandbox_req *req)
{
    json_t *spec = ordo_sandbox_body_json(req);
    const char *service = ordo_sandbox_str(spec, "service");
    const char *path = ordo_sandbox_str(spec, "path");
    const char *method = ordo_sandbox_str(spec, "method");
    int status = 0, retry_after = 0, times = 1, delay_ms = 0;

    if (!json_is_object(spec)) {
        control_error(req, 400, "the body must be a JSON object");
        return NULL;
    }
    if (!fault_members_known(req, spec) || !fault_int(req, spec, "status", 200, 599, &status) ||
        !fault_int(req, spec, "retry_after", 0, 86400, &retry_after) ||
        !fault_int(req, spec, "times", 1, MAX_TIMES, &times) ||
        !fault_int(req, spec, "delay_ms", 0, MAX_DELAY_MS, &delay_ms)) {
        return NULL;
    }
    if (!service || !find_service(ordo_arena_printf(req->arena, "/%s", service))) {
        control_error(req, 400, "service must be \"slack\", \"jira\", \"github\" or \"bamboohr\"");
        return NULL;
    }
    if ((path && path[0] != '/') || (json_object_get(spec, "path") && !path) ||
        (json_object_get(spec, "method") && !method)) {
        control_error(req, 400, "path must be a string starting with \"/\", method a string");
        return NULL;
    }
    if (status == 0 && delay_ms == 0) {
        control_error(req, 400, "a fault needs a status, a delay_ms or both");
        return NULL;
    }
    if (status == 429 && retry_after == 0) {
        retry_after = 1; /* a 429 always says when to come back */
    }
    return json_pack("{s:I, s:s, s:s, s:s*, s:i, s:i, s:i, s:i, s:O*}", "id", ++current->fault_id,
                     "service", service, "path", path ? path : "/", "method", method, "status",
                     status, "retry_after", retry_after, "times", times, "delay_ms", delay_ms,
                     "body", json_object_get(spec, "body"));
}

static void fault_add_cb(struct ordo_sandbox_req *req, json_t *state)
{
    json_t *fault;

    (void)state;
    if (json_array_size(current->faults) >= MAX_FAULTS) {
        control_error(req, 400, "too many armed faults; DELETE /_sandbox/faults first");
        return;
    }
    fault = fault_from_body(req);
    if (fault) {
        (void)json_array_append(current->faults, fault);
        ordo_sandbox_reply_json(req, 201, fault);
    }
}

static const struct ordo_sandbox_route control_routes[] = {
    {"GET", "/_sandbox/health", health_cb},        {"GET", "/_sandbox/calls", calls_cb},
    {"DELETE", "/_sandbox/calls", calls_clear_cb}, {"POST", "/_sandbox/reset", reset_cb},
    {"GET", "/_sandbox/state", state_cb},          {"GET", "/_sandbox/faults", faults_cb},
    {"POST", "/_sandbox/faults", fault_add_cb},    {"DELETE", "/_sandbox/faults", faults_clear_cb},
};

static void control(struct ordo_sandbox *sb, struct ordo_sandbox_req *req)
{
    bool wrong_method = false;
    const struct ordo_sandbox_route *r =
        ordo_sandbox_route(req, control_routes, sizeof control_routes / sizeof control_routes[0],
                           req->path, &wrong_method);

    current = sb;
    if (r) {
        r->fn(req, sb->state);
    } else if (wrong_method) {
        control_error(req, 405, "method not allowed");
    } else {
        control_error(req, 404, "no such control route");
    }
    current = NULL;
}
