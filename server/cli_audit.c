/*
 * server/cli_audit.c - `ordo audit verify`, `ordo audit purge`, and the
 * audit signing key and sealer of `ordo worker`.
 *
 * `ordo audit verify` reads the database directly (database_url, else the
 * embedded database in data_dir), or asks a server (GET /api/audit/verify,
 * CONTRACTS §5): remote with --url; direct when database_url is set (by
 * flag, environment or config file); else remote when ORDO_URL is set;
 * else direct on the embedded database. --url with --database-url is bad
 * usage. `ordo audit purge` is maintenance:
 * it runs as the migration role (migrate_database_url), the only one that
 * may delete audit rows, and signs its anchor with the sealer's key.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/crypto.h"
#include "base/log.h"
#include "base/pg.h"
#include "core/audit.h"
#include "core/store.h"
#include "server/cli_client.h"
#include "server/cli_internal.h"

#define KEY_FILE_NAME "audit-signing.key"

/* ---- the signing key and the sealer (`ordo worker`) ----------------------------------------- */

/* audit_signing_key, else the embedded default's key file (CONTRACTS §13). */
static int load_key(struct ordo_cli *cli, const struct ordo_config *cfg, struct ordo_audit_key *key)
{
    struct ordo_err err = {0};
    const char *path;
    bool created = false;

    if (cfg->audit_signing_key[0]) {
        if (ordo_audit_key_parse(cfg->audit_signing_key, key, &err) != ORDO_OK) {
            return ordo_cli_fail(cli, ORDO_CLI_USAGE, "%s (%s)", err.msg,
                                 ordo_config_origin(cfg, "audit_signing_key"));
        }
        return ORDO_CLI_OK;
    }
    if (cfg->database_url[0]) {
        return ordo_cli_fail(cli, ORDO_CLI_USAGE,
                             "audit_signing_key is not set: with an external database "
                             "(database_url) give the Ed25519 key that signs the audit log in "
                             "ORDO_AUDIT_SIGNING_KEY_FILE or audit_signing_key (docs/audit.md)");
    }
    path = ordo_arena_printf(cli->arena, "%s/%s", cfg->data_dir, KEY_FILE_NAME);
    if (ordo_audit_key_file(path, key, &created, &err) != ORDO_OK) {
        return ordo_cli_fail(cli, ORDO_CLI_USAGE, "%s", err.msg);
    }
    if (created) {
        ordo_log(ORDO_LOG_WARN, "audit",
                 "audit signing key generated: back it up apart from database dumps",
                 ORDO_STR("path", path));
    }
    return ORDO_CLI_OK;
}

int ordo_cli_audit_sealer(struct ordo_cli *cli, const struct ordo_config *cfg, const char *conninfo,
                          struct ordo_audit_sealer **out)
{
    struct ordo_audit_key key;
    struct ordo_err err = {0};
    char signer[ORDO_AUDIT_KEY_HEX_SIZE];
    int rc = load_key(cli, cfg, &key);

    if (rc != ORDO_CLI_OK) {
        return rc;
    }
    ordo_hex(key.public_key, sizeof key.public_key, signer);
    if (ordo_audit_sealer_start(conninfo, &key, 0, out, &err) != ORDO_OK) {
        rc = ordo_cli_fail(cli, ORDO_CLI_FAILED, "%s", err.msg);
    }
    ordo_crypto_wipe(&key, sizeof key);
    if (rc == ORDO_CLI_OK) {
        ordo_log(ORDO_LOG_INFO, "audit", "audit sealer started", ORDO_STR("signer", signer));
    }
    return rc;
}

/* ---- ordo audit verify ---------------------------------------------------------------------- */

struct verify_cmd {
    struct ordo_cli *cli;
    bool json;
    bool pinned;
    uint8_t pin[ORDO_SIGN_PUBLIC_SIZE];
    const char *pin_hex;
    const char *url;
    const char *api_key;
};

enum { OPT_PUBLIC_KEY, OPT_JSON, OPT_URL, OPT_API_KEY };

static const struct ordo_cli_opt verify_opts[] = {
    [OPT_PUBLIC_KEY] = {"--public-key", NULL, true},
    [OPT_JSON] = {"--json", NULL, false},
    [OPT_URL] = {"--url", NULL, true},
    [OPT_API_KEY] = {"--api-key", NULL, true},
};

