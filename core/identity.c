/*
 * core/identity.c - roles, principals, and what the identity files share
 * (core/identity_internal.h).
 */
#include "core/identity.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/pg.h"
#include "core/identity_internal.h"

static const char *const role_names[] = {"admin",    "designer", "operator",
                                         "approver", "viewer",   "metrics"};
#define NROLES (sizeof role_names / sizeof role_names[0])

enum ordo_code ordo_role_parse(const char *name, unsigned *bit, struct ordo_err *err)
{
    for (size_t i = 0; name && i < NROLES; i++) {
        if (strcmp(name, role_names[i]) == 0) {
            *bit = 1u << i;
            return ORDO_OK;
        }
    }
    return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                        "unknown role \"%.64s\" (admin, designer, operator, approver, viewer, "
                        "metrics)",
                        name ? name : "");
}

const char *ordo_role_name(unsigned bit)
{
    for (size_t i = 0; i < NROLES; i++) {
        if (bit == 1u << i) {
            return role_names[i];
        }
    }
    return NULL;
}

enum ordo_code ordo_roles_from_json(const json_t *array, unsigned *roles, struct ordo_err *err)
{
    unsigned set = 0, bit = 0;
    size_t i;
    const json_t *v;

    if (!json_is_array(array)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "roles must be an array of role names");
    }
    json_array_foreach(array, i, v)
    {
        if (!json_is_string(v)) {
            return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "roles must be an array of role names");
        }
        if (ordo_role_parse(json_string_value(v), &bit, err) != ORDO_OK) {
            return ORDO_E_UNPROCESSABLE;
        }
        set |= bit;
    }
    *roles = set;
    return ORDO_OK;
}

json_t *ordo_roles_to_json(unsigned roles)
{
    json_t *a = json_array();

    for (size_t i = 0; i < NROLES; i++) {
        if (roles & (1u << i)) {
            json_array_append_new(a, json_string(role_names[i]));
        }
    }
    return a;
}

bool ordo_principal_has(const struct ordo_principal *p, unsigned role)
{
    if (!p) {
        return false;
    }
    return (p->roles & ORDO_ROLE_ADMIN) || (role != 0 && (p->roles & role) == role);
}

/* ---- shared helpers ------------------------------------------------------------------------- */

const char *ordo_id_actor(const char *actor)
{
    return actor && *actor ? actor : "system";
}

const char *ordo_id_i64(struct ordo_arena *arena, int64_t v)
{
    return ordo_arena_printf(arena, "%" PRId64, v);
}

const char *ordo_id_token_hash(struct ordo_arena *arena, const char *token)
{
    uint8_t hash[ORDO_SHA256_SIZE];

    ordo_sha256(token, strlen(token), hash);
    return ordo_pg_bytea_param(arena, hash, sizeof hash);
}

void ordo_id_token_new(char out[ORDO_IDENTITY_TOKEN_SIZE])
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
    uint8_t raw[25]; /* 200 bits: 40 base32 characters */
    size_t o = 0;

    ordo_random_bytes(raw, sizeof raw);
    memcpy(out, "ordo_", 5);
    o = 5;
    for (size_t i = 0; i < sizeof raw; i += 5) {
        uint64_t v = 0;

        for (size_t j = 0; j < 5; j++) {
            v = v << 8 | raw[i + j];
        }
        for (int shift = 35; shift >= 0; shift -= 5) {
            out[o++] = alphabet[(v >> shift) & 31u];
        }
    }
    out[o] = '\0';
    ordo_crypto_wipe(raw, sizeof raw);
}

char *ordo_id_random_hex(struct ordo_arena *arena, size_t nbytes)
{
    uint8_t raw[64];
    char *out = ordo_arena_alloc(arena, 2 * nbytes + 1);

    if (nbytes > sizeof raw) {
        nbytes = sizeof raw;
    }
    ordo_random_bytes(raw, nbytes);
    ordo_hex(raw, nbytes, out);
    ordo_crypto_wipe(raw, sizeof raw);
    return out;
}

enum ordo_code ordo_id_begin(PGconn *db, bool lock, struct ordo_err *err)
{
    char key[24];
    const char *params[1] = {key};
    enum ordo_code rc = ordo_pg_begin(db, err);

    if (rc == ORDO_OK && lock) {
        (void)snprintf(key, sizeof key, "%lld", (long long)ORDO_IDENTITY_LOCK);
        rc = ordo_pg_run(db, "could not lock the identities", "SELECT pg_advisory_xact_lock($1)", 1,
                         params, err);
        if (rc != ORDO_OK) {
            ordo_pg_rollback(db);
        }
    }
    return rc;
}

enum ordo_code ordo_id_query_json(PGconn *db, const char *what, const char *sql, int nparams,
                                  const char *const *params, json_t **out, struct ordo_err *err)
{
    struct ordo_arena *arena = ordo_arena_new();
    PGresult *res = NULL;
    json_error_t jerr;
    enum ordo_code rc = ordo_pg_exec(db, arena, what, sql, nparams, params, &res, err);

    if (rc == ORDO_OK) {
        *out = json_loads(PQntuples(res) ? PQgetvalue(res, 0, 0) : "[]", 0, &jerr);
        if (!*out) {
            rc = ordo_err_set(err, ORDO_E_INTERNAL, "%s: unreadable JSON from PostgreSQL: %s", what,
                              jerr.text);
        }
    }
    ordo_arena_free(arena);
    return rc;
}

