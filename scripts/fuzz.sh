#!/usr/bin/env bash
# scripts/fuzz.sh - the fuzzing campaign (issue 11): builds the libFuzzer targets of tests/fuzz/
# with clang in build/fuzz, runs each for a while, keeps what they learn and records the run.
#
# Usage: scripts/fuzz.sh [--seconds N] [--target NAME]... [--corpus-dir DIR] [-j N]
#                        [--no-record] [--no-deps]
#   --seconds N     run each target N seconds (default 1800: the 30-minute campaign;
#                   also DURATION=N in the environment)
#   --target NAME   only this target; repeat for several (default: all of
#                   bpmn feel json_body webhook schema ir)
#   --corpus-dir D  the growing corpus, one folder per target, outside git
#                   (default build/fuzz/corpus)
#   -j N            build jobs (default 1: the machine is shared; ORDO_JOBS)
#   --no-record     print the table only; do not append it to docs/fuzzing-results.md
#   --no-deps       do not install clang and libclang-rt-14-dev when missing
#
# For each target: the corpus folder is seeded from tests/fuzz/corpus/<target> (the committed
# seeds and crashers), the fuzzer runs with -max_len and -timeout suited to the target and
# writes new inputs there, then `-merge=1` keeps only inputs that add coverage. Crashes, leaks,
# timeouts and out-of-memory inputs (libFuzzer's crash-*, leak-*, timeout-*, oom-* files) are
# copied into tests/fuzz/corpus/<target>/, where the replay test (ctest -L fuzz) runs them from
# then on: fix the bug, then commit the file. libFuzzer stops a target at its first finding.
#
# Prints a table (target, seconds, execs, exec/s, corpus size, findings) and appends it, with
# the date and the commit, to docs/fuzzing-results.md; a run shorter than 30 minutes is marked
# "short run". Ends with the line scripts/reliability.sh records:
#   RESULT|Fuzzing (scripts/fuzz.sh)|<targets × seconds: inputs>|<what was checked>|pass or fail
# Exits 1 when a target found something or failed to run.
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ORDO_ROOT"

usage() {
    print_usage "$0"
}

all_targets=(bpmn feel json_body webhook schema ir)
seconds=${DURATION:-1800}
targets=()
corpus_dir=$ORDO_ROOT/build/fuzz/corpus
record=1
deps=1
while (($#)); do
    if common_opt "$@"; then
        shift "$common_shift"
        continue
    fi
    case $1 in
    --seconds)
        seconds=${2:?--seconds needs a number}
        shift
        ;;
    --target)
        targets+=("${2:?--target needs a name}")
        shift
        ;;
    --corpus-dir)
        corpus_dir=${2:?--corpus-dir needs a folder}
        shift
        ;;
    --no-record) record=0 ;;
    --no-deps) deps=0 ;;
    *)
        usage >&2
        die "unknown argument '$1'"
        ;;
    esac
    shift
done
[[ $seconds =~ ^[1-9][0-9]*$ ]] || die "--seconds must be a positive whole number, not '$seconds'"
jobs=${ORDO_JOBS:-1}
((${#targets[@]})) || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
    [[ " ${all_targets[*]} " == *" $t "* ]] || die "unknown target '$t' (known: ${all_targets[*]})"
done

# -max_len: the largest input worth trying (a BPMN or IR document needs room; an expression
# does not); -timeout: seconds one input may take before it counts as a hang. Both are well
# above what the committed seeds need, well below the product's own caps.
max_len() {
    case $1 in
    bpmn | ir) printf '65536\n' ;;
    json_body | schema) printf '16384\n' ;;
    webhook) printf '8192\n' ;;
    feel) printf '4096\n' ;;
    esac
}
timeout_s() {
    case $1 in
    bpmn | ir) printf '10\n' ;;
    *) printf '5\n' ;;
    esac
}

# libFuzzer needs clang and its runtime (Debian: libclang-rt-14-dev). The probe links a fuzzer.
fuzzer_works() {
    local probe
    command -v clang >/dev/null 2>&1 || return 1
    probe=$(mktemp -d)
    printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n);\n%s\n' \
        'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }' \
        >"$probe/p.c"
    if clang -fsanitize=fuzzer,address,undefined "$probe/p.c" -o "$probe/p" >/dev/null 2>&1; then
        rm -rf "$probe"
        return 0
    fi
    rm -rf "$probe"
    return 1
}
if ! fuzzer_works; then
    ((deps)) || die "clang with libFuzzer is missing (apt-get install clang libclang-rt-14-dev)"
    sudo=()
    ((EUID == 0)) || sudo=(sudo)
    run "${sudo[@]}" apt-get install -y --no-install-recommends clang libclang-rt-14-dev
    fuzzer_works || die "clang still cannot link -fsanitize=fuzzer after installing"
