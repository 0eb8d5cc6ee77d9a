/*
 * core/audit_verify.c - walk the seals from the oldest and recompute the
 * chain from the rows.
 *
 * Seals are read a page at a time, with the rows of the whole page in one
 * query (range: after the previous seal's last row, up to the page's last
 * seal's last row), so a long chain costs two round trips per
 * VERIFY_PAGE seals. The range starts right after the previous seal, not
 * at a seal's own first row, so a row slipped in between two seals is
 * found too.
 *
 * What a problem can name (docs/audit.md says the same for operators):
 * - a row changed while its seal is intact: that row ("changed");
 * - a row inserted into a sealed range: that row ("inserted"); a sealed
 *   row deleted: the row now in its place, or the seal's last row when
 *   the seal's end is gone;
 * - a seal whose signature fails (its rows or hashes were rewritten to
 *   match a change): the seal, and the first of its rows whose hash
 *   differs from the stored one; when the stored hashes were recomputed
 *   to match, no row differs and only the seal's range can be named (its
 *   first row stands for it).
 *
 * Purged rows: every anchor is checked first (numbers without gaps, its
 * signature, positions in chain order), and all anchored positions are
 * kept in one array sorted in chain order. A seal's rows are then the
 * merge of the table's rows in its range with the anchored positions in
 * it; an anchored position takes its chain hash from the seal's stored
 * hashes (the seal's signature vouches for it), every other one is
 * recomputed. The anchored positions are consumed in order as the seals
 * are walked, so this costs one merge, not a search per row.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/pg.h"
#include "core/audit.h"
#include "core/audit_internal.h"

#define VERIFY_PAGE 64 /* seals per page: at most 4096 rows in memory */

/* A purged position and the anchor that names it. */
struct anchored {
    struct audit_pos pos;
    int64_t anchor;
};

/* One row of a seal, in chain order: a row of the page's result, or a
 * position an anchor names. */
struct item {
    int row; /* index in the rows' result; -1: anchored (purged) */
    int64_t seq;
};

struct verify {
    PGconn *db;
    struct ordo_arena *a;    /* reset per page */
    struct ordo_arena *keep; /* the anchored positions: for the whole walk */
    struct anchored *anch;   /* sorted in chain order */
    size_t nanch, next_anch; /* next_anch: the first not yet consumed by a seal */
    const uint8_t *pinned;
    struct ordo_audit_report *out;
    int64_t next_seal;                  /* the number the next seal must have; 0: any */
    struct audit_pos last;              /* the previous seal's last row */
    uint8_t head[ORDO_AUDIT_HASH_SIZE]; /* the previous seal's head */
};

/* How a seal's rows differ from its stored hashes. */
enum diff_kind { DIFF_NONE, DIFF_CHANGED, DIFF_INSERTED, DIFF_DELETED, DIFF_TAIL_DELETED };

struct diff {
    enum diff_kind kind;
    int64_t row; /* the row named */
};

__attribute__((format(printf, 4, 5))) static bool problem(struct verify *v, int64_t seal,
                                                          int64_t row, const char *fmt, ...)
{
    va_list ap;

    v->out->ok = false;
    v->out->bad_seal = seal;
    v->out->bad_row = row;
    va_start(ap, fmt);
    (void)vsnprintf(v->out->problem, sizeof v->out->problem, fmt, ap);
    va_end(ap);
    return false;
}

static struct audit_pos row_pos(const PGresult *res, int i)
{
    struct audit_pos p = {.seq = ordo_pg_int(res, i, 0)};

    (void)ordo_audit_parse_u64(ordo_pg_text(res, i, 1), &p.tx);
    return p;
}

static int pos_cmp(struct audit_pos x, struct audit_pos y)
{
    return ordo_audit_pos_before(x, y) ? -1 : ordo_audit_pos_before(y, x) ? 1 : 0;
}

static const uint8_t *stored(const struct ordo_audit_seal *s, int64_t k)
{
    return s->row_hashes + (size_t)k * ORDO_AUDIT_HASH_SIZE;
}

