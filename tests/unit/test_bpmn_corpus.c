/*
 * The BPMN files of ../shared/corpus/miwg (157 files from four modelling
 * tools: bpmn.io, SAP Signavio, Trisotech and the MIWG reference set) all
 * parse, and `fmt` (write) keeps their model: a written file parses back to
 * the same elements, attributes, text, flows, DI bounds and extensions, and
 * writing it again gives the same bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "base/buf.h"
#include "bpmn/parse.h"
#include "bpmn/write.h"
#include "tests/unit/bpmn_compare.h"
#include "tests/unit/corpus.h"

static struct corpus corpus;

START_TEST(every_corpus_file_parses)
{
    size_t parsed = 0;

    for (size_t i = 0; i < corpus.count; i++) {
        struct ordo_bpmn_model *m = NULL;
        struct ordo_err err = {0};

        ck_assert_msg(ordo_bpmn_parse_file(corpus.paths[i], NULL, &m, &err) == ORDO_OK, "%s: %s",
                      corpus.paths[i], err.msg);
        ck_assert_ptr_nonnull(ordo_bpmn_model_root(m));
        ck_assert_int_eq(ordo_bpmn_model_root(m)->kind, ORDO_BPMN_DEFINITIONS);
        ordo_bpmn_model_free(m);
        parsed++;
    }
    (void)printf("parsed %zu of %zu corpus files\n", parsed, corpus.count);
}
END_TEST

static void write_model(const struct ordo_bpmn_model *m, struct ordo_buf *out, const char *path)
{
    struct ordo_err err = {0};

    ck_assert_msg(ordo_bpmn_write(m, out, &err) == ORDO_OK, "%s: %s", path, err.msg);
}

START_TEST(fmt_round_trip_keeps_the_model)
{
    for (size_t i = 0; i < corpus.count; i++) {
        const char *path = corpus.paths[i];
        struct ordo_bpmn_model *a = NULL;
        struct ordo_bpmn_model *b = NULL;
        struct ordo_buf once = ORDO_BUF_INIT;
        struct ordo_buf twice = ORDO_BUF_INIT;
        struct ordo_err err = {0};
        char why[512] = "";

        ck_assert_int_eq(ordo_bpmn_parse_file(path, NULL, &a, &err), ORDO_OK);
        write_model(a, &once, path);
        ck_assert_msg(ordo_bpmn_parse(once.data, once.len, NULL, &b, &err) == ORDO_OK,
                      "%s: written file does not parse: %s", path, err.msg);
        ck_assert_msg(bpmn_models_equal(a, b, why, sizeof(why)), "%s: %s", path, why);
        write_model(b, &twice, path);
        ck_assert_msg(once.len == twice.len && memcmp(once.data, twice.data, once.len) == 0,
                      "%s: formatting is not stable (a second fmt changes the file)", path);
        ordo_buf_cleanup(&once);
        ordo_buf_cleanup(&twice);
        ordo_bpmn_model_free(a);
        ordo_bpmn_model_free(b);
    }
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {every_corpus_file_parses, fmt_round_trip_keeps_the_model};

    return corpus_main(&corpus, "miwg", "bpmn_corpus", tests, sizeof(tests) / sizeof(tests[0]));
}
