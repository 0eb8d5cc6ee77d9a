#include "base/config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/duration.h"
#include "base/httpc.h"
#include "base/json.h"

/* A config file is small; a _FILE value is a key, a URL or a path. */
#define CONFIG_FILE_MAX ((size_t)1024 * 1024)
#define VALUE_FILE_MAX  ((size_t)64 * 1024)
#define HELP_FLAG_WIDTH 32

enum key_type {
    TYPE_STR,
    TYPE_INT,
    TYPE_ENUM,
};

#define KEY_SECRET    1u /* never printed or logged; a flag is warned about */
#define KEY_TEST_ONLY 2u /* environment only; listed under "Test hooks" */
#define KEY_URL       4u /* may hold a password: printed with it redacted */

struct config_key {
    const char *name;
    enum key_type type;
    unsigned flags;
    const char *fallback;     /* the default as text, as --help and the docs show it */
    int64_t min, max;         /* TYPE_INT */
    const char *const *words; /* TYPE_ENUM, NULL-terminated, canonical spelling */
    const char *metavar;      /* the value's name in --help */
    size_t offset;
    const char *help;
    /* TYPE_STR: checks a value's form (its message is put in context). */
    enum ordo_code (*check)(struct ordo_arena *arena, const char *value, struct ordo_err *err);
};

static const char *const log_levels[] = {"debug", "info", "warn", "error", NULL};
static const char *const log_formats[] = {"json", "text", NULL};
static const char *const http_schemes[] = {"https", "any", NULL};

static enum ordo_code check_http_allow(struct ordo_arena *arena, const char *value,
                                       struct ordo_err *err)
{
    const char *const *allow;
    size_t n;

    return ordo_httpc_parse_allow(value, arena, &allow, &n, err);
}

static enum ordo_code check_duration(struct ordo_arena *arena, const char *value,
                                     struct ordo_err *err)
{
    int64_t ms;

    (void)arena;
    return ordo_duration_parse(value, &ms, err);
}

static enum ordo_code check_durations(struct ordo_arena *arena, const char *value,
                                      struct ordo_err *err)
{
    int64_t ms[ORDO_DURATION_LIST_MAX];
    size_t n;

    (void)arena;
    return ordo_duration_list_parse(value, ms, &n, err);
}

#define STR_KEY(field, meta, def, fl, text)                                                    \
    {                                                                                          \
        .name = #field, .type = TYPE_STR, .flags = (fl), .fallback = (def), .metavar = (meta), \
        .offset = offsetof(struct ordo_config, field), .help = (text)                          \
    }
#define CHECKED_STR_KEY(field, meta, def, fn, text)                                  \
    {                                                                                \
        .name = #field, .type = TYPE_STR, .fallback = (def), .metavar = (meta),      \
        .offset = offsetof(struct ordo_config, field), .help = (text), .check = (fn) \
    }
#define INT_KEY(field, def, lo, hi, text)                                              \
    {                                                                                  \
        .name = #field, .type = TYPE_INT, .fallback = (def), .min = (lo), .max = (hi), \
        .metavar = "N", .offset = offsetof(struct ordo_config, field), .help = (text)  \
    }
#define ENUM_KEY(field, meta, list, def, text)                                                    \
    {                                                                                             \
        .name = #field, .type = TYPE_ENUM, .fallback = (def), .words = (list), .metavar = (meta), \
        .offset = offsetof(struct ordo_config, field), .help = (text)                             \
    }

/* The one table behind the file, the environment, flags, --help and
 * docs/configuration.md (CONTRACTS.md §5). Order is the order of --help. */
