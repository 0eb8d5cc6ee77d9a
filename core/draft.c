/*
 * core/draft.c - the stored drafts (core/draft.h): what the API reads and
 * writes, what the draft workers take and finish.
 *
 * Documents are built by PostgreSQL (json_build_object over the row) and
 * parsed once here, as the webhook modules do: the SQL is the one place
 * that names the columns.
 */
#include "core/draft.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/pg.h"
#include "core/audit.h"
#include "core/query.h"
#include "core/store.h"

/* Our own stored documents: an XML edit and a transcript may pass the
 * parser's default of 1 MiB. */
#define DOC_MAX_BYTES ((size_t)64 * 1024 * 1024)

/* The advisory lock of a running draft, by its key ($1). */
#define LOCK_OF(p) "hashtextextended('ordo-draft:' || " p "::text, 0)"

/* clang-format off */
#define RFC3339(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

#define DEPLOYMENT_JSON \
    "CASE WHEN d.deployed_at IS NULL THEN NULL ELSE json_build_object(" \
    "'definitionKey', d.deployed_definition_key::text, 'hash', d.deployed_hash, " \
    "'revision', d.deployed_revision, 'deployedBy', d.deployed_by, " \
    "'deployedAt', " RFC3339("d.deployed_at") ") END"

#define SUMMARY_FIELDS \
    "'key', d.key::text, 'status', d.status, 'revision', d.revision, 'usable', d.usable, " \
    "'text', d.text, 'createdBy', d.actor, 'createdAt', " RFC3339("d.created_at") ", " \
    "'updatedAt', " RFC3339("d.updated_at") ", 'deployment', " DEPLOYMENT_JSON

#define LIST_JSON "json_build_object(" SUMMARY_FIELDS ")::text"

#define DRAFT_JSON \
    "json_build_object(" SUMMARY_FIELDS ", 'systems', to_json(d.systems), " \
    "'allowHttp', d.allow_http, 'request', d.request - 'xml', 'provider', d.provider, " \
    "'model', d.model, 'ir', d.ir, 'xml', d.xml, 'violations', d.violations, " \
    "'findings', d.findings, 'assumptions', d.assumptions, 'questions', d.questions, " \
    "'unplaced', d.unplaced, 'uses', d.uses, 'tokens', d.tokens, 'timings', d.timings, " \
    "'layout', d.layout, 'rounds', d.rounds, 'error', d.error, 'revisable', d.revisable, " \
    "'revisableReason', d.revisable_reason, 'history', d.history)::text"

/* A draft the caller may see: $1 the key, $2 the owner (NULL: anyone's). */
#define VISIBLE "d.key = $1::bigint AND ($2::bigint IS NULL OR d.created_by = $2::bigint)"
/* clang-format on */

static const char *i64_text(struct ordo_arena *a, int64_t v)
{
    return ordo_arena_printf(a, "%" PRId64, v);
}

static const char *owner_text(struct ordo_arena *a, int64_t owner)
{
    return owner > 0 ? i64_text(a, owner) : NULL;
}

static enum ordo_code parse_text(const char *text, json_t **out, struct ordo_err *err)
{
    struct ordo_json_limits lim = {.max_bytes = DOC_MAX_BYTES, .max_depth = 64};

    return ordo_json_parse(text, strlen(text), &lim, out, err);
}

static enum ordo_code not_found(int64_t key, struct ordo_err *err)
{
    return ordo_err_set(err, ORDO_E_NOTFOUND, "draft %" PRId64 " not found", key);
}

static enum ordo_code notify_workers(PGconn *db, struct ordo_err *err)
{
    return ordo_pg_run(db, "could not wake the draft workers", "NOTIFY " ORDO_DRAFT_CHANNEL, 0,
                       NULL, err);
}

/* ---- the API's side -------------------------------------------------------------------------- */

enum ordo_code ordo_draft_create(PGconn *db, const struct ordo_draft_new *d, int64_t *key,
                                 struct ordo_err *err)
{
    struct ordo_arena *a = ordo_arena_new();
    struct ordo_buf systems;
    PGresult *res = NULL;
    const char *p[5];
    enum ordo_code rc;

