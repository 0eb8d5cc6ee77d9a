/*
 * tests/fuzz/fuzz_schema.c - the JSON Schema subset (base/schema.h): load a
 * schema (plain and with ORDO_SCHEMA_OPAQUE), validate a value against it,
 * pick the declared members and build the defaults. Input: a JSON array
 * [schema, value]; anything else is loaded as a schema on its own and
 * validated against {}.
 */
#include "base/json.h"
#include "base/schema.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *doc = NULL;
    const json_t *schema_doc;
    const json_t *value;
    json_t *empty = json_object();

    if (ordo_json_parse((const char *)data, size, NULL, &doc, NULL) != ORDO_OK) {
        json_decref(empty);
        return 0;
    }
    if (json_is_array(doc) && json_array_size(doc) == 2) {
        schema_doc = json_array_get(doc, 0);
        value = json_array_get(doc, 1);
    } else {
        schema_doc = doc;
        value = empty;
    }
    for (unsigned flags = 0; flags <= ORDO_SCHEMA_OPAQUE; flags++) {
        struct ordo_schema *s = NULL;
        struct ordo_schema_findings findings;
        struct ordo_err err = {0};
        if (ordo_schema_load_ex(schema_doc, flags, &s, &err) != ORDO_OK) {
            continue;
        }
        (void)ordo_schema_validate(s, value, &findings, &err);
        json_decref(ordo_schema_pick(s, value));
        json_decref(ordo_schema_defaults(s));
        ordo_schema_free(s);
    }
    json_decref(doc);
    json_decref(empty);
    return 0;
}
