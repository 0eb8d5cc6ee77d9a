include(${CMAKE_CURRENT_LIST_DIR}/../plugins/plugins.cmake)
ordo_add_check_test(test_loader SOURCES unit/test_loader.c LIBS ordo_plugins
  LABELS "unit;plugins" ENV "ORDOTEST_PLUGIN_DIR=${ORDO_TEST_PLUGIN_DIR}")
add_dependencies(test_loader fixture_good fixture_wrong_abi fixture_bad_schema fixture_bad_id
  fixture_abort fixture_no_symbol fixture_init_fails)
# The catalogue of installed actions and its element templates, on test connectors shared by
# the unit test and the dump tool.
add_library(ordo_testcatalogue STATIC unit/catalogue_fixture.c)
target_link_libraries(ordo_testcatalogue PUBLIC ordo_plugins)
ordo_add_check_test(test_catalogue SOURCES unit/test_catalogue.c LIBS ordo_testcatalogue ordo_bpmn
  LABELS "unit;plugins")
# tests/tools/catalogue_dump: the fixture's catalogue and element templates as JSON, for the
# element template oracle (tests/oracle/element-templates.js).
add_executable(catalogue_dump tools/catalogue_dump.c)
target_link_libraries(catalogue_dump PRIVATE ordo_testcatalogue)
set_target_properties(catalogue_dump PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${ORDO_TEST_BIN_DIR})
