add_test(NAME test_cli COMMAND ${PROJECT_SOURCE_DIR}/tests/cli/test_cli.sh)
set_tests_properties(test_cli PROPERTIES LABELS "cli"
  ENVIRONMENT "ORDOTEST_BIN=${ORDO_BIN_DIR}/ordo;ORDOTEST_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
