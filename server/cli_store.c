/*
 * server/cli_store.c - the server-side commands that need only the
 * database: `ordo migrate` and `ordo worker`.
 */
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/crashpoint.h"
#include "base/crypto.h"
#include "base/duration.h"
#include "base/httpc.h"
#include "base/log.h"
#include "base/pgembed.h"
#include "base/vault.h"
#include "core/audit.h"
#include "core/executor.h"
#include "core/store.h"
#include "server/approval_call.h"
#include "server/cli_internal.h"
#include "server/draft_worker.h"
#include "webhooks/inbox.h"
#include "webhooks/outbound.h"

int ordo_cli_db_connect(struct ordo_cli *cli, const struct ordo_config *cfg, struct ordo_cli_db *db)
{
    struct ordo_err err = {0};

    memset(db, 0, sizeof *db);
    if (cfg->database_url[0]) {
        db->conninfo = cfg->database_url;
    } else if (ordo_pgembed_start(cfg->data_dir, &db->embedded, &err) != ORDO_OK) {
        return ordo_cli_fail(cli, ORDO_CLI_FAILED, "%s", err.msg);
    } else {
        db->conninfo = ordo_pgembed_conninfo(db->embedded);
    }
    db->owner_conninfo = cfg->migrate_database_url[0] ? cfg->migrate_database_url : db->conninfo;
    return ORDO_CLI_OK;
}

void ordo_cli_db_close(struct ordo_cli_db *db)
{
    ordo_pgembed_stop(db->embedded);
    db->embedded = NULL;
}

static int migrate(struct ordo_cli *cli, const struct ordo_cli_db *db, bool quiet)
{
    struct ordo_err err = {0};
    int applied = 0;

    if (ordo_store_migrate(db->owner_conninfo, db->conninfo, &applied, &err) != ORDO_OK) {
        return ordo_cli_fail(cli, err.code == ORDO_E_CONFLICT ? ORDO_CLI_USAGE : ORDO_CLI_FAILED,
                             "%s", err.msg);
    }
    if (!quiet) {
        (void)fprintf(cli->out, "schema at version %d (%d migration%s applied)\n",
                      ordo_store_schema_version(), applied, applied == 1 ? "" : "s");
    }
    return ORDO_CLI_OK;
}

int ordo_cli_server_setup(struct ordo_cli *cli, int argc, char **argv,
                          const struct ordo_cli_opt *opts, size_t nopts, ordo_cli_opt_fn *on_opt,
                          void *ctx, struct ordo_config *cfg)
{
    struct ordo_cli_args args;
    struct ordo_err err = {0};

    if (ordo_cli_parse(cli, argc, argv, opts, nopts, on_opt, ctx, &args) != ORDO_CLI_OK ||
        !ordo_cli_config(cli, &args, cfg)) {
        return ORDO_CLI_USAGE;
    }
    if (args.npos != 0) {
        return ordo_cli_fail(cli, ORDO_CLI_USAGE, "unexpected argument \"%s\"; see `ordo help %s`",
                             args.pos[0], cli->command);
    }
    if (ordo_crypto_init(&err) != ORDO_OK ||
        ordo_crashpoint_set(cfg->crashpoint, &err) != ORDO_OK) {
        return ordo_cli_fail(cli, ORDO_CLI_USAGE, "%s", err.msg);
    }
    return ORDO_CLI_OK;
}

int ordo_cli_db_open(struct ordo_cli *cli, const struct ordo_config *cfg, bool quiet,
                     struct ordo_cli_db *db)
{
    int rc = ordo_cli_db_connect(cli, cfg, db);

    if (rc == ORDO_CLI_OK) {
        rc = migrate(cli, db, quiet);
    }
    if (rc != ORDO_CLI_OK) {
        ordo_cli_db_close(db);
    }
    return rc;
}

/* The common start of `ordo migrate` and `ordo worker`: options,
 * configuration, then the database, migrated. */
static int open_migrated(struct ordo_cli *cli, int argc, char **argv, struct ordo_config *cfg,
                         struct ordo_cli_db *db, bool quiet)
{
    int rc = ordo_cli_server_setup(cli, argc, argv, NULL, 0, NULL, NULL, cfg);

    memset(db, 0, sizeof *db);
    return rc == ORDO_CLI_OK ? ordo_cli_db_open(cli, cfg, quiet, db) : rc;
}

int ordo_cli_migrate(struct ordo_cli *cli, int argc, char **argv)
{
    struct ordo_config cfg;
    struct ordo_cli_db db;
    int rc = open_migrated(cli, argc, argv, &cfg, &db, false);

    if (rc == ORDO_CLI_OK) {
        ordo_cli_db_close(&db);
    }
    return rc;
}

/* ---- worker ---------------------------------------------------------------------------- */

static atomic_int stop_signal;

static void on_signal(int sig)
{
    atomic_store(&stop_signal, sig);
}

void ordo_cli_catch_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    (void)sigaction(SIGTERM, &sa, NULL);
    (void)sigaction(SIGINT, &sa, NULL);
}

