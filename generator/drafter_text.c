/*
 * generator/drafter_text.c - the requirement text as sentences and clauses
 * of words, and the word lists the drafter reads them with.
 *
 * The text is first normalised (well-formed UTF-8, typographic quotes and
 * dashes as ASCII, tabs and other control characters as spaces), then cut
 * into units: a list item (numbered, lettered or bulleted line, with its
 * continuation lines) or a paragraph. A unit whose last sentence ends with
 * ':' is a header; the list items that follow it, indented deeper or
 * bulleted under a numbered or plain line, are its sub-items. Units are cut
 * into sentences at '.', '!' or '?' before white space (not after a known
 * abbreviation), and sentences into clauses at ';', ',' (not inside a
 * number), and before "then", "otherwise", "else", "if", "unless",
 * "while", and "and" when a verb follows it. A clause without a verb
 * ("Slack and Jira") joins the clause before it. Words are lower-cased
 * ASCII (other bytes kept); each knows its place in its clause, so that
 * names and unplaced text are quoted as written.
 */
#include <stdarg.h>
#include <string.h>

#include "base/text.h"
#include "generator/drafter_internal.h"

/* ---- word lists --------------------------------------------------------------- */

struct verb {
    const char *word;
    const char *canon;
};

/* Verbs the drafter knows, with the class that matches catalogue actions
 * (drafter_match.c): create, post, invite, add, get, find, check, update,
 * move, comment, call, remove; approve, wait, end, loop, ask; "human" for
 * work a person does. Sorted by word for bsearch(). */
static const struct verb verbs[] = {
    {"abort", "end"},        {"accept", "approve"},    {"acknowledge", "human"},
    {"add", "add"},          {"alert", "post"},        {"allocate", "human"},
    {"annotate", "comment"}, {"announce", "post"},     {"apporve", "approve"},
    {"approove", "approve"}, {"approve", "approve"},   {"aproove", "approve"},
    {"aprove", "approve"},   {"archive", "remove"},    {"arrange", "human"},
    {"ask", "ask"},          {"assess", "human"},      {"assign", "human"},
    {"attach", "human"},     {"authorise", "approve"}, {"authorize", "approve"},
    {"book", "human"},       {"broadcast", "post"},    {"buy", "human"},
    {"call", "call"},        {"cancel", "end"},        {"cc", "post"},
    {"change", "update"},    {"check", "check"},       {"choose", "human"},
    {"close", "move"},       {"collect", "human"},     {"comment", "comment"},
    {"complain", "human"},   {"complete", "human"},    {"configure", "human"},
    {"confirm", "human"},    {"congratulate", "post"}, {"contact", "human"},
    {"creat", "create"},     {"create", "create"},     {"deactivate", "remove"},
    {"decide", "human"},     {"decline", "approve"},   {"delete", "remove"},
    {"deliver", "human"},    {"deny", "approve"},      {"deploy", "human"},
    {"describe", "human"},   {"disable", "remove"},    {"dm", "post"},
    {"draft", "human"},      {"edit", "update"},       {"email", "post"},
    {"enable", "human"},     {"end", "end"},           {"enroll", "human"},
    {"enter", "human"},      {"escalate", "escalate"}, {"evaluate", "human"},
    {"fetch", "get"},        {"file", "create"},       {"fill", "human"},
    {"find", "find"},        {"finish", "end"},        {"fire", "call"},
    {"fix", "human"},        {"generate", "create"},   {"get", "get"},
    {"give", "human"},       {"go", "loop"},           {"grant", "human"},
    {"greet", "post"},       {"hand", "human"},        {"handle", "human"},
    {"hit", "call"},         {"inform", "post"},       {"install", "human"},
    {"interview", "human"},  {"investigate", "human"}, {"invite", "invite"},
    {"invoke", "call"},      {"invte", "invite"},      {"list", "find"},
    {"load", "get"},         {"log", "create"},        {"look", "find"},
    {"lookup", "find"},      {"loop", "loop"},         {"make", "create"},
    {"mark", "update"},      {"meet", "human"},        {"merge", "human"},
    {"message", "post"},     {"move", "move"},         {"note", "comment"},
    {"notfy", "post"},       {"notify", "post"},       {"offboard", "remove"},
    {"open", "create"},      {"order", "human"},       {"pause", "wait"},
    {"pay", "human"},        {"pick", "human"},        {"ping", "post"},
    {"plan", "human"},       {"poll", "find"},         {"post", "post"},
    {"prepare", "human"},    {"print", "human"},       {"process", "human"},
    {"provide", "human"},    {"provision", "human"},   {"publish", "post"},
    {"pull", "get"},         {"purchase", "human"},    {"query", "find"},
    {"raise", "create"},     {"read", "get"},          {"reassign", "escalate"},
    {"receive", "human"},    {"record", "update"},     {"register", "human"},
    {"reject", "approve"},   {"release", "human"},     {"remind", "post"},
    {"remove", "remove"},    {"reopen", "move"},       {"repeat", "loop"},
    {"reply", "comment"},    {"request", "call"},      {"resolve", "move"},
    {"retrieve", "get"},     {"retry", "loop"},        {"return", "loop"},
    {"review", "human"},     {"revoke", "remove"},     {"save", "update"},
    {"scan", "human"},       {"schedule", "human"},    {"search", "find"},
    {"select", "human"},     {"send", "post"},         {"set", "update"},
    {"share", "post"},       {"ship", "human"},        {"sign", "approve"},
    {"specify", "human"},    {"start", "start"},       {"stop", "end"},
    {"store", "update"},     {"submit", "human"},      {"sync", "update"},
    {"take", "human"},       {"tell", "post"},         {"terminate", "end"},
    {"test", "human"},       {"thank", "post"},        {"train", "human"},
    {"transition", "move"},  {"triage", "human"},      {"type", "human"},
    {"update", "update"},    {"upload", "human"},      {"verify", "human"},
    {"wait", "wait"},        {"warn", "post"},         {"welcome", "post"},
    {"write", "human"},
};

