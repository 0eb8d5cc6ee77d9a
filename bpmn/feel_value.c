/*
 * bpmn/feel_value.c - FEEL values: constructors, the evaluation's memory and
 * limits, lists and contexts over JSON or built, JSON in and out, string().
 *
 * Variables are not converted when they are looked up: a JSON object is a
 * context that reads its members from the JSON, an array a list, a string
 * points at jansson's bytes. Only numbers become decimals, at once, since
 * they are small. Members and items convert the same way when read. So
 * `order.customer.name` touches three JSON objects and copies nothing.
 *
 * Everything an evaluation builds is charged to one memory budget
 * (ORDO_FEEL_MEMORY_FACTOR x max_string), including the JSON result, so an
 * expression that repeats a large value by reference ([s, s, s, ...]) is
 * still refused before it can exhaust memory.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "bpmn/feel_internal.h"

/* What one JSON value of the result costs beyond its string bytes (a rough
 * size of jansson's node). */
#define JSON_NODE_COST 48

struct ordo_feel_value ordo_feel_null(void)
{
    struct ordo_feel_value v = {.type = ORDO_FV_NULL};

    return v;
}

struct ordo_feel_value ordo_feel_bool(bool b)
{
    struct ordo_feel_value v = {.type = ORDO_FV_BOOL, .u.b = b};

    return v;
}

struct ordo_feel_value ordo_feel_tri_value(enum ordo_feel_tri t)
{
    return t == ORDO_FEEL_UNKNOWN ? ordo_feel_null() : ordo_feel_bool(t == ORDO_FEEL_TRUE);
}

struct ordo_feel_value ordo_feel_number(struct ordo_decimal d)
{
    struct ordo_feel_value v = {.type = ORDO_FV_NUMBER, .u.num = d};

    return v;
}

struct ordo_feel_value ordo_feel_int(int64_t i)
{
    return ordo_feel_number(ordo_decimal_from_int(i));
}

struct ordo_feel_value ordo_feel_string(const char *p, size_t len)
{
    struct ordo_feel_value v = {.type = ORDO_FV_STRING};

    v.u.str.p = p;
    v.u.str.len = len;
    return v;
}

struct ordo_feel_value ordo_feel_list(const struct ordo_feel_value *items, size_t n)
{
    struct ordo_feel_value v = {.type = ORDO_FV_LIST};

    v.u.list.items = items;
    v.u.list.n = n;
    return v;
}

/* ---- limits and memory ---- */

/* The part of the expression a message quotes, as in feel_lex.c. */
#define QUOTE_MAX 60

struct ordo_feel_value ordo_feel_fail(struct ordo_feel_ev *ev, const char *fmt, ...)
{
    char msg[160];
    char quote[QUOTE_MAX * 3 + 4];
    va_list ap;

    if (ev->rc == ORDO_OK) {
        va_start(ap, fmt);
        ordo_utf8_vformat(msg, sizeof(msg), fmt, ap); /* cut between characters if it must be */
        va_end(ap);
        ev->rc = ORDO_E_UNPROCESSABLE;
        ordo_err_set(ev->err, ev->rc, "FEEL: %s in \"%s\"", msg,
                     ordo_utf8_quote(quote, sizeof(quote), ev->src, ev->src_len, QUOTE_MAX));
    }
    return ordo_feel_null();
}

struct ordo_feel_value ordo_feel_too_deep(struct ordo_feel_ev *ev)
{
    return ordo_feel_fail(ev, "a value nested more than %u levels deep (max_depth)", ev->max_depth);
}

bool ordo_feel_step(struct ordo_feel_ev *ev, uint64_t n)
{
    if (ev->rc != ORDO_OK) {
        return false;
    }
    ev->steps += n;
    if (ev->steps > ev->max_steps) {
        ordo_feel_fail(ev, "evaluation takes more than %llu steps (max_steps)",
                       (unsigned long long)ev->max_steps);
        return false;
    }
    return true;
}

