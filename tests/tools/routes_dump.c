/*
 * tests/tools/routes_dump.c - print the routing table (server/api_routes.c)
 * as JSON, for the OpenAPI diff (tests/oracle/openapi-routes.js) and by
 * hand.
 *
 * Output: one JSON array on stdout, one object per route in table order:
 * {"method","pattern","roles" (role names in the order of enum ordo_role,
 * [] for an open route),"open","kind" ("sync", "stream" or "deferred"),
 * "max_body" (bytes; 0: the route takes no body),"summary"}. Exit status 0,
 * or 1 when the output could not be written.
 */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "core/identity.h"
#include "server/api.h"
#include "server/route.h"

static const char *kind_name(enum ordo_route_kind kind)
{
    switch (kind) {
    case ORDO_ROUTE_STREAM:
        return "stream";
    case ORDO_ROUTE_DEFERRED:
        return "deferred";
    case ORDO_ROUTE_SYNC:
    default:
        return "sync";
    }
}

int main(void)
{
    json_t *list = json_array();
    int rc;

    for (size_t i = 0; i < ordo_api_nroutes; i++) {
        const struct ordo_route *r = &ordo_api_routes[i];

        json_array_append_new(
            list, json_pack("{s:s, s:s, s:o, s:b, s:s, s:I, s:s}", "method", r->method, "pattern",
                            r->pattern, "roles", ordo_roles_to_json(r->roles), "open",
                            ordo_route_is_open(r), "kind", kind_name(r->kind), "max_body",
                            (json_int_t)r->max_body, "summary", r->summary));
    }
    rc = json_dumpf(list, stdout, JSON_INDENT(1));
    json_decref(list);
    if (rc != 0 || puts("") == EOF || fflush(stdout) != 0) {
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
