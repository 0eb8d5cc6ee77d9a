/*
 * bpmn/write.c - the XML writer: one pass to choose namespace prefixes,
 * one pass to print.
 */
#include "bpmn/write.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"

struct binding {
    const char *prefix; /* "" for the default namespace */
    const char *uri;
};

struct writer {
    struct ordo_arena *arena; /* scratch: fresh prefixes and the binding table */
    struct binding *b;
    size_t nb, cap;
    unsigned fresh; /* counter for nsN prefixes */
    struct ordo_buf *out;
};

/* Prefixes a fresh binding tries before nsN, so output reads as usual. */
static const struct binding conventional[] = {
    {"bpmn", ORDO_BPMN_NS_MODEL},      {"bpmndi", ORDO_BPMN_NS_BPMNDI},
    {"dc", ORDO_BPMN_NS_DC},           {"di", ORDO_BPMN_NS_DI},
    {"xsi", ORDO_BPMN_NS_XSI},         {"zeebe", ORDO_BPMN_NS_ZEEBE},
    {"camunda", ORDO_BPMN_NS_CAMUNDA}, {"ordo", ORDO_BPMN_NS_ORDO},
};

static bool same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static struct binding *by_prefix(struct writer *w, const char *prefix)
{
    for (size_t i = 0; i < w->nb; i++) {
        if (strcmp(w->b[i].prefix, prefix) == 0) {
            return &w->b[i];
        }
    }
    return NULL;
}

/* The first binding of 'uri'; with 'need_prefix', the first non-default one. */
static struct binding *by_uri(struct writer *w, const char *uri, bool need_prefix)
{
    for (size_t i = 0; i < w->nb; i++) {
        if (same(w->b[i].uri, uri) && (!need_prefix || w->b[i].prefix[0])) {
            return &w->b[i];
        }
    }
    return NULL;
}

static void bind(struct writer *w, const char *prefix, const char *uri)
{
    w->b = ordo_arena_grow(w->arena, w->b, w->nb, &w->cap, sizeof(*w->b));
    w->b[w->nb++] = (struct binding){prefix, uri};
}

static const char *fresh_prefix(struct writer *w, const char *uri)
{
    for (size_t i = 0; i < sizeof(conventional) / sizeof(conventional[0]); i++) {
        if (strcmp(conventional[i].uri, uri) == 0 && !by_prefix(w, conventional[i].prefix)) {
            return conventional[i].prefix;
        }
    }
    for (;;) {
        const char *p = ordo_arena_printf(w->arena, "ns%u", ++w->fresh);

        if (!by_prefix(w, p)) {
            return p;
        }
    }
}

/* A declaration seen on a nested element: keep its prefix if free, else the
 * namespace is reachable through an existing or a fresh prefix. Nested
 * default namespaces always become prefixed, so the root's default (if any)
 * is the only one. */
static void hoist(struct writer *w, const char *prefix, const char *uri)
{
    struct binding *b;

    if (!uri || !*uri) {
        return; /* xmlns="" undeclares; nothing to hoist */
    }
    b = prefix ? by_prefix(w, prefix) : NULL;
    if (b && same(b->uri, uri)) {
        return;
    }
    if (prefix && !b) {
        bind(w, prefix, uri);
    } else if (!by_uri(w, uri, false)) {
        bind(w, fresh_prefix(w, uri), uri);
    }
}

static void need_namespace(struct writer *w, const char *uri, bool need_prefix)
{
    if (uri && strcmp(uri, ORDO_BPMN_NS_XML) != 0 && !by_uri(w, uri, need_prefix)) {
        bind(w, fresh_prefix(w, uri), uri);
    }
}

/* Elements without a namespace cannot sit under a default namespace that we
 * declare once at the root; give that namespace a prefix instead. */