static bool hash_is(const uint8_t prev[ORDO_AUDIT_HASH_SIZE], const PGresult *res, int i,
                    const uint8_t want[ORDO_AUDIT_HASH_SIZE])
{
    struct ordo_audit_row row;
    uint8_t h[ORDO_AUDIT_HASH_SIZE];

    ordo_audit_row_get(res, i, &row);
    ordo_audit_row_hash(prev, &row, h);
    return ordo_crypto_equal(h, want, sizeof h);
}

/* Recompute the chain over the seal's 'n' items and name the first
 * difference from its 'nrows' stored hashes. An anchored item takes the
 * stored hash. At a difference at position k: the next row hashing to
 * stored[k] means row k was inserted; row k hashing (after stored[k]) to
 * stored[k + 1] means the sealed row k was deleted; anything else is a
 * changed row. */
static void compare_rows(const struct verify *v, const struct ordo_audit_seal *s,
                         const PGresult *res, const struct item *it, int64_t n, struct diff *d)
{
    const uint8_t *prev = v->head;
    int64_t k = 0;

    for (; k < n && k < s->nrows; k++) {
        if (it[k].row >= 0 && !hash_is(prev, res, it[k].row, stored(s, k))) {
            break;
        }
        prev = stored(s, k);
    }
    d->kind = DIFF_NONE;
    if (k < n && k < s->nrows) {
        d->row = it[k].seq;
        if (k + 1 < n && it[k + 1].row >= 0 && hash_is(prev, res, it[k + 1].row, stored(s, k))) {
            d->kind = DIFF_INSERTED;
        } else if (k + 1 < s->nrows && hash_is(stored(s, k), res, it[k].row, stored(s, k + 1))) {
            d->kind = DIFF_DELETED;
        } else {
            d->kind = DIFF_CHANGED;
        }
    } else if (n > s->nrows) {
        d->kind = DIFF_INSERTED;
        d->row = it[s->nrows].seq;
    } else if (n < s->nrows) {
        d->kind = DIFF_TAIL_DELETED;
        d->row = s->last_seq; /* the seal names its last row; the first missing one is unknown */
    }
}

static bool report_diff(struct verify *v, const struct ordo_audit_seal *s, const struct diff *d)
{
    switch (d->kind) {
    case DIFF_CHANGED:
        return problem(v, s->seq, d->row,
                       "row %lld: its content does not match the sealed hash (seal %lld)",
                       (long long)d->row, (long long)s->seq);
    case DIFF_INSERTED:
        return problem(v, s->seq, d->row,
                       "row %lld: it is not in seal %lld, which covers its place in the chain: "
                       "it was inserted later",
                       (long long)d->row, (long long)s->seq);
    case DIFF_DELETED:
        return problem(v, s->seq, d->row,
                       "row %lld: the sealed row before it is missing from the table (seal %lld)",
                       (long long)d->row, (long long)s->seq);
    case DIFF_TAIL_DELETED:
        return problem(v, s->seq, d->row,
                       "row %lld: seal %lld covers %lld rows ending with this one, the table "
                       "holds fewer: rows at the end of the seal were deleted",
                       (long long)d->row, (long long)s->seq, (long long)s->nrows);
    case DIFF_NONE:
        break;
    }
    return true;
}

static bool signature_ok(struct verify *v, const struct ordo_audit_seal *s, const struct diff *d)
{
    uint8_t msg[ORDO_AUDIT_SEAL_MSG_SIZE];
    char key[ORDO_AUDIT_KEY_HEX_SIZE], pin[ORDO_AUDIT_KEY_HEX_SIZE];
    const char *what = "its stored hashes match the rows, so they were recomputed as well: the "
                       "changed row is one of these, the seal's first row stands for them";

    ordo_hex(s->public_key, sizeof s->public_key, key);
    if (v->pinned && !ordo_crypto_equal(v->pinned, s->public_key, ORDO_SIGN_PUBLIC_SIZE)) {
        ordo_hex(v->pinned, ORDO_SIGN_PUBLIC_SIZE, pin);
        return problem(v, s->seq, s->first_seq,
                       "seal %lld (rows %lld to %lld) is signed by %s, not by the pinned key %s",
                       (long long)s->seq, (long long)s->first_seq, (long long)s->last_seq, key,
                       pin);
    }
    ordo_audit_seal_message(s, msg);
    if (ordo_sign_verify(s->public_key, msg, sizeof msg, s->signature)) {
        return true;
    }
    if (d->kind == DIFF_CHANGED) {
        what = "the first row whose content does not match the stored hashes";
    } else if (d->kind != DIFF_NONE) {
        what = "the first row where the table and the stored hashes differ";
    }
    return problem(v, s->seq, d->kind == DIFF_NONE ? s->first_seq : d->row,
                   "seal %lld (rows %lld to %lld, %lld in chain order) is not signed by %s: a row "
                   "in it or its hashes were changed; row %lld is %s",
                   (long long)s->seq, (long long)s->first_seq, (long long)s->last_seq,
                   (long long)s->nrows, key,
                   (long long)(d->kind == DIFF_NONE ? s->first_seq : d->row), what);
}

