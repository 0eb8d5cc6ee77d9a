/*
 * tests/integration/test_audit: the audit log's chain in a real PostgreSQL.
 * Rows are written by the store (as the application role) or by raw
 * INSERTs; the sealer and the verifier are core/audit.c; the attacker is
 * the schema owner, who can switch the append-only triggers off.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "base/crypto.h"
#include "base/file.h"
#include "base/pg.h"
#include "core/audit.h"
#include "core/store.h"
#include "tests/integration/pgtest.h"
#include "tests/integration/storetest.h"

static PGconn *db; /* the sealer's and verifier's connection, as the application role */
static struct ordo_audit_key key;

/* A fixed test key (an Ed25519 seed): its public half is printed by verify. */
#define KEY_HEX "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"

static void setup(void)
{
    struct ordo_err err = {0};

    storetest_setup();
    ck_assert_int_eq(ordo_audit_key_parse(KEY_HEX, &key, &err), ORDO_OK);
    ck_assert_msg(ordo_pg_connect(storetest_app, &db, &err) == ORDO_OK, "%s", err.msg);
}

static void teardown(void)
{
    PQfinish(db);
    storetest_teardown();
}

/* ---- helpers -------------------------------------------------------------------------------- */

/* Run 'sql' on 'conn' and return its SQLSTATE ("" when it succeeded). */
static const char *try_sql(PGconn *conn, const char *sql)
{
    static char state[8];
    PGresult *res = PQexec(conn, sql);
    ExecStatusType s = PQresultStatus(res);
    const char *code = PQresultErrorField(res, PG_DIAG_SQLSTATE);

    (void)snprintf(state, sizeof state, "%s",
                   s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK ? ""
                   : code                                        ? code
                                                                 : "?");
    PQclear(res);
    return state;
}

static void run_sql(PGconn *conn, const char *sql)
{
    const char *state = try_sql(conn, sql);

    ck_assert_msg(state[0] == '\0', "%s: SQLSTATE %s: %s", sql, state, PQerrorMessage(conn));
}

/* The first column of the first row of 'sql' as the owner; "" for no row. */
static const char *sql1(const char *sql)
{
    static char value[4096];
    PGconn *owner = pgtest_connect(storetest_db, PGTEST_OWNER);
    PGresult *res = PQexec(owner, sql);

    ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s: %s", sql, PQresultErrorMessage(res));
    (void)snprintf(value, sizeof value, "%s", PQntuples(res) ? PQgetvalue(res, 0, 0) : "");
    PQclear(res);
    PQfinish(owner);
    return value;
}

static int64_t sql_int(const char *sql)
{
    return strtoll(sql1(sql), NULL, 10);
}

/* The rows in the audit, read on the test's own connection (quicker than
 * sql1(), which connects each time). */
static int64_t count_rows(void)
{
    PGresult *res = PQexec(db, "SELECT count(*) FROM audit");
    int64_t n;

    ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
    n = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return n;
}

/* Deploy tests/integration/bpmn/flow.bpmn and start instances of it until
 * the audit holds at least 'min_rows' rows (how many rows a step writes
 * is the store's business). */
static void write_rows(int64_t min_rows)
{
    storetest_deploy("flow.bpmn");
    do {
        storetest_start("flow", NULL);
    } while (count_rows() < min_rows);
}

/* Seal until every committed row is sealed. Transactions of other tests
 * on the same cluster can hold the sealer back for a moment (their ids
 * set the snapshot's xmin), so this polls, for 10 s at most. */
static void seal_all(void)
{
    struct timespec pause = {.tv_nsec = 20 * 1000000L};
    struct ordo_err err = {0};
    int rows = 0;

    for (int i = 0; i < 500; i++) {
        ck_assert_msg(ordo_audit_seal_once(db, &key, 0, NULL, &rows, &err) == ORDO_OK, "%s",
                      err.msg);
        if (rows == 0 && sql_int("SELECT count(*) FROM audit WHERE (tx, seq) > coalesce((SELECT "
                                 "(last_tx, last_seq) FROM audit_seal ORDER BY seq DESC LIMIT 1), "
                                 "('0'::xid8, 0::bigint))") == 0) {
            return;
        }
        if (rows == 0) {
            nanosleep(&pause, NULL);
        }
    }
    ck_abort_msg("the audit rows were not sealed within 10 s");
}

static struct ordo_audit_report verify(const uint8_t *pinned)
{
    struct ordo_audit_report r;
    struct ordo_err err = {0};

    ck_assert_msg(ordo_audit_verify(db, pinned, &r, &err) == ORDO_OK, "%s", err.msg);
    return r;
}

/* The seq of the row at 'offset' in chain order. */
static int64_t row_at(int offset)
{
    char sql[128];

    (void)snprintf(sql, sizeof sql, "SELECT seq FROM audit ORDER BY tx, seq OFFSET %d LIMIT 1",
                   offset);
    return sql_int(sql);
}

/* The seq of row 'k' (from 0) of seal 'seal', in chain order. */
static int64_t row_in_seal(int64_t seal, int k)
{
    char sql[320];

    (void)snprintf(sql, sizeof sql,
                   "SELECT a.seq FROM audit a, audit_seal s WHERE s.seq = %lld AND (a.tx, a.seq) "
                   "BETWEEN (s.first_tx, s.first_seq) AND (s.last_tx, s.last_seq) "
                   "ORDER BY a.tx, a.seq OFFSET %d LIMIT 1",
                   (long long)seal, k);
    return sql_int(sql);
}

/* The seal with the most rows (at least 3): where a tamper test changes
 * rows. Seal sizes are not fixed: a transaction of another test on the
 * cluster can hold a round back, and the next round seals the rest. */
