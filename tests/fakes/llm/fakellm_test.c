#include "tests/fakes/llm/fakellm_test.h"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "base/httpc.h"

extern char **environ;

#define START_TIMEOUT_MS 30000
#define STOP_TIMEOUT_MS  10000

static pid_t live_pid;   /* killed at exit if still running */
static pid_t live_owner; /* the process that started it */

static void kill_live_cb(void)
{
    if (live_pid > 0 && live_owner == getpid()) {
        (void)kill(live_pid, SIGKILL);
        (void)waitpid(live_pid, NULL, 0);
    }
}

static void read_line(int fd, char *buf, size_t size)
{
    size_t len = 0;
    struct pollfd p = {.fd = fd, .events = POLLIN};

    buf[0] = '\0';
    while (len + 1 < size && !memchr(buf, '\n', len)) {
        ssize_t got;

        ck_assert_msg(poll(&p, 1, START_TIMEOUT_MS) == 1, "ordo-fake-llm did not start in time");
        got = read(fd, buf + len, size - len - 1);
        ck_assert_msg(got > 0, "ordo-fake-llm exited before listening");
        len += (size_t)got;
        buf[len] = '\0';
    }
    buf[strcspn(buf, "\n")] = '\0';
}

void ordo_fakellm_start(struct ordo_fakellm *f, const char *api_key)
{
    static bool registered;
    const char *bin = getenv("ORDOTEST_FAKE_LLM_BIN");
    const char *argv[6] = {bin, "--port", "0", NULL};
    posix_spawn_file_actions_t fa;
    char line[256];
    json_t *ready;
    int fds[2];

    ck_assert_msg(bin != NULL, "ORDOTEST_FAKE_LLM_BIN is not set");
    ck_assert_int_eq(f->pid, 0);
    if (api_key) {
        argv[3] = "--api-key";
        argv[4] = api_key;
    }
    if (!registered) {
        registered = atexit(kill_live_cb) == 0;
    }
    ck_assert_int_eq(pipe(fds), 0);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    ck_assert_int_eq(posix_spawn(&f->pid, bin, &fa, NULL, (char **)argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    live_pid = f->pid;
    live_owner = getpid();
    (void)close(fds[1]);
    read_line(fds[0], line, sizeof line);
    (void)close(fds[0]);
    ready = json_loads(line, 0, NULL);
    ck_assert_msg(json_is_string(json_object_get(ready, "url")), "not the ready line: %s", line);
    (void)snprintf(f->url, sizeof f->url, "%s", json_string_value(json_object_get(ready, "url")));
    json_decref(ready);
}

void ordo_fakellm_stop(struct ordo_fakellm *f)
{
    int status = 0;

    if (f->pid <= 0) {
        return;
    }
    ck_assert_int_eq(kill(f->pid, SIGTERM), 0);
    for (int waited = 0; waited < STOP_TIMEOUT_MS; waited += 10) {
        struct timespec ts = {0, 10L * 1000000};

        if (waitpid(f->pid, &status, WNOHANG) == f->pid) {
            f->pid = 0;
            live_pid = 0;
            ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                          "ordo-fake-llm ended with status %d", status);
            return;
        }
        (void)nanosleep(&ts, NULL);
    }
    (void)kill(f->pid, SIGKILL);
    (void)waitpid(f->pid, NULL, 0);
    f->pid = 0;
    live_pid = 0;
    ck_abort_msg("ordo-fake-llm did not stop within 10 s of SIGTERM");
}

/* One control request; the status, and the body parsed in '*out' when 'out' is set. */
static long control(const struct ordo_fakellm *f, const char *method, const char *path,
                    const char *json, json_t **out)
{
    static const char *const allow[] = {"127.0.0.1"};
    struct ordo_httpc_policy pol = {.allow = allow, .nallow = 1};
    struct ordo_httpc_header ct = {"Content-Type", "application/json"};
    struct ordo_httpc *c = NULL;
    struct ordo_httpc_response resp;
    struct ordo_err err = {0};
    char url[256];
    long status;

    (void)snprintf(url, sizeof url, "%s%s", f->url, path);
    ck_assert_msg(ordo_httpc_new(&pol, &c, &err) == ORDO_OK, "%s", err.msg);
    ck_assert_msg(ordo_httpc_do(c,
                                &(struct ordo_httpc_request){.method = method,
                                                             .url = url,
                                                             .headers = json ? &ct : NULL,
                                                             .nheaders = json ? 1 : 0,
                                                             .body = json,
                                                             .body_len = json ? strlen(json) : 0},
                                &resp, &err) == ORDO_OK,
                  "%s %s: %s", method, path, err.msg);
    status = resp.status;
    if (out) {
        *out = json_loadb(resp.body, resp.body_len, 0, NULL);
        ck_assert_msg(*out != NULL, "%s %s: not JSON: %s", method, path, resp.body);
    }
    ordo_httpc_free(c);
    return status;
}

void ordo_fakellm_script(const struct ordo_fakellm *f, const char *json)
{
    long status = control(f, "POST", "/_fake/script", json, NULL);

    ck_assert_msg(status == 201, "script %s: HTTP %ld", json, status);
}

void ordo_fakellm_script_ir(const struct ordo_fakellm *f, const json_t *ir)
{
    json_t *item = json_pack("{s:O}", "ir", ir);
    char *text = json_dumps(item, JSON_COMPACT);

    ordo_fakellm_script(f, text);
    free(text);
    json_decref(item);
}

json_t *ordo_fakellm_requests(const struct ordo_fakellm *f)
{
    json_t *doc = NULL;
    json_t *reqs;

    ck_assert_int_eq(control(f, "GET", "/_fake/requests", NULL, &doc), 200);
    reqs = json_incref(json_object_get(doc, "requests"));
    json_decref(doc);
    ck_assert_ptr_nonnull(reqs);
    return reqs;
}

void ordo_fakellm_reset(const struct ordo_fakellm *f)
{
    ck_assert_int_eq(control(f, "POST", "/_fake/reset", "{}", NULL), 200);
}
