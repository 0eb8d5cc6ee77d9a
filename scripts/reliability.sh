#!/usr/bin/env bash
# scripts/reliability.sh - run the checks and campaigns of docs/reliability.md and write their
# rows into its Results table, with the date and the commit they ran on.
#
# Usage: scripts/reliability.sh [--quick] [--list] [--no-record] [--bin ORDO] [NAME...]
#   NAME         the checks to run (default: all, in the order --list prints them)
#   --quick      their short forms, as CI runs them: minutes instead of hours (the row's run
#                column says which form ran)
#   --list       print each check's name and both forms of its command, and exit
#   --no-record  print the rows only; leave docs/reliability.md as it is
#   --bin ORDO   the ordo binary the chaos scripts run (default build/asan/bin/ordo: the
#                sanitizers watch while the faults hit; build it with `cmake --preset asan`).
#                The soak always runs build/release/bin/ordo (scripts/build-release.sh)
#   -h, --help   this text
#
# A check is a script that ends by printing one line
#   RESULT|<fault or campaign>|<how often or how long>|<what was checked; what was seen>|<result>
# (result: pass, `fail (...)` or `skipped: why`) - tests/chaos/*.sh, bench/soak.sh and
# scripts/fuzz.sh do - or a command whose exit status this script turns into such a line (0 pass,
# 77 skipped, else fail). Each line becomes the table row whose first cell is the same fault:
# replaced when there is one, else added. Every check's output is kept in build/reliability/.
#
# Exit status: 0 every check passed or was skipped; 1 one failed; 2 bad usage.
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ORDO_ROOT"

all_checks=(suite tsan cppcheck backup rotation install kill kill-worker pg-restart proxy enospc
    enospc-shim connlimit soak fuzz)
doc=docs/reliability.md
begin_mark='<!-- results: rows written by scripts/reliability.sh -->'
end_mark='<!-- end of results -->'

# check_def NAME: sets fault, run_full, run_quick, checked (used when the command prints no RESULT
# line), and the commands cmd_full and cmd_quick (arrays).
check_def() {
    fault='' run_full='' run_quick='' checked=''
    cmd_full=() cmd_quick=()
    case $1 in
    suite)
        fault="Whole suite under ASan + UBSan (scripts/test.sh)"
        run_full="every test, with lint and the quickstart" run_quick="every test, without clang-tidy"
        checked="every test of the test command; any sanitizer report fails it"
        cmd_full=(scripts/test.sh --no-tsan) cmd_quick=(scripts/test.sh --quick)
        ;;
    tsan)
        fault="ThreadSanitizer (scripts/tsan.sh)"
        run_full="the 8 threaded tests, once" run_quick=$run_full
        checked="executor, sealer, 3 nodes on one database, HTTP server and waker, long polls, draft workers, outbound webhook workers, the engine; the servers the tests start are TSan builds too; any report fails"
        cmd_full=(scripts/tsan.sh) cmd_quick=(scripts/tsan.sh)
        ;;
    cppcheck)
        fault="cppcheck (scripts/cppcheck.sh)"
        run_full="the whole tree" run_quick=$run_full
        checked="warning, performance and portability checks; any finding fails"
        cmd_full=(scripts/cppcheck.sh) cmd_quick=(scripts/cppcheck.sh)
        ;;
    backup)
        fault="Backup and restore (test_cli_backup)"
        run_full=once run_quick=once
        checked="same rows after a restore, audit chain verifies with the signer pinned, no key or secret in the dump, no password on a tool's command line, refusals change nothing"
        cmd_full=(ctest --test-dir build/asan -R '^test_cli_backup$' --output-on-failure --no-tests=error)
        cmd_quick=("${cmd_full[@]}")
        ;;
    rotation)
        fault="Master-key rotation (test_cli_secrets_rotate)"
        run_full=once run_quick=once
        checked="refused without the old key, changing nothing; every secret on the new key; a server with the new key alone opens them"
        cmd_full=(ctest --test-dir build/asan -R '^test_cli_secrets_rotate$' --output-on-failure --no-tests=error)
        cmd_quick=("${cmd_full[@]}")
        ;;
    install)
        fault="Installed layout and container steps (test_install, test_dockerfile)"
        run_full=once run_quick=once
        checked="install permissions, plugins and UI found, the HEALTHCHECK command, Dockerfile steps call CI's scripts, compose secrets"
        cmd_full=(ctest --test-dir build/asan -R '^test_(install|dockerfile)$' --output-on-failure --no-tests=error)
        cmd_quick=("${cmd_full[@]}")
        ;;
    kill)
        cmd_full=(tests/chaos/kill.sh --rounds 100 --seed 11)
        cmd_quick=(tests/chaos/kill.sh --rounds 4)
        ;;
    kill-worker)
        cmd_full=(tests/chaos/kill.sh --rounds 100 --seed 21 --worker)
        cmd_quick=(tests/chaos/kill.sh --rounds 4 --worker)
        ;;
    pg-restart)
        cmd_full=(tests/chaos/pg-restart.sh --restarts 80 --seed 12)
        cmd_quick=(tests/chaos/pg-restart.sh --restarts 3)
        ;;
    proxy)
        cmd_full=(tests/chaos/proxy.sh --seconds 300 --seed 11)
        cmd_quick=(tests/chaos/proxy.sh --seconds 20 --quiet 2)
        ;;
    enospc)
        cmd_full=(tests/chaos/enospc.sh --tmpfs --rounds 10 --hold 6 --seed 31)
        cmd_quick=(tests/chaos/enospc.sh --tmpfs --rounds 2)
        ;;
    enospc-shim)
        cmd_full=(tests/chaos/enospc.sh --shim --rounds 10 --seed 21)
        cmd_quick=(tests/chaos/enospc.sh --shim --rounds 2)
        ;;
    connlimit)
        cmd_full=(tests/chaos/connlimit.sh --rounds 4 --seconds 30 --seed 12 --http-timeout 8)
        cmd_quick=(tests/chaos/connlimit.sh --rounds 1 --seconds 3 --http-timeout 5)
        ;;
    soak)
        # RSS means something only without ASan's quarantine: the release build.
        cmd_full=(bench/soak.sh --minutes 10 --bin "$ORDO_ROOT/build/release/bin/ordo")
        cmd_quick=(bench/soak.sh --minutes 0.5 --warmup-seconds 10 --rate 2)
        ;;
    fuzz)
        # fuzz.sh keeps its own record (docs/fuzzing-results.md) unless --no-record.
        cmd_full=(scripts/fuzz.sh)
        cmd_quick=(scripts/fuzz.sh --seconds 60)
        ((record)) || {
            cmd_full+=(--no-record)
            cmd_quick+=(--no-record)
        }
        ;;
    *) return 1 ;;
    esac
}

