#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/config.h"
#include "tests/unit/check_main.h"

#define TEST_ONLY_KEYS 3 /* crashpoint, snapshot_steps, lease_ms */

#define MAX_FILES 16

static struct ordo_arena *arena; /* fresh per test: the checked fixture runs in the child */
static struct ordo_config cfg;
static struct ordo_err err;
static struct ordo_buf warnings; /* one warning per line */
static char dir[64];
static const char *files[MAX_FILES];
static size_t n_files;

static void setup(void)
{
    arena = ordo_arena_new();
    ordo_err_clear(&err);
    ordo_buf_init(&warnings);
    memset(&cfg, 0, sizeof(cfg));
    (void)snprintf(dir, sizeof(dir), "/tmp/ordo-test-config-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    n_files = 0;
}

static void teardown(void)
{
    for (size_t i = 0; i < n_files; i++) {
        (void)unlink(files[i]);
    }
    (void)rmdir(dir);
    ordo_buf_cleanup(&warnings);
    ordo_arena_free(arena);
}

static void collect_warning_cb(void *ctx, const char *message)
{
    ordo_buf_printf(ctx, "%s\n", message);
}

/* Write 'len' bytes of 'data' to a new file 'name' in the test directory with
 * exactly 'mode' (umask aside) and return its path. */
static const char *write_file_n(const char *name, const char *data, size_t len, mode_t mode)
{
    const char *path = ordo_arena_printf(arena, "%s/%s", dir, name);
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(fchmod(fd, mode), 0);
    ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
    ck_assert_int_eq(close(fd), 0);
    ck_assert_uint_lt(n_files, MAX_FILES);
    files[n_files++] = path;
    return path;
}

static const char *write_file(const char *name, const char *data, mode_t mode)
{
    return write_file_n(name, data, strlen(data), mode);
}

/* Load with NULL-terminated flag and environment lists. */
static enum ordo_code load(char *const *argv, char *const *envp)
{
    struct ordo_config_sources src = {
        .argv = argv, .envp = envp, .warn = collect_warning_cb, .warn_ctx = &warnings};

    while (argv && argv[src.argc]) {
        src.argc++;
    }
    return ordo_config_load(&cfg, arena, &src, &err);
}

static char *fmt(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* printf into the test's arena. */
static char *fmt(const char *format, ...)
{
    va_list ap;
    int n;
    char *s;

    va_start(ap, format);
    n = vsnprintf(NULL, 0, format, ap);
    va_end(ap);
    ck_assert_int_ge(n, 0);
    s = ordo_arena_alloc(arena, (size_t)n + 1);
    va_start(ap, format);
    (void)vsnprintf(s, (size_t)n + 1, format, ap);
    va_end(ap);
    return s;
}

/* Load a config file holding 'json' (through --config) and return its path. */
static const char *load_file_json(const char *json, enum ordo_code want)
{
    const char *path = write_file("ordo.json", json, 0644);

    ck_assert_int_eq(load((char *[]){"--config", (char *)path, NULL}, NULL), want);
    return path;
}

START_TEST(defaults_follow_the_contract)
{
    ordo_config_defaults(&cfg);
    ck_assert_str_eq(cfg.listen_addr, "127.0.0.1");
    ck_assert_int_eq(cfg.port, 8080);
    ck_assert_str_eq(cfg.data_dir, "./ordo-data");
    ck_assert_str_eq(cfg.database_url, "");
    ck_assert_str_eq(cfg.migrate_database_url, "");
    ck_assert_str_eq(cfg.admin_key, "");
    ck_assert_str_eq(cfg.master_key, "");
    ck_assert_str_eq(cfg.plugin_dir, "../lib/ordo/connectors");
    ck_assert_str_eq(cfg.llm_provider, "");
    ck_assert_str_eq(cfg.timezone, "UTC");
    ck_assert_str_eq(cfg.log_level, "info");
    ck_assert_str_eq(cfg.log_format, "json");
    ck_assert_int_eq(cfg.bpmn_max_bytes, 10485760);
    ck_assert_str_eq(cfg.crashpoint, "");
    ck_assert_str_eq(cfg.http_allow, "");
    ck_assert_str_eq(ordo_config_origin(&cfg, "port"), "default");
    ck_assert_ptr_null(ordo_config_origin(&cfg, "prot"));
}
END_TEST

START_TEST(no_sources_give_the_defaults)
{
    ck_assert_int_eq(ordo_config_load(&cfg, arena, NULL, &err), ORDO_OK);
    ck_assert_int_eq(cfg.port, 8080);
    ck_assert_int_eq(load((char *[]){NULL}, (char *[]){"HOME=/root", "PATH=/bin", NULL}), ORDO_OK);
    ck_assert_str_eq(cfg.log_level, "info");
    ck_assert_str_eq(ordo_buf_cstr(&warnings), "");
}
END_TEST

START_TEST(flags_beat_environment_beat_file_beat_defaults)
{
    const char *path = write_file("ordo.json",
                                  "{\"port\": 1000, \"log_level\": \"debug\", \"data_dir\": \"/f\","
                                  " \"database_url\": \"postgres://file\"}",
                                  0644);
    char *envp[] = {fmt("ORDO_CONFIG=%s", path), "ORDO_PORT=2000", "ORDO_DATA_DIR=/e",
                    "ORDO_DATABASE_URL=postgres://h/db?sslmode=require", NULL};

    ck_assert_int_eq(load((char *[]){"--port", "3000", NULL}, envp), ORDO_OK);
    ck_assert_int_eq(cfg.port, 3000);
    ck_assert_str_eq(cfg.data_dir, "/e");
    ck_assert_str_eq(cfg.database_url, "postgres://h/db?sslmode=require");
    ck_assert_str_eq(cfg.log_level, "debug");
    ck_assert_str_eq(cfg.listen_addr, "127.0.0.1");
    ck_assert_str_eq(ordo_config_origin(&cfg, "port"), "flag --port");
    ck_assert_str_eq(ordo_config_origin(&cfg, "data_dir"), "environment ORDO_DATA_DIR");
    ck_assert_str_eq(ordo_config_origin(&cfg, "log_level"), fmt("file %s", path));
    ck_assert_str_eq(ordo_config_origin(&cfg, "listen_addr"), "default");
}
END_TEST

START_TEST(config_flag_beats_config_environment)
{
    const char *a = write_file("a.json", "{\"port\": 1111}", 0644);
    const char *b = write_file("b.json", "{\"port\": 2222}", 0644);
    char *envp[] = {fmt("ORDO_CONFIG=%s", a), NULL};

    ck_assert_int_eq(load((char *[]){fmt("--config=%s", b), NULL}, envp), ORDO_OK);
    ck_assert_int_eq(cfg.port, 2222);
    ck_assert_int_eq(load(NULL, envp), ORDO_OK);
    ck_assert_int_eq(cfg.port, 1111);
    ck_assert_int_eq(load(NULL, (char *[]){"ORDO_CONFIG=", NULL}), ORDO_OK); /* empty: none */
    ck_assert_int_eq(cfg.port, 8080);
}
END_TEST

START_TEST(flags_take_dashes_underscores_and_equals)
{
    ck_assert_int_eq(
        load((char *[]){"--log-level", "warn", "--log_format=text", "--listen-addr=0.0.0.0",
                        "--database-url=postgres://x?a=b", "--timezone=", NULL},
             NULL),
        ORDO_OK);
    ck_assert_str_eq(cfg.log_level, "warn");
    ck_assert_str_eq(cfg.log_format, "text");
    ck_assert_str_eq(cfg.listen_addr, "0.0.0.0");
    ck_assert_str_eq(cfg.database_url, "postgres://x?a=b");
    ck_assert_str_eq(cfg.timezone, "");
    ck_assert_str_eq(ordo_config_origin(&cfg, "log_format"), "flag --log_format");
}
END_TEST

START_TEST(enum_words_match_in_any_case)
{
    ck_assert_int_eq(load(NULL, (char *[]){"ORDO_LOG_LEVEL=WARN", "ORDO_LOG_FORMAT=Text", NULL}),
                     ORDO_OK);
    ck_assert_str_eq(cfg.log_level, "warn");
    ck_assert_str_eq(cfg.log_format, "text");
}
END_TEST

START_TEST(integers_out_of_range_are_fatal)
{
    const char *path;

    ck_assert_int_eq(load((char *[]){"--port", "70000", NULL}, NULL), ORDO_E_INVAL);
    ck_assert_str_eq(err.msg, "config key \"port\": 70000 is out of range 0..65535 (flag --port)");
    ordo_err_clear(&err);
    ck_assert_int_eq(load(NULL, (char *[]){"ORDO_PORT=-1", NULL}), ORDO_E_INVAL);
    ck_assert_str_eq(err.msg,
                     "config key \"port\": -1 is out of range 0..65535 (environment ORDO_PORT)");
    ordo_err_clear(&err);
    path = load_file_json("{\"port\": 70000}", ORDO_E_INVAL);
    ck_assert_str_eq(err.msg,
                     fmt("config key \"port\": 70000 is out of range 0..65535 (file %s)", path));
    ordo_err_clear(&err);
    ck_assert_int_eq(load((char *[]){"--bpmn-max-bytes=1023", NULL}, NULL), ORDO_E_INVAL);
    ck_assert_str_eq(err.msg, "config key \"bpmn_max_bytes\": 1023 is out of range "
                              "1024..1073741824 (flag --bpmn-max-bytes)");
    ordo_err_clear(&err);
    ck_assert_int_eq(load((char *[]){"--bpmn-max-bytes=1073741825", NULL}, NULL), ORDO_E_INVAL);
    ck_assert_int_eq(load((char *[]){"--bpmn-max-bytes=1073741824", "--port=65535", NULL}, NULL),
                     ORDO_OK);
    ck_assert_int_eq(cfg.bpmn_max_bytes, 1073741824);
    ck_assert_int_eq(cfg.port, 65535);
}
END_TEST

START_TEST(malformed_integers_are_fatal)
{
    static const char *const bad[] = {
        "abc", "80x", " 80", "+80", "", "0x50", "8 0", "99999999999999999999", "-"};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *envp[] = {fmt("ORDO_PORT=%s", bad[i]), NULL};

        ordo_err_clear(&err);
        ck_assert_msg(load(NULL, envp) == ORDO_E_INVAL, "accepted \"%s\"", bad[i]);
        ck_assert_str_eq(err.msg, fmt("config key \"port\": \"%s\" is not an integer "
                                      "(environment ORDO_PORT)",
                                      bad[i]));
    }
}
END_TEST

START_TEST(enum_words_outside_the_list_are_fatal)
{
    ck_assert_int_eq(load((char *[]){"--log-level", "verbose", NULL}, NULL), ORDO_E_INVAL);
    ck_assert_str_eq(err.msg, "config key \"log_level\": \"verbose\" is not one of debug, info, "
                              "warn, error (flag --log-level)");
    ordo_err_clear(&err);
    ck_assert_int_eq(load(NULL, (char *[]){"ORDO_LOG_LEVEL=fatal", NULL}), ORDO_E_INVAL);
    ordo_err_clear(&err);
    ck_assert_int_eq(load(NULL, (char *[]){"ORDO_LOG_FORMAT=yaml", NULL}), ORDO_E_INVAL);
    ck_assert_str_eq(err.msg, "config key \"log_format\": \"yaml\" is not one of json, text "
                              "(environment ORDO_LOG_FORMAT)");
}
END_TEST

START_TEST(http_allow_entries_are_checked_at_load)
{
    ck_assert_int_eq(load(NULL, (char *[]){"ORDO_HTTP_ALLOW=127.0.0.1/32, ::1,10.0.0.0/8", NULL}),
                     ORDO_OK);
    ck_assert_str_eq(cfg.http_allow, "127.0.0.1/32, ::1,10.0.0.0/8");
    ck_assert_str_eq(ordo_config_origin(&cfg, "http_allow"), "environment ORDO_HTTP_ALLOW");
    ck_assert_int_eq(load((char *[]){"--http-allow", "127.0.0.1,10.0.0.0/33", NULL}, NULL),
                     ORDO_E_INVAL);
    ck_assert_str_eq(err.msg, "config key \"http_allow\": \"10.0.0.0/33\" is not an IP address or "
                              "a CIDR block such as 10.0.0.0/8 (flag --http-allow)");
    ordo_err_clear(&err);
    load_file_json("{\"http_allow\": \"localhost\"}", ORDO_E_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "config key \"http_allow\": \"localhost\" is not an IP"));
}
END_TEST