/* The seal's place: its number, prev_head, positions and head. */
static bool place_ok(struct verify *v, const struct ordo_audit_seal *s, int64_t next_row)
{
    struct audit_pos first = {s->first_tx, s->first_seq}, last = {s->last_tx, s->last_seq};

    if (v->next_seal && s->seq != v->next_seal) {
        return problem(v, v->next_seal, next_row,
                       "seal %lld is missing (the next one is seal %lld): its rows cannot be "
                       "checked",
                       (long long)v->next_seal, (long long)s->seq);
    }
    if (!ordo_crypto_equal(s->prev_head, v->head, ORDO_AUDIT_HASH_SIZE)) {
        return problem(v, s->seq, s->first_seq,
                       "seal %lld does not continue the chain: its previous head is not the head "
                       "of %s",
                       (long long)s->seq, s->seq == 1 ? "an empty chain" : "the seal before it");
    }
    if (!ordo_audit_pos_before(v->last, first) || ordo_audit_pos_before(last, first) ||
        !ordo_crypto_equal(s->head, stored(s, s->nrows - 1), ORDO_AUDIT_HASH_SIZE)) {
        return problem(v, s->seq, s->first_seq,
                       "seal %lld is inconsistent: its range overlaps the seal before it or its "
                       "head is not the hash of its last row",
                       (long long)s->seq);
    }
    return true;
}

static void note_key(struct ordo_audit_report *out, const uint8_t key[ORDO_SIGN_PUBLIC_SIZE])
{
    char hex[ORDO_AUDIT_KEY_HEX_SIZE];
    size_t kept = out->nkeys < ORDO_AUDIT_MAX_KEYS ? out->nkeys : ORDO_AUDIT_MAX_KEYS;

    ordo_hex(key, ORDO_SIGN_PUBLIC_SIZE, hex);
    for (size_t i = 0; i < kept; i++) {
        if (strcmp(out->keys[i], hex) == 0) {
            return;
        }
    }
    if (kept < ORDO_AUDIT_MAX_KEYS) {
        memcpy(out->keys[kept], hex, sizeof hex);
    }
    out->nkeys++; /* keys beyond the list are counted, a repeat among them too: rare enough */
}

/* The seal's items: the 'm' rows at 'cursor' merged with the anchored
 * positions up to 'last'. A row still at an anchored position goes to
 * '*clash' (the first one). Advances v->next_anch past them. */
static struct item *merge_items(struct verify *v, struct audit_pos last, const PGresult *rows,
                                int cursor, int m, int64_t *n, const struct anchored **clash)
{
    size_t a = v->next_anch, end;
    int i = 0;
    struct item *it;

    while (a < v->nanch && !ordo_audit_pos_before(v->last, v->anch[a].pos)) {
        a++; /* before the oldest seal: its history was purged with the seals */
    }
    for (end = a; end < v->nanch && !ordo_audit_pos_before(last, v->anch[end].pos); end++) {
    }
    it = ordo_arena_alloc(v->a, ((size_t)m + (end - a) + 1) * sizeof *it);
    *n = 0;
    *clash = NULL;
    while (i < m || a < end) {
        int c = i >= m ? 1 : a >= end ? -1 : pos_cmp(row_pos(rows, cursor + i), v->anch[a].pos);

        if (c > 0) {
            it[(*n)++] = (struct item){-1, v->anch[a++].pos.seq};
            continue;
        }
        if (c == 0 && !*clash) {
            *clash = &v->anch[a]; /* the same position: the row is still there */
        }
        a += c == 0;
        it[(*n)++] = (struct item){cursor + i, ordo_pg_int(rows, cursor + i, 0)};
        i++;
    }
    v->next_anch = end;
    return it;
}

