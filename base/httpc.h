/*
 * base/httpc.h - Ordo's one HTTP client, over libcurl: the connector plugin
 * host, outbound webhooks and the LLM generator all call out through it.
 *
 *   struct ordo_httpc_policy pol = {.https_only = true};
 *   struct ordo_httpc *c;
 *   struct ordo_httpc_response resp;
 *
 *   rc = ordo_httpc_new(&pol, &c, err);                  (once per thread)
 *   rc = ordo_httpc_do(c, &(struct ordo_httpc_request){.method = "GET",
 *                      .url = "https://api.example.com/v1/x"}, &resp, err);
 *
 * The SSRF guard (docs: security-reliability.md §4). Every address curl is
 * about to connect to - after DNS, for the first request and for each
 * redirect hop - is checked in CURLOPT_OPENSOCKETFUNCTION, so the connection
 * is pinned to the address that was checked: a name that resolves to
 * 127.0.0.1, DNS rebinding, a redirect to http://169.254.169.254/, and
 * spellings such as 2130706433, 0x7f.1 or [::ffff:127.0.0.1] all end at
 * the same check. Refused (ordo_httpc_blocked(), reason in parentheses):
 *   IPv4: 0/8 (unspecified), 10/8, 172.16/12, 192.168/16 (private),
 *   100.64/10 (shared), 127/8 (loopback), 169.254.169.254 (metadata),
 *   169.254/16 (link-local), 192.0.0/24, 198.18/15, 240/4 (reserved),
 *   224/4 (multicast), 255.255.255.255 (broadcast);
 *   IPv6: :: (unspecified), ::1 (loopback), other ::/96 (reserved: the old
 *   IPv4-compatible form), fd00:ec2::254 (metadata), fc00::/7 (private),
 *   fe80::/10 (link-local), fec0::/10 (site-local), ff00::/8 (multicast);
 *   ::ffff:a.b.c.d, 64:ff9b::a.b.c.d (NAT64) and 2002:AABB:CCDD::/48 (6to4)
 *   are unwrapped and their IPv4 address is checked;
 *   any other address family (unix sockets).
 * An address that matches an entry of the policy's allow-list (an IP or a
 * CIDR block, checked against the address as given and, for ::ffff:a.b.c.d,
 * against a.b.c.d) is allowed even when it is in the list above: that is how tests, the demo
 * and on-premises systems reach loopback or private addresses (config key
 * http_allow). No proxy is ever used (CURLOPT_PROXY "" and NOPROXY "*"), so
 * http_proxy in the environment cannot route around the guard; only the
 * schemes of the policy are spoken, on redirects too.
 *
 * Requests. 'method' is GET when NULL; HEAD asks for no body; any other
 * method is sent as given (1 to 16 upper-case letters). A body is sent with
 * any method but GET and HEAD when 'body' is not NULL (POST, PUT and PATCH
 * send an empty body when it is NULL); without a Content-Type header from
 * the caller none is sent (curl would claim a form). Header names are HTTP tokens and values hold
 * no CR or LF (else ORDO_E_INVAL); a header with a NULL value removes one
 * that curl would add; curl's "Expect: 100-continue" is suppressed unless
 * the caller sends an Expect header. Redirects are followed only when
 * 'max_redirects' > 0 (at most 5; larger values count as 5); curl does not
 * forward custom Authorization or Cookie headers to another host. Responses
 * may be compressed (Accept-Encoding lists what curl decodes); the body cap
 * applies to the decoded body, also for chunked answers.
 *
 * Results. Any HTTP status, 4xx and 5xx included, is ORDO_OK with
 * resp->status set: what a status means is the caller's business. Codes:
 *   ORDO_E_INVAL     a malformed URL or request, a scheme other than http
 *                    and https, http:// when the policy is https_only;
 *   ORDO_E_FORBIDDEN every address of the host (or of a redirect target)
 *                    was refused by the guard; a redirect to a scheme the
 *                    policy does not allow. The message reads
 *                    'address 127.0.0.1 of host "localhost" is not allowed
 *                    (loopback); add it to http_allow to permit it';
 *   ORDO_E_TIMEOUT   the connect or total timeout passed;
 *   ORDO_E_AGAIN     DNS, connect, TLS, reset, a truncated answer: worth a
 *                    retry with backoff;
 *   ORDO_E_TOOBIG    the body passed the policy's max_body, or the headers
 *                    of one response passed 100 lines or 64 KiB;
 *   ORDO_E_UNPROCESSABLE more redirects than 'max_redirects';
 *   ORDO_E_INTERNAL  curl itself failed (out of memory, a bad option).
 * Messages name the method and the host, never the path, the query, the
 * userinfo or a value of 'secrets': those, the URL's user name and
 * password and its query values of 4 or more bytes are replaced by "***"
 * in every message and log line a call produces. The guard logs each
 * refused address at warn level (component "httpc": host, address, reason).
 *
 * Ownership and threads: a client belongs to one thread at a time (it owns
 * a CURL easy handle, which keeps connections alive between requests, and
 * the last response's buffers); make one per worker thread. The response's
 * body and headers live in the client until its next ordo_httpc_do() or
 * ordo_httpc_free(). ordo_httpc_new() and ordo_httpc_free() may run on any
 * thread (libcurl 7.84 and later initialise themselves thread-safely). The
 * other functions are pure and thread-safe.
 */
#ifndef ORDO_BASE_HTTPC_H
#define ORDO_BASE_HTTPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "base/err.h"

struct ordo_arena;

