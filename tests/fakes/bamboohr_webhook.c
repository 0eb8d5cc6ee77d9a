/*
 * tests/fakes/bamboohr_webhook.c - the BambooHR stand-in as a webhook SENDER:
 * POST /_sandbox/bamboohr/webhook makes the sandbox POST a signed webhook about one employee to
 * a receiver on loopback, so that Ordo's receiver can be tested against it (docs/sandbox.md).
 *
 * BambooHR signs with HMAC-SHA256 under the webhook's private key and sends the
 * X-BambooHR-Timestamp (unix seconds) and X-BambooHR-Signature headers; the signed bytes are
 * the raw body and the timestamp (per Nango). Their order and the encoding of the signature
 * (hex or base64) are unverified (saas-apis.md §4), so the caller picks both. The payload shape
 * is unverified too: {"employees":[{"id","timestamp","action","fields","changedFields"}]}.
 *
 * Only loopback URLs are accepted, over plain http, without redirects or proxies: the sandbox
 * must not become a way to send requests elsewhere. Neither the secret nor the signature is
 * logged or recorded.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "base/text.h"
#include "tests/fakes/sandbox.h"

#define SEND_TIMEOUT_MS 10000

/* The fields a webhook carries (BambooHR sends the fields the webhook monitors). */
static const char *const hook_fields[] = {"firstName", "lastName",   "workEmail",
                                          "jobTitle",  "department", "supervisorEId",
                                          "hireDate",  "status",     NULL};

struct hook {
    const char *url, *secret, *company, *employee_id;
    bool ts_first, base64;
    char ts[24];
    json_t *payload; /* NULL: no such employee */
};

static void reply_error(struct ordo_sandbox_req *req, int status, const char *message)
{
    ordo_sandbox_reply_json(req, status, json_pack("{s:s}", "error", message));
}

/* Is 'url' http:// to 127.0.0.1, localhost or [::1], with no user info? */
static bool loopback_url(const char *url)
{
    static const char *const hosts[] = {"127.0.0.1", "localhost", "[::1]"};
    const char *auth;
    size_t alen, hlen;

    if (strncmp(url, "http://", 7) != 0) {
        return false;
    }
    auth = url + 7;
    alen = strcspn(auth, "/?#");
    if (memchr(auth, '@', alen) || memchr(auth, '\\', alen)) {
        return false;
    }
    hlen = auth[0] == '[' ? strcspn(auth, "]") + 1 : strcspn(auth, ":/?#");
    if (hlen > alen || (hlen < alen && auth[hlen] != ':')) {
        return false;
    }
    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
        if (strlen(hosts[i]) == hlen && strncmp(auth, hosts[i], hlen) == 0) {
            return true;
        }
    }
    return false;
}

/* The signature form; false (with a reply) when 'sig' names another. */
static bool parse_signature(struct ordo_sandbox_req *req, const json_t *sig, struct hook *h)
{
    const char *order = ordo_sandbox_str(sig, "order");
    const char *encoding = ordo_sandbox_str(sig, "encoding");

    if (sig && !json_is_object(sig)) {
        reply_error(req, 400, "signature must be an object {order, encoding}");
        return false;
    }
    if (json_object_get(sig, "order") && !ordo_streq(order, "body_then_timestamp") &&
        !ordo_streq(order, "timestamp_then_body")) {
        reply_error(req, 400, "signature.order must be body_then_timestamp or timestamp_then_body");
        return false;
    }
    if (json_object_get(sig, "encoding") && !ordo_streq(encoding, "hex") &&
        !ordo_streq(encoding, "base64")) {
        reply_error(req, 400, "signature.encoding must be hex or base64");
        return false;
    }
    h->ts_first = ordo_streq(order, "timestamp_then_body");
    h->base64 = ordo_streq(encoding, "base64");
    return true;
}

/* The request body into 'h'; false (with a reply) when it is not usable. */
static bool parse_request(struct ordo_sandbox_req *req, struct hook *h)
{
    json_t *body = ordo_sandbox_body_json(req);
    json_t *ts = json_object_get(body, "timestamp");

    h->url = ordo_sandbox_str(body, "url");
    h->secret = ordo_sandbox_str(body, "secret");
    h->employee_id = ordo_sandbox_str(body, "employee_id");
    h->company = ordo_sandbox_str(body, "company");
    if (!h->company) {
        h->company = "acme";
    }
    if (!json_is_object(body) || !h->url || !h->secret || !*h->secret || !h->employee_id) {
        reply_error(req, 400,
                    "the body must be {url, secret, employee_id, signature?, timestamp?}");
        return false;
    }
    if (!loopback_url(h->url)) {
        reply_error(req, 400, "url must be http:// to 127.0.0.1, localhost or [::1]");
        return false;
    }
    if (!parse_signature(req, json_object_get(body, "signature"), h)) {
        return false;
    }
    if (json_is_integer(ts) && json_integer_value(ts) >= 0) {
        (void)snprintf(h->ts, sizeof h->ts, "%lld", (long long)json_integer_value(ts));
    } else if (json_is_string(ts) && ordo_sandbox_parse_count(json_string_value(ts), 0) >= 0) {
        (void)snprintf(h->ts, sizeof h->ts, "%s", json_string_value(ts));
    } else if (ts) {
        reply_error(req, 400, "timestamp must be unix seconds");
        return false;
    } else {
        (void)snprintf(h->ts, sizeof h->ts, "%lld", (long long)(ordo_clock_wall_ms() / 1000));
    }
    return true;
}

