/*
 * tests/unit/check_main.h - the main() every Check test executable shares.
 *
 * A test file defines 'static Suite *make_suite(void)' and then writes
 * ORDO_CHECK_MAIN(make_suite). CK_ENV lets CK_VERBOSITY, CK_FORK,
 * CK_RUN_CASE and CK_XML_LOG_FILE_NAME steer a run from the environment.
 */
#ifndef ORDO_TESTS_CHECK_MAIN_H
#define ORDO_TESTS_CHECK_MAIN_H

#include <stdlib.h>

#include <check.h>

#define ORDO_CHECK_MAIN(make_suite)                       \
    int main(void)                                        \
    {                                                     \
        SRunner *sr = srunner_create(make_suite());       \
        int failed;                                       \
                                                          \
        srunner_run_all(sr, CK_ENV);                      \
        failed = srunner_ntests_failed(sr);               \
        srunner_free(sr);                                 \
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE; \
    }

#endif
