/*
 * core/audit_purge.c - deleting the history of finished instances past
 * their retention, leaving a signed anchor (core/audit.h, docs/audit.md).
 *
 * One transaction: SET LOCAL ordo.purge = 'on' (the append-only trigger
 * lets DELETE on `audit` through then; the application role still has no
 * DELETE privilege), the sealer's advisory lock taken and waited for, so
 * no seal is written meanwhile and the newest seal read here stays the
 * newest. An instance is taken only when every audit row of it is at or
 * before the newest seal's last position; the DELETE is bounded by that
 * position as well, so a row committed meanwhile (after the newest seal
 * by construction, see core/audit.h) is never purged unsealed. The
 * anchor's positions are those the DELETE returned, sorted in chain
 * order.
 */
#include <string.h>

#include "base/pg.h"
#include "core/audit.h"
#include "core/audit_internal.h"

struct purge_run {
    PGconn *db;
    struct ordo_arena *a;
    const struct ordo_audit_key *key;
    const struct ordo_audit_purge_opts *opts;
    struct ordo_audit_purge_result *out;
    const char *last[2]; /* the newest seal's last position, tx and seq as text */
    const char *keys;    /* the instances to purge, as a bigint[] literal */
};

/* The newest seal's last position; ('0', 0) without seals: nothing is
 * sealed, so no instance qualifies. */
static enum ordo_code read_sealed_end(struct purge_run *r, struct ordo_err *err)
{
    PGresult *res;
    enum ordo_code rc = ordo_pg_exec(
        r->db, r->a, "could not read the newest audit seal",
        "SELECT coalesce((SELECT last_tx::text FROM audit_seal ORDER BY seq DESC LIMIT 1), '0'), "
        "coalesce((SELECT last_seq FROM audit_seal ORDER BY seq DESC LIMIT 1), 0)",
        0, NULL, &res, err);

    if (rc == ORDO_OK) {
        r->last[0] = ordo_pg_text(res, 0, 0);
        r->last[1] = ordo_pg_text(res, 0, 1);
    }
    return rc;
}

/* The instances past their retention: those all of whose audit rows are
 * sealed go to r->keys, the others are counted as waiting. */
static enum ordo_code pick_instances(struct purge_run *r, struct ordo_err *err)
{
    const char *p[3] = {
        r->opts->default_days > 0 ? ordo_arena_printf(r->a, "%d", r->opts->default_days) : NULL,
        r->last[0], r->last[1]};
    PGresult *res;
    enum ordo_code rc = ordo_pg_exec(
        r->db, r->a, "could not find the instances to purge",
        "WITH old AS (SELECT i.key, EXISTS (SELECT 1 FROM audit a WHERE a.instance_key = i.key "
        "AND (a.tx, a.seq) > ($2::xid8, $3::bigint)) AS unsealed "
        "FROM instance i JOIN definition d ON d.key = i.definition_key "
        "WHERE i.status <> 'active' AND i.ended_at IS NOT NULL "
        "AND i.ended_at < now() - make_interval(days => coalesce(d.retention_days, $1::int)) "
        "AND NOT EXISTS (SELECT 1 FROM instance c WHERE c.key = i.parent_key "
        "AND c.status = 'active')) "
        "SELECT coalesce(array_agg(key ORDER BY key) FILTER (WHERE NOT unsealed), '{}')::text, "
        "count(*) FILTER (WHERE NOT unsealed), count(*) FILTER (WHERE unsealed) FROM old",
        3, p, &res, err);

    if (rc == ORDO_OK) {
        r->keys = ordo_pg_text(res, 0, 0);
        r->out->instances = ordo_pg_int(res, 0, 1);
        r->out->waiting = ordo_pg_int(res, 0, 2);
    }
    return rc;
}

/* Sign and insert the anchor of the positions in 'res' (tx text, seq). */
static enum ordo_code write_anchor(struct purge_run *r, const PGresult *res, struct ordo_err *err)
{
    int n = PQntuples(res);
    uint8_t *positions = ordo_arena_alloc_raw(r->a, (size_t)n * ORDO_AUDIT_POS_SIZE);
    uint8_t msg[ORDO_AUDIT_ANCHOR_MSG_SIZE];
    struct ordo_audit_anchor an = {.nrows = n, .positions = positions};
    const char *p[5];
    PGresult *next;
    enum ordo_code rc;

