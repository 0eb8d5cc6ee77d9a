/*
 * tests/integration/test_http_drafts.c - drafts from requirement text end
 * to end (issue 8, docs/drafts.md) on a real `ordo serve`, PostgreSQL and
 * the build's connectors, over loopback: the offline drafter's way from
 * POST /api/drafts through the event stream to a deployed definition with
 * its audit row and a started instance; a draft that fails and is kept;
 * manual edits that can and cannot be lifted back into the IR; who sees
 * and may change whose drafts; a draft left running by a server that died
 * is failed when it starts again; old undeployed drafts are purged; and
 * the refusals of bad input.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>

#include "base/crypto.h"
#include "base/json.h"
#include "tests/fakes/llm/fakellm_test.h"
#include "tests/integration/httptest.h"
#include "tests/integration/pgtest.h"

#define ADMIN_KEY HTTPTEST_ADMIN_KEY

/* tests/fixtures/requirements/01-onboarding.txt: the README's sentence. */
#define ONBOARDING                                                                            \
    "New employee onboarding: when BambooHR adds an employee, open a Jira ticket, ask their " \
    "manager to approve a laptop, then invite them to GitHub and welcome them in Slack."
/* tests/fixtures/requirements/22-*.txt: out of scope, nothing can be placed. */
#define WEATHER                                                                                \
    "What is the weather going to be like in Berlin tomorrow? Will it rain in the afternoon? " \
    "Should I bring an umbrella to the office, or is a light jacket enough?"

/* A diagram the IR cannot say: an embedded sub-process. */
static const char unliftable[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" "
    "xmlns:bpmndi=\"http://www.omg.org/spec/BPMN/20100524/DI\" "
    "xmlns:dc=\"http://www.omg.org/spec/DD/20100524/DC\" "
    "xmlns:di=\"http://www.omg.org/spec/DD/20100524/DI\" id=\"defs\" "
    "targetNamespace=\"urn:ordo:test\">\n"
    "  <bpmn:process id=\"edited\" name=\"Edited\" isExecutable=\"true\">\n"
    "    <bpmn:startEvent id=\"Start\" name=\"Start\"/>\n"
    "    <bpmn:sequenceFlow id=\"F1\" sourceRef=\"Start\" targetRef=\"Sub_1\"/>\n"
    "    <bpmn:subProcess id=\"Sub_1\" name=\"Inner\">\n"
    "      <bpmn:startEvent id=\"S2\" name=\"Inner start\"/>\n"
    "      <bpmn:sequenceFlow id=\"F3\" sourceRef=\"S2\" targetRef=\"E2\"/>\n"
    "      <bpmn:endEvent id=\"E2\" name=\"Inner end\"/>\n"
    "    </bpmn:subProcess>\n"
    "    <bpmn:sequenceFlow id=\"F2\" sourceRef=\"Sub_1\" targetRef=\"End\"/>\n"
    "    <bpmn:endEvent id=\"End\" name=\"End\"/>\n"
    "  </bpmn:process>\n"
    "</bpmn:definitions>\n";

static struct httptest srv;

static void setup(void)
{
    struct ordo_err err;

    ck_assert_int_eq(ordo_crypto_init(&err), ORDO_OK);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    (void)nanosleep(&ts, NULL);
}

/* The same with a JSON body built by json_pack (taken over). */
static long call_obj(const char *method, const char *path, const char *key, json_t *body,
                     json_t **out)
{
    char *text = json_dumps(body, JSON_COMPACT);
    long status = httptest_call(&srv, method, path, key, text, out);

    free(text);
    json_decref(body);
    return status;
}

/* POST /api/drafts with 'text' as 'key': 202, the Location of the draft;
 * its key (malloc'ed). */
static char *create_draft(const char *key, const char *text, bool allow_http)
{
    struct httptest_resp r;
    json_t *body = json_pack("{s:s, s:b}", "text", text, "allowHttp", allow_http);
    char *json = json_dumps(body, JSON_COMPACT), *loc, *out, want[96];

    httptest_json(&srv, "POST", "/api/drafts", key, json, &r);
    ck_assert_msg(r.status == 202, "POST /api/drafts: %ld %s", r.status, r.body);
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "queued");
    out = strdup(json_string_value(json_object_get(r.json, "key")));
    loc = httptest_header(&r, "Location");
    (void)snprintf(want, sizeof want, "/api/drafts/%s", out);
    ck_assert_ptr_nonnull(loc);
    ck_assert_str_eq(loc, want);
    (void)snprintf(want, sizeof want, "/api/drafts/%s/events", out);
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "events")), want);
    free(loc);
    free(json);
    json_decref(body);
    httptest_resp_free(&r);
    return out;
}

/* GET the draft's event stream, which ends after its "done" event: the
 * whole text (malloc'ed). */
