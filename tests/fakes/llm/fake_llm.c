/*
 * tests/fakes/llm/fake_llm.c - ordo-fake-llm: a stand-in for the LLM APIs the generator talks
 * to (generator/llm.h), for tests only; the product never starts it.
 *
 *   ordo-fake-llm [--port N] [--api-key KEY] [--script FILE]
 *
 * One libmicrohttpd daemon on 127.0.0.1, a thread per connection (a scripted delay just
 * sleeps). Once it listens it prints {"url":"http://127.0.0.1:PORT","pid":N} on stdout;
 * SIGTERM or SIGINT stop it with exit status 0; bad usage exits 2, a port it cannot have 1.
 *
 * The three wire formats, each checked for the shape the real API demands, answered with
 * the real API's error body and status otherwise (wire.c lists the checks):
 *   POST /v1/chat/completions   OpenAI-compatible (Bearer key; strict json_schema rules)
 *   POST /v1/messages           Anthropic Messages (x-api-key, anthropic-version, max_tokens)
 *   POST /api/chat              Ollama (stream true, or missing, answers NDJSON as Ollama does)
 * With --api-key, the key sent must be that one (401 otherwise). --script FILE queues the
 * items of FILE (as POST /_fake/script would) before it listens: shell tests need no HTTP.
 *
 * What the model "writes" comes from a script, one item per request, in order:
 *   POST /_fake/script  an item, an array of items, or {"answers": [...]}; items are
 *       {"ir": {...}}            the object, wrapped in the provider's format
 *       {"raw": "text"}          the model's text as it is (not JSON, say)
 *       {"refusal": "text"}      a refusal (OpenAI refusal, Anthropic stop_reason refusal)
 *       {"truncated": true, ...} cut off at the token limit (finish_reason length, ...)
 *       {"status": 429, "retry_after": 1, "message": "..."}  an HTTP error, with Retry-After
 *   and, on any item, "delay_ms": N (sleep first) and "usage": {"prompt": P, "completion": C}
 *   (else about a token per 4 bytes). With the script empty a provider route answers 500.
 *   POST /_fake/reset   forget the script and the requests
 *   GET /_fake/requests {"requests": [{"provider", "path", "headers": {...}, "body": ...}]}
 *       every provider request received, oldest first, its body parsed when it is JSON
 */
#include "tests/fakes/llm/fake_llm.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <microhttpd.h>

#define MAX_BODY ((size_t)16 * 1024 * 1024)

struct conn {
    char *body;
    size_t len, cap;
    bool too_big;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static json_t *script;   /* items not yet answered */
static json_t *requests; /* what came in */
static const char *api_key;
static long answer_seq;

/* ---- bodies in ------------------------------------------------------------------------------- */

static void take(struct conn *c, const char *data, size_t len)
{
    if (c->too_big || len > MAX_BODY - c->len) {
        c->too_big = true;
        return;
    }
    if (c->len + len + 1 > c->cap) {
        size_t cap = c->cap ? c->cap : 4096;
        char *p;

        while (cap < c->len + len + 1) {
            cap *= 2;
        }
        p = realloc(c->body, cap);
        if (!p) {
            abort();
        }
        c->body = p;
        c->cap = cap;
    }
    memcpy(c->body + c->len, data, len);
    c->len += len;
    c->body[c->len] = '\0';
}

/* ---- answers out ----------------------------------------------------------------------------- */

static enum MHD_Result send_text(struct MHD_Connection *conn, unsigned status, const char *type,
                                 const char *text, long retry_after)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ok;
    char ra[32];

    if (!r) {
        return MHD_NO;
    }
    (void)MHD_add_response_header(r, "Content-Type", type);
    if (retry_after >= 0) {
        (void)snprintf(ra, sizeof ra, "%ld", retry_after);
        (void)MHD_add_response_header(r, "Retry-After", ra);
    }
    ok = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ok;
}

