/*
 * core/audit_sealer.c - the sealer thread: ordo_audit_seal_once() every
 * interval, on a connection of its own.
 *
 * A failed round is logged once per run of failures (the database may be
 * down for minutes; one line a second would bury everything else), and
 * the recovery once. A broken connection is reopened at the next round.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/log.h"
#include "base/pg.h"
#include "core/audit.h"

struct ordo_audit_sealer {
    char *conninfo;
    struct ordo_audit_key key;
    int interval_ms;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t wake;
    bool stop; /* under 'mu' */
    PGconn *db;
    struct ordo_audit_watermark seen;
    bool halted;  /* seals were removed: seal nothing more */
    bool failing; /* the last round failed */
};

static void round_failed(struct ordo_audit_sealer *s, const struct ordo_err *err)
{
    if (err->code == ORDO_E_CONFLICT) {
        s->halted = true;
        ordo_log(ORDO_LOG_ERROR, "audit", "audit sealing stopped", ORDO_STR("reason", err->msg));
        return;
    }
    if (!s->failing) {
        ordo_log(ORDO_LOG_WARN, "audit", "audit sealing failed, retrying",
                 ORDO_STR("reason", err->msg));
    }
    s->failing = true;
    if (s->db && ordo_pg_broken(s->db)) {
        PQfinish(s->db);
        s->db = NULL;
    }
}

/* One round; true when it sealed a full batch (more may be waiting). */
static bool seal_round(struct ordo_audit_sealer *s)
{
    struct ordo_err err = {0};
    int rows = 0;

    if (s->halted) {
        return false;
    }
    if ((!s->db && ordo_pg_connect(s->conninfo, &s->db, &err) != ORDO_OK) ||
        ordo_audit_seal_once(s->db, &s->key, ORDO_AUDIT_BATCH_ROWS, &s->seen, &rows, &err) !=
            ORDO_OK) {
        round_failed(s, &err);
        return false;
    }
    if (s->failing) {
        ordo_log(ORDO_LOG_INFO, "audit", "audit sealing works again");
        s->failing = false;
    }
    if (rows > 0) {
        ordo_log(ORDO_LOG_DEBUG, "audit", "audit rows sealed", ORDO_INT("rows", rows),
                 ORDO_INT("seal", s->seen.seal));
    }
    return rows == ORDO_AUDIT_BATCH_ROWS;
}

/* Sleep for the interval or until stopped; true when stopped. */
static bool wait_interval(struct ordo_audit_sealer *s)
{
    struct timespec until;
    bool stop;

    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += s->interval_ms / 1000;
    until.tv_nsec += (long)(s->interval_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&s->mu);
    while (!s->stop && pthread_cond_timedwait(&s->wake, &s->mu, &until) == 0) {
        /* woken early without a stop: sleep on */
    }
    stop = s->stop;
    pthread_mutex_unlock(&s->mu);
    return stop;
}

static bool stopping(struct ordo_audit_sealer *s)
{
    bool stop;

    pthread_mutex_lock(&s->mu);
    stop = s->stop;
    pthread_mutex_unlock(&s->mu);
    return stop;
}

static void *sealer_main(void *arg)
{
    struct ordo_audit_sealer *s = arg;

    while (!stopping(s)) {
        if (!seal_round(s) && wait_interval(s)) {
            break;
        }
    }
    return NULL;
}

static void sealer_free(struct ordo_audit_sealer *s)
{
    PQfinish(s->db);
    pthread_cond_destroy(&s->wake);
    pthread_mutex_destroy(&s->mu);
    ordo_crypto_wipe(&s->key, sizeof s->key);
    free(s->conninfo);
    free(s);
}

enum ordo_code ordo_audit_sealer_start(const char *conninfo, const struct ordo_audit_key *key,
                                       int interval_ms, struct ordo_audit_sealer **out,
                                       struct ordo_err *err)
{
    struct ordo_audit_sealer *s = calloc(1, sizeof *s);
    pthread_condattr_t ca;

    if (!s || !(s->conninfo = strdup(conninfo))) {
        ordo_oom(sizeof *s);
    }
    s->key = *key;
    s->interval_ms = interval_ms > 0 ? interval_ms : ORDO_AUDIT_INTERVAL_MS;
    pthread_mutex_init(&s->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->wake, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&s->thread, NULL, sealer_main, s) != 0) {
        sealer_free(s);
        return ordo_err_set(err, ORDO_E_INTERNAL, "could not start the audit sealer thread");
    }
    *out = s;
    return ORDO_OK;
}

void ordo_audit_sealer_stop(struct ordo_audit_sealer *sealer)
{
    if (!sealer) {
        return;
    }
    pthread_mutex_lock(&sealer->mu);
    sealer->stop = true;
    pthread_cond_broadcast(&sealer->wake);
    pthread_mutex_unlock(&sealer->mu);
    (void)pthread_join(sealer->thread, NULL);
    (void)seal_round(sealer); /* what committed before the stop */
    sealer_free(sealer);
}
