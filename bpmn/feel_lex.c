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
 * Names hold the characters DMN 1.3 allows (NameStartChar, NamePartChar),
 * decoded from UTF-8, not any byte above 0x7F: text pasted from a word
 * processor (status = “approved”, amount≥1000, a no-break space) would
 * otherwise read as one long name and quietly evaluate to null. Outside a
 * string literal, any other character is an error that names its code point
 * and, for the usual suspects, what to type instead.
 *
 * Columns count characters (Unicode code points), from 1, so they match what
 * an editor shows; an expression of several lines also names the line.
 * Messages quote at most QUOTE_MAX bytes of the source, cut between
 * characters, with ill-formed UTF-8 shown as U+FFFD: they end up in JSON.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "bpmn/feel_internal.h"

/* The part of an expression a message quotes; longer ones end in "...". */
#define QUOTE_MAX 60

/* Code point ranges, inclusive, in order. */
struct cp_range {
    uint32_t lo, hi;
};

/* DMN 1.3 NameStartChar, and '$', which names here have always accepted
 * ($var_1): process variables may be named so. */
static const struct cp_range name_start[] = {
    {'$', '$'},       {'?', '?'},         {'A', 'Z'},       {'_', '_'},       {'a', 'z'},
    {0xC0, 0xD6},     {0xD8, 0xF6},       {0xF8, 0x2FF},    {0x370, 0x37D},   {0x37F, 0x1FFF},
    {0x200C, 0x200D}, {0x2070, 0x218F},   {0x2C00, 0x2FEF}, {0x3001, 0xD7FF}, {0xF900, 0xFDCF},
    {0xFDF0, 0xFFFD}, {0x10000, 0xEFFFF},
};

/* What NamePartChar adds. */
static const struct cp_range name_part[] = {
    {'0', '9'},
    {0xB7, 0xB7},
    {0x300, 0x36F},
    {0x203F, 0x2040},
};

static bool in_ranges(uint32_t cp, const struct cp_range *r, size_t n)
{
    for (size_t i = 0; i < n && cp >= r[i].lo; i++) {
        if (cp <= r[i].hi) {
            return true;
        }
    }
    return false;
}

/* The code point at 's' ('len' > 0 bytes) with its length in '*n', or -1
 * (and the length of the ill-formed part) when it is not UTF-8. */
static long code_point(const char *s, size_t len, size_t *n)
{
    size_t skip;

    if (!ordo_utf8_sequence((const unsigned char *)s, len, &skip)) {
        *n = skip;
        return -1;
    }
    return (long)ordo_utf8_decode_n(s, len, n);
}

size_t ordo_feel_name_char(const char *s, size_t len, bool start)
{
    size_t n;
    long cp = code_point(s, len, &n);

    if (cp < 0) {
        return 0;
    }
    if (in_ranges((uint32_t)cp, name_start, sizeof(name_start) / sizeof(name_start[0])) ||
        (!start && in_ranges((uint32_t)cp, name_part, sizeof(name_part) / sizeof(name_part[0])))) {
        return n;
    }
    return 0;
}

struct stray {
    uint32_t lo, hi;
    const char *hint;
};

/* Characters that word processors and keyboards put where FEEL wants ASCII. */
static const struct stray strays[] = {
    {0xA0, 0xA0, "(a no-break space)"},
    {0xD7, 0xD7, "(use *)"},
    {0xF7, 0xF7, "(use /)"},
    {0x2000, 0x200B, "(a Unicode space)"},
    {0x2013, 0x2013, "(use -)"},
    {0x2018, 0x201F, "(use straight quotes \")"},
    {0x202F, 0x202F, "(a no-break space)"},
    {0x2212, 0x2212, "(use -)"},
    {0x2260, 0x2260, "(use !=)"},
    {0x2264, 0x2264, "(use <=)"},
    {0x2265, 0x2265, "(use >=)"},
    {0x3000, 0x3000, "(a Unicode space)"},
};

long ordo_feel_stray_char(const char *s, size_t len, const char **hint)
{
    size_t n;
    long cp = code_point(s, len, &n);

    *hint = "";
    for (size_t i = 0; cp >= 0 && i < sizeof(strays) / sizeof(strays[0]); i++) {
        if ((uint32_t)cp >= strays[i].lo && (uint32_t)cp <= strays[i].hi) {
            *hint = strays[i].hint;
        }
    }
    return cp;
}

/* Words that end an operand, so they cannot be variable names. FEEL's
 * "external" is missing on purpose: it only follows a function definition,
 * which this FEEL does not have, so it is an ordinary name here. */
static const char *const reserved[] = {
    "and",      "or", "then", "else", "return", "satisfies", "in",       "between",
    "instance", "of", "if",   "for",  "some",   "every",     "function",
};

bool ordo_feel_is_reserved(const char *s, size_t len)
{
    for (size_t k = 0; k < sizeof(reserved) / sizeof(reserved[0]); k++) {
        if (ordo_text_eq(s, len, reserved[k])) {
            return true;
        }
    }
    return false;
}

