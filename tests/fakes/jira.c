/*
 * tests/fakes/jira.c - the Jira Cloud REST v3 stand-in: /jira/rest/api/3/... (saas-apis.md §2).
 *
 * Auth is "Authorization: Basic base64(email:api_token)"; anything else is 401. Errors have
 * Jira's shape {"errorMessages":[...],"errors":{"<field>":"<msg>"}}: 400 for bad fields (all of
 * them at once, as Jira collects them), 404 for an issue that does not exist, 405 for a known
 * path with another method.
 *
 * One workflow for every project: To Do -(11 Start Progress)-> In Progress -(21 Done)-> Done
 * -(31 Reopen)-> To Do. Issue keys count per project (ONB-1, ONB-2, ...), ids from 10001.
 *
 * /search/jql understands only clauses "field = value" joined by AND, on project, key (or
 * issuekey), status, issuetype (or type) and labels; ORDER BY is accepted and ignored (issues
 * come in the order they were created). As on Jira Cloud, a query without a restriction is
 * refused, and without "fields" each issue is only its id.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/json.h"
#include "base/text.h"
#include "tests/fakes/sandbox.h"

#define API          "/rest/api/3"
#define PAGE_DEFAULT 50
#define PAGE_MAX     5000
#define SUMMARY_MAX  255
#define TOKEN_PREFIX "offset:"
#define MAX_CLAUSES  8
#define ADF_NOT_A_DOC \
    "Operation value must be an Atlassian Document (see the Atlassian Document Format)"

struct status {
    const char *name;
    const char *id;
    int category_id;
    const char *category_key;
    const char *color;
};

static const struct status statuses[] = {
    {"To Do", "10000", 2, "new", "blue-gray"},
    {"In Progress", "3", 4, "indeterminate", "yellow"},
    {"Done", "10001", 3, "done", "green"},
};

static const struct {
    const char *id;
    const char *name;
    const char *from;
    const char *to;
} transitions[] = {
    {"11", "Start Progress", "To Do", "In Progress"},
    {"21", "Done", "In Progress", "Done"},
    {"31", "Reopen", "Done", "To Do"},
};

/* ---- replies --------------------------------------------------------------------------------- */

/* 'message' may quote the request (a JQL value), so it is made valid UTF-8 first. */
static void error_messages(struct ordo_sandbox_req *req, int status, const char *message)
{
    ordo_sandbox_reply_json(req, status,
                            json_pack("{s:[s], s:{}}", "errorMessages",
                                      ordo_utf8_repair(req->arena, message), "errors"));
}

/* 400 with field errors, the object 'errors' taken over. */
static void field_errors(struct ordo_sandbox_req *req, json_t *errors)
{
    ordo_sandbox_reply_json(req, 400, json_pack("{s:[], s:o}", "errorMessages", "errors", errors));
}

static void no_issue(struct ordo_sandbox_req *req)
{
    error_messages(req, 404, "Issue does not exist or you do not have permission to see it.");
}

/* ---- the model ------------------------------------------------------------------------------- */

static const struct status *status_named(const char *name)
{
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        if (ordo_streq(statuses[i].name, name)) {
            return &statuses[i];
        }
    }
    return &statuses[0];
}

static json_t *status_json(struct ordo_sandbox_req *req, const char *name)
{
    const struct status *s = status_named(name);

    return json_pack(
        "{s:s, s:s, s:s, s:s, s:{s:s, s:i, s:s, s:s, s:s}}", "self",
        ordo_arena_printf(req->arena, "%s/jira" API "/status/%s", req->base_url, s->id),
        "description", "", "name", s->name, "id", s->id, "statusCategory", "self",
        ordo_arena_printf(req->arena, "%s/jira" API "/statuscategory/%d", req->base_url,
                          s->category_id),
        "id", s->category_id, "key", s->category_key, "colorName", s->color, "name", s->name);
}

