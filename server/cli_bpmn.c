/*
 * server/cli_bpmn.c - `ordo bpmn lint`, `ordo bpmn fmt`,
 * `ordo bpmn check --for ordo` and `ordo bpmn export`.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/text.h"
#include "bpmn/export.h"
#include "bpmn/lint.h"
#include "bpmn/parse.h"
#include "bpmn/write.h"
#include "core/graph.h"
#include "server/cli_internal.h"

static struct ordo_bpmn_parse_opts parse_opts(const struct ordo_config *cfg)
{
    return (struct ordo_bpmn_parse_opts){.max_bytes = (size_t)cfg->bpmn_max_bytes};
}

/* ---- lint ---- */

struct lint_cmd {
    struct ordo_cli *cli;
    bool json;
    bool strict;
    bool list_rules;
    enum ordo_lint_profile profile;
    const char **rules; /* --rule values, applied after the profile */
    size_t nrules;
    size_t errors, warnings, unreadable;
    json_t *files; /* --json: one object per file */
};

enum { OPT_JSON, OPT_STRICT, OPT_PROFILE, OPT_RULE, OPT_LIST_RULES };

static const struct ordo_cli_opt lint_opts[] = {
    [OPT_JSON] = {"--json", NULL, false},
    [OPT_STRICT] = {"--strict", NULL, false},
    [OPT_PROFILE] = {"--profile", NULL, true},
    [OPT_RULE] = {"--rule", NULL, true},
    [OPT_LIST_RULES] = {"--list-rules", NULL, false},
};

static int lint_opt_cb(void *ctx, size_t which, const char *value)
{
    struct lint_cmd *c = ctx;
    struct ordo_err err = {0};

    switch (which) {
    case OPT_JSON:
        c->json = true;
        break;
    case OPT_STRICT:
        c->strict = true;
        break;
    case OPT_LIST_RULES:
        c->list_rules = true;
        break;
    case OPT_PROFILE:
        if (ordo_lint_profile_parse(value, &c->profile, &err) != ORDO_OK) {
            return ordo_cli_fail(c->cli, ORDO_CLI_USAGE, "%s", err.msg);
        }
        break;
    default:
        c->rules[c->nrules++] = value;
        break;
    }
    return ORDO_CLI_OK;
}

/* jansson refuses strings that are not UTF-8 (a file name may be anything)
 * and fails only on that or on exhaustion; repair first, then any NULL is
 * out of memory. */
static json_t *checked(json_t *j)
{
    if (!j) {
        ordo_oom(0);
    }
    return j;
}

static const char *utf8(struct ordo_cli *cli, const char *s)
{
    return s ? ordo_utf8_repair(cli->arena, s) : NULL;
}

static void append(json_t *array, json_t *item)
{
    if (json_array_append_new(array, checked(item)) != 0) {
        ordo_oom(0);
    }
}

static json_t *finding_json(struct lint_cmd *c, const struct ordo_lint_finding *f)
{
    return checked(json_pack("{s:s, s:s?, s:s, s:s, s:I}", "rule", f->rule, "element",
                             utf8(c->cli, f->element), "severity",
                             ordo_lint_severity_name(f->severity), "message",
                             utf8(c->cli, f->message), "line", (json_int_t)f->line));
}

static void print_findings(struct lint_cmd *c, const char *path, const struct ordo_lint_report *r)
{
    json_t *list = c->json ? checked(json_array()) : NULL;

    for (size_t i = 0; i < r->count; i++) {
        const struct ordo_lint_finding *f = &r->findings[i];

        if (list) {
            append(list, finding_json(c, f));
            continue;
        }
        (void)fprintf(c->cli->out, "%s:%u: %s: %s", path, (unsigned)f->line,
                      ordo_lint_severity_name(f->severity), f->message);
        if (f->element) {
            (void)fprintf(c->cli->out, " (element \"%s\")", f->element);
        }
        (void)fprintf(c->cli->out, " [%s]\n", f->rule);
    }
    if (list) {
        append(c->files, json_pack("{s:s, s:I, s:I, s:o}", "file", utf8(c->cli, path), "errors",
                                   (json_int_t)r->errors, "warnings", (json_int_t)r->warnings,
                                   "findings", list));
    }
}

