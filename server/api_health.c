/*
 * server/api_health.c - GET /livez, GET /readyz and GET /metrics.
 *
 * /livez answers from memory: the process is up and serving. /readyz
 * asks the database: reachable, and its schema is the one this build
 * knows. /metrics is Prometheus text (names prefixed ordo_): the HTTP
 * counters from memory, the engine's counts from the database.
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/pg.h"
#include "core/executor.h"
#include "core/store.h"
#include "plugins/registry.h"
#include "server/api.h"

enum ordo_code ordo_api_livez(struct ordo_http_req *req, struct ordo_err *err)
{
    static const char body[] = "{\"status\":\"ok\"}";

    (void)err;
    ordo_http_reply_bytes(req, 200, "application/json", body, sizeof body - 1);
    return ORDO_OK;
}

enum ordo_code ordo_api_readyz(struct ordo_http_req *req, struct ordo_err *err)
{
    struct ordo_err why = {0};
    struct ordo_store *st = NULL;
    PGconn *db = NULL;
    int version = 0;

    (void)err;
    if (ordo_api_store(req, &st, &why) == ORDO_OK) {
        db = ordo_store_pg(st, &why);
    }
    if (db && ordo_pg_schema_version(db, &version, &why) == ORDO_OK &&
        version != ordo_store_schema_version()) {
        ordo_err_set(&why, ORDO_E_AGAIN, "schema version %d, this build needs %d", version,
                     ordo_store_schema_version());
    }
    if (why.code != ORDO_OK) {
        /* Not an error of the request: the body says what is missing. */
        ordo_http_reply_json(req, 503,
                             json_pack("{s:s, s:s}", "status", "unavailable", "reason",
                                       "the database is not reachable or not migrated"));
        return ORDO_OK;
    }
    ordo_http_reply_json(req, 200, json_pack("{s:s, s:i}", "status", "ok", "schema", version));
    return ORDO_OK;
}

/* ---- metrics --------------------------------------------------------------------------------- */

/* A Prometheus label value: backslash, quote and newline escaped. */
static void label(struct ordo_buf *out, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '\\' || *s == '"') {
            ordo_buf_putc(out, '\\');
            ordo_buf_putc(out, *s);
        } else if (*s == '\n') {
            ordo_buf_puts(out, "\\n");
        } else {
            ordo_buf_putc(out, *s);
        }
    }
}

static void http_count_cb(void *ctx, const struct ordo_route *route, int status, uint64_t count)
{
    struct ordo_buf *out = ctx;

    ordo_buf_puts(out, "ordo_http_requests_total{route=\"");
    if (route) {
        label(out, route->method);
        ordo_buf_putc(out, ' ');
        label(out, route->pattern);
    } else {
        ordo_buf_puts(out, "unmatched");
    }
    ordo_buf_printf(out, "\",status=\"%d\"} %llu\n", status, (unsigned long long)count);
}

struct family {
    const char *name;
    const char *type;
    const char *help;
    const char *sql; /* rows of (label values..., value) */
    const char *labels[2];
};

static const struct family families[] = {
    {"ordo_instances",
     "gauge",
     "Process instances by process and status.",
     "SELECT process_id, status, count(*) FROM instance GROUP BY 1, 2 ORDER BY 1, 2",
     {"process", "status"}},
    {"ordo_incidents_open",
     "gauge",
     "Open incidents.",
     "SELECT count(*) FROM incident WHERE state = 'open'",
     {NULL, NULL}},
    {"ordo_jobs_due",
     "gauge",
     "Work jobs waiting to run, by job type (types that no installed "
     "connector runs wait for external workers).",
     "SELECT type, count(*) FROM job WHERE kind = 'work' GROUP BY 1 ORDER BY 1",
     {"type", NULL}},
    {"ordo_user_tasks_open",
     "gauge",
     "User tasks waiting for a person.",
     "SELECT count(*) FROM user_task WHERE state = 'created'",
     {NULL, NULL}},
    /* $1: the job types this node's executor runs (CONTRACTS §1 routing). */
    {"ordo_jobs_waiting_external",
     "gauge",
     "Work jobs whose type no installed connector runs: they wait for an external worker.",
     "SELECT type, count(*) FROM job WHERE kind = 'work' AND NOT (type = ANY($1::text[])) "
     "GROUP BY 1 ORDER BY 1",
     {"type", NULL}},
};

