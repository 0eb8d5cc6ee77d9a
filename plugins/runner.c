/*
 * plugins/runner.c - running a job of an installed action, and testing a
 * credential (see host.h for the steps).
 *
 * Everything a call needs is resolved before the plugin runs, and every
 * refusal before the call is final (FAIL) or a wait (RETRY) with a
 * message that says what to do; the plugin only sees a valid input and a
 * decrypted credential.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "base/schema.h"
#include "core/credential.h"
#include "plugins/host_internal.h"
#include "plugins/throttle.h"

#define DEFAULT_CREDENTIAL "default"

/* What a call needs besides the job: resolved before 'invoke'. */
struct prepared {
    struct ordo_connector_call call;
    struct ordo_connector_host_ctx ctx;
    struct ordo_credential cred; /* its secret strings are the ones redacted */
};

static void verdict(struct ordo_job_result *out, enum ordo_job_verdict v, const char *msg)
{
    out->outcome = v;
    (void)snprintf(out->message, sizeof out->message, "%s", msg);
}

/* Every string value of the credential's secret, for redaction. */
static void collect_secrets(struct ordo_connector_host_ctx *ctx, const json_t *secret)
{
    const char *name;
    json_t *v;

    json_object_foreach((json_t *)secret, name, v)
    {
        if (json_is_string(v) && json_string_length(v) > 0 && ctx->nsecrets < HOST_MAX_SECRETS) {
            ctx->secrets[ctx->nsecrets++] = json_string_value(v);
        }
    }
}

/* The credential named 'name' (or the default) of the action's
 * connector into the call; connectors without a credential schema, and
 * those whose credential is optional when the task names none and no
 * default is stored, run without one. */
static enum ordo_code resolve_credential(struct prepared *pc, PGconn *db, const char *name,
                                         struct ordo_arena *a, struct ordo_err *err)
{
    const struct ordo_plugin *p = pc->ctx.plugin;
    struct ordo_err gerr = {0};
    enum ordo_code rc;

    pc->call.credential_name = name && name[0] ? name : "";
    pc->call.config = "{}";
    pc->call.secret = "{}";
    /* A connector whose credential is optional (http) uses one only when
     * the task names it: a "default" token must not go to whatever URL a
     * process picks. */
    if (!pc->call.credential_name[0] && p->credential_optional) {
        return ORDO_OK;
    }
    name = pc->call.credential_name[0] ? pc->call.credential_name : DEFAULT_CREDENTIAL;
    /* The store's own "not found" is replaced by a message that says what to do, so it is
     * read into an error of its own (the first error set wins). */
    rc = ordo_credential_get(db, pc->ctx.host->vault, p->desc->name, name, &pc->cred, &gerr);
    if (rc == ORDO_E_NOTFOUND) {
        return ordo_err_set(err, ORDO_E_NOTFOUND,
                            "no credential \"%s\" for connector %s: set it with PUT "
                            "/api/credentials/%s/%s",
                            name, p->desc->name, p->desc->name, name);
    }
    if (rc != ORDO_OK) {
        return ordo_err_set(err, rc, "%s", gerr.msg);
    }
    pc->call.credential_name = name;
    pc->call.config = ordo_json_dump(a, pc->cred.config, JSON_COMPACT);
    pc->call.secret = ordo_json_dump(a, pc->cred.secret, JSON_COMPACT);
    pc->ctx.credential_id = pc->cred.id;
    collect_secrets(&pc->ctx, pc->cred.secret);
    /* The secret's text form is a copy the redaction must know too. */
    if (pc->ctx.nsecrets < HOST_MAX_SECRETS) {
        pc->ctx.secrets[pc->ctx.nsecrets++] = pc->call.secret;
    }
    return ORDO_OK;
}

/* The job's variables narrowed to the action's input, checked. */
static enum ordo_code prepare_input(struct prepared *pc, const struct ordo_plugin_action *act,
                                    const json_t *vars, struct ordo_arena *a, struct ordo_err *err)
{
    json_t *input = ordo_json_defer(a, ordo_schema_pick(act->input, vars));
    struct ordo_err verr = {0};

    if (ordo_schema_validate(act->input, input, NULL, &verr) != ORDO_OK) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "input of %s: %s", act->desc->id, verr.msg);
    }
    pc->call.input = ordo_json_dump(a, input, JSON_COMPACT);
    return ORDO_OK;
}

/* Steps 1 to 3 of host.h: input, credential, rate limit. A refusal is
 * written into 'out' and returns false. */
