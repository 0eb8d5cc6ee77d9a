/*
 * bench/peers/mhd_min - the ceiling of bench/run-http.sh: the least a
 * libmicrohttpd server can do to answer what Ordo's GET /livez answers.
 *
 *     mhd_min [THREADS] [PORT]
 *
 * The daemon runs in exactly the mode `ordo serve` uses (server/http.c,
 * ordo_http_start): MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
 * MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG with a thread pool of
 * THREADS (default 8, Ordo's http_threads default), bound to 127.0.0.1 and
 * PORT (default 0: any free port). Every request, whatever its method and
 * path, gets 200 {"status":"ok"} as application/json from one response
 * built at start-up; nothing is allocated, parsed, counted or logged per
 * request. It prints "mhd_min: listening on http://127.0.0.1:PORT" and
 * serves until SIGTERM or SIGINT.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

static const char body[] = "{\"status\":\"ok\"}";

static volatile sig_atomic_t stop;

static void on_signal_cb(int sig)
{
    stop = sig;
}

static enum MHD_Result answer_cb(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version, const char *upload,
                                 size_t *upload_size, void **con_cls)
{
    static int seen;

    (void)url;
    (void)method;
    (void)version;
    (void)upload;
    /* The first call has only the headers. A response queued then makes libmicrohttpd 0.9.75
     * answer "Connection: close" (the request is not fully read), so it waits for the second
     * call, as server/http.c does for every route. */
    if (!*con_cls) {
        *con_cls = &seen;
        return MHD_YES;
    }
    if (*upload_size) {
        *upload_size = 0; /* a body is read and dropped */
        return MHD_YES;
    }
    return MHD_queue_response(conn, MHD_HTTP_OK, cls);
}

static long arg_or(int argc, char **argv, int i, long fallback, long lo, long hi)
{
    char *end = NULL;
    long v;

    if (argc <= i) {
        return fallback;
    }
    v = strtol(argv[i], &end, 10);
    if (*end != '\0' || v < lo || v > hi) {
        (void)fprintf(stderr, "mhd_min: argument %d must be a number from %ld to %ld\n", i, lo, hi);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_USE_ERROR_LOG;
    struct sockaddr_in addr = {.sin_family = AF_INET};
    struct MHD_Response *resp;
    struct MHD_Daemon *daemon;
    const union MHD_DaemonInfo *info;
    struct sigaction sa;
    unsigned threads = (unsigned)arg_or(argc, argv, 1, 8, 1, 256);

    addr.sin_port = htons((uint16_t)arg_or(argc, argv, 2, 0, 0, 65535));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    resp = MHD_create_response_from_buffer(sizeof body - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
    if (!resp || MHD_add_response_header(resp, "Content-Type", "application/json") != MHD_YES) {
        (void)fprintf(stderr, "mhd_min: could not build the response\n");
        return 1;
    }
    daemon = MHD_start_daemon(flags, 0, NULL, NULL, answer_cb, resp, MHD_OPTION_SOCK_ADDR, &addr,
                              MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_END);
    if (!daemon) {
        (void)fprintf(stderr, "mhd_min: could not start the daemon\n");
        return 1;
    }
    info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    (void)printf("mhd_min: listening on http://127.0.0.1:%u (%u threads)\n",
                 info ? (unsigned)info->port : 0U, threads);
    (void)fflush(stdout);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal_cb;
    sigemptyset(&sa.sa_mask);
    (void)sigaction(SIGTERM, &sa, NULL);
    (void)sigaction(SIGINT, &sa, NULL);
    while (!stop) {
        pause();
    }
    MHD_stop_daemon(daemon);
    MHD_destroy_response(resp);
    return 0;
}
