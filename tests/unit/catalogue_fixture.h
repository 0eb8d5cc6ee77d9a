/*
 * tests/unit/catalogue_fixture.h - connector descriptors for the catalogue
 * tests (tests/unit/test_catalogue.c) and the element template oracle's
 * dump tool (tests/tools/catalogue_dump.c).
 *
 * Three connectors, deliberately out of order (slack, util, github):
 *   slack   a credential schema (with a default that must not leak), two
 *           actions out of id order; post_message has every kind of input
 *           field: required, enum with default, opaque array, boolean
 *           default, a string default that starts with "="
 *   util    no credential, no config, no title, keywords or description;
 *           its one action has no title (which the loader would refuse,
 *           but the catalogue copes) and no schemas
 *   github  a "newer plugin": its actions are a larger struct than the
 *           host's (action_size says so), with a config schema and a
 *           credential schema; create_issue has an integer enum, an opaque
 *           object with a default, a date; close_issue has an output field
 *           whose name is no FEEL name
 * Every schema is inside Ordo's subset with opaque values
 * (ORDO_SCHEMA_OPAQUE), as the loader would require.
 */
#ifndef ORDO_TESTS_CATALOGUE_FIXTURE_H
#define ORDO_TESTS_CATALOGUE_FIXTURE_H

#include <stddef.h>

#include "ordo/connector.h"

#define ORDO_CATALOGUE_FIXTURE_COUNT 3

/* The connectors, in the order a loader might have found them. */
const struct ordo_connector *const *ordo_catalogue_fixture(size_t *n);

/* The github connector's action stride: larger than the host's. */
size_t ordo_catalogue_fixture_newer_stride(void);

#endif