START_TEST(unknown_file_keys_are_fatal)
{
    const char *path = load_file_json("{\"prot\": 8080}", ORDO_E_INVAL);

    ck_assert_str_eq(err.msg,
                     fmt("unknown config key \"prot\" in %s (did you mean \"port\"?)", path));
    ordo_err_clear(&err);
    path = load_file_json("{\"port\": 8080, \"frobnicate\": true}", ORDO_E_INVAL);
    ck_assert_str_eq(err.msg, fmt("unknown config key \"frobnicate\" in %s", path));
    ordo_err_clear(&err);
    (void)load_file_json("{\"log-level\": \"debug\"}", ORDO_E_INVAL); /* file keys are exact */
    ck_assert_ptr_nonnull(strstr(err.msg, "unknown config key \"log-level\""));
}
END_TEST

START_TEST(unknown_flags_are_fatal)
{
    ck_assert_int_eq(load((char *[]){"--prot", "1", NULL}, NULL), ORDO_E_INVAL);
    ck_assert_str_eq(err.msg, "unknown flag --prot (did you mean --port?)");
    ordo_err_clear(&err);
    ck_assert_int_eq(load((char *[]){"--frobnicate=1", NULL}, NULL), ORDO_E_INVAL);
    ck_assert_str_eq(err.msg, "unknown flag --frobnicate");
    ordo_err_clear(&err);
    ck_assert_int_eq(load((char *[]){"--log-levle=debug", NULL}, NULL), ORDO_E_INVAL);
    ck_assert_str_eq(err.msg, "unknown flag --log-levle (did you mean --log-level?)");
}
END_TEST

