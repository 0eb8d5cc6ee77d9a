/*
 * bpmn/juel.c - simple JUEL translated to FEEL at deploy time:
 * ordo_feel_from_juel() of bpmn/feel.h (CONTRACTS.md §2).
 *
 * Camunda 7 and Activiti models write conditions in JUEL, the Java Unified
 * Expression Language: "${approved}", "${amount > 1000}". Ordo evaluates
 * only FEEL, so a JUEL expression is rewritten once, when the model is
 * deployed or run, by a small recursive-descent parser that builds the
 * FEEL as a tree and prints it once. The whole text must be exactly one
 * ${...} or #{...} (whitespace around it is allowed); JUEL templates with
 * text around the expression are refused.
 *
 * What is translated (JUEL -> FEEL):
 *   names and paths         a.b.c -> a.b.c; a['b'] and a["b"] -> a.b (the
 *                           key must be a plain name); a[0] -> a[1] (JUEL
 *                           indexes lists from 0, FEEL from 1)
 *   literals                true false null; 12 1.5 .5 (-> 0.5) 5. (-> 5);
 *                           1.5E3 -> 1500 (FEEL 1.3 numbers have no exponent);
 *                           'it\'s' or "x" -> a FEEL double-quoted string,
 *                           with \" \\ \n \r \t and \u00XX escapes
 *   logic                   && and -> and; || or -> or; ! not -> not(x)
 *   comparison              == eq -> =; != ne -> !=; < lt, <= le, > gt, >= ge
 *   arithmetic              + - * /, div -> /, % mod -> modulo(a, b), unary -
 *   empty x                 (if x = null or x = "" or x = [] or x = {} then
 *                           true else false): JUEL's empty is true for null,
 *                           the empty string and an empty array, collection or
 *                           map, which in JSON terms are null, "", [] and {};
 *                           false for anything else. The "if" makes the
 *                           result a boolean even where FEEL compares values of
 *                           different kinds to null (5 = "" is null in DMN 1.3).
 * Grouping: JUEL's precedence (|| < && < == != < relational < + - < * / % <
 * unary < . []) is kept by the shape of the output; FEEL has one level for
 * all comparisons, so a comparison inside another is parenthesised
 * (a < b == c -> (a < b) = c). Parentheses the author wrote are kept.
 *
 * Refused, with ORDO_E_UNPROCESSABLE and a message naming the construct, the
 * text and its column: method calls (order.getTotal()), function calls with
 * or without a namespace (f(x), fn:length(x)), the conditional operator ?:,
 * assignments (=), string concatenation (+=), ';', lambdas (->), instanceof,
 * collection literals ([1, 2], {1, 2}, {'a': 1}), computed indexes (a[i]),
 * names FEEL cannot spell (the words FEEL reserves, such as "if" or "for":
 * ordo_feel_is_reserved()), and string escapes other than \\ and \' or \"
 * (JUEL refuses them too). Names hold the characters a FEEL name may hold
 * (ordo_feel_name_char(), '$' included, '?' not: it is JUEL's ?:), so a
 * character pasted from a word processor (“approved”, a no-break space, ≥)
 * is refused with its code point, not read as part of a name.
 * Input is bounded to 16 KiB, nesting to 64 levels and the translation to 16
 * KiB, FEEL's default source bound, since a longer one could not compile.
 *
 * The translation is a small tree (one node per operator, name or literal)
 * printed once at the end, so its memory grows with the input, not with its
 * square as rebuilding the text at every operator would; the length of each
 * node's text is known when it is made, which bounds the output before any
 * of it is written ('empty' repeats its operand four times).
 *
 * The translation keeps the structure, not every run-time coercion of JUEL:
 * the result runs with FEEL's semantics. Where the two differ:
 *   - null: JUEL coerces null to false or 0, FEEL propagates it. "!x" with x
 *     null is true in JUEL and null in FEEL, which a condition takes as
 *     false (with the "condition evaluated to null" lint warning); "x + 1"
 *     with x null is 1 in JUEL and null in FEEL. Comparisons with null and
 *     "&&"/"||" give the same condition outcome in both.
 *   - kinds: JUEL coerces strings to numbers ("1" == 1 is true, "a" + 1 an
 *     error); FEEL does not ("1" = 1 is null) and "+" also joins strings.
 *   - %: JUEL's remainder takes the sign of the dividend (-7 % 3 = -1), FEEL's
 *     modulo the sign of the divisor (modulo(-7, 3) = 2). The two agree when
 *     both operands have the same sign.
 *   - numbers: JUEL computes with long and double, FEEL with decimals, so
 *     0.1 + 0.2 = 0.3 holds in FEEL only; / never truncates in either
 *     (5 / 2 = 2.5).
 *   - indexes: a[5] past the end of a list is null in both. A negative index
 *     is refused: JUEL gives null for a[-1], FEEL would count from the end.
 *     a[0] on a value that is not a list is an error in JUEL; in FEEL a
 *     filter treats it as a list of one, so x[1] (a[0] translated) is x
 *     itself.
 *   - paths on lists: a.b where a is a list is an error in JUEL (a list has
 *     no property b); FEEL maps it over the items and gives the list of
 *     their b.
 *   - ordering with null: x <= y with both null is true in JUEL (equal
 *     operands) and null in FEEL (null is not ordered), so a condition that
 *     holds in JUEL is not taken in FEEL; with one operand null both give
 *     false as a condition.
 *
 * Thread-safe: no state outside the call; a scratch arena per translation.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/text.h"
#include "bpmn/feel.h"
#include "bpmn/feel_internal.h"

#define JUEL_MAX_SOURCE   ((size_t)16 * 1024)
#define JUEL_MAX_OUTPUT   ((size_t)16 * 1024) /* FEEL's default max_source */
#define JUEL_MAX_DEPTH    64
#define JUEL_SNIPPET_MAX  40         /* bytes of source quoted in a message */
#define JUEL_MAX_EXPONENT 100        /* 1E100 prints as 101 digits, still readable */
#define JUEL_MAX_INDEX    1000000000 /* list indexes beyond this cannot be meant */

