/*
 * core/identity_bootstrap.c - the first admin (CONTRACTS §7 first start).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/crypto.h"
#include "base/log.h"
#include "base/pg.h"
#include "core/audit.h"
#include "core/identity.h"
#include "core/identity_internal.h"

/* Write 'token' and a newline to 'path', readable by the owner only. */
static enum ordo_code write_key_file(const char *data_dir, const char *path, const char *token,
                                     struct ordo_err *err)
{
    size_t len = strlen(token);
    int fd;
    bool ok;

    if (mkdir(data_dir, 0700) != 0 && errno != EEXIST) {
        return ordo_err_set(err, ORDO_E_INTERNAL, "could not create the data directory %s: %s",
                            data_dir, strerror(errno));
    }
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        return ordo_err_set(err, ORDO_E_INTERNAL, "could not write %s: %s", path, strerror(errno));
    }
    /* fchmod: a file that existed keeps its mode through O_CREAT. */
    ok = fchmod(fd, 0600) == 0 && write(fd, token, len) == (ssize_t)len &&
         write(fd, "\n", 1) == 1 && fsync(fd) == 0;
    if (!ok) {
        int e = errno;

        (void)close(fd);
        (void)unlink(path);
        return ordo_err_set(err, ORDO_E_INTERNAL, "could not write %s: %s", path, strerror(e));
    }
    if (close(fd) != 0) {
        return ordo_err_set(err, ORDO_E_INTERNAL, "could not write %s: %s", path, strerror(errno));
    }
    return ORDO_OK;
}

/* The user "admin": '*key' 0 when there is none. */
static enum ordo_code find_admin_user(PGconn *db, struct ordo_arena *arena, int64_t *key,
                                      bool *disabled, struct ordo_err *err)
{
    PGresult *res = NULL;
    enum ordo_code rc = ordo_pg_exec(db, arena, "could not look up the user admin",
                                     "SELECT key, disabled FROM app_user "
                                     "WHERE lower(login) = 'admin'",
                                     0, NULL, &res, err);

    *key = 0;
    if (rc == ORDO_OK && PQntuples(res) == 1) {
        *key = ordo_pg_int(res, 0, 0);
        *disabled = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
    }
    return rc;
}

/* Whether the hash of 'token' is in the key table; '*usable': as an
 * unrevoked, unexpired key of user 'user'. */
static enum ordo_code key_known(PGconn *db, struct ordo_arena *arena, const char *token,
                                int64_t user, bool *known, bool *usable, struct ordo_err *err)
{
    const char *params[2] = {ordo_id_token_hash(arena, token), ordo_id_i64(arena, user)};
    PGresult *res = NULL;
    enum ordo_code rc = ordo_pg_exec(db, arena, "could not look up the admin key",
                                     "SELECT user_key = $2 AND revoked_at IS NULL AND (expires_at "
                                     "IS NULL OR expires_at > now()) "
                                     "FROM api_key WHERE token_hash = $1",
                                     2, params, &res, err);

    if (rc == ORDO_OK) {
        *known = PQntuples(res) == 1;
        *usable = *known && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    }
    return rc;
}

/* The user "admin", enabled, created if missing. */
static enum ordo_code admin_user(PGconn *db, struct ordo_arena *arena, int64_t *key,
                                 struct ordo_err *err)
{
    struct ordo_user_new req = {.login = "admin", .email = "admin@localhost"};
    bool disabled = false;
    enum ordo_code rc = find_admin_user(db, arena, key, &disabled, err);

    if (rc == ORDO_OK && *key == 0) {
        return ordo_id_user_insert(db, arena, &req, NULL, NULL, key, err);
    }
    if (rc == ORDO_OK && disabled) {
        const char *params[1] = {ordo_id_i64(arena, *key)};

        rc = ordo_pg_run(db, "could not enable the user admin",
                         "UPDATE app_user SET disabled = false WHERE key = $1", 1, params, err);
        rc = rc == ORDO_OK ? ordo_audit_admin(db, NULL, "user.enabled",
                                              json_pack("{s:s}", "user", params[0]), err)
                           : rc;
    }
    return rc;
}

/* The admin's key: the configured one, or a new one in the key file. */
static enum ordo_code admin_key_add(PGconn *db, struct ordo_arena *arena, const char *admin_key,
                                    const char *data_dir, struct ordo_identity_bootstrap *out,
                                    struct ordo_err *err)
{
    char token[ORDO_IDENTITY_TOKEN_SIZE];
    struct id_key_row row = {.user_key = out->user_key, .scopes = ORDO_ROLE_ADMIN};
    bool known = false, usable = false;
    int64_t key = 0;
    enum ordo_code rc = ORDO_OK;