/* Send 'json' (a reference this takes) with 'status'. */
static enum MHD_Result send_json(struct MHD_Connection *conn, unsigned status, json_t *json,
                                 long retry_after)
{
    char *text = json_dumps(json, JSON_COMPACT);
    enum MHD_Result ok;

    json_decref(json);
    if (!text) {
        return MHD_NO;
    }
    ok = send_text(conn, status, "application/json", text, retry_after);
    free(text);
    return ok;
}

/* An error as the provider writes it. */
static json_t *error_body(enum fake_llm_provider p, unsigned status, const char *msg)
{
    const char *type = status == 401   ? "authentication_error"
                       : status == 429 ? "rate_limit_error"
                       : status >= 500 ? "api_error"
                                       : "invalid_request_error";

    if (p == FAKE_LLM_OLLAMA) {
        return json_pack("{s:s}", "error", msg);
    }
    if (p == FAKE_LLM_ANTHROPIC) {
        return json_pack("{s:s, s:{s:s, s:s}}", "type", "error", "error", "type", type, "message",
                         msg);
    }
    return json_pack("{s:{s:s, s:s, s:n, s:n}}", "error", "message", msg, "type", type, "param",
                     "code");
}

static enum MHD_Result send_error(struct MHD_Connection *conn, enum fake_llm_provider p,
                                  unsigned status, const char *msg, long retry_after)
{
    return send_json(conn, status, error_body(p, status, msg), retry_after);
}

/* ---- the script and the record --------------------------------------------------------------- */

static void record(enum fake_llm_provider p, struct MHD_Connection *conn, const char *path,
                   const struct conn *c, const json_t *body)
{
    static const char *const names[] = {"Authorization", "x-api-key", "anthropic-version",
                                        "Content-Type"};
    json_t *headers = json_object();
    json_t *kept =
        body ? json_incref((json_t *)body) : json_stringn(c->body ? c->body : "", c->len);

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, names[i]);

        if (v) {
            (void)json_object_set_new(headers, names[i], json_string(v));
        }
    }
    (void)pthread_mutex_lock(&mu);
    (void)json_array_append_new(requests, json_pack("{s:s, s:s, s:o, s:o}", "provider",
                                                    ordo_fakellm_provider_name(p), "path", path,
                                                    "headers", headers, "body", kept));
    (void)pthread_mutex_unlock(&mu);
}

/* The next item of the script (a new reference), or NULL; its number in '*seq'. */
static json_t *next_item(long *seq)
{
    json_t *item;

    (void)pthread_mutex_lock(&mu);
    item = json_incref(json_array_get(script, 0));
    if (item) {
        (void)json_array_remove(script, 0);
    }
    *seq = ++answer_seq;
    (void)pthread_mutex_unlock(&mu);
    return item;
}

static int add_items(const json_t *doc)
{
    const json_t *list = json_is_array(doc) ? doc : json_object_get(doc, "answers");
    size_t i;
    json_t *item;
    int n;

    (void)pthread_mutex_lock(&mu);
    if (json_is_array(list)) {
        json_array_foreach(list, i, item)
        {
            (void)json_array_append(script, item);
        }
    } else {
        (void)json_array_append(script, (json_t *)doc);
    }
    n = (int)json_array_size(script);
    (void)pthread_mutex_unlock(&mu);
    return n;
}

static enum MHD_Result control(struct MHD_Connection *conn, const char *method, const char *path,
                               const json_t *body)
{
    json_t *copy;

    if (strcmp(path, "/_fake/requests") == 0 && strcmp(method, "GET") == 0) {
        (void)pthread_mutex_lock(&mu);
        copy = json_deep_copy(requests);
        (void)pthread_mutex_unlock(&mu);
        return send_json(conn, 200, json_pack("{s:o}", "requests", copy), -1);
    }
    if (strcmp(path, "/_fake/reset") == 0 && strcmp(method, "POST") == 0) {
        (void)pthread_mutex_lock(&mu);
        (void)json_array_clear(script);
        (void)json_array_clear(requests);
        (void)pthread_mutex_unlock(&mu);
        return send_json(conn, 200, json_object(), -1);
    }
    if (strcmp(path, "/_fake/script") == 0 && strcmp(method, "POST") == 0) {
        if (!json_is_object(body) && !json_is_array(body)) {
            return send_json(conn, 400, json_pack("{s:s}", "error", "a JSON item or list"), -1);
        }
        return send_json(conn, 201, json_pack("{s:i}", "queued", add_items(body)), -1);
    }
    return send_json(conn, 404, json_pack("{s:s}", "error", "no such control route"), -1);
}

