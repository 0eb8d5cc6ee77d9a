/*
 * base/httpc: the HTTP client and its SSRF guard, against real loopback
 * servers this test starts itself (libmicrohttpd on 127.0.0.1 and on
 * 127.0.0.2, both on free ports). The servers count the requests that reach
 * them, so "refused" means "nothing arrived", not just an error code.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <microhttpd.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/httpc.h"
#include "base/log.h"
#include "tests/unit/check_main.h"

#define SLOW_MAX_MS 10000 /* the slow route answers after this, or at teardown */

static struct MHD_Daemon *server1, *server2; /* 127.0.0.1 and 127.0.0.2 */
static unsigned port1, port2;
static atomic_int requests; /* requests that reached either server */
static atomic_bool stopping;
static char redirect_to[128]; /* Location of /redirect */
static struct ordo_arena *arena;
static struct ordo_err err;
static struct ordo_httpc *client;
static struct ordo_httpc_response resp;
static FILE *log_sink; /* the log lines of a test */

/* --- the test servers ----------------------------------------------------- */

struct upload {
    struct ordo_buf body;
};

static void completed_cb(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode code)
{
    struct upload *u = *req_cls;

    (void)cls;
    (void)conn;
    (void)code;
    if (u) {
        ordo_buf_cleanup(&u->body);
        free(u);
        *req_cls = NULL;
    }
}

static long query_long(struct MHD_Connection *conn, const char *name, long fallback)
{
    const char *v = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, name);

    return v ? strtol(v, NULL, 10) : fallback;
}

static enum MHD_Result send_text(struct MHD_Connection *conn, unsigned status, const char *text,
                                 const char *const *headers)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ret;

    for (size_t i = 0; headers && headers[i]; i += 2) {
        (void)MHD_add_response_header(r, headers[i], headers[i + 1]);
    }
    ret = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ret;
}

/* Chunked: no Content-Length, so only the client's write callback can stop it. */
static ssize_t chunk_cb(void *cls, uint64_t pos, char *buf, size_t max)
{
    size_t total = *(size_t *)cls;
    size_t n = total - (size_t)pos < max ? total - (size_t)pos : max;

    if (pos >= total) {
        return MHD_CONTENT_READER_END_OF_STREAM;
    }
    memset(buf, 'c', n);
    return (ssize_t)n;
}

static enum MHD_Result send_chunked(struct MHD_Connection *conn, size_t n)
{
    size_t *total = malloc(sizeof(*total));
    struct MHD_Response *r;
    enum MHD_Result ret;

    *total = n;
    r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, chunk_cb, total, free);
    ret = MHD_queue_response(conn, 200, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_big(struct MHD_Connection *conn, size_t n)
{
    char *body = malloc(n + 1);
    enum MHD_Result ret;

    memset(body, 'b', n);
    body[n] = '\0';
    ret = send_text(conn, 200, body, NULL);
    free(body);
    return ret;
}

static enum MHD_Result send_many_headers(struct MHD_Connection *conn)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret;

    for (int i = 0; i < 150; i++) {
        char name[32];

        (void)snprintf(name, sizeof(name), "X-H%d", i);
        (void)MHD_add_response_header(r, name, "v");
    }
    ret = MHD_queue_response(conn, 200, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_slow(struct MHD_Connection *conn)
{
    for (int waited = 0; waited < SLOW_MAX_MS && !atomic_load(&stopping); waited += 10) {
        struct timespec ts = {0, 10L * 1000 * 1000};

        (void)nanosleep(&ts, NULL);
    }
    return send_text(conn, 200, "late", NULL);
}

/* The reply to a complete request: routes by path. */
static enum MHD_Result answer(struct MHD_Connection *conn, const char *url, const char *method,
                              struct upload *u, void *cls)
{
    const char *hop = cls;

    if (strcmp(url, "/hello") == 0) {
        const char *echo = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Echo");
        const char *ua = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "User-Agent");
        const char *type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
        const char *headers[] = {"X-Test", "one", "X-Test", "two", "X-Hop", hop, NULL};
        char text[512]; /* not the test's arena: this runs on the server's thread */

        (void)snprintf(text, sizeof(text), "%s %s body=[%s] echo=%s ua=%s type=%s", hop, method,
                       ordo_buf_cstr(&u->body), echo ? echo : "-", ua ? ua : "-",
                       type ? type : "-");
        return send_text(conn, 200, text, headers);
    }
    if (strcmp(url, "/redirect") == 0) {
        const char *headers[] = {"Location", redirect_to, "X-First", "yes", "X-Hop", hop, NULL};

        return send_text(conn, 302, "moved", headers);
    }
    if (strcmp(url, "/busy") == 0) {
        const char *headers[] = {"Retry-After", "120", NULL};

        return send_text(conn, 429, "slow down", headers);
    }
    if (strcmp(url, "/big") == 0) {
        return send_big(conn, (size_t)query_long(conn, "n", 10));
    }
    if (strcmp(url, "/chunked") == 0) {
        return send_chunked(conn, (size_t)query_long(conn, "n", 10));
    }
    if (strcmp(url, "/headers") == 0) {
        return send_many_headers(conn);
    }
    if (strcmp(url, "/slow") == 0) {
        return send_slow(conn);
    }
    if (strcmp(url, "/drop-even") == 0) {
        /* Every second request to arrive: the connection closed, no byte of an answer. */
        return atomic_load(&requests) % 2 == 0 ? MHD_NO : send_text(conn, 200, "kept", NULL);
    }
    return send_text(conn, 404, "no such page", NULL);
}

static enum MHD_Result handler_cb(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *data_size, void **req_cls)
{
    struct upload *u = *req_cls;

    (void)version;
    if (!u) {
        u = calloc(1, sizeof(*u));
        ordo_buf_init(&u->body);
        *req_cls = u;
        atomic_fetch_add(&requests, 1);
        return MHD_YES;
    }
    if (*data_size > 0) {
        ordo_buf_append(&u->body, data, *data_size);
        *data_size = 0;
        return MHD_YES;
    }
    return answer(conn, url, method, u, cls);
}

static struct MHD_Daemon *start_server(const char *ip, const char *name, unsigned *port)
{
    struct sockaddr_in sin = {.sin_family = AF_INET};
    struct MHD_Daemon *d;
    const union MHD_DaemonInfo *info;

    ck_assert_int_eq(inet_pton(AF_INET, ip, &sin.sin_addr), 1);
    d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0, NULL,
                         NULL, handler_cb, (void *)name, MHD_OPTION_SOCK_ADDR, &sin,
                         MHD_OPTION_NOTIFY_COMPLETED, completed_cb, NULL, MHD_OPTION_END);
    ck_assert_msg(d != NULL, "could not start a test server on %s", ip);
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    ck_assert_ptr_nonnull(info);
    *port = info->port;
    return d;
}