static int verb_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const struct verb *)elem)->word);
}

static const struct verb *verb_entry(const char *w)
{
    return bsearch(w, verbs, sizeof verbs / sizeof verbs[0], sizeof verbs[0], verb_cmp);
}

static const char *verb_exact(const char *w)
{
    const struct verb *v = verb_entry(w);

    return v ? v->canon : NULL;
}

/* Try 'w' minus 'cut' bytes plus 'add' as a base form. */
static const struct verb *verb_try(const char *w, size_t len, size_t cut, const char *add)
{
    char buf[40];
    size_t keep;

    if (len <= cut || len - cut + strlen(add) >= sizeof buf) {
        return NULL;
    }
    keep = len - cut;
    memcpy(buf, w, keep);
    memcpy(buf + keep, add, strlen(add) + 1);
    return verb_entry(buf);
}

static const struct verb *verb_any(const char *low)
{
    static const struct {
        const char *suffix;
        const char *add;
    } forms[] = {{"ies", "y"}, {"ied", "y"}, {"es", ""},   {"s", ""},    {"ed", ""},
                 {"ed", "e"},  {"d", ""},    {"ing", ""},  {"ing", "e"}, {"ped", ""},
                 {"ted", ""},  {"ged", ""},  {"ting", ""}, {"ping", ""}};
    size_t len = strlen(low);
    const struct verb *v = verb_entry(low);

    for (size_t i = 0; !v && i < sizeof forms / sizeof forms[0]; i++) {
        size_t sl = strlen(forms[i].suffix);

        if (len > sl + 1 && strcmp(low + len - sl, forms[i].suffix) == 0) {
            v = verb_try(low, len, sl, forms[i].add);
        }
    }
    return v;
}

/* The class of verb 'low' in any form (approves, approved, approving), or
 * NULL when it is not a known verb. */
const char *ordo_drafter_verb(const char *low)
{
    const struct verb *v = verb_any(low);

    return v ? v->canon : NULL;
}

/* The base form of verb 'low' ("checks": "check"), or NULL. */
const char *ordo_drafter_verb_base(const char *low)
{
    const struct verb *v = verb_any(low);

    return v ? v->word : NULL;
}

static bool in_list(const char *w, const char *const *list)
{
    for (size_t i = 0; list[i]; i++) {
        if (strcmp(w, list[i]) == 0) {
            return true;
        }
    }
    return false;
}

bool ordo_drafter_is_stopword(const char *low)
{
    static const char *const stop[] = {
        "a",     "an",      "the",   "to",      "in",     "on",    "of",     "for",  "and",
        "or",    "with",    "by",    "at",      "from",   "into",  "onto",   "as",   "is",
        "are",   "be",      "been",  "was",     "were",   "it",    "its",    "this", "that",
        "these", "those",   "them",  "they",    "their",  "his",   "her",    "he",   "she",
        "we",    "our",     "us",    "you",     "your",   "i",     "me",     "my",   "all",
        "any",   "some",    "then",  "so",      "please", "also",  "just",   "via",  "about",
        "up",    "out",     "there", "here",    "will",   "would", "should", "must", "can",
        "could", "may",     "might", "has",     "have",   "had",   "do",     "does", "did",
        "him",   "who",     "which", "what",    "when",   "if",    "new",    "each", "every",
        "one",   "someone", "it's",  "they're", NULL};

    return in_list(low, stop);
}

/* Words that only join clauses ("then", "and then", "next"). */
bool ordo_drafter_is_filler(const char *low)
{
    static const char *const filler[] = {
        "then",   "and",      "also",  "please", "next",       "finally",   "first", "firstly",
        "second", "secondly", "third", "lastly", "afterwards", "afterward", "so",    "now",
        "just",   "kindly",   "step",  "&",      "plus",       "-",         NULL};

    return in_list(low, filler);
}

/* Chatter: words that carry nothing ("um", "basically", "lol", "thx"). */
bool ordo_drafter_is_chatter(const char *low)
{
    static const char *const chatter[] = {
        "basically", "um",   "uh",   "erm",    "kinda",       "pls",      "plz",    "lol",
        "ok",        "okay", "well", "hey",    "hi",          "hello",    "thanks", "thx",
        "cheers",    "fyi",  "btw",  "ah",     "oh",          "actually", "really", "guys",
        "folks",     "ty",   "yeah", "anyway", "essentially", NULL};

    return in_list(low, chatter);
}

/* ---- small text helpers -------------------------------------------------------- */

static bool is_alnum(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || ordo_is_digit(c);
}

/* ASCII lower case; other bytes unchanged (no locale). */
char ordo_drafter_lower(char c)
{
    if (c >= 'A' && c <= 'Z') {
        return (char)(c + ('a' - 'A'));
    }
    return c;
}

/* 'text' as plain text for a name: control characters dropped, white space
 * collapsed, trimmed, cut to 'max' bytes between characters and words. */
const char *ordo_drafter_plain(struct ordo_arena *arena, const char *text, size_t max)
{
    size_t n = strlen(text), o = 0;
    char *out = ordo_arena_alloc(arena, n + 1);

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];

        if (c < 0x20 || c == 0x7f || ordo_is_space(c)) {
            if (o > 0 && out[o - 1] != ' ') {
                out[o++] = ' ';
            }
            continue;
        }
        out[o++] = (char)c;
    }
    while (o > 0 && out[o - 1] == ' ') {
        o--;
    }
    if (o > max) {
        size_t cut = ordo_utf8_trim_partial(out, max);
        size_t sp = cut;

        while (sp > max / 2 && out[sp] != ' ') {
            sp--;
        }
        o = out[sp] == ' ' ? sp : cut;
    }
    out[o] = '\0';
    return out;
}

