/*
 * tests/tools/schema_check.c - validate values against schemas from JSON
 * Lines, for the differential oracle (tests/oracle/schema-differential.js)
 * and by hand.
 *
 * Each input line is an object {"schema": {...}, "value": ...}. One line is
 * written per input line: "valid", "invalid" (base/schema.h refused the
 * value) or "refused" (the schema itself is outside Ordo's subset). Blank
 * lines are skipped. Exit status: 0 when every line was read, 2 when a
 * line is not such an object (the message on stderr names the line).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/err.h"
#include "base/schema.h"

static const char *check(const json_t *schema, const json_t *value)
{
    struct ordo_schema *s = NULL;
    const char *answer = "refused";

    if (ordo_schema_load(schema, &s, NULL) == ORDO_OK) {
        answer = ordo_schema_validate(s, value, NULL, NULL) == ORDO_OK ? "valid" : "invalid";
    }
    ordo_schema_free(s);
    return answer;
}

int main(void)
{
    char *line = NULL;
    size_t cap = 0;
    long n = 0;

    while (getline(&line, &cap, stdin) > 0) {
        json_error_t jerr;
        json_t *doc;

        n++;
        if (strspn(line, " \t\r\n") == strlen(line)) {
            continue;
        }
        doc = json_loads(line, JSON_DECODE_ANY, &jerr);
        if (!json_is_object(json_object_get(doc, "schema")) || !json_object_get(doc, "value")) {
            (void)fprintf(stderr,
                          "schema_check: line %ld: expected {\"schema\":{...},\"value\":...}\n", n);
            json_decref(doc);
            free(line);
            return 2;
        }
        (void)printf("%s\n", check(json_object_get(doc, "schema"), json_object_get(doc, "value")));
        json_decref(doc);
    }
    free(line);
    return 0;
}
