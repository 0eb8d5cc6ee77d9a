/*
 * server/cli_demo.c - `ordo serve --demo`: a clearly labelled sandbox in
 * which the onboarding example runs end to end without real accounts
 * (docs/sandbox.md, README "Demo mode").
 *
 * It starts `ordo-sandbox` (installed beside `ordo`: stand-ins for Slack,
 * Jira, GitHub and BambooHR on 127.0.0.1), lets outbound HTTP reach
 * loopback over plain http (http_allow, http_scheme), stores a "default"
 * credential of each of the four connectors pointing at the sandbox, and
 * creates the manager of the seed data, "maria" (maria@acme.example, role
 * approver), with a random password written to data_dir/demo-users
 * (mode 0600): no password is built in. Nothing of this happens without
 * --demo, and every start in demo mode says so on stdout and in the log.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/crypto.h"
#include "base/file.h"
#include "base/json.h"
#include "base/log.h"
#include "base/pg.h"
#include "core/credential.h"
#include "core/identity.h"
#include "server/cli_internal.h"

extern char **environ;

#define READY_WAIT_MS   15000
#define DEMO_USER       "maria"
#define DEMO_EMAIL      "maria@acme.example"
#define DEMO_SLACK_ID   "U001"
#define DEMO_USERS_FILE "demo-users"

/* The sandbox's services: connector, base URL path, config and secret
 * (docs/sandbox.md: the seed's credentials). */
static const struct {
    const char *connector;
    const char *path;
    const char *config; /* JSON, to which base_url is added */
    const char *secret; /* JSON */
} services[] = {
    {"slack", "/slack/api", "{}", "{\"bot_token\":\"xoxb-sandbox-token\"}"},
    {"jira", "/jira", "{\"email\":\"ops@acme.example\"}", "{\"api_token\":\"sandbox-jira-token\"}"},
    {"github", "/github", "{\"org\":\"acme\"}", "{\"token\":\"ghp_sandbox_token\"}"},
    {"bamboohr", "/bamboohr/api/gateway.php/acme/v1", "{\"company_domain\":\"acme\"}",
     "{\"api_key\":\"sandbox-bamboohr-key\"}"},
};

/* Wait for the sandbox's ready file and read its URL. */
static int wait_ready(struct ordo_cli *cli, struct ordo_cli_demo *d)
{
    struct ordo_err err = {0};
    json_t *doc = NULL;

    for (int waited = 0; waited < READY_WAIT_MS; waited += 50) {
        struct ordo_buf buf = ORDO_BUF_INIT;
        struct timespec ts = {0, 50L * 1000000};

        if (waitpid(d->pid, NULL, WNOHANG) == d->pid) {
            d->pid = 0;
            return ordo_cli_fail(cli, ORDO_CLI_FAILED, "the demo sandbox exited at start");
        }
        if (ordo_file_read(d->ready, 4096, "ready file", &buf, &err) == ORDO_OK &&
            ordo_json_parse(buf.data, buf.len, NULL, &doc, NULL) == ORDO_OK &&
            json_is_string(json_object_get(doc, "url"))) {
            d->url = ordo_arena_strdup(cli->arena, json_string_value(json_object_get(doc, "url")));
            json_decref(doc);
            ordo_buf_cleanup(&buf);
            return ORDO_CLI_OK;
        }
        json_decref(doc);
        doc = NULL;
        ordo_buf_cleanup(&buf);
        ordo_err_clear(&err);
        (void)nanosleep(&ts, NULL);
    }
    return ordo_cli_fail(cli, ORDO_CLI_FAILED, "the demo sandbox did not start within %d s",
                         READY_WAIT_MS / 1000);
}

