/*
 * core/store_notify.c - 'notify' jobs: connector calls made for people,
 * whose result goes to no instance (CONTRACTS §14, store.h).
 *
 * The engine's side of Slack approvals lives here. When a user task with
 * ordo:notify is created, the step that creates it also mints the task's
 * approval token (32 random bytes, base64url), keeps only its SHA-256 on
 * the task row, and queues a slack.post_approval job whose input carries
 * the token itself, so that the buttons of the message can hand it back.
 * All of it goes out with the step's own writes, in its transaction: a
 * task and its notification exist together or not at all. A target given
 * as FEEL that fails (an error, null, not a string) sends nothing: the
 * task waits in the web inbox as any other, and the log and the audit say
 * why. A notification never raises an incident.
 *
 * The token is in the job's payload until the job is done (the row is
 * then deleted); only the hash stays on the task.
 */
#include <string.h>

#include "base/calendar.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/log.h"
#include "bpmn/feel.h"
#include "core/store_internal.h"

#define TOKEN_BYTES 32

#define SQL_NOTIFY_INSERT                                                                     \
    "INSERT INTO job (kind, instance_key, elem, element_id, type, due_at, retries, payload, " \
    "credential) VALUES ('notify', NULLIF($1::bigint, 0), $2, $3, $4, now(), $5, $6, $7)"

/* The job's row, queued in the current transaction's batch. */
static void notify_add(struct ordo_store *st, const struct ordo_notify_job *j)
{
    const char *p[7] = {ordo_st_i64(st->arena, j->instance_key),
                        ordo_st_i64(st->arena, j->elem),
                        j->element_id ? j->element_id : "",
                        j->type,
                        ordo_st_i64(st->arena, ORDO_NOTIFY_RETRIES),
                        ordo_json_dump(st->arena, j->input, JSON_COMPACT),
                        j->credential};

    ordo_pg_batch_add(st->batch, "could not queue a notification", SQL_NOTIFY_INSERT, 7, p);
    st->notify = true;
}

/* ---- the engine's side: a task with ordo:notify was created ------------------------------------
 */

static const json_t *lookup_cb(void *ctx, const char *name, size_t len)
{
    return json_object_getn(ctx, name, len);
}

/* The Slack target: the constant, or the FEEL over the process variables. */
static const char *target_of(struct store_step *s, const struct ordo_graph_node *n,
                             struct ordo_err *err)
{
    struct ordo_feel_env env = {.lookup = lookup_cb,
                                .lookup_ctx = (void *)ordo_instance_variables(s->inst),
                                .now_ms = s->now_ms};
    json_t *v = NULL;
    const char *text;

    if (n->notify_target.constant) {
        return n->notify_target.constant;
    }
    if (ordo_feel_eval(n->notify_target.expr.feel, &env, &v, err) != ORDO_OK) {
        return NULL;
    }
    ordo_json_defer(s->st->arena, v);
    text = json_string_value(v);
    if (!text || !*text) {
        ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                     "the ordo:notify target \"%s\" is not a Slack "
                     "channel or user (a non-empty string)",
                     n->notify_target.expr.text);
        return NULL;
    }
    return text;
}

/* 'n' random bytes as base64url without padding (RFC 4648 §5), in 'arena'. */
static char *mint_token(struct ordo_arena *arena)
{
    uint8_t raw[TOKEN_BYTES];
    char *text = ordo_arena_alloc(arena, ordo_base64_len(sizeof raw));

    ordo_random_bytes(raw, sizeof raw);
    ordo_base64(raw, sizeof raw, text);
    ordo_crypto_wipe(raw, sizeof raw);
    for (char *c = text; *c; c++) {
        if (*c == '+') {
            *c = '-';
        } else if (*c == '/') {
            *c = '_';
        } else if (*c == '=') {
            *c = '\0';
            break;
        }
    }
    return text;
}

