/*
 * generator/drafter_parse.c - clauses to the tree of steps (struct
 * dr_block of struct dr_item).
 *
 * The first clause may be the trigger ("when BambooHR adds an employee",
 * "every Monday at 9:00", "someone starts it by hand"); a schedule phrase
 * anywhere else in a sentence about when the process runs is one too.
 * Then each sentence, in text order, becomes items; words that only join
 * ("then", "next", "we need to") are skipped first:
 *   "if/unless/in case X, ..."   an IF whose branch is the rest of the
 *                                sentence up to "otherwise" (and the
 *                                sub-items of a header); "otherwise ..."
 *                                is its other branch, also in the next
 *                                sentence; a trailing "... if X" takes the
 *                                step before it
 *   "if nobody answers within 2 days, ..."  an ESCALATE (boundary timer) on
 *                                the last user task
 *   "at the same time", "in parallel", "meanwhile", "simultaneously":
 *                                the steps of the sentence (or its
 *                                sub-items) as parallel branches; a single
 *                                step runs beside the step before it
 *   "wait 2 days", "after 3 days", "wait for X", "when X" (mid-text):
 *                                a TIMER or a MESSAGE
 *   "X approves ...", "ask X to approve ...", "get approval from X",
 *   "send ... to X for approval", "... must be approved by X": APPROVAL
 *   "go back to ...", "start over", "... until X": LOOP
 *   "stop", "the process ends", "end with an error": END
 *   "X <verb>s ..." for a role X, "ask X to ...": USER, unless an action
 *   of a named system matches; anything else with a verb: ACTION when the
 *   catalogue has a match.
 * Every clause that gives no item keeps a reason and is reported unplaced
 * (drafter.c); a sentence with hostile text is unplaced whole.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/text.h"
#include "generator/drafter_internal.h"

#define LOW(s, i) ((s)->c->w[(i)].low)

static const char r_no_step[] = "no step, trigger or decision recognised";
static const char r_no_action[] =
    "no installed action matches it and no person or role is named to do it";

struct dr_item *ordo_drafter_item(struct dr_ctx *ctx, enum dr_kind kind, struct dr_clause *cl)
{
    struct dr_item *it;

    if (ctx->nitems >= DR_MAX_ITEMS) {
        ordo_drafter_unplace(cl, "beyond the number of steps the drafter places in one process");
        return NULL;
    }
    it = ordo_arena_alloc(ctx->arena, sizeof *it);
    it->kind = kind;
    it->cl = cl;
    ctx->nitems++;
    if (cl) {
        cl->placed++;
    }
    return it;
}

void ordo_drafter_push(struct dr_ctx *ctx, struct dr_block *b, struct dr_item *it)
{
    if (it) {
        b->v = ordo_arena_grow(ctx->arena, b->v, b->n, &b->cap, sizeof(struct dr_item *));
        b->v[b->n++] = it;
    }
}

static struct dr_span span_of(struct dr_clause *c)
{
    return (struct dr_span){c, c->skip, c->lim};
}

/* Why the words keep their whole sentence out of the process, or NULL. */
static const char *blocking(const struct dr_span *s)
{
    bool blocks;
    const char *why = ordo_drafter_hostile(s, &blocks);

    return blocks ? why : NULL;
}

/* Anything suspect in the words (SQL, code), blocking or not. */
static const char *suspect(const struct dr_span *s)
{
    bool blocks;

    return ordo_drafter_hostile(s, &blocks);
}

static bool any_at(const struct dr_span *s, size_t i, const char *const *phrases, size_t *m)
{
    for (size_t k = 0; phrases[k]; k++) {
        if ((*m = ordo_drafter_phrase_at(s, i, phrases[k]))) {
            return true;
        }
    }
    return false;
}

static const char *const modals[] = {"need to", "needs to", "have to", "has to", "must",
                                     "should",  "will",     "can",     "shall",  "is to",
                                     "are to",  "would",    "to",      NULL};

/* Skip words that only join or soften: "then", "after that", "we need to",
 * "the system should". */
/* "once all of the above are complete", "when both are done", "after all
 * three": the join of parallel work, which the structure already has. */
static size_t join_phrase(const struct dr_span *s)
{
    static const char *const heads[] = {"once", "when", "after", "as soon as", NULL};
    static const char *const what[] = {
        "all",          "both", "everything",       "each",      "these",    "those",
        "the above",    "they", "all of the above", "all three", "all four", "all of them",
        "both of them", NULL};
    static const char *const rest[] = {
        "of",       "the",        "above",    "three", "two",   "four",    "them", "steps",
        "tasks",    "activities", "are",      "is",    "have",  "has",     "been", "done",
        "complete", "completed",  "finished", "over",  "ready", "through", "of",   NULL};
    size_t m, i;

    if (!any_at(s, s->from, heads, &m) || !any_at(s, s->from + m, what, &i)) {
        return 0;
    }
    for (i = s->from + m + i; i < s->to; i++) {
        size_t k;

        if (!any_at(s, i, rest, &k)) {
            break;
        }
    }
    return i == s->to ? s->to - s->from : 0;
}

static void strip_lead(struct dr_span *s)
{
    static const char *const joins[] = {
        "after that", "after this",        "once that is done", "once done",
        "when done",  "when that is done", "as a next step",    "in the end",
        "at the end", "and then",          "once that's done",  "following that",
        NULL};
    static const char *const subjects[] = {"we",         "you",     "i",           "ordo",
                                           "the system", "the bot", "the process", "the workflow",
                                           "someone",    NULL};
    static const char *const wants[] = {"we want",
                                        "we need",
                                        "i want",
                                        "i need",
                                        "we'd like",
                                        "i'd like",
                                        "we would like",
                                        "we kinda need to",
                                        "we kind of need to",
                                        "we also want",
                                        "kinda need to",
                                        "kind of need to",
                                        NULL};
    size_t m, k;

    while (s->from < s->to) {
        if (ordo_drafter_is_filler(LOW(s, s->from)) || ordo_drafter_is_chatter(LOW(s, s->from))) {
            s->from++;
        } else if ((m = join_phrase(s)) || any_at(s, s->from, joins, &m) ||
                   any_at(s, s->from, wants, &m)) {
            s->from += m;

        } else if (any_at(s, s->from, subjects, &m) && any_at(s, s->from + m, modals, &k)) {
            s->from += m + k;
        } else if (ordo_drafter_word_is(s, s->from, "please") ||
                   (any_at(s, s->from, modals, &m) && !ordo_drafter_word_is(s, s->from, "to"))) {
            s->from += ordo_drafter_word_is(s, s->from, "please") ? 1 : m;
        } else {
            break;
        }
    }
}

/* ---- the trigger -------------------------------------------------------------------- */

struct hook_vars {
    const char *scheme, *words, *variables;
    const char *const *vars;
};

static const char *const v_bamboohr[] = {"employee_id", NULL};
static const char *const v_gh_issue[] = {"repository", "issue_number", "issue_title", "issue_url",
                                         NULL};
static const char *const v_gh_pr[] = {"repository", "pr_number", "pr_title", "pr_url", NULL};
static const char *const v_gh[] = {"repository", "sender", NULL};
static const char *const v_jira[] = {"issue_key", "issue_summary", NULL};
static const char *const v_slack[] = {"slack_user_id", "channel_id", "text", NULL};

static const struct hook_vars hook_vars[] = {
    {"bamboohr", NULL, "={employee_id: body.employees[1].id}", v_bamboohr},
    {"github", "pull",
     "={repository: body.repository.name, pr_number: body.pull_request.number, "
     "pr_title: body.pull_request.title, pr_url: body.pull_request.html_url}",
     v_gh_pr},
    {"github", "issue",
     "={repository: body.repository.name, issue_number: body.issue.number, "
     "issue_title: body.issue.title, issue_url: body.issue.html_url}",
     v_gh_issue},
    {"github", NULL, "={repository: body.repository.name, sender: body.sender.login}", v_gh},
    {"jira", NULL, "={issue_key: body.issue.key, issue_summary: body.issue.fields.summary}",
     v_jira},
    {"slack", NULL,
     "={slack_user_id: body.event.user, channel_id: body.event.channel, "
     "text: body.event.text}",
     v_slack},
};

static void webhook_trigger(struct dr_ctx *ctx, const struct dr_span *t, const char *system)
{
    struct dr_trigger *tr = &ctx->trigger;
    char words[64] = "";

    tr->kind = DR_TRIG_WEBHOOK;
    tr->system = system;
    tr->scheme = "standard";
    for (size_t i = 0; i < sizeof hook_vars / sizeof hook_vars[0]; i++) {
        if (strcmp(hook_vars[i].scheme, system) == 0 &&
            (!hook_vars[i].words || ordo_drafter_find(t, t->from, hook_vars[i].words) != SIZE_MAX ||
             (strcmp(hook_vars[i].words, "pull") == 0 &&
              ordo_drafter_find(t, t->from, "pr") != SIZE_MAX))) {
            tr->scheme = system;
            tr->variables = hook_vars[i].variables;
            tr->vars = hook_vars[i].vars;
            break;
        }
    }
    for (size_t i = t->from, n = 0; i < t->to && n < 3; i++) {
        const char *w = LOW(t, i);

        if (!ordo_drafter_is_stopword(w) && strcmp(w, system) != 0 &&
            strlen(words) + strlen(w) + 2 < sizeof words) {
            strncat(words, " ", sizeof words - strlen(words) - 1);
            strncat(words, w, sizeof words - strlen(words) - 1);
            n++;
        }
    }
    tr->hook = ordo_drafter_slug(ctx->arena, ordo_arena_printf(ctx->arena, "%s %s", system, words),
                                 '-', 48);
    if (strcmp(tr->scheme, "standard") == 0) {
        ordo_drafter_ask(ctx,
                         "How does %s call the webhook /hooks/%s (the standard signature "
                         "scheme is assumed)?",
                         strcmp(system, "webhook") == 0 ? "the sender" : system, tr->hook);
    }
}