static void lint_one(struct lint_cmd *c, const char *path, const struct ordo_config *cfg,
                     const struct ordo_lint_config *rules)
{
    struct ordo_bpmn_parse_opts popts = parse_opts(cfg);
    struct ordo_bpmn_model *model = NULL;
    struct ordo_arena *arena;
    struct ordo_lint_report report;
    struct ordo_err err = {0};

    if (ordo_bpmn_parse_file(path, &popts, &model, &err) != ORDO_OK) {
        c->unreadable++;
        if (c->json) {
            append(c->files,
                   json_pack("{s:s, s:{s:s, s:s}}", "file", utf8(c->cli, path), "error", "code",
                             ordo_code_name(err.code), "message", utf8(c->cli, err.msg)));
        } else {
            ordo_cli_fail(c->cli, ORDO_CLI_USAGE, "%s", err.msg);
        }
        return;
    }
    arena = ordo_arena_new();
    ordo_lint_run(model, rules, arena, &report);
    c->errors += report.errors;
    c->warnings += report.warnings;
    print_findings(c, path, &report);
    ordo_arena_free(arena);
    ordo_bpmn_model_free(model);
}

static void print_summary(struct lint_cmd *c, int nfiles)
{
    if (c->json) {
        json_t *doc = checked(json_pack("{s:o, s:I, s:I, s:I}", "files", c->files, "errors",
                                        (json_int_t)c->errors, "warnings", (json_int_t)c->warnings,
                                        "unreadable", (json_int_t)c->unreadable));

        c->files = NULL; /* now owned by 'doc' */
        (void)json_dumpf(doc, c->cli->out, JSON_INDENT(2));
        (void)fputc('\n', c->cli->out);
        json_decref(doc);
        return;
    }
    (void)fprintf(c->cli->out, "%zu error%s, %zu warning%s in %d file%s", c->errors,
                  c->errors == 1 ? "" : "s", c->warnings, c->warnings == 1 ? "" : "s", nfiles,
                  nfiles == 1 ? "" : "s");
    if (c->unreadable) {
        (void)fprintf(c->cli->out, " (%zu could not be read)", c->unreadable);
    }
    (void)fputc('\n', c->cli->out);
}

/* One line per rule: id, severity in the chosen profile, summary. */
static void list_rules(struct lint_cmd *c, const struct ordo_lint_config *rules)
{
    for (size_t i = 0; i < ordo_lint_rule_count(); i++) {
        (void)fprintf(c->cli->out, "%-36s %-5s  %s\n", ordo_lint_rule_id(i),
                      ordo_lint_severity_name(rules->severity[i]), ordo_lint_rule_summary(i));
    }
}

static bool configure_rules(struct lint_cmd *c, struct ordo_lint_config *rules)
{
    struct ordo_err err = {0};

    ordo_lint_config_init(rules, c->profile);
    for (size_t i = 0; i < c->nrules; i++) {
        if (ordo_lint_config_set(rules, c->rules[i], &err) != ORDO_OK) {
            ordo_cli_fail(c->cli, ORDO_CLI_USAGE, "%s", err.msg);
            return false;
        }
    }
    return true;
}

int ordo_cli_bpmn_lint(struct ordo_cli *cli, int argc, char **argv)
{
    struct lint_cmd c = {.cli = cli, .profile = ORDO_LINT_PROFILE_ORDO};
    struct ordo_lint_config rules;
    struct ordo_config cfg;
    struct ordo_cli_args args;
    int rc;

    c.rules = ordo_arena_calloc(cli->arena, (size_t)argc + 1, sizeof(*c.rules));
    rc = ordo_cli_parse(cli, argc, argv, lint_opts, sizeof(lint_opts) / sizeof(lint_opts[0]),
                        lint_opt_cb, &c, &args);
    if (rc != ORDO_CLI_OK) {
        return rc;
    }
    if (!configure_rules(&c, &rules) || !ordo_cli_config(cli, &args, &cfg)) {
        return ORDO_CLI_USAGE;
    }
    if (c.list_rules) {
        list_rules(&c, &rules);
        return ORDO_CLI_OK;
    }
    if (args.npos == 0) {
        return ordo_cli_fail(cli, ORDO_CLI_USAGE, "no FILE given; usage: ordo bpmn lint FILE...");
    }
    c.files = c.json ? checked(json_array()) : NULL;
    for (int i = 0; i < args.npos; i++) {
        lint_one(&c, args.pos[i], &cfg, &rules);
    }
    print_summary(&c, args.npos);
    json_decref(c.files);
    if (c.unreadable) {
        return ORDO_CLI_USAGE;
    }
    return c.errors || (c.strict && c.warnings) ? ORDO_CLI_FAILED : ORDO_CLI_OK;
}

