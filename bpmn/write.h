/*
 * bpmn/write.h - model to BPMN 2.0 XML.
 *
 * Output is UTF-8 with an XML declaration, indented by two spaces, with
 * every namespace declared once, on the root element. Everything the model
 * holds is written: ids, names, all attributes in their order, DI, comments,
 * CDATA sections, extension elements and vendor attributes. Prefixes stay as
 * the source wrote them where they do not clash; a namespace that a nested
 * element declared with a clashing prefix (or as a nested default namespace)
 * gets a fresh prefix, and xsi:type values follow their namespace's prefix.
 * Mixed content (text beside elements) is written without added whitespace.
 */
#ifndef ORDO_BPMN_WRITE_H
#define ORDO_BPMN_WRITE_H

#include "base/buf.h"
#include "base/err.h"
#include "bpmn/model.h"

/* Append the document to 'out'. ORDO_E_INVAL for a model without a root. */
enum ordo_code ordo_bpmn_write(const struct ordo_bpmn_model *model, struct ordo_buf *out,
                               struct ordo_err *err);

#endif