/* A person starting the process by hand: "when an employee submits a
 * request", "someone starts it manually". */
static bool manual_start(const struct dr_span *t)
{
    static const char *const by_hand[] = {"manually",   "by hand", "on demand",
                                          "on request", "manual",  NULL};
    static const char *const people[] = {
        "someone",       "somebody",      "an employee", "a user",      "a customer", "a person",
        "anyone",        "the requester", "a requester", "an engineer", "a manager",  "a developer",
        "a team member", "the employee",  "a colleague", NULL};
    size_t m;

    if (ordo_drafter_find_any(t, t->from, by_hand, &m) != SIZE_MAX) {
        return true;
    }
    return any_at(t, t->from, people, &m) && t->from + m < t->to &&
           ordo_drafter_verb(LOW(t, t->from + m)) &&
           strcmp(ordo_drafter_verb(LOW(t, t->from + m)), "post") != 0;
}

/* Read 't' (the words after "when") as the trigger. */
static void event_trigger(struct dr_ctx *ctx, struct dr_span *t)
{
    struct dr_trigger *tr = &ctx->trigger;
    const char *system = ordo_drafter_connector_named(ctx, t);
    const char *cron;
    size_t at, len;

    tr->name = ordo_drafter_label(ctx->arena, t);
    if (ordo_drafter_schedule(ctx, t, &cron, &at, &len)) {
        tr->kind = DR_TRIG_TIMER;
        tr->timer = cron;
    } else if (system && strcmp(system, "http") != 0 && strcmp(system, "noop") != 0) {
        webhook_trigger(ctx, t, system);
    } else if (ordo_drafter_find(t, t->from, "webhook") != SIZE_MAX) {
        webhook_trigger(ctx, t, "webhook");
    } else if (manual_start(t)) {
        tr->kind = DR_TRIG_NONE;
        ordo_drafter_assume(ctx, "The process is started by hand (or through the API) when %s.",
                            ordo_drafter_span_text(ctx->arena, t));
    } else {
        tr->kind = DR_TRIG_MESSAGE;
        tr->message = ordo_drafter_message_name(ctx, t);
        ordo_drafter_assume(ctx, "The process starts when the message \"%s\" is published.",
                            tr->message);
    }
}

static bool event_verb(const char *w)
{
    static const char *const events[] = {
        "adds",     "added",     "reports", "reported",  "creates",   "created",
        "opens",    "opened",    "labels",  "labelled",  "labeled",   "merged",
        "closed",   "updated",   "changed", "posted",    "submitted", "assigned",
        "hired",    "arrives",   "joins",   "receives",  "received",  "pushed",
        "mentions", "mentioned", "fires",   "registers", NULL};

    for (size_t i = 0; events[i]; i++) {
        if (strcmp(w, events[i]) == 0) {
            return true;
        }
    }
    return false;
}

static bool has_any_verb(const struct dr_span *s)
{
    for (size_t i = s->from; i < s->to; i++) {
        if (ordo_drafter_verb(LOW(s, i))) {
            return true;
        }
    }
    return false;
}

/* The trigger of the first clause: "when ...", a schedule, a system event

 * ("BambooHR reports a new hire"), a manual start. */
static bool first_clause_trigger(struct dr_ctx *ctx, struct dr_clause *c)
{
    static const char *const whens[] = {"when",
                                        "whenever",
                                        "once",
                                        "as soon as",
                                        "each time",
                                        "every time",
                                        "the process starts when",
                                        "it starts when",
                                        "this starts when",
                                        "this runs when",
                                        "starts when",
                                        "triggered when",
                                        "triggered by",
                                        "trigger:",
                                        NULL};
    struct dr_span s = span_of(c);
    const char *cron;
    size_t m, at, len;

    strip_lead(&s);
    if (any_at(&s, s.from, whens, &m)) {
        s.from += m;
        event_trigger(ctx, &s);
        return true;
    }
    if (ordo_drafter_schedule(ctx, &s, &cron, &at, &len) && at <= s.from + 3) {
        ctx->trigger.kind = DR_TRIG_TIMER;
        ctx->trigger.timer = cron;
        ctx->trigger.name = ordo_drafter_label(ctx->arena, &(struct dr_span){c, at, at + len});
        if (at + len < s.to && at == s.from) {
            c->skip = at + len; /* "Every Monday at 9 post the report": the rest is a step */
            return false;
        }
        return true;
    }
    if (manual_start(&s) && ordo_drafter_find(&s, s.from, "start*") != SIZE_MAX) {
        ctx->trigger.kind = DR_TRIG_NONE;
        ctx->trigger.name = "Started by hand";
        return true;
    }
    if (!has_any_verb(&s) && ordo_drafter_connector_named(ctx, &s)) {
        event_trigger(ctx, &s); /* "new hire in bamboohr -> ..." */
        return true;
    }
    for (size_t i = s.from; i < s.to && i < s.from + 6; i++) {
        const char *sys = ordo_drafter_connector_named(ctx, &s);

        if (sys && event_verb(LOW(&s, i)) && !ordo_drafter_verb(LOW(&s, s.from))) {
            event_trigger(ctx, &s);
            return true;
        }
    }
    return false;
}

/* A later sentence that says when the process runs: "This runs every
 * weekday at 8am", "Every Friday at 16:00:". */
static void schedule_trigger(struct dr_ctx *ctx)
{
    static const char *const runs[] = {
        "this runs", "it runs",           "the process runs", "this should run", "run this",
        "runs",      "the workflow runs", "this happens",     "it happens",      "repeat",
        NULL};

    for (size_t k = 0; k < ctx->doc.ncl && !ctx->trigger.cl; k++) {
        struct dr_clause *c = &ctx->doc.cl[k];
        struct dr_span s = span_of(c);
        const char *cron;
        size_t at, len, m;

        strip_lead(&s);
        if (!ordo_drafter_schedule(ctx, &s, &cron, &at, &len) ||
            !(at == s.from || any_at(&s, s.from, runs, &m))) {
            continue;
        }
        ctx->trigger = (struct dr_trigger){.kind = DR_TRIG_TIMER, .cl = c, .timer = cron};
        ctx->trigger.name = ordo_drafter_label(ctx->arena, &(struct dr_span){c, at, at + len});
        if (at == s.from && at + len < s.to) {
            c->skip = at + len;
        } else {
            c->placed++;
        }
    }
}

/* "Onboarding helper. When BambooHR reports a new hire, ...": a "when"
 * opening the second sentence, after a first one that is no step. */
static bool second_sentence_trigger(struct dr_ctx *ctx)
{
    static const char *const whens[] = {"when",      "whenever",   "as soon as",
                                        "each time", "every time", NULL};
    size_t si = ctx->first_sent + 1, m;
    struct dr_clause *c;
    struct dr_span s;

    while (si < ctx->doc.nsent && ctx->doc.sent[si].parent >= 0) {
        si++;
    }
    if (si >= ctx->doc.nsent || ctx->doc.sent[si].ncl == 0 ||
        ctx->doc.sent[ctx->first_sent].ncl > 1) {
        return false;
    }
    c = &ctx->doc.cl[ctx->doc.sent[si].cl0];
    s = span_of(c);
    strip_lead(&s);
    if (!any_at(&s, s.from, whens, &m) || blocking(&s) || !first_clause_trigger(ctx, c)) {
        return false;
    }
    ctx->trigger.cl = c;
    c->placed++;
    return true;
}

/* Is word 'i' inside parentheses? */
static bool in_parens(const struct dr_clause *c, size_t i)
{
    int depth = 0;

    for (size_t k = 0; k < c->w[i].off; k++) {
        depth += c->text[k] == '(';
        depth -= c->text[k] == ')' && depth > 0;
    }
    return depth > 0;
}

/* The variable a phrase of entered data names: its last two content words

 * ("the employee id": employee_id), without a leading adjective. */
static void start_var(struct dr_ctx *ctx, const struct dr_span *s, size_t from, size_t to)
{
    static const char *const adjectives[] = {"new",  "short", "long",    "full",  "first",
                                             "last", "old",   "current", "brief", NULL};
    const char *w[2] = {NULL, NULL};
    const char *var;
    size_t m;

    for (size_t i = from; i < to; i++) {
        if (in_parens(s->c, i)) {
            continue; /* "a model (MacBook or ThinkPad)": the choices, not the variable */
        }
        if (!ordo_drafter_is_stopword(LOW(s, i)) && !ordo_drafter_verb(LOW(s, i)) &&
            !any_at(s, i, adjectives, &m) && LOW(s, i)[0] >= 'a' && LOW(s, i)[0] <= 'z') {
            w[0] = w[1];
            w[1] = LOW(s, i);
        }
    }
    if (!w[1]) {
        return;
    }
    var = ordo_drafter_slug(
        ctx->arena, ordo_arena_printf(ctx->arena, "%s %s", w[0] ? w[0] : "", w[1]), '_', 40);
    if (ordo_drafter_feel_name_ok(var)) {
        json_object_set_new(ctx->start_vars, var, json_true());
    }
}

