#!/usr/bin/env bash
# scripts/check-deps.sh - check every #include "folder/..." against the arrows of ARCHITECTURE.md.
#
# Usage: scripts/check-deps.sh
#
# A file in folder F may include headers of F itself and of the folders F points at:
#   base -> (nothing)           bpmn -> base               core -> bpmn, base
#   plugins -> core, base, include/ordo (the host implements the SDK it loads)
#   integrations/<name> -> include/ordo, integrations/common (the connectors' static toolkit)
#                          and its own folder; integrations/common -> include/ordo
#   webhooks -> core, bpmn, base                          generator -> plugins, bpmn, base
#   server -> everything        include/ordo -> (nothing)  tests, bench -> anything
# The SDK may be named "ordo/x.h" or "include/ordo/x.h". Includes of a path that is not a project
# folder (system and library headers, "unit/check_main.h" in tests) are not checked, but product
# code may not climb out with "../" (STYLE.md: includes name the folder).
# Prints file:line: message for each violation and exits 1 if there is any.
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ORDO_ROOT"

DIRS=(base bpmn core plugins integrations webhooks generator server include)
c_files "${DIRS[@]}"
if ((${#files[@]} == 0)); then
    say "check-deps: no C files to check"
    exit 0
fi

awk '
BEGIN {
    # allowed[from] = space-separated folders "from" may include (besides itself).
    allowed["base"] = ""
    allowed["bpmn"] = "base"
    allowed["core"] = "bpmn base"
    allowed["plugins"] = "core base include/ordo"
    allowed["integrations"] = "include/ordo"
    allowed["webhooks"] = "core bpmn base"
    allowed["generator"] = "plugins bpmn base"
    allowed["server"] = "base bpmn core plugins integrations webhooks generator include/ordo"
    allowed["include/ordo"] = ""
    split("base bpmn core plugins integrations webhooks generator server", f, " ")
    for (i in f)
        known[f[i]] = 1
    bad = 0
}
FNR == 1 {
    # The folder this file belongs to; integrations/<name> is one unit (common is one too).
    n = split(FILENAME, part, "/")
    from = part[1]
    if (from == "include" && part[2] == "ordo")
        from = "include/ordo"
    self = from
    if (from == "integrations" && n > 2)
        self = "integrations/" part[2]
}
/^[ \t]*#[ \t]*include[ \t]*[<"]/ {
    line = $0
    sub(/^[ \t]*#[ \t]*include[ \t]*/, "", line)
    open = substr(line, 1, 1)
    closer = (open == "<") ? ">" : "\""
    path = substr(line, 2)
    end = index(path, closer)
    if (end == 0)
        next
    path = substr(path, 1, end - 1)
    sub(/^\.\//, "", path)
    if (open == "\"" && path ~ /^\.\.\//) {
        printf "%s:%d: relative include \"%s\": name the folder (#include \"folder/file.h\")\n", FILENAME, FNR, path
        bad++
        next
    }
    np = split(path, seg, "/")
    if (np < 2)
        next
    to = seg[1]
    if (to == "ordo")
        to = "include/ordo"
    else if (to == "include" && seg[2] == "ordo")
        to = "include/ordo"
    else if (!(to in known))
        next
    if (from == "integrations" && to == "integrations") {
        target = (np > 2) ? "integrations/" seg[2] : "integrations"
        # Every connector may use the shared toolkit; the toolkit uses no connector.
        if (target == self || target == "integrations/common")
            next
        if (self == "integrations/common") {
            printf "%s:%d: the toolkit integrations/common may not include a connector (\"%s\")\n", FILENAME, FNR, path
            bad++
            next
        }
        printf "%s:%d: integrations may not include another connector (\"%s\"); share code through integrations/common\n", FILENAME, FNR, path
        bad++
        next
    }
    if (to == from)
        next
    if (index(" " allowed[from] " ", " " to " ") > 0)
        next
    printf "%s:%d: %s may not include \"%s\" (%s -> %s goes against ARCHITECTURE.md; %s may use: %s)\n", FILENAME, FNR, from, path, from, to, from, (allowed[from] == "" ? "nothing" : allowed[from])
    bad++
}
END {
    if (bad) {
        printf "check-deps: %d include(s) against the dependency arrows\n", bad
        exit 1
    }
}
' "${files[@]}"
say "check-deps: ${#files[@]} files follow the dependency arrows"
