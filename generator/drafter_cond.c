/*
 * generator/drafter_cond.c - the condition of "if ...", "when ...",
 * "unless ..." as a FEEL expression over one variable.
 *
 * Four shapes, tried in this order:
 *   a comparison   "the amount is over $5,000", "fewer than 3 seats":
 *                  =amount > 5000;
 *   a decision     "the manager approves", "they reject it", "if so",
 *                  "approved": the answer of the approval before it, when
 *                  the caller names its variable ('decision' is set);
 *   a value        "the priority is high": =priority = "high" (for words
 *                  such as priority, status, label, type);
 *   a flag         "it is urgent", "the candidate accepts the offer":
 *                  =urgent, =candidate_accepts_offer.
 * Negations ("not", "n't", "never") flip the expression. The variable is
 * a slug of the words ([a-z0-9_]); numbers are digits; values are letters,
 * digits, '-' and '_'. Nothing else of the text reaches the expression.
 */
#include <string.h>

#include "base/text.h"
#include "generator/drafter_internal.h"

#define LOW(s, i) ((s)->c->w[(i)].low)

static bool negation(const char *w)
{
    size_t n = strlen(w);

    static const char *const bare[] = {"dont", "doesnt", "didnt", "isnt",  "hasnt",  "havent",
                                       "wont", "cant",   "arent", "wasnt", "werent", NULL};

    for (size_t i = 0; bare[i]; i++) {
        if (strcmp(w, bare[i]) == 0) {
            return true; /* "if they dont answer": the apostrophe left out */
        }
    }
    return strcmp(w, "not") == 0 || strcmp(w, "never") == 0 || strcmp(w, "cannot") == 0 ||

           (n > 3 && strcmp(w + n - 3, "n't") == 0);
}

/* +1 for a yes word, -1 for a no word, 0 otherwise. */
static int decision_word(const struct dr_span *s, size_t i)
{
    static const char *const yes[] = {"yes",    "so",      "ok",    "okay",   "agree",    "agrees",
                                      "agreed", "granted", "signs", "signed", "approval", NULL};
    static const char *const no[] = {"no", "refuse", "refuses", "refused", "denied", NULL};
    const char *w = LOW(s, i);
    const char *v = ordo_drafter_verb(w);

    if (v && strcmp(v, "approve") == 0) {
        return (strncmp(w, "reject", 6) == 0 || strncmp(w, "decline", 7) == 0 ||
                strncmp(w, "den", 3) == 0)
                   ? -1
                   : 1;
    }
    for (size_t k = 0; yes[k]; k++) {
        if (strcmp(w, yes[k]) == 0) {
            return 1;
        }
    }
    for (size_t k = 0; no[k]; k++) {
        if (strcmp(w, no[k]) == 0) {
            return -1;
        }
    }
    return 0;
}

/* ---- numbers and comparators ------------------------------------------------- */

/* "$5,000", "1.5k", "20%", "300" as digits ('out' has room for 24); the
 * currency sign, if any, in '*money'. */
static bool number_of(const char *w, char *out, bool *money)
{
    size_t o = 0, i = 0;
    bool dot = false;
    long mult = 1;

    *money = false;
    if (w[0] == '$' || strncmp(w, "\xe2\x82\xac", 3) == 0 || strncmp(w, "\xc2\xa3", 2) == 0) {
        *money = true;
        i = w[0] == '$' ? 1 : (w[0] == '\xe2' ? 3 : 2);
    }
    for (; w[i] && o < 15; i++) {
        if (ordo_is_digit((unsigned char)w[i])) {
            out[o++] = w[i];
        } else if (w[i] == '.' && !dot && o > 0 && ordo_is_digit((unsigned char)w[i + 1])) {
            out[o++] = '.';
            dot = true;
        } else if (w[i] != ',') {
            break;
        }
    }
    if (o == 0) {
        return false;
    }
    if ((w[i] == 'k' || w[i] == 'K') && w[i + 1] == '\0') {
        mult = 1000;
        i++;
    } else if (w[i] == '%' || strcmp(w + i, "usd") == 0 || strcmp(w + i, "eur") == 0) {
        i = strlen(w);
    }
    if (w[i] != '\0') {
        return false;
    }
    out[o] = '\0';
    if (mult != 1 && !dot) {
        memcpy(out + o, "000", 4);
    } else if (mult != 1) {
        /* "1.5k": move the point three places. */
        char *p = strchr(out, '.');
        size_t frac = strlen(p + 1);

        if (frac > 3) {
            return false;
        }
        memmove(p, p + 1, frac + 1);
        o = strlen(out);
        for (size_t k = frac; k < 3; k++) {
            out[o++] = '0';
        }
        out[o] = '\0';
    }
    return true;
}

struct cmp {
    const char *phrase;
    const char *op;
};

