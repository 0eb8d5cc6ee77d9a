ordo_add_check_test(test_err SOURCES unit/test_err.c LIBS ordo_base LABELS "unit;base")
ordo_add_check_test(test_arena SOURCES unit/test_arena.c LIBS ordo_base LABELS "unit;base")
ordo_add_check_test(test_buf SOURCES unit/test_buf.c LIBS ordo_base LABELS "unit;base")
ordo_add_check_test(test_log SOURCES unit/test_log.c LIBS ordo_base LABELS "unit;base")
ordo_add_check_test(test_json SOURCES unit/test_json.c LIBS ordo_base LABELS "unit;base")
ordo_add_check_test(test_config SOURCES unit/test_config.c LIBS ordo_base LABELS "unit;base")
ordo_add_check_test(test_file SOURCES unit/test_file.c LIBS ordo_base LABELS "unit;base")
ordo_add_check_test(test_text SOURCES unit/test_text.c LIBS ordo_base LABELS "unit;base")
ordo_add_check_test(test_strmap SOURCES unit/test_strmap.c LIBS ordo_base LABELS "unit;base")
ordo_add_check_test(test_decimal SOURCES unit/test_decimal.c LIBS ordo_base LABELS "unit;base")
ordo_add_check_test(test_calendar SOURCES unit/test_calendar.c LIBS ordo_base LABELS "unit;base")
ordo_add_check_test(test_schema SOURCES unit/test_schema.c LIBS ordo_base LABELS "unit;base")
ordo_add_check_test(test_vault SOURCES unit/test_vault.c LIBS ordo_base LABELS "unit;base")
# Helpers shared by the time tests.
add_library(ordo_testtime STATIC unit/utc_ms.c)
target_link_libraries(ordo_testtime PUBLIC ordo_base)
ordo_add_check_test(test_tz SOURCES unit/test_tz.c LIBS ordo_testtime LABELS "unit;base")
set_tests_properties(test_tz PROPERTIES SKIP_RETURN_CODE 77)
# Runs initdb and the server from /usr/lib/postgresql/*/bin; as root (CI), as user postgres.
ordo_add_check_test(test_pgembed SOURCES unit/test_pgembed.c LIBS ordo_base
  LABELS "integration;base")
# tests/tools/schema_check: values against schemas from JSON Lines, for the schema oracle.
add_executable(schema_check tools/schema_check.c)
target_link_libraries(schema_check PRIVATE ordo_base)
set_target_properties(schema_check PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
# Starts its own loopback HTTP servers (libmicrohttpd) on 127.0.0.1 and 127.0.0.2.
ordo_add_check_test(test_httpc SOURCES unit/test_httpc.c LIBS ordo_base PkgConfig::MHD
  LABELS "unit;base")
target_compile_definitions(test_httpc PRIVATE ORDO_TEST_VERSION="${PROJECT_VERSION}")