    ordo_buf_init(&systems);
    ordo_buf_putc(&systems, '{');
    for (size_t i = 0; i < d->nsystems; i++) {
        ordo_pg_array_add(&systems, d->systems[i]);
    }
    ordo_buf_putc(&systems, '}');
    p[0] = owner_text(a, d->user_key);
    p[1] = d->actor && *d->actor ? d->actor : "system";
    p[2] = d->text;
    p[3] = ordo_arena_strdup(a, ordo_buf_cstr(&systems));
    p[4] = d->allow_http ? "true" : "false";
    ordo_buf_cleanup(&systems);
    /* One statement: the row and the workers' wake-up together. */
    rc = ordo_pg_exec(db, a, "could not store the draft",
                      "WITH d AS (INSERT INTO draft (created_by, actor, text, systems, allow_http) "
                      "VALUES ($1::bigint, $2, $3, $4::text[], $5::boolean) RETURNING key) SELECT "
                      "key, pg_notify('" ORDO_DRAFT_CHANNEL "', '') FROM d",
                      5, p, &res, err);
    if (rc == ORDO_OK) {
        *key = ordo_pg_int(res, 0, 0);
    }
    ordo_arena_free(a);
    return rc;
}

enum ordo_code ordo_draft_get(PGconn *db, int64_t key, int64_t owner, bool transcript, json_t **out,
                              struct ordo_err *err)
{
    struct ordo_arena *a = ordo_arena_new();
    const char *p[3] = {i64_text(a, key), owner_text(a, owner), transcript ? "true" : "false"};
    PGresult *res = NULL;
    json_t *doc = NULL, *tr = NULL;
    enum ordo_code rc = ordo_pg_exec(
        db, a, "could not read the draft",
        "SELECT " DRAFT_JSON ", CASE WHEN $3::boolean THEN d.transcript::text END FROM draft d "
        "WHERE " VISIBLE,
        3, p, &res, err);

    if (rc == ORDO_OK && PQntuples(res) == 0) {
        rc = not_found(key, err);
    }
    if (rc == ORDO_OK) {
        rc = parse_text(PQgetvalue(res, 0, 0), &doc, err);
    }
    if (rc == ORDO_OK && transcript) {
        rc = parse_text(PQgetvalue(res, 0, 1), &tr, err);
        (void)json_object_set_new(doc, "transcript", tr);
    }
    if (rc == ORDO_OK) {
        *out = doc;
    } else {
        json_decref(doc);
    }
    ordo_arena_free(a);
    return rc;
}

/* 'limit' and 'after' as parameters: the row count to fetch (one more than
 * the page, to know whether there is a next) and the cursor. */
static enum ordo_code page_params(struct ordo_arena *a, const char *limit, const char *after,
                                  const char **fetch, const char **cursor, int *n,
                                  struct ordo_err *err)
{
    int64_t c = 0;
    enum ordo_code rc = ordo_query_limit(limit, n, err);

    if (rc != ORDO_OK) {
        return rc;
    }
    *fetch = ordo_arena_printf(a, "%d", *n + 1);
    *cursor = NULL;
    if (after && ordo_query_parse_key(after, "cursor", &c, err) != ORDO_OK) {
        return ORDO_E_INVAL;
    }
    *cursor = after;
    return ORDO_OK;
}

/* Rows of (cursor, document) -> {"items", "next"}. */
static enum ordo_code page_json(const PGresult *res, int limit, json_t **out, struct ordo_err *err)
{
    int rows = PQntuples(res), keep = rows > limit ? limit : rows;
    json_t *items = json_array();

    for (int i = 0; i < keep; i++) {
        json_t *doc = NULL;

        if (parse_text(PQgetvalue(res, i, 1), &doc, err) != ORDO_OK) {
            json_decref(items);
            return ORDO_E_INTERNAL;
        }
        (void)json_array_append_new(items, doc);
    }
    *out = json_pack("{s:o, s:o}", "items", items, "next",
                     rows > limit ? json_string(PQgetvalue(res, keep - 1, 0)) : json_null());
    return ORDO_OK;
}

static bool is_status(const char *s)
{
    static const char *const states[] = {"queued", "running", "ready", "failed"};

    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
        if (strcmp(s, states[i]) == 0) {
            return true;
        }
    }
    return false;
}

