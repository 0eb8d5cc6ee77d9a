/*
 * tests/unit/catalogue_fixture.c - the descriptors of catalogue_fixture.h.
 */
#include "tests/unit/catalogue_fixture.h"

#include <stdint.h>

/* The catalogue never calls an action; the loader wants a function. */
static enum ordo_connector_result invoke_nothing(const struct ordo_connector_call *call,
                                                 struct ordo_connector_outcome *out)
{
    (void)call;
    (void)out;
    return ORDO_CONNECTOR_OK;
}

/* ---- slack: the host's own action struct ---------------------------------- */

static const char *const slack_keywords[] = {"chat", "messaging", NULL};
static const char *const post_keywords[] = {"send", "notify", "chat", NULL};
static const char *const post_errors[] = {"channel_not_found", "not_in_channel", NULL};

static const struct ordo_connector_action slack_actions[] = {
    {
        .id = "slack.post_message",
        .title = "Post a message",
        .description = "Posts a message to a channel.",
        .keywords = post_keywords,
        .input_schema = "{\"type\": \"object\", \"properties\": {"
                        "\"channel\": {\"type\": \"string\", \"title\": \"Channel\","
                        " \"description\": \"Channel id or #name\"},"
                        "\"text\": {\"type\": \"string\", \"title\": \"Message\"},"
                        "\"parse\": {\"type\": \"string\", \"enum\": [\"none\", \"full\"],"
                        " \"default\": \"none\", \"title\": \"Parsing\"},"
                        "\"blocks\": {\"type\": \"array\", \"title\": \"Blocks\","
                        " \"description\": \"Block Kit blocks\"},"
                        "\"unfurl\": {\"type\": \"boolean\", \"default\": true},"
                        "\"footer\": {\"type\": \"string\", \"default\": \"=not FEEL\"}},"
                        " \"required\": [\"channel\", \"text\"]}",
        .output_schema = "{\"type\": \"object\", \"properties\": {"
                         "\"ts\": {\"type\": \"string\", \"title\": \"Message timestamp\"},"
                         "\"channel\": {\"type\": \"string\", \"description\": \"Channel id\"}}}",
        .bpmn_errors = post_errors,
        .timeout_ms = 0,
        .invoke = invoke_nothing,
    },
    {
        .id = "slack.add_reaction",
        .title = "Add a reaction",
        .description = "Adds an emoji reaction to a message.",
        .input_schema = "{\"properties\": {"
                        "\"channel\": {\"type\": \"string\"},"
                        "\"timestamp\": {\"type\": \"string\"},"
                        "\"name\": {\"type\": \"string\", \"title\": \"Emoji name\"}},"
                        " \"required\": [\"channel\", \"timestamp\", \"name\"]}",
        .timeout_ms = 5000,
        .invoke = invoke_nothing,
    },
};

static const struct ordo_connector slack = {
    .magic = ORDO_CONNECTOR_MAGIC,
    .abi = ORDO_CONNECTOR_ABI,
    .size = (uint32_t)sizeof(struct ordo_connector),
    .action_size = (uint32_t)sizeof(struct ordo_connector_action),
    .name = "slack",
    .version = "1.2.0",
    .title = "Slack",
    .description = "Messages and reactions in Slack workspaces.",
    .keywords = slack_keywords,
    .credential_schema = "{\"type\": \"object\", \"properties\": {"
                         "\"token\": {\"type\": \"string\", \"title\": \"Bot token\","
                         " \"description\": \"xoxb- token of the Slack app\","
                         " \"default\": \"xoxb-not-a-real-token\"}},"
                         " \"required\": [\"token\"], \"additionalProperties\": false}",
    .actions = slack_actions,
    .nactions = sizeof(slack_actions) / sizeof(slack_actions[0]),
};

/* ---- util: the least a descriptor can say ---------------------------------- */

static const struct ordo_connector_action util_actions[] = {
    {.id = "util.noop", .invoke = invoke_nothing},
};

