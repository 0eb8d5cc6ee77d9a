/*
 * bench/engine_bench.c - the engine in memory: N instances of one process,
 * each from a fresh state to its end (issue 3, must-show 4).
 *
 *   engine_bench FILE N          run N instances; print instances/s as JSON
 *   engine_bench FILE N --park   start N instances and leave them at their
 *                                first jobs; print the RSS growth per instance
 *
 * The BPMN file is parsed and compiled once. Instance i starts with
 * {"approved": i % 2 == 0}; every job it creates is completed through a
 * runtime event (ORDO_EVENT_JOB_COMPLETE, no variables), and every effect of
 * every step is materialised as it would be persisted: written out as the
 * JSON record the audit log stores (ordo_effect_json). The byte count of
 * those records is printed so a reader can see the work was done.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/buf.h"
#include "bpmn/parse.h"
#include "core/graph.h"
#include "core/runtime.h"

struct bench {
    const struct ordo_graph *graph;
    uint32_t process;
    struct ordo_arena *arena;
    struct ordo_buf audit;
    uint32_t *jobs; /* jobs waiting to be completed */
    size_t njobs, cap;
    uint64_t effects;
    uint64_t bytes;
};

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static _Noreturn void die(const char *what, const struct ordo_err *err)
{
    (void)fprintf(stderr, "engine_bench: %s: %s\n", what, err ? err->msg : "");
    exit(2);
}

static void remember_job(struct bench *b, uint32_t key)
{
    if (b->njobs == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 16;
        b->jobs = realloc(b->jobs, b->cap * sizeof(*b->jobs));
        if (!b->jobs) {
            die("out of memory", NULL);
        }
    }
    b->jobs[b->njobs++] = key;
}

/* Persist-like handling of one step: every effect becomes its audit record;
 * new jobs are remembered for completion. */
static void absorb(struct bench *b, const struct ordo_step *st)
{
    for (size_t i = 0; i < st->neffects; i++) {
        const struct ordo_effect *e = &st->effects[i];

        ordo_buf_reset(&b->audit);
        ordo_effect_json(b->graph, e, &b->audit);
        b->bytes += b->audit.len;
        if (e->kind == ORDO_EFFECT_JOB && e->op == ORDO_OP_CREATED) {
            remember_job(b, e->key);
        }
    }
    b->effects += st->neffects;
}

static struct ordo_instance *start(struct bench *b, uint64_t i)
{
    struct ordo_instance *inst = ordo_instance_new(b->graph, b->process, NULL);
    json_t *vars = json_pack("{s:b}", "approved", i % 2 == 0);
    struct ordo_event ev = {.kind = ORDO_EVENT_START,
                            .start_node = ORDO_GRAPH_NONE,
                            .variables = vars,
                            .time_ms = 1764000000000};
    struct ordo_step st = {.arena = b->arena};
    struct ordo_err err = {0};

    if (ordo_runtime_apply(inst, &ev, &st, &err) != ORDO_OK) {
        die("start", &err);
    }
    absorb(b, &st);
    ordo_arena_reset(b->arena);
    json_decref(vars);
    return inst;
}

static void finish(struct bench *b, struct ordo_instance *inst)
{
    struct ordo_err err = {0};

    while (b->njobs > 0) {
        struct ordo_event ev = {.kind = ORDO_EVENT_JOB_COMPLETE,
                                .key = b->jobs[0],
                                .start_node = ORDO_GRAPH_NONE,
                                .time_ms = 1764000000000};
        struct ordo_step st = {.arena = b->arena};

        memmove(b->jobs, b->jobs + 1, (b->njobs - 1) * sizeof(*b->jobs));
        b->njobs--;
        if (ordo_runtime_apply(inst, &ev, &st, &err) != ORDO_OK) {
            die("complete a job", &err);
        }
        absorb(b, &st);
        ordo_arena_reset(b->arena);
    }
    if (ordo_instance_status(inst) != ORDO_INSTANCE_COMPLETED) {
        die("an instance did not complete", NULL);
    }
}

static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    char line[128] = "";
    char *p;
    long resident;

    if (!f) {
        return 0;
    }
    if (!fgets(line, sizeof(line), f)) {
        line[0] = '\0';
    }
    (void)fclose(f);
    (void)strtol(line, &p, 10); /* total pages, then resident pages */
    resident = strtol(p, NULL, 10);
    return resident * 4;
}

static void park(struct bench *b, uint64_t n)
{
    struct ordo_instance **all = calloc(n, sizeof(struct ordo_instance *));
    long before;
    long after;

    if (!all) {
        die("out of memory", NULL);
    }
    /* Warm the allocator so the first instances do not pay for its setup. */
    ordo_instance_free(start(b, 0));
    b->njobs = 0;
    before = rss_kib();
    for (uint64_t i = 0; i < n; i++) {
        all[i] = start(b, i);
        b->njobs = 0;
    }
    after = rss_kib();
    printf("{\"engine\":\"ordo\",\"parked\":%llu,\"rss_growth_kib\":%ld,"
           "\"bytes_per_waiting_instance\":%.0f}\n",
           (unsigned long long)n, after - before, (double)(after - before) * 1024.0 / (double)n);
    for (uint64_t i = 0; i < n; i++) {
        ordo_instance_free(all[i]);
    }
    free(all);
}

int main(int argc, char **argv)
{
    struct bench b = {0};
    struct ordo_bpmn_model *model = NULL;
    struct ordo_graph *graph = NULL;
    const struct ordo_graph_finding *findings;
    size_t nfindings;
    struct ordo_err err = {0};
    struct ordo_arena *scratch = ordo_arena_new();
    uint64_t n;
    double t0;
    double secs;

    if (argc < 3) {
        (void)fprintf(stderr, "usage: engine_bench FILE N [--park]\n");
        return 2;
    }
    n = strtoull(argv[2], NULL, 10);
    if (ordo_bpmn_parse_file(argv[1], NULL, &model, &err) != ORDO_OK ||
        ordo_graph_compile(model, NULL, scratch, &graph, &findings, &nfindings, &err) != ORDO_OK) {
        die(argv[1], &err);
    }
    b.graph = graph;
    b.process = graph->processes[0];
    b.arena = ordo_arena_new();
    if (argc > 3 && strcmp(argv[3], "--park") == 0) {
        park(&b, n);
    } else {
        ordo_instance_free(start(&b, 0)); /* warm-up */
        b.njobs = 0;
        b.effects = b.bytes = 0;
        t0 = now_s();
        for (uint64_t i = 0; i < n; i++) {
            struct ordo_instance *inst = start(&b, i);

            finish(&b, inst);
            ordo_instance_free(inst);
        }
        secs = now_s() - t0;
        printf("{\"engine\":\"ordo\",\"instances\":%llu,\"seconds\":%.4f,\"per_s\":%.0f,"
               "\"effects_per_instance\":%.1f,\"audit_bytes_per_instance\":%.0f}\n",
               (unsigned long long)n, secs, (double)n / secs, (double)b.effects / (double)n,
               (double)b.bytes / (double)n);
    }
    free(b.jobs);
    ordo_buf_cleanup(&b.audit);
    ordo_arena_free(b.arena);
    ordo_arena_free(scratch);
    ordo_graph_free(graph);
    ordo_bpmn_model_free(model);
    return 0;
}