/* A port on 127.0.0.1 that nothing listens on (bound, then closed). */
static unsigned closed_port(void)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(sin);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
    (void)close(fd);
    return ntohs(sin.sin_port);
}

/* --- fixture and helpers ------------------------------------------------ */

static void setup(void)
{
    arena = ordo_arena_new();
    ordo_err_clear(&err);
    atomic_store(&requests, 0);
    atomic_store(&stopping, false);
    redirect_to[0] = '\0';
    client = NULL;
    server1 = start_server("127.0.0.1", "first", &port1);
    server2 = start_server("127.0.0.2", "second", &port2);
    log_sink = tmpfile();
    ck_assert_ptr_nonnull(log_sink);
    ordo_log_set_sink(log_sink);
}

static void teardown(void)
{
    atomic_store(&stopping, true);
    ordo_httpc_free(client);
    MHD_stop_daemon(server1);
    MHD_stop_daemon(server2);
    ordo_log_set_sink(NULL);
    (void)fclose(log_sink);
    ordo_arena_free(arena);
}

/* Everything logged so far in this test. */
static const char *logged(void)
{
    struct ordo_buf b = ORDO_BUF_INIT;
    char chunk[512];
    size_t n;
    const char *copy;

    (void)fflush(log_sink);
    rewind(log_sink);
    while ((n = fread(chunk, 1, sizeof(chunk), log_sink)) > 0) {
        ordo_buf_append(&b, chunk, n);
    }
    copy = ordo_arena_strdup(arena, ordo_buf_cstr(&b));
    ordo_buf_cleanup(&b);
    return copy;
}

static void make_client(const char *const *allow, size_t nallow)
{
    struct ordo_httpc_policy p = {.allow = allow, .nallow = nallow, .https_only = false};

    ordo_httpc_free(client);
    client = NULL;
    ck_assert_int_eq(ordo_httpc_new(&p, &client, &err), ORDO_OK);
}

static const char *url1(const char *path)
{
    return ordo_arena_printf(arena, "http://127.0.0.1:%u%s", port1, path);
}

static enum ordo_code get(const char *url)
{
    struct ordo_httpc_request req = {.method = "GET", .url = url};

    ordo_err_clear(&err);
    return ordo_httpc_do(client, &req, &resp, &err);
}

static const char *const allow_first[] = {"127.0.0.1/32"};

/* --- the guard, end to end ----------------------------------------------- */

/* Each URL names a loopback, private or metadata address some way; the
 * guard refuses it before connecting, so nothing reaches the servers. */
