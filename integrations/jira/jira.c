/*
 * integrations/jira/jira.c - the Jira Cloud connector (REST API v3).
 *
 * Credential: configuration "site" (acme, acme.atlassian.net or a URL) or
 * "base_url" (the sandbox serves <url>/jira), and "email"; secret
 * "api_token". Requests use HTTP Basic base64(email:api_token) against
 * <base>/rest/api/3/.
 *
 * Text fields (descriptions, comments) are converted to ADF here (adf.c).
 * Error answers {"errorMessages":[...],"errors":{field:msg}} become one
 * message (text.c's ordo_conn_error_text).
 *
 * At least once: Jira has no idempotency key. jira.create_issue stamps
 * each issue with the label "ordo-<job key>"; a retry (attempt > 1) first
 * looks for an issue carrying that label and answers it instead of
 * creating a second one. The search behind that look-up is eventually
 * consistent, so an attempt that follows a timeout within a second or two
 * may still miss it (docs/connectors.md). Transitions are checked against
 * the current status first, so repeating one that landed is a success.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "integrations/common/conn.h"
#include "integrations/common/text.h"
#include "integrations/jira/adf.h"
#include "integrations/jira/site.h"
#include "ordo/connector.h"

#define JIRA_API             "/rest/api/3"
#define JIRA_PAGE_MAX        100
#define JIRA_RESULTS_MAX     1000
#define JIRA_RESULTS_DEFAULT 50

static enum ordo_connector_result setup(struct ordo_conn *c)
{
    const char *email = ordo_conn_str(c->config, "email");
    const char *token = ordo_conn_str(c->secret, "api_token");
    const char *site = ordo_conn_str(c->config, "site");

    if (!email || !token) {
        return ordo_conn_fail(c->out, "the Jira credential needs an email (configuration) and an "
                                      "api_token (secret)");
    }
    if (!ordo_conn_base_url(c, site ? ordo_conn_keep(c, ordo_jira_site_url(site)) : NULL)) {
        return ordo_conn_fail(c->out, "the Jira credential needs a site (acme for "
                                      "acme.atlassian.net) or a base_url");
    }
    ordo_conn_basic(c, email, token);
    ordo_conn_header(c, "Accept", "application/json");
    return ORDO_CONNECTOR_OK;
}

/* One request to <base>/rest/api/3<path>; the status is checked with
 * 'what' and, when 'doc' is not NULL, the answer parsed into it. */
static enum ordo_connector_result jira_call(struct ordo_conn *c, const char *method,
                                            const char *path, const json_t *body, const char *what,
                                            json_t **doc)
{
    const char *url = ordo_conn_printf(c, "%s" JIRA_API "%s", c->base, path);
    enum ordo_connector_result rc = ordo_conn_send(c, method, url, body);

    if (doc) {
        *doc = NULL;
    }
    if (rc == ORDO_CONNECTOR_OK) {
        rc = ordo_conn_check(c, what);
    }
    if (rc == ORDO_CONNECTOR_OK && doc) {
        rc = ordo_conn_parse(c, what, doc);
    }
    return rc;
}

static const char *issue_path(struct ordo_conn *c, const char *suffix)
{
    return ordo_conn_printf(c, "/issue/%s%s",
                            ordo_conn_enc(c, ordo_conn_str_or(c->input, "issue_key", "")), suffix);
}

static bool has_label(const json_t *issue, const char *label)
{
    size_t i;
    const json_t *l;

    json_array_foreach(json_object_get(json_object_get(issue, "fields"), "labels"), i, l)
    {
        if (json_is_string(l) && strcmp(json_string_value(l), label) == 0) {
            return true;
        }
    }
    return false;
}

static enum ordo_connector_result created_output(struct ordo_conn *c, const json_t *issue)
{
    const char *key = json_string_value(json_object_get(issue, "key"));
    json_t *o = json_object();

    ordo_conn_out_str(o, "issue_key", key);
    ordo_conn_out_member(o, "issue_id", issue, "id");
    ordo_conn_out_str(o, "url", key ? ordo_conn_printf(c, "%s/browse/%s", c->base, key) : NULL);
    return ordo_conn_ok(c->out, o);
}

/* On a retry: the issue an earlier attempt created, found by its label
 * ('*found' a new reference, or NULL). The label is checked in the answer
 * too, so a search that ignored the JQL cannot pick a stranger's issue. */