static const char *issue_self(struct ordo_sandbox_req *req, const json_t *issue)
{
    return ordo_arena_printf(req->arena, "%s/jira" API "/issue/%s", req->base_url,
                             ordo_sandbox_str(issue, "id"));
}

static json_t *find_issue(json_t *jira, const char *key_or_id)
{
    json_t *issues = json_object_get(jira, "issues");
    json_t *issue = ordo_sandbox_find(issues, "key", key_or_id);

    return issue ? issue : ordo_sandbox_find(issues, "id", key_or_id);
}

static json_t *find_project(json_t *jira, const char *key_or_id)
{
    json_t *projects = json_object_get(jira, "projects");
    json_t *p = ordo_sandbox_find(projects, "key", key_or_id);

    return p ? p : ordo_sandbox_find(projects, "id", key_or_id);
}

static json_t *user_ref(const json_t *user)
{
    return json_pack("{s:O?, s:O?, s:O?, s:b, s:s}", "accountId",
                     json_object_get(user, "accountId"), "emailAddress",
                     json_object_get(user, "emailAddress"), "displayName",
                     json_object_get(user, "displayName"), "active", 1, "accountType", "atlassian");
}

static json_t *comments_json(const json_t *issue)
{
    json_t *c = json_object_get(issue, "comments");
    size_t n = json_array_size(c);

    return json_pack("{s:o, s:i, s:i, s:i}", "comments",
                     json_is_array(c) ? json_incref(c) : json_array(), "maxResults", (int)n,
                     "total", (int)n, "startAt", 0);
}

/* Is 'name' among the comma-separated 'fields' ("*all" and "*navigable" take everything)? */
static bool wanted(const char *fields, const char *name)
{
    size_t n = strlen(name);

    if (!fields || !*fields || strstr(fields, "*all") || strstr(fields, "*navigable")) {
        return true;
    }
    for (const char *p = fields; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ',')) {
        while (*p == ' ') {
            p++;
        }
        if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0' || p[n] == ' ')) {
            return true;
        }
    }
    return false;
}

static void put_field(json_t *fields, const char *wanted_list, const char *name, json_t *value)
{
    if (wanted(wanted_list, name)) {
        (void)json_object_set_new(fields, name, value ? value : json_null());
    } else {
        json_decref(value);
    }
}

static json_t *issue_json(struct ordo_sandbox_req *req, json_t *jira, const json_t *issue,
                          const char *want)
{
    json_t *project = find_project(jira, ordo_sandbox_str(issue, "project"));
    json_t *type = ordo_sandbox_find(json_object_get(project, "issuetypes"), "name",
                                     ordo_sandbox_str(issue, "issuetype"));
    json_t *fields = json_object();

    put_field(fields, want, "summary", json_incref(json_object_get(issue, "summary")));
    put_field(fields, want, "status", status_json(req, ordo_sandbox_str(issue, "status")));
    put_field(fields, want, "issuetype",
              json_pack("{s:O?, s:O?, s:b}", "id", json_object_get(type, "id"), "name",
                        json_object_get(type, "name"), "subtask", 0));
    put_field(fields, want, "project",
              json_pack("{s:O?, s:O?, s:O?}", "id", json_object_get(project, "id"), "key",
                        json_object_get(project, "key"), "name", json_object_get(project, "name")));
    put_field(fields, want, "description", json_incref(json_object_get(issue, "description")));
    put_field(fields, want, "labels", json_incref(json_object_get(issue, "labels")));
    put_field(fields, want, "created", json_incref(json_object_get(issue, "created")));
    put_field(fields, want, "updated", json_incref(json_object_get(issue, "updated")));
    put_field(fields, want, "reporter", user_ref(json_object_get(jira, "myself")));
    put_field(fields, want, "comment", comments_json(issue));
    return json_pack("{s:s, s:O?, s:s, s:O?, s:o}", "expand", "renderedFields,names,schema", "id",
                     json_object_get(issue, "id"), "self", issue_self(req, issue), "key",
                     json_object_get(issue, "key"), "fields", fields);
}

