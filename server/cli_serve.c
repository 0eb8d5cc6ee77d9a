/*
 * server/cli_serve.c - `ordo serve`: the database (embedded or not),
 * migrations, the first admin, the engine and the HTTP server, until
 * SIGTERM; then a graceful stop that ends within 15 s (issue 5): the
 * listener closes, requests in flight get 10 s to finish, then the
 * executor finishes the jobs it holds.
 */
#include <string.h>

#include "base/buf.h"
#include "base/crypto.h"
#include "base/file.h"
#include "base/log.h"
#include "base/pg.h"
#include "core/identity.h"
#include "server/api.h"
#include "server/cli_internal.h"
#include "server/http.h"
#include "server/waker.h"

#define GRACE_MS    10000
#define TLS_PEM_MAX ((size_t)1024 * 1024)

static int bootstrap(struct ordo_cli *cli, const struct ordo_config *cfg, const char *conninfo)
{
    struct ordo_identity_bootstrap out;
    struct ordo_err err = {0};
    PGconn *db = NULL;
    enum ordo_code rc = ordo_pg_connect(conninfo, &db, &err);

    if (rc == ORDO_OK) {
        rc = ordo_identity_bootstrap(db, cfg->admin_key, cfg->data_dir, &out, &err);
    }
    PQfinish(db);
    if (rc != ORDO_OK) {
        return ordo_cli_fail(cli, ORDO_CLI_FAILED, "could not create the first admin: %s", err.msg);
    }
    if (out.key_file[0]) {
        ordo_log(ORDO_LOG_WARN, "auth", "first admin created; its API key is in a file",
                 ORDO_STR("file", out.key_file));
        (void)fprintf(cli->out, "first admin created: its API key is in %s\n", out.key_file);
    } else if (out.created || out.key_added) {
        ordo_log(ORDO_LOG_INFO, "auth", "first admin uses the configured admin_key");
    }
    return ORDO_CLI_OK;
}

static int read_pem(struct ordo_cli *cli, const char *path, const char **out)
{
    struct ordo_err err = {0};
    struct ordo_buf buf;

    *out = NULL;
    if (!path[0]) {
        return ORDO_CLI_OK;
    }
    ordo_buf_init(&buf);
    if (ordo_file_read(path, TLS_PEM_MAX, "TLS file", &buf, &err) != ORDO_OK) {
        ordo_buf_cleanup(&buf);
        return ordo_cli_fail(cli, ORDO_CLI_USAGE, "%s", err.msg);
    }
    *out = ordo_arena_strdup(cli->arena, ordo_buf_cstr(&buf));
    ordo_crypto_wipe(buf.data, buf.len);
    ordo_buf_cleanup(&buf);
    return ORDO_CLI_OK;
}

static int http_options(struct ordo_cli *cli, const struct ordo_config *cfg, struct ordo_api *api,
                        struct ordo_http_options *o)
{
    memset(o, 0, sizeof *o);
    o->listen_addr = cfg->listen_addr;
    o->port = (int)cfg->port;
    o->threads = (int)cfg->http_threads;
    o->max_connections = (int)cfg->http_max_connections;
    o->max_per_ip = (int)cfg->http_max_per_ip;
    o->timeout_s = (int)cfg->http_timeout;
    o->access_log_every = (int)cfg->access_log_every;
    o->trusted_proxies = cfg->trusted_proxies;
    o->routes = ordo_api_routes;
    o->nroutes = ordo_api_nroutes;
    o->app = api;
    o->auth = ordo_api_authenticate;
    o->allow = ordo_api_allow;
    o->preflight = ordo_api_preflight;
    o->limit = ordo_api_limit;
    if (!cfg->tls_cert_file[0] != !cfg->tls_key_file[0]) {
        return ordo_cli_fail(cli, ORDO_CLI_USAGE, "tls_cert_file and tls_key_file go together");
    }
    if (read_pem(cli, cfg->tls_cert_file, &o->tls_cert_pem) != ORDO_CLI_OK ||
        read_pem(cli, cfg->tls_key_file, &o->tls_key_pem) != ORDO_CLI_OK) {
        return ORDO_CLI_USAGE;
    }
    return ORDO_CLI_OK;
}