START_TEST(guard_refuses_loopback_private_and_metadata_addresses)
{
    static const struct {
        const char *host;
        const char *why;
    } cases[] = {
        {"127.0.0.1", "(loopback)"},  {"[::1]", "(loopback)"},
        {"localhost", "(loopback)"},  {"0x7f.1", "(loopback)"},
        {"2130706433", "(loopback)"}, {"[::ffff:127.0.0.1]", "(loopback)"},
        {"10.0.0.1", "(private)"},    {"169.254.169.254", "(metadata)"},
    };

    make_client(NULL, 0);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *url = ordo_arena_printf(arena, "http://%s:%u/hello", cases[i].host, port1);

        ck_assert_msg(get(url) == ORDO_E_FORBIDDEN, "%s: %s", url, err.msg);
        ck_assert_int_eq(err.code, ORDO_E_FORBIDDEN);
        ck_assert_msg(strstr(err.msg, cases[i].why) != NULL, "%s: %s", url, err.msg);
        ck_assert_msg(strstr(err.msg, "add it to http_allow to permit it") != NULL, "%s", err.msg);
        ck_assert_int_eq(resp.status, 0);
    }
    ck_assert_int_eq(atomic_load(&requests), 0);
}
END_TEST

START_TEST(guard_message_names_the_address_and_the_host)
{
    make_client(NULL, 0);
    ck_assert_int_eq(get(ordo_arena_printf(arena, "http://localhost:%u/hello", port1)),
                     ORDO_E_FORBIDDEN);
    ck_assert_msg(strstr(err.msg, "of host \"localhost\" is not allowed (loopback); add it to "
                                  "http_allow to permit it") != NULL,
                  "%s", err.msg);
    ck_assert_msg(strncmp(err.msg, "address 127.0.0.1 ", 18) == 0 ||
                      strncmp(err.msg, "address ::1 ", 12) == 0,
                  "%s", err.msg);
    ck_assert_int_eq(get(url1("/hello")), ORDO_E_FORBIDDEN);
    ck_assert_str_eq(err.msg,
                     "address 127.0.0.1 is not allowed (loopback); add it to http_allow to "
                     "permit it");
    ck_assert_ptr_nonnull(strstr(logged(), "outbound connection refused by the address guard"));
    ck_assert_int_eq(atomic_load(&requests), 0);
}
END_TEST

/* --- requests that are allowed ------------------------------------------ */

START_TEST(allow_listed_get_returns_status_body_and_headers)
{
    make_client(allow_first, 1);
    for (int round = 0; round < 2; round++) { /* the second one reuses the handle */
        ck_assert_msg(get(url1("/hello")) == ORDO_OK, "%s", err.msg);
        ck_assert_int_eq(resp.status, 200);
        ck_assert_str_eq(resp.body,
                         "first GET body=[] echo=- ua=Ordo/" ORDO_TEST_VERSION " type=-");
        ck_assert_uint_eq(resp.body_len, strlen(resp.body));
        ck_assert_str_eq(resp.remote_ip, "127.0.0.1");
        ck_assert_int_eq(resp.retry_after_ms, -1);
        ck_assert_str_eq(ordo_httpc_header(client, "x-test"), "two"); /* the last one wins */
        ck_assert_str_eq(ordo_httpc_header(client, "X-HOP"), "first");
        ck_assert_ptr_null(ordo_httpc_header(client, "X-Absent"));
    }
    ck_assert_int_eq(atomic_load(&requests), 2);
}
END_TEST

START_TEST(post_sends_headers_and_body)
{
    const struct ordo_httpc_header headers[] = {{"X-Echo", "hi there"},
                                                {"Content-Type", "application/json"}};
    struct ordo_httpc_request req = {.method = "POST",
                                     .url = url1("/hello"),
                                     .headers = headers,
                                     .nheaders = 2,
                                     .body = "{\"a\":1}",
                                     .body_len = 7};

    make_client(allow_first, 1);
    ck_assert_msg(ordo_httpc_do(client, &req, &resp, &err) == ORDO_OK, "%s", err.msg);
    ck_assert_int_eq(resp.status, 200);
    ck_assert_str_eq(resp.body,
                     "first POST body=[{\"a\":1}] echo=hi there ua=Ordo/" ORDO_TEST_VERSION
                     " type=application/json");
    req.method = "PUT";
    req.nheaders = 0;
    ck_assert_msg(ordo_httpc_do(client, &req, &resp, &err) == ORDO_OK, "%s", err.msg);
    /* No Content-Type from the caller: none is sent, not curl's form type. */
    ck_assert_str_eq(resp.body,
                     "first PUT body=[{\"a\":1}] echo=- ua=Ordo/" ORDO_TEST_VERSION " type=-");
    ck_assert_int_eq(atomic_load(&requests), 2);
}
END_TEST

/* libcurl sends a request again by itself when a reused connection dies before any answer.
 * A POST goes on a connection of its own, so its server sees it once and the caller gets the
 * error; with resend_ok (outbound webhooks) libcurl's resend stays, which also shows the server
 * below does make libcurl resend. */
