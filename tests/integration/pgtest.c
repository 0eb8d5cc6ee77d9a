/*
 * tests/integration/pgtest.c - databases per test on the ctest run's cluster.
 *
 * The state file is read once (pthread_once). Conninfo strings are interned
 * in a list that lives until exit, so callers can pass them straight to
 * PQconnectdb without a buffer of their own; a test process builds only a
 * handful of them.
 */
#include "tests/integration/pgtest.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#define NAME_MAX_LEN     63 /* PostgreSQL's NAMEDATALEN - 1 */
#define PREFIX_MAX_LEN   40 /* leaves room for "_<pid>_<counter>" */
#define CREATE_ATTEMPTS  5
#define SQLSTATE_IN_USE  "55006" /* object_in_use: "being accessed by other users" */
#define STATE_VALUE_SIZE 1024

struct state {
    bool ok;
    bool migrated;
    char host[STATE_VALUE_SIZE];
    char port[32];
    char problem[STATE_VALUE_SIZE + 128]; /* why 'ok' is false */
};

struct interned {
    struct interned *next;
    char text[];
};

static pthread_once_t state_once = PTHREAD_ONCE_INIT;
static struct state state;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* guards the two below */
static struct interned *interned;
static unsigned db_counter;

static _Noreturn void bail(const char *what, const char *detail)
{
    (void)fprintf(stderr, "pgtest: could not %s: %s\n", what, detail ? detail : "");
    abort();
}

/* "VALUE" or "'VALUE'" (as cluster.sh writes it) without the quotes. */
static void unquote(char *value)
{
    size_t len = strlen(value);

    if (len >= 2 && value[0] == '\'' && value[len - 1] == '\'') {
        memmove(value, value + 1, len - 2);
        value[len - 2] = '\0';
    }
}

static void keep_value(const char *key, const char *value)
{
    if (strcmp(key, "ORDOTEST_PG_HOST") == 0) {
        (void)snprintf(state.host, sizeof(state.host), "%s", value);
    } else if (strcmp(key, "ORDOTEST_PG_PORT") == 0) {
        (void)snprintf(state.port, sizeof(state.port), "%s", value);
    } else if (strcmp(key, "ORDOTEST_PG_MIGRATED") == 0) {
        state.migrated = strcmp(value, "1") == 0;
    }
}

static void load_state_cb(void)
{
    const char *path = getenv("ORDOTEST_PG_ENV");
    char line[STATE_VALUE_SIZE + 64];
    FILE *f;

    if (!path || !*path) {
        (void)snprintf(state.problem, sizeof(state.problem),
                       "ORDOTEST_PG_ENV is not set (run the test through ctest)");
        return;
    }
    f = fopen(path, "r");
    if (!f) {
        (void)snprintf(state.problem, sizeof(state.problem),
                       "no PostgreSQL state file %s (did pg_cluster_start run?)", path);
        return;
    }
    while (fgets(line, sizeof(line), f)) {
        char *eq = strchr(line, '=');

        line[strcspn(line, "\r\n")] = '\0';
        if (!eq) {
            continue;
        }
        *eq = '\0';
        unquote(eq + 1);
        keep_value(line, eq + 1);
    }
    (void)fclose(f);
    if (!state.host[0] || !state.port[0]) {
        (void)snprintf(state.problem, sizeof(state.problem),
                       "state file %s names no ORDOTEST_PG_HOST or ORDOTEST_PG_PORT", path);
        return;
    }
    state.ok = true;
}

static const struct state *get_state(void)
{
    if (pthread_once(&state_once, load_state_cb) != 0) {
        bail("read the PostgreSQL state file", "pthread_once failed");
    }
    return &state;
}

bool pgtest_available(void)
{
    const struct state *st = get_state();

    if (!st->ok) {
        (void)printf("NOTICE: %s: the PostgreSQL tests are SKIPPED\n", st->problem);
        (void)fflush(stdout);
    }
    return st->ok;
}

bool pgtest_migrated(void)
{
    return get_state()->migrated;
}

static const struct state *need_state(void)
{
    const struct state *st = get_state();

    if (!st->ok) {
        bail("find the test cluster", st->problem);
    }
    return st;
}

/* Append " key=value" to 'out', quoting 'value' the libpq way when needed. */
static void append_param(char *out, size_t size, const char *key, const char *value)
{
    size_t len = strlen(out);
    bool quote = !*value || strpbrk(value, " \t\n'\\") != NULL;
    int n = snprintf(out + len, size - len, "%s%s=%s", len ? " " : "", key, quote ? "'" : "");

    if (n < 0 || (size_t)n >= size - len) {
        bail("build a conninfo string", "too long");
    }
    len += (size_t)n;
    for (const char *c = value; *c; c++) {
        if (len + 3 >= size) {
            bail("build a conninfo string", "too long");
        }
        if (quote && (*c == '\'' || *c == '\\')) {
            out[len++] = '\\';
        }
        out[len++] = *c;
    }
    if (quote) {
        out[len++] = '\'';
    }
    out[len] = '\0';
}

static const char *intern(const char *text)
{
    struct interned *it;
    size_t len = strlen(text);

    (void)pthread_mutex_lock(&lock);
    for (it = interned; it; it = it->next) {
        if (strcmp(it->text, text) == 0) {
            break;
        }
    }
    if (!it) {
        it = malloc(sizeof(*it) + len + 1);
        if (!it) {
            bail("allocate a conninfo string", "out of memory");
        }
        memcpy(it->text, text, len + 1);
        it->next = interned;
        interned = it;
    }
    (void)pthread_mutex_unlock(&lock);
    return it->text;
}

