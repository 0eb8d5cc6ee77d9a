/*
 * webhooks/approval.h - Slack approvals: the work of one Slack
 * interactivity delivery, stored and verified by the inbound side
 * (CONTRACTS §14, docs/slack-approvals.md).
 *
 * A user task with ordo:notify="slack:<target>" got a message with
 * Approve and Reject buttons (block_id "ordo_approval", action_id
 * "approve" / "reject"), each carrying the task's single-use token
 * (core/store_notify.c). A click comes back as a form post
 * (payload=<urlencoded JSON>, type block_actions). Then:
 *   1. the token's SHA-256 finds the task; no task, or one no longer
 *      open: an ephemeral "This request was already decided." and no
 *      change;
 *   2. the Slack user is the Ordo user with that linked Slack id; when
 *      none is linked, slack.get_user gives the Slack profile's email
 *      (through the 'call' callback) and the user with that email (any
 *      case) is linked to it;
 *   3. CONTRACTS §7: the approver (or admin) role AND (the assignee, a
 *      candidate user, in a candidate group, or a task naming none).
 *      Not so, or no Ordo user: an ephemeral "You are not an approver of
 *      this task; it is still waiting.", the task keeps waiting and the
 *      token stays valid;
 *   4. the task is completed with {"approved": true} for an explicit
 *      approve, {"approved": false} for anything else, by
 *      "user:<login>", and a slack.update_message that replaces the
 *      buttons by who decided is queued in the same transaction. A form
 *      (ordo:form) that needs more than "approved": an ephemeral that
 *      points to the web inbox, and the task waits. A task completed
 *      meanwhile: "already decided".
 * Messages to Slack are 'notify' jobs (core/store.h), run by the
 * executor after this returns: nothing here waits on Slack except the
 * user lookup of step 2.
 *
 * Threads: one call per delivery; 'ctx' is shared and read-only.
 */
#ifndef ORDO_WEBHOOKS_APPROVAL_H
#define ORDO_WEBHOOKS_APPROVAL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "core/store.h"

/* A synchronous connector call (the server runs it with the plugin host):
 * action 'action' with 'input' and the named credential (NULL:
 * "default"); on ORDO_OK '*output' is a new reference to the action's
 * output object. */
typedef enum ordo_code ordo_approval_call_fn(void *cctx, const char *action, const json_t *input,
                                             const char *credential, json_t **output,
                                             struct ordo_err *err);

struct ordo_approval_ctx {
    ordo_approval_call_fn *call; /* NULL: Slack users not linked yet are refused */
    void *call_ctx;
    /* Where the web inbox is, for "this task needs the web inbox"
     * ("https://ordo.example.com/ui/#/tasks/"; the task key is appended).
     * NULL: the message names the task key only. */
    const char *inbox_url;
};

/* One click, as read from the form body. Strings live in the arena. */
struct ordo_approval_click {
    const char *type;      /* "block_actions" */
    const char *block_id;  /* "ordo_approval" */
    const char *action_id; /* "approve", "reject" */
    const char *token;     /* the button's value */
    const char *user_id;   /* the Slack user who clicked */
    const char *user_name; /* their Slack handle, may be NULL */
    const char *channel;   /* the channel of the message */
    const char *message_ts;
    const json_t *message; /* the message as Slack sent it (its blocks), may be NULL */
};

/* Parse "payload=<urlencoded JSON>" (other fields ignored). Not a form
 * with a JSON object payload: ORDO_E_INVAL. A payload that is not a
 * click on an Ordo approval button (another type, block or action, or no
 * token, user or channel) is ORDO_E_UNPROCESSABLE. */
enum ordo_code ordo_approval_parse(const uint8_t *body, size_t len, struct ordo_arena *arena,
                                   struct ordo_approval_click *out, struct ordo_err *err);

/* The work of one delivery ('ctx' a struct ordo_approval_ctx). ORDO_OK
 * whenever the click was dealt with, refusals included: '*result' (a new
 * reference, may be NULL on error) says what happened,
 * {"outcome": "approved" | "rejected" | "refused" | "already_decided" |
 * "unknown_token" | "needs_inbox" | "ignored", "task": "<key>",
 * "user": "<login>", "reason": "..."}, and '*instance_key' the task's
 * instance (0 when none). A body that cannot be read: ORDO_E_INVAL. The
 * database failing: its code (ORDO_E_AGAIN: try the delivery again). */
enum ordo_code ordo_approval_handle(void *ctx, struct ordo_store *st, const uint8_t *body,
                                    size_t len, json_t **result, int64_t *instance_key,
                                    struct ordo_err *err);

#endif
