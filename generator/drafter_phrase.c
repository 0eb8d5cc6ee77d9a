/*
 * generator/drafter_phrase.c - the phrases the drafter understands inside
 * a clause: who does a step (roles), how long (durations), when a process
 * starts on a schedule (cron), conditions, literal values (#channels, Jira
 * project keys, quoted text, URLs), and text that must never become part of
 * a process (instructions to the drafter, shell, SQL, code, URLs of
 * internal or metadata addresses).
 *
 * Everything written into the IR from here is rebuilt from checked pieces:
 * variable names are [a-z0-9_] slugs, numbers are digits, string values are
 * letters, digits, spaces and '-' or '_', so the requirement text can never
 * end up in a FEEL expression as written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "generator/drafter_internal.h"

#define LOW(s, i) ((s)->c->w[(i)].low)

/* ---- hostile text --------------------------------------------------------- */

struct bad {
    const char *needle;
    const char *reason;
};

static const char r_inject[] =
    "reads as an instruction to the drafter, not as a step of the process";
static const char r_shell[] = "looks like a shell command; the drafter never runs commands";
static const char r_sql[] = "looks like SQL; the drafter never passes text to a database";
static const char r_code[] = "contains code or template syntax, which is never placed in a process";
static const char r_internal[] =
    "names an internal or cloud metadata address, which a process may not call";
static const char r_scheme[] = "names a URL scheme other than http or https";

static const struct bad bad_text[] = {
    {"ignore previous", r_inject},
    {"ignore all previous", r_inject},
    {"ignore the previous", r_inject},
    {"ignore prior", r_inject},
    {"ignore the above", r_inject},
    {"ignore all instructions", r_inject},
    {"ignore your instructions", r_inject},
    {"ignore any instructions", r_inject},
    {"disregard", r_inject},
    {"forget your instructions", r_inject},
    {"forget all previous", r_inject},
    {"forget everything", r_inject},
    {"system prompt", r_inject},
    {"you are now", r_inject},
    {"developer mode", r_inject},
    {"jailbreak", r_inject},
    {"new instructions", r_inject},
    {"as an ai", r_inject},
    {"language model", r_inject},
    {"pretend to be", r_inject},
    {"rm -rf", r_shell},
    {"rm -fr", r_shell},
    {"sudo ", r_shell},
    {"| sh", r_shell},
    {"|sh", r_shell},
    {"| bash", r_shell},
    {"bash -c", r_shell},
    {"sh -c", r_shell},
    {"/bin/", r_shell},
    {"/etc/passwd", r_shell},
    {"/etc/shadow", r_shell},
    {"chmod ", r_shell},
    {"wget ", r_shell},
    {"curl ", r_shell},
    {"$(", r_shell},
    {"&&", r_shell},
    {"||", r_shell},
    {"mkfifo", r_shell},
    {"/dev/tcp", r_shell},
    {"nc -e", r_shell},
    {"powershell", r_shell},
    {"drop table", r_sql},
    {"drop database", r_sql},
    {"delete from", r_sql},
    {"insert into", r_sql},
    {"select * from", r_sql},
    {"union select", r_sql},
    {"truncate table", r_sql},
    {"alter table", r_sql},
    {"or 1=1", r_sql},
    {"or '1'='1", r_sql},
    {"'--", r_sql},
    {"; --", r_sql},
    {"xp_cmdshell", r_sql},
    {"${", r_code},
    {"#{", r_code},
    {"{{", r_code},
    {"<script", r_code},
    {"</", r_code},
    {"javascript:", r_code},
    {"eval(", r_code},
    {"exec(", r_code},
    {"system(", r_code},
    {"import os", r_code},
    {"__", r_code},
    {"169.254.", r_internal},
    {"metadata.google", r_internal},
    {"100.100.100.200", r_internal},
    {"file://", r_scheme},
    {"gopher://", r_scheme},
    {"ftp://", r_scheme},
    {"dict://", r_scheme},
    {"ldap://", r_scheme},
};

/* Is 'host' (lower case, no port) loopback, private, link-local or a
 * metadata name? */
static bool internal_host(const char *host)
{
    static const char *const prefixes[] = {"127.", "10.",      "192.168.", "0.", "localhost",
                                           "[",    "169.254.", "metadata", NULL};
    size_t n = strlen(host);
    char *end;
    long a;

    for (size_t i = 0; prefixes[i]; i++) {
        if (strncmp(host, prefixes[i], strlen(prefixes[i])) == 0) {
            return true;
        }
    }
    if (strncmp(host, "172.", 4) == 0) {
        a = strtol(host + 4, &end, 10);
        if (*end == '.' && a >= 16 && a <= 31) {
            return true;
        }
    }
    return (n > 9 && strcmp(host + n - 9, ".internal") == 0) ||
           (n > 6 && strcmp(host + n - 6, ".local") == 0) ||
           (n > 10 && strcmp(host + n - 10, ".localhost") == 0);
}

