/*
 * server/cli_secrets.c - `ordo secrets rotate`: after a new master_key,
 * seal every stored secret again with it (CONTRACTS §13, docs/operations.md):
 * connector credentials (core/credential.h) and the webhook endpoints' and
 * subscriptions' secrets (webhooks/rekey.h). The previous keys must be in
 * master_key_old until it has run; afterwards they may go.
 *
 * Each of the two runs in its own transaction and takes only what is still
 * sealed with another key, so a rotation that stopped half-way is finished
 * by running it again.
 */
#include <jansson.h>

#include "base/pg.h"
#include "base/vault.h"
#include "core/credential.h"
#include "server/cli_internal.h"
#include "webhooks/rekey.h"

#define ACTOR "cli:secrets rotate"

struct rotate_cmd {
    bool json;
};

enum { ROTATE_JSON };

static const struct ordo_cli_opt rotate_opts[] = {
    [ROTATE_JSON] = {"--json", NULL, false},
};

static int rotate_opt_cb(void *ctx, size_t which, const char *value)
{
    struct rotate_cmd *c = ctx;

    (void)value;
    (void)which; /* --json is the only option */
    c->json = true;
    return ORDO_CLI_OK;
}

static void print_result(struct ordo_cli *cli, bool json, const struct ordo_vault *vault,
                         int64_t credentials, int64_t webhooks)
{
    json_t *doc;

    if (!json) {
        (void)fprintf(cli->out,
                      "sealed with master key %s: %lld credentials, %lld webhook secrets\n",
                      ordo_vault_current_id(vault), (long long)credentials, (long long)webhooks);
        return;
    }
    doc = json_pack("{s:s, s:I, s:I}", "keyId", ordo_vault_current_id(vault), "credentials",
                    (json_int_t)credentials, "webhookSecrets", (json_int_t)webhooks);
    if (!doc) {
        ordo_oom(0);
    }
    (void)json_dumpf(doc, cli->out, JSON_INDENT(2));
    (void)fputc('\n', cli->out);
    json_decref(doc);
}

int ordo_cli_secrets_rotate(struct ordo_cli *cli, int argc, char **argv)
{
    struct rotate_cmd c = {0};
    struct ordo_config cfg;
    struct ordo_cli_db dbs = {0};
    struct ordo_vault *vault = NULL;
    struct ordo_err err = {0};
    PGconn *db = NULL;
    int64_t credentials = 0, webhooks = 0;
    int rc =
        ordo_cli_server_setup(cli, argc, argv, rotate_opts,
                              sizeof rotate_opts / sizeof rotate_opts[0], rotate_opt_cb, &c, &cfg);

    rc = rc == ORDO_CLI_OK ? ordo_cli_db_open(cli, &cfg, true, &dbs) : rc;
    rc = rc == ORDO_CLI_OK ? ordo_cli_vault_open(cli, &cfg, &dbs, &vault) : rc;
    if (rc == ORDO_CLI_OK && ordo_pg_connect(dbs.conninfo, &db, &err) != ORDO_OK) {
        rc = ordo_cli_fail(cli, ORDO_CLI_FAILED, "%s", err.msg);
    }
    if (rc == ORDO_CLI_OK &&
        (ordo_credential_rotate(db, vault, ACTOR, &credentials, &err) != ORDO_OK ||
         ordo_wh_rekey(db, vault, ACTOR, &webhooks, &err) != ORDO_OK)) {
        rc = ordo_cli_fail(cli, ORDO_CLI_FAILED,
                           "%s (nothing of that step changed; put every earlier master key in "
                           "master_key_old and run it again)",
                           err.msg);
    }
    if (rc == ORDO_CLI_OK) {
        print_result(cli, c.json, vault, credentials, webhooks);
    }
    PQfinish(db);
    ordo_vault_free(vault);
    ordo_cli_db_close(&dbs);
    return rc;
}
