/*
 * tests/unit/test_connector_schemas.c - the bundled connectors without a
 * network or a server.
 *
 *   text, adf, site, slack_errors, outcome: the pure helpers of
 *       integrations/common, jira/adf.c, jira/site.c and
 *       slack/slack_err.c;
 *   descriptors: every lib/ordo/connectors/<name>.so has a well-formed
 *       descriptor whose input, config and credential schemas load with
 *       Ordo's JSON Schema subset (base/schema.h), as the plugin host will
 *       require.
 * What the actions send and make of the answers is tested through the
 * real server, plugin host and .so files against the sandbox's stand-ins
 * (tests/integration/test_connectors.c), not against a scripted host here.
 */
#include <dlfcn.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "base/err.h"
#include "base/schema.h"
#include "integrations/common/conn.h"
#include "integrations/common/text.h"
#include "integrations/jira/adf.h"
#include "integrations/jira/site.h"
#include "integrations/slack/slack_err.h"
#include "ordo/connector.h"
#include "tests/unit/check_main.h"

#ifndef ORDOTEST_CONNECTOR_DIR
#error "ORDOTEST_CONNECTOR_DIR must name the build's lib/ordo/connectors"
#endif

static const char *const connector_names[] = {"noop", "http",   "slack",
                                              "jira", "github", "bamboohr"};

/* ---- text ---------------------------------------------------------------- */

static void assert_text(char *got, const char *want)
{
    ck_assert_ptr_nonnull(got);
    ck_assert_str_eq(got, want);
    free(got);
}

START_TEST(pct_encode_keeps_only_unreserved)
{
    assert_text(ordo_conn_pct_encode("a b/c?d=e&f"), "a%20b%2Fc%3Fd%3De%26f");
    assert_text(ordo_conn_pct_encode("AZaz09-._~"), "AZaz09-._~");
    assert_text(ordo_conn_pct_encode("é+%"), "%C3%A9%2B%25");
    assert_text(ordo_conn_pct_encode(""), "");
    assert_text(ordo_conn_pct_encode(NULL), "");
}
END_TEST

START_TEST(base64_matches_rfc4648)
{
    assert_text(ordo_conn_base64("", 0), "");
    assert_text(ordo_conn_base64("f", 1), "Zg==");
    assert_text(ordo_conn_base64("fo", 2), "Zm8=");
    assert_text(ordo_conn_base64("foo", 3), "Zm9v");
    assert_text(ordo_conn_base64("foob", 4), "Zm9vYg==");
    assert_text(ordo_conn_base64("fooba", 5), "Zm9vYmE=");
    assert_text(ordo_conn_base64("foobar", 6), "Zm9vYmFy");
    assert_text(ordo_conn_base64("\xff\xfe\x00", 3), "//4A");
}
END_TEST

