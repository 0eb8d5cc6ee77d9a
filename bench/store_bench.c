/*
 * bench/store_bench - durable straight-through instances per second.
 *
 *     store_bench CONNINFO FILE.bpmn PROCESS N [EXECUTOR_THREADS] [STARTERS]
 *
 * Deploys FILE, then STARTERS threads (default 2) start N instances of
 * PROCESS between them while an in-process executor (default 2 threads,
 * the built-in noop.complete handler) runs their jobs, exactly as `ordo
 * worker` would. The clock runs from the first start to the moment the
 * last instance has completed. Prints one JSON line:
 * {"instances":N,"seconds":S,"per_s":R}. The database decides durability
 * (bench/run-store.sh runs it with synchronous_commit=on).
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/crypto.h"
#include "base/file.h"
#include "base/pg.h"
#include "core/executor.h"
#include "core/store.h"

struct starter {
    const char *conninfo, *process;
    struct ordo_defcache *cache;
    long n;
    int failed;
};

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *start_some(void *arg)
{
    struct starter *s = arg;
    struct ordo_start req = {.process_id = s->process, .actor = "bench"};
    struct ordo_store *st = NULL;
    struct ordo_err err = {0};

    if (ordo_store_open(s->conninfo, s->cache, "bench", &st, &err) != ORDO_OK) {
        (void)fprintf(stderr, "store_bench: %s\n", err.msg);
        s->failed = 1;
        return NULL;
    }
    for (long i = 0; i < s->n && !s->failed; i++) {
        if (ordo_store_start(st, &req, NULL, &err) != ORDO_OK) {
            (void)fprintf(stderr, "store_bench: %s\n", err.msg);
            s->failed = 1;
        }
    }
    ordo_store_close(st);
    return NULL;
}

static long completed(PGconn *db)
{
    PGresult *res = PQexec(db, "SELECT count(*) FROM instance WHERE status = 'completed'");
    long n = PQresultStatus(res) == PGRES_TUPLES_OK ? strtol(PQgetvalue(res, 0, 0), NULL, 10) : -1;

    PQclear(res);
    return n;
}

static int deploy(const char *conninfo, struct ordo_defcache *cache, const char *path)
{
    struct ordo_buf xml = ORDO_BUF_INIT;
    struct ordo_arena *arena = ordo_arena_new();
    const struct ordo_deployed *out;
    const struct ordo_graph_finding *findings;
    size_t nout, nfindings;
    struct ordo_store *st = NULL;
    struct ordo_err err = {0};
    int rc = 0;

    if (ordo_file_read(path, 1 << 20, "BPMN file", &xml, &err) != ORDO_OK ||
        ordo_store_open(conninfo, cache, "bench", &st, &err) != ORDO_OK ||
        ordo_store_deploy(st,
                          &(struct ordo_deploy_req){
                              .resource = path, .xml = xml.data, .len = xml.len, .actor = "bench"},
                          arena, &out, &nout, &findings, &nfindings, &err) != ORDO_OK) {
        (void)fprintf(stderr, "store_bench: %s\n", err.msg);
        rc = 1;
    }
    ordo_store_close(st);
    ordo_buf_cleanup(&xml);
    ordo_arena_free(arena);
    return rc;
}

int main(int argc, char **argv)
{
    struct ordo_executor_options eo = {.owner = "bench", .handlers = ordo_builtin_handlers()};
    struct starter s[8];
    pthread_t t[8];
    struct ordo_executor *ex = NULL;
    struct ordo_err err = {0};
    PGconn *db = NULL;
    long n, done = 0;
    int starters;
    double t0, t1;

    if (argc < 5) {
        (void)fprintf(stderr,
                      "usage: store_bench CONNINFO FILE.bpmn PROCESS N [THREADS] [STARTERS]\n");
        return 2;
    }
    n = strtol(argv[4], NULL, 10);
    eo.threads = argc > 5 ? (int)strtol(argv[5], NULL, 10) : 2;
    starters = argc > 6 ? (int)strtol(argv[6], NULL, 10) : 2;
    starters = starters < 1 ? 1 : starters > 8 ? 8 : starters;
    eo.conninfo = argv[1];
    eo.cache = ordo_defcache_new(NULL);
    if (ordo_crypto_init(&err) != ORDO_OK || deploy(argv[1], eo.cache, argv[2]) != 0 ||
        ordo_pg_connect(argv[1], &db, &err) != ORDO_OK) {
        (void)fprintf(stderr, "store_bench: %s\n", err.msg);
        return 1;
    }
    long before = completed(db);

    t0 = now_s();
    if (ordo_executor_start(&eo, &ex, &err) != ORDO_OK) {
        (void)fprintf(stderr, "store_bench: %s\n", err.msg);
        return 1;
    }
    for (int i = 0; i < starters; i++) {
        s[i] = (struct starter){.conninfo = argv[1],
                                .process = argv[3],
                                .cache = eo.cache,
                                .n = n / starters + (i < n % starters)};
        pthread_create(&t[i], NULL, start_some, &s[i]);
    }
    for (int i = 0; i < starters; i++) {
        pthread_join(t[i], NULL);
        if (s[i].failed) {
            return 1;
        }
    }
    while ((done = completed(db) - before) < n && done >= 0) {
        struct timespec pause = {.tv_nsec = 50 * 1000000L};

        nanosleep(&pause, NULL);
    }
    t1 = now_s();
    ordo_executor_stop(ex);
    PQfinish(db);
    ordo_defcache_free(eo.cache);
    (void)printf("{\"instances\":%ld,\"seconds\":%.3f,\"per_s\":%.1f}\n", n, t1 - t0,
                 (double)n / (t1 - t0));
    return done == n ? 0 : 1;
}
