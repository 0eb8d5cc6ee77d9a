/*
 * tests/fakes/bamboohr.c - the BambooHR stand-in: /bamboohr/api/gateway.php/{companyDomain}/v1/
 * (saas-apis.md §4).
 *
 * Checks in this order: an unknown company domain is 404; HTTP Basic with the API key as the
 * user name (any password) else 401 with an empty body; then the Accept header. BambooHR
 * answers XML unless asked for JSON; the sandbox speaks no XML, so a request that does not
 * accept application/json gets 406 with an empty body (and a note on the recorded call): a
 * connector that forgot the header fails loudly here instead of parsing XML in production.
 * Refusals have no JSON body; the reason is in the X-BambooHR-Error-Message header.
 *
 * Field values are strings (or null), as BambooHR sends them. GET employees/{id} without
 * ?fields= answers firstName and lastName; fields the sandbox does not know come back as
 * null. Both are assumptions (saas-apis.md §8 lists this API's details as unverified), as is
 * the shape of employees/changed and its "latest" (here the newest lastChanged returned, else
 * 'since' itself).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/text.h"
#include "tests/fakes/sandbox.h"

#define GATEWAY "/api/gateway.php/"

static const char *const updatable[] = {
    "firstName",     "lastName", "preferredName", "displayName",    "workEmail",
    "homeEmail",     "jobTitle", "department",    "division",       "location",
    "supervisorEId", "hireDate", "status",        "employeeNumber", "mobilePhone",
    "workPhone",     NULL};

static void refuse(struct ordo_sandbox_req *req, int status, const char *why)
{
    ordo_sandbox_reply_text(req, status, NULL, "");
    if (why) {
        ordo_sandbox_reply_header(req, "X-BambooHR-Error-Message", why);
    }
}

static json_t *find_company(json_t *state, const char *domain)
{
    return ordo_sandbox_find(json_object_get(json_object_get(state, "bamboohr"), "companies"),
                             "domain", domain);
}

static json_t *employees_of(const json_t *company)
{
    return json_object_get(company, "employees");
}

/* A stored value as BambooHR sends it: a string, or null. */
static json_t *as_string(struct ordo_sandbox_req *req, const json_t *v)
{
    if (json_is_string(v)) {
        return json_incref((json_t *)v);
    }
    if (json_is_integer(v)) {
        return json_string(ordo_arena_printf(req->arena, "%lld", (long long)json_integer_value(v)));
    }
    return json_null();
}

static json_t *field_value(struct ordo_sandbox_req *req, const json_t *company, const json_t *e,
                           const char *name)
{
    json_t *boss =
        ordo_sandbox_find(employees_of(company), "id", ordo_sandbox_str(e, "supervisorEId"));

    if (strcmp(name, "supervisorEmail") == 0) {
        return as_string(req, json_object_get(boss, "workEmail"));
    }
    if (strcmp(name, "supervisor") == 0) {
        return as_string(req, json_object_get(boss, "displayName"));
    }
    return as_string(req, json_object_get(e, name));
}

/* {"id":"102", ...the requested fields}; 'fields' is "a,b,c". */
static json_t *employee_json(struct ordo_sandbox_req *req, const json_t *company, const json_t *e,
                             const char *fields)
{
    json_t *out = json_pack("{s:o}", "id", as_string(req, json_object_get(e, "id")));
    const char *p = fields;

    while (p && *p) {
        size_t n = strcspn(p, ",");
        char *name = ordo_arena_strndup(req->arena, p, n);

        if (n > 0 && strcmp(name, "id") != 0) {
            (void)json_object_set_new(out, name, field_value(req, company, e, name));
        }
        p += n + (p[n] == ',');
    }
    return out;
}

static void get_employee_cb(struct ordo_sandbox_req *req, json_t *company)
{
    json_t *e = ordo_sandbox_find(employees_of(company), "id", req->params[1]);
    const char *fields = ordo_sandbox_query(req, "fields");

    if (!e) {
        refuse(req, 404, "Employee not found");
        return;
    }
    ordo_sandbox_reply_json(req, 200,
                            employee_json(req, company, e, fields ? fields : "firstName,lastName"));
}

