/*
 * core/query.c - what the files of core/query.h share: rows to JSON by
 * column tables, pages and cursors, parameters, reads in transactions.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/calendar.h"
#include "base/json.h"
#include "core/query_internal.h"

enum ordo_code ordo_query_parse_key(const char *text, const char *what, int64_t *key,
                                    struct ordo_err *err)
{
    char *end = NULL;
    long long v;
    size_t len = text ? strlen(text) : 0;

    /* Digits only: strtoll would take signs, spaces and "0x". */
    if (len == 0 || len > 19 || strspn(text, "0123456789") != len) {
        return ordo_err_set(err, ORDO_E_INVAL, "%s \"%s\" is not a key", what, text ? text : "");
    }
    errno = 0;
    v = strtoll(text, &end, 10);
    if (errno != 0 || *end != '\0' || v <= 0) {
        return ordo_err_set(err, ORDO_E_INVAL, "%s \"%s\" is not a key", what, text);
    }
    *key = (int64_t)v;
    return ORDO_OK;
}

enum ordo_code ordo_qry_key_param(struct ordo_arena *arena, const char *text, const char *what,
                                  const char **out, struct ordo_err *err)
{
    int64_t key = 0;
    enum ordo_code rc;

    *out = NULL;
    if (!text) {
        return ORDO_OK;
    }
    rc = ordo_query_parse_key(text, what, &key, err);
    if (rc == ORDO_OK) {
        *out = ordo_st_i64(arena, key);
    }
    return rc;
}

enum ordo_code ordo_qry_choice(const char *value, const char *const *allowed, const char *fallback,
                               const char *what, const char **out, struct ordo_err *err)
{
    if (!value) {
        *out = fallback;
        return ORDO_OK;
    }
    for (size_t i = 0; allowed[i]; i++) {
        if (strcmp(value, allowed[i]) == 0) {
            *out = allowed[i];
            return ORDO_OK;
        }
    }
    return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "%s \"%s\" is not one of the known values", what,
                        value);
}

enum ordo_code ordo_query_limit(const char *text, int *out, struct ordo_err *err)
{
    size_t len = text ? strlen(text) : 0;
    long n;

    *out = ORDO_QUERY_DEFAULT_LIMIT;
    if (!text) {
        return ORDO_OK;
    }
    if (len == 0 || len > 9 || strspn(text, "0123456789") != len) {
        return ordo_err_set(err, ORDO_E_INVAL, "limit \"%.32s\" is not a number", text);
    }
    n = strtol(text, NULL, 10);
    if (n < 1 || n > ORDO_QUERY_MAX_LIMIT) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "limit %ld is not within 1 and %d", n,
                            ORDO_QUERY_MAX_LIMIT);
    }
    *out = (int)n;
    return ORDO_OK;
}

enum ordo_code ordo_qry_page(struct ordo_arena *arena, const char *limit, const char *after,
                             struct qry_page *out, struct ordo_err *err)
{
    enum ordo_code rc = ordo_query_limit(limit, &out->limit, err);

    if (rc != ORDO_OK) {
        return rc;
    }
    rc = ordo_qry_key_param(arena, after, "cursor", &out->after, err);
    out->fetch = ordo_arena_printf(arena, "%d", out->limit + 1);
    return rc;
}

static json_t *cell(const PGresult *res, int row, int col, enum qry_type type)
{
    const char *text = ordo_pg_text(res, row, col);
    json_t *v = NULL;

    if (!text) {
        return type == QRY_LIST ? json_array() : json_null();
    }
    switch (type) {
    case QRY_KEY:
    case QRY_TEXT:
        return json_string(text);
    case QRY_INT:
        return json_integer((json_int_t)ordo_pg_int(res, row, col));
    case QRY_BOOL:
        return json_boolean(text[0] == 't');
    case QRY_TIME: {
        char buf[ORDO_RFC3339_MS_SIZE];

        ordo_format_rfc3339_ms(ordo_pg_int(res, row, col), buf);
        return json_string(buf);
    }
    case QRY_JSON:
    case QRY_LIST:
        /* Ordo wrote it; text that does not parse is shown as it is. */
        if (ordo_json_parse(text, strlen(text), NULL, &v, NULL) != ORDO_OK) {
            return type == QRY_LIST ? json_array() : json_string(text);
        }
        return v;
    }
    return json_null();
}

json_t *ordo_qry_row(const PGresult *res, int row, const struct qry_field *fields, size_t n)
{
    json_t *obj = json_object();

    for (size_t i = 0; i < n; i++) {
        json_object_set_new(obj, fields[i].name, cell(res, row, (int)i, fields[i].type));
    }
    return obj;
}

json_t *ordo_qry_rows(const PGresult *res, const struct qry_field *fields, size_t n)
{
    json_t *arr = json_array();

    for (int r = 0; r < PQntuples(res); r++) {
        json_array_append_new(arr, ordo_qry_row(res, r, fields, n));
    }
    return arr;
}

json_t *ordo_qry_list(const PGresult *res, const struct qry_field *fields, size_t n,
                      const struct qry_page *page)
{
    json_t *items = json_array();
    int rows = PQntuples(res);
    int keep = rows > page->limit ? page->limit : rows;

    for (int r = 0; r < keep; r++) {
        json_array_append_new(items, ordo_qry_row(res, r, fields, n));
    }
    return json_pack("{s:o, s:o}", "items", items, "next",
                     rows > page->limit ? json_string(PQgetvalue(res, keep - 1, 0)) : json_null());
}

static enum ordo_code list_tx(struct ordo_store *st, void *ctx, struct ordo_err *err)
{
    struct qry_list *l = ctx;
    PGresult *res;
    enum ordo_code rc = ordo_st_query(st, l->what, l->sql, l->nparams, l->params, &res, err);

    if (rc == ORDO_OK) {
        json_decref(l->out); /* a retried transaction answers again */
        l->out = ordo_qry_list(res, l->fields, l->nfields, l->page);
    }
    return rc;
}

enum ordo_code ordo_qry_run_list(struct ordo_store *st, struct qry_list *l, json_t **out,
                                 struct ordo_err *err)
{
    enum ordo_code rc = ordo_st_tx(st, list_tx, l, err);

    if (rc != ORDO_OK) {
        json_decref(l->out);
        l->out = NULL;
        return rc;
    }
    *out = l->out;
    return ORDO_OK;
}

enum ordo_code ordo_qry_now(struct ordo_store *st, int64_t *now_ms, struct ordo_err *err)
{
    PGresult *res;
    enum ordo_code rc = ordo_st_query(
        st, "could not read the clock",
        "SELECT (extract(epoch FROM statement_timestamp()) * 1000)::bigint", 0, NULL, &res, err);

    if (rc == ORDO_OK) {
        *now_ms = ordo_pg_int(res, 0, 0);
    }
    return rc;
}

const char *ordo_qry_payload(struct ordo_arena *arena, json_t *obj)
{
    return ordo_json_dump(arena, ordo_json_defer(arena, obj), JSON_COMPACT);
}
