/*
 * server/api.c - what the REST handlers share: the connection pool, the
 * role check, the rate limit, paging and keys.
 */
#include "server/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "base/text.h"
#include "core/identity.h"
#include "core/query.h"
#include "core/store.h"
#include "plugins/registry.h"
#include "server/ratelimit.h"

/* Failed logins: 10 at once per address and per login, then one a minute. */
#define LOGIN_BURST 10.0
#define LOGIN_RATE  (1.0 / 60.0)

enum ordo_code ordo_api_init(struct ordo_api *api, const struct ordo_config *cfg,
                             const char *conninfo, const char *node, struct ordo_err *err)
{
    (void)err;
    memset(api, 0, sizeof *api);
    api->cfg = cfg;
    api->conninfo = conninfo;
    api->node = node;
    api->cache = ordo_defcache_new(NULL);
    api->identities = ordo_identity_cache_new(0);
    api->limits = ordo_ratelimit_new((double)cfg->rate_limit, (double)cfg->rate_burst);
    api->logins = ordo_ratelimit_new(LOGIN_RATE, LOGIN_BURST);
    api->cap = (size_t)cfg->http_threads + 2;
    api->idle = calloc(api->cap, sizeof(struct ordo_store *));
    if (!api->idle) {
        ordo_oom(api->cap * sizeof(struct ordo_store *));
    }
    (void)pthread_mutex_init(&api->lock, NULL);
    return ORDO_OK;
}

void ordo_api_cleanup(struct ordo_api *api)
{
    for (size_t i = 0; i < api->nidle; i++) {
        ordo_store_close(api->idle[i]);
    }
    free(api->idle);
    (void)pthread_mutex_destroy(&api->lock);
    ordo_ratelimit_free(api->limits);
    ordo_ratelimit_free(api->logins);
    ordo_identity_cache_free(api->identities);
    ordo_defcache_free(api->cache);
    memset(api, 0, sizeof *api);
}

/* ---- the pool -------------------------------------------------------------------------------- */

struct lease {
    struct ordo_api *api;
    struct ordo_store *st;
};

void ordo_api_return(struct ordo_api *api, struct ordo_store *st)
{
    (void)pthread_mutex_lock(&api->lock);
    if (st && api->nidle < api->cap) {
        api->idle[api->nidle++] = st;
        st = NULL;
    }
    (void)pthread_mutex_unlock(&api->lock);
    ordo_store_close(st); /* more than the pool keeps */
}

PGconn *ordo_api_pg(struct ordo_http_req *req, struct ordo_err *err)
{
    struct ordo_store *st;

    if (ordo_api_store(req, &st, err) != ORDO_OK) {
        return NULL;
    }
    return ordo_store_pg(st, err);
}

enum ordo_code ordo_api_borrow(struct ordo_api *api, struct ordo_store **out, struct ordo_err *err)
{
    struct ordo_store *st = NULL;

    (void)pthread_mutex_lock(&api->lock);
    if (api->nidle) {
        st = api->idle[--api->nidle];
    }
    (void)pthread_mutex_unlock(&api->lock);
    if (!st) {
        return ordo_store_open(api->conninfo, api->cache, api->node, out, err);
    }
    *out = st;
    return ORDO_OK;
}

static void give_back_cb(void *p)
{
    struct lease *l = p;

    ordo_api_return(l->api, l->st);
}

enum ordo_code ordo_api_store(struct ordo_http_req *req, struct ordo_store **out,
                              struct ordo_err *err)
{
    struct ordo_api *api = ordo_http_app(req);
    struct ordo_arena *arena = ordo_http_arena(req);
    struct lease *l;
    struct ordo_store *st = NULL;
    enum ordo_code rc = ordo_api_borrow(api, &st, err);

    if (rc != ORDO_OK) {
        return rc;
    }
    l = ordo_arena_alloc(arena, sizeof *l);
    l->api = api;
    l->st = st;
    ordo_arena_defer(arena, give_back_cb, l);
    *out = st;
    return ORDO_OK;
}

/* ---- roles and limits ------------------------------------------------------------------------ */

enum ordo_code ordo_api_preflight(void *ctx, struct ordo_http_req *req, struct ordo_err *err)
{
    (void)ctx;
    return ordo_http_route(req)->handler == ordo_api_hook_receive
               ? ordo_api_hook_preflight(req, err)
               : ORDO_OK;
}