static int verify_opt_cb(void *ctx, size_t which, const char *value)
{
    struct verify_cmd *c = ctx;

    if (which == OPT_JSON) {
        c->json = true;
        return ORDO_CLI_OK;
    }
    if (which == OPT_URL || which == OPT_API_KEY) {
        *(which == OPT_URL ? &c->url : &c->api_key) = value;
        return ORDO_CLI_OK;
    }
    if (!ordo_unhex(value, strlen(value), c->pin, sizeof c->pin)) {
        return ordo_cli_fail(c->cli, ORDO_CLI_USAGE,
                             "--public-key takes the 64 hex digits of an Ed25519 public key");
    }
    c->pinned = true;
    c->pin_hex = value;
    return ORDO_CLI_OK;
}

static void print_report(struct verify_cmd *c, const struct ordo_audit_report *r)
{
    FILE *out = c->cli->out;
    char head[2 * ORDO_AUDIT_HASH_SIZE + 1];

    if (c->json) {
        json_t *doc = ordo_audit_report_json(r);

        if (!doc) {
            ordo_oom(0);
        }
        (void)json_dumpf(doc, out, JSON_INDENT(2));
        (void)fputc('\n', out);
        json_decref(doc);
        return;
    }
    if (r->ok) {
        (void)fprintf(out, "audit chain verified: %lld rows in %lld seals", (long long)r->rows,
                      (long long)r->seals);
        if (r->seals > 0) {
            (void)fprintf(out, " (seals %lld to %lld)", (long long)r->first_seal,
                          (long long)r->last_seal);
        }
        if (r->anchors > 0) {
            (void)fprintf(out, "; %lld purged rows accounted for by %lld anchor%s",
                          (long long)r->purged, (long long)r->anchors, r->anchors == 1 ? "" : "s");
        }
        (void)fprintf(out, "; %lld rows not sealed yet\n", (long long)r->unsealed);
    } else {
        (void)fprintf(out, "audit chain broken: %s\n", r->problem);
        (void)fprintf(out, "verified before it: %lld rows in %lld seals\n", (long long)r->rows,
                      (long long)r->seals);
    }
    if (r->last_seal > 0) {
        ordo_hex(r->head, sizeof r->head, head);
        (void)fprintf(out, "%s: %s (seal %lld)\n", r->ok ? "head" : "last verified head", head,
                      (long long)r->last_seal);
    }
    for (size_t i = 0; i < r->nkeys && i < ORDO_AUDIT_MAX_KEYS; i++) {
        (void)fprintf(out, "public key: %s\n", r->keys[i]);
    }
}

/* Connect to database_url, or to the embedded database (started when it
 * is not running, and stopped again then). Verify only reads: it does not
 * migrate. An unreachable database is exit status 2, as documented. */
static int connect_db(struct verify_cmd *c, const struct ordo_config *cfg, struct ordo_cli_db *dbs,
                      PGconn **db)
{
    struct ordo_err err = {0};

    if (ordo_cli_db_connect(c->cli, cfg, dbs) != ORDO_CLI_OK) {
        return ORDO_CLI_USAGE;
    }
    if (ordo_pg_connect(dbs->conninfo, db, &err) != ORDO_OK) {
        return ordo_cli_fail(c->cli, ORDO_CLI_USAGE, "%s", err.msg);
    }
    return ORDO_CLI_OK;
}

static int verify(struct verify_cmd *c, const struct ordo_config *cfg)
{
    struct ordo_audit_report report;
    struct ordo_cli_db dbs = {0};
    struct ordo_err err = {0};
    PGconn *db = NULL;
    int rc = connect_db(c, cfg, &dbs, &db);

    if (rc == ORDO_CLI_OK &&
        ordo_audit_verify(db, c->pinned ? c->pin : NULL, &report, &err) != ORDO_OK) {
        rc = ordo_cli_fail(c->cli, ORDO_CLI_USAGE, "%s", err.msg);
    } else if (rc == ORDO_CLI_OK) {
        print_report(c, &report);
        rc = report.ok ? ORDO_CLI_OK : ORDO_CLI_FAILED;
    }
    PQfinish(db);
    ordo_cli_db_close(&dbs);
    return rc;
}

/* The report of GET /api/audit/verify, read back into the struct the
 * direct form prints. */
