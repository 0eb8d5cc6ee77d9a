/*
 * core/audit.h - the audit log's hash chain: sealing and verification.
 *
 * Steps write one `audit` row per applied event (core/store_step.c) and
 * never wait for the chain. A sealer, off the steps' critical path, hashes
 * the rows whose inserting transaction has finished and signs checkpoints
 * ("seals") with the Ed25519 key `audit_signing_key` (CONTRACTS §13), which
 * is kept outside the database. `ordo audit verify` walks the seals from
 * the oldest and names the first row that does not match. docs/audit.md is
 * the operator's page; this header is the specification.
 *
 * Chain order is (tx, seq): 'tx' is the inserting transaction's id, 'seq'
 * the row's identity. The sealer takes only rows with
 * tx < pg_snapshot_xmin(pg_current_snapshot()): every transaction below
 * that id has committed or aborted, and every later row gets a tx at or
 * above it, so no row can appear later in a range already sealed. Steps
 * insert audit rows concurrently, without any global lock; the price is
 * that a long-running transaction anywhere in the cluster delays sealing
 * (never the steps) until it ends.
 *
 * Canonical encoding of one row (no text that depends on session
 * settings): seq, tx and time_ms as 8-byte big-endian integers, then
 * actor, action, instance_key (its decimal text), element_id and payload,
 * each as a 4-byte big-endian length and the bytes (UTF-8), SQL NULL as
 * the length 0xFFFFFFFF and no bytes. The row hash is
 *   h_i = SHA-256(h_{i-1} || encoding_i),
 * with h_0 = 32 zero bytes before the very first row.
 *
 * A seal (a row of `audit_seal`) covers at most ORDO_AUDIT_SEAL_ROWS
 * consecutive rows in chain order: their first and last (tx, seq), their
 * count, prev_head (the head of the previous seal; zeros for seal 1),
 * head (the hash of its last row), row_hashes (every row's chain hash, in
 * order), the public key and an Ed25519 signature over the seal message
 * (ordo_audit_seal_message). Seals are numbered 1, 2, 3, ...
 *
 * Purging (ordo_audit_purge): the audit rows of finished instances past
 * their retention are deleted, only once sealed, and their positions are
 * kept in a signed anchor (a row of `audit_anchor`: nrows, the positions
 * as 16 bytes each, tx and seq 8-byte big-endian, in chain order, the
 * public key and an Ed25519 signature over ordo_audit_anchor_message).
 * The seals are never changed: a purged row's chain hash is still in its
 * seal's row_hashes, so the chain goes on from it, and verify accepts a
 * row missing from the table exactly when an anchor names its position.
 *
 * Threads: every function here is thread-safe for distinct connections.
 */
#ifndef ORDO_CORE_AUDIT_H
#define ORDO_CORE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "base/crypto.h"
#include "base/err.h"

/* The transaction-level advisory lock a sealer holds: one sealer at a
 * time per database, whichever node it runs on. */
#define ORDO_AUDIT_SEAL_LOCK 0x6f72646f7365616cLL /* "ordoseal" */

/* Rows per seal at most: a forged seal names a short range. */
#define ORDO_AUDIT_SEAL_ROWS 64
/* Rows one sealing transaction takes at most (the sealer's default). */
#define ORDO_AUDIT_BATCH_ROWS 4096
/* How often the sealer looks for new rows (the sealer's default). */
#define ORDO_AUDIT_INTERVAL_MS 1000

#define ORDO_AUDIT_HASH_SIZE       ORDO_SHA256_SIZE
#define ORDO_AUDIT_SEAL_MSG_SIZE   162 /* "ordo-audit-seal-v1", 6 integers, 3 hashes */
#define ORDO_AUDIT_KEY_HEX_SIZE    (2 * ORDO_SIGN_PUBLIC_SIZE + 1)
#define ORDO_AUDIT_POS_SIZE        16 /* one purged position: tx and seq, 8-byte big-endian */
#define ORDO_AUDIT_ANCHOR_MSG_SIZE 68 /* "ordo-audit-anchor-v1", 2 integers, 1 hash */
/* --retention-days and camunda:historyTimeToLive at most (over 2700 years). */
#define ORDO_AUDIT_RETENTION_MAX 1000000

