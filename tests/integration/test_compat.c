/*
 * tests/integration/test_compat.c - one Node.js script against a real
 * `ordo serve` on a database of its own: Camunda's own clients from
 * tests/compat, or the browser tests of the web UI from tests/ui. The
 * runner $ORDOTEST_COMPAT_RUNNER (that folder's run.sh) runs the script
 * named by $ORDOTEST_COMPAT_SCRIPT with ORDOTEST_URL (the server),
 * ORDOTEST_ADMIN_KEY, ORDOTEST_DATA_DIR (the server's data_dir) and
 * ORDOTEST_BPMN_DIR (tests/integration/bpmn); it must exit 0, and a failed
 * script fails the test with its output above. With ORDOTEST_SERVE_DEMO=1
 * the server runs as `ordo serve --demo` (the sandbox and its manager).
 * The script makes the users, keys and deployments it needs through the
 * API itself. Skipped (77, with a NOTICE) when the runner's --probe says
 * Node.js 20+, the npm packages or a browser are missing.
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "tests/integration/httptest.h"
#include "tests/integration/pgtest.h"

#define SCRIPT_TIMEOUT_S 240

extern char **environ;

/* Run the runner with 'arg' (a script, or --probe) and, when 'url' is
 * given, the server's address and data_dir in the environment: its exit
 * status (128 + signal when killed), -1 when it could not start. */
static int run_script(const char *arg, const char *url, const char *data_dir)
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
        setenv("ORDOTEST_DATA_DIR", data_dir, 1);
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
    const char *demo = getenv("ORDOTEST_SERVE_DEMO");
    const char *const demo_args[] = {"--demo", NULL};
    int rc;

    ck_assert_msg(script != NULL, "ORDOTEST_COMPAT_SCRIPT is not set");
    if (demo && strcmp(demo, "1") == 0) {
        httptest_start_args(&srv, "compat", NULL, demo_args);
    } else {
        httptest_start(&srv, "compat", NULL);
    }
    rc = run_script(script, srv.url, srv.data_dir);
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
    switch (run_script("--probe", NULL, NULL)) {
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
