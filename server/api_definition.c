/*
 * server/api_definition.c - /api/definitions: list, one, its XML, its
 * findings, its versions, its export to Camunda, suspend and resume.
 */
#include <string.h>

#include "base/buf.h"
#include "bpmn/export.h"
#include "bpmn/parse.h"
#include "bpmn/write.h"
#include "core/query.h"
#include "core/store.h"
#include "server/api.h"

enum ordo_code ordo_api_definition_list(struct ordo_http_req *req, struct ordo_err *err)
{
    const char *latest = ordo_http_query(req, "latest");
    struct ordo_definition_query q = {
        .process_id = ordo_http_query(req, "processId"),
        .latest = latest && strcmp(latest, "true") == 0,
        .limit = ordo_http_query(req, "limit"),
        .after = ordo_http_query(req, "after"),
    };
    struct ordo_store *st;
    json_t *out;
    enum ordo_code rc = ordo_api_store(req, &st, err);

    if (latest && strcmp(latest, "true") != 0 && strcmp(latest, "false") != 0) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "latest must be true or false");
    }
    if (rc == ORDO_OK) {
        rc = ordo_query_list_definitions(st, &q, &out, err);
    }
    if (rc == ORDO_OK) {
        ordo_http_reply_json(req, 200, out);
    }
    return rc;
}

static enum ordo_code get_one(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                              struct ordo_err *err)
{
    json_t *out;
    enum ordo_code rc = ordo_query_get_definition(st, key, &out, err);

    if (rc == ORDO_OK) {
        ordo_http_reply_json(req, 200, out);
    }
    return rc;
}

enum ordo_code ordo_api_definition_get(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, get_one, err);
}

static enum ordo_code get_findings(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                                   struct ordo_err *err)
{
    json_t *out;
    enum ordo_code rc = ordo_query_get_definition(st, key, &out, err);

    if (rc == ORDO_OK) {
        json_t *findings = json_incref(json_object_get(out, "findings"));

        json_decref(out);
        ordo_http_reply_json(req, 200,
                             json_pack("{s:o}", "items", findings ? findings : json_array()));
    }
    return rc;
}

enum ordo_code ordo_api_definition_findings(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, get_findings, err);
}

static enum ordo_code get_xml(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                              struct ordo_err *err)
{
    const char *xml;
    size_t len;
    enum ordo_code rc =
        ordo_query_get_definition_xml(st, key, ordo_http_arena(req), &xml, &len, err);

    if (rc == ORDO_OK) {
        ordo_http_reply_bytes(req, 200, "application/xml", xml, len);
        /* a file to save, never a page to show (http.c adds a sandboxing CSP as well) */
        ordo_http_reply_header(req, "Content-Disposition", "attachment");
    }
    return rc;
}

enum ordo_code ordo_api_definition_xml(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, get_xml, err);
}

static enum ordo_code get_versions(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                                   struct ordo_err *err)
{
    json_t *def, *out;
    enum ordo_code rc = ordo_query_get_definition(st, key, &def, err);

    if (rc == ORDO_OK) {
        rc = ordo_query_list_versions(st, json_string_value(json_object_get(def, "processId")),
                                      ordo_http_query(req, "limit"), ordo_http_query(req, "after"),
                                      &out, err);
        json_decref(def);
    }
    if (rc == ORDO_OK) {
        ordo_http_reply_json(req, 200, out);
    }
    return rc;
}

enum ordo_code ordo_api_definition_versions(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, get_versions, err);
}

static enum ordo_code suspend(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                              struct ordo_err *err)
{
    return ordo_query_suspend_definition(st, key, true, ordo_api_actor(req), err);
}

static enum ordo_code resume(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                             struct ordo_err *err)
{
    return ordo_query_suspend_definition(st, key, false, ordo_api_actor(req), err);
}

enum ordo_code ordo_api_definition_suspend(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, suspend, err);
}

enum ordo_code ordo_api_definition_resume(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, resume, err);
}

