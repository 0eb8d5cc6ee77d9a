add_test(NAME test_cli COMMAND ${PROJECT_SOURCE_DIR}/tests/cli/test_cli.sh)
set_tests_properties(test_cli PROPERTIES LABELS "cli" TIMEOUT 300
  ENVIRONMENT "ORDOTEST_BIN=${ORDO_BIN_DIR}/ordo;ORDOTEST_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
add_test(NAME test_cli_generate COMMAND ${PROJECT_SOURCE_DIR}/tests/cli/test_generate.sh)
set_tests_properties(test_cli_generate PROPERTIES LABELS "cli;generator" TIMEOUT 300
  ENVIRONMENT "ORDOTEST_BIN=${ORDO_BIN_DIR}/ordo;ORDOTEST_SOURCE_DIR=${PROJECT_SOURCE_DIR};ORDOTEST_FAKE_LLM_BIN=$<TARGET_FILE:ordo-fake-llm>")
