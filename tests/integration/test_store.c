/*
 * tests/integration/test_store: the engine persisted in a real PostgreSQL,
 * driven by the real executor (core/executor.c) with its threads, LISTEN
 * thread and leases. Each test has its own database cloned from the
 * migrated template, and connects as the application role.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>

#include "base/crypto.h"
#include "base/file.h"
#include "core/executor.h"
#include "core/store.h"
#include "tests/integration/pgtest.h"

static char *dbname;
static const char *app; /* conninfo of the application role */
static struct ordo_defcache *cache;
static struct ordo_store *st;

static void setup(void)
{
    struct ordo_err err = {0};

    ck_assert_int_eq(ordo_crypto_init(&err), ORDO_OK);
    dbname = pgtest_db_create("store");
    app = pgtest_conninfo(dbname, PGTEST_APP);
    cache = ordo_defcache_new(NULL);
    ck_assert_msg(ordo_store_open(app, cache, "test", &st, &err) == ORDO_OK, "%s", err.msg);
}

static void teardown(void)
{
    ordo_store_close(st);
    ordo_defcache_free(cache);
    pgtest_db_drop(dbname);
    free(dbname);
}

/* ---- helpers -------------------------------------------------------------------------------- */

/* The first column of the first row of 'sql' (one optional parameter), as
 * the owner role; "" for no row, "NULL" for SQL NULL. Static buffer. */
static const char *sql1(const char *sql, const char *param)
{
    static char value[4096];
    PGconn *db = pgtest_connect(dbname, PGTEST_OWNER);
    PGresult *res =
        PQexecParams(db, sql, param ? 1 : 0, NULL, param ? &param : NULL, NULL, NULL, 0);

    ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s: %s", sql, PQresultErrorMessage(res));
    (void)snprintf(value, sizeof value, "%s",
                   PQntuples(res) == 0      ? ""
                   : PQgetisnull(res, 0, 0) ? "NULL"
                                            : PQgetvalue(res, 0, 0));
    PQclear(res);
    PQfinish(db);
    return value;
}

static const char *key_text(int64_t key)
{
    static char buf[4][24];
    static int next;
    char *b = buf[next++ % 4];

    (void)snprintf(b, sizeof buf[0], "%lld", (long long)key);
    return b;
}

/* Poll until 'sql' answers 'want' (10 s at most). */
static void wait_for(const char *sql, const char *param, const char *want)
{
    struct timespec pause = {.tv_nsec = 20 * 1000000L};
    const char *got = "";

    for (int i = 0; i < 500; i++) {
        got = sql1(sql, param);
        if (strcmp(got, want) == 0) {
            return;
        }
        nanosleep(&pause, NULL);
    }
    ck_abort_msg("%s [%s]: waited for \"%s\", still \"%s\"", sql, param ? param : "", want, got);
}

static void deploy(const char *file)
{
    char path[1024];
    const char *src = getenv("ORDOTEST_SOURCE_DIR");
    const struct ordo_deployed *out;
    const struct ordo_graph_finding *findings;
    size_t nout, nfindings;
    struct ordo_arena *arena = ordo_arena_new();
    struct ordo_buf xml = ORDO_BUF_INIT;
    struct ordo_err err = {0};

    (void)snprintf(path, sizeof path, "%s/tests/integration/bpmn/%s", src ? src : ".", file);
    ck_assert_msg(ordo_file_read(path, 1 << 20, "BPMN file", &xml, &err) == ORDO_OK, "%s", err.msg);
    ck_assert_msg(ordo_store_deploy(st, file, xml.data, xml.len, "user:test", arena, &out, &nout,
                                    &findings, &nfindings, &err) == ORDO_OK,
                  "%s", err.msg);
    ck_assert_uint_eq(nout, 1);
    ordo_buf_cleanup(&xml);
    ordo_arena_free(arena);
}