static const struct config_key config_keys[] = {
    STR_KEY(listen_addr, "ADDR", "127.0.0.1", 0, "address the HTTP server binds"),
    INT_KEY(port, "8080", 0, 65535,
            "TCP port of the HTTP server: API, webhooks and admin UI; 0: any free port (ordo "
            "serve prints the one it got)"),
    STR_KEY(data_dir, "DIR", "./ordo-data", 0,
            "directory of the embedded database and of generated key files"),
    STR_KEY(database_url, "URL", "", KEY_URL,
            "PostgreSQL connection string (libpq URI); empty: the embedded database in data_dir"),
    STR_KEY(migrate_database_url, "URL", "", KEY_URL,
            "connection string of a role that owns the schema, used only by migrations; "
            "empty: database_url"),
    STR_KEY(admin_key, "KEY", "", KEY_SECRET,
            "API key of the first admin (24 or more characters); empty: a random key written to "
            "data_dir/initial-admin-key"),
    STR_KEY(master_key, "KEY", "", KEY_SECRET,
            "key that encrypts stored connector credentials: 32 bytes as 64 hex digits or 44 "
            "characters of base64 (openssl rand -hex 32); empty: with the embedded database a "
            "key generated into data_dir/master.key, else an error"),
    STR_KEY(master_key_old, "KEY,...", "", KEY_SECRET,
            "previous master keys, comma-separated: credentials sealed with them stay readable "
            "until a rotation re-encrypts them with master_key"),
    STR_KEY(audit_signing_key, "KEY", "", KEY_SECRET,
            "Ed25519 key that signs audit log checkpoints"),
    STR_KEY(plugin_dir, "DIR", "../lib/ordo/connectors", 0,
            "directory of connector plugins; a relative path is relative to the executable"),
    STR_KEY(ui_dir, "DIR", "../share/ordo/ui", 0,
            "directory of the built web UI served under /ui/ (scripts/build-ui.sh); a relative "
            "path is relative to the executable"),
    STR_KEY(llm_provider, "NAME", "", 0,
            "LLM provider that drafts processes; empty: the offline drafter"),
    STR_KEY(llm_url, "URL", "", KEY_URL, "base URL of the LLM API; empty: the provider's default"),
    STR_KEY(llm_model, "NAME", "", 0, "model name sent to the LLM provider"),
    STR_KEY(llm_api_key, "KEY", "", KEY_SECRET, "API key for the LLM provider"),
    CHECKED_STR_KEY(llm_timeout, "DURATION", "120s", check_duration,
                    "how long one LLM call may take, retries on 429 and 5xx included"),
    INT_KEY(llm_repair_rounds, "3", 1, 10,
            "how often a draft's violations are sent back to the LLM for repair"),
    INT_KEY(llm_token_budget, "200000", 1000, 10000000,
            "tokens (prompt and answer) one draft may spend across its LLM calls"),
    STR_KEY(timezone, "ZONE", "UTC", 0, "IANA time zone of timer expressions that name none"),
    ENUM_KEY(log_level, "LEVEL", log_levels, "info", "lowest level of log lines written"),
    ENUM_KEY(log_format, "FORMAT", log_formats, "json",
             "log line format: JSON Lines, or text for people"),
    INT_KEY(bpmn_max_bytes, "10485760", 1024, 1073741824,
            "largest BPMN document accepted, in bytes"),
    INT_KEY(executor_threads, "2", 1, 64,
            "threads that run jobs (service tasks, timers) in ordo worker and ordo serve"),
    INT_KEY(http_threads, "8", 1, 256,
            "threads that answer HTTP requests in ordo serve (each holds one database connection "
            "while it works)"),
    INT_KEY(http_max_connections, "1000", 1, 100000, "open HTTP connections accepted at once"),
    INT_KEY(http_max_per_ip, "100", 1, 100000,
            "open HTTP connections accepted at once from one client address"),
    INT_KEY(http_timeout, "60", 1, 3600,
            "seconds an idle HTTP connection is kept open (slow clients are cut off)"),
    INT_KEY(rate_limit, "200", 1, 1000000,
            "API requests per second allowed to one principal (token bucket; over it: 429)"),
    INT_KEY(rate_burst, "400", 1, 1000000, "requests one principal may send at once (bucket size)"),
    STR_KEY(trusted_proxies, "ADDR,...", "", 0,
            "addresses of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are "
            "believed"),
    CHECKED_STR_KEY(http_allow, "CIDR,...", "", check_http_allow,
                    "addresses outbound HTTP may reach even though they are private or loopback "
                    "(connectors, webhooks, the LLM): IPs or CIDR blocks, comma-separated, such as "
                    "127.0.0.1/32,10.0.0.0/8"),
    ENUM_KEY(http_scheme, "SCHEME", http_schemes, "https",
             "which URLs outbound HTTP may use: https only, or any (plain http too, so tokens "
             "cross the network unencrypted: for tests, the demo sandbox and trusted networks; "
             "ordo serve --demo sets it)"),
    STR_KEY(tls_cert_file, "FILE", "", 0,
            "PEM certificate chain: ordo serve speaks HTTPS (with tls_key_file)"),
    STR_KEY(tls_key_file, "FILE", "", 0, "PEM private key of tls_cert_file"),
    INT_KEY(access_log_every, "100", 0, 1000000,
            "log one in N successful requests (errors are always logged); 0: none. A line costs "
            "about as much as a whole /livez request, so logging every one halves the top rate "
            "(docs/benchmarks.md)"),
    INT_KEY(webhook_max_body, "1048576", 1024, 26214400,
            "largest inbound webhook body accepted, in bytes (GitHub endpoints: 25 MiB); over "
            "it: 413"),
    INT_KEY(webhook_workers, "2", 0, 64,
            "threads of ordo serve that work stored inbound webhook deliveries"),
    INT_KEY(webhook_senders, "2", 0, 64,
            "threads delivering outbound webhooks (docs/webhooks-outbound.md); 0: none on this "
            "node"),
    CHECKED_STR_KEY(webhook_timeout, "DURATION", "15s", check_duration,
                    "how long one outbound webhook delivery may take (ms, s, m, h or d)"),
    CHECKED_STR_KEY(webhook_retry_schedule, "DURATION,...", "5s,5m,30m,2h,5h,10h,14h,20h,24h",
                    check_durations,
                    "waits before the retries of a failed outbound webhook delivery; after the "
                    "last, the event is a dead letter"),
    CHECKED_STR_KEY(webhook_disable_after, "DURATION", "5d", check_duration,
                    "disable a webhook subscription whose deliveries have failed for this long"),
    CHECKED_STR_KEY(webhook_retention, "DURATION", "7d", check_duration,
                    "how long worked inbound webhook deliveries and delivered outbound events are "
                    "kept (for deliveries without an id of their own, the window of their "
                    "dedupe); dead letters are kept until replayed or deleted"),
    INT_KEY(draft_workers, "2", 0, 16,
            "threads that turn requirement text into draft processes (docs/drafts.md); 0: none "
            "on this node"),
    CHECKED_STR_KEY(draft_retention, "DURATION", "30d", check_duration,
                    "how long a draft that was never deployed is kept after its last change"),
    STR_KEY(crashpoint, "NAME[:N]", "", KEY_TEST_ONLY,
            "exit with status 137 when the named crash point is reached (the Nth time)"),
    STR_KEY(snapshot_steps, "1", "", KEY_TEST_ONLY,
            "ordo run stores and restores every instance between steps, as the server will"),
    STR_KEY(lease_ms, "MS", "", KEY_TEST_ONLY,
            "how long an executor holds a job before another node may take it over (default: "
            "60000)"),
};

