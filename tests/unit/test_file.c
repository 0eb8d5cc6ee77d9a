/*
 * base/file: capped reads and atomic writes.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "base/buf.h"
#include "base/file.h"
#include "tests/unit/check_main.h"

static char dir[64];
static char path[128];

static void setup(void)
{
    (void)snprintf(dir, sizeof(dir), "/tmp/ordo-test-file-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    (void)snprintf(path, sizeof(path), "%s/f.txt", dir);
}

static void teardown(void)
{
    (void)unlink(path);
    (void)rmdir(dir);
}

static void put(const char *content)
{
    FILE *f = fopen(path, "w");

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fputs(content, f) >= 0, 1);
    ck_assert_int_eq(fclose(f), 0);
}

START_TEST(read_appends_the_whole_file)
{
    struct ordo_buf b = ORDO_BUF_INIT;
    struct ordo_err err = {0};

    put("hello\nworld\n");
    ordo_buf_puts(&b, ">");
    ck_assert_int_eq(ordo_file_read(path, 100, NULL, &b, &err), ORDO_OK);
    ck_assert_str_eq(ordo_buf_cstr(&b), ">hello\nworld\n");
    ordo_buf_cleanup(&b);
}
END_TEST

START_TEST(read_refuses_a_file_over_the_cap_by_its_size)
{
    struct ordo_buf b = ORDO_BUF_INIT;
    struct ordo_err err = {0};

    put("0123456789");
    ck_assert_int_eq(ordo_file_read(path, 9, "test_cap", &b, &err), ORDO_E_TOOBIG);
    ck_assert_uint_eq(b.len, 0); /* nothing was read */
    ck_assert_msg(strstr(err.msg, "limit of 9 bytes (test_cap)"), "%s", err.msg);
    ck_assert_int_eq(ordo_file_read(path, 10, NULL, &b, &err), ORDO_OK);
    ordo_buf_cleanup(&b);
}
END_TEST

START_TEST(read_reports_missing_and_unreadable_paths)
{
    struct ordo_buf b = ORDO_BUF_INIT;
    struct ordo_err err = {0};

    ck_assert_int_eq(ordo_file_read("/nonexistent/x", 10, NULL, &b, &err), ORDO_E_NOTFOUND);
    ck_assert_msg(strstr(err.msg, "could not open \"/nonexistent/x\""), "%s", err.msg);
    memset(&err, 0, sizeof(err));
    ck_assert_int_eq(ordo_file_read(dir, 10, NULL, &b, &err), ORDO_E_INVAL);
    ck_assert_msg(strstr(err.msg, "not a regular file"), "%s", err.msg);
}
END_TEST

START_TEST(write_replaces_and_keeps_the_mode)
{
    struct ordo_buf b = ORDO_BUF_INIT;
    struct ordo_err err = {0};
    struct stat st;

    put("old");
    ck_assert_int_eq(chmod(path, 0640), 0);
    ck_assert_int_eq(ordo_file_write_atomic(path, "new content", 11, &err), ORDO_OK);
    ck_assert_int_eq(ordo_file_read(path, 100, NULL, &b, &err), ORDO_OK);
    ck_assert_str_eq(ordo_buf_cstr(&b), "new content");
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0640);
    ordo_buf_cleanup(&b);
}
END_TEST

START_TEST(write_creates_with_the_umask)
{
    struct ordo_err err = {0};
    struct stat st;
    mode_t old = umask(027);

    ck_assert_int_eq(ordo_file_write_atomic(path, "x", 1, &err), ORDO_OK);
    (void)umask(old);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0640);
}
END_TEST

START_TEST(write_through_a_link_keeps_the_link)
{
    struct ordo_buf b = ORDO_BUF_INIT;
    struct ordo_err err = {0};
    char link[160];
    struct stat st;

    put("old");
    (void)snprintf(link, sizeof(link), "%s/link.txt", dir);
    ck_assert_int_eq(symlink("f.txt", link), 0);
    ck_assert_int_eq(ordo_file_write_atomic(link, "via link", 8, &err), ORDO_OK);
    ck_assert_int_eq(lstat(link, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    ck_assert_int_eq(ordo_file_read(path, 100, NULL, &b, &err), ORDO_OK);
    ck_assert_str_eq(ordo_buf_cstr(&b), "via link");
    (void)unlink(link);
    ordo_buf_cleanup(&b);
}
END_TEST

START_TEST(write_to_a_fifo_writes_into_it)
{
    struct ordo_err err = {0};
    char fifo[160];
    char got[16] = "";
    struct stat st;
    int rd;

    (void)snprintf(fifo, sizeof(fifo), "%s/pipe", dir);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    rd = open(fifo, O_RDONLY | O_NONBLOCK); /* a reader, so the writer's open succeeds */
    ck_assert_int_ge(rd, 0);
    ck_assert_int_eq(ordo_file_write_atomic(fifo, "piped", 5, &err), ORDO_OK);
    ck_assert_int_eq(read(rd, got, sizeof(got) - 1), 5);
    ck_assert_str_eq(got, "piped");
    ck_assert_int_eq(lstat(fifo, &st), 0);
    ck_assert(S_ISFIFO(st.st_mode)); /* still a pipe, not a regular file */
    (void)close(rd);
    (void)unlink(fifo);
}
END_TEST

START_TEST(failed_write_changes_nothing)
{
    struct ordo_err err = {0};
    char missing[160];

    (void)snprintf(missing, sizeof(missing), "%s/no/such/dir/f", dir);
    ck_assert_int_eq(ordo_file_write_atomic(missing, "x", 1, &err), ORDO_E_INVAL);
    ck_assert_msg(strstr(err.msg, "could not create a file beside"), "%s", err.msg);
    ck_assert_int_ne(access(missing, F_OK), 0);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("file");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, read_appends_the_whole_file);
    tcase_add_test(tc, read_refuses_a_file_over_the_cap_by_its_size);
    tcase_add_test(tc, read_reports_missing_and_unreadable_paths);
    tcase_add_test(tc, write_replaces_and_keeps_the_mode);
    tcase_add_test(tc, write_creates_with_the_umask);
    tcase_add_test(tc, write_through_a_link_keeps_the_link);
    tcase_add_test(tc, write_to_a_fifo_writes_into_it);
    tcase_add_test(tc, failed_write_changes_nothing);
    suite_add_tcase(s, tc);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
