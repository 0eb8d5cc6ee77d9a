#include "base/json.h"

#include <stdint.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/text.h"

/* Reject documents nested deeper than 'max_depth' with one pass over the
 * bytes, before jansson allocates anything: jansson builds the tree first and
 * only then would we see that a megabyte of "[[[[..." is 500,000 levels deep.
 * Brackets inside strings do not count; a backslash escapes the next byte.
 * Unbalanced input is left for jansson to report with a position. */
static enum ordo_code check_depth(const char *buf, size_t len, unsigned max_depth,
                                  struct ordo_err *err)
{
    unsigned depth = 0;
    bool in_string = false;

    for (size_t i = 0; i < len; i++) {
        char c = buf[i];

        if (in_string) {
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) {
                return ordo_err_set(err, ORDO_E_INVAL,
                                    "invalid JSON: nested deeper than %u levels at byte %zu",
                                    max_depth, i);
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return ORDO_OK;
}

enum ordo_code ordo_json_parse(const char *buf, size_t len, const struct ordo_json_limits *lim,
                               json_t **out, struct ordo_err *err)
{
    size_t max_bytes = lim && lim->max_bytes ? lim->max_bytes : ORDO_JSON_DEFAULT_MAX_BYTES;
    unsigned max_depth = lim && lim->max_depth ? lim->max_depth : ORDO_JSON_DEFAULT_MAX_DEPTH;
    json_error_t jerr;
    json_t *root;
    enum ordo_code rc;

    if (len > max_bytes) {
        return ordo_err_set(err, ORDO_E_TOOBIG,
                            "JSON document of %zu bytes exceeds the limit of %zu", len, max_bytes);
    }
    rc = check_depth(buf, len, max_depth, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    root = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (!root) {
        return ordo_err_set(err, ORDO_E_INVAL, "invalid JSON at line %d, column %d: %s", jerr.line,
                            jerr.column, jerr.text);
    }
    *out = root;
    return ORDO_OK;
}

static void decref_cb(void *json)
{
    json_decref(json);
}

json_t *ordo_json_defer(struct ordo_arena *arena, json_t *json)
{
    if (json) {
        ordo_arena_defer(arena, decref_cb, json);
    }
    return json;
}

char *ordo_json_dump(struct ordo_arena *arena, const json_t *json, size_t flags)
{
    size_t need;
    char *out;

    if (!json) {
        return NULL;
    }
    flags |= JSON_ENCODE_ANY;
    /* Measure, then encode straight into the arena: no malloc'd copy. */
    need = json_dumpb(json, NULL, 0, flags);
    out = ordo_arena_alloc_raw(arena, need + 1);
    /* Every value encodes to at least one byte, so 0 is jansson's failure:
     * out of memory (or a value that contains itself, a programmer error). */
    if (need == 0 || json_dumpb(json, out, need, flags) != need) {
        ordo_oom(need);
    }
    out[need] = '\0';
    return out;
}

const char *ordo_json_type_name(const json_t *json)
{
    if (!json) {
        return "nothing";
    }
    switch (json_typeof(json)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    default:
        return "null";
    }
}

/* Find member 'name' of 'obj' and check its type. '*found' is false (and
 * ORDO_OK returned) when the member is absent or null and 'required' is false;
 * a required member that is null has the wrong type. */
static enum ordo_code lookup(const json_t *obj, const char *name, json_type type, bool required,
                             json_t **found, struct ordo_err *err)
{
    static const char *const wanted[] = {
        [JSON_OBJECT] = "an object",   [JSON_ARRAY] = "an array", [JSON_STRING] = "a string",
        [JSON_INTEGER] = "an integer", [JSON_REAL] = "a number",  [JSON_TRUE] = "a boolean",
        [JSON_FALSE] = "a boolean",    [JSON_NULL] = "null",
    };
    json_t *v;

    *found = NULL;
    if (!json_is_object(obj)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "expected a JSON object, not %s",
                            ordo_json_type_name(obj));
    }
    v = json_object_get(obj, name);
    if (!v && required) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "field \"%s\" is required", name);
    }
    if (!v || (json_is_null(v) && !required)) {
        return ORDO_OK;
    }
    if (json_typeof(v) != type && !(type == JSON_TRUE && json_is_boolean(v))) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "field \"%s\" must be %s, not %s", name,
                            wanted[type], ordo_json_type_name(v));
    }
    *found = v;
    return ORDO_OK;
}

static enum ordo_code read_string(const json_t *obj, const char *name, bool required,
                                  const char **out, struct ordo_err *err)
{
    json_t *v;
    enum ordo_code rc = lookup(obj, name, JSON_STRING, required, &v, err);

    if (rc == ORDO_OK && v) {
        *out = json_string_value(v);
    }
    return rc;
}

