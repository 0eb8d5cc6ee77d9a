/*
 * tests/unit/corpus.h - the BPMN files of the shared corpus, for tests.
 *
 * The corpus lives beside the checkout (../shared/corpus); ctest passes its
 * path as ORDOTEST_CORPUS_DIR. A user's clone has no corpus: tests that
 * need it print a visible notice and exit with CORPUS_SKIP (ctest reports
 * the test as skipped).
 */
#ifndef ORDO_TESTS_CORPUS_H
#define ORDO_TESTS_CORPUS_H

#include <stddef.h>

#include <check.h>

#define CORPUS_SKIP 77

struct corpus {
    char **paths; /* sorted, absolute or relative to the working directory */
    size_t count;
};

/* Collect the .bpmn files under $ORDOTEST_CORPUS_DIR/SUBDIR. Returns 0 with
 * count 0 (after printing a notice) when the folder is absent. */
int corpus_load(struct corpus *c, const char *subdir);
void corpus_free(struct corpus *c);

/* The main() of a corpus test: load SUBDIR into 'c' (CORPUS_SKIP when it
 * is absent), run 'tests' as suite 'name' with a 120 s timeout, free the
 * corpus; EXIT_SUCCESS when every test passed. */
int corpus_main(struct corpus *c, const char *subdir, const char *name, const TTest *const *tests,
                size_t ntests);

#endif