START_TEST(stray_arguments_and_missing_values_are_fatal)
{
    ck_assert_int_eq(load((char *[]){"serve", NULL}, NULL), ORDO_E_INVAL);
    ck_assert_str_eq(err.msg, "unexpected argument \"serve\"");
    ordo_err_clear(&err);
    ck_assert_int_eq(load((char *[]){"--port", NULL}, NULL), ORDO_E_INVAL);
    ck_assert_str_eq(err.msg, "flag --port needs a value");
    ordo_err_clear(&err);
    ck_assert_int_eq(load((char *[]){"--config", NULL}, NULL), ORDO_E_INVAL);
    ck_assert_str_eq(err.msg, "flag --config needs a value");
    ordo_err_clear(&err);
    ck_assert_int_eq(load((char *[]){"--", NULL}, NULL), ORDO_E_INVAL);
    ck_assert_str_eq(err.msg, "unexpected argument \"--\"");
    ordo_err_clear(&err);
    ck_assert_int_eq(load((char *[]){"-p", "1", NULL}, NULL), ORDO_E_INVAL);
    ck_assert_str_eq(err.msg, "unexpected argument \"-p\"");
}
END_TEST

START_TEST(wrong_json_types_in_the_file_are_fatal)
{
    static const struct {
        const char *json;
        const char *key;
        const char *want;
    } cases[] = {
        {"{\"port\": \"8080\"}", "port", "an integer, not a string"},
        {"{\"port\": 80.0}", "port", "an integer, not a number"},
        {"{\"listen_addr\": 1}", "listen_addr", "a string, not an integer"},
        {"{\"log_level\": null}", "log_level", "a string, not null"},
        {"{\"admin_key\": [\"x\"]}", "admin_key", "a string, not an array"},
        {"{\"port_file\": 5}", "port_file", "a string, not an integer"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *path;

        ordo_err_clear(&err);
        path = load_file_json(cases[i].json, ORDO_E_INVAL);
        ck_assert_str_eq(
            err.msg, fmt("config key \"%s\" in %s must be %s", cases[i].key, path, cases[i].want));
    }
}
END_TEST

START_TEST(bad_config_files_are_fatal)
{
    const char *path = load_file_json("[1]", ORDO_E_INVAL);
    const char *prefix;

    ck_assert_str_eq(err.msg, fmt("config file %s must hold a JSON object, not an array", path));
    ordo_err_clear(&err);
    path = load_file_json("{\n\"port\": }", ORDO_E_INVAL);
    prefix = fmt("config file %s: invalid JSON at line 2, column 9: ", path);
    ck_assert_msg(strncmp(err.msg, prefix, strlen(prefix)) == 0, "%s", err.msg);
    ordo_err_clear(&err);
    (void)load_file_json("{\"port\": 1, \"port\": 2}", ORDO_E_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "duplicate"));
    ordo_err_clear(&err);
    path = fmt("%s/missing.json", dir);
    ck_assert_int_eq(load((char *[]){"--config", (char *)path, NULL}, NULL), ORDO_E_INVAL);
    ck_assert_str_eq(err.msg,
                     fmt("could not open %s (flag --config): No such file or directory", path));
    ordo_err_clear(&err);
    ck_assert_int_eq(load(NULL, (char *[]){fmt("ORDO_CONFIG=%s", dir), NULL}), ORDO_E_INVAL);
    ck_assert_str_eq(err.msg, fmt("%s (environment ORDO_CONFIG) is not a regular file", dir));
}
END_TEST

