/*
 * webhooks/standard.h - Standard Webhooks 1.0: secrets, signing and
 * verification (saas-apis.md §7; CONTRACTS §14).
 *
 * A secret is shown as "whsec_" and the standard base64 of 24 to 64 random
 * bytes; the key is those bytes. The signed content is
 * "{webhook-id}.{webhook-timestamp}.{raw body}", and the webhook-signature
 * header is a space-separated list of "v1,<base64 HMAC-SHA256>" (a sender
 * rotating keys sends one per key). Outbound delivery signs with it, and
 * the inbound scheme 'standard' verifies with it.
 *
 * Pure functions: no I/O, no clock (the caller passes 'now').
 */
#ifndef ORDO_WEBHOOKS_STANDARD_H
#define ORDO_WEBHOOKS_STANDARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/crypto.h"

#define ORDO_WHSEC_MIN    24 /* bytes of key */
#define ORDO_WHSEC_MAX    64
#define ORDO_WHSEC_NEW    32  /* what ordo_whsec_new makes */
#define ORDO_WHSEC_TEXT   96  /* room for "whsec_" and the base64 of 64 bytes, NUL included */
#define ORDO_WH_SIG_SIZE  52  /* "v1," and the base64 of 32 bytes, NUL included */
#define ORDO_WH_TOLERANCE 300 /* seconds a timestamp may be away from now */

/* A new random secret, as text ("whsec_..."). */
void ordo_whsec_new(char out[ORDO_WHSEC_TEXT]);

/* The key of a secret: "whsec_<base64>", or the base64 alone. false for
 * anything else, or a key outside 24..64 bytes. */
bool ordo_whsec_parse(const char *text, uint8_t key[ORDO_WHSEC_MAX], size_t *keylen);

/* "v1,<base64>" over "{id}.{timestamp}.{body}". */
void ordo_wh_sign(const uint8_t *key, size_t keylen, const char *id, const char *timestamp,
                  const void *body, size_t len, char out[ORDO_WH_SIG_SIZE]);

enum ordo_wh_verdict {
    ORDO_WH_VALID,
    ORDO_WH_MISSING, /* no id, timestamp or signature */
    ORDO_WH_STALE,   /* the timestamp is not a number, or further than the tolerance from now */
    ORDO_WH_BAD,     /* no v1 signature of the list matches */
};

/* Check a delivery's headers against the key, in constant time per
 * signature: any "v1," entry of 'signatures' that matches is enough.
 * 'now' is unix seconds; 'tolerance' seconds either way. */
enum ordo_wh_verdict ordo_wh_verify(const uint8_t *key, size_t keylen, const char *id,
                                    const char *timestamp, const char *signatures, const void *body,
                                    size_t len, int64_t now, int64_t tolerance);

#endif