/* ---- provider routes ------------------------------------------------------------------------- */

static void sleep_ms(json_int_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};

    if (ms > 0) {
        (void)nanosleep(&ts, NULL);
    }
}

/* The usage of an answer: the item's, else a token per 4 bytes. */
static void usage_of(const json_t *item, size_t prompt_bytes, size_t text_bytes,
                     struct fake_llm_usage *u)
{
    const json_t *usage = json_object_get(item, "usage");
    const json_t *p = json_object_get(usage, "prompt");
    const json_t *c = json_object_get(usage, "completion");

    u->prompt = json_is_integer(p) ? json_integer_value(p) : (json_int_t)(prompt_bytes / 4 + 1);
    u->completion = json_is_integer(c) ? json_integer_value(c) : (json_int_t)(text_bytes / 4 + 1);
}

/* The model's text for an item: the IR dumped, the raw text, or "". malloc'd. */
static char *item_text(const json_t *item)
{
    const json_t *ir = json_object_get(item, "ir");
    const char *raw = json_string_value(json_object_get(item, "raw"));
    char *text = ir ? json_dumps(ir, JSON_COMPACT) : strdup(raw ? raw : "");

    if (!text) {
        abort();
    }
    return text;
}

static enum MHD_Result answer(struct MHD_Connection *conn, enum fake_llm_provider p,
                              const json_t *req, size_t req_bytes)
{
    long seq = 0;
    json_t *item = next_item(&seq);
    const json_t *status = json_object_get(item, "status");
    const json_t *ra = json_object_get(item, "retry_after");
    struct fake_llm_reply reply = {.item = item, .request = req, .seq = seq};
    enum MHD_Result ok;

    if (!item) {
        return send_error(conn, p, 500, "ordo-fake-llm: the script has no answer left", -1);
    }
    sleep_ms(json_integer_value(json_object_get(item, "delay_ms")));
    if (json_is_integer(status) && json_integer_value(status) >= 400) {
        const char *msg = json_string_value(json_object_get(item, "message"));

        ok = send_error(conn, p, (unsigned)json_integer_value(status),
                        msg ? msg : "ordo-fake-llm: scripted error",
                        json_is_integer(ra) ? (long)json_integer_value(ra) : -1);
        json_decref(item);
        return ok;
    }
    reply.text = item_text(item);
    usage_of(item, req_bytes, strlen(reply.text), &reply.usage);
    if (p == FAKE_LLM_OLLAMA && !json_is_false(json_object_get(req, "stream"))) {
        char *nd = ordo_fakellm_ollama_ndjson(&reply);

        ok = send_text(conn, 200, "application/x-ndjson", nd, -1);
        free(nd);
    } else {
        ok = send_json(conn, 200, ordo_fakellm_wrap(p, &reply), -1);
    }
    free(reply.text);
    json_decref(item);
    return ok;
}

static enum MHD_Result provider(struct MHD_Connection *conn, enum fake_llm_provider p,
                                const char *path, const struct conn *c, const json_t *body)
{
    struct fake_llm_check chk = {0};
    const char *auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
    const char *xkey = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "x-api-key");
    const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");

    record(p, conn, path, c, body);
    ordo_fakellm_check_auth(p, auth, xkey, api_key, &chk);
    if (!chk.status && (!ct || strncmp(ct, "application/json", 16) != 0 || !json_is_object(body))) {
        chk.status = 400;
        (void)snprintf(chk.msg, sizeof chk.msg,
                       "the body must be a JSON object sent as "
                       "application/json");
    }
    if (!chk.status) {
        ordo_fakellm_check_body(
            p, body, MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "anthropic-version"), &chk);
    }
    if (chk.status) {
        return send_error(conn, p, chk.status, chk.msg, -1);
    }
    return answer(conn, p, body, c->len);
}