START_TEST(basic_auth_encodes_user_and_password)
{
    assert_text(ordo_conn_basic_auth("Aladdin", "open sesame"),
                "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    assert_text(ordo_conn_basic_auth("key123", "x"), "Basic a2V5MTIzOng=");
    assert_text(ordo_conn_basic_auth(NULL, NULL), "Basic Og==");
}
END_TEST

START_TEST(url_join_puts_one_slash_between)
{
    assert_text(ordo_conn_url_join("https://slack.com/api", "chat.postMessage"),
                "https://slack.com/api/chat.postMessage");
    assert_text(ordo_conn_url_join("https://slack.com/api/", "/chat.postMessage"),
                "https://slack.com/api/chat.postMessage");
    assert_text(ordo_conn_url_join("http://x//", "//a/b?c=/d"), "http://x/a/b?c=/d");
    assert_text(ordo_conn_url_join("http://x/", ""), "http://x");
    assert_text(ordo_conn_url_join("http://x", NULL), "http://x");
}
END_TEST

START_TEST(link_next_finds_rel_next)
{
    const char *github = "<https://api.github.com/organizations/1/teams?per_page=100&page=2>; "
                         "rel=\"next\", <https://api.github.com/organizations/1/teams?page=5>; "
                         "rel=\"last\"";

    assert_text(ordo_conn_link_next(github),
                "https://api.github.com/organizations/1/teams?per_page=100&page=2");
    /* next need not come first, and rel may list several types. */
    assert_text(ordo_conn_link_next("<http://a/1>; rel=\"prev\", <http://a/3>; rel=\"next last\""),
                "http://a/3");
    assert_text(ordo_conn_link_next("<http://a/2>;rel=next"), "http://a/2");
    assert_text(ordo_conn_link_next("<http://a/2>; title=\"x, y\"; REL=\"Next\""), "http://a/2");
    ck_assert_ptr_null(
        ordo_conn_link_next("<http://a/1>; rel=\"prev\", <http://a/9>; rel=\"last\""));
    ck_assert_ptr_null(ordo_conn_link_next("<http://a/1>; rel=\"nextpage\""));
    ck_assert_ptr_null(ordo_conn_link_next(""));
    ck_assert_ptr_null(ordo_conn_link_next(NULL));
    ck_assert_ptr_null(ordo_conn_link_next("garbage <without end"));
}
END_TEST

static const char *error_text(const char *body)
{
    static char buf[256];

    (void)ordo_conn_error_text(body, strlen(body), buf, sizeof(buf));
    return buf;
}

START_TEST(error_text_reads_provider_shapes)
{
    ck_assert_str_eq(error_text("{\"errorMessages\":[\"Issue does not exist\"],\"errors\":{}}"),
                     "Issue does not exist");
    ck_assert_str_eq(
        error_text("{\"errorMessages\":[],\"errors\":{\"summary\":\"You must specify a summary\","
                   "\"project\":\"valid project is required\"}}"),
        "summary: You must specify a summary; project: valid project is required");
    ck_assert_str_eq(error_text("{\"message\":\"Validation Failed\",\"errors\":[{\"resource\":"
                                "\"Issue\",\"code\":\"missing_field\",\"field\":\"title\"}],"
                                "\"documentation_url\":\"https://docs.github.com\"}"),
                     "Validation Failed; title: missing_field");
    ck_assert_str_eq(error_text("{\"error\":\"invalid_grant\",\"error_description\":\"expired\"}"),
                     "invalid_grant; expired");
    ck_assert_str_eq(error_text("{\"error\":{\"message\":\"bad thing\"}}"), "bad thing");
    ck_assert_str_eq(error_text("{\"title\":\"Not Found\",\"status\":404}"), "Not Found");
    ck_assert_str_eq(error_text("  Bad request: no id\nsecond line"), "Bad request: no id");
    ck_assert_str_eq(error_text("<html><body>502</body></html>"), "");
    ck_assert_str_eq(error_text("{\"message\":\"tab\\there\"}"), "tab here");
}
END_TEST

START_TEST(error_text_is_cut_to_the_buffer)
{
    char buf[8];
    size_t n = ordo_conn_error_text("{\"message\":\"0123456789\"}", 24, buf, sizeof(buf));

    ck_assert_uint_eq(n, 7);
    ck_assert_str_eq(buf, "0123456");
    ck_assert_uint_eq(ordo_conn_error_text("x", 1, buf, 0), 0);
    ck_assert_uint_eq(ordo_conn_error_text(NULL, 0, buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(split_and_join_lists)
{
    json_t *l = ordo_conn_split_list(" U01, U02,,U03 ,  ");
    char *joined = ordo_conn_join_list(l, ",");

    ck_assert_uint_eq(json_array_size(l), 3);
    ck_assert_str_eq(joined, "U01,U02,U03");
    free(joined);
    json_decref(l);
    l = ordo_conn_split_list(NULL);
    ck_assert_uint_eq(json_array_size(l), 0);
    joined = ordo_conn_join_list(l, ", ");
    ck_assert_str_eq(joined, "");
    free(joined);
    json_decref(l);
    ck_assert(ordo_conn_contains_ci("Invitee is ALREADY a part", "already"));
    ck_assert(!ordo_conn_contains_ci("Validation failed", "already"));
    ck_assert(!ordo_conn_contains_ci(NULL, "x"));
}
END_TEST

/* ---- adf ----------------------------------------------------------------- */

static void assert_adf(const char *text, const char *content)
{
    json_t *doc = ordo_jira_adf(text);
    char *got = json_dumps(json_object_get(doc, "content"), JSON_COMPACT);

    ck_assert_str_eq(json_string_value(json_object_get(doc, "type")), "doc");
    ck_assert_int_eq(json_integer_value(json_object_get(doc, "version")), 1);
    ck_assert_str_eq(got, content);
    free(got);
    json_decref(doc);
}

#define P(...) "{\"type\":\"paragraph\",\"content\":[" __VA_ARGS__ "]}"
#define T(s)   "{\"type\":\"text\",\"text\":\"" s "\"}"
#define BR     "{\"type\":\"hardBreak\"}"
#define LI(s)  "{\"type\":\"listItem\",\"content\":[" P(T(s)) "]}"

START_TEST(adf_paragraphs_and_hard_breaks)
{
    assert_adf("", "[]");
    assert_adf(NULL, "[]");
    assert_adf("  \n\t\n", "[]");
    assert_adf("Hello", "[" P(T("Hello")) "]");
    assert_adf("Hello\r\nworld\n\n\nNext",
               "[" P(T("Hello") "," BR "," T("world")) "," P(T("Next")) "]");
    assert_adf("trailing\n", "[" P(T("trailing")) "]");
}
END_TEST

START_TEST(adf_lists_and_headings)
{
    assert_adf("- a\n* b", "[{\"type\":\"bulletList\",\"content\":[" LI("a") "," LI("b") "]}]");
    assert_adf("1. one\n2. two",
               "[{\"type\":\"orderedList\",\"content\":[" LI("one") "," LI("two") "]}]");
    assert_adf("## Title\n\nbody", "[{\"type\":\"heading\",\"attrs\":{\"level\":2},\"content\":[" T(
                                       "Title") "]}," P(T("body")) "]");
    /* A list marker on only some lines keeps the block a paragraph. */
    assert_adf("- a\nb", "[" P(T("- a") "," BR "," T("b")) "]");
    assert_adf("#nospace", "[" P(T("#nospace")) "]");
}
END_TEST

/* ---- site ---------------------------------------------------------------- */

static void assert_site(const char *site, const char *url)
{
    char *got = ordo_jira_site_url(site);

    ck_assert_str_eq(got, url);
    free(got);
}

START_TEST(jira_site_names_hosts_and_urls)
{
    assert_site("acme", "https://acme.atlassian.net");
    assert_site("jira.acme.io", "https://jira.acme.io");
    assert_site("http://127.0.0.1:8090/jira", "http://127.0.0.1:8090/jira");
}
END_TEST

/* ---- slack errors -------------------------------------------------------- */

static enum ordo_connector_result slack_outcome(const char *answer,
                                                struct ordo_connector_outcome *out)
{
    json_t *doc = json_loads(answer, 0, NULL);
    enum ordo_connector_result rc;

    memset(out, 0, sizeof(*out));
    rc = ordo_slack_error_outcome(doc, "post the Slack message", 1500, out);
    json_decref(doc);
    return rc;
}

START_TEST(slack_errors_are_classified)
{
    struct ordo_connector_outcome out;

    ck_assert_int_eq(ordo_slack_error_kind("invalid_auth"), ORDO_SLACK_ERR_AUTH);
    ck_assert_int_eq(ordo_slack_error_kind("token_revoked"), ORDO_SLACK_ERR_AUTH);
    ck_assert_int_eq(ordo_slack_error_kind("ratelimited"), ORDO_SLACK_ERR_RETRY);
    ck_assert_int_eq(ordo_slack_error_kind("internal_error"), ORDO_SLACK_ERR_RETRY);
    ck_assert_int_eq(ordo_slack_error_kind("channel_not_found"), ORDO_SLACK_ERR_FAIL);
    ck_assert_int_eq(ordo_slack_error_kind(NULL), ORDO_SLACK_ERR_FAIL);

    ck_assert_int_eq(slack_outcome("{\"ok\":false,\"error\":\"missing_scope\",\"needed\":"
                                   "\"chat:write\",\"provided\":\"users:read\"}",
                                   &out),
                     ORDO_CONNECTOR_FAIL);
    ck_assert_str_eq(out.message, "could not post the Slack message: authentication failed "
                                  "(Slack missing_scope, needs chat:write): check the credential");
    ck_assert_int_eq(slack_outcome("{\"ok\":false,\"error\":\"not_authed\"}", &out),
                     ORDO_CONNECTOR_FAIL);
    ck_assert_str_eq(out.message, "could not post the Slack message: authentication failed (Slack "
                                  "not_authed): check the credential");
    ck_assert_int_eq(slack_outcome("{\"ok\":false,\"error\":\"ratelimited\"}", &out),
                     ORDO_CONNECTOR_RETRY);
    ck_assert_int_eq(out.retry_after_ms, 1500);
    ck_assert_int_eq(slack_outcome("{\"ok\":false,\"error\":\"is_archived\"}", &out),
                     ORDO_CONNECTOR_FAIL);
    ck_assert_str_eq(out.message, "could not post the Slack message: Slack answered is_archived");
    ck_assert_int_eq(slack_outcome("{\"ok\":false}", &out), ORDO_CONNECTOR_FAIL);
}
END_TEST

/* ---- outcomes ------------------------------------------------------------ */

START_TEST(outcome_helpers_fill_the_outcome)
{
    struct ordo_connector_outcome out = {0};

    ck_assert_int_eq(ordo_conn_ok(&out, json_pack("{s:s, s:i}", "a", "é", "n", 3)),
                     ORDO_CONNECTOR_OK);
    ck_assert_str_eq(out.output, "{\"a\":\"é\",\"n\":3}");
    ck_assert_int_eq(ordo_conn_ok(&out, NULL), ORDO_CONNECTOR_OK);
    ck_assert_ptr_null(out.output);
    ck_assert_int_eq(ordo_conn_ok(&out, json_array()), ORDO_CONNECTOR_FAIL);
    ck_assert_int_eq(ordo_conn_retry(&out, 2000, "busy %d", 1), ORDO_CONNECTOR_RETRY);
    ck_assert_int_eq(out.retry_after_ms, 2000);
    ck_assert_str_eq(out.message, "busy 1");
    ck_assert_int_eq(ordo_conn_bpmn_error(&out, "jira_issue_not_found", "no %s", "OPS-1"),
                     ORDO_CONNECTOR_BPMN_ERROR);
    ck_assert_str_eq(out.error_code, "jira_issue_not_found");
    ck_assert_str_eq(out.message, "no OPS-1");
}
END_TEST

/* ---- descriptors --------------------------------------------------------- */

static void *open_connector(const char *name, const struct ordo_connector **c)
{
    char path[512];
    void *dl;

    (void)snprintf(path, sizeof(path), "%s/%s.so", ORDOTEST_CONNECTOR_DIR, name);
    dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    ck_assert_msg(dl != NULL, "dlopen %s: %s", path, dlerror());
    *c = dlsym(dl, ORDO_CONNECTOR_SYMBOL);
    ck_assert_msg(*c != NULL, "%s has no %s", path, ORDO_CONNECTOR_SYMBOL);
    return dl;
}

/* 'text' loads as a schema of the subset; 'what' names it in failures. */
static void assert_schema(const char *what, const char *text, unsigned flags)
{
    json_error_t jerr;
    json_t *doc = json_loads(text, 0, &jerr);
    struct ordo_schema *s = NULL;
    struct ordo_err err = {0};

    ck_assert_msg(doc != NULL, "%s: not JSON: %s", what, jerr.text);
    ck_assert_msg(ordo_schema_load_ex(doc, flags, &s, &err) == ORDO_OK, "%s: %s", what, err.msg);
    ordo_schema_free(s);
    json_decref(doc);
}

static void check_action(const struct ordo_connector *c, const struct ordo_connector_action *a,
                         const regex_t *id_re)
{
    char prefix[80];
    json_t *input;
    json_t *output;

    (void)snprintf(prefix, sizeof(prefix), "%s.", c->name);
    ck_assert_msg(regexec(id_re, a->id, 0, NULL, 0) == 0, "bad action id %s", a->id);
    ck_assert_msg(strncmp(a->id, prefix, strlen(prefix)) == 0, "%s outside %s", a->id, c->name);
    ck_assert_msg(a->title && *a->title && a->description && strlen(a->description) > 20,
                  "%s: title and description", a->id);
    ck_assert_msg(a->keywords && a->keywords[0], "%s: keywords", a->id);
    ck_assert_msg(a->invoke != NULL, "%s: no invoke", a->id);
    assert_schema(a->id, a->input_schema, ORDO_SCHEMA_OPAQUE);
    input = json_loads(a->input_schema, 0, NULL);
    output = json_loads(a->output_schema ? a->output_schema : "", 0, NULL);
    ck_assert_msg(json_is_object(output), "%s: output schema is not a JSON object", a->id);
    /* Inputs are closed, except the placeholder that takes anything. */
    ck_assert_msg(json_is_false(json_object_get(input, "additionalProperties")) ||
                      strcmp(a->id, "noop.complete") == 0,
                  "%s: additionalProperties must be false", a->id);
    json_decref(input);
    json_decref(output);
    for (size_t i = 0; a->bpmn_errors && a->bpmn_errors[i]; i++) {
        ck_assert_msg(*a->bpmn_errors[i] && strlen(a->bpmn_errors[i]) < ORDO_CONNECTOR_CODE_SIZE,
                      "%s: bpmn error code", a->id);
    }
}

START_TEST(descriptors_are_valid)
{
    const char *name = connector_names[_i];
    const struct ordo_connector *c;
    void *dl = open_connector(name, &c);
    regex_t id_re;

    ck_assert_int_eq(regcomp(&id_re, "^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*$", REG_EXTENDED), 0);
    ck_assert_uint_eq(c->magic, ORDO_CONNECTOR_MAGIC);
    ck_assert_uint_eq(c->abi, ORDO_CONNECTOR_ABI);
    ck_assert_uint_eq(c->size, sizeof(struct ordo_connector));
    ck_assert_uint_eq(c->action_size, sizeof(struct ordo_connector_action));
    ck_assert_str_eq(c->name, name);
    ck_assert_str_eq(c->version, "1.0.0");
    ck_assert_msg(c->title && c->description && c->keywords, "%s: title, description", name);
    ck_assert_uint_gt(c->nactions, 0);
    if (c->config_schema) {
        assert_schema("config", c->config_schema, 0);
    }
    if (c->credential_schema) {
        assert_schema("credential", c->credential_schema, 0);
    }
    for (size_t i = 0; i < c->nactions; i++) {
        check_action(c, &c->actions[i], &id_re);
    }
    regfree(&id_re);
    ck_assert_int_eq(dlclose(dl), 0);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("connectors");
    TCase *text = tcase_create("text");
    TCase *adf = tcase_create("adf");
    TCase *slack = tcase_create("slack_errors");
    TCase *desc = tcase_create("descriptors");
    TCase *site = tcase_create("site");

    tcase_add_test(text, pct_encode_keeps_only_unreserved);
    tcase_add_test(text, base64_matches_rfc4648);
    tcase_add_test(text, basic_auth_encodes_user_and_password);
    tcase_add_test(text, url_join_puts_one_slash_between);
    tcase_add_test(text, link_next_finds_rel_next);
    tcase_add_test(text, error_text_reads_provider_shapes);
    tcase_add_test(text, error_text_is_cut_to_the_buffer);
    tcase_add_test(text, split_and_join_lists);
    tcase_add_test(text, outcome_helpers_fill_the_outcome);
    tcase_add_test(adf, adf_paragraphs_and_hard_breaks);
    tcase_add_test(adf, adf_lists_and_headings);
    tcase_add_test(site, jira_site_names_hosts_and_urls);
    tcase_add_test(slack, slack_errors_are_classified);
    tcase_add_loop_test(desc, descriptors_are_valid, 0,
                        (int)(sizeof(connector_names) / sizeof(connector_names[0])));
    suite_add_tcase(s, text);
    suite_add_tcase(s, adf);
    suite_add_tcase(s, site);
    suite_add_tcase(s, slack);
    suite_add_tcase(s, desc);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
