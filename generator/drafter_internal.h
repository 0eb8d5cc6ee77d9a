/*
 * generator/drafter_internal.h - the parts of the offline drafter
 * (generator/drafter.h), shared by its files:
 *
 *   drafter_text.c    the text as sentences and clauses of lower-case
 *                     words, and the word lists (verbs, stop words)
 *   drafter_phrase.c  phrases: roles, durations, schedules, conditions,
 *                     hostile text
 *   drafter_parse.c   clauses to items, grouped into blocks (the tree of
 *                     sequences, conditions, parallel branches)
 *   drafter_match.c   verbs and nouns to catalogue actions, and the
 *                     mapping of an action's inputs
 *   drafter_build.c   the tree to IR nodes, flows and lanes
 *   drafter.c         ordo_drafter_run: the order of the above
 *
 * Everything lives in one arena per run; JSON values are owned by the
 * context and released with it. Nothing here keeps state between runs.
 */
#ifndef ORDO_GENERATOR_DRAFTER_INTERNAL_H
#define ORDO_GENERATOR_DRAFTER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"

/* Bounds that keep the work linear in the text, whatever it holds. */
#define DR_MAX_CLAUSES  2000 /* clauses read; the rest is unplaced */
#define DR_MAX_WORDS    80   /* words of one clause; longer ones are unplaced */
#define DR_MAX_ITEMS    120  /* steps turned into nodes; the rest is unplaced */
#define DR_MAX_DEPTH    6    /* nesting of conditions and parallel blocks */
#define DR_NAME_MAX     60   /* bytes of a node name */
#define DR_DOC_MAX      400  /* bytes of a node's documentation */
#define DR_LITERAL_MAX  200  /* bytes of a literal input taken from the text */
#define DR_PROC_DOC_MAX 2000 /* bytes of the process documentation */

/* One word: lower-case ASCII (other bytes kept), and where it is in its
 * clause's text. */
struct dr_word {
    const char *low;
    size_t off, len;
};

struct dr_clause {
    const char *text; /* the clause, white space collapsed, original case */
    struct dr_word *w;
    size_t nw;
    size_t sent;        /* its sentence */
    size_t s_off;       /* byte offset of 'text' in the sentence's text */
    size_t skip, lim;   /* the words still to read: [skip, lim) */
    int placed;         /* > 0: a node or a structure came from it */
    const char *reason; /* why it was not placed (first reason wins) */
};

enum dr_marker { DR_MARK_NONE, DR_MARK_NUMBER, DR_MARK_BULLET };

struct dr_sentence {
    const char *text; /* white space collapsed, original case */
    int step_no;      /* the number of a numbered step, else 0 */
    int parent;       /* the header sentence this is a sub-item of, or -1 */
    bool header;      /* ends with ':' */
    size_t cl0, ncl;  /* its clauses */
};

/* A view of words [from, to) of a clause. */
struct dr_span {
    struct dr_clause *c;
    size_t from, to;
};

struct dr_doc {
    const char *title; /* the process name the text gave, or NULL */
    struct dr_sentence *sent;
    size_t nsent;
    struct dr_clause *cl;
    size_t ncl;
};

/* ---- the tree of steps ---------------------------------------------------- */

enum dr_kind {
    DR_ACTION,   /* a service task */
    DR_USER,     /* a user task for a person or role */
    DR_APPROVAL, /* a user task with a yes/no decision */
    DR_TIMER,    /* wait for a duration */
    DR_MESSAGE,  /* wait for a message */
    DR_IF,       /* an exclusive split */
    DR_PARALLEL, /* a parallel split and join */
    DR_ESCALATE, /* a boundary timer on the last user task */
    DR_LOOP,     /* back to an earlier step */
    DR_END       /* the process (or branch) ends here */
};

struct dr_item;

struct dr_block {
    struct dr_item **v;
    size_t n, cap;
};