bool ordo_feel_charge_scan(struct ordo_feel_ev *ev, size_t bytes)
{
    return ordo_feel_step(ev, bytes / 256);
}

static bool charge(struct ordo_feel_ev *ev, size_t size)
{
    if (ev->rc != ORDO_OK) {
        return false;
    }
    if (size > ev->memory_left) {
        ordo_feel_fail(ev, "evaluation needs more than %zu bytes of memory (%u x max_string)",
                       ev->max_string * ORDO_FEEL_MEMORY_FACTOR, ORDO_FEEL_MEMORY_FACTOR);
        return false;
    }
    ev->memory_left -= size;
    return true;
}

void *ordo_feel_alloc(struct ordo_feel_ev *ev, size_t size)
{
    if (!charge(ev, size)) {
        return NULL;
    }
    if (!ev->arena) {
        ev->arena = ordo_arena_new();
    }
    return ordo_arena_alloc(ev->arena, size);
}

struct ordo_feel_value *ordo_feel_items(struct ordo_feel_ev *ev, size_t n)
{
    if (n > ev->max_items) {
        ordo_feel_fail(ev, "a list or context of more than %zu items (max_items)", ev->max_items);
        return NULL;
    }
    return ordo_feel_alloc(ev, (n ? n : 1) * sizeof(struct ordo_feel_value));
}

bool ordo_feel_push(struct ordo_feel_ev *ev, struct ordo_feel_value **items, size_t *n, size_t *cap,
                    const struct ordo_feel_value *v)
{
    if (*n == *cap) {
        size_t grown = *cap ? *cap * 2 : 16;
        struct ordo_feel_value *p;

        if (grown > ev->max_items) {
            /* exactly the limit, or one past it to fail with its message */
            grown = *n < ev->max_items ? ev->max_items : *n + 1;
        }
        if (!(p = ordo_feel_items(ev, grown))) {
            return false;
        }
        if (*n) {
            memcpy(p, *items, *n * sizeof(*p));
        }
        *items = p;
        *cap = grown;
    }
    (*items)[(*n)++] = *v;
    return true;
}

char *ordo_feel_chars(struct ordo_feel_ev *ev, size_t len)
{
    if (len > ev->max_string) {
        ordo_feel_fail(ev, "a string of more than %zu bytes (max_string)", ev->max_string);
        return NULL;
    }
    return ordo_feel_alloc(ev, len + 1);
}

/* ---- lists and contexts ---- */

struct ordo_feel_value ordo_feel_from_json(const json_t *j)
{
    struct ordo_feel_value v = {.type = ORDO_FV_NULL};
    struct ordo_decimal d;
    double x;

    if (!j) {
        return v;
    }
    switch (json_typeof(j)) {
    case JSON_OBJECT:
        v.type = ORDO_FV_CONTEXT;
        v.u.ctx.json = j;
        return v;
    case JSON_ARRAY:
        v.type = ORDO_FV_LIST;
        v.u.list.json = j;
        v.u.list.n = json_array_size(j);
        return v;
    case JSON_STRING:
        return ordo_feel_string(json_string_value(j), json_string_length(j));
    case JSON_INTEGER:
        return ordo_feel_int((int64_t)json_integer_value(j));
    case JSON_REAL:
        x = json_real_value(j);
        if (x == trunc(x) && fabs(x) < 9007199254740992.0) {
            return ordo_feel_int((int64_t)x); /* 1500.0: exact, and no text round trip */
        }
        if (ordo_decimal_from_double(x, &d, NULL) != ORDO_OK) {
            return v;
        }
        return ordo_feel_number(d);
    case JSON_TRUE:
        return ordo_feel_bool(true);
    case JSON_FALSE:
        return ordo_feel_bool(false);
    default:
        return v;
    }
}

size_t ordo_feel_list_len(const struct ordo_feel_value *v)
{
    return v->u.list.n;
}

