/*
 * server/cli_internal.h - what command files share with the dispatcher.
 */
#ifndef ORDO_SERVER_CLI_INTERNAL_H
#define ORDO_SERVER_CLI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "base/arena.h"
#include "base/config.h"
#include "plugins/host.h"
#include "plugins/registry.h"
#include "webhooks/approval.h"

#define ORDO_CLI_OK     0
#define ORDO_CLI_FAILED 1
#define ORDO_CLI_USAGE  2

struct ordo_cli {
    FILE *out;
    FILE *err;
    char **envp;
    struct ordo_arena *arena; /* lives for the command */
    const char *command;      /* "bpmn lint", for messages */
};

/* A command's own option: "--json", "--rule" (takes a value), "-o". */
struct ordo_cli_opt {
    const char *name;
    const char *alias; /* a second spelling, or NULL */
    bool takes_value;
};

/* What is left after a command's options: positional arguments and the
 * configuration flags (--config FILE, --bpmn-max-bytes N, ...). */
struct ordo_cli_args {
    int npos;
    char **pos;
    int nflags;
    char **flags;
};

typedef int ordo_cli_opt_fn(void *ctx, size_t which, const char *value);

/* Split argv. 'on_opt' gets each option of 'opts' by index (value NULL for
 * switches) and returns ORDO_CLI_OK or an exit code. "--" ends options; "-" is a
 * positional argument (standard input). Returns ORDO_CLI_OK, or ORDO_CLI_USAGE after
 * printing the problem. */
int ordo_cli_parse(struct ordo_cli *cli, int argc, char **argv, const struct ordo_cli_opt *opts,
                   size_t nopts, ordo_cli_opt_fn *on_opt, void *ctx, struct ordo_cli_args *out);

/* Load the configuration from defaults, file, environment and the command's
 * config flags. Prints warnings and errors; false on error. */
bool ordo_cli_config(struct ordo_cli *cli, const struct ordo_cli_args *args,
                     struct ordo_config *cfg);

/* 'path' relative to the directory of the running executable (the
 * build tree and an installed tree alike); 'path' itself when it is
 * absolute or empty, or when that directory cannot be found. In
 * cli->arena. */
const char *ordo_cli_beside_exe(struct ordo_cli *cli, const char *path);