enum tok_kind {
    TOK_END, /* the '}' that closes ${ or #{ */
    TOK_NAME,
    TOK_NUMBER,
    TOK_STRING,
    TOK_LPAREN,
    TOK_RPAREN,
    TOK_LBRACKET,
    TOK_RBRACKET,
    TOK_LBRACE,
    TOK_RBRACE,
    TOK_DOT,
    TOK_COMMA,
    TOK_COLON,
    TOK_QUESTION,
    TOK_SEMI,
    TOK_PLUS,
    TOK_MINUS,
    TOK_STAR,
    TOK_SLASH,
    TOK_PERCENT,
    TOK_EQ,
    TOK_NE,
    TOK_LT,
    TOK_LE,
    TOK_GT,
    TOK_GE,
    TOK_AND,
    TOK_OR,
    TOK_NOT,
    TOK_ASSIGN,
    TOK_PLUS_ASSIGN,
    TOK_ARROW,
    TOK_TRUE,
    TOK_FALSE,
    TOK_NULL,
    TOK_EMPTY,
    TOK_INSTANCEOF,
};

struct tok {
    enum tok_kind kind;
    size_t start, len; /* bytes of the JUEL source */
};

/* FEEL binding strength of a translated piece, weakest first. */
enum level {
    LV_OR = 1,
    LV_AND,
    LV_CMP,
    LV_ADD,
    LV_MUL,
    LV_NEG,
    LV_PRIMARY,
};

/* What a node of the translation prints; 'a' and 'b' are its operands. */
enum node_kind {
    N_TEXT,   /* 'text': a name or a literal */
    N_PATH,   /* a "." 'text' */
    N_INDEX,  /* a 'text', which is "[n]" */
    N_GROUP,  /* "(" a ")": parentheses the author wrote */
    N_NEG,    /* "-" a */
    N_NOT,    /* "not(" a ")" */
    N_EMPTY,  /* "(if a = null or a = \"\" or a = [] or a = {} then true else false)" */
    N_BINARY, /* a 'text' b, where 'text' is " op " */
    N_MODULO, /* "modulo(" a ", " b ")" */
};

/* A node of the FEEL translation, in scratch memory. */
struct node {
    enum node_kind kind;
    enum level level; /* how tightly its FEEL text binds */
    size_t start;     /* source offset of its first token, for messages */
    size_t len;       /* the length of its FEEL text */
    char first;       /* the first character of its FEEL text */
    const char *text;
    size_t text_len;
    const struct node *a, *b;
};

/* What a node variable holds until a parse function sets it, so that no
 * path, even one that breaks the rule "ORDO_OK means set", meets NULL. */
static const struct node no_node = {N_TEXT, LV_PRIMARY, 0, 1, ' ', " ", 1, NULL, NULL};

struct juel {
    struct ordo_arena *scratch;
    const char *src;
    size_t close; /* offset of the closing '}' */
    struct tok *toks;
    size_t ntoks, cap, i;
    unsigned depth;
    struct ordo_err *err;
};

static const struct {
    const char *word;
    enum tok_kind kind;
} keywords[] = {
    {"and", TOK_AND},     {"or", TOK_OR},     {"not", TOK_NOT},     {"eq", TOK_EQ},
    {"ne", TOK_NE},       {"lt", TOK_LT},     {"le", TOK_LE},       {"gt", TOK_GT},
    {"ge", TOK_GE},       {"true", TOK_TRUE}, {"false", TOK_FALSE}, {"null", TOK_NULL},
    {"empty", TOK_EMPTY}, {"div", TOK_SLASH}, {"mod", TOK_PERCENT}, {"instanceof", TOK_INSTANCEOF},
};

/* Longest first, so "==" wins over "=". */
static const struct {
    const char *text;
    enum tok_kind kind;
} operators[] = {
    {"==", TOK_EQ},    {"!=", TOK_NE},     {"<=", TOK_LE},          {">=", TOK_GE},
    {"&&", TOK_AND},   {"||", TOK_OR},     {"+=", TOK_PLUS_ASSIGN}, {"->", TOK_ARROW},
    {"(", TOK_LPAREN}, {")", TOK_RPAREN},  {"[", TOK_LBRACKET},     {"]", TOK_RBRACKET},
    {".", TOK_DOT},    {",", TOK_COMMA},   {":", TOK_COLON},        {"?", TOK_QUESTION},
    {";", TOK_SEMI},   {"+", TOK_PLUS},    {"-", TOK_MINUS},        {"*", TOK_STAR},
    {"/", TOK_SLASH},  {"%", TOK_PERCENT}, {"<", TOK_LT},           {">", TOK_GT},
    {"!", TOK_NOT},    {"=", TOK_ASSIGN},
};

static enum ordo_code parse_expr(struct juel *p, const struct node **out);
static enum ordo_code parse_unary(struct juel *p, const struct node **out);

/* ---- messages ---- */

/* "column 7", or "line 2, column 7" in a text of several lines; columns
 * count characters, not bytes. */
static const char *describe_position(const struct juel *p, size_t at)
{
    size_t line;
    size_t column;

    ordo_utf8_position(p->src, at, &line, &column);
    if (line > 1) {
        return ordo_arena_printf(p->scratch, "line %zu, column %zu", line, column);
    }
    return ordo_arena_printf(p->scratch, "column %zu", column);
}

/* The source from 'start' to 'end', cut to a readable length (between
 * characters, ill-formed UTF-8 shown as U+FFFD: messages go into JSON). */