enum ordo_code ordo_draft_list(PGconn *db, int64_t owner, const char *status, const char *limit,
                               const char *after, json_t **out, struct ordo_err *err)
{
    struct ordo_arena *a = ordo_arena_new();
    const char *p[4] = {owner_text(a, owner), status, NULL, NULL};
    PGresult *res = NULL;
    int n = 0;
    enum ordo_code rc = page_params(a, limit, after, &p[3], &p[2], &n, err);

    if (rc == ORDO_OK && status && !is_status(status)) {
        rc = ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                          "status \"%.32s\" is not one of queued, running, ready, failed", status);
    }
    if (rc == ORDO_OK) {
        rc = ordo_pg_exec(db, a, "could not list drafts",
                          "SELECT d.key::text, " LIST_JSON " FROM draft d WHERE ($1::bigint IS "
                          "NULL OR d.created_by = $1::bigint) AND ($2::text IS NULL OR d.status = "
                          "$2) AND ($3::bigint IS NULL OR d.key < $3::bigint) ORDER BY d.key DESC "
                          "LIMIT $4::int",
                          4, p, &res, err);
    }
    rc = rc == ORDO_OK ? page_json(res, n, out, err) : rc;
    ordo_arena_free(a);
    return rc;
}

/* In the revision's transaction: the draft locked, and whether it may take
 * this revision. */
static enum ordo_code check_revisable(PGconn *db, struct ordo_arena *a, const char *const *p,
                                      int64_t key, bool in_words, struct ordo_err *err)
{
    PGresult *res = NULL;
    const char *status;
    enum ordo_code rc = ordo_pg_exec(db, a, "could not read the draft",
                                     "SELECT d.status, d.revisable, d.revisable_reason, d.ir IS "
                                     "NOT NULL FROM draft d WHERE " VISIBLE " FOR UPDATE",
                                     2, p, &res, err);

    if (rc != ORDO_OK) {
        return rc;
    }
    if (PQntuples(res) == 0) {
        return not_found(key, err);
    }
    status = PQgetvalue(res, 0, 0);
    if (strcmp(status, "queued") == 0 || strcmp(status, "running") == 0) {
        return ordo_err_set(err, ORDO_E_CONFLICT,
                            "draft %" PRId64 " is %s: wait for its \"done\" event", key, status);
    }
    if (in_words && strcmp(PQgetvalue(res, 0, 1), "t") != 0) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "draft %" PRId64 " cannot be revised in words: %s; send the edited "
                            "XML or make a new draft",
                            key, PQgetvalue(res, 0, 2));
    }
    if (in_words && strcmp(PQgetvalue(res, 0, 3), "t") != 0) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "draft %" PRId64 " has no process to revise yet; make a new draft",
                            key);
    }
    return ORDO_OK;
}

static enum ordo_code queue_revision(PGconn *db, struct ordo_arena *a, const char *key_text,
                                     const char *request, int *revision, struct ordo_err *err)
{
    const char *p[2] = {key_text, request};
    PGresult *res = NULL;
    enum ordo_code rc = ordo_pg_exec(
        db, a, "could not queue the revision",
        "UPDATE draft SET status = 'queued', revision = revision + 1, request = $2::jsonb, "
        "error = NULL, lock_owner = NULL, locked_at = NULL, updated_at = now() WHERE key = "
        "$1::bigint RETURNING revision",
        2, p, &res, err);

    if (rc == ORDO_OK) {
        *revision = (int)ordo_pg_int(res, 0, 0);
        rc = notify_workers(db, err);
    }
    return rc;
}

enum ordo_code ordo_draft_revise(PGconn *db, int64_t key, int64_t owner, const char *instruction,
                                 const char *xml, int *revision, struct ordo_err *err)
{
    struct ordo_arena *a = ordo_arena_new();
    const char *p[2] = {i64_text(a, key), owner_text(a, owner)};
    json_t *request = instruction
                          ? json_pack("{s:s, s:s}", "kind", "revise", "instruction", instruction)
                          : json_pack("{s:s, s:s}", "kind", "edit", "xml", xml ? xml : "");
    enum ordo_code rc = ordo_pg_begin(db, err);

    if (rc == ORDO_OK) {
        rc = check_revisable(db, a, p, key, instruction != NULL, err);
        if (rc == ORDO_OK) {
            rc = queue_revision(db, a, p[0], ordo_json_dump(a, request, JSON_COMPACT), revision,
                                err);
        }
        rc = ordo_pg_end(db, rc, err);
    }
    json_decref(request);
    ordo_arena_free(a);
    return rc;
}

