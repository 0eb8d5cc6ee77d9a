/*
 * integrations/common/conn.c - one connector call's plumbing (see conn.h).
 */
#include "integrations/common/conn.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "integrations/common/text.h"
#include "ordo/connector.h"

#define IDEMPOTENCY_HEADER "X-Ordo-Idempotency-Key"
#define MAX_RETRY_AFTER_MS (3600L * 1000L) /* a longer wait is the engine's backoff's business */

int ordo_conn_init(const struct ordo_connector_host *host, void **state, char *error,
                   size_t error_size)
{
    size_t need = offsetof(struct ordo_connector_host, log) + sizeof(host->log);

    if (!host || host->abi != ORDO_CONNECTOR_ABI || host->size < need || !host->http) {
        (void)snprintf(error, error_size, "the host offers no usable connector API (ABI %u)",
                       host ? host->abi : 0u);
        return 1;
    }
    /* The table is const and lives as long as the plugin; the SDK's state
     * is a plain pointer, so it is stored as one and read back as const. */
    *state = (void *)host;
    return 0;
}

static void set_message(struct ordo_connector_outcome *out, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void set_message(struct ordo_connector_outcome *out, const char *fmt, va_list ap)
{
    (void)vsnprintf(out->message, sizeof(out->message), fmt, ap); /* cut is acceptable */
}

/* 'v' as compact JSON text in a malloc() block of our own (the host frees
 * an output with free(), whatever allocator jansson was given); NULL when
 * it cannot be encoded. */
static char *dump_compact(const json_t *v, size_t *len)
{
    size_t n = json_dumpb(v, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY);
    char *text;

    *len = 0;
    if (n == 0) {
        return NULL;
    }
    text = ordo_conn_xmalloc(n + 1);
    (void)json_dumpb(v, text, n, JSON_COMPACT | JSON_ENCODE_ANY);
    text[n] = '\0';
    *len = n;
    return text;
}

char *ordo_conn_dump(const json_t *v, size_t *len)
{
    char *text = dump_compact(v, len);

    if (!text) {
        (void)fputs("ordo connector: could not encode a JSON value\n", stderr);
        abort();
    }
    return text;
}

enum ordo_connector_result ordo_conn_ok(struct ordo_connector_outcome *out, json_t *output)
{
    size_t n;

    free(out->output);
    out->output = NULL;
    if (!output) {
        return ORDO_CONNECTOR_OK;
    }
    if (!json_is_object(output)) {
        json_decref(output);
        return ordo_conn_fail(out, "the connector built an output that is not a JSON object");
    }
    out->output = dump_compact(output, &n);
    json_decref(output);
    if (!out->output) {
        return ordo_conn_fail(out, "could not encode the output as JSON");
    }
    return ORDO_CONNECTOR_OK;
}

enum ordo_connector_result ordo_conn_fail(struct ordo_connector_outcome *out, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    set_message(out, fmt, ap);
    va_end(ap);
    return ORDO_CONNECTOR_FAIL;
}

enum ordo_connector_result ordo_conn_retry(struct ordo_connector_outcome *out,
                                           int64_t retry_after_ms, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    set_message(out, fmt, ap);
    va_end(ap);
    out->retry_after_ms = retry_after_ms;
    return ORDO_CONNECTOR_RETRY;
}

enum ordo_connector_result ordo_conn_bpmn_error(struct ordo_connector_outcome *out,
                                                const char *code, const char *fmt, ...)
{
    va_list ap;

    (void)snprintf(out->error_code, sizeof(out->error_code), "%s", code);
    va_start(ap, fmt);
    set_message(out, fmt, ap);
    va_end(ap);
    return ORDO_CONNECTOR_BPMN_ERROR;
}

static json_t *parse_object(const char *text)
{
    json_t *v;

    if (!text || !*text) {
        return json_object();
    }
    v = json_loads(text, 0, NULL);
    if (!json_is_object(v)) {
        json_decref(v);
        return NULL;
    }
    return v;
}

enum ordo_connector_result ordo_conn_begin(struct ordo_conn *c,
                                           const struct ordo_connector_call *call,
                                           struct ordo_connector_outcome *out)
{
    memset(c, 0, sizeof(*c));
    c->call = call;
    c->out = out;
    if (call->size < offsetof(struct ordo_connector_call, state) + sizeof(call->state)) {
        return ordo_conn_fail(out, "the host's call record is too short for this connector");
    }
    c->host = call->state;
    c->input = parse_object(call->input);
    c->config = parse_object(call->config);
    c->secret = parse_object(call->secret);
    if (!c->input) {
        return ordo_conn_fail(out, "the input is not a JSON object");
    }
    if (!c->config || !c->secret) {
        return ordo_conn_fail(out, "the credential's configuration or secret is not a JSON object");
    }
    if (!c->host || !c->host->http) {
        return ordo_conn_fail(out, "the connector was not initialised by the host");
    }
    if (call->idempotency_key && *call->idempotency_key) {
        ordo_conn_header(c, IDEMPOTENCY_HEADER, call->idempotency_key);
    }
    return ORDO_CONNECTOR_OK;
}

void ordo_conn_end(struct ordo_conn *c)
{
    json_decref(c->input);
    json_decref(c->config);
    json_decref(c->secret);
    for (size_t i = 0; i < c->nkept; i++) {
        free(c->kept[i]);
    }
    free(c->kept);
    memset(c, 0, sizeof(*c));
}

enum ordo_connector_result ordo_conn_run(const struct ordo_connector_call *call,
                                         struct ordo_connector_outcome *out,
                                         ordo_conn_step_fn *setup, ordo_conn_step_fn *step)
{
    struct ordo_conn c;
    enum ordo_connector_result rc = ordo_conn_begin(&c, call, out);

    if (rc == ORDO_CONNECTOR_OK && setup) {
        rc = setup(&c);
    }
    if (rc == ORDO_CONNECTOR_OK) {
        rc = step(&c);
    }
    ordo_conn_end(&c);
    return rc;
}

const char *ordo_conn_str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));

    return (s && *s) ? s : NULL;
}

