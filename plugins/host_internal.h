/*
 * plugins/host_internal.h - the plugin host's parts shared by host.c (the
 * table connectors call, the per-thread resources) and runner.c (running
 * jobs and credential tests).
 */
#ifndef ORDO_PLUGINS_HOST_INTERNAL_H
#define ORDO_PLUGINS_HOST_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "plugins/host.h"

#define HOST_MAX_SECRETS 16u

struct ordo_plugin_host {
    struct ordo_connector_host table;
    struct ordo_httpc_policy policy;
    char *conninfo;
    const struct ordo_vault *vault;
    const struct ordo_registry *reg;
    struct ordo_job_handlers handlers;
    pthread_key_t worker_key;
};

/* One executor thread's resources, made on first use. */
struct host_worker {
    struct ordo_httpc *http;
    PGconn *db; /* NULL until needed, and after it broke */
};

/* One call in progress: what the host functions need to know about it. */
struct ordo_connector_host_ctx {
    struct ordo_plugin_host *host;
    struct host_worker *worker;
    const struct ordo_plugin *plugin;
    const char *action;
    int64_t deadline_ms;
    int64_t credential_id; /* 0: none */
    const char *secrets[HOST_MAX_SECRETS];
    size_t nsecrets;
};

struct host_worker *ordo_host_worker(struct ordo_plugin_host *h, struct ordo_err *err);
PGconn *ordo_host_db(struct ordo_plugin_host *h, struct host_worker *w, struct ordo_err *err);

/* Replace every secret of 'ctx' in 'buf' by "***". */
void ordo_host_redact(const struct ordo_connector_host_ctx *ctx, char *buf, size_t size);

void ordo_host_run_job(void *hctx, const struct ordo_job *job, struct ordo_job_result *out);

#endif
