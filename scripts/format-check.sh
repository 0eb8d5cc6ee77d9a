#!/usr/bin/env bash
# scripts/format-check.sh - check C formatting against .clang-format (clang-format 14).
#
# Usage: scripts/format-check.sh [--diff | --fix] [FILE...]
#   Without files it checks the tracked .c/.h files (git ls-files; outside a git checkout, such
#   as a Docker build, every .c/.h file outside build/ and node_modules/).
#   --diff  also show what clang-format would change
#   --fix   reformat the files in place (clang-format -i) instead of checking
# Lists the files that are not formatted and exits 1 if there is any.
# CLANG_FORMAT names another binary (default: clang-format).
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CLANG_FORMAT=${CLANG_FORMAT:-clang-format}
mode=check
args=()
while (($#)); do
    case $1 in
    --diff) mode="diff" ;;
    --fix) mode="fix" ;;
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
command -v "$CLANG_FORMAT" >/dev/null 2>&1 ||
    die "$CLANG_FORMAT not found (scripts/install-deps.sh installs clang-format)"

files=()
if ((${#args[@]})); then
    for f in "${args[@]}"; do
        files+=("${f#"$ORDO_ROOT"/}")
    done
elif in_git_tree; then
    while IFS= read -r -d '' f; do
        [[ -f $f ]] && files+=("$f") # skip files deleted but not yet committed
    done < <(git ls-files -z -- '*.c' '*.h')
else
    while IFS= read -r -d '' f; do
        files+=("${f#./}")
    done < <(find . \( -name build -o -name node_modules -o -name .git \) -prune -o -type f \
        \( -name '*.c' -o -name '*.h' \) -print0 | sort -z)
fi
if ((${#files[@]} == 0)); then
    say "format-check: no C files to check"
    exit 0
fi

if [[ $mode == fix ]]; then
    run "$CLANG_FORMAT" -i -- "${files[@]}"
    exit 0
fi

# A file is formatted when clang-format leaves it unchanged. One small job per file keeps the
# output of parallel jobs from mixing.
"$CLANG_FORMAT" --dump-config >/dev/null || die "$CLANG_FORMAT does not accept .clang-format"
# shellcheck disable=SC2016 # the sh -c script expands its own variables
offenders=$(printf '%s\0' "${files[@]}" |
    CLANG_FORMAT=$CLANG_FORMAT xargs -0 -n 1 -P "$(ordo_jobs)" sh -c \
        '"$CLANG_FORMAT" -- "$1" | cmp -s -- "$1" - || printf "%s\n" "$1"' sh | sort)

if [[ -z $offenders ]]; then
    say "format-check: ${#files[@]} files formatted"
    exit 0
fi
say "format-check: not formatted as .clang-format says:"
while IFS= read -r f; do
    say "  $f"
    if [[ $mode == diff ]]; then
        "$CLANG_FORMAT" -- "$f" | diff -u --label "$f" --label "$f (clang-format)" "$f" - || true
    fi
done <<<"$offenders"
say "format-check: $(wc -l <<<"$offenders") file(s); fix with: scripts/format-check.sh --fix FILE..."
exit 1
