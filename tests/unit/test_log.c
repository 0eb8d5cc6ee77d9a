#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "base/buf.h"
#include "base/log.h"
#include "tests/unit/check_main.h"

#define TS_2026 INT64_C(1795636582123) /* 2026-11-25T19:56:22.123Z */

static FILE *sink;
static struct ordo_buf line; /* formatted by format() */

static void setup(void)
{
    sink = tmpfile();
    ck_assert_ptr_nonnull(sink);
    ordo_log_set_sink(sink);
    ordo_log_set_format(ORDO_LOG_FORMAT_JSON);
    ordo_log_threshold = ORDO_LOG_INFO;
    ordo_buf_init(&line);
}

static void teardown(void)
{
    ordo_log_set_sink(NULL);
    (void)fclose(sink);
    ordo_buf_cleanup(&line);
}

/* Everything written to the sink so far; free() it. */
static char *sink_text(void)
{
    long size;
    char *text;

    ck_assert_int_eq(fflush(sink), 0);
    size = ftell(sink);
    ck_assert_int_ge(size, 0);
    text = calloc(1, (size_t)size + 1);
    rewind(sink);
    ck_assert_uint_eq(fread(text, 1, (size_t)size, sink), (size_t)size);
    return text;
}

static const char *format(enum ordo_log_format fmt, const char *msg,
                          const struct ordo_log_field *const *fields)
{
    ordo_buf_reset(&line);
    ordo_log_format_line(&line, fmt, TS_2026, ORDO_LOG_INFO, "engine", msg, fields);
    return ordo_buf_cstr(&line);
}

/* Parse one JSON line strictly; the caller json_decref()s. */
static json_t *parse_line(const char *text)
{
    json_error_t jerr;
    json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);

    ck_assert_msg(root != NULL, "not JSON (%s): %s", jerr.text, text);
    ck_assert(json_is_object(root));
    return root;
}

START_TEST(json_line_has_record_members_in_order)
{
    const struct ordo_log_field *fields[] = {ORDO_STR("instance_id", "42"), ORDO_INT("step", 3),
                                             NULL};

    ck_assert_str_eq(
        format(ORDO_LOG_FORMAT_JSON, "instance started", fields),
        "{\"ts\":\"2026-11-25T19:56:22.123Z\",\"level\":\"info\",\"component\":"
        "\"engine\",\"msg\":\"instance started\",\"instance_id\":\"42\",\"step\":3}\n");
}
END_TEST

START_TEST(fields_keep_their_json_types)
{
    const struct ordo_log_field *fields[] = {
        ORDO_STR("s", "v"),     ORDO_INT("i", -9007199254740993), ORDO_DBL("d", 12.5),
        ORDO_BOOL("yes", true), ORDO_BOOL("no", false),           ORDO_STR("none", NULL),
        ORDO_DBL("nan", NAN),   ORDO_DBL("inf", INFINITY),        NULL};
    json_t *root = parse_line(format(ORDO_LOG_FORMAT_JSON, "m", fields));

    ck_assert_str_eq(json_string_value(json_object_get(root, "s")), "v");
    ck_assert(json_integer_value(json_object_get(root, "i")) == INT64_C(-9007199254740993));
    ck_assert(json_real_value(json_object_get(root, "d")) == 12.5);
    ck_assert(json_is_true(json_object_get(root, "yes")));
    ck_assert(json_is_false(json_object_get(root, "no")));
    ck_assert(json_is_null(json_object_get(root, "none")));
    /* JSON has no NaN or infinity: those become null instead of breaking the line. */
    ck_assert(json_is_null(json_object_get(root, "nan")));
    ck_assert(json_is_null(json_object_get(root, "inf")));
    json_decref(root);
}
END_TEST

START_TEST(strings_are_escaped)
{
    const struct ordo_log_field *fields[] = {ORDO_STR("v", "q\"b\\n\nt\tc\x01"
                                                           "d\x7f"),
                                             NULL};
    const char *text = format(ORDO_LOG_FORMAT_JSON, "say \"hi\"\r\n", fields);
    json_t *root = parse_line(text);

    ck_assert_ptr_nonnull(strstr(text, "\"msg\":\"say \\\"hi\\\"\\r\\n\""));
    ck_assert_ptr_nonnull(strstr(text, "\"v\":\"q\\\"b\\\\n\\nt\\tc\\u0001d\\u007f\""));
    ck_assert_str_eq(json_string_value(json_object_get(root, "v")), "q\"b\\n\nt\tc\x01"
                                                                    "d\x7f");
    /* The only raw newline is the one that ends the line. */
    ck_assert_ptr_eq(strchr(text, '\n'), text + strlen(text) - 1);
    json_decref(root);
}
END_TEST

