/*
 * base/httpc.c - see httpc.h. The guard (address rules and the allow-list)
 * comes first, then the client: its callbacks, the options of a request,
 * and the mapping of curl's results to Ordo's codes.
 */
#include "base/httpc.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <curl/curl.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/text.h"

#ifndef ORDO_HTTPC_VERSION
#define ORDO_HTTPC_VERSION "0"
#endif
#define USER_AGENT       "Ordo/" ORDO_HTTPC_VERSION
#define MAX_URL          8192
#define MAX_METHOD       16
#define MAX_ENTRY        64 /* longest allow-list entry: an IPv6 address with a prefix */
#define MIN_DERIVED      4  /* shorter URL parts are not hunted for in messages */
#define RETRY_AFTER_MAX  (100LL * 365 * 24 * 3600) /* seconds: about a century */
#define MSG_SIZE         1024
#define KEEP_BODY_MEMORY ((size_t)1024 * 1024)

/* --- the guard ------------------------------------------------------------ */

struct cidr {
    int family; /* AF_INET or AF_INET6 */
    uint8_t addr[16];
    unsigned bits;
};

struct rule {
    uint8_t net[16];
    unsigned bits;
    const char *why;
};

/* First match wins: a specific address before the block that holds it. */
static const struct rule rules4[] = {
    {{0}, 8, "unspecified"},
    {{10}, 8, "private"},
    {{100, 64}, 10, "shared"},
    {{127}, 8, "loopback"},
    {{169, 254, 169, 254}, 32, "metadata"},
    {{169, 254}, 16, "link-local"},
    {{172, 16}, 12, "private"},
    {{192, 0, 0}, 24, "reserved"},
    {{192, 168}, 16, "private"},
    {{198, 18}, 15, "reserved"},
    {{224}, 4, "multicast"},
    {{255, 255, 255, 255}, 32, "broadcast"},
    {{240}, 4, "reserved"},
};

static const struct rule rules6[] = {
    {{0}, 128, "unspecified"},
    {{[15] = 1}, 128, "loopback"},
    {{0}, 96, "reserved"}, /* IPv4-compatible ::a.b.c.d, deprecated */
    {{0xfd, 0x00, 0x0e, 0xc2, [14] = 0x02, [15] = 0x54}, 128, "metadata"}, /* fd00:ec2::254 */
    {{0xfc}, 7, "private"},
    {{0xfe, 0x80}, 10, "link-local"},
    {{0xfe, 0xc0}, 10, "site-local"},
    {{0xff}, 8, "multicast"},
};

static bool prefix_match(const uint8_t *a, const uint8_t *net, unsigned bits)
{
    size_t whole = bits / 8;
    unsigned rest = bits % 8;

    if (memcmp(a, net, whole) != 0) {
        return false;
    }
    return rest == 0 || ((a[whole] ^ net[whole]) & (uint8_t)(0xFF << (8 - rest))) == 0;
}

static const char *classify(const uint8_t *a, const struct rule *rules, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (prefix_match(a, rules[i].net, rules[i].bits)) {
            return rules[i].why;
        }
    }
    return NULL;
}

/* The IPv4 address inside an IPv6 one that carries it: ::ffff:a.b.c.d
 * (mapped; '*mapped' set), 64:ff9b::a.b.c.d (NAT64) or 2002:aabb:ccdd::
 * (6to4). */
static bool unwrap_v4(const uint8_t *a6, uint8_t *a4, bool *mapped)
{
    static const uint8_t v4mapped[12] = {[10] = 0xff, [11] = 0xff};
    static const uint8_t nat64[12] = {0x00, 0x64, 0xff, 0x9b};

    *mapped = memcmp(a6, v4mapped, 12) == 0;
    if (*mapped || memcmp(a6, nat64, 12) == 0) {
        memcpy(a4, a6 + 12, 4);
        return true;
    }
    if (a6[0] == 0x20 && a6[1] == 0x02) {
        memcpy(a4, a6 + 2, 4);
        return true;
    }
    return false;
}

/* Parse "10.0.0.0/8", "::1" or "fd00::/8" ('len' bytes, not NUL-terminated). */
static bool parse_cidr(const char *s, size_t len, struct cidr *out)
{
    char text[MAX_ENTRY];
    char *slash;
    unsigned max;

    if (len == 0 || len >= sizeof(text)) {
        return false;
    }
    memcpy(text, s, len);
    text[len] = '\0';
    slash = strchr(text, '/');
    if (slash) {
        *slash = '\0';
    }
    memset(out, 0, sizeof(*out));
    out->family = strchr(text, ':') ? AF_INET6 : AF_INET;
    max = out->family == AF_INET6 ? 128 : 32;
    if (inet_pton(out->family, text, out->addr) != 1) {
        return false;
    }
    out->bits = max;
    if (slash) {
        const char *p = slash + 1;
        unsigned bits = 0;

        if (!*p || strlen(p) > 3) {
            return false;
        }
        for (; *p; p++) {
            if (!ordo_is_digit(*p)) {
                return false;
            }
            bits = bits * 10 + (unsigned)(*p - '0');
        }
        if (bits > max) {
            return false;
        }
        out->bits = bits;
    }
    return true;
}

