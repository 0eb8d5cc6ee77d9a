/*
 * base/crypto.h - the hashes and signatures Ordo uses, over libsodium.
 *
 * ordo_crypto_init() must run once before threads start (it is cheap and
 * safe to call again); every other function is thread-safe.
 */
#ifndef ORDO_BASE_CRYPTO_H
#define ORDO_BASE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define ORDO_SHA256_SIZE      32
#define ORDO_SHA256_HEX_SIZE  65 /* 64 hex digits and the NUL */
#define ORDO_SIGN_PUBLIC_SIZE 32
#define ORDO_SIGN_SECRET_SIZE 64 /* libsodium's form: seed and public key */
#define ORDO_SIGNATURE_SIZE   64

enum ordo_code ordo_crypto_init(struct ordo_err *err);

void ordo_sha256(const void *data, size_t len, uint8_t out[ORDO_SHA256_SIZE]);
void ordo_sha256_hex(const void *data, size_t len, char out[ORDO_SHA256_HEX_SIZE]);

/* Incremental SHA-256, for hashes over several fields. */
struct ordo_sha256_ctx {
    _Alignas(64) unsigned char opaque[128]; /* crypto_hash_sha256_state, which is 104 bytes */
};
void ordo_sha256_init(struct ordo_sha256_ctx *ctx);
void ordo_sha256_update(struct ordo_sha256_ctx *ctx, const void *data, size_t len);
void ordo_sha256_final(struct ordo_sha256_ctx *ctx, uint8_t out[ORDO_SHA256_SIZE]);

/* Lower-case hex of 'len' bytes into 'out' (2 * len + 1 bytes). */
void ordo_hex(const uint8_t *data, size_t len, char *out);

/* An Ed25519 key from its text form: 64 hex digits (the 32-byte seed) or
 * 128 (seed and public key, libsodium's secret key). Anything else is
 * ORDO_E_INVAL; the message never repeats the key. */
enum ordo_code ordo_sign_key_parse(const char *text, uint8_t secret[ORDO_SIGN_SECRET_SIZE],
                                   uint8_t public_key[ORDO_SIGN_PUBLIC_SIZE], struct ordo_err *err);
void ordo_sign(const uint8_t secret[ORDO_SIGN_SECRET_SIZE], const void *msg, size_t len,
               uint8_t sig[ORDO_SIGNATURE_SIZE]);
bool ordo_sign_verify(const uint8_t public_key[ORDO_SIGN_PUBLIC_SIZE], const void *msg, size_t len,
                      const uint8_t sig[ORDO_SIGNATURE_SIZE]);

/* Constant-time equality of two buffers of 'len' bytes. */
bool ordo_crypto_equal(const void *a, const void *b, size_t len);

/* HMAC-SHA256 of 'data' under a key of any length (webhook signatures). */
#define ORDO_HMAC_SHA256_SIZE 32
void ordo_hmac_sha256(const void *key, size_t keylen, const void *data, size_t len,
                      uint8_t out[ORDO_HMAC_SHA256_SIZE]);

/* Standard base64 with padding. ordo_base64_len is the size 'out' needs
 * for 'len' bytes, the NUL included. ordo_base64_decode decodes 'text'
 * ('textlen' characters, padding required, no spaces) into at most 'cap'
 * bytes: the count, or -1 for anything that is not base64 or too long. */
size_t ordo_base64_len(size_t len);
void ordo_base64(const uint8_t *data, size_t len, char *out);
long ordo_base64_decode(const char *text, size_t textlen, uint8_t *out, size_t cap);

/* 'len' random bytes from the operating system's generator (key seeds). */
void ordo_random_bytes(void *buf, size_t len);

/* Decode exactly 2 * 'len' hex digits ('hexlen' of them, either case) into
 * 'out'; false, with 'out' unspecified, for any other length or character. */
bool ordo_unhex(const char *hex, size_t hexlen, uint8_t *out, size_t len);

/* Overwrite a secret with zeros in a way the compiler cannot drop. */
void ordo_crypto_wipe(void *p, size_t len);

#endif
