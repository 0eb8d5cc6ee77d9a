# tests/fuzz/: libFuzzer targets (issue 11). One fuzz_<target>.c each, built two ways:
#   ORDO_FUZZ=ON (clang; scripts/fuzz.sh configures build/fuzz with it): fuzz_<target>, a
#     libFuzzer binary (-fsanitize=fuzzer; the libraries get -fsanitize=fuzzer-no-link from
#     the CMAKE_C_FLAGS fuzz.sh passes, so their coverage guides the fuzzer);
#   otherwise (gcc, CI): fuzz_replay_<target>, the same file with tests/fuzz/replay.c as main,
#     and a ctest entry that replays tests/fuzz/corpus/<target> (seeds and crashers) under the
#     build's sanitizers, label "fuzz".
option(ORDO_FUZZ "Build the libFuzzer targets of tests/fuzz (clang only)" OFF)

set(ORDO_FUZZ_DIR ${PROJECT_SOURCE_DIR}/tests/fuzz)
# target -> libraries and extra sources (server files are compiled in, not the whole server).
set(ORDO_FUZZ_TARGETS bpmn feel json_body webhook schema ir)
set(ordo_fuzz_libs_bpmn ordo_bpmn)
set(ordo_fuzz_libs_feel ordo_bpmn)
set(ordo_fuzz_libs_json_body ordo_base)
set(ordo_fuzz_srcs_json_body ${PROJECT_SOURCE_DIR}/server/c7_vars.c
    ${PROJECT_SOURCE_DIR}/server/multipart.c)
set(ordo_fuzz_libs_webhook ordo_webhooks)
set(ordo_fuzz_libs_schema ordo_base)
set(ordo_fuzz_libs_ir ordo_generator)

foreach(t IN LISTS ORDO_FUZZ_TARGETS)
  if(ORDO_FUZZ)
    set(exe fuzz_${t})
    add_executable(${exe} ${ORDO_FUZZ_DIR}/fuzz_${t}.c ${ordo_fuzz_srcs_${t}})
    target_link_options(${exe} PRIVATE -fsanitize=fuzzer)
  else()
    set(exe fuzz_replay_${t})
    add_executable(${exe} ${ORDO_FUZZ_DIR}/fuzz_${t}.c ${ORDO_FUZZ_DIR}/replay.c
                   ${ordo_fuzz_srcs_${t}})
    add_test(NAME ${exe} COMMAND ${exe} ${ORDO_FUZZ_DIR}/corpus/${t})
    set_tests_properties(${exe} PROPERTIES LABELS "fuzz" TIMEOUT 120)
  endif()
  target_link_libraries(${exe} PRIVATE ${ordo_fuzz_libs_${t}})
  target_compile_definitions(${exe} PRIVATE
    ORDO_FUZZ_CATALOGUE="${ORDO_FUZZ_DIR}/catalogue.json")
  set_target_properties(${exe} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests/fuzz)
endforeach()
