/*
 * webhooks/outbound.c - the sender threads (webhooks/outbound.h).
 *
 * One claimed row at a time per thread: a lease then covers exactly one
 * request, and a slow receiver holds one thread, not a batch of rows.
 * Threads sleep in poll() on their connection's socket (LISTEN) and a
 * pipe that ordo_wh_sender_stop() writes to, until the next eligible row
 * is due (read from the database, at most a second ahead, so rows made
 * eligible by another node are noticed).
 */
#include "webhooks/outbound.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/crypto.h"
#include "base/httpc.h"
#include "base/log.h"
#include "base/pg.h"
#include "base/vault.h"
#include "webhooks/standard.h"

#define IDLE_MAX_MS  1000 /* look at the table at least this often */
#define IDLE_MIN_MS  5
#define RECONNECT_MS 1000
#define ERROR_MAX    256 /* bytes of an attempt's error text */
#define SNIPPET_MAX  120 /* bytes of a response body kept in it */
#define AD_SIZE      48  /* "webhook_subscription:" and an int64 */
#define SEALED_MIN   (ORDO_VAULT_NONCE_SIZE + ORDO_VAULT_TAG_SIZE)
#define SEALED_MAX   (SEALED_MIN + ORDO_WHSEC_TEXT)
#define WORKER_NAME  160

/* Rows that may go now: due, of an enabled subscription, and first of
 * their (subscription, instance) among the pending ones. */
#define ELIGIBLE                                                                       \
    "o.state = 'pending' AND s.enabled AND NOT EXISTS (SELECT 1 FROM outbox p WHERE "  \
    "p.subscription_key = o.subscription_key AND p.instance_key = o.instance_key AND " \
    "p.state = 'pending' AND p.seq < o.seq)"

#define SQL_CLAIM                                                                              \
    "WITH c AS (SELECT o.seq FROM outbox o JOIN webhook_subscription s ON s.key = "            \
    "o.subscription_key WHERE " ELIGIBLE " AND o.due_at <= now() ORDER BY o.due_at, o.seq "    \
    "LIMIT 1 FOR UPDATE OF o SKIP LOCKED) "                                                    \
    "UPDATE outbox o SET lock_owner = $1, locked_at = now(), attempts = o.attempts + 1, "      \
    "due_at = now() + $2::bigint * interval '1 millisecond' FROM c, webhook_subscription s "   \
    "WHERE o.seq = c.seq AND s.key = o.subscription_key RETURNING o.seq, o.subscription_key, " \
    "o.msg_id, o.payload, o.attempts, s.url, s.secret, s.secret_key_id"

#define SQL_NEXT_DUE                                                                       \
    "SELECT coalesce(ceil(extract(epoch FROM min(o.due_at) - now()) * 1000), $1)::bigint " \
    "FROM outbox o JOIN webhook_subscription s ON s.key = o.subscription_key WHERE " ELIGIBLE

struct ordo_wh_sender {
    struct ordo_wh_sender_options opts;
    atomic_bool stop;
    int wake[2]; /* a pipe: stop() writes, threads poll() the read end */
    size_t nworkers;
    struct worker *workers;
};

struct worker {
    struct ordo_wh_sender *sender;
    char owner[WORKER_NAME];
    PGconn *db;
    struct ordo_httpc *http;
    struct ordo_arena *arena; /* reset per row */
    pthread_t thread;
    bool started;
};

/* One claimed row. */
struct row {
    const char *seq, *subscription, *msg_id, *url, *key_id;
    const char *payload;
    int attempt;
    const char *sealed; /* bytea text */
};

/* What one attempt came to. */
struct outcome {
    long status; /* 0: no answer */
    char error[ERROR_MAX];
    int64_t latency_ms;
    int64_t retry_after_ms;
};

/* ---- options -------------------------------------------------------------------------------- */

enum ordo_code ordo_wh_sender_config(const struct ordo_config *cfg,
                                     struct ordo_wh_sender_options *opts, struct ordo_err *err)
{
    struct ordo_err why = {0};

