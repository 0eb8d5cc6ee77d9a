/*
 * integrations/http/http.c - the "http" connector: one HTTP request to any
 * API, the escape hatch for services without a connector of their own.
 *
 * The request goes through the host like every other (SSRF guard,
 * timeouts, size caps): private and loopback addresses are refused unless
 * the server allows them. A 429, 502, 504 or a timeout is a RETRY decided
 * by the host; any other status is the output's 'status' unless
 * fail_on_status is set (then 4xx FAIL, 5xx RETRY).
 *
 * Credential (optional): configuration "auth" (none, bearer, basic,
 * header), "header_name" (for auth=header), "base_url" and "test_url";
 * secret "token", or "username" and "password" for basic. The secret goes
 * into Authorization ("Bearer <token>", "Basic ...") or into the named
 * header; it replaces a header of the same name in the input. With a
 * base_url, a relative url is joined to it, and a credential that sends a
 * secret sends it only to URLs under its base_url: a process cannot carry
 * the secret to another host. Redirects are followed only on request
 * (follow_redirects), and not with a credential in a header other than
 * Authorization, which the host's client would carry to another host.
 *
 * Output: {status, headers, body}. The SDK can look up an answer's headers
 * by name but not list them, so 'headers' holds the common ones
 * (content-type, content-length, location, etag, last-modified, link,
 * retry-after, date, x-request-id) that are present, plus those named in
 * the input's response_headers, all with lower-case names. 'body' is the
 * parsed JSON when the answer says JSON (application/json or +json), else
 * the text; an answer that is not UTF-8 comes as body null and body_base64.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "integrations/common/conn.h"
#include "integrations/common/text.h"
#include "ordo/connector.h"

#define HTTP_MAX_HEADERS    48u /* request headers from the input */
#define HTTP_MAX_TIMEOUT_MS 300000
#define HTTP_MAX_REDIRECTS  5u

static const char *const common_headers[] = {
    "content-type", "content-length", "location", "etag",         "last-modified",
    "link",         "retry-after",    "date",     "x-request-id", NULL};

/* The credential's header (name and value kept in 'c'), or name NULL. */
struct auth {
    const char *name;
    const char *value;
};

static enum ordo_connector_result credential(struct ordo_conn *c, struct auth *a)
{
    const char *mode = ordo_conn_str_or(c->config, "auth", "none");
    const char *token = ordo_conn_str(c->secret, "token");

    a->name = NULL;
    a->value = NULL;
    if (strcmp(mode, "none") == 0) {
        return ORDO_CONNECTOR_OK;
    }
    if (strcmp(mode, "basic") == 0) {
        a->name = "Authorization";
        a->value = ordo_conn_keep(c, ordo_conn_basic_auth(ordo_conn_str(c->secret, "username"),
                                                          ordo_conn_str(c->secret, "password")));
        return ORDO_CONNECTOR_OK;
    }
    if (!token) {
        return ordo_conn_fail(c->out, "the HTTP credential (auth %s) has no token", mode);
    }
    if (strcmp(mode, "bearer") == 0) {
        a->name = "Authorization";
        a->value = ordo_conn_printf(c, "Bearer %s", token);
        return ORDO_CONNECTOR_OK;
    }
    if (strcmp(mode, "header") == 0) {
        a->name = ordo_conn_str(c->config, "header_name");
        a->value = token;
        return a->name ? ORDO_CONNECTOR_OK
                       : ordo_conn_fail(c->out, "the HTTP credential (auth header) has no "
                                                "header_name");
    }
    return ordo_conn_fail(c->out, "the HTTP credential has an unknown auth \"%s\"", mode);
}

static bool is_absolute(const char *url)
{
    return strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0;
}

/* The scheme and host of 'url' for messages: a URL's path and query may
 * hold tokens, so messages never show them. */
static const char *origin_of(struct ordo_conn *c, const char *url)
{
    const char *sep = strstr(url, "://");
    const char *host = sep ? sep + 3 : url;
    size_t hlen = strcspn(host, "/?#");
    const char *at = memchr(host, '@', hlen);

    if (at) { /* user:password@ stays out too */
        hlen -= (size_t)(at + 1 - host);
        host = at + 1;
    }
    return ordo_conn_printf(c, "%.*s%.*s", (int)(sep ? sep + 3 - url : 0), url, (int)hlen, host);
}

