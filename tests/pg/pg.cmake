# Integration tests against a real PostgreSQL: one cluster per ctest run
# (the fixture 'pg', tests/pg/cluster.sh), one migrated template database,
# one database per test cloned from it (tests/integration/pgtest.h).
#
# ctest runs pg_cluster_start before and pg_cluster_stop after every test
# that requires the fixture, also when only some of them are selected (-R)
# and also when one fails. The tests run in parallel, each on its own
# database: no RESOURCE_LOCK.
set(ORDO_PG_STATE ${PROJECT_BINARY_DIR}/pgtest.env)

# Migrates the template with ${ORDO_BIN_DIR}/ordo, which 'all' builds.
add_test(NAME pg_cluster_start
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/cluster.sh start ${ORDO_PG_STATE} ${ORDO_BIN_DIR}/ordo)
set_tests_properties(pg_cluster_start PROPERTIES FIXTURES_SETUP pg LABELS "integration;pg"
  TIMEOUT 180)
add_test(NAME pg_cluster_stop COMMAND ${CMAKE_CURRENT_LIST_DIR}/cluster.sh stop ${ORDO_PG_STATE})
set_tests_properties(pg_cluster_stop PROPERTIES FIXTURES_CLEANUP pg LABELS "integration;pg"
  TIMEOUT 120)

