/*
 * bpmn/export.c - the export's frame: copy the model, edit the copy, keep
 * the report, index the result (bpmn/export.h).
 *
 * The copy owns every string it holds (the input may be freed first). It is
 * edited in place by the target's rules, then the namespace declarations
 * that nothing uses any more (ordo:, and zeebe: for Camunda 7) are dropped
 * from the root so that the output declares only what it uses, and the
 * model is indexed as the parser would have. bpmn/model.h hands out nodes
 * and attribute arrays as const because indexed models are shared; the
 * copy's are allocated here and not yet indexed or shared, which is why the
 * editing functions may cast that const away.
 */
#include "bpmn/export.h"

#include <stdarg.h>
#include <string.h>

#include "base/text.h"
#include "bpmn/export_internal.h"

/* ---- the report ---- */

void ordo_export_report(struct ordo_export_state *x, enum ordo_export_level level,
                        const struct ordo_bpmn_node *el, const char *what, const char *fmt, ...)
{
    struct ordo_export_finding *f;
    va_list ap;

    x->findings = ordo_arena_grow(x->arena, x->findings, x->nfindings, &x->cap_findings,
                                  sizeof(*x->findings));
    f = &x->findings[x->nfindings++];
    f->level = level;
    f->element = el && el->id ? ordo_arena_strdup(x->arena, el->id) : NULL;
    f->what = what;
    va_start(ap, fmt);
    f->message = ordo_arena_vprintf(x->arena, fmt, ap);
    va_end(ap);
    x->lost += level == ORDO_EXPORT_LOST;
}

const struct ordo_bpmn_node *ordo_export_owner(const struct ordo_bpmn_node *n)
{
    while (n && !n->id) {
        n = n->parent;
    }
    return n;
}

/* ---- reading an expression's text ---- */

const char *ordo_export_skip_space(const char *t)
{
    while (ordo_is_space((unsigned char)*t)) {
        t++;
    }
    return t;
}

bool ordo_export_is_juel(const char *text)
{
    const char *t = ordo_export_skip_space(text);

    return (t[0] == '$' || t[0] == '#') && t[1] == '{';
}

/* ---- editing the copy ---- */

const char *ordo_export_str(struct ordo_export_state *x, const char *s)
{
    return ordo_arena_strdup(x->model_mem, s);
}

void ordo_export_attr_set(struct ordo_export_state *x, struct ordo_bpmn_node *n, const char *ns,
                          const char *prefix, const char *name, const char *value)
{
    struct ordo_bpmn_attr *attrs;

    for (uint32_t i = 0; i < n->nattrs; i++) {
        struct ordo_bpmn_attr *a = (struct ordo_bpmn_attr *)&n->attrs[i];

        if (strcmp(a->name, name) == 0 && (ns ? ordo_streq(a->ns, ns) : a->ns == NULL)) {
            a->value = ordo_export_str(x, value);
            a->value_ns = NULL;
            return;
        }
    }
    attrs = ordo_arena_calloc(x->model_mem, (size_t)n->nattrs + 1, sizeof(*attrs));
    if (n->nattrs) {
        memcpy(attrs, n->attrs, n->nattrs * sizeof(*attrs));
    }
    attrs[n->nattrs] = (struct ordo_bpmn_attr){.ns = ns ? ordo_export_str(x, ns) : NULL,
                                               .prefix = prefix ? ordo_export_str(x, prefix) : NULL,
                                               .name = ordo_export_str(x, name),
                                               .value = ordo_export_str(x, value)};
    n->attrs = attrs;
    n->nattrs++;
    if (!ns && strcmp(name, "id") == 0) {
        n->id = attrs[n->nattrs - 1].value;
    }
}

bool ordo_export_attr_drop(struct ordo_bpmn_node *n, const char *ns, const char *name)
{
    struct ordo_bpmn_attr *attrs = (struct ordo_bpmn_attr *)n->attrs;

    for (uint32_t i = 0; i < n->nattrs; i++) {
        if (strcmp(attrs[i].name, name) == 0 &&
            (ns ? ordo_streq(attrs[i].ns, ns) : attrs[i].ns == NULL)) {
            memmove(&attrs[i], &attrs[i + 1], (n->nattrs - i - 1) * sizeof(*attrs));
            n->nattrs--;
            return true;
        }
    }
    return false;
}