/* ---- fmt ---- */

static int fmt_opt_cb(void *ctx, size_t which, const char *value)
{
    (void)which;
    *(const char **)ctx = value;
    return ORDO_CLI_OK;
}

static const struct ordo_cli_opt fmt_opts[] = {{"-o", "--output", true}};

int ordo_cli_bpmn_fmt(struct ordo_cli *cli, int argc, char **argv)
{
    struct ordo_bpmn_model *model = NULL;
    struct ordo_buf xml = ORDO_BUF_INIT;
    struct ordo_bpmn_parse_opts popts;
    struct ordo_err err = {0};
    struct ordo_config cfg;
    struct ordo_cli_args args;
    const char *output = NULL;
    int rc;

    rc = ordo_cli_parse(cli, argc, argv, fmt_opts, 1, fmt_opt_cb, &output, &args);
    if (rc != ORDO_CLI_OK) {
        return rc;
    }
    if (!ordo_cli_config(cli, &args, &cfg)) {
        return ORDO_CLI_USAGE;
    }
    if (args.npos != 1) {
        return ordo_cli_fail(cli, ORDO_CLI_USAGE,
                             "expected one FILE; usage: ordo bpmn fmt FILE [-o OUT]");
    }
    popts = parse_opts(&cfg);
    if (ordo_bpmn_parse_file(args.pos[0], &popts, &model, &err) != ORDO_OK ||
        ordo_bpmn_write(model, &xml, &err) != ORDO_OK) {
        rc = ordo_cli_fail(cli, ordo_cli_exit_for(err.code), "%s", err.msg);
    } else if (output && strcmp(output, "-") != 0) {
        rc = ordo_file_write_atomic(output, xml.data, xml.len, &err) == ORDO_OK
                 ? ORDO_CLI_OK
                 : ordo_cli_fail(cli, ORDO_CLI_FAILED, "%s", err.msg);
    } else if (fwrite(xml.data, 1, xml.len, cli->out) != xml.len) {
        rc = ordo_cli_fail(cli, ORDO_CLI_FAILED, "could not write the output");
    }
    ordo_buf_cleanup(&xml);
    ordo_bpmn_model_free(model);
    return rc;
}

/* ---- check --for ordo ----
 *
 * What a Camunda 7 or 8 model needs to run in Ordo, per element. The
 * refusals are the compiler's own findings (core/graph.h), from the same
 * ordo_graph_compile() call that `ordo run` and deploy make, so check and
 * run cannot disagree; its notes say what runs mapped (JUEL translated to
 * FEEL, camunda:asyncBefore ignored, ...). Only the installed connectors
 * are this command's own knowledge: a job type none of them runs waits
 * for an external worker (CONTRACTS §1). Rule ids: "ordo/unsupported-" or
 * "ordo/mapped-" and the compiler's rule (docs/migrating-from-camunda-7.md).
 */

enum check_status { CHECK_RUNS, CHECK_MAPPED, CHECK_REFUSED };

static const char *const check_status_names[] = {"runs", "mapped", "refused"};

struct check_finding {
    enum check_status status; /* CHECK_MAPPED or CHECK_REFUSED */
    const char *rule;         /* "ordo/unsupported-java-delegate" */
    const char *element;      /* NULL when the element has no id */
    const char *message;
    uint32_t line;
    size_t seq; /* the order found, to sort by line stably */
};

struct check_cmd {
    struct ordo_cli *cli;
    const char *target; /* --for */
    bool json;
    const char **installed; /* the action ids of the installed connectors */
    size_t ninstalled;
    struct check_finding *found; /* of the file being checked */
    size_t nfound, cap_found;
    size_t refused, unreadable; /* files */
    json_t *files;              /* --json: one object per file */
};

enum { CHECK_OPT_FOR, CHECK_OPT_JSON };

static const struct ordo_cli_opt check_opts[] = {
    [CHECK_OPT_FOR] = {"--for", NULL, true},
    [CHECK_OPT_JSON] = {"--json", NULL, false},
};