static int64_t start(const char *process, const char *vars_json)
{
    json_t *vars = vars_json ? json_loads(vars_json, 0, NULL) : NULL;
    struct ordo_start req = {.process_id = process, .variables = vars, .actor = "user:test"};
    struct ordo_err err = {0};
    int64_t key = 0;

    ck_assert_msg(ordo_store_start(st, &req, &key, &err) == ORDO_OK, "%s", err.msg);
    json_decref(vars);
    return key;
}

static struct ordo_executor *executor(const struct ordo_job_handlers *h, int threads)
{
    struct ordo_executor_options o = {.conninfo = app,
                                      .owner = "node-a",
                                      .cache = cache,
                                      .handlers = h ? h : ordo_builtin_handlers(),
                                      .threads = threads,
                                      .poll_ms = 50};
    struct ordo_executor *ex = NULL;
    struct ordo_err err = {0};

    ck_assert_msg(ordo_executor_start(&o, &ex, &err) == ORDO_OK, "%s", err.msg);
    return ex;
}

static int64_t open_task(int64_t instance)
{
    wait_for("SELECT count(*) FROM user_task WHERE instance_key = $1 AND state = 'created'",
             key_text(instance), "1");
    return strtoll(sql1("SELECT key FROM user_task WHERE instance_key = $1 AND state = 'created'",
                        key_text(instance)),
                   NULL, 10);
}

static void complete_task(int64_t task, const char *vars_json)
{
    json_t *vars = vars_json ? json_loads(vars_json, 0, NULL) : NULL;
    struct ordo_err err = {0};

    ck_assert_msg(ordo_store_complete_task(st, task, vars, "user:manager", &err) == ORDO_OK, "%s",
                  err.msg);
    json_decref(vars);
}

#define STATUS_SQL "SELECT status FROM instance WHERE key = $1"

/* ---- start to end --------------------------------------------------------------------------- */

START_TEST(service_tasks_and_a_user_task_run_to_the_end)
{
    struct ordo_executor *ex;
    int64_t inst, task;
    struct ordo_err err = {0};

    deploy("flow.bpmn");
    inst = start("flow", "{\"order\": 7}");
    ex = executor(NULL, 2);
    task = open_task(inst);
    ck_assert_str_eq(sql1("SELECT assignee FROM user_task WHERE key = $1", key_text(task)),
                     "manager");
    complete_task(task, "{\"approved\": true}");
    wait_for(STATUS_SQL, key_text(inst), "completed");
    ordo_executor_stop(ex);

    /* Completing it again changes nothing. */
    ck_assert_int_eq(ordo_store_complete_task(st, task, NULL, "user:manager", &err),
                     ORDO_E_CONFLICT);
    ck_assert_str_eq(sql1("SELECT count(*) FROM job", NULL), "0");
    ck_assert_str_eq(sql1("SELECT completed_by FROM user_task WHERE key = $1", key_text(task)),
                     "user:manager");
    /* The audit holds every fact, in order, ending with the end. */
    ck_assert_str_eq(sql1("SELECT action FROM audit WHERE instance_key = $1 ORDER BY seq DESC "
                          "LIMIT 1",
                          key_text(inst)),
                     "end");
    ck_assert_str_eq(sql1("SELECT count(*) FROM audit WHERE instance_key = $1 AND action = "
                          "'job.completed'",
                          key_text(inst)),
                     "2");
    ck_assert_str_eq(sql1("SELECT payload::json->'variables'->>'approved' FROM audit WHERE "
                          "instance_key = $1 AND action = 'end'",
                          key_text(inst)),
                     "true");
}
END_TEST

START_TEST(deploying_the_same_file_again_makes_no_new_version)
{
    deploy("flow.bpmn");
    deploy("flow.bpmn");
    ck_assert_str_eq(sql1("SELECT count(*) FROM definition WHERE process_id = 'flow'", NULL), "1");
}
END_TEST

