#include "base/pg.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/crypto.h"
#include "base/log.h"
#include "base/text.h"

static void pq_clear_cb(void *res)
{
    PQclear(res);
}

/* libpq messages end in a newline; error records want one line. */
static const char *one_line(char *buf, size_t size, const char *msg)
{
    size_t n;

    (void)snprintf(buf, size, "%s", msg ? msg : "");
    n = strlen(buf);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ')) {
        buf[--n] = '\0';
    }
    for (size_t i = 0; i < n; i++) {
        if (buf[i] == '\n') {
            buf[i] = ' ';
        }
    }
    return buf;
}

/* Record "WHAT: <PostgreSQL's message, on one line>" with 'code': the
 * message of 'res' when there is one, else the connection's. */
static enum ordo_code fail(struct ordo_err *err, enum ordo_code code, const char *what, PGconn *db,
                           const PGresult *res)
{
    char line[ORDO_ERR_MSG_SIZE];
    const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(db);

    return ordo_err_set(err, code, "%s: %s", what, one_line(line, sizeof line, msg));
}

/* Server notices ("relation already exists, skipping") are not errors and
 * would otherwise go to stderr unformatted. */
static void notice_cb(void *arg, const char *message)
{
    (void)arg;
    ordo_log(ORDO_LOG_DEBUG, "pg", "server notice", ORDO_STR("notice", message));
}

enum ordo_code ordo_pg_connect(const char *conninfo, PGconn **out, struct ordo_err *err)
{
    /* Keyword form so that the options override anything in 'conninfo'. */
    const char *keys[] = {"dbname", "options", "application_name", "connect_timeout", NULL};
    const char *vals[] = {conninfo, "-c TimeZone=UTC -c DateStyle=ISO", "ordo", "10", NULL};
    PGconn *db = PQconnectdbParams(keys, vals, 1);

    if (!db) {
        return ordo_err_set(err, ORDO_E_INTERNAL, "could not connect to PostgreSQL: out of memory");
    }
    if (PQstatus(db) != CONNECTION_OK) {
        fail(err, ORDO_E_AGAIN, "could not connect to PostgreSQL", db, NULL);
        PQfinish(db);
        return err ? err->code : ORDO_E_AGAIN;
    }
    PQsetNoticeProcessor(db, notice_cb, NULL);
    *out = db;
    return ORDO_OK;
}

static enum ordo_code code_of(const PGresult *res, PGconn *db)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

    if (PQstatus(db) != CONNECTION_OK || !state) {
        return ORDO_E_AGAIN; /* the connection broke: the caller reconnects and retries */
    }
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
        strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
        strcmp(state, "57P03") == 0 || strcmp(state, "55P03") == 0) {
        return ORDO_E_AGAIN;
    }
    if (strncmp(state, "23", 2) == 0) {
        return ORDO_E_CONFLICT; /* unique, foreign key, check: the data says no */
    }
    return ORDO_E_INTERNAL;
}

/* A statement's result: kept in 'arena' (and '*out') on success, else
 * cleared and described in 'err'. */
static enum ordo_code finish_exec(PGconn *db, struct ordo_arena *arena, const char *what,
                                  PGresult *res, PGresult **out, struct ordo_err *err)
{
    ExecStatusType st = PQresultStatus(res);

    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
        if (arena) {
            ordo_arena_defer(arena, pq_clear_cb, res);
        }
        if (out) {
            *out = res;
        } else if (!arena) {
            PQclear(res);
        }
        return ORDO_OK;
    }
    enum ordo_code code = fail(err, code_of(res, db), what, db, res);

    PQclear(res);
    return code;
}

enum ordo_code ordo_pg_exec(PGconn *db, struct ordo_arena *arena, const char *what, const char *sql,
                            int nparams, const char *const *params, PGresult **out,
                            struct ordo_err *err)
{
    return finish_exec(db, arena, what, PQexecParams(db, sql, nparams, NULL, params, NULL, NULL, 0),
                       out, err);
}

enum ordo_code ordo_pg_run(PGconn *db, const char *what, const char *sql, int nparams,
                           const char *const *params, struct ordo_err *err)
{
    return ordo_pg_exec(db, NULL, what, sql, nparams, params, NULL, err);
}

enum ordo_code ordo_pg_begin(PGconn *db, struct ordo_err *err)
{
    return ordo_pg_run(db, "could not begin a transaction", "BEGIN", 0, NULL, err);
}

enum ordo_code ordo_pg_commit(PGconn *db, struct ordo_err *err)
{
    PGresult *res = PQexec(db, "COMMIT");
    enum ordo_code code = ORDO_OK;

