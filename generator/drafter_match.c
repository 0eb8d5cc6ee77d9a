/*
 * generator/drafter_match.c - a clause to a catalogue action, and the
 * action's inputs filled from the clause.
 *
 * Matching scores every action of the catalogue (ordo_catalogue_json)
 * against the clause's words:
 *   +6  the connector is named ("Jira", "Slack", "GitHub", "BambooHR")
 *   +2  the connector is one of the systems the caller prefers
 *   +4  the clause's verb is of the class of the action's verb ("open" and
 *       "create_issue" are both create), +2 for a related class
 *   +3  a noun of the object is a word of the action id ("ticket" counts
 *       as "issue"), +2 a keyword, +1 a word of the title; nouns after a
 *       preposition ("in the repo") count 1
 *   -1  for each required input after the first (simpler actions first)
 * An action needs evidence besides its verb - the connector named, a noun
 * matched, or a messaging verb ("notify", "tell") with a messaging action -
 * and a score of 6. Actions with a required "token" input are the engine's
 * (slack.post_approval) and never chosen; http.* only when the clause
 * holds a URL or says API, HTTP or endpoint. Ties go to the higher score,
 * then fewer required inputs, then catalogue order: same text, same action.
 *
 * Inputs: every required input and a few useful optional ones, by field
 * name: literals the text gives (#channel, Jira project key, repository,
 * quoted text, URL, status), else a FEEL reference to a variable an
 * earlier step or the trigger set (=employee_email, =ticket_key), else an
 * assumption or a question for the person. Outputs keep the fields later
 * steps read (employee_name, ticket_key, slack_user_id).
 */
#include <string.h>

#include "base/text.h"
#include "generator/drafter_internal.h"

#define LOW(s, i) ((s)->c->w[(i)].low)

/* ---- scoring ------------------------------------------------------------------------ */

/* A noun as the catalogue says it. */
static const char *canonical_noun(const char *w)
{
    static const struct {
        const char *word, *noun;
    } syn[] = {{"ticket", "issue"},         {"tickets", "issue"},
               {"issues", "issue"},         {"bug", "issue"},
               {"repo", "repository"},      {"repos", "repository"},
               {"org", "organization"},     {"organisation", "organization"},
               {"hire", "employee"},        {"starter", "employee"},
               {"staff", "employee"},       {"worker", "employee"},
               {"employees", "employee"},   {"dm", "message"},
               {"msg", "message"},          {"reminder", "message"},
               {"announcement", "message"}, {"messages", "message"},
               {"note", "comment"},         {"channels", "channel"},
               {"users", "user"},           {"e-mail", "email"},
               {"mail", "email"},           {"teams", "team"},
               {"hires", "employee"},       {"profile", "user"},
               {"record", "employee"}};

    for (size_t i = 0; i < sizeof syn / sizeof syn[0]; i++) {
        if (strcmp(w, syn[i].word) == 0) {
            return syn[i].noun;
        }
    }
    return w;
}

static bool related(const char *a, const char *b)
{
    static const char *const pairs[][2] = {
        {"check", "get"},   {"check", "find"}, {"add", "invite"}, {"add", "comment"},
        {"update", "move"}, {"create", "add"}, {"get", "find"},   {"post", "comment"}};

    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        if ((strcmp(a, pairs[i][0]) == 0 && strcmp(b, pairs[i][1]) == 0) ||
            (strcmp(b, pairs[i][0]) == 0 && strcmp(a, pairs[i][1]) == 0)) {
            return true;
        }
    }
    return false;
}

/* Is 'w' one of the words of 'text' (split at anything not a letter or
 * digit), compared as nouns? */
static bool word_in(const char *w, const char *text)
{
    size_t n = strlen(w);

    for (const char *p = text; p && *p;) {
        size_t k = 0;
        char buf[48];

        while (p[k] && ((p[k] >= 'a' && p[k] <= 'z') || (p[k] >= 'A' && p[k] <= 'Z') ||
                        ordo_is_digit((unsigned char)p[k]) || p[k] == '-')) {
            k++;
        }
        if (k > 0 && k < sizeof buf) {
            for (size_t j = 0; j < k; j++) {
                buf[j] = ordo_drafter_lower(p[j]);
            }
            buf[k] = '\0';
            if ((k == n && strncmp(buf, w, n) == 0) || strcmp(canonical_noun(buf), w) == 0) {
                return true;
            }
        }
        p += k;
        while (*p && !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                       ordo_is_digit((unsigned char)*p))) {
            p++;
        }
    }
    return false;
}