/* An allow-list entry covers 'a4' (may be NULL) or 'a6' (may be NULL). */
static bool allowed(const struct ordo_httpc_policy *policy, const uint8_t *a4, const uint8_t *a6)
{
    for (size_t i = 0; policy && i < policy->nallow; i++) {
        const char *entry = policy->allow[i];
        struct cidr net;

        if (!entry || !parse_cidr(entry, strlen(entry), &net)) {
            continue;
        }
        if ((net.family == AF_INET && a4 && prefix_match(a4, net.addr, net.bits)) ||
            (net.family == AF_INET6 && a6 && prefix_match(a6, net.addr, net.bits))) {
            return true;
        }
    }
    return false;
}

static bool refuse(const char *why, char *out, size_t size)
{
    if (out && size > 0) {
        (void)snprintf(out, size, "%s", why);
    }
    return why[0] != '\0';
}

bool ordo_httpc_blocked(const struct sockaddr *sa, socklen_t len,
                        const struct ordo_httpc_policy *policy, char *why, size_t why_size)
{
    struct sockaddr_storage ss;
    uint8_t a4[4], a6[16];
    bool has4 = false, has6 = false, mapped = false;
    const char *reason = NULL;

    if (!sa || len < (socklen_t)sizeof(sa_family_t) || (size_t)len > sizeof(ss)) {
        return refuse("unsupported", why, why_size);
    }
    memset(&ss, 0, sizeof(ss));
    memcpy(&ss, sa, (size_t)len);
    if (ss.ss_family == AF_INET && (size_t)len >= sizeof(struct sockaddr_in)) {
        memcpy(a4, &((const struct sockaddr_in *)(const void *)&ss)->sin_addr, 4);
        has4 = true;
    } else if (ss.ss_family == AF_INET6 && (size_t)len >= sizeof(struct sockaddr_in6)) {
        memcpy(a6, &((const struct sockaddr_in6 *)(const void *)&ss)->sin6_addr, 16);
        has6 = true;
        has4 = unwrap_v4(a6, a4, &mapped);
    } else {
        return refuse("unsupported", why, why_size);
    }
    if (allowed(policy, (has4 && (!has6 || mapped)) ? a4 : NULL, has6 ? a6 : NULL)) {
        return refuse("", why, why_size);
    }
    if (has6) {
        reason = classify(a6, rules6, sizeof(rules6) / sizeof(rules6[0]));
    }
    if (!reason && has4) {
        reason = classify(a4, rules4, sizeof(rules4) / sizeof(rules4[0]));
    }
    return refuse(reason ? reason : "", why, why_size);
}

enum ordo_code ordo_httpc_parse_allow(const char *text, struct ordo_arena *arena,
                                      const char *const **allow, size_t *nallow,
                                      struct ordo_err *err)
{
    const char **list = NULL;
    size_t n = 0, cap = 0;
    const char *p = text ? text : "";

    while (*p) {
        size_t span = strcspn(p, ",");
        size_t start = 0, end = span;
        struct cidr net;

        while (start < end && ordo_is_space(p[start])) {
            start++;
        }
        while (end > start && ordo_is_space(p[end - 1])) {
            end--;
        }
        if (end > start && !parse_cidr(p + start, end - start, &net)) {
            char quoted[80];

            return ordo_err_set(
                err, ORDO_E_INVAL, "\"%s\" is not an IP address or a CIDR block such as 10.0.0.0/8",
                ordo_utf8_quote(quoted, sizeof(quoted), p + start, end - start, MAX_ENTRY));
        }
        if (end > start) {
            list = ordo_arena_grow(arena, list, n, &cap, sizeof(*list));
            list[n++] = ordo_arena_strndup(arena, p + start, end - start);
        }
        p += span + (p[span] == ',');
    }
    *allow = list;
    *nallow = n;
    return ORDO_OK;
}

/* --- the client -------------------------------------------------------- */

struct hdr {
    size_t name; /* offsets into 'hdrs' of two NUL-terminated strings */
    size_t value;
};

struct call;

struct ordo_httpc {
    CURL *curl;
    struct ordo_httpc_policy policy; /* defaults filled in; 'allow' points into 'allow_copy' */
    char **allow_copy;
    char errbuf[CURL_ERROR_SIZE];
    struct ordo_buf body;
    bool body_too_big;
    struct ordo_buf hdrs; /* the current response's headers: name\0value\0... */
    struct hdr hdr[ORDO_HTTPC_MAX_HEADERS];
    size_t nhdr;
    size_t hdr_bytes;
    bool hdrs_too_big;
    /* The guard's verdicts on the current hop's addresses. */
    int n_blocked;
    int n_opened;
    char blocked_addr[INET6_ADDRSTRLEN];
    char blocked_why[ORDO_HTTPC_WHY_SIZE];
    char blocked_host[256];
    struct call *call; /* during ordo_httpc_do() */
};

/* One ordo_httpc_do(): what messages need to name and to hide. */
struct call {
    struct ordo_httpc *c;
    const struct ordo_httpc_request *req;
    const char *method;
    CURLU *url;
    int redirects;            /* to follow: 0 to ORDO_HTTPC_MAX_REDIRECTS */
    char origin[320];         /* scheme://host[:port] */
    struct ordo_arena *arena; /* made on the first message */
    const char *const *secrets;
    size_t nsecrets;
    struct ordo_err *err;
};

