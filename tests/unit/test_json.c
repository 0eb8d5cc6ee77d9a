#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "base/arena.h"
#include "base/json.h"
#include "tests/unit/check_main.h"

static struct ordo_arena *arena; /* fresh per test: the checked fixture runs in the child */
static struct ordo_err err;

static void setup(void)
{
    arena = ordo_arena_new();
    ordo_err_clear(&err);
}

static void teardown(void)
{
    ordo_arena_free(arena);
}

/* Parse a C string with 'lim'; the result is released with the arena. */
static enum ordo_code parse(const char *text, const struct ordo_json_limits *lim, json_t **out)
{
    enum ordo_code rc = ordo_json_parse(text, strlen(text), lim, out, &err);

    if (rc == ORDO_OK) {
        ordo_json_defer(arena, *out);
    }
    return rc;
}

/* 'depth' opening brackets, a 1, and the closing brackets. */
static char *nested(size_t depth)
{
    char *s = ordo_arena_alloc(arena, 2 * depth + 2);

    memset(s, '[', depth);
    s[depth] = '1';
    memset(s + depth + 1, ']', depth);
    return s;
}

START_TEST(parses_any_json_value)
{
    json_t *v = NULL;

    ck_assert_int_eq(parse("{\"a\":[1,2,{\"b\":null}],\"c\":\"\xc3\xa9\"}", NULL, &v), ORDO_OK);
    ck_assert(json_is_object(v));
    ck_assert_int_eq(json_array_size(json_object_get(v, "a")), 3);
    ck_assert_int_eq(parse("42", NULL, &v), ORDO_OK);
    ck_assert(json_is_integer(v));
    ck_assert_int_eq(parse(" \"s\" ", NULL, &v), ORDO_OK);
    ck_assert_str_eq(json_string_value(v), "s");
}
END_TEST

START_TEST(input_needs_no_terminator)
{
    json_t *v = NULL;

    ck_assert_int_eq(ordo_json_parse("[1]garbage", 3, NULL, &v, &err), ORDO_OK);
    ck_assert_int_eq(json_array_size(v), 1);
    json_decref(v);
}
END_TEST

START_TEST(document_over_max_bytes_is_too_big)
{
    struct ordo_json_limits lim = {.max_bytes = 10};
    size_t big = ORDO_JSON_DEFAULT_MAX_BYTES + 1;
    char *text = ordo_arena_alloc(arena, big + 1);
    json_t *v = NULL;

    ck_assert_int_eq(parse("[1,2,3,4,5]", &lim, &v), ORDO_E_TOOBIG);
    ck_assert_str_eq(err.msg, "JSON document of 11 bytes exceeds the limit of 10");
    ck_assert_ptr_null(v);
    ck_assert_int_eq(parse("[1,2,3,44]", &lim, &v), ORDO_OK); /* exactly the limit */

    memset(text, ' ', big); /* NULL limits: the 1 MiB default */
    text[0] = '1';
    ordo_err_clear(&err);
    ck_assert_int_eq(parse(text, NULL, &v), ORDO_E_TOOBIG);
    text[big - 1] = '\0';
    ck_assert_int_eq(parse(text, NULL, &v), ORDO_OK);
}
END_TEST

START_TEST(depth_at_limit_passes_and_one_more_fails)
{
    struct ordo_json_limits lim = {.max_depth = 3};
    json_t *v = NULL;

    ck_assert_int_eq(parse("[{\"a\":[1]}]", &lim, &v), ORDO_OK);
    ck_assert_int_eq(parse("[{\"a\":[{}]}]", &lim, &v), ORDO_E_INVAL);
    ck_assert_str_eq(err.msg, "invalid JSON: nested deeper than 3 levels at byte 7");

    ck_assert_int_eq(parse(nested(ORDO_JSON_DEFAULT_MAX_DEPTH), NULL, &v), ORDO_OK);
    ordo_err_clear(&err);
    ck_assert_int_eq(parse(nested(ORDO_JSON_DEFAULT_MAX_DEPTH + 1), NULL, &v), ORDO_E_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "nested deeper than 64 levels"));
}
END_TEST

START_TEST(brackets_inside_strings_do_not_count)
{
    struct ordo_json_limits lim = {.max_depth = 2};
    json_t *v = NULL;

    ck_assert_int_eq(parse("[\"[[[[{{{{\", \"\\\"[[[[\", {\"[[\": 1}]", &lim, &v), ORDO_OK);
    /* An escaped backslash ends before the quote: the string closes, and the
     * brackets after it count again. */
    ck_assert_int_eq(parse("[\"\\\\\", [[1]]]", &lim, &v), ORDO_E_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "nested deeper than 2 levels"));
}
END_TEST

