/*
 * server/api_routes.c - the routing table with its role table (CONTRACTS §6,
 * §7). docs/openapi.yaml describes the same routes with the same roles as
 * x-ordo-roles; tests/oracle/openapi-routes.js diffs the two, and
 * tests/integration/test_http_roles.c calls every route with every role.
 */
#include "core/identity.h"
#include "server/api.h"

#define KIB ((size_t)1024)
#define MIB (KIB * 1024)

#define OPEN  0u
#define ANY   ORDO_ROLE_ALL
#define ADMIN ORDO_ROLE_ADMIN
#define DES   ORDO_ROLE_DESIGNER
#define OPS   ORDO_ROLE_OPERATOR
#define APR   ORDO_ROLE_APPROVER
#define VIEW  ORDO_ROLE_VIEWER
#define METR  ORDO_ROLE_METRICS

/* Who reads what: designers see definitions, operators see and move
 * instances, approvers see tasks, viewers see everything read-only. */
#define READ_DEFS  (DES | OPS | VIEW)
#define READ_INSTS (OPS | VIEW)
#define READ_TASKS (APR | OPS | VIEW)
#define C7_ANY     (DES | OPS | APR | VIEW) /* the Camunda 7 dialect's own facts */

#define SMALL (64 * KIB) /* JSON bodies */
#define NONE  0