static int64_t widest_seal(void)
{
    ck_assert_int_ge(sql_int("SELECT max(nrows) FROM audit_seal"), 3);
    return sql_int("SELECT seq FROM audit_seal ORDER BY nrows DESC, seq LIMIT 1");
}

static PGconn *attacker(void)
{
    PGconn *owner = pgtest_connect(storetest_db, PGTEST_OWNER);

    run_sql(owner, "ALTER TABLE audit DISABLE TRIGGER audit_append_only");
    run_sql(owner, "ALTER TABLE audit_seal DISABLE TRIGGER audit_seal_append_only");
    return owner;
}

static void tamper_payload(PGconn *owner, int64_t seq)
{
    char sql[128];

    (void)snprintf(sql, sizeof sql,
                   "UPDATE audit SET payload = '{\"forged\":true}' WHERE seq = %lld",
                   (long long)seq);
    run_sql(owner, sql);
}

/* What an attacker without the signing key can still do: recompute the
 * stored hashes and heads of seal 'from' and of every later seal from the
 * rows as they are now, and write them back. */
static void rehash_from(PGconn *owner, int64_t from)
{
    uint8_t head[ORDO_AUDIT_HASH_SIZE], prev[ORDO_AUDIT_HASH_SIZE];
    char sql[512], hashes[2 * ORDO_AUDIT_SEAL_ROWS * ORDO_AUDIT_HASH_SIZE + 1];
    char head_hex[2 * ORDO_AUDIT_HASH_SIZE + 1], prev_hex[2 * ORDO_AUDIT_HASH_SIZE + 1];
    int64_t last = sql_int("SELECT max(seq) FROM audit_seal");

    (void)snprintf(sql, sizeof sql,
                   "SELECT encode(prev_head, 'hex') FROM audit_seal WHERE seq = %lld",
                   (long long)from);
    ck_assert(ordo_unhex(sql1(sql), 64, head, sizeof head));
    for (int64_t s = from; s <= last; s++) {
        PGresult *res;
        struct ordo_audit_row row;

        memcpy(prev, head, sizeof prev);
        (void)snprintf(sql, sizeof sql,
                       "SELECT a.seq, a.tx::text, a.time_ms, a.actor, a.action, "
                       "a.instance_key::text, a.element_id, a.payload FROM audit a, audit_seal s "
                       "WHERE s.seq = %lld AND (a.tx, a.seq) BETWEEN (s.first_tx, s.first_seq) "
                       "AND (s.last_tx, s.last_seq) ORDER BY a.tx, a.seq",
                       (long long)s);
        res = PQexec(owner, sql);
        ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
        for (int i = 0; i < PQntuples(res); i++) {
            row = (struct ordo_audit_row){
                .seq = strtoll(PQgetvalue(res, i, 0), NULL, 10),
                .tx = strtoull(PQgetvalue(res, i, 1), NULL, 10),
                .time_ms = strtoll(PQgetvalue(res, i, 2), NULL, 10),
                .actor = PQgetvalue(res, i, 3),
                .action = PQgetvalue(res, i, 4),
                .instance_key = PQgetisnull(res, i, 5) ? NULL : PQgetvalue(res, i, 5),
                .element_id = PQgetisnull(res, i, 6) ? NULL : PQgetvalue(res, i, 6),
                .payload = PQgetvalue(res, i, 7)};
            ordo_audit_row_hash(head, &row, head);
            ordo_hex(head, sizeof head, hashes + (size_t)i * 2 * ORDO_AUDIT_HASH_SIZE);
        }
        PQclear(res);
        ordo_hex(head, sizeof head, head_hex);
        ordo_hex(prev, sizeof prev, prev_hex);
        (void)snprintf(sql, sizeof sql,
                       "UPDATE audit_seal SET prev_head = decode('%s', 'hex'), head = "
                       "decode('%s', 'hex'), row_hashes = decode($1, 'hex') WHERE seq = %lld",
                       prev_hex, head_hex, (long long)s);
        res = PQexecParams(owner, sql, 1, NULL, (const char *[]){hashes}, NULL, NULL, 0);
        ck_assert_msg(PQresultStatus(res) == PGRES_COMMAND_OK, "%s", PQresultErrorMessage(res));
        PQclear(res);
    }
}

/* ---- sealing -------------------------------------------------------------------------------- */

START_TEST(rows_written_by_steps_are_sealed_and_verify)
{
    struct ordo_audit_report r;
    char pub[ORDO_AUDIT_KEY_HEX_SIZE];
    int64_t rows;

    write_rows(2 * (int64_t)ORDO_AUDIT_SEAL_ROWS + 10);
    rows = sql_int("SELECT count(*) FROM audit");
    ck_assert_int_gt(rows, ORDO_AUDIT_SEAL_ROWS); /* more than one seal */
    r = verify(NULL);
    ck_assert(r.ok);
    ck_assert_int_eq(r.seals, 0);
    ck_assert_int_eq(r.unsealed, rows);

    seal_all();
    ck_assert_int_le(sql_int("SELECT max(nrows) FROM audit_seal"), ORDO_AUDIT_SEAL_ROWS);
    ck_assert_int_ge(sql_int("SELECT count(*) FROM audit_seal"), 2);
    ck_assert_int_eq(sql_int("SELECT sum(nrows) FROM audit_seal"), rows);
    r = verify(NULL);
    ck_assert_msg(r.ok, "%s", r.problem);
    ck_assert_int_eq(r.rows, rows);
    ck_assert_int_eq(r.seals, sql_int("SELECT count(*) FROM audit_seal"));
    ck_assert_int_eq(r.first_seal, 1);
    ck_assert_int_eq(r.unsealed, 0);
    ck_assert_uint_eq(r.nkeys, 1);
    ordo_hex(key.public_key, sizeof key.public_key, pub);
    ck_assert_str_eq(r.keys[0], pub);

    /* More rows: a new seal continues the chain. */
    write_rows(count_rows() + 3);
    r = verify(key.public_key);
    ck_assert(r.ok);
    ck_assert_int_gt(r.unsealed, 0);
    seal_all();
    r = verify(key.public_key);
    ck_assert_msg(r.ok, "%s", r.problem);
    ck_assert_int_eq(r.rows, sql_int("SELECT count(*) FROM audit"));
}
END_TEST