static struct ordo_bpmn_node *node_new(struct ordo_export_state *x, enum ordo_bpmn_kind kind)
{
    struct ordo_bpmn_node *n = ordo_arena_alloc(x->model_mem, sizeof(*n));

    n->kind = kind;
    n->classes = ordo_bpmn_kind_classes(kind);
    return n;
}

static void link_after(struct ordo_bpmn_node *parent, struct ordo_bpmn_node *prev,
                       struct ordo_bpmn_node *n)
{
    n->parent = parent;
    if (!prev) {
        n->next = parent->first;
        parent->first = n;
    } else {
        n->next = prev->next;
        prev->next = n;
    }
    if (!n->next) {
        parent->last = n;
    }
}

struct ordo_bpmn_node *ordo_export_element(struct ordo_export_state *x,
                                           struct ordo_bpmn_node *parent, const char *ns,
                                           const char *prefix, const char *tag)
{
    struct ordo_bpmn_node *n = node_new(x, ordo_bpmn_kind_lookup(ns, tag));

    n->ns = ordo_export_str(x, ns);
    n->prefix = prefix ? ordo_export_str(x, prefix) : NULL;
    n->tag = ordo_export_str(x, tag);
    n->in_extension = parent->in_extension || parent->kind == ORDO_BPMN_EXTENSION_ELEMENTS ||
                      parent->kind == ORDO_BPMN_EXTENSION;
    link_after(parent, parent->last, n);
    return n;
}

void ordo_export_unlink(struct ordo_bpmn_node *n)
{
    struct ordo_bpmn_node *p = n->parent;
    struct ordo_bpmn_node *prev = NULL;

    if (!p) {
        return;
    }
    for (struct ordo_bpmn_node *c = p->first; c && c != n; c = c->next) {
        prev = c;
    }
    if (prev) {
        prev->next = n->next;
    } else {
        p->first = n->next;
    }
    if (p->last == n) {
        p->last = prev;
    }
    n->parent = NULL;
    n->next = NULL;
}

void ordo_export_set_text(struct ordo_export_state *x, struct ordo_bpmn_node *el, const char *text)
{
    struct ordo_bpmn_node *t = node_new(x, ORDO_BPMN_CHARDATA);

    t->text = ordo_export_str(x, text);
    el->first = el->last = NULL;
    link_after(el, NULL, t);
    el->text = t->text;
}

struct ordo_bpmn_node *ordo_export_child(struct ordo_bpmn_node *parent, const char *ns,
                                         const char *tag)
{
    for (struct ordo_bpmn_node *c = parent->first; c; c = c->next) {
        if (ordo_bpmn_is_element(c) && ordo_streq(c->ns, ns) && strcmp(c->tag, tag) == 0) {
            return c;
        }
    }
    return NULL;
}

struct ordo_bpmn_node *ordo_export_extensions(struct ordo_export_state *x,
                                              struct ordo_bpmn_node *el, bool create)
{
    struct ordo_bpmn_node *ext = ordo_export_child(el, ORDO_BPMN_NS_MODEL, "extensionElements");
    struct ordo_bpmn_node *prev = NULL;

    if (ext || !create) {
        return ext;
    }
    /* BPMN's sequence: documentation, then extensionElements, then the rest. */
    for (struct ordo_bpmn_node *c = el->first; c && c->kind == ORDO_BPMN_DOCUMENTATION;
         c = c->next) {
        prev = c;
    }
    ext = node_new(x, ORDO_BPMN_EXTENSION_ELEMENTS);
    ext->ns = ORDO_BPMN_NS_MODEL;
    ext->prefix = el->prefix;
    ext->tag = "extensionElements";
    ext->in_extension = el->in_extension;
    link_after(el, prev, ext);
    return ext;
}

struct ordo_bpmn_node *ordo_export_ext_get(struct ordo_bpmn_node *el, const char *ns,
                                           const char *tag)
{
    struct ordo_bpmn_node *ext = ordo_export_child(el, ORDO_BPMN_NS_MODEL, "extensionElements");

    return ext ? ordo_export_child(ext, ns, tag) : NULL;
}

