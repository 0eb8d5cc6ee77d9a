/*
 * tests/unit/test_connector_schemas.c - the bundled connectors without a
 * network or a server.
 *
 *   text, adf, slack_errors, outcome: the pure helpers of
 *       integrations/common, jira/adf.c and slack/slack_err.c;
 *   descriptors: every lib/ordo/connectors/<name>.so has a well-formed
 *       descriptor whose input, config and credential schemas load with
 *       Ordo's JSON Schema subset (base/schema.h), as the plugin host will
 *       require;
 *   calls: actions run against a scripted host: each 'http' call answers
 *       the next scripted response and records the request, so a test
 *       checks both what a connector sends and what it makes of answers.
 * The integration tests against the sandbox fakes come with the host.
 */
#include <dlfcn.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <check.h>
#include <jansson.h>

#include "base/err.h"
#include "base/schema.h"
#include "integrations/common/conn.h"
#include "integrations/common/text.h"
#include "integrations/jira/adf.h"
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

/* ---- calls against a scripted host --------------------------------------- */

struct ordo_connector_host_ctx {
    int unused;
};

#define MAX_STEPS 8

struct step {
    long status;
    const char *body;
    const char *headers; /* "name: value\n..." of the answer */
};

struct sent {
    char method[8];
    char url[512];
    char headers[1024]; /* "Name: value\n" each */
    char body[2048];
};

static struct {
    struct step steps[MAX_STEPS];
    size_t nsteps;
    size_t next;
    struct sent sent[MAX_STEPS];
    const struct step *last;
} fake;

static enum ordo_connector_result fake_http(struct ordo_connector_host_ctx *ctx,
                                            const struct ordo_connector_http_request *req,
                                            struct ordo_connector_http_response *resp,
                                            struct ordo_connector_outcome *out)
{
    struct sent *s;
    const struct step *st;
    size_t n = 0;

    (void)ctx;
    ck_assert_msg(fake.next < fake.nsteps, "unexpected request %s %s", req->method, req->url);
    s = &fake.sent[fake.next];
    st = &fake.steps[fake.next++];
    (void)snprintf(s->method, sizeof(s->method), "%s", req->method);
    (void)snprintf(s->url, sizeof(s->url), "%s", req->url);
    for (size_t i = 0; i < req->nheaders && n < sizeof(s->headers); i++) {
        int w = snprintf(s->headers + n, sizeof(s->headers) - n, "%s: %s\n", req->headers[i].name,
                         req->headers[i].value);

        n += w > 0 ? (size_t)w : 0;
    }
    (void)snprintf(s->body, sizeof(s->body), "%.*s", (int)req->body_len,
                   req->body ? req->body : "");
    if (st->status == 0) { /* the host's own RETRY, as for a 429 */
        (void)snprintf(out->message, sizeof(out->message), "throttled");
        out->retry_after_ms = 30000;
        return ORDO_CONNECTOR_RETRY;
    }
    fake.last = st;
    resp->status = st->status;
    resp->body = st->body;
    resp->body_len = strlen(st->body);
    return ORDO_CONNECTOR_OK;
}

static const char *fake_header(struct ordo_connector_host_ctx *ctx, const char *name)
{
    static char value[512];
    const char *p = fake.last ? fake.last->headers : NULL;
    size_t n = strlen(name);

    (void)ctx;
    while (p && *p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);

        if (len > n + 1 && strncasecmp(p, name, n) == 0 && p[n] == ':') {
            (void)snprintf(value, sizeof(value), "%.*s", (int)(len - n - 2), p + n + 2);
            return value;
        }
        p = eol ? eol + 1 : p + len;
    }
    return NULL;
}

static void fake_log(struct ordo_connector_host_ctx *ctx, int level, const char *message)
{
    (void)ctx;
    (void)level;
    (void)message;
}

static const struct ordo_connector_host fake_host = {
    .size = sizeof(struct ordo_connector_host),
    .abi = ORDO_CONNECTOR_ABI,
    .http = fake_http,
    .http_header = fake_header,
    .log = fake_log,
};

static void script(long status, const char *body, const char *headers)
{
    ck_assert_uint_lt(fake.nsteps, MAX_STEPS);
    fake.steps[fake.nsteps++] = (struct step){status, body, headers ? headers : ""};
}

struct run {
    enum ordo_connector_result rc;
    struct ordo_connector_outcome out;
    json_t *output; /* parsed out.output, or NULL */
};