START_TEST(invalid_utf8_becomes_replacement_char)
{
    static const struct {
        const char *in;
        const char *out;
    } cases[] = {
        {"a\xff"
         "b",
         "a\xEF\xBF\xBD"
         "b"},                                                    /* never valid */
        {"\xc0\xaf", "\xEF\xBF\xBD\xEF\xBF\xBD"},                 /* overlong '/' */
        {"\xed\xa0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"}, /* surrogate */
        {"\xe2\x82"
         "x",
         "\xEF\xBF\xBD"
         "x"}, /* cut short: one U+FFFD */
        {"\xf4\x90\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"}, /* > U+10FFFF */
        {"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
         "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"}, /* valid */
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct ordo_log_field *fields[] = {ORDO_STR("v", cases[i].in), NULL};
        json_t *root = parse_line(format(ORDO_LOG_FORMAT_JSON, "m", fields));

        ck_assert_msg(strcmp(json_string_value(json_object_get(root, "v")), cases[i].out) == 0,
                      "case %zu", i);
        json_decref(root);
    }
}
END_TEST

START_TEST(secret_fields_are_redacted)
{
    const struct ordo_log_field *fields[] = {ORDO_STR("admin_key", "hunter2-a"),
                                             ORDO_STR("Authorization", "Bearer hunter2-b"),
                                             ORDO_STR("api_TOKEN", "hunter2-c"),
                                             ORDO_STR("db_password", "hunter2-d"),
                                             ORDO_STR("client_secret", "hunter2-e"),
                                             ORDO_STR("Cookie", "hunter2-f"),
                                             ORDO_INT("pin_key", 1234),
                                             ORDO_STR("instance_id", "visible"),
                                             NULL};
    const char *text = format(ORDO_LOG_FORMAT_JSON, "m", fields);
    json_t *root = parse_line(text);

    ck_assert_ptr_null(strstr(text, "hunter2"));
    ck_assert_ptr_null(strstr(text, "1234"));
    ck_assert_str_eq(json_string_value(json_object_get(root, "admin_key")), "[redacted]");
    ck_assert_str_eq(json_string_value(json_object_get(root, "Authorization")), "[redacted]");
    ck_assert_str_eq(json_string_value(json_object_get(root, "pin_key")), "[redacted]");
    ck_assert_str_eq(json_string_value(json_object_get(root, "instance_id")), "visible");
    json_decref(root);

    text = format(ORDO_LOG_FORMAT_TEXT, "m", fields);
    ck_assert_ptr_null(strstr(text, "hunter2"));
    ck_assert_ptr_nonnull(strstr(text, " admin_key=[redacted]"));
}
END_TEST

START_TEST(secret_key_names_are_matched_in_any_case)
{
    ck_assert(ordo_log_key_is_secret("X-API-KEY"));
    ck_assert(ordo_log_key_is_secret("refreshToken"));
    ck_assert(ordo_log_key_is_secret("PASSWD"));
    ck_assert(!ordo_log_key_is_secret("instance_id"));
    ck_assert(!ordo_log_key_is_secret("duration_ms"));
    ck_assert(!ordo_log_key_is_secret(NULL));
}
END_TEST

START_TEST(reserved_field_names_get_an_underscore)
{
    const struct ordo_log_field *fields[] = {ORDO_STR("msg", "x"), ORDO_STR("ts", "y"), NULL};
    json_t *root = parse_line(format(ORDO_LOG_FORMAT_JSON, "real", fields));

    ck_assert_str_eq(json_string_value(json_object_get(root, "msg")), "real");
    ck_assert_str_eq(json_string_value(json_object_get(root, "_msg")), "x");
    ck_assert_str_eq(json_string_value(json_object_get(root, "_ts")), "y");
    json_decref(root);
}
END_TEST