struct ordo_bpmn_node *ordo_export_ext_need(struct ordo_export_state *x, struct ordo_bpmn_node *el,
                                            const char *ns, const char *prefix, const char *tag)
{
    struct ordo_bpmn_node *n = ordo_export_ext_get(el, ns, tag);

    return n ? n : ordo_export_element(x, ordo_export_extensions(x, el, true), ns, prefix, tag);
}

/* ---- questions about the copy ---- */

const char *ordo_export_job_type(struct ordo_bpmn_node *el)
{
    const char *action = ordo_bpmn_attr_get(el, ORDO_BPMN_NS_ORDO, "action");
    struct ordo_bpmn_node *td = ordo_export_ext_get(el, ORDO_BPMN_NS_ZEEBE, "taskDefinition");
    const char *type = td ? ordo_bpmn_attr_get(td, NULL, "type") : NULL;

    if (action && *action) {
        return action;
    }
    if (type && *type) {
        return type;
    }
    if (ordo_streq(ordo_bpmn_attr_get(el, ORDO_BPMN_NS_CAMUNDA, "type"), "external")) {
        return ordo_bpmn_attr_get(el, ORDO_BPMN_NS_CAMUNDA, "topic");
    }
    return NULL;
}

bool ordo_export_is_message_catch(const struct ordo_bpmn_node *el)
{
    const struct ordo_bpmn_node *p = el->parent;

    if (el->kind == ORDO_BPMN_RECEIVE_TASK) {
        return true;
    }
    if (el->kind == ORDO_BPMN_START_EVENT) {
        /* A start event of an event sub-process catches within an instance. */
        return p && p->kind != ORDO_BPMN_PROCESS;
    }
    return el->kind == ORDO_BPMN_INTERMEDIATE_CATCH_EVENT || el->kind == ORDO_BPMN_BOUNDARY_EVENT;
}

struct ordo_bpmn_node *ordo_export_message_of(struct ordo_export_state *x,
                                              const struct ordo_bpmn_node *el)
{
    const char *ref = ordo_bpmn_attr_get(el, NULL, "messageRef");

    for (struct ordo_bpmn_node *c = x->root->first; ref && c; c = c->next) {
        if (c->kind == ORDO_BPMN_MESSAGE && ordo_streq(c->id, ref)) {
            return c;
        }
    }
    return NULL;
}

static struct ordo_bpmn_node **elements(struct ordo_export_state *x, size_t *count)
{
    struct ordo_bpmn_node **v = NULL;
    size_t n = 0;
    size_t cap = 0;

    for (struct ordo_bpmn_node *e = x->root; e;
         e = (struct ordo_bpmn_node *)ordo_bpmn_next(x->root, e)) {
        if (ordo_bpmn_is_element(e) && !e->in_extension && e->kind != ORDO_BPMN_EXTENSION &&
            e->kind != ORDO_BPMN_EXTENSION_ELEMENTS && !ordo_bpmn_is(e, ORDO_BPMN_C_DI)) {
            v = ordo_arena_grow(x->arena, v, n, &cap, sizeof(struct ordo_bpmn_node *));
            v[n++] = e;
        }
    }
    *count = n;
    return v;
}

void ordo_export_each(struct ordo_export_state *x, ordo_export_element_fn *fn)
{
    size_t n;
    struct ordo_bpmn_node **all = elements(x, &n);

    for (size_t i = 0; i < n; i++) {
        fn(x, all[i]);
    }
}

/* ---- ordo: attributes with no equivalent ---- */

static const char *ordo_attr_reason(const char *name)
{
    if (strcmp(name, "notify") == 0) {
        return "Camunda has no Slack announcement of user tasks; add a Slack connector task "
               "before this one";
    }
    if (strcmp(name, "webhook") == 0) {
        return "Camunda does not start processes from Ordo's webhook endpoints; use an inbound "
               "webhook connector or the REST API";
    }
    return "Camunda has no equivalent";
}

void ordo_export_drop_ordo(struct ordo_export_state *x, struct ordo_bpmn_node *el)
{
    for (uint32_t i = 0; i < el->nattrs;) {
        const struct ordo_bpmn_attr *a = &el->attrs[i];

        if (!ordo_streq(a->ns, ORDO_BPMN_NS_ORDO)) {
            i++;
            continue;
        }
        ordo_export_report(x, ORDO_EXPORT_LOST, el, ordo_arena_printf(x->arena, "ordo:%s", a->name),
                           "left out: %s", ordo_attr_reason(a->name));
        (void)ordo_export_attr_drop(el, a->ns, a->name);
    }
}

