/*
 * server/cli_connector.c - the installed connectors: opening the plugin
 * folder for the server-side commands (ordo_cli_plugins_open), and the
 * local commands `ordo connector list|show|catalogue|templates`, which
 * read the same folder without a database or a server.
 */
#include <string.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/json.h"
#include "base/text.h"
#include "plugins/catalogue.h"
#include "plugins/descriptor.h"
#include "server/cli_internal.h"

int ordo_cli_plugins_open(struct ordo_cli *cli, const struct ordo_config *cfg,
                          const struct ordo_plugin_host_options *opts, struct ordo_cli_plugins *out)
{
    struct ordo_err err = {0};

    memset(out, 0, sizeof *out);
    out->dir = ordo_cli_beside_exe(cli, cfg->plugin_dir); /* CONTRACTS §5 */
    if (ordo_plugin_host_new(opts, &out->host, &err) != ORDO_OK ||
        ordo_registry_open(out->dir, ordo_plugin_host_table(out->host), &out->reg, &err) !=
            ORDO_OK) {
        ordo_cli_plugins_close(out);
        return ordo_cli_fail(cli, ORDO_CLI_FAILED, "%s", err.msg);
    }
    ordo_plugin_host_attach(out->host, out->reg);
    return ORDO_CLI_OK;
}

void ordo_cli_plugins_close(struct ordo_cli_plugins *p)
{
    ordo_registry_free(p->reg);
    ordo_plugin_host_free(p->host);
    memset(p, 0, sizeof *p);
}

/* ---- the commands ---- */

enum { OPT_JSON, OPT_OUTPUT };

static const struct ordo_cli_opt opts[] = {
    [OPT_JSON] = {"--json", NULL, false},
    [OPT_OUTPUT] = {"-o", "--output", true},
};

struct connector_args {
    bool json;
    const char *output;
};

static int opt_cb(void *ctx, size_t which, const char *value)
{
    struct connector_args *a = ctx;

    if (which == OPT_JSON) {
        a->json = true;
    } else {
        a->output = value;
    }
    return ORDO_CLI_OK;
}

/* Parse, load the configuration and open the plugin folder. */
static int open_local(struct ordo_cli *cli, int argc, char **argv, struct connector_args *a,
                      struct ordo_cli_args *args, struct ordo_cli_plugins *p)
{
    struct ordo_plugin_host_options hopts = {0};
    struct ordo_config cfg;

    memset(a, 0, sizeof *a);
    if (ordo_cli_parse(cli, argc, argv, opts, 2, opt_cb, a, args) != ORDO_CLI_OK ||
        !ordo_cli_config(cli, args, &cfg)) {
        return ORDO_CLI_USAGE;
    }
    return ordo_cli_plugins_open(cli, &cfg, &hopts, p);
}

/* Refused plugins go to stderr; they make the exit status 1. */
static int report_refused(struct ordo_cli *cli, const struct ordo_registry *reg)
{
    size_t n = ordo_registry_refused_count(reg);

    for (size_t i = 0; i < n; i++) {
        (void)fprintf(cli->err, "ordo %s: refused %s\n", cli->command,
                      ordo_registry_refused(reg, i)->message);
    }
    return n ? ORDO_CLI_FAILED : ORDO_CLI_OK;
}

/* Write 'doc' to the output (-o FILE, default stdout), pretty-printed. */
static int write_json(struct ordo_cli *cli, const struct connector_args *a, const json_t *doc)
{
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
    struct ordo_err err = {0};
    int rc = ORDO_CLI_OK;

    if (!text) {
        return ordo_cli_fail(cli, ORDO_CLI_FAILED, "could not write JSON");
    }
    if (a->output && strcmp(a->output, "-") != 0) {
        struct ordo_buf b = ORDO_BUF_INIT;

        ordo_buf_puts(&b, text);
        ordo_buf_putc(&b, '\n');
        if (ordo_file_write_atomic(a->output, b.data, b.len, &err) != ORDO_OK) {
            rc = ordo_cli_fail(cli, ORDO_CLI_FAILED, "%s", err.msg);
        }
        ordo_buf_cleanup(&b);
    } else {
        (void)fprintf(cli->out, "%s\n", text);
    }
    free(text);
    return rc;
}