/* Lower-case ASCII letters and digits of 'text' joined by 'sep' at every
 * other run of characters, at most 'max' bytes, never ending in 'sep'.
 * "" when nothing is left. */
const char *ordo_drafter_slug(struct ordo_arena *arena, const char *text, char sep, size_t max)
{
    size_t n = strlen(text), o = 0;
    char *out = ordo_arena_alloc(arena, (n < max ? n : max) + 2);

    for (size_t i = 0; i < n && o < max; i++) {
        if (is_alnum((unsigned char)text[i])) {
            out[o++] = ordo_drafter_lower(text[i]);
        } else if (o > 0 && out[o - 1] != sep) {
            out[o++] = sep;
        }
    }
    while (o > 0 && out[o - 1] == sep) {
        o--;
    }
    out[o] = '\0';
    return out;
}

/* A FEEL name Ordo may write: [a-z_][a-z0-9_]*, at most 40 bytes, no
 * keyword. */
bool ordo_drafter_feel_name_ok(const char *name)
{
    static const char *const keywords[] = {"true",    "false",    "null", "and",      "or",
                                           "not",     "if",       "then", "else",     "for",
                                           "in",      "return",   "some", "every",    "satisfies",
                                           "between", "instance", "of",   "function", NULL};
    size_t n = strlen(name);

    if (n == 0 || n > 40 || ordo_is_digit((unsigned char)name[0])) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = name[i];

        if (!((c >= 'a' && c <= 'z') || ordo_is_digit((unsigned char)c) || c == '_')) {
            return false;
        }
    }
    return !in_list(name, keywords);
}

void ordo_drafter_unplace(struct dr_clause *c, const char *reason)
{
    if (c && !c->reason) {
        c->reason = reason;
    }
}

__attribute__((format(printf, 2, 0))) static void add_note(json_t *list, const char *fmt,
                                                           va_list ap)
{
    char buf[512];
    size_t n = json_array_size(list);

    ordo_utf8_vformat(buf, sizeof buf, fmt, ap);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(json_string_value(json_array_get(list, i)), buf) == 0) {
            return;
        }
    }
    if (n < 64) {
        json_array_append_new(list, json_string(buf));
    }
}

void ordo_drafter_assume(struct dr_ctx *ctx, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    add_note(ctx->assumptions, fmt, ap);
    va_end(ap);
}

void ordo_drafter_ask(struct dr_ctx *ctx, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    add_note(ctx->questions, fmt, ap);
    va_end(ap);
}

/* ---- word access ---------------------------------------------------------------- */

bool ordo_drafter_word_is(const struct dr_span *s, size_t i, const char *word)
{
    return i >= s->from && i < s->to && strcmp(s->c->w[i].low, word) == 0;
}

/* The number of words of 'phrase' (words separated by one space; a word
 * ending in '*' matches any word it starts) found at word 'i', or 0. */
size_t ordo_drafter_phrase_at(const struct dr_span *s, size_t i, const char *phrase)
{
    size_t k = 0;
    const char *p = phrase;

    while (*p) {
        const char *e = strchr(p, ' ');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        const char *w;

        if (i + k >= s->to || i + k < s->from) {
            return 0;
        }
        w = s->c->w[i + k].low;
        if (len > 0 && p[len - 1] == '*') {
            if (strncmp(w, p, len - 1) != 0) {
                return 0;
            }
        } else if (strlen(w) != len || strncmp(w, p, len) != 0) {
            return 0;
        }
        k++;
        p += len;
        while (*p == ' ') {
            p++;
        }
    }
    return k;
}

/* The first word index >= 'from' where 'phrase' starts, or SIZE_MAX. */
size_t ordo_drafter_find(const struct dr_span *s, size_t from, const char *phrase)
{
    for (size_t i = from < s->from ? s->from : from; i < s->to; i++) {
        if (ordo_drafter_phrase_at(s, i, phrase)) {
            return i;
        }
    }
    return SIZE_MAX;
}

/* The first place >= 'from' where any of 'phrases' (NULL-terminated)
 * starts; '*matched' its length in words. SIZE_MAX when none does. */
size_t ordo_drafter_find_any(const struct dr_span *s, size_t from, const char *const *phrases,
                             size_t *matched)
{
    for (size_t i = from < s->from ? s->from : from; i < s->to; i++) {
        for (size_t k = 0; phrases[k]; k++) {
            size_t m = ordo_drafter_phrase_at(s, i, phrases[k]);

            if (m) {
                *matched = m;
                return i;
            }
        }
    }
    *matched = 0;
    return SIZE_MAX;
}

/* The words of the span as written (original case and punctuation). */
const char *ordo_drafter_span_text(struct ordo_arena *arena, const struct dr_span *s)
{
    const struct dr_word *a, *b;

    if (s->from >= s->to) {
        return "";
    }
    a = &s->c->w[s->from];
    b = &s->c->w[s->to - 1];
    return ordo_arena_strndup(arena, s->c->text + a->off, b->off + b->len - a->off);
}

/* A node name from the span: plain text, first letter upper case, at most
 * DR_NAME_MAX bytes. */
const char *ordo_drafter_label(struct ordo_arena *arena, const struct dr_span *s)
{
    char *t = (char *)ordo_drafter_plain(arena, ordo_drafter_span_text(arena, s), DR_NAME_MAX);
    size_t n = strlen(t);

    while (n > 0 && strchr(".,;:!?", t[n - 1])) {
        t[--n] = '\0';
    }
    while (*t == '=' || *t == ' ') {
        t++; /* a name never reads as an expression */
    }

    if (t[0] >= 'a' && t[0] <= 'z') {
        t[0] = (char)(t[0] - 'a' + 'A');
    }
    return t;
}

