/*
 * server/c8_deploy.c - POST /v2/deployments: multipart/form-data with one
 * or more "resources" file parts and an optional "tenantId" field, as
 * @camunda8/sdk and Camunda Modeler send it. Every file is a BPMN model
 * deployed as POST /api/deployments deploys it (the same deploy policy:
 * with several files each is checked before any is deployed). Ordo keeps
 * no deployment records: the deploymentKey is the key of the first
 * definition deployed (docs/camunda8-rest.md).
 */
#include <string.h>
#include <strings.h>

#include "server/api.h"
#include "server/c8.h"
#include "server/multipart.h"

static bool field_is(const struct ordo_multipart_part *p, const char *name)
{
    return p->name && strcmp(p->name, name) == 0;
}

/* The tenantId field's text, checked. */
static enum ordo_code tenant_part(struct ordo_http_req *req, const struct ordo_multipart_part *p,
                                  struct ordo_err *err)
{
    const char *text = ordo_arena_strndup(ordo_http_arena(req), p->data, p->len);
    json_t *value = json_string(text);
    enum ordo_code rc = ordo_c8_tenant(value, "tenantId", err);

    json_decref(value);
    return rc;
}

static enum ordo_code collect(struct ordo_http_req *req, struct ordo_api_file *files,
                              size_t *nfiles, struct ordo_err *err)
{
    const char *type = ordo_http_header(req, "Content-Type");
    const struct ordo_multipart_part *parts = NULL;
    size_t nparts = 0, len;
    const char *body = ordo_http_body(req, &len);
    enum ordo_code rc;

    *nfiles = 0;
    if (!type || strncasecmp(type, "multipart/form-data", strlen("multipart/form-data")) != 0) {
        return ordo_err_set(err, ORDO_E_MEDIA,
                            "send multipart/form-data with the files as \"resources\" parts");
    }
    rc = ordo_multipart_parse(type, body, len, ordo_http_arena(req), &parts, &nparts, err);
    for (size_t i = 0; rc == ORDO_OK && i < nparts; i++) {
        const struct ordo_multipart_part *p = &parts[i];

        if (field_is(p, "tenantId")) {
            rc = tenant_part(req, p, err);
        } else if (!field_is(p, "resources")) {
            rc = ordo_err_set(err, ORDO_E_INVAL,
                              "unknown part \"%.60s\" (expected resources, tenantId)",
                              p->name ? p->name : "");
        } else if (*nfiles == ORDO_API_MAX_FILES) {
            rc =
                ordo_err_set(err, ORDO_E_INVAL, "at most %d resources at once", ORDO_API_MAX_FILES);
        } else {
            files[(*nfiles)++] = (struct ordo_api_file){
                p->filename && *p->filename ? p->filename : "upload.bpmn",
                ordo_arena_strndup(ordo_http_arena(req), p->data, p->len), p->len};
        }
    }
    if (rc == ORDO_OK && *nfiles == 0) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "the request holds no resources part");
    }
    return rc;
}

/* A native deployment item ({key, processId, version, resource, ...}) as
 * Camunda 8's {processDefinition: {...}}. */
static json_t *deployment_json(const json_t *item)
{
    return json_pack("{s:{s:O, s:O, s:O, s:s, s:O}}", "processDefinition", "processDefinitionId",
                     json_object_get(item, "processId"), "processDefinitionVersion",
                     json_object_get(item, "version"), "resourceName",
                     json_object_get(item, "resource"), "tenantId", ORDO_C8_TENANT,
                     "processDefinitionKey", json_object_get(item, "key"));
}

enum ordo_code ordo_c8_deploy(struct ordo_http_req *req, struct ordo_err *err)
{
    struct ordo_api_file files[ORDO_API_MAX_FILES];
    size_t nfiles = 0, i;
    json_t *deployed = json_array(), *out, *item;
    enum ordo_code rc = collect(req, files, &nfiles, err);

    if (rc == ORDO_OK) {
        rc = ordo_api_deploy_files(req, files, nfiles, deployed, err);
    }
    if (rc == ORDO_OK && json_array_size(deployed) == 0) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "the resources hold no executable process");
    }
    if (rc != ORDO_OK) {
        json_decref(deployed);
        return rc;
    }
    out = json_pack("{s:O, s:s, s:[]}", "deploymentKey",
                    json_object_get(json_array_get(deployed, 0), "key"), "tenantId", ORDO_C8_TENANT,
                    "deployments");
    json_array_foreach(deployed, i, item)
    {
        json_array_append_new(json_object_get(out, "deployments"), deployment_json(item));
    }
    json_decref(deployed);
    ordo_http_reply_json(req, 200, out);
    return ORDO_OK;
}
