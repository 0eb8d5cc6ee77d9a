/*
 * tests/unit/test_wh_approval.c - reading a Slack interactivity body (webhooks/approval.h).
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "tests/unit/check_main.h"
#include "webhooks/approval.h"

static struct ordo_arena *arena;
static struct ordo_approval_click click;
static struct ordo_err err;

static void setup(void)
{
    arena = ordo_arena_new();
    memset(&err, 0, sizeof err);
}

static void teardown(void)
{
    ordo_arena_free(arena);
}

static enum ordo_code parse(const char *body)
{
    return ordo_approval_parse((const uint8_t *)body, strlen(body), arena, &click, &err);
}

/* {"type":"block_actions","user":{"id":"U1","username":"ann b"},"channel":{"id":"C1"},
 *  "container":{"message_ts":"17.5"},"actions":[{"block_id":"ordo_approval",
 *  "action_id":"approve","value":"tok+/="}]} as Slack sends it: form-encoded, spaces as '+'. */
#define CLICK                                                                                      \
    "token=legacy&payload=%7B%22type%22%3A%22block_actions%22%2C%22user%22%3A%7B%22id%22%3A%22U1%" \
    "22%2C%22username%22%3A%22ann+b%22%7D%2C%22channel%22%3A%7B%22id%22%3A%22C1%22%7D%2C%22conta"  \
    "iner%22%3A%7B%22message_ts%22%3A%2217.5%22%7D%2C%22actions%22%3A%5B%7B%22block_id%22%3A%22o"  \
    "rdo_approval%22%2C%22action_id%22%3A%22approve%22%2C%22value%22%3A%22tok%2B%2F%3D%22%7D%5D%"  \
    "7D"

START_TEST(click_is_read_from_the_form_payload)
{
    ck_assert_int_eq(parse(CLICK), ORDO_OK);
    ck_assert_str_eq(click.type, "block_actions");
    ck_assert_str_eq(click.action_id, "approve");
    ck_assert_str_eq(click.token, "tok+/=");
    ck_assert_str_eq(click.user_id, "U1");
    ck_assert_str_eq(click.user_name, "ann b");
    ck_assert_str_eq(click.channel, "C1");
    ck_assert_str_eq(click.message_ts, "17.5");
}
END_TEST

START_TEST(message_ts_falls_back_to_the_message)
{
    ck_assert_int_eq(parse("payload=%7B%22type%22%3A%22block_actions%22%2C%22user%22%3A%7B%22id%"
                           "22%3A%22U1%22%7D%2C%22channel%22%3A%7B%22id%22%3A%22C1%22%7D%2C%22mes"
                           "sage%22%3A%7B%22ts%22%3A%229.1%22%7D%2C%22actions%22%3A%5B%7B%22block"
                           "_id%22%3A%22ordo_approval%22%2C%22action_id%22%3A%22reject%22%2C%22va"
                           "lue%22%3A%22t%22%7D%5D%7D"),
                     ORDO_OK);
    ck_assert_str_eq(click.message_ts, "9.1");
    ck_assert_str_eq(click.action_id, "reject");
}
END_TEST

START_TEST(malformed_bodies_are_inval)
{
    ck_assert_int_eq(parse(""), ORDO_E_INVAL);
    ck_assert_int_eq(parse("type=block_actions"), ORDO_E_INVAL);
    ck_assert_int_eq(parse("payload=%7"), ORDO_E_INVAL);
    ck_assert_int_eq(parse("payload=%5B%5D"), ORDO_E_INVAL); /* [] */
    ck_assert_int_eq(parse("payload=nope"), ORDO_E_INVAL);
}
END_TEST

START_TEST(other_payloads_are_not_clicks)
{
    /* {"type":"view_submission"} */
    ck_assert_int_eq(parse("payload=%7B%22type%22%3A%22view_submission%22%7D"),
                     ORDO_E_UNPROCESSABLE);
    /* a block_actions of another block: {"type":"block_actions","actions":[{"block_id":"x",
     * "action_id":"approve","value":"t"}],"user":{"id":"U1"},"channel":{"id":"C1"}} */
    ck_assert_int_eq(parse("payload=%7B%22type%22%3A%22block_actions%22%2C%22actions%22%3A%5B%7B%"
                           "22block_id%22%3A%22x%22%2C%22action_id%22%3A%22approve%22%2C%22value%"
                           "22%3A%22t%22%7D%5D%2C%22user%22%3A%7B%22id%22%3A%22U1%22%7D%2C%22chann"
                           "el%22%3A%7B%22id%22%3A%22C1%22%7D%7D"),
                     ORDO_E_UNPROCESSABLE);
    /* our block, but no token: {"type":"block_actions","actions":[{"block_id":"ordo_approval",
     * "action_id":"approve"}],"user":{"id":"U1"},"channel":{"id":"C1"}} */
    ck_assert_int_eq(parse("payload=%7B%22type%22%3A%22block_actions%22%2C%22actions%22%3A%5B%7B%"
                           "22block_id%22%3A%22ordo_approval%22%2C%22action_id%22%3A%22approve%22"
                           "%7D%5D%2C%22user%22%3A%7B%22id%22%3A%22U1%22%7D%2C%22channel%22%3A%7B"
                           "%22id%22%3A%22C1%22%7D%7D"),
                     ORDO_E_UNPROCESSABLE);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("wh_approval");
    TCase *tc = tcase_create("parse");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, click_is_read_from_the_form_payload);
    tcase_add_test(tc, message_ts_falls_back_to_the_message);
    tcase_add_test(tc, malformed_bodies_are_inval);
    tcase_add_test(tc, other_payloads_are_not_clicks);
    suite_add_tcase(s, tc);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
