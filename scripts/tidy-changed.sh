#!/usr/bin/env bash
# scripts/tidy-changed.sh - run clang-tidy (the project's .clang-tidy) on the .c files that changed.
#
# Usage: scripts/tidy-changed.sh [--base REF | --all | FILE...]
#   Changed means: differs from a base commit, or is uncommitted (staged, unstaged or untracked).
#   The base is --base REF, else $ORDO_TIDY_BASE, else the merge-base with origin/main when that
#   ref exists and the merge-base is not HEAD itself, else the newest commit older than 24 hours
#   (so a CI run checks every commit of the day, not only the last), else the empty tree.
#   --all   every .c file in the compilation database (slow: minutes)
#   FILE... just these files
# Needs build/asan/compile_commands.json (scripts/test.sh configures it; or run
# `cmake --preset asan`); ORDO_TIDY_BUILD_DIR names another build tree. Files the database does not
# know (not built yet) are skipped with a notice. Runs $ORDO_JOBS files at a time (default 2).
# Exits 1 when clang-tidy reports anything (.clang-tidy makes every warning an error).
# CLANG_TIDY names another binary (default: clang-tidy).
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CLANG_TIDY=${CLANG_TIDY:-clang-tidy}
BUILD_DIR=${ORDO_TIDY_BUILD_DIR:-$ORDO_ROOT/build/asan}

# Internal: tidy one file and print its output in one piece, so parallel runs do not interleave.
if [[ ${1:-} == --one ]]; then
    status=0
    out=$("$CLANG_TIDY" -p "$BUILD_DIR" --quiet "$2" 2>&1) || status=$?
    out=$(grep -v '^[0-9]* warnings\{0,1\} \(and [0-9]* errors\{0,1\} \)\{0,1\}generated\.$' \
        <<<"$out" || true)
    if [[ $status != 0 || -n $out ]]; then
        printf '%s\n' "--- clang-tidy $2" "$out"
    fi
    exit "$status"
fi

base=${ORDO_TIDY_BASE:-}
all=0
args=()
while (($#)); do
    case $1 in
    --base)
        base=${2:?--base needs a git ref}
        shift
        ;;
    --all) all=1 ;;
    -h | --help)
        print_usage "$0"
        exit 0
        ;;
    -*) die "unknown option '$1' (try --help)" ;;
    *) args+=("$(realpath -- "$1")") ;;
    esac
    shift
done
cd "$ORDO_ROOT"

command -v "$CLANG_TIDY" >/dev/null 2>&1 ||
    die "$CLANG_TIDY not found (scripts/install-deps.sh installs clang-tidy)"
db=$BUILD_DIR/compile_commands.json
[[ -f $db ]] || die "$db is missing: run 'cmake --preset asan' (or scripts/test.sh) first"

# Absolute paths of the files the compilation database can compile.
known=$(grep -o '"file": *"[^"]*"' "$db" | sed 's/^"file": *"//; s/"$//' | sort -u)

candidates=()
if ((${#args[@]})); then
    candidates=("${args[@]}")
elif ((all)); then
    while IFS= read -r f; do
        [[ $f == "$ORDO_ROOT"/* ]] && candidates+=("$f")
    done <<<"$known"
else
    if ! in_git_tree; then
        notice "not a git checkout: clang-tidy skipped (no way to tell which files changed)"
        exit 0
    fi
    if [[ -z $base ]] && git rev-parse -q --verify 'origin/main^{commit}' >/dev/null; then
        mb=$(git merge-base HEAD origin/main 2>/dev/null || true)
        if [[ -n $mb && $mb != "$(git rev-parse HEAD)" ]]; then
            base=$mb
        fi
    fi
    if [[ -z $base ]] && git rev-parse -q --verify 'HEAD^{commit}' >/dev/null; then
        # A clean CI clone has no other ref to compare with. Check what the last day of
        # commits changed, so every commit of a push is covered, not only the newest one;
        # a repository younger than a day compares with the empty tree (every file).
        base=$(git rev-list -1 --before='24 hours ago' HEAD 2>/dev/null || true)
        base=${base:-$(git hash-object -t tree /dev/null)}
    fi
    changed=()
    if [[ -n $base ]]; then
        say "tidy-changed: .c files changed since $base ($(git rev-parse --short "$base")) or uncommitted"
        while IFS= read -r -d '' f; do
            changed+=("$f")
        done < <(git diff -z --name-only --diff-filter=ACMR "$base" -- '*.c')
    else
        say "tidy-changed: no commits yet: every .c file counts as changed"
        while IFS= read -r -d '' f; do
            changed+=("$f")
        done < <(git ls-files -z -- '*.c')
    fi
    while IFS= read -r -d '' f; do
        changed+=("$f")
    done < <(git ls-files -z --others --exclude-standard -- '*.c')
    for f in ${changed[@]+"${changed[@]}"}; do
        [[ -f $f ]] && candidates+=("$ORDO_ROOT/$f")
    done
fi

files=()
skipped=()
for f in ${candidates[@]+"${candidates[@]}"}; do
    if grep -qxF "$f" <<<"$known"; then
        files+=("$f")
    else
        skipped+=("${f#"$ORDO_ROOT"/}")
    fi
done
if ((${#skipped[@]})); then
    say "tidy-changed: not in $db, skipped: ${skipped[*]}"
fi
if ((${#files[@]} == 0)); then
    notice "clang-tidy skipped: no changed C files that the build compiles"
    exit 0
fi

jobs=$(ordo_jobs)
say "tidy-changed: clang-tidy on ${#files[@]} file(s), $jobs at a time"
status=0
printf '%s\0' "${files[@]}" | xargs -0 -n 1 -P "$jobs" bash "$ORDO_ROOT/scripts/tidy-changed.sh" --one || status=$?
if ((status != 0)); then
    say "tidy-changed: clang-tidy found problems (see above; .clang-tidy makes warnings errors)"
    exit 1
fi
say "tidy-changed: ${#files[@]} file(s) clean"
