/*
 * core/query_misc.c - the small lists: incidents, jobs and the audit log.
 */
#include <string.h>

#include "bpmn/timer.h"
#include "core/query_internal.h"

const struct qry_field ordo_qry_incident_fields[] = {
    {"key", QRY_KEY},        {"instanceKey", QRY_KEY}, {"processId", QRY_TEXT},
    {"elementId", QRY_TEXT}, {"reason", QRY_TEXT},     {"jobKey", QRY_KEY},
    {"state", QRY_TEXT},     {"createdAt", QRY_TIME},  {"resolvedAt", QRY_TIME},
};
const size_t ordo_qry_incident_nfields = QRY_NFIELDS(ordo_qry_incident_fields);

const struct qry_field ordo_qry_job_fields[] = {
    {"key", QRY_KEY},        {"instanceKey", QRY_KEY}, {"kind", QRY_TEXT},
    {"type", QRY_TEXT},      {"elementId", QRY_TEXT},  {"dueAt", QRY_TIME},
    {"retries", QRY_INT},    {"attempts", QRY_INT},    {"lockOwner", QRY_TEXT},
    {"lastError", QRY_TEXT}, {"createdAt", QRY_TIME},
};
const size_t ordo_qry_job_nfields = QRY_NFIELDS(ordo_qry_job_fields);

static const struct qry_field audit_fields[] = {
    {"seq", QRY_KEY},         {"time", QRY_TIME},      {"actor", QRY_TEXT},   {"action", QRY_TEXT},
    {"instanceKey", QRY_KEY}, {"elementId", QRY_TEXT}, {"payload", QRY_JSON},
};

enum ordo_code ordo_query_list_incidents(struct ordo_store *st, const struct ordo_incident_query *q,
                                         json_t **out, struct ordo_err *err)
{
    static const char *const states[] = {"open", "resolved", "all", NULL};
    struct qry_page page;
    struct qry_list l = {.what = "could not list incidents",
                         .fields = ordo_qry_incident_fields,
                         .nfields = ordo_qry_incident_nfields,
                         .nparams = 4,
                         .page = &page};
    const char *instance = NULL, *state = NULL;
    enum ordo_code rc;

    ordo_arena_reset(st->arena);
    rc = ordo_qry_page(st->arena, q->limit, q->after, &page, err);
    if (rc == ORDO_OK) {
        rc = ordo_qry_key_param(st->arena, q->instance_key, "instance key", &instance, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_qry_choice(q->state, states, "open", "state", &state, err);
    }
    if (rc != ORDO_OK) {
        return rc;
    }
    l.params = (const char *[]){state, instance, page.after, page.fetch};
    l.sql = "SELECT " QRY_INCIDENT_COLUMNS " FROM incident x JOIN instance i ON i.key = "
            "x.instance_key WHERE ($1::text = 'all' OR x.state = $1) "
            "AND ($2::bigint IS NULL OR x.instance_key = $2) "
            "AND ($3::bigint IS NULL OR x.key < $3) ORDER BY x.key DESC LIMIT $4";
    return ordo_qry_run_list(st, &l, out, err);
}

enum ordo_code ordo_query_list_jobs(struct ordo_store *st, const struct ordo_job_query *q,
                                    json_t **out, struct ordo_err *err)
{
    struct qry_page page;
    struct qry_list l = {.what = "could not list jobs",
                         .fields = ordo_qry_job_fields,
                         .nfields = ordo_qry_job_nfields,
                         .nparams = 4,
                         .page = &page};
    const char *instance = NULL;
    enum ordo_code rc;

    ordo_arena_reset(st->arena);
    rc = ordo_qry_page(st->arena, q->limit, q->after, &page, err);
    if (rc == ORDO_OK) {
        rc = ordo_qry_key_param(st->arena, q->instance_key, "instance key", &instance, err);
    }
    if (rc != ORDO_OK) {
        return rc;
    }
    l.params = (const char *[]){instance, q->type, page.after, page.fetch};
    l.sql = "SELECT " QRY_JOB_COLUMNS " FROM job j WHERE ($1::bigint IS NULL OR "
            "j.instance_key = $1) AND ($2::text IS NULL OR (j.kind = 'work' AND j.type = $2)) "
            "AND ($3::bigint IS NULL OR j.key < $3) ORDER BY j.key DESC LIMIT $4";
    return ordo_qry_run_list(st, &l, out, err);
}

/* An RFC 3339 time as Unix ms text; NULL stays NULL. */
static enum ordo_code time_param(struct ordo_arena *arena, const char *text, const char *what,
                                 const char **out, struct ordo_err *err)
{
    const struct ordo_timer *t = NULL;
    int64_t ms = 0;

    *out = NULL;
    if (!text) {
        return ORDO_OK;
    }
    /* A timer's date is ISO 8601 with an offset or zone: what RFC 3339 is. */
    if (ordo_timer_parse(arena, ORDO_TIMER_DATE, text, &t, NULL) != ORDO_OK ||
        !ordo_timer_due(t, 0, 0, 0, NULL, &ms)) {
        return ordo_err_set(err, ORDO_E_INVAL, "%s \"%s\" is not an RFC 3339 time", what, text);
    }
    *out = ordo_st_i64(arena, ms);
    return ORDO_OK;
}

enum ordo_code ordo_query_list_audit(struct ordo_store *st, const struct ordo_audit_query *q,
                                     json_t **out, struct ordo_err *err)
{
    struct qry_page page;
    struct qry_list l = {.what = "could not read the audit log",
                         .fields = audit_fields,
                         .nfields = QRY_NFIELDS(audit_fields),
                         .nparams = 6,
                         .page = &page};
    const char *instance = NULL, *from = NULL, *to = NULL;
    enum ordo_code rc;

    ordo_arena_reset(st->arena);
    rc = ordo_qry_page(st->arena, q->limit, q->after, &page, err);
    if (rc == ORDO_OK) {
        rc = ordo_qry_key_param(st->arena, q->instance_key, "instance key", &instance, err);
    }
    rc = rc == ORDO_OK ? time_param(st->arena, q->from, "from", &from, err) : rc;
    rc = rc == ORDO_OK ? time_param(st->arena, q->to, "to", &to, err) : rc;
    if (rc != ORDO_OK) {
        return rc;
    }
    l.params = (const char *[]){instance, q->actor, from, to, page.after, page.fetch};
    l.sql = "SELECT seq, time_ms, actor, action, instance_key, element_id, payload FROM audit "
            "WHERE ($1::bigint IS NULL OR instance_key = $1) AND ($2::text IS NULL OR actor = $2) "
            "AND ($3::bigint IS NULL OR time_ms >= $3) AND ($4::bigint IS NULL OR time_ms < $4) "
            "AND ($5::bigint IS NULL OR seq < $5) ORDER BY seq DESC LIMIT $6";
    return ordo_qry_run_list(st, &l, out, err);
}

/* a < b for decimal numbers without leading zeros. */
static bool num_less(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);

    return la != lb ? la < lb : strcmp(a, b) < 0;
}

