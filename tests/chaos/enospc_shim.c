/* tests/chaos/enospc_shim.c - an LD_PRELOAD library that makes a disk look full.
 *
 * tests/chaos/enospc.sh uses it where a size-capped tmpfs cannot be mounted (no root, a
 * container without CAP_SYS_ADMIN). Loaded into a process (the PostgreSQL server, or a CLI
 * command), it makes write(), pwrite(), writev(), pwritev(), fsync(), fdatasync() and
 * posix_fallocate() of files under the folder CHAOS_ENOSPC_DIR fail with ENOSPC while the file
 * CHAOS_ENOSPC_FLAG exists; otherwise, and for every other file, socket or pipe, it passes the
 * call on. The stdio calls fwrite() and fputc() fail the same way (pg_dump writes with them):
 * libc flushes its buffers through its own internal write, which no preloaded library sees. The
 * whole call fails (no short write): what a full disk does to the write that needs a new block.
 * Both variables are read once, when the library is loaded.
 *
 * Built by the script: cc -D_GNU_SOURCE -shared -fPIC -o enospc_shim.so enospc_shim.c -ldl
 */

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static char shim_dir[PATH_MAX];
static char shim_flag[PATH_MAX];

/* Copied at load time: PostgreSQL rewrites its environment for the process title later. */
__attribute__((constructor)) static void shim_init(void)
{
    const char *dir = getenv("CHAOS_ENOSPC_DIR");
    const char *flag = getenv("CHAOS_ENOSPC_FLAG");

    if (dir && flag && strlen(dir) < sizeof shim_dir && strlen(flag) < sizeof shim_flag) {
        (void)snprintf(shim_dir, sizeof shim_dir, "%s", dir);
        (void)snprintf(shim_flag, sizeof shim_flag, "%s", flag);
    }
}

/* True when fd is a file under shim_dir and the flag file exists; errno is kept either way, so
 * a passed-on call sees the errno its caller left. */
static bool disk_full(int fd)
{
    char link[64];
    char path[PATH_MAX];
    size_t n = strlen(shim_dir);
    ssize_t len;
    int saved = errno;
    bool full = false;

    if (n == 0 || access(shim_flag, F_OK) != 0) {
        errno = saved;
        return false;
    }
    (void)snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    len = readlink(link, path, sizeof path - 1);
    if (len > 0) {
        path[len] = '\0';
        full = strncmp(path, shim_dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
    }
    errno = saved;
    return full;
}

/* The next definition of NAME (libc's, or a sanitizer's interceptor in front of it). */
static void *next(const char *name)
{
    void *f = dlsym(RTLD_NEXT, name);

    if (!f) {
        (void)fprintf(stderr, "enospc_shim: no next %s\n", name);
        abort();
    }
    return f;
}

#define FAIL_IF_FULL(fd)     \
    do {                     \
        if (disk_full(fd)) { \
            errno = ENOSPC;  \
            return -1;       \
        }                    \
    } while (0)

/* The interposed functions keep libc's names (that is the point) and parameter names of our own.
 * NOLINTBEGIN(readability-identifier-naming,readability-inconsistent-declaration-parameter-name) */
ssize_t write(int fd, const void *buf, size_t count)
{
    static ssize_t (*real)(int, const void *, size_t);

    FAIL_IF_FULL(fd);
    if (!real) {
        real = (ssize_t(*)(int, const void *, size_t))next("write");
    }
    return real(fd, buf, count);
}

ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset)
{
    static ssize_t (*real)(int, const void *, size_t, off_t);

    FAIL_IF_FULL(fd);
    if (!real) {
        real = (ssize_t(*)(int, const void *, size_t, off_t))next("pwrite");
    }
    return real(fd, buf, count, offset);
}

/* The same symbol under its large-file name: a program built with _FILE_OFFSET_BITS=64. */
ssize_t pwrite64(int fd, const void *buf, size_t count, off_t offset)
{
    return pwrite(fd, buf, count, offset);
}

ssize_t writev(int fd, const struct iovec *iov, int iovcnt)
{
    static ssize_t (*real)(int, const struct iovec *, int);

    FAIL_IF_FULL(fd);
    if (!real) {
        real = (ssize_t(*)(int, const struct iovec *, int))next("writev");
    }
    return real(fd, iov, iovcnt);
}

ssize_t pwritev(int fd, const struct iovec *iov, int iovcnt, off_t offset)
{
    static ssize_t (*real)(int, const struct iovec *, int, off_t);

    FAIL_IF_FULL(fd);
    if (!real) {
        real = (ssize_t(*)(int, const struct iovec *, int, off_t))next("pwritev");
    }
    return real(fd, iov, iovcnt, offset);
}

int fsync(int fd)
{
    static int (*real)(int);

    FAIL_IF_FULL(fd);
    if (!real) {
        real = (int (*)(int))next("fsync");
    }
    return real(fd);
}

int fdatasync(int fd)
{
    static int (*real)(int);

    FAIL_IF_FULL(fd);
    if (!real) {
        real = (int (*)(int))next("fdatasync");
    }
    return real(fd);
}

/* posix_fallocate returns the error number instead of setting errno. */
int posix_fallocate(int fd, off_t offset, off_t len)
{
    static int (*real)(int, off_t, off_t);

    if (disk_full(fd)) {
        return ENOSPC;
    }
    if (!real) {
        real = (int (*)(int, off_t, off_t))next("posix_fallocate");
    }
    return real(fd, offset, len);
}
size_t fwrite(const void *ptr, size_t size, size_t nmemb, FILE *stream)
{
    static size_t (*real)(const void *, size_t, size_t, FILE *);

    if (disk_full(fileno(stream))) {
        errno = ENOSPC;
        return 0;
    }
    if (!real) {
        real = (size_t(*)(const void *, size_t, size_t, FILE *))next("fwrite");
    }
    return real(ptr, size, nmemb, stream);
}

int fputc(int c, FILE *stream)
{
    static int (*real)(int, FILE *);

    if (disk_full(fileno(stream))) {
        errno = ENOSPC;
        return EOF;
    }
    if (!real) {
        real = (int (*)(int, FILE *))next("fputc");
    }
    return real(c, stream);
}
/* NOLINTEND(readability-identifier-naming,readability-inconsistent-declaration-parameter-name) */
