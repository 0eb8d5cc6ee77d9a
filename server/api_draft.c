/*
 * server/api_draft.c - drafts of processes made from requirement text
 * (issue 8, docs/drafts.md); the rows are core/draft.h's, the work the
 * draft workers' (server/draft_worker.h):
 *
 *   POST /api/drafts                    {text, systems?, allowHttp?} -> 202 + Location
 *   GET  /api/drafts                    the caller's drafts (admins and viewers: all)
 *   GET  /api/drafts/{key}              one draft; ?transcript=true adds the LLM transcript
 *   GET  /api/drafts/{key}/events       its progress as server-sent events, replayed then live
 *   POST /api/drafts/{key}/revise       {instruction} or {xml} -> 202
 *   POST /api/drafts/{key}/deploy       deploy its XML as POST /api/deployments does
 *
 * Who sees what: a designer sees only their own drafts (another's is
 * 404, as if it did not exist); admins and viewers see every draft.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/log.h"
#include "bpmn/parse.h"
#include "core/draft.h"
#include "core/identity.h"
#include "core/query.h"
#include "core/store.h"
#include "generator/generate.h"
#include "plugins/registry.h"
#include "server/api.h"

#define MAX_SYSTEMS  32
#define EVENTS_BATCH 100
#define PING_MS      15000

/* 0: every draft; else only this user's. */
static int64_t owner_of(struct ordo_http_req *req)
{
    const struct ordo_principal *who = ordo_http_who(req);

    return ordo_principal_has(who, ORDO_ROLE_VIEWER) ? 0 : who->user_key;
}

/* For changes (revise, deploy): 0 for admins, else only the caller's own
 * drafts. The viewer role widens reading, never writing, so a designer who
 * is also a viewer still changes only their own. */
static int64_t writer_of(struct ordo_http_req *req)
{
    const struct ordo_principal *who = ordo_http_who(req);

    return ordo_principal_has(who, ORDO_ROLE_ADMIN) ? 0 : who->user_key;
}

static char *events_path(struct ordo_http_req *req, int64_t key)
{
    return ordo_arena_printf(ordo_http_arena(req), "/api/drafts/%lld/events", (long long)key);
}

/* 202 for queued work, with where to follow it. */
static void reply_queued(struct ordo_http_req *req, int64_t key, int revision)
{
    ordo_http_reply_header(
        req, "Location",
        ordo_arena_printf(ordo_http_arena(req), "/api/drafts/%lld", (long long)key));
    ordo_http_reply_json(req, 202,
                         json_pack("{s:o, s:s, s:i, s:s}", "key", ordo_api_key_json(key), "status",
                                   "queued", "revision", revision, "events",
                                   events_path(req, key)));
}

/* ---- POST /api/drafts ------------------------------------------------------------------------ */

/* Text in words (a requirement, an instruction): 400 when empty, 413 over
 * the generator's limit. */
static enum ordo_code words(const json_t *body, const char *name, const char **out,
                            struct ordo_err *err)
{
    const json_t *v = json_object_get(body, name);
    const char *s = json_string_value(v);

    if (!v || json_is_null(v) || (s && s[strspn(s, " \t\r\n")] == '\0')) {
        return ordo_err_set(err, ORDO_E_INVAL, "\"%s\" is required and must not be empty", name);
    }
    if (!s) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "\"%s\" must be a string, not %s", name,
                            ordo_json_type_name(v));
    }
    if (json_string_length(v) > (size_t)ORDO_GEN_MAX_TEXT) {
        return ordo_err_set(err, ORDO_E_TOOBIG, "\"%s\" is %zu bytes; at most %d are taken", name,
                            json_string_length(v), ORDO_GEN_MAX_TEXT);
    }
    *out = s;
    return ORDO_OK;
}

/* "systems": connector names that are installed. */
static enum ordo_code systems_of(struct ordo_http_req *req, const json_t *body,
                                 struct ordo_draft_new *d, struct ordo_err *err)
{
    const struct ordo_api *api = ordo_http_app(req);
    const json_t *list = json_object_get(body, "systems"), *v;
    const char **names;
    size_t i;