static void free_allow(char **allow, size_t n)
{
    for (size_t i = 0; allow && i < n; i++) {
        free(allow[i]);
    }
    free(allow);
}

static char *dup_or_die(const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = malloc(n);

    if (!copy) {
        ordo_oom(n);
    }
    memcpy(copy, s, n);
    return copy;
}

static enum ordo_code copy_policy(struct ordo_httpc *c, const struct ordo_httpc_policy *p,
                                  struct ordo_err *err)
{
    struct cidr net;

    if (p->connect_timeout_ms < 0 || p->timeout_ms < 0) {
        return ordo_err_set(err, ORDO_E_INVAL, "HTTP client timeouts must not be negative");
    }
    c->policy = *p;
    c->policy.max_body = p->max_body ? p->max_body : ORDO_HTTPC_MAX_BODY_DEFAULT;
    c->policy.connect_timeout_ms =
        p->connect_timeout_ms ? p->connect_timeout_ms : ORDO_HTTPC_CONNECT_TIMEOUT;
    c->policy.timeout_ms = p->timeout_ms ? p->timeout_ms : ORDO_HTTPC_TIMEOUT;
    c->policy.allow = NULL;
    c->policy.nallow = 0;
    if (p->nallow == 0) {
        return ORDO_OK;
    }
    c->allow_copy = calloc(p->nallow, sizeof(*c->allow_copy));
    if (!c->allow_copy) {
        ordo_oom(p->nallow * sizeof(*c->allow_copy));
    }
    for (size_t i = 0; i < p->nallow; i++) {
        const char *e = p->allow && p->allow[i] ? p->allow[i] : "";

        if (!parse_cidr(e, strlen(e), &net)) {
            char quoted[80];

            return ordo_err_set(err, ORDO_E_INVAL,
                                "HTTP allow-list entry \"%s\" is not an IP address or a CIDR "
                                "block such as 10.0.0.0/8",
                                ordo_utf8_quote(quoted, sizeof(quoted), e, strlen(e), MAX_ENTRY));
        }
        c->allow_copy[i] = dup_or_die(e);
        c->policy.nallow = i + 1;
    }
    c->policy.allow = (const char *const *)c->allow_copy;
    return ORDO_OK;
}

enum ordo_code ordo_httpc_new(const struct ordo_httpc_policy *policy, struct ordo_httpc **out,
                              struct ordo_err *err)
{
    static const struct ordo_httpc_policy none = {0};
    struct ordo_httpc *c = calloc(1, sizeof(*c));
    enum ordo_code rc;

    if (!c) {
        ordo_oom(sizeof(*c));
    }
    ordo_buf_init(&c->body);
    ordo_buf_init(&c->hdrs);
    rc = copy_policy(c, policy ? policy : &none, err);
    if (rc != ORDO_OK) {
        free_allow(c->allow_copy, c->policy.nallow);
        free(c);
        return rc;
    }
    /* Reference-counted by libcurl, and thread-safe since 7.84. */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        free_allow(c->allow_copy, c->policy.nallow);
        free(c);
        return ordo_err_set(err, ORDO_E_INTERNAL, "could not initialise libcurl");
    }
    c->curl = curl_easy_init();
    if (!c->curl) {
        ordo_httpc_free(c);
        return ordo_err_set(err, ORDO_E_INTERNAL, "could not create a curl handle");
    }
    *out = c;
    return ORDO_OK;
}

void ordo_httpc_free(struct ordo_httpc *c)
{
    if (!c) {
        return;
    }
    curl_easy_cleanup(c->curl);
    curl_global_cleanup();
    free_allow(c->allow_copy, c->policy.nallow);
    ordo_buf_cleanup(&c->body);
    ordo_buf_cleanup(&c->hdrs);
    free(c);
}

/* --- messages ------------------------------------------------------------ */

static struct ordo_arena *call_arena(struct call *call)
{
    if (!call->arena) {
        call->arena = ordo_arena_new();
    }
    return call->arena;
}

/* Add 's' (and its URL-decoded form) to the list when it is long enough to
 * be worth hiding. */
static void add_derived(struct call *call, const char ***list, size_t *n, size_t *cap,
                        const char *s, size_t len)
{
    struct ordo_arena *arena = call_arena(call);
    int out_len = 0;
    char *plain;

    if (len < MIN_DERIVED) {
        return;
    }
    *list = ordo_arena_grow(arena, *list, *n, cap, sizeof(**list));
    (*list)[(*n)++] = ordo_arena_strndup(arena, s, len);
    plain = curl_easy_unescape(call->c->curl, s, (int)len, &out_len);
    if (plain && (size_t)out_len >= MIN_DERIVED && strlen(plain) == (size_t)out_len) {
        *list = ordo_arena_grow(arena, *list, *n, cap, sizeof(**list));
        (*list)[(*n)++] = ordo_arena_strdup(arena, plain);
    }
    curl_free(plain);
}

/* The values of a query string "a=1&b=2" (a key alone counts as a value). */
static void add_query_values(struct call *call, const char ***list, size_t *n, size_t *cap,
                             const char *query)
{
    const char *p = query;

    add_derived(call, list, n, cap, query, strlen(query));
    while (*p) {
        size_t span = strcspn(p, "&;");
        const char *eq = memchr(p, '=', span);
        const char *v = eq ? eq + 1 : p;

        add_derived(call, list, n, cap, v, span - (size_t)(v - p));
        p += span + (p[span] != '\0');
    }
}

