#include "tests/integration/httptest.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <curl/curl.h>

#include "tests/integration/pgtest.h"

extern char **environ;

#define START_TIMEOUT_MS 60000
#define STOP_TIMEOUT_MS  15000
#define MAX_ENV          64

static const char signing_key[] =
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

static char *env_entry(const char *name, const char *value)
{
    size_t n = strlen(name) + strlen(value) + 2;
    char *s = malloc(n);

    ck_assert_ptr_nonnull(s);
    (void)snprintf(s, n, "%s=%s", name, value);
    return s;
}

/* The server's environment: ours without ORDO_*, then the test's settings. */
static char **server_env(struct httptest *t, const char *const *extra)
{
    char **env = calloc(MAX_ENV + 1, sizeof *env);
    size_t n = 0, own;

    ck_assert_ptr_nonnull(env);
    for (char **e = environ; *e && n < MAX_ENV - 16; e++) {
        if (strncmp(*e, "ORDO_", 5) != 0) {
            env[n++] = *e;
        }
    }
    own = n;
    env[n++] = env_entry("ORDO_DATABASE_URL", pgtest_conninfo(t->db, PGTEST_APP));
    env[n++] = env_entry("ORDO_MIGRATE_DATABASE_URL", pgtest_conninfo(t->db, PGTEST_OWNER));
    env[n++] = env_entry("ORDO_ADMIN_KEY", HTTPTEST_ADMIN_KEY);
    env[n++] = env_entry("ORDO_AUDIT_SIGNING_KEY", signing_key);
    env[n++] = env_entry("ORDO_MASTER_KEY", HTTPTEST_MASTER_KEY);
    env[n++] = env_entry("ORDO_PORT", "0");
    env[n++] = env_entry("ORDO_DATA_DIR", t->data_dir);
    env[n++] = env_entry("ORDO_LOG_LEVEL", "warn");
    env[n++] = env_entry("ORDO_LOG_FORMAT", "text");
    t->nown = n - own;
    for (size_t i = 0; extra && extra[i] && n < MAX_ENV; i++) {
        env[n++] = (char *)extra[i];
    }
    return env;
}

static void read_url(struct httptest *t, int fd)
{
    char buf[2048];
    size_t len = 0;
    struct pollfd p = {.fd = fd, .events = POLLIN};

    while (len + 1 < sizeof buf) {
        char *at;
        ssize_t got;

        ck_assert_msg(poll(&p, 1, START_TIMEOUT_MS) == 1, "ordo serve did not start in time");
        got = read(fd, buf + len, sizeof buf - len - 1);
        ck_assert_msg(got > 0, "ordo serve exited before listening");
        len += (size_t)got;
        buf[len] = '\0';
        at = strstr(buf, "listening on ");
        if (at && strchr(at, '\n')) {
            at += strlen("listening on ");
            at[strcspn(at, "\n")] = '\0';
            (void)snprintf(t->url, sizeof t->url, "%s", at);
            return;
        }
    }
    ck_abort_msg("no URL in the output of ordo serve: %s", buf);
}

/* Children (servers, sandboxes) still running when the test process exits: a failed
 * assertion skips httptest_stop(), and ctest would wait out its timeout for the orphan. Only
 * the process that started a child kills it: with Check's fork mode, a test's child process
 * inherits this table and the atexit handler, and must not take along a server that an
 * unchecked fixture of its parent started. */
#define MAX_LIVE 16
static struct {
    pid_t pid;
    pid_t owner;
} live[MAX_LIVE];

static void kill_live_cb(void)
{
    for (size_t i = 0; i < MAX_LIVE; i++) {
        if (live[i].pid > 0 && live[i].owner == getpid()) {
            (void)kill(live[i].pid, SIGKILL);
            (void)waitpid(live[i].pid, NULL, 0);
        }
    }
}

void httptest_child_started(pid_t pid)
{
    static bool registered;

    if (!registered) {
        registered = atexit(kill_live_cb) == 0;
    }
    for (size_t i = 0; i < MAX_LIVE; i++) {
        if (live[i].pid <= 0) {
            live[i].pid = pid;
            live[i].owner = getpid();
            return;
        }
    }
}

void httptest_child_ended(pid_t pid)
{
    for (size_t i = 0; i < MAX_LIVE; i++) {
        if (live[i].pid == pid) {
            live[i].pid = 0;
        }
    }
}

/* Start argv[0] with t->env, its stdout on a pipe, and read the URL it
 * prints. */
static void spawn_server(struct httptest *t, char *const *argv)
{
    posix_spawn_file_actions_t fa;
    int fds[2];

    ck_assert_ptr_nonnull(argv[0]);
    ck_assert_int_eq(pipe(fds), 0);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    ck_assert_int_eq(posix_spawn(&t->pid, argv[0], &fa, NULL, argv, t->env), 0);
    httptest_child_started(t->pid);
    posix_spawn_file_actions_destroy(&fa);
    (void)close(fds[1]);
    read_url(t, fds[0]);
    (void)close(fds[0]); /* the server prints nothing more on stdout that it must not lose */
}

