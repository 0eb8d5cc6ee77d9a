/*
 * server/c7_repo.c - the Camunda 7 repository routes: version and engine,
 * deployments (Camunda Modeler's connection check and multipart deploy,
 * camunda/camunda-modeler client/src/plugins/deployment-tool/CamundaAPI.js)
 * and process definitions, with starting instances of them.
 *
 * Ordo keeps no deployment rows of its own: each definition stands for
 * the deployment that made it (id = the definition's key, name = its
 * file's name), and a deployment of a file answers with the key of the
 * first definition it made as its id.
 */
#include <string.h>
#include <strings.h>

#include "base/json.h"
#include "base/text.h"
#include "core/query.h"
#include "core/store.h"
#include "ordo_version.h"
#include "server/api.h"
#include "server/c7.h"
#include "server/multipart.h"

/* The Camunda 7 REST API level this dialect follows (docs/camunda7-rest.md). */
#define C7_API_VERSION   "7.21.0"
#define BUSINESS_KEY_MAX 256

enum ordo_code ordo_c7_version(struct ordo_http_req *req, struct ordo_err *err)
{
    (void)err;
    ordo_http_reply_json(
        req, 200, json_pack("{s:s, s:s}", "version", C7_API_VERSION, "ordoVersion", ORDO_VERSION));
    return ORDO_OK;
}

enum ordo_code ordo_c7_engine(struct ordo_http_req *req, struct ordo_err *err)
{
    (void)err;
    ordo_http_reply_json(req, 200, json_pack("[{s:s}]", "name", "default"));
    return ORDO_OK;
}

/* ---- definition lists, the walk's adapters ----------------------------------------------------
 */

static enum ordo_code fetch_definitions(struct ordo_store *st, void *query, const char *after,
                                        json_t **page, struct ordo_err *err)
{
    struct ordo_definition_query *q = query;

    q->limit = "500";
    q->after = after;
    return ordo_query_list_definitions(st, q, page, err);
}

#define MAX_LIKE 255 /* bytes of a nameLike pattern */

struct def_filter {
    const char *name, *name_like; /* deployments: of the resource */
    const char *id;               /* a definition key */
    int64_t version;              /* 0: any */
};

/* "%x%" as SQL LIKE, case-sensitive: '%' any run, '_' one character. In
 * time proportional to the lengths' product, however many '%' there are
 * (a backtracking match takes exponential time on "%%%...%x"): on a
 * mismatch only the last '%' is tried again, one character further. */
static bool like(const char *s, const char *p)
{
    const char *star = NULL, *resume = NULL;

    while (*s) {
        if (*p == '%') {
            star = ++p;
            resume = s;
        } else if (*p && (*p == '_' || *p == *s)) {
            p++;
            s++;
        } else if (star) {
            p = star;
            s = ++resume;
        } else {
            return false;
        }
    }
    while (*p == '%') {
        p++;
    }
    return *p == '\0';
}

static bool keep_definition(const json_t *item, void *ctx)
{
    const struct def_filter *f = ctx;
    const char *resource = json_string_value(json_object_get(item, "resource"));
    const char *key = json_string_value(json_object_get(item, "key"));

    resource = resource ? resource : "";
    return (!f->name || strcmp(resource, f->name) == 0) &&
           (!f->name_like || like(resource, f->name_like)) &&
           (!f->id || (key && strcmp(key, f->id) == 0)) &&
           (f->version == 0 || json_integer_value(json_object_get(item, "version")) == f->version);
}

static json_t *deployment_dto(const json_t *def)
{
    return json_pack("{s:[], s:O, s:O, s:n, s:o, s:n}", "links", "id", ordo_c7_member(def, "key"),
                     "name", ordo_c7_member(def, "resource"), "source", "deploymentTime",
                     ordo_c7_time(json_object_get(def, "deployedAt")), "tenantId");
}

/* ordo_c7_list() over definitions, each item mapped by 'dto'. */
static enum ordo_code list_definitions(struct ordo_http_req *req, struct ordo_definition_query *q,
                                       struct def_filter *f, const char *const *filters,
                                       json_t *(*dto)(const json_t *), struct ordo_err *err)
{
    struct ordo_c7_walk w = {fetch_definitions, q, keep_definition, f, 0, -1};

    return ordo_c7_list(req, filters, &w, dto, err);
}

