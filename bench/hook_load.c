/*
 * bench/hook_load - a load generator for inbound webhooks and, as their
 * peer baseline, for plain instance starts (issue 7, must-show 4).
 *
 *     hook_load hooks URL ENDPOINT N CONNECTIONS [DUP_PERCENT] [SEED]
 *     hook_load start URL PROCESS N CONNECTIONS
 *
 * 'hooks' posts N GitHub-style deliveries to URL/hooks/ENDPOINT, each
 * signed with the secret in $HOOK_LOAD_SECRET (X-Hub-Signature-256 over
 * the raw body, ordo_hmac_sha256) and named by X-GitHub-Delivery.
 * DUP_PERCENT of them (default 10) repeat the id and body of another
 * delivery: half right after their original in the sending order, so
 * that with several connections the two are in flight at the same time,
 * half at a random later place. All bodies and signatures are made
 * before the clock starts. 'start' posts N times {"processId":PROCESS}
 * to URL/api/instances with the Bearer key in $HOOK_LOAD_KEY.
 *
 * CONNECTIONS threads share the list, each with its own libcurl handle
 * (one keep-alive connection), and time each request. Prints one JSON
 * line: {"mode","sent","unique","accepted","duplicate","seconds","per_s",
 * "p50_ms","p99_ms"}. Exits 1 when a request fails or is answered with
 * anything but 200/201, or (hooks) when the server did not accept each
 * distinct id exactly once and call every repeat a duplicate.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "base/crypto.h"

#define MAX_CONNECTIONS 256
#define MAX_N           10000000L
#define ANSWER_MAX      512

/* One request to send: an index into the distinct bodies. */
struct item {
    long body;
    double order; /* the place in the sending order */
};

struct load {
    const char *mode, *url, *target;
    long n, unique;
    char **bodies;  /* unique of them */
    char **headers; /* unique x 2: signature, delivery id (hooks) */
    struct item *items;
    double *latency_ms;
    atomic_long next, accepted, duplicate, failed;
    const char *auth; /* "Authorization: Bearer ..." (start) */
};

