/*
 * tests/integration/test_draft.c - the draft store (core/draft.h) on a real
 * PostgreSQL as the application role: a draft taken by a worker is safe
 * from the reaper while the worker's connection lives and failed once it
 * is gone; finishing records the outcome and the "done" event in one go
 * and only for the worker that holds the draft; revisions are refused
 * while a draft is in work or when revising in words is off; a designer
 * reads only their own drafts; old undeployed drafts are purged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>

#include "base/pg.h"
#include "core/draft.h"
#include "tests/integration/pgtest.h"

static char *dbname;
static PGconn *db; /* the API's connection */
static struct ordo_err err;

static void setup(void)
{
    ordo_err_clear(&err);
    dbname = pgtest_db_create("draft");
    ck_assert_msg(ordo_pg_connect(pgtest_conninfo(dbname, PGTEST_APP), &db, &err) == ORDO_OK, "%s",
                  err.msg);
}

static void teardown(void)
{
    PQfinish(db);
    pgtest_db_drop(dbname);
    free(dbname);
}

static PGconn *app_conn(void)
{
    PGconn *c = NULL;

    ck_assert_int_eq(ordo_pg_connect(pgtest_conninfo(dbname, PGTEST_APP), &c, &err), ORDO_OK);
    return c;
}

/* The first column of the first row of 'sql' as the owner ("" for none). */
static char *sql1(const char *sql)
{
    static char value[4096];
    PGconn *owner = pgtest_connect(dbname, PGTEST_OWNER);
    PGresult *res = PQexec(owner, sql);

    ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK || PQresultStatus(res) == PGRES_COMMAND_OK,
                  "%s: %s", sql, PQerrorMessage(owner));
    (void)snprintf(value, sizeof value, "%s",
                   PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) ? PQgetvalue(res, 0, 0)
                                                                            : "");
    PQclear(res);
    PQfinish(owner);
    return value;
}

static int64_t new_draft(int64_t user, const char *text)
{
    struct ordo_draft_new d = {.user_key = user, .actor = "user:t", .text = text};
    int64_t key = 0;

    ck_assert_msg(ordo_draft_create(db, &d, &key, &err) == ORDO_OK, "%s", err.msg);
    return key;
}

static const char *status_of(int64_t key)
{
    char sql[128];

    (void)snprintf(sql, sizeof sql, "SELECT status FROM draft WHERE key = %lld", (long long)key);
    return sql1(sql);
}

/* A worker's claim on its own connection 'w'. */
static void claim(PGconn *w, struct ordo_arena *a, struct ordo_draft_job *job)
{
    bool found = false;

    ck_assert_msg(ordo_draft_claim(w, a, "node:1", job, &found, &err) == ORDO_OK, "%s", err.msg);
    ck_assert(found);
}

START_TEST(a_taken_draft_is_reaped_only_once_its_worker_connection_is_gone)
{
    struct ordo_arena *a = ordo_arena_new();
    struct ordo_draft_job job;
    PGconn *w = app_conn();
    int failed = -1;
    int64_t key = new_draft(0, "post in Slack");
    json_t *page = NULL;

    claim(w, a, &job);
    ck_assert_int_eq(job.key, key);
    ck_assert_int_eq(job.kind, ORDO_DRAFT_KIND_DRAFT);
    ck_assert_str_eq(job.text, "post in Slack");
    ck_assert_str_eq(status_of(key), "running");
    ck_assert_int_eq(ordo_draft_reap(db, &failed, &err), ORDO_OK);
    ck_assert_int_eq(failed, 0); /* the worker holds it */
    ck_assert_str_eq(status_of(key), "running");

    PQfinish(w); /* the node dies; its backend ends a moment later */
    for (int i = 0; i < 100 && failed == 0; i++) {
        ck_assert_int_eq(ordo_draft_reap(db, &failed, &err), ORDO_OK);
        if (failed == 0) {
            (void)nanosleep(&(struct timespec){0, 50L * 1000000}, NULL);
        }
    }
    ck_assert_int_eq(failed, 1);
    ck_assert_str_eq(status_of(key), "failed");
    ck_assert_ptr_nonnull(strstr(sql1("SELECT error->>'message' FROM draft"), "stopped"));
    ck_assert_int_eq(ordo_draft_events(db, key, 0, 0, 0, 10, &page, &err), ORDO_OK);
    ck_assert_int_eq(json_array_size(json_object_get(page, "items")), 1);
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(page, "items"), 0), "event")),
                     "done");
    json_decref(page);
    ck_assert_int_eq(ordo_draft_reap(db, &failed, &err), ORDO_OK);
    ck_assert_int_eq(failed, 0); /* once */
    json_decref(job.ir);
    ordo_arena_free(a);
}
END_TEST

