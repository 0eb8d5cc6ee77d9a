/*
 * tests/unit/test_wh_verify: inbound signature schemes (webhooks/verify.h)
 * with real signatures computed here: valid, wrong secret, tampered body,
 * stale timestamp, missing header, delivery ids, rotation, bodies.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <check.h>

#include "base/crypto.h"
#include "base/err.h"
#include "tests/unit/check_main.h"
#include "webhooks/standard.h"
#include "webhooks/verify.h"

#define NOW    1764066600
#define NOW_S  "1764066600"
#define SECRET "s3cret-key"
#define BODY   "{\"employees\":[{\"id\":\"102\"}]}"

struct hdrs {
    const char *names[8];
    const char *values[8];
    size_t n;
};

static const char *lookup(void *ctx, const char *name)
{
    const struct hdrs *h = ctx;

    for (size_t i = 0; i < h->n; i++) {
        if (strcasecmp(h->names[i], name) == 0) {
            return h->values[i];
        }
    }
    return NULL;
}

static void add(struct hdrs *h, const char *name, const char *value)
{
    h->names[h->n] = name;
    h->values[h->n++] = value;
}

/* Lower-case hex HMAC of a‖b under 'key', with 'prefix' before it. */
static void sign_hex(const char *key, const char *prefix, const char *a, const char *b, char *out,
                     size_t size)
{
    char msg[4096];
    uint8_t mac[ORDO_HMAC_SHA256_SIZE];
    char hex[2 * ORDO_HMAC_SHA256_SIZE + 1];

    (void)snprintf(msg, sizeof msg, "%s%s", a, b);
    ordo_hmac_sha256(key, strlen(key), msg, strlen(msg), mac);
    ordo_hex(mac, sizeof mac, hex);
    (void)snprintf(out, size, "%s%s", prefix, hex);
}

static void sign_b64(const char *key, const char *a, const char *b, char *out)
{
    char msg[4096];
    uint8_t mac[ORDO_HMAC_SHA256_SIZE];

    (void)snprintf(msg, sizeof msg, "%s%s", a, b);
    ordo_hmac_sha256(key, strlen(key), msg, strlen(msg), mac);
    ordo_base64(mac, sizeof mac, out);
}

static const char *const one_secret[] = {SECRET};

static enum ordo_hook_verdict run(enum ordo_hook_scheme scheme, struct hdrs *h, const char *body,
                                  const char *const *secrets, size_t nsecrets,
                                  struct ordo_hook_verified *out)
{
    struct ordo_hook_input in = {.scheme = scheme,
                                 .secrets = secrets,
                                 .nsecrets = nsecrets,
                                 .header = lookup,
                                 .header_ctx = h,
                                 .body = (const uint8_t *)body,
                                 .len = strlen(body),
                                 .now = NOW};

    ordo_hook_verify(&in, out);
    return out->verdict;
}

static enum ordo_hook_verdict run1(enum ordo_hook_scheme scheme, struct hdrs *h, const char *body,
                                   struct ordo_hook_verified *out)
{
    return run(scheme, h, body, one_secret, 1, out);
}

static void setup(void)
{
    struct ordo_err err;

    ck_assert_int_eq(ordo_crypto_init(&err), ORDO_OK);
}

