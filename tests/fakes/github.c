/*
 * tests/fakes/github.c - the GitHub REST stand-in: /github/... (saas-apis.md §3).
 *
 * Auth is "Authorization: Bearer <token>" or "token <token>": none is 401 "Requires
 * authentication", a wrong one 401 "Bad credentials" (GitHub's two answers). An
 * X-GitHub-Api-Version other than 2022-11-28 is 400, as GitHub refuses versions it does not
 * have; a missing one, and an Accept other than application/vnd.github+json, are answered
 * anyway and recorded as notes of the call, so tests can insist on them. Every answer carries
 * the x-ratelimit-* headers, counting down from 5000 per hour.
 *
 * Errors have GitHub's shape {"message","documentation_url","status"}, with "errors":[...] on
 * 422 Validation Failed. A second invitation for the same e-mail (or for a member's e-mail) is
 * 422 "Invitee is already a part of this organization" (saas-apis.md §3 calls this unverified).
 * Links that would point at github.com (html_url, avatars, the git remotes) point at the
 * sandbox instead, so nobody follows a demo link to a real organization that happens to be
 * called "acme".
 *
 * The answers have the shapes of GitHub's OpenAPI description of api.github.com (the npm
 * package @octokit/openapi): every member its schema requires, null where it allows null, and
 * for GET /users/{username} nothing more, as that schema admits no other member. The oracle
 * tests/oracle/github-openapi.js holds the answers, and the connector's requests, to it.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/json.h"
#include "base/text.h"
#include "tests/fakes/sandbox.h"

#define API_VERSION   "2022-11-28"
#define MEDIA_TYPE    "application/vnd.github+json"
#define DOCS          "https://docs.github.com/rest"
#define RATE_LIMIT    5000
#define PAGE_DEFAULT  30
#define PAGE_MAX      100
#define REPO_NAME_MAX 100
#define SEED_TIME     "2024-01-02T09:00:00Z" /* created_at of what the state gives none */

/* ---- replies --------------------------------------------------------------------------------- */

static void message(struct ordo_sandbox_req *req, int status, const char *text)
{
    ordo_sandbox_reply_json(req, status,
                            json_pack("{s:s, s:s, s:s}", "message",
                                      ordo_utf8_repair(req->arena, text), "documentation_url", DOCS,
                                      "status", ordo_arena_printf(req->arena, "%d", status)));
}

static void not_found(struct ordo_sandbox_req *req)
{
    message(req, 404, "Not Found");
}

/* 422 with one error object {resource, code, field[, message]}. */
static void invalid(struct ordo_sandbox_req *req, const char *summary, const char *resource,
                    const char *code, const char *field, const char *text)
{
    ordo_sandbox_reply_json(req, 422,
                            json_pack("{s:s, s:[{s:s, s:s, s:s, s:s*}], s:s, s:s}", "message",
                                      summary, "errors", "resource", resource, "code", code,
                                      "field", field, "message", text, "documentation_url", DOCS,
                                      "status", "422"));
}

/* The body as an object ({} when empty); NULL after answering 400 as GitHub does. */
static json_t *body_object(struct ordo_sandbox_req *req)
{
    json_t *body =
        req->body_len ? ordo_sandbox_body_json(req) : ordo_json_defer(req->arena, json_object());

    if (!json_is_object(body)) {
        message(req, 400, "Problems parsing JSON");
        return NULL;
    }
    return body;
}

/* ---- the model ------------------------------------------------------------------------------- */

static json_t *find_org(json_t *gh, const char *login)
{
    json_t *orgs = json_object_get(gh, "orgs"), *org;
    size_t i;

    json_array_foreach(orgs, i, org)
    {
        const char *have = ordo_sandbox_str(org, "login");

        if (have && login && strcasecmp(have, login) == 0) {
            return org;
        }
    }
    return NULL;
}

static json_t *find_user(json_t *gh, const char *login)
{
    json_t *users = json_object_get(gh, "users"), *user;
    size_t i;

    json_array_foreach(users, i, user)
    {
        const char *have = ordo_sandbox_str(user, "login");

        if (have && login && strcasecmp(have, login) == 0) {
            return user;
        }
    }
    return NULL;
}

static bool is_org_member(const json_t *org, const char *login)
{
    size_t i;
    json_t *m;

    json_array_foreach(json_object_get(org, "members"), i, m)
    {
        if (json_string_value(m) && login && strcasecmp(json_string_value(m), login) == 0) {
            return true;
        }
    }
    return false;
}

/* One "<key>": "<api URL><suffix>" member of the links GitHub hands out with an object. */
struct url_part {
    const char *key;
    const char *suffix;
};

static const struct url_part user_urls[] = {
    {"followers_url", "/followers"},
    {"following_url", "/following{/other_user}"},
    {"gists_url", "/gists{/gist_id}"},
    {"starred_url", "/starred{/owner}{/repo}"},
    {"subscriptions_url", "/subscriptions"},
    {"organizations_url", "/orgs"},
    {"repos_url", "/repos"},
    {"events_url", "/events{/privacy}"},
    {"received_events_url", "/received_events"},
};