START_TEST(a_post_is_never_sent_twice_by_the_client_itself)
{
    struct ordo_httpc_policy p = {.allow = allow_first, .nallow = 1};
    struct ordo_httpc_request req = {
        .method = "POST", .url = url1("/drop-even"), .body = "x", .body_len = 1};

    make_client(allow_first, 1);
    ck_assert_msg(ordo_httpc_do(client, &req, &resp, &err) == ORDO_OK, "%s", err.msg);
    ck_assert_int_eq(ordo_httpc_do(client, &req, &resp, &err), ORDO_E_AGAIN); /* dropped */
    ck_assert_int_eq(atomic_load(&requests), 2);

    ordo_httpc_free(client);
    p.resend_ok = true;
    ck_assert_int_eq(ordo_httpc_new(&p, &client, &err), ORDO_OK);
    ck_assert_msg(ordo_httpc_do(client, &req, &resp, &err) == ORDO_OK, "%s", err.msg); /* 3 */
    /* 4 is dropped on the kept-alive connection and sent again as 5, which is answered. */
    ck_assert_msg(ordo_httpc_do(client, &req, &resp, &err) == ORDO_OK, "%s", err.msg);
    ck_assert_int_eq(atomic_load(&requests), 5);
}
END_TEST

START_TEST(not_found_is_a_response_not_an_error)
{
    make_client(allow_first, 1);
    ck_assert_int_eq(get(url1("/nothing-here")), ORDO_OK);
    ck_assert_int_eq(resp.status, 404);
    ck_assert_str_eq(resp.body, "no such page");
    ck_assert_int_eq(err.code, ORDO_OK);
}
END_TEST

START_TEST(localhost_reaches_an_allow_listed_ipv4_when_its_ipv6_is_refused)
{
    make_client(allow_first, 1);
    ck_assert_msg(get(ordo_arena_printf(arena, "http://localhost:%u/hello", port1)) == ORDO_OK,
                  "%s", err.msg);
    ck_assert_int_eq(resp.status, 200);
    ck_assert_str_eq(resp.remote_ip, "127.0.0.1");
}
END_TEST

START_TEST(bad_requests_are_refused_before_sending)
{
    const struct ordo_httpc_header bad_name[] = {{"X Bad", "v"}};
    const struct ordo_httpc_header bad_value[] = {{"X-Inject", "a\r\nX-Evil: 1"}};
    struct ordo_httpc_request req = {.url = url1("/hello")};

    make_client(allow_first, 1);
    req.method = "get";
    ck_assert_int_eq(ordo_httpc_do(client, &req, &resp, &err), ORDO_E_INVAL);
    ordo_err_clear(&err);
    req.method = "GET";
    req.headers = bad_name;
    req.nheaders = 1;
    ck_assert_int_eq(ordo_httpc_do(client, &req, &resp, &err), ORDO_E_INVAL);
    ordo_err_clear(&err);
    req.headers = bad_value;
    ck_assert_int_eq(ordo_httpc_do(client, &req, &resp, &err), ORDO_E_INVAL);
    ck_assert_str_eq(err.msg, "value of HTTP header \"X-Inject\" holds a line break");
    ck_assert_int_eq(get("http://exa mple.com/"), ORDO_E_INVAL);
    ck_assert_int_eq(get(""), ORDO_E_INVAL);
    ck_assert_int_eq(atomic_load(&requests), 0);
}
END_TEST

/* --- redirects ---------------------------------------------------------- */

START_TEST(redirect_to_a_loopback_address_not_allow_listed_is_refused)
{
    struct ordo_httpc_request req = {.url = url1("/redirect"), .max_redirects = 3};

    (void)snprintf(redirect_to, sizeof(redirect_to), "http://127.0.0.2:%u/hello", port2);
    make_client(allow_first, 1);
    ck_assert_int_eq(ordo_httpc_do(client, &req, &resp, &err), ORDO_E_FORBIDDEN);
    ck_assert_str_eq(err.msg, "address 127.0.0.2, the target of a redirect, is not allowed "
                              "(loopback); add it to http_allow to permit it");
    ck_assert_int_eq(atomic_load(&requests), 1); /* the first hop only */
    ck_assert_ptr_null(ordo_httpc_header(client, "X-First"));

    /* Not following: the 302 itself is the answer. */
    ordo_err_clear(&err);
    req.max_redirects = 0;
    ck_assert_int_eq(ordo_httpc_do(client, &req, &resp, &err), ORDO_OK);
    ck_assert_int_eq(resp.status, 302);
    ck_assert_str_eq(resp.body, "moved");
    ck_assert_str_eq(ordo_httpc_header(client, "Location"), redirect_to);
    ck_assert_int_eq(atomic_load(&requests), 2);
}
END_TEST

/* The guard sees the redirect target's own name, resolved afresh. */
START_TEST(redirect_to_a_name_that_resolves_to_loopback_is_refused)
{
    static const char *const allow_second[] = {"127.0.0.2"};
    struct ordo_httpc_request req = {.max_redirects = 1};

    req.url = ordo_arena_printf(arena, "http://127.0.0.2:%u/redirect", port2);
    (void)snprintf(redirect_to, sizeof(redirect_to), "http://localhost:%u/hello", port1);
    make_client(allow_second, 1);
    ck_assert_int_eq(ordo_httpc_do(client, &req, &resp, &err), ORDO_E_FORBIDDEN);
    ck_assert_msg(strstr(err.msg,
                         " of host \"localhost\", the target of a redirect, is not allowed "
                         "(loopback)") != NULL,
                  "%s", err.msg);
    ck_assert_int_eq(atomic_load(&requests), 1);
}
END_TEST

