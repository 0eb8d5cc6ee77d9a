/*
 * tests/fakes/state.c - the seed: what the sandbox holds after start and after every reset.
 *
 * The seed is written as JSON text (readable, and the same shape GET /_sandbox/state shows and
 * --state FILE.json overrides). Two values depend on the day the sandbox starts, so that the
 * demo's new hire is always about to start: Nora Newhire's hireDate (14 days ahead) and the
 * BambooHR lastChanged stamps of the seeded employees (the start time). Everything else is
 * fixed, ids and ordering included.
 *
 * The state file is merged over the seed: objects member by member (recursively), anything
 * else replaces (so "users": [...] replaces Slack's user list). Afterwards the shape the
 * services rely on is checked, so a state file cannot make a handler meet a string where it
 * walks an array.
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/calendar.h"
#include "base/file.h"
#include "base/json.h"
#include "tests/fakes/sandbox.h"

#define STATE_MAX_BYTES ((size_t)16 * 1024 * 1024)
#define HIRE_IN_DAYS    14

/* Pieces of one JSON text: ISO C promises string literals of 4095 bytes only. */
static const char *const seed_text[] = {
    "{\"sandbox\":\"Ordo sandbox: stand-ins for Slack, Jira Cloud, GitHub and BambooHR. "
    "Nothing here reaches the real services.\","
    "\"credentials\":{\"slack_bot_token\":\"xoxb-sandbox-token\","
    "\"jira_email\":\"ops@acme.example\",\"jira_api_token\":\"sandbox-jira-token\","
    "\"github_token\":\"ghp_sandbox_token\",\"bamboohr_api_key\":\"sandbox-bamboohr-key\"},",

    "\"slack\":{\"team\":{\"id\":\"T0ACME\",\"name\":\"Acme\",\"domain\":\"acme\"},"
    "\"bot\":{\"user_id\":\"U0BOT\",\"bot_id\":\"B0BOT\",\"name\":\"ordo\"},"
    "\"users\":["
    "{\"id\":\"U001\",\"team_id\":\"T0ACME\",\"name\":\"maria\",\"real_name\":\"Maria Manager\","
    "\"deleted\":false,\"is_bot\":false,\"tz\":\"Europe/Berlin\",\"profile\":{"
    "\"real_name\":\"Maria Manager\",\"display_name\":\"Maria\",\"email\":\"maria@acme.example\"}},"
    "{\"id\":\"U002\",\"team_id\":\"T0ACME\",\"name\":\"dana\",\"real_name\":\"Dana Dev\","
    "\"deleted\":false,\"is_bot\":false,\"tz\":\"Europe/Berlin\",\"profile\":{"
    "\"real_name\":\"Dana Dev\",\"display_name\":\"Dana\",\"email\":\"dana@acme.example\"}},"
    "{\"id\":\"U0BOT\",\"team_id\":\"T0ACME\",\"name\":\"ordo\",\"real_name\":\"Ordo (sandbox)\","
    "\"deleted\":false,\"is_bot\":true,\"tz\":\"Europe/Berlin\",\"profile\":{"
    "\"real_name\":\"Ordo (sandbox)\",\"display_name\":\"ordo\"}}],"
    "\"channels\":["
    "{\"id\":\"C001\",\"name\":\"general\",\"is_private\":false,\"created\":1700000000,"
    "\"creator\":\"U001\",\"members\":[\"U001\",\"U002\",\"U0BOT\"]},"
    "{\"id\":\"C002\",\"name\":\"it-help\",\"is_private\":false,\"created\":1700000000,"
    "\"creator\":\"U001\",\"members\":[\"U001\",\"U0BOT\"]}],"
    "\"messages\":[],\"ephemeral\":[],\"next_channel\":3,\"next_ts\":1},",

    "\"jira\":{\"myself\":{\"accountId\":\"712020:sandbox-ops\",\"emailAddress\":"
    "\"ops@acme.example\",\"displayName\":\"Ops (sandbox)\",\"active\":true,"
    "\"timeZone\":\"Europe/Berlin\",\"accountType\":\"atlassian\"},"
    "\"users\":[{\"accountId\":\"712020:sandbox-ops\",\"emailAddress\":\"ops@acme.example\","
    "\"displayName\":\"Ops (sandbox)\",\"active\":true},"
    "{\"accountId\":\"712020:maria\",\"emailAddress\":\"maria@acme.example\","
    "\"displayName\":\"Maria Manager\",\"active\":true}],"
    "\"projects\":["
    "{\"id\":\"10000\",\"key\":\"ONB\",\"name\":\"Onboarding\",\"issuetypes\":["
    "{\"id\":\"10001\",\"name\":\"Task\"},{\"id\":\"10002\",\"name\":\"Story\"}]},"
    "{\"id\":\"10001\",\"key\":\"IT\",\"name\":\"IT Service\",\"issuetypes\":["
    "{\"id\":\"10001\",\"name\":\"Task\"}]}],"
    "\"issues\":[],\"next_issue_id\":10001,\"next_comment_id\":10001},",

    "\"github\":{\"viewer\":\"ordo-sandbox-bot\",\"rate_used\":0,\"next_id\":90001,"
    "\"user_repos\":[],"
    "\"users\":["
    "{\"login\":\"ordo-sandbox-bot\",\"id\":1000,\"email\":\"ops@acme.example\","
    "\"name\":\"Ordo (sandbox)\"},"
    "{\"login\":\"maria-acme\",\"id\":1001,\"email\":\"maria@acme.example\","
    "\"name\":\"Maria Manager\"},"
    "{\"login\":\"dana-dev\",\"id\":1002,\"email\":\"dana@acme.example\",\"name\":\"Dana Dev\"}],"
    "\"orgs\":[{\"login\":\"acme\",\"id\":5000,\"name\":\"Acme\","
    "\"members\":[\"ordo-sandbox-bot\",\"maria-acme\",\"dana-dev\"],"
    "\"teams\":["
    "{\"id\":1,\"slug\":\"engineering\",\"name\":\"Engineering\",\"description\":"
    "\"Everyone who builds\",\"privacy\":\"closed\",\"members\":{\"maria-acme\":\"maintainer\","
    "\"dana-dev\":\"member\"}},"
    "{\"id\":2,\"slug\":\"onboarding\",\"name\":\"Onboarding\",\"description\":"
    "\"New hires in their first weeks\",\"privacy\":\"closed\",\"members\":{}}],"
    "\"repos\":[{\"id\":7001,\"name\":\"it-requests\",\"private\":true,"
    "\"description\":\"Requests to IT\",\"created_at\":\"2024-01-02T09:00:00Z\",\"issues\":[]}],"
    "\"invitations\":[]}]},",

    "\"bamboohr\":{\"companies\":[{\"domain\":\"acme\",\"next_id\":103,\"employees\":["
    "{\"id\":\"101\",\"employeeNumber\":\"1\",\"firstName\":\"Maria\",\"lastName\":\"Manager\","
    "\"displayName\":\"Maria Manager\",\"workEmail\":\"maria@acme.example\","
    "\"jobTitle\":\"Engineering Manager\",\"department\":\"Engineering\",\"division\":null,"
    "\"location\":\"Berlin\",\"supervisorEId\":null,\"hireDate\":\"2019-04-01\","
    "\"status\":\"Active\",\"action\":\"Inserted\"},"
    "{\"id\":\"102\",\"employeeNumber\":\"2\",\"firstName\":\"Nora\",\"lastName\":\"Newhire\","
    "\"displayName\":\"Nora Newhire\",\"workEmail\":\"nora@acme.example\","
    "\"jobTitle\":\"Software Engineer\",\"department\":\"Engineering\",\"division\":null,"
    "\"location\":\"Berlin\",\"supervisorEId\":\"101\",\"hireDate\":null,"
    "\"status\":\"Active\",\"action\":\"Inserted\"}]}]}}",
};

