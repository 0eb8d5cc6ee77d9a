#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/text.h"

struct code_row {
    const char *name;
    int http;
    const char *text;
};

/* clang-format cannot lay out X-macro expansions. */
/* clang-format off */
static const struct code_row code_rows[ORDO_E__COUNT] = {
    [ORDO_OK] = {"ORDO_OK", 200, "success"},
#define X(name, http, text) [ORDO_E_##name] = {"ORDO_E_" #name, http, text},
    ORDO_ERR_MAP(X)
#undef X
};
/* clang-format on */

static const struct code_row *row_of(enum ordo_code code)
{
    if ((int)code < 0 || code >= ORDO_E__COUNT) {
        return &code_rows[ORDO_E_INTERNAL];
    }
    return &code_rows[code];
}

enum ordo_code ordo_err_set(struct ordo_err *err, enum ordo_code code, const char *fmt, ...)
{
    va_list ap;

    if (err && err->code == ORDO_OK) { /* the first, most precise error wins */
        err->code = code;
        va_start(ap, fmt);
        (void)vsnprintf(err->msg, sizeof(err->msg), fmt, ap); /* truncation is acceptable, */
        va_end(ap);
        /* but not in the middle of a character: messages end up in JSON. */
        err->msg[ordo_utf8_trim_partial(err->msg, strlen(err->msg))] = '\0';
    }
    return code;
}

void ordo_err_clear(struct ordo_err *err)
{
    if (err) {
        err->code = ORDO_OK;
        err->msg[0] = '\0';
    }
}

const char *ordo_code_name(enum ordo_code code)
{
    return row_of(code)->name;
}

int ordo_code_http_status(enum ordo_code code)
{
    return row_of(code)->http;
}

const char *ordo_code_text(enum ordo_code code)
{
    return row_of(code)->text;
}

const char *ordo_err_message(const struct ordo_err *err)
{
    if (!err) {
        return "";
    }
    return err->msg[0] ? err->msg : ordo_code_text(err->code);
}