/* Everything a message must hide: the caller's secrets, the URL's userinfo
 * and its query values. Computed once per call. */
static void collect_secrets(struct call *call)
{
    static const CURLUPart parts[] = {CURLUPART_USER, CURLUPART_PASSWORD, CURLUPART_OPTIONS};
    const struct ordo_httpc_request *req = call->req;
    const char **list = NULL;
    size_t n = 0, cap = 0;
    char *part = NULL;

    if (call->secrets) {
        return;
    }
    for (size_t i = 0; i < req->nsecrets; i++) {
        list = ordo_arena_grow(call_arena(call), list, n, &cap, sizeof(*list));
        list[n++] = req->secrets[i];
    }
    for (size_t i = 0; call->url && i < sizeof(parts) / sizeof(parts[0]); i++) {
        if (curl_url_get(call->url, parts[i], &part, 0) == CURLUE_OK) {
            add_derived(call, &list, &n, &cap, part, strlen(part));
        }
        curl_free(part);
        part = NULL;
    }
    if (call->url && curl_url_get(call->url, CURLUPART_QUERY, &part, 0) == CURLUE_OK) {
        add_query_values(call, &list, &n, &cap, part);
    }
    curl_free(part);
    call->secrets = list;
    call->nsecrets = n;
}

/* 'text' with every secret of the call replaced by "***", in the call's
 * arena. 'cut': the text was cut short at its end. */
static const char *redacted(struct call *call, const char *text, bool cut)
{
    struct ordo_buf b = ORDO_BUF_INIT;
    const char *copy;

    collect_secrets(call);
    (void)ordo_text_redact(&b, text, strlen(text), call->secrets, call->nsecrets, cut);
    copy = ordo_arena_strdup(call_arena(call), ordo_buf_cstr(&b));
    ordo_buf_cleanup(&b);
    return copy;
}

/* Record 'code' with a message from which the call's secrets are removed. */
__attribute__((format(printf, 3, 4))) static enum ordo_code
fail(struct call *call, enum ordo_code code, const char *fmt, ...)
{
    char msg[MSG_SIZE];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (n < 0) {
        msg[0] = '\0';
    }
    return ordo_err_set(call->err, code, "%s",
                        redacted(call, msg, n < 0 || (size_t)n >= sizeof(msg)));
}

/* curl's own text for a failure: its error buffer, else the code's name. */
static const char *curl_text(struct call *call, CURLcode cc)
{
    const char *e = call->c->errbuf;
    size_t len = strlen(e);

    if (len == 0) {
        return curl_easy_strerror(cc);
    }
    return redacted(call, e, len >= CURL_ERROR_SIZE - 1);
}

/* --- callbacks ------------------------------------------------------------ */

static void reset_headers(struct ordo_httpc *c)
{
    ordo_buf_reset(&c->hdrs);
    c->nhdr = 0;
    c->hdr_bytes = 0;
}

static void trim(const char **s, size_t *len)
{
    while (*len > 0 && ordo_is_space(**s)) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && ordo_is_space((*s)[*len - 1])) {
        (*len)--;
    }
}

/* One header line of a response, the status line included. A status line
 * starts a new response (the next redirect hop, or the final answer after
 * a 100 Continue): only that response's headers and body are kept, and the
 * guard's counts start over for the connection that may follow. */
static size_t header_cb(char *p, size_t size, size_t n, void *ctx)
{
    struct ordo_httpc *c = ctx;
    const char *name = p, *value, *colon;
    size_t len = size * n, name_len, value_len;

    if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
        reset_headers(c);
        ordo_buf_reset(&c->body);
        c->n_blocked = c->n_opened = 0;
        return len;
    }
    c->hdr_bytes += len;
    colon = memchr(p, ':', len);
    if (!colon || p[0] == ' ' || p[0] == '\t') {
        return len; /* the blank line at the end; obsolete line folding is ignored */
    }
    if (c->nhdr >= ORDO_HTTPC_MAX_HEADERS || c->hdr_bytes > ORDO_HTTPC_MAX_HEADER_BYTES) {
        c->hdrs_too_big = true;
        return 0; /* curl stops with CURLE_WRITE_ERROR */
    }
    name_len = (size_t)(colon - p);
    value = colon + 1;
    value_len = len - name_len - 1;
    trim(&name, &name_len);
    trim(&value, &value_len);
    c->hdr[c->nhdr].name = c->hdrs.len;
    ordo_buf_append(&c->hdrs, name, name_len);
    ordo_buf_putc(&c->hdrs, '\0');
    c->hdr[c->nhdr].value = c->hdrs.len;
    ordo_buf_append(&c->hdrs, value, value_len);
    ordo_buf_putc(&c->hdrs, '\0');
    c->nhdr++;
    return len;
}

static size_t write_cb(char *p, size_t size, size_t n, void *ctx)
{
    struct ordo_httpc *c = ctx;
    size_t len = size * n;

    if (len > c->policy.max_body - c->body.len) {
        if (c->policy.truncate_body) {
            ordo_buf_append(&c->body, p, c->policy.max_body - c->body.len);
            return len; /* the rest is read and dropped */
        }
        c->body_too_big = true;
        return 0; /* curl stops with CURLE_WRITE_ERROR */
    }
    ordo_buf_append(&c->body, p, len);
    return len;
}

