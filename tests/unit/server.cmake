# server/: routing, multipart bodies and rate limits, without a network.
ordo_add_check_test(test_route SOURCES unit/test_route.c LIBS ordo_server LABELS "unit;server")
# tests/tools/routes_dump: the routing table as JSON, for the OpenAPI diff oracle.
add_executable(routes_dump tools/routes_dump.c)
target_link_libraries(routes_dump PRIVATE ordo_server)
set_target_properties(routes_dump PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