START_TEST(long_values_are_cut_on_a_character_boundary)
{
    size_t n = 3000; /* 3000 x "é" = 6000 bytes, over ORDO_LOG_VALUE_MAX */
    char *big = malloc(2 * n + 1);
    const char *v;
    json_t *root;

    for (size_t i = 0; i < n; i++) {
        memcpy(big + 2 * i, "\xc3\xa9", 2);
    }
    big[2 * n] = '\0';
    {
        const struct ordo_log_field *fields[] = {ORDO_STR("v", big), NULL};

        root = parse_line(format(ORDO_LOG_FORMAT_JSON, "m", fields)); /* still valid UTF-8 */
    }
    v = json_string_value(json_object_get(root, "v"));
    ck_assert_uint_eq(strlen(v), ORDO_LOG_VALUE_MAX + 3);
    ck_assert_str_eq(v + strlen(v) - 5, "\xc3\xa9...");
    json_decref(root);
    free(big);
}
END_TEST

START_TEST(excess_fields_are_dropped)
{
    json_t *root;
    char *text;

    ordo_log(ORDO_LOG_INFO, "t", "many", ORDO_INT("f00", 0), ORDO_INT("f01", 1), ORDO_INT("f02", 2),
             ORDO_INT("f03", 3), ORDO_INT("f04", 4), ORDO_INT("f05", 5), ORDO_INT("f06", 6),
             ORDO_INT("f07", 7), ORDO_INT("f08", 8), ORDO_INT("f09", 9), ORDO_INT("f10", 10),
             ORDO_INT("f11", 11), ORDO_INT("f12", 12), ORDO_INT("f13", 13), ORDO_INT("f14", 14),
             ORDO_INT("f15", 15), ORDO_INT("f16", 16), ORDO_INT("f17", 17), ORDO_INT("f18", 18),
             ORDO_INT("f19", 19), ORDO_INT("f20", 20), ORDO_INT("f21", 21), ORDO_INT("f22", 22),
             ORDO_INT("f23", 23), ORDO_INT("f24", 24), ORDO_INT("f25", 25), ORDO_INT("f26", 26),
             ORDO_INT("f27", 27), ORDO_INT("f28", 28), ORDO_INT("f29", 29), ORDO_INT("f30", 30),
             ORDO_INT("f31", 31), ORDO_INT("f32", 32), ORDO_INT("f33", 33));
    text = sink_text();
    root = parse_line(text);
    ck_assert_uint_eq(json_object_size(root), 4 + ORDO_LOG_MAX_FIELDS);
    ck_assert_ptr_nonnull(json_object_get(root, "f31"));
    ck_assert_ptr_null(json_object_get(root, "f32"));
    json_decref(root);
    free(text);
}
END_TEST

START_TEST(text_format_is_one_readable_line)
{
    const struct ordo_log_field *fields[] = {
        ORDO_STR("instance_id", "abc"), ORDO_STR("note", "two words"),
        ORDO_STR("empty", ""),          ORDO_INT("n", 3),
        ORDO_BOOL("ok", true),          NULL};

    ck_assert_str_eq(format(ORDO_LOG_FORMAT_TEXT, "instance started", fields),
                     "2026-11-25T19:56:22.123Z INFO  engine: instance started instance_id=abc "
                     "note=\"two words\" empty=\"\" n=3 ok=true\n");
}
END_TEST

START_TEST(text_format_cannot_forge_a_line)
{
    const struct ordo_log_field *fields[] = {
        ORDO_STR("user", "x\n2026-01-01T00:00:00.000Z ERROR fake: injected"), NULL};
    const char *text = format(ORDO_LOG_FORMAT_TEXT, "line\none", fields);

    ck_assert_ptr_eq(strchr(text, '\n'), text + strlen(text) - 1);
    ck_assert_ptr_nonnull(strstr(text, "engine: line\\none user=\"x\\n2026"));
}
END_TEST

START_TEST(timestamps_are_rfc3339_utc_with_milliseconds)
{
    char ts[ORDO_LOG_TS_SIZE];

    ordo_log_format_ts(ts, 0);
    ck_assert_str_eq(ts, "1970-01-01T00:00:00.000Z");
    ordo_log_format_ts(ts, INT64_C(951868799007));
    ck_assert_str_eq(ts, "2000-02-29T23:59:59.007Z");
    ordo_log_format_ts(ts, -1);
    ck_assert_str_eq(ts, "1969-12-31T23:59:59.999Z");
}
END_TEST

