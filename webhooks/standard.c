/*
 * webhooks/standard.c - Standard Webhooks 1.0 signatures.
 */
#include "webhooks/standard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"

#define PREFIX "whsec_"

void ordo_whsec_new(char out[ORDO_WHSEC_TEXT])
{
    uint8_t key[ORDO_WHSEC_NEW];

    ordo_random_bytes(key, sizeof key);
    memcpy(out, PREFIX, sizeof PREFIX); /* the NUL too; the base64 goes over it */
    ordo_base64(key, sizeof key, out + sizeof PREFIX - 1);
    ordo_crypto_wipe(key, sizeof key);
}

bool ordo_whsec_parse(const char *text, uint8_t key[ORDO_WHSEC_MAX], size_t *keylen)
{
    long n;

    if (strncmp(text, PREFIX, sizeof PREFIX - 1) == 0) {
        text += sizeof PREFIX - 1;
    }
    n = ordo_base64_decode(text, strlen(text), key, ORDO_WHSEC_MAX);
    if (n < ORDO_WHSEC_MIN) {
        return false;
    }
    *keylen = (size_t)n;
    return true;
}

static void mac(const uint8_t *key, size_t keylen, const char *id, const char *timestamp,
                const void *body, size_t len, uint8_t out[ORDO_HMAC_SHA256_SIZE])
{
    size_t head = strlen(id) + strlen(timestamp) + 2;
    char *msg = malloc(head + len + 1);

    if (!msg) {
        ordo_oom(head + len + 1);
    }
    (void)snprintf(msg, head + 1, "%s.%s.", id, timestamp);
    if (len) {
        memcpy(msg + head, body, len);
    }
    ordo_hmac_sha256(key, keylen, msg, head + len, out);
    free(msg);
}

void ordo_wh_sign(const uint8_t *key, size_t keylen, const char *id, const char *timestamp,
                  const void *body, size_t len, char out[ORDO_WH_SIG_SIZE])
{
    uint8_t sig[ORDO_HMAC_SHA256_SIZE];

    mac(key, keylen, id, timestamp, body, len, sig);
    memcpy(out, "v1,", 4); /* the NUL too; the base64 goes over it */
    ordo_base64(sig, sizeof sig, out + 3);
}

static bool fresh(const char *timestamp, int64_t now, int64_t tolerance)
{
    char *end = NULL;
    long long ts;

    if (*timestamp < '0' || *timestamp > '9') {
        return false;
    }
    ts = strtoll(timestamp, &end, 10);
    return *end == '\0' && ts - now <= tolerance && now - ts <= tolerance;
}

/* Does one "v1,<base64>" entry (of 'n' characters) carry 'want'? */
static bool entry_matches(const char *entry, size_t n, const uint8_t want[ORDO_HMAC_SHA256_SIZE])
{
    uint8_t got[ORDO_HMAC_SHA256_SIZE + 4];

    if (n < 3 || memcmp(entry, "v1,", 3) != 0) {
        return false;
    }
    return ordo_base64_decode(entry + 3, n - 3, got, sizeof got) == ORDO_HMAC_SHA256_SIZE &&
           ordo_crypto_equal(got, want, ORDO_HMAC_SHA256_SIZE);
}

enum ordo_wh_verdict ordo_wh_verify(const uint8_t *key, size_t keylen, const char *id,
                                    const char *timestamp, const char *signatures, const void *body,
                                    size_t len, int64_t now, int64_t tolerance)
{
    uint8_t want[ORDO_HMAC_SHA256_SIZE];
    bool ok = false;

    if (!id || !*id || !timestamp || !signatures || !*signatures) {
        return ORDO_WH_MISSING;
    }
    if (!fresh(timestamp, now, tolerance)) {
        return ORDO_WH_STALE;
    }
    mac(key, keylen, id, timestamp, body, len, want);
    for (const char *p = signatures; *p;) {
        size_t n = strcspn(p, " ");

        ok |= entry_matches(p, n, want); /* every entry is checked: no early exit */
        p += n;
        p += strspn(p, " ");
    }
    return ok ? ORDO_WH_VALID : ORDO_WH_BAD;
}
