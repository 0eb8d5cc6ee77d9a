/*
 * plugins/host.c - the host table connectors call, and the host's
 * lifecycle (see host.h). Running jobs is in runner.c.
 *
 * The HTTP function is where the SDK's promise "the host never sleeps on
 * a 429" is kept: a throttling answer is not handed to the plugin but
 * turned into RETRY with the server's delay, and the credential is
 * blocked for that long on every node (plugins/throttle.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/pg.h"
#include "base/text.h"
#include "plugins/host_internal.h"
#include "plugins/throttle.h"

#define HOST_MAX_HEADERS 64u

/* ---- per-thread resources ---- */

static void free_worker_cb(void *p)
{
    struct host_worker *w = p;

    ordo_httpc_free(w->http);
    if (w->db) {
        PQfinish(w->db);
    }
    free(w);
}

struct host_worker *ordo_host_worker(struct ordo_plugin_host *h, struct ordo_err *err)
{
    struct host_worker *w = pthread_getspecific(h->worker_key);

    if (w) {
        return w;
    }
    w = calloc(1, sizeof *w);
    if (!w) {
        ordo_oom(sizeof *w);
    }
    if (ordo_httpc_new(&h->policy, &w->http, err) != ORDO_OK) {
        free(w);
        return NULL;
    }
    (void)pthread_setspecific(h->worker_key, w);
    return w;
}

PGconn *ordo_host_db(struct ordo_plugin_host *h, struct host_worker *w, struct ordo_err *err)
{
    if (w->db && ordo_pg_broken(w->db)) {
        PQfinish(w->db);
        w->db = NULL;
    }
    if (!w->db && ordo_pg_connect(h->conninfo, &w->db, err) != ORDO_OK) {
        w->db = NULL;
    }
    return w->db;
}

/* ---- redaction ---- */

void ordo_host_redact(const struct ordo_connector_host_ctx *ctx, char *buf, size_t size)
{
    struct ordo_buf out = ORDO_BUF_INIT;
    size_t len = strnlen(buf, size);

    if (ctx->nsecrets == 0 ||
        ordo_text_redact(&out, buf, len, ctx->secrets, ctx->nsecrets, len + 1 >= size) == 0) {
        ordo_buf_cleanup(&out);
        return;
    }
    (void)snprintf(buf, size, "%.*s", (int)out.len, out.data);
    ordo_buf_cleanup(&out);
}

/* ---- the table ---- */

/* RETRY or FAIL details for the plugin: 'what' and an optional detail. */
static void set_outcome(struct ordo_connector_outcome *out, int64_t retry_after_ms,
                        const char *what, const char *detail)
{
    out->retry_after_ms = retry_after_ms > 0 ? retry_after_ms : 0;
    (void)snprintf(out->message, sizeof out->message, "%s%s%s", what, detail ? ": " : "",
                   detail ? detail : "");
}

/* A throttling answer: 429; 403 or 503 with Retry-After or an exhausted
 * rate-limit header (GitHub's primary and secondary limits). Its delay in
 * '*delay_ms' (-1: none given). */
static bool throttled(const struct ordo_httpc *c, const struct ordo_httpc_response *r,
                      int64_t *delay_ms)
{
    const char *remaining = ordo_httpc_header(c, "x-ratelimit-remaining");
    const char *reset = ordo_httpc_header(c, "x-ratelimit-reset");
    bool exhausted = remaining && strcmp(remaining, "0") == 0;

    *delay_ms = r->retry_after_ms;
    if (*delay_ms < 0 && exhausted && reset) {
        char *end = NULL;
        long long at = strtoll(reset, &end, 10); /* epoch seconds */

        *delay_ms = end && *end == '\0' && at > 0 && at < INT64_MAX / 1000
                        ? at * 1000 - ordo_clock_wall_ms()
                        : 0;
        *delay_ms = *delay_ms < 0 ? 0 : *delay_ms;
    }
    /* The delay is capped where it takes effect: ordo_throttle_block() for
     * the credential, the runner for the job (ORDO_THROTTLE_MAX_WAIT_MS). */
    if (r->status == 429) {
        return true;
    }
    return (r->status == 403 || r->status == 503) && (r->retry_after_ms >= 0 || exhausted);
}

/* A throttled credential waits on every node. A failure to record it is
 * logged: the retry still waits on this job. */
static void block_credential(struct ordo_connector_host_ctx *ctx, int64_t delay_ms)
{
    struct ordo_err err = {0};
    PGconn *db;

    if (ctx->credential_id <= 0 || delay_ms <= 0) {
        return;
    }
    db = ordo_host_db(ctx->host, ctx->worker, &err);
    if (!db || ordo_throttle_block(db, ctx->credential_id, delay_ms, &err) != ORDO_OK) {
        ordo_log(ORDO_LOG_WARN, "plugins", "could not record a rate limit",
                 ORDO_STR("connector", ctx->plugin->desc->name), ORDO_STR("reason", err.msg));
    }
}

/* The answer's status as the SDK's result (see connector.h's 'http'). */
static enum ordo_connector_result judge(struct ordo_connector_host_ctx *ctx,
                                        const struct ordo_httpc_response *r,
                                        struct ordo_connector_outcome *out)
{
    int64_t delay = -1;
    char status[16];

    (void)snprintf(status, sizeof status, "%ld", r->status);
    if (throttled(ctx->worker->http, r, &delay)) {
        block_credential(ctx, delay);
        set_outcome(out, delay, "rate limited by the service, retrying later; HTTP status", status);
        return ORDO_CONNECTOR_RETRY;
    }
    if (r->status == 502 || r->status == 504) {
        set_outcome(out, 0, "the service's gateway failed, retrying; HTTP status", status);
        return ORDO_CONNECTOR_RETRY;
    }
    return ORDO_CONNECTOR_OK;
}

