/*
 * plugins/registry.c - the installed connectors (see registry.h).
 */
#include "plugins/registry.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/log.h"

#define MAX_PLUGINS 256u

struct ordo_registry {
    struct ordo_arena *arena;
    struct ordo_plugin **plugins;
    const struct ordo_connector **descs;
    size_t nplugins;
    const struct ordo_plugin_action **actions; /* sorted by id */
    const char **ids;                          /* the same order */
    size_t nactions;
    struct ordo_registry_refusal *refused;
    size_t nrefused;
};

static int cmp_str_cb(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_action_cb(const void *a, const void *b)
{
    const struct ordo_plugin_action *x = *(const struct ordo_plugin_action *const *)a;
    const struct ordo_plugin_action *y = *(const struct ordo_plugin_action *const *)b;

    return strcmp(x->desc->id, y->desc->id);
}

static bool is_plugin_file(const char *name)
{
    size_t n = strlen(name);

    return name[0] != '.' && n > 3 && strcmp(name + n - 3, ".so") == 0;
}

/* The "*.so" names of 'dir', sorted, in the arena. */
static enum ordo_code list_files(struct ordo_registry *reg, const char *dir, const char ***out,
                                 size_t *n, struct ordo_err *err)
{
    const char **names = ordo_arena_alloc(reg->arena, MAX_PLUGINS * sizeof(char *));
    struct dirent *e;
    DIR *d = opendir(dir);

    *n = 0;
    if (!d) {
        return ordo_err_set(err, ORDO_E_NOTFOUND, "could not open plugin folder %s: %s", dir,
                            strerror(errno));
    }
    while ((e = readdir(d)) != NULL) {
        if (!is_plugin_file(e->d_name)) {
            continue;
        }
        if (*n == MAX_PLUGINS) {
            closedir(d);
            return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                                "plugin folder %s holds more than %u plugins", dir, MAX_PLUGINS);
        }
        names[(*n)++] = ordo_arena_printf(reg->arena, "%s/%s", dir, e->d_name);
    }
    closedir(d);
    qsort(names, *n, sizeof(char *), cmp_str_cb);
    *out = names;
    return ORDO_OK;
}

static void refuse(struct ordo_registry *reg, const char *file, const char *message)
{
    struct ordo_registry_refusal *r = &reg->refused[reg->nrefused++];

    r->file = file;
    r->message = ordo_arena_strdup(reg->arena, message);
    ordo_log(ORDO_LOG_ERROR, "plugins", "plugin refused", ORDO_STR("file", file),
             ORDO_STR("reason", message));
}

static void add_plugin(struct ordo_registry *reg, const char *file,
                       const struct ordo_connector_host *host)
{
    struct ordo_err err = {0};
    struct ordo_plugin *p = NULL;

    if (ordo_plugin_load(file, host, &p, &err) != ORDO_OK) {
        refuse(reg, file, err.msg);
        return;
    }
    if (ordo_registry_find(reg, p->desc->name)) {
        const char *msg = ordo_arena_printf(
            reg->arena, "plugin %s: connector \"%s\" is already installed by another file", file,
            p->desc->name);

        ordo_plugin_free(p);
        refuse(reg, file, msg);
        return;
    }
    reg->plugins[reg->nplugins++] = p;
    ordo_log(ORDO_LOG_DEBUG, "plugins", "plugin loaded", ORDO_STR("connector", p->desc->name),
             ORDO_STR("version", p->desc->version), ORDO_INT("actions", (int64_t)p->nactions));
}

static int cmp_plugin_cb(const void *a, const void *b)
{
    const struct ordo_plugin *x = *(const struct ordo_plugin *const *)a;
    const struct ordo_plugin *y = *(const struct ordo_plugin *const *)b;

    return strcmp(x->desc->name, y->desc->name);
}

/* The action index, sorted by id; ids are unique across plugins because
 * connector names are and each id starts with its connector's name. */
