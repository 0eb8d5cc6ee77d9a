/*
 * core/query_internal.h - what the files of core/query.h share: rows as
 * JSON objects described by column tables, pages, and parameters.
 */
#ifndef ORDO_CORE_QUERY_INTERNAL_H
#define ORDO_CORE_QUERY_INTERNAL_H

#include "core/query.h"
#include "core/store_internal.h"

/* A time column as Unix milliseconds (NULL when unset or infinite), to
 * select for a QRY_TIME field. Only ever applied to constant column names. */
#define QRY_MS(col) \
    "CASE WHEN isfinite(" col ") THEN (extract(epoch FROM " col ") * 1000)::bigint END"

/* What a result column becomes in JSON. */
enum qry_type {
    QRY_KEY,  /* int64 -> decimal string */
    QRY_TEXT, /* string */
    QRY_INT,  /* integer */
    QRY_BOOL, /* 't' / 'f' -> true / false */
    QRY_TIME, /* Unix ms -> RFC 3339 with milliseconds */
    QRY_JSON, /* JSON text -> its value (text that is not JSON stays a string) */
    QRY_LIST, /* JSON array text -> the array, [] when NULL */
};

/* One field: the result's columns are the fields in order. */
struct qry_field {
    const char *name;
    enum qry_type type;
};

#define QRY_NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

/* Row 'row' as an object (a new reference); NULL cells are null. */
json_t *ordo_qry_row(const PGresult *res, int row, const struct qry_field *fields, size_t n);

/* Every row as an array (a new reference). */
json_t *ordo_qry_rows(const PGresult *res, const struct qry_field *fields, size_t n);

/* A page of a list, ready to be passed as parameters. */
struct qry_page {
    const char *after; /* the cursor as a key, NULL: from the newest */
    const char *fetch; /* limit + 1, as text: one more row tells there is a next page */
    int limit;
};

enum ordo_code ordo_qry_page(struct ordo_arena *arena, const char *limit, const char *after,
                             struct qry_page *out, struct ordo_err *err);

/* {"items":[...],"next":...} from a result fetched with page->fetch: the
 * cursor is the first column of the last item kept. */
json_t *ordo_qry_list(const PGresult *res, const struct qry_field *fields, size_t n,
                      const struct qry_page *page);

/* A key filter: NULL stays NULL; else the key as canonical text, or
 * ORDO_E_INVAL naming 'what'. */
enum ordo_code ordo_qry_key_param(struct ordo_arena *arena, const char *text, const char *what,
                                  const char **out, struct ordo_err *err);

/* 'value' must be one of the NULL-terminated 'allowed' (else
 * ORDO_E_UNPROCESSABLE naming 'what'); NULL becomes 'fallback'. */
enum ordo_code ordo_qry_choice(const char *value, const char *const *allowed, const char *fallback,
                               const char *what, const char **out, struct ordo_err *err);

/* Every read and write of core/query.h runs in a transaction of its own
 * (ordo_st_tx: retried, and reconnected, as the store's steps are). Each
 * public function resets st->arena first, then builds its parameters in it.
 *
 * A list read: one statement, its rows as a page. '*out' is set on
 * ORDO_OK. */
struct qry_list {
    const char *what, *sql;
    const struct qry_field *fields;
    size_t nfields;
    int nparams;
    const char *const *params;
    const struct qry_page *page;
    json_t *out;
};
enum ordo_code ordo_qry_run_list(struct ordo_store *st, struct qry_list *l, json_t **out,
                                 struct ordo_err *err);

/* The database's clock now, in Unix ms, inside the transaction. */
enum ordo_code ordo_qry_now(struct ordo_store *st, int64_t *now_ms, struct ordo_err *err);

/* An audit payload: 'obj' (a new reference, taken) as compact JSON text
 * in 'arena'. */
const char *ordo_qry_payload(struct ordo_arena *arena, json_t *obj);

/* Field tables shared by a list and the instance view. */
extern const struct qry_field ordo_qry_task_fields[];
extern const size_t ordo_qry_task_nfields;
extern const struct qry_field ordo_qry_incident_fields[];
extern const size_t ordo_qry_incident_nfields;
extern const struct qry_field ordo_qry_job_fields[];
extern const size_t ordo_qry_job_nfields;

/* The SELECT lists that go with those tables (from user_task t JOIN
 * instance i, incident x JOIN instance i, job j). */
#define QRY_TASK_COLUMNS                                                                         \
    "t.key, t.instance_key, i.process_id, t.element_id, t.name, t.assignee, t.candidate_users, " \
    "t.candidate_groups, t.state, " QRY_MS("t.due_at") ", " QRY_MS("t.created_at") ", " QRY_MS(  \
        "t.ended_at") ", t.completed_by, i.definition_key"
#define QRY_INCIDENT_COLUMNS                                                                    \
    "x.key, x.instance_key, i.process_id, x.element_id, x.reason, x.job_key, x.state, " QRY_MS( \
        "x.created_at") ", " QRY_MS("x.resolved_at")
#define QRY_JOB_COLUMNS                                                                     \
    "j.key, j.instance_key, j.kind, nullif(j.type, ''), nullif(j.element_id, ''), " QRY_MS( \
        "j.due_at") ", j.retries, "                                                         \
                    "j.attempts, j.lock_owner, j.last_error, " QRY_MS("j.created_at")

#endif
