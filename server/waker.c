#include "server/waker.h"

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/pg.h"
#include "core/store.h"
#include "server/http.h"

#define TICK_MS     1000
#define COALESCE_MS 100   /* notifications within this wake the waiters once */
#define WARN_MS     60000 /* a database that stays away is reported once a minute */

struct ordo_waker {
    char *conninfo;
    struct ordo_http *http;
    pthread_t thread;
    atomic_bool stop;
    int64_t warned_ms; /* the last "cannot listen" warning */
};

static void warn_once_a_minute(struct ordo_waker *w, const char *reason)
{
    if (ordo_clock_mono_ms() - w->warned_ms < WARN_MS) {
        return;
    }
    w->warned_ms = ordo_clock_mono_ms();
    ordo_log(ORDO_LOG_WARN, "http", "waker cannot listen; long polls rely on the tick",
             ORDO_STR("reason", reason));
}

static PGconn *listen_connect(struct ordo_waker *w)
{
    struct ordo_err err = {0};
    PGconn *db = NULL;

    if (ordo_pg_connect(w->conninfo, &db, &err) != ORDO_OK ||
        ordo_pg_run(db, "could not listen", "LISTEN " ORDO_STORE_CHANGE_CHANNEL, 0, NULL, &err) !=
            ORDO_OK ||
        ordo_pg_run(db, "could not listen", "LISTEN " ORDO_STORE_JOB_CHANNEL, 0, NULL, &err) !=
            ORDO_OK) {
        warn_once_a_minute(w, err.msg);
        PQfinish(db);
        return NULL;
    }
    return db;
}

/* Wait up to 'ms' for notifications: true when some came. */
static bool notified(PGconn **db, int ms)
{
    struct pollfd pfd = {.fd = PQsocket(*db), .events = POLLIN};
    PGnotify *n;
    bool any = false;

    if (poll(&pfd, 1, ms) <= 0) {
        return false;
    }
    if (!PQconsumeInput(*db)) {
        PQfinish(*db);
        *db = NULL;
        return true; /* notifications may have been lost: look now */
    }
    while ((n = PQnotifies(*db)) != NULL) {
        any = true;
        PQfreemem(n);
    }
    return any;
}

static void *waker_main(void *arg)
{
    struct ordo_waker *w = arg;
    int64_t next_tick = ordo_clock_mono_ms() + TICK_MS;
    int64_t last_wake = 0;
    bool pending = false;
    PGconn *db = NULL;

    /* Every wake makes each waiter ask the database again: notifications
     * that come close together wake them once (at most every COALESCE_MS). */
    while (!atomic_load(&w->stop)) {
        if (!db) {
            db = listen_connect(w);
        }
        if (db && notified(&db, pending ? 20 : 200)) {
            pending = true;
        }
        if (!db) {
            struct timespec ts = {0, 200L * 1000000};

            (void)nanosleep(&ts, NULL);
        }
        if (ordo_clock_mono_ms() >= next_tick) {
            next_tick = ordo_clock_mono_ms() + TICK_MS;
            pending = true;
        }
        if (pending && ordo_clock_mono_ms() - last_wake >= COALESCE_MS) {
            last_wake = ordo_clock_mono_ms();
            pending = false;
            ordo_http_wake(w->http);
        }
    }
    PQfinish(db);
    return NULL;
}

enum ordo_code ordo_waker_start(const char *conninfo, struct ordo_http *http,
                                struct ordo_waker **out, struct ordo_err *err)
{
    struct ordo_waker *w = calloc(1, sizeof *w);

    if (!w) {
        ordo_oom(sizeof *w);
    }
    w->http = http;
    w->conninfo = strdup(conninfo);
    if (!w->conninfo) {
        ordo_oom(strlen(conninfo) + 1);
    }
    if (pthread_create(&w->thread, NULL, waker_main, w) != 0) {
        free(w->conninfo);
        free(w);
        return ordo_err_set(err, ORDO_E_INTERNAL, "could not start the waker thread");
    }
    *out = w;
    return ORDO_OK;
}

void ordo_waker_stop(struct ordo_waker *w)
{
    if (!w) {
        return;
    }
    atomic_store(&w->stop, true);
    (void)pthread_join(w->thread, NULL);
    free(w->conninfo);
    free(w);
}
