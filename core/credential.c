/*
 * core/credential.c - connector credentials: set, get, list, delete,
 * rotate (core/credential.h).
 *
 * Setting a credential needs its id before sealing (the associated data is
 * "credential:<id>"), so it is an upsert that keeps the old ciphertext (or
 * an empty placeholder for a new row), then an UPDATE with the sealed
 * secret, both in one transaction: nobody ever sees the placeholder, and
 * two sets of one name at once serialise on the row.
 *
 * Plaintext: the serialised secret and the decrypted box are buffers of
 * this file, wiped before they are freed. jansson's parser copies string
 * tokens into buffers of its own that it frees without wiping, and the
 * caller's json_t values are the caller's; ordo_credential_cleanup() wipes
 * what it can reach. Keeping every copy out of freed memory would need a
 * wiping allocator for all of jansson (json_set_alloc_funcs), which is a
 * process-wide choice for server/ to make.
 */
#include "core/credential.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/pg.h"
#include "core/audit.h"

#define CONFIG_DEPTH_MAX 64
#define NAME_MAX_LEN     63 /* connector and credential names, as the table's CHECKs */
#define FIELD_NAME_MAX   64
#define AD_SIZE          48 /* "credential:" and an int64 */

/* clang-format off */

/* A timestamptz column as RFC 3339 UTC with milliseconds (CONTRACTS §1). */
#define CRED_RFC3339(col) \
    "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

#define CRED_JSON \
    "json_build_object('id', c.id::text, 'connector', c.connector, 'name', c.name, " \
    "'config', c.config, 'secretFields', to_json(c.secret_fields), 'keyId', c.key_id, " \
    "'ratePerMinute', c.rate_per_minute, " \
    "'createdAt', " CRED_RFC3339("c.created_at") ", " \
    "'updatedAt', " CRED_RFC3339("c.updated_at") ", 'updatedBy', c.updated_by)"

/* The columns read_sealed() reads, in its order. */
#define SEALED_COLS "id, connector, name, key_id, nonce, secret, config::text, rate_per_minute"

/* clang-format on */

/* One stored credential as selected by SEALED_COLS; bytes in an arena. */
struct sealed {
    int64_t id;
    const char *connector, *name, *key_id, *config;
    int rate_per_minute;
    uint8_t *nonce;
    size_t nonce_len;
    uint8_t *box;
    size_t box_len;
};

/* ---- helpers -------------------------------------------------------------------------------- */

static const char *actor_name(const char *actor)
{
    return actor && *actor ? actor : "system";
}

static const char *i64_text(struct ordo_arena *a, int64_t v)
{
    return ordo_arena_printf(a, "%" PRId64, v);
}

static void credential_ad(int64_t id, char ad[AD_SIZE])
{
    (void)snprintf(ad, AD_SIZE, "credential:%" PRId64, id);
}

/* ---- names and values ----------------------------------------------------------------------- */

static int compare_names_cb(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* 's' is 1-'max' characters of [a-z0-9] and 'extra', the first one a
 * lower-case letter ('letter_first') or a letter or digit. */
static bool name_ok(const char *s, size_t max, const char *extra, bool letter_first)
{
    size_t n = s ? strlen(s) : 0;

    if (n == 0 || n > max ||
        !((s[0] >= 'a' && s[0] <= 'z') || (!letter_first && s[0] >= '0' && s[0] <= '9'))) {
        return false;
    }
    for (size_t i = 1; i < n; i++) {
        bool alnum = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9');

        if (!alnum && !strchr(extra, s[i])) {
            return false;
        }
    }
    return true;
}

/* Names that fail are not repeated in messages: they may be anything. */
static enum ordo_code check_connector(const char *connector, struct ordo_err *err)
{
    if (!name_ok(connector, NAME_MAX_LEN, "_", true)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "a connector name is 1 to 63 characters of a-z, 0-9 and '_', "
                            "starting with a letter");
    }
    return ORDO_OK;
}

static enum ordo_code check_names(const char *connector, const char *name, struct ordo_err *err)
{
    enum ordo_code rc = check_connector(connector, err);

    if (rc != ORDO_OK) {
        return rc;
    }
    if (!name_ok(name, NAME_MAX_LEN, "_.-", false)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "a credential name is 1 to 63 characters of a-z, 0-9, '_', '.' and "
                            "'-', starting with a letter or digit");
    }
    return ORDO_OK;
}

