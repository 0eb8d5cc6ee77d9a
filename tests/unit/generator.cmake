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
ordo_add_check_test(test_layout SOURCES unit/test_layout.c LIBS ordo_generator LABELS "unit;generator")
ordo_add_check_test(test_emit SOURCES unit/test_emit.c LIBS ordo_generator ordo_core ordo_testsupport
  LABELS "unit;generator" ENV "ORDOTEST_CONNECTOR_DIR=${ORDO_PLUGIN_BUILD_DIR}")
foreach(name IN LISTS ordo_connectors)
  add_dependencies(test_emit ordo_connector_${name})
endforeach()
# tests/tools/ir_emit: IR files to BPMN files, for the ir-emit oracle.
add_executable(ir_emit tools/ir_emit.c)
target_link_libraries(ir_emit PRIVATE ordo_generator)
set_target_properties(ir_emit PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
ordo_add_check_test(test_drafter SOURCES unit/test_drafter.c LIBS ordo_generator LABELS "unit;generator")
add_dependencies(test_drafter ordo)
target_compile_definitions(test_drafter PRIVATE ORDOTEST_CONNECTOR_DIR="${ORDO_PLUGIN_BUILD_DIR}")
get_property(ordo_drafter_connectors GLOBAL PROPERTY ORDO_CONNECTORS)
foreach(name IN LISTS ordo_drafter_connectors)
  add_dependencies(test_drafter ordo_connector_${name})
endforeach()
# The pipeline (generator/generate.h) with ordo-fake-llm standing in for each provider, on the
# catalogue of the real connectors of the build.
ordo_add_check_test(test_generate SOURCES unit/test_generate.c LIBS ordo_generator ordo_fakellmtest
  LABELS "unit;generator;fakes"
  ENV "ORDOTEST_FAKE_LLM_BIN=$<TARGET_FILE:ordo-fake-llm>;ORDOTEST_CONNECTOR_DIR=${ORDO_PLUGIN_BUILD_DIR}")
add_dependencies(test_generate ordo-fake-llm)
foreach(name IN LISTS ordo_connectors)
  add_dependencies(test_generate ordo_connector_${name})
endforeach()
