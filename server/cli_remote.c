/*
 * server/cli_remote.c - the commands that talk to a server through its REST
 * API (CONTRACTS §5): deploy, definition, instance, task, incident, message,
 * key, user and group.
 *
 * They differ only in data, so each is one row of the table below: the
 * route it calls, where its positional arguments go (the path, a body
 * member), its options (a query parameter or a body member, and how the
 * value is read), and how the answer is shown to people (a table of the
 * list, the fields of one object, a sentence, or the bytes as they are).
 * `--json` prints the server's answer as it is, for scripts. The HTTP side
 * and the exit codes are server/cli_client.c's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/file.h"
#include "server/cli_client.h"
#include "server/cli_internal.h"

#define MAX_ARGS    2
#define MAX_OPTS    5
#define MAX_FILES   32
#define FILE_MAX    ((size_t)32 * 1024 * 1024) /* the deploy route's body cap */
#define SECRET_MAX  ((size_t)64 * 1024)
#define MAX_COLUMNS 12

/* Where a positional argument goes. */
enum arg_kind {
    ARG_NONE,
    ARG_PATH,      /* the {} of the path: a key */
    ARG_USER_PATH, /* the {} of the path: a user's key, or a login or email looked up */
    ARG_BODY,      /* a string member of the body */
    ARG_BODY_LIST, /* this and every later argument: an array member of the body */
    ARG_FILES,     /* every argument: a file of a multipart upload */
};

/* What an option is and where its value goes. */
enum opt_kind {
    OPT_QUERY,      /* ?field=VALUE */
    OPT_QUERY_TRUE, /* a switch: ?field=true */
    OPT_STR,        /* body string */
    OPT_INT,        /* body integer */
    OPT_OBJECT,     /* body JSON object (--vars) */
    OPT_LIST,       /* body array of strings, from "a,b" */
    OPT_FILE_TEXT,  /* body string read from a file (--password-file) */
};

enum out_kind {
    OUT_TABLE,  /* the array 'list' of the answer as aligned columns */
    OUT_OBJECT, /* "name: value" per member */
    OUT_DONE,   /* the sentence 'done' (an answer without body) */
    OUT_RAW,    /* the body as it is, to -o OUT or standard output */
};

struct arg_spec {
    enum arg_kind kind;
    const char *field;
};

struct opt_spec {
    const char *flag;
    enum opt_kind kind;
    const char *field;
};

struct remote_spec {
    const char *words;
    const char *method;
    const char *path; /* "{}" stands for the path argument */
    struct arg_spec args[MAX_ARGS];
    struct opt_spec opts[MAX_OPTS];
    enum out_kind out;
    const char *list;    /* OUT_TABLE: the member holding the rows */
    const char *columns; /* OUT_TABLE: "HEADER=member ..." */
    const char *done;    /* OUT_DONE: the sentence; "{}" stands for the first argument */
};

#define VARS                              \
    {                                     \
        "--vars", OPT_OBJECT, "variables" \
    }
#define DEF_COLUMNS "KEY=key PROCESS=processId VERSION=version NAME=name SUSPENDED=suspended "
#define INST_COLUMNS                                                             \
    "KEY=key PROCESS=processId VERSION=version STATE=state SUSPENDED=suspended " \
    "BUSINESS_KEY=businessKey CREATED=createdAt ENDED=endedAt"
#define TASK_COLUMNS                                                              \
    "KEY=key INSTANCE=instanceKey ELEMENT=elementId NAME=name ASSIGNEE=assignee " \
    "USERS=candidateUsers GROUPS=candidateGroups STATE=state CREATED=createdAt"