static void run_free(struct run *r)
{
    free(r->out.output);
    json_decref(r->output);
}

/* Invoke 'action' (or test_credentials when it is "") of connector 'name'
 * with the scripted answers, as attempt 'attempt' of job 4711. */
static struct run call(const char *name, const char *action, const char *input, const char *config,
                       const char *secret, uint32_t attempt)
{
    static struct ordo_connector_host_ctx ctx;
    const struct ordo_connector *c;
    void *dl = open_connector(name, &c);
    struct ordo_connector_call cl = {.size = sizeof(cl),
                                     .action = action,
                                     .input = input,
                                     .credential_name = "test",
                                     .config = config,
                                     .secret = secret,
                                     .idempotency_key = "4711",
                                     .attempt = attempt,
                                     .deadline_ms = 0,
                                     .host = &ctx};
    ordo_connector_invoke_fn *fn = c->test_credentials;
    struct run r = {0};
    char error[256] = "";

    if (c->init) {
        ck_assert_int_eq(c->init(&fake_host, &cl.state, error, sizeof(error)), 0);
    }
    for (size_t i = 0; i < c->nactions; i++) {
        if (strcmp(c->actions[i].id, action) == 0) {
            fn = c->actions[i].invoke;
        }
    }
    ck_assert_msg(fn != NULL, "%s: no such action", action);
    r.rc = fn(&cl, &r.out);
    r.output = r.out.output ? json_loads(r.out.output, 0, NULL) : NULL;
    ck_assert_msg(!r.out.output || r.output, "output is not JSON: %s", r.out.output);
    ck_assert_msg(fake.next == fake.nsteps, "%zu scripted answers left", fake.nsteps - fake.next);
    if (c->fini) {
        c->fini(cl.state);
    }
    ck_assert_int_eq(dlclose(dl), 0);
    return r;
}

static void reset_fake(void)
{
    memset(&fake, 0, sizeof(fake));
}

static const char *out_str(const struct run *r, const char *key)
{
    return json_string_value(json_object_get(r->output, key));
}

#define SLACK_CONFIG "{\"base_url\":\"http://fake/slack/api/\"}"
#define SLACK_SECRET "{\"bot_token\":\"xoxb-1\"}"

START_TEST(slack_post_message_sends_json_with_bearer_and_key)
{
    struct run r;

    script(200, "{\"ok\":true,\"channel\":\"C1\",\"ts\":\"17.01\",\"message\":{}}", NULL);
    r = call("slack", "slack.post_message",
             "{\"channel\":\"C1\",\"text\":\"hi\",\"blocks\":[{\"type\":\"divider\"}]}",
             SLACK_CONFIG, SLACK_SECRET, 1);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_OK);
    ck_assert_str_eq(out_str(&r, "channel"), "C1");
    ck_assert_str_eq(out_str(&r, "ts"), "17.01");
    ck_assert_str_eq(fake.sent[0].method, "POST");
    ck_assert_str_eq(fake.sent[0].url, "http://fake/slack/api/chat.postMessage");
    ck_assert_ptr_nonnull(strstr(fake.sent[0].headers, "Authorization: Bearer xoxb-1\n"));
    ck_assert_ptr_nonnull(strstr(fake.sent[0].headers, "X-Ordo-Idempotency-Key: 4711\n"));
    ck_assert_ptr_nonnull(strstr(fake.sent[0].headers, "Content-Type: application/json"));
    ck_assert_str_eq(fake.sent[0].body,
                     "{\"channel\":\"C1\",\"text\":\"hi\",\"blocks\":[{\"type\":\"divider\"}]}");
    run_free(&r);
}
END_TEST

START_TEST(slack_ok_false_and_host_retry_are_mapped)
{
    struct run r;

    script(200, "{\"ok\":false,\"error\":\"channel_not_found\"}", NULL);
    r = call("slack", "slack.post_message", "{\"channel\":\"C9\",\"text\":\"hi\"}", SLACK_CONFIG,
             SLACK_SECRET, 1);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_FAIL);
    ck_assert_str_eq(r.out.message, "could not post the Slack message: Slack answered "
                                    "channel_not_found");
    ck_assert_ptr_null(r.output);
    run_free(&r);
    reset_fake();
    script(0, "", NULL);
    r = call("slack", "slack.post_message", "{\"channel\":\"C9\",\"text\":\"hi\"}", SLACK_CONFIG,
             SLACK_SECRET, 1);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_RETRY);
    ck_assert_int_eq(r.out.retry_after_ms, 30000);
    run_free(&r);
    reset_fake();
    r = call("slack", "slack.post_message", "{\"channel\":\"C9\"}", SLACK_CONFIG, SLACK_SECRET, 1);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_FAIL);
    run_free(&r);
    r = call("slack", "slack.post_message", "{\"channel\":\"C9\",\"text\":\"x\"}", SLACK_CONFIG,
             "{}", 1);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_FAIL);
    ck_assert_str_eq(r.out.message, "the Slack credential has no bot_token");
    run_free(&r);
}
END_TEST