    for (int i = 0; i < n; i++) {
        struct audit_pos pos = {.seq = ordo_pg_int(res, i, 1)};

        (void)ordo_audit_parse_u64(ordo_pg_text(res, i, 0), &pos.tx);
        ordo_audit_pos_put(pos, positions + (size_t)i * ORDO_AUDIT_POS_SIZE);
    }
    rc = ordo_pg_exec(r->db, r->a, "could not number the audit anchor",
                      "SELECT coalesce(max(seq), 0) + 1 FROM audit_anchor", 0, NULL, &next, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    an.seq = ordo_pg_int(next, 0, 0);
    memcpy(an.public_key, r->key->public_key, sizeof an.public_key);
    ordo_audit_anchor_message(&an, msg);
    ordo_sign(r->key->secret, msg, sizeof msg, an.signature);
    p[0] = ordo_arena_printf(r->a, "%lld", (long long)an.seq);
    p[1] = ordo_arena_printf(r->a, "%d", n);
    p[2] = ordo_audit_hex(r->a, positions, (size_t)n * ORDO_AUDIT_POS_SIZE);
    p[3] = ordo_audit_hex(r->a, an.public_key, sizeof an.public_key);
    p[4] = ordo_audit_hex(r->a, an.signature, sizeof an.signature);
    rc = ordo_pg_run(r->db, "could not write the audit anchor",
                     "INSERT INTO audit_anchor (seq, nrows, positions, public_key, signature) "
                     "VALUES ($1, $2, decode($3, 'hex'), decode($4, 'hex'), decode($5, 'hex'))",
                     5, p, err);
    if (rc == ORDO_OK) {
        r->out->anchor = an.seq;
    }
    return rc;
}

/* Delete the picked instances' sealed audit rows, anchor them, delete the
 * instances; in a dry run only count the rows. */
static enum ordo_code purge_picked(struct purge_run *r, struct ordo_err *err)
{
    const char *p[3] = {r->keys, r->last[0], r->last[1]};
    PGresult *res;
    enum ordo_code rc;

    if (r->opts->dry_run) {
        rc = ordo_pg_exec(r->db, r->a, "could not count the audit rows to purge",
                          "SELECT count(*) FROM audit WHERE instance_key = ANY ($1::bigint[]) "
                          "AND (tx, seq) <= ($2::xid8, $3::bigint)",
                          3, p, &res, err);
        r->out->rows = rc == ORDO_OK ? ordo_pg_int(res, 0, 0) : 0;
        return rc;
    }
    rc = ordo_pg_exec(r->db, r->a, "could not delete the audit rows",
                      "WITH d AS (DELETE FROM audit WHERE instance_key = ANY ($1::bigint[]) "
                      "AND (tx, seq) <= ($2::xid8, $3::bigint) RETURNING tx, seq) "
                      "SELECT tx::text AS tx_text, seq FROM d ORDER BY d.tx, d.seq",
                      3, p, &res, err);
    if (rc == ORDO_OK) {
        r->out->rows = PQntuples(res);
    }
    if (rc == ORDO_OK && r->out->rows > 0) {
        rc = write_anchor(r, res, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_pg_run(r->db, "could not delete the purged instances",
                         "DELETE FROM instance WHERE key = ANY ($1::bigint[])", 1, p, err);
    }
    return rc;
}

/* Inside the transaction: the setting, the lock, the work. */
static enum ordo_code purge_tx(struct purge_run *r, struct ordo_err *err)
{
    const char *lock[1] = {ordo_arena_printf(r->a, "%lld", ORDO_AUDIT_SEAL_LOCK)};
    enum ordo_code rc = ordo_pg_run(r->db, "could not enable the purge",
                                    "SET LOCAL ordo.purge = 'on'", 0, NULL, err);

    if (rc == ORDO_OK) {
        rc = ordo_pg_run(r->db, "could not take the audit sealer's lock",
                         "SELECT pg_advisory_xact_lock($1::bigint)", 1, lock, err);
    }
    if (rc == ORDO_OK) {
        rc = read_sealed_end(r, err);
    }
    if (rc == ORDO_OK) {
        rc = pick_instances(r, err);
    }
    if (rc == ORDO_OK && r->out->instances > 0) {
        rc = purge_picked(r, err);
    }
    return rc;
}

enum ordo_code ordo_audit_purge(PGconn *db, const struct ordo_audit_key *key,
                                const struct ordo_audit_purge_opts *opts,
                                struct ordo_audit_purge_result *out, struct ordo_err *err)
{
    struct purge_run r = {.db = db, .a = ordo_arena_new(), .key = key, .opts = opts, .out = out};
    bool write;
    enum ordo_code rc = ordo_audit_utf8(db, err);

    memset(out, 0, sizeof *out);
    if (rc == ORDO_OK) {
        rc = ordo_pg_begin(db, err);
    }
    if (rc == ORDO_OK) {
        rc = purge_tx(&r, err);
        write = rc == ORDO_OK && !opts->dry_run && out->instances > 0;
        if (write) {
            rc = ordo_pg_commit(db, err);
        } else {
            ordo_pg_rollback(db); /* a dry run, nothing to purge, or a failure */
        }
    }
    if (rc != ORDO_OK) {
        struct ordo_audit_purge_result none = {0};

        *out = none; /* nothing was purged */
    }
    ordo_arena_free(r.a);
    return rc;
}
