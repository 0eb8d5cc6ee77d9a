/*
 * base/schema.c - load and apply Ordo's JSON Schema subset (see schema.h).
 *
 * ordo_schema_load() deep-copies the document into the schema's own arena
 * and compiles the properties into a flat array that borrows names, enum
 * arrays and defaults from that copy; nothing is written after loading, so
 * validation needs no lock. Every check of a value (type, format, enum) is
 * one function used both at load time (enum members and defaults must pass
 * their own property) and at validation time, so the two cannot disagree.
 */
#include "base/schema.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/calendar.h"
#include "base/json.h"

#define SUBSET_REFUSAL   "is not in Ordo's JSON Schema subset (CONTRACTS §11)"
#define MAX_SAFE_INTEGER 9007199254740992.0 /* 2^53: every integer up to it is a double */
#define MAX_EMAIL_BYTES  254u

enum prop_type { PT_STRING, PT_NUMBER, PT_INTEGER, PT_BOOLEAN, PT_OBJECT, PT_ARRAY };
#define PT_FIRST_OPAQUE PT_OBJECT /* types allowed only with ORDO_SCHEMA_OPAQUE */
enum prop_format { PF_NONE, PF_DATE, PF_DATE_TIME, PF_EMAIL };

struct prop {
    const char *name; /* borrowed from the schema's copy of the document */
    enum prop_type type;
    enum prop_format format;
    const json_t *enum_values; /* non-empty array, or NULL */
    const json_t *def;         /* default value, or NULL */
    bool required;
};

struct ordo_schema {
    struct ordo_arena *arena; /* holds this struct, 'props' and the reference to 'doc' */
    json_t *doc;              /* private deep copy */
    const json_t *properties; /* the "properties" object of 'doc', or NULL */
    struct prop *props;
    size_t nprops;
    bool additional; /* additionalProperties */
    unsigned flags;  /* ORDO_SCHEMA_* given to ordo_schema_load_ex() */
};

static const char *const type_names[] = {
    [PT_STRING] = "string",   [PT_NUMBER] = "number", [PT_INTEGER] = "integer",
    [PT_BOOLEAN] = "boolean", [PT_OBJECT] = "object", [PT_ARRAY] = "array"};
static const char *const type_articles[] = {
    [PT_STRING] = "a string",   [PT_NUMBER] = "a number",  [PT_INTEGER] = "an integer",
    [PT_BOOLEAN] = "a boolean", [PT_OBJECT] = "an object", [PT_ARRAY] = "an array"};
static const char *const format_names[] = {
    [PF_DATE] = "date", [PF_DATE_TIME] = "date-time", [PF_EMAIL] = "email"};

/* ---- checks of one value against one property ---- */

/* An integer, or a number without a fraction within +-2^53, into '*out'. */
static bool integral_value(const json_t *v, json_int_t *out)
{
    double d;

    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return true;
    }
    if (!json_is_real(v)) {
        return false;
    }
    d = json_real_value(v);
    if (d < -MAX_SAFE_INTEGER || d > MAX_SAFE_INTEGER || (double)(json_int_t)d != d) {
        return false;
    }
    *out = (json_int_t)d;
    return true;
}

/* 'n' ASCII digits at 's' as a number in '*out'. */
static bool read_digits(const char *s, size_t n, int *out)
{
    int v = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* "YYYY-MM-DD" in the first 10 bytes of 's' (the caller checked the length),
 * a day that exists in its month. */
static bool is_date(const char *s)
{
    int y;
    int m;
    int d;

    if (s[4] != '-' || s[7] != '-' || !read_digits(s, 4, &y) || !read_digits(s + 5, 2, &m) ||
        !read_digits(s + 8, 2, &d)) {
        return false;
    }
    return m >= 1 && m <= 12 && d >= 1 && d <= ordo_days_in_month(y, m);
}

/* "hh:mm" at 's' with hours up to 'max_h' and minutes up to 59. */
static bool is_hh_mm(const char *s, int max_h)
{
    int h;
    int m;

    return read_digits(s, 2, &h) && s[2] == ':' && read_digits(s + 3, 2, &m) && h <= max_h &&
           m <= 59;
}

/* RFC 3339 date-time: date 'T' hh:mm:ss [.fraction] ('Z' | +-hh:mm). */
static bool is_date_time(const char *s, size_t len)
{
    const char *end = s + len;
    const char *p;
    int sec;

    if (len < 20 || !is_date(s) || (s[10] != 'T' && s[10] != 't') || !is_hh_mm(s + 11, 23) ||
        s[16] != ':' || !read_digits(s + 17, 2, &sec) || sec > 59) {
        return false;
    }
    p = s + 19;
    if (*p == '.') {
        const char *digits = ++p;

        while (p < end && *p >= '0' && *p <= '9') {
            p++;
        }
        if (p == digits) {
            return false;
        }
    }
    if (end - p == 1) {
        return *p == 'Z' || *p == 'z';
    }
    return end - p == 6 && (*p == '+' || *p == '-') && is_hh_mm(p + 1, 23);
}

/* One '@' after a non-empty local part, a domain with a dot neither first
 * nor last, no spaces or control characters. */
static bool is_email(const char *s, size_t len)
{
    const char *at = NULL;
    const char *dot = NULL;

    if (len > MAX_EMAIL_BYTES) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c <= ' ' || c == 0x7f || (c == '@' && at)) {
            return false;
        }
        if (c == '@') {
            at = s + i;
        } else if (c == '.' && at) {
            dot = s + i;
        }
    }
    /* The domain neither starts nor ends with its dots. */
    return at && at > s && dot && at[1] != '.' && s[len - 1] != '.';
}

