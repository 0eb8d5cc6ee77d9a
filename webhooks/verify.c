/*
 * webhooks/verify.c - signature schemes of inbound webhooks.
 */
#include "webhooks/verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/crypto.h"
#include "base/json.h"
#include "webhooks/standard.h"

#define MAC ORDO_HMAC_SHA256_SIZE
#define HEX ((size_t)2 * MAC)

static const char *const scheme_names[] = {"github",   "slack", "jira",    "bamboohr",
                                           "standard", "hmac",  "unsigned"};

bool ordo_hook_scheme_parse(const char *name, enum ordo_hook_scheme *out)
{
    for (size_t i = 0; name && i < sizeof scheme_names / sizeof scheme_names[0]; i++) {
        if (strcmp(name, scheme_names[i]) == 0) {
            *out = (enum ordo_hook_scheme)i;
            return true;
        }
    }
    return false;
}

const char *ordo_hook_scheme_name(enum ordo_hook_scheme scheme)
{
    return (size_t)scheme < sizeof scheme_names / sizeof scheme_names[0] ? scheme_names[scheme]
                                                                         : "?";
}

/* ---- options -------------------------------------------------------------------------------- */

/* A header name: 1..64 of the token characters HTTP allows that people use. */
static bool header_name_ok(const char *s)
{
    size_t n = strlen(s);

    return n > 0 && n <= ORDO_HOOK_NAME_MAX &&
           strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == n;
}

static enum ordo_code opt_text(const json_t *obj, const char *name, bool header, char *out,
                               struct ordo_err *err)
{
    const json_t *v = json_object_get(obj, name);
    const char *s;

    if (!v) {
        return ORDO_OK;
    }
    s = json_string_value(v);
    if (!s || strlen(s) > ORDO_HOOK_NAME_MAX || (header && !header_name_ok(s))) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "options.%s must be %s of at most %d characters", name,
                            header ? "a header name" : "a string", ORDO_HOOK_NAME_MAX);
    }
    memcpy(out, s, strlen(s) + 1);
    return ORDO_OK;
}

static enum ordo_code options_from(const json_t *obj, struct ordo_hook_options *out,
                                   struct ordo_err *err)
{
    const char *key, *enc;
    const json_t *v;
    enum ordo_code rc = ORDO_OK;

    json_object_foreach((json_t *)obj, key, v)
    {
        if (strcmp(key, "header") != 0 && strcmp(key, "prefix") != 0 &&
            strcmp(key, "encoding") != 0 && strcmp(key, "delivery_header") != 0) {
            return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "unknown member \"options.%s\"", key);
        }
    }
    rc = opt_text(obj, "header", true, out->header, err);
    rc = rc == ORDO_OK ? opt_text(obj, "prefix", false, out->prefix, err) : rc;
    rc = rc == ORDO_OK ? opt_text(obj, "delivery_header", true, out->delivery_header, err) : rc;
    v = json_object_get(obj, "encoding");
    enc = json_string_value(v);
    if (rc == ORDO_OK && v && (!enc || (strcmp(enc, "hex") != 0 && strcmp(enc, "base64") != 0))) {
        rc = ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                          "options.encoding must be \"hex\" or \"base64\"");
    }
    out->base64 = enc && strcmp(enc, "base64") == 0;
    return rc;
}

enum ordo_code ordo_hook_options_parse(const char *text, struct ordo_hook_options *out,
                                       struct ordo_err *err)
{
    json_error_t jerr;
    json_t *obj;
    enum ordo_code rc;

    memset(out, 0, sizeof *out);
    memcpy(out->header, "X-Signature", sizeof "X-Signature");
    if (!text || !*text) {
        return ORDO_OK;
    }
    obj = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
    rc = json_is_object(obj)
             ? options_from(obj, out, err)
             : ordo_err_set(err, ORDO_E_UNPROCESSABLE, "options must be a JSON object");
    json_decref(obj);
    return rc;
}

/* ---- signatures ----------------------------------------------------------------------------- */

/* Decode a MAC written as hex (64 digits) or, when allowed, base64. */
static bool decode_mac(const char *text, bool hex, bool base64, uint8_t out[MAC])
{
    size_t n = strlen(text);
    uint8_t buf[MAC + 4];

    if (hex && n == HEX && ordo_unhex(text, n, out, MAC)) {
        return true;
    }
    if (base64 && ordo_base64_decode(text, n, buf, sizeof buf) == MAC) {
        memcpy(out, buf, MAC);
        return true;
    }
    return false;
}

