/*
 * server/c8_message.c - POST /v2/messages/publication (buffered for
 * timeToLive ms, messageId deduplicates) and POST /v2/messages/correlation
 * (delivered now or 404, never buffered); a messageId seen within its
 * timeToLive is 409, as Zeebe answers, on the engine's messages
 * (core/store.h). Ordo does not key messages: messageKey is "0", and a
 * correlation names no processInstanceKey (docs/camunda8-rest.md).
 */
#include <string.h>

#include "base/json.h"
#include "core/store.h"
#include "server/api.h"
#include "server/c8.h"

#define MAX_TTL_MS ((json_int_t)30 * 24 * 3600 * 1000) /* as POST /api/messages */

static enum ordo_code message_request(struct ordo_http_req *req, const char *const *fields,
                                      struct ordo_message *m, struct ordo_err *err)
{
    json_int_t ttl = 0;
    json_t *body = NULL;
    enum ordo_code rc = ordo_c8_body(req, fields, &body, err);

    memset(m, 0, sizeof *m);
    if (rc == ORDO_OK) {
        rc = ordo_c8_invalid(ordo_json_get_string(body, "name", &m->name, err), err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_c8_invalid(ordo_json_opt_string(body, "correlationKey", &m->correlation_key, err),
                             err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_c8_invalid(ordo_json_opt_string(body, "messageId", &m->message_id, err), err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_c8_opt_int(body, "timeToLive", 0, MAX_TTL_MS, &ttl, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_c8_variables(body, &m->variables, err);
    }
    if (rc == ORDO_OK && !*m->name) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "name must not be empty");
    }
    m->ttl_ms = ttl;
    m->actor = ordo_api_actor(req);
    return rc;
}

static json_t *answer(void)
{
    return json_pack("{s:s, s:s}", "tenantId", ORDO_C8_TENANT, "messageKey", "0");
}

enum ordo_code ordo_c8_message_publish(struct ordo_http_req *req, struct ordo_err *err)
{
    static const char *const fields[] = {"name",      "correlationKey", "timeToLive", "messageId",
                                         "variables", "tenantId",       NULL};
    struct ordo_message m;
    struct ordo_store *st;
    int delivered = 0;
    bool duplicate = false;
    enum ordo_code rc = message_request(req, fields, &m, err);

    if (rc == ORDO_OK) {
        rc = ordo_api_store(req, &st, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_store_publish(st, &m, &delivered, &duplicate, err);
    }
    if (rc == ORDO_OK && duplicate) { /* Zeebe: ALREADY_EXISTS */
        rc = ordo_err_set(err, ORDO_E_CONFLICT,
                          "a message with messageId \"%.64s\" was published within its timeToLive",
                          m.message_id);
    }
    return ordo_api_reply(req, rc, rc == ORDO_OK ? answer() : NULL);
}

enum ordo_code ordo_c8_message_correlate(struct ordo_http_req *req, struct ordo_err *err)
{
    static const char *const fields[] = {"name", "correlationKey", "variables", "tenantId", NULL};
    struct ordo_message m;
    struct ordo_store *st;
    int delivered = 0;
    enum ordo_code rc = message_request(req, fields, &m, err);

    if (rc == ORDO_OK) {
        rc = ordo_api_store(req, &st, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_store_correlate(st, &m, &delivered, err);
    }
    return ordo_api_reply(req, rc, rc == ORDO_OK ? answer() : NULL);
}
