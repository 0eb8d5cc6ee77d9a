/*
 * tests/integration/test_nodes: real `ordo worker` processes on one
 * database, killed with SIGKILL at random moments and at every named crash
 * point (ORDO_CRASHPOINT), and several of them at once. Whatever happens
 * to the workers, every instance must complete exactly once, no user task
 * be completed twice and no job be attempted more often than it allows;
 * the audit's "job.attempt" rows name the node of every attempt.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "core/store.h"
#include "tests/integration/pgtest.h"
#include "tests/integration/storetest.h"

/* Leases short enough that a killed node's jobs come back within the test. */
#define LEASE_MS "1500"

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* Start `ordo worker` on this test's database, crashing at 'crashpoint'
 * ("name:N") when given, with the plugins of 'plugin_dir' when given. Its
 * log goes to stderr only at warn and above. */
static pid_t spawn_worker_with(const char *crashpoint, const char *plugin_dir)
{
    const char *bin = getenv("ORDOTEST_BIN");
    pid_t pid;

    ck_assert_ptr_nonnull(bin);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);

        (void)dup2(null, STDOUT_FILENO);
        (void)setenv("ORDO_LEASE_MS", LEASE_MS, 1);
        (void)setenv("ORDO_LOG_LEVEL", "error", 1);
        /* A test key: the workers seal the audit chain as they go. */
        (void)setenv("ORDO_AUDIT_SIGNING_KEY",
                     "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", 1);
        /* And a test master key: an external database needs one (CONTRACTS §13). */
        (void)setenv("ORDO_MASTER_KEY",
                     "5e2f0c9a1b7d4e3f8a6c2b1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f", 1);
        if (crashpoint) {
            (void)setenv("ORDO_CRASHPOINT", crashpoint, 1);
        }
        if (plugin_dir) {
            (void)setenv("ORDO_PLUGIN_DIR", plugin_dir, 1);
        }
        execl(bin, bin, "worker", "--database-url", storetest_app, (char *)NULL);
        _exit(127);
    }
    return pid;
}

static pid_t spawn_worker(const char *crashpoint)
{
    return spawn_worker_with(crashpoint, NULL);
}

/* Wait up to 'ms' for the worker to exit by itself; its status, or -1 if
 * it is still running. */
static int reap(pid_t pid, long ms)
{
    int status = 0;

    for (long waited = 0; waited <= ms; waited += 10) {
        pid_t r = waitpid(pid, &status, WNOHANG);

        if (r == pid) {
            return status;
        }
        sleep_ms(10);
    }
    return -1;
}

static void kill_worker(pid_t pid, int sig)
{
    int status;

    (void)kill(pid, sig);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    if (sig == SIGTERM) { /* a clean stop: status 0, and ASan found no leak */
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "worker status %d", status);
    }
}

/* Act as the people: complete every open user task once. */
static int complete_open_tasks(void)
{
    PGconn *db = pgtest_connect(storetest_db, PGTEST_OWNER);
    PGresult *res = PQexec(db, "SELECT key FROM user_task WHERE state = 'created' LIMIT 200");
    int done = 0;

    ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
    for (int i = 0; i < PQntuples(res); i++) {
        struct ordo_err err = {0};
        enum ordo_code rc = ordo_store_complete_task(
            storetest_st, strtoll(PQgetvalue(res, i, 0), NULL, 10), NULL, "user:person", &err);

        ck_assert_msg(rc == ORDO_OK, "%s", err.msg);
        done++;
    }
    PQclear(res);
    PQfinish(db);
    return done;
}

static long count(const char *sql)
{
    return strtol(storetest_sql1(sql, NULL), NULL, 10);
}

/* `ordo audit verify` on this test's database: the chain the killed and
 * restarted workers sealed verifies, and some of it is sealed. */
static void check_audit_verifies(void)
{
    const char *args[] = {
        "audit", "verify", "--json", "--database-url", pgtest_conninfo(storetest_db, PGTEST_OWNER),
        NULL};
    char out[4096];
    int status = storetest_run_ordo(args, out, sizeof out);

    ck_assert_msg(status == 0, "audit verify: %s", out);
    ck_assert_msg(strstr(out, "\"ok\": true") && !strstr(out, "\"rows\": 0,"), "audit verify: %s",
                  out);
}

/* The audit says each instance ended once and each job attempt ran on one node. */
static void check_exactly_once(long instances, long max_attempts)
{
    ck_assert_int_eq(count("SELECT count(*) FROM instance WHERE status = 'completed'"), instances);
    ck_assert_int_eq(count("SELECT count(*) " STORETEST_EFFECTS "WHERE e->>'event' = 'end'"),
                     instances);
    ck_assert_int_eq(count("SELECT count(*) FROM (SELECT a.instance_key " STORETEST_EFFECTS
                           "WHERE e->>'event' = 'end' GROUP BY 1 HAVING count(*) > 1) x"),
                     0);
    ck_assert_int_eq(count("SELECT count(*) FROM (SELECT payload::json->>'job_key', "
                           "payload::json->>'attempt' FROM audit WHERE action = 'job.attempt' "
                           "GROUP BY 1, 2 HAVING count(*) > 1) x"),
                     0);
    ck_assert_int_le(count("SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM audit WHERE "
                           "action = 'job.attempt' GROUP BY payload::json->>'job_key') x"),
                     max_attempts);
    ck_assert_int_eq(count("SELECT count(*) FROM incident"), 0);
    ck_assert_int_eq(count("SELECT count(*) FROM job"), 0);
}

