#!/usr/bin/env bash
# scripts/build-release.sh - build the release preset and the web UI, and optionally install them.
#
# Usage: scripts/build-release.sh [--require-ui] [--install PREFIX] [-j N]
#   --require-ui      fail when npm is missing instead of building without the web UI
#   --install PREFIX  then `cmake --install build/release --prefix PREFIX`: bin/ordo,
#                     bin/ordo-sandbox, lib/ordo/connectors/*.so and share/ordo/ui/, the layout
#                     the executable finds its plugins and UI in (plugin_dir, ui_dir)
#   -j N              parallel build jobs (default: nproc; ORDO_JOBS)
#
# Steps: cmake --preset release, cmake --build --preset release, `ordo version`, then
# scripts/build-ui.sh into build/release/share/ordo/ui when npm is installed (without npm a
# NOTICE says the UI is missing; the API and CLI work without it).
# Shared by scripts/run.sh (the run command, hence CI's quick-start stage) and the Dockerfile, so
# the image is built the way CI builds it. The test command keeps its own asan build.
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_ui=0
prefix=
while (($#)); do
    if common_opt "$@"; then
        shift "$common_shift"
        continue
    fi
    case $1 in
    --require-ui) require_ui=1 ;;
    --install)
        prefix=${2:?--install needs a prefix}
        shift
        ;;
    *) die "unknown option '$1' (try --help)" ;;
    esac
    shift
done
cd "$ORDO_ROOT"

run cmake --preset release >/dev/null
run cmake --build --preset release -j "$(ordo_jobs)"
ordo=$ORDO_ROOT/build/release/bin/ordo
[[ -x $ordo ]] || die "the build did not produce $ordo"
run "$ordo" version
if command -v npm >/dev/null 2>&1; then
    run bash scripts/build-ui.sh "$ORDO_ROOT/build/release/share/ordo/ui"
elif ((require_ui)); then
    die "npm is not installed and --require-ui was given: the web UI cannot be built (apt-get install npm)"
else
    notice "npm is not installed: the web UI is not built, and /ui/ says so. The API and CLI work."
fi

if [[ -n $prefix ]]; then
    run cmake --install build/release --prefix "$prefix"
fi