/* ---- ADF ------------------------------------------------------------------------------------- */

static bool adf_node_ok(const json_t *node)
{
    json_t *content = json_object_get(node, "content");
    size_t i;
    json_t *child;

    if (!json_is_object(node) || !json_is_string(json_object_get(node, "type"))) {
        return false;
    }
    if (ordo_streq(ordo_sandbox_str(node, "type"), "text") &&
        !json_is_string(json_object_get(node, "text"))) {
        return false;
    }
    if (content && !json_is_array(content)) {
        return false;
    }
    json_array_foreach(content, i, child)
    {
        if (!adf_node_ok(child)) {
            return false;
        }
    }
    return true;
}

/* An Atlassian Document: {"type":"doc","version":1,"content":[nodes]}. */
static bool is_adf(const json_t *doc)
{
    return json_is_object(doc) && ordo_streq(ordo_sandbox_str(doc, "type"), "doc") &&
           json_integer_value(json_object_get(doc, "version")) == 1 &&
           json_is_array(json_object_get(doc, "content")) && adf_node_ok(doc);
}

/* ---- issues ---------------------------------------------------------------------------------- */

static const char *const settable[] = {"project", "issuetype", "summary",  "description",
                                       "labels",  "assignee",  "reporter", "priority",
                                       "duedate", "parent",    NULL};

static bool is_settable(const char *name)
{
    for (size_t i = 0; settable[i]; i++) {
        if (strcmp(settable[i], name) == 0) {
            return true;
        }
    }
    return false;
}

/* Jira's checks of a create request, every problem at once, into 'errors'. */
static void check_create(json_t *jira, const json_t *fields, json_t *errors, json_t **project_out,
                         json_t **type_out)
{
    json_t *p = json_object_get(fields, "project"), *t = json_object_get(fields, "issuetype");
    json_t *project = find_project(jira, ordo_sandbox_str(p, "key"));
    json_t *types, *type = NULL, *v;
    const char *summary = ordo_sandbox_str(fields, "summary"), *name;

    project = project ? project : find_project(jira, ordo_sandbox_str(p, "id"));
    types = json_object_get(project, "issuetypes");
    if (ordo_sandbox_str(t, "name") || ordo_sandbox_str(t, "id")) {
        type = ordo_sandbox_find(types, "name", ordo_sandbox_str(t, "name"));
        type = type ? type : ordo_sandbox_find(types, "id", ordo_sandbox_str(t, "id"));
    }
    if (!project) {
        (void)json_object_set_new(errors, "project",
                                  json_string("Specify a valid project ID or key"));
    } else if (!t) {
        (void)json_object_set_new(errors, "issuetype", json_string("Specify an issue type"));
    } else if (!type) {
        (void)json_object_set_new(errors, "issuetype",
                                  json_string("The issue type selected is invalid."));
    }
    if (!summary || !*summary) {
        (void)json_object_set_new(errors, "summary",
                                  json_string("You must specify a summary of the issue."));
    } else if (strlen(summary) > SUMMARY_MAX) {
        (void)json_object_set_new(errors, "summary",
                                  json_string("Summary must be less than 255 characters."));
    }
    v = json_object_get(fields, "description");
    if (v && !json_is_null(v) && !is_adf(v)) {
        (void)json_object_set_new(errors, "description", json_string(ADF_NOT_A_DOC));
    }
    json_object_foreach((json_t *)fields, name, v)
    {
        if (!is_settable(name)) {
            (void)json_object_set_new(
                errors, name,
                json_sprintf("Field '%s' cannot be set. It is not on the appropriate screen, or "
                             "unknown.",
                             name));
        }
    }
    *project_out = project;
    *type_out = type;
}