static bool internal_url(const char *w)
{
    const char *p = strstr(w, "://");
    char host[256];
    size_t k = 0;

    if (!p) {
        return false;
    }
    p += 3;
    if (strchr(p, '@')) {
        p = strchr(p, '@') + 1; /* user info: the host follows */
    }
    while (p[k] && p[k] != '/' && p[k] != ':' && p[k] != '?' && p[k] != '#' &&
           k + 1 < sizeof host) {
        host[k] = p[k];
        k++;
    }
    host[k] = '\0';
    return k == 0 || internal_host(host) || strchr(host, '%');
}

/* Does 'text' contain 'needle' (lower case), ignoring ASCII case? */
static bool ci_contains(const char *text, const char *needle)
{
    size_t n = strlen(needle);

    for (const char *p = text; *p; p++) {
        size_t k = 0;

        while (k < n && p[k] && ordo_drafter_lower(p[k]) == needle[k]) {
            k++;
        }
        if (k == n) {
            return true;
        }
    }
    return false;
}

/* Why the clause is suspect, or NULL. '*blocks' says whether the whole
 * sentence must stay out of the process: instructions to the drafter,
 * shell commands and internal addresses do; SQL, code or template syntax
 * does not by itself (a Jira summary may quote it), it is only ever placed
 * as literal text, and it is the reason given when the clause is unplaced. */
const char *ordo_drafter_hostile(const struct dr_span *s, bool *blocks)
{
    const char *t = s->c->text;

    *blocks = true;
    for (size_t i = 0; i < sizeof bad_text / sizeof bad_text[0]; i++) {
        if (ci_contains(t, bad_text[i].needle)) {
            *blocks = bad_text[i].reason == r_inject || bad_text[i].reason == r_shell ||
                      bad_text[i].reason == r_internal;
            return bad_text[i].reason;
        }
    }
    for (size_t i = s->from; i < s->to; i++) {
        if (internal_url(LOW(s, i))) {
            return r_internal;
        }
    }
    *blocks = false;
    return strpbrk(t, "{}`\\|<>") ? r_code : NULL;
}

/* ---- roles --------------------------------------------------------------------- */

struct role_def {
    const char *phrase;
    const char *name;
    const char *group;
};

/* Longer phrases first: the first match wins. */
static const struct role_def roles[] = {
    {"hiring manager", "Hiring manager", "hiring-managers"},
    {"office manager", "Facilities", "facilities"},
    {"finance team", "Finance", "finance"},
    {"finance department", "Finance", "finance"},
    {"accounts payable", "Accounts payable", "accounts-payable"},
    {"hr team", "HR", "hr"},
    {"hr department", "HR", "hr"},
    {"human resources", "HR", "hr"},
    {"people team", "HR", "hr"},
    {"people ops", "HR", "hr"},
    {"it team", "IT", "it"},
    {"it department", "IT", "it"},
    {"it support", "IT", "it"},
    {"service desk", "IT", "it"},
    {"help desk", "IT", "it"},
    {"legal team", "Legal", "legal"},
    {"security team", "Security", "security"},
    {"team lead", "Team lead", "team-leads"},
    {"tech lead", "Team lead", "team-leads"},
    {"team leader", "Team lead", "team-leads"},
    {"on-call engineer", "On-call engineer", "on-call"},
    {"on call engineer", "On-call engineer", "on-call"},
    {"ops team", "Operations", "ops"},
    {"operations team", "Operations", "ops"},
    {"support team", "Support", "support"},
    {"sales team", "Sales", "sales"},
    {"product owner", "Product owner", "product-owners"},
    {"engineering team", "Engineering", "engineering"},
    {"dev team", "Engineering", "engineering"},
    {"qa team", "QA", "qa"},
    {"talent team", "Recruiting", "recruiting"},
    {"finance", "Finance", "finance"},
    {"accounting", "Finance", "finance"},
    {"controller", "Finance", "finance"},
    {"hr", "HR", "hr"},
    {"helpdesk", "IT", "it"},
    {"legal", "Legal", "legal"},
    {"security", "Security", "security"},
    {"director", "Director", "directors"},
    {"cfo", "CFO", "cfo"},
    {"ceo", "CEO", "ceo"},
    {"cto", "CTO", "cto"},
    {"admin", "Admin", "admins"},
    {"administrator", "Admin", "admins"},
    {"sysadmin", "Admin", "admins"},
    {"ops", "Operations", "ops"},
    {"operations", "Operations", "ops"},
    {"devops", "Operations", "ops"},
    {"sre", "Operations", "ops"},
    {"on-call", "On-call engineer", "on-call"},
    {"support", "Support", "support"},
    {"sales", "Sales", "sales"},
    {"procurement", "Procurement", "procurement"},
    {"purchasing", "Procurement", "procurement"},
    {"payroll", "Payroll", "payroll"},
    {"facilities", "Facilities", "facilities"},
    {"reviewer", "Reviewer", "reviewers"},
    {"approver", "Approver", "approvers"},
    {"engineering", "Engineering", "engineering"},
    {"engineers", "Engineering", "engineering"},
    {"developer", "Engineering", "engineering"},
    {"developers", "Engineering", "engineering"},
    {"qa", "QA", "qa"},
    {"recruiter", "Recruiting", "recruiting"},
    {"recruiting", "Recruiting", "recruiting"},
    {"lead", "Team lead", "team-leads"},
    {"it", "IT", "it"}, /* only as written "IT" */

};

