/*
 * tests/integration/storetest.c - see storetest.h.
 */
#include "tests/integration/storetest.h"

#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "base/buf.h"
#include "base/crypto.h"
#include "base/file.h"
#include "tests/integration/pgtest.h"

extern char **environ;

char *storetest_db;
const char *storetest_app;
struct ordo_defcache *storetest_cache;
struct ordo_store *storetest_st;

void storetest_setup(void)
{
    struct ordo_err err = {0};

    ck_assert_int_eq(ordo_crypto_init(&err), ORDO_OK);
    storetest_db = pgtest_db_create("store");
    storetest_app = pgtest_conninfo(storetest_db, PGTEST_APP);
    storetest_cache = ordo_defcache_new(NULL);
    ck_assert_msg(ordo_store_open(storetest_app, storetest_cache, "test", &storetest_st, &err) ==
                      ORDO_OK,
                  "%s", err.msg);
}

void storetest_teardown(void)
{
    ordo_store_close(storetest_st);
    ordo_defcache_free(storetest_cache);
    pgtest_db_drop(storetest_db);
    free(storetest_db);
}

/* The first column of the first row of 'sql' (one optional parameter), as
 * the owner role; "" for no row, "NULL" for SQL NULL. Static buffer. */
const char *storetest_sql1(const char *sql, const char *param)
{
    static char value[4096];
    PGconn *db = pgtest_connect(storetest_db, PGTEST_OWNER);
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

const char *storetest_key(int64_t key)
{
    static char buf[4][24];
    static int next;
    char *b = buf[next++ % 4];

    (void)snprintf(b, sizeof buf[0], "%lld", (long long)key);
    return b;
}

/* Poll until 'sql' answers 'want' (10 s at most). */
void storetest_wait_for(const char *sql, const char *param, const char *want)
{
    struct timespec pause = {.tv_nsec = 20 * 1000000L};
    const char *got = "";

    for (int i = 0; i < 500; i++) {
        got = storetest_sql1(sql, param);
        if (strcmp(got, want) == 0) {
            return;
        }
        nanosleep(&pause, NULL);
    }
    ck_abort_msg("%s [%s]: waited for \"%s\", still \"%s\"", sql, param ? param : "", want, got);
}

void storetest_deploy(const char *file)
{
    char path[1024];
    const char *src = getenv("ORDOTEST_SOURCE_DIR");
    const struct ordo_deployed *out;
    const struct ordo_graph_finding *findings;
    size_t nout, nfindings;
    struct ordo_arena *arena = ordo_arena_new();
    struct ordo_buf xml = ORDO_BUF_INIT;
    struct ordo_err err = {0};
    struct ordo_deploy_req req = {.resource = file, .actor = "user:test"};

    (void)snprintf(path, sizeof path, "%s/tests/integration/bpmn/%s", src ? src : ".", file);
    ck_assert_msg(ordo_file_read(path, 1 << 20, "BPMN file", &xml, &err) == ORDO_OK, "%s", err.msg);
    req.xml = xml.data;
    req.len = xml.len;
    ck_assert_msg(ordo_store_deploy(storetest_st, &req, arena, &out, &nout, &findings, &nfindings,
                                    &err) == ORDO_OK,
                  "%s", err.msg);
    ck_assert_uint_ge(nout, 1);
    ordo_buf_cleanup(&xml);
    ordo_arena_free(arena);
}

int64_t storetest_start(const char *process, const char *vars_json)
{
    json_t *vars = vars_json ? json_loads(vars_json, 0, NULL) : NULL;
    struct ordo_start req = {.process_id = process, .variables = vars, .actor = "user:test"};
    struct ordo_err err = {0};
    int64_t key = 0;

    ck_assert_msg(ordo_store_start(storetest_st, &req, &key, &err) == ORDO_OK, "%s", err.msg);
    json_decref(vars);
    return key;
}

/* Run the ordo binary with 'args' (NULL-terminated, without the program
 * name); its standard output and error in 'out'. */
int storetest_run_ordo(const char *const *args, char *out, size_t outlen)
{
    const char *bin = getenv("ORDOTEST_BIN");
    char *argv[16] = {(char *)bin};
    int status = 0, fds[2];
    posix_spawn_file_actions_t fa;
    pid_t pid;
    ssize_t got;
    size_t len = 0;

    for (size_t i = 0; args[i] && i + 2 < sizeof argv / sizeof argv[0]; i++) {
        argv[i + 1] = (char *)args[i];
    }
    ck_assert_ptr_nonnull(bin);
    ck_assert_int_eq(pipe(fds), 0);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    ck_assert_int_eq(posix_spawn(&pid, bin, &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    (void)close(fds[1]);
    while (len + 1 < outlen && (got = read(fds[0], out + len, outlen - len - 1)) > 0) {
        len += (size_t)got;
    }
    out[len] = '\0';
    (void)close(fds[0]);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    return WEXITSTATUS(status);
}
