# generator/: the IR, emission and layout, the offline drafter, the LLM providers and the
# pipeline. One test per line, so that parallel work merges cleanly.
ordo_add_check_test(test_llm SOURCES unit/test_llm.c LIBS ordo_generator ordo_fakellmtest LABELS "unit;generator;fakes" ENV "ORDOTEST_FAKE_LLM_BIN=$<TARGET_FILE:ordo-fake-llm>")
add_dependencies(test_llm ordo-fake-llm)
ordo_add_check_test(test_prompt SOURCES unit/test_prompt.c LIBS ordo_generator ordo_testcatalogue LABELS "unit;generator")
# The IR validator (generator/ir.h) against the catalogue of the real connectors of the build.
get_property(ordo_connectors GLOBAL PROPERTY ORDO_CONNECTORS)
ordo_add_check_test(test_ir SOURCES unit/test_ir.c LIBS ordo_generator LABELS "unit;generator"
  ENV "ORDOTEST_CONNECTOR_DIR=${ORDO_PLUGIN_BUILD_DIR}")
foreach(name IN LISTS ordo_connectors)
  add_dependencies(test_ir ordo_connector_${name})
endforeach()