#define KEY_COUNT (sizeof(config_keys) / sizeof(config_keys[0]))
_Static_assert(KEY_COUNT == ORDO_CONFIG_KEY_COUNT, "ORDO_CONFIG_KEY_COUNT must match the table");

/* A value from the environment or a flag, applied after the file. */
struct pending {
    size_t key;
    bool from_file; /* the value is a path to read the value from */
    const char *value;
    const char *where; /* "environment ORDO_PORT", "flag --port" */
};

struct loader {
    struct ordo_config *cfg;
    struct ordo_arena *arena;
    const struct ordo_config_sources *src;
    struct pending *env;
    size_t n_env;
    struct pending *flags;
    size_t n_flags;
    const char *config_path;
    const char *config_path_where;
};

/* --- the key table -------------------------------------------------------- */

static bool is_secret(const struct config_key *key)
{
    return (key->flags & KEY_SECRET) != 0;
}

static bool is_test_only(const struct config_key *key)
{
    return (key->flags & KEY_TEST_ONLY) != 0;
}

static const char **str_slot(struct ordo_config *cfg, const struct config_key *key)
{
    return (const char **)(void *)((char *)cfg + key->offset);
}

static int64_t *int_slot(struct ordo_config *cfg, const struct config_key *key)
{
    return (int64_t *)(void *)((char *)cfg + key->offset);
}

static const char *str_value(const struct ordo_config *cfg, const struct config_key *key)
{
    return *(const char *const *)(const void *)((const char *)cfg + key->offset);
}

static int64_t int_value(const struct ordo_config *cfg, const struct config_key *key)
{
    return *(const int64_t *)(const void *)((const char *)cfg + key->offset);
}

/* The index of key 'name' (lower case, underscores), or -1. A name ending in
 * "_file" that names a key selects that key's _FILE form. */
static int find_key(const char *name, bool *is_file)
{
    size_t len = strlen(name);

    *is_file = false;
    for (size_t i = 0; i < KEY_COUNT; i++) {
        if (strcmp(name, config_keys[i].name) == 0) {
            return (int)i;
        }
    }
    if (len > 5 && strcmp(name + len - 5, "_file") == 0) {
        for (size_t i = 0; i < KEY_COUNT; i++) {
            if (strlen(config_keys[i].name) == len - 5 &&
                strncmp(name, config_keys[i].name, len - 5) == 0) {
                *is_file = true;
                return (int)i;
            }
        }
    }
    return -1;
}

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;

    return m < c ? m : c;
}

/* Levenshtein distance, for "did you mean" hints; long names give up. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t row[64];
    size_t la = strlen(a), lb = strlen(b);

    if (lb >= sizeof(row) / sizeof(row[0]) || la >= 64) {
        return (size_t)-1;
    }
    for (size_t j = 0; j <= lb; j++) {
        row[j] = j;
    }
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];

        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];

            row[j] = min3(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1]));
            diag = up;
        }
    }
    return row[lb];
}

/* The public key closest to 'name' within two edits, or NULL. */
static const struct config_key *suggest_key(const char *name)
{
    const struct config_key *best = NULL;
    size_t best_d = 3;

    for (size_t i = 0; i < KEY_COUNT; i++) {
        size_t d = edit_distance(name, config_keys[i].name);

        if (!is_test_only(&config_keys[i]) && d < best_d) {
            best = &config_keys[i];
            best_d = d;
        }
    }
    return best;
}

static const char *dashed(struct ordo_arena *arena, const char *name)
{
    char *s = ordo_arena_strdup(arena, name);

    for (char *p = s; *p; p++) {
        if (*p == '_') {
            *p = '-';
        }
    }
    return s;
}

static const char *env_name(struct ordo_arena *arena, const char *name)
{
    char *s = ordo_arena_printf(arena, "ORDO_%s", name);

    for (char *p = s; *p; p++) {
        if (*p >= 'a' && *p <= 'z') {
            *p = (char)(*p - 'a' + 'A');
        }
    }
    return s;
}

/* --- values ----------------------------------------------------------------- */

/* Decimal integer with an optional minus sign and nothing else around it. */
static bool parse_int64(const char *s, int64_t *out)
{
    char *end;
    long long v;

    if (!((*s >= '0' && *s <= '9') || (*s == '-' && s[1] >= '0' && s[1] <= '9'))) {
        return false;
    }
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0') {
        return false;
    }
    *out = (int64_t)v;
    return true;
}

static bool equals_ignore_case(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char ca = *a;

        if (ca >= 'A' && ca <= 'Z') {
            ca = (char)(ca + ('a' - 'A'));
        }
        if (ca != *b) {
            return false;
        }
    }
    return *a == '\0' && *b == '\0';
}

static void join_words(struct ordo_buf *out, const char *const *words, const char *sep,
                       const char *quote)
{
    for (size_t i = 0; words[i]; i++) {
        ordo_buf_printf(out, "%s%s%s%s", i ? sep : "", quote, words[i], quote);
    }
}

static enum ordo_code store_int(struct loader *ld, size_t idx, int64_t v, const char *where,
                                struct ordo_err *err)
{
    const struct config_key *key = &config_keys[idx];

    if (v < key->min || v > key->max) {
        return ordo_err_set(err, ORDO_E_INVAL,
                            "config key \"%s\": %lld is out of range %lld..%lld (%s)", key->name,
                            (long long)v, (long long)key->min, (long long)key->max, where);
    }
    *int_slot(ld->cfg, key) = v;
    ld->cfg->origins[idx] = where;
    return ORDO_OK;
}

static enum ordo_code store_enum(struct loader *ld, size_t idx, const char *text, const char *where,
                                 struct ordo_err *err)
{
    const struct config_key *key = &config_keys[idx];
    struct ordo_buf list = ORDO_BUF_INIT;

