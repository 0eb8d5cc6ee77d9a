/*
 * integrations/bamboohr/bamboohr.c - the BambooHR connector (REST API v1).
 *
 * Credential: configuration "company_domain" (acme for acme.bamboohr.com)
 * or "base_url" (default
 * https://api.bamboohr.com/api/gateway.php/<company_domain>/v1; the sandbox
 * serves <url>/bamboohr/api/gateway.php/acme/v1); secret "api_key", sent
 * as HTTP Basic with the key as user and "x" as password. Answers are asked
 * for as JSON (Accept: application/json). BambooHR explains an error in the
 * X-BambooHR-Error-Message header rather than the body; it is added to the
 * message.
 *
 * bamboohr.get_employee answers a SCIM-like record (saas-apis.md §4,
 * "canonical worker record") so that processes keep working if another HR
 * source replaces BambooHR, plus "raw" with the fields as BambooHR returns
 * them. All actions are reads or an update with the same values, so
 * repeating one is harmless.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "integrations/common/conn.h"
#include "integrations/common/text.h"
#include "ordo/connector.h"

#define BAMBOO_DEFAULT_BASE "https://api.bamboohr.com/api/gateway.php/%s/v1"
/* The fields the normalised record is made of. */
#define BAMBOO_FIELDS                                                                      \
    "firstName,lastName,preferredName,displayName,workEmail,jobTitle,department,division," \
    "location,supervisorEId,supervisorEmail,hireDate,status,employeeNumber"

static enum ordo_connector_result setup(struct ordo_conn *c)
{
    const char *key = ordo_conn_str(c->secret, "api_key");
    const char *domain = ordo_conn_str(c->config, "company_domain");

    if (!key) {
        return ordo_conn_fail(c->out, "the BambooHR credential has no api_key");
    }
    if (!ordo_conn_base_url(
            c,
            domain ? ordo_conn_printf(c, BAMBOO_DEFAULT_BASE, ordo_conn_enc(c, domain)) : NULL)) {
        return ordo_conn_fail(c->out,
                              "the BambooHR credential needs a company_domain or a base_url");
    }
    ordo_conn_basic(c, key, "x");
    ordo_conn_header(c, "Accept", "application/json");
    return ORDO_CONNECTOR_OK;
}

/* ordo_conn_check(), with BambooHR's X-BambooHR-Error-Message added. */
static enum ordo_connector_result bamboo_check(struct ordo_conn *c, const char *what)
{
    enum ordo_connector_result rc = ordo_conn_check(c, what);
    const char *why =
        rc == ORDO_CONNECTOR_OK ? NULL : ordo_conn_resp_header(c, "x-bamboohr-error-message");

    if (why && *why) {
        size_t n = strlen(c->out->message);

        (void)snprintf(c->out->message + n, sizeof(c->out->message) - n, ": %s", why);
    }
    return rc;
}

static enum ordo_connector_result bamboo_call(struct ordo_conn *c, const char *method,
                                              const char *path, const json_t *body,
                                              const char *what, json_t **doc)
{
    enum ordo_connector_result rc =
        ordo_conn_send(c, method, ordo_conn_printf(c, "%s%s", c->base, path), body);

    if (doc) {
        *doc = NULL;
    }
    if (rc == ORDO_CONNECTOR_OK) {
        rc = bamboo_check(c, what);
    }
    if (rc == ORDO_CONNECTOR_OK && doc) {
        rc = ordo_conn_parse(c, what, doc);
    }
    return rc;
}

static const char *employee_path(struct ordo_conn *c)
{
    return ordo_conn_printf(c, "/employees/%s",
                            ordo_conn_enc(c, ordo_conn_str_or(c->input, "id", "")));
}

/* A member as text: BambooHR sends ids as strings, but not always. */
static const char *text_of(struct ordo_conn *c, const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);

    if (json_is_integer(v)) {
        return ordo_conn_printf(c, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    }
    return ordo_conn_str(obj, key);
}

static json_t *manager_of(struct ordo_conn *c, const json_t *raw)
{
    const char *id = text_of(c, raw, "supervisorEId");
    json_t *m;

    if (!id) {
        return json_null();
    }
    m = json_pack("{s:s}", "id", id);
    ordo_conn_out_str(m, "email", ordo_conn_str(raw, "supervisorEmail"));
    return m;
}

