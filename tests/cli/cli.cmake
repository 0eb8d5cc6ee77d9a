add_test(NAME test_cli COMMAND ${PROJECT_SOURCE_DIR}/tests/cli/test_cli.sh)
set_tests_properties(test_cli PROPERTIES LABELS "cli" TIMEOUT 300
  ENVIRONMENT "ORDOTEST_BIN=${ORDO_BIN_DIR}/ordo;ORDOTEST_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
add_test(NAME test_cli_generate COMMAND ${PROJECT_SOURCE_DIR}/tests/cli/test_generate.sh)
set_tests_properties(test_cli_generate PROPERTIES LABELS "cli;generator" TIMEOUT 300
  ENVIRONMENT "ORDOTEST_BIN=${ORDO_BIN_DIR}/ordo;ORDOTEST_SOURCE_DIR=${PROJECT_SOURCE_DIR};ORDOTEST_FAKE_LLM_BIN=$<TARGET_FILE:ordo-fake-llm>")
# `ordo bpmn check --for ordo` (issue 9): hand-written Camunda 7 and 8 models, and
# agreement with `ordo run` over the shared corpus (skips, 77, without it).
add_test(NAME test_cli_check COMMAND ${PROJECT_SOURCE_DIR}/tests/cli/test_check.sh)
set_tests_properties(test_cli_check PROPERTIES LABELS "cli;bpmn" TIMEOUT 300
  ENVIRONMENT "ORDOTEST_BIN=${ORDO_BIN_DIR}/ordo")
add_test(NAME test_cli_check_corpus COMMAND ${PROJECT_SOURCE_DIR}/tests/cli/test_check_corpus.sh)
set_tests_properties(test_cli_check_corpus PROPERTIES LABELS "cli;bpmn;corpus" TIMEOUT 900
  SKIP_RETURN_CODE 77 ENVIRONMENT "ORDOTEST_BIN=${ORDO_BIN_DIR}/ordo;ORDOTEST_CORPUS_DIR=${ORDO_CORPUS_DIR}")
# ---- Camunda export (issue 9) ----
# Exports to Camunda 8 and 7 of the examples and the offline drafts behave as the originals
# under `ordo run` with the same stimuli.
add_test(NAME test_cli_export_reimport COMMAND ${PROJECT_SOURCE_DIR}/tests/cli/test_export_reimport.sh)
set_tests_properties(test_cli_export_reimport PROPERTIES LABELS "cli;bpmn" TIMEOUT 900
  ENVIRONMENT "ORDOTEST_BIN=${ORDO_BIN_DIR}/ordo;ORDOTEST_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
# The command's exit codes, report, -o, --forms-dir and --json.
add_test(NAME test_cli_export COMMAND ${PROJECT_SOURCE_DIR}/tests/cli/test_export.sh)
set_tests_properties(test_cli_export PROPERTIES LABELS "cli;bpmn" TIMEOUT 300
  ENVIRONMENT "ORDOTEST_BIN=${ORDO_BIN_DIR}/ordo;ORDOTEST_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
# ---- Docker image and compose file (issue 11, i11-docker) ----
# The Dockerfile's stages, user, health check and RUN steps (scripts CI runs, or housekeeping),
# and docker-compose.yml with the secret commands its header documents; no Docker engine needed.
add_test(NAME test_dockerfile COMMAND ${PROJECT_SOURCE_DIR}/tests/cli/test_dockerfile.sh)
set_tests_properties(test_dockerfile PROPERTIES LABELS "cli;docker" TIMEOUT 120
  ENVIRONMENT "ORDOTEST_BIN=${ORDO_BIN_DIR}/ordo;ORDOTEST_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
