/*
 * base/text.h - small string helpers: NULL-safe equality, ASCII classes
 * that do not depend on the locale, and UTF-8.
 *
 * UTF-8 here is the well-formed kind of Unicode table 3-7: no overlong
 * forms, no surrogates, nothing above U+10FFFF. Ill-formed input is never
 * rejected by these helpers; it is measured or repaired (each maximal
 * ill-formed subpart becomes one U+FFFD, as Unicode recommends).
 */
#ifndef ORDO_BASE_TEXT_H
#define ORDO_BASE_TEXT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ordo_arena;
struct ordo_buf;

/* Equal strings, or both NULL. */
bool ordo_streq(const char *a, const char *b);

/* True when the 'len' bytes at 's' (not NUL-terminated) are exactly 'word'. */
bool ordo_text_eq(const char *s, size_t len, const char *word);

/* '0' to '9'; and the ASCII white space of C's isspace() in the "C" locale
 * (space, \t, \n, \v, \f, \r). <ctype.h> would follow the locale. */
bool ordo_is_digit(int c);
bool ordo_is_space(int c);

/* Length of the well-formed sequence at 's' ('n' bytes available, n >= 1),
 * or 0; when 0, '*skip' is the length of the ill-formed subpart. */
size_t ordo_utf8_sequence(const unsigned char *s, size_t n, size_t *skip);

/* The code point at 's' (NUL-terminated) and its length in '*len';
 * U+FFFD for an ill-formed subpart, whose length '*len' then is. */
uint32_t ordo_utf8_decode(const char *s, size_t *len);

/* The same for text that is not NUL-terminated: 'n' bytes at 's'. */
uint32_t ordo_utf8_decode_n(const char *s, size_t n, size_t *len);

/* 's' itself if it is well-formed UTF-8, else a repaired copy in 'arena'. */
const char *ordo_utf8_repair(struct ordo_arena *arena, const char *s);

/* 'len', shortened so that the first 'len' bytes of 's' do not end inside
 * a multi-byte sequence (for cutting text to a size). */
size_t ordo_utf8_trim_partial(const char *s, size_t len);

/* Write code point 'cp' (at most U+10FFFF, no surrogate) as UTF-8 into
 * 'out' (room for 4 bytes); its length. */
size_t ordo_utf8_encode(uint32_t cp, char *out);

/* Text 's' ('len' bytes) to quote in a message, into 'buf' ('size' bytes,
 * at least 8): at most 'max_bytes' of 's', cut between characters and then
 * followed by "..."; ill-formed UTF-8 becomes U+FFFD, so the result is
 * always well-formed and NUL-terminated. Returns 'buf', for use as a
 * printf argument. */
const char *ordo_utf8_quote(char *buf, size_t size, const char *s, size_t len, size_t max_bytes);

/* vsnprintf() into 'buf' ('size' > 0 bytes), with output that does not fit
 * cut between characters rather than inside one. */
void ordo_utf8_vformat(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* The line and column of byte offset 'pos' in 's' (which has at least
 * 'pos' bytes), both from 1; columns count characters (code points, as an
 * editor shows them), not bytes. */
void ordo_utf8_position(const char *s, size_t pos, size_t *line, size_t *col);

/* Append the 'len' bytes of 'text' to 'out' with every occurrence of each
 * of the 'n' strings 'secrets' (tokens, passwords; NULL and "" entries are
 * skipped) replaced by "***". Bytes covered by overlapping or adjacent
 * occurrences become one "***", so no part of any secret survives however
 * the secrets overlap. When 'cut' is true, 'text' was cut short at its end
 * (a full error buffer), and a tail that is the start of a secret ("...sk-12"
 * of "sk-1234") is replaced as well. Returns the number of "***" written. */
size_t ordo_text_redact(struct ordo_buf *out, const char *text, size_t len,
                        const char *const *secrets, size_t n, bool cut);

#endif
