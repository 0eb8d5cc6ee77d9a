/*
 * base/file.h - whole-file reads with a size cap, and atomic writes.
 *
 * Reads check the size before reading anything, so an oversized input costs
 * nothing. Writes go to a temporary file in the target's folder, are flushed
 * to disk and renamed over the target: a reader (or a crash) sees the old
 * file or the new one, never half of one.
 */
#ifndef ORDO_BASE_FILE_H
#define ORDO_BASE_FILE_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

/* Append the content of 'path' ("-" for standard input) to 'out'.
 * ORDO_E_NOTFOUND if it does not exist, ORDO_E_TOOBIG if it is larger than
 * 'max_bytes' ('what' names the limit in that message, e.g. "bpmn_max_bytes"),
 * ORDO_E_INVAL if it cannot be read or is not a regular file or a pipe. */
enum ordo_code ordo_file_read(const char *path, size_t max_bytes, const char *what,
                              struct ordo_buf *out, struct ordo_err *err);

/* Replace 'path' with 'len' bytes. A new file gets mode 0666 minus the
 * umask; an existing one keeps its mode. A symbolic link stays a link and
 * its target is replaced; a device or pipe (/dev/null, a FIFO) is written
 * in place, not replaced. ORDO_E_INVAL on any failure, with nothing changed
 * at 'path' (for regular files). Not thread-safe: it reads the umask. */
enum ordo_code ordo_file_write_atomic(const char *path, const void *data, size_t len,
                                      struct ordo_err *err);

#endif