static bool field_name_ok(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > FIELD_NAME_MAX) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              strchr("_.-", c))) {
            return false;
        }
    }
    return true;
}

/* No string in 'v' holds a NUL character (jsonb refuses them) and it is
 * nested at most CONFIG_DEPTH_MAX deep. */
static bool config_value_ok(const json_t *v, unsigned depth)
{
    const char *key;
    const json_t *item;
    size_t i;

    if (depth > CONFIG_DEPTH_MAX) {
        return false;
    }
    if (json_is_string(v)) {
        return strlen(json_string_value(v)) == json_string_length(v);
    }
    json_object_foreach((json_t *)v, key, item)
    {
        if (!config_value_ok(item, depth + 1)) {
            return false;
        }
    }
    json_array_foreach(v, i, item)
    {
        if (!config_value_ok(item, depth + 1)) {
            return false;
        }
    }
    return true;
}

/* The secret is an object of at most ORDO_CREDENTIAL_MAX_FIELDS strings
 * with well-formed names, none also in 'config'. 'names' gets its field
 * names, sorted, borrowed from 'secret'. */
static enum ordo_code check_secret(const json_t *secret, const json_t *config,
                                   const char *names[ORDO_CREDENTIAL_MAX_FIELDS], size_t *n,
                                   struct ordo_err *err)
{
    const char *key;
    const json_t *v;

    *n = 0;
    if (!json_is_object(secret)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "a credential's secret must be an object");
    }
    if (json_object_size(secret) > ORDO_CREDENTIAL_MAX_FIELDS) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "a credential's secret has more than %d fields",
                            ORDO_CREDENTIAL_MAX_FIELDS);
    }
    json_object_foreach((json_t *)secret, key, v)
    {
        if (!field_name_ok(key)) {
            return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                                "a secret field's name is 1 to 64 characters of A-Z, a-z, 0-9, "
                                "'_', '.' and '-'");
        }
        if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v)) {
            return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                                "secret field \"%s\" must be a string without NUL characters", key);
        }
        if (json_object_get(config, key)) {
            return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                                "field \"%s\" is in both the config and the secret", key);
        }
        names[(*n)++] = key;
    }
    qsort(names, *n, sizeof names[0], compare_names_cb);
    return ORDO_OK;
}

/* ---- set ------------------------------------------------------------------------------------ */

/* What set_in_tx() writes, checked and encoded. */
struct set_row {
    const char *connector, *name;
    const json_t *config;
    const char *config_text;                       /* compact JSON */
    const char *names[ORDO_CREDENTIAL_MAX_FIELDS]; /* the secret's field names, sorted */
    size_t nnames;
    int rate_per_minute;
    char *plain; /* the secret as compact JSON: wiped and freed by ordo_credential_set */
    size_t plain_len;
};

/* The secret as compact JSON with sorted keys, in a buffer the caller
 * wipes and frees; NULL when over ORDO_CREDENTIAL_JSON_MAX. */
static char *dump_secret(const json_t *secret, size_t *len)
{
    size_t need = json_dumpb(secret, NULL, 0, JSON_COMPACT | JSON_SORT_KEYS);
    char *out;

    if (need == 0 || need > ORDO_CREDENTIAL_JSON_MAX) {
        return NULL;
    }
    out = malloc(need);
    if (!out) {
        ordo_oom(need);
    }
    /* Straight into our buffer: no copy of the plaintext in jansson's. */
    if (json_dumpb(secret, out, need, JSON_COMPACT | JSON_SORT_KEYS) != need) {
        ordo_oom(need); /* jansson fails only when out of memory */
    }
    *len = need;
    return out;
}

/* Check and encode the request into 'r'. */
static enum ordo_code prepare(struct ordo_arena *a, const struct ordo_credential_input *in,
                              struct set_row *r, struct ordo_err *err)
{
    const json_t *secret = in->secret ? in->secret : ordo_json_defer(a, json_object());
    enum ordo_code rc = check_names(in->connector, in->name, err);