void ordo_cli_wait_for_signal(void)
{
    /* A short sleep, not pause(): a signal between the test and pause()
     * would otherwise wait for another one. */
    while (!atomic_load(&stop_signal)) {
        struct timespec ts = {0, 50L * 1000000};

        (void)nanosleep(&ts, NULL);
    }
}

/* This node's name in job locks and the audit: host name and process id,
 * so that two workers on one machine are told apart. */
static const char *node_name(struct ordo_cli *cli)
{
    char host[64] = "node";

    (void)gethostname(host, sizeof host - 1);
    host[sizeof host - 1] = '\0';
    return ordo_arena_printf(cli->arena, "%s:%ld", host, (long)getpid());
}

int ordo_cli_vault_open(struct ordo_cli *cli, const struct ordo_config *cfg,
                        const struct ordo_cli_db *db, struct ordo_vault **out)
{
    struct ordo_err err = {0};

    if (ordo_vault_open(cfg->master_key, cfg->data_dir, db->embedded != NULL, out, &err) !=
            ORDO_OK ||
        (cfg->master_key_old[0] &&
         ordo_vault_add_old(*out, cfg->master_key_old, &err) != ORDO_OK)) {
        return ordo_cli_fail(cli, ORDO_CLI_USAGE, "%s", err.msg);
    }
    return ORDO_CLI_OK;
}

/* The outbound HTTP policy of connectors: http_allow, http_scheme. */
static int http_policy(struct ordo_cli *cli, const struct ordo_config *cfg,
                       struct ordo_httpc_policy *policy)
{
    struct ordo_err err = {0};

    memset(policy, 0, sizeof *policy);
    policy->https_only = strcmp(cfg->http_scheme, "any") != 0;
    if (ordo_httpc_parse_allow(cfg->http_allow, cli->arena, &policy->allow, &policy->nallow,
                               &err) != ORDO_OK) {
        return ordo_cli_fail(cli, ORDO_CLI_USAGE, "%s", err.msg);
    }
    return ORDO_CLI_OK;
}

/* Vault and plugins: what the executor runs jobs with. */
static int open_connectors(struct ordo_cli *cli, const struct ordo_config *cfg,
                           const struct ordo_cli_db *db, struct ordo_cli_engine *eng)
{
    struct ordo_plugin_host_options hopts = {.conninfo = db->conninfo, .http = &eng->http};
    int rc = ordo_cli_vault_open(cli, cfg, db, &eng->vault);

    if (rc == ORDO_CLI_OK) {
        rc = http_policy(cli, cfg, &eng->http);
    }
    if (rc == ORDO_CLI_OK) {
        hopts.vault = eng->vault;
        rc = ordo_cli_plugins_open(cli, cfg, &hopts, &eng->plugins);
    }
    if (rc == ORDO_CLI_OK) {
        size_t nactions = 0;

        (void)ordo_registry_action_ids(eng->plugins.reg, &nactions);
        ordo_log(ORDO_LOG_INFO, "plugins", "connectors loaded", ORDO_STR("dir", eng->plugins.dir),
                 ORDO_INT("connectors", (int64_t)ordo_registry_count(eng->plugins.reg)),
                 ORDO_INT("actions", (int64_t)nactions),
                 ORDO_INT("refused", (int64_t)ordo_registry_refused_count(eng->plugins.reg)));
    }
    return rc;
}

/* The outbound webhook senders, beside the executor (webhooks/outbound.h). */
static int start_webhooks(struct ordo_cli *cli, const struct ordo_config *cfg,
                          const struct ordo_cli_db *db, struct ordo_cli_engine *eng)
{
    struct ordo_wh_sender_options o = {
        .conninfo = db->conninfo, .node = eng->node, .vault = eng->vault, .http = &eng->http};
    struct ordo_err err = {0};

    if (ordo_wh_sender_config(cfg, &o, &err) != ORDO_OK) {
        return ordo_cli_fail(cli, ORDO_CLI_USAGE, "%s", err.msg);
    }
    if (ordo_wh_sender_start(&o, &eng->webhooks, &err) != ORDO_OK) {
        return ordo_cli_fail(cli, ORDO_CLI_FAILED, "%s", err.msg);
    }
    return ORDO_CLI_OK;
}

/* The workers of stored inbound webhook deliveries (webhooks/inbox.h), with
 * Slack approvals, whose Slack lookups go through the plugin host. */
static int start_inbox(struct ordo_cli *cli, const struct ordo_config *cfg,
                       const struct ordo_cli_db *db, struct ordo_cli_engine *eng)
{
    struct ordo_inbox_options o = {.conninfo = db->conninfo,
                                   .owner = eng->node,
                                   .threads = (int)cfg->webhook_workers,
                                   .cache = eng->cache,
                                   .timezone = cfg->timezone,
                                   .approval = ordo_approval_handle,
                                   .approval_ctx = &eng->approval};
    struct ordo_err err = {0};

    if (ordo_duration_parse(cfg->webhook_retention, &o.retention_ms, &err) != ORDO_OK) {
        return ordo_cli_fail(cli, ORDO_CLI_USAGE, "config key \"webhook_retention\": %s", err.msg);
    }
    ordo_server_approval_ctx(&eng->approval, eng->plugins.host, NULL);
    if (ordo_inbox_start(&o, &eng->inbox, &err) != ORDO_OK) {
        return ordo_cli_fail(cli, ORDO_CLI_FAILED, "could not start the webhook workers: %s",
                             err.msg);
    }
    return ORDO_CLI_OK;
}