START_TEST(oversized_config_file_is_too_big)
{
    size_t n = 1024 * 1024 + 1;
    char *big = ordo_arena_alloc(arena, n);
    const char *path;

    memset(big, ' ', n);
    big[0] = '{';
    big[n - 1] = '}';
    path = write_file_n("big.json", big, n, 0644);
    ck_assert_int_eq(load((char *[]){"--config", (char *)path, NULL}, NULL), ORDO_E_TOOBIG);
    ck_assert_str_eq(err.msg, fmt("%s (flag --config) is larger than 1048576 bytes", path));
}
END_TEST

START_TEST(unknown_environment_variables_only_warn)
{
    char *envp[] = {"ORDO_PROT=1",    "ORDO_FROB=2",
                    "ORDO_port=3",    "ORDO_URL=http://x",
                    "ORDO_API_KEY=k", "ORDO_CRASHPOINT=after_commit:2",
                    "ORDO_CONFIG=",   "HOME=/root",
                    "ORDO_NOVALUE",   NULL};

    ck_assert_int_eq(load(NULL, envp), ORDO_OK);
    ck_assert_str_eq(ordo_buf_cstr(&warnings),
                     "unknown environment variable ORDO_PROT is ignored (did you mean ORDO_PORT?)\n"
                     "unknown environment variable ORDO_FROB is ignored\n"
                     "unknown environment variable ORDO_port is ignored\n");
    ck_assert_int_eq(cfg.port, 8080);
    ck_assert_str_eq(cfg.crashpoint, "after_commit:2");

    /* Without a callback the warnings are dropped, and loading still works. */
    ck_assert_int_eq(
        ordo_config_load(&cfg, arena, &(struct ordo_config_sources){.envp = envp}, &err), ORDO_OK);
}
END_TEST