static void insert_raw(PGconn *conn, const char *action)
{
    const char *p[1] = {action};
    PGresult *res = PQexecParams(conn,
                                 "INSERT INTO audit (time_ms, actor, action, payload) VALUES "
                                 "(1, 'user:raw', $1, '{}') RETURNING seq",
                                 1, NULL, p, NULL, NULL, 0);

    ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s", PQresultErrorMessage(res));
    PQclear(res);
}

START_TEST(rows_of_open_transactions_wait_and_are_sealed_in_transaction_order)
{
    PGconn *a = pgtest_connect(storetest_db, PGTEST_APP),
           *b = pgtest_connect(storetest_db, PGTEST_APP);
    struct ordo_err err = {0};
    int rows = -1;

    run_sql(a, "BEGIN");
    insert_raw(a, "a1"); /* transaction a gets the lower id */
    run_sql(b, "BEGIN");
    insert_raw(b, "b1");
    insert_raw(a, "a2"); /* a later seq, but the earlier transaction */
    run_sql(b, "COMMIT");
    ck_assert_int_eq(ordo_audit_seal_once(db, &key, 0, NULL, &rows, &err), ORDO_OK);
    ck_assert_int_eq(rows, 0); /* b committed, but a is still open below it */
    ck_assert_str_eq(sql1("SELECT count(*) FROM audit_seal"), "0");

    run_sql(a, "COMMIT");
    seal_all();
    ck_assert_str_eq(sql1("SELECT string_agg(action, ',' ORDER BY tx, seq) FROM audit"),
                     "a1,a2,b1");
    ck_assert_str_eq(sql1("SELECT sum(nrows) FROM audit_seal"), "3");
    ck_assert_str_eq(sql1("SELECT action FROM audit WHERE seq = (SELECT first_seq FROM audit_seal "
                          "WHERE seq = 1)"),
                     "a1");
    ck_assert_str_eq(sql1("SELECT action FROM audit WHERE seq = (SELECT last_seq FROM audit_seal "
                          "ORDER BY seq DESC LIMIT 1)"),
                     "b1");
    ck_assert(verify(NULL).ok);
    PQfinish(a);
    PQfinish(b);
}
END_TEST

START_TEST(transaction_ids_are_ordered_as_numbers_not_as_text)
{
    /* Explicit ids, far below any running transaction: "1000" < "99" as
     * text, so a chain ordered by the text form would start with c. */
    run_sql(db, "INSERT INTO audit (tx, time_ms, actor, action, payload) VALUES "
                "('100', 1, 'user:raw', 'b', '{}'), ('99', 1, 'user:raw', 'a', '{}'), "
                "('1000', 1, 'user:raw', 'c', '{}')");
    seal_all();
    ck_assert_str_eq(sql1("SELECT action FROM audit WHERE seq = (SELECT first_seq FROM audit_seal "
                          "WHERE seq = 1)"),
                     "a");
    ck_assert_str_eq(sql1("SELECT action FROM audit WHERE seq = (SELECT last_seq FROM audit_seal "
                          "WHERE seq = 1)"),
                     "c");
    ck_assert(verify(NULL).ok);
}
END_TEST

START_TEST(the_app_role_cannot_change_or_remove_audit_rows_or_seals)
{
    const char *refused[] = {
        "UPDATE audit SET payload = '{}'", "DELETE FROM audit",      "TRUNCATE audit",
        "UPDATE audit_seal SET nrows = 1", "DELETE FROM audit_seal", "TRUNCATE audit_seal"};

    write_rows(count_rows() + 3);
    seal_all();
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        ck_assert_msg(strcmp(try_sql(db, refused[i]), "42501") == 0, "%s: %s", refused[i],
                      PQerrorMessage(db));
    }
    ck_assert(verify(NULL).ok);
}
END_TEST

START_TEST(a_sealer_that_sees_its_seals_removed_stops)
{
    struct ordo_audit_watermark seen = {0};
    struct ordo_err err = {0};
    PGconn *owner;
    int rows = 0;

    write_rows(count_rows() + 3);
    seal_all();
    ck_assert_int_eq(ordo_audit_seal_once(db, &key, 0, &seen, &rows, &err), ORDO_OK);
    ck_assert_int_eq(seen.seal, sql_int("SELECT max(seq) FROM audit_seal"));
    owner = attacker();
    run_sql(owner, "DELETE FROM audit_seal WHERE seq = (SELECT max(seq) FROM audit_seal)");
    ck_assert_int_eq(ordo_audit_seal_once(db, &key, 0, &seen, &rows, &err), ORDO_E_CONFLICT);
    ck_assert_msg(strstr(err.msg, "audit seals were removed") != NULL, "%s", err.msg);
    ck_assert_int_eq(rows, 0);
    PQfinish(owner);
}
END_TEST

START_TEST(the_sealer_thread_seals_in_the_background)
{
    struct ordo_audit_sealer *sealer = NULL;
    struct ordo_err err = {0};
    struct timespec pause = {.tv_nsec = 20 * 1000000L};
    struct ordo_audit_report r = {0};

    ck_assert_int_eq(ordo_audit_sealer_start(storetest_app, &key, 50, &sealer, &err), ORDO_OK);
    write_rows(30);
    for (int i = 0; i < 500; i++) {
        r = verify(NULL);
        if (r.seals > 0 && r.unsealed == 0) {
            break;
        }
        nanosleep(&pause, NULL);
    }
    ck_assert_msg(r.ok && r.seals > 0 && r.unsealed == 0, "seals %lld, unsealed %lld",
                  (long long)r.seals, (long long)r.unsealed);
    write_rows(count_rows() + 3); /* sealed at the latest by the stop */
    ordo_audit_sealer_stop(sealer);
    seal_all();
    ck_assert(verify(NULL).ok);
}
END_TEST