static const struct cmp comparators[] = {
    {"is more than", ">"},
    {"is greater than", ">"},
    {"is higher than", ">"},
    {"is larger than", ">"},
    {"is over", ">"},
    {"is above", ">"},
    {"is at least", ">="},
    {"is less than", "<"},
    {"is lower than", "<"},
    {"is under", "<"},
    {"is below", "<"},
    {"is at most", "<="},
    {"is equal to", "="},
    {"are more than", ">"},
    {"are over", ">"},
    {"are less than", "<"},
    {"are under", "<"},
    {"exceeds", ">"},
    {"exceed", ">"},
    {"more than", ">"},
    {"greater than", ">"},
    {"higher than", ">"},
    {"larger than", ">"},
    {"over", ">"},
    {"above", ">"},
    {"at least", ">="},
    {"less than", "<"},
    {"fewer than", "<"},
    {"lower than", "<"},
    {"under", "<"},
    {"below", "<"},
    {"at most", "<="},
    {"equals", "="},
    {">=", ">="},
    {"<=", "<="},
    {">", ">"},
    {"<", "<"},
    {"=", "="},
    {"is", "="},
};

/* The variable named by the words before a comparator: content words
 * joined by '_' (at most three, the last ones). */
static const char *subject_var(struct dr_ctx *ctx, const struct dr_span *s, size_t from, size_t to)
{
    char buf[64] = "";
    size_t first = to, count = 0;

    while (first > from && count < 3) {
        const char *w = LOW(s, first - 1);

        if (ordo_drafter_is_stopword(w) || negation(w)) {
            if (count > 0) {
                break;
            }
            first--;
            to = first;
            continue;
        }
        first--;
        count++;
    }
    for (size_t i = first; i < to; i++) {
        const char *w = LOW(s, i);

        if (strcmp(w, "costs") == 0) {
            w = "cost";
        }
        if (strlen(buf) + strlen(w) + 2 < sizeof buf) {
            if (buf[0]) {
                strncat(buf, "_", sizeof buf - strlen(buf) - 1);
            }
            strncat(buf, w, sizeof buf - strlen(buf) - 1);
        }
    }
    return ordo_drafter_slug(ctx->arena, buf, '_', 40);
}

static bool money_word(const char *var)
{
    static const char *const words[] = {"amount", "total",  "cost",  "price",  "value",
                                        "sum",    "budget", "spend", "salary", NULL};

    for (size_t i = 0; words[i]; i++) {
        if (strstr(var, words[i])) {
            return true;
        }
    }
    return false;
}

/* The expression "<var><rest>" and its negation, as the condition says. */
static void set_feel(struct dr_ctx *ctx, struct dr_cond *c, const char *var, const char *rest)
{
    const char *pos = ordo_arena_printf(ctx->arena, "=%s%s", var, rest);
    const char *neg = ordo_arena_printf(ctx->arena, "=not(%s%s)", var, rest);

    c->var = var;
    c->rest = rest;
    c->feel = c->negated ? neg : pos;
    c->neg = c->negated ? pos : neg;
}

/* The same condition over another variable (one an earlier step set:
 * "status" read as "issue_status"). */
void ordo_drafter_cond_rename(struct dr_ctx *ctx, struct dr_cond *c, const char *var)
{
    bool swapped = strcmp(c->feel, ordo_arena_printf(ctx->arena, "=%s%s", c->var, c->rest)) != 0;

    set_feel(ctx, c, var, c->rest);
    if (swapped != c->negated) {
        const char *t = c->feel;

        c->feel = c->neg;
        c->neg = t;
    }
}

static bool comparison(struct dr_ctx *ctx, const struct dr_span *s, struct dr_cond *c)
{
    for (size_t i = s->from; i < s->to; i++) {
        for (size_t k = 0; k < sizeof comparators / sizeof comparators[0]; k++) {
            size_t m = ordo_drafter_phrase_at(s, i, comparators[k].phrase);
            char num[24];
            bool money;
            const char *var;

            if (!m || i + m >= s->to || !number_of(LOW(s, i + m), num, &money)) {
                continue;
            }
            var = subject_var(ctx, s, s->from, i);
            if (!var[0] || ordo_drafter_is_stopword(var)) {
                var = money ? "amount" : "value";
            } else if (money && !money_word(var)) {
                var = ordo_arena_printf(ctx->arena, "%s_amount", var);
            }
            if (!ordo_drafter_feel_name_ok(var)) {
                return false;
            }
            c->type = DR_COND_NUMBER;
            set_feel(ctx, c, var, ordo_arena_printf(ctx->arena, " %s %s", comparators[k].op, num));
            return true;
        }
    }
    return false;
}

/* ---- values and flags --------------------------------------------------------- */