static const char *const determiners[] = {"the",    "their",       "his", "her", "our",
                                          "your",   "a",           "an",  "its", "employee's",
                                          "hire's", "requester's", NULL};

static bool possessive(const char *w)
{
    return strcmp(w, "their") == 0 || strcmp(w, "his") == 0 || strcmp(w, "her") == 0 ||
           strcmp(w, "employee's") == 0 || strcmp(w, "hire's") == 0 ||
           strcmp(w, "requester's") == 0;
}

/* The employee's manager, the employee, the requester: people named by a
 * variable rather than a group. */
static size_t person_at(struct dr_ctx *ctx, const struct dr_span *s, size_t i, bool poss,
                        struct dr_role *role)
{
    size_t m;

    if ((m = ordo_drafter_phrase_at(s, i, "line manager")) ||
        (m = ordo_drafter_phrase_at(s, i, "manager")) ||
        (m = ordo_drafter_phrase_at(s, i, "managers")) ||
        (m = ordo_drafter_phrase_at(s, i, "boss"))) {
        bool employee =
            poss || (ctx->trigger.system && strcmp(ctx->trigger.system, "bamboohr") == 0);

        *role = employee ? (struct dr_role){"Manager", NULL, "=manager_email"}
                         : (struct dr_role){"Manager", "managers", NULL};
        return m;
    }
    if ((m = ordo_drafter_phrase_at(s, i, "new hire")) ||
        (m = ordo_drafter_phrase_at(s, i, "employee")) ||
        (m = ordo_drafter_phrase_at(s, i, "new employee")) ||
        (m = ordo_drafter_phrase_at(s, i, "new starter"))) {
        *role = (struct dr_role){"Employee", NULL, "=employee_email"};
        return m;
    }
    if ((m = ordo_drafter_phrase_at(s, i, "requester")) ||
        (m = ordo_drafter_phrase_at(s, i, "requestor"))) {
        *role = (struct dr_role){"Requester", NULL, "=requester_email"};
        return m;
    }
    return 0;
}

static bool it_upper(const struct dr_span *s, size_t i)
{
    const struct dr_word *w = &s->c->w[i];

    return strcmp(w->low, "it") != 0 || strncmp(s->c->text + w->off, "IT", 2) == 0;
}

/* "security lead", "IT manager": a role of a team. */
static size_t compound(struct dr_ctx *ctx, const struct dr_span *s, size_t i, struct dr_role *role)
{
    static const char *const heads[] = {"lead",     "manager", "head",  "director", "officer",
                                        "engineer", "admin",   "owner", NULL};

    for (size_t k = 0; heads[k]; k++) {
        if (ordo_drafter_word_is(s, i, heads[k])) {
            role->name = ordo_arena_printf(ctx->arena, "%s %s", role->name, heads[k]);
            role->group = ordo_drafter_slug(
                ctx->arena, ordo_arena_printf(ctx->arena, "%s %ss", role->group, heads[k]), '-',
                40);
            return 1;
        }
    }
    return 0;
}

/* "group", "team" after a role: "the accounts payable group". */

static size_t group_word(const struct dr_span *s, size_t i)
{
    static const char *const words[] = {"group", "team",    "department", "people",
                                        "folks", "members", NULL};

    for (size_t k = 0; words[k]; k++) {
        if (ordo_drafter_word_is(s, i, words[k])) {
            return 1;
        }
    }
    return 0;
}

/* "new team's", "finance's": up to two words ending in a possessive that is
 * not the employee's. Their length, or 0. */
static size_t other_possessive(const struct dr_span *s, size_t i)
{
    for (size_t k = 0; k < 2 && i + k < s->to; k++) {
        const char *w = LOW(s, i + k);
        size_t n = strlen(w);

        if (n > 2 && strcmp(w + n - 2, "'s") == 0) {
            return k + 1;
        }
        if (ordo_drafter_verb(w)) {
            return 0;
        }
    }
    return 0;
}