    r->connector = in->connector;
    r->name = in->name;
    r->rate_per_minute = in->rate_per_minute;
    if (rc == ORDO_OK && (in->rate_per_minute < 0 || in->rate_per_minute > 1000000)) {
        rc = ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                          "a credential's rate_per_minute must be 0 (no budget) to 1000000");
    }
    r->config = in->config ? in->config : ordo_json_defer(a, json_object());
    if (rc == ORDO_OK && (!json_is_object(r->config) || !config_value_ok(r->config, 0))) {
        rc = ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                          "a credential's config must be an object, nested at most %d deep, "
                          "whose strings hold no NUL characters",
                          CONFIG_DEPTH_MAX);
    }
    rc = rc == ORDO_OK ? check_secret(secret, r->config, r->names, &r->nnames, err) : rc;
    if (rc != ORDO_OK) {
        return rc;
    }
    r->config_text = ordo_json_dump(a, r->config, JSON_COMPACT | JSON_SORT_KEYS);
    if (strlen(r->config_text) > ORDO_CREDENTIAL_JSON_MAX) {
        return ordo_err_set(err, ORDO_E_TOOBIG, "a credential's config is larger than %zu bytes",
                            ORDO_CREDENTIAL_JSON_MAX);
    }
    r->plain = dump_secret(secret, &r->plain_len);
    if (!r->plain) {
        return ordo_err_set(err, ORDO_E_TOOBIG, "a credential's secret is larger than %zu bytes",
                            ORDO_CREDENTIAL_JSON_MAX);
    }
    return ORDO_OK;
}

