/*
 * plugins/loader.h - open one connector plugin and check it (CONTRACTS §8).
 *
 * ordo_plugin_load() refuses, with a message that names the file and the
 * reason, and without loading anything it refused:
 *   - a file or folder that is group- or world-writable, or owned by
 *     someone other than root or the user the server runs as (a plugin
 *     runs with the server's rights; whoever can write it owns the server);
 *   - a file dlopen() cannot load ("not a shared object"), or one without
 *     the ORDO_CONNECTOR_SYMBOL export ("not an Ordo connector");
 *   - a wrong magic, an ABI other than ORDO_CONNECTOR_ABI, a descriptor or
 *     action struct shorter than the fields the host reads;
 *   - a missing or malformed name, version, action list, action id (not
 *     "<name>.<action>", CONTRACTS §1, or repeated), invoke function or
 *     BPMN error code; more than ORDO_PLUGIN_MAX_ACTIONS actions;
 *   - an input schema outside Ordo's JSON Schema subset (with opaque
 *     object and array values, base/schema.h), an output schema that is
 *     not a JSON object, a configuration or credential schema outside the
 *     flat subset, or a credential field that is not a string;
 *   - an 'init' that fails (its message is quoted).
 * A refused file is dlclose()d; an accepted one is kept until
 * ordo_plugin_free() at exit: plugins are never unloaded while running.
 *
 * Thread safety: a loaded plugin is read-only; 'invoke' functions are
 * called concurrently (serialised by the host when max_concurrency is 1).
 */
#ifndef ORDO_PLUGINS_LOADER_H
#define ORDO_PLUGINS_LOADER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "base/schema.h"
#include "ordo/connector.h"

#define ORDO_PLUGIN_MAX_ACTIONS        256u
#define ORDO_PLUGIN_DEFAULT_TIMEOUT_MS 30000u

struct ordo_plugin;

struct ordo_plugin_action {
    const struct ordo_plugin *plugin;
    const struct ordo_connector_action *desc;
    struct ordo_schema *input;
    json_t *input_doc;   /* the parsed input schema */
    json_t *output_doc;  /* the parsed output schema, or NULL */
    uint32_t timeout_ms; /* the descriptor's, or the default */
};

struct ordo_plugin {
    char *path;
    void *dl;
    const struct ordo_connector *desc;
    void *state; /* what 'init' stored */
    struct ordo_plugin_action *actions;
    size_t nactions;
    struct ordo_schema *config;     /* NULL: the connector takes no configuration */
    struct ordo_schema *credential; /* NULL: the connector takes no credential */
    json_t *config_doc;
    json_t *credential_doc;
    /* No credential schema, or both schemas take an empty object (the http
     * connector's): a task that names no credential runs without one. */
    bool credential_optional;
    bool serialised; /* max_concurrency == 1: 'lock' around invoke */
    pthread_mutex_t lock;
};

/* Is 'path' safe to load: not group- or world-writable, owned by root or
 * by the effective user? 'what' names it in the message ("plugin folder"). */
enum ordo_code ordo_plugin_check_trust(const char *path, const char *what, struct ordo_err *err);

/* Load, check and init the plugin at 'path'. 'host' must outlive it. */
enum ordo_code ordo_plugin_load(const char *path, const struct ordo_connector_host *host,
                                struct ordo_plugin **out, struct ordo_err *err);

/* fini, dlclose and free; NULL is a no-op. Only at exit. */
void ordo_plugin_free(struct ordo_plugin *p);

#endif