/* "someone from", "a member of", "anyone in": a person of a group. */
static size_t member_of(const struct dr_span *s, size_t i)
{
    static const char *const heads[] = {
        "someone from", "somebody from", "anyone from", "someone in",    "anyone in",
        "a member of",  "one of",        "someone on",  "a person from", NULL};

    for (size_t k = 0; heads[k]; k++) {
        size_t m = ordo_drafter_phrase_at(s, i, heads[k]);

        if (m) {
            return m;
        }
    }
    return 0;
}

/* A role (or person) named at word 'i', with its determiner: the number of


 * words it takes, 0 when there is none. "they", "them", "he" and "she"
 * name the last role named. */
size_t ordo_drafter_role_at(struct dr_ctx *ctx, const struct dr_span *s, size_t i,
                            struct dr_role *role)
{
    size_t d = 0, m;
    bool poss = false;

    if (i >= s->to) {
        return 0;
    }
    if (ctx->last_role.name &&
        (ordo_drafter_word_is(s, i, "they") || ordo_drafter_word_is(s, i, "them") ||
         ordo_drafter_word_is(s, i, "he") || ordo_drafter_word_is(s, i, "she"))) {
        *role = ctx->last_role;
        return 1;
    }
    for (size_t k = 0; determiners[k]; k++) {
        if (ordo_drafter_word_is(s, i, determiners[k])) {
            poss = possessive(determiners[k]);
            d = 1;
            break;
        }
    }
    if (ordo_drafter_word_is(s, i + d, "employee's") ||
        ordo_drafter_word_is(s, i + d, "requester's")) {
        poss = true;
        d++;
    } else if (ordo_drafter_phrase_at(s, i + d, "new hire's")) {
        poss = true;
        d += 2;
    } else if (d <= 1 && (m = other_possessive(s, i + d))) {
        d += m; /* "the new team's manager": a manager, not the employee's */
    }
    if (d == 0 && (m = member_of(s, i))) {
        d = m; /* "someone from the helpdesk group" */
        for (size_t k = 0; determiners[k]; k++) {
            if (ordo_drafter_word_is(s, i + d, determiners[k])) {
                d++;
                break;
            }
        }
    }
    if ((m = person_at(ctx, s, i + d, poss, role))) {
        return d + m;
    }
    for (size_t k = 0; k < sizeof roles / sizeof roles[0]; k++) {
        m = ordo_drafter_phrase_at(s, i + d, roles[k].phrase);
        if (m && it_upper(s, i + d)) {
            *role = (struct dr_role){roles[k].name, roles[k].group, NULL};
            m += compound(ctx, s, i + d + m, role);
            return d + m + group_word(s, i + d + m);
        }
    }
    if (i + d < s->to && ordo_drafter_word_is(s, i + d + 1, "team") &&
        !ordo_drafter_is_stopword(LOW(s, i + d)) && !ordo_drafter_verb(LOW(s, i + d)) &&
        ordo_drafter_feel_name_ok(LOW(s, i + d))) {
        const char *w = LOW(s, i + d);

        role->name = ordo_arena_printf(ctx->arena, "%c%s team", w[0] - 'a' + 'A', w + 1);
        role->group = ordo_arena_printf(ctx->arena, "%s", w);
        role->assignee = NULL;
        return d + 2;
    }
    return 0;
}

/* ---- durations ------------------------------------------------------------------- */

static long small_number(const char *w)
{
    static const char *const names[] = {"zero", "one",    "two",    "three", "four",
                                        "five", "six",    "seven",  "eight", "nine",
                                        "ten",  "eleven", "twelve", NULL};
    long v = 0;
    size_t i = 0;

    if (strcmp(w, "a") == 0 || strcmp(w, "an") == 0) {
        return 1;
    }
    if (strcmp(w, "twenty-four") == 0) {
        return 24;
    }
    if (strcmp(w, "forty-eight") == 0) {
        return 48;
    }
    if (strcmp(w, "thirty") == 0) {
        return 30;
    }
    for (size_t k = 0; names[k]; k++) {
        if (strcmp(w, names[k]) == 0) {
            return (long)k;
        }
    }
    while (i < 6 && ordo_is_digit((unsigned char)w[i])) {
        v = v * 10 + (w[i] - '0');
        i++;
    }
    return (i > 0 && w[i] == '\0') ? v : -1;
}

/* The ISO 8601 designator of a unit word: "M" minutes, "H", "D", "W", or
 * "MO" months; NULL when 'w' is no unit. */
