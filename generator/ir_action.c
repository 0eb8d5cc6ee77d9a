/*
 * generator/ir_action.c - rules ir/action and ir/input: every service task
 * calls an installed action it may use, and maps the action's inputs as
 * its input schema in the catalogue declares them (generator/ir.h).
 *
 * A refused action lists the actions that are allowed, so the model can
 * pick one in the repair round. http.* actions reach any URL with the
 * server's rights, so generated drafts use them only when the person who
 * asked opted in (issue 8). Inputs are checked only for a task whose
 * action passed ir/action: a wrong action is one violation, not one per
 * input.
 */
#include <string.h>

#include <jansson.h>

#include "generator/ir_internal.h"

/* The action ids the IR may use, for messages: "a.b, c.d". */
static const char *allowed_text(struct ordo_ir_ctx *c)
{
    const char *text = NULL;

    for (size_t i = 0; i < c->cat->n; i++) {
        const struct ordo_ir_action *a = &c->cat->actions[i];

        if (!a->http || c->opts->allow_http) {
            text = text ? ordo_arena_printf(c->arena, "%s, %s", text, a->id) : a->id;
        }
    }
    return text ? text : "none (no connector is installed)";
}

/* The action of a service task if it passes ir/action, else NULL. */
static const struct ordo_ir_action *action_of(const struct ordo_ir_ctx *c,
                                              const struct ordo_ir_node *n)
{
    const struct ordo_ir_action *a = n->action ? ordo_strmap_get(c->cat->by_id, n->action) : NULL;

    return a && (!a->http || c->opts->allow_http) ? a : NULL;
}

static void check_action(struct ordo_ir_ctx *c, const struct ordo_ir_node *n, const char *allowed)
{
    const struct ordo_ir_action *a = n->action ? ordo_strmap_get(c->cat->by_id, n->action) : NULL;
    const char *path = ordo_ir_node_path(c, n);

    if (!n->action) {
        ordo_ir_add(c, "ir/action", path, n->id,
                    "service task '%s' has no action: set action to one of the installed "
                    "actions: %s",
                    n->id, allowed);
    } else if (!a) {
        ordo_ir_add(c, "ir/action", path, n->id,
                    "service task '%s' calls '%s', which is not installed: use one of: %s", n->id,
                    ordo_ir_quote(c, n->action), allowed);
    } else if (a->http && !c->opts->allow_http) {
        ordo_ir_add(c, "ir/action", path, n->id,
                    "service task '%s' calls '%s': http.* actions may reach any address, so a "
                    "draft uses them only when the person asking opts in (allow_http); use a "
                    "connector's action instead: %s",
                    n->id, a->id, allowed);
    }
}

/* "a, b" of the keys of 'props' or the strings of 'list'. */
static const char *names_text(struct ordo_ir_ctx *c, const json_t *props, const json_t *list)
{
    const char *text = NULL;
    const char *key;
    const json_t *v;
    size_t i;

    json_object_foreach((json_t *)props, key, v)
    {
        text = text ? ordo_arena_printf(c->arena, "%s, %s", text, key) : key;
    }
    json_array_foreach(list, i, v)
    {
        if (json_is_string(v)) {
            text = text ? ordo_arena_printf(c->arena, "%s, %s", text, json_string_value(v))
                        : json_string_value(v);
        }
    }
    return text ? text : "none";
}

static bool mapped(const json_t *inputs, const char *target, size_t before)
{
    for (size_t j = 0; j < before && j < json_array_size(inputs); j++) {
        const char *t = json_string_value(json_object_get(json_array_get(inputs, j), "target"));

        if (strcmp(t, target) == 0) {
            return true;
        }
    }
    return false;
}

static void check_targets(struct ordo_ir_ctx *c, const struct ordo_ir_node *n,
                          const struct ordo_ir_action *a, const json_t *props)
{
    size_t i;
    const json_t *m;

    json_array_foreach(n->inputs, i, m)
    {
        const char *target = json_string_value(json_object_get(m, "target"));
        const char *path = ordo_arena_printf(c->arena, "nodes[%u].inputs[%zu]", n->index, i);

        if (mapped(n->inputs, target, i)) {
            ordo_ir_add(c, "ir/input", path, n->id,
                        "service task '%s' maps the input '%s' twice: keep one mapping", n->id,
                        ordo_ir_quote(c, target));
        } else if (!json_object_get(props, target)) {
            ordo_ir_add(c, "ir/input", path, n->id,
                        "service task '%s' maps '%s', which '%s' does not declare: its inputs "
                        "are: %s",
                        n->id, ordo_ir_quote(c, target), a->id, names_text(c, props, NULL));
        }
    }
}

static void check_inputs(struct ordo_ir_ctx *c, const struct ordo_ir_node *n,
                         const struct ordo_ir_action *a)
{
    const json_t *props = json_object_get(a->input_schema, "properties");
    const json_t *required = json_object_get(a->input_schema, "required");
    size_t i;
    const json_t *r;

    if (!json_is_object(props)) {
        props = NULL;
    }
    check_targets(c, n, a, props);
    json_array_foreach(required, i, r)
    {
        if (json_is_string(r) && !mapped(n->inputs, json_string_value(r), SIZE_MAX)) {
            ordo_ir_add(c, "ir/input", ordo_ir_node_path(c, n), n->id,
                        "service task '%s' does not map '%s', a required input of '%s': add "
                        "{\"target\": \"%s\", \"source\": ...} to inputs (required: %s)",
                        n->id, json_string_value(r), a->id, json_string_value(r),
                        names_text(c, NULL, required));
        }
    }
}

void ordo_ir_check_actions(struct ordo_ir_ctx *c)
{
    const char *allowed = allowed_text(c);

    for (uint32_t i = 0; i < c->n_nodes; i++) {
        if (c->nodes[i].kind == ORDO_IR_SERVICE) {
            check_action(c, &c->nodes[i], allowed);
        }
    }
    for (uint32_t i = 0; i < c->n_nodes; i++) {
        const struct ordo_ir_node *n = &c->nodes[i];
        const struct ordo_ir_action *a = n->kind == ORDO_IR_SERVICE ? action_of(c, n) : NULL;

        if (a) {
            check_inputs(c, n, a);
        }
    }
}
