include(${CMAKE_CURRENT_LIST_DIR}/../plugins/plugins.cmake)
ordo_add_check_test(test_loader SOURCES unit/test_loader.c LIBS ordo_plugins
  LABELS "unit;plugins" ENV "ORDOTEST_PLUGIN_DIR=${ORDO_TEST_PLUGIN_DIR}")
add_dependencies(test_loader fixture_good fixture_wrong_abi fixture_bad_schema fixture_bad_id
  fixture_abort fixture_no_symbol fixture_init_fails)
