/*
 * core/audit.c - the chain's encoding, the signing key, and the sealer.
 *
 * The sealer is one transaction per round: it takes the advisory lock
 * ORDO_AUDIT_SEAL_LOCK without waiting (another node sealing now is not an
 * error: that node seals these rows), reads the newest seal and the
 * finished rows after it in (tx, seq) order, and writes one seal per
 * ORDO_AUDIT_SEAL_ROWS rows and its COMMIT in one pipelined round trip.
 * The steps that write audit rows never take this lock.
 */
#include "core/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/pg.h"
#include "core/audit_internal.h"

#define NULL_LENGTH   0xFFFFFFFFu
#define SEAL_DOMAIN   "ordo-audit-seal-v1"
#define ANCHOR_DOMAIN "ordo-audit-anchor-v1"
#define KEY_FILE_MAX  256 /* bytes read from a key file: 128 hex digits and a newline fit */

/* ---- encoding ------------------------------------------------------------------------------- */

static void put_be(uint8_t *out, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++) {
        out[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
    }
}

static void hash_u64(struct ordo_sha256_ctx *c, uint64_t v)
{
    uint8_t b[8];

    put_be(b, v, 8);
    ordo_sha256_update(c, b, sizeof b);
}

static void hash_text(struct ordo_sha256_ctx *c, const char *s)
{
    uint8_t b[4];
    size_t len = s ? strlen(s) : 0;

    /* PostgreSQL text is at most 1 GB, far below the NULL marker. */
    put_be(b, s ? (uint64_t)len : NULL_LENGTH, 4);
    ordo_sha256_update(c, b, sizeof b);
    if (s) {
        ordo_sha256_update(c, s, len);
    }
}

void ordo_audit_row_hash(const uint8_t prev[ORDO_AUDIT_HASH_SIZE], const struct ordo_audit_row *row,
                         uint8_t out[ORDO_AUDIT_HASH_SIZE])
{
    struct ordo_sha256_ctx c;

    ordo_sha256_init(&c);
    ordo_sha256_update(&c, prev, ORDO_AUDIT_HASH_SIZE);
    hash_u64(&c, (uint64_t)row->seq);
    hash_u64(&c, row->tx);
    hash_u64(&c, (uint64_t)row->time_ms);
    hash_text(&c, row->actor);
    hash_text(&c, row->action);
    hash_text(&c, row->instance_key);
    hash_text(&c, row->element_id);
    hash_text(&c, row->payload);
    ordo_sha256_final(&c, out);
}

void ordo_audit_seal_message(const struct ordo_audit_seal *seal,
                             uint8_t out[ORDO_AUDIT_SEAL_MSG_SIZE])
{
    const uint64_t ints[6] = {(uint64_t)seal->seq,       seal->first_tx,
                              (uint64_t)seal->first_seq, seal->last_tx,
                              (uint64_t)seal->last_seq,  (uint64_t)seal->nrows};
    size_t n = sizeof SEAL_DOMAIN - 1;

    _Static_assert(sizeof SEAL_DOMAIN - 1 + (size_t)6 * 8 + (size_t)3 * ORDO_AUDIT_HASH_SIZE ==
                       ORDO_AUDIT_SEAL_MSG_SIZE,
                   "ORDO_AUDIT_SEAL_MSG_SIZE");
    memcpy(out, SEAL_DOMAIN, n);
    for (size_t i = 0; i < 6; i++, n += 8) {
        put_be(out + n, ints[i], 8);
    }
    memcpy(out + n, seal->prev_head, ORDO_AUDIT_HASH_SIZE);
    memcpy(out + n + ORDO_AUDIT_HASH_SIZE, seal->head, ORDO_AUDIT_HASH_SIZE);
    ordo_sha256(seal->row_hashes, (size_t)seal->nrows * ORDO_AUDIT_HASH_SIZE,
                out + n + (size_t)2 * ORDO_AUDIT_HASH_SIZE);
}