struct ordo_feel_value ordo_feel_list_at(const struct ordo_feel_value *v, size_t i)
{
    if (v->u.list.json) {
        return ordo_feel_from_json(json_array_get(v->u.list.json, i));
    }
    return v->u.list.items[i];
}

struct ordo_feel_value ordo_feel_ctx_get(const struct ordo_feel_value *v, const char *name,
                                         size_t len, bool *found)
{
    const struct ordo_feel_ctx *c = v->u.ctx.ctx;
    bool dummy = false;

    found = found ? found : &dummy;
    if (v->u.ctx.json) {
        const json_t *m = json_object_getn(v->u.ctx.json, name, len);

        *found = m != NULL;
        return ordo_feel_from_json(m);
    }
    for (size_t i = 0; c && i < c->n; i++) {
        if (c->keys[i].len == len && memcmp(c->keys[i].p, name, len) == 0) {
            *found = true;
            return c->vals[i];
        }
    }
    *found = false;
    return ordo_feel_null();
}

const struct ordo_feel_ctx *ordo_feel_ctx_entries(struct ordo_feel_ev *ev,
                                                  const struct ordo_feel_value *v)
{
    /* json_object_iter() takes a non-const object; iterating does not change it. */
    json_t *obj = (json_t *)v->u.ctx.json;
    struct ordo_feel_ctx *c;
    struct ordo_feel_str *keys;
    struct ordo_feel_value *vals;
    size_t n = 0;

    static const struct ordo_feel_ctx empty = {NULL, NULL, 0};

    if (!obj) {
        return v->u.ctx.ctx ? v->u.ctx.ctx : &empty;
    }
    c = ordo_feel_alloc(ev, sizeof(*c));
    keys = ordo_feel_alloc(ev, (json_object_size(obj) + 1) * sizeof(*keys));
    vals = ordo_feel_items(ev, json_object_size(obj));
    if (!c || !keys || !vals) {
        return NULL;
    }
    for (void *it = json_object_iter(obj); it; it = json_object_iter_next(obj, it)) {
        keys[n].p = json_object_iter_key(it);
        keys[n].len = json_object_iter_key_len(it);
        vals[n++] = ordo_feel_from_json(json_object_iter_value(it));
    }
    c->keys = keys;
    c->vals = vals;
    c->n = n;
    return c;
}

/* ---- JSON out ---- */

static json_t *too_deep(struct ordo_feel_ev *ev)
{
    ordo_feel_too_deep(ev);
    return NULL;
}

static json_t *number_to_json(struct ordo_feel_ev *ev, struct ordo_decimal d)
{
    char text[ORDO_DECIMAL_STR_MAX];
    int64_t i;
    double x;

    if (ordo_decimal_to_int64(d, &i)) {
        return json_integer((json_int_t)i);
    }
    x = ordo_decimal_to_double(d);
    if (!isfinite(x)) {
        ordo_decimal_format(d, text);
        ordo_feel_fail(ev, "the number %s is too large for JSON", text);
        return NULL;
    }
    return json_real(x);
}

static json_t *string_to_json(struct ordo_feel_ev *ev, const char *p, size_t len)
{
    json_t *s;

    if (!charge(ev, len + JSON_NODE_COST)) {
        return NULL;
    }
    s = json_stringn(p, len);
    if (!s) {
        ordo_feel_fail(ev, "the result holds a string that is not valid UTF-8");
    }
    return s;
}

