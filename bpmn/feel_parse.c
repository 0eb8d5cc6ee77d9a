/*
 * bpmn/feel_parse.c - tokens to the immutable expression tree.
 *
 * Recursive descent over FEEL's grammar (DMN 1.3, 10.3.1), loosest first:
 *
 *   expression  = disjunction
 *   disjunction = conjunction {"or" conjunction}
 *   conjunction = comparison {"and" comparison}
 *   comparison  = sum [("=" | "!=" | "<" | "<=" | ">" | ">=") sum
 *                     | "between" sum "and" sum | "in" tests | "instance" "of" type]
 *   sum         = product {("+" | "-") product}
 *   product     = power {("*" | "/") power}
 *   power       = unary {"**" unary}
 *   unary       = "-" unary | postfix
 *   postfix     = primary {"." name | "[" expression "]"}
 *   primary     = literal | name | call | "(" expression ")" | list | context | range
 *               | if | for | some | every
 *
 * Two depths are bounded by max_depth: the parser's own recursion (so no
 * input can exhaust the C stack here) and the depth of the tree it builds
 * (so none can in the evaluator, which recurses once per level; a long chain
 * like 1+1+...+1 is parsed by a loop but still makes a deep tree).
 *
 * Built-in calls are resolved here: an unknown function, a wrong number of
 * arguments, named arguments, regular-expression functions and user-defined
 * functions are compile-time errors.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "bpmn/feel_internal.h"

/* Bytes of a token, name or key a message quotes (then "..."). */
#define QUOTE_MAX 40

struct parser {
    struct ordo_arena *arena;
    const char *src;
    size_t len;
    const struct ordo_feel_tok *toks;
    size_t ntoks;
    size_t i;
    unsigned depth, max_depth;
    bool range_end; /* parsing "hi" of "]lo..hi[": a "[" ends it, it is no filter */
    struct ordo_err *err;
    enum ordo_code rc;
};