static const char *display_name_of(struct ordo_conn *c, const json_t *raw)
{
    const char *d = ordo_conn_str(raw, "displayName");
    const char *first = ordo_conn_str(raw, "preferredName");
    const char *last = ordo_conn_str(raw, "lastName");

    if (d) {
        return d;
    }
    first = first ? first : ordo_conn_str(raw, "firstName");
    if (first && last) {
        return ordo_conn_printf(c, "%s %s", first, last);
    }
    return first ? first : last;
}

/* The SCIM-like record of one employee (saas-apis.md §4). */
static json_t *normalise(struct ordo_conn *c, json_t *raw)
{
    const char *email = ordo_conn_str(raw, "workEmail");
    const char *hired = ordo_conn_str(raw, "hireDate");
    const char *status = ordo_conn_str(raw, "status");
    json_t *o = json_object();

    ordo_conn_out_str(o, "id", text_of(c, raw, "id"));
    ordo_conn_out_str(o, "user_name", email);
    (void)json_object_set_new(o, "name", json_object());
    ordo_conn_out_member(json_object_get(o, "name"), "given_name", raw, "firstName");
    ordo_conn_out_member(json_object_get(o, "name"), "family_name", raw, "lastName");
    ordo_conn_out_str(o, "display_name", display_name_of(c, raw));
    (void)json_object_set_new(
        o, "emails",
        email ? json_pack("[{s:s, s:s, s:b}]", "value", email, "type", "work", "primary", 1)
              : json_array());
    ordo_conn_out_member(o, "title", raw, "jobTitle");
    ordo_conn_out_member(o, "department", raw, "department");
    (void)json_object_set_new(o, "manager", manager_of(c, raw));
    /* BambooHR writes an unknown date as 0000-00-00. */
    ordo_conn_out_str(o, "start_date", hired && strcmp(hired, "0000-00-00") != 0 ? hired : NULL);
    (void)json_object_set_new(o, "active", json_boolean(status && strcmp(status, "Active") == 0));
    ordo_conn_out_member(o, "employee_number", raw, "employeeNumber");
    (void)json_object_set(o, "raw", raw);
    return o;
}

static enum ordo_connector_result get_employee(struct ordo_conn *c)
{
    const char *fields = ordo_conn_enc_list(c, ordo_conn_str(c->input, "fields"));
    const char *path = ordo_conn_printf(c, "%s?fields=%s%s%s", employee_path(c), BAMBOO_FIELDS,
                                        *fields ? "," : "", fields);
    const char *what = "read the BambooHR employee";
    json_t *doc;
    enum ordo_connector_result rc;

    rc = ordo_conn_send(c, "GET", ordo_conn_printf(c, "%s%s", c->base, path), NULL);
    if (rc == ORDO_CONNECTOR_OK && c->resp.status == 404) {
        return ordo_conn_bpmn_error(c->out, "bamboohr_employee_not_found",
                                    "BambooHR has no employee %s",
                                    ordo_conn_str_or(c->input, "id", ""));
    }
    rc = rc == ORDO_CONNECTOR_OK ? bamboo_check(c, what) : rc;
    rc = rc == ORDO_CONNECTOR_OK ? ordo_conn_parse(c, what, &doc) : rc;
    if (rc != ORDO_CONNECTOR_OK) {
        return rc;
    }
    rc = ordo_conn_ok(c->out, normalise(c, doc));
    json_decref(doc);
    return rc;
}

static const char *lower(struct ordo_conn *c, const char *s)
{
    char *l = ordo_conn_xstrdup(s);

    for (char *p = l; *p; p++) {
        *p = (char)tolower((unsigned char)*p);
    }
    return ordo_conn_keep(c, l);
}

static json_t *change_of(struct ordo_conn *c, const char *key, const json_t *e)
{
    const char *id = text_of(c, e, "id");
    const char *action = ordo_conn_str(e, "action");
    json_t *o = json_object();

    ordo_conn_out_str(o, "id", id ? id : key);
    ordo_conn_out_str(o, "action", action ? lower(c, action) : NULL);
    ordo_conn_out_member(o, "last_changed", e, "lastChanged");
    return o;
}