/* clang-format off */
static const struct remote_spec specs[] = {
    {"deploy", "POST", "/api/deployments", {{ARG_FILES, "file"}}, {{0}}, OUT_TABLE, "deployments",
     "KEY=key PROCESS=processId VERSION=version RESOURCE=resource NEW=created", NULL},

    {"definition list", "GET", "/api/definitions", {{0}},
     {{"--process", OPT_QUERY, "processId"}, {"--latest", OPT_QUERY_TRUE, "latest"}}, OUT_TABLE,
     "items", DEF_COLUMNS "DEPLOYED=deployedAt", NULL},
    {"definition show", "GET", "/api/definitions/{}", {{ARG_PATH, NULL}}, {{0}}, OUT_OBJECT,
     NULL, NULL, NULL},
    {"definition xml", "GET", "/api/definitions/{}/xml", {{ARG_PATH, NULL}}, {{0}}, OUT_RAW,
     NULL, NULL, NULL},
    {"definition suspend", "POST", "/api/definitions/{}/suspend", {{ARG_PATH, NULL}}, {{0}},
     OUT_DONE, NULL, NULL, "definition {} suspended"},
    {"definition resume", "POST", "/api/definitions/{}/resume", {{ARG_PATH, NULL}}, {{0}},
     OUT_DONE, NULL, NULL, "definition {} resumed"},

    {"instance start", "POST", "/api/instances", {{ARG_BODY, "processId"}},
     {VARS, {"--business-key", OPT_STR, "businessKey"}, {"--version", OPT_INT, "version"}},
     OUT_OBJECT, NULL, NULL, NULL},
    {"instance list", "GET", "/api/instances", {{0}},
     {{"--process", OPT_QUERY, "processId"}, {"--definition", OPT_QUERY, "definitionKey"},
      {"--state", OPT_QUERY, "state"}, {"--business-key", OPT_QUERY, "businessKey"}},
     OUT_TABLE, "items", INST_COLUMNS, NULL},
    {"instance show", "GET", "/api/instances/{}", {{ARG_PATH, NULL}}, {{0}}, OUT_OBJECT, NULL,
     NULL, NULL},
    {"instance cancel", "POST", "/api/instances/{}/cancel", {{ARG_PATH, NULL}}, {{0}}, OUT_DONE,
     NULL, NULL, "instance {} canceled"},
    {"instance suspend", "POST", "/api/instances/{}/suspend", {{ARG_PATH, NULL}}, {{0}},
     OUT_DONE, NULL, NULL, "instance {} suspended"},
    {"instance resume", "POST", "/api/instances/{}/resume", {{ARG_PATH, NULL}}, {{0}}, OUT_DONE,
     NULL, NULL, "instance {} resumed"},

    {"task list", "GET", "/api/tasks", {{0}},
     {{"--mine", OPT_QUERY_TRUE, "mine"}, {"--instance", OPT_QUERY, "instanceKey"},
      {"--state", OPT_QUERY, "state"}},
     OUT_TABLE, "items", TASK_COLUMNS, NULL},
    {"task claim", "POST", "/api/tasks/{}/claim", {{ARG_PATH, NULL}}, {{0}}, OUT_DONE, NULL,
     NULL, "task {} claimed"},
    {"task complete", "POST", "/api/tasks/{}/complete", {{ARG_PATH, NULL}}, {VARS}, OUT_DONE,
     NULL, NULL, "task {} completed"},

    {"incident list", "GET", "/api/incidents", {{0}},
     {{"--state", OPT_QUERY, "state"}, {"--instance", OPT_QUERY, "instanceKey"}}, OUT_TABLE,
     "items", "KEY=key INSTANCE=instanceKey PROCESS=processId ELEMENT=elementId STATE=state "
     "CREATED=createdAt REASON=reason", NULL},
    {"incident retry", "POST", "/api/incidents/{}/retry", {{ARG_PATH, NULL}}, {VARS}, OUT_DONE,
     NULL, NULL, "incident {} retried"},

    {"message publish", "POST", "/api/messages", {{ARG_BODY, "name"}},
     {{"--correlation-key", OPT_STR, "correlationKey"}, VARS, {"--ttl", OPT_INT, "ttl"},
      {"--message-id", OPT_STR, "messageId"}},
     OUT_OBJECT, NULL, NULL, NULL},

    {"key create", "POST", "/api/keys", {{0}},
     {{"--name", OPT_STR, "name"}, {"--scopes", OPT_LIST, "scopes"}, {"--user", OPT_STR, "user"},
      {"--expires-in-days", OPT_INT, "expiresInDays"}},
     OUT_OBJECT, NULL, NULL, NULL},
    {"key list", "GET", "/api/keys", {{0}}, {{0}}, OUT_TABLE, "items",
     "KEY=key USER=login NAME=name PREFIX=prefix SCOPES=scopes EXPIRES=expiresAt "
     "LAST_USED=lastUsedAt REVOKED=revoked", NULL},
    {"key revoke", "POST", "/api/keys/{}/revoke", {{ARG_PATH, NULL}}, {{0}}, OUT_DONE, NULL,
     NULL, "key {} revoked"},

    {"user create", "POST", "/api/users", {{ARG_BODY, "login"}},
     {{"--email", OPT_STR, "email"}, {"--password-file", OPT_FILE_TEXT, "password"},
      {"--roles", OPT_LIST, "roles"}},
     OUT_OBJECT, NULL, NULL, NULL},
    {"user list", "GET", "/api/users", {{0}}, {{0}}, OUT_TABLE, "items",
     "KEY=key LOGIN=login EMAIL=email ROLES=effectiveRoles GROUPS=groups DISABLED=disabled",
     NULL},
    {"user grant", "POST", "/api/users/{}/grant", {{ARG_USER_PATH, NULL}, {ARG_BODY_LIST, "roles"}},
     {{0}}, OUT_DONE, NULL, NULL, "roles granted to {}"},

    {"group create", "POST", "/api/groups", {{ARG_BODY, "name"}}, {{"--roles", OPT_LIST, "roles"}},
     OUT_OBJECT, NULL, NULL, NULL},
    {"group list", "GET", "/api/groups", {{0}}, {{0}}, OUT_TABLE, "items",
     "KEY=key NAME=name ROLES=roles MEMBERS=members", NULL},
    {"group add", "POST", "/api/groups/{}/members", {{ARG_PATH, NULL}, {ARG_BODY, "user"}}, {{0}},
     OUT_DONE, NULL, NULL, "added to group {}"},
};
/* clang-format on */