/* The absolute URL to call: 'url' joined to base_url when relative; with a
 * secret, it must lie under base_url. NULL after setting a FAIL. */
static const char *target_url(struct ordo_conn *c, const char *url, bool secret)
{
    const char *base = ordo_conn_base_url(c, NULL);
    size_t n = base ? strlen(base) : 0;

    if (!is_absolute(url)) {
        if (!base) {
            (void)ordo_conn_fail(c->out, "the url must start with http:// or https://");
            return NULL;
        }
        return ordo_conn_keep(c, ordo_conn_url_join(base, url));
    }
    if (secret && base &&
        (strncmp(url, base, n) != 0 || (url[n] != '\0' && url[n] != '/' && url[n] != '?'))) {
        (void)ordo_conn_fail(c->out,
                             "the credential may only be sent to %s; the url points elsewhere",
                             origin_of(c, base));
        return NULL;
    }
    return url;
}

static bool is_token_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

static bool valid_header(const char *name, const char *value)
{
    if (!*name) {
        return false;
    }
    for (const char *p = name; *p; p++) {
        if (!is_token_char(*p)) {
            return false;
        }
    }
    return strpbrk(value, "\r\n") == NULL;
}

/* A JSON scalar as query or header text, or NULL for null, objects and
 * arrays. */
