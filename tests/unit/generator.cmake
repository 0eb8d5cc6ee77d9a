# generator/: the IR, emission and layout, the offline drafter, the LLM providers and the
# pipeline. One test per line, so that parallel work merges cleanly.
# The IR validator (generator/ir.h) against the catalogue of the real connectors of the build.
get_property(ordo_connectors GLOBAL PROPERTY ORDO_CONNECTORS)
ordo_add_check_test(test_ir SOURCES unit/test_ir.c LIBS ordo_generator LABELS "unit;generator"
  ENV "ORDOTEST_CONNECTOR_DIR=${ORDO_PLUGIN_BUILD_DIR}")
foreach(name IN LISTS ordo_connectors)
  add_dependencies(test_ir ordo_connector_${name})
endforeach()
