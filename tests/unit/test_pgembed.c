/*
 * base/pgembed: the embedded PostgreSQL, against the real server binaries.
 *
 * The "lifecycle" case shares one data folder and its tests run in the
 * order they are added: the first initialises the cluster the others use.
 * Run as root (as CI does), the server runs as user "postgres" (or "ordo").
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <libpq-fe.h>

#include "base/log.h"
#include "base/pgembed.h"
#include "tests/unit/check_main.h"

#define LOGGED_SIZE 8192

static char dir[64]; /* data_dir of the lifecycle tests */

/* A fresh folder in /dev/shm when it has room (a cluster needs about 50 MB):
 * on tmpfs the fsyncs of initdb, checkpoints and crash recovery cost
 * nothing, which takes the test from about 15 s to about 5 s. Else /tmp. */
static void make_dir(char *out, size_t size)
{
    struct statvfs vfs;
    int shm = statvfs("/dev/shm", &vfs) == 0 &&
              (unsigned long long)vfs.f_bavail * vfs.f_frsize >= 512ULL * 1024 * 1024;

    (void)snprintf(out, size, "%s/ordo-test-pgembed-XXXXXX", shm ? "/dev/shm" : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(out));
}

static int remove_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void remove_tree(const char *path)
{
    (void)nftw(path, remove_cb, 16, FTW_DEPTH | FTW_PHYS);
}

/* The pid in DATA_DIR/pg/postmaster.pid, 0 when there is none. */
static long postmaster_pid(const char *data_dir)
{
    char path[128];
    char line[32] = "";
    FILE *f;

    (void)snprintf(path, sizeof(path), "%s/pg/postmaster.pid", data_dir);
    f = fopen(path, "r");
    if (!f) {
        return 0;
    }
    if (!fgets(line, sizeof(line), f)) {
        line[0] = '\0';
    }
    (void)fclose(f);
    return strtol(line, NULL, 10);
}

/* True once 'pid' has exited: gone, or a zombie nobody reaps. */
static int is_dead(long pid)
{
    char path[64];
    char line[512];
    const char *paren;
    FILE *f;
    int dead;

    (void)snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    f = fopen(path, "r");
    if (!f) {
        return 1;
    }
    dead = !fgets(line, sizeof(line), f);
    (void)fclose(f);
    paren = strrchr(line, ')');
    return dead || (paren && (paren[2] == 'Z' || paren[2] == 'X'));
}

static void wait_dead(long pid)
{
    const struct timespec nap = {.tv_nsec = 20L * 1000 * 1000};
    int i;

    for (i = 0; i < 500 && !is_dead(pid); i++) {
        (void)nanosleep(&nap, NULL);
    }
    ck_assert_msg(is_dead(pid), "postmaster %ld did not exit", pid);
}

static void setup_once(void)
{
    make_dir(dir, sizeof(dir));
}

/* A failed test may leave its server running: stop it (immediate shutdown). */
static void teardown_once(void)
{
    long pid = postmaster_pid(dir);

    if (pid > 0 && kill((pid_t)pid, SIGQUIT) == 0) {
        wait_dead(pid);
    }
    remove_tree(dir);
}

/* Start the cluster in 'data_dir'; 'logged' gets the log lines of the call. */
static struct ordo_pgembed *start_logged(const char *data_dir, char *logged, size_t size)
{
    struct ordo_pgembed *pg = NULL;
    struct ordo_err err = {0};
    FILE *sink = tmpfile();
    enum ordo_code rc;
    size_t n;

    ck_assert_ptr_nonnull(sink);
    ordo_log_set_sink(sink);
    rc = ordo_pgembed_start(data_dir, &pg, &err);
    ordo_log_set_sink(NULL);
    rewind(sink);
    n = fread(logged, 1, size - 1, sink);
    logged[n] = '\0';
    (void)fclose(sink);
    ck_assert_msg(rc == ORDO_OK, "start failed: %s", err.msg);
    ck_assert_ptr_nonnull(pg);
    return pg;
}