static bool in_keywords(const char *w, const json_t *kw)
{
    size_t i;
    const json_t *k;

    json_array_foreach(kw, i, k)
    {
        if (word_in(w, json_string_value(k))) {
            return true;
        }
    }
    return false;
}

static size_t required_count(const json_t *action)
{
    return json_array_size(json_object_get(json_object_get(action, "input_schema"), "required"));
}

static bool requires(const json_t *action, const char *field)
{
    const json_t *req = json_object_get(json_object_get(action, "input_schema"), "required");
    size_t i;
    const json_t *r;

    json_array_foreach(req, i, r)
    {
        if (strcmp(json_string_value(r), field) == 0) {
            return true;
        }
    }
    return false;
}

/* The verb class of an action: of the first word of its id after the dot. */
static const char *action_verb(const json_t *action, char *buf, size_t size)
{
    const char *id = json_string_value(json_object_get(action, "id"));
    const char *dot = id ? strchr(id, '.') : NULL;
    size_t k = 0;

    if (!dot) {
        return NULL;
    }
    dot++;
    while (dot[k] && dot[k] != '_' && k + 1 < size) {
        buf[k] = dot[k];
        k++;
    }
    buf[k] = '\0';
    return ordo_drafter_verb(buf);
}

struct clause_view {
    const struct dr_span *s;
    const char *verb; /* class of the main verb, or NULL */
    size_t verb_at;   /* its word index */
    size_t prep_at;   /* the first preposition after the verb */
    size_t obj_from;  /* where the object starts */
    bool api;         /* a URL, "API", "HTTP", "endpoint" */
    bool channel;     /* a #channel */
    bool to_self;     /* "tell me", "let us know" */
    bool named_any;   /* a connector is named */
    bool url;         /* an http(s) URL */
    bool implied;     /* no verb: "create" is assumed */
};

