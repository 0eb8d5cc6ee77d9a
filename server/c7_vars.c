/*
 * server/c7_vars.c - Camunda 7 typed variables to Ordo's plain JSON and
 * back (server/c7.h). The type table is in docs/camunda7-rest.md.
 *
 * Ordo keeps variables as JSON documents (CONTRACTS §6), so a type only
 * says how to read a value: numbers stay numbers, Json text is parsed,
 * Date and Xml are text. Serialized Java objects, files and bytes have no
 * JSON form here and are refused rather than stored as opaque text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/json.h"
#include "server/c7.h"

#define MAX_JSON_TEXT ((size_t)1024 * 1024)

enum c7_type {
    T_ANY, /* no type given: the value as it is */
    T_STRING,
    T_INTEGER,
    T_LONG,
    T_SHORT,
    T_DOUBLE,
    T_BOOLEAN,
    T_DATE,
    T_JSON,
    T_XML,
    T_NULL,
    T_REFUSED,
};

static const struct {
    const char *name;
    enum c7_type type;
} types[] = {
    {"String", T_STRING}, {"Integer", T_INTEGER}, {"Long", T_LONG},      {"Short", T_SHORT},
    {"Double", T_DOUBLE}, {"Boolean", T_BOOLEAN}, {"Date", T_DATE},      {"Json", T_JSON},
    {"Xml", T_XML},       {"Null", T_NULL},       {"Object", T_REFUSED}, {"File", T_REFUSED},
    {"Bytes", T_REFUSED},
};

static bool find_type(const char *name, enum c7_type *out)
{
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        if (strcasecmp(types[i].name, name) == 0) {
            *out = types[i].type;
            return true;
        }
    }
    return false;
}

static enum ordo_code bad(struct ordo_err *err, const char *what, const char *name, const char *why)
{
    return ordo_err_set(err, ORDO_E_INVAL, "%s \"%.60s\": %s", what, name, why);
}

/* An integer type: a JSON integer, or decimal text (Camunda accepts both),
 * within the type's range. */
static enum ordo_code read_integer(const json_t *v, enum c7_type t, const char *what,
                                   const char *name, json_t **out, struct ordo_err *err)
{
    json_int_t n = 0;
    int64_t lo = t == T_SHORT ? INT16_MIN : t == T_INTEGER ? INT32_MIN : INT64_MIN;
    int64_t hi = t == T_SHORT ? INT16_MAX : t == T_INTEGER ? INT32_MAX : INT64_MAX;

    if (json_is_integer(v)) {
        n = json_integer_value(v);
    } else if (json_is_string(v)) {
        json_t *parsed = NULL;

        if (ordo_json_parse(json_string_value(v), json_string_length(v), NULL, &parsed, NULL) !=
                ORDO_OK ||
            !json_is_integer(parsed)) {
            json_decref(parsed);
            return bad(err, what, name, "the value is not an integer");
        }
        n = json_integer_value(parsed);
        json_decref(parsed);
    } else {
        return bad(err, what, name, "the value is not an integer");
    }
    if (n < lo || n > hi) {
        return bad(err, what, name, "the value is out of the type's range");
    }
    *out = json_integer(n);
    return ORDO_OK;
}

static enum ordo_code read_json_text(const json_t *v, const char *what, const char *name,
                                     json_t **out, struct ordo_err *err)
{
    struct ordo_json_limits lim = {MAX_JSON_TEXT, 0};

    if (!json_is_string(v)) {
        *out = json_deep_copy(v); /* already JSON: taken as it is */
        return ORDO_OK;
    }
    if (ordo_json_parse(json_string_value(v), json_string_length(v), &lim, out, NULL) != ORDO_OK) {
        return bad(err, what, name, "a Json value must be JSON text");
    }
    return ORDO_OK;
}

static enum ordo_code read_boolean(const json_t *v, const char *what, const char *name,
                                   json_t **out, struct ordo_err *err)
{
    const char *s = json_string_value(v);

    if (json_is_boolean(v)) {
        *out = json_boolean(json_is_true(v));
    } else if (s && (strcasecmp(s, "true") == 0 || strcasecmp(s, "false") == 0)) {
        *out = json_boolean(strcasecmp(s, "true") == 0);
    } else {
        return bad(err, what, name, "the value is not a boolean");
    }
    return ORDO_OK;
}