static bool clash_ok(struct verify *v, const struct ordo_audit_seal *s, const struct anchored *c)
{
    if (!c) {
        return true;
    }
    v->out->bad_anchor = c->anchor;
    return problem(v, s->seq, c->pos.seq,
                   "row %lld: anchor %lld says it was purged, but it is still in the table "
                   "(seal %lld)",
                   (long long)c->pos.seq, (long long)c->anchor, (long long)s->seq);
}

/* Check one seal against the rows at '*cursor'; advance past them. */
static bool verify_seal(struct verify *v, const struct ordo_audit_seal *s, const PGresult *rows,
                        int *cursor)
{
    struct audit_pos last = {s->last_tx, s->last_seq};
    int n = PQntuples(rows), m = 0;
    int64_t nitems = 0, purged;
    const struct anchored *clash = NULL;
    const struct item *it;
    struct diff d = {0};

    while (*cursor + m < n && !ordo_audit_pos_before(last, row_pos(rows, *cursor + m))) {
        m++;
    }
    it = merge_items(v, last, rows, *cursor, m, &nitems, &clash);
    compare_rows(v, s, rows, it, nitems, &d);
    if (!place_ok(v, s, *cursor < n ? ordo_pg_int(rows, *cursor, 0) : 0) ||
        !signature_ok(v, s, &d) || !clash_ok(v, s, clash) || !report_diff(v, s, &d)) {
        return false;
    }
    purged = nitems - m;
    *cursor += m;
    v->next_seal = s->seq + 1;
    v->last = last;
    memcpy(v->head, s->head, sizeof v->head);
    v->out->rows += s->nrows - purged;
    v->out->purged += purged;
    v->out->seals++;
    v->out->last_seal = s->seq;
    memcpy(v->out->head, s->head, sizeof v->out->head);
    note_key(v->out, s->public_key);
    return true;
}

/* ---- anchors -------------------------------------------------------------------------------- */

#define ANCHOR_COLUMNS \
    "seq, nrows, encode(positions, 'hex'), encode(public_key, 'hex'), encode(signature, 'hex')"

__attribute__((format(printf, 3, 4))) static bool anchor_problem(struct verify *v, int64_t anchor,
                                                                 const char *fmt, ...)
{
    va_list ap;

    v->out->ok = false;
    v->out->bad_anchor = anchor;
    va_start(ap, fmt);
    (void)vsnprintf(v->out->problem, sizeof v->out->problem, fmt, ap);
    va_end(ap);
    return false;
}

static bool unhex_at(const PGresult *res, int i, int col, uint8_t *out, size_t len)
{
    return ordo_unhex(PQgetvalue(res, i, col), (size_t)PQgetlength(res, i, col), out, len);
}

/* Row 'i' of the anchors; its positions in v->a. False (a problem) when a
 * stored value has the wrong form. */
static bool anchor_get(struct verify *v, const PGresult *res, int i, struct ordo_audit_anchor *an)
{
    size_t len = (size_t)PQgetlength(res, i, 2) / 2;
    uint8_t *positions = ordo_arena_alloc(v->a, len + 1);

    memset(an, 0, sizeof *an);
    an->seq = ordo_pg_int(res, i, 0);
    an->nrows = ordo_pg_int(res, i, 1);
    an->positions = positions;
    if (an->nrows < 1 || len != (size_t)an->nrows * ORDO_AUDIT_POS_SIZE ||
        !unhex_at(res, i, 2, positions, len) ||
        !unhex_at(res, i, 3, an->public_key, sizeof an->public_key) ||
        !unhex_at(res, i, 4, an->signature, sizeof an->signature)) {
        return anchor_problem(v, an->seq,
                              "anchor %lld is malformed: its positions do not hold %lld rows, or "
                              "its public key or signature has the wrong length",
                              (long long)an->seq, (long long)an->nrows);
    }
    return true;
}

