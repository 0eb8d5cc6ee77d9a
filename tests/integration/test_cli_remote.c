/*
 * tests/integration/test_cli_remote.c - the remote commands of `ordo` (deploy,
 * definition, instance, task, user, group, key, audit verify) run as the real
 * binary against a real `ordo serve`, with ORDO_URL and ORDO_API_KEY in their
 * environment; and `ordo config print`, which needs no server.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "tests/integration/httptest.h"
#include "tests/integration/pgtest.h"

extern char **environ;

#define ADMIN   HTTPTEST_ADMIN_KEY
#define MAX_ENV 128
#define OUT_MAX 65536

static struct httptest srv;

/* What one run of `ordo` printed, and its exit status. */
struct run {
    int status;
    char out[OUT_MAX];
    char err[OUT_MAX];
    json_t *json; /* 'out' parsed, when it is JSON */
};

static struct run last;

static void setup(void)
{
    httptest_start(&srv, "cli", NULL);
}

static void teardown(void)
{
    json_decref(last.json);
    last.json = NULL;
    httptest_stop(&srv);
}

static void slurp(int fd, char *buf)
{
    ssize_t got;
    size_t len = 0;

    (void)lseek(fd, 0, SEEK_SET);
    while (len + 1 < OUT_MAX && (got = read(fd, buf + len, OUT_MAX - len - 1)) > 0) {
        len += (size_t)got;
    }
    buf[len] = '\0';
    (void)close(fd);
}

static int temp_fd(void)
{
    char path[] = "/tmp/ordo-cli-remote.XXXXXX";
    int fd = mkstemp(path);

    ck_assert_int_ge(fd, 0);
    (void)unlink(path);
    return fd;
}

/* Run `ordo ARGS...` (NULL-terminated) with our environment minus ORDO_*,
 * then 'extra' ("NAME=value" strings, NULL-terminated, may be NULL), into
 * 'last'. Returns the exit status. */
static int run_env(const char *const *extra, const char *const *args)
{
    const char *bin = getenv("ORDOTEST_BIN");
    char *argv[32] = {(char *)bin};
    char *env[MAX_ENV + 1] = {0};
    size_t n = 0;
    int out = temp_fd(), err = temp_fd(), status = 0;
    posix_spawn_file_actions_t fa;
    pid_t pid;

    ck_assert_ptr_nonnull(bin);
    for (size_t i = 0; args[i] && i + 2 < sizeof argv / sizeof argv[0]; i++) {
        argv[i + 1] = (char *)args[i];
    }
    for (char **e = environ; *e && n < MAX_ENV - 8; e++) {
        if (strncmp(*e, "ORDO_", 5) != 0) {
            env[n++] = *e;
        }
    }
    for (size_t i = 0; extra && extra[i] && n < MAX_ENV; i++) {
        env[n++] = (char *)extra[i];
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out, 1);
    posix_spawn_file_actions_adddup2(&fa, err, 2);
    ck_assert_int_eq(posix_spawn(&pid, bin, &fa, NULL, argv, env), 0);
    posix_spawn_file_actions_destroy(&fa);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    json_decref(last.json);
    last.status = WEXITSTATUS(status);
    slurp(out, last.out);
    slurp(err, last.err);
    last.json = json_loads(last.out, 0, NULL);
    return last.status;
}

/* Run as the holder of API key 'key' against the test's server. */
static int run_as(const char *key, const char *const *args)
{
    char url[128], auth[256];
    const char *extra[] = {url, key ? auth : NULL, NULL};

    (void)snprintf(url, sizeof url, "ORDO_URL=%s", srv.url);
    (void)snprintf(auth, sizeof auth, "ORDO_API_KEY=%s", key ? key : "");
    return run_env(extra, args);
}

#define ORDO(key, ...) run_as((key), (const char *const[]){__VA_ARGS__, NULL})

/* Fail with what the command printed. */
#define EXPECT(status, key, ...)                                                              \
    do {                                                                                      \
        int got_ = ORDO(key, __VA_ARGS__);                                                    \
        ck_assert_msg(got_ == (status), "exit %d, expected %d\nstdout: %s\nstderr: %s", got_, \
                      (status), last.out, last.err);                                          \
    } while (0)

