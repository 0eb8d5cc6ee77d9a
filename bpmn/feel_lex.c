/*
 * bpmn/feel_lex.c - FEEL source text to tokens, and the compile-time error
 * message that names the column.
 *
 * Keywords are not special here: "and", "if", "instance" are names, and the
 * parser decides by context, as FEEL's grammar does. The one thing the lexer
 * decides is where a multi-word built-in name ("string length(") ends: FEEL
 * names may contain spaces, and telling "date and time(x)" from
 * "date and time(x)" written as a conjunction needs the list of functions;
 * the longest built-in name followed by "(" wins.
 *
 * Columns count characters (Unicode code points), from 1, so they match what
 * an editor shows; an expression of several lines also names the line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "bpmn/feel_internal.h"

/* The part of an expression a message quotes; longer ones end in "...". */
#define QUOTE_MAX 60

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool is_name_start(unsigned char c)
{
    /* Bytes of multi-byte UTF-8 sequences count as letters: FEEL names may
     * hold any letter, and a stray byte cannot form a valid expression. */
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c == '?' ||
           c >= 0x80;
}

static bool is_name_char(unsigned char c)
{
    return is_name_start(c) || is_digit(c);
}

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void position(const char *src, size_t len, size_t pos, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < pos && i < len; i++) {
        if (src[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)src[i] & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

enum ordo_code ordo_feel_syntax_error(struct ordo_err *err, const char *src, size_t len, size_t pos,
                                      const char *fmt, ...)
{
    char what[160];
    size_t line;
    size_t col;
    size_t shown = len;
    const char *more = "";
    va_list ap;

    va_start(ap, fmt);
    (void)vsnprintf(what, sizeof(what), fmt, ap); /* truncation is acceptable */
    va_end(ap);
    position(src, len, pos, &line, &col);
    if (shown > QUOTE_MAX) {
        shown = ordo_utf8_trim_partial(src, QUOTE_MAX);
        more = "...";
    }
    if (memchr(src, '\n', len)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "FEEL: %s at line %zu, column %zu in \"%.*s%s\"", what, line, col,
                            (int)shown, src, more);
    }
    return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "FEEL: %s at column %zu in \"%.*s%s\"", what,
                        col, (int)shown, src, more);
}

/* Skip spaces and comments from 'i'; SIZE_MAX for an unterminated comment. */
static size_t skip_blank(const char *src, size_t len, size_t i)
{
    while (i < len) {
        if (is_space((unsigned char)src[i])) {
            i++;
        } else if (src[i] == '/' && i + 1 < len && src[i + 1] == '/') {
            while (i < len && src[i] != '\n') {
                i++;
            }
        } else if (src[i] == '/' && i + 1 < len && src[i + 1] == '*') {
            const char *end = NULL;

            for (size_t j = i + 2; j + 1 < len && !end; j++) {
                end = src[j] == '*' && src[j + 1] == '/' ? src + j : NULL;
            }
            if (!end) {
                return SIZE_MAX;
            }
            i = (size_t)(end - src) + 2;
        } else {
            break;
        }
    }
    return i;
}

static size_t utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* 'digits' hex digits at 's' (bounded by 'end') as a number, or -1. */
static long read_hex(const char *s, const char *end, int digits)
{
    long v = 0;

    if (end - s < digits) {
        return -1;
    }
    for (int i = 0; i < digits; i++) {
        unsigned char c = (unsigned char)s[i];
        int d = is_digit(c)              ? c - '0'
                : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                         : -1;

        if (d < 0) {
            return -1;
        }
        v = v * 16 + d;
    }
    return v;
}

/* The code point of the escape \u or \U at 's' (just after the backslash and
 * the letter), advancing '*used'; -1 when malformed. A \u high surrogate
 * must be followed by a \u low surrogate. */