static const char *unit_of(const char *w)
{
    static const struct {
        const char *word;
        const char *iso;
    } units[] = {{"minute", "M"}, {"minutes", "M"}, {"min", "M"},    {"mins", "M"},
                 {"hour", "H"},   {"hours", "H"},   {"hr", "H"},     {"hrs", "H"},
                 {"h", "H"},      {"day", "D"},     {"days", "D"},   {"d", "D"},
                 {"week", "W"},   {"weeks", "W"},   {"month", "MO"}, {"months", "MO"}};

    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(w, units[i].word) == 0) {
            return units[i].iso;
        }
    }
    return NULL;
}

static const char *iso_duration(struct dr_ctx *ctx, long n, const char *unit)
{
    if (strcmp(unit, "M") == 0 || strcmp(unit, "H") == 0) {
        return ordo_arena_printf(ctx->arena, "PT%ld%s", n, unit);
    }
    if (strcmp(unit, "MO") == 0) {
        return ordo_arena_printf(ctx->arena, "P%ldM", n);
    }
    return ordo_arena_printf(ctx->arena, "P%ld%s", n, unit);
}

/* A duration at word 'i': "2 days", "48 hours", "an hour", "3 business
 * days", "48h", "half an hour". Its length in words, '*iso' its ISO 8601
 * form. */
size_t ordo_drafter_duration_at(struct dr_ctx *ctx, const struct dr_span *s, size_t i,
                                const char **iso)
{
    long n;
    size_t k = 1;
    const char *u;

    if (i >= s->to) {
        return 0;
    }
    if (ordo_drafter_phrase_at(s, i, "half an hour")) {
        *iso = "PT30M";
        return 3;
    }
    n = small_number(LOW(s, i));
    if (n < 0) {
        const char *w = LOW(s, i);
        size_t d = 0;

        n = 0;
        while (d < 6 && ordo_is_digit((unsigned char)w[d])) {
            n = n * 10 + (w[d++] - '0');
        }
        u = d > 0 ? unit_of(w + d) : NULL;
        if (!u || n <= 0) {
            return 0;
        }
        *iso = iso_duration(ctx, n, u);
        return 1;
    }
    if (n <= 0 || n > 10000) {
        return 0;
    }
    if (ordo_drafter_word_is(s, i + 1, "business") || ordo_drafter_word_is(s, i + 1, "working") ||
        ordo_drafter_word_is(s, i + 1, "calendar") || ordo_drafter_word_is(s, i + 1, "full")) {
        if (!ordo_drafter_word_is(s, i + 1, "calendar") &&
            !ordo_drafter_word_is(s, i + 1, "full")) {
            ordo_drafter_assume(ctx, "Business days are counted as calendar days.");
        }
        k++;
    }
    u = i + k < s->to ? unit_of(LOW(s, i + k)) : NULL;
    if (!u) {
        return 0;
    }
    *iso = iso_duration(ctx, n, u);
    return k + 1;
}

/* The first duration in the span; '*at' where it starts. */
size_t ordo_drafter_find_duration(struct dr_ctx *ctx, const struct dr_span *s, const char **iso,
                                  size_t *at)
{
    for (size_t i = s->from; i < s->to; i++) {
        size_t m = ordo_drafter_duration_at(ctx, s, i, iso);

        if (m) {
            *at = i;
            return m;
        }
    }
    return 0;
}

/* ---- schedules -------------------------------------------------------------------- */

struct sched {
    int minute, hour; /* -1: not said */
    const char *dom, *dow;
    const char *special; /* a whole cron expression */
    size_t from, to;     /* the words it took */
};

static const char *weekday(const char *w)
{
    static const char *const days[] = {"sunday",   "monday", "tuesday", "wednesday",
                                       "thursday", "friday", "saturday"};
    static const char *const nums[] = {"0", "1", "2", "3", "4", "5", "6"};
    size_t n = strlen(w);

    for (size_t i = 0; i < 7; i++) {
        size_t d = strlen(days[i]);

        if (strncmp(w, days[i], d) == 0 && (n == d || (n == d + 1 && w[d] == 's'))) {
            return nums[i];
        }
        if (n == 3 && strncmp(w, days[i], 3) == 0) {
            return nums[i];
        }
    }
    return NULL;
}

/* "9", "9:30", "09:00", "9am", "9.30", "5pm", "noon", "midnight", with an
 * optional following "am"/"pm". Sets hour and minute; words taken. */