const char *ordo_conn_str_or(const json_t *obj, const char *key, const char *def)
{
    const char *s = ordo_conn_str(obj, key);

    return s ? s : def;
}

bool ordo_conn_bool(const json_t *obj, const char *key, bool def)
{
    const json_t *v = json_object_get(obj, key);

    return json_is_boolean(v) ? json_is_true(v) : def;
}

int64_t ordo_conn_int(const json_t *obj, const char *key, int64_t def)
{
    const json_t *v = json_object_get(obj, key);

    if (json_is_integer(v)) {
        return (int64_t)json_integer_value(v);
    }
    /* The schema lets 3.0 pass as an integer. */
    if (json_is_real(v) && json_real_value(v) >= -9007199254740992.0 &&
        json_real_value(v) <= 9007199254740992.0) {
        return (int64_t)json_real_value(v);
    }
    return def;
}

void ordo_conn_opt_str(json_t *obj, const char *key, const char *value)
{
    if (value) {
        (void)json_object_set_new(obj, key, json_string(value));
    }
}

void ordo_conn_out_str(json_t *obj, const char *key, const char *value)
{
    json_t *v = value ? json_string(value) : NULL;

    (void)json_object_set_new(obj, key, v ? v : json_null());
}

void ordo_conn_out_member(json_t *dst, const char *key, const json_t *src, const char *skey)
{
    json_t *v = json_object_get(src, skey);

    (void)json_object_set_new(dst, key, v ? json_incref(v) : json_null());
}

const char *ordo_conn_keep(struct ordo_conn *c, char *s)
{
    if (c->nkept == c->capkept) {
        size_t cap = c->capkept ? 2 * c->capkept : 16;
        void **grown = realloc(c->kept, cap * sizeof(*grown));

        if (!grown) {
            (void)fputs("ordo connector: out of memory\n", stderr);
            abort();
        }
        c->kept = grown;
        c->capkept = cap;
    }
    c->kept[c->nkept++] = s;
    return s;
}

const char *ordo_conn_printf(struct ordo_conn *c, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *s;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return ordo_conn_keep(c, ordo_conn_xstrdup(""));
    }
    s = ordo_conn_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    (void)vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return ordo_conn_keep(c, s);
}

const char *ordo_conn_enc(struct ordo_conn *c, const char *s)
{
    return ordo_conn_keep(c, ordo_conn_pct_encode(s));
}

const char *ordo_conn_enc_list(struct ordo_conn *c, const char *list)
{
    json_t *items = ordo_conn_split_list(list);
    json_t *encoded = json_array();
    size_t i;
    const json_t *v;
    char *joined;

    json_array_foreach(items, i, v)
    {
        json_array_append_new(encoded, json_string(ordo_conn_enc(c, json_string_value(v))));
    }
    joined = ordo_conn_join_list(encoded, ",");
    json_decref(encoded);
    json_decref(items);
    return ordo_conn_keep(c, joined);
}

const char *ordo_conn_base_url(struct ordo_conn *c, const char *def)
{
    const char *b = ordo_conn_str(c->config, "base_url");

    if (!b) {
        b = def;
    }
    c->base = b ? ordo_conn_keep(c, ordo_conn_url_join(b, "")) : NULL;
    return c->base;
}

void ordo_conn_header(struct ordo_conn *c, const char *name, const char *value)
{
    /* One slot stays free for the Content-Type that ordo_conn_send adds. */
    if (c->nheaders + 1 < ORDO_CONN_MAX_HEADERS) {
        c->headers[c->nheaders].name = name;
        c->headers[c->nheaders].value = value;
        c->nheaders++;
    }
}

void ordo_conn_bearer(struct ordo_conn *c, const char *token)
{
    ordo_conn_header(c, "Authorization", ordo_conn_printf(c, "Bearer %s", token ? token : ""));
}