static enum ordo_connector_result find_created(struct ordo_conn *c, const char *label,
                                               json_t **found)
{
    json_t *body =
        json_pack("{s:s, s:i, s:[s, s]}", "jql", ordo_conn_printf(c, "labels = \"%s\"", label),
                  "maxResults", 10, "fields", "labels", "summary");
    json_t *doc;
    size_t i;
    const json_t *issue;
    enum ordo_connector_result rc =
        jira_call(c, "POST", "/search/jql", body, "look for the issue of an earlier attempt", &doc);

    json_decref(body);
    *found = NULL;
    if (rc != ORDO_CONNECTOR_OK) {
        return rc;
    }
    json_array_foreach(json_object_get(doc, "issues"), i, issue)
    {
        if (has_label(issue, label)) {
            *found = json_incref((json_t *)issue);
            break;
        }
    }
    json_decref(doc);
    return ORDO_CONNECTOR_OK;
}

static json_t *issue_fields(struct ordo_conn *c, const char *label)
{
    const char *project = ordo_conn_str_or(c->input, "project", "");
    const char *description = ordo_conn_str(c->input, "description");
    json_t *labels = json_array();
    size_t i;
    json_t *l;
    json_t *fields;

    json_array_foreach(json_object_get(c->input, "labels"), i, l)
    {
        if (json_is_string(l) && json_string_length(l) > 0) {
            json_array_append(labels, l);
        }
    }
    json_array_append_new(labels, json_string(label));
    /* A numeric project is an id, anything else a key. */
    fields = json_pack("{s:{s:s}, s:{s:s}, s:s, s:o}", "project",
                       strspn(project, "0123456789") == strlen(project) ? "id" : "key", project,
                       "issuetype", "name", ordo_conn_str_or(c->input, "issue_type", "Task"),
                       "summary", ordo_conn_str_or(c->input, "summary", ""), "labels", labels);
    if (fields && description) {
        (void)json_object_set_new(fields, "description", ordo_jira_adf(description));
    }
    return fields;
}

static enum ordo_connector_result create_issue(struct ordo_conn *c)
{
    const char *label = ordo_conn_printf(c, "ordo-%s", c->call->idempotency_key);
    json_t *body;
    json_t *doc;
    enum ordo_connector_result rc;

    if (c->call->attempt > 1) {
        rc = find_created(c, label, &doc);
        if (rc != ORDO_CONNECTOR_OK || doc) {
            rc = rc == ORDO_CONNECTOR_OK ? created_output(c, doc) : rc;
            json_decref(doc);
            return rc;
        }
    }
    body = json_pack("{s:o}", "fields", issue_fields(c, label));
    if (!body) {
        return ordo_conn_fail(c->out, "could not build the Jira issue from the input");
    }
    rc = jira_call(c, "POST", "/issue", body, "create the Jira issue", &doc);
    json_decref(body);
    if (rc == ORDO_CONNECTOR_OK) {
        rc = created_output(c, doc);
    }
    json_decref(doc);
    return rc;
}

static enum ordo_connector_result add_comment(struct ordo_conn *c)
{
    json_t *body = json_pack("{s:o}", "body", ordo_jira_adf(ordo_conn_str(c->input, "body")));
    json_t *doc;
    json_t *o;
    enum ordo_connector_result rc =
        jira_call(c, "POST", issue_path(c, "/comment"), body, "add the Jira comment", &doc);

    json_decref(body);
    if (rc != ORDO_CONNECTOR_OK) {
        return rc;
    }
    o = json_object();
    ordo_conn_out_member(o, "comment_id", doc, "id");
    json_decref(doc);
    return ordo_conn_ok(c->out, o);
}

/* The transition named 'target', or leading to a status named so. */
static const json_t *pick_transition(const json_t *transitions, const char *target)
{
    const json_t *t = ordo_conn_find_named(transitions, "name", target);
    size_t i;

    if (t) {
        return t;
    }
    json_array_foreach(transitions, i, t)
    {
        const char *to = json_string_value(json_object_get(json_object_get(t, "to"), "name"));

        if (to && strcasecmp(to, target) == 0) {
            return t;
        }
    }
    return NULL;
}

