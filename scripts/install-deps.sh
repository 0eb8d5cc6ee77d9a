#!/usr/bin/env bash
# scripts/install-deps.sh - install the Debian 12 packages Ordo needs, only those that are missing.
#
# Usage: scripts/install-deps.sh [--runtime] [--list] [--check]
#   (no option)  build and test packages: compilers, -dev libraries, PostgreSQL, Check, clang tools,
#                wrk
#   --runtime    only what a built `ordo` needs at run time (the Dockerfile's final stage)
#   --list       print the package list and exit
#   --check      print the missing packages and exit 1 if there are any; install nothing
#
# Each package is checked with dpkg first; `apt-get update` runs only when something is missing,
# so a second run takes a fraction of a second. As root it calls apt-get directly; otherwise it
# uses sudo when there is one, else it fails and names the packages to install.
# Shared by scripts/test.sh, scripts/run.sh and the Dockerfile: add new packages here.
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BUILD_PACKAGES=(
    build-essential cmake pkg-config
    libxml2-dev libxml2-utils libjansson-dev libsodium-dev libcurl4-openssl-dev
    libmicrohttpd-dev libpq-dev postgresql
    check libsubunit-dev
    clang-format clang-tidy cppcheck
    wrk # the HTTP benchmarks (bench/run-http.sh) and their smoke test
    openssl # the throwaway certificate of tests/integration/test_http_door.c
    chromium # the browser tests of the web UI (tests/ui, driven by playwright-core)
    python3 jq # the chaos scripts' local receiver and their checks (tests/chaos)
    python3-yaml # test_dockerfile parses docker-compose.yml
)

RUNTIME_PACKAGES=(
    ca-certificates
    libxml2 libjansson4 libsodium23 libcurl4 libmicrohttpd12 libpq5
    postgresql # the embedded database (CONTRACTS.md §9) runs its initdb and postgres
    curl # the Docker image's HEALTHCHECK asks /readyz with it
)

usage() {
    print_usage "$0"
}

mode=install
packages=("${BUILD_PACKAGES[@]}")
while (($#)); do
    case $1 in
    --runtime) packages=("${RUNTIME_PACKAGES[@]}") ;;
    --list) mode=list ;;
    --check) mode=check ;;
    -h | --help)
        usage
        exit 0
        ;;
    *) die "unknown option '$1' (try --help)" ;;
    esac
    shift
done

if [[ $mode == list ]]; then
    printf '%s\n' "${packages[@]}"
    exit 0
fi

command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: this script is for Debian 12"

# One dpkg-query call for all packages; a package counts only when fully installed.
installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null |
    awk '$NF == "installed" && $(NF-1) == "ok" { print $1 }') || true
missing=()
for p in "${packages[@]}"; do
    if ! grep -qxF "$p" <<<"$installed"; then
        missing+=("$p")
    fi
done

if ((${#missing[@]} == 0)); then
    say "all ${#packages[@]} Debian packages are installed"
    exit 0
fi

if [[ $mode == check ]]; then
    say "missing Debian packages: ${missing[*]}"
    exit 1
fi

say "missing Debian packages: ${missing[*]}"
if ((EUID == 0)); then
    sudo=()
elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
    say "not root: using sudo to install them"
else
    die "not root and no sudo: as root, run
    apt-get update && apt-get install -y ${missing[*]}"
fi

export DEBIAN_FRONTEND=noninteractive
apt_opts=(-y -q -o DPkg::Lock::Timeout=300)
run "${sudo[@]}" apt-get "${apt_opts[@]}" update
run "${sudo[@]}" apt-get "${apt_opts[@]}" install "${missing[@]}"
