/*
 * plugins/host.h - the plugin host: what connectors get (the SDK's host
 * table: HTTP, response headers, logging) and what the engine gets (a job
 * handler that runs installed actions, CONTRACTS §1 routing and §8).
 *
 * Running a job of action A (ordo_plugin_host_handlers()->run):
 *   1. the input is the job's variables narrowed to the properties A's
 *      input schema declares (a process has more variables than an action
 *      takes), checked against that schema: a bad input fails the job at
 *      once with the schema's message, before any call;
 *   2. the credential: the task's ordo:credential, else "default", of A's
 *      connector, decrypted (core/credential.h). A connector with a
 *      credential schema and no such credential fails the job at once,
 *      naming what to set, unless the task names none and the connector's
 *      credential is optional (its schemas accept an empty object, as the
 *      http connector's do): then the call runs without one;
 *   3. the credential's shared rate limit (plugins/throttle.h): over it,
 *      the job is retried after the wait, without a call;
 *   4. 'invoke' with a deadline of A's timeout, serialised when the plugin
 *      asks for it; its HTTP goes through this thread's client
 *      (base/httpc.h: SSRF guard, caps, timeouts), throttling answers
 *      become RETRY with the server's delay and block the credential for
 *      every node;
 *   5. the outcome becomes the job's: OK with the output object as the
 *      result variables, RETRY with the delay, FAIL as an incident now,
 *      BPMN_ERROR with its code. Secrets of the credential are replaced by
 *      "***" in every message and log line the call produces.
 * Each executor thread gets its own HTTP client and database connection
 * on first use, released when the thread ends.
 */
#ifndef ORDO_PLUGINS_HOST_H
#define ORDO_PLUGINS_HOST_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "base/err.h"
#include "base/httpc.h"
#include "core/executor.h"
#include "ordo/connector.h"
#include "plugins/registry.h"

struct ordo_vault;

struct ordo_plugin_host_options {
    const char *conninfo;                 /* credentials and rate limits */
    const struct ordo_vault *vault;       /* decrypts credentials */
    const struct ordo_httpc_policy *http; /* copied */
};

struct ordo_plugin_host;

enum ordo_code ordo_plugin_host_new(const struct ordo_plugin_host_options *opts,
                                    struct ordo_plugin_host **out, struct ordo_err *err);

/* The table handed to plugins at load (ordo_registry_open). */
const struct ordo_connector_host *ordo_plugin_host_table(const struct ordo_plugin_host *h);

/* The installed plugins; before ordo_plugin_host_handlers(). */
void ordo_plugin_host_attach(struct ordo_plugin_host *h, const struct ordo_registry *reg);

/* The job handler of the installed actions, for the executor. */
const struct ordo_job_handlers *ordo_plugin_host_handlers(struct ordo_plugin_host *h);

/* Check a credential with the connector's test_credentials: ORDO_OK when
 * it works; ORDO_E_UNPROCESSABLE with the connector's message when it
 * does not; ORDO_E_NOTFOUND for an unknown connector or credential;
 * ORDO_E_AGAIN when the service could not be reached or throttled. */
enum ordo_code ordo_plugin_host_test_credential(struct ordo_plugin_host *h, const char *connector,
                                                const char *name, struct ordo_err *err);

/* Free after the executor has stopped (its threads use the host). */
void ordo_plugin_host_free(struct ordo_plugin_host *h);

#endif
