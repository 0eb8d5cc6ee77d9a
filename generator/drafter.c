/*
 * generator/drafter.c - ordo_drafter_run: text, clauses, tree, IR, and the
 * list of what was not placed (generator/drafter.h; the parts are listed in
 * generator/drafter_internal.h).
 *
 * Unplaced text is reported per sentence, in text order: a sentence with
 * no clause placed is reported whole; otherwise each run of neighbouring
 * unplaced clauses is reported as the stretch of the sentence it covers,
 * with the reason of its first clause. A text from which no task could be
 * made is unplaced whole (a trigger or a wait alone is no process).
 */
#include "generator/drafter.h"

#include <string.h>

#include "generator/drafter_internal.h"
#include "generator/generate.h"

static const char r_no_task[] = "no task could be made from the text, so none of it was used";

static bool unplaced_clause(const struct dr_clause *c)
{
    return c->reason || c->placed == 0;
}

static void report(json_t *list, const char *text, size_t len, const char *reason)
{
    json_t *e = json_object();

    json_object_set_new(e, "sentence", json_stringn(text, len));
    json_object_set_new(e, "reason",
                        json_string(reason ? reason
                                           : "no step, trigger or decision "
                                             "recognised"));
    json_array_append_new(list, e);
}

static void report_sentence(const struct dr_ctx *ctx, const struct dr_sentence *s, json_t *list)
{
    size_t k = s->cl0, end = s->cl0 + s->ncl, all = 0;

    for (size_t i = k; i < end; i++) {
        all += unplaced_clause(&ctx->doc.cl[i]);
    }
    if (s->ncl > 0 && all == s->ncl) {
        report(list, s->text, strlen(s->text), ctx->doc.cl[k].reason);
        return;
    }
    while (k < end) {
        size_t a = k, b;
        const struct dr_clause *last;

        if (!unplaced_clause(&ctx->doc.cl[k])) {
            k++;
            continue;
        }
        while (k < end && unplaced_clause(&ctx->doc.cl[k])) {
            k++;
        }
        b = k;
        last = &ctx->doc.cl[b - 1];
        report(list, s->text + ctx->doc.cl[a].s_off,
               last->s_off + strlen(last->text) - ctx->doc.cl[a].s_off, ctx->doc.cl[a].reason);
    }
}

static json_t *unplaced_of(const struct dr_ctx *ctx)
{
    json_t *list = json_array();

    for (size_t i = 0; i < ctx->doc.nsent; i++) {
        report_sentence(ctx, &ctx->doc.sent[i], list);
    }
    return list;
}

static bool blank(const char *text)
{
    for (const char *p = text; *p; p++) {
        if (!strchr(" \t\r\n\f\v", *p)) {
            return false;
        }
    }
    return true;
}

static void release_cb(void *p)
{
    json_decref(p);
}

static enum ordo_code check_args(const char *text, const json_t *catalogue, json_t **ir,
                                 json_t **unplaced, struct ordo_err *err)
{
    if (!text || !catalogue || !ir || !unplaced) {
        return ordo_err_set(err, ORDO_E_INVAL, "drafter: missing argument");
    }
    if (strnlen(text, (size_t)ORDO_GEN_MAX_TEXT + 1) > (size_t)ORDO_GEN_MAX_TEXT) {
        return ordo_err_set(err, ORDO_E_INVAL, "requirement text is longer than %d bytes",
                            ORDO_GEN_MAX_TEXT);
    }
    if (blank(text)) {
        return ordo_err_set(err, ORDO_E_INVAL, "requirement text is empty");
    }
    if (!json_is_array(json_object_get(catalogue, "connectors"))) {
        return ordo_err_set(err, ORDO_E_INVAL, "drafter: the catalogue has no \"connectors\" list");
    }
    return ORDO_OK;
}

enum ordo_code ordo_drafter_run(const char *text, const json_t *catalogue,
                                const char *const *systems, size_t n_systems, json_t **ir,
                                json_t **unplaced, struct ordo_err *err)
{
    struct dr_ctx ctx = {0};
    enum ordo_code rc = check_args(text, catalogue, ir, unplaced, err);
    json_t *out = NULL;

    if (rc != ORDO_OK) {
        return rc;
    }
    *ir = NULL;
    *unplaced = NULL;
    ctx.arena = ordo_arena_new();
    ctx.catalogue = catalogue;
    ctx.systems = systems;
    ctx.n_systems = systems ? n_systems : 0;
    ctx.assumptions = json_array();
    ctx.questions = json_array();
    ctx.start_vars = json_object();
    ordo_arena_defer(ctx.arena, release_cb, ctx.start_vars);
    ordo_arena_defer(ctx.arena, release_cb, ctx.assumptions);
    ordo_arena_defer(ctx.arena, release_cb, ctx.questions);
    rc = ordo_drafter_split(&ctx, text, err);
    if (rc == ORDO_OK) {
        ordo_drafter_parse(&ctx);
        out = ordo_drafter_build(&ctx, text);
        if (!out) {
            for (size_t k = 0; k < ctx.doc.ncl; k++) {
                ordo_drafter_unplace(&ctx.doc.cl[k], r_no_task);
            }
            rc = ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                              "not one step of the text could be placed in a process");
        }
        *unplaced = unplaced_of(&ctx);
    }
    *ir = out;
    ordo_arena_free(ctx.arena);
    return rc;
}