/* ---- tampering ------------------------------------------------------------------------------ */

START_TEST(a_row_changed_through_sql_is_named)
{
    struct ordo_audit_report r;
    PGconn *owner;
    int64_t seal, target;
    char want[128], sql[128];

    write_rows(2 * (int64_t)ORDO_AUDIT_SEAL_ROWS + 10);
    seal_all();
    seal = widest_seal();
    target = row_in_seal(seal, 1); /* not the seal's first row */
    owner = attacker();
    tamper_payload(owner, target);
    r = verify(NULL);
    ck_assert(!r.ok);
    ck_assert_int_eq(r.bad_row, target);
    ck_assert_int_eq(r.bad_seal, seal);
    (void)snprintf(want, sizeof want, "row %lld: its content does not match the sealed hash",
                   (long long)target);
    ck_assert_msg(strstr(r.problem, want) == r.problem, "%s", r.problem);
    (void)snprintf(sql, sizeof sql,
                   "SELECT coalesce(sum(nrows), 0) FROM audit_seal WHERE seq < %lld",
                   (long long)seal);
    ck_assert_int_eq(r.rows, sql_int(sql)); /* the seals before it verified */
    ck_assert_int_eq(r.seals, seal - 1);
    PQfinish(owner);
}
END_TEST

START_TEST(rehashing_the_rest_of_the_chain_is_caught_by_the_signature)
{
    struct ordo_audit_report r;
    struct ordo_err err = {0};
    int rows = 0;
    PGconn *owner;
    int64_t seal, target, first, later;
    char want[128];

    write_rows(3 * (int64_t)ORDO_AUDIT_SEAL_ROWS);
    seal_all();
    seal = widest_seal();
    first = row_in_seal(seal, 0);
    target = row_in_seal(seal, 1);
    later = row_in_seal(seal, 2);
    owner = attacker();
    tamper_payload(owner, target);
    rehash_from(owner, seal);

    /* The stored hashes match the rows again: only the signature is left
     * to tell, and it names the seal (its first row stands for it). */
    r = verify(NULL);
    ck_assert(!r.ok);
    ck_assert_int_eq(r.bad_seal, seal);
    ck_assert_int_eq(r.bad_row, first);
    (void)snprintf(want, sizeof want, "seal %lld (rows %lld to ", (long long)seal,
                   (long long)first);
    ck_assert_msg(strstr(r.problem, want) == r.problem, "%s", r.problem);
    ck_assert_msg(strstr(r.problem, "is not signed by") != NULL, "%s", r.problem);
    ck_assert_msg(strstr(r.problem, "they were recomputed as well") != NULL, "%s", r.problem);

    /* One more row changed in that seal, and not rehashed: it is named. */
    tamper_payload(owner, later);
    r = verify(NULL);
    ck_assert_int_eq(r.bad_seal, seal);
    ck_assert_int_eq(r.bad_row, later);
    ck_assert_msg(strstr(r.problem, "is the first row whose content does not match") != NULL, "%s",
                  r.problem);

    /* The sealer does not sign on from a forged newest seal. */
    ck_assert_int_eq(ordo_audit_seal_once(db, &key, 0, NULL, &rows, &err), ORDO_E_CONFLICT);
    ck_assert_msg(strstr(err.msg, "is not validly signed") != NULL, "%s", err.msg);
    PQfinish(owner);
}
END_TEST

START_TEST(a_deleted_row_is_named_by_the_row_in_its_place)
{
    struct ordo_audit_report r;
    PGconn *owner;
    int64_t seal, gone, next;
    char sql[256];

    write_rows(30);
    seal_all();
    seal = widest_seal();
    gone = row_in_seal(seal, 1);
    next = row_in_seal(seal, 2);
    owner = attacker();
    (void)snprintf(sql, sizeof sql, "DELETE FROM audit WHERE seq = %lld", (long long)gone);
    run_sql(owner, sql);
    r = verify(NULL);
    ck_assert(!r.ok);
    ck_assert_int_eq(r.bad_seal, seal);
    ck_assert_int_eq(r.bad_row, next);
    ck_assert_msg(strstr(r.problem, "the sealed row before it is missing") != NULL, "%s",
                  r.problem);
    PQfinish(owner);
}
END_TEST

START_TEST(a_row_inserted_into_a_sealed_range_is_named)
{
    struct ordo_audit_report r;
    char sql[256];

    write_rows(30);
    seal_all();
    /* The application role may insert, even with a transaction id of its
     * choosing: a row placed inside the sealed part of the chain is named. */
    (void)snprintf(sql, sizeof sql,
                   "INSERT INTO audit (tx, time_ms, actor, action, payload) SELECT tx, 1, "
                   "'user:x', 'forged', '{}' FROM audit WHERE seq = %lld",
                   (long long)row_in_seal(1, 0));
    run_sql(db, sql);
    r = verify(NULL);
    ck_assert(!r.ok);
    ck_assert_int_eq(r.bad_row, sql_int("SELECT seq FROM audit WHERE action = 'forged'"));
    ck_assert_msg(strstr(r.problem, "it was inserted later") != NULL, "%s", r.problem);
}
END_TEST