START_TEST(emit_writes_one_line_with_current_time)
{
    char *text;
    json_t *root;
    const char *ts;

    ordo_log(ORDO_LOG_WARN, "http", "listener restarted"); /* zero fields */
    text = sink_text();
    ck_assert_ptr_eq(strchr(text, '\n'), text + strlen(text) - 1);
    root = parse_line(text);
    ck_assert_str_eq(json_string_value(json_object_get(root, "level")), "warn");
    ck_assert_str_eq(json_string_value(json_object_get(root, "component")), "http");
    ck_assert_str_eq(json_string_value(json_object_get(root, "msg")), "listener restarted");
    ts = json_string_value(json_object_get(root, "ts"));
    ck_assert_uint_eq(strlen(ts), 24);
    ck_assert_msg(strncmp(ts, "2025", 4) >= 0 && ts[10] == 'T' && ts[19] == '.' && ts[23] == 'Z',
                  "bad ts %s", ts);
    json_decref(root);
    free(text);
}
END_TEST

static int evaluations;

static int64_t count_evaluation(void)
{
    return ++evaluations;
}

START_TEST(filtered_calls_do_not_evaluate_arguments)
{
    char *text;

    evaluations = 0;
    ordo_log_threshold = ORDO_LOG_WARN;
    ordo_log(ORDO_LOG_INFO, "t", "dropped", ORDO_INT("n", count_evaluation()));
    ck_assert_int_eq(evaluations, 0);
    ordo_log(ORDO_LOG_ERROR, "t", "kept", ORDO_INT("n", count_evaluation()));
    ck_assert_int_eq(evaluations, 1);
    text = sink_text();
    ck_assert_ptr_null(strstr(text, "dropped"));
    ck_assert_ptr_nonnull(strstr(text, "\"msg\":\"kept\",\"n\":1}"));
    free(text);
}
END_TEST

START_TEST(direct_calls_below_threshold_write_nothing)
{
    const struct ordo_log_field *fields[] = {ORDO_INT("n", 1), NULL};
    char *text;

    ordo_log_threshold = ORDO_LOG_ERROR;
    ordo_log_emit(ORDO_LOG_WARN, "t", "no", (const struct ordo_log_field *)NULL);
    ordo_log_write(ORDO_LOG_INFO, "t", "no", fields);
    ordo_log_write(ORDO_LOG_FATAL, "t", "yes", NULL);
    text = sink_text();
    ck_assert_ptr_null(strstr(text, "\"no\""));
    ck_assert_ptr_nonnull(strstr(text, "\"level\":\"fatal\""));
    free(text);
}
END_TEST

START_TEST(text_format_applies_to_the_sink)
{
    char *text;

    ordo_log_set_format(ORDO_LOG_FORMAT_TEXT);
    ordo_log(ORDO_LOG_ERROR, "store", "query failed", ORDO_INT("attempt", 2));
    text = sink_text();
    ck_assert_ptr_nonnull(strstr(text, "Z ERROR store: query failed attempt=2\n"));
    ck_assert_int_ne(text[0], '{');
    free(text);
}
END_TEST

START_TEST(level_names_parse_in_any_case)
{
    enum ordo_log_level lvl = ORDO_LOG_DEBUG;
    struct ordo_err err = {0};

    ck_assert_int_eq(ordo_log_level_parse("warn", &lvl, NULL), ORDO_OK);
    ck_assert_int_eq(lvl, ORDO_LOG_WARN);
    ck_assert_int_eq(ordo_log_level_parse("FATAL", &lvl, NULL), ORDO_OK);
    ck_assert_int_eq(lvl, ORDO_LOG_FATAL);
    ck_assert_int_eq(ordo_log_level_parse("verbose", &lvl, &err), ORDO_E_INVAL);
    ck_assert_int_eq(lvl, ORDO_LOG_FATAL); /* untouched on error */
    ck_assert_str_eq(err.msg,
                     "unknown log level \"verbose\" (expected debug, info, warn, error or fatal)");
    ck_assert_int_eq(ordo_log_level_parse("", &lvl, NULL), ORDO_E_INVAL);
    ck_assert_int_eq(ordo_log_level_parse("warning", &lvl, NULL), ORDO_E_INVAL);
    ck_assert_int_eq(ordo_log_level_parse(NULL, &lvl, NULL), ORDO_E_INVAL);
    ck_assert_str_eq(ordo_log_level_name(ORDO_LOG_ERROR), "error");
    ck_assert_str_eq(ordo_log_level_name((enum ordo_log_level)42), "unknown");
}
END_TEST