/* Nora's hire date and every missing lastChanged: relative to the start. */
static void fill_relative(json_t *seed, int64_t now_ms)
{
    json_t *company =
        json_array_get(json_object_get(json_object_get(seed, "bamboohr"), "companies"), 0);
    json_t *employees = json_object_get(company, "employees");
    json_t *nora = ordo_sandbox_find(employees, "id", "102");
    int64_t y;
    int m, d;
    char date[16];
    char iso[ORDO_RFC3339_MS_SIZE];
    char stamp[40];
    size_t i;
    json_t *e;

    ordo_civil_from_days(ordo_floor_div(now_ms, 86400000) + HIRE_IN_DAYS, &y, &m, &d);
    (void)snprintf(date, sizeof date, "%04d-%02d-%02d", (int)y, m, d);
    (void)json_object_set_new(nora, "hireDate", json_string(date));
    ordo_format_rfc3339_ms(now_ms, iso);
    (void)snprintf(stamp, sizeof stamp, "%.19s+00:00", iso); /* BambooHR's form */
    json_array_foreach(employees, i, e)
    {
        (void)json_object_set_new(e, "lastChanged", json_string(stamp));
    }
}

static json_t *builtin_seed(int64_t now_ms)
{
    struct ordo_buf text = ORDO_BUF_INIT;
    json_t *seed = NULL;

    for (size_t i = 0; i < sizeof seed_text / sizeof seed_text[0]; i++) {
        ordo_buf_puts(&text, seed_text[i]);
    }
    if (ordo_json_parse(text.data, text.len, NULL, &seed, NULL) != ORDO_OK) {
        ordo_buf_cleanup(&text);
        return NULL; /* a broken literal: the program's own bug, reported by the caller */
    }
    ordo_buf_cleanup(&text);
    fill_relative(seed, now_ms);
    return seed;
}

