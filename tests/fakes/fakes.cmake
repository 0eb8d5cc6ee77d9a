# ordo-sandbox over loopback, started per test (tests/integration/test_sandbox.c). It needs no
# PostgreSQL, so it is a plain Check test; httptest.c lends it its libcurl request helper, and
# sandboxtest.c (tests/integration/sandboxtest.h, in pg.cmake) starts and stops the program.
find_package(Threads REQUIRED)
ordo_add_check_test(test_sandbox SOURCES integration/test_sandbox.c
  LIBS ordo_sandboxtest Threads::Threads PkgConfig::MHD PkgConfig::SODIUM LABELS integration fakes
  ENV "ORDOTEST_SANDBOX_BIN=$<TARGET_FILE:ordo-sandbox>")
add_dependencies(test_sandbox ordo-sandbox)
include(${CMAKE_CURRENT_LIST_DIR}/llm/llm.cmake) # ordo-fake-llm
