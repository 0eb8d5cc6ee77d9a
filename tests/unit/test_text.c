/*
 * base/text: NULL-safe equality, UTF-8 helpers and redaction.
 */
#include <stdarg.h>
#include <string.h>

#include <check.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/text.h"
#include "tests/unit/check_main.h"

static struct ordo_arena *arena;

static void setup(void)
{
    arena = ordo_arena_new();
}

static void teardown(void)
{
    ordo_arena_free(arena);
}

START_TEST(streq_treats_null_as_a_value)
{
    ck_assert(ordo_streq(NULL, NULL));
    ck_assert(!ordo_streq("a", NULL));
    ck_assert(!ordo_streq(NULL, "a"));
    ck_assert(ordo_streq("abc", "abc"));
    ck_assert(!ordo_streq("abc", "abd"));
}
END_TEST

START_TEST(decode_reads_code_points_and_replaces_bad_bytes)
{
    size_t len;

    ck_assert_uint_eq(ordo_utf8_decode("A", &len), 'A');
    ck_assert_uint_eq(len, 1);
    ck_assert_uint_eq(ordo_utf8_decode("\xc2\xa0", &len), 0xA0);
    ck_assert_uint_eq(len, 2);
    ck_assert_uint_eq(ordo_utf8_decode("\xe2\x80\x83", &len), 0x2003);
    ck_assert_uint_eq(len, 3);
    ck_assert_uint_eq(ordo_utf8_decode("\xf0\x9f\x98\x80", &len), 0x1F600);
    ck_assert_uint_eq(len, 4);
    ck_assert_uint_eq(ordo_utf8_decode("\xff", &len), 0xFFFD);
    ck_assert_uint_eq(len, 1);
    ck_assert_uint_eq(ordo_utf8_decode("\xe2\x80", &len), 0xFFFD); /* cut short by the NUL */
    ck_assert_uint_eq(len, 2);
    ck_assert_uint_eq(ordo_utf8_decode("\xc0\xaf", &len), 0xFFFD); /* overlong '/' */
}
END_TEST