/* Print "ordo COMMAND: message" on stderr and return 'code'. */
int ordo_cli_fail(struct ordo_cli *cli, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Exit code for a failed operation's error code: ORDO_CLI_USAGE for bad input
 * (INVAL, NOTFOUND, CONFLICT, TOOBIG, MEDIA, UNPROCESSABLE), ORDO_CLI_FAILED
 * otherwise. */
int ordo_cli_exit_for(int ordo_code);

/* The installed connectors of the configuration's plugin_dir (relative to
 * the executable unless absolute), with their host (server/cli_connector.c).
 * Refused plugins are logged and listed in the registry, not fatal; a
 * missing or untrusted folder is (ORDO_CLI_FAILED, printed). */
struct ordo_cli_plugins {
    const char *dir;
    struct ordo_plugin_host *host;
    struct ordo_registry *reg;
};
int ordo_cli_plugins_open(struct ordo_cli *cli, const struct ordo_config *cfg,
                          const struct ordo_plugin_host_options *opts,
                          struct ordo_cli_plugins *out);
void ordo_cli_plugins_close(struct ordo_cli_plugins *p); /* zeroed: a no-op */
/* `ordo serve --demo` (server/cli_demo.c): the sandbox of stand-in
 * services, started before the engine (it lets outbound HTTP reach it),
 * seeded after it (credentials need the vault), stopped at exit. */
struct ordo_cli_demo {
    pid_t pid;
    const char *ready;
    const char *url;
};
int ordo_cli_demo_start(struct ordo_cli *cli, struct ordo_config *cfg, struct ordo_cli_demo *d);
int ordo_cli_demo_seed(struct ordo_cli *cli, const struct ordo_config *cfg, const char *conninfo,
                       const struct ordo_vault *vault, const struct ordo_cli_demo *d);
void ordo_cli_demo_stop(struct ordo_cli_demo *d); /* zeroed: a no-op */
int ordo_cli_connector_list(struct ordo_cli *cli, int argc, char **argv);
int ordo_cli_connector_show(struct ordo_cli *cli, int argc, char **argv);
int ordo_cli_connector_catalogue(struct ordo_cli *cli, int argc, char **argv);
int ordo_cli_connector_templates(struct ordo_cli *cli, int argc, char **argv);

int ordo_cli_bpmn_lint(struct ordo_cli *cli, int argc, char **argv);
int ordo_cli_bpmn_fmt(struct ordo_cli *cli, int argc, char **argv);
int ordo_cli_bpmn_export(struct ordo_cli *cli, int argc, char **argv);
/* `ordo bpmn check --for ordo` (server/cli_bpmn.c). */
int ordo_cli_bpmn_check(struct ordo_cli *cli, int argc, char **argv);
int ordo_cli_run(struct ordo_cli *cli, int argc, char **argv);
int ordo_cli_generate(struct ordo_cli *cli, int argc, char **argv); /* cli_generate.c */
/* `ordo config check` and `ordo config print` (server/cli_config.c). */
int ordo_cli_config_check(struct ordo_cli *cli, int argc, char **argv);
int ordo_cli_config_print(struct ordo_cli *cli, int argc, char **argv);
/* Every command that talks to a server through the REST API: deploy,
 * definition, instance, task, incident, message, key, user and group
 * (server/cli_remote.c, one row per command; cli->command picks it). */
int ordo_cli_remote(struct ordo_cli *cli, int argc, char **argv);
/* The start of every server-side command: its options (as
 * ordo_cli_parse), the configuration, no positional arguments, libsodium
 * and the crash-point hook. ORDO_CLI_OK, or the exit code after printing
 * the problem. */
int ordo_cli_server_setup(struct ordo_cli *cli, int argc, char **argv,
                          const struct ordo_cli_opt *opts, size_t nopts, ordo_cli_opt_fn *on_opt,
                          void *ctx, struct ordo_config *cfg);

/* The database of a server-side command: database_url, or the embedded
 * cluster in data_dir (CONTRACTS §9), started when needed; migrations use
 * owner_conninfo (migrate_database_url, else the same). */
struct ordo_pgembed;
struct ordo_audit_sealer;
struct ordo_cli_db {
    const char *conninfo;
    const char *owner_conninfo;
    struct ordo_pgembed *embedded;
};

/* Find the database, starting the embedded cluster when needed; no
 * connection is made and the schema is not touched. ORDO_CLI_OK, or the
 * exit code (1) after printing the problem. */
int ordo_cli_db_connect(struct ordo_cli *cli, const struct ordo_config *cfg,
                        struct ordo_cli_db *db);

/* Open the database and bring its schema up to date ('quiet': print
 * nothing when it was). On failure the embedded cluster is stopped again. */
int ordo_cli_db_open(struct ordo_cli *cli, const struct ordo_config *cfg, bool quiet,
                     struct ordo_cli_db *db);
void ordo_cli_db_close(struct ordo_cli_db *db); /* stops the embedded cluster if started */

/* The vault of stored secrets: master_key (the embedded database's key
 * file when it is empty) and master_key_old (CONTRACTS §13). */
struct ordo_vault;
int ordo_cli_vault_open(struct ordo_cli *cli, const struct ordo_config *cfg,
                        const struct ordo_cli_db *db, struct ordo_vault **out);

/* The engine of a server-side command: the executor and the audit's
 * sealer on the database, with a node name (host:pid). */
struct ordo_executor;
struct ordo_defcache;
struct ordo_cli_engine {
    const char *node;
    struct ordo_vault *vault;
    struct ordo_httpc_policy http;
    struct ordo_cli_plugins plugins;
    struct ordo_executor *executor;
    struct ordo_audit_sealer *sealer;
    struct ordo_defcache *cache;
    struct ordo_wh_sender *webhooks;   /* outbound webhook delivery */
    struct ordo_inbox *inbox;          /* stored inbound deliveries */
    struct ordo_approval_ctx approval; /* what the inbox's Slack approvals call */
    struct ordo_draft_workers *drafts; /* drafts from requirement text (server/draft_worker.h) */
};
int ordo_cli_engine_start(struct ordo_cli *cli, const struct ordo_config *cfg,
                          const struct ordo_cli_db *db, struct ordo_cli_engine *eng);
void ordo_cli_engine_stop(struct ordo_cli_engine *eng); /* what started; zeroes it */

/* For `ordo serve` and `ordo worker`, first thing: a SIGTERM or SIGINT that
 * comes while they are still starting (the embedded database, migrations)
 * is kept, and they stop cleanly once up, instead of dying by the
 * signal's default action. */
void ordo_cli_catch_signals(void);

/* Block until SIGTERM or SIGINT arrives (at once if one already came). */
void ordo_cli_wait_for_signal(void);

int ordo_cli_migrate(struct ordo_cli *cli, int argc, char **argv);
int ordo_cli_serve(struct ordo_cli *cli, int argc, char **argv);
int ordo_cli_worker(struct ordo_cli *cli, int argc, char **argv);
int ordo_cli_audit_verify(struct ordo_cli *cli, int argc, char **argv);
int ordo_cli_audit_purge(struct ordo_cli *cli, int argc, char **argv);
int ordo_cli_secrets_rotate(struct ordo_cli *cli, int argc, char **argv); /* cli_secrets.c */

/* `ordo worker`: load the audit signing key (audit_signing_key, else the
 * embedded database's data_dir/audit-signing.key, generated when missing)
 * and start the sealer on 'conninfo'. Returns ORDO_CLI_OK, or an exit code
 * after printing the problem (a missing key with an external database). */
int ordo_cli_audit_sealer(struct ordo_cli *cli, const struct ordo_config *cfg, const char *conninfo,
                          struct ordo_audit_sealer **out);

#endif