static char *events(const char *key, const char *draft)
{
    struct httptest_resp r;
    char path[96], *out;

    (void)snprintf(path, sizeof path, "/api/drafts/%s/events", draft);
    httptest_request(&srv, "GET", path, key, NULL, NULL, 0, NULL, &r);
    ck_assert_msg(r.status == 200, "GET %s: %ld %s", path, r.status, r.body);
    ck_assert_ptr_nonnull(strstr(r.headers, "text/event-stream"));
    ck_assert_msg(strstr(r.body, "event: done\n") != NULL, "no done event: %s", r.body);
    /* Nothing after the "done" event: the stream ended there. */
    ck_assert_str_eq(strstr(strstr(r.body, "event: done\n"), "\n\n"), "\n\n");
    out = strdup(r.body);
    httptest_resp_free(&r);
    return out;
}

/* An EventSource that saw "done" reconnects with its id as Last-Event-ID:
 * the stream it gets ends at once with no event ('text' is what the first
 * stream sent). */
static void resume_after_done(const char *draft, const char *text)
{
    const char *id = strstr(text, "event: done\n");
    const char *headers[] = {NULL, NULL};
    char path[96], last[64];
    struct httptest_resp r;

    ck_assert_ptr_nonnull(id);
    while (id > text && strncmp(id, "id: ", 4) != 0) {
        id--;
    }
    (void)snprintf(last, sizeof last, "Last-Event-ID: %.*s", (int)strcspn(id + 4, "\n"), id + 4);
    headers[0] = last;
    (void)snprintf(path, sizeof path, "/api/drafts/%s/events", draft);
    httptest_request(&srv, "GET", path, ADMIN_KEY, NULL, NULL, 0, headers, &r);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    ck_assert_msg(strstr(r.body, "event:") == NULL, "%s: %s", last, r.body);
    httptest_resp_free(&r);
}

static json_t *get_draft(const char *key, const char *draft, const char *query)
{
    char path[128];
    json_t *out = NULL;

    (void)snprintf(path, sizeof path, "/api/drafts/%s%s", draft, query ? query : "");
    ck_assert_int_eq(httptest_call(&srv, "GET", path, key, NULL, &out), 200);
    return out;
}

static const char *str(const json_t *o, const char *name)
{
    return json_string_value(json_object_get(o, name));
}

/* Does the array 'list' hold the string 's'? */
static bool has_string(const json_t *list, const char *s)
{
    const json_t *v;
    size_t i;

    json_array_foreach(list, i, v)
    {
        if (json_is_string(v) && strcmp(json_string_value(v), s) == 0) {
            return true;
        }
    }
    return false;
}

static long count(const char *sql)
{
    return httptest_count(&srv, sql);
}

/* ---- the offline drafter's way to a running process ------------------------------------------ */

static void check_ready_draft(const char *draft)
{
    json_t *d = get_draft(ADMIN_KEY, draft, NULL), *t;

    ck_assert_str_eq(str(d, "status"), "ready");
    ck_assert(json_is_true(json_object_get(d, "usable")));
    ck_assert_str_eq(str(d, "provider"), "offline");
    ck_assert(json_is_object(json_object_get(d, "ir")));
    ck_assert_ptr_nonnull(strstr(str(d, "xml"), "<bpmn:definitions"));
    ck_assert(json_array_size(json_object_get(json_object_get(d, "uses"), "actions")) > 0);
    ck_assert(
        has_string(json_object_get(json_object_get(d, "uses"), "actions"), "jira.create_issue"));
    ck_assert(json_is_array(json_object_get(d, "findings")));
    ck_assert(json_is_true(json_object_get(d, "revisable")));
    ck_assert_int_eq(json_integer_value(json_object_get(d, "revision")), 1);
    ck_assert_ptr_null(json_object_get(d, "transcript")); /* only when asked for */
    ck_assert(json_is_null(json_object_get(d, "deployment")));
    json_decref(d);
    t = get_draft(ADMIN_KEY, draft, "?transcript=true");
    ck_assert(json_is_array(json_object_get(t, "transcript")));
    json_decref(t);
}

/* The audit row of the deploy names the draft and the SHA-256 of the XML. */
static void check_deploy_audit(const char *draft)
{
    json_t *d = get_draft(ADMIN_KEY, draft, NULL);
    char hash[ORDO_SHA256_HEX_SIZE], sql[512];

    ordo_sha256_hex(str(d, "xml"), strlen(str(d, "xml")), hash);
    ck_assert_str_eq(str(json_object_get(d, "deployment"), "hash"), hash);
    (void)snprintf(sql, sizeof sql,
                   "SELECT count(*) FROM audit WHERE action = 'draft.deploy' AND actor = "
                   "'user:admin' AND payload::jsonb->>'hash' = '%s' AND payload::jsonb->>'draft' "
                   "= '%s'",
                   hash, draft);
    ck_assert_int_eq(count(sql), 1);
    json_decref(d);
}