/* "... and enters the amount and a short description": what the person
 * who starts the process gives. Each phrase (split at "and", "or", ",")
 * names a start variable. */
static void data_clause(struct dr_ctx *ctx, struct dr_clause *c)
{
    struct dr_span s = span_of(c);
    size_t from = s.from;

    for (size_t i = s.from; i <= s.to; i++) {
        bool comma = i > s.from && i < s.to &&
                     memchr(c->text + c->w[i - 1].off + c->w[i - 1].len, ',',
                            c->w[i].off - c->w[i - 1].off - c->w[i - 1].len);

        if (comma) {
            start_var(ctx, &s, from, i);
            from = i;
        }
        if (i == s.to || ordo_drafter_word_is(&s, i, "and") || ordo_drafter_word_is(&s, i, "or") ||
            ordo_drafter_word_is(&s, i, "of") || ordo_drafter_word_is(&s, i, "with")) {
            start_var(ctx, &s, from, i);
            from = i + 1;
        }
    }

    c->placed++;
}

static bool data_verb(const struct dr_span *s)
{
    static const char *const verbs[] = {"give",   "gives",    "enter",     "enters",  "fill",
                                        "fills",  "pick",     "picks",     "provide", "provides",
                                        "choose", "chooses",  "select",    "selects", "type",
                                        "types",  "describe", "describes", "specify", "specifies",
                                        "attach", "attaches", "add",       "adds",    NULL};

    for (size_t i = s->from; i < s->to && i < s->from + 3; i++) {
        size_t m;

        if (any_at(s, i, verbs, &m)) {
            return true;
        }
    }
    return false;
}

/* After a start by hand, the rest of its sentence, and a next sentence
 * about what the person gives ("They pick a model and give a reason"),
 * are the data the process starts with. */
static void start_data(struct dr_ctx *ctx, size_t si, size_t k)
{
    const struct dr_sentence *st = &ctx->doc.sent[si];
    size_t n = json_object_size(ctx->start_vars);

    for (; k < st->cl0 + st->ncl; k++) {
        data_clause(ctx, &ctx->doc.cl[k]);
    }
    if (si + 1 < ctx->doc.nsent && ctx->doc.sent[si + 1].parent < 0 &&
        ctx->doc.sent[si + 1].ncl > 0) {
        st = &ctx->doc.sent[si + 1];
        struct dr_span s = span_of(&ctx->doc.cl[st->cl0]);

        if (data_verb(&s)) {
            for (k = st->cl0; k < st->cl0 + st->ncl; k++) {
                data_clause(ctx, &ctx->doc.cl[k]);
            }
        }
    }
    if (json_object_size(ctx->start_vars) > n) {
        const char *key;
        json_t *v;
        char list[256] = "";

        json_object_foreach(ctx->start_vars, key, v)
        {
            (void)v;
            if (strlen(list) + strlen(key) + 3 < sizeof list) {
                strncat(list, list[0] ? ", " : "", sizeof list - strlen(list) - 1);
                strncat(list, key, sizeof list - strlen(list) - 1);
            }
        }
        ordo_drafter_assume(ctx,
                            "The process starts with the variables %s, which the person "
                            "who starts it enters.",
                            list);
    }
}

static void find_trigger(struct dr_ctx *ctx)

{
    struct dr_clause *c;
    const struct dr_sentence *st;
    size_t k;

    if (ctx->doc.nsent <= ctx->first_sent || ctx->doc.sent[ctx->first_sent].ncl == 0) {
        return;
    }
    st = &ctx->doc.sent[ctx->first_sent];
    for (k = st->cl0; k + 1 < st->cl0 + st->ncl; k++) {
        struct dr_span s = span_of(&ctx->doc.cl[k]);

        strip_lead(&s);
        if (s.from < s.to) {
            break; /* "so basically, um, when ...": the first clause with words */
        }
    }
    c = &ctx->doc.cl[k];

    if (!blocking(&(struct dr_span){c, 0, c->nw}) && first_clause_trigger(ctx, c)) {
        ctx->trigger.cl = c;
        c->placed++;
        if (ctx->trigger.kind == DR_TRIG_NONE) {
            start_data(ctx, ctx->first_sent, k + 1);
        }
        return;
    }
    if (ctx->trigger.kind == DR_TRIG_TIMER) {
        ctx->trigger.cl = c; /* the schedule opened a clause that goes on with a step */
        return;
    }
    if (second_sentence_trigger(ctx)) {
        return;
    }
    schedule_trigger(ctx);
}

/* ---- single steps ---------------------------------------------------------------------- */

/* Every approval answers in the variable "approved": an "if approved" after
 * approvals on alternative paths ("finance signs off, otherwise the team
 * lead approves") reads whichever answered, and a split right after an
 * approval reads its own answer. */
static const char *decision_var(struct dr_ctx *ctx, const struct dr_role *role)
{
    (void)role;
    ctx->napprovals++;
    return "approved";
}

static struct dr_item *approval(struct dr_ctx *ctx, struct dr_clause *c, const struct dr_role *role,
                                struct dr_span obj, bool decide)
{
    struct dr_item *it = ordo_drafter_item(ctx, DR_APPROVAL, c);
    const char *what;

    if (!it) {
        return NULL;
    }
    while (obj.from < obj.to && (ordo_drafter_is_stopword(LOW(&obj, obj.from)) ||
                                 ordo_drafter_word_is(&obj, obj.from, "off"))) {
        obj.from++;
    }
    while (obj.to > obj.from && (ordo_drafter_word_is(&obj, obj.to - 1, "instead") ||
                                 ordo_drafter_word_is(&obj, obj.to - 1, "too") ||
                                 ordo_drafter_word_is(&obj, obj.to - 1, "well"))) {
        obj.to -= ordo_drafter_word_is(&obj, obj.to - 1, "well") &&
                          ordo_drafter_word_is(&obj, obj.to - 2, "as")
                      ? 2
                      : 1;
    }

    what = obj.from < obj.to ? ordo_drafter_span_text(ctx->arena, &obj) : "the request";
    it->name = ordo_drafter_plain(
        ctx->arena, ordo_arena_printf(ctx->arena, "%s %s", decide ? "Decide" : "Approve", what),
        DR_NAME_MAX);
    if (role && role->name) {
        it->role = *role;
    } else {
        it->role = (struct dr_role){"Approver", "approvers", NULL};
        ordo_drafter_assume(ctx, "\"%s\" goes to the group approvers (no approver was named).",
                            it->name);
    }
    it->var = decision_var(ctx, &it->role);
    it->implicit_split = true;
    ctx->last_approval = it;
    ctx->last_role = it->role;
    return it;
}

/* The length of an approving verb phrase at 'i': "approve", "signs off",
 * "reviews and approves", "gives approval", "OKs". */
static size_t approve_at(const struct dr_span *s, size_t i, bool *decide)
{
    static const char *const phrases[] = {"review and approve",
                                          "reviews and approves",
                                          "check and approve",
                                          "checks and approves",
                                          "sign off",
                                          "signs off",
                                          "sign-off",
                                          "signs-off",
                                          "give approval",
                                          "gives approval",
                                          "approve",
                                          "approves",
                                          "approved",
                                          "authorize",
                                          "authorizes",
                                          "authorise",
                                          "authorises",
                                          "ok",
                                          "oks",
                                          "okays",
                                          "give the go-ahead",
                                          "gives the go-ahead",
                                          NULL};
    static const char *const decides[] = {"decide whether", "decides whether", "decide if",
                                          "decides if", NULL};
    size_t m;

    const char *v;

    *decide = false;
    if (any_at(s, i, decides, &m)) {
        *decide = true;
        return m;
    }
    if (any_at(s, i, phrases, &m)) {
        return m;
    }
    /* Other forms of "approve" ("aprove", a typo the verb list knows),
     * but not the words that say no. */
    v = i < s->to ? ordo_drafter_verb(LOW(s, i)) : NULL;
    if (v && strcmp(v, "approve") == 0 && strncmp(LOW(s, i), "reject", 6) != 0 &&
        strncmp(LOW(s, i), "declin", 6) != 0 && strncmp(LOW(s, i), "den", 3) != 0 &&
        strncmp(LOW(s, i), "accept", 6) != 0 && strncmp(LOW(s, i), "sign", 4) != 0) {
        return 1;
    }
    return 0;
}

static size_t skip_modals(const struct dr_span *s, size_t i)
{
    size_t m;

    while (i < s->to &&
           (any_at(s, i, modals, &m) || ordo_drafter_word_is(s, i, "then") ||
            ordo_drafter_word_is(s, i, "also") || ordo_drafter_word_is(s, i, "first"))) {
        i += m ? m : 1;
        m = 0;
    }
    return i;
}