static size_t time_at(const struct dr_span *s, size_t i, struct sched *sc)
{
    const char *w;
    int h = 0, m = 0, k = 0;
    size_t used = 1;

    if (i >= s->to) {
        return 0;
    }
    w = LOW(s, i);
    if (strcmp(w, "noon") == 0 || strcmp(w, "midday") == 0 || strcmp(w, "midnight") == 0) {
        sc->hour = w[1] == 'i' && w[2] == 'd' && w[3] == 'n' ? 0 : 12;
        sc->minute = 0;
        return 1;
    }
    while (k < 2 && ordo_is_digit((unsigned char)w[k])) {
        h = h * 10 + (w[k++] - '0');
    }
    if (k == 0) {
        return 0;
    }
    if ((w[k] == ':' || w[k] == '.') && ordo_is_digit((unsigned char)w[k + 1]) &&
        ordo_is_digit((unsigned char)w[k + 2])) {
        m = (w[k + 1] - '0') * 10 + (w[k + 2] - '0');
        k += 3;
    }
    if (strcmp(w + k, "am") != 0 && strcmp(w + k, "pm") != 0 && w[k] != '\0') {
        return 0;
    }
    if (w[k] == '\0' && i + 1 < s->to &&
        (strcmp(LOW(s, i + 1), "am") == 0 || strcmp(LOW(s, i + 1), "pm") == 0 ||
         strcmp(LOW(s, i + 1), "a.m") == 0 || strcmp(LOW(s, i + 1), "p.m") == 0)) {
        w = LOW(s, i + 1);
        k = 0;
        used = 2;
    }
    if (w[k] == 'p' && h < 12) {
        h += 12;
    } else if (w[k] == 'a' && h == 12) {
        h = 0;
    }
    if (h > 23 || m > 59) {
        return 0;
    }
    sc->hour = h;
    sc->minute = m;
    return used;
}

/* The day part after "every"/"each"/"on" at word 'i'. */
static size_t every_what(struct dr_ctx *ctx, const struct dr_span *s, size_t i, struct sched *sc)
{
    const char *w = i < s->to ? LOW(s, i) : "";
    const char *d = weekday(w);
    long n;

    if (d) {
        size_t k = 1;

        sc->dow = d;
        while (ordo_drafter_word_is(s, i + k, "and") && i + k + 1 < s->to &&
               weekday(LOW(s, i + k + 1))) {
            sc->dow = ordo_arena_printf(ctx->arena, "%s,%s", sc->dow, weekday(LOW(s, i + k + 1)));
            k += 2;
        }
        return k;
    }
    if (strcmp(w, "weekday") == 0 || strcmp(w, "weekdays") == 0 || strcmp(w, "workday") == 0 ||
        strcmp(w, "workdays") == 0 || ordo_drafter_phrase_at(s, i, "business day") ||
        ordo_drafter_phrase_at(s, i, "working day")) {
        sc->dow = "1-5";
        return (strcmp(w, "business") == 0 || strcmp(w, "working") == 0) ? 2 : 1;
    }
    if (strcmp(w, "day") == 0 || strcmp(w, "morning") == 0 || strcmp(w, "evening") == 0 ||
        strcmp(w, "night") == 0) {
        sc->hour = w[0] == 'e' ? 18 : (w[0] == 'n' ? 22 : -1);
        sc->minute = w[0] == 'e' || w[0] == 'n' ? 0 : -1;
        return 1;
    }
    if (strcmp(w, "week") == 0) {
        sc->dow = "1";
        ordo_drafter_assume(ctx, "\"Every week\" is read as every Monday.");
        return 1;
    }
    if (strcmp(w, "month") == 0) {
        sc->dom = "1";
        ordo_drafter_assume(ctx, "\"Every month\" is read as the first day of the month.");
        return 1;
    }
    if (strcmp(w, "hour") == 0) {
        sc->special = "0 * * * *";
        return 1;
    }
    n = small_number(w);
    if (n > 0 && i + 1 < s->to) {
        const char *u = unit_of(LOW(s, i + 1));

        if (u && strcmp(u, "M") == 0 && n < 60 && 60 % n == 0) {
            sc->special = ordo_arena_printf(ctx->arena, "*/%ld * * * *", n);
            return 2;
        }
        if (u && strcmp(u, "H") == 0 && n < 24 && 24 % n == 0) {
            sc->special = ordo_arena_printf(ctx->arena, "0 */%ld * * *", n);
            return 2;
        }
    }
    return 0;
}

/* Where a schedule starts: "every"/"each"/"on" + day part, or one word
 * ("daily", "weekly", "monthly", "hourly", "nightly"). */