/* Seal 'plain' for row 'id' and store it there. */
static enum ordo_code store_box(PGconn *db, struct ordo_arena *a, const struct ordo_vault *vault,
                                int64_t id, const char *plain, size_t len, struct ordo_err *err)
{
    char ad[AD_SIZE], key_id[ORDO_VAULT_KEY_ID_SIZE];
    uint8_t nonce[ORDO_VAULT_NONCE_SIZE];
    uint8_t *box = ordo_arena_alloc_raw(a, len + ORDO_VAULT_TAG_SIZE);
    const char *params[4];
    enum ordo_code rc;

    credential_ad(id, ad);
    rc = ordo_vault_seal(vault, plain, len, ad, strlen(ad), nonce, box, key_id, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    params[0] = i64_text(a, id);
    params[1] = key_id;
    params[2] = ordo_pg_bytea_param(a, nonce, sizeof nonce);
    params[3] = ordo_pg_bytea_param(a, box, len + ORDO_VAULT_TAG_SIZE);
    return ordo_pg_run(db, "could not store a credential",
                       "UPDATE credential SET key_id = $2, nonce = $3, secret = $4 WHERE id = $1",
                       4, params, err);
}

static json_t *names_json(const char *const *names, size_t n)
{
    json_t *arr = json_array();

    for (size_t i = 0; i < n; i++) {
        (void)json_array_append_new(arr, json_string(names[i]));
    }
    return arr;
}

static const char *names_array(struct ordo_arena *a, const char *const *names, size_t n)
{
    struct ordo_buf b = ORDO_BUF_INIT;
    const char *out;

    ordo_buf_putc(&b, '{');
    for (size_t i = 0; i < n; i++) {
        ordo_pg_array_add(&b, names[i]);
    }
    ordo_buf_putc(&b, '}');
    out = ordo_arena_strdup(a, ordo_buf_cstr(&b));
    ordo_buf_cleanup(&b);
    return out;
}

/* Inside the transaction: upsert the row, then seal for its id. */
static enum ordo_code set_in_tx(PGconn *db, struct ordo_arena *a, const struct ordo_vault *vault,
                                const struct set_row *r, const char *actor, int64_t *id,
                                bool *created, struct ordo_err *err)
{
    const char *params[6] = {r->connector,      r->name,
                             r->config_text,    names_array(a, r->names, r->nnames),
                             actor_name(actor), i64_text(a, r->rate_per_minute)};
    PGresult *res = NULL;
    enum ordo_code rc = ordo_pg_exec(
        db, a, "could not store a credential",
        "INSERT INTO credential (connector, name, config, key_id, nonce, secret, secret_fields, "
        "updated_by, rate_per_minute) VALUES ($1, $2, $3::jsonb, '', '', '', $4::text[], $5, "
        "$6::int) ON CONFLICT (connector, name) DO UPDATE SET config = EXCLUDED.config, "
        "secret_fields = EXCLUDED.secret_fields, updated_at = now(), "
        "updated_by = EXCLUDED.updated_by, rate_per_minute = EXCLUDED.rate_per_minute "
        "RETURNING id, xmax::text = '0'",
        6, params, &res, err);

    if (rc != ORDO_OK) {
        return rc;
    }
    *id = ordo_pg_int(res, 0, 0);
    *created = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
    rc = store_box(db, a, vault, *id, r->plain, r->plain_len, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    return ordo_audit_admin(db, actor, "credential.set",
                            json_pack("{s:s, s:s, s:s, s:O, s:o, s:i, s:b}", "id", i64_text(a, *id),
                                      "connector", r->connector, "name", r->name, "config",
                                      r->config, "secret_fields", names_json(r->names, r->nnames),
                                      "rate_per_minute", r->rate_per_minute, "created", *created),
                            err);
}

enum ordo_code ordo_credential_set(PGconn *db, const struct ordo_vault *vault,
                                   const struct ordo_credential_input *in, const char *actor,
                                   int64_t *id, bool *created, struct ordo_err *err)
{
    struct ordo_arena *a = ordo_arena_new();
    struct set_row r = {0};
    int64_t new_id = 0;
    bool is_new = false;
    enum ordo_code rc = prepare(a, in, &r, err);

    if (rc == ORDO_OK) {
        rc = ordo_pg_begin(db, err);
        if (rc == ORDO_OK) {
            rc = ordo_pg_end(db, set_in_tx(db, a, vault, &r, actor, &new_id, &is_new, err), err);
        }
    }
    if (r.plain) {
        ordo_crypto_wipe(r.plain, r.plain_len);
        free(r.plain);
    }
    if (rc == ORDO_OK && id) {
        *id = new_id;
    }
    if (rc == ORDO_OK && created) {
        *created = is_new;
    }
    ordo_arena_free(a);
    return rc;
}

/* ---- reading sealed rows -------------------------------------------------------------------- */

/* Row 'row' of a result selected with SEALED_COLS. */
static enum ordo_code read_sealed(struct ordo_arena *a, const PGresult *res, int row,
                                  struct sealed *s, struct ordo_err *err)
{
    s->id = ordo_pg_int(res, row, 0);
    s->connector = ordo_pg_text(res, row, 1);
    s->name = ordo_pg_text(res, row, 2);
    s->key_id = ordo_pg_text(res, row, 3);
    s->config = ordo_pg_text(res, row, 6);
    s->rate_per_minute = (int)ordo_pg_int(res, row, 7);
    if (!ordo_pg_bytea_decode(a, ordo_pg_text(res, row, 4), &s->nonce, &s->nonce_len) ||
        s->nonce_len != ORDO_VAULT_NONCE_SIZE ||
        !ordo_pg_bytea_decode(a, ordo_pg_text(res, row, 5), &s->box, &s->box_len)) {
        return ordo_err_set(err, ORDO_E_INTERNAL,
                            "could not decrypt credential \"%s/%s\": wrong master key or damaged "
                            "data",
                            s->connector, s->name);
    }
    return ORDO_OK;
}

/* Decrypt 's' into '*plain' ('*len' bytes and a NUL), which the caller
 * wipes and frees. */
static enum ordo_code unseal(struct ordo_arena *a, const struct ordo_vault *vault,
                             const struct sealed *s, char **plain, size_t *len,
                             struct ordo_err *err)
{
    char ad[AD_SIZE];
    size_t n = s->box_len >= ORDO_VAULT_TAG_SIZE ? s->box_len - ORDO_VAULT_TAG_SIZE : 0;
    char *buf = malloc(n + 1);
    enum ordo_code rc;

    if (!buf) {
        ordo_oom(n + 1);
    }
    credential_ad(s->id, ad);
    rc = ordo_vault_open_box(vault, s->key_id, s->nonce, s->box, s->box_len, ad, strlen(ad),
                             ordo_arena_printf(a, "credential \"%s/%s\"", s->connector, s->name),
                             (uint8_t *)buf, err);
    if (rc != ORDO_OK) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *plain = buf;
    *len = n;
    return ORDO_OK;
}

static void free_plain(char *plain, size_t len)
{
    if (plain) {
        ordo_crypto_wipe(plain, len);
        free(plain);
    }
}

/* ---- get ------------------------------------------------------------------------------------ */

/* The decrypted secret and the config of 's' as JSON objects. A parse
 * error is reported without jansson's text, which may quote the secret. */
static enum ordo_code decode(const struct sealed *s, const char *plain, size_t len,
                             struct ordo_credential *out, struct ordo_err *err)
{
    struct ordo_err quiet = {0};
    json_t *secret = NULL, *config = NULL;

    if (ordo_json_parse(plain, len, NULL, &secret, &quiet) != ORDO_OK || !json_is_object(secret)) {
        json_decref(secret);
        return ordo_err_set(err, ORDO_E_INTERNAL,
                            "credential \"%s/%s\" decrypted to something that is not a JSON object",
                            s->connector, s->name);
    }
    config = json_loads(s->config ? s->config : "{}", 0, NULL);
    if (!json_is_object(config)) {
        json_decref(config);
        out->secret = secret;
        ordo_credential_cleanup(out);
        return ordo_err_set(err, ORDO_E_INTERNAL, "credential \"%s/%s\" has an unreadable config",
                            s->connector, s->name);
    }
    out->id = s->id;
    out->rate_per_minute = s->rate_per_minute;
    out->config = config;
    out->secret = secret;
    return ORDO_OK;
}

enum ordo_code ordo_credential_get(PGconn *db, const struct ordo_vault *vault,
                                   const char *connector, const char *name,
                                   struct ordo_credential *out, struct ordo_err *err)
{
    struct ordo_arena *a = ordo_arena_new();
    const char *params[2] = {connector, name};
    struct ordo_credential got = {0};
    struct sealed s = {0};
    PGresult *res = NULL;
    char *plain = NULL;
    size_t len = 0;
    enum ordo_code rc = check_names(connector, name, err);

    rc = rc == ORDO_OK ? ordo_pg_exec(db, a, "could not read a credential",
                                      "SELECT " SEALED_COLS
                                      " FROM credential WHERE connector = $1 AND name = $2",
                                      2, params, &res, err)
                       : rc;
    if (rc == ORDO_OK && PQntuples(res) == 0) {
        rc = ordo_err_set(err, ORDO_E_NOTFOUND, "no credential \"%s/%s\"", connector, name);
    }
    rc = rc == ORDO_OK ? read_sealed(a, res, 0, &s, err) : rc;
    rc = rc == ORDO_OK ? unseal(a, vault, &s, &plain, &len, err) : rc;
    rc = rc == ORDO_OK ? decode(&s, plain, len, &got, err) : rc;
    free_plain(plain, len);
    if (rc == ORDO_OK) {
        *out = got;
    }
    ordo_arena_free(a);
    return rc;
}

void ordo_credential_cleanup(struct ordo_credential *cred)
{
    const char *key;
    json_t *v;

    if (!cred) {
        return;
    }
    /* Only what nobody else holds: a shared value is its other holder's. */
    if (cred->secret && cred->secret->refcount == 1) {
        json_object_foreach(cred->secret, key, v)
        {
            if (json_is_string(v) && v->refcount == 1) {
                ordo_crypto_wipe((char *)json_string_value(v), json_string_length(v));
            }
        }
    }
    json_decref(cred->secret);
    json_decref(cred->config);
    memset(cred, 0, sizeof *cred);
}

/* ---- list and delete ------------------------------------------------------------------------ */

enum ordo_code ordo_credential_list(PGconn *db, const char *connector, json_t **out,
                                    struct ordo_err *err)
{
    struct ordo_arena *a = ordo_arena_new();
    const char *params[1] = {connector};
    PGresult *res = NULL;
    json_t *list = NULL;
    enum ordo_code rc = connector ? check_connector(connector, err) : ORDO_OK;

    rc = rc == ORDO_OK ? ordo_pg_exec(db, a, "could not list credentials",
                                      "SELECT coalesce(json_agg(" CRED_JSON
                                      " ORDER BY c.connector, c.name), '[]')::text "
                                      "FROM credential c "
                                      "WHERE $1::text IS NULL OR c.connector = $1",
                                      1, params, &res, err)
                       : rc;
    if (rc == ORDO_OK) {
        list = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
        if (!json_is_array(list)) {
            json_decref(list);
            rc = ordo_err_set(err, ORDO_E_INTERNAL,
                              "could not list credentials: unreadable JSON from PostgreSQL");
        }
    }
    if (rc == ORDO_OK) {
        *out = list;
    }
    ordo_arena_free(a);
    return rc;
}

static enum ordo_code delete_in_tx(PGconn *db, struct ordo_arena *a, const char *connector,
                                   const char *name, const char *actor, struct ordo_err *err)
{
    const char *params[2] = {connector, name};
    PGresult *res = NULL;
    enum ordo_code rc =
        ordo_pg_exec(db, a, "could not delete a credential",
                     "DELETE FROM credential WHERE connector = $1 AND name = $2 RETURNING id::text",
                     2, params, &res, err);

    if (rc == ORDO_OK && PQntuples(res) == 0) {
        rc = ordo_err_set(err, ORDO_E_NOTFOUND, "no credential \"%s/%s\"", connector, name);
    }
    if (rc == ORDO_OK) {
        rc = ordo_audit_admin(db, actor, "credential.delete",
                              json_pack("{s:s, s:s, s:s}", "id", PQgetvalue(res, 0, 0), "connector",
                                        connector, "name", name),
                              err);
    }
    return rc;
}

enum ordo_code ordo_credential_delete(PGconn *db, const char *connector, const char *name,
                                      const char *actor, struct ordo_err *err)
{
    struct ordo_arena *a = ordo_arena_new();
    enum ordo_code rc = check_names(connector, name, err);

    rc = rc == ORDO_OK ? ordo_pg_begin(db, err) : rc;
    if (rc == ORDO_OK) {
        rc = ordo_pg_end(db, delete_in_tx(db, a, connector, name, actor, err), err);
    }
    ordo_arena_free(a);
    return rc;
}

/* ---- rotate --------------------------------------------------------------------------------- */

/* Re-seal row 'row' of 'res' (SEALED_COLS) with the current key. */
static enum ordo_code rotate_row(PGconn *db, struct ordo_arena *a, const struct ordo_vault *vault,
                                 const PGresult *res, int row, struct ordo_err *err)
{
    struct sealed s = {0};
    char *plain = NULL;
    size_t len = 0;
    enum ordo_code rc = read_sealed(a, res, row, &s, err);

    rc = rc == ORDO_OK ? unseal(a, vault, &s, &plain, &len, err) : rc;
    rc = rc == ORDO_OK ? store_box(db, a, vault, s.id, plain, len, err) : rc;
    free_plain(plain, len);
    return rc;
}

static enum ordo_code rotate_in_tx(PGconn *db, struct ordo_arena *a, const struct ordo_vault *vault,
                                   const char *actor, int64_t *count, struct ordo_err *err)
{
    const char *params[1] = {ordo_vault_current_id(vault)};
    PGresult *res = NULL;
    json_t *from;
    int n;
    enum ordo_code rc = ordo_pg_exec(db, a, "could not read the credentials to rotate",
                                     "SELECT " SEALED_COLS " FROM credential WHERE key_id <> $1 "
                                     "ORDER BY id FOR UPDATE",
                                     1, params, &res, err);

    if (rc != ORDO_OK) {
        return rc;
    }
    n = PQntuples(res);
    from = ordo_json_defer(a, json_array());
    for (int i = 0; i < n && rc == ORDO_OK; i++) {
        ordo_json_set_add(from, ordo_pg_text(res, i, 3));
        rc = rotate_row(db, a, vault, res, i, err);
    }
    *count = n;
    if (rc != ORDO_OK || n == 0) {
        return rc;
    }
    return ordo_audit_admin(
        db, actor, "credential.rotate",
        json_pack("{s:i, s:s, s:O}", "count", n, "key_id", params[0], "from", from), err);
}

enum ordo_code ordo_credential_rotate(PGconn *db, const struct ordo_vault *vault, const char *actor,
                                      int64_t *count, struct ordo_err *err)
{
    struct ordo_arena *a = ordo_arena_new();
    int64_t n = 0;
    enum ordo_code rc = ordo_pg_begin(db, err);

    if (rc == ORDO_OK) {
        rc = ordo_pg_end(db, rotate_in_tx(db, a, vault, actor, &n, err), err);
    }
    if (count) {
        *count = rc == ORDO_OK ? n : 0;
    }
    ordo_arena_free(a);
    return rc;
}