START_TEST(an_instance_survives_a_restart_between_steps)
{
    struct ordo_executor *ex;
    struct ordo_err err = {0};
    int64_t inst, task;

    deploy("flow.bpmn");
    inst = start("flow", NULL);
    ex = executor(NULL, 1);
    task = open_task(inst);
    ordo_executor_stop(ex);
    /* A new process: nothing in memory survives, only the database. */
    ordo_store_close(st);
    ordo_defcache_free(cache);
    cache = ordo_defcache_new(NULL);
    ck_assert_msg(ordo_store_open(app, cache, "test", &st, &err) == ORDO_OK, "%s", err.msg);
    complete_task(task, NULL);
    ex = executor(NULL, 1);
    wait_for(STATUS_SQL, key_text(inst), "completed");
    ordo_executor_stop(ex);
}
END_TEST

/* ---- retries and incidents ------------------------------------------------------------------ */

static atomic_int flaky_calls;

/* Fails, asking for an immediate retry, unless the job's variables say ok. */
static void flaky_run(void *ctx, const struct ordo_job *job, struct ordo_job_result *out)
{
    (void)ctx;
    atomic_fetch_add(&flaky_calls, 1);
    if (json_is_true(json_object_get(job->variables, "ok"))) {
        out->outcome = ORDO_JOB_DONE;
        out->variables = json_pack("{s:i}", "attempt", job->attempt);
        return;
    }
    out->outcome = ORDO_JOB_RETRY;
    out->retry_in_ms = 0;
    (void)snprintf(out->message, sizeof out->message, "not ok on attempt %d", job->attempt);
}

static const char *const flaky_types[] = {"test.flaky"};
static const struct ordo_job_handlers flaky = {.types = flaky_types, .ntypes = 1, .run = flaky_run};

START_TEST(a_failing_job_uses_its_retries_then_an_incident_is_retried_with_new_variables)
{
    struct ordo_executor *ex;
    struct ordo_err err = {0};
    json_t *fix = json_pack("{s:b}", "ok", 1);
    int64_t inst, incident;

    deploy("flaky.bpmn");
    atomic_store(&flaky_calls, 0);
    inst = start("flaky", NULL);
    ex = executor(&flaky, 2);
    wait_for("SELECT count(*) FROM incident WHERE instance_key = $1 AND state = 'open'",
             key_text(inst), "1");
    ck_assert_int_eq(atomic_load(&flaky_calls), 2); /* retries="2": two attempts */
    ck_assert_str_eq(sql1("SELECT reason FROM incident WHERE instance_key = $1", key_text(inst)),
                     "job failed: not ok on attempt 2");
    ck_assert_str_eq(sql1("SELECT status FROM instance WHERE key = $1", key_text(inst)), "active");
    incident =
        strtoll(sql1("SELECT key FROM incident WHERE instance_key = $1", key_text(inst)), NULL, 10);
    ck_assert_msg(ordo_store_resolve_incident(st, incident, fix, "user:ops", &err) == ORDO_OK, "%s",
                  err.msg);
    wait_for(STATUS_SQL, key_text(inst), "completed");
    ordo_executor_stop(ex);
    ck_assert_int_eq(atomic_load(&flaky_calls), 3);
    ck_assert_str_eq(sql1("SELECT state FROM incident WHERE key = $1", key_text(incident)),
                     "resolved");
    /* Resolving it twice is refused. */
    ck_assert_int_eq(ordo_store_resolve_incident(st, incident, NULL, "user:ops", &err),
                     ORDO_E_CONFLICT);
    json_decref(fix);
}
END_TEST

