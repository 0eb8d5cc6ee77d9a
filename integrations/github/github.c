/*
 * integrations/github/github.c - the GitHub connector (REST API).
 *
 * Credential: secret "token" (a classic or fine-grained personal access
 * token, sent as Bearer); configuration "org" (the organisation the org
 * actions work on, and the default owner of issues) and "base_url"
 * (default https://api.github.com; GitHub Enterprise Server's
 * https://HOST/api/v3; the sandbox serves <url>/github). Every request
 * pins "X-GitHub-Api-Version: 2022-11-28" and sends the Accept and
 * User-Agent GitHub requires.
 *
 * Rate limits: a 403 or 429 with retry-after or x-ratelimit-remaining: 0 is
 * turned into a RETRY with GitHub's delay by the host, before this code
 * sees it. Content-creating calls are not serialised here
 * (max_concurrency 0): the host's per-credential rate limit paces them,
 * and a secondary limit that still hits comes back as such a RETRY.
 *
 * At least once: an invitation GitHub reports as existing (422 "already")
 * is a success with already=true; team membership is a PUT, idempotent by
 * nature; a repository name that exists on a retry (attempt > 1) is taken
 * to be the one the earlier attempt created (in the org, or without one
 * the token user's, whose login GET /user gives) and is answered with
 * created=false, while on the first attempt it fails (someone else's
 * repository). Issues have no idempotency key: a retry after a timeout may
 * open a second issue (docs/connectors.md).
 *
 * Pagination follows the Link header's rel="next", only to URLs under the
 * configured base URL, so the token never goes to another host.
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
#include "ordo/connector.h"

#define GITHUB_DEFAULT_BASE      "https://api.github.com"
#define GITHUB_API_VERSION       "2022-11-28"
#define GITHUB_USER_AGENT        "ordo-connector-github/1.0.0"
#define GITHUB_MAX_PAGES         20    /* 2,000 teams */
#define GITHUB_SECONDARY_WAIT_MS 60000 /* at least a minute after a secondary limit */

static enum ordo_connector_result setup(struct ordo_conn *c)
{
    const char *token = ordo_conn_str(c->secret, "token");

    if (!token) {
        return ordo_conn_fail(c->out, "the GitHub credential has no token");
    }
    ordo_conn_base_url(c, GITHUB_DEFAULT_BASE);
    ordo_conn_bearer(c, token);
    ordo_conn_header(c, "Accept", "application/vnd.github+json");
    ordo_conn_header(c, "X-GitHub-Api-Version", GITHUB_API_VERSION);
    ordo_conn_header(c, "User-Agent", GITHUB_USER_AGENT);
    return ORDO_CONNECTOR_OK;
}

/* The organisation: the input's "org", else the credential's. */
static const char *org_of(const struct ordo_conn *c)
{
    const char *org = ordo_conn_str(c->input, "org");

    return org ? org : ordo_conn_str(c->config, "org");
}

/* ordo_conn_check, and GitHub's secondary rate limit: a 403 that says so,
 * often without Retry-After or an exhausted x-ratelimit-remaining (so the
 * host passes it on). GitHub asks to wait at least a minute then; retrying
 * sooner "may result in the banning of your integration". */
static enum ordo_connector_result github_check(struct ordo_conn *c, const char *what)
{
    int64_t wait = ordo_conn_retry_after_ms(c);

    if (c->resp.status == 403 && c->resp.body &&
        ordo_conn_contains_ci(c->resp.body, "secondary rate limit")) {
        return ordo_conn_retry(c->out,
                               wait > GITHUB_SECONDARY_WAIT_MS ? wait : GITHUB_SECONDARY_WAIT_MS,
                               "could not %s: GitHub's secondary rate limit, retrying in a "
                               "minute or more",
                               what);
    }
    return ordo_conn_check(c, what);
}

/* Send, check the status and, when 'doc' is not NULL, parse the answer
 * into it. */