/* Does 'v' have the type and format of 'p'? If not, a reason such as
 * "expected a number, got a string" in 'why'. */
static bool check_type(const struct prop *p, const json_t *v, char *why, size_t size)
{
    json_int_t ignored;
    const char *s;
    size_t len;
    bool ok = true;

    switch (p->type) {
    case PT_STRING:
        ok = json_is_string(v);
        break;
    case PT_NUMBER:
        ok = json_is_number(v);
        break;
    case PT_INTEGER:
        ok = integral_value(v, &ignored);
        break;
    case PT_BOOLEAN:
        ok = json_is_boolean(v);
        break;
    case PT_OBJECT:
        ok = json_is_object(v);
        break;
    case PT_ARRAY:
        ok = json_is_array(v);
        break;
    }
    if (!ok) {
        (void)snprintf(why, size, "expected %s, got %s", type_articles[p->type],
                       ordo_json_type_name(v));
        return false;
    }
    if (p->format == PF_NONE) {
        return true;
    }
    s = json_string_value(v);
    len = json_string_length(v);
    if (p->format == PF_DATE && (len != 10 || !is_date(s))) {
        (void)snprintf(why, size, "expected a date in the form YYYY-MM-DD");
        return false;
    }
    if (p->format == PF_DATE_TIME && !is_date_time(s, len)) {
        (void)snprintf(why, size, "expected an RFC 3339 date-time with a time zone");
        return false;
    }
    if (p->format == PF_EMAIL && !is_email(s, len)) {
        (void)snprintf(why, size, "expected an email address");
        return false;
    }
    return true;
}

/* Equality for enum members: numbers compare by value (3 equals 3.0). */
static bool same_value(const json_t *a, const json_t *b)
{
    json_int_t x;
    json_int_t y;

    if (!json_is_number(a) || !json_is_number(b)) {
        return json_equal(a, b);
    }
    if (integral_value(a, &x) && integral_value(b, &y)) {
        return x == y;
    }
    return !(json_number_value(a) < json_number_value(b)) &&
           !(json_number_value(a) > json_number_value(b));
}

static bool in_enum(const struct prop *p, const json_t *v)
{
    size_t i;
    const json_t *member;

    if (!p->enum_values) {
        return true;
    }
    json_array_foreach(p->enum_values, i, member)
    {
        if (same_value(member, v)) {
            return true;
        }
    }
    return false;
}

/* ---- loading ---- */

static enum ordo_code refuse_keyword(const char *prefix, const char *key, struct ordo_err *err)
{
    return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "%s%s: \"%s\" " SUBSET_REFUSAL, prefix, key,
                        key);
}

static enum ordo_code expect_string(const char *path, const json_t *v, struct ordo_err *err)
{
    if (json_is_string(v)) {
        return ORDO_OK;
    }
    return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "%s: expected a string, got %s", path,
                        ordo_json_type_name(v));
}

static enum ordo_code load_type(const struct ordo_schema *s, const char *path, const json_t *t,
                                struct prop *p, struct ordo_err *err)
{
    size_t ntypes = (s->flags & ORDO_SCHEMA_OPAQUE) ? sizeof(type_names) / sizeof(type_names[0])
                                                    : (size_t)PT_FIRST_OPAQUE;

