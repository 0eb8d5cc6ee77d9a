#!/usr/bin/env bash
# scripts/checksrc.sh - refuse the C functions STYLE.md bans (the idea of curl's checksrc).
#
# Usage: scripts/checksrc.sh [FILE...]
#   Without arguments it checks every .c/.h file of the product folders and of tests/.
#
# Banned: sprintf vsprintf strcpy strcat strtok atoi atol atoll gets alloca system popen rand.
# A banned name counts only as a call (name followed by '('), outside comments, strings and
# character literals, and not as a member (s.rand(...), p->system(...)); srand, strtok_r,
# snprintf, random and the like are different identifiers and pass. VLAs are refused by the
# compiler (-Wvla). SQL built by concatenation is a reviewer's job until a check exists.
#
# Product code (base bpmn core plugins integrations webhooks generator server include bench) has
# no escape hatch. Test code (tests/) may keep a banned call on a line that carries a
# `/* NOLINT */` or `// checksrc:allow` marker, e.g. strcat in a test helper.
# Prints file:line: message for each finding and exits 1 if there is any.
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
args=()
for f in "$@"; do # file arguments are relative to the caller's directory
    f=$(realpath -- "$f")
    args+=("${f#"$ORDO_ROOT"/}")
done
cd "$ORDO_ROOT"

PRODUCT_DIRS=(base bpmn core plugins integrations webhooks generator server include bench)
TEST_DIRS=(tests)

files=()
if ((${#args[@]})); then
    files=("${args[@]}")
else
    c_files "${PRODUCT_DIRS[@]}" "${TEST_DIRS[@]}"
fi
if ((${#files[@]} == 0)); then
    say "checksrc: no C files to check"
    exit 0
fi

# The awk program strips comments, strings and character literals (keeping line numbers), then
# looks for banned calls. Lines that cannot matter skip the character scan, which keeps a run of
# the whole tree well under a second.
awk '
BEGIN {
    banned = "sprintf|vsprintf|strcpy|strcat|strtok|atoi|atol|atoll|gets|alloca|system|popen|rand"
    n = split(banned, names, "|")
    hint["sprintf"] = "use snprintf or ordo_arena_printf"
    hint["vsprintf"] = "use vsnprintf"
    hint["strcpy"] = "use snprintf or memcpy with a checked length"
    hint["strcat"] = "use a struct ordo_buf or snprintf"
    hint["strtok"] = "use strtok_r or strcspn/strspn"
    hint["atoi"] = "use strtol with error checks"
    hint["atol"] = "use strtol with error checks"
    hint["atoll"] = "use strtoll with error checks"
    hint["gets"] = "use fgets"
    hint["alloca"] = "use an arena or a fixed-size buffer"
    hint["system"] = "use fork/exec (posix_spawn) with an argument vector"
    hint["popen"] = "use fork/exec (posix_spawn) with pipes"
    hint["rand"] = "use randombytes_buf or randombytes_uniform (libsodium)"
    quick = "(^|[^A-Za-z0-9_])(" banned ")[ \t]*\\("
    found = 0
}
FNR == 1 {
    incomment = 0
    istest = (FILENAME ~ /^(\.\/)?tests\//)
}
{
    line = $0
    if (!incomment && index(line, "/*") == 0 && line !~ quick)
        next
    # Blank out comments, strings and character literals, one character at a time.
    out = ""
    len = length(line)
    i = 1
    while (i <= len) {
        c = substr(line, i, 1)
        if (incomment) {
            if (c == "*" && substr(line, i + 1, 1) == "/") {
                incomment = 0
                i += 2
                out = out "  "
                continue
            }
            out = out " "
            i++
            continue
        }
        two = substr(line, i, 2)
        if (two == "/*") {
            incomment = 1
            out = out "  "
            i += 2
            continue
        }
        if (two == "//")
            break
        if (c == "\"" || c == "\047") {
            q = c
            out = out q
            i++
            while (i <= len) {
                c = substr(line, i, 1)
                if (c == "\\") {
                    i += 2
                    out = out "  "
                    continue
                }
                i++
                if (c == q)
                    break
                out = out " "
            }
            out = out q
            continue
        }
        out = out c
        i++
    }
    if (out !~ quick)
        next
    if (istest && ($0 ~ /NOLINT/ || $0 ~ /checksrc:allow/))
        next
    for (k = 1; k <= n; k++) {
        re = "(^|[^A-Za-z0-9_.>])" names[k] "[ \t]*\\("
        if (out ~ re) {
            printf "%s:%d: banned function %s() (%s)\n", FILENAME, FNR, names[k], hint[names[k]]
            found++
        }
    }
}
END {
    if (found) {
        printf "checksrc: %d banned call(s); see STYLE.md (Memory). ", found
        printf "Test files may mark a deliberate use with /* NOLINT */ or // checksrc:allow.\n"
        exit 1
    }
}
' "${files[@]}"
say "checksrc: ${#files[@]} files clean"