int ordo_cli_demo_start(struct ordo_cli *cli, struct ordo_config *cfg, struct ordo_cli_demo *d)
{
    if (strcmp(cfg->listen_addr, "127.0.0.1") != 0 && strcmp(cfg->listen_addr, "::1") != 0 &&
        strcmp(cfg->listen_addr, "localhost") != 0) {
        return ordo_cli_fail(cli, ORDO_CLI_USAGE,
                             "--demo listens on loopback only (listen_addr is %s): the demo's "
                             "manager and sandbox are not for a network",
                             cfg->listen_addr);
    }
    const char *bin = ordo_cli_beside_exe(cli, "ordo-sandbox");
    const char *argv[] = {bin,           "--port", "0",        "--ready-file", NULL,
                          "--log-level", "warn",   "--parent", NULL,           NULL};
    posix_spawn_file_actions_t fa;
    int rc;

    memset(d, 0, sizeof *d);
    (void)mkdir(cfg->data_dir, 0700);
    d->ready = ordo_arena_printf(cli->arena, "%s/sandbox.ready", cfg->data_dir);
    (void)unlink(d->ready);
    argv[4] = d->ready;
    argv[8] = ordo_arena_printf(cli->arena, "%ld", (long)getpid()); /* it dies with us */

    /* The sandbox announces its URL on stdout; ours is the server's. */
    (void)posix_spawn_file_actions_init(&fa);
    (void)posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    rc = posix_spawn(&d->pid, bin, &fa, NULL, (char *const *)argv, environ);
    (void)posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        d->pid = 0;
        return ordo_cli_fail(cli, ORDO_CLI_FAILED, "could not start the demo sandbox %s: %s", bin,
                             strerror(rc));
    }
    rc = wait_ready(cli, d);
    if (rc != ORDO_CLI_OK) {
        ordo_cli_demo_stop(d);
        return rc;
    }
    /* Connectors may reach the sandbox: loopback, over plain http. */
    cfg->http_scheme = "any";
    cfg->http_allow = cfg->http_allow[0]
                          ? ordo_arena_printf(cli->arena, "%s,127.0.0.1/32", cfg->http_allow)
                          : "127.0.0.1/32";
    ordo_log(ORDO_LOG_WARN, "demo",
             "DEMO MODE: connectors talk to the local sandbox, not to the real Slack, Jira, "
             "GitHub or BambooHR",
             ORDO_STR("sandbox", d->url));
    (void)fprintf(cli->out,
                  "ordo serve: DEMO MODE - Slack, Jira, GitHub and BambooHR are stand-ins at %s "
                  "(docs/sandbox.md)\n",
                  d->url);
    return ORDO_CLI_OK;
}

void ordo_cli_demo_stop(struct ordo_cli_demo *d)
{
    if (d->pid > 0) {
        (void)kill(d->pid, SIGTERM);
        (void)waitpid(d->pid, NULL, 0);
    }
    d->pid = 0;
}

static enum ordo_code seed_credentials(PGconn *db, const struct ordo_vault *vault,
                                       const struct ordo_cli_demo *d, struct ordo_arena *a,
                                       struct ordo_err *err)
{
    enum ordo_code rc = ORDO_OK;

    for (size_t i = 0; rc == ORDO_OK && i < sizeof services / sizeof services[0]; i++) {
        const char *base = ordo_arena_printf(a, "%s%s", d->url, services[i].path);
        struct ordo_credential have = {0};

        /* A credential someone stored is theirs: the demo only fills gaps
         * (then its base_url may point at an earlier run's sandbox port, so
         * an earlier demo's own credential is refreshed). */
        if (ordo_credential_get(db, vault, services[i].connector, "default", &have, NULL) ==
            ORDO_OK) {
            const char *was = json_string_value(json_object_get(have.config, "base_url"));
            bool ours = was && strncmp(was, "http://127.0.0.1:", 17) == 0 &&
                        strstr(was, services[i].path) != NULL;

            ordo_credential_cleanup(&have);
            if (!ours) {
                continue;
            }
        }
        json_t *c = json_loads(services[i].config, 0, NULL);
        json_t *s = json_loads(services[i].secret, 0, NULL);
        struct ordo_credential_input in = {
            .connector = services[i].connector, .name = "default", .config = c, .secret = s};

        (void)json_object_set_new(c, "base_url", json_string(base));
        rc = ordo_credential_set(db, vault, &in, "system:demo", NULL, NULL, err);
        json_decref(c);
        json_decref(s);
    }
    return rc;
}