START_TEST(test_hooks_come_only_from_the_environment)
{
    const char *path;

    ck_assert_int_eq(load((char *[]){"--crashpoint", "x", NULL}, NULL), ORDO_E_INVAL);
    ck_assert_str_eq(err.msg, "unknown flag --crashpoint");
    ordo_err_clear(&err);
    path = load_file_json("{\"crashpoint\": \"x\"}", ORDO_E_INVAL);
    ck_assert_str_eq(err.msg, fmt("unknown config key \"crashpoint\" in %s", path));
}
END_TEST

START_TEST(file_form_reads_the_value_without_one_newline)
{
    const char *url = write_file("url", "postgres://db\n\n", 0644); /* not a secret: 0644 is fine */
    const char *crlf = write_file("crlf", "UTC\r\n", 0644);
    const char *key = write_file("master.key", "s3cret\n", 0600);
    const char *admin = write_file("admin.key", "admin-key-of-24-characters", 0400);
    const char *conf = write_file("c.json", fmt("{\"admin_key_file\": \"%s\"}", admin), 0644);
    char *envp[] = {fmt("ORDO_DATABASE_URL_FILE=%s", url), fmt("ORDO_TIMEZONE_FILE=%s", crlf),
                    fmt("ORDO_CONFIG=%s", conf), NULL};

    ck_assert_int_eq(load((char *[]){"--master-key-file", (char *)key, NULL}, envp), ORDO_OK);
    ck_assert_str_eq(cfg.database_url, "postgres://db\n");
    ck_assert_str_eq(cfg.timezone, "UTC");
    ck_assert_str_eq(cfg.master_key, "s3cret");
    ck_assert_str_eq(cfg.admin_key, "admin-key-of-24-characters");
    ck_assert_str_eq(ordo_config_origin(&cfg, "master_key"),
                     fmt("flag --master-key-file via %s", key));
    ck_assert_str_eq(ordo_buf_cstr(&warnings), ""); /* a _FILE flag shows no secret */
}
END_TEST

START_TEST(file_form_checks_integers_too)
{
    const char *port = write_file("port", "70000\n", 0644);

    ck_assert_int_eq(load(NULL, (char *[]){fmt("ORDO_PORT_FILE=%s", port), NULL}), ORDO_E_INVAL);
    ck_assert_str_eq(err.msg, fmt("config key \"port\": 70000 is out of range 0..65535 "
                                  "(environment ORDO_PORT_FILE via %s)",
                                  port));
}
END_TEST

START_TEST(secret_files_open_to_others_are_refused)
{
    static const mode_t modes[] = {0644, 0640, 0604, 0620, 0700 | 0001};

    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        const char *path = write_file(fmt("k%zu", i), "s3cret\n", modes[i]);
        char *envp[] = {fmt("ORDO_MASTER_KEY_FILE=%s", path), NULL};

        ordo_err_clear(&err);
        ck_assert_int_eq(load(NULL, envp), ORDO_E_INVAL);
        ck_assert_str_eq(err.msg, fmt("secret file %s (environment ORDO_MASTER_KEY_FILE) has mode "
                                      "%04o; it must not be readable or writable by group or "
                                      "others (chmod 600 %s)",
                                      path, (unsigned)modes[i], path));
    }
}
END_TEST

START_TEST(secret_files_of_other_users_are_refused)
{
    const char *path = write_file("other.key", "s3cret\n", 0600);

    if (geteuid() != 0) {
        /* Only root can give a file away; as anyone else the check is unreachable here. */
        return;
    }
    ck_assert_int_eq(chown(path, 12345, 12345), 0);
    ck_assert_int_eq(load((char *[]){fmt("--llm-api-key-file=%s", path), NULL}, NULL),
                     ORDO_E_INVAL);
    ck_assert_str_eq(err.msg, fmt("secret file %s (flag --llm-api-key-file) is owned by uid 12345, "
                                  "not by uid 0 or root",
                                  path));
}
END_TEST

