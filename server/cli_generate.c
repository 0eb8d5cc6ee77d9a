/*
 * server/cli_generate.c - `ordo generate`: a requirement text to a BPMN draft, locally, no
 * server (generator/generate.h). The installed connectors of plugin_dir are the catalogue;
 * the llm_* keys are the defaults of --provider, --model and --llm-url.
 *
 * Progress, the assumptions, the questions, the unplaced sentences and the findings go to
 * standard error; the BPMN to -o FILE or standard output, or with --json the whole result
 * object to standard output (and the BPMN to -o FILE when given). Exit: 0 a usable draft was
 * written; 1 none could be made (the error and the violations are printed, and --json still
 * prints the result); 2 bad usage or input.
 *
 * Loopback and private addresses: the LLM client refuses them (and http://) unless the
 * pipeline allows them. Here the URL is the person's own choice, so a URL whose host is
 * "localhost" or a loopback or private IP literal (a local model: Ollama, llama.cpp, vLLM on
 * the LAN) is allowed (ordo_llm_url_is_local); any other host must be https and public
 * (docs/generator.md).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/text.h"
#include "generator/generate.h"
#include "generator/llm.h"
#include "plugins/catalogue.h"
#include "server/cli_internal.h"

struct gen_cmd {
    struct ordo_cli *cli;
    const char *file;
    const char *output;
    const char *provider;
    const char *model;
    const char *systems;
    bool allow_http;
    bool json;
};

enum { OPT_FILE, OPT_OUTPUT, OPT_PROVIDER, OPT_MODEL, OPT_SYSTEMS, OPT_ALLOW_HTTP, OPT_JSON };

static const struct ordo_cli_opt gen_opts[] = {
    [OPT_FILE] = {"-f", "--file", true},         [OPT_OUTPUT] = {"-o", "--output", true},
    [OPT_PROVIDER] = {"--provider", NULL, true}, [OPT_MODEL] = {"--model", NULL, true},
    [OPT_SYSTEMS] = {"--systems", NULL, true},   [OPT_ALLOW_HTTP] = {"--allow-http", NULL, false},
    [OPT_JSON] = {"--json", NULL, false},
};

#define NOPTS (sizeof gen_opts / sizeof gen_opts[0])

static int opt_cb(void *ctx, size_t which, const char *value)
{
    struct gen_cmd *c = ctx;

    switch (which) {
    case OPT_FILE:
        c->file = value;
        break;
    case OPT_OUTPUT:
        c->output = value;
        break;
    case OPT_PROVIDER:
        c->provider = value;
        break;
    case OPT_MODEL:
        c->model = value;
        break;
    case OPT_SYSTEMS:
        c->systems = value;
        break;
    case OPT_ALLOW_HTTP:
        c->allow_http = true;
        break;
    default:
        c->json = true;
        break;
    }
    return ORDO_CLI_OK;
}

/* ---- inputs ---------------------------------------------------------------------------------- */

/* The requirement: the one positional argument, or the file of -f ("-": standard input). */
static int read_text(struct gen_cmd *c, const struct ordo_cli_args *args, const char **text)
{
    struct ordo_buf b = ORDO_BUF_INIT;
    struct ordo_err err = {0};

    if ((args->npos == 1) == (c->file != NULL) || args->npos > 1) {
        return ordo_cli_fail(c->cli, ORDO_CLI_USAGE,
                             "give the requirement as one argument or with -f FILE; see `ordo "
                             "help generate`");
    }
    if (!c->file) {
        *text = args->pos[0];
        return ORDO_CLI_OK;
    }
    if (ordo_file_read(c->file, (size_t)ORDO_GEN_MAX_TEXT, "the requirement text limit", &b,
                       &err) != ORDO_OK) {
        ordo_buf_cleanup(&b);
        return ordo_cli_fail(c->cli, ORDO_CLI_USAGE, "%s", err.msg);
    }
    *text = ordo_arena_strdup(c->cli->arena, ordo_buf_cstr(&b));
    ordo_buf_cleanup(&b);
    return ORDO_CLI_OK;
}

/* --systems a,b,c as a list in the arena; empty entries are skipped. */
static const char *const *split_systems(struct gen_cmd *c, size_t *n)
{
    const char *s = c->systems;
    const char **list;
    size_t cap = 1;

    *n = 0;
    if (!s || !s[0]) {
        return NULL;
    }
    for (const char *p = s; *p; p++) {
        cap += *p == ',';
    }
    list = ordo_arena_calloc(c->cli->arena, cap, sizeof *list);
    while (*s) {
        size_t len = strcspn(s, ",");

        if (len) {
            list[(*n)++] = ordo_arena_strndup(c->cli->arena, s, len);
        }
        s += len + (s[len] == ',');
    }
    return list;
}

