/*
 * server/cli_config.c - `ordo config check` and `ordo config print`: the
 * configuration as a server started here would load it (defaults < file <
 * environment < flags, base/config.h), loaded by the same start as the
 * server-side commands (ordo_cli_server_setup), without starting anything.
 */
#include <string.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/file.h"
#include "core/audit.h"
#include "server/cli_internal.h"

#define ADMIN_KEY_MIN 24 /* CONTRACTS §7 */

enum { OPT_OUTPUT };

static const struct ordo_cli_opt print_opts[] = {
    [OPT_OUTPUT] = {"-o", "--output", true},
};

static int output_cb(void *ctx, size_t which, const char *value)
{
    (void)which;
    *(const char **)ctx = value;
    return ORDO_CLI_OK;
}

/* What the loader cannot see key by key: pairs of keys, and the forms of
 * values checked only when a server starts. Returns the number of problems
 * printed. */
static int check_values(struct ordo_cli *cli, const struct ordo_config *cfg)
{
    struct ordo_audit_key key;
    struct ordo_err err = {0};
    int problems = 0;

    if (!cfg->tls_cert_file[0] != !cfg->tls_key_file[0]) {
        ordo_cli_fail(cli, ORDO_CLI_USAGE, "tls_cert_file and tls_key_file go together (%s, %s)",
                      ordo_config_origin(cfg, "tls_cert_file"),
                      ordo_config_origin(cfg, "tls_key_file"));
        problems++;
    }
    if (cfg->admin_key[0] && strlen(cfg->admin_key) < ADMIN_KEY_MIN) {
        ordo_cli_fail(cli, ORDO_CLI_USAGE, "admin_key is shorter than %d characters (%s)",
                      ADMIN_KEY_MIN, ordo_config_origin(cfg, "admin_key"));
        problems++;
    }
    if (cfg->audit_signing_key[0] &&
        ordo_audit_key_parse(cfg->audit_signing_key, &key, &err) != ORDO_OK) {
        ordo_cli_fail(cli, ORDO_CLI_USAGE, "%s (%s)", err.msg,
                      ordo_config_origin(cfg, "audit_signing_key"));
        problems++;
    }
    memset(&key, 0, sizeof key);
    return problems;
}

/* The keys whose value is not the default, with where each came from. */
static void print_origins(struct ordo_cli *cli, const struct ordo_config *cfg)
{
    struct ordo_buf doc = ORDO_BUF_INIT;
    json_t *root;
    const char *name;
    json_t *v;

    ordo_config_print_json(cfg, &doc);
    root = json_loads(ordo_buf_cstr(&doc), 0, NULL);
    json_object_foreach(root, name, v)
    {
        const char *origin = ordo_config_origin(cfg, name);

        if (origin && strcmp(origin, "default") != 0) {
            (void)fprintf(cli->out, "  %s: %s\n", name, origin);
        }
    }
    json_decref(root);
    ordo_buf_cleanup(&doc);
}

int ordo_cli_config_check(struct ordo_cli *cli, int argc, char **argv)
{
    struct ordo_config cfg;
    int rc = ordo_cli_server_setup(cli, argc, argv, NULL, 0, NULL, NULL, &cfg);

    if (rc != ORDO_CLI_OK) {
        return rc;
    }
    if (check_values(cli, &cfg) > 0) {
        return ORDO_CLI_USAGE;
    }
    (void)fprintf(cli->out, "configuration ok\n");
    print_origins(cli, &cfg);
    return ORDO_CLI_OK;
}

int ordo_cli_config_print(struct ordo_cli *cli, int argc, char **argv)
{
    struct ordo_config cfg;
    struct ordo_buf doc = ORDO_BUF_INIT;
    struct ordo_err err = {0};
    const char *output = NULL;
    int rc = ordo_cli_server_setup(cli, argc, argv, print_opts, 1, output_cb, &output, &cfg);

    if (rc != ORDO_CLI_OK) {
        return rc;
    }
    ordo_config_print_json(&cfg, &doc);
    if (output && strcmp(output, "-") != 0) {
        if (ordo_file_write_atomic(output, doc.data, doc.len, &err) != ORDO_OK) {
            rc = ordo_cli_fail(cli, ORDO_CLI_FAILED, "%s", err.msg);
        }
    } else {
        (void)fwrite(doc.data, 1, doc.len, cli->out);
    }
    ordo_buf_cleanup(&doc);
    return rc;
}