static void add_urls(struct ordo_sandbox_req *req, json_t *obj, const char *api,
                     const struct url_part *parts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        (void)json_object_set_new(
            obj, parts[i].key,
            json_string(ordo_arena_printf(req->arena, "%s%s", api, parts[i].suffix)));
    }
}

/* A user or an organisation as GitHub embeds it in other objects (its "simple-user"). */
static json_t *account_json(struct ordo_sandbox_req *req, const char *login, const json_t *id,
                            bool org)
{
    const char *l = login ? login : "";
    const char *api = ordo_arena_printf(req->arena, "%s/github/users/%s", req->base_url, l);
    json_t *out = json_pack(
        "{s:s, s:I, s:s, s:s, s:s, s:s, s:s}", "login", l, "id", json_integer_value(id), "node_id",
        ordo_arena_printf(req->arena, "%s_sandbox_%s", org ? "O" : "U", l), "avatar_url",
        ordo_arena_printf(req->arena, "%s/github-web/avatars/%s", req->base_url, l), "gravatar_id",
        "", "url", api, "html_url",
        ordo_arena_printf(req->arena, "%s/github-web/%s", req->base_url, l));

    add_urls(req, out, api, user_urls, sizeof user_urls / sizeof user_urls[0]);
    (void)json_object_set_new(out, "type", json_string(org ? "Organization" : "User"));
    (void)json_object_set_new(out, "user_view_type", json_string("public"));
    (void)json_object_set_new(out, "site_admin", json_false());
    return out;
}

static json_t *user_json(struct ordo_sandbox_req *req, const json_t *user)
{
    json_t *out =
        account_json(req, ordo_sandbox_str(user, "login"), json_object_get(user, "id"), false);

    if (ordo_sandbox_str(user, "name")) {
        (void)json_object_set(out, "name", json_object_get(user, "name"));
    }
    return out;
}

static json_int_t count_repos(const json_t *repos, bool private)
{
    json_int_t n = 0;
    size_t i;
    json_t *repo;

    json_array_foreach(repos, i, repo)
    {
        n += json_is_true(json_object_get(repo, "private")) == private;
    }
    return n;
}

/* A user's profile: GitHub's "public-user" (nothing more: that schema admits no other member),
 * or for the token's own user ('gh' not NULL) its "private-user", with the e-mail and the
 * counts of its own repositories. */
static json_t *profile_json(struct ordo_sandbox_req *req, json_t *gh, const json_t *user)
{
    const char *created = ordo_sandbox_str(user, "created_at");
    const json_t *mine = gh ? json_object_get(gh, "user_repos") : NULL;
    json_int_t private = count_repos(mine, true);
    json_t *out = user_json(req, user);

    created = created ? created : SEED_TIME;
    (void)json_object_update_new(
        out,
        json_pack("{s:n, s:s, s:n, s:O?, s:n, s:n, s:n, s:I, s:i, s:i, s:i, s:s, s:s}", "company",
                  "blog", "", "location", "email", gh ? json_object_get(user, "email") : NULL,
                  "hireable", "bio", "twitter_username", "public_repos", count_repos(mine, false),
                  "public_gists", 0, "followers", 0, "following", 0, "created_at", created,
                  "updated_at", created));
    if (!json_object_get(out, "name")) {
        (void)json_object_set_new(out, "name", json_null());
    }
    if (gh) {
        (void)json_object_update_new(
            out,
            json_pack("{s:s, s:O?, s:i, s:I, s:I, s:i, s:i, s:b, s:{s:s, s:i, s:i, s:i}}",
                      "user_view_type", "private", "notification_email",
                      json_object_get(user, "email"), "private_gists", 0, "total_private_repos",
                      private, "owned_private_repos", private, "disk_usage", 0, "collaborators", 0,
                      "two_factor_authentication", 1, "plan", "name", "free", "space", 976562499,
                      "collaborators", 0, "private_repos", 10000));
    }
    return out;
}

static json_t *team_json(struct ordo_sandbox_req *req, const json_t *org, const json_t *team)
{
    const char *slug = ordo_sandbox_str(team, "slug");
    const char *org_login = ordo_sandbox_str(org, "login");
    json_int_t id = json_integer_value(json_object_get(team, "id"));
    const char *url = ordo_arena_printf(req->arena, "%s/github/orgs/%s/teams/%s", req->base_url,
                                        org_login ? org_login : "", slug ? slug : "");
    json_t *out;

    out = json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s, s:s, s:s, s:s, s:n}", "id",
                    id, "node_id", ordo_arena_printf(req->arena, "T_sandbox_%lld", (long long)id),
                    "url", url, "html_url",
                    ordo_arena_printf(req->arena, "%s/github-web/orgs/%s/teams/%s", req->base_url,
                                      org_login ? org_login : "", slug ? slug : ""),
                    "name", ordo_sandbox_str(team, "name"), "slug", slug, "description",
                    ordo_sandbox_str(team, "description"), "privacy",
                    ordo_sandbox_str(team, "privacy"), "notification_setting",
                    "notifications_enabled", "permission", "pull", "members_url",
                    ordo_arena_printf(req->arena, "%s/members{/member}", url), "repositories_url",
                    ordo_arena_printf(req->arena, "%s/repos", url), "parent");

    (void)json_object_set_new(out, "type", json_string("organization"));
    (void)json_object_set(out, "organization_id", json_object_get(org, "id"));
    return out;
}