static enum ordo_connector_result list_changed(struct ordo_conn *c)
{
    const char *path =
        ordo_conn_printf(c, "/employees/changed?since=%s&type=%s",
                         ordo_conn_enc(c, ordo_conn_str_or(c->input, "since", "")),
                         ordo_conn_enc(c, ordo_conn_str_or(c->input, "type", "all")));
    json_t *doc;
    json_t *list;
    const json_t *employees;
    const char *key;
    const json_t *e;
    size_t i;
    enum ordo_connector_result rc =
        bamboo_call(c, "GET", path, NULL, "list the changed BambooHR employees", &doc);

    if (rc != ORDO_CONNECTOR_OK) {
        return rc;
    }
    list = json_array();
    employees = json_object_get(doc, "employees");
    /* An object keyed by employee id, as documented; an array is read too. */
    json_object_foreach((json_t *)employees, key, e)
    {
        json_array_append_new(list, change_of(c, key, e));
    }
    json_array_foreach(employees, i, e)
    {
        json_array_append_new(list, change_of(c, NULL, e));
    }
    rc = ordo_conn_ok(c->out, json_pack("{s:o, s:O?}", "employees", list, "latest",
                                        json_object_get(doc, "latest")));
    json_decref(doc);
    return rc;
}

static enum ordo_connector_result update_employee(struct ordo_conn *c)
{
    const json_t *fields = json_object_get(c->input, "fields");
    enum ordo_connector_result rc;

    if (!json_is_object(fields) || json_object_size(fields) == 0) {
        return ordo_conn_fail(c->out, "could not update the BambooHR employee: no fields given");
    }
    rc = bamboo_call(c, "POST", employee_path(c), fields, "update the BambooHR employee", NULL);

    return rc == ORDO_CONNECTOR_OK ? ordo_conn_ok(c->out, json_object()) : rc;
}

static enum ordo_connector_result directory(struct ordo_conn *c)
{
    json_t *doc;
    json_t *o;
    enum ordo_connector_result rc =
        bamboo_call(c, "GET", "/employees/directory", NULL, "check the BambooHR credential", &doc);

    if (rc != ORDO_CONNECTOR_OK) {
        return rc;
    }
    o = json_pack("{s:I}", "employees",
                  (json_int_t)json_array_size(json_object_get(doc, "employees")));
    json_decref(doc);
    return ordo_conn_ok(c->out, o);
}

ORDO_CONN_INVOKE(setup, get_employee)
ORDO_CONN_INVOKE(setup, list_changed)
ORDO_CONN_INVOKE(setup, update_employee)
ORDO_CONN_INVOKE(setup, directory)

/* The descriptor. */

static const char *const kw_get[] = {"bamboohr", "employee", "hr", "worker", "person", "get", NULL};
static const char *const kw_changed[] = {"bamboohr", "employees", "changed", "new hire",
                                         "sync",     "poll",      NULL};
static const char *const kw_update[] = {"bamboohr", "employee", "update", "hr", NULL};
static const char *const err_not_found[] = {"bamboohr_employee_not_found", NULL};

