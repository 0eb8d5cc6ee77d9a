/*
 * core/store.c - connections, migrations, and the transaction loop that
 * every write of the store runs in.
 */
#include "core/store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/crashpoint.h"
#include "base/log.h"
#include "core/store_internal.h"

extern const struct ordo_migration ordo_store_migrations[];
extern const size_t ordo_store_migrations_count;

int ordo_store_schema_version(void)
{
    return ordo_store_migrations[ordo_store_migrations_count - 1].version;
}

const char *ordo_st_i64(struct ordo_arena *arena, int64_t v)
{
    return ordo_arena_printf(arena, "%" PRId64, v);
}

/* The role a connection logs in as. */
static enum ordo_code current_role(PGconn *db, struct ordo_arena *arena, const char **out,
                                   struct ordo_err *err)
{
    PGresult *res;
    enum ordo_code rc = ordo_pg_exec(db, arena, "could not read the current role",
                                     "SELECT current_user", 0, NULL, &res, err);

    if (rc == ORDO_OK) {
        *out = PQgetvalue(res, 0, 0);
    }
    return rc;
}

static enum ordo_code grant_app(PGconn *owner, const char *app_conninfo, struct ordo_arena *arena,
                                struct ordo_err *err)
{
    const char *owner_role, *app_role = NULL;
    PGconn *app = NULL;
    enum ordo_code rc = current_role(owner, arena, &owner_role, err);

    if (rc == ORDO_OK) {
        rc = ordo_pg_connect(app_conninfo, &app, err);
    }
    if (rc == ORDO_OK) {
        rc = current_role(app, arena, &app_role, err);
        PQfinish(app);
    }
    if (rc == ORDO_OK && strcmp(owner_role, app_role) != 0) {
        const char *params[1] = {app_role};

        rc = ordo_pg_run(owner, "could not grant the application role its privileges",
                         "SELECT ordo_grant_app($1)", 1, params, err);
    }
    return rc;
}

enum ordo_code ordo_store_migrate(const char *owner_conninfo, const char *app_conninfo,
                                  int *applied, struct ordo_err *err)
{
    struct ordo_arena *arena = ordo_arena_new();
    PGconn *db = NULL;
    enum ordo_code rc = ordo_pg_connect(owner_conninfo, &db, err);

    if (rc == ORDO_OK) {
        rc = ordo_pg_migrate(db, ordo_store_migrations, ordo_store_migrations_count,
                             ORDO_STORE_MIGRATION_LOCK, applied, err);
    }
    if (rc == ORDO_OK && app_conninfo && *app_conninfo) {
        rc = grant_app(db, app_conninfo, arena, err);
    }
    PQfinish(db);
    ordo_arena_free(arena);
    return rc;
}

enum ordo_code ordo_store_open(const char *conninfo, struct ordo_defcache *cache, const char *owner,
                               struct ordo_store **out, struct ordo_err *err)
{
    struct ordo_store *st;
    int have = 0;
    enum ordo_code rc;

    st = calloc(1, sizeof *st);
    if (!st) {
        return ordo_err_set(err, ORDO_E_INTERNAL, "out of memory");
    }
    st->conninfo = strdup(conninfo);
    st->owner = strdup(owner);
    st->cache = cache;
    st->arena = ordo_arena_new();
    st->stmts = ordo_pg_stmts_new();
    rc = st->conninfo && st->owner ? ordo_pg_connect(conninfo, &st->db, err)
                                   : ordo_err_set(err, ORDO_E_INTERNAL, "out of memory");
    if (rc == ORDO_OK) {
        rc = ordo_pg_schema_version(st->db, &have, err);
    }
    if (rc == ORDO_OK && have != ordo_store_schema_version()) {
        rc = ordo_err_set(err, ORDO_E_CONFLICT,
                          have > ordo_store_schema_version()
                              ? "the database schema is at version %d, newer than this build of "
                                "Ordo knows (%d): run a newer ordo"
                              : "the database schema is at version %d, this build needs %d: run "
                                "`ordo migrate`",
                          have, ordo_store_schema_version());
    }
    if (rc != ORDO_OK) {
        ordo_store_close(st);
        return rc;
    }
    *out = st;
    return ORDO_OK;
}

void ordo_store_close(struct ordo_store *st)
{
    if (!st) {
        return;
    }
    PQfinish(st->db);
    ordo_pg_stmts_free(st->stmts);
    ordo_arena_free(st->arena);
    free(st->conninfo);
    free(st->owner);
    free(st);
}

static enum ordo_code reconnect(struct ordo_store *st, struct ordo_err *err)
{
    PGconn *db = NULL;
    enum ordo_code rc = ordo_pg_connect(st->conninfo, &db, err);

