/*
 * tests/fakes/util.c - small helpers the stand-ins share: JSON lookups, base64 (HTTP Basic,
 * pagination cursors), form decoding and the services' time formats.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/calendar.h"
#include "base/text.h"
#include "tests/fakes/sandbox.h"

json_t *ordo_sandbox_find(const json_t *array, const char *key, const char *value)
{
    size_t i;
    json_t *item;

    if (!value) {
        return NULL;
    }
    json_array_foreach(array, i, item)
    {
        if (ordo_streq(ordo_sandbox_str(item, key), value)) {
            return item;
        }
    }
    return NULL;
}

const char *ordo_sandbox_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

json_int_t ordo_sandbox_next(json_t *obj, const char *key, json_int_t first)
{
    json_t *v = json_object_get(obj, key);
    json_int_t n = json_is_integer(v) ? json_integer_value(v) : first;

    (void)json_object_set_new(obj, key, json_integer(n + 1));
    return n;
}

/* ---- base64 ---------------------------------------------------------------------------------- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";

char *ordo_sandbox_base64(struct ordo_arena *arena, const char *data, size_t len)
{
    const unsigned char *p = (const unsigned char *)data;
    char *out = ordo_arena_alloc(arena, (len + 2) / 3 * 4 + 1);
    size_t o = 0;

    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)p[i] << 16;

        v |= i + 1 < len ? (unsigned)p[i + 1] << 8 : 0;
        v |= i + 2 < len ? (unsigned)p[i + 2] : 0;
        out[o++] = b64[(v >> 18) & 63];
        out[o++] = b64[(v >> 12) & 63];
        out[o++] = b64[i + 1 < len ? (v >> 6) & 63 : 64]; /* b64[64] is the '=' */
        out[o++] = b64[i + 2 < len ? v & 63 : 64];
    }
    out[o] = '\0';
    return out;
}

static int b64_value(char c)
{
    const char *at = c && c != '=' ? strchr(b64, c) : NULL;

    return at ? (int)(at - b64) : -1;
}

char *ordo_sandbox_unbase64(struct ordo_arena *arena, const char *text, size_t *len)
{
    size_t n = strlen(text), o = 0;
    char *out;

    if (n % 4 != 0) {
        return NULL;
    }
    out = ordo_arena_alloc(arena, n / 4 * 3 + 1);
    for (size_t i = 0; i < n; i += 4) {
        int v[4];
        size_t pad = 0;

        for (size_t k = 0; k < 4; k++) {
            bool tail =
                i + 4 == n && k >= 2 && text[i + k] == '=' && (k == 3 || text[i + 3] == '=');

            v[k] = tail ? 0 : b64_value(text[i + k]);
            pad += tail;
            if (v[k] < 0) {
                return NULL;
            }
        }
        out[o++] = (char)((v[0] << 2) | (v[1] >> 4));
        if (pad < 2) {
            out[o++] = (char)(((v[1] & 15) << 4) | (v[2] >> 2));
        }
        if (pad < 1) {
            out[o++] = (char)(((v[2] & 3) << 6) | v[3]);
        }
    }
    out[o] = '\0';
    if (len) {
        *len = o;
    }
    return out;
}

/* ---- forms ----------------------------------------------------------------------------------- */

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Decode 'len' bytes of form text into 'out' (room for 'len' bytes); its length. A '%' that
 * does not start two hex digits stays itself, as browsers and Slack treat it. */
