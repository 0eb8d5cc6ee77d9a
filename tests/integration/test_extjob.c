/*
 * tests/integration/test_extjob: jobs done by external workers
 * (core/extjob.h) against a real PostgreSQL: locking by type with the
 * job's data, locks that keep others out and expire, outcomes only from
 * the holder, retries a worker sets, a BPMN error caught by a boundary,
 * extend and unlock, and bad input refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>

#include "base/arena.h"
#include "core/extjob.h"
#include "core/query.h"
#include "core/store.h"
#include "tests/integration/pgtest.h"
#include "tests/integration/storetest.h"

#define TYPE "ext.work"

static struct ordo_arena *arena;

static void setup(void)
{
    storetest_setup();
    storetest_deploy("ext-work.bpmn");
    arena = ordo_arena_new();
}

static void teardown(void)
{
    ordo_arena_free(arena);
    storetest_teardown();
}

static size_t lock(const char *worker, int64_t lock_ms, struct ordo_extjob **jobs)
{
    struct ordo_extjob_topic t = {.type = TYPE, .lock_ms = lock_ms};
    struct ordo_err err = {0};
    size_t n = 0;

    ck_assert_msg(ordo_extjob_lock(storetest_st, worker, &t, 1, 10, arena, jobs, &n, &err) ==
                      ORDO_OK,
                  "%s", err.msg);
    return n;
}

static const char *state_of(int64_t instance)
{
    return storetest_sql1("SELECT status FROM instance WHERE key = $1", storetest_key(instance));
}

/* Variable 'name' of an instance as JSON text ("null" when unset). */
static const char *var_of(int64_t instance, const char *name)
{
    static char text[256];
    struct ordo_err err = {0};
    json_t *doc = NULL;
    char *dumped;

    ck_assert_msg(ordo_query_get_instance(storetest_st, instance, &doc, &err) == ORDO_OK, "%s",
                  err.msg);
    dumped = json_dumps(json_object_get(json_object_get(doc, "variables"), name), JSON_ENCODE_ANY);
    (void)snprintf(text, sizeof text, "%s", dumped ? dumped : "null");
    free(dumped);
    json_decref(doc);
    return text;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    (void)nanosleep(&ts, NULL);
}

START_TEST(a_locked_job_carries_its_data_and_its_completion_moves_the_instance)
{
    int64_t inst = storetest_start("ext_work", "{\"amount\": 12}");
    struct ordo_extjob *jobs = NULL, *again = NULL;
    struct ordo_err err = {0};
    json_t *result = json_pack("{s:b}", "paid", 1);

    ck_assert_uint_eq(lock("w1", 60000, &jobs), 1);
    ck_assert_int_eq(jobs[0].instance_key, inst);
    ck_assert_str_eq(jobs[0].type, TYPE);
    ck_assert_str_eq(jobs[0].element_id, "work");
    ck_assert_str_eq(jobs[0].process_id, "ext_work");
    ck_assert_int_eq(jobs[0].version, 1);
    ck_assert_int_eq(jobs[0].retries, 3);
    ck_assert_int_eq(json_integer_value(json_object_get(jobs[0].variables, "amount")), 12);
    ck_assert_str_eq(json_string_value(json_object_get(jobs[0].headers, "purpose")), "testing");
    ck_assert_int_gt(jobs[0].deadline_ms, (int64_t)time(NULL) * 1000 + 50000);
    /* Locked: nobody else gets it. */
    ck_assert_uint_eq(lock("w2", 60000, &again), 0);
    ck_assert_str_eq(storetest_sql1("SELECT count(*) FROM audit WHERE action = 'job.lock' AND "
                                    "payload::json->>'worker' = $1",
                                    "w1"),
                     "1");

    ck_assert_msg(
        ordo_extjob_complete(storetest_st, jobs[0].key, "w1", result, "user:test", &err) == ORDO_OK,
        "%s", err.msg);
    ck_assert_str_eq(state_of(inst), "completed");
    ck_assert_str_eq(var_of(inst, "paid"), "true");
    /* Over: a second completion finds nothing. */
    ck_assert_int_eq(ordo_extjob_complete(storetest_st, jobs[0].key, "w1", NULL, "user:test", &err),
                     ORDO_E_NOTFOUND);
    json_decref(result);
}
END_TEST

