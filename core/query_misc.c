/*
 * core/query_misc.c - the small lists: incidents, jobs and the audit log.
 */
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
