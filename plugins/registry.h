/*
 * plugins/registry.h - the installed connectors: every plugin of the
 * plugin folder (CONTRACTS §5 plugin_dir), loaded once at start-up.
 *
 * ordo_registry_open() loads each "*.so" file of the folder in name
 * order. A file that ordo_plugin_load() refuses, or a second plugin with a
 * connector name already taken, is left out and listed as refused with its
 * message (and logged): one bad plugin never stops the server. The folder
 * itself must pass the trust check of plugins/loader.h; a folder that does
 * not exist or is refused is an error. An empty 'dir' opens an empty
 * registry (no connectors).
 *
 * Thread safety: read-only after open; any number of threads may look up
 * actions. Freed only at exit (plugins are never unloaded while running).
 */
#ifndef ORDO_PLUGINS_REGISTRY_H
#define ORDO_PLUGINS_REGISTRY_H

#include <stddef.h>

#include "base/err.h"
#include "plugins/loader.h"

struct ordo_registry;

struct ordo_registry_refusal {
    const char *file; /* the file's path */
    const char *message;
};

enum ordo_code ordo_registry_open(const char *dir, const struct ordo_connector_host *host,
                                  struct ordo_registry **out, struct ordo_err *err);
void ordo_registry_free(struct ordo_registry *reg); /* NULL is a no-op */

/* The loaded plugins, in connector-name order. */
size_t ordo_registry_count(const struct ordo_registry *reg);
const struct ordo_plugin *ordo_registry_get(const struct ordo_registry *reg, size_t i);
const struct ordo_plugin *ordo_registry_find(const struct ordo_registry *reg, const char *name);

/* The action with this id, or NULL. */
const struct ordo_plugin_action *ordo_registry_action(const struct ordo_registry *reg,
                                                      const char *id);

/* Every installed action id, sorted: the job types the executor runs
 * (CONTRACTS §1 routing). Valid as long as the registry. */
const char *const *ordo_registry_action_ids(const struct ordo_registry *reg, size_t *n);

/* The descriptors of the loaded plugins, in order, for the catalogue. */
const struct ordo_connector *const *ordo_registry_descriptors(const struct ordo_registry *reg,
                                                              size_t *n);

size_t ordo_registry_refused_count(const struct ordo_registry *reg);
const struct ordo_registry_refusal *ordo_registry_refused(const struct ordo_registry *reg,
                                                          size_t i);

#endif