START_TEST(only_the_holder_reports_and_an_expired_lock_passes_to_another_worker)
{
    int64_t inst = storetest_start("ext_work", NULL);
    struct ordo_extjob *jobs = NULL, *taken = NULL;
    struct ordo_err err = {0};
    int64_t key;

    ck_assert_uint_eq(lock("w1", 300, &jobs), 1);
    key = jobs[0].key;
    ck_assert_int_eq(ordo_extjob_complete(storetest_st, key, "w2", NULL, "user:test", &err),
                     ORDO_E_CONFLICT);
    ck_assert_ptr_nonnull(strstr(err.msg, "w1"));
    /* The lock runs out: another worker takes the job, and the first one's
     * word no longer counts. */
    sleep_ms(400);
    ck_assert_uint_eq(lock("w2", 60000, &taken), 1);
    ck_assert_int_eq(taken[0].key, key);
    ck_assert_int_eq(ordo_extjob_complete(storetest_st, key, "w1", NULL, "user:test", &err),
                     ORDO_E_CONFLICT);
    ck_assert_str_eq(state_of(inst), "active");
    /* Camunda 8 outcomes name no worker: any external holder will do. */
    ck_assert_msg(ordo_extjob_complete(storetest_st, key, NULL, NULL, "user:test", &err) == ORDO_OK,
                  "%s", err.msg);
    ck_assert_str_eq(state_of(inst), "completed");
}
END_TEST

START_TEST(a_failure_sets_the_retries_left_and_the_last_one_raises_an_incident)
{
    int64_t inst = storetest_start("ext_work", NULL);
    struct ordo_extjob *jobs = NULL;
    struct ordo_err err = {0};
    json_t *vars = json_pack("{s:s}", "why", "down");

    ck_assert_uint_eq(lock("w1", 60000, &jobs), 1);
    ck_assert_msg(ordo_extjob_fail(storetest_st, jobs[0].key, "w1", "service down", 5, 0, vars,
                                   "user:test", &err) == ORDO_OK,
                  "%s", err.msg);
    /* Due again at once, with the retries the worker said and its message. */
    ck_assert_uint_eq(lock("w1", 60000, &jobs), 1);
    ck_assert_int_eq(jobs[0].retries, 5);
    ck_assert_str_eq(jobs[0].last_error, "service down");
    ck_assert_str_eq(var_of(inst, "why"), "\"down\"");
    /* A retry timeout keeps it away until it passes. */
    ck_assert_int_eq(ordo_extjob_fail(storetest_st, jobs[0].key, "w1", "again", 4, 60000, NULL,
                                      "user:test", &err),
                     ORDO_OK);
    ck_assert_uint_eq(lock("w1", 60000, &jobs), 0);
    storetest_sql1("UPDATE job SET due_at = now() WHERE type = $1 RETURNING 1", TYPE);
    ck_assert_uint_eq(lock("w1", 60000, &jobs), 1);
    ck_assert_int_eq(jobs[0].retries, 4);
    /* None left: an incident, and the job is handed out no more. */
    ck_assert_int_eq(
        ordo_extjob_fail(storetest_st, jobs[0].key, "w1", "gave up", 0, 0, NULL, "user:test", &err),
        ORDO_OK);
    ck_assert_str_eq(storetest_sql1("SELECT count(*) FROM incident WHERE instance_key = $1 AND "
                                    "state = 'open'",
                                    storetest_key(inst)),
                     "1");
    ck_assert_uint_eq(lock("w1", 60000, &jobs), 0);
    ck_assert_str_eq(state_of(inst), "active");
    json_decref(vars);
}
END_TEST

START_TEST(a_bpmn_error_is_caught_by_the_boundary_event)
{
    int64_t inst = storetest_start("ext_work", NULL);
    struct ordo_extjob *jobs = NULL;
    struct ordo_err err = {0};

    ck_assert_uint_eq(lock("w1", 60000, &jobs), 1);
    ck_assert_msg(ordo_extjob_error(storetest_st, jobs[0].key, "w1", "BAD", "bad input", NULL,
                                    "user:test", &err) == ORDO_OK,
                  "%s", err.msg);
    ck_assert_str_eq(state_of(inst), "completed");
    ck_assert_str_eq(storetest_sql1("SELECT count(*) " STORETEST_EFFECTS
                                    "WHERE a.instance_key = $1 AND e->>'event' = 'enter' AND "
                                    "e->>'element' = 'end_caught'",
                                    storetest_key(inst)),
                     "1");
}
END_TEST

START_TEST(extend_keeps_a_lock_and_unlock_hands_the_job_out_again)
{
    struct ordo_extjob *jobs = NULL;
    struct ordo_err err = {0};
    int64_t key;

    storetest_start("ext_work", NULL);
    ck_assert_uint_eq(lock("w1", 300, &jobs), 1);
    key = jobs[0].key;
    ck_assert_msg(ordo_extjob_extend(storetest_st, key, "w1", 60000, &err) == ORDO_OK, "%s",
                  err.msg);
    sleep_ms(400);
    ck_assert_uint_eq(lock("w2", 60000, &jobs), 0);
    ck_assert_int_eq(ordo_extjob_extend(storetest_st, key, "w2", 60000, &err), ORDO_E_CONFLICT);
    ck_assert_msg(ordo_extjob_unlock(storetest_st, key, &err) == ORDO_OK, "%s", err.msg);
    ck_assert_uint_eq(lock("w2", 60000, &jobs), 1);
    ck_assert_int_eq(jobs[0].key, key);
}
END_TEST