START_TEST(github_valid_wrong_secret_tampered_missing)
{
    char sig[128];
    struct hdrs h = {0};
    struct ordo_hook_verified v;
    static const char *const wrong[] = {"other"};

    sign_hex(SECRET, "sha256=", BODY, "", sig, sizeof sig);
    add(&h, "X-Hub-Signature-256", sig);
    add(&h, "X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958");
    ck_assert_int_eq(run1(ORDO_HOOK_GITHUB, &h, BODY, &v), ORDO_HOOK_VALID);
    ck_assert_str_eq(v.delivery_id, "72d3162e-cc78-11e3-81ab-4c9367dc0958");
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(v.body, "employees"), 0), "id")),
                     "102");
    json_decref(v.body);
    ck_assert_int_eq(run(ORDO_HOOK_GITHUB, &h, BODY, wrong, 1, &v), ORDO_HOOK_BAD);
    ck_assert_int_eq(run(ORDO_HOOK_GITHUB, &h, BODY, NULL, 0, &v), ORDO_HOOK_BAD); /* no secret */
    ck_assert_int_eq(run1(ORDO_HOOK_GITHUB, &h, "{\"employees\":[{\"id\":\"103\"}]}", &v),
                     ORDO_HOOK_BAD);
    ck_assert_ptr_null(v.body);
    h.n = 0;
    add(&h, "X-GitHub-Delivery", "x");
    ck_assert_int_eq(run1(ORDO_HOOK_GITHUB, &h, BODY, &v), ORDO_HOOK_MISSING);
    /* Signed, but without the delivery header: the sender's mistake (400). */
    h.n = 0;
    add(&h, "X-Hub-Signature-256", sig);
    ck_assert_int_eq(run1(ORDO_HOOK_GITHUB, &h, BODY, &v), ORDO_HOOK_MALFORMED);
    /* Signed, but not JSON. */
    sign_hex(SECRET, "sha256=", "not json", "", sig, sizeof sig);
    add(&h, "X-GitHub-Delivery", "d2");
    ck_assert_int_eq(run1(ORDO_HOOK_GITHUB, &h, "not json", &v), ORDO_HOOK_MALFORMED);
}
END_TEST

START_TEST(jira_uses_its_own_headers)
{
    char sig[128];
    struct hdrs h = {0};
    struct ordo_hook_verified v;

    sign_hex(SECRET, "sha256=", BODY, "", sig, sizeof sig);
    add(&h, "X-Hub-Signature", sig);
    add(&h, "X-Atlassian-Webhook-Identifier", "jira-42");
    ck_assert_int_eq(run1(ORDO_HOOK_JIRA, &h, BODY, &v), ORDO_HOOK_VALID);
    ck_assert_str_eq(v.delivery_id, "jira-42");
    json_decref(v.body);
    ck_assert_int_eq(run1(ORDO_HOOK_JIRA, &h, BODY "x", &v), ORDO_HOOK_BAD);
    h.values[0] = sig + 7; /* without "sha256=" */
    ck_assert_int_eq(run1(ORDO_HOOK_JIRA, &h, BODY, &v), ORDO_HOOK_BAD);
    h.names[0] = "X-Hub-Signature-256"; /* GitHub's header is not Jira's */
    ck_assert_int_eq(run1(ORDO_HOOK_JIRA, &h, BODY, &v), ORDO_HOOK_MISSING);
}
END_TEST

START_TEST(slack_events_window_and_url_verification)
{
    char sig[128], base[4096];
    struct hdrs h = {0};
    struct ordo_hook_verified v;
    const char *ev = "{\"type\":\"event_callback\",\"event_id\":\"Ev123\"}";
    const char *uv = "{\"type\":\"url_verification\",\"challenge\":\"abc123\"}";

    (void)snprintf(base, sizeof base, "v0:%s:", NOW_S);
    sign_hex(SECRET, "v0=", base, ev, sig, sizeof sig);
    add(&h, "X-Slack-Signature", sig);
    add(&h, "X-Slack-Request-Timestamp", NOW_S);
    ck_assert_int_eq(run1(ORDO_HOOK_SLACK, &h, ev, &v), ORDO_HOOK_VALID);
    ck_assert_str_eq(v.delivery_id, "Ev123");
    ck_assert_ptr_null(v.challenge);
    json_decref(v.body);
    ck_assert_int_eq(run1(ORDO_HOOK_SLACK, &h, uv, &v), ORDO_HOOK_BAD); /* signature is ev's */
    sign_hex(SECRET, "v0=", base, uv, sig, sizeof sig);
    ck_assert_int_eq(run1(ORDO_HOOK_SLACK, &h, uv, &v), ORDO_HOOK_VALID);
    ck_assert_str_eq(v.challenge, "abc123");
    json_decref(v.body);
    /* Stale: the same signature over an old timestamp. */
    (void)snprintf(base, sizeof base, "v0:%d:", NOW - 301);
    sign_hex(SECRET, "v0=", base, ev, sig, sizeof sig);
    h.values[1] = "1764066299";
    ck_assert_int_eq(run1(ORDO_HOOK_SLACK, &h, ev, &v), ORDO_HOOK_STALE);
    h.values[1] = "1764066300"; /* 300 s: still inside */
    (void)snprintf(base, sizeof base, "v0:%s:", "1764066300");
    sign_hex(SECRET, "v0=", base, ev, sig, sizeof sig);
    ck_assert_int_eq(run1(ORDO_HOOK_SLACK, &h, ev, &v), ORDO_HOOK_VALID);
    json_decref(v.body);
    h.n = 1;
    ck_assert_int_eq(run1(ORDO_HOOK_SLACK, &h, ev, &v), ORDO_HOOK_MISSING);
}
END_TEST

