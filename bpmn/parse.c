/*
 * bpmn/parse.c - SAX2 events to model nodes.
 *
 * Whitespace: text that is only whitespace is layout, not content, and is
 * dropped, except inside a leaf element (<documentation> </documentation>
 * keeps its value) and inside mixed content (text beside elements, as in
 * XHTML documentation) once the first non-blank text has been seen. So
 * whitespace before the first words of mixed content is treated as layout:
 * keeping it would mean holding every blank run of every element until its
 * end. CDATA sections are kept as such.
 */
#include "bpmn/parse.h"

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "base/buf.h"
#include "base/file.h"

/* libxml2 stops at 256 levels without XML_PARSE_HUGE; our own bound keeps
 * the frame stack fixed and the recursive writer and rules safe even if a
 * future libxml2 changes its default. */
#define MAX_DEPTH 256

/* Real BPMN files have a few dozen namespace declarations in scope at any
 * element (some tools repeat them on every extension element, which is
 * fine: siblings do not add up). The cap keeps prefix lookups, ours and
 * libxml2's (it scans its namespace stack), cheap on a hostile document. */
#define MAX_NSDECLS_IN_SCOPE 1024

struct frame {
    bool has_elem;  /* an element child was seen */
    bool has_text;  /* a kept text child was seen: content is mixed */
    size_t nsdecls; /* declarations in scope here, this element's included */
};

struct parse_ctx {
    xmlParserCtxtPtr xml;
    struct ordo_bpmn_model *model;
    struct ordo_arena *arena;
    struct ordo_bpmn_node *cur; /* the open element; NULL before the root */
    int depth;
    struct frame frames[MAX_DEPTH + 1];
    struct ordo_buf text; /* pending character data of 'cur' */
    bool pending;         /* 'text' holds a run (possibly an empty CDATA section) */
    bool pending_cdata;
    const char *name; /* document name for messages */
    struct ordo_err *err;
    bool failed;
    const xmlChar *last_ns; /* one-entry cache: namespace URIs are interned */
    enum ordo_bpmn_nsid last_nsid;
};

static void fail(struct parse_ctx *p, enum ordo_code code, int line, const char *msg)
{
    if (p->failed) {
        return;
    }
    p->failed = true;
    ordo_err_set(p->err, code, "%s%sline %d: %s", p->name ? p->name : "", p->name ? ": " : "", line,
                 msg);
    xmlStopParser(p->xml);
}

static bool is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') {
            return false;
        }
    }
    return true;
}

static void append_child(struct ordo_bpmn_node *parent, struct ordo_bpmn_node *child)
{
    child->parent = parent;
    if (parent->last) {
        parent->last->next = child;
    } else {
        parent->first = child;
    }
    parent->last = child;
}

/* Turn the pending character data into a TEXT node, or drop it as layout. */
static void flush_text(struct parse_ctx *p, bool at_end)
{
    struct frame *f = &p->frames[p->depth];
    struct ordo_bpmn_node *t;
    bool blank;

    if (!p->pending) {
        return;
    }
    p->pending = false;
    blank = is_blank(p->text.data, p->text.len);
    if (p->cur && (!blank || p->pending_cdata || f->has_text || (at_end && !f->has_elem))) {
        t = ordo_arena_alloc(p->arena, sizeof(*t));
        t->kind = ORDO_BPMN_CHARDATA;
        t->text = ordo_arena_strndup(p->arena, p->text.data, p->text.len);
        t->cdata = p->pending_cdata;
        t->line = (uint32_t)xmlSAX2GetLineNumber(p->xml);
        append_child(p->cur, t);
        f->has_text = true;
    }
    ordo_buf_reset(&p->text);
}

static void add_text(struct parse_ctx *p, const xmlChar *s, int len, bool cdata)
{
    if (p->pending && p->pending_cdata != cdata) {
        flush_text(p, false);
    }
    p->pending = true;
    p->pending_cdata = cdata;
    ordo_buf_append(&p->text, s, (size_t)len);
}

static void characters_cb(void *ctx, const xmlChar *s, int len)
{
    add_text(ctx, s, len, false);
}

static void cdata_cb(void *ctx, const xmlChar *s, int len)
{
    add_text(ctx, s, len, true);
}

static void comment_cb(void *ctx, const xmlChar *value)
{
    struct parse_ctx *p = ctx;
    struct ordo_bpmn_node *c;

    if (!p->cur) {
        return; /* comments around the root element are not part of the model */
    }
    flush_text(p, false);
    c = ordo_arena_alloc(p->arena, sizeof(*c));
    c->kind = ORDO_BPMN_COMMENT;
    c->text = ordo_arena_strdup(p->arena, (const char *)value);
    c->line = (uint32_t)xmlSAX2GetLineNumber(p->xml);
    append_child(p->cur, c);
}