    if (!t) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "%s: \"type\" is required", path);
    }
    if (!json_is_string(t)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "%s.type: expected a string, got %s", path,
                            ordo_json_type_name(t));
    }
    for (size_t i = 0; i < ntypes; i++) {
        if (strcmp(json_string_value(t), type_names[i]) == 0) {
            p->type = (enum prop_type)i;
            return ORDO_OK;
        }
    }
    return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "%s.type: type \"%s\" " SUBSET_REFUSAL, path,
                        json_string_value(t));
}

static enum ordo_code load_format(const char *path, const json_t *f, struct prop *p,
                                  struct ordo_err *err)
{
    if (!f) {
        return ORDO_OK;
    }
    if (!json_is_string(f)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "%s.format: expected a string, got %s", path,
                            ordo_json_type_name(f));
    }
    if (p->type != PT_STRING) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "%s.format: \"format\" applies only to type \"string\"", path);
    }
    for (size_t i = PF_DATE; i < sizeof(format_names) / sizeof(format_names[0]); i++) {
        if (strcmp(json_string_value(f), format_names[i]) == 0) {
            p->format = (enum prop_format)i;
            return ORDO_OK;
        }
    }
    return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "%s.format: format \"%s\" " SUBSET_REFUSAL, path,
                        json_string_value(f));
}

static enum ordo_code load_enum(const char *path, const json_t *e, struct prop *p,
                                struct ordo_err *err)
{
    char why[ORDO_ERR_MSG_SIZE];
    size_t i;
    const json_t *v;

    if (!e) {
        return ORDO_OK;
    }
    if (!json_is_array(e)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "%s.enum: expected an array, got %s", path,
                            ordo_json_type_name(e));
    }
    if (json_array_size(e) == 0 || json_array_size(e) > ORDO_SCHEMA_MAX_ENUM) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "%s.enum: expected 1 to %u values, got %zu",
                            path, ORDO_SCHEMA_MAX_ENUM, json_array_size(e));
    }
    json_array_foreach(e, i, v)
    {
        if (!check_type(p, v, why, sizeof(why))) {
            return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "%s.enum[%zu]: %s", path, i, why);
        }
        for (size_t j = 0; j < i; j++) {
            if (same_value(json_array_get(e, j), v)) {
                return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                                    "%s.enum[%zu]: duplicate of enum[%zu]", path, i, j);
            }
        }
    }
    p->enum_values = e;
    return ORDO_OK;
}

static enum ordo_code load_default(const char *path, const json_t *d, struct prop *p,
                                   struct ordo_err *err)
{
    char why[ORDO_ERR_MSG_SIZE];

    if (!d) {
        return ORDO_OK;
    }
    if (!check_type(p, d, why, sizeof(why))) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "%s.default: %s", path, why);
    }
    if (!in_enum(p, d)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "%s.default: not one of the values of \"enum\"", path);
    }
    p->def = d;
    return ORDO_OK;
}

static bool is_property_keyword(const char *key)
{
    static const char *const words[] = {"type",  "enum",        "format",
                                        "title", "description", "default"};

    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (strcmp(key, words[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* One property schema 'ps' named 'name' into 'p'. */
static enum ordo_code load_property(struct ordo_schema *s, const char *name, const json_t *ps,
                                    struct prop *p, struct ordo_err *err)
{
    const char *path = ordo_arena_printf(s->arena, "properties.%s", name);
    const char *prefix = ordo_arena_printf(s->arena, "%s.", path);
    enum ordo_code rc = ORDO_OK;
    const char *key;
    const json_t *v;

    p->name = name;
    if (!json_is_object(ps)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "%s: expected an object, got %s", path,
                            ordo_json_type_name(ps));
    }
    json_object_foreach((json_t *)ps, key, v)
    {
        if (!is_property_keyword(key)) {
            return refuse_keyword(prefix, key, err);
        }
    }
    if ((v = json_object_get(ps, "title")) != NULL) {
        rc = expect_string(ordo_arena_printf(s->arena, "%stitle", prefix), v, err);
    }
    if (rc == ORDO_OK && (v = json_object_get(ps, "description")) != NULL) {
        rc = expect_string(ordo_arena_printf(s->arena, "%sdescription", prefix), v, err);
    }
    if (rc == ORDO_OK) {
        rc = load_type(s, path, json_object_get(ps, "type"), p, err);
    }
    if (rc == ORDO_OK) {
        rc = load_format(path, json_object_get(ps, "format"), p, err);
    }
    if (rc == ORDO_OK) {
        rc = load_enum(path, json_object_get(ps, "enum"), p, err);
    }
    if (rc == ORDO_OK) {
        rc = load_default(path, json_object_get(ps, "default"), p, err);
    }
    return rc;
}

static enum ordo_code load_properties(struct ordo_schema *s, const json_t *props,
                                      struct ordo_err *err)
{
    const char *name;
    const json_t *ps;
    enum ordo_code rc;

    if (!props) {
        return ORDO_OK;
    }
    if (!json_is_object(props)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "properties: expected an object, got %s",
                            ordo_json_type_name(props));
    }
    if (json_object_size(props) > ORDO_SCHEMA_MAX_PROPERTIES) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "properties: %zu properties exceed the limit of %u",
                            json_object_size(props), ORDO_SCHEMA_MAX_PROPERTIES);
    }
    s->properties = props;
    s->props = ordo_arena_calloc(s->arena, json_object_size(props), sizeof(*s->props));
    json_object_foreach((json_t *)props, name, ps)
    {
        rc = load_property(s, name, ps, &s->props[s->nprops], err);
        if (rc != ORDO_OK) {
            return rc;
        }
        s->nprops++;
    }
    return ORDO_OK;
}