/* ---- normalising ------------------------------------------------------------------ */

/* The ASCII stand-in for a typographic character, or NULL to keep it. */
static const char *ascii_for(uint32_t cp)
{
    switch (cp) {
    case 0x2018:
    case 0x2019:
    case 0x201B:
        return "'";
    case 0x201C:
    case 0x201D:
        return "\"";
    case 0x2013:
    case 0x2212:
        return "-";
    case 0x2014:
        return ", ";
    case 0x2022:
    case 0x25CF:
    case 0x25E6:
    case 0x00B7:
        return "-";
    case 0x2192:
    case 0x21D2:
        return "->";
    case 0x2026:

        return "...";
    case 0x00A0:
    case 0x2009:
    case 0x202F:
    case 0x3000:
        return " ";
    default:
        return NULL;
    }
}

static char *normalise(struct ordo_arena *arena, const char *text)
{
    const char *s = ordo_utf8_repair(arena, text);
    size_t n = strlen(s), o = 0;
    char *out = ordo_arena_alloc(arena, n * 3 + 1);

    for (size_t i = 0; i < n;) {
        size_t len;
        uint32_t cp = ordo_utf8_decode(s + i, &len);
        const char *rep = ascii_for(cp);

        if (rep) {
            memcpy(out + o, rep, strlen(rep));
            o += strlen(rep);
        } else if (cp == '\r') {
            if (i + 1 >= n || s[i + 1] != '\n') {
                out[o++] = '\n';
            }
        } else if (cp < 0x20 && cp != '\n') {
            out[o++] = ' ';
        } else {
            memcpy(out + o, s + i, len);
            o += len;
        }
        i += len;
    }
    out[o] = '\0';
    return out;
}

/* ---- units: list items and paragraphs -------------------------------------------- */

struct unit {
    char *text;
    int indent;
    enum dr_marker marker;
    int step_no;
    bool heading; /* a markdown heading line */
    int lines;    /* lines of text it spans */
};

struct units {
    struct unit *v;
    size_t n, cap;
};

/* The list marker at 'p' (after the indentation): its kind, the number of
 * a numbered item, and the length to skip. */
static size_t marker_at(const char *p, enum dr_marker *kind, int *num)
{
    size_t i = 0;

    *kind = DR_MARK_NONE;
    *num = 0;
    if ((p[0] == '-' || p[0] == '*' || p[0] == '+') && p[1] == ' ') {
        *kind = DR_MARK_BULLET;
        return 2;
    }
    if (strncmp(p, "Step ", 5) == 0 || strncmp(p, "step ", 5) == 0) {
        i = 5;
    }
    if (ordo_is_digit((unsigned char)p[i])) {
        size_t d = i;

        while (ordo_is_digit((unsigned char)p[d]) && d - i < 3) {
            *num = *num * 10 + (p[d] - '0');
            d++;
        }
        if ((p[d] == '.' || p[d] == ')' || p[d] == ':') && (p[d + 1] == ' ' || !p[d + 1])) {
            *kind = DR_MARK_NUMBER;
            return d + 1;
        }
        *num = 0;
        return 0;
    }
    if (((p[0] >= 'a' && p[0] <= 'h') || (p[0] >= 'A' && p[0] <= 'H')) && p[1] == ')' &&
        p[2] == ' ') {
        *kind = DR_MARK_BULLET;
        return 3;
    }
    return 0;
}

static void unit_append(struct ordo_arena *arena, struct unit *u, const char *line, size_t len)
{
    size_t old = u->text ? strlen(u->text) : 0;
    char *t = ordo_arena_alloc(arena, old + len + 2);

    if (old) {
        memcpy(t, u->text, old);
        t[old++] = ' ';
    }
    memcpy(t + old, line, len);
    t[old + len] = '\0';
    u->text = t;
}

/* Does 'line' go on the unit before it (a wrapped line) rather than start
 * a new one? Yes after a line that ends with ',', ';', '-' or a word that
 * cannot end a sentence, for an indented continuation of a list item, and
 * for a line starting in lower case after a long line (wrapped prose). Short
 * lines are steps of their own ("new hire in bamboohr -> look up ..."). */
static bool wrapped(const struct unit *u, const char *line, int indent)
{
    static const char *const open_words[] = {
        "the", "a",    "an",    "to",  "of",  "in",   "and",  "or", "with", "for", "on", "at",
        "by",  "from", "their", "his", "her", "that", "then", "if", "is",   "are", "be", NULL};
    const char *t = u->text;
    size_t n = strlen(t), b = n;
    char last[16];
    size_t k = 0;

    if (n == 0 || strchr(".!?:", t[n - 1])) {
        return false;
    }
    if (strchr(",;-", t[n - 1]) || (u->marker != DR_MARK_NONE && indent > u->indent)) {
        return true;
    }
    while (b > 0 && t[b - 1] != ' ') {
        b--;
    }
    while (b + k < n && k + 1 < sizeof last) {
        last[k] = ordo_drafter_lower(t[b + k]);
        k++;
    }
    last[k] = '\0';
    if (in_list(last, open_words)) {
        return true;
    }
    return n / (size_t)u->lines >= 60 && line[0] >= 'a' && line[0] <= 'z';
}

/* One line of the text: starts a unit (list item, heading), continues the
 * current one, or ends it (blank line). 'open' says whether a unit is
 * still open. */
