/*
 * server/api.h - the REST API: what its handlers share, and the routing
 * table (server/api_routes.c) that docs/openapi.yaml describes.
 *
 * Handlers borrow a database connection (a struct ordo_store) from the
 * pool for the length of the request, so a request costs no connect; the
 * pool grows up to one connection per HTTP thread.
 */
#ifndef ORDO_SERVER_API_H
#define ORDO_SERVER_API_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "base/config.h"
#include "base/err.h"
#include "server/http.h"
#include "server/route.h"

struct ordo_store;
struct ordo_registry;
struct ordo_plugin_host;
struct ordo_vault;
struct ordo_defcache;
struct ordo_identity_cache;
struct ordo_ratelimit;
struct ordo_principal;
struct ordo_executor;

struct ordo_api {
    const struct ordo_config *cfg;
    const char *conninfo;
    const char *node; /* this node's name in job locks and the audit */
    struct ordo_defcache *cache;
    struct ordo_identity_cache *identities;
    struct ordo_ratelimit *limits;        /* requests per principal */
    struct ordo_ratelimit *logins;        /* failed logins per address and per login */
    struct ordo_http *http;               /* set once the server runs, for /metrics */
    const struct ordo_executor *executor; /* this node's, for /metrics (may be NULL) */
    const struct ordo_registry *registry; /* the installed connectors */
    struct ordo_plugin_host *plugins;     /* runs credential tests */
    const struct ordo_vault *vault;       /* seals credentials */
    const char *ui_dir;                   /* the built web UI; NULL: none */
    bool audit_key_public; /* audit verify: pinned key, or whatever the seals carry */
    /* the pool */
    pthread_mutex_t lock;
    struct ordo_store **idle;
    size_t nidle;
    size_t cap;
};

/* The routing table; ordo_api_nroutes entries. */
extern const struct ordo_route ordo_api_routes[];
extern const size_t ordo_api_nroutes;

enum ordo_code ordo_api_init(struct ordo_api *api, const struct ordo_config *cfg,
                             const char *conninfo, const char *node, struct ordo_err *err);
void ordo_api_cleanup(struct ordo_api *api);

/* The hooks of struct ordo_http_options. */
ordo_http_auth_fn ordo_api_authenticate;
ordo_http_allow_fn ordo_api_allow;
/* Before a body is read (http.h): a webhook's endpoint and its body limit. */
ordo_http_preflight_fn ordo_api_preflight;
ordo_http_limit_fn ordo_api_limit;

/* A connection for this request, returned to the pool when the request's
 * arena goes. */
enum ordo_code ordo_api_store(struct ordo_http_req *req, struct ordo_store **out,
                              struct ordo_err *err);

/* The PostgreSQL connection of ordo_api_store()'s store, or NULL with
 * 'err' set. */
PGconn *ordo_api_pg(struct ordo_http_req *req, struct ordo_err *err);

/* The pool itself, for requests that wait (long polls, streams) and must
 * not hold a connection while they do. */
enum ordo_code ordo_api_borrow(struct ordo_api *api, struct ordo_store **out, struct ordo_err *err);
void ordo_api_return(struct ordo_api *api, struct ordo_store *st); /* NULL is a no-op */

/* "user:alice": who did it, for the audit. */
const char *ordo_api_actor(struct ordo_http_req *req);

/* The Idempotency-Key header of a creating POST (CONTRACTS §6): '*out' is
 * NULL without one; ORDO_E_UNPROCESSABLE unless it is 1 to
 * ORDO_API_IDEMPOTENCY_KEY_MAX visible ASCII characters. */
#define ORDO_API_IDEMPOTENCY_KEY_MAX 255
enum ordo_code ordo_api_idempotency_key(struct ordo_http_req *req, const char **out,
                                        struct ordo_err *err);

/* An external worker's job type (a Camunda 7 topic, a Camunda 8 job
 * type): ORDO_E_UNPROCESSABLE when an installed action runs it, since the
 * executor takes those jobs and a worker would wait for ever (CONTRACTS §1
 * routing). */
enum ordo_code ordo_api_external_type(struct ordo_http_req *req, const char *type,
                                      struct ordo_err *err);

/* ---- small helpers the handlers share -------------------------------------------------------- */