/* A random password in data_dir/demo-users, made once. */
static enum ordo_code demo_password(const char *data_dir, struct ordo_arena *a, const char **out,
                                    struct ordo_err *err)
{
    const char *path = ordo_arena_printf(a, "%s/%s", data_dir, DEMO_USERS_FILE);
    uint8_t raw[12];
    char hex[2 * sizeof raw + 1];
    const char *text;
    int fd;

    ordo_random_bytes(raw, sizeof raw);
    ordo_hex(raw, sizeof raw, hex);
    text = ordo_arena_printf(a, "login %s\nemail %s\npassword %s\n", DEMO_USER, DEMO_EMAIL, hex);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        *out = NULL; /* made by an earlier start: the user has it */
        return errno == EEXIST ? ORDO_OK
                               : ordo_err_set(err, ORDO_E_INTERNAL, "could not write %s: %s", path,
                                              strerror(errno));
    }
    if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
        (void)close(fd);
        return ordo_err_set(err, ORDO_E_INTERNAL, "could not write %s", path);
    }
    (void)close(fd);
    *out = ordo_arena_strdup(a, hex);
    return ORDO_OK;
}

static enum ordo_code seed_manager(PGconn *db, const char *data_dir, struct ordo_arena *a,
                                   struct ordo_err *err)
{
    struct ordo_user_new u = {
        .login = DEMO_USER, .email = DEMO_EMAIL, .slack_user_id = DEMO_SLACK_ID};
    int64_t key = 0;
    enum ordo_code rc;

    if (ordo_identity_user_find(db, DEMO_USER, &key, NULL) == ORDO_OK) {
        return ORDO_OK; /* an earlier demo start made her */
    }
    rc = demo_password(data_dir, a, &u.password, err);
    if (rc == ORDO_OK && u.password) {
        rc = ordo_identity_user_create(db, &u, "system:demo", &key, err);
    }
    if (rc == ORDO_OK && u.password) {
        rc = ordo_identity_role_grant(db, ORDO_GRANTEE_USER, key, ORDO_ROLE_APPROVER, "system:demo",
                                      err);
    }
    return rc;
}

int ordo_cli_demo_seed(struct ordo_cli *cli, const struct ordo_config *cfg, const char *conninfo,
                       const struct ordo_vault *vault, const struct ordo_cli_demo *d)
{
    struct ordo_err err = {0};
    PGconn *db = NULL;
    enum ordo_code rc = ordo_pg_connect(conninfo, &db, &err);

    if (rc == ORDO_OK) {
        rc = seed_credentials(db, vault, d, cli->arena, &err);
    }
    if (rc == ORDO_OK) {
        rc = seed_manager(db, cfg->data_dir, cli->arena, &err);
    }
    PQfinish(db);
    if (rc != ORDO_OK) {
        return ordo_cli_fail(cli, ORDO_CLI_FAILED, "could not prepare the demo: %s", err.msg);
    }
    ordo_log(
        ORDO_LOG_WARN, "demo", "demo credentials stored; the demo manager's login is in a file",
        ORDO_STR("user", DEMO_USER),
        ORDO_STR("file", ordo_arena_printf(cli->arena, "%s/%s", cfg->data_dir, DEMO_USERS_FILE)));
    (void)fprintf(cli->out, "ordo serve: demo manager \"%s\": password in %s/%s\n", DEMO_USER,
                  cfg->data_dir, DEMO_USERS_FILE);
    return ORDO_CLI_OK;
}