START_TEST(slack_create_channel_name_taken_finds_the_channel)
{
    struct run r;

    script(200, "{\"ok\":false,\"error\":\"name_taken\"}", NULL);
    script(200,
           "{\"ok\":true,\"channels\":[{\"id\":\"C1\",\"name\":\"general\"}],"
           "\"response_metadata\":{\"next_cursor\":\"dGVhbT1D+\"}}",
           NULL);
    script(200,
           "{\"ok\":true,\"channels\":[{\"id\":\"C7\",\"name\":\"onboarding-ana\"}],"
           "\"response_metadata\":{\"next_cursor\":\"\"}}",
           NULL);
    r = call("slack", "slack.create_channel", "{\"name\":\"#onboarding-ana\"}", SLACK_CONFIG,
             SLACK_SECRET, 2);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_OK);
    ck_assert_str_eq(out_str(&r, "channel_id"), "C7");
    ck_assert(json_is_false(json_object_get(r.output, "created")));
    ck_assert_str_eq(fake.sent[0].body, "{\"name\":\"onboarding-ana\",\"is_private\":false}");
    ck_assert_str_eq(fake.sent[1].method, "GET");
    ck_assert_str_eq(fake.sent[2].url, "http://fake/slack/api/conversations.list?types="
                                       "public_channel&exclude_archived=false&limit=200&cursor="
                                       "dGVhbT1D%2B");
    run_free(&r);
}
END_TEST

START_TEST(slack_lookup_missing_user_is_a_bpmn_error)
{
    struct run r;

    script(200, "{\"ok\":false,\"error\":\"users_not_found\"}", NULL);
    r = call("slack", "slack.lookup_user_by_email", "{\"email\":\"ana+new@example.com\"}",
             SLACK_CONFIG, SLACK_SECRET, 1);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_BPMN_ERROR);
    ck_assert_str_eq(r.out.error_code, "slack_user_not_found");
    ck_assert_str_eq(fake.sent[0].url,
                     "http://fake/slack/api/users.lookupByEmail?email=ana%2Bnew%40example.com");
    run_free(&r);
    reset_fake();
    script(200,
           "{\"ok\":true,\"user\":{\"id\":\"U1\",\"name\":\"ana\",\"real_name\":\"Ana B\","
           "\"deleted\":false,\"tz\":\"Europe/Lisbon\",\"profile\":{\"email\":\"ana@x.io\"}}}",
           NULL);
    r = call("slack", "slack.get_user", "{\"user\":\"U1\"}", SLACK_CONFIG, SLACK_SECRET, 1);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_OK);
    ck_assert_str_eq(r.out.output, "{\"id\":\"U1\",\"name\":\"ana\",\"real_name\":\"Ana B\","
                                   "\"email\":\"ana@x.io\",\"deleted\":false,\"tz\":"
                                   "\"Europe/Lisbon\"}");
    run_free(&r);
}
END_TEST

START_TEST(slack_post_approval_has_two_buttons_with_the_token)
{
    struct run r;
    json_t *body;
    json_t *buttons;

    script(200, "{\"ok\":true,\"channel\":\"C1\",\"ts\":\"1.2\"}", NULL);
    r = call("slack", "slack.post_approval",
             "{\"channel\":\"C1\",\"text\":\"Laptop for Ana\",\"token\":\"tok-1\",\"title\":"
             "\"Approve?\"}",
             SLACK_CONFIG, SLACK_SECRET, 1);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_OK);
    body = json_loads(fake.sent[0].body, 0, NULL);
    ck_assert_str_eq(json_string_value(json_object_get(body, "text")), "Approve?");
    buttons = json_object_get(json_array_get(json_object_get(body, "blocks"), 1), "elements");
    ck_assert_uint_eq(json_array_size(buttons), 2);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(buttons, 0), "action_id")),
                     "approve");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(buttons, 0), "style")),
                     "primary");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(buttons, 1), "action_id")),
                     "reject");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(buttons, 1), "value")),
                     "tok-1");
    json_decref(body);
    run_free(&r);
}
END_TEST