/* "Start Progress (to In Progress), Done (to Done)" */
static const char *transition_names(struct ordo_conn *c, const json_t *transitions)
{
    const char *names = "";
    size_t i;
    const json_t *t;

    json_array_foreach(transitions, i, t)
    {
        const char *name = json_string_value(json_object_get(t, "name"));
        const char *to = json_string_value(json_object_get(json_object_get(t, "to"), "name"));

        names = ordo_conn_printf(c, "%s%s%s (to %s)", names, i ? ", " : "", name ? name : "?",
                                 to ? to : "?");
    }
    return *names ? names : "none";
}

static enum ordo_connector_result transition_output(struct ordo_conn *c, const char *status,
                                                    bool transitioned)
{
    json_t *o = json_object();

    ordo_conn_out_str(o, "issue_key", ordo_conn_str(c->input, "issue_key"));
    ordo_conn_out_str(o, "status", status);
    (void)json_object_set_new(o, "transitioned", json_boolean(transitioned));
    return ordo_conn_ok(c->out, o);
}

/* The issue's current status name, kept in 'c' ('*status' NULL when the
 * answer has none). */
static enum ordo_connector_result current_status(struct ordo_conn *c, const char **status)
{
    json_t *doc;
    const char *s;
    enum ordo_connector_result rc = jira_call(c, "GET", issue_path(c, "?fields=status"), NULL,
                                              "read the Jira issue's status", &doc);

    *status = NULL;
    if (rc != ORDO_CONNECTOR_OK) {
        return rc;
    }
    s = json_string_value(
        json_object_get(json_object_get(json_object_get(doc, "fields"), "status"), "name"));
    *status = s ? ordo_conn_keep(c, ordo_conn_xstrdup(s)) : NULL;
    json_decref(doc);
    return ORDO_CONNECTOR_OK;
}

static enum ordo_connector_result do_transition(struct ordo_conn *c, const json_t *t)
{
    const char *id = json_string_value(json_object_get(t, "id"));
    json_t *body = json_pack("{s:{s:s}}", "transition", "id", id ? id : "");
    enum ordo_connector_result rc = jira_call(c, "POST", issue_path(c, "/transitions"), body,
                                              "transition the Jira issue", NULL);

    json_decref(body);
    return rc;
}

static enum ordo_connector_result transition_issue(struct ordo_conn *c)
{
    const char *target = ordo_conn_str_or(c->input, "status", "");
    const char *status;
    const json_t *t;
    json_t *doc;
    enum ordo_connector_result rc = current_status(c, &status);

    if (rc != ORDO_CONNECTOR_OK) {
        return rc;
    }
    /* Already there: also what a retry sees after a transition that landed. */
    if (status && strcasecmp(status, target) == 0) {
        return transition_output(c, status, false);
    }
    rc = jira_call(c, "GET", issue_path(c, "/transitions"), NULL,
                   "read the Jira issue's transitions", &doc);
    if (rc != ORDO_CONNECTOR_OK) {
        return rc;
    }
    t = pick_transition(json_object_get(doc, "transitions"), target);
    if (!t) {
        rc = ordo_conn_fail(c->out,
                            "could not transition %s to \"%s\": no such transition from \"%s\"; "
                            "available: %s",
                            ordo_conn_str_or(c->input, "issue_key", ""), target,
                            status ? status : "?",
                            transition_names(c, json_object_get(doc, "transitions")));
    } else {
        rc = do_transition(c, t);
        status = json_string_value(json_object_get(json_object_get(t, "to"), "name"));
        status = ordo_conn_keep(c, ordo_conn_xstrdup(status ? status : target));
    }
    json_decref(doc);
    return rc == ORDO_CONNECTOR_OK ? transition_output(c, status, true) : rc;
}

static enum ordo_connector_result get_issue(struct ordo_conn *c)
{
    const char *list = ordo_conn_enc_list(c, ordo_conn_str(c->input, "fields"));
    const char *path =
        issue_path(c, ordo_conn_printf(c, "?fields=summary,status%s%s", *list ? "," : "", list));
    const char *key = ordo_conn_str_or(c->input, "issue_key", "");
    json_t *doc;
    json_t *o;
    const json_t *f;
    enum ordo_connector_result rc;

