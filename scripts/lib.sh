# shellcheck shell=bash
# scripts/lib.sh - helpers shared by the scripts in this folder. Source it, do not run it:
#
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# It sets ORDO_ROOT (the repository root, found from this file's location, so every script works
# from any working directory) and defines small functions for messages, timing and Node.js checks.

# Not exported: `ordo` warns about ORDO_* environment variables it does not know (CONTRACTS §5).
ORDO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The Node.js major version the oracle and browser tests need (Debian 12 ships 18).
ORDO_NODE_MIN=20

ordo_prog=$(basename "${0:-ordo}")

say() {
    printf '%s\n' "$*"
}

warn() {
    printf '%s: %s\n' "$ordo_prog" "$*" >&2
}

die() {
    printf '%s: error: %s\n' "$ordo_prog" "$*" >&2
    exit 1
}

# A notice that must not scroll by unseen (skipped tests, old tools).
notice() {
    printf '\n!!! NOTICE: %s\n\n' "$*"
}

# Print a command, then run it.
run() {
    printf '+ %s\n' "$*"
    "$@"
}

# Microseconds since the epoch (bash 5's EPOCHREALTIME; its separator follows the locale).
now_us() {
    local t=${EPOCHREALTIME/[.,]/}
    printf '%s\n' "$t"
}

# Format a duration given in microseconds as seconds with one decimal: 3.2
fmt_secs() {
    local us=$1
    printf '%d.%d' $((us / 1000000)) $(((us / 100000) % 10))
}

# Number of parallel jobs: $ORDO_JOBS, else the number of cores.
ordo_jobs() {
    if [[ -n ${ORDO_JOBS:-} ]]; then
        printf '%s\n' "$ORDO_JOBS"
    else
        nproc 2>/dev/null || printf '2\n'
    fi
}

# The major version of the node on PATH, or nothing when node is not installed.
node_major() {
    local v
    command -v node >/dev/null 2>&1 || return 0
    v=$(node --version 2>/dev/null) || return 0
    v=${v#v}
    printf '%s\n' "${v%%.*}"
}

# True when node >= ORDO_NODE_MIN and npm are both installed. On false, NODE_PROBLEM says why.
node_ok() {
    local major
    major=$(node_major)
    NODE_PROBLEM=
    if [[ -z $major ]]; then
        NODE_PROBLEM="Node.js is not installed (need >= $ORDO_NODE_MIN)"
    elif ! [[ $major =~ ^[0-9]+$ ]] || ((major < ORDO_NODE_MIN)); then
        NODE_PROBLEM="Node.js $(node --version 2>/dev/null) is too old (need >= $ORDO_NODE_MIN; Debian 12's own package is 18)"
    elif ! command -v npm >/dev/null 2>&1; then
        NODE_PROBLEM="npm is not installed (Node.js $(node --version) is)"
    fi
    [[ -z $NODE_PROBLEM ]]
}

# True inside a git work tree (a Docker build context has no .git).
in_git_tree() {
    command -v git >/dev/null 2>&1 &&
        git -C "$ORDO_ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1
}

# The usage text of the calling script: its header comment from line 2 down to `set -euo`.
print_usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$1"
}

# c_files DIR...: fill the array 'files' with the .c and .h files under the existing DIRs,
# sorted, skipping node_modules.
c_files() {
    local d f
    files=()
    for d in "$@"; do
        [[ -d $d ]] || continue
        while IFS= read -r -d '' f; do
            files+=("$f")
        done < <(find "$d" -name node_modules -prune -o -type f \( -name '*.c' -o -name '*.h' \) \
            -print0 | sort -z)
    done
}

