#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "base/arena.h"
#include "base/json.h"
#include "base/schema.h"
#include "tests/unit/check_main.h"

static struct ordo_arena *arena; /* fresh per test: the checked fixture runs in the child */
static struct ordo_schema *schema;
static struct ordo_err err;

static void setup(void)
{
    arena = ordo_arena_new();
    schema = NULL;
    ordo_err_clear(&err);
}

static void teardown(void)
{
    ordo_schema_free(schema);
    ordo_arena_free(arena);
}

/* JSON written with single quotes for readability; released with the arena. */
static json_t *js(const char *text)
{
    char *s = ordo_arena_strdup(arena, text);
    json_t *v = NULL;

    for (char *p = s; *p; p++) {
        if (*p == '\'') {
            *p = '"';
        }
    }
    ck_assert_int_eq(ordo_json_parse(s, strlen(s), NULL, &v, &err), ORDO_OK);
    return ordo_json_defer(arena, v);
}

/* Load 'text' into 'schema' (replacing any earlier one); clears 'err' first. */
static enum ordo_code load(const char *text)
{
    ordo_schema_free(schema);
    schema = NULL;
    ordo_err_clear(&err);
    return ordo_schema_load(js(text), &schema, &err);
}

static void assert_refused(const char *text, const char *msg)
{
    ck_assert_int_eq(load(text), ORDO_E_UNPROCESSABLE);
    ck_assert_ptr_null(schema);
    ck_assert_str_eq(err.msg, msg);
}

/* Validate 'value' against 'schema'; clears 'err' first. */
static enum ordo_code check(const char *value)
{
    ordo_err_clear(&err);
    return ordo_schema_validate(schema, js(value), NULL, &err);
}

/* A schema of one property 'v' described by 'prop'. */
static void load_one(const char *prop)
{
    char *text = ordo_arena_printf(arena, "{'properties':{'v':%s}}", prop);

    ck_assert_msg(load(text) == ORDO_OK, "%s: %s", prop, err.msg);
}

/* 'value' for property v: passes (ok) or fails with 'msg'. */
static void assert_value(const char *value, const char *msg)
{
    enum ordo_code rc = check(ordo_arena_printf(arena, "{'v':%s}", value));

    if (!msg) {
        ck_assert_msg(rc == ORDO_OK, "%s: %s", value, err.msg);
        return;
    }
    ck_assert_msg(rc == ORDO_E_UNPROCESSABLE, "%s passed", value);
    ck_assert_str_eq(err.msg, msg);
}

START_TEST(full_subset_loads)
{
    json_t *d;

    ck_assert_int_eq(
        load("{'type':'object','title':'Expense','description':'An expense claim',"
             "'additionalProperties':false,"
             "'properties':{"
             "'amount':{'type':'number','title':'Amount','description':'in EUR','default':1.5},"
             "'count':{'type':'integer','enum':[1,2,3],'default':2},"
             "'ok':{'type':'boolean','default':false},"
             "'color':{'type':'string','enum':['red','green'],'default':'red'},"
             "'due':{'type':'string','format':'date','default':'2024-02-29'},"
             "'at':{'type':'string','format':'date-time'},"
             "'mail':{'type':'string','format':'email','title':'E-mail'}},"
             "'required':['amount','due']}"),
        ORDO_OK);
    ck_assert_ptr_nonnull(schema);
    d = ordo_json_defer(arena, ordo_schema_defaults(schema));
    ck_assert(
        json_equal(d, js("{'amount':1.5,'count':2,'ok':false,'color':'red','due':'2024-02-29'}")));
    ck_assert_int_eq(load("{}"), ORDO_OK);
    ck_assert_int_eq(json_object_size(ordo_json_defer(arena, ordo_schema_defaults(schema))), 0);
    ck_assert_int_eq(load("{'type':'object','additionalProperties':true,'required':[]}"), ORDO_OK);
}
END_TEST

