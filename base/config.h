/*
 * base/config.h - the server's configuration: one key table behind the JSON
 * config file, ORDO_* environment variables, --flags, --help and
 * docs/configuration.md (CONTRACTS.md §5, STYLE.md 4.5).
 *
 * Sources, lowest to highest precedence:
 *   defaults < JSON config file < environment < flags
 * - The file is named by the flag --config FILE (or --config=FILE), else by
 *   ORDO_CONFIG. It holds one JSON object whose members are key names:
 *   {"port": 8080, "log_level": "debug"}. Integer keys take JSON integers,
 *   other keys JSON strings; any other type is an error.
 * - Environment: ORDO_<KEY> in upper case (ORDO_LOG_LEVEL).
 * - Flags: --key VALUE or --key=VALUE; dashes and underscores are the same
 *   (--log-level, --log_level).
 * - Every key also has a _FILE form: file member "master_key_file", env
 *   ORDO_MASTER_KEY_FILE, flag --master-key-file. The value is read from the
 *   named file (relative to the working directory) with one trailing newline
 *   removed. For secret keys the file must be a regular file with no
 *   permissions for group or others (0600 or 0400) owned by the effective user
 *   or root; otherwise it is refused with a message naming the file and mode.
 * - Setting one key twice in one source (e.g. ORDO_MASTER_KEY and
 *   ORDO_MASTER_KEY_FILE, or --port twice) is an error.
 *
 * Errors (all ORDO_E_INVAL unless noted; the message names the key and where
 * it came from): an unknown key in the file or an unknown flag, a wrong JSON
 * type, a value that is not an integer or out of range
 * ('config key "port": 70000 is out of range 1..65535 (flag --port)'), a word
 * not in an enum's list, a value of the wrong form (http_allow: see
 * ordo_httpc_parse_allow()), an unreadable file, ORDO_E_TOOBIG for a config file
 * over 1 MiB or a _FILE over 64 KiB.
 *
 * Warnings are not errors and the library never prints them: they go to the
 * caller's callback (the CLI logs them once logging is set up). They are an
 * unknown ORDO_* environment variable (ORDO_URL, ORDO_API_KEY and ORDO_CONFIG
 * belong to the CLI and are not warned about), and a secret passed as a flag,
 * where other users of the machine can see it in the process list.
 *
 * Test-only keys (crashpoint) are read from the environment only; --help and
 * the key table of docs/configuration.md leave them out (they are listed
 * under "Test hooks"), ordo_config_print_json() shows them only when set.
 *
 * Ownership: strings of a loaded config live in the caller's arena; string
 * members are never NULL ("" when unset). A config is a plain value: read it
 * from any thread once loaded.
 */
#ifndef ORDO_BASE_CONFIG_H
#define ORDO_BASE_CONFIG_H

#include <stdint.h>

#include "base/err.h"

struct ordo_arena;
struct ordo_buf;

#define ORDO_CONFIG_KEY_COUNT 47

/* Members are named exactly like their keys. Integers are int64_t whatever
 * their range; enum keys hold their canonical word ("info"), which points into
 * the key table. */
struct ordo_config {
    const char *listen_addr;
    int64_t port;
    const char *data_dir;
    const char *database_url;
    const char *migrate_database_url;
    const char *admin_key;         /* secret */
    const char *master_key;        /* secret */
    const char *master_key_old;    /* secret: previous master keys, comma-separated */
    const char *audit_signing_key; /* secret */
    const char *plugin_dir;
    const char *ui_dir;
    const char *llm_provider;
    const char *llm_url;
    const char *llm_model;
    const char *llm_api_key; /* secret */
    const char *llm_timeout; /* base/duration.h */
    int64_t llm_repair_rounds;
    int64_t llm_token_budget;
    const char *timezone;
    const char *log_level;  /* debug | info | warn | error */
    const char *log_format; /* json | text */
    int64_t bpmn_max_bytes;
    int64_t executor_threads;
    int64_t http_threads;
    int64_t http_max_connections;
    int64_t http_max_per_ip;
    int64_t http_timeout;
    int64_t rate_limit;
    int64_t rate_burst;
    const char *trusted_proxies;
    const char *http_allow;  /* base/httpc.h: ordo_httpc_parse_allow() */
    const char *http_scheme; /* https | any */
    const char *tls_cert_file;
    const char *tls_key_file;
    int64_t access_log_every;
    int64_t webhook_max_body; /* bytes of an inbound webhook body (GitHub: 25 MiB) */
    int64_t webhook_workers;  /* threads that work stored deliveries */
    int64_t webhook_senders;
    const char *webhook_timeout;        /* base/duration.h */
    const char *webhook_retry_schedule; /* base/duration.h: a list */
    const char *webhook_disable_after;  /* base/duration.h */
    const char *webhook_retention;      /* base/duration.h */
    int64_t draft_workers;              /* threads that draft processes (docs/drafts.md) */
    const char *draft_retention;        /* base/duration.h: undeployed drafts older go */
    const char *crashpoint;             /* test-only: ORDO_CRASHPOINT */
    const char *snapshot_steps;         /* test-only: ORDO_SNAPSHOT_STEPS */
    const char *lease_ms;               /* test-only: ORDO_LEASE_MS */

    /* Where each value came from, by key: see ordo_config_origin(). */
    const char *origins[ORDO_CONFIG_KEY_COUNT];
};

/* Receives one warning, a complete sentence without trailing newline; the
 * string is valid only during the call. */
typedef void ordo_config_warn_fn(void *ctx, const char *message);

struct ordo_config_sources {
    int argc;                  /* number of flag arguments in argv */
    char *const *argv;         /* flags only: no program or command name */
    char *const *envp;         /* "NAME=value" strings, NULL-terminated; NULL: none */
    ordo_config_warn_fn *warn; /* NULL: warnings are dropped */
    void *warn_ctx;
};

/* Fill 'cfg' with the defaults only (static strings; no arena needed). */
void ordo_config_defaults(struct ordo_config *cfg);

/* Fill 'cfg' from defaults, file, environment and flags, in that precedence.
 * Every argument in src->argv must be a config flag or --config; anything else
 * (a positional argument, an unknown flag, a flag without its value) is an
 * error, so commands remove their own options first. On error, 'cfg' holds a
 * partly loaded config that must not be used. */
enum ordo_code ordo_config_load(struct ordo_config *cfg, struct ordo_arena *arena,
                                const struct ordo_config_sources *src, struct ordo_err *err);

/* Where the value of 'key' came from: "default", "file /etc/ordo.json",
 * "environment ORDO_PORT", "environment ORDO_MASTER_KEY_FILE" or "flag --port";
 * NULL for an unknown key. */
const char *ordo_config_origin(const struct ordo_config *cfg, const char *key);

/* Append the config as one JSON object (two-space indent, keys in table
 * order, trailing newline). Secrets are "[redacted]" when set and "" when
 * not; so is the password inside a URL key (database_url, postgres://u:PW@h
 * or password=PW); test-only keys appear only when set. */
void ordo_config_print_json(const struct ordo_config *cfg, struct ordo_buf *out);

/* Append the --help text: a --config line, then one line per key (test-only
 * keys left out) with its flag, value form, description and default. */
void ordo_config_write_help(struct ordo_buf *out);

/* Append docs/configuration.md: the rules above, a table of keys and a
 * "Test hooks" section. tests/unit/test_config.c checks the committed file
 * against this output. */
void ordo_config_write_markdown(struct ordo_buf *out);

#endif