/* "ask X to approve", "get approval from X", "send Y to X for approval",
 * "Y must be approved by X", "X approves Y". */
static bool approval_clause(struct dr_ctx *ctx, struct dr_clause *c, const struct dr_span *s,
                            struct dr_block *out)
{
    static const char *const asks[] = {"ask",  "asks",    "have",     "has",  "let",      "get",
                                       "gets", "request", "requests", "tell", "wait for", NULL};
    static const char *const needs[] = {
        "get approval from",        "gets approval from",     "request approval from",
        "requests approval from",   "ask for approval from",  "asks for approval from",
        "need approval from",       "needs approval from",    "require approval from",
        "requires approval from",   "seek approval from",     "get sign-off from",
        "get a sign-off from",      "wait for approval from", "get an approval from",
        "request an approval from", "needs sign-off from",    NULL};
    static const char *const passive[] = {"must be approved by",
                                          "needs to be approved by",
                                          "has to be approved by",
                                          "is approved by",
                                          "gets approved by",
                                          "should be approved by",
                                          "be approved by",
                                          "approved by",
                                          NULL};
    struct dr_role role = {0};
    size_t m, r, at, i = s->from;
    bool decide;

    if (any_at(s, i, needs, &m) && (r = ordo_drafter_role_at(ctx, s, i + m, &role))) {
        size_t f = ordo_drafter_find(s, i + m + r, "for");

        ordo_drafter_push(ctx, out,
                          approval(ctx, c, &role,
                                   (struct dr_span){s->c, f == SIZE_MAX ? s->to : f + 1, s->to},
                                   false));
        return true;
    }
    if ((at = ordo_drafter_find_any(s, i, passive, &m)) != SIZE_MAX &&
        ordo_drafter_role_at(ctx, s, at + m, &role)) {
        ordo_drafter_push(ctx, out, approval(ctx, c, &role, (struct dr_span){s->c, i, at}, false));
        return true;
    }
    if (any_at(s, i, asks, &m) && (r = ordo_drafter_role_at(ctx, s, i + m, &role))) {
        size_t v = skip_modals(s, i + m + r);
        size_t a = approve_at(s, v, &decide);

        if (a) {
            ordo_drafter_push(
                ctx, out, approval(ctx, c, &role, (struct dr_span){s->c, v + a, s->to}, decide));
            return true;
        }
    }
    if ((r = ordo_drafter_role_at(ctx, s, i, &role))) {
        size_t v = skip_modals(s, i + r);
        size_t a = approve_at(s, v, &decide);

        if (a) {
            ordo_drafter_push(
                ctx, out, approval(ctx, c, &role, (struct dr_span){s->c, v + a, s->to}, decide));
            return true;
        }
    }
    /* "send the invoice to finance for approval" */
    if ((at = ordo_drafter_find(s, i, "for approval")) != SIZE_MAX ||
        (at = ordo_drafter_find(s, i, "for sign-off")) != SIZE_MAX) {
        size_t to = ordo_drafter_find(s, i, "to");

        if (to != SIZE_MAX && to < at && ordo_drafter_role_at(ctx, s, to + 1, &role)) {
            ordo_drafter_push(ctx, out,
                              approval(ctx, c, &role, (struct dr_span){s->c, i + 1, to}, false));
            return true;
        }
    }
    return false;
}

/* A name in the imperative: "HR checks the documents" gives "Check the
 * documents". */
static const char *command_label(struct dr_ctx *ctx, const struct dr_span *what)
{
    const char *label = ordo_drafter_label(ctx->arena, what);
    const struct dr_word *w = &what->c->w[what->from];
    const char *base = ordo_drafter_verb_base(w->low);

    if (!base || strcmp(base, w->low) == 0 || strncasecmp(label, w->low, w->len) != 0) {
        return label;
    }
    return ordo_drafter_plain(
        ctx->arena,
        ordo_arena_printf(ctx->arena, "%c%s%s", base[0] - 'a' + 'A', base + 1, label + w->len),
        DR_NAME_MAX);
}

static struct dr_item *user_task(struct dr_ctx *ctx, struct dr_clause *c,
                                 const struct dr_role *role, struct dr_span what)
{
    struct dr_item *it = ordo_drafter_item(ctx, DR_USER, c);

    if (it) {
        it->role = *role;
        it->name = command_label(ctx, &what);
        ctx->last_role = *role;
    }
    return it;
}

/* "If nobody answers within 3 days, escalate to the CFO": the role takes
 * over the task the timer stopped (the builder copies its question). */
static bool takeover_clause(struct dr_ctx *ctx, struct dr_clause *c, const struct dr_span *s,
                            struct dr_block *out)
{
    static const char *const verbs[] = {"escalate",  "escalates",  "reassign",     "reassigns",
                                        "hand over", "hands over", "hand it over", "pass",
                                        "passes",    "forward",    "forwards",     "escalate it",
                                        NULL};
    struct dr_role role = {0};
    struct dr_item *it;
    size_t m, to;

    if (!any_at(s, s->from, verbs, &m)) {
        return false;
    }
    to = ordo_drafter_find(s, s->from + m, "to");
    if (to == SIZE_MAX || !ordo_drafter_role_at(ctx, s, to + 1, &role)) {
        role = (struct dr_role){"Director", "directors", NULL};
        ordo_drafter_assume(ctx, "Escalations go to the group directors (no one was named).");
    }
    it = ordo_drafter_item(ctx, DR_USER, c);
    if (it) {
        it->role = role;
        it->takeover = true;
        it->name = "Escalated";
    }
    ordo_drafter_push(ctx, out, it);
    return true;
}

static struct dr_item *action_item(struct dr_ctx *ctx, struct dr_clause *c, const json_t *action,
                                   struct dr_span s)
{
    struct dr_item *it = ordo_drafter_item(ctx, DR_ACTION, c);

    if (it) {
        const char *id = json_string_value(json_object_get(action, "id"));

        it->action = action;
        it->span = s;
        it->name = ordo_drafter_label(ctx->arena, &s);
        ctx->last_connector = ordo_arena_strndup(ctx->arena, id, strcspn(id, "."));
    }

    return it;
}

/* "HR prepares the desk", "ask IT to set up the laptop": a person's work,
 * unless a named system's action matches. */
static bool role_clause(struct dr_ctx *ctx, struct dr_clause *c, const struct dr_span *s,
                        struct dr_block *out)
{
    static const char *const asks[] = {"ask", "asks", "have", "has", "let", "tell", "get", NULL};
    struct dr_role role = {0};
    size_t m = 0, r, v;
    int score;
    const json_t *action;
    struct dr_span what;

    if (any_at(s, s->from, asks, &m) && (r = ordo_drafter_role_at(ctx, s, s->from + m, &role))) {
        v = skip_modals(s, s->from + m + r);
    } else if ((r = ordo_drafter_role_at(ctx, s, s->from, &role))) {
        v = skip_modals(s, s->from + r);
        m = 0;
    } else {
        return false;
    }
    if (v >= s->to || !ordo_drafter_verb(LOW(s, v))) {
        return false;
    }
    what = (struct dr_span){s->c, v, s->to};
    action = ordo_drafter_match(ctx, &what, &score);
    if (action && ordo_drafter_connector_named(ctx, &what)) {
        ordo_drafter_push(ctx, out, action_item(ctx, c, action, what));
        return true;
    }
    ordo_drafter_push(ctx, out, user_task(ctx, c, &role, what));
    return true;
}

static void timer_item(struct dr_ctx *ctx, struct dr_clause *c, const char *iso,
                       struct dr_block *out)
{
    struct dr_item *it = ordo_drafter_item(ctx, DR_TIMER, c);

    if (it) {
        it->timer = iso;
        it->name = ordo_arena_printf(ctx->arena, "Wait %s", ordo_drafter_duration_text(ctx, iso));
    }
    ordo_drafter_push(ctx, out, it);
}

static void message_item(struct dr_ctx *ctx, struct dr_clause *c, struct dr_span what,
                         struct dr_block *out)
{
    struct dr_item *it;
    const char *msg;

    while (what.from < what.to && (ordo_drafter_is_stopword(LOW(&what, what.from)) ||
                                   ordo_drafter_word_is(&what, what.from, "message"))) {
        what.from++;
    }
    msg = ordo_drafter_message_name(ctx, &what);

    if (!msg[0]) {
        ordo_drafter_unplace(c, "it does not say what to wait for");
        return;
    }
    it = ordo_drafter_item(ctx, DR_MESSAGE, c);
    if (it) {
        it->message = msg;
        it->name = ordo_drafter_label(ctx->arena, &what);
        ordo_drafter_assume(ctx, "\"%s\" waits for the message \"%s\", published to this instance.",
                            it->name, msg);
    }
    ordo_drafter_push(ctx, out, it);
}

/* "wait 2 days", "wait for the contract to be signed", "pause for an hour". */
static bool wait_clause(struct dr_ctx *ctx, struct dr_clause *c, const struct dr_span *s,
                        struct dr_block *out)
{
    static const char *const waits[] = {"wait for",    "waits for", "wait until",
                                        "waits until", "wait",      "waits",
                                        "pause for",   "pause",     NULL};
    struct dr_span rest;
    const char *iso;
    size_t m, at;