static size_t schedule_head(struct dr_ctx *ctx, const struct dr_span *s, size_t i, struct sched *sc)
{
    const char *w = LOW(s, i);

    if (strcmp(w, "every") == 0 || strcmp(w, "each") == 0 || strcmp(w, "on") == 0) {
        size_t m = every_what(ctx, s, i + 1, sc);

        /* "on" alone takes only weekdays: "on Mondays". */
        if (m && strcmp(w, "on") == 0 && !sc->dow) {
            return 0;
        }
        return m ? m + 1 : 0;
    }
    if (strcmp(w, "daily") == 0 || strcmp(w, "nightly") == 0) {
        sc->hour = w[0] == 'n' ? 22 : -1;
        return 1;
    }
    if (strcmp(w, "weekly") == 0) {
        sc->dow = "1";
        ordo_drafter_assume(ctx, "\"Weekly\" is read as every Monday.");
        return 1;
    }
    if (strcmp(w, "monthly") == 0) {
        sc->dom = "1";
        return 1;
    }
    if (strcmp(w, "hourly") == 0) {
        sc->special = "0 * * * *";
        return 1;
    }
    return 0;
}

/* A schedule anywhere in the span ("every Monday at 9:00", "every weekday
 * at 8am", "daily at 17:30", "every 15 minutes"): its cron expression (5
 * fields) and the words it takes. */
bool ordo_drafter_schedule(struct dr_ctx *ctx, const struct dr_span *s, const char **cron,
                           size_t *at, size_t *len)
{
    for (size_t i = s->from; i < s->to; i++) {
        struct sched sc = {.minute = -1, .hour = -1, .dom = "*", .dow = "*"};
        size_t m = schedule_head(ctx, s, i, &sc), t;

        if (!m) {
            continue;
        }
        if (ordo_drafter_word_is(s, i + m, "at") && (t = time_at(s, i + m + 1, &sc))) {
            m += 1 + t;
        } else if (ordo_drafter_word_is(s, i + m, "morning")) {
            m++;
        }
        *at = i;
        *len = m;
        if (sc.special) {
            *cron = sc.special;
            return true;
        }
        if (sc.hour < 0) {
            sc.hour = 9;
            sc.minute = 0;
            ordo_drafter_assume(ctx, "The schedule runs at 9:00 (no time was given).");
        }
        *cron = ordo_arena_printf(ctx->arena, "%d %d %s * %s", sc.minute < 0 ? 0 : sc.minute,
                                  sc.hour, sc.dom, sc.dow);
        return true;
    }
    return false;
}

/* ---- literal values ---------------------------------------------------------------- */

static bool channel_char(char c)
{
    return (c >= 'a' && c <= 'z') || ordo_is_digit((unsigned char)c) || c == '-' || c == '_';
}

/* A Slack channel: "#general" or "the general channel". */
const char *ordo_drafter_channel(const struct dr_span *s)
{
    for (size_t i = s->from; i < s->to; i++) {
        const char *w = LOW(s, i);
        size_t k = 1;

        if (w[0] != '#') {
            continue;
        }
        while (k < 80 && channel_char(w[k])) {
            k++;
        }
        if (k > 1 && w[k] == '\0') {
            return w;
        }
    }
    return NULL;
}

/* Upper-case words that are not Jira project keys. */
static bool common_caps(const char *w)
{
    static const char *const caps[] = {
        "I",    "A",   "OK", "US",  "ASAP", "FYI", "PR",   "URL", "API", "HTTP", "SQL", "AM",
        "PM",   "UTC", "ID", "CEO", "CTO",  "CFO", "IT",   "HR",  "NOT", "AND",  "QA",  "SRE",
        "TODO", "EOD", "VP", "UI",  "PDF",  "CSV", "JSON", "IF",  "NO",  "YES",  NULL};

    for (size_t i = 0; caps[i]; i++) {
        if (strcmp(w, caps[i]) == 0) {
            return true;
        }
    }
    return false;
}

static bool key_shape(const char *t, size_t len)
{
    if (len < 2 || len > 10 || t[0] < 'A' || t[0] > 'Z') {
        return false;
    }
    for (size_t i = 1; i < len; i++) {
        if (!((t[i] >= 'A' && t[i] <= 'Z') || ordo_is_digit((unsigned char)t[i]))) {
            return false;
        }
    }
    return true;
}

/* A Jira project key: an upper-case word next to "project", or before
 * "ticket"/"issue"/"board", or after "in"/"to" in a clause about Jira. */
const char *ordo_drafter_project_key(const struct dr_span *s)
{
    bool jira = ordo_drafter_find(s, s->from, "jira") != SIZE_MAX;

    for (size_t i = s->from; i < s->to; i++) {
        const struct dr_word *w = &s->c->w[i];
        const char *t = s->c->text + w->off;
        static char key[12];

        if (!key_shape(t, w->len)) {
            continue;
        }
        memcpy(key, t, w->len);
        key[w->len] = '\0';
        if (ordo_drafter_word_is(s, i - 1, "project")) {
            return key; /* "project IT": said outright */
        }
        if (common_caps(key)) {
            continue;
        }

        if (ordo_drafter_word_is(s, i + 1, "project") ||
            ordo_drafter_word_is(s, i - 1, "project") || ordo_drafter_word_is(s, i + 1, "ticket") ||
            ordo_drafter_word_is(s, i + 1, "issue") || ordo_drafter_word_is(s, i + 1, "board") ||
            (jira &&
             (ordo_drafter_word_is(s, i - 1, "in") || ordo_drafter_word_is(s, i - 1, "to")))) {
            return key;
        }
    }
    return NULL;
}