static enum ordo_connector_result github_call(struct ordo_conn *c, const char *method,
                                              const char *url, const json_t *body, const char *what,
                                              json_t **doc)
{
    enum ordo_connector_result rc = ordo_conn_send(c, method, url, body);

    if (doc) {
        *doc = NULL;
    }
    if (rc == ORDO_CONNECTOR_OK) {
        rc = github_check(c, what);
    }
    if (rc == ORDO_CONNECTOR_OK && doc) {
        rc = ordo_conn_parse(c, what, doc);
    }
    return rc;
}

static void copy_array(json_t *dst, const char *key, const json_t *src)
{
    if (json_is_array(src) && json_array_size(src) > 0) {
        (void)json_object_set(dst, key, (json_t *)src);
    }
}

static enum ordo_connector_result create_issue(struct ordo_conn *c)
{
    const char *owner = ordo_conn_str(c->input, "owner");
    const char *repo = ordo_conn_str_or(c->input, "repo", "");
    json_t *body;
    json_t *doc;
    json_t *o;
    enum ordo_connector_result rc;

    owner = owner ? owner : ordo_conn_str(c->config, "org");
    if (!owner) {
        return ordo_conn_fail(c->out, "could not create the GitHub issue: give an owner, or an org "
                                      "in the credential");
    }
    body = json_pack("{s:s}", "title", ordo_conn_str_or(c->input, "title", ""));
    ordo_conn_opt_str(body, "body", ordo_conn_str(c->input, "body"));
    copy_array(body, "labels", json_object_get(c->input, "labels"));
    copy_array(body, "assignees", json_object_get(c->input, "assignees"));
    rc = github_call(c, "POST",
                     ordo_conn_printf(c, "%s/repos/%s/%s/issues", c->base, ordo_conn_enc(c, owner),
                                      ordo_conn_enc(c, repo)),
                     body, ordo_conn_printf(c, "create an issue in %s/%s", owner, repo), &doc);
    json_decref(body);
    if (rc != ORDO_CONNECTOR_OK) {
        return rc;
    }
    o = json_object();
    ordo_conn_out_member(o, "number", doc, "number");
    ordo_conn_out_member(o, "url", doc, "html_url");
    ordo_conn_out_member(o, "id", doc, "id");
    json_decref(doc);
    return ordo_conn_ok(c->out, o);
}

/* Add to 'ids' the teams of one /orgs/{org}/teams page whose slug is in
 * 'wanted', removing them from 'wanted'. */
static void match_teams(const json_t *page, json_t *wanted, json_t *ids)
{
    size_t i;
    const json_t *team;

    json_array_foreach(page, i, team)
    {
        const char *slug = json_string_value(json_object_get(team, "slug"));

        for (size_t j = 0; slug && j < json_array_size(wanted); j++) {
            if (strcasecmp(json_string_value(json_array_get(wanted, j)), slug) == 0) {
                json_array_append(ids, json_object_get(team, "id"));
                json_array_remove(wanted, j);
                break;
            }
        }
    }
}

/* The next page's URL from the Link header, or NULL at the end or when it
 * leaves the configured API (the token must not go elsewhere). */
static const char *next_page(struct ordo_conn *c)
{
    char *next = ordo_conn_link_next(ordo_conn_resp_header(c, "link"));
    size_t n = strlen(c->base);

    if (next && (strncmp(next, c->base, n) != 0 || (next[n] != '/' && next[n] != '?'))) {
        free(next);
        return NULL;
    }
    return next ? ordo_conn_keep(c, next) : NULL;
}

/* Resolve the slugs of 'wanted' (consumed) to team ids appended to 'ids'. */
static enum ordo_connector_result resolve_teams(struct ordo_conn *c, const char *org,
                                                json_t *wanted, json_t *ids)
{
    const char *url =
        ordo_conn_printf(c, "%s/orgs/%s/teams?per_page=100", c->base, ordo_conn_enc(c, org));
    enum ordo_connector_result rc = ORDO_CONNECTOR_OK;

    for (int page = 0; url && page < GITHUB_MAX_PAGES && json_array_size(wanted) > 0; page++) {
        json_t *doc;

        rc = ordo_conn_send(c, "GET", url, NULL);
        rc = rc == ORDO_CONNECTOR_OK ? github_check(c, "list the GitHub teams") : rc;
        if (rc != ORDO_CONNECTOR_OK) {
            return rc;
        }
        doc = json_loadb(c->resp.body, c->resp.body_len, 0, NULL);
        if (!json_is_array(doc)) {
            json_decref(doc);
            return ordo_conn_fail(c->out, "could not list the GitHub teams: the answer is not a "
                                          "JSON array");
        }
        match_teams(doc, wanted, ids);
        json_decref(doc);
        url = next_page(c);
    }
    if (json_array_size(wanted) > 0) {
        char *names = ordo_conn_join_list(wanted, ", ");

        rc = ordo_conn_fail(c->out, "could not invite to the GitHub organisation %s: no team %s",
                            org, names);
        free(names);
    }
    return rc;
}