#define NSPECS (sizeof specs / sizeof specs[0])

/* The options every remote command has; the row's own follow them. */
enum { COMMON_JSON, COMMON_URL, COMMON_KEY, COMMON_OUTPUT, COMMON_LIMIT, COMMON_AFTER, NCOMMON };

static const struct ordo_cli_opt common_opts[NCOMMON] = {
    [COMMON_JSON] = {"--json", NULL, false},  [COMMON_URL] = {"--url", NULL, true},
    [COMMON_KEY] = {"--api-key", NULL, true}, [COMMON_OUTPUT] = {"-o", "--output", true},
    [COMMON_LIMIT] = {"--limit", NULL, true}, [COMMON_AFTER] = {"--after", NULL, true},
};

struct remote_cmd {
    struct ordo_cli *cli;
    const struct remote_spec *spec;
    const char *values[NCOMMON + MAX_OPTS]; /* by slot: common, then the row's; switches "" */
    size_t slot[NCOMMON + MAX_OPTS];        /* option index -> slot */
    bool json;
    struct ordo_cli_remote remote;
    char **pos;
    int npos;
};

static int opt_cb(void *ctx, size_t which, const char *value)
{
    struct remote_cmd *c = ctx;

    c->values[c->slot[which]] = value ? value : "";
    return ORDO_CLI_OK;
}

static size_t count_opts(const struct remote_spec *s)
{
    size_t n = 0;

    while (n < MAX_OPTS && s->opts[n].flag) {
        n++;
    }
    return n;
}

/* The options this row accepts: the common ones (-o only with raw output,
 * --limit and --after only for lists), then its own. */
static size_t build_opts(struct remote_cmd *c, struct ordo_cli_opt *opts)
{
    const struct remote_spec *s = c->spec;
    bool list = s->out == OUT_TABLE && strcmp(s->method, "GET") == 0;
    size_t n = 0;

    for (size_t i = 0; i < NCOMMON; i++) {
        if ((i == COMMON_OUTPUT && s->out != OUT_RAW) ||
            ((i == COMMON_LIMIT || i == COMMON_AFTER) && !list)) {
            continue;
        }
        c->slot[n] = i;
        opts[n++] = common_opts[i];
    }
    for (size_t i = 0; i < count_opts(s); i++) {
        c->slot[n] = NCOMMON + i;
        opts[n++] = (struct ordo_cli_opt){s->opts[i].flag, NULL, s->opts[i].kind != OPT_QUERY_TRUE};
    }
    return n;
}

