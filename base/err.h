/*
 * base/err.h - error codes and the error record.
 *
 * Every fallible function in Ordo returns enum ordo_code (ORDO_OK == 0) and
 * takes a 'struct ordo_err *err' last, which may be NULL. The function that
 * detects a failure records a message with ordo_err_set(); the first error set
 * wins, so the most precise message survives as the error travels up.
 *
 * The codes and their HTTP statuses are one table (CONTRACTS.md §4), so the
 * REST layer maps a code to a status and a name without a switch.
 */
#ifndef ORDO_BASE_ERR_H
#define ORDO_BASE_ERR_H

/* One row per code: name, HTTP status it maps to, default text. */
#define ORDO_ERR_MAP(X)                                          \
    X(INVAL, 400, "malformed input")                             \
    X(UNAUTHENTICATED, 401, "authentication required")           \
    X(FORBIDDEN, 403, "not allowed")                             \
    X(NOTFOUND, 404, "not found")                                \
    X(METHOD, 405, "method not allowed")                         \
    X(CONFLICT, 409, "conflict")                                 \
    X(TOOBIG, 413, "too large")                                  \
    X(MEDIA, 415, "unsupported media type")                      \
    X(UNPROCESSABLE, 422, "not executable or failed validation") \
    X(RATE_LIMITED, 429, "too many requests")                    \
    X(INTERNAL, 500, "internal error")                           \
    X(AGAIN, 503, "temporarily unavailable, retry later")        \
    X(TIMEOUT, 504, "timed out")

/* clang-format cannot lay out X-macro expansions. */
/* clang-format off */
enum ordo_code {
    ORDO_OK = 0,
#define X(name, http, text) ORDO_E_##name,
    ORDO_ERR_MAP(X)
#undef X
    ORDO_E__COUNT
};
/* clang-format on */

#define ORDO_ERR_MSG_SIZE 256 /* == CURL_ERROR_SIZE: usable as CURLOPT_ERRORBUFFER */

/* Filled at the point of failure; the first error set wins. */
struct ordo_err {
    enum ordo_code code;
    char msg[ORDO_ERR_MSG_SIZE];
};

/* Record 'code' and a printf-style message in 'err' (which may be NULL).
 * Returns 'code', so a failing path reads: return ordo_err_set(err, ...); */
enum ordo_code ordo_err_set(struct ordo_err *err, enum ordo_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Forget a recorded error, so the record can be reused. */
void ordo_err_clear(struct ordo_err *err);

/* "ORDO_E_NOTFOUND"; "ORDO_OK" for ORDO_OK; "ORDO_E_INTERNAL" for unknown values. */
const char *ordo_code_name(enum ordo_code code);

/* 200 for ORDO_OK, else the status of the table; 500 for unknown values. */
int ordo_code_http_status(enum ordo_code code);

/* The table's default text for 'code' ("not found"). */
const char *ordo_code_text(enum ordo_code code);

/* The recorded message, or the code's default text when none was recorded. */
const char *ordo_err_message(const struct ordo_err *err);

#endif