/* The team ids of the input: "team_ids" as given plus "teams" resolved. */
static enum ordo_connector_result team_ids(struct ordo_conn *c, const char *org, json_t **ids)
{
    json_t *wanted = ordo_conn_split_list(ordo_conn_str(c->input, "teams"));
    size_t i;
    const json_t *v;
    enum ordo_connector_result rc = ORDO_CONNECTOR_OK;

    *ids = json_array();
    json_array_foreach(json_object_get(c->input, "team_ids"), i, v)
    {
        if (!json_is_integer(v)) {
            rc = ordo_conn_fail(c->out,
                                "could not invite to the GitHub organisation %s: team_ids "
                                "must be integers",
                                org);
            break;
        }
        json_array_append(*ids, (json_t *)v);
    }
    if (rc == ORDO_CONNECTOR_OK && json_array_size(wanted) > 0) {
        rc = resolve_teams(c, org, wanted, *ids);
    }
    json_decref(wanted);
    if (rc != ORDO_CONNECTOR_OK) {
        json_decref(*ids);
        *ids = NULL;
    }
    return rc;
}

/* A 422 saying the person is a member or invited already. */
static bool is_already(const struct ordo_conn *c)
{
    char why[ORDO_CONNECTOR_MESSAGE_SIZE];

    if (c->resp.status != 422) {
        return false;
    }
    (void)ordo_conn_error_text(c->resp.body, c->resp.body_len, why, sizeof(why));
    return ordo_conn_contains_ci(why, "already");
}

static enum ordo_connector_result invitation_output(struct ordo_conn *c, const json_t *doc)
{
    json_t *o = json_object();

    ordo_conn_out_member(o, "invitation_id", doc, "id");
    (void)json_object_set_new(o, "already", json_boolean(doc == NULL));
    return ordo_conn_ok(c->out, o);
}

static enum ordo_connector_result invite_to_org(struct ordo_conn *c)
{
    const char *org = org_of(c);
    const char *what = "invite to the GitHub organisation";
    json_t *ids;
    json_t *body;
    json_t *doc;
    enum ordo_connector_result rc;

    if (!org) {
        return ordo_conn_fail(c->out, "could not invite: the GitHub credential has no org");
    }
    rc = team_ids(c, org, &ids);
    if (rc != ORDO_CONNECTOR_OK) {
        return rc;
    }
    body = json_pack("{s:s, s:s}", "email", ordo_conn_str_or(c->input, "email", ""), "role",
                     ordo_conn_str_or(c->input, "role", "direct_member"));
    if (json_array_size(ids) > 0) {
        (void)json_object_set(body, "team_ids", ids);
    }
    json_decref(ids);
    rc = ordo_conn_send(
        c, "POST", ordo_conn_printf(c, "%s/orgs/%s/invitations", c->base, ordo_conn_enc(c, org)),
        body);
    json_decref(body);
    if (rc == ORDO_CONNECTOR_OK && is_already(c)) {
        return invitation_output(c, NULL);
    }
    rc = rc == ORDO_CONNECTOR_OK ? github_check(c, what) : rc;
    rc = rc == ORDO_CONNECTOR_OK ? ordo_conn_parse(c, what, &doc) : rc;
    if (rc != ORDO_CONNECTOR_OK) {
        return rc;
    }
    rc = invitation_output(c, doc);
    json_decref(doc);
    return rc;
}

