/* server/c7_util.c - what the Camunda 7 routes share (server/c7.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/calendar.h"
#include "base/json.h"
#include "server/api.h"
#include "server/c7.h"

#define PAGE "500" /* ORDO_QUERY_MAX_LIMIT: the fewest round trips per walk */

enum ordo_code ordo_c7_tenant(const char *tenant, const char *what, struct ordo_err *err)
{
    if (!tenant || strcmp(tenant, "default") == 0) {
        return ORDO_OK;
    }
    return ordo_err_set(err, ORDO_E_INVAL,
                        "%s \"%.60s\" is not supported: Ordo has one tenant; leave it out or "
                        "use \"default\"",
                        what, tenant);
}

enum ordo_code ordo_c7_tenant_json(const json_t *value, const char *what, struct ordo_err *err)
{
    const json_t *v;
    size_t i;

    if (!value || json_is_null(value)) {
        return ORDO_OK;
    }
    if (json_is_string(value)) {
        return ordo_c7_tenant(json_string_value(value), what, err);
    }
    if (!json_is_array(value)) {
        return ordo_err_set(err, ORDO_E_INVAL, "%s must be a string or an array of strings", what);
    }
    json_array_foreach(value, i, v)
    {
        if (!json_is_string(v)) {
            return ordo_err_set(err, ORDO_E_INVAL, "%s must hold strings", what);
        }
        if (ordo_c7_tenant(json_string_value(v), what, err) != ORDO_OK) {
            return ORDO_E_INVAL;
        }
    }
    return ORDO_OK;
}

json_t *ordo_c7_time(const json_t *ordo_time)
{
    const char *s = json_string_value(ordo_time);
    size_t n = s ? strlen(s) : 0;
    char buf[64];

    if (n == 0 || n >= sizeof buf - 5 || s[n - 1] != 'Z') {
        return s ? json_string(s) : json_null();
    }
    (void)snprintf(buf, sizeof buf, "%.*s+0000", (int)(n - 1), s);
    return json_string(buf);
}

json_t *ordo_c7_time_ms(int64_t ms)
{
    char buf[ORDO_RFC3339_MS_SIZE];
    json_t *z, *out;

    ordo_format_rfc3339_ms(ms, buf);
    z = json_string(buf);
    out = ordo_c7_time(z);
    json_decref(z);
    return out;
}

enum ordo_code ordo_c7_query_count(struct ordo_http_req *req, const char *name, int64_t fallback,
                                   int64_t *out, struct ordo_err *err)
{
    const char *s = ordo_http_query(req, name);
    char *end = NULL;
    long long n;

    *out = fallback;
    if (!s) {
        return ORDO_OK;
    }
    n = strtoll(s, &end, 10);
    /* Capped, so that firstResult + maxResults cannot overflow. */
    if (end == s || *end || n < 0 || n > ORDO_C7_MAX_COUNT || s[0] == '-' || s[0] == '+' ||
        s[0] == ' ') {
        return ordo_err_set(err, ORDO_E_INVAL, "%s must be an integer from 0 to %lld", name,
                            (long long)ORDO_C7_MAX_COUNT);
    }
    *out = n;
    return ORDO_OK;
}

void ordo_c7_no_content(struct ordo_http_req *req)
{
    ordo_http_reply_json(req, 204, NULL);
}

enum ordo_code ordo_c7_paging(struct ordo_http_req *req, struct ordo_c7_walk *w,
                              struct ordo_err *err)
{
    enum ordo_code rc = ordo_c7_query_count(req, "firstResult", 0, &w->first, err);

    return rc == ORDO_OK ? ordo_c7_query_count(req, "maxResults", -1, &w->max, err) : rc;
}

enum ordo_code ordo_c7_list(struct ordo_http_req *req, const char *const *filters,
                            struct ordo_c7_walk *w, json_t *(*dto)(const json_t *),
                            struct ordo_err *err)
{
    const char *known[24];
    size_t n = 0;
    struct ordo_store *st = NULL;
    json_t *items = NULL, *out, *item;
    size_t i;
    enum ordo_code rc;