    if (admin_key) {
        rc = key_known(db, arena, admin_key, out->user_key, &known, &usable, err);
        if (rc == ORDO_OK && known && !usable) {
            return ordo_err_set(err, ORDO_E_CONFLICT,
                                "the configured admin_key was revoked, has expired or belongs to "
                                "another user: configure a new one");
        }
        row.name = "admin_key";
        row.token = admin_key;
        return rc == ORDO_OK && !known ? ordo_id_key_insert(db, arena, &row, NULL, &key, err) : rc;
    }
    if (!data_dir || !*data_dir ||
        (size_t)snprintf(out->key_file, sizeof out->key_file, "%s/%s", data_dir,
                         ORDO_IDENTITY_KEY_FILE) >= sizeof out->key_file) {
        out->key_file[0] = '\0';
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "no admin_key and no usable data_dir for the initial admin key");
    }
    ordo_id_token_new(token);
    row.name = "initial admin key";
    row.token = token;
    rc = ordo_id_key_insert(db, arena, &row, NULL, &key, err);
    /* Before the commit: an admin whose key was never written down would
     * lock everyone out, since the next start sees an admin. */
    rc = rc == ORDO_OK ? write_key_file(data_dir, out->key_file, token, err) : rc;
    ordo_crypto_wipe(token, sizeof token);
    if (rc != ORDO_OK) {
        out->key_file[0] = '\0';
    }
    return rc;
}

/* An admin exists: add a configured admin_key never seen before as a key
 * of the user "admin". */
static enum ordo_code admin_key_recover(PGconn *db, struct ordo_arena *arena, const char *admin_key,
                                        struct ordo_identity_bootstrap *out, struct ordo_err *err)
{
    struct id_key_row row = {.name = "admin_key", .token = admin_key, .scopes = ORDO_ROLE_ADMIN};
    bool known = false, usable = false, disabled = false;
    int64_t key = 0;
    enum ordo_code rc = key_known(db, arena, admin_key, 0, &known, &usable, err);

    rc = rc == ORDO_OK && !known ? find_admin_user(db, arena, &row.user_key, &disabled, err) : rc;
    if (rc == ORDO_OK && !known && row.user_key != 0) {
        rc = ordo_id_key_insert(db, arena, &row, NULL, &key, err);
        out->key_added = rc == ORDO_OK;
        out->user_key = row.user_key;
    }
    return rc;
}

static enum ordo_code bootstrap_locked(PGconn *db, struct ordo_arena *arena, const char *admin_key,
                                       const char *data_dir, struct ordo_identity_bootstrap *out,
                                       struct ordo_err *err)
{
    bool has = false;
    enum ordo_code rc = ordo_id_admin_exists(db, arena, &has, err);

    if (rc != ORDO_OK) {
        return rc;
    }
    if (has) {
        return admin_key ? admin_key_recover(db, arena, admin_key, out, err) : ORDO_OK;
    }
    rc = admin_user(db, arena, &out->user_key, err);
    rc = rc == ORDO_OK ? ordo_id_grant_locked(db, arena, ORDO_GRANTEE_USER, out->user_key,
                                              ORDO_ROLE_ADMIN, NULL, NULL, err)
                       : rc;
    rc = rc == ORDO_OK ? admin_key_add(db, arena, admin_key, data_dir, out, err) : rc;
    out->created = rc == ORDO_OK;
    return rc;
}

enum ordo_code ordo_identity_bootstrap(PGconn *db, const char *admin_key, const char *data_dir,
                                       struct ordo_identity_bootstrap *out, struct ordo_err *err)
{
    struct ordo_arena *arena;
    enum ordo_code rc;

    memset(out, 0, sizeof *out);
    if (admin_key && !*admin_key) {
        admin_key = NULL;
    }
    if (admin_key && (strlen(admin_key) < ORDO_IDENTITY_ADMIN_KEY_MIN ||
                      strlen(admin_key) > ORDO_IDENTITY_KEY_MAX_LENGTH)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "admin_key must be %d to %d characters long",
                            ORDO_IDENTITY_ADMIN_KEY_MIN, ORDO_IDENTITY_KEY_MAX_LENGTH);
    }
    arena = ordo_arena_new();
    rc = ordo_id_begin(db, true, err);
    if (rc == ORDO_OK) {
        rc = ordo_pg_end(db, bootstrap_locked(db, arena, admin_key, data_dir, out, err), err);
    }
    if (rc != ORDO_OK && out->key_file[0]) {
        (void)unlink(out->key_file); /* its key was never stored */
    }
    if (rc != ORDO_OK) {
        memset(out, 0, sizeof *out);
    } else if (out->created) {
        /* The file's path, never the key. */
        ordo_log(ORDO_LOG_WARN, "identity", "created the first admin user",
                 ORDO_STR("login", "admin"),
                 ORDO_STR("credential", out->key_file[0] ? "key file" : "admin_key"),
                 ORDO_STR("path", out->key_file[0] ? out->key_file : NULL));
    } else if (out->key_added) {
        ordo_log(ORDO_LOG_INFO, "identity", "added the configured admin_key to the user admin");
    }
    ordo_arena_free(arena);
    return rc;
}
