/*
 * bpmn/parse.h - BPMN 2.0 XML to model, hardened.
 *
 * The parser is libxml2's SAX2 reader building the model directly (no DOM in
 * between). It never touches the network (XML_PARSE_NONET), never loads a
 * DTD or substitutes entities, and refuses any document with a DOCTYPE before
 * reading its internal subset: external entities (XXE) and entity expansion
 * bombs never get a chance. Documents larger than the size cap are refused
 * before parsing. Errors name the line.
 *
 * The model is indexed (bpmn/model.h) before it is returned. Duplicate ids
 * are not a parse error: they are kept and reported by lint.
 *
 * Thread-safe: each call has its own parser context.
 */
#ifndef ORDO_BPMN_PARSE_H
#define ORDO_BPMN_PARSE_H

#include <stddef.h>

#include "base/err.h"
#include "bpmn/model.h"

#define ORDO_BPMN_DEFAULT_MAX_BYTES ((size_t)10 * 1024 * 1024)

struct ordo_bpmn_parse_opts {
    size_t max_bytes; /* 0: ORDO_BPMN_DEFAULT_MAX_BYTES (config key bpmn_max_bytes) */
    const char *name; /* the document's name in messages (a file path), or NULL */
};

/* Parse 'len' bytes of XML. On success '*out' is a new model (free it with
 * ordo_bpmn_model_free()). Errors: ORDO_E_TOOBIG over the cap, ORDO_E_INVAL
 * for malformed XML, a DOCTYPE, or a root that is not bpmn:definitions; on
 * error '*out' is untouched. 'opts' may be NULL. */
enum ordo_code ordo_bpmn_parse(const char *xml, size_t len, const struct ordo_bpmn_parse_opts *opts,
                               struct ordo_bpmn_model **out, struct ordo_err *err);

/* Read and parse a file ("-" for standard input). The size cap is checked
 * before the file is read. ORDO_E_NOTFOUND if it does not exist,
 * ORDO_E_INVAL if it cannot be read, otherwise as ordo_bpmn_parse(). */
enum ordo_code ordo_bpmn_parse_file(const char *path, const struct ordo_bpmn_parse_opts *opts,
                                    struct ordo_bpmn_model **out, struct ordo_err *err);

#endif