static void drop_default_if_needed(struct writer *w, bool has_unqualified)
{
    struct binding *d = by_prefix(w, "");

    if (!d || !has_unqualified) {
        return;
    }
    if (by_uri(w, d->uri, true)) {
        *d = w->b[--w->nb]; /* another prefix already reaches it */
    } else {
        d->prefix = fresh_prefix(w, d->uri);
    }
}

static void plan_namespaces(struct writer *w, const struct ordo_bpmn_node *root)
{
    bool has_unqualified = false;

    for (uint32_t i = 0; i < root->nnsdecls; i++) {
        const struct ordo_bpmn_nsdecl *d = &root->nsdecls[i];

        if (d->uri && *d->uri) {
            bind(w, d->prefix ? d->prefix : "", d->uri);
        }
    }
    for (const struct ordo_bpmn_node *n = root->first ? root->first : NULL; n;
         n = ordo_bpmn_next(root, n)) {
        for (uint32_t i = 0; i < n->nnsdecls; i++) {
            hoist(w, n->nsdecls[i].prefix, n->nsdecls[i].uri);
        }
    }
    for (const struct ordo_bpmn_node *n = root; n; n = ordo_bpmn_next(root, n)) {
        if (!ordo_bpmn_is_element(n)) {
            continue;
        }
        has_unqualified |= n->ns == NULL;
        need_namespace(w, n->ns, false);
        for (uint32_t i = 0; i < n->nattrs; i++) {
            need_namespace(w, n->attrs[i].ns, true);
            need_namespace(w, n->attrs[i].value_ns, false);
        }
    }
    drop_default_if_needed(w, has_unqualified);
}

/* The prefix to write for namespace 'uri' ("" for none or the default). */
static const char *prefix_for(struct writer *w, const char *uri, const char *hint, bool need_prefix)
{
    struct binding *b;

    if (!uri) {
        return "";
    }
    if (strcmp(uri, ORDO_BPMN_NS_XML) == 0) {
        return "xml";
    }
    b = by_prefix(w, hint ? hint : "");
    if (b && same(b->uri, uri) && (!need_prefix || b->prefix[0])) {
        return b->prefix;
    }
    b = by_uri(w, uri, need_prefix);
    return b ? b->prefix : ""; /* plan_namespaces bound every namespace in use */
}

static void put_escaped(struct ordo_buf *out, const char *s, bool attr)
{
    const char *run = s;

    for (; *s; s++) {
        const char *rep;

        switch (*s) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '\r':
            rep = "&#13;";
            break;
        case '"':
            rep = attr ? "&quot;" : NULL;
            break;
        case '\n':
            rep = attr ? "&#10;" : NULL;
            break;
        case '\t':
            rep = attr ? "&#9;" : NULL;
            break;
        default:
            rep = NULL;
            break;
        }
        if (rep) {
            ordo_buf_append(out, run, (size_t)(s - run));
            ordo_buf_puts(out, rep);
            run = s + 1;
        }
    }
    ordo_buf_append(out, run, (size_t)(s - run));
}

static void put_qname(struct ordo_buf *out, const char *prefix, const char *local)
{
    if (prefix[0]) {
        ordo_buf_puts(out, prefix);
        ordo_buf_putc(out, ':');
    }
    ordo_buf_puts(out, local);
}

static void put_cdata(struct ordo_buf *out, const char *s)
{
    const char *end;

    ordo_buf_puts(out, "<![CDATA[");
    while ((end = strstr(s, "]]>")) != NULL) { /* "]]>" cannot sit inside one section */
        ordo_buf_append(out, s, (size_t)(end - s) + 2);
        ordo_buf_puts(out, "]]><![CDATA[");
        s = end + 2;
    }
    ordo_buf_puts(out, s);
    ordo_buf_puts(out, "]]>");
}

static void put_indent(struct ordo_buf *out, int depth)
{
    ordo_buf_putc(out, '\n');
    for (int i = 0; i < depth; i++) {
        ordo_buf_puts(out, "  ");
    }
}

