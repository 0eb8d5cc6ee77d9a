/*
 * server/multipart.h - multipart/form-data bodies (RFC 7578), read from a
 * body already in memory: deployments upload .bpmn files this way, as
 * Camunda Modeler does.
 */
#ifndef ORDO_SERVER_MULTIPART_H
#define ORDO_SERVER_MULTIPART_H

#include <stddef.h>

#include "base/arena.h"
#include "base/err.h"

struct ordo_multipart_part {
    const char *name;     /* the form field */
    const char *filename; /* NULL for a plain field */
    const char *content_type;
    const char *data; /* points into the body; NOT NUL-terminated */
    size_t len;
};

/* Split 'body' by the boundary named in 'content_type' ("multipart/form-
 * data; boundary=..."). A missing boundary, a part without headers end or
 * a body without the closing delimiter is ORDO_E_INVAL. Parts live in
 * 'arena'; their data points into 'body'. */
enum ordo_code ordo_multipart_parse(const char *content_type, const char *body, size_t len,
                                    struct ordo_arena *arena,
                                    const struct ordo_multipart_part **parts, size_t *nparts,
                                    struct ordo_err *err);

#endif