    if (!list || json_is_null(list)) {
        return ORDO_OK;
    }
    if (!json_is_array(list) || json_array_size(list) > MAX_SYSTEMS) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "\"systems\" must be an array of at most %d connector names",
                            MAX_SYSTEMS);
    }
    names = ordo_arena_calloc(ordo_http_arena(req), json_array_size(list) + 1, sizeof *names);
    json_array_foreach(list, i, v)
    {
        const char *s = json_string_value(v);

        if (!s) {
            return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "systems[%zu] must be a string", i);
        }
        if (!api->registry || !ordo_registry_find(api->registry, s)) {
            return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                                "systems[%zu]: no connector \"%.64s\" is installed (GET "
                                "/api/connectors lists them)",
                                i, s);
        }
        names[i] = s;
    }
    d->systems = names;
    d->nsystems = json_array_size(list);
    return ORDO_OK;
}

/* "allowHttp" (also spelt "allow_http"): a boolean. */
static enum ordo_code allow_http_of(const json_t *body, bool *out, struct ordo_err *err)
{
    const json_t *a = json_object_get(body, "allowHttp"), *b = json_object_get(body, "allow_http");
    const json_t *v = a ? a : b;

    if (a && b) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "give \"allowHttp\" once");
    }
    if (v && !json_is_boolean(v) && !json_is_null(v)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "\"allowHttp\" must be a boolean, not %s",
                            ordo_json_type_name(v));
    }
    *out = json_is_true(v);
    return ORDO_OK;
}

enum ordo_code ordo_api_draft_create(struct ordo_http_req *req, struct ordo_err *err)
{
    static const char *const fields[] = {"text", "systems", "allowHttp", "allow_http", NULL};
    struct ordo_draft_new d = {.user_key = ordo_http_who(req)->user_key,
                               .actor = ordo_api_actor(req)};
    json_t *body = NULL;
    int64_t key = 0;
    PGconn *db = NULL;
    enum ordo_code rc = ordo_http_body_object(req, fields, &body, err);

    rc = rc == ORDO_OK ? words(body, "text", &d.text, err) : rc;
    rc = rc == ORDO_OK ? systems_of(req, body, &d, err) : rc;
    rc = rc == ORDO_OK ? allow_http_of(body, &d.allow_http, err) : rc;
    if (rc == ORDO_OK) {
        db = ordo_api_pg(req, err);
        rc = db ? ordo_draft_create(db, &d, &key, err) : err->code;
    }
    if (rc == ORDO_OK) {
        reply_queued(req, key, 1);
    }
    return rc;
}

/* ---- reading --------------------------------------------------------------------------------- */

enum ordo_code ordo_api_draft_list(struct ordo_http_req *req, struct ordo_err *err)
{
    PGconn *db = ordo_api_pg(req, err);
    json_t *out = NULL;
    enum ordo_code rc = db ? ordo_draft_list(db, owner_of(req), ordo_http_query(req, "status"),
                                             ordo_http_query(req, "limit"),
                                             ordo_http_query(req, "after"), &out, err)
                           : err->code;

    return ordo_api_reply(req, rc, out);
}

enum ordo_code ordo_api_draft_get(struct ordo_http_req *req, struct ordo_err *err)
{
    const char *t = ordo_http_query(req, "transcript");
    json_t *out = NULL;
    int64_t key = 0;
    PGconn *db = NULL;
    enum ordo_code rc = ordo_http_param_key(req, 0, &key, err);

    if (rc == ORDO_OK && t && strcmp(t, "true") != 0 && strcmp(t, "false") != 0) {
        rc = ordo_err_set(err, ORDO_E_UNPROCESSABLE, "transcript must be true or false");
    }
    if (rc == ORDO_OK) {
        db = ordo_api_pg(req, err);
        rc = db ? ordo_draft_get(db, key, owner_of(req), t && strcmp(t, "true") == 0, &out, err)
                : err->code;
    }
    if (rc == ORDO_OK) {
        (void)json_object_set_new(out, "events", json_string(events_path(req, key)));
    }
    return ordo_api_reply(req, rc, out);
}

/* ---- GET /api/drafts/{key}/events ------------------------------------------------------------ */

struct tail {
    struct ordo_api *api;
    int64_t key, owner;
    int revision;
    int seq;                 /* the last event sent */
    bool done;               /* the "done" event is in 'pending' */
    struct ordo_buf pending; /* events not yet written */
    size_t sent;             /* bytes of 'pending' written */
    int64_t last_write_ms;
};

static void tail_free_cb(void *p)
{
    struct tail *t = p;

    ordo_buf_cleanup(&t->pending);
    free(t);
}

static enum ordo_code events_page(struct ordo_api *api, int64_t key, int64_t owner, int revision,
                                  int after, int limit, json_t **out, struct ordo_err *err)
{
    struct ordo_store *st = NULL;
    PGconn *db;
    enum ordo_code rc = ordo_api_borrow(api, &st, err);

    if (rc == ORDO_OK) {
        db = ordo_store_pg(st, err);
        rc = db ? ordo_draft_events(db, key, owner, revision, after, limit, out, err) : err->code;
    }
    ordo_api_return(api, st); /* not held while the stream waits */
    return rc;
}