struct ordo_bpmn_node *ordo_export_drop_dialect(struct ordo_export_state *x,
                                                struct ordo_bpmn_node *el, const char *ns,
                                                const char *prefix, const char *why,
                                                bool (*harmless)(const char *name))
{
    struct ordo_bpmn_node *ext = ordo_export_extensions(x, el, false);

    for (uint32_t i = 0; i < el->nattrs;) {
        const struct ordo_bpmn_attr *a = &el->attrs[i];
        bool note;

        if (!ordo_streq(a->ns, ns)) {
            i++;
            continue;
        }
        note = harmless && harmless(a->name);
        ordo_export_report(x, note ? ORDO_EXPORT_NOTE : ORDO_EXPORT_LOST, el,
                           ordo_arena_printf(x->arena, "%s:%s", prefix, a->name), "left out: %s%s",
                           why, note ? " (Ordo ignores it too)" : "");
        (void)ordo_export_attr_drop(el, a->ns, a->name);
    }
    for (struct ordo_bpmn_node *c = ext ? ext->first : NULL; c;) {
        struct ordo_bpmn_node *next = c->next;

        if (ordo_bpmn_is_element(c) && ordo_streq(c->ns, ns)) {
            ordo_export_report(x, ORDO_EXPORT_LOST, el,
                               ordo_arena_printf(x->arena, "%s:%s", prefix, c->tag), "left out: %s",
                               why);
            ordo_export_unlink(c);
        }
        c = next;
    }
    return ext;
}

/* ---- the copy ---- */

static const struct ordo_bpmn_attr *copy_attrs(struct ordo_export_state *x,
                                               const struct ordo_bpmn_node *src)
{
    struct ordo_bpmn_attr *v;

    if (!src->nattrs) {
        return NULL;
    }
    v = ordo_arena_calloc(x->model_mem, src->nattrs, sizeof(*v));
    for (uint32_t i = 0; i < src->nattrs; i++) {
        const struct ordo_bpmn_attr *a = &src->attrs[i];

        v[i].ns = ordo_export_str(x, a->ns);
        v[i].prefix = ordo_export_str(x, a->prefix);
        v[i].name = ordo_export_str(x, a->name);
        v[i].value = ordo_export_str(x, a->value);
        v[i].value_ns = ordo_export_str(x, a->value_ns);
    }
    return v;
}

static const struct ordo_bpmn_nsdecl *copy_decls(struct ordo_export_state *x,
                                                 const struct ordo_bpmn_node *src)
{
    struct ordo_bpmn_nsdecl *v;

    if (!src->nnsdecls) {
        return NULL;
    }
    v = ordo_arena_calloc(x->model_mem, src->nnsdecls, sizeof(*v));
    for (uint32_t i = 0; i < src->nnsdecls; i++) {
        v[i].prefix = ordo_export_str(x, src->nsdecls[i].prefix);
        v[i].uri = ordo_export_str(x, src->nsdecls[i].uri);
    }
    return v;
}

static struct ordo_bpmn_node *copy_node(struct ordo_export_state *x,
                                        const struct ordo_bpmn_node *src)
{
    struct ordo_bpmn_node *n = node_new(x, src->kind);

    n->line = src->line;
    n->ns = ordo_export_str(x, src->ns);
    n->prefix = ordo_export_str(x, src->prefix);
    n->tag = ordo_export_str(x, src->tag);
    n->text = ordo_export_str(x, src->text);
    n->cdata = src->cdata;
    n->in_extension = src->in_extension;
    n->attrs = copy_attrs(x, src);
    n->nattrs = src->nattrs;
    n->nsdecls = copy_decls(x, src);
    n->nnsdecls = src->nnsdecls;
    n->id = ordo_bpmn_attr_get(n, NULL, "id");
    n->name = ordo_bpmn_attr_get(n, NULL, "name");
    return n;
}

/* Document order with an explicit stack of "last copied child" per level,
 * so a deep document cannot exhaust the C stack. */
