/*
 * integrations/common/text.c - pure text helpers of the connectors (see
 * text.h).
 */
#include "integrations/common/text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

void *ordo_conn_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);

    if (!p) {
        (void)fputs("ordo connector: out of memory\n", stderr);
        abort();
    }
    return p;
}

char *ordo_conn_xstrdup(const char *s)
{
    size_t n = strlen(s ? s : "");
    char *d = ordo_conn_xmalloc(n + 1);

    memcpy(d, s ? s : "", n + 1);
    return d;
}

static bool is_unreserved(unsigned char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '.' || ch == '_' || ch == '~';
}

char *ordo_conn_pct_encode(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    char *out = ordo_conn_xmalloc(3 * strlen((const char *)p) + 1);
    size_t n = 0;

    for (; *p; p++) {
        if (is_unreserved(*p)) {
            out[n++] = (char)*p;
        } else {
            out[n++] = '%';
            out[n++] = hex[*p >> 4];
            out[n++] = hex[*p & 15];
        }
    }
    out[n] = '\0';
    return out;
}

char *ordo_conn_base64(const void *data, size_t len)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = data;
    char *out = ordo_conn_xmalloc(4 * ((len + 2) / 3) + 1);
    size_t n = 0;
    size_t i;

    for (i = 0; i + 2 < len; i += 3) {
        uint32_t v = ((uint32_t)p[i] << 16) | ((uint32_t)p[i + 1] << 8) | p[i + 2];

        out[n++] = abc[(v >> 18) & 63];
        out[n++] = abc[(v >> 12) & 63];
        out[n++] = abc[(v >> 6) & 63];
        out[n++] = abc[v & 63];
    }
    if (i < len) {
        uint32_t v = ((uint32_t)p[i] << 16) | (i + 1 < len ? ((uint32_t)p[i + 1] << 8) : 0u);

        out[n++] = abc[(v >> 18) & 63];
        out[n++] = abc[(v >> 12) & 63];
        out[n++] = abc[(v >> 6) & 63];
        out[n++] = '=';
        if (i + 1 == len) {
            out[n - 2] = '='; /* one byte: two pad characters */
        }
    }
    out[n] = '\0';
    return out;
}

char *ordo_conn_basic_auth(const char *user, const char *password)
{
    size_t ul = strlen(user ? user : "");
    size_t pl = strlen(password ? password : "");
    char *pair = ordo_conn_xmalloc(ul + pl + 2);
    char *b64;
    char *out;
    size_t n;

    memcpy(pair, user ? user : "", ul);
    pair[ul] = ':';
    memcpy(pair + ul + 1, password ? password : "", pl + 1);
    b64 = ordo_conn_base64(pair, ul + pl + 1);
    /* The pair holds the secret: clear it before it goes back to malloc. */
    memset(pair, 0, ul + pl + 2);
    free(pair);
    n = strlen(b64) + sizeof("Basic ");
    out = ordo_conn_xmalloc(n);
    (void)snprintf(out, n, "Basic %s", b64);
    memset(b64, 0, strlen(b64));
    free(b64);
    return out;
}

char *ordo_conn_url_join(const char *base, const char *path)
{
    size_t bl = strlen(base ? base : "");
    const char *p = path ? path : "";
    char *out;

    while (bl > 0 && base[bl - 1] == '/') {
        bl--;
    }
    while (*p == '/') {
        p++;
    }
    out = ordo_conn_xmalloc(bl + strlen(p) + 2);
    memcpy(out, base ? base : "", bl);
    if (*p) {
        out[bl] = '/';
        memcpy(out + bl + 1, p, strlen(p) + 1);
    } else {
        out[bl] = '\0';
    }
    return out;
}

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    return p;
}

/* True when the relation types 'v' (up to 'end', space separated: "next
 * last") include "next". */
static bool has_next(const char *v, const char *end)
{
    while (v < end) {
        const char *te = v;

        while (te < end && *te != ' ') {
            te++;
        }
        if (te - v == 4 && strncasecmp(v, "next", 4) == 0) {
            return true;
        }
        v = te < end ? te + 1 : te;
    }
    return false;
}