static bool prepare(struct prepared *pc, const struct ordo_plugin_action *act,
                    const struct ordo_job *job, struct ordo_arena *a, struct ordo_job_result *out)
{
    struct ordo_err err = {0};
    int64_t wait_ms = 0;
    PGconn *db;

    if (prepare_input(pc, act, job->variables, a, &err) != ORDO_OK) {
        verdict(out, ORDO_JOB_FAIL, err.msg);
        return false;
    }
    db = ordo_host_db(pc->ctx.host, pc->ctx.worker, &err);
    if (!db || resolve_credential(pc, db, job->credential, a, &err) != ORDO_OK) {
        /* Only the database being away may pass; a missing, misnamed or
         * undecryptable credential stays so until someone acts. */
        verdict(out, !db || err.code == ORDO_E_AGAIN ? ORDO_JOB_RETRY : ORDO_JOB_FAIL, err.msg);
        return false;
    }
    if (ordo_throttle_take(db, pc->ctx.credential_id, pc->cred.rate_per_minute, &wait_ms, &err) !=
        ORDO_OK) {
        verdict(out, ORDO_JOB_RETRY, err.msg);
        return false;
    }
    if (wait_ms > 0) { /* nothing was called: the attempt is not spent */
        verdict(out, ORDO_JOB_WAIT, "the credential's rate limit is reached: waiting");
        out->retry_in_ms = wait_ms;
        return false;
    }
    return true;
}

/* 'fn' of plugin 'plugin', serialised when the plugin asks for it
 * (max_concurrency 1): actions and credential tests alike. */
static enum ordo_connector_result invoke(const struct ordo_plugin *plugin,
                                         ordo_connector_invoke_fn *fn,
                                         const struct ordo_connector_call *call,
                                         struct ordo_connector_outcome *o)
{
    struct ordo_plugin *p = (struct ordo_plugin *)plugin; /* its lock only */
    enum ordo_connector_result r;

    if (p->serialised) {
        pthread_mutex_lock(&p->lock);
    }
    r = fn(call, o);
    if (p->serialised) {
        pthread_mutex_unlock(&p->lock);
    }
    return r;
}

/* The plugin's OK output: a JSON object, or nothing. */
static void take_output(const struct ordo_plugin_action *act, const char *text,
                        struct ordo_job_result *out)
{
    json_t *vars = NULL;

    out->outcome = ORDO_JOB_DONE;
    if (!text) {
        return;
    }
    if (ordo_json_parse(text, strlen(text), NULL, &vars, NULL) != ORDO_OK ||
        !json_is_object(vars)) {
        json_decref(vars);
        out->outcome = ORDO_JOB_FAIL;
        (void)snprintf(out->message, sizeof out->message,
                       "connector %s returned an output that is not a JSON object",
                       act->plugin->desc->name);
        return;
    }
    out->variables = vars;
}

/* Step 5: the plugin's outcome as the job's. */
static void map_outcome(const struct prepared *pc, const struct ordo_plugin_action *act,
                        enum ordo_connector_result r, struct ordo_connector_outcome *o,
                        struct ordo_job_result *out)
{
    o->message[sizeof o->message - 1] = '\0';
    o->error_code[sizeof o->error_code - 1] = '\0';
    ordo_host_redact(&pc->ctx, o->message, sizeof o->message);
    switch (r) {
    case ORDO_CONNECTOR_OK:
        take_output(act, o->output, out);
        return;
    case ORDO_CONNECTOR_RETRY:
        verdict(out, ORDO_JOB_RETRY, o->message[0] ? o->message : "the connector asked to retry");
        out->retry_in_ms = o->retry_after_ms <= 0 ? -1
                           : o->retry_after_ms > ORDO_THROTTLE_MAX_WAIT_MS
                               ? ORDO_THROTTLE_MAX_WAIT_MS
                               : o->retry_after_ms;
        return;
    case ORDO_CONNECTOR_BPMN_ERROR:
        if (o->error_code[0]) {
            verdict(out, ORDO_JOB_BPMN_ERROR, o->message);
            (void)snprintf(out->code, sizeof out->code, "%s", o->error_code);
            out->error_code = out->code;
            return;
        }
        verdict(out, ORDO_JOB_FAIL, "the connector raised a BPMN error without a code");
        return;
    case ORDO_CONNECTOR_FAIL:
        verdict(out, ORDO_JOB_FAIL, o->message[0] ? o->message : "the connector failed");
        return;
    }
    verdict(out, ORDO_JOB_FAIL, "the connector returned an unknown result");
}