START_TEST(slack_interactivity_form_ids)
{
    char sig[128], base[64];
    struct hdrs h = {0};
    struct ordo_hook_verified v;
    /* payload={"type":"block_actions","trigger_id":"T1","actions":[{"action_ts":"99.1"}]} */
    const char *form = "payload=%7B%22type%22%3A%22block_actions%22%2C%22trigger_id%22%3A%22T1%22"
                       "%2C%22actions%22%3A%5B%7B%22action_ts%22%3A%2299.1%22%7D%5D%7D";
    const char *no_actions = "payload=%7B%22type%22%3A%22x%22%7D";

    (void)snprintf(base, sizeof base, "v0:%s:", NOW_S);
    sign_hex(SECRET, "v0=", base, form, sig, sizeof sig);
    add(&h, "X-Slack-Signature", sig);
    add(&h, "X-Slack-Request-Timestamp", NOW_S);
    add(&h, "Content-Type", "application/x-www-form-urlencoded");
    ck_assert_int_eq(run1(ORDO_HOOK_SLACK, &h, form, &v), ORDO_HOOK_VALID);
    ck_assert_str_eq(v.delivery_id, "T1:99.1");
    ck_assert_str_eq(
        json_string_value(json_object_get(json_object_get(v.body, "payload"), "trigger_id")), "T1");
    json_decref(v.body);
    /* No trigger/action: the body's hash. */
    sign_hex(SECRET, "v0=", base, no_actions, sig, sizeof sig);
    ck_assert_int_eq(run1(ORDO_HOOK_SLACK, &h, no_actions, &v), ORDO_HOOK_VALID);
    ck_assert_uint_eq(strlen(v.delivery_id), 64);
    json_decref(v.body);
    /* A form without a JSON payload is not Slack's. */
    sign_hex(SECRET, "v0=", base, "text=hello", sig, sizeof sig);
    ck_assert_int_eq(run1(ORDO_HOOK_SLACK, &h, "text=hello", &v), ORDO_HOOK_MALFORMED);
}
END_TEST

START_TEST(bamboohr_orders_encodings_and_window)
{
    char sig[128];
    struct hdrs h = {0};
    struct ordo_hook_verified v;
    char want_id[ORDO_SHA256_HEX_SIZE], cat[256];

    add(&h, "X-BambooHR-Timestamp", NOW_S);
    add(&h, "X-BambooHR-Signature", sig);
    sign_hex(SECRET, "", BODY, NOW_S, sig, sizeof sig); /* body‖ts, hex */
    ck_assert_int_eq(run1(ORDO_HOOK_BAMBOOHR, &h, BODY, &v), ORDO_HOOK_VALID);
    (void)snprintf(cat, sizeof cat, "%s%s", NOW_S, BODY);
    ordo_sha256_hex(cat, strlen(cat), want_id);
    ck_assert_str_eq(v.delivery_id, want_id);
    json_decref(v.body);
    sign_hex(SECRET, "", NOW_S, BODY, sig, sizeof sig); /* ts‖body, hex */
    ck_assert_int_eq(run1(ORDO_HOOK_BAMBOOHR, &h, BODY, &v), ORDO_HOOK_VALID);
    json_decref(v.body);
    sign_b64(SECRET, BODY, NOW_S, sig); /* body‖ts, base64 */
    ck_assert_int_eq(run1(ORDO_HOOK_BAMBOOHR, &h, BODY, &v), ORDO_HOOK_VALID);
    json_decref(v.body);
    ck_assert_int_eq(run1(ORDO_HOOK_BAMBOOHR, &h, "{\"employees\":[]}", &v), ORDO_HOOK_BAD);
    h.values[0] = "1764066000"; /* ten minutes old, signed for it */
    sign_hex(SECRET, "", BODY, "1764066000", sig, sizeof sig);
    ck_assert_int_eq(run1(ORDO_HOOK_BAMBOOHR, &h, BODY, &v), ORDO_HOOK_STALE);
    h.values[0] = "17640666xx";
    ck_assert_int_eq(run1(ORDO_HOOK_BAMBOOHR, &h, BODY, &v), ORDO_HOOK_STALE);
    h.n = 1;
    ck_assert_int_eq(run1(ORDO_HOOK_BAMBOOHR, &h, BODY, &v), ORDO_HOOK_MISSING);
}
END_TEST