quick=0
record=1
list=0
bin=$ORDO_ROOT/build/asan/bin/ordo
picked=()
while (($#)); do
    case $1 in
    --quick) quick=1 ;;
    --list) list=1 ;;
    --no-record) record=0 ;;
    --bin)
        (($# >= 2)) || usage_error "--bin needs the ordo binary"
        bin=$2
        shift
        ;;
    -h | --help)
        print_usage "$0"
        exit 0
        ;;
    -*) usage_error "unknown option '$1'" ;;
    *)
        check_def "$1" || usage_error "no check named '$1' (known: ${all_checks[*]})"
        picked+=("$1")
        ;;
    esac
    shift
done
((${#picked[@]})) || picked=("${all_checks[@]}")

if ((list)); then
    for name in "${all_checks[@]}"; do
        check_def "$name"
        printf '%-12s %s\n%-12s --quick: %s\n' "$name" "${cmd_full[*]}" "" "${cmd_quick[*]}"
    done
    exit 0
fi

[[ -x $bin ]] || die "no ordo binary at $bin: build it (cmake --preset asan && cmake --build --preset asan) or name one with --bin"
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
commit=$(commit_label)
day=$(date -u +%F)
logs=$ORDO_ROOT/build/reliability
mkdir -p "$logs"

# A table cell: no line break, and a | would end the cell.
cell() {
    tr '\n' ' ' <<<"$1" | sed -e 's/ *$//' -e 's/|/\\|/g'
}

rows=()
failed=0
for name in "${picked[@]}"; do
    check_def "$name"
    if ((quick)); then
        cmd=("${cmd_quick[@]}") run=$run_quick
    else
        cmd=("${cmd_full[@]}") run=$run_full
    fi
    log=$logs/$name.log
    say "== $name: ${cmd[*]} (output: $log)"
    t0=$(now_us)
    rc=0
    ORDOTEST_BIN=$bin ORDOTEST_SOURCE_DIR=$ORDO_ROOT "${cmd[@]}" >"$log" 2>&1 || rc=$?
    secs=$(fmt_secs $(($(now_us) - t0)))
    # Only a check without a fault of its own prints the line: a test run (the suite) may show
    # other scripts' RESULT lines in its output.
    line=
    [[ -n $fault ]] || line=$(grep '^RESULT|' "$log" | tail -n 1 || true)
    if [[ -n $line ]]; then
        IFS='|' read -r _ fault run checked result <<<"$line"
        # A script that says pass but exits otherwise did not pass.
        if [[ $result == pass && $rc != 0 ]]; then
            result="fail (exit status $rc after a pass line)"
        fi
    elif [[ -z $fault ]]; then
        fault=$name result="fail (exit status $rc and no RESULT line; see build/reliability/$name.log)"
    elif ((rc == 0)); then
        result=pass
    elif ((rc == 77)); then
        result="skipped: $(tail -n 1 "$log")"
    else
        result="fail (exit status $rc; see build/reliability/$name.log)"
    fi
    [[ $result == pass || $result == skipped* ]] || failed=1
    # Only a short form that differs from the full one is worth saying.
    [[ $quick == 1 && "${cmd_quick[*]}" != "${cmd_full[*]}" ]] && run="$run (--quick)"
    say "   $result in $secs s"
    rows+=("| $(cell "$fault") | $(cell "$run, $secs s") | $(cell "$checked") | $(cell "$result") | $day | $commit |")
done

say ""
printf '%s\n' "${rows[@]}"
if ((record)); then
    { grep -qxF "$begin_mark" "$doc" && grep -qxF "$end_mark" "$doc"; } ||
        die "$doc lacks the lines '$begin_mark' and '$end_mark' around its Results table"
    # Between the marks: a row whose first cell matches a new row's is replaced in place; the
    # other new rows go at the end of the table.
    new=$(mktemp)
    trap 'rm -f -- "$new"' EXIT
    printf '%s\n' "${rows[@]}" |
        awk -v begin="$begin_mark" -v end="$end_mark" '
            function key(row,   f) { split(row, f, / \| /); sub(/^\| /, "", f[1]); return f[1] }
            FNR == NR { fresh[key($0)] = $0; order[++n] = key($0); next }
            $0 == begin { inside = 1; print; next }
            inside && $0 == end {
                for (i = 1; i <= n; i++) if (!(order[i] in done)) { print fresh[order[i]]; done[order[i]] = 1 }
                inside = 0; print; next
            }
            inside && /^\| / && (key($0) in fresh) { print fresh[key($0)]; done[key($0)] = 1; next }
            { print }' - "$doc" >"$new"
    cat "$new" >"$doc"
    say "rows written into $doc"
fi
exit "$failed"