static void index_actions(struct ordo_registry *reg)
{
    size_t total = 0;

    qsort(reg->plugins, reg->nplugins, sizeof(void *), cmp_plugin_cb);
    for (size_t i = 0; i < reg->nplugins; i++) {
        reg->descs[i] = reg->plugins[i]->desc;
        total += reg->plugins[i]->nactions;
    }
    reg->actions = ordo_arena_alloc(reg->arena, (total + 1) * sizeof(void *));
    reg->ids = ordo_arena_alloc(reg->arena, (total + 1) * sizeof(char *));
    for (size_t i = 0; i < reg->nplugins; i++) {
        for (size_t j = 0; j < reg->plugins[i]->nactions; j++) {
            reg->actions[reg->nactions++] = &reg->plugins[i]->actions[j];
        }
    }
    qsort(reg->actions, reg->nactions, sizeof(void *), cmp_action_cb);
    for (size_t i = 0; i < reg->nactions; i++) {
        reg->ids[i] = reg->actions[i]->desc->id;
    }
}

static enum ordo_code load_dir(struct ordo_registry *reg, const char *dir,
                               const struct ordo_connector_host *host, struct ordo_err *err)
{
    const char **files = NULL;
    size_t n = 0;
    enum ordo_code rc = ordo_plugin_check_trust(dir, "plugin folder", err);

    if (rc == ORDO_OK) {
        rc = list_files(reg, dir, &files, &n, err);
    }
    for (size_t i = 0; rc == ORDO_OK && i < n; i++) {
        add_plugin(reg, files[i], host);
    }
    return rc;
}

enum ordo_code ordo_registry_open(const char *dir, const struct ordo_connector_host *host,
                                  struct ordo_registry **out, struct ordo_err *err)
{
    struct ordo_arena *arena = ordo_arena_new();
    struct ordo_registry *reg = ordo_arena_alloc(arena, sizeof *reg);
    enum ordo_code rc = ORDO_OK;

    reg->arena = arena;
    reg->plugins = ordo_arena_alloc(arena, MAX_PLUGINS * sizeof(void *));
    reg->descs = ordo_arena_alloc(arena, MAX_PLUGINS * sizeof(void *));
    reg->refused = ordo_arena_alloc(arena, MAX_PLUGINS * sizeof *reg->refused);
    if (dir && dir[0]) {
        rc = load_dir(reg, dir, host, err);
    }
    if (rc != ORDO_OK) {
        ordo_registry_free(reg);
        return rc;
    }
    index_actions(reg);
    *out = reg;
    return ORDO_OK;
}

void ordo_registry_free(struct ordo_registry *reg)
{
    if (!reg) {
        return;
    }
    for (size_t i = 0; i < reg->nplugins; i++) {
        ordo_plugin_free(reg->plugins[i]);
    }
    ordo_arena_free(reg->arena);
}

size_t ordo_registry_count(const struct ordo_registry *reg)
{
    return reg->nplugins;
}

const struct ordo_plugin *ordo_registry_get(const struct ordo_registry *reg, size_t i)
{
    return i < reg->nplugins ? reg->plugins[i] : NULL;
}

const struct ordo_plugin *ordo_registry_find(const struct ordo_registry *reg, const char *name)
{
    for (size_t i = 0; i < reg->nplugins; i++) {
        if (strcmp(reg->plugins[i]->desc->name, name) == 0) {
            return reg->plugins[i];
        }
    }
    return NULL;
}

const struct ordo_plugin_action *ordo_registry_action(const struct ordo_registry *reg,
                                                      const char *id)
{
    const char **hit;

    if (!id || reg->nactions == 0) {
        return NULL;
    }
    hit = bsearch(&id, reg->ids, reg->nactions, sizeof(char *), cmp_str_cb);
    return hit ? reg->actions[hit - reg->ids] : NULL;
}

const char *const *ordo_registry_action_ids(const struct ordo_registry *reg, size_t *n)
{
    *n = reg->nactions;
    return reg->ids;
}

const struct ordo_connector *const *ordo_registry_descriptors(const struct ordo_registry *reg,
                                                              size_t *n)
{
    *n = reg->nplugins;
    return reg->descs;
}

size_t ordo_registry_refused_count(const struct ordo_registry *reg)
{
    return reg->nrefused;
}

const struct ordo_registry_refusal *ordo_registry_refused(const struct ordo_registry *reg, size_t i)
{
    return i < reg->nrefused ? &reg->refused[i] : NULL;
}
