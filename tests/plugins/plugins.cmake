# Test plugins (tests/plugins/fixture.c): one source, one define per plugin.
# They go to tests/plugins/ of the build tree, never to the product's plugin
# folder; tests copy the ones they need into folders of their own.
set(ORDO_TEST_PLUGIN_DIR ${PROJECT_BINARY_DIR}/tests/plugins)
foreach(p good:FIXTURE_GOOD wrong_abi:FIXTURE_WRONG_ABI bad_schema:FIXTURE_BAD_SCHEMA
          bad_id:FIXTURE_BAD_ID abort:FIXTURE_ABORT no_symbol:FIXTURE_NO_SYMBOL
          init_fails:FIXTURE_INIT_FAILS)
  string(REPLACE ":" ";" pair ${p})
  list(GET pair 0 name)
  list(GET pair 1 define)
  add_library(fixture_${name} MODULE ${CMAKE_CURRENT_LIST_DIR}/fixture.c)
  target_compile_definitions(fixture_${name} PRIVATE ${define})
  target_include_directories(fixture_${name} PRIVATE ${PROJECT_SOURCE_DIR}/include)
  set_target_properties(fixture_${name} PROPERTIES PREFIX "" OUTPUT_NAME ${name}
    LIBRARY_OUTPUT_DIRECTORY ${ORDO_TEST_PLUGIN_DIR} C_VISIBILITY_PRESET hidden)
endforeach()