static void create_issue_cb(struct ordo_sandbox_req *req, json_t *jira)
{
    json_t *body = ordo_sandbox_body_json(req);
    json_t *fields = json_object_get(body, "fields");
    json_t *errors = json_object(), *project = NULL, *type = NULL, *labels, *issue;
    const char *now = ordo_sandbox_time(req->arena, ordo_clock_wall_ms(), ORDO_SANDBOX_TIME_JIRA);
    const char *id, *key;

    if (!json_is_object(body)) {
        json_decref(errors);
        error_messages(req, 400, "The request body is not a JSON object.");
        return;
    }
    if (!json_is_object(fields)) {
        fields = ordo_json_defer(req->arena, json_object());
    }
    check_create(jira, fields, errors, &project, &type);
    if (json_object_size(errors) > 0) {
        field_errors(req, errors);
        return;
    }
    json_decref(errors);
    labels = json_object_get(fields, "labels");
    id = ordo_arena_printf(req->arena, "%lld",
                           (long long)ordo_sandbox_next(jira, "next_issue_id", 10001));
    key = ordo_arena_printf(req->arena, "%s-%lld", ordo_sandbox_str(project, "key"),
                            (long long)ordo_sandbox_next(project, "next_number", 1));
    issue = json_pack("{s:s, s:s, s:O, s:O, s:O, s:O?, s:o, s:s, s:s, s:s, s:[]}", "id", id, "key",
                      key, "project", json_object_get(project, "key"), "issuetype",
                      json_object_get(type, "name"), "summary", json_object_get(fields, "summary"),
                      "description", json_object_get(fields, "description"), "labels",
                      json_is_array(labels) ? json_incref(labels) : json_array(), "status", "To Do",
                      "created", now, "updated", now, "comments");
    (void)json_array_append_new(json_object_get(jira, "issues"), issue);
    ordo_sandbox_reply_json(
        req, 201,
        json_pack("{s:s, s:s, s:s}", "id", id, "key", key, "self", issue_self(req, issue)));
}

static void get_issue_cb(struct ordo_sandbox_req *req, json_t *jira)
{
    json_t *issue = find_issue(jira, req->params[0]);

    if (!issue) {
        no_issue(req);
        return;
    }
    ordo_sandbox_reply_json(req, 200,
                            issue_json(req, jira, issue, ordo_sandbox_query(req, "fields")));
}

static void list_transitions_cb(struct ordo_sandbox_req *req, json_t *jira)
{
    json_t *issue = find_issue(jira, req->params[0]), *list;
    const char *expand = ordo_sandbox_query(req, "expand");
    bool with_fields = expand && strstr(expand, "transitions.fields");

    if (!issue) {
        no_issue(req);
        return;
    }
    list = json_array();
    for (size_t i = 0; i < sizeof transitions / sizeof transitions[0]; i++) {
        json_t *t;

        if (!ordo_streq(transitions[i].from, ordo_sandbox_str(issue, "status"))) {
            continue;
        }
        t = json_pack("{s:s, s:s, s:o, s:b, s:b, s:b, s:b, s:b, s:b}", "id", transitions[i].id,
                      "name", transitions[i].name, "to", status_json(req, transitions[i].to),
                      "hasScreen", 0, "isGlobal", 0, "isInitial", 0, "isAvailable", 1,
                      "isConditional", 0, "isLooped", 0);
        if (with_fields) {
            (void)json_object_set_new(t, "fields", json_object());
        }
        (void)json_array_append_new(list, t);
    }
    ordo_sandbox_reply_json(req, 200,
                            json_pack("{s:s, s:o}", "expand", "transitions", "transitions", list));
}

