/*
 * tests/unit/test_vault: master keys, their file, and sealed boxes
 * (base/vault.h).
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "base/crypto.h"
#include "base/log.h"
#include "base/vault.h"
#include "tests/unit/check_main.h"

/* Two keys, each in both forms (`openssl rand -hex 32`, then base64 of the same bytes). */
#define KEY1_HEX "8f3a1c5e7b9d2f4061a3c5e7092b4d6f8a1c3e5f7092b4d6f81a3c5e7092b4d6"
#define KEY1_B64 "jzocXnudL0Bho8XnCStNb4ocPl9wkrTW+Bo8XnCStNY="
#define KEY2_HEX "00112233445566778899aabbccddeeff0123456789abcdef0011223344556677"
#define KEY3_HEX "f0e1d2c3b4a5968778695a4b3c2d1e0f00ffeeddccbbaa998877665544332211"

static struct ordo_err err;
static char dir[64];
static char data_dir[96];
static char key_path[128];
static FILE *sink;

static void setup(void)
{
    ordo_err_clear(&err);
    ck_assert_int_eq(ordo_crypto_init(&err), ORDO_OK);
    (void)snprintf(dir, sizeof dir, "/tmp/ordo-test-vault-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    (void)snprintf(data_dir, sizeof data_dir, "%s/data", dir); /* not there yet */
    (void)snprintf(key_path, sizeof key_path, "%s/%s", data_dir, ORDO_VAULT_KEY_FILE);
    sink = tmpfile();
    ck_assert_ptr_nonnull(sink);
    ordo_log_set_sink(sink);
    ordo_log_threshold = ORDO_LOG_INFO;
}

static void teardown(void)
{
    ordo_log_set_sink(NULL);
    (void)fclose(sink);
    (void)unlink(key_path);
    (void)rmdir(data_dir);
    (void)rmdir(dir);
}

/* Everything logged so far, in a static buffer. */
static const char *logged(void)
{
    static char text[8192];
    size_t n;

    (void)fflush(sink);
    rewind(sink);
    n = fread(text, 1, sizeof text - 1, sink);
    text[n] = '\0';
    return text;
}

static struct ordo_vault *open_with(const char *key_text)
{
    struct ordo_vault *v = NULL;

    ck_assert_msg(ordo_vault_open(key_text, "", false, &v, &err) == ORDO_OK, "%s", err.msg);
    return v;
}

/* Whether 'needle' occurs in the 'len' bytes at 'hay' (memmem is a GNU extension). */
static bool contains(const uint8_t *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);

    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(hay + i, needle, n) == 0) {
            return true;
        }
    }
    return false;
}

/* A sealed box of 'plain' (a string) with associated data 'ad'. */
struct box {
    uint8_t nonce[ORDO_VAULT_NONCE_SIZE];
    uint8_t cipher[256];
    size_t clen;
    char key_id[ORDO_VAULT_KEY_ID_SIZE];
};

static struct box seal(const struct ordo_vault *v, const char *plain, const char *ad)
{
    struct box b;
    size_t len = strlen(plain);

    ck_assert_uint_le(len + ORDO_VAULT_TAG_SIZE, sizeof b.cipher);
    ck_assert_int_eq(
        ordo_vault_seal(v, plain, len, ad, strlen(ad), b.nonce, b.cipher, b.key_id, &err), ORDO_OK);
    b.clen = len + ORDO_VAULT_TAG_SIZE;
    return b;
}

/* Open 'b' into 'out' (a string); the code. */
static enum ordo_code open_box(const struct ordo_vault *v, const struct box *b, const char *ad,
                               char out[256])
{
    enum ordo_code rc;

    ordo_err_clear(&err);
    memset(out, 'x', 256);
    rc = ordo_vault_open_box(v, b->key_id, b->nonce, b->cipher, b->clen, ad, strlen(ad), NULL,
                             (uint8_t *)out, &err);
    out[rc == ORDO_OK ? b->clen - ORDO_VAULT_TAG_SIZE : 0] = '\0';
    return rc;
}

/* ---- boxes ---------------------------------------------------------------------------------- */

