/*
 * tests/unit/test_loader.c - the plugin loader and the registry on real
 * shared objects (tests/plugins/fixture.c), copied into a folder of the
 * test's own so that modes and owners are the test's to set.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/file.h"
#include "base/json.h"
#include "base/schema.h"
#include "plugins/descriptor.h"
#include "plugins/loader.h"
#include "plugins/registry.h"
#include "tests/unit/check_main.h"

static struct ordo_arena *arena;
static struct ordo_err err;
static char dir[64];
static const struct ordo_connector_host host = {.size = sizeof host, .abi = ORDO_CONNECTOR_ABI};

static void setup(void)
{
    arena = ordo_arena_new();
    ordo_err_clear(&err);
    (void)snprintf(dir, sizeof dir, "/tmp/ordo-loader-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(chmod(dir, 0755), 0);
}

static void teardown(void)
{
    char cmd[128];

    (void)snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0); /* checksrc:allow - test cleanup */
    ordo_arena_free(arena);
}

/* Copy fixture 'name' (tests/plugins/<name>.so) to 'as' in the folder, with 'mode'. */
static const char *install(const char *name, const char *as, mode_t mode)
{
    const char *from = ordo_arena_printf(arena, "%s/%s.so", getenv("ORDOTEST_PLUGIN_DIR"), name);
    const char *to = ordo_arena_printf(arena, "%s/%s", dir, as);
    struct ordo_buf data = ORDO_BUF_INIT;

    ck_assert_msg(ordo_file_read(from, 64L * 1024 * 1024, "fixture", &data, &err) == ORDO_OK, "%s",
                  err.msg);
    ck_assert_int_eq(ordo_file_write_atomic(to, data.data, data.len, &err), ORDO_OK);
    ordo_buf_cleanup(&data);
    ck_assert_int_eq(chmod(to, mode), 0);
    return to;
}

/* Load 'name' alone: the code, with the message in 'err'. */
static enum ordo_code load_one(const char *name, mode_t mode, struct ordo_plugin **p)
{
    *p = NULL;
    ordo_err_clear(&err);
    return ordo_plugin_load(install(name, ordo_arena_printf(arena, "%s.so", name), mode), &host, p,
                            &err);
}

static void assert_refused(const char *name, mode_t mode, const char *part)
{
    struct ordo_plugin *p;

    ck_assert_int_ne(load_one(name, mode, &p), ORDO_OK);
    ck_assert_ptr_null(p);
    ck_assert_msg(strstr(err.msg, part), "%s: \"%s\" not in: %s", name, part, err.msg);
}

START_TEST(a_good_plugin_loads_with_its_actions_and_schemas)
{
    struct ordo_plugin *p;
    json_t *in;

    ck_assert_msg(load_one("good", 0755, &p) == ORDO_OK, "%s", err.msg);
    ck_assert_str_eq(p->desc->name, "echo");
    ck_assert_uint_eq(p->nactions, 4);
    ck_assert_str_eq(ordo_descriptor_action(p->desc, 0)->id, "echo.reply");
    ck_assert_uint_eq(p->actions[3].timeout_ms, 5000);
    ck_assert_uint_eq(p->actions[0].timeout_ms, ORDO_PLUGIN_DEFAULT_TIMEOUT_MS);
    ck_assert_ptr_eq(p->state, &host); /* its init ran with the host table */
    ck_assert_ptr_nonnull(p->credential);
    in = ordo_json_defer(arena, json_pack("{s:i}", "n", 1));
    ck_assert_int_eq(ordo_schema_validate(p->actions[0].input, in, NULL, &err),
                     ORDO_E_UNPROCESSABLE); /* "text" is required */
    ordo_plugin_free(p);
}
END_TEST

START_TEST(a_plugin_for_another_abi_is_refused)
{
    assert_refused("wrong_abi", 0755, "built for connector ABI 99, this server has ABI 1");
}
END_TEST

START_TEST(a_shared_object_without_the_entry_is_refused)
{
    assert_refused("no_symbol", 0755, "has no ordo_connector_entry symbol: not an Ordo connector");
}
END_TEST

START_TEST(a_file_that_is_not_a_shared_object_is_refused)
{
    const char *path = ordo_arena_printf(arena, "%s/notes.so", dir);
    struct ordo_plugin *p = NULL;

    ck_assert_int_eq(ordo_file_write_atomic(path, "hello\n", 6, &err), ORDO_OK);
    ck_assert_int_eq(chmod(path, 0644), 0);
    ck_assert_int_eq(ordo_plugin_load(path, &host, &p, &err), ORDO_E_UNPROCESSABLE);
    ck_assert_ptr_null(p);
    ck_assert_msg(strstr(err.msg, "could not load plugin"), "%s", err.msg);
}
END_TEST

START_TEST(an_input_schema_outside_the_subset_is_refused)
{
    assert_refused("bad_schema", 0755,
                   "echo.reply: properties.text.pattern: \"pattern\" is not in Ordo's JSON Schema "
                   "subset");
}
END_TEST

