/*
 * core/store_deploy.c - deploying a BPMN file: new definition versions and
 * their start events.
 */
#include <string.h>

#include "base/buf.h"
#include "base/crypto.h"
#include "base/json.h"
#include "bpmn/lint.h"
#include "bpmn/parse.h"
#include "core/audit.h"
#include "core/store_internal.h"

struct deploy_ctx {
    const char *resource, *xml, *hash, *actor;
    const char *findings; /* lint findings, JSON text, stored with each definition */
    const struct ordo_graph *graph;
    const char **retention; /* per graph->processes[i]: retention_days as text, or NULL */
    struct ordo_arena *out_arena;
    struct ordo_deployed *out;
    size_t nout;
};

/* retention_days of each executable process, as text for the INSERT:
 * camunda:historyTimeToLive, read (and refused when it is not a number of
 * days) by the compiler (core/graph_ext.c), so that `ordo run` and
 * `ordo bpmn check` refuse exactly what deploy refuses. NULL: finished
 * instances are kept. */
static void read_retentions(struct deploy_ctx *c, struct ordo_arena *arena)
{
    c->retention = ordo_arena_calloc(arena, c->graph->nprocesses + 1, sizeof *c->retention);
    for (uint32_t i = 0; i < c->graph->nprocesses; i++) {
        const struct ordo_graph_node *proc = &c->graph->nodes[c->graph->processes[i]];

        if (proc->executable && proc->retention_days > 0) {
            c->retention[i] = ordo_arena_printf(arena, "%u", (unsigned)proc->retention_days);
        }
    }
}

/* The start timer of 'node' first due after 'now_ms', armed now. */
static void add_start_timer(struct ordo_store *st, struct ordo_pg_batch *batch, int64_t def_key,
                            const struct ordo_graph_node *n, int64_t now_ms)
{
    int64_t due;
    const struct ordo_tz *zone = ordo_st_def_runtime(st)->zone;

    if (!n->timer.parsed || !ordo_timer_due(n->timer.parsed, now_ms, 0, now_ms, zone, &due)) {
        return; /* an expression timer, or a date already past: nothing to schedule */
    }
    const char *p[4] = {
        ordo_st_i64(st->arena, def_key), n->id, ordo_st_i64(st->arena, due),
        ordo_arena_printf(st->arena, "{\"armed\":%lld,\"fired\":0}", (long long)now_ms)};

    ordo_pg_batch_add(batch, "could not schedule a timer start event",
                      "INSERT INTO job (kind, definition_key, element_id, due_at, payload) "
                      "VALUES ('start_timer', $1, $2, to_timestamp($3::bigint / 1000.0), $4)",
                      4, p);
}

/* Version N+1 takes over the start events of the process (CONTRACTS §12). */
static void move_start_events(struct ordo_store *st, struct ordo_pg_batch *batch,
                              const struct ordo_graph *g, const struct ordo_graph_node *proc,
                              int64_t def_key, int64_t now_ms)
{
    const char *p[1] = {proc->id};

    ordo_pg_batch_add(batch, "could not drop the old start events",
                      "DELETE FROM start_subscription WHERE process_id = $1", 1, p);
    ordo_pg_batch_add(batch, "could not drop the old start timers",
                      "DELETE FROM job WHERE kind = 'start_timer' AND definition_key IN "
                      "(SELECT key FROM definition WHERE process_id = $1)",
                      1, p);
    for (uint32_t i = 0; i < proc->nstarts; i++) {
        const struct ordo_graph_node *n = &g->nodes[proc->starts[i]];

        if (n->trigger == ORDO_GRAPH_TRIGGER_TIMER) {
            add_start_timer(st, batch, def_key, n, now_ms);
        } else if (n->trigger == ORDO_GRAPH_TRIGGER_MESSAGE && n->message.name.constant) {
            const char *q[4] = {ordo_st_i64(st->arena, def_key), proc->id, n->id,
                                n->message.name.constant};

            ordo_pg_batch_add(batch, "could not subscribe a message start event",
                              "INSERT INTO start_subscription (definition_key, process_id, "
                              "element_id, message_name) VALUES ($1, $2, $3, $4)",
                              4, q);
        }
    }
}