/* Run 'sql' on the database "ordo"; 'out' gets the first value ("" if none). */
static void query(const struct ordo_pgembed *pg, const char *sql, char *out, size_t size)
{
    PGconn *db = PQconnectdb(ordo_pgembed_conninfo(pg));
    PGresult *res;
    ExecStatusType status;

    ck_assert_msg(PQstatus(db) == CONNECTION_OK, "connect: %s", PQerrorMessage(db));
    res = PQexecParams(db, sql, 0, NULL, NULL, NULL, NULL, 0);
    status = PQresultStatus(res);
    (void)snprintf(out, size, "%s",
                   status == PGRES_TUPLES_OK && PQntuples(res) > 0 ? PQgetvalue(res, 0, 0) : "");
    PQclear(res);
    PQfinish(db);
    ck_assert_msg(status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK, "%s failed", sql);
}

START_TEST(first_start_initialises_a_cluster_with_database_ordo)
{
    char logged[LOGGED_SIZE];
    char value[128];
    struct stat st;
    struct ordo_pgembed *pg = start_logged(dir, logged, sizeof(logged));

    ck_assert_ptr_nonnull(strstr(logged, "embedded database initialised"));
    ck_assert_ptr_nonnull(strstr(logged, "embedded database started"));
    ck_assert_ptr_nonnull(strstr(ordo_pgembed_conninfo(pg), dir));
    query(pg, "SELECT current_database()", value, sizeof(value));
    ck_assert_str_eq(value, "ordo");
    query(pg, "SELECT 1", value, sizeof(value));
    ck_assert_str_eq(value, "1");
    query(pg, "SHOW listen_addresses", value, sizeof(value));
    ck_assert_str_eq(value, "");
    query(pg, "CREATE TABLE kept (x int)", value, sizeof(value));
    query(pg, "INSERT INTO kept VALUES (42)", value, sizeof(value));
    (void)snprintf(value, sizeof(value), "%s/pg", dir);
    ck_assert_int_eq(stat(value, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0700);
    ordo_pgembed_stop(pg);
    ck_assert_int_eq(postmaster_pid(dir), 0);
}
END_TEST

START_TEST(restart_reuses_the_initialised_cluster)
{
    char logged[LOGGED_SIZE];
    char value[64];
    char conninfo[256];
    struct ordo_pgembed *pg = start_logged(dir, logged, sizeof(logged));

    ck_assert_ptr_null(strstr(logged, "embedded database initialised"));
    ck_assert_ptr_nonnull(strstr(logged, "embedded database started"));
    query(pg, "SELECT x FROM kept", value, sizeof(value));
    ck_assert_str_eq(value, "42");
    (void)snprintf(conninfo, sizeof(conninfo), "%s", ordo_pgembed_conninfo(pg));
    ordo_pgembed_stop(pg);
    ck_assert_int_eq(PQping(conninfo), PQPING_NO_RESPONSE);
}
END_TEST

START_TEST(second_start_reuses_a_live_server_and_leaves_it_running)
{
    char logged[LOGGED_SIZE];
    char value[64];
    char conninfo[256];
    struct ordo_pgembed *first = start_logged(dir, logged, sizeof(logged));
    struct ordo_pgembed *second;

    ck_assert_ptr_nonnull(strstr(logged, "embedded database started"));
    second = start_logged(dir, logged, sizeof(logged));
    ck_assert_ptr_nonnull(strstr(logged, "embedded database reused"));
    ck_assert_ptr_null(strstr(logged, "embedded database started"));
    ck_assert_str_eq(ordo_pgembed_conninfo(second), ordo_pgembed_conninfo(first));
    ordo_pgembed_stop(second);
    query(first, "SELECT x FROM kept", value, sizeof(value));
    ck_assert_str_eq(value, "42");
    (void)snprintf(conninfo, sizeof(conninfo), "%s", ordo_pgembed_conninfo(first));
    ordo_pgembed_stop(first);
    ck_assert_int_eq(PQping(conninfo), PQPING_NO_RESPONSE);
}
END_TEST

START_TEST(killed_server_with_a_stale_pid_file_is_started_again)
{
    char logged[LOGGED_SIZE];
    char value[64];
    struct ordo_pgembed *pg = start_logged(dir, logged, sizeof(logged));
    long pid = postmaster_pid(dir);

    ck_assert_int_gt(pid, 0);
    ck_assert_int_eq(kill((pid_t)pid, SIGKILL), 0);
    wait_dead(pid);
    ck_assert_int_eq(postmaster_pid(dir), pid); /* the pid file stays behind */
    ordo_pgembed_stop(pg); /* the server is dead: nothing to stop, and no waiting */
    pg = start_logged(dir, logged, sizeof(logged));
    ck_assert_ptr_nonnull(strstr(logged, "embedded database started"));
    ck_assert_int_ne(postmaster_pid(dir), pid);
    query(pg, "SELECT x FROM kept", value, sizeof(value));
    ck_assert_str_eq(value, "42");
    ordo_pgembed_stop(pg);
    ck_assert_int_eq(postmaster_pid(dir), 0);
}
END_TEST

static void write_file(const char *path, const char *content)
{
    FILE *f = fopen(path, "w");

    ck_assert_ptr_nonnull(f);
    ck_assert_int_ge(fputs(content, f), 0);
    ck_assert_int_eq(fclose(f), 0);
}

static int count_entries(const char *path)
{
    DIR *d = opendir(path);
    const struct dirent *e;
    int n = 0;

    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL) {
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    }
    (void)closedir(d);
    return n;
}

