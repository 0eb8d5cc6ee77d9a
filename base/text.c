#include "base/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"

static const char replacement_char[] = "\xEF\xBF\xBD"; /* U+FFFD */

bool ordo_streq(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

bool ordo_text_eq(const char *s, size_t len, const char *word)
{
    return strlen(word) == len && memcmp(s, word, len) == 0;
}

bool ordo_is_digit(int c)
{
    return c >= '0' && c <= '9';
}

bool ordo_is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
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

uint32_t ordo_utf8_decode_n(const char *s, size_t n, size_t *len)
{
    const unsigned char *p = (const unsigned char *)s;
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

uint32_t ordo_utf8_decode(const char *s, size_t *len)
{
    return ordo_utf8_decode_n(s, strnlen(s, 4), len);
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

size_t ordo_utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

const char *ordo_utf8_quote(char *buf, size_t size, const char *s, size_t len, size_t max_bytes)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t room = size - 4; /* keep "..." and the NUL */
    size_t i = 0;
    size_t o = 0;

    while (i < len) {
        size_t skip;
        size_t n = ordo_utf8_sequence(p + i, len - i, &skip);
        size_t out = n ? n : sizeof(replacement_char) - 1;

        if (i + (n ? n : skip) > max_bytes || o + out > room) {
            break;
        }
        memcpy(buf + o, n ? s + i : replacement_char, out);
        o += out;
        i += n ? n : skip;
    }
    if (i < len) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = '\0';
    return buf;
}

void ordo_utf8_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
    int n = vsnprintf(buf, size, fmt, ap);

    if (n < 0) {
        buf[0] = '\0';
    } else if ((size_t)n >= size) {
        buf[ordo_utf8_trim_partial(buf, size - 1)] = '\0';
    }
}

void ordo_utf8_position(const char *s, size_t pos, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < pos; i++) {
        if (s[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)s[i] & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

/* Mark in 'mask' every byte of 'text' covered by an occurrence of 'secret';
 * with 'cut', also a tail of 'text' that is a proper start of it. */
static void mark_secret(unsigned char *mask, const char *text, size_t len, const char *secret,
                        bool cut)
{
    size_t slen = strlen(secret);

    for (size_t i = 0; slen <= len && i <= len - slen; i++) {
        if (text[i] == secret[0] && memcmp(text + i, secret, slen) == 0) {
            memset(mask + i, 1, slen);
        }
    }
    for (size_t k = (slen - 1 < len ? slen - 1 : len); cut && k > 0; k--) {
        if (memcmp(text + len - k, secret, k) == 0) {
            memset(mask + len - k, 1, k);
            break;
        }
    }
}

size_t ordo_text_redact(struct ordo_buf *out, const char *text, size_t len,
                        const char *const *secrets, size_t n, bool cut)
{
    unsigned char *mask;
    size_t runs = 0;

    if (len == 0) {
        return 0;
    }
    mask = calloc(len, 1);
    if (!mask) {
        ordo_oom(len);
    }
    for (size_t i = 0; i < n; i++) {
        if (secrets[i] && secrets[i][0]) {
            mark_secret(mask, text, len, secrets[i], cut);
        }
    }
    for (size_t i = 0; i < len;) {
        size_t j = i;

        while (j < len && mask[j] == mask[i]) {
            j++;
        }
        if (mask[i]) {
            ordo_buf_append(out, "***", 3);
            runs++;
        } else {
            ordo_buf_append(out, text + i, j - i);
        }
        i = j;
    }
    free(mask);
    return runs;
}