static const char *quote_source(const struct juel *p, size_t start, size_t end)
{
    size_t len = end > start ? end - start : 0;
    char buf[JUEL_SNIPPET_MAX * 3 + 4];

    while (len > 0 && (p->src[start + len - 1] == ' ' || p->src[start + len - 1] == '\t')) {
        len--;
    }
    ordo_utf8_quote(buf, sizeof(buf), p->src + start, len,
                    len > JUEL_SNIPPET_MAX ? JUEL_SNIPPET_MAX - 3 : len);
    return ordo_arena_strdup(p->scratch, buf);
}

/* Record ORDO_E_UNPROCESSABLE with a message; every JUEL error is one. */
__attribute__((format(printf, 2, 3))) static enum ordo_code fail(struct juel *p, const char *fmt,
                                                                 ...)
{
    char msg[ORDO_ERR_MSG_SIZE];
    va_list ap;

    va_start(ap, fmt);
    ordo_utf8_vformat(msg, sizeof(msg), fmt, ap); /* cut between characters if it must be */
    va_end(ap);
    (void)ordo_err_set(p->err, ORDO_E_UNPROCESSABLE, "%s", msg);
    return ORDO_E_UNPROCESSABLE;
}

/* "JUEL: <what> ("<source from start to end>" at column N)". */
static enum ordo_code refuse(struct juel *p, const char *what, size_t start, size_t end, size_t at)
{
    return fail(p, "JUEL: %s (\"%s\" at %s)", what, quote_source(p, start, end),
                describe_position(p, at));
}

/* The offset just after the token that closes the bracket opened by token
 * 'open', or the end of the expression when it is never closed. */
static size_t find_close(const struct juel *p, size_t open)
{
    unsigned depth = 0;
    size_t i;

    for (i = open; i < p->ntoks && p->toks[i].kind != TOK_END; i++) {
        enum tok_kind k = p->toks[i].kind;

        if (k == TOK_LPAREN || k == TOK_LBRACKET || k == TOK_LBRACE) {
            depth++;
        } else if ((k == TOK_RPAREN || k == TOK_RBRACKET || k == TOK_RBRACE) && --depth == 0) {
            return p->toks[i].start + p->toks[i].len;
        }
    }
    return p->close;
}

/* The token at the parser's position is not what the grammar allows here;
 * name it, with a precise message for the JUEL constructs Ordo refuses.
 * 'expr_start' is where the enclosing expression began. */
static enum ordo_code fail_unexpected(struct juel *p, size_t expr_start)
{
    const struct tok *t = &p->toks[p->i];

    switch (t->kind) {
    case TOK_QUESTION:
        return refuse(p, "the conditional operator ?: is not supported", expr_start, p->close,
                      t->start);
    case TOK_ASSIGN:
        return refuse(p, "assignments are not supported", expr_start, p->close, t->start);
    case TOK_PLUS_ASSIGN:
        return refuse(p, "string concatenation with += is not supported", expr_start, p->close,
                      t->start);
    case TOK_SEMI:
        return refuse(p, "several expressions separated by ';' are not supported", expr_start,
                      p->close, t->start);
    case TOK_INSTANCEOF:
        return refuse(p, "instanceof is not supported", expr_start, p->close, t->start);
    case TOK_LBRACKET:
    case TOK_LBRACE:
        return refuse(p, "collection literals are not supported", t->start, find_close(p, p->i),
                      t->start);
    case TOK_END:
        return fail(p, "JUEL: the expression ends too early (\"%s\" at %s)",
                    quote_source(p, p->toks[0].start, p->close), describe_position(p, t->start));
    default:
        return fail(p, "JUEL: unexpected \"%s\" at %s",
                    quote_source(p, t->start, t->start + t->len), describe_position(p, t->start));
    }
}

/* ---- scanning ---- */

/* The character at 'pos' starts no token. */
static enum ordo_code fail_character(struct juel *p, size_t pos)
{
    const char *s = p->src + pos;
    const char *hint;
    long cp;

    if ((unsigned char)s[0] < 0x80) {
        return fail(p, "JUEL: unexpected character '%c' at %s", s[0], describe_position(p, pos));
    }
    cp = ordo_feel_stray_char(s, strnlen(s, 4), &hint);
    if (cp < 0) {
        return fail(p, "JUEL: unexpected byte 0x%02X (not UTF-8) at %s", (unsigned char)s[0],
                    describe_position(p, pos));
    }
    return fail(p, "JUEL: unexpected character U+%04lX at %s%s%s", (unsigned long)cp,
                describe_position(p, pos), *hint ? " " : "", hint);
}

/* The length of the name character at 's' (NUL-terminated), or 0: what a
 * FEEL name may hold, but not '?', which is JUEL's ?: operator. */
static size_t name_char(const char *s, bool start)
{
    return *s && *s != '?' ? ordo_feel_name_char(s, strnlen(s, 4), start) : 0;
}

static size_t scan_digits(const char *s, size_t i)
{
    while (ordo_is_digit((unsigned char)s[i])) {
        i++;
    }
    return i;
}

/* JUEL numbers: 12, 1.5, 1., .5, each with an optional exponent (1e3, 2.5E-7). */
static size_t scan_number(const char *s, size_t pos)
{
    size_t i = scan_digits(s, pos);

    if (s[i] == '.') {
        i = scan_digits(s, i + 1);
    }
    if (s[i] == 'e' || s[i] == 'E') {
        size_t j = i + 1;

        if (s[j] == '+' || s[j] == '-') {
            j++;
        }
        if (ordo_is_digit((unsigned char)s[j])) {
            i = scan_digits(s, j);
        }
    }
    return i - pos;
}

/* A quoted string: JUEL allows only \\ and a backslash before the quote
 * that encloses the string; anything else is an error in JUEL too. */
static enum ordo_code scan_string(struct juel *p, size_t pos, size_t *len)
{
    const char *s = p->src;
    char quote = s[pos];
    size_t i = pos + 1;

