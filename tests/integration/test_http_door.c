/*
 * tests/integration/test_http_door.c - the front door's hardening over
 * real sockets (issue 5): HTTPS with tls_cert_file/tls_key_file (a
 * throwaway self-signed certificate made with the openssl command),
 * X-Forwarded-For believed only from trusted_proxies (seen through the
 * per-address throttling of failed logins), and http_max_per_ip.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <curl/curl.h>

#include "tests/integration/httptest.h"
#include "tests/integration/pgtest.h"

#define ADMIN_KEY HTTPTEST_ADMIN_KEY

extern char **environ;

static struct httptest srv;

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    (void)nanosleep(&ts, NULL);
}

/* libcurl's write callback type takes a char *. */
/* NOLINTNEXTLINE(readability-non-const-parameter) */
static size_t discard_cb(char *p, size_t size, size_t n, void *ctx)
{
    (void)p;
    (void)ctx;
    return size * n;
}

/* GET 'url' on a fresh connection; the status in '*status' (0 when none). */
static CURLcode raw_get(const char *url, const char *cainfo, long *status)
{
    CURL *c = curl_easy_init();
    CURLcode rc;

    ck_assert_ptr_nonnull(c);
    *status = 0;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard_cb);
    if (cainfo) {
        curl_easy_setopt(c, CURLOPT_CAINFO, cainfo);
    }
    rc = curl_easy_perform(c);
    if (rc == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    }
    curl_easy_cleanup(c);
    return rc;
}

/* ---- TLS ------------------------------------------------------------------------------------- */

/* A self-signed certificate for 127.0.0.1 in 'dir': cert.pem and key.pem. */
static void make_certificate(const char *dir, char *cert, char *key, size_t size)
{
    char subj_alt[] = "subjectAltName=IP:127.0.0.1";
    char *argv[] = {"openssl",
                    "req",
                    "-x509",
                    "-newkey",
                    "ec",
                    "-pkeyopt",
                    "ec_paramgen_curve:prime256v1",
                    "-nodes",
                    "-days",
                    "2",
                    "-subj",
                    "/CN=127.0.0.1",
                    "-addext",
                    subj_alt,
                    "-keyout",
                    key,
                    "-out",
                    cert,
                    NULL};
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int status = 0;

    (void)snprintf(cert, size, "%s/cert.pem", dir);
    (void)snprintf(key, size, "%s/key.pem", dir);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    ck_assert_msg(posix_spawnp(&pid, "openssl", &fa, NULL, argv, environ) == 0,
                  "the openssl command is needed (scripts/install-deps.sh)");
    posix_spawn_file_actions_destroy(&fa);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "openssl req failed: %d", status);
}