struct answer {
    char text[ANSWER_MAX];
    size_t len;
};

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* xorshift64*: reproducible from SEED; the bench needs no better. */
static uint64_t next_random(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

static double uniform(uint64_t *s)
{
    return (double)(next_random(s) >> 11) / 9007199254740992.0; /* [0, 1) */
}

__attribute__((format(printf, 1, 2))) static char *dup_printf(const char *fmt, ...)
{
    va_list ap, ap2;
    int len;
    char *out;

    va_start(ap, fmt);
    va_copy(ap2, ap);
    len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    out = malloc((size_t)len + 1);
    if (!out) {
        abort();
    }
    (void)vsnprintf(out, (size_t)len + 1, fmt, ap2);
    va_end(ap2);
    return out;
}

/* The distinct deliveries: body, signature header, delivery-id header. */
static void make_deliveries(struct load *l, const char *secret, uint64_t run)
{
    char tag[32];

    l->bodies = calloc((size_t)l->unique, sizeof *l->bodies);
    l->headers = calloc((size_t)l->unique * 2, sizeof *l->headers);
    if (!l->bodies || !l->headers) {
        abort();
    }
    (void)snprintf(tag, sizeof tag, "%016" PRIx64, run);
    for (long i = 0; i < l->unique; i++) {
        uint8_t mac[ORDO_HMAC_SHA256_SIZE];
        char hex[2 * ORDO_HMAC_SHA256_SIZE + 1];
        char *body =
            dup_printf("{\"repository\":{\"name\":\"load-%s\"},\"ref\":\"refs/heads/main\","
                       "\"n\":%ld,\"commits\":[{\"id\":\"a\"},{\"id\":\"b\"}]}",
                       tag, i);

        ordo_hmac_sha256(secret, strlen(secret), body, strlen(body), mac);
        ordo_hex(mac, sizeof mac, hex);
        l->bodies[i] = body;
        l->headers[2 * i] = dup_printf("X-Hub-Signature-256: sha256=%s", hex);
        l->headers[2 * i + 1] = dup_printf("X-GitHub-Delivery: load-%s-%ld", tag, i);
    }
}

static int by_order_cb(const void *a, const void *b)
{
    double x = ((const struct item *)a)->order, y = ((const struct item *)b)->order;

    return (x > y) - (x < y);
}

/* The sending order: the distinct ids shuffled, each repeat placed right
 * after its original (even ones) or at a random later place (odd ones). */
static void make_order(struct load *l, uint64_t *seed)
{
    l->items = calloc((size_t)l->n, sizeof *l->items);
    if (!l->items) {
        abort();
    }
    for (long i = 0; i < l->unique; i++) { /* Fisher-Yates over the ids */
        long j = (long)(next_random(seed) % (uint64_t)(i + 1));

        l->items[i].body = l->items[j].body;
        l->items[j].body = i;
    }
    for (long i = 0; i < l->unique; i++) {
        l->items[i].order = (double)i;
    }
    for (long k = l->unique; k < l->n; k++) {
        long p = (long)(next_random(seed) % (uint64_t)l->unique);

        l->items[k].body = l->items[p].body;
        l->items[k].order = (k % 2 == 0)
                                ? (double)p + 0.5
                                : (double)p + 0.5 + uniform(seed) * (double)(l->unique - p);
    }
    qsort(l->items, (size_t)l->n, sizeof *l->items, by_order_cb);
}

static size_t keep_answer_cb(char *data, size_t size, size_t nmemb, void *ctx)
{
    struct answer *a = ctx;
    size_t len = size * nmemb, room = sizeof a->text - 1 - a->len;

    memcpy(a->text + a->len, data, len < room ? len : room);
    a->len += len < room ? len : room;
    a->text[a->len] = '\0';
    return len;
}

/* Count what the server said; false when the request failed. */
static bool tally(struct load *l, CURLcode rc, long status, const struct answer *a)
{
    if (rc != CURLE_OK || (status != 200 && status != 201)) {
        (void)fprintf(stderr, "hook_load: %s, HTTP %ld: %s\n", curl_easy_strerror(rc), status,
                      a->text);
        return false;
    }
    if (strstr(a->text, "\"duplicate\"")) {
        atomic_fetch_add(&l->duplicate, 1);
    } else {
        atomic_fetch_add(&l->accepted, 1);
    }
    return true;
}

static bool send_one(struct load *l, CURL *h, long i)
{
    const struct item *it = &l->items[i];
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
    struct answer a = {.len = 0};
    char one[256];
    const char *body = one;
    long status = 0;
    double t0;
    CURLcode rc;

    if (strcmp(l->mode, "hooks") == 0) {
        body = l->bodies[it->body];
        hdr = curl_slist_append(hdr, "X-GitHub-Event: push");
        hdr = curl_slist_append(hdr, l->headers[2 * it->body]);
        hdr = curl_slist_append(hdr, l->headers[2 * it->body + 1]);
    } else {
        (void)snprintf(one, sizeof one, "{\"processId\":\"%s\"}", l->target);
        hdr = curl_slist_append(hdr, l->auth);
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &a);
    t0 = now_s();
    rc = curl_easy_perform(h);
    l->latency_ms[i] = (now_s() - t0) * 1e3;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hdr);
    return tally(l, rc, status, &a);
}

static void *connection(void *arg)
{
    struct load *l = arg;
    CURL *h = curl_easy_init();
    char url[1024];
    long i;

    if (!h) {
        atomic_fetch_add(&l->failed, 1);
        return NULL;
    }
    (void)snprintf(url, sizeof url, strcmp(l->mode, "hooks") == 0 ? "%s/hooks/%s" : "%s/api/%s",
                   l->url, strcmp(l->mode, "hooks") == 0 ? l->target : "instances");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep_answer_cb);
    while ((i = atomic_fetch_add(&l->next, 1)) < l->n) {
        if (!send_one(l, h, i)) {
            atomic_fetch_add(&l->failed, 1);
        }
    }
    curl_easy_cleanup(h);
    return NULL;
}