    for (;;) {
        if (s[i] == '\0') {
            return fail(p, "JUEL: unterminated string literal at %s", describe_position(p, pos));
        }
        if (s[i] == quote) {
            *len = i + 1 - pos;
            return ORDO_OK;
        }
        if (s[i] == '\\' && s[i + 1] != quote && s[i + 1] != '\\' && s[i + 1] != '\0') {
            return fail(p,
                        "JUEL: invalid escape sequence in a string literal at %s "
                        "(only \\\\ and \\%c are allowed)",
                        describe_position(p, i), quote);
        }
        i += s[i] == '\\' && s[i + 1] != '\0' ? 2 : 1;
    }
}

static enum tok_kind word_kind(const char *s, size_t len)
{
    size_t k;

    for (k = 0; k < sizeof(keywords) / sizeof(keywords[0]); k++) {
        if (ordo_text_eq(s, len, keywords[k].word)) {
            return keywords[k].kind;
        }
    }
    return TOK_NAME;
}

/* One token at 'pos' (not white space, not the closing brace). */
static enum ordo_code scan_token(struct juel *p, size_t pos, struct tok *t)
{
    const char *s = p->src + pos;
    size_t k;
    size_t c;

    t->start = pos;
    if (ordo_is_digit((unsigned char)s[0]) || (s[0] == '.' && ordo_is_digit((unsigned char)s[1]))) {
        t->kind = TOK_NUMBER;
        t->len = scan_number(p->src, pos);
        return ORDO_OK;
    }
    if ((c = name_char(s, true)) > 0) {
        for (t->len = c; (c = name_char(s + t->len, false)) > 0; t->len += c) {
        }
        t->kind = word_kind(s, t->len);
        return ORDO_OK;
    }
    if (s[0] == '\'' || s[0] == '"') {
        t->kind = TOK_STRING;
        return scan_string(p, pos, &t->len);
    }
    for (k = 0; k < sizeof(operators) / sizeof(operators[0]); k++) {
        size_t n = strlen(operators[k].text);

        if (strncmp(s, operators[k].text, n) == 0) {
            t->kind = operators[k].kind;
            t->len = n;
            return ORDO_OK;
        }
    }
    return fail_character(p, pos);
}

static void push_token(struct juel *p, const struct tok *t)
{
    p->toks = ordo_arena_grow(p->scratch, p->toks, p->ntoks, &p->cap, sizeof(*p->toks));
    p->toks[p->ntoks++] = *t;
}

/* Tokens from 'pos' (just after "${") to the '}' that closes it, which
 * becomes TOK_END; braces in between nest (JUEL 3 set and map literals). */
static enum ordo_code scan_tokens(struct juel *p, size_t pos, size_t open)
{
    unsigned braces = 0;
    struct tok t;
    enum ordo_code rc;

    for (;;) {
        pos += strspn(p->src + pos, " \t\r\n");
        t.start = pos;
        t.len = 1;
        if (p->src[pos] == '\0') {
            return fail(p, "JUEL: missing '}' at the end of \"%s\"", quote_source(p, open, pos));
        }
        if (p->src[pos] == '}' && braces == 0) {
            t.kind = TOK_END;
            push_token(p, &t);
            p->close = pos;
            return ORDO_OK;
        }
        if (p->src[pos] == '{' || p->src[pos] == '}') {
            t.kind = p->src[pos] == '{' ? TOK_LBRACE : TOK_RBRACE;
            braces = p->src[pos] == '{' ? braces + 1 : braces - 1;
        } else if ((rc = scan_token(p, pos, &t)) != ORDO_OK) {
            return rc;
        }
        push_token(p, &t);
        pos += t.len;
    }
}

/* The text must be exactly one ${...} or #{...}, white space around it
 * allowed: find it and scan its tokens. */
static enum ordo_code scan_expression(struct juel *p)
{
    size_t open = strspn(p->src, " \t\r\n");
    size_t rest;
    enum ordo_code rc;

    if ((p->src[open] != '$' && p->src[open] != '#') || p->src[open + 1] != '{') {
        if (strstr(p->src, "${") || strstr(p->src, "#{")) {
            return fail(p, "JUEL templates with text around ${...} are not supported");
        }
        return fail(p, "JUEL: the expression must be written as ${...} or #{...}");
    }
    if ((rc = scan_tokens(p, open + 2, open)) != ORDO_OK) {
        return rc;
    }
    rest = p->close + 1;
    rest += strspn(p->src + rest, " \t\r\n");
    if (p->src[rest] != '\0') {
        return fail(p, "JUEL templates with text around ${...} are not supported");
    }
    return ORDO_OK;
}

/* The index of the '(' that token 'close' (a ')') closes, or 0. */
static size_t find_open(const struct juel *p, size_t close)
{
    unsigned depth = 0;
    size_t j;

    for (j = close; j > 0; j--) {
        depth += p->toks[j].kind == TOK_RPAREN;
        if (p->toks[j].kind == TOK_LPAREN && --depth == 0) {
            break;
        }
    }
    return j;
}

/* Lambdas ("x -> x + 1", "(a, b) -> a + b") are found before parsing, since
 * a parameter list would otherwise fail as a stray ','. */
static enum ordo_code check_lambda(struct juel *p)
{
    size_t i, first;

    for (i = 1; i < p->ntoks; i++) {
        if (p->toks[i].kind == TOK_ARROW) {
            first = p->toks[i - 1].kind == TOK_RPAREN ? find_open(p, i - 1) : i - 1;
            return refuse(p, "lambda expressions are not supported", p->toks[first].start, p->close,
                          p->toks[i].start);
        }
    }
    return ORDO_OK;
}

/* ---- the FEEL translation: nodes, their text, printing ---- */

/* How a node is printed as an operand: as it is, in parentheses, or, as a
 * function's argument, without the parentheses of a group ("not((a))" reads
 * badly). */
enum form {
    PLAIN,
    WRAPPED,
    BARE,
};

/* One piece of a node's text: 'n' printed in 'form', or (n NULL) text. */
struct piece {
    const struct node *n;
    enum form form;
    const char *s;
    size_t len;
};

