/*
 * server/c7.h - what the Camunda 7 REST dialect's files (server/c7_*.c)
 * share: typed variables, tenants, times and C7-style paging. The routes
 * themselves are declared in server/api.h; docs/camunda7-rest.md is the
 * user's description.
 *
 * Ids: every C7 id is an Ordo key as a decimal string (CONTRACTS §1): a
 * process definition id is the definition's key, a process instance id
 * the instance's, a task id the user task's, an external task id the
 * job's, and a deployment id the key of the first definition it made. A
 * C7 process definition "key" is the BPMN process id.
 */
#ifndef ORDO_SERVER_C7_H
#define ORDO_SERVER_C7_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "server/http.h"

struct ordo_store;

/* ---- typed variables (server/c7_vars.c) ------------------------------------------------------ */

/* A C7 typed map {"x":{"value":..,"type":"Integer","valueInfo":{}}} (an
 * object, or NULL/null: none) to plain JSON variables, a new object in
 * '*out'. Type names are matched case-insensitively; a missing type takes
 * the value as it is. Json values are text (parsed) or JSON; Date and Xml
 * stay text; Object, File and Bytes are refused. Every refusal is
 * ORDO_E_INVAL naming the variable; '*out' is set only on ORDO_OK.
 * 'what' names the map in messages ("variables"). */
enum ordo_code ordo_c7_vars_plain(const json_t *typed, const char *what, json_t **out,
                                  struct ordo_err *err);

/* Plain variables (an object, or NULL: none) as a C7 typed map, a new
 * object: null Null, booleans Boolean, integers Integer (32 bits) or
 * Long, reals Double, strings String, objects and arrays Json (the value
 * as JSON text, as Camunda 7 answers it). */
json_t *ordo_c7_vars_typed(const json_t *plain);

/* ---- small things the routes share (server/c7_util.c) ---------------------------------------- */

/* A tenant id of a request: NULL or "default" is Ordo's one tenant; any
 * other is ORDO_E_INVAL with a message saying so. 'what' names the field. */
enum ordo_code ordo_c7_tenant(const char *tenant, const char *what, struct ordo_err *err);

/* The same for a JSON member (absent, null or "default"; an array of such
 * for the *In filters). */
enum ordo_code ordo_c7_tenant_json(const json_t *value, const char *what, struct ordo_err *err);

/* An Ordo time ("2026-11-26T06:40:07.123Z", or NULL/null) as Camunda 7
 * writes it ("2026-11-26T06:40:07.123+0000"), or JSON null. */
json_t *ordo_c7_time(const json_t *ordo_time);

/* Epoch milliseconds as a Camunda 7 time. */
json_t *ordo_c7_time_ms(int64_t ms);

/* A query parameter that must be a non-negative integer (firstResult,
 * maxResults): '*out' keeps 'fallback' when absent; else ORDO_E_INVAL. */
enum ordo_code ordo_c7_query_count(struct ordo_http_req *req, const char *name, int64_t fallback,
                                   int64_t *out, struct ordo_err *err);

/* Answer 204 with no body. */
void ordo_c7_no_content(struct ordo_http_req *req);

/* C7 lists page by offset (firstResult, maxResults) where Ordo's lists
 * page by cursor: a walk through Ordo's pages of 500 that keeps the items
 * 'keep' accepts (NULL: all) between 'first' and 'first' + 'max', and
 * counts them all ('count' may be NULL). It reads at most
 * ORDO_C7_SCAN_MAX items, so a list (or a count) covers the newest
 * ORDO_C7_SCAN_MAX rows. 'fetch' reads one page after cursor 'after'
 * (NULL: the first) into '*page' ({"items","next"}). */
#define ORDO_C7_SCAN_MAX 5000
typedef enum ordo_code ordo_c7_fetch_fn(struct ordo_store *st, void *query, const char *after,
                                        json_t **page, struct ordo_err *err);
typedef bool ordo_c7_keep_fn(const json_t *item, void *ctx);
struct ordo_c7_walk {
    ordo_c7_fetch_fn *fetch;
    void *query;
    ordo_c7_keep_fn *keep;
    void *keep_ctx;
    int64_t first, max; /* max < 0: no limit */
};
enum ordo_code ordo_c7_walk(struct ordo_store *st, const struct ordo_c7_walk *w, json_t **items,
                            int64_t *count, struct ordo_err *err);

/* The largest count a query parameter may give (firstResult, maxResults). */
#define ORDO_C7_MAX_COUNT 1000000000LL

/* A list route: only the query parameters in 'filters' (NULL-terminated)
 * besides firstResult, maxResults and tenantIdIn (else ORDO_E_INVAL: a
 * filter Ordo does not apply must not widen the answer), paging, the
 * tenant check, the walk, each item mapped by 'dto', answered as a JSON
 * array. */
enum ordo_code ordo_c7_list(struct ordo_http_req *req, const char *const *filters,
                            struct ordo_c7_walk *w, json_t *(*dto)(const json_t *),
                            struct ordo_err *err);

/* firstResult and maxResults of the request into 'w' (maxResults absent:
 * no limit; maxResults=0 answers nothing, as Camunda Modeler's connection
 * check asks). */
enum ordo_code ordo_c7_paging(struct ordo_http_req *req, struct ordo_c7_walk *w,
                              struct ordo_err *err);

/* A member of 'doc', or JSON null when it lacks one (json_pack's "O"
 * refuses NULL). Borrowed. */
json_t *ordo_c7_member(const json_t *doc, const char *name);

/* ---- DTOs (server/c7_util.c) ------------------------------------------------------------------
 */

/* A process definition document of core/query.h as a C7
 * ProcessDefinitionDto. */
json_t *ordo_c7_definition_dto(const json_t *def);

/* An instance document (list item or one instance) as a C7
 * ProcessInstanceDto. */
json_t *ordo_c7_instance_dto(const json_t *inst);

#endif