void httptest_start(struct httptest *t, const char *prefix, const char *const *env)
{
    httptest_start_args(t, prefix, env, NULL);
}

void httptest_start_args(struct httptest *t, const char *prefix, const char *const *env,
                         const char *const *args)
{
    const char *bin = getenv("ORDOTEST_BIN");
    char *argv[8] = {(char *)bin, "serve", NULL};

    memset(t, 0, sizeof *t);
    ck_assert_ptr_nonnull(bin);
    for (size_t i = 0; args && args[i]; i++) {
        ck_assert_uint_lt(i + 2, sizeof argv / sizeof argv[0] - 1);
        argv[i + 2] = (char *)args[i];
    }
    for (size_t i = 0; env && env[i]; i++) {
        if (strncmp(env[i], "ORDO_TLS_CERT_FILE=", 19) == 0) {
            (void)snprintf(t->cainfo, sizeof t->cainfo, "%s", env[i] + 19);
        }
    }
    t->db = pgtest_db_create(prefix);
    (void)snprintf(t->data_dir, sizeof t->data_dir, "/tmp/ordo-httptest.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(t->data_dir));
    t->env = server_env(t, env);
    spawn_server(t, argv);
}

void httptest_kill_restart(struct httptest *t)
{
    char *argv[3] = {getenv("ORDOTEST_BIN"), "serve", NULL};
    int status = 0;

    ck_assert_int_gt(t->pid, 0);
    ck_assert_int_eq(kill(t->pid, SIGKILL), 0);
    ck_assert_int_eq(waitpid(t->pid, &status, 0), t->pid);
    httptest_child_ended(t->pid);
    spawn_server(t, argv);
}

static void free_env(struct httptest *t)
{
    size_t n = 0;

    while (t->env && t->env[n] && strncmp(t->env[n], "ORDO_DATABASE_URL=", 18) != 0) {
        n++;
    }
    for (size_t i = 0; t->env && i < t->nown; i++) {
        free(t->env[n + i]);
    }
    free(t->env);
    free(t->db);
    t->env = NULL;
    t->db = NULL;
}

void httptest_stop(struct httptest *t)
{
    int status = 0;

    if (t->pid <= 0) {
        free_env(t);
        return;
    }
    ck_assert_int_eq(kill(t->pid, SIGTERM), 0);
    for (int waited = 0; waited < STOP_TIMEOUT_MS; waited += 10) {
        struct timespec ts = {0, 10L * 1000000};
        pid_t r = waitpid(t->pid, &status, WNOHANG);

        if (r == t->pid) {
            httptest_child_ended(t->pid);
            t->pid = 0;
            free_env(t);
            ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                          "ordo serve ended with status %d", status);
            return;
        }
        (void)nanosleep(&ts, NULL);
    }
    (void)kill(t->pid, SIGKILL);
    (void)waitpid(t->pid, &status, 0);
    httptest_child_ended(t->pid);
    t->pid = 0;
    ck_abort_msg("ordo serve did not stop within 15 s of SIGTERM");
}

PGconn *httptest_db(const struct httptest *t)
{
    return pgtest_connect(t->db, PGTEST_OWNER);
}

long httptest_count(const struct httptest *t, const char *sql)
{
    PGconn *db = httptest_db(t);
    PGresult *res = PQexec(db, sql);
    long n;

    ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(db));
    n = strtol(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    PQfinish(db);
    return n;
}

/* ---- requests -------------------------------------------------------------------------------- */

struct sink {
    char *data;
    size_t len;
};

static size_t sink_cb(char *p, size_t size, size_t n, void *ctx)
{
    struct sink *s = ctx;
    size_t add = size * n;
    char *grown = realloc(s->data, s->len + add + 1);

    ck_assert_ptr_nonnull(grown);
    s->data = grown;
    memcpy(s->data + s->len, p, add);
    s->len += add;
    s->data[s->len] = '\0';
    return add;
}