#define MAX_PIECES 12

static bool is_group(const struct node *n)
{
    return n->kind == N_GROUP || n->kind == N_EMPTY;
}

static size_t put_text(struct piece *out, size_t k, const char *s, size_t len)
{
    out[k] = (struct piece){NULL, PLAIN, s, len};
    return k + 1;
}

static size_t put_str(struct piece *out, size_t k, const char *s)
{
    return put_text(out, k, s, strlen(s));
}

static size_t put_node(struct piece *out, size_t k, const struct node *n, enum form form)
{
    out[k] = (struct piece){n, form, NULL, 0};
    return k + 1;
}

/* 'n' as an operand that must bind tighter than 'min'. */
static enum form below(const struct node *n, enum level min)
{
    return n->level < min ? WRAPPED : PLAIN;
}

/* The first character of 'n' printed in 'form'. */
static char first_char(const struct node *n, enum form form)
{
    if (form == WRAPPED) {
        return '(';
    }
    if (form == BARE && n->kind == N_GROUP) {
        return n->a->first;
    }
    if (form == BARE && n->kind == N_EMPTY) {
        return 'i';
    }
    return n->first;
}

/* The empty test, written out: 'x' is its operand. */
static size_t put_empty(struct piece *out, size_t k, const struct node *x)
{
    static const char *const parts[] = {"if ", " = null or ", " = \"\" or ", " = [] or ",
                                        " = {} then true else false"};
    enum form form = below(x, LV_CMP + 1);

    for (size_t i = 0; i < 5; i++) {
        k = put_str(out, k, parts[i]);
        k = i < 4 ? put_node(out, k, x, form) : k;
    }
    return k;
}

/* The pieces of node 'n' printed in 'form', in order; their count. */
static size_t layout(const struct node *n, enum form form, struct piece *out)
{
    bool bare = form == BARE && is_group(n);
    size_t k = 0;

    if (form == WRAPPED) {
        k = put_str(out, k, "(");
        k = put_node(out, k, n, PLAIN);
        return put_str(out, k, ")");
    }
    switch (n->kind) {
    case N_TEXT:
        return put_text(out, k, n->text, n->text_len);
    case N_PATH:
        k = put_node(out, k, n->a, PLAIN);
        k = put_str(out, k, ".");
        return put_text(out, k, n->text, n->text_len);
    case N_INDEX:
        k = put_node(out, k, n->a, PLAIN);
        return put_text(out, k, n->text, n->text_len);
    case N_GROUP:
    case N_EMPTY:
        k = bare ? k : put_str(out, k, "(");
        k = n->kind == N_GROUP ? put_node(out, k, n->a, PLAIN) : put_empty(out, k, n->a);
        return bare ? k : put_str(out, k, ")");
    case N_NEG: /* "-(-x)": FEEL has no "--" */
        k = put_str(out, k, "-");
        return put_node(out, k, n->a, n->a->level < LV_NEG || n->a->first == '-' ? WRAPPED : PLAIN);
    case N_NOT:
        k = put_str(out, k, "not(");
        k = put_node(out, k, n->a, BARE);
        return put_str(out, k, ")");
    case N_BINARY: /* FEEL comparisons do not chain: a comparison operand is wrapped */
        k = put_node(out, k, n->a, below(n->a, n->level == LV_CMP ? LV_CMP + 1 : n->level));
        k = put_text(out, k, n->text, n->text_len);
        return put_node(out, k, n->b, below(n->b, (enum level)(n->level + 1)));
    default: /* N_MODULO */
        k = put_str(out, k, "modulo(");
        k = put_node(out, k, n->a, BARE);
        k = put_str(out, k, ", ");
        k = put_node(out, k, n->b, BARE);
        return put_str(out, k, ")");
    }
}

static size_t piece_len(const struct piece *pc)
{
    if (!pc->n) {
        return pc->len;
    }
    if (pc->form == WRAPPED) {
        return pc->n->len + 2;
    }
    return pc->form == BARE && is_group(pc->n) ? pc->n->len - 2 : pc->n->len;
}

/* A new node of 'kind' and 'level' at source offset 'start', with its
 * length and first character worked out from its pieces; refused when its
 * text would be longer than FEEL can compile. */
static enum ordo_code make_node(struct juel *p, enum node_kind kind, enum level level, size_t start,
                                const struct node *a, const struct node *b, const char *text,
                                size_t text_len, const struct node **out)
{
    struct node *n = ordo_arena_alloc(p->scratch, sizeof(*n));
    struct piece pieces[MAX_PIECES];
    size_t count;

    *n = (struct node){kind, level, start, 0, '\0', text, text_len, a, b};
    count = layout(n, PLAIN, pieces);
    for (size_t i = 0; i < count; i++) {
        n->len += piece_len(&pieces[i]); /* each operand is at most JUEL_MAX_OUTPUT: no overflow */
    }
    if (pieces[0].n) {
        n->first = first_char(pieces[0].n, pieces[0].form);
    } else {
        n->first = pieces[0].s[0];
    }
    *out = n;
    if (n->len > JUEL_MAX_OUTPUT) {
        return fail(p, "JUEL: the FEEL translation would be longer than %zu bytes",
                    JUEL_MAX_OUTPUT);
    }
    return ORDO_OK;
}

/* A node that prints 'text' ('len' bytes, kept by the caller). */
static enum ordo_code make_leaf(struct juel *p, size_t start, const char *text, size_t len,
                                const struct node **out)
{
    return make_node(p, N_TEXT, LV_PRIMARY, start, NULL, NULL, text, len, out);
}

/* The text of 'root' in 'arena'. Printed with a stack of pieces rather than
 * by recursion: a chain such as a + b + ... + z is a tree as deep as it is
 * long, and 16 KiB of it would go thousands of calls deep. */
