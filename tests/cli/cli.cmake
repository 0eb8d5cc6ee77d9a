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