const char *pgtest_conninfo(const char *dbname, const char *user)
{
    const struct state *st = need_state();
    char buf[2 * STATE_VALUE_SIZE + 256] = "";

    append_param(buf, sizeof(buf), "host", st->host);
    append_param(buf, sizeof(buf), "port", st->port);
    append_param(buf, sizeof(buf), "dbname", dbname);
    append_param(buf, sizeof(buf), "user", user);
    return intern(buf);
}

PGconn *pgtest_connect(const char *dbname, const char *user)
{
    const char *conninfo = pgtest_conninfo(dbname, user);
    PGconn *conn = PQconnectdb(conninfo);

    if (PQstatus(conn) != CONNECTION_OK) {
        (void)fprintf(stderr, "pgtest: conninfo: %s\n", conninfo);
        bail("connect to the test cluster", conn ? PQerrorMessage(conn) : "out of memory");
    }
    return conn;
}

/* "<prefix>_<pid>_<counter>" in lower case, [a-z0-9_] only. */
static void make_db_name(char *name, size_t size, const char *prefix)
{
    char safe[PREFIX_MAX_LEN + 1];
    size_t len = 0;
    unsigned counter;
    int n;

    for (const char *c = prefix ? prefix : ""; *c && len < PREFIX_MAX_LEN; c++) {
        int ch = tolower((unsigned char)*c);

        safe[len++] = (char)((islower(ch) || isdigit(ch)) ? ch : '_');
    }
    safe[len] = '\0';
    (void)pthread_mutex_lock(&lock);
    counter = ++db_counter;
    (void)pthread_mutex_unlock(&lock);
    n = snprintf(name, size, "%s_%ld_%u", len ? safe : "pgtest", (long)getpid(), counter);
    if (n < 0 || (size_t)n >= size) {
        bail("name a test database", "name too long");
    }
}

/* Run the utility statement "<before><quoted name><after>" as the superuser.
 * Returns NULL on success, else the failed result for the caller to inspect
 * and PQclear. */
static PGresult *exec_on_name(PGconn *conn, const char *before, const char *name, const char *after)
{
    char *ident = PQescapeIdentifier(conn, name, strlen(name));
    char sql[256];
    PGresult *res;
    int n;

    if (!ident) {
        bail("quote a database name", PQerrorMessage(conn));
    }
    /* Utility statements take no parameters: the name goes in quoted by libpq. */
    n = snprintf(sql, sizeof(sql), "%s%s%s", before, ident, after);
    PQfreemem(ident);
    if (n < 0 || (size_t)n >= sizeof(sql)) {
        bail("build a statement", "too long");
    }
    res = PQexecParams(conn, sql, 0, NULL, NULL, NULL, NULL, 0);
    if (PQresultStatus(res) == PGRES_COMMAND_OK) {
        PQclear(res);
        return NULL;
    }
    return res;
}

static void ignore_notice_cb(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* A superuser connection for CREATE/DROP DATABASE, without the server's
 * NOTICEs ("database ... does not exist, skipping") on stderr. */
static PGconn *connect_admin(void)
{
    PGconn *conn = pgtest_connect("postgres", PGTEST_SUPERUSER);

    (void)PQsetNoticeProcessor(conn, ignore_notice_cb, NULL);
    return conn;
}

static bool is_in_use(const PGresult *res)
{
    const char *sqlstate = PQresultErrorField(res, PG_DIAG_SQLSTATE);

    return sqlstate && strcmp(sqlstate, SQLSTATE_IN_USE) == 0;
}

char *pgtest_db_create(const char *prefix)
{
    const struct timespec pause = {.tv_sec = 0, .tv_nsec = 200L * 1000 * 1000};
    const char *clause = " TEMPLATE " PGTEST_TEMPLATE " OWNER " PGTEST_OWNER;
    char name[NAME_MAX_LEN + 1];
    PGconn *conn;
    char *copy;

    make_db_name(name, sizeof(name), prefix);
    conn = connect_admin();
    /* PostgreSQL 15 copies a template through the WAL by default; with the
     * cluster's fsync=off, copying the files is about twice as fast when
     * tests create databases in parallel. Older servers only copy files. */
    if (PQserverVersion(conn) >= 150000) {
        clause = " TEMPLATE " PGTEST_TEMPLATE " OWNER " PGTEST_OWNER " STRATEGY FILE_COPY";
    }
    for (int attempt = 1;; attempt++) {
        /* The server itself waits up to 5 s for others to leave the template
         * (a migration's connection that is still closing) before it fails. */
        PGresult *res = exec_on_name(conn, "CREATE DATABASE ", name, clause);

        if (!res) {
            break;
        }
        if (attempt < CREATE_ATTEMPTS && is_in_use(res)) {
            PQclear(res);
            (void)nanosleep(&pause, NULL);
            continue;
        }
        (void)fprintf(stderr, "pgtest: database %s, attempt %d\n", name, attempt);
        bail("create a test database from " PGTEST_TEMPLATE, PQresultErrorMessage(res));
    }
    PQfinish(conn);
    copy = strdup(name);
    if (!copy) {
        bail("copy a database name", "out of memory");
    }
    return copy;
}

void pgtest_db_drop(const char *name)
{
    PGconn *conn;
    PGresult *res;

    if (!name) {
        return;
    }
    conn = connect_admin();
    res = exec_on_name(conn, "DROP DATABASE IF EXISTS ", name, " WITH (FORCE)");
    if (res) {
        (void)fprintf(stderr, "pgtest: database %s\n", name);
        bail("drop a test database", PQresultErrorMessage(res));
    }
    PQfinish(conn);
}