/* How many positional arguments the row takes: 'min' and, with no upper
 * bound for a list or files, 'max' = -1. */
static void arg_bounds(const struct remote_spec *s, int *min, int *max)
{
    *min = *max = 0;
    for (int i = 0; i < MAX_ARGS && s->args[i].kind != ARG_NONE; i++) {
        (*min)++;
        (*max)++;
        if (s->args[i].kind == ARG_BODY_LIST || s->args[i].kind == ARG_FILES) {
            *max = -1;
        }
    }
}

static int parse(struct remote_cmd *c, int argc, char **argv)
{
    struct ordo_cli_opt opts[NCOMMON + MAX_OPTS];
    size_t nopts = build_opts(c, opts);
    struct ordo_cli_args args;
    int min, max, rc;

    rc = ordo_cli_parse(c->cli, argc, argv, opts, nopts, opt_cb, c, &args);
    if (rc != ORDO_CLI_OK) {
        return rc;
    }
    if (args.nflags > 0) {
        return ordo_cli_fail(c->cli, ORDO_CLI_USAGE, "unknown option %s; run `ordo help %s`",
                             args.flags[0], c->cli->command);
    }
    arg_bounds(c->spec, &min, &max);
    if (args.npos < min || (max >= 0 && args.npos > max)) {
        return ordo_cli_fail(c->cli, ORDO_CLI_USAGE, "%s; run `ordo help %s`",
                             args.npos < min ? "missing arguments" : "too many arguments",
                             c->cli->command);
    }
    c->pos = args.pos;
    c->npos = args.npos;
    c->json = c->values[COMMON_JSON] != NULL;
    return ordo_cli_remote_init(c->cli, c->values[COMMON_URL], c->values[COMMON_KEY], &c->remote);
}

/* ---- the request ----------------------------------------------------------------------------- */

static bool all_digits(const char *s)
{
    if (!*s) {
        return false;
    }
    for (; *s; s++) {
        if (*s < '0' || *s > '9') {
            return false;
        }
    }
    return true;
}

/* A user's key: the argument itself when it is one, else the user whose
 * login or email it is (case-insensitive, as the server matches them). */
static int user_key(struct remote_cmd *c, const char *who, const char **key)
{
    struct ordo_cli_request req = {"GET", "/api/users", NULL, NULL, 0};
    struct ordo_cli_resp resp;
    const json_t *u;
    size_t i;
    int rc;

    if (all_digits(who)) {
        *key = who;
        return ORDO_CLI_OK;
    }
    rc = ordo_cli_request(c->cli, &c->remote, &req, &resp);
    if (rc == ORDO_CLI_OK && !json_is_array(json_object_get(resp.json, "items"))) {
        rc = ordo_cli_fail(c->cli, ORDO_CLI_FAILED, "the server sent no list of users");
    }
    if (rc != ORDO_CLI_OK) {
        return rc;
    }
    json_array_foreach(json_object_get(resp.json, "items"), i, u)
    {
        const char *login = json_string_value(json_object_get(u, "login"));
        const char *email = json_string_value(json_object_get(u, "email"));

        if ((login && strcasecmp(login, who) == 0) || (email && strcasecmp(email, who) == 0)) {
            *key = json_string_value(json_object_get(u, "key"));
            return *key ? ORDO_CLI_OK : ordo_cli_fail(c->cli, ORDO_CLI_FAILED, "bad user list");
        }
    }
    return ordo_cli_fail(c->cli, ORDO_CLI_USAGE, "no user \"%s\"", who);
}

static json_t *csv_array(const char *csv)
{
    json_t *a = json_array();

    while (*csv) {
        size_t n = strcspn(csv, ",");
        size_t b = 0, e = n;

        while (b < e && csv[b] == ' ') {
            b++;
        }
        while (e > b && csv[e - 1] == ' ') {
            e--;
        }
        if (e > b) {
            (void)json_array_append_new(a, json_stringn(csv + b, e - b));
        }
        csv += n + (csv[n] == ',');
    }
    return a;
}