/* ---- webhook endpoints (CONTRACTS §14) ------------------------------------------------------ */

/* Is the endpoint name 'name' free for process 'proc'? Taken by another
 * process or by an API endpoint: ORDO_E_CONFLICT naming it. */
static enum ordo_code webhook_name_free(struct ordo_store *st, const char *proc, const char *elem,
                                        const char *name, struct ordo_err *err)
{
    const char *p[2] = {name, proc};
    PGresult *res;
    enum ordo_code rc = ordo_st_query(st, "could not look up a webhook endpoint",
                                      "SELECT coalesce(process_id, ''), definition_key IS NULL "
                                      "FROM webhook_endpoint WHERE name = $1 AND "
                                      "(definition_key IS NULL OR process_id IS DISTINCT FROM $2)",
                                      2, p, &res, err);

    if (rc != ORDO_OK || PQntuples(res) == 0) {
        return rc;
    }
    if (strcmp(PQgetvalue(res, 0, 1), "t") == 0) {
        return ordo_err_set(err, ORDO_E_CONFLICT,
                            "ordo:webhook of \"%s\": the endpoint name \"%s\" is taken by an "
                            "endpoint made through the API",
                            elem, name);
    }
    return ordo_err_set(err, ORDO_E_CONFLICT,
                        "ordo:webhook of \"%s\": the endpoint name \"%s\" is taken by process "
                        "\"%s\"",
                        elem, name, PQgetvalue(res, 0, 0));
}

/* Insert or re-point one endpoint; the secret and 'enabled' are kept. */
static void upsert_webhook(struct ordo_store *st, struct ordo_pg_batch *batch,
                           const struct ordo_graph_node *proc, const struct ordo_graph_node *n,
                           int64_t def_key, const char *actor)
{
    const struct ordo_graph_webhook *w = n->webhook;
    bool start = n->kind == ORDO_GRAPH_START_EVENT;
    const char *p[11] = {w->name,
                         w->scheme,
                         w->options,
                         start ? "start" : "message",
                         proc->id,
                         n->id,
                         start ? NULL : n->message.name.constant,
                         w->correlation,
                         w->variables,
                         ordo_st_i64(st->arena, def_key),
                         actor ? actor : "system"};

    ordo_pg_batch_add(batch, "could not register a webhook endpoint",
                      "INSERT INTO webhook_endpoint (name, scheme, options, action, process_id, "
                      "element_id, message_name, correlation_key, variables, definition_key, "
                      "created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
                      "ON CONFLICT (name) DO UPDATE SET scheme = EXCLUDED.scheme, "
                      "options = EXCLUDED.options, action = EXCLUDED.action, "
                      "element_id = EXCLUDED.element_id, message_name = EXCLUDED.message_name, "
                      "correlation_key = EXCLUDED.correlation_key, "
                      "variables = EXCLUDED.variables, definition_key = EXCLUDED.definition_key, "
                      "updated_at = now() WHERE webhook_endpoint.definition_key IS NOT NULL AND "
                      "webhook_endpoint.process_id = EXCLUDED.process_id",
                      11, p);
}

/* The endpoints of the new version: registered, re-pointed, and those the
 * version no longer declares dropped. */