# Helpers of the tests: the state file, conninfo strings, databases per test.
find_package(Threads REQUIRED)
add_library(ordo_pgtest STATIC ${CMAKE_CURRENT_LIST_DIR}/../integration/pgtest.c)
target_include_directories(ordo_pgtest PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(ordo_pgtest PUBLIC PkgConfig::LIBPQ PkgConfig::CHECK Threads::Threads)

# ordo_add_pg_test(NAME SOURCES ... [LIBS ...] [LABELS ...] [ENV ...]): a Check test
# (ordo_add_check_test) that gets the cluster from the fixture and the state
# file in ORDOTEST_PG_ENV; it carries the label 'integration' and links
# ordo_pgtest. Started outside ctest, without ORDOTEST_PG_ENV, it exits with
# PGTEST_SKIP (77) and ctest would report it as skipped.
function(ordo_add_pg_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;LABELS;ENV" ${ARGN})
  ordo_add_check_test(${name} SOURCES ${T_SOURCES} LIBS ${T_LIBS} ordo_pgtest
    LABELS integration ${T_LABELS} ENV "ORDOTEST_PG_ENV=${ORDO_PG_STATE}" ${T_ENV})
  set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED pg SKIP_RETURN_CODE 77)
endfunction()

ordo_add_pg_test(test_pgtest SOURCES integration/test_pgtest.c LABELS pg)
# base/pg.c batches whose prepared statements grow the connection's cache mid-batch.
ordo_add_pg_test(test_pg_batch SOURCES integration/test_pg_batch.c LIBS ordo_base LABELS "pg;base")
ordo_add_pg_test(test_store SOURCES integration/test_store.c integration/storetest.c LIBS ordo_core LABELS core)
ordo_add_pg_test(test_nodes SOURCES integration/test_nodes.c integration/storetest.c LIBS ordo_core LABELS core)
# The aborting test plugin (tests/plugins/plugins.cmake) for the crash-loop test.
set_property(TEST test_nodes APPEND PROPERTY ENVIRONMENT "ORDOTEST_PLUGIN_DIR=${ORDO_TEST_PLUGIN_DIR}")
add_dependencies(test_nodes fixture_abort)
ordo_add_pg_test(test_audit SOURCES integration/test_audit.c integration/storetest.c LIBS ordo_core LABELS core)
ordo_add_pg_test(test_identity SOURCES integration/test_identity.c LIBS ordo_core LABELS core)
ordo_add_pg_test(test_credential SOURCES integration/test_credential.c LIBS ordo_core LABELS core)
ordo_add_pg_test(test_query SOURCES integration/test_query.c integration/storetest.c LIBS ordo_core LABELS core)
# Jobs done by external workers (core/extjob.h, issue 9).
ordo_add_pg_test(test_extjob SOURCES integration/test_extjob.c integration/storetest.c LIBS ordo_core LABELS core)

# The HTTP server: `ordo serve` started per test, requests over loopback with libcurl.
add_library(ordo_httptest STATIC ${CMAKE_CURRENT_LIST_DIR}/../integration/httptest.c)
target_link_libraries(ordo_httptest PUBLIC ordo_pgtest PkgConfig::CURL PkgConfig::JANSSON)
# ordo-sandbox started by a test, and its control API (tests/integration/sandboxtest.h).
add_library(ordo_sandboxtest STATIC ${CMAKE_CURRENT_LIST_DIR}/../integration/sandboxtest.c)
target_link_libraries(ordo_sandboxtest PUBLIC ordo_httptest)
ordo_add_pg_test(test_http SOURCES integration/test_http.c LIBS ordo_httptest LABELS server)
ordo_add_pg_test(test_http_api SOURCES integration/test_http_api.c LIBS ordo_httptest LABELS server)
set_tests_properties(test_http test_http_api PROPERTIES TIMEOUT 600)
# The connector catalogue and the credential routes with the build's plugins; secrets never leave.
ordo_add_pg_test(test_http_credentials SOURCES integration/test_http_credentials.c
  LIBS ordo_httptest LABELS server)
set_tests_properties(test_http_credentials PROPERTIES TIMEOUT 600)
# The role table: every route with every role's key and without one; rate limits; sessions.
ordo_add_pg_test(test_http_roles SOURCES integration/test_http_roles.c
  LIBS ordo_httptest ordo_server ordo_core LABELS server)
set_tests_properties(test_http_roles PROPERTIES TIMEOUT 600)
# Every route's refusals (413, 400, 415, 422, 404, 409) and that they change nothing.
ordo_add_pg_test(test_http_errors SOURCES integration/test_http_errors.c
  LIBS ordo_httptest ordo_server ordo_core LABELS server)
set_tests_properties(test_http_errors PROPERTIES TIMEOUT 600)
# The front door's hardening: HTTPS, trusted proxies, connections per address.
ordo_add_pg_test(test_http_door SOURCES integration/test_http_door.c LIBS ordo_httptest LABELS server)
set_tests_properties(test_http_door PROPERTIES TIMEOUT 600)
# The remote commands of the ordo binary against `ordo serve`.
ordo_add_pg_test(test_cli_remote SOURCES integration/test_cli_remote.c LIBS ordo_httptest LABELS server)
set_tests_properties(test_cli_remote PROPERTIES TIMEOUT 600)

# The durable-execution benchmark's smoke form: store_bench and the pgbench replay still run.
add_test(NAME bench_smoke_store
  COMMAND ${PROJECT_SOURCE_DIR}/bench/smoke-store.sh ${ORDO_PG_STATE} $<TARGET_FILE:store_bench>
          ${PROJECT_SOURCE_DIR}/bench/store-replay.sql
          ${PROJECT_SOURCE_DIR}/tests/integration/bpmn/straight.bpmn)
set_tests_properties(bench_smoke_store PROPERTIES FIXTURES_REQUIRED pg LABELS "bench-smoke;integration"
  SKIP_RETURN_CODE 77 TIMEOUT 300)

# The HTTP benchmarks' smoke form (bench/run-http.sh): wrk against mhd_min and `ordo serve`, and
# instances started over HTTP until they complete; skipped (77) when wrk is not installed.
add_test(NAME bench_smoke_http
  COMMAND ${PROJECT_SOURCE_DIR}/bench/smoke-http.sh ${ORDO_PG_STATE} ${ORDO_BIN_DIR}/ordo
          $<TARGET_FILE:mhd_min> ${PROJECT_SOURCE_DIR}/bench/http-start.lua
          ${PROJECT_SOURCE_DIR}/tests/integration/bpmn/straight.bpmn)
set_tests_properties(bench_smoke_http PROPERTIES FIXTURES_REQUIRED pg LABELS "bench-smoke;integration"
  SKIP_RETURN_CODE 77 TIMEOUT 120)
# The inbound webhook load test's smoke form (bench/run-hooks.sh): 300 signed deliveries, 10 %
# repeats, start exactly the 270 distinct instances.
add_test(NAME bench_smoke_hooks
  COMMAND ${PROJECT_SOURCE_DIR}/bench/smoke-hooks.sh ${ORDO_PG_STATE} ${ORDO_BIN_DIR}/ordo
          $<TARGET_FILE:hook_load> ${PROJECT_SOURCE_DIR}/bench/hook-load.bpmn)
set_tests_properties(bench_smoke_hooks PROPERTIES FIXTURES_REQUIRED pg LABELS "bench-smoke;integration"
  SKIP_RETURN_CODE 77 TIMEOUT 180)
ordo_add_pg_test(test_throttle SOURCES integration/test_throttle.c LIBS ordo_plugins LABELS plugins)
# A server whose plugin folder mixes bad test plugins with a good one.
ordo_add_pg_test(test_http_plugins SOURCES integration/test_http_plugins.c LIBS ordo_httptest
  LABELS "server;plugins")
set_property(TEST test_http_plugins APPEND PROPERTY ENVIRONMENT
  "ORDOTEST_PLUGIN_DIR=${ORDO_TEST_PLUGIN_DIR}")
add_dependencies(test_http_plugins fixture_good fixture_wrong_abi fixture_no_symbol
  fixture_bad_schema)
# ordo serve --demo and the onboarding example against the sandbox it starts.
ordo_add_pg_test(test_demo SOURCES integration/test_demo.c LIBS ordo_httptest ordo_base
  LABELS "server;plugins;fakes")
add_dependencies(test_demo ordo-sandbox)

# Every connector action through `ordo serve`, the plugin loader and the real .so files, against
# ordo-sandbox (tests/integration/test_connectors.c): it needs the sandbox and every connector.
get_property(ordo_connectors GLOBAL PROPERTY ORDO_CONNECTORS)
ordo_add_pg_test(test_connectors SOURCES integration/test_connectors.c LIBS ordo_sandboxtest
  LABELS plugins ENV "ORDOTEST_SANDBOX_BIN=$<TARGET_FILE:ordo-sandbox>")
add_dependencies(test_connectors ordo-sandbox)
# Inbound webhooks end to end: ordo:webhook, signed deliveries, the workers, the endpoints API.
ordo_add_pg_test(test_http_webhooks SOURCES integration/test_http_webhooks.c
  LIBS ordo_sandboxtest ordo_webhooks ordo_base LABELS "server;webhooks;fakes"
  ENV "ORDOTEST_SANDBOX_BIN=$<TARGET_FILE:ordo-sandbox>")
set_tests_properties(test_http_webhooks PROPERTIES TIMEOUT 600)
add_dependencies(test_http_webhooks ordo-sandbox)
foreach(name IN LISTS ordo_connectors)
  add_dependencies(test_connectors ordo_connector_${name})
endforeach()
set_tests_properties(test_connectors PROPERTIES TIMEOUT 300)

# Slack approvals (webhooks/approval.c) against `ordo serve`, the Slack plugin and ordo-sandbox.
ordo_add_pg_test(test_approvals SOURCES integration/test_approvals.c
  LIBS ordo_sandboxtest ordo_server ordo_webhooks ordo_plugins ordo_core
  LABELS "webhooks;plugins;fakes" ENV "ORDOTEST_SANDBOX_BIN=$<TARGET_FILE:ordo-sandbox>")
add_dependencies(test_approvals ordo-sandbox ordo_connector_slack)
set_tests_properties(test_approvals PROPERTIES TIMEOUT 300)

# Outbound webhooks end to end: a real server delivers to a receiver in the test (issue 7).
find_package(Threads REQUIRED)
ordo_add_pg_test(test_wh_outbound SOURCES integration/test_wh_outbound.c
  LIBS ordo_httptest ordo_webhooks Threads::Threads PkgConfig::MHD LABELS server webhooks)
set_tests_properties(test_wh_outbound PROPERTIES TIMEOUT 600)

# The draft store (core/draft.h): advisory locks against the reaper, finish, revisions, owners.
ordo_add_pg_test(test_draft SOURCES integration/test_draft.c LIBS ordo_core LABELS core)
# Drafts from requirement text (issue 8): the offline drafter through `ordo serve`, the event
# stream, revisions, deploy with its audit row, roles, crash safety and retention.
ordo_add_pg_test(test_http_drafts SOURCES integration/test_http_drafts.c
  LIBS ordo_httptest ordo_fakellmtest ordo_base LABELS "server;generator;fakes"
  ENV "ORDOTEST_FAKE_LLM_BIN=$<TARGET_FILE:ordo-fake-llm>"
      "ORDOTEST_IR_DIR=${PROJECT_SOURCE_DIR}/tests/fixtures/ir")
add_dependencies(test_http_drafts ordo-fake-llm)
set_tests_properties(test_http_drafts PROPERTIES TIMEOUT 600)
# Camunda's own clients (tests/compat, npm) against a real server, one ctest per script:
# ordo_add_compat_test(NAME SCRIPT LABELS) runs tests/compat/SCRIPT through test_compat.
ordo_add_pg_test(test_compat SOURCES integration/test_compat.c LIBS ordo_httptest LABELS compat)
set_tests_properties(test_compat PROPERTIES DISABLED TRUE) # runs only as the tests below
# ordo_add_node_server_test(NAME FOLDER SCRIPT LABELS ENV): tests/FOLDER/SCRIPT run by
# tests/FOLDER/run.sh against a server that test_compat starts, with ENV (a ;-list) added.
function(ordo_add_node_server_test name folder script labels env)
  add_test(NAME ${name} COMMAND test_compat)
  set_tests_properties(${name} PROPERTIES LABELS "integration;${labels}" TIMEOUT 600
    FIXTURES_REQUIRED pg SKIP_RETURN_CODE 77
    ENVIRONMENT "${ORDO_CK_FORK};ORDOTEST_PG_ENV=${ORDO_PG_STATE};ORDOTEST_SOURCE_DIR=${PROJECT_SOURCE_DIR};ORDOTEST_BIN=${ORDO_BIN_DIR}/ordo;ORDOTEST_BPMN_DIR=${PROJECT_SOURCE_DIR}/tests/integration/bpmn;ORDOTEST_COMPAT_RUNNER=${PROJECT_SOURCE_DIR}/tests/${folder}/run.sh;ORDOTEST_COMPAT_SCRIPT=${script};ORDOTEST_COMPAT_NAME=${name};${env}")
endfunction()
function(ordo_add_compat_test name script)
  ordo_add_node_server_test(${name} compat ${script} "compat;${ARGN}" "ORDOTEST_SERVE_DEMO=0")
endfunction()
# A smoke script: the server answers the Camunda 7 and 8 connection checks of Camunda Modeler.
ordo_add_compat_test(compat_smoke smoke.js server)
# ---- Camunda 7 REST dialect (issue 9) ----
# /engine-rest over real HTTP: every route, typed variables, errors, auth, tenants, external tasks.
ordo_add_pg_test(test_http_c7 SOURCES integration/test_http_c7.c LIBS ordo_httptest LABELS server)
set_tests_properties(test_http_c7 PROPERTIES TIMEOUT 600)
# Issue 9 must-shows 2 and 3: Camunda Modeler's calls replayed exactly, and a worker written
# with the unmodified camunda-external-task-client-js.
ordo_add_compat_test(compat_modeler_c7 modeler-c7.js server)
ordo_add_compat_test(compat_external_task_worker external-task-worker.js server)
# ---- Camunda 8 REST dialect (issue 9) ----
# The /v2 routes over real HTTP: problem+json, keys as strings, job long polls, retries, errors,
# messages and user tasks.
ordo_add_pg_test(test_http_c8 SOURCES integration/test_http_c8.c LIBS ordo_httptest LABELS server)
set_tests_properties(test_http_c8 PROPERTIES TIMEOUT 600)
# Must-show 4 of issue 9: the unmodified @camunda8/sdk in REST mode deploys, starts and works jobs.
ordo_add_compat_test(compat_c8_sdk sdk-rest.js camunda8)
# ---- Camunda export (issue 9) ----
# GET /api/definitions/{key}/export: XML and JSON answers, forms, refusals, roles.
ordo_add_pg_test(test_http_export SOURCES integration/test_http_export.c
  LIBS ordo_httptest LABELS "server;bpmn")
set_tests_properties(test_http_export PROPERTIES TIMEOUT 600)
# ---- The admin web UI (issue 10) ----
# Browser tests (tests/ui: playwright-core driving Debian's chromium, axe-core) against a real
# `ordo serve --demo` serving the UI built by scripts/build-ui.sh into share/ordo/ui of the build
# tree; screenshots go to test-artifacts/ui/NAME in the build folder. Run by test_compat.
function(ordo_add_ui_test name script)
  ordo_add_node_server_test(${name} ui ${script} "ui;${ARGN}"
    "ORDOTEST_SERVE_DEMO=1;ORDOTEST_UI_DIR=${ORDO_UI_BUILD_DIR};ORDOTEST_ARTIFACTS=${CMAKE_BINARY_DIR}/test-artifacts/ui/${name}")
endfunction()
ordo_add_ui_test(ui_smoke smoke.js)
# The UI's files over HTTP: content types, the CSP, names that try to leave ui_dir (server/api_ui.c).
ordo_add_pg_test(test_http_ui SOURCES integration/test_http_ui.c LIBS ordo_httptest LABELS server)
# The Instances, Incidents and Tasks screens: list, filter, detail with diagram markers, cancel,
# incident retry with changed variables, group-only task lists, claim, form, approve and reject.
ordo_add_ui_test(ui_run run-screens.js)
# The Generate and Processes screens (issue 10): draft, simulate, deploy, start, export,
# suspend/resume, and a viewer refused deploy and start.
ordo_add_ui_test(ui_define define.js)
# The Audit, Connectors, Webhooks and Access screens: audit search and chain verification,
# credentials set/tested/deleted without the secret showing, webhook endpoints and subscriptions
# with their deliveries, users, groups, roles and API keys, and an operator's narrower view.
ordo_add_ui_test(ui_admin admin.js)
# Issue 10's must-show 1, end to end: generate the onboarding process, simulate, deploy, start;
# the manager approves with the keyboard; the completed path; the audit chain verifies.
ordo_add_ui_test(ui_onboarding onboarding.js)
# ---- Backups and restore (issue 11, scripts/backup.sh and scripts/restore.sh) ----
# Data put in by `ordo serve`, backed up, restored into an empty database: same rows, the audit
# chain verifies, no key in the dump, and the refusals change nothing.
add_test(NAME test_cli_backup COMMAND ${PROJECT_SOURCE_DIR}/tests/cli/test_backup.sh)
set_tests_properties(test_cli_backup PROPERTIES FIXTURES_REQUIRED pg LABELS "cli;integration;pg"
  TIMEOUT 300 SKIP_RETURN_CODE 77
  ENVIRONMENT "ORDOTEST_BIN=${ORDO_BIN_DIR}/ordo;ORDOTEST_SOURCE_DIR=${PROJECT_SOURCE_DIR};ORDOTEST_PG_ENV=${ORDO_PG_STATE}")
# ---- the cmake --install layout (issue 11, i11-docker) ----
# Installs this build tree into a scratch prefix and runs the installed server on the cluster as
# docker-compose.yml configures it, with the Dockerfile's HEALTHCHECK command.
add_test(NAME test_install COMMAND ${PROJECT_SOURCE_DIR}/tests/cli/test_install.sh)
set_tests_properties(test_install PROPERTIES FIXTURES_REQUIRED pg LABELS "cli;docker;integration"
  TIMEOUT 180 ENVIRONMENT "ORDOTEST_BUILD_DIR=${PROJECT_BINARY_DIR};ORDOTEST_SOURCE_DIR=${PROJECT_SOURCE_DIR};ORDOTEST_PG_ENV=${ORDO_PG_STATE}")
# `ordo secrets rotate` (issue 11): credentials and webhook secrets sealed again with a new master
# key; refused without the old one; the server with the new key alone opens them.
add_test(NAME test_cli_secrets_rotate COMMAND ${PROJECT_SOURCE_DIR}/tests/cli/test_secrets_rotate.sh)
set_tests_properties(test_cli_secrets_rotate PROPERTIES FIXTURES_REQUIRED pg LABELS "cli;integration;pg"
  TIMEOUT 300 SKIP_RETURN_CODE 77
  ENVIRONMENT "ORDOTEST_BIN=${ORDO_BIN_DIR}/ordo;ORDOTEST_SOURCE_DIR=${PROJECT_SOURCE_DIR};ORDOTEST_PG_ENV=${ORDO_PG_STATE}")
# ---- Chaos (issue 11, i11-chaos: tests/chaos/) ----
# One short round of each: `ordo serve` killed with SIGKILL 4 times at random moments and once at
# each crash point under load; PostgreSQL restarted 3 times (fast, immediate) under load on a
# cluster of the script's own. Nothing lost or done twice, every webhook event delivered, the
# audit verifies, /readyz within 30 s. The full campaign: tests/chaos/README.md.
add_test(NAME chaos_kill COMMAND ${PROJECT_SOURCE_DIR}/tests/chaos/kill.sh --rounds 4)
set_tests_properties(chaos_kill PROPERTIES FIXTURES_REQUIRED pg LABELS "chaos;integration;pg"
  TIMEOUT 180 SKIP_RETURN_CODE 77
  ENVIRONMENT "ORDOTEST_BIN=${ORDO_BIN_DIR}/ordo;ORDOTEST_PG_ENV=${ORDO_PG_STATE}")
add_test(NAME chaos_pg_restart COMMAND ${PROJECT_SOURCE_DIR}/tests/chaos/pg-restart.sh --restarts 3)
set_tests_properties(chaos_pg_restart PROPERTIES LABELS "chaos;integration;pg"
  TIMEOUT 180 SKIP_RETURN_CODE 77 ENVIRONMENT "ORDOTEST_BIN=${ORDO_BIN_DIR}/ordo")
# ---- Chaos (d) (issue 11, i11-enospc: tests/chaos/enospc.sh, tests/chaos/connlimit.sh) ----
# PostgreSQL's data directory on a size-capped tmpfs (else an LD_PRELOAD shim) filled twice
# under load; then PostgreSQL's connection slots taken by another client once, and Ordo's HTTP
# connection limit flooded with idle and unfinished requests. Ordo answers 5xx with a §4 body,
# acknowledges nothing it did not store, serves again within 30 s; then the end checks of
# chaos_kill. Each runs a cluster of its own.
add_test(NAME chaos_enospc COMMAND ${PROJECT_SOURCE_DIR}/tests/chaos/enospc.sh --rounds 2)
set_tests_properties(chaos_enospc PROPERTIES LABELS "chaos;integration;pg"
  TIMEOUT 180 SKIP_RETURN_CODE 77 ENVIRONMENT "ORDOTEST_BIN=${ORDO_BIN_DIR}/ordo")
add_test(NAME chaos_connlimit COMMAND ${PROJECT_SOURCE_DIR}/tests/chaos/connlimit.sh --rounds 1 --seconds 3 --http-timeout 5)
set_tests_properties(chaos_connlimit PROPERTIES LABELS "chaos;integration;pg"
  TIMEOUT 180 SKIP_RETURN_CODE 77 ENVIRONMENT "ORDOTEST_BIN=${ORDO_BIN_DIR}/ordo")
# ---- Chaos (issue 11, i11-proxy: tests/chaos/proxy.sh) ----
# One short round of the TCP fault proxy between the jira and slack connectors and ordo-sandbox:
# 20 s of seeded latency, resets, truncated answers and 5xx/429 storms, every fault at least
# once, then 2 s without; lib.sh's end checks plus each instance's issue and message in the
# sandbox, no incident, recovery within 30 s. The full campaign: tests/chaos/README.md.
add_test(NAME chaos_proxy COMMAND ${PROJECT_SOURCE_DIR}/tests/chaos/proxy.sh --seconds 20 --quiet 2)
set_tests_properties(chaos_proxy PROPERTIES FIXTURES_REQUIRED pg LABELS "chaos;integration;pg"
  TIMEOUT 180 SKIP_RETURN_CODE 77
  ENVIRONMENT "ORDOTEST_BIN=${ORDO_BIN_DIR}/ordo;ORDOTEST_PG_ENV=${ORDO_PG_STATE}")
# ---- Soak (issue 11, i11-soak: bench/soak.sh) ----
# The soak's CI form: 30 s of the onboarding process at 2 new hires/s (BambooHR webhooks through
# ordo-sandbox, its four connectors, the user task approved over the API, outbound webhooks to a
# receiver): every delivery accepted and started one instance, all completed, no incident, every
# outbound event delivered, fds flat, a clean stop on SIGTERM with no LeakSanitizer report. Under
# ASan RSS means nothing (quarantine), so the RSS criterion is checked by the 10-minute release
# run only (docs/soak.md).
add_test(NAME soak_smoke COMMAND ${PROJECT_SOURCE_DIR}/bench/soak.sh --minutes 0.5
  --warmup-seconds 10 --rate 2 --interval 2)
set_tests_properties(soak_smoke PROPERTIES FIXTURES_REQUIRED pg LABELS "soak;integration;pg"
  TIMEOUT 120 SKIP_RETURN_CODE 77
  ENVIRONMENT "ORDOTEST_BIN=${ORDO_BIN_DIR}/ordo;ORDOTEST_PG_ENV=${ORDO_PG_STATE}")
