/*
 * server/api_audit.c - GET /api/audit (search by instance, actor, time)
 * and GET /api/audit/verify (the chain, as `ordo audit verify`).
 */
#include <string.h>

#include "base/crypto.h"
#include "core/audit.h"
#include "core/query.h"
#include "core/store.h"
#include "server/api.h"

enum ordo_code ordo_api_audit_list(struct ordo_http_req *req, struct ordo_err *err)
{
    struct ordo_audit_query q = {
        .instance_key = ordo_http_query(req, "instanceKey"),
        .actor = ordo_http_query(req, "actor"),
        .from = ordo_http_query(req, "from"),
        .to = ordo_http_query(req, "to"),
        .limit = ordo_http_query(req, "limit"),
        .after = ordo_http_query(req, "after"),
    };
    struct ordo_store *st;
    json_t *out = NULL;
    enum ordo_code rc = ordo_api_store(req, &st, err);

    if (rc == ORDO_OK) {
        rc = ordo_query_list_audit(st, &q, &out, err);
    }
    return ordo_api_reply(req, rc, out);
}

enum ordo_code ordo_api_audit_verify(struct ordo_http_req *req, struct ordo_err *err)
{
    const char *pin = ordo_http_query(req, "publicKey");
    uint8_t key[ORDO_SIGN_PUBLIC_SIZE];
    struct ordo_audit_report report;
    struct ordo_store *st;
    PGconn *db = NULL;
    enum ordo_code rc;

    if (pin && !ordo_unhex(pin, strlen(pin), key, sizeof key)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "publicKey takes the 64 hex digits of an Ed25519 public key");
    }
    rc = ordo_api_store(req, &st, err);
    if (rc == ORDO_OK) {
        db = ordo_store_pg(st, err);
    }
    if (!db) {
        return ordo_err_set(err, ORDO_E_AGAIN, "the database is not reachable");
    }
    memset(&report, 0, sizeof report);
    rc = ordo_audit_verify(db, pin ? key : NULL, &report, err);
    if (rc == ORDO_OK) {
        ordo_http_reply_json(req, 200, ordo_audit_report_json(&report));
    }
    return rc;
}