void ordo_conn_basic(struct ordo_conn *c, const char *user, const char *password)
{
    ordo_conn_header(c, "Authorization", ordo_conn_keep(c, ordo_conn_basic_auth(user, password)));
}

enum ordo_connector_result ordo_conn_send(struct ordo_conn *c, const char *method, const char *url,
                                          const json_t *body)
{
    struct ordo_connector_http_header headers[ORDO_CONN_MAX_HEADERS];
    struct ordo_connector_http_request req = {.method = method, .url = url};
    char *text = NULL;
    enum ordo_connector_result rc;

    memcpy(headers, c->headers, c->nheaders * sizeof(headers[0]));
    req.headers = headers;
    req.nheaders = c->nheaders;
    if (body) {
        text = dump_compact(body, &req.body_len);
        if (!text) {
            return ordo_conn_fail(c->out, "could not encode the request body as JSON");
        }
        headers[req.nheaders].name = "Content-Type";
        headers[req.nheaders].value = "application/json; charset=utf-8";
        req.nheaders++;
        req.body = text;
    }
    rc = ordo_conn_request(c, &req);
    free(text);
    return rc;
}

enum ordo_connector_result ordo_conn_request(struct ordo_conn *c,
                                             const struct ordo_connector_http_request *req)
{
    enum ordo_connector_result rc;

    memset(&c->resp, 0, sizeof(c->resp));
    rc = c->host->http(c->call->host, req, &c->resp, c->out);
    if (rc == ORDO_CONNECTOR_OK && !c->resp.body) {
        c->resp.body = "";
        c->resp.body_len = 0;
    }
    return rc;
}

const char *ordo_conn_resp_header(struct ordo_conn *c, const char *name)
{
    return c->host->http_header ? c->host->http_header(c->call->host, name) : NULL;
}

int64_t ordo_conn_retry_after_ms(struct ordo_conn *c)
{
    const char *v = ordo_conn_resp_header(c, "retry-after");
    char *end = NULL;
    long secs;

    if (!v) {
        return 0;
    }
    errno = 0;
    secs = strtol(v, &end, 10);
    if (errno != 0 || end == v || secs <= 0) {
        return 0;
    }
    return secs > MAX_RETRY_AFTER_MS / 1000 ? MAX_RETRY_AFTER_MS : 1000L * secs;
}

enum ordo_connector_result ordo_conn_check(struct ordo_conn *c, const char *what)
{
    long status = c->resp.status;
    char why[200];

    if (status >= 200 && status < 300) {
        return ORDO_CONNECTOR_OK;
    }
    (void)ordo_conn_error_text(c->resp.body, c->resp.body_len, why, sizeof(why));
    if (status == 401 || status == 403) {
        return ordo_conn_fail(c->out,
                              "could not %s: authentication failed (HTTP %ld): check the "
                              "credential%s%s",
                              what, status, *why ? ": " : "", why);
    }
    if (status == 404) {
        return ordo_conn_fail(c->out, "could not %s: not found (HTTP 404)%s%s", what,
                              *why ? ": " : "", why);
    }
    if (status >= 400 && status < 500) {
        return ordo_conn_fail(c->out, "could not %s: HTTP %ld%s%s", what, status, *why ? ": " : "",
                              why);
    }
    if (status >= 500 && status < 600) {
        return ordo_conn_retry(c->out, ordo_conn_retry_after_ms(c),
                               "could not %s: the service answered HTTP %ld%s%s", what, status,
                               *why ? ": " : "", why);
    }
    return ordo_conn_fail(c->out, "could not %s: unexpected HTTP status %ld", what, status);
}

enum ordo_connector_result ordo_conn_parse(struct ordo_conn *c, const char *what, json_t **doc)
{
    json_error_t jerr;
    json_t *v = json_loadb(c->resp.body, c->resp.body_len, 0, &jerr);

    *doc = NULL;
    if (!v) {
        return ordo_conn_fail(c->out,
                              "could not %s: the answer (HTTP %ld) is not JSON (line %d: %s)", what,
                              c->resp.status, jerr.line, jerr.text);
    }
    if (!json_is_object(v)) {
        json_decref(v);
        return ordo_conn_fail(c->out, "could not %s: the answer (HTTP %ld) is not a JSON object",
                              what, c->resp.status);
    }
    *doc = v;
    return ORDO_CONNECTOR_OK;
}

bool ordo_conn_time_left(const struct ordo_conn *c, int64_t margin_ms)
{
    struct timespec ts;
    int64_t now;

    if (c->call->deadline_ms <= 0 || clock_gettime(CLOCK_REALTIME, &ts) != 0) {
        return true;
    }
    now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    return now + margin_ms < c->call->deadline_ms;
}

const json_t *ordo_conn_find_named(const json_t *array, const char *member, const char *name)
{
    size_t i;
    const json_t *item;

    json_array_foreach(array, i, item)
    {
        const char *n = json_string_value(json_object_get(item, member));

        if (n && name && strcasecmp(n, name) == 0) {
            return item;
        }
    }
    return NULL;
}
