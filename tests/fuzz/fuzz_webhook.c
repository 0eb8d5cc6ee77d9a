/*
 * tests/fuzz/fuzz_webhook.c - inbound webhook verification
 * (webhooks/verify.h) for every scheme: signature headers, timestamps,
 * options of the hmac scheme, delivery ids and the body parsing
 * (JSON, form fields, Slack's payload).
 *
 * Input layout (so that seeds are readable and mutations stay meaningful):
 *   byte 0        the scheme, modulo the number of schemes
 *                 (github slack jira bamboohr standard hmac unsigned)
 *   then          header lines "Name: value\n" up to an empty line;
 *                 Content-Type is passed to the body parser, and
 *                 X-Fuzz-Options, when present, is the hmac scheme's
 *                 options JSON
 *   then          the body
 * The clock is fixed (1764000000, 2025-11-24) and the secrets are the two
 * below, so a seed can carry a valid signature (the committed seeds do).
 * With ORDOTEST_FUZZ_VERBOSE=1 the verdict of each input is printed, to
 * check that a new seed reaches the path it was written for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "webhooks/verify.h"

#define FUZZ_NOW      1764000000
#define FUZZ_HEADERS  16
#define FUZZ_LINE_MAX 1024

struct headers {
    size_t n;
    char names[FUZZ_HEADERS][FUZZ_LINE_MAX];
    char values[FUZZ_HEADERS][FUZZ_LINE_MAX];
};

static const char *header(void *ctx, const char *name)
{
    const struct headers *h = ctx;
    for (size_t i = 0; i < h->n; i++) {
        if (strcasecmp(h->names[i], name) == 0) {
            return h->values[i];
        }
    }
    return NULL;
}

/* Split the header block; returns where the body starts. */
static size_t read_headers(const uint8_t *data, size_t size, struct headers *h)
{
    size_t pos = 0;

    while (pos < size) {
        const uint8_t *nl = memchr(data + pos, '\n', size - pos);
        size_t end = nl ? (size_t)(nl - data) : size;
        size_t len = end - pos;
        if (len == 0) {
            return end + 1; /* the empty line */
        }
        const uint8_t *colon = memchr(data + pos, ':', len);
        if (colon && h->n < FUZZ_HEADERS && len < FUZZ_LINE_MAX) {
            size_t nlen = (size_t)(colon - (data + pos));
            size_t vstart = nlen + 1;
            while (vstart < len && data[pos + vstart] == ' ') {
                vstart++;
            }
            memcpy(h->names[h->n], data + pos, nlen);
            h->names[h->n][nlen] = '\0';
            memcpy(h->values[h->n], data + pos + vstart, len - vstart);
            h->values[h->n][len - vstart] = '\0';
            /* A NUL inside makes a shorter C string, as an HTTP library would refuse. */
            h->n++;
        }
        pos = end + 1;
    }
    return size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const secrets[] = {"s3cret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"};
    struct headers *h;
    struct ordo_hook_options options;
    bool have_options = false;
    struct ordo_hook_verified out = {0};
    enum ordo_hook_scheme scheme;
    size_t body_at;
    const char *text;

    if (size < 1) {
        return 0;
    }
    scheme = (enum ordo_hook_scheme)(data[0] % (ORDO_HOOK_UNSIGNED + 1));
    h = calloc(1, sizeof *h); /* 32 KiB: not on the stack */
    if (!h) {
        return 0;
    }
    body_at = 1 + read_headers(data + 1, size - 1, h);
    if (body_at > size) {
        body_at = size;
    }
    text = header(h, "X-Fuzz-Options");
    if (text && ordo_hook_options_parse(text, &options, NULL) == ORDO_OK) {
        have_options = true;
    }
    struct ordo_hook_input in = {
        .scheme = scheme,
        .options = have_options ? &options : NULL,
        .secrets = secrets,
        .nsecrets = scheme == ORDO_HOOK_STANDARD ? 2 : 1,
        .header = header,
        .header_ctx = h,
        .body = data + body_at,
        .len = size - body_at,
        .now = FUZZ_NOW,
    };
    ordo_hook_verify(&in, &out);
    if (getenv("ORDOTEST_FUZZ_VERBOSE")) {
        (void)fprintf(stderr, "scheme %s: verdict %d, delivery id \"%s\"\n",
                      ordo_hook_scheme_name(scheme), (int)out.verdict, out.delivery_id);
    }
    json_decref(out.body);
    json_decref(ordo_hook_parse_body(scheme, header(h, "Content-Type"), in.body, in.len));
    (void)ordo_hook_scheme_name(scheme);
    free(h);
    return 0;
}
