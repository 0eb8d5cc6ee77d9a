#include "base/crypto.h"

#include <sodium.h>
#include <string.h>

_Static_assert(sizeof(crypto_hash_sha256_state) <= sizeof(struct ordo_sha256_ctx),
               "ordo_sha256_ctx is too small for libsodium's state");
_Static_assert(crypto_sign_PUBLICKEYBYTES == ORDO_SIGN_PUBLIC_SIZE, "Ed25519 public key size");
_Static_assert(crypto_sign_SECRETKEYBYTES == ORDO_SIGN_SECRET_SIZE, "Ed25519 secret key size");
_Static_assert(crypto_sign_BYTES == ORDO_SIGNATURE_SIZE, "Ed25519 signature size");

enum ordo_code ordo_crypto_init(struct ordo_err *err)
{
    if (sodium_init() < 0) {
        return ordo_err_set(err, ORDO_E_INTERNAL, "libsodium could not be initialised");
    }
    return ORDO_OK;
}

void ordo_sha256(const void *data, size_t len, uint8_t out[ORDO_SHA256_SIZE])
{
    crypto_hash_sha256(out, data, len);
}

void ordo_hex(const uint8_t *data, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 15];
    }
    out[2 * len] = '\0';
}

void ordo_sha256_hex(const void *data, size_t len, char out[ORDO_SHA256_HEX_SIZE])
{
    uint8_t h[ORDO_SHA256_SIZE];

    ordo_sha256(data, len, h);
    ordo_hex(h, sizeof h, out);
}

void ordo_sha256_init(struct ordo_sha256_ctx *ctx)
{
    crypto_hash_sha256_init((crypto_hash_sha256_state *)(void *)ctx->opaque);
}

void ordo_sha256_update(struct ordo_sha256_ctx *ctx, const void *data, size_t len)
{
    crypto_hash_sha256_update((crypto_hash_sha256_state *)(void *)ctx->opaque, data, len);
}

void ordo_sha256_final(struct ordo_sha256_ctx *ctx, uint8_t out[ORDO_SHA256_SIZE])
{
    crypto_hash_sha256_final((crypto_hash_sha256_state *)(void *)ctx->opaque, out);
}

enum ordo_code ordo_sign_key_parse(const char *text, uint8_t secret[ORDO_SIGN_SECRET_SIZE],
                                   uint8_t public_key[ORDO_SIGN_PUBLIC_SIZE], struct ordo_err *err)
{
    uint8_t raw[ORDO_SIGN_SECRET_SIZE];
    size_t n = 0, len = strlen(text);
    enum ordo_code rc = ORDO_OK;

    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r')) {
        len--; /* a key file usually ends in a newline */
    }
    if ((len != 64 && len != 128) ||
        sodium_hex2bin(raw, sizeof raw, text, len, NULL, &n, NULL) != 0 || n * 2 != len) {
        return ordo_err_set(err, ORDO_E_INVAL,
                            "the audit signing key must be 64 or 128 hex digits (an Ed25519 seed "
                            "or secret key)");
    }
    crypto_sign_seed_keypair(public_key, secret, raw); /* the seed is the first 32 bytes */
    if (n == ORDO_SIGN_SECRET_SIZE && sodium_memcmp(public_key, raw + 32, 32) != 0) {
        rc = ordo_err_set(err, ORDO_E_INVAL,
                          "the audit signing key's second half is not the public key of its first");
    }
    sodium_memzero(raw, sizeof raw);
    return rc;
}

void ordo_sign(const uint8_t secret[ORDO_SIGN_SECRET_SIZE], const void *msg, size_t len,
               uint8_t sig[ORDO_SIGNATURE_SIZE])
{
    crypto_sign_detached(sig, NULL, msg, len, secret);
}

bool ordo_sign_verify(const uint8_t public_key[ORDO_SIGN_PUBLIC_SIZE], const void *msg, size_t len,
                      const uint8_t sig[ORDO_SIGNATURE_SIZE])
{
    return crypto_sign_verify_detached(sig, msg, len, public_key) == 0;
}

bool ordo_crypto_equal(const void *a, const void *b, size_t len)
{
    return sodium_memcmp(a, b, len) == 0;
}

void ordo_hmac_sha256(const void *key, size_t keylen, const void *data, size_t len,
                      uint8_t out[ORDO_HMAC_SHA256_SIZE])
{
    crypto_auth_hmacsha256_state st;

    crypto_auth_hmacsha256_init(&st, key, keylen);
    crypto_auth_hmacsha256_update(&st, data, len);
    crypto_auth_hmacsha256_final(&st, out);
    sodium_memzero(&st, sizeof st);
}

size_t ordo_base64_len(size_t len)
{
    return sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
}

void ordo_base64(const uint8_t *data, size_t len, char *out)
{
    sodium_bin2base64(out, ordo_base64_len(len), data, len, sodium_base64_VARIANT_ORIGINAL);
}

long ordo_base64_decode(const char *text, size_t textlen, uint8_t *out, size_t cap)
{
    size_t n = 0;
    const char *end = NULL;

    if (sodium_base642bin(out, cap, text, textlen, NULL, &n, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != text + textlen) {
        return -1;
    }
    return (long)n;
}

void ordo_random_bytes(void *buf, size_t len)
{
    randombytes_buf(buf, len);
}

bool ordo_unhex(const char *hex, size_t hexlen, uint8_t *out, size_t len)
{
    size_t n = 0;

    return hexlen == 2 * len && sodium_hex2bin(out, len, hex, hexlen, NULL, &n, NULL) == 0 &&
           n == len;
}

void ordo_crypto_wipe(void *p, size_t len)
{
    sodium_memzero(p, len);
}
