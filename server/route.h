/*
 * server/route.h - one row of the routing table, and matching a request
 * against the table.
 *
 * A pattern is a path whose segments are literal or a parameter written
 * "{name}", matching one non-empty segment: "/api/instances/{key}/cancel".
 * A pattern whose last segment is a star matches that prefix and
 * anything below it ("/ui/" followed by the star).
 * A path under /engine-rest/engine/default/ matches as the same path under
 * /engine-rest/ (Camunda 7 clients that name the engine), so the table
 * lists the Camunda 7 routes once.
 * The table is static (server/api_routes.c); docs/openapi.yaml lists the
 * same routes with the same roles, and a test diffs the two.
 */
#ifndef ORDO_SERVER_ROUTE_H
#define ORDO_SERVER_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

struct ordo_http_req;

#define ORDO_ROUTE_MAX_PARAMS 4

enum ordo_route_kind {
    ORDO_ROUTE_SYNC,     /* answers at once with JSON (or bytes) */
    ORDO_ROUTE_STREAM,   /* server-sent events */
    ORDO_ROUTE_DEFERRED, /* a long poll, woken by NOTIFY or a timeout */
};

/* The body dialect of errors (CONTRACTS §4). */
enum ordo_route_dialect {
    ORDO_DIALECT_NATIVE,   /* {"error":{"code","message"}} */
    ORDO_DIALECT_CAMUNDA7, /* {"type","message","code"} */
    ORDO_DIALECT_CAMUNDA8, /* application/problem+json */
};

typedef enum ordo_code ordo_route_fn(struct ordo_http_req *req, struct ordo_err *err);

struct ordo_route {
    const char *method;
    const char *pattern;
    enum ordo_route_kind kind;
    unsigned roles; /* enum ordo_role bits that may call it (admin always may); 0: open */
    size_t max_body;
    ordo_route_fn *handler;
    const char *summary; /* one line, for docs and the OpenAPI diff */
};

/* Open routes need no credentials (CONTRACTS §6). */
bool ordo_route_is_open(const struct ordo_route *route);

/* The dialect of a path, by prefix. */
enum ordo_route_dialect ordo_route_dialect(const char *path);

enum ordo_route_match {
    ORDO_ROUTE_FOUND,
    ORDO_ROUTE_NO_PATH,   /* 404 */
    ORDO_ROUTE_NO_METHOD, /* 405 */
};

/* Find the route of 'method' 'path' (without the query string). Parameter
 * values are copied into 'buf' (of 'bufsize' bytes, at least as long as the
 * path) and pointed to by 'params'. */
enum ordo_route_match ordo_route_find(const struct ordo_route *routes, size_t nroutes,
                                      const char *method, const char *path, char *buf,
                                      size_t bufsize, const struct ordo_route **route,
                                      const char *params[ORDO_ROUTE_MAX_PARAMS], size_t *nparams);

#endif