#define JIRA_CONFIG "{\"email\":\"bot@acme.io\",\"base_url\":\"http://fake/jira\"}"
#define JIRA_SECRET "{\"api_token\":\"t0k\"}"

START_TEST(jira_transition_picks_by_name_or_target_status)
{
    struct run r;

    script(200, "{\"key\":\"OPS-1\",\"fields\":{\"status\":{\"name\":\"Open\"}}}", NULL);
    script(200,
           "{\"transitions\":[{\"id\":\"11\",\"name\":\"Start Progress\",\"to\":{\"name\":"
           "\"In Progress\"}},{\"id\":\"31\",\"name\":\"Finish\",\"to\":{\"name\":\"Done\"}}]}",
           NULL);
    script(204, "", NULL);
    r = call("jira", "jira.transition_issue", "{\"issue_key\":\"OPS-1\",\"status\":\"done\"}",
             JIRA_CONFIG, JIRA_SECRET, 1);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_OK);
    ck_assert_str_eq(r.out.output,
                     "{\"issue_key\":\"OPS-1\",\"status\":\"Done\",\"transitioned\":true}");
    ck_assert_str_eq(fake.sent[0].url, "http://fake/jira/rest/api/3/issue/OPS-1?fields=status");
    ck_assert_str_eq(fake.sent[2].url, "http://fake/jira/rest/api/3/issue/OPS-1/transitions");
    ck_assert_str_eq(fake.sent[2].body, "{\"transition\":{\"id\":\"31\"}}");
    ck_assert_ptr_nonnull(
        strstr(fake.sent[0].headers, "Authorization: Basic Ym90QGFjbWUuaW86dDBr\n"));
    run_free(&r);
    reset_fake();
    script(200, "{\"fields\":{\"status\":{\"name\":\"Done\"}}}", NULL);
    r = call("jira", "jira.transition_issue", "{\"issue_key\":\"OPS-1\",\"status\":\"Done\"}",
             JIRA_CONFIG, JIRA_SECRET, 2);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_OK);
    ck_assert(json_is_false(json_object_get(r.output, "transitioned")));
    run_free(&r);
    reset_fake();
    script(200, "{\"fields\":{\"status\":{\"name\":\"Open\"}}}", NULL);
    script(200, "{\"transitions\":[{\"id\":\"11\",\"name\":\"Start\",\"to\":{\"name\":\"WIP\"}}]}",
           NULL);
    r = call("jira", "jira.transition_issue", "{\"issue_key\":\"OPS-1\",\"status\":\"Closed\"}",
             JIRA_CONFIG, JIRA_SECRET, 1);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_FAIL);
    ck_assert_str_eq(r.out.message, "could not transition OPS-1 to \"Closed\": no such transition "
                                    "from \"Open\"; available: Start (to WIP)");
    run_free(&r);
}
END_TEST

START_TEST(jira_create_issue_labels_and_finds_it_on_retry)
{
    struct run r;
    json_t *body;

    script(201, "{\"id\":\"10001\",\"key\":\"OPS-7\",\"self\":\"x\"}", NULL);
    r = call("jira", "jira.create_issue",
             "{\"project\":\"OPS\",\"summary\":\"Onboard Ana\",\"description\":\"Hi\\n\\n- a\","
             "\"labels\":[\"hr\"]}",
             "{\"email\":\"b@a.io\",\"site\":\"acme\"}", JIRA_SECRET, 1);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_OK);
    ck_assert_str_eq(r.out.output, "{\"issue_key\":\"OPS-7\",\"issue_id\":\"10001\",\"url\":"
                                   "\"https://acme.atlassian.net/browse/OPS-7\"}");
    ck_assert_str_eq(fake.sent[0].url, "https://acme.atlassian.net/rest/api/3/issue");
    body = json_loads(fake.sent[0].body, 0, NULL);
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_object_get(json_object_get(body, "fields"), "issuetype"), "name")),
                     "Task");
    ck_assert_str_eq(json_string_value(json_array_get(
                         json_object_get(json_object_get(body, "fields"), "labels"), 1)),
                     "ordo-4711");
    json_decref(body);
    run_free(&r);
    reset_fake();
    /* A search that ignores the JQL must not hand back a stranger's issue. */
    script(200,
           "{\"issues\":[{\"id\":\"1\",\"key\":\"OPS-1\",\"fields\":{\"labels\":[\"x\"]}},"
           "{\"id\":\"10001\",\"key\":\"OPS-7\",\"fields\":{\"labels\":[\"ordo-4711\"]}}]}",
           NULL);
    r = call("jira", "jira.create_issue", "{\"project\":\"OPS\",\"summary\":\"Onboard Ana\"}",
             JIRA_CONFIG, JIRA_SECRET, 2);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_OK);
    ck_assert_str_eq(out_str(&r, "issue_key"), "OPS-7");
    ck_assert_str_eq(fake.sent[0].url, "http://fake/jira/rest/api/3/search/jql");
    run_free(&r);
}
END_TEST