START_TEST(seals_signed_by_another_key_fail_a_pinned_verify)
{
    struct ordo_audit_key other;
    struct ordo_audit_report r;
    struct ordo_err err = {0};

    ck_assert_int_eq(ordo_audit_key_parse("0000000000000000000000000000000000000000000000000000"
                                          "000000000001",
                                          &other, &err),
                     ORDO_OK);
    write_rows(count_rows() + 3);
    seal_all();
    ck_assert(verify(key.public_key).ok);
    r = verify(other.public_key);
    ck_assert(!r.ok);
    ck_assert_int_eq(r.bad_seal, 1);
    ck_assert_int_eq(r.bad_row, row_in_seal(1, 0));
    ck_assert_msg(strstr(r.problem, "not by the pinned key") != NULL, "%s", r.problem);
}
END_TEST

/* ---- keys ----------------------------------------------------------------------------------- */

START_TEST(the_embedded_default_key_file_is_made_once_with_mode_0600)
{
    char dir[] = "/tmp/ordo-audit-key.XXXXXX", path[64];
    struct ordo_audit_key k1, k2;
    struct ordo_err err = {0};
    struct stat sb;
    bool created = false;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    (void)snprintf(path, sizeof path, "%s/audit-signing.key", dir);
    ck_assert_msg(ordo_audit_key_file(path, &k1, &created, &err) == ORDO_OK, "%s", err.msg);
    ck_assert(created);
    ck_assert_int_eq(stat(path, &sb), 0);
    ck_assert_int_eq(sb.st_mode & 0777, 0600);
    ck_assert_int_eq(sb.st_size, 65);
    ck_assert_int_eq(ordo_audit_key_file(path, &k2, &created, &err), ORDO_OK);
    ck_assert(!created);
    ck_assert_mem_eq(k1.public_key, k2.public_key, sizeof k1.public_key);
    ck_assert_int_eq(chmod(path, 0644), 0);
    ck_assert_int_eq(ordo_audit_key_file(path, &k2, &created, &err), ORDO_E_INVAL);
    ck_assert_msg(strstr(err.msg, "mode 0600") != NULL, "%s", err.msg);
    ck_assert_int_eq(unlink(path), 0);
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* ---- the command ---------------------------------------------------------------------------- */

/* Run `ordo audit verify --database-url URL [ARG1 [ARG2]]`. */
static int run_url(const char *url, const char *arg1, const char *arg2, char *out, size_t outlen)
{
    const char *args[] = {"audit", "verify", "--database-url", url, arg1, arg2, NULL};

    return storetest_run_ordo(args, out, outlen);
}

static int run_verify(const char *arg1, const char *arg2, char *out, size_t outlen)
{
    return run_url(storetest_app, arg1, arg2, out, outlen);
}

START_TEST(ordo_audit_verify_exits_0_1_or_2)
{
    char out[8192], pub[ORDO_AUDIT_KEY_HEX_SIZE], want[128];
    PGconn *owner;

    write_rows(10);
    seal_all();
    ordo_hex(key.public_key, sizeof key.public_key, pub);
    ck_assert_int_eq(run_verify(NULL, NULL, out, sizeof out), 0);
    ck_assert_msg(strstr(out, "audit chain verified: ") == out, "%s", out);
    (void)snprintf(want, sizeof want, "public key: %s\n", pub);
    ck_assert_msg(strstr(out, want) != NULL, "%s", out);
    ck_assert_int_eq(run_verify("--public-key", pub, out, sizeof out), 0);
    ck_assert_int_eq(run_verify("--json", NULL, out, sizeof out), 0);
    ck_assert_msg(strstr(out, "\"ok\": true") != NULL, "%s", out);
    ck_assert_int_eq(run_verify("--public-key", "xyz", out, sizeof out), 2);

    owner = attacker();
    tamper_payload(owner, row_at(1));
    ck_assert_int_eq(run_verify(NULL, NULL, out, sizeof out), 1);
    (void)snprintf(want, sizeof want,
                   "audit chain broken: row %lld: its content does not match the sealed hash",
                   (long long)row_at(1));
    ck_assert_msg(strstr(out, want) == out, "%s", out);
    ck_assert_int_eq(run_url("host=/nonexistent port=1", NULL, NULL, out, sizeof out), 2);
    ck_assert_msg(strstr(out, "could not connect") != NULL, "%s", out);
    PQfinish(owner);
}
END_TEST

/* ---- purging -------------------------------------------------------------------------------- */

/* An instance of 'process' that has ended (a straight-through process). */
static int64_t finished(const char *process)
{
    int64_t k = storetest_start(process, NULL);

    ck_assert_str_eq(storetest_sql1("SELECT status FROM instance WHERE key = $1", storetest_key(k)),
                     "completed");
    return k;
}

/* Make instance 'k' look as if it ended two days ago. */
static void age(int64_t k)
{
    ck_assert_str_eq(storetest_sql1("WITH u AS (UPDATE instance SET ended_at = now() - interval "
                                    "'2 days' WHERE key = $1 RETURNING 1) SELECT count(*) FROM u",
                                    storetest_key(k)),
                     "1");
}

static int64_t rows_of(int64_t k)
{
    return strtoll(
        storetest_sql1("SELECT count(*) FROM audit WHERE instance_key = $1", storetest_key(k)),
        NULL, 10);
}

static bool exists(int64_t k)
{
    return strcmp(storetest_sql1("SELECT count(*) FROM instance WHERE key = $1", storetest_key(k)),
                  "1") == 0;
}

static struct ordo_audit_purge_result purge_as(PGconn *conn, int default_days, bool dry_run)
{
    struct ordo_audit_purge_opts opts = {.default_days = default_days, .dry_run = dry_run};
    struct ordo_audit_purge_result r;
    struct ordo_err err = {0};

    ck_assert_msg(ordo_audit_purge(conn, &key, &opts, &r, &err) == ORDO_OK, "%s", err.msg);
    return r;
}

static struct ordo_audit_purge_result purge(int default_days, bool dry_run)
{
    PGconn *owner = pgtest_connect(storetest_db, PGTEST_OWNER);
    struct ordo_audit_purge_result r = purge_as(owner, default_days, dry_run);

    PQfinish(owner);
    return r;
}

/* Two old finished instances of "retained" (retention P1D) among others
 * that stay: a recent one, an active one, one of another definition. */
struct scene {
    int64_t old1, old2, recent, active, other, old_rows;
};

static struct scene make_scene(void)
{
    struct scene sc;

    storetest_deploy("retained.bpmn");
    storetest_deploy("kept.bpmn");
    sc.old1 = finished("retained");
    sc.other = finished("kept");
    sc.recent = finished("retained");
    sc.old2 = finished("retained");
    sc.active = storetest_start("retained_wait", NULL);
    age(sc.old1);
    age(sc.old2);
    age(sc.other);
    sc.old_rows = rows_of(sc.old1) + rows_of(sc.old2);
    ck_assert_int_gt(sc.old_rows, 0);
    ck_assert_str_eq(sql1("UPDATE instance SET ended_at = now() - interval '2 days' WHERE "
                          "status = 'active' RETURNING 'x'"),
                     "x"); /* ended_at on an active instance: still kept */
    return sc;
}

START_TEST(purge_removes_finished_instances_past_their_retention_and_verify_passes)
{
    struct ordo_audit_purge_result p;
    struct ordo_audit_report r;
    struct scene sc;
    int64_t before;
    char out[8192];

    sc = make_scene();
    ck_assert_str_eq(sql1("SELECT string_agg(process_id || '=' || coalesce(retention_days::text, "
                          "'-'), ',' ORDER BY process_id) FROM definition"),
                     "kept=-,retained=1,retained_wait=1");
    seal_all();
    before = count_rows();
    p = purge(0, false);
    ck_assert_int_eq(p.instances, 2);
    ck_assert_int_eq(p.rows, sc.old_rows);
    ck_assert_int_eq(p.anchor, 1);
    ck_assert_int_eq(p.waiting, 0);
    ck_assert(!exists(sc.old1) && !exists(sc.old2));
    ck_assert(exists(sc.recent) && exists(sc.active) && exists(sc.other));
    ck_assert_int_eq(rows_of(sc.old1) + rows_of(sc.old2), 0);
    ck_assert_int_eq(count_rows(), before - sc.old_rows);
    ck_assert_int_eq(sql_int("SELECT nrows FROM audit_anchor WHERE seq = 1"), sc.old_rows);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM user_task"), 1); /* the active one's */

    r = verify(key.public_key);
    ck_assert_msg(r.ok, "%s", r.problem);
    ck_assert_int_eq(r.purged, sc.old_rows);
    ck_assert_int_eq(r.anchors, 1);
    ck_assert_int_eq(r.rows, count_rows());
    ck_assert_int_eq(r.rows + r.purged, sql_int("SELECT sum(nrows) FROM audit_seal"));

    /* The chain goes on after the purge; nothing is left to purge. */
    finished("retained");
    seal_all();
    r = verify(NULL);
    ck_assert_msg(r.ok, "%s", r.problem);
    ck_assert_int_eq(r.purged, sc.old_rows);
    p = purge(0, false);
    ck_assert_int_eq(p.instances, 0);
    ck_assert_int_eq(p.anchor, 0);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM audit_anchor"), 1);
    ck_assert_int_eq(run_verify(NULL, NULL, out, sizeof out), 0);
    ck_assert_msg(strstr(out, "purged rows accounted for by 1 anchor") != NULL, "%s", out);
}
END_TEST

START_TEST(an_instance_with_unsealed_audit_rows_waits_for_the_next_purge)
{
    struct ordo_audit_purge_result p;
    int64_t k;

    storetest_deploy("retained.bpmn");
    seal_all();
    k = finished("retained");
    age(k);
    p = purge(0, false); /* its rows are not sealed yet */
    ck_assert_int_eq(p.instances, 0);
    ck_assert_int_eq(p.waiting, 1);
    ck_assert(exists(k));
    seal_all();
    p = purge(0, false);
    ck_assert_int_eq(p.instances, 1);
    ck_assert_int_eq(p.waiting, 0);
    ck_assert(!exists(k));
    ck_assert(verify(NULL).ok);
}
END_TEST

START_TEST(a_row_deleted_with_the_purge_setting_but_no_anchor_is_named)
{
    struct ordo_audit_report r;
    PGconn *owner;
    int64_t seal, gone, next;
    char sql[256];

    make_scene();
    seal_all();
    (void)purge(0, false);
    write_rows(count_rows() + 10);
    seal_all();
    ck_assert(verify(NULL).ok);
    seal = widest_seal();
    gone = row_in_seal(seal, 1);
    next = row_in_seal(seal, 2);
    owner = pgtest_connect(storetest_db, PGTEST_OWNER);
    run_sql(owner, "BEGIN");
    run_sql(owner, "SET LOCAL ordo.purge = 'on'"); /* the trigger lets it through */
    (void)snprintf(sql, sizeof sql, "DELETE FROM audit WHERE seq = %lld", (long long)gone);
    run_sql(owner, sql);
    run_sql(owner, "COMMIT");
    r = verify(NULL);
    ck_assert(!r.ok);
    ck_assert_int_eq(r.bad_seal, seal);
    ck_assert_int_eq(r.bad_row, next);
    ck_assert_msg(strstr(r.problem, "the sealed row before it is missing") != NULL, "%s",
                  r.problem);
    PQfinish(owner);
}
END_TEST

START_TEST(an_anchor_whose_positions_were_changed_fails_verify)
{
    struct ordo_audit_report r;
    PGconn *owner;

    make_scene();
    seal_all();
    ck_assert_int_eq(purge(0, false).anchor, 1);
    owner = pgtest_connect(storetest_db, PGTEST_OWNER);
    run_sql(owner, "ALTER TABLE audit_anchor DISABLE TRIGGER audit_anchor_append_only");
    run_sql(owner, "UPDATE audit_anchor SET positions = set_byte(positions, 15, "
                   "get_byte(positions, 15) # 1) WHERE seq = 1");
    r = verify(NULL);
    ck_assert(!r.ok);
    ck_assert_int_eq(r.bad_anchor, 1);
    ck_assert_msg(strstr(r.problem, "anchor 1 (") == r.problem, "%s", r.problem);
    ck_assert_msg(strstr(r.problem, "is not signed by") != NULL, "%s", r.problem);

    /* An anchor removed: its rows are missing without one. */
    run_sql(owner, "DELETE FROM audit_anchor");
    r = verify(NULL);
    ck_assert(!r.ok);
    ck_assert_int_ne(r.bad_seal, 0);
    PQfinish(owner);
}
END_TEST

START_TEST(an_anchored_row_still_in_the_table_fails_verify)
{
    struct ordo_audit_report r;
    PGconn *owner;

    make_scene();
    seal_all();
    owner = pgtest_connect(storetest_db, PGTEST_OWNER);
    /* Purge, then put one purged row back, as a restore from a dump would. */
    run_sql(owner, "CREATE TABLE saved AS SELECT * FROM audit");
    ck_assert_int_eq(purge_as(owner, 0, false).anchor, 1);
    run_sql(owner, "INSERT INTO audit (seq, tx, time_ms, actor, action, instance_key, element_id, "
                   "payload) OVERRIDING SYSTEM VALUE SELECT * FROM saved WHERE seq NOT IN "
                   "(SELECT seq FROM audit) ORDER BY tx, seq LIMIT 1");
    r = verify(NULL);
    ck_assert(!r.ok);
    ck_assert_int_eq(r.bad_anchor, 1);
    ck_assert_msg(strstr(r.problem, "anchor 1 says it was purged, but it is still in the table") !=
                      NULL,
                  "%s", r.problem);
    PQfinish(owner);
}
END_TEST

START_TEST(the_app_role_cannot_purge)
{
    struct ordo_audit_purge_opts opts = {0};
    struct ordo_audit_purge_result p;
    struct ordo_err err = {0};
    struct scene sc;
    int64_t before;

    sc = make_scene();
    seal_all();
    before = count_rows();
    ck_assert_int_eq(ordo_audit_purge(db, &key, &opts, &p, &err), ORDO_E_INTERNAL);
    ck_assert_msg(strstr(err.msg, "permission denied") != NULL, "%s", err.msg);
    ck_assert_int_eq(p.instances, 0);
    ck_assert(exists(sc.old1) && exists(sc.old2));
    ck_assert_int_eq(count_rows(), before);
    run_sql(db, "SET ordo.purge = 'on'");
    ck_assert_str_eq(try_sql(db, "DELETE FROM audit"), "42501");
    ck_assert_str_eq(try_sql(db, "INSERT INTO audit_anchor (seq, nrows, positions, public_key, "
                                 "signature) VALUES (1, 1, '\\x00', '\\x00', '\\x00')"),
                     "42501");
    ck_assert_str_eq(try_sql(db, "SELECT count(*) FROM audit_anchor"), "");
    run_sql(db, "RESET ordo.purge");
    ck_assert(verify(NULL).ok);
}
END_TEST

START_TEST(a_dry_run_changes_nothing)
{
    struct ordo_audit_purge_result p;
    struct scene sc;
    int64_t before;

    sc = make_scene();
    seal_all();
    before = count_rows();
    p = purge(0, true);
    ck_assert_int_eq(p.instances, 2);
    ck_assert_int_eq(p.rows, sc.old_rows);
    ck_assert_int_eq(p.anchor, 0);
    ck_assert(exists(sc.old1) && exists(sc.old2));
    ck_assert_int_eq(count_rows(), before);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM audit_anchor"), 0);
}
END_TEST

START_TEST(a_definition_without_retention_is_purged_only_with_a_default)
{
    struct ordo_audit_purge_result p;
    struct scene sc;

    sc = make_scene();
    seal_all();
    p = purge(0, false);
    ck_assert_int_eq(p.instances, 2);
    ck_assert(exists(sc.other));
    p = purge(3, false); /* ended two days ago: not yet */
    ck_assert_int_eq(p.instances, 0);
    p = purge(1, false);
    ck_assert_int_eq(p.instances, 1);
    ck_assert_int_eq(p.anchor, 2);
    ck_assert(!exists(sc.other) && exists(sc.recent) && exists(sc.active));
    ck_assert_msg(verify(NULL).ok, "%s", verify(NULL).problem);
}
END_TEST

static enum ordo_code deploy_xml(const char *xml, struct ordo_err *err)
{
    const struct ordo_deployed *out;
    const struct ordo_graph_finding *findings;
    size_t nout, nfindings;
    struct ordo_arena *arena = ordo_arena_new();
    struct ordo_deploy_req req = {
        .resource = "ttl.bpmn", .xml = xml, .len = strlen(xml), .actor = "user:test"};
    enum ordo_code rc =
        ordo_store_deploy(storetest_st, &req, arena, &out, &nout, &findings, &nfindings, err);

    ordo_arena_free(arena);
    return rc;
}

START_TEST(history_time_to_live_is_read_at_deploy)
{
    const char *good[] = {"30", "P7D"}, *want[] = {"30", "7"};
    const char *bad[] = {"P1M", "PT12H", "0", "-1", "", "${ttl}", "P", "30 "};
    char xml[1024];
    struct ordo_err err;

    for (size_t i = 0; i < sizeof good / sizeof good[0] + sizeof bad / sizeof bad[0]; i++) {
        bool ok = i < sizeof good / sizeof good[0];
        const char *ttl = ok ? good[i] : bad[i - sizeof good / sizeof good[0]];

        memset(&err, 0, sizeof err);
        (void)snprintf(xml, sizeof xml,
                       "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" "
                       "xmlns:camunda=\"http://camunda.org/schema/1.0/bpmn\" id=\"d\" "
                       "targetNamespace=\"urn:t\"><process id=\"ttl%zu\" isExecutable=\"true\" "
                       "camunda:historyTimeToLive=\"%s\"><startEvent id=\"s\"/></process>"
                       "</definitions>",
                       i, ttl);
        ck_assert_msg(deploy_xml(xml, &err) == (ok ? ORDO_OK : ORDO_E_UNPROCESSABLE), "%s: %s", ttl,
                      err.msg);
        if (ok) {
            (void)snprintf(xml, sizeof xml, "ttl%zu", i);
            ck_assert_str_eq(storetest_sql1("SELECT retention_days FROM definition WHERE "
                                            "process_id = $1",
                                            xml),
                             want[i]);
        } else {
            ck_assert_msg(strstr(err.msg, "camunda:historyTimeToLive") != NULL, "%s", err.msg);
            (void)snprintf(xml, sizeof xml, "process \"ttl%zu\"", i);
            ck_assert_msg(strstr(err.msg, xml) != NULL, "%s", err.msg);
        }
    }
}
END_TEST

START_TEST(ordo_audit_purge_exits_0_1_or_2)
{
    const char *owner = pgtest_conninfo(storetest_db, PGTEST_OWNER);
    const char *dry[] = {
        "audit", "purge",     "--database-url", storetest_app, "--migrate-database-url",
        owner,   "--dry-run", "--json",         NULL};
    const char *real[] = {
        "audit", "purge", "--database-url", storetest_app, "--migrate-database-url", owner, NULL};
    const char *as_app[] = {"audit", "purge", "--database-url", storetest_app, NULL};
    const char *bad[] = {"audit", "purge", "--retention-days", "x", NULL};
    const char *zero[] = {"audit", "purge", "--retention-days", "0", NULL};
    char out[8192];

    ck_assert_int_eq(setenv("ORDO_AUDIT_SIGNING_KEY", KEY_HEX, 1), 0);
    ck_assert_int_eq(setenv("ORDO_LOG_LEVEL", "error", 1), 0);
    ck_assert_int_eq(storetest_run_ordo(bad, out, sizeof out), 2);
    ck_assert_msg(strstr(out, "--retention-days takes a whole number") != NULL, "%s", out);
    ck_assert_int_eq(storetest_run_ordo(zero, out, sizeof out), 2);
    ck_assert_int_eq(storetest_run_ordo(real, out, sizeof out), 0);
    ck_assert_msg(strcmp(out, "nothing to purge\n") == 0, "%s", out);

    make_scene();
    seal_all();
    ck_assert_int_eq(storetest_run_ordo(dry, out, sizeof out), 0);
    ck_assert_msg(strstr(out, "\"dry_run\": true") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "\"instances\": 2") != NULL, "%s", out);
    ck_assert_int_eq(storetest_run_ordo(as_app, out, sizeof out), 1);
    ck_assert_msg(strstr(out, "permission denied") != NULL, "%s", out);
    ck_assert_int_eq(storetest_run_ordo(real, out, sizeof out), 0);
    ck_assert_msg(strstr(out, "purged 2 instances and their ") == out, "%s", out);
    ck_assert_msg(strstr(out, "(anchor 1)") != NULL, "%s", out);
    ck_assert_int_eq(run_verify(NULL, NULL, out, sizeof out), 0);
}
END_TEST