START_TEST(a_job_of_an_uninstalled_type_waits_without_an_incident)
{
    struct ordo_executor *ex;
    struct timespec pause = {.tv_nsec = 300 * 1000000L};
    int64_t inst;

    deploy("external.bpmn");
    inst = start("external", NULL);
    ex = executor(NULL, 1);
    nanosleep(&pause, NULL); /* several polls */
    ordo_executor_stop(ex);
    ck_assert_str_eq(
        sql1("SELECT type || ' ' || attempts FROM job WHERE instance_key = $1", key_text(inst)),
        "billing.charge 0");
    ck_assert_str_eq(sql1("SELECT count(*) FROM incident", NULL), "0");
    ck_assert_str_eq(sql1(STATUS_SQL, key_text(inst)), "active");
}
END_TEST

/* ---- timers --------------------------------------------------------------------------------- */

START_TEST(a_boundary_timer_fires_and_cancels_the_task)
{
    struct ordo_executor *ex;
    int64_t inst, task;

    deploy("timeout.bpmn");
    inst = start("timeout", NULL);
    task = open_task(inst);
    ck_assert_str_eq(sql1("SELECT element_id FROM job WHERE kind = 'timer' AND instance_key = $1",
                          key_text(inst)),
                     "late");
    ex = executor(NULL, 1);
    wait_for(STATUS_SQL, key_text(inst), "completed");
    ordo_executor_stop(ex);
    ck_assert_str_eq(sql1("SELECT state FROM user_task WHERE key = $1", key_text(task)),
                     "canceled");
    ck_assert_str_eq(sql1("SELECT count(*) FROM audit WHERE instance_key = $1 AND action = "
                          "'enter' AND element_id = 'escalated'",
                          key_text(inst)),
                     "1");
    ck_assert_str_eq(sql1("SELECT count(*) FROM job", NULL), "0");
}
END_TEST

/* ---- messages ------------------------------------------------------------------------------- */

static int publish(const char *key, const char *id, int64_t ttl_ms, bool *dup)
{
    json_t *vars = json_pack("{s:s}", "paidBy", "card");
    struct ordo_message m = {.name = "go",
                             .correlation_key = key,
                             .message_id = id,
                             .ttl_ms = ttl_ms,
                             .variables = vars,
                             .actor = "user:test"};
    struct ordo_err err = {0};
    int delivered = -1;

    ck_assert_msg(ordo_store_publish(st, &m, &delivered, dup, &err) == ORDO_OK, "%s", err.msg);
    json_decref(vars);
    return delivered;
}

START_TEST(a_buffered_message_meets_a_later_subscription_once)
{
    bool dup = true;
    int64_t first, second;

    deploy("wait-message.bpmn");
    ck_assert_int_eq(publish("k1", "m-1", 60000, &dup), 0);
    ck_assert(!dup);
    ck_assert_int_eq(publish("k1", "m-1", 60000, &dup), 0); /* the same id: ignored */
    ck_assert(dup);
    ck_assert_str_eq(sql1("SELECT count(*) FROM message", NULL), "1");

    first = start("wait_message", "{\"orderId\": \"k1\"}");
    ck_assert_str_eq(sql1(STATUS_SQL, key_text(first)), "completed");
    ck_assert_str_eq(sql1("SELECT payload::json->'variables'->>'paidBy' FROM audit WHERE "
                          "instance_key = $1 AND action = 'end'",
                          key_text(first)),
                     "card");
    /* Consumed: a second instance keeps waiting. */
    second = start("wait_message", "{\"orderId\": \"k1\"}");
    ck_assert_str_eq(sql1(STATUS_SQL, key_text(second)), "active");
    /* A message published now reaches it directly. */
    ck_assert_int_eq(publish("k1", NULL, 0, &dup), 1);
    ck_assert_str_eq(sql1(STATUS_SQL, key_text(second)), "completed");
}
END_TEST

START_TEST(an_expired_message_is_not_delivered)
{
    struct timespec pause = {.tv_nsec = 50 * 1000000L};
    bool dup;
    int64_t inst;

    deploy("wait-message.bpmn");
    ck_assert_int_eq(publish("k2", NULL, 1, &dup), 0);
    nanosleep(&pause, NULL);
    inst = start("wait_message", "{\"orderId\": \"k2\"}");
    ck_assert_str_eq(sql1(STATUS_SQL, key_text(inst)), "active");
}
END_TEST

