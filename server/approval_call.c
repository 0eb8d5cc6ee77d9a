/*
 * server/approval_call.c - the connector call of Slack approvals, run by
 * the plugin host's job handler outside any job row (approval_call.h).
 */
#include "server/approval_call.h"

#include <string.h>

#include "core/executor.h"

enum ordo_code ordo_server_approval_call(void *cctx, const char *action, const json_t *input,
                                         const char *credential, json_t **output,
                                         struct ordo_err *err)
{
    const struct ordo_job_handlers *h = ordo_plugin_host_handlers(cctx);
    /* Not a row: key 0 is the idempotency key of a read that needs none. */
    struct ordo_job job = {.kind = ORDO_JOB_NOTIFY,
                           .type = action,
                           .element_id = "",
                           .credential = credential ? credential : "",
                           .variables = input,
                           .attempt = 1,
                           .retries = 1};
    struct ordo_job_result r = {.retry_in_ms = -1};

    *output = NULL;
    h->run(h->ctx, &job, &r);
    r.message[sizeof r.message - 1] = '\0';
    switch (r.outcome) {
    case ORDO_JOB_DONE:
        *output = r.variables ? r.variables : json_object();
        return ORDO_OK;
    case ORDO_JOB_RETRY:
    case ORDO_JOB_WAIT:
        json_decref(r.variables);
        return ordo_err_set(err, ORDO_E_AGAIN, "%s: %s", action, r.message);
    default:
        json_decref(r.variables);
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "%s: %s", action,
                            r.message[0] ? r.message : "the call failed");
    }
}

void ordo_server_approval_ctx(struct ordo_approval_ctx *ctx, struct ordo_plugin_host *host,
                              const char *inbox_url)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->call = host ? ordo_server_approval_call : NULL;
    ctx->call_ctx = host;
    ctx->inbox_url = inbox_url;
}