static Suite *audit_suite(void)
{
    Suite *s = suite_create("audit");
    TCase *tc = tcase_create("pg");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, rows_written_by_steps_are_sealed_and_verify);
    tcase_add_test(tc, rows_of_open_transactions_wait_and_are_sealed_in_transaction_order);
    tcase_add_test(tc, transaction_ids_are_ordered_as_numbers_not_as_text);
    tcase_add_test(tc, the_app_role_cannot_change_or_remove_audit_rows_or_seals);
    tcase_add_test(tc, a_sealer_that_sees_its_seals_removed_stops);
    tcase_add_test(tc, the_sealer_thread_seals_in_the_background);
    tcase_add_test(tc, a_row_changed_through_sql_is_named);
    tcase_add_test(tc, rehashing_the_rest_of_the_chain_is_caught_by_the_signature);
    tcase_add_test(tc, a_deleted_row_is_named_by_the_row_in_its_place);
    tcase_add_test(tc, a_row_inserted_into_a_sealed_range_is_named);
    tcase_add_test(tc, seals_signed_by_another_key_fail_a_pinned_verify);
    tcase_add_test(tc, the_embedded_default_key_file_is_made_once_with_mode_0600);
    tcase_add_test(tc, ordo_audit_verify_exits_0_1_or_2);
    tcase_add_test(tc, purge_removes_finished_instances_past_their_retention_and_verify_passes);
    tcase_add_test(tc, an_instance_with_unsealed_audit_rows_waits_for_the_next_purge);
    tcase_add_test(tc, a_row_deleted_with_the_purge_setting_but_no_anchor_is_named);
    tcase_add_test(tc, an_anchor_whose_positions_were_changed_fails_verify);
    tcase_add_test(tc, an_anchored_row_still_in_the_table_fails_verify);
    tcase_add_test(tc, the_app_role_cannot_purge);
    tcase_add_test(tc, a_dry_run_changes_nothing);
    tcase_add_test(tc, a_definition_without_retention_is_purged_only_with_a_default);
    tcase_add_test(tc, history_time_to_live_is_read_at_deploy);
    tcase_add_test(tc, ordo_audit_purge_exits_0_1_or_2);
    suite_add_tcase(s, tc);
    return s;
}

PGTEST_CHECK_MAIN(audit_suite)