/* Names of a candidates member ("users", "groups") joined with ", ". */
static void put_candidates(struct ordo_buf *b, struct ordo_arena *a, const char *text,
                           const char *member, const char *label)
{
    json_t *all = NULL;
    const json_t *list, *v;
    size_t i;

    if (!text || ordo_json_parse(text, strlen(text), NULL, &all, NULL) != ORDO_OK) {
        return;
    }
    ordo_json_defer(a, all);
    list = json_object_get(all, member);
    if (json_array_size(list) == 0) {
        return;
    }
    ordo_buf_printf(b, "\n*%s:* ", label);
    json_array_foreach(list, i, v)
    {
        ordo_buf_printf(b, "%s%s", i ? ", " : "", json_string_value(v) ? json_string_value(v) : "");
    }
}

/* The message's mrkdwn: process, instance, who may decide, due date. */
static const char *summary(struct store_step *s, const struct ordo_effect *e)
{
    const struct ordo_graph_node *proc = &s->def->graph->nodes[s->def->process];
    struct ordo_buf b = ORDO_BUF_INIT;
    const char *text;

    ordo_buf_printf(&b, "*Process:* %s\n*Instance:* %lld", proc->name ? proc->name : proc->id,
                    (long long)s->instance_key);
    if (e->text && *e->text) {
        ordo_buf_printf(&b, "\n*Assignee:* %s", e->text);
    }
    put_candidates(&b, s->st->arena, e->text2, "users", "Candidates");
    put_candidates(&b, s->st->arena, e->text2, "groups", "Candidate groups");
    if (e->due_ms > 0) {
        char due[ORDO_RFC3339_MS_SIZE];

        ordo_format_rfc3339_ms(e->due_ms, due);
        ordo_buf_printf(&b, "\n*Due:* %s", due);
    }
    text = ordo_arena_strdup(s->st->arena, ordo_buf_cstr(&b));
    ordo_buf_cleanup(&b);
    return text;
}

/* A notification that cannot go out: the log and the audit say why. */
static void not_sent(struct store_step *s, const struct ordo_graph_node *n, const char *why)
{
    json_t *payload = json_pack("{s:s, s:s}", "notify", n->notify, "reason", why);

    ordo_log(ORDO_LOG_WARN, "engine", "approval request not sent",
             ORDO_INT("instance_key", s->instance_key), ORDO_STR("element_id", n->id),
             ORDO_STR("reason", why));
    ordo_st_audit_one(
        s->st, s->batch, s->now_ms, s->actor, "task.notify_failed", s->instance_key, n->id,
        ordo_json_dump(s->st->arena, ordo_json_defer(s->st->arena, payload), JSON_COMPACT));
}

void ordo_st_notify_task(struct store_step *s, const struct ordo_effect *e, const char *instance,
                         const char *elem)
{
    const struct ordo_graph_node *n = &s->def->graph->nodes[e->node];
    struct ordo_arena *a = s->st->arena;
    struct ordo_err err = {0};
    char hash[ORDO_SHA256_HEX_SIZE];
    const char *target, *token;
    json_t *input;

    if (!n->notify) {
        return;
    }
    target = target_of(s, n, &err);
    if (!target) {
        not_sent(s, n, err.msg);
        return;
    }
    token = mint_token(a);
    ordo_sha256_hex(token, strlen(token), hash);
    const char *p[3] = {instance, elem, hash};

    ordo_pg_batch_add(s->batch, "could not store the approval token",
                      "UPDATE user_task SET approval_token = decode($3, 'hex') "
                      "WHERE instance_key = $1 AND elem = $2",
                      3, p);
    input = json_pack("{s:s, s:s, s:s, s:s}", "channel", target, "title", n->name ? n->name : n->id,
                      "text", summary(s, e), "token", token);
    notify_add(s->st, &(struct ordo_notify_job){.type = "slack.post_approval",
                                                .instance_key = s->instance_key,
                                                .elem = e->key,
                                                .element_id = n->id,
                                                .input = ordo_json_defer(a, input),
                                                .credential = n->credential});
}

/* ---- queueing from outside a step ---------------------------------------------------------- */

static enum ordo_code notify_tx(struct ordo_store *st, void *ctx, struct ordo_err *err)
{
    (void)err;
    notify_add(st, ctx);
    return ORDO_OK;
}

static enum ordo_code check_job(const struct ordo_notify_job *j, struct ordo_err *err)
{
    if (!j->type || !*j->type || !json_is_object(j->input)) {
        return ordo_err_set(err, ORDO_E_INVAL,
                            "a notification needs an action and an input "
                            "object");
    }
    return ORDO_OK;
}