START_TEST(followed_redirect_keeps_only_the_last_responses_headers)
{
    static const char *const allow_both[] = {"127.0.0.1", "127.0.0.2/32"};
    struct ordo_httpc_request req = {.url = url1("/redirect"), .max_redirects = 1};

    (void)snprintf(redirect_to, sizeof(redirect_to), "http://127.0.0.2:%u/hello", port2);
    make_client(allow_both, 2);
    ck_assert_msg(ordo_httpc_do(client, &req, &resp, &err) == ORDO_OK, "%s", err.msg);
    ck_assert_int_eq(resp.status, 200);
    ck_assert_str_eq(resp.remote_ip, "127.0.0.2");
    ck_assert_ptr_nonnull(strstr(resp.body, "second GET"));
    ck_assert_str_eq(ordo_httpc_header(client, "X-Hop"), "second");
    ck_assert_ptr_null(ordo_httpc_header(client, "X-First"));
    ck_assert_int_eq(atomic_load(&requests), 2);

    /* A redirect to itself, over and over: more than max_redirects. */
    (void)snprintf(redirect_to, sizeof(redirect_to), "http://127.0.0.1:%u/redirect", port1);
    req.max_redirects = 2;
    ck_assert_int_eq(ordo_httpc_do(client, &req, &resp, &err), ORDO_E_UNPROCESSABLE);
}
END_TEST

/* --- schemes ------------------------------------------------------------ */

START_TEST(https_only_refuses_http_and_no_policy_allows_other_schemes)
{
    struct ordo_httpc_policy strict = {.allow = allow_first, .nallow = 1, .https_only = true};

    ck_assert_int_eq(ordo_httpc_new(&strict, &client, &err), ORDO_OK);
    ck_assert_int_eq(get(url1("/hello")), ORDO_E_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "plain http:// is not allowed"));
    ck_assert_int_eq(get("file:///etc/passwd"), ORDO_E_INVAL);
    ck_assert_str_eq(err.msg, "URL scheme \"file\" is not allowed; use https");

    make_client(allow_first, 1);
    ck_assert_int_eq(get("file:///etc/passwd"), ORDO_E_INVAL);
    ck_assert_str_eq(err.msg, "URL scheme \"file\" is not allowed; use http or https");
    ck_assert_int_eq(get(ordo_arena_printf(arena, "gopher://127.0.0.1:%u/1", port1)), ORDO_E_INVAL);
    ck_assert_int_eq(get(ordo_arena_printf(arena, "ftp://127.0.0.1:%u/", port1)), ORDO_E_INVAL);
    ck_assert_int_eq(atomic_load(&requests), 0);
}
END_TEST

START_TEST(redirect_to_a_scheme_outside_the_policy_is_refused)
{
    struct ordo_httpc_request req = {.url = url1("/redirect"), .max_redirects = 2};

    (void)snprintf(redirect_to, sizeof(redirect_to), "file:///etc/passwd");
    make_client(allow_first, 1);
    ck_assert_int_eq(ordo_httpc_do(client, &req, &resp, &err), ORDO_E_FORBIDDEN);
    ck_assert_int_eq(atomic_load(&requests), 1);
}
END_TEST

/* --- limits ------------------------------------------------------------- */

START_TEST(body_over_the_cap_is_toobig)
{
    struct ordo_httpc_policy p = {.allow = allow_first, .nallow = 1, .max_body = 1000};

    ck_assert_int_eq(ordo_httpc_new(&p, &client, &err), ORDO_OK);
    ck_assert_int_eq(get(url1("/big?n=1000")), ORDO_OK);
    ck_assert_uint_eq(resp.body_len, 1000);
    ck_assert_int_eq(get(url1("/big?n=1001")), ORDO_E_TOOBIG); /* Content-Length says so */
    ck_assert_ptr_nonnull(strstr(err.msg, "larger than 1000 bytes"));
    ck_assert_int_eq(get(url1("/chunked?n=1000")), ORDO_OK);
    ck_assert_uint_eq(resp.body_len, 1000);
    ck_assert_int_eq(get(url1("/chunked?n=50000")), ORDO_E_TOOBIG); /* no length: counted */
    ck_assert_ptr_nonnull(strstr(err.msg, "larger than 1000 bytes"));
    ck_assert_uint_eq(resp.body_len, 0);
    ck_assert_ptr_null(ordo_httpc_header(client, "Content-Length"));
}
END_TEST