/* Append the events after t->seq; false when the stream should end (the
 * draft is gone, or the database could not be read: the client
 * reconnects with its Last-Event-ID). */
static bool fetch(struct tail *t)
{
    struct ordo_err err = {0};
    json_t *page = NULL, *e;
    size_t i;

    if (events_page(t->api, t->key, t->owner, t->revision, t->seq, EVENTS_BATCH, &page, &err) !=
        ORDO_OK) {
        ordo_log(ORDO_LOG_INFO, "http", "draft event stream ended", ORDO_INT("draft", t->key),
                 ORDO_STR("reason", err.msg));
        return false;
    }
    json_array_foreach(json_object_get(page, "items"), i, e)
    {
        const char *name = json_string_value(json_object_get(e, "event"));
        char *data = json_dumps(json_object_get(e, "data"), JSON_COMPACT | JSON_ENCODE_ANY);

        t->seq = (int)json_integer_value(json_object_get(e, "seq"));
        ordo_buf_printf(&t->pending, "id: %d.%d\nevent: %s\ndata: %s\n\n", t->revision, t->seq,
                        name ? name : "message", data ? data : "{}");
        free(data);
        t->done = t->done || (name && strcmp(name, "done") == 0);
    }
    json_decref(page);
    return true;
}

static long tail_read(void *ctx, char *buf, size_t max)
{
    struct tail *t = ctx;
    size_t n;

    if (t->sent == t->pending.len) {
        ordo_buf_reset(&t->pending);
        t->sent = 0;
        if (t->done || !fetch(t)) {
            return -1; /* everything up to "done" has been written */
        }
        if (t->pending.len == 0 && ordo_clock_mono_ms() - t->last_write_ms >= PING_MS) {
            ordo_buf_puts(&t->pending, ": ping\n\n");
        }
        if (t->pending.len == 0) {
            return 0; /* wait for a change or the tick */
        }
    }
    n = t->pending.len - t->sent < max ? t->pending.len - t->sent : max;
    memcpy(buf, t->pending.data + t->sent, n);
    t->sent += n;
    t->last_write_ms = ordo_clock_mono_ms();
    return (long)n;
}

/* Whether the client's cursor (revision, seq) is at or past that
 * revision's "done": a reconnecting EventSource sends the id of the last
 * event it saw, and a stream resumed there has nothing left to send, so it
 * ends at once instead of staying open. */
static bool cursor_past_done(struct ordo_api *api, int64_t key, int64_t owner, int revision,
                             int seq)
{
    struct ordo_err err = {0};
    json_t *page = NULL, *e;
    size_t i;
    bool past = false;

    if (revision <= 0 ||
        events_page(api, key, owner, revision, 0, EVENTS_BATCH, &page, &err) != ORDO_OK) {
        return false;
    }
    json_array_foreach(json_object_get(page, "items"), i, e)
    {
        const char *name = json_string_value(json_object_get(e, "event"));

        past = past || (name && strcmp(name, "done") == 0 &&
                        json_integer_value(json_object_get(e, "seq")) <= seq);
    }
    json_decref(page);
    return past;
}

/* "REVISION.SEQ" of an earlier event's id; false when it is not one. */
static bool parse_cursor(const char *s, int *revision, int *seq)
{
    char *end = NULL;
    long r, q;

    if (!s || !*s) {
        return true;
    }
    r = strtol(s, &end, 10);
    if (end == s || *end != '.' || r <= 0 || r > 1000000) {
        return false;
    }
    s = end + 1;
    q = strtol(s, &end, 10);
    if (end == s || *end || q < 0 || q > 1000000) {
        return false;
    }
    *revision = (int)r;
    *seq = (int)q;
    return true;
}

enum ordo_code ordo_api_draft_events(struct ordo_http_req *req, struct ordo_err *err)
{
    const char *cursor = ordo_http_query(req, "cursor");
    struct ordo_api *api = ordo_http_app(req);
    int revision = 0, seq = 0;
    json_t *probe = NULL;
    struct tail *t;
    int64_t key = 0;
    enum ordo_code rc = ordo_http_param_key(req, 0, &key, err);

