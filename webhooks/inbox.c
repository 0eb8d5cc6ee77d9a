/*
 * webhooks/inbox.c - workers for stored inbound deliveries.
 */
#include "webhooks/inbox.h"

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "base/pg.h"
#include "bpmn/feel.h"
#include "core/store.h"
#include "webhooks/endpoint.h"
#include "webhooks/verify.h"

struct worker {
    struct ordo_inbox *inbox;
    pthread_t thread;
    bool started;
};

struct ordo_inbox {
    struct ordo_inbox_options opts;
    atomic_bool stop;
    struct worker *workers;
    int nworkers;
};

/* One taken delivery. */
struct delivery {
    int64_t key;
    const char *endpoint, *delivery_id, *headers;
    const uint8_t *body;
    size_t len;
    int attempts;
};

/* What the work came to. */
struct outcome {
    enum ordo_code rc;
    bool permanent; /* no retry */
    char message[ORDO_ERR_MSG_SIZE];
    json_t *result;
    int64_t instance_key;
};

/* ---- the mapping ---------------------------------------------------------------------------- */

static const json_t *lookup_cb(void *ctx, const char *name, size_t len)
{
    return json_object_getn(ctx, name, len);
}

/* Evaluate FEEL 'text' ("=" optional) over 'ctx'. */
static enum ordo_code eval(struct ordo_arena *a, const char *what, const char *text,
                           const json_t *ctx, const char *zone, json_t **out, struct ordo_err *err)
{
    const struct ordo_feel_expr *e;
    struct ordo_feel_env env = {.lookup = lookup_cb,
                                .lookup_ctx = (void *)ctx,
                                .now_ms = ordo_clock_wall_ms(),
                                .timezone = zone};
    struct ordo_err ferr = {0};
    const char *src = text + strspn(text, " \t\r\n");

    src += *src == '=';
    if (ordo_feel_compile(a, src, strlen(src), NULL, &e, &ferr) != ORDO_OK ||
        ordo_feel_eval(e, &env, out, &ferr) != ORDO_OK) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "%s: %s", what, ferr.msg);
    }
    return ORDO_OK;
}

/* {body, headers} of a delivery. */
static json_t *context_of(const struct ordo_hook_endpoint *ep, const struct delivery *d)
{
    json_t *headers = NULL, *body;
    const char *type;

    (void)ordo_json_parse(d->headers, strlen(d->headers), NULL, &headers, NULL);
    if (!json_is_object(headers)) {
        json_decref(headers);
        headers = json_object();
    }
    type = json_string_value(json_object_get(headers, "content-type"));
    body = ordo_hook_parse_body(ep->scheme, type, d->body, d->len);
    return json_pack("{s:o, s:o}", "body", body ? body : json_null(), "headers", headers);
}

static enum ordo_code map_variables(struct ordo_arena *a, const struct ordo_hook_endpoint *ep,
                                    const json_t *ctx, const char *zone, json_t **vars,
                                    struct ordo_err *err)
{
    enum ordo_code rc;

    if (!ep->variables) {
        *vars = json_pack("{s:O}", "body", json_object_get(ctx, "body"));
        return ORDO_OK;
    }
    rc = eval(a, "the webhook's variables", ep->variables, ctx, zone, vars, err);
    if (rc == ORDO_OK && !json_is_object(*vars)) {
        rc = ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                          "the webhook's variables gave %s, not a context",
                          ordo_json_type_name(*vars));
        json_decref(*vars);
        *vars = NULL;
    }
    return rc;
}

/* The correlation key as text: strings as they are, numbers and others as
 * their JSON. */
static enum ordo_code correlation_of(struct ordo_arena *a, const struct ordo_hook_endpoint *ep,
                                     const json_t *ctx, const char *zone, const char **out,
                                     struct ordo_err *err)
{
    json_t *v = NULL;
    enum ordo_code rc;