START_TEST(an_offline_draft_streams_its_progress_deploys_with_an_audit_row_and_starts)
{
    const char *idem[] = {"Idempotency-Key: deploy-once", NULL};
    struct httptest_resp r;
    char *draft, *text, path[128], body[256];
    json_t *def = NULL;
    const char *def_key, *process_id;

    httptest_start(&srv, "http_drafts", NULL);
    draft = create_draft(ADMIN_KEY, ONBOARDING, false);
    text = events(ADMIN_KEY, draft);
    ck_assert_msg(strstr(text, "event: drafted\n") && strstr(text, "event: validation\n") &&
                      strstr(text, "event: layout_done\n"),
                  "%s", text);
    ck_assert_ptr_nonnull(strstr(text, "\"usable\":true"));
    ck_assert_ptr_nonnull(strstr(text, "id: 1.1\n"));
    resume_after_done(draft, text);
    free(text);
    check_ready_draft(draft);

    (void)snprintf(path, sizeof path, "/api/drafts/%s/deploy", draft);
    httptest_request(&srv, "POST", path, ADMIN_KEY, NULL, NULL, 0, idem, &r);
    ck_assert_msg(r.status == 201, "deploy: %ld %s", r.status, r.body);
    def_key = str(json_array_get(json_object_get(r.json, "deployments"), 0), "key");
    process_id = str(json_array_get(json_object_get(r.json, "deployments"), 0), "processId");
    ck_assert_ptr_nonnull(def_key);
    ck_assert(has_string(json_object_get(json_object_get(r.json, "uses"), "actions"),
                         "jira.create_issue"));
    (void)snprintf(path, sizeof path, "/api/definitions/%s", def_key);
    ck_assert_int_eq(httptest_call(&srv, "GET", path, ADMIN_KEY, NULL, &def), 200);
    ck_assert_str_eq(str(def, "processId"), process_id);
    check_deploy_audit(draft);

    /* The same Idempotency-Key: the same answer, no second deploy or audit row. */
    {
        struct httptest_resp again;

        (void)snprintf(path, sizeof path, "/api/drafts/%s/deploy", draft);
        httptest_request(&srv, "POST", path, ADMIN_KEY, NULL, NULL, 0, idem, &again);
        ck_assert_int_eq(again.status, 200);
        ck_assert(json_equal(again.json, r.json));
        httptest_resp_free(&again);
        ck_assert_int_eq(count("SELECT count(*) FROM audit WHERE action = 'draft.deploy'"), 1);
    }
    (void)snprintf(body, sizeof body, "{\"processId\":\"%s\"}", process_id);
    ck_assert_int_eq(httptest_call(&srv, "POST", "/api/instances", ADMIN_KEY, body, NULL), 201);
    ck_assert_int_eq(count("SELECT count(*) FROM instance"), 1);
    json_decref(def);
    httptest_resp_free(&r);
    free(draft);
    httptest_stop(&srv);
}
END_TEST

/* ---- failures are kept ----------------------------------------------------------------------- */

START_TEST(a_draft_that_fails_is_kept_with_what_went_wrong_and_cannot_be_deployed)
{
    json_t *d, *list = NULL;
    char *draft, *text, path[128];

    httptest_start(&srv, "http_drafts", NULL);
    draft = create_draft(ADMIN_KEY, WEATHER, false);
    text = events(ADMIN_KEY, draft);
    ck_assert_ptr_nonnull(strstr(text, "\"usable\":false"));
    free(text);
    d = get_draft(ADMIN_KEY, draft, NULL);
    ck_assert_str_eq(str(d, "status"), "failed");
    ck_assert(!json_is_true(json_object_get(d, "usable")));
    ck_assert_msg(json_array_size(json_object_get(d, "unplaced")) > 0 ||
                      json_array_size(json_object_get(d, "violations")) > 0 ||
                      json_is_object(json_object_get(d, "error")),
                  "a failed draft says why: %s", json_dumps(d, 0));
    (void)snprintf(path, sizeof path, "/api/drafts/%s/deploy", draft);
    ck_assert_int_eq(httptest_call(&srv, "POST", path, ADMIN_KEY, NULL, NULL), 422);
    ck_assert_int_eq(count("SELECT count(*) FROM definition"), 0);
    ck_assert_int_eq(
        httptest_call(&srv, "GET", "/api/drafts?status=failed", ADMIN_KEY, NULL, &list), 200);
    ck_assert_int_eq(json_array_size(json_object_get(list, "items")), 1);
    ck_assert_str_eq(str(json_array_get(json_object_get(list, "items"), 0), "key"), draft);
    json_decref(list);
    json_decref(d);
    free(draft);
    httptest_stop(&srv);
}
END_TEST

/* ---- manual edits ---------------------------------------------------------------------------- */

/* POST revise with 'body' (taken over): 202 with the new revision. */
static void revise(const char *draft, json_t *body, int want_revision)
{
    char path[128];
    json_t *out = NULL;

    (void)snprintf(path, sizeof path, "/api/drafts/%s/revise", draft);
    ck_assert_int_eq(call_obj("POST", path, ADMIN_KEY, body, &out), 202);
    ck_assert_int_eq(json_integer_value(json_object_get(out, "revision")), want_revision);
    json_decref(out);
}

