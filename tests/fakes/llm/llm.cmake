# ordo-fake-llm: stand-ins for the OpenAI, Anthropic and Ollama APIs (tests/fakes/llm/fake_llm.c),
# for the generator's tests and bench/generate-eval; never installed, never used by the product.
find_package(Threads REQUIRED)
add_executable(ordo-fake-llm ${CMAKE_CURRENT_LIST_DIR}/fake_llm.c ${CMAKE_CURRENT_LIST_DIR}/wire.c)
target_include_directories(ordo-fake-llm PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(ordo-fake-llm PRIVATE PkgConfig::MHD PkgConfig::JANSSON Threads::Threads)
set_target_properties(ordo-fake-llm PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${ORDO_TEST_BIN_DIR})
# Started by Check tests (tests/fakes/llm/fakellm_test.h).
add_library(ordo_fakellmtest STATIC ${CMAKE_CURRENT_LIST_DIR}/fakellm_test.c)
target_link_libraries(ordo_fakellmtest PUBLIC ordo_base PkgConfig::CHECK PkgConfig::JANSSON)