START_TEST(standard_webhooks_by_whsec)
{
    char secret[ORDO_WHSEC_TEXT], sig[ORDO_WH_SIG_SIZE];
    uint8_t key[ORDO_WHSEC_MAX];
    size_t keylen = 0;
    struct hdrs h = {0};
    struct ordo_hook_verified v;
    const char *secrets[1] = {secret};

    ordo_whsec_new(secret);
    ck_assert(ordo_whsec_parse(secret, key, &keylen));
    ordo_wh_sign(key, keylen, "msg_1", NOW_S, BODY, strlen(BODY), sig);
    add(&h, "webhook-id", "msg_1");
    add(&h, "webhook-timestamp", NOW_S);
    add(&h, "webhook-signature", sig);
    ck_assert_int_eq(run(ORDO_HOOK_STANDARD, &h, BODY, secrets, 1, &v), ORDO_HOOK_VALID);
    ck_assert_str_eq(v.delivery_id, "msg_1");
    json_decref(v.body);
    ck_assert_int_eq(run1(ORDO_HOOK_STANDARD, &h, BODY, &v), ORDO_HOOK_BAD); /* not a whsec */
    h.values[1] = "1764060000";
    ck_assert_int_eq(run(ORDO_HOOK_STANDARD, &h, BODY, secrets, 1, &v), ORDO_HOOK_STALE);
    h.n = 2;
    ck_assert_int_eq(run(ORDO_HOOK_STANDARD, &h, BODY, secrets, 1, &v), ORDO_HOOK_MISSING);
}
END_TEST

START_TEST(generic_hmac_options)
{
    struct ordo_hook_options o;
    struct ordo_err err = {0};
    char sig[128];
    struct hdrs h = {0};
    struct ordo_hook_verified v;
    struct ordo_hook_input in = {.scheme = ORDO_HOOK_HMAC,
                                 .options = &o,
                                 .secrets = one_secret,
                                 .nsecrets = 1,
                                 .header = lookup,
                                 .header_ctx = &h,
                                 .body = (const uint8_t *)BODY,
                                 .len = strlen(BODY),
                                 .now = NOW};
    char hex[ORDO_SHA256_HEX_SIZE];

    ck_assert_int_eq(ordo_hook_options_parse(NULL, &o, &err), ORDO_OK);
    sign_hex(SECRET, "", BODY, "", sig, sizeof sig);
    add(&h, "X-Signature", sig);
    ordo_hook_verify(&in, &v);
    ck_assert_int_eq(v.verdict, ORDO_HOOK_VALID);
    ordo_sha256_hex(BODY, strlen(BODY), hex);
    ck_assert_str_eq(v.delivery_id, hex); /* no delivery header: the body's hash */
    json_decref(v.body);

    ck_assert_int_eq(
        ordo_hook_options_parse("{\"header\":\"X-Sig\",\"prefix\":\"sha256=\","
                                "\"encoding\":\"base64\",\"delivery_header\":\"X-Id\"}",
                                &o, &err),
        ORDO_OK);
    h.n = 0;
    (void)snprintf(sig, sizeof sig, "sha256=");
    sign_b64(SECRET, BODY, "", sig + 7);
    add(&h, "X-Sig", sig);
    add(&h, "X-Id", "d-1");
    ordo_hook_verify(&in, &v);
    ck_assert_int_eq(v.verdict, ORDO_HOOK_VALID);
    ck_assert_str_eq(v.delivery_id, "d-1");
    json_decref(v.body);
    h.values[0] = sig + 7; /* the prefix is required */
    ordo_hook_verify(&in, &v);
    ck_assert_int_eq(v.verdict, ORDO_HOOK_BAD);

    ck_assert_int_eq(ordo_hook_options_parse("{\"encoding\":\"b32\"}", &o, &err),
                     ORDO_E_UNPROCESSABLE);
    ck_assert_int_eq(ordo_hook_options_parse("{\"colour\":1}", &o, &err), ORDO_E_UNPROCESSABLE);
    ck_assert_int_eq(ordo_hook_options_parse("{\"header\":\"a b\"}", &o, &err),
                     ORDO_E_UNPROCESSABLE);
    ck_assert_int_eq(ordo_hook_options_parse("[]", &o, &err), ORDO_E_UNPROCESSABLE);
}
END_TEST

