/*
 * tests/integration/test_wh_outbound.c - outbound webhooks end to end: a
 * real `ordo serve` on PostgreSQL delivers to a receiver in this process
 * over loopback (docs/webhooks-outbound.md; issue 7, must-show 3).
 *
 * The receiver (libmicrohttpd, a thread per connection, so one stalled
 * request blocks no other) logs every request it gets: webhook-id,
 * webhook-timestamp, webhook-signature, the raw body and the status it
 * answered. What the server promises is read off that log: after
 * deduplicating by webhook-id, each event once, in order per instance,
 * each signature valid under the secret the API returned.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <microhttpd.h>

#include "tests/integration/httptest.h"
#include "tests/integration/pgtest.h"
#include "webhooks/standard.h"

#define ADMIN    HTTPTEST_ADMIN_KEY
#define MAX_REQS 1024
#define BODY_MAX 8192

/* ---- the receiver --------------------------------------------------------------------------- */

struct request {
    char id[64], ts[32], sig[256];
    char body[BODY_MAX];
    size_t len;
    unsigned answer;
};

static struct {
    struct MHD_Daemon *d;
    unsigned port;
    pthread_mutex_t lock;
    unsigned fixed; /* answer this to everything (0: see fail_first) */
    int fail_first; /* answer 500 to the first N requests of each webhook-id */
    int stall_ms;   /* hold the first request this long before answering */
    bool stalled;   /* the stall happened (or is happening) */
    struct request *reqs;
    size_t nreqs;
} rx;

struct upload {
    char body[BODY_MAX];
    size_t len;
};

static void copy_header(struct MHD_Connection *conn, const char *name, char *out, size_t size)
{
    const char *v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);

    (void)snprintf(out, size, "%s", v ? v : "");
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    (void)nanosleep(&ts, NULL);
}

/* Record the request and choose the answer. */
static unsigned take(struct MHD_Connection *conn, const struct upload *up)
{
    struct request *r;
    unsigned answer = 200;
    int seen = 0;
    bool stall = false;

    pthread_mutex_lock(&rx.lock);
    ck_assert_uint_lt(rx.nreqs, MAX_REQS);
    r = &rx.reqs[rx.nreqs++];
    copy_header(conn, "webhook-id", r->id, sizeof r->id);
    copy_header(conn, "webhook-timestamp", r->ts, sizeof r->ts);
    copy_header(conn, "webhook-signature", r->sig, sizeof r->sig);
    memcpy(r->body, up->body, up->len);
    r->len = up->len;
    for (size_t i = 0; i + 1 < rx.nreqs; i++) {
        seen += strcmp(rx.reqs[i].id, r->id) == 0;
    }
    if (rx.fixed) {
        answer = rx.fixed;
    } else if (seen < rx.fail_first) {
        answer = 500;
    }
    if (rx.stall_ms > 0 && !rx.stalled) {
        rx.stalled = stall = true;
    }
    r->answer = answer;
    pthread_mutex_unlock(&rx.lock);
    if (stall) {
        sleep_ms(rx.stall_ms);
    }
    return answer;
}

static enum MHD_Result receive_cb(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *size, void **con_cls)
{
    struct upload *up = *con_cls;
    struct MHD_Response *resp;
    enum MHD_Result ok;

    (void)cls;
    (void)url;
    (void)method;
    (void)version;
    if (!up) {
        *con_cls = calloc(1, sizeof *up);
        return *con_cls ? MHD_YES : MHD_NO;
    }
    if (*size > 0) {
        size_t n = *size < sizeof up->body - up->len ? *size : sizeof up->body - up->len;

        memcpy(up->body + up->len, data, n);
        up->len += n;
        *size = 0;
        return MHD_YES;
    }
    resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    ok = MHD_queue_response(conn, take(conn, up), resp);
    MHD_destroy_response(resp);
    return ok;
}

static void completed_cb(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode why)
{
    (void)cls;
    (void)conn;
    (void)why;
    free(*con_cls);
    *con_cls = NULL;
}

