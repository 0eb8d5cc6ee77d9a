#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/arena.h"

static enum ordo_code too_big(const char *path, const char *what, size_t max_bytes,
                              struct ordo_err *err)
{
    return ordo_err_set(err, ORDO_E_TOOBIG, "\"%s\" is larger than the limit of %zu bytes%s%s%s",
                        path, max_bytes, what ? " (" : "", what ? what : "", what ? ")" : "");
}

/* Read until EOF, refusing more than 'max_bytes' (for pipes, whose size is
 * unknown up front). */
static enum ordo_code read_all(int fd, const char *path, size_t max_bytes, const char *what,
                               struct ordo_buf *out, struct ordo_err *err)
{
    size_t start = out->len;
    char chunk[65536];

    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return ordo_err_set(err, ORDO_E_INVAL, "could not read \"%s\": %s", path,
                                strerror(errno));
        }
        if (n == 0) {
            return ORDO_OK;
        }
        if (out->len - start + (size_t)n > max_bytes) {
            return too_big(path, what, max_bytes, err);
        }
        ordo_buf_append(out, chunk, (size_t)n);
    }
}

enum ordo_code ordo_file_read(const char *path, size_t max_bytes, const char *what,
                              struct ordo_buf *out, struct ordo_err *err)
{
    bool is_stdin = strcmp(path, "-") == 0;
    enum ordo_code rc;
    struct stat st;
    int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        return ordo_err_set(err, errno == ENOENT ? ORDO_E_NOTFOUND : ORDO_E_INVAL,
                            "could not open \"%s\": %s", path, strerror(errno));
    }
    if (fstat(fd, &st) != 0 ||
        !(S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode) || (is_stdin && S_ISCHR(st.st_mode)))) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "could not read \"%s\": not a regular file", path);
    } else if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max_bytes) {
        rc = too_big(path, what, max_bytes, err);
    } else {
        if (S_ISREG(st.st_mode)) {
            ordo_buf_reserve(out, (size_t)st.st_size);
        }
        rc = read_all(fd, is_stdin ? "standard input" : path, max_bytes, what, out, err);
    }
    if (!is_stdin) {
        (void)close(fd);
    }
    return rc;
}

static enum ordo_code write_all(int fd, const char *tmp, const char *data, size_t len,
                                struct ordo_err *err)
{
    while (len) {
        ssize_t n = write(fd, data, len);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return ordo_err_set(err, ORDO_E_INVAL, "could not write \"%s\": %s", tmp,
                                strerror(errno));
        }
        data += n;
        len -= (size_t)n;
    }
    return ORDO_OK;
}

static mode_t mode_for(const char *path)
{
    struct stat st;
    mode_t mask;

    if (stat(path, &st) == 0) {
        return st.st_mode & 07777;
    }
    mask = umask(0); /* reading the umask means setting it; put it back at once */
    (void)umask(mask);
    return 0666 & ~mask;
}

/* Make the rename itself durable: flush the folder that holds 'path'. */
static void sync_folder(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    int fd;

    if (!dir) {
        ordo_oom(strlen(path));
    }
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd); /* best effort: some file systems refuse it on folders */
        (void)close(fd);
    }
    free(dir);
}

static enum ordo_code replace_file(const char *path, const void *data, size_t len,
                                   struct ordo_err *err)
{
    size_t plen = strlen(path);
    char *tmp = malloc(plen + sizeof(".tmp.XXXXXX"));
    enum ordo_code rc = ORDO_OK;
    int fd;

    if (!tmp) {
        ordo_oom(plen + sizeof(".tmp.XXXXXX"));
    }
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp.XXXXXX", sizeof(".tmp.XXXXXX"));
    fd = mkstemp(tmp);
    if (fd < 0) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "could not create a file beside \"%s\": %s", path,
                          strerror(errno));
        goto out;
    }
    rc = write_all(fd, tmp, data, len, err);
    if (rc == ORDO_OK && (fchmod(fd, mode_for(path)) != 0 || fsync(fd) != 0)) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "could not write \"%s\": %s", tmp, strerror(errno));
    }
    if (close(fd) != 0 && rc == ORDO_OK) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "could not write \"%s\": %s", tmp, strerror(errno));
    }
    if (rc == ORDO_OK && rename(tmp, path) != 0) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "could not replace \"%s\": %s", path, strerror(errno));
    }
    if (rc != ORDO_OK) {
        (void)unlink(tmp);
    } else {
        sync_folder(path);
    }
out:
    free(tmp);
    return rc;
}

/* Devices and pipes (/dev/null, /dev/stdout, a FIFO) are written, never
 * replaced by a regular file. */
static enum ordo_code write_in_place(const char *path, const void *data, size_t len,
                                     struct ordo_err *err)
{
    int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
    enum ordo_code rc;

    if (fd < 0) {
        return ordo_err_set(err, ORDO_E_INVAL, "could not open \"%s\": %s", path, strerror(errno));
    }
    rc = write_all(fd, path, data, len, err);
    if (close(fd) != 0 && rc == ORDO_OK) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "could not write \"%s\": %s", path, strerror(errno));
    }
    return rc;
}

enum ordo_code ordo_file_write_atomic(const char *path, const void *data, size_t len,
                                      struct ordo_err *err)
{
    enum ordo_code rc;
    struct stat st;
    char *target;

    if (lstat(path, &st) != 0) {
        return replace_file(path, data, len, err); /* a new file */
    }
    if (S_ISLNK(st.st_mode)) {
        /* Replace what the link points at, and keep the link. */
        target = realpath(path, NULL);
        if (!target) {
            return ordo_err_set(err, ORDO_E_INVAL, "could not follow the link \"%s\": %s", path,
                                strerror(errno));
        }
        rc = stat(target, &st) == 0 && !S_ISREG(st.st_mode) ? write_in_place(target, data, len, err)
                                                            : replace_file(target, data, len, err);
        free(target);
        return rc;
    }
    if (!S_ISREG(st.st_mode)) {
        return write_in_place(path, data, len, err);
    }
    return replace_file(path, data, len, err);
}