/* The catalogue (or the element templates) of the installed plugins;
 * the loader has checked every schema, so failing here is a bug. */
static json_t *export_of(struct ordo_cli *cli, const struct ordo_registry *reg, bool templates)
{
    size_t n;
    const struct ordo_connector *const *descs = ordo_registry_descriptors(reg, &n);
    struct ordo_err err = {0};
    json_t *doc = NULL;
    enum ordo_code rc = templates ? ordo_catalogue_element_templates(descs, n, &doc, &err)
                                  : ordo_catalogue_json(descs, n, &doc, &err);

    if (rc != ORDO_OK) {
        (void)ordo_cli_fail(cli, ORDO_CLI_FAILED, "%s", err.msg);
    }
    return doc;
}

static void print_table(struct ordo_cli *cli, const struct ordo_registry *reg)
{
    (void)fprintf(cli->out, "%-12s %-8s %-7s %-10s %s\n", "CONNECTOR", "VERSION", "ACTIONS",
                  "CREDENTIAL", "TITLE");
    for (size_t i = 0; i < ordo_registry_count(reg); i++) {
        const struct ordo_plugin *p = ordo_registry_get(reg, i);

        (void)fprintf(cli->out, "%-12s %-8s %-7zu %-10s %s\n", p->desc->name, p->desc->version,
                      p->nactions, p->credential ? "yes" : "no",
                      p->desc->title ? p->desc->title : "");
    }
}

int ordo_cli_connector_list(struct ordo_cli *cli, int argc, char **argv)
{
    struct ordo_cli_plugins p;
    struct connector_args a;
    struct ordo_cli_args args;
    int rc = open_local(cli, argc, argv, &a, &args, &p);

    if (rc != ORDO_CLI_OK) {
        return rc;
    }
    if (args.npos != 0) {
        rc = ordo_cli_fail(cli, ORDO_CLI_USAGE, "unexpected argument \"%s\"", args.pos[0]);
    } else if (a.json) {
        json_t *doc = export_of(cli, p.reg, false);

        rc = doc ? write_json(cli, &a, doc) : ORDO_CLI_FAILED;
        json_decref(doc);
    } else {
        print_table(cli, p.reg);
    }
    if (rc == ORDO_CLI_OK) {
        rc = report_refused(cli, p.reg);
    }
    ordo_cli_plugins_close(&p);
    return rc;
}

