#include "base/text.h"

#include <string.h>

#include "base/arena.h"
#include "base/buf.h"

static const char replacement_char[] = "\xEF\xBF\xBD"; /* U+FFFD */

bool ordo_streq(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

size_t ordo_utf8_sequence(const unsigned char *s, size_t n, size_t *skip)
{
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    size_t need;

    *skip = 1;
    if (s[0] < 0x80) {
        return 1;
    }
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        need = 2;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        need = 3;
        lo = s[0] == 0xE0 ? 0xA0 : 0x80;
        hi = s[0] == 0xED ? 0x9F : 0xBF;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        need = 4;
        lo = s[0] == 0xF0 ? 0x90 : 0x80;
        hi = s[0] == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    for (size_t i = 1; i < need; i++) {
        bool ok = i < n && s[i] >= (i == 1 ? lo : 0x80) && s[i] <= (i == 1 ? hi : 0xBF);

        if (!ok) {
            *skip = i;
            return 0;
        }
    }
    return need;
}

uint32_t ordo_utf8_decode(const char *s, size_t *len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strnlen(s, 4);
    size_t skip;

    *len = ordo_utf8_sequence(p, n ? n : 1, &skip);
    switch (*len) {
    case 0:
        *len = skip;
        return 0xFFFD;
    case 1:
        return p[0];
    case 2:
        return ((uint32_t)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
    case 3:
        return ((uint32_t)(p[0] & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
    default:
        return ((uint32_t)(p[0] & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
               ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
    }
}

const char *ordo_utf8_repair(struct ordo_arena *arena, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    struct ordo_buf out = ORDO_BUF_INIT;
    const char *copy;
    size_t i = 0;
    size_t skip;

    for (;;) { /* the common case: well-formed, no copy */
        size_t len = i < n ? ordo_utf8_sequence(p + i, n - i, &skip) : 0;

        if (i == n) {
            return s;
        }
        if (!len) {
            break;
        }
        i += len;
    }
    ordo_buf_append(&out, s, i);
    while (i < n) {
        size_t len = ordo_utf8_sequence(p + i, n - i, &skip);

        if (len) {
            ordo_buf_append(&out, p + i, len);
            i += len;
        } else {
            ordo_buf_puts(&out, replacement_char);
            i += skip;
        }
    }
    copy = ordo_arena_strndup(arena, out.data, out.len);
    ordo_buf_cleanup(&out);
    return copy;
}

size_t ordo_utf8_trim_partial(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t start = len;
    size_t need;

    /* Back up over at most three continuation bytes to the lead byte. */
    while (start > 0 && len - start < 3 && (p[start - 1] & 0xC0) == 0x80) {
        start--;
    }
    if (start == 0 || p[start - 1] < 0xC0) {
        return len; /* ends on ASCII or on a stray continuation byte: nothing to cut */
    }
    start--;
    need = p[start] >= 0xF0 ? 4 : p[start] >= 0xE0 ? 3 : 2;
    return len - start < need ? start : len;
}