START_TEST(https_with_a_certificate_and_not_plain_http)
{
    char dir[] = "/tmp/ordo-tls.XXXXXX";
    char cert[128], key[128], env_cert[160], env_key[160], url[96];
    const char *env[] = {env_cert, env_key, NULL};
    struct httptest_resp r;
    char *cookie;
    long status;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    make_certificate(dir, cert, key, sizeof cert);
    (void)snprintf(env_cert, sizeof env_cert, "ORDO_TLS_CERT_FILE=%s", cert);
    (void)snprintf(env_key, sizeof env_key, "ORDO_TLS_KEY_FILE=%s", key);
    httptest_start(&srv, "http_tls", env);
    ck_assert_msg(strncmp(srv.url, "https://127.0.0.1:", 18) == 0, "url %s", srv.url);

    (void)snprintf(url, sizeof url, "%s/livez", srv.url);
    ck_assert_int_eq(raw_get(url, cert, &status), CURLE_OK); /* the certificate verifies */
    ck_assert_int_eq(status, 200);
    httptest_json(&srv, "GET", "/api/me", ADMIN_KEY, NULL, &r);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    httptest_resp_free(&r);
    /* Over HTTPS the session cookie is Secure. */
    httptest_json(
        &srv, "POST", "/api/users", ADMIN_KEY,
        "{\"login\":\"tess\",\"email\":\"tess@example.com\",\"password\":\"tls-password-1\"}", &r);
    ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
    httptest_resp_free(&r);
    httptest_json(&srv, "POST", "/api/auth/login", NULL,
                  "{\"login\":\"tess\",\"password\":\"tls-password-1\"}", &r);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    cookie = httptest_header(&r, "Set-Cookie");
    ck_assert_msg(cookie && strstr(cookie, "; Secure"), "Set-Cookie: %s", cookie);
    free(cookie);
    httptest_resp_free(&r);

    (void)snprintf(url, sizeof url, "http://%.56s/livez", srv.url + strlen("https://"));
    ck_assert_msg(raw_get(url, NULL, &status) != CURLE_OK || status != 200,
                  "plain HTTP to the HTTPS port answered %ld", status);
    httptest_stop(&srv);
    ck_assert_int_eq(unlink(cert), 0);
    ck_assert_int_eq(unlink(key), 0);
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* ---- trusted proxies ------------------------------------------------------------------------- */

/* A failed login of 'login' said to come from 'from'; returns the status. */
static long login_from(const char *login, const char *from)
{
    char xff[96], body[128];
    const char *headers[] = {xff, NULL};
    struct httptest_resp r;
    long status;

    (void)snprintf(xff, sizeof xff, "X-Forwarded-For: %s", from);
    (void)snprintf(body, sizeof body, "{\"login\":\"%s\",\"password\":\"wrong-password\"}", login);
    httptest_request(&srv, "POST", "/api/auth/login", NULL, "application/json", body, strlen(body),
                     headers, &r);
    status = r.status;
    ck_assert_msg(status == 401 || status == 429, "login %s from %s: %ld %s", login, from, status,
                  r.body);
    httptest_resp_free(&r);
    return status;
}

/* Ten failed logins of tom "from" 203.0.113.7 use up that address's
 * budget; the 11th is 429. Returns what jerry, with a budget of his own,
 * gets when he comes "from" 198.51.100.9. */
static long throttle_then_other_address(void)
{
    for (int i = 0; i < 10; i++) {
        ck_assert_int_eq(login_from("tom", "203.0.113.7"), 401);
    }
    ck_assert_int_eq(login_from("tom", "203.0.113.7"), 429);
    return login_from("jerry", "198.51.100.9");
}

START_TEST(x_forwarded_for_is_believed_from_trusted_proxies_only)
{
    static const char *const trusted[] = {"ORDO_TRUSTED_PROXIES=10.0.0.1, 127.0.0.1", NULL};

    httptest_start(&srv, "http_proxy", trusted);
    /* Each forwarded address has a budget of its own ... */
    ck_assert_int_eq(throttle_then_other_address(), 401);
    /* ... and the throttled one is the address, not only tom. */
    ck_assert_int_eq(login_from("jerry", "203.0.113.7"), 429);
    /* The last hop that is not a trusted proxy is the client. */
    ck_assert_int_eq(login_from("jerry", "203.0.113.7, 10.0.0.1"), 429);
    ck_assert_int_eq(login_from("jerry", "203.0.113.7, 198.51.100.10"), 401);
    httptest_stop(&srv);

    /* Without trusted proxies the header is ignored: every one is 127.0.0.1. */
    httptest_start(&srv, "http_noproxy", NULL);
    ck_assert_int_eq(throttle_then_other_address(), 429);
    httptest_stop(&srv);
}
END_TEST

/* ---- connections per address ----------------------------------------------------------------- */

static int connect_idle(int port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(inet_pton(AF_INET, "127.0.0.1", &a.sin_addr), 1);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    return fd;
}

/* An idle connection the server has not closed within 'ms'. */
static bool still_open(int fd, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};

    return poll(&p, 1, ms) == 0;
}

START_TEST(connections_beyond_the_per_address_limit_are_refused)
{
    static const char *const env[] = {"ORDO_HTTP_MAX_PER_IP=2", NULL};
    char url[96];
    int fds[2], port;
    long status = 0;
    CURLcode rc = CURLE_OK;

    httptest_start(&srv, "http_perip", env);
    port = (int)strtol(strrchr(srv.url, ':') + 1, NULL, 10);
    (void)snprintf(url, sizeof url, "%s/livez", srv.url);
    /* No request before: a connection the server has not yet seen closed
     * would still count against the limit. */
    fds[0] = connect_idle(port);
    fds[1] = connect_idle(port);
    ck_assert(still_open(fds[0], 300) && still_open(fds[1], 0));
    /* Once the server has accepted both, a third connection is closed unanswered. */
    for (int tries = 0; tries < 50 && rc == CURLE_OK; tries++) {
        sleep_ms(100);
        rc = raw_get(url, NULL, &status);
    }
    ck_assert_msg(rc != CURLE_OK, "a third connection from 127.0.0.1 answered %ld", status);
    (void)close(fds[0]);
    (void)close(fds[1]);
    for (int i = 0; i < 50; i++) { /* until the server has seen them closed */
        rc = raw_get(url, NULL, &status);
        if (rc == CURLE_OK) {
            break;
        }
        sleep_ms(100);
    }
    ck_assert_msg(rc == CURLE_OK, "after closing the idle connections: %s", curl_easy_strerror(rc));
    ck_assert_int_eq(status, 200);
    httptest_stop(&srv);
}
END_TEST

static Suite *door_suite(void)
{
    Suite *s = suite_create("http_door");
    TCase *tc = tcase_create("front door");

    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, https_with_a_certificate_and_not_plain_http);
    tcase_add_test(tc, x_forwarded_for_is_believed_from_trusted_proxies_only);
    tcase_add_test(tc, connections_beyond_the_per_address_limit_are_refused);
    suite_add_tcase(s, tc);
    return s;
}

PGTEST_CHECK_MAIN(door_suite)
