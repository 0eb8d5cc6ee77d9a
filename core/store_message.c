/*
 * core/store_message.c - messages: publish (buffered with a TTL),
 * correlate (now or never), message start events, and buffered messages
 * meeting a subscription that opens later.
 *
 * A publisher and a step that opens a subscription could each miss the
 * other (neither sees the other's uncommitted row). Both therefore take a
 * transaction-level advisory lock on the (name, correlation key) pair
 * before they look: whichever comes second sees what the first committed.
 */
#include <string.h>

#include "base/json.h"
#include "core/store_internal.h"

static enum ordo_code lock_pair(struct ordo_store *st, const char *name, const char *corr,
                                struct ordo_err *err)
{
    const char *p[1] = {ordo_arena_printf(st->arena, "%s%c%s", name, 0x1f, corr)};

    return ordo_st_query(st, "could not lock the message name",
                         "SELECT pg_advisory_xact_lock(hashtextextended($1, 1))", 1, p, NULL, err);
}

struct deliver_ctx {
    const struct ordo_message *msg;
};

static enum ordo_code message_fill(struct store_step *s, struct ordo_event *ev, void *ctx,
                                   struct ordo_err *err)
{
    const struct ordo_message *m = ((struct deliver_ctx *)ctx)->msg;

    (void)s;
    (void)err;
    ev->kind = ORDO_EVENT_MESSAGE;
    ev->name = m->name;
    ev->correlation_key = m->correlation_key;
    ev->variables = m->variables;
    return ORDO_OK;
}

/* Deliver to every instance waiting for the message now. */
static enum ordo_code deliver_waiting(struct ordo_store *st, const struct ordo_message *m,
                                      int *delivered, struct ordo_err *err)
{
    const char *p[2] = {m->name, m->correlation_key};
    struct deliver_ctx c = {.msg = m};
    PGresult *res;
    enum ordo_code rc;

    rc = ordo_st_query(st, "could not find subscriptions",
                       "SELECT DISTINCT instance_key FROM message_subscription WHERE name = $1 AND "
                       "correlation_key = $2 ORDER BY instance_key",
                       2, p, &res, err);
    for (int i = 0; rc == ORDO_OK && i < PQntuples(res); i++) {
        struct ordo_err miss = {0};

        rc = ordo_st_step_locked(st, ordo_pg_int(res, i, 0), m->actor, message_fill, &c, &miss);
        if (rc == ORDO_OK) {
            ++*delivered;
        } else if (rc == ORDO_E_NOTFOUND || rc == ORDO_E_CONFLICT) {
            rc = ORDO_OK; /* it stopped waiting, or ended: not one to deliver to */
        } else {
            ordo_err_set(err, rc, "%s", miss.msg);
        }
    }
    return rc;
}

/* Start an instance of every newest definition with a message start event
 * of this name. */
static enum ordo_code start_by_message(struct ordo_store *st, const struct ordo_message *m,
                                       int *delivered, struct ordo_err *err)
{
    const char *p[1] = {m->name};
    PGresult *res;
    enum ordo_code rc;

    rc = ordo_st_query(st, "could not find message start events",
                       "SELECT s.definition_key, s.element_id, nextval('ordo_key_seq'), "
                       "(extract(epoch FROM statement_timestamp()) * 1000)::bigint "
                       "FROM start_subscription s JOIN definition d ON d.key = s.definition_key "
                       "WHERE s.message_name = $1 AND NOT d.suspended ORDER BY s.definition_key",
                       1, p, &res, err);
    for (int i = 0; rc == ORDO_OK && i < PQntuples(res); i++) {
        struct store_new req = {.variables = m->variables,
                                .actor = m->actor,
                                .key = ordo_pg_int(res, i, 2),
                                .now_ms = ordo_pg_int(res, i, 3)};
        const struct ordo_graph_node *n;

        rc = ordo_st_def_get(st, ordo_pg_int(res, i, 0), &req.def, err);
        n = rc == ORDO_OK ? ordo_graph_find(req.def->graph, PQgetvalue(res, i, 1)) : NULL;
        if (n) {
            req.start_node = n->index;
            rc = ordo_st_start_locked(st, &req, err);
            *delivered += rc == ORDO_OK;
        }
    }
    return rc;
}

struct publish_ctx {
    struct ordo_message msg;
    bool buffer; /* publish; false: correlate */
    int delivered;
    bool duplicate;
};

