/*
 * base/vault.h - the master key, and the sealed boxes that keep connector
 * credentials encrypted in the database (CONTRACTS §13).
 *
 * Key text. A master key is 32 random bytes, written either as 64 hex
 * digits (either case; `openssl rand -hex 32`) or as 44 characters of
 * standard base64 with its '=' padding (`openssl rand -base64 32`). One
 * trailing newline ("\n" or "\r\n") is ignored; anything else, spaces
 * included, is ORDO_E_INVAL. No message ever repeats key text (it may give
 * its length).
 *
 * Key id. The first 16 hex digits of the SHA-256 of the key's 32 bytes (so
 * the hex and base64 forms of one key have one id). It is stored beside
 * every ciphertext, so that after a rotation a box names the key that
 * opens it. A key id is not a secret: 64 bits of a hash of 256 random bits.
 *
 * Where the key comes from (ordo_vault_open):
 *   1. the config key master_key (or ORDO_MASTER_KEY_FILE by the _FILE
 *      rule of base/config.h) when it is not empty;
 *   2. else, with the embedded database only, the file
 *      $data_dir/master.key: read when it exists, else created with a
 *      random key as 64 hex digits and a newline, mode 0600. The file is
 *      written to a temporary name (O_EXCL, fsync) and linked into place, so
 *      two processes starting together agree on one key and a crash never
 *      leaves half a key. A file whose mode gives group or others any
 *      permission, that is not owned by the effective user, or that is not
 *      a regular file (a symbolic link included) is refused. Creating it
 *      logs one WARN: back it up apart from database dumps (the log names
 *      the file, never the key). data_dir is created (0700) when missing;
 *   3. else (an external database without master_key) ORDO_E_INVAL: a
 *      generated key would sit on one node only and be lost with it.
 * Previous keys (config key master_key_old: one key, or several separated
 * by commas) are added with ordo_vault_add_old(): they open boxes sealed
 * before a rotation; new boxes are always sealed with the current key.
 *
 * Boxes. XChaCha20-Poly1305 (IETF construction, libsodium) with a random
 * 24-byte nonce per seal, so one key can seal any number of boxes. The
 * ciphertext is the plaintext's length plus ORDO_VAULT_TAG_SIZE bytes. The
 * associated data ('ad') is authenticated, not stored: credentials use
 * "credential:<id>", so a ciphertext copied into another row does not open.
 *
 * Codes: ORDO_E_INVAL for key text, key files and a missing key (start-up
 * errors); ORDO_E_TOOBIG for a plaintext over ORDO_VAULT_PLAIN_MAX;
 * ORDO_E_INTERNAL for a box that does not open: its key id is not one of
 * the vault's keys, or the tag does not verify (wrong key, other
 * associated data, damaged or altered bytes). INTERNAL rather than
 * UNPROCESSABLE because nothing the client sends can fix it: the server's
 * key configuration or its stored data is wrong, and an operator must act.
 *
 * Memory: the keys live in libsodium's guarded memory (sodium_malloc: locked
 * against swapping where the system allows, wiped when freed). The vault
 * owns no plaintext: seal and open_box write into the caller's buffers,
 * and the caller wipes them (ordo_crypto_wipe) once done.
 *
 * Threads: ordo_vault_open, ordo_vault_add_old and ordo_vault_free belong
 * to start-up and shut-down; once set up, a vault is read-only and every
 * other function may be called from any thread at once.
 */
#ifndef ORDO_BASE_VAULT_H
#define ORDO_BASE_VAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define ORDO_VAULT_KEY_SIZE    32
#define ORDO_VAULT_KEY_ID_SIZE 17 /* 16 hex digits and the NUL */
#define ORDO_VAULT_NONCE_SIZE  24
#define ORDO_VAULT_TAG_SIZE    16
#define ORDO_VAULT_MAX_OLD     8                     /* previous keys a vault holds at most */
#define ORDO_VAULT_PLAIN_MAX   ((size_t)1024 * 1024) /* bytes one box holds at most */
#define ORDO_VAULT_KEY_FILE    "master.key"          /* in data_dir, embedded database only */

struct ordo_vault; /* opaque */

/* Decode key text (see above) into 'key'. 'what' names the key in the
 * message ("master_key", or a file's path). ORDO_E_INVAL otherwise, with
 * 'key' wiped. */
enum ordo_code ordo_vault_key_parse(const char *text, const char *what,
                                    uint8_t key[ORDO_VAULT_KEY_SIZE], struct ordo_err *err);