/* ---- the shape check ------------------------------------------------------------------------- */

/* Paths of members that must be objects (o) or arrays (a), from the root; "*" steps into every
 * element of an array. Checked after the merge. */
static const char *const shape[] = {
    "o credentials",
    "o slack",
    "o slack.team",
    "o slack.bot",
    "a slack.users",
    "o slack.users.*",
    "a slack.channels",
    "o slack.channels.*",
    "a slack.channels.*.members",
    "a slack.messages",
    "a slack.ephemeral",
    "o jira",
    "o jira.myself",
    "a jira.users",
    "a jira.projects",
    "o jira.projects.*",
    "a jira.projects.*.issuetypes",
    "a jira.issues",
    "o jira.issues.*",
    "a jira.issues.*.comments",
    "o github",
    "a github.users",
    "a github.user_repos",
    "o github.user_repos.*",
    "a github.orgs",
    "o github.orgs.*",
    "a github.orgs.*.members",
    "a github.orgs.*.teams",
    "o github.orgs.*.teams.*",
    "o github.orgs.*.teams.*.members",
    "a github.orgs.*.repos",
    "o github.orgs.*.repos.*",
    "a github.orgs.*.repos.*.issues",
    "a github.orgs.*.invitations",
    "o bamboohr",
    "a bamboohr.companies",
    "o bamboohr.companies.*",
    "a bamboohr.companies.*.employees",
    "o bamboohr.companies.*.employees.*",
};

/* Does every value at 'path' (dotted, from 'v') have 'type'? A missing optional member (one
 * inside array elements, such as an issue's comments before the first) passes. */
static bool shape_ok(const json_t *v, const char *path, char type, bool in_array, char *why,
                     size_t size, const char *full)
{
    const char *dot = strchr(path, '.');
    size_t n = dot ? (size_t)(dot - path) : strlen(path);
    json_t *next;
    size_t i;

    if (n == 1 && path[0] == '*') {
        json_array_foreach(v, i, next)
        {
            if (!shape_ok(next, dot ? dot + 1 : "", type, true, why, size, full)) {
                return false;
            }
        }
        return true;
    }
    if (n == 0) {
        if ((type == 'o' && json_is_object(v)) || (type == 'a' && json_is_array(v))) {
            return true;
        }
        (void)snprintf(why, size, "state: %s must be %s", full,
                       type == 'o' ? "an object" : "an array");
        return false;
    }
    next = json_object_getn(v, path, n);
    if (!next && in_array && !dot) {
        return true;
    }
    if (!next) {
        (void)snprintf(why, size, "state: %s is missing", full);
        return false;
    }
    return shape_ok(next, dot ? dot + 1 : "", type, in_array, why, size, full);
}

static bool check_shape(const json_t *state, char *why, size_t size)
{
    for (size_t i = 0; i < sizeof shape / sizeof shape[0]; i++) {
        if (!shape_ok(state, shape[i] + 2, shape[i][0], false, why, size, shape[i] + 2)) {
            return false;
        }
    }
    return true;
}

json_t *ordo_sandbox_seed(const char *file, int64_t now_ms, char *why, size_t size)
{
    struct ordo_json_limits lim = {STATE_MAX_BYTES, ORDO_JSON_DEFAULT_MAX_DEPTH};
    struct ordo_buf text = ORDO_BUF_INIT;
    struct ordo_err err = {0};
    json_t *seed = builtin_seed(now_ms), *over = NULL;

    if (!seed) {
        (void)snprintf(why, size, "the built-in seed is not valid JSON");
        return NULL;
    }
    if (file &&
        (ordo_file_read(file, STATE_MAX_BYTES, "the state file limit", &text, &err) != ORDO_OK ||
         ordo_json_parse(text.data, text.len, &lim, &over, &err) != ORDO_OK)) {
        (void)snprintf(why, size, "could not load the state file \"%s\": %s", file,
                       ordo_err_message(&err));
        goto fail;
    }
    if (over && !json_is_object(over)) {
        (void)snprintf(why, size, "the state file \"%s\" must hold a JSON object", file);
        goto fail;
    }
    if (over) {
        (void)json_object_update_recursive(seed, over);
    }
    if (!check_shape(seed, why, size)) {
        goto fail;
    }
    json_decref(over);
    ordo_buf_cleanup(&text);
    return seed;

fail:
    json_decref(over);
    json_decref(seed);
    ordo_buf_cleanup(&text);
    return NULL;
}