/* An int64 key as JSON (a decimal string, CONTRACTS §1). */
json_t *ordo_api_key_json(int64_t key);

/* The shape of every /api/<things>/{key}... handler: the key (404 when it
 * is not one), a connection, then 'fn'. */
typedef enum ordo_code ordo_api_key_fn(struct ordo_http_req *req, struct ordo_store *st,
                                       int64_t key, struct ordo_err *err);
enum ordo_code ordo_api_with_key(struct ordo_http_req *req, ordo_api_key_fn *fn,
                                 struct ordo_err *err);

/* Reply 200 with 'out' when 'rc' is ORDO_OK; returns 'rc'. */
enum ordo_code ordo_api_reply(struct ordo_http_req *req, enum ordo_code rc, json_t *out);

/* Read an optional "variables" member: an object, or ORDO_E_UNPROCESSABLE. */
enum ordo_code ordo_api_variables(const json_t *body, const json_t **vars, struct ordo_err *err);

/* A body {"keys":[...]} of bulk operations, keys as strings or numbers. */
enum ordo_code ordo_api_keys(struct ordo_http_req *req, int64_t **keys, size_t *n,
                             struct ordo_err *err);

/* The files of one deployment request, at most ORDO_API_MAX_FILES. */
#define ORDO_API_MAX_FILES 32
struct ordo_api_file {
    const char *name;
    const char *xml;
    size_t len;
};

/* Deploy 'files' (every deployment route: native, Camunda 7 and 8): with
 * more than one, each is parsed and compiled first, so a file that cannot
 * run refuses the request before any is stored (answered as
 * ordo_api_deploy_file says); then each is deployed, appending to
 * 'deployed'. */
enum ordo_code ordo_api_deploy_files(struct ordo_http_req *req, const struct ordo_api_file *files,
                                     size_t n, json_t *deployed, struct ordo_err *err);

/* Deploy one BPMN file as POST /api/deployments does (server/api_deploy.c),
 * appending what was deployed to the array 'out'; a model refused for its
 * content has been answered (422 with its findings) when this returns
 * ORDO_E_UNPROCESSABLE. Drafts deploy through it (server/api_draft.c). */
enum ordo_code ordo_api_deploy_file(struct ordo_http_req *req, struct ordo_store *st,
                                    const char *name, const char *xml, size_t len, json_t *out,
                                    struct ordo_err *err);

/* Handlers, by file. */
ordo_route_fn ordo_api_livez, ordo_api_readyz, ordo_api_metrics;
ordo_route_fn ordo_api_ui_root, ordo_api_ui_file; /* api_ui.c: the web UI's files */
ordo_route_fn ordo_api_login, ordo_api_logout, ordo_api_me;
ordo_route_fn ordo_api_deploy, ordo_api_definition_list, ordo_api_definition_get,
    ordo_api_definition_xml, ordo_api_definition_findings, ordo_api_definition_versions,
    ordo_api_definition_suspend, ordo_api_definition_resume;
ordo_route_fn ordo_api_definition_export; /* GET /api/definitions/{key}/export (issue 9) */
ordo_route_fn ordo_api_instance_start, ordo_api_instance_list, ordo_api_instance_get,
    ordo_api_instance_cancel, ordo_api_instance_suspend, ordo_api_instance_resume,
    ordo_api_instance_variables, ordo_api_instance_bulk_cancel, ordo_api_instance_jobs;
ordo_route_fn ordo_api_task_list, ordo_api_task_get, ordo_api_task_claim, ordo_api_task_unclaim,
    ordo_api_task_complete;
ordo_route_fn ordo_api_incident_list, ordo_api_incident_retry, ordo_api_incident_bulk_retry;
ordo_route_fn ordo_api_message_publish, ordo_api_message_correlate;
ordo_route_fn ordo_api_simulate;
ordo_route_fn ordo_api_instance_wait, ordo_api_events;
ordo_route_fn ordo_api_audit_list, ordo_api_audit_verify;
ordo_route_fn ordo_api_user_list, ordo_api_user_create, ordo_api_user_get, ordo_api_user_update,
    ordo_api_user_grant, ordo_api_user_revoke;
ordo_route_fn ordo_api_group_list, ordo_api_group_create, ordo_api_group_add, ordo_api_group_remove,
    ordo_api_group_grant, ordo_api_group_revoke;