START_TEST(a_sealed_box_opens_with_its_key_and_associated_data)
{
    struct ordo_vault *v = open_with(KEY1_HEX);
    struct box b = seal(v, "{\"token\":\"s3cret\"}", "credential:7");
    struct box again = seal(v, "{\"token\":\"s3cret\"}", "credential:7");
    char out[256];

    ck_assert_str_eq(b.key_id, ordo_vault_current_id(v));
    ck_assert(!contains(b.cipher, b.clen, "s3cret"));
    ck_assert_int_eq(open_box(v, &b, "credential:7", out), ORDO_OK);
    ck_assert_str_eq(out, "{\"token\":\"s3cret\"}");
    /* A fresh nonce each time: the same plaintext never seals the same way twice. */
    ck_assert(memcmp(b.nonce, again.nonce, sizeof b.nonce) != 0);
    ck_assert(memcmp(b.cipher, again.cipher, b.clen) != 0);
    /* An empty plaintext is a box too (just the tag). */
    b = seal(v, "", "credential:8");
    ck_assert_uint_eq(b.clen, ORDO_VAULT_TAG_SIZE);
    ck_assert_int_eq(open_box(v, &b, "credential:8", out), ORDO_OK);
    ck_assert_str_eq(out, "");
    ordo_vault_free(v);
    ordo_vault_free(NULL);
}
END_TEST

START_TEST(other_associated_data_does_not_open_a_box)
{
    struct ordo_vault *v = open_with(KEY1_HEX);
    struct box b = seal(v, "s3cret", "credential:7");
    char out[256];

    ck_assert_int_eq(open_box(v, &b, "credential:8", out), ORDO_E_INTERNAL);
    ck_assert_str_eq(err.msg, "could not decrypt credential: wrong master key or damaged data");
    ck_assert_int_eq(open_box(v, &b, "", out), ORDO_E_INTERNAL);
    ordo_vault_free(v);
}
END_TEST

START_TEST(a_changed_byte_anywhere_does_not_open_a_box)
{
    struct ordo_vault *v = open_with(KEY1_HEX);
    struct box b = seal(v, "s3cret", "credential:7"), bad;
    char out[256];

    for (size_t i = 0; i < b.clen; i++) { /* ciphertext and tag */
        bad = b;
        bad.cipher[i] ^= 0x01;
        ck_assert_int_eq(open_box(v, &bad, "credential:7", out), ORDO_E_INTERNAL);
    }
    bad = b;
    bad.nonce[5] ^= 0x80;
    ck_assert_int_eq(open_box(v, &bad, "credential:7", out), ORDO_E_INTERNAL);
    bad = b;
    bad.clen = ORDO_VAULT_TAG_SIZE - 1; /* shorter than a tag */
    ck_assert_int_eq(open_box(v, &bad, "credential:7", out), ORDO_E_INTERNAL);
    ck_assert_str_eq(err.msg, "could not decrypt credential: wrong master key or damaged data");
    ordo_vault_free(v);
}
END_TEST

START_TEST(a_box_over_the_limit_is_refused)
{
    struct ordo_vault *v = open_with(KEY1_HEX);
    uint8_t nonce[ORDO_VAULT_NONCE_SIZE];
    char id[ORDO_VAULT_KEY_ID_SIZE];
    uint8_t *big = calloc(1, ORDO_VAULT_PLAIN_MAX + 1);
    uint8_t *cipher = malloc(ORDO_VAULT_PLAIN_MAX + 1 + ORDO_VAULT_TAG_SIZE);

    ck_assert_int_eq(
        ordo_vault_seal(v, big, ORDO_VAULT_PLAIN_MAX + 1, NULL, 0, nonce, cipher, id, &err),
        ORDO_E_TOOBIG);
    free(cipher);
    free(big);
    ordo_vault_free(v);
}
END_TEST

/* ---- rotation ------------------------------------------------------------------------------- */

START_TEST(an_old_key_opens_its_boxes_and_the_current_key_reseals_them)
{
    struct ordo_vault *before = open_with(KEY1_HEX);
    struct ordo_vault *after = open_with(KEY2_HEX);
    struct box b = seal(before, "s3cret", "credential:7"), resealed;
    char out[256], want[160];

    /* Without the old key the box names the key it needs. */
    ck_assert_int_eq(open_box(after, &b, "credential:7", out), ORDO_E_INTERNAL);
    (void)snprintf(want, sizeof want,
                   "could not decrypt credential: it was sealed with master key %s, which is "
                   "neither master_key (%s) nor in master_key_old",
                   ordo_vault_current_id(before), ordo_vault_current_id(after));
    ck_assert_str_eq(err.msg, want);

    ck_assert_int_eq(ordo_vault_add_old(after, KEY1_B64, &err), ORDO_OK);
    ck_assert_uint_eq(ordo_vault_key_count(after), 2);
    ck_assert(ordo_vault_has_key(after, ordo_vault_current_id(before)));
    ck_assert_str_ne(ordo_vault_current_id(after), ordo_vault_current_id(before));
    ck_assert_int_eq(open_box(after, &b, "credential:7", out), ORDO_OK);
    ck_assert_str_eq(out, "s3cret");

    resealed = seal(after, out, "credential:7");
    ck_assert_str_eq(resealed.key_id, ordo_vault_current_id(after));
    ck_assert_int_eq(open_box(after, &resealed, "credential:7", out), ORDO_OK);
    ck_assert_str_eq(out, "s3cret");
    /* The previous key alone does not open what the new one sealed. */
    ck_assert_int_eq(open_box(before, &resealed, "credential:7", out), ORDO_E_INTERNAL);
    ordo_vault_free(before);
    ordo_vault_free(after);
}
END_TEST

