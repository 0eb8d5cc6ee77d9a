/*
 * base/vault.c - master keys and XChaCha20-Poly1305 boxes (base/vault.h).
 *
 * The key file is made the way the audit signing key's is (core/audit.c):
 * a temporary file created with O_EXCL and fsynced, then link()ed to its
 * name, which fails when another process got there first; that process's
 * key is then read and used.
 */
#include "base/vault.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/crypto.h"
#include "base/log.h"

_Static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == ORDO_VAULT_KEY_SIZE,
               "XChaCha20-Poly1305 key size");
_Static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES == ORDO_VAULT_NONCE_SIZE,
               "XChaCha20-Poly1305 nonce size");
_Static_assert(crypto_aead_xchacha20poly1305_ietf_ABYTES == ORDO_VAULT_TAG_SIZE,
               "XChaCha20-Poly1305 tag size");

#define HEX_SIZE      ((size_t)2 * ORDO_VAULT_KEY_SIZE)
#define BASE64_SIZE   44  /* 32 bytes: 43 characters and one '=' */
#define KEY_FILE_MAX  128 /* bytes read from a key file: a key and a newline fit */
#define KEY_ITEM_MAX  128 /* one item of master_key_old */
#define VAULT_PATH_SZ 4096

struct vault_key {
    uint8_t key[ORDO_VAULT_KEY_SIZE];
    char id[ORDO_VAULT_KEY_ID_SIZE];
};

/* Allocated with sodium_malloc: its size is a multiple of its alignment,
 * so the end-of-page address libsodium returns is aligned. */
struct ordo_vault {
    struct vault_key keys[1 + ORDO_VAULT_MAX_OLD]; /* [0]: the current key */
    size_t nkeys;
    char file[VAULT_PATH_SZ]; /* "" when the key came from master_key */
};

/* ---- key text ------------------------------------------------------------------------------- */

enum ordo_code ordo_vault_key_parse(const char *text, const char *what,
                                    uint8_t key[ORDO_VAULT_KEY_SIZE], struct ordo_err *err)
{
    size_t len = text ? strlen(text) : 0, n = 0;
    bool ok = false;

    if (len > 0 && text[len - 1] == '\n') { /* a key file usually ends in a newline */
        len--;
        if (len > 0 && text[len - 1] == '\r') {
            len--;
        }
    }
    if (len == HEX_SIZE) {
        ok = ordo_unhex(text, len, key, ORDO_VAULT_KEY_SIZE);
    } else if (len == BASE64_SIZE) {
        ok = sodium_base642bin(key, ORDO_VAULT_KEY_SIZE, text, len, NULL, &n, NULL,
                               sodium_base64_VARIANT_ORIGINAL) == 0 &&
             n == ORDO_VAULT_KEY_SIZE;
    }
    if (!ok) {
        ordo_crypto_wipe(key, ORDO_VAULT_KEY_SIZE);
        return ordo_err_set(err, ORDO_E_INVAL,
                            "%s is not a master key: it must be 32 bytes written as 64 hex digits "
                            "or 44 characters of standard base64, such as `openssl rand -hex 32` "
                            "prints (%zu characters given)",
                            what, len);
    }
    return ORDO_OK;
}

void ordo_vault_key_id(const uint8_t key[ORDO_VAULT_KEY_SIZE], char id[ORDO_VAULT_KEY_ID_SIZE])
{
    uint8_t hash[ORDO_SHA256_SIZE];

    ordo_sha256(key, ORDO_VAULT_KEY_SIZE, hash);
    ordo_hex(hash, (ORDO_VAULT_KEY_ID_SIZE - 1) / 2, id);
}

/* ---- the key file --------------------------------------------------------------------------- */

/* Read and parse an existing key file: ORDO_E_NOTFOUND when there is none. */
static enum ordo_code read_key_file(const char *path, uint8_t key[ORDO_VAULT_KEY_SIZE],
                                    struct ordo_err *err)
{
    char text[KEY_FILE_MAX + 1];
    struct stat st;
    ssize_t n;
    enum ordo_code rc;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

