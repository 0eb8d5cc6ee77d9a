#include "base/log.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/calendar.h"
#include "base/json.h"
#include "base/text.h"

enum ordo_log_level ordo_log_threshold = ORDO_LOG_INFO;

static FILE *log_sink; /* NULL means stderr, which is not a constant initializer */
static enum ordo_log_format log_format = ORDO_LOG_FORMAT_JSON;

static const char *const level_names[] = {"debug", "info", "warn", "error", "fatal"};
static const char *const level_labels[] = {"DEBUG", "INFO ", "WARN ", "ERROR", "FATAL"};

/* Substrings that mark a field as secret (CONTRACTS §13, security notes: the
 * logs redact Authorization, Cookie, *token*, *secret*). Matching errs on the
 * side of hiding: "keyword" is redacted too. */
static const char *const secret_words[] = {"key",    "token",         "password", "passwd",
                                           "secret", "authorization", "cookie"};

static const char *const reserved_keys[] = {"ts", "level", "component", "msg"};

static char lower_ascii(char c)
{
    if (c >= 'A' && c <= 'Z') {
        return (char)(c + ('a' - 'A'));
    }
    return c;
}

static bool equals_ignore_case(const char *a, const char *b)
{
    while (*a && lower_ascii(*a) == lower_ascii(*b)) {
        a++;
        b++;
    }
    return *a == '\0' && *b == '\0';
}

static bool contains_ignore_case(const char *hay, const char *needle)
{
    size_t n = strlen(needle);

    for (; *hay; hay++) {
        size_t i = 0;

        while (i < n && hay[i] && lower_ascii(hay[i]) == needle[i]) {
            i++;
        }
        if (i == n) {
            return true;
        }
    }
    return false;
}

bool ordo_log_key_is_secret(const char *key)
{
    if (!key) {
        return false;
    }
    for (size_t i = 0; i < sizeof(secret_words) / sizeof(secret_words[0]); i++) {
        if (contains_ignore_case(key, secret_words[i])) {
            return true;
        }
    }
    return false;
}

const char *ordo_log_level_name(enum ordo_log_level level)
{
    if ((int)level < 0 || level > ORDO_LOG_FATAL) {
        return "unknown";
    }
    return level_names[level];
}

enum ordo_code ordo_log_level_parse(const char *name, enum ordo_log_level *out,
                                    struct ordo_err *err)
{
    for (int i = 0; name && i <= (int)ORDO_LOG_FATAL; i++) {
        if (equals_ignore_case(name, level_names[i])) {
            *out = (enum ordo_log_level)i;
            return ORDO_OK;
        }
    }
    return ordo_err_set(err, ORDO_E_INVAL,
                        "unknown log level \"%s\" (expected debug, info, warn, error or fatal)",
                        name ? name : "");
}

enum ordo_code ordo_log_format_parse(const char *name, enum ordo_log_format *out,
                                     struct ordo_err *err)
{
    if (name && equals_ignore_case(name, "json")) {
        *out = ORDO_LOG_FORMAT_JSON;
        return ORDO_OK;
    }
    if (name && equals_ignore_case(name, "text")) {
        *out = ORDO_LOG_FORMAT_TEXT;
        return ORDO_OK;
    }
    return ordo_err_set(err, ORDO_E_INVAL, "unknown log format \"%s\" (expected json or text)",
                        name ? name : "");
}

void ordo_log_set_sink(FILE *sink)
{
    log_sink = sink;
}

void ordo_log_set_format(enum ordo_log_format format)
{
    log_format = format;
}

_Static_assert(ORDO_LOG_TS_SIZE >= ORDO_RFC3339_MS_SIZE, "a log timestamp is RFC 3339");

void ordo_log_format_ts(char *out, int64_t unix_ms)
{
    ordo_format_rfc3339_ms(unix_ms, out); /* four-digit years: 0000 to 9999 */
}

/* Append 's' as the inside of a JSON string: escaped, invalid UTF-8 replaced,
 * cut after ORDO_LOG_VALUE_MAX input bytes at a character boundary. */
static void append_escaped(struct ordo_buf *out, const char *s)
{
    ordo_json_append_escaped(out, s, ORDO_LOG_VALUE_MAX);
}

static void append_json_string(struct ordo_buf *out, const char *s)
{
    ordo_buf_putc(out, '"');
    append_escaped(out, s);
    ordo_buf_putc(out, '"');
}

/* The text format quotes a value only when it would be ambiguous unquoted. */
static bool needs_quotes(const char *s)
{
    if (*s == '\0') {
        return true;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p <= ' ' || *p == '"' || *p == '=' || *p == '\\' || *p == 0x7F) {
            return true;
        }
    }
    return false;
}

static void append_text_string(struct ordo_buf *out, const char *s)
{
    if (needs_quotes(s)) {
        append_json_string(out, s);
    } else {
        append_escaped(out, s);
    }
}