#define ORDO_HTTPC_MAX_BODY_DEFAULT ((size_t)10 * 1024 * 1024)
#define ORDO_HTTPC_CONNECT_TIMEOUT  5000  /* ms, when the policy says 0 */
#define ORDO_HTTPC_TIMEOUT          30000 /* ms, when the policy says 0 */
#define ORDO_HTTPC_MAX_REDIRECTS    5
#define ORDO_HTTPC_MAX_HEADERS      100   /* lines of one response */
#define ORDO_HTTPC_MAX_HEADER_BYTES 65536 /* bytes of one response's headers: 64 KiB */
#define ORDO_HTTPC_WHY_SIZE         32    /* room for any reason word */

/* What a client may do; ordo_httpc_new() copies it, strings included. */
struct ordo_httpc_policy {
    /* Allowed although private or loopback: IPs ("127.0.0.1", "::1") or
     * CIDR blocks ("10.0.0.0/8", "fd00::/8"), e.g. from
     * ordo_httpc_parse_allow() of config key http_allow. */
    const char *const *allow;
    size_t nallow;
    bool https_only; /* refuse http:// (production); tests and the demo set false */
    size_t max_body; /* largest response body in bytes; 0: 10 MiB */
    /* Keep the first max_body bytes of a longer response body and read the
     * rest unkept, instead of failing with ORDO_E_TOOBIG: for callers that
     * need the status and a snippet only (outbound webhooks). */
    bool truncate_body;
    /* The receiver takes a request sent twice (outbound webhooks: deliveries carry an id).
     * Otherwise every method but GET, HEAD, OPTIONS, PUT and DELETE (POST, PATCH, custom ones)
     * goes on a new connection each: libcurl sends a request again by
     * itself when a reused connection dies before any answer, and for a write the caller never
     * learns of the first send (a second Jira issue, a second Slack message). */
    bool resend_ok;
    int64_t connect_timeout_ms; /* 0: 5000 */
    int64_t timeout_ms;         /* whole request; 0: 30000; never infinite */
};

struct ordo_httpc; /* opaque: one per thread */

/* A new client with a copy of 'policy' in '*out' (set only on ORDO_OK).
 * ORDO_E_INVAL for a malformed allow-list entry (the message names it) or a
 * negative timeout; ORDO_E_INTERNAL when curl cannot start. */
enum ordo_code ordo_httpc_new(const struct ordo_httpc_policy *policy, struct ordo_httpc **out,
                              struct ordo_err *err);

void ordo_httpc_free(struct ordo_httpc *c); /* NULL is a no-op */

struct ordo_httpc_header {
    const char *name;
    const char *value; /* NULL: do not send this header even if curl would */
};

struct ordo_httpc_request {
    const char *method; /* NULL: GET */
    const char *url;    /* http:// or https:// */
    const struct ordo_httpc_header *headers;
    size_t nheaders;
    const char *body; /* sent as is, 'body_len' bytes; borrowed for the call */
    size_t body_len;
    int64_t timeout_ms; /* 0: the policy's; never more than the policy's */
    int max_redirects;  /* 0: never follow (a 3xx is the response); at most 5 */
    /* Tokens and passwords this call carries (in headers, the body, the
     * path): never written to a message or a log line. */
    const char *const *secrets;
    size_t nsecrets;
};

struct ordo_httpc_response {
    long status;      /* 200, 404, ...; of the last hop when redirects were followed */
    const char *body; /* NUL-terminated (the body may hold NULs: use body_len) */
    size_t body_len;
    int64_t retry_after_ms; /* from a Retry-After header (seconds or HTTP-date), else -1 */
    char remote_ip[64];     /* the address actually connected to */
};

/* Send 'req' and wait for the whole answer, within the timeouts. On ORDO_OK
 * '*resp' is filled; on an error it is zeroed with retry_after_ms -1 and
 * 'err' says why (see the codes above). */
enum ordo_code ordo_httpc_do(struct ordo_httpc *c, const struct ordo_httpc_request *req,
                             struct ordo_httpc_response *resp, struct ordo_err *err);

/* The value of response header 'name' (any case) of the last response,
 * without surrounding white space; for a repeated header the last line
 * wins. NULL when absent or after a failed request. Only the final hop's
 * headers are kept when redirects were followed. Borrowed like the body. */
const char *ordo_httpc_header(const struct ordo_httpc *c, const char *name);

/* Milliseconds to wait from a Retry-After value: delta-seconds ("120") or
 * an HTTP-date, in the IMF-fixdate, RFC 850 or asctime form of RFC 9110,
 * taken relative to 'now_ms' (Unix ms). A date in the past gives 0; anything
 * unparseable, NULL included, gives -1. Very large values are capped at
 * about 100 years. */
int64_t ordo_httpc_parse_retry_after(const char *value, int64_t now_ms);

/* The guard: true when 'sa' ('len' bytes; AF_INET or AF_INET6) may not be
 * connected to under 'policy' (NULL: an empty allow-list), with the reason
 * word ("loopback", "private", "link-local", "metadata", ...) in 'why'
 * ('why_size' bytes; may be NULL); "" in 'why' when allowed. Malformed
 * allow-list entries are ignored here (ordo_httpc_new() refuses them). */
bool ordo_httpc_blocked(const struct sockaddr *sa, socklen_t len,
                        const struct ordo_httpc_policy *policy, char *why, size_t why_size);

/* Split the comma-separated allow-list 'text' (config key http_allow; white
 * space around entries and empty entries are ignored) into an array of
 * entries in 'arena': '*allow' and '*nallow' (set only on ORDO_OK; NULL and
 * 0 for an empty text). ORDO_E_INVAL names the first entry that is not an
 * IP address or a CIDR block with a prefix length that fits the address. */
enum ordo_code ordo_httpc_parse_allow(const char *text, struct ordo_arena *arena,
                                      const char *const **allow, size_t *nallow,
                                      struct ordo_err *err);

#endif
