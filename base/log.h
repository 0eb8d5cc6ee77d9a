/*
 * base/log.h - structured logging: one JSON object per line (STYLE.md 4.5).
 *
 *   ordo_log(ORDO_LOG_INFO, "engine", "instance started", ORDO_STR("instance_id", id),
 *            ORDO_INT("step", n));
 *
 * writes
 *
 *   {"ts":"2026-11-25T19:56:22.123Z","level":"info","component":"engine",
 *    "msg":"instance started","instance_id":"...","step":3}
 *
 * as one line. 'msg' is a constant sentence; data goes in typed fields. The
 * "text" format writes the same record for humans:
 *
 *   2026-11-25T19:56:22.123Z INFO  engine: instance started instance_id=... step=3
 *
 * Contracts:
 * - Arguments of a filtered call are not evaluated: ordo_log() tests the
 *   level against 'ordo_log_threshold' before building any field.
 * - Secrets are never logged: a field whose key contains "key", "token",
 *   "password", "passwd", "secret", "authorization" or "cookie" (any case) is
 *   written as "[redacted]" whatever its value. Name identifiers "..._id"
 *   (instance_id, not instance_key), or they are redacted too.
 * - Strings are written as valid JSON: quotes, backslashes and control
 *   characters are escaped, invalid UTF-8 becomes U+FFFD, and a value longer
 *   than ORDO_LOG_VALUE_MAX bytes is cut and ends with "...". The text format
 *   escapes the same way, so no value can start a new line.
 * - A field named like a record member (ts, level, component, msg) is written
 *   with a leading underscore ("_msg"), so a line never has duplicate keys.
 * - A call writes its line with one fwrite() under flockfile() and flushes,
 *   so lines of concurrent threads never interleave and a line is out before
 *   a crash point exits the process. At most ORDO_LOG_MAX_FIELDS fields are
 *   written; more are dropped.
 * - ordo_log_threshold, ordo_log_set_sink() and ordo_log_set_format() are
 *   meant for start-up (and tests): change them before other threads log.
 * - The log never allocates from arenas and never fails; write errors are
 *   ignored because there is nowhere left to report them.
 */
#ifndef ORDO_BASE_LOG_H
#define ORDO_BASE_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"

struct ordo_buf;

enum ordo_log_level {
    ORDO_LOG_DEBUG,
    ORDO_LOG_INFO,
    ORDO_LOG_WARN,
    ORDO_LOG_ERROR,
    ORDO_LOG_FATAL,
};

enum ordo_log_format {
    ORDO_LOG_FORMAT_JSON,
    ORDO_LOG_FORMAT_TEXT,
};

enum ordo_log_type {
    ORDO_LOG_STR,
    ORDO_LOG_INT,
    ORDO_LOG_DBL,
    ORDO_LOG_BOOL,
};

struct ordo_log_field {
    const char *key;
    enum ordo_log_type type;
    union {
        const char *s; /* NULL is written as JSON null */
        int64_t i;
        double d; /* NaN and infinities are written as null: JSON has no such numbers */
        bool b;
    } v;
};

#define ORDO_LOG_MAX_FIELDS 32
#define ORDO_LOG_VALUE_MAX  4096

#define ORDO_STR(k, val) \
    (&(const struct ordo_log_field){.key = (k), .type = ORDO_LOG_STR, .v.s = (val)})
#define ORDO_INT(k, val) \
    (&(const struct ordo_log_field){.key = (k), .type = ORDO_LOG_INT, .v.i = (val)})
#define ORDO_DBL(k, val) \
    (&(const struct ordo_log_field){.key = (k), .type = ORDO_LOG_DBL, .v.d = (val)})
#define ORDO_BOOL(k, val) \
    (&(const struct ordo_log_field){.key = (k), .type = ORDO_LOG_BOOL, .v.b = (val)})

/* Calls below this level are dropped without evaluating their arguments.
 * Default ORDO_LOG_INFO. */
extern enum ordo_log_level ordo_log_threshold;

/* ordo_log(level, component, msg, field...): zero or more ORDO_STR/ORDO_INT/
 * ORDO_DBL/ORDO_BOOL fields. Arguments are not evaluated when 'level' is
 * filtered out. */
#define ordo_log(level, component, ...)                                                         \
    do {                                                                                        \
        if ((level) >= ordo_log_threshold) {                                                    \
            ordo_log_emit((level), (component), __VA_ARGS__, (const struct ordo_log_field *)0); \
        }                                                                                       \
    } while (0)

/* The function behind ordo_log(): the variable arguments are field pointers
 * ending with a NULL pointer. Prefer the macro; call this directly only with
 * that terminator. Applies the threshold again, so a direct call is safe. */
void ordo_log_emit(enum ordo_log_level level, const char *component, const char *msg, ...);

/* The same with the fields as a NULL-terminated array (for code that builds
 * its fields at run time, such as the plugin host). 'fields' may be NULL. */
void ordo_log_write(enum ordo_log_level level, const char *component, const char *msg,
                    const struct ordo_log_field *const *fields);

/* Where lines go: stderr by default; NULL restores stderr. The log does not
 * own the stream: the caller closes it after restoring another sink. */
void ordo_log_set_sink(FILE *sink);

/* ORDO_LOG_FORMAT_JSON (default) or ORDO_LOG_FORMAT_TEXT. */
void ordo_log_set_format(enum ordo_log_format format);

/* Append one formatted line, with its '\n', to 'out'. 'unix_ms' is the time
 * in milliseconds since 1970 (UTC). This is what ordo_log() writes, exposed so
 * that tests and other sinks get byte-exact lines. */
void ordo_log_format_line(struct ordo_buf *out, enum ordo_log_format format, int64_t unix_ms,
                          enum ordo_log_level level, const char *component, const char *msg,
                          const struct ordo_log_field *const *fields);

/* Write 'unix_ms' as RFC 3339 UTC with milliseconds, "2026-11-25T19:56:22.123Z",
 * into 'out' (at least ORDO_LOG_TS_SIZE bytes); ordo_format_rfc3339_ms() of
 * base/calendar.h, which says how years outside 0000-9999 are written. */
#define ORDO_LOG_TS_SIZE 32
void ordo_log_format_ts(char *out, int64_t unix_ms);

/* True when a field called 'key' is written as "[redacted]". */
bool ordo_log_key_is_secret(const char *key);

/* "debug", "info", "warn", "error", "fatal"; "unknown" for other values. */
const char *ordo_log_level_name(enum ordo_log_level level);

/* Parse a level name ("warn", any case). ORDO_E_INVAL for anything else, with
 * a message listing the names; '*out' is untouched then. */
enum ordo_code ordo_log_level_parse(const char *name, enum ordo_log_level *out,
                                    struct ordo_err *err);

/* Parse "json" or "text" (any case); ORDO_E_INVAL otherwise. */
enum ordo_code ordo_log_format_parse(const char *name, enum ordo_log_format *out,
                                     struct ordo_err *err);

#endif