START_TEST(out_of_subset_keywords_are_refused_with_their_path)
{
    assert_refused("{'properties':{'amount':{'type':'number','minimum':0}}}",
                   "properties.amount.minimum: \"minimum\" is not in Ordo's JSON Schema subset "
                   "(CONTRACTS §11)");
    assert_refused("{'properties':{'n':{'type':'string','pattern':'^a'}}}",
                   "properties.n.pattern: \"pattern\" is not in Ordo's JSON Schema subset "
                   "(CONTRACTS §11)");
    assert_refused("{'properties':{'n':{'$ref':'#/x'}}}",
                   "properties.n.$ref: \"$ref\" is not in Ordo's JSON Schema subset "
                   "(CONTRACTS §11)");
    assert_refused("{'$schema':'x'}",
                   "$schema: \"$schema\" is not in Ordo's JSON Schema subset (CONTRACTS §11)");
    assert_refused("{'type':'object','oneOf':[]}",
                   "oneOf: \"oneOf\" is not in Ordo's JSON Schema subset (CONTRACTS §11)");
    assert_refused("{'properties':{'o':{'type':'object'}}}",
                   "properties.o.type: type \"object\" is not in Ordo's JSON Schema subset "
                   "(CONTRACTS §11)");
    assert_refused("{'properties':{'a':{'type':'array','items':{'type':'string'}}}}",
                   "properties.a.items: \"items\" is not in Ordo's JSON Schema subset "
                   "(CONTRACTS §11)");
    assert_refused("{'properties':{'a':{'type':'array'}}}",
                   "properties.a.type: type \"array\" is not in Ordo's JSON Schema subset "
                   "(CONTRACTS §11)");
    assert_refused("{'properties':{'a':{'type':['string','null']}}}",
                   "properties.a.type: expected a string, got an array");
    assert_refused("{'properties':{'a':{'type':'string','format':'uri'}}}",
                   "properties.a.format: format \"uri\" is not in Ordo's JSON Schema subset "
                   "(CONTRACTS §11)");
    assert_refused("{'additionalProperties':{'type':'string'}}",
                   "additionalProperties: expected a boolean, got an object");
}
END_TEST

START_TEST(malformed_schemas_are_refused)
{
    ck_assert_int_eq(ordo_schema_load(NULL, &schema, &err), ORDO_E_INVAL);
    assert_refused("[]", "schema: expected an object, got an array");
    assert_refused("{'type':'array'}",
                   "type: the top level must be of type \"object\", not \"array\"");
    assert_refused("{'title':3}", "title: expected a string, got an integer");
    assert_refused("{'properties':[]}", "properties: expected an object, got an array");
    assert_refused("{'properties':{'a':'string'}}",
                   "properties.a: expected an object, got a string");
    assert_refused("{'properties':{'a':{'title':'A'}}}", "properties.a: \"type\" is required");
    assert_refused("{'properties':{'a':{'type':'string','description':1}}}",
                   "properties.a.description: expected a string, got an integer");
    assert_refused("{'properties':{'a':{'type':'number','format':'date'}}}",
                   "properties.a.format: \"format\" applies only to type \"string\"");
    assert_refused("{'properties':{'a':{'type':'string','enum':[]}}}",
                   "properties.a.enum: expected 1 to 1000 values, got 0");
    assert_refused("{'properties':{'a':{'type':'string','enum':'x'}}}",
                   "properties.a.enum: expected an array, got a string");
}
END_TEST

START_TEST(defaults_and_enums_must_fit_their_property)
{
    assert_refused("{'properties':{'a':{'type':'integer','default':'3'}}}",
                   "properties.a.default: expected an integer, got a string");
    assert_refused("{'properties':{'a':{'type':'integer','default':3.5}}}",
                   "properties.a.default: expected an integer, got a number");
    assert_refused("{'properties':{'a':{'type':'string','enum':['x','y'],'default':'z'}}}",
                   "properties.a.default: not one of the values of \"enum\"");
    assert_refused("{'properties':{'a':{'type':'string','format':'date','default':'2026-02-30'}}}",
                   "properties.a.default: expected a date in the form YYYY-MM-DD");
    assert_refused("{'properties':{'a':{'type':'string','enum':['x',1]}}}",
                   "properties.a.enum[1]: expected a string, got an integer");
    assert_refused("{'properties':{'a':{'type':'string','enum':['x','y','x']}}}",
                   "properties.a.enum[2]: duplicate of enum[0]");
    assert_refused("{'properties':{'a':{'type':'integer','enum':[3,3.0]}}}",
                   "properties.a.enum[1]: duplicate of enum[0]");
    assert_refused("{'properties':{'a':{'type':'boolean','default':null}}}",
                   "properties.a.default: expected a boolean, got null");
}
END_TEST

