/*
 * integrations/slack/slack_err.h - what a Slack Web API error means for a
 * connector call.
 *
 * Slack answers most failures with HTTP 200 and {"ok":false,"error":CODE}
 * (saas-apis.md §1), so the body decides, not the status. Codes sort into:
 *   auth   the token is wrong, revoked or lacks a scope (invalid_auth,
 *          not_authed, missing_scope, account_inactive, token_revoked,
 *          token_expired, no_permission, not_allowed_token_type,
 *          ekm_access_denied, team_access_not_granted): FAIL, fix the
 *          credential;
 *   retry  transient on Slack's side (ratelimited, internal_error,
 *          fatal_error, service_unavailable, request_timeout): RETRY;
 *   fail   anything else (channel_not_found, user_not_found, is_archived,
 *          invalid_arguments, ...): FAIL with the code in the message.
 * Codes an action treats as success or as a BPMN error (name_taken,
 * already_in_channel, users_not_found) are handled by the action before
 * it asks here.
 *
 * Pure functions: the unit test compiles this file directly.
 */
#ifndef ORDO_INTEGRATIONS_SLACK_SLACK_ERR_H
#define ORDO_INTEGRATIONS_SLACK_SLACK_ERR_H

#include <stdint.h>

#include <jansson.h>

#include "ordo/connector.h"

enum ordo_slack_error_kind {
    ORDO_SLACK_ERR_AUTH,
    ORDO_SLACK_ERR_RETRY,
    ORDO_SLACK_ERR_FAIL,
};

enum ordo_slack_error_kind ordo_slack_error_kind(const char *code);

/* The outcome for an {"ok":false} answer 'doc' of a call made to '<what>'
 * (a verb phrase: "post the Slack message"), e.g.
 *   FAIL  could not post the Slack message: authentication failed (Slack
 *         missing_scope, needs chat:write): check the credential
 *   FAIL  could not post the Slack message: Slack answered channel_not_found
 *   RETRY could not post the Slack message: Slack answered ratelimited
 * 'retry_after_ms' goes with a RETRY (0: the engine's backoff). */
enum ordo_connector_result ordo_slack_error_outcome(const json_t *doc, const char *what,
                                                    int64_t retry_after_ms,
                                                    struct ordo_connector_outcome *out);

#endif