/* The key id of 'key': 16 lower-case hex digits. */
void ordo_vault_key_id(const uint8_t key[ORDO_VAULT_KEY_SIZE], char id[ORDO_VAULT_KEY_ID_SIZE]);

/* A vault with the current master key, found as the header says:
 * 'master_key_text' (may be "" or NULL: not configured), else with
 * 'embedded' the key file in 'data_dir', else ORDO_E_INVAL. '*out' is set
 * only on ORDO_OK; free it with ordo_vault_free(). Runs ordo_crypto_init(). */
enum ordo_code ordo_vault_open(const char *master_key_text, const char *data_dir, bool embedded,
                               struct ordo_vault **out, struct ordo_err *err);

/* Add previous keys: 'keys_text' is one key or several separated by commas
 * (blanks around each ignored, empty items skipped; "" adds nothing). A key
 * equal to one the vault holds is skipped. ORDO_E_INVAL for a malformed key
 * (the message says which item, never its text), a key that shares its id
 * with a different key of the vault, or more than ORDO_VAULT_MAX_OLD; on
 * error the vault is unchanged. */
enum ordo_code ordo_vault_add_old(struct ordo_vault *vault, const char *keys_text,
                                  struct ordo_err *err);

/* Wipe the keys and free the vault. NULL is a no-op. */
void ordo_vault_free(struct ordo_vault *vault);

/* The current key's id, borrowed from the vault. */
const char *ordo_vault_current_id(const struct ordo_vault *vault);

/* The number of keys held: the current one and the previous ones. */
size_t ordo_vault_key_count(const struct ordo_vault *vault);

/* Whether 'key_id' names the current key or a previous one. */
bool ordo_vault_has_key(const struct ordo_vault *vault, const char *key_id);

/* The key file the current key was read from or written to;
 * "" when it came from master_key. Borrowed from the vault. */
const char *ordo_vault_key_file(const struct ordo_vault *vault);

/* Seal 'len' bytes of 'plain' with the current key: 'nonce' gets a new
 * random nonce, 'cipher' (len + ORDO_VAULT_TAG_SIZE bytes; it must not
 * overlap 'plain') the ciphertext and tag, 'key_id' the current key's id.
 * 'ad' (may be NULL when 'adlen' is 0) is authenticated with them.
 * ORDO_E_TOOBIG when 'len' is over ORDO_VAULT_PLAIN_MAX. */
enum ordo_code ordo_vault_seal(const struct ordo_vault *vault, const void *plain, size_t len,
                               const void *ad, size_t adlen, uint8_t nonce[ORDO_VAULT_NONCE_SIZE],
                               uint8_t *cipher, char key_id[ORDO_VAULT_KEY_ID_SIZE],
                               struct ordo_err *err);

/* Open a box sealed by ordo_vault_seal() with the key 'key_id' (current or
 * previous) and the same 'ad': 'plain' (clen - ORDO_VAULT_TAG_SIZE bytes)
 * gets the plaintext. ORDO_E_INTERNAL, with nothing of the box left in
 * 'plain', for an unknown key id ("could not decrypt WHAT: it was sealed with master key <id>,
 * which is neither master_key (<id>) nor in master_key_old") and for a box
 * that does not verify ("could not decrypt WHAT: wrong master key or
 * damaged data"). 'what' names the box in those messages (NULL:
 * "credential"). */
enum ordo_code ordo_vault_open_box(const struct ordo_vault *vault, const char *key_id,
                                   const uint8_t nonce[ORDO_VAULT_NONCE_SIZE],
                                   const uint8_t *cipher, size_t clen, const void *ad, size_t adlen,
                                   const char *what, uint8_t *plain, struct ordo_err *err);

/* Open 'box' (the nonce, then the ciphertext, as stored: 'len' bytes) sealed
 * with key 'key_id' and 'ad', and seal its plaintext again, in place, with
 * the current key, whose id goes to 'new_key_id': what rotating the master
 * key does to each stored secret. Errors as ordo_vault_open_box(), with the
 * box unchanged. */
enum ordo_code ordo_vault_reseal(const struct ordo_vault *vault, const char *key_id, uint8_t *box,
                                 size_t len, const void *ad, size_t adlen, const char *what,
                                 char new_key_id[ORDO_VAULT_KEY_ID_SIZE], struct ordo_err *err);

#endif