START_TEST(required_names_are_unique_declared_strings)
{
    assert_refused("{'properties':{'a':{'type':'string'}},'required':['a','a']}",
                   "required[1]: duplicate name \"a\"");
    assert_refused("{'properties':{'a':{'type':'string'}},'required':['a','b']}",
                   "required[1]: \"b\" is not a declared property");
    assert_refused("{'required':['a']}", "required[0]: \"a\" is not a declared property");
    assert_refused("{'properties':{'a':{'type':'string'}},'required':[1]}",
                   "required[0]: expected a string, got an integer");
    assert_refused("{'required':'a'}", "required: expected an array, got a string");
}
END_TEST

START_TEST(size_limits_are_enforced)
{
    json_t *doc = ordo_json_defer(arena, json_object());
    json_t *props = json_object();
    json_t *values = json_array();
    json_t *a = json_pack("{s:s, s:o}", "type", "integer", "enum", values);

    for (int i = 0; i < 1001; i++) {
        json_array_append_new(values, json_integer(i));
    }
    json_object_set_new(props, "a", a);
    json_object_set_new(doc, "properties", props);
    ck_assert_int_eq(ordo_schema_load(doc, &schema, &err), ORDO_E_UNPROCESSABLE);
    ck_assert_str_eq(err.msg, "properties.a.enum: expected 1 to 1000 values, got 1001");
    ck_assert(json_array_remove(values, 0) == 0);
    ordo_err_clear(&err);
    ck_assert_int_eq(ordo_schema_load(doc, &schema, &err), ORDO_OK);
    ordo_schema_free(schema);
    schema = NULL;
    for (int i = 0; i < 256; i++) {
        json_object_set_new(props, ordo_arena_printf(arena, "p%d", i),
                            json_pack("{s:s}", "type", "string"));
    }
    ck_assert_int_eq(ordo_schema_load(doc, &schema, &err), ORDO_E_UNPROCESSABLE);
    ck_assert_str_eq(err.msg, "properties: 257 properties exceed the limit of 256");
}
END_TEST

START_TEST(types_are_checked)
{
    load_one("{'type':'string'}");
    assert_value("'x'", NULL);
    assert_value("''", NULL);
    assert_value("3", "field \"v\": expected a string, got an integer");
    load_one("{'type':'number'}");
    assert_value("3", NULL);
    assert_value("-3.25", NULL);
    assert_value("'3'", "field \"v\": expected a number, got a string");
    assert_value("true", "field \"v\": expected a number, got a boolean");
    load_one("{'type':'integer'}");
    assert_value("3", NULL);
    assert_value("3.0", NULL);
    assert_value("-1e3", NULL);
    assert_value("3.5", "field \"v\": expected an integer, got a number");
    assert_value("1e300", "field \"v\": expected an integer, got a number");
    assert_value("[3]", "field \"v\": expected an integer, got an array");
    load_one("{'type':'boolean'}");
    assert_value("true", NULL);
    assert_value("false", NULL);
    assert_value("0", "field \"v\": expected a boolean, got an integer");
    assert_value("{}", "field \"v\": expected a boolean, got an object");
}
END_TEST

START_TEST(enum_membership_is_checked)
{
    load_one("{'type':'string','enum':['red','green']}");
    assert_value("'green'", NULL);
    assert_value("'blue'", "field \"v\": not one of the allowed values");
    assert_value("1", "field \"v\": expected a string, got an integer");
    load_one("{'type':'integer','enum':[1,2]}");
    assert_value("2", NULL);
    assert_value("2.0", NULL);
    assert_value("3", "field \"v\": not one of the allowed values");
    load_one("{'type':'number','enum':[1,2.5]}");
    assert_value("2.5", NULL);
    assert_value("1.0", NULL);
    assert_value("2", "field \"v\": not one of the allowed values");
}
END_TEST