enum ordo_code ordo_c7_deployment_list(struct ordo_http_req *req, struct ordo_err *err)
{
    struct ordo_definition_query q = {0};
    struct def_filter f = {
        .name = ordo_http_query(req, "name"),
        .name_like = ordo_http_query(req, "nameLike"),
        .id = ordo_http_query(req, "id"),
    };
    static const char *const filters[] = {"name", "nameLike", "id", NULL};

    if (f.name_like && strlen(f.name_like) > MAX_LIKE) {
        return ordo_err_set(err, ORDO_E_INVAL, "nameLike is at most %d bytes", MAX_LIKE);
    }
    return list_definitions(req, &q, &f, filters, deployment_dto, err);
}

enum ordo_code ordo_c7_definition_list(struct ordo_http_req *req, struct ordo_err *err)
{
    const char *latest = ordo_http_query(req, "latestVersion");
    struct ordo_definition_query q = {
        .process_id = ordo_http_query(req, "key"),
        .latest = latest && strcmp(latest, "true") == 0,
    };
    struct def_filter f = {.id = ordo_http_query(req, "processDefinitionId")};

    if (latest && strcmp(latest, "true") != 0 && strcmp(latest, "false") != 0) {
        return ordo_err_set(err, ORDO_E_INVAL, "latestVersion must be true or false");
    }
    if (ordo_c7_query_count(req, "version", 0, &f.version, err) != ORDO_OK) {
        return err->code;
    }
    static const char *const filters[] = {"key", "latestVersion", "processDefinitionId", "version",
                                          NULL};

    return list_definitions(req, &q, &f, filters, ordo_c7_definition_dto, err);
}

/* ---- one definition ----------------------------------------------------------------------------
 */

/* The definition of the route's {id} (a key) or {key} (the newest version
 * of a BPMN process id): a document of ordo_query_get_definition. */
static enum ordo_code find_definition(struct ordo_http_req *req, struct ordo_store *st, bool by_key,
                                      json_t **def, struct ordo_err *err)
{
    const char *param = ordo_http_param(req, 0);
    struct ordo_definition_query q = {.process_id = param, .latest = true, .limit = "1"};
    json_t *page = NULL;
    int64_t key = 0;
    enum ordo_code rc;

    if (!by_key) {
        rc = ordo_http_param_key(req, 0, &key, err);
        return rc == ORDO_OK ? ordo_query_get_definition(st, key, def, err) : rc;
    }
    rc = ordo_query_list_definitions(st, &q, &page, err);
    if (rc == ORDO_OK && json_array_size(json_object_get(page, "items")) == 0) {
        rc = ordo_err_set(err, ORDO_E_NOTFOUND,
                          "no matching process definition with key \"%.100s\"", param);
    }
    if (rc == ORDO_OK) {
        rc = ordo_query_parse_key(json_string_value(json_object_get(
                                      json_array_get(json_object_get(page, "items"), 0), "key")),
                                  "definition key", &key, err);
    }
    json_decref(page);
    return rc == ORDO_OK ? ordo_query_get_definition(st, key, def, err) : rc;
}

static enum ordo_code get_definition(struct ordo_http_req *req, bool by_key, struct ordo_err *err)
{
    struct ordo_store *st;
    json_t *def = NULL;
    enum ordo_code rc = ordo_api_store(req, &st, err);

    if (rc == ORDO_OK) {
        rc = find_definition(req, st, by_key, &def, err);
    }
    if (rc == ORDO_OK) {
        ordo_http_reply_json(req, 200, ordo_c7_definition_dto(def));
        json_decref(def);
    }
    return rc;
}

enum ordo_code ordo_c7_definition_get(struct ordo_http_req *req, struct ordo_err *err)
{
    return get_definition(req, false, err);
}

enum ordo_code ordo_c7_definition_get_by_key(struct ordo_http_req *req, struct ordo_err *err)
{
    return get_definition(req, true, err);
}

static enum ordo_code definition_xml(struct ordo_http_req *req, bool by_key, struct ordo_err *err)
{
    struct ordo_store *st;
    json_t *def = NULL;
    const char *xml = NULL;
    size_t len = 0;
    int64_t key = 0;
    enum ordo_code rc = ordo_api_store(req, &st, err);