static long read_unicode_escape(const char *s, const char *end, char letter, size_t *used)
{
    long cp = read_hex(s, end, letter == 'U' ? 6 : 4);
    long lo;

    *used = letter == 'U' ? 6 : 4;
    if (cp < 0 || cp > 0x10FFFF || (cp >= 0xDC00 && cp <= 0xDFFF)) {
        return -1;
    }
    if (cp < 0xD800 || cp > 0xDBFF) {
        return cp;
    }
    if (letter != 'u' || end - s < 10 || s[4] != '\\' || s[5] != 'u') {
        return -1;
    }
    lo = read_hex(s + 6, end, 4);
    if (lo < 0xDC00 || lo > 0xDFFF) {
        return -1;
    }
    *used = 10;
    return 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
}

/* One escape at 's' (just after the backslash) into 'out'; its length there,
 * or 0 when malformed. */
static size_t decode_escape(const char *s, const char *end, char *out, size_t *used)
{
    static const char from[] = "\"'\\/bfnrt";
    static const char to[] = "\"'\\/\b\f\n\r\t";
    const char *hit;
    long cp;

    if (s >= end) {
        return 0;
    }
    hit = *s ? strchr(from, *s) : NULL;
    if (hit) {
        *used = 1;
        out[0] = to[hit - from];
        return 1;
    }
    if (*s != 'u' && *s != 'U') {
        return 0;
    }
    cp = read_unicode_escape(s + 1, end, *s, used);
    (*used)++;
    return cp < 0 ? 0 : utf8_encode((uint32_t)cp, out);
}

/* The string literal whose opening quote is at 'i'. */
static enum ordo_code lex_string(struct ordo_arena *arena, const char *src, size_t len, size_t *i,
                                 struct ordo_feel_tok *t, struct ordo_err *err)
{
    size_t start = *i;
    size_t j = start + 1;
    char *out = ordo_arena_alloc_raw(arena, len - start + 1);
    size_t n = 0;

    while (j < len && src[j] != '"') {
        size_t used;
        size_t wrote;

        if (src[j] != '\\') {
            out[n++] = src[j++];
            continue;
        }
        wrote = decode_escape(src + j + 1, src + len, out + n, &used);
        if (!wrote) {
            return ordo_feel_syntax_error(err, src, len, j, "invalid escape sequence in string");
        }
        n += wrote;
        j += 1 + used;
    }
    if (j >= len) {
        return ordo_feel_syntax_error(err, src, len, start, "unterminated string");
    }
    out[n] = '\0';
    t->kind = ORDO_FT_STRING;
    t->text = out;
    t->len = n;
    *i = j + 1;
    return ORDO_OK;
}

static void lex_number(const char *src, size_t len, size_t *i, struct ordo_feel_tok *t)
{
    size_t j = *i;

    while (j < len && is_digit((unsigned char)src[j])) {
        j++;
    }
    if (j + 1 < len && src[j] == '.' && is_digit((unsigned char)src[j + 1])) {
        j++;
        while (j < len && is_digit((unsigned char)src[j])) {
            j++;
        }
    }
    t->kind = ORDO_FT_NUMBER;
    t->text = src + *i;
    t->len = j - *i;
    *i = j;
}

static void lex_name(const char *src, size_t len, size_t *i, struct ordo_feel_tok *t)
{
    const char *canonical;
    size_t multi = ordo_feel_builtin_prefix(src + *i, len - *i, &canonical);
    size_t j = *i;

    t->kind = ORDO_FT_NAME;
    if (multi) {
        t->text = canonical;
        t->len = strlen(canonical);
        *i += multi;
        return;
    }
    while (j < len && is_name_char((unsigned char)src[j])) {
        j++;
    }
    t->text = src + *i;
    t->len = j - *i;
    *i = j;
}

struct punct {
    const char *text;
    enum ordo_feel_tok_kind kind;
};

