/*
 * generator/ir_uses.c - ordo_ir_uses: what an IR would make Ordo do, for
 * the person who deploys it (generator/ir.h).
 *
 * Read leniently: values of the wrong type are skipped, so the summary of
 * an IR that failed validation is still safe to build (and to show beside
 * its violations).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "generator/ir.h"

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* 'set' (strings) as a sorted array without repeats (a new reference). */
static json_t *sorted_unique(const json_t *set)
{
    size_t n = json_array_size(set);
    const char **names = n ? malloc(n * sizeof(const char *)) : NULL;
    json_t *out = json_array();

    if (!names) {
        return out; /* nothing to sort, or out of memory: an empty list */
    }
    for (size_t i = 0; i < n; i++) {
        names[i] = json_string_value(json_array_get(set, i));
    }
    qsort(names, n, sizeof(const char *), cmp_str);
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || strcmp(names[i], names[i - 1]) != 0) {
            (void)json_array_append_new(out, json_string(names[i]));
        }
    }
    free(names);
    return out;
}

static void add_string(json_t *list, const json_t *v)
{
    if (json_is_string(v)) {
        (void)json_array_append_new(list, json_string(json_string_value(v)));
    }
}

static void add_targets(json_t *targets, const json_t *node)
{
    const json_t *id = json_object_get(node, "id");
    const json_t *action = json_object_get(node, "action");
    const json_t *m;
    size_t i;

    json_array_foreach(json_object_get(node, "inputs"), i, m)
    {
        const json_t *target = json_object_get(m, "target");
        const json_t *source = json_object_get(m, "source");

        if (json_is_string(id) && json_is_string(action) && json_is_string(target) &&
            json_is_string(source)) {
            (void)json_array_append_new(targets,
                                        json_pack("{s:O, s:O, s:O, s:O}", "element", id, "action",
                                                  action, "input", target, "source", source));
        }
    }
}

static bool is_kind(const json_t *node, const char *kind)
{
    const char *k = json_string_value(json_object_get(node, "kind"));

    return k && strcmp(k, kind) == 0;
}

enum ordo_code ordo_ir_uses(const json_t *ir, json_t **out, struct ordo_err *err)
{
    json_t *actions;
    json_t *credentials;
    json_t *targets;
    json_t *webhooks;
    json_t *notify;
    const json_t *node;
    size_t i;

    if (!ir || !out) {
        return ordo_err_set(err, ORDO_E_INVAL, "ordo_ir_uses: NULL argument");
    }
    actions = json_array();
    credentials = json_array();
    targets = json_array();
    webhooks = json_array();
    notify = json_array();
    json_array_foreach(json_object_get(ir, "nodes"), i, node)
    {
        if (is_kind(node, "service_task")) {
            add_string(actions, json_object_get(node, "action"));
            add_string(credentials, json_object_get(node, "credential"));
            add_targets(targets, node);
        } else if (is_kind(node, "user_task")) {
            add_string(notify, json_object_get(node, "notify"));
        } else if (is_kind(node, "start")) {
            add_string(webhooks, json_object_get(json_object_get(node, "webhook"), "name"));
        }
    }
    *out = json_pack("{s:o, s:o, s:o, s:o, s:o}", "actions", sorted_unique(actions), "credentials",
                     sorted_unique(credentials), "targets", targets, "webhooks",
                     sorted_unique(webhooks), "notify", sorted_unique(notify));
    json_decref(actions);
    json_decref(credentials);
    json_decref(webhooks);
    json_decref(notify);
    return ORDO_OK;
}