START_TEST(format_names_parse)
{
    enum ordo_log_format fmt = ORDO_LOG_FORMAT_JSON;
    struct ordo_err err = {0};

    ck_assert_int_eq(ordo_log_format_parse("Text", &fmt, NULL), ORDO_OK);
    ck_assert_int_eq(fmt, ORDO_LOG_FORMAT_TEXT);
    ck_assert_int_eq(ordo_log_format_parse("json", &fmt, NULL), ORDO_OK);
    ck_assert_int_eq(fmt, ORDO_LOG_FORMAT_JSON);
    ck_assert_int_eq(ordo_log_format_parse("yaml", &fmt, &err), ORDO_E_INVAL);
    ck_assert_str_eq(err.msg, "unknown log format \"yaml\" (expected json or text)");
}
END_TEST

#define THREADS          8
#define LINES_PER_THREAD 200

static void *log_many(void *arg)
{
    int thread = *(const int *)arg;
    char value[2000];

    memset(value, 'a' + thread, sizeof(value) - 1);
    value[sizeof(value) - 1] = '\0';
    for (int i = 0; i < LINES_PER_THREAD; i++) {
        ordo_log(ORDO_LOG_INFO, "race", "line", ORDO_INT("thread", thread),
                 ORDO_STR("payload", value));
    }
    return NULL;
}

START_TEST(concurrent_lines_do_not_interleave)
{
    pthread_t threads[THREADS];
    int ids[THREADS];
    char *text;
    char *next;
    int lines = 0;

    for (int t = 0; t < THREADS; t++) {
        ids[t] = t;
        ck_assert_int_eq(pthread_create(&threads[t], NULL, log_many, &ids[t]), 0);
    }
    for (int t = 0; t < THREADS; t++) {
        ck_assert_int_eq(pthread_join(threads[t], NULL), 0);
    }
    text = sink_text();
    for (char *l = text; *l; l = next + 1) {
        json_t *root;

        next = strchr(l, '\n');
        ck_assert_ptr_nonnull(next); /* every line is complete */
        *next = '\0';
        root = parse_line(l);
        int64_t t = json_integer_value(json_object_get(root, "thread"));
        const char *payload = json_string_value(json_object_get(root, "payload"));

        ck_assert_uint_eq(strlen(payload), 1999);
        ck_assert_int_eq(payload[0], 'a' + (int)t);
        ck_assert_int_eq(payload[1998], 'a' + (int)t);
        json_decref(root);
        lines++;
    }
    ck_assert_int_eq(lines, (intmax_t)THREADS * LINES_PER_THREAD);
    free(text);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("log");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, json_line_has_record_members_in_order);
    tcase_add_test(tc, fields_keep_their_json_types);
    tcase_add_test(tc, strings_are_escaped);
    tcase_add_test(tc, invalid_utf8_becomes_replacement_char);
    tcase_add_test(tc, secret_fields_are_redacted);
    tcase_add_test(tc, secret_key_names_are_matched_in_any_case);
    tcase_add_test(tc, reserved_field_names_get_an_underscore);
    tcase_add_test(tc, long_values_are_cut_on_a_character_boundary);
    tcase_add_test(tc, excess_fields_are_dropped);
    tcase_add_test(tc, text_format_is_one_readable_line);
    tcase_add_test(tc, text_format_cannot_forge_a_line);
    tcase_add_test(tc, timestamps_are_rfc3339_utc_with_milliseconds);
    tcase_add_test(tc, emit_writes_one_line_with_current_time);
    tcase_add_test(tc, filtered_calls_do_not_evaluate_arguments);
    tcase_add_test(tc, direct_calls_below_threshold_write_nothing);
    tcase_add_test(tc, text_format_applies_to_the_sink);
    tcase_add_test(tc, level_names_parse_in_any_case);
    tcase_add_test(tc, format_names_parse);
    tcase_add_test(tc, concurrent_lines_do_not_interleave);
    suite_add_tcase(s, tc);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
