/*
 * server/approval_call.h - what Slack approvals (webhooks/approval.h) need
 * from the server: a synchronous connector call through the plugin host,
 * for slack.get_user when a Slack user is not linked to an Ordo user yet.
 */
#ifndef ORDO_SERVER_APPROVAL_CALL_H
#define ORDO_SERVER_APPROVAL_CALL_H

#include <jansson.h>

#include "base/err.h"
#include "plugins/host.h"
#include "webhooks/approval.h"

/* ordo_approval_call_fn with 'cctx' a struct ordo_plugin_host *: the action
 * runs as a job would (input checked against its schema, the credential
 * resolved, its rate limit, redaction), on the calling thread. Done:
 * ORDO_OK and the output object. Retry or a rate-limit wait:
 * ORDO_E_AGAIN. Failed, a BPMN error or not installed:
 * ORDO_E_UNPROCESSABLE with the reason. */
enum ordo_code ordo_server_approval_call(void *cctx, const char *action, const json_t *input,
                                         const char *credential, json_t **output,
                                         struct ordo_err *err);

/* Fill 'ctx' for the inbox worker: calls through 'host'; 'inbox_url' as
 * in struct ordo_approval_ctx (may be NULL). */
void ordo_server_approval_ctx(struct ordo_approval_ctx *ctx, struct ordo_plugin_host *host,
                              const char *inbox_url);

#endif