START_TEST(jira_errors_and_missing_issue)
{
    struct run r;

    script(404, "{\"errorMessages\":[\"Issue does not exist or you do not have permission\"]}",
           NULL);
    r = call("jira", "jira.get_issue", "{\"issue_key\":\"OPS-404\",\"fields\":\"labels, cf 1\"}",
             JIRA_CONFIG, JIRA_SECRET, 1);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_BPMN_ERROR);
    ck_assert_str_eq(r.out.error_code, "jira_issue_not_found");
    ck_assert_str_eq(
        fake.sent[0].url,
        "http://fake/jira/rest/api/3/issue/OPS-404?fields=summary,status,labels,cf%201");
    run_free(&r);
    reset_fake();
    script(400, "{\"errorMessages\":[],\"errors\":{\"summary\":\"Summary is required.\"}}", NULL);
    r = call("jira", "jira.create_issue", "{\"project\":\"OPS\",\"summary\":\"x\"}", JIRA_CONFIG,
             JIRA_SECRET, 1);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_FAIL);
    ck_assert_str_eq(r.out.message,
                     "could not create the Jira issue: HTTP 400: summary: Summary is required.");
    run_free(&r);
    reset_fake();
    script(401, "", NULL);
    r = call("jira", "", "{}", JIRA_CONFIG, JIRA_SECRET, 1);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_FAIL);
    ck_assert_str_eq(r.out.message, "could not check the Jira credential: authentication failed "
                                    "(HTTP 401): check the credential");
    run_free(&r);
    reset_fake();
    script(503, "<html>down</html>", "Retry-After: 7\n");
    r = call("jira", "jira.add_comment", "{\"issue_key\":\"OPS-1\",\"body\":\"x\"}", JIRA_CONFIG,
             JIRA_SECRET, 1);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_RETRY);
    ck_assert_int_eq(r.out.retry_after_ms, 7000);
    run_free(&r);
}
END_TEST

START_TEST(jira_search_follows_page_tokens)
{
    struct run r;

    script(200,
           "{\"issues\":[{\"id\":\"1\",\"key\":\"A-1\",\"fields\":{\"summary\":\"s1\",\"status\":"
           "{\"name\":\"Open\"}}}],\"nextPageToken\":\"p2\"}",
           NULL);
    script(200, "{\"issues\":[{\"id\":\"2\",\"key\":\"A-2\",\"fields\":{}}],\"isLast\":true}",
           NULL);
    r = call("jira", "jira.search", "{\"jql\":\"project = A\",\"max_results\":5}", JIRA_CONFIG,
             JIRA_SECRET, 1);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_OK);
    ck_assert_str_eq(r.out.output,
                     "{\"total_returned\":2,\"issues\":[{\"key\":\"A-1\",\"id\":\"1\",\"summary\":"
                     "\"s1\",\"status\":\"Open\"},{\"key\":\"A-2\",\"id\":\"2\",\"summary\":null,"
                     "\"status\":null}]}");
    ck_assert_str_eq(fake.sent[1].body, "{\"jql\":\"project = A\",\"maxResults\":4,\"fields\":["
                                        "\"summary\",\"status\"],\"nextPageToken\":\"p2\"}");
    run_free(&r);
}
END_TEST

#define GITHUB_CONFIG "{\"org\":\"acme\",\"base_url\":\"http://fake/github\"}"
#define GITHUB_SECRET "{\"token\":\"ghp_1\"}"

