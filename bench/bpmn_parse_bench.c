/*
 * bench/bpmn_parse_bench.c - parse + model throughput of the BPMN parser.
 *
 * usage: bpmn_parse_bench DIR [ROUNDS]
 * Reads every .bpmn file under DIR into memory first, then parses each of
 * them ROUNDS times (building and indexing the full model, then freeing it)
 * and prints one JSON line: files, bytes, rounds, seconds, MB_per_s.
 * bench/run-parse.sh runs it beside bpmn-moddle and xmllint; see
 * docs/benchmarks.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/file.h"
#include "bpmn/parse.h"
#include "tests/unit/corpus.h"

static double now(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long parse_rounds(const char *arg)
{
    char *end;
    long n = arg ? strtol(arg, &end, 10) : 5;

    if (arg && (*end || n < 1 || n > 100000)) {
        (void)fprintf(stderr, "bpmn_parse_bench: ROUNDS must be 1..100000\n");
        exit(2);
    }
    return n;
}

int main(int argc, char **argv)
{
    struct corpus files = {0};
    struct ordo_buf *texts;
    size_t bytes = 0;
    long rounds;
    double t0;
    double secs;

    if (argc < 2 || argc > 3) {
        (void)fprintf(stderr, "usage: bpmn_parse_bench DIR [ROUNDS]\n");
        return 2;
    }
    rounds = parse_rounds(argc == 3 ? argv[2] : NULL);
    (void)setenv("ORDOTEST_CORPUS_DIR", argv[1], 1);
    corpus_load(&files, ".");
    if (files.count == 0) {
        return CORPUS_SKIP;
    }
    texts = calloc(files.count, sizeof(*texts));
    for (size_t i = 0; i < files.count; i++) {
        struct ordo_err err = {0};

        if (ordo_file_read(files.paths[i], ORDO_BPMN_DEFAULT_MAX_BYTES, NULL, &texts[i], &err) !=
            ORDO_OK) {
            (void)fprintf(stderr, "bpmn_parse_bench: %s\n", err.msg);
            return 1;
        }
        bytes += texts[i].len;
    }
    t0 = now();
    for (long r = 0; r < rounds; r++) {
        for (size_t i = 0; i < files.count; i++) {
            struct ordo_bpmn_model *m = NULL;
            struct ordo_err err = {0};

            if (ordo_bpmn_parse(texts[i].data, texts[i].len, NULL, &m, &err) != ORDO_OK) {
                (void)fprintf(stderr, "bpmn_parse_bench: %s: %s\n", files.paths[i], err.msg);
                return 1;
            }
            ordo_bpmn_model_free(m);
        }
    }
    secs = now() - t0;
    (void)printf("{\"parser\":\"ordo\",\"files\":%zu,\"bytes\":%zu,\"rounds\":%ld,\"seconds\":%.4f,"
                 "\"MB_per_s\":%.2f}\n",
                 files.count, bytes, rounds, secs, (double)bytes * (double)rounds / secs / 1e6);
    for (size_t i = 0; i < files.count; i++) {
        ordo_buf_cleanup(&texts[i]);
    }
    free(texts);
    corpus_free(&files);
    return 0;
}
