/*
 * core/effect.c - effects: recording them in a step, and writing each as
 * the JSON record that `ordo run --trace json` prints and the audit log
 * stores (CONTRACTS.md §3).
 *
 * The writer is hand-made rather than built with jansson objects because
 * every effect of every step passes through it (the benchmark's instances
 * write about 35 records each): it appends straight into the caller's
 * buffer, formats integers and times without printf, and reuses the text
 * of the last time it formatted, since a step's effects share one time.
 */
#include <string.h>

#include "base/calendar.h"
#include "base/json.h"
#include "base/text.h"
#include "core/runtime_internal.h"

static const char *const kind_names[] = {
#define X(e, s) [ORDO_EFFECT_##e] = (s),
    ORDO_EFFECT_KIND_MAP(X)
#undef X
};

static const char *const op_names[] = {
#define X(e, s) [ORDO_OP_##e] = (s),
    ORDO_EFFECT_OP_MAP(X)
#undef X
};

const char *ordo_effect_kind_name(enum ordo_effect_kind kind)
{
    return kind_names[kind];
}

const char *ordo_effect_op_name(enum ordo_effect_op op)
{
    return op_names[op];
}

struct ordo_effect *ordo_rt_emit(struct rt_ctx *ctx, enum ordo_effect_kind kind,
                                 enum ordo_effect_op op, uint32_t node, uint32_t elem)
{
    struct ordo_step *st = ctx->step;
    struct ordo_effect *e;

    if (st->neffects == st->cap) {
        st->effects =
            ordo_arena_grow(st->arena, st->effects, st->neffects, &st->cap, sizeof(*st->effects));
    }
    e = &st->effects[st->neffects++];
    memset(e, 0, sizeof(*e));
    e->seq = ++ctx->inst->seq;
    e->time_ms = ctx->now;
    e->kind = kind;
    e->op = op;
    e->node = node;
    e->trigger = ORDO_GRAPH_NONE;
    e->element_key = elem;
    return e;
}

struct ordo_effect *ordo_rt_emit_sub(struct rt_ctx *ctx, enum ordo_effect_kind kind,
                                     enum ordo_effect_op op, const struct rt_sub *s)
{
    const struct rt_elem *owner = ordo_rt_elem(ctx->inst, s->owner);
    uint32_t node = owner ? owner->node : s->node;
    struct ordo_effect *e = ordo_rt_emit(ctx, kind, op, node, s->owner);

    e->trigger = s->node != node ? s->node : ORDO_GRAPH_NONE;
    e->key = s->key;
    e->due_ms = s->kind == RT_SUB_TIMER ? s->due_ms : 0;
    if (s->name) {
        e->text = ordo_arena_strdup(ctx->step->arena, s->name);
    }
    if (s->corr) {
        e->text2 = ordo_arena_strdup(ctx->step->arena, s->corr);
    }
    return e;
}

static void decref_cb(void *p)
{
    json_decref(p);
}

const json_t *ordo_rt_keep(struct rt_ctx *ctx, json_t *value)
{
    if (value) {
        json_incref(value);
        ordo_arena_defer(ctx->step->arena, decref_cb, value);
    }
    return value;
}

/* ---- the JSON writer ---- */

/* Appends without the NUL that ordo_buf_append() writes each time;
 * ordo_effect_json() terminates the record once at its end. The reserve
 * keeps one byte spare for that. */
static inline void raw(struct ordo_buf *out, const char *p, size_t n)
{
    if (out->cap - out->len <= n) {
        ordo_buf_reserve(out, n);
    }
    memcpy(out->data + out->len, p, n);
    out->len += n;
}

#define LIT(out, s) raw((out), (s), sizeof(s) - 1)

static inline void put_c(struct ordo_buf *out, char c)
{
    raw(out, &c, 1);
}

