/*
 * integrations/common/text.h - pure text helpers the bundled connectors
 * share: URL pieces, Basic auth, Link headers, providers' error bodies.
 *
 * No host, no I/O: everything here is a function of its arguments, so
 * tests/unit/test_connector_schemas.c checks it directly. Strings that are
 * returned are malloc()ed and the caller frees them; a NULL argument where
 * text is expected counts as "". Allocation failure aborts (as everywhere
 * in Ordo, STYLE.md "Memory").
 *
 * Thread safety: no shared state.
 */
#ifndef ORDO_INTEGRATIONS_COMMON_TEXT_H
#define ORDO_INTEGRATIONS_COMMON_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* malloc() that aborts with a line on stderr instead of answering NULL. */
void *ordo_conn_xmalloc(size_t size);
char *ordo_conn_xstrdup(const char *s);

/* Percent-encode 's' for one URL path segment or one query name or value
 * (RFC 3986): everything but the unreserved A-Z a-z 0-9 - . _ ~ becomes
 * %XX (upper-case hex), so "a b/c" gives "a%20b%2Fc". */
char *ordo_conn_pct_encode(const char *s);

/* Standard base64 (RFC 4648, with padding) of 'len' bytes. */
char *ordo_conn_base64(const void *data, size_t len);

/* The value of an Authorization header for HTTP Basic: "Basic " +
 * base64(user ":" password). */
char *ordo_conn_basic_auth(const char *user, const char *password);

/* 'base' and 'path' with exactly one '/' between them: trailing slashes of
 * 'base' and leading ones of 'path' are dropped. An empty 'path' gives
 * 'base' without its trailing slashes. */
char *ordo_conn_url_join(const char *base, const char *path);

/* The URL of rel="next" in an RFC 8288 Link header value (GitHub's
 * pagination), or NULL when there is none. 'rel' may hold several
 * space-separated relation types, quoted or not. */
char *ordo_conn_link_next(const char *link);

/* The provider's own explanation in an error answer, written to 'buf'
 * (always NUL-terminated, cut to 'size'): JSON bodies of the shapes
 *   Jira     {"errorMessages":["..."],"errors":{"field":"..."}}
 *   GitHub   {"message":"...","errors":[{"field":"...","code":"...","message":"..."}]}
 *   generic  {"error":"..."|{"message":"..."},"error_description":"..."},
 *            {"detail":"..."}, {"title":"..."}
 * joined with "; ", else the first line of a plain-text body. HTML and
 * empty bodies give "". Control characters become spaces. Returns the
 * length written. */
size_t ordo_conn_error_text(const char *body, size_t len, char *buf, size_t size);

/* A comma-separated list ("a, b,,c ") as a new JSON array of trimmed,
 * non-empty strings (["a","b","c"]); NULL or "" gives []. */
json_t *ordo_conn_split_list(const char *s);

/* The strings of the JSON array 'list' joined with 'separator' ("a,b,c");
 * other members are skipped. */
char *ordo_conn_join_list(const json_t *list, const char *separator);

/* 's' without leading and trailing spaces, tabs, CR and LF. */
char *ordo_conn_trim(const char *s);

/* True when 'haystack' contains 'needle', ignoring ASCII case. */
bool ordo_conn_contains_ci(const char *haystack, const char *needle);

#endif