unsigned ordo_id_roles_from_csv(const char *csv)
{
    unsigned set = 0;

    while (csv && *csv) {
        size_t n = strcspn(csv, ",");

        for (size_t i = 0; i < NROLES; i++) {
            if (strlen(role_names[i]) == n && strncmp(csv, role_names[i], n) == 0) {
                set |= 1u << i;
            }
        }
        csv += n + (csv[n] == ',');
    }
    return set;
}

const char *ordo_id_roles_array(struct ordo_arena *arena, unsigned roles)
{
    struct ordo_buf b = ORDO_BUF_INIT;
    const char *out;

    ordo_buf_putc(&b, '{');
    for (size_t i = 0; i < NROLES; i++) {
        if (roles & (1u << i)) {
            ordo_buf_puts(&b, b.len > 1 ? "," : "");
            ordo_buf_puts(&b, role_names[i]);
        }
    }
    ordo_buf_putc(&b, '}');
    out = ordo_arena_strdup(arena, ordo_buf_cstr(&b));
    ordo_buf_cleanup(&b);
    return out;
}

const char *ordo_id_roles_text(struct ordo_arena *arena, unsigned roles)
{
    const char *arr = ordo_id_roles_array(arena, roles);

    /* "{designer,operator}" -> "designer,operator" */
    return ordo_arena_strndup(arena, arr + 1, strlen(arr) - 2);
}

enum ordo_code ordo_id_admin_exists(PGconn *db, struct ordo_arena *arena, bool *out,
                                    struct ordo_err *err)
{
    PGresult *res = NULL;
    enum ordo_code rc = ordo_pg_exec(db, arena, "could not look for an admin",
                                     "SELECT EXISTS (SELECT 1 FROM app_user u WHERE NOT u.disabled "
                                     "AND 'admin' IN (" ID_USER_ROLES("u.key") "))",
                                     0, NULL, &res, err);

    if (rc == ORDO_OK) {
        *out = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    }
    return rc;
}

enum ordo_code ordo_id_user_check(PGconn *db, struct ordo_arena *arena, int64_t key, bool *disabled,
                                  struct ordo_err *err)
{
    const char *params[1] = {ordo_id_i64(arena, key)};
    PGresult *res = NULL;
    enum ordo_code rc =
        ordo_pg_exec(db, arena, "could not read a user",
                     "SELECT disabled FROM app_user WHERE key = $1", 1, params, &res, err);

    if (rc == ORDO_OK && PQntuples(res) == 0) {
        return ordo_err_set(err, ORDO_E_NOTFOUND, "user %" PRId64 " not found", key);
    }
    if (rc == ORDO_OK && disabled) {
        *disabled = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    }
    return rc;
}

enum ordo_code ordo_id_check_name(const char *what, const char *s, struct ordo_err *err)
{
    size_t n = s ? strlen(s) : 0;

    if (n == 0 || n > 64 ||
        strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                  "0123456789._@-") != n) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "a %s is 1 to 64 characters of A-Z, a-z, 0-9, '.', '_', '@' and '-'",
                            what);
    }
    return ORDO_OK;
}

enum ordo_code ordo_id_principal_fill(const PGresult *res, struct ordo_arena *arena,
                                      struct ordo_principal *out, struct ordo_err *err)
{
    json_error_t jerr;
    json_t *groups = json_loads(PQgetvalue(res, 0, 4), 0, &jerr);
    size_t i;
    json_t *g;

    memset(out, 0, sizeof *out);
    if (!json_is_array(groups)) {
        json_decref(groups);
        return ordo_err_set(err, ORDO_E_INTERNAL, "could not read a user's groups");
    }
    out->user_key = ordo_pg_int(res, 0, 0);
    out->login = ordo_arena_strdup(arena, PQgetvalue(res, 0, 1));
    out->email = ordo_arena_strdup(arena, PQgetvalue(res, 0, 2));
    out->roles = ordo_id_roles_from_csv(ordo_pg_text(res, 0, 3));
    out->ngroups = json_array_size(groups);
    out->groups = ordo_arena_calloc(arena, out->ngroups + 1, sizeof *out->groups);
    json_array_foreach(groups, i, g)
    {
        out->groups[i] = ordo_arena_strdup(arena, json_string_value(g));
    }
    json_decref(groups);
    return ORDO_OK;
}

enum ordo_code ordo_id_keep_admin(PGconn *db, struct ordo_arena *arena, bool had,
                                  struct ordo_err *err)
{
    bool has = true;
    enum ordo_code rc = had ? ordo_id_admin_exists(db, arena, &has, err) : ORDO_OK;

    if (rc == ORDO_OK && !has) {
        return ordo_err_set(err, ORDO_E_CONFLICT,
                            "refused: this would leave no enabled user with the admin role");
    }
    return rc;
}