    /* COMMIT of a transaction that failed earlier answers "ROLLBACK"
     * without an error: that must not pass for a commit. */
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        code = fail(err, code_of(res, db), "could not commit", db, res);
    } else if (strcmp(PQcmdStatus(res), "COMMIT") != 0) {
        code =
            ordo_err_set(err, ORDO_E_INTERNAL, "could not commit: the transaction was rolled back");
    }
    PQclear(res);
    return code;
}

void ordo_pg_rollback(PGconn *db)
{
    if (PQtransactionStatus(db) != PQTRANS_IDLE) {
        PQclear(PQexec(db, "ROLLBACK"));
    }
}

enum ordo_code ordo_pg_end(PGconn *db, enum ordo_code rc, struct ordo_err *err)
{
    if (rc == ORDO_OK) {
        rc = ordo_pg_commit(db, err);
    }
    if (rc != ORDO_OK) {
        ordo_pg_rollback(db);
    }
    return rc;
}

bool ordo_pg_broken(PGconn *db)
{
    PGTransactionStatusType ts;

    if (!db || PQstatus(db) != CONNECTION_OK) {
        return true;
    }
    ts = PQtransactionStatus(db);
    /* Left in pipeline mode (a pipeline that could not be sent whole): the
     * connection's state is unknown, so it is replaced. */
    return ts == PQTRANS_UNKNOWN || ts == PQTRANS_ACTIVE || PQpipelineStatus(db) != PQ_PIPELINE_OFF;
}

const char *ordo_pg_text(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

int64_t ordo_pg_int(const PGresult *res, int row, int col)
{
    const char *s = ordo_pg_text(res, row, col);
    int64_t v = 0;
    bool neg = s && *s == '-';

    if (!s) {
        return 0;
    }
    /* PostgreSQL prints integers in one fixed form: [-]digits. */
    for (s += neg; ordo_is_digit((unsigned char)*s); s++) {
        v = v * 10 + (*s - '0');
    }
    return neg ? -v : v;
}

const char *ordo_pg_bytea_param(struct ordo_arena *arena, const uint8_t *data, size_t len)
{
    char *out = ordo_arena_alloc_raw(arena, 2 * len + 3);

    out[0] = '\\';
    out[1] = 'x';
    ordo_hex(data, len, out + 2); /* and the NUL */
    return out;
}

bool ordo_pg_bytea_decode(struct ordo_arena *arena, const char *text, uint8_t **out, size_t *len)
{
    size_t n = text ? strlen(text) : 0;

    if (n < 2 || text[0] != '\\' || text[1] != 'x' || (n - 2) % 2 != 0) {
        return false;
    }
    *len = (n - 2) / 2;
    *out = ordo_arena_alloc_raw(arena, *len + 1);
    (*out)[*len] = '\0';
    return ordo_unhex(text + 2, n - 2, *out, *len);
}

/* ---- prepared statements ------------------------------------------------------------------ */

struct prepared {
    const char *sql; /* the constant's address */
    char name[16];
};

struct ordo_pg_stmts {
    struct prepared *v;
    size_t n, cap;
};

struct ordo_pg_stmts *ordo_pg_stmts_new(void)
{
    struct ordo_pg_stmts *c = calloc(1, sizeof *c);

    if (!c) {
        ordo_oom(sizeof *c);
    }
    return c;
}

void ordo_pg_stmts_free(struct ordo_pg_stmts *stmts)
{
    if (stmts) {
        free(stmts->v);
        free(stmts);
    }
}

/* The name 'sql' is prepared under on this connection, preparing it first
 * when it is new (one round trip, once per connection and statement). NULL
 * when it could not be prepared: 'err' says why. */
static const char *prepared_name(PGconn *db, struct ordo_pg_stmts *c, const char *what,
                                 const char *sql, int nparams, struct ordo_err *err)
{
    PGresult *res;

    for (size_t i = 0; i < c->n; i++) {
        if (c->v[i].sql == sql) {
            return c->v[i].name;
        }
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        struct prepared *v = realloc(c->v, cap * sizeof *v);

        if (!v) {
            ordo_oom(cap * sizeof *v);
        }
        c->v = v;
        c->cap = cap;
    }
    struct prepared *p = &c->v[c->n];

    (void)snprintf(p->name, sizeof p->name, "ordo_%zu", c->n);
    res = PQprepare(db, p->name, sql, nparams, NULL);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        fail(err, code_of(res, db), what, db, res);
        PQclear(res);
        return NULL;
    }
    PQclear(res);
    p->sql = sql;
    return c->v[c->n++].name;
}