START_TEST(unusable_value_files_are_fatal)
{
    size_t big = 64 * 1024 + 1;
    char *text = ordo_arena_alloc(arena, big);
    const char *nul = write_file_n("nul", "ab\0cd", 5, 0600);
    const char *large;
    const char *missing = fmt("%s/missing", dir);

    memset(text, 'x', big);
    large = write_file_n("large", text, big, 0600);
    ck_assert_int_eq(load(NULL, (char *[]){fmt("ORDO_ADMIN_KEY_FILE=%s", missing), NULL}),
                     ORDO_E_INVAL);
    ck_assert_str_eq(err.msg, fmt("could not open %s (environment ORDO_ADMIN_KEY_FILE): "
                                  "No such file or directory",
                                  missing));
    ordo_err_clear(&err);
    ck_assert_int_eq(load(NULL, (char *[]){fmt("ORDO_DATA_DIR_FILE=%s", dir), NULL}), ORDO_E_INVAL);
    ck_assert_str_eq(err.msg,
                     fmt("%s (environment ORDO_DATA_DIR_FILE) is not a regular file", dir));
    ordo_err_clear(&err);
    ck_assert_int_eq(load(NULL, (char *[]){fmt("ORDO_ADMIN_KEY_FILE=%s", nul), NULL}),
                     ORDO_E_INVAL);
    ck_assert_str_eq(err.msg, fmt("%s (environment ORDO_ADMIN_KEY_FILE) contains a NUL byte", nul));
    ordo_err_clear(&err);
    ck_assert_int_eq(load(NULL, (char *[]){fmt("ORDO_ADMIN_KEY_FILE=%s", large), NULL}),
                     ORDO_E_TOOBIG);
    ck_assert_str_eq(err.msg,
                     fmt("%s (environment ORDO_ADMIN_KEY_FILE) is larger than 65536 bytes", large));
}
END_TEST

START_TEST(a_key_twice_in_one_source_is_fatal)
{
    const char *key = write_file("master.key", "s3cret", 0600);
    const char *path;

    ck_assert_int_eq(
        load(NULL, (char *[]){"ORDO_MASTER_KEY=a", fmt("ORDO_MASTER_KEY_FILE=%s", key), NULL}),
        ORDO_E_INVAL);
    ck_assert_str_eq(err.msg, "config key \"master_key\" is given more than once "
                              "(environment ORDO_MASTER_KEY_FILE)");
    ordo_err_clear(&err);
    ck_assert_int_eq(load((char *[]){"--port", "1", "--port=2", NULL}, NULL), ORDO_E_INVAL);
    ck_assert_str_eq(err.msg, "config key \"port\" is given more than once (flag --port)");
    ordo_err_clear(&err);
    path = load_file_json(fmt("{\"admin_key\": \"a\", \"admin_key_file\": \"%s\"}", key),
                          ORDO_E_INVAL);
    ck_assert_str_eq(err.msg, fmt("config key \"admin_key\" is given twice in %s (as a value and "
                                  "as \"admin_key_file\")",
                                  path));
    /* Across sources it is precedence, not a conflict. */
    ck_assert_int_eq(
        load((char *[]){"--master-key=b", NULL}, (char *[]){"ORDO_MASTER_KEY=a", NULL}), ORDO_OK);
    ck_assert_str_eq(cfg.master_key, "b");
}
END_TEST

START_TEST(secrets_given_as_flags_are_warned_about)
{
    ck_assert_int_eq(load((char *[]){"--admin-key=abcdefghijklmnopqrstuvwxyz", NULL}, NULL),
                     ORDO_OK);
    ck_assert_str_eq(cfg.admin_key, "abcdefghijklmnopqrstuvwxyz");
    ck_assert_str_eq(ordo_buf_cstr(&warnings),
                     "secret --admin-key given as a flag is visible in the process list; use "
                     "ORDO_ADMIN_KEY_FILE or --admin-key-file instead\n");
    ck_assert_ptr_null(strstr(ordo_buf_cstr(&warnings), "abcdefghijklmnopqrstuvwxyz"));
}
END_TEST