    if (rc == ORDO_OK) { /* a new session: nothing is prepared on it yet */
        PQfinish(st->db);
        st->db = db;
        ordo_pg_stmts_free(st->stmts);
        st->stmts = ordo_pg_stmts_new();
    }
    return rc;
}

PGconn *ordo_store_pg(struct ordo_store *st, struct ordo_err *err)
{
    if (ordo_pg_broken(st->db) && reconnect(st, err) != ORDO_OK) {
        return NULL;
    }
    return st->db;
}

static void pause_before_retry(int attempt)
{
    /* 5, 10, 20 ... ms, so that two transactions that deadlocked do not
     * collide again at once. */
    long ms = 5L << (attempt < 6 ? attempt : 6);
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

enum ordo_code ordo_st_query(struct ordo_store *st, const char *what, const char *sql, int nparams,
                             const char *const *params, PGresult **out, struct ordo_err *err)
{
    if (st->begin_pending) {
        st->begin_pending = false;
        return ordo_pg_begin_exec(st->db, st->stmts, st->arena, what, sql, nparams, params, out,
                                  err);
    }
    return ordo_pg_exec_cached(st->db, st->stmts, st->arena, what, sql, nparams, params, out, err);
}

/* Send the queued writes with COMMIT (and the NOTIFY after it) in one
 * round trip, unless a crash point must fall between them. */
static enum ordo_code commit(struct ordo_store *st, struct ordo_err *err)
{
    bool split = ordo_crashpoint_armed("after_commit");
    enum ordo_code rc = ORDO_OK;

    if (st->begin_pending) { /* nothing was asked: the writes alone */
        st->begin_pending = false;
        rc = ordo_pg_begin(st->db, err);
    }
    ordo_crashpoint("before_commit");
    ordo_pg_batch_add(st->batch, "could not commit", "COMMIT", 0, NULL);
    /* A hint for executors, after the commit: if it is lost, they find
     * the job when they next poll. */
    if (st->notify && !split) {
        ordo_pg_batch_add_optional(st->batch, "could not notify executors",
                                   "NOTIFY " ORDO_STORE_JOB_CHANNEL);
    }
    if (st->changed && !split) {
        ordo_pg_batch_add_optional(st->batch, "could not notify waiting requests",
                                   "NOTIFY " ORDO_STORE_CHANGE_CHANNEL);
    }
    rc = rc == ORDO_OK ? ordo_pg_batch_run(st->db, st->batch, err) : rc;
    if (rc != ORDO_OK) {
        return rc;
    }
    ordo_crashpoint("after_commit");
    if (st->notify && split) {
        (void)ordo_pg_run(st->db, "could not notify executors", "NOTIFY " ORDO_STORE_JOB_CHANNEL, 0,
                          NULL, NULL);
    }
    return ORDO_OK;
}

static enum ordo_code tx_once(struct ordo_store *st, store_tx_fn *fn, void *ctx,
                              struct ordo_err *err)
{
    enum ordo_code rc;

    st->notify = false;
    st->changed = false;
    st->begin_pending = true;
    st->batch = ordo_pg_batch_new(st->arena);
    ordo_pg_batch_use(st->batch, st->stmts);
    st->stepped = NULL; /* the arena it lived in may have been reset */
    st->nstepped = st->stepped_cap = 0;
    st->sync_writes = 0;
    rc = fn(st, ctx, err);
    if (rc != ORDO_OK) {
        if (!st->begin_pending) {
            ordo_pg_rollback(st->db);
        }
        st->begin_pending = false;
        return rc;
    }
    rc = commit(st, err);
    if (rc != ORDO_OK) {
        ordo_pg_rollback(st->db);
    }
    return rc;
}

enum ordo_code ordo_st_tx(struct ordo_store *st, store_tx_fn *fn, void *ctx, struct ordo_err *err)
{
    for (int attempt = 0;; attempt++) {
        struct ordo_err once = {0};
        enum ordo_code rc = ordo_pg_broken(st->db) ? reconnect(st, &once) : ORDO_OK;

        if (rc == ORDO_OK) {
            rc = tx_once(st, fn, ctx, &once);
        }
        if (rc != ORDO_E_AGAIN || attempt + 1 >= STORE_RETRIES) {
            if (rc != ORDO_OK) {
                ordo_err_set(err, rc, "%s", once.msg);
            }
            return rc;
        }
        ordo_log(ORDO_LOG_DEBUG, "store", "transaction retried", ORDO_STR("reason", once.msg),
                 ORDO_INT("attempt", attempt + 1));
        pause_before_retry(attempt);
    }
}