    for (size_t i = 0; key->words[i]; i++) {
        if (equals_ignore_case(text, key->words[i])) {
            *str_slot(ld->cfg, key) = key->words[i];
            ld->cfg->origins[idx] = where;
            return ORDO_OK;
        }
    }
    join_words(&list, key->words, ", ", "");
    (void)ordo_err_set(err, ORDO_E_INVAL, "config key \"%s\": \"%s\" is not one of %s (%s)",
                       key->name, text, ordo_buf_cstr(&list), where);
    ordo_buf_cleanup(&list);
    return ORDO_E_INVAL;
}

/* Check and store a value given as text (environment, flag, _FILE, or a JSON
 * string of the file). */
static enum ordo_code store_text(struct loader *ld, size_t idx, const char *text, const char *where,
                                 struct ordo_err *err)
{
    const struct config_key *key = &config_keys[idx];
    int64_t v;

    switch (key->type) {
    case TYPE_INT:
        if (!parse_int64(text, &v)) {
            return ordo_err_set(err, ORDO_E_INVAL,
                                "config key \"%s\": \"%s\" is not an integer (%s)", key->name, text,
                                where);
        }
        return store_int(ld, idx, v, where, err);
    case TYPE_ENUM:
        return store_enum(ld, idx, text, where, err);
    default:
        if (key->check) {
            struct ordo_err why = {0};

            if (key->check(ld->arena, text, &why) != ORDO_OK) {
                return ordo_err_set(err, why.code, "config key \"%s\": %s (%s)", key->name, why.msg,
                                    where);
            }
        }
        *str_slot(ld->cfg, key) = ordo_arena_strdup(ld->arena, text);
        ld->cfg->origins[idx] = where;
        return ORDO_OK;
    }
}

/* --- files -------------------------------------------------------------- */

/* Secret files must be ours (or root's) and closed to group and others:
 * a key file another user can read, or replace, is not a secret. */
static enum ordo_code check_secret_file(const struct stat *st, const char *path, const char *where,
                                        struct ordo_err *err)
{
    if ((st->st_mode & 077) != 0) {
        return ordo_err_set(err, ORDO_E_INVAL,
                            "secret file %s (%s) has mode %04o; it must not be readable or "
                            "writable by group or others (chmod 600 %s)",
                            path, where, (unsigned)(st->st_mode & 07777), path);
    }
    if (st->st_uid != geteuid() && st->st_uid != 0) {
        return ordo_err_set(err, ORDO_E_INVAL,
                            "secret file %s (%s) is owned by uid %u, not by uid %u or root", path,
                            where, (unsigned)st->st_uid, (unsigned)geteuid());
    }
    return ORDO_OK;
}

static enum ordo_code read_fd(int fd, size_t max, const char *path, const char *where,
                              struct ordo_buf *out, struct ordo_err *err)
{
    char chunk[4096];
    ssize_t n;

    while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return ordo_err_set(err, ORDO_E_INVAL, "could not read %s (%s): %s", path, where,
                                strerror(errno));
        }
        if (out->len + (size_t)n > max) {
            return ordo_err_set(err, ORDO_E_TOOBIG, "%s (%s) is larger than %zu bytes", path, where,
                                max);
        }
        ordo_buf_append(out, chunk, (size_t)n);
    }
    return ORDO_OK;
}

/* Read the regular file 'path' (at most 'max' bytes) into 'arena'. */
static enum ordo_code read_file(struct ordo_arena *arena, const char *path, size_t max, bool secret,
                                const char *where, char **data, size_t *len, struct ordo_err *err)
{
    static char no_data[1];
    struct ordo_buf buf = ORDO_BUF_INIT;
    struct stat st;
    enum ordo_code rc = ORDO_OK;
    int fd;

    *data = no_data; /* defined outputs on every path */
    *len = 0;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return ordo_err_set(err, ORDO_E_INVAL, "could not open %s (%s): %s", path, where,
                            strerror(errno));
    }
    if (fstat(fd, &st) != 0) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "could not stat %s (%s): %s", path, where,
                          strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "%s (%s) is not a regular file", path, where);
        goto out;
    }
    if (secret) {
        rc = check_secret_file(&st, path, where, err);
        if (rc != ORDO_OK) {
            goto out;
        }
    }
    rc = read_fd(fd, max, path, where, &buf, err);
    if (rc == ORDO_OK) {
        *len = buf.len;
        *data = ordo_arena_strndup(arena, ordo_buf_cstr(&buf), buf.len);
    }
out:
    ordo_buf_cleanup(&buf);
    (void)close(fd);
    return rc;
}