/* ---- progress -------------------------------------------------------------------------------- */

static void print_violations(FILE *f, const json_t *violations)
{
    size_t i;
    const json_t *v;

    json_array_foreach(violations, i, v)
    {
        (void)fprintf(f, "  %s: %s\n", json_string_value(json_object_get(v, "rule")),
                      json_string_value(json_object_get(v, "message")));
    }
}

static json_int_t num(const json_t *data, const char *key)
{
    return json_integer_value(json_object_get(data, key));
}

static void progress_cb(void *ctx, const char *event, const json_t *data)
{
    struct gen_cmd *c = ctx;
    FILE *f = c->cli->err;
    size_t nv = json_array_size(json_object_get(data, "violations"));

    if (ordo_streq(event, "prompt_sent")) {
        (void)fprintf(f, "ordo generate: round %lld: prompt sent (%lld bytes)\n",
                      (long long)num(data, "round"), (long long)num(data, "bytes"));
    } else if (ordo_streq(event, "tokens_received")) {
        (void)fprintf(f, "ordo generate: round %lld: answer in %lld ms (%lld + %lld tokens)\n",
                      (long long)num(data, "round"), (long long)num(data, "ms"),
                      (long long)num(data, "prompt"), (long long)num(data, "completion"));
    } else if (ordo_streq(event, "validation") && num(data, "round") == 0) {
        (void)fprintf(f, "ordo generate: validated: %zu violation(s)\n", nv);
        print_violations(f, json_object_get(data, "violations"));
    } else if (ordo_streq(event, "validation")) {
        (void)fprintf(f, "ordo generate: round %lld: %zu violation(s)\n",
                      (long long)num(data, "round"), nv);
        print_violations(f, json_object_get(data, "violations"));
    } else if (ordo_streq(event, "drafted")) {
        (void)fprintf(f, "ordo generate: drafted offline, %lld sentence(s) not placed\n",
                      (long long)num(data, "unplaced"));
    } else if (ordo_streq(event, "layout_done")) {
        (void)fprintf(f, "ordo generate: laid out %lld shapes, %lld edge crossing(s)\n",
                      (long long)num(data, "shapes"), (long long)num(data, "crossings"));
    }
}

static void print_list(FILE *f, const char *title, const json_t *list)
{
    size_t i;
    const json_t *v;

    json_array_foreach(list, i, v)
    {
        (void)fprintf(f, "ordo generate: %s: %s\n", title, json_string_value(v));
    }
}

/* What the person should read besides the BPMN: on standard error. */
static void print_summary(struct gen_cmd *c, const json_t *r)
{
    FILE *f = c->cli->err;
    const json_t *error = json_object_get(r, "error");
    size_t i;
    const json_t *v;

    json_array_foreach(json_object_get(r, "unplaced"), i, v)
    {
        (void)fprintf(f, "ordo generate: unplaced: \"%s\" (%s)\n",
                      json_string_value(json_object_get(v, "sentence")),
                      json_string_value(json_object_get(v, "reason")));
    }
    print_list(f, "assumption", json_object_get(r, "assumptions"));
    print_list(f, "question", json_object_get(r, "questions"));
    json_array_foreach(json_object_get(r, "findings"), i, v)
    {
        const char *el = json_string_value(json_object_get(v, "element"));

        (void)fprintf(f, "ordo generate: lint %s: %s%s%s%s [%s]\n",
                      json_string_value(json_object_get(v, "severity")),
                      json_string_value(json_object_get(v, "message")), el ? " (element \"" : "",
                      el ? el : "", el ? "\")" : "", json_string_value(json_object_get(v, "rule")));
    }
    if (json_is_object(error)) {
        (void)fprintf(f, "ordo generate: no usable draft: %s (%s)\n",
                      json_string_value(json_object_get(error, "message")),
                      json_string_value(json_object_get(error, "code")));
        if (json_array_size(json_object_get(r, "violations"))) {
            (void)fprintf(f, "ordo generate: the violations of the last round:\n");
            print_violations(f, json_object_get(r, "violations"));
        }
    }
}

/* ---- the command ----------------------------------------------------------------------------- */

static int write_out(struct gen_cmd *c, const char *path, const char *text)
{
    struct ordo_err err = {0};

    if (!path || strcmp(path, "-") == 0) {
        (void)fputs(text, c->cli->out);
        return ORDO_CLI_OK;
    }
    if (ordo_file_write_atomic(path, text, strlen(text), &err) != ORDO_OK) {
        return ordo_cli_fail(c->cli, ORDO_CLI_FAILED, "%s", err.msg);
    }
    return ORDO_CLI_OK;
}