START_TEST(an_action_id_of_another_connector_is_refused)
{
    assert_refused("bad_id", 0755, "has id \"other.reply\", expected \"echo.<action>\"");
}
END_TEST

START_TEST(a_failing_init_is_refused_with_its_message)
{
    assert_refused("init_fails", 0755, "init failed: the fixture refuses to start");
}
END_TEST

START_TEST(a_world_writable_plugin_is_refused_before_loading)
{
    assert_refused("good", 0757, "is writable by group or others (mode 757)");
    assert_refused("good", 0775, "is writable by group or others (mode 775)");
}
END_TEST

START_TEST(the_registry_keeps_the_good_and_lists_the_refused)
{
    static const char *const bad[] = {"wrong_abi", "no_symbol", "bad_schema", "bad_id",
                                      "init_fails"};
    struct ordo_registry *reg = NULL;
    const char *const *ids;
    size_t n;

    install("good", "a_echo.so", 0755);
    install("good", "b_echo_again.so", 0755); /* the same connector name twice */
    install("abort", "crash.so", 0755);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        install(bad[i], ordo_arena_printf(arena, "%s.so", bad[i]), 0755);
    }
    install("good", "README", 0644); /* not a .so: not looked at */
    ck_assert_msg(ordo_registry_open(dir, &host, &reg, &err) == ORDO_OK, "%s", err.msg);
    ck_assert_uint_eq(ordo_registry_count(reg), 2);
    ck_assert_str_eq(ordo_registry_get(reg, 0)->desc->name, "crash"); /* by name */
    ck_assert_str_eq(ordo_registry_get(reg, 1)->desc->name, "echo");
    ck_assert_uint_eq(ordo_registry_refused_count(reg), 6);
    ck_assert_msg(
        strstr(ordo_registry_refused(reg, 0)->message, "connector \"echo\" is already installed"),
        "%s", ordo_registry_refused(reg, 0)->message);
    ids = ordo_registry_action_ids(reg, &n);
    ck_assert_uint_eq(n, 5);
    ck_assert_str_eq(ids[0], "crash.now");
    ck_assert_str_eq(ids[1], "echo.get");
    ck_assert_str_eq(ids[4], "echo.slow");
    ck_assert_ptr_eq(ordo_registry_action(reg, "echo.raise")->plugin, ordo_registry_get(reg, 1));
    ck_assert_ptr_null(ordo_registry_action(reg, "echo.nope"));
    ck_assert_ptr_null(ordo_registry_action(reg, "noop.complete"));
    ordo_registry_free(reg);
}
END_TEST

START_TEST(a_writable_plugin_folder_is_refused)
{
    struct ordo_registry *reg = NULL;

    install("good", "good.so", 0755);
    ck_assert_int_eq(chmod(dir, 0777), 0);
    ck_assert_int_eq(ordo_registry_open(dir, &host, &reg, &err), ORDO_E_FORBIDDEN);
    ck_assert_ptr_null(reg);
    ck_assert_msg(strstr(err.msg, "plugin folder"), "%s", err.msg);
    ck_assert_int_eq(chmod(dir, 0755), 0);
}
END_TEST

START_TEST(a_missing_plugin_folder_is_an_error_and_none_is_empty)
{
    struct ordo_registry *reg = NULL;
    size_t n = 1;

    ck_assert_int_eq(ordo_registry_open("/nonexistent/ordo/plugins", &host, &reg, &err),
                     ORDO_E_NOTFOUND);
    ordo_err_clear(&err);
    ck_assert_int_eq(ordo_registry_open("", &host, &reg, &err), ORDO_OK);
    ck_assert_uint_eq(ordo_registry_count(reg), 0);
    (void)ordo_registry_action_ids(reg, &n);
    ck_assert_uint_eq(n, 0);
    ordo_registry_free(reg);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("loader");
    TCase *tc = tcase_create("loader");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, a_good_plugin_loads_with_its_actions_and_schemas);
    tcase_add_test(tc, a_plugin_for_another_abi_is_refused);
    tcase_add_test(tc, a_shared_object_without_the_entry_is_refused);
    tcase_add_test(tc, a_file_that_is_not_a_shared_object_is_refused);
    tcase_add_test(tc, an_input_schema_outside_the_subset_is_refused);
    tcase_add_test(tc, an_action_id_of_another_connector_is_refused);
    tcase_add_test(tc, a_failing_init_is_refused_with_its_message);
    tcase_add_test(tc, a_world_writable_plugin_is_refused_before_loading);
    tcase_add_test(tc, the_registry_keeps_the_good_and_lists_the_refused);
    tcase_add_test(tc, a_writable_plugin_folder_is_refused);
    tcase_add_test(tc, a_missing_plugin_folder_is_an_error_and_none_is_empty);
    suite_add_tcase(s, tc);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