static const char *scalar_text(struct ordo_conn *c, const json_t *v)
{
    if (json_is_string(v)) {
        return json_string_value(v);
    }
    if (json_is_integer(v)) {
        return ordo_conn_printf(c, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    }
    if (json_is_real(v)) {
        return ordo_conn_printf(c, "%.17g", json_real_value(v));
    }
    if (json_is_boolean(v)) {
        return json_is_true(v) ? "true" : "false";
    }
    return NULL;
}

/* 'url' with the input's query object appended (arrays repeat the name). */
static const char *with_query(struct ordo_conn *c, const char *url, const json_t *query)
{
    const char *key;
    const json_t *v;
    const char *sep = strchr(url, '?') ? "&" : "?";

    json_object_foreach((json_t *)query, key, v)
    {
        size_t i;
        const json_t *item;
        const char *one = scalar_text(c, v);

        if (one) {
            url = ordo_conn_printf(c, "%s%s%s=%s", url, sep, ordo_conn_enc(c, key),
                                   ordo_conn_enc(c, one));
            sep = "&";
        }
        json_array_foreach(v, i, item)
        {
            const char *t = scalar_text(c, item);

            if (t) {
                url = ordo_conn_printf(c, "%s%s%s=%s", url, sep, ordo_conn_enc(c, key),
                                       ordo_conn_enc(c, t));
                sep = "&";
            }
        }
    }
    return url;
}

/* The request being built. */
struct build {
    struct ordo_connector_http_header headers[HTTP_MAX_HEADERS + ORDO_CONN_MAX_HEADERS + 2];
    size_t nheaders;
    bool has_content_type;
};

static void add_header(struct build *b, const char *name, const char *value)
{
    if (b->nheaders < sizeof(b->headers) / sizeof(b->headers[0])) {
        b->headers[b->nheaders].name = name;
        b->headers[b->nheaders].value = value;
        b->nheaders++;
    }
    b->has_content_type = b->has_content_type || strcasecmp(name, "content-type") == 0;
}

/* The input's headers, the credential's (which wins over one of the same
 * name) and the call's own (idempotency key). */
static enum ordo_connector_result build_headers(struct ordo_conn *c, const struct auth *a,
                                                struct build *b)
{
    const json_t *headers = json_object_get(c->input, "headers");
    const char *name;
    const json_t *v;

    for (size_t i = 0; i < c->nheaders; i++) {
        add_header(b, c->headers[i].name, c->headers[i].value);
    }
    if (json_object_size(headers) > HTTP_MAX_HEADERS) {
        return ordo_conn_fail(c->out, "too many request headers (at most %u)", HTTP_MAX_HEADERS);
    }
    json_object_foreach((json_t *)headers, name, v)
    {
        const char *value = scalar_text(c, v);

        if (!value || !valid_header(name, value)) {
            return ordo_conn_fail(c->out, "the request header \"%.64s\" is not valid", name);
        }
        if (!a->name || strcasecmp(name, a->name) != 0) {
            add_header(b, name, value);
        }
    }
    if (a->name) {
        if (!valid_header(a->name, a->value)) {
            return ordo_conn_fail(c->out, "the credential's header is not valid");
        }
        add_header(b, a->name, a->value);
    }
    return ORDO_CONNECTOR_OK;
}

/* The request body from body, body_array or body_text (at most one). */
static enum ordo_connector_result build_body(struct ordo_conn *c, struct build *b,
                                             struct ordo_connector_http_request *req)
{
    const json_t *json = json_object_get(c->input, "body");
    const json_t *array = json_object_get(c->input, "body_array");
    const char *text = json_string_value(json_object_get(c->input, "body_text"));
    int given = (json_is_object(json) ? 1 : 0) + (json_is_array(array) ? 1 : 0) + (text ? 1 : 0);

    if (given > 1) {
        return ordo_conn_fail(c->out, "give at most one of body, body_array and body_text");
    }
    json = json_is_object(json) ? json : (json_is_array(array) ? array : NULL);
    if (json) {
        text = ordo_conn_keep(c, ordo_conn_dump(json, &req->body_len));
        if (!b->has_content_type) {
            add_header(b, "Content-Type", "application/json; charset=utf-8");
        }
    } else if (text && !b->has_content_type) {
        add_header(b, "Content-Type",
                   ordo_conn_str_or(c->input, "content_type", "text/plain; charset=utf-8"));
    }
    req->body = text;
    if (!json) {
        req->body_len = text ? strlen(text) : 0;
    }
    return ORDO_CONNECTOR_OK;
}

static bool is_json_type(const char *ct)
{
    size_t n;

    if (!ct) {
        return false;
    }
    n = strcspn(ct, ";");
    while (n > 0 && ct[n - 1] == ' ') {
        n--;
    }
    return (n == 16 && strncasecmp(ct, "application/json", 16) == 0) ||
           (n > 5 && strncasecmp(ct + n - 5, "+json", 5) == 0);
}

static json_t *answer_headers(struct ordo_conn *c)
{
    json_t *o = json_object();
    size_t i;
    const json_t *v;

    for (i = 0; common_headers[i]; i++) {
        ordo_conn_opt_str(o, common_headers[i], ordo_conn_resp_header(c, common_headers[i]));
    }
    json_array_foreach(json_object_get(c->input, "response_headers"), i, v)
    {
        const char *name = json_string_value(v);
        char *lower = ordo_conn_xstrdup(name ? name : "");

        for (char *p = lower; *p; p++) {
            *p = (char)tolower((unsigned char)*p);
        }
        if (*lower) {
            ordo_conn_opt_str(o, lower, ordo_conn_resp_header(c, lower));
        }
        free(lower);
    }
    return o;
}

static void answer_body(struct ordo_conn *c, json_t *o)
{
    const char *ct = ordo_conn_resp_header(c, "content-type");
    json_t *body = NULL;

    if (is_json_type(ct) && c->resp.body_len > 0) {
        body = json_loadb(c->resp.body, c->resp.body_len, JSON_DECODE_ANY, NULL);
    }
    if (!body) {
        body = json_stringn(c->resp.body, c->resp.body_len);
    }
    if (!body) { /* not UTF-8 (or an inner NUL): pass the bytes on as base64 */
        (void)json_object_set_new(
            o, "body_base64",
            json_string(ordo_conn_keep(c, ordo_conn_base64(c->resp.body, c->resp.body_len))));
    }
    (void)json_object_set_new(o, "body", body ? body : json_null());
}

static enum ordo_connector_result status_outcome(struct ordo_conn *c, const char *url)
{
    long status = c->resp.status;
    char why[160];

    if (!ordo_conn_bool(c->input, "fail_on_status", false) || status < 400) {
        return ORDO_CONNECTOR_OK;
    }
    (void)ordo_conn_error_text(c->resp.body, c->resp.body_len, why, sizeof(why));
    if (status >= 500) {
        return ordo_conn_retry(c->out, ordo_conn_retry_after_ms(c), "%s answered HTTP %ld%s%s",
                               origin_of(c, url), status, *why ? ": " : "", why);
    }
    return ordo_conn_fail(c->out, "%s answered HTTP %ld%s%s", origin_of(c, url), status,
                          *why ? ": " : "", why);
}

static enum ordo_connector_result request(struct ordo_conn *c)
{
    struct ordo_connector_http_request req = {0};
    struct build b = {0};
    struct auth a;
    int64_t timeout = ordo_conn_int(c->input, "timeout_ms", 0);
    json_t *o;
    enum ordo_connector_result rc = credential(c, &a);

    if (rc != ORDO_CONNECTOR_OK) {
        return rc;
    }
    req.url = target_url(c, ordo_conn_str_or(c->input, "url", ""), a.name != NULL);
    if (!req.url) {
        return ORDO_CONNECTOR_FAIL;
    }
    req.url = with_query(c, req.url, json_object_get(c->input, "query"));
    req.method = ordo_conn_str_or(c->input, "method", "GET");
    req.timeout_ms =
        (uint32_t)(timeout < 0 ? 0
                               : (timeout > HTTP_MAX_TIMEOUT_MS ? HTTP_MAX_TIMEOUT_MS : timeout));
    req.max_redirects =
        ordo_conn_bool(c->input, "follow_redirects", false) ? HTTP_MAX_REDIRECTS : 0u;
    /* curl keeps Authorization from a redirect to another host, but not a
     * header of another name: such a secret must not follow redirects. */
    if (req.max_redirects && a.name && strcasecmp(a.name, "Authorization") != 0) {
        return ordo_conn_fail(c->out,
                              "follow_redirects cannot be used with a credential sent in "
                              "the %s header: a redirect could carry it to another host",
                              a.name);
    }
    rc = build_headers(c, &a, &b);
    rc = rc == ORDO_CONNECTOR_OK ? build_body(c, &b, &req) : rc;
    req.headers = b.headers;
    req.nheaders = b.nheaders;
    rc = rc == ORDO_CONNECTOR_OK ? ordo_conn_request(c, &req) : rc;
    rc = rc == ORDO_CONNECTOR_OK ? status_outcome(c, req.url) : rc;
    if (rc != ORDO_CONNECTOR_OK) {
        return rc;
    }
    o = json_pack("{s:I, s:o}", "status", (json_int_t)c->resp.status, "headers", answer_headers(c));
    answer_body(c, o);
    return ordo_conn_ok(c->out, o);
}

/* Check a credential with a GET of its test_url (absolute or relative to
 * base_url). Without one there is nothing to check. */
static enum ordo_connector_result test_credential(struct ordo_conn *c)
{
    const char *test_url = ordo_conn_str(c->config, "test_url");
    struct build b = {0};
    struct ordo_connector_http_request req = {.method = "GET"};
    struct auth a;
    enum ordo_connector_result rc = credential(c, &a);

    if (rc != ORDO_CONNECTOR_OK) {
        return rc;
    }
    if (!test_url) {
        return ordo_conn_fail(c->out, "nothing to test: set test_url in the credential's "
                                      "configuration to a URL that needs the credential");
    }
    req.url = target_url(c, test_url, a.name != NULL);
    if (!req.url) {
        return ORDO_CONNECTOR_FAIL;
    }
    rc = build_headers(c, &a, &b);
    req.headers = b.headers;
    req.nheaders = b.nheaders;
    rc = rc == ORDO_CONNECTOR_OK ? ordo_conn_request(c, &req) : rc;
    rc = rc == ORDO_CONNECTOR_OK
             ? ordo_conn_check(c, ordo_conn_printf(c, "call %s", origin_of(c, req.url)))
             : rc;
    return rc == ORDO_CONNECTOR_OK
               ? ordo_conn_ok(c->out, json_pack("{s:I}", "status", (json_int_t)c->resp.status))
               : rc;
}

ORDO_CONN_INVOKE(NULL, request)
ORDO_CONN_INVOKE(NULL, test_credential)

/* The descriptor. */

static const char *const kw_request[] = {"http",    "rest", "api",    "request",
                                         "webhook", "call", "custom", NULL};

static const struct ordo_connector_action http_actions[] = {
    {
        .id = "http.request",
        .title = "Send an HTTP request",
        .description = "Calls any HTTP API: method, URL, headers, query and a JSON or text body, "
                       "with an optional credential. Returns the status, headers and body (parsed "
                       "when it is JSON). Error statuses are returned, not raised, unless "
                       "fail_on_status is set.",
        .keywords = kw_request,
        .input_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "method" : {
                    "type" : "string",
                    "title" : "Method",
                    "enum" : [ "GET", "POST", "PUT", "PATCH", "DELETE" ],
                    "default" : "GET"
                },
                "url" : {
                    "type" : "string",
                    "title" : "URL",
                    "description" : "http or https; relative to the credential's base_url if any"
                },
                "headers" : {
                    "type" : "object",
                    "title" : "Headers",
                    "description" : "header names and values"
                },
                "query" : {
                    "type" : "object",
                    "title" : "Query",
                    "description" : "query parameters; an array value repeats the name"
                },
                "body" : {"type" : "object", "title" : "JSON body"},
                "body_array" : {"type" : "array", "title" : "JSON array body"},
                "body_text" : {"type" : "string", "title" : "Text body"},
                "content_type" : {
                    "type" : "string",
                    "title" : "Content type",
                    "description" : "of body_text; default text/plain; charset=utf-8"
                },
                "timeout_ms" : {
                    "type" : "integer",
                    "title" : "Timeout (ms)",
                    "description" : "at most 300000; default and limit: the task's deadline"
                },
                "follow_redirects" : {
                    "type" : "boolean",
                    "title" : "Follow redirects",
                    "description" : "up to 5",
                    "default" : false
                },
                "fail_on_status" : {
                    "type" : "boolean",
                    "title" : "Fail on error status",
                    "description" : "4xx fails the task, 5xx retries it",
                    "default" : false
                },
                "response_headers" : {
                    "type" : "array",
                    "title" : "Answer headers",
                    "description" : "more header names to copy into the output"
                }
            },
            "required" : ["url"],
            "additionalProperties" : false
        }),
        .output_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "status" : {"type" : "integer"},
                "headers" : {
                    "type" : "object",
                    "description" :
                        "lower-case names: the common headers present and those asked for"
                },
                "body" : {"description" : "parsed JSON for JSON answers, else the text"},
                "body_base64" : {"type" : "string", "description" : "only for a binary answer"}
            }
        }),
        .timeout_ms = 120000,
        .invoke = request_cb,
    },
};