static struct prop *find_prop(const struct ordo_schema *s, const char *name)
{
    for (size_t i = 0; i < s->nprops; i++) {
        if (strcmp(s->props[i].name, name) == 0) {
            return &s->props[i];
        }
    }
    return NULL;
}

static enum ordo_code load_required(struct ordo_schema *s, const json_t *req, struct ordo_err *err)
{
    size_t i;
    const json_t *v;
    struct prop *p;

    if (!req) {
        return ORDO_OK;
    }
    if (!json_is_array(req)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "required: expected an array, got %s",
                            ordo_json_type_name(req));
    }
    json_array_foreach(req, i, v)
    {
        if (!json_is_string(v)) {
            return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                                "required[%zu]: expected a string, got %s", i,
                                ordo_json_type_name(v));
        }
        p = find_prop(s, json_string_value(v));
        if (!p) {
            return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                                "required[%zu]: \"%s\" is not a declared property", i,
                                json_string_value(v));
        }
        if (p->required) {
            return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "required[%zu]: duplicate name \"%s\"",
                                i, p->name);
        }
        p->required = true;
    }
    return ORDO_OK;
}

/* The top-level keywords other than properties and required. */
static enum ordo_code load_top_keyword(struct ordo_schema *s, const char *key, const json_t *v,
                                       struct ordo_err *err)
{
    if (strcmp(key, "properties") == 0 || strcmp(key, "required") == 0) {
        return ORDO_OK; /* after the loop: required names properties */
    }
    if (strcmp(key, "title") == 0 || strcmp(key, "description") == 0) {
        return expect_string(key, v, err);
    }
    if (strcmp(key, "type") == 0) {
        if (!json_is_string(v)) {
            return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "type: expected a string, got %s",
                                ordo_json_type_name(v));
        }
        if (strcmp(json_string_value(v), "object") != 0) {
            return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                                "type: the top level must be of type \"object\", not \"%s\"",
                                json_string_value(v));
        }
        return ORDO_OK;
    }
    if (strcmp(key, "additionalProperties") == 0) {
        if (!json_is_boolean(v)) {
            return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                                "additionalProperties: expected a boolean, got %s",
                                ordo_json_type_name(v));
        }
        s->additional = json_is_true(v);
        return ORDO_OK;
    }
    return refuse_keyword("", key, err);
}

enum ordo_code ordo_schema_load(const json_t *doc, struct ordo_schema **out, struct ordo_err *err)
{
    return ordo_schema_load_ex(doc, 0, out, err);
}

enum ordo_code ordo_schema_load_ex(const json_t *doc, unsigned flags, struct ordo_schema **out,
                                   struct ordo_err *err)
{
    struct ordo_schema *s;
    struct ordo_arena *arena;
    enum ordo_code rc = ORDO_OK;
    const char *key;
    json_t *v;

