/*
 * base/pgembed.c - the embedded PostgreSQL (the contract is in pgembed.h).
 *
 * A start is a pipeline of small steps that each return an ordo_code:
 * resolve the paths, lock pg.log, read PG_VERSION, pick the binaries, pick
 * the OS user, prepare the folders, then reuse, or initdb and start, and
 * finally make sure the database "ordo" exists. The tools run as children
 * set up before fork; after fork the child calls only async-signal-safe
 * functions, so the parent may have other threads.
 */

/* getgrouplist(), setgroups() and syscall() are not POSIX; glibc declares
 * them under _DEFAULT_SOURCE. Only this file needs them, and the feature
 * macro's name is glibc's, not ours. */
#define _DEFAULT_SOURCE /* NOLINT(readability-identifier-naming) */

#include "base/pgembed.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/file.h"
#include "base/log.h"

#define COMPONENT     "pgembed"
#define PG_PORT       "5432"
#define SOCKET_NAME   ".s.PGSQL." PG_PORT
#define BIN_ROOT      "/usr/lib/postgresql/"
#define WAIT_SECONDS  "60" /* pg_ctl -t */
#define PING_WAIT_MS  60000
#define PING_PAUSE_MS 100
#define SMALL_FILE    4096 /* PG_VERSION, postmaster.pid, /proc/PID/stat */
#define LOG_TAIL_MAX  4096
#define TAIL_LINES    8
#define FD_CLOSE_MAX  65536
#define PW_BUF_SIZE   16384

/* Exit statuses of a child that failed before exec; the tools exit with 1. */
#define CHILD_E_SETUP 120
#define CHILD_E_PRIV  121
#define CHILD_E_REACH 122
#define CHILD_E_EXEC  123

struct ordo_pgembed {
    struct ordo_arena *arena; /* everything below lives in it, the handle too */
    const char *data_dir;     /* absolute */
    const char *pg_dir;       /* data_dir/pg: the cluster and its socket */
    const char *log_path;     /* data_dir/pg.log */
    const char *bin_dir;
    const char *version; /* major version of the binaries: "15" */
    const char *user;    /* OS user that runs the server; also its superuser */
    const char *conninfo;
    bool drop; /* started as root: children switch to uid, gid, groups */
    uid_t uid;
    gid_t gid;
    gid_t *groups;
    int n_groups;
    bool started; /* this handle started the server, so stop stops it */
    long pid;     /* the postmaster it started */
};

/* What a child needs, prepared before fork. */
struct child_io {
    int null_fd;
    int log_fd;
    int fd_max;
};

/* --- paths ----------------------------------------------------------------- */

/* The server's -k option goes through pg_ctl's shell and is a comma list,
 * so the path must not need quoting beyond single quotes; and the socket's
 * path must fit in sun_path. */
static enum ordo_code check_paths(const struct ordo_pgembed *pg, struct ordo_err *err)
{
    const size_t sun_max = sizeof(((struct sockaddr_un *)0)->sun_path) - 1;
    size_t len = strlen(pg->pg_dir) + strlen("/" SOCKET_NAME);
    const unsigned char *p;

    for (p = (const unsigned char *)pg->data_dir; *p; p++) {
        if (*p < 0x20 || *p == 0x7f || strchr("'\"\\,", *p)) {
            return ordo_err_set(err, ORDO_E_INVAL,
                                "data_dir cannot hold the embedded database: its path has a quote, "
                                "backslash, comma or control character: \"%s\"",
                                pg->data_dir);
        }
    }
    if (len > sun_max) {
        return ordo_err_set(err, ORDO_E_INVAL,
                            "data_dir is too long for the embedded database: its socket path "
                            "\"DATA_DIR/pg/" SOCKET_NAME "\" would have %zu bytes, more than the "
                            "%zu of a Unix socket; choose a shorter data_dir than \"%s\"",
                            len, sun_max, pg->data_dir);
    }
    return ORDO_OK;
}

static enum ordo_code resolve_paths(struct ordo_pgembed *pg, const char *data_dir,
                                    struct ordo_err *err)
{
    char *abs;