static void do_transition_cb(struct ordo_sandbox_req *req, json_t *jira)
{
    json_t *issue = find_issue(jira, req->params[0]);
    json_t *t = json_object_get(ordo_sandbox_body_json(req), "transition");
    json_t *idv = json_object_get(t, "id");
    const char *id = json_is_integer(idv)
                         ? ordo_arena_printf(req->arena, "%lld", (long long)json_integer_value(idv))
                         : json_string_value(idv);

    if (!issue) {
        no_issue(req);
        return;
    }
    if (!id) {
        error_messages(req, 400, "Missing 'transition' identifier");
        return;
    }
    for (size_t i = 0; i < sizeof transitions / sizeof transitions[0]; i++) {
        if (strcmp(transitions[i].id, id) == 0 &&
            ordo_streq(transitions[i].from, ordo_sandbox_str(issue, "status"))) {
            (void)json_object_set_new(issue, "status", json_string(transitions[i].to));
            (void)json_object_set_new(
                issue, "updated",
                json_string(
                    ordo_sandbox_time(req->arena, ordo_clock_wall_ms(), ORDO_SANDBOX_TIME_JIRA)));
            ordo_sandbox_reply_text(req, 204, NULL, "");
            return;
        }
    }
    error_messages(
        req, 400,
        ordo_arena_printf(req->arena, "Transition id '%.40s' is not valid for this issue.", id));
}

static json_t *comments_of(json_t *issue)
{
    json_t *c = json_object_get(issue, "comments");

    if (!json_is_array(c)) {
        c = json_array();
        (void)json_object_set_new(issue, "comments", c);
    }
    return c;
}

static void add_comment_cb(struct ordo_sandbox_req *req, json_t *jira)
{
    json_t *issue = find_issue(jira, req->params[0]);
    json_t *body = json_object_get(ordo_sandbox_body_json(req), "body"), *comment;
    const char *now = ordo_sandbox_time(req->arena, ordo_clock_wall_ms(), ORDO_SANDBOX_TIME_JIRA);
    json_t *author = user_ref(json_object_get(jira, "myself"));
    const char *id;

    if (!issue) {
        json_decref(author);
        no_issue(req);
        return;
    }
    if (!is_adf(body)) {
        json_decref(author);
        field_errors(req, json_pack("{s:s}", "comment",
                                    body ? ADF_NOT_A_DOC : "Comment body can not be empty!"));
        return;
    }
    id = ordo_arena_printf(req->arena, "%lld",
                           (long long)ordo_sandbox_next(jira, "next_comment_id", 10001));
    comment = json_pack("{s:s, s:s, s:o, s:O, s:O, s:s, s:s, s:b}", "self",
                        ordo_arena_printf(req->arena, "%s/comment/%s", issue_self(req, issue), id),
                        "id", id, "author", author, "updateAuthor", author, "body", body, "created",
                        now, "updated", now, "jsdPublic", 1);
    (void)json_array_append(comments_of(issue), comment);
    (void)json_object_set_new(issue, "updated", json_string(now));
    ordo_sandbox_reply_json(req, 201, comment);
}

static void list_comments_cb(struct ordo_sandbox_req *req, json_t *jira)
{
    json_t *issue = find_issue(jira, req->params[0]);

    if (!issue) {
        no_issue(req);
        return;
    }
    ordo_sandbox_reply_json(req, 200, comments_json(issue));
}

/* ---- search ---------------------------------------------------------------------------------- */

struct clause {
    const char *field; /* "project", "key", "status", "issuetype", "labels" */
    const char *value;
};

/* Skip spaces; then a word, or a quoted string ('...' or "..."), into 'out' (arena). */
static const char *jql_token(struct ordo_sandbox_req *req, const char *p, const char **out)
{
    size_t n;

    while (*p == ' ') {
        p++;
    }
    if (*p == '"' || *p == '\'') {
        const char *end = strchr(p + 1, *p);

        if (!end) {
            return NULL;
        }
        *out = ordo_arena_strndup(req->arena, p + 1, (size_t)(end - p - 1));
        return end + 1;
    }
    n = strcspn(p, " =");
    if (n == 0) {
        return NULL;
    }
    *out = ordo_arena_strndup(req->arena, p, n);
    return p + n;
}