START_TEST(rotation_accepts_the_previous_secret)
{
    char sig[128];
    struct hdrs h = {0};
    struct ordo_hook_verified v;
    static const char *const two[] = {"new-secret", SECRET};
    static const char *const others[] = {"new-secret", "older"};

    sign_hex(SECRET, "sha256=", BODY, "", sig, sizeof sig);
    add(&h, "X-Hub-Signature-256", sig);
    add(&h, "X-GitHub-Delivery", "d");
    ck_assert_int_eq(run(ORDO_HOOK_GITHUB, &h, BODY, two, 2, &v), ORDO_HOOK_VALID);
    json_decref(v.body);
    ck_assert_int_eq(run(ORDO_HOOK_GITHUB, &h, BODY, others, 2, &v), ORDO_HOOK_BAD);
}
END_TEST

START_TEST(unsigned_takes_the_idempotency_key)
{
    struct hdrs h = {0};
    struct ordo_hook_verified v;

    ck_assert_int_eq(run(ORDO_HOOK_UNSIGNED, &h, BODY, NULL, 0, &v), ORDO_HOOK_VALID);
    ck_assert_str_eq(v.delivery_id, ""); /* a fresh one: no dedupe */
    json_decref(v.body);
    add(&h, "Idempotency-Key", "k-1");
    ck_assert_int_eq(run(ORDO_HOOK_UNSIGNED, &h, BODY, NULL, 0, &v), ORDO_HOOK_VALID);
    ck_assert_str_eq(v.delivery_id, "k-1");
    json_decref(v.body);
}
END_TEST

START_TEST(bodies_json_and_forms)
{
    const char *form = "a=1&b=x+y%21&payload=%7B%22k%22%3A2%7D";
    json_t *j = ordo_hook_parse_body(ORDO_HOOK_HMAC, "application/x-www-form-urlencoded",
                                     (const uint8_t *)form, strlen(form));

    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(json_string_value(json_object_get(j, "b")), "x y!");
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j, "payload"), "k")), 2);
    json_decref(j);
    ck_assert_ptr_null(ordo_hook_parse_body(ORDO_HOOK_HMAC, "application/x-www-form-urlencoded",
                                            (const uint8_t *)"a=%2", 4));
    ck_assert_ptr_null(ordo_hook_parse_body(ORDO_HOOK_HMAC, "application/x-www-form-urlencoded",
                                            (const uint8_t *)"a=%00", 5));
    ck_assert_ptr_null(
        ordo_hook_parse_body(ORDO_HOOK_GITHUB, "application/json", (const uint8_t *)"{\"a\":", 5));
    ck_assert(ordo_hook_scheme_parse("bamboohr", &(enum ordo_hook_scheme){0}));
    ck_assert(!ordo_hook_scheme_parse("stripe", &(enum ordo_hook_scheme){0}));
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("wh_verify");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, github_valid_wrong_secret_tampered_missing);
    tcase_add_test(tc, jira_uses_its_own_headers);
    tcase_add_test(tc, slack_events_window_and_url_verification);
    tcase_add_test(tc, slack_interactivity_form_ids);
    tcase_add_test(tc, bamboohr_orders_encodings_and_window);
    tcase_add_test(tc, standard_webhooks_by_whsec);
    tcase_add_test(tc, generic_hmac_options);
    tcase_add_test(tc, rotation_accepts_the_previous_secret);
    tcase_add_test(tc, unsigned_takes_the_idempotency_key);
    tcase_add_test(tc, bodies_json_and_forms);
    suite_add_tcase(s, tc);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