/* The host of the URL curl is working on (the redirect target on a later
 * hop), into 'out'. */
static void current_host(struct ordo_httpc *c, char *out, size_t size)
{
    char *url = NULL, *host = NULL;
    CURLU *u;

    out[0] = '\0';
    if (curl_easy_getinfo(c->curl, CURLINFO_EFFECTIVE_URL, &url) != CURLE_OK || !url) {
        return;
    }
    u = curl_url();
    if (u && curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
        (void)snprintf(out, size, "%s", host);
    }
    curl_free(host);
    curl_url_cleanup(u);
}

static void note_blocked(struct ordo_httpc *c, const struct curl_sockaddr *a, const char *why)
{
    char addr[INET6_ADDRSTRLEN] = "?";
    char host[sizeof(c->blocked_host)];
    const void *ip = NULL;

    if (a->family == AF_INET) {
        ip = &((const struct sockaddr_in *)(const void *)&a->addr)->sin_addr;
    } else if (a->family == AF_INET6) {
        ip = &((const struct sockaddr_in6 *)(const void *)&a->addr)->sin6_addr;
    }
    if (ip && !inet_ntop(a->family, ip, addr, sizeof(addr))) {
        (void)snprintf(addr, sizeof(addr), "?");
    }
    current_host(c, host, sizeof(host));
    if (c->n_blocked++ == 0) {
        (void)snprintf(c->blocked_addr, sizeof(c->blocked_addr), "%s", addr);
        (void)snprintf(c->blocked_why, sizeof(c->blocked_why), "%s", why);
        (void)snprintf(c->blocked_host, sizeof(c->blocked_host), "%s", host);
    }
    ordo_log(ORDO_LOG_WARN, "httpc", "outbound connection refused by the address guard",
             ORDO_STR("host", c->call ? redacted(c->call, host, false) : host),
             ORDO_STR("address", c->call ? redacted(c->call, addr, false) : addr),
             ORDO_STR("reason", why));
}