START_TEST(date_format_needs_a_calendar_date)
{
    static const char *const msg = "field \"v\": expected a date in the form YYYY-MM-DD";

    load_one("{'type':'string','format':'date'}");
    assert_value("'2026-01-31'", NULL);
    assert_value("'2024-02-29'", NULL);
    assert_value("'2000-02-29'", NULL);
    assert_value("'2026-02-30'", msg);
    assert_value("'2026-02-29'", msg);
    assert_value("'1900-02-29'", msg);
    assert_value("'2026-04-31'", msg);
    assert_value("'2026-13-01'", msg);
    assert_value("'2026-00-10'", msg);
    assert_value("'2026-01-00'", msg);
    assert_value("'2026-1-01'", msg);
    assert_value("'2026-01-01T00:00:00Z'", msg);
    assert_value("'26-01-01'", msg);
    assert_value("'2026/01/01'", msg);
    assert_value("''", msg);
    assert_value("20260101", "field \"v\": expected a string, got an integer");
}
END_TEST

START_TEST(date_time_format_needs_a_zone)
{
    static const char *const msg = "field \"v\": expected an RFC 3339 date-time with a time zone";

    load_one("{'type':'string','format':'date-time'}");
    assert_value("'2026-01-31T10:30:00Z'", NULL);
    assert_value("'2026-01-31t10:30:00z'", NULL);
    assert_value("'2024-02-29T23:59:59.123456+05:30'", NULL);
    assert_value("'2026-01-31T00:00:00-08:00'", NULL);
    assert_value("'2026-01-31T10:30:00'", msg);
    assert_value("'2026-01-31 10:30:00Z'", msg);
    assert_value("'2026-02-30T10:30:00Z'", msg);
    assert_value("'2026-01-31T24:00:00Z'", msg);
    assert_value("'2026-01-31T10:60:00Z'", msg);
    assert_value("'2026-01-31T10:30:60Z'", msg);
    assert_value("'2026-01-31T10:30:00.Z'", msg);
    assert_value("'2026-01-31T10:30:00+0530'", msg);
    assert_value("'2026-01-31T10:30:00+24:00'", msg);
    assert_value("'2026-01-31T10:30:00Zjunk'", msg);
    assert_value("'2026-01-31T10:30Z'", msg);
    assert_value("'2026-01-31'", msg);
}
END_TEST

START_TEST(email_format_is_pragmatic)
{
    static const char *const msg = "field \"v\": expected an email address";
    char *long_mail = ordo_arena_alloc(arena, 300);

    load_one("{'type':'string','format':'email'}");
    assert_value("'ana@example.com'", NULL);
    assert_value("'first.last+tag@mail.example.co.uk'", NULL);
    assert_value("'ana'", msg);
    assert_value("'@example.com'", msg);
    assert_value("'ana@example'", msg);
    assert_value("'ana@@example.com'", msg);
    assert_value("'ana@b@example.com'", msg);
    assert_value("'ana @example.com'", msg);
    assert_value("'ana@.example.com'", msg);
    assert_value("'ana@example.com.'", msg);
    assert_value("'ana@example.'", msg);
    assert_value("'ana@\\texample.com'", msg);
    assert_value("''", msg);
    memset(long_mail, 'a', 250);
    memcpy(long_mail + 250, "@b.cd", 6); /* 255 bytes: one over */
    assert_value(ordo_arena_printf(arena, "'%s'", long_mail), msg);
    assert_value(ordo_arena_printf(arena, "'%s'", long_mail + 1), NULL);
}
END_TEST