static enum ordo_connector_result add_team_member(struct ordo_conn *c)
{
    const char *org = org_of(c);
    json_t *body;
    json_t *doc;
    json_t *o;
    enum ordo_connector_result rc;

    if (!org) {
        return ordo_conn_fail(c->out, "could not add the team member: the GitHub credential has "
                                      "no org");
    }
    body = json_pack("{s:s}", "role", ordo_conn_str_or(c->input, "role", "member"));
    rc = github_call(c, "PUT",
                     ordo_conn_printf(c, "%s/orgs/%s/teams/%s/memberships/%s", c->base,
                                      ordo_conn_enc(c, org),
                                      ordo_conn_enc(c, ordo_conn_str(c->input, "team")),
                                      ordo_conn_enc(c, ordo_conn_str(c->input, "username"))),
                     body, "add the GitHub team member", &doc);
    json_decref(body);
    if (rc != ORDO_CONNECTOR_OK) {
        return rc;
    }
    o = json_object();
    ordo_conn_out_member(o, "state", doc, "state");
    ordo_conn_out_member(o, "role", doc, "role");
    json_decref(doc);
    return ordo_conn_ok(c->out, o);
}

static enum ordo_connector_result repo_output(struct ordo_conn *c, const json_t *doc, bool created)
{
    json_t *o = json_object();

    ordo_conn_out_member(o, "full_name", doc, "full_name");
    ordo_conn_out_member(o, "url", doc, "html_url");
    ordo_conn_out_member(o, "id", doc, "id");
    (void)json_object_set_new(o, "created", json_boolean(created));
    return ordo_conn_ok(c->out, o);
}

/* The login of the token's user (kept in 'c'), who owns a repository created without an
 * org. */
static enum ordo_connector_result token_login(struct ordo_conn *c, const char **login)
{
    json_t *doc;
    const char *l;
    enum ordo_connector_result rc = github_call(c, "GET", ordo_conn_printf(c, "%s/user", c->base),
                                                NULL, "read the GitHub token's user", &doc);

    *login = NULL;
    if (rc != ORDO_CONNECTOR_OK) {
        return rc;
    }
    l = ordo_conn_str(doc, "login");
    *login = l ? ordo_conn_keep(c, ordo_conn_xstrdup(l)) : NULL;
    json_decref(doc);
    return *login ? ORDO_CONNECTOR_OK
                  : ordo_conn_fail(c->out, "could not read the GitHub token's user: no login");
}

/* On a retry, a name that exists is most likely our earlier attempt's: in the org, or without
 * one, among the token user's repositories. */
static enum ordo_connector_result existing_repo(struct ordo_conn *c, const char *org,
                                                const char *name)
{
    json_t *doc;
    enum ordo_connector_result rc;

    if (c->call->attempt <= 1) {
        return ordo_conn_fail(c->out,
                              "could not create the GitHub repository %s: the name exists "
                              "already",
                              name);
    }
    if (!org) {
        rc = token_login(c, &org);
        if (rc != ORDO_CONNECTOR_OK) {
            return rc;
        }
    }
    rc = github_call(c, "GET",
                     ordo_conn_printf(c, "%s/repos/%s/%s", c->base, ordo_conn_enc(c, org),
                                      ordo_conn_enc(c, name)),
                     NULL, "read the existing GitHub repository", &doc);
    if (rc != ORDO_CONNECTOR_OK) {
        return rc;
    }
    rc = repo_output(c, doc, false);
    json_decref(doc);
    return rc;
}

static enum ordo_connector_result create_repository(struct ordo_conn *c)
{
    const char *org = org_of(c);
    const char *name = ordo_conn_str_or(c->input, "name", "");
    const char *what = "create the GitHub repository";
    json_t *body = json_pack("{s:s, s:b, s:b}", "name", name, "private",
                             ordo_conn_bool(c->input, "private", true), "auto_init",
                             ordo_conn_bool(c->input, "auto_init", false));
    json_t *doc;
    enum ordo_connector_result rc;