/* The _FILE rule: the value is the file's content less one trailing newline. */
static enum ordo_code store_from_file(struct loader *ld, size_t idx, const char *path,
                                      const char *where, struct ordo_err *err)
{
    const struct config_key *key = &config_keys[idx];
    char *data;
    size_t len;
    enum ordo_code rc;

    rc = read_file(ld->arena, path, VALUE_FILE_MAX, is_secret(key), where, &data, &len, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    if (memchr(data, '\0', len)) {
        return ordo_err_set(err, ORDO_E_INVAL, "%s (%s) contains a NUL byte", path, where);
    }
    if (len > 0 && data[len - 1] == '\n') {
        data[--len] = '\0';
        if (len > 0 && data[len - 1] == '\r') {
            data[--len] = '\0';
        }
    }
    return store_text(ld, idx, data, ordo_arena_printf(ld->arena, "%s via %s", where, path), err);
}

/* --- the JSON config file ------------------------------------------------ */

static enum ordo_code store_json(struct loader *ld, size_t idx, bool from_file, json_t *v,
                                 const char *name, const char *where, struct ordo_err *err)
{
    const struct config_key *key = &config_keys[idx];
    const char *want = (key->type == TYPE_INT && !from_file) ? "an integer" : "a string";

    if (key->type == TYPE_INT && !from_file && json_is_integer(v)) {
        return store_int(ld, idx, (int64_t)json_integer_value(v), where, err);
    }
    if (!json_is_string(v) || (key->type == TYPE_INT && !from_file)) {
        return ordo_err_set(err, ORDO_E_INVAL, "config key \"%s\" in %s must be %s, not %s", name,
                            ld->config_path, want, ordo_json_type_name(v));
    }
    if (from_file) {
        return store_from_file(ld, idx, json_string_value(v), where, err);
    }
    return store_text(ld, idx, json_string_value(v), where, err);
}

static enum ordo_code unknown_file_key(const char *path, const char *name, struct ordo_err *err)
{
    const struct config_key *hint = suggest_key(name);

    if (hint) {
        return ordo_err_set(err, ORDO_E_INVAL,
                            "unknown config key \"%s\" in %s (did you mean \"%s\"?)", name, path,
                            hint->name);
    }
    return ordo_err_set(err, ORDO_E_INVAL, "unknown config key \"%s\" in %s", name, path);
}

static enum ordo_code apply_file_object(struct loader *ld, json_t *root, struct ordo_err *err)
{
    const char *where = ordo_arena_printf(ld->arena, "file %s", ld->config_path);
    bool seen[KEY_COUNT] = {false};
    const char *name;
    json_t *v;

    json_object_foreach(root, name, v)
    {
        bool from_file;
        int idx = find_key(name, &from_file);
        enum ordo_code rc;

        if (idx < 0 || is_test_only(&config_keys[idx])) {
            return unknown_file_key(ld->config_path, name, err);
        }
        if (seen[idx]) {
            return ordo_err_set(err, ORDO_E_INVAL,
                                "config key \"%s\" is given twice in %s (as a value and as "
                                "\"%s_file\")",
                                config_keys[idx].name, ld->config_path, config_keys[idx].name);
        }
        seen[idx] = true;
        rc = store_json(ld, (size_t)idx, from_file, v, name, where, err);
        if (rc != ORDO_OK) {
            return rc;
        }
    }
    return ORDO_OK;
}

static enum ordo_code load_file(struct loader *ld, struct ordo_err *err)
{
    struct ordo_err jerr = {0};
    char *data;
    size_t len;
    json_t *root = NULL;
    enum ordo_code rc;

    rc = read_file(ld->arena, ld->config_path, CONFIG_FILE_MAX, false, ld->config_path_where, &data,
                   &len, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    rc = ordo_json_parse(data, len, NULL, &root, &jerr);
    if (rc != ORDO_OK) {
        return ordo_err_set(err, rc, "config file %s: %s", ld->config_path, jerr.msg);
    }
    if (!json_is_object(root)) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "config file %s must hold a JSON object, not %s",
                          ld->config_path, ordo_json_type_name(root));
    } else {
        rc = apply_file_object(ld, root, err);
    }
    json_decref(root);
    return rc;
}

/* --- environment and flags ---------------------------------------------- */

static void warn(struct loader *ld, const char *message)
{
    if (ld->src && ld->src->warn) {
        ld->src->warn(ld->src->warn_ctx, message);
    }
}

/* Variables of other Ordo tools that share the ORDO_ prefix: the remote CLI
 * commands' server address and key, and the build and test scripts' knobs
 * (scripts/test.sh passes them to every test, which may run `ordo`). */
static const char *const cli_env_names[] = {
    "ORDO_URL",  "ORDO_API_KEY",   "ORDO_SKIP_NODE",  "ORDO_SKIP_DEPS",
    "ORDO_JOBS", "ORDO_TIDY_BASE", "ORDO_CORPUS_DIR", NULL};