static json_t *find_team_by(const json_t *org, const char *slug, json_int_t id)
{
    size_t i;
    json_t *team;

    json_array_foreach(json_object_get(org, "teams"), i, team)
    {
        if ((slug && ordo_streq(ordo_sandbox_str(team, "slug"), slug)) ||
            (!slug && json_integer_value(json_object_get(team, "id")) == id)) {
            return team;
        }
    }
    return NULL;
}

/* ---- users and teams ------------------------------------------------------------------------- */

static void viewer_cb(struct ordo_sandbox_req *req, json_t *gh)
{
    json_t *me = find_user(gh, ordo_sandbox_str(gh, "viewer"));

    if (!me) {
        not_found(req);
        return;
    }
    ordo_sandbox_reply_json(req, 200, profile_json(req, gh, me));
}

static void user_cb(struct ordo_sandbox_req *req, json_t *gh)
{
    json_t *user = find_user(gh, req->params[0]);

    if (!user) {
        not_found(req);
        return;
    }
    ordo_sandbox_reply_json(req, 200, profile_json(req, NULL, user));
}

/* ?per_page= and ?page=: GitHub ignores values it cannot read and caps per_page at 100. */
static void paging(const struct ordo_sandbox_req *req, int64_t *per_page, int64_t *page)
{
    int64_t pp = ordo_sandbox_parse_count(ordo_sandbox_query(req, "per_page"), 1);
    int64_t p = ordo_sandbox_parse_count(ordo_sandbox_query(req, "page"), 1);

    *per_page = pp < 1 ? PAGE_DEFAULT : pp > PAGE_MAX ? PAGE_MAX : pp;
    *page = p < 1 ? 1 : p;
}

/* 'link' with one more "<url?per_page=N&page=P>; rel="REL"" part. */
static const char *link_part(struct ordo_sandbox_req *req, const char *link, const char *url,
                             int64_t per_page, int64_t page, const char *rel)
{
    return ordo_arena_printf(req->arena, "%s%s<%s?per_page=%lld&page=%lld>; rel=\"%s\"", link,
                             *link ? ", " : "", url, (long long)per_page, (long long)page, rel);
}

/* The Link header of page 'page' of 'pages' (next, last, first, prev, as GitHub orders them). */
static void link_header(struct ordo_sandbox_req *req, const char *url, int64_t per_page,
                        int64_t page, int64_t pages)
{
    const char *link = "";

    if (page < pages) {
        link = link_part(req, link, url, per_page, page + 1, "next");
        link = link_part(req, link, url, per_page, pages, "last");
    }
    if (page > 1) {
        link = link_part(req, link, url, per_page, 1, "first");
        link = link_part(req, link, url, per_page, page - 1 < pages ? page - 1 : pages, "prev");
    }
    if (*link) {
        ordo_sandbox_reply_header(req, "Link", link);
    }
}

static void teams_cb(struct ordo_sandbox_req *req, json_t *gh)
{
    json_t *org = find_org(gh, req->params[0]), *teams, *page_items;
    int64_t per_page, page, pages, count;

    if (!org) {
        not_found(req);
        return;
    }
    teams = json_object_get(org, "teams");
    count = (int64_t)json_array_size(teams);
    paging(req, &per_page, &page);
    pages = count == 0 ? 1 : (count + per_page - 1) / per_page;
    page_items = json_array();
    for (int64_t i = (page - 1) * per_page; i < count && i < page * per_page; i++) {
        (void)json_array_append_new(page_items,
                                    team_json(req, org, json_array_get(teams, (size_t)i)));
    }
    link_header(req,
                ordo_arena_printf(req->arena, "%s/github/orgs/%s/teams", req->base_url,
                                  ordo_sandbox_str(org, "login")),
                per_page, page, pages);
    ordo_sandbox_reply_json(req, 200, page_items);
}