    if (!data_dir || !*data_dir) {
        return ordo_err_set(err, ORDO_E_INVAL, "data_dir is empty: the embedded database needs it");
    }
    if (mkdir(data_dir, 0700) != 0 && errno != EEXIST) {
        return ordo_err_set(err, ORDO_E_INVAL, "could not create data_dir \"%s\": %s", data_dir,
                            strerror(errno));
    }
    abs = realpath(data_dir, NULL);
    if (!abs) {
        return ordo_err_set(err, ORDO_E_INVAL, "could not resolve data_dir \"%s\": %s", data_dir,
                            strerror(errno));
    }
    pg->data_dir = ordo_arena_strdup(pg->arena, abs);
    free(abs);
    pg->pg_dir = ordo_arena_printf(pg->arena, "%s/pg", pg->data_dir);
    pg->log_path = ordo_arena_printf(pg->arena, "%s/pg.log", pg->data_dir);
    return check_paths(pg, err);
}

/* 's' as a quoted value of a libpq connection string. */
static char *conn_value(struct ordo_arena *arena, const char *s)
{
    char *out = ordo_arena_alloc(arena, 2 * strlen(s) + 3);
    char *p = out;

    *p++ = '\'';
    for (; *s; s++) {
        if (*s == '\'' || *s == '\\') {
            *p++ = '\\';
        }
        *p++ = *s;
    }
    *p++ = '\'';
    *p = '\0';
    return out;
}

static const char *make_conninfo(const struct ordo_pgembed *pg, const char *dbname)
{
    return ordo_arena_printf(pg->arena, "host=%s port=" PG_PORT " user=%s dbname=%s",
                             conn_value(pg->arena, pg->pg_dir), conn_value(pg->arena, pg->user),
                             dbname);
}

/* --- small files ----------------------------------------------------------- */

/* Open with close-on-exec, never as 0, 1 or 2, which a child overwrites. */
static int open_fd(const char *path, int flags, mode_t mode)
{
    int fd = open(path, flags | O_CLOEXEC, mode);
    int high;

    if (fd < 0 || fd > STDERR_FILENO) {
        return fd;
    }
    high = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
    (void)close(fd);
    return high;
}

/* Open pg.log for appending (and for reading its tail) and take the lock
 * that serialises starts and stops of this data_dir across processes. An
 * fcntl lock, unlike flock, is not inherited by the server, which keeps the
 * log open as its stderr; it is released when the descriptor is closed. */
static enum ordo_code open_log(const struct ordo_pgembed *pg, int *fd_out, struct ordo_err *err)
{
    struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    int fd = open_fd(pg->log_path, O_RDWR | O_APPEND | O_CREAT, 0600);

    if (fd < 0) {
        return ordo_err_set(err, ORDO_E_INVAL, "could not open \"%s\": %s", pg->log_path,
                            strerror(errno));
    }
    while (fcntl(fd, F_SETLKW, &lock) != 0) {
        if (errno != EINTR) {
            (void)close(fd);
            return ordo_err_set(err, ORDO_E_INTERNAL, "could not lock \"%s\": %s", pg->log_path,
                                strerror(errno));
        }
    }
    *fd_out = fd;
    return ORDO_OK;
}

/* Read a small file into the handle's arena; '*out' is NULL when it does
 * not exist. */
static enum ordo_code read_small(const struct ordo_pgembed *pg, const char *path, char **out,
                                 struct ordo_err *err)
{
    struct ordo_buf b = ORDO_BUF_INIT;
    struct ordo_err ferr = {0};
    enum ordo_code rc = ordo_file_read(path, SMALL_FILE, NULL, &b, &ferr);

    *out = NULL;
    if (rc == ORDO_OK) {
        *out = ordo_arena_strdup(pg->arena, ordo_buf_cstr(&b));
    } else if (rc != ORDO_E_NOTFOUND) {
        (void)ordo_err_set(err, rc, "%s", ordo_err_message(&ferr));
    }
    ordo_buf_cleanup(&b);
    return rc == ORDO_E_NOTFOUND ? ORDO_OK : rc;
}

/* The major version in PG_VERSION, or NULL when the cluster does not exist. */
static enum ordo_code read_data_version(const struct ordo_pgembed *pg, const char **out,
                                        struct ordo_err *err)
{
    char *path = ordo_arena_printf(pg->arena, "%s/PG_VERSION", pg->pg_dir);
    char *text;
    enum ordo_code rc = read_small(pg, path, &text, err);

    *out = NULL;
    if (rc != ORDO_OK || !text) {
        return rc;
    }
    text[strcspn(text, " \t\r\n")] = '\0';
    if (!*text) {
        return ordo_err_set(err, ORDO_E_INVAL, "\"%s\" is empty: not a PostgreSQL data folder",
                            path);
    }
    *out = text;
    return ORDO_OK;
}