static enum ordo_code register_webhooks(struct ordo_store *st, struct ordo_pg_batch *batch,
                                        const struct ordo_graph *g,
                                        const struct ordo_graph_node *proc, int64_t def_key,
                                        const char *actor, struct ordo_err *err)
{
    struct ordo_buf names;
    enum ordo_code rc = ORDO_OK;

    ordo_buf_init(&names);
    ordo_buf_putc(&names, '{');
    for (uint32_t i = 0; i < g->nnodes && rc == ORDO_OK; i++) {
        const struct ordo_graph_node *n = &g->nodes[i];

        if (!n->webhook || n->process != proc->index) {
            continue;
        }
        rc = webhook_name_free(st, proc->id, n->id, n->webhook->name, err);
        if (rc == ORDO_OK) {
            upsert_webhook(st, batch, proc, n, def_key, actor);
            /* names are [a-z0-9_-]: nothing to quote in an array literal */
            ordo_buf_printf(&names, "%s%s", names.len > 1 ? "," : "", n->webhook->name);
        }
    }
    ordo_buf_putc(&names, '}');
    const char *p[2] = {proc->id, ordo_arena_strdup(st->arena, ordo_buf_cstr(&names))};

    ordo_buf_cleanup(&names);
    ordo_pg_batch_add(batch, "could not drop old webhook endpoints",
                      "DELETE FROM webhook_endpoint WHERE process_id = $1 AND definition_key IS "
                      "NOT NULL AND name <> ALL ($2::text[])",
                      2, p);
    return rc;
}

static enum ordo_code deploy_process(struct ordo_store *st, struct deploy_ctx *c,
                                     struct ordo_pg_batch *batch, uint32_t i, struct ordo_err *err)
{
    const struct ordo_graph_node *proc = &c->graph->nodes[c->graph->processes[i]];
    const char *p[2] = {proc->id, c->hash};
    struct ordo_deployed *d = &c->out[c->nout++];
    PGresult *res;
    enum ordo_code rc;