    if (!any_at(s, s->from, waits, &m)) {
        return false;
    }
    rest = (struct dr_span){s->c, s->from + m, s->to};
    if (ordo_drafter_find_duration(ctx, &rest, &iso, &at)) {
        timer_item(ctx, c, iso, out);
        return true;
    }
    if (approval_clause(ctx, c, &rest, out)) {
        return true;
    }
    message_item(ctx, c, rest, out);
    return true;
}

static bool end_clause(struct dr_ctx *ctx, struct dr_clause *c, const struct dr_span *s,
                       struct dr_block *out)
{
    static const char *const ends[] = {"stop",
                                       "stops",
                                       "end",
                                       "ends",
                                       "the process ends",
                                       "the process stops",
                                       "that's it",
                                       "done",
                                       "finish",
                                       "the request is closed",
                                       "end the process",
                                       "stop the process",
                                       "cancel the process",
                                       "the process is cancelled",
                                       "nothing else happens",
                                       "the process is done",
                                       "the process finishes",
                                       "close the request",
                                       "reject the request",
                                       "cancel the request",
                                       "it ends",
                                       "it stops",
                                       NULL};
    static const char *const errors[] = {"with an error",  "with error",     "fail", "fails",
                                         "raise an error", "throw an error", NULL};
    size_t m, at;
    struct dr_item *it;

    if (!any_at(s, s->from, ends, &m) && !any_at(s, s->from, errors, &m)) {
        return false;
    }
    if (s->from + m < s->to && ordo_drafter_find_any(s, s->from, errors, &at) == SIZE_MAX &&
        !ordo_drafter_word_is(s, s->from + m, "here") &&
        !ordo_drafter_word_is(s, s->from + m, "there")) {
        return false; /* "end the week with a report": more words than an end */
    }
    it = ordo_drafter_item(ctx, DR_END, c);
    if (it) {
        it->error = ordo_drafter_find_any(s, s->from, errors, &at) != SIZE_MAX;
        it->name = it->error ? "Failed" : "Stopped";
    }
    ordo_drafter_push(ctx, out, it);
    return true;
}

/* "go back to step 2", "goes back to the manager", "start over", "try
 * again". */
static bool loop_clause(struct dr_ctx *ctx, struct dr_clause *c, const struct dr_span *s,
                        struct dr_block *out)
{
    static const char *const loops[] = {"go back to",    "goes back to",
                                        "going back to", "loop back to",
                                        "loops back to", "jump back to",
                                        "return to",     "returns to",
                                        "repeat from",   "repeats from",
                                        "start over",    "starts over",
                                        "repeat step",   "back to",
                                        "try again",     "tries again",
                                        "check again",   "checks again",
                                        "repeat",        "repeats",
                                        "retry",         NULL};
    struct dr_item *it;
    size_t m, at = ordo_drafter_find_any(s, s->from, loops, &m);

    /* "the process goes back to step 5": the subject is allowed */
    if (at == SIZE_MAX || at > s->from + 3) {
        return false;
    }
    if (out->n > 0 && out->v[out->n - 1]->kind == DR_LOOP &&
        ordo_drafter_find(s, s->from, "again") != SIZE_MAX) {
        c->placed++; /* "... and checks again" after "goes back to ..." */
        return true;
    }
    it = ordo_drafter_item(ctx, DR_LOOP, c);
    if (!it) {
        return true;
    }
    it->loop_ref = (struct dr_span){s->c, at + m, s->to};
    if (ordo_drafter_word_is(s, at + m, "step") && at + m + 1 < s->to) {
        it->loop_step = (int)strtol(LOW(s, at + m + 1), NULL, 10);
    } else if (ordo_drafter_word_is(s, at + m - 1, "step") && at + m < s->to) {
        it->loop_step = (int)strtol(LOW(s, at + m), NULL, 10);
    }
    it->name = "Back";
    ordo_drafter_push(ctx, out, it);
    return true;
}

/* A step with a verb: a person's work, or an action of the catalogue. */
/* A duration, or "hour", "day", "week" alone (after "every"). */
static size_t every_duration(struct dr_ctx *ctx, const struct dr_span *s, size_t i,
                             const char **iso)
{
    static const char *const units[][2] = {
        {"minute", "PT1M"}, {"hour", "PT1H"}, {"day", "P1D"}, {"week", "P1W"}, {"morning", "P1D"}};
    size_t m = ordo_drafter_duration_at(ctx, s, i, iso);

    for (size_t k = 0; !m && k < sizeof units / sizeof units[0]; k++) {
        if (ordo_drafter_word_is(s, i, units[k][0])) {
            *iso = units[k][1];
            m = 1;
        }
    }
    return m;
}

static bool step_clause(struct dr_ctx *ctx, struct dr_clause *c, struct dr_span s,

                        struct dr_block *out)
{
    const json_t *action;
    int score;
    const char *iso;
    size_t at, m;

    /* "after 2 days, send a reminder", "send a reminder 2 days later";
     * "every 2 hours, get the issue" once the process runs: a wait */
    if ((ordo_drafter_word_is(&s, s.from, "after") || ordo_drafter_word_is(&s, s.from, "in") ||
         ordo_drafter_word_is(&s, s.from, "every") || ordo_drafter_word_is(&s, s.from, "each")) &&
        (m = every_duration(ctx, &s, s.from + 1, &iso))) {
        timer_item(ctx, c, iso, out);
        s.from += 1 + m;
        strip_lead(&s);
        if (s.from >= s.to) {
            return true;
        }
    } else if ((m = ordo_drafter_find_duration(ctx, &s, &iso, &at)) && at > s.from + 1 &&
               (ordo_drafter_word_is(&s, at - 1, "after") ||
                ordo_drafter_word_is(&s, at + m, "later") ||
                (ordo_drafter_word_is(&s, at - 1, "in") && at + m == s.to))) {
        timer_item(ctx, c, iso, out);
        s.to = at - (ordo_drafter_word_is(&s, at + m, "later") ? 0 : 1);
    }
    if (takeover_clause(ctx, c, &s, out) || approval_clause(ctx, c, &s, out) ||
        role_clause(ctx, c, &s, out) ||

        wait_clause(ctx, c, &s, out) || loop_clause(ctx, c, &s, out)) {
        return true;
    }
    action = ordo_drafter_match(ctx, &s, &score);
    if (action) {
        ordo_drafter_push(ctx, out, action_item(ctx, c, action, s));
        return true;
    }
    return end_clause(ctx, c, &s, out);
}

/* ---- sentences ------------------------------------------------------------------------------ */

struct range {
    size_t si;     /* the sentence */
    size_t a, b;   /* its clauses, indexes into doc.cl */
    bool children; /* the sentence's sub-items belong to this range */
    int depth;
};

struct range_out {
    bool parallel;      /* "at the same time": the items are branches */
    bool children_used; /* a structure took the sub-items */
};

static void parse_range(struct dr_ctx *ctx, const struct range *r, struct dr_block *out,
                        struct range_out *ro);
static void parse_sentence(struct dr_ctx *ctx, size_t si, struct dr_block *out, int depth);

static void parse_children(struct dr_ctx *ctx, size_t si, struct dr_block *out, int depth)
{
    for (size_t k = si + 1; k < ctx->doc.nsent; k++) {
        if (ctx->doc.sent[k].parent == (int)si) {
            parse_sentence(ctx, k, out, depth + 1);
        }
    }
}

static size_t marker_len(const struct dr_span *s, const char *const *markers)
{
    size_t m;

    return any_at(s, s->from, markers, &m) ? m : 0;
}

static const char *const parallel_markers[] = {"at the same time",
                                               "in parallel",
                                               "meanwhile",
                                               "simultaneously",
                                               "concurrently",
                                               "in the meantime",
                                               "while",
                                               "parallel to that",
                                               "in parallel with that",
                                               "at the same time as",
                                               "all at once",
                                               "parallel",
                                               "do in parallel",
                                               NULL};
static const char *const else_markers[] = {
    "otherwise",         "else", "or else", "if that is not the case", "in all other cases",
    "in any other case", NULL};
/* These mean "otherwise" only alone: "if not, ..."; "if not found" is a
 * condition. */
static const char *const else_alone[] = {
    "if not",       "if no",       "if they don't", "if they do not",
    "if it is not", "if it isn't", "if not so",     NULL};

/* The length of an "otherwise" marker at the start of 's', or 0. */
static size_t else_len(const struct dr_span *s)
{
    size_t m = marker_len(s, else_markers);

    if (!m && (m = marker_len(s, else_alone)) && s->from + m != s->to) {
        m = 0;
    }
    return m;
}
static const char *const escalation_words[] = {
    "nobody",     "no one",        "noone",       "no answer",    "no response",
    "no reply",   "no decision",   "no reaction", "not answered", "not approved",
    "not been",   "hasn't",        "haven't",     "doesn't",      "don't",
    "still open", "still pending", "not done",    "not respond",  "not decided",
    "dont",       "doesnt",        "hasnt",       "havent",       "didnt",
    "not answer", "not react",     NULL};

/* The body of a structure: clauses [a, b) of the sentence, and its
 * sub-items when 'children'. */
