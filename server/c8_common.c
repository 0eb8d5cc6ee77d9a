/* server/c8_common.c - see server/c8.h. */
#include <string.h>

#include "base/json.h"
#include "core/query.h"
#include "server/api.h"
#include "server/c8.h"

enum ordo_code ordo_c8_invalid(enum ordo_code rc, struct ordo_err *err)
{
    if (rc != ORDO_E_UNPROCESSABLE) {
        return rc;
    }
    if (err) {
        err->code = ORDO_E_INVAL;
    }
    return ORDO_E_INVAL;
}

enum ordo_code ordo_c8_tenant(const json_t *value, const char *name, struct ordo_err *err)
{
    if (!value || json_is_null(value)) {
        return ORDO_OK;
    }
    if (!json_is_string(value)) {
        return ordo_err_set(err, ORDO_E_INVAL, "%s must be a string, not %s", name,
                            ordo_json_type_name(value));
    }
    if (strcmp(json_string_value(value), ORDO_C8_TENANT) != 0) {
        return ordo_err_set(err, ORDO_E_INVAL,
                            "unknown tenant \"%.64s\": Ordo has one tenant, \"" ORDO_C8_TENANT
                            "\" (leave %s out)",
                            json_string_value(value), name);
    }
    return ORDO_OK;
}

enum ordo_code ordo_c8_body(struct ordo_http_req *req, const char *const *allowed, json_t **out,
                            struct ordo_err *err)
{
    enum ordo_code rc = ordo_c8_invalid(ordo_http_body_object(req, allowed, out, err), err);

    for (size_t i = 0; rc == ORDO_OK && allowed[i]; i++) {
        if (strcmp(allowed[i], "tenantId") == 0) {
            rc = ordo_c8_tenant(json_object_get(*out, "tenantId"), "tenantId", err);
        }
    }
    return rc;
}

enum ordo_code ordo_c8_variables(const json_t *body, const json_t **vars, struct ordo_err *err)
{
    return ordo_c8_invalid(ordo_api_variables(body, vars, err), err);
}

enum ordo_code ordo_c8_opt_int(const json_t *body, const char *name, json_int_t lo, json_int_t hi,
                               json_int_t *out, struct ordo_err *err)
{
    json_int_t v = *out;
    enum ordo_code rc = ordo_c8_invalid(ordo_json_opt_int(body, name, &v, err), err);

    if (rc == ORDO_OK && (v < lo || v > hi)) {
        return ordo_err_set(err, ORDO_E_INVAL, "%s must be %lld..%lld", name, (long long)lo,
                            (long long)hi);
    }
    *out = v;
    return rc;
}

enum ordo_code ordo_c8_key(const json_t *value, const char *name, int64_t *out,
                           struct ordo_err *err)
{
    struct ordo_err why = {0};

    if (json_is_integer(value) && json_integer_value(value) > 0) {
        *out = json_integer_value(value);
        return ORDO_OK;
    }
    if (json_is_string(value) &&
        ordo_query_parse_key(json_string_value(value), name, out, &why) == ORDO_OK) {
        return ORDO_OK;
    }
    return ordo_err_set(err, ORDO_E_INVAL, "%s must be a key (a decimal string)", name);
}