static int int_value(struct remote_cmd *c, const char *flag, const char *v, json_t **out)
{
    char *end = NULL;
    long long n;

    errno = 0;
    n = (v[0] >= '0' && v[0] <= '9') || v[0] == '-' ? strtoll(v, &end, 10) : 0;
    if (errno != 0 || !end || *end != '\0') {
        return ordo_cli_fail(c->cli, ORDO_CLI_USAGE, "%s takes a whole number, not \"%s\"", flag,
                             v);
    }
    *out = json_integer((json_int_t)n);
    return ORDO_CLI_OK;
}

static int object_value(struct remote_cmd *c, const char *flag, const char *v, json_t **out)
{
    json_error_t jerr;

    *out = json_loads(v, JSON_DECODE_ANY, &jerr);
    if (!*out) {
        return ordo_cli_fail(c->cli, ORDO_CLI_USAGE, "%s: invalid JSON: %s", flag, jerr.text);
    }
    if (!json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        return ordo_cli_fail(c->cli, ORDO_CLI_USAGE, "%s: expected a JSON object", flag);
    }
    return ORDO_CLI_OK;
}

static int file_text(struct remote_cmd *c, const char *flag, const char *path, json_t **out)
{
    struct ordo_buf b = ORDO_BUF_INIT;
    struct ordo_err err = {0};
    int rc = ORDO_CLI_OK;

    if (ordo_file_read(path, SECRET_MAX, flag, &b, &err) != ORDO_OK) {
        rc = ordo_cli_fail(c->cli, ORDO_CLI_USAGE, "%s: %s", flag, err.msg);
    } else {
        size_t len = b.len;

        if (len > 0 && b.data[len - 1] == '\n') {
            len--;
        }
        *out = json_stringn(len ? b.data : "", len);
        if (!*out) {
            rc = ordo_cli_fail(c->cli, ORDO_CLI_USAGE, "%s: not UTF-8 text", flag);
        }
        memset(b.data, 0, b.len); /* a password: do not leave it in freed memory */
    }
    ordo_buf_cleanup(&b);
    return rc;
}

/* The JSON value of body option 'o'. */
static int opt_value(struct remote_cmd *c, const struct opt_spec *o, const char *v, json_t **out)
{
    *out = NULL;
    switch (o->kind) {
    case OPT_STR:
        *out = json_string(v);
        return *out ? ORDO_CLI_OK
                    : ordo_cli_fail(c->cli, ORDO_CLI_USAGE, "%s: not UTF-8 text", o->flag);
    case OPT_INT:
        return int_value(c, o->flag, v, out);
    case OPT_OBJECT:
        return object_value(c, o->flag, v, out);
    case OPT_LIST:
        *out = csv_array(v);
        return ORDO_CLI_OK;
    case OPT_FILE_TEXT:
        return file_text(c, o->flag, v, out);
    default:
        return ORDO_CLI_OK;
    }
}

static void add_query(struct remote_cmd *c, struct ordo_buf *path, const char *name,
                      const char *value)
{
    ordo_buf_printf(path, "%c%s=%s", strchr(ordo_buf_cstr(path), '?') ? '&' : '?', name,
                    ordo_cli_escape(c->cli, value));
}

/* The options: query parameters go on 'path', the rest into 'body'. */
static int apply_opts(struct remote_cmd *c, struct ordo_buf *path, json_t *body)
{
    const struct remote_spec *s = c->spec;

    if (c->values[COMMON_LIMIT]) {
        add_query(c, path, "limit", c->values[COMMON_LIMIT]);
    }
    if (c->values[COMMON_AFTER]) {
        add_query(c, path, "after", c->values[COMMON_AFTER]);
    }
    for (size_t i = 0; i < count_opts(s); i++) {
        const struct opt_spec *o = &s->opts[i];
        const char *v = c->values[NCOMMON + i];
        json_t *value;
        int rc;

        if (!v) {
            continue;
        }
        if (o->kind == OPT_QUERY || o->kind == OPT_QUERY_TRUE) {
            add_query(c, path, o->field, o->kind == OPT_QUERY ? v : "true");
            continue;
        }
        rc = opt_value(c, o, v, &value);
        if (rc != ORDO_CLI_OK) {
            return rc;
        }
        (void)json_object_set_new(body, o->field, value);
    }
    return ORDO_CLI_OK;
}