enum ordo_code ordo_draft_events(PGconn *db, int64_t key, int64_t owner, int revision,
                                 int after_seq, int limit, json_t **out, struct ordo_err *err)
{
    struct ordo_arena *a = ordo_arena_new();
    const char *p[5] = {i64_text(a, key), owner_text(a, owner),
                        ordo_arena_printf(a, "%d", revision), ordo_arena_printf(a, "%d", after_seq),
                        ordo_arena_printf(a, "%d", limit)};
    PGresult *res = NULL;
    json_t *items = NULL;
    enum ordo_code rc = ordo_pg_exec(
        db, a, "could not read the draft's events",
        "SELECT d.revision, d.status, (SELECT coalesce(json_agg(json_build_object('seq', e.seq, "
        "'event', e.event, 'data', e.data) ORDER BY e.seq), '[]'::json) FROM (SELECT * FROM "
        "draft_event e WHERE e.draft_key = d.key AND e.revision = coalesce(nullif($3::int, 0), "
        "d.revision) AND e.seq > $4::int ORDER BY e.seq LIMIT $5::int) e)::text FROM draft d "
        "WHERE " VISIBLE,
        5, p, &res, err);

    if (rc == ORDO_OK && PQntuples(res) == 0) {
        rc = not_found(key, err);
    }
    if (rc == ORDO_OK) {
        rc = parse_text(PQgetvalue(res, 0, 2), &items, err);
    }
    if (rc == ORDO_OK) {
        *out = json_pack("{s:o, s:i, s:s}", "items", items, "revision",
                         revision > 0 ? revision : (int)ordo_pg_int(res, 0, 0), "status",
                         PQgetvalue(res, 0, 1));
    }
    ordo_arena_free(a);
    return rc;
}

static void read_deployable(struct ordo_arena *a, const PGresult *res,
                            struct ordo_draft_deployable *out)
{
    const char *uses = ordo_pg_text(res, 0, 5), *answer = ordo_pg_text(res, 0, 8);

    out->revision = (int)ordo_pg_int(res, 0, 0);
    out->status = ordo_arena_strdup(a, PQgetvalue(res, 0, 1));
    out->usable = strcmp(PQgetvalue(res, 0, 2), "t") == 0;
    out->allow_http = strcmp(PQgetvalue(res, 0, 3), "t") == 0;
    out->xml = PQgetisnull(res, 0, 4) ? NULL : ordo_arena_strdup(a, PQgetvalue(res, 0, 4));
    out->idempotency_key =
        PQgetisnull(res, 0, 6) ? NULL : ordo_arena_strdup(a, PQgetvalue(res, 0, 6));
    out->deployed_by = PQgetisnull(res, 0, 7) ? NULL : ordo_arena_strdup(a, PQgetvalue(res, 0, 7));
    if (uses && parse_text(uses, &out->uses, NULL) != ORDO_OK) {
        out->uses = NULL;
    }
    if (answer && parse_text(answer, &out->answer, NULL) != ORDO_OK) {
        out->answer = NULL;
    }
}

enum ordo_code ordo_draft_deployable(PGconn *db, struct ordo_arena *arena, int64_t key,
                                     int64_t owner, struct ordo_draft_deployable *out,
                                     struct ordo_err *err)
{
    const char *p[2] = {i64_text(arena, key), owner_text(arena, owner)};
    PGresult *res = NULL;
    enum ordo_code rc = ordo_pg_exec(
        db, arena, "could not read the draft",
        "SELECT d.revision, d.status, d.usable, d.allow_http, d.xml, d.uses::text, "
        "d.deploy_idempotency_key, d.deployed_by, CASE WHEN d.deployed_at > now() - interval "
        "'1 day' THEN d.deploy_answer::text END FROM draft d WHERE " VISIBLE,
        2, p, &res, err);

    if (rc == ORDO_OK && PQntuples(res) == 0) {
        rc = not_found(key, err);
    }
    if (rc == ORDO_OK) {
        memset(out, 0, sizeof *out);
        out->key = key;
        read_deployable(arena, res, out);
    }
    return rc;
}