static bool attribute_word(const char *w)
{
    static const char *const attrs[] = {
        "priority", "status",   "label",      "type",   "category", "severity", "level",
        "state",    "stage",    "department", "region", "team",     "result",   "outcome",
        "answer",   "decision", "tier",       "plan",   "country",  "location", NULL};

    for (size_t i = 0; attrs[i]; i++) {
        if (strcmp(w, attrs[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* The words of a value as written, for a FEEL string: letters, digits,
 * spaces, '-', '_' and '\'' only, up to a word such as "yet". */
static const char *value_text(struct dr_ctx *ctx, const struct dr_span *s)
{
    static const char *const stops[] = {"yet", "already", "anymore", "then", "now", NULL};
    char *out = ordo_arena_alloc(ctx->arena, 48);
    size_t o = 0;

    for (size_t i = s->from; i < s->to && o < 40; i++) {
        const struct dr_word *w = &s->c->w[i];
        bool stop = false;

        for (size_t k = 0; stops[k]; k++) {
            stop = stop || strcmp(w->low, stops[k]) == 0;
        }
        if (stop) {
            break;
        }
        if (o > 0) {
            out[o++] = ' ';
        }
        for (size_t k = 0; k < w->len && o < 40; k++) {
            char ch = s->c->text[w->off + k];

            if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                ordo_is_digit((unsigned char)ch) || ch == '-' || ch == '_' || ch == '\'') {
                out[o++] = ch;
            }
        }
    }
    while (o > 0 && out[o - 1] == ' ') {
        o--;
    }
    out[o] = '\0';
    return out;
}

/* "it is not Done": a pronoun and a value written with a capital, which is
 * how statuses are written; read as the status. */
static bool status_of_it(const struct dr_span *s, size_t is)
{
    const char *p = LOW(s, is - 1);
    size_t v = is + 1;

    if (strcmp(p, "it") != 0 && strcmp(p, "this") != 0 && strcmp(p, "that") != 0) {
        return false;
    }
    if (ordo_drafter_word_is(s, v, "not")) {
        v++;
    }
    return v < s->to && s->c->text[s->c->w[v].off] >= 'A' && s->c->text[s->c->w[v].off] <= 'Z';
}

/* "the priority is high": a value of an attribute. */
static bool value(struct dr_ctx *ctx, const struct dr_span *s, struct dr_cond *c)
{
    size_t at = ordo_drafter_find(s, s->from, "is");
    const char *val, *var;

    if (at == SIZE_MAX) {
        at = ordo_drafter_find(s, s->from, "equals");
    }
    if (at == SIZE_MAX || at == s->from) {
        return false;
    }
    bool pronoun = !attribute_word(LOW(s, at - 1));

    if (pronoun && !status_of_it(s, at)) {
        return false;
    }
    at++;
    if (ordo_drafter_word_is(s, at, "not")) {
        c->negated = true;
        at++;
    }
    if (at >= s->to) {
        return false;
    }
    val = value_text(ctx, &(struct dr_span){s->c, at, s->to});
    var = pronoun ? "status" : subject_var(ctx, s, s->from, at - (c->negated ? 2 : 1));

    if (!val[0] || !ordo_drafter_feel_name_ok(var)) {
        return false;
    }
    c->type = DR_COND_STRING;
    c->value = val;
    set_feel(ctx, c, var, ordo_arena_printf(ctx->arena, " = \"%s\"", val));
    return true;
}

/* Any other condition: a yes/no variable named after its content words. */
static bool flag(struct dr_ctx *ctx, const struct dr_span *s, struct dr_cond *c)
{
    const char *var;
    char buf[64] = "";
    size_t count = 0;

    for (size_t i = s->from; i < s->to && count < 4; i++) {
        const char *w = LOW(s, i);

        if (ordo_drafter_is_stopword(w) || negation(w) || strcmp(w, "then") == 0 ||
            strcmp(w, "yet") == 0 || strcmp(w, "already") == 0 || strcmp(w, "still") == 0) {
            continue;
        }

        if (strlen(buf) + strlen(w) + 2 < sizeof buf) {
            if (buf[0]) {
                strncat(buf, "_", sizeof buf - strlen(buf) - 1);
            }
            strncat(buf, w, sizeof buf - strlen(buf) - 1);
            count++;
        }
    }
    var = ordo_drafter_slug(ctx->arena, buf, '_', 40);
    if (var[0] >= '0' && var[0] <= '9') {
        var = ordo_arena_printf(ctx->arena, "is_%s", var);
    }
    if (!ordo_drafter_feel_name_ok(var)) {
        return false;
    }
    c->type = DR_COND_BOOL;
    set_feel(ctx, c, var, "");
    return true;
}

/* The condition of span 's' (without "if"/"when"/"unless"). false when
 * there is nothing in it to test. */
bool ordo_drafter_condition(struct dr_ctx *ctx, const struct dr_span *s, const char *decision_var,
                            struct dr_cond *c)
{
    int yes = 0, neg = 0;
    const char *q;

    memset(c, 0, sizeof *c);
    for (size_t i = s->from; i < s->to; i++) {
        neg ^= negation(LOW(s, i));
        if (!yes) {
            yes = decision_word(s, i);
        }
    }
    c->negated = neg != 0;
    q = ordo_drafter_label(ctx->arena, s);
    c->question = ordo_arena_printf(ctx->arena, "%s?", q);
    c->title = c->question;
    if (comparison(ctx, s, c)) {
        return true;
    }
    if (yes && decision_var) {
        c->decision = true;
        c->negated = (yes < 0) != c->negated;
        c->type = DR_COND_BOOL;
        set_feel(ctx, c, decision_var, "");
        return true;
    }
    return value(ctx, s, c) || flag(ctx, s, c);
}
