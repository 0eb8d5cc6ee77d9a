/*
 * base/json.h - jansson with limits, arena ownership and readable errors.
 *
 * Every JSON document that comes from outside (request bodies, config files,
 * LLM answers, connector outputs) is parsed with ordo_json_parse(), which
 * bounds its size and nesting depth before jansson builds anything, rejects
 * duplicate object keys and reports where the text went wrong:
 *
 *   invalid JSON at line 3, column 7: unexpected token near '}'
 *
 * Ownership follows jansson: ordo_json_parse() hands out a new reference;
 * ordo_json_defer() passes a reference to an arena, which drops it when it is
 * reset or freed. The getters borrow: a string or object they return lives as
 * long as the object it was read from.
 *
 * Codes: ORDO_E_TOOBIG (document over max_bytes), ORDO_E_INVAL (not JSON,
 * duplicate key, nested too deep). The getters answer ORDO_E_UNPROCESSABLE:
 * the document was well-formed but a field is missing or has the wrong type
 * (CONTRACTS.md §4: 422 is "fails validation").
 *
 * Thread safety: as jansson's (separate values may be used by separate threads).
 */
#ifndef ORDO_BASE_JSON_H
#define ORDO_BASE_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "base/err.h"

struct ordo_arena;

#define ORDO_JSON_DEFAULT_MAX_BYTES ((size_t)1024 * 1024)
#define ORDO_JSON_DEFAULT_MAX_DEPTH 64u

/* A zero member means its default. Depth counts nested arrays and objects:
 * "[]" and "{}" have depth 1, "[[1]]" depth 2; scalars depth 0. */
struct ordo_json_limits {
    size_t max_bytes;
    unsigned max_depth;
};

/* Parse 'len' bytes at 'buf' (need not be NUL-terminated) into '*out', a new
 * reference. Any JSON value is accepted at the top; callers check its type.
 * 'lim' NULL means the defaults (1 MiB, depth 64). Strings with "\u0000" are
 * refused (they could not be C strings). '*out' is set only on ORDO_OK. */
enum ordo_code ordo_json_parse(const char *buf, size_t len, const struct ordo_json_limits *lim,
                               json_t **out, struct ordo_err *err);

/* Hand the reference 'json' to 'arena' (json_decref when the arena is reset or
 * freed) and return it, so a call reads: root = ordo_json_defer(arena, root).
 * NULL is allowed and stays NULL. */
json_t *ordo_json_defer(struct ordo_arena *arena, json_t *json);

/* 'json' encoded with jansson 'flags' (JSON_COMPACT, JSON_SORT_KEYS, ...), as a
 * NUL-terminated string in 'arena'. Any value can be dumped (JSON_ENCODE_ANY
 * is always added). NULL 'json' gives NULL. Aborts like an arena when jansson
 * fails (out of memory). */
char *ordo_json_dump(struct ordo_arena *arena, const json_t *json, size_t flags);

/* Required members of the object 'obj'. A missing member answers
 * 'field "name" is required', a wrong type (null included)
 * 'field "name" must be a string, not an array' (or an integer, a boolean, an
 * object, an array), and an 'obj' that is not an object 'expected a JSON
 * object, not ...'; all ORDO_E_UNPROCESSABLE. '*out' is set only on ORDO_OK;
 * strings and values are borrowed from 'obj'. An integer member never matches
 * a number with a fraction or exponent (1.0 is not an integer). */
enum ordo_code ordo_json_get_string(const json_t *obj, const char *name, const char **out,
                                    struct ordo_err *err);
enum ordo_code ordo_json_get_int(const json_t *obj, const char *name, json_int_t *out,
                                 struct ordo_err *err);
enum ordo_code ordo_json_get_bool(const json_t *obj, const char *name, bool *out,
                                  struct ordo_err *err);
enum ordo_code ordo_json_get_object(const json_t *obj, const char *name, json_t **out,
                                    struct ordo_err *err);
enum ordo_code ordo_json_get_array(const json_t *obj, const char *name, json_t **out,
                                   struct ordo_err *err);

/* Optional members: a missing member, or a JSON null, returns ORDO_OK and
 * leaves '*out' as it was (so the caller presets the default); a wrong type is
 * an error as above. */
enum ordo_code ordo_json_opt_string(const json_t *obj, const char *name, const char **out,
                                    struct ordo_err *err);
enum ordo_code ordo_json_opt_int(const json_t *obj, const char *name, json_int_t *out,
                                 struct ordo_err *err);
enum ordo_code ordo_json_opt_bool(const json_t *obj, const char *name, bool *out,
                                  struct ordo_err *err);

/* "an object", "an array", "a string", "an integer", "a number", "a boolean",
 * "null", and "nothing" for NULL: for messages such as 'must be a string, not
 * an array'. */
const char *ordo_json_type_name(const json_t *json);

struct ordo_buf;

/* Append 's' as the inside of a JSON string: escaped (control characters
 * and DEL as \u00XX), invalid UTF-8 replaced by U+FFFD, and cut with "..."
 * after 'max_bytes' input bytes at a character boundary (SIZE_MAX: never). */
void ordo_json_append_escaped(struct ordo_buf *out, const char *s, size_t max_bytes);

/* Append 's' as a whole JSON string, quotes included, never cut. */
void ordo_json_append_string(struct ordo_buf *out, const char *s);

/* Append the string 's' to the JSON array 'set' unless it holds it already
 * (a small set: a linear search). */
void ordo_json_set_add(json_t *set, const char *s);

#endif
