/*
 * server/c8.h - what the handlers of the Camunda 8 REST dialect under /v2
 * (server/c8_*.c, docs/camunda8-rest.md) share.
 *
 * The dialect answers as the Orchestration Cluster REST API v2 does: keys
 * as decimal strings (CONTRACTS §1), errors as application/problem+json
 * (server/http.c renders them for every /v2 path, CONTRACTS §4), and a
 * request it cannot use as 400 (Camunda's INVALID_ARGUMENT), where the
 * native API says 422. Ordo has one tenant: a tenantId that is absent,
 * null or "<default>" is accepted, any other is a 400 that says so.
 */
#ifndef ORDO_SERVER_C8_H
#define ORDO_SERVER_C8_H

#include <jansson.h>

#include "base/err.h"
#include "server/http.h"

/* Camunda's name of the tenant of a single-tenant cluster. */
#define ORDO_C8_TENANT "<default>"

/* A request refused for its content is 400 in this dialect: turns
 * ORDO_E_UNPROCESSABLE (the shared JSON helpers' code) into ORDO_E_INVAL,
 * in 'err' too, and returns the code. */
enum ordo_code ordo_c8_invalid(enum ordo_code rc, struct ordo_err *err);

/* The body as an object with only the members in 'allowed' (NULL-
 * terminated), as ordo_http_body_object() with the codes of this dialect;
 * its "tenantId", when 'allowed' names it, checked by ordo_c8_tenant(). */
enum ordo_code ordo_c8_body(struct ordo_http_req *req, const char *const *allowed, json_t **out,
                            struct ordo_err *err);

/* A tenant id 'value' (NULL, null or a string), member 'name' of a
 * request, names the one tenant: else ORDO_E_INVAL. */
enum ordo_code ordo_c8_tenant(const json_t *value, const char *name, struct ordo_err *err);

/* The optional "variables" member: an object (or absent, or null: '*vars'
 * NULL), else ORDO_E_INVAL. */
enum ordo_code ordo_c8_variables(const json_t *body, const json_t **vars, struct ordo_err *err);

/* An optional member holding an integer within lo..hi (kept in '*out' when
 * absent or null), else ORDO_E_INVAL naming the range. */
enum ordo_code ordo_c8_opt_int(const json_t *body, const char *name, json_int_t lo, json_int_t hi,
                               json_int_t *out, struct ordo_err *err);

/* A key given in a body (processDefinitionKey, processInstanceKey):
 * decimal text or a JSON integer, > 0; else ORDO_E_INVAL. */
enum ordo_code ordo_c8_key(const json_t *value, const char *name, int64_t *out,
                           struct ordo_err *err);

#endif