    for (; n < sizeof known / sizeof known[0] - 4 && filters[n]; n++) {
        known[n] = filters[n];
    }
    known[n++] = "firstResult";
    known[n++] = "maxResults";
    known[n++] = "tenantIdIn";
    known[n] = NULL;
    rc = ordo_http_query_known(req, known, err);
    if (rc == ORDO_OK) {
        rc = ordo_c7_paging(req, w, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_c7_tenant(ordo_http_query(req, "tenantIdIn"), "tenantIdIn", err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_api_store(req, &st, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_c7_walk(st, w, &items, NULL, err);
    }
    if (rc != ORDO_OK) {
        return rc;
    }
    out = json_array();
    json_array_foreach(items, i, item)
    {
        json_array_append_new(out, dto(item));
    }
    json_decref(items);
    ordo_http_reply_json(req, 200, out);
    return ORDO_OK;
}

/* Keep the page's accepted items within the window; false when the walk
 * has what it needs. */
static bool take_page(const struct ordo_c7_walk *w, const json_t *page, json_t *items,
                      int64_t *seen, bool counting)
{
    const json_t *item;
    size_t i;

    json_array_foreach(json_object_get(page, "items"), i, item)
    {
        if (w->keep && !w->keep(item, w->keep_ctx)) {
            continue;
        }
        if (*seen >= w->first && (w->max < 0 || *seen < w->first + w->max)) {
            json_array_append(items, (json_t *)item);
        }
        ++*seen;
        if (!counting && w->max >= 0 && *seen >= w->first + w->max) {
            return false;
        }
    }
    return true;
}

enum ordo_code ordo_c7_walk(struct ordo_store *st, const struct ordo_c7_walk *w, json_t **items,
                            int64_t *count, struct ordo_err *err)
{
    json_t *out = json_array();
    char *after = NULL;
    int64_t seen = 0;
    enum ordo_code rc = ORDO_OK;

    for (size_t scanned = 0; scanned < ORDO_C7_SCAN_MAX;) {
        json_t *page = NULL;
        const char *next;
        bool more;

        if (!count && w->max >= 0 && seen >= w->first + w->max) {
            break; /* maxResults=0 reads nothing */
        }
        rc = w->fetch(st, w->query, after, &page, err);
        if (rc != ORDO_OK) {
            break;
        }
        more = take_page(w, page, out, &seen, count != NULL);
        scanned += json_array_size(json_object_get(page, "items"));
        next = json_string_value(json_object_get(page, "next"));
        free(after);
        after = more && next ? strdup(next) : NULL;
        json_decref(page);
        if (!after) {
            break;
        }
    }
    free(after);
    if (rc != ORDO_OK) {
        json_decref(out);
        return rc;
    }
    if (count) {
        *count = seen;
    }
    if (items) {
        *items = out;
    } else {
        json_decref(out);
    }
    return ORDO_OK;
}

json_t *ordo_c7_member(const json_t *doc, const char *name)
{
    json_t *v = json_object_get(doc, name);

    return v ? v : json_null();
}

json_t *ordo_c7_definition_dto(const json_t *def)
{
    const json_t *key = ordo_c7_member(def, "key");

    return json_pack("{s:O, s:O, s:n, s:n, s:O, s:O, s:O, s:O, s:n, s:b, s:n, s:n, s:n, s:b}", "id",
                     key, "key", ordo_c7_member(def, "processId"), "category", "description",
                     "name", ordo_c7_member(def, "name"), "version", ordo_c7_member(def, "version"),
                     "resource", ordo_c7_member(def, "resource"), "deploymentId", key, "diagram",
                     "suspended", json_is_true(json_object_get(def, "suspended")), "tenantId",
                     "versionTag", "historyTimeToLive", "startableInTasklist", 1);
}

json_t *ordo_c7_instance_dto(const json_t *inst)
{
    const char *state = json_string_value(json_object_get(inst, "state"));

    return json_pack("{s:[], s:O, s:O, s:O, s:n, s:b, s:b, s:n}", "links", "id",
                     ordo_c7_member(inst, "key"), "definitionId",
                     ordo_c7_member(inst, "definitionKey"), "businessKey",
                     ordo_c7_member(inst, "businessKey"), "caseInstanceId", "ended",
                     !state || strcmp(state, "active") != 0, "suspended",
                     json_is_true(json_object_get(inst, "suspended")), "tenantId");
}