static void read_line(struct ordo_arena *arena, struct units *us, const char *line, size_t len,
                      bool *open)
{
    int indent = 0;
    enum dr_marker kind;
    int num;
    size_t skip;

    while (len > 0 && (*line == ' ')) {
        line++;
        len--;
        indent++;
    }
    while (len > 0 && line[len - 1] == ' ') {
        len--;
    }
    if (len == 0) {
        *open = false;
        return;
    }
    line = ordo_arena_strndup(arena, line, len); /* marker_at reads up to a NUL */
    skip = marker_at(line, &kind, &num);

    if (kind == DR_MARK_NONE && *open && us->n > 0 && wrapped(&us->v[us->n - 1], line, indent)) {
        unit_append(arena, &us->v[us->n - 1], line, len);
        us->v[us->n - 1].lines++;
        return;
    }
    us->v = ordo_arena_grow(arena, us->v, us->n, &us->cap, sizeof *us->v);
    us->v[us->n] = (struct unit){.indent = indent, .marker = kind, .step_no = num, .lines = 1};
    if (kind == DR_MARK_NONE && line[0] == '#' && (len > 1 && (line[1] == '#' || line[1] == ' '))) {
        while (skip < len && (line[skip] == '#' || line[skip] == ' ')) {
            skip++;
        }
        us->v[us->n].heading = true;
    }
    while (skip < len && line[skip] == ' ') {
        skip++;
    }
    unit_append(arena, &us->v[us->n], line + skip, len - skip);
    us->n++;
    /* A heading is one line; list items and paragraphs take continuations. */
    *open = !us->v[us->n - 1].heading;
}

static void read_units(struct ordo_arena *arena, const char *text, struct units *us)
{
    bool open = false;

    while (*text) {
        const char *e = strchr(text, '\n');
        size_t len = e ? (size_t)(e - text) : strlen(text);

        read_line(arena, us, text, len, &open);
        text += len + (e ? 1 : 0);
    }
}

/* ---- sentences ------------------------------------------------------------------------ */

static bool abbreviation_before(const char *t, size_t dot)
{
    static const char *const abbrev[] = {"e.g", "i.e", "etc", "vs",   "approx", "mr", "mrs", "ms",
                                         "dr",  "no",  "st",  "incl", "eg",     "ie", NULL};
    size_t b = dot;
    char w[8];
    size_t n;

    while (b > 0 && (is_alnum((unsigned char)t[b - 1]) || t[b - 1] == '.')) {
        b--;
    }
    n = dot - b;
    if (n == 1) {
        return true; /* an initial: "J. Smith" */
    }
    if (n == 0 || n >= sizeof w) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        w[i] = ordo_drafter_lower(t[b + i]);
    }
    w[n] = '\0';
    return in_list(w, abbrev);
}

/* Quotes keep text together only when they pair up: an odd '"' (as in
 * 'labelled x"); DROP TABLE ...') must not swallow the rest. */
static bool quotes_balanced(const char *t)
{
    size_t n = 0;

    for (; *t; t++) {
        n += *t == '"';
    }
    return n % 2 == 0;
}

/* Where the sentence starting at 't' ends (the index after its last
 * character): at '.', '!' or '?' before white space or the end. */
static size_t sentence_end(const char *t)
{
    bool quote = false, honour = quotes_balanced(t);

    for (size_t i = 0; t[i]; i++) {
        char c = t[i];

        if (c == '"' && honour) {
            quote = !quote;
        }
        if (quote || (c != '.' && c != '!' && c != '?')) {
            continue;
        }
        if (t[i + 1] != ' ' && t[i + 1] != '\0') {
            continue;
        }
        if (c == '.' && abbreviation_before(t, i)) {
            continue;
        }
        return i + 1;
    }
    return strlen(t);
}

/* ---- clauses ---------------------------------------------------------------------------- */

static void tokenize(struct ordo_arena *arena, struct dr_clause *c)
{
    const char *t = c->text;
    size_t n = strlen(t), cap = 0;

    c->w = NULL;
    c->nw = 0;
    for (size_t i = 0; i < n;) {
        size_t b, e;
        char *low;

        while (i < n && (t[i] == ' ' || strchr(",;()\"[]", t[i]))) {
            i++;
        }
        b = i;
        while (i < n && t[i] != ' ' && !strchr(",;()\"[]", t[i])) {
            i++;
        }
        e = i;
        while (e > b && strchr(".:!?'", t[e - 1])) {
            e--;
        }
        while (b < e && t[b] == '\'') {
            b++;
        }
        if (b == e) {
            continue;
        }
        low = ordo_arena_strndup(arena, t + b, e - b);
        for (char *p = low; *p; p++) {
            *p = ordo_drafter_lower(*p);
        }
        c->w = ordo_arena_grow(arena, c->w, c->nw, &cap, sizeof *c->w);
        c->w[c->nw++] = (struct dr_word){.low = low, .off = b, .len = e - b};
    }
}

/* The lower-case word starting at 't' (letters and apostrophes) into 'w'. */
static void word_at(const char *t, char *w, size_t size)
{
    size_t k = 0;

    while (k + 1 < size && (is_alnum((unsigned char)t[k]) || t[k] == '\'' || t[k] == '-')) {
        w[k] = ordo_drafter_lower(t[k]);
        k++;
    }
    w[k] = '\0';
}

static bool is_split_verb(const char *w)
{
    size_t n = strlen(w);

    /* Base forms and -s forms only: "and welcome", "and notifies"; not
     * "approved and signed". */
    if (!ordo_drafter_verb(w)) {
        return false;
    }
    return !(n > 2 && strcmp(w + n - 2, "ed") == 0) && !(n > 3 && strcmp(w + n - 3, "ing") == 0);
}

