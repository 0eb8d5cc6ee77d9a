#include "server/route.h"

#include <string.h>

bool ordo_route_is_open(const struct ordo_route *route)
{
    return route->roles == 0;
}

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool is_segment_end(char c)
{
    return c == '/' || c == '\0';
}

enum ordo_route_dialect ordo_route_dialect(const char *path)
{
    if (has_prefix(path, "/engine-rest") && is_segment_end(path[strlen("/engine-rest")])) {
        return ORDO_DIALECT_CAMUNDA7;
    }
    if (has_prefix(path, "/v2") && is_segment_end(path[strlen("/v2")])) {
        return ORDO_DIALECT_CAMUNDA8;
    }
    return ORDO_DIALECT_NATIVE;
}

struct match_state {
    char *buf;
    size_t used;
    size_t size;
    const char **params;
    size_t nparams;
};

/* Copy one parameter value into the buffer. */
static bool take_param(struct match_state *m, const char *value, size_t len)
{
    if (m->nparams == ORDO_ROUTE_MAX_PARAMS || m->used + len + 1 > m->size) {
        return false;
    }
    memcpy(m->buf + m->used, value, len);
    m->buf[m->used + len] = '\0';
    m->params[m->nparams++] = m->buf + m->used;
    m->used += len + 1;
    return true;
}

/* Does 'path' match 'pattern'? Both start with '/'. */
static bool match_pattern(const char *pattern, const char *path, struct match_state *m)
{
    m->used = 0;
    m->nparams = 0;
    while (*pattern && *path) {
        size_t plen = strcspn(pattern + 1, "/") + 1; /* "/seg" */
        size_t slen = strcspn(path + 1, "/") + 1;

        if (pattern[0] != '/' || path[0] != '/') {
            return false;
        }
        if (plen == 2 && pattern[1] == '*' && pattern[2] == '\0') {
            return true; /* a star segment: this and everything below */
        }
        if (pattern[1] == '{') {
            if (slen == 1 || !take_param(m, path + 1, slen - 1)) {
                return false;
            }
        } else if (plen != slen || memcmp(pattern, path, plen) != 0) {
            return false;
        }
        pattern += plen;
        path += slen;
    }
    return *pattern == '\0' && *path == '\0';
}

/* Camunda 7 clients name the engine: /engine-rest/engine/default/X is
 * /engine-rest/X. The rest of such a path ("/X"), or NULL. */
#define C7_BASE  "/engine-rest"
#define C7_ALIAS "/engine-rest/engine/default"

static const char *engine_alias(const char *path)
{
    return has_prefix(path, C7_ALIAS) && path[strlen(C7_ALIAS)] == '/' ? path + strlen(C7_ALIAS)
                                                                       : NULL;
}

static bool match_route(const char *pattern, const char *path, const char *alias_rest,
                        struct match_state *m)
{
    if (!alias_rest) {
        return match_pattern(pattern, path, m);
    }
    return has_prefix(pattern, C7_BASE "/") &&
           match_pattern(pattern + strlen(C7_BASE), alias_rest, m);
}

enum ordo_route_match ordo_route_find(const struct ordo_route *routes, size_t nroutes,
                                      const char *method, const char *path,
                                      char *buf, /* NOLINT: written through 'm' */
                                      size_t bufsize, const struct ordo_route **route,
                                      const char *params[ORDO_ROUTE_MAX_PARAMS], size_t *nparams)
{
    struct match_state m = {buf, 0, bufsize, params, 0};
    const char *alias_rest = engine_alias(path);
    bool path_known = false;

    for (size_t i = 0; i < nroutes; i++) {
        if (!match_route(routes[i].pattern, path, alias_rest, &m)) {
            continue;
        }
        if (strcmp(routes[i].method, method) == 0) {
            *route = &routes[i];
            *nparams = m.nparams;
            return ORDO_ROUTE_FOUND;
        }
        path_known = true;
    }
    *nparams = 0;
    return path_known ? ORDO_ROUTE_NO_METHOD : ORDO_ROUTE_NO_PATH;
}