/* Its number, its signature (by the pinned key if any), its order. */
static bool anchor_ok(struct verify *v, const struct ordo_audit_anchor *an, int64_t want)
{
    uint8_t msg[ORDO_AUDIT_ANCHOR_MSG_SIZE];
    char key[ORDO_AUDIT_KEY_HEX_SIZE], pin[ORDO_AUDIT_KEY_HEX_SIZE];

    if (an->seq != want) {
        return anchor_problem(v, want,
                              "anchor %lld is missing (the next one is anchor %lld): the rows it "
                              "named cannot be told from deleted ones",
                              (long long)want, (long long)an->seq);
    }
    ordo_hex(an->public_key, sizeof an->public_key, key);
    if (v->pinned && !ordo_crypto_equal(v->pinned, an->public_key, ORDO_SIGN_PUBLIC_SIZE)) {
        ordo_hex(v->pinned, ORDO_SIGN_PUBLIC_SIZE, pin);
        return anchor_problem(v, an->seq, "anchor %lld is signed by %s, not by the pinned key %s",
                              (long long)an->seq, key, pin);
    }
    ordo_audit_anchor_message(an, msg);
    if (!ordo_sign_verify(an->public_key, msg, sizeof msg, an->signature)) {
        return anchor_problem(v, an->seq,
                              "anchor %lld (%lld purged rows) is not signed by %s: its positions "
                              "or its signature were changed",
                              (long long)an->seq, (long long)an->nrows, key);
    }
    for (int64_t k = 1; k < an->nrows; k++) {
        if (!ordo_audit_pos_before(
                ordo_audit_pos_read(an->positions + (size_t)(k - 1) * ORDO_AUDIT_POS_SIZE),
                ordo_audit_pos_read(an->positions + (size_t)k * ORDO_AUDIT_POS_SIZE))) {
            return anchor_problem(v, an->seq, "anchor %lld lists its positions out of chain order",
                                  (long long)an->seq);
        }
    }
    return true;
}

static int anchored_cmp_cb(const void *x, const void *y)
{
    const struct anchored *a = x, *b = y;

    return pos_cmp(a->pos, b->pos);
}

/* Every anchor checked, their positions in v->anch, sorted; a position
 * named twice is a problem. */
static enum ordo_code load_anchors(struct verify *v, struct ordo_err *err)
{
    struct ordo_audit_anchor an;
    size_t total = 0;
    PGresult *res;
    int n;
    enum ordo_code rc = ordo_pg_exec(v->db, v->a, "could not read the audit anchors",
                                     "SELECT " ANCHOR_COLUMNS " FROM audit_anchor ORDER BY seq", 0,
                                     NULL, &res, err);

    n = rc == ORDO_OK ? PQntuples(res) : 0;
    for (int i = 0; i < n; i++) {
        total += (size_t)PQgetlength(res, i, 2) / ((size_t)2 * ORDO_AUDIT_POS_SIZE);
    }
    v->anch = ordo_arena_alloc(v->keep, (total + 1) * sizeof *v->anch);
    for (int i = 0; i < n; i++) {
        if (!anchor_get(v, res, i, &an) || !anchor_ok(v, &an, (int64_t)i + 1)) {
            return rc;
        }
        for (int64_t k = 0; k < an.nrows; k++) {
            v->anch[v->nanch++] = (struct anchored){
                ordo_audit_pos_read(an.positions + (size_t)k * ORDO_AUDIT_POS_SIZE), an.seq};
        }
        v->out->anchors++;
        note_key(v->out, an.public_key); /* an anchor by another key is listed like a seal's */
    }
    qsort(v->anch, v->nanch, sizeof *v->anch, anchored_cmp_cb);
    for (size_t k = 1; k < v->nanch; k++) {
        if (pos_cmp(v->anch[k - 1].pos, v->anch[k].pos) == 0) {
            (void)anchor_problem(v, v->anch[k].anchor,
                                 "row %lld: anchors %lld and %lld both name it",
                                 (long long)v->anch[k].pos.seq, (long long)v->anch[k - 1].anchor,
                                 (long long)v->anch[k].anchor);
            break;
        }
    }
    return rc;
}