START_TEST(killed_workers_lose_nothing_and_do_nothing_twice)
{
    /* Each named crash point at least twice, and plain SIGKILLs between. */
    static const char *const points[] = {"before_commit", "after_commit", "after_call", NULL};
    int kills = 0, by_point[3] = {0};
    long completed = 0, started = 500;
    unsigned seed = (unsigned)time(NULL);

    (void)fprintf(stderr, "test_nodes: seed %u\n", seed);
    srandom(seed);
    storetest_deploy("crash.bpmn");
    for (int i = 0; i < 500; i++) {
        storetest_start("crash", NULL);
    }
    for (int round = 0; round < 12; round++) {
        const char *point = points[round % 4];
        char spec[64];
        pid_t w;
        int status;

        /* A fast worker may finish every job in an earlier round; a crash
         * point needs work to reach, so the pool is topped up. */
        if (point && count("SELECT count(*) FROM job WHERE kind = 'work'") < 50) {
            for (int i = 0; i < 100; i++) {
                storetest_start("crash", NULL);
            }
            started += 100;
        }
        (void)snprintf(spec, sizeof spec, "%s:%ld", point ? point : "", 1 + random() % 6);
        w = spawn_worker(point ? spec : NULL);
        complete_open_tasks();
        status = reap(w, point ? 8000 : 100 + random() % 300);
        if (status == -1) {
            kill_worker(w, SIGKILL); /* a random moment */
        } else {
            ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 137,
                          "worker with %s ended with status %d", spec, status);
            by_point[round % 4]++;
        }
        kills++;
    }
    ck_assert_int_ge(kills, 10);
    for (int i = 0; i < 3; i++) {
        ck_assert_msg(by_point[i] >= 2, "crash point %s reached %d times", points[i], by_point[i]);
    }
    /* A last worker that is left alone finishes the work. */
    pid_t w = spawn_worker(NULL);

    for (int i = 0; i < 600 && completed < started; i++) {
        complete_open_tasks();
        completed = count("SELECT count(*) FROM instance WHERE status = 'completed'");
        sleep_ms(100);
    }
    kill_worker(w, SIGTERM);
    check_exactly_once(started, 5);
    check_audit_verifies();
    ck_assert_int_eq(count("SELECT count(*) FROM audit WHERE action = 'task.completed'"), started);
    ck_assert_int_eq(count("SELECT count(*) FROM user_task WHERE state = 'completed'"), started);
}
END_TEST

START_TEST(three_workers_share_the_jobs_and_survive_losing_one)
{
    pid_t w[3];
    long completed = 0;

    storetest_deploy("straight.bpmn");
    for (int i = 0; i < 3; i++) {
        w[i] = spawn_worker(NULL);
    }
    for (int i = 0; i < 2000; i++) {
        storetest_start("straight", NULL);
        if (i == 1000) {
            kill_worker(w[1], SIGKILL); /* mid-run: its leased jobs must come back */
        }
    }
    for (int i = 0; i < 600 && completed < 2000; i++) {
        completed = count("SELECT count(*) FROM instance WHERE status = 'completed'");
        sleep_ms(100);
    }
    kill_worker(w[0], SIGTERM);
    kill_worker(w[2], SIGTERM);
    check_exactly_once(2000, 3);
    check_audit_verifies();
    ck_assert_int_eq(count("SELECT count(DISTINCT actor) FROM audit WHERE action = 'job.attempt'"),
                     3);
}
END_TEST

/* A folder holding only the test plugin whose invoke calls abort(). */
static const char *aborting_plugin_dir(char *dir, size_t size)
{
    char cmd[512];

    (void)snprintf(dir, size, "/tmp/ordo-nodes-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    (void)snprintf(cmd, sizeof cmd, "chmod 755 '%s' && install -m 755 '%s/abort.so' '%s/crash.so'",
                   dir, getenv("ORDOTEST_PLUGIN_DIR"), dir);
    ck_assert_int_eq(system(cmd), 0); /* checksrc:allow - test setup */
    return dir;
}

/* A connector that kills the process: the attempt is committed before the
 * call, so each crash uses one attempt and, when they are spent, the job
 * is an incident; workers restarted after each crash do not crash for
 * ever (CONTRACTS §10). */
START_TEST(a_plugin_that_aborts_ends_in_an_incident_not_a_crash_loop)
{
    char dir[64];
    char cmd[128];
    int crashes = 0;
    pid_t pid = 0;

    aborting_plugin_dir(dir, sizeof dir);
    storetest_deploy("aborting.bpmn");
    storetest_start("aborting", NULL);
    for (int round = 0; round < 8 && count("SELECT count(*) FROM incident") == 0; round++) {
        int status;

        pid = spawn_worker_with(NULL, dir);
        status = reap(pid, 10000);
        if (status == -1) { /* alive: it had nothing to crash on */
            kill_worker(pid, SIGTERM);
            continue;
        }
        ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "worker status %d",
                      status);
        crashes++;
    }
    ck_assert_int_eq(count("SELECT count(*) FROM incident"), 1);
    ck_assert_int_eq(crashes, 2); /* retries="2": two attempts, two crashes, no third */
    ck_assert_msg(strstr(storetest_sql1("SELECT reason FROM incident", NULL), "no attempts left"),
                  "%s", storetest_sql1("SELECT reason FROM incident", NULL));
    (void)snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0); /* checksrc:allow - test cleanup */
}
END_TEST

static Suite *nodes_suite(void)
{
    Suite *s = suite_create("nodes");
    TCase *tc = tcase_create("nodes");

    tcase_add_checked_fixture(tc, storetest_setup, storetest_teardown);
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, killed_workers_lose_nothing_and_do_nothing_twice);
    tcase_add_test(tc, three_workers_share_the_jobs_and_survive_losing_one);
    tcase_add_test(tc, a_plugin_that_aborts_ends_in_an_incident_not_a_crash_loop);
    suite_add_tcase(s, tc);
    return s;
}

PGTEST_CHECK_MAIN(nodes_suite)