static const struct ordo_feel_node *fail(struct parser *p, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static const struct ordo_feel_node *fail(struct parser *p, size_t pos, const char *fmt, ...)
{
    char msg[160];
    va_list ap;

    if (p->rc == ORDO_OK) {
        va_start(ap, fmt);
        ordo_utf8_vformat(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        p->rc = ordo_feel_syntax_error(p->err, p->src, p->len, pos, "%s", msg);
    }
    return NULL;
}

static const struct ordo_feel_tok *peek(const struct parser *p)
{
    return &p->toks[p->i];
}

static const struct ordo_feel_tok *peek_at(const struct parser *p, size_t k)
{
    size_t j = p->i + k;

    return &p->toks[j < p->ntoks ? j : p->ntoks - 1];
}

static void advance(struct parser *p)
{
    if (p->toks[p->i].kind != ORDO_FT_EOF) {
        p->i++;
    }
}

static bool is_word(const struct ordo_feel_tok *t, const char *w)
{
    return t->kind == ORDO_FT_NAME && ordo_text_eq(t->text, t->len, w);
}

static bool is_reserved(const struct ordo_feel_tok *t)
{
    return t->kind == ORDO_FT_NAME && ordo_feel_is_reserved(t->text, t->len);
}

/* 'len' bytes at 's' as a message shows them: at most QUOTE_MAX, cut
 * between characters. */
struct quote {
    char text[QUOTE_MAX * 3 + 4];
};

static const char *quoted(struct quote *q, const char *s, size_t len)
{
    return ordo_utf8_quote(q->text, sizeof(q->text), s, len, QUOTE_MAX);
}

static bool accept(struct parser *p, enum ordo_feel_tok_kind kind)
{
    if (peek(p)->kind != kind) {
        return false;
    }
    advance(p);
    return true;
}

static bool accept_word(struct parser *p, const char *w)
{
    if (!is_word(peek(p), w)) {
        return false;
    }
    advance(p);
    return true;
}

/* How a message shows the token 't'. */
static const struct ordo_feel_node *unexpected(struct parser *p, const struct ordo_feel_tok *t)
{
    struct quote q;

    if (t->kind == ORDO_FT_EOF) {
        return fail(p, t->pos, "unexpected end of expression");
    }
    if (t->kind == ORDO_FT_STRING || t->kind == ORDO_FT_TEMPORAL) {
        return fail(p, t->pos, "unexpected string");
    }
    return fail(p, t->pos, "unexpected \"%s\"", quoted(&q, t->text, t->len));
}

static bool expect(struct parser *p, enum ordo_feel_tok_kind kind, const char *what)
{
    if (accept(p, kind)) {
        return true;
    }
    fail(p, peek(p)->pos, "expected \"%s\"", what);
    return false;
}

static bool expect_word(struct parser *p, const char *w)
{
    if (accept_word(p, w)) {
        return true;
    }
    fail(p, peek(p)->pos, "expected \"%s\"", w);
    return false;
}

static struct ordo_feel_node *node_new(struct parser *p, enum ordo_feel_kind kind, size_t pos)
{
    struct ordo_feel_node *n = ordo_arena_alloc(p->arena, sizeof(*n));

    n->kind = kind;
    n->pos = pos;
    n->depth = 1;
    return n;
}

static unsigned deeper(unsigned d, const struct ordo_feel_node *n)
{
    return n && n->depth > d ? n->depth : d;
}

/* Finish 'n': its depth from its operands, refused past max_depth. The
 * bindings of for/some/every nest one evaluator call each: binding k is
 * evaluated k levels below the first, and the body below all of them. */
static const struct ordo_feel_node *finish(struct parser *p, struct ordo_feel_node *n)
{
    bool iteration = n->kind == ORDO_FK_FOR || n->kind == ORDO_FK_SOME || n->kind == ORDO_FK_EVERY;
    unsigned d = deeper(deeper(deeper(0, n->a), n->b), n->c);

    for (size_t k = 0; k < n->n; k++) {
        unsigned below = iteration ? (unsigned)k : 0;

        if (n->kids[k]->depth + below > d) {
            d = n->kids[k]->depth + below;
        }
    }
    if (iteration && n->a->depth + n->n > d) {
        d = n->a->depth + (unsigned)n->n;
    }
    n->depth = d + 1;
    if (n->depth > p->max_depth) {
        return fail(p, n->pos, "expression nested too deeply (more than %u levels, max_depth)",
                    p->max_depth);
    }
    return n;
}

static const struct ordo_feel_node *binary(struct parser *p, enum ordo_feel_kind kind, int op,
                                           size_t pos, const struct ordo_feel_node *a,
                                           const struct ordo_feel_node *b)
{
    struct ordo_feel_node *n;

    if (!a || !b) {
        return NULL;
    }
    n = node_new(p, kind, pos);
    n->op = op;
    n->a = a;
    n->b = b;
    return finish(p, n);
}

/* A growable array of nodes in the compile arena. */
struct nodes {
    const struct ordo_feel_node **v;
    size_t n, cap;
};

static void push(struct parser *p, struct nodes *list, const struct ordo_feel_node *n)
{
    /* An array of pointers: its element size is a pointer's. */
    list->v = ordo_arena_grow(p->arena, list->v, list->n, &list->cap,
                              sizeof(*list->v)); /* NOLINT(bugprone-sizeof-expression) */
    list->v[list->n++] = n;
}

static const struct ordo_feel_node *parse_expr(struct parser *p);
static const struct ordo_feel_node *parse_sum(struct parser *p);
static const struct ordo_feel_node *parse_unary(struct parser *p);

/* An expression inside brackets of its own, where "[" is a filter again. */
static const struct ordo_feel_node *parse_inner(struct parser *p)
{
    bool saved = p->range_end;
    const struct ordo_feel_node *n;

    p->range_end = false;
    n = parse_expr(p);
    p->range_end = saved;
    return n;
}

/* ---- primaries ---- */

static const struct ordo_feel_node *constant(struct parser *p, size_t pos, struct ordo_feel_value v)
{
    struct ordo_feel_node *n = node_new(p, ORDO_FK_CONST, pos);

    n->value = v;
    return n;
}

static const struct ordo_feel_node *parse_number(struct parser *p)
{
    const struct ordo_feel_tok *t = peek(p);
    char buf[128];
    struct ordo_decimal d;

    if (t->len >= sizeof(buf)) {
        return fail(p, t->pos, "number literal too long");
    }
    memcpy(buf, t->text, t->len);
    buf[t->len] = '\0';
    if (ordo_decimal_parse(buf, &d, NULL) != ORDO_OK) {
        return fail(p, t->pos, "invalid number \"%s\"", buf);
    }
    advance(p);
    return constant(p, t->pos, ordo_feel_number(d));
}

static const struct ordo_feel_node *parse_temporal_literal(struct parser *p)
{
    const struct ordo_feel_tok *t = peek(p);
    struct ordo_err local = {0};
    struct ordo_feel_value v;
    const char *msg;
    struct quote q;

    if (ordo_feel_parse_temporal(t->text, t->len, ORDO_FV_NULL, &v, &local) != ORDO_OK) {
        msg = local.msg;
        msg += strncmp(msg, "FEEL: ", 6) == 0 ? 6 : 0;
        return fail(p, t->pos, "%s", msg);
    }
    if (v.type == ORDO_FV_NULL) {
        return fail(p, t->pos, "invalid date, time or duration literal @\"%s\"",
                    quoted(&q, t->text, t->len));
    }
    advance(p);
    return constant(p, t->pos, v);
}

/* Bindings "name in domain[..end], ..." of for, some and every. */
static bool parse_bindings(struct parser *p, struct nodes *binds)
{
    do {
        const struct ordo_feel_tok *t = peek(p);
        struct ordo_feel_node *b;

        if (t->kind != ORDO_FT_NAME || is_reserved(t)) {
            fail(p, t->pos, "expected a variable name");
            return false;
        }
        advance(p);
        b = node_new(p, ORDO_FK_BIND, t->pos);
        b->name = t->text;
        b->name_len = t->len;
        if (!expect_word(p, "in") || !(b->a = parse_expr(p))) {
            return false;
        }
        if (accept(p, ORDO_FT_DOTDOT) && !(b->b = parse_expr(p))) {
            return false;
        }
        if (!finish(p, b)) {
            return false;
        }
        push(p, binds, b);
    } while (accept(p, ORDO_FT_COMMA));
    return true;
}

/* for ... return, some/every ... satisfies: 'kind' says which. */
static const struct ordo_feel_node *parse_iteration(struct parser *p, enum ordo_feel_kind kind)
{
    size_t pos = peek(p)->pos;
    struct nodes binds = {0};
    struct ordo_feel_node *n;

    advance(p);
    if (!parse_bindings(p, &binds) ||
        !expect_word(p, kind == ORDO_FK_FOR ? "return" : "satisfies")) {
        return NULL;
    }
    n = node_new(p, kind, pos);
    n->kids = binds.v;
    n->n = binds.n;
    n->a = parse_expr(p);
    return n->a ? finish(p, n) : NULL;
}

static const struct ordo_feel_node *parse_if(struct parser *p)
{
    struct ordo_feel_node *n = node_new(p, ORDO_FK_IF, peek(p)->pos);

    advance(p);
    if (!(n->a = parse_expr(p)) || !expect_word(p, "then") || !(n->b = parse_expr(p)) ||
        !expect_word(p, "else") || !(n->c = parse_expr(p))) {
        return NULL;
    }
    return finish(p, n);
}

/* True if the tokens ahead are "name words :", a named argument. */
static bool named_argument_ahead(const struct parser *p)
{
    size_t k = 0;

    while (peek_at(p, k)->kind == ORDO_FT_NAME) {
        k++;
    }
    return k > 0 && peek_at(p, k)->kind == ORDO_FT_COLON;
}

/* "1", "1 or 3", "1, 2 or 3", "at least 1" */
static void describe_arity(uint32_t arity, char *buf, size_t size)
{
    int counts[31];
    int n = 0;
    size_t used = 0;

    if (arity & ORDO_FEEL_ARITY(31)) {
        int lo = 0;

        while (!(arity & ORDO_FEEL_ARITY(lo))) {
            lo++;
        }
        (void)snprintf(buf, size, "at least %d", lo);
        return;
    }
    for (int i = 0; i < 31; i++) {
        if (arity & ORDO_FEEL_ARITY(i)) {
            counts[n++] = i;
        }
    }
    buf[0] = '\0';
    for (int i = 0; i < n && used < size; i++) {
        const char *sep = i == 0 ? "" : i == n - 1 ? " or " : ", ";
        int w = snprintf(buf + used, size - used, "%s%d", sep, counts[i]);

        used += w > 0 ? (size_t)w : 0;
    }
}

static bool check_arity(struct parser *p, const struct ordo_feel_builtin *fn,
                        const struct ordo_feel_tok *name, size_t n)
{
    char allowed[64];

    if (fn->arity & ORDO_FEEL_ARITY(n < 31 ? (unsigned)n : 31u)) {
        return true;
    }
    describe_arity(fn->arity, allowed, sizeof(allowed));
    fail(p, name->pos, "function \"%s\" takes %s argument%s, not %zu", fn->name, allowed,
         strcmp(allowed, "1") == 0 || strcmp(allowed, "at least 1") == 0 ? "" : "s", n);
    return false;
}

static const struct ordo_feel_builtin *lookup_function(struct parser *p,
                                                       const struct ordo_feel_tok *t)
{
    const struct ordo_feel_builtin *fn = ordo_feel_builtin_find(t->text, t->len);
    struct quote q;

    if (fn) {
        return fn;
    }
    if (is_word(t, "matches") || is_word(t, "replace") || is_word(t, "split")) {
        fail(p, t->pos, "regular expression functions (\"%.*s\") are not supported", (int)t->len,
             t->text);
    } else {
        fail(p, t->pos, "unknown function \"%s\"", quoted(&q, t->text, t->len));
    }
    return NULL;
}

static const struct ordo_feel_node *parse_call(struct parser *p)
{
    const struct ordo_feel_tok *name = peek(p);
    const struct ordo_feel_builtin *fn = lookup_function(p, name);
    struct nodes args = {0};
    struct ordo_feel_node *n;

    if (!fn) {
        return NULL;
    }
    advance(p);
    advance(p); /* "(" */
    if (!accept(p, ORDO_FT_RPAREN)) {
        do {
            const struct ordo_feel_node *arg;

            if (named_argument_ahead(p)) {
                return fail(p, peek(p)->pos,
                            "named parameters are not supported; pass arguments by position");
            }
            if (!(arg = parse_inner(p))) {
                return NULL;
            }
            push(p, &args, arg);
        } while (accept(p, ORDO_FT_COMMA));
        if (!expect(p, ORDO_FT_RPAREN, ")")) {
            return NULL;
        }
    }
    if (!check_arity(p, fn, name, args.n)) {
        return NULL;
    }
    n = node_new(p, fn->fn ? ORDO_FK_CALL : ORDO_FK_DEFINED, name->pos);
    n->fn = fn;
    n->kids = args.v;
    n->n = args.n;
    n->a = args.n ? args.v[0] : NULL;
    return finish(p, n);
}

static const struct ordo_feel_node *parse_name(struct parser *p)
{
    const struct ordo_feel_tok *t = peek(p);
    struct ordo_feel_node *n;

    if (is_word(t, "true") || is_word(t, "false")) {
        advance(p);
        return constant(p, t->pos, ordo_feel_bool(t->text[0] == 't'));
    }
    if (is_word(t, "null")) {
        advance(p);
        return constant(p, t->pos, ordo_feel_null());
    }
    if (is_word(t, "if")) {
        return parse_if(p);
    }
    if (is_word(t, "for")) {
        return parse_iteration(p, ORDO_FK_FOR);
    }
    if (is_word(t, "some") || is_word(t, "every")) {
        return parse_iteration(p, t->text[0] == 's' ? ORDO_FK_SOME : ORDO_FK_EVERY);
    }
    if (is_word(t, "function")) {
        return fail(p, t->pos, "user-defined functions are not supported");
    }
    if (peek_at(p, 1)->kind == ORDO_FT_LPAREN && !is_reserved(t)) {
        return parse_call(p);
    }
    if (is_word(t, "not")) {
        return fail(p, t->pos, "\"not\" is a function: write not(...)");
    }
    if (is_reserved(t)) {
        return unexpected(p, t);
    }
    advance(p);
    n = node_new(p, ORDO_FK_NAME, t->pos);
    n->name = t->text;
    n->name_len = t->len;
    return n;
}

/* A range whose "lo.." part is parsed: read "hi" and the closing bracket. */
static const struct ordo_feel_node *finish_range(struct parser *p, size_t pos,
                                                 const struct ordo_feel_node *lo, bool lo_closed)
{
    struct ordo_feel_node *n = node_new(p, ORDO_FK_RANGE, pos);
    const struct ordo_feel_tok *t;

    n->a = lo;
    p->range_end = true;
    n->b = parse_expr(p);
    p->range_end = false;
    if (!n->b) {
        return NULL;
    }
    t = peek(p);
    if (t->kind != ORDO_FT_RBRACKET && t->kind != ORDO_FT_RPAREN && t->kind != ORDO_FT_LBRACKET) {
        return fail(p, t->pos, "expected \"]\" or \")\" to end the range");
    }
    advance(p);
    n->op = (lo_closed ? ORDO_FEEL_LO_CLOSED : 0) |
            (t->kind == ORDO_FT_RBRACKET ? ORDO_FEEL_HI_CLOSED : 0);
    return finish(p, n);
}

/* "(" expression ")" or an interval "(lo..hi]". */
static const struct ordo_feel_node *parse_paren(struct parser *p)
{
    size_t pos = peek(p)->pos;
    const struct ordo_feel_node *e;
    enum ordo_feel_tok_kind k;

    advance(p);
    k = peek(p)->kind;
    if (k == ORDO_FT_LT || k == ORDO_FT_LE || k == ORDO_FT_GT || k == ORDO_FT_GE) {
        return fail(p, peek(p)->pos, "a unary test such as \"> 5\" is allowed only after \"in\"");
    }
    if (!(e = parse_inner(p))) {
        return NULL;
    }
    if (accept(p, ORDO_FT_DOTDOT)) {
        return finish_range(p, pos, e, false);
    }
    return expect(p, ORDO_FT_RPAREN, ")") ? e : NULL;
}

/* A list "[a, b]" or an interval "[lo..hi]". */
static const struct ordo_feel_node *parse_bracket(struct parser *p)
{
    size_t pos = peek(p)->pos;
    struct nodes items = {0};
    struct ordo_feel_node *n;
    const struct ordo_feel_node *e;

    advance(p);
    if (!accept(p, ORDO_FT_RBRACKET)) {
        if (!(e = parse_inner(p))) {
            return NULL;
        }
        if (accept(p, ORDO_FT_DOTDOT)) {
            return finish_range(p, pos, e, true);
        }
        push(p, &items, e);
        while (accept(p, ORDO_FT_COMMA)) {
            if (!(e = parse_inner(p))) {
                return NULL;
            }
            push(p, &items, e);
        }
        if (!expect(p, ORDO_FT_RBRACKET, "]")) {
            return NULL;
        }
    }
    n = node_new(p, ORDO_FK_LIST, pos);
    n->kids = items.v;
    n->n = items.n;
    return finish(p, n);
}

/* A context key: a string, or one or more names (joined by one space). */
static bool parse_key(struct parser *p, const char **key, size_t *len)
{
    const struct ordo_feel_tok *t = peek(p);
    size_t start = p->i;

    if (t->kind == ORDO_FT_STRING) {
        *key = t->text;
        *len = t->len;
        advance(p);
        return true;
    }
    while (peek(p)->kind == ORDO_FT_NAME) {
        advance(p);
    }
    if (p->i == start) {
        fail(p, t->pos, "expected a context key");
        return false;
    }
    if (p->i == start + 1) {
        *key = t->text;
        *len = t->len;
        return true;
    }
    *len = 0;
    for (size_t k = start; k < p->i; k++) {
        *len += p->toks[k].len + (k > start);
    }
    char *joined = ordo_arena_alloc(p->arena, *len + 1);

    *len = 0;
    for (size_t k = start; k < p->i; k++) {
        if (k > start) {
            joined[(*len)++] = ' ';
        }
        memcpy(joined + *len, p->toks[k].text, p->toks[k].len);
        *len += p->toks[k].len;
    }
    *key = joined;
    return true;
}

static bool duplicate_key(const struct nodes *entries, const char *key, size_t len)
{
    for (size_t k = 0; k < entries->n; k++) {
        if (entries->v[k]->name_len == len && memcmp(entries->v[k]->name, key, len) == 0) {
            return true;
        }
    }
    return false;
}

static const struct ordo_feel_node *parse_context(struct parser *p)
{
    struct ordo_feel_node *n = node_new(p, ORDO_FK_CONTEXT, peek(p)->pos);
    struct nodes entries = {0};
    struct quote q;

    advance(p);
    if (!accept(p, ORDO_FT_RBRACE)) {
        do {
            size_t pos = peek(p)->pos;
            struct ordo_feel_node *e = node_new(p, ORDO_FK_ENTRY, pos);

            if (!parse_key(p, &e->name, &e->name_len)) {
                return NULL;
            }
            if (duplicate_key(&entries, e->name, e->name_len)) {
                return fail(p, pos, "duplicate context key \"%s\"",
                            quoted(&q, e->name, e->name_len));
            }
            if (!expect(p, ORDO_FT_COLON, ":") || !(e->a = parse_inner(p)) || !finish(p, e)) {
                return NULL;
            }
            push(p, &entries, e);
        } while (accept(p, ORDO_FT_COMMA));
        if (!expect(p, ORDO_FT_RBRACE, "}")) {
            return NULL;
        }
    }
    n->kids = entries.v;
    n->n = entries.n;
    return finish(p, n);
}

static const struct ordo_feel_node *parse_primary(struct parser *p)
{
    const struct ordo_feel_tok *t = peek(p);

    switch (t->kind) {
    case ORDO_FT_NUMBER:
        return parse_number(p);
    case ORDO_FT_STRING:
        advance(p);
        return constant(p, t->pos, ordo_feel_string(t->text, t->len));
    case ORDO_FT_TEMPORAL:
        return parse_temporal_literal(p);
    case ORDO_FT_NAME:
        return parse_name(p);
    case ORDO_FT_LPAREN:
        return parse_paren(p);
    case ORDO_FT_LBRACKET:
        return parse_bracket(p);
    case ORDO_FT_RBRACKET: {
        const struct ordo_feel_node *lo;

        advance(p);
        if (!(lo = parse_inner(p)) || !expect(p, ORDO_FT_DOTDOT, "..")) {
            return NULL;
        }
        return finish_range(p, t->pos, lo, false);
    }
    case ORDO_FT_LBRACE:
        return parse_context(p);
    case ORDO_FT_LT:
    case ORDO_FT_LE:
    case ORDO_FT_GT:
    case ORDO_FT_GE:
        return fail(p, t->pos, "a unary test such as \"> 5\" is allowed only after \"in\"");
    default:
        return unexpected(p, t);
    }
}

static const struct ordo_feel_node *parse_postfix(struct parser *p)
{
    const struct ordo_feel_node *n = parse_primary(p);

    while (n) {
        const struct ordo_feel_tok *t = peek(p);
        struct ordo_feel_node *m;

        if (accept(p, ORDO_FT_DOT)) {
            const struct ordo_feel_tok *name = peek(p);

            if (name->kind != ORDO_FT_NAME) {
                return fail(p, name->pos, "expected a name after \".\"");
            }
            advance(p);
            m = node_new(p, ORDO_FK_PATH, t->pos);
            m->a = n;
            m->name = name->text;
            m->name_len = name->len;
            n = finish(p, m);
        } else if (t->kind == ORDO_FT_LBRACKET && !p->range_end) {
            const struct ordo_feel_node *f;

            advance(p);
            f = parse_inner(p);

            if (!f || !expect(p, ORDO_FT_RBRACKET, "]")) {
                return NULL;
            }
            n = binary(p, ORDO_FK_FILTER, 0, t->pos, n, f);
        } else if (t->kind == ORDO_FT_LPAREN) {
            return fail(p, t->pos, "only built-in functions can be called");
        } else {
            break;
        }
    }
    return n;
}

static const struct ordo_feel_node *parse_unary(struct parser *p)
{
    size_t pos = peek(p)->pos;
    const struct ordo_feel_node *a;
    struct ordo_feel_node *n;

    if (!accept(p, ORDO_FT_MINUS)) {
        return parse_postfix(p);
    }
    if (++p->depth > p->max_depth) {
        return fail(p, pos, "expression nested too deeply (more than %u levels, max_depth)",
                    p->max_depth);
    }
    a = parse_unary(p);
    p->depth--;
    if (!a) {
        return NULL;
    }
    if (a->kind == ORDO_FK_CONST && a->value.type == ORDO_FV_NUMBER) {
        return constant(p, pos, ordo_feel_negate(&a->value)); /* -5 is a literal */
    }
    n = node_new(p, ORDO_FK_NEG, pos);
    n->a = a;
    return finish(p, n);
}

static const struct ordo_feel_node *parse_power(struct parser *p)
{
    const struct ordo_feel_node *n = parse_unary(p);

    while (n && peek(p)->kind == ORDO_FT_POW) {
        size_t pos = peek(p)->pos;

        advance(p);
        n = binary(p, ORDO_FK_ARITH, ORDO_FOP_POW, pos, n, parse_unary(p));
    }
    return n;
}

static const struct ordo_feel_node *parse_product(struct parser *p)
{
    const struct ordo_feel_node *n = parse_power(p);

    while (n && (peek(p)->kind == ORDO_FT_STAR || peek(p)->kind == ORDO_FT_SLASH)) {
        const struct ordo_feel_tok *t = peek(p);

        advance(p);
        n = binary(p, ORDO_FK_ARITH, t->kind == ORDO_FT_STAR ? ORDO_FOP_MUL : ORDO_FOP_DIV, t->pos,
                   n, parse_power(p));
    }
    return n;
}

static const struct ordo_feel_node *parse_sum(struct parser *p)
{
    const struct ordo_feel_node *n = parse_product(p);

    while (n && (peek(p)->kind == ORDO_FT_PLUS || peek(p)->kind == ORDO_FT_MINUS)) {
        const struct ordo_feel_tok *t = peek(p);

        advance(p);
        n = binary(p, ORDO_FK_ARITH, t->kind == ORDO_FT_PLUS ? ORDO_FOP_ADD : ORDO_FOP_SUB, t->pos,
                   n, parse_product(p));
    }
    return n;
}

static int comparison_op(enum ordo_feel_tok_kind k)
{
    switch (k) {
    case ORDO_FT_EQ:
        return ORDO_FOP_EQ;
    case ORDO_FT_NE:
        return ORDO_FOP_NE;
    case ORDO_FT_LT:
        return ORDO_FOP_LT;
    case ORDO_FT_LE:
        return ORDO_FOP_LE;
    case ORDO_FT_GT:
        return ORDO_FOP_GT;
    case ORDO_FT_GE:
        return ORDO_FOP_GE;
    default:
        return -1;
    }
}

/* One positive unary test: "< 5", or an expression (a value, list or range).
 * 'inner' says whether it stands inside "in ( ... )", where it may be any
 * expression; otherwise it binds tighter than "and". */
static const struct ordo_feel_node *parse_test(struct parser *p, bool inner)
{
    const struct ordo_feel_tok *t = peek(p);
    int op = comparison_op(t->kind);
    struct ordo_feel_node *n;

    if (op < 0) {
        return inner ? parse_inner(p) : parse_sum(p);
    }
    advance(p);
    n = node_new(p, ORDO_FK_TEST, t->pos);
    n->op = op;
    n->a = parse_sum(p);
    return n->a ? finish(p, n) : NULL;
}

/* The tests inside "in (": a list of tests, or one interval "(lo..hi]". */
static bool parse_test_list(struct parser *p, struct nodes *tests)
{
    size_t pos = peek(p)->pos;
    const struct ordo_feel_node *t;

    advance(p);
    do {
        if (!(t = parse_test(p, true))) {
            return false;
        }
        if (tests->n == 0 && t->kind != ORDO_FK_TEST && accept(p, ORDO_FT_DOTDOT)) {
            t = finish_range(p, pos, t, false);
            if (t) {
                push(p, tests, t);
            }
            return t != NULL;
        }
        push(p, tests, t);
    } while (accept(p, ORDO_FT_COMMA));
    return expect(p, ORDO_FT_RPAREN, ")");
}

static const struct ordo_feel_node *parse_in(struct parser *p, const struct ordo_feel_node *x,
                                             size_t pos)
{
    struct ordo_feel_node *n = node_new(p, ORDO_FK_IN, pos);
    struct nodes tests = {0};

    if (peek(p)->kind == ORDO_FT_LPAREN) {
        if (!parse_test_list(p, &tests)) {
            return NULL;
        }
    } else {
        const struct ordo_feel_node *t = parse_test(p, false);

        if (!t) {
            return NULL;
        }
        push(p, &tests, t);
    }
    n->a = x;
    n->kids = tests.v;
    n->n = tests.n;
    return finish(p, n);
}

struct type_name {
    const char *words;
    enum ordo_feel_typename type;
};

static const struct type_name type_names[] = {
    {"Any", ORDO_FTN_ANY},
    {"Null", ORDO_FTN_NULL},
    {"boolean", ORDO_FTN_BOOLEAN},
    {"number", ORDO_FTN_NUMBER},
    {"string", ORDO_FTN_STRING},
    {"list", ORDO_FTN_LIST},
    {"context", ORDO_FTN_CONTEXT},
    {"date", ORDO_FTN_DATE},
    {"time", ORDO_FTN_TIME},
    {"date and time", ORDO_FTN_DATETIME},
    {"days and time duration", ORDO_FTN_DT_DURATION},
    {"years and months duration", ORDO_FTN_YM_DURATION},
    {"range", ORDO_FTN_RANGE},
};

/* How many tokens ahead spell 'words' (space-separated), or 0. */
static size_t match_words(const struct parser *p, const char *words)
{
    size_t k = 0;

    while (*words) {
        size_t n = strcspn(words, " ");
        const struct ordo_feel_tok *t = peek_at(p, k);

        if (t->kind != ORDO_FT_NAME || t->len != n || memcmp(t->text, words, n) != 0) {
            return 0;
        }
        k++;
        words += n + (words[n] == ' ');
    }
    return k;
}

static const struct ordo_feel_node *parse_instance(struct parser *p, const struct ordo_feel_node *x,
                                                   size_t pos)
{
    size_t best = 0;
    enum ordo_feel_typename type = ORDO_FTN_ANY;
    struct ordo_feel_node *n;

    if (!expect_word(p, "of")) {
        return NULL;
    }
    for (size_t k = 0; k < sizeof(type_names) / sizeof(type_names[0]); k++) {
        size_t m = match_words(p, type_names[k].words);

        if (m > best) {
            best = m;
            type = type_names[k].type;
        }
    }
    if (!best) {
        return fail(p, peek(p)->pos, "expected a type name (number, string, boolean, date, ...)");
    }
    p->i += best;
    n = node_new(p, ORDO_FK_INSTANCE, pos);
    n->a = x;
    n->op = (int)type;
    return finish(p, n);
}

static const struct ordo_feel_node *parse_comparison(struct parser *p)
{
    const struct ordo_feel_node *a = parse_sum(p);
    const struct ordo_feel_tok *t = peek(p);
    int op = comparison_op(t->kind);
    struct ordo_feel_node *n;

    if (!a) {
        return NULL;
    }
    if (op >= 0) {
        advance(p);
        return binary(p, ORDO_FK_CMP, op, t->pos, a, parse_sum(p));
    }
    if (accept_word(p, "between")) {
        n = node_new(p, ORDO_FK_BETWEEN, t->pos);
        n->a = a;
        if (!(n->b = parse_sum(p)) || !expect_word(p, "and") || !(n->c = parse_sum(p))) {
            return NULL;
        }
        return finish(p, n);
    }
    if (accept_word(p, "in")) {
        return parse_in(p, a, t->pos);
    }
    if (accept_word(p, "instance")) {
        return parse_instance(p, a, t->pos);
    }
    return a;
}

static const struct ordo_feel_node *parse_conjunction(struct parser *p)
{
    const struct ordo_feel_node *n = parse_comparison(p);

    while (n && is_word(peek(p), "and")) {
        size_t pos = peek(p)->pos;

        advance(p);
        n = binary(p, ORDO_FK_AND, 0, pos, n, parse_comparison(p));
    }
    return n;
}

static const struct ordo_feel_node *parse_expr(struct parser *p)
{
    const struct ordo_feel_node *n;

    if (++p->depth > p->max_depth) {
        return fail(p, peek(p)->pos,
                    "expression nested too deeply (more than %u levels, max_depth)", p->max_depth);
    }
    n = parse_conjunction(p);
    while (n && is_word(peek(p), "or")) {
        size_t pos = peek(p)->pos;

        advance(p);
        n = binary(p, ORDO_FK_OR, 0, pos, n, parse_conjunction(p));
    }
    p->depth--;
    return n;
}

enum ordo_code ordo_feel_compile(struct ordo_arena *arena, const char *src, size_t len,
                                 const struct ordo_feel_limits *limits,
                                 const struct ordo_feel_expr **out, struct ordo_err *err)
{
    size_t max_source =
        limits && limits->max_source ? limits->max_source : ORDO_FEEL_MAX_SOURCE_DEFAULT;
    struct parser p = {.arena = arena, .len = len, .err = err};
    struct ordo_feel_tok *toks;
    struct ordo_feel_expr *e;
    char *copy;
    const struct ordo_feel_node *root;

    if (len > max_source) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "FEEL: expression of %zu bytes is longer than %zu (max_source)", len,
                            max_source);
    }
    copy = ordo_arena_alloc_raw(arena, len + 1);
    if (len) {
        memcpy(copy, src, len);
    }
    copy[len] = '\0';
    p.src = copy;
    p.max_depth = limits && limits->max_depth ? limits->max_depth : ORDO_FEEL_MAX_DEPTH_DEFAULT;
    p.rc = ordo_feel_lex(arena, copy, len, &toks, &p.ntoks, err);
    if (p.rc != ORDO_OK) {
        return p.rc;
    }
    p.toks = toks;
    if (p.toks[0].kind == ORDO_FT_EOF) {
        return ordo_feel_syntax_error(err, copy, len, 0, "empty expression");
    }
    root = parse_expr(&p);
    if (root && peek(&p)->kind != ORDO_FT_EOF) {
        unexpected(&p, peek(&p));
    }
    if (p.rc != ORDO_OK) {
        return p.rc;
    }
    e = ordo_arena_alloc(arena, sizeof(*e));
    e->src = copy;
    e->len = len;
    e->root = root;
    *out = e;
    return ORDO_OK;
}

const char *ordo_feel_source(const struct ordo_feel_expr *expr)
{
    return expr->src;
}
