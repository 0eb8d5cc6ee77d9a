/*
 * core/store_outbox.c - outbound webhook events into the outbox, in the
 * transaction of the state change (CONTRACTS §14; docs/webhooks-outbound.md).
 *
 * One statement per event, queued in the step's batch (so it costs no
 * round trip of its own): it fans the event out to every enabled
 * subscription that asked for its type, one outbox row each, all with one
 * msg_id (the webhook-id, made here once per event), and NOTIFYs
 * 'ordo_outbox' only when it inserted a row. A server without
 * subscriptions pays for building a small JSON text and one index probe
 * that finds nothing.
 *
 * Payloads are thin (saas-apis.md §7): {"type", "timestamp", "data"} with
 * keys as decimal strings (CONTRACTS §1). The key of a user task or an
 * incident is the database's, known only once its row is inserted, which
 * is earlier in the same batch: the statement reads it back and splices it
 * between the two halves of the text made here, so the bytes stored are
 * the bytes signed and sent.
 */
#include <inttypes.h>
#include <string.h>

#include "base/calendar.h"
#include "base/crypto.h"
#include "base/json.h"
#include "core/store_internal.h"

/* One statement per kind of key lookup rather than one with a CASE over
 * it: a prepared statement is planned for its parameters ("custom") on
 * its first five calls, and then reused as one generic plan only when
 * that costs no more than the custom ones did. The custom plans folded
 * the CASE away and the generic one could not, so once
 * webhook_subscription held a row every call was planned again: about
 * 0.1 ms of the database's time per event, some 200 µs per instance of a
 * one-task process, even when no subscription matched (measured,
 * docs/benchmarks.md). Each statement here has nothing to fold, so its
 * generic plan is kept.
 *
 * $1 type, $2 instance key, $3 text before the looked-up key (the whole
 * payload when nothing is looked up), $4 text after it, $5 msg_id, $6
 * the elem whose key is looked up. */
#define SQL_OUTBOX_HEAD                                                                         \
    "WITH ins AS (INSERT INTO outbox (event, instance_key, payload, subscription_key, msg_id) " \
    "SELECT $1, $2::bigint, "
#define SQL_OUTBOX_TAIL                                                                     \
    ", key, $5 FROM webhook_subscription WHERE enabled AND events && ARRAY[$1::text, '*'] " \
    "RETURNING 1) SELECT pg_notify('ordo_outbox', '') WHERE EXISTS (SELECT 1 FROM ins)"
#define SQL_OUTBOX_LOOKUP(table)                                            \
    SQL_OUTBOX_HEAD                                                         \
    "$3 || coalesce((SELECT key::text FROM " table " WHERE instance_key = " \
    "$2::bigint AND elem = $6::bigint ORDER BY key DESC LIMIT 1), '') || $4" SQL_OUTBOX_TAIL

static const char SQL_OUTBOX[] = SQL_OUTBOX_HEAD "$3 || $4" SQL_OUTBOX_TAIL;
static const char SQL_OUTBOX_TASK[] = SQL_OUTBOX_LOOKUP("user_task");
static const char SQL_OUTBOX_INCIDENT[] = SQL_OUTBOX_LOOKUP("incident");

#define REASON_MAX 1024 /* bytes of an incident's reason in a payload (payloads stay < 20 kB) */

/* A new webhook-id: time first, so ids sort roughly by creation. */
static const char *new_msg_id(struct ordo_arena *a, int64_t now_ms)
{
    uint8_t rnd[10];
    char hex[2 * sizeof rnd + 1];

    ordo_random_bytes(rnd, sizeof rnd);
    ordo_hex(rnd, sizeof rnd, hex);
    return ordo_arena_printf(a, "msg_%012" PRIx64 "%s", (uint64_t)now_ms & (uint64_t)0xffffffffffff,
                             hex);
}

static void set_key(json_t *data, const char *name, int64_t key)
{
    char text[24];

    (void)snprintf(text, sizeof text, "%" PRId64, key);
    (void)json_object_set_new(data, name, json_string(text));
}

/* The members every event has: which instance of which definition. */
static json_t *instance_data(const struct store_step *s)
{
    json_t *data = json_object();

    set_key(data, "instanceKey", s->instance_key);
    (void)json_object_set_new(data, "processId", json_string(s->def->process_id));
    set_key(data, "definitionKey", s->def->key);
    (void)json_object_set_new(data, "version", json_integer(s->def->version));
    return data;
}