    if (!cursor) {
        cursor = ordo_http_header(req, "Last-Event-ID");
    }
    /* The draft first (404), then the cursor (400): the answer is a
     * status, not a stream, for what cannot be followed. */
    if (rc == ORDO_OK) {
        rc = events_page(api, key, owner_of(req), 0, 0, 1, &probe, err);
    }
    if (rc == ORDO_OK && !parse_cursor(cursor, &revision, &seq)) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "cursor \"%.32s\" is not REVISION.SEQ", cursor);
    }
    if (rc != ORDO_OK) {
        json_decref(probe);
        return rc;
    }
    t = calloc(1, sizeof *t);
    if (!t) {
        ordo_oom(sizeof *t);
    }
    t->api = api;
    t->key = key;
    t->owner = owner_of(req);
    t->revision = revision ? revision : (int)json_integer_value(json_object_get(probe, "revision"));
    t->seq = seq;
    t->done = cursor_past_done(api, key, t->owner, revision, seq);
    t->last_write_ms = ordo_clock_mono_ms();
    ordo_buf_init(&t->pending);
    json_decref(probe);
    ordo_buf_puts(&t->pending, "retry: 2000\n\n"); /* first bytes: the client knows it is open */
    ordo_http_reply_header(req, "X-Accel-Buffering", "no");
    ordo_http_stream(req, tail_read, t, tail_free_cb);
    return ORDO_OK;
}

/* ---- POST /api/drafts/{key}/revise ----------------------------------------------------------- */

/* {"xml": ...}: well-formed BPMN, or refused now (400, 413). */
static enum ordo_code check_xml(struct ordo_http_req *req, const json_t *v, const char **out,
                                struct ordo_err *err)
{
    const struct ordo_api *api = ordo_http_app(req);
    struct ordo_bpmn_parse_opts popts = {.max_bytes = (size_t)api->cfg->bpmn_max_bytes,
                                         .name = "xml"};
    struct ordo_bpmn_model *model = NULL;
    enum ordo_code rc;

    if (!json_is_string(v)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "\"xml\" must be a string, not %s",
                            ordo_json_type_name(v));
    }
    rc = ordo_bpmn_parse(json_string_value(v), json_string_length(v), &popts, &model, err);
    ordo_bpmn_model_free(model);
    *out = json_string_value(v);
    return rc;
}

enum ordo_code ordo_api_draft_revise(struct ordo_http_req *req, struct ordo_err *err)
{
    static const char *const fields[] = {"instruction", "xml", NULL};
    const struct ordo_api *api = ordo_http_app(req);
    const char *instruction = NULL, *xml = NULL;
    json_t *body = NULL;
    const json_t *x;
    int64_t key = 0;
    int revision = 0;
    PGconn *db = NULL;
    enum ordo_code rc = ordo_http_param_key(req, 0, &key, err);

    rc = rc == ORDO_OK ? ordo_http_body_object(req, fields, &body, err) : rc;
    x = json_object_get(body, "xml");
    if (rc == ORDO_OK && (json_object_get(body, "instruction") != NULL) == (x != NULL)) {
        rc = ordo_err_set(err, ORDO_E_UNPROCESSABLE, "give either \"instruction\" or \"xml\"");
    }
    if (rc == ORDO_OK && x) {
        rc = check_xml(req, x, &xml, err);
    } else if (rc == ORDO_OK) {
        rc = words(body, "instruction", &instruction, err);
        if (rc == ORDO_OK && !api->cfg->llm_provider[0]) {
            rc = ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                              "revising in words needs an LLM (config key llm_provider); the "
                              "offline drafter can only draft anew, or take an edited diagram "
                              "as {\"xml\": ...}");
        }
    }
    if (rc == ORDO_OK) {
        db = ordo_api_pg(req, err);
        rc = db ? ordo_draft_revise(db, key, writer_of(req), instruction, xml, &revision, err)
                : err->code;
    }
    if (rc == ORDO_OK) {
        reply_queued(req, key, revision);
    }
    return rc;
}

/* ---- POST /api/drafts/{key}/deploy ----------------------------------------------------------- */

/* The http.* actions a draft uses; ORDO_E_UNPROCESSABLE naming them
 * unless it opted in. */
static enum ordo_code check_http(const struct ordo_draft_deployable *d, struct ordo_err *err)
{
    const json_t *v;
    size_t i;

    /* Without the list the person could not review what the draft does. */
    if (!json_is_array(json_object_get(d->uses, "actions"))) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "draft %lld has no list of the actions it uses; revise it first",
                            (long long)d->key);
    }
    json_array_foreach(json_object_get(d->uses, "actions"), i, v)
    {
        const char *a = json_string_value(v);

        if (!d->allow_http && a && strncmp(a, "http.", 5) == 0) {
            return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                                "draft %lld uses %s, and http.* actions need the draft's opt-in "
                                "(allowHttp when it was made)",
                                (long long)d->key, a);
        }
    }
    return ORDO_OK;
}