enum ordo_code ordo_store_notify(struct ordo_store *st, const struct ordo_notify_job *job,
                                 struct ordo_err *err)
{
    enum ordo_code rc = check_job(job, err);

    if (rc != ORDO_OK) {
        return rc;
    }
    ordo_arena_reset(st->arena);
    return ordo_st_tx(st, notify_tx, (void *)job, err);
}

void ordo_st_notify_queue(struct ordo_store *st, const struct ordo_notify_job *job)
{
    if (job && check_job(job, NULL) == ORDO_OK) {
        notify_add(st, job);
    }
}

/* ---- the token's task ---------------------------------------------------------------------- */

struct find_ctx {
    const uint8_t *hash;
    struct ordo_arena *arena;
    struct ordo_approval_task *out;
};

/* The element's ordo:credential, from its compiled definition. */
static enum ordo_code element_credential(struct ordo_store *st, int64_t def_key,
                                         const char *element_id, struct find_ctx *c,
                                         struct ordo_err *err)
{
    const struct store_def *def = NULL;
    const struct ordo_graph_node *n;
    enum ordo_code rc = ordo_st_def_get(st, def_key, &def, err);

    if (rc != ORDO_OK) {
        return rc;
    }
    n = ordo_graph_find(def->graph, element_id);
    c->out->credential = n && n->credential ? ordo_arena_strdup(c->arena, n->credential) : NULL;
    return ORDO_OK;
}

static enum ordo_code find_tx(struct ordo_store *st, void *ctx, struct ordo_err *err)
{
    struct find_ctx *c = ctx;
    char hex[ORDO_SHA256_HEX_SIZE];
    PGresult *res;
    enum ordo_code rc;

    ordo_hex(c->hash, ORDO_SHA256_SIZE, hex);
    const char *p[1] = {hex};

    rc = ordo_st_query(st, "could not find the approval's task",
                       "SELECT t.key, t.instance_key, t.state, t.element_id, i.definition_key "
                       "FROM user_task t JOIN instance i ON i.key = t.instance_key "
                       "WHERE t.approval_token = decode($1, 'hex')",
                       1, p, &res, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    if (PQntuples(res) == 0) {
        return ordo_err_set(err, ORDO_E_NOTFOUND, "no task has this approval token");
    }
    c->out->key = ordo_pg_int(res, 0, 0);
    c->out->instance_key = ordo_pg_int(res, 0, 1);
    c->out->open = strcmp(PQgetvalue(res, 0, 2), "created") == 0;
    c->out->element_id = ordo_arena_strdup(c->arena, PQgetvalue(res, 0, 3));
    return element_credential(st, ordo_pg_int(res, 0, 4), c->out->element_id, c, err);
}

enum ordo_code ordo_store_find_approval(struct ordo_store *st, const uint8_t hash[32],
                                        struct ordo_arena *arena, struct ordo_approval_task *out,
                                        struct ordo_err *err)
{
    struct find_ctx c = {.hash = hash, .arena = arena, .out = out};

    memset(out, 0, sizeof *out);
    ordo_arena_reset(st->arena);
    return ordo_st_tx(st, find_tx, &c, err);
}

/* ---- the executor's side ------------------------------------------------------------------- */

enum ordo_code ordo_store_notify_live(struct ordo_store *st, const struct ordo_job *job, bool *live,
                                      struct ordo_err *err)
{
    PGresult *res;
    enum ordo_code rc;

    *live = true;
    ordo_arena_reset(st->arena);
    const char *p[1] = {ordo_st_i64(st->arena, job->key)};