/* Does a new clause start at 't' (just after a space)? */
static bool clause_starts(const char *st, size_t at)
{
    static const char *const always[] = {"then",  "otherwise", "else",      "if", "unless",
                                         "while", "until",     "meanwhile", NULL};
    static const char *const modal[] = {"need",  "needs", "should", "must", "want",  "have",
                                        "kinda", "will",  "also",   "can",  "would", NULL};
    const char *t = st + at;
    char w[24], next[24], prev[24] = "";
    const char *sp;
    size_t b = at > 0 ? at - 1 : 0;

    while (b > 0 && st[b - 1] != ' ') {
        b--;
    }
    word_at(st + b, prev, sizeof prev);
    word_at(t, w, sizeof w);
    if (strcmp(w, "until") == 0 && (strcmp(prev, "wait") == 0 || strcmp(prev, "waits") == 0)) {
        return false; /* "wait until ..." is one step */
    }
    if (in_list(w, always)) {
        return !(strcmp(w, "then") == 0 && strncmp(t, "then ", 5) != 0);
    }
    sp = strchr(t, ' ');
    if (strcmp(w, "we") == 0 && sp) {
        word_at(sp + 1, next, sizeof next);
        return in_list(next, modal); /* "when X we need to Y" */
    }
    if (strcmp(w, "and") != 0 && strcmp(w, "&") != 0) {
        return false;
    }
    if (!sp) {
        return false;
    }
    word_at(sp + 1, next, sizeof next);
    if (strcmp(next, "then") == 0 || strcmp(next, "if") == 0 || strcmp(next, "ask") == 0) {
        return true;
    }
    return is_split_verb(next);
}

/* Has the clause a verb (or a marker word that makes it a clause alone)? */
static bool has_verb(const struct dr_clause *c)
{
    static const char *const markers[] = {
        "if",       "when",           "whenever", "otherwise", "else",      "unless",
        "every",    "each",           "while",    "until",     "meanwhile", "once",
        "after",    "wait",           "daily",    "weekly",    "monthly",   "hourly",
        "parallel", "simultaneously", "nobody",   "no",        "approval",  NULL};

    for (size_t i = 0; i < c->nw; i++) {
        if (ordo_drafter_verb(c->w[i].low) || in_list(c->w[i].low, markers)) {
            return true;
        }
    }
    return false;
}

struct cl_list {
    struct dr_clause *v;
    size_t n, cap;
};

/* The clause of bytes [b, e) of sentence text 'st', trimmed; false when no
 * word is left. */
static bool make_clause(struct dr_ctx *ctx, size_t sent, const char *st, size_t b, size_t e,
                        struct dr_clause *c)
{
    memset(c, 0, sizeof *c);
    while (b < e && (st[b] == ' ' || st[b] == ',' || st[b] == ';')) {
        b++;
    }
    while (e > b && strchr(" ,;:.!", st[e - 1])) {
        e--;
    }
    if (b == e) {
        return false;
    }
    c->text = ordo_arena_strndup(ctx->arena, st + b, e - b);
    c->sent = sent;
    c->s_off = b;
    tokenize(ctx->arena, c);
    return c->nw > 0;
}

static void add_clause(struct dr_ctx *ctx, struct cl_list *cl, size_t sent, const char *st,
                       size_t b, size_t e)
{
    struct dr_clause c;

    if (make_clause(ctx, sent, st, b, e, &c)) {
        cl->v = ordo_arena_grow(ctx->arena, cl->v, cl->n, &cl->cap, sizeof *cl->v);
        cl->v[cl->n++] = c;
    }
}

/* The words of a clause that are not fillers or stop words. */
static size_t content_words(const struct dr_clause *c)
{
    size_t n = 0;

    for (size_t i = 0; i < c->nw; i++) {
        n += !ordo_drafter_is_filler(c->w[i].low) && !ordo_drafter_is_stopword(c->w[i].low);
    }
    return n;
}

/* Is 'b' the rest of a list in 'a' ("invite them to GitHub, Slack and
 * Jira")? After a comma, yes; after ';' or an arrow, or when it starts with
 * "then", no: that is a step of its own, to be read or reported alone. */
static bool list_part(const struct dr_clause *a, const struct dr_clause *b, const char *st)
{
    for (size_t i = a->s_off + strlen(a->text); i < b->s_off; i++) {
        if (st[i] == ';' || st[i] == '>') {
            return false;
        }
    }
    return !ordo_drafter_is_filler(b->w[0].low) || strcmp(b->w[0].low, "and") == 0;
}

/* Short clauses without a verb ("Slack and Jira") join the clause before them,

 * in one pass; a clause already DR_MAX_WORDS long takes no more. */
static void join_verbless(struct dr_ctx *ctx, struct cl_list *cl, size_t first, const char *st)
{
    size_t w = first + 1;

    for (size_t k = first + 1; k < cl->n; k++) {
        struct dr_clause *a = &cl->v[w - 1];
        const struct dr_clause *b = &cl->v[k];

        if (!has_verb(b) && has_verb(a) && a->nw < DR_MAX_WORDS && content_words(b) <= 3 &&
            list_part(a, b, st)) {
            size_t end = b->s_off + strlen(b->text);

            a->text = ordo_arena_strndup(ctx->arena, st + a->s_off, end - a->s_off);
            tokenize(ctx->arena, a);
        } else {
            cl->v[w++] = *b;
        }
    }
    if (cl->n > first) {
        cl->n = w;
    }
}

/* Does the colon at 'i' end a clause? After a label or a condition ("if
 * not found: post ..."), yes; inside a step that goes on to say how
 * ("Update the employee in BambooHR: set workEmail ..."), no. */