static enum ordo_code record_deploy(PGconn *db, struct ordo_arena *a,
                                    const struct ordo_draft_deployed *d, struct ordo_err *err)
{
    const char *p[7] = {i64_text(a, d->key),
                        i64_text(a, d->definition_key),
                        d->hash,
                        ordo_arena_printf(a, "%d", d->revision),
                        d->actor,
                        d->idempotency_key,
                        d->answer ? ordo_json_dump(a, d->answer, JSON_COMPACT) : NULL};

    return ordo_pg_run(db, "could not record the draft's deployment",
                       "UPDATE draft SET deployed_definition_key = $2::bigint, deployed_hash = $3, "
                       "deployed_revision = $4::int, deployed_by = $5, deployed_at = now(), "
                       "deploy_idempotency_key = $6, deploy_answer = $7::jsonb, updated_at = now() "
                       "WHERE key = $1::bigint",
                       7, p, err);
}

enum ordo_code ordo_draft_mark_deployed(PGconn *db, const struct ordo_draft_deployed *d,
                                        json_t *audit, struct ordo_err *err)
{
    struct ordo_arena *a = ordo_arena_new();
    enum ordo_code rc = ordo_pg_begin(db, err);

    if (rc == ORDO_OK) {
        rc = record_deploy(db, a, d, err);
        if (rc == ORDO_OK) {
            rc = ordo_audit_admin(db, d->actor, "draft.deploy", audit, err);
            audit = NULL; /* taken */
        }
        rc = ordo_pg_end(db, rc, err);
    }
    json_decref(audit);
    ordo_arena_free(a);
    return rc;
}

/* ---- the workers' side ----------------------------------------------------------------------- */

static enum ordo_draft_kind kind_of(const char *s)
{
    if (s && strcmp(s, "revise") == 0) {
        return ORDO_DRAFT_KIND_REVISE;
    }
    return s && strcmp(s, "edit") == 0 ? ORDO_DRAFT_KIND_EDIT : ORDO_DRAFT_KIND_DRAFT;
}

static const char *text_or_null(struct ordo_arena *a, const PGresult *res, int col)
{
    return PQgetisnull(res, 0, col) ? NULL : ordo_arena_strdup(a, PQgetvalue(res, 0, col));
}

/* The row RETURNING key, revision, text, to_json(systems), allow_http,
 * request kind, instruction, xml, ir. */
static enum ordo_code read_job(struct ordo_arena *a, const PGresult *res,
                               struct ordo_draft_job *job, struct ordo_err *err)
{
    json_t *systems = NULL, *v;
    size_t i;
    enum ordo_code rc = parse_text(PQgetvalue(res, 0, 3), &systems, err);

    memset(job, 0, sizeof *job);
    job->key = ordo_pg_int(res, 0, 0);
    job->revision = (int)ordo_pg_int(res, 0, 1);
    job->text = ordo_arena_strdup(a, PQgetvalue(res, 0, 2));
    job->allow_http = strcmp(PQgetvalue(res, 0, 4), "t") == 0;
    job->kind = kind_of(ordo_pg_text(res, 0, 5));
    job->instruction = text_or_null(a, res, 6);
    job->xml = text_or_null(a, res, 7);
    if (rc == ORDO_OK && !PQgetisnull(res, 0, 8)) {
        rc = parse_text(PQgetvalue(res, 0, 8), &job->ir, err);
    }
    job->systems = ordo_arena_calloc(a, json_array_size(systems) + 1, sizeof *job->systems);
    json_array_foreach(systems, i, v)
    {
        job->systems[job->nsystems++] = ordo_arena_strdup(a, json_string_value(v));
    }
    json_decref(systems);
    return rc;
}

static enum ordo_code take_one(PGconn *db, struct ordo_arena *a, const char *node,
                               struct ordo_draft_job *job, bool *found, struct ordo_err *err)
{
    const char *p[1] = {node};
    PGresult *res = NULL;
    enum ordo_code rc = ordo_pg_exec(
        db, a, "could not take a queued draft",
        "UPDATE draft SET status = 'running', lock_owner = $1, locked_at = now(), updated_at = "
        "now() WHERE key = (SELECT key FROM draft WHERE status = 'queued' ORDER BY key LIMIT 1 FOR "
        "UPDATE SKIP LOCKED) RETURNING key, revision, text, to_json(systems)::text, allow_http, "
        "request->>'kind', request->>'instruction', request->>'xml', ir::text",
        1, p, &res, err);