/* Longest first, so "**" is found before "*". */
static const struct punct puncts[] = {
    {"**", ORDO_FT_POW},     {"..", ORDO_FT_DOTDOT}, {"!=", ORDO_FT_NE},    {"<=", ORDO_FT_LE},
    {">=", ORDO_FT_GE},      {"(", ORDO_FT_LPAREN},  {")", ORDO_FT_RPAREN}, {"[", ORDO_FT_LBRACKET},
    {"]", ORDO_FT_RBRACKET}, {"{", ORDO_FT_LBRACE},  {"}", ORDO_FT_RBRACE}, {",", ORDO_FT_COMMA},
    {".", ORDO_FT_DOT},      {":", ORDO_FT_COLON},   {"+", ORDO_FT_PLUS},   {"-", ORDO_FT_MINUS},
    {"*", ORDO_FT_STAR},     {"/", ORDO_FT_SLASH},   {"=", ORDO_FT_EQ},     {"<", ORDO_FT_LT},
    {">", ORDO_FT_GT},
};

static bool lex_punct(const char *src, size_t len, size_t *i, struct ordo_feel_tok *t)
{
    for (size_t k = 0; k < sizeof(puncts) / sizeof(puncts[0]); k++) {
        size_t n = strlen(puncts[k].text);

        if (len - *i >= n && memcmp(src + *i, puncts[k].text, n) == 0) {
            t->kind = puncts[k].kind;
            t->text = src + *i;
            t->len = n;
            *i += n;
            return true;
        }
    }
    return false;
}

static enum ordo_code lex_one(struct ordo_arena *arena, const char *src, size_t len, size_t *i,
                              struct ordo_feel_tok *t, struct ordo_err *err)
{
    unsigned char c = (unsigned char)src[*i];
    enum ordo_code rc;

    t->pos = *i;
    if (is_digit(c) || (c == '.' && *i + 1 < len && is_digit((unsigned char)src[*i + 1]))) {
        lex_number(src, len, i, t);
    } else if (c == '"') {
        return lex_string(arena, src, len, i, t, err);
    } else if (c == '@' && *i + 1 < len && src[*i + 1] == '"') {
        (*i)++;
        rc = lex_string(arena, src, len, i, t, err);
        t->kind = ORDO_FT_TEMPORAL;
        return rc;
    } else if (is_name_start(c)) {
        lex_name(src, len, i, t);
    } else if (!lex_punct(src, len, i, t)) {
        if ((c == '&' || c == '|') && *i + 1 < len && src[*i + 1] == (char)c) {
            return ordo_feel_syntax_error(err, src, len, *i, "unexpected \"%c%c\" (FEEL writes %s)",
                                          c, c, c == '&' ? "and" : "or");
        }
        if (c < 0x20 || c == 0x7F) {
            return ordo_feel_syntax_error(err, src, len, *i, "unexpected control character");
        }
        return ordo_feel_syntax_error(err, src, len, *i, "unexpected character \"%c\"", c);
    }
    return ORDO_OK;
}

enum ordo_code ordo_feel_lex(struct ordo_arena *arena, const char *src, size_t len,
                             struct ordo_feel_tok **toks_out, size_t *count_out,
                             struct ordo_err *err)
{
    struct ordo_feel_tok *toks = NULL;
    size_t n = 0;
    size_t cap = 0;
    size_t i = 0;

    for (;;) {
        size_t next = skip_blank(src, len, i);
        enum ordo_code rc;

        if (next == SIZE_MAX) {
            return ordo_feel_syntax_error(err, src, len, i, "unterminated comment");
        }
        i = next;
        toks = ordo_arena_grow(arena, toks, n, &cap, sizeof(*toks));
        if (i >= len) {
            toks[n++] = (struct ordo_feel_tok){ORDO_FT_EOF, len, src + len, 0};
            break;
        }
        rc = lex_one(arena, src, len, &i, &toks[n], err);
        if (rc != ORDO_OK) {
            return rc;
        }
        n++;
    }
    *toks_out = toks;
    *count_out = n;
    return ORDO_OK;
}
