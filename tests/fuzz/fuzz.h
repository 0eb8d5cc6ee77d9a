/*
 * tests/fuzz/fuzz.h - what every fuzz target shares (docs/fuzzing-results.md).
 *
 * A target is one fuzz_<name>.c defining LLVMFuzzerTestOneInput(). Built
 * with clang and -fsanitize=fuzzer (scripts/fuzz.sh, ORDO_FUZZ=ON) it is a
 * libFuzzer binary; built with gcc it is linked with tests/fuzz/replay.c
 * into fuzz_replay_<name>, which ctest runs over tests/fuzz/corpus/<name>.
 *
 * Targets must be deterministic (no clock, no randomness: libFuzzer's
 * coverage and the replay test depend on it) and must free everything they
 * allocate per input, since LeakSanitizer checks at exit. State built once
 * (a catalogue) lives in static pointers, which LeakSanitizer sees as
 * reachable.
 */
#ifndef ORDO_TESTS_FUZZ_H
#define ORDO_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