fi

# The whole tree gets coverage instrumentation (fuzzer-no-link) so the libraries guide the
# fuzzer; -O1 because -O0 runs several times fewer inputs a second.
build=$ORDO_ROOT/build/fuzz
say "== build ($build)"
run cmake -S "$ORDO_ROOT" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link -O1 -gline-tables-only" \
    -DORDO_SANITIZE=ON -DORDO_FUZZ=ON -DBUILD_TESTING=ON >"$build.configure.log" 2>&1 ||
    die "cmake configure failed: see $build.configure.log"
exes=()
for t in "${targets[@]}"; do
    exes+=("fuzz_$t")
done
run cmake --build "$build" --target "${exes[@]}" -j "$jobs"

commit=$(commit_label)
started=$(date -u '+%Y-%m-%d %H:%M UTC')
logs=$build/logs
mkdir -p "$logs"
rows=()
found=() # "target/file" of every finding, for the record
failed=0
total_execs=0
for t in "${targets[@]}"; do
    seeds=$ORDO_ROOT/tests/fuzz/corpus/$t
    work=$corpus_dir/$t
    art=$build/artifacts/$t
    log=$logs/$t.log
    mkdir -p "$work" "$art"
    # New findings only: an old artifact must not be counted again.
    find "$art" -type f -delete
    say "== fuzz_$t: $seconds s, -max_len=$(max_len "$t") -timeout=$(timeout_s "$t")"
    t0=$(now_us)
    rc=0
    # The first folder receives new inputs; the seeds folder is only read.
    "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -max_len="$(max_len "$t")" \
        -timeout="$(timeout_s "$t")" -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$art/" "$work" "$seeds" >"$log" 2>&1 || rc=$?
    elapsed=$(fmt_secs $(($(now_us) - t0)))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    # Keep only what adds coverage (the folder grows fast otherwise).
    merged=$corpus_dir/.merge-$t
    rm -rf "$merged"
    mkdir -p "$merged"
    # A crash while merging is the same input as the finding: its copy goes aside (merge-*).
    if "$build/tests/fuzz/fuzz_$t" -merge=1 -max_len="$(max_len "$t")" \
        -timeout="$(timeout_s "$t")" -artifact_prefix="$art/merge-" "$merged" "$work" \
        >"$logs/$t.merge.log" 2>&1; then
        rm -rf "$work"
        mv "$merged" "$work"
    else
        warn "fuzz_$t: the merge failed (see $logs/$t.merge.log); the corpus is kept unmerged"
        rm -rf "$merged"
    fi
    size=$(find "$work" -type f | wc -l)
    findings=0
    while IFS= read -r -d '' f; do
        cp "$f" "$seeds/"
        found+=("$t/$(basename "$f")")
        warn "fuzz_$t found $(basename "$f"): copied to tests/fuzz/corpus/$t/ (log: $log)"
        findings=$((findings + 1))
    done < <(find "$art" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
        -o -name 'oom-*' -o -name 'merge-*' \) -print0)
    if ((rc != 0 && findings == 0)); then
        warn "fuzz_$t exited with $rc and left no finding: see $log"
        findings=error
        found+=("$t: the fuzzer failed without a finding (exit $rc)")
    fi
    [[ $findings == 0 ]] || failed=1
    total_execs=$((total_execs + ${execs:-0}))
    rows+=("| $t | $elapsed | ${execs:-?} | ${rate:-?} | $size | $findings |")
done

table=("| target | seconds | execs | exec/s | corpus | findings |"
    "|---|---|---|---|---|---|" "${rows[@]}")
if ((${#found[@]})); then
    table+=("" "Findings (copied into tests/fuzz/corpus/): ${found[*]}")
else
    table+=("" "Findings: none.")
fi
say ""
printf '%s\n' "${table[@]}"
if ((record)); then
    kind="$seconds s per target"
    ((seconds >= 1800)) || kind="$kind, short run"
    {
        printf '\n## %s, commit %s (%s)\n\n' "$started" "$commit" "$kind"
        printf '%s\n' "${table[@]}"
    } >>"$ORDO_ROOT/docs/fuzzing-results.md"
    say "appended to docs/fuzzing-results.md"
fi
what="crashes, leaks, timeouts, out-of-memory and undefined behaviour under ASan + UBSan; findings go into the replay corpus (ctest -L fuzz)"
run_desc="${#targets[@]} targets ($(tr ' ' ',' <<<"${targets[*]}")) × $seconds s: $total_execs inputs"
if ((failed)); then
    echo "RESULT|Fuzzing (scripts/fuzz.sh)|$run_desc|$what|fail (${found[*]})"
else
    echo "RESULT|Fuzzing (scripts/fuzz.sh)|$run_desc|$what; no finding|pass"
fi
exit "$failed"