static char *print(struct juel *p, struct ordo_arena *arena, const struct node *root)
{
    char *out = ordo_arena_alloc_raw(arena, root->len + 1);
    struct piece *stack = NULL;
    size_t depth = 0;
    size_t cap = 0;
    size_t o = 0;

    stack = ordo_arena_grow(p->scratch, stack, depth, &cap, sizeof(*stack));
    stack[depth++] = (struct piece){root, PLAIN, NULL, 0};
    while (depth > 0) {
        struct piece top = stack[--depth];
        struct piece pieces[MAX_PIECES];
        size_t count;

        if (!top.n) {
            size_t len = top.len < root->len - o ? top.len : root->len - o;

            assert(len == top.len); /* the lengths worked out in make_node() hold */
            memcpy(out + o, top.s, len);
            o += len;
            continue;
        }
        for (count = layout(top.n, top.form, pieces); count > 0; count--) {
            stack = ordo_arena_grow(p->scratch, stack, depth, &cap, sizeof(*stack));
            stack[depth++] = pieces[count - 1];
        }
    }
    assert(o == root->len);
    out[o] = '\0';
    return out;
}

/* ---- parsing ---- */

static enum tok_kind peek(const struct juel *p)
{
    return p->toks[p->i].kind;
}

static bool accept(struct juel *p, enum tok_kind kind)
{
    if (p->toks[p->i].kind == kind) {
        p->i++;
        return true;
    }
    return false;
}

/* The name at source offset 'at' must be one FEEL can spell as it is: a
 * JUEL name may be a word FEEL reserves. */
static enum ordo_code check_name(struct juel *p, const char *s, size_t len, size_t at)
{
    if (ordo_feel_is_reserved(s, len)) {
        return refuse(p, "names that are FEEL keywords cannot be translated", at, at + len, at);
    }
    return ORDO_OK;
}

/* A string key of a[...] that can be written as a path step: an ASCII
 * name (letters, digits, '_', '$') that is no JUEL or FEEL keyword. */
static bool is_plain_key(const char *s, size_t len)
{
    static const char ascii_name[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_$0123456789";
    size_t i;

    if (len == 0 || ordo_is_digit((unsigned char)s[0])) {
        return false;
    }
    for (i = 0; i < len; i++) {
        if (!s[i] || !strchr(ascii_name, s[i])) {
            return false;
        }
    }
    return !ordo_feel_is_reserved(s, len) && word_kind(s, len) == TOK_NAME;
}

/* The value of a JUEL string token (quotes removed, escapes applied), in
 * scratch memory. */
static char *decode_string(const struct juel *p, const struct tok *t, size_t *len)
{
    const char *s = p->src + t->start + 1;
    size_t n = t->len - 2, i, o = 0;
    char *v = ordo_arena_alloc(p->scratch, n + 1);

    for (i = 0; i < n; i++) {
        if (s[i] == '\\') {
            i++; /* scan_string() admitted only \\ and \<quote> */
        }
        v[o++] = s[i];
    }
    *len = o;
    return v;
}

/* 'v' as a FEEL string literal. */
static enum ordo_code print_string(struct juel *p, const char *v, size_t len, size_t start,
                                   const struct node **out)
{
    char *q = ordo_arena_alloc(p->scratch, len * 6 + 3);
    size_t i, o = 0;

    q[o++] = '"';
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)v[i];

        if (c == '"' || c == '\\') {
            q[o++] = '\\';
            q[o++] = (char)c;
        } else if (c == '\n' || c == '\r' || c == '\t') {
            q[o++] = '\\';
            q[o++] = (char)(c == '\n' ? 'n' : (c == '\r' ? 'r' : 't'));
        } else if (c < 0x20 || c == 0x7F) {
            o += (size_t)snprintf(q + o, 7, "\\u%04X", c);
        } else {
            q[o++] = (char)c;
        }
    }
    q[o++] = '"';
    return make_leaf(p, start, q, o, out);
}

/* 'digits' ('n' > 0 of them) times 10^(point - n), in plain form. */
static char *plain_decimal(const struct juel *p, const char *digits, size_t n, long point)
{
    size_t before = point < 0 ? (size_t)-point : 0;
    size_t after = point > (long)n ? (size_t)point - n : 0;
    char *s = ordo_arena_alloc(p->scratch, n + before + after + 3);
    size_t o = 0;

    if (point <= 0) {
        s[o++] = '0';
        s[o++] = '.';
        memset(s + o, '0', before);
        o += before;
        memcpy(s + o, digits, n);
    } else if ((size_t)point >= n) {
        memcpy(s, digits, n);
        memset(s + n, '0', after);
    } else {
        memcpy(s, digits, (size_t)point);
        s[point] = '.';
        memcpy(s + point + 1, digits + point, n - (size_t)point);
    }
    return s; /* zeroed by the arena: terminated */
}

/* A JUEL number as a FEEL one: FEEL 1.3 numbers have no exponent (1.5E3 ->
 * 1500) and want digits before a point (.5 -> 0.5); the rest is tidied the
 * same way (5. -> 5, 007 -> 7, 1.50 -> 1.5), which keeps every value. */
static enum ordo_code print_number(struct juel *p, const struct tok *t, const struct node **out)
{
    const char *s = p->src + t->start;
    char *digits = ordo_arena_alloc(p->scratch, t->len + 1);
    size_t i, m = 0, lead = 0;
    long point = -1, exp = 0;
    bool neg = false;