    *out = NULL;
    if (!ep->correlation_key) {
        return ORDO_OK;
    }
    rc = eval(a, "the webhook's correlationKey", ep->correlation_key, ctx, zone, &v, err);
    if (rc == ORDO_OK && json_is_null(v)) {
        rc = ordo_err_set(err, ORDO_E_UNPROCESSABLE, "the webhook's correlationKey gave null");
    } else if (rc == ORDO_OK) {
        *out = json_is_string(v) ? ordo_arena_strdup(a, json_string_value(v))
                                 : ordo_json_dump(a, v, JSON_COMPACT);
    }
    json_decref(v);
    return rc;
}

/* ---- actions -------------------------------------------------------------------------------- */

static enum ordo_code do_start(struct ordo_store *st, struct ordo_arena *a,
                               const struct ordo_hook_endpoint *ep, const struct delivery *d,
                               const json_t *vars, struct outcome *o, struct ordo_err *err)
{
    bool replayed = false;
    struct ordo_start req = {.process_id = ep->process_id,
                             .variables = vars,
                             .actor = ordo_arena_printf(a, "webhook:%s", ep->name),
                             .idempotency_key =
                                 ordo_arena_printf(a, "hook:%lld", (long long)d->key),
                             .start_element = ep->element_id};
    enum ordo_code rc = ordo_store_start_once(st, &req, &o->instance_key, &replayed, err);

    if (rc == ORDO_OK) {
        o->result = json_pack("{s:s, s:b}", "action", "start", "replayed", replayed);
    }
    return rc;
}

static enum ordo_code do_message(struct ordo_store *st, struct ordo_arena *a,
                                 const struct ordo_hook_endpoint *ep, const struct delivery *d,
                                 const json_t *vars, const char *corr, struct outcome *o,
                                 struct ordo_err *err)
{
    int delivered = 0;
    bool duplicate = false;
    struct ordo_message msg = {.name = ep->message_name,
                               .correlation_key = corr,
                               .message_id =
                                   ordo_arena_printf(a, "hook:%s:%s", ep->name, d->delivery_id),
                               .ttl_ms = ORDO_INBOX_MESSAGE_TTL_MS,
                               .variables = vars,
                               .actor = ordo_arena_printf(a, "webhook:%s", ep->name)};
    enum ordo_code rc = ordo_store_publish(st, &msg, &delivered, &duplicate, err);

    if (rc == ORDO_OK) {
        o->result = json_pack("{s:s, s:s, s:s?, s:i, s:b}", "action", "message", "message",
                              ep->message_name, "correlation_key", corr, "delivered", delivered,
                              "duplicate", duplicate);
    }
    return rc;
}

static enum ordo_code do_work(struct ordo_store *st, struct ordo_arena *a,
                              const struct ordo_inbox_options *opts,
                              const struct ordo_hook_endpoint *ep, const struct delivery *d,
                              struct outcome *o, struct ordo_err *err)
{
    json_t *ctx, *vars = NULL;
    const char *corr = NULL;
    enum ordo_code rc;

    if (strcmp(ep->action, "slack_approval") == 0) {
        if (!opts->approval) {
            return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "Slack approvals are not available");
        }
        return opts->approval(opts->approval_ctx, st, d->body, d->len, &o->result, &o->instance_key,
                              err);
    }
    if (ep->suspended) {
        return ordo_err_set(err, ORDO_E_CONFLICT, "process \"%s\" is suspended",
                            ep->process_id ? ep->process_id : "?");
    }
    ctx = context_of(ep, d);
    rc = map_variables(a, ep, ctx, opts->timezone, &vars, err);
    if (rc == ORDO_OK && strcmp(ep->action, "message") == 0) {
        rc = correlation_of(a, ep, ctx, opts->timezone, &corr, err);
        rc = rc == ORDO_OK ? do_message(st, a, ep, d, vars, corr, o, err) : rc;
    } else if (rc == ORDO_OK) {
        rc = do_start(st, a, ep, d, vars, o, err);
    }
    json_decref(vars);
    json_decref(ctx);
    return rc;
}

/* ---- rows ----------------------------------------------------------------------------------- */