static bool is_cli_env(const char *name)
{
    for (size_t i = 0; cli_env_names[i]; i++) {
        if (strcmp(name, cli_env_names[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* "ORDO_LOG_LEVEL" -> "log_level"; NULL unless the rest is upper case. */
static char *env_key_name(struct ordo_arena *arena, const char *name)
{
    char *s = ordo_arena_strdup(arena, name + 5);

    for (char *p = s; *p; p++) {
        if (*p >= 'A' && *p <= 'Z') {
            *p = (char)(*p - 'A' + 'a');
        } else if (!((*p >= '0' && *p <= '9') || *p == '_')) {
            return NULL;
        }
    }
    return s;
}

static void warn_unknown_env(struct loader *ld, const char *name, const char *lower)
{
    const struct config_key *hint = lower ? suggest_key(lower) : NULL;

    if (hint) {
        warn(ld, ordo_arena_printf(ld->arena,
                                   "unknown environment variable %s is ignored (did you mean %s?)",
                                   name, env_name(ld->arena, hint->name)));
    } else {
        warn(ld, ordo_arena_printf(ld->arena, "unknown environment variable %s is ignored", name));
    }
}

static enum ordo_code add_pending(struct pending *list, size_t *n, bool *seen, int idx,
                                  bool from_file, const char *value, const char *where,
                                  struct ordo_err *err)
{
    if (seen[idx]) {
        return ordo_err_set(err, ORDO_E_INVAL, "config key \"%s\" is given more than once (%s)",
                            config_keys[idx].name, where);
    }
    seen[idx] = true;
    list[*n] = (struct pending){(size_t)idx, from_file, value, where};
    (*n)++;
    return ORDO_OK;
}

static enum ordo_code scan_env(struct loader *ld, struct ordo_err *err)
{
    char *const *envp = ld->src ? ld->src->envp : NULL;
    bool seen[KEY_COUNT] = {false};
    size_t count = 0;

    for (size_t i = 0; envp && envp[i]; i++) {
        count++;
    }
    ld->env = ordo_arena_calloc(ld->arena, count + 1, sizeof(*ld->env));
    for (size_t i = 0; i < count; i++) {
        const char *eq = strchr(envp[i], '=');
        const char *name;
        char *lower;
        bool from_file;
        int idx;
        enum ordo_code rc;

        if (strncmp(envp[i], "ORDO_", 5) != 0 || !eq) {
            continue;
        }
        name = ordo_arena_strndup(ld->arena, envp[i], (size_t)(eq - envp[i]));
        if (strcmp(name, "ORDO_CONFIG") == 0) {
            if (!ld->config_path) { /* --config, read before, wins */
                ld->config_path = eq + 1;
                ld->config_path_where = "environment ORDO_CONFIG";
            }
            continue;
        }
        if (is_cli_env(name)) {
            continue;
        }
        lower = env_key_name(ld->arena, name);
        idx = lower ? find_key(lower, &from_file) : -1;
        if (idx < 0) {
            warn_unknown_env(ld, name, lower);
            continue;
        }
        rc = add_pending(ld->env, &ld->n_env, seen, idx, from_file, eq + 1,
                         ordo_arena_printf(ld->arena, "environment %s", name), err);
        if (rc != ORDO_OK) {
            return rc;
        }
    }
    return ORDO_OK;
}

static enum ordo_code unknown_flag(struct loader *ld, const char *flag, const char *name,
                                   struct ordo_err *err)
{
    const struct config_key *hint = suggest_key(name);

    if (hint) {
        return ordo_err_set(err, ORDO_E_INVAL, "unknown flag %s (did you mean --%s?)", flag,
                            dashed(ld->arena, hint->name));
    }
    return ordo_err_set(err, ORDO_E_INVAL, "unknown flag %s", flag);
}

/* One flag at argv[*i]; advances *i past a separate value. */
static enum ordo_code parse_flag(struct loader *ld, int *i, bool *seen, struct ordo_err *err)
{
    const char *arg = ld->src->argv[*i];
    const char *eq = strchr(arg, '=');
    size_t flag_len = eq ? (size_t)(eq - arg) : strlen(arg);
    const char *flag = ordo_arena_strndup(ld->arena, arg, flag_len);
    char *name;
    const char *value;
    bool from_file;
    int idx;

    if (strncmp(arg, "--", 2) != 0 || flag_len == 2) {
        return ordo_err_set(err, ORDO_E_INVAL, "unexpected argument \"%s\"", arg);
    }
    name = ordo_arena_strdup(ld->arena, flag + 2);
    for (char *p = strchr(name, '-'); p; p = strchr(p, '-')) {
        *p = '_';
    }
    if (eq) {
        value = eq + 1;
    } else if (*i + 1 < ld->src->argc) {
        value = ld->src->argv[++*i];
    } else {
        return ordo_err_set(err, ORDO_E_INVAL, "flag %s needs a value", flag);
    }
    if (strcmp(name, "config") == 0) {
        ld->config_path = value;
        ld->config_path_where = "flag --config";
        return ORDO_OK;
    }
    idx = find_key(name, &from_file);
    if (idx < 0 || is_test_only(&config_keys[idx])) {
        return unknown_flag(ld, flag, name, err);
    }
    if (is_secret(&config_keys[idx]) && !from_file) {
        warn(ld, ordo_arena_printf(ld->arena,
                                   "secret %s given as a flag is visible in the process list; "
                                   "use %s_FILE or --%s-file instead",
                                   flag, env_name(ld->arena, config_keys[idx].name), flag + 2));
    }
    return add_pending(ld->flags, &ld->n_flags, seen, idx, from_file, value,
                       ordo_arena_printf(ld->arena, "flag %s", flag), err);
}

static enum ordo_code parse_flags(struct loader *ld, struct ordo_err *err)
{
    bool seen[KEY_COUNT] = {false};
    int argc = ld->src ? ld->src->argc : 0;

    ld->flags = ordo_arena_calloc(ld->arena, (size_t)(argc > 0 ? argc : 0) + 1, sizeof(*ld->flags));
    for (int i = 0; i < argc; i++) {
        enum ordo_code rc = parse_flag(ld, &i, seen, err);

        if (rc != ORDO_OK) {
            return rc;
        }
    }
    return ORDO_OK;
}

static enum ordo_code apply_pending(struct loader *ld, const struct pending *list, size_t n,
                                    struct ordo_err *err)
{
    for (size_t i = 0; i < n; i++) {
        enum ordo_code rc =
            list[i].from_file ? store_from_file(ld, list[i].key, list[i].value, list[i].where, err)
                              : store_text(ld, list[i].key, list[i].value, list[i].where, err);

        if (rc != ORDO_OK) {
            return rc;
        }
    }
    return ORDO_OK;
}

/* --- public --------------------------------------------------------------- */

void ordo_config_defaults(struct ordo_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    for (size_t i = 0; i < KEY_COUNT; i++) {
        const struct config_key *key = &config_keys[i];
        int64_t v = 0;

        if (key->type == TYPE_INT) {
            (void)parse_int64(key->fallback, &v); /* the table's own text; a test checks it */
            *int_slot(cfg, key) = v;
        } else {
            *str_slot(cfg, key) = key->fallback;
        }
        cfg->origins[i] = "default";
    }
}

enum ordo_code ordo_config_load(struct ordo_config *cfg, struct ordo_arena *arena,
                                const struct ordo_config_sources *src, struct ordo_err *err)
{
    struct loader ld = {.cfg = cfg, .arena = arena, .src = src};
    enum ordo_code rc;

    ordo_config_defaults(cfg);
    /* Flags and environment are read first (they name the file) and applied
     * last, so that they win over it. */
    rc = parse_flags(&ld, err);
    if (rc == ORDO_OK) {
        rc = scan_env(&ld, err);
    }
    if (rc == ORDO_OK && ld.config_path && ld.config_path[0]) {
        rc = load_file(&ld, err);
    }
    if (rc == ORDO_OK) {
        rc = apply_pending(&ld, ld.env, ld.n_env, err);
    }
    if (rc == ORDO_OK) {
        rc = apply_pending(&ld, ld.flags, ld.n_flags, err);
    }
    return rc;
}

const char *ordo_config_origin(const struct ordo_config *cfg, const char *key)
{
    for (size_t i = 0; i < KEY_COUNT; i++) {
        if (strcmp(key, config_keys[i].name) == 0) {
            return cfg->origins[i] ? cfg->origins[i] : "default";
        }
    }
    return NULL;
}

/* Where the password=VALUE at 'p' starts its value (NULL: it is not one);
 * 'p' must be at the start of a word. */
static const char *password_value(const char *p)
{
    if (strncmp(p, "password", 8) != 0) {
        return NULL;
    }
    p += 8;
    while (*p == ' ') {
        p++;
    }
    if (*p != '=') {
        return NULL;
    }
    p++;
    while (*p == ' ') {
        p++;
    }
    return p;
}

/* The end of a keyword value: a quoted one ('a \' b') or up to a space or &. */
static const char *value_end(const char *p)
{
    if (*p != '\'') {
        return p + strcspn(p, " &");
    }
    for (p++; *p && *p != '\''; p++) {
        p += p[0] == '\\' && p[1] != '\0';
    }
    return *p ? p + 1 : p;
}

/* A connection string or URL with its password replaced by [redacted]:
 * the user:PASSWORD@ of a URI, and password=VALUE of libpq's keyword form
 * or of a URI's query. A new reference. */
static json_t *redact_url(const char *s)
{
    struct ordo_buf b = ORDO_BUF_INIT;
    const char *host = strstr(s, "://"), *at = NULL, *p = s;
    json_t *v;

    if (host) {
        host += 3;
        for (const char *q = host; *q && !strchr("/?#", *q); q++) {
            at = *q == '@' ? q : at;
        }
    }
    if (at && memchr(host, ':', (size_t)(at - host))) {
        const char *colon = memchr(host, ':', (size_t)(at - host));

        ordo_buf_printf(&b, "%.*s[redacted]", (int)(colon + 1 - s), s);
        p = at;
    }
    while (*p) {
        const char *v0 = (p == s || strchr(" ?&", p[-1])) ? password_value(p) : NULL;

        if (v0) {
            ordo_buf_printf(&b, "%.*s[redacted]", (int)(v0 - p), p);
            p = value_end(v0);
        } else {
            ordo_buf_putc(&b, *p++);
        }
    }
    v = json_string(ordo_buf_cstr(&b));
    ordo_buf_cleanup(&b);
    return v;
}

void ordo_config_print_json(const struct ordo_config *cfg, struct ordo_buf *out)
{
    json_t *obj = json_object();
    char *text;

    for (size_t i = 0; i < KEY_COUNT; i++) {
        const struct config_key *key = &config_keys[i];
        const char *s = key->type == TYPE_INT ? NULL : str_value(cfg, key);
        json_t *v;

        if (key->type == TYPE_INT) {
            v = json_integer((json_int_t)int_value(cfg, key));
        } else if (is_secret(key)) {
            v = json_string(s && s[0] ? "[redacted]" : "");
        } else {
            v = (key->flags & KEY_URL) && s ? redact_url(s) : json_string(s ? s : "");
            v = v ? v : json_string("[not valid UTF-8]"); /* jansson refuses such strings */
        }
        if (is_test_only(key) && s && !s[0]) {
            json_decref(v);
            continue;
        }
        (void)json_object_set_new(obj, key->name, v);
    }
    text = json_dumps(obj, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!text) {
        ordo_oom(0);
    }
    ordo_buf_puts(out, text);
    ordo_buf_putc(out, '\n');
    free(text);
    json_decref(obj);
}

/* "(1..65535, default 8080)" and the like, for --help. An empty default is
 * not shown: the help text says what empty means. */
static void append_help_suffix(struct ordo_buf *out, struct ordo_arena *arena,
                               const struct config_key *key)
{
    if (is_secret(key)) {
        ordo_buf_printf(out, " (secret; or --%s-file FILE)", dashed(arena, key->name));
    } else if (key->type == TYPE_INT) {
        ordo_buf_printf(out, " (%lld..%lld, default %s)", (long long)key->min, (long long)key->max,
                        key->fallback);
    } else if (key->type == TYPE_ENUM) {
        ordo_buf_puts(out, " (");
        join_words(out, key->words, "|", "");
        ordo_buf_printf(out, ", default %s)", key->fallback);
    } else if (key->fallback[0]) {
        ordo_buf_printf(out, " (default %s)", key->fallback);
    }
}

void ordo_config_write_help(struct ordo_buf *out)
{
    struct ordo_arena *arena = ordo_arena_new();

    ordo_buf_printf(out, "  %-*s %s\n", HELP_FLAG_WIDTH, "--config FILE",
                    "JSON config file (or ORDO_CONFIG)");
    for (size_t i = 0; i < KEY_COUNT; i++) {
        const struct config_key *key = &config_keys[i];
        const char *flag;

        if (is_test_only(key)) {
            continue;
        }
        flag = ordo_arena_printf(arena, "--%s %s", dashed(arena, key->name), key->metavar);
        ordo_buf_printf(out, "  %-*s %s", HELP_FLAG_WIDTH, flag, key->help);
        append_help_suffix(out, arena, key);
        ordo_buf_putc(out, '\n');
    }
    ordo_buf_puts(out, "Every flag is also an environment variable ORDO_<KEY> and a config file "
                       "key; --<key>-file FILE reads the value from a file.\n");
    ordo_arena_free(arena);
}

static void append_md_type(struct ordo_buf *out, const struct config_key *key)
{
    if (key->type == TYPE_INT) {
        ordo_buf_printf(out, "integer, %lld..%lld", (long long)key->min, (long long)key->max);
    } else if (key->type == TYPE_ENUM) {
        ordo_buf_puts(out, "one of ");
        join_words(out, key->words, ", ", "`");
    } else {
        ordo_buf_puts(out, is_secret(key) ? "secret string" : "string");
    }
}

static void append_md_default(struct ordo_buf *out, const struct config_key *key)
{
    if (key->fallback[0]) {
        ordo_buf_printf(out, "`%s`", key->fallback);
    } else {
        ordo_buf_puts(out, is_secret(key) ? "(none)" : "(empty)");
    }
}

static const char md_intro[] =
    "# Configuration\n"
    "\n"
    "<!-- Generated from the key table in base/config.c by ordo_config_write_markdown().\n"
    "     Do not edit by hand: change the table, then run\n"
    "     ORDOTEST_REGENERATE_DOCS=1 ctest -R test_config   (from the build directory). -->\n"
    "\n"
    "Ordo reads its configuration from four sources; each one overrides the ones before it:\n"
    "\n"
    "1. the defaults below;\n"
    "2. a JSON config file named by `--config FILE` or `ORDO_CONFIG`, holding one object whose\n"
    "   members are key names: `{\"port\": 8080, \"log_level\": \"debug\"}`. Integer keys take "
    "JSON\n"
    "   integers, all other keys JSON strings;\n"
    "3. environment variables `ORDO_<KEY>`, the key in upper case: `ORDO_LOG_LEVEL=debug`;\n"
    "4. command-line flags `--key VALUE` or `--key=VALUE`, where dashes and underscores are the\n"
    "   same: `--log-level debug`, `--log_level=debug`.\n"
    "\n"
    "**Values in files.** Every key also has a `_FILE` form: `master_key_file` in the config "
    "file,\n"
    "`ORDO_MASTER_KEY_FILE` in the environment, `--master-key-file` as a flag. Ordo then reads "
    "the\n"
    "value from that file (a relative path is relative to the working directory) and removes one\n"
    "trailing newline. For secret keys the file must be a regular file owned by the user Ordo "
    "runs\n"
    "as (or root) with no permissions for group or others (`chmod 600`); otherwise Ordo refuses "
    "to\n"
    "start and names the file and its mode. Secrets are never logged, and `ordo config print` "
    "shows\n"
    "them as `[redacted]`, as it does the password inside `database_url`,\n"
    "`migrate_database_url` and `llm_url`. Prefer `_FILE` or the environment for secrets: flags\n"
    "are visible to other users in the process list, and Ordo warns when a secret is given as a\n"
    "flag.\n"
    "\n"
    "**Mistakes stop start-up.** An unknown key in the config file, an unknown flag, a value of "
    "the\n"
    "wrong JSON type, an integer that is malformed or out of range, a word that is not in a key's\n"
    "list, an `http_allow` entry that is not an IP address or a CIDR block, and a key given twice\n"
    "in one source (such as `ORDO_MASTER_KEY` together with `ORDO_MASTER_KEY_FILE`) are errors\n"
    "whose message names the key and where it came from. An\n"
    "unknown `ORDO_*` environment variable is only warned about. `ORDO_CONFIG`, and `ORDO_URL` "
    "and\n"
    "`ORDO_API_KEY` (which the remote CLI commands use to reach a server), are not config keys "
    "and\n"
    "are never warned about; nor are the build and test scripts' own variables (`ORDO_SKIP_NODE`,\n"
    "`ORDO_SKIP_DEPS`, `ORDO_JOBS`, `ORDO_TIDY_BASE`, `ORDO_CORPUS_DIR`; see "
    "docs/development.md).\n"
    "\n"
    "## Keys\n"
    "\n"
    "| key | environment | flag | type | default | description |\n"
    "|---|---|---|---|---|---|\n";

static const char md_test_hooks[] =
    "\n"
    "## Test hooks\n"
    "\n"
    "These keys exist for Ordo's own tests, such as the crash-recovery tests. They are read from\n"
    "the environment only (never from the config file or flags), are left out of `--help`, and "
    "are\n"
    "not warned about. Do not set them in production.\n"
    "\n"
    "| key | environment | type | default | description |\n"
    "|---|---|---|---|---|\n";

void ordo_config_write_markdown(struct ordo_buf *out)
{
    struct ordo_arena *arena = ordo_arena_new();

    ordo_buf_puts(out, md_intro);
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            ordo_buf_puts(out, md_test_hooks);
        }
        for (size_t i = 0; i < KEY_COUNT; i++) {
            const struct config_key *key = &config_keys[i];

            if (is_test_only(key) != (pass == 1)) {
                continue;
            }
            ordo_buf_printf(out, "| `%s` | `%s` | ", key->name, env_name(arena, key->name));
            if (pass == 0) {
                ordo_buf_printf(out, "`--%s` | ", dashed(arena, key->name));
            }
            append_md_type(out, key);
            ordo_buf_puts(out, " | ");
            append_md_default(out, key);
            ordo_buf_printf(out, " | %s |\n", key->help);
        }
    }
    ordo_arena_free(arena);
}