START_TEST(github_invite_resolves_teams_and_accepts_already)
{
    struct run r;

    script(200, "[{\"id\":1,\"slug\":\"ops\"}]",
           "Link: <http://fake/github/organizations/9/teams?page=2>; rel=\"next\"\n");
    script(200, "[{\"id\":2,\"slug\":\"dev\"}]", NULL);
    script(201, "{\"id\":55,\"email\":\"ana@x.io\"}", NULL);
    r = call("github", "github.invite_to_org",
             "{\"email\":\"ana@x.io\",\"teams\":\"dev\",\"team_ids\":[7]}", GITHUB_CONFIG,
             GITHUB_SECRET, 1);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_OK);
    ck_assert_str_eq(r.out.output, "{\"invitation_id\":55,\"already\":false}");
    ck_assert_str_eq(fake.sent[0].url, "http://fake/github/orgs/acme/teams?per_page=100");
    ck_assert_str_eq(fake.sent[1].url, "http://fake/github/organizations/9/teams?page=2");
    ck_assert_str_eq(fake.sent[2].body,
                     "{\"email\":\"ana@x.io\",\"role\":\"direct_member\",\"team_ids\":[7,2]}");
    ck_assert_ptr_nonnull(strstr(fake.sent[2].headers, "X-GitHub-Api-Version: 2022-11-28\n"));
    ck_assert_ptr_nonnull(strstr(fake.sent[2].headers, "User-Agent: "));
    run_free(&r);
    reset_fake();
    script(422,
           "{\"message\":\"Validation Failed\",\"errors\":[{\"message\":\"Invitee is already a "
           "part of this organization\"}]}",
           NULL);
    r = call("github", "github.invite_to_org", "{\"email\":\"ana@x.io\"}", GITHUB_CONFIG,
             GITHUB_SECRET, 2);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_OK);
    ck_assert_str_eq(r.out.output, "{\"invitation_id\":null,\"already\":true}");
    run_free(&r);
}
END_TEST

START_TEST(github_pagination_stays_on_the_api_host)
{
    struct run r;

    script(200, "[{\"id\":1,\"slug\":\"ops\"}]",
           "Link: <http://evil.example/teams?page=2>; rel=\"next\"\n");
    r = call("github", "github.invite_to_org", "{\"email\":\"ana@x.io\",\"teams\":\"dev\"}",
             GITHUB_CONFIG, GITHUB_SECRET, 1);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_FAIL);
    ck_assert_str_eq(r.out.message,
                     "could not invite to the GitHub organisation acme: no team dev");
    run_free(&r);
}
END_TEST

START_TEST(github_existing_repository_on_retry_is_success)
{
    struct run r;
    const char *exists = "{\"message\":\"Repository creation failed.\",\"errors\":[{\"field\":"
                         "\"name\",\"message\":\"name already exists on this account\"}]}";

    script(422, exists, NULL);
    r = call("github", "github.create_repository", "{\"name\":\"svc\"}", GITHUB_CONFIG,
             GITHUB_SECRET, 1);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_FAIL);
    run_free(&r);
    reset_fake();
    script(422, exists, NULL);
    script(200, "{\"id\":3,\"full_name\":\"acme/svc\",\"html_url\":\"h\"}", NULL);
    r = call("github", "github.create_repository", "{\"name\":\"svc\"}", GITHUB_CONFIG,
             GITHUB_SECRET, 2);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_OK);
    ck_assert_str_eq(r.out.output,
                     "{\"full_name\":\"acme/svc\",\"url\":\"h\",\"id\":3,\"created\":false}");
    ck_assert_str_eq(fake.sent[0].body, "{\"name\":\"svc\",\"private\":true,\"auto_init\":false}");
    ck_assert_str_eq(fake.sent[1].url, "http://fake/github/repos/acme/svc");
    run_free(&r);
}
END_TEST

#define BAMBOO_CONFIG "{\"base_url\":\"http://fake/bamboohr/api/gateway.php/acme/v1\"}"
#define BAMBOO_SECRET "{\"api_key\":\"k\"}"