START_TEST(finishing_records_the_outcome_for_the_holder_only)
{
    struct ordo_arena *a = ordo_arena_new();
    struct ordo_draft_job job;
    PGconn *w = app_conn();
    json_t *out = NULL, *data = json_pack("{s:i}", "unplaced", 0);
    json_t *outcome =
        json_pack("{s:b, s:{s:i}, s:s, s:[s], s:s}", "usable", true, "ir", "ir_version", 1, "xml",
                  "<x/>", "assumptions", "a role", "provider", "offline");
    bool kept = false;
    int failed = -1;
    int64_t key = new_draft(0, "post in Slack");

    claim(w, a, &job);
    ck_assert_int_eq(ordo_draft_event(w, &job, 1, "drafted", data, &err), ORDO_OK);
    /* Another node's name: not its job, nothing written. */
    ck_assert_int_eq(ordo_draft_finish(w, &job, "node:2", 2, outcome, &kept, &err), ORDO_OK);
    ck_assert(!kept);
    ck_assert_str_eq(status_of(key), "running");
    /* The lock went with that finish: the reaper may now take it, as it
     * would once the worker gave up. Claim again to test the real finish. */
    ck_assert_int_eq(ordo_draft_reap(db, &failed, &err), ORDO_OK);
    ck_assert_int_eq(failed, 1);
    ck_assert_str_eq(status_of(key), "failed");
    json_decref(job.ir);

    ck_assert_int_eq(ordo_draft_revise(db, key, 0, NULL, "<x/>", &(int){0}, &err), ORDO_OK);
    claim(w, a, &job);
    ck_assert_int_eq(job.kind, ORDO_DRAFT_KIND_EDIT);
    ck_assert_str_eq(job.xml, "<x/>");
    ck_assert_int_eq(ordo_draft_finish(w, &job, "node:1", 1, outcome, &kept, &err), ORDO_OK);
    ck_assert(kept);
    ck_assert_int_eq(ordo_draft_get(db, key, 0, false, &out, &err), ORDO_OK);
    ck_assert_str_eq(json_string_value(json_object_get(out, "status")), "ready");
    ck_assert(json_is_true(json_object_get(out, "usable")));
    ck_assert_str_eq(json_string_value(json_object_get(out, "xml")), "<x/>");
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(out, "ir"), "ir_version")),
                     1);
    ck_assert_int_eq(json_array_size(json_object_get(out, "history")), 2);
    ck_assert_ptr_null(json_object_get(json_object_get(out, "request"), "xml"));
    json_decref(out);
    ck_assert_int_eq(ordo_draft_reap(db, &failed, &err), ORDO_OK);
    ck_assert_int_eq(failed, 0);
    json_decref(job.ir);
    json_decref(outcome);
    json_decref(data);
    PQfinish(w);
    ordo_arena_free(a);
}
END_TEST