/* ---- keys ----------------------------------------------------------------------------------- */

struct ordo_audit_key {
    uint8_t secret[ORDO_SIGN_SECRET_SIZE];
    uint8_t public_key[ORDO_SIGN_PUBLIC_SIZE];
};

/* The key from its text (64 or 128 hex digits, see ordo_sign_key_parse).
 * ORDO_E_INVAL otherwise; the message never repeats the key. */
enum ordo_code ordo_audit_key_parse(const char *text, struct ordo_audit_key *key,
                                    struct ordo_err *err);

/* The embedded database's default: read the key file 'path', or create it
 * when missing (mode 0600, a random seed as 64 hex digits and a newline;
 * written to a temporary file and linked into place, so two processes
 * starting together agree on one key). '*created' tells which. A file
 * that others than its owner may read is refused (ORDO_E_INVAL). */
enum ordo_code ordo_audit_key_file(const char *path, struct ordo_audit_key *key, bool *created,
                                   struct ordo_err *err);

/* ---- the chain ------------------------------------------------------------------------------ */

/* One audit row as the chain sees it. Strings are UTF-8 without NUL
 * bytes; NULL is SQL NULL (actor, action and payload are never NULL in
 * the table, the encoding allows it anyway). */
struct ordo_audit_row {
    int64_t seq;
    uint64_t tx;
    int64_t time_ms;
    const char *actor;
    const char *action;
    const char *instance_key; /* decimal text */
    const char *element_id;
    const char *payload;
};

/* h = SHA-256(prev || encoding(row)). 'out' may alias 'prev'. */
void ordo_audit_row_hash(const uint8_t prev[ORDO_AUDIT_HASH_SIZE], const struct ordo_audit_row *row,
                         uint8_t out[ORDO_AUDIT_HASH_SIZE]);

struct ordo_audit_seal {
    int64_t seq;
    uint64_t first_tx;
    int64_t first_seq;
    uint64_t last_tx;
    int64_t last_seq;
    int64_t nrows;
    uint8_t prev_head[ORDO_AUDIT_HASH_SIZE];
    uint8_t head[ORDO_AUDIT_HASH_SIZE];
    const uint8_t *row_hashes; /* nrows * ORDO_AUDIT_HASH_SIZE bytes */
    uint8_t public_key[ORDO_SIGN_PUBLIC_SIZE];
    uint8_t signature[ORDO_SIGNATURE_SIZE];
};

/* The bytes a seal's signature covers:
 *   "ordo-audit-seal-v1" || seq || first_tx || first_seq || last_tx ||
 *   last_seq || nrows || prev_head || head || SHA-256(row_hashes)
 * with the integers as 8-byte big-endian. */
void ordo_audit_seal_message(const struct ordo_audit_seal *seal,
                             uint8_t out[ORDO_AUDIT_SEAL_MSG_SIZE]);

/* A signed record of purged positions. */
struct ordo_audit_anchor {
    int64_t seq; /* 1, 2, 3, ... */
    int64_t nrows;
    const uint8_t *positions; /* nrows * ORDO_AUDIT_POS_SIZE bytes, in chain order */
    uint8_t public_key[ORDO_SIGN_PUBLIC_SIZE];
    uint8_t signature[ORDO_SIGNATURE_SIZE];
};

/* The bytes an anchor's signature covers:
 *   "ordo-audit-anchor-v1" || seq || nrows || SHA-256(positions)
 * with the integers as 8-byte big-endian. */
void ordo_audit_anchor_message(const struct ordo_audit_anchor *anchor,
                               uint8_t out[ORDO_AUDIT_ANCHOR_MSG_SIZE]);

/* ---- administrative rows -------------------------------------------------------------------- */