/* One input field of an action: name, type, required, enum, default. */
static void print_field(struct ordo_cli *cli, const char *name, const json_t *prop, bool required)
{
    const json_t *e = json_object_get(prop, "enum");
    char *en = e ? json_dumps(e, JSON_COMPACT) : NULL;
    const json_t *d = json_object_get(prop, "default");
    char *def = d ? json_dumps(d, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;

    (void)fprintf(cli->out, "      %-16s %-8s%s%s%s%s%s\n", name,
                  json_string_value(json_object_get(prop, "type")), required ? " required" : "",
                  en ? " one of " : "", en ? en : "", def ? " default " : "", def ? def : "");
    free(en);
    free(def);
}

static bool is_required(const json_t *schema, const char *name)
{
    size_t i;
    const json_t *v;

    json_array_foreach(json_object_get(schema, "required"), i, v)
    {
        if (ordo_streq(json_string_value(v), name)) {
            return true;
        }
    }
    return false;
}

static void print_fields(struct ordo_cli *cli, const char *title, const json_t *schema)
{
    const char *name;
    const json_t *prop;

    if (!schema) {
        return;
    }
    (void)fprintf(cli->out, "    %s:\n", title);
    json_object_foreach((json_t *)json_object_get(schema, "properties"), name, prop)
    {
        print_field(cli, name, prop, is_required(schema, name));
    }
}

static void print_connector(struct ordo_cli *cli, const struct ordo_plugin *p)
{
    (void)fprintf(cli->out, "%s %s: %s\n%s\n", p->desc->name, p->desc->version,
                  p->desc->title ? p->desc->title : "",
                  p->desc->description ? p->desc->description : "");
    (void)fprintf(cli->out, "  file: %s\n", p->path);
    print_fields(cli, "configuration (stored with each credential)", p->config_doc);
    print_fields(cli, "credential (secret, never shown)", p->credential_doc);
    for (size_t i = 0; i < p->nactions; i++) {
        const struct ordo_plugin_action *a = &p->actions[i];

        (void)fprintf(cli->out, "\n  %s: %s (timeout %u ms)\n    %s\n", a->desc->id, a->desc->title,
                      a->timeout_ms, a->desc->description ? a->desc->description : "");
        print_fields(cli, "input", a->input_doc);
        for (const char *const *e = a->desc->bpmn_errors; e && *e; e++) {
            (void)fprintf(cli->out, "    BPMN error: %s\n", *e);
        }
    }
}

int ordo_cli_connector_show(struct ordo_cli *cli, int argc, char **argv)
{
    struct ordo_cli_plugins p;
    struct connector_args a;
    struct ordo_cli_args args;
    const struct ordo_plugin *found;
    int rc = open_local(cli, argc, argv, &a, &args, &p);

    if (rc != ORDO_CLI_OK) {
        return rc;
    }
    found = args.npos == 1 ? ordo_registry_find(p.reg, args.pos[0]) : NULL;
    if (args.npos != 1) {
        rc = ordo_cli_fail(cli, ORDO_CLI_USAGE, "name one connector; see `ordo help %s`",
                           cli->command);
    } else if (!found) {
        rc = ordo_cli_fail(cli, ORDO_CLI_USAGE,
                           "connector \"%s\" is not installed in %s (`ordo connector list`)",
                           args.pos[0], p.dir);
    } else if (a.json) {
        const struct ordo_connector *one = found->desc;
        struct ordo_err err = {0};
        json_t *doc = NULL;

        rc = ordo_catalogue_json(&one, 1, &doc, &err) == ORDO_OK
                 ? write_json(cli, &a, json_array_get(json_object_get(doc, "connectors"), 0))
                 : ordo_cli_fail(cli, ORDO_CLI_FAILED, "%s", err.msg);
        json_decref(doc);
    } else {
        print_connector(cli, found);
    }
    ordo_cli_plugins_close(&p);
    return rc;
}

/* `catalogue` and `templates`: the JSON documents, for the generator and
 * for Camunda Modeler. */
static int export(struct ordo_cli *cli, int argc, char **argv, bool templates)
{
    struct ordo_cli_plugins p;
    struct connector_args a;
    struct ordo_cli_args args;
    json_t *doc;
    int rc = open_local(cli, argc, argv, &a, &args, &p);

    if (rc != ORDO_CLI_OK) {
        return rc;
    }
    if (args.npos != 0) {
        ordo_cli_plugins_close(&p);
        return ordo_cli_fail(cli, ORDO_CLI_USAGE, "unexpected argument \"%s\"", args.pos[0]);
    }
    doc = export_of(cli, p.reg, templates);
    rc = doc ? write_json(cli, &a, doc) : ORDO_CLI_FAILED;
    json_decref(doc);
    if (rc == ORDO_CLI_OK) {
        rc = report_refused(cli, p.reg);
    }
    ordo_cli_plugins_close(&p);
    return rc;
}

int ordo_cli_connector_catalogue(struct ordo_cli *cli, int argc, char **argv)
{
    return export(cli, argc, argv, false);
}

int ordo_cli_connector_templates(struct ordo_cli *cli, int argc, char **argv)
{
    return export(cli, argc, argv, true);
}