START_TEST(truncating_policy_keeps_the_start_of_a_long_body)
{
    struct ordo_httpc_policy p = {
        .allow = allow_first, .nallow = 1, .max_body = 1000, .truncate_body = true};

    ck_assert_int_eq(ordo_httpc_new(&p, &client, &err), ORDO_OK);
    ck_assert_int_eq(get(url1("/big?n=5000")), ORDO_OK); /* Content-Length over the cap */
    ck_assert_int_eq(resp.status, 200);
    ck_assert_uint_eq(resp.body_len, 1000);
    ck_assert_int_eq(get(url1("/chunked?n=50000")), ORDO_OK); /* no length */
    ck_assert_int_eq(resp.status, 200);
    ck_assert_uint_eq(resp.body_len, 1000);
}
END_TEST

START_TEST(too_many_response_headers_are_toobig)
{
    make_client(allow_first, 1);
    ck_assert_int_eq(get(url1("/headers")), ORDO_E_TOOBIG);
    ck_assert_ptr_nonnull(strstr(err.msg, "headers pass 100 lines"));
}
END_TEST

START_TEST(slow_answer_times_out)
{
    struct ordo_httpc_request req = {.url = url1("/slow"), .timeout_ms = 300};

    make_client(allow_first, 1);
    ck_assert_int_eq(ordo_httpc_do(client, &req, &resp, &err), ORDO_E_TIMEOUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "could not GET http://127.0.0.1:"));
    ck_assert_int_eq(resp.status, 0);
}
END_TEST

/* --- Retry-After -------------------------------------------------------- */

START_TEST(retry_after_reads_seconds_and_http_dates)
{
    /* Sun, 06 Nov 1994 08:49:37 GMT */
    const int64_t date_ms = 784111777000;

    ck_assert_int_eq(ordo_httpc_parse_retry_after("120", 0), 120000);
    ck_assert_int_eq(ordo_httpc_parse_retry_after(" 0 ", 0), 0);
    ck_assert_int_eq(ordo_httpc_parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", date_ms - 90500),
                     90500);
    ck_assert_int_eq(ordo_httpc_parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", date_ms - 1000),
                     1000);
    ck_assert_int_eq(ordo_httpc_parse_retry_after("Sun Nov  6 08:49:37 1994", date_ms - 2000),
                     2000);
    ck_assert_int_eq(ordo_httpc_parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", date_ms + 5000),
                     0); /* in the past */
    ck_assert_int_eq(ordo_httpc_parse_retry_after("99999999999999999999999", 0),
                     100LL * 365 * 24 * 3600 * 1000);
    ck_assert_int_eq(ordo_httpc_parse_retry_after("soon", 0), -1);
    ck_assert_int_eq(ordo_httpc_parse_retry_after("garbage", 0), -1);
    ck_assert_int_eq(ordo_httpc_parse_retry_after("-5", 0), -1);
    ck_assert_int_eq(ordo_httpc_parse_retry_after("12s", 0), -1);
    ck_assert_int_eq(ordo_httpc_parse_retry_after("", 0), -1);
    ck_assert_int_eq(ordo_httpc_parse_retry_after(NULL, 0), -1);
}
END_TEST

START_TEST(a_429_carries_retry_after_ms)
{
    make_client(allow_first, 1);
    ck_assert_int_eq(get(url1("/busy")), ORDO_OK);
    ck_assert_int_eq(resp.status, 429);
    ck_assert_int_eq(resp.retry_after_ms, 120000);
}
END_TEST

/* --- secrets ----------------------------------------------------------- */

START_TEST(messages_never_show_secrets_userinfo_or_query_values)
{
    const char *const secrets[] = {"127.0.0.1"};
    unsigned port = closed_port();
    struct ordo_httpc_request req = {
        .url = ordo_arena_printf(arena,
                                 "http://alice:hunter2pw@127.0.0.1:%u/x?token=sup3rs3cret&"
                                 "n=1",
                                 port)};

    make_client(allow_first, 1);
    ck_assert_int_eq(ordo_httpc_do(client, &req, &resp, &err), ORDO_E_AGAIN);
    ck_assert_msg(strstr(err.msg, "could not GET http://127.0.0.1:") != NULL, "%s", err.msg);
    ck_assert_msg(!strstr(err.msg, "hunter2pw") && !strstr(err.msg, "alice") &&
                      !strstr(err.msg, "sup3rs3cret") && !strstr(err.msg, "token"),
                  "%s", err.msg);

    /* A secret the caller names is hidden wherever it turns up. */
    ordo_err_clear(&err);
    req.secrets = secrets;
    req.nsecrets = 1;
    ck_assert_int_eq(ordo_httpc_do(client, &req, &resp, &err), ORDO_E_AGAIN);
    ck_assert_msg(!strstr(err.msg, "127.0.0.1") && strstr(err.msg, "***"), "%s", err.msg);
}
END_TEST