START_TEST(old_keys_are_a_comma_separated_list_checked_as_a_whole)
{
    struct ordo_vault *v = open_with(KEY1_HEX);

    /* Blanks and empty items are ignored, a key held already is skipped. */
    ck_assert_int_eq(ordo_vault_add_old(v, "", &err), ORDO_OK);
    ck_assert_int_eq(ordo_vault_add_old(v, " " KEY2_HEX " ,, " KEY1_B64 ",\n" KEY2_HEX "\n", &err),
                     ORDO_OK);
    ck_assert_uint_eq(ordo_vault_key_count(v), 2);

    /* One bad item refuses the whole list, named by position, never by text. */
    ck_assert_int_eq(ordo_vault_add_old(v, KEY3_HEX ",not-a-key-at-all", &err), ORDO_E_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "master_key_old (item 2) is not a master key"));
    ck_assert_ptr_null(strstr(err.msg, "not-a-key"));
    ck_assert_uint_eq(ordo_vault_key_count(v), 2);

    /* At most ORDO_VAULT_MAX_OLD previous keys. */
    ordo_err_clear(&err);
    for (int i = 0; i < ORDO_VAULT_MAX_OLD - 1; i++) {
        char hex[2 * ORDO_VAULT_KEY_SIZE + 1];
        uint8_t key[ORDO_VAULT_KEY_SIZE];

        ordo_random_bytes(key, sizeof key);
        ordo_hex(key, sizeof key, hex);
        ck_assert_int_eq(ordo_vault_add_old(v, hex, &err), ORDO_OK);
    }
    ck_assert_uint_eq(ordo_vault_key_count(v), 1 + ORDO_VAULT_MAX_OLD);
    ck_assert_int_eq(ordo_vault_add_old(v, KEY3_HEX, &err), ORDO_E_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "more than 8 keys"));
    ordo_vault_free(v);
}
END_TEST

/* ---- key text ------------------------------------------------------------------------------- */

START_TEST(key_text_is_hex_or_base64_of_32_bytes)
{
    uint8_t a[ORDO_VAULT_KEY_SIZE], b[ORDO_VAULT_KEY_SIZE];
    char id[ORDO_VAULT_KEY_ID_SIZE], hash[ORDO_SHA256_HEX_SIZE];
    char upper[] = KEY1_HEX;

    ck_assert_int_eq(ordo_vault_key_parse(KEY1_HEX, "master_key", a, &err), ORDO_OK);
    ck_assert_int_eq(ordo_vault_key_parse(KEY1_B64 "\n", "master_key", b, &err), ORDO_OK);
    ck_assert_mem_eq(a, b, sizeof a);
    for (char *p = upper; *p; p++) {
        *p = (char)(*p >= 'a' && *p <= 'f' ? *p - 'a' + 'A' : *p);
    }
    ck_assert_int_eq(ordo_vault_key_parse(upper, "master_key", b, &err), ORDO_OK);
    ck_assert_mem_eq(a, b, sizeof a);
    ck_assert_int_eq(ordo_vault_key_parse(KEY1_HEX "\r\n", "master_key", b, &err), ORDO_OK);

    /* The id: the first 16 hex digits of SHA-256 of the 32 bytes. */
    ordo_vault_key_id(a, id);
    ordo_sha256_hex(a, sizeof a, hash);
    ck_assert_uint_eq(strlen(id), 16);
    ck_assert_int_eq(strncmp(id, hash, 16), 0);
}
END_TEST