/* A message id seen within the TTL: the row that remembers it. */
static enum ordo_code remember_id(struct ordo_store *st, struct publish_ctx *c, int64_t *key,
                                  struct ordo_err *err)
{
    const struct ordo_message *m = &c->msg;
    const char *p[5] = {m->name, m->correlation_key, m->message_id,
                        ordo_st_i64(st->arena, m->ttl_ms > 0 ? m->ttl_ms : 0),
                        ordo_json_dump(st->arena, m->variables, JSON_COMPACT)};
    PGresult *res;
    enum ordo_code rc;

    rc = ordo_st_query(st, "could not forget an expired message",
                       "DELETE FROM message WHERE name = $1 AND correlation_key = $2 AND "
                       "message_id = $3 AND expires_at <= now()",
                       3, p, NULL, err);
    if (rc == ORDO_OK) {
        rc = ordo_st_query(st, "could not store the message",
                           "INSERT INTO message (name, correlation_key, message_id, payload, "
                           "expires_at, correlated_at) VALUES ($1, $2, $3, $5, now() + $4::bigint "
                           "* interval '1 millisecond', now()) ON CONFLICT (name, correlation_key, "
                           "message_id) WHERE "
                           "message_id IS NOT NULL DO NOTHING RETURNING key",
                           5, p, &res, err);
    }
    if (rc == ORDO_OK) {
        c->duplicate = PQntuples(res) == 0;
        *key = c->duplicate ? 0 : ordo_pg_int(res, 0, 0);
    }
    return rc;
}

static enum ordo_code publish_tx(struct ordo_store *st, void *ctx, struct ordo_err *err)
{
    struct publish_ctx *c = ctx;
    const struct ordo_message *m = &c->msg;
    int64_t row = 0;
    enum ordo_code rc = lock_pair(st, m->name, m->correlation_key, err);

    c->delivered = 0;
    c->duplicate = false;
    if (rc == ORDO_OK && c->buffer && m->message_id) {
        rc = remember_id(st, c, &row, err);
        if (rc != ORDO_OK || c->duplicate) {
            return rc;
        }
    }
    if (rc == ORDO_OK) {
        rc = deliver_waiting(st, m, &c->delivered, err);
    }
    if (rc == ORDO_OK) {
        rc = start_by_message(st, m, &c->delivered, err);
    }
    if (rc != ORDO_OK || !c->buffer) {
        return rc;
    }
    const char *p[5] = {ordo_st_i64(st->arena, row), m->name, m->correlation_key,
                        ordo_st_i64(st->arena, m->ttl_ms),
                        ordo_json_dump(st->arena, m->variables, JSON_COMPACT)};

    /* The row that remembers the id was written as taken, so that the
     * deliveries above could not take it again: it waits only now. */
    if (c->delivered == 0 && row && m->ttl_ms > 0) {
        return ordo_st_query(st, "could not buffer the message",
                             "UPDATE message SET correlated_at = NULL WHERE key = $1", 1, p, NULL,
                             err);
    }
    if (c->delivered == 0 && !row && m->ttl_ms > 0) {
        return ordo_st_query(st, "could not buffer the message",
                             "INSERT INTO message (name, correlation_key, payload, expires_at) "
                             "VALUES ($1, $2, $4, now() + $3::bigint * interval '1 millisecond')",
                             4, p + 1, NULL, err);
    }
    return ORDO_OK;
}

static enum ordo_code check_message(const struct ordo_message *m, struct ordo_err *err)
{
    if (!m->name || !*m->name) {
        return ordo_err_set(err, ORDO_E_INVAL, "a message needs a name");
    }
    if (m->variables && !json_is_object(m->variables)) {
        return ordo_err_set(err, ORDO_E_INVAL, "message variables must be a JSON object");
    }
    if (m->ttl_ms < 0) {
        return ordo_err_set(err, ORDO_E_INVAL, "a message's time to live cannot be negative");
    }
    return ORDO_OK;
}

static enum ordo_code run_publish(struct ordo_store *st, struct publish_ctx *c,
                                  struct ordo_err *err)
{
    json_t *empty = json_object();
    enum ordo_code rc = check_message(&c->msg, err);

