# Oracle tests: Ordo against the npm packages bpmn-moddle and bpmnlint on the
# shared corpus. They skip (exit 77) with a notice without Node.js 20+, the
# npm packages (scripts/test.sh installs them) or the corpus.
foreach(t moddle-roundtrip bpmnlint-parity)
  add_test(NAME oracle_${t} COMMAND ${PROJECT_SOURCE_DIR}/tests/oracle/run.sh ${t}.js)
  set_tests_properties(oracle_${t} PROPERTIES LABELS "oracle;bpmn" SKIP_RETURN_CODE 77
    TIMEOUT 600
    ENVIRONMENT "ORDOTEST_CORPUS_DIR=${ORDO_CORPUS_DIR};ORDOTEST_BIN=${ORDO_BIN_DIR}/ordo")
endforeach()
# FEEL: Ordo's evaluator, through tests/tools/feel_eval, against the npm package
# feelin on feel-cases.json and generated expressions. It also skips (exit 77)
# when feel_eval has not been built.
add_test(NAME oracle_feel-differential
  COMMAND ${PROJECT_SOURCE_DIR}/tests/oracle/run.sh feel-differential.js)
set_tests_properties(oracle_feel-differential PROPERTIES LABELS "oracle;bpmn;feel"
  SKIP_RETURN_CODE 77 TIMEOUT 600 ENVIRONMENT "ORDOTEST_FEEL_EVAL=${ORDO_TEST_BIN_DIR}/feel_eval")
# The JSON Schema subset (base/schema.h through tests/tools/schema_check) against ajv with
# ajv-formats; skips (exit 77) without Node.js 20+, the npm packages or the tool.
add_test(NAME oracle_schema-differential
  COMMAND ${PROJECT_SOURCE_DIR}/tests/oracle/run.sh schema-differential.js)
set_tests_properties(oracle_schema-differential PROPERTIES LABELS "oracle;base"
  SKIP_RETURN_CODE 77 TIMEOUT 300
  ENVIRONMENT "ORDOTEST_SCHEMA_CHECK=${ORDO_TEST_BIN_DIR}/schema_check")
# docs/openapi.yaml against the routing table (printed by tests/tools/routes_dump), both ways,
# and validated as OpenAPI 3.0 by @apidevtools/swagger-parser; skips (exit 77) without Node.js
# 20+, the npm packages or the tool.
add_test(NAME oracle_openapi-routes
  COMMAND ${PROJECT_SOURCE_DIR}/tests/oracle/run.sh openapi-routes.js)
set_tests_properties(oracle_openapi-routes PROPERTIES LABELS "oracle;server"
  SKIP_RETURN_CODE 77 TIMEOUT 120
  ENVIRONMENT "ORDOTEST_ROUTES_DUMP=${ORDO_TEST_BIN_DIR}/routes_dump")
# The element templates of plugins/catalogue.h (for the test connectors, printed by
# tests/tools/catalogue_dump) against @camunda/zeebe-element-templates-json-schema with ajv;
# skips (exit 77) without Node.js 20+, the npm packages or the tool.
add_test(NAME oracle_element-templates
  COMMAND ${PROJECT_SOURCE_DIR}/tests/oracle/run.sh element-templates.js)
set_tests_properties(oracle_element-templates PROPERTIES LABELS "oracle;plugins"
  SKIP_RETURN_CODE 77 TIMEOUT 120
  ENVIRONMENT "ORDOTEST_CATALOGUE_DUMP=${ORDO_TEST_BIN_DIR}/catalogue_dump")
# The same oracle on the templates of the connectors the build installs (ordo connector
# templates), which is what users load into Camunda Modeler.
add_test(NAME oracle_element-templates-installed
  COMMAND ${PROJECT_SOURCE_DIR}/tests/oracle/run.sh element-templates.js)
set_tests_properties(oracle_element-templates-installed PROPERTIES LABELS "oracle;plugins"
  SKIP_RETURN_CODE 77 TIMEOUT 120
  ENVIRONMENT "ORDOTEST_CATALOGUE_DUMP=sh ${PROJECT_SOURCE_DIR}/tests/tools/installed-catalogue.sh ${ORDO_BIN_DIR}/ordo")
# The GitHub stand-in of ordo-sandbox (tests/fakes/github.c) against GitHub's OpenAPI description
# (@octokit/openapi), with ajv: the connector's requests, the fake's answers and headers; skips
# (exit 77) without Node.js 20+, the npm packages or the sandbox. ordo-sandbox is in 'all'; the
# generator expression also makes cmake refuse to configure should the target go away.
add_test(NAME oracle_github-openapi
  COMMAND ${PROJECT_SOURCE_DIR}/tests/oracle/run.sh github-openapi.js)
set_tests_properties(oracle_github-openapi PROPERTIES LABELS "oracle;fakes"
  SKIP_RETURN_CODE 77 TIMEOUT 120
  ENVIRONMENT "ORDOTEST_SANDBOX=$<TARGET_FILE:ordo-sandbox>")
# The process IR's schema (generator/ir.schema.json) under ajv 2020 strict, with the installed
# actions (ordo connector catalogue); the IR fixtures against it, and ajv against Ordo's ir/schema
# on tests/fixtures/ir/invalid; skips (exit 77) without Node.js 20+, ajv or the ordo binary.
add_test(NAME oracle_ir-schema COMMAND ${PROJECT_SOURCE_DIR}/tests/oracle/run.sh ir-schema.js)
set_tests_properties(oracle_ir-schema PROPERTIES LABELS "oracle;generator" SKIP_RETURN_CODE 77
  TIMEOUT 120 ENVIRONMENT "ORDOTEST_BIN=${ORDO_BIN_DIR}/ordo")
# BPMN emitted from the IR fixtures (tests/tools/ir_emit) against bpmn-moddle and bpmnlint, with
# geometry checked in JS and `ordo run` on each; skips (exit 77) without Node.js 20+, the npm
# packages or the tool.
add_test(NAME oracle_ir-emit COMMAND ${PROJECT_SOURCE_DIR}/tests/oracle/run.sh ir-emit.js)
set_tests_properties(oracle_ir-emit PROPERTIES LABELS "oracle;generator" SKIP_RETURN_CODE 77
  TIMEOUT 300 ENVIRONMENT "ORDOTEST_IR_EMIT=${ORDO_TEST_BIN_DIR}/ir_emit;ORDOTEST_BIN=${ORDO_BIN_DIR}/ordo")
# ---- Camunda export (issue 9) ----
# `ordo bpmn export` of the examples, the executable integration fixtures and the offline
# drafts, to Camunda 8 and 7, against bpmnlint-plugin-camunda-compat (camunda-cloud-8-6,
# camunda-platform-7-21) and the Camunda 7 checks of camunda-export.js; skips (exit 77)
# without Node.js 20+, the npm packages or the ordo binary.
add_test(NAME oracle_camunda-export COMMAND ${PROJECT_SOURCE_DIR}/tests/oracle/run.sh camunda-export.js)
set_tests_properties(oracle_camunda-export PROPERTIES LABELS "oracle;bpmn" SKIP_RETURN_CODE 77
  TIMEOUT 600 ENVIRONMENT "ORDOTEST_BIN=${ORDO_BIN_DIR}/ordo")
