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
#include "tests/integration/storetest.h"

static struct ordo_executor *executor(const struct ordo_job_handlers *h, int threads)
{
    struct ordo_executor_options o = {.conninfo = storetest_app,
                                      .owner = "node-a",
                                      .cache = storetest_cache,
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
    storetest_wait_for(
        "SELECT count(*) FROM user_task WHERE instance_key = $1 AND state = 'created'",
        storetest_key(instance), "1");
    return strtoll(
        storetest_sql1("SELECT key FROM user_task WHERE instance_key = $1 AND state = 'created'",
                       storetest_key(instance)),
        NULL, 10);
}

static void complete_task(int64_t task, const char *vars_json)
{
    json_t *vars = vars_json ? json_loads(vars_json, 0, NULL) : NULL;
    struct ordo_err err = {0};

    ck_assert_msg(ordo_store_complete_task(storetest_st, task, vars, "user:manager", &err) ==
                      ORDO_OK,
                  "%s", err.msg);
    json_decref(vars);
}

#define STATUS_SQL "SELECT status FROM instance WHERE key = $1"

/* ---- start to end --------------------------------------------------------------------------- */

START_TEST(service_tasks_and_a_user_task_run_to_the_end)
{
    struct ordo_executor *ex;
    int64_t inst, task;
    struct ordo_err err = {0};

    storetest_deploy("flow.bpmn");
    inst = storetest_start("flow", "{\"order\": 7}");
    ex = executor(NULL, 2);
    task = open_task(inst);
    ck_assert_str_eq(
        storetest_sql1("SELECT assignee FROM user_task WHERE key = $1", storetest_key(task)),
        "manager");
    complete_task(task, "{\"approved\": true}");
    storetest_wait_for(STATUS_SQL, storetest_key(inst), "completed");
    ordo_executor_stop(ex);

    /* Completing it again changes nothing. */
    ck_assert_int_eq(ordo_store_complete_task(storetest_st, task, NULL, "user:manager", &err),
                     ORDO_E_CONFLICT);
    ck_assert_str_eq(storetest_sql1("SELECT count(*) FROM job", NULL), "0");
    ck_assert_str_eq(
        storetest_sql1("SELECT completed_by FROM user_task WHERE key = $1", storetest_key(task)),
        "user:manager");
    /* The audit holds every step, in order; the last one's last effect is the end. */
    ck_assert_str_eq(
        storetest_sql1("SELECT action || ' ' || (payload::json->'effects'->-1->>'event') "
                       "FROM audit WHERE instance_key = $1 ORDER BY seq DESC LIMIT 1",
                       storetest_key(inst)),
        "job.completed end");
    ck_assert_str_eq(storetest_sql1("SELECT string_agg(action, ',' ORDER BY seq) FROM audit WHERE "
                                    "instance_key = $1 AND action <> 'job.attempt'",
                                    storetest_key(inst)),
                     "instance.started,job.completed,task.completed,job.completed");
    ck_assert_str_eq(
        storetest_sql1("SELECT count(*) FROM audit WHERE instance_key = $1 AND action = "
                       "'job.completed'",
                       storetest_key(inst)),
        "2");
    ck_assert_str_eq(storetest_sql1("SELECT e->'variables'->>'approved' " STORETEST_EFFECTS
                                    "WHERE a.instance_key = $1 AND e->>'event' = 'end'",
                                    storetest_key(inst)),
                     "true");
}
END_TEST

START_TEST(a_lost_connection_is_replaced_and_the_step_still_happens)
{
    PGconn *admin;
    PGresult *res;
    int64_t inst, task;

    storetest_deploy("timeout.bpmn");
    inst = storetest_start("timeout", NULL);
    task = open_task(inst);
    /* The database ends the store's session between two calls. */
    admin = pgtest_connect(storetest_db, PGTEST_SUPERUSER);
    res = PQexec(admin, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
                        "datname = current_database() AND usename = 'ordo_app'");
    ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
    ck_assert_str_eq(PQgetvalue(res, 0, 0), "1");
    PQclear(res);
    PQfinish(admin);
    complete_task(task, NULL);
    ck_assert_str_eq(storetest_sql1(STATUS_SQL, storetest_key(inst)), "completed");
}
END_TEST

START_TEST(a_suspended_definition_starts_nothing)
{
    struct ordo_start req = {.process_id = "flow", .actor = "user:test"};
    struct ordo_err err = {0};
    int64_t key = 0;
    PGconn *owner;

    storetest_deploy("flow.bpmn");
    owner = pgtest_connect(storetest_db, PGTEST_OWNER);
    PQclear(PQexec(owner, "UPDATE definition SET suspended = true"));
    PQfinish(owner);
    ck_assert_int_eq(ordo_store_start(storetest_st, &req, &key, &err), ORDO_E_CONFLICT);
    ck_assert_str_eq(err.msg, "process \"flow\" is suspended");
    req.process_id = "nothing";
    ck_assert_int_eq(ordo_store_start(storetest_st, &req, &key, &err), ORDO_E_NOTFOUND);
    ck_assert_str_eq(storetest_sql1("SELECT count(*) FROM instance", NULL), "0");
}
END_TEST

START_TEST(the_default_backoff_doubles_from_ten_seconds_up_to_ten_minutes)
{
    static const int64_t base[] = {10000, 20000, 40000, 80000, 160000, 320000, 600000, 600000};

    for (int attempt = 1; attempt <= 8; attempt++) {
        int64_t ms = ordo_store_backoff_ms(attempt);

        ck_assert_int_ge(ms, base[attempt - 1]);
        ck_assert_int_le(ms, base[attempt - 1] + base[attempt - 1] / 10);
    }
}
END_TEST

START_TEST(deploying_the_same_file_again_makes_no_new_version)
{
    storetest_deploy("flow.bpmn");
    storetest_deploy("flow.bpmn");
    ck_assert_str_eq(
        storetest_sql1("SELECT count(*) FROM definition WHERE process_id = 'flow'", NULL), "1");
}
END_TEST

START_TEST(an_instance_survives_a_restart_between_steps)
{
    struct ordo_executor *ex;
    struct ordo_err err = {0};
    int64_t inst, task;

    storetest_deploy("flow.bpmn");
    inst = storetest_start("flow", NULL);
    ex = executor(NULL, 1);
    task = open_task(inst);
    ordo_executor_stop(ex);
    /* A new process: nothing in memory survives, only the database. */
    ordo_store_close(storetest_st);
    ordo_defcache_free(storetest_cache);
    storetest_cache = ordo_defcache_new(NULL);
    ck_assert_msg(ordo_store_open(storetest_app, storetest_cache, "test", &storetest_st, &err) ==
                      ORDO_OK,
                  "%s", err.msg);
    complete_task(task, NULL);
    ex = executor(NULL, 1);
    storetest_wait_for(STATUS_SQL, storetest_key(inst), "completed");
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

    storetest_deploy("flaky.bpmn");
    atomic_store(&flaky_calls, 0);
    inst = storetest_start("flaky", NULL);
    ex = executor(&flaky, 2);
    storetest_wait_for("SELECT count(*) FROM incident WHERE instance_key = $1 AND state = 'open'",
                       storetest_key(inst), "1");
    ck_assert_int_eq(atomic_load(&flaky_calls), 2); /* retries="2": two attempts */
    ck_assert_str_eq(
        storetest_sql1("SELECT reason FROM incident WHERE instance_key = $1", storetest_key(inst)),
        "job failed: not ok on attempt 2");
    ck_assert_str_eq(
        storetest_sql1("SELECT status FROM instance WHERE key = $1", storetest_key(inst)),
        "active");
    incident = strtoll(
        storetest_sql1("SELECT key FROM incident WHERE instance_key = $1", storetest_key(inst)),
        NULL, 10);
    ck_assert_msg(ordo_store_resolve_incident(storetest_st, incident, fix, "user:ops", &err) ==
                      ORDO_OK,
                  "%s", err.msg);
    storetest_wait_for(STATUS_SQL, storetest_key(inst), "completed");
    ordo_executor_stop(ex);
    ck_assert_int_eq(atomic_load(&flaky_calls), 3);
    ck_assert_str_eq(
        storetest_sql1("SELECT state FROM incident WHERE key = $1", storetest_key(incident)),
        "resolved");
    /* Resolving it twice is refused. */
    ck_assert_int_eq(ordo_store_resolve_incident(storetest_st, incident, NULL, "user:ops", &err),
                     ORDO_E_CONFLICT);
    json_decref(fix);
}
END_TEST

START_TEST(a_job_of_an_uninstalled_type_waits_without_an_incident)
{
    struct ordo_executor *ex;
    struct timespec pause = {.tv_nsec = 300 * 1000000L};
    int64_t inst;

    storetest_deploy("external.bpmn");
    inst = storetest_start("external", NULL);
    ex = executor(NULL, 1);
    nanosleep(&pause, NULL); /* several polls */
    ordo_executor_stop(ex);
    ck_assert_str_eq(
        storetest_sql1("SELECT type || ' ' || attempts FROM job WHERE instance_key = $1",
                       storetest_key(inst)),
        "billing.charge 0");
    ck_assert_str_eq(storetest_sql1("SELECT count(*) FROM incident", NULL), "0");
    ck_assert_str_eq(storetest_sql1(STATUS_SQL, storetest_key(inst)), "active");
}
END_TEST

/* ---- leases ------------------------------------------------------------------------------- */

static atomic_int slow_calls;

/* Takes longer than the lease: only renewal keeps the job on this node. */
static void slow_run(void *ctx, const struct ordo_job *job, struct ordo_job_result *out)
{
    struct timespec pause = {.tv_nsec = 900 * 1000000L};

    (void)ctx;
    (void)job;
    atomic_fetch_add(&slow_calls, 1);
    nanosleep(&pause, NULL);
    out->outcome = ORDO_JOB_DONE;
}

static const char *const slow_types[] = {"test.flaky"};
static const struct ordo_job_handlers slow = {.types = slow_types, .ntypes = 1, .run = slow_run};

START_TEST(a_long_job_keeps_its_lease_while_it_runs)
{
    struct ordo_executor *ex[2];
    struct ordo_err err = {0};
    int64_t inst;

    storetest_deploy("flaky.bpmn");
    atomic_store(&slow_calls, 0);
    inst = storetest_start("flaky", NULL);
    for (int i = 0; i < 2; i++) {
        struct ordo_executor_options o = {.conninfo = storetest_app,
                                          .owner = i ? "node-b" : "node-a",
                                          .cache = storetest_cache,
                                          .handlers = &slow,
                                          .threads = 1,
                                          .lease_ms = 300,
                                          .poll_ms = 20};

        ck_assert_int_eq(ordo_executor_start(&o, &ex[i], &err), ORDO_OK);
    }
    storetest_wait_for(STATUS_SQL, storetest_key(inst), "completed");
    ordo_executor_stop(ex[0]);
    ordo_executor_stop(ex[1]);
    ck_assert_int_eq(atomic_load(&slow_calls), 1);
    ck_assert_str_eq(
        storetest_sql1("SELECT count(*) FROM audit WHERE action = 'job.attempt'", NULL), "1");
}
END_TEST

/* ---- timers --------------------------------------------------------------------------------- */

START_TEST(a_boundary_timer_fires_and_cancels_the_task)
{
    struct ordo_executor *ex;
    int64_t inst, task;

    storetest_deploy("timeout.bpmn");
    inst = storetest_start("timeout", NULL);
    task = open_task(inst);
    ck_assert_str_eq(
        storetest_sql1("SELECT element_id FROM job WHERE kind = 'timer' AND instance_key = $1",
                       storetest_key(inst)),
        "late");
    ex = executor(NULL, 1);
    storetest_wait_for(STATUS_SQL, storetest_key(inst), "completed");
    ordo_executor_stop(ex);
    ck_assert_str_eq(
        storetest_sql1("SELECT state FROM user_task WHERE key = $1", storetest_key(task)),
        "canceled");
    ck_assert_str_eq(storetest_sql1("SELECT count(*) " STORETEST_EFFECTS
                                    "WHERE a.instance_key = $1 AND "
                                    "e->>'event' = 'enter' AND e->>'element' = 'escalated'",
                                    storetest_key(inst)),
                     "1");
    ck_assert_str_eq(storetest_sql1("SELECT count(*) FROM job", NULL), "0");
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

    ck_assert_msg(ordo_store_publish(storetest_st, &m, &delivered, dup, &err) == ORDO_OK, "%s",
                  err.msg);
    json_decref(vars);
    return delivered;
}

START_TEST(a_buffered_message_meets_a_later_subscription_once)
{
    bool dup = true;
    int64_t first, second;

    storetest_deploy("wait-message.bpmn");
    ck_assert_int_eq(publish("k1", "m-1", 60000, &dup), 0);
    ck_assert(!dup);
    ck_assert_int_eq(publish("k1", "m-1", 60000, &dup), 0); /* the same id: ignored */
    ck_assert(dup);
    ck_assert_str_eq(storetest_sql1("SELECT count(*) FROM message", NULL), "1");

    first = storetest_start("wait_message", "{\"orderId\": \"k1\"}");
    ck_assert_str_eq(storetest_sql1(STATUS_SQL, storetest_key(first)), "completed");
    ck_assert_str_eq(storetest_sql1("SELECT e->'variables'->>'paidBy' " STORETEST_EFFECTS
                                    "WHERE a.instance_key = $1 AND e->>'event' = 'end'",
                                    storetest_key(first)),
                     "card");
    /* Consumed: a second instance keeps waiting. */
    second = storetest_start("wait_message", "{\"orderId\": \"k1\"}");
    ck_assert_str_eq(storetest_sql1(STATUS_SQL, storetest_key(second)), "active");
    /* A message published now reaches it directly. */
    ck_assert_int_eq(publish("k1", NULL, 0, &dup), 1);
    ck_assert_str_eq(storetest_sql1(STATUS_SQL, storetest_key(second)), "completed");
}
END_TEST

START_TEST(an_expired_message_is_not_delivered)
{
    struct timespec pause = {.tv_nsec = 50 * 1000000L};
    bool dup;
    int64_t inst;

    storetest_deploy("wait-message.bpmn");
    ck_assert_int_eq(publish("k2", NULL, 1, &dup), 0);
    nanosleep(&pause, NULL);
    inst = storetest_start("wait_message", "{\"orderId\": \"k2\"}");
    ck_assert_str_eq(storetest_sql1(STATUS_SQL, storetest_key(inst)), "active");
}
END_TEST

START_TEST(correlate_without_a_waiting_instance_is_not_found)
{
    struct ordo_message m = {.name = "go", .correlation_key = "nobody"};
    struct ordo_err err = {0};
    int delivered = -1;

    storetest_deploy("wait-message.bpmn");
    ck_assert_int_eq(ordo_store_correlate(storetest_st, &m, &delivered, &err), ORDO_E_NOTFOUND);
    ck_assert_int_eq(delivered, 0);
    ck_assert_str_eq(storetest_sql1("SELECT count(*) FROM message", NULL), "0");
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

    storetest_deploy("fork.bpmn");
    inst = storetest_start("fork", NULL);
    pthread_barrier_init(&go, NULL, 2);
    for (int i = 0; i < 2; i++) {
        size_t n = 0;

        ck_assert_int_eq(ordo_store_open(storetest_app, storetest_cache, "test", &other[i], &err),
                         ORDO_OK);
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
    ck_assert_str_eq(storetest_sql1(STATUS_SQL, storetest_key(inst)), "completed");
    ck_assert_str_eq(storetest_sql1("SELECT count(*) " STORETEST_EFFECTS
                                    "WHERE a.instance_key = $1 AND "
                                    "e->>'event' = 'enter' AND e->>'element' = 'after'",
                                    storetest_key(inst)),
                     "1");
}
END_TEST

/* ---- start events, call activities, cancel -------------------------------------------------- */

START_TEST(a_timer_start_event_starts_instances_exactly_once_across_nodes)
{
    struct ordo_executor *a, *b;
    struct ordo_executor_options o = {.conninfo = storetest_app,
                                      .owner = "node-b",
                                      .cache = storetest_cache,
                                      .handlers = ordo_builtin_handlers(),
                                      .threads = 2,
                                      .poll_ms = 20};
    struct ordo_err err = {0};

    storetest_deploy("ticker.bpmn"); /* R3/PT0.2S: three instances, 0.2 s apart */
    a = executor(NULL, 2);
    ck_assert_int_eq(ordo_executor_start(&o, &b, &err), ORDO_OK);
    storetest_wait_for("SELECT count(*) FROM instance WHERE process_id = 'ticker' AND status = "
                       "'completed'",
                       NULL, "3");
    storetest_wait_for("SELECT count(*) FROM job", NULL, "0"); /* the cycle is used up */
    ordo_executor_stop(a);
    ordo_executor_stop(b);
    ck_assert_str_eq(storetest_sql1("SELECT count(*) FROM instance", NULL), "3");
}
END_TEST

START_TEST(a_message_starts_an_instance_and_a_new_version_takes_over_the_start_event)
{
    json_t *vars = json_pack("{s:s}", "order", "A-1");
    struct ordo_message m = {.name = "order.placed", .variables = vars, .actor = "user:test"};
    struct ordo_err err = {0};
    bool dup = true;
    int delivered = 0;

    storetest_deploy("order-placed.bpmn");
    ck_assert_int_eq(ordo_store_publish(storetest_st, &m, &delivered, &dup, &err), ORDO_OK);
    ck_assert_int_eq(delivered, 1);
    ck_assert_str_eq(
        storetest_sql1("SELECT status FROM instance WHERE process_id = 'order_placed'", NULL),
        "completed");
    /* Version 2 (same process, a changed file) takes over: still one start per message. */
    storetest_deploy("order-placed-v2.bpmn");
    ck_assert_int_eq(ordo_store_correlate(storetest_st, &m, &delivered, &err), ORDO_OK);
    ck_assert_int_eq(delivered, 1);
    ck_assert_str_eq(storetest_sql1("SELECT string_agg(d.version::text, ',' ORDER BY i.key) FROM "
                                    "instance i JOIN definition d ON d.key = i.definition_key",
                                    NULL),
                     "1,2");
    json_decref(vars);
}
END_TEST

START_TEST(a_called_process_runs_as_its_own_instance_and_returns)
{
    struct ordo_executor *ex;
    int64_t parent, task;
    const char *child;

    storetest_deploy("call.bpmn");
    parent = storetest_start("parent", "{\"order\": 9}");
    child = storetest_sql1("SELECT key FROM instance WHERE parent_key = $1", storetest_key(parent));
    ck_assert_str_ne(child, "");
    task = open_task(strtoll(child, NULL, 10));
    complete_task(task, "{\"reviewed\": true}");
    ex = executor(NULL, 1);
    storetest_wait_for(STATUS_SQL, storetest_key(parent), "completed");
    ordo_executor_stop(ex);
    ck_assert_str_eq(storetest_sql1("SELECT e->'variables'->>'reviewed' " STORETEST_EFFECTS
                                    "WHERE a.instance_key = $1 AND e->>'event' = 'end'",
                                    storetest_key(parent)),
                     "true");
}
END_TEST

START_TEST(calling_a_process_not_deployed_is_an_incident_resolved_after_deploying_it)
{
    struct ordo_executor *ex;
    struct ordo_err err = {0};
    int64_t inst, incident;

    storetest_deploy("caller.bpmn");
    inst = storetest_start("caller", NULL);
    ck_assert_str_eq(storetest_sql1(STATUS_SQL, storetest_key(inst)), "active");
    ck_assert_str_eq(storetest_sql1("SELECT element_id || ': ' || reason FROM incident WHERE "
                                    "instance_key = $1",
                                    storetest_key(inst)),
                     "call: process \"later\" is not deployed");
    incident = strtoll(storetest_sql1("SELECT key FROM incident", NULL), NULL, 10);
    storetest_deploy("later.bpmn");
    ck_assert_int_eq(ordo_store_resolve_incident(storetest_st, incident, NULL, "user:ops", &err),
                     ORDO_OK);
    ex = executor(NULL, 1); /* the child's result reaches the caller as a job */
    storetest_wait_for(STATUS_SQL, storetest_key(inst), "completed");
    ordo_executor_stop(ex);
    ck_assert_str_eq(
        storetest_sql1("SELECT status FROM instance WHERE parent_key = $1", storetest_key(inst)),
        "completed");
}
END_TEST

START_TEST(cancelling_an_instance_closes_its_tasks_and_called_instances)
{
    struct ordo_executor *ex;
    struct ordo_err err = {0};
    int64_t parent;
    const char *child;

    storetest_deploy("call.bpmn");
    parent = storetest_start("parent", NULL);
    child = storetest_sql1("SELECT key FROM instance WHERE parent_key = $1", storetest_key(parent));
    ck_assert_int_eq(ordo_store_cancel(storetest_st, parent, "user:ops", &err), ORDO_OK);
    ck_assert_str_eq(storetest_sql1(STATUS_SQL, storetest_key(parent)), "canceled");
    ex = executor(NULL, 1); /* the child's cancellation is a job */
    storetest_wait_for("SELECT status FROM instance WHERE parent_key = $1", storetest_key(parent),
                       "canceled");
    ordo_executor_stop(ex);
    ck_assert_str_eq(storetest_sql1("SELECT state FROM user_task", NULL), "canceled");
    ck_assert_int_eq(ordo_store_cancel(storetest_st, parent, "user:ops", &err), ORDO_E_CONFLICT);
    (void)child;
}
END_TEST

static Suite *store_suite(void)
{
    Suite *s = suite_create("store");
    TCase *tc = tcase_create("store");

    tcase_add_checked_fixture(tc, storetest_setup, storetest_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, service_tasks_and_a_user_task_run_to_the_end);
    tcase_add_test(tc, deploying_the_same_file_again_makes_no_new_version);
    tcase_add_test(tc, a_suspended_definition_starts_nothing);
    tcase_add_test(tc, the_default_backoff_doubles_from_ten_seconds_up_to_ten_minutes);
    tcase_add_test(tc, a_lost_connection_is_replaced_and_the_step_still_happens);
    tcase_add_test(tc, an_instance_survives_a_restart_between_steps);
    tcase_add_test(tc,
                   a_failing_job_uses_its_retries_then_an_incident_is_retried_with_new_variables);
    tcase_add_test(tc, a_job_of_an_uninstalled_type_waits_without_an_incident);
    tcase_add_test(tc, a_long_job_keeps_its_lease_while_it_runs);
    tcase_add_test(tc, a_boundary_timer_fires_and_cancels_the_task);
    tcase_add_test(tc, a_buffered_message_meets_a_later_subscription_once);
    tcase_add_test(tc, an_expired_message_is_not_delivered);
    tcase_add_test(tc, correlate_without_a_waiting_instance_is_not_found);
    tcase_add_test(tc, two_jobs_completing_at_once_join_exactly_once);
    tcase_add_test(tc, a_timer_start_event_starts_instances_exactly_once_across_nodes);
    tcase_add_test(tc, a_message_starts_an_instance_and_a_new_version_takes_over_the_start_event);
    tcase_add_test(tc, a_called_process_runs_as_its_own_instance_and_returns);
    tcase_add_test(tc, cancelling_an_instance_closes_its_tasks_and_called_instances);
    tcase_add_test(tc, calling_a_process_not_deployed_is_an_incident_resolved_after_deploying_it);
    suite_add_tcase(s, tc);
    return s;
}

PGTEST_CHECK_MAIN(store_suite)