static void receiver_start(void)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    const union MHD_DaemonInfo *info;

    memset(&rx, 0, sizeof rx);
    pthread_mutex_init(&rx.lock, NULL);
    rx.reqs = calloc(MAX_REQS, sizeof *rx.reqs);
    ck_assert_ptr_nonnull(rx.reqs);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    rx.d =
        MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0, NULL,
                         NULL, receive_cb, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                         MHD_OPTION_NOTIFY_COMPLETED, completed_cb, NULL, MHD_OPTION_END);
    ck_assert_ptr_nonnull(rx.d);
    info = MHD_get_daemon_info(rx.d, MHD_DAEMON_INFO_BIND_PORT);
    ck_assert_ptr_nonnull(info);
    rx.port = info->port;
}

static void receiver_stop(void)
{
    if (!rx.d) {
        return;
    }
    MHD_stop_daemon(rx.d);
    free(rx.reqs);
    pthread_mutex_destroy(&rx.lock);
    memset(&rx, 0, sizeof rx);
}

static size_t requests(void)
{
    size_t n;

    pthread_mutex_lock(&rx.lock);
    n = rx.nreqs;
    pthread_mutex_unlock(&rx.lock);
    return n;
}

/* ---- the server ----------------------------------------------------------------------------- */

static struct httptest srv;

static void start_server(const char *schedule, const char *timeout, const char *allow)
{
    static char env[4][128];
    const char *list[6] = {"ORDO_HTTP_SCHEME=any", env[0], env[1], env[2], env[3], NULL};

    (void)snprintf(env[0], sizeof env[0], "ORDO_WEBHOOK_RETRY_SCHEDULE=%s", schedule);
    (void)snprintf(env[1], sizeof env[1], "ORDO_WEBHOOK_TIMEOUT=%s", timeout);
    (void)snprintf(env[2], sizeof env[2], "ORDO_HTTP_ALLOW=%s", allow);
    (void)snprintf(env[3], sizeof env[3], "ORDO_WEBHOOK_SENDERS=2");
    httptest_start(&srv, "wh_out", list);
}

static void teardown(void)
{
    httptest_stop(&srv);
    receiver_stop();
}

static long call(const char *method, const char *path, const char *json, json_t **out)
{
    struct httptest_resp r;
    long status;

    httptest_json(&srv, method, path, ADMIN, json, &r);
    status = r.status;
    if (out) {
        *out = json_incref(r.json);
    }
    httptest_resp_free(&r);
    return status;
}

static const char *const TASK_BPMN =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" id=\"d\" "
    "targetNamespace=\"urn:t\"><process id=\"whtask\" isExecutable=\"true\">"
    "<startEvent id=\"start\"/><sequenceFlow id=\"f1\" sourceRef=\"start\" targetRef=\"approve\"/>"
    "<userTask id=\"approve\" name=\"Approve\"/>"
    "<sequenceFlow id=\"f2\" sourceRef=\"approve\" targetRef=\"end\"/><endEvent id=\"end\"/>"
    "</process></definitions>";

static const char *const CALLER_BPMN =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" "
    "xmlns:zeebe=\"http://camunda.org/schema/zeebe/1.0\" id=\"d\" targetNamespace=\"urn:t\">"
    "<process id=\"whcaller\" isExecutable=\"true\"><startEvent id=\"start\"/>"
    "<sequenceFlow id=\"f1\" sourceRef=\"start\" targetRef=\"call\"/>"
    "<callActivity id=\"call\"><extensionElements><zeebe:calledElement processId=\"whchild\"/>"
    "</extensionElements></callActivity>"
    "<sequenceFlow id=\"f2\" sourceRef=\"call\" targetRef=\"end\"/><endEvent id=\"end\"/>"
    "</process></definitions>";

static const char *const CHILD_BPMN =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" id=\"d\" "
    "targetNamespace=\"urn:t\"><process id=\"whchild\" isExecutable=\"true\">"
    "<startEvent id=\"start\"/><sequenceFlow id=\"f1\" sourceRef=\"start\" targetRef=\"end\"/>"
    "<endEvent id=\"end\"/></process></definitions>";

static void deploy(const char *xml)
{
    struct httptest_resp r;

    httptest_request(&srv, "POST", "/api/deployments", ADMIN, "application/xml", xml, strlen(xml),
                     NULL, &r);
    ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
    httptest_resp_free(&r);
}