START_TEST(bamboohr_employee_is_normalised)
{
    struct run r;

    script(200,
           "{\"id\":\"42\",\"firstName\":\"Ana\",\"lastName\":\"Silva\",\"workEmail\":"
           "\"ana@acme.io\",\"jobTitle\":\"Engineer\",\"department\":\"R&D\",\"supervisorEId\":"
           "\"7\",\"hireDate\":\"2026-03-02\",\"status\":\"Active\"}",
           NULL);
    r = call("bamboohr", "bamboohr.get_employee", "{\"id\":\"42\"}", BAMBOO_CONFIG, BAMBOO_SECRET,
             1);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_OK);
    ck_assert_str_eq(out_str(&r, "user_name"), "ana@acme.io");
    ck_assert_str_eq(out_str(&r, "display_name"), "Ana Silva");
    ck_assert_str_eq(
        json_string_value(json_object_get(json_object_get(r.output, "name"), "family_name")),
        "Silva");
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(r.output, "emails"), 0), "value")),
                     "ana@acme.io");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(r.output, "manager"), "id")),
                     "7");
    ck_assert_str_eq(out_str(&r, "start_date"), "2026-03-02");
    ck_assert(json_is_true(json_object_get(r.output, "active")));
    ck_assert(json_is_object(json_object_get(r.output, "raw")));
    ck_assert_ptr_nonnull(strstr(fake.sent[0].url, "/v1/employees/42?fields=firstName,"));
    ck_assert_ptr_nonnull(strstr(fake.sent[0].headers, "Authorization: Basic azp4\n"));
    ck_assert_ptr_nonnull(strstr(fake.sent[0].headers, "Accept: application/json\n"));
    run_free(&r);
    reset_fake();
    script(404, "", "X-BambooHR-Error-Message: no such employee\n");
    r = call("bamboohr", "bamboohr.get_employee", "{\"id\":\"9\"}", BAMBOO_CONFIG, BAMBOO_SECRET,
             1);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_BPMN_ERROR);
    ck_assert_str_eq(r.out.error_code, "bamboohr_employee_not_found");
    run_free(&r);
    reset_fake();
    script(400, "", "X-BambooHR-Error-Message: Invalid field workEmail\n");
    r = call("bamboohr", "bamboohr.update_employee", "{\"id\":\"9\",\"fields\":{\"a\":1}}",
             BAMBOO_CONFIG, BAMBOO_SECRET, 1);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_FAIL);
    ck_assert_str_eq(r.out.message,
                     "could not update the BambooHR employee: HTTP 400: Invalid field workEmail");
    run_free(&r);
}
END_TEST

START_TEST(bamboohr_list_changed_flattens_the_map)
{
    struct run r;

    script(200,
           "{\"latest\":\"2026-01-02T00:00:00+00:00\",\"employees\":{\"3\":{\"id\":\"3\","
           "\"action\":\"Inserted\",\"lastChanged\":\"2026-01-01T10:00:00+00:00\"}}}",
           NULL);
    r = call("bamboohr", "bamboohr.list_changed",
             "{\"since\":\"2026-01-01T00:00:00Z\",\"type\":\"inserted\"}",
             "{\"company_domain\":\"acme\"}", BAMBOO_SECRET, 1);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_OK);
    ck_assert_str_eq(r.out.output,
                     "{\"employees\":[{\"id\":\"3\",\"action\":\"inserted\",\"last_changed\":"
                     "\"2026-01-01T10:00:00+00:00\"}],\"latest\":\"2026-01-02T00:00:00+00:00\"}");
    ck_assert_str_eq(fake.sent[0].url, "https://api.bamboohr.com/api/gateway.php/acme/v1/"
                                       "employees/changed?since=2026-01-01T00%3A00%3A00Z&type="
                                       "inserted");
    run_free(&r);
}
END_TEST

START_TEST(http_request_builds_and_reads)
{
    struct run r;

    script(201, "{\"id\":5}", "Content-Type: application/json; charset=utf-8\nLocation: /x/5\n");
    r = call("http", "http.request",
             "{\"method\":\"POST\",\"url\":\"https://api.example.com/x?a=1\",\"query\":{\"q\":"
             "\"a b\",\"n\":[1,true]},\"headers\":{\"X-Trace\":\"t\"},\"body\":{\"k\":\"v\"}}",
             "{}", "{}", 1);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_OK);
    ck_assert_str_eq(r.out.output, "{\"status\":201,\"headers\":{\"content-type\":\"application/"
                                   "json; charset=utf-8\",\"location\":\"/x/5\"},\"body\":{\"id\":"
                                   "5}}");
    ck_assert_str_eq(fake.sent[0].url, "https://api.example.com/x?a=1&q=a%20b&n=1&n=true");
    ck_assert_str_eq(fake.sent[0].headers, "X-Ordo-Idempotency-Key: 4711\nX-Trace: t\n"
                                           "Content-Type: application/json; charset=utf-8\n");
    ck_assert_str_eq(fake.sent[0].body, "{\"k\":\"v\"}");
    run_free(&r);
    reset_fake();
    script(404, "not here", NULL);
    r = call("http", "http.request",
             "{\"url\":\"https://api.example.com/secret-path?token=abc\",\"fail_on_status\":true}",
             "{}", "{}", 1);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_FAIL);
    ck_assert_str_eq(r.out.message, "https://api.example.com answered HTTP 404: not here");
    run_free(&r);
}
END_TEST

