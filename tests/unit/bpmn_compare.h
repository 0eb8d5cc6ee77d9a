/*
 * tests/unit/bpmn_compare.h - structural equality of two models, for
 * round-trip tests.
 *
 * Two models are the same when they have the same nodes in the same order
 * (kind, namespace, local name, id, name), the same attributes (namespace,
 * name, value, and the namespace of QName values), the same text, CDATA and
 * comments, and the same resolved structure: flow sources and targets,
 * incoming and outgoing flows, defaults, boundary hosts, DI links and shape
 * bounds. Prefixes and layout whitespace do not count.
 */
#ifndef ORDO_TESTS_BPMN_COMPARE_H
#define ORDO_TESTS_BPMN_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "bpmn/model.h"

/* True if equal; otherwise false with the first difference in 'why'. */
bool bpmn_models_equal(const struct ordo_bpmn_model *a, const struct ordo_bpmn_model *b, char *why,
                       size_t why_size);

#endif