static void membership_cb(struct ordo_sandbox_req *req, json_t *gh)
{
    json_t *org = find_org(gh, req->params[0]);
    json_t *team = find_team_by(org, req->params[1], 0);
    json_t *user = find_user(gh, req->params[2]);
    json_t *body, *members;
    const char *role;

    if (!org || !team || !user) {
        not_found(req);
        return;
    }
    body = body_object(req);
    if (!body) {
        return;
    }
    role = ordo_sandbox_str(body, "role") ? ordo_sandbox_str(body, "role") : "member";
    if (!ordo_streq(role, "member") && !ordo_streq(role, "maintainer")) {
        invalid(req, "Validation Failed", "TeamMember", "invalid", "role", NULL);
        return;
    }
    members = json_object_get(team, "members");
    (void)json_object_set_new(members, ordo_sandbox_str(user, "login"), json_string(role));
    ordo_sandbox_reply_json(
        req, 200,
        json_pack("{s:s, s:s, s:s}", "url",
                  ordo_arena_printf(req->arena, "%s/github/teams/%lld/memberships/%s",
                                    req->base_url,
                                    (long long)json_integer_value(json_object_get(team, "id")),
                                    ordo_sandbox_str(user, "login")),
                  "role", role, "state",
                  is_org_member(org, ordo_sandbox_str(user, "login")) ? "active" : "pending"));
}

/* ---- invitations ----------------------------------------------------------------------------- */

static bool valid_role(const char *role)
{
    static const char *const roles[] = {"direct_member", "admin", "billing_manager", "reinstate"};

    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
        if (ordo_streq(roles[i], role)) {
            return true;
        }
    }
    return false;
}

/* Is someone with 'email' or 'login' a member or already invited? */
static bool already_in(json_t *gh, const json_t *org, const char *email, const char *login)
{
    size_t i;
    json_t *v;

    json_array_foreach(json_object_get(org, "invitations"), i, v)
    {
        const char *e = ordo_sandbox_str(v, "email"), *l = ordo_sandbox_str(v, "login");

        if ((email && e && strcasecmp(e, email) == 0) ||
            (login && l && strcasecmp(l, login) == 0)) {
            return true;
        }
    }
    json_array_foreach(json_object_get(gh, "users"), i, v)
    {
        const char *e = ordo_sandbox_str(v, "email");

        if (email && e && strcasecmp(e, email) == 0 &&
            is_org_member(org, ordo_sandbox_str(v, "login"))) {
            return true;
        }
    }
    return login && is_org_member(org, login);
}

/* The team_ids of the body, all teams of 'org'; false when one is not. */
static bool teams_ok(const json_t *org, const json_t *ids)
{
    size_t i;
    json_t *id;

    if (ids && !json_is_array(ids)) {
        return false;
    }
    json_array_foreach(ids, i, id)
    {
        if (!json_is_integer(id) || !find_team_by(org, NULL, json_integer_value(id))) {
            return false;
        }
    }
    return true;
}

/* The invitee: by e-mail, or the user with 'invitee_id'; false after answering 422. */
static bool invitee(struct ordo_sandbox_req *req, json_t *gh, const json_t *body,
                    const char **email, const char **login)
{
    json_t *id = json_object_get(body, "invitee_id"), *user;
    size_t i;

    *email = ordo_sandbox_str(body, "email");
    *login = NULL;
    if (!*email && !id) {
        invalid(req, "Validation Failed", "OrganizationInvitation", "missing_field", "email",
                "email or invitee_id is required");
        return false;
    }
    json_array_foreach(json_object_get(gh, "users"), i, user)
    {
        if (id && json_equal(json_object_get(user, "id"), id)) {
            *login = ordo_sandbox_str(user, "login");
        }
    }
    if (id && !*login) {
        invalid(req, "Validation Failed", "OrganizationInvitation", "invalid", "invitee_id", NULL);
        return false;
    }
    return true;
}

static void invite_cb(struct ordo_sandbox_req *req, json_t *gh)
{
    json_t *org = find_org(gh, req->params[0]), *body, *inv, *ids;
    const char *email, *login, *role;
    json_int_t id;

    if (!org) {
        not_found(req);
        return;
    }
    body = body_object(req);
    if (!body || !invitee(req, gh, body, &email, &login)) {
        return;
    }
    role = ordo_sandbox_str(body, "role") ? ordo_sandbox_str(body, "role") : "direct_member";
    ids = json_object_get(body, "team_ids");
    if (!valid_role(role) || !teams_ok(org, ids)) {
        invalid(req, "Validation Failed", "OrganizationInvitation", "invalid",
                valid_role(role) ? "team_ids" : "role", NULL);
        return;
    }
    if (already_in(gh, org, email, login)) {
        invalid(req, "Validation Failed", "OrganizationInvitation", "unprocessable", "data",
                "Invitee is already a part of this organization");
        return;
    }
    id = ordo_sandbox_next(gh, "next_id", 90001);
    inv = json_pack(
        "{s:I, s:s, s:s?, s:s?, s:s, s:s, s:n, s:n, s:o, s:i, s:s, s:s, s:o}", "id", id, "node_id",
        ordo_arena_printf(req->arena, "OI_sandbox_%lld", (long long)id), "login", login, "email",
        email, "role", role, "created_at",
        ordo_sandbox_time(req->arena, ordo_clock_wall_ms(), ORDO_SANDBOX_TIME_GITHUB), "failed_at",
        "failed_reason", "inviter", user_json(req, find_user(gh, ordo_sandbox_str(gh, "viewer"))),
        "team_count", (int)json_array_size(ids), "invitation_teams_url",
        ordo_arena_printf(req->arena, "%s/github/organizations/%lld/invitations/%lld/teams",
                          req->base_url, (long long)json_integer_value(json_object_get(org, "id")),
                          (long long)id),
        "invitation_source", "member", "team_ids", ids ? json_incref(ids) : json_array());
    (void)json_array_append_new(json_object_get(org, "invitations"), json_deep_copy(inv));
    (void)json_object_del(inv, "team_ids"); /* kept in the state, not in the answer */
    ordo_sandbox_reply_json(req, 201, inv);
}

