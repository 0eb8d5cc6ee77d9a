/*
 * base/pg.h - PostgreSQL: connections, statements, transactions and the
 * migrations runner.
 *
 * Every statement goes through PQexecParams (never SQL built by
 * concatenation). Failures map to codes by SQLSTATE (STYLE.md): 23505 and
 * other integrity violations -> ORDO_E_CONFLICT; 40001 (serialization) and
 * 40P01 (deadlock), a lost connection and "the server is shutting down" ->
 * ORDO_E_AGAIN, which callers retry; anything else -> ORDO_E_INTERNAL. The
 * SQLSTATE itself is kept in ordo_pg_last_state() for the callers that
 * must tell cases apart.
 *
 * Threads: a PGconn belongs to one thread at a time (STYLE.md: workers
 * share nothing mutable). These functions keep no global state.
 */
#ifndef ORDO_BASE_PG_H
#define ORDO_BASE_PG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "base/arena.h"
#include "base/err.h"

/* Connect to 'conninfo' (a libpq URI or key=value string). On failure the
 * message names the problem without repeating the connection string,
 * which may hold a password. The session runs in UTC so that nothing the
 * server formats depends on where it runs. */
enum ordo_code ordo_pg_connect(const char *conninfo, PGconn **out, struct ordo_err *err);

/* Run 'sql' with text parameters (NULL entries are SQL NULL). The result,
 * on success, is owned by 'arena' (PQclear at reset); '*out' may be NULL
 * when the caller needs no rows. 'what' names the operation in the
 * message ("could not lock instance 42: ..."). */
enum ordo_code ordo_pg_exec(PGconn *db, struct ordo_arena *arena, const char *what, const char *sql,
                            int nparams, const char *const *params, PGresult **out,
                            struct ordo_err *err);

/* Prepared statements of one connection, by SQL text (its address: the
 * statements are string constants). A statement is prepared the first
 * time it is used on the connection and executed by name after that, so
 * PostgreSQL parses and plans it once, not on every call. Drop the cache
 * with its connection (a new connection starts empty). Not thread-safe:
 * one per connection, like the connection. */
struct ordo_pg_stmts;
struct ordo_pg_stmts *ordo_pg_stmts_new(void);
void ordo_pg_stmts_free(struct ordo_pg_stmts *stmts); /* NULL is a no-op */

/* ordo_pg_exec() through the cache. */
enum ordo_code ordo_pg_exec_cached(PGconn *db, struct ordo_pg_stmts *stmts,
                                   struct ordo_arena *arena, const char *what, const char *sql,
                                   int nparams, const char *const *params, PGresult **out,
                                   struct ordo_err *err);

/* BEGIN and then 'sql', in one round trip (pipeline mode): the first
 * statement of a transaction. Otherwise as ordo_pg_exec(). */
enum ordo_code ordo_pg_begin_exec(PGconn *db, struct ordo_pg_stmts *stmts, struct ordo_arena *arena,
                                  const char *what, const char *sql, int nparams,
                                  const char *const *params, PGresult **out, struct ordo_err *err);

/* The same without an arena: the result, if any, is cleared at once. */
enum ordo_code ordo_pg_run(PGconn *db, const char *what, const char *sql, int nparams,
                           const char *const *params, struct ordo_err *err);

/* BEGIN, COMMIT and ROLLBACK. Rollback never fails the caller: a broken
 * connection is noticed by the next statement. */
enum ordo_code ordo_pg_begin(PGconn *db, struct ordo_err *err);
enum ordo_code ordo_pg_commit(PGconn *db, struct ordo_err *err);
void ordo_pg_rollback(PGconn *db);

/* End the transaction a function began: COMMIT when 'rc' is ORDO_OK, else
 * ROLLBACK. Returns the final code: 'rc', or the commit's failure (rolled
 * back too). Reads as: return ordo_pg_end(db, work(db, ..., err), err); */
enum ordo_code ordo_pg_end(PGconn *db, enum ordo_code rc, struct ordo_err *err);

/* The connection is unusable (lost, or left inside a failed transaction
 * that cannot be rolled back): the caller should reconnect. */
bool ordo_pg_broken(PGconn *db);