/* A literal value: letters, digits and common punctuation of 'text', never
 * starting with '=' (which would make it FEEL). */
static const char *literal(struct dr_ctx *ctx, const char *text)
{
    const char *p = ordo_drafter_plain(ctx->arena, text, DR_LITERAL_MAX);
    size_t n = strlen(p), o = 0;
    char *out = ordo_arena_alloc(ctx->arena, n + 1);

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];

        if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || ordo_is_digit(c) ||
            strchr(" .,!?'-:#@/()&+%_", c)) {
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
    while (*out == ' ' || *out == '=') {
        out++;
    }
    return *out ? out : NULL;
}

/* Text in double quotes in the clause, as a literal. */
const char *ordo_drafter_quoted(struct dr_ctx *ctx, const struct dr_span *s)
{
    const char *t = s->c->text;
    const char *a = strchr(t, '"');
    const char *b = a ? strchr(a + 1, '"') : NULL;

    if (!a || !b || b == a + 1) {
        return NULL;
    }
    return literal(ctx, ordo_arena_strndup(ctx->arena, a + 1, (size_t)(b - a - 1)));
}

/* An http(s) URL in the span, as written; internal addresses never get
 * here (ordo_drafter_hostile). */
const char *ordo_drafter_url(struct dr_ctx *ctx, const struct dr_span *s)
{
    for (size_t i = s->from; i < s->to; i++) {
        const struct dr_word *w = &s->c->w[i];

        if (strncmp(w->low, "https://", 8) == 0 || strncmp(w->low, "http://", 7) == 0) {
            const char *u = ordo_arena_strndup(ctx->arena, s->c->text + w->off, w->len);

            /* Only the characters of RFC 3986; anything else is no URL. */
            return strspn(u, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                             "-._~:/?#@!$&'()*+,;=%") == w->len &&
                           w->len <= DR_LITERAL_MAX
                       ? u
                       : NULL;
        }
    }
    return NULL;
}

/* "P2D" as "2 days", "PT1H" as "1 hour": for names. */
const char *ordo_drafter_duration_text(struct dr_ctx *ctx, const char *iso)
{
    bool time = strncmp(iso, "PT", 2) == 0;
    const char *p = iso + (time ? 2 : 1);
    char *end;
    long n = strtol(p, &end, 10);
    const char *unit;

    switch (*end) {
    case 'D':
        unit = "day";
        break;
    case 'W':
        unit = "week";
        break;
    case 'H':
        unit = "hour";
        break;
    case 'M':
        unit = time ? "minute" : "month";
        break;
    default:
        return iso;
    }
    return ordo_arena_printf(ctx->arena, "%ld %s%s", n, unit, n == 1 ? "" : "s");
}

/* A message name from the words that say what arrives: the quoted name, a
 * word written as a name ("deploy_finished"), else the content words
 * ("the contract is signed": contract_signed). "" when nothing is left. */
const char *ordo_drafter_message_name(struct dr_ctx *ctx, const struct dr_span *s)
{
    static const char *const noise[] = {"message", "messages", "received", "receive",
                                        "arrives", "arrived",  "comes",    "published",
                                        "event",   "from",     NULL};
    const char *q = ordo_drafter_quoted(ctx, s);
    char buf[64] = "";
    size_t n = 0;

    if (q) {
        return ordo_drafter_slug(ctx->arena, q, '_', 40);
    }
    for (size_t i = s->from; i < s->to; i++) {
        if (strchr(LOW(s, i), '_') && ordo_drafter_feel_name_ok(LOW(s, i))) {
            return LOW(s, i);
        }
    }
    for (size_t i = s->from; i < s->to && n < 4; i++) {
        const char *w = LOW(s, i);
        bool skip = ordo_drafter_is_stopword(w);

        for (size_t k = 0; noise[k] && !skip; k++) {
            skip = strcmp(w, noise[k]) == 0;
        }
        if (!skip && strlen(buf) + strlen(w) + 2 < sizeof buf) {
            strncat(buf, buf[0] ? " " : "", sizeof buf - strlen(buf) - 1);
            strncat(buf, w, sizeof buf - strlen(buf) - 1);
            n++;
        }
    }
    return ordo_drafter_slug(ctx->arena, buf, '_', 40);
}