/* Under the mutex: the employee's current record as a webhook payload, in h->payload. */
static void build_payload(json_t *state, void *arg)
{
    struct hook *h = arg;
    json_t *company = ordo_sandbox_find(
        json_object_get(json_object_get(state, "bamboohr"), "companies"), "domain", h->company);
    json_t *e = ordo_sandbox_find(json_object_get(company, "employees"), "id", h->employee_id);
    json_t *fields, *changed;

    if (!e) {
        return;
    }
    fields = json_object();
    changed = json_array();
    for (size_t i = 0; hook_fields[i]; i++) {
        json_t *v = json_object_get(e, hook_fields[i]);

        (void)json_object_set_new(fields, hook_fields[i],
                                  json_is_string(v) ? json_incref(v) : json_null());
        (void)json_array_append_new(changed, json_string(hook_fields[i]));
    }
    h->payload =
        json_pack("{s:[{s:s, s:s?, s:s, s:o, s:o}]}", "employees", "id", h->employee_id,
                  "timestamp", ordo_sandbox_str(e, "lastChanged"), "action",
                  ordo_streq(ordo_sandbox_str(e, "action"), "Inserted") ? "Created" : "Updated",
                  "fields", fields, "changedFields", changed);
}

/* HMAC-SHA256(secret, body+ts or ts+body), hex or standard base64, in the request's arena. */
static char *sign(struct ordo_sandbox_req *req, const struct hook *h, const char *body, size_t len)
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    size_t size = h->base64 ? sodium_base64_ENCODED_LEN(sizeof mac, sodium_base64_VARIANT_ORIGINAL)
                            : sizeof mac * 2 + 1;
    char *out = ordo_arena_alloc(req->arena, size);

    (void)crypto_auth_hmacsha256_init(&st, (const unsigned char *)h->secret, strlen(h->secret));
    if (h->ts_first) {
        (void)crypto_auth_hmacsha256_update(&st, (const unsigned char *)h->ts, strlen(h->ts));
    }
    (void)crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
    if (!h->ts_first) {
        (void)crypto_auth_hmacsha256_update(&st, (const unsigned char *)h->ts, strlen(h->ts));
    }
    (void)crypto_auth_hmacsha256_final(&st, mac);
    sodium_memzero(&st, sizeof st);
    if (h->base64) {
        (void)sodium_bin2base64(out, size, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
    } else {
        (void)sodium_bin2hex(out, size, mac, sizeof mac);
    }
    return out;
}

static size_t discard(const char *data, size_t size, size_t n, void *arg)
{
    (void)data;
    (void)arg;
    return size * n;
}

/* POST 'body' to h->url; the receiver's status, or 0 with the reason in 'why'. */
static long send_hook(const struct hook *h, const char *body, const char *sig, char *why)
{
    CURL *c = curl_easy_init();
    struct curl_slist *headers = NULL;
    char line[160];
    CURLcode rc;
    long status = 0;

    if (!c) {
        (void)snprintf(why, CURL_ERROR_SIZE, "curl_easy_init failed");
        return 0;
    }
    why[0] = '\0';
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Expect:");
    (void)snprintf(line, sizeof line, "X-BambooHR-Timestamp: %s", h->ts);
    headers = curl_slist_append(headers, line);
    (void)snprintf(line, sizeof line, "X-BambooHR-Signature: %s", sig);
    headers = curl_slist_append(headers, line);
    (void)curl_easy_setopt(c, CURLOPT_URL, h->url);
    (void)curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
    (void)curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    (void)curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    (void)curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)SEND_TIMEOUT_MS);
    (void)curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    (void)curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    (void)curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    (void)curl_easy_setopt(c, CURLOPT_USERAGENT, "ordo-sandbox (BambooHR webhook stand-in)");
    (void)curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    (void)curl_easy_setopt(c, CURLOPT_ERRORBUFFER, why);
    rc = curl_easy_perform(c);
    if (rc == CURLE_OK) {
        (void)curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    } else if (!why[0]) {
        (void)snprintf(why, CURL_ERROR_SIZE, "%s", curl_easy_strerror(rc));
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
    return status;
}

void ordo_sandbox_bamboohr_webhook(struct ordo_sandbox *sb, struct ordo_sandbox_req *req)
{
    struct hook h = {0};
    char why[CURL_ERROR_SIZE];
    const char *body, *sig;
    long status;

    if (!parse_request(req, &h)) {
        return;
    }
    if (sodium_init() < 0) {
        reply_error(req, 500, "libsodium could not be initialised");
        return;
    }
    ordo_sandbox_with_state(sb, build_payload, &h);
    if (!h.payload) {
        reply_error(req, 404, "no such employee in that company");
        return;
    }
    body = ordo_json_dump(req->arena, h.payload, JSON_COMPACT);
    json_decref(h.payload);
    sig = sign(req, &h, body, strlen(body));
    status = send_hook(&h, body, sig, why);
    ordo_log(ORDO_LOG_INFO, "sandbox", "bamboohr webhook sent", ORDO_STR("url", h.url),
             ORDO_STR("employee_id", h.employee_id), ORDO_INT("status", status));
    if (status == 0) {
        reply_error(req, 502,
                    ordo_arena_printf(req->arena, "the receiver could not be reached: %s", why));
        return;
    }
    ordo_sandbox_reply_json(
        req, 200,
        json_pack("{s:i, s:s, s:s}", "status", (int)status, "signature", sig, "timestamp", h.ts));
}