    ordo_conn_opt_str(body, "description", ordo_conn_str(c->input, "description"));
    rc =
        ordo_conn_send(c, "POST",
                       org ? ordo_conn_printf(c, "%s/orgs/%s/repos", c->base, ordo_conn_enc(c, org))
                           : ordo_conn_printf(c, "%s/user/repos", c->base),
                       body);
    json_decref(body);
    if (rc == ORDO_CONNECTOR_OK && is_already(c)) {
        return existing_repo(c, org, name);
    }
    rc = rc == ORDO_CONNECTOR_OK ? github_check(c, what) : rc;
    rc = rc == ORDO_CONNECTOR_OK ? ordo_conn_parse(c, what, &doc) : rc;
    if (rc != ORDO_CONNECTOR_OK) {
        return rc;
    }
    rc = repo_output(c, doc, true);
    json_decref(doc);
    return rc;
}

static enum ordo_connector_result get_user(struct ordo_conn *c)
{
    json_t *doc;
    json_t *o;
    enum ordo_connector_result rc = github_call(c, "GET", ordo_conn_printf(c, "%s/user", c->base),
                                                NULL, "check the GitHub token", &doc);

    if (rc != ORDO_CONNECTOR_OK) {
        return rc;
    }
    o = json_object();
    ordo_conn_out_member(o, "login", doc, "login");
    ordo_conn_out_member(o, "id", doc, "id");
    json_decref(doc);
    return ordo_conn_ok(c->out, o);
}

ORDO_CONN_INVOKE(setup, create_issue)
ORDO_CONN_INVOKE(setup, invite_to_org)
ORDO_CONN_INVOKE(setup, add_team_member)
ORDO_CONN_INVOKE(setup, create_repository)
ORDO_CONN_INVOKE(setup, get_user)

/* The descriptor. */

static const char *const kw_issue[] = {"github", "issue", "create", "bug", "ticket", NULL};
static const char *const kw_invite[] = {"github",     "organization", "invite",
                                        "onboarding", "member",       NULL};
static const char *const kw_team[] = {"github", "team", "member", "add", "maintainer", NULL};
static const char *const kw_repo[] = {"github", "repository", "repo", "create", NULL};