    if (!c->msg.correlation_key) {
        c->msg.correlation_key = "";
    }
    if (!c->msg.variables) {
        c->msg.variables = empty;
    }
    if (!c->msg.actor) {
        c->msg.actor = "engine";
    }
    if (rc == ORDO_OK) {
        ordo_arena_reset(st->arena);
        rc = ordo_st_tx(st, publish_tx, c, err);
    }
    json_decref(empty);
    return rc;
}

enum ordo_code ordo_store_publish(struct ordo_store *st, const struct ordo_message *msg,
                                  int *delivered, bool *duplicate, struct ordo_err *err)
{
    struct publish_ctx c = {.msg = *msg, .buffer = true};
    enum ordo_code rc = run_publish(st, &c, err);

    if (delivered) {
        *delivered = c.delivered;
    }
    if (duplicate) {
        *duplicate = c.duplicate;
    }
    return rc;
}

enum ordo_code ordo_store_correlate(struct ordo_store *st, const struct ordo_message *msg,
                                    int *delivered, struct ordo_err *err)
{
    struct publish_ctx c = {.msg = *msg};
    enum ordo_code rc = run_publish(st, &c, err);

    if (rc == ORDO_OK && c.delivered == 0) {
        rc = ordo_err_set(err, ORDO_E_NOTFOUND,
                          "no instance waits for message \"%s\" with correlation key \"%s\"",
                          msg->name, msg->correlation_key ? msg->correlation_key : "");
    }
    if (delivered) {
        *delivered = c.delivered;
    }
    return rc;
}

/* A message thrown by a process (an engine job's payload): published
 * inside the job's transaction, without a TTL. */
enum ordo_code ordo_st_publish_payload(struct ordo_store *st, const json_t *payload,
                                       struct ordo_err *err)
{
    struct publish_ctx c = {.buffer = false};

    if (json_unpack_ex((json_t *)payload, NULL, 0, "{s:s, s:s, s?o}", "name", &c.msg.name,
                       "correlation_key", &c.msg.correlation_key, "variables",
                       &c.msg.variables) != 0) {
        return ordo_err_set(err, ORDO_E_INTERNAL, "a malformed message job");
    }
    c.msg.actor = "engine";
    if (!c.msg.variables) {
        c.msg.variables = ordo_json_defer(st->arena, json_object());
    }
    return publish_tx(st, &c, err);
}

enum ordo_code ordo_st_deliver_buffered(struct store_step *s, struct ordo_err *err)
{
    const struct st_sub *subs = s->subs;
    size_t n = s->nsubs;
    enum ordo_code rc = ORDO_OK;

    s->subs = NULL; /* apply() below may open new ones */
    s->nsubs = s->subs_cap = 0;
    for (size_t i = 0; i < n && rc == ORDO_OK; i++) {
        const char *corr = subs[i].correlation_key;
        const char *p[2] = {subs[i].name, corr};
        PGresult *res;

        if (!ordo_st_waits_for(s, p[0], corr)) {
            continue; /* an earlier delivery closed it (an event-based gateway) */
        }
        rc = lock_pair(s->st, p[0], p[1], err);
        if (rc == ORDO_OK) {
            rc = ordo_st_query(s->st, "could not read buffered messages",
                               "UPDATE message SET correlated_at = now() WHERE key = (SELECT key "
                               "FROM message WHERE name = $1 AND correlation_key = $2 AND "
                               "correlated_at IS NULL AND expires_at > now() ORDER BY key LIMIT 1 "
                               "FOR UPDATE SKIP LOCKED) RETURNING payload",
                               2, p, &res, err);
        }
        if (rc == ORDO_OK && PQntuples(res) == 1) {
            s->st->sync_writes++; /* the message is taken: this step cannot be skipped now */
            rc = ordo_st_apply_message(s, p[0], corr, PQgetvalue(res, 0, 0), err);
        }
    }
    return rc;
}

enum ordo_code ordo_store_expire_messages(struct ordo_store *st, struct ordo_err *err)
{
    ordo_arena_reset(st->arena);
    enum ordo_code rc = ordo_pg_run(
        st->db, "could not forget expired messages",
        "DELETE FROM message WHERE expires_at < now() - interval '1 minute'", 0, NULL, err);

    return rc == ORDO_OK ? ordo_pg_run(st->db, "could not forget old idempotency keys",
                                       "DELETE FROM idempotency WHERE created_at < now() - "
                                       "interval '1 day'",
                                       0, NULL, err)
                         : rc;
}