/* ---- export (issue 9, bpmn/export.h) ---- */

static bool wants_json(const struct ordo_http_req *req)
{
    const char *accept = ordo_http_header(req, "Accept");

    return accept && strstr(accept, "application/json") != NULL;
}

static void buf_cleanup_cb(void *buf)
{
    ordo_buf_cleanup(buf);
}

static void export_free_cb(void *r)
{
    ordo_export_result_free(r);
}

static void model_free_cb(void *m)
{
    ordo_bpmn_model_free(m);
}

/* The BPMN alone carries no report: what it leaves out is said in headers
 * (CONTRACTS §11, nothing dropped silently): Ordo-Export-Lost (findings
 * that could not be translated), Ordo-Export-Findings (all of them) and,
 * when forms were made, Ordo-Export-Forms-Left-Out (their ids; the JSON
 * answer carries them). */
static void report_in_headers(struct ordo_http_req *req, struct ordo_export_result *r)
{
    struct ordo_arena *arena = ordo_http_arena(req);
    struct ordo_buf ids = ORDO_BUF_INIT;

    ordo_export_note_forms_left_out(r, "ask with Accept: application/json");
    ordo_http_reply_header(req, "Ordo-Export-Lost", ordo_arena_printf(arena, "%zu", r->lost));
    ordo_http_reply_header(req, "Ordo-Export-Findings",
                           ordo_arena_printf(arena, "%zu", r->nfindings));
    for (size_t i = 0; i < r->nforms; i++) {
        ordo_buf_printf(&ids, "%s%s", i ? ", " : "", r->forms[i].id);
    }
    if (r->nforms > 0) {
        ordo_http_reply_header(req, "Ordo-Export-Forms-Left-Out", ordo_buf_cstr(&ids));
    }
    ordo_buf_cleanup(&ids);
}

/* The stored XML exported for the target in the query. The BPMN alone
 * (application/xml), or with Accept: application/json the BPMN, the
 * Camunda Forms and the report (CONTRACTS §11). */
static enum ordo_code get_export(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                                 struct ordo_err *err)
{
    struct ordo_arena *arena = ordo_http_arena(req);
    struct ordo_buf *out = ordo_arena_alloc(arena, sizeof(*out));
    struct ordo_bpmn_model *model = NULL;
    struct ordo_export_result *r = NULL;
    enum ordo_export_target target;
    const char *xml;
    size_t len;
    enum ordo_code rc;

    /* The definition first (404), as every {key} route, then the target. */
    rc = ordo_query_get_definition_xml(st, key, arena, &xml, &len, err);
    if (rc == ORDO_OK &&
        ordo_export_target_parse(ordo_http_query(req, "target"), &target, NULL) != ORDO_OK) {
        rc = ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                          "the query parameter target must be camunda8 or camunda7");
    }
    if (rc == ORDO_OK) {
        rc = ordo_bpmn_parse(xml, len, NULL, &model, err);
        ordo_arena_defer(arena, model_free_cb, model);
    }
    if (rc == ORDO_OK) {
        rc = ordo_bpmn_export(model, target, &r, err);
        ordo_arena_defer(arena, export_free_cb, r);
    }
    if (rc != ORDO_OK) {
        return rc;
    }
    ordo_buf_init(out);
    ordo_arena_defer(arena, buf_cleanup_cb, out);
    rc = ordo_bpmn_write(r->model, out, err);
    if (rc == ORDO_OK && wants_json(req)) {
        ordo_http_reply_json(req, 200, ordo_export_json(r, target, ordo_buf_cstr(out)));
    } else if (rc == ORDO_OK) {
        report_in_headers(req, r);
        ordo_http_reply_bytes(req, 200, "application/xml", out->data, out->len);
        ordo_http_reply_header(req, "Content-Disposition", "attachment");
    }
    return rc;
}

enum ordo_code ordo_api_definition_export(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, get_export, err);
}
