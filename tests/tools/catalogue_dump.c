/*
 * tests/tools/catalogue_dump.c - print the catalogue and the element
 * templates of the test connectors (tests/unit/catalogue_fixture.h) as one
 * JSON object, for the element template oracle
 * (tests/oracle/element-templates.js):
 *
 *   {"catalogue": {...ordo_catalogue_json...},
 *    "templates": [...ordo_catalogue_element_templates...]}
 *
 * Exit status: 0, or 1 with the message on stderr when either cannot be
 * built.
 */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "base/err.h"
#include "plugins/catalogue.h"
#include "tests/unit/catalogue_fixture.h"

int main(void)
{
    struct ordo_err err = {0};
    const struct ordo_connector *const *connectors;
    json_t *catalogue = NULL;
    json_t *templates = NULL;
    size_t n;
    int status = 1;

    connectors = ordo_catalogue_fixture(&n);
    if (ordo_catalogue_json(connectors, n, &catalogue, &err) == ORDO_OK &&
        ordo_catalogue_element_templates(connectors, n, &templates, &err) == ORDO_OK) {
        json_t *all = json_pack("{s:O, s:O}", "catalogue", catalogue, "templates", templates);

        status = json_dumpf(all, stdout, JSON_INDENT(2)) == 0 && puts("") >= 0 ? 0 : 1;
        json_decref(all);
    } else {
        (void)fprintf(stderr, "catalogue_dump: %s\n", err.msg);
    }
    json_decref(catalogue);
    json_decref(templates);
    return status;
}