void ordo_audit_anchor_message(const struct ordo_audit_anchor *anchor,
                               uint8_t out[ORDO_AUDIT_ANCHOR_MSG_SIZE])
{
    size_t n = sizeof ANCHOR_DOMAIN - 1;

    _Static_assert(sizeof ANCHOR_DOMAIN - 1 + (size_t)2 * 8 + ORDO_AUDIT_HASH_SIZE ==
                       ORDO_AUDIT_ANCHOR_MSG_SIZE,
                   "ORDO_AUDIT_ANCHOR_MSG_SIZE");
    memcpy(out, ANCHOR_DOMAIN, n);
    put_be(out + n, (uint64_t)anchor->seq, 8);
    put_be(out + n + 8, (uint64_t)anchor->nrows, 8);
    ordo_sha256(anchor->positions, (size_t)anchor->nrows * ORDO_AUDIT_POS_SIZE, out + n + 16);
}

void ordo_audit_pos_put(struct audit_pos p, uint8_t out[ORDO_AUDIT_POS_SIZE])
{
    put_be(out, p.tx, 8);
    put_be(out + 8, (uint64_t)p.seq, 8);
}

struct audit_pos ordo_audit_pos_read(const uint8_t in[ORDO_AUDIT_POS_SIZE])
{
    uint64_t tx = 0, seq = 0;

    for (int i = 0; i < 8; i++) {
        tx = tx << 8 | in[i];
        seq = seq << 8 | in[8 + i];
    }
    return (struct audit_pos){tx, (int64_t)seq};
}

/* ---- reading rows and seals back ------------------------------------------------------------ */

bool ordo_audit_pos_before(struct audit_pos a, struct audit_pos b)
{
    return a.tx < b.tx || (a.tx == b.tx && a.seq < b.seq);
}

bool ordo_audit_parse_u64(const char *text, uint64_t *out)
{
    char *end = NULL;

    if (!text || text[0] < '0' || text[0] > '9') {
        return false;
    }
    errno = 0;
    *out = strtoull(text, &end, 10);
    return errno == 0 && *end == '\0';
}