/* "FEEL: <what> at [line L, ]column C<hint> in "<source>"". */
static enum ordo_code report(struct ordo_err *err, const char *src, size_t len, size_t pos,
                             const char *what, const char *hint)
{
    char quote[QUOTE_MAX * 3 + 4]; /* each ill-formed byte may become three */
    size_t line;
    size_t col;

    ordo_utf8_position(src, pos < len ? pos : len, &line, &col);
    ordo_utf8_quote(quote, sizeof(quote), src, len, QUOTE_MAX);
    if (memchr(src, '\n', len)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "FEEL: %s at line %zu, column %zu%s%s in \"%s\"", what, line, col,
                            *hint ? " " : "", hint, quote);
    }
    return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "FEEL: %s at column %zu%s%s in \"%s\"", what,
                        col, *hint ? " " : "", hint, quote);
}

enum ordo_code ordo_feel_syntax_error(struct ordo_err *err, const char *src, size_t len, size_t pos,
                                      const char *fmt, ...)
{
    char what[160];
    va_list ap;

    va_start(ap, fmt);
    ordo_utf8_vformat(what, sizeof(what), fmt, ap); /* cut between characters if it must be */
    va_end(ap);
    return report(err, src, len, pos, what, "");
}

/* The character at 'pos' starts no token: name it, with a hint. */
static enum ordo_code stray_error(struct ordo_err *err, const char *src, size_t len, size_t pos)
{
    const char *hint;
    long cp = ordo_feel_stray_char(src + pos, len - pos, &hint);
    char what[64];

    if (cp < 0) {
        (void)snprintf(what, sizeof(what), "unexpected byte 0x%02X (not UTF-8)",
                       (unsigned char)src[pos]);
        return report(err, src, len, pos, what, "");
    }
    (void)snprintf(what, sizeof(what), "unexpected character U+%04lX", (unsigned long)cp);
    return report(err, src, len, pos, what, hint);
}

/* Skip spaces and comments from 'i'; SIZE_MAX for an unterminated comment. */
static size_t skip_blank(const char *src, size_t len, size_t i)
{
    while (i < len) {
        if (ordo_is_space((unsigned char)src[i])) {
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

/* 'digits' hex digits at 's' (bounded by 'end') as a number, or -1. */
static long read_hex(const char *s, const char *end, int digits)
{
    long v = 0;

    if (end - s < digits) {
        return -1;
    }
    for (int i = 0; i < digits; i++) {
        unsigned char c = (unsigned char)s[i];
        int d = ordo_is_digit(c)         ? c - '0'
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
    return cp < 0 ? 0 : ordo_utf8_encode((uint32_t)cp, out);
}

/* The string literal whose opening quote is at 'i'. Its end is found
 * first, so that it takes memory for its own bytes only: decoding never
 * makes text longer (\u00e9 is six bytes for two). */
static enum ordo_code lex_string(struct ordo_arena *arena, const char *src, size_t len, size_t *i,
                                 struct ordo_feel_tok *t, struct ordo_err *err)
{
    size_t start = *i;
    size_t close = start + 1;
    size_t j = start + 1;
    size_t n = 0;
    char *out;

    while (close < len && src[close] != '"') {
        close += src[close] == '\\' && close + 1 < len ? 2 : 1;
    }
    if (close >= len) {
        return ordo_feel_syntax_error(err, src, len, start, "unterminated string");
    }
    out = ordo_arena_alloc_raw(arena, close - start);
    while (j < close) {
        size_t used;
        size_t wrote;

        if (src[j] != '\\') {
            out[n++] = src[j++];
            continue;
        }
        wrote = decode_escape(src + j + 1, src + close, out + n, &used);
        if (!wrote) {
            return ordo_feel_syntax_error(err, src, len, j, "invalid escape sequence in string");
        }
        n += wrote;
        j += 1 + used;
    }
    out[n] = '\0';
    t->kind = ORDO_FT_STRING;
    t->text = out;
    t->len = n;
    *i = close + 1;
    return ORDO_OK;
}

static void lex_number(const char *src, size_t len, size_t *i, struct ordo_feel_tok *t)
{
    size_t j = *i;

    while (j < len && ordo_is_digit((unsigned char)src[j])) {
        j++;
    }
    if (j + 1 < len && src[j] == '.' && ordo_is_digit((unsigned char)src[j + 1])) {
        j++;
        while (j < len && ordo_is_digit((unsigned char)src[j])) {
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
    size_t n;

    t->kind = ORDO_FT_NAME;
    if (multi) {
        t->text = canonical;
        t->len = strlen(canonical);
        *i += multi;
        return;
    }
    while (j < len && (n = ordo_feel_name_char(src + j, len - j, j == *i)) > 0) {
        j += n;
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
    if (ordo_is_digit(c) ||
        (c == '.' && *i + 1 < len && ordo_is_digit((unsigned char)src[*i + 1]))) {
        lex_number(src, len, i, t);
    } else if (c == '"') {
        return lex_string(arena, src, len, i, t, err);
    } else if (c == '@' && *i + 1 < len && src[*i + 1] == '"') {
        (*i)++;
        rc = lex_string(arena, src, len, i, t, err);
        t->kind = ORDO_FT_TEMPORAL;
        return rc;
    } else if (ordo_feel_name_char(src + *i, len - *i, true)) {
        lex_name(src, len, i, t);
    } else if (!lex_punct(src, len, i, t)) {
        if ((c == '&' || c == '|') && *i + 1 < len && src[*i + 1] == (char)c) {
            return ordo_feel_syntax_error(err, src, len, *i, "unexpected \"%c%c\" (FEEL writes %s)",
                                          c, c, c == '&' ? "and" : "or");
        }
        if (c >= 0x80) {
            return stray_error(err, src, len, *i);
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