static void invitations_cb(struct ordo_sandbox_req *req, json_t *gh)
{
    json_t *org = find_org(gh, req->params[0]), *out, *inv;
    size_t i;

    if (!org) {
        not_found(req);
        return;
    }
    out = json_deep_copy(json_object_get(org, "invitations"));
    json_array_foreach(out, i, inv)
    {
        (void)json_object_del(inv, "team_ids"); /* kept in the state, not in the answer */
    }
    ordo_sandbox_reply_json(req, 200, out);
}

/* ---- repositories and issues ----------------------------------------------------------------- */

/* Who owns repositories: an organisation, or the token's own user (POST /user/repos). */
struct owner {
    const char *login;
    json_t *id;
    const char *type; /* "Organization" or "User" */
    json_t *repos;    /* the array in the state */
};

static bool find_owner(json_t *gh, const char *login, struct owner *o)
{
    json_t *org = find_org(gh, login);
    json_t *me = find_user(gh, ordo_sandbox_str(gh, "viewer"));

    if (org) {
        *o = (struct owner){ordo_sandbox_str(org, "login"), json_object_get(org, "id"),
                            "Organization", json_object_get(org, "repos")};
        return true;
    }
    if (find_user(gh, login) == me && me) { /* the token's own user */
        *o = (struct owner){ordo_sandbox_str(me, "login"), json_object_get(me, "id"), "User",
                            json_object_get(gh, "user_repos")};
        return true;
    }
    return false;
}

static bool repo_name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;

    for (size_t i = 0; i < n; i++) {
        char c = name[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || ordo_is_digit(c) || c == '-' ||
              c == '_' || c == '.')) {
            return false;
        }
    }
    return n > 0 && n <= REPO_NAME_MAX;
}

static json_t *find_repo(const json_t *repos, const char *name)
{
    size_t i;
    json_t *repo;

    json_array_foreach(repos, i, repo)
    {
        const char *have = ordo_sandbox_str(repo, "name");

        if (have && name && strcasecmp(have, name) == 0) {
            return repo;
        }
    }
    return NULL;
}

static const struct url_part repo_urls[] = {
    {"forks_url", "/forks"},
    {"keys_url", "/keys{/key_id}"},
    {"collaborators_url", "/collaborators{/collaborator}"},
    {"teams_url", "/teams"},
    {"hooks_url", "/hooks"},
    {"issue_events_url", "/issues/events{/number}"},
    {"events_url", "/events"},
    {"assignees_url", "/assignees{/user}"},
    {"branches_url", "/branches{/branch}"},
    {"tags_url", "/tags"},
    {"blobs_url", "/git/blobs{/sha}"},
    {"git_tags_url", "/git/tags{/sha}"},
    {"git_refs_url", "/git/refs{/sha}"},
    {"trees_url", "/git/trees{/sha}"},
    {"statuses_url", "/statuses/{sha}"},
    {"languages_url", "/languages"},
    {"stargazers_url", "/stargazers"},
    {"contributors_url", "/contributors"},
    {"subscribers_url", "/subscribers"},
    {"subscription_url", "/subscription"},
    {"commits_url", "/commits{/sha}"},
    {"git_commits_url", "/git/commits{/sha}"},
    {"comments_url", "/comments{/number}"},
    {"issue_comment_url", "/issues/comments{/number}"},
    {"contents_url", "/contents/{+path}"},
    {"compare_url", "/compare/{base}...{head}"},
    {"merges_url", "/merges"},
    {"archive_url", "/{archive_format}{/ref}"},
    {"downloads_url", "/downloads"},
    {"issues_url", "/issues{/number}"},
    {"pulls_url", "/pulls{/number}"},
    {"milestones_url", "/milestones{/number}"},
    {"notifications_url", "/notifications{?since,all,participating}"},
    {"labels_url", "/labels{/name}"},
    {"releases_url", "/releases{/id}"},
    {"deployments_url", "/deployments"},
};

/* GitHub's "full-repository". The git remotes, like html_url, lead to the sandbox's web pages
 * rather than to github.com; the repository is empty, unforked and unstarred. */
