/*
 * core/query_definition.c - deployed definitions: lists, one definition,
 * its XML, suspend and resume.
 */
#include <string.h>

#include "core/query_internal.h"

static const struct qry_field fields[] = {
    {"key", QRY_KEY},         {"processId", QRY_TEXT}, {"version", QRY_INT},
    {"name", QRY_TEXT},       {"resource", QRY_TEXT},  {"deployedBy", QRY_TEXT},
    {"deployedAt", QRY_TIME}, {"suspended", QRY_BOOL}, {"findings", QRY_LIST},
};

#define COLUMNS                                                                   \
    "d.key, d.process_id, d.version, d.name, d.resource, d.deployed_by, " QRY_MS( \
        "d.deployed_at") ", d.suspended"

enum ordo_code ordo_query_list_definitions(struct ordo_store *st,
                                           const struct ordo_definition_query *q, json_t **out,
                                           struct ordo_err *err)
{
    struct qry_page page;
    struct qry_list l = {.what = "could not list definitions",
                         .fields = fields,
                         .nfields = QRY_NFIELDS(fields) - 1, /* no findings in lists */
                         .nparams = 4,
                         .page = &page};
    enum ordo_code rc;

    ordo_arena_reset(st->arena);
    rc = ordo_qry_page(st->arena, q->limit, q->after, &page, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    l.params = (const char *[]){q->process_id, q->latest ? "t" : "f", page.after, page.fetch};
    l.sql = "SELECT " COLUMNS " FROM definition d WHERE ($1::text IS NULL OR d.process_id = $1) "
            "AND (NOT $2::bool OR d.version = (SELECT max(x.version) FROM definition x "
            "WHERE x.process_id = d.process_id)) AND ($3::bigint IS NULL OR d.key < $3) "
            "ORDER BY d.key DESC LIMIT $4";
    return ordo_qry_run_list(st, &l, out, err);
}

enum ordo_code ordo_query_list_versions(struct ordo_store *st, const char *process_id,
                                        const char *limit, const char *after, json_t **out,
                                        struct ordo_err *err)
{
    struct ordo_definition_query q = {.process_id = process_id, .limit = limit, .after = after};
    enum ordo_code rc;

    if (!process_id) {
        return ordo_err_set(err, ORDO_E_INVAL, "a process id is required");
    }
    rc = ordo_query_list_definitions(st, &q, out, err);
    /* An empty first page: nothing was ever deployed under that id. */
    if (rc == ORDO_OK && !after && json_array_size(json_object_get(*out, "items")) == 0) {
        json_decref(*out);
        *out = NULL;
        return ordo_err_set(err, ORDO_E_NOTFOUND, "process \"%s\" is not deployed", process_id);
    }
    return rc;
}

struct one_ctx {
    int64_t key;
    json_t *out;
};

static enum ordo_code one_tx(struct ordo_store *st, void *ctx, struct ordo_err *err)
{
    struct one_ctx *c = ctx;
    const char *p[1] = {ordo_st_i64(st->arena, c->key)};
    PGresult *res;
    enum ordo_code rc;

    rc = ordo_st_query(st, "could not read the definition",
                       "SELECT " COLUMNS ", d.findings FROM definition d WHERE d.key = $1", 1, p,
                       &res, err);
    if (rc == ORDO_OK && PQntuples(res) == 0) {
        rc = ordo_err_set(err, ORDO_E_NOTFOUND, "definition %lld not found", (long long)c->key);
    }
    if (rc == ORDO_OK) {
        json_decref(c->out);
        c->out = ordo_qry_row(res, 0, fields, QRY_NFIELDS(fields));
    }
    return rc;
}

enum ordo_code ordo_query_get_definition(struct ordo_store *st, int64_t key, json_t **out,
                                         struct ordo_err *err)
{
    struct one_ctx c = {.key = key};
    enum ordo_code rc;