/* One link parameter at 'p' ("; name=value" or '; name="value"'): its name
 * and value are set (value NULL when there is no '='), and the position
 * after it is returned. */
static const char *link_param(const char *p, const char **name, size_t *nlen, const char **val,
                              const char **vend)
{
    bool quoted;

    p = skip_ws(*p == ';' ? p + 1 : p);
    *name = p;
    while (*p && *p != '=' && *p != ';' && *p != ',' && *p != ' ') {
        p++;
    }
    *nlen = (size_t)(p - *name);
    *val = NULL;
    p = skip_ws(p);
    if (*p != '=') {
        return p;
    }
    p = skip_ws(p + 1);
    quoted = *p == '"';
    *val = quoted ? p + 1 : p;
    p = *val;
    while (*p && (quoted ? *p != '"' : (*p != ';' && *p != ','))) {
        p++;
    }
    *vend = p;
    return (quoted && *p) ? p + 1 : p;
}

/* True when the parameter list at 'p' (after "<url>", up to the next link)
 * has a rel naming "next"; '*end' is set past the link's parameters. */
static bool rel_is_next(const char *p, const char **end)
{
    bool next = false;

    while (*p && *p != ',') {
        const char *name;
        const char *val;
        const char *vend = NULL;
        size_t nlen;

        p = link_param(p, &name, &nlen, &val, &vend);
        if (val && nlen == 3 && strncasecmp(name, "rel", 3) == 0) {
            next = next || has_next(val, vend);
        }
    }
    *end = p;
    return next;
}

char *ordo_conn_link_next(const char *link)
{
    const char *p = link ? link : "";

    while (*p) {
        const char *lt = strchr(p, '<');
        const char *gt = lt ? strchr(lt, '>') : NULL;
        const char *end;

        if (!gt) {
            return NULL;
        }
        if (rel_is_next(gt + 1, &end)) {
            size_t n = (size_t)(gt - lt - 1);
            char *url = ordo_conn_xmalloc(n + 1);

            memcpy(url, lt + 1, n);
            url[n] = '\0';
            return url;
        }
        p = *end ? end + 1 : end;
    }
    return NULL;
}

/* A small append-only writer into a caller's buffer that never overflows. */
struct writer {
    char *buf;
    size_t size;
    size_t len;
};

static void put(struct writer *w, const char *s)
{
    if (!s || !*s || w->size == 0) {
        return;
    }
    if (w->len > 0) {
        if (w->len + 2 >= w->size) {
            return;
        }
        memcpy(w->buf + w->len, "; ", 2);
        w->len += 2;
    }
    for (; *s && w->len + 1 < w->size; s++) {
        unsigned char ch = (unsigned char)*s;

        if (ch < 0x20 || ch == 0x7f) {
            ch = ' ';
        }
        w->buf[w->len++] = (char)ch;
    }
    w->buf[w->len] = '\0';
}

static void put_pair(struct writer *w, const char *a, const char *b)
{
    char tmp[512];

    if (a && *a && b && *b) {
        (void)snprintf(tmp, sizeof(tmp), "%s: %s", a, b);
        put(w, tmp);
    } else {
        put(w, (a && *a) ? a : b);
    }
}

/* GitHub's {"errors":[{"resource","field","code","message"}]}, and plain
 * string arrays. */
static void put_error_list(struct writer *w, const json_t *errors)
{
    size_t i;
    const json_t *e;

    json_array_foreach(errors, i, e)
    {
        if (json_is_string(e)) {
            put(w, json_string_value(e));
        } else if (json_is_object(e)) {
            const char *msg = json_string_value(json_object_get(e, "message"));
            const char *field = json_string_value(json_object_get(e, "field"));
            const char *code = json_string_value(json_object_get(e, "code"));

            put_pair(w, field, msg ? msg : code);
        }
    }
}