static void append_value(struct ordo_buf *out, enum ordo_log_format format,
                         const struct ordo_log_field *f)
{
    if (ordo_log_key_is_secret(f->key)) {
        ordo_buf_puts(out, format == ORDO_LOG_FORMAT_JSON ? "\"[redacted]\"" : "[redacted]");
        return;
    }
    switch (f->type) {
    case ORDO_LOG_STR:
        if (!f->v.s) {
            ordo_buf_puts(out, "null");
        } else if (format == ORDO_LOG_FORMAT_JSON) {
            append_json_string(out, f->v.s);
        } else {
            append_text_string(out, f->v.s);
        }
        break;
    case ORDO_LOG_INT:
        ordo_buf_printf(out, "%lld", (long long)f->v.i);
        break;
    case ORDO_LOG_DBL:
        if (isfinite(f->v.d)) {
            ordo_buf_printf(out, "%.15g", f->v.d);
        } else {
            ordo_buf_puts(out, "null");
        }
        break;
    case ORDO_LOG_BOOL:
        ordo_buf_puts(out, f->v.b ? "true" : "false");
        break;
    default:
        ordo_buf_puts(out, "null");
    }
}

static const char *key_prefix(const char *key)
{
    for (size_t i = 0; i < sizeof(reserved_keys) / sizeof(reserved_keys[0]); i++) {
        if (strcmp(key, reserved_keys[i]) == 0) {
            return "_";
        }
    }
    return "";
}

static void append_field(struct ordo_buf *out, enum ordo_log_format format,
                         const struct ordo_log_field *f)
{
    const char *key = f->key ? f->key : "";

    if (format == ORDO_LOG_FORMAT_JSON) {
        ordo_buf_puts(out, ",\"");
        ordo_buf_puts(out, key_prefix(key));
        append_escaped(out, key);
        ordo_buf_puts(out, "\":");
    } else {
        ordo_buf_putc(out, ' ');
        ordo_buf_puts(out, key_prefix(key));
        append_escaped(out, key);
        ordo_buf_putc(out, '=');
    }
    append_value(out, format, f);
}

void ordo_log_format_line(struct ordo_buf *out, enum ordo_log_format format, int64_t unix_ms,
                          enum ordo_log_level level, const char *component, const char *msg,
                          const struct ordo_log_field *const *fields)
{
    char ts[ORDO_LOG_TS_SIZE];
    int lvl = (int)level < 0 || level > ORDO_LOG_FATAL ? ORDO_LOG_FATAL : (int)level;

    ordo_log_format_ts(ts, unix_ms);
    if (format == ORDO_LOG_FORMAT_JSON) {
        ordo_buf_printf(out, "{\"ts\":\"%s\",\"level\":\"%s\",\"component\":", ts,
                        level_names[lvl]);
        append_json_string(out, component ? component : "");
        ordo_buf_puts(out, ",\"msg\":");
        append_json_string(out, msg ? msg : "");
    } else {
        ordo_buf_printf(out, "%s %s ", ts, level_labels[lvl]);
        append_escaped(out, component ? component : "");
        ordo_buf_puts(out, ": ");
        append_escaped(out, msg ? msg : "");
    }
    for (size_t i = 0; fields && fields[i] && i < ORDO_LOG_MAX_FIELDS; i++) {
        append_field(out, format, fields[i]);
    }
    ordo_buf_puts(out, format == ORDO_LOG_FORMAT_JSON ? "}\n" : "\n");
}

static int64_t now_ms(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
        return 0;
    }
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ordo_log_write(enum ordo_log_level level, const char *component, const char *msg,
                    const struct ordo_log_field *const *fields)
{
    struct ordo_buf line = ORDO_BUF_INIT;
    FILE *sink = log_sink ? log_sink : stderr;

    if (level < ordo_log_threshold) {
        return;
    }
    ordo_log_format_line(&line, log_format, now_ms(), level, component, msg, fields);
    /* One fwrite under the stream lock: concurrent lines never interleave.
     * Flushing at once means a line is out before a crash point's _exit(). */
    flockfile(sink);
    (void)fwrite(line.data, 1, line.len, sink);
    (void)fflush(sink);
    funlockfile(sink);
    ordo_buf_cleanup(&line);
}

void ordo_log_emit(enum ordo_log_level level, const char *component, const char *msg, ...)
{
    const struct ordo_log_field *fields[ORDO_LOG_MAX_FIELDS + 1];
    const struct ordo_log_field *f;
    size_t n = 0;
    va_list ap;

    if (level < ordo_log_threshold) {
        return;
    }
    va_start(ap, msg);
    while ((f = va_arg(ap, const struct ordo_log_field *)) != NULL) {
        if (n < ORDO_LOG_MAX_FIELDS) { /* keep reading to the terminator, drop the excess */
            fields[n++] = f;
        }
    }
    va_end(ap);
    fields[n] = NULL;
    ordo_log_write(level, component, msg, fields);
}