static const char *cell(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

void ordo_audit_row_get(const PGresult *res, int i, struct ordo_audit_row *row)
{
    row->seq = ordo_pg_int(res, i, 0);
    if (!ordo_audit_parse_u64(ordo_pg_text(res, i, 1), &row->tx)) {
        row->tx = 0; /* not reached: xid8 prints as decimal */
    }
    row->time_ms = ordo_pg_int(res, i, 2);
    row->actor = cell(res, i, 3);
    row->action = cell(res, i, 4);
    row->instance_key = cell(res, i, 5);
    row->element_id = cell(res, i, 6);
    row->payload = cell(res, i, 7);
}

static bool unhex_cell(const PGresult *res, int row, int col, uint8_t *out, size_t len)
{
    return ordo_unhex(PQgetvalue(res, row, col), (size_t)PQgetlength(res, row, col), out, len);
}

bool ordo_audit_seal_get(const PGresult *res, int i, struct ordo_arena *arena,
                         struct ordo_audit_seal *seal, char *why, size_t whylen)
{
    size_t hashes_len = (size_t)PQgetlength(res, i, 8) / 2;
    uint8_t *hashes = ordo_arena_alloc(arena, hashes_len + 1);

    memset(seal, 0, sizeof *seal);
    seal->seq = ordo_pg_int(res, i, 0);
    seal->first_seq = ordo_pg_int(res, i, 2);
    seal->last_seq = ordo_pg_int(res, i, 4);
    seal->nrows = ordo_pg_int(res, i, 5);
    seal->row_hashes = hashes;
    if (!ordo_audit_parse_u64(ordo_pg_text(res, i, 1), &seal->first_tx) ||
        !ordo_audit_parse_u64(ordo_pg_text(res, i, 3), &seal->last_tx)) {
        (void)snprintf(why, whylen, "seal %lld has an unreadable position", (long long)seal->seq);
        return false;
    }
    if (!unhex_cell(res, i, 6, seal->prev_head, ORDO_AUDIT_HASH_SIZE) ||
        !unhex_cell(res, i, 7, seal->head, ORDO_AUDIT_HASH_SIZE) ||
        !unhex_cell(res, i, 9, seal->public_key, ORDO_SIGN_PUBLIC_SIZE) ||
        !unhex_cell(res, i, 10, seal->signature, ORDO_SIGNATURE_SIZE)) {
        (void)snprintf(why, whylen,
                       "seal %lld has a hash, public key or signature of the wrong length",
                       (long long)seal->seq);
        return false;
    }
    if (seal->nrows < 1 || seal->nrows > ORDO_AUDIT_SEAL_ROWS ||
        hashes_len != (size_t)seal->nrows * ORDO_AUDIT_HASH_SIZE ||
        !unhex_cell(res, i, 8, hashes, hashes_len)) {
        (void)snprintf(why, whylen, "seal %lld does not hold one hash for each of its %lld rows",
                       (long long)seal->seq, (long long)seal->nrows);
        return false;
    }
    return true;
}

enum ordo_code ordo_audit_utf8(PGconn *db, struct ordo_err *err)
{
    if (strcmp(pg_encoding_to_char(PQclientEncoding(db)), "UTF8") != 0 &&
        PQsetClientEncoding(db, "UTF8") != 0) {
        return ordo_err_set(err, ORDO_E_AGAIN, "could not set the client encoding to UTF8: %s",
                            PQerrorMessage(db));
    }
    return ORDO_OK;
}

/* ---- keys ----------------------------------------------------------------------------------- */

enum ordo_code ordo_audit_key_parse(const char *text, struct ordo_audit_key *key,
                                    struct ordo_err *err)
{
    return ordo_sign_key_parse(text, key->secret, key->public_key, err);
}

/* Read and parse an existing key file: ORDO_E_NOTFOUND when there is none. */
static enum ordo_code read_key_file(const char *path, struct ordo_audit_key *key,
                                    struct ordo_err *err)
{
    char text[KEY_FILE_MAX + 1];
    struct stat st;
    ssize_t n;
    enum ordo_code rc;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

    if (fd < 0) {
        return ordo_err_set(err, errno == ENOENT ? ORDO_E_NOTFOUND : ORDO_E_INVAL,
                            "could not open the audit signing key \"%s\": %s", path,
                            strerror(errno));
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077) != 0 ||
        st.st_uid != geteuid()) {
        (void)close(fd);
        return ordo_err_set(err, ORDO_E_INVAL,
                            "the audit signing key \"%s\" must be a regular file of this user "
                            "with mode 0600 or 0400",
                            path);
    }
    n = read(fd, text, KEY_FILE_MAX);
    (void)close(fd);
    if (n < 0) {
        return ordo_err_set(err, ORDO_E_INVAL, "could not read the audit signing key \"%s\": %s",
                            path, strerror(errno));
    }
    text[n] = '\0';
    rc = ordo_audit_key_parse(text, key, err);
    ordo_crypto_wipe(text, sizeof text);
    return rc;
}

/* Make a durable file holding a new random seed, then link it to 'path':
 * link() fails when 'path' exists, so a concurrent start keeps its key. */
static enum ordo_code write_new_key(const char *path, const char *tmp, bool *linked,
                                    struct ordo_err *err)
{
    uint8_t seed[32];
    char text[2 * sizeof seed + 2];
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    bool written;

    if (fd < 0) {
        return ordo_err_set(err, ORDO_E_INVAL, "could not create \"%s\": %s", tmp, strerror(errno));
    }
    ordo_random_bytes(seed, sizeof seed);
    ordo_hex(seed, sizeof seed, text);
    text[2 * sizeof seed] = '\n';
    written = write(fd, text, sizeof text - 1) == (ssize_t)(sizeof text - 1) && fsync(fd) == 0;
    ordo_crypto_wipe(seed, sizeof seed);
    ordo_crypto_wipe(text, sizeof text);
    if (close(fd) != 0 || !written) {
        return ordo_err_set(err, ORDO_E_INVAL, "could not write \"%s\": %s", tmp, strerror(errno));
    }
    *linked = link(tmp, path) == 0;
    if (!*linked && errno != EEXIST) {
        return ordo_err_set(err, ORDO_E_INVAL, "could not create \"%s\": %s", path,
                            strerror(errno));
    }
    return ORDO_OK;
}