static bool colon_splits(struct dr_ctx *ctx, const char *st, size_t b, size_t i)
{
    static const char *const markers[] = {"if",     "when",      "whenever", "otherwise", "else",
                                          "unless", "once",      "after",    "then",      "in",
                                          "at",     "meanwhile", "every",    "each",      NULL};
    struct dr_clause c = {.text = ordo_arena_strndup(ctx->arena, st + b, i - b)};

    tokenize(ctx->arena, &c);
    if (c.nw == 0 || in_list(c.w[0].low, markers)) {
        return true;
    }
    for (size_t k = 0; k < c.nw; k++) {
        if (ordo_drafter_verb(c.w[k].low)) {
            return false;
        }
    }
    return true;
}

/* Where the step starts in "if approved move the ticket to Done" (no comma):
 * at the first verb in its base form that no subject, negation or article
 * comes before ("if they dont answer in 1 day remind them": at "remind").
 * 0 when there is none. */
static size_t condition_end(const struct dr_clause *c)
{
    static const char *const before[] = {
        "they",   "he",      "she",   "it",     "we",      "you",      "i",      "dont",  "don't",
        "doesnt", "doesn't", "didnt", "didn't", "not",     "to",       "will",   "would", "can",
        "must",   "should",  "does",  "do",     "did",     "never",    "nobody", "one",   "cannot",
        "cant",   "can't",   "no",    "the",    "a",       "an",       "any",    "all",   "some",
        "more",   "fewer",   "less",  "many",   "few",     "most",     "of",     "its",   "their",
        "his",    "her",     "our",   "your",   "my",      "this",     "that",   "these", "those",
        "still",  "already", "who",   "anyone", "someone", "nobody's", "is",     "are",   "was",
        "were",   "be",      "been",  "being",  "get",     "gets",     "got",    "has",   "have",
        NULL};

    size_t f = 0;

    while (f < c->nw && ordo_drafter_is_filler(c->w[f].low)) {
        f++;
    }
    if (c->nw < f + 3 || (strcmp(c->w[f].low, "if") != 0 && strcmp(c->w[f].low, "unless") != 0)) {
        return 0;
    }
    for (size_t i = f + 2; i < c->nw; i++) {
        const char *p = c->w[i - 1].low;

        if (verb_exact(c->w[i].low) && !ordo_is_digit((unsigned char)p[0]) && !in_list(p, before)) {
            return i;
        }
    }
    return 0;
}

static void split_condition(struct dr_ctx *ctx, struct cl_list *cl, size_t k, const char *st)
{
    size_t at = condition_end(&cl->v[k]);
    struct dr_clause head, step;
    size_t off, end;

    if (!at) {
        return;
    }
    off = cl->v[k].s_off + cl->v[k].w[at].off;
    end = cl->v[k].s_off + strlen(cl->v[k].text);
    if (!make_clause(ctx, cl->v[k].sent, st, cl->v[k].s_off, off, &head) ||
        !make_clause(ctx, cl->v[k].sent, st, off, end, &step)) {
        return;
    }
    cl->v = ordo_arena_grow(ctx->arena, cl->v, cl->n, &cl->cap, sizeof *cl->v);
    memmove(&cl->v[k + 2], &cl->v[k + 1], (cl->n - k - 1) * sizeof cl->v[0]);
    cl->n++;
    cl->v[k] = head;
    cl->v[k + 1] = step;
}

static bool digit_comma(const char *st, size_t i)

{
    return i > 0 && ordo_is_digit((unsigned char)st[i - 1]) &&
           ordo_is_digit((unsigned char)st[i + 1]);
}

static void split_clauses(struct dr_ctx *ctx, struct cl_list *cl, size_t sent, const char *st)
{
    size_t first = cl->n, b = 0;
    bool quote = false, honour = quotes_balanced(st);

    for (size_t i = 0; st[i]; i++) {
        if (st[i] == '"' && honour) {
            quote = !quote;
        }
        if (quote) {
            continue;
        }
        if ((st[i] == '-' || st[i] == '=') && st[i + 1] == '>') {
            add_clause(ctx, cl, sent, st, b, i); /* "new hire -> look up": an arrow, "then" */
            b = i + 2;
            i++;
        } else if (st[i] == ';' || (st[i] == ',' && !digit_comma(st, i)) ||
                   (st[i] == ':' && st[i + 1] == ' ' && colon_splits(ctx, st, b, i)) ||
                   (st[i] == ' ' && i > b && clause_starts(st, i + 1))) {
            add_clause(ctx, cl, sent, st, b, i);
            b = i + 1;
        }
    }
    add_clause(ctx, cl, sent, st, b, strlen(st));
    join_verbless(ctx, cl, first, st);
    for (size_t k = first; k < cl->n; k++) {
        split_condition(ctx, cl, k, st);
    }
}

/* ---- the document ------------------------------------------------------------------------ */

struct sent_list {
    struct dr_sentence *v;
    size_t n, cap;
};

static void add_sentence(struct dr_ctx *ctx, struct sent_list *sl, struct cl_list *cl,
                         const char *t, size_t len, const struct unit *u, int parent)
{
    struct dr_sentence s = {0};
    char *text = ordo_arena_strndup(ctx->arena, t, len);
    size_t n;

    text = (char *)ordo_drafter_plain(ctx->arena, text, len);
    n = strlen(text);
    if (n == 0) {
        return;
    }
    s.header = text[n - 1] == ':';
    s.text = text;
    s.step_no = u->step_no;
    s.parent = parent;
    s.cl0 = cl->n;
    if (cl->n < DR_MAX_CLAUSES) {
        split_clauses(ctx, cl, sl->n, text);
    } else {
        /* Past the limit the sentence stays whole, to be reported unplaced. */
        add_clause(ctx, cl, sl->n, text, 0, n);
        if (cl->n > s.cl0) {
            ordo_drafter_unplace(&cl->v[cl->n - 1],
                                 "the text has more clauses than the drafter reads");
        }
    }
    s.ncl = cl->n - s.cl0;
    sl->v = ordo_arena_grow(ctx->arena, sl->v, sl->n, &sl->cap, sizeof *sl->v);
    sl->v[sl->n++] = s;
}