static int write_result(struct gen_cmd *c, const json_t *r)
{
    const char *xml = json_string_value(json_object_get(r, "xml"));
    bool usable = json_is_true(json_object_get(r, "usable"));
    int rc = ORDO_CLI_OK;

    print_summary(c, r);
    if (c->json) {
        char *text = json_dumps(r, JSON_INDENT(2) | JSON_SORT_KEYS);

        if (!text) {
            ordo_oom(0);
        }
        (void)fprintf(c->cli->out, "%s\n", text);
        free(text);
        if (usable && c->output && strcmp(c->output, "-") != 0) {
            rc = write_out(c, c->output, xml);
        }
    } else if (usable) {
        rc = write_out(c, c->output, xml);
    }
    return rc != ORDO_CLI_OK ? rc : usable ? ORDO_CLI_OK : ORDO_CLI_FAILED;
}

/* The catalogue of the installed connectors; refused plugins are warned about. */
static json_t *load_catalogue(struct gen_cmd *c, const struct ordo_config *cfg)
{
    struct ordo_plugin_host_options hopts = {0};
    struct ordo_cli_plugins p;
    struct ordo_err err = {0};
    const struct ordo_connector *const *descs;
    json_t *doc = NULL;
    size_t n;

    if (ordo_cli_plugins_open(c->cli, cfg, &hopts, &p) != ORDO_CLI_OK) {
        return NULL;
    }
    for (size_t i = 0; i < ordo_registry_refused_count(p.reg); i++) {
        (void)fprintf(c->cli->err, "ordo generate: warning: refused %s\n",
                      ordo_registry_refused(p.reg, i)->message);
    }
    descs = ordo_registry_descriptors(p.reg, &n);
    if (ordo_catalogue_json(descs, n, &doc, &err) != ORDO_OK) {
        (void)ordo_cli_fail(c->cli, ORDO_CLI_FAILED, "%s", err.msg);
    }
    ordo_cli_plugins_close(&p);
    return doc;
}

/* The llm_* keys, with --provider and --model on top. */
static enum ordo_code gen_config(struct gen_cmd *c, const struct ordo_config *cfg,
                                 struct ordo_gen_config *gc, struct ordo_err *err)
{
    const char *provider = c->provider ? c->provider : cfg->llm_provider;
    enum ordo_code rc = ordo_gen_config_from(cfg, gc, err);

    if (rc != ORDO_OK) {
        return rc;
    }
    gc->provider = ordo_streq(provider, "offline") ? "" : provider;
    gc->url = cfg->llm_url;
    gc->model = c->model ? c->model : cfg->llm_model;
    /* The configured key belongs to the configured provider: --provider
     * naming another one must not send it there. */
    gc->api_key = !cfg->llm_provider || cfg->llm_provider[0] == '\0' ||
                          ordo_streq(provider, cfg->llm_provider)
                      ? cfg->llm_api_key
                      : "";
    /* A local model's URL is the person's choice (see the header). */
    gc->allow_loopback = ordo_llm_url_is_local(gc->provider, gc->url);
    return ORDO_OK;
}

static int generate(struct gen_cmd *c, const struct ordo_gen_request *req,
                    const struct ordo_config *cfg)
{
    struct ordo_gen_config gc;
    struct ordo_err err = {0};
    json_t *catalogue = load_catalogue(c, cfg);
    json_t *result = NULL;
    int rc;

    if (!catalogue) {
        return ORDO_CLI_FAILED;
    }
    if (gen_config(c, cfg, &gc, &err) != ORDO_OK ||
        ordo_generate(req, &gc, catalogue, progress_cb, c, &result, &err) != ORDO_OK) {
        rc = ordo_cli_fail(c->cli, ordo_cli_exit_for(err.code), "%s", err.msg);
    } else {
        rc = write_result(c, result);
    }
    json_decref(result);
    json_decref(catalogue);
    return rc;
}

int ordo_cli_generate(struct ordo_cli *cli, int argc, char **argv)
{
    struct gen_cmd c = {.cli = cli};
    struct ordo_cli_args args;
    struct ordo_config cfg;
    struct ordo_gen_request req = {0};
    int rc;

    if (ordo_cli_parse(cli, argc, argv, gen_opts, NOPTS, opt_cb, &c, &args) != ORDO_CLI_OK ||
        !ordo_cli_config(cli, &args, &cfg)) {
        return ORDO_CLI_USAGE;
    }
    rc = read_text(&c, &args, &req.text);
    if (rc != ORDO_CLI_OK) {
        return rc;
    }
    req.systems = split_systems(&c, &req.n_systems);
    req.allow_http = c.allow_http;
    return generate(&c, &req, &cfg);
}
