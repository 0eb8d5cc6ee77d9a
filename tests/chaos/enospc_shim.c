/* tests/chaos/enospc_shim.c - an LD_PRELOAD library that makes a disk look full.
 *
 * tests/chaos/enospc.sh uses it where a size-capped tmpfs cannot be mounted (no root, a
 * container without CAP_SYS_ADMIN). Loaded into a process (the PostgreSQL server, or a CLI
 * command), it makes write(), pwrite(), writev(), pwritev(), fsync(), fdatasync() and
 * posix_fallocate() of files under the folder CHAOS_ENOSPC_DIR fail with ENOSPC while the file
 * CHAOS_ENOSPC_FLAG exists; otherwise, and for every other file, socket or pipe, it passes the
 * call on. The stdio calls fwrite() and fputc() fail the same way (pg_dump writes with them):
 * libc flushes its buffers through its own internal write, which no preloaded library sees, so
 * bytes already in a stream's buffer still reach the disk, and the stream's error flag is not
 * set (ferror() stays false); other stdio calls (fputs, fprintf, fflush) and ftruncate,
 * fallocate, copy_file_range and pwritev2 pass unchanged. The whole call fails (no short write):
 * what a full disk does to the write that needs a new block. Both variables are read once, and
 * libc's functions looked up, when the library is loaded: the interposed calls then take no
 * lock and call nothing that is not async-signal-safe (write() may be called from a signal
 * handler).
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
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static char shim_dir[PATH_MAX];
static char shim_flag[PATH_MAX];

/* libc's definitions (or a sanitizer's interceptors in front of them), looked up at load time. */
static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_writev)(int, const struct iovec *, int);
static ssize_t (*real_pwritev)(int, const struct iovec *, int, off_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_posix_fallocate)(int, off_t, off_t);
static size_t (*real_fwrite)(const void *, size_t, size_t, FILE *);
static int (*real_fputc)(int, FILE *);

/* The next definition of NAME. A missing one ends the process: with a raw write(2), since the
 * write() of this library would come back here. */
static void *next(const char *name)
{
    static const char msg[] = "enospc_shim: a libc function is missing\n";
    void *f = dlsym(RTLD_NEXT, name);

    if (!f) {
        (void)syscall(SYS_write, 2, msg, sizeof msg - 1);
        abort();
    }
    return f;
}

/* At load time, or at the first call when another library's constructor writes before ours. */
static void resolve(void)
{
    real_write = (ssize_t(*)(int, const void *, size_t))next("write");
    real_pwrite = (ssize_t(*)(int, const void *, size_t, off_t))next("pwrite");
    real_writev = (ssize_t(*)(int, const struct iovec *, int))next("writev");
    real_pwritev = (ssize_t(*)(int, const struct iovec *, int, off_t))next("pwritev");
    real_fsync = (int (*)(int))next("fsync");
    real_fdatasync = (int (*)(int))next("fdatasync");
    real_posix_fallocate = (int (*)(int, off_t, off_t))next("posix_fallocate");
    real_fwrite = (size_t(*)(const void *, size_t, size_t, FILE *))next("fwrite");
    real_fputc = (int (*)(int, FILE *))next("fputc");
}

/* libc's NAME, looked up first if this call came before the constructor. */
#define REAL(name) (real_##name ? real_##name : (resolve(), real_##name))

/* Copied at load time: PostgreSQL rewrites its environment for the process title later. */
__attribute__((constructor)) static void shim_init(void)
{
    const char *dir = getenv("CHAOS_ENOSPC_DIR");
    const char *flag = getenv("CHAOS_ENOSPC_FLAG");

    resolve();
    if (dir && flag && strlen(dir) < sizeof shim_dir && strlen(flag) < sizeof shim_flag) {
        (void)snprintf(shim_dir, sizeof shim_dir, "%s", dir);
        (void)snprintf(shim_flag, sizeof shim_flag, "%s", flag);
    }
}

/* "/proc/self/fd/<fd>" into link (64 bytes), without stdio (async-signal-safe). */
static void fd_link(int fd, char link[64])
{
    static const char prefix[] = "/proc/self/fd/";
    char digits[16];
    size_t n = 0;
    unsigned v = fd < 0 ? 0U : (unsigned)fd;

    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v && n < sizeof digits);
    memcpy(link, prefix, sizeof prefix - 1);
    for (size_t i = 0; i < n; i++) {
        link[sizeof prefix - 1 + i] = digits[n - 1 - i];
    }
    link[sizeof prefix - 1 + n] = '\0';
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
    fd_link(fd, link);
    len = readlink(link, path, sizeof path - 1);
    if (len > 0) {
        path[len] = '\0';
        full = strncmp(path, shim_dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
    }
    errno = saved;
    return full;
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
    FAIL_IF_FULL(fd);
    return REAL(write)(fd, buf, count);
}

ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset)
{
    FAIL_IF_FULL(fd);
    return REAL(pwrite)(fd, buf, count, offset);
}

/* The same symbol under its large-file name: a program built with _FILE_OFFSET_BITS=64. */
ssize_t pwrite64(int fd, const void *buf, size_t count, off_t offset)
{
    return pwrite(fd, buf, count, offset);
}

ssize_t writev(int fd, const struct iovec *iov, int iovcnt)
{
    FAIL_IF_FULL(fd);
    return REAL(writev)(fd, iov, iovcnt);
}

ssize_t pwritev(int fd, const struct iovec *iov, int iovcnt, off_t offset)
{
    FAIL_IF_FULL(fd);
    return REAL(pwritev)(fd, iov, iovcnt, offset);
}

int fsync(int fd)
{
    FAIL_IF_FULL(fd);
    return REAL(fsync)(fd);
}

int fdatasync(int fd)
{
    FAIL_IF_FULL(fd);
    return REAL(fdatasync)(fd);
}

/* posix_fallocate returns the error number instead of setting errno. */
int posix_fallocate(int fd, off_t offset, off_t len)
{
    if (disk_full(fd)) {
        return ENOSPC;
    }
    return REAL(posix_fallocate)(fd, offset, len);
}

size_t fwrite(const void *ptr, size_t size, size_t nmemb, FILE *stream)
{
    if (disk_full(fileno(stream))) {
        errno = ENOSPC;
        return 0;
    }
    return REAL(fwrite)(ptr, size, nmemb, stream);
}

int fputc(int c, FILE *stream)
{
    if (disk_full(fileno(stream))) {
        errno = ENOSPC;
        return EOF;
    }
    return REAL(fputc)(c, stream);
}
/* NOLINTEND(readability-identifier-naming,readability-inconsistent-declaration-parameter-name) */
