#!/usr/bin/env bash
# scripts/build-ui.sh - build the admin web UI (ui/) into DEST, where `ordo serve` serves it under
# /ui/ (the ui_dir key; by default share/ordo/ui beside the executable's bin folder).
#
# Usage: scripts/build-ui.sh DEST
#
# The UI is plain ES modules and CSS, so building is copying: ui/index.html, ui/app/ and ui/css/,
# plus bpmn-js's own distribution (its modeler and navigated-viewer bundles, styles, font and licence) from npm (`npm ci` in ui/ when its lock file changed) into
# DEST/vendor/bpmn-js/. Nothing comes from a CDN at run time. Needs npm (Debian 12's own npm
# does; the browser tests need Node.js >= 20); without it, it fails and says so. DEST is replaced as a whole, so a file removed from ui/ goes too.
# Called by scripts/run.sh, scripts/test.sh and the Dockerfile.
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case ${1:-} in
-h | --help)
    print_usage "$0"
    exit 0
    ;;
'') die "usage: $0 DEST (try --help)" ;;
esac
dest=$1
command -v npm >/dev/null 2>&1 || die "npm is not installed: the web UI cannot be built (apt-get install npm)"

export npm_config_update_notifier=false
npm_ci "$ORDO_ROOT/ui"
bpmn=$ORDO_ROOT/ui/node_modules/bpmn-js/dist
[[ -f $bpmn/bpmn-modeler.production.min.js ]] || die "$bpmn has no bpmn-modeler: npm ci in ui/ failed"

# Build beside DEST and swap it in, so a running server never serves half a UI.
mkdir -p "$(dirname "$dest")"
tmp=$(mktemp -d "$dest.new.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp -R "$ORDO_ROOT/ui/index.html" "$ORDO_ROOT/ui/app" "$ORDO_ROOT/ui/css" "$tmp/"
mkdir -p "$tmp/vendor/bpmn-js"
for bundle in bpmn-modeler bpmn-navigated-viewer; do
    cp "$bpmn/$bundle.production.min.js" "$tmp/vendor/bpmn-js/$bundle.js"
done
cp -R "$bpmn/assets" "$tmp/vendor/bpmn-js/assets"
cp "$ORDO_ROOT/ui/node_modules/bpmn-js/LICENSE" "$tmp/vendor/bpmn-js/LICENSE.txt"
chmod -R a+rX "$tmp"
rm -rf "$dest.old"
[[ -e $dest ]] && mv "$dest" "$dest.old"
mv "$tmp" "$dest"
rm -rf "$dest.old"
trap - EXIT
say "web UI built into $dest"