/* fsync the folder of 'path', so that the new name survives a crash. */
static void sync_folder(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    int fd;

    (void)snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
    fd = open(dir[0] ? dir : "/", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        (void)close(fd);
    }
}

enum ordo_code ordo_audit_key_file(const char *path, struct ordo_audit_key *key, bool *created,
                                   struct ordo_err *err)
{
    struct ordo_err first = {0};
    char tmp[4096];
    bool linked = false;
    enum ordo_code rc = read_key_file(path, key, &first);

    *created = false;
    if (rc != ORDO_E_NOTFOUND) {
        return rc == ORDO_OK ? ORDO_OK : ordo_err_set(err, rc, "%s", first.msg);
    }
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= sizeof tmp) {
        return ordo_err_set(err, ORDO_E_INVAL, "the path \"%s\" is too long", path);
    }
    rc = write_new_key(path, tmp, &linked, err);
    (void)unlink(tmp);
    if (rc != ORDO_OK) {
        return rc;
    }
    if (linked) {
        sync_folder(path);
    }
    *created = linked;
    return read_key_file(path, key, err);
}

/* ---- administrative rows -------------------------------------------------------------------- */

enum ordo_code ordo_audit_admin(PGconn *db, const char *actor, const char *action, json_t *payload,
                                struct ordo_err *err)
{
    /* JSON_ENCODE_ANY as ordo_json_dump() adds it: the payloads are
     * objects, for which it changes nothing. */
    char *text = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    const char *params[3] = {actor && *actor ? actor : "system", action, text};
    enum ordo_code rc;

    json_decref(payload);
    if (!text) {
        return ordo_err_set(err, ORDO_E_INTERNAL, "could not encode the audit payload");
    }
    rc = ordo_pg_run(db, "could not write the audit log",
                     "INSERT INTO audit (time_ms, actor, action, payload) VALUES "
                     "((extract(epoch FROM statement_timestamp()) * 1000)::bigint, $1, $2, $3)",
                     3, params, err);
    free(text);
    return rc;
}

/* ---- sealing -------------------------------------------------------------------------------- */

struct seal_run {
    PGconn *db;
    struct ordo_arena *a;
    const struct ordo_audit_key *key;
    int64_t last_seal; /* the newest seal: its number, end and head */
    struct audit_pos last;
    uint8_t head[ORDO_AUDIT_HASH_SIZE];
    struct ordo_pg_batch *batch;
};

const char *ordo_audit_hex(struct ordo_arena *a, const uint8_t *data, size_t len)
{
    char *out = ordo_arena_alloc_raw(a, 2 * len + 1);

    ordo_hex(data, len, out);
    return out;
}

/* The newest seal: where the chain goes on. A newest seal whose signature
 * fails is not extended: the sealer would sign on from a forged head. */
static enum ordo_code read_last_seal(struct seal_run *r, struct ordo_err *err)
{
    struct ordo_audit_seal s;
    uint8_t msg[ORDO_AUDIT_SEAL_MSG_SIZE];
    char why[160];
    PGresult *res;
    enum ordo_code rc =
        ordo_pg_exec(r->db, r->a, "could not read the audit seals",
                     "SELECT " AUDIT_SEAL_COLUMNS " FROM audit_seal ORDER BY seq DESC LIMIT 1", 0,
                     NULL, &res, err);

    if (rc != ORDO_OK || PQntuples(res) == 0) {
        return rc; /* no seal yet: position (0, 0) and a zero head */
    }
    if (!ordo_audit_seal_get(res, 0, r->a, &s, why, sizeof why)) {
        return ordo_err_set(err, ORDO_E_CONFLICT, "%s; sealing stops, run `ordo audit verify`",
                            why);
    }
    ordo_audit_seal_message(&s, msg);
    if (!ordo_sign_verify(s.public_key, msg, sizeof msg, s.signature)) {
        return ordo_err_set(err, ORDO_E_CONFLICT,
                            "the newest audit seal %lld is not validly signed; sealing stops, "
                            "run `ordo audit verify`",
                            (long long)s.seq);
    }
    r->last_seal = s.seq;
    r->last = (struct audit_pos){s.last_tx, s.last_seq};
    memcpy(r->head, s.head, sizeof r->head);
    return ORDO_OK;
}

