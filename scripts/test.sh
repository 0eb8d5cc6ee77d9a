#!/usr/bin/env bash
# scripts/test.sh - the test command: everything CI checks, in one go, from a fresh Debian 12 clone.
#
# Usage: scripts/test.sh [--quick] [--no-lint] [--no-deps] [--no-quickstart] [--no-tsan] [-j N] [-R REGEX]
#                        [-E REGEX] [-L LABEL]
#                        [-- CTEST-ARGS]
#   --quick      skip clang-tidy (the slowest lint) and the tsan stage
#   --no-lint    skip the lint stage (while iterating on a test; CI always lints)
#   --no-deps    do not check or install Debian packages (also ORDO_SKIP_DEPS=1)
#   --no-quickstart  skip the quickstart stage (while iterating; CI always runs it); a run that
#                picks tests with -R, -E, -L or -- skips it too
#   --no-tsan    skip the ThreadSanitizer stage (while iterating; CI always runs it)
#   -j N         parallel jobs for the build, ctest and the linters (default: nproc; ORDO_JOBS)
#   -R, -E, -L   passed to ctest: run only tests matching / not matching REGEX, or with LABEL
#   -- ARGS      everything after -- goes to ctest as is
#
# Stages, each printing its duration, and a total at the end:
#   deps   install the missing Debian packages (scripts/install-deps.sh; root, or sudo)
#   node   Node.js >= 20 and npm: `npm ci` in tests/oracle, tests/compat, tests/ui (and bench/peers) when the lock file
#          changed; with an older or no Node it prints a NOTICE and exports ORDO_SKIP_NODE=1,
#          and the oracle and browser tests skip visibly
#   build  cmake --preset asan -DORDO_WERROR=ON, then cmake --build --preset asan (incremental), then
#          scripts/build-ui.sh into build/asan/share/ordo/ui (with Node.js)
#   lint   checksrc.sh, check-deps.sh, format-check.sh, tidy-changed.sh, cppcheck.sh (need the build's
#          compile_commands.json, hence after build)
#   test   ctest --preset asan with ASan/UBSan reports failing the test; its output is also kept
#          in build/asan/ctest-output.log
#   tsan   scripts/tsan.sh: the tsan preset (build/tsan) and the threaded tests under
#          ThreadSanitizer (skipped with --quick, --no-tsan, or tests picked with -R/-E/-L/--)
#   quickstart  scripts/quickstart-ci.sh: the README's run command in the background (release
#          build, `ordo serve` on the embedded PostgreSQL), driven with the CLI as a new user
#          would, then stopped with SIGTERM (skipped with --no-quickstart)
# A failing deps, node or build stage stops the run. A lint failure does not stop it: the tests
# still run, so one CI run reports both. The exit status is non-zero when any stage failed, and
# the last lines name the failed stages and count the tests ("tests: N passed, N failed").
# Environment: ORDO_CORPUS_DIR (the BPMN corpus, default ../shared/corpus), ORDO_SKIP_NODE=1,
# ORDO_TIDY_BASE (see scripts/tidy-changed.sh), ORDO_JOBS.
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ORDO_ROOT"

quick=0
lint=1
deps=1
quickstart=1
tsan=1
[[ ${ORDO_SKIP_DEPS:-0} == 1 ]] && deps=0
ctest_args=()
while (($#)); do
    if common_opt "$@"; then
        shift "$common_shift"
        continue
    fi
    case $1 in
    --quick) quick=1 ;;
    --no-lint) lint=0 ;;
    --no-deps) deps=0 ;;
    --no-quickstart) quickstart=0 ;;
    --no-tsan) tsan=0 ;;
    -R | -E | -L)
        ctest_args+=("$1" "${2:?$1 needs an argument}")
        shift
        ;;
    --)
        shift
        ctest_args+=("$@")
        break
        ;;
    *) die "unknown option '$1' (try --help)" ;;
    esac
    shift
done
# Not exported, so the tests' environment gets no extra ORDO_* variable (ordo warns about those);
# the linters get it on their command line.
ORDO_JOBS=${ORDO_JOBS:-$(ordo_jobs)}

# ---- stage bookkeeping: headers, durations, the summary, and the failed stage's name ----------
stage=
stage_t0=0
total_t0=$(now_us)
summary=()
failed_stages=()
ctest_log=build/asan/ctest-output.log
ctest_ran=0

stage_begin() {
    stage=$1
    printf '\n==> stage %s: %s\n' "$1" "$2"
    stage_t0=$(now_us)
}

# stage_end [failed]: print the stage's duration; "failed" records it as failed and goes on.
stage_end() {
    local d=$(($(now_us) - stage_t0)) mark=
    if [[ ${1:-} == failed ]]; then
        mark=FAILED
        failed_stages+=("$stage")
    fi
    printf '== stage %s%s (%s s)\n' "$stage" "${mark:+ $mark}" "$(fmt_secs "$d")"
    summary+=("$(printf '  %-10s %8s s' "$stage" "$(fmt_secs "$d")")${mark:+  $mark}")
    stage=
}