static void directory_cb(struct ordo_sandbox_req *req, json_t *company)
{
    static const char *const cols[][3] = {
        {"displayName", "text", "Display name"}, {"firstName", "text", "First name"},
        {"lastName", "text", "Last name"},       {"jobTitle", "list", "Job title"},
        {"workEmail", "email", "Work email"},    {"department", "list", "Department"},
        {"location", "list", "Location"},        {"division", "list", "Division"},
        {"supervisor", "text", "Supervisor"},
    };
    json_t *fields = json_array(), *list = json_array(), *e;
    size_t i;

    for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++) {
        (void)json_array_append_new(fields, json_pack("{s:s, s:s, s:s}", "id", cols[k][0], "type",
                                                      cols[k][1], "name", cols[k][2]));
    }
    json_array_foreach(employees_of(company), i, e)
    {
        json_t *row;

        if (!ordo_streq(ordo_sandbox_str(e, "status"), "Active")) {
            continue;
        }
        row = employee_json(req, company, e,
                            "displayName,firstName,lastName,jobTitle,workEmail,department,"
                            "location,division,supervisor");
        (void)json_object_set_new(row, "photoUploaded", json_false());
        (void)json_object_set_new(row, "photoUrl", json_null());
        (void)json_array_append_new(list, row);
    }
    ordo_sandbox_reply_json(req, 200, json_pack("{s:o, s:o}", "fields", fields, "employees", list));
}

/* "inserted" -> "Inserted"; NULL for anything but the four types. */
static const char *change_type(const char *type)
{
    static const char *const types[][2] = {
        {"inserted", "Inserted"}, {"updated", "Updated"}, {"deleted", "Deleted"}, {"all", ""}};

    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        if (type && strcasecmp(type, types[i][0]) == 0) {
            return types[i][1];
        }
    }
    return NULL;
}

static void changed_cb(struct ordo_sandbox_req *req, json_t *company)
{
    const char *since_text = ordo_sandbox_query(req, "since");
    const char *type_text = ordo_sandbox_query(req, "type");
    const char *type = change_type(type_text ? type_text : "all");
    const char *latest = since_text;
    int64_t since, when, newest = INT64_MIN;
    json_t *out = NULL, *e;
    size_t i;

    if (!ordo_sandbox_parse_time(since_text, &since) || !type) {
        refuse(req, 400, type ? "Invalid 'since' parameter" : "Invalid 'type' parameter");
        return;
    }
    out = json_object();
    json_array_foreach(employees_of(company), i, e)
    {
        const char *stamp = ordo_sandbox_str(e, "lastChanged");
        const char *action = ordo_sandbox_str(e, "action");

        if (!ordo_sandbox_parse_time(stamp, &when) || when < since ||
            (*type && !ordo_streq(action, type))) {
            continue;
        }
        (void)json_object_set_new(out, ordo_sandbox_str(e, "id"),
                                  json_pack("{s:o, s:s?, s:s}", "id",
                                            as_string(req, json_object_get(e, "id")), "action",
                                            action, "lastChanged", stamp));
        if (when > newest) {
            newest = when;
            latest = stamp;
        }
    }
    ordo_sandbox_reply_json(req, 200, json_pack("{s:s, s:o}", "latest", latest, "employees", out));
}

static bool is_updatable(const char *name)
{
    for (size_t i = 0; updatable[i]; i++) {
        if (strcmp(updatable[i], name) == 0) {
            return true;
        }
    }
    return false;
}

/* Why 'body' cannot be stored on an employee, or NULL. */
static const char *update_problem(struct ordo_sandbox_req *req, const json_t *body)
{
    const char *name;
    json_t *v;
    int64_t ms;

    if (!json_is_object(body)) {
        return "The body must be a JSON object of fields";
    }
    json_object_foreach((json_t *)body, name, v)
    {
        if (!is_updatable(name)) {
            return ordo_arena_printf(req->arena, "Unknown field: %.60s", name);
        }
        if (!json_is_string(v) && !json_is_integer(v) && !json_is_null(v)) {
            return ordo_arena_printf(req->arena, "Field %.60s must be a string", name);
        }
        if (strcmp(name, "hireDate") == 0 && json_is_string(v) &&
            (strlen(json_string_value(v)) != 10 ||
             !ordo_sandbox_parse_time(json_string_value(v), &ms))) {
            return "Field hireDate must be a date as YYYY-MM-DD";
        }
    }
    return NULL;
}

static void store_fields(struct ordo_sandbox_req *req, json_t *e, const json_t *body,
                         const char *action)
{
    const char *name;
    json_t *v;

    json_object_foreach((json_t *)body, name, v)
    {
        (void)json_object_set_new(e, name, as_string(req, v));
    }
    (void)json_object_set_new(e, "action", json_string(action));
    (void)json_object_set_new(
        e, "lastChanged",
        json_string(ordo_sandbox_time(req->arena, ordo_clock_wall_ms(), ORDO_SANDBOX_TIME_BAMBOO)));
}