    for (i = 0; i < t->len && s[i] != 'e' && s[i] != 'E'; i++) {
        if (s[i] == '.') {
            point = (long)m;
        } else {
            digits[m++] = s[i];
        }
    }
    point = point < 0 ? (long)m : point;
    if (i < t->len) {
        neg = s[++i] == '-';
        for (i += s[i] == '-' || s[i] == '+'; i < t->len && exp <= JUEL_MAX_EXPONENT; i++) {
            exp = exp * 10 + (s[i] - '0');
        }
        if (exp > JUEL_MAX_EXPONENT) {
            return refuse(p, "numbers with an exponent beyond 100 are not supported", t->start,
                          t->start + t->len, t->start);
        }
    }
    point += neg ? -exp : exp;
    while (lead < m && digits[lead] == '0') {
        lead++;
        point--;
    }
    while (m > lead && digits[m - 1] == '0' && (long)(m - lead) > point) {
        m--;
    }
    if (m == lead) {
        return make_leaf(p, t->start, "0", 1, out);
    }
    digits = plain_decimal(p, digits + lead, m - lead, point);
    return make_leaf(p, t->start, digits, strlen(digits), out);
}

/* a.b, and a.b(...) which is a method call. */
static enum ordo_code parse_property(struct juel *p, const struct node **base)
{
    const struct tok *name;
    enum ordo_code rc;

    p->i++; /* the '.' */
    name = &p->toks[p->i];
    if (name->kind != TOK_NAME) {
        return fail_unexpected(p, (*base)->start);
    }
    p->i++;
    if (peek(p) == TOK_LPAREN) {
        return refuse(p, "method calls are not supported", (*base)->start, find_close(p, p->i),
                      name->start);
    }
    if ((rc = check_name(p, p->src + name->start, name->len, name->start)) != ORDO_OK) {
        return rc;
    }
    return make_node(p, N_PATH, LV_PRIMARY, (*base)->start, *base, NULL, p->src + name->start,
                     name->len, base);
}

/* a[0] -> a[1] (JUEL counts from 0, FEEL from 1) and a['key'] -> a.key.
 * Only literal indexes: whether a[i] indexes a list or looks up a key
 * depends on the run-time kind of 'i'. */
static enum ordo_code parse_index(struct juel *p, const struct node **base)
{
    size_t open = p->i;
    const struct tok *k = &p->toks[open + 1];
    bool literal = k->kind == TOK_STRING || k->kind == TOK_NUMBER;
    size_t start = (*base)->start;
    size_t len;
    char *key;

    if (!literal || p->toks[open + 2].kind != TOK_RBRACKET) {
        return refuse(p, "computed indexes such as a[i] are not supported", start,
                      find_close(p, open), k->start);
    }
    p->i += 3;
    if (k->kind == TOK_NUMBER) {
        long index = 0;

        for (len = 0; len < k->len && ordo_is_digit((unsigned char)p->src[k->start + len]) &&
                      index <= JUEL_MAX_INDEX;
             len++) {
            index = index * 10 + (p->src[k->start + len] - '0');
        }
        if (len < k->len) {
            return refuse(p, "list indexes must be whole numbers below 10^9", start,
                          find_close(p, open), k->start);
        }
        key = ordo_arena_printf(p->scratch, "[%ld]", index + 1);
        return make_node(p, N_INDEX, LV_PRIMARY, start, *base, NULL, key, strlen(key), base);
    }
    key = decode_string(p, k, &len);
    if (!is_plain_key(key, len)) {
        return refuse(p, "keys that are not plain names are not supported in a['key']", start,
                      find_close(p, open), k->start);
    }
    return make_node(p, N_PATH, LV_PRIMARY, start, *base, NULL, key, len, base);
}

/* (expr): the author's parentheses stay. */
static enum ordo_code parse_group(struct juel *p, const struct node **out)
{
    size_t open = p->toks[p->i].start;
    const struct node *inner = &no_node;
    enum ordo_code rc;

    p->i++;
    if ((rc = parse_expr(p, &inner)) != ORDO_OK) {
        return rc;
    }
    if (!accept(p, TOK_RPAREN)) {
        if (peek(p) == TOK_END) {
            return fail(p, "JUEL: missing ')' for the '(' at %s", describe_position(p, open));
        }
        return fail_unexpected(p, open);
    }
    return make_node(p, N_GROUP, LV_PRIMARY, open, inner, NULL, NULL, 0, out);
}

static enum ordo_code parse_primary(struct juel *p, const struct node **out)
{
    const struct tok *t = &p->toks[p->i];
    enum ordo_code rc;
    size_t len;
    char *v;

    switch (t->kind) {
    case TOK_NAME:
        if ((rc = check_name(p, p->src + t->start, t->len, t->start)) != ORDO_OK) {
            return rc;
        }
        p->i++;
        return make_leaf(p, t->start, p->src + t->start, t->len, out);
    case TOK_TRUE:
    case TOK_FALSE:
    case TOK_NULL:
        p->i++;
        return make_leaf(p, t->start, p->src + t->start, t->len, out);
    case TOK_NUMBER:
        p->i++;
        return print_number(p, t, out);
    case TOK_STRING:
        p->i++;
        v = decode_string(p, t, &len);
        return print_string(p, v, len, t->start, out);
    case TOK_LPAREN:
        return parse_group(p, out);
    default:
        return fail_unexpected(p, t->start);
    }
}

/* A primary and its suffixes: .name, [index]; calls are refused. */
static enum ordo_code parse_postfix(struct juel *p, const struct node **out)
{
    enum ordo_code rc = parse_primary(p, out);

    while (rc == ORDO_OK) {
        switch (peek(p)) {
        case TOK_DOT:
            rc = parse_property(p, out);
            break;
        case TOK_LBRACKET:
            rc = parse_index(p, out);
            break;
        case TOK_LPAREN:
            return refuse(p, "function calls are not supported", (*out)->start, find_close(p, p->i),
                          (*out)->start);
        case TOK_COLON: /* fn:length(x): a function from a namespace, after a bare name */
            if ((*out)->kind == N_TEXT && p->toks[p->i - 1].kind == TOK_NAME &&
                p->toks[p->i + 1].kind == TOK_NAME && p->toks[p->i + 2].kind == TOK_LPAREN) {
                return refuse(p, "function calls are not supported", (*out)->start,
                              find_close(p, p->i + 2), (*out)->start);
            }
            return ORDO_OK;
        default:
            return ORDO_OK;
        }
    }
    return rc;
}