struct dr_role {
    const char *name;     /* lane name: "Manager", "Finance" (NULL: none) */
    const char *group;    /* candidate group, or NULL */
    const char *assignee; /* "=manager_email", or NULL */
};

enum dr_cond_type { DR_COND_BOOL, DR_COND_NUMBER, DR_COND_STRING };

struct dr_cond {
    const char *var;   /* the variable it reads (a FEEL name) */
    const char *rest;  /* the expression after the variable: " > 1000", "" */
    const char *value; /* the string value it compares with, or NULL */

    const char *feel;     /* "=approved", "=amount > 1000" */
    const char *neg;      /* the negation, for swapping branches */
    const char *question; /* the gateway's name: "Approved?" */
    const char *title;    /* the form field's title when a person answers it */
    enum dr_cond_type type;
    bool decision; /* about the last approval's answer */
    bool negated;  /* "rejects", "if not" */
};

struct dr_item {
    enum dr_kind kind;
    struct dr_clause *cl; /* where it came from */
    struct dr_span span;  /* ACTION: the words the inputs are read from */
    const char *name;
    const json_t *action;            /* ACTION: the catalogue action (borrowed) */
    struct dr_role role;             /* USER, APPROVAL */
    const char *timer;               /* TIMER, ESCALATE */
    const char *message;             /* MESSAGE */
    const char *var;                 /* APPROVAL: the decision variable */
    bool implicit_split;             /* APPROVAL: no explicit condition follows */
    bool interrupting;               /* ESCALATE */
    bool error;                      /* END: an error end */
    bool takeover;                   /* USER in an escalation: the role takes over the task */
    struct dr_cond cond;             /* IF */
    struct dr_block then, otherwise; /* IF; ESCALATE uses 'then' */
    struct dr_block *branches;       /* PARALLEL */
    size_t nbranches;
    bool else_only;          /* IF: an "otherwise" still to attach */
    int loop_step;           /* LOOP: a step number, or 0 */
    struct dr_span loop_ref; /* LOOP: words naming the target */
};

/* ---- the trigger ------------------------------------------------------------- */

enum dr_trigger_kind { DR_TRIG_NONE, DR_TRIG_TIMER, DR_TRIG_MESSAGE, DR_TRIG_WEBHOOK };

struct dr_trigger {
    enum dr_trigger_kind kind;
    struct dr_clause *cl;    /* NULL: no trigger in the text */
    const char *name;        /* the start event's name */
    const char *timer;       /* cron */
    const char *message;     /* message name */
    const char *scheme;      /* webhook scheme: "bamboohr" */
    const char *hook;        /* webhook endpoint name */
    const char *variables;   /* webhook variables, FEEL, or NULL */
    const char *system;      /* connector named, or NULL */
    const char *const *vars; /* the variables it sets (NULL-terminated), or NULL */
};

/* ---- the run ------------------------------------------------------------------ */

struct dr_ctx {
    struct ordo_arena *arena;
    const json_t *catalogue;
    const char *const *systems;
    size_t n_systems;
    struct dr_doc doc;
    struct dr_trigger trigger;
    struct dr_block main;
    size_t nitems;                 /* items made, against DR_MAX_ITEMS */
    int napprovals;                /* for naming decision variables */
    const char *channel;           /* the first #channel of the text, or NULL */
    const char *project;           /* the first Jira project key of the text, or NULL */
    struct dr_role last_role;      /* for "they", "them" */
    struct dr_item *last_approval; /* the decision "if approved" reads */
    const char *last_connector;    /* of the last action matched */
    struct dr_item *last_if;       /* the last condition read */

    json_t *start_vars; /* variables a person enters at the start (object as a set) */
    int par_steps[8];   /* "do steps 9 and 10 at the same time" */
    size_t npar_steps;
    struct dr_item *par_group; /* the PARALLEL those steps go into */
    size_t first_sent;         /* the first sentence after a title sentence */
    json_t *assumptions;       /* owned */
    json_t *questions;         /* owned */
};