    /* Two nodes deploying the same process at once must not both take
     * version N+1: the lock orders them, the unique key is the backstop. */
    rc = ordo_st_query(st, "could not lock the process id",
                       "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", 1, p, NULL, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    rc = ordo_st_query(st, "could not read the newest version",
                       "SELECT 0, coalesce(max(version), 0), nextval('ordo_key_seq'), "
                       "(extract(epoch FROM statement_timestamp()) * 1000)::bigint, "
                       "(SELECT key FROM definition WHERE process_id = $1 AND hash = $2 AND "
                       "version = (SELECT max(version) FROM definition WHERE process_id = $1)) "
                       "FROM definition WHERE process_id = $1",
                       2, p, &res, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    d->process_id = ordo_arena_strdup(c->out_arena, proc->id);
    d->version = (int)ordo_pg_int(res, 0, 1);
    if (!PQgetisnull(res, 0, 4)) { /* the same XML is already the newest version */
        d->key = ordo_pg_int(res, 0, 4);
        return ORDO_OK;
    }
    d->key = ordo_pg_int(res, 0, 2);
    d->version++;
    d->created = true;
    const char *q[7] = {ordo_st_i64(st->arena, d->key),
                        proc->id,
                        ordo_st_i64(st->arena, d->version),
                        proc->name,
                        c->resource,
                        c->xml,
                        c->hash};
    const char *ins[10] = {
        q[0], q[1], q[2], q[3], q[4], q[5], q[6], c->actor, c->retention[i], c->findings};

    ordo_pg_batch_add(batch, "could not store the definition",
                      "INSERT INTO definition (key, process_id, version, name, resource, xml, "
                      "hash, deployed_by, retention_days, findings) VALUES ($1, $2, $3, $4, $5, "
                      "$6, $7, $8, $9::int, $10)",
                      10, ins);
    move_start_events(st, batch, c->graph, proc, d->key, ordo_pg_int(res, 0, 3));
    rc = register_webhooks(st, batch, c->graph, proc, d->key, c->actor, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    ordo_st_audit_one(st, batch, ordo_pg_int(res, 0, 3), c->actor, "definition.deployed", 0,
                      proc->id,
                      ordo_arena_printf(st->arena,
                                        "{\"definition_key\":\"%lld\",\"process\":\"%s\","
                                        "\"version\":%d,\"hash\":\"%s\"}",
                                        (long long)d->key, proc->id, d->version, c->hash));
    return ORDO_OK;
}

static bool listed(const char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(list[i], s) == 0) {
            return true;
        }
    }
    return false;
}

static void add_finding(json_t *list, const char *rule, const struct ordo_graph_node *n,
                        const char *message)
{
    json_array_append_new(list,
                          json_pack("{s:s, s:s, s:s, s:s, s:i}", "rule", rule, "element", n->id,
                                    "severity", "warn", "message", message, "line", (int)n->line));
}

/* A constant candidate-group list ("a, b"): each name not in 'req->groups'. */
static void unknown_groups(json_t *list, const struct ordo_deploy_req *req,
                           const struct ordo_graph_node *n, struct ordo_arena *arena)
{
    const char *p = n->candidate_groups.constant;

    while (p && *p) {
        size_t len = strcspn(p, ",");
        const char *name = p;

        while (len && *name == ' ') {
            name++;
            len--;
        }
        while (len && name[len - 1] == ' ') {
            len--;
        }
        name = ordo_arena_strndup(arena, name, len);
        if (len && !listed(req->groups, req->ngroups, name)) {
            add_finding(list, "ordo/unknown-group", n,
                        ordo_arena_printf(arena,
                                          "candidate group \"%s\" does not exist yet: nobody in "
                                          "it can act on the task",
                                          name));
        }
        p += strcspn(p, ",") + (p[strcspn(p, ",")] == ',');
    }
}

/* Findings that depend on this server, not on the model alone. */
static void server_findings(json_t *list, const struct ordo_deploy_req *req,
                            const struct ordo_graph *graph, struct ordo_arena *arena)
{
    for (uint32_t i = 0; i < graph->nnodes; i++) {
        const struct ordo_graph_node *n = &graph->nodes[i];

        if (req->installed && n->job_type &&
            !listed(req->installed, req->ninstalled, n->job_type)) {
            add_finding(list, "ordo/job-type-not-installed", n,
                        ordo_arena_printf(arena,
                                          "job type \"%s\" is not installed here: its jobs wait "
                                          "for an external worker",
                                          n->job_type));
        }
        if (req->groups) {
            unknown_groups(list, req, n, arena);
        }
    }
}

/* A service or send task without a job type compiles, and `ordo run`
 * completes its job with {}, but on a server no worker could ever take that
 * job: such a definition is refused here (docs/engine.md). */
static enum ordo_code refuse_unbound(const struct ordo_graph *graph, const char *resource,
                                     struct ordo_err *err)
{
    for (uint32_t i = 0; i < graph->nnodes; i++) {
        const struct ordo_graph_node *n = &graph->nodes[i];

        if (n->kind == ORDO_GRAPH_JOB_TASK && !n->job_type && graph->nodes[n->process].executable) {
            return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                                "%s:%u: task \"%s\" has no job type, so nothing could run it: "
                                "give it an ordo:action, a zeebe:taskDefinition type or a Camunda "
                                "7 external-task topic",
                                resource, n->line, n->id);
        }
    }
    return ORDO_OK;
}

/* The modelling findings of the ordo lint profile and of this server,
 * kept with the definition: deploy reports them and never refuses for
 * them (CONTRACTS §3). */
static const char *lint_findings(const struct ordo_bpmn_model *model,
                                 const struct ordo_deploy_req *req, const struct ordo_graph *graph,
                                 struct ordo_arena *arena)
{
    struct ordo_lint_config cfg;
    struct ordo_lint_report report;
    json_t *list = json_array();
    const char *text;

    ordo_lint_config_init(&cfg, ORDO_LINT_PROFILE_ORDO);
    ordo_lint_run(model, &cfg, arena, &report);
    for (size_t i = 0; i < report.count; i++) {
        const struct ordo_lint_finding *f = &report.findings[i];

        json_array_append_new(list, json_pack("{s:s, s:s?, s:s, s:s, s:i}", "rule", f->rule,
                                              "element", f->element, "severity",
                                              ordo_lint_severity_name(f->severity), "message",
                                              f->message, "line", (int)f->line));
    }
    server_findings(list, req, graph, arena);
    text = ordo_json_dump(arena, list, JSON_COMPACT);
    json_decref(list);
    return text;
}