static void parse_body(struct dr_ctx *ctx, const struct range *r, size_t a, size_t b, bool children,
                       struct dr_block *body)
{
    struct range sub = {r->si, a, b, children, r->depth + 1};
    struct range_out ro = {0};
    struct dr_block tmp = {0};

    if (r->depth + 1 > DR_MAX_DEPTH) {
        for (size_t k = a; k < b; k++) {
            ordo_drafter_unplace(&ctx->doc.cl[k], "nested deeper than the drafter follows");
        }
        return;
    }
    parse_range(ctx, &sub, &tmp, &ro);
    if (children && !ro.children_used) {
        parse_children(ctx, r->si, &tmp, r->depth + 1);
    }
    for (size_t k = 0; k < tmp.n; k++) {
        ordo_drafter_push(ctx, body, tmp.v[k]);
    }
}

/* Where "otherwise" starts among clauses [a, b), or b. */
static size_t else_clause(struct dr_ctx *ctx, size_t a, size_t b)
{
    for (size_t k = a; k < b; k++) {
        struct dr_span s = span_of(&ctx->doc.cl[k]);

        strip_lead(&s);
        if (else_len(&s)) {
            return k;
        }
    }
    return b;
}

/* "If nobody answers within 2 days, remind them": an ESCALATE. */
static bool escalation(struct dr_ctx *ctx, const struct range *r, size_t k, struct dr_span cond,
                       struct dr_block *out, struct range_out *ro)
{
    static const char *const takeover[] = {
        "escalate",  "escalates", "reassign", "reassigns", "instead", "take over", "takes over",
        "hand over", "cancel",    "cancels",  "reject",    "close",   NULL};
    struct dr_item *it;
    const char *iso;
    size_t at, m;

    if (ordo_drafter_find_any(&cond, cond.from, escalation_words, &m) == SIZE_MAX ||
        !ordo_drafter_find_duration(ctx, &cond, &iso, &at)) {
        return false;
    }
    it = ordo_drafter_item(ctx, DR_ESCALATE, &ctx->doc.cl[k]);
    if (!it) {
        return true;
    }
    it->timer = iso;
    it->name =
        ordo_arena_printf(ctx->arena, "No answer in %s", ordo_drafter_duration_text(ctx, iso));
    parse_body(ctx, r, k + 1, r->b, r->children, &it->then);
    ro->children_used = r->children;
    if (it->then.n == 0 && out->n > 0 && out->v[out->n - 1]->kind != DR_ESCALATE) {
        /* "Remind the manager if nobody answers within 2 days" */
        ordo_drafter_push(ctx, &it->then, out->v[--out->n]);
    }
    for (size_t j = k + 1; j < r->b; j++) {
        struct dr_span s = span_of(&ctx->doc.cl[j]);

        if (ordo_drafter_find_any(&s, s.from, takeover, &m) != SIZE_MAX) {
            it->interrupting = true;
        }
    }
    ordo_drafter_push(ctx, out, it);
    return true;
}

/* An IF over clauses [k+1, b): its branch up to "otherwise", and the
 * other branch after it. */
static void if_clause(struct dr_ctx *ctx, const struct range *r, size_t k, struct dr_span cond,
                      bool negate, struct dr_block *out, struct range_out *ro)
{
    struct dr_clause *c = &ctx->doc.cl[k];
    size_t e = else_clause(ctx, k + 1, r->b);
    struct dr_item *it;
    struct dr_cond dc;

    if (!ordo_drafter_condition(ctx, &cond, ctx->last_approval ? ctx->last_approval->var : NULL,
                                &dc)) {
        ordo_drafter_unplace(c, "the condition could not be read");
        return;
    }
    it = ordo_drafter_item(ctx, DR_IF, c);
    if (!it) {
        return;
    }
    if (negate) {
        const char *t = dc.feel;

        dc.feel = dc.neg;
        dc.neg = t;
        dc.negated = !dc.negated;
    }
    it->cond = dc;
    it->name = dc.question;
    ctx->last_if = it;

    parse_body(ctx, r, k + 1, e, r->children && e == r->b, &it->then);
    if (e < r->b) {
        struct dr_span s = span_of(&ctx->doc.cl[e]);

        strip_lead(&s);
        ctx->doc.cl[e].skip = s.from + else_len(&s);
        ctx->doc.cl[e].placed++;
        parse_body(ctx, r, e, r->b, r->children, &it->otherwise);
    }
    ro->children_used = r->children;
    if (it->then.n == 0 && it->otherwise.n == 0 && out->n > 0) {
        /* "Notify finance if the amount is over 1000" */
        ordo_drafter_push(ctx, &it->then, out->v[--out->n]);
    }
    ordo_drafter_push(ctx, out, it);
}

/* "Otherwise, ..." opening a sentence: the other branch of the IF before. */
static void else_sentence(struct dr_ctx *ctx, const struct range *r, size_t k, struct dr_block *out,
                          struct range_out *ro)
{
    struct dr_item *it = ordo_drafter_item(ctx, DR_IF, &ctx->doc.cl[k]);

    if (!it) {
        return;
    }
    it->else_only = true;
    parse_body(ctx, r, k, r->b, r->children, &it->otherwise);
    ro->children_used = r->children;
    ordo_drafter_push(ctx, out, it);
}

/* "when the ticket is resolved, ..." after the start: a condition when it
 * compares or decides, else a wait for a message. */
/* Does 's' name the value or the variable the last condition tested? */
static bool restates_last_if(const struct dr_ctx *ctx, const struct dr_span *s)
{
    const struct dr_cond *c = ctx->last_if ? &ctx->last_if->cond : NULL;

    if (!c || c->decision) {
        return false;
    }
    for (size_t i = s->from; i < s->to; i++) {
        if ((c->value && strcasecmp(LOW(s, i), c->value) == 0) || strcmp(LOW(s, i), c->var) == 0) {
            return true;
        }
    }
    return false;
}

static bool when_clause(struct dr_ctx *ctx, const struct range *r, size_t k, struct dr_span s,
                        struct dr_block *out, struct range_out *ro)
{
    static const char *const whens[] = {"when", "whenever", "once", "as soon as", "after", NULL};
    struct dr_cond dc;
    const char *iso;
    size_t m, at;

    if (!any_at(&s, s.from, whens, &m) || s.from + m >= s.to) {
        return false;
    }
    s.from += m;
    if (ordo_drafter_duration_at(ctx, &s, s.from, &iso)) {
        return false; /* "after 2 days, ...": a step with a wait */
    }
    if (ordo_drafter_find_duration(ctx, &s, &iso, &at) == 0 &&
        ordo_drafter_condition(ctx, &s, ctx->last_approval ? ctx->last_approval->var : NULL, &dc) &&
        (dc.decision || dc.type == DR_COND_NUMBER)) {
        if_clause(ctx, r, k, s, false, out, ro);
        return true;
    }
    if (restates_last_if(ctx, &s)) {
        ctx->doc.cl[k].placed++; /* "Once it is Done, ..." after "If it is not Done, ..." */
        return true;
    }
    message_item(ctx, &ctx->doc.cl[k], s, out);
    return true;
}

/* "... until it is resolved": repeat the step before, with a pause, until
 * the condition holds. */
static bool until_clause(struct dr_ctx *ctx, struct dr_clause *c, struct dr_span s,
                         struct dr_block *out)
{
    struct dr_item *it, *wait, *loop, *prev;
    struct dr_span ps;
    const char *iso = NULL;
    size_t at;

    if (!ordo_drafter_word_is(&s, s.from, "until") || out->n == 0 ||
        (out->v[out->n - 1]->kind != DR_ACTION && out->v[out->n - 1]->kind != DR_USER)) {
        return false;
    }
    prev = out->v[out->n - 1];
    s.from++;
    ps = span_of(prev->cl);
    if (!ordo_drafter_find_duration(ctx, &ps, &iso, &at)) {
        size_t e = ordo_drafter_find(&ps, ps.from, "every");

        iso = e != SIZE_MAX && ordo_drafter_word_is(&ps, e + 1, "day") ? "P1D" : "PT1H";
        if (e == SIZE_MAX || !ordo_drafter_word_is(&ps, e + 1, "hour")) {
            ordo_drafter_assume(ctx, "\"%s\" is repeated every %s until it succeeds.", prev->name,
                                iso);
        }
    }
    it = ordo_drafter_item(ctx, DR_IF, c);
    wait = ordo_drafter_item(ctx, DR_TIMER, c);
    loop = ordo_drafter_item(ctx, DR_LOOP, c);
    if (!it || !wait || !loop ||
        !ordo_drafter_condition(ctx, &s, ctx->last_approval ? ctx->last_approval->var : NULL,
                                &it->cond)) {
        ordo_drafter_unplace(c, "the condition could not be read");
        return true;
    }
    it->name = it->cond.question;
    wait->timer = iso;
    wait->name = ordo_arena_printf(ctx->arena, "Wait %s", ordo_drafter_duration_text(ctx, iso));
    loop->name = "Again";
    loop->loop_ref = span_of(prev->cl);
    ordo_drafter_push(ctx, &it->otherwise, wait);
    ordo_drafter_push(ctx, &it->otherwise, loop);
    ordo_drafter_push(ctx, out, it);
    return true;
}