static const struct ordo_connector util = {
    .magic = ORDO_CONNECTOR_MAGIC,
    .abi = ORDO_CONNECTOR_ABI,
    .size = (uint32_t)sizeof(struct ordo_connector),
    .action_size = (uint32_t)sizeof(struct ordo_connector_action),
    .name = "util",
    .version = "0.1.0",
    .actions = util_actions,
    .nactions = 1,
};

/* ---- github: a newer plugin with a larger action struct -------------------- */

/* What a later SDK's action might look like: the same fields first, then
 * more. The host must step over the array with 'action_size'. */
struct newer_action {
    struct ordo_connector_action action;
    const char *future_text;
    uint64_t future_number;
};

static const char *const issue_errors[] = {"repo_not_found", NULL};

static const struct newer_action github_actions[] = {
    {
        .action =
            {
                .id = "github.create_issue",
                .title = "Create an issue",
                .description = "Opens an issue in a repository.",
                .input_schema =
                    "{\"type\": \"object\", \"properties\": {"
                    "\"repo\": {\"type\": \"string\", \"title\": \"Repository\","
                    " \"description\": \"owner/name\"},"
                    "\"title\": {\"type\": \"string\", \"title\": \"Title\"},"
                    "\"labels\": {\"type\": \"array\", \"title\": \"Labels\"},"
                    "\"fields\": {\"type\": \"object\", \"default\": {\"team\": \"core\"}},"
                    "\"priority\": {\"type\": \"integer\", \"enum\": [1, 2, 3], \"default\": 2,"
                    " \"title\": \"Priority\"},"
                    "\"estimate\": {\"type\": \"number\", \"default\": 1.5},"
                    "\"due\": {\"type\": \"string\", \"format\": \"date\"}},"
                    " \"required\": [\"repo\", \"title\", \"priority\"],"
                    " \"additionalProperties\": false}",
                .output_schema = "{\"properties\": {\"number\": {\"type\": \"integer\"},"
                                 " \"html_url\": {\"type\": \"string\"}}}",
                .bpmn_errors = issue_errors,
                .timeout_ms = 60000,
                .invoke = invoke_nothing,
            },
        .future_text = "not an action",
        .future_number = UINT64_MAX,
    },
    {
        .action =
            {
                .id = "github.close_issue",
                .title = "Close an issue",
                .description = "Closes an issue.",
                .input_schema = "{\"properties\": {\"repo\": {\"type\": \"string\"},"
                                " \"number\": {\"type\": \"integer\"}},"
                                " \"required\": [\"repo\", \"number\"]}",
                .output_schema = "{\"properties\": {\"state-after\": {\"type\": \"string\"}}}",
                .timeout_ms = 10000,
                .invoke = invoke_nothing,
            },
        .future_text = "neither",
        .future_number = 0,
    },
};

static const struct ordo_connector github = {
    .magic = ORDO_CONNECTOR_MAGIC,
    .abi = ORDO_CONNECTOR_ABI,
    .size = (uint32_t)sizeof(struct ordo_connector),
    .action_size = (uint32_t)sizeof(struct newer_action),
    .name = "github",
    .version = "2.0.0",
    .title = "GitHub",
    .description = "Issues and pull requests.",
    .config_schema = "{\"properties\": {\"api_url\": {\"type\": \"string\","
                     " \"default\": \"https://api.github.com\"}}}",
    .credential_schema = "{\"properties\": {\"token\": {\"type\": \"string\","
                         " \"title\": \"Personal access token\"}}, \"required\": [\"token\"]}",
    .actions = &github_actions[0].action,
    .nactions = sizeof(github_actions) / sizeof(github_actions[0]),
};

static const struct ordo_connector *const fixture[ORDO_CATALOGUE_FIXTURE_COUNT] = {&slack, &util,
                                                                                   &github};

const struct ordo_connector *const *ordo_catalogue_fixture(size_t *n)
{
    *n = ORDO_CATALOGUE_FIXTURE_COUNT;
    return fixture;
}

size_t ordo_catalogue_fixture_newer_stride(void)
{
    return sizeof(struct newer_action);
}