START_TEST(an_edit_the_ir_cannot_hold_is_kept_and_turns_revising_in_words_off)
{
    /* An LLM is configured but unreachable: drafts fail with an error, and
     * revising in words is not refused for the want of one. */
    static const char *const env[] = {"ORDO_LLM_PROVIDER=openai", "ORDO_LLM_URL=http://127.0.0.1:9",
                                      NULL};
    json_t *d, *prior, *out = NULL;
    char *draft, *text, path[128];

    httptest_start(&srv, "http_drafts", env);
    draft = create_draft(ADMIN_KEY, ONBOARDING, false);
    text = events(ADMIN_KEY, draft);
    free(text);
    d = get_draft(ADMIN_KEY, draft, NULL);
    ck_assert_str_eq(str(d, "status"), "failed");
    ck_assert(json_is_object(json_object_get(d, "error")));
    json_decref(d);

    /* A diagram with a sub-process: kept as it is, not revisable in words. */
    revise(draft, json_pack("{s:s}", "xml", unliftable), 2);
    text = events(ADMIN_KEY, draft);
    ck_assert_ptr_nonnull(strstr(text, "id: 2.1\n"));
    free(text);
    d = get_draft(ADMIN_KEY, draft, NULL);
    ck_assert_str_eq(str(d, "xml"), unliftable);
    ck_assert(json_is_null(json_object_get(d, "ir")));
    ck_assert(json_is_false(json_object_get(d, "revisable")));
    ck_assert_ptr_nonnull(strstr(str(d, "revisableReason"), "Sub_1"));
    ck_assert(json_is_array(json_object_get(json_object_get(d, "uses"), "actions")));
    ck_assert_int_eq(json_array_size(json_object_get(d, "history")), 2);
    prior = json_incref(d);
    json_decref(d);

    (void)snprintf(path, sizeof path, "/api/drafts/%s/revise", draft);
    ck_assert_int_eq(httptest_call(&srv, "POST", path, ADMIN_KEY,
                                   "{\"instruction\":\"add a Slack message\"}", &out),
                     422);
    ck_assert_ptr_nonnull(strstr(
        json_string_value(json_object_get(json_object_get(out, "error"), "message")), "Sub_1"));
    json_decref(out);
    d = get_draft(ADMIN_KEY, draft, NULL); /* the refusal changed nothing */
    ck_assert_int_eq(json_integer_value(json_object_get(d, "revision")), 2);
    ck_assert_str_eq(str(d, "updatedAt"), str(prior, "updatedAt"));
    json_decref(d);
    json_decref(prior);
    free(draft);
    httptest_stop(&srv);
}
END_TEST

START_TEST(an_edit_that_lifts_keeps_the_draft_revisable)
{
    json_t *d;
    char *draft, *text, *xml;

    httptest_start(&srv, "http_drafts", NULL);
    draft = create_draft(ADMIN_KEY, ONBOARDING, false);
    free(events(ADMIN_KEY, draft));
    d = get_draft(ADMIN_KEY, draft, NULL);
    xml = strdup(str(d, "xml"));
    json_decref(d);

    /* Its own diagram, as the modeler would send it back: lifted again. */
    revise(draft, json_pack("{s:s}", "xml", xml), 2);
    text = events(ADMIN_KEY, draft);
    ck_assert_ptr_nonnull(strstr(text, "event: validation\n"));
    free(text);
    d = get_draft(ADMIN_KEY, draft, NULL);
    ck_assert_msg(strcmp(str(d, "status"), "ready") == 0, "%s",
                  json_dumps(json_object_get(d, "findings"), 0));
    ck_assert(json_is_true(json_object_get(d, "usable")));
    ck_assert(json_is_true(json_object_get(d, "revisable")));
    ck_assert(json_is_object(json_object_get(d, "ir")));
    ck_assert_str_eq(str(d, "xml"), xml);
    ck_assert_ptr_null(json_object_get(json_object_get(d, "request"), "xml"));
    json_decref(d);
    free(xml);
    free(draft);
    httptest_stop(&srv);
}
END_TEST

/* ---- roles ----------------------------------------------------------------------------------- */

/* 'method' /api/drafts/{draft}{suffix} as 'key': the status. */
static long status_of(const char *method, const char *suffix, const char *draft, const char *key,
                      const char *json)
{
    char path[128];

    (void)snprintf(path, sizeof path, "/api/drafts/%s%s", draft, suffix);
    return httptest_call(&srv, method, path, key, json, NULL);
}