    rc = ordo_pg_exec_cached(st->db, st->stmts, st->arena, "could not check a notification",
                             "DELETE FROM job j WHERE j.key = $1 AND j.elem <> 0 AND NOT EXISTS "
                             "(SELECT 1 FROM user_task t WHERE t.instance_key = j.instance_key "
                             "AND t.elem = j.elem AND t.state = 'created') RETURNING j.key",
                             1, p, &res, err);
    if (rc == ORDO_OK) {
        *live = PQntuples(res) == 0;
    }
    return rc;
}

/* Done: the row goes; an approval request's {channel, ts} stays on its task. */
static enum ordo_code notify_done(struct ordo_store *st, const struct ordo_job_outcome *o,
                                  const char **p, struct ordo_err *err)
{
    PGresult *res;
    enum ordo_code rc;

    rc = ordo_st_query(st, "could not record a notification",
                       "DELETE FROM job WHERE key = $1 AND lock_owner = $2 AND attempts = $3 "
                       "RETURNING instance_key, elem, type",
                       3, p, &res, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    if (PQntuples(res) == 0) {
        return ordo_err_set(err, ORDO_E_CONFLICT, "job %lld: this node no longer holds it",
                            (long long)o->job->key);
    }
    if (strcmp(PQgetvalue(res, 0, 2), "slack.post_approval") == 0 && o->variables) {
        const char *q[3] = {PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1),
                            ordo_json_dump(st->arena, o->variables, JSON_COMPACT)};

        ordo_pg_batch_add(st->batch, "could not keep the approval message",
                          "UPDATE user_task SET approval_message = $3 "
                          "WHERE instance_key = $1 AND elem = $2",
                          3, q);
    }
    return ORDO_OK;
}

/* Failed: again after the delay while attempts last, else parked. */
static enum ordo_code notify_failed(struct ordo_store *st, const struct ordo_job_outcome *o,
                                    const char **p, struct ordo_err *err)
{
    const struct ordo_job *j = o->job;
    bool again = !o->final && (o->refund || j->attempt < j->retries);
    int64_t wait = o->retry_in_ms >= 0 ? o->retry_in_ms : ordo_store_backoff_ms(j->attempt);
    PGresult *res;
    enum ordo_code rc;
    const char *q[7] = {p[0],
                        p[1],
                        p[2],
                        again ? "1" : "0",
                        ordo_st_i64(st->arena, wait),
                        o->message ? o->message : "the notification failed",
                        o->refund && again ? "1" : "0"};

    rc = ordo_st_query(st, "could not record a failed notification",
                       "UPDATE job SET due_at = CASE WHEN $4::int = 1 THEN now() + $5::bigint * "
                       "interval '1 millisecond' ELSE 'infinity' END, lock_owner = NULL, "
                       "locked_at = NULL, last_error = $6, attempts = greatest(0, attempts - "
                       "$7::int), payload = CASE WHEN $4::int = 1 THEN payload ELSE "
                       "(payload::jsonb - 'token')::text END "
                       "WHERE key = $1 AND lock_owner = $2 AND attempts = $3 "
                       "RETURNING key",
                       7, q, &res, err);
    if (rc == ORDO_OK && PQntuples(res) == 0) {
        return ordo_err_set(err, ORDO_E_CONFLICT, "job %lld: this node no longer holds it",
                            (long long)j->key);
    }
    if (rc == ORDO_OK && !again) {
        ordo_log(ORDO_LOG_WARN, "executor", "notification failed", ORDO_INT("job", j->key),
                 ORDO_INT("instance_key", j->instance_key), ORDO_STR("type", j->type),
                 ORDO_STR("reason", q[5]));
    }
    return rc;
}

static enum ordo_code outcome_tx(struct ordo_store *st, void *ctx, struct ordo_err *err)
{
    const struct ordo_job_outcome *o = ctx;
    const char *p[3] = {ordo_st_i64(st->arena, o->job->key), st->owner,
                        ordo_st_i64(st->arena, o->job->attempt)};

    struct ordo_job_outcome failed = *o;

    if (o->kind == ORDO_EVENT_JOB_COMPLETE) {
        return notify_done(st, o, p, err);
    }
    /* A BPMN error has no process to catch it here: it fails for good. */
    failed.final = o->final || o->kind == ORDO_EVENT_JOB_ERROR;
    return notify_failed(st, &failed, p, err);
}

enum ordo_code ordo_store_notify_outcome(struct ordo_store *st, const struct ordo_job_outcome *o,
                                         struct ordo_err *err)
{
    ordo_arena_reset(st->arena);
    return ordo_st_tx(st, outcome_tx, (void *)o, err);
}