START_TEST(refused_address_log_line_hides_secrets)
{
    const char *const secrets[] = {"localhost"};
    struct ordo_httpc_request req = {
        .url = ordo_arena_printf(arena, "http://localhost:%u/?key=abcdefgh", port1),
        .secrets = secrets,
        .nsecrets = 1};
    const char *log;

    make_client(NULL, 0);
    ck_assert_int_eq(ordo_httpc_do(client, &req, &resp, &err), ORDO_E_FORBIDDEN);
    ck_assert_msg(!strstr(err.msg, "localhost") && strstr(err.msg, "host \"***\""), "%s", err.msg);
    log = logged();
    ck_assert_ptr_nonnull(strstr(log, "\"host\":\"***\""));
    ck_assert_msg(!strstr(log, "localhost") && !strstr(log, "abcdefgh"), "%s", log);
}
END_TEST

/* --- the classifier ----------------------------------------------------- */

/* ordo_httpc_blocked() of the address text 'ip'; the reason in 'why'. */
static bool blocked(const char *ip, const struct ordo_httpc_policy *p, char *why)
{
    struct sockaddr_in sin = {.sin_family = AF_INET};
    struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6};

    if (strchr(ip, ':')) {
        ck_assert_int_eq(inet_pton(AF_INET6, ip, &sin6.sin6_addr), 1);
        return ordo_httpc_blocked((struct sockaddr *)&sin6, sizeof(sin6), p, why,
                                  ORDO_HTTPC_WHY_SIZE);
    }
    ck_assert_int_eq(inet_pton(AF_INET, ip, &sin.sin_addr), 1);
    return ordo_httpc_blocked((struct sockaddr *)&sin, sizeof(sin), p, why, ORDO_HTTPC_WHY_SIZE);
}

START_TEST(classifier_names_why_an_address_is_refused)
{
    static const struct {
        const char *ip;
        const char *why; /* "" = allowed */
    } cases[] = {
        {"127.0.0.1", "loopback"},
        {"127.255.0.9", "loopback"},
        {"0.0.0.0", "unspecified"},
        {"10.1.2.3", "private"},
        {"100.64.0.1", "shared"},
        {"100.128.0.1", ""},
        {"169.254.169.254", "metadata"},
        {"169.254.1.1", "link-local"},
        {"172.16.0.1", "private"},
        {"172.31.255.255", "private"},
        {"172.32.0.1", ""},
        {"172.15.255.255", ""},
        {"192.0.0.8", "reserved"},
        {"192.168.1.1", "private"},
        {"198.18.0.1", "reserved"},
        {"198.19.255.255", "reserved"},
        {"198.20.0.1", ""},
        {"224.0.0.1", "multicast"},
        {"239.255.255.250", "multicast"},
        {"240.0.0.1", "reserved"},
        {"255.255.255.255", "broadcast"},
        {"8.8.8.8", ""},
        {"93.184.216.34", ""},
        {"::", "unspecified"},
        {"::1", "loopback"},
        {"::127.0.0.1", "reserved"},
        {"::ffff:127.0.0.1", "loopback"},
        {"::ffff:10.0.0.1", "private"},
        {"::ffff:8.8.8.8", ""},
        {"64:ff9b::7f00:1", "loopback"},
        {"64:ff9b::169.254.169.254", "metadata"},
        {"64:ff9b::8.8.8.8", ""},
        {"2002:7f00:1::1", "loopback"},
        {"fd00:ec2::254", "metadata"},
        {"fc00::1", "private"},
        {"fdff:ffff::1", "private"},
        {"fe80::1", "link-local"},
        {"febf::1", "link-local"},
        {"fec0::1", "site-local"},
        {"ff02::1", "multicast"},
        {"2001:4860:4860::8888", ""},
    };
    char why[ORDO_HTTPC_WHY_SIZE];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bool b = blocked(cases[i].ip, NULL, why);

        ck_assert_msg(b == (cases[i].why[0] != '\0'), "%s: blocked=%d (%s)", cases[i].ip, b, why);
        ck_assert_msg(strcmp(why, cases[i].why) == 0, "%s: why \"%s\", want \"%s\"", cases[i].ip,
                      why, cases[i].why);
    }
}
END_TEST

START_TEST(classifier_lets_the_allow_list_through)
{
    static const char *const allow[] = {"127.0.0.1/32", "10.0.0.0/8", "fd12:3456::/32",
                                        "169.254.169.254", "::1"};
    struct ordo_httpc_policy p = {.allow = allow, .nallow = 5};
    struct sockaddr_un_like {
        sa_family_t family;
        char path[20];
    } unix_addr = {.family = AF_UNIX};
    char why[ORDO_HTTPC_WHY_SIZE];

    ck_assert(!blocked("127.0.0.1", &p, why));
    ck_assert_str_eq(why, "");
    ck_assert(blocked("127.0.0.2", &p, why));
    ck_assert_str_eq(why, "loopback");
    ck_assert(!blocked("10.200.3.4", &p, why));
    ck_assert(!blocked("::ffff:10.200.3.4", &p, why)); /* the same host, spelt as IPv6 */
    ck_assert(blocked("11.0.0.1", &p, why) == false);
    ck_assert(!blocked("fd12:3456:ffff::1", &p, why));
    ck_assert(blocked("fd12:3457::1", &p, why));
    ck_assert_str_eq(why, "private");
    ck_assert(!blocked("169.254.169.254", &p, why));
    ck_assert(blocked("169.254.169.253", &p, why));
    ck_assert(!blocked("::1", &p, why));
    /* A NAT64 address is not the allow-listed host itself. */
    ck_assert(blocked("64:ff9b::7f00:1", &p, why));
    ck_assert(
        ordo_httpc_blocked((struct sockaddr *)&unix_addr, sizeof(unix_addr), &p, why, sizeof(why)));
    ck_assert_str_eq(why, "unsupported");
    ck_assert(ordo_httpc_blocked(NULL, 0, &p, NULL, 0));
}
END_TEST