START_TEST(required_fields_must_be_present_and_not_null)
{
    ck_assert_int_eq(
        load("{'properties':{'a':{'type':'string'},'b':{'type':'integer'}},'required':['a']}"),
        ORDO_OK);
    ck_assert_int_eq(check("{'a':'x'}"), ORDO_OK);
    ck_assert_int_eq(check("{'a':'x','b':null}"), ORDO_OK); /* optional null is absent */
    ck_assert_int_eq(check("{'b':1}"), ORDO_E_UNPROCESSABLE);
    ck_assert_str_eq(err.msg, "field \"a\" is required");
    ck_assert_int_eq(check("{'a':null}"), ORDO_E_UNPROCESSABLE);
    ck_assert_str_eq(err.msg, "field \"a\" is required");
    ck_assert_int_eq(check("[]"), ORDO_E_UNPROCESSABLE);
    ck_assert_str_eq(err.msg, "expected a JSON object, got an array");
    ordo_err_clear(&err);
    ck_assert_int_eq(ordo_schema_validate(schema, NULL, NULL, &err), ORDO_E_UNPROCESSABLE);
    ck_assert_str_eq(err.msg, "expected a JSON object, got nothing");
}
END_TEST

START_TEST(additional_properties_are_refused_only_when_false)
{
    ck_assert_int_eq(load("{'properties':{'a':{'type':'string'}}}"), ORDO_OK);
    ck_assert_int_eq(check("{'a':'x','extra':[1]}"), ORDO_OK);
    ck_assert_int_eq(load("{'properties':{'a':{'type':'string'}},'additionalProperties':false}"),
                     ORDO_OK);
    ck_assert_int_eq(check("{'a':'x'}"), ORDO_OK);
    ck_assert_int_eq(check("{'a':'x','extra':1}"), ORDO_E_UNPROCESSABLE);
    ck_assert_str_eq(err.msg, "field \"extra\" is not declared by the schema");
    ck_assert_int_eq(load("{'additionalProperties':false}"), ORDO_OK);
    ck_assert_int_eq(check("{}"), ORDO_OK);
    ck_assert_int_eq(check("{'x':1}"), ORDO_E_UNPROCESSABLE);
    ck_assert_str_eq(err.msg, "field \"x\" is not declared by the schema");
}
END_TEST

START_TEST(every_finding_is_collected)
{
    struct ordo_schema_findings f;

    ck_assert_int_eq(load("{'properties':{'a':{'type':'string'},'n':{'type':'integer'},"
                          "'c':{'type':'string','enum':['x']},'d':{'type':'boolean'}},"
                          "'required':['a','d'],'additionalProperties':false}"),
                     ORDO_OK);
    ordo_err_clear(&err);
    ck_assert_int_eq(
        ordo_schema_validate(schema, js("{'n':1.5,'c':'y','zz':0,'d':true}"), &f, &err),
        ORDO_E_UNPROCESSABLE);
    ck_assert_str_eq(err.msg, "field \"a\" is required");
    ck_assert_uint_eq(f.count, 4);
    ck_assert_uint_eq(f.total, 4);
    ck_assert_str_eq(f.items[0].field, "a");
    ck_assert_str_eq(f.items[0].message, "field \"a\" is required");
    ck_assert_str_eq(f.items[1].field, "n");
    ck_assert_str_eq(f.items[1].message, "field \"n\": expected an integer, got a number");
    ck_assert_str_eq(f.items[2].field, "c");
    ck_assert_str_eq(f.items[2].message, "field \"c\": not one of the allowed values");
    ck_assert_str_eq(f.items[3].field, "zz");
    ck_assert_str_eq(f.items[3].message, "field \"zz\" is not declared by the schema");
    ordo_err_clear(&err);
    ck_assert_int_eq(ordo_schema_validate(schema, js("{'a':'x','d':false}"), &f, &err), ORDO_OK);
    ck_assert_uint_eq(f.count, 0);
    ck_assert_int_eq(err.code, ORDO_OK);
}
END_TEST

START_TEST(findings_past_the_cap_are_counted)
{
    struct ordo_schema_findings f;
    json_t *v = ordo_json_defer(arena, json_object());

    ck_assert_int_eq(load("{'additionalProperties':false}"), ORDO_OK);
    for (int i = 0; i < 20; i++) {
        json_object_set_new(v, ordo_arena_printf(arena, "k%d", i), json_true());
    }
    ck_assert_int_eq(ordo_schema_validate(schema, v, &f, NULL), ORDO_E_UNPROCESSABLE);
    ck_assert_uint_eq(f.count, ORDO_SCHEMA_MAX_FINDINGS);
    ck_assert_uint_eq(f.total, 20);
    ck_assert_str_eq(f.items[15].field, "k15");
}
END_TEST