    rc = ordo_conn_send(c, "GET", ordo_conn_printf(c, "%s" JIRA_API "%s", c->base, path), NULL);
    if (rc == ORDO_CONNECTOR_OK && c->resp.status == 404) {
        return ordo_conn_bpmn_error(c->out, "jira_issue_not_found",
                                    "the Jira issue %s does not exist or the credential cannot "
                                    "see it",
                                    key);
    }
    rc = rc == ORDO_CONNECTOR_OK ? ordo_conn_check(c, "read the Jira issue") : rc;
    rc = rc == ORDO_CONNECTOR_OK ? ordo_conn_parse(c, "read the Jira issue", &doc) : rc;
    if (rc != ORDO_CONNECTOR_OK) {
        return rc;
    }
    f = json_object_get(doc, "fields");
    o = json_object();
    ordo_conn_out_member(o, "key", doc, "key");
    ordo_conn_out_member(o, "id", doc, "id");
    ordo_conn_out_member(o, "status", json_object_get(f, "status"), "name");
    ordo_conn_out_member(o, "summary", f, "summary");
    (void)json_object_set_new(o, "fields", f ? json_incref((json_t *)f) : json_object());
    json_decref(doc);
    return ordo_conn_ok(c->out, o);
}

/* Append the issues of one search page to 'issues' (flat records, with
 * the requested fields when 'with_fields'), up to 'max' in all. */
static void add_issues(json_t *issues, const json_t *page, size_t max, bool with_fields)
{
    size_t i;
    const json_t *issue;

    json_array_foreach(json_object_get(page, "issues"), i, issue)
    {
        const json_t *f = json_object_get(issue, "fields");
        json_t *o;

        if (json_array_size(issues) >= max) {
            return;
        }
        o = json_object();
        ordo_conn_out_member(o, "key", issue, "key");
        ordo_conn_out_member(o, "id", issue, "id");
        ordo_conn_out_member(o, "summary", f, "summary");
        ordo_conn_out_member(o, "status", json_object_get(f, "status"), "name");
        if (with_fields) {
            (void)json_object_set_new(o, "fields", f ? json_incref((json_t *)f) : json_object());
        }
        json_array_append_new(issues, o);
    }
}

static json_t *search_body(struct ordo_conn *c, const json_t *fields, size_t want,
                           const char *token)
{
    json_t *body = json_pack("{s:s, s:i, s:[s, s]}", "jql", ordo_conn_str_or(c->input, "jql", ""),
                             "maxResults", (int)(want < JIRA_PAGE_MAX ? want : JIRA_PAGE_MAX),
                             "fields", "summary", "status");
    json_t *list = json_object_get(body, "fields");

    json_array_extend(list, (json_t *)fields);
    ordo_conn_opt_str(body, "nextPageToken", token);
    return body;
}

static enum ordo_connector_result search(struct ordo_conn *c)
{
    int64_t max = ordo_conn_int(c->input, "max_results", JIRA_RESULTS_DEFAULT);
    size_t want = (size_t)(max < 1 ? 1 : (max > JIRA_RESULTS_MAX ? JIRA_RESULTS_MAX : max));
    json_t *fields = ordo_conn_split_list(ordo_conn_str(c->input, "fields"));
    json_t *issues = json_array();
    const char *token = NULL;
    enum ordo_connector_result rc = ORDO_CONNECTOR_OK;

    while (rc == ORDO_CONNECTOR_OK && json_array_size(issues) < want) {
        json_t *body = search_body(c, fields, want - json_array_size(issues), token);
        json_t *page;

        if (!ordo_conn_time_left(c, 1000)) {
            break; /* answer what there is: the output says how many */
        }
        rc = jira_call(c, "POST", "/search/jql", body, "search Jira", &page);
        json_decref(body);
        if (rc != ORDO_CONNECTOR_OK) {
            break;
        }
        add_issues(issues, page, want, json_array_size(fields) > 0);
        token = ordo_conn_str(page, "nextPageToken");
        token = token ? ordo_conn_keep(c, ordo_conn_xstrdup(token)) : NULL;
        if (!token || json_is_true(json_object_get(page, "isLast"))) {
            token = NULL;
        }
        json_decref(page);
        if (!token) {
            break;
        }
    }
    json_decref(fields);
    if (rc != ORDO_CONNECTOR_OK) {
        json_decref(issues);
        return rc;
    }
    return ordo_conn_ok(c->out, json_pack("{s:I, s:o}", "total_returned",
                                          (json_int_t)json_array_size(issues), "issues", issues));
}