static bool has_body(const struct remote_spec *s)
{
    for (int i = 0; i < MAX_ARGS; i++) {
        if (s->args[i].kind == ARG_BODY || s->args[i].kind == ARG_BODY_LIST) {
            return true;
        }
    }
    for (size_t i = 0; i < count_opts(s); i++) {
        if (s->opts[i].kind != OPT_QUERY && s->opts[i].kind != OPT_QUERY_TRUE) {
            return true;
        }
    }
    return false;
}

static int read_files(struct remote_cmd *c, struct ordo_cli_request *req)
{
    struct ordo_cli_part *parts;
    struct ordo_err err = {0};

    if (c->npos > MAX_FILES) {
        return ordo_cli_fail(c->cli, ORDO_CLI_USAGE, "at most %d files at once", MAX_FILES);
    }
    parts = ordo_arena_calloc(c->cli->arena, (size_t)c->npos, sizeof *parts);
    for (int i = 0; i < c->npos; i++) {
        struct ordo_buf b = ORDO_BUF_INIT;
        const char *slash = strrchr(c->pos[i], '/');

        if (ordo_file_read(c->pos[i], FILE_MAX, "the upload limit", &b, &err) != ORDO_OK) {
            ordo_buf_cleanup(&b);
            return ordo_cli_fail(c->cli, ordo_cli_exit_for(err.code), "%s", err.msg);
        }
        parts[i] = (struct ordo_cli_part){
            "file", slash ? slash + 1 : c->pos[i],
            ordo_arena_strndup(c->cli->arena, b.data ? b.data : "", b.len), b.len};
        if (strcmp(c->pos[i], "-") == 0) {
            parts[i].filename = "stdin.bpmn";
        }
        ordo_buf_cleanup(&b);
    }
    req->parts = parts;
    req->nparts = (size_t)c->npos;
    return ORDO_CLI_OK;
}

/* Positional arguments 'from'... as a JSON array of strings. */
static json_t *args_array(const struct remote_cmd *c, int from)
{
    json_t *list = json_array();

    for (int k = from; k < c->npos; k++) {
        (void)json_array_append_new(list, json_string(c->pos[k]));
    }
    return list;
}

/* The positional arguments: into the path, the body or the upload. */
static int apply_args(struct remote_cmd *c, const char **path_arg, json_t *body,
                      struct ordo_cli_request *req)
{
    const struct remote_spec *s = c->spec;
    int rc = ORDO_CLI_OK;

    for (int i = 0; rc == ORDO_CLI_OK && i < MAX_ARGS && s->args[i].kind != ARG_NONE; i++) {
        const char *a = c->pos[i];

        switch (s->args[i].kind) {
        case ARG_PATH:
            *path_arg = a;
            break;
        case ARG_USER_PATH:
            rc = user_key(c, a, path_arg);
            break;
        case ARG_BODY:
            (void)json_object_set_new(body, s->args[i].field, json_string(a));
            break;
        case ARG_BODY_LIST:
            (void)json_object_set_new(body, s->args[i].field, args_array(c, i));
            break;
        default:
            rc = read_files(c, req);
        }
    }
    return rc;
}

static void json_decref_cb(void *j)
{
    json_decref(j);
}

/* The request of this row, with 'path' filled in. */
static int build(struct remote_cmd *c, struct ordo_cli_request *req)
{
    const struct remote_spec *s = c->spec;
    const char *hole = strstr(s->path, "{}");
    const char *path_arg = NULL;
    struct ordo_buf path = ORDO_BUF_INIT;
    json_t *body = has_body(s) ? json_object() : NULL;
    int rc;

    if (body) {
        ordo_arena_defer(c->cli->arena, json_decref_cb, body);
    }
    memset(req, 0, sizeof *req);
    req->method = s->method;
    req->json = body;
    rc = apply_args(c, &path_arg, body, req);
    if (rc == ORDO_CLI_OK && hole) {
        ordo_buf_printf(&path, "%.*s%s%s", (int)(hole - s->path), s->path,
                        ordo_cli_escape(c->cli, path_arg), hole + 2);
    } else {
        ordo_buf_puts(&path, s->path);
    }
    if (rc == ORDO_CLI_OK) {
        rc = apply_opts(c, &path, body);
    }
    req->path = ordo_arena_strdup(c->cli->arena, ordo_buf_cstr(&path));
    ordo_buf_cleanup(&path);
    return rc;
}