static struct ordo_bpmn_node *copy_tree(struct ordo_export_state *x,
                                        const struct ordo_bpmn_node *root)
{
    struct ordo_bpmn_node *top = copy_node(x, root);
    struct ordo_bpmn_node *parent = top;
    const struct ordo_bpmn_node *s = root->first;

    while (s) {
        struct ordo_bpmn_node *c = copy_node(x, s);

        link_after(parent, parent->last, c);
        if (s->first) {
            parent = c;
            s = s->first;
            continue;
        }
        while (s != root && !s->next) {
            s = s->parent;
            parent = parent->parent;
        }
        s = s == root ? NULL : s->next;
    }
    return top;
}

/* ---- namespaces ---- */

static bool ns_used(const struct ordo_bpmn_node *root, const char *uri)
{
    for (const struct ordo_bpmn_node *n = root; n; n = ordo_bpmn_next(root, n)) {
        if (!ordo_bpmn_is_element(n)) {
            continue;
        }
        if (ordo_streq(n->ns, uri)) {
            return true;
        }
        for (uint32_t i = 0; i < n->nattrs; i++) {
            if (ordo_streq(n->attrs[i].ns, uri) || ordo_streq(n->attrs[i].value_ns, uri)) {
                return true;
            }
        }
    }
    return false;
}

/* Drop the declarations of the vendor namespaces that the export no longer
 * uses, wherever they were written. */
static void drop_unused_decls(struct ordo_export_state *x)
{
    static const char *const vendors[] = {ORDO_BPMN_NS_ORDO, ORDO_BPMN_NS_ZEEBE,
                                          ORDO_BPMN_NS_CAMUNDA};
    bool unused[3];

    for (size_t v = 0; v < 3; v++) {
        unused[v] = !ns_used(x->root, vendors[v]);
    }
    for (struct ordo_bpmn_node *n = x->root; n;
         n = (struct ordo_bpmn_node *)ordo_bpmn_next(x->root, n)) {
        struct ordo_bpmn_nsdecl *d = (struct ordo_bpmn_nsdecl *)n->nsdecls;
        uint32_t kept = 0;

        for (uint32_t i = 0; i < n->nnsdecls; i++) {
            bool drop = false;

            for (size_t v = 0; v < 3; v++) {
                drop |= unused[v] && ordo_streq(d[i].uri, vendors[v]);
            }
            if (!drop) {
                d[kept++] = d[i];
            }
        }
        n->nnsdecls = kept;
    }
}

static void set_platform(struct ordo_export_state *x)
{
    bool c8 = x->target == ORDO_EXPORT_CAMUNDA8;
    bool declared = false;

    /* Declare "modeler" unless the document already binds the namespace or
     * the prefix; the writer finds (or makes) a prefix for it then. */
    for (uint32_t i = 0; i < x->root->nnsdecls; i++) {
        declared |= ordo_streq(x->root->nsdecls[i].uri, ORDO_EXPORT_NS_MODELER) ||
                    ordo_streq(x->root->nsdecls[i].prefix, "modeler");
    }
    if (!declared) {
        struct ordo_bpmn_nsdecl *d =
            ordo_arena_calloc(x->model_mem, (size_t)x->root->nnsdecls + 1, sizeof(*d));

        if (x->root->nnsdecls) {
            memcpy(d, x->root->nsdecls, x->root->nnsdecls * sizeof(*d));
        }
        d[x->root->nnsdecls] = (struct ordo_bpmn_nsdecl){"modeler", ORDO_EXPORT_NS_MODELER};
        x->root->nsdecls = d;
        x->root->nnsdecls++;
    }
    ordo_export_attr_set(x, x->root, ORDO_EXPORT_NS_MODELER, "modeler", "executionPlatform",
                         c8 ? "Camunda Cloud" : "Camunda Platform");
    ordo_export_attr_set(x, x->root, ORDO_EXPORT_NS_MODELER, "modeler", "executionPlatformVersion",
                         c8 ? ORDO_EXPORT_C8_VERSION : ORDO_EXPORT_C7_VERSION);
}

/* ---- the entry ---- */

enum ordo_code ordo_export_target_parse(const char *name, enum ordo_export_target *out,
                                        struct ordo_err *err)
{
    if (ordo_streq(name, "camunda8")) {
        *out = ORDO_EXPORT_CAMUNDA8;
    } else if (ordo_streq(name, "camunda7")) {
        *out = ORDO_EXPORT_CAMUNDA7;
    } else {
        return ordo_err_set(err, ORDO_E_INVAL,
                            "unknown export target \"%s\": expected camunda8 or camunda7",
                            name ? name : "");
    }
    return ORDO_OK;
}