/* drafter_text.c */
enum ordo_code ordo_drafter_split(struct dr_ctx *ctx, const char *text, struct ordo_err *err);
char ordo_drafter_lower(char c);
bool ordo_drafter_word_is(const struct dr_span *s, size_t i, const char *word);
size_t ordo_drafter_phrase_at(const struct dr_span *s, size_t i, const char *phrase);
size_t ordo_drafter_find(const struct dr_span *s, size_t from, const char *phrase);
size_t ordo_drafter_find_any(const struct dr_span *s, size_t from, const char *const *phrases,
                             size_t *matched);
const char *ordo_drafter_span_text(struct ordo_arena *arena, const struct dr_span *s);
const char *ordo_drafter_verb(const char *low);
const char *ordo_drafter_verb_base(const char *low);

bool ordo_drafter_is_stopword(const char *low);
bool ordo_drafter_is_filler(const char *low);
bool ordo_drafter_is_chatter(const char *low);

const char *ordo_drafter_slug(struct ordo_arena *arena, const char *text, char sep, size_t max);
const char *ordo_drafter_plain(struct ordo_arena *arena, const char *text, size_t max);
const char *ordo_drafter_label(struct ordo_arena *arena, const struct dr_span *s);
bool ordo_drafter_feel_name_ok(const char *name);
void ordo_drafter_unplace(struct dr_clause *c, const char *reason);
void ordo_drafter_assume(struct dr_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ordo_drafter_ask(struct dr_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* drafter_phrase.c */
const char *ordo_drafter_hostile(const struct dr_span *s, bool *blocks);
size_t ordo_drafter_role_at(struct dr_ctx *ctx, const struct dr_span *s, size_t i,
                            struct dr_role *role);
size_t ordo_drafter_duration_at(struct dr_ctx *ctx, const struct dr_span *s, size_t i,
                                const char **iso);
size_t ordo_drafter_find_duration(struct dr_ctx *ctx, const struct dr_span *s, const char **iso,
                                  size_t *at);
bool ordo_drafter_schedule(struct dr_ctx *ctx, const struct dr_span *s, const char **cron,
                           size_t *at, size_t *len);
const char *ordo_drafter_channel(const struct dr_span *s);
const char *ordo_drafter_project_key(const struct dr_span *s);
const char *ordo_drafter_quoted(struct dr_ctx *ctx, const struct dr_span *s);
const char *ordo_drafter_url(struct dr_ctx *ctx, const struct dr_span *s);

const char *ordo_drafter_duration_text(struct dr_ctx *ctx, const char *iso);
const char *ordo_drafter_message_name(struct dr_ctx *ctx, const struct dr_span *s);

/* drafter_cond.c */

bool ordo_drafter_condition(struct dr_ctx *ctx, const struct dr_span *s, const char *decision_var,
                            struct dr_cond *cond);

void ordo_drafter_cond_rename(struct dr_ctx *ctx, struct dr_cond *c, const char *var);

/* drafter_parse.c */
void ordo_drafter_parse(struct dr_ctx *ctx);
struct dr_item *ordo_drafter_item(struct dr_ctx *ctx, enum dr_kind kind, struct dr_clause *cl);
void ordo_drafter_push(struct dr_ctx *ctx, struct dr_block *b, struct dr_item *it);

/* drafter_match.c */
const json_t *ordo_drafter_match(struct dr_ctx *ctx, const struct dr_span *s, int *score);
const char *ordo_drafter_connector_named(const struct dr_ctx *ctx, const struct dr_span *s);
const json_t *ordo_drafter_action(const struct dr_ctx *ctx, const char *id);
void ordo_drafter_inputs(struct dr_ctx *ctx, const struct dr_item *it, const json_t *vars,
                         json_t **inputs, json_t **outputs);

/* drafter_build.c */
json_t *ordo_drafter_build(struct dr_ctx *ctx, const char *text);

#endif