START_TEST(malformed_key_text_is_refused_without_repeating_it)
{
    static const char *const bad[] = {
        "",
        "8f3a1c5e7b9d2f4061a3c5e7092b4d6f8a1c3e5f7092b4d6f81a3c5e7092b4d",   /* 63 digits */
        "8f3a1c5e7b9d2f4061a3c5e7092b4d6f8a1c3e5f7092b4d6f81a3c5e7092b4d6f", /* 65 */
        "zz3a1c5e7b9d2f4061a3c5e7092b4d6f8a1c3e5f7092b4d6f81a3c5e7092b4d6",  /* not hex */
        " 8f3a1c5e7b9d2f4061a3c5e7092b4d6f8a1c3e5f7092b4d6f81a3c5e7092b4d6", /* a blank */
        "jzocXnudL0Bho8XnCStNb4ocPl9wkrTW+Bo8XnCStNY",                       /* unpadded */
        "jzocXnudL0Bho8XnCStNb4ocPl9wkrTW-Bo8XnCStNY=",                      /* URL alphabet */
        "jzocXnudL0Bho8XnCStNb4ocPl9wkrTW+Bo8XnCStNZ=",                      /* stray bits */
        "hunter2-hunter2-hunter2-hunter2-hunter2-hunter2-hunter2-hunter2!",  /* 64, not hex */
        "correct horse battery staple",
    };
    uint8_t key[ORDO_VAULT_KEY_SIZE];
    struct ordo_vault *v = NULL;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ordo_err_clear(&err);
        ck_assert_msg(ordo_vault_key_parse(bad[i], "master_key", key, &err) == ORDO_E_INVAL,
                      "accepted item %zu", i);
        ck_assert_ptr_nonnull(strstr(err.msg, "master_key is not a master key"));
        ck_assert_msg(bad[i][0] == '\0' || !strstr(err.msg, bad[i] + 1), "%s", err.msg);
        ck_assert_ptr_null(strstr(err.msg, "hunter2"));
        ck_assert_ptr_null(strstr(err.msg, "horse"));
    }
    /* A configured key is parsed by ordo_vault_open, with the same refusal. */
    ordo_err_clear(&err);
    ck_assert_int_eq(ordo_vault_open("correct horse battery staple", data_dir, true, &v, &err),
                     ORDO_E_INVAL);
    ck_assert_ptr_null(v);
    ck_assert_ptr_null(strstr(err.msg, "horse"));
    ck_assert_int_eq(access(key_path, F_OK), -1); /* no file made instead */
}
END_TEST

/* ---- where the key comes from --------------------------------------------------------------- */

START_TEST(the_embedded_default_generates_a_private_key_file_once)
{
    struct ordo_vault *v = NULL, *again = NULL;
    char text[128] = "";
    uint8_t key[ORDO_VAULT_KEY_SIZE];
    char id[ORDO_VAULT_KEY_ID_SIZE];
    struct stat st;
    FILE *f;

    ck_assert_msg(ordo_vault_open("", data_dir, true, &v, &err) == ORDO_OK, "%s", err.msg);
    ck_assert_str_eq(ordo_vault_key_file(v), key_path);
    ck_assert_int_eq(stat(key_path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0600);
    ck_assert_uint_eq(st.st_uid, geteuid());
    ck_assert_int_eq(stat(data_dir, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0700);

    /* 64 hex digits and a newline, and that is the vault's key. */
    f = fopen(key_path, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fread(text, 1, sizeof text - 1, f), 65);
    (void)fclose(f);
    ck_assert_int_eq(text[64], '\n');
    ck_assert_int_eq(ordo_vault_key_parse(text, "file", key, &err), ORDO_OK);
    ordo_vault_key_id(key, id);
    ck_assert_str_eq(id, ordo_vault_current_id(v));

    /* One WARN that names the file and asks for a backup, never the key. */
    text[64] = '\0';
    ck_assert_ptr_nonnull(strstr(logged(), "\"level\":\"warn\""));
    ck_assert_ptr_nonnull(strstr(logged(), "back up this file apart from database dumps"));
    ck_assert_ptr_nonnull(strstr(logged(), key_path));
    ck_assert_ptr_null(strstr(logged(), text));

    /* The next start reads the same key and says nothing. */
    rewind(sink);
    ck_assert_int_eq(ftruncate(fileno(sink), 0), 0);
    ck_assert_int_eq(ordo_vault_open(NULL, data_dir, true, &again, &err), ORDO_OK);
    ck_assert_str_eq(ordo_vault_current_id(again), ordo_vault_current_id(v));
    ck_assert_str_eq(logged(), "");
    ordo_vault_free(again);
    ordo_vault_free(v);
}
END_TEST

START_TEST(a_key_file_open_to_others_is_refused)
{
    struct ordo_vault *v = NULL;
    char text[128] = "";
    FILE *f;

    ck_assert_int_eq(ordo_vault_open("", data_dir, true, &v, &err), ORDO_OK);
    ordo_vault_free(v);
    v = NULL;
    f = fopen(key_path, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fread(text, 1, 64, f), 64);
    (void)fclose(f);

    ck_assert_int_eq(chmod(key_path, 0644), 0);
    ck_assert_int_eq(ordo_vault_open("", data_dir, true, &v, &err), ORDO_E_INVAL);
    ck_assert_ptr_null(v);
    ck_assert_ptr_nonnull(strstr(err.msg, "has mode 0644"));
    ck_assert_ptr_nonnull(strstr(err.msg, "chmod 600"));
    ck_assert_ptr_null(strstr(err.msg, text));

    ordo_err_clear(&err);
    ck_assert_int_eq(chmod(key_path, 0620), 0); /* writable by the group: refused too */
    ck_assert_int_eq(ordo_vault_open("", data_dir, true, &v, &err), ORDO_E_INVAL);

    /* It is not replaced by a new key either. */
    ck_assert_int_eq(chmod(key_path, 0400), 0);
    ordo_err_clear(&err);
    ck_assert_int_eq(ordo_vault_open("", data_dir, true, &v, &err), ORDO_OK);
    ordo_vault_free(v);
}
END_TEST

START_TEST(a_key_file_that_is_not_a_key_is_refused)
{
    struct ordo_vault *v = NULL;
    int fd;

    ck_assert_int_eq(mkdir(data_dir, 0700), 0);
    fd = open(key_path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "hunter2\n", 8), 8);
    (void)close(fd);
    ck_assert_int_eq(ordo_vault_open("", data_dir, true, &v, &err), ORDO_E_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, key_path));
    ck_assert_ptr_nonnull(strstr(err.msg, "is not a master key"));
    ck_assert_ptr_null(strstr(err.msg, "hunter2"));
}
END_TEST