/* After the walk: an anchored position no seal covered. */
static void check_unsealed_anchored(struct verify *v)
{
    const struct anchored *a = v->next_anch < v->nanch ? &v->anch[v->next_anch] : NULL;

    if (a) {
        v->out->bad_anchor = a->anchor;
        (void)problem(v, 0, a->pos.seq,
                      "row %lld: anchor %lld says it was purged, but no seal covers it: a purge "
                      "takes sealed rows only, so seals at the end of the chain were deleted",
                      (long long)a->pos.seq, (long long)a->anchor);
    }
}

/* ---- the walk ------------------------------------------------------------------------------ */

/* The oldest seal is not seal 1 (older history was purged): start at it,
 * and no row may be left before it. */
static enum ordo_code start_at(struct verify *v, const struct ordo_audit_seal *s, bool *ok,
                               struct ordo_err *err)
{
    const char *p[2] = {ordo_arena_printf(v->a, "%llu", (unsigned long long)s->first_tx),
                        ordo_arena_printf(v->a, "%lld", (long long)s->first_seq)};
    PGresult *res;
    enum ordo_code rc = ordo_pg_exec(v->db, v->a, "could not read the audit log",
                                     "SELECT seq FROM audit WHERE (tx, seq) < ($1::xid8, "
                                     "$2::bigint) ORDER BY audit.tx, audit.seq LIMIT 1",
                                     2, p, &res, err);

    *ok = true;
    if (rc == ORDO_OK && PQntuples(res) > 0) {
        *ok = problem(v, s->seq - 1, ordo_pg_int(res, 0, 0),
                      "row %lld: it is older than the oldest seal %lld, and the seals before "
                      "that are gone",
                      (long long)ordo_pg_int(res, 0, 0), (long long)s->seq);
    }
    v->last = (struct audit_pos){s->first_tx, s->first_seq - 1};
    memcpy(v->head, s->prev_head, sizeof v->head);
    return rc;
}

static enum ordo_code read_rows(struct verify *v, const struct ordo_audit_seal *seals, int nseals,
                                PGresult **rows, struct ordo_err *err)
{
    int64_t total = 0;
    const char *p[5];

    for (int i = 0; i < nseals; i++) {
        total += seals[i].nrows;
    }
    p[0] = ordo_arena_printf(v->a, "%llu", (unsigned long long)v->last.tx);
    p[1] = ordo_arena_printf(v->a, "%lld", (long long)v->last.seq);
    p[2] = ordo_arena_printf(v->a, "%llu", (unsigned long long)seals[nseals - 1].last_tx);
    p[3] = ordo_arena_printf(v->a, "%lld", (long long)seals[nseals - 1].last_seq);
    /* One more than sealed: enough to see an inserted row, and a forged
     * range cannot make this read the whole table. */
    p[4] = ordo_arena_printf(v->a, "%lld", (long long)total + 1);
    return ordo_pg_exec(
        v->db, v->a, "could not read the audit log",
        "SELECT " AUDIT_ROW_COLUMNS " FROM audit WHERE (tx, seq) > ($1::xid8, "
        "$2::bigint) AND (tx, seq) <= ($3::xid8, $4::bigint) ORDER BY audit.tx, audit.seq "
        "LIMIT $5",
        5, p, rows, err);
}

/* Verify the next page of seals: '*more' false at the end or a problem. */
static enum ordo_code verify_page(struct verify *v, bool *more, struct ordo_err *err)
{
    struct ordo_audit_seal seals[VERIFY_PAGE];
    const char *p[2] = {ordo_arena_printf(v->a, "%lld", (long long)v->out->last_seal),
                        ordo_arena_printf(v->a, "%d", VERIFY_PAGE)};
    PGresult *res, *rows = NULL;
    int n = 0, all, cursor = 0;
    char why[160] = "";
    enum ordo_code rc = ordo_pg_exec(v->db, v->a, "could not read the audit seals",
                                     "SELECT " AUDIT_SEAL_COLUMNS " FROM audit_seal WHERE seq > "
                                     "$1::bigint ORDER BY seq LIMIT $2",
                                     2, p, &res, err);