static void fill_call(struct prepared *pc, const struct ordo_plugin_action *act,
                      const struct ordo_job *job, struct ordo_arena *a)
{
    pc->ctx.action = act->desc->id;
    pc->ctx.deadline_ms = ordo_clock_wall_ms() + act->timeout_ms;
    pc->call.size = (uint32_t)sizeof pc->call;
    pc->call.action = act->desc->id;
    pc->call.idempotency_key = ordo_arena_printf(a, "%lld", (long long)job->key);
    pc->call.attempt = job->attempt > 0 ? (uint32_t)job->attempt : 1;
    pc->call.deadline_ms = pc->ctx.deadline_ms;
    pc->call.host = &pc->ctx;
    pc->call.state = act->plugin->state;
}

void ordo_host_run_job(void *hctx, const struct ordo_job *job, struct ordo_job_result *out)
{
    struct ordo_plugin_host *h = hctx;
    const struct ordo_plugin_action *act = ordo_registry_action(h->reg, job->type);
    struct prepared pc;
    struct ordo_connector_outcome o;
    struct ordo_arena *a;
    struct ordo_err err = {0};
    enum ordo_connector_result r;

    if (!act) { /* the executor takes only installed types */
        verdict(out, ORDO_JOB_FAIL, "the job's action is not installed");
        return;
    }
    memset(&pc, 0, sizeof pc);
    pc.ctx.host = h;
    pc.ctx.plugin = act->plugin;
    pc.ctx.worker = ordo_host_worker(h, &err);
    if (!pc.ctx.worker) {
        verdict(out, ORDO_JOB_RETRY, err.msg);
        return;
    }
    a = ordo_arena_new();
    fill_call(&pc, act, job, a);
    if (prepare(&pc, act, job, a, out)) {
        memset(&o, 0, sizeof o);
        r = invoke(act->plugin, act->desc->invoke, &pc.call, &o);
        map_outcome(&pc, act, r, &o, out);
        free(o.output);
    }
    ordo_credential_cleanup(&pc.cred);
    ordo_arena_free(a);
}

enum ordo_code ordo_plugin_host_test_credential(struct ordo_plugin_host *h, const char *connector,
                                                const char *name, struct ordo_err *err)
{
    const struct ordo_plugin *p = h->reg ? ordo_registry_find(h->reg, connector) : NULL;
    struct ordo_connector_outcome o;
    struct prepared pc;
    struct ordo_arena *a;
    enum ordo_connector_result r;
    enum ordo_code rc;
    PGconn *db;

    if (!p) {
        return ordo_err_set(err, ORDO_E_NOTFOUND, "connector \"%s\" is not installed", connector);
    }
    if (!p->desc->test_credentials) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "connector %s cannot test its credentials",
                            connector);
    }
    memset(&pc, 0, sizeof pc);
    pc.ctx = (struct ordo_connector_host_ctx){.host = h, .plugin = p, .action = ""};
    pc.ctx.worker = ordo_host_worker(h, err);
    if (!pc.ctx.worker || !(db = ordo_host_db(h, pc.ctx.worker, err))) {
        return ordo_err_set(err, ORDO_E_AGAIN, "could not test the credential");
    }
    a = ordo_arena_new();
    pc.ctx.deadline_ms = ordo_clock_wall_ms() + ORDO_PLUGIN_DEFAULT_TIMEOUT_MS;
    pc.call = (struct ordo_connector_call){.size = (uint32_t)sizeof pc.call,
                                           .action = "",
                                           .input = "{}",
                                           .idempotency_key = "",
                                           .attempt = 1,
                                           .deadline_ms = pc.ctx.deadline_ms,
                                           .host = &pc.ctx,
                                           .state = p->state};
    rc = resolve_credential(&pc, db, name, a, err);
    if (rc == ORDO_OK) {
        memset(&o, 0, sizeof o);
        r = invoke(p, p->desc->test_credentials, &pc.call, &o);
        free(o.output);
        o.message[sizeof o.message - 1] = '\0';
        ordo_host_redact(&pc.ctx, o.message, sizeof o.message);
        if (r != ORDO_CONNECTOR_OK) {
            rc = ordo_err_set(err, r == ORDO_CONNECTOR_RETRY ? ORDO_E_AGAIN : ORDO_E_UNPROCESSABLE,
                              "credential %s/%s does not work: %s", connector, name,
                              o.message[0] ? o.message : "no reason given");
        }
    }
    ordo_credential_cleanup(&pc.cred);
    ordo_arena_free(a);
    return rc;
}