/* One value of a known type. */
static enum ordo_code read_value(const json_t *v, enum c7_type t, const char *what,
                                 const char *name, json_t **out, struct ordo_err *err)
{
    if (json_is_null(v) && t != T_REFUSED) {
        *out = json_null(); /* every type may be null */
        return ORDO_OK;
    }
    switch (t) {
    case T_ANY:
        *out = json_deep_copy(v);
        return ORDO_OK;
    case T_STRING:
    case T_DATE:
    case T_XML:
        if (!json_is_string(v)) {
            return bad(err, what, name, "the value must be text for this type");
        }
        *out = json_deep_copy(v);
        return ORDO_OK;
    case T_INTEGER:
    case T_LONG:
    case T_SHORT:
        return read_integer(v, t, what, name, out, err);
    case T_DOUBLE:
        if (!json_is_number(v)) {
            return bad(err, what, name, "the value is not a number");
        }
        *out = json_real(json_number_value(v));
        return ORDO_OK;
    case T_BOOLEAN:
        return read_boolean(v, what, name, out, err);
    case T_JSON:
        return read_json_text(v, what, name, out, err);
    case T_NULL:
        return bad(err, what, name, "a Null variable must have the value null");
    case T_REFUSED:
    default:
        break;
    }
    return bad(err, what, name,
               "Object (serialized Java), File and Bytes values are not supported: Ordo keeps "
               "variables as JSON (send the value as Json)");
}

static enum ordo_code read_one(const char *name, const json_t *typed, const char *what,
                               json_t **out, struct ordo_err *err)
{
    const json_t *type = json_object_get(typed, "type");
    const json_t *info = json_object_get(typed, "valueInfo");
    enum c7_type t = T_ANY;

    if (!json_is_object(typed)) {
        return bad(err, what, name, "a typed value must be an object {\"value\", \"type\"}");
    }
    if (info && !json_is_null(info) && !json_is_object(info)) {
        return bad(err, what, name, "valueInfo must be an object");
    }
    if (type && !json_is_null(type) &&
        (!json_is_string(type) || !find_type(json_string_value(type), &t))) {
        return bad(err, what, name,
                   "unknown type (String, Integer, Long, Short, Double, Boolean, Date, Json, Xml "
                   "or Null)");
    }
    return read_value(json_object_get(typed, "value") ? json_object_get(typed, "value")
                                                      : json_null(),
                      t, what, name, out, err);
}

enum ordo_code ordo_c7_vars_plain(const json_t *typed, const char *what, json_t **out,
                                  struct ordo_err *err)
{
    json_t *plain, *v;
    const char *name;

    if (typed && !json_is_null(typed) && !json_is_object(typed)) {
        return ordo_err_set(err, ORDO_E_INVAL, "%s must be an object of typed values, not %s", what,
                            ordo_json_type_name(typed));
    }
    plain = json_object();
    json_object_foreach((json_t *)typed, name, v)
    {
        json_t *value = NULL;

        if (read_one(name, v, what, &value, err) != ORDO_OK) {
            json_decref(plain);
            return err ? err->code : ORDO_E_INVAL;
        }
        json_object_set_new(plain, name, value);
    }
    *out = plain;
    return ORDO_OK;
}

static json_t *typed_value(const json_t *v)
{
    const char *type = "String";
    json_t *value;

    if (json_is_null(v)) {
        type = "Null";
    } else if (json_is_boolean(v)) {
        type = "Boolean";
    } else if (json_is_integer(v)) {
        json_int_t n = json_integer_value(v);

        type = n >= INT32_MIN && n <= INT32_MAX ? "Integer" : "Long";
    } else if (json_is_real(v)) {
        type = "Double";
    } else if (json_is_object(v) || json_is_array(v)) {
        char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

        value = json_string(text ? text : "null");
        free(text);
        return json_pack("{s:o, s:s, s:{}}", "value", value, "type", "Json", "valueInfo");
    }
    return json_pack("{s:O, s:s, s:{}}", "value", v, "type", type, "valueInfo");
}

json_t *ordo_c7_vars_typed(const json_t *plain)
{
    json_t *typed = json_object(), *v;
    const char *name;

    json_object_foreach((json_t *)plain, name, v)
    {
        json_object_set_new(typed, name, typed_value(v));
    }
    return typed;
}