    all = rc == ORDO_OK ? PQntuples(res) : 0;
    while (n < all && ordo_audit_seal_get(res, n, v->a, &seals[n], why, sizeof why)) {
        n++; /* the well-formed seals before a malformed one are verified first */
    }
    *more = all > 0;
    if (rc == ORDO_OK && n > 0 && v->out->first_seal == 0) {
        v->out->first_seal = seals[0].seq;
        if (seals[0].seq != 1) {
            rc = start_at(v, &seals[0], more, err);
        }
    }
    if (rc == ORDO_OK && *more && n > 0) {
        rc = read_rows(v, seals, n, &rows, err);
    }
    for (int i = 0; rc == ORDO_OK && *more && i < n; i++) {
        *more = verify_seal(v, &seals[i], rows, &cursor);
    }
    if (rc == ORDO_OK && *more && n < all) {
        *more = problem(v, ordo_pg_int(res, n, 0), 0, "%s", why);
    }
    return rc;
}

static enum ordo_code count_unsealed(struct verify *v, struct ordo_err *err)
{
    const char *p[2] = {ordo_arena_printf(v->a, "%llu", (unsigned long long)v->last.tx),
                        ordo_arena_printf(v->a, "%lld", (long long)v->last.seq)};
    PGresult *res;
    enum ordo_code rc = ordo_pg_exec(v->db, v->a, "could not count the unsealed audit rows",
                                     "SELECT count(*) FROM audit WHERE (tx, seq) > ($1::xid8, "
                                     "$2::bigint)",
                                     2, p, &res, err);

    if (rc == ORDO_OK) {
        v->out->unsealed = ordo_pg_int(res, 0, 0);
    }
    return rc;
}

enum ordo_code ordo_audit_verify(PGconn *db, const uint8_t *pinned_key,
                                 struct ordo_audit_report *out, struct ordo_err *err)
{
    struct verify v = {.db = db,
                       .a = ordo_arena_new(),
                       .keep = ordo_arena_new(),
                       .pinned = pinned_key,
                       .out = out};
    bool more = true;
    enum ordo_code rc = ordo_audit_utf8(db, err);

    memset(out, 0, sizeof *out);
    out->ok = true;
    if (rc == ORDO_OK) {
        rc = ordo_pg_run(db, "could not begin a transaction",
                         "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL, err);
    }
    if (rc == ORDO_OK) {
        rc = load_anchors(&v, err);
        more = out->ok;
    }
    while (rc == ORDO_OK && more) {
        ordo_arena_reset(v.a);
        rc = verify_page(&v, &more, err);
    }
    if (rc == ORDO_OK && out->ok) {
        check_unsealed_anchored(&v);
    }
    if (rc == ORDO_OK && out->ok) {
        rc = count_unsealed(&v, err);
    }
    ordo_pg_rollback(db); /* read only: nothing to keep */
    ordo_arena_free(v.a);
    ordo_arena_free(v.keep);
    return rc;
}

json_t *ordo_audit_report_json(const struct ordo_audit_report *r)
{
    char head[2 * ORDO_AUDIT_HASH_SIZE + 1];
    json_t *keys = json_array(), *problem = json_null();

    ordo_hex(r->head, sizeof r->head, head);
    for (size_t i = 0; i < r->nkeys && i < ORDO_AUDIT_MAX_KEYS; i++) {
        (void)json_array_append_new(keys, json_string(r->keys[i]));
    }
    if (!r->ok) {
        problem = json_pack("{s:I, s:I, s:I, s:s}", "seal", (json_int_t)r->bad_seal, "anchor",
                            (json_int_t)r->bad_anchor, "row", (json_int_t)r->bad_row, "message",
                            r->problem);
    }
    return json_pack("{s:b, s:I, s:I, s:I, s:I, s:s?, s:I, s:I, s:I, s:o, s:o}", "ok", r->ok,
                     "rows", (json_int_t)r->rows, "seals", (json_int_t)r->seals, "first_seal",
                     (json_int_t)r->first_seal, "last_seal", (json_int_t)r->last_seal, "head",
                     r->last_seal ? head : NULL, "unsealed", (json_int_t)r->unsealed, "anchors",
                     (json_int_t)r->anchors, "purged", (json_int_t)r->purged, "public_keys", keys,
                     "problem", problem);
}