/* HMAC of the concatenation a‖b‖c under 'secret'. */
static void mac3(const char *secret, const void *a, size_t alen, const void *b, size_t blen,
                 const void *c, size_t clen, uint8_t out[MAC])
{
    size_t n = alen + blen + clen;
    uint8_t *msg = malloc(n + 1);

    if (!msg) {
        ordo_oom(n + 1);
    }
    if (alen) {
        memcpy(msg, a, alen);
    }
    if (blen) {
        memcpy(msg + alen, b, blen);
    }
    if (clen) {
        memcpy(msg + alen + blen, c, clen);
    }
    ordo_hmac_sha256(secret, strlen(secret), msg, n, out);
    free(msg);
}

/* The signed bytes of a scheme: up to two layouts (BambooHR accepts
 * body‖ts and ts‖body). */
struct layout {
    const void *a, *b, *c;
    size_t alen, blen, clen;
};

/* Does any secret, in any layout, give 'want'? Every pair is computed. */
static bool any_matches(const struct ordo_hook_input *in, const struct layout *lay, size_t nlay,
                        const uint8_t want[MAC])
{
    bool ok = false;

    for (size_t i = 0; i < in->nsecrets; i++) {
        for (size_t j = 0; j < nlay; j++) {
            uint8_t got[MAC];

            mac3(in->secrets[i], lay[j].a, lay[j].alen, lay[j].b, lay[j].blen, lay[j].c,
                 lay[j].clen, got);
            ok |= ordo_crypto_equal(got, want, MAC);
        }
    }
    return ok;
}

static bool fresh(const char *ts, int64_t now)
{
    char *end = NULL;
    long long t;

    if (*ts < '0' || *ts > '9' || strlen(ts) > 18) {
        return false;
    }
    t = strtoll(ts, &end, 10);
    return *end == '\0' && t - now <= ORDO_HOOK_WINDOW && now - t <= ORDO_HOOK_WINDOW;
}

static const char *header(const struct ordo_hook_input *in, const char *name)
{
    return in->header(in->header_ctx, name);
}

/* "<prefix><mac>" over the body, in the header 'name' (github, jira, hmac). */
static enum ordo_hook_verdict check_body_mac(const struct ordo_hook_input *in, const char *name,
                                             const char *prefix, bool base64)
{
    const char *sig = header(in, name);
    size_t plen = strlen(prefix);
    uint8_t want[MAC];
    struct layout lay = {.a = in->body, .alen = in->len};

    if (!sig || !*sig) {
        return ORDO_HOOK_MISSING;
    }
    if (strncasecmp(sig, prefix, plen) != 0 || !decode_mac(sig + plen, !base64, base64, want)) {
        return ORDO_HOOK_BAD;
    }
    return any_matches(in, &lay, 1, want) ? ORDO_HOOK_VALID : ORDO_HOOK_BAD;
}

static enum ordo_hook_verdict check_slack(const struct ordo_hook_input *in)
{
    const char *sig = header(in, "X-Slack-Signature");
    const char *ts = header(in, "X-Slack-Request-Timestamp");
    uint8_t want[MAC];
    char *head;
    enum ordo_hook_verdict v;

    if (!sig || !ts || !*sig || !*ts) {
        return ORDO_HOOK_MISSING;
    }
    if (!fresh(ts, in->now)) {
        return ORDO_HOOK_STALE;
    }
    if (strncmp(sig, "v0=", 3) != 0 || !decode_mac(sig + 3, true, false, want)) {
        return ORDO_HOOK_BAD;
    }
    head = malloc(strlen(ts) + 5);
    if (!head) {
        ordo_oom(strlen(ts) + 5);
    }
    (void)snprintf(head, strlen(ts) + 5, "v0:%s:", ts);
    struct layout lay = {.a = head, .alen = strlen(head), .b = in->body, .blen = in->len};
    v = any_matches(in, &lay, 1, want) ? ORDO_HOOK_VALID : ORDO_HOOK_BAD;
    free(head);
    return v;
}

static enum ordo_hook_verdict check_bamboohr(const struct ordo_hook_input *in)
{
    const char *sig = header(in, "X-BambooHR-Signature");
    const char *ts = header(in, "X-BambooHR-Timestamp");
    uint8_t want[MAC];

    if (!sig || !ts || !*sig || !*ts) {
        return ORDO_HOOK_MISSING;
    }
    if (!fresh(ts, in->now)) {
        return ORDO_HOOK_STALE;
    }
    if (!decode_mac(sig, true, true, want)) {
        return ORDO_HOOK_BAD;
    }
    struct layout lay[2] = {{.a = in->body, .alen = in->len, .b = ts, .blen = strlen(ts)},
                            {.a = ts, .alen = strlen(ts), .b = in->body, .blen = in->len}};
    return any_matches(in, lay, 2, want) ? ORDO_HOOK_VALID : ORDO_HOOK_BAD;
}