static enum ordo_code finish(PGconn *db, struct ordo_arena *a, const char *owner,
                             const struct delivery *d, const struct outcome *o,
                             struct ordo_err *err)
{
    bool failed = o->rc != ORDO_OK && (o->permanent || d->attempts >= ORDO_INBOX_MAX_ATTEMPTS);
    const char *state = o->rc == ORDO_OK ? "done" : failed ? "failed" : "pending";
    const char *p[8] = {
        ordo_arena_printf(a, "%lld", (long long)d->key),
        owner,
        ordo_arena_printf(a, "%d", d->attempts),
        state,
        o->result ? ordo_json_dump(a, o->result, JSON_COMPACT) : NULL,
        o->instance_key ? ordo_arena_printf(a, "%lld", (long long)o->instance_key) : NULL,
        o->rc == ORDO_OK ? NULL : o->message,
        ordo_arena_printf(a, "%lld", (long long)ordo_store_backoff_ms(d->attempts))};

    return ordo_pg_run(
        db, "could not record a webhook delivery's outcome",
        "UPDATE webhook_delivery SET state = $4, result = $5, "
        "instance_key = $6::bigint, error = $7, lock_owner = NULL, locked_at = NULL, "
        "done_at = CASE WHEN $4 = 'pending' THEN NULL ELSE now() END, "
        "due_at = CASE WHEN $4 = 'pending' THEN now() + $8::bigint * "
        "interval '1 millisecond' ELSE due_at END "
        "WHERE key = $1::bigint AND lock_owner = $2 AND attempts = $3::int",
        8, p, err);
}

static bool is_permanent(enum ordo_code rc)
{
    return rc != ORDO_E_AGAIN && rc != ORDO_E_INTERNAL && rc != ORDO_E_TIMEOUT;
}

static void work_one(struct ordo_store *st, struct ordo_arena *a,
                     const struct ordo_inbox_options *opts, const struct delivery *d)
{
    struct ordo_hook_endpoint ep = {0};
    struct outcome o = {0};
    struct ordo_err err = {0};
    PGconn *db = ordo_store_pg(st, &err);

    if (!db) {
        return; /* the lease ends and the row is taken again */
    }
    if (d->attempts > ORDO_INBOX_MAX_ATTEMPTS) {
        /* Taken again and again with no outcome recorded: its work ends the
         * process (or hangs past the lease). Stop before a crash loop. */
        (void)ordo_err_set(&err, ORDO_E_INTERNAL,
                           "the work of this delivery did not finish in %d attempts (the node "
                           "stopped or its lease ran out)",
                           ORDO_INBOX_MAX_ATTEMPTS);
        o.rc = ORDO_E_INTERNAL;
    } else {
        o.rc = ordo_hook_endpoint_get(db, a, NULL, d->endpoint, false, &ep, &err);
    }
    if (o.rc == ORDO_OK) {
        o.rc = do_work(st, a, opts, &ep, d, &o, &err);
    }
    if (o.rc != ORDO_OK) {
        o.permanent = is_permanent(o.rc);
        (void)snprintf(o.message, sizeof o.message, "%s", ordo_err_message(&err));
        ordo_log(ORDO_LOG_WARN, "webhooks", "webhook delivery failed",
                 ORDO_STR("endpoint", d->endpoint), ORDO_INT("delivery", d->key),
                 ORDO_INT("attempt", d->attempts), ORDO_STR("error", o.message));
    }
    ordo_err_clear(&err);
    db = ordo_store_pg(st, &err);
    if (db && finish(db, a, opts->owner, d, &o, &err) != ORDO_OK) {
        ordo_log(ORDO_LOG_WARN, "webhooks", "could not record a webhook delivery",
                 ORDO_INT("delivery", d->key), ORDO_STR("error", err.msg));
    }
    json_decref(o.result);
}

static bool read_delivery(struct ordo_arena *a, const PGresult *res, int i, struct delivery *d)
{
    uint8_t *body = NULL;

    d->key = ordo_pg_int(res, i, 0);
    d->endpoint = ordo_arena_strdup(a, PQgetvalue(res, i, 1));
    d->delivery_id = ordo_arena_strdup(a, PQgetvalue(res, i, 2));
    d->headers = ordo_arena_strdup(a, PQgetvalue(res, i, 3));
    d->attempts = (int)ordo_pg_int(res, i, 5);
    if (!ordo_pg_bytea_decode(a, PQgetvalue(res, i, 4), &body, &d->len)) {
        return false;
    }
    d->body = body;
    return true;
}

