/*
 * webhooks/rekey.c - re-seal the webhook secrets with the current master
 * key (webhooks/rekey.h). The associated data of each box is the row's own
 * name ("webhook_endpoint:<name>", "webhook_subscription:<key>"), as the
 * code that sealed it wrote it, so a box still opens only in its own row.
 */
#include "webhooks/rekey.h"

#include <string.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/json.h"
#include "base/pg.h"
#include "core/audit.h"

/* One table of sealed secrets: its rows' names, box and key id columns. */
struct sealed_table {
    const char *what;   /* in messages: "the secret of webhook endpoint" */
    const char *select; /* name, box, key id of the rows sealed with another key ($1) */
    const char *update; /* $1 name, $2 box, $3 key id */
    const char *ad;     /* associated data: this, then the row's name */
};

static const struct sealed_table tables[] = {
    {"the secret of webhook endpoint",
     "SELECT name, secret, secret_key_id FROM webhook_endpoint "
     "WHERE secret IS NOT NULL AND secret_key_id IS DISTINCT FROM $1 ORDER BY name FOR UPDATE",
     "UPDATE webhook_endpoint SET secret = $2::bytea, secret_key_id = $3 WHERE name = $1",
     "webhook_endpoint:"},
    {"the secret of webhook subscription",
     "SELECT key::text, secret, secret_key_id FROM webhook_subscription "
     "WHERE secret_key_id IS DISTINCT FROM $1 ORDER BY key FOR UPDATE",
     "UPDATE webhook_subscription SET secret = $2::bytea, secret_key_id = $3 WHERE key = "
     "$1::bigint",
     "webhook_subscription:"},
};

static enum ordo_code rekey_row(PGconn *db, struct ordo_arena *a, const struct ordo_vault *vault,
                                const struct sealed_table *t, const PGresult *res, int row,
                                struct ordo_err *err)
{
    const char *name = PQgetvalue(res, row, 0);
    const char *ad = ordo_arena_printf(a, "%s%s", t->ad, name);
    char key_id[ORDO_VAULT_KEY_ID_SIZE];
    const char *params[3] = {name, NULL, key_id};
    uint8_t *box = NULL;
    size_t len = 0;
    enum ordo_code rc;

    if (!ordo_pg_bytea_decode(a, PQgetvalue(res, row, 1), &box, &len)) {
        return ordo_err_set(err, ORDO_E_INTERNAL, "%s \"%s\" is damaged", t->what, name);
    }
    rc = ordo_vault_reseal(vault, PQgetisnull(res, row, 2) ? NULL : PQgetvalue(res, row, 2), box,
                           len, ad, strlen(ad), ordo_arena_printf(a, "%s \"%s\"", t->what, name),
                           key_id, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    params[1] = ordo_pg_bytea_param(a, box, len);
    return ordo_pg_run(db, "could not store a re-sealed webhook secret", t->update, 3, params, err);
}

static enum ordo_code rekey_in_tx(PGconn *db, struct ordo_arena *a, const struct ordo_vault *vault,
                                  const char *actor, int64_t *count, struct ordo_err *err)
{
    const char *params[1] = {ordo_vault_current_id(vault)};
    json_t *from = ordo_json_defer(a, json_array());
    enum ordo_code rc = ORDO_OK;

    *count = 0;
    for (size_t t = 0; t < sizeof tables / sizeof tables[0] && rc == ORDO_OK; t++) {
        PGresult *res = NULL;

        rc = ordo_pg_exec(db, a, "could not read the webhook secrets to rotate", tables[t].select,
                          1, params, &res, err);
        for (int i = 0; rc == ORDO_OK && i < PQntuples(res); i++) {
            ordo_json_set_add(from, PQgetisnull(res, i, 2) ? "(none)" : PQgetvalue(res, i, 2));
            rc = rekey_row(db, a, vault, &tables[t], res, i, err);
            *count += rc == ORDO_OK;
        }
    }
    if (rc != ORDO_OK || *count == 0) {
        return rc;
    }
    return ordo_audit_admin(db, actor, "webhook.secrets.rotate",
                            json_pack("{s:I, s:s, s:O}", "count", (json_int_t)*count, "key_id",
                                      params[0], "from", from),
                            err);
}

enum ordo_code ordo_wh_rekey(PGconn *db, const struct ordo_vault *vault, const char *actor,
                             int64_t *count, struct ordo_err *err)
{
    struct ordo_arena *a = ordo_arena_new();
    int64_t n = 0;
    enum ordo_code rc = ordo_pg_begin(db, err);

    if (rc == ORDO_OK) {
        rc = ordo_pg_end(db, rekey_in_tx(db, a, vault, actor, &n, err), err);
    }
    *count = rc == ORDO_OK ? n : 0;
    ordo_arena_free(a);
    return rc;
}