START_TEST(http_credential_stays_under_its_base_url)
{
    const char *config = "{\"auth\":\"header\",\"header_name\":\"X-Api-Key\",\"base_url\":"
                         "\"https://api.example.com/v2\"}";
    struct run r;

    script(200, "ok", "Content-Type: text/plain\n");
    r = call("http", "http.request", "{\"url\":\"items\",\"headers\":{\"x-api-key\":\"forged\"}}",
             config, "{\"token\":\"s3cret\"}", 1);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_OK);
    ck_assert_str_eq(fake.sent[0].url, "https://api.example.com/v2/items");
    ck_assert_str_eq(fake.sent[0].headers, "X-Ordo-Idempotency-Key: 4711\nX-Api-Key: s3cret\n");
    ck_assert_str_eq(json_string_value(json_object_get(r.output, "body")), "ok");
    run_free(&r);
    reset_fake();
    r = call("http", "http.request", "{\"url\":\"https://api.example.com.evil.io/v2/items\"}",
             config, "{\"token\":\"s3cret\"}", 1);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_FAIL);
    ck_assert_ptr_null(strstr(r.out.message, "evil"));
    run_free(&r);
    r = call("http", "http.request", "{\"url\":\"items\",\"follow_redirects\":true}", config,
             "{\"token\":\"s3cret\"}", 1);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_FAIL);
    run_free(&r);
    r = call("http", "http.request",
             "{\"url\":\"https://x.io\",\"headers\":{\"A\":\"b\\r\\nC: d\"}}", "{}", "{}", 1);
    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_FAIL);
    run_free(&r);
}
END_TEST

START_TEST(noop_completes_without_output)
{
    struct run r = call("noop", "noop.complete", "{\"anything\":1}", "{}", "{}", 1);

    ck_assert_int_eq(r.rc, ORDO_CONNECTOR_OK);
    ck_assert_ptr_null(r.out.output);
    run_free(&r);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("connectors");
    TCase *text = tcase_create("text");
    TCase *adf = tcase_create("adf");
    TCase *slack = tcase_create("slack_errors");
    TCase *desc = tcase_create("descriptors");
    TCase *calls = tcase_create("calls");

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
    tcase_add_test(slack, slack_errors_are_classified);
    tcase_add_loop_test(desc, descriptors_are_valid, 0,
                        (int)(sizeof(connector_names) / sizeof(connector_names[0])));
    tcase_add_checked_fixture(calls, reset_fake, NULL);
    tcase_add_test(calls, slack_post_message_sends_json_with_bearer_and_key);
    tcase_add_test(calls, slack_ok_false_and_host_retry_are_mapped);
    tcase_add_test(calls, slack_create_channel_name_taken_finds_the_channel);
    tcase_add_test(calls, slack_lookup_missing_user_is_a_bpmn_error);
    tcase_add_test(calls, slack_post_approval_has_two_buttons_with_the_token);
    tcase_add_test(calls, jira_transition_picks_by_name_or_target_status);
    tcase_add_test(calls, jira_create_issue_labels_and_finds_it_on_retry);
    tcase_add_test(calls, jira_errors_and_missing_issue);
    tcase_add_test(calls, jira_search_follows_page_tokens);
    tcase_add_test(calls, github_invite_resolves_teams_and_accepts_already);
    tcase_add_test(calls, github_pagination_stays_on_the_api_host);
    tcase_add_test(calls, github_existing_repository_on_retry_is_success);
    tcase_add_test(calls, bamboohr_employee_is_normalised);
    tcase_add_test(calls, bamboohr_list_changed_flattens_the_map);
    tcase_add_test(calls, http_request_builds_and_reads);
    tcase_add_test(calls, http_credential_stays_under_its_base_url);
    tcase_add_test(calls, noop_completes_without_output);
    suite_add_tcase(s, text);
    suite_add_tcase(s, adf);
    suite_add_tcase(s, slack);
    suite_add_tcase(s, desc);
    suite_add_tcase(s, calls);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