/* Every connection curl opens comes through here, after DNS: the guard. */
static curl_socket_t open_socket_cb(void *ctx, curlsocktype purpose, struct curl_sockaddr *a)
{
    struct ordo_httpc *c = ctx;
    char why[ORDO_HTTPC_WHY_SIZE];

    if (purpose != CURLSOCKTYPE_IPCXN) {
        note_blocked(c, a, "unsupported");
        return CURL_SOCKET_BAD;
    }
    if (ordo_httpc_blocked(&a->addr, (socklen_t)a->addrlen, &c->policy, why, sizeof(why))) {
        note_blocked(c, a, why);
        return CURL_SOCKET_BAD;
    }
    c->n_opened++;
    return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

/* --- a request --------------------------------------------------------- */

static bool is_tchar(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ordo_is_digit(ch) ||
           (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

static bool is_token(const char *s, size_t max)
{
    size_t n = 0;

    for (; s[n]; n++) {
        if (!is_tchar(s[n]) || n >= max) {
            return false;
        }
    }
    return n > 0;
}

static enum ordo_code check_method(struct call *call)
{
    const char *m = call->req->method ? call->req->method : "GET";
    size_t n = 0;

    for (; m[n] >= 'A' && m[n] <= 'Z'; n++) {
    }
    if (m[n] != '\0' || n == 0 || n > MAX_METHOD) {
        char quoted[40];

        return fail(call, ORDO_E_INVAL, "HTTP method \"%s\" is not 1 to 16 upper-case letters",
                    ordo_utf8_quote(quoted, sizeof(quoted), m, strlen(m), 20));
    }
    call->method = m;
    return ORDO_OK;
}

/* The URL's scheme against the policy. */
static enum ordo_code check_scheme(struct call *call, const char *scheme)
{
    bool https_only = call->c->policy.https_only;

    if (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0) {
        return fail(call, ORDO_E_INVAL, "URL scheme \"%s\" is not allowed; use %s", scheme,
                    https_only ? "https" : "http or https");
    }
    if (strcmp(scheme, "http") == 0 && https_only) {
        return fail(call, ORDO_E_INVAL,
                    "plain http:// is not allowed; use https:// (the HTTP client is https-only)");
    }
    return ORDO_OK;
}

/* scheme://host[:port] of the URL, which messages name. */
static enum ordo_code set_origin(struct call *call, const char *scheme)
{
    char *host = NULL, *port = NULL;
    CURLUcode uc = curl_url_get(call->url, CURLUPART_HOST, &host, 0);
    bool has_port = curl_url_get(call->url, CURLUPART_PORT, &port, 0) == CURLUE_OK;

    if (uc == CURLUE_OK) {
        (void)snprintf(call->origin, sizeof(call->origin), "%s://%s%s%s", scheme, host,
                       has_port ? ":" : "", has_port ? port : "");
    }
    curl_free(host);
    curl_free(port);
    if (uc != CURLUE_OK) {
        return fail(call, ORDO_E_INVAL, "malformed URL: %s", curl_url_strerror(uc));
    }
    return ORDO_OK;
}

/* Parse the URL and check it against the policy. */
static enum ordo_code check_url(struct call *call)
{
    const char *url = call->req->url;
    char *scheme = NULL;
    enum ordo_code rc;
    CURLUcode uc;

    if (!url || !*url) {
        return fail(call, ORDO_E_INVAL, "no URL to %s", call->method);
    }
    if (strlen(url) > MAX_URL) {
        return fail(call, ORDO_E_INVAL, "URL longer than %d bytes", MAX_URL);
    }
    call->url = curl_url();
    if (!call->url) {
        ordo_oom(sizeof(void *));
    }
    uc = curl_url_set(call->url, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME);
    if (uc == CURLUE_OK) {
        uc = curl_url_get(call->url, CURLUPART_SCHEME, &scheme, 0);
    }
    if (uc != CURLUE_OK) {
        return fail(call, ORDO_E_INVAL, "malformed URL: %s", curl_url_strerror(uc));
    }
    rc = check_scheme(call, scheme);
    if (rc == ORDO_OK) {
        rc = set_origin(call, scheme);
    }
    curl_free(scheme);
    return rc;
}

static bool has_header(const struct ordo_httpc_request *req, const char *name)
{
    for (size_t i = 0; i < req->nheaders; i++) {
        if (req->headers[i].name && strcasecmp(req->headers[i].name, name) == 0) {
            return true;
        }
    }
    return false;
}

static struct curl_slist *append_line(struct curl_slist *list, const char *line)
{
    struct curl_slist *next = curl_slist_append(list, line);

    if (!next) {
        ordo_oom(strlen(line));
    }
    return next;
}

/* curl's forms: "Name: value"; "Name:" removes a header curl would send;
 * "Name;" sends it with an empty value. */
static const char *header_separator(const char *value)
{
    if (!value) {
        return ":";
    }
    return *value ? ": " : ";";
}

/* The header lines of the request, in '*out' (the caller frees it). */
static enum ordo_code build_headers(struct call *call, struct curl_slist **out)
{
    const struct ordo_httpc_request *req = call->req;
    struct ordo_buf line = ORDO_BUF_INIT;
    enum ordo_code rc = ORDO_OK;

    if (!has_header(req, "Expect")) {
        *out = append_line(*out, "Expect:");
    }
    if (!has_header(req, "Content-Type")) {
        *out = append_line(*out, "Content-Type:");
    }
    for (size_t i = 0; i < req->nheaders && rc == ORDO_OK; i++) {
        const struct ordo_httpc_header *h = &req->headers[i];
        char quoted[80];

        if (!h->name || !is_token(h->name, 256)) {
            rc =
                fail(call, ORDO_E_INVAL, "HTTP header name \"%s\" is not a token",
                     h->name ? ordo_utf8_quote(quoted, sizeof(quoted), h->name, strlen(h->name), 40)
                             : "(null)");
        } else if (h->value && strpbrk(h->value, "\r\n")) {
            rc =
                fail(call, ORDO_E_INVAL, "value of HTTP header \"%s\" holds a line break", h->name);
        } else {
            ordo_buf_reset(&line);
            ordo_buf_printf(&line, "%s%s%s", h->name, header_separator(h->value),
                            h->value ? h->value : "");
            *out = append_line(*out, ordo_buf_cstr(&line));
        }
    }
    ordo_buf_cleanup(&line);
    return rc;
}

/* SET(option, value) inside a function with 'CURL *h' and 'bool ok'. */
#define SET(opt, val) (ok = ok && curl_easy_setopt(h, (opt), (val)) == CURLE_OK)

static bool set_method(CURL *h, const struct ordo_httpc_request *req, const char *m, bool resend_ok)
{
    bool ok = true;
    bool empty_body = strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0 || strcmp(m, "PATCH") == 0;

    /* A new connection has nothing for libcurl to retry on: if it dies, the caller hears of it
     * (struct ordo_httpc_policy, resend_ok). Only the methods HTTP calls idempotent may go
     * twice; curl_easy_reset() clears this for the next call. */
    if (!resend_ok && strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 &&
        strcmp(m, "OPTIONS") != 0 && strcmp(m, "PUT") != 0 && strcmp(m, "DELETE") != 0) {
        SET(CURLOPT_FRESH_CONNECT, 1L);
    }
    if (strcmp(m, "GET") == 0) {
        return SET(CURLOPT_HTTPGET, 1L);
    }
    if (strcmp(m, "HEAD") == 0) {
        return SET(CURLOPT_NOBODY, 1L);
    }
    if (strcmp(m, "POST") == 0) {
        SET(CURLOPT_POST, 1L);
    } else {
        SET(CURLOPT_CUSTOMREQUEST, m);
    }
    if (req->body || empty_body) {
        SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(req->body ? req->body_len : 0));
        SET(CURLOPT_POSTFIELDS, req->body ? req->body : "");
    }
    return ok;
}

static bool set_options(struct call *call, struct curl_slist *headers)
{
    struct ordo_httpc *c = call->c;
    const struct ordo_httpc_policy *p = &c->policy;
    const char *protocols = p->https_only ? "https" : "http,https";
    int64_t total = call->req->timeout_ms > 0 && call->req->timeout_ms < p->timeout_ms
                        ? call->req->timeout_ms
                        : p->timeout_ms;
    int64_t connect = p->connect_timeout_ms < total ? p->connect_timeout_ms : total;
    int redirects = call->redirects;
    CURL *h = c->curl;
    bool ok = true;

    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_ERRORBUFFER, c->errbuf);
    SET(CURLOPT_CURLU, call->url);
    SET(CURLOPT_PROTOCOLS_STR, protocols);
    SET(CURLOPT_REDIR_PROTOCOLS_STR, protocols);
    SET(CURLOPT_PROXY, "");
    SET(CURLOPT_NOPROXY, "*");
    SET(CURLOPT_OPENSOCKETFUNCTION, open_socket_cb);
    SET(CURLOPT_OPENSOCKETDATA, c);
    SET(CURLOPT_WRITEFUNCTION, write_cb);
    SET(CURLOPT_WRITEDATA, c);
    SET(CURLOPT_HEADERFUNCTION, header_cb);
    SET(CURLOPT_HEADERDATA, c);
    SET(CURLOPT_CONNECTTIMEOUT_MS, (long)connect);
    SET(CURLOPT_TIMEOUT_MS, (long)total);
    if (!p->truncate_body) {
        SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)p->max_body);
    }
    SET(CURLOPT_ACCEPT_ENCODING, "");
    SET(CURLOPT_USERAGENT, USER_AGENT);
    SET(CURLOPT_SSL_VERIFYPEER, 1L);
    SET(CURLOPT_SSL_VERIFYHOST, 2L);
    SET(CURLOPT_FOLLOWLOCATION, redirects > 0 ? 1L : 0L);
    SET(CURLOPT_MAXREDIRS, redirects > 0 ? (long)redirects : 0L);
    SET(CURLOPT_HTTPHEADER, headers);
    return ok && set_method(h, call->req, call->method, p->resend_ok);
}