START_TEST(print_json_redacts_secrets)
{
    struct ordo_buf out = ORDO_BUF_INIT;
    json_t *root;
    json_error_t jerr;

    ck_assert_int_eq(load((char *[]){"--port=9000", NULL},
                          (char *[]){"ORDO_MASTER_KEY=hunter2", "ORDO_MASTER_KEY_OLD=old1,old2",
                                     "ORDO_LLM_MODEL=m", NULL}),
                     ORDO_OK);
    ck_assert_str_eq(cfg.master_key_old, "old1,old2");
    ordo_config_print_json(&cfg, &out);
    ck_assert_ptr_null(strstr(ordo_buf_cstr(&out), "hunter2"));
    ck_assert_ptr_null(strstr(ordo_buf_cstr(&out), "old1"));
    ck_assert_int_eq(out.data[out.len - 1], '\n');
    root = json_loads(ordo_buf_cstr(&out), JSON_REJECT_DUPLICATES, &jerr);
    ck_assert_ptr_nonnull(root);
    /* The test-only keys appear only when set. */
    ck_assert_uint_eq(json_object_size(root), ORDO_CONFIG_KEY_COUNT - TEST_ONLY_KEYS);
    ck_assert_str_eq(json_string_value(json_object_get(root, "master_key")), "[redacted]");
    ck_assert_str_eq(json_string_value(json_object_get(root, "master_key_old")), "[redacted]");
    ck_assert_str_eq(json_string_value(json_object_get(root, "admin_key")), "");
    ck_assert_str_eq(json_string_value(json_object_get(root, "llm_model")), "m");
    ck_assert_int_eq(json_integer_value(json_object_get(root, "port")), 9000);
    ck_assert_ptr_null(json_object_get(root, "crashpoint"));
    ck_assert_ptr_eq(strstr(ordo_buf_cstr(&out), "{\n  \"listen_addr\": \"127.0.0.1\",\n"),
                     out.data); /* table order, two-space indent */
    json_decref(root);

    ordo_buf_reset(&out);
    ck_assert_int_eq(load(NULL, (char *[]){"ORDO_CRASHPOINT=after_commit", NULL}), ORDO_OK);
    ordo_config_print_json(&cfg, &out);
    ck_assert_ptr_nonnull(strstr(ordo_buf_cstr(&out), "\"crashpoint\": \"after_commit\""));
    ordo_buf_cleanup(&out);
}
END_TEST

START_TEST(print_json_redacts_passwords_in_urls)
{
    static const char *const cases[][2] = {
        {"postgres://ordo:s3cret@db:5432/ordo?sslmode=require",
         "postgres://ordo:[redacted]@db:5432/ordo?sslmode=require"},
        {"postgresql://ordo@db/ordo?password=s3cret&sslmode=require",
         "postgresql://ordo@db/ordo?password=[redacted]&sslmode=require"},
        {"host=db user=ordo password='s3 \\' cret' dbname=ordo",
         "host=db user=ordo password=[redacted] dbname=ordo"},
        {"host=db password = s3cret", "host=db password = [redacted]"},
        {"host=db user=ordo", "host=db user=ordo"},
        {"host=db mypassword=x", "host=db mypassword=x"},
    };
    struct ordo_buf out = ORDO_BUF_INIT;
    char env[2][256];

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *root;

        (void)snprintf(env[0], sizeof env[0], "ORDO_DATABASE_URL=%s", cases[i][0]);
        (void)snprintf(env[1], sizeof env[1], "ORDO_LLM_URL=https://u:s3cret@llm.example/v1");
        ck_assert_int_eq(load(NULL, (char *[]){env[0], env[1], NULL}), ORDO_OK);
        ordo_buf_reset(&out);
        ordo_config_print_json(&cfg, &out);
        ck_assert_ptr_null(strstr(ordo_buf_cstr(&out), "s3"));
        root = json_loads(ordo_buf_cstr(&out), 0, NULL);
        ck_assert_str_eq(json_string_value(json_object_get(root, "database_url")), cases[i][1]);
        ck_assert_str_eq(json_string_value(json_object_get(root, "llm_url")),
                         "https://u:[redacted]@llm.example/v1");
        json_decref(root);
    }
    ordo_buf_cleanup(&out);
}
END_TEST

START_TEST(help_has_one_line_per_public_key)
{
    struct ordo_buf out = ORDO_BUF_INIT;
    const char *text;
    size_t lines = 0;

    ordo_config_write_help(&out);
    text = ordo_buf_cstr(&out);
    for (const char *p = text; *p; p++) {
        lines += *p == '\n';
    }
    /* --config, the public keys, the closing note */
    ck_assert_uint_eq(lines, 1 + (ORDO_CONFIG_KEY_COUNT - TEST_ONLY_KEYS) + 1);
    ck_assert_ptr_nonnull(strstr(text, "  --config FILE "));
    ck_assert_ptr_nonnull(strstr(text, "\n  --port N "));
    ck_assert_ptr_nonnull(strstr(text, "(0..65535, default 8080)\n"));
    ck_assert_ptr_nonnull(strstr(text, "\n  --log-level LEVEL "));
    ck_assert_ptr_nonnull(strstr(text, "(debug|info|warn|error, default info)\n"));
    ck_assert_ptr_nonnull(strstr(text, "(secret; or --master-key-file FILE)\n"));
    ck_assert_ptr_nonnull(strstr(text, "(default ./ordo-data)\n"));
    ck_assert_ptr_nonnull(strstr(text, "\n  --llm-model NAME "));
    ck_assert_ptr_null(strstr(text, "default )")); /* empty defaults are left out */
    ck_assert_ptr_null(strstr(text, "crash"));
    ordo_buf_cleanup(&out);
}
END_TEST