const char *ordo_export_target_name(enum ordo_export_target target)
{
    return target == ORDO_EXPORT_CAMUNDA8 ? "camunda8" : "camunda7";
}

const char *ordo_export_level_name(enum ordo_export_level level)
{
    static const char *const names[] = {"mapped", "note", "lost"};

    return names[level];
}

enum ordo_code ordo_bpmn_export(const struct ordo_bpmn_model *in, enum ordo_export_target target,
                                struct ordo_export_result **out, struct ordo_err *err)
{
    const struct ordo_bpmn_node *root = ordo_bpmn_model_root(in);
    struct ordo_arena *arena;
    struct ordo_export_state *x;
    struct ordo_export_result *r;

    if (!root) {
        return ordo_err_set(err, ORDO_E_INVAL, "the model has no root element");
    }
    arena = ordo_arena_new();
    x = ordo_arena_alloc(arena, sizeof(*x));
    x->arena = arena;
    x->target = target;
    x->model = ordo_bpmn_model_new();
    x->model_mem = ordo_bpmn_model_arena(x->model);
    x->root = copy_tree(x, root);
    set_platform(x);
    if (target == ORDO_EXPORT_CAMUNDA8) {
        ordo_export_c8(x);
    } else {
        ordo_export_c7(x);
    }
    drop_unused_decls(x);
    ordo_bpmn_model_set_root(x->model, x->root);
    ordo_bpmn_model_index(x->model);

    r = ordo_arena_alloc(arena, sizeof(*r));
    r->state = x;
    r->model = x->model;
    r->findings = x->findings;
    r->nfindings = x->nfindings;
    r->lost = x->lost;
    r->forms = x->forms;
    r->nforms = x->nforms;
    *out = r;
    return ORDO_OK;
}

static void decref_cb(void *j)
{
    json_decref(j);
}

void ordo_export_form_add(struct ordo_export_state *x, const char *id,
                          const struct ordo_bpmn_node *el, json_t *doc)
{
    x->forms = ordo_arena_grow(x->arena, x->forms, x->nforms, &x->cap_forms, sizeof(*x->forms));
    x->forms[x->nforms++] = (struct ordo_export_form){
        .id = ordo_arena_strdup(x->arena, id),
        .element = ordo_arena_strdup(x->arena, el->id),
        .doc = doc,
    };
    ordo_arena_defer(x->arena, decref_cb, doc);
}

void ordo_export_result_free(struct ordo_export_result *r)
{
    if (r) {
        ordo_bpmn_model_free(r->model);
        ordo_arena_free(r->state->arena); /* r itself lives there */
    }
}

void ordo_export_note_forms_left_out(struct ordo_export_result *r, const char *how)
{
    struct ordo_export_state *x = r->state;

    for (size_t i = 0; i < r->nforms; i++) {
        const struct ordo_export_form *f = &r->forms[i];
        struct ordo_bpmn_node el = {.id = f->element};

        ordo_export_report(x, ORDO_EXPORT_NOTE, &el, "form",
                           "the Camunda Form \"%s\" was left out: %s", f->id, how);
    }
    r->findings = x->findings;
    r->nfindings = x->nfindings;
}

json_t *ordo_export_report_json(const struct ordo_export_result *r)
{
    json_t *list = json_array();

    for (size_t i = 0; i < r->nfindings; i++) {
        const struct ordo_export_finding *f = &r->findings[i];

        json_array_append_new(
            list, json_pack("{s:s?, s:s, s:s, s:s}", "element", f->element, "what", f->what,
                            "level", ordo_export_level_name(f->level), "message", f->message));
    }
    return list;
}

json_t *ordo_export_json(const struct ordo_export_result *r, enum ordo_export_target target,
                         const char *bpmn)
{
    json_t *forms = json_object();

    for (size_t i = 0; i < r->nforms; i++) {
        json_object_set(forms, r->forms[i].id, r->forms[i].doc);
    }
    return json_pack("{s:s, s:s, s:o, s:o, s:I}", "target", ordo_export_target_name(target), "bpmn",
                     bpmn, "forms", forms, "report", ordo_export_report_json(r), "lost",
                     (json_int_t)r->lost);
}