/* Is unit 'u' a sub-item of header unit 'h'? */
static bool child_of(const struct unit *u, const struct unit *h)
{
    if (u->marker == DR_MARK_NONE || u->heading) {
        return false;
    }
    return u->indent > h->indent || h->marker == DR_MARK_NONE ||
           (h->marker == DR_MARK_NUMBER && u->marker == DR_MARK_BULLET);
}

/* A first line that names the process: a heading, or a short line with no
 * verb and no sentence punctuation, followed by more text. */
static bool title_unit(struct ordo_arena *arena, const struct units *us)
{
    static const char *const starts[] = {"if", "when",  "whenever", "every", "each", "on",
                                         "at", "after", "wait",     "once",  "then", NULL};
    const struct unit *u = &us->v[0];
    struct dr_clause c = {.text = u->text};
    size_t n = strlen(u->text);

    if (u->heading) {
        return true;
    }
    if (us->n < 2 || u->marker != DR_MARK_NONE || u->lines != 1 || n == 0 || n > 80 ||
        strchr(".!?", u->text[n - 1]) || strpbrk(u->text, ",;")) {
        return false;
    }
    if (u->text[n - 1] == ':' && child_of(&us->v[1], u)) {
        return false;
    }
    tokenize(arena, &c);
    if (c.nw == 0 || c.nw > 10 || in_list(c.w[0].low, starts)) {
        return false;
    }
    /* A step says what to do first: "Open a ticket" is no title; a short
     * noun phrase such as "Purchase request" is. */
    if (!verb_exact(c.w[0].low)) {
        return true;
    }
    for (size_t i = 0; i < c.nw; i++) {
        if (ordo_drafter_is_stopword(c.w[i].low) || c.w[i].low[0] == '#') {
            return false;
        }
    }
    return c.nw >= 2 && c.nw <= 3;
}

/* "Title: the text" in the first sentence: a short verbless prefix. */
/* Words that name rather than tell: no verb other than an -ing noun
 * ("Employee offboarding"), no "if" or "when". */
static bool names_only(const struct dr_clause *c)
{
    static const char *const markers[] = {"if",   "when",      "whenever", "every",  "each",
                                          "once", "otherwise", "else",     "unless", NULL};

    for (size_t i = 0; i < c->nw; i++) {
        const char *w = c->w[i].low;
        size_t n = strlen(w);

        if (in_list(w, markers) ||
            (ordo_drafter_verb(w) && !(n > 4 && strcmp(w + n - 3, "ing") == 0))) {
            return false;
        }
    }
    return true;
}

static const char *title_prefix(struct dr_ctx *ctx, char **text)

{
    char *colon = strstr(*text, ": ");
    struct dr_clause c = {0};
    const char *t;

    if (!colon || colon - *text > 60) {
        return NULL;
    }
    c.text = ordo_arena_strndup(ctx->arena, *text, (size_t)(colon - *text));
    tokenize(ctx->arena, &c);
    if (c.nw == 0 || c.nw > 6 || !names_only(&c) || strpbrk(c.text, ".!?,;")) {
        return NULL;
    }
    t = c.text;
    *text = colon + 2;
    return t;
}

static void read_unit(struct dr_ctx *ctx, struct sent_list *sl, struct cl_list *cl,
                      const struct unit *u, int parent)
{
    const char *t = u->text;

    while (*t) {
        size_t len = sentence_end(t);

        add_sentence(ctx, sl, cl, t, len, u, parent);
        t += len;
        while (*t == ' ') {
            t++;
        }
    }
}

static void read_document(struct dr_ctx *ctx, struct units *us)
{
    struct sent_list sl = {0};
    struct cl_list cl = {0};
    size_t stack[DR_MAX_DEPTH + 1], depth = 0, start = 0;
    int head_sent[DR_MAX_DEPTH + 1];

    if (us->n > 0 && title_unit(ctx->arena, us)) {
        ctx->doc.title = ordo_drafter_plain(ctx->arena, us->v[0].text, DR_NAME_MAX);
        start = 1;
    } else if (us->n > 0 && us->v[0].marker == DR_MARK_NONE) {
        ctx->doc.title = title_prefix(ctx, &us->v[0].text);
    }
    for (size_t i = start; i < us->n; i++) {
        const struct unit *u = &us->v[i];
        size_t before = sl.n;

        while (depth > 0 && !child_of(u, &us->v[stack[depth - 1]])) {
            depth--;
        }
        read_unit(ctx, &sl, &cl, u, depth > 0 ? head_sent[depth - 1] : -1);
        if (sl.n > before && sl.v[sl.n - 1].header && depth < DR_MAX_DEPTH) {
            stack[depth] = i;
            head_sent[depth++] = (int)(sl.n - 1);
        }
    }
    ctx->doc.sent = sl.v;
    ctx->doc.nsent = sl.n;
    ctx->doc.cl = cl.v;
    ctx->doc.ncl = cl.n;
}

enum ordo_code ordo_drafter_split(struct dr_ctx *ctx, const char *text, struct ordo_err *err)
{
    struct units us = {0};
    char *norm = normalise(ctx->arena, text);

    read_units(ctx->arena, norm, &us);
    if (us.n == 0) {
        return ordo_err_set(err, ORDO_E_INVAL, "requirement text is empty");
    }
    read_document(ctx, &us);
    return ORDO_OK;
}