static char *start(const char *process)
{
    char body[128];
    json_t *out = NULL;
    char *key;

    (void)snprintf(body, sizeof body, "{\"processId\":\"%s\"}", process);
    ck_assert_int_eq(call("POST", "/api/instances", body, &out), 201);
    key = strdup(json_string_value(json_object_get(out, "key")));
    json_decref(out);
    return key;
}

/* The key of the one open task (or incident) of instance 'inst'. */
static char *one_of(const char *what, const char *inst)
{
    char path[128];
    json_t *out = NULL, *items;
    char *key;

    (void)snprintf(path, sizeof path, "/api/%s?instanceKey=%s", what, inst);
    ck_assert_int_eq(call("GET", path, NULL, &out), 200);
    items = json_object_get(out, "items");
    ck_assert_uint_eq(json_array_size(items), 1);
    key = strdup(json_string_value(json_object_get(json_array_get(items, 0), "key")));
    json_decref(out);
    return key;
}

static void complete_task(const char *inst)
{
    char *task = one_of("tasks", inst);
    char path[128];

    (void)snprintf(path, sizeof path, "/api/tasks/%s/complete", task);
    ck_assert_int_eq(call("POST", path, "{}", NULL) / 100, 2);
    free(task);
}

/* Subscribe the receiver ('host' and path) to 'events' (a JSON array):
 * the key and the secret, malloc'ed. */
static void subscribe(const char *host, const char *events, char **key, char **secret)
{
    char body[512];
    json_t *out = NULL;

    (void)snprintf(body, sizeof body, "{\"url\":\"http://%s:%u/hook\",\"events\":%s}", host,
                   rx.port, events);
    ck_assert_int_eq(call("POST", "/api/webhooks/subscriptions", body, &out), 201);
    *key = strdup(json_string_value(json_object_get(out, "key")));
    if (secret) {
        *secret = strdup(json_string_value(json_object_get(out, "secret")));
    }
    json_decref(out);
}

static long count(const char *sql)
{
    return httptest_count(&srv, sql);
}

/* Wait until 'sql' counts 'want' rows, at most 'ms'. */
static void wait_count(const char *sql, long want, int ms)
{
    long n = -1;

    for (int waited = 0; waited < ms; waited += 50) {
        n = count(sql);
        if (n == want) {
            return;
        }
        sleep_ms(50);
    }
    ck_abort_msg("%s: %ld rows, not %ld, after %d ms", sql, n, want, ms);
}

/* ---- reading the receiver's log ------------------------------------------------------------- */

/* The first request of webhook-id 'id' that was answered 2xx, or -1. */
static long first_ok(const char *id)
{
    for (size_t i = 0; i < rx.nreqs; i++) {
        if (rx.reqs[i].answer / 100 == 2 && strcmp(rx.reqs[i].id, id) == 0) {
            return (long)i;
        }
    }
    return -1;
}

static long hits(const char *id)
{
    long n = 0;

    for (size_t i = 0; i < rx.nreqs; i++) {
        n += strcmp(rx.reqs[i].id, id) == 0;
    }
    return n;
}

/* Every request carries a valid signature under 'secret' and a payload
 * of the documented shape. */
static void expect_signed(const char *secret)
{
    uint8_t key[ORDO_WHSEC_MAX];
    size_t keylen = 0;

    ck_assert(ordo_whsec_parse(secret, key, &keylen));
    for (size_t i = 0; i < rx.nreqs; i++) {
        const struct request *r = &rx.reqs[i];
        json_t *doc = json_loadb(r->body, r->len, 0, NULL);
        const char *ts = json_string_value(json_object_get(doc, "timestamp"));

        ck_assert_msg(ordo_wh_verify(key, keylen, r->id, r->ts, r->sig, r->body, r->len,
                                     (int64_t)time(NULL), ORDO_WH_TOLERANCE) == ORDO_WH_VALID,
                      "request %zu (%s) is not signed right", i, r->id);
        ck_assert_int_eq(strncmp(r->id, "msg_", 4), 0);
        ck_assert_ptr_nonnull(doc);
        ck_assert_ptr_nonnull(ts);
        ck_assert_uint_eq(strlen(ts), 24); /* 2026-01-02T03:04:05.678Z */
        ck_assert_int_eq(ts[23], 'Z');
        ck_assert(json_is_string(json_object_get(json_object_get(doc, "data"), "instanceKey")));
        json_decref(doc);
    }
}