    ordo_arena_reset(st->arena);
    rc = ordo_st_tx(st, one_tx, &c, err);
    if (rc != ORDO_OK) {
        json_decref(c.out);
        return rc;
    }
    *out = c.out;
    return ORDO_OK;
}

struct xml_ctx {
    int64_t key;
    struct ordo_arena *arena;
    const char *xml;
    size_t len;
};

static enum ordo_code xml_tx(struct ordo_store *st, void *ctx, struct ordo_err *err)
{
    struct xml_ctx *c = ctx;
    const char *p[1] = {ordo_st_i64(st->arena, c->key)};
    PGresult *res;
    enum ordo_code rc;

    rc = ordo_st_query(st, "could not read the definition",
                       "SELECT xml FROM definition WHERE key = $1", 1, p, &res, err);
    if (rc == ORDO_OK && PQntuples(res) == 0) {
        rc = ordo_err_set(err, ORDO_E_NOTFOUND, "definition %lld not found", (long long)c->key);
    }
    if (rc == ORDO_OK) {
        c->len = (size_t)PQgetlength(res, 0, 0);
        c->xml = ordo_arena_strndup(c->arena, PQgetvalue(res, 0, 0), c->len);
    }
    return rc;
}

enum ordo_code ordo_query_get_definition_xml(struct ordo_store *st, int64_t key,
                                             struct ordo_arena *arena, const char **xml,
                                             size_t *len, struct ordo_err *err)
{
    struct xml_ctx c = {.key = key, .arena = arena};
    enum ordo_code rc;

    ordo_arena_reset(st->arena);
    rc = ordo_st_tx(st, xml_tx, &c, err);
    if (rc == ORDO_OK) {
        *xml = c.xml;
        *len = c.len;
    }
    return rc;
}

struct suspend_ctx {
    int64_t key;
    bool suspend;
    const char *actor;
};

static enum ordo_code suspend_tx(struct ordo_store *st, void *ctx, struct ordo_err *err)
{
    struct suspend_ctx *c = ctx;
    const char *key = ordo_st_i64(st->arena, c->key);
    const char *p[2] = {key, c->suspend ? "t" : "f"};
    PGresult *res;
    enum ordo_code rc;

    rc = ordo_st_query(st, "could not lock the definition",
                       "SELECT process_id, version, suspended, "
                       "(extract(epoch FROM statement_timestamp()) * 1000)::bigint "
                       "FROM definition WHERE key = $1 FOR UPDATE",
                       1, p, &res, err);
    if (rc == ORDO_OK && PQntuples(res) == 0) {
        rc = ordo_err_set(err, ORDO_E_NOTFOUND, "definition %lld not found", (long long)c->key);
    }
    if (rc != ORDO_OK || (strcmp(PQgetvalue(res, 0, 2), "t") == 0) == c->suspend) {
        return rc; /* already so: nothing to write */
    }
    ordo_pg_batch_add(st->batch, "could not suspend the definition",
                      "UPDATE definition SET suspended = $2 WHERE key = $1", 2, p);
    ordo_st_audit_one(
        st, st->batch, ordo_pg_int(res, 0, 3), c->actor,
        c->suspend ? "definition.suspended" : "definition.resumed", 0, PQgetvalue(res, 0, 0),
        ordo_qry_payload(st->arena, json_pack("{s:s, s:s, s:I}", "definition_key", key, "process",
                                              PQgetvalue(res, 0, 0), "version",
                                              (json_int_t)ordo_pg_int(res, 0, 1))));
    return ORDO_OK;
}

enum ordo_code ordo_query_suspend_definition(struct ordo_store *st, int64_t key, bool suspend,
                                             const char *actor, struct ordo_err *err)
{
    struct suspend_ctx c = {.key = key, .suspend = suspend, .actor = actor ? actor : "engine"};

    ordo_arena_reset(st->arena);
    return ordo_st_tx(st, suspend_tx, &c, err);
}
