/*
 * tests/integration/httptest.h - a real `ordo serve` on a database of its
 * own, and real HTTP requests to it over loopback (libcurl).
 *
 * httptest_start() clones a database from the migrated template, starts
 * the ordo binary ($ORDOTEST_BIN) as `ordo serve` on 127.0.0.1 and a free
 * port with a known admin key, and waits until it prints its URL.
 * httptest_stop() sends SIGTERM and asserts a clean exit within 15 s.
 * Extra configuration goes in through 'env' ("ORDO_RATE_LIMIT=2", ...).
 * A server started with ORDO_TLS_CERT_FILE prints an https:// URL; the
 * requests then trust that certificate (httptest_start reads the file
 * named in 'env'), so a self-signed one for 127.0.0.1 verifies.
 * Like pgtest, these helpers abort the test on any failure of their own.
 */
#ifndef ORDO_TESTS_HTTPTEST_H
#define ORDO_TESTS_HTTPTEST_H

#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>
#include <libpq-fe.h>

#define HTTPTEST_ADMIN_KEY "test-admin-key-0123456789abcdef"
/* The master key of the test servers' credentials (CONTRACTS §13: an external database needs one).
 */
#define HTTPTEST_MASTER_KEY "5e2f0c9a1b7d4e3f8a6c2b1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f"

struct httptest {
    char *db;         /* the database's name */
    char url[64];     /* "http://127.0.0.1:PORT" or "https://..." */
    char cainfo[256]; /* with https: the certificate the requests trust */
    pid_t pid;
    char data_dir[64];
    char **env; /* the server's environment; the strings this module made end it */
    size_t nown;
};

struct httptest_resp {
    long status;
    char *body; /* NUL-terminated; freed by httptest_resp_free */
    size_t len;
    char *headers; /* the raw response headers */
    json_t *json;  /* the body parsed, when it is JSON; else NULL */
};

/* 'env': NULL-terminated "NAME=value" strings for the server, or NULL. */
void httptest_start(struct httptest *t, const char *prefix, const char *const *env);
/* The same with arguments after `ordo serve` ("--demo"), NULL-terminated. */
void httptest_start_args(struct httptest *t, const char *prefix, const char *const *env,
                         const char *const *args);
void httptest_stop(struct httptest *t);
/* SIGKILL the server and start `ordo serve` again (no arguments) with the
 * same environment on the same database: what a crashed node's restart
 * sees. */
void httptest_kill_restart(struct httptest *t);

/* A connection to the server's database as the owner (to look at rows). */
PGconn *httptest_db(const struct httptest *t);

/* One request. 'key': the Bearer token or NULL; 'type' and 'body' may be
 * NULL; 'headers': NULL-terminated extra "Name: value" lines, or NULL. */
void httptest_request(const struct httptest *t, const char *method, const char *path,
                      const char *key, const char *type, const char *body, size_t len,
                      const char *const *headers, struct httptest_resp *out);

/* The same with a JSON body (or none when 'json' is NULL). */
void httptest_json(const struct httptest *t, const char *method, const char *path, const char *key,
                   const char *json, struct httptest_resp *out);

/* One request with a JSON body (or none when 'json' is NULL): the status,
 * and the answer parsed into '*out' (NULL when it is no JSON; the caller
 * releases it) unless 'out' is NULL. An answer that should be JSON and is
 * not is printed, for the failure that follows. */
long httptest_call(const struct httptest *t, const char *method, const char *path, const char *key,
                   const char *json, json_t **out);

/* The value of a response header (case-insensitive name), malloc'ed, or NULL. */
char *httptest_header(const struct httptest_resp *r, const char *name);

void httptest_resp_free(struct httptest_resp *r);

/* A new user 'login' (email login@example.com) with the roles of the JSON
 * array 'roles', created with 'admin_key', and an API key of that user
 * with those roles as scopes: its token, malloc'ed. Fails the test when
 * either is refused. */
char *httptest_user_key(const struct httptest *t, const char *admin_key, const char *login,
                        const char *roles);

/* The error code of a native error body ("ORDO_E_NOTFOUND"), or of a /v2
 * ProblemDetail (its title), or of a /engine-rest body whose type is
 * AuthenticationException or AuthorizationException, or "". */
const char *httptest_error_code(const struct httptest_resp *r);

/* A count of rows: SELECT count(*) ... */
long httptest_count(const struct httptest *t, const char *sql);

/* The text of a BPMN fixture in tests/integration/bpmn ($ORDOTEST_BPMN_DIR), malloc'ed. */
char *httptest_fixture(const char *name, size_t *len);

/* A child process this process started (a server, a sandbox): killed with SIGKILL when the
 * process exits before httptest_child_ended() was called for it, but only by the process that
 * started it (not by a Check child that inherited the table). */
void httptest_child_started(pid_t pid);
void httptest_child_ended(pid_t pid);

#endif