START_TEST(a_configured_master_key_wins_and_writes_no_file)
{
    struct ordo_vault *v = NULL, *same = NULL;

    ck_assert_int_eq(ordo_vault_open(KEY1_HEX, data_dir, true, &v, &err), ORDO_OK);
    ck_assert_str_eq(ordo_vault_key_file(v), "");
    ck_assert_int_eq(access(key_path, F_OK), -1);
    ck_assert_int_eq(ordo_vault_open(KEY1_B64, "", false, &same, &err), ORDO_OK);
    ck_assert_str_eq(ordo_vault_current_id(v), ordo_vault_current_id(same));
    ck_assert_uint_eq(ordo_vault_key_count(v), 1);
    ordo_vault_free(same);
    ordo_vault_free(v);
}
END_TEST

START_TEST(an_external_database_without_master_key_is_refused)
{
    struct ordo_vault *v = NULL;

    ck_assert_int_eq(ordo_vault_open("", data_dir, false, &v, &err), ORDO_E_INVAL);
    ck_assert_ptr_null(v);
    ck_assert_ptr_nonnull(strstr(err.msg, "master_key is required with an external database"));
    ck_assert_ptr_nonnull(strstr(err.msg, "ORDO_MASTER_KEY_FILE"));
    /* Only the embedded default may generate a key. */
    ck_assert_int_eq(access(data_dir, F_OK), -1);
}
END_TEST

static Suite *vault_suite(void)
{
    Suite *s = suite_create("vault");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, a_sealed_box_opens_with_its_key_and_associated_data);
    tcase_add_test(tc, other_associated_data_does_not_open_a_box);
    tcase_add_test(tc, a_changed_byte_anywhere_does_not_open_a_box);
    tcase_add_test(tc, a_box_over_the_limit_is_refused);
    tcase_add_test(tc, an_old_key_opens_its_boxes_and_the_current_key_reseals_them);
    tcase_add_test(tc, old_keys_are_a_comma_separated_list_checked_as_a_whole);
    tcase_add_test(tc, key_text_is_hex_or_base64_of_32_bytes);
    tcase_add_test(tc, malformed_key_text_is_refused_without_repeating_it);
    tcase_add_test(tc, the_embedded_default_generates_a_private_key_file_once);
    tcase_add_test(tc, a_key_file_open_to_others_is_refused);
    tcase_add_test(tc, a_key_file_that_is_not_a_key_is_refused);
    tcase_add_test(tc, a_configured_master_key_wins_and_writes_no_file);
    tcase_add_test(tc, an_external_database_without_master_key_is_refused);
    suite_add_tcase(s, tc);
    return s;
}

ORDO_CHECK_MAIN(vault_suite)
