/*
 * server/cli_client.c - see cli_client.h.
 */
#include "server/cli_client.h"

#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "base/buf.h"
#include "base/err.h"

#define CONNECT_TIMEOUT_S 10L
#define TOTAL_TIMEOUT_S   120L
#define MAX_ANSWER        ((size_t)64 * 1024 * 1024)

const char *ordo_cli_getenv(const struct ordo_cli *cli, const char *name)
{
    size_t n = strlen(name);

    for (char **e = cli->envp; e && *e; e++) {
        if (strncmp(*e, name, n) == 0 && (*e)[n] == '=') {
            return *e + n + 1;
        }
    }
    return NULL;
}

int ordo_cli_remote_init(struct ordo_cli *cli, const char *url, const char *key,
                         struct ordo_cli_remote *r)
{
    const char *u = url ? url : ordo_cli_getenv(cli, "ORDO_URL");
    size_t len;

    if (!u || !*u) {
        u = ORDO_CLI_DEFAULT_URL;
    }
    if (strncasecmp(u, "http://", 7) != 0 && strncasecmp(u, "https://", 8) != 0) {
        return ordo_cli_fail(cli, ORDO_CLI_USAGE,
                             "the server URL \"%s\" (%s) must start with http:// or https://", u,
                             url ? "--url" : "ORDO_URL");
    }
    len = strlen(u);
    while (len > 0 && u[len - 1] == '/') {
        len--;
    }
    r->url = ordo_arena_strndup(cli->arena, u, len);
    r->key = key ? key : ordo_cli_getenv(cli, "ORDO_API_KEY");
    return ORDO_CLI_OK;
}

const char *ordo_cli_escape(struct ordo_cli *cli, const char *value)
{
    char *e = curl_easy_escape(NULL, value, 0);
    const char *copy;

    if (!e) {
        ordo_oom(strlen(value));
    }
    copy = ordo_arena_strdup(cli->arena, e);
    curl_free(e);
    return copy;
}

struct sink {
    struct ordo_buf buf;
    bool too_big;
};

static size_t sink_cb(char *p, size_t size, size_t n, void *ctx)
{
    struct sink *s = ctx;

    if (s->buf.len + n > MAX_ANSWER) {
        s->too_big = true;
        return 0; /* curl stops with CURLE_WRITE_ERROR */
    }
    ordo_buf_append(&s->buf, p, size * n);
    return size * n;
}

static void json_decref_cb(void *j)
{
    json_decref(j);
}

/* The code of the table whose status this is (ORDO_E_INTERNAL when none). */
static enum ordo_code code_of_status(long status)
{
    for (int c = ORDO_E_INVAL; c < 64; c++) { /* unknown values answer 500 */
        if (ordo_code_http_status((enum ordo_code)c) == status &&
            strcmp(ordo_code_name((enum ordo_code)c), "ORDO_E_INTERNAL") != 0) {
            return (enum ordo_code)c;
        }
    }
    return ORDO_E_INTERNAL;
}

/* "ordo COMMAND: message", then the details the server gave (the findings
 * of a refused deployment, the fields of a refused form), one a line. */
static int print_error(struct ordo_cli *cli, const struct ordo_cli_resp *resp)
{
    const json_t *e = json_object_get(resp->json, "error");
    const char *msg = json_string_value(json_object_get(e, "message"));
    const json_t *d;
    size_t i;
    int rc = ordo_cli_exit_for(code_of_status(resp->status));

    if (msg) {
        ordo_cli_fail(cli, rc, "%s", msg);
    } else {
        ordo_cli_fail(cli, rc, "the server answered HTTP %ld", resp->status);
    }
    json_array_foreach(json_object_get(e, "details"), i, d)
    {
        const char *what = json_string_value(json_object_get(d, "element"));
        const char *text = json_string_value(json_object_get(d, "message"));

        what = what ? what : json_string_value(json_object_get(d, "field"));
        (void)fprintf(cli->err, "  %s%s%s\n", what ? what : "", what ? ": " : "", text ? text : "");
    }
    return rc;
}