/* - ! not empty, which bind tighter than any binary operator. empty x is
 * true for null, "", [] and {} (JUEL: null, the empty string, an empty
 * array, collection or map), false for anything else. */
static enum ordo_code parse_unary(struct juel *p, const struct node **out)
{
    const struct tok *t = &p->toks[p->i];
    const struct node *x = &no_node;
    enum ordo_code rc;

    if (t->kind != TOK_MINUS && t->kind != TOK_NOT && t->kind != TOK_EMPTY) {
        return parse_postfix(p, out);
    }
    if (++p->depth > JUEL_MAX_DEPTH) {
        return fail(p, "JUEL: the expression is nested deeper than %d levels (at %s)",
                    JUEL_MAX_DEPTH, describe_position(p, t->start));
    }
    p->i++;
    rc = parse_unary(p, &x);
    p->depth--;
    if (rc != ORDO_OK) {
        return rc;
    }
    switch (t->kind) {
    case TOK_MINUS:
        return make_node(p, N_NEG, LV_NEG, t->start, x, NULL, NULL, 0, out);
    case TOK_NOT:
        return make_node(p, N_NOT, LV_PRIMARY, t->start, x, NULL, NULL, 0, out);
    default:
        return make_node(p, N_EMPTY, LV_PRIMARY, t->start, x, NULL, NULL, 0, out);
    }
}

/* The binary operators of JUEL, weakest first: each row is one level of
 * the grammar, with the FEEL level and spelling of each operator. */
static const struct {
    enum level level;
    struct {
        enum tok_kind kind;
        const char *feel; /* NULL: modulo(a, b) */
    } ops[4];
} binary_levels[] = {
    {LV_OR, {{TOK_OR, " or "}}},
    {LV_AND, {{TOK_AND, " and "}}},
    {LV_CMP, {{TOK_EQ, " = "}, {TOK_NE, " != "}}},
    {LV_CMP, {{TOK_LT, " < "}, {TOK_LE, " <= "}, {TOK_GT, " > "}, {TOK_GE, " >= "}}},
    {LV_ADD, {{TOK_PLUS, " + "}, {TOK_MINUS, " - "}}},
    {LV_MUL, {{TOK_STAR, " * "}, {TOK_SLASH, " / "}, {TOK_PERCENT, NULL}}},
};

#define BINARY_LEVELS (sizeof(binary_levels) / sizeof(binary_levels[0]))

/* The operator at the parser's position, if it belongs to 'row'. */
static bool match_operator(const struct juel *p, size_t row, const char **feel)
{
    size_t k;

    for (k = 0; k < 4 && binary_levels[row].ops[k].kind != TOK_END; k++) {
        if (binary_levels[row].ops[k].kind == peek(p)) {
            *feel = binary_levels[row].ops[k].feel;
            return true;
        }
    }
    return false;
}

/* Left-associative operators of 'row' and the rows above it. */
static enum ordo_code parse_binary(struct juel *p, size_t row, const struct node **out)
{
    const char *feel;
    const struct node *r = &no_node;
    enum ordo_code rc;

    if (row == BINARY_LEVELS) {
        return parse_unary(p, out);
    }
    rc = parse_binary(p, row + 1, out);
    while (rc == ORDO_OK && match_operator(p, row, &feel)) {
        p->i++;
        if ((rc = parse_binary(p, row + 1, &r)) != ORDO_OK) {
            break;
        }
        if (feel) {
            rc = make_node(p, N_BINARY, binary_levels[row].level, (*out)->start, *out, r, feel,
                           strlen(feel), out);
        } else {
            rc = make_node(p, N_MODULO, LV_PRIMARY, (*out)->start, *out, r, NULL, 0, out);
        }
    }
    return rc;
}

/* A whole expression: at the top, inside (...) and nowhere else. */
static enum ordo_code parse_expr(struct juel *p, const struct node **out)
{
    size_t start = p->toks[p->i].start;
    enum ordo_code rc;

    if (++p->depth > JUEL_MAX_DEPTH) {
        return fail(p, "JUEL: the expression is nested deeper than %d levels (at %s)",
                    JUEL_MAX_DEPTH, describe_position(p, start));
    }
    rc = parse_binary(p, 0, out);
    p->depth--;
    if (rc == ORDO_OK) {
        switch (peek(p)) {
        case TOK_QUESTION:
        case TOK_ASSIGN:
        case TOK_PLUS_ASSIGN:
        case TOK_SEMI:
        case TOK_INSTANCEOF:
            return fail_unexpected(p, start);
        default:
            break;
        }
    }
    return rc;
}

enum ordo_code ordo_feel_from_juel(struct ordo_arena *arena, const char *juel,
                                   const char **feel_out, struct ordo_err *err)
{
    struct juel p;
    const struct node *root = &no_node;
    enum ordo_code rc;

    if (strnlen(juel, JUEL_MAX_SOURCE + 1) > JUEL_MAX_SOURCE) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "JUEL: the expression is longer than %zu bytes", JUEL_MAX_SOURCE);
    }
    memset(&p, 0, sizeof(p));
    p.scratch = ordo_arena_new();
    p.src = juel;
    p.err = err;
    rc = scan_expression(&p);
    if (rc == ORDO_OK) {
        rc = check_lambda(&p);
    }
    if (rc == ORDO_OK && peek(&p) == TOK_END) {
        rc = fail(&p, "JUEL: the expression is empty");
    }
    if (rc == ORDO_OK) {
        rc = parse_expr(&p, &root);
    }
    if (rc == ORDO_OK && peek(&p) != TOK_END) {
        rc = fail_unexpected(&p, p.toks[0].start);
    }
    if (rc == ORDO_OK) {
        *feel_out = print(&p, arena, root);
    }
    ordo_arena_free(p.scratch);
    return rc;
}
