/*
 * server/draft_worker.c - the draft workers (server/draft_worker.h).
 */
#include "server/draft_worker.h"

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/duration.h"
#include "base/log.h"
#include "base/pg.h"
#include "bpmn/lint.h"
#include "bpmn/parse.h"
#include "core/draft.h"
#include "core/graph.h"
#include "generator/emit.h"
#include "generator/ir.h"
#include "generator/llm.h"
#include "plugins/catalogue.h"
#include "plugins/registry.h"

/* How long a stop waits for drafts in flight; a worker still inside an
 * LLM call after it is left to the process's exit, and its draft is
 * failed by the next start (its lock went with its connection). */
#define STOP_GRACE_MS 5000

struct worker {
    struct ordo_draft_workers *pool;
    pthread_t thread;
    bool started;
    atomic_bool finished;
};

struct ordo_draft_workers {
    struct ordo_draft_workers_options opts; /* strings owned (copied) */
    char *strings[6];
    atomic_bool stop;
    struct worker *workers;
    int nworkers;
};

/* ---- the configuration ----------------------------------------------------------------------- */

enum ordo_code ordo_draft_workers_config(const struct ordo_config *cfg,
                                         struct ordo_draft_workers_options *opts,
                                         struct ordo_err *err)
{
    struct ordo_err why = {0};

    memset(opts, 0, sizeof *opts);
    opts->threads = (int)cfg->draft_workers;
    if (ordo_duration_parse(cfg->draft_retention, &opts->retention_ms, &why) != ORDO_OK) {
        return ordo_err_set(err, ORDO_E_INVAL, "config key \"draft_retention\": %s", why.msg);
    }
    return ordo_gen_config_from(cfg, &opts->gen, err);
}

/* ---- one job --------------------------------------------------------------------------------- */

struct run {
    PGconn *db;
    const struct ordo_draft_job *job;
    int seq; /* events written so far */
};

static void record(struct run *r, const char *event, const json_t *data)
{
    struct ordo_err err = {0};

    if (ordo_draft_event(r->db, r->job, r->seq + 1, event, data, &err) != ORDO_OK) {
        ordo_log(ORDO_LOG_WARN, "drafts", "could not record a draft event",
                 ORDO_INT("draft", r->job->key), ORDO_STR("event", event),
                 ORDO_STR("error", err.msg));
        return;
    }
    r->seq++;
}

/* The pipeline's progress; "done" is written with the result instead. */
static void progress_cb(void *ctx, const char *event, const json_t *data)
{
    if (strcmp(event, "done") != 0) {
        record(ctx, event, data);
    }
}

static json_t *error_json(const struct ordo_err *err)
{
    return json_pack("{s:s, s:s}", "code", ordo_code_name(err->code), "message",
                     ordo_err_message(err));
}

/* An outcome that leaves the draft's content as it was. */
static json_t *failed_keep(const struct ordo_err *err)
{
    return json_pack("{s:b, s:b, s:o}", "usable", false, "keep", true, "error", error_json(err));
}

static json_t *run_pipeline(const struct ordo_draft_workers_options *opts, const json_t *catalogue,
                            struct run *r)
{
    const struct ordo_draft_job *job = r->job;
    struct ordo_gen_request req = {.text = job->text,
                                   .systems = job->systems,
                                   .n_systems = job->nsystems,
                                   .prior_ir = job->kind == ORDO_DRAFT_KIND_REVISE ? job->ir : NULL,
                                   .instruction = job->instruction,
                                   .allow_http = job->allow_http};
    struct ordo_err err = {0};
    json_t *result = NULL;

    if (ordo_generate(&req, &opts->gen, catalogue, progress_cb, r, &result, &err) != ORDO_OK) {
        return failed_keep(&err);
    }
    if (job->kind != ORDO_DRAFT_KIND_DRAFT && !json_is_object(json_object_get(result, "ir"))) {
        /* A revision that produced nothing: the draft keeps what it had. */
        (void)json_object_set_new(result, "keep", json_true());
    } else {
        (void)json_object_set_new(result, "revisable", json_true());
    }
    return result;
}

/* ---- a manual edit --------------------------------------------------------------------------- */

static void add_unique(json_t *set, const char *s)
{
    if (s && *s) {
        (void)json_object_set_new(set, s, json_true());
    }
}