START_TEST(markdown_keeps_test_hooks_apart)
{
    struct ordo_buf out = ORDO_BUF_INIT;
    const char *text;
    const char *hooks;

    ordo_config_write_markdown(&out);
    text = ordo_buf_cstr(&out);
    hooks = strstr(text, "\n## Test hooks\n");
    ck_assert_ptr_nonnull(hooks);
    ck_assert_ptr_nonnull(strstr(text, "| `port` | `ORDO_PORT` | `--port` | integer, 0..65535 | "
                                       "`8080` | "));
    ck_assert_ptr_nonnull(strstr(text, "| `master_key` | `ORDO_MASTER_KEY` | `--master-key` | "
                                       "secret string | (none) | "));
    ck_assert_ptr_nonnull(strstr(text, "one of `debug`, `info`, `warn`, `error` | `info` |"));
    ck_assert_ptr_eq(strstr(text, "`crashpoint`"), strstr(hooks, "`crashpoint`"));
    ck_assert_ptr_nonnull(strstr(hooks, "| `crashpoint` | `ORDO_CRASHPOINT` | string | (empty) |"));
    ordo_buf_cleanup(&out);
}
END_TEST

/* docs/configuration.md is the generated text, byte for byte. */
START_TEST(docs_configuration_md_is_up_to_date)
{
    const char *src = getenv("ORDOTEST_SOURCE_DIR");
    const char *regen = getenv("ORDOTEST_REGENERATE_DOCS");
    struct ordo_buf want = ORDO_BUF_INIT;
    struct ordo_buf have = ORDO_BUF_INIT;
    const char *path;
    char chunk[4096];
    size_t n;
    FILE *f;

    ck_assert_msg(src && src[0], "ORDOTEST_SOURCE_DIR is not set: run this test through ctest");
    path = fmt("%s/docs/configuration.md", src);
    ordo_config_write_markdown(&want);
    if (regen && strcmp(regen, "1") == 0) {
        f = fopen(path, "w");
        ck_assert_msg(f != NULL, "could not write %s", path);
        ck_assert_uint_eq(fwrite(want.data, 1, want.len, f), want.len);
        ck_assert_int_eq(fclose(f), 0);
    }
    f = fopen(path, "r");
    ck_assert_msg(f != NULL,
                  "%s is missing; create it with ORDOTEST_REGENERATE_DOCS=1 ctest -R test_config",
                  path);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        ordo_buf_append(&have, chunk, n);
    }
    (void)fclose(f);
    ck_assert_msg(strcmp(ordo_buf_cstr(&have), ordo_buf_cstr(&want)) == 0 && have.len == want.len,
                  "%s differs from the key table in base/config.c; regenerate it with "
                  "ORDOTEST_REGENERATE_DOCS=1 ctest -R test_config (in the build directory)",
                  path);
    ordo_buf_cleanup(&want);
    ordo_buf_cleanup(&have);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, defaults_follow_the_contract);
    tcase_add_test(tc, no_sources_give_the_defaults);
    tcase_add_test(tc, flags_beat_environment_beat_file_beat_defaults);
    tcase_add_test(tc, config_flag_beats_config_environment);
    tcase_add_test(tc, flags_take_dashes_underscores_and_equals);
    tcase_add_test(tc, enum_words_match_in_any_case);
    tcase_add_test(tc, integers_out_of_range_are_fatal);
    tcase_add_test(tc, malformed_integers_are_fatal);
    tcase_add_test(tc, enum_words_outside_the_list_are_fatal);
    tcase_add_test(tc, http_allow_entries_are_checked_at_load);
    tcase_add_test(tc, unknown_file_keys_are_fatal);
    tcase_add_test(tc, unknown_flags_are_fatal);
    tcase_add_test(tc, stray_arguments_and_missing_values_are_fatal);
    tcase_add_test(tc, wrong_json_types_in_the_file_are_fatal);
    tcase_add_test(tc, bad_config_files_are_fatal);
    tcase_add_test(tc, oversized_config_file_is_too_big);
    tcase_add_test(tc, unknown_environment_variables_only_warn);
    tcase_add_test(tc, test_hooks_come_only_from_the_environment);
    tcase_add_test(tc, file_form_reads_the_value_without_one_newline);
    tcase_add_test(tc, file_form_checks_integers_too);
    tcase_add_test(tc, secret_files_open_to_others_are_refused);
    tcase_add_test(tc, secret_files_of_other_users_are_refused);
    tcase_add_test(tc, unusable_value_files_are_fatal);
    tcase_add_test(tc, a_key_twice_in_one_source_is_fatal);
    tcase_add_test(tc, secrets_given_as_flags_are_warned_about);
    tcase_add_test(tc, print_json_redacts_secrets);
    tcase_add_test(tc, print_json_redacts_passwords_in_urls);
    tcase_add_test(tc, help_has_one_line_per_public_key);
    tcase_add_test(tc, markdown_keeps_test_hooks_apart);
    tcase_add_test(tc, docs_configuration_md_is_up_to_date);
    suite_add_tcase(s, tc);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
