/*
 * server/api_deploy.c - POST /api/deployments: one or more .bpmn files,
 * as raw XML or multipart/form-data (what Camunda Modeler sends).
 *
 * Deploy policy (issue 5): malformed XML is 400; a model that cannot run
 * (unsupported elements, expression errors, duplicate ids, service tasks
 * without a job type) is 422 with every finding; modelling findings are
 * accepted, stored with the definition and returned. With several files
 * every one is checked before any is deployed, so a refused upload
 * deploys nothing.
 */
#include <string.h>
#include <strings.h>

#include "bpmn/parse.h"
#include "core/executor.h"
#include "core/graph.h"
#include "core/identity.h"
#include "core/query.h"
#include "core/store.h"
#include "plugins/registry.h"
#include "server/api.h"
#include "server/multipart.h"

static json_t *findings_json(const struct ordo_graph_finding *f, size_t n, const char *resource)
{
    json_t *list = json_array();

    for (size_t i = 0; i < n; i++) {
        json_array_append_new(list, json_pack("{s:s, s:s?, s:i, s:s, s:s}", "resource", resource,
                                              "element", f[i].element, "line", (int)f[i].line,
                                              "rule", f[i].rule, "message", f[i].message));
    }
    return list;
}

/* Parse and compile without storing: the first file that would be refused
 * answers the request. */
static enum ordo_code check_file(struct ordo_http_req *req, const struct ordo_api_file *f,
                                 struct ordo_err *err)
{
    struct ordo_bpmn_parse_opts popts = {.name = f->name};
    struct ordo_bpmn_model *model = NULL;
    struct ordo_graph *graph = NULL;
    const struct ordo_graph_finding *findings = NULL;
    size_t nfindings = 0;
    enum ordo_code rc = ordo_bpmn_parse(f->xml, f->len, &popts, &model, err);

    if (rc == ORDO_OK) {
        rc = ordo_graph_compile(model, NULL, ordo_http_arena(req), &graph, &findings, &nfindings,
                                err);
    }
    if (rc == ORDO_E_UNPROCESSABLE && nfindings) {
        ordo_http_reply_error(req, rc, ordo_err_message(err),
                              findings_json(findings, nfindings, f->name));
    }
    ordo_graph_free(graph);
    ordo_bpmn_model_free(model);
    return rc;
}

static bool is_xml_type(const char *type)
{
    static const char *const types[] = {"application/xml", "text/xml", "application/bpmn+xml",
                                        "application/octet-stream"};

    for (size_t i = 0; type && i < sizeof types / sizeof types[0]; i++) {
        size_t n = strlen(types[i]);

        if (strncasecmp(type, types[i], n) == 0 && (type[n] == '\0' || type[n] == ';')) {
            return true;
        }
    }
    return false;
}

static enum ordo_code collect(struct ordo_http_req *req, struct ordo_api_file *files,
                              size_t *nfiles, struct ordo_err *err)
{
    const char *type = ordo_http_header(req, "Content-Type");
    const struct ordo_multipart_part *parts;
    size_t nparts, len;
    const char *body = ordo_http_body(req, &len);
    const char *name = ordo_http_query(req, "name");
    enum ordo_code rc;

    *nfiles = 0;
    if (is_xml_type(type)) {
        files[0] = (struct ordo_api_file){name && *name ? name : "upload.bpmn", body, len};
        *nfiles = 1;
        return ORDO_OK;
    }
    if (!type || strncasecmp(type, "multipart/form-data", strlen("multipart/form-data")) != 0) {
        return ordo_err_set(err, ORDO_E_MEDIA,
                            "send BPMN XML (application/xml) or multipart/form-data with files");
    }
    rc = ordo_multipart_parse(type, body, len, ordo_http_arena(req), &parts, &nparts, err);
    for (size_t i = 0; rc == ORDO_OK && i < nparts; i++) {
        if (!parts[i].filename) {
            continue; /* deployment-name and other fields Camunda Modeler adds */
        }
        if (*nfiles == ORDO_API_MAX_FILES) {
            return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "at most %d files at once",
                                ORDO_API_MAX_FILES);
        }
        files[(*nfiles)++] = (struct ordo_api_file){
            *parts[i].filename ? parts[i].filename : "upload.bpmn",
            ordo_arena_strndup(ordo_http_arena(req), parts[i].data, parts[i].len), parts[i].len};
    }
    if (rc == ORDO_OK && *nfiles == 0) {
        rc = ordo_err_set(err, ORDO_E_UNPROCESSABLE, "the upload holds no file");
    }
    return rc;
}