/* "TX.SEQ": two decimal numbers. */
static bool split_cursor(struct ordo_arena *arena, const char *cursor, const char **tx,
                         const char **seq)
{
    size_t a = strspn(cursor, "0123456789");
    size_t b = cursor[a] == '.' ? strspn(cursor + a + 1, "0123456789") : 0;

    if (a == 0 || a > 20 || b == 0 || b > 19 || cursor[a + 1 + b] != '\0' ||
        (cursor[0] == '0' && a > 1) || (cursor[a + 1] == '0' && b > 1)) { /* no leading zeros */
        return false;
    }
    *tx = ordo_arena_strndup(arena, cursor, a);
    *seq = cursor + a + 1;
    return true;
}

enum ordo_code ordo_query_audit_tail(struct ordo_store *st, const char *cursor,
                                     const char *instance_key, int limit, json_t **out,
                                     struct ordo_err *err)
{
    const char *tx = NULL, *seq = "0", *instance = NULL, *xmin, *next;
    PGresult *res;
    int rows;
    enum ordo_code rc;

    ordo_arena_reset(st->arena);
    if (cursor && !split_cursor(st->arena, cursor, &tx, &seq)) {
        return ordo_err_set(err, ORDO_E_INVAL, "cursor \"%.40s\" is not one this server gave out",
                            cursor);
    }
    if (limit < 1 || limit > ORDO_QUERY_MAX_LIMIT) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "limit must be between 1 and %d",
                            ORDO_QUERY_MAX_LIMIT);
    }
    rc = ordo_qry_key_param(st->arena, instance_key, "instance key", &instance, err);
    /* Every transaction below xmin has ended: its rows are all there. */
    rc = rc == ORDO_OK ? ordo_pg_exec(st->db, st->arena, "could not read the audit position",
                                      "SELECT pg_snapshot_xmin(pg_current_snapshot())::text", 0,
                                      NULL, &res, err)
                       : rc;
    if (rc != ORDO_OK) {
        return rc;
    }
    xmin = PQgetvalue(res, 0, 0);
    tx = tx ? tx : xmin;
    rc = ordo_pg_exec(st->db, st->arena, "could not read the audit log",
                      "SELECT seq, time_ms, actor, action, instance_key, element_id, payload, "
                      "tx::text FROM audit WHERE (tx, seq) > ($1::xid8, $2::bigint) AND tx < "
                      "$3::xid8 AND ($4::bigint IS NULL OR instance_key = $4) ORDER BY tx, seq "
                      "LIMIT $5",
                      5, (const char *[]){tx, seq, xmin, instance, ordo_st_i64(st->arena, limit)},
                      &res, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    rows = PQntuples(res);
    /* A full page stops at its last row; otherwise everything below xmin is
     * read, unless the cursor is already past it (never move back). */
    if (rows == limit) {
        next = ordo_arena_printf(st->arena, "%s.%s", PQgetvalue(res, rows - 1, 7),
                                 PQgetvalue(res, rows - 1, 0));
    } else if (num_less(xmin, tx) || (strcmp(xmin, tx) == 0 && strcmp(seq, "0") != 0)) {
        next = ordo_arena_printf(st->arena, "%s.%s", tx, seq);
    } else {
        next = ordo_arena_printf(st->arena, "%s.0", xmin);
    }
    *out = json_pack("{s:o, s:s}", "items",
                     ordo_qry_rows(res, audit_fields, QRY_NFIELDS(audit_fields)), "cursor", next);
    return ORDO_OK;
}
