/*
 * bpmn/write.c - the XML writer: one pass to choose namespace prefixes,
 * one pass to print.
 */
#include "bpmn/write.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/strmap.h"
#include "base/text.h"

struct binding {
    const char *prefix; /* "" for the default namespace */
    const char *uri;
    bool dropped; /* a default namespace given a prefix instead (drop_default_if_needed) */
};

/* Namespace bindings of the output, all declared on the root. The maps keep
 * every lookup O(1), so a document with many namespaces stays linear. */
struct writer {
    struct ordo_arena *arena; /* scratch for this write */
    struct binding **list;    /* in declaration order */
    size_t nb, cap;
    struct ordo_strmap *prefixes;       /* prefix -> binding */
    struct ordo_strmap *first;          /* uri -> its first binding */
    struct ordo_strmap *first_prefixed; /* uri -> its first binding with a prefix */
    unsigned fresh;                     /* counter for nsN prefixes */
    struct ordo_buf *out;
};

/* Prefixes a fresh binding tries before nsN, so output reads as usual. */
static const struct binding conventional[] = {
    {"bpmn", ORDO_BPMN_NS_MODEL, false},      {"bpmndi", ORDO_BPMN_NS_BPMNDI, false},
    {"dc", ORDO_BPMN_NS_DC, false},           {"di", ORDO_BPMN_NS_DI, false},
    {"xsi", ORDO_BPMN_NS_XSI, false},         {"zeebe", ORDO_BPMN_NS_ZEEBE, false},
    {"camunda", ORDO_BPMN_NS_CAMUNDA, false}, {"ordo", ORDO_BPMN_NS_ORDO, false},
};

static struct binding *by_prefix(struct writer *w, const char *prefix)
{
    struct binding *b = ordo_strmap_get(w->prefixes, prefix);

    return b && !b->dropped ? b : NULL;
}

/* The first binding of 'uri'; with 'need_prefix', the first non-default one. */
static struct binding *by_uri(struct writer *w, const char *uri, bool need_prefix)
{
    return ordo_strmap_get(need_prefix ? w->first_prefixed : w->first, uri);
}

static void bind(struct writer *w, const char *prefix, const char *uri)
{
    struct binding *b = ordo_arena_alloc(w->arena, sizeof(*b));

    b->prefix = prefix;
    b->uri = uri;
    w->list = ordo_arena_grow(w->arena, w->list, w->nb, &w->cap, sizeof(struct binding *));
    w->list[w->nb++] = b;
    ordo_strmap_set(w->prefixes, prefix, b);
    (void)ordo_strmap_add(w->first, uri, b);
    if (prefix[0]) {
        (void)ordo_strmap_add(w->first_prefixed, uri, b);
    }
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
    if (b && ordo_streq(b->uri, uri)) {
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
    if (uri && *uri && strcmp(uri, ORDO_BPMN_NS_XML) != 0 && !by_uri(w, uri, need_prefix)) {
        bind(w, fresh_prefix(w, uri), uri);
    }
}

/* Names without a namespace cannot sit under a default namespace that we
 * declare once at the root; reach that namespace through a prefix instead. */
static void drop_default_if_needed(struct writer *w, bool has_unqualified)
{
    struct binding *d = by_prefix(w, "");
    struct binding *p;

    if (!d || !has_unqualified) {
        return;
    }
    d->dropped = true;
    p = by_uri(w, d->uri, true);
    if (!p) {
        bind(w, fresh_prefix(w, d->uri), d->uri);
        p = by_uri(w, d->uri, true);
    }
    ordo_strmap_set(w->first, d->uri, p);
}

static void plan_namespaces(struct writer *w, const struct ordo_bpmn_node *root)
{
    bool has_unqualified = false;

    w->prefixes = ordo_strmap_new(w->arena, 32);
    w->first = ordo_strmap_new(w->arena, 32);
    w->first_prefixed = ordo_strmap_new(w->arena, 32);
    for (uint32_t i = 0; i < root->nnsdecls; i++) {
        const struct ordo_bpmn_nsdecl *d = &root->nsdecls[i];

        if (d->uri && *d->uri) {
            bind(w, d->prefix ? d->prefix : "", d->uri);
        }
    }
    for (const struct ordo_bpmn_node *n = root; n; n = ordo_bpmn_next(root, n)) {
        for (uint32_t i = 0; n != root && i < n->nnsdecls; i++) {
            hoist(w, n->nsdecls[i].prefix, n->nsdecls[i].uri);
        }
        if (!ordo_bpmn_is_element(n)) {
            continue;
        }
        has_unqualified |= n->ns == NULL;
        need_namespace(w, n->ns, false);
        for (uint32_t i = 0; i < n->nattrs; i++) {
            const char *vns = n->attrs[i].value_ns;

            need_namespace(w, n->attrs[i].ns, true);
            need_namespace(w, vns, false);
            has_unqualified |= vns && !*vns; /* a QName value in no namespace */
        }
    }
    drop_default_if_needed(w, has_unqualified);
}

/* The prefix to write for namespace 'uri' ("" for none or the default). */
static const char *prefix_for(struct writer *w, const char *uri, const char *hint, bool need_prefix)
{
    struct binding *b;

    if (!uri || !*uri) {
        return "";
    }
    if (strcmp(uri, ORDO_BPMN_NS_XML) == 0) {
        return "xml";
    }
    b = by_prefix(w, hint ? hint : "");
    if (b && ordo_streq(b->uri, uri) && (!need_prefix || b->prefix[0])) {
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
        const struct binding *b = w->list[i];

        if (b->dropped) {
            continue;
        }
        ordo_buf_puts(w->out, b->prefix[0] ? " xmlns:" : " xmlns");
        ordo_buf_puts(w->out, b->prefix);
        ordo_buf_puts(w->out, "=\"");
        put_escaped(w->out, b->uri, true);
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
    bool has_element = false;

    for (const struct ordo_bpmn_node *c = n->first; c; c = c->next) {
        has_text |= c->kind == ORDO_BPMN_CHARDATA;
        has_element |= ordo_bpmn_is_element(c);
    }
    /* Layout goes only between elements: around text it would become text,
     * and in an element holding only comments the parser would read the
     * indentation back as its (whitespace) content. */
    flat = flat || has_text || !has_element;
    for (const struct ordo_bpmn_node *c = n->first; c; c = c->next) {
        if (!flat) {
            put_indent(w->out, depth + 1);
        }
        write_node(w, c, depth + 1, flat);
    }
    if (!flat) {
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