static enum ordo_connector_result myself(struct ordo_conn *c)
{
    json_t *doc;
    json_t *o;
    enum ordo_connector_result rc =
        jira_call(c, "GET", "/myself", NULL, "check the Jira credential", &doc);

    if (rc != ORDO_CONNECTOR_OK) {
        return rc;
    }
    o = json_object();
    ordo_conn_out_member(o, "account_id", doc, "accountId");
    ordo_conn_out_member(o, "display_name", doc, "displayName");
    ordo_conn_out_member(o, "email", doc, "emailAddress");
    json_decref(doc);
    return ordo_conn_ok(c->out, o);
}

ORDO_CONN_INVOKE(setup, create_issue)
ORDO_CONN_INVOKE(setup, add_comment)
ORDO_CONN_INVOKE(setup, transition_issue)
ORDO_CONN_INVOKE(setup, get_issue)
ORDO_CONN_INVOKE(setup, search)
ORDO_CONN_INVOKE(setup, myself)

/* The descriptor. */

static const char *const kw_create[] = {"jira", "issue", "ticket", "create", "task", NULL};
static const char *const kw_comment[] = {"jira", "issue", "comment", "note", NULL};
static const char *const kw_transition[] = {"jira", "issue", "transition", "status",
                                            "move", "close", "resolve",    NULL};
static const char *const kw_get[] = {"jira", "issue", "get", "read", "status", NULL};
static const char *const kw_search[] = {"jira", "search", "jql", "issues", "query", NULL};
static const char *const err_not_found[] = {"jira_issue_not_found", NULL};

