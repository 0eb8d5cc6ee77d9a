/*
 * server/api_ui.c - the admin web UI's files (ui/, built by
 * scripts/build-ui.sh into ui_dir), served without credentials as
 * CONTRACTS §6 lists them: GET /ui/... and GET / redirecting there. The UI
 * itself talks to the API like any client, so nothing here knows a user.
 *
 * Only plain names are served: every segment is letters, digits, '.', '_'
 * or '-', none starts with a dot (so no "..", no hidden files), and the
 * extension must be one of the types below. Everything else is 404, the
 * same answer as a file that is not there, so a probe learns nothing.
 *
 * Every file goes out with a Content-Security-Policy that allows scripts,
 * fonts, pictures and requests from this server only: no inline script,
 * no eval, no frames. Styles allow 'unsafe-inline' because bpmn-js sets
 * style attributes on the SVG it draws (they cannot run code).
 */
#include <string.h>

#include "base/buf.h"
#include "base/file.h"
#include "server/api.h"

#define MAX_FILE ((size_t)16 * 1024 * 1024) /* bpmn-js's modeler is about 0.6 MiB */
#define MAX_NAME 256

#define CSP                                                                                 \
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "             \
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'self'; " \
    "frame-ancestors 'none'; base-uri 'none'"

static const struct {
    const char *ext;
    const char *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".woff", "font/woff"},
    {".ttf", "font/ttf"},
    {".eot", "application/vnd.ms-fontobject"},
};

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

/* The content type of a servable relative name, or NULL. */
static const char *servable(const char *name)
{
    size_t n = strlen(name);
    bool segment_start = true;

    if (n == 0 || n >= MAX_NAME) {
        return NULL;
    }
    for (const char *p = name; *p; p++) {
        if (*p == '/') {
            if (segment_start) {
                return NULL; /* empty segment */
            }
            segment_start = true;
            continue;
        }
        if (!name_char(*p) || (segment_start && *p == '.')) {
            return NULL;
        }
        segment_start = false;
    }
    if (segment_start) {
        return NULL; /* ends with '/' */
    }
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        size_t e = strlen(types[i].ext);

        if (n > e && strcmp(name + n - e, types[i].ext) == 0) {
            return types[i].type;
        }
    }
    return NULL;
}

enum ordo_code ordo_api_ui_file(struct ordo_http_req *req, struct ordo_err *err)
{
    struct ordo_api *api = ordo_http_app(req);
    const char *name = ordo_http_path(req) + strlen("/ui/");
    const char *type;
    struct ordo_buf body = {0};
    struct ordo_err ignored = {0};
    enum ordo_code rc;

    if (!*name) {
        name = "index.html";
    }
    type = servable(name);
    if (!api->ui_dir) {
        return ordo_err_set(err, ORDO_E_NOTFOUND, "the web UI is turned off (ui_dir is empty)");
    }
    if (!type) {
        return ordo_err_set(err, ORDO_E_NOTFOUND, "no such file in the web UI");
    }
    rc = ordo_file_read(ordo_arena_printf(ordo_http_arena(req), "%s/%s", api->ui_dir, name),
                        MAX_FILE, "the web UI's file limit", &body, &ignored);
    if (rc != ORDO_OK) {
        ordo_buf_cleanup(&body);
        return strcmp(name, "index.html") == 0
                   ? ordo_err_set(err, ORDO_E_NOTFOUND,
                                  "the web UI is not built: run scripts/build-ui.sh, or set "
                                  "ui_dir to where it is")
                   : ordo_err_set(err, ORDO_E_NOTFOUND, "no such file in the web UI");
    }
    ordo_http_reply_bytes(req, 200, type, body.data ? body.data : "", body.len);
    ordo_buf_cleanup(&body);
    ordo_http_reply_header(req, "Content-Security-Policy", CSP);
    ordo_http_reply_header(req, "X-Frame-Options", "DENY");
    ordo_http_reply_header(req, "Referrer-Policy", "no-referrer");
    return ORDO_OK;
}

enum ordo_code ordo_api_ui_root(struct ordo_http_req *req, struct ordo_err *err)
{
    (void)err;
    ordo_http_reply_bytes(req, 302, "text/plain; charset=utf-8", "see /ui/\n", 9);
    ordo_http_reply_header(req, "Location", "/ui/");
    return ORDO_OK;
}