# `npm ci` in DIR when its package-lock.json or package.json is newer than our stamp in
# DIR/node_modules, so a second run costs nothing.
npm_ci() {
    local dir=$1 stamp=$1/node_modules/.ordo-npm-ci-stamp
    if [[ ! -f $dir/package-lock.json ]]; then
        [[ -f $dir/package.json ]] &&
            warn "$dir has package.json but no package-lock.json: run 'npm install' there and commit the lock file"
        return 0
    fi
    if [[ -f $stamp && $stamp -nt $dir/package-lock.json && $stamp -nt $dir/package.json ]]; then
        say "$dir/node_modules is up to date"
        return 0
    fi
    (cd "$dir" && run npm ci --no-audit --no-fund --loglevel=error)
    touch "$stamp"
}

# common_opt ARGS...: the options the build and test scripts share, at the head of ARGS: -j N or
# -jN (parallel jobs, into ORDO_JOBS) and -h/--help (the script's usage, exit 0). Sets
# common_shift to how many arguments it used; returns 1 when $1 is none of them. In a loop:
#   if common_opt "$@"; then shift "$common_shift"; continue; fi
# shellcheck disable=SC2034 # common_shift is the caller's
common_opt() {
    case $1 in
    -j)
        (($# >= 2)) || usage_error "-j needs a number"
        ORDO_JOBS=$2
        common_shift=2
        ;;
    -j*)
        ORDO_JOBS=${1#-j}
        common_shift=1
        ;;
    -h | --help)
        print_usage "$0"
        exit 0
        ;;
    *) return 1 ;;
    esac
    [[ $ORDO_JOBS =~ ^[1-9][0-9]*$ ]] || usage_error "-j takes a positive whole number, not '$ORDO_JOBS'"
}

# The commit a recorded result ran on: the short hash, "(uncommitted changes)" added when a
# tracked file outside docs/ differs (the records in docs/ are what such runs write).
commit_label() {
    local commit
    in_git_tree || {
        echo unknown
        return 0
    }
    commit=$(git -C "$ORDO_ROOT" rev-parse --short HEAD)
    [[ -z $(git -C "$ORDO_ROOT" status --porcelain --untracked-files=no -- . ':!docs') ]] ||
        commit="$commit (uncommitted changes)"
    echo "$commit"
}

# Bad usage: the message, a hint, exit 2 (CONTRACTS §4).
usage_error() {
    printf '%s: error: %s (try --help)\n' "$ordo_prog" "$1" >&2
    exit 2
}

# pg_bin TOOL...: the highest installed PostgreSQL's bin folder that has every TOOL (a newer
# pg_dump dumps an older server; pg_restore must be at least pg_dump's version), or ORDO_PG_BIN
# when set (a PostgreSQL installed elsewhere).
pg_bin() {
    local bin tool where='/usr/lib/postgresql/*/bin'
    if [[ -n ${ORDO_PG_BIN:-} ]]; then
        bin=$ORDO_PG_BIN
        where="ORDO_PG_BIN ($bin)"
    else
        bin=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -type d -name bin 2>/dev/null |
            sort -V | tail -n 1)
    fi
    for tool in "$@"; do
        [[ -n $bin && -x $bin/$tool ]] ||
            die "no $tool under $where (install postgresql, or run scripts/install-deps.sh)"
    done
    printf '%s\n' "$bin"
}

# env_setting NAME: the value of the environment variable NAME, else the content of the file
# that NAME_FILE names without one trailing newline, as Ordo reads them
# (docs/configuration.md); empty when neither is set. Both set is an error, as in Ordo.
env_setting() {
    local name=$1 file_var=${1}_FILE value
    if [[ -n ${!name:-} && -n ${!file_var:-} ]]; then
        die "$name and $file_var are both set: keep one"
    fi
    if [[ -n ${!file_var:-} ]]; then
        [[ -f ${!file_var} && -r ${!file_var} ]] || die "$file_var: cannot read ${!file_var}"
        value=$(<"${!file_var}") # $( ) drops every trailing newline; a value never ends in one
        printf '%s\n' "$value"
    else
        printf '%s\n' "${!name:-}"
    fi
}