START_TEST(megabyte_of_brackets_is_refused_before_parsing)
{
    size_t n = ORDO_JSON_DEFAULT_MAX_BYTES;
    char *text = ordo_arena_alloc(arena, n);
    json_t *v = NULL;

    memset(text, '[', n);
    ck_assert_int_eq(ordo_json_parse(text, n, NULL, &v, &err), ORDO_E_INVAL);
    ck_assert_str_eq(err.msg, "invalid JSON: nested deeper than 64 levels at byte 64");
    ck_assert_ptr_null(v);
}
END_TEST

START_TEST(syntax_error_names_line_and_column)
{
    json_t *v = NULL;

    ck_assert_int_eq(parse("{\n  \"a\": 1,\n  \"b\": }", NULL, &v), ORDO_E_INVAL);
    ck_assert_msg(strncmp(err.msg, "invalid JSON at line 3, column 8: ", 34) == 0, "%s", err.msg);
    ck_assert_ptr_null(v);
}
END_TEST

START_TEST(malformed_documents_are_invalid)
{
    static const char *const bad[] = {
        "{\"a\":1,\"a\":2}", /* duplicate key */
        "[\"a\\u0000b\"]",   /* NUL in a string */
        "[\"\xff\"]",        /* not UTF-8 */
        "{} x",              /* trailing garbage */
        "",                  /* empty */
        "[1,]",              /* trailing comma */
        "[1",                /* unbalanced: the pre-scan leaves it to jansson */
        "]]]",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        json_t *v = NULL;

        ordo_err_clear(&err);
        ck_assert_msg(parse(bad[i], NULL, &v) == ORDO_E_INVAL, "accepted %s", bad[i]);
        ck_assert_msg(strncmp(err.msg, "invalid JSON at line ", 21) == 0, "%s", err.msg);
        ck_assert_ptr_null(v);
    }
    ordo_err_clear(&err);
    ck_assert_int_eq(parse("{\"a\":1,\"a\":2}", NULL, &(json_t *){NULL}), ORDO_E_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "duplicate"));
}
END_TEST

START_TEST(defer_drops_the_reference_with_the_arena)
{
    json_t *obj = json_object();

    json_incref(obj); /* keep one reference to observe the arena's */
    ck_assert_ptr_eq(ordo_json_defer(arena, obj), obj);
    ck_assert_ptr_null(ordo_json_defer(arena, NULL));
    ck_assert_uint_eq(obj->refcount, 2);
    ordo_arena_reset(arena);
    ck_assert_uint_eq(obj->refcount, 1);
    json_decref(obj);
}
END_TEST

START_TEST(dump_writes_into_the_arena)
{
    json_t *obj = ordo_json_defer(arena, json_pack("{s:i,s:[b,n]}", "b", 1, "a", 1));

    ck_assert_str_eq(ordo_json_dump(arena, obj, JSON_COMPACT | JSON_SORT_KEYS),
                     "{\"a\":[true,null],\"b\":1}");
    ck_assert_str_eq(ordo_json_dump(arena, json_object_get(obj, "b"), 0), "1");
    ck_assert_str_eq(ordo_json_dump(arena, json_object_get(obj, "a"), JSON_COMPACT), "[true,null]");
    ck_assert_ptr_null(ordo_json_dump(arena, NULL, 0));
}
END_TEST

START_TEST(getters_read_typed_fields)
{
    json_t *obj = NULL;
    const char *s = NULL;
    json_int_t i = 0;
    bool b = false;
    json_t *o = NULL;
    json_t *a = NULL;

    ck_assert_int_eq(parse("{\"name\":\"n\",\"n\":7,\"f\":true,\"o\":{},\"a\":[]}", NULL, &obj),
                     ORDO_OK);
    ck_assert_int_eq(ordo_json_get_string(obj, "name", &s, &err), ORDO_OK);
    ck_assert_str_eq(s, "n");
    ck_assert_int_eq(ordo_json_get_int(obj, "n", &i, &err), ORDO_OK);
    ck_assert_int_eq(i, 7);
    ck_assert_int_eq(ordo_json_get_bool(obj, "f", &b, &err), ORDO_OK);
    ck_assert(b);
    ck_assert_int_eq(ordo_json_get_object(obj, "o", &o, &err), ORDO_OK);
    ck_assert(json_is_object(o));
    ck_assert_int_eq(ordo_json_get_array(obj, "a", &a, &err), ORDO_OK);
    ck_assert(json_is_array(a));
}
END_TEST

static const char *getter_error(enum ordo_code rc)
{
    ck_assert_int_eq(rc, ORDO_E_UNPROCESSABLE);
    ck_assert_int_eq(err.code, ORDO_E_UNPROCESSABLE);
    return err.msg;
}

/* Run one getter call that must fail and give its message. */
#define GETTER_ERROR(call) (ordo_err_clear(&err), getter_error(call))