enum ordo_code ordo_pg_exec_cached(PGconn *db, struct ordo_pg_stmts *stmts,
                                   struct ordo_arena *arena, const char *what, const char *sql,
                                   int nparams, const char *const *params, PGresult **out,
                                   struct ordo_err *err)
{
    const char *name;

    if (!stmts || nparams == 0) {
        return ordo_pg_exec(db, arena, what, sql, nparams, params, out, err);
    }
    name = prepared_name(db, stmts, what, sql, nparams, err);
    if (!name) {
        return err ? err->code : ORDO_E_INTERNAL;
    }
    return finish_exec(db, arena, what, PQexecPrepared(db, name, nparams, params, NULL, NULL, 0),
                       out, err);
}

struct batch_stmt {
    const char *what, *sql;
    const char **params;
    int nparams;
    bool optional;
    /* Its prepared statement's name, set when the batch is sent: a copy,
     * because preparing a later statement of the batch may grow (move) the
     * connection's cache of names. "": sent unnamed. */
    char name[sizeof(((struct prepared *)0)->name)];
};

struct ordo_pg_batch {
    struct ordo_arena *arena;
    struct batch_stmt *v;
    size_t n, cap;
    struct ordo_pg_stmts *stmts; /* NULL: statements go unnamed */
};

struct ordo_pg_batch *ordo_pg_batch_new(struct ordo_arena *arena)
{
    struct ordo_pg_batch *b = ordo_arena_alloc(arena, sizeof *b);

    b->arena = arena;
    return b;
}

void ordo_pg_batch_add(struct ordo_pg_batch *batch, const char *what, const char *sql, int nparams,
                       const char *const *params)
{
    struct batch_stmt *s;

    batch->v = ordo_arena_grow(batch->arena, batch->v, batch->n, &batch->cap, sizeof *batch->v);
    s = &batch->v[batch->n++];
    s->what = what;
    s->sql = sql;
    s->nparams = nparams;
    s->name[0] = '\0';
    s->params = ordo_arena_calloc(batch->arena, nparams ? (size_t)nparams : 1, sizeof(char *));
    for (int i = 0; i < nparams; i++) {
        s->params[i] = params[i] ? ordo_arena_strdup(batch->arena, params[i]) : NULL;
    }
}

void ordo_pg_batch_add_optional(struct ordo_pg_batch *batch, const char *what, const char *sql)
{
    ordo_pg_batch_add(batch, what, sql, 0, NULL);
    batch->v[batch->n - 1].optional = true;
}

size_t ordo_pg_batch_count(const struct ordo_pg_batch *batch)
{
    return batch->n;
}

void ordo_pg_batch_use(struct ordo_pg_batch *batch, struct ordo_pg_stmts *stmts)
{
    batch->stmts = stmts;
}

void ordo_pg_batch_truncate(struct ordo_pg_batch *batch, size_t count)
{
    if (count < batch->n) {
        batch->n = count;
    }
}

static void warn_optional(const struct batch_stmt *s, const PGresult *res)
{
    char line[ORDO_ERR_MSG_SIZE];

    ordo_log(ORDO_LOG_WARN, "pg", "optional statement failed", ORDO_STR("what", s->what),
             ORDO_STR("reason", one_line(line, sizeof line, PQresultErrorMessage(res))));
}

/* One statement's results (a result, then NULL); the first failure wins. */
static enum ordo_code batch_result(PGconn *db, const struct batch_stmt *s, enum ordo_code rc,
                                   struct ordo_err *err)
{
    PGresult *res;

    while ((res = PQgetResult(db)) != NULL) {
        ExecStatusType st = PQresultStatus(res);

        if (rc == ORDO_OK && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && s->optional) {
            warn_optional(s, res);
        } else if (rc == ORDO_OK && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
            rc = fail(err, st == PGRES_PIPELINE_ABORTED ? ORDO_E_INTERNAL : code_of(res, db),
                      s->what, db, res);
        } else if (rc == ORDO_OK && strcmp(s->sql, "COMMIT") == 0 &&
                   strcmp(PQcmdStatus(res), "COMMIT") != 0) {
            rc = ordo_err_set(err, ORDO_E_INTERNAL, "%s: the transaction was rolled back", s->what);
        }
        PQclear(res);
    }
    return rc;
}

enum ordo_code ordo_pg_batch_run(PGconn *db, struct ordo_pg_batch *batch, struct ordo_err *err)
{
    enum ordo_code rc = ORDO_OK;
    size_t sent = 0;
    PGresult *res;