/* clang-format off */
const struct ordo_route ordo_api_routes[] = {
    {"GET",  "/livez", ORDO_ROUTE_SYNC, OPEN, NONE, ordo_api_livez, "the process is up"},
    {"GET",  "/readyz", ORDO_ROUTE_SYNC, OPEN, NONE, ordo_api_readyz,
     "the database is reachable and migrated"},
    {"GET",  "/metrics", ORDO_ROUTE_SYNC, METR, NONE, ordo_api_metrics, "Prometheus metrics"},
    {"POST", "/api/auth/login", ORDO_ROUTE_SYNC, OPEN, 4 * KIB, ordo_api_login,
     "log in with a password; sets the session cookie"},
    {"POST", "/api/auth/logout", ORDO_ROUTE_SYNC, ANY, NONE, ordo_api_logout, "end the session"},
    {"GET",  "/api/me", ORDO_ROUTE_SYNC, ANY, NONE, ordo_api_me, "who the caller is"},

    {"POST", "/api/deployments", ORDO_ROUTE_SYNC, DES, 32 * MIB, ordo_api_deploy,
     "deploy one or more BPMN files"},
    {"GET",  "/api/definitions", ORDO_ROUTE_SYNC, READ_DEFS, NONE, ordo_api_definition_list,
     "list definitions"},
    {"GET",  "/api/definitions/{key}", ORDO_ROUTE_SYNC, READ_DEFS, NONE, ordo_api_definition_get,
     "one definition"},
    {"GET",  "/api/definitions/{key}/xml", ORDO_ROUTE_SYNC, READ_DEFS, NONE,
     ordo_api_definition_xml, "the BPMN XML of a definition"},
    {"GET",  "/api/definitions/{key}/findings", ORDO_ROUTE_SYNC, READ_DEFS, NONE,
     ordo_api_definition_findings, "the lint findings stored with a definition"},
    {"GET",  "/api/definitions/{key}/versions", ORDO_ROUTE_SYNC, READ_DEFS, NONE,
     ordo_api_definition_versions, "every version of the definition's process"},
    {"POST", "/api/definitions/{key}/suspend", ORDO_ROUTE_SYNC, DES | OPS, NONE,
     ordo_api_definition_suspend, "stop starting instances of a definition"},
    {"POST", "/api/definitions/{key}/resume", ORDO_ROUTE_SYNC, DES | OPS, NONE,
     ordo_api_definition_resume, "start instances of a definition again"},

    {"POST", "/api/instances", ORDO_ROUTE_SYNC, OPS, SMALL, ordo_api_instance_start,
     "start an instance"},
    {"GET",  "/api/instances", ORDO_ROUTE_SYNC, READ_INSTS, NONE, ordo_api_instance_list,
     "list instances"},
    {"POST", "/api/instances/bulk-cancel", ORDO_ROUTE_SYNC, OPS, SMALL,
     ordo_api_instance_bulk_cancel, "cancel many instances"},
    {"GET",  "/api/instances/{key}", ORDO_ROUTE_SYNC, READ_INSTS, NONE, ordo_api_instance_get,
     "one instance with variables, active elements and history"},
    {"POST", "/api/instances/{key}/cancel", ORDO_ROUTE_SYNC, OPS, NONE, ordo_api_instance_cancel,
     "cancel an instance"},
    {"POST", "/api/instances/{key}/suspend", ORDO_ROUTE_SYNC, OPS, NONE,
     ordo_api_instance_suspend, "pause an instance"},
    {"POST", "/api/instances/{key}/resume", ORDO_ROUTE_SYNC, OPS, NONE, ordo_api_instance_resume,
     "resume a paused instance"},
    {"POST", "/api/instances/{key}/variables", ORDO_ROUTE_SYNC, OPS, SMALL,
     ordo_api_instance_variables, "set process variables"},
    {"GET",  "/api/instances/{key}/wait", ORDO_ROUTE_DEFERRED, READ_INSTS, NONE,
     ordo_api_instance_wait, "wait until an instance is no longer active (long poll)"},
    {"GET",  "/api/instances/{key}/jobs", ORDO_ROUTE_SYNC, READ_INSTS, NONE,
     ordo_api_instance_jobs, "the jobs of an instance"},

    {"GET",  "/api/tasks", ORDO_ROUTE_SYNC, READ_TASKS, NONE, ordo_api_task_list,
     "list user tasks"},
    {"GET",  "/api/tasks/{key}", ORDO_ROUTE_SYNC, READ_TASKS, NONE, ordo_api_task_get,
     "one user task with its form"},
    {"POST", "/api/tasks/{key}/claim", ORDO_ROUTE_SYNC, APR, NONE, ordo_api_task_claim,
     "claim a task"},
    {"POST", "/api/tasks/{key}/unclaim", ORDO_ROUTE_SYNC, APR, NONE, ordo_api_task_unclaim,
     "give a task back"},
    {"POST", "/api/tasks/{key}/complete", ORDO_ROUTE_SYNC, APR, SMALL, ordo_api_task_complete,
     "complete a task with variables its form accepts"},

    {"GET",  "/api/incidents", ORDO_ROUTE_SYNC, READ_INSTS, NONE, ordo_api_incident_list,
     "list incidents"},
    {"POST", "/api/incidents/bulk-retry", ORDO_ROUTE_SYNC, OPS, SMALL,
     ordo_api_incident_bulk_retry, "retry many incidents"},
    {"POST", "/api/incidents/{key}/retry", ORDO_ROUTE_SYNC, OPS, SMALL, ordo_api_incident_retry,
     "retry an incident, optionally with changed variables"},

    {"POST", "/api/messages", ORDO_ROUTE_SYNC, OPS, SMALL, ordo_api_message_publish,
     "publish a message (buffered until its TTL ends)"},
    {"POST", "/api/messages/correlate", ORDO_ROUTE_SYNC, OPS, SMALL, ordo_api_message_correlate,
     "deliver a message now or fail"},

    {"POST", "/api/simulate", ORDO_ROUTE_SYNC, DES | OPS, 32 * MIB, ordo_api_simulate,
     "run a process in memory with scripted answers, as ordo run"},

    {"GET",  "/api/audit", ORDO_ROUTE_SYNC, OPS | VIEW, NONE, ordo_api_audit_list,
     "search the audit log"},
    {"GET",  "/api/events", ORDO_ROUTE_STREAM, OPS | VIEW, NONE, ordo_api_events,
     "the audit log as server-sent events"},
    {"GET",  "/api/audit/verify", ORDO_ROUTE_SYNC, OPS | VIEW, NONE, ordo_api_audit_verify,
     "verify the audit chain"},

    {"GET",  "/api/users", ORDO_ROUTE_SYNC, ADMIN, NONE, ordo_api_user_list, "list users"},
    {"POST", "/api/users", ORDO_ROUTE_SYNC, ADMIN, SMALL, ordo_api_user_create, "create a user"},
    {"GET",  "/api/users/{key}", ORDO_ROUTE_SYNC, ADMIN, NONE, ordo_api_user_get, "one user"},
    {"PATCH", "/api/users/{key}", ORDO_ROUTE_SYNC, ADMIN, SMALL, ordo_api_user_update,
     "disable, enable or set the password of a user"},
    {"POST", "/api/users/{key}/grant", ORDO_ROUTE_SYNC, ADMIN, SMALL, ordo_api_user_grant,
     "grant roles to a user"},
    {"POST", "/api/users/{key}/revoke", ORDO_ROUTE_SYNC, ADMIN, SMALL, ordo_api_user_revoke,
     "take roles from a user"},
    {"GET",  "/api/groups", ORDO_ROUTE_SYNC, ADMIN, NONE, ordo_api_group_list, "list groups"},
    {"POST", "/api/groups", ORDO_ROUTE_SYNC, ADMIN, SMALL, ordo_api_group_create,
     "create a group"},
    {"POST", "/api/groups/{key}/members", ORDO_ROUTE_SYNC, ADMIN, SMALL, ordo_api_group_add,
     "add a member to a group"},
    {"POST", "/api/groups/{key}/members/remove", ORDO_ROUTE_SYNC, ADMIN, SMALL,
     ordo_api_group_remove, "remove a member from a group"},
    {"POST", "/api/groups/{key}/grant", ORDO_ROUTE_SYNC, ADMIN, SMALL, ordo_api_group_grant,
     "grant roles to a group"},
    {"POST", "/api/groups/{key}/revoke", ORDO_ROUTE_SYNC, ADMIN, SMALL, ordo_api_group_revoke,
     "take roles from a group"},
    {"GET",  "/api/keys", ORDO_ROUTE_SYNC, ADMIN, NONE, ordo_api_key_list, "list API keys"},
    {"POST", "/api/keys", ORDO_ROUTE_SYNC, ADMIN, SMALL, ordo_api_key_create,
     "create an API key (the token is shown once)"},
    {"POST", "/api/keys/{key}/revoke", ORDO_ROUTE_SYNC, ADMIN, NONE, ordo_api_key_revoke,
     "revoke an API key"},

    {"GET",  "/api/connectors", ORDO_ROUTE_SYNC, READ_DEFS, NONE, ordo_api_connector_list,
     "the installed connectors and actions (the catalogue), and refused plugins"},
    {"GET",  "/api/connectors/{name}", ORDO_ROUTE_SYNC, READ_DEFS, NONE, ordo_api_connector_get,
     "one installed connector"},
    {"GET",  "/api/element-templates", ORDO_ROUTE_SYNC, READ_DEFS, NONE,
     ordo_api_element_templates, "Camunda 8 element templates of the installed actions"},
    {"GET",  "/api/credentials", ORDO_ROUTE_SYNC, ADMIN | DES, NONE, ordo_api_credential_list,
     "list connector credentials (never their secrets)"},
    {"PUT",  "/api/credentials/{connector}/{name}", ORDO_ROUTE_SYNC, ADMIN, SMALL,
     ordo_api_credential_set, "create or replace a connector credential"},
    {"DELETE", "/api/credentials/{connector}/{name}", ORDO_ROUTE_SYNC, ADMIN, NONE,
     ordo_api_credential_delete, "delete a connector credential"},
    {"POST", "/api/credentials/{connector}/{name}/test", ORDO_ROUTE_SYNC, ADMIN, NONE,
     ordo_api_credential_test, "check that a credential works, with one call to the service"},

    {"POST", "/hooks/{name}", ORDO_ROUTE_SYNC, OPEN, 25 * MIB, ordo_api_hook_receive,
     "an inbound webhook delivery, checked by its signature"},
    {"GET",  "/api/webhooks/endpoints", ORDO_ROUTE_SYNC, ADMIN | OPS | VIEW, NONE,
     ordo_api_webhook_list, "list inbound webhook endpoints (never their secrets)"},
    {"GET",  "/api/webhooks/endpoints/{name}", ORDO_ROUTE_SYNC, ADMIN | OPS | VIEW, NONE,
     ordo_api_webhook_get, "one inbound webhook endpoint (whether a secret is set)"},
    {"PUT",  "/api/webhooks/endpoints/{name}", ORDO_ROUTE_SYNC, ADMIN, SMALL,
     ordo_api_webhook_put, "create or replace an inbound webhook endpoint, or set its secret"},
    {"DELETE", "/api/webhooks/endpoints/{name}", ORDO_ROUTE_SYNC, ADMIN, NONE,
     ordo_api_webhook_delete, "delete an inbound webhook endpoint made through the API"},
    {"GET",  "/api/webhooks/endpoints/{name}/deliveries", ORDO_ROUTE_SYNC, ADMIN | OPS | VIEW,
     NONE, ordo_api_webhook_deliveries, "the recent deliveries of an endpoint (no bodies)"},
    {"POST", "/api/webhooks/subscriptions", ORDO_ROUTE_SYNC, ADMIN, SMALL,
     ordo_api_subscription_create, "subscribe a URL to events (the secret is shown once)"},
    {"GET",  "/api/webhooks/subscriptions", ORDO_ROUTE_SYNC, ADMIN, NONE,
     ordo_api_subscription_list, "list webhook subscriptions (never their secrets)"},
    {"GET",  "/api/webhooks/subscriptions/{key}", ORDO_ROUTE_SYNC, ADMIN, NONE,
     ordo_api_subscription_get, "one webhook subscription"},
    {"PATCH", "/api/webhooks/subscriptions/{key}", ORDO_ROUTE_SYNC, ADMIN, SMALL,
     ordo_api_subscription_update, "change, disable or enable a webhook subscription"},
    {"DELETE", "/api/webhooks/subscriptions/{key}", ORDO_ROUTE_SYNC, ADMIN, NONE,
     ordo_api_subscription_delete, "delete a webhook subscription and its events"},
    {"GET",  "/api/webhooks/subscriptions/{key}/deliveries", ORDO_ROUTE_SYNC, ADMIN, NONE,
     ordo_api_subscription_deliveries, "the events of a subscription with their attempts"},
    {"POST", "/api/webhooks/subscriptions/{key}/replay", ORDO_ROUTE_SYNC, ADMIN, SMALL,
     ordo_api_subscription_replay, "send a subscription's dead letters again"},
    {"POST", "/api/webhooks/outbox/{seq}/replay", ORDO_ROUTE_SYNC, ADMIN, NONE,
     ordo_api_outbox_replay, "send one dead letter again"},

    {"POST", "/api/drafts", ORDO_ROUTE_SYNC, DES, SMALL, ordo_api_draft_create,
     "draft a process from requirement text (the work is queued)"},
    {"GET",  "/api/drafts", ORDO_ROUTE_SYNC, DES | VIEW, NONE, ordo_api_draft_list,
     "list drafts (designers see their own)"},
    {"GET",  "/api/drafts/{key}", ORDO_ROUTE_SYNC, DES | VIEW, NONE, ordo_api_draft_get,
     "one draft: its IR, XML, findings, assumptions and what it uses"},
    {"GET",  "/api/drafts/{key}/events", ORDO_ROUTE_STREAM, DES | VIEW, NONE,
     ordo_api_draft_events, "a draft's progress as server-sent events, until done"},
    {"POST", "/api/drafts/{key}/revise", ORDO_ROUTE_SYNC, DES, 16 * MIB, ordo_api_draft_revise,
     "revise a draft in words or with an edited diagram (the work is queued)"},
    {"POST", "/api/drafts/{key}/deploy", ORDO_ROUTE_SYNC, DES, NONE, ordo_api_draft_deploy,
     "deploy a usable draft"},

    /* ---- Camunda 7 REST dialect: /engine-rest (server/c7_*.c, issue 9) ---- */
    /* Also under /engine-rest/engine/default (server/route.c). Designers deploy and read
     * definitions, operators start and move instances and run external tasks, approvers work
     * user tasks: the native API's roles for the same acts. */
    {"GET",  "/engine-rest/version", ORDO_ROUTE_SYNC, C7_ANY, NONE, ordo_c7_version,
     "Camunda 7: the REST API version this dialect follows"},
    {"GET",  "/engine-rest/engine", ORDO_ROUTE_SYNC, C7_ANY, NONE, ordo_c7_engine,
     "Camunda 7: the engines (one, default)"},
    {"GET",  "/engine-rest/deployment", ORDO_ROUTE_SYNC, READ_DEFS, NONE,
     ordo_c7_deployment_list, "Camunda 7: list deployments (one per definition)"},
    {"POST", "/engine-rest/deployment/create", ORDO_ROUTE_SYNC, DES, 32 * MIB,
     ordo_c7_deployment_create, "Camunda 7: deploy BPMN files (multipart, as Camunda Modeler)"},
    {"GET",  "/engine-rest/process-definition", ORDO_ROUTE_SYNC, READ_DEFS, NONE,
     ordo_c7_definition_list, "Camunda 7: list process definitions"},
    {"GET",  "/engine-rest/process-definition/key/{key}", ORDO_ROUTE_SYNC, READ_DEFS, NONE,
     ordo_c7_definition_get_by_key, "Camunda 7: the newest definition of a process id"},
    {"GET",  "/engine-rest/process-definition/key/{key}/xml", ORDO_ROUTE_SYNC, READ_DEFS, NONE,
     ordo_c7_definition_xml_by_key, "Camunda 7: the BPMN XML of a process id's newest definition"},
    {"POST", "/engine-rest/process-definition/key/{key}/start", ORDO_ROUTE_SYNC, OPS, SMALL,
     ordo_c7_definition_start_by_key, "Camunda 7: start the newest definition of a process id"},
    {"GET",  "/engine-rest/process-definition/{id}", ORDO_ROUTE_SYNC, READ_DEFS, NONE,
     ordo_c7_definition_get, "Camunda 7: one process definition"},
    {"GET",  "/engine-rest/process-definition/{id}/xml", ORDO_ROUTE_SYNC, READ_DEFS, NONE,
     ordo_c7_definition_xml, "Camunda 7: the BPMN XML of a process definition"},
    {"POST", "/engine-rest/process-definition/{id}/start", ORDO_ROUTE_SYNC, OPS, SMALL,
     ordo_c7_definition_start, "Camunda 7: start a process definition"},
    {"GET",  "/engine-rest/process-instance", ORDO_ROUTE_SYNC, READ_INSTS, NONE,
     ordo_c7_instance_list, "Camunda 7: list running process instances"},
    {"GET",  "/engine-rest/process-instance/{id}", ORDO_ROUTE_SYNC, READ_INSTS, NONE,
     ordo_c7_instance_get, "Camunda 7: one process instance"},
    {"DELETE", "/engine-rest/process-instance/{id}", ORDO_ROUTE_SYNC, OPS, NONE,
     ordo_api_instance_cancel, "Camunda 7: cancel a process instance"},
    {"GET",  "/engine-rest/process-instance/{id}/variables", ORDO_ROUTE_SYNC, READ_INSTS, NONE,
     ordo_c7_instance_variables, "Camunda 7: a process instance's variables, typed"},
    {"GET",  "/engine-rest/task", ORDO_ROUTE_SYNC, READ_TASKS, NONE, ordo_c7_task_list,
     "Camunda 7: list open user tasks"},
    {"GET",  "/engine-rest/task/count", ORDO_ROUTE_SYNC, READ_TASKS, NONE, ordo_c7_task_count,
     "Camunda 7: count open user tasks"},
    {"GET",  "/engine-rest/task/{id}", ORDO_ROUTE_SYNC, READ_TASKS, NONE, ordo_c7_task_get,
     "Camunda 7: one user task"},
    {"POST", "/engine-rest/task/{id}/claim", ORDO_ROUTE_SYNC, APR, SMALL, ordo_c7_task_claim,
     "Camunda 7: claim a user task"},
    {"POST", "/engine-rest/task/{id}/unclaim", ORDO_ROUTE_SYNC, APR, SMALL,
     ordo_c7_task_unclaim, "Camunda 7: give a user task back"},
    {"POST", "/engine-rest/task/{id}/complete", ORDO_ROUTE_SYNC, APR, SMALL,
     ordo_c7_task_complete, "Camunda 7: complete a user task with typed variables"},
    {"POST", "/engine-rest/message", ORDO_ROUTE_SYNC, OPS, SMALL, ordo_c7_message,
     "Camunda 7: correlate a message now"},
    {"POST", "/engine-rest/external-task/fetchAndLock", ORDO_ROUTE_DEFERRED, OPS, SMALL,
     ordo_c7_fetch_and_lock, "Camunda 7: lock external tasks of topics (long poll)"},
    {"POST", "/engine-rest/external-task/{id}/complete", ORDO_ROUTE_SYNC, OPS, SMALL,
     ordo_c7_extask_complete, "Camunda 7: complete a locked external task"},
    {"POST", "/engine-rest/external-task/{id}/failure", ORDO_ROUTE_SYNC, OPS, SMALL,
     ordo_c7_extask_failure, "Camunda 7: report an external task's failure and retries left"},
    {"POST", "/engine-rest/external-task/{id}/bpmnError", ORDO_ROUTE_SYNC, OPS, SMALL,
     ordo_c7_extask_bpmn_error, "Camunda 7: throw a BPMN error from an external task"},
    {"POST", "/engine-rest/external-task/{id}/extendLock", ORDO_ROUTE_SYNC, OPS, SMALL,
     ordo_c7_extask_extend_lock, "Camunda 7: extend the lock of an external task"},
    {"POST", "/engine-rest/external-task/{id}/unlock", ORDO_ROUTE_SYNC, OPS, SMALL,
     ordo_c7_extask_unlock, "Camunda 7: release the lock of an external task"},


    /* ---- Camunda 8 REST dialect: /v2 (server/c8_*.c, issue 9) ---- */
};
/* clang-format on */

const size_t ordo_api_nroutes = sizeof ordo_api_routes / sizeof ordo_api_routes[0];