static void put_u64(struct ordo_buf *out, uint64_t v)
{
    char tmp[24];
    size_t n = sizeof(tmp);

    do {
        tmp[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    raw(out, tmp + n, sizeof(tmp) - n);
}

/* A JSON string. Plain ASCII (ids, job types, most names) is copied in
 * one go; anything else goes through the escaper. */
static void put_str(struct ordo_buf *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n;

    while (*p >= 0x20 && *p < 0x7F && *p != '"' && *p != '\\') {
        p++;
    }
    if (*p != '\0') {
        ordo_json_append_string(out, s);
        return;
    }
    n = (size_t)(p - (const unsigned char *)s);
    if (out->cap - out->len <= n + 2) {
        ordo_buf_reserve(out, n + 2);
    }
    out->data[out->len] = '"';
    memcpy(out->data + out->len + 1, s, n);
    out->data[out->len + 1 + n] = '"';
    out->len += n + 2;
}

/* 'name' is a literal with its quotes and colon: ",\"name\":" */
#define FIELD_STR(out, name, value) field_str((out), (name), sizeof(name) - 1, (value))
#define FIELD_KEY(out, name, key)   field_key((out), (name), sizeof(name) - 1, (key))
#define FIELD_JSON(out, name, v)    field_json((out), (name), sizeof(name) - 1, (v))

static void field_str(struct ordo_buf *out, const char *name, size_t len, const char *value)
{
    raw(out, name, len);
    if (value) {
        put_str(out, value);
    } else {
        LIT(out, "null");
    }
}

static void field_key(struct ordo_buf *out, const char *name, size_t len, uint32_t key)
{
    raw(out, name, len);
    put_c(out, '"');
    put_u64(out, key);
    put_c(out, '"');
}

static int dump_cb(const char *buf, size_t size, void *data)
{
    ordo_buf_append(data, buf, size);
    return 0;
}

static void field_json(struct ordo_buf *out, const char *name, size_t len, const json_t *value)
{
    raw(out, name, len);
    if (!value) {
        LIT(out, "null");
    } else if (json_is_object(value) && json_object_size(value) == 0) {
        LIT(out, "{}");
    } else if (json_is_true(value)) {
        LIT(out, "true");
    } else if (json_is_false(value)) {
        LIT(out, "false");
    } else {
        (void)json_dump_callback(value, dump_cb, out,
                                 JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
    }
}

static void put_job(struct ordo_buf *out, const struct ordo_effect *e)
{
    FIELD_STR(out, ",\"job_type\":", e->text);
    if (e->op == ORDO_OP_CREATED || e->op == ORDO_OP_FAILED) {
        LIT(out, ",\"retries\":");
        put_u64(out, e->retries);
    }
    if (e->text2) {
        FIELD_STR(out, ",\"error_code\":", e->text2);
    }
    if (e->value) {
        FIELD_JSON(out, ",\"variables\":", e->value);
    }
}

static void put_task(struct ordo_buf *out, const struct ordo_effect *e)
{
    if (e->op == ORDO_OP_CREATED) {
        FIELD_STR(out, ",\"assignee\":", e->text);
        LIT(out, ",\"candidates\":");
        if (e->text2) {
            raw(out, e->text2, strlen(e->text2));
        } else {
            LIT(out, "null");
        }
        if (e->due_ms) {
            char due[ORDO_RFC3339_MS_SIZE];

            ordo_format_rfc3339_ms(e->due_ms, due);
            FIELD_STR(out, ",\"due\":", due);
        }
    }
    if (e->value) {
        FIELD_JSON(out, ",\"variables\":", e->value);
    }
}

/* The fields particular to each kind of effect. */
static void put_details(struct ordo_buf *out, const struct ordo_effect *e)
{
    switch (e->kind) {
    case ORDO_EFFECT_ENTER:
    case ORDO_EFFECT_LEAVE:
        if (e->text2) {
            FIELD_STR(out, ",\"loop\":", e->text2);
        }
        break;
    case ORDO_EFFECT_JOB:
        put_job(out, e);
        break;
    case ORDO_EFFECT_TASK:
        put_task(out, e);
        break;
    case ORDO_EFFECT_MESSAGE:
        FIELD_STR(out, ",\"name\":", e->text);
        FIELD_STR(out, ",\"correlation_key\":", e->text2);
        if (e->value) {
            FIELD_JSON(out, ",\"variables\":", e->value);
        }
        break;
    case ORDO_EFFECT_TIMER:
        if (e->op == ORDO_OP_SCHEDULED) {
            char due[ORDO_RFC3339_MS_SIZE];

            ordo_format_rfc3339_ms(e->due_ms, due);
            FIELD_STR(out, ",\"due\":", due);
        }
        break;
    case ORDO_EFFECT_CALL:
        FIELD_STR(out, ",\"process\":", e->text);
        if (e->text2) {
            FIELD_STR(out, ",\"error_code\":", e->text2);
        }
        if (e->value) {
            FIELD_JSON(out, ",\"variables\":", e->value);
        }
        break;
    case ORDO_EFFECT_VAR:
        FIELD_STR(out, ",\"name\":", e->text);
        FIELD_KEY(out, ",\"scope\":", e->scope_key);
        FIELD_JSON(out, ",\"value\":", e->value);
        break;
    case ORDO_EFFECT_INCIDENT:
        FIELD_STR(out, ",\"reason\":", e->text);
        break;
    case ORDO_EFFECT_END:
        FIELD_STR(out, ",\"status\":", e->text);
        if (e->text2) {
            FIELD_STR(out, ",\"error_code\":", e->text2);
        }
        FIELD_JSON(out, ",\"variables\":", e->value);
        break;
    }
}

void ordo_effect_json(const struct ordo_graph *graph, const struct ordo_effect *e,
                      struct ordo_buf *out)
{
    /* Effects of one step share a time: format it once per change. */
    static _Thread_local int64_t last_ms = INT64_MIN;
    static _Thread_local char last_time[ORDO_RFC3339_MS_SIZE];
    const char *op = op_names[e->op];

    if (e->time_ms != last_ms) {
        ordo_format_rfc3339_ms(e->time_ms, last_time);
        last_ms = e->time_ms;
    }
    LIT(out, "{\"seq\":");
    put_u64(out, e->seq);
    LIT(out, ",\"time\":\"");
    raw(out, last_time, ORDO_RFC3339_MS_SIZE - 1);
    LIT(out, "\",\"event\":\"");
    raw(out, kind_names[e->kind], strlen(kind_names[e->kind]));
    put_c(out, '"');
    if (e->node != ORDO_GRAPH_NONE && e->node < graph->nnodes) {
        FIELD_STR(out, ",\"element\":", graph->nodes[e->node].id);
        FIELD_STR(out, ",\"type\":", graph->nodes[e->node].type);
    }
    if (e->trigger != ORDO_GRAPH_NONE && e->trigger < graph->nnodes) {
        FIELD_STR(out, ",\"trigger\":", graph->nodes[e->trigger].id);
    }
    if (op) {
        LIT(out, ",\"op\":\"");
        raw(out, op, strlen(op));
        put_c(out, '"');
    }
    if (e->element_key) {
        FIELD_KEY(out, ",\"element_key\":", e->element_key);
    }
    if (e->key && e->key != e->element_key) {
        FIELD_KEY(out, ",\"key\":", e->key);
    }
    if (e->kind == ORDO_EFFECT_ENTER && e->scope_key) {
        FIELD_KEY(out, ",\"scope\":", e->scope_key);
    }
    put_details(out, e);
    put_c(out, '}');
    out->data[out->len] = '\0'; /* raw() always leaves room for it */
}