/* Queue the event. 'lookup' ('task', 'incident' or NULL) names the key
 * member the statement fills in as the first member of "data". */
static void queue(struct store_step *s, const char *type, int64_t time_ms, json_t *data,
                  const char *lookup, const char *key_name, int64_t elem)
{
    struct ordo_arena *a = s->st->arena;
    char ts[ORDO_RFC3339_MS_SIZE];
    const char *body = ordo_json_dump(a, ordo_json_defer(a, data), JSON_COMPACT);
    const char *p[6] = {type, ordo_st_i64(a, s->instance_key), NULL,
                        "",   new_msg_id(a, time_ms),          NULL};
    const char *sql = SQL_OUTBOX;

    ordo_format_rfc3339_ms(time_ms, ts);
    if (lookup) { /* {"taskKey":"<key>","instanceKey":...} */
        p[2] = ordo_arena_printf(a, "{\"type\":\"%s\",\"timestamp\":\"%s\",\"data\":{\"%s\":\"",
                                 type, ts, key_name);
        p[3] = ordo_arena_printf(a, "\"%s%s}", strlen(body) > 2 ? "," : "", body + 1);
        p[5] = ordo_st_i64(a, elem);
        sql = strcmp(lookup, "task") == 0 ? SQL_OUTBOX_TASK : SQL_OUTBOX_INCIDENT;
    } else {
        p[2] = ordo_arena_printf(a, "{\"type\":\"%s\",\"timestamp\":\"%s\",\"data\":%s}", type, ts,
                                 body);
    }
    ordo_pg_batch_add(s->batch, "could not queue a webhook event", sql, lookup ? 6 : 5, p);
}

void ordo_st_outbox_started(struct store_step *s)
{
    json_t *data = instance_data(s);

    if (s->business_key) {
        (void)json_object_set_new(data, "businessKey", json_string(s->business_key));
    }
    if (s->parent_key) {
        set_key(data, "parentInstanceKey", s->parent_key);
    }
    queue(s, "instance.started", s->now_ms, data, NULL, NULL, 0);
}

/* 'text' cut to REASON_MAX bytes, at a character boundary. */
static json_t *capped(const char *text)
{
    size_t len = strlen(text);

    if (len > REASON_MAX) {
        len = REASON_MAX;
        while (len > 0 && ((unsigned char)text[len] & 0xc0) == 0x80) {
            len--;
        }
    }
    return json_stringn(text, len);
}

static const char *element_of(const struct store_step *s, uint32_t node)
{
    return node == ORDO_GRAPH_NONE ? NULL : s->def->graph->nodes[node].id;
}

static void end_event(struct store_step *s, const struct ordo_effect *e)
{
    const char *status = e->text ? e->text : "completed";
    const char *type = strcmp(status, "error") == 0      ? "instance.failed"
                       : strcmp(status, "canceled") == 0 ? "instance.canceled"
                                                         : "instance.completed";
    json_t *data = instance_data(s);

    (void)json_object_set_new(data, "status", json_string(status));
    if (e->text2) {
        (void)json_object_set_new(data, "errorCode", json_string(e->text2));
    }
    queue(s, type, e->time_ms, data, NULL, NULL, 0);
}

void ordo_st_outbox_effect(struct store_step *s, const struct ordo_effect *e)
{
    const char *element = element_of(s, e->node);
    json_t *data;

    if (e->kind == ORDO_EFFECT_END) {
        end_event(s, e);
        return;
    }
    if (e->kind == ORDO_EFFECT_TASK && (e->op == ORDO_OP_CREATED || e->op == ORDO_OP_COMPLETED)) {
        data = instance_data(s);
        (void)json_object_set_new(data, "elementId", json_string(element));
        if (e->op == ORDO_OP_CREATED && e->text) {
            (void)json_object_set_new(data, "assignee", json_string(e->text));
        }
        queue(s, e->op == ORDO_OP_CREATED ? "task.created" : "task.completed", e->time_ms, data,
              "task", "taskKey", e->key);
    } else if (e->kind == ORDO_EFFECT_INCIDENT) {
        data = instance_data(s);
        (void)json_object_set_new(data, "elementId", json_string(element));
        if (e->op == ORDO_OP_RAISED && e->text) {
            (void)json_object_set_new(data, "reason", capped(e->text));
        }
        queue(s, e->op == ORDO_OP_RAISED ? "incident.opened" : "incident.resolved", e->time_ms,
              data, "incident", "incidentKey", e->key);
    }
}