static const char *jql_field(const char *word)
{
    static const char *const names[][2] = {{"project", "project"},     {"key", "key"},
                                           {"issuekey", "key"},        {"status", "status"},
                                           {"issuetype", "issuetype"}, {"type", "issuetype"},
                                           {"labels", "labels"}};

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcasecmp(names[i][0], word) == 0) {
            return names[i][1];
        }
    }
    return NULL;
}

/* Parse 'jql' into at most MAX_CLAUSES clauses; the count, or -1 when it is beyond us. */
static int jql_parse(struct ordo_sandbox_req *req, const char *jql, struct clause *out)
{
    char *text = ordo_arena_strdup(req->arena, jql ? jql : "");
    const char *p = text, *word;
    int n = 0;

    for (char *q = text; *q; q++) { /* ORDER BY ... ends the restriction; it is ignored */
        if (strncasecmp(q, "order by", 8) == 0 && (q == text || q[-1] == ' ')) {
            *q = '\0';
            break;
        }
    }
    while (*p) {
        if (n == MAX_CLAUSES || !(p = jql_token(req, p, &word)) || !jql_field(word)) {
            return -1;
        }
        out[n].field = jql_field(word);
        while (*p == ' ') {
            p++;
        }
        if (*p++ != '=' || !(p = jql_token(req, p, &out[n].value))) {
            return -1;
        }
        n++;
        while (*p == ' ') {
            p++;
        }
        if (strncasecmp(p, "and ", 4) == 0) {
            p += 4;
        } else if (*p) {
            return -1;
        }
    }
    return n;
}

static bool has_label(const json_t *issue, const char *label)
{
    size_t i;
    json_t *l;

    json_array_foreach(json_object_get(issue, "labels"), i, l)
    {
        if (ordo_streq(json_string_value(l), label)) {
            return true;
        }
    }
    return false;
}

static bool clause_holds(const json_t *issue, const struct clause *c)
{
    if (strcmp(c->field, "labels") == 0) {
        return has_label(issue, c->value);
    }
    if (strcmp(c->field, "key") == 0) {
        return ordo_streq(ordo_sandbox_str(issue, "key"), c->value) ||
               ordo_streq(ordo_sandbox_str(issue, "id"), c->value);
    }
    return ordo_sandbox_str(issue, c->field) &&
           strcasecmp(ordo_sandbox_str(issue, c->field), c->value) == 0;
}

/* Jira refuses a value that names nothing: an unknown project or issue key. */
static const char *clause_problem(struct ordo_sandbox_req *req, json_t *jira,
                                  const struct clause *c)
{
    if (strcmp(c->field, "project") == 0 && !find_project(jira, c->value)) {
        return ordo_arena_printf(
            req->arena, "The value '%.60s' does not exist for the field 'project'.", c->value);
    }
    if (strcmp(c->field, "key") == 0 && !find_issue(jira, c->value)) {
        return ordo_arena_printf(
            req->arena, "An issue with key '%.60s' does not exist for field 'key'.", c->value);
    }
    return NULL;
}

/* The search's inputs from the query (GET) or the body (POST): fields as "a,b". */
struct search {
    const char *jql;
    const char *fields;
    int64_t max;
    const char *token;
};