/* The pid in the first line of postmaster.pid; 0 when there is none. */
static long read_postmaster_pid(const struct ordo_pgembed *pg)
{
    char *path = ordo_arena_printf(pg->arena, "%s/postmaster.pid", pg->pg_dir);
    char *text;
    char *end;
    long pid;

    if (read_small(pg, path, &text, NULL) != ORDO_OK || !text) {
        return 0;
    }
    errno = 0;
    pid = strtol(text, &end, 10);
    return errno == 0 && end != text && pid > 0 ? pid : 0;
}

/* True when 'pid' is a zombie: dead, but not reaped by its parent (the
 * server is reparented to init, and the init of some containers never
 * reaps). PostgreSQL's lock files take such a pid for a live server. */
static bool is_zombie(const struct ordo_pgembed *pg, long pid)
{
    char *path = ordo_arena_printf(pg->arena, "/proc/%ld/stat", pid);
    char *text;
    const char *paren;

    if (read_small(pg, path, &text, NULL) != ORDO_OK || !text) {
        return false;
    }
    paren = strrchr(text, ')'); /* the command name may hold spaces and parentheses */
    return paren && paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X');
}

/* --- binaries and user ----------------------------------------------------- */

/* "15" -> 15000, "9.6" -> 9006; -1 for anything else. */
static long parse_version(const char *s)
{
    long major;
    long minor = 0;
    char *end;

    if (*s < '0' || *s > '9') {
        return -1;
    }
    errno = 0;
    major = strtol(s, &end, 10);
    if (*end == '.' && end[1] >= '0' && end[1] <= '9') {
        minor = strtol(end + 1, &end, 10);
    }
    if (errno != 0 || *end != '\0' || major > 100000 || minor > 999) {
        return -1;
    }
    return major * 1000 + minor;
}

/* Pick the binaries: those of 'data_version' when installed, else the
 * highest version; refuse a cluster of another version. */
static enum ordo_code find_binaries(struct ordo_pgembed *pg, const char *data_version,
                                    struct ordo_err *err)
{
    const char *chosen = NULL;
    long best = -1;
    glob_t g = {0};
    size_t i;

    if (glob(BIN_ROOT "*/bin/pg_ctl", 0, NULL, &g) == 0) {
        for (i = 0; i < g.gl_pathc; i++) {
            const char *name = g.gl_pathv[i] + strlen(BIN_ROOT);
            char *version = ordo_arena_strndup(pg->arena, name, strcspn(name, "/"));
            long v = parse_version(version);

            if (v >= 0 && data_version && strcmp(version, data_version) == 0) {
                chosen = version;
                break;
            }
            if (v > best) {
                best = v;
                chosen = version;
            }
        }
    }
    globfree(&g);
    if (!chosen) {
        return ordo_err_set(err, ORDO_E_INVAL,
                            "no PostgreSQL server binaries in " BIN_ROOT "*/bin: install the "
                            "postgresql package, or set database_url to an external database");
    }
    pg->version = chosen;
    pg->bin_dir = ordo_arena_printf(pg->arena, BIN_ROOT "%s/bin", chosen);
    if (data_version && strcmp(data_version, chosen) != 0) {
        return ordo_err_set(err, ORDO_E_CONFLICT,
                            "the embedded database was created by PostgreSQL %s but PostgreSQL %s "
                            "is installed: install PostgreSQL %s, or upgrade the data with "
                            "pg_upgrade (docs/embedded-database.md); data_dir \"%s\"",
                            data_version, chosen, data_version, pg->data_dir);
    }
    return ORDO_OK;
}

static const struct passwd *find_user(const char *name, uid_t uid, struct passwd *pwd, char *buf,
                                      size_t size)
{
    struct passwd *found = NULL;
    int rc =
        name ? getpwnam_r(name, pwd, buf, size, &found) : getpwuid_r(uid, pwd, buf, size, &found);

    return rc == 0 ? found : NULL;
}

static enum ordo_code set_user(struct ordo_pgembed *pg, const struct passwd *pw,
                               struct ordo_err *err)
{
    gid_t one;
    int n = 1;