static void report_from_json(const json_t *j, struct ordo_audit_report *r)
{
    const char *head = json_string_value(json_object_get(j, "head"));
    const char *problem =
        json_string_value(json_object_get(json_object_get(j, "problem"), "message"));
    const json_t *k;
    size_t i;

    memset(r, 0, sizeof *r);
    r->ok = json_is_true(json_object_get(j, "ok"));
    r->rows = json_integer_value(json_object_get(j, "rows"));
    r->seals = json_integer_value(json_object_get(j, "seals"));
    r->first_seal = json_integer_value(json_object_get(j, "first_seal"));
    r->last_seal = json_integer_value(json_object_get(j, "last_seal"));
    r->unsealed = json_integer_value(json_object_get(j, "unsealed"));
    r->anchors = json_integer_value(json_object_get(j, "anchors"));
    r->purged = json_integer_value(json_object_get(j, "purged"));
    if (!head || !ordo_unhex(head, strlen(head), r->head, sizeof r->head)) {
        r->last_seal = 0; /* no head to show */
    }
    json_array_foreach(json_object_get(j, "public_keys"), i, k)
    {
        if (r->nkeys < ORDO_AUDIT_MAX_KEYS && json_is_string(k)) {
            (void)snprintf(r->keys[r->nkeys++], sizeof r->keys[0], "%s", json_string_value(k));
        }
    }
    (void)snprintf(r->problem, sizeof r->problem, "%s", problem ? problem : "unknown problem");
}

static int verify_remote(struct verify_cmd *c)
{
    struct ordo_cli_remote remote;
    struct ordo_cli_request req = {"GET", "/api/audit/verify", NULL, NULL, 0};
    struct ordo_cli_resp resp;
    struct ordo_audit_report report;
    int rc = ordo_cli_remote_init(c->cli, c->url, c->api_key, &remote);

    if (c->pin_hex) {
        req.path = ordo_arena_printf(c->cli->arena, "/api/audit/verify?publicKey=%s",
                                     ordo_cli_escape(c->cli, c->pin_hex));
    }
    if (rc == ORDO_CLI_OK) {
        rc = ordo_cli_request(c->cli, &remote, &req, &resp);
    }
    if (rc == ORDO_CLI_OK && !json_is_object(resp.json)) {
        rc = ordo_cli_fail(c->cli, ORDO_CLI_FAILED, "the server's answer is not a report");
    }
    if (rc != ORDO_CLI_OK) {
        return rc;
    }
    if (c->json) {
        (void)fprintf(c->cli->out, "%s\n", resp.body);
    } else {
        report_from_json(resp.json, &report);
        print_report(c, &report);
    }
    return json_is_true(json_object_get(resp.json, "ok")) ? ORDO_CLI_OK : ORDO_CLI_FAILED;
}

/* Remote or direct: see the header comment. */
static int verify_mode(struct verify_cmd *c, const struct ordo_config *cfg, bool *remote)
{
    const char *origin = ordo_config_origin(cfg, "database_url");
    const char *env_url = ordo_cli_getenv(c->cli, "ORDO_URL");

    if (c->url && origin && strncmp(origin, "flag", 4) == 0) {
        return ordo_cli_fail(c->cli, ORDO_CLI_USAGE,
                             "give --url (ask a server) or --database-url (read the database), "
                             "not both");
    }
    *remote = c->url || (!cfg->database_url[0] && env_url && env_url[0]);
    return ORDO_CLI_OK;
}

int ordo_cli_audit_verify(struct ordo_cli *cli, int argc, char **argv)
{
    struct verify_cmd c = {.cli = cli};
    struct ordo_config cfg;
    bool remote = false;
    int rc =
        ordo_cli_server_setup(cli, argc, argv, verify_opts,
                              sizeof verify_opts / sizeof verify_opts[0], verify_opt_cb, &c, &cfg);

    if (rc == ORDO_CLI_OK) {
        rc = verify_mode(&c, &cfg, &remote);
    }
    if (rc != ORDO_CLI_OK) {
        return rc;
    }
    return remote ? verify_remote(&c) : verify(&c, &cfg);
}

/* ---- ordo audit purge ----------------------------------------------------------------------- */

struct purge_cmd {
    struct ordo_cli *cli;
    bool json;
    struct ordo_audit_purge_opts opts;
};

enum { PURGE_RETENTION_DAYS, PURGE_DRY_RUN, PURGE_JSON };

static const struct ordo_cli_opt purge_opts[] = {
    [PURGE_RETENTION_DAYS] = {"--retention-days", NULL, true},
    [PURGE_DRY_RUN] = {"--dry-run", NULL, false},
    [PURGE_JSON] = {"--json", NULL, false},
};