/* One ordo:webhook name per file: two elements (in one process or two)
 * cannot share /hooks/{name}. */
static enum ordo_code webhook_names_unique(const struct ordo_graph *g, struct ordo_err *err)
{
    for (uint32_t i = 0; i < g->nnodes; i++) {
        for (uint32_t j = 0; g->nodes[i].webhook && j < i; j++) {
            if (g->nodes[j].webhook &&
                strcmp(g->nodes[i].webhook->name, g->nodes[j].webhook->name) == 0) {
                return ordo_err_set(err, ORDO_E_CONFLICT,
                                    "elements \"%s\" and \"%s\" both declare the webhook "
                                    "endpoint \"%s\"",
                                    g->nodes[j].id, g->nodes[i].id, g->nodes[i].webhook->name);
            }
        }
    }
    return ORDO_OK;
}

static enum ordo_code deploy_tx(struct ordo_store *st, void *ctx, struct ordo_err *err)
{
    struct deploy_ctx *c = ctx;
    struct ordo_pg_batch *batch = st->batch;
    enum ordo_code rc = webhook_names_unique(c->graph, err);

    c->nout = 0;
    for (uint32_t i = 0; i < c->graph->nprocesses && rc == ORDO_OK; i++) {
        const struct ordo_graph_node *proc = &c->graph->nodes[c->graph->processes[i]];

        if (proc->executable) {
            rc = deploy_process(st, c, batch, i, err);
        }
    }
    return rc;
}

enum ordo_code ordo_store_deploy(struct ordo_store *st, const struct ordo_deploy_req *req,
                                 struct ordo_arena *arena, const struct ordo_deployed **out,
                                 size_t *nout, const struct ordo_graph_finding **findings,
                                 size_t *nfindings, struct ordo_err *err)
{
    const char *resource = req->resource, *xml = req->xml;
    size_t len = req->len;
    struct ordo_bpmn_parse_opts popts = {.name = resource};
    struct ordo_bpmn_model *model = NULL;
    struct ordo_graph *graph = NULL;
    char hash[ORDO_SHA256_HEX_SIZE];
    struct deploy_ctx c = {.resource = resource, .actor = req->actor, .out_arena = arena};
    enum ordo_code rc;

    *nout = 0;
    *nfindings = 0;
    ordo_arena_reset(st->arena);
    rc = ordo_bpmn_parse(xml, len, &popts, &model, err);
    if (rc == ORDO_OK) {
        rc = ordo_graph_compile(model, NULL, arena, &graph, findings, nfindings, err);
    }
    if (rc == ORDO_OK) {
        rc = refuse_unbound(graph, resource, err);
    }
    if (rc == ORDO_OK) {
        ordo_sha256_hex(xml, len, hash);
        c.xml = ordo_arena_strndup(st->arena, xml, len);
        c.hash = hash;
        c.graph = graph;
        read_retentions(&c, st->arena);
        c.findings = lint_findings(model, req, graph, st->arena);
    }
    if (rc == ORDO_OK) {
        c.out = ordo_arena_calloc(arena, graph->nprocesses ? graph->nprocesses : 1, sizeof *c.out);
        rc = graph->nprocesses
                 ? ordo_st_tx(st, deploy_tx, &c, err)
                 : ordo_err_set(err, ORDO_E_UNPROCESSABLE, "%s: the file has no process", resource);
    }
    if (rc == ORDO_OK && c.nout == 0) {
        rc = ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                          "%s: no process in the file is executable (isExecutable=\"true\")",
                          resource);
    }
    ordo_graph_free(graph);
    ordo_bpmn_model_free(model);
    *out = c.out;
    *nout = rc == ORDO_OK ? c.nout : 0;
    return rc;
}