    if (batch->n == 0) {
        return ORDO_OK;
    }
    /* Statements new to this connection are prepared first, one round
     * trip each, once; statements without parameters (COMMIT, NOTIFY) go
     * unnamed. */
    for (size_t i = 0; i < batch->n && batch->stmts; i++) {
        struct batch_stmt *s = &batch->v[i];
        const char *name =
            s->nparams ? prepared_name(db, batch->stmts, s->what, s->sql, s->nparams, err) : "";

        if (!name) {
            batch->n = 0;
            return err ? err->code : ORDO_E_INTERNAL;
        }
        (void)snprintf(s->name, sizeof s->name, "%s", name);
    }
    if (!PQenterPipelineMode(db)) {
        batch->n = 0;
        return fail(err, ORDO_E_AGAIN, "could not enter pipeline mode", db, NULL);
    }
    for (; sent < batch->n; sent++) {
        const struct batch_stmt *s = &batch->v[sent];

        if (!(s->name[0]
                  ? PQsendQueryPrepared(db, s->name, s->nparams, s->params, NULL, NULL, 0)
                  : PQsendQueryParams(db, s->sql, s->nparams, NULL, s->params, NULL, NULL, 0))) {
            rc = fail(err, ORDO_E_AGAIN, s->what, db, NULL);
            break;
        }
    }
    if (!PQpipelineSync(db) && rc == ORDO_OK) {
        rc = fail(err, ORDO_E_AGAIN, "could not send statements", db, NULL);
    }
    for (size_t i = 0; i < sent; i++) {
        rc = batch_result(db, &batch->v[i], rc, err);
    }
    /* The sync point's own result ends the pipeline. */
    while ((res = PQgetResult(db)) != NULL) {
        bool sync = PQresultStatus(res) == PGRES_PIPELINE_SYNC;

        PQclear(res);
        if (sync) {
            break;
        }
    }
    if (!PQexitPipelineMode(db) && rc == ORDO_OK) {
        rc = fail(err, ORDO_E_AGAIN, "could not leave pipeline mode", db, NULL);
    }
    batch->n = 0;
    return rc;
}

enum ordo_code ordo_pg_begin_exec(PGconn *db, struct ordo_pg_stmts *stmts, struct ordo_arena *arena,
                                  const char *what, const char *sql, int nparams,
                                  const char *const *params, PGresult **out, struct ordo_err *err)
{
    enum ordo_code rc = ORDO_OK;
    PGresult *res, *kept = NULL;
    const char *name = stmts && nparams ? prepared_name(db, stmts, what, sql, nparams, err) : NULL;
    bool sent;

    if (stmts && nparams && !name) {
        return err ? err->code : ORDO_E_INTERNAL;
    }
    sent = PQenterPipelineMode(db) &&
           PQsendQueryParams(db, "BEGIN", 0, NULL, NULL, NULL, NULL, 0) &&
           (name ? PQsendQueryPrepared(db, name, nparams, params, NULL, NULL, 0)
                 : PQsendQueryParams(db, sql, nparams, NULL, params, NULL, NULL, 0)) &&
           PQpipelineSync(db);

    if (!sent) {
        rc = fail(err, ORDO_E_AGAIN, what, db, NULL);
    }
    /* Results come statement by statement, each closed by a NULL; the
     * sync point's result ends them all. A broken connection gives NULLs
     * only, so the count of NULLs bounds the loop. */
    for (int nulls = 0; sent && nulls <= 3;) {
        ExecStatusType st;

        res = PQgetResult(db);
        if (!res) {
            nulls++;
            continue;
        }
        st = PQresultStatus(res);
        if (st == PGRES_PIPELINE_SYNC) {
            PQclear(res);
            break;
        }
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
            if (rc == ORDO_OK) {
                rc = fail(err, st == PGRES_PIPELINE_ABORTED ? ORDO_E_INTERNAL : code_of(res, db),
                          what, db, res);
            }
            PQclear(res);
        } else if (nulls == 1 && !kept) {
            kept = res;
        } else {
            PQclear(res);
        }
    }
    (void)PQexitPipelineMode(db);
    if (rc != ORDO_OK) {
        PQclear(kept);
        return rc;
    }
    ordo_arena_defer(arena, pq_clear_cb, kept);
    if (out) {
        *out = kept;
    }
    return ORDO_OK;
}

void ordo_pg_array_add(struct ordo_buf *out, const char *s)
{
    if (out->len > 1) {
        ordo_buf_putc(out, ',');
    }
    if (!s) {
        ordo_buf_puts(out, "NULL");
        return;
    }
    ordo_buf_putc(out, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') {
            ordo_buf_putc(out, '\\');
        }
        ordo_buf_putc(out, *s);
    }
    ordo_buf_putc(out, '"');
}