/* Push the row's lease out again; false when this node no longer holds it. */
static bool renew(struct ordo_store *st, struct ordo_arena *a, const char *owner,
                  const struct delivery *d)
{
    struct ordo_err err = {0};
    PGconn *db = ordo_store_pg(st, &err);
    const char *p[4] = {ordo_arena_printf(a, "%lld", (long long)d->key), owner,
                        ordo_arena_printf(a, "%d", d->attempts),
                        ordo_arena_printf(a, "%d", ORDO_INBOX_LEASE_MS)};
    PGresult *res = NULL;

    if (!db || ordo_pg_exec(db, a, "could not renew a webhook delivery's lease",
                            "UPDATE webhook_delivery SET due_at = now() + $4::int * interval "
                            "'1 millisecond' WHERE key = $1::bigint AND lock_owner = $2 AND "
                            "attempts = $3::int AND state = 'pending' RETURNING 1",
                            4, p, &res, &err) != ORDO_OK) {
        return false;
    }
    return PQntuples(res) == 1;
}

enum ordo_code ordo_inbox_run_once(struct ordo_store *st, const struct ordo_inbox_options *opts,
                                   int *taken, struct ordo_err *err)
{
    struct ordo_arena *a = ordo_arena_new();
    const char *p[3] = {opts->owner, ordo_arena_printf(a, "%d", ORDO_INBOX_LEASE_MS),
                        ordo_arena_printf(a, "%d", ORDO_INBOX_BATCH)};
    PGconn *db = ordo_store_pg(st, err);
    PGresult *res = NULL;
    enum ordo_code rc = db ? ORDO_OK : ORDO_E_AGAIN;

    *taken = 0;
    rc =
        rc == ORDO_OK
            ? ordo_pg_exec(db, a, "could not take webhook deliveries",
                           "UPDATE webhook_delivery SET attempts = attempts + 1, lock_owner = $1, "
                           "locked_at = now(), due_at = now() + $2::int * interval '1 millisecond' "
                           "WHERE key IN (SELECT key FROM webhook_delivery WHERE state = 'pending' "
                           "AND due_at <= now() ORDER BY due_at LIMIT $3::int FOR UPDATE SKIP "
                           "LOCKED) RETURNING key, endpoint, delivery_id, headers, body, attempts",
                           3, p, &res, err)
            : rc;
    for (int i = 0; rc == ORDO_OK && i < PQntuples(res); i++) {
        struct delivery d;

        /* The batch shares one lease: a row whose turn comes late (slow
         * Slack lookups before it) gets a fresh one, unless it was lost. */
        if (read_delivery(a, res, i, &d) && (i == 0 || renew(st, a, opts->owner, &d))) {
            work_one(st, a, opts, &d);
        }
        (*taken)++;
    }
    ordo_arena_free(a);
    return rc;
}

/* ---- threads -------------------------------------------------------------------------------- */

/* Wait for a NOTIFY on 'listen' or a second. */
static void wait_for_work(PGconn *listen)
{
    struct pollfd pfd = {.fd = listen ? PQsocket(listen) : -1, .events = POLLIN};
    PGnotify *n;

    if (!listen || pfd.fd < 0) {
        (void)poll(NULL, 0, 1000);
        return;
    }
    if (poll(&pfd, 1, 1000) > 0) {
        (void)PQconsumeInput(listen);
    }
    while ((n = PQnotifies(listen)) != NULL) {
        PQfreemem(n);
    }
}

static PGconn *listen_conn(const char *conninfo)
{
    PGconn *db = NULL;

    if (ordo_pg_connect(conninfo, &db, NULL) != ORDO_OK) {
        return NULL;
    }
    if (ordo_pg_run(db, "could not listen", "LISTEN " ORDO_HOOK_CHANNEL, 0, NULL, NULL) !=
        ORDO_OK) {
        PQfinish(db);
        return NULL;
    }
    return db;
}

