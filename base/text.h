/*
 * base/text.h - small string helpers: NULL-safe equality and UTF-8.
 *
 * UTF-8 here is the well-formed kind of Unicode table 3-7: no overlong
 * forms, no surrogates, nothing above U+10FFFF. Ill-formed input is never
 * rejected by these helpers; it is measured or repaired (each maximal
 * ill-formed subpart becomes one U+FFFD, as Unicode recommends).
 */
#ifndef ORDO_BASE_TEXT_H
#define ORDO_BASE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ordo_arena;

/* Equal strings, or both NULL. */
bool ordo_streq(const char *a, const char *b);

/* Length of the well-formed sequence at 's' ('n' bytes available, n >= 1),
 * or 0; when 0, '*skip' is the length of the ill-formed subpart. */
size_t ordo_utf8_sequence(const unsigned char *s, size_t n, size_t *skip);

/* The code point at 's' (NUL-terminated) and its length in '*len';
 * U+FFFD for an ill-formed subpart, whose length '*len' then is. */
uint32_t ordo_utf8_decode(const char *s, size_t *len);

/* 's' itself if it is well-formed UTF-8, else a repaired copy in 'arena'. */
const char *ordo_utf8_repair(struct ordo_arena *arena, const char *s);

/* 'len', shortened so that the first 'len' bytes of 's' do not end inside
 * a multi-byte sequence (for cutting text to a size). */
size_t ordo_utf8_trim_partial(const char *s, size_t len);

#endif
