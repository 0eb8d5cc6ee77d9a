/*
 * base/schema.h - Ordo's JSON Schema subset (CONTRACTS.md §11 and §8).
 *
 * User-task forms (ordo:form), start forms and connector inputs describe
 * the values they take with a small, flat JSON Schema:
 *
 *   {"type": "object", "title": "...", "description": "...",
 *    "properties": {"amount": {"type": "number", "title": "Amount"},
 *                   "color": {"type": "string", "enum": ["red", "green"]},
 *                   "due": {"type": "string", "format": "date", "default": "2026-01-31"}},
 *    "required": ["amount"], "additionalProperties": false}
 *
 * Top level: type (optional, "object" only), properties, required (unique
 * names of declared properties), title, description, additionalProperties
 * (a boolean; default true). A property: type (required; string, number,
 * integer or boolean), enum (1 to 1000 unique values of that type), format
 * (strings only: date, date-time, email), title, description, default
 * (valid against the property). At most 256 properties. Anything else -
 * an unknown keyword, $ref, $schema, pattern, minimum, a nested object or
 * array - is refused by ordo_schema_load() with the JSON path of the
 * offending keyword:
 *
 *   properties.amount.minimum: "minimum" is not in Ordo's JSON Schema subset (CONTRACTS §11)
 *
 * Validation of a value (ordo_schema_validate):
 *   - the value is a JSON object;
 *   - every required property is present and not null; an optional
 *     property that is null counts as absent (a form field left empty);
 *   - integer: a JSON integer, or a number without a fraction within
 *     +-2^53 (3.0 passes, 3.5 does not); number: any number; boolean;
 *     string;
 *   - enum: equal (json_equal) to one of the values, except that numbers
 *     compare by value (3.0 matches 3);
 *   - format date: YYYY-MM-DD, a real calendar date (2024-02-29 passes,
 *     2026-02-30 does not); date-time: RFC 3339 with a zone, 'Z' or
 *     +-hh:mm, optional fraction of a second, no leap second (seconds
 *     0-59, as java.time and base/calendar.h count them); email: a
 *     pragmatic check (one '@', a non-empty local part, a domain with an
 *     inner dot, no spaces or control characters, at most 254 bytes);
 *   - a property the schema does not declare is refused only when
 *     additionalProperties is false.
 * Messages are constant sentences naming the field:
 *   field "amount": expected a number, got a string
 *
 * Thread safety: a loaded schema is read-only and may be shared by any
 * number of threads; it holds a private copy of the document, so the
 * caller's json_t may change or go away after ordo_schema_load().
 */
#ifndef ORDO_BASE_SCHEMA_H
#define ORDO_BASE_SCHEMA_H

#include <stddef.h>

#include <jansson.h>

#include "base/err.h"

#define ORDO_SCHEMA_MAX_PROPERTIES 256u
#define ORDO_SCHEMA_MAX_ENUM       1000u
#define ORDO_SCHEMA_MAX_FINDINGS   16u
#define ORDO_SCHEMA_FIELD_SIZE     128u /* a longer field name is cut */

struct ordo_schema; /* opaque */

/* One problem with a value: 'field' is the property name ("" for the value
 * as a whole), 'message' the whole sentence as in the err record. */
struct ordo_schema_finding {
    char field[ORDO_SCHEMA_FIELD_SIZE];
    char message[ORDO_ERR_MSG_SIZE];
};

/* Caller-provided list, filled by ordo_schema_validate(): 'count' findings
 * (at most ORDO_SCHEMA_MAX_FINDINGS) in schema order, then undeclared
 * fields in the value's order; 'total' counts also those left out. */
struct ordo_schema_findings {
    size_t count;
    size_t total;
    struct ordo_schema_finding items[ORDO_SCHEMA_MAX_FINDINGS];
};

/* Check 'doc' against the subset and compile it into '*out' (set only on
 * ORDO_OK), which the caller frees with ordo_schema_free(). Codes:
 * ORDO_E_UNPROCESSABLE (outside the subset, a wrong type, a default or enum
 * value that fails its own property, duplicate or unknown required names,
 * too many properties or enum values; the message starts with the JSON
 * path), ORDO_E_INVAL ('doc' NULL). */
enum ordo_code ordo_schema_load(const json_t *doc, struct ordo_schema **out, struct ordo_err *err);

/* Connector inputs (CONTRACTS §8) also pass whole JSON values through: with
 * ORDO_SCHEMA_OPAQUE a property may have type "object" or "array", which
 * checks only the JSON type of the value (no properties or items: the
 * connector reads it). Forms never take them, since a form cannot render
 * one. */
#define ORDO_SCHEMA_OPAQUE 1u
enum ordo_code ordo_schema_load_ex(const json_t *doc, unsigned flags, struct ordo_schema **out,
                                   struct ordo_err *err);

void ordo_schema_free(struct ordo_schema *s); /* NULL is a no-op */

/* ORDO_OK when 'value' satisfies 's'; else ORDO_E_UNPROCESSABLE with the
 * first problem in 'err' and, when 'out' is not NULL, every problem in
 * 'out' (reset first). 'value' NULL is reported as not an object. */
enum ordo_code ordo_schema_validate(const struct ordo_schema *s, const json_t *value,
                                    struct ordo_schema_findings *out, struct ordo_err *err);

/* A new object with the members of 'value' (an object) that 's' declares
 * as properties, shared, not copied: what a connector takes out of all of
 * a process's variables. NULL 'value' gives an empty object. The caller
 * owns the reference. */
json_t *ordo_schema_pick(const struct ordo_schema *s, const json_t *value);

/* A new object holding a copy of every property's default (an empty object
 * when none has one); the caller owns the reference. */
json_t *ordo_schema_defaults(const struct ordo_schema *s);

#endif