/* Whether 'd' may be deployed now. */
static enum ordo_code check_deployable(const struct ordo_draft_deployable *d, struct ordo_err *err)
{
    if (strcmp(d->status, "queued") == 0 || strcmp(d->status, "running") == 0) {
        return ordo_err_set(err, ORDO_E_CONFLICT,
                            "draft %lld is %s: wait for its \"done\" event before deploying",
                            (long long)d->key, d->status);
    }
    if (!d->usable || !d->xml) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "draft %lld is not usable: see its violations, findings and error",
                            (long long)d->key);
    }
    return check_http(d, err);
}

/* The audit row's payload: what was deployed, from which draft, its hash. */
static json_t *audit_payload(const struct ordo_draft_deployable *d, const char *hash,
                             const json_t *deployed)
{
    json_t *defs = json_array(), *v;
    size_t i;

    json_array_foreach(deployed, i, v)
    {
        (void)json_array_append(defs, json_object_get(v, "key"));
    }
    return json_pack("{s:o, s:i, s:s, s:o, s:O?, s:O?}", "draft", ordo_api_key_json(d->key),
                     "revision", d->revision, "hash", hash, "definitions", defs, "actions",
                     json_object_get(d->uses, "actions"), "credentials",
                     json_object_get(d->uses, "credentials"));
}

static enum ordo_code deploy(struct ordo_http_req *req, struct ordo_store *st,
                             const struct ordo_draft_deployable *d, const char *idem,
                             struct ordo_err *err)
{
    char hash[ORDO_SHA256_HEX_SIZE];
    json_t *deployed = json_array(), *answer;
    struct ordo_draft_deployed mark = {.key = d->key,
                                       .revision = d->revision,
                                       .hash = hash,
                                       .actor = ordo_api_actor(req),
                                       .idempotency_key = idem};
    const char *name =
        ordo_arena_printf(ordo_http_arena(req), "draft-%lld.bpmn", (long long)d->key);
    PGconn *db;
    enum ordo_code rc = ordo_api_deploy_file(req, st, name, d->xml, strlen(d->xml), deployed, err);

    if (rc != ORDO_OK) {
        json_decref(deployed);
        return rc;
    }
    ordo_sha256_hex(d->xml, strlen(d->xml), hash);
    (void)ordo_query_parse_key(
        json_string_value(json_object_get(json_array_get(deployed, 0), "key")), "key",
        &mark.definition_key, NULL);
    answer =
        json_pack("{s:O, s:O?, s:{s:o, s:i, s:s}}", "deployments", deployed, "uses", d->uses,
                  "draft", "key", ordo_api_key_json(d->key), "revision", d->revision, "hash", hash);
    mark.answer = answer;
    db = ordo_store_pg(st, err);
    rc =
        db ? ordo_draft_mark_deployed(db, &mark, audit_payload(d, hash, deployed), err) : err->code;
    json_decref(deployed);
    if (rc == ORDO_OK) {
        ordo_http_reply_json(req, 201, answer);
    } else {
        json_decref(answer);
    }
    return rc;
}

static enum ordo_code deploy_keyed(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                                   struct ordo_err *err)
{
    struct ordo_draft_deployable d = {0};
    const char *idem = NULL;
    PGconn *db = ordo_store_pg(st, err);
    enum ordo_code rc = db ? ordo_api_idempotency_key(req, &idem, err) : err->code;

    if (rc == ORDO_OK) {
        rc = ordo_draft_deployable(db, ordo_http_arena(req), key, writer_of(req), &d, err);
    }
    if (rc == ORDO_OK && idem && d.answer && d.idempotency_key &&
        strcmp(idem, d.idempotency_key) == 0 && d.deployed_by &&
        strcmp(d.deployed_by, ordo_api_actor(req)) == 0) {
        ordo_http_reply_json(req, 200, json_incref(d.answer)); /* the same answer again */
    } else if (rc == ORDO_OK) {
        rc = check_deployable(&d, err);
        rc = rc == ORDO_OK ? deploy(req, st, &d, idem, err) : rc;
    }
    json_decref(d.uses);
    json_decref(d.answer);
    return rc;
}

enum ordo_code ordo_api_draft_deploy(struct ordo_http_req *req, struct ordo_err *err)
{
    return ordo_api_with_key(req, deploy_keyed, err);
}