static size_t form_decode(const char *s, size_t len, char *out)
{
    size_t o = 0;

    for (size_t i = 0; i < len; i++) {
        int hi = s[i] == '%' && i + 2 < len ? hex_digit(s[i + 1]) : -1;
        int lo = hi >= 0 ? hex_digit(s[i + 2]) : -1;

        if (s[i] == '+') {
            out[o++] = ' ';
        } else if (lo >= 0) {
            out[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    return o;
}

/* Add 'name' ('nlen' bytes, NUL-terminated) = 'value' ('vlen' bytes) unless the name is empty
 * or already there; false when the name holds a NUL or either is not UTF-8. */
static bool form_add(json_t *form, const char *name, size_t nlen, const char *value, size_t vlen)
{
    json_t *v;

    if (nlen == 0 || json_object_get(form, name)) {
        return true;
    }
    if (memchr(name, '\0', nlen)) {
        return false;
    }
    v = json_stringn(value, vlen);
    return v && json_object_set_new(form, name, v) == 0; /* which drops 'v' when it fails */
}

json_t *ordo_sandbox_form_parse(const char *text, size_t len)
{
    json_t *form = json_object();
    char *buf = malloc(len + 2); /* name, NUL, value, NUL */
    size_t at = 0;

    if (!buf) {
        ordo_oom(len + 2);
    }
    while (at < len) {
        const char *item = text + at;
        const char *amp = memchr(item, '&', len - at);
        size_t n = amp ? (size_t)(amp - item) : len - at;
        const char *eq = memchr(item, '=', n);
        size_t klen = eq ? (size_t)(eq - item) : n;
        size_t k = form_decode(item, klen, buf);
        size_t v;

        buf[k] = '\0';
        v = eq ? form_decode(eq + 1, n - klen - 1, buf + k + 1) : 0;
        buf[k + 1 + v] = '\0';
        if (!form_add(form, buf, k, buf + k + 1, v)) {
            json_decref(form);
            free(buf);
            return NULL;
        }
        at += n + 1;
    }
    free(buf);
    return form;
}

int64_t ordo_sandbox_parse_count(const char *s, int64_t min)
{
    char *end = NULL;
    long long v;

    if (!s || !ordo_is_digit(s[0]) || strlen(s) > 18) {
        return -1;
    }
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min) {
        return -1;
    }
    return v;
}

/* ---- time ------------------------------------------------------------------------------------ */

char *ordo_sandbox_time(struct ordo_arena *arena, int64_t unix_ms, enum ordo_sandbox_time style)
{
    char ts[ORDO_RFC3339_MS_SIZE];

    ordo_format_rfc3339_ms(unix_ms, ts); /* "2026-11-25T10:30:00.000Z" */
    switch (style) {
    case ORDO_SANDBOX_TIME_GITHUB:
        return ordo_arena_printf(arena, "%.19sZ", ts);
    case ORDO_SANDBOX_TIME_JIRA:
        return ordo_arena_printf(arena, "%.23s+0000", ts);
    case ORDO_SANDBOX_TIME_BAMBOO:
        return ordo_arena_printf(arena, "%.19s+00:00", ts);
    default:
        return ordo_arena_strdup(arena, ts);
    }
}

/* 'n' digits at 's' as a number, or -1. */
static int digits(const char *s, size_t n)
{
    int v = 0;

    for (size_t i = 0; i < n; i++) {
        if (!ordo_is_digit(s[i])) {
            return -1;
        }
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* The "Z", "+HH:MM", "+HHMM" or "-..." at 's' in seconds east of UTC; false for anything else. */
static bool parse_offset(const char *s, int64_t *secs)
{
    int h, m;

    if (strcmp(s, "Z") == 0 || strcmp(s, "z") == 0) {
        *secs = 0;
        return true;
    }
    if ((s[0] != '+' && s[0] != '-') || (h = digits(s + 1, 2)) < 0) {
        return false;
    }
    m = s[3] == ':' ? digits(s + 4, 2) : digits(s + 3, 2);
    if (m < 0 || s[3 + (s[3] == ':') + 2] != '\0' || h > 23 || m > 59) {
        return false;
    }
    *secs = (s[0] == '-' ? -1 : 1) * (int64_t)(h * 3600 + m * 60);
    return true;
}

bool ordo_sandbox_parse_time(const char *text, int64_t *unix_ms)
{
    int y, mo, d, h = 0, mi = 0, s = 0;
    int64_t offset = 0;
    const char *rest;

    if (!text || strlen(text) < 10 || text[4] != '-' || text[7] != '-' ||
        (y = digits(text, 4)) < 0 || (mo = digits(text + 5, 2)) < 1 || mo > 12 ||
        (d = digits(text + 8, 2)) < 1 || d > ordo_days_in_month(y, mo)) {
        return false;
    }
    rest = text + 10;
    if (*rest == 'T' || *rest == 't' || *rest == ' ') {
        if (strlen(rest) < 9 || rest[3] != ':' || rest[6] != ':' || (h = digits(rest + 1, 2)) < 0 ||
            h > 23 || (mi = digits(rest + 4, 2)) < 0 || mi > 59 || (s = digits(rest + 7, 2)) < 0 ||
            s > 60) {
            return false;
        }
        rest += 9;
        if (*rest == '.') {
            rest++;
            while (ordo_is_digit(*rest)) {
                rest++;
            }
        }
        if (!parse_offset(rest, &offset)) {
            return false;
        }
    } else if (*rest != '\0') {
        return false;
    }
    *unix_ms = (ordo_days_from_civil(y, mo, d) * 86400 + 3600L * h + 60L * mi + s - offset) * 1000;
    return true;
}