    if (fd < 0) {
        return ordo_err_set(err, errno == ENOENT ? ORDO_E_NOTFOUND : ORDO_E_INVAL,
                            "could not open the master key file %s: %s", path, strerror(errno));
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        (void)close(fd);
        return ordo_err_set(err, ORDO_E_INVAL, "the master key file %s is not a regular file",
                            path);
    }
    if ((st.st_mode & 077) != 0 || st.st_uid != geteuid()) {
        (void)close(fd);
        return ordo_err_set(err, ORDO_E_INVAL,
                            "the master key file %s has mode %04o and owner uid %u; it must belong "
                            "to uid %u with no permissions for group or others (chmod 600 %s)",
                            path, (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid,
                            (unsigned)geteuid(), path);
    }
    n = read(fd, text, sizeof text - 1);
    (void)close(fd);
    if (n < 0) {
        return ordo_err_set(err, ORDO_E_INVAL, "could not read the master key file %s: %s", path,
                            strerror(errno));
    }
    text[n] = '\0';
    rc = n == (ssize_t)(sizeof text - 1) || memchr(text, '\0', (size_t)n)
             ? ordo_err_set(err, ORDO_E_INVAL, "the master key file %s does not hold a master key",
                            path)
             : ordo_vault_key_parse(text, path, key, err);
    ordo_crypto_wipe(text, sizeof text);
    return rc;
}

/* Make a durable file holding a new random key, then link it to 'path':
 * link() fails when 'path' exists, so a concurrent start keeps its key. */
static enum ordo_code write_new_key(const char *path, const char *tmp, bool *linked,
                                    struct ordo_err *err)
{
    uint8_t key[ORDO_VAULT_KEY_SIZE];
    char text[HEX_SIZE + 2];
    bool written;
    int fd;

    (void)unlink(tmp); /* left by a crashed process that had our pid */
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        return ordo_err_set(err, ORDO_E_INVAL, "could not create %s: %s", tmp, strerror(errno));
    }
    ordo_random_bytes(key, sizeof key);
    ordo_hex(key, sizeof key, text);
    text[HEX_SIZE] = '\n';
    written = write(fd, text, HEX_SIZE + 1) == (ssize_t)(HEX_SIZE + 1) && fsync(fd) == 0;
    ordo_crypto_wipe(key, sizeof key);
    ordo_crypto_wipe(text, sizeof text);
    if (close(fd) != 0 || !written) {
        return ordo_err_set(err, ORDO_E_INVAL, "could not write %s: %s", tmp, strerror(errno));
    }
    *linked = link(tmp, path) == 0;
    if (!*linked && errno != EEXIST) {
        return ordo_err_set(err, ORDO_E_INVAL, "could not create %s: %s", path, strerror(errno));
    }
    return ORDO_OK;
}

/* fsync 'dir', so that a new name in it survives a crash. */
static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd >= 0) {
        (void)fsync(fd);
        (void)close(fd);
    }
}

/* The embedded default: $data_dir/master.key, read or created. */
static enum ordo_code key_from_file(struct ordo_vault *v, const char *data_dir,
                                    struct ordo_err *err)
{
    struct ordo_err first = {0};
    char tmp[VAULT_PATH_SZ + 32];
    bool linked = false;
    enum ordo_code rc;

    if (!data_dir || !*data_dir) {
        return ordo_err_set(err, ORDO_E_INVAL,
                            "data_dir is empty: the embedded database keeps its master key there");
    }
    if ((size_t)snprintf(v->file, sizeof v->file, "%s/%s", data_dir, ORDO_VAULT_KEY_FILE) >=
        sizeof v->file) {
        return ordo_err_set(err, ORDO_E_INVAL, "data_dir \"%.64s...\" is too long", data_dir);
    }
    if (mkdir(data_dir, 0700) != 0 && errno != EEXIST) {
        return ordo_err_set(err, ORDO_E_INVAL, "could not create data_dir \"%s\": %s", data_dir,
                            strerror(errno));
    }
    rc = read_key_file(v->file, v->keys[0].key, &first);
    if (rc != ORDO_E_NOTFOUND) {
        return rc == ORDO_OK ? ORDO_OK : ordo_err_set(err, rc, "%s", first.msg);
    }
    (void)snprintf(tmp, sizeof tmp, "%s.tmp.%ld", v->file, (long)getpid());
    rc = write_new_key(v->file, tmp, &linked, err);
    (void)unlink(tmp);
    if (rc != ORDO_OK) {
        return rc;
    }
    if (linked) {
        sync_dir(data_dir);
        ordo_log(ORDO_LOG_WARN, "vault",
                 "generated a new master key for stored credentials: back up this file apart "
                 "from database dumps, without it the credentials cannot be decrypted",
                 ORDO_STR("path", v->file));
    }
    return read_key_file(v->file, v->keys[0].key, err);
}

/* ---- the vault ------------------------------------------------------------------------------ */

enum ordo_code ordo_vault_open(const char *master_key_text, const char *data_dir, bool embedded,
                               struct ordo_vault **out, struct ordo_err *err)
{
    struct ordo_vault *v;
    enum ordo_code rc = ordo_crypto_init(err);