/* ---- the answer ------------------------------------------------------------------------------ */

/* One value as a table cell or a field: strings as they are, null as "-",
 * arrays of strings joined with commas, anything else as compact JSON. */
static const char *cell(struct ordo_cli *cli, const json_t *v)
{
    char *text;
    const char *s;

    if (!v || json_is_null(v)) {
        return "-";
    }
    if (json_is_string(v)) {
        return json_string_value(v);
    }
    if (json_is_array(v)) {
        struct ordo_buf b = ORDO_BUF_INIT;
        const json_t *e;
        size_t i;

        json_array_foreach(v, i, e)
        {
            ordo_buf_printf(&b, "%s%s", i ? "," : "", cell(cli, e));
        }
        s = ordo_arena_strdup(cli->arena, json_array_size(v) ? ordo_buf_cstr(&b) : "-");
        ordo_buf_cleanup(&b);
        return s;
    }
    text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    s = ordo_arena_strdup(cli->arena, text ? text : "?");
    free(text);
    return s;
}

struct column {
    const char *header;
    const char *member;
    int width;
};

static size_t parse_columns(struct ordo_cli *cli, const char *spec, struct column *cols)
{
    size_t n = 0;

    while (*spec && n < MAX_COLUMNS) {
        size_t len = strcspn(spec, " ");
        size_t eq = strcspn(spec, "=");

        cols[n].header = ordo_arena_strndup(cli->arena, spec, eq);
        cols[n].member = ordo_arena_strndup(cli->arena, spec + eq + 1, len - eq - 1);
        cols[n].width = (int)strlen(cols[n].header);
        n++;
        spec += len;
        while (*spec == ' ') {
            spec++;
        }
    }
    return n;
}

/* Aligned columns under a header line; the last column is not padded. */
static void print_table(struct ordo_cli *cli, const char *spec, const json_t *rows, FILE *out)
{
    struct column cols[MAX_COLUMNS];
    size_t ncols = parse_columns(cli, spec, cols), i;
    const json_t *row;

    json_array_foreach(rows, i, row)
    {
        for (size_t k = 0; k < ncols; k++) {
            int w = (int)strlen(cell(cli, json_object_get(row, cols[k].member)));

            cols[k].width = w > cols[k].width ? w : cols[k].width;
        }
    }
    for (size_t k = 0; k < ncols; k++) {
        (void)fprintf(out, "%-*s%s", k + 1 < ncols ? cols[k].width : 0, cols[k].header,
                      k + 1 < ncols ? "  " : "\n");
    }
    json_array_foreach(rows, i, row)
    {
        for (size_t k = 0; k < ncols; k++) {
            (void)fprintf(out, "%-*s%s", k + 1 < ncols ? cols[k].width : 0,
                          cell(cli, json_object_get(row, cols[k].member)),
                          k + 1 < ncols ? "  " : "\n");
        }
    }
}

static char upper(char c)
{
    static const char letters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    if (c >= 'a' && c <= 'z') {
        return letters[c - 'a'];
    }
    return c;
}

/* The columns of a list inside an object: the members of its first row;
 * their names in capitals are the headers. */
static const char *columns_of(struct ordo_cli *cli, const json_t *rows)
{
    struct ordo_buf b = ORDO_BUF_INIT;
    const char *name, *spec;
    const json_t *v;
    size_t n = 0;

    json_object_foreach((json_t *)json_array_get(rows, 0), name, v)
    {
        if (n++ < MAX_COLUMNS) {
            ordo_buf_puts(&b, n > 1 ? " " : "");
            for (const char *p = name; *p; p++) {
                ordo_buf_putc(&b, upper(*p));
            }
            ordo_buf_printf(&b, "=%s", name);
        }
    }
    spec = ordo_arena_strdup(cli->arena, ordo_buf_cstr(&b));
    ordo_buf_cleanup(&b);
    return spec;
}

static bool is_list_of_objects(const json_t *v)
{
    return json_is_array(v) && json_array_size(v) > 0 && json_is_object(json_array_get(v, 0));
}