/* The DOCTYPE is refused before libxml2 reads the internal subset, so no
 * entity is ever declared, expanded or fetched. */
static void internal_subset_cb(void *ctx, const xmlChar *name, const xmlChar *external_id,
                               const xmlChar *system_id)
{
    struct parse_ctx *p = ctx;

    (void)name;
    (void)external_id;
    (void)system_id;
    fail(p, ORDO_E_INVAL, xmlSAX2GetLineNumber(p->xml),
         "a DOCTYPE is not allowed in a BPMN document (DTDs and entities are disabled)");
}

static void error_cb(void *ctx, xmlErrorPtr e)
{
    struct parse_ctx *p = ctx;
    char msg[ORDO_ERR_MSG_SIZE];
    size_t n;

    if (e->level < XML_ERR_ERROR) {
        return; /* warnings, e.g. relative namespace URIs, do not stop a parse */
    }
    (void)snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "malformed XML");
    n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' ')) {
        msg[--n] = '\0';
    }
    fail(p, ORDO_E_INVAL, e->line, msg);
}

/* Attribute values arrive with '&' as "&#38;" when entities are not
 * replaced (libxml2 re-escapes it for a tree builder); a literal '&' can
 * appear no other way, so each "&#38;" is exactly one '&'. */
static const char *copy_value(struct ordo_arena *arena, const xmlChar *v, const xmlChar *end)
{
    size_t len = (size_t)(end - v);
    char *out = ordo_arena_strndup(arena, (const char *)v, len);
    char *w = out;

    if (!memchr(out, '&', len)) {
        return out;
    }
    for (const char *r = out; *r;) {
        if (strncmp(r, "&#38;", 5) == 0) {
            *w++ = '&';
            r += 5;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
    return out;
}

static const char *lookup_prefix(const struct ordo_bpmn_node *n, const char *prefix, size_t len)
{
    for (; n; n = n->parent) {
        for (uint32_t i = 0; i < n->nnsdecls; i++) {
            const char *dp = n->nsdecls[i].prefix;

            if (len ? (dp && strlen(dp) == len && strncmp(dp, prefix, len) == 0) : !dp) {
                return n->nsdecls[i].uri;
            }
        }
    }
    return NULL;
}

/* xsi:type="bpmn:tFormalExpression": remember which namespace the prefix
 * meant here, so a writer that renames prefixes keeps the meaning. An
 * unprefixed name takes the default namespace, or none ("") when there is
 * none or xmlns="" undeclared it. A value that is no QName, or whose prefix
 * is not declared, stays as written. */
static void resolve_qname_value(const struct ordo_bpmn_node *n, struct ordo_bpmn_attr *a)
{
    const char *v = a->value;
    const char *colon = strchr(v, ':');
    size_t plen = colon ? (size_t)(colon - v) : 0;
    const char *uri;

    if (!*v || (colon && (plen == 0 || !colon[1] || strchr(colon + 1, ':')))) {
        return;
    }
    uri = lookup_prefix(n, v, plen);
    if (colon && !uri) {
        return;
    }
    a->value_ns = uri ? uri : "";
    a->value = colon ? colon + 1 : v;
}

static void read_attributes(struct parse_ctx *p, struct ordo_bpmn_node *n, int count,
                            const xmlChar **attrs)
{
    struct ordo_bpmn_attr *out;

    if (count <= 0) {
        return;
    }
    out = ordo_arena_alloc_raw(p->arena, (size_t)count * sizeof(*out));
    for (int i = 0; i < count; i++, attrs += 5) {
        struct ordo_bpmn_attr *a = &out[i];

        a->name = (const char *)attrs[0];
        a->prefix = (const char *)attrs[1];
        a->ns = (const char *)attrs[2];
        a->value = copy_value(p->arena, attrs[3], attrs[4]);
        a->value_ns = NULL;
        if (!a->ns) {
            if (strcmp(a->name, "id") == 0) {
                n->id = a->value;
            } else if (strcmp(a->name, "name") == 0) {
                n->name = a->value;
            }
        } else if (strcmp(a->name, "type") == 0 && strcmp(a->ns, ORDO_BPMN_NS_XSI) == 0) {
            resolve_qname_value(n, a);
        }
    }
    n->attrs = out;
    n->nattrs = (uint32_t)count;
}

static bool read_nsdecls(struct parse_ctx *p, struct ordo_bpmn_node *n, int count,
                         const xmlChar **ns)
{
    struct ordo_bpmn_nsdecl *out;

    if (count <= 0) {
        return true;
    }
    if (p->frames[p->depth].nsdecls + (size_t)count > MAX_NSDECLS_IN_SCOPE) {
        fail(p, ORDO_E_INVAL, (int)n->line, "more than 1024 namespace declarations in scope");
        return false;
    }
    out = ordo_arena_alloc_raw(p->arena, (size_t)count * sizeof(*out));
    for (size_t i = 0; i < (size_t)count; i++) {
        out[i].prefix = (const char *)ns[2 * i];
        out[i].uri = (const char *)ns[2 * i + 1];
    }
    n->nsdecls = out;
    n->nnsdecls = (uint32_t)count;
    return true;
}

static enum ordo_bpmn_kind kind_of(struct parse_ctx *p, const xmlChar *uri, const xmlChar *local)
{
    if (uri != p->last_ns) {
        p->last_ns = uri;
        p->last_nsid = ordo_bpmn_nsid_of((const char *)uri);
    }
    return ordo_bpmn_kind_lookup_nsid(p->last_nsid, (const char *)local);
}

static bool attach_root(struct parse_ctx *p, struct ordo_bpmn_node *n)
{
    char msg[ORDO_ERR_MSG_SIZE];

    if (n->kind != ORDO_BPMN_DEFINITIONS) {
        (void)snprintf(msg, sizeof(msg),
                       "not a BPMN 2.0 document: the root element is <%s>%s%s, expected "
                       "<definitions> in namespace %s",
                       n->tag, n->ns ? " in namespace " : " without a namespace",
                       n->ns ? n->ns : "", ORDO_BPMN_NS_MODEL);
        fail(p, ORDO_E_INVAL, (int)n->line, msg);
        return false;
    }
    ordo_bpmn_model_set_root(p->model, n);
    return true;
}

static void start_element_cb(void *ctx, const xmlChar *local, const xmlChar *prefix,
                             const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                             int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
    struct parse_ctx *p = ctx;
    struct ordo_bpmn_node *n;

    (void)nb_defaulted; /* there is no DTD, so nothing is defaulted */
    if (p->failed) {
        return;
    }
    flush_text(p, false);
    if (p->depth >= MAX_DEPTH) {
        fail(p, ORDO_E_INVAL, xmlSAX2GetLineNumber(p->xml), "elements nested too deeply");
        return;
    }
    n = ordo_arena_alloc(p->arena, sizeof(*n));
    n->tag = (const char *)local;
    n->prefix = (const char *)prefix;
    n->ns = (const char *)uri;
    n->kind = kind_of(p, uri, local);
    n->line = (uint32_t)xmlSAX2GetLineNumber(p->xml);
    if (p->cur) {
        append_child(p->cur, n);
        p->frames[p->depth].has_elem = true;
    } else if (!attach_root(p, n)) {
        return;
    }
    if (!read_nsdecls(p, n, nb_namespaces, namespaces)) {
        return;
    }
    read_attributes(p, n, nb_attributes, attributes);
    p->cur = n;
    p->depth++;
    p->frames[p->depth] =
        (struct frame){false, false, p->frames[p->depth - 1].nsdecls + n->nnsdecls};
}

/* A leaf element's text content, joined if comments or CDATA split it. */
static const char *leaf_text(struct parse_ctx *p, const struct ordo_bpmn_node *e)
{
    struct ordo_buf joined = ORDO_BUF_INIT;
    const char *s;

    if (!e->first || (e->first == e->last && e->first->kind == ORDO_BPMN_CHARDATA)) {
        return e->first ? e->first->text : NULL;
    }
    for (const struct ordo_bpmn_node *c = e->first; c; c = c->next) {
        if (c->kind == ORDO_BPMN_CHARDATA) {
            ordo_buf_puts(&joined, c->text);
        }
    }
    s = joined.len ? ordo_arena_strndup(p->arena, joined.data, joined.len) : NULL;
    ordo_buf_cleanup(&joined);
    return s;
}

static void end_element_cb(void *ctx, const xmlChar *local, const xmlChar *prefix,
                           const xmlChar *uri)
{
    struct parse_ctx *p = ctx;
    struct ordo_bpmn_node *e = p->cur;

    (void)local;
    (void)prefix;
    (void)uri;
    if (p->failed || !e) {
        return;
    }
    flush_text(p, true);
    if (!p->frames[p->depth].has_elem) {
        e->text = leaf_text(p, e);
    }
    p->cur = e->parent;
    p->depth--;
}

static pthread_once_t libxml_once = PTHREAD_ONCE_INIT;

static void init_libxml(void)
{
    xmlInitParser();
}

static void dict_free_cb(void *dict)
{
    xmlDictFree(dict);
}

static void init_sax(xmlSAXHandler *sax)
{
    memset(sax, 0, sizeof(*sax));
    sax->initialized = XML_SAX2_MAGIC;
    sax->startElementNs = start_element_cb;
    sax->endElementNs = end_element_cb;
    sax->characters = characters_cb;
    sax->ignorableWhitespace = characters_cb;
    sax->cdataBlock = cdata_cb;
    sax->comment = comment_cb;
    sax->internalSubset = internal_subset_cb;
    sax->serror = error_cb;
    /* No getEntity/entityDecl/externalSubset/resolveEntity: with the DOCTYPE
     * refused there is nothing to resolve, and an undeclared &ref; is a
     * well-formedness error. */
}

static enum ordo_code run_parser(struct parse_ctx *p, const char *xml, size_t len)
{
    xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(xml, (int)len);

    if (!ctxt) {
        return ordo_err_set(p->err, ORDO_E_INTERNAL, "could not create an XML parser");
    }
    p->xml = ctxt;
    init_sax(ctxt->sax); /* the context owns a private copy of the handler */
    ctxt->userData = p;
    (void)xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_BIG_LINES);
    /* Names and namespace URIs stay interned in the parser's dictionary;
     * the model keeps a reference instead of copying every name. */
    xmlDictReference(ctxt->dict);
    ordo_arena_defer(p->arena, dict_free_cb, ctxt->dict);
    (void)xmlParseDocument(ctxt);
    if (!p->failed && !ctxt->wellFormed) {
        fail(p, ORDO_E_INVAL, ctxt->input ? ctxt->input->line : 0, "malformed XML");
    }
    xmlFreeParserCtxt(ctxt);
    p->xml = NULL;
    if (p->failed) {
        return p->err ? p->err->code : ORDO_E_INVAL;
    }
    if (!ordo_bpmn_model_root(p->model)) {
        return ordo_err_set(p->err, ORDO_E_INVAL, "%s%sthe document has no root element",
                            p->name ? p->name : "", p->name ? ": " : "");
    }
    return ORDO_OK;
}

static size_t cap_of(const struct ordo_bpmn_parse_opts *opts)
{
    return opts && opts->max_bytes ? opts->max_bytes : ORDO_BPMN_DEFAULT_MAX_BYTES;
}

static enum ordo_code too_big(const struct ordo_bpmn_parse_opts *opts, size_t len,
                              struct ordo_err *err)
{
    const char *name = opts && opts->name ? opts->name : "BPMN document";

    return ordo_err_set(err, ORDO_E_TOOBIG,
                        "%s is %zu bytes, over the limit of %zu (bpmn_max_bytes)", name, len,
                        cap_of(opts));
}

enum ordo_code ordo_bpmn_parse(const char *xml, size_t len, const struct ordo_bpmn_parse_opts *opts,
                               struct ordo_bpmn_model **out, struct ordo_err *err)
{
    struct ordo_err local = {0};
    struct parse_ctx p;
    enum ordo_code rc;

    if (len > cap_of(opts) || len > INT_MAX) {
        return too_big(opts, len, err);
    }
    if (len == 0) {
        return ordo_err_set(err, ORDO_E_INVAL, "%s%sthe document is empty",
                            opts && opts->name ? opts->name : "", opts && opts->name ? ": " : "");
    }
    (void)pthread_once(&libxml_once, init_libxml);
    memset(&p, 0, sizeof(p));
    p.model = ordo_bpmn_model_new();
    p.arena = ordo_bpmn_model_arena(p.model);
    p.name = opts ? opts->name : NULL;
    p.err = err ? err : &local;
    rc = run_parser(&p, xml, len);
    ordo_buf_cleanup(&p.text);
    if (rc != ORDO_OK) {
        ordo_bpmn_model_free(p.model);
        return rc;
    }
    ordo_bpmn_model_index(p.model);
    *out = p.model;
    return ORDO_OK;
}

enum ordo_code ordo_bpmn_parse_file(const char *path, const struct ordo_bpmn_parse_opts *opts,
                                    struct ordo_bpmn_model **out, struct ordo_err *err)
{
    struct ordo_bpmn_parse_opts o = opts ? *opts : (struct ordo_bpmn_parse_opts){0};
    struct ordo_buf buf = ORDO_BUF_INIT;
    enum ordo_code rc;

    o.name = o.name ? o.name : path;
    rc = ordo_file_read(path, cap_of(&o), "bpmn_max_bytes", &buf, err);
    if (rc == ORDO_OK) {
        rc = ordo_bpmn_parse(ordo_buf_cstr(&buf), buf.len, &o, out, err);
    }
    ordo_buf_cleanup(&buf);
    return rc;
}
