# Test harness variables are named ORDOTEST_* (not ORDO_*), so the config
# loader of an `ordo` run under ctest does not warn about them.
# One Check executable per module, one ctest entry each (STYLE.md 4.4).
file(MAKE_DIRECTORY ${PROJECT_BINARY_DIR}/test-results) # Check will not create it
set(ORDO_TEST_BIN_DIR ${PROJECT_BINARY_DIR}/tests)

# Under the sanitizers, tests run in-process (CK_FORK=no): Check's forked
# children exit without freeing the runner, which LeakSanitizer would report
# in every child and hide our own leaks in the noise. In-process, the one
# leak check at exit covers exactly our code.
if(ORDO_SANITIZE OR ORDO_TSAN)
  set(ORDO_CK_FORK "CK_FORK=no")
else()
  set(ORDO_CK_FORK "CK_FORK=yes")
endif()

function(ordo_add_check_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;LABELS;ENV" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} PkgConfig::CHECK)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${ORDO_TEST_BIN_DIR})
  add_test(NAME ${name} COMMAND ${name})
  # In-process Check runs (CK_FORK=no) ignore Check's own timeouts; ctest's
  # bounds a hung test so CI fails in minutes, not at its hard limit.
  set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}" TIMEOUT 300
    ENVIRONMENT "${ORDO_CK_FORK};CK_XML_LOG_FILE_NAME=${PROJECT_BINARY_DIR}/test-results/${name}.xml;CK_TIMEOUT_MULTIPLIER=${ORDO_TEST_TIMEOUT_MULTIPLIER};ORDOTEST_SOURCE_DIR=${PROJECT_SOURCE_DIR};ORDOTEST_CORPUS_DIR=${ORDO_CORPUS_DIR};ORDOTEST_BIN=${ORDO_BIN_DIR}/ordo;${T_ENV}")
endfunction()