    pg->user = ordo_arena_strdup(pg->arena, pw->pw_name);
    pg->uid = pw->pw_uid;
    pg->gid = pw->pw_gid;
    if (!pg->drop) {
        return ORDO_OK;
    }
    if (pw->pw_uid == 0) {
        return ordo_err_set(err, ORDO_E_INVAL,
                            "the embedded database cannot run as root (user \"%s\" has uid 0)",
                            pw->pw_name);
    }
    if (getgrouplist(pw->pw_name, pw->pw_gid, &one, &n) < 0) {
        pg->groups = ordo_arena_calloc(pg->arena, (size_t)n, sizeof(gid_t));
        if (getgrouplist(pw->pw_name, pw->pw_gid, pg->groups, &n) < 0) {
            return ordo_err_set(err, ORDO_E_INTERNAL, "could not list the groups of user \"%s\"",
                                pw->pw_name);
        }
    } else {
        pg->groups = ordo_arena_memdup(pg->arena, &one, sizeof(one));
    }
    pg->n_groups = n;
    return ORDO_OK;
}

/* Root runs the server as the owner of an existing cluster folder, else as
 * "ordo", else "postgres"; anyone else as themselves. */
static enum ordo_code choose_user(struct ordo_pgembed *pg, struct ordo_err *err)
{
    char buf[PW_BUF_SIZE];
    struct passwd pwd;
    const struct passwd *pw;
    struct stat st;
    bool have_dir = stat(pg->pg_dir, &st) == 0;
    uid_t me = geteuid();

    if (me != 0) {
        pw = find_user(NULL, me, &pwd, buf, sizeof(buf));
        if (!pw) {
            return ordo_err_set(err, ORDO_E_INVAL,
                                "uid %u has no user name, which the embedded database needs",
                                (unsigned)me);
        }
        if (have_dir && st.st_uid != me) {
            return ordo_err_set(err, ORDO_E_INVAL,
                                "\"%s\" belongs to uid %u, not to user \"%s\" that runs ordo: run "
                                "ordo as that user or as root",
                                pg->pg_dir, (unsigned)st.st_uid, pw->pw_name);
        }
        return set_user(pg, pw, err);
    }
    pg->drop = true;
    if (have_dir && st.st_uid != 0) {
        pw = find_user(NULL, st.st_uid, &pwd, buf, sizeof(buf));
    } else {
        pw = find_user("ordo", 0, &pwd, buf, sizeof(buf));
        if (!pw) {
            pw = find_user("postgres", 0, &pwd, buf, sizeof(buf));
        }
    }
    if (!pw) {
        return ordo_err_set(err, ORDO_E_INVAL,
                            "no user to run the embedded database as (started as root, it needs "
                            "user \"ordo\" or \"postgres\", or the owner of \"%s\")",
                            pg->pg_dir);
    }
    return set_user(pg, pw, err);
}

/* Root makes data_dir traversable and gives the cluster folder to the
 * server's user; the folder is always 0700, which keeps the socket in it
 * (and so "trust" authentication) to its owner and root. */
static enum ordo_code prepare_dirs(const struct ordo_pgembed *pg, struct ordo_err *err)
{
    struct stat st;

    if (pg->drop && stat(pg->data_dir, &st) == 0 && !(st.st_mode & S_IXOTH) &&
        chmod(pg->data_dir, (st.st_mode & 07777) | S_IXOTH) != 0) {
        return ordo_err_set(err, ORDO_E_INVAL, "could not make \"%s\" traversable: %s",
                            pg->data_dir, strerror(errno));
    }
    if (mkdir(pg->pg_dir, 0700) != 0 && errno != EEXIST) {
        return ordo_err_set(err, ORDO_E_INVAL, "could not create \"%s\": %s", pg->pg_dir,
                            strerror(errno));
    }
    if (pg->drop && chown(pg->pg_dir, pg->uid, pg->gid) != 0) {
        return ordo_err_set(err, ORDO_E_INVAL, "could not give \"%s\" to user \"%s\": %s",
                            pg->pg_dir, pg->user, strerror(errno));
    }
    if (chmod(pg->pg_dir, 0700) != 0) {
        return ordo_err_set(err, ORDO_E_INVAL, "could not set the mode of \"%s\": %s", pg->pg_dir,
                            strerror(errno));
    }
    return ORDO_OK;
}

/* --- child processes ------------------------------------------------------- */

/* Make 'fd' the descriptor 'target', open across exec. */
static int move_fd(int fd, int target)
{
    if (fd == target) {
        return fcntl(fd, F_SETFD, 0);
    }
    return dup2(fd, target) < 0 ? -1 : 0;
}