/* "the following activities shall be carried out in parallel", "do steps 9
 * and 10 at the same time", "create X and Y in parallel": the marker at the
 * end. Words that only point at the steps ("the following", "steps 9 and
 * 10", which are remembered) leave nothing to place. */
static bool parallel_tail(struct dr_ctx *ctx, struct dr_span *s)
{
    static const char *const tails[] = {"in parallel",  "at the same time", "simultaneously",
                                        "concurrently", "all at once",      NULL};
    static const char *const pointers[] = {"following", "steps",    "these", "both",
                                           "all of",    "the next", NULL};
    size_t m, at = ordo_drafter_find_any(s, s->from, tails, &m);

    if (at == SIZE_MAX) {
        return false;
    }
    if (at + m == s->to) {
        s->to = at;
    }
    if (ordo_drafter_find_any(s, s->from, pointers, &m) == SIZE_MAX) {
        return true;
    }
    for (size_t i = s->from; i < s->to && ctx->npar_steps < 8; i++) {
        long n = strtol(LOW(s, i), NULL, 10);

        if (n > 0 && n < 1000 &&
            ordo_drafter_word_is(s, i - 1, "steps") + ordo_drafter_word_is(s, i - 1, "and") +
                    ordo_drafter_word_is(s, i - 1, "step") >
                0) {
            ctx->par_steps[ctx->npar_steps++] = (int)n;
        }
    }
    s->from = s->to; /* nothing else in it */
    return true;
}

static bool chatter_only(const struct dr_clause *c)
{
    for (size_t i = c->skip; i < c->lim; i++) {
        if (ordo_drafter_is_chatter(c->w[i].low)) {
            return true;
        }
    }
    return false;
}

static void one_clause(struct dr_ctx *ctx, const struct range *r, size_t k, struct dr_block *out,

                       struct range_out *ro, bool *rest_taken)
{
    static const char *const ifs[] = {"if", "in case", "in the case that", "should", NULL};
    static const char *const nothing[] = {
        "do nothing", "nothing happens", "nothing",  "no action",    "skip it", "carry on",
        "ignore it",  "just continue",   "continue", "keep waiting", NULL};

    struct dr_clause *c = &ctx->doc.cl[k];
    struct dr_span s = span_of(c);
    size_t m;

    strip_lead(&s);
    if ((m = marker_len(&s, parallel_markers))) {
        ro->parallel = true;
        c->placed++;
        s.from += m;
        strip_lead(&s);
    } else if (parallel_tail(ctx, &s)) {
        ro->parallel = true;
        c->placed++;
    }
    if (s.from >= s.to) {
        if (chatter_only(c)) {
            ordo_drafter_unplace(c, "only filler words, nothing to do");
        } else {
            c->placed++; /* "then", "and": the order, which the process has */
        }
        return;
    }
    if (else_len(&s) && r->a == k) {
        c->skip = s.from + else_len(&s);
        c->placed++;
        else_sentence(ctx, r, k, out, ro);
        *rest_taken = true;
        return;
    }
    if ((m = marker_len(&s, ifs)) || ordo_drafter_word_is(&s, s.from, "unless")) {
        bool unless = m == 0;
        struct dr_span cond = {c, s.from + (unless ? 1 : m), s.to};

        if (!escalation(ctx, r, k, cond, out, ro)) {
            if_clause(ctx, r, k, cond, unless, out, ro);
        }
        *rest_taken = true;
        return;
    }
    if (marker_len(&s, nothing)) {
        c->placed++; /* "otherwise do nothing": an empty branch */
        return;
    }
    if (when_clause(ctx, r, k, s, out, ro) || until_clause(ctx, c, s, out) ||
        step_clause(ctx, c, s, out)) {
        return;
    }
    ordo_drafter_unplace(c, ordo_drafter_verb(LOW(&s, s.from)) ? r_no_action : r_no_step);
}

static void parse_range(struct dr_ctx *ctx, const struct range *r, struct dr_block *out,
                        struct range_out *ro)
{
    for (size_t k = r->a; k < r->b; k++) {
        bool rest_taken = false;

        if (ctx->doc.cl[k].placed && !ctx->doc.cl[k].skip) {
            continue; /* the trigger */
        }
        if (ctx->doc.cl[k].reason) {
            continue;
        }
        if (ctx->doc.cl[k].lim - ctx->doc.cl[k].skip > DR_MAX_WORDS) {
            ordo_drafter_unplace(&ctx->doc.cl[k], "a clause too long to read as one step");
            continue;
        }
        one_clause(ctx, r, k, out, ro, &rest_taken);
        if (rest_taken) {
            return;
        }
    }
}

/* ---- joining a sentence's items to the block ------------------------------------------- */

static struct dr_item *last_item(struct dr_block *b, enum dr_kind skip)
{
    for (size_t k = b->n; k > 0; k--) {
        if (b->v[k - 1]->kind != skip) {
            return b->v[k - 1];
        }
    }
    return NULL;
}

static void attach_else(struct dr_ctx *ctx, struct dr_block *out, struct dr_item *it)
{
    struct dr_item *prev = last_item(out, DR_ESCALATE);

    if (prev && prev->kind == DR_IF && prev->otherwise.n == 0) {
        prev->otherwise = it->otherwise;
        return;
    }
    if (prev && prev->kind == DR_APPROVAL) {
        /* "Otherwise, tell IT" after an approval: the declined branch. */
        it->else_only = false;
        it->cond.decision = true;
        it->cond.var = prev->var;
        it->cond.rest = "";
        it->cond.feel = ordo_arena_printf(ctx->arena, "=%s", prev->var);
        it->cond.neg = ordo_arena_printf(ctx->arena, "=not(%s)", prev->var);
        it->cond.question = ordo_arena_printf(ctx->arena, "%s?", prev->name);
        it->name = it->cond.question;
        prev->implicit_split = false;
        ordo_drafter_push(ctx, out, it);
        return;
    }
    ordo_drafter_unplace(it->cl, "\"otherwise\" without an \"if\" or an approval before it");
    it->cl->placed = 0;
    for (size_t k = 0; k < it->otherwise.n; k++) {
        ordo_drafter_unplace(it->otherwise.v[k]->cl,
                             "follows an \"otherwise\" that could not be placed");
        it->otherwise.v[k]->cl->placed = 0;
    }
}

/* An "if approved" decides for the approvals before it (back to the last
 * such "if"): they get no split of their own. */
static bool clear_splits(struct dr_block *b)
{
    for (size_t k = b->n; k > 0; k--) {
        struct dr_item *it = b->v[k - 1];

        if (it->kind == DR_IF && it->cond.decision) {
            return true;
        }
        if (it->kind == DR_APPROVAL) {
            it->implicit_split = false;
        } else if (it->kind == DR_IF) {
            clear_splits(&it->then);
            clear_splits(&it->otherwise);
        } else if (it->kind == DR_PARALLEL) {
            for (size_t j = 0; j < it->nbranches; j++) {
                clear_splits(&it->branches[j]);
            }
        }
    }
    return false;
}

static void merge_item(struct dr_ctx *ctx, struct dr_block *out, struct dr_item *it)

{
    struct dr_item *prev = last_item(out, DR_ESCALATE);

    if (it->kind == DR_IF && it->else_only) {
        attach_else(ctx, out, it);
        return;
    }
    if (it->kind == DR_IF && it->cond.decision && prev && prev->kind == DR_IF &&
        prev->cond.decision && prev->otherwise.n == 0 && prev->cond.negated != it->cond.negated &&
        strcmp(prev->cond.var, it->cond.var) == 0) {
        prev->otherwise = it->then; /* "If they approve, ... If they reject, ..." */
        return;
    }
    if (it->kind == DR_IF && it->cond.decision) {
        clear_splits(out);
    }
    ordo_drafter_push(ctx, out, it);
}

static struct dr_item *parallel_of(struct dr_ctx *ctx, struct dr_clause *c, struct dr_block *items,
                                   size_t n)
{
    struct dr_item *p = ordo_drafter_item(ctx, DR_PARALLEL, c);

    if (!p) {
        return NULL;
    }
    p->branches = ordo_arena_calloc(ctx->arena, n, sizeof *p->branches);
    p->nbranches = n;
    for (size_t k = 0; k < n; k++) {
        p->branches[k] = items[k];
    }
    p->name = "In parallel";
    return p;
}

/* One more branch holding 'it'. */
static void add_branch(struct dr_ctx *ctx, struct dr_item *p, struct dr_item *it)
{
    struct dr_block *v = ordo_arena_calloc(ctx->arena, p->nbranches + 1, sizeof *v);

    memcpy(v, p->branches, p->nbranches * sizeof *v);
    v[p->nbranches] = (struct dr_block){0};
    ordo_drafter_push(ctx, &v[p->nbranches], it);
    p->branches = v;
    p->nbranches++;
}

/* The children of header 'si' as parallel branches, one per sub-item. */
static struct dr_item *parallel_children(struct dr_ctx *ctx, size_t si, int depth)
{
    struct dr_block branches[32];
    size_t n = 0;