/* One audit row for an administrative change (identities, credentials,
 * webhook endpoints and subscriptions), in the caller's transaction on
 * 'db': no instance or element, time_ms from the database's
 * statement_timestamp(), 'actor' as given ("user:alice"; NULL or "" is
 * "system"), 'action' ("credential.set") and 'payload' encoded with
 * JSON_COMPACT | JSON_SORT_KEYS, so that equal payloads are equal bytes in
 * the chain. Takes the reference 'payload', also on failure; a NULL
 * payload (a json_pack() that failed) is ORDO_E_INTERNAL and writes
 * nothing. Database failures as ordo_pg_run(). */
enum ordo_code ordo_audit_admin(PGconn *db, const char *actor, const char *action, json_t *payload,
                                struct ordo_err *err);

/* ---- sealing -------------------------------------------------------------------------------- */

/* The newest seal one sealer has seen. The seal numbers of a database
 * only grow: a newest seal older than one seen before, or the same seal
 * with another head, means seals were removed, and a sealer that went on
 * would sign the rows after them again, whatever they hold now. */
struct ordo_audit_watermark {
    int64_t seal; /* 0: none seen yet */
    uint8_t head[ORDO_AUDIT_HASH_SIZE];
};

/* Seal, in one transaction on 'db' (outside any transaction), up to
 * 'max_rows' (<= 0: ORDO_AUDIT_BATCH_ROWS) finished rows after the newest
 * seal, one seal per ORDO_AUDIT_SEAL_ROWS rows. Another sealer holding
 * ORDO_AUDIT_SEAL_LOCK: nothing is sealed and ORDO_OK is returned.
 * '*rows_sealed' (may be NULL) counts the rows sealed. A newest seal
 * whose signature does not verify is ORDO_E_CONFLICT: the chain is not
 * extended from a forged head. 'seen' (may be NULL) is checked and then
 * advanced: seals removed or replaced since it was set are
 * ORDO_E_CONFLICT too. Nothing is sealed then. Database failures are
 * ORDO_E_AGAIN (retry, perhaps on a new connection) or ORDO_E_INTERNAL;
 * the transaction is rolled back then. The session's client_encoding is
 * set to UTF8. */
enum ordo_code ordo_audit_seal_once(PGconn *db, const struct ordo_audit_key *key, int max_rows,
                                    struct ordo_audit_watermark *seen, int *rows_sealed,
                                    struct ordo_err *err);

/* A thread that calls ordo_audit_seal_once() every 'interval_ms' (<= 0:
 * ORDO_AUDIT_INTERVAL_MS), and again at once after a full batch, on a
 * connection of its own to 'conninfo' that it reopens after a failure.
 * Failures are logged (component "audit"), never fatal; ORDO_E_CONFLICT
 * (a forged newest seal, removed seals) is logged as an error once, and
 * this sealer stops sealing until the process restarts. The key and
 * conninfo are copied. */
struct ordo_audit_sealer;

enum ordo_code ordo_audit_sealer_start(const char *conninfo, const struct ordo_audit_key *key,
                                       int interval_ms, struct ordo_audit_sealer **out,
                                       struct ordo_err *err);

/* Stop the thread, seal once more what has committed by now (best
 * effort), close and free. NULL is a no-op. */
void ordo_audit_sealer_stop(struct ordo_audit_sealer *sealer);

/* ---- purging ------------------------------------------------------------------------------- */

struct ordo_audit_purge_opts {
    /* Days after its end that an instance of a definition without
     * retention_days is kept; 0: such instances are never purged. */
    int default_days;
    bool dry_run; /* count what would be purged, change nothing */
};

struct ordo_audit_purge_result {
    int64_t instances; /* purged (or, dry run, that would be) */
    int64_t rows;      /* their audit rows */
    int64_t anchor;    /* the anchor written; 0: none (dry run, or no rows) */
    int64_t waiting;   /* old enough, but with audit rows not sealed yet: kept this time */
};