/* The seal 'seen' must still be there, with the same head. */
static enum ordo_code check_watermark(struct seal_run *r, const struct ordo_audit_watermark *seen,
                                      struct ordo_err *err)
{
    const char *p[1];
    PGresult *res;
    uint8_t head[ORDO_AUDIT_HASH_SIZE];
    enum ordo_code rc;

    if (seen->seal == 0 ||
        (r->last_seal == seen->seal && ordo_crypto_equal(r->head, seen->head, sizeof head))) {
        return ORDO_OK;
    }
    if (r->last_seal < seen->seal) {
        return ordo_err_set(err, ORDO_E_CONFLICT,
                            "audit seals were removed: the newest is seal %lld, but this sealer "
                            "saw seal %lld; sealing stops, run `ordo audit verify`",
                            (long long)r->last_seal, (long long)seen->seal);
    }
    p[0] = ordo_arena_printf(r->a, "%lld", (long long)seen->seal);
    rc = ordo_pg_exec(r->db, r->a, "could not read the audit seals",
                      "SELECT encode(head, 'hex') FROM audit_seal WHERE seq = $1::bigint", 1, p,
                      &res, err);
    if (rc == ORDO_OK && (PQntuples(res) != 1 || !unhex_cell(res, 0, 0, head, sizeof head) ||
                          !ordo_crypto_equal(head, seen->head, sizeof head))) {
        rc = ordo_err_set(err, ORDO_E_CONFLICT,
                          "audit seal %lld was removed or replaced since this sealer saw it; "
                          "sealing stops, run `ordo audit verify`",
                          (long long)seen->seal);
    }
    return rc;
}

/* Queue the seal of rows [from, from + n) of 'rows', which follow r->head. */
static void add_seal(struct seal_run *r, const PGresult *rows, int from, int n)
{
    uint8_t *hashes = ordo_arena_alloc_raw(r->a, (size_t)n * ORDO_AUDIT_HASH_SIZE);
    uint8_t msg[ORDO_AUDIT_SEAL_MSG_SIZE];
    struct ordo_audit_seal s = {.seq = r->last_seal + 1, .nrows = n, .row_hashes = hashes};
    struct ordo_audit_row row = {0};
    const char *p[11];

    memcpy(s.prev_head, r->head, sizeof s.prev_head);
    for (int i = 0; i < n; i++) {
        ordo_audit_row_get(rows, from + i, &row);
        ordo_audit_row_hash(r->head, &row, r->head);
        memcpy(hashes + (size_t)i * ORDO_AUDIT_HASH_SIZE, r->head, ORDO_AUDIT_HASH_SIZE);
        if (i == 0) {
            s.first_tx = row.tx;
            s.first_seq = row.seq;
        }
    }
    s.last_tx = row.tx;
    s.last_seq = row.seq;
    memcpy(s.head, r->head, sizeof s.head);
    memcpy(s.public_key, r->key->public_key, sizeof s.public_key);
    ordo_audit_seal_message(&s, msg);
    ordo_sign(r->key->secret, msg, sizeof msg, s.signature);

    p[0] = ordo_arena_printf(r->a, "%lld", (long long)s.seq);
    p[1] = ordo_arena_printf(r->a, "%llu", (unsigned long long)s.first_tx);
    p[2] = ordo_arena_printf(r->a, "%lld", (long long)s.first_seq);
    p[3] = ordo_arena_printf(r->a, "%llu", (unsigned long long)s.last_tx);
    p[4] = ordo_arena_printf(r->a, "%lld", (long long)s.last_seq);
    p[5] = ordo_arena_printf(r->a, "%d", n);
    p[6] = ordo_audit_hex(r->a, s.prev_head, sizeof s.prev_head);
    p[7] = ordo_audit_hex(r->a, s.head, sizeof s.head);
    p[8] = ordo_audit_hex(r->a, hashes, (size_t)n * ORDO_AUDIT_HASH_SIZE);
    p[9] = ordo_audit_hex(r->a, s.public_key, sizeof s.public_key);
    p[10] = ordo_audit_hex(r->a, s.signature, sizeof s.signature);
    ordo_pg_batch_add(r->batch, "could not write an audit seal",
                      "INSERT INTO audit_seal (seq, first_tx, first_seq, last_tx, last_seq, nrows, "
                      "prev_head, head, row_hashes, public_key, signature) VALUES ($1, $2::xid8, "
                      "$3, $4::xid8, $5, $6, decode($7, 'hex'), decode($8, 'hex'), "
                      "decode($9, 'hex'), decode($10, 'hex'), decode($11, 'hex'))",
                      11, p);
    r->last_seal = s.seq;
}

