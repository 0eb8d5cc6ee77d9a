/*
 * bpmn/feel_builtin_text.c - FEEL's string functions.
 *
 * Positions and lengths count characters (Unicode code points), never
 * bytes: string length("Äö") is 2 and substring("😀x", 2) is "x". Strings
 * are UTF-8 and are cut only between characters.
 *
 * upper case() and lower case() map the letters of Latin (ASCII, Latin-1,
 * Latin Extended-A), Greek and Cyrillic one to one; other scripts, and
 * mappings that change the length ("ß" to "SS", "İ" to "i̇"), are left as
 * they are, for want of the Unicode tables.
 *
 * substring(s, start, length): start counts from 1, or from the end when
 * negative; 0 is null. A start past the end gives "" (and a negative one
 * before the beginning starts at the first character); a length running
 * past the end stops there; a negative length is null.
 *
 * string join(list) and string join(list, delimiter) (DMN 1.4): the strings
 * of the list in order, with the delimiter (null: none) between them. Null
 * items are skipped. An item that is neither a string nor null, a first
 * argument that is not a list (a single string is not taken as a list of
 * one) and a delimiter that is neither a string nor null make the result
 * null. The length is added up before a byte is copied, so a join longer
 * than max_string fails at once, as + does, without building it.
 */
#include <string.h>

#include "base/text.h"
#include "bpmn/feel_internal.h"

static bool str_arg(const struct ordo_feel_value *v, struct ordo_feel_str *out)
{
    if (v->type != ORDO_FV_STRING) {
        return false;
    }
    *out = v->u.str;
    return true;
}

/* Characters in 's': bytes that do not continue a sequence. */
static size_t char_count(struct ordo_feel_str s)
{
    size_t n = 0;

    for (size_t i = 0; i < s.len; i++) {
        n += ((unsigned char)s.p[i] & 0xC0) != 0x80;
    }
    return n;
}

/* The byte offset of character 'k' (0-based) of 's', or s.len. */
static size_t char_offset(struct ordo_feel_str s, size_t k)
{
    size_t i = 0;

    for (size_t seen = 0; i < s.len; i++) {
        if (((unsigned char)s.p[i] & 0xC0) != 0x80 && seen++ == k) {
            return i;
        }
    }
    return s.len;
}

struct ordo_feel_value ordo_feel_bi_substring(struct ordo_feel_ev *ev,
                                              const struct ordo_feel_value *args, size_t n)
{
    struct ordo_feel_str s;
    int64_t start;
    int64_t count = INT64_MAX;
    int64_t chars;
    size_t from;
    size_t to;

    if (!str_arg(&args[0], &s) || !ordo_feel_arg_int(&args[1], &start) || start == 0 ||
        (n == 3 && (!ordo_feel_arg_int(&args[2], &count) || count < 0)) ||
        !ordo_feel_charge_scan(ev, s.len)) {
        return ordo_feel_null();
    }
    chars = (int64_t)char_count(s);
    start = start > 0 ? start - 1 : chars + start;
    start = start < 0 ? 0 : start > chars ? chars : start;
    count = count > chars - start ? chars - start : count;
    from = char_offset(s, (size_t)start);
    to = char_offset(s, (size_t)(start + count));
    return ordo_feel_string(s.p + from, to - from);
}

struct ordo_feel_value ordo_feel_bi_string_length(struct ordo_feel_ev *ev,
                                                  const struct ordo_feel_value *args, size_t n)
{
    struct ordo_feel_str s;

    (void)n;
    if (!str_arg(&args[0], &s) || !ordo_feel_charge_scan(ev, s.len)) {
        return ordo_feel_null();
    }
    return ordo_feel_int((int64_t)char_count(s));
}

/* Latin Extended-A pairs letters as (upper, lower) at (even, odd) code
 * points in some runs, at (odd, even) in others. */
static bool latin_a_pair(uint32_t c, bool *upper_even)
{
    if ((c >= 0x100 && c <= 0x12F) || (c >= 0x132 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) {
        *upper_even = true;
        return true;
    }
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) {
        *upper_even = false;
        return true;
    }
    return false;
}

static uint32_t to_upper(uint32_t c)
{
    bool upper_even;

    if ((c >= 'a' && c <= 'z') || (c >= 0xE0 && c <= 0xFE && c != 0xF7) ||
        (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) || (c >= 0x430 && c <= 0x44F)) {
        return c - 0x20;
    }
    if (c >= 0x450 && c <= 0x45F) {
        return c - 0x50;
    }
    if (c == 0xFF) {
        return 0x178;
    }
    if (c == 0x3C2) {
        return 0x3A3; /* final sigma */
    }
    if (latin_a_pair(c, &upper_even) && (c % 2 == 0) != upper_even) {
        return c - 1;
    }
    return c;
}