static bool search_input(struct ordo_sandbox_req *req, struct search *s)
{
    json_t *body = ordo_sandbox_body_json(req), *f, *m;
    size_t i;
    json_t *v;

    s->max = PAGE_DEFAULT;
    if (strcmp(req->method, "GET") == 0) {
        const char *max = ordo_sandbox_query(req, "maxResults");

        s->jql = ordo_sandbox_query(req, "jql");
        s->fields = ordo_sandbox_query(req, "fields");
        s->token = ordo_sandbox_query(req, "nextPageToken");
        s->max = max ? ordo_sandbox_parse_count(max, 1) : PAGE_DEFAULT;
        return s->max >= 1;
    }
    if (!json_is_object(body)) {
        return false;
    }
    s->jql = ordo_sandbox_str(body, "jql");
    s->token = ordo_sandbox_str(body, "nextPageToken");
    m = json_object_get(body, "maxResults");
    s->max = m ? (json_is_integer(m) ? json_integer_value(m) : -1) : PAGE_DEFAULT;
    f = json_object_get(body, "fields");
    s->fields = NULL;
    json_array_foreach(f, i, v)
    {
        if (json_is_string(v)) {
            s->fields =
                s->fields ? ordo_arena_printf(req->arena, "%s,%s", s->fields, json_string_value(v))
                          : json_string_value(v);
        }
    }
    return s->max >= 1;
}

static int64_t token_offset(struct ordo_sandbox_req *req, const char *token)
{
    char *text = token ? ordo_sandbox_unbase64(req->arena, token, NULL) : NULL;

    if (!token) {
        return 0;
    }
    if (!text || strncmp(text, TOKEN_PREFIX, strlen(TOKEN_PREFIX)) != 0) {
        return -1;
    }
    return ordo_sandbox_parse_count(text + strlen(TOKEN_PREFIX), 1);
}

/* The issues that satisfy every clause, from the 'at'-th match on, at most 'max'. */
static json_t *search_page(struct ordo_sandbox_req *req, json_t *jira, const struct clause *c,
                           int n, const struct search *s, int64_t at, bool *more)
{
    json_t *page = json_array(), *issue;
    int64_t seen = 0;
    size_t i;

    *more = false;
    json_array_foreach(json_object_get(jira, "issues"), i, issue)
    {
        bool holds = true;

        for (int k = 0; k < n && holds; k++) {
            holds = clause_holds(issue, &c[k]);
        }
        if (!holds || seen++ < at) {
            continue;
        }
        if ((int64_t)json_array_size(page) == s->max) {
            *more = true;
            break;
        }
        (void)json_array_append_new(
            page, s->fields ? issue_json(req, jira, issue, s->fields)
                            : json_pack("{s:O?}", "id", json_object_get(issue, "id")));
    }
    return page;
}

static void search_cb(struct ordo_sandbox_req *req, json_t *jira)
{
    struct search s = {0};
    struct clause c[MAX_CLAUSES];
    int n;
    int64_t at;
    bool more;
    json_t *page, *out;

    if (!search_input(req, &s) || s.max > PAGE_MAX) {
        error_messages(req, 400, "Invalid request: maxResults must be a number from 1 to 5000.");
        return;
    }
    n = jql_parse(req, s.jql, c);
    if (n < 0) {
        error_messages(req, 400,
                       "Error in the JQL Query: the sandbox understands only clauses 'field = "
                       "value' joined by AND on project, key, status, issuetype and labels.");
        return;
    }
    if (n == 0) {
        error_messages(req, 400,
                       "Unbounded JQL queries are not allowed here. Please add a search "
                       "restriction to your query.");
        return;
    }
    for (int k = 0; k < n; k++) {
        const char *problem = clause_problem(req, jira, &c[k]);

        if (problem) {
            error_messages(req, 400, problem);
            return;
        }
    }
    at = token_offset(req, s.token);
    if (at < 0) {
        error_messages(req, 400, "The nextPageToken is not valid.");
        return;
    }
    page = search_page(req, jira, c, n, &s, at, &more);
    out = json_pack("{s:o, s:b}", "issues", page, "isLast", !more);
    if (more) {
        const char *raw = ordo_arena_printf(req->arena, TOKEN_PREFIX "%lld",
                                            (long long)at + (long long)json_array_size(page));

        (void)json_object_set_new(out, "nextPageToken",
                                  json_string(ordo_sandbox_base64(req->arena, raw, strlen(raw))));
    }
    ordo_sandbox_reply_json(req, 200, out);
}

/* ---- users ----------------------------------------------------------------------------------- */

