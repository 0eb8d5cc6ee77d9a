#include "base/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"

void ordo_buf_init(struct ordo_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void ordo_buf_cleanup(struct ordo_buf *b)
{
    free(b->data);
    ordo_buf_init(b);
}

void ordo_buf_reset(struct ordo_buf *b)
{
    b->len = 0;
    if (b->data) {
        b->data[0] = '\0';
    }
}

void ordo_buf_reserve(struct ordo_buf *b, size_t extra)
{
    size_t need;
    size_t cap;
    char *p;

    if (extra > SIZE_MAX - b->len - 1) {
        ordo_oom(SIZE_MAX);
    }
    need = b->len + extra + 1;
    if (need <= b->cap) {
        return;
    }
    cap = b->cap ? b->cap : 64;
    while (cap < need) {
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    }
    p = realloc(b->data, cap);
    if (!p) {
        ordo_oom(cap);
    }
    b->data = p;
    b->cap = cap;
    b->data[b->len] = '\0';
}

void ordo_buf_append(struct ordo_buf *b, const void *p, size_t len)
{
    ordo_buf_reserve(b, len);
    if (len) {
        memcpy(b->data + b->len, p, len);
    }
    b->len += len;
    b->data[b->len] = '\0';
}

void ordo_buf_puts(struct ordo_buf *b, const char *s)
{
    ordo_buf_append(b, s, strlen(s));
}

void ordo_buf_putc(struct ordo_buf *b, char c)
{
    ordo_buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

void ordo_buf_printf(struct ordo_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0) {
        return;
    }
    ordo_buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    (void)vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

const char *ordo_buf_cstr(const struct ordo_buf *b)
{
    return b->data ? b->data : "";
}

char *ordo_buf_take(struct ordo_buf *b, size_t *len_out)
{
    char *p;

    ordo_buf_reserve(b, 0); /* an empty buffer still hands out "" */
    p = b->data;
    if (len_out) {
        *len_out = b->len;
    }
    ordo_buf_init(b);
    return p;
}