START_TEST(cluster_of_another_major_version_is_refused_untouched)
{
    char other[64];
    char pg_dir[96];
    char path[128];
    char content[16] = "";
    struct ordo_pgembed *pg = NULL;
    struct ordo_err err = {0};
    struct stat before;
    struct stat after;
    FILE *f;

    make_dir(other, sizeof(other));
    (void)snprintf(pg_dir, sizeof(pg_dir), "%s/pg", other);
    (void)snprintf(path, sizeof(path), "%s/PG_VERSION", pg_dir);
    ck_assert_int_eq(mkdir(pg_dir, 0755), 0);
    write_file(path, "9\n");
    ck_assert_int_eq(stat(pg_dir, &before), 0);
    ck_assert_int_eq(ordo_pgembed_start(other, &pg, &err), ORDO_E_CONFLICT);
    ck_assert_ptr_null(pg);
    ck_assert_msg(strstr(err.msg, "pg_upgrade") && strstr(err.msg, "PostgreSQL 9 "), "%s", err.msg);
    ck_assert_int_eq(stat(pg_dir, &after), 0);
    ck_assert_int_eq(after.st_mode, before.st_mode);
    ck_assert_int_eq(after.st_uid, before.st_uid);
    ck_assert_int_eq(count_entries(pg_dir), 1);
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(content, sizeof(content), f));
    (void)fclose(f);
    ck_assert_str_eq(content, "9\n");
    remove_tree(other);
}
END_TEST

START_TEST(data_dir_too_long_for_a_socket_path_is_refused)
{
    char long_dir[160];
    struct ordo_pgembed *pg = NULL;
    struct ordo_err err = {0};

    (void)snprintf(long_dir, sizeof(long_dir), "/tmp/ordo-test-pgembed-%0100d", 0);
    ck_assert_int_eq(ordo_pgembed_start(long_dir, &pg, &err), ORDO_E_INVAL);
    ck_assert_ptr_null(pg);
    ck_assert_msg(strstr(err.msg, "too long") && strstr(err.msg, "data_dir"), "%s", err.msg);
    remove_tree(long_dir);
}
END_TEST

START_TEST(stop_of_null_is_a_no_op)
{
    ordo_pgembed_stop(NULL);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("pgembed");
    TCase *life = tcase_create("lifecycle");
    TCase *refuse = tcase_create("refusals");

    tcase_set_timeout(life, 120);
    tcase_add_unchecked_fixture(life, setup_once, teardown_once);
    tcase_add_test(life, first_start_initialises_a_cluster_with_database_ordo);
    tcase_add_test(life, restart_reuses_the_initialised_cluster);
    tcase_add_test(life, second_start_reuses_a_live_server_and_leaves_it_running);
    tcase_add_test(life, killed_server_with_a_stale_pid_file_is_started_again);
    suite_add_tcase(s, life);
    tcase_set_timeout(refuse, 30);
    tcase_add_test(refuse, cluster_of_another_major_version_is_refused_untouched);
    tcase_add_test(refuse, data_dir_too_long_for_a_socket_path_is_refused);
    tcase_add_test(refuse, stop_of_null_is_a_no_op);
    suite_add_tcase(s, refuse);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