    *found = rc == ORDO_OK && PQntuples(res) == 1;
    if (*found) {
        rc = read_job(a, res, job, err);
    }
    if (*found && rc == ORDO_OK) {
        const char *lp[1] = {i64_text(a, job->key)};

        /* Session-level: it outlives this transaction, until finish. */
        rc = ordo_pg_run(db, "could not lock the draft",
                         "SELECT pg_advisory_lock(" LOCK_OF("$1") ")", 1, lp, err);
    }
    return rc;
}

static void unlock(PGconn *db, int64_t key)
{
    char k[24];
    const char *p[1] = {k};

    (void)snprintf(k, sizeof k, "%" PRId64, key);
    (void)ordo_pg_run(db, "could not unlock the draft",
                      "SELECT pg_advisory_unlock(" LOCK_OF("$1") ")", 1, p, NULL);
}

enum ordo_code ordo_draft_claim(PGconn *db, struct ordo_arena *arena, const char *node,
                                struct ordo_draft_job *job, bool *found, struct ordo_err *err)
{
    enum ordo_code rc = ordo_pg_begin(db, err);

    *found = false;
    if (rc != ORDO_OK) {
        return rc;
    }
    rc = ordo_pg_end(db, take_one(db, arena, node, job, found, err), err);
    if (rc != ORDO_OK && *found) {
        unlock(db, job->key);
        json_decref(job->ir);
        job->ir = NULL;
        *found = false;
    }
    return rc;
}

enum ordo_code ordo_draft_event(PGconn *db, const struct ordo_draft_job *job, int seq,
                                const char *event, const json_t *data, struct ordo_err *err)
{
    struct ordo_arena *a = ordo_arena_new();
    const char *p[5] = {i64_text(a, job->key), ordo_arena_printf(a, "%d", job->revision),
                        ordo_arena_printf(a, "%d", seq), event,
                        data ? ordo_json_dump(a, data, JSON_COMPACT) : "{}"};
    enum ordo_code rc =
        ordo_pg_run(db, "could not record a draft event",
                    "WITH e AS (INSERT INTO draft_event (draft_key, revision, seq, event, data) "
                    "VALUES ($1::bigint, $2::int, $3::int, $4, $5::jsonb)) SELECT "
                    "pg_notify('" ORDO_STORE_CHANGE_CHANNEL "', '')",
                    5, p, err);

    ordo_arena_free(a);
    return rc;
}

/* A member of 'o' as JSON text, or 'fallback' when it is missing or null. */
static const char *member(struct ordo_arena *a, const json_t *o, const char *name,
                          const char *fallback)
{
    const json_t *v = json_object_get(o, name);

    return v && !json_is_null(v) ? ordo_json_dump(a, v, JSON_COMPACT) : fallback;
}

static const char *member_text(struct ordo_arena *a, const json_t *o, const char *name)
{
    const char *s = json_string_value(json_object_get(o, name));

    return s ? ordo_arena_strdup(a, s) : NULL;
}

/* The status and what the work cost: always written. Returns whether the
 * row was still this node's job. */
static enum ordo_code finish_status(PGconn *db, struct ordo_arena *a,
                                    const struct ordo_draft_job *job, const char *node,
                                    const json_t *o, bool *kept, struct ordo_err *err)
{
    bool usable = json_is_true(json_object_get(o, "usable"));
    json_t *entry = json_pack(
        "[{s:i, s:s, s:s?, s:b, s:O?, s:i, s:O?}]", "revision", job->revision, "kind",
        job->kind == ORDO_DRAFT_KIND_DRAFT    ? "draft"
        : job->kind == ORDO_DRAFT_KIND_REVISE ? "revise"
                                              : "edit",
        "instruction", job->instruction, "usable", usable, "error", json_object_get(o, "error"),
        "rounds", (int)json_integer_value(json_object_get(o, "rounds")), "tokens",
        json_object_get(o, "tokens"));
    const char *p[12] = {
        i64_text(a, job->key),
        ordo_arena_printf(a, "%d", job->revision),
        node,
        usable ? "ready" : "failed",
        member(a, o, "error", NULL),
        member_text(a, o, "provider"),
        member_text(a, o, "model"),
        member(a, o, "transcript", "[]"),
        member(a, o, "tokens", "{\"prompt\":0,\"completion\":0}"),
        member(a, o, "timings", NULL),
        ordo_arena_printf(a, "%d", (int)json_integer_value(json_object_get(o, "rounds"))),
        ordo_json_dump(a, entry, JSON_COMPACT)};
    PGresult *res = NULL;
    enum ordo_code rc = ordo_pg_exec(
        db, a, "could not record the draft's outcome",
        "UPDATE draft SET status = $4, error = $5::jsonb, provider = coalesce($6, provider), "
        "model = coalesce($7, model), transcript = $8::jsonb, tokens = $9::jsonb, timings = "
        "$10::jsonb, rounds = $11::int, history = history || $12::jsonb, request = request - "
        "'xml', lock_owner = NULL, locked_at = NULL, updated_at = now() WHERE key = $1::bigint "
        "AND revision = $2::int AND status = 'running' AND lock_owner = $3 RETURNING 1",
        12, p, &res, err);

    json_decref(entry);
    *kept = rc == ORDO_OK && PQntuples(res) == 1;
    return rc;
}