    opts->threads = (int)cfg->webhook_senders;
    if (ordo_duration_parse(cfg->webhook_timeout, &opts->timeout_ms, &why) != ORDO_OK) {
        return ordo_err_set(err, ORDO_E_INVAL, "config key \"webhook_timeout\": %s", why.msg);
    }
    if (ordo_duration_list_parse(cfg->webhook_retry_schedule, opts->schedule, &opts->nschedule,
                                 &why) != ORDO_OK) {
        return ordo_err_set(err, ORDO_E_INVAL, "config key \"webhook_retry_schedule\": %s",
                            why.msg);
    }
    if (ordo_duration_parse(cfg->webhook_disable_after, &opts->disable_after_ms, &why) != ORDO_OK) {
        return ordo_err_set(err, ORDO_E_INVAL, "config key \"webhook_disable_after\": %s", why.msg);
    }
    if (ordo_duration_parse(cfg->webhook_retention, &opts->retention_ms, &why) != ORDO_OK) {
        return ordo_err_set(err, ORDO_E_INVAL, "config key \"webhook_retention\": %s", why.msg);
    }
    if (opts->timeout_ms < 1) {
        return ordo_err_set(err, ORDO_E_INVAL, "config key \"webhook_timeout\" must not be 0");
    }
    return ORDO_OK;
}

int64_t ordo_wh_retry_delay(const struct ordo_wh_sender_options *opts, int attempt,
                            int64_t retry_after_ms)
{
    int64_t wait;

    if (attempt < 1 || (size_t)attempt > opts->nschedule) {
        return -1;
    }
    wait = opts->schedule[attempt - 1];
    if (retry_after_ms > wait) {
        wait = retry_after_ms < ORDO_WH_RETRY_AFTER_MAX ? retry_after_ms : ORDO_WH_RETRY_AFTER_MAX;
    }
    return wait;
}

/* 'ms' moved by up to 10% either way, so that rows failing together do
 * not come back together. */
static int64_t jitter(int64_t ms)
{
    uint32_t r;
    int64_t span = ms / 10;

    if (span <= 0) {
        return ms;
    }
    ordo_random_bytes(&r, sizeof r);
    return ms - span + (int64_t)(r % (uint64_t)(2 * span + 1));
}

static int64_t lease_ms(const struct ordo_wh_sender_options *o)
{
    return 2 * o->timeout_ms + 1000;
}

/* ---- the database --------------------------------------------------------------------------- */

static void disconnect(struct worker *w)
{
    PQfinish(w->db);
    w->db = NULL;
}

static bool connect_db(struct worker *w)
{
    struct ordo_err err = {0};

    if (w->db) {
        return true;
    }
    if (ordo_pg_connect(w->sender->opts.conninfo, &w->db, &err) != ORDO_OK ||
        ordo_pg_run(w->db, "could not listen for webhook events", "LISTEN " ORDO_WH_CHANNEL, 0,
                    NULL, &err) != ORDO_OK) {
        ordo_log(ORDO_LOG_WARN, "webhooks", "webhook sender cannot reach the database",
                 ORDO_STR("error", err.msg));
        disconnect(w);
        return false;
    }
    return true;
}

/* A failed statement: log it, and drop a connection that broke. */
static void db_failed(struct worker *w, const struct ordo_err *err)
{
    ordo_log(ORDO_LOG_WARN, "webhooks", "webhook sender database error",
             ORDO_STR("error", err->msg));
    if (ordo_pg_broken(w->db)) {
        disconnect(w);
    }
}

/* Claim the next row: true with 'r' filled when there was one. */
static bool claim(struct worker *w, struct row *r)
{
    const char *p[2] = {w->owner,
                        ordo_arena_printf(w->arena, "%" PRId64, lease_ms(&w->sender->opts))};
    struct ordo_err err = {0};
    PGresult *res = NULL;

    if (ordo_pg_exec(w->db, w->arena, "could not claim a webhook event", SQL_CLAIM, 2, p, &res,
                     &err) != ORDO_OK) {
        db_failed(w, &err);
        return false;
    }
    if (PQntuples(res) == 0) {
        return false;
    }
    r->seq = PQgetvalue(res, 0, 0);
    r->subscription = PQgetvalue(res, 0, 1);
    r->msg_id = PQgetvalue(res, 0, 2);
    r->payload = PQgetvalue(res, 0, 3);
    r->attempt = (int)ordo_pg_int(res, 0, 4);
    r->url = PQgetvalue(res, 0, 5);
    r->sealed = PQgetvalue(res, 0, 6);
    r->key_id = PQgetvalue(res, 0, 7);
    return true;
}