# "a%40b" -> "a@b": a URI's percent-encoding undone (a backslash stays a backslash).
pct_decode() {
    local v=${1//\\/\\\\}
    printf '%b' "${v//%/\\x}"
}

# pg_conn_split CONNINFO: the libpq connection string (URI or key=value) without its password
# in pg_conn, and the password, unquoted or decoded, in pg_pass (empty when it has none). The
# scripts then hand the tools pg_conn on their command line, which every user of the machine
# can read in ps, and the password through PGPASSWORD, which only the same user and root can.
# It reads the string as libpq does: a URI's user:password ends at its first @ (before any /),
# a query may carry password=...; key=value pairs are unquoted (a backslash escapes the next
# character) or quoted '...' (with \' and \\), and the last password wins.
# shellcheck disable=SC2034 # pg_conn and pg_pass are this function's results
pg_conn_split() {
    local s=$1 head rest before userinfo query kept part parts i c n key value start
    pg_pass=
    if [[ $s =~ ^(postgres(ql)?://)(.*)$ ]]; then
        head=${BASH_REMATCH[1]}
        rest=${BASH_REMATCH[3]}
        before=${rest%%/*}
        if [[ $before == *@* ]]; then
            userinfo=${before%%@*}
            rest=${rest#*@}
            if [[ $userinfo == *:* ]]; then
                pg_pass=$(pct_decode "${userinfo#*:}")
                userinfo=${userinfo%%:*}
            fi
            head+=$userinfo@
        fi
        # ?...&password=...&...: the parameter dropped, the others kept.
        if [[ $rest == *\?* ]]; then
            query=${rest#*\?}
            rest=${rest%%\?*}
            kept=
            IFS='&' read -r -a parts <<<"$query"
            for part in "${parts[@]}"; do
                if [[ $part == password=* ]]; then
                    pg_pass=$(pct_decode "${part#password=}")
                else
                    kept+=${kept:+&}$part
                fi
            done
            [[ -z $kept ]] || rest+="?$kept"
        fi
        pg_conn=$head$rest
        return 0
    fi
    # key=value: each pair copied as it was written, except password pairs.
    pg_conn=
    n=${#s}
    i=0
    while ((i < n)); do
        c=${s:i:1}
        if [[ $c == [[:space:]] ]]; then
            pg_conn+=$c
            i=$((i + 1))
            continue
        fi
        start=$i
        key=
        while ((i < n)) && [[ ${s:i:1} != [=[:space:]] ]]; do
            key+=${s:i:1}
            i=$((i + 1))
        done
        while ((i < n)) && [[ ${s:i:1} == [[:space:]] ]]; do i=$((i + 1)); done
        if ((i >= n)) || [[ ${s:i:1} != = ]]; then
            pg_conn+=${s:start} # not key=value: libpq refuses it, and so will the tool
            return 0
        fi
        i=$((i + 1))
        while ((i < n)) && [[ ${s:i:1} == [[:space:]] ]]; do i=$((i + 1)); done
        value=
        if [[ ${s:i:1} == "'" ]]; then
            i=$((i + 1))
            while ((i < n)) && [[ ${s:i:1} != "'" ]]; do
                [[ ${s:i:1} == "\\" ]] && i=$((i + 1))
                value+=${s:i:1}
                i=$((i + 1))
            done
            i=$((i + 1))
        else
            while ((i < n)) && [[ ${s:i:1} != [[:space:]] ]]; do
                [[ ${s:i:1} == "\\" ]] && i=$((i + 1))
                value+=${s:i:1}
                i=$((i + 1))
            done
        fi
        if [[ $key == password ]]; then
            pg_pass=$value
        else
            pg_conn+=${s:start:i-start}
        fi
    done
}

# A connection string fit for printing: without its password (pg_conn_split), saying so.
redact() {
    local pg_conn pg_pass
    pg_conn_split "$1"
    printf '%s%s\n' "$pg_conn" "${pg_pass:+ (password not shown)}"
}