static void put_root_declarations(struct writer *w)
{
    for (size_t i = 0; i < w->nb; i++) {
        ordo_buf_puts(w->out, w->b[i].prefix[0] ? " xmlns:" : " xmlns");
        ordo_buf_puts(w->out, w->b[i].prefix);
        ordo_buf_puts(w->out, "=\"");
        put_escaped(w->out, w->b[i].uri, true);
        ordo_buf_putc(w->out, '"');
    }
}

static void put_attributes(struct writer *w, const struct ordo_bpmn_node *n)
{
    for (uint32_t i = 0; i < n->nattrs; i++) {
        const struct ordo_bpmn_attr *a = &n->attrs[i];

        ordo_buf_putc(w->out, ' ');
        put_qname(w->out, prefix_for(w, a->ns, a->prefix, true), a->name);
        ordo_buf_puts(w->out, "=\"");
        if (a->value_ns) {
            const char *p = prefix_for(w, a->value_ns, NULL, false);

            if (p[0]) {
                put_escaped(w->out, p, true);
                ordo_buf_putc(w->out, ':');
            }
        }
        put_escaped(w->out, a->value, true);
        ordo_buf_putc(w->out, '"');
    }
}

static void write_node(struct writer *w, const struct ordo_bpmn_node *n, int depth, bool flat);

/* 'flat': inside mixed content, where layout whitespace would change the
 * text, so nothing is indented down to the leaves. */
static void write_children(struct writer *w, const struct ordo_bpmn_node *n, int depth, bool flat)
{
    bool has_text = false;
    bool has_other = false;

    for (const struct ordo_bpmn_node *c = n->first; c; c = c->next) {
        has_text |= c->kind == ORDO_BPMN_CHARDATA;
        has_other |= c->kind != ORDO_BPMN_CHARDATA;
    }
    flat = flat || has_text;
    for (const struct ordo_bpmn_node *c = n->first; c; c = c->next) {
        if (!flat) {
            put_indent(w->out, depth + 1);
        }
        write_node(w, c, depth + 1, flat);
    }
    if (has_other && !flat) {
        put_indent(w->out, depth);
    }
}

static void write_node(struct writer *w, const struct ordo_bpmn_node *n, int depth, bool flat)
{
    const char *prefix;

    if (n->kind == ORDO_BPMN_CHARDATA) {
        if (n->cdata) {
            put_cdata(w->out, n->text);
        } else {
            put_escaped(w->out, n->text, false);
        }
        return;
    }
    if (n->kind == ORDO_BPMN_COMMENT) {
        ordo_buf_printf(w->out, "<!--%s-->", n->text);
        return;
    }
    prefix = prefix_for(w, n->ns, n->prefix, false);
    ordo_buf_putc(w->out, '<');
    put_qname(w->out, prefix, n->tag);
    if (!n->parent) {
        put_root_declarations(w);
    }
    put_attributes(w, n);
    if (!n->first) {
        ordo_buf_puts(w->out, "/>");
        return;
    }
    ordo_buf_putc(w->out, '>');
    write_children(w, n, depth, flat);
    ordo_buf_puts(w->out, "</");
    put_qname(w->out, prefix, n->tag);
    ordo_buf_putc(w->out, '>');
}

enum ordo_code ordo_bpmn_write(const struct ordo_bpmn_model *model, struct ordo_buf *out,
                               struct ordo_err *err)
{
    const struct ordo_bpmn_node *root = ordo_bpmn_model_root(model);
    struct writer w = {0};

    if (!root) {
        return ordo_err_set(err, ORDO_E_INVAL, "the model has no root element");
    }
    w.arena = ordo_arena_new();
    w.out = out;
    plan_namespaces(&w, root);
    ordo_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    write_node(&w, root, 0, false);
    ordo_buf_putc(out, '\n');
    ordo_arena_free(w.arena);
    return ORDO_OK;
}