bool ordo_api_allow(void *ctx, const struct ordo_principal *who, const struct ordo_route *route)
{
    (void)ctx;
    return ordo_route_is_open(route) || ordo_principal_has(who, ORDO_ROLE_ADMIN) ||
           (who->roles & route->roles) != 0;
}

bool ordo_api_limit(void *ctx, const struct ordo_principal *who, int *retry_after)
{
    struct ordo_api *api = ctx;
    char name[32];

    (void)snprintf(name, sizeof name, "u%lld", (long long)who->user_key);
    return ordo_ratelimit_take(api->limits, name, 1.0, ordo_clock_wall_ms(), retry_after);
}

const char *ordo_api_actor(struct ordo_http_req *req)
{
    const struct ordo_principal *who = ordo_http_who(req);

    return who ? ordo_arena_printf(ordo_http_arena(req), "user:%s", who->login) : "anonymous";
}

/* ---- keys ------------------------------------------------------------------------- */

json_t *ordo_api_key_json(int64_t key)
{
    char buf[24];

    (void)snprintf(buf, sizeof buf, "%lld", (long long)key);
    return json_string(buf);
}

enum ordo_code ordo_api_variables(const json_t *body, const json_t **vars, struct ordo_err *err)
{
    const json_t *v = json_object_get(body, "variables");

    *vars = NULL;
    if (v && !json_is_null(v) && !json_is_object(v)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "variables must be an object, not %s",
                            ordo_json_type_name(v));
    }
    *vars = json_is_object(v) ? v : NULL;
    return ORDO_OK;
}

enum ordo_code ordo_api_with_key(struct ordo_http_req *req, ordo_api_key_fn *fn,
                                 struct ordo_err *err)
{
    struct ordo_store *st;
    int64_t key;
    enum ordo_code rc = ordo_http_param_key(req, 0, &key, err);

    if (rc == ORDO_OK) {
        rc = ordo_api_store(req, &st, err);
    }
    return rc == ORDO_OK ? fn(req, st, key, err) : rc;
}

enum ordo_code ordo_api_reply(struct ordo_http_req *req, enum ordo_code rc, json_t *out)
{
    if (rc == ORDO_OK) {
        ordo_http_reply_json(req, 200, out);
    }
    return rc;
}

/* {"keys":["1","2"]}: keys as strings (CONTRACTS §1) or integers. */
enum ordo_code ordo_api_keys(struct ordo_http_req *req, int64_t **keys, size_t *n,
                             struct ordo_err *err)
{
    static const char *const fields[] = {"keys", NULL};
    json_t *body, *list = NULL, *v;
    size_t i;
    enum ordo_code rc = ordo_http_body_object(req, fields, &body, err);

    if (rc == ORDO_OK) {
        rc = ordo_json_get_array(body, "keys", &list, err);
    }
    if (rc != ORDO_OK) {
        return rc;
    }
    *keys = ordo_arena_calloc(ordo_http_arena(req), json_array_size(list) + 1, sizeof **keys);
    json_array_foreach(list, i, v)
    {
        const char *s = json_string_value(v);
        int64_t k = json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;

        if (s && ordo_query_parse_key(s, "key", &k, NULL) != ORDO_OK) {
            k = 0;
        }
        if (k <= 0) {
            return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "keys[%zu] is not a key", i);
        }
        (*keys)[i] = k;
    }
    *n = json_array_size(list);
    return ORDO_OK;
}

enum ordo_code ordo_api_external_type(struct ordo_http_req *req, const char *type,
                                      struct ordo_err *err)
{
    const struct ordo_api *api = ordo_http_app(req);

    if (api->registry && type && ordo_registry_action(api->registry, type)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "job type \"%s\" is an installed connector action: Ordo runs those "
                            "jobs itself, so no external worker gets them",
                            type);
    }
    return ORDO_OK;
}

enum ordo_code ordo_api_idempotency_key(struct ordo_http_req *req, const char **out,
                                        struct ordo_err *err)
{
    const char *k = ordo_http_header(req, "Idempotency-Key");
    size_t n = k ? strlen(k) : 0;

    *out = NULL;
    if (!k) {
        return ORDO_OK;
    }
    for (size_t i = 0; i < n; i++) {
        if (k[i] <= ' ' || k[i] > '~') {
            n = 0;
        }
    }
    if (n == 0 || n > ORDO_API_IDEMPOTENCY_KEY_MAX) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "Idempotency-Key must be 1 to %d visible ASCII characters",
                            ORDO_API_IDEMPOTENCY_KEY_MAX);
    }
    *out = k;
    return ORDO_OK;
}
