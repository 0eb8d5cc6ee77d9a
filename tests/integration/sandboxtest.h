/*
 * tests/integration/sandboxtest.h - bin/ordo-sandbox (docs/sandbox.md) started by a test, and
 * its control API.
 *
 * sandboxtest_start() runs the program with --port 0 --ready-file in a temporary folder of its
 * own, waits for the line it prints on stdout and reads its URL from it. sandboxtest_stop()
 * sends SIGTERM and asserts a clean exit (status 0) within 10 s. A sandbox still running when
 * the test process exits (an assertion failed before the stop) is killed then, by the process
 * that started it only, so a Check child that ends never takes its parent's sandbox along.
 *
 * The binary is $ORDOTEST_SANDBOX_BIN, else the ordo-sandbox next to $ORDOTEST_BIN. Like
 * httptest, these helpers abort the test on any failure of their own.
 */
#ifndef ORDO_TESTS_SANDBOXTEST_H
#define ORDO_TESTS_SANDBOXTEST_H

#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

#include "tests/integration/httptest.h"

/* The sandbox's own credentials (docs/sandbox.md "Credentials"). */
#define SANDBOXTEST_SLACK_TOKEN  "xoxb-sandbox-token"
#define SANDBOXTEST_JIRA_EMAIL   "ops@acme.example"
#define SANDBOXTEST_JIRA_TOKEN   "sandbox-jira-token"
#define SANDBOXTEST_GITHUB_TOKEN "ghp_sandbox_token"
#define SANDBOXTEST_BAMBOO_KEY   "sandbox-bamboohr-key"
/* The same as request headers, for a test that calls a service itself (BambooHR's is the key
 * as the user and "x" as the password). */
#define SANDBOXTEST_SLACK_AUTH "Authorization: Bearer xoxb-sandbox-token"
#define SANDBOXTEST_JIRA_AUTH \
    "Authorization: Basic b3BzQGFjbWUuZXhhbXBsZTpzYW5kYm94LWppcmEtdG9rZW4="
#define SANDBOXTEST_GITHUB_AUTH "Authorization: Bearer ghp_sandbox_token"
#define SANDBOXTEST_BAMBOO_AUTH "Authorization: Basic c2FuZGJveC1iYW1ib29oci1rZXk6eA=="

struct sandboxtest {
    pid_t pid;         /* 0 while stopped */
    char dir[64];      /* its temporary folder: the ready file, and files a test puts there */
    char ready[128];   /* the --ready-file */
    char line[256];    /* what it printed on stdout: {"url":"...","pid":N} */
    char url[64];      /* "http://127.0.0.1:PORT" */
    struct httptest t; /* only 'url' is set: httptest_request() talks to the sandbox with it */
};

/* The ordo-sandbox binary. */
const char *sandboxtest_bin(void);

/* Start it with the common flags (--port 0, --ready-file, --log-level warn) and 'args', a
 * NULL-terminated list of more flags, or NULL. 's' is zeroed by the caller before the first
 * start; a restart after sandboxtest_stop() keeps the folder. */
void sandboxtest_start(struct sandboxtest *s, const char *const *args);

/* SIGTERM, then assert exit status 0 within 10 s. A stopped sandbox is a no-op. */
void sandboxtest_stop(struct sandboxtest *s);

/* Stop it if it runs, and remove its folder with the files in it. */
void sandboxtest_cleanup(struct sandboxtest *s);

/* "URL<suffix>" in 'buf', such as the base URL of a service: "/slack/api". */
const char *sandboxtest_url(const struct sandboxtest *s, const char *suffix, char *buf,
                            size_t size);

/* One request to the control API (/_sandbox/...), 'json' may be NULL. */
void sandboxtest_control(const struct sandboxtest *s, const char *method, const char *path,
                         const char *json, struct httptest_resp *out);

/* The recorded calls (GET /_sandbox/calls?QUERY, 'query' may be NULL): a new reference to the
 * "calls" array, oldest first. */
json_t *sandboxtest_calls(const struct sandboxtest *s, const char *query);

/* Arm a fault (POST /_sandbox/faults); asserts 201. */
void sandboxtest_fault(const struct sandboxtest *s, const char *json);

/* Back to the seed, calls and faults forgotten (POST /_sandbox/reset). */
void sandboxtest_reset(const struct sandboxtest *s);

#endif