static void close_from_3(int fd_max)
{
    int fd;

#ifdef SYS_close_range
    if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0) {
        return;
    }
#endif
    for (fd = 3; fd < fd_max; fd++) {
        (void)close(fd);
    }
}

/* In the forked child: async-signal-safe calls only, then exec. */
static _Noreturn void exec_child(const struct ordo_pgembed *pg, const struct child_io *io,
                                 char *const argv[])
{
    struct sigaction dfl = {.sa_handler = SIG_DFL};
    sigset_t none;

    (void)setsid(); /* a Ctrl-C meant for ordo does not reach the server */
    if (move_fd(io->null_fd, STDIN_FILENO) != 0 || move_fd(io->log_fd, STDOUT_FILENO) != 0 ||
        move_fd(io->log_fd, STDERR_FILENO) != 0 || chdir("/") != 0) {
        _exit(CHILD_E_SETUP);
    }
    close_from_3(io->fd_max);
    (void)sigemptyset(&none);
    (void)sigprocmask(SIG_SETMASK, &none, NULL);
    (void)sigaction(SIGCHLD, &dfl, NULL); /* initdb waits for its own children */
    (void)sigaction(SIGPIPE, &dfl, NULL);
    if (pg->drop && (setgroups((size_t)pg->n_groups, pg->groups) != 0 || setgid(pg->gid) != 0 ||
                     setuid(pg->uid) != 0)) {
        _exit(CHILD_E_PRIV);
    }
    if (access(pg->pg_dir, R_OK | W_OK | X_OK) != 0) {
        _exit(CHILD_E_REACH);
    }
    (void)execv(argv[0], argv);
    _exit(CHILD_E_EXEC);
}

/* Run 'argv' (argv[0] an absolute path) as the server's user with output to
 * pg.log and wait for it: '*status' is its exit status, 128 + the signal
 * that killed it. */
static enum ordo_code run_tool(const struct ordo_pgembed *pg, int log_fd, const char *const *argv,
                               int *status, struct ordo_err *err)
{
    long open_max = sysconf(_SC_OPEN_MAX);
    struct child_io io = {.log_fd = log_fd};
    pid_t pid;
    int ws;

    io.fd_max = open_max < 0 || open_max > FD_CLOSE_MAX ? FD_CLOSE_MAX : (int)open_max;
    io.null_fd = open_fd("/dev/null", O_RDONLY, 0);
    if (io.null_fd < 0) {
        return ordo_err_set(err, ORDO_E_INTERNAL, "could not open /dev/null: %s", strerror(errno));
    }
    pid = fork();
    if (pid == 0) {
        exec_child(pg, &io, (char *const *)argv);
    }
    (void)close(io.null_fd);
    if (pid < 0) {
        return ordo_err_set(err, ORDO_E_INTERNAL, "could not run %s: %s", argv[0], strerror(errno));
    }
    while (waitpid(pid, &ws, 0) < 0) {
        if (errno != EINTR) {
            return ordo_err_set(err, ORDO_E_INTERNAL, "could not wait for %s: %s", argv[0],
                                strerror(errno));
        }
    }
    *status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    return ORDO_OK;
}

/* What pg.log gained since 'start', at most its last LOG_TAIL_MAX bytes. */
static void read_log_tail(int fd, off_t start, char *out, size_t size)
{
    struct stat st;
    size_t got = 0;

    out[0] = '\0';
    if (fstat(fd, &st) != 0 || st.st_size <= start) {
        return;
    }
    if (st.st_size - start > (off_t)(size - 1)) {
        start = st.st_size - (off_t)(size - 1);
    }
    while (got < size - 1) {
        ssize_t n = pread(fd, out + got, size - 1 - got, start + (off_t)got);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        got += (size_t)n;
    }
    out[got] = '\0';
}

/* The last non-empty lines of 'text' that fit in 'size' bytes, joined by
 * " / ": the end of a log says why a tool failed. A last line too long for
 * 'size' keeps its beginning. */