static enum ordo_hook_verdict check_standard(const struct ordo_hook_input *in)
{
    const char *id = header(in, "webhook-id");
    const char *ts = header(in, "webhook-timestamp");
    const char *sigs = header(in, "webhook-signature");
    enum ordo_hook_verdict best = ORDO_HOOK_BAD;

    if (!id || !ts || !sigs || !*id || !*sigs) {
        return ORDO_HOOK_MISSING;
    }
    if (!fresh(ts, in->now)) {
        return ORDO_HOOK_STALE;
    }
    for (size_t i = 0; i < in->nsecrets; i++) {
        uint8_t key[ORDO_WHSEC_MAX];
        size_t keylen = 0;

        if (ordo_whsec_parse(in->secrets[i], key, &keylen) &&
            ordo_wh_verify(key, keylen, id, ts, sigs, in->body, in->len, in->now,
                           ORDO_HOOK_WINDOW) == ORDO_WH_VALID) {
            best = ORDO_HOOK_VALID;
        }
        ordo_crypto_wipe(key, sizeof key);
    }
    return best;
}

static enum ordo_hook_verdict check_signature(const struct ordo_hook_input *in,
                                              const struct ordo_hook_options *o)
{
    if (in->scheme == ORDO_HOOK_UNSIGNED) {
        return ORDO_HOOK_VALID;
    }
    if (in->nsecrets == 0) {
        return ORDO_HOOK_BAD; /* fail closed */
    }
    switch (in->scheme) {
    case ORDO_HOOK_GITHUB:
        return check_body_mac(in, "X-Hub-Signature-256", "sha256=", false);
    case ORDO_HOOK_JIRA:
        return check_body_mac(in, "X-Hub-Signature", "sha256=", false);
    case ORDO_HOOK_HMAC:
        return check_body_mac(in, o->header, o->prefix, o->base64);
    case ORDO_HOOK_SLACK:
        return check_slack(in);
    case ORDO_HOOK_BAMBOOHR:
        return check_bamboohr(in);
    case ORDO_HOOK_STANDARD:
        return check_standard(in);
    default:
        return ORDO_HOOK_BAD;
    }
}

/* ---- bodies --------------------------------------------------------------------------------- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decode 'n' bytes of a form field ('+' is a space); NULL when the
 * result is not text without NULs. */
static char *form_decode(const char *s, size_t n)
{
    char *out = malloc(n + 1);
    size_t j = 0;

    if (!out) {
        ordo_oom(n + 1);
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (c == '+') {
            c = ' ';
        }

        if (s[i] == '%') {
            int hi = i + 2 < n ? hexval((unsigned char)s[i + 1]) : -1;
            int lo = i + 2 < n ? hexval((unsigned char)s[i + 2]) : -1;

            if (hi < 0 || lo < 0) {
                free(out);
                return NULL;
            }
            c = (char)(hi * 16 + lo);
            i += 2;
        }
        if (c == '\0') {
            free(out);
            return NULL;
        }
        out[j++] = c;
    }
    out[j] = '\0';
    return out;
}

/* One "name=value" pair into 'obj'; a "payload" holding JSON goes in parsed. */
static bool form_field(json_t *obj, const char *p, size_t n)
{
    const char *eq = memchr(p, '=', n);
    size_t klen = eq ? (size_t)(eq - p) : n;
    char *k = form_decode(p, klen);
    char *v = eq ? form_decode(eq + 1, n - klen - 1) : strdup("");
    json_t *parsed = NULL;
    bool ok = k && v && *k;

    if (ok && strcmp(k, "payload") == 0) {
        (void)ordo_json_parse(v, strlen(v), NULL, &parsed, NULL);
    }
    if (ok) {
        json_object_set_new(obj, k, parsed ? parsed : json_string(v));
    }
    free(k);
    free(v);
    return ok;
}

static json_t *parse_form(const uint8_t *body, size_t len)
{
    json_t *obj = json_object();
    const char *p = (const char *)body, *end = p + len;

    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        size_t n = amp ? (size_t)(amp - p) : (size_t)(end - p);

        if (n && !form_field(obj, p, n)) {
            json_decref(obj);
            return NULL;
        }
        p += n + 1;
    }
    return obj;
}

static bool is_form(const char *content_type)
{
    static const char form[] = "application/x-www-form-urlencoded";

    return content_type && strncasecmp(content_type, form, sizeof form - 1) == 0;
}

json_t *ordo_hook_parse_body(enum ordo_hook_scheme scheme, const char *content_type,
                             const uint8_t *body, size_t len)
{
    struct ordo_json_limits lim = {len + 1, 0};
    json_t *out = NULL;

    if (is_form(content_type)) {
        out = parse_form(body, len);
        if (out && scheme == ORDO_HOOK_SLACK && !json_is_object(json_object_get(out, "payload"))) {
            json_decref(out);
            out = NULL;
        }
        return out;
    }
    if (ordo_json_parse((const char *)body, len, &lim, &out, NULL) != ORDO_OK) {
        return NULL;
    }
    return out;
}