static const struct ordo_connector_action bamboohr_actions[] = {
    {
        .id = "bamboohr.get_employee",
        .title = "Get an employee",
        .description = "Reads an employee from BambooHR as a normalised worker record: work "
                       "e-mail, names, title, department, manager, start date and whether they "
                       "are active. Raises bamboohr_employee_not_found for an unknown id.",
        .keywords = kw_get,
        .input_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "id" : {"type" : "string", "title" : "Employee id"},
                "fields" : {
                    "type" : "string",
                    "title" : "More fields",
                    "description" : "comma-separated BambooHR field names to add to raw"
                }
            },
            "required" : ["id"],
            "additionalProperties" : false
        }),
        .output_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "id" : {"type" : "string"},
                "user_name" : {"type" : [ "string", "null" ], "description" : "the work e-mail"},
                "name" : {
                    "type" : "object",
                    "properties" : {
                        "given_name" : {"type" : [ "string", "null" ]},
                        "family_name" : {"type" : [ "string", "null" ]}
                    }
                },
                "display_name" : {"type" : [ "string", "null" ]},
                "emails" : {
                    "type" : "array",
                    "items" : {
                        "type" : "object",
                        "properties" : {
                            "value" : {"type" : "string"},
                            "type" : {"const" : "work"},
                            "primary" : {"type" : "boolean"}
                        }
                    }
                },
                "title" : {"type" : [ "string", "null" ]},
                "department" : {"type" : [ "string", "null" ]},
                "manager" : {
                    "type" : [ "object", "null" ],
                    "properties" :
                        {"id" : {"type" : "string"}, "email" : {"type" : [ "string", "null" ]}}
                },
                "start_date" : {"type" : [ "string", "null" ], "format" : "date"},
                "active" : {"type" : "boolean", "description" : "status is Active"},
                "employee_number" : {"type" : [ "string", "null" ]},
                "raw" : {"type" : "object", "description" : "the fields as BambooHR returns them"}
            }
        }),
        .bpmn_errors = err_not_found,
        .timeout_ms = 30000,
        .invoke = get_employee_cb,
    },
    {
        .id = "bamboohr.list_changed",
        .title = "List changed employees",
        .description = "Lists the employees added, updated or deleted in BambooHR since a time. "
                       "Poll it with the previous answer's latest as since to pick up new hires "
                       "when webhooks are not available.",
        .keywords = kw_changed,
        .input_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "since" : {
                    "type" : "string",
                    "format" : "date-time",
                    "title" : "Since",
                    "description" : "changes after this time (RFC 3339)"
                },
                "type" : {
                    "type" : "string",
                    "title" : "Changes",
                    "enum" : [ "all", "inserted", "updated", "deleted" ],
                    "default" : "all"
                }
            },
            "required" : ["since"],
            "additionalProperties" : false
        }),
        .output_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "employees" : {
                    "type" : "array",
                    "items" : {
                        "type" : "object",
                        "properties" : {
                            "id" : {"type" : "string"},
                            "action" :
                                {"type" : "string", "enum" : [ "inserted", "updated", "deleted" ]},
                            "last_changed" : {"type" : "string", "format" : "date-time"}
                        }
                    }
                },
                "latest" : {
                    "type" : [ "string", "null" ],
                    "description" : "the newest change; the next poll's since"
                }
            }
        }),
        .timeout_ms = 30000,
        .invoke = list_changed_cb,
    },
    {
        .id = "bamboohr.update_employee",
        .title = "Update an employee",
        .description = "Sets fields of a BambooHR employee, such as workEmail or jobTitle, given "
                       "as an object of BambooHR field names and values.",
        .keywords = kw_update,
        .input_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "id" : {"type" : "string", "title" : "Employee id"},
                "fields" : {
                    "type" : "object",
                    "title" : "Fields",
                    "description" : "BambooHR field names and their new values"
                }
            },
            "required" : [ "id", "fields" ],
            "additionalProperties" : false
        }),
        .output_schema = ORDO_CONN_JSON({"type" : "object", "properties" : {}}),
        .timeout_ms = 30000,
        .invoke = update_employee_cb,
    },
};

static const char *const bamboohr_keywords[] = {"bamboohr",   "hr",   "employee",
                                                "onboarding", "hris", NULL};

ORDO_CONNECTOR_DEFINE(
        .name = "bamboohr", .version = "1.0.0", .title = "BambooHR",
        .description = "Read employees as normalised worker records, list changes since a time and "
                       "update employee fields in BambooHR with an API key.",
        .keywords = bamboohr_keywords,
        .config_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "company_domain" : {
                    "type" : "string",
                    "title" : "Company domain",
                    "description" : "acme for acme.bamboohr.com"
                },
                "base_url" : {
                    "type" : "string",
                    "title" : "API base URL",
                    "description" : "overrides the company domain, for proxies and the sandbox"
                }
            },
            "additionalProperties" : false
        }),
        .credential_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "api_key" : {
                    "type" : "string",
                    "title" : "API key",
                    "description" : "made in BambooHR under the user's API keys"
                }
            },
            "required" : ["api_key"],
            "additionalProperties" : false
        }),
        .test_credentials = directory_cb, .actions = bamboohr_actions,
        .nactions = sizeof(bamboohr_actions) / sizeof(bamboohr_actions[0]), .max_concurrency = 0,
        .init = ordo_conn_init, .fini = NULL);