static void last_lines(const char *text, char *out, size_t size)
{
    const char *begin[TAIL_LINES];
    size_t len[TAIL_LINES];
    size_t n = 0;
    size_t used = 0;
    const char *end = text + strlen(text);

    while (n < TAIL_LINES) {
        const char *b;

        while (end > text && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ')) {
            end--;
        }
        for (b = end; b > text && b[-1] != '\n';) {
            b--;
        }
        if (b == end || used + (size_t)(end - b) + (n ? 3 : 0) >= size) {
            if (n == 0 && b != end && size > 0) {
                begin[n] = b;
                len[n++] = size - 1;
            }
            break;
        }
        used += (size_t)(end - b) + (n ? 3 : 0);
        begin[n] = b;
        len[n++] = (size_t)(end - b);
        end = b;
    }
    used = 0;
    while (n-- > 0) {
        used += (size_t)snprintf(out + used, size - used, "%s%.*s", used ? " / " : "", (int)len[n],
                                 begin[n]);
    }
    if (size > 0 && used == 0) {
        out[0] = '\0';
    }
}

/* The error for a tool that exited with 'status' != 0. */
static enum ordo_code tool_failed(const struct ordo_pgembed *pg, int log_fd, off_t log_start,
                                  const char *what, const char *tool, int status,
                                  struct ordo_err *err)
{
    char prefix[ORDO_ERR_MSG_SIZE];
    char tail[LOG_TAIL_MAX];
    char lines[ORDO_ERR_MSG_SIZE];
    int n;

    if (status == CHILD_E_PRIV) {
        return ordo_err_set(err, ORDO_E_INTERNAL, "could not %s: could not switch to user \"%s\"",
                            what, pg->user);
    }
    if (status == CHILD_E_REACH) {
        return ordo_err_set(err, ORDO_E_INVAL,
                            "could not %s: user \"%s\" cannot reach \"%s\" (every folder above it "
                            "must be traversable: chmod o+x)",
                            what, pg->user, pg->pg_dir);
    }
    if (status == CHILD_E_SETUP || status == CHILD_E_EXEC) {
        return ordo_err_set(err, ORDO_E_INTERNAL, "could not %s: could not run %s/%s", what,
                            pg->bin_dir, tool);
    }
    read_log_tail(log_fd, log_start, tail, sizeof(tail));
    ordo_log(ORDO_LOG_ERROR, COMPONENT, "embedded database tool failed", ORDO_STR("tool", tool),
             ORDO_INT("status", status), ORDO_STR("log_path", pg->log_path),
             ORDO_STR("log_tail", tail));
    n = snprintf(prefix, sizeof(prefix),
                 "could not %s: %s exited with status %d; pg.log ends: ", what, tool, status);
    last_lines(tail, lines, n > 0 && (size_t)n < sizeof(lines) ? sizeof(lines) - (size_t)n : 1);
    return ordo_err_set(err, ORDO_E_INTERNAL, "%s%s", prefix, lines);
}

/* --- the server ------------------------------------------------------------ */

static enum ordo_code run_initdb(const struct ordo_pgembed *pg, int log_fd, struct ordo_err *err)
{
    const char *argv[] = {ordo_arena_printf(pg->arena, "%s/initdb", pg->bin_dir),
                          "-D",
                          pg->pg_dir,
                          ordo_arena_printf(pg->arena, "--username=%s", pg->user),
                          "--encoding=UTF8",
                          "--locale=C",
                          "--auth-local=trust",
                          "--auth-host=reject",
                          NULL};
    off_t start = lseek(log_fd, 0, SEEK_END);
    int status = 0;
    enum ordo_code rc = run_tool(pg, log_fd, argv, &status, err);

    if (rc != ORDO_OK) {
        return rc;
    }
    if (status != 0) {
        return tool_failed(pg, log_fd, start, "initialise the embedded database", "initdb", status,
                           err);
    }
    ordo_log(ORDO_LOG_INFO, COMPONENT, "embedded database initialised",
             ORDO_STR("data_dir", pg->data_dir), ORDO_STR("pg_version", pg->version),
             ORDO_STR("os_user", pg->user));
    return ORDO_OK;
}

/* A postmaster.pid of a zombie would make the server refuse to start, and
 * so would the socket's lock file, which holds the same pid. */
static enum ordo_code remove_zombie_locks(const struct ordo_pgembed *pg, struct ordo_err *err)
{
    long pid = read_postmaster_pid(pg);
    const char *files[] = {"postmaster.pid", SOCKET_NAME ".lock"};
    size_t i;