/* Inside the transaction, holding the lock: seal what has finished. */
static enum ordo_code seal_locked(struct seal_run *r, int max_rows,
                                  struct ordo_audit_watermark *seen, int *sealed,
                                  struct ordo_err *err)
{
    const char *p[3];
    PGresult *rows;
    int n;
    enum ordo_code rc = read_last_seal(r, err);

    if (rc == ORDO_OK && seen) {
        rc = check_watermark(r, seen, err);
    }
    if (rc != ORDO_OK) {
        return rc;
    }
    p[0] = ordo_arena_printf(r->a, "%llu", (unsigned long long)r->last.tx);
    p[1] = ordo_arena_printf(r->a, "%lld", (long long)r->last.seq);
    p[2] = ordo_arena_printf(r->a, "%d", max_rows);
    rc = ordo_pg_exec(r->db, r->a, "could not read the audit log",
                      "SELECT " AUDIT_ROW_COLUMNS " FROM audit WHERE (tx, seq) > ($1::xid8, "
                      "$2::bigint) AND tx < pg_snapshot_xmin(pg_current_snapshot()) "
                      "ORDER BY audit.tx, audit.seq LIMIT $3",
                      3, p, &rows, err);
    n = rc == ORDO_OK ? PQntuples(rows) : 0;
    for (int from = 0; from < n; from += ORDO_AUDIT_SEAL_ROWS) {
        add_seal(r, rows, from, n - from < ORDO_AUDIT_SEAL_ROWS ? n - from : ORDO_AUDIT_SEAL_ROWS);
    }
    if (n > 0) {
        ordo_pg_batch_add(r->batch, "could not commit the audit seals", "COMMIT", 0, NULL);
        rc = ordo_pg_batch_run(r->db, r->batch, err);
    }
    if (rc == ORDO_OK) {
        *sealed = n;
    }
    return rc;
}

enum ordo_code ordo_audit_seal_once(PGconn *db, const struct ordo_audit_key *key, int max_rows,
                                    struct ordo_audit_watermark *seen, int *rows_sealed,
                                    struct ordo_err *err)
{
    struct seal_run r = {.db = db, .a = ordo_arena_new(), .key = key};
    const char *lock[1] = {ordo_arena_printf(r.a, "%lld", ORDO_AUDIT_SEAL_LOCK)};
    PGresult *res;
    int sealed = 0;
    enum ordo_code rc = ordo_audit_utf8(db, err);

    r.batch = ordo_pg_batch_new(r.a);
    if (rc == ORDO_OK) {
        rc = ordo_pg_begin(db, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_pg_exec(db, r.a, "could not take the audit sealer's lock",
                          "SELECT pg_try_advisory_xact_lock($1::bigint)", 1, lock, &res, err);
        if (rc == ORDO_OK && strcmp(ordo_pg_text(res, 0, 0), "t") == 0) {
            rc = seal_locked(&r, max_rows > 0 ? max_rows : ORDO_AUDIT_BATCH_ROWS, seen, &sealed,
                             err);
        }
        if (rc != ORDO_OK || sealed == 0) {
            ordo_pg_rollback(db); /* nothing was written, or it failed */
        }
    }
    if (rc == ORDO_OK && seen && r.last_seal > 0) {
        seen->seal = r.last_seal;
        memcpy(seen->head, r.head, sizeof seen->head);
    }
    if (rows_sealed) {
        *rows_sealed = rc == ORDO_OK ? sealed : 0;
    }
    ordo_arena_free(r.a);
    return rc;
}
