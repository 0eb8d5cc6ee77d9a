/*
 * tests/fakes/sandbox.c - ordo-sandbox: the program and its HTTP side (docs/sandbox.md).
 *
 *   ordo-sandbox [--port N] [--ready-file PATH] [--state FILE.json] [--log-level LEVEL]
 *                [--slack-token T] [--jira-email E] [--jira-token T] [--github-token T]
 *                [--bamboohr-key K]
 *
 * One libmicrohttpd daemon on 127.0.0.1 only (never another address: the stand-ins have fixed,
 * published credentials), a pool of two threads, one port for every service. Once it listens it
 * writes {"url":"http://127.0.0.1:PORT","pid":N} to the ready file (atomically) and to stdout.
 * SIGTERM or SIGINT stop it cleanly with exit status 0; bad usage or a bad state file exit 2, a
 * port that cannot be had 1.
 *
 * A fault with delay_ms must not hold one of the two threads: the request is suspended and the
 * main thread, which waits for the stop signal in 10 ms steps anyway, resumes it when due.
 */
#include "tests/fakes/sandbox.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <microhttpd.h>

#include "base/clock.h"
#include "base/file.h"
#include "base/json.h"
#include "base/log.h"

#define THREADS         2
#define MAX_CONNECTIONS 256
#define CONN_TIMEOUT_S  60
#define STOP_GRACE_MS   2000

enum phase {
    PHASE_NEW,     /* the URI is in, the headers not yet looked at */
    PHASE_BODY,    /* reading the body */
    PHASE_WAITING, /* suspended for a fault's delay */
    PHASE_DONE,    /* the response is queued */
};

struct server {
    struct MHD_Daemon *daemon;
    struct ordo_sandbox *sb;
    char base_url[64];
    atomic_int inflight;
    atomic_bool stopping;
    pthread_mutex_t wait_mu;
    struct conn_req **waiting; /* suspended for a delay */
    size_t nwaiting, wait_cap;
};

struct conn_req {
    struct ordo_sandbox_req r; /* what the services see */
    struct server *srv;
    enum phase phase;
    bool listed; /* in srv->waiting */
    int64_t wake_ns;
    char *body; /* malloc'ed, at most ORDO_SANDBOX_MAX_BODY + 1 bytes */
    size_t body_len, body_cap;
};

/* ---- for the services ------------------------------------------------------------------------ */