/* Every outbox row of subscription 'sub' was answered 2xx with the very
 * bytes stored, the rows of one instance in their order; each id got
 * exactly 'want_hits' requests (0: any number, at least one). Returns the
 * rows' event types joined per instance, "instance:type,type;..." in key
 * order, for the caller to compare. */
static char *expect_delivered(const char *sub, long want_hits)
{
    char sql[256];
    PGconn *db = httptest_db(&srv);
    PGresult *res;
    size_t cap = 8192, len = 0;
    char *types = calloc(1, cap);
    long last = -1;
    const char *prev_inst = "";

    (void)snprintf(sql, sizeof sql,
                   "SELECT msg_id, event, instance_key::text, payload FROM outbox WHERE "
                   "subscription_key = %s ORDER BY instance_key, seq",
                   sub);
    res = PQexec(db, sql);
    ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
    pthread_mutex_lock(&rx.lock);
    for (int i = 0; i < PQntuples(res); i++) {
        const char *id = PQgetvalue(res, i, 0), *inst = PQgetvalue(res, i, 2);
        long at = first_ok(id);

        ck_assert_msg(at >= 0, "event %s (%s) never arrived", id, PQgetvalue(res, i, 1));
        ck_assert_str_eq(rx.reqs[at].body, PQgetvalue(res, i, 3));
        if (want_hits) {
            ck_assert_int_eq(hits(id), want_hits);
        }
        if (strcmp(inst, prev_inst) == 0) {
            ck_assert_msg(at > last, "instance %s: %s arrived before the event before it", inst,
                          PQgetvalue(res, i, 1));
        }
        len += (size_t)snprintf(types + len, cap - len, "%s%s", strcmp(inst, prev_inst) ? ";" : ",",
                                PQgetvalue(res, i, 1));
        last = at;
        prev_inst = inst;
    }
    pthread_mutex_unlock(&rx.lock);
    PQclear(res);
    PQfinish(db);
    return types;
}

/* ---- tests ---------------------------------------------------------------------------------- */

static long delivered_of(const char *sub)
{
    char sql[160];

    (void)snprintf(
        sql, sizeof sql,
        "SELECT count(*) FROM outbox WHERE state = 'delivered' AND subscription_key = %s", sub);
    return count(sql);
}

static void wait_delivered(const char *sub, long want, int ms)
{
    char sql[160];

    (void)snprintf(
        sql, sizeof sql,
        "SELECT count(*) FROM outbox WHERE state = 'delivered' AND subscription_key = %s", sub);
    wait_count(sql, want, ms);
}

static void retry_incident(const char *inst)
{
    char *inc = one_of("incidents", inst);
    char path[128];

    (void)snprintf(path, sizeof path, "/api/incidents/%s/retry", inc);
    ck_assert_int_eq(call("POST", path, "{}", NULL) / 100, 2);
    free(inc);
}

/* Must-show 3: a receiver that fails the first three deliveries of every
 * event records each exactly once after dedupe, in order per instance,
 * signed. */