/* What the deploy checks models against without refusing them: the job
 * types this server runs and the groups that exist. */
static enum ordo_code environment(struct ordo_http_req *req, struct ordo_store *st,
                                  struct ordo_deploy_req *d, struct ordo_err *err)
{
    const struct ordo_api *api = ordo_http_app(req);
    PGconn *db = ordo_store_pg(st, err);
    json_t *groups = NULL, *g;
    const char **names;
    size_t i;

    d->installed = api->registry ? ordo_registry_action_ids(api->registry, &d->ninstalled) : NULL;
    if (!db || ordo_identity_group_list(db, &groups, err) != ORDO_OK) {
        return err->code ? err->code : ORDO_E_AGAIN;
    }
    names = ordo_arena_calloc(ordo_http_arena(req), json_array_size(groups) + 1, sizeof *names);
    json_array_foreach(groups, i, g)
    {
        names[i] =
            ordo_arena_strdup(ordo_http_arena(req), json_string_value(json_object_get(g, "name")));
    }
    d->groups = names;
    d->ngroups = json_array_size(groups);
    json_decref(groups);
    return ORDO_OK;
}

/* One deployed definition as the answer shows it, with its stored findings. */
static json_t *deployed_json(struct ordo_store *st, const struct ordo_deployed *d,
                             const char *resource)
{
    json_t *def = NULL;
    json_t *findings;

    (void)ordo_query_get_definition(st, d->key, &def, NULL);
    findings = json_incref(json_object_get(def, "findings"));
    json_decref(def);
    return json_pack("{s:o, s:s, s:i, s:s, s:b, s:o}", "key", ordo_api_key_json(d->key),
                     "processId", d->process_id, "version", d->version, "resource", resource,
                     "created", d->created, "findings", findings ? findings : json_array());
}

enum ordo_code ordo_api_deploy_file(struct ordo_http_req *req, struct ordo_store *st,
                                    const char *name, const char *xml, size_t len, json_t *out,
                                    struct ordo_err *err)
{
    struct ordo_deploy_req dr = {
        .resource = name, .xml = xml, .len = len, .actor = ordo_api_actor(req)};
    const struct ordo_deployed *d;
    const struct ordo_graph_finding *findings;
    size_t n = 0, nfindings = 0;
    enum ordo_code rc = environment(req, st, &dr, err);

    if (rc == ORDO_OK) {
        rc = ordo_store_deploy(st, &dr, ordo_http_arena(req), &d, &n, &findings, &nfindings, err);
    }
    if (rc == ORDO_E_UNPROCESSABLE && nfindings) {
        ordo_http_reply_error(req, rc, ordo_err_message(err),
                              findings_json(findings, nfindings, name));
    }
    for (size_t i = 0; rc == ORDO_OK && i < n; i++) {
        json_array_append_new(out, deployed_json(st, &d[i], name));
    }
    return rc;
}

enum ordo_code ordo_api_deploy_files(struct ordo_http_req *req, const struct ordo_api_file *files,
                                     size_t n, json_t *deployed, struct ordo_err *err)
{
    struct ordo_store *st = NULL;
    enum ordo_code rc = ORDO_OK;

    for (size_t i = 0; rc == ORDO_OK && n > 1 && i < n; i++) {
        rc = check_file(req, &files[i], err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_api_store(req, &st, err);
    }
    for (size_t i = 0; rc == ORDO_OK && i < n; i++) {
        rc =
            ordo_api_deploy_file(req, st, files[i].name, files[i].xml, files[i].len, deployed, err);
    }
    return rc;
}

enum ordo_code ordo_api_deploy(struct ordo_http_req *req, struct ordo_err *err)
{
    struct ordo_api_file files[ORDO_API_MAX_FILES];
    size_t nfiles = 0;
    json_t *deployed = json_array();
    enum ordo_code rc = collect(req, files, &nfiles, err);

    if (rc == ORDO_OK) {
        rc = ordo_api_deploy_files(req, files, nfiles, deployed, err);
    }
    if (rc != ORDO_OK) {
        json_decref(deployed);
        return rc;
    }
    ordo_http_reply_json(req, 201, json_pack("{s:o}", "deployments", deployed));
    return ORDO_OK;
}