/* --- the allow-list ----------------------------------------------------- */

START_TEST(allow_list_text_is_split_and_checked)
{
    const char *const *allow = NULL;
    size_t n = 99;
    struct ordo_httpc_policy p = {0};
    static const char *const bad_policy[] = {"127.0.0.1/32", "localhost"};
    static const char *const bad[] = {"10.0.0.0/33", "300.1.1.1", "abc",        "1.2.3.4/",
                                      "::1/129",     "127.1",     "1.2.3.4/0x8"};

    ck_assert_int_eq(
        ordo_httpc_parse_allow(" 127.0.0.1/32, ::1 ,,10.0.0.0/8,", arena, &allow, &n, &err),
        ORDO_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(allow[0], "127.0.0.1/32");
    ck_assert_str_eq(allow[1], "::1");
    ck_assert_str_eq(allow[2], "10.0.0.0/8");
    ck_assert_int_eq(ordo_httpc_parse_allow("", arena, &allow, &n, &err), ORDO_OK);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(ordo_httpc_parse_allow(NULL, arena, &allow, &n, &err), ORDO_OK);
    ck_assert_uint_eq(n, 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *text = ordo_arena_printf(arena, "127.0.0.1, %s", bad[i]);
        char *want = ordo_arena_printf(arena, "\"%s\" is not an IP address", bad[i]);

        ordo_err_clear(&err);
        ck_assert_int_eq(ordo_httpc_parse_allow(text, arena, &allow, &n, &err), ORDO_E_INVAL);
        ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0, "%s", err.msg);
    }
    ordo_err_clear(&err);
    p.allow = bad_policy;
    p.nallow = 2;
    ck_assert_int_eq(ordo_httpc_new(&p, &client, &err), ORDO_E_INVAL);
    ck_assert_ptr_null(client);
    ck_assert_ptr_nonnull(strstr(err.msg, "\"localhost\""));
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("httpc");
    TCase *guard = tcase_create("guard");
    TCase *http = tcase_create("http");
    TCase *unit = tcase_create("unit");

    tcase_add_checked_fixture(guard, setup, teardown);
    tcase_add_test(guard, guard_refuses_loopback_private_and_metadata_addresses);
    tcase_add_test(guard, guard_message_names_the_address_and_the_host);
    tcase_add_test(guard, redirect_to_a_loopback_address_not_allow_listed_is_refused);
    tcase_add_test(guard, redirect_to_a_name_that_resolves_to_loopback_is_refused);
    tcase_add_test(guard, followed_redirect_keeps_only_the_last_responses_headers);
    tcase_add_test(guard, redirect_to_a_scheme_outside_the_policy_is_refused);
    tcase_add_test(guard, https_only_refuses_http_and_no_policy_allows_other_schemes);
    tcase_add_test(guard, localhost_reaches_an_allow_listed_ipv4_when_its_ipv6_is_refused);
    suite_add_tcase(s, guard);

    tcase_add_checked_fixture(http, setup, teardown);
    tcase_add_test(http, allow_listed_get_returns_status_body_and_headers);
    tcase_add_test(http, post_sends_headers_and_body);
    tcase_add_test(http, a_post_is_never_sent_twice_by_the_client_itself);
    tcase_add_test(http, not_found_is_a_response_not_an_error);
    tcase_add_test(http, bad_requests_are_refused_before_sending);
    tcase_add_test(http, body_over_the_cap_is_toobig);
    tcase_add_test(http, truncating_policy_keeps_the_start_of_a_long_body);
    tcase_add_test(http, too_many_response_headers_are_toobig);
    tcase_add_test(http, slow_answer_times_out);
    tcase_add_test(http, a_429_carries_retry_after_ms);
    tcase_add_test(http, messages_never_show_secrets_userinfo_or_query_values);
    tcase_add_test(http, refused_address_log_line_hides_secrets);
    tcase_set_timeout(http, 60);
    suite_add_tcase(s, http);

    tcase_add_checked_fixture(unit, setup, teardown);
    tcase_add_test(unit, retry_after_reads_seconds_and_http_dates);
    tcase_add_test(unit, classifier_names_why_an_address_is_refused);
    tcase_add_test(unit, classifier_lets_the_allow_list_through);
    tcase_add_test(unit, allow_list_text_is_split_and_checked);
    suite_add_tcase(s, unit);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