START_TEST(getters_explain_missing_and_mistyped_fields)
{
    json_t *obj = NULL;
    json_t *arr = NULL;
    const char *s = "untouched";
    json_int_t i = 5;
    bool b = true;
    json_t *j = NULL;

    ck_assert_int_eq(parse("{\"n\":7,\"x\":1.5,\"z\":null,\"t\":\"true\"}", NULL, &obj), ORDO_OK);
    ck_assert_int_eq(parse("[]", NULL, &arr), ORDO_OK);
    ck_assert_str_eq(GETTER_ERROR(ordo_json_get_string(obj, "name", &s, &err)),
                     "field \"name\" is required");
    ck_assert_str_eq(GETTER_ERROR(ordo_json_get_string(obj, "n", &s, &err)),
                     "field \"n\" must be a string, not an integer");
    ck_assert_str_eq(GETTER_ERROR(ordo_json_get_string(obj, "z", &s, &err)),
                     "field \"z\" must be a string, not null");
    ck_assert_str_eq(GETTER_ERROR(ordo_json_get_int(obj, "x", &i, &err)),
                     "field \"x\" must be an integer, not a number");
    ck_assert_str_eq(GETTER_ERROR(ordo_json_get_bool(obj, "t", &b, &err)),
                     "field \"t\" must be a boolean, not a string");
    ck_assert_str_eq(GETTER_ERROR(ordo_json_get_object(obj, "n", &j, &err)),
                     "field \"n\" must be an object, not an integer");
    ck_assert_str_eq(GETTER_ERROR(ordo_json_get_array(obj, "t", &j, &err)),
                     "field \"t\" must be an array, not a string");
    ck_assert_str_eq(GETTER_ERROR(ordo_json_get_int(arr, "n", &i, &err)),
                     "expected a JSON object, not an array");
    ck_assert_str_eq(GETTER_ERROR(ordo_json_get_int(NULL, "n", &i, &err)),
                     "expected a JSON object, not nothing");
    ck_assert_str_eq(s, "untouched");
    ck_assert_int_eq(i, 5);
    ck_assert(b);
    ck_assert_ptr_null(j);
}
END_TEST

START_TEST(optional_getters_keep_the_default)
{
    json_t *obj = NULL;
    const char *s = "default";
    json_int_t i = 5;
    bool b = true;

    ck_assert_int_eq(parse("{\"z\":null,\"n\":\"7\",\"s\":\"v\"}", NULL, &obj), ORDO_OK);
    ck_assert_int_eq(ordo_json_opt_string(obj, "missing", &s, &err), ORDO_OK);
    ck_assert_int_eq(ordo_json_opt_string(obj, "z", &s, &err), ORDO_OK);
    ck_assert_str_eq(s, "default");
    ck_assert_int_eq(ordo_json_opt_int(obj, "z", &i, &err), ORDO_OK);
    ck_assert_int_eq(ordo_json_opt_bool(obj, "missing", &b, &err), ORDO_OK);
    ck_assert_int_eq(i, 5);
    ck_assert(b);
    ck_assert_int_eq(ordo_json_opt_string(obj, "s", &s, &err), ORDO_OK);
    ck_assert_str_eq(s, "v");
    ck_assert_int_eq(err.code, ORDO_OK);
    ck_assert_int_eq(ordo_json_opt_int(obj, "n", &i, &err), ORDO_E_UNPROCESSABLE);
    ck_assert_str_eq(err.msg, "field \"n\" must be an integer, not a string");
    ck_assert_int_eq(i, 5);
    ordo_err_clear(&err);
    ck_assert_int_eq(ordo_json_opt_bool(obj, "s", &b, &err), ORDO_E_UNPROCESSABLE);
    ck_assert_str_eq(err.msg, "field \"s\" must be a boolean, not a string");
}
END_TEST

START_TEST(type_names_read_as_prose)
{
    json_t *t = json_true();
    json_t *r = json_real(1.5);

    ck_assert_str_eq(ordo_json_type_name(t), "a boolean");
    ck_assert_str_eq(ordo_json_type_name(r), "a number");
    ck_assert_str_eq(ordo_json_type_name(json_null()), "null");
    ck_assert_str_eq(ordo_json_type_name(NULL), "nothing");
    json_decref(r);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("json");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, parses_any_json_value);
    tcase_add_test(tc, input_needs_no_terminator);
    tcase_add_test(tc, document_over_max_bytes_is_too_big);
    tcase_add_test(tc, depth_at_limit_passes_and_one_more_fails);
    tcase_add_test(tc, brackets_inside_strings_do_not_count);
    tcase_add_test(tc, megabyte_of_brackets_is_refused_before_parsing);
    tcase_add_test(tc, syntax_error_names_line_and_column);
    tcase_add_test(tc, malformed_documents_are_invalid);
    tcase_add_test(tc, defer_drops_the_reference_with_the_arena);
    tcase_add_test(tc, dump_writes_into_the_arena);
    tcase_add_test(tc, getters_read_typed_fields);
    tcase_add_test(tc, getters_explain_missing_and_mistyped_fields);
    tcase_add_test(tc, optional_getters_keep_the_default);
    tcase_add_test(tc, type_names_read_as_prose);
    suite_add_tcase(s, tc);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