/* (Re)open what a worker needs; what fails is tried again next round. */
static void connect_worker(const struct ordo_inbox *ib, struct ordo_store **st, PGconn **listen)
{
    struct ordo_err err = {0};

    if (!*st &&
        ordo_store_open(ib->opts.conninfo, ib->opts.cache, ib->opts.owner, st, &err) != ORDO_OK) {
        *st = NULL;
    }
    if (!*listen || PQstatus(*listen) != CONNECTION_OK) {
        PQfinish(*listen);
        *listen = listen_conn(ib->opts.conninfo);
    }
}

/* One pass; how many deliveries it took. */
static int one_pass(struct ordo_inbox *ib, struct ordo_store *st)
{
    struct ordo_err err = {0};
    int taken = 0;

    if (st && ordo_inbox_run_once(st, &ib->opts, &taken, &err) != ORDO_OK) {
        ordo_log(ORDO_LOG_WARN, "webhooks", "webhook worker pass failed",
                 ORDO_STR("error", err.msg));
    }
    return taken;
}

/* Worked deliveries past webhook_retention go (by the first worker, every
 * PURGE_EVERY_MS, or the retention when shorter): their bodies are the bulk
 * of the table, and a provider that redelivers after that long is rare. */
#define PURGE_EVERY_MS (10L * 60 * 1000)

static void purge(struct ordo_inbox *ib, struct ordo_store *st, int64_t *last)
{
    struct ordo_err err = {0};
    PGconn *db = st ? ordo_store_pg(st, &err) : NULL;
    char ms[24];
    const char *p[1] = {ms};
    int64_t now = ordo_clock_mono_ms();

    if (!db || ib->opts.retention_ms <= 0 ||
        (*last && now - *last < (ib->opts.retention_ms < PURGE_EVERY_MS ? ib->opts.retention_ms
                                                                        : PURGE_EVERY_MS))) {
        return;
    }
    *last = now;
    (void)snprintf(ms, sizeof ms, "%lld", (long long)ib->opts.retention_ms);
    if (ordo_pg_run(db, "could not purge old webhook deliveries",
                    "DELETE FROM webhook_delivery WHERE state <> 'pending' AND received_at < "
                    "now() - $1::bigint * interval '1 millisecond'",
                    1, p, &err) != ORDO_OK) {
        ordo_log(ORDO_LOG_WARN, "webhooks", "purge failed", ORDO_STR("error", err.msg));
    }
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct ordo_inbox *ib = w->inbox;
    struct ordo_store *st = NULL;
    PGconn *listen = NULL;
    int64_t purged = 0;

    while (!atomic_load(&ib->stop)) {
        connect_worker(ib, &st, &listen);
        if (w == &ib->workers[0]) {
            purge(ib, st, &purged);
        }
        if (one_pass(ib, st) < ORDO_INBOX_BATCH) {
            wait_for_work(listen);
        }
    }
    PQfinish(listen);
    ordo_store_close(st);
    return NULL;
}

enum ordo_code ordo_inbox_start(const struct ordo_inbox_options *opts, struct ordo_inbox **out,
                                struct ordo_err *err)
{
    struct ordo_inbox *ib = calloc(1, sizeof *ib);

    if (!ib) {
        ordo_oom(sizeof *ib);
    }
    ib->opts = *opts;
    atomic_init(&ib->stop, false);
    ib->nworkers = opts->threads > 0 ? opts->threads : 0;
    ib->workers = calloc((size_t)ib->nworkers + 1, sizeof *ib->workers);
    if (!ib->workers) {
        ordo_oom(sizeof *ib->workers);
    }
    for (int i = 0; i < ib->nworkers; i++) {
        ib->workers[i].inbox = ib;
        if (pthread_create(&ib->workers[i].thread, NULL, worker_main, &ib->workers[i]) != 0) {
            ordo_inbox_stop(ib);
            return ordo_err_set(err, ORDO_E_INTERNAL, "could not start a webhook worker");
        }
        ib->workers[i].started = true;
    }
    *out = ib;
    return ORDO_OK;
}

void ordo_inbox_stop(struct ordo_inbox *inbox)
{
    if (!inbox) {
        return;
    }
    atomic_store(&inbox->stop, true);
    for (int i = 0; i < inbox->nworkers; i++) {
        if (inbox->workers[i].started) {
            (void)pthread_join(inbox->workers[i].thread, NULL);
        }
    }
    free(inbox->workers);
    free(inbox);
}