static json_t *repo_json(struct ordo_sandbox_req *req, const struct owner *o, const json_t *repo)
{
    const char *name = ordo_sandbox_str(repo, "name");
    const char *full = ordo_arena_printf(req->arena, "%s/%s", o->login, name ? name : "");
    const char *api = ordo_arena_printf(req->arena, "%s/github/repos/%s", req->base_url, full);
    const char *web = ordo_arena_printf(req->arena, "%s/github-web/%s", req->base_url, full);
    const char *host = strstr(req->base_url, "://") ? strstr(req->base_url, "://") + 3 : "";
    const char *created = ordo_sandbox_str(repo, "created_at");
    const char *vis = ordo_sandbox_str(repo, "visibility");
    json_int_t id = json_integer_value(json_object_get(repo, "id"));
    json_int_t open = (json_int_t)json_array_size(json_object_get(repo, "issues"));
    bool private = json_is_true(json_object_get(repo, "private"));
    bool org = ordo_streq(o->type, "Organization");
    json_t *out =
        json_pack("{s:I, s:s, s:s, s:s, s:o, s:b, s:s, s:O?, s:b, s:s}", "id", id, "node_id",
                  ordo_arena_printf(req->arena, "R_sandbox_%lld", (long long)id), "name",
                  name ? name : "", "full_name", full, "owner",
                  account_json(req, o->login, o->id, org), "private", private, "html_url", web,
                  "description", json_object_get(repo, "description"), "fork", 0, "url", api);

    created = created ? created : SEED_TIME;
    add_urls(req, out, api, repo_urls, sizeof repo_urls / sizeof repo_urls[0]);
    (void)json_object_update_new(
        out,
        json_pack(
            "{s:s, s:s, s:s, s:s, s:n, s:n, s:n, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:s, "
            "s:I, s:I, s:n}",
            "git_url", ordo_arena_printf(req->arena, "git://%s/github-web/%s.git", host, full),
            "ssh_url", ordo_arena_printf(req->arena, "ssh://git@%s/github-web/%s.git", host, full),
            "clone_url", ordo_arena_printf(req->arena, "%s.git", web), "svn_url", web, "mirror_url",
            "homepage", "language", "forks_count", 0, "forks", 0, "stargazers_count", 0,
            "watchers_count", 0, "watchers", 0, "size", 0, "network_count", 0, "subscribers_count",
            0, "default_branch", "main", "open_issues_count", open, "open_issues", open,
            "license"));
    (void)json_object_update_new(
        out, json_pack("{s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:s, s:[], s:s, s:s, "
                       "s:s, s:{s:b, s:b, s:b, s:b, s:b}}",
                       "is_template", 0, "has_issues", 1, "has_projects", 1, "has_wiki", 1,
                       "has_pages", 0, "has_downloads", 1, "has_discussions", 0, "archived", 0,
                       "disabled", 0, "web_commit_signoff_required", 0, "visibility",
                       private ? (vis ? vis : "private") : "public", "topics", "pushed_at", created,
                       "created_at", created, "updated_at", created, "permissions", "admin", 1,
                       "maintain", 1, "push", 1, "triage", 1, "pull", 1));
    if (org) {
        (void)json_object_set_new(out, "organization", account_json(req, o->login, o->id, true));
    }
    return out;
}

static void create_repo(struct ordo_sandbox_req *req, json_t *gh, const struct owner *o)
{
    json_t *body = body_object(req), *repo, *out;
    const char *name, *vis;

    if (!body) {
        return;
    }
    name = ordo_sandbox_str(body, "name");
    vis = ordo_sandbox_str(body, "visibility");
    if (!repo_name_ok(name)) {
        invalid(req, "Validation Failed", "Repository", name ? "custom" : "missing_field", "name",
                name ? "name is invalid" : NULL);
        return;
    }
    if (find_repo(o->repos, name)) {
        invalid(req, "Repository creation failed.", "Repository", "custom", "name",
                "name already exists on this account");
        return;
    }
    repo = json_pack(
        "{s:I, s:s, s:b, s:s?, s:O?, s:s, s:[]}", "id", ordo_sandbox_next(gh, "next_id", 90001),
        "name", name, "private",
        json_is_true(json_object_get(body, "private")) || ordo_streq(vis, "private") ||
            ordo_streq(vis, "internal"),
        "visibility", vis, "description", json_object_get(body, "description"), "created_at",
        ordo_sandbox_time(req->arena, ordo_clock_wall_ms(), ORDO_SANDBOX_TIME_GITHUB), "issues");
    (void)json_array_append_new(o->repos, repo);
    out = repo_json(req, o, repo);
    ordo_sandbox_reply_header(req, "Location", ordo_sandbox_str(out, "url"));
    ordo_sandbox_reply_json(req, 201, out);
}

static void create_org_repo_cb(struct ordo_sandbox_req *req, json_t *gh)
{
    struct owner o;

    if (!find_org(gh, req->params[0]) || !find_owner(gh, req->params[0], &o)) {
        not_found(req);
        return;
    }
    create_repo(req, gh, &o);
}

static void create_user_repo_cb(struct ordo_sandbox_req *req, json_t *gh)
{
    struct owner o;

    if (!find_owner(gh, ordo_sandbox_str(gh, "viewer"), &o)) {
        not_found(req);
        return;
    }
    create_repo(req, gh, &o);
}

