/*
 * tests/unit/test_wh_standard: Standard Webhooks secrets, signing and
 * verification (webhooks/standard.h), against the specification's own
 * example and signatures computed here.
 */
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "base/crypto.h"
#include "base/err.h"
#include "tests/unit/check_main.h"
#include "webhooks/standard.h"

/* The example of the Standard Webhooks specification (and of its reference libraries). */
#define SPEC_SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define SPEC_ID     "msg_p5jXN8AQM9LWM0D4loKWxJek"
#define SPEC_TS     "1614265330"
#define SPEC_BODY   "{\"test\": 2432232314}"
#define SPEC_SIG    "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

static uint8_t key[ORDO_WHSEC_MAX];
static size_t keylen;

static void setup(void)
{
    struct ordo_err err;

    ck_assert_int_eq(ordo_crypto_init(&err), ORDO_OK);
    ck_assert(ordo_whsec_parse(SPEC_SECRET, key, &keylen));
}

static enum ordo_wh_verdict verify(const char *sigs, const char *body, int64_t now)
{
    return ordo_wh_verify(key, keylen, SPEC_ID, SPEC_TS, sigs, body, strlen(body), now,
                          ORDO_WH_TOLERANCE);
}

START_TEST(signs_the_specification_example)
{
    char sig[ORDO_WH_SIG_SIZE];

    ck_assert_uint_eq(keylen, 24);
    ordo_wh_sign(key, keylen, SPEC_ID, SPEC_TS, SPEC_BODY, strlen(SPEC_BODY), sig);
    ck_assert_str_eq(sig, SPEC_SIG);
    ck_assert_int_eq(verify(SPEC_SIG, SPEC_BODY, 1614265330), ORDO_WH_VALID);
}
END_TEST

START_TEST(refuses_tampering_staleness_and_missing_parts)
{
    const int64_t now = 1614265330;

    ck_assert_int_eq(verify(SPEC_SIG, "{\"test\": 2432232315}", now), ORDO_WH_BAD);
    ck_assert_int_eq(verify(SPEC_SIG, SPEC_BODY, now + ORDO_WH_TOLERANCE), ORDO_WH_VALID);
    ck_assert_int_eq(verify(SPEC_SIG, SPEC_BODY, now + ORDO_WH_TOLERANCE + 1), ORDO_WH_STALE);
    ck_assert_int_eq(verify(SPEC_SIG, SPEC_BODY, now - ORDO_WH_TOLERANCE - 1), ORDO_WH_STALE);
    ck_assert_int_eq(verify("", SPEC_BODY, now), ORDO_WH_MISSING);
    ck_assert_int_eq(ordo_wh_verify(key, keylen, "", SPEC_TS, SPEC_SIG, "", 0, now, 300),
                     ORDO_WH_MISSING);
    ck_assert_int_eq(ordo_wh_verify(key, keylen, SPEC_ID, "16x", SPEC_SIG, SPEC_BODY,
                                    strlen(SPEC_BODY), now, 300),
                     ORDO_WH_STALE);
    /* Another scheme's prefix, a cut signature, garbage: none matches. */
    ck_assert_int_eq(verify("v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", SPEC_BODY, now),
                     ORDO_WH_BAD);
    ck_assert_int_eq(verify("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1O==", SPEC_BODY, now),
                     ORDO_WH_BAD);
    ck_assert_int_eq(verify("v1,!!!", SPEC_BODY, now), ORDO_WH_BAD);
}
END_TEST

START_TEST(any_signature_of_a_rotation_list_is_enough)
{
    char list[256];

    (void)snprintf(list, sizeof list, "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=  %s v1a,xyz",
                   SPEC_SIG);
    ck_assert_int_eq(verify(list, SPEC_BODY, 1614265330), ORDO_WH_VALID);
}
END_TEST

START_TEST(new_secrets_are_random_and_parse_back)
{
    char a[ORDO_WHSEC_TEXT], b[ORDO_WHSEC_TEXT];
    uint8_t k[ORDO_WHSEC_MAX];
    size_t n = 0;

    ordo_whsec_new(a);
    ordo_whsec_new(b);
    ck_assert_int_eq(strncmp(a, "whsec_", 6), 0);
    ck_assert_str_ne(a, b);
    ck_assert(ordo_whsec_parse(a, k, &n));
    ck_assert_uint_eq(n, ORDO_WHSEC_NEW);
    ck_assert(!ordo_whsec_parse("whsec_c2hvcnQ=", k, &n)); /* 5 bytes: too short */
    ck_assert(!ordo_whsec_parse("whsec_not base64", k, &n));
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("wh_standard");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, signs_the_specification_example);
    tcase_add_test(tc, refuses_tampering_staleness_and_missing_parts);
    tcase_add_test(tc, any_signature_of_a_rotation_list_is_enough);
    tcase_add_test(tc, new_secrets_are_random_and_parse_back);
    suite_add_tcase(s, tc);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
