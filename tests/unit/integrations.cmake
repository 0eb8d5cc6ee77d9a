# integrations/: the connectors' toolkit and pure helpers, and their descriptors and schemas
# (dlopen of lib/ordo/connectors/*.so). Their actions are tested through the server against the
# sandbox (tests/integration/test_connectors.c).
get_property(ordo_connectors GLOBAL PROPERTY ORDO_CONNECTORS)
ordo_add_check_test(test_connector_schemas
  SOURCES unit/test_connector_schemas.c ${PROJECT_SOURCE_DIR}/integrations/jira/adf.c
          ${PROJECT_SOURCE_DIR}/integrations/jira/site.c
          ${PROJECT_SOURCE_DIR}/integrations/slack/slack_err.c
  LIBS ordo_conn ordo_base ${CMAKE_DL_LIBS}
  LABELS "unit;integrations")
target_compile_definitions(test_connector_schemas PRIVATE
  ORDOTEST_CONNECTOR_DIR="${ORDO_PLUGIN_BUILD_DIR}")
foreach(name IN LISTS ordo_connectors)
  add_dependencies(test_connector_schemas ordo_connector_${name})
endforeach()
# The one-export rule of CONTRACTS §8, read from each module's dynamic symbol table.
add_test(NAME connectors_export_one_symbol
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/integrations/connectors_export_one_symbol.sh
          ${ORDO_PLUGIN_BUILD_DIR} ${ordo_connectors})
set_tests_properties(connectors_export_one_symbol PROPERTIES LABELS "unit;integrations" TIMEOUT 60)