const char *ordo_sandbox_header(const struct ordo_sandbox_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *ordo_sandbox_query(const struct ordo_sandbox_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

static enum MHD_Result query_cb(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *value)
{
    json_t *obj = cls;
    json_t *v = json_string(value ? value : "");

    (void)kind;
    if (key && v && !json_object_get(obj, key)) {
        (void)json_object_set(obj, key, v);
    }
    json_decref(v);
    return MHD_YES;
}

json_t *ordo_sandbox_query_object(struct ordo_sandbox_req *req)
{
    json_t *obj = ordo_json_defer(req->arena, json_object());

    (void)MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, query_cb, obj);
    return obj;
}

json_t *ordo_sandbox_body_json(struct ordo_sandbox_req *req)
{
    struct ordo_json_limits lim = {ORDO_SANDBOX_MAX_BODY, ORDO_JSON_DEFAULT_MAX_DEPTH};
    json_t *json = NULL;

    if (req->body_len == 0 ||
        ordo_json_parse(req->body, req->body_len, &lim, &json, NULL) != ORDO_OK) {
        return NULL;
    }
    return ordo_json_defer(req->arena, json);
}

bool ordo_sandbox_content_type_is(const struct ordo_sandbox_req *req, const char *type)
{
    const char *ct = ordo_sandbox_header(req, "Content-Type");
    size_t n = strlen(type);

    return ct && strncasecmp(ct, type, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

void ordo_sandbox_reply_text(struct ordo_sandbox_req *req, int status, const char *content_type,
                             const char *text)
{
    req->status = status;
    req->content_type = content_type ? ordo_arena_strdup(req->arena, content_type) : NULL;
    req->resp = ordo_arena_strdup(req->arena, text ? text : "");
    req->resp_len = strlen(req->resp);
}

void ordo_sandbox_reply_json(struct ordo_sandbox_req *req, int status, json_t *json)
{
    if (!json) {
        ordo_sandbox_reply_text(req, status, NULL, "");
        return;
    }
    req->status = status;
    req->content_type = "application/json; charset=utf-8";
    req->resp = ordo_json_dump(req->arena, json, JSON_COMPACT);
    req->resp_len = strlen(req->resp);
    json_decref(json);
}

void ordo_sandbox_reply_header(struct ordo_sandbox_req *req, const char *name, const char *value)
{
    if (req->nheaders < ORDO_SANDBOX_MAX_HEADERS) {
        req->headers[req->nheaders].name = ordo_arena_strdup(req->arena, name);
        req->headers[req->nheaders].value = ordo_arena_strdup(req->arena, value);
        req->nheaders++;
    }
}

void ordo_sandbox_note(struct ordo_sandbox_req *req, const char *note)
{
    if (!req->notes) {
        req->notes = ordo_json_defer(req->arena, json_array());
    }
    (void)json_array_append_new(req->notes, json_string(note));
}

/* 'path' against 'pattern', where "{}" stands for one non-empty segment. */
static bool match(struct ordo_sandbox_req *req, const char *pattern, const char *path)
{
    req->nparams = 0;
    while (*pattern && *path) {
        if (pattern[0] == '{' && pattern[1] == '}') {
            size_t len = strcspn(path, "/");

            if (len == 0 || req->nparams == ORDO_SANDBOX_MAX_PARAMS) {
                return false;
            }
            req->params[req->nparams++] = ordo_arena_strndup(req->arena, path, len);
            pattern += 2;
            path += len;
        } else if (*pattern++ != *path++) {
            return false;
        }
    }
    return *pattern == '\0' && *path == '\0';
}

const struct ordo_sandbox_route *ordo_sandbox_route(struct ordo_sandbox_req *req,
                                                    const struct ordo_sandbox_route *routes,
                                                    size_t nroutes, const char *path,
                                                    bool *wrong_method)
{
    *wrong_method = false;
    for (size_t i = 0; i < nroutes; i++) {
        if (strcmp(routes[i].method, req->method) == 0 && match(req, routes[i].pattern, path)) {
            return &routes[i];
        }
    }
    for (size_t i = 0; i < nroutes && !*wrong_method; i++) {
        *wrong_method = match(req, routes[i].pattern, path);
    }
    req->nparams = 0;
    return NULL;
}

/* ---- libmicrohttpd --------------------------------------------------------------------------- */

/* Called with the raw request line's URI, before anything else: the one place the query text
 * is seen as the client sent it. Its result becomes the request's context. */
static void *uri_cb(void *cls, const char *uri, struct MHD_Connection *conn)
{
    struct server *srv = cls;
    struct conn_req *c = calloc(1, sizeof *c);
    const char *q = strchr(uri, '?');

    if (!c) {
        ordo_oom(sizeof *c);
    }
    c->srv = srv;
    c->r.arena = ordo_arena_new();
    c->r.conn = conn;
    c->r.base_url = srv->base_url;
    c->r.query = q ? ordo_arena_strdup(c->r.arena, q + 1) : "";
    c->r.body = "";
    c->r.method = "";
    c->r.path = "";
    c->r.rel = "";
    atomic_fetch_add(&srv->inflight, 1);
    return c;
}

static enum MHD_Result queue(struct conn_req *c)
{
    struct ordo_sandbox_req *r = &c->r;
    struct MHD_Response *resp;
    enum MHD_Result ok;

    c->phase = PHASE_DONE;
    resp = MHD_create_response_from_buffer(r->resp_len, (void *)r->resp, MHD_RESPMEM_MUST_COPY);
    if (!resp) {
        return MHD_NO;
    }
    if (r->content_type) {
        (void)MHD_add_response_header(resp, "Content-Type", r->content_type);
    }
    (void)MHD_add_response_header(resp, "X-Ordo-Sandbox", "stand-in; not the real service");
    for (size_t i = 0; i < r->nheaders; i++) {
        (void)MHD_add_response_header(resp, r->headers[i].name, r->headers[i].value);
    }
    ok = MHD_queue_response(r->conn, (unsigned)(r->status ? r->status : 500), resp);
    MHD_destroy_response(resp);
    return ok;
}

static void take_body(struct conn_req *c, const char *data, size_t len)
{
    if (c->r.too_big) {
        return;
    }
    if (len > ORDO_SANDBOX_MAX_BODY - c->body_len) {
        c->r.too_big = true;
        free(c->body);
        c->body = NULL;
        c->body_len = c->body_cap = 0;
        return;
    }
    if (c->body_len + len + 1 > c->body_cap) {
        size_t cap = c->body_cap ? c->body_cap : 4096;
        char *p;

        while (cap < c->body_len + len + 1) {
            cap *= 2;
        }
        p = realloc(c->body, cap);
        if (!p) {
            ordo_oom(cap);
        }
        c->body = p;
        c->body_cap = cap;
    }
    memcpy(c->body + c->body_len, data, len);
    c->body_len += len;
    c->body[c->body_len] = '\0';
}

/* Park 'c' until its wake time; false when the server is stopping (then answer at once). */
static bool suspend_until(struct conn_req *c, int delay_ms)
{
    struct server *srv = c->srv;

    (void)pthread_mutex_lock(&srv->wait_mu);
    if (atomic_load(&srv->stopping)) {
        (void)pthread_mutex_unlock(&srv->wait_mu);
        return false;
    }
    if (srv->nwaiting == srv->wait_cap) {
        size_t cap = srv->wait_cap ? srv->wait_cap * 2 : 16;
        struct conn_req **w = realloc(srv->waiting, cap * sizeof(struct conn_req *));

        if (!w) {
            ordo_oom(cap * sizeof(struct conn_req *));
        }
        srv->waiting = w;
        srv->wait_cap = cap;
    }
    c->wake_ns = ordo_clock_mono_ns() + (int64_t)delay_ms * 1000000;
    c->phase = PHASE_WAITING;
    c->listed = true;
    srv->waiting[srv->nwaiting++] = c;
    MHD_suspend_connection(c->r.conn);
    (void)pthread_mutex_unlock(&srv->wait_mu);
    return true;
}

/* Resume the parked requests that are due (all of them when 'all'). Under the lock, so a
 * request cannot complete between leaving the list and being resumed. */
static void resume_due(struct server *srv, bool all)
{
    int64_t now = ordo_clock_mono_ns();

    (void)pthread_mutex_lock(&srv->wait_mu);
    for (size_t i = 0; i < srv->nwaiting;) {
        struct conn_req *c = srv->waiting[i];

        if (all || c->wake_ns <= now) {
            srv->waiting[i] = srv->waiting[--srv->nwaiting];
            c->listed = false;
            MHD_resume_connection(c->r.conn);
        } else {
            i++;
        }
    }
    (void)pthread_mutex_unlock(&srv->wait_mu);
}

static bool content_length_too_big(const struct conn_req *c)
{
    const char *cl = ordo_sandbox_header(&c->r, "Content-Length");
    unsigned long long n;
    char *end = NULL;

    if (!cl) {
        return false;
    }
    n = strtoull(cl, &end, 10);
    return *end != '\0' || n > ORDO_SANDBOX_MAX_BODY;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    struct conn_req *c = *con_cls ? *con_cls : uri_cb(cls, url, conn);
    int delay_ms;

    (void)version;
    *con_cls = c;
    if (c->phase == PHASE_NEW) {
        c->phase = PHASE_BODY;
        c->r.method = ordo_arena_strdup(c->r.arena, method);
        c->r.path = ordo_arena_strdup(c->r.arena, url);
        if (!content_length_too_big(c)) {
            return MHD_YES;
        }
        c->r.too_big = true; /* refuse before the client sends it */
        (void)ordo_sandbox_begin(c->srv->sb, &c->r);
        ordo_sandbox_answer(c->srv->sb, &c->r);
        return queue(c);
    }
    if (*upload_size) {
        take_body(c, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (c->phase == PHASE_DONE) {
        return MHD_YES;
    }
    if (c->phase == PHASE_BODY) {
        c->r.body = c->body ? c->body : "";
        c->r.body_len = c->body_len;
        delay_ms = ordo_sandbox_begin(c->srv->sb, &c->r);
        if (delay_ms > 0 && suspend_until(c, delay_ms)) {
            return MHD_YES;
        }
    }
    ordo_sandbox_answer(c->srv->sb, &c->r);
    return queue(c);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct server *srv = cls;
    struct conn_req *c = *con_cls;

    (void)conn;
    (void)toe;
    if (!c) {
        return;
    }
    (void)pthread_mutex_lock(&srv->wait_mu);
    for (size_t i = 0; c->listed && i < srv->nwaiting; i++) {
        if (srv->waiting[i] == c) {
            srv->waiting[i] = srv->waiting[--srv->nwaiting];
            c->listed = false;
        }
    }
    (void)pthread_mutex_unlock(&srv->wait_mu);
    /* The client left while a fault's delay held its answer (it timed out, as a test of
     * timeouts wants), and libmicrohttpd saw that before it gave the request back: the call
     * reached the service all the same, so it is answered and recorded now, as a real service
     * acts on a request it has received. */
    if (c->phase == PHASE_WAITING) {
        ordo_sandbox_answer(srv->sb, &c->r);
    }
    free(c->body);
    ordo_arena_free(c->r.arena);
    free(c);
    *con_cls = NULL;
    atomic_fetch_sub(&srv->inflight, 1);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[256];

    (void)cls;
    (void)vsnprintf(msg, sizeof msg, fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    ordo_log(ORDO_LOG_WARN, "sandbox", "libmicrohttpd reports a problem", ORDO_STR("detail", msg));
}

static bool server_start(struct server *srv, int port)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    const union MHD_DaemonInfo *info;

    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* loopback only, whatever else changes */
    (void)pthread_mutex_init(&srv->wait_mu, NULL);
    srv->daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
            MHD_USE_ERROR_LOG,
        0, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)THREADS, MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONN_TIMEOUT_S, MHD_OPTION_URI_LOG_CALLBACK,
        uri_cb, srv, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_END);
    if (!srv->daemon) {
        (void)pthread_mutex_destroy(&srv->wait_mu);
        return false;
    }
    info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    (void)snprintf(srv->base_url, sizeof srv->base_url, "http://127.0.0.1:%u",
                   info ? (unsigned)info->port : (unsigned)port);
    return true;
}

/* Answer the parked requests at once, give the requests in flight a moment, then stop.
 * MHD_quiesce_daemon() is not used: with a thread pool on epoll it can race a worker that is
 * taking the listen socket out of its epoll set and abort the process ("Failed to remove
 * listen FD from epoll set"), and a sandbox loses nothing by accepting a little longer. */
static void server_stop(struct server *srv)
{
    int64_t deadline = ordo_clock_mono_ns() + (int64_t)STOP_GRACE_MS * 1000000;

    (void)pthread_mutex_lock(&srv->wait_mu); /* nothing parks after this */
    atomic_store(&srv->stopping, true);
    (void)pthread_mutex_unlock(&srv->wait_mu);
    resume_due(srv, true);
    while (atomic_load(&srv->inflight) > 0 && ordo_clock_mono_ns() < deadline) {
        struct timespec ts = {0, 10L * 1000000};

        (void)nanosleep(&ts, NULL);
    }
    MHD_stop_daemon(srv->daemon);
    (void)pthread_mutex_destroy(&srv->wait_mu);
    free(srv->waiting);
}

/* ---- the program ----------------------------------------------------------------------------- */

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    (void)sig;
    stop_signal = 1;
}

static void catch_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    (void)sigemptyset(&sa.sa_mask);
    (void)sigaction(SIGTERM, &sa, NULL);
    (void)sigaction(SIGINT, &sa, NULL);
}

struct options {
    int port;
    const char *ready_file;
    const char *state_file;
    const char *creds[5]; /* in the order of cred_flags */
    pid_t parent;         /* stop when our parent is no longer this process; 0: never */
};

/* Flags that override one member of the state's "credentials". */
static const struct {
    const char *flag;
    const char *key;
} cred_flags[] = {
    {"--slack-token", "slack_bot_token"},   {"--jira-email", "jira_email"},
    {"--jira-token", "jira_api_token"},     {"--github-token", "github_token"},
    {"--bamboohr-key", "bamboohr_api_key"},
};

static const char usage[] =
    "usage: ordo-sandbox [--port N] [--ready-file PATH] [--state FILE.json] [--log-level LEVEL]\n"
    "                    [--slack-token T] [--jira-email E] [--jira-token T] [--github-token T]\n"
    "                    [--bamboohr-key K] [--parent PID]\n"
    "Stand-ins for Slack, Jira Cloud, GitHub and BambooHR on 127.0.0.1 (docs/sandbox.md).\n"
    "--port 0 (the default) takes any free port; the URL is printed and written to the ready\n"
    "file as {\"url\":\"http://127.0.0.1:PORT\",\"pid\":N}. With --parent PID it stops when\n"
    "that process, its parent, is gone (ordo serve --demo passes its own).\n";

/* Is argv[*i] the flag 'name', as "--name value" or "--name=value"? Then '*value' is its value
 * (NULL when it is missing) and *i has moved past it. */
static bool flag_value(int argc, char **argv, int *i, const char *name, const char **value)
{
    const char *arg = argv[*i];
    size_t n = strlen(name);

    if (strncmp(arg, name, n) != 0 || (arg[n] != '=' && arg[n] != '\0')) {
        return false;
    }
    *value = NULL;
    if (arg[n] == '=') {
        *value = arg + n + 1;
    } else if (*i + 1 < argc) {
        *value = argv[++*i];
    }
    return true;
}

/* NULL, or what is wrong with the value of --port. */
static const char *parse_port(const char *v, struct options *o)
{
    int64_t port = ordo_sandbox_parse_count(v, 0);

    if (port < 0 || port > 65535) {
        return "--port needs a number from 0 to 65535";
    }
    o->port = (int)port;
    return NULL;
}

/* The value of a flag: one problem message per flag, printed once by the caller. */
static const char *parse_flag(int argc, char **argv, int *i, struct options *o, bool *known)
{
    static char why[ORDO_ERR_MSG_SIZE];
    struct ordo_err err = {0};
    const char *v = NULL;

    *known = true;
    if (flag_value(argc, argv, i, "--port", &v)) {
        return parse_port(v, o);
    }
    if (flag_value(argc, argv, i, "--ready-file", &o->ready_file)) {
        return o->ready_file ? NULL : "--ready-file needs a path";
    }
    if (flag_value(argc, argv, i, "--parent", &v)) {
        o->parent = v ? (pid_t)ordo_sandbox_parse_count(v, 0) : -1;
        return o->parent > 1 ? NULL : "--parent needs a process id";
    }
    if (flag_value(argc, argv, i, "--state", &o->state_file)) {
        return o->state_file ? NULL : "--state needs a path";
    }
    if (flag_value(argc, argv, i, "--log-level", &v)) {
        if (v && ordo_log_level_parse(v, &ordo_log_threshold, &err) == ORDO_OK) {
            return NULL;
        }
        (void)snprintf(why, sizeof why, "%s",
                       v ? ordo_err_message(&err) : "--log-level needs a level");
        return why;
    }
    for (size_t k = 0; k < sizeof cred_flags / sizeof cred_flags[0]; k++) {
        if (flag_value(argc, argv, i, cred_flags[k].flag, &o->creds[k])) {
            return o->creds[k] ? NULL : "a credential flag needs a value";
        }
    }
    *known = false;
    return "unknown option";
}

/* 0 to go on, -1 to exit 0 (after --help), else the exit status. */
static int parse_args(int argc, char **argv, struct options *o)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *why;
        bool known;

        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            (void)fputs(usage, stdout);
            return -1;
        }
        why = parse_flag(argc, argv, &i, o, &known);
        if (why && known) {
            (void)fprintf(stderr, "ordo-sandbox: %s\n", why);
            return 2;
        }
        if (why) {
            (void)fprintf(stderr, "ordo-sandbox: unknown option \"%s\"\n%s", arg, usage);
            return 2;
        }
    }
    return 0;
}