static enum MHD_Result dispatch(struct MHD_Connection *conn, const char *method, const char *path,
                                const struct conn *c)
{
    json_t *body = c->len ? json_loadb(c->body, c->len, JSON_REJECT_DUPLICATES, NULL) : NULL;
    enum fake_llm_provider p;
    enum MHD_Result ok;

    if (c->too_big) {
        ok = send_json(conn, 413, json_pack("{s:s}", "error", "request too large"), -1);
    } else if (strncmp(path, "/_fake/", 7) == 0) {
        ok = control(conn, method, path, body);
    } else if (ordo_fakellm_route(path, &p) && strcmp(method, "POST") == 0) {
        ok = provider(conn, p, path, c, body);
    } else {
        ok = send_json(conn, 404, json_pack("{s:s}", "error", "not found"), -1);
    }
    json_decref(body);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    struct conn *c = *con_cls;

    (void)cls;
    (void)version;
    if (!c) {
        c = calloc(1, sizeof *c);
        if (!c) {
            return MHD_NO;
        }
        *con_cls = c;
        return MHD_YES;
    }
    if (*upload_size) {
        take(c, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    return dispatch(conn, method, url, c);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct conn *c = *con_cls;

    (void)cls;
    (void)conn;
    (void)toe;
    if (c) {
        free(c->body);
        free(c);
        *con_cls = NULL;
    }
}

/* ---- the program ----------------------------------------------------------------------------- */

static int usage(void)
{
    (void)fprintf(stderr, "usage: ordo-fake-llm [--port N] [--api-key KEY] [--script FILE]\n");
    return 2;
}

static bool load_script(const char *path)
{
    json_error_t jerr;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);

    if (!json_is_object(doc) && !json_is_array(doc)) {
        (void)fprintf(stderr, "ordo-fake-llm: %s: %s\n", path, doc ? "not a script" : jerr.text);
        json_decref(doc);
        return false;
    }
    (void)add_items(doc);
    json_decref(doc);
    return true;
}

static struct MHD_Daemon *start(unsigned short port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};

    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                                MHD_USE_ERROR_LOG,
                            0, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR,
                            (struct sockaddr *)&sa, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120, MHD_OPTION_END);
}

int main(int argc, char **argv)
{
    long port = 0;
    const char *script_file = NULL;
    struct MHD_Daemon *d;
    const union MHD_DaemonInfo *info;
    sigset_t set;
    int sig = 0;

    for (int i = 1; i < argc; i++) {
        char *end = NULL;

        if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
            port = strtol(argv[++i], &end, 10);
            if (*end || port < 0 || port > 65535) {
                return usage();
            }
        } else if (strcmp(argv[i], "--api-key") == 0 && i + 1 < argc) {
            api_key = argv[++i];
        } else if (strcmp(argv[i], "--script") == 0 && i + 1 < argc) {
            script_file = argv[++i];
        } else {
            return usage();
        }
    }
    script = json_array();
    requests = json_array();
    if (script_file && !load_script(script_file)) {
        return 2;
    }
    (void)sigemptyset(&set);
    (void)sigaddset(&set, SIGTERM);
    (void)sigaddset(&set, SIGINT);
    (void)pthread_sigmask(SIG_BLOCK, &set, NULL); /* the daemon's threads inherit it */
    d = start((unsigned short)port);
    info = d ? MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT) : NULL;
    if (!info) {
        (void)fprintf(stderr, "ordo-fake-llm: cannot listen on 127.0.0.1:%ld\n", port);
        return 1;
    }
    (void)printf("{\"url\":\"http://127.0.0.1:%u\",\"pid\":%ld}\n", (unsigned)info->port,
                 (long)getpid());
    (void)fflush(stdout);
    (void)sigwait(&set, &sig);
    MHD_stop_daemon(d);
    json_decref(script);
    json_decref(requests);
    return 0;
}