#undef SET

/* Host "[::1]" or "127.0.0.1" is address "::1" or "127.0.0.1" (or unknown). */
static bool same_address(const char *host, const char *addr)
{
    size_t n = strlen(addr);

    if (host[0] == '[') {
        return strncmp(host + 1, addr, n) == 0 && host[n + 1] == ']' && host[n + 2] == '\0';
    }
    return !host[0] || strcmp(host, addr) == 0;
}

/* The guard refused every address of the hop that failed. */
static enum ordo_code fail_blocked(struct call *call)
{
    struct ordo_httpc *c = call->c;
    long hops = 0;
    const char *redirect;

    (void)curl_easy_getinfo(c->curl, CURLINFO_REDIRECT_COUNT, &hops);
    redirect = hops > 0 ? ", the target of a redirect," : "";
    if (same_address(c->blocked_host, c->blocked_addr)) {
        return fail(call, ORDO_E_FORBIDDEN,
                    "address %s%s is not allowed (%s); add it to http_allow to permit it",
                    c->blocked_addr, redirect, c->blocked_why);
    }
    return fail(call, ORDO_E_FORBIDDEN,
                "address %s of host \"%s\"%s is not allowed (%s); add it to http_allow to "
                "permit it",
                c->blocked_addr, c->blocked_host, redirect, c->blocked_why);
}

/* Map a failed transfer to Ordo's codes (httpc.h). */
static enum ordo_code fail_transfer(struct call *call, CURLcode cc)
{
    struct ordo_httpc *c = call->c;
    const char *m = call->method, *o = call->origin;

    switch (cc) {
    case CURLE_COULDNT_CONNECT:
        if (c->n_blocked > 0 && c->n_opened == 0) {
            return fail_blocked(call);
        }
        return fail(call, ORDO_E_AGAIN, "could not %s %s: %s", m, o, curl_text(call, cc));
    case CURLE_OPERATION_TIMEDOUT:
        return fail(call, ORDO_E_TIMEOUT, "could not %s %s: %s", m, o, curl_text(call, cc));
    case CURLE_FILESIZE_EXCEEDED:
        return fail(call, ORDO_E_TOOBIG,
                    "could not %s %s: the response body is larger than %zu bytes", m, o,
                    c->policy.max_body);
    case CURLE_UNSUPPORTED_PROTOCOL: /* the URL's own scheme was checked before */
        return fail(call, ORDO_E_FORBIDDEN,
                    "could not %s %s: a redirect led to a scheme that is not allowed (%s)", m, o,
                    c->policy.https_only ? "https only" : "http and https only");
    case CURLE_TOO_MANY_REDIRECTS:
        return fail(call, ORDO_E_UNPROCESSABLE, "could not %s %s: more than %d redirects", m, o,
                    call->redirects);
    case CURLE_URL_MALFORMAT:
        return fail(call, ORDO_E_INVAL, "could not %s %s: %s", m, o, curl_text(call, cc));
    case CURLE_OUT_OF_MEMORY:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_UNKNOWN_OPTION:
    case CURLE_NOT_BUILT_IN:
    case CURLE_FAILED_INIT:
        return fail(call, ORDO_E_INTERNAL, "could not %s %s: %s", m, o, curl_text(call, cc));
    default:
        break;
    }
    if (c->body_too_big) {
        return fail(call, ORDO_E_TOOBIG,
                    "could not %s %s: the response body is larger than %zu bytes", m, o,
                    c->policy.max_body);
    }
    if (c->hdrs_too_big) {
        return fail(call, ORDO_E_TOOBIG,
                    "could not %s %s: the response headers pass %d lines or %d bytes", m, o,
                    ORDO_HTTPC_MAX_HEADERS, ORDO_HTTPC_MAX_HEADER_BYTES);
    }
    return fail(call, ORDO_E_AGAIN, "could not %s %s: %s", m, o, curl_text(call, cc));
}