START_TEST(designers_see_their_own_drafts_viewers_read_all_others_nothing)
{
    char *alice, *bob, *viewer, *operator, * both, *draft, path[128];
    json_t *list = NULL;

    httptest_start(&srv, "http_drafts", NULL);
    alice = httptest_user_key(&srv, ADMIN_KEY, "alice", "[\"designer\"]");
    bob = httptest_user_key(&srv, ADMIN_KEY, "bob", "[\"designer\"]");
    viewer = httptest_user_key(&srv, ADMIN_KEY, "vera", "[\"viewer\"]");
    operator= httptest_user_key(&srv, ADMIN_KEY, "otto", "[\"operator\"]");
    both = httptest_user_key(&srv, ADMIN_KEY, "carol", "[\"designer\",\"viewer\"]");
    draft = create_draft(alice, ONBOARDING, false);
    free(events(alice, draft));

    ck_assert_int_eq(status_of("GET", "", draft, alice, NULL), 200);
    ck_assert_int_eq(status_of("GET", "", draft, bob, NULL), 404);
    ck_assert_int_eq(status_of("GET", "/events", draft, bob, NULL), 404);
    ck_assert_int_eq(status_of("POST", "/deploy", draft, bob, NULL), 404);
    (void)snprintf(path, sizeof path, "/api/drafts/%s/revise", draft);
    ck_assert_int_eq(call_obj("POST", path, bob, json_pack("{s:s}", "xml", unliftable), NULL), 404);
    ck_assert_int_eq(httptest_call(&srv, "GET", "/api/drafts", bob, NULL, &list), 200);
    ck_assert_int_eq(json_array_size(json_object_get(list, "items")), 0);
    json_decref(list);

    ck_assert_int_eq(status_of("GET", "", draft, viewer, NULL), 200);
    ck_assert_int_eq(httptest_call(&srv, "GET", "/api/drafts", viewer, NULL, &list), 200);
    ck_assert_int_eq(json_array_size(json_object_get(list, "items")), 1);
    json_decref(list);
    ck_assert_int_eq(status_of("POST", "/deploy", draft, viewer, NULL), 403);
    ck_assert_int_eq(httptest_call(&srv, "POST", "/api/drafts", viewer, "{\"text\":\"x\"}", NULL),
                     403);
    /* Viewing widens reading, never writing: a designer who is also a
     * viewer reads alice's draft but cannot revise or deploy it. */
    ck_assert_int_eq(status_of("GET", "", draft, both, NULL), 200);
    ck_assert_int_eq(status_of("POST", "/deploy", draft, both, NULL), 404);
    ck_assert_int_eq(call_obj("POST", path, both, json_pack("{s:s}", "xml", unliftable), NULL),
                     404);
    ck_assert_int_eq(status_of("GET", "", draft, operator, NULL), 403);
    ck_assert_int_eq(httptest_call(&srv, "GET", "/api/drafts", operator, NULL, NULL), 403);

    ck_assert_int_eq(status_of("POST", "/deploy", draft, alice, NULL), 201);
    ck_assert_int_eq(count("SELECT count(*) FROM audit WHERE action = 'draft.deploy' AND actor = "
                           "'user:alice'"),
                     1);
    ck_assert_int_eq(count("SELECT count(*) FROM draft"), 1);
    free(alice);
    free(bob);
    free(viewer);
    free(operator);
    free(both);
    free(draft);
    httptest_stop(&srv);
}
END_TEST

/* ---- crash safety and retention -------------------------------------------------------------- */

