/*
 * base/buf.h - growable byte buffers.
 *
 * A buffer owns malloc'd memory and always keeps a NUL after its content, so
 * ordo_buf_cstr() is a valid C string (content with NUL bytes is allowed; use
 * 'len' then). Growth failures abort through ordo_oom(), like arenas: callers
 * bound untrusted sizes first. ordo_buf_cleanup() is safe on a zeroed buffer.
 */
#ifndef ORDO_BASE_BUF_H
#define ORDO_BASE_BUF_H

#include <stddef.h>

struct ordo_buf {
    char *data;
    size_t len;
    size_t cap;
};

#define ORDO_BUF_INIT \
    {                 \
        NULL, 0, 0    \
    }

void ordo_buf_init(struct ordo_buf *b);
void ordo_buf_cleanup(struct ordo_buf *b); /* frees; the buffer is empty again */
void ordo_buf_reset(struct ordo_buf *b);   /* empties; keeps the memory */

/* Make room for 'extra' more bytes (plus the trailing NUL). */
void ordo_buf_reserve(struct ordo_buf *b, size_t extra);

void ordo_buf_append(struct ordo_buf *b, const void *p, size_t len);
void ordo_buf_puts(struct ordo_buf *b, const char *s);
void ordo_buf_putc(struct ordo_buf *b, char c);
void ordo_buf_printf(struct ordo_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The content as a C string; "" for an empty buffer (never NULL). */
const char *ordo_buf_cstr(const struct ordo_buf *b);

/* Hand the malloc'd content to the caller (free() it) and empty the buffer. */
char *ordo_buf_take(struct ordo_buf *b, size_t *len_out);

#endif