static uint32_t to_lower(uint32_t c)
{
    bool upper_even;

    if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7) ||
        (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) || (c >= 0x410 && c <= 0x42F)) {
        return c + 0x20;
    }
    if (c >= 0x400 && c <= 0x40F) {
        return c + 0x50;
    }
    if (c == 0x178) {
        return 0xFF;
    }
    if (latin_a_pair(c, &upper_even) && (c % 2 == 0) == upper_even) {
        return c + 1;
    }
    return c;
}

/* The mapped letters all have the same UTF-8 length as their originals
 * (one byte for ASCII, two for the rest), so the output has the input's
 * length and a two-byte sequence is rewritten in place. */
static struct ordo_feel_value map_case(struct ordo_feel_ev *ev, const struct ordo_feel_value *arg,
                                       bool upper)
{
    struct ordo_feel_str s;
    char *out;
    size_t i = 0;

    if (!str_arg(arg, &s) || !ordo_feel_charge_scan(ev, s.len) ||
        !(out = ordo_feel_chars(ev, s.len))) {
        return ordo_feel_null();
    }
    memcpy(out, s.p, s.len);
    while (i < s.len) {
        size_t skip;
        size_t len = ordo_utf8_sequence((const unsigned char *)s.p + i, s.len - i, &skip);
        uint32_t c;
        uint32_t m;

        if (len == 1 || len == 2) {
            c = len == 1 ? (unsigned char)s.p[i]
                         : ((uint32_t)(s.p[i] & 0x1F) << 6) | (uint32_t)(s.p[i + 1] & 0x3F);
            m = upper ? to_upper(c) : to_lower(c);
            if (len == 1) {
                out[i] = (char)m;
            } else {
                out[i] = (char)(0xC0 | (m >> 6));
                out[i + 1] = (char)(0x80 | (m & 0x3F));
            }
        }
        i += len ? len : skip;
    }
    return ordo_feel_string(out, s.len);
}

struct ordo_feel_value ordo_feel_bi_upper_case(struct ordo_feel_ev *ev,
                                               const struct ordo_feel_value *args, size_t n)
{
    (void)n;
    return map_case(ev, &args[0], true);
}

struct ordo_feel_value ordo_feel_bi_lower_case(struct ordo_feel_ev *ev,
                                               const struct ordo_feel_value *args, size_t n)
{
    (void)n;
    return map_case(ev, &args[0], false);
}

/* The first occurrence of 'needle' in 'hay': its byte offset, or SIZE_MAX.
 * Knuth-Morris-Pratt for long needles, so no input makes this quadratic.
 * (memmem() would do, but it is a GNU and BSD extension that the build's
 * _XOPEN_SOURCE=700 does not declare.) */
static size_t find(struct ordo_feel_ev *ev, struct ordo_feel_str hay, struct ordo_feel_str needle)
{
    size_t *fail;
    size_t k = 0;

    if (needle.len > hay.len) {
        return SIZE_MAX;
    }
    if (needle.len <= 16) {
        for (size_t i = 0; i + needle.len <= hay.len; i++) {
            if (memcmp(hay.p + i, needle.p, needle.len) == 0) {
                return i;
            }
        }
        return SIZE_MAX;
    }
    if (!(fail = ordo_feel_alloc(ev, needle.len * sizeof(*fail)))) {
        return SIZE_MAX;
    }
    for (size_t i = 1; i < needle.len; i++) {
        while (k > 0 && needle.p[i] != needle.p[k]) {
            k = fail[k - 1];
        }
        k += needle.p[i] == needle.p[k];
        fail[i] = k;
    }
    k = 0;
    for (size_t i = 0; i < hay.len; i++) {
        while (k > 0 && hay.p[i] != needle.p[k]) {
            k = fail[k - 1];
        }
        k += hay.p[i] == needle.p[k];
        if (k == needle.len) {
            return i + 1 - needle.len;
        }
    }
    return SIZE_MAX;
}

/* Both arguments strings, with the scan charged; false otherwise. */
static bool two_strings(struct ordo_feel_ev *ev, const struct ordo_feel_value *args,
                        struct ordo_feel_str *a, struct ordo_feel_str *b)
{
    return str_arg(&args[0], a) && str_arg(&args[1], b) &&
           ordo_feel_charge_scan(ev, a->len + b->len);
}