static const struct ordo_connector_action github_actions[] = {
    {
        .id = "github.create_issue",
        .title = "Create an issue",
        .description = "Opens an issue in a GitHub repository, with optional labels and "
                       "assignees. The owner defaults to the credential's organisation.",
        .keywords = kw_issue,
        .input_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "owner" : {
                    "type" : "string",
                    "title" : "Owner",
                    "description" : "user or organisation; default: the credential's org"
                },
                "repo" : {"type" : "string", "title" : "Repository", "description" : "its name"},
                "title" : {"type" : "string", "title" : "Title"},
                "body" : {"type" : "string", "title" : "Body", "description" : "Markdown"},
                "labels" : {"type" : "array", "title" : "Labels", "description" : "label names"},
                "assignees" : {"type" : "array", "title" : "Assignees", "description" : "logins"}
            },
            "required" : [ "repo", "title" ],
            "additionalProperties" : false
        }),
        .output_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "number" :
                    {"type" : "integer", "description" : "the issue number in the repository"},
                "url" : {"type" : "string", "description" : "the issue in the browser"},
                "id" : {"type" : "integer"}
            }
        }),
        .timeout_ms = 30000,
        .invoke = create_issue_cb,
    },
    {
        .id = "github.invite_to_org",
        .title = "Invite to the organisation",
        .description = "Invites a person by e-mail to the GitHub organisation, optionally into "
                       "teams (by id, or by slug in teams). Someone already a member or invited "
                       "counts as success with already true.",
        .keywords = kw_invite,
        .input_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "email" : {"type" : "string", "format" : "email", "title" : "E-mail"},
                "role" : {
                    "type" : "string",
                    "title" : "Role",
                    "enum" : [ "direct_member", "admin", "billing_manager" ],
                    "default" : "direct_member"
                },
                "team_ids" :
                    {"type" : "array", "title" : "Team ids", "description" : "numeric team ids"},
                "teams" : {
                    "type" : "string",
                    "title" : "Teams",
                    "description" : "comma-separated team slugs, resolved to ids"
                },
                "org" : {
                    "type" : "string",
                    "title" : "Organisation",
                    "description" : "default: the credential's org"
                }
            },
            "required" : ["email"],
            "additionalProperties" : false
        }),
        .output_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "invitation_id" : {"type" : [ "integer", "null" ]},
                "already" : {
                    "type" : "boolean",
                    "description" : "true when GitHub said the person is a member or invited"
                }
            }
        }),
        .timeout_ms = 60000,
        .invoke = invite_to_org_cb,
    },
    {
        .id = "github.add_team_member",
        .title = "Add a team member",
        .description = "Adds a GitHub user to a team of the organisation, or changes their role "
                       "there. Someone not yet in the organisation gets an invitation and the "
                       "state pending.",
        .keywords = kw_team,
        .input_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "team" : {"type" : "string", "title" : "Team", "description" : "the team's slug"},
                "username" : {"type" : "string", "title" : "User", "description" : "GitHub login"},
                "role" : {
                    "type" : "string",
                    "title" : "Role",
                    "enum" : [ "member", "maintainer" ],
                    "default" : "member"
                },
                "org" : {
                    "type" : "string",
                    "title" : "Organisation",
                    "description" : "default: the credential's org"
                }
            },
            "required" : [ "team", "username" ],
            "additionalProperties" : false
        }),
        .output_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "state" : {"type" : "string", "enum" : [ "active", "pending" ]},
                "role" : {"type" : "string"}
            }
        }),
        .timeout_ms = 30000,
        .invoke = add_team_member_cb,
    },
    {
        .id = "github.create_repository",
        .title = "Create a repository",
        .description = "Creates a repository in the organisation (or for the token's user when "
                       "there is no org), private unless said otherwise. A name that exists "
                       "fails, except on a retry, which answers the existing repository.",
        .keywords = kw_repo,
        .input_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "name" : {"type" : "string", "title" : "Name"},
                "description" : {"type" : "string", "title" : "Description"},
                "private" : {"type" : "boolean", "title" : "Private", "default" : true},
                "auto_init" : {
                    "type" : "boolean",
                    "title" : "Initial commit",
                    "description" : "create it with an empty README",
                    "default" : false
                },
                "org" : {
                    "type" : "string",
                    "title" : "Organisation",
                    "description" : "default: the credential's org"
                }
            },
            "required" : ["name"],
            "additionalProperties" : false
        }),
        .output_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "full_name" : {"type" : "string", "description" : "owner/name"},
                "url" : {"type" : "string"},
                "id" : {"type" : "integer"},
                "created" : {
                    "type" : "boolean",
                    "description" : "false when a retry found the repository made earlier"
                }
            }
        }),
        .timeout_ms = 30000,
        .invoke = create_repository_cb,
    },
};

static const char *const github_keywords[] = {"github",       "git",       "repository",
                                              "organization", "developer", NULL};

ORDO_CONNECTOR_DEFINE(
        .name = "github", .version = "1.0.0", .title = "GitHub",
        .description = "Open issues, create repositories, invite people to an organisation and "
                       "manage team membership on GitHub with a personal access token.",
        .keywords = github_keywords,
        .config_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "org" : {
                    "type" : "string",
                    "title" : "Organisation",
                    "description" : "login of the organisation the org actions work on"
                },
                "base_url" : {
                    "type" : "string",
                    "title" : "API base URL",
                    "description" : "default https://api.github.com; GHES: https://HOST/api/v3"
                }
            },
            "additionalProperties" : false
        }),
        .credential_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "token" : {
                    "type" : "string",
                    "title" : "Token",
                    "description" : "a classic or fine-grained personal access token"
                }
            },
            "required" : ["token"],
            "additionalProperties" : false
        }),
        .test_credentials = get_user_cb, .actions = github_actions,
        .nactions = sizeof(github_actions) / sizeof(github_actions[0]),
        /* No serialisation: the host's per-credential rate limit paces calls,
         * and GitHub's secondary limits come back as RETRY with its delay. */
        .max_concurrency = 0, .init = ordo_conn_init, .fini = NULL);