static enum ordo_code read_int(const json_t *obj, const char *name, bool required, json_int_t *out,
                               struct ordo_err *err)
{
    json_t *v;
    enum ordo_code rc = lookup(obj, name, JSON_INTEGER, required, &v, err);

    if (rc == ORDO_OK && v) {
        *out = json_integer_value(v);
    }
    return rc;
}

static enum ordo_code read_bool(const json_t *obj, const char *name, bool required, bool *out,
                                struct ordo_err *err)
{
    json_t *v;
    enum ordo_code rc = lookup(obj, name, JSON_TRUE, required, &v, err);

    if (rc == ORDO_OK && v) {
        *out = json_is_true(v);
    }
    return rc;
}

enum ordo_code ordo_json_get_string(const json_t *obj, const char *name, const char **out,
                                    struct ordo_err *err)
{
    return read_string(obj, name, true, out, err);
}

enum ordo_code ordo_json_get_int(const json_t *obj, const char *name, json_int_t *out,
                                 struct ordo_err *err)
{
    return read_int(obj, name, true, out, err);
}

enum ordo_code ordo_json_get_bool(const json_t *obj, const char *name, bool *out,
                                  struct ordo_err *err)
{
    return read_bool(obj, name, true, out, err);
}

enum ordo_code ordo_json_get_object(const json_t *obj, const char *name, json_t **out,
                                    struct ordo_err *err)
{
    json_t *v;
    enum ordo_code rc = lookup(obj, name, JSON_OBJECT, true, &v, err);

    if (rc == ORDO_OK) {
        *out = v;
    }
    return rc;
}

enum ordo_code ordo_json_get_array(const json_t *obj, const char *name, json_t **out,
                                   struct ordo_err *err)
{
    json_t *v;
    enum ordo_code rc = lookup(obj, name, JSON_ARRAY, true, &v, err);

    if (rc == ORDO_OK) {
        *out = v;
    }
    return rc;
}

enum ordo_code ordo_json_opt_string(const json_t *obj, const char *name, const char **out,
                                    struct ordo_err *err)
{
    return read_string(obj, name, false, out, err);
}

enum ordo_code ordo_json_opt_int(const json_t *obj, const char *name, json_int_t *out,
                                 struct ordo_err *err)
{
    return read_int(obj, name, false, out, err);
}

enum ordo_code ordo_json_opt_bool(const json_t *obj, const char *name, bool *out,
                                  struct ordo_err *err)
{
    return read_bool(obj, name, false, out, err);
}

static void append_escaped_byte(struct ordo_buf *out, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    char u[6] = {'\\', 'u', '0', '0', 0, 0};

    switch (c) {
    case '"':
        ordo_buf_puts(out, "\\\"");
        return;
    case '\\':
        ordo_buf_puts(out, "\\\\");
        return;
    case '\n':
        ordo_buf_puts(out, "\\n");
        return;
    case '\r':
        ordo_buf_puts(out, "\\r");
        return;
    case '\t':
        ordo_buf_puts(out, "\\t");
        return;
    case '\b':
        ordo_buf_puts(out, "\\b");
        return;
    case '\f':
        ordo_buf_puts(out, "\\f");
        return;
    default:
        break;
    }
    if (c < 0x20 || c == 0x7F) { /* DEL too: it is invisible in a terminal */
        u[4] = hex[c >> 4];
        u[5] = hex[c & 15];
        ordo_buf_append(out, u, sizeof(u));
    } else {
        ordo_buf_putc(out, (char)c);
    }
}

void ordo_json_append_escaped(struct ordo_buf *out, const char *s, size_t max_bytes)
{
    static const char replacement_char[] = "\xEF\xBF\xBD"; /* U+FFFD in UTF-8 */
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    size_t i = 0;

    while (i < n) {
        size_t skip;
        size_t len;

        if (i >= max_bytes) {
            ordo_buf_puts(out, "...");
            return;
        }
        len = ordo_utf8_sequence(p + i, n - i, &skip);
        if (len == 0) {
            ordo_buf_puts(out, replacement_char);
            i += skip;
        } else if (len == 1) {
            append_escaped_byte(out, p[i]);
            i++;
        } else {
            ordo_buf_append(out, p + i, len);
            i += len;
        }
    }
}

void ordo_json_append_string(struct ordo_buf *out, const char *s)
{
    ordo_buf_putc(out, '"');
    ordo_json_append_escaped(out, s, SIZE_MAX);
    ordo_buf_putc(out, '"');
}

void ordo_json_set_add(json_t *set, const char *s)
{
    size_t i;
    json_t *v;

    json_array_foreach(set, i, v)
    {
        if (json_is_string(v) && strcmp(json_string_value(v), s) == 0) {
            return;
        }
    }
    (void)json_array_append_new(set, json_string(s));
}