struct ordo_feel_value ordo_feel_bi_substring_before(struct ordo_feel_ev *ev,
                                                     const struct ordo_feel_value *args, size_t n)
{
    struct ordo_feel_str s;
    struct ordo_feel_str m;
    size_t at;

    (void)n;
    if (!two_strings(ev, args, &s, &m)) {
        return ordo_feel_null();
    }
    at = find(ev, s, m);
    return ordo_feel_string(s.p, at == SIZE_MAX ? 0 : at);
}

struct ordo_feel_value ordo_feel_bi_substring_after(struct ordo_feel_ev *ev,
                                                    const struct ordo_feel_value *args, size_t n)
{
    struct ordo_feel_str s;
    struct ordo_feel_str m;
    size_t at;

    (void)n;
    if (!two_strings(ev, args, &s, &m)) {
        return ordo_feel_null();
    }
    at = find(ev, s, m);
    if (at == SIZE_MAX) {
        return ordo_feel_string(s.p, 0);
    }
    return ordo_feel_string(s.p + at + m.len, s.len - at - m.len);
}

struct ordo_feel_value ordo_feel_bi_contains(struct ordo_feel_ev *ev,
                                             const struct ordo_feel_value *args, size_t n)
{
    struct ordo_feel_str s;
    struct ordo_feel_str m;

    (void)n;
    if (!two_strings(ev, args, &s, &m)) {
        return ordo_feel_null();
    }
    return ordo_feel_bool(find(ev, s, m) != SIZE_MAX);
}

struct ordo_feel_value ordo_feel_bi_starts_with(struct ordo_feel_ev *ev,
                                                const struct ordo_feel_value *args, size_t n)
{
    struct ordo_feel_str s;
    struct ordo_feel_str m;

    (void)n;
    if (!two_strings(ev, args, &s, &m)) {
        return ordo_feel_null();
    }
    return ordo_feel_bool(m.len <= s.len && memcmp(s.p, m.p, m.len) == 0);
}

struct ordo_feel_value ordo_feel_bi_ends_with(struct ordo_feel_ev *ev,
                                              const struct ordo_feel_value *args, size_t n)
{
    struct ordo_feel_str s;
    struct ordo_feel_str m;

    (void)n;
    if (!two_strings(ev, args, &s, &m)) {
        return ordo_feel_null();
    }
    return ordo_feel_bool(m.len <= s.len && memcmp(s.p + s.len - m.len, m.p, m.len) == 0);
}

/* 'total' + 'more', or SIZE_MAX when the sum does not fit in a size_t
 * (ordo_feel_chars() then refuses it as longer than max_string). */
static size_t add_saturated(size_t total, size_t more)
{
    return more > SIZE_MAX - total ? SIZE_MAX : total + more;
}

struct ordo_feel_value ordo_feel_bi_string_join(struct ordo_feel_ev *ev,
                                                const struct ordo_feel_value *args, size_t n)
{
    struct ordo_feel_str delim = {"", 0};
    size_t count;
    size_t total = 0;
    size_t joined = 0;
    size_t at = 0;
    char *out;

    if (args[0].type != ORDO_FV_LIST ||
        (n == 2 && args[1].type != ORDO_FV_NULL && !str_arg(&args[1], &delim))) {
        return ordo_feel_null();
    }
    count = ordo_feel_list_len(&args[0]);
    if (!ordo_feel_step(ev, count)) {
        return ordo_feel_null();
    }
    /* First the types and the length: a number anywhere is null, not a
     * max_string error. */
    for (size_t i = 0; i < count; i++) {
        struct ordo_feel_value item = ordo_feel_list_at(&args[0], i);

        if (item.type == ORDO_FV_NULL) {
            continue;
        }
        if (item.type != ORDO_FV_STRING) {
            return ordo_feel_null();
        }
        total = add_saturated(total, joined++ ? delim.len : 0);
        total = add_saturated(total, item.u.str.len);
    }
    if (total == 0) {
        return ordo_feel_string("", 0);
    }
    if (!(out = ordo_feel_chars(ev, total)) || !ordo_feel_charge_scan(ev, total)) {
        return ordo_feel_null();
    }
    joined = 0;
    for (size_t i = 0; i < count; i++) {
        struct ordo_feel_value item = ordo_feel_list_at(&args[0], i);

        if (item.type != ORDO_FV_STRING) {
            continue;
        }
        if (joined++ && delim.len) {
            memcpy(out + at, delim.p, delim.len);
            at += delim.len;
        }
        memcpy(out + at, item.u.str.p, item.u.str.len);
        at += item.u.str.len;
    }
    return ordo_feel_string(out, at);
}