START_TEST(filters_and_suspension_decide_what_is_handed_out)
{
    struct ordo_extjob_topic t = {.type = TYPE, .lock_ms = 60000, .business_key = "B-2"};
    struct ordo_extjob *jobs = NULL;
    struct ordo_err err = {0};
    size_t n = 0;
    int64_t one = storetest_start("ext_work", NULL);

    storetest_sql1("UPDATE instance SET business_key = 'B-1' WHERE key = $1 RETURNING 1",
                   storetest_key(one));
    ck_assert_int_eq(ordo_extjob_lock(storetest_st, "w1", &t, 1, 10, arena, &jobs, &n, &err),
                     ORDO_OK);
    ck_assert_uint_eq(n, 0);
    t.business_key = "B-1";
    t.process_id = "other";
    ck_assert_int_eq(ordo_extjob_lock(storetest_st, "w1", &t, 1, 10, arena, &jobs, &n, &err),
                     ORDO_OK);
    ck_assert_uint_eq(n, 0);
    storetest_sql1("UPDATE instance SET suspended = true WHERE key = $1 RETURNING 1",
                   storetest_key(one));
    ck_assert_uint_eq(lock("w1", 60000, &jobs), 0);
    storetest_sql1("UPDATE instance SET suspended = false WHERE key = $1 RETURNING 1",
                   storetest_key(one));
    t.process_id = "ext_work";
    ck_assert_int_eq(ordo_extjob_lock(storetest_st, "w1", &t, 1, 10, arena, &jobs, &n, &err),
                     ORDO_OK);
    ck_assert_uint_eq(n, 1);
}
END_TEST

START_TEST(bad_input_is_refused_and_changes_nothing)
{
    struct ordo_extjob_topic two[2] = {{.type = TYPE, .lock_ms = 1000},
                                       {.type = TYPE, .lock_ms = 1000}};
    struct ordo_extjob_topic zero = {.type = TYPE, .lock_ms = 0};
    struct ordo_extjob *jobs = NULL;
    struct ordo_err err = {0};
    json_t *list = json_array();
    size_t n = 0;

    storetest_start("ext_work", NULL);
    ck_assert_int_eq(ordo_extjob_lock(storetest_st, "", two, 1, 1, arena, &jobs, &n, &err),
                     ORDO_E_UNPROCESSABLE);
    ck_assert_int_eq(ordo_extjob_lock(storetest_st, "w", two, 2, 1, arena, &jobs, &n, &err),
                     ORDO_E_UNPROCESSABLE);
    ck_assert_int_eq(ordo_extjob_lock(storetest_st, "w", &zero, 1, 1, arena, &jobs, &n, &err),
                     ORDO_E_UNPROCESSABLE);
    ck_assert_int_eq(ordo_extjob_lock(storetest_st, "w", two, 1, 0, arena, &jobs, &n, &err),
                     ORDO_E_UNPROCESSABLE);
    ck_assert_int_eq(ordo_extjob_complete(storetest_st, 987654321, "w", NULL, "user:test", &err),
                     ORDO_E_NOTFOUND);
    ck_assert_uint_eq(lock("w1", 60000, &jobs), 1);
    ck_assert_int_eq(ordo_extjob_complete(storetest_st, jobs[0].key, "w1", list, "user:test", &err),
                     ORDO_E_INVAL);
    ck_assert_int_eq(
        ordo_extjob_fail(storetest_st, jobs[0].key, "w1", "x", -1, 0, NULL, "user:test", &err),
        ORDO_E_UNPROCESSABLE);
    ck_assert_int_eq(
        ordo_extjob_error(storetest_st, jobs[0].key, "w1", "", NULL, NULL, "user:test", &err),
        ORDO_E_UNPROCESSABLE);
    /* Still locked by w1, still waiting. */
    ck_assert_str_eq(storetest_sql1("SELECT lock_owner FROM job WHERE type = $1", TYPE), "ext:w1");
    json_decref(list);
}
END_TEST

static Suite *extjob_suite(void)
{
    Suite *s = suite_create("extjob");
    TCase *tc = tcase_create("external jobs");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, a_locked_job_carries_its_data_and_its_completion_moves_the_instance);
    tcase_add_test(tc, only_the_holder_reports_and_an_expired_lock_passes_to_another_worker);
    tcase_add_test(tc, a_failure_sets_the_retries_left_and_the_last_one_raises_an_incident);
    tcase_add_test(tc, a_bpmn_error_is_caught_by_the_boundary_event);
    tcase_add_test(tc, extend_keeps_a_lock_and_unlock_hands_the_job_out_again);
    tcase_add_test(tc, filters_and_suspension_decide_what_is_handed_out);
    tcase_add_test(tc, bad_input_is_refused_and_changes_nothing);
    suite_add_tcase(s, tc);
    return s;
}

PGTEST_CHECK_MAIN(extjob_suite)