    if (rc != ORDO_OK) {
        return rc;
    }
    v = sodium_malloc(sizeof *v);
    if (!v) {
        ordo_oom(sizeof *v);
    }
    memset(v, 0, sizeof *v);
    if (master_key_text && *master_key_text) {
        rc = ordo_vault_key_parse(master_key_text, "master_key", v->keys[0].key, err);
    } else if (embedded) {
        rc = key_from_file(v, data_dir, err);
    } else {
        rc = ordo_err_set(err, ORDO_E_INVAL,
                          "master_key is required with an external database (CONTRACTS §13): "
                          "set ORDO_MASTER_KEY_FILE to a file holding 64 hex digits (openssl "
                          "rand -hex 32)");
    }
    if (rc != ORDO_OK) {
        sodium_free(v); /* wipes */
        return rc;
    }
    ordo_vault_key_id(v->keys[0].key, v->keys[0].id);
    v->nkeys = 1;
    *out = v;
    return ORDO_OK;
}

/* The key with id 'id' among the vault's first 'n' and the 'nstaged' in
 * 'staged'; NULL when none. */
static const struct vault_key *find_key(const struct vault_key *keys, size_t n,
                                        const struct vault_key *staged, size_t nstaged,
                                        const char *id)
{
    for (size_t i = 0; id && i < n + nstaged; i++) {
        const struct vault_key *k = i < n ? &keys[i] : &staged[i - n];

        if (strcmp(k->id, id) == 0) {
            return k;
        }
    }
    return NULL;
}

/* One item of master_key_old: 'len' bytes at 'text', blanks around it
 * ignored. Appended to 'staged' unless empty or already held. */
static enum ordo_code stage_old_key(const struct ordo_vault *v, struct vault_key *staged,
                                    size_t *nstaged, const char *text, size_t len, size_t item,
                                    struct ordo_err *err)
{
    char buf[KEY_ITEM_MAX + 1], what[48];
    struct vault_key k;
    const struct vault_key *same;
    enum ordo_code rc = ORDO_OK;

    for (; len > 0 && strchr(" \t\r\n", text[0]); len--) {
        text++;
    }
    for (; len > 0 && strchr(" \t\r\n", text[len - 1]); len--) {
    }
    if (len == 0) {
        return ORDO_OK;
    }
    (void)snprintf(what, sizeof what, "master_key_old (item %zu)", item);
    len = len < KEY_ITEM_MAX ? len : KEY_ITEM_MAX; /* too long to be a key either way */
    memcpy(buf, text, len);
    buf[len] = '\0';
    rc = ordo_vault_key_parse(buf, what, k.key, err);
    ordo_crypto_wipe(buf, sizeof buf);
    if (rc != ORDO_OK) {
        return rc;
    }
    ordo_vault_key_id(k.key, k.id);
    same = find_key(v->keys, v->nkeys, staged, *nstaged, k.id);
    if (same && !ordo_crypto_equal(same->key, k.key, sizeof k.key)) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "%s has the key id %s of another key; use a new key",
                          what, k.id);
    } else if (!same && v->nkeys + *nstaged >= 1 + ORDO_VAULT_MAX_OLD) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "master_key_old holds more than %d keys",
                          ORDO_VAULT_MAX_OLD);
    } else if (!same) {
        staged[(*nstaged)++] = k;
    }
    ordo_crypto_wipe(&k, sizeof k);
    return rc;
}

enum ordo_code ordo_vault_add_old(struct ordo_vault *vault, const char *keys_text,
                                  struct ordo_err *err)
{
    struct vault_key staged[ORDO_VAULT_MAX_OLD] = {0};
    size_t nstaged = 0, item = 0;
    const char *p = keys_text ? keys_text : "";
    enum ordo_code rc = ORDO_OK;

    while (rc == ORDO_OK && *p) {
        size_t len = strcspn(p, ",");

        rc = stage_old_key(vault, staged, &nstaged, p, len, ++item, err);
        p += len + (p[len] == ',');
    }
    if (rc == ORDO_OK) {
        memcpy(&vault->keys[vault->nkeys], staged, nstaged * sizeof staged[0]);
        vault->nkeys += nstaged;
    }
    ordo_crypto_wipe(staged, sizeof staged);
    return rc;
}

void ordo_vault_free(struct ordo_vault *vault)
{
    if (vault) {
        sodium_free(vault); /* wipes the keys */
    }
}

const char *ordo_vault_current_id(const struct ordo_vault *vault)
{
    return vault->keys[0].id;
}

