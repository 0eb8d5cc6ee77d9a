/*
 * server/api_wait.c - the routes that wait, holding neither a thread nor a
 * database connection while they do (CONTRACTS §6 handler kinds):
 *
 *   GET /api/instances/{key}/wait?timeout=S   (deferred) answers the
 *       instance as soon as it is no longer active, or after S seconds
 *       (default 30, at most 120) as it is then; woken by the engine's
 *       change notifications (server/waker.h).
 *   GET /api/events?instanceKey=&cursor=      (stream) the audit log as
 *       server-sent events, from now or from a cursor (also the
 *       Last-Event-ID header): "id: TX.SEQ", "event: audit", "data: row";
 *       a comment line every 15 s keeps proxies from closing it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "core/query.h"
#include "core/store.h"
#include "server/api.h"

#define WAIT_DEFAULT_S 30
#define WAIT_MAX_S     120
#define PING_MS        15000
#define TAIL_BATCH     100

/* ---- GET /api/instances/{key}/wait --------------------------------------------------------- */

static enum ordo_code look(struct ordo_http_req *req, int64_t key, json_t **inst,
                           struct ordo_err *err)
{
    struct ordo_api *api = ordo_http_app(req);
    struct ordo_store *st = NULL;
    enum ordo_code rc = ordo_api_borrow(api, &st, err);

    if (rc == ORDO_OK) {
        rc = ordo_query_get_instance(st, key, inst, err);
    }
    ordo_api_return(api, st); /* not held while waiting */
    return rc;
}

enum ordo_code ordo_api_instance_wait(struct ordo_http_req *req, struct ordo_err *err)
{
    const char *t = ordo_http_query(req, "timeout");
    char *end = NULL;
    long timeout = t ? strtol(t, &end, 10) : WAIT_DEFAULT_S;
    json_t *inst = NULL;
    int64_t key;
    enum ordo_code rc = ordo_http_param_key(req, 0, &key, err);

    if (rc == ORDO_OK && t && (end == t || *end || timeout < 0 || timeout > WAIT_MAX_S)) {
        rc = ordo_err_set(err, ORDO_E_UNPROCESSABLE, "timeout must be 0..%d seconds", WAIT_MAX_S);
    }
    if (rc == ORDO_OK) {
        rc = look(req, key, &inst, err);
    }
    if (rc != ORDO_OK) {
        return rc;
    }
    if (timeout > 0 && !ordo_http_timed_out(req) &&
        strcmp(json_string_value(json_object_get(inst, "state")), "active") == 0) {
        json_decref(inst);
        ordo_http_defer(req, (int64_t)timeout * 1000);
        return ORDO_OK;
    }
    ordo_http_reply_json(req, 200, inst);
    return ORDO_OK;
}

/* ---- GET /api/events ------------------------------------------------------------------------- */

struct tail {
    struct ordo_api *api;
    char *cursor;
    char *instance;          /* a key filter, or NULL */
    struct ordo_buf pending; /* events not yet written */
    size_t sent;             /* bytes of 'pending' written */
    int64_t last_write_ms;
};

static void tail_free_cb(void *p)
{
    struct tail *t = p;

    ordo_buf_cleanup(&t->pending);
    free(t->cursor);
    free(t->instance);
    free(t);
}

/* Append the rows after the cursor as events; false when the database
 * could not be read (the stream ends; the client reconnects with its
 * Last-Event-ID). */
static bool fetch(struct tail *t)
{
    struct ordo_store *st = NULL;
    struct ordo_err err = {0};
    json_t *page = NULL, *row;
    const char *next;
    size_t i;
    enum ordo_code rc = ordo_api_borrow(t->api, &st, &err);

    if (rc == ORDO_OK) {
        rc = ordo_query_audit_tail(st, t->cursor, t->instance, TAIL_BATCH, &page, &err);
    }
    ordo_api_return(t->api, st);
    if (rc != ORDO_OK) {
        ordo_log(ORDO_LOG_WARN, "http", "event stream ended", ORDO_STR("reason", err.msg));
        return false;
    }
    next = json_string_value(json_object_get(page, "cursor"));
    json_array_foreach(json_object_get(page, "items"), i, row)
    {
        char *data = json_dumps(row, JSON_COMPACT);

        ordo_buf_printf(&t->pending, "event: audit\ndata: %s\n", data ? data : "{}");
        if (i + 1 == json_array_size(json_object_get(page, "items"))) {
            ordo_buf_printf(&t->pending, "id: %s\n", next); /* resume after the batch */
        }
        ordo_buf_putc(&t->pending, '\n');
        free(data);
    }
    free(t->cursor);
    t->cursor = strdup(next);
    json_decref(page);
    return t->cursor != NULL;
}

static long tail_read(void *ctx, char *buf, size_t max)
{
    struct tail *t = ctx;
    size_t n;

    if (t->sent == t->pending.len) {
        ordo_buf_reset(&t->pending);
        t->sent = 0;
        if (!fetch(t)) {
            return -1;
        }
        if (t->pending.len == 0 && ordo_clock_mono_ms() - t->last_write_ms >= PING_MS) {
            ordo_buf_puts(&t->pending, ": ping\n\n");
        }
        if (t->pending.len == 0) {
            return 0; /* wait for a change or the tick */
        }
    }
    n = t->pending.len - t->sent < max ? t->pending.len - t->sent : max;
    memcpy(buf, t->pending.data + t->sent, n);
    t->sent += n;
    t->last_write_ms = ordo_clock_mono_ms();
    return (long)n;
}

enum ordo_code ordo_api_events(struct ordo_http_req *req, struct ordo_err *err)
{
    const char *cursor = ordo_http_query(req, "cursor");
    const char *instance = ordo_http_query(req, "instanceKey");
    struct ordo_api *api = ordo_http_app(req);
    struct ordo_store *st = NULL;
    json_t *probe = NULL;
    struct tail *t;
    enum ordo_code rc;

    if (!cursor) {
        cursor = ordo_http_header(req, "Last-Event-ID");
    }
    /* Check the cursor and the filter now, so bad ones get a 4xx, not a stream. */
    rc = ordo_api_borrow(api, &st, err);
    if (rc == ORDO_OK) {
        rc = ordo_query_audit_tail(st, cursor, instance, 1, &probe, err);
    }
    ordo_api_return(api, st);
    if (rc != ORDO_OK) {
        return rc;
    }
    t = calloc(1, sizeof *t);
    if (!t) {
        ordo_oom(sizeof *t);
    }
    t->api = api;
    t->cursor = strdup(cursor ? cursor : json_string_value(json_object_get(probe, "cursor")));
    t->instance = instance ? strdup(instance) : NULL;
    t->last_write_ms = ordo_clock_mono_ms();
    ordo_buf_init(&t->pending);
    json_decref(probe);
    if (!t->cursor || (instance && !t->instance)) {
        ordo_oom(64);
    }
    ordo_buf_puts(&t->pending, "retry: 2000\n\n"); /* first bytes: the client knows it is open */
    ordo_http_reply_header(req, "X-Accel-Buffering", "no");
    ordo_http_stream(req, tail_read, t, tail_free_cb);
    return ORDO_OK;
}