static json_t *load_seed(const struct options *o)
{
    char why[256];
    json_t *seed = ordo_sandbox_seed(o->state_file, ordo_clock_wall_ms(), why, sizeof why);
    json_t *creds = json_object_get(seed, "credentials");

    if (!seed) {
        (void)fprintf(stderr, "ordo-sandbox: %s\n", why);
        return NULL;
    }
    for (size_t k = 0; k < sizeof cred_flags / sizeof cred_flags[0]; k++) {
        if (o->creds[k]) {
            (void)json_object_set_new(creds, cred_flags[k].key, json_string(o->creds[k]));
        }
    }
    return seed;
}

static bool announce(const struct server *srv, const struct options *o)
{
    char line[128];
    struct ordo_err err = {0};

    (void)snprintf(line, sizeof line, "{\"url\":\"%s\",\"pid\":%ld}\n", srv->base_url,
                   (long)getpid());
    if (o->ready_file &&
        ordo_file_write_atomic(o->ready_file, line, strlen(line), &err) != ORDO_OK) {
        ordo_log(ORDO_LOG_ERROR, "sandbox", "could not write the ready file",
                 ORDO_STR("path", o->ready_file), ORDO_STR("reason", ordo_err_message(&err)));
        return false;
    }
    (void)fputs(line, stdout);
    (void)fflush(stdout);
    ordo_log(ORDO_LOG_INFO, "sandbox", "listening", ORDO_STR("url", srv->base_url),
             ORDO_STR("notice", "stand-ins for Slack, Jira, GitHub and BambooHR; not the real "
                                "services"));
    return true;
}