START_TEST(retried_events_arrive_once_in_order_signed)
{
    char *sub, *secret, *types, *t[3], *caller, path[128];
    const char *done = "instance.started,task.created,task.completed,instance.completed";

    receiver_start();
    rx.fail_first = 3;
    start_server("50ms,50ms,100ms,100ms", "5s", "127.0.0.1/32");
    subscribe("127.0.0.1", "[\"*\"]", &sub, &secret);
    deploy(TASK_BPMN);
    deploy(CALLER_BPMN);
    for (int i = 0; i < 3; i++) {
        t[i] = start("whtask");
    }
    caller = start("whcaller"); /* whchild is not deployed: an incident */
    complete_task(t[0]);
    complete_task(t[1]);
    (void)snprintf(path, sizeof path, "/api/instances/%s/cancel", t[2]);
    ck_assert_int_eq(call("POST", path, NULL, NULL) / 100, 2);
    deploy(CHILD_BPMN);
    retry_incident(caller);

    wait_delivered(sub, 17, 60000);
    sleep_ms(300); /* nothing more comes */
    ck_assert_int_eq(delivered_of(sub), 17);
    expect_signed(secret);
    types = expect_delivered(sub, 4); /* three 500s, then 200 */
    {
        char want[1024];

        (void)snprintf(want, sizeof want,
                       ";%s;%s;instance.started,task.created,instance.canceled;"
                       "instance.started,incident.opened,incident.resolved,instance.completed;"
                       "instance.started,instance.completed",
                       done, done);
        ck_assert_str_eq(types, want);
    }
    /* The key the statement looked up and spliced in is the row's. */
    ck_assert_int_eq(count("SELECT count(*) FROM outbox o JOIN user_task t ON t.key = "
                           "(o.payload::json->'data'->>'taskKey')::bigint AND t.instance_key = "
                           "o.instance_key WHERE o.event LIKE 'task.%'"),
                     5);
    ck_assert_int_eq(count("SELECT count(*) FROM outbox o JOIN incident i ON i.key = "
                           "(o.payload::json->'data'->>'incidentKey')::bigint AND i.instance_key = "
                           "o.instance_key WHERE o.event LIKE 'incident.%'"),
                     2);
    ck_assert_int_eq(count("SELECT count(*) FROM webhook_attempt WHERE status = 500"), 3L * 17);
    ck_assert_int_eq(count("SELECT count(*) FROM webhook_attempt WHERE status = 200"), 17);
    ck_assert_int_eq(count("SELECT count(*) FROM webhook_subscription WHERE enabled AND "
                           "failing_since IS NULL"),
                     1);
    free(types);
    for (int i = 0; i < 3; i++) {
        free(t[i]);
    }
    free(caller);
    free(sub);
    free(secret);
}
END_TEST

/* A server killed mid-delivery: the row's lease runs out after the
 * restart and the event goes again with the same webhook-id. */
START_TEST(sigkill_mid_delivery_loses_no_event)
{
    char *sub, *secret, *a, *b, *types;

    receiver_start();
    rx.stall_ms = 1500;
    start_server("50ms", "2s", "127.0.0.1/32");
    subscribe("127.0.0.1", "[\"*\"]", &sub, &secret);
    deploy(TASK_BPMN);
    a = start("whtask");
    b = start("whtask");
    for (int waited = 0; requests() == 0 && waited < 10000; waited += 10) {
        sleep_ms(10);
    }
    ck_assert_uint_ge(requests(), 1); /* the first delivery is in flight, held by the receiver */
    httptest_kill_restart(&srv);
    complete_task(a);
    complete_task(b);

    wait_delivered(sub, 8, 30000);
    expect_signed(secret);
    types = expect_delivered(sub, 0);
    ck_assert_str_eq(types, ";instance.started,task.created,task.completed,instance.completed"
                            ";instance.started,task.created,task.completed,instance.completed");
    ck_assert_int_ge(hits(rx.reqs[0].id), 2); /* sent again, same webhook-id */
    free(types);
    free(a);
    free(b);
    free(sub);
    free(secret);
}
END_TEST

static char *one_seq(const char *sub)
{
    char sql[160];
    PGconn *db = httptest_db(&srv);
    PGresult *res;
    char *seq;

    (void)snprintf(sql, sizeof sql,
                   "SELECT seq::text FROM outbox WHERE subscription_key = %s ORDER BY seq LIMIT 1",
                   sub);
    res = PQexec(db, sql);
    ck_assert_int_eq(PQntuples(res), 1);
    seq = strdup(PQgetvalue(res, 0, 0));
    PQclear(res);
    PQfinish(db);
    return seq;
}

/* 410 disables the subscription and keeps its events; after the last
 * attempt an event is a dead letter; replay (one, or since a time)
 * delivers it. */