static enum ordo_connector_result host_http(struct ordo_connector_host_ctx *ctx,
                                            const struct ordo_connector_http_request *req,
                                            struct ordo_connector_http_response *resp,
                                            struct ordo_connector_outcome *out)
{
    struct ordo_httpc_header headers[HOST_MAX_HEADERS];
    struct ordo_httpc_request hr = {.method = req->method,
                                    .url = req->url,
                                    .headers = headers,
                                    .nheaders = req->nheaders,
                                    .body = req->body,
                                    .body_len = req->body_len,
                                    .max_redirects = (int)req->max_redirects,
                                    .secrets = ctx->secrets,
                                    .nsecrets = ctx->nsecrets};
    struct ordo_httpc_response r = {0};
    struct ordo_err err = {0};
    int64_t left = ctx->deadline_ms - ordo_clock_wall_ms();
    enum ordo_code rc;

    memset(resp, 0, sizeof *resp);
    if (req->nheaders > HOST_MAX_HEADERS) {
        set_outcome(out, 0, "the connector sent too many request headers", NULL);
        return ORDO_CONNECTOR_FAIL;
    }
    for (size_t i = 0; i < req->nheaders; i++) {
        headers[i].name = req->headers[i].name;
        headers[i].value = req->headers[i].value;
    }
    if (left <= 0) {
        set_outcome(out, 0, "the call ran out of time before its request", NULL);
        return ORDO_CONNECTOR_RETRY;
    }
    hr.timeout_ms = req->timeout_ms && req->timeout_ms < left ? req->timeout_ms : left;
    rc = ordo_httpc_do(ctx->worker->http, &hr, &r, &err);
    if (rc != ORDO_OK) {
        set_outcome(out, 0, err.msg, NULL); /* httpc's messages carry no secrets */
        /* Only timeouts and the network may change by retrying; a blocked
         * address, a bad URL, a redirect loop or an oversized answer will not. */
        return rc == ORDO_E_TIMEOUT || rc == ORDO_E_AGAIN ? ORDO_CONNECTOR_RETRY
                                                          : ORDO_CONNECTOR_FAIL;
    }
    resp->status = r.status;
    resp->body = r.body;
    resp->body_len = r.body_len;
    return judge(ctx, &r, out);
}

static const char *host_http_header(struct ordo_connector_host_ctx *ctx, const char *name)
{
    return ordo_httpc_header(ctx->worker->http, name);
}

static void host_log(struct ordo_connector_host_ctx *ctx, int level, const char *message)
{
    static const enum ordo_log_level levels[] = {ORDO_LOG_DEBUG, ORDO_LOG_INFO, ORDO_LOG_WARN,
                                                 ORDO_LOG_ERROR};
    char msg[512];

    (void)snprintf(msg, sizeof msg, "%s", message ? message : "");
    ordo_host_redact(ctx, msg, sizeof msg);
    level = level < 0 ? 0 : level > 3 ? 3 : level;
    ordo_log(levels[level], "connector", "connector message",
             ORDO_STR("connector", ctx->plugin->desc->name), ORDO_STR("action", ctx->action),
             ORDO_STR("detail", msg));
}

/* ---- lifecycle ---- */

enum ordo_code ordo_plugin_host_new(const struct ordo_plugin_host_options *opts,
                                    struct ordo_plugin_host **out, struct ordo_err *err)
{
    struct ordo_plugin_host *h = calloc(1, sizeof *h);

    if (!h) {
        ordo_oom(sizeof *h);
    }
    h->table.size = (uint32_t)sizeof h->table;
    h->table.abi = ORDO_CONNECTOR_ABI;
    h->table.http = host_http;
    h->table.http_header = host_http_header;
    h->table.log = host_log;
    if (opts->http) {
        h->policy = *opts->http; /* the allow list it points at outlives the host */
    }
    h->vault = opts->vault;
    h->conninfo = strdup(opts->conninfo ? opts->conninfo : "");
    if (!h->conninfo) {
        ordo_oom(0);
    }
    if (pthread_key_create(&h->worker_key, free_worker_cb) != 0) {
        free(h->conninfo);
        free(h);
        return ordo_err_set(err, ORDO_E_INTERNAL, "could not create the plugin host's thread key");
    }
    h->handlers.ctx = h;
    h->handlers.run = ordo_host_run_job;
    *out = h;
    return ORDO_OK;
}

const struct ordo_connector_host *ordo_plugin_host_table(const struct ordo_plugin_host *h)
{
    return &h->table;
}

void ordo_plugin_host_attach(struct ordo_plugin_host *h, const struct ordo_registry *reg)
{
    h->reg = reg;
    h->handlers.types = ordo_registry_action_ids(reg, &h->handlers.ntypes);
}

const struct ordo_job_handlers *ordo_plugin_host_handlers(struct ordo_plugin_host *h)
{
    return &h->handlers;
}

void ordo_plugin_host_free(struct ordo_plugin_host *h)
{
    struct host_worker *w;

    if (!h) {
        return;
    }
    /* The calling thread's own resources; executor threads freed theirs
     * when they ended. */
    w = pthread_getspecific(h->worker_key);
    if (w) {
        free_worker_cb(w);
    }
    pthread_key_delete(h->worker_key);
    free(h->conninfo);
    free(h);
}