int main(int argc, char **argv)
{
    struct options o = {0};
    struct server srv = {0};
    int rc = parse_args(argc, argv, &o);
    json_t *seed;

    if (rc != 0) {
        return rc < 0 ? 0 : rc;
    }
    seed = load_seed(&o);
    if (!seed) {
        return 2;
    }
    (void)curl_global_init(CURL_GLOBAL_DEFAULT); /* before any thread: the webhook sender */
    srv.sb = ordo_sandbox_new(seed);
    catch_signals();
    if (!server_start(&srv, o.port)) {
        ordo_log(ORDO_LOG_ERROR, "sandbox", "could not listen on 127.0.0.1",
                 ORDO_INT("port", o.port));
        ordo_sandbox_free(srv.sb);
        return 1;
    }
    rc = announce(&srv, &o) ? 0 : 1;
    while (rc == 0 && !stop_signal) {
        struct timespec ts = {0, 10L * 1000000};

        (void)nanosleep(&ts, NULL);
        resume_due(&srv, false);
        /* The server that started us is gone (even by SIGKILL): so are we. */
        if (o.parent > 1 && getppid() != o.parent) {
            break;
        }
    }
    server_stop(&srv);
    if (rc == 0 && o.ready_file) {
        (void)unlink(o.ready_file); /* it names a process that is gone */
    }
    ordo_sandbox_free(srv.sb);
    curl_global_cleanup();
    ordo_log(ORDO_LOG_INFO, "sandbox", "stopped");
    return rc;
}
