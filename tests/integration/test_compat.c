/*
 * tests/integration/test_compat.c - one script of tests/compat (Camunda's
 * own clients, unmodified, from npm) against a real `ordo serve` on a
 * database of its own: the script named by $ORDOTEST_COMPAT_SCRIPT runs
 * with ORDOTEST_URL (the server), ORDOTEST_ADMIN_KEY and ORDOTEST_BPMN_DIR
 * (tests/integration/bpmn) and must exit 0; a failed script fails the
 * test with its output above. It makes the users, keys and
 * deployments it needs through the API itself. Skipped (77, with a NOTICE)
 * without Node.js 20+ or the npm packages.
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "tests/integration/httptest.h"
#include "tests/integration/pgtest.h"

#define SCRIPT_TIMEOUT_S 240

extern char **environ;

/* Run tests/compat/run.sh with 'arg' (a script, or --probe) and, when
 * 'url' is given, the server's address in the environment: its exit
 * status (128 + signal when killed), -1 when it could not start. */
static int run_script(const char *arg, const char *url)
{
    const char *runner = getenv("ORDOTEST_COMPAT_RUNNER");
    char *argv[] = {(char *)"bash", (char *)runner, (char *)arg, NULL};
    pid_t pid;
    int status = 0;

    if (!runner) {
        (void)fprintf(stderr, "ORDOTEST_COMPAT_RUNNER is not set\n");
        return -1;
    }
    if (url) {
        setenv("ORDOTEST_URL", url, 1);
        setenv("ORDOTEST_ADMIN_KEY", HTTPTEST_ADMIN_KEY, 1);
    }
    if (posix_spawnp(&pid, "bash", NULL, NULL, argv, environ) != 0) {
        return -1;
    }
    httptest_child_started(pid);
    if (waitpid(pid, &status, 0) != pid) {
        return -1;
    }
    httptest_child_ended(pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

START_TEST(the_camunda_client_script_succeeds_against_ordo)
{
    struct httptest srv;
    const char *script = getenv("ORDOTEST_COMPAT_SCRIPT");
    int rc;

    ck_assert_msg(script != NULL, "ORDOTEST_COMPAT_SCRIPT is not set");
    httptest_start(&srv, "compat", NULL);
    rc = run_script(script, srv.url);
    httptest_stop(&srv);
    ck_assert_msg(rc == 0, "%s exited with %d (its output is above)", script, rc);
}
END_TEST

static Suite *compat_suite(void)
{
    Suite *s = suite_create("compat");
    TCase *tc = tcase_create("camunda clients");

    tcase_set_timeout(tc, SCRIPT_TIMEOUT_S + 60);
    tcase_add_test(tc, the_camunda_client_script_succeeds_against_ordo);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr;
    int failed;

    /* Node.js and the npm packages first: without them the test skips
     * before it starts anything. */
    if (!pgtest_available()) {
        return PGTEST_SKIP;
    }
    switch (run_script("--probe", NULL)) {
    case 0:
        break;
    case PGTEST_SKIP:
        return PGTEST_SKIP; /* run.sh said why */
    default:
        return EXIT_FAILURE;
    }
    sr = srunner_create(compat_suite());
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