static void update_employee_cb(struct ordo_sandbox_req *req, json_t *company)
{
    json_t *e = ordo_sandbox_find(employees_of(company), "id", req->params[1]);
    json_t *body = ordo_sandbox_body_json(req);
    const char *problem = update_problem(req, body);

    if (!e) {
        refuse(req, 404, "Employee not found");
    } else if (problem) {
        refuse(req, 400, problem);
    } else {
        store_fields(req, e, body, "Updated");
        ordo_sandbox_reply_text(req, 200, NULL, "");
    }
}

static void add_employee_cb(struct ordo_sandbox_req *req, json_t *company)
{
    json_t *body = ordo_sandbox_body_json(req), *e;
    const char *problem = update_problem(req, body);
    const char *id;

    if (!problem && (!ordo_sandbox_str(body, "firstName") || !ordo_sandbox_str(body, "lastName"))) {
        problem = "firstName and lastName are required";
    }
    if (problem) {
        refuse(req, 400, problem);
        return;
    }
    id = ordo_arena_printf(req->arena, "%lld",
                           (long long)ordo_sandbox_next(company, "next_id", 103));
    e = json_pack("{s:s, s:s, s:n}", "id", id, "status", "Active", "supervisorEId");
    store_fields(req, e, body, "Inserted");
    (void)json_array_append_new(employees_of(company), e);
    ordo_sandbox_reply_text(req, 201, NULL, "");
    ordo_sandbox_reply_header(req, "Location",
                              ordo_arena_printf(req->arena,
                                                "%s/bamboohr" GATEWAY "%s/v1/employees/%s",
                                                req->base_url, req->params[0], id));
}

/* Each route's function gets its company. */
static const struct ordo_sandbox_route routes[] = {
    {"GET", GATEWAY "{}/v1/employees/directory", directory_cb},
    {"GET", GATEWAY "{}/v1/employees/changed", changed_cb},
    {"GET", GATEWAY "{}/v1/employees/{}", get_employee_cb},
    {"POST", GATEWAY "{}/v1/employees/{}", update_employee_cb},
    {"POST", GATEWAY "{}/v1/employees", add_employee_cb},
    {"POST", GATEWAY "{}/v1/employees/", add_employee_cb},
};

static bool bamboohr_auth(struct ordo_sandbox_req *req, json_t *state)
{
    const char *h = ordo_sandbox_header(req, "Authorization");
    const char *key = ordo_sandbox_str(json_object_get(state, "credentials"), "bamboohr_api_key");
    char *user;

    if (!h || !key || strncasecmp(h, "Basic ", 6) != 0) {
        return false;
    }
    user = ordo_sandbox_unbase64(req->arena, h + 6, NULL);
    if (!user) {
        return false;
    }
    user[strcspn(user, ":")] = '\0'; /* the password is anything */
    return strcmp(user, key) == 0;
}

static void bamboohr_handle(struct ordo_sandbox_req *req, json_t *state)
{
    const char *domain =
        strncmp(req->rel, GATEWAY, strlen(GATEWAY)) == 0 ? req->rel + strlen(GATEWAY) : NULL;
    json_t *company =
        domain ? find_company(state, ordo_arena_strndup(req->arena, domain, strcspn(domain, "/")))
               : NULL;
    const char *accept = ordo_sandbox_header(req, "Accept");
    const struct ordo_sandbox_route *r;
    bool wrong_method;

    if (!company) {
        refuse(req, 404, "Unknown company domain");
        return;
    }
    if (!req->auth_ok) {
        refuse(req, 401, NULL);
        ordo_sandbox_reply_header(req, "WWW-Authenticate", "Basic realm=\"BambooHR API\"");
        return;
    }
    if (!accept || !strstr(accept, "application/json")) {
        ordo_sandbox_note(req, "Accept is not application/json: BambooHR would answer XML");
        refuse(req, 406, "The sandbox answers JSON only: send Accept: application/json");
        return;
    }
    r = ordo_sandbox_route(req, routes, sizeof routes / sizeof routes[0], req->rel, &wrong_method);
    if (r) {
        r->fn(req, company);
    } else {
        refuse(req, wrong_method ? 405 : 404, "No such resource");
    }
}

static void bamboohr_fault(struct ordo_sandbox_req *req, int status)
{
    refuse(req, status, status == 429 || status == 503 ? "Rate limited" : "Injected fault");
}

const struct ordo_sandbox_service ordo_sandbox_bamboohr = {
    .name = "bamboohr",
    .prefix = "/bamboohr",
    .auth = bamboohr_auth,
    .handle = bamboohr_handle,
    .fault = bamboohr_fault,
};