/* A copy of variable JSON 'j', with numbers written as FEEL writes them. */
static json_t *copy_json(struct ordo_feel_ev *ev, const json_t *j, unsigned depth)
{
    json_t *out;

    if (depth > ev->max_depth) {
        return too_deep(ev);
    }
    if (!charge(ev, JSON_NODE_COST)) {
        return NULL;
    }
    if (json_is_array(j)) {
        out = json_array();
        for (size_t i = 0; i < json_array_size(j); i++) {
            json_t *item = copy_json(ev, json_array_get(j, i), depth + 1);

            if (!item || json_array_append_new(out, item) != 0) {
                json_decref(out);
                return NULL;
            }
        }
        return out;
    }
    if (json_is_object(j)) {
        const char *key;
        size_t key_len;
        json_t *m;

        out = json_object();
        /* json_object_keylen_foreach() takes a non-const object; it only reads. */
        json_object_keylen_foreach((json_t *)j, key, key_len, m)
        {
            json_t *copy = copy_json(ev, m, depth + 1);

            if (!copy || json_object_setn_new(out, key, key_len, copy) != 0) {
                json_decref(out);
                return NULL;
            }
        }
        return out;
    }
    if (json_is_string(j)) {
        return string_to_json(ev, json_string_value(j), json_string_length(j));
    }
    if (json_is_number(j)) {
        struct ordo_feel_value v = ordo_feel_from_json(j);

        return v.type == ORDO_FV_NUMBER ? number_to_json(ev, v.u.num) : json_null();
    }
    return json_deep_copy(j); /* true, false, null: singletons */
}

static json_t *value_to_json(struct ordo_feel_ev *ev, const struct ordo_feel_value *v,
                             unsigned depth);

static json_t *list_to_json(struct ordo_feel_ev *ev, const struct ordo_feel_value *v,
                            unsigned depth)
{
    json_t *out;

    if (v->u.list.json) {
        return copy_json(ev, v->u.list.json, depth);
    }
    out = json_array();
    for (size_t i = 0; i < v->u.list.n; i++) {
        json_t *item = value_to_json(ev, &v->u.list.items[i], depth + 1);

        if (!item || json_array_append_new(out, item) != 0) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}

static json_t *context_to_json(struct ordo_feel_ev *ev, const struct ordo_feel_value *v,
                               unsigned depth)
{
    const struct ordo_feel_ctx *c = v->u.ctx.ctx;
    json_t *out;

    if (v->u.ctx.json) {
        return copy_json(ev, v->u.ctx.json, depth);
    }
    out = json_object();
    for (size_t i = 0; c && i < c->n; i++) {
        json_t *m = value_to_json(ev, &c->vals[i], depth + 1);

        if (!m) {
            json_decref(out);
            return NULL;
        }
        if (json_object_setn_new(out, c->keys[i].p, c->keys[i].len, m) != 0) {
            json_decref(out);
            ordo_feel_fail(ev, "the result holds a context key that is not valid UTF-8");
            return NULL;
        }
    }
    return out;
}

static json_t *value_to_json(struct ordo_feel_ev *ev, const struct ordo_feel_value *v,
                             unsigned depth)
{
    char text[64];
    size_t n;

    if (depth > ev->max_depth) {
        return too_deep(ev);
    }
    if (!charge(ev, JSON_NODE_COST)) {
        return NULL;
    }
    switch (v->type) {
    case ORDO_FV_NULL:
        return json_null();
    case ORDO_FV_BOOL:
        return json_boolean(v->u.b);
    case ORDO_FV_NUMBER:
        return number_to_json(ev, v->u.num);
    case ORDO_FV_STRING:
        return string_to_json(ev, v->u.str.p, v->u.str.len);
    case ORDO_FV_LIST:
        return list_to_json(ev, v, depth);
    case ORDO_FV_CONTEXT:
        return context_to_json(ev, v, depth);
    case ORDO_FV_RANGE:
        ordo_feel_fail(ev, "a range is not a value");
        return NULL;
    default:
        n = ordo_feel_format_temporal(v, text, sizeof(text));
        return json_stringn(text, n);
    }
}

json_t *ordo_feel_to_json(struct ordo_feel_ev *ev, const struct ordo_feel_value *v)
{
    return value_to_json(ev, v, 1);
}

/* ---- string() ---- */

/* A string being built in the evaluation's arena, bounded by max_string. */
struct sb {
    struct ordo_feel_ev *ev;
    char *p;
    size_t len, cap;
};

static bool sb_put(struct sb *b, const char *s, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        char *p;

        while (cap < b->len + n) {
            cap *= 2;
        }
        if (cap > b->ev->max_string && b->len + n <= b->ev->max_string) {
            cap = b->ev->max_string;
        }
        if (!(p = ordo_feel_chars(b->ev, cap))) {
            return false;
        }
        if (b->len) {
            memcpy(p, b->p, b->len);
        }
        b->p = p;
        b->cap = cap;
    }
    if (n) {
        memcpy(b->p + b->len, s, n);
        b->len += n;
    }
    return true;
}