static int by_value_cb(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static double percentile(const double *sorted, long n, double p)
{
    long i = (long)(p * (double)(n - 1) + 0.5);

    return sorted[i < n ? i : n - 1];
}

static int run(struct load *l, int conns)
{
    pthread_t threads[MAX_CONNECTIONS];
    double t0, secs;
    bool ok;

    l->latency_ms = calloc((size_t)l->n, sizeof *l->latency_ms);
    if (!l->latency_ms) {
        abort();
    }
    t0 = now_s();
    for (int c = 0; c < conns; c++) {
        if (pthread_create(&threads[c], NULL, connection, l) != 0) {
            abort();
        }
    }
    for (int c = 0; c < conns; c++) {
        (void)pthread_join(threads[c], NULL);
    }
    secs = now_s() - t0;
    qsort(l->latency_ms, (size_t)l->n, sizeof *l->latency_ms, by_value_cb);
    printf("{\"mode\":\"%s\",\"sent\":%ld,\"unique\":%ld,\"accepted\":%ld,\"duplicate\":%ld,"
           "\"seconds\":%.3f,\"per_s\":%.1f,\"p50_ms\":%.2f,\"p99_ms\":%.2f}\n",
           l->mode, l->n, l->unique, atomic_load(&l->accepted), atomic_load(&l->duplicate), secs,
           (double)l->n / secs, percentile(l->latency_ms, l->n, 0.5),
           percentile(l->latency_ms, l->n, 0.99));
    ok = atomic_load(&l->failed) == 0;
    if (ok && strcmp(l->mode, "hooks") == 0 &&
        (atomic_load(&l->accepted) != l->unique ||
         atomic_load(&l->duplicate) != l->n - l->unique)) {
        (void)fprintf(stderr,
                      "hook_load: %ld distinct deliveries, but %ld accepted and %ld "
                      "duplicates\n",
                      l->unique, atomic_load(&l->accepted), atomic_load(&l->duplicate));
        ok = false;
    }
    return ok ? 0 : 1;
}

static int usage(void)
{
    (void)fprintf(stderr,
                  "usage: hook_load hooks URL ENDPOINT N CONNECTIONS [DUP_PERCENT] [SEED]\n"
                  "       hook_load start URL PROCESS N CONNECTIONS\n"
                  "($HOOK_LOAD_SECRET: the endpoint's secret; $HOOK_LOAD_KEY: an API key)\n");
    return 2;
}

/* Set up 'hooks' or 'start' from the environment; false when it lacks it. */
static bool prepare(struct load *l, long dup_percent, uint64_t seed)
{
    if (strcmp(l->mode, "hooks") == 0) {
        const char *secret = getenv("HOOK_LOAD_SECRET");

        if (!secret || !*secret || dup_percent < 0 || dup_percent > 50) {
            return false;
        }
        l->unique = l->n - l->n * dup_percent / 100;
        make_deliveries(l, secret, seed);
        make_order(l, &seed);
        return true;
    }
    const char *key = getenv("HOOK_LOAD_KEY");

    if (strcmp(l->mode, "start") != 0 || !key || !*key) {
        return false;
    }
    l->unique = l->n;
    l->auth = dup_printf("Authorization: Bearer %s", key);
    l->items = calloc((size_t)l->n, sizeof *l->items);
    return l->items != NULL;
}

int main(int argc, char **argv)
{
    static struct load l; /* static: its atomics start at zero */
    struct ordo_err err = {0};
    long conns, dup_percent = argc > 6 ? strtol(argv[6], NULL, 10) : 10;
    uint64_t seed = argc > 7 ? strtoull(argv[7], NULL, 10) : (uint64_t)time(NULL);

    if (argc < 6) {
        return usage();
    }
    l.mode = argv[1];
    l.url = argv[2];
    l.target = argv[3];
    l.n = strtol(argv[4], NULL, 10);
    conns = strtol(argv[5], NULL, 10);
    if (l.n < 1 || l.n > MAX_N || conns < 1 || conns > MAX_CONNECTIONS) {
        return usage();
    }
    seed = seed ? seed : 1;
    if (ordo_crypto_init(&err) != ORDO_OK || curl_global_init(CURL_GLOBAL_ALL) != CURLE_OK) {
        (void)fprintf(stderr, "hook_load: could not initialise: %s\n", err.msg);
        return 1;
    }
    if (!prepare(&l, dup_percent, seed)) {
        return usage();
    }
    return run(&l, (int)conns);
}