START_TEST(revisions_wait_for_the_work_and_respect_revisable)
{
    struct ordo_arena *a = ordo_arena_new();
    struct ordo_draft_job job;
    PGconn *w = app_conn();
    json_t *outcome = json_pack("{s:b, s:{s:i}, s:s, s:b, s:s}", "usable", false, "ir",
                                "ir_version", 1, "xml", "<y/>", "revisable", false,
                                "revisableReason", "element 'Sub_1' is a bpmn:subProcess");
    bool kept = false;
    int revision = 0;
    int64_t key = new_draft(0, "post in Slack");

    ck_assert_int_eq(ordo_draft_revise(db, key, 0, "add a step", NULL, &revision, &err),
                     ORDO_E_CONFLICT);
    claim(w, a, &job);
    ordo_err_clear(&err);
    ck_assert_int_eq(ordo_draft_revise(db, key, 0, NULL, "<y/>", &revision, &err), ORDO_E_CONFLICT);
    ck_assert_int_eq(ordo_draft_finish(w, &job, "node:1", 1, outcome, &kept, &err), ORDO_OK);
    ck_assert(kept);
    ordo_err_clear(&err);
    ck_assert_int_eq(ordo_draft_revise(db, key, 0, "add a step", NULL, &revision, &err),
                     ORDO_E_UNPROCESSABLE);
    ck_assert_ptr_nonnull(strstr(err.msg, "Sub_1"));
    ck_assert_str_eq(sql1("SELECT revision FROM draft"), "1");
    ordo_err_clear(&err);
    ck_assert_int_eq(ordo_draft_revise(db, key, 0, NULL, "<z/>", &revision, &err), ORDO_OK);
    ck_assert_int_eq(revision, 2);
    ck_assert_str_eq(status_of(key), "queued");
    json_decref(job.ir);
    json_decref(outcome);
    PQfinish(w);
    ordo_arena_free(a);
}
END_TEST

START_TEST(designers_read_only_their_own_drafts_and_old_ones_go)
{
    int64_t alice = strtoll(sql1("INSERT INTO app_user (login, email) VALUES ('alice', "
                                 "'a@example.com') RETURNING key"),
                            NULL, 10);
    int64_t bob = strtoll(sql1("INSERT INTO app_user (login, email) VALUES ('bob', "
                               "'b@example.com') RETURNING key"),
                          NULL, 10);
    int64_t mine = new_draft(alice, "one"), old = new_draft(alice, "two");
    json_t *out = NULL;
    int deleted = -1;
    char sql[256];

    ck_assert_int_eq(ordo_draft_get(db, mine, alice, false, &out, &err), ORDO_OK);
    json_decref(out);
    ck_assert_int_eq(ordo_draft_get(db, mine, bob, false, &out, &err), ORDO_E_NOTFOUND);
    ck_assert_int_eq(ordo_draft_list(db, bob, NULL, NULL, NULL, &out, &err), ORDO_OK);
    ck_assert_int_eq(json_array_size(json_object_get(out, "items")), 0);
    json_decref(out);
    ck_assert_int_eq(ordo_draft_list(db, 0, "queued", "1", NULL, &out, &err), ORDO_OK);
    ck_assert_int_eq(json_array_size(json_object_get(out, "items")), 1);
    ck_assert(json_is_string(json_object_get(out, "next")));
    json_decref(out);

    /* Both a day old and finished; one was deployed. */
    (void)snprintf(sql, sizeof sql,
                   "UPDATE draft SET status = 'ready', updated_at = now() - interval '1 day', "
                   "deployed_at = CASE WHEN key = %lld THEN now() END",
                   (long long)mine);
    (void)sql1(sql);
    ck_assert_int_eq(ordo_draft_purge(db, 3600000, &deleted, &err), ORDO_OK);
    ck_assert_int_eq(deleted, 1);
    ck_assert_int_eq(ordo_draft_get(db, old, 0, false, &out, &err), ORDO_E_NOTFOUND);
    ck_assert_int_eq(ordo_draft_get(db, mine, 0, false, &out, &err), ORDO_OK);
    json_decref(out);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("draft");
    TCase *tc = tcase_create("store");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, a_taken_draft_is_reaped_only_once_its_worker_connection_is_gone);
    tcase_add_test(tc, finishing_records_the_outcome_for_the_holder_only);
    tcase_add_test(tc, revisions_wait_for_the_work_and_respect_revisable);
    tcase_add_test(tc, designers_read_only_their_own_drafts_and_old_ones_go);
    suite_add_tcase(s, tc);
    return s;
}

PGTEST_CHECK_MAIN(make_suite)