on_exit() {
    local rc=$? counts nfail ntotal
    [[ -n $stage ]] && stage_end failed
    printf '\n== summary\n'
    if ((${#summary[@]})); then
        printf '%s\n' "${summary[@]}"
    fi
    printf '== total (%s s)\n' "$(fmt_secs $(($(now_us) - total_t0)))"
    if ((${#failed_stages[@]})); then
        (IFS=,; printf 'test.sh: FAILED in stage(s): %s\n' "${failed_stages[*]}")
        ((rc != 0)) || rc=1
    elif ((rc != 0)); then
        printf 'test.sh: FAILED before any stage (exit %d)\n' "$rc"
    else
        printf 'test.sh: all stages passed\n'
    fi
    # ctest's closing line, restated last: "N% tests passed, F tests failed out of T".
    if ((ctest_ran)) && [[ -f $ctest_log ]]; then
        counts=$(sed -n 's/.*tests passed, \([0-9]*\) tests\{0,1\} failed out of \([0-9]*\).*/\1 \2/p' \
            "$ctest_log" | tail -n 1)
        if [[ -n $counts ]]; then
            read -r nfail ntotal <<<"$counts"
            printf 'tests: %d passed, %d failed\n' $((ntotal - nfail)) "$nfail"
        fi
    fi
    exit "$rc"
}
trap on_exit EXIT

# ---- deps ---------------------------------------------------------------------------------------
stage_begin deps "Debian packages"
if ((deps)); then
    bash scripts/install-deps.sh
else
    say "skipped (--no-deps or ORDO_SKIP_DEPS=1)"
fi
stage_end

# ---- node ---------------------------------------------------------------------------------------
# npm ci in DIR when its package-lock.json is newer than our stamp in node_modules.
stage_begin node "Node.js >= $ORDO_NODE_MIN and npm packages for the oracle and browser tests"
export npm_config_update_notifier=false
if [[ ${ORDO_SKIP_NODE:-0} == 1 ]]; then
    notice "ORDO_SKIP_NODE=1 is set: the oracle and browser tests are skipped"
elif node_ok; then
    say "node $(node --version), npm $(npm --version)"
    npm_ci tests/oracle
    npm_ci tests/compat
    npm_ci tests/ui
    npm_ci bench/peers
else
    notice "$NODE_PROBLEM: the oracle and browser tests are SKIPPED (ORDO_SKIP_NODE=1). Install Node.js $ORDO_NODE_MIN or newer to run them."
    export ORDO_SKIP_NODE=1
fi
stage_end

# ---- build --------------------------------------------------------------------------------------
stage_begin build "asan preset (ASan + UBSan, -Werror)"
configure=(cmake --preset asan -DORDO_WERROR=ON)
if [[ -n ${ORDO_CORPUS_DIR:-} ]]; then
    configure+=("-DORDO_CORPUS_DIR=$ORDO_CORPUS_DIR")
fi
# Re-running the configure step is cheap (~0.1 s) when nothing changed, and picks up preset edits.
run "${configure[@]}"
run cmake --build --preset asan -j "$ORDO_JOBS"
if [[ ${ORDO_SKIP_NODE:-0} != 1 ]]; then
    run bash scripts/build-ui.sh build/asan/share/ordo/ui
fi
stage_end

# ---- lint ---------------------------------------------------------------------------------------
stage_begin lint "banned functions, dependency arrows, formatting, clang-tidy on changed files, cppcheck"
linters=(checksrc.sh check-deps.sh format-check.sh tidy-changed.sh cppcheck.sh)
if ((quick)); then
    linters=(checksrc.sh check-deps.sh format-check.sh)
fi
failed=()
if ((lint)); then
    ((quick)) && say "--quick: clang-tidy and cppcheck skipped"
    for l in "${linters[@]}"; do
        say "-- scripts/$l"
        ORDO_JOBS=$ORDO_JOBS bash scripts/"$l" || failed+=("$l")
    done
else
    say "skipped (--no-lint)"
fi
if ((${#failed[@]})); then
    warn "lint failed: ${failed[*]} (the tests still run)"
    stage_end failed
else
    stage_end
fi

# ---- test ---------------------------------------------------------------------------------------
stage_begin test "ctest, asan preset"
# Any sanitizer report fails the test. The asan test preset sets the same for ctest; these cover
# the tests' own child processes and anything run by hand from this shell.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest_ran=1
run ctest --preset asan -j "$ORDO_JOBS" --output-on-failure --no-tests=error \
    ${ctest_args[@]+"${ctest_args[@]}"} 2>&1 | tee "$ctest_log"
stage_end

# ---- tsan ---------------------------------------------------------------------------------------
stage_begin tsan "the threaded tests under ThreadSanitizer (scripts/tsan.sh, build/tsan)"
if ((tsan && !quick && ${#ctest_args[@]} == 0)); then
    if bash scripts/tsan.sh -j "$ORDO_JOBS"; then
        stage_end
    else
        stage_end failed
    fi
else
    say "skipped (--quick, --no-tsan, or tests picked with -R/-E/-L/--)"
    stage_end
fi

# ---- quickstart ---------------------------------------------------------------------------------
stage_begin quickstart "the README's run command, driven with the CLI (scripts/quickstart-ci.sh)"
if ((quickstart && ${#ctest_args[@]} == 0)); then
    if bash scripts/quickstart-ci.sh --no-deps; then
        stage_end
    else
        stage_end failed
    fi
else
    say "skipped (--no-quickstart, or tests picked with -R/-E/-L/--)"
    stage_end
fi