static void put_json_error(struct writer *w, const json_t *doc)
{
    const json_t *v;
    const char *key;
    size_t i;

    json_array_foreach(json_object_get(doc, "errorMessages"), i, v)
    {
        put(w, json_string_value(v));
    }
    put(w, json_string_value(json_object_get(doc, "message")));
    v = json_object_get(doc, "errors");
    if (json_is_object(v)) {
        const json_t *m;

        json_object_foreach((json_t *)v, key, m)
        {
            put_pair(w, key, json_string_value(m));
        }
    } else if (json_is_array(v)) {
        put_error_list(w, v);
    }
    v = json_object_get(doc, "error");
    put(w, json_is_object(v) ? json_string_value(json_object_get(v, "message"))
                             : json_string_value(v));
    put(w, json_string_value(json_object_get(doc, "error_description")));
    if (w->len == 0) {
        put(w, json_string_value(json_object_get(doc, "detail")));
        put(w, json_string_value(json_object_get(doc, "title")));
    }
}

static void put_text_line(struct writer *w, const char *body, size_t len)
{
    char line[512];
    size_t i = 0;
    size_t n = 0;

    while (i < len && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n')) {
        i++;
    }
    if (i < len && body[i] == '<') {
        return; /* an HTML error page says nothing a person can act on */
    }
    while (i < len && body[i] != '\n' && body[i] != '\r' && n + 1 < sizeof(line)) {
        line[n] = body[i];
        if (line[n] == '\0') {
            line[n] = ' ';
        }
        n++;
        i++;
    }
    while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t')) {
        n--;
    }
    line[n] = '\0';
    put(w, line);
}

size_t ordo_conn_error_text(const char *body, size_t len, char *buf, size_t size)
{
    struct writer w = {buf, size, 0};
    json_t *doc;

    if (size == 0) {
        return 0;
    }
    buf[0] = '\0';
    if (!body || len == 0) {
        return 0;
    }
    doc = json_loadb(body, len, JSON_DECODE_ANY, NULL);
    if (json_is_object(doc)) {
        put_json_error(&w, doc);
    } else if (json_is_string(doc)) {
        put(&w, json_string_value(doc));
    } else if (!doc) {
        put_text_line(&w, body, len);
    }
    json_decref(doc);
    return w.len;
}

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

char *ordo_conn_trim(const char *s)
{
    const char *b = s ? s : "";
    size_t n;
    char *out;

    while (is_space(*b)) {
        b++;
    }
    n = strlen(b);
    while (n > 0 && is_space(b[n - 1])) {
        n--;
    }
    out = ordo_conn_xmalloc(n + 1);
    memcpy(out, b, n);
    out[n] = '\0';
    return out;
}

json_t *ordo_conn_split_list(const char *s)
{
    json_t *arr = json_array();
    const char *p = s ? s : "";

    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        char *item = ordo_conn_xmalloc(n + 1);
        char *t;

        memcpy(item, p, n);
        item[n] = '\0';
        t = ordo_conn_trim(item);
        if (*t) {
            json_array_append_new(arr, json_string(t));
        }
        free(t);
        free(item);
        p = comma ? comma + 1 : p + n;
    }
    return arr;
}

bool ordo_conn_contains_ci(const char *haystack, const char *needle)
{
    size_t n;

    if (!haystack || !needle) {
        return false;
    }
    n = strlen(needle);
    for (const char *p = haystack; *p; p++) {
        if (strncasecmp(p, needle, n) == 0) {
            return true;
        }
    }
    return n == 0;
}

char *ordo_conn_join_list(const json_t *list, const char *separator)
{
    const char *sep = separator ? separator : "";
    size_t seplen = strlen(sep);
    size_t n = 0;
    size_t i;
    const json_t *v;
    char *out;

    json_array_foreach(list, i, v)
    {
        n += json_string_length(v) + seplen;
    }
    out = ordo_conn_xmalloc(n + 1);
    n = 0;
    json_array_foreach(list, i, v)
    {
        if (!json_is_string(v)) {
            continue;
        }
        if (n > 0) {
            memcpy(out + n, sep, seplen);
            n += seplen;
        }
        memcpy(out + n, json_string_value(v), json_string_length(v));
        n += json_string_length(v);
    }
    out[n] = '\0';
    return out;
}