static int purge_opt_cb(void *ctx, size_t which, const char *value)
{
    struct purge_cmd *c = ctx;
    char *end = NULL;
    long days;

    if (which == PURGE_JSON) {
        c->json = true;
        return ORDO_CLI_OK;
    }
    if (which == PURGE_DRY_RUN) {
        c->opts.dry_run = true;
        return ORDO_CLI_OK;
    }
    errno = 0;
    days = value[0] >= '0' && value[0] <= '9' ? strtol(value, &end, 10) : 0;
    if (errno != 0 || !end || *end != '\0' || days < 1 || days > ORDO_AUDIT_RETENTION_MAX) {
        return ordo_cli_fail(c->cli, ORDO_CLI_USAGE,
                             "--retention-days takes a whole number of days from 1 to %d",
                             ORDO_AUDIT_RETENTION_MAX);
    }
    c->opts.default_days = (int)days;
    return ORDO_CLI_OK;
}

/* The maintenance connection: migrate_database_url (the schema's owner),
 * else database_url, else the embedded database; the schema is brought
 * up to date first, as by `ordo migrate`. */
static int connect_owner(struct ordo_cli *cli, const struct ordo_config *cfg,
                         struct ordo_cli_db *dbs, PGconn **db)
{
    struct ordo_err err = {0};
    int rc = ordo_cli_db_open(cli, cfg, true, dbs);

    if (rc == ORDO_CLI_OK && ordo_pg_connect(dbs->owner_conninfo, db, &err) != ORDO_OK) {
        rc = ordo_cli_fail(cli, ORDO_CLI_FAILED, "%s", err.msg);
    }
    return rc;
}

static void print_purge(struct purge_cmd *c, const struct ordo_audit_purge_result *r)
{
    FILE *out = c->cli->out;
    json_t *doc;

    if (c->json) {
        doc = json_pack("{s:b, s:I, s:I, s:o, s:I}", "dry_run", c->opts.dry_run, "instances",
                        (json_int_t)r->instances, "audit_rows", (json_int_t)r->rows, "anchor",
                        r->anchor ? json_integer(r->anchor) : json_null(), "waiting",
                        (json_int_t)r->waiting);
        if (!doc) {
            ordo_oom(0);
        }
        (void)json_dumpf(doc, out, JSON_INDENT(2));
        (void)fputc('\n', out);
        json_decref(doc);
        return;
    }
    if (r->instances == 0) {
        (void)fprintf(out, "nothing to purge\n");
    } else {
        (void)fprintf(out, "%s %lld instances and their %lld audit rows",
                      c->opts.dry_run ? "would purge" : "purged", (long long)r->instances,
                      (long long)r->rows);
        if (r->anchor) {
            (void)fprintf(out, " (anchor %lld)", (long long)r->anchor);
        }
        (void)fputc('\n', out);
    }
    if (r->waiting > 0) {
        (void)fprintf(out,
                      "%lld more instances are past their retention but have audit rows not "
                      "sealed yet: the next purge takes them\n",
                      (long long)r->waiting);
    }
}

static int purge(struct purge_cmd *c, const struct ordo_config *cfg)
{
    struct ordo_audit_purge_result result;
    struct ordo_audit_key key = {0};
    struct ordo_cli_db dbs = {0};
    struct ordo_err err = {0};
    PGconn *db = NULL;
    int rc = connect_owner(c->cli, cfg, &dbs, &db);

    /* A dry run signs nothing: it needs no key (and makes none). */
    if (rc == ORDO_CLI_OK && !c->opts.dry_run) {
        rc = load_key(c->cli, cfg, &key);
    }
    if (rc == ORDO_CLI_OK &&
        ordo_audit_purge(db, c->opts.dry_run ? NULL : &key, &c->opts, &result, &err) != ORDO_OK) {
        rc = ordo_cli_fail(c->cli, ORDO_CLI_FAILED, "%s", err.msg);
    } else if (rc == ORDO_CLI_OK) {
        print_purge(c, &result);
    }
    ordo_crypto_wipe(&key, sizeof key);
    PQfinish(db);
    ordo_cli_db_close(&dbs);
    return rc;
}

int ordo_cli_audit_purge(struct ordo_cli *cli, int argc, char **argv)
{
    struct purge_cmd c = {.cli = cli};
    struct ordo_config cfg;
    int rc =
        ordo_cli_server_setup(cli, argc, argv, purge_opts, sizeof purge_opts / sizeof purge_opts[0],
                              purge_opt_cb, &c, &cfg);

    return rc == ORDO_CLI_OK ? purge(&c, &cfg) : rc;
}