/* ---- delivery ids --------------------------------------------------------------------------- */

static bool set_id(struct ordo_hook_verified *out, const char *a, const char *sep, const char *b)
{
    int n = snprintf(out->delivery_id, sizeof out->delivery_id, "%s%s%s", a, sep ? sep : "",
                     b ? b : "");

    return n > 0 && (size_t)n < sizeof out->delivery_id;
}

static void body_hash(const struct ordo_hook_input *in, struct ordo_hook_verified *out)
{
    char hex[ORDO_SHA256_HEX_SIZE];

    ordo_sha256_hex(in->body, in->len, hex);
    (void)set_id(out, hex, NULL, NULL);
}

static bool slack_id(const struct ordo_hook_input *in, struct ordo_hook_verified *out)
{
    const json_t *payload = json_object_get(out->body, "payload");
    const json_t *action = json_array_get(json_object_get(payload, "actions"), 0);
    const char *event = json_string_value(json_object_get(out->body, "event_id"));
    const char *trigger = json_string_value(json_object_get(payload, "trigger_id"));
    const char *action_ts = json_string_value(json_object_get(action, "action_ts"));
    const char *type = json_string_value(json_object_get(out->body, "type"));

    if (type && strcmp(type, "url_verification") == 0) {
        out->challenge = json_string_value(json_object_get(out->body, "challenge"));
        return out->challenge != NULL;
    }
    if (event) {
        return set_id(out, event, NULL, NULL);
    }
    if (trigger && action_ts) {
        return set_id(out, trigger, ":", action_ts);
    }
    body_hash(in, out);
    return true;
}

static bool bamboohr_id(const struct ordo_hook_input *in, struct ordo_hook_verified *out)
{
    const char *ts = header(in, "X-BambooHR-Timestamp");
    struct ordo_sha256_ctx ctx;
    uint8_t sum[ORDO_SHA256_SIZE];

    ordo_sha256_init(&ctx);
    ordo_sha256_update(&ctx, ts, strlen(ts));
    ordo_sha256_update(&ctx, in->body, in->len);
    ordo_sha256_final(&ctx, sum);
    ordo_hex(sum, sizeof sum, out->delivery_id);
    return true;
}

/* The id from header 'name' (required when 'required'), else the body's hash. */
static bool header_id(const struct ordo_hook_input *in, struct ordo_hook_verified *out,
                      const char *name, bool required)
{
    const char *v = name && *name ? header(in, name) : NULL;

    if (v && *v) {
        return set_id(out, v, NULL, NULL);
    }
    if (required) {
        return false;
    }
    body_hash(in, out);
    return true;
}

static bool find_id(const struct ordo_hook_input *in, const struct ordo_hook_options *o,
                    struct ordo_hook_verified *out)
{
    const char *key;

    switch (in->scheme) {
    case ORDO_HOOK_GITHUB:
        return header_id(in, out, "X-GitHub-Delivery", true);
    case ORDO_HOOK_JIRA:
        return header_id(in, out, "X-Atlassian-Webhook-Identifier", true);
    case ORDO_HOOK_STANDARD:
        return header_id(in, out, "webhook-id", true);
    case ORDO_HOOK_HMAC:
        return header_id(in, out, o->delivery_header, false);
    case ORDO_HOOK_SLACK:
        return slack_id(in, out);
    case ORDO_HOOK_BAMBOOHR:
        return bamboohr_id(in, out);
    default:
        key = header(in, "Idempotency-Key");
        return key && *key ? set_id(out, key, NULL, NULL) : true;
    }
}

void ordo_hook_verify(const struct ordo_hook_input *in, struct ordo_hook_verified *out)
{
    struct ordo_hook_options defaults;

    memset(out, 0, sizeof *out);
    if (!in->options) {
        (void)ordo_hook_options_parse(NULL, &defaults, NULL);
    }
    out->verdict = check_signature(in, in->options ? in->options : &defaults);
    if (out->verdict != ORDO_HOOK_VALID) {
        return;
    }
    out->body = ordo_hook_parse_body(in->scheme, header(in, "Content-Type"), in->body, in->len);
    if (!out->body || !find_id(in, in->options ? in->options : &defaults, out)) {
        /* A required id header missing after a valid signature is the
         * sender's malformed request, not a forgery. */
        json_decref(out->body);
        out->body = NULL;
        out->delivery_id[0] = '\0';
        out->challenge = NULL;
        out->verdict = ORDO_HOOK_MALFORMED;
    }
}
