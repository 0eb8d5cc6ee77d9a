# Engine scenarios through the real `ordo run` (tests/scenarios/*.test).
add_test(NAME test_scenarios COMMAND ${PROJECT_SOURCE_DIR}/tests/scenarios/run.sh)
set_tests_properties(test_scenarios PROPERTIES LABELS "core;scenario" TIMEOUT 300
  ENVIRONMENT "ORDOTEST_BIN=${ORDO_BIN_DIR}/ordo")