static const char *const http_keywords[] = {"http", "rest", "api", "webhook", "integration", NULL};

ORDO_CONNECTOR_DEFINE(
        .name = "http", .version = "1.0.0", .title = "HTTP",
        .description =
            "Call any HTTP API, optionally with a stored credential (bearer token, basic "
            "auth or an API key header).",
        .keywords = http_keywords,
        .config_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "auth" : {
                    "type" : "string",
                    "title" : "Authentication",
                    "enum" : [ "none", "bearer", "basic", "header" ],
                    "default" : "none"
                },
                "header_name" : {
                    "type" : "string",
                    "title" : "Header name",
                    "description" : "for auth header, such as X-API-Key"
                },
                "base_url" : {
                    "type" : "string",
                    "title" : "Base URL",
                    "description" : "relative URLs are joined to it; the secret goes only under it"
                },
                "test_url" : {
                    "type" : "string",
                    "title" : "Test URL",
                    "description" : "a GET that needs the credential, to test it"
                }
            },
            "additionalProperties" : false
        }),
        .credential_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "token" :
                    {"type" : "string", "title" : "Token", "description" : "for bearer or header"},
                "username" :
                    {"type" : "string", "title" : "User name", "description" : "for basic"},
                "password" : {"type" : "string", "title" : "Password", "description" : "for basic"}
            },
            "additionalProperties" : false
        }),
        .test_credentials = test_credential_cb, .actions = http_actions,
        .nactions = sizeof(http_actions) / sizeof(http_actions[0]), .max_concurrency = 0,
        .init = ordo_conn_init, .fini = NULL);
