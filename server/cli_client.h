/*
 * server/cli_client.h - the HTTP client of the remote commands (`ordo deploy`,
 * `ordo instance ...`, CONTRACTS §5): one request to the REST API of a server
 * and its answer, over libcurl.
 *
 * The server is ORDO_URL (or --url; default http://127.0.0.1:8080) and the
 * credential ORDO_API_KEY (or --api-key), sent as "Authorization: Bearer".
 * The key is never printed. Every request has a connect timeout of 10 s, a
 * total timeout of 120 s, http and https only, no redirects, and an answer
 * of at most 64 MiB.
 *
 * Exit codes (CONTRACTS §4): a 2xx answer is ORDO_CLI_OK; an error answer
 * prints the server's message as "ordo COMMAND: message" and gives
 * ordo_cli_exit_for() of the code of its status: 2 for input the server
 * refused (400, 404, 409, 413, 415, 422), 1 for everything else (401, 403,
 * 429, 5xx); a transport failure (connection refused, timeout, an answer
 * too large) is 1.
 */
#ifndef ORDO_SERVER_CLI_CLIENT_H
#define ORDO_SERVER_CLI_CLIENT_H

#include <stddef.h>

#include <jansson.h>

#include "server/cli_internal.h"

#define ORDO_CLI_DEFAULT_URL "http://127.0.0.1:8080"

/* Where the server is and how to log in; strings borrowed. */
struct ordo_cli_remote {
    const char *url; /* no trailing slash */
    const char *key; /* NULL or "" when none was given */
};

/* One file of a multipart/form-data upload. */
struct ordo_cli_part {
    const char *name;     /* the form field */
    const char *filename; /* sent as the part's filename */
    const char *data;
    size_t len;
};

struct ordo_cli_request {
    const char *method;                /* "GET", "POST", ... */
    const char *path;                  /* "/api/instances?state=active": escaped by the caller */
    const json_t *json;                /* a JSON body, or NULL */
    const struct ordo_cli_part *parts; /* a multipart body when nparts > 0 */
    size_t nparts;
};

struct ordo_cli_resp {
    long status;
    const char *body; /* NUL-terminated, in the command's arena */
    size_t len;
    json_t *json; /* the body parsed when it is JSON, else NULL; freed with the arena */
};

/* Fill 'r' from --url / --api-key (NULL when not given), else ORDO_URL and
 * ORDO_API_KEY of the command's environment, else the default URL. A URL
 * that is not http:// or https:// is refused: ORDO_CLI_USAGE, printed. */
int ordo_cli_remote_init(struct ordo_cli *cli, const char *url, const char *key,
                         struct ordo_cli_remote *r);

/* The value of environment variable 'name' in the command's environment,
 * or NULL. */
const char *ordo_cli_getenv(const struct ordo_cli *cli, const char *name);

/* Send one request. ORDO_CLI_OK with the answer in 'out' for a 2xx status;
 * otherwise the problem is printed and the exit code returned ('out' still
 * holds an error answer). */
int ordo_cli_request(struct ordo_cli *cli, const struct ordo_cli_remote *r,
                     const struct ordo_cli_request *req, struct ordo_cli_resp *out);

/* 'value' escaped for a URL path segment or query value, in the arena. */
const char *ordo_cli_escape(struct ordo_cli *cli, const char *value);

#endif