START_TEST(gone_disables_dead_letters_replay)
{
    char *sub, *seq, *inst, path[160];
    json_t *out = NULL;

    receiver_start();
    rx.fixed = 410;
    start_server("10ms", "5s", "127.0.0.1/32");
    subscribe("127.0.0.1", "[\"instance.started\"]", &sub, NULL);
    deploy(TASK_BPMN);
    inst = start("whtask");
    wait_count("SELECT count(*) FROM webhook_subscription WHERE NOT enabled AND "
               "disabled_reason LIKE '%410%'",
               1, 10000);
    ck_assert_int_eq(count("SELECT count(*) FROM outbox WHERE state = 'pending'"), 1);
    (void)snprintf(path, sizeof path, "/api/webhooks/subscriptions/%s", sub);
    ck_assert_int_eq(call("GET", path, NULL, &out), 200);
    ck_assert(json_is_false(json_object_get(out, "enabled")));
    ck_assert_ptr_null(json_object_get(out, "secret"));
    json_decref(out);

    rx.fixed = 500; /* enabled again, it fails twice: a dead letter */
    ck_assert_int_eq(call("PATCH", path, "{\"enabled\":true}", &out), 200);
    ck_assert(json_is_true(json_object_get(out, "enabled")));
    ck_assert(json_is_null(json_object_get(out, "disabledReason")));
    json_decref(out);
    wait_count("SELECT count(*) FROM outbox WHERE state = 'dead'", 1, 10000);
    ck_assert_int_eq(count("SELECT count(*) FROM webhook_attempt WHERE status = 500"), 2);
    (void)snprintf(path, sizeof path, "/api/webhooks/subscriptions/%s/deliveries?state=dead", sub);
    ck_assert_int_eq(call("GET", path, NULL, &out), 200);
    ck_assert_uint_eq(json_array_size(json_object_get(out, "items")), 1);
    ck_assert_uint_eq(json_array_size(json_object_get(
                          json_array_get(json_object_get(out, "items"), 0), "attempts")),
                      3);
    json_decref(out);

    rx.fixed = 200;
    seq = one_seq(sub);
    (void)snprintf(path, sizeof path, "/api/webhooks/outbox/%s/replay", seq);
    ck_assert_int_eq(call("POST", path, NULL, NULL), 200);
    wait_delivered(sub, 1, 10000);
    ck_assert_int_eq(call("POST", path, NULL, NULL), 409); /* delivered, not dead */
    ck_assert_int_eq(call("POST", "/api/webhooks/outbox/999999999/replay", NULL, NULL), 404);

    rx.fixed = 500; /* a second dead letter, replayed in bulk */
    free(inst);
    inst = start("whtask");
    wait_count("SELECT count(*) FROM outbox WHERE state = 'dead'", 1, 10000);
    rx.fixed = 200;
    (void)snprintf(path, sizeof path, "/api/webhooks/subscriptions/%s/replay", sub);
    ck_assert_int_eq(call("POST", path, "{\"since\":\"bad\"}", NULL), 400);
    ck_assert_int_eq(call("POST", path, "{\"since\":\"2000-01-01T00:00:00Z\"}", &out), 200);
    ck_assert_int_eq(json_integer_value(json_object_get(out, "replayed")), 1);
    json_decref(out);
    wait_delivered(sub, 2, 10000);
    free(seq);
    free(inst);
    free(sub);
}
END_TEST

/* A loopback address outside http_allow: refused by the API when
 * literal, by the sender's guard when it is a name; never connected. */
START_TEST(ssrf_guard_refuses_unlisted_loopback)
{
    char body[256], *sub, *inst;
    struct httptest_resp r;

    receiver_start();
    start_server("10ms", "5s", "127.0.0.2/32");
    (void)snprintf(body, sizeof body, "{\"url\":\"http://127.0.0.1:%u/hook\",\"events\":[\"*\"]}",
                   rx.port);
    httptest_json(&srv, "POST", "/api/webhooks/subscriptions", ADMIN, body, &r);
    ck_assert_int_eq(r.status, 400);
    ck_assert_ptr_nonnull(strstr(r.body, "127.0.0.1"));
    httptest_resp_free(&r);

    subscribe("localhost", "[\"instance.started\"]", &sub, NULL);
    deploy(TASK_BPMN);
    inst = start("whtask");
    wait_count("SELECT count(*) FROM outbox WHERE state = 'dead'", 1, 10000);
    ck_assert_int_eq(count("SELECT count(*) FROM webhook_attempt WHERE status IS NULL AND "
                           "error LIKE '%not allowed%'"),
                     2);
    ck_assert_uint_eq(requests(), 0);
    free(inst);
    free(sub);
}
END_TEST