    for (size_t k = si + 1; k < ctx->doc.nsent && n < 32; k++) {
        if (ctx->doc.sent[k].parent == (int)si) {
            branches[n] = (struct dr_block){0};
            parse_sentence(ctx, k, &branches[n], depth + 1);
            n += branches[n].n > 0;
        }
    }
    if (n < 2) {
        return NULL;
    }
    return parallel_of(ctx, &ctx->doc.cl[ctx->doc.sent[si].cl0], branches, n);
}

static void make_parallel(struct dr_ctx *ctx, size_t si, struct dr_block *tmp, struct dr_block *out)
{
    struct dr_block one[2];
    struct dr_clause *c = &ctx->doc.cl[ctx->doc.sent[si].cl0];
    struct dr_item *p;

    if (tmp->n >= 2) {
        struct dr_block *each = ordo_arena_calloc(ctx->arena, tmp->n, sizeof *each);

        for (size_t k = 0; k < tmp->n; k++) {
            ordo_drafter_push(ctx, &each[k], tmp->v[k]);
        }
        p = parallel_of(ctx, c, each, tmp->n);
        tmp->n = 0;
        ordo_drafter_push(ctx, tmp, p);
        return;
    }
    if (tmp->n == 1 && out->n > 0 && out->v[out->n - 1]->kind == DR_PARALLEL) {
        add_branch(ctx, out->v[out->n - 1], tmp->v[0]); /* "Meanwhile, ..." once more */
        tmp->n = 0;
        return;
    }
    if (tmp->n == 1 && out->n > 0 && out->v[out->n - 1]->kind != DR_IF) {
        one[0] = (struct dr_block){0};
        one[1] = (struct dr_block){0};
        ordo_drafter_push(ctx, &one[0], out->v[--out->n]);
        ordo_drafter_push(ctx, &one[1], tmp->v[0]);
        p = parallel_of(ctx, c, one, 2);
        tmp->v[0] = p;
    }
}

static const char *sentence_hostile(struct dr_ctx *ctx, size_t si)
{
    const struct dr_sentence *st = &ctx->doc.sent[si];

    for (size_t k = st->cl0; k < st->cl0 + st->ncl; k++) {
        struct dr_clause *c = &ctx->doc.cl[k];
        const char *why = blocking(&(struct dr_span){c, 0, c->nw});

        if (why) {
            return why;
        }
    }
    return NULL;
}

static void unplace_sentence(struct dr_ctx *ctx, size_t si, const char *why)
{
    const struct dr_sentence *st = &ctx->doc.sent[si];

    for (size_t k = st->cl0; k < st->cl0 + st->ncl; k++) {
        ctx->doc.cl[k].placed = 0;
        ctx->doc.cl[k].reason = NULL;
        ordo_drafter_unplace(&ctx->doc.cl[k], why);
    }
}

/* A label that opens a sentence ("Escalation: ..."): short, no verb, and
 * followed by ':'. */
static void skip_label(struct dr_ctx *ctx, size_t si)
{
    const struct dr_sentence *st = &ctx->doc.sent[si];
    struct dr_clause *c;
    size_t end;

    if (st->ncl < 2) {
        return;
    }
    c = &ctx->doc.cl[st->cl0];
    end = c->s_off + strlen(c->text);
    if (c->nw <= 3 && st->text[end] == ':' && !c->placed) {
        static const char *const markers[] = {"if",   "when",  "else",  "otherwise", "unless",
                                              "once", "after", "while", "until",     "every",
                                              "each", "in",    "at",    "meanwhile", NULL};
        struct dr_span s = {c, 0, c->nw};
        size_t m;

        for (size_t i = 0; i < c->nw; i++) {
            if (ordo_drafter_verb(c->w[i].low)) {
                return;
            }
        }
        if (!any_at(&s, 0, markers, &m)) {
            c->placed++;
        }
    }
}

/* An unplaced clause with SQL or code in it says so. */
static void suspect_reasons(struct dr_ctx *ctx, size_t si)
{
    const struct dr_sentence *st = &ctx->doc.sent[si];

    for (size_t k = st->cl0; k < st->cl0 + st->ncl; k++) {
        struct dr_clause *c = &ctx->doc.cl[k];
        const char *why = suspect(&(struct dr_span){c, 0, c->nw});

        if (why && (c->reason || c->placed == 0)) {
            c->reason = why;
        }
    }
}

static void parse_sentence(struct dr_ctx *ctx, size_t si, struct dr_block *out, int depth)
{
    const struct dr_sentence *st = &ctx->doc.sent[si];
    struct range r = {si, st->cl0, st->cl0 + st->ncl, st->header, depth};
    struct range_out ro = {0};
    struct dr_block tmp = {0};
    const char *why = sentence_hostile(ctx, si);
    size_t n = strlen(st->text);

    if (why || (n > 0 && st->text[n - 1] == '?')) {
        unplace_sentence(ctx, si, why ? why : "a question, not a step");
        if (st->header) {
            parse_children(ctx, si, out, depth);
        }
        return;
    }
    skip_label(ctx, si);
    parse_range(ctx, &r, &tmp, &ro);
    if (st->header && !ro.children_used) {
        struct dr_item *p = ro.parallel ? parallel_children(ctx, si, depth) : NULL;

        if (p) {
            ordo_drafter_push(ctx, &tmp, p);
            ro.parallel = false;
        } else {
            parse_children(ctx, si, &tmp, depth);
        }
    }
    if (ro.parallel) {
        make_parallel(ctx, si, &tmp, out);
    }
    suspect_reasons(ctx, si);
    for (size_t k = 0; k < tmp.n; k++) {
        merge_item(ctx, out, tmp.v[k]);
    }
}

/* The first #channel and Jira project key of the text: defaults for steps
 * that name none. */
static void collect_defaults(struct dr_ctx *ctx)
{
    for (size_t k = 0; k < ctx->doc.ncl; k++) {
        struct dr_clause *c = &ctx->doc.cl[k];
        struct dr_span s = {c, 0, c->nw};
        const char *key;

        if (blocking(&s)) {
            continue;
        }
        if (!ctx->channel) {
            ctx->channel = ordo_drafter_channel(&s);
        }
        if (!ctx->project && (key = ordo_drafter_project_key(&s))) {
            ctx->project = ordo_arena_strdup(ctx->arena, key);
        }
    }
}

static bool in_step_group(const struct dr_ctx *ctx, int step)
{
    for (size_t i = 0; i < ctx->npar_steps && step > 0; i++) {
        if (ctx->par_steps[i] == step) {
            return true;
        }
    }
    return false;
}

/* A top-level sentence: into the main block, or, for a step named in "do
 * steps 9 and 10 at the same time", into a branch of its own. */
static void top_sentence(struct dr_ctx *ctx, size_t si)
{
    struct dr_block b = {0};
    int step = ctx->doc.sent[si].step_no;

    if (!in_step_group(ctx, step)) {
        ctx->par_group = NULL;
        parse_sentence(ctx, si, &ctx->main, 0);
        return;
    }
    parse_sentence(ctx, si, &b, 0);
    if (b.n == 0) {
        return;
    }
    if (!ctx->par_group) {
        ctx->par_group = parallel_of(
            ctx, ctx->doc.sent[si].ncl ? &ctx->doc.cl[ctx->doc.sent[si].cl0] : NULL, &b, 1);
        ordo_drafter_push(ctx, &ctx->main, ctx->par_group);
        return;
    }
    for (size_t k = 0; k < b.n; k++) {
        if (k == 0) {
            add_branch(ctx, ctx->par_group, b.v[0]);
        } else {
            ordo_drafter_push(ctx, &ctx->par_group->branches[ctx->par_group->nbranches - 1],
                              b.v[k]);
        }
    }
}

/* A short first sentence without a verb ("Incident response.") names the
 * process. */
static void title_sentence(struct dr_ctx *ctx)
{
    const struct dr_sentence *st;
    const struct dr_clause *c;

    if (ctx->doc.title || ctx->doc.nsent < 2 || ctx->doc.sent[0].ncl != 1) {
        return;
    }
    st = &ctx->doc.sent[0];
    c = &ctx->doc.cl[st->cl0];
    if (c->nw > 6 || suspect(&(struct dr_span){(struct dr_clause *)c, 0, c->nw})) {
        return;
    }
    for (size_t i = 0; i < c->nw; i++) {
        size_t n = strlen(c->w[i].low);

        if ((ordo_drafter_verb(c->w[i].low) &&
             !(n > 4 && strcmp(c->w[i].low + n - 3, "ing") == 0)) ||
            strcmp(c->w[i].low, "when") == 0 || strcmp(c->w[i].low, "if") == 0 ||
            strcmp(c->w[i].low, "every") == 0) {
            return;
        }
    }
    ctx->doc.title = ordo_drafter_plain(ctx->arena, c->text, DR_NAME_MAX);
    ctx->doc.cl[st->cl0].placed++;
    ctx->first_sent = 1;
}

void ordo_drafter_parse(struct dr_ctx *ctx)
{
    for (size_t k = 0; k < ctx->doc.ncl; k++) {
        ctx->doc.cl[k].lim = ctx->doc.cl[k].nw;
    }
    title_sentence(ctx);
    collect_defaults(ctx);
    find_trigger(ctx);
    for (size_t si = 0; si < ctx->doc.nsent; si++) {
        if (ctx->doc.sent[si].parent < 0) {
            top_sentence(ctx, si);
        }
    }
}