static const char *fixture_path(const char *name)
{
    static char path[1024];
    const char *src = getenv("ORDOTEST_SOURCE_DIR");

    (void)snprintf(path, sizeof path, "%s/tests/integration/bpmn/%s", src ? src : ".", name);
    return path;
}

static const char *member(const json_t *obj, const char *name)
{
    const char *s = json_string_value(json_object_get(obj, name));

    ck_assert_msg(s != NULL, "no string \"%s\" in %s", name, last.out);
    return s;
}

/* The items of the last --json list whose member 'name' is 'value'. */
static size_t count_items(const char *name, const char *value)
{
    const json_t *item;
    size_t i, n = 0;

    ck_assert_msg(json_is_array(json_object_get(last.json, "items")), "not a list: %s", last.out);
    json_array_foreach(json_object_get(last.json, "items"), i, item)
    {
        const char *v = json_string_value(json_object_get(item, name));

        n += v && strcmp(v, value) == 0;
    }
    return n;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* ---- the whole path of an approval, through the command line ----------------------------------
 */

/* carol, in group finance, which holds the approver role. */
static void create_approver(void)
{
    char gkey[32], done[64];

    EXPECT(0, ADMIN, "user", "create", "carol", "--email", "carol@example.com");
    ck_assert_ptr_nonnull(strstr(last.out, "login:"));
    ck_assert_ptr_nonnull(strstr(last.out, "carol@example.com"));
    EXPECT(0, ADMIN, "group", "create", "finance", "--roles", "approver", "--json");
    (void)snprintf(gkey, sizeof gkey, "%s", member(last.json, "key"));
    EXPECT(0, ADMIN, "group", "add", gkey, "carol");
    (void)snprintf(done, sizeof done, "added to group %s\n", gkey);
    ck_assert_str_eq(last.out, done);
}

/* Complete every task in 'tasks' as the holder of 'token'; review's form
 * first refuses an answer without "approved". */
static void complete_all(const char *token, const json_t *tasks)
{
    json_t *items = json_incref((json_t *)tasks); /* 'last' is overwritten meanwhile */
    const json_t *task;
    size_t i;

    json_array_foreach(items, i, task)
    {
        const char *key = member(task, "key");

        if (strcmp(member(task, "elementId"), "review") != 0) {
            EXPECT(0, token, "task", "claim", key);
            ck_assert_ptr_nonnull(strstr(last.out, " claimed\n"));
            EXPECT(0, token, "task", "complete", key);
            continue;
        }
        EXPECT(2, token, "task", "complete", key); /* the server's refusal */
        ck_assert_msg(strstr(last.err, "ordo task complete: ") == last.err, "%s", last.err);
        ck_assert_ptr_nonnull(strstr(last.err, "approved"));
        EXPECT(0, token, "task", "complete", key, "--vars", "{\"approved\":true}");
        ck_assert_ptr_nonnull(strstr(last.out, " completed\n"));
    }
    json_decref(items);
}

START_TEST(deploy_start_and_complete_an_approval)
{
    char instance[32], token[128];

    EXPECT(0, ADMIN, "deploy", fixture_path("approval.bpmn"));
    ck_assert_msg(strncmp(last.out, "KEY  PROCESS   VERSION  RESOURCE       NEW\n", 43) == 0, "%s",
                  last.out);
    ck_assert_ptr_nonnull(strstr(last.out, "approval  1        approval.bpmn  true\n"));

    EXPECT(0, ADMIN, "definition", "list");
    ck_assert_ptr_nonnull(strstr(last.out, "KEY  PROCESS   VERSION  NAME  SUSPENDED  DEPLOYED"));
    ck_assert_ptr_nonnull(strstr(last.out, "  approval  1        -     false      "));
    EXPECT(0, ADMIN, "definition", "list", "--json");
    ck_assert_uint_eq(count_items("processId", "approval"), 1);
    ck_assert(json_is_null(json_object_get(last.json, "next")));

    EXPECT(0, ADMIN, "instance", "start", "approval", "--business-key", "cli-1", "--json");
    (void)snprintf(instance, sizeof instance, "%s", member(last.json, "key"));
    ck_assert_str_eq(member(last.json, "businessKey"), "cli-1");

    create_approver();
    EXPECT(0, ADMIN, "key", "create", "--name", "carol-cli", "--scopes", "approver", "--user",
           "carol", "--json");
    (void)snprintf(token, sizeof token, "%s", member(last.json, "token"));

    /* carol may act on all three: assignee of sign, in group finance for review, and
     * anyone is open to every approver. */
    EXPECT(0, token, "task", "list", "--mine", "--instance", instance);
    ck_assert_ptr_nonnull(strstr(last.out, "KEY "));
    ck_assert_ptr_nonnull(strstr(last.out, " review "));
    ck_assert_ptr_nonnull(strstr(last.out, " carol "));
    EXPECT(0, token, "task", "list", "--mine", "--instance", instance, "--json");
    ck_assert_uint_eq(json_array_size(json_object_get(last.json, "items")), 3);
    complete_all(token, json_object_get(last.json, "items"));
    for (int i = 0; i < 500; i++) {
        EXPECT(0, ADMIN, "instance", "list", "--business-key", "cli-1", "--json");
        if (count_items("state", "completed") == 1) {
            break;
        }
        sleep_ms(20);
    }
    ck_assert_uint_eq(count_items("state", "completed"), 1);
    ck_assert_uint_eq(count_items("key", instance), 1);
}
END_TEST

START_TEST(instance_show_json_reports_a_completed_instance)
{
    char instance[32];

    EXPECT(0, ADMIN, "deploy", fixture_path("straight.bpmn"));
    EXPECT(0, ADMIN, "instance", "start", "straight", "--vars", "{\"a\":1}", "--json");
    (void)snprintf(instance, sizeof instance, "%s", member(last.json, "key"));
    for (int i = 0; i < 500; i++) {
        EXPECT(0, ADMIN, "instance", "list", "--state", "completed", "--json");
        if (count_items("key", instance) == 1) {
            break;
        }
        sleep_ms(20);
    }
    EXPECT(0, ADMIN, "instance", "show", instance, "--json");
    ck_assert_str_eq(member(last.json, "key"), instance);
    ck_assert_str_eq(member(last.json, "state"), "completed");
}
END_TEST

/* ---- refusals ----------------------------------------------------------------------------------
 */

START_TEST(bad_input_exits_2_with_the_servers_message)
{
    char bad[] = "/tmp/ordo-cli-remote-bad.XXXXXX";
    int fd = mkstemp(bad);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "<definitions", 12), 12);
    (void)close(fd);

    EXPECT(2, ADMIN, "instance", "start", "nope");
    ck_assert_str_eq(last.err, "ordo instance start: process \"nope\" is not deployed\n");
    ck_assert_str_eq(last.out, "");
    EXPECT(2, ADMIN, "deploy", bad);
    ck_assert_msg(strstr(last.err, "ordo deploy: ") == last.err, "%s", last.err);
    EXPECT(2, ADMIN, "definition", "show", "999999");
    ck_assert_ptr_nonnull(strstr(last.err, "ordo definition show: "));
    EXPECT(0, ADMIN, "user", "create", "eve", "--email", "eve@example.com");
    EXPECT(2, ADMIN, "user", "create", "eve", "--email", "eve2@example.com"); /* 409 */
    ck_assert_ptr_nonnull(strstr(last.err, "eve"));
    /* refused before anything is sent */
    EXPECT(2, ADMIN, "instance", "start", "approval", "--vars", "[1]");
    ck_assert_str_eq(last.err, "ordo instance start: --vars: expected a JSON object\n");
    EXPECT(2, ADMIN, "instance", "start");
    EXPECT(2, ADMIN, "instance", "list", "--bogus", "x");
    ck_assert_int_eq(httptest_count(&srv, "SELECT count(*) FROM definition"), 0);
    (void)unlink(bad);
}
END_TEST