START_TEST(schema_keeps_its_own_copy)
{
    json_t *doc = json_pack("{s:{s:{s:s}}}", "properties", "a", "type", "string");

    ck_assert_int_eq(ordo_schema_load(doc, &schema, &err), ORDO_OK);
    json_decref(doc);
    ck_assert_int_eq(check("{'a':1}"), ORDO_E_UNPROCESSABLE);
    ck_assert_str_eq(err.msg, "field \"a\": expected a string, got an integer");
}
END_TEST

/* Connector inputs may pass whole objects and arrays; forms may not. */
START_TEST(opaque_values_only_with_the_flag)
{
    const char *text = "{'properties':{'blocks':{'type':'array'},'body':{'type':'object'}},"
                       "'required':['blocks']}";

    assert_refused(text, "properties.blocks.type: type \"array\" is not in Ordo's JSON Schema "
                         "subset (CONTRACTS §11)");
    ordo_err_clear(&err);
    ck_assert_int_eq(ordo_schema_load_ex(js(text), ORDO_SCHEMA_OPAQUE, &schema, &err), ORDO_OK);
    ck_assert_int_eq(check("{'blocks':[{'type':'section'}],'body':{'a':[1]}}"), ORDO_OK);
    ck_assert_int_eq(check("{'blocks':{}}"), ORDO_E_UNPROCESSABLE);
    ck_assert_str_eq(err.msg, "field \"blocks\": expected an array, got an object");
    ck_assert_int_eq(check("{'blocks':[],'body':'x'}"), ORDO_E_UNPROCESSABLE);
    ck_assert_str_eq(err.msg, "field \"body\": expected an object, got a string");
}
END_TEST

/* A connector takes only the variables its input declares. */
START_TEST(pick_keeps_declared_members_only)
{
    json_t *picked;

    load_one("{'type':'string'}");
    picked = ordo_json_defer(arena, ordo_schema_pick(schema, js("{'v':'x','other':1}")));
    ck_assert_str_eq(ordo_json_dump(arena, picked, JSON_COMPACT), "{\"v\":\"x\"}");
    picked = ordo_json_defer(arena, ordo_schema_pick(schema, NULL));
    ck_assert_uint_eq(json_object_size(picked), 0);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("schema");
    TCase *load_tc = tcase_create("load");
    TCase *validate_tc = tcase_create("validate");

    tcase_add_checked_fixture(load_tc, setup, teardown);
    tcase_add_test(load_tc, full_subset_loads);
    tcase_add_test(load_tc, out_of_subset_keywords_are_refused_with_their_path);
    tcase_add_test(load_tc, malformed_schemas_are_refused);
    tcase_add_test(load_tc, defaults_and_enums_must_fit_their_property);
    tcase_add_test(load_tc, required_names_are_unique_declared_strings);
    tcase_add_test(load_tc, size_limits_are_enforced);
    tcase_add_test(load_tc, schema_keeps_its_own_copy);
    tcase_add_test(load_tc, opaque_values_only_with_the_flag);
    tcase_add_test(load_tc, pick_keeps_declared_members_only);
    suite_add_tcase(s, load_tc);
    tcase_add_checked_fixture(validate_tc, setup, teardown);
    tcase_add_test(validate_tc, types_are_checked);
    tcase_add_test(validate_tc, enum_membership_is_checked);
    tcase_add_test(validate_tc, date_format_needs_a_calendar_date);
    tcase_add_test(validate_tc, date_time_format_needs_a_zone);
    tcase_add_test(validate_tc, email_format_is_pragmatic);
    tcase_add_test(validate_tc, required_fields_must_be_present_and_not_null);
    tcase_add_test(validate_tc, additional_properties_are_refused_only_when_false);
    tcase_add_test(validate_tc, every_finding_is_collected);
    tcase_add_test(validate_tc, findings_past_the_cap_are_counted);
    suite_add_tcase(s, validate_tc);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