START_TEST(correlate_without_a_waiting_instance_is_not_found)
{
    struct ordo_message m = {.name = "go", .correlation_key = "nobody"};
    struct ordo_err err = {0};
    int delivered = -1;

    deploy("wait-message.bpmn");
    ck_assert_int_eq(ordo_store_correlate(st, &m, &delivered, &err), ORDO_E_NOTFOUND);
    ck_assert_int_eq(delivered, 0);
    ck_assert_str_eq(sql1("SELECT count(*) FROM message", NULL), "0");
}
END_TEST

/* ---- a parallel join under concurrency ------------------------------------------------------ */

struct racer {
    struct ordo_store *st;
    struct ordo_job *job;
    pthread_barrier_t *go;
    enum ordo_code rc;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    struct ordo_err err = {0};

    pthread_barrier_wait(r->go);
    r->rc = ordo_store_job_complete(r->st, r->job, NULL, &err);
    return NULL;
}

START_TEST(two_jobs_completing_at_once_join_exactly_once)
{
    static const char *const types[] = {"noop.complete"};
    struct ordo_store *other[2];
    struct ordo_arena *arena = ordo_arena_new();
    struct racer r[2];
    pthread_t t[2];
    pthread_barrier_t go;
    struct ordo_err err = {0};
    int64_t inst;

    deploy("fork.bpmn");
    inst = start("fork", NULL);
    pthread_barrier_init(&go, NULL, 2);
    for (int i = 0; i < 2; i++) {
        size_t n = 0;

        ck_assert_int_eq(ordo_store_open(app, cache, "test", &other[i], &err), ORDO_OK);
        ck_assert_int_eq(
            ordo_store_take_jobs(other[i], types, 1, 1, 60000, arena, &r[i].job, &n, &err),
            ORDO_OK);
        ck_assert_uint_eq(n, 1);
        r[i].st = other[i];
        r[i].go = &go;
    }
    ck_assert_int_ne(r[0].job->key, r[1].job->key);
    for (int i = 0; i < 2; i++) {
        pthread_create(&t[i], NULL, race, &r[i]);
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(t[i], NULL);
        ck_assert_int_eq(r[i].rc, ORDO_OK);
        ordo_store_close(other[i]);
    }
    pthread_barrier_destroy(&go);
    ordo_arena_free(arena);
    ck_assert_str_eq(sql1(STATUS_SQL, key_text(inst)), "completed");
    ck_assert_str_eq(sql1("SELECT count(*) FROM audit WHERE instance_key = $1 AND action = "
                          "'enter' AND element_id = 'after'",
                          key_text(inst)),
                     "1");
}
END_TEST

static Suite *store_suite(void)
{
    Suite *s = suite_create("store");
    TCase *tc = tcase_create("store");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, service_tasks_and_a_user_task_run_to_the_end);
    tcase_add_test(tc, deploying_the_same_file_again_makes_no_new_version);
    tcase_add_test(tc, an_instance_survives_a_restart_between_steps);
    tcase_add_test(tc,
                   a_failing_job_uses_its_retries_then_an_incident_is_retried_with_new_variables);
    tcase_add_test(tc, a_job_of_an_uninstalled_type_waits_without_an_incident);
    tcase_add_test(tc, a_boundary_timer_fires_and_cancels_the_task);
    tcase_add_test(tc, a_buffered_message_meets_a_later_subscription_once);
    tcase_add_test(tc, an_expired_message_is_not_delivered);
    tcase_add_test(tc, correlate_without_a_waiting_instance_is_not_found);
    tcase_add_test(tc, two_jobs_completing_at_once_join_exactly_once);
    suite_add_tcase(s, tc);
    return s;
}

PGTEST_CHECK_MAIN(store_suite)
