/*
 * core/defcache.c - compiled definitions, shared by every store of a
 * process.
 *
 * A definition's XML never changes once deployed, so its compiled graph
 * can be kept for the life of the process: the first step of an instance
 * on this node reads and compiles the XML; every later step finds it
 * here. Readers share a read lock; a miss compiles outside any lock (two
 * threads may both compile; the first to insert wins and the other's copy
 * is freed).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/strmap.h"
#include "bpmn/parse.h"
#include "core/store_internal.h"

struct def_entry {
    struct store_def def;
    struct ordo_bpmn_model *model;
    struct ordo_graph *graph;
    struct def_entry *next; /* every entry, for freeing */
};

struct ordo_defcache {
    pthread_rwlock_t lock;
    struct ordo_arena *arena; /* keys and entries, under the write lock */
    struct ordo_strmap *map;  /* decimal key -> struct def_entry */
    struct def_entry *all;
    struct ordo_runtime_options runtime;
};

struct ordo_defcache *ordo_defcache_new(const struct ordo_runtime_options *runtime)
{
    struct ordo_defcache *c = calloc(1, sizeof *c);

    if (!c) {
        return NULL;
    }
    pthread_rwlock_init(&c->lock, NULL);
    c->arena = ordo_arena_new();
    c->map = ordo_strmap_new(c->arena, 64);
    if (runtime) {
        c->runtime = *runtime;
    }
    return c;
}

static void entry_free(struct def_entry *e)
{
    ordo_graph_free(e->graph);
    ordo_bpmn_model_free(e->model);
    free((char *)e->def.process_id);
    free(e);
}

void ordo_defcache_free(struct ordo_defcache *cache)
{
    struct def_entry *e, *next;

    if (!cache) {
        return;
    }
    for (e = cache->all; e; e = next) {
        next = e->next;
        entry_free(e);
    }
    ordo_arena_free(cache->arena);
    pthread_rwlock_destroy(&cache->lock);
    free(cache);
}

const struct ordo_runtime_options *ordo_st_def_runtime(const struct ordo_store *st)
{
    return &st->cache->runtime;
}

static enum ordo_code compile(const char *xml, const char *process_id, struct def_entry *e,
                              struct ordo_err *err)
{
    struct ordo_arena *scratch = ordo_arena_new();
    const struct ordo_graph_finding *findings;
    const struct ordo_graph_node *p;
    size_t nfindings;
    enum ordo_code rc;

    rc = ordo_bpmn_parse(xml, strlen(xml), NULL, &e->model, err);
    if (rc == ORDO_OK) {
        rc = ordo_graph_compile(e->model, NULL, scratch, &e->graph, &findings, &nfindings, err);
    }
    ordo_arena_free(scratch);
    if (rc != ORDO_OK) {
        return rc;
    }
    p = ordo_graph_process(e->graph, process_id);
    if (!p) {
        return ordo_err_set(err, ORDO_E_INTERNAL, "definition %lld has no process \"%s\"",
                            (long long)e->def.key, process_id);
    }
    e->def.process = p->index;
    e->def.graph = e->graph;
    return ORDO_OK;
}

static enum ordo_code load(struct ordo_store *st, int64_t key, struct def_entry **out,
                           struct ordo_err *err)
{
    const char *params[1] = {ordo_st_i64(st->arena, key)};
    struct def_entry *e;
    PGresult *res;
    enum ordo_code rc;

    rc = ordo_st_query(st, "could not read a definition",
                       "SELECT process_id, version, xml FROM definition WHERE key = $1", 1, params,
                       &res, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    if (PQntuples(res) == 0) {
        return ordo_err_set(err, ORDO_E_NOTFOUND, "definition %lld not found", (long long)key);
    }
    e = calloc(1, sizeof *e);
    if (!e) {
        return ordo_err_set(err, ORDO_E_INTERNAL, "out of memory");
    }
    e->def.key = key;
    e->def.process_id = strdup(PQgetvalue(res, 0, 0));
    e->def.version = (int)ordo_pg_int(res, 0, 1);
    rc = e->def.process_id ? compile(PQgetvalue(res, 0, 2), e->def.process_id, e, err)
                           : ordo_err_set(err, ORDO_E_INTERNAL, "out of memory");
    if (rc != ORDO_OK) {
        entry_free(e);
        return rc;
    }
    *out = e;
    return ORDO_OK;
}

enum ordo_code ordo_st_def_get(struct ordo_store *st, int64_t key, const struct store_def **out,
                               struct ordo_err *err)
{
    struct ordo_defcache *c = st->cache;
    const char *k = ordo_st_i64(st->arena, key);
    struct def_entry *e, *fresh = NULL;
    enum ordo_code rc;

    pthread_rwlock_rdlock(&c->lock);
    e = ordo_strmap_get(c->map, k);
    pthread_rwlock_unlock(&c->lock);
    if (e) {
        *out = &e->def;
        return ORDO_OK;
    }
    rc = load(st, key, &fresh, err);
    if (rc != ORDO_OK || !fresh) {
        return rc != ORDO_OK ? rc : ordo_err_set(err, ORDO_E_INTERNAL, "no definition loaded");
    }
    pthread_rwlock_wrlock(&c->lock);
    e = ordo_strmap_add(c->map, ordo_arena_strdup(c->arena, k), fresh);
    if (!e) { /* ours went in */
        fresh->next = c->all;
        c->all = fresh;
        e = fresh;
    }
    pthread_rwlock_unlock(&c->lock);
    if (e != fresh) { /* another thread compiled it first */
        entry_free(fresh);
    }
    *out = &e->def;
    return ORDO_OK;
}