void httptest_request(const struct httptest *t, const char *method, const char *path,
                      const char *key, const char *type, const char *body, size_t len,
                      const char *const *headers, struct httptest_resp *out)
{
    CURL *c = curl_easy_init();
    struct curl_slist *h = NULL;
    struct sink b = {0}, hd = {0};
    char line[1024];
    CURLcode rc;

    ck_assert_ptr_nonnull(c);
    (void)snprintf(line, sizeof line, "%s%s", t->url, path);
    curl_easy_setopt(c, CURLOPT_URL, line);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L); /* "/ui/../x" reaches the server as written */
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink_cb);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, sink_cb);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &hd);
    if (t->cainfo[0]) {
        curl_easy_setopt(c, CURLOPT_CAINFO, t->cainfo);
    }
    if (key) {
        (void)snprintf(line, sizeof line, "Authorization: Bearer %s", key);
        h = curl_slist_append(h, line);
    }
    if (type) {
        (void)snprintf(line, sizeof line, "Content-Type: %s", type);
        h = curl_slist_append(h, line);
    }
    /* A large body asks first (100-continue), as real clients do: a server
     * that refuses it from its headers (413) answers before it is sent,
     * rather than cutting the connection while the client is still writing. */
    h = curl_slist_append(h, body && len > (size_t)64 * 1024 ? "Expect: 100-continue" : "Expect:");
    for (size_t i = 0; headers && headers[i]; i++) {
        h = curl_slist_append(h, headers[i]);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
    }
    rc = curl_easy_perform(c);
    ck_assert_msg(rc == CURLE_OK, "%s %s: %s", method, path, curl_easy_strerror(rc));
    memset(out, 0, sizeof *out);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
    out->body = b.data ? b.data : strdup("");
    out->len = b.len;
    out->headers = hd.data ? hd.data : strdup("");
    out->json = json_loadb(out->body, out->len, 0, NULL);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
}

void httptest_json(const struct httptest *t, const char *method, const char *path, const char *key,
                   const char *json, struct httptest_resp *out)
{
    httptest_request(t, method, path, key, json ? "application/json" : NULL, json,
                     json ? strlen(json) : 0, NULL, out);
}

long httptest_call(const struct httptest *t, const char *method, const char *path, const char *key,
                   const char *json, json_t **out)
{
    struct httptest_resp r;
    long status;

    httptest_json(t, method, path, key, json, &r);
    status = r.status;
    if (out && !r.json && r.len) {
        (void)fprintf(stderr, "%s %s: not JSON: %.300s\n", method, path, r.body);
    }
    if (out) {
        *out = json_incref(r.json);
    }
    httptest_resp_free(&r);
    return status;
}

char *httptest_header(const struct httptest_resp *r, const char *name)
{
    size_t n = strlen(name);

    for (const char *p = r->headers; p && *p; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] != 0)) {
        if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
            const char *v = p + n + 1;
            size_t len;

            while (*v == ' ') {
                v++;
            }
            len = strcspn(v, "\r\n");
            return strndup(v, len);
        }
    }
    return NULL;
}

void httptest_resp_free(struct httptest_resp *r)
{
    free(r->body);
    free(r->headers);
    json_decref(r->json);
    memset(r, 0, sizeof *r);
}

const char *httptest_error_code(const struct httptest_resp *r)
{
    const char *code =
        json_string_value(json_object_get(json_object_get(r->json, "error"), "code"));
    const char *c7_type = json_string_value(json_object_get(r->json, "type"));

    if (!code) { /* a Camunda 8 ProblemDetail (/v2) carries the code as its title */
        code = json_string_value(json_object_get(r->json, "title"));
    }
    /* A Camunda 7 body (/engine-rest) names an exception; two of them are one code each. */
    if (!code && c7_type && strcmp(c7_type, "AuthenticationException") == 0) {
        code = "ORDO_E_UNAUTHENTICATED";
    } else if (!code && c7_type && strcmp(c7_type, "AuthorizationException") == 0) {
        code = "ORDO_E_FORBIDDEN";
    }
    return code ? code : "";
}

char *httptest_fixture(const char *name, size_t *len)
{
    const char *src = getenv("ORDOTEST_SOURCE_DIR");
    char path[1024];
    FILE *f;
    char *data;
    long size;

    (void)snprintf(path, sizeof path, "%s/tests/integration/bpmn/%s", src ? src : ".", name);
    f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    (void)fseek(f, 0, SEEK_END);
    size = ftell(f);
    (void)fseek(f, 0, SEEK_SET);
    data = malloc((size_t)size + 1);
    ck_assert_ptr_nonnull(data);
    ck_assert_uint_eq(fread(data, 1, (size_t)size, f), (size_t)size);
    data[size] = '\0';
    (void)fclose(f);
    *len = (size_t)size;
    return data;
}

char *httptest_user_key(const struct httptest *t, const char *admin_key, const char *login,
                        const char *roles)
{
    char body[512];
    struct httptest_resp r;
    char *token;

    (void)snprintf(body, sizeof body,
                   "{\"login\":\"%s\",\"email\":\"%s@example.com\",\"roles\":%s}", login, login,
                   roles);
    httptest_json(t, "POST", "/api/users", admin_key, body, &r);
    ck_assert_msg(r.status == 201, "POST /api/users: %ld %s", r.status, r.body);
    httptest_resp_free(&r);
    (void)snprintf(body, sizeof body, "{\"user\":\"%s\",\"name\":\"t\",\"scopes\":%s}", login,
                   roles);
    httptest_json(t, "POST", "/api/keys", admin_key, body, &r);
    ck_assert_msg(r.status == 201, "POST /api/keys: %ld %s", r.status, r.body);
    token = strdup(json_string_value(json_object_get(r.json, "token")));
    httptest_resp_free(&r);
    return token;
}