/* "name: value" per member; a list of objects as a table under its name. */
static void print_object(struct ordo_cli *cli, const json_t *obj, FILE *out)
{
    const char *name;
    const json_t *v;
    int width = 0;

    json_object_foreach((json_t *)obj, name, v)
    {
        int len = (int)strlen(name);

        width = !is_list_of_objects(v) && len > width ? len : width;
    }
    json_object_foreach((json_t *)obj, name, v)
    {
        if (!is_list_of_objects(v)) {
            (void)fprintf(out, "%s:%*s %s\n", name, width - (int)strlen(name), "", cell(cli, v));
        }
    }
    json_object_foreach((json_t *)obj, name, v)
    {
        if (is_list_of_objects(v)) {
            (void)fprintf(out, "\n%s:\n", name);
            print_table(cli, columns_of(cli, v), v, out);
        }
    }
}

static int write_raw(struct remote_cmd *c, const struct ordo_cli_resp *resp)
{
    const char *to = c->values[COMMON_OUTPUT];
    struct ordo_err err = {0};

    if (to && strcmp(to, "-") != 0) {
        if (ordo_file_write_atomic(to, resp->body, resp->len, &err) != ORDO_OK) {
            return ordo_cli_fail(c->cli, ORDO_CLI_FAILED, "%s", err.msg);
        }
        return ORDO_CLI_OK;
    }
    (void)fwrite(resp->body, 1, resp->len, c->cli->out);
    return ORDO_CLI_OK;
}

static int show(struct remote_cmd *c, const struct ordo_cli_resp *resp)
{
    FILE *out = c->cli->out;
    const json_t *next;

    if (c->spec->out == OUT_RAW) {
        return write_raw(c, resp);
    }
    if (c->json || (c->spec->out != OUT_DONE && !resp->json)) {
        (void)fwrite(resp->body, 1, resp->len, out);
        if (resp->len > 0 && resp->body[resp->len - 1] != '\n') {
            (void)fputc('\n', out);
        }
        return c->json || resp->len == 0
                   ? ORDO_CLI_OK
                   : ordo_cli_fail(c->cli, ORDO_CLI_FAILED, "the server's answer is not JSON");
    }
    switch (c->spec->out) {
    case OUT_TABLE:
        print_table(c->cli, c->spec->columns, json_object_get(resp->json, c->spec->list), out);
        next = json_object_get(resp->json, "next");
        if (json_is_string(next)) {
            (void)fprintf(c->cli->err, "more: run again with --after %s\n",
                          json_string_value(next));
        }
        break;
    case OUT_OBJECT:
        print_object(c->cli, resp->json, out);
        break;
    default: {
        const char *hole = strstr(c->spec->done, "{}");

        (void)fprintf(out, "%.*s%s%s\n", (int)(hole - c->spec->done), c->spec->done,
                      c->npos > 0 ? c->pos[0] : "", hole + 2);
    }
    }
    return ORDO_CLI_OK;
}

int ordo_cli_remote(struct ordo_cli *cli, int argc, char **argv)
{
    struct remote_cmd c = {.cli = cli};
    struct ordo_cli_request req;
    struct ordo_cli_resp resp;
    int rc;

    for (size_t i = 0; i < NSPECS && !c.spec; i++) {
        c.spec = strcmp(specs[i].words, cli->command) == 0 ? &specs[i] : NULL;
    }
    if (!c.spec) {
        return ordo_cli_fail(cli, ORDO_CLI_FAILED, "no remote command \"%s\"", cli->command);
    }
    rc = parse(&c, argc, argv);
    if (rc == ORDO_CLI_OK) {
        rc = build(&c, &req);
    }
    if (rc == ORDO_CLI_OK) {
        rc = ordo_cli_request(cli, &c.remote, &req, &resp);
    }
    if (rc == ORDO_CLI_OK && resp.status == 200 && resp.len == 0 && c.spec->out != OUT_DONE) {
        /* A 200 must carry what the route promises; an empty one is the server's fault. */
        rc = ordo_cli_fail(cli, ORDO_CLI_FAILED, "the server sent an empty answer (HTTP 200)");
    }
    return rc == ORDO_CLI_OK ? show(&c, &resp) : rc;
}