    if (rc == ORDO_OK) {
        rc = find_definition(req, st, by_key, &def, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_query_parse_key(json_string_value(json_object_get(def, "key")), "definition key",
                                  &key, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_query_get_definition_xml(st, key, ordo_http_arena(req), &xml, &len, err);
    }
    if (rc == ORDO_OK) {
        ordo_http_reply_json(
            req, 200,
            json_pack("{s:O, s:s%}", "id", json_object_get(def, "key"), "bpmn20Xml", xml, len));
    }
    json_decref(def);
    return rc;
}

enum ordo_code ordo_c7_definition_xml(struct ordo_http_req *req, struct ordo_err *err)
{
    return definition_xml(req, false, err);
}

enum ordo_code ordo_c7_definition_xml_by_key(struct ordo_http_req *req, struct ordo_err *err)
{
    return definition_xml(req, true, err);
}

/* ---- start ------------------------------------------------------------------------------------
 */

static enum ordo_code read_start(struct ordo_http_req *req, struct ordo_start *s, bool *with_vars,
                                 struct ordo_err *err)
{
    static const char *const fields[] = {"variables",
                                         "businessKey",
                                         "caseInstanceId",
                                         "skipCustomListeners",
                                         "skipIoMappings",
                                         "withVariablesInReturn",
                                         NULL};
    json_t *body, *vars = NULL;
    enum ordo_code rc = ordo_http_body_object(req, fields, &body, err);

    memset(s, 0, sizeof *s);
    *with_vars = false;
    if (rc == ORDO_OK) {
        rc = ordo_json_opt_string(body, "businessKey", &s->business_key, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_json_opt_bool(body, "withVariablesInReturn", with_vars, err);
    }
    if (rc == ORDO_OK && s->business_key && strlen(s->business_key) > BUSINESS_KEY_MAX) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "businessKey is longer than %d bytes",
                          BUSINESS_KEY_MAX);
    }
    if (rc == ORDO_OK) {
        rc = ordo_c7_vars_plain(json_object_get(body, "variables"), "variables", &vars, err);
    }
    s->variables = ordo_json_defer(ordo_http_arena(req), vars);
    s->actor = ordo_api_actor(req);
    return rc;
}

static enum ordo_code start(struct ordo_http_req *req, bool by_key, struct ordo_err *err)
{
    struct ordo_start s;
    struct ordo_store *st;
    json_t *def = NULL, *inst = NULL, *out;
    int64_t key = 0;
    bool with_vars = false;
    enum ordo_code rc = read_start(req, &s, &with_vars, err);

    if (rc == ORDO_OK) {
        rc = ordo_api_store(req, &st, err);
    }
    if (rc == ORDO_OK) {
        rc = find_definition(req, st, by_key, &def, err);
    }
    if (rc == ORDO_OK) {
        s.process_id = json_string_value(json_object_get(def, "processId"));
        s.version = (int)json_integer_value(json_object_get(def, "version"));
        rc = ordo_store_start(st, &s, &key, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_query_get_instance(st, key, &inst, err);
    }
    json_decref(def);
    if (rc != ORDO_OK) {
        return rc;
    }
    out = ordo_c7_instance_dto(inst);
    if (with_vars) {
        json_object_set_new(out, "variables",
                            ordo_c7_vars_typed(json_object_get(inst, "variables")));
    }
    json_decref(inst);
    ordo_http_reply_json(req, 200, out);
    return ORDO_OK;
}

enum ordo_code ordo_c7_definition_start(struct ordo_http_req *req, struct ordo_err *err)
{
    return start(req, false, err);
}

enum ordo_code ordo_c7_definition_start_by_key(struct ordo_http_req *req, struct ordo_err *err)
{
    return start(req, true, err);
}

/* ---- POST /deployment/create ------------------------------------------------------------------
 */

/* The form fields of a deployment (what Camunda Modeler sends, and the
 * REST API's others); files are the parts with a filename. */
struct form {
    const char *name, *source;
};

static enum ordo_code check_fields(const struct ordo_multipart_part *parts, size_t n,
                                   struct ordo_arena *arena, struct form *form,
                                   struct ordo_err *err)
{
    static const char *const known[] = {"deploy-changed-only", "enable-duplicate-filtering",
                                        "deployment-activation-time", NULL};