START_TEST(repair_returns_valid_text_unchanged_and_fixes_the_rest)
{
    const char *ok = "gr\xc3\xbc\xc3\x9f";

    ck_assert_ptr_eq(ordo_utf8_repair(arena, ok), ok);
    ck_assert_str_eq(ordo_utf8_repair(arena, "a\xff"
                                             "b\xe2\x80"),
                     "a\xef\xbf\xbd"
                     "b\xef\xbf\xbd");
    ck_assert_str_eq(ordo_utf8_repair(arena, "\xed\xa0\x80"), /* a surrogate: three bad bytes */
                     "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}
END_TEST

START_TEST(trim_partial_never_splits_a_character)
{
    const char *s = "a\xc3\xa9\xe2\x82\xac"; /* a é € */

    ck_assert_uint_eq(ordo_utf8_trim_partial(s, 1), 1);
    ck_assert_uint_eq(ordo_utf8_trim_partial(s, 2), 1);
    ck_assert_uint_eq(ordo_utf8_trim_partial(s, 3), 3);
    ck_assert_uint_eq(ordo_utf8_trim_partial(s, 4), 3);
    ck_assert_uint_eq(ordo_utf8_trim_partial(s, 5), 3);
    ck_assert_uint_eq(ordo_utf8_trim_partial(s, 6), 6);
    ck_assert_uint_eq(ordo_utf8_trim_partial(s, 0), 0);
}
END_TEST

START_TEST(text_eq_compares_a_counted_text_with_a_word)
{
    ck_assert(ordo_text_eq("andrew", 3, "and"));
    ck_assert(!ordo_text_eq("andrew", 4, "and"));
    ck_assert(!ordo_text_eq("an", 2, "and"));
    ck_assert(ordo_text_eq("", 0, ""));
}
END_TEST

START_TEST(ascii_classes_ignore_everything_else)
{
    ck_assert(ordo_is_digit('0') && ordo_is_digit('9'));
    ck_assert(!ordo_is_digit('a') && !ordo_is_digit(0xB2)); /* superscript two in Latin-1 */
    ck_assert(ordo_is_space(' ') && ordo_is_space('\t') && ordo_is_space('\n'));
    ck_assert(ordo_is_space('\r') && ordo_is_space('\f') && ordo_is_space('\v'));
    ck_assert(!ordo_is_space(0xA0) && !ordo_is_space('x') && !ordo_is_space('\0'));
}
END_TEST

START_TEST(encode_writes_each_length_of_sequence)
{
    static const uint32_t cps[] = {'A', 0xE9, 0x20AC, 0x1F600, 0x10FFFF};
    char out[5];

    for (size_t i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
        size_t n = ordo_utf8_encode(cps[i], out);
        size_t back;

        out[n] = '\0';
        ck_assert_uint_eq(n, i < 3 ? i + 1 : 4);
        ck_assert_uint_eq(ordo_utf8_decode(out, &back), cps[i]);
        ck_assert_uint_eq(back, n);
    }
}
END_TEST

START_TEST(quote_cuts_between_characters_and_says_so)
{
    const char *s = "ab\xc3\xa9\xe2\x82\xac"; /* a b é € */
    char buf[32];

    ck_assert_str_eq(ordo_utf8_quote(buf, sizeof(buf), s, strlen(s), 40), s);
    ck_assert_str_eq(ordo_utf8_quote(buf, sizeof(buf), s, strlen(s), 7), s);
    ck_assert_str_eq(ordo_utf8_quote(buf, sizeof(buf), s, strlen(s), 6), "ab\xc3\xa9...");
    ck_assert_str_eq(ordo_utf8_quote(buf, sizeof(buf), s, strlen(s), 3), "ab...");
    ck_assert_str_eq(ordo_utf8_quote(buf, sizeof(buf), s, 3, 40), "ab\xef\xbf\xbd"); /* cut é */
    ck_assert_str_eq(ordo_utf8_quote(buf, sizeof(buf), "a\xff", 2, 40), "a\xef\xbf\xbd");
    ck_assert_str_eq(ordo_utf8_quote(buf, sizeof(buf), "", 0, 40), "");
    /* A small buffer cuts too, and still ends in "...". */
    ck_assert_str_eq(ordo_utf8_quote(buf, 8, "\xc3\xa9\xc3\xa9\xc3\xa9", 6, 40),
                     "\xc3\xa9\xc3\xa9...");
}
END_TEST

static void format(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void format(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    ordo_utf8_vformat(buf, size, fmt, ap);
    va_end(ap);
}

START_TEST(vformat_never_ends_inside_a_character)
{
    char buf[5];

    format(buf, sizeof(buf), "%s", "ab\xc3\xa9");
    ck_assert_str_eq(buf, "ab\xc3\xa9");
    format(buf, sizeof(buf), "%s", "abc\xc3\xa9"); /* 4 bytes fit: "abc" and half of é */
    ck_assert_str_eq(buf, "abc");
    format(buf, sizeof(buf), "%d", 42);
    ck_assert_str_eq(buf, "42");
}
END_TEST

START_TEST(position_counts_lines_and_characters)
{
    const char *s = "\xc3\xa9t\xc3\xa9\nab";
    size_t line;
    size_t col;

    ordo_utf8_position(s, 0, &line, &col);
    ck_assert_uint_eq(line, 1);
    ck_assert_uint_eq(col, 1);
    ordo_utf8_position(s, 3, &line, &col); /* the second é */
    ck_assert_uint_eq(col, 3);
    ordo_utf8_position(s, 7, &line, &col); /* "b" */
    ck_assert_uint_eq(line, 2);
    ck_assert_uint_eq(col, 2);
}
END_TEST

/* Redact 'text' into a fresh arena string; '*runs' gets the count. */
static const char *redact(const char *text, const char *const *secrets, size_t n, bool cut,
                          size_t *runs)
{
    struct ordo_buf b = ORDO_BUF_INIT;
    const char *copy;

    *runs = ordo_text_redact(&b, text, strlen(text), secrets, n, cut);
    copy = ordo_arena_strdup(arena, ordo_buf_cstr(&b));
    ordo_buf_cleanup(&b);
    return copy;
}

START_TEST(redact_replaces_every_occurrence_of_each_secret)
{
    const char *secrets[] = {"hunter2", NULL, "", "tok-99"};
    size_t runs;

    ck_assert_str_eq(redact("pw hunter2, again hunter2; tok-99!", secrets, 4, false, &runs),
                     "pw ***, again ***; ***!");
    ck_assert_uint_eq(runs, 3);
    ck_assert_str_eq(redact("nothing here", secrets, 4, false, &runs), "nothing here");
    ck_assert_uint_eq(runs, 0);
    ck_assert_str_eq(redact("", secrets, 4, false, &runs), "");
    ck_assert_str_eq(redact("hunter2", secrets, 0, false, &runs), "hunter2");
}
END_TEST

START_TEST(redact_leaves_no_part_of_overlapping_secrets)
{
    const char *secrets[] = {"xabc", "abcdef", "aa"};
    size_t runs;

    /* Replacing one secret first would leave "def" or "x" of the other. */
    ck_assert_str_eq(redact("<xabcdef>", secrets, 2, false, &runs), "<***>");
    ck_assert_uint_eq(runs, 1);
    ck_assert_str_eq(redact("aaa-xabcxabc", secrets, 3, false, &runs), "***-***");
    ck_assert_uint_eq(runs, 2);
}
END_TEST

START_TEST(redact_of_a_cut_text_also_hides_the_start_of_a_secret_at_its_end)
{
    const char *secrets[] = {"sk-1234567"};
    size_t runs;

    ck_assert_str_eq(redact("key sk-12", secrets, 1, true, &runs), "key ***");
    ck_assert_uint_eq(runs, 1);
    ck_assert_str_eq(redact("key sk-12", secrets, 1, false, &runs), "key sk-12");
    ck_assert_str_eq(redact("key sk-1234567", secrets, 1, true, &runs), "key ***");
    ck_assert_str_eq(redact("risk", secrets, 1, true, &runs), "ri***"); /* "sk" starts it */
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("text");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, streq_treats_null_as_a_value);
    tcase_add_test(tc, decode_reads_code_points_and_replaces_bad_bytes);
    tcase_add_test(tc, repair_returns_valid_text_unchanged_and_fixes_the_rest);
    tcase_add_test(tc, trim_partial_never_splits_a_character);
    tcase_add_test(tc, text_eq_compares_a_counted_text_with_a_word);
    tcase_add_test(tc, ascii_classes_ignore_everything_else);
    tcase_add_test(tc, encode_writes_each_length_of_sequence);
    tcase_add_test(tc, quote_cuts_between_characters_and_says_so);
    tcase_add_test(tc, vformat_never_ends_inside_a_character);
    tcase_add_test(tc, position_counts_lines_and_characters);
    tcase_add_test(tc, redact_replaces_every_occurrence_of_each_secret);
    tcase_add_test(tc, redact_leaves_no_part_of_overlapping_secrets);
    tcase_add_test(tc, redact_of_a_cut_text_also_hides_the_start_of_a_secret_at_its_end);
    suite_add_tcase(s, tc);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