static void get_repo_cb(struct ordo_sandbox_req *req, json_t *gh)
{
    struct owner o;
    json_t *repo = find_owner(gh, req->params[0], &o) ? find_repo(o.repos, req->params[1]) : NULL;

    if (!repo) {
        not_found(req);
        return;
    }
    ordo_sandbox_reply_json(req, 200, repo_json(req, &o, repo));
}

/* 'text' as one path segment: RFC 3986's unreserved characters as they are, the rest %XX. */
static const char *path_escape(struct ordo_arena *arena, const char *text)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(text);
    char *out = ordo_arena_alloc(arena, 3 * n + 1), *p = out;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || ordo_is_digit(c) || c == '-' ||
            c == '_' || c == '.' || c == '~') {
            *p++ = (char)c;
        } else {
            *p++ = '%';
            *p++ = hex[c >> 4];
            *p++ = hex[c & 15];
        }
    }
    *p = '\0';
    return out;
}

/* The labels of a new issue, by name or {name}, as GitHub's label objects (the labels are made
 * as they are named, with GitHub's default colour). */
static json_t *label_list(struct ordo_sandbox_req *req, const char *repo_api, const json_t *labels)
{
    json_t *out = json_array(), *l;
    size_t i;

    json_array_foreach(labels, i, l)
    {
        const char *name = json_is_string(l) ? json_string_value(l) : ordo_sandbox_str(l, "name");

        if (name) {
            (void)json_array_append_new(
                out, json_pack("{s:s, s:s, s:s, s:n, s:b}", "url",
                               ordo_arena_printf(req->arena, "%s/labels/%s", repo_api,
                                                 path_escape(req->arena, name)),
                               "name", name, "color", "ededed", "description", "default", 0));
        }
    }
    return out;
}

/* The assignees of a new issue: the logins that are users here. GitHub drops the others
 * without a word, as it does for anyone who cannot be assigned. */
static json_t *assignee_list(struct ordo_sandbox_req *req, json_t *gh, const json_t *logins)
{
    json_t *out = json_array(), *l;
    size_t i;

    json_array_foreach(logins, i, l)
    {
        json_t *user = find_user(gh, json_string_value(l));

        if (user) {
            (void)json_array_append_new(out, user_json(req, user));
        }
    }
    return out;
}

static json_t *issues_of(json_t *repo)
{
    json_t *issues = json_object_get(repo, "issues");

    if (!json_is_array(issues)) {
        issues = json_array();
        (void)json_object_set_new(repo, "issues", issues);
    }
    return issues;
}

static void create_issue_cb(struct ordo_sandbox_req *req, json_t *gh)
{
    struct owner o;
    json_t *repo = find_owner(gh, req->params[0], &o) ? find_repo(o.repos, req->params[1]) : NULL;
    json_t *body, *issue, *assignees;
    const char *repo_api, *url, *now;
    json_int_t id, number;

    if (!repo) {
        not_found(req);
        return;
    }
    body = body_object(req);
    if (!body) {
        return;
    }
    if (!ordo_sandbox_str(body, "title") || !*ordo_sandbox_str(body, "title")) {
        invalid(req, "Validation Failed", "Issue", "missing_field", "title", NULL);
        return;
    }
    id = ordo_sandbox_next(gh, "next_id", 90001);
    number = ordo_sandbox_next(repo, "next_number", 1);
    repo_api = ordo_arena_printf(req->arena, "%s/github/repos/%s/%s", req->base_url, o.login,
                                 ordo_sandbox_str(repo, "name"));
    url = ordo_arena_printf(req->arena, "%s/issues/%lld", repo_api, (long long)number);
    now = ordo_sandbox_time(req->arena, ordo_clock_wall_ms(), ORDO_SANDBOX_TIME_GITHUB);
    assignees = assignee_list(req, gh, json_object_get(body, "assignees"));
    issue = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:n, s:O, s:O?, s:o, s:o}", "id", id,
        "node_id", ordo_arena_printf(req->arena, "I_sandbox_%lld", (long long)id), "url", url,
        "repository_url", repo_api, "labels_url",
        ordo_arena_printf(req->arena, "%s/labels{/name}", url), "comments_url",
        ordo_arena_printf(req->arena, "%s/comments", url), "events_url",
        ordo_arena_printf(req->arena, "%s/events", url), "html_url",
        ordo_arena_printf(req->arena, "%s/github-web/%s/%s/issues/%lld", req->base_url, o.login,
                          ordo_sandbox_str(repo, "name"), (long long)number),
        "number", number, "state", "open", "state_reason", "title", json_object_get(body, "title"),
        "body", json_object_get(body, "body"), "user",
        user_json(req, find_user(gh, ordo_sandbox_str(gh, "viewer"))), "labels",
        label_list(req, repo_api, json_object_get(body, "labels")));
    (void)json_object_update_new(
        issue, json_pack("{s:O?, s:o, s:n, s:b, s:n, s:i, s:n, s:n, s:s, s:s, s:s}", "assignee",
                         json_array_get(assignees, 0), "assignees", assignees, "milestone",
                         "locked", 0, "active_lock_reason", "comments", 0, "closed_at", "closed_by",
                         "author_association", ordo_streq(o.type, "User") ? "OWNER" : "MEMBER",
                         "created_at", now, "updated_at", now));
    (void)json_array_append(issues_of(repo), issue);
    ordo_sandbox_reply_header(req, "Location", url);
    ordo_sandbox_reply_json(req, 201, issue);
}

