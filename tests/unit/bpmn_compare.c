#include "tests/unit/bpmn_compare.h"

#include <stdio.h>
#include <string.h>

#include "base/text.h"

static const char *id_of(const struct ordo_bpmn_node *n)
{
    return n ? (n->id ? n->id : "(no id)") : "(none)";
}

static bool same_ref(const struct ordo_bpmn_node *a, const struct ordo_bpmn_node *b)
{
    return (a == NULL) == (b == NULL) && (!a || (ordo_streq(a->id, b->id) && a->order == b->order));
}

static bool same_list(struct ordo_bpmn_node *const *a, uint32_t na, struct ordo_bpmn_node *const *b,
                      uint32_t nb)
{
    if (na != nb) {
        return false;
    }
    for (uint32_t i = 0; i < na; i++) {
        if (!same_ref(a[i], b[i])) {
            return false;
        }
    }
    return true;
}

static bool same_bounds(const struct ordo_bpmn_bounds *a, const struct ordo_bpmn_bounds *b)
{
    return (a == NULL) == (b == NULL) &&
           (!a || (a->x == b->x && a->y == b->y && a->width == b->width && a->height == b->height));
}

static bool same_attrs(const struct ordo_bpmn_node *a, const struct ordo_bpmn_node *b, char *why,
                       size_t size)
{
    if (a->nattrs != b->nattrs) {
        (void)snprintf(why, size, "<%s> \"%s\" line %u: %u attributes, then %u", a->tag, id_of(a),
                       a->line, a->nattrs, b->nattrs);
        return false;
    }
    for (uint32_t i = 0; i < a->nattrs; i++) {
        const struct ordo_bpmn_attr *x = &a->attrs[i];
        const struct ordo_bpmn_attr *y = &b->attrs[i];

        if (!ordo_streq(x->ns, y->ns) || !ordo_streq(x->name, y->name) ||
            !ordo_streq(x->value, y->value) || !ordo_streq(x->value_ns, y->value_ns)) {
            (void)snprintf(why, size, "<%s> \"%s\" line %u: attribute %s=\"%s\" became %s=\"%s\"",
                           a->tag, id_of(a), a->line, x->name, x->value, y->name, y->value);
            return false;
        }
    }
    return true;
}

static bool same_node(const struct ordo_bpmn_node *a, const struct ordo_bpmn_node *b, char *why,
                      size_t size)
{
    if (a->kind != b->kind || !ordo_streq(a->ns, b->ns) || !ordo_streq(a->tag, b->tag) ||
        !ordo_streq(a->id, b->id) || !ordo_streq(a->name, b->name) ||
        !ordo_streq(a->text, b->text) || a->cdata != b->cdata) {
        (void)snprintf(why, size, "node %u (<%s> \"%s\", line %u) differs from <%s> \"%s\"",
                       a->order, a->tag ? a->tag : ordo_bpmn_kind_name(a->kind), id_of(a), a->line,
                       b->tag ? b->tag : ordo_bpmn_kind_name(b->kind), id_of(b));
        return false;
    }
    if (!same_attrs(a, b, why, size)) {
        return false;
    }
    if (!same_ref(a->source, b->source) || !same_ref(a->target, b->target) ||
        !same_ref(a->attached_to, b->attached_to) || !same_ref(a->default_flow, b->default_flow) ||
        !same_ref(a->bpmn_element, b->bpmn_element) || !same_ref(a->di, b->di) ||
        !same_list(a->incoming, a->nincoming, b->incoming, b->nincoming) ||
        !same_list(a->outgoing, a->noutgoing, b->outgoing, b->noutgoing) ||
        !same_bounds(a->bounds, b->bounds) || a->nevent_definitions != b->nevent_definitions) {
        (void)snprintf(why, size, "<%s> \"%s\" line %u: resolved links or bounds differ", a->tag,
                       id_of(a), a->line);
        return false;
    }
    return true;
}

bool bpmn_models_equal(const struct ordo_bpmn_model *a, const struct ordo_bpmn_model *b, char *why,
                       size_t why_size)
{
    const struct ordo_bpmn_node *ra = ordo_bpmn_model_root(a);
    const struct ordo_bpmn_node *rb = ordo_bpmn_model_root(b);
    const struct ordo_bpmn_node *x = ra;
    const struct ordo_bpmn_node *y = rb;

    if (ordo_bpmn_model_node_count(a) != ordo_bpmn_model_node_count(b)) {
        (void)snprintf(why, why_size, "%zu nodes, then %zu", ordo_bpmn_model_node_count(a),
                       ordo_bpmn_model_node_count(b));
        return false;
    }
    for (; x && y; x = ordo_bpmn_next(ra, x), y = ordo_bpmn_next(rb, y)) {
        if (!same_node(x, y, why, why_size)) {
            return false;
        }
    }
    return x == NULL && y == NULL;
}