size_t ordo_vault_key_count(const struct ordo_vault *vault)
{
    return vault->nkeys;
}

bool ordo_vault_has_key(const struct ordo_vault *vault, const char *key_id)
{
    return find_key(vault->keys, vault->nkeys, NULL, 0, key_id) != NULL;
}

const char *ordo_vault_key_file(const struct ordo_vault *vault)
{
    return vault->file;
}

/* ---- boxes ---------------------------------------------------------------------------------- */

enum ordo_code ordo_vault_seal(const struct ordo_vault *vault, const void *plain, size_t len,
                               const void *ad, size_t adlen, uint8_t nonce[ORDO_VAULT_NONCE_SIZE],
                               uint8_t *cipher, char key_id[ORDO_VAULT_KEY_ID_SIZE],
                               struct ordo_err *err)
{
    unsigned long long clen = 0;

    if (len > ORDO_VAULT_PLAIN_MAX) {
        return ordo_err_set(err, ORDO_E_TOOBIG, "a sealed box holds at most %zu bytes, not %zu",
                            ORDO_VAULT_PLAIN_MAX, len);
    }
    ordo_random_bytes(nonce, ORDO_VAULT_NONCE_SIZE);
    (void)crypto_aead_xchacha20poly1305_ietf_encrypt(cipher, &clen, plain, len, ad, adlen, NULL,
                                                     nonce, vault->keys[0].key);
    memcpy(key_id, vault->keys[0].id, ORDO_VAULT_KEY_ID_SIZE);
    return ORDO_OK;
}

enum ordo_code ordo_vault_open_box(const struct ordo_vault *vault, const char *key_id,
                                   const uint8_t nonce[ORDO_VAULT_NONCE_SIZE],
                                   const uint8_t *cipher, size_t clen, const void *ad, size_t adlen,
                                   const char *what, uint8_t *plain, struct ordo_err *err)
{
    const struct vault_key *k = find_key(vault->keys, vault->nkeys, NULL, 0, key_id);

    what = what ? what : "credential";
    if (!k) {
        return ordo_err_set(err, ORDO_E_INTERNAL,
                            "could not decrypt %s: it was sealed with master key %.16s, which is "
                            "neither master_key (%s) nor in master_key_old",
                            what, key_id ? key_id : "(none)", vault->keys[0].id);
    }
    if (clen < ORDO_VAULT_TAG_SIZE || clen - ORDO_VAULT_TAG_SIZE > ORDO_VAULT_PLAIN_MAX) {
        return ordo_err_set(err, ORDO_E_INTERNAL,
                            "could not decrypt %s: wrong master key or damaged data", what);
    }
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain, NULL, NULL, cipher, clen, ad, adlen,
                                                   nonce, k->key) != 0) {
        if (clen > ORDO_VAULT_TAG_SIZE) { /* libsodium clears it too; say so here */
            ordo_crypto_wipe(plain, clen - ORDO_VAULT_TAG_SIZE);
        }
        return ordo_err_set(err, ORDO_E_INTERNAL,
                            "could not decrypt %s: wrong master key or damaged data", what);
    }
    return ORDO_OK;
}

enum ordo_code ordo_vault_reseal(const struct ordo_vault *vault, const char *key_id, uint8_t *box,
                                 size_t len, const void *ad, size_t adlen, const char *what,
                                 char new_key_id[ORDO_VAULT_KEY_ID_SIZE], struct ordo_err *err)
{
    size_t n;
    uint8_t *plain;
    enum ordo_code rc;

    if (len < ORDO_VAULT_NONCE_SIZE + ORDO_VAULT_TAG_SIZE) {
        return ordo_err_set(err, ORDO_E_INTERNAL, "could not decrypt %s: damaged data",
                            what ? what : "credential");
    }
    n = len - ORDO_VAULT_NONCE_SIZE - ORDO_VAULT_TAG_SIZE;
    plain = sodium_malloc(n + 1); /* guarded and wiped on free: it holds the secret */
    if (!plain) {
        ordo_oom(n + 1);
    }
    rc = ordo_vault_open_box(vault, key_id, box, box + ORDO_VAULT_NONCE_SIZE,
                             len - ORDO_VAULT_NONCE_SIZE, ad, adlen, what, plain, err);
    if (rc == ORDO_OK) {
        /* The same length in and out: the new nonce and ciphertext replace the old in place. */
        rc = ordo_vault_seal(vault, plain, n, ad, adlen, box, box + ORDO_VAULT_NONCE_SIZE,
                             new_key_id, err);
    }
    sodium_free(plain);
    return rc;
}