static int check_opt_cb(void *ctx, size_t which, const char *value)
{
    struct check_cmd *c = ctx;

    if (which == CHECK_OPT_JSON) {
        c->json = true;
    } else if (strcmp(value, "ordo") != 0) {
        return ordo_cli_fail(c->cli, ORDO_CLI_USAGE,
                             "--for %s: only \"ordo\" is a target (what runs in Ordo); to write "
                             "a model for Camunda use `ordo bpmn export --target`",
                             value);
    } else {
        c->target = value;
    }
    return ORDO_CLI_OK;
}

static void add_found(struct check_cmd *c, enum check_status status, const char *rule,
                      const struct ordo_graph_finding *f)
{
    struct check_finding *x;

    c->found = ordo_arena_grow(c->cli->arena, c->found, c->nfound, &c->cap_found, sizeof(*x));
    x = &c->found[c->nfound];
    x->status = status;
    x->rule = rule;
    x->element = f->element;
    x->message = f->message;
    x->line = f->line;
    x->seq = c->nfound++;
}

/* The compiler's rule as a lint rule id: "unsupported-element" stays as
 * it is, "java-delegate" becomes "ordo/unsupported-java-delegate". */
static void add_refusal(struct check_cmd *c, const struct ordo_graph_finding *f)
{
    const char *prefix = strncmp(f->rule, "unsupported-", 12) == 0 ? "ordo/" : "ordo/unsupported-";

    add_found(c, CHECK_REFUSED, ordo_arena_printf(c->cli->arena, "%s%s", prefix, f->rule), f);
}

static void note_cb(void *ctx, const struct ordo_graph_finding *note)
{
    struct check_cmd *c = ctx;

    add_found(c, CHECK_MAPPED, ordo_arena_printf(c->cli->arena, "ordo/mapped-%s", note->rule),
              note);
}

static bool installed(const struct check_cmd *c, const char *type)
{
    for (size_t i = 0; i < c->ninstalled; i++) {
        if (strcmp(c->installed[i], type) == 0) {
            return true;
        }
    }
    return false;
}

/* Job types no installed connector runs: their jobs wait for a worker. */
static void check_job_types(struct check_cmd *c, const struct ordo_graph *graph)
{
    for (uint32_t i = 0; i < graph->nnodes; i++) {
        const struct ordo_graph_node *n = &graph->nodes[i];
        struct ordo_graph_finding f = {.element = n->id, .line = n->line};

        if (!n->job_type || installed(c, n->job_type)) {
            continue;
        }
        f.message = ordo_arena_printf(
            c->cli->arena,
            "%s \"%s\": no installed connector runs job type \"%s\": its jobs wait for an external "
            "worker (Camunda 7 external-task client on /engine-rest, Camunda 8 job worker on /v2), "
            "or bind the task to a connector action with ordo:action",
            n->type + strlen("bpmn:"), n->id, n->job_type);
        add_found(c, CHECK_MAPPED, "ordo/mapped-external-worker", &f);
    }
}