static const struct ordo_connector_action jira_actions[] = {
    {
        .id = "jira.create_issue",
        .title = "Create an issue",
        .description = "Creates a Jira issue in a project. The description is plain text (blank "
                       "lines separate paragraphs, - starts a bullet) and is converted to Jira's "
                       "document format. The issue gets the label ordo-<job key>, which lets a "
                       "retry find it instead of creating a duplicate.",
        .keywords = kw_create,
        .input_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "project" : {
                    "type" : "string",
                    "title" : "Project",
                    "description" : "project key (OPS) or numeric id"
                },
                "issue_type" : {
                    "type" : "string",
                    "title" : "Issue type",
                    "description" : "name of the issue type, such as Task, Bug or Story",
                    "default" : "Task"
                },
                "summary" : {"type" : "string", "title" : "Summary"},
                "description" : {
                    "type" : "string",
                    "title" : "Description",
                    "description" : "plain text or simple Markdown (paragraphs, lists, # headings)"
                },
                "labels" : {
                    "type" : "array",
                    "title" : "Labels",
                    "description" : "label strings, without spaces"
                }
            },
            "required" : [ "project", "summary" ],
            "additionalProperties" : false
        }),
        .output_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "issue_key" : {"type" : "string", "description" : "OPS-123"},
                "issue_id" : {"type" : "string"},
                "url" : {"type" : "string", "description" : "the issue in the browser"}
            }
        }),
        .timeout_ms = 30000,
        .invoke = create_issue_cb,
    },
    {
        .id = "jira.add_comment",
        .title = "Comment on an issue",
        .description = "Adds a comment to a Jira issue. The text is converted to Jira's document "
                       "format like an issue description.",
        .keywords = kw_comment,
        .input_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "issue_key" : {"type" : "string", "title" : "Issue key", "description" : "OPS-123"},
                "body" : {"type" : "string", "title" : "Comment"}
            },
            "required" : [ "issue_key", "body" ],
            "additionalProperties" : false
        }),
        .output_schema = ORDO_CONN_JSON(
            {"type" : "object", "properties" : {"comment_id" : {"type" : "string"}}}),
        .timeout_ms = 30000,
        .invoke = add_comment_cb,
    },
    {
        .id = "jira.transition_issue",
        .title = "Move an issue to a status",
        .description = "Moves a Jira issue through its workflow by the name of a transition or "
                       "of the target status (any case). An issue already in that status counts "
                       "as success; an unknown name fails with the available transitions.",
        .keywords = kw_transition,
        .input_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "issue_key" : {"type" : "string", "title" : "Issue key", "description" : "OPS-123"},
                "status" : {
                    "type" : "string",
                    "title" : "Transition or status",
                    "description" : "such as Done, In Progress or Start Progress"
                }
            },
            "required" : [ "issue_key", "status" ],
            "additionalProperties" : false
        }),
        .output_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "issue_key" : {"type" : "string"},
                "status" : {"type" : "string", "description" : "the status the issue is now in"},
                "transitioned" : {
                    "type" : "boolean",
                    "description" : "false when the issue was in that status already"
                }
            }
        }),
        .timeout_ms = 30000,
        .invoke = transition_issue_cb,
    },
    {
        .id = "jira.get_issue",
        .title = "Get an issue",
        .description = "Reads a Jira issue's status, summary and requested fields. Raises the "
                       "BPMN error jira_issue_not_found when the issue does not exist or the "
                       "credential cannot see it.",
        .keywords = kw_get,
        .input_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "issue_key" : {"type" : "string", "title" : "Issue key", "description" : "OPS-123"},
                "fields" : {
                    "type" : "string",
                    "title" : "Fields",
                    "description" : "comma-separated field ids to read besides summary and status"
                }
            },
            "required" : ["issue_key"],
            "additionalProperties" : false
        }),
        .output_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "key" : {"type" : "string"},
                "id" : {"type" : "string"},
                "status" : {"type" : [ "string", "null" ]},
                "summary" : {"type" : [ "string", "null" ]},
                "fields" : {"type" : "object", "description" : "the fields as Jira returns them"}
            }
        }),
        .bpmn_errors = err_not_found,
        .timeout_ms = 30000,
        .invoke = get_issue_cb,
    },
    {
        .id = "jira.search",
        .title = "Search issues with JQL",
        .description = "Finds Jira issues with a JQL query and returns their keys, summaries and "
                       "statuses, following pages up to max_results. Search results lag behind "
                       "changes by a few seconds.",
        .keywords = kw_search,
        .input_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "jql" : {
                    "type" : "string",
                    "title" : "JQL",
                    "description" : "such as project = OPS AND status = Open"
                },
                "max_results" : {
                    "type" : "integer",
                    "title" : "At most",
                    "description" : "1 to 1000",
                    "default" : 50
                },
                "fields" : {
                    "type" : "string",
                    "title" : "Fields",
                    "description" : "comma-separated field ids to return in each issue's fields"
                }
            },
            "required" : ["jql"],
            "additionalProperties" : false
        }),
        .output_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "issues" : {
                    "type" : "array",
                    "items" : {
                        "type" : "object",
                        "properties" : {
                            "key" : {"type" : "string"},
                            "id" : {"type" : "string"},
                            "summary" : {"type" : [ "string", "null" ]},
                            "status" : {"type" : [ "string", "null" ]},
                            "fields" : {"type" : "object"}
                        }
                    }
                },
                "total_returned" : {"type" : "integer"}
            }
        }),
        .timeout_ms = 60000,
        .invoke = search_cb,
    },
};

static const char *const jira_keywords[] = {"jira",   "atlassian", "issue",
                                            "ticket", "project",   NULL};

ORDO_CONNECTOR_DEFINE(
        .name = "jira", .version = "1.0.0", .title = "Jira Cloud",
        .description = "Create, comment on, transition, read and search issues in Jira Cloud with "
                       "an Atlassian account's e-mail and API token.",
        .keywords = jira_keywords,
        .config_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "site" : {
                    "type" : "string",
                    "title" : "Site",
                    "description" : "acme for https://acme.atlassian.net (or the whole host name)"
                },
                "email" : {
                    "type" : "string",
                    "format" : "email",
                    "title" : "E-mail",
                    "description" : "the Atlassian account the API token belongs to"
                },
                "base_url" : {
                    "type" : "string",
                    "title" : "Base URL",
                    "description" : "overrides the site, for proxies and the sandbox"
                }
            },
            "required" : ["email"],
            "additionalProperties" : false
        }),
        .credential_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "api_token" : {
                    "type" : "string",
                    "title" : "API token",
                    "description" : "from id.atlassian.com, Security, API tokens"
                }
            },
            "required" : ["api_token"],
            "additionalProperties" : false
        }),
        .test_credentials = myself_cb, .actions = jira_actions,
        .nactions = sizeof(jira_actions) / sizeof(jira_actions[0]), .max_concurrency = 0,
        .init = ordo_conn_init, .fini = NULL);