ordo_route_fn ordo_api_key_list, ordo_api_key_create, ordo_api_key_revoke;
ordo_route_fn ordo_api_connector_list, ordo_api_connector_get, ordo_api_element_templates,
    ordo_api_credential_list, ordo_api_credential_set, ordo_api_credential_delete,
    ordo_api_credential_test;
ordo_route_fn ordo_api_hook_receive, ordo_api_hook_preflight, ordo_api_webhook_list,
    ordo_api_webhook_get, ordo_api_webhook_put, ordo_api_webhook_delete,
    ordo_api_webhook_deliveries;
ordo_route_fn ordo_api_subscription_create, ordo_api_subscription_list, ordo_api_subscription_get,
    ordo_api_subscription_update, ordo_api_subscription_delete, ordo_api_subscription_deliveries,
    ordo_api_subscription_replay, ordo_api_outbox_replay;
ordo_route_fn ordo_api_draft_create, ordo_api_draft_list, ordo_api_draft_get, ordo_api_draft_events,
    ordo_api_draft_revise, ordo_api_draft_deploy;

/* ---- Camunda 7 REST dialect (server/c7_*.c) ---- */

ordo_route_fn ordo_c7_version, ordo_c7_engine, ordo_c7_deployment_list, ordo_c7_deployment_create,
    ordo_c7_definition_list, ordo_c7_definition_get, ordo_c7_definition_get_by_key,
    ordo_c7_definition_xml, ordo_c7_definition_xml_by_key, ordo_c7_definition_start,
    ordo_c7_definition_start_by_key;
ordo_route_fn ordo_c7_instance_list, ordo_c7_instance_get, ordo_c7_instance_variables,
    ordo_c7_task_list, ordo_c7_task_count, ordo_c7_task_get, ordo_c7_task_claim,
    ordo_c7_task_unclaim, ordo_c7_task_complete, ordo_c7_message;
ordo_route_fn ordo_c7_fetch_and_lock, ordo_c7_extask_complete, ordo_c7_extask_failure,
    ordo_c7_extask_bpmn_error, ordo_c7_extask_extend_lock, ordo_c7_extask_unlock;

/* The task functions of server/api_task.c the dialect uses (ordo_api_task_search, _finish,
 * _assign) are declared in the Camunda 8 section below. */

/* ---- Camunda 8 REST dialect (server/c8_*.c) ---- */

/* Task 'key' if the caller may see it (else ORDO_E_NOTFOUND, so that
 * tasks of others do not show through; '*task' is then NULL), and whether
 * they may act on it (CONTRACTS §7). The caller releases '*task'. */
enum ordo_code ordo_api_task_load(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                                  json_t **task, bool *may_act, struct ordo_err *err);

/* The user tasks of 'q' the caller may see, as GET /api/tasks lists them
 * (server/api_task.c): approvers see the tasks they may act on, operators
 * and viewers all of them (and only their own with 'mine'). */
struct ordo_task_query;
enum ordo_code ordo_api_task_search(struct ordo_http_req *req, struct ordo_task_query *q, bool mine,
                                    json_t **out, struct ordo_err *err);

/* Complete task 'key' with 'variables' (an object or NULL) as
 * POST /api/tasks/{key}/complete does: the CONTRACTS §7 rule (403), the
 * task's ordo:form (422 with the fields, already answered), then once. */
enum ordo_code ordo_api_task_finish(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                                    const json_t *variables, struct ordo_err *err);

/* Assign task 'key' to 'login' (CONTRACTS §7 rule for the caller); a task
 * held by someone else is ORDO_E_CONFLICT unless 'force' and the caller is
 * an admin. */
enum ordo_code ordo_api_task_assign(struct ordo_http_req *req, struct ordo_store *st, int64_t key,
                                    const char *login, bool force, struct ordo_err *err);

ordo_route_fn ordo_c8_topology, ordo_c8_deploy, ordo_c8_instance_create, ordo_c8_instance_cancel,
    ordo_c8_job_activate, ordo_c8_job_complete, ordo_c8_job_fail, ordo_c8_job_error,
    ordo_c8_message_publish, ordo_c8_message_correlate, ordo_c8_task_search, ordo_c8_task_complete,
    ordo_c8_task_assign;

#endif