static void myself_cb(struct ordo_sandbox_req *req, json_t *jira)
{
    json_t *me = json_deep_copy(json_object_get(jira, "myself"));

    (void)json_object_set_new(
        me, "self",
        json_string(ordo_arena_printf(req->arena, "%s/jira" API "/myself", req->base_url)));
    (void)json_object_set_new(me, "locale", json_string("en_US"));
    ordo_sandbox_reply_json(req, 200, me);
}

static bool contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);

    for (const char *p = hay; p && *p; p++) {
        if (strncasecmp(p, needle, n) == 0) {
            return true;
        }
    }
    return false;
}

static void user_search_cb(struct ordo_sandbox_req *req, json_t *jira)
{
    const char *query = ordo_sandbox_query(req, "query");
    json_t *out = json_array(), *user;
    size_t i;

    if (!query || !*query) {
        json_decref(out);
        error_messages(req, 400, "The query parameter 'query' is required.");
        return;
    }
    json_array_foreach(json_object_get(jira, "users"), i, user)
    {
        if (contains_nocase(ordo_sandbox_str(user, "emailAddress"), query) ||
            contains_nocase(ordo_sandbox_str(user, "displayName"), query)) {
            (void)json_array_append_new(out, user_ref(user));
        }
    }
    ordo_sandbox_reply_json(req, 200, out);
}

/* ---- the service ----------------------------------------------------------------------------- */

/* Each route's function gets the "jira" part of the state. */
static const struct ordo_sandbox_route routes[] = {
    {"GET", API "/myself", myself_cb},
    {"GET", API "/user/search", user_search_cb},
    {"POST", API "/issue", create_issue_cb},
    {"GET", API "/issue/{}", get_issue_cb},
    {"GET", API "/issue/{}/transitions", list_transitions_cb},
    {"POST", API "/issue/{}/transitions", do_transition_cb},
    {"GET", API "/issue/{}/comment", list_comments_cb},
    {"POST", API "/issue/{}/comment", add_comment_cb},
    {"GET", API "/search/jql", search_cb},
    {"POST", API "/search/jql", search_cb},
};

static bool jira_auth(struct ordo_sandbox_req *req, json_t *state)
{
    const char *h = ordo_sandbox_header(req, "Authorization");
    json_t *creds = json_object_get(state, "credentials");
    const char *email = ordo_sandbox_str(creds, "jira_email");
    const char *token = ordo_sandbox_str(creds, "jira_api_token");
    const char *got;

    if (!h || !email || !token || strncasecmp(h, "Basic ", 6) != 0) {
        return false;
    }
    got = ordo_sandbox_unbase64(req->arena, h + 6, NULL);
    return got && strcmp(got, ordo_arena_printf(req->arena, "%s:%s", email, token)) == 0;
}

static void jira_handle(struct ordo_sandbox_req *req, json_t *state)
{
    bool wrong_method;
    const struct ordo_sandbox_route *r;

    if (!req->auth_ok) {
        error_messages(req, 401, "Client must be authenticated to access this resource.");
        return;
    }
    r = ordo_sandbox_route(req, routes, sizeof routes / sizeof routes[0], req->rel, &wrong_method);
    if (r) {
        r->fn(req, json_object_get(state, "jira"));
    } else if (wrong_method) {
        error_messages(req, 405, "Method Not Allowed");
    } else {
        error_messages(req, 404, "null for uri: the sandbox has no such Jira resource");
    }
}

static void jira_fault(struct ordo_sandbox_req *req, int status)
{
    error_messages(req, status,
                   status == 429   ? "Rate limit exceeded."
                   : status >= 500 ? "Internal server error"
                                   : "Request refused");
}

const struct ordo_sandbox_service ordo_sandbox_jira = {
    .name = "jira",
    .prefix = "/jira",
    .auth = jira_auth,
    .handle = jira_handle,
    .fault = jira_fault,
};