/* The content: replaced unless the outcome says "keep". */
static enum ordo_code finish_content(PGconn *db, struct ordo_arena *a,
                                     const struct ordo_draft_job *job, const json_t *o,
                                     struct ordo_err *err)
{
    const json_t *revisable = json_object_get(o, "revisable");
    const char *p[13] = {i64_text(a, job->key),
                         json_is_true(json_object_get(o, "usable")) ? "true" : "false",
                         member(a, o, "ir", NULL),
                         member_text(a, o, "xml"),
                         member(a, o, "violations", "[]"),
                         member(a, o, "findings", "[]"),
                         member(a, o, "assumptions", "[]"),
                         member(a, o, "questions", "[]"),
                         member(a, o, "unplaced", "[]"),
                         member(a, o, "uses", NULL),
                         member(a, o, "layout", NULL),
                         revisable ? (json_is_true(revisable) ? "true" : "false") : NULL,
                         member_text(a, o, "revisableReason")};

    if (json_is_true(json_object_get(o, "keep"))) {
        return ORDO_OK;
    }
    return ordo_pg_run(
        db, "could not record the draft's content",
        "UPDATE draft SET usable = $2::boolean, ir = $3::jsonb, xml = $4, violations = $5::jsonb, "
        "findings = $6::jsonb, assumptions = $7::jsonb, questions = $8::jsonb, unplaced = "
        "$9::jsonb, uses = $10::jsonb, layout = $11::jsonb, revisable = coalesce($12::boolean, "
        "revisable), revisable_reason = CASE WHEN coalesce($12::boolean, revisable) THEN NULL "
        "ELSE coalesce($13, revisable_reason) END WHERE key = $1::bigint",
        13, p, err);
}

/* The "done" event of a finished revision: {"usable","status","error"}. */
static enum ordo_code finish_event(PGconn *db, const struct ordo_draft_job *job, int seq,
                                   const json_t *o, struct ordo_err *err)
{
    bool usable = json_is_true(json_object_get(o, "usable"));
    const json_t *error = json_object_get(o, "error");
    json_t *data = json_pack("{s:b, s:s, s:O}", "usable", usable, "status",
                             usable ? "ready" : "failed", "error", error ? error : json_null());
    enum ordo_code rc = ordo_draft_event(db, job, seq, "done", data, err);

    json_decref(data);
    return rc;
}

enum ordo_code ordo_draft_finish(PGconn *db, const struct ordo_draft_job *job, const char *node,
                                 int seq, const json_t *outcome, bool *kept, struct ordo_err *err)
{
    struct ordo_arena *a = ordo_arena_new();
    enum ordo_code rc = ordo_pg_begin(db, err);

    *kept = false;
    if (rc == ORDO_OK) {
        rc = finish_status(db, a, job, node, outcome, kept, err);
        if (rc == ORDO_OK && *kept) {
            rc = finish_content(db, a, job, outcome, err);
        }
        if (rc == ORDO_OK && *kept) {
            rc = finish_event(db, job, seq, outcome, err);
        }
        rc = ordo_pg_end(db, rc, err);
    }
    unlock(db, job->key);
    ordo_arena_free(a);
    return rc;
}