static void clear_response(struct ordo_httpc *c, struct ordo_httpc_response *resp)
{
    memset(resp, 0, sizeof(*resp));
    resp->body = "";
    resp->retry_after_ms = -1;
    if (c->body.cap > KEEP_BODY_MEMORY) {
        ordo_buf_cleanup(&c->body); /* a worker need not keep its largest answer forever */
    }
    ordo_buf_reset(&c->body);
    reset_headers(c);
    c->body_too_big = c->hdrs_too_big = false;
    c->n_blocked = c->n_opened = 0;
    c->errbuf[0] = '\0';
}

static void fill_response(struct ordo_httpc *c, struct ordo_httpc_response *resp)
{
    char *ip = NULL;
    const char *retry;

    (void)curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &resp->status);
    if (curl_easy_getinfo(c->curl, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip) {
        (void)snprintf(resp->remote_ip, sizeof(resp->remote_ip), "%s", ip);
    }
    resp->body = ordo_buf_cstr(&c->body);
    resp->body_len = c->body.len;
    retry = ordo_httpc_header(c, "Retry-After");
    resp->retry_after_ms = retry ? ordo_httpc_parse_retry_after(retry, ordo_clock_wall_ms()) : -1;
}

static enum ordo_code perform(struct call *call, struct ordo_httpc_response *resp)
{
    struct ordo_httpc *c = call->c;
    struct curl_slist *headers = NULL;
    enum ordo_code rc;
    CURLcode cc;

    rc = check_method(call);
    if (rc == ORDO_OK) {
        rc = check_url(call);
    }
    if (rc == ORDO_OK) {
        rc = build_headers(call, &headers);
    }
    if (rc != ORDO_OK) {
        curl_slist_free_all(headers);
        return rc;
    }
    curl_easy_reset(c->curl); /* keeps live connections and the DNS cache */
    if (!set_options(call, headers)) {
        curl_slist_free_all(headers);
        return fail(call, ORDO_E_INTERNAL, "could not set up a request to %s", call->origin);
    }
    cc = curl_easy_perform(c->curl);
    curl_slist_free_all(headers);
    if (cc != CURLE_OK) {
        return fail_transfer(call, cc);
    }
    fill_response(c, resp);
    return ORDO_OK;
}

enum ordo_code ordo_httpc_do(struct ordo_httpc *c, const struct ordo_httpc_request *req,
                             struct ordo_httpc_response *resp, struct ordo_err *err)
{
    struct call call = {.c = c, .req = req, .method = "GET", .err = err};
    enum ordo_code rc;

    clear_response(c, resp);
    call.redirects = req->max_redirects < 0 ? 0 : req->max_redirects;
    call.redirects =
        call.redirects > ORDO_HTTPC_MAX_REDIRECTS ? ORDO_HTTPC_MAX_REDIRECTS : call.redirects;
    c->call = &call;
    rc = perform(&call, resp);
    if (rc != ORDO_OK) {
        clear_response(c, resp);
    }
    /* Nothing of this call may outlive it in the handle: the URL, the
     * headers and the body are the caller's. */
    (void)curl_easy_setopt(c->curl, CURLOPT_CURLU, (CURLU *)NULL);
    (void)curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, (struct curl_slist *)NULL);
    (void)curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, (char *)NULL);
    c->call = NULL;
    curl_url_cleanup(call.url);
    ordo_arena_free(call.arena);
    return rc;
}

const char *ordo_httpc_header(const struct ordo_httpc *c, const char *name)
{
    for (size_t i = c->nhdr; i-- > 0;) {
        const char *h = c->hdrs.data + c->hdr[i].name;

        if (strcasecmp(h, name) == 0) {
            return c->hdrs.data + c->hdr[i].value;
        }
    }
    return NULL;
}

/* --- Retry-After --------------------------------------------------------- */

int64_t ordo_httpc_parse_retry_after(const char *value, int64_t now_ms)
{
    const char *p = value;
    size_t len;
    char date[64];
    time_t t;
    int64_t s = 0;

    if (!p) {
        return -1;
    }
    len = strlen(p);
    trim(&p, &len);
    if (len > 0 && ordo_is_digit(p[0])) {
        for (size_t i = 0; i < len; i++) {
            if (!ordo_is_digit(p[i])) {
                return -1;
            }
            s = s > RETRY_AFTER_MAX ? s : s * 10 + (p[i] - '0');
        }
        return (s > RETRY_AFTER_MAX ? RETRY_AFTER_MAX : s) * 1000;
    }
    /* An HTTP-date starts with the day's name; curl reads all three forms. */
    if (len == 0 || len >= sizeof(date) ||
        !((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z'))) {
        return -1;
    }
    memcpy(date, p, len);
    date[len] = '\0';
    t = curl_getdate(date, NULL);
    if (t == (time_t)-1) {
        return -1;
    }
    if ((int64_t)t - now_ms / 1000 > RETRY_AFTER_MAX) {
        return RETRY_AFTER_MAX * 1000;
    }
    s = (int64_t)t * 1000 - now_ms;
    return s > 0 ? s : 0;
}