/* No subscription, no rows; a subscription gets only its event types. */
START_TEST(events_follow_subscriptions)
{
    char *sub, *inst, path[128];

    receiver_start();
    start_server("10ms", "5s", "127.0.0.1/32");
    deploy(TASK_BPMN);
    inst = start("whtask");
    complete_task(inst);
    free(inst);
    ck_assert_int_eq(count("SELECT count(*) FROM outbox"), 0);

    subscribe("127.0.0.1", "[\"task.completed\"]", &sub, NULL);
    inst = start("whtask");
    complete_task(inst);
    wait_delivered(sub, 1, 10000);
    ck_assert_int_eq(count("SELECT count(*) FROM outbox WHERE event = 'task.completed'"), 1);
    ck_assert_int_eq(count("SELECT count(*) FROM outbox"), 1);

    (void)snprintf(path, sizeof path, "/api/webhooks/subscriptions/%s", sub);
    ck_assert_int_eq(call("DELETE", path, NULL, NULL), 204);
    ck_assert_int_eq(call("GET", path, NULL, NULL), 404);
    ck_assert_int_eq(count("SELECT count(*) FROM outbox"), 0);
    ck_assert_int_eq(count("SELECT count(*) FROM audit WHERE action LIKE 'webhook_subscription.%'"),
                     2);
    free(inst);
    free(sub);
}
END_TEST

/* Bad input: 400 naming the problem, nothing stored; the secret is shown
 * only by create. */
START_TEST(bad_input_is_refused)
{
    static const char *const bad[] = {
        "{\"events\":[\"*\"]}",
        "{\"url\":\"ftp://example.com/x\",\"events\":[\"*\"]}",
        "{\"url\":\"not a url\",\"events\":[\"*\"]}",
        "{\"url\":\"http://example.com/x\",\"events\":[\"instance.exploded\"]}",
        "{\"url\":\"http://example.com/x\",\"events\":[]}",
        "{\"url\":\"http://example.com/x\",\"events\":\"*\"}",
        "{\"url\":\"http://example.com/x\",\"events\":[\"*\"],\"secret\":\"whsec_c2hvcnQ=\"}",
        "{\"url\":\"http://[::1]:9/x\",\"events\":[\"*\"]}",
        NULL};
    static const char *const secret = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    char body[256];
    json_t *out = NULL;

    receiver_start();
    start_server("10ms", "5s", "127.0.0.1/32");
    for (size_t i = 0; bad[i]; i++) {
        ck_assert_msg(call("POST", "/api/webhooks/subscriptions", bad[i], NULL) == 400, "%s",
                      bad[i]);
    }
    ck_assert_int_eq(count("SELECT count(*) FROM webhook_subscription"), 0);
    (void)snprintf(body, sizeof body,
                   "{\"url\":\"http://example.com/x\",\"events\":[\"task.created\"],"
                   "\"secret\":\"%s\",\"description\":\"d\"}",
                   secret);
    ck_assert_int_eq(call("POST", "/api/webhooks/subscriptions", body, &out), 201);
    ck_assert_str_eq(json_string_value(json_object_get(out, "secret")), secret);
    json_decref(out);
    ck_assert_int_eq(call("GET", "/api/webhooks/subscriptions", NULL, &out), 200);
    ck_assert_uint_eq(json_array_size(json_object_get(out, "items")), 1);
    ck_assert_ptr_null(json_object_get(json_array_get(json_object_get(out, "items"), 0), "secret"));
    {
        char *text = json_dumps(out, 0);

        ck_assert_ptr_null(strstr(text, "whsec_"));
        free(text);
    }
    json_decref(out);
    ck_assert_int_eq(call("GET", "/api/webhooks/subscriptions?limit=0", NULL, NULL), 422);
    ck_assert_int_eq(call("GET", "/api/webhooks/subscriptions/77/deliveries", NULL, NULL), 404);
    ck_assert_int_eq(count("SELECT count(*) FROM audit WHERE payload LIKE '%whsec_%'"), 0);
}
END_TEST

static Suite *outbound_suite(void)
{
    Suite *s = suite_create("wh_outbound");
    TCase *tc = tcase_create("outbound");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, retried_events_arrive_once_in_order_signed);
    tcase_add_test(tc, sigkill_mid_delivery_loses_no_event);
    tcase_add_test(tc, gone_disables_dead_letters_replay);
    tcase_add_test(tc, ssrf_guard_refuses_unlisted_loopback);
    tcase_add_test(tc, events_follow_subscriptions);
    tcase_add_test(tc, bad_input_is_refused);
    suite_add_tcase(s, tc);
    return s;
}

PGTEST_CHECK_MAIN(outbound_suite)