static struct curl_slist *headers(struct ordo_cli *cli, const struct ordo_cli_remote *r,
                                  const struct ordo_cli_request *req)
{
    struct curl_slist *h = curl_slist_append(NULL, "Accept: application/json");

    if (r->key && *r->key) {
        h = curl_slist_append(h, ordo_arena_printf(cli->arena, "Authorization: Bearer %s", r->key));
    }
    if (req->json) {
        h = curl_slist_append(h, "Content-Type: application/json");
    }
    return curl_slist_append(h, "Expect:");
}

static void set_body(CURL *c, const struct ordo_cli_request *req, curl_mime **mime)
{
    if (req->json) {
        char *text = json_dumps(req->json, JSON_COMPACT);

        if (!text) {
            ordo_oom(0);
        }
        (void)curl_easy_setopt(c, CURLOPT_COPYPOSTFIELDS, text);
        free(text);
    }
    if (req->nparts > 0) {
        *mime = curl_mime_init(c);
        for (size_t i = 0; i < req->nparts; i++) {
            curl_mimepart *p = curl_mime_addpart(*mime);

            (void)curl_mime_name(p, req->parts[i].name);
            (void)curl_mime_filename(p, req->parts[i].filename);
            (void)curl_mime_type(p, "application/xml");
            (void)curl_mime_data(p, req->parts[i].data, req->parts[i].len);
        }
        (void)curl_easy_setopt(c, CURLOPT_MIMEPOST, *mime);
    }
    if (!req->json && req->nparts == 0 && strcmp(req->method, "GET") != 0) {
        /* An empty body, said so: else curl would read the body from stdin. */
        (void)curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
        (void)curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
    }
}

static void set_options(CURL *c, const char *url, char *errbuf, struct sink *s,
                        struct curl_slist *h, const char *method)
{
    (void)curl_easy_setopt(c, CURLOPT_URL, url);
    (void)curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    (void)curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
    (void)curl_easy_setopt(c, CURLOPT_TIMEOUT, TOTAL_TIMEOUT_S);
    (void)curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    (void)curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)MAX_ANSWER);
    (void)curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    (void)curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink_cb);
    (void)curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
    (void)curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    (void)curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "GET") != 0) {
        (void)curl_easy_setopt(c, CURLOPT_POST, 1L);
    }
}

static void keep_answer(struct ordo_cli *cli, struct sink *s, struct ordo_cli_resp *out)
{
    out->len = s->buf.len;
    out->body = ordo_arena_strndup(cli->arena, s->buf.len ? s->buf.data : "", s->buf.len);
    out->json = out->len ? json_loadb(out->body, out->len, 0, NULL) : NULL;
    if (out->json) {
        ordo_arena_defer(cli->arena, json_decref_cb, out->json);
    }
}

int ordo_cli_request(struct ordo_cli *cli, const struct ordo_cli_remote *r,
                     const struct ordo_cli_request *req, struct ordo_cli_resp *out)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    struct sink s = {.buf = ORDO_BUF_INIT};
    curl_mime *mime = NULL;
    struct curl_slist *h;
    CURLcode cc;
    CURL *c;
    int rc = ORDO_CLI_OK;

    memset(out, 0, sizeof *out);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || !(c = curl_easy_init())) {
        return ordo_cli_fail(cli, ORDO_CLI_FAILED, "could not start the HTTP client");
    }
    h = headers(cli, r, req);
    set_options(c, ordo_arena_printf(cli->arena, "%s%s", r->url, req->path), errbuf, &s, h,
                req->method);
    set_body(c, req, &mime);
    cc = curl_easy_perform(c);
    if (cc != CURLE_OK) {
        rc = ordo_cli_fail(cli, ORDO_CLI_FAILED, "could not reach %s: %s", r->url,
                           s.too_big || cc == CURLE_FILESIZE_EXCEEDED
                               ? "the answer is larger than 64 MiB"
                           : errbuf[0] ? errbuf
                                       : curl_easy_strerror(cc));
    } else {
        (void)curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
        keep_answer(cli, &s, out);
        if (out->status < 200 || out->status > 299) {
            rc = print_error(cli, out);
        }
    }
    curl_mime_free(mime);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    curl_global_cleanup();
    ordo_buf_cleanup(&s.buf);
    return rc;
}