    if (pid <= 0 || !is_zombie(pg, pid)) {
        return ORDO_OK;
    }
    ordo_log(ORDO_LOG_WARN, COMPONENT, "removing the lock files of a dead embedded database",
             ORDO_STR("data_dir", pg->data_dir), ORDO_INT("pid", pid));
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char *path = ordo_arena_printf(pg->arena, "%s/%s", pg->pg_dir, files[i]);

        if (unlink(path) != 0 && errno != ENOENT) {
            return ordo_err_set(err, ORDO_E_INTERNAL, "could not remove \"%s\": %s", path,
                                strerror(errno));
        }
    }
    return ORDO_OK;
}

static enum ordo_code start_server(struct ordo_pgembed *pg, int log_fd, struct ordo_err *err)
{
    const char *opts = ordo_arena_printf(pg->arena,
                                         "-c listen_addresses='' -c unix_socket_permissions=0700 "
                                         "-k '%s' -p " PG_PORT,
                                         pg->pg_dir);
    const char *argv[] = {ordo_arena_printf(pg->arena, "%s/pg_ctl", pg->bin_dir),
                          "start",
                          "-D",
                          pg->pg_dir,
                          "-w",
                          "-t",
                          WAIT_SECONDS,
                          "-s",
                          "-o",
                          opts,
                          NULL};
    off_t start = lseek(log_fd, 0, SEEK_END);
    int status = 0;
    enum ordo_code rc = remove_zombie_locks(pg, err);

    if (rc == ORDO_OK) {
        rc = run_tool(pg, log_fd, argv, &status, err);
    }
    if (rc == ORDO_OK && status != 0) {
        rc = tool_failed(pg, log_fd, start, "start the embedded database", "pg_ctl", status, err);
    }
    if (rc != ORDO_OK) {
        return rc;
    }
    pg->started = true;
    pg->pid = read_postmaster_pid(pg);
    ordo_log(ORDO_LOG_INFO, COMPONENT, "embedded database started",
             ORDO_STR("data_dir", pg->data_dir), ORDO_STR("pg_version", pg->version),
             ORDO_STR("os_user", pg->user), ORDO_INT("pid", pg->pid));
    return ORDO_OK;
}

/* PQping of the socket, waiting while the server starts or stops. */
static PGPing ping_server(const struct ordo_pgembed *pg)
{
    const struct timespec nap = {.tv_nsec = PING_PAUSE_MS * 1000L * 1000L};
    PGPing state;
    int waited;

    for (waited = 0;; waited += PING_PAUSE_MS) {
        state = PQping(pg->conninfo);
        if (state != PQPING_REJECT || waited >= PING_WAIT_MS) {
            return state;
        }
        (void)nanosleep(&nap, NULL);
    }
}

static enum ordo_code bring_up(struct ordo_pgembed *pg, int log_fd, bool fresh,
                               struct ordo_err *err)
{
    long pid = fresh ? 0 : read_postmaster_pid(pg);
    enum ordo_code rc;

    if (pid > 0 && ping_server(pg) == PQPING_OK) {
        ordo_log(ORDO_LOG_INFO, COMPONENT, "embedded database reused",
                 ORDO_STR("data_dir", pg->data_dir), ORDO_INT("pid", pid));
        return ORDO_OK;
    }
    if (fresh) {
        rc = run_initdb(pg, log_fd, err);
        if (rc != ORDO_OK) {
            return rc;
        }
    }
    return start_server(pg, log_fd, err);
}

static int trimmed_len(const char *s)
{
    size_t n = strlen(s);

    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ')) {
        n--;
    }
    return (int)n;
}

/* Create the database "ordo" unless it exists (also after a crash between
 * initdb and this step). */
static enum ordo_code ensure_database(const struct ordo_pgembed *pg, struct ordo_err *err)
{
    PGconn *db = PQconnectdb(make_conninfo(pg, "postgres"));
    PGresult *res = NULL;
    const char *state;
    enum ordo_code rc = ORDO_OK;

    if (PQstatus(db) != CONNECTION_OK) {
        rc = ordo_err_set(err, ORDO_E_INTERNAL, "could not connect to the embedded database: %.*s",
                          trimmed_len(PQerrorMessage(db)), PQerrorMessage(db));
        goto out;
    }
    res = PQexecParams(db, "SELECT 1 FROM pg_database WHERE datname = 'ordo'", 0, NULL, NULL, NULL,
                       NULL, 0);
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0) {
        goto out;
    }
    if (PQresultStatus(res) == PGRES_TUPLES_OK) {
        PQclear(res);
        res = PQexecParams(db, "CREATE DATABASE ordo", 0, NULL, NULL, NULL, NULL, 0);
    }
    state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    if (PQresultStatus(res) != PGRES_COMMAND_OK && !(state && strcmp(state, "42P04") == 0)) {
        rc = ordo_err_set(err, ORDO_E_INTERNAL,
                          "could not create the database \"ordo\" in the embedded database: %.*s",
                          trimmed_len(PQerrorMessage(db)), PQerrorMessage(db));
    }