/* Values read back from a result: '*out' is the cell's text, borrowed from
 * 'res'. NULL cells read as NULL / 0 / false. */
const char *ordo_pg_text(const PGresult *res, int row, int col);
int64_t ordo_pg_int(const PGresult *res, int row, int col);

/* bytea in PostgreSQL's text form (bytea_output 'hex', the default since
 * 9.0): "\x" and two lower-case hex digits per byte. ordo_pg_bytea_param()
 * writes 'len' bytes of 'data' so, NUL-terminated in 'arena', ready to be
 * a text parameter ("$1::bytea" or a bytea column). */
const char *ordo_pg_bytea_param(struct ordo_arena *arena, const uint8_t *data, size_t len);

/* The bytes of a bytea cell's text 'text' (NULL reads as not bytea), in
 * 'arena' with a NUL after them (for bytes that are text), their count
 * in '*len'. False, '*out' and '*len' unspecified, when 'text' is not
 * "\x" and an even number of hex digits (the escape form is not read:
 * libpq gives the hex form unless bytea_output was changed). */
bool ordo_pg_bytea_decode(struct ordo_arena *arena, const char *text, uint8_t **out, size_t *len);

/* Statements sent together in libpq's pipeline mode: one round trip for
 * the writes of a step and its COMMIT. Parameters are copied into
 * 'arena'. A statement that fails aborts the rest (PostgreSQL skips them
 * until the pipeline's end) and ordo_pg_batch_run() reports the first
 * failure, named by its 'what'. */
struct ordo_pg_batch;

struct ordo_pg_batch *ordo_pg_batch_new(struct ordo_arena *arena);
void ordo_pg_batch_add(struct ordo_pg_batch *batch, const char *what, const char *sql, int nparams,
                       const char *const *params);
/* A statement whose failure does not fail the batch (a NOTIFY after the
 * COMMIT: a hint, not part of the transaction). */
void ordo_pg_batch_add_optional(struct ordo_pg_batch *batch, const char *what, const char *sql);
size_t ordo_pg_batch_count(const struct ordo_pg_batch *batch);

/* A batch's statements go through 'stmts' (NULL, the default: sent
 * unnamed). */
void ordo_pg_batch_use(struct ordo_pg_batch *batch, struct ordo_pg_stmts *stmts);

/* Forget the statements queued after the first 'count' (a step that
 * failed takes its writes back). */
void ordo_pg_batch_truncate(struct ordo_pg_batch *batch, size_t count);

/* Send every statement, then read every result. The batch is empty
 * again afterwards, whatever happened. A "COMMIT" that answers ROLLBACK
 * (the transaction had failed) is an error. */
enum ordo_code ordo_pg_batch_run(PGconn *db, struct ordo_pg_batch *batch, struct ordo_err *err);

/* Append 's' (NULL: SQL NULL) as one element of a PostgreSQL array
 * literal under construction in 'out' ("{" ... "}"), quoted, with a comma
 * before it unless it is the first. */
struct ordo_buf;
void ordo_pg_array_add(struct ordo_buf *out, const char *s);

/* A numbered schema migration (core/ keeps the list; see migrate). */
struct ordo_migration {
    int version;      /* 1, 2, 3, ...; applied in this order */
    const char *name; /* "0001_initial" */
    const char *sql;  /* one or more statements */
};

/* Apply every migration newer than the database's schema version, all in
 * one transaction under a transaction-level advisory lock ('lock_key'), so
 * that nodes starting together apply each migration exactly once and none
 * sees a half-migrated schema. The version table 'ordo_schema_version' is
 * created first when missing. A database whose schema is newer than the
 * newest migration known here is refused with ORDO_E_CONFLICT: this build
 * of Ordo is older than the database. '*applied' (may be NULL) is set to
 * the number applied. 'migs' must be in ascending version order. */
enum ordo_code ordo_pg_migrate(PGconn *db, const struct ordo_migration *migs, size_t nmigs,
                               int64_t lock_key, int *applied, struct ordo_err *err);

/* The schema version of the database: 0 when never migrated. */
enum ordo_code ordo_pg_schema_version(PGconn *db, int *version, struct ordo_err *err);

#endif