static int by_line_cb(const void *a, const void *b)
{
    const struct check_finding *x = a;
    const struct check_finding *y = b;

    if (x->line != y->line) {
        return x->line < y->line ? -1 : 1;
    }
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The worst status of the findings on element 'id'. */
static enum check_status status_of(const struct check_cmd *c, const char *id)
{
    enum check_status s = CHECK_RUNS;

    for (size_t i = 0; i < c->nfound; i++) {
        if (c->found[i].element && strcmp(c->found[i].element, id) == 0 && c->found[i].status > s) {
            s = c->found[i].status;
        }
    }
    return s;
}

/* Every process, flow node and sequence flow with an id, with its status;
 * 'counts' by status. */
static json_t *check_elements(struct check_cmd *c, const struct ordo_bpmn_model *model,
                              size_t counts[3])
{
    const struct ordo_bpmn_node *root = ordo_bpmn_model_root(model);
    json_t *list = checked(json_array());

    for (const struct ordo_bpmn_node *n = root; n; n = ordo_bpmn_next(root, n)) {
        enum check_status s;

        if (!ordo_bpmn_is_element(n) || n->in_extension || !n->id ||
            !(ordo_bpmn_is(n, ORDO_BPMN_C_FLOW_NODE) || n->kind == ORDO_BPMN_SEQUENCE_FLOW ||
              n->kind == ORDO_BPMN_PROCESS)) {
            continue;
        }
        s = status_of(c, n->id);
        counts[s]++;
        append(list, json_pack("{s:s, s:s, s:s}", "id", utf8(c->cli, n->id), "type",
                               utf8(c->cli, n->tag), "status", check_status_names[s]));
    }
    return list;
}

static void print_check(struct check_cmd *c, const char *path, const struct ordo_bpmn_model *model)
{
    size_t counts[3] = {0};
    json_t *elements = check_elements(c, model, counts);
    enum check_status file = CHECK_RUNS;
    json_t *list = checked(json_array());

    if (c->nfound > 1) { /* qsort(NULL, 0, ...) is undefined */
        qsort(c->found, c->nfound, sizeof(*c->found), by_line_cb);
    }
    for (size_t i = 0; i < c->nfound; i++) {
        const struct check_finding *f = &c->found[i];

        file = f->status > file ? f->status : file;
        append(list, json_pack("{s:s, s:s?, s:s, s:s, s:I}", "rule", f->rule, "element",
                               utf8(c->cli, f->element), "status", check_status_names[f->status],
                               "message", utf8(c->cli, f->message), "line", (json_int_t)f->line));
    }
    c->refused += file == CHECK_REFUSED;
    if (c->json) {
        append(c->files,
               json_pack("{s:s, s:s, s:{s:I, s:I, s:I}, s:o, s:o}", "file", utf8(c->cli, path),
                         "status", check_status_names[file], "counts", "runs",
                         (json_int_t)counts[CHECK_RUNS], "mapped", (json_int_t)counts[CHECK_MAPPED],
                         "refused", (json_int_t)counts[CHECK_REFUSED], "elements", elements,
                         "findings", list));
        return;
    }
    json_decref(elements);
    json_decref(list);
    (void)fprintf(c->cli->out, "%s: %s: %zu element%s run as is, %zu mapped, %zu refused\n", path,
                  check_status_names[file], counts[CHECK_RUNS], counts[CHECK_RUNS] == 1 ? "" : "s",
                  counts[CHECK_MAPPED], counts[CHECK_REFUSED]);
    for (size_t i = 0; i < c->nfound; i++) {
        const struct check_finding *f = &c->found[i];

        (void)fprintf(c->cli->out, "%s:%u: %s: %s [%s]\n", path, (unsigned)f->line,
                      check_status_names[f->status], f->message, f->rule);
    }
}

static void check_unreadable(struct check_cmd *c, const char *path, const struct ordo_err *err)
{
    c->unreadable++;
    if (c->json) {
        append(c->files,
               json_pack("{s:s, s:{s:s, s:s}}", "file", utf8(c->cli, path), "error", "code",
                         ordo_code_name(err->code), "message", utf8(c->cli, err->msg)));
    } else {
        (void)ordo_cli_fail(c->cli, ORDO_CLI_USAGE, "%s", err->msg);
    }
}

static void check_one(struct check_cmd *c, const char *path, const struct ordo_config *cfg)
{
    struct ordo_bpmn_parse_opts popts = parse_opts(cfg);
    struct ordo_graph_options gopts = {.on_note = note_cb, .note_ctx = c};
    struct ordo_bpmn_model *model = NULL;
    struct ordo_graph *graph = NULL;
    const struct ordo_graph_finding *findings = NULL;
    size_t nfindings = 0;
    struct ordo_err err = {0};
    enum ordo_code rc;

    c->nfound = 0;
    if (ordo_bpmn_parse_file(path, &popts, &model, &err) != ORDO_OK) {
        check_unreadable(c, path, &err);
        return;
    }
    /* The very compile `ordo run` makes (cli_run.c), plus the notes. */
    rc = ordo_graph_compile(model, &gopts, c->cli->arena, &graph, &findings, &nfindings, &err);
    if (rc != ORDO_OK && nfindings == 0) {
        check_unreadable(c, path, &err); /* not a BPMN document at all */
    } else {
        for (size_t i = 0; i < nfindings; i++) {
            add_refusal(c, &findings[i]);
        }
        if (graph) {
            check_job_types(c, graph);
        }
        print_check(c, path, model);
    }
    ordo_graph_free(graph);
    ordo_bpmn_model_free(model);
}

/* The action ids of the installed connectors, copied before the
 * registry closes. Without readable connectors every job type is reported
 * as waiting for a worker, after the reason is printed. */
static void load_installed(struct check_cmd *c, const struct ordo_config *cfg)
{
    struct ordo_plugin_host_options hopts = {0};
    struct ordo_cli_plugins p;
    const char *const *ids;

    if (ordo_cli_plugins_open(c->cli, cfg, &hopts, &p) != ORDO_CLI_OK) {
        (void)fprintf(c->cli->err, "ordo bpmn check: warning: no connectors are known, so every "
                                   "job type is reported as waiting for an external worker\n");
        return;
    }
    ids = ordo_registry_action_ids(p.reg, &c->ninstalled);
    c->installed = ordo_arena_calloc(c->cli->arena, c->ninstalled + 1, sizeof(*c->installed));
    for (size_t i = 0; i < c->ninstalled; i++) {
        c->installed[i] = ordo_arena_strdup(c->cli->arena, ids[i]);
    }
    ordo_cli_plugins_close(&p);
}

int ordo_cli_bpmn_check(struct ordo_cli *cli, int argc, char **argv)
{
    struct check_cmd c = {.cli = cli};
    struct ordo_config cfg;
    struct ordo_cli_args args;
    int rc;

    rc = ordo_cli_parse(cli, argc, argv, check_opts, sizeof(check_opts) / sizeof(check_opts[0]),
                        check_opt_cb, &c, &args);
    if (rc != ORDO_CLI_OK) {
        return rc;
    }
    if (!ordo_cli_config(cli, &args, &cfg)) {
        return ORDO_CLI_USAGE;
    }
    if (!c.target || args.npos == 0) {
        return ordo_cli_fail(cli, ORDO_CLI_USAGE,
                             "%s; usage: ordo bpmn check --for ordo FILE... [--json]",
                             c.target ? "no FILE given" : "--for ordo is missing");
    }
    load_installed(&c, &cfg);
    c.files = c.json ? checked(json_array()) : NULL;
    for (int i = 0; i < args.npos; i++) {
        check_one(&c, args.pos[i], &cfg);
    }
    if (c.json) {
        json_t *doc =
            checked(json_pack("{s:s, s:o, s:I, s:I}", "for", c.target, "files", c.files, "refused",
                              (json_int_t)c.refused, "unreadable", (json_int_t)c.unreadable));

        (void)json_dumpf(doc, cli->out, JSON_INDENT(2));
        (void)fputc('\n', cli->out);
        json_decref(doc);
    }
    if (c.unreadable) {
        return ORDO_CLI_USAGE;
    }
    return c.refused ? ORDO_CLI_FAILED : ORDO_CLI_OK;
}

/* ---- export ---- */

struct export_cmd {
    const char *target;
    const char *output;
    const char *forms_dir;
    bool json;
};

enum { EXP_TARGET, EXP_OUTPUT, EXP_FORMS_DIR, EXP_JSON };

static const struct ordo_cli_opt export_opts[] = {
    [EXP_TARGET] = {"--target", NULL, true},
    [EXP_OUTPUT] = {"-o", "--output", true},
    [EXP_FORMS_DIR] = {"--forms-dir", NULL, true},
    [EXP_JSON] = {"--json", NULL, false},
};

static int export_opt_cb(void *ctx, size_t which, const char *value)
{
    struct export_cmd *c = ctx;

    switch (which) {
    case EXP_TARGET:
        c->target = value;
        break;
    case EXP_OUTPUT:
        c->output = value;
        break;
    case EXP_FORMS_DIR:
        c->forms_dir = value;
        break;
    default:
        c->json = true;
        break;
    }
    return ORDO_CLI_OK;
}

/* Each Camunda Form as DIR/<formId>.form; without DIR they are reported as
 * left out (CONTRACTS §11). */
static int write_forms(struct ordo_cli *cli, const struct export_cmd *c,
                       struct ordo_export_result *r)
{
    struct ordo_err err = {0};

    if (!c->forms_dir) {
        if (!c->json) { /* the --json document carries the forms */
            ordo_export_note_forms_left_out(r, "give --forms-dir DIR to write it");
        }
        return ORDO_CLI_OK;
    }
    for (size_t i = 0; i < r->nforms; i++) {
        const char *path =
            ordo_arena_printf(cli->arena, "%s/%s.form", c->forms_dir, r->forms[i].id);
        char *text = json_dumps(r->forms[i].doc, JSON_INDENT(2));
        enum ordo_code rc = ordo_file_write_atomic(path, text, strlen(text), &err);

        free(text);
        if (rc != ORDO_OK) {
            return ordo_cli_fail(cli, ORDO_CLI_FAILED, "%s", err.msg);
        }
    }
    return ORDO_CLI_OK;
}

static void print_export_report(struct ordo_cli *cli, const struct ordo_export_result *r)
{
    for (size_t i = 0; i < r->nfindings; i++) {
        const struct ordo_export_finding *f = &r->findings[i];

        (void)fprintf(cli->err, "%s: %s: %s: %s\n", f->element ? f->element : "(document)",
                      ordo_export_level_name(f->level), f->what, f->message);
    }
}

static int export_output(struct ordo_cli *cli, const struct export_cmd *c,
                         enum ordo_export_target target, const struct ordo_export_result *r,
                         const struct ordo_buf *xml)
{
    struct ordo_err err = {0};

    if (c->output && strcmp(c->output, "-") != 0 &&
        ordo_file_write_atomic(c->output, xml->data, xml->len, &err) != ORDO_OK) {
        return ordo_cli_fail(cli, ORDO_CLI_FAILED, "%s", err.msg);
    }
    if (c->json) {
        json_t *doc = checked(ordo_export_json(r, target, ordo_buf_cstr(xml)));

        (void)json_dumpf(doc, cli->out, JSON_INDENT(2));
        (void)fputc('\n', cli->out);
        json_decref(doc);
        return ORDO_CLI_OK;
    }
    print_export_report(cli, r);
    if ((!c->output || strcmp(c->output, "-") == 0) &&
        fwrite(xml->data, 1, xml->len, cli->out) != xml->len) {
        return ordo_cli_fail(cli, ORDO_CLI_FAILED, "could not write the output");
    }
    return ORDO_CLI_OK;
}

int ordo_cli_bpmn_export(struct ordo_cli *cli, int argc, char **argv)
{
    struct export_cmd c = {0};
    struct ordo_bpmn_model *model = NULL;
    struct ordo_export_result *r = NULL;
    struct ordo_buf xml = ORDO_BUF_INIT;
    enum ordo_export_target target;
    struct ordo_bpmn_parse_opts popts;
    struct ordo_err err = {0};
    struct ordo_config cfg;
    struct ordo_cli_args args;
    int rc;

    rc = ordo_cli_parse(cli, argc, argv, export_opts, sizeof(export_opts) / sizeof(export_opts[0]),
                        export_opt_cb, &c, &args);
    if (rc != ORDO_CLI_OK) {
        return rc;
    }
    if (!ordo_cli_config(cli, &args, &cfg)) {
        return ORDO_CLI_USAGE;
    }
    if (!c.target || args.npos != 1) {
        return ordo_cli_fail(cli, ORDO_CLI_USAGE,
                             "expected --target and one FILE; usage: ordo bpmn export --target "
                             "camunda8|camunda7 FILE [-o OUT] [--forms-dir DIR] [--json]");
    }
    if (ordo_export_target_parse(c.target, &target, &err) != ORDO_OK) {
        return ordo_cli_fail(cli, ORDO_CLI_USAGE, "%s", err.msg);
    }
    popts = parse_opts(&cfg);
    if (ordo_bpmn_parse_file(args.pos[0], &popts, &model, &err) != ORDO_OK ||
        ordo_bpmn_export(model, target, &r, &err) != ORDO_OK ||
        ordo_bpmn_write(r->model, &xml, &err) != ORDO_OK) {
        rc = ordo_cli_fail(cli, ordo_cli_exit_for(err.code), "%s", err.msg);
        goto out;
    }
    rc = write_forms(cli, &c, r);
    if (rc == ORDO_CLI_OK) {
        rc = export_output(cli, &c, target, r, &xml);
    }
    if (rc == ORDO_CLI_OK && r->lost) {
        rc = ORDO_CLI_FAILED; /* exported, but not everything could be translated */
    }
out:
    ordo_buf_cleanup(&xml);
    ordo_export_result_free(r);
    ordo_bpmn_model_free(model);
    return rc;
}