/* ---- the service ----------------------------------------------------------------------------- */

static const struct ordo_sandbox_route routes[] = {
    {"GET", "/user", viewer_cb},
    {"GET", "/users/{}", user_cb},
    {"GET", "/orgs/{}/teams", teams_cb},
    {"PUT", "/orgs/{}/teams/{}/memberships/{}", membership_cb},
    {"GET", "/orgs/{}/invitations", invitations_cb},
    {"POST", "/orgs/{}/invitations", invite_cb},
    {"POST", "/orgs/{}/repos", create_org_repo_cb},
    {"POST", "/user/repos", create_user_repo_cb},
    {"GET", "/repos/{}/{}", get_repo_cb},
    {"POST", "/repos/{}/{}/issues", create_issue_cb},
};

static const char *token_of(const char *h)
{
    if (h && strncasecmp(h, "Bearer ", 7) == 0) {
        return h + 7;
    }
    if (h && strncasecmp(h, "token ", 6) == 0) {
        return h + 6;
    }
    return NULL;
}

static bool github_auth(struct ordo_sandbox_req *req, json_t *state)
{
    const char *token = ordo_sandbox_str(json_object_get(state, "credentials"), "github_token");
    const char *got = token_of(ordo_sandbox_header(req, "Authorization"));

    return token && got && strcmp(token, got) == 0;
}

static void github_handle(struct ordo_sandbox_req *req, json_t *state)
{
    const char *version = ordo_sandbox_header(req, "X-GitHub-Api-Version");
    const char *accept = ordo_sandbox_header(req, "Accept");
    const struct ordo_sandbox_route *r;
    bool wrong_method;

    if (!req->auth_ok) {
        message(req, 401,
                ordo_sandbox_header(req, "Authorization") ? "Bad credentials"
                                                          : "Requires authentication");
        return;
    }
    if (version && strcmp(version, API_VERSION) != 0) {
        message(req, 400,
                ordo_arena_printf(req->arena,
                                  "Unsupported 'X-GitHub-Api-Version' header value of "
                                  "'%.40s'. Supported: %s",
                                  version, API_VERSION));
        return;
    }
    if (!version) {
        ordo_sandbox_note(req, "no X-GitHub-Api-Version header (GitHub assumes " API_VERSION ")");
    }
    if (!accept || !strstr(accept, MEDIA_TYPE)) {
        ordo_sandbox_note(req, "Accept is not " MEDIA_TYPE);
    }
    r = ordo_sandbox_route(req, routes, sizeof routes / sizeof routes[0], req->rel, &wrong_method);
    if (r) {
        r->fn(req, json_object_get(state, "github"));
    } else {
        not_found(req);
    }
}

static void github_fault(struct ordo_sandbox_req *req, int status)
{
    if (status == 429 || status == 403) {
        message(req, status,
                "You have exceeded a secondary rate limit. Please wait a few minutes before you "
                "try again.");
    } else {
        message(req, status, status >= 500 ? "Server Error" : "Request refused");
    }
}

/* The rate-limit headers every answer carries: 5000 an hour, counted per sandbox. */
static void github_finish(struct ordo_sandbox_req *req, json_t *state)
{
    json_t *gh = json_object_get(state, "github");
    json_int_t used = ordo_sandbox_next(gh, "rate_used", 0) + 1;
    long long reset = (long long)(ordo_clock_wall_ms() / 1000 / 3600 + 1) * 3600;
    char buf[32];

    (void)snprintf(buf, sizeof buf, "%d", RATE_LIMIT);
    ordo_sandbox_reply_header(req, "x-ratelimit-limit", buf);
    (void)snprintf(buf, sizeof buf, "%lld",
                   used >= RATE_LIMIT ? 0LL : (long long)(RATE_LIMIT - used));
    ordo_sandbox_reply_header(req, "x-ratelimit-remaining", buf);
    (void)snprintf(buf, sizeof buf, "%lld", (long long)used);
    ordo_sandbox_reply_header(req, "x-ratelimit-used", buf);
    (void)snprintf(buf, sizeof buf, "%lld", reset);
    ordo_sandbox_reply_header(req, "x-ratelimit-reset", buf);
    ordo_sandbox_reply_header(req, "x-ratelimit-resource", "core");
    ordo_sandbox_reply_header(req, "X-GitHub-Api-Version-Selected", API_VERSION);
}

const struct ordo_sandbox_service ordo_sandbox_github = {
    .name = "github",
    .prefix = "/github",
    .auth = github_auth,
    .handle = github_handle,
    .fault = github_fault,
    .finish = github_finish,
};