out:
    PQclear(res);
    PQfinish(db);
    return rc;
}

/* --- the handle ------------------------------------------------------------ */

enum ordo_code ordo_pgembed_start(const char *data_dir, struct ordo_pgembed **out,
                                  struct ordo_err *err)
{
    struct ordo_arena *arena = ordo_arena_new();
    struct ordo_pgembed *pg = ordo_arena_alloc(arena, sizeof(*pg));
    const char *data_version = NULL;
    int log_fd = -1;
    enum ordo_code rc;

    pg->arena = arena;
    rc = resolve_paths(pg, data_dir, err);
    if (rc == ORDO_OK) {
        rc = open_log(pg, &log_fd, err);
    }
    if (rc == ORDO_OK) {
        rc = read_data_version(pg, &data_version, err);
    }
    if (rc == ORDO_OK) {
        rc = find_binaries(pg, data_version, err);
    }
    if (rc == ORDO_OK) {
        rc = choose_user(pg, err);
    }
    if (rc == ORDO_OK) {
        rc = prepare_dirs(pg, err);
    }
    if (rc == ORDO_OK) {
        pg->conninfo = make_conninfo(pg, "ordo");
        rc = bring_up(pg, log_fd, data_version == NULL, err);
    }
    if (rc == ORDO_OK) {
        rc = ensure_database(pg, err);
    }
    if (log_fd >= 0) {
        (void)close(log_fd); /* releases the lock */
    }
    if (rc != ORDO_OK) {
        ordo_pgembed_stop(pg); /* stops a server this call started */
        return rc;
    }
    *out = pg;
    return ORDO_OK;
}

const char *ordo_pgembed_conninfo(const struct ordo_pgembed *pg)
{
    return pg->conninfo;
}

/* Stop the server this handle started, unless it died or another process
 * started a new one meanwhile: pg_ctl would stop that one, or wait its
 * whole timeout for a zombie. */
static void stop_server(const struct ordo_pgembed *pg)
{
    const char *argv[] = {ordo_arena_printf(pg->arena, "%s/pg_ctl", pg->bin_dir),
                          "stop",
                          "-D",
                          pg->pg_dir,
                          "-m",
                          "fast",
                          "-w",
                          "-t",
                          WAIT_SECONDS,
                          "-s",
                          NULL};
    struct ordo_err err = {0};
    int log_fd = -1;
    int status = 0;
    off_t start = 0;
    enum ordo_code rc = open_log(pg, &log_fd, &err);
    long pid = read_postmaster_pid(pg);

    if (rc == ORDO_OK && (pid != pg->pid || is_zombie(pg, pid))) {
        (void)close(log_fd);
        ordo_log(ORDO_LOG_WARN, COMPONENT, "embedded database already stopped or restarted",
                 ORDO_STR("data_dir", pg->data_dir), ORDO_INT("pid", pg->pid));
        return;
    }
    if (rc == ORDO_OK) {
        start = lseek(log_fd, 0, SEEK_END);
        rc = run_tool(pg, log_fd, argv, &status, &err);
    }
    if (rc == ORDO_OK && status != 0) {
        rc = tool_failed(pg, log_fd, start, "stop the embedded database", "pg_ctl", status, &err);
    }
    if (log_fd >= 0) {
        (void)close(log_fd);
    }
    if (rc != ORDO_OK) {
        ordo_log(ORDO_LOG_WARN, COMPONENT, "could not stop the embedded database",
                 ORDO_STR("data_dir", pg->data_dir), ORDO_STR("error", ordo_err_message(&err)));
        return;
    }
    ordo_log(ORDO_LOG_INFO, COMPONENT, "embedded database stopped",
             ORDO_STR("data_dir", pg->data_dir));
}

void ordo_pgembed_stop(struct ordo_pgembed *pg)
{
    if (!pg) {
        return;
    }
    if (pg->started) {
        stop_server(pg);
    }
    ordo_arena_free(pg->arena);
}