enum ordo_code ordo_pg_schema_version(PGconn *db, int *version, struct ordo_err *err)
{
    struct ordo_arena *arena = ordo_arena_new();
    PGresult *res = NULL;
    enum ordo_code rc;

    *version = 0;
    rc = ordo_pg_exec(db, arena, "could not read the schema version",
                      "SELECT to_regclass('ordo_schema_version') IS NOT NULL", 0, NULL, &res, err);
    if (rc == ORDO_OK && strcmp(PQgetvalue(res, 0, 0), "t") == 0) {
        rc = ordo_pg_exec(db, arena, "could not read the schema version",
                          "SELECT coalesce(max(version), 0) FROM ordo_schema_version", 0, NULL,
                          &res, err);
        if (rc == ORDO_OK) {
            *version = (int)ordo_pg_int(res, 0, 0);
        }
    }
    ordo_arena_free(arena);
    return rc;
}

static enum ordo_code apply_one(PGconn *db, const struct ordo_migration *m, struct ordo_err *err)
{
    char version[16];
    const char *params[2] = {version, m->name};
    PGresult *res;
    char what[96];

    /* Migrations are several statements: the simple-query protocol runs
     * them in the surrounding transaction. They take no parameters. */
    res = PQexec(db, m->sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
        enum ordo_code code;

        (void)snprintf(what, sizeof what, "migration %s failed", m->name);
        code = fail(err, code_of(res, db), what, db, res);
        PQclear(res);
        return code;
    }
    PQclear(res);
    (void)snprintf(version, sizeof version, "%d", m->version);
    ordo_log(ORDO_LOG_INFO, "pg", "migration applied", ORDO_STR("name", m->name),
             ORDO_INT("version", m->version));
    return ordo_pg_run(db, "could not record the migration",
                       "INSERT INTO ordo_schema_version (version, name) VALUES ($1, $2)", 2, params,
                       err);
}

static enum ordo_code migrate_locked(PGconn *db, const struct ordo_migration *migs, size_t nmigs,
                                     int *applied, struct ordo_err *err)
{
    int have = 0, newest = nmigs ? migs[nmigs - 1].version : 0;
    enum ordo_code rc;

    rc = ordo_pg_run(db, "could not create the schema version table",
                     "CREATE TABLE IF NOT EXISTS ordo_schema_version ("
                     "version integer PRIMARY KEY, name text NOT NULL, "
                     "applied_at timestamptz NOT NULL DEFAULT now())",
                     0, NULL, err);
    if (rc == ORDO_OK) {
        rc = ordo_pg_schema_version(db, &have, err);
    }
    if (rc != ORDO_OK) {
        return rc;
    }
    if (have > newest) {
        return ordo_err_set(err, ORDO_E_CONFLICT,
                            "the database schema is at version %d, newer than this build of Ordo "
                            "knows (%d): run a newer ordo, or restore a matching backup",
                            have, newest);
    }
    for (size_t i = 0; i < nmigs && rc == ORDO_OK; i++) {
        if (migs[i].version > have) {
            rc = apply_one(db, &migs[i], err);
            *applied += rc == ORDO_OK;
        }
    }
    return rc;
}

enum ordo_code ordo_pg_migrate(PGconn *db, const struct ordo_migration *migs, size_t nmigs,
                               int64_t lock_key, int *applied, struct ordo_err *err)
{
    char key[24];
    const char *params[1] = {key};
    int count = 0, have = 0;
    enum ordo_code rc;

    (void)snprintf(key, sizeof key, "%" PRId64, lock_key);
    /* Up to date already (the usual start-up): no lock, no DDL, so that an
     * application role without CREATE privileges starts too. */
    rc = ordo_pg_schema_version(db, &have, err);
    if (rc == ORDO_OK && nmigs > 0 && have == migs[nmigs - 1].version) {
        if (applied) {
            *applied = 0;
        }
        return ORDO_OK;
    }
    rc = rc == ORDO_OK ? ordo_pg_begin(db, err) : rc;
    if (rc == ORDO_OK) {
        rc = ordo_pg_run(db, "could not take the migration lock",
                         "SELECT pg_advisory_xact_lock($1::bigint)", 1, params, err);
    }
    if (rc == ORDO_OK) {
        rc = migrate_locked(db, migs, nmigs, &count, err);
    }
    rc = ordo_pg_end(db, rc, err);
    if (applied) {
        *applied = rc == ORDO_OK ? count : 0;
    }
    return rc;
}