static bool preposition(const char *w)
{
    static const char *const preps[] = {"in",  "on",   "to",    "for", "into", "from", "at",
                                        "via", "with", "about", "of",  "by",   "as",   NULL};

    for (size_t i = 0; preps[i]; i++) {
        if (strcmp(w, preps[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* "the record shall be retrieved from BambooHR": the participle after a
 * form of "be" is the verb, and the words before it are the object. */
static void passive(const struct dr_span *s, struct clause_view *v)
{
    static const char *const be[] = {"be", "is", "are", "was", "were", "been", "gets", "get", NULL};

    /* Not in a command: "tell X that the laptop is ordered" is active. */
    if (v->verb_at == s->from) {
        return;
    }
    for (size_t i = s->from + 1; i + 1 < s->to; i++) {
        const char *p = LOW(s, i + 1);
        size_t n = strlen(p);
        const char *cls = ordo_drafter_verb(p);
        bool aux = false;

        for (size_t k = 0; be[k]; k++) {
            aux = aux || strcmp(LOW(s, i), be[k]) == 0;
        }
        if (aux && cls && n > 2 &&
            (strcmp(p + n - 2, "ed") == 0 || strcmp(p, "sent") == 0 || strcmp(p, "made") == 0 ||
             strcmp(p, "told") == 0)) {
            v->verb = cls;
            v->verb_at = i + 1;
            v->obj_from = s->from;
            v->prep_at = i;
            return;
        }
    }
}

/* The clause's words: its main verb (none: "a message in #bugs" reads as
 * "create"), the first preposition after it, and what the words hint at. */
static void view_of(const struct dr_span *s, struct clause_view *v)
{
    memset(v, 0, sizeof *v);
    v->s = s;
    v->verb_at = SIZE_MAX;
    v->prep_at = s->to;
    for (size_t i = s->from; i < s->to; i++) {
        const char *w = LOW(s, i);
        const char *cls = ordo_drafter_verb(w);

        if (!v->verb && cls && !ordo_drafter_is_stopword(w)) {
            v->verb =
                strcmp(w, "set") == 0 && ordo_drafter_word_is(s, i + 1, "up") ? "create" : cls;
            v->verb_at = i;
        } else if (v->verb && v->prep_at == s->to && preposition(w)) {
            v->prep_at = i;
        }
        if (w[0] == '#' && w[1]) {
            v->channel = true;
        }
        if (v->verb_at != SIZE_MAX && i == v->verb_at + 1 &&
            (strcmp(w, "me") == 0 || strcmp(w, "us") == 0 || strcmp(w, "you") == 0 ||
             strcmp(w, "myself") == 0)) {
            v->to_self = true;
        }
        v->url = v->url || strncmp(w, "http://", 7) == 0 || strncmp(w, "https://", 8) == 0;
        if (strstr(w, "://") || strcmp(w, "api") == 0 || strcmp(w, "http") == 0 ||
            strcmp(w, "endpoint") == 0 || strcmp(w, "apis") == 0) {
            v->api = true;
        }
    }
    v->obj_from = v->verb_at == SIZE_MAX ? s->from : v->verb_at + 1;
    passive(s, v);
    if (!v->verb) {
        v->verb = "create";
        v->implied = true;

        for (size_t i = s->from; i < s->to && v->prep_at == s->to; i++) {
            if (i > s->from && preposition(LOW(s, i))) {
                v->prep_at = i;
            }
        }
    }
}

static bool connector_named(const struct dr_span *s, const char *name)
{
    for (size_t i = s->from; i < s->to; i++) {
        const char *w = LOW(s, i);
        size_t n = strlen(name);

        if (strncmp(w, name, n) == 0 && (w[n] == '\0' || strcmp(w + n, "'s") == 0)) {
            return true;
        }
    }
    return false;
}

static bool preferred(const struct dr_ctx *ctx, const char *name)
{
    for (size_t i = 0; i < ctx->n_systems; i++) {
        if (ctx->systems[i] && strcmp(ctx->systems[i], name) == 0) {
            return true;
        }
    }
    return false;
}

/* Points for the nouns of the clause; '*evidence' when one matched. */
static int noun_points(const struct clause_view *v, const json_t *action, const char *conn,
                       bool *evidence)
{
    const char *id = json_string_value(json_object_get(action, "id"));
    const char *title = json_string_value(json_object_get(action, "title"));
    const json_t *kw = json_object_get(action, "keywords");
    int pts = 0;

    for (size_t i = v->s->from; i < v->s->to; i++) {
        const char *w = canonical_noun(LOW(v->s, i));
        bool object = i >= v->obj_from && i < v->prep_at;
        int p = 0;

        if (i == v->verb_at || ordo_drafter_is_stopword(w) || strcmp(w, conn) == 0 ||
            ordo_drafter_is_filler(w) || strlen(w) < 3) {
            continue;
        }
        if (word_in(w, strchr(id, '.') + 1)) {
            p = 3;
        } else if (in_keywords(w, kw)) {
            p = 2;
        } else if (title && word_in(w, title)) {
            p = 1;
        }
        if (p && !ordo_drafter_verb(w)) {
            *evidence = true;
        }
        pts += object || p <= 1 ? p : 1;
    }
    return pts;
}

static int score_action(const struct dr_ctx *ctx, const struct clause_view *v, const json_t *conn,
                        const json_t *action)
{
    const char *name = json_string_value(json_object_get(conn, "name"));
    char buf[32];
    const char *av = action_verb(action, buf, sizeof buf);
    bool evidence = false;
    int score = 0;

    if (requires(action, "token") || strcmp(name, "noop") == 0 ||
        (strcmp(name, "http") == 0 && !v->api)) {
        return 0;
    }
    if (strcmp(name, "http") == 0 && v->url) {
        score += 10; /* a URL to call says more than any noun */
        evidence = true;
    }
    if (connector_named(v->s, name)) {
        score += 6;
        evidence = true;
    } else if (!v->named_any && !v->implied && ctx->last_connector &&
               strcmp(ctx->last_connector, name) == 0 && v->verb && av &&
               strcmp(v->verb, av) == 0) {
        score += 4; /* "... and move it to Rejected" after a Jira step */
        evidence = true;
    }
    score += preferred(ctx, name) ? 2 : 0;
    if (v->verb && av && strcmp(v->verb, av) == 0) {
        score += 4;
        if (strcmp(av, "post") == 0 && !v->to_self) {
            score += 2; /* "notify", "tell", "remind": messaging needs no noun */
            evidence = true;
        }
        evidence = evidence || (strcmp(av, "call") == 0 && v->api);
    } else if (v->verb && av && related(v->verb, av)) {
        score += 2;
    }
    score += noun_points(v, action, name, &evidence);
    if (v->channel &&
        json_object_get(json_object_get(json_object_get(action, "input_schema"), "properties"),
                        "channel")) {
        score += 3;
        evidence = true;
    }
    score -= required_count(action) > 1 ? (int)required_count(action) - 1 : 0;
    return evidence ? score : 0;
}

/* The best action for the span, or NULL; '*score' its score. */
const json_t *ordo_drafter_match(struct dr_ctx *ctx, const struct dr_span *s, int *score)
{
    const json_t *best = NULL, *conn;
    int best_score = 5;
    struct clause_view v;
    size_t i;

    view_of(s, &v);
    v.named_any = ordo_drafter_connector_named(ctx, s) != NULL;
    json_array_foreach(json_object_get(ctx->catalogue, "connectors"), i, conn)
    {
        size_t j;
        const json_t *action;

        json_array_foreach(json_object_get(conn, "actions"), j, action)
        {
            int sc = score_action(ctx, &v, conn, action);

            if (sc > best_score ||
                (sc == best_score && best && required_count(action) < required_count(best))) {
                best = action;
                best_score = sc;
            }
        }
    }
    *score = best ? best_score : 0;
    return best;
}

/* The name of a connector the span names, or NULL. */
const char *ordo_drafter_connector_named(const struct dr_ctx *ctx, const struct dr_span *s)
{
    size_t i;
    const json_t *conn;

    json_array_foreach(json_object_get(ctx->catalogue, "connectors"), i, conn)
    {
        const char *name = json_string_value(json_object_get(conn, "name"));

        if (name && connector_named(s, name)) {
            return name;
        }
    }
    return NULL;
}

/* The catalogue action with this id, or NULL. */
const json_t *ordo_drafter_action(const struct dr_ctx *ctx, const char *id)
{
    size_t i;
    const json_t *conn;

    json_array_foreach(json_object_get(ctx->catalogue, "connectors"), i, conn)
    {
        size_t j;
        const json_t *a;

        json_array_foreach(json_object_get(conn, "actions"), j, a)
        {
            if (strcmp(json_string_value(json_object_get(a, "id")), id) == 0) {
                return a;
            }
        }
    }
    return NULL;
}

/* ---- inputs ------------------------------------------------------------------------------ */

struct fill {
    struct dr_ctx *ctx;
    const struct dr_item *it;
    const struct dr_span *s;
    const json_t *vars;
    const char *action_id;
};

static bool known(const struct fill *f, const char *var)
{
    return json_object_get(f->vars, var) != NULL;
}

/* Text for a FEEL string literal: letters, digits, spaces and plain
 * punctuation only, so it cannot end the string. */
static const char *feel_text(struct dr_ctx *ctx, const char *text)
{
    size_t n = strlen(text), o = 0;
    char *out = ordo_arena_alloc(ctx->arena, n + 1);

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];

        if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || ordo_is_digit(c) ||
            strchr(" ,.:!?'-#", c)) {
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
    return out;
}

/* The words after the main verb, as a label: "a Jira ticket". */
static const char *object_text(const struct fill *f)
{
    struct clause_view v;
    struct dr_span obj;

    view_of(f->s, &v);
    if (v.obj_from >= f->s->to) {
        return f->it->name;
    }
    obj = (struct dr_span){f->s->c, v.obj_from, f->s->to};
    while (obj.from < obj.to && ordo_drafter_is_stopword(LOW(&obj, obj.from))) {
        obj.from++;
    }
    return obj.from < obj.to ? ordo_drafter_label(f->ctx->arena, &obj) : f->it->name;
}

static const char *message_text(const struct fill *f)
{
    const char *q = ordo_drafter_quoted(f->ctx, f->s);
    size_t at = ordo_drafter_find(f->s, f->s->from, "saying");

    if (q) {
        return q;
    }
    if (at == SIZE_MAX) {
        at = ordo_drafter_find(f->s, f->s->from, "that says");
        at = at == SIZE_MAX ? at : at + 1;
    }
    if (at == SIZE_MAX) {
        at = ordo_drafter_find(f->s, f->s->from + 1, "that");
    }
    if (at != SIZE_MAX && at + 1 < f->s->to) {
        struct dr_span rest = {f->s->c, at + 1, f->s->to};

        return ordo_drafter_label(f->ctx->arena, &rest);
    }
    if (ordo_drafter_find(f->s, f->s->from, "welcome") != SIZE_MAX && known(f, "employee_name")) {
        return "=\"Welcome, \" + employee_name + \"!\"";
    }
    if (known(f, "employee_name")) {
        return ordo_arena_printf(f->ctx->arena, "=\"%s: \" + employee_name",
                                 feel_text(f->ctx, f->it->name));
    }
    return f->it->name;
}

/* A variable set before whose name ends with 'suffix' ("slack_channel"
 * for "channel"), as a FEEL reference, or NULL. */
static const char *var_ending(const struct fill *f, const char *suffix)
{
    const char *key;
    json_t *v;
    size_t n = strlen(suffix);

    json_object_foreach((json_t *)f->vars, key, v)
    {
        size_t k = strlen(key);

        (void)v;
        if (k >= n && strcmp(key + k - n, suffix) == 0 &&
            json_object_get(f->ctx->start_vars, key)) {
            return ordo_arena_printf(f->ctx->arena, "=%s", key);
        }
    }
    return NULL;
}

static const char *channel_value(const struct fill *f)
{
    const char *c = ordo_drafter_channel(f->s);

    if (c) {
        return c;
    }
    if ((c = var_ending(f, "channel"))) {
        return c;
    }
    if (known(f, "channel_id") && ordo_drafter_find(f->s, f->s->from, "channel") != SIZE_MAX) {
        return "=channel_id"; /* "the new channel": the one a step before created */
    }

    if (f->ctx->channel) {
        ordo_drafter_assume(f->ctx, "\"%s\" posts to %s, the channel the text names.", f->it->name,
                            f->ctx->channel);
        return f->ctx->channel;
    }
    ordo_drafter_ask(f->ctx, "Which Slack channel should \"%s\" use (#general assumed)?",
                     f->it->name);
    return "#general";
}

/* A project key guessed from the process name: the first three letters of
 * its last word ("New employee onboarding": ONB), else PROJ. */
static const char *guessed_key(struct dr_ctx *ctx)
{
    const char *t = ctx->doc.title;
    const char *w = NULL;
    char key[4];
    size_t k = 0;

    for (const char *p = t; p && *p; p++) {
        if ((p == t || p[-1] == ' ') && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) {
            w = p;
        }
    }
    while (w && k < 3 && ((w[k] >= 'a' && w[k] <= 'z') || (w[k] >= 'A' && w[k] <= 'Z'))) {
        key[k] = (char)(w[k] >= 'a' ? w[k] - ('a' - 'A') : w[k]);
        k++;
    }
    if (k < 3) {
        return "PROJ";
    }
    key[3] = '\0';
    return ordo_arena_strdup(ctx->arena, key);
}

static const char *project_value(const struct fill *f)
{
    const char *k = ordo_drafter_project_key(f->s);

    if (k) {
        return ordo_arena_strdup(f->ctx->arena, k);
    }
    if (f->ctx->project) {
        return f->ctx->project;
    }
    k = guessed_key(f->ctx);
    ordo_drafter_ask(f->ctx, "Which Jira project should \"%s\" go to (%s assumed)?", f->it->name,
                     k);
    return k;
}

static const char *status_value(const struct fill *f)
{
    size_t at = ordo_drafter_find(f->s, f->s->from, "to");
    const char *q = ordo_drafter_quoted(f->ctx, f->s);

    if (q) {
        return q;
    }
    if (at == SIZE_MAX) {
        at = ordo_drafter_find(f->s, f->s->from, "as");
    }
    if (at != SIZE_MAX && at + 1 < f->s->to) {
        struct dr_span st = {f->s->c, at + 1, f->s->to};

        /* "to the status In Progress": the words as written, "In" included */
        while (st.from < st.to && (ordo_drafter_word_is(&st, st.from, "the") ||
                                   ordo_drafter_word_is(&st, st.from, "a") ||
                                   ordo_drafter_word_is(&st, st.from, "status") ||
                                   ordo_drafter_word_is(&st, st.from, "column"))) {
            st.from++;
        }
        st.to = st.from + 3 < st.to ? st.from + 3 : st.to;
        if (st.from < st.to) {
            return ordo_drafter_label(f->ctx->arena, &st);
        }
    }
    if (ordo_drafter_find(f->s, f->s->from, "reopen") != SIZE_MAX) {
        return "To Do";
    }
    ordo_drafter_assume(f->ctx, "\"%s\" moves the issue to the status Done.", f->it->name);
    return "Done";
}

/* A word such as "acme/web" or the word after "repo"/"repository". */
static const char *repo_value(const struct fill *f)
{
    for (size_t i = f->s->from; i < f->s->to; i++) {
        const char *w = LOW(f->s, i);
        const char *slash = strchr(w, '/');

        if (slash && !strstr(w, "://") && slash[1] &&
            ordo_drafter_slug(f->ctx->arena, slash + 1, '-', 100)[0]) {
            return ordo_drafter_slug(f->ctx->arena, slash + 1, '-', 100);
        }
        if ((strcmp(w, "repo") == 0 || strcmp(w, "repository") == 0) && i + 1 < f->s->to &&
            !ordo_drafter_is_stopword(LOW(f->s, i + 1))) {
            return ordo_drafter_slug(f->ctx->arena, LOW(f->s, i + 1), '-', 100);
        }
        if ((strcmp(w, "repo") == 0 || strcmp(w, "repository") == 0) && i > f->s->from &&
            !ordo_drafter_is_stopword(LOW(f->s, i - 1)) &&
            strcmp(LOW(f->s, i - 1), "github") != 0) {
            return ordo_drafter_slug(f->ctx->arena, LOW(f->s, i - 1), '-', 100);
        }
    }
    if (known(f, "repository")) {
        return "=repository";
    }
    ordo_drafter_ask(f->ctx, "Which GitHub repository should \"%s\" use?", f->it->name);
    return "=repository";
}

/* "called X", "named X": a name for something created. */
static const char *name_value(const struct fill *f)
{
    const char *q = ordo_drafter_quoted(f->ctx, f->s);
    const char *c = ordo_drafter_channel(f->s);
    size_t at = ordo_drafter_find(f->s, f->s->from, "called");

    if (q) {
        return ordo_drafter_slug(f->ctx->arena, q, '-', 80);
    }
    if (c) {
        return c + 1;
    }
    if (at == SIZE_MAX) {
        at = ordo_drafter_find(f->s, f->s->from, "named");
    }
    if (at != SIZE_MAX && at + 1 < f->s->to) {
        size_t w = at + 1;

        /* "named after the incident": the thing it is named after */
        while (w + 1 < f->s->to &&
               (ordo_drafter_word_is(f->s, w, "after") || ordo_drafter_is_stopword(LOW(f->s, w)))) {
            w++;
        }
        return ordo_drafter_slug(f->ctx->arena, LOW(f->s, w), '-', 80);
    }
    if ((q = var_ending(f, "name"))) {
        return q; /* "gives a project name": =project_name */
    }

    ordo_drafter_ask(f->ctx, "What should \"%s\" name it?", f->it->name);
    return ordo_drafter_slug(f->ctx->arena, f->it->name, '-', 40);
}

static const char *variable_value(const struct fill *f, const char *var, const char *what)
{
    if (!known(f, var)) {
        ordo_drafter_assume(f->ctx, "%s comes from the variable %s, set when the process starts.",
                            what, var);
    }
    return ordo_arena_printf(f->ctx->arena, "=%s", var);
}

static const char *email_value(const struct fill *f)
{
    for (size_t i = f->s->from; i < f->s->to; i++) {
        const char *w = LOW(f->s, i);
        const char *at = strchr(w, '@');

        if (at && at != w && strchr(at, '.') && !strchr(w, '/') &&
            strspn(w, "abcdefghijklmnopqrstuvwxyz0123456789._%+-@") == strlen(w)) {
            return ordo_arena_strdup(f->ctx->arena, w);
        }
    }
    if (known(f, "employee_email") || !known(f, "email")) {
        return variable_value(f, "employee_email", "The e-mail address");
    }
    return "=email";
}

static const char *team_value(const struct fill *f)
{
    size_t at = ordo_drafter_find(f->s, f->s->from, "team");
    const char *v = var_ending(f, "team");

    if (v) {
        return v;
    }

    if (at != SIZE_MAX && at > f->s->from && !ordo_drafter_is_stopword(LOW(f->s, at - 1))) {
        return ordo_drafter_slug(f->ctx->arena, LOW(f->s, at - 1), '-', 60);
    }
    if (at != SIZE_MAX && at + 1 < f->s->to && !ordo_drafter_is_stopword(LOW(f->s, at + 1))) {
        return ordo_drafter_slug(f->ctx->arena, LOW(f->s, at + 1), '-', 60);
    }
    return NULL;
}

static const char *method_value(const struct fill *f)
{
    static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", NULL};

    for (size_t i = f->s->from; i < f->s->to; i++) {
        const struct dr_word *w = &f->s->c->w[i];

        for (size_t k = 0; methods[k]; k++) {
            if (w->len == strlen(methods[k]) &&
                strncmp(f->s->c->text + w->off, methods[k], w->len) == 0) {
                return methods[k];
            }
        }
    }
    return NULL;
}

static const char *url_value(const struct fill *f)
{
    const char *u = ordo_drafter_url(f->ctx, f->s);

    if (u) {
        return u;
    }
    ordo_drafter_ask(f->ctx, "Which URL should \"%s\" call?", f->it->name);
    return variable_value(f, "api_url", "The URL");
}

static const char *issue_key_value(const struct fill *f)
{
    for (size_t i = f->s->from; i < f->s->to; i++) {
        const struct dr_word *w = &f->s->c->w[i];
        const char *t = f->s->c->text + w->off;
        size_t dash = strcspn(t, "-");

        /* "REL-100": a key as Jira writes it */
        if (dash > 0 && dash < w->len && t[0] >= 'A' && t[0] <= 'Z' &&
            strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == dash &&
            strspn(t + dash + 1, "0123456789") == w->len - dash - 1 && w->len - dash > 1) {
            return ordo_arena_strndup(f->ctx->arena, t, w->len);
        }
    }

    if (known(f, "ticket_key")) {
        return "=ticket_key";
    }
    return variable_value(f, "issue_key", "The Jira issue key");
}

static const char *jql_value(const struct fill *f)
{
    const char *q = ordo_drafter_quoted(f->ctx, f->s);

    if (q) {
        return q;
    }
    ordo_drafter_ask(f->ctx, "Which JQL query should \"%s\" run?", f->it->name);
    return ordo_arena_printf(f->ctx->arena, "project = %s AND statusCategory != Done",
                             project_value(f));
}

/* The source of input 'field', or NULL to leave an optional one out. */
static const char *source_of(const struct fill *f, const char *field, bool required)
{
    if (strcmp(field, "channel") == 0) {
        return channel_value(f);
    }
    if (strcmp(field, "text") == 0 || (strcmp(field, "body") == 0 && required)) {
        return strcmp(f->action_id, "http.request") == 0 ? NULL : message_text(f);
    }
    if (strcmp(field, "summary") == 0 || strcmp(field, "title") == 0) {
        const char *q = ordo_drafter_quoted(f->ctx, f->s);

        return q ? q
                 : (known(f, "employee_name")
                        ? ordo_arena_printf(f->ctx->arena, "=\"%s: \" + employee_name",
                                            feel_text(f->ctx, object_text(f)))
                        : object_text(f));
    }
    if (!required) {
        if (strcmp(field, "teams") == 0 || strcmp(field, "team") == 0) {
            return team_value(f);
        }
        return strcmp(field, "method") == 0 ? method_value(f) : NULL;
    }
    if (strcmp(field, "project") == 0) {
        return project_value(f);
    }
    if (strcmp(field, "issue_key") == 0) {
        return issue_key_value(f);
    }
    if (strcmp(field, "status") == 0) {
        return status_value(f);
    }
    if (strcmp(field, "repo") == 0) {
        return repo_value(f);
    }
    if (strcmp(field, "name") == 0) {
        return name_value(f);
    }
    if (strcmp(field, "email") == 0) {
        return email_value(f);
    }
    if (strcmp(field, "id") == 0) {
        if (!known(f, "employee_id")) {
            ordo_drafter_assume(f->ctx, "The BambooHR employee id comes from the variable "
                                        "employee_id, set when the process starts.");
        }
        return "=string(employee_id)";
    }
    if (strcmp(field, "user") == 0 || strcmp(field, "users") == 0) {
        return variable_value(f, "slack_user_id", "The Slack user");
    }
    if (strcmp(field, "team") == 0) {
        const char *t = team_value(f);

        if (!t) {
            ordo_drafter_ask(f->ctx, "Which GitHub team should \"%s\" use?", f->it->name);
        }
        return t ? t : variable_value(f, "github_team", "The GitHub team");
    }
    if (strcmp(field, "username") == 0) {
        return variable_value(f, "github_username", "The GitHub user name");
    }
    if (strcmp(field, "since") == 0) {
        ordo_drafter_assume(f->ctx, "\"%s\" looks at the changes of the last day.", f->it->name);
        return "=string(now() - duration(\"P1D\"))";
    }
    if (strcmp(field, "fields") == 0) {
        ordo_drafter_ask(f->ctx, "Which fields should \"%s\" set?", f->it->name);
        return "={}";
    }
    if (strcmp(field, "jql") == 0) {
        return jql_value(f);
    }
    if (strcmp(field, "url") == 0) {
        return url_value(f);
    }
    if (ordo_drafter_feel_name_ok(field)) {
        return variable_value(f, field, "An input");
    }
    return NULL;
}

static void add_mapping(json_t *list, const char *target, const char *source)
{
    json_t *m = json_object();

    json_object_set_new(m, "target", json_string(target));
    json_object_set_new(m, "source", json_string(source));
    json_array_append_new(list, m);
}

/* A literal from the text stays a literal: no leading '=' (FEEL), no "${"
 * or "#{" (JUEL templates, CONTRACTS §2), no backquotes or backslashes. */
static const char *literal_only(struct dr_ctx *ctx, const char *text)
{
    size_t n = strlen(text), o = 0;
    char *out = ordo_arena_alloc(ctx->arena, n + 1);

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];

        if (c >= 0x20 && !strchr("{}$`\\", c)) {
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
    while (*out == '=' || *out == ' ') {
        out++;
    }
    return *out ? out : "-";
}

struct out_map {
    const char *action, *var, *source, *field;
};

/* What later steps read from an action's result. */
static const struct out_map out_maps[] = {
    {"bamboohr.get_employee", "employee_name", "=display_name", "display_name"},
    {"bamboohr.get_employee", "employee_email", "=user_name", "user_name"},
    {"bamboohr.get_employee", "manager_email", "=manager.email", "manager"},
    {"bamboohr.list_changed", "changed_employees", "=employees", "employees"},
    {"jira.create_issue", "ticket_key", "=issue_key", "issue_key"},
    {"jira.create_issue", "ticket_url", "=url", "url"},
    {"jira.get_issue", "issue_status", "=status", "status"},
    {"jira.search", "issues", "=issues", "issues"},
    {"github.create_issue", "github_issue_url", "=url", "url"},
    {"github.create_repository", "repository_url", "=url", "url"},
    {"slack.lookup_user_by_email", "slack_user_id", "=id", "id"},
    {"slack.create_channel", "channel_id", "=channel_id", "channel_id"},
    {"http.request", "response_status", "=status", "status"},
    {"http.request", "response_body", "=body", "body"},
};

static json_t *outputs_of(const json_t *action, const char *id)
{
    const json_t *props = json_object_get(json_object_get(action, "output_schema"), "properties");
    json_t *out = json_array();

    for (size_t i = 0; i < sizeof out_maps / sizeof out_maps[0]; i++) {
        if (strcmp(out_maps[i].action, id) == 0 && json_object_get(props, out_maps[i].field)) {
            add_mapping(out, out_maps[i].var, out_maps[i].source);
        }
    }
    if (json_array_size(out) == 0) {
        json_decref(out);
        return json_null();
    }
    return out;
}

/* The inputs and outputs of ACTION item 'it'; 'vars' is an object whose
 * keys are the variables set before it. New references. */
void ordo_drafter_inputs(struct dr_ctx *ctx, const struct dr_item *it, const json_t *vars,
                         json_t **inputs, json_t **outputs)
{
    const json_t *schema = json_object_get(it->action, "input_schema");
    const char *field;
    const json_t *prop;
    struct fill f = {ctx, it, &it->span, vars,
                     json_string_value(json_object_get(it->action, "id"))};

    *inputs = json_array();
    json_object_foreach((json_t *)json_object_get(schema, "properties"), field, prop)
    {
        const char *src = source_of(&f, field, requires(it->action, field));

        (void)prop;
        if (src) {
            /* Sources starting with '=' are the drafter's own FEEL, built
             * from names and sanitised text; anything else came from the
             * requirement text. */
            add_mapping(*inputs, field, src[0] == '=' ? src : literal_only(ctx, src));
        }
    }
    *outputs = outputs_of(it->action, f.action_id);
}
