/*
 * integrations/slack/slack_err.c - Slack error codes to connector results
 * (see slack_err.h).
 */
#include "integrations/slack/slack_err.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <jansson.h>

#include "integrations/common/conn.h"

static const char *const auth_codes[] = {"invalid_auth",
                                         "not_authed",
                                         "missing_scope",
                                         "account_inactive",
                                         "token_revoked",
                                         "token_expired",
                                         "no_permission",
                                         "not_allowed_token_type",
                                         "ekm_access_denied",
                                         "team_access_not_granted",
                                         NULL};

static const char *const retry_codes[] = {"ratelimited", "rate_limited",        "internal_error",
                                          "fatal_error", "service_unavailable", "request_timeout",
                                          NULL};

static bool listed(const char *const *list, const char *code)
{
    for (size_t i = 0; list[i]; i++) {
        if (strcmp(list[i], code) == 0) {
            return true;
        }
    }
    return false;
}

enum ordo_slack_error_kind ordo_slack_error_kind(const char *code)
{
    if (!code) {
        return ORDO_SLACK_ERR_FAIL;
    }
    if (listed(auth_codes, code)) {
        return ORDO_SLACK_ERR_AUTH;
    }
    if (listed(retry_codes, code)) {
        return ORDO_SLACK_ERR_RETRY;
    }
    return ORDO_SLACK_ERR_FAIL;
}

enum ordo_connector_result ordo_slack_error_outcome(const json_t *doc, const char *what,
                                                    int64_t retry_after_ms,
                                                    struct ordo_connector_outcome *out)
{
    const char *code = json_string_value(json_object_get(doc, "error"));
    const char *needed = json_string_value(json_object_get(doc, "needed"));

    if (!code) {
        return ordo_conn_fail(out, "could not %s: Slack answered ok:false without an error code",
                              what);
    }
    switch (ordo_slack_error_kind(code)) {
    case ORDO_SLACK_ERR_AUTH:
        if (needed) {
            return ordo_conn_fail(out,
                                  "could not %s: authentication failed (Slack %s, needs %s): "
                                  "check the credential",
                                  what, code, needed);
        }
        return ordo_conn_fail(out,
                              "could not %s: authentication failed (Slack %s): check the "
                              "credential",
                              what, code);
    case ORDO_SLACK_ERR_RETRY:
        return ordo_conn_retry(out, retry_after_ms, "could not %s: Slack answered %s", what, code);
    case ORDO_SLACK_ERR_FAIL:
        break;
    }
    return ordo_conn_fail(out, "could not %s: Slack answered %s", what, code);
}