START_TEST(a_wrong_key_exits_1_and_is_never_printed)
{
    EXPECT(1, "ordo_not-a-real-key-at-all-0123456789", "definition", "list");
    ck_assert_str_eq(last.err, "ordo definition list: invalid or expired credentials\n");
    ck_assert_str_eq(last.out, "");
    ck_assert_ptr_null(strstr(last.err, "not-a-real-key"));
    EXPECT(1, NULL, "instance", "list");
    /* an approver's key cannot create users: 403 is a failure, not bad input */
    EXPECT(0, ADMIN, "user", "create", "ann", "--email", "ann@example.com", "--roles", "approver");
    EXPECT(0, ADMIN, "key", "create", "--name", "k", "--scopes", "approver", "--user", "ann",
           "--json");
    {
        char token[128];

        (void)snprintf(token, sizeof token, "%s", member(last.json, "token"));
        EXPECT(1, token, "user", "create", "bob", "--email", "bob@example.com");
        ck_assert_ptr_nonnull(strstr(last.err, "ordo user create: "));
    }
}
END_TEST

START_TEST(an_unreachable_server_exits_1)
{
    const char *env[] = {"ORDO_URL=http://127.0.0.1:1", "ORDO_API_KEY=" ADMIN, NULL};

    ck_assert_int_eq(run_env(env, (const char *const[]){"definition", "list", NULL}), 1);
    ck_assert_ptr_nonnull(strstr(last.err, "ordo definition list: could not reach "));
    ck_assert_ptr_null(strstr(last.err, ADMIN));
}
END_TEST