/* In one transaction on 'db' (outside any transaction), as a role that
 * may delete audit rows (the migration role; the application role has no
 * DELETE privilege on `audit` and gets ORDO_E_INTERNAL, "permission
 * denied"): SET LOCAL ordo.purge = 'on', wait for ORDO_AUDIT_SEAL_LOCK (no
 * sealing meanwhile), pick the instances that ended (status not 'active')
 * more than their definition's retention_days ago (else
 * opts->default_days; else never), whose caller is not active and all of
 * whose audit rows are sealed; delete those rows, write one anchor of
 * their positions signed with 'key', and delete the instances (their
 * jobs, tasks, subscriptions and incidents go with them). Nothing to
 * purge: ORDO_OK, nothing written. Database failures are ORDO_E_AGAIN or
 * ORDO_E_INTERNAL, and nothing is changed then. 'key' may be NULL for a
 * dry run, which signs nothing. The session's client_encoding is set to
 * UTF8. */
enum ordo_code ordo_audit_purge(PGconn *db, const struct ordo_audit_key *key,
                                const struct ordo_audit_purge_opts *opts,
                                struct ordo_audit_purge_result *out, struct ordo_err *err);

/* ---- verification --------------------------------------------------------------------------- */

#define ORDO_AUDIT_MAX_KEYS 8 /* distinct public keys listed in a report */

struct ordo_audit_report {
    bool ok;
    int64_t rows;                       /* rows whose hash was recomputed and matched */
    int64_t seals;                      /* seals that verified */
    int64_t first_seal;                 /* the oldest seal (0: there are none) */
    int64_t last_seal;                  /* the newest seal that verified (0: none) */
    int64_t unsealed;                   /* rows after the newest seal: not sealed yet (ok only) */
    int64_t anchors;                    /* anchors whose signature verified */
    int64_t purged;                     /* sealed rows missing from the table, named by anchors */
    uint8_t head[ORDO_AUDIT_HASH_SIZE]; /* head of 'last_seal' */
    /* The public keys of the verified anchors and seals, in the order first seen, as
     * hex; 'nkeys' counts them all, at most ORDO_AUDIT_MAX_KEYS are kept. */
    char keys[ORDO_AUDIT_MAX_KEYS][ORDO_AUDIT_KEY_HEX_SIZE];
    size_t nkeys;
    /* Not ok: the first problem in chain order. */
    int64_t bad_seal;   /* the seal where it was found (0: outside any seal) */
    int64_t bad_anchor; /* the anchor it concerns (0: none) */
    int64_t bad_row;    /* the seq of the row it names (0: none can be named) */
    char problem[512];  /* one sentence: "row 1234: its content does not match ..." */
};

/* Check every anchor's signature (by 'pinned_key' when not NULL, else by
 * the key stored with it) and that no position is anchored twice. Then
 * walk the seals from the oldest and check each one's signature (the same
 * way), its place in the chain (numbers without gaps, prev_head = the
 * previous head, positions after the previous seal's) and its rows, whose
 * hashes are recomputed from the `audit` table; a position an anchor
 * names must be missing from the table, and its stored hash stands for
 * it. Anchored positions after the newest seal are a problem (a purge
 * takes sealed rows only). Rows before the oldest seal's range when the
 * oldest is not seal 1 are a problem too (their seals are gone).
 * A broken chain is ORDO_OK with out->ok false and the first problem
 * described; errors are for a database that cannot be read (ORDO_E_AGAIN,
 * ORDO_E_INTERNAL). Reads in one REPEATABLE READ READ ONLY transaction,
 * so a sealer running meanwhile does not disturb it. The session's
 * client_encoding is set to UTF8. */
enum ordo_code ordo_audit_verify(PGconn *db, const uint8_t *pinned_key,
                                 struct ordo_audit_report *out, struct ordo_err *err);

/* The report as `ordo audit verify --json` and GET /api/audit/verify show
 * it: a new reference. */
json_t *ordo_audit_report_json(const struct ordo_audit_report *r);

#endif