/* The draft workers (server/draft_worker.h), with this node's catalogue. */
static int start_drafts(struct ordo_cli *cli, const struct ordo_config *cfg,
                        const struct ordo_cli_db *db, struct ordo_cli_engine *eng)
{
    struct ordo_draft_workers_options o;
    struct ordo_err err = {0};

    if (ordo_draft_workers_config(cfg, &o, &err) != ORDO_OK) {
        return ordo_cli_fail(cli, ORDO_CLI_USAGE, "%s", err.msg);
    }
    o.conninfo = db->conninfo;
    o.node = eng->node;
    o.registry = eng->plugins.reg;
    if (ordo_draft_workers_start(&o, &eng->drafts, &err) != ORDO_OK) {
        return ordo_cli_fail(cli, ORDO_CLI_FAILED, "could not start the draft workers: %s",
                             err.msg);
    }
    return ORDO_CLI_OK;
}

int ordo_cli_engine_start(struct ordo_cli *cli, const struct ordo_config *cfg,
                          const struct ordo_cli_db *db, struct ordo_cli_engine *eng)
{
    struct ordo_executor_options opts = {0};
    struct ordo_err err = {0};
    int rc;

    memset(eng, 0, sizeof *eng);
    eng->node = node_name(cli);
    rc = open_connectors(cli, cfg, db, eng);
    if (rc != ORDO_CLI_OK) {
        ordo_cli_engine_stop(eng);
        return rc;
    }
    opts.handlers = ordo_plugin_host_handlers(eng->plugins.host);
    /* The audit's sealer runs beside the executor (docs/audit.md). */
    rc = ordo_cli_audit_sealer(cli, cfg, db->conninfo, &eng->sealer);
    if (rc != ORDO_CLI_OK) {
        ordo_cli_engine_stop(eng);
        return rc;
    }
    opts.conninfo = db->conninfo;
    opts.owner = eng->node;
    opts.threads = (int)cfg->executor_threads;
    opts.lease_ms = strtoll(cfg->lease_ms, NULL, 10); /* test hook; empty: the default */
    opts.cache = eng->cache = ordo_defcache_new(NULL);
    if (ordo_executor_start(&opts, &eng->executor, &err) != ORDO_OK) {
        ordo_cli_engine_stop(eng);
        return ordo_cli_fail(cli, ORDO_CLI_FAILED, "%s", err.msg);
    }
    rc = start_webhooks(cli, cfg, db, eng);
    if (rc == ORDO_CLI_OK) {
        rc = start_inbox(cli, cfg, db, eng);
    }
    if (rc == ORDO_CLI_OK) {
        rc = start_drafts(cli, cfg, db, eng);
    }
    if (rc != ORDO_CLI_OK) {
        ordo_cli_engine_stop(eng);
        return rc;
    }
    ordo_log(ORDO_LOG_INFO, "worker", "worker started", ORDO_STR("node", eng->node));
    return ORDO_CLI_OK;
}

void ordo_cli_engine_stop(struct ordo_cli_engine *eng)
{
    if (eng->executor) {
        ordo_log(ORDO_LOG_INFO, "worker", "worker stopping", ORDO_STR("node", eng->node));
    }
    ordo_draft_workers_stop(eng->drafts); /* before the plugins their catalogue came from */
    ordo_inbox_stop(eng->inbox);          /* each worker finishes the delivery it is on */
    ordo_wh_sender_stop(eng->webhooks);   /* before the vault it opens secrets with */
    ordo_executor_stop(eng->executor);
    ordo_audit_sealer_stop(eng->sealer);   /* after the executor: seals its last rows */
    ordo_cli_plugins_close(&eng->plugins); /* after the executor: its threads used them */
    ordo_vault_free(eng->vault);
    ordo_defcache_free(eng->cache);
    memset(eng, 0, sizeof *eng);
}

int ordo_cli_worker(struct ordo_cli *cli, int argc, char **argv)
{
    struct ordo_cli_engine eng;
    struct ordo_config cfg;
    struct ordo_cli_db db;
    int rc;

    ordo_cli_catch_signals();
    rc = open_migrated(cli, argc, argv, &cfg, &db, true);
    if (rc != ORDO_CLI_OK) {
        return rc;
    }
    rc = ordo_cli_engine_start(cli, &cfg, &db, &eng);
    if (rc == ORDO_CLI_OK) {
        ordo_cli_wait_for_signal();
        ordo_cli_engine_stop(&eng);
    }
    ordo_cli_db_close(&db);
    return rc;
}