static int serve_http(struct ordo_cli *cli, const struct ordo_config *cfg,
                      const struct ordo_cli_db *db, const struct ordo_cli_engine *eng)
{
    struct ordo_http_options o;
    struct ordo_err err = {0};
    struct ordo_waker *waker = NULL;
    struct ordo_api api;
    int rc;

    (void)ordo_api_init(&api, cfg, db->conninfo, eng->node, &err);
    api.executor = eng->executor;
    api.registry = eng->plugins.reg;
    api.plugins = eng->plugins.host;
    api.vault = eng->vault;
    api.ui_dir = cfg->ui_dir[0] ? ordo_cli_beside_exe(cli, cfg->ui_dir) : NULL;
    rc = http_options(cli, cfg, &api, &o);
    if (rc == ORDO_CLI_OK && ordo_http_start(&o, &api.http, &err) != ORDO_OK) {
        rc = ordo_cli_fail(cli, ORDO_CLI_FAILED, "%s", err.msg);
    }
    if (rc == ORDO_CLI_OK && ordo_waker_start(db->conninfo, api.http, &waker, &err) != ORDO_OK) {
        ordo_http_stop(api.http, 0);
        rc = ordo_cli_fail(cli, ORDO_CLI_FAILED, "%s", err.msg);
    }
    if (rc == ORDO_CLI_OK) {
        bool v6 = strchr(cfg->listen_addr, ':') != NULL;
        char *addr =
            ordo_arena_printf(cli->arena, "%s%s%s", v6 ? "[" : "", cfg->listen_addr, v6 ? "]" : "");

        (void)fprintf(cli->out, "ordo serve: listening on %s://%s:%d\n",
                      o.tls_cert_pem ? "https" : "http", addr, ordo_http_port(api.http));
        (void)fflush(cli->out);
        ordo_log(ORDO_LOG_INFO, "http", "listening", ORDO_STR("addr", cfg->listen_addr),
                 ORDO_INT("port", ordo_http_port(api.http)));
        ordo_cli_wait_for_signal();
        ordo_log(ORDO_LOG_INFO, "http", "stopping: finishing requests in flight");
        ordo_waker_stop(waker); /* first: it must not wake a server that is gone */
        ordo_http_stop(api.http, GRACE_MS);
    }
    ordo_api_cleanup(&api);
    return rc;
}

static const struct ordo_cli_opt serve_opts[] = {{"--demo", NULL, false}};

static int demo_cb(void *ctx, size_t which, const char *value)
{
    (void)which;
    (void)value;
    *(bool *)ctx = true;
    return ORDO_CLI_OK;
}

/* After the database: the demo's sandbox (it changes the outbound HTTP
 * policy the engine starts with), the engine, the demo's data, HTTP. */
static int run(struct ordo_cli *cli, struct ordo_config *cfg, const struct ordo_cli_db *db,
               bool demo)
{
    struct ordo_cli_demo sandbox = {0};
    struct ordo_cli_engine eng;
    int rc = bootstrap(cli, cfg, db->conninfo);

    if (rc == ORDO_CLI_OK && demo) {
        rc = ordo_cli_demo_start(cli, cfg, &sandbox);
    }
    if (rc == ORDO_CLI_OK) {
        rc = ordo_cli_engine_start(cli, cfg, db, &eng);
    }
    if (rc == ORDO_CLI_OK) {
        if (demo) {
            rc = ordo_cli_demo_seed(cli, cfg, db->conninfo, eng.vault, &sandbox);
        }
        if (rc == ORDO_CLI_OK) {
            rc = serve_http(cli, cfg, db, &eng);
        }
        ordo_cli_engine_stop(&eng);
    }
    ordo_cli_demo_stop(&sandbox);
    return rc;
}

int ordo_cli_serve(struct ordo_cli *cli, int argc, char **argv)
{
    struct ordo_config cfg;
    struct ordo_cli_db db;
    bool demo = false;
    int rc;

    ordo_cli_catch_signals();
    rc = ordo_cli_server_setup(cli, argc, argv, serve_opts, 1, demo_cb, &demo, &cfg);
    if (rc != ORDO_CLI_OK) {
        return rc;
    }
    rc = ordo_cli_db_open(cli, &cfg, true, &db);
    if (rc != ORDO_CLI_OK) {
        return rc;
    }
    rc = run(cli, &cfg, &db, demo);
    ordo_cli_db_close(&db);
    return rc;
}