/* The job types the executor runs, as a PostgreSQL array literal. */
static const char *installed_types(const struct ordo_api *api, struct ordo_arena *arena)
{
    size_t n = 0;
    const char *const *types = api->registry ? ordo_registry_action_ids(api->registry, &n) : NULL;
    struct ordo_buf b;
    const char *text;

    ordo_buf_init(&b);
    ordo_buf_putc(&b, '{');
    for (size_t i = 0; i < n; i++) {
        ordo_pg_array_add(&b, types[i]);
    }
    ordo_buf_putc(&b, '}');
    text = ordo_arena_strdup(arena, ordo_buf_cstr(&b));
    ordo_buf_cleanup(&b);
    return text;
}

static enum ordo_code family(struct ordo_buf *out, PGconn *db, struct ordo_http_req *req,
                             const struct family *f, struct ordo_err *err)
{
    struct ordo_arena *arena = ordo_http_arena(req);
    const char *types = installed_types(ordo_http_app(req), arena);
    int nparams = strstr(f->sql, "$1") ? 1 : 0;
    PGresult *res;
    enum ordo_code rc = ordo_pg_exec(db, arena, "could not count for the metrics", f->sql, nparams,
                                     nparams ? &types : NULL, &res, err);

    if (rc != ORDO_OK) {
        return rc;
    }
    ordo_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", f->name, f->help, f->name, f->type);
    for (int r = 0; r < PQntuples(res); r++) {
        int nlabels = PQnfields(res) - 1;

        ordo_buf_puts(out, f->name);
        for (int c = 0; c < nlabels; c++) {
            ordo_buf_printf(out, "%s%s=\"", c ? "," : "{", f->labels[c]);
            label(out, PQgetvalue(res, r, c));
            ordo_buf_putc(out, '"');
        }
        ordo_buf_printf(out, "%s %s\n", nlabels ? "}" : "", PQgetvalue(res, r, nlabels));
    }
    return ORDO_OK;
}

static void executor_metrics(struct ordo_buf *out, const struct ordo_executor *ex)
{
    struct ordo_executor_stats s;

    ordo_executor_stats(ex, &s);
    ordo_buf_printf(out,
                    "# HELP ordo_jobs_executed_total Work jobs run by this node's executor, by "
                    "outcome.\n# TYPE ordo_jobs_executed_total counter\n"
                    "ordo_jobs_executed_total{outcome=\"completed\"} %llu\n"
                    "ordo_jobs_executed_total{outcome=\"failed\"} %llu\n"
                    "ordo_jobs_executed_total{outcome=\"bpmn_error\"} %llu\n",
                    (unsigned long long)s.done, (unsigned long long)s.failed,
                    (unsigned long long)s.errors);
    ordo_buf_puts(out, "# HELP ordo_job_duration_seconds Time a connector took per job.\n"
                       "# TYPE ordo_job_duration_seconds histogram\n");
    for (size_t i = 0; i < ORDO_EXECUTOR_NBUCKETS; i++) {
        ordo_buf_printf(out, "ordo_job_duration_seconds_bucket{le=\"%g\"} %llu\n",
                        ORDO_EXECUTOR_BUCKETS_MS[i] / 1000.0, (unsigned long long)s.buckets[i]);
    }
    ordo_buf_printf(out,
                    "ordo_job_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
                    "ordo_job_duration_seconds_sum %.6f\nordo_job_duration_seconds_count %llu\n",
                    (unsigned long long)s.count, s.sum_ms / 1000.0, (unsigned long long)s.count);
}

enum ordo_code ordo_api_metrics(struct ordo_http_req *req, struct ordo_err *err)
{
    struct ordo_api *api = ordo_http_app(req);
    struct ordo_buf out;
    struct ordo_store *st;
    PGconn *db = NULL;
    enum ordo_code rc = ordo_api_store(req, &st, err);

    if (rc == ORDO_OK) {
        db = ordo_store_pg(st, err);
    }
    if (!db) {
        return ordo_err_set(err, ORDO_E_AGAIN, "the database is not reachable");
    }
    ordo_buf_init(&out);
    ordo_buf_puts(&out, "# HELP ordo_http_requests_total HTTP requests by route and status.\n"
                        "# TYPE ordo_http_requests_total counter\n");
    if (api->http) {
        ordo_http_counts(api->http, http_count_cb, &out);
    }
    executor_metrics(&out, api->executor);
    for (size_t i = 0; i < sizeof families / sizeof families[0] && rc == ORDO_OK; i++) {
        rc = family(&out, db, req, &families[i], err);
    }
    if (rc == ORDO_OK) {
        ordo_http_reply_bytes(req, 200, "text/plain; version=0.0.4", ordo_buf_cstr(&out),
                              strlen(ordo_buf_cstr(&out)));
    }
    ordo_buf_cleanup(&out);
    return rc;
}