    if (!doc) {
        return ordo_err_set(err, ORDO_E_INVAL, "no schema given");
    }
    if (!json_is_object(doc)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "schema: expected an object, got %s",
                            ordo_json_type_name(doc));
    }
    arena = ordo_arena_new();
    s = ordo_arena_alloc(arena, sizeof(*s));
    s->arena = arena;
    s->additional = true;
    s->flags = flags;
    s->doc = ordo_json_defer(arena, json_deep_copy(doc));
    if (!s->doc) {
        ordo_oom(0); /* jansson copies only fail for want of memory */
    }
    json_object_foreach(s->doc, key, v)
    {
        rc = load_top_keyword(s, key, v, err);
        if (rc != ORDO_OK) {
            goto fail;
        }
    }
    rc = load_properties(s, json_object_get(s->doc, "properties"), err);
    if (rc == ORDO_OK) {
        rc = load_required(s, json_object_get(s->doc, "required"), err);
    }
    if (rc != ORDO_OK) {
        goto fail;
    }
    *out = s;
    return ORDO_OK;

fail:
    ordo_arena_free(arena);
    return rc;
}

void ordo_schema_free(struct ordo_schema *s)
{
    if (s) {
        ordo_arena_free(s->arena); /* 's' lives in its own arena */
    }
}

/* ---- validation ---- */

struct run {
    struct ordo_schema_findings *out; /* or NULL */
    struct ordo_err *err;
    size_t n;
};

static void report(struct run *r, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void report(struct run *r, const char *field, const char *fmt, ...)
{
    char msg[ORDO_ERR_MSG_SIZE];
    struct ordo_schema_finding *f;
    va_list ap;

    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof(msg), fmt, ap); /* truncation is acceptable */
    va_end(ap);
    if (r->n++ == 0) {
        (void)ordo_err_set(r->err, ORDO_E_UNPROCESSABLE, "%s", msg);
    }
    if (!r->out) {
        return;
    }
    r->out->total++;
    if (r->out->count < ORDO_SCHEMA_MAX_FINDINGS) {
        f = &r->out->items[r->out->count++];
        (void)snprintf(f->field, sizeof(f->field), "%s", field);
        memcpy(f->message, msg, sizeof(msg));
    }
}

static void validate_prop(const struct prop *p, const json_t *v, struct run *r)
{
    char why[ORDO_ERR_MSG_SIZE];

    if (!v || json_is_null(v)) {
        if (p->required) {
            report(r, p->name, "field \"%s\" is required", p->name);
        }
        return;
    }
    if (!check_type(p, v, why, sizeof(why))) {
        report(r, p->name, "field \"%s\": %s", p->name, why);
    } else if (!in_enum(p, v)) {
        report(r, p->name, "field \"%s\": not one of the allowed values", p->name);
    }
}

enum ordo_code ordo_schema_validate(const struct ordo_schema *s, const json_t *value,
                                    struct ordo_schema_findings *out, struct ordo_err *err)
{
    struct run r = {.out = out, .err = err};
    const char *key;
    const json_t *v;

    if (out) {
        out->count = 0;
        out->total = 0;
    }
    if (!json_is_object(value)) {
        report(&r, "", "expected a JSON object, got %s", ordo_json_type_name(value));
        return ORDO_E_UNPROCESSABLE;
    }
    for (size_t i = 0; i < s->nprops; i++) {
        validate_prop(&s->props[i], json_object_get(value, s->props[i].name), &r);
    }
    if (!s->additional) {
        json_object_foreach((json_t *)value, key, v)
        {
            if (!s->properties || !json_object_get(s->properties, key)) {
                report(&r, key, "field \"%s\" is not declared by the schema", key);
            }
        }
    }
    return r.n == 0 ? ORDO_OK : ORDO_E_UNPROCESSABLE;
}

json_t *ordo_schema_pick(const struct ordo_schema *s, const json_t *value)
{
    json_t *out = json_object();

    if (!out) {
        ordo_oom(0);
    }
    for (size_t i = 0; i < s->nprops; i++) {
        json_t *v = json_object_get(value, s->props[i].name);

        if (v && json_object_set(out, s->props[i].name, v) != 0) {
            ordo_oom(0);
        }
    }
    return out;
}

json_t *ordo_schema_defaults(const struct ordo_schema *s)
{
    json_t *obj = json_object();

    if (!obj) {
        ordo_oom(0);
    }
    for (size_t i = 0; i < s->nprops; i++) {
        if (s->props[i].def &&
            json_object_set_new(obj, s->props[i].name, json_deep_copy(s->props[i].def)) != 0) {
            ordo_oom(0);
        }
    }
    return obj;
}