/* ---- one delivery --------------------------------------------------------------------------- */

/* The subscription's signing key, out of its sealed box ("\x" hex of the
 * nonce and the ciphertext). */
static enum ordo_code open_secret(struct worker *w, const struct row *r,
                                  uint8_t key[ORDO_WHSEC_MAX], size_t *keylen, struct ordo_err *err)
{
    uint8_t *box = NULL;
    char plain[ORDO_WHSEC_TEXT] = "";
    char ad[AD_SIZE];
    size_t n = 0;
    enum ordo_code rc;
    bool ok;

    if (!ordo_pg_bytea_decode(w->arena, r->sealed, &box, &n) || n < SEALED_MIN || n >= SEALED_MAX) {
        return ordo_err_set(err, ORDO_E_INTERNAL, "the subscription's secret is damaged");
    }
    (void)snprintf(ad, sizeof ad, "webhook_subscription:%s", r->subscription);
    rc = ordo_vault_open_box(w->sender->opts.vault, r->key_id, box, box + ORDO_VAULT_NONCE_SIZE,
                             n - ORDO_VAULT_NONCE_SIZE, ad, strlen(ad),
                             "the webhook subscription's secret", (uint8_t *)plain, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    plain[n - SEALED_MIN] = '\0';
    ok = ordo_whsec_parse(plain, key, keylen);
    ordo_crypto_wipe(plain, sizeof plain);
    return ok ? ORDO_OK
              : ordo_err_set(err, ORDO_E_INTERNAL, "the subscription's secret is not a whsec_ key");
}

/* "HTTP 500: <the start of the body, printable ASCII only>". */
static void status_error(const struct ordo_httpc_response *resp, char out[ERROR_MAX])
{
    size_t n = 0, len = (size_t)snprintf(out, ERROR_MAX, "HTTP %ld", resp->status);

    if (resp->body_len == 0 || len + 2 >= ERROR_MAX) {
        return;
    }
    out[len++] = ':';
    out[len++] = ' ';
    for (; n < resp->body_len && n < SNIPPET_MAX && len + 1 < ERROR_MAX; n++) {
        char c = resp->body[n];

        if (c < 0x20 || c >= 0x7f) {
            c = ' ';
        }
        out[len++] = c;
    }
    out[len] = '\0';
}

static void post(struct worker *w, const struct row *r, struct outcome *out)
{
    uint8_t key[ORDO_WHSEC_MAX];
    size_t keylen = 0, len = strlen(r->payload);
    char ts[24], sig[ORDO_WH_SIG_SIZE];
    struct ordo_err err = {0};
    struct ordo_httpc_response resp;
    int64_t t0;

    out->retry_after_ms = -1;
    if (open_secret(w, r, key, &keylen, &err) != ORDO_OK) {
        (void)snprintf(out->error, sizeof out->error, "%s", err.msg);
        return;
    }
    (void)snprintf(ts, sizeof ts, "%" PRId64, ordo_clock_wall_ms() / 1000);
    ordo_wh_sign(key, keylen, r->msg_id, ts, r->payload, len, sig);
    ordo_crypto_wipe(key, sizeof key);
    const struct ordo_httpc_header headers[] = {{"Content-Type", "application/json"},
                                                {"webhook-id", r->msg_id},
                                                {"webhook-timestamp", ts},
                                                {"webhook-signature", sig}};
    const struct ordo_httpc_request req = {.method = "POST",
                                           .url = r->url,
                                           .headers = headers,
                                           .nheaders = sizeof headers / sizeof headers[0],
                                           .body = r->payload,
                                           .body_len = len};

    t0 = ordo_clock_mono_ms();
    if (ordo_httpc_do(w->http, &req, &resp, &err) != ORDO_OK) {
        (void)snprintf(out->error, sizeof out->error, "%s", err.msg);
    } else {
        out->status = resp.status;
        if (resp.status < 200 || resp.status > 299) {
            status_error(&resp, out->error);
        }
        /* "Slow down" answers (saas-apis.md §7: 429, 502, 503, 504). */
        if (resp.status == 429 || resp.status == 502 || resp.status == 503 || resp.status == 504) {
            out->retry_after_ms = resp.retry_after_ms;
        }
    }
    out->latency_ms = ordo_clock_mono_ms() - t0;
}

/* ---- recording the outcome ------------------------------------------------------------------ */

static enum ordo_code run(struct worker *w, const char *sql, int n, const char *const *p,
                          struct ordo_err *err)
{
    return ordo_pg_run(w->db, "could not record a webhook attempt", sql, n, p, err);
}

static enum ordo_code record_attempt(struct worker *w, const struct row *r, const struct outcome *o,
                                     struct ordo_err *err)
{
    const char *p[4] = {r->seq, o->status ? ordo_arena_printf(w->arena, "%ld", o->status) : NULL,
                        o->error[0] ? o->error : NULL,
                        ordo_arena_printf(w->arena, "%" PRId64, o->latency_ms)};

    /* Numbered on from the row's last attempt: a replay or a 410 restarts
     * the row's count for the schedule, not the history. */
    return run(w,
               "INSERT INTO webhook_attempt (outbox_seq, attempt, status, error, latency_ms) "
               "SELECT $1, coalesce(max(attempt), 0) + 1, $2, $3, $4 FROM webhook_attempt "
               "WHERE outbox_seq = $1 ON CONFLICT DO NOTHING",
               4, p, err);
}

static enum ordo_code delivered(struct worker *w, const struct row *r, const struct outcome *o,
                                struct ordo_err *err)
{
    const char *p[3] = {r->seq, w->owner, ordo_arena_printf(w->arena, "%ld", o->status)};
    const char *q[1] = {r->subscription};
    enum ordo_code rc = run(w,
                            "UPDATE outbox SET state = 'delivered', delivered_at = now(), "
                            "last_status = $3, last_error = NULL, lock_owner = NULL, "
                            "locked_at = NULL WHERE seq = $1 AND lock_owner = $2",
                            3, p, err);

    return rc == ORDO_OK ? run(w,
                               "UPDATE webhook_subscription SET failing_since = NULL "
                               "WHERE key = $1 AND failing_since IS NOT NULL",
                               1, q, err)
                         : rc;
}

static enum ordo_code gone(struct worker *w, const struct row *r, struct ordo_err *err)
{
    const char *p[2] = {r->seq, w->owner};
    const char *q[1] = {r->subscription};
    enum ordo_code rc =
        run(w,
            "UPDATE outbox SET attempts = greatest(0, attempts - 1), due_at = now(), "
            "last_status = 410, last_error = 'HTTP 410', lock_owner = NULL, "
            "locked_at = NULL WHERE seq = $1 AND lock_owner = $2",
            2, p, err);

    ordo_log(ORDO_LOG_WARN, "webhooks", "webhook subscription disabled: the receiver answered 410",
             ORDO_STR("subscription", r->subscription));
    return rc == ORDO_OK ? run(w,
                               "UPDATE webhook_subscription SET enabled = false, disabled_at = "
                               "now(), disabled_reason = 'the receiver answered 410 Gone' "
                               "WHERE key = $1",
                               1, q, err)
                         : rc;
}

/* A failed attempt: again later, or a dead letter; and the subscription
 * is failing (for too long: disabled). */
static enum ordo_code failed(struct worker *w, const struct row *r, const struct outcome *o,
                             struct ordo_err *err)
{
    const struct ordo_wh_sender_options *opts = &w->sender->opts;
    int64_t wait = ordo_wh_retry_delay(opts, r->attempt, o->retry_after_ms);
    const char *p[6] = {r->seq,
                        w->owner,
                        wait < 0 ? "dead" : "pending",
                        ordo_arena_printf(w->arena, "%" PRId64, wait < 0 ? 0 : jitter(wait)),
                        o->status ? ordo_arena_printf(w->arena, "%ld", o->status) : NULL,
                        o->error};
    const char *q[2] = {r->subscription,
                        ordo_arena_printf(w->arena, "%" PRId64, opts->disable_after_ms)};
    enum ordo_code rc =
        run(w,
            "UPDATE outbox SET state = $3, due_at = now() + $4::bigint * "
            "interval '1 millisecond', last_status = $5, last_error = $6, "
            "lock_owner = NULL, locked_at = NULL WHERE seq = $1 AND lock_owner = $2",
            6, p, err);

    if (rc == ORDO_OK && wait < 0) {
        ordo_log(ORDO_LOG_WARN, "webhooks", "webhook event is a dead letter",
                 ORDO_STR("subscription", r->subscription), ORDO_STR("seq", r->seq),
                 ORDO_INT("attempts", r->attempt));
    }
    return rc == ORDO_OK
               ? run(w,
                     "UPDATE webhook_subscription SET failing_since = coalesce(failing_since, "
                     "now()), enabled = enabled AND NOT coalesce(failing_since < now() - "
                     "$2::bigint * interval '1 millisecond', false), disabled_at = CASE WHEN "
                     "failing_since < now() - $2::bigint * interval '1 millisecond' THEN now() "
                     "ELSE disabled_at END, disabled_reason = CASE WHEN failing_since < now() - "
                     "$2::bigint * interval '1 millisecond' THEN 'deliveries failed for longer "
                     "than webhook_disable_after' ELSE disabled_reason END WHERE key = $1",
                     2, q, err)
               : rc;
}

static void record(struct worker *w, const struct row *r, const struct outcome *o)
{
    struct ordo_err err = {0};
    enum ordo_code rc = ordo_pg_begin(w->db, &err);

    rc = rc == ORDO_OK ? record_attempt(w, r, o, &err) : rc;
    if (rc == ORDO_OK && o->status >= 200 && o->status <= 299) {
        rc = delivered(w, r, o, &err);
    } else if (rc == ORDO_OK && o->status == 410) {
        rc = gone(w, r, &err);
    } else if (rc == ORDO_OK) {
        rc = failed(w, r, o, &err);
    }
    if (ordo_pg_end(w->db, rc, &err) != ORDO_OK) {
        db_failed(w, &err); /* rolled back: the lease runs out and the row goes again */
    }
}

/* ---- the thread ----------------------------------------------------------------------------- */

/* How long until the next eligible row is due, within IDLE_MIN..MAX. */
static int next_due_ms(struct worker *w)
{
    const char *p[1] = {"1000"};
    struct ordo_err err = {0};
    PGresult *res = NULL;
    int64_t ms;

    if (ordo_pg_exec(w->db, w->arena, "could not look for webhook events", SQL_NEXT_DUE, 1, p, &res,
                     &err) != ORDO_OK) {
        db_failed(w, &err);
        return IDLE_MAX_MS;
    }
    ms = ordo_pg_int(res, 0, 0);
    return ms < IDLE_MIN_MS ? IDLE_MIN_MS : ms > IDLE_MAX_MS ? IDLE_MAX_MS : (int)ms;
}

/* Sleep until a NOTIFY, the stop pipe or 'ms'. */
static void idle(struct worker *w, int ms)
{
    struct pollfd fds[2] = {{.fd = w->sender->wake[0], .events = POLLIN},
                            {.fd = w->db ? PQsocket(w->db) : -1, .events = POLLIN}};
    PGnotify *n;

    if (poll(fds, w->db ? 2 : 1, ms) < 0 && errno != EINTR) {
        return;
    }
    if (w->db && PQconsumeInput(w->db) == 0) {
        disconnect(w);
        return;
    }
    while (w->db && (n = PQnotifies(w->db)) != NULL) {
        PQfreemem(n);
    }
}

/* Delivered events past webhook_retention go (by the first sender, every
 * PURGE_EVERY_MS; their attempts with them). Dead letters stay for replay. */
#define PURGE_EVERY_MS (10L * 60 * 1000)

static void purge(struct worker *w, int64_t *last)
{
    struct ordo_err err = {0};
    char ms[24];
    const char *p[1] = {ms};
    int64_t now = ordo_clock_mono_ms();

    int64_t every = w->sender->opts.retention_ms < PURGE_EVERY_MS ? w->sender->opts.retention_ms
                                                                  : PURGE_EVERY_MS;

    if (w->sender->opts.retention_ms <= 0 || (*last && now - *last < every)) {
        return;
    }
    *last = now;
    (void)snprintf(ms, sizeof ms, "%lld", (long long)w->sender->opts.retention_ms);
    if (ordo_pg_run(w->db, "could not purge delivered webhook events",
                    "DELETE FROM outbox WHERE state = 'delivered' AND delivered_at < now() - "
                    "$1::bigint * interval '1 millisecond'",
                    1, p, &err) != ORDO_OK) {
        ordo_log(ORDO_LOG_WARN, "webhooks", "purge failed", ORDO_STR("error", err.msg));
    }
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct row r;
    int64_t purged = 0;

    while (!atomic_load(&w->sender->stop)) {
        ordo_arena_reset(w->arena);
        if (!connect_db(w)) {
            idle(w, RECONNECT_MS);
            continue;
        }
        if (w == &w->sender->workers[0]) {
            purge(w, &purged);
        }
        memset(&r, 0, sizeof r);
        if (claim(w, &r)) {
            struct outcome o = {0};

            post(w, &r, &o);
            record(w, &r, &o);
            continue;
        }
        if (w->db) {
            idle(w, next_due_ms(w));
        }
    }
    return NULL;
}

/* ---- start and stop ------------------------------------------------------------------------- */

static enum ordo_code start_worker(struct ordo_wh_sender *s, struct worker *w, size_t i,
                                   struct ordo_err *err)
{
    struct ordo_httpc_policy pol = *s->opts.http;
    enum ordo_code rc;

    w->sender = s;
    (void)snprintf(w->owner, sizeof w->owner, "%s/wh%zu", s->opts.node ? s->opts.node : "node", i);
    pol.timeout_ms = s->opts.timeout_ms;
    if (pol.connect_timeout_ms == 0 || pol.connect_timeout_ms > s->opts.timeout_ms) {
        pol.connect_timeout_ms = s->opts.timeout_ms;
    }
    pol.max_body = (size_t)64 * 1024; /* only the status and a snippet matter */
    pol.truncate_body = true;         /* a long answer to a delivery is still an answer */
    pol.resend_ok = true;             /* a receiver drops a webhook-id it has seen */
    rc = ordo_httpc_new(&pol, &w->http, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    w->arena = ordo_arena_new();
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        return ordo_err_set(err, ORDO_E_INTERNAL, "could not start a webhook sender thread");
    }
    w->started = true;
    return ORDO_OK;
}

enum ordo_code ordo_wh_sender_start(const struct ordo_wh_sender_options *opts,
                                    struct ordo_wh_sender **out, struct ordo_err *err)
{
    struct ordo_wh_sender *s;
    enum ordo_code rc = ORDO_OK;

    if (opts->threads < 0 || (opts->threads > 0 && (!opts->conninfo || !opts->vault ||
                                                    !opts->http || opts->timeout_ms <= 0))) {
        return ordo_err_set(err, ORDO_E_INVAL, "webhook sender: incomplete options");
    }
    s = calloc(1, sizeof *s);
    if (!s || pipe(s->wake) != 0) {
        free(s);
        return ordo_err_set(err, ORDO_E_INTERNAL, "could not start the webhook sender");
    }
    s->opts = *opts;
    s->nworkers = (size_t)opts->threads;
    s->workers = calloc(s->nworkers ? s->nworkers : 1, sizeof *s->workers);
    for (size_t i = 0; i < s->nworkers && rc == ORDO_OK; i++) {
        rc = start_worker(s, &s->workers[i], i, err);
    }
    if (rc != ORDO_OK) {
        ordo_wh_sender_stop(s);
        return rc;
    }
    if (s->nworkers) {
        ordo_log(ORDO_LOG_INFO, "webhooks", "webhook senders started",
                 ORDO_INT("threads", (int64_t)s->nworkers));
    }
    *out = s;
    return ORDO_OK;
}

void ordo_wh_sender_stop(struct ordo_wh_sender *sender)
{
    if (!sender) {
        return;
    }
    atomic_store(&sender->stop, true);
    if (write(sender->wake[1], "x", 1) < 0) {
        /* the threads still notice the flag within a second */
    }
    for (size_t i = 0; i < sender->nworkers; i++) {
        struct worker *w = &sender->workers[i];

        if (w->started) {
            (void)pthread_join(w->thread, NULL);
        }
        ordo_httpc_free(w->http);
        PQfinish(w->db);
        ordo_arena_free(w->arena);
    }
    (void)close(sender->wake[0]);
    (void)close(sender->wake[1]);
    free(sender->workers);
    free(sender);
}
