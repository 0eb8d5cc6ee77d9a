#include "tests/integration/sandboxtest.h"

#include <dirent.h>
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

extern char **environ;

#define START_TIMEOUT_MS 30000
#define STOP_TIMEOUT_MS  10000
#define MAX_ARGS         16

const char *sandboxtest_bin(void)
{
    static char path[1024];
    const char *own = getenv("ORDOTEST_SANDBOX_BIN");
    const char *ordo = getenv("ORDOTEST_BIN");
    const char *slash = ordo ? strrchr(ordo, '/') : NULL;

    if (own) {
        return own;
    }
    ck_assert_msg(slash != NULL, "ORDOTEST_BIN is not set");
    (void)snprintf(path, sizeof path, "%.*s/ordo-sandbox", (int)(slash - ordo), ordo);
    return path;
}

/* The first line the program prints, into 'buf'. */
static void read_line(int fd, char *buf, size_t size)
{
    size_t len = 0;
    struct pollfd p = {.fd = fd, .events = POLLIN};

    buf[0] = '\0';
    while (len + 1 < size && !memchr(buf, '\n', len)) {
        ssize_t got;

        ck_assert_msg(poll(&p, 1, START_TIMEOUT_MS) == 1, "ordo-sandbox did not start in time");
        got = read(fd, buf + len, size - len - 1);
        ck_assert_msg(got > 0, "ordo-sandbox exited before listening");
        len += (size_t)got;
        buf[len] = '\0';
    }
    buf[strcspn(buf, "\n")] = '\0';
}

void sandboxtest_start(struct sandboxtest *s, const char *const *args)
{
    const char *argv[MAX_ARGS] = {sandboxtest_bin(), "--port",      "0",   "--ready-file",
                                  s->ready,          "--log-level", "warn"};
    size_t n = 7;
    posix_spawn_file_actions_t fa;
    json_t *ready;
    int fds[2];

    ck_assert_int_eq(s->pid, 0);
    if (!s->dir[0]) {
        (void)snprintf(s->dir, sizeof s->dir, "/tmp/ordo-sandboxtest.XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(s->dir));
        (void)snprintf(s->ready, sizeof s->ready, "%s/ready.json", s->dir);
    }
    for (size_t i = 0; args && args[i]; i++) {
        ck_assert_uint_lt(n, MAX_ARGS - 1);
        argv[n++] = args[i];
    }
    ck_assert_int_eq(pipe(fds), 0);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    ck_assert_int_eq(posix_spawn(&s->pid, argv[0], &fa, NULL, (char **)argv, environ), 0);
    httptest_child_started(s->pid);
    posix_spawn_file_actions_destroy(&fa);
    (void)close(fds[1]);
    read_line(fds[0], s->line, sizeof s->line);
    (void)close(fds[0]);
    ready = json_loads(s->line, 0, NULL);
    ck_assert_msg(json_is_string(json_object_get(ready, "url")), "not the ready line: %s", s->line);
    (void)snprintf(s->url, sizeof s->url, "%s", json_string_value(json_object_get(ready, "url")));
    (void)snprintf(s->t.url, sizeof s->t.url, "%s", s->url);
    json_decref(ready);
}

void sandboxtest_stop(struct sandboxtest *s)
{
    int status = 0;

    if (s->pid <= 0) {
        return;
    }
    ck_assert_int_eq(kill(s->pid, SIGTERM), 0);
    for (int waited = 0; waited < STOP_TIMEOUT_MS; waited += 10) {
        struct timespec ts = {0, 10L * 1000000};

        if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
            httptest_child_ended(s->pid);
            s->pid = 0;
            ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                          "ordo-sandbox ended with status %d", status);
            return;
        }
        (void)nanosleep(&ts, NULL);
    }
    (void)kill(s->pid, SIGKILL);
    (void)waitpid(s->pid, NULL, 0);
    httptest_child_ended(s->pid);
    s->pid = 0;
    ck_abort_msg("ordo-sandbox did not stop within 10 s of SIGTERM");
}

void sandboxtest_cleanup(struct sandboxtest *s)
{
    DIR *d;
    struct dirent *e;
    char path[512];

    sandboxtest_stop(s);
    if (!s->dir[0] || !(d = opendir(s->dir))) {
        return;
    }
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            (void)snprintf(path, sizeof path, "%s/%s", s->dir, e->d_name);
            (void)unlink(path);
        }
    }
    (void)closedir(d);
    (void)rmdir(s->dir);
    s->dir[0] = '\0';
}

const char *sandboxtest_url(const struct sandboxtest *s, const char *suffix, char *buf, size_t size)
{
    (void)snprintf(buf, size, "%s%s", s->url, suffix ? suffix : "");
    return buf;
}

void sandboxtest_control(const struct sandboxtest *s, const char *method, const char *path,
                         const char *json, struct httptest_resp *out)
{
    httptest_request(&s->t, method, path, NULL, json ? "application/json" : NULL, json,
                     json ? strlen(json) : 0, NULL, out);
}

json_t *sandboxtest_calls(const struct sandboxtest *s, const char *query)
{
    struct httptest_resp r;
    char path[256];
    json_t *calls;

    (void)snprintf(path, sizeof path, "/_sandbox/calls%s%s", query ? "?" : "", query ? query : "");
    sandboxtest_control(s, "GET", path, NULL, &r);
    ck_assert_msg(r.status == 200, "GET %s: %ld %s", path, r.status, r.body);
    calls = json_incref(json_object_get(r.json, "calls"));
    ck_assert_msg(json_is_array(calls), "GET %s: %s", path, r.body);
    httptest_resp_free(&r);
    return calls;
}

void sandboxtest_fault(const struct sandboxtest *s, const char *json)
{
    struct httptest_resp r;

    sandboxtest_control(s, "POST", "/_sandbox/faults", json, &r);
    ck_assert_msg(r.status == 201, "fault %s: %ld %s", json, r.status, r.body);
    httptest_resp_free(&r);
}

void sandboxtest_reset(const struct sandboxtest *s)
{
    struct httptest_resp r;

    sandboxtest_control(s, "POST", "/_sandbox/reset", NULL, &r);
    ck_assert_msg(r.status == 200, "reset: %ld %s", r.status, r.body);
    httptest_resp_free(&r);
}