START_TEST(audit_verify_asks_the_server_when_ordo_url_is_set)
{
    EXPECT(0, ADMIN, "deploy", fixture_path("straight.bpmn")); /* something to audit */
    EXPECT(0, ADMIN, "audit", "verify");
    ck_assert_msg(strncmp(last.out, "audit chain verified: ", 22) == 0, "%s", last.out);
    EXPECT(0, ADMIN, "audit", "verify", "--json");
    ck_assert(json_is_true(json_object_get(last.json, "ok")));
    EXPECT(2, ADMIN, "audit", "verify", "--url", srv.url, "--database-url", "host=/nowhere");
    ck_assert_ptr_nonnull(strstr(last.err, "not both"));
}
END_TEST

/* ---- no server ---------------------------------------------------------------------------------
 */

START_TEST(config_print_masks_secrets)
{
    const char *env[] = {"ORDO_MASTER_KEY=hunter2-master",
                         "ORDO_DATABASE_URL=postgres://ordo:hunter2-db@db:5432/ordo", NULL};

    ck_assert_int_eq(run_env(env, (const char *const[]){"config", "print", "--admin-key-file",
                                                        "/nonexistent", NULL}),
                     2);
    ck_assert_int_eq(run_env(env, (const char *const[]){"config", "print", "--port", "9000", NULL}),
                     0);
    ck_assert_ptr_null(strstr(last.out, "hunter2"));
    ck_assert_str_eq(member(last.json, "master_key"), "[redacted]");
    ck_assert_str_eq(member(last.json, "database_url"), "postgres://ordo:[redacted]@db:5432/ordo");
    ck_assert_int_eq(json_integer_value(json_object_get(last.json, "port")), 9000);
    ck_assert_int_eq(run_env(env, (const char *const[]){"config", "check", NULL}), 0);
    ck_assert_ptr_nonnull(strstr(last.out, "configuration ok\n"));
    ck_assert_ptr_nonnull(strstr(last.out, "  master_key: environment ORDO_MASTER_KEY\n"));
    ck_assert_ptr_null(strstr(last.out, "hunter2"));
    ck_assert_int_eq(
        run_env(env, (const char *const[]){"config", "check", "--port", "70000", NULL}), 2);
    ck_assert_ptr_nonnull(strstr(last.err, "ordo config check: "));
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("cli_remote");
    TCase *tc = tcase_create("server");
    TCase *local = tcase_create("local");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, deploy_start_and_complete_an_approval);
    tcase_add_test(tc, instance_show_json_reports_a_completed_instance);
    tcase_add_test(tc, bad_input_exits_2_with_the_servers_message);
    tcase_add_test(tc, a_wrong_key_exits_1_and_is_never_printed);
    tcase_add_test(tc, an_unreachable_server_exits_1);
    tcase_add_test(tc, audit_verify_asks_the_server_when_ordo_url_is_set);
    suite_add_tcase(s, tc);
    tcase_add_test(local, config_print_masks_secrets);
    suite_add_tcase(s, local);
    return s;
}

PGTEST_CHECK_MAIN(make_suite)
