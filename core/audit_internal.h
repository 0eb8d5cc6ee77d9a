/*
 * core/audit_internal.h - what the sealer (audit.c) and the verifier
 * (audit_verify.c) share: how rows and seals are read back.
 */
#ifndef ORDO_CORE_AUDIT_INTERNAL_H
#define ORDO_CORE_AUDIT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "base/arena.h"
#include "core/audit.h"

/* The columns of an audit row, in the order ordo_audit_row_get() reads
 * them. Every value is text that no session setting changes: integers in
 * decimal, xid8 in decimal, text in the client encoding, UTF8. The text
 * forms get names of their own: "ORDER BY tx" must sort by the xid8, not
 * by its text. */
#define AUDIT_ROW_COLUMNS                                                                         \
    "seq, tx::text AS tx_text, time_ms, actor, action, instance_key::text AS instance_key_text, " \
    "element_id, payload"

/* The columns of a seal, in the order ordo_audit_seal_get() reads them
 * (bytea as hex, whatever bytea_output says). */
#define AUDIT_SEAL_COLUMNS                                                                       \
    "seq, first_tx::text AS first_tx_text, first_seq, last_tx::text AS last_tx_text, last_seq, " \
    "nrows, encode(prev_head, 'hex'), "                                                          \
    "encode(head, 'hex'), encode(row_hashes, 'hex'), encode(public_key, 'hex'), "                \
    "encode(signature, 'hex')"

/* A position in chain order. */
struct audit_pos {
    uint64_t tx;
    int64_t seq;
};

/* A position as ORDO_AUDIT_POS_SIZE bytes (tx, seq: 8-byte big-endian), and back. */
void ordo_audit_pos_put(struct audit_pos p, uint8_t out[ORDO_AUDIT_POS_SIZE]);
struct audit_pos ordo_audit_pos_read(const uint8_t in[ORDO_AUDIT_POS_SIZE]);

/* 'len' bytes as hex text in 'a'. */
const char *ordo_audit_hex(struct ordo_arena *a, const uint8_t *data, size_t len);

/* Is a before b in chain order? */
bool ordo_audit_pos_before(struct audit_pos a, struct audit_pos b);

/* Decimal text of an xid8 (or any unsigned 64-bit value). */
bool ordo_audit_parse_u64(const char *text, uint64_t *out);

/* Row 'i' of a result of AUDIT_ROW_COLUMNS; strings borrowed from 'res'. */
void ordo_audit_row_get(const PGresult *res, int i, struct ordo_audit_row *row);

/* Row 'i' of a result of AUDIT_SEAL_COLUMNS; row_hashes in 'arena'. False
 * when a stored value has the wrong form (length, digits): the message
 * goes to 'why' (sizeof why >= 128). */
bool ordo_audit_seal_get(const PGresult *res, int i, struct ordo_arena *arena,
                         struct ordo_audit_seal *seal, char *why, size_t whylen);

/* Make the session's text UTF-8, whatever the connection string said. */
enum ordo_code ordo_audit_utf8(PGconn *db, struct ordo_err *err);

#endif