/* One running draft whose lock this session now holds: failed, with its
 * "done" event. */
static enum ordo_code fail_orphan(PGconn *db, struct ordo_arena *a, const char *key, bool *failed,
                                  struct ordo_err *err)
{
    static const char reason[] =
        "{\"code\":\"ORDO_E_INTERNAL\",\"message\":\"the server stopped while drafting; revise "
        "the draft or make a new one\"}";
    const char *p[2] = {key, reason};
    PGresult *res = NULL;
    enum ordo_code rc = ordo_pg_exec(
        db, a, "could not fail an abandoned draft",
        "WITH d AS (UPDATE draft SET status = 'failed', error = $2::jsonb, history = history || "
        "jsonb_build_array(jsonb_build_object('revision', revision, 'kind', request->>'kind', "
        "'instruction', request->>'instruction', 'usable', false, 'error', $2::jsonb, 'rounds', "
        "0, 'tokens', NULL)), request = request - 'xml', lock_owner = NULL, locked_at = NULL, "
        "updated_at = now() WHERE key = $1::bigint "
        "AND status = 'running' RETURNING key, revision), e AS (INSERT INTO draft_event "
        "(draft_key, revision, seq, event, data) SELECT d.key, d.revision, coalesce((SELECT "
        "max(seq) FROM draft_event x WHERE x.draft_key = d.key AND x.revision = d.revision), 0) "
        "+ 1, 'done', jsonb_build_object('usable', false, 'status', 'failed', 'error', "
        "$2::jsonb) FROM d RETURNING 1) SELECT count(*) FROM e",
        2, p, &res, err);

    *failed = rc == ORDO_OK && ordo_pg_int(res, 0, 0) > 0;
    return rc;
}

/* Is this draft's worker gone? Then fail it. The lock taken to find out
 * is given back at once. */
static enum ordo_code reap_one(PGconn *db, struct ordo_arena *a, const char *key, int *failed,
                               struct ordo_err *err)
{
    const char *p[1] = {key};
    PGresult *res = NULL;
    bool one = false;
    enum ordo_code rc =
        ordo_pg_exec(db, a, "could not look at a running draft",
                     "SELECT pg_try_advisory_lock(" LOCK_OF("$1") ")", 1, p, &res, err);

    if (rc != ORDO_OK || strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
        return rc; /* a worker holds it */
    }
    rc = fail_orphan(db, a, key, &one, err);
    *failed += one;
    (void)ordo_pg_run(db, "could not unlock the draft",
                      "SELECT pg_advisory_unlock(" LOCK_OF("$1") ")", 1, p, NULL);
    if (one) {
        (void)ordo_pg_run(db, "could not wake the waiters", "NOTIFY " ORDO_STORE_CHANGE_CHANNEL, 0,
                          NULL, NULL);
    }
    return rc;
}

enum ordo_code ordo_draft_reap(PGconn *db, int *failed, struct ordo_err *err)
{
    struct ordo_arena *a = ordo_arena_new();
    PGresult *res = NULL;
    enum ordo_code rc =
        ordo_pg_exec(db, a, "could not list running drafts",
                     "SELECT key::text FROM draft WHERE status = 'running'", 0, NULL, &res, err);

    *failed = 0;
    for (int i = 0; rc == ORDO_OK && i < PQntuples(res); i++) {
        rc = reap_one(db, a, PQgetvalue(res, i, 0), failed, err);
    }
    ordo_arena_free(a);
    return rc;
}

enum ordo_code ordo_draft_purge(PGconn *db, int64_t retention_ms, int *deleted,
                                struct ordo_err *err)
{
    struct ordo_arena *a = ordo_arena_new();
    const char *p[1] = {i64_text(a, retention_ms)};
    PGresult *res = NULL;
    enum ordo_code rc = ordo_pg_exec(
        db, a, "could not purge old drafts",
        "WITH d AS (DELETE FROM draft WHERE deployed_at IS NULL AND status IN ('ready', 'failed') "
        "AND updated_at < now() - $1::bigint * interval '1 millisecond' RETURNING 1) SELECT "
        "count(*) FROM d",
        1, p, &res, err);

    *deleted = rc == ORDO_OK ? (int)ordo_pg_int(res, 0, 0) : 0;
    ordo_arena_free(a);
    return rc;
}