    for (size_t i = 0; i < n; i++) {
        const char *field = parts[i].name ? parts[i].name : "";
        const char *text = ordo_arena_strndup(arena, parts[i].data, parts[i].len);
        bool ok = parts[i].filename != NULL;

        if (!ok && strcmp(field, "tenant-id") == 0) {
            if (ordo_c7_tenant(text, "tenant-id", err) != ORDO_OK) {
                return ORDO_E_INVAL;
            }
            ok = true;
        } else if (!ok && strcmp(field, "deployment-name") == 0) {
            form->name = ordo_utf8_repair(arena, text); /* echoed in the JSON answer */
            ok = true;
        } else if (!ok && strcmp(field, "deployment-source") == 0) {
            form->source = ordo_utf8_repair(arena, text);
            ok = true;
        }
        for (size_t k = 0; known[k] && !ok; k++) {
            ok = strcmp(field, known[k]) == 0; /* Ordo never stores an unchanged file twice */
        }
        if (!ok) {
            return ordo_err_set(err, ORDO_E_INVAL, "unknown form field \"%.60s\"", field);
        }
    }
    return ORDO_OK;
}

/* Deploy every file part, one after the other; 'deployed' gets the items
 * ordo_api_deploy_file appends. */
static enum ordo_code deploy_parts(struct ordo_http_req *req, struct form *form, json_t *deployed,
                                   struct ordo_err *err)
{
    const char *type = ordo_http_header(req, "Content-Type");
    const struct ordo_multipart_part *parts = NULL;
    struct ordo_api_file files[ORDO_API_MAX_FILES];
    size_t nparts = 0, nfiles = 0, len;
    const char *body = ordo_http_body(req, &len);
    enum ordo_code rc;

    if (!type || strncasecmp(type, "multipart/form-data", strlen("multipart/form-data")) != 0) {
        return ordo_err_set(err, ORDO_E_MEDIA, "a deployment is multipart/form-data");
    }
    rc = ordo_multipart_parse(type, body, len, ordo_http_arena(req), &parts, &nparts, err);
    if (rc == ORDO_OK) {
        rc = check_fields(parts, nparts, ordo_http_arena(req), form, err);
    }
    for (size_t i = 0; rc == ORDO_OK && i < nparts; i++) {
        if (!parts[i].filename) {
            continue;
        }
        if (nfiles == ORDO_API_MAX_FILES) {
            return ordo_err_set(err, ORDO_E_INVAL, "at most %d files at once", ORDO_API_MAX_FILES);
        }
        files[nfiles++] = (struct ordo_api_file){
            *parts[i].filename ? parts[i].filename : parts[i].name,
            ordo_arena_strndup(ordo_http_arena(req), parts[i].data, parts[i].len), parts[i].len};
    }
    if (rc == ORDO_OK && nfiles == 0) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "the deployment holds no file");
    }
    /* Every file checked before any is stored (several files: all or none). */
    return rc == ORDO_OK ? ordo_api_deploy_files(req, files, nfiles, deployed, err) : rc;
}

/* {definition key: ProcessDefinitionDto} of what was deployed; '*first'
 * the first definition's document. */
static enum ordo_code deployed_map(struct ordo_store *st, const json_t *deployed, json_t **map,
                                   json_t **first, struct ordo_err *err)
{
    const json_t *item;
    size_t i;

    *map = json_object();
    *first = NULL;
    json_array_foreach(deployed, i, item)
    {
        const char *k = json_string_value(json_object_get(item, "key"));
        int64_t key = 0;
        json_t *def = NULL;

        if (ordo_query_parse_key(k, "key", &key, err) != ORDO_OK ||
            ordo_query_get_definition(st, key, &def, err) != ORDO_OK) {
            json_decref(*map);
            json_decref(*first);
            return err->code;
        }
        json_object_set_new(*map, k, ordo_c7_definition_dto(def));
        if (*first) {
            json_decref(def);
        } else {
            *first = def;
        }
    }
    return ORDO_OK;
}

enum ordo_code ordo_c7_deployment_create(struct ordo_http_req *req, struct ordo_err *err)
{
    json_t *deployed = ordo_json_defer(ordo_http_arena(req), json_array());
    json_t *defs = NULL, *first = NULL;
    struct form form = {NULL, NULL};
    struct ordo_store *st = NULL;
    enum ordo_code rc = deploy_parts(req, &form, deployed, err);

    if (rc == ORDO_OK) {
        rc = ordo_api_store(req, &st, err);
    }
    if (rc == ORDO_OK) {
        rc = deployed_map(st, deployed, &defs, &first, err);
    }
    if (rc != ORDO_OK) {
        return rc;
    }
    ordo_http_reply_json(
        req, 200,
        json_pack("{s:[], s:O, s:s?, s:s?, s:o, s:n, s:o, s:n, s:n, s:n}", "links", "id",
                  json_object_get(first, "key"), "name", form.name, "source", form.source,
                  "deploymentTime", ordo_c7_time(json_object_get(first, "deployedAt")), "tenantId",
                  "deployedProcessDefinitions", defs, "deployedCaseDefinitions",
                  "deployedDecisionDefinitions", "deployedDecisionRequirementsDefinitions"));
    json_decref(first);
    return ORDO_OK;
}