START_TEST(a_draft_left_running_by_a_dead_server_is_failed_when_it_starts_again)
{
    char *draft, *text, sql[256];
    PGconn *db;
    PGresult *res;
    json_t *d;

    httptest_start(&srv, "http_drafts", NULL);
    draft = create_draft(ADMIN_KEY, ONBOARDING, false);
    free(events(ADMIN_KEY, draft));
    /* As a worker of a node that then died would have left it: running,
     * with no connection holding its lock. */
    db = httptest_db(&srv);
    (void)snprintf(sql, sizeof sql,
                   "UPDATE draft SET status = 'running', revision = 2, lock_owner = 'gone:1', "
                   "locked_at = now() WHERE key = %s",
                   draft);
    res = PQexec(db, sql);
    ck_assert_int_eq(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    PQfinish(db);
    httptest_kill_restart(&srv);

    d = get_draft(ADMIN_KEY, draft, NULL);
    ck_assert_str_eq(str(d, "status"), "failed");
    ck_assert_ptr_nonnull(
        strstr(str(json_object_get(d, "error"), "message"), "stopped while drafting"));
    ck_assert(json_is_true(json_object_get(d, "usable"))); /* revision 1's content is kept */
    json_decref(d);
    text = events(ADMIN_KEY, draft); /* revision 2 ends with the reaper's "done" */
    ck_assert_ptr_nonnull(strstr(text, "id: 2.1\nevent: done\n"));
    free(text);
    free(draft);
    httptest_stop(&srv);
}
END_TEST

START_TEST(undeployed_drafts_are_purged_after_the_retention)
{
    static const char *const env[] = {"ORDO_DRAFT_RETENTION=4s", NULL};
    char *kept, *gone, path[128];
    long n = -1;

    /* 'kept' is deployed as soon as it is made, well inside the retention,
     * so the purge can only take 'gone'. */
    httptest_start(&srv, "http_drafts", env);
    kept = create_draft(ADMIN_KEY, ONBOARDING, false);
    free(events(ADMIN_KEY, kept));
    (void)snprintf(path, sizeof path, "/api/drafts/%s/deploy", kept);
    ck_assert_int_eq(httptest_call(&srv, "POST", path, ADMIN_KEY, NULL, NULL), 201);
    gone = create_draft(ADMIN_KEY, WEATHER, false);
    free(events(ADMIN_KEY, gone));
    for (int i = 0; i < 300 && (n = count("SELECT count(*) FROM draft")) != 1; i++) {
        sleep_ms(100);
    }
    ck_assert_int_eq(n, 1);
    (void)snprintf(path, sizeof path, "/api/drafts/%s", kept);
    ck_assert_int_eq(httptest_call(&srv, "GET", path, ADMIN_KEY, NULL, NULL), 200);
    ck_assert_int_eq(count("SELECT count(*) FROM draft_event WHERE draft_key NOT IN (SELECT key "
                           "FROM draft)"),
                     0);
    free(kept);
    free(gone);
    httptest_stop(&srv);
}
END_TEST

/* ---- bad input ------------------------------------------------------------------------------- */

static const char *error_message(const json_t *out)
{
    return json_string_value(json_object_get(json_object_get(out, "error"), "message"));
}

START_TEST(bad_input_is_refused_and_changes_nothing)
{
    char *big = malloc(40000), *draft, path[128];
    json_t *out = NULL;

    httptest_start(&srv, "http_drafts", NULL);
    ck_assert_int_eq(httptest_call(&srv, "POST", "/api/drafts", ADMIN_KEY, "{\"text\":\"\"}", NULL),
                     400);
    ck_assert_int_eq(
        httptest_call(&srv, "POST", "/api/drafts", ADMIN_KEY, "{\"text\":\"  \\n \"}", NULL), 400);
    ck_assert_int_eq(httptest_call(&srv, "POST", "/api/drafts", ADMIN_KEY, "{}", NULL), 400);
    ck_assert_int_eq(httptest_call(&srv, "POST", "/api/drafts", ADMIN_KEY, "{\"text\":5}", NULL),
                     422);
    memset(big, 'a', 39999);
    big[39999] = '\0';
    ck_assert_int_eq(
        call_obj("POST", "/api/drafts", ADMIN_KEY, json_pack("{s:s}", "text", big), NULL), 413);
    ck_assert_int_eq(httptest_call(&srv, "POST", "/api/drafts", ADMIN_KEY,
                                   "{\"text\":\"post in Slack\",\"systems\":[\"workday\"]}", &out),
                     422);
    ck_assert_ptr_nonnull(strstr(error_message(out), "workday"));
    json_decref(out);
    ck_assert_int_eq(httptest_call(&srv, "POST", "/api/drafts", ADMIN_KEY,
                                   "{\"text\":\"x\",\"allowHttp\":\"yes\"}", NULL),
                     422);
    ck_assert_int_eq(count("SELECT count(*) FROM draft"), 0);

    ck_assert_int_eq(httptest_call(&srv, "GET", "/api/drafts/999999999", ADMIN_KEY, NULL, NULL),
                     404);
    ck_assert_int_eq(
        httptest_call(&srv, "GET", "/api/drafts/999999999/events", ADMIN_KEY, NULL, NULL), 404);
    ck_assert_int_eq(httptest_call(&srv, "GET", "/api/drafts?status=done", ADMIN_KEY, NULL, NULL),
                     422);

    draft = create_draft(ADMIN_KEY, ONBOARDING, true);
    free(events(ADMIN_KEY, draft));
    (void)snprintf(path, sizeof path, "/api/drafts/%s/events?cursor=x", draft);
    ck_assert_int_eq(httptest_call(&srv, "GET", path, ADMIN_KEY, NULL, NULL), 400);
    (void)snprintf(path, sizeof path, "/api/drafts/%s?transcript=maybe", draft);
    ck_assert_int_eq(httptest_call(&srv, "GET", path, ADMIN_KEY, NULL, NULL), 422);
    (void)snprintf(path, sizeof path, "/api/drafts/%s/revise", draft);
    ck_assert_int_eq(
        httptest_call(&srv, "POST", path, ADMIN_KEY, "{\"xml\":\"<definitions\"}", NULL), 400);
    ck_assert_int_eq(
        httptest_call(&srv, "POST", path, ADMIN_KEY, "{\"xml\":\"x\",\"instruction\":\"y\"}", NULL),
        422);
    ck_assert_int_eq(httptest_call(&srv, "POST", path, ADMIN_KEY, "{}", NULL), 422);
    /* No LLM: revising in words is refused, saying why. */
    ck_assert_int_eq(
        httptest_call(&srv, "POST", path, ADMIN_KEY, "{\"instruction\":\"add a step\"}", &out),
        422);
    ck_assert_ptr_nonnull(strstr(error_message(out), "llm_provider"));
    json_decref(out);
    ck_assert_int_eq(count("SELECT max(revision) FROM draft"), 1);
    free(draft);
    free(big);
    httptest_stop(&srv);
}
END_TEST

/* ---- through an LLM (tests/fakes/llm) -------------------------------------------------------- */

#define LLM_KEY "sk-test-drafts-0123456789"

static struct ordo_fakellm fake;

/* The server, configured for the fake as an OpenAI-compatible provider. */
static void start_with_llm(void)
{
    static char url[128];
    static const char key[] = "ORDO_LLM_API_KEY=" LLM_KEY;
    const char *env[] = {"ORDO_LLM_PROVIDER=openai", url, "ORDO_LLM_MODEL=fake-model", key, NULL};

    ordo_fakellm_start(&fake, LLM_KEY);
    (void)snprintf(url, sizeof url, "ORDO_LLM_URL=%s", fake.url);
    httptest_start(&srv, "http_drafts", env);
}

/* tests/fixtures/ir/NAME, parsed. */
static json_t *ir_fixture(const char *name)
{
    const char *dir = getenv("ORDOTEST_IR_DIR");
    char path[512];
    json_error_t e;
    json_t *ir;

    ck_assert_ptr_nonnull(dir);
    (void)snprintf(path, sizeof path, "%s/%s", dir, name);
    ir = json_load_file(path, 0, &e);
    ck_assert_msg(ir != NULL, "%s: %s", path, e.text);
    return ir;
}

/* The onboarding IR with an end event no flow reaches (ir/flow-count). */
static json_t *unreachable_ir(void)
{
    json_t *ir = ir_fixture("onboarding.json"), *n, *orphan = NULL;
    size_t i;

    json_array_foreach(json_object_get(ir, "nodes"), i, n)
    {
        if (!orphan && strcmp(str(n, "kind"), "end") == 0) {
            orphan = json_deep_copy(n);
        }
    }
    ck_assert_ptr_nonnull(orphan);
    (void)json_object_set_new(orphan, "id", json_string("End_orphan"));
    (void)json_array_append_new(json_object_get(ir, "nodes"), orphan);
    return ir;
}

/* Queue 'ir' (taken over) as the model's next answer, after 'delay_ms'. */
static void answer(json_t *ir, int delay_ms)
{
    json_t *item = json_pack("{s:o, s:i}", "ir", ir, "delay_ms", delay_ms);
    char *text = json_dumps(item, JSON_COMPACT);

    ordo_fakellm_script(&fake, text);
    free(text);
    json_decref(item);
}

static int64_t now_ms(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

START_TEST(through_an_llm_events_come_live_and_the_transcript_keeps_no_key)
{
    char *draft, *text, *dump;
    int64_t t0;
    json_t *d;

    start_with_llm();
    answer(ir_fixture("onboarding.json"), 1500);
    t0 = now_ms(); /* before the request: the model's delay may start at once */
    draft = create_draft(ADMIN_KEY, ONBOARDING, false);
    text = events(ADMIN_KEY, draft); /* open while the model "thinks": it waits for the events */
    ck_assert_int_ge(now_ms() - t0, 1000);
    ck_assert_msg(strstr(text, "event: prompt_sent\n") &&
                      strstr(text, "event: tokens_received\n") &&
                      strstr(text, "event: validation\n") && strstr(text, "event: layout_done\n"),
                  "%s", text);
    ck_assert_ptr_nonnull(strstr(text, "\"usable\":true"));
    free(text);
    d = get_draft(ADMIN_KEY, draft, "?transcript=true");
    ck_assert_str_eq(str(d, "status"), "ready");
    ck_assert_str_eq(str(d, "provider"), "openai");
    ck_assert_str_eq(str(d, "model"), "fake-model");
    ck_assert_int_ge(json_integer_value(json_object_get(d, "rounds")), 1);
    ck_assert_int_gt(json_integer_value(json_object_get(json_object_get(d, "tokens"), "prompt")),
                     0);
    ck_assert_int_ge(json_array_size(json_object_get(d, "transcript")), 2);
    dump = json_dumps(d, 0);
    ck_assert_ptr_null(strstr(dump, LLM_KEY)); /* the API key is nowhere in a draft */
    free(dump);
    json_decref(d);
    free(draft);
    httptest_stop(&srv);
    ordo_fakellm_stop(&fake);
}
END_TEST

START_TEST(an_llm_revision_is_made_and_one_that_stays_invalid_is_kept_with_its_violations)
{
    char *draft, *text, path[128];
    json_t *d, *renamed = ir_fixture("onboarding.json"), *reqs;

    start_with_llm();
    answer(ir_fixture("onboarding.json"), 0);
    draft = create_draft(ADMIN_KEY, ONBOARDING, false);
    free(events(ADMIN_KEY, draft));

    /* In words: the model gets the instruction and answers a changed IR. */
    (void)json_object_set_new(json_object_get(renamed, "process"), "name",
                              json_string("Onboarding, revised"));
    answer(renamed, 0);
    revise(draft, json_pack("{s:s}", "instruction", "call the process Onboarding, revised"), 2);
    free(events(ADMIN_KEY, draft));
    d = get_draft(ADMIN_KEY, draft, NULL);
    ck_assert_str_eq(str(d, "status"), "ready");
    ck_assert_str_eq(str(json_object_get(json_object_get(d, "ir"), "process"), "name"),
                     "Onboarding, revised");
    json_decref(d);
    reqs = ordo_fakellm_requests(&fake);
    text = json_dumps(json_array_get(reqs, json_array_size(reqs) - 1), 0);
    ck_assert_ptr_nonnull(strstr(text, "call the process Onboarding, revised"));
    free(text);
    json_decref(reqs);

    /* A model that never fixes its graph: the repair rounds run out; the
     * draft is kept, failed, with the violations of the last round. */
    for (int i = 0; i < 4; i++) {
        answer(unreachable_ir(), 0);
    }
    revise(draft, json_pack("{s:s}", "instruction", "add a goodbye"), 3);
    text = events(ADMIN_KEY, draft);
    ck_assert_msg(strstr(text, "End_orphan") != NULL, "%s", text);
    free(text);
    d = get_draft(ADMIN_KEY, draft, NULL);
    ck_assert_str_eq(str(d, "status"), "failed");
    ck_assert(!json_is_true(json_object_get(d, "usable")));
    text = json_dumps(json_object_get(d, "violations"), 0);
    ck_assert_ptr_nonnull(strstr(text, "End_orphan"));
    free(text);
    ck_assert_int_eq(json_array_size(json_object_get(d, "history")), 3);
    json_decref(d);
    (void)snprintf(path, sizeof path, "/api/drafts/%s/deploy", draft);
    ck_assert_int_eq(httptest_call(&srv, "POST", path, ADMIN_KEY, NULL, NULL), 422);
    ordo_fakellm_reset(&fake);
    free(draft);
    httptest_stop(&srv);
    ordo_fakellm_stop(&fake);
}
END_TEST

START_TEST(a_server_killed_during_an_llm_call_leaves_a_failed_draft)
{
    char *draft, sql[160];
    json_t *d;
    long n = 0;

    start_with_llm();
    /* Long enough to kill the server inside the call, short enough for the
     * fake to stop in time afterwards (it finishes the sleeping answer). */
    answer(ir_fixture("onboarding.json"), 6000);
    draft = create_draft(ADMIN_KEY, ONBOARDING, false);
    (void)snprintf(sql, sizeof sql,
                   "SELECT count(*) FROM draft WHERE key = %s AND status = 'running'", draft);
    for (int i = 0; i < 200 && (n = count(sql)) != 1; i++) {
        sleep_ms(50);
    }
    ck_assert_int_eq(n, 1);
    httptest_kill_restart(&srv);
    /* The start-up reap sees the draft only once PostgreSQL has noticed the
     * killed server's session (its advisory lock); the periodic one (30 s)
     * catches it otherwise. */
    d = get_draft(ADMIN_KEY, draft, NULL);
    for (int i = 0; i < 400 && strcmp(str(d, "status"), "running") == 0; i++) {
        json_decref(d);
        sleep_ms(100);
        d = get_draft(ADMIN_KEY, draft, NULL);
    }
    ck_assert_str_eq(str(d, "status"), "failed");
    ck_assert_ptr_nonnull(
        strstr(str(json_object_get(d, "error"), "message"), "stopped while drafting"));
    json_decref(d);
    free(events(ADMIN_KEY, draft)); /* ends: the restart wrote the "done" event */
    free(draft);
    httptest_stop(&srv);
    ordo_fakellm_stop(&fake);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("http_drafts");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 300);
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, an_offline_draft_streams_its_progress_deploys_with_an_audit_row_and_starts);
    tcase_add_test(tc, a_draft_that_fails_is_kept_with_what_went_wrong_and_cannot_be_deployed);
    tcase_add_test(tc, an_edit_the_ir_cannot_hold_is_kept_and_turns_revising_in_words_off);
    tcase_add_test(tc, an_edit_that_lifts_keeps_the_draft_revisable);
    tcase_add_test(tc, designers_see_their_own_drafts_viewers_read_all_others_nothing);
    tcase_add_test(tc, a_draft_left_running_by_a_dead_server_is_failed_when_it_starts_again);
    tcase_add_test(tc, undeployed_drafts_are_purged_after_the_retention);
    tcase_add_test(tc, bad_input_is_refused_and_changes_nothing);
    tcase_add_test(tc, through_an_llm_events_come_live_and_the_transcript_keeps_no_key);
    tcase_add_test(tc,
                   an_llm_revision_is_made_and_one_that_stays_invalid_is_kept_with_its_violations);
    tcase_add_test(tc, a_server_killed_during_an_llm_call_leaves_a_failed_draft);
    suite_add_tcase(s, tc);
    return s;
}

PGTEST_CHECK_MAIN(make_suite)