static bool sb_puts(struct sb *b, const char *s)
{
    return sb_put(b, s, strlen(s));
}

static bool render(struct sb *b, const struct ordo_feel_value *v, unsigned depth, bool quoted);

static bool render_list(struct sb *b, const struct ordo_feel_value *v, unsigned depth)
{
    bool ok = sb_puts(b, "[");

    for (size_t i = 0; ok && i < ordo_feel_list_len(v); i++) {
        struct ordo_feel_value item = ordo_feel_list_at(v, i);

        ok = (i == 0 || sb_puts(b, ", ")) && render(b, &item, depth + 1, true);
    }
    return ok && sb_puts(b, "]");
}

static bool render_context(struct sb *b, const struct ordo_feel_value *v, unsigned depth)
{
    const struct ordo_feel_ctx *c = ordo_feel_ctx_entries(b->ev, v);
    bool ok = c && sb_puts(b, "{");

    for (size_t i = 0; ok && i < c->n; i++) {
        ok = (i == 0 || sb_puts(b, ", ")) && sb_put(b, c->keys[i].p, c->keys[i].len) &&
             sb_puts(b, ": ") && render(b, &c->vals[i], depth + 1, true);
    }
    return ok && sb_puts(b, "}");
}

static bool render_range(struct sb *b, const struct ordo_feel_range *r, unsigned depth)
{
    bool ok = sb_puts(b, r->lo_closed ? "[" : "(");

    ok = ok && (!r->has_lo || render(b, &r->lo, depth + 1, true)) && sb_puts(b, "..");
    ok = ok && (!r->has_hi || render(b, &r->hi, depth + 1, true));
    return ok && sb_puts(b, r->hi_closed ? "]" : ")");
}

/* Append 'v' as string() shows it; strings inside lists and contexts are
 * 'quoted'. */
static bool render(struct sb *b, const struct ordo_feel_value *v, unsigned depth, bool quoted)
{
    char text[64];

    if (depth > b->ev->max_depth) {
        return too_deep(b->ev) != NULL;
    }
    switch (v->type) {
    case ORDO_FV_NULL:
        return sb_puts(b, "null");
    case ORDO_FV_BOOL:
        return sb_puts(b, v->u.b ? "true" : "false");
    case ORDO_FV_NUMBER:
        ordo_decimal_format(v->u.num, text);
        return sb_puts(b, text);
    case ORDO_FV_STRING:
        return (!quoted || sb_puts(b, "\"")) && sb_put(b, v->u.str.p, v->u.str.len) &&
               (!quoted || sb_puts(b, "\""));
    case ORDO_FV_LIST:
        return render_list(b, v, depth);
    case ORDO_FV_CONTEXT:
        return render_context(b, v, depth);
    case ORDO_FV_RANGE:
        return render_range(b, v->u.range, depth);
    default:
        return sb_put(b, text, ordo_feel_format_temporal(v, text, sizeof(text)));
    }
}

struct ordo_feel_value ordo_feel_to_string(struct ordo_feel_ev *ev, const struct ordo_feel_value *v)
{
    struct sb b = {.ev = ev};

    if (v->type == ORDO_FV_NULL || v->type == ORDO_FV_STRING) {
        return *v;
    }
    if (v->type == ORDO_FV_BOOL) {
        return v->u.b ? ordo_feel_string("true", 4) : ordo_feel_string("false", 5);
    }
    if (!render(&b, v, 1, false)) {
        return ordo_feel_null();
    }
    return ordo_feel_string(b.p ? b.p : "", b.len);
}