static int cmp_str_cb(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of 'set' (taken over) as a sorted array. */
static json_t *sorted_keys(json_t *set)
{
    size_t n = json_object_size(set), i = 0;
    const char **keys = calloc(n + 1, sizeof *keys);
    json_t *list = json_array();
    const char *k;
    json_t *v;

    if (!keys) {
        ordo_oom((n + 1) * sizeof *keys);
    }
    json_object_foreach(set, k, v)
    {
        keys[i++] = k;
    }
    qsort(keys, n, sizeof *keys, cmp_str_cb);
    for (i = 0; i < n; i++) {
        (void)json_array_append_new(list, json_string(keys[i]));
    }
    free(keys);
    json_decref(set);
    return list;
}

/* What a compiled model would make Ordo do, in the shape of
 * ordo_ir_uses(), for XML that cannot be lifted into the IR. */
static json_t *graph_uses(const struct ordo_graph *g)
{
    json_t *actions = json_object(), *creds = json_object(), *hooks = json_object();
    json_t *notify = json_object(), *targets = json_array();

    for (uint32_t i = 0; i < g->nnodes; i++) {
        const struct ordo_graph_node *n = &g->nodes[i];

        add_unique(actions, n->job_type);
        add_unique(creds, n->credential);
        add_unique(hooks, n->webhook ? n->webhook->name : NULL);
        add_unique(notify, n->notify);
        for (uint32_t j = 0; n->job_type && j < n->ninputs; j++) {
            (void)json_array_append_new(
                targets, json_pack("{s:s, s:s, s:s, s:s}", "element", n->id, "action", n->job_type,
                                   "input", n->inputs[j].target, "source",
                                   n->inputs[j].source.text ? n->inputs[j].source.text : ""));
        }
    }
    return json_pack("{s:o, s:o, s:o, s:o, s:o}", "actions", sorted_keys(actions), "credentials",
                     sorted_keys(creds), "targets", targets, "webhooks", sorted_keys(hooks),
                     "notify", sorted_keys(notify));
}

static json_t *lint_json(const struct ordo_bpmn_model *model, struct ordo_arena *a, size_t *errors)
{
    struct ordo_lint_config cfg;
    struct ordo_lint_report rep;
    json_t *list = json_array();

    ordo_lint_config_init(&cfg, ORDO_LINT_PROFILE_ORDO);
    ordo_lint_run(model, &cfg, a, &rep);
    for (size_t i = 0; i < rep.count; i++) {
        const struct ordo_lint_finding *f = &rep.findings[i];

        (void)json_array_append_new(list,
                                    json_pack("{s:s, s:s, s:s?, s:s}", "rule", f->rule, "severity",
                                              ordo_lint_severity_name(f->severity), "element",
                                              f->element, "message", f->message));
    }
    *errors = rep.errors;
    return list;
}

/* Compile the model as a deploy would: findings that stop it are lint
 * errors here (rule "ordo/compile/..."), so the draft is not usable. */
static json_t *compile_model(const struct ordo_bpmn_model *model, struct ordo_arena *a,
                             json_t *findings, size_t *errors)
{
    struct ordo_graph *g = NULL;
    const struct ordo_graph_finding *f = NULL;
    size_t n = 0;
    struct ordo_err err = {0};
    json_t *uses = NULL;

    if (ordo_graph_compile(model, NULL, a, &g, &f, &n, &err) == ORDO_OK) {
        uses = graph_uses(g);
        ordo_graph_free(g);
        return uses;
    }
    for (size_t i = 0; i < n; i++) {
        (void)json_array_append_new(
            findings, json_pack("{s:s, s:s, s:s?, s:s}", "rule",
                                ordo_arena_printf(a, "compile/%s", f[i].rule), "severity", "error",
                                "element", f[i].element, "message", f[i].message));
    }
    if (n == 0) {
        (void)json_array_append_new(findings, json_pack("{s:s, s:s, s:n, s:s}", "rule", "compile",
                                                        "severity", "error", "element", "message",
                                                        ordo_err_message(&err)));
    }
    *errors += n ? n : 1;
    return NULL;
}

/* The lifted IR's violations against this node's catalogue. */
static json_t *validate(const json_t *ir, const json_t *catalogue, bool allow_http)
{
    struct ordo_ir_opts o = {.allow_http = allow_http};
    json_t *violations = NULL;

    if (ordo_ir_validate(ir, catalogue, &o, &violations, NULL) != ORDO_OK) {
        violations = json_pack("[{s:s, s:s, s:n, s:s}]", "rule", "ir/schema", "path", "", "element",
                               "message", "the lifted process could not be validated");
    }
    return violations;
}

static json_t *ir_list(const json_t *ir, const char *name)
{
    const json_t *v = json_object_get(ir, name);

    return json_is_array(v) ? json_copy((json_t *)v) : json_array();
}

/* The lifted IR (or the reason it could not be) and what goes with it. */
static void lift_into(const struct ordo_bpmn_model *model, const json_t *catalogue,
                      const struct ordo_draft_job *job, json_t *out)
{
    struct ordo_err err = {0};
    json_t *ir = NULL, *uses = NULL;

    if (ordo_emit_lift(model, &ir, &err) != ORDO_OK) {
        (void)json_object_set_new(out, "revisable", json_false());
        (void)json_object_set_new(out, "revisableReason", json_string(ordo_err_message(&err)));
        (void)json_object_set_new(out, "violations", json_array());
        return;
    }
    (void)json_object_set_new(out, "revisable", json_true());
    (void)json_object_set_new(out, "violations", validate(ir, catalogue, job->allow_http));
    (void)json_object_set_new(out, "assumptions", ir_list(ir, "assumptions"));
    (void)json_object_set_new(out, "questions", ir_list(ir, "questions"));
    if (ordo_ir_uses(ir, &uses, NULL) == ORDO_OK) {
        (void)json_object_set_new(out, "uses", uses);
    }
    (void)json_object_set_new(out, "ir", ir);
}

static json_t *edit_outcome(const json_t *catalogue, struct run *r, struct ordo_arena *a)
{
    const struct ordo_draft_job *job = r->job;
    struct ordo_bpmn_parse_opts popts = {.name = "draft.bpmn"};
    struct ordo_bpmn_model *model = NULL;
    struct ordo_err err = {0};
    size_t errors = 0;
    json_t *out, *findings, *uses, *event;

    if (ordo_bpmn_parse(job->xml ? job->xml : "", job->xml ? strlen(job->xml) : 0, &popts, &model,
                        &err) != ORDO_OK) {
        return failed_keep(&err);
    }
    out = json_pack("{s:s, s:n, s:o, s:o, s:i, s:o, s:{s:i, s:i}}", "xml", job->xml, "ir",
                    "unplaced", json_array(), "transcript", json_array(), "rounds", 0,
                    "assumptions", json_array(), "tokens", "prompt", 0, "completion", 0);
    lift_into(model, catalogue, job, out);
    event = json_pack("{s:i, s:O}", "round", 0, "violations", json_object_get(out, "violations"));
    record(r, "validation", event);
    json_decref(event);
    findings = lint_json(model, a, &errors);
    uses = compile_model(model, a, findings, &errors);
    if (!json_object_get(out, "uses")) {
        (void)json_object_set_new(out, "uses", uses ? uses : json_null());
    } else {
        json_decref(uses);
    }
    (void)json_object_set_new(out, "findings", findings);
    (void)json_object_set_new(
        out, "usable",
        json_boolean(errors == 0 && json_array_size(json_object_get(out, "violations")) == 0));
    ordo_bpmn_model_free(model);
    return out;
}

/* ---- the loop -------------------------------------------------------------------------------- */

static void work(struct ordo_draft_workers *pool, PGconn *db, const json_t *catalogue,
                 struct ordo_draft_job *job, struct ordo_arena *a)
{
    struct run r = {.db = db, .job = job};
    int64_t t0 = ordo_clock_mono_ms();
    struct ordo_err err = {0};
    bool kept = false;
    json_t *outcome = job->kind == ORDO_DRAFT_KIND_EDIT ? edit_outcome(catalogue, &r, a)
                                                        : run_pipeline(&pool->opts, catalogue, &r);

    if (job->kind == ORDO_DRAFT_KIND_EDIT && !json_object_get(outcome, "keep")) {
        (void)json_object_set_new(
            outcome, "timings",
            json_pack("{s:I}", "total_ms", (json_int_t)(ordo_clock_mono_ms() - t0)));
    }
    if (ordo_draft_finish(db, job, pool->opts.node, r.seq + 1, outcome, &kept, &err) != ORDO_OK) {
        ordo_log(ORDO_LOG_WARN, "drafts", "could not record a draft", ORDO_INT("draft", job->key),
                 ORDO_STR("error", err.msg));
    } else {
        ordo_log(
            ORDO_LOG_INFO, "drafts", kept ? "draft done" : "draft was taken away meanwhile",
            ORDO_INT("draft", job->key), ORDO_INT("revision", job->revision),
            ORDO_STR("usable", json_is_true(json_object_get(outcome, "usable")) ? "yes" : "no"),
            ORDO_INT("duration_ms", ordo_clock_mono_ms() - t0));
    }
    json_decref(outcome);
}

/* Take and work one draft; false when none was queued (or the database
 * is away). */
static bool one_pass(struct ordo_draft_workers *pool, PGconn *db, const json_t *catalogue)
{
    struct ordo_arena *a = ordo_arena_new();
    struct ordo_draft_job job;
    struct ordo_err err = {0};
    bool found = false;

    if (ordo_draft_claim(db, a, pool->opts.node, &job, &found, &err) != ORDO_OK) {
        ordo_log(ORDO_LOG_WARN, "drafts", "could not take a draft", ORDO_STR("error", err.msg));
    }
    if (found) {
        work(pool, db, catalogue, &job, a);
        json_decref(job.ir);
    }
    ordo_arena_free(a);
    return found;
}

static void reap(PGconn *db, const char *when)
{
    struct ordo_err err = {0};
    int failed = 0;

    if (ordo_draft_reap(db, &failed, &err) != ORDO_OK) {
        ordo_log(ORDO_LOG_WARN, "drafts", "could not look for abandoned drafts",
                 ORDO_STR("error", err.msg));
    } else if (failed > 0) {
        ordo_log(ORDO_LOG_WARN, "drafts", "drafts abandoned by a stopped server marked failed",
                 ORDO_INT("drafts", failed), ORDO_STR("when", when));
    }
}

/* The first worker's housekeeping: abandoned drafts, then old ones. */
static void housekeeping(struct ordo_draft_workers *pool, PGconn *db, int64_t *reaped,
                         int64_t *purged)
{
    struct ordo_err err = {0};
    int64_t now = ordo_clock_mono_ms();
    int deleted = 0;

    if (now - *reaped >= ORDO_DRAFT_REAP_MS) {
        *reaped = now;
        reap(db, "periodic");
    }
    /* Every ORDO_DRAFT_PURGE_MS, or the retention when it is shorter. */
    if (pool->opts.retention_ms <= 0 ||
        (*purged &&
         now - *purged < (pool->opts.retention_ms < ORDO_DRAFT_PURGE_MS ? pool->opts.retention_ms
                                                                        : ORDO_DRAFT_PURGE_MS))) {
        return;
    }
    *purged = now;
    if (ordo_draft_purge(db, pool->opts.retention_ms, &deleted, &err) != ORDO_OK) {
        ordo_log(ORDO_LOG_WARN, "drafts", "purge failed", ORDO_STR("error", err.msg));
    } else if (deleted > 0) {
        ordo_log(ORDO_LOG_INFO, "drafts", "old drafts deleted", ORDO_INT("drafts", deleted));
    }
}

static void wait_for_work(PGconn *listen)
{
    struct pollfd pfd = {.fd = listen ? PQsocket(listen) : -1, .events = POLLIN};
    PGnotify *n;

    if (pfd.fd < 0) {
        (void)poll(NULL, 0, 1000);
        return;
    }
    if (poll(&pfd, 1, 1000) > 0) {
        (void)PQconsumeInput(listen);
    }
    while ((n = PQnotifies(listen)) != NULL) {
        PQfreemem(n);
    }
}

/* (Re)open what a worker needs; what fails is tried again next round. */
static void connect_worker(const char *conninfo, PGconn **db, PGconn **listen)
{
    if (*db && ordo_pg_broken(*db)) {
        PQfinish(*db); /* its draft lock, if any, went with it */
        *db = NULL;
    }
    if (!*db && ordo_pg_connect(conninfo, db, NULL) != ORDO_OK) {
        *db = NULL;
    }
    if (!*listen || PQstatus(*listen) != CONNECTION_OK) {
        PQfinish(*listen);
        *listen = NULL;
        if (ordo_pg_connect(conninfo, listen, NULL) == ORDO_OK &&
            ordo_pg_run(*listen, "could not listen", "LISTEN " ORDO_DRAFT_CHANNEL, 0, NULL, NULL) !=
                ORDO_OK) {
            PQfinish(*listen);
            *listen = NULL;
        }
    }
}

static json_t *catalogue_of(const struct ordo_registry *reg)
{
    const struct ordo_connector *const *descs = NULL;
    struct ordo_err err = {0};
    json_t *cat = NULL;
    size_t n = 0;

    if (reg) {
        descs = ordo_registry_descriptors(reg, &n);
    }
    if (ordo_catalogue_json(descs, n, &cat, &err) != ORDO_OK) {
        ordo_log(ORDO_LOG_WARN, "drafts", "no catalogue for drafts", ORDO_STR("error", err.msg));
        cat = json_pack("{s:i, s:[]}", "catalogue_version", ORDO_CATALOGUE_VERSION, "connectors");
    }
    return cat;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct ordo_draft_workers *pool = w->pool;
    json_t *catalogue = catalogue_of(pool->opts.registry);
    PGconn *db = NULL, *listen = NULL;
    int64_t reaped = ordo_clock_mono_ms(), purged = 0;

    while (!atomic_load(&pool->stop)) {
        connect_worker(pool->opts.conninfo, &db, &listen);
        if (db && w == &pool->workers[0]) {
            housekeeping(pool, db, &reaped, &purged);
        }
        if (!db || !one_pass(pool, db, catalogue)) {
            wait_for_work(listen);
        }
    }
    PQfinish(listen);
    PQfinish(db);
    json_decref(catalogue);
    atomic_store(&w->finished, true);
    return NULL;
}

/* ---- start and stop -------------------------------------------------------------------------- */

static const char *keep_string(struct ordo_draft_workers *pool, size_t i, const char *s)
{
    if (!s) {
        return NULL;
    }
    pool->strings[i] = strdup(s);
    if (!pool->strings[i]) {
        ordo_oom(strlen(s) + 1);
    }
    return pool->strings[i];
}

/* Fail the drafts of workers that are gone, before this node drafts. */
static void reap_at_start(const char *conninfo)
{
    PGconn *db = NULL;

    if (ordo_pg_connect(conninfo, &db, NULL) == ORDO_OK) {
        reap(db, "start");
    }
    PQfinish(db);
}

enum ordo_code ordo_draft_workers_start(const struct ordo_draft_workers_options *opts,
                                        struct ordo_draft_workers **out, struct ordo_err *err)
{
    struct ordo_draft_workers *pool = calloc(1, sizeof *pool);

    if (!pool) {
        ordo_oom(sizeof *pool);
    }
    pool->opts = *opts;
    pool->opts.conninfo = keep_string(pool, 0, opts->conninfo);
    pool->opts.node = keep_string(pool, 1, opts->node);
    pool->opts.gen.provider = keep_string(pool, 2, opts->gen.provider);
    pool->opts.gen.url = keep_string(pool, 3, opts->gen.url);
    pool->opts.gen.model = keep_string(pool, 4, opts->gen.model);
    pool->opts.gen.api_key = keep_string(pool, 5, opts->gen.api_key);
    atomic_init(&pool->stop, false);
    reap_at_start(pool->opts.conninfo);
    pool->nworkers = opts->threads > 0 ? opts->threads : 0;
    pool->workers = calloc((size_t)pool->nworkers + 1, sizeof *pool->workers);
    if (!pool->workers) {
        ordo_oom(sizeof *pool->workers);
    }
    for (int i = 0; i < pool->nworkers; i++) {
        pool->workers[i].pool = pool;
        atomic_init(&pool->workers[i].finished, false);
        if (pthread_create(&pool->workers[i].thread, NULL, worker_main, &pool->workers[i]) != 0) {
            ordo_draft_workers_stop(pool);
            return ordo_err_set(err, ORDO_E_INTERNAL, "could not start a draft worker");
        }
        pool->workers[i].started = true;
    }
    *out = pool;
    return ORDO_OK;
}

/* True once every started worker has left its loop, or the grace is over. */
static bool all_finished(const struct ordo_draft_workers *pool)
{
    for (int i = 0; i < pool->nworkers; i++) {
        if (pool->workers[i].started && !atomic_load(&pool->workers[i].finished)) {
            return false;
        }
    }
    return true;
}

void ordo_draft_workers_stop(struct ordo_draft_workers *w)
{
    int64_t until;

    if (!w) {
        return;
    }
    atomic_store(&w->stop, true);
    until = ordo_clock_mono_ms() + STOP_GRACE_MS;
    while (!all_finished(w) && ordo_clock_mono_ms() < until) {
        struct timespec ts = {0, 20L * 1000000};

        (void)nanosleep(&ts, NULL);
    }
    if (!all_finished(w)) {
        /* A worker inside a long LLM call: the process exits under it, and
         * the next start fails its draft. What it uses stays allocated. */
        ordo_log(ORDO_LOG_WARN, "drafts", "stopping with a draft in flight; it will be failed");
        return;
    }
    for (int i = 0; i < w->nworkers; i++) {
        if (w->workers[i].started) {
            (void)pthread_join(w->workers[i].thread, NULL);
        }
    }
    for (size_t i = 0; i < sizeof w->strings / sizeof w->strings[0]; i++) {
        free(w->strings[i]);
    }
    free(w->workers);
    free(w);
}
