/*
 * webhooks/verify.h - is an inbound delivery signed by who we think, and
 * what is its delivery id (CONTRACTS §14; saas-apis.md §6).
 *
 * Every scheme works on the RAW body bytes as received (never on JSON
 * re-serialised), compares MACs in constant time over decoded bytes of
 * equal length, and accepts any of the endpoint's secrets (rotation: the
 * current one and the previous one). Every secret is tried, with no early
 * exit, so the time taken does not say which one matched.
 *
 *   scheme    signature                                   signed bytes        window  delivery id
 *   github    X-Hub-Signature-256: sha256=<hex>           body                - X-GitHub-Delivery
 *   slack     X-Slack-Signature: v0=<hex>                 "v0:" ts ":" body   300 s   event_id;
 * form: X-Slack-Request-Timestamp: ts                                           trigger_id ":"
 * action_ts jira      X-Hub-Signature: sha256=<hex>               body                -
 * X-Atlassian-Webhook-Identifier bamboohr  X-BambooHR-Signature: <hex|base64>          body ts | ts
 * body   300 s   hex sha256(ts body) X-BambooHR-Timestamp: ts standard  webhook-signature:
 * v1,<base64> ...          id "." ts "." body  300 s   webhook-id hmac      options.header:
 * options.prefix <hex|b64>    body                -       options.delivery_header unsigned  nothing
 * is checked                          -                   -       Idempotency-Key, else ""
 *
 * A delivery id the scheme cannot find in a header (Slack, hmac) is the hex
 * SHA-256 of the body, so a replayed body is a duplicate. "" (unsigned
 * without Idempotency-Key) means "make a fresh one": no dedupe.
 *
 * The body must be JSON, or form-encoded (Content-Type
 * application/x-www-form-urlencoded) fields; Slack's interactivity form must
 * carry "payload" with a JSON object. Anything else is ORDO_HOOK_MALFORMED,
 * which is only reported once the signature is valid (401 before 400).
 *
 * Pure: no I/O, no clock (the caller passes 'now'), thread-safe.
 */
#ifndef ORDO_WEBHOOKS_VERIFY_H
#define ORDO_WEBHOOKS_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"

#define ORDO_HOOK_WINDOW   300 /* seconds a timestamp may be away from now */
#define ORDO_HOOK_ID_MAX   201 /* a delivery id: 200 characters and the NUL */
#define ORDO_HOOK_NAME_MAX 64  /* characters of header names in options */

enum ordo_hook_scheme {
    ORDO_HOOK_GITHUB,
    ORDO_HOOK_SLACK,
    ORDO_HOOK_JIRA,
    ORDO_HOOK_BAMBOOHR,
    ORDO_HOOK_STANDARD,
    ORDO_HOOK_HMAC,
    ORDO_HOOK_UNSIGNED,
};

/* "github" ... "unsigned" (webhook_endpoint.scheme); false for others. */
bool ordo_hook_scheme_parse(const char *name, enum ordo_hook_scheme *out);
const char *ordo_hook_scheme_name(enum ordo_hook_scheme scheme);

/* The options of scheme 'hmac' (other schemes take none). */
struct ordo_hook_options {
    char header[ORDO_HOOK_NAME_MAX + 1];          /* default "X-Signature" */
    char prefix[ORDO_HOOK_NAME_MAX + 1];          /* default "" ("sha256=") */
    bool base64;                                  /* "encoding": "base64"; default hex */
    char delivery_header[ORDO_HOOK_NAME_MAX + 1]; /* "" : the body's sha256 */
};

/* Read options JSON text (NULL or "" = {}): an object with only the members
 * above; ORDO_E_UNPROCESSABLE naming what is wrong. */
enum ordo_code ordo_hook_options_parse(const char *text, struct ordo_hook_options *out,
                                       struct ordo_err *err);

enum ordo_hook_verdict {
    ORDO_HOOK_VALID,
    ORDO_HOOK_MISSING,   /* a header the scheme needs is absent */
    ORDO_HOOK_STALE,     /* the timestamp is not a number or outside the window */
    ORDO_HOOK_BAD,       /* no secret gives that signature (or there is no secret) */
    ORDO_HOOK_MALFORMED, /* signed, but the body is not what the scheme carries */
};

/* A request header by name (any case), or NULL. */
typedef const char *ordo_hook_header_fn(void *ctx, const char *name);

struct ordo_hook_input {
    enum ordo_hook_scheme scheme;
    const struct ordo_hook_options *options; /* hmac; NULL: the defaults */
    const char *const *secrets;              /* NUL-terminated secrets (standard: "whsec_...") */
    size_t nsecrets;
    ordo_hook_header_fn *header;
    void *header_ctx;
    const uint8_t *body;
    size_t len;
    int64_t now; /* unix seconds */
};

struct ordo_hook_verified {
    enum ordo_hook_verdict verdict;
    char delivery_id[ORDO_HOOK_ID_MAX]; /* set when VALID; "": make a fresh one */
    const char *challenge;              /* Slack url_verification: answer it, store nothing */
    json_t *body; /* when VALID: the body as the mapping sees it (ordo_hook_parse_body) */
};

/* Check 'in'; the caller json_decref()s out->body. */
void ordo_hook_verify(const struct ordo_hook_input *in, struct ordo_hook_verified *out);

/* The body as mappings see it: the JSON value; form fields as an object of
 * strings, where a "payload" field holding JSON is that JSON parsed (Slack
 * interactivity, GitHub's form mode). NULL when it is neither, or Slack's
 * form has no JSON object in "payload". 'content_type' may be NULL. */
json_t *ordo_hook_parse_body(enum ordo_hook_scheme scheme, const char *content_type,
                             const uint8_t *body, size_t len);

#endif
